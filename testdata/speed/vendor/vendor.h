// A third-party header, included through -isystem in tests/SpeedTest.cpp.
// factoryguard does not parse the bodies of functions declared in system
// headers (SPEC §7), so the error in vendor_log's body is only seen with
// --full-parse (or when this directory is given with -I). The test that
// compares findings with and without --full-parse defines
// VENDOR_BODIES_VALID.
#pragma once

#ifdef VENDOR_BODIES_VALID
inline int vendor_log(int level) { return level; }
#else
inline int vendor_log(int level) { return level + undeclared_in_vendor_body; }
#endif

// Bodies clang must keep: a constexpr function (evaluated below) and a
// deduced return type (its type is needed by the caller).
constexpr int vendor_size() { return 4; }
inline auto vendor_auto() { return 5L; }

template <class T> T vendor_twice(T t) { return t + t; }

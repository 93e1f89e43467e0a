// tests/SpeedTest.cpp: a unit that includes a system header whose function
// bodies factoryguard skips, and has a finding of its own.
#include <vendor.h>
#include <netra/netra.h>

static_assert(vendor_size() == 4, "constexpr bodies are kept");
decltype(vendor_auto()) deduced = 1L; // deduced return types are kept

void startup_code() {
  (void)vendor_log(vendor_twice(1));
  auto M = netra::get_websocket_manager();
  (void)M;
}

//===- TestHooks.h - Environment variables only the tests' binary reads --===//
//
// The tests edit a file between the analysis and --fix, signal the process
// while a temporary exists, and crash a unit on purpose, through
// environment variables. A binary that reads them runs any shell command
// (or crashes) at the word of its environment, so they are compiled into
// factoryguard-test-hooks, the CLI the tests that need them run, and never
// into factoryguard, the binary that is installed and packaged: there each
// hook is a no-op (TestHooks.cpp without FACTORYGUARD_TEST_HOOKS).
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_TESTHOOKS_H
#define FACTORYGUARD_TESTHOOKS_H

#include "llvm/ADT/StringRef.h"

namespace factoryguard {

enum class TestHook {
  AfterAnalysis, // FACTORYGUARD_TEST_HOOK_AFTER_ANALYSIS, before --fix
  BeforeRename,  // FACTORYGUARD_TEST_HOOK_BEFORE_RENAME, an output's temporary
};

/// When the hook's variable is set, runs its value with /bin/sh -c and
/// waits for it.
void runTestHook(TestHook Hook);

/// How a unit crashes on purpose: FACTORYGUARD_TEST_CRASH_UNIT=<file
/// name>[#<n>] (the n-th distinct command of that file, else all of them)
/// and FACTORYGUARD_TEST_CRASH_KIND (null-write, the default, or
/// stack-overflow).
enum class TestCrash { None, NullWrite, StackOverflow };
TestCrash testCrashFor(llvm::StringRef File, unsigned Index);

/// How the headers' part of a unit's preamble crashes on purpose (the
/// language server analyzes it in its own process, on a thread beside
/// clang's PCH build: Preamble.cpp): FACTORYGUARD_TEST_CRASH_HEADERS=<file
/// name of the unit>, and FACTORYGUARD_TEST_CRASH_KIND as above.
TestCrash testCrashForHeaders(llvm::StringRef File);

} // namespace factoryguard

#endif

//===- TestHooks.cpp - Environment variables only the tests' binary reads -===//
#include "TestHooks.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace factoryguard {

#if FACTORYGUARD_TEST_HOOKS

namespace {

std::string envOrEmpty(const char *Name) {
  std::optional<std::string> V = llvm::sys::Process::GetEnv(Name);
  return V ? *V : std::string();
}

/// FACTORYGUARD_TEST_CRASH_KIND's crash.
TestCrash crashKind() {
  static const std::string Kind = envOrEmpty("FACTORYGUARD_TEST_CRASH_KIND");
  return Kind == "stack-overflow" ? TestCrash::StackOverflow
                                  : TestCrash::NullWrite;
}

} // namespace

void runTestHook(TestHook Hook) {
  std::string Command = envOrEmpty(
      Hook == TestHook::AfterAnalysis ? "FACTORYGUARD_TEST_HOOK_AFTER_ANALYSIS"
                                      : "FACTORYGUARD_TEST_HOOK_BEFORE_RENAME");
  if (Command.empty())
    return;
  llvm::outs().flush();
  llvm::StringRef Argv[] = {"/bin/sh", "-c", Command};
  llvm::sys::ExecuteAndWait("/bin/sh", Argv);
}

TestCrash testCrashFor(llvm::StringRef File, unsigned Index) {
  static const std::string Unit = envOrEmpty("FACTORYGUARD_TEST_CRASH_UNIT");
  llvm::StringRef Name = llvm::sys::path::filename(File);
  if (Unit.empty() ||
      (Unit != Name && Unit != (Name + "#" + llvm::Twine(Index)).str()))
    return TestCrash::None;
  return crashKind();
}

TestCrash testCrashForHeaders(llvm::StringRef File) {
  static const std::string Unit = envOrEmpty("FACTORYGUARD_TEST_CRASH_HEADERS");
  if (Unit.empty() || Unit != llvm::sys::path::filename(File))
    return TestCrash::None;
  return crashKind();
}

#else

void runTestHook(TestHook) {}

TestCrash testCrashFor(llvm::StringRef, unsigned) { return TestCrash::None; }

TestCrash testCrashForHeaders(llvm::StringRef) { return TestCrash::None; }

#endif

} // namespace factoryguard

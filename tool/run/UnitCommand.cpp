//===- UnitCommand.cpp - How a compile command becomes our clang run ------===//
#include "UnitCommand.h"

using namespace clang::tooling;

namespace factoryguard {

ArgumentsAdjuster
unitArgumentsAdjuster(const std::vector<std::string> &ExtraArgsBefore,
                      const std::vector<std::string> &ExtraArgs) {
  ArgumentsAdjuster A = getClangStripOutputAdjuster();
  A = combineAdjusters(A, getClangSyntaxOnlyAdjuster());
  A = combineAdjusters(A, getStripPluginsAdjuster());
  A = combineAdjusters(A, getClangStripDependencyFileAdjuster());
  CommandLineArguments Before = {"-resource-dir=" FACTORYGUARD_CLANG_RESOURCE_DIR};
  Before.insert(Before.end(), ExtraArgsBefore.begin(), ExtraArgsBefore.end());
  A = combineAdjusters(
      A, getInsertArgumentAdjuster(Before, ArgumentInsertPosition::BEGIN));
  CommandLineArguments After = {"-w", "-Wno-unknown-warning-option"};
  After.insert(After.end(), ExtraArgs.begin(), ExtraArgs.end());
  A = combineAdjusters(
      A, getInsertArgumentAdjuster(After, ArgumentInsertPosition::END));
  // A command must start with the compiler. Clang's own adjusters crash on
  // one that starts with an option ("-MF -o x", found by the compile-
  // database fuzzer): such a command is left as it is, and clang then
  // rejects it as a failed unit instead of killing the run.
  return [A](const CommandLineArguments &Args, llvm::StringRef File) {
    if (Args.empty() || llvm::StringRef(Args.front()).starts_with("-"))
      return Args;
    return A(Args, File);
  };
}

} // namespace factoryguard

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
  return combineAdjusters(
      A, getInsertArgumentAdjuster(After, ArgumentInsertPosition::END));
}

} // namespace factoryguard

//===- RuleRegistry.cpp - From a rule id to its callbacks -----------------===//
#include "RuleRegistry.h"

#include "Rules.h"

// #include "<Unit>.h" of every row of Rules.def (matchers/CMakeLists.txt).
#include "RuleUnits.inc"

namespace factoryguard {

bool addRuleCallbacks(llvm::StringRef RuleId, TUState &S, RuleCallbacks &Out) {
#define FACTORYGUARD_RULE(Unit, ...)                                          \
  if (RuleId == Unit##Id) {                                                    \
    Unit##Rule::create(S, Out);                                                \
    return true;                                                               \
  }
#include "Rules.def"
  return false;
}

} // namespace factoryguard

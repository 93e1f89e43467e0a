//===- RuleRegistry.cpp - From a rule id to its callbacks and resolve step ===//
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

void resolveProgram(ProgramFacts &P, std::vector<Finding> &Findings) {
  static constexpr ResolveStep Steps[] = {
#define FACTORYGUARD_RULE(Unit, Id, Short, Full, Level, Precision, Problem,    \
                          Tags, Resolve, Facts)                                \
  Resolve,
#include "Rules.def"
  };
  for (ResolveStep Step : Steps)
    if (Step)
      Step(P, Findings);
}

RuleFactsSet emptyRuleFacts() {
  using MakeFacts = std::unique_ptr<RuleFacts> (*)();
  static const std::pair<llvm::StringRef, MakeFacts> Makers[] = {
#define FACTORYGUARD_RULE(Unit, Id, Short, Full, Level, Precision, Problem,    \
                          Tags, Resolve, Facts)                                \
  {Id, Facts},
#include "Rules.def"
  };
  RuleFactsSet Out;
  for (const auto &[Id, Make] : Makers)
    if (Make)
      Out.set(Id, Make());
  return Out;
}

} // namespace factoryguard

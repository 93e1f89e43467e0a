//===- RuleRegistry.h - From a rule id to its callbacks -------------------===//
//
// The one place that knows every rule's class: Analysis (the CLI) and the
// clang-tidy module ask it for the callbacks of a rule id, so neither names
// a rule. Generated from Rules.def: each row's <Unit>Rule::create.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_RULEREGISTRY_H
#define FACTORYGUARD_RULEREGISTRY_H

#include "RuleFramework.h"

namespace factoryguard {

/// Appends the callbacks of rule RuleId, bound to S, to Out (the rule and
/// any collector it needs); false when RuleId names no rule.
bool addRuleCallbacks(llvm::StringRef RuleId, TUState &S, RuleCallbacks &Out);

} // namespace factoryguard

#endif

//===- RuleRegistry.h - From a rule id to its callbacks and resolve step --===//
//
// The one place that knows every rule's class: Analysis (the CLI) and the
// clang-tidy module ask it for the callbacks of a rule id, the CLI's
// whole-run stage and the clang-tidy module's end of unit ask it to run
// every rule's step over the whole program, and the unit JSON and the
// whole-run stage ask it for every rule's own facts, so none of them names
// a rule. Generated from Rules.def: each row's <Unit>Rule::create and its
// Resolve and Facts columns.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_RULEREGISTRY_H
#define FACTORYGUARD_RULEREGISTRY_H

#include "RuleFramework.h"

namespace factoryguard {

/// Appends the callbacks of rule RuleId, bound to S, to Out (the rule and
/// any collector it needs); false when RuleId names no rule.
bool addRuleCallbacks(llvm::StringRef RuleId, TUState &S, RuleCallbacks &Out);

/// Runs the resolve step of every rule that has one (Rules.def's Resolve
/// column), in Rules.def order, over Findings: those of every unit,
/// deduplicated, after P.Graph attached the chains.
void resolveProgram(ProgramFacts &P, std::vector<Finding> &Findings);

/// Empty facts of every rule that has facts of its own (Rules.def's Facts
/// column), by rule id: what a unit's stored facts are read into, and what
/// the program's are merged into.
RuleFactsSet emptyRuleFacts();

} // namespace factoryguard

#endif

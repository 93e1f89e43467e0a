//===- RequestScope.h - factoryguard-request-scope -----------------------===//
//
// A factory called where no request exists: during static initialization,
// in an __attribute__((constructor)) function, or in a function with no
// context in scope (SPEC §2). The rule brings the CallGraphCollector
// (CallGraphCollector.h), whose facts explain how start-up code reaches such
// a call and which helpers run only inside a request; its resolve step
// decides, once the whole program is in, the findings whose ProgramKey
// names a function the graph may infer in request scope.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_REQUESTSCOPE_H
#define FACTORYGUARD_REQUESTSCOPE_H

#include "RuleFramework.h"

namespace factoryguard {

class RequestScopeRule : public RuleCallback {
public:
  using RuleCallback::RuleCallback;
  /// The rule and the call-graph collector its chains and inference need.
  static void create(TUState &S, RuleCallbacks &Out);
  void registerMatchers(clang::ast_matchers::MatchFinder &F) override;
  void run(const clang::ast_matchers::MatchFinder::MatchResult &R) override;
  /// Over the whole program (Rules.def's Resolve column): drops the
  /// findings whose function the call graph infers in request scope (SPEC
  /// §1), and gives the start-up advice to those a start-up root reaches.
  static void resolve(ProgramFacts &P, std::vector<Finding> &Findings);

private:
  /// The finding for the call where Where encloses it, if any.
  static std::optional<Finding> decide(TUState &S, const FactoryCall &FC,
                                       const Enclosing &Where);
};

} // namespace factoryguard

#endif

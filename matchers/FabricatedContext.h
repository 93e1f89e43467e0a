//===- FabricatedContext.h - factoryguard-fabricated-context -------------===//
//
// The migration's tempting shortcut: a context made up from nothing
// ("system", "bootstrap") and passed to a factory, which satisfies every
// other rule and proves no request; and a context object kept in static or
// thread storage, one identity for every later request (SPEC §2). The rule
// brings the CallGraphCollector: a made-up context that start-up code
// reaches carries the chain from its root.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_FABRICATEDCONTEXT_H
#define FACTORYGUARD_FABRICATEDCONTEXT_H

#include "RuleFramework.h"

namespace factoryguard {

class FabricatedContextRule : public RuleCallback {
public:
  using RuleCallback::RuleCallback;
  /// The rule and the call-graph collector its chains need.
  static void create(TUState &S, RuleCallbacks &Out);
  void registerMatchers(clang::ast_matchers::MatchFinder &F) override;
  void run(const clang::ast_matchers::MatchFinder::MatchResult &R) override;

private:
  /// Case 1: a made-up context reaching the factory call FC.
  void checkCall(const FactoryCall &FC);
  /// Case 2: VD, with static or thread storage duration, keeps a context.
  void checkStatic(const clang::VarDecl *VD);
};

/// A factoryguard-fabricated-context finding of case 2 (a static keeping a
/// context), as opposed to case 1 (a made-up context reaching a factory):
/// the audit counts them apart.
bool keepsContextInStorage(const Finding &F);

} // namespace factoryguard

#endif

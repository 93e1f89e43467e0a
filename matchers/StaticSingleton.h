//===- StaticSingleton.h - factoryguard-static-singleton -----------------===//
//
// A variable with static or thread storage duration whose type holds a
// manager: one object shared by every user's requests (SPEC §2).
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_STATICSINGLETON_H
#define FACTORYGUARD_STATICSINGLETON_H

#include "RuleFramework.h"

namespace factoryguard {

class StaticSingletonRule : public RuleCallback {
public:
  using RuleCallback::RuleCallback;
  static void create(TUState &S, RuleCallbacks &Out) {
    Out.push_back(std::make_unique<StaticSingletonRule>(S));
  }
  void registerMatchers(clang::ast_matchers::MatchFinder &F) override;
  void run(const clang::ast_matchers::MatchFinder::MatchResult &R) override;
};

} // namespace factoryguard

#endif

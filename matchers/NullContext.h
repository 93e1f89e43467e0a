//===- NullContext.h - factoryguard-null-context -------------------------===//
//
// A factory whose context parameter receives a null or absent context:
// nullptr, NULL, 0, {}, std::nullopt, an empty smart pointer or optional, a
// null default argument, or a local still holding its null initializer
// (SPEC §2). Offers a fix-it when exactly one context is in scope.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_NULLCONTEXT_H
#define FACTORYGUARD_NULLCONTEXT_H

#include "RuleFramework.h"

namespace factoryguard {

class NullContextRule : public RuleCallback {
public:
  using RuleCallback::RuleCallback;
  static void create(TUState &S, RuleCallbacks &Out) {
    Out.push_back(std::make_unique<NullContextRule>(S));
  }
  void registerMatchers(clang::ast_matchers::MatchFinder &F) override;
  void run(const clang::ast_matchers::MatchFinder::MatchResult &R) override;
};

} // namespace factoryguard

#endif

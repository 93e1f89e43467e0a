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

/// How an argument passes null (the forms of SPEC §2
/// factoryguard-null-context; unconfigured-factory checks required setup
/// arguments with the same forms).
struct NullArgument {
  enum KindT { Written, Defaulted, StillNullLocal } Kind;
  /// Written: the argument; Defaulted: the parameter's default;
  /// StillNullLocal: the local's initializer (as written, clipped).
  std::string Text;
  const clang::VarDecl *Local = nullptr; // StillNullLocal: the local
};
/// Arg (passed to Param by Call) as a null value: a literal null, `{}`, an
/// empty smart pointer or optional, a null default argument, or a local
/// still holding its null initializer (not assigned, reset or handed out by
/// non-const reference before the call). Not `{}` for a by-value context
/// object: that is the null-context rule's own case.
std::optional<NullArgument> nullArgument(TUState &S, const clang::Expr *Call,
                                         const clang::Expr *Arg,
                                         const clang::ParmVarDecl *Param);

/// The expression that passes Value where a parameter of type Param is
/// expected ("ctx", "&ctx", "*ctx", "ctx.get()", "this->ctx_"); empty when
/// no such expression exists (a unique_ptr parameter from a raw pointer).
std::string contextArgumentFor(const ContextValue &Value, clang::QualType Param);

} // namespace factoryguard

#endif

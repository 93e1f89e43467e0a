//===- Arguments.h - What a factory call's argument passes ---------------===//
//
// Facts about one argument of a factory call that more than one rule asks:
// whether it passes null (the null-context rule reports it; the
// unconfigured-factory rule checks required set-up arguments with the same
// forms), and the expression that would pass a context in scope instead
// (the fix-its of the null-context and fabricated-context rules). They sit
// below the rules, beside the Model, so no rule asks another rule.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_ARGUMENTS_H
#define FACTORYGUARD_ARGUMENTS_H

#include "RuleFramework.h"

#include <optional>
#include <string>

namespace factoryguard {

/// How an argument passes null (the forms of SPEC §2
/// factoryguard-null-context).
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
std::string contextArgumentFor(const ContextValue &Value,
                               clang::QualType Param);

/// E as written (at the expansion site of macros), clipped to 40 bytes
/// ("..." ends a clipped text): what a message quotes of an argument.
std::string clippedSourceText(const clang::Expr *E,
                              const clang::ASTContext &Ctx);

} // namespace factoryguard

#endif

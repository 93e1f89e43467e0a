//===- StaticSingleton.cpp - factoryguard-static-singleton ---------------===//
#include "StaticSingleton.h"

#include "Rules.h"
#include "clang/ASTMatchers/ASTMatchers.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace factoryguard {

void StaticSingletonRule::registerMatchers(MatchFinder &F) {
  // Definitions only: an in-class static member declaration and an extern
  // declaration are not definitions.
  F.addMatcher(varDecl(hasGlobalStorage(), isDefinition(),
                       unless(parmVarDecl()))
                   .bind("var"),
               this);
}

void StaticSingletonRule::run(const MatchFinder::MatchResult &R) {
  const auto *VD = R.Nodes.getNodeAs<VarDecl>("var");
  if (!VD || VD->getType()->isDependentType())
    return;
  S.begin(*R.Context);
  if (!S.shouldReport(VD->getLocation()))
    return;
  auto Held = S.model().holdsManager(VD->getType());
  if (!Held)
    return;

  bool Thread = VD->getTLSKind() != VarDecl::TLS_None;
  std::string Name = VD->getNameAsString();
  std::string Manager = qualifiedName(Held->Manager);
  Finding F;
  F.RuleId = StaticSingletonId;
  F.Where = S.locations().fromLoc(VD->getLocation());
  // The variable, and the accessor that hands it out when there is one:
  // its name is often all that says which singleton this is.
  const FunctionDecl *Accessor = singletonAccessor(VD);
  F.Message = "'" + Name + "'";
  if (Accessor)
    F.Message += " (returned by the singleton accessor '" +
                 qualifiedName(Accessor) + "')";
  F.Message += std::string(" has ") + (Thread ? "thread" : "static") +
               " storage duration and holds request-scoped '" + Manager + "'";
  if (!Held->Path.empty())
    F.Message += " via " + Held->Path;
  std::string Owner;
  if (Accessor && VD->isStaticLocal())
    Owner = qualifiedName(Accessor);
  else if (const auto *FD = dyn_cast<FunctionDecl>(VD->getDeclContext()))
    Owner = qualifiedName(FD);
  F.Message += Thread ? "; it is shared by every request on a thread"
                      : "; one instance is shared by every user's requests";
  F.Message += ": create it per request from " +
               withArticle(S.model().contextTypeName()) + " instead";
  F.StableKey = makeStableKey(F.RuleId, {qualifiedName(VD), Owner, Manager});
  S.report(std::move(F));
}

} // namespace factoryguard

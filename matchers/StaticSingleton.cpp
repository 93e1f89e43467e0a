//===- StaticSingleton.cpp - factoryguard-static-singleton ---------------===//
#include "StaticSingleton.h"

#include "Rules.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchers.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace factoryguard {

namespace {
/// The expression E reaches the object through: `&v`, `*v`, `v.get()`,
/// `*v.get()`, `v.value()` (a smart pointer, optional or holder template
/// such as NoDestructor) all give `v`.
const Expr *heldThrough(const Expr *E) {
  for (unsigned Steps = 0; E && Steps < 4; ++Steps) {
    E = E->IgnoreParenImpCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_AddrOf && UO->getOpcode() != UO_Deref)
        return E;
      E = UO->getSubExpr();
    } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      if (Op->getOperator() != OO_Star || Op->getNumArgs() != 1)
        return E;
      E = Op->getArg(0);
    } else if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E)) {
      const CXXMethodDecl *MD = Call->getMethodDecl();
      if (!MD || Call->getNumArgs() != 0 || !MD->getIdentifier() ||
          (MD->getName() != "get" && MD->getName() != "value"))
        return E;
      E = Call->getImplicitObjectArgument();
    } else {
      return E;
    }
  }
  return E ? E->IgnoreParenImpCasts() : nullptr;
}

/// Does FD return V (its address, or the object V holds)? Then FD is a
/// singleton accessor.
class ReturnsVar : public RecursiveASTVisitor<ReturnsVar> {
public:
  explicit ReturnsVar(const VarDecl *V) : V(V) {}
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool VisitReturnStmt(ReturnStmt *RS) {
    const Expr *E = heldThrough(RS->getRetValue());
    if (!E)
      return true;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      if (DRE->getDecl()->getCanonicalDecl() == V->getCanonicalDecl())
        Found = true;
    return !Found;
  }
  const VarDecl *V;
  bool Found = false;
};

const FunctionDecl *singletonAccessor(const VarDecl *VD) {
  if (!VD->isStaticLocal())
    return nullptr;
  const auto *FD = dyn_cast<FunctionDecl>(VD->getDeclContext());
  if (!FD || !FD->getBody())
    return nullptr;
  QualType RT = FD->getReturnType();
  if (!RT->isReferenceType() && !RT->isPointerType())
    return nullptr;
  ReturnsVar Visitor(VD);
  Visitor.TraverseStmt(FD->getBody());
  return Visitor.Found ? FD : nullptr;
}
} // namespace

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
  F.Message = "'" + Name + "' has " + (Thread ? "thread" : "static") +
              " storage duration and holds request-scoped '" + Manager + "'";
  if (!Held->Path.empty())
    F.Message += " via " + Held->Path;
  std::string Owner;
  if (const FunctionDecl *Accessor = singletonAccessor(VD)) {
    F.Message += "; '" + qualifiedName(Accessor) + "' is a singleton accessor";
    Owner = qualifiedName(Accessor);
  } else if (const auto *FD = dyn_cast<FunctionDecl>(VD->getDeclContext())) {
    Owner = qualifiedName(FD);
  }
  F.Message += Thread ? "; it is shared by every request on a thread"
                      : "; one instance is shared by every user's requests";
  F.Message += ": create it per request from " +
               withArticle(S.model().contextTypeName()) + " instead";
  F.StableKey = F.RuleId + "|" + qualifiedName(VD) + "|" + Owner + "|" + Manager;
  S.report(std::move(F));
}

} // namespace factoryguard

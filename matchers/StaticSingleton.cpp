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

/// Does FD, a function defined with a reference or pointer result, return
/// VD?
bool returnsVar(const FunctionDecl *FD, const VarDecl *VD) {
  if (!FD->doesThisDeclarationHaveABody() || !FD->getBody())
    return false;
  QualType RT = FD->getReturnType();
  if (!RT->isReferenceType() && !RT->isPointerType())
    return false;
  ReturnsVar Visitor(VD);
  Visitor.TraverseStmt(FD->getBody());
  return Visitor.Found;
}

/// The functions defined in one file, in source order, methods of classes
/// included (Poco's `NotificationCenter::defaultCenter` returns a holder of
/// its file's anonymous namespace).
class FunctionsOfFile : public RecursiveASTVisitor<FunctionsOfFile> {
public:
  FunctionsOfFile(const SourceManager &SM, FileID File) : SM(SM), File(File) {}
  bool shouldVisitTemplateInstantiations() const { return false; }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) &&
        SM.getFileID(SM.getExpansionLoc(D->getLocation())) != File)
      return true; // another file's declaration: nothing of ours inside
    return RecursiveASTVisitor::TraverseDecl(D);
  }
  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody())
      Functions.push_back(FD);
    return true;
  }
  std::vector<const FunctionDecl *> Functions;

private:
  const SourceManager &SM;
  FileID File;
};

/// The function that returns VD (its address, or the object it holds):
/// a function-local static's own function, or for a variable at namespace
/// scope or a static member, the first function of its file that does.
const FunctionDecl *singletonAccessor(const VarDecl *VD) {
  if (VD->isStaticLocal()) {
    const auto *FD = dyn_cast<FunctionDecl>(VD->getDeclContext());
    return FD && returnsVar(FD, VD) ? FD : nullptr;
  }
  if (VD->getParentFunctionOrMethod())
    return nullptr;
  ASTContext &Ctx = VD->getASTContext();
  const SourceManager &SM = Ctx.getSourceManager();
  FunctionsOfFile Finder(SM,
                         SM.getFileID(SM.getExpansionLoc(VD->getLocation())));
  Finder.TraverseDecl(Ctx.getTranslationUnitDecl());
  for (const FunctionDecl *FD : Finder.Functions)
    if (returnsVar(FD, VD))
      return FD;
  return nullptr;
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
  F.StableKey = F.RuleId + "|" + qualifiedName(VD) + "|" + Owner + "|" + Manager;
  S.report(std::move(F));
}

} // namespace factoryguard

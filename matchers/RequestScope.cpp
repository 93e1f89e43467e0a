//===- RequestScope.cpp - factoryguard-request-scope ---------------------===//
#include "RequestScope.h"

#include "Rules.h"
#include "clang/ASTMatchers/ASTMatchers.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace factoryguard {

namespace {
std::string describeFunction(const FunctionDecl *FD) {
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
    if (MD->getParent()->isLambda())
      return "a lambda";
  return "'" + qualifiedName(FD) + "'";
}

/// The function whose body a lambda is written in, for messages.
std::string lambdaHome(const FunctionDecl *Op) {
  const DeclContext *DC = cast<CXXMethodDecl>(Op)->getParent()->getDeclContext();
  while (DC && !isa<FunctionDecl>(DC))
    DC = DC->getParent();
  if (const auto *FD = dyn_cast_or_null<FunctionDecl>(DC))
    return " in '" + qualifiedName(FD) + "'";
  return "";
}
} // namespace

void RequestScopeRule::registerMatchers(MatchFinder &F) {
  registerCallMatchers(F, this);
}

void RequestScopeRule::run(const MatchFinder::MatchResult &R) {
  auto FC = matchedFactoryCall(S, R);
  if (!FC)
    return;
  const Expr *Call = FC->Call;
  const FunctionDecl *Callee = FC->Callee;
  Model &M = S.model();
  Enclosing Where = M.enclosingOf(Call);
  std::string Factory = "'" + Callee->getNameAsString() + "'";
  std::string Ctx = M.contextTypeNameFor(Callee, FC->Info.ContextParam);
  Finding F;
  F.RuleId = RequestScopeId;
  F.Where = S.locations().fromRange(
      isa<CXXConstructExpr>(Call)
          ? clang::SourceRange(Call->getBeginLoc(), Call->getEndLoc())
          : Call->getSourceRange());
  std::string Owner;

  if (Where.Kind == Enclosing::StaticInit) {
    const VarDecl *VD = Where.Var;
    if (VD->isStaticLocal()) {
      const auto *Home = dyn_cast<FunctionDecl>(VD->getDeclContext());
      F.Message = Factory + " called during static initialization of '" +
                  VD->getNameAsString() + "'" +
                  (Home ? " in " + describeFunction(Home) : std::string()) +
                  "; the manager is created once, with the first caller's "
                  "context, and shared by every later user: create it per "
                  "request instead";
    } else {
      F.Message = Factory + " called during static initialization of '" +
                  VD->getNameAsString() +
                  "'; request-scoped factories need a " + Ctx +
                  ", which only exists inside a request";
    }
    F.ChainAnchor = S.staticInitNodeId(VD);
    Owner = "init:" + qualifiedName(VD);
  } else if (Where.Kind == Enclosing::Function) {
    const FunctionDecl *Fn = Where.Fn;
    Owner = qualifiedName(Fn);
    if (Fn->hasAttr<ConstructorAttr>()) {
      F.Message = Factory + " called in " + describeFunction(Fn) +
                  ", an __attribute__((constructor)) function that runs "
                  "before main, outside any request; request-scoped "
                  "factories need a " + Ctx;
      F.ChainAnchor = S.nodeId(Fn);
    } else {
      // A factory forwarding to another factory: its own callers are
      // checked where they call it.
      if (M.factoryInfo(Fn))
        return;
      ContextScope Scope = M.contextInScope(Where, Call->getBeginLoc());
      if (Scope.HasContext)
        return;
      if (Where.Lambda || (isa<CXXMethodDecl>(Fn) &&
                           cast<CXXMethodDecl>(Fn)->getParent()->isLambda()))
        F.Message = Factory + " called in a lambda" + lambdaHome(Fn) +
                    " that has no " + Ctx +
                    " in scope (no parameter, capture or local holds one); "
                    "capture the request's context";
      else if (Fn->isMain())
        F.Message = Factory + " called in 'main', which runs at start-up "
                    "with no " + Ctx + " in scope; create request-scoped "
                    "objects per request, from the request's context";
      else
        F.Message = Factory + " called in " + describeFunction(Fn) +
                    ", which has no " + Ctx +
                    " in scope; pass the request's context down to it";
      F.ChainAnchor = S.nodeId(Fn);
    }
  } else if (Where.Kind == Enclosing::FieldInit) {
    ContextScope Scope = M.contextInScope(Where, Call->getBeginLoc());
    if (Scope.HasContext)
      return;
    F.Message = Factory + " called in the default member initializer of '" +
                qualifiedName(Where.Field) + "', whose class has no " + Ctx +
                " member; pass the request's context to the constructor";
    Owner = qualifiedName(Where.Field);
  } else {
    return;
  }
  F.StableKey = F.RuleId + "|" + Owner + "|" + qualifiedName(Callee);
  S.report(std::move(F));
}

void CallGraphCollector::registerMatchers(MatchFinder &F) {
  F.addMatcher(functionDecl(isDefinition()).bind("fn"), this);
  F.addMatcher(varDecl(hasGlobalStorage(), hasInitializer(expr()),
                       unless(parmVarDecl()))
                   .bind("var"),
               this);
  F.addMatcher(callExpr().bind("call"), this);
  F.addMatcher(cxxConstructExpr().bind("call"), this);
}

void CallGraphCollector::addFunction(const FunctionDecl *FD) {
  FD = FD->getDefinition() ? FD->getDefinition() : FD;
  if (!Added.insert(FD).second)
    return;
  Model &M = S.model();
  GraphNode N;
  N.Id = S.nodeId(FD);
  if (N.Id.empty())
    return;
  N.Name = qualifiedName(FD);
  N.Where = S.locations().fromLoc(FD->getLocation());
  N.HasContext = M.functionHasContext(FD);
  if (FD->isMain())
    N.Root = GraphNode::Main;
  else if (FD->hasAttr<ConstructorAttr>())
    N.Root = GraphNode::Constructor;
  else if (M.isStartup(FD))
    N.Root = GraphNode::Startup;
  S.Facts.Nodes.push_back(std::move(N));
}

void CallGraphCollector::addStaticInit(const VarDecl *VD) {
  if (!Added.insert(VD).second)
    return;
  GraphNode N;
  N.Id = S.staticInitNodeId(VD);
  N.Name = VD->getNameAsString();
  N.Where = S.locations().fromLoc(VD->getLocation());
  N.Root = GraphNode::StaticInit;
  N.StaticLocal = VD->isStaticLocal();
  S.Facts.Nodes.push_back(std::move(N));
}

void CallGraphCollector::run(const MatchFinder::MatchResult &R) {
  S.begin(*R.Context);
  const SourceManager &SM = *R.SourceManager;
  if (const auto *FD = R.Nodes.getNodeAs<FunctionDecl>("fn")) {
    if (FD->isDependentContext() ||
        SM.isInSystemHeader(SM.getExpansionLoc(FD->getLocation())))
      return;
    addFunction(FD);
    return;
  }
  if (const auto *VD = R.Nodes.getNodeAs<VarDecl>("var")) {
    if (!VD->getDeclContext()->isDependentContext() &&
        !SM.isInSystemHeader(SM.getExpansionLoc(VD->getLocation())))
      addStaticInit(VD);
    return;
  }
  const auto *Call = R.Nodes.getNodeAs<Expr>("call");
  const FunctionDecl *Callee = Call ? calleeOf(Call) : nullptr;
  if (!Callee || Callee->isDependentContext())
    return;
  // Calls into system headers cannot continue a chain.
  if (SM.isInSystemHeader(SM.getExpansionLoc(Callee->getLocation())))
    return;
  Enclosing Where = S.model().enclosingOf(Call);
  std::string From;
  if (Where.Kind == Enclosing::StaticInit) {
    addStaticInit(Where.Var);
    From = S.staticInitNodeId(Where.Var);
  } else if (Where.Kind == Enclosing::Function && Where.Fn &&
             !Where.Fn->isDependentContext()) {
    // A function with a context in scope ends every chain through it.
    if (S.model().functionHasContext(Where.Fn))
      return;
    addFunction(Where.Fn);
    From = S.nodeId(Where.Fn);
  } else {
    return;
  }
  GraphEdge E;
  E.From = From;
  E.To = S.nodeId(Callee);
  E.Site = S.locations().fromRange(Call->getSourceRange());
  if (!E.To.empty() && E.Site.valid())
    S.Facts.Edges.push_back(std::move(E));
}

} // namespace factoryguard

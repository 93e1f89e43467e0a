//===- CallGraphCollector.cpp - One unit's facts for the call graph ------===//
#include "CallGraphCollector.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/ASTMatchers/ASTMatchers.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace factoryguard {

void CallGraphCollector::registerMatchers(MatchFinder &F) {
  F.addMatcher(functionDecl(isDefinition()).bind("fn"), this);
  F.addMatcher(
      varDecl(hasGlobalStorage(), hasInitializer(expr()), unless(parmVarDecl()))
          .bind("var"),
      this);
  F.addMatcher(callExpr().bind("call"), this);
  F.addMatcher(cxxConstructExpr().bind("call"), this);
  F.addMatcher(lambdaExpr().bind("lambda"), this);
  F.addMatcher(declRefExpr(to(functionDecl())).bind("ref"), this);
}

GraphNode *CallGraphCollector::addFunction(const FunctionDecl *FD) {
  FD = FD->getDefinition() ? FD->getDefinition() : FD;
  auto It = Index.find(FD);
  if (It != Index.end())
    return &S.Facts.Nodes[It->second];
  Model &M = S.model();
  GraphNode N;
  N.Id = S.nodeId(FD);
  if (N.Id.empty())
    return nullptr;
  N.Name = qualifiedName(FD);
  N.Where = S.locations().fromLoc(FD->getLocation());
  N.HasContext = M.functionHasContext(FD);
  if (FD->isMain())
    N.Root = GraphNode::Main;
  else if (FD->hasAttr<ConstructorAttr>())
    N.Root = GraphNode::Constructor;
  else if (M.isStartup(FD))
    N.Root = GraphNode::Startup;
  N.Factory = M.factoryInfo(FD).has_value();
  const auto *MD = dyn_cast<CXXMethodDecl>(FD);
  N.Virtual = MD && MD->isVirtual();
  N.Lambda = MD && MD->getParent()->isLambda();
  N.ImplicitCalls = isa<CXXConstructorDecl>(FD) || isa<CXXDestructorDecl>(FD) ||
                    isa<CXXConversionDecl>(FD) || FD->isOverloadedOperator();
  Index[FD] = S.Facts.Nodes.size();
  S.Facts.Nodes.push_back(std::move(N));
  std::string From = S.Facts.Nodes.back().Id;
  if (const auto *CD = dyn_cast<CXXConstructorDecl>(FD)) {
    SourceRange Here = S.locations().fromLoc(CD->getLocation());
    for (const CXXCtorInitializer *Init : CD->inits()) {
      const Expr *E = Init->getInit();
      if (!E)
        continue;
      E = E->IgnoreImplicit();
      GraphEdge Edge;
      Edge.From = From;
      Edge.Site = Init->isWritten()
                      ? S.locations().fromRange(Init->getSourceRange())
                      : Here;
      Enclosing InCtor;
      InCtor.Kind = Enclosing::Function;
      InCtor.Fn = CD;
      // Initializers run before the body: its locals are not in scope.
      Edge.ContextAtSite =
          M.contextInScope(InCtor, CD->getBeginLoc()).HasContext;
      if (const auto *DI = dyn_cast<CXXDefaultInitExpr>(E)) {
        // The default member initializer runs in this constructor.
        addField(DI->getField());
        Edge.To = S.fieldNodeId(DI->getField());
      } else if (CD->isImplicit()) {
        // An implicitly defined constructor: the traversal does not walk
        // its initializers, the chain does.
        if (const FunctionDecl *Callee = calleeOf(E))
          Edge.To = S.nodeId(Callee);
      }
      if (!Edge.To.empty() && Edge.Site.valid())
        S.Facts.Edges.push_back(std::move(Edge));
    }
  }
  return &S.Facts.Nodes[Index[FD]];
}

void CallGraphCollector::addField(const FieldDecl *FD) {
  if (Index.count(FD))
    return;
  GraphNode N;
  N.Id = S.fieldNodeId(FD);
  N.Name = qualifiedName(FD);
  N.Where = S.locations().fromLoc(FD->getLocation());
  Index[FD] = S.Facts.Nodes.size();
  S.Facts.Nodes.push_back(std::move(N));
}

void CallGraphCollector::addStaticInit(const VarDecl *VD) {
  if (Index.count(VD))
    return;
  GraphNode N;
  N.Id = S.staticInitNodeId(VD);
  N.Name = VD->getNameAsString();
  N.Where = S.locations().fromLoc(VD->getLocation());
  N.Root = GraphNode::StaticInit;
  N.StaticLocal = VD->isStaticLocal();
  Index[VD] = S.Facts.Nodes.size();
  S.Facts.Nodes.push_back(std::move(N));
}

std::string CallGraphCollector::addEnclosing(const Enclosing &Where) {
  if (Where.Kind == Enclosing::StaticInit) {
    addStaticInit(Where.Var);
    return S.staticInitNodeId(Where.Var);
  }
  if (Where.Kind == Enclosing::FieldInit) {
    addField(Where.Field);
    return S.fieldNodeId(Where.Field);
  }
  if (Where.Kind == Enclosing::Function && Where.Fn) {
    GraphNode *N = addFunction(Where.Fn);
    return N ? N->Id : "";
  }
  return "";
}

/// Whether a reference to a function only names the callee of a call.
static bool isCalleeOfCall(ASTContext &Ctx, const DeclRefExpr *Ref) {
  DynTypedNode N = DynTypedNode::create(*Ref);
  for (unsigned Guard = 0; Guard < 8; ++Guard) {
    DynTypedNodeList Parents = Ctx.getParents(N);
    if (Parents.empty())
      return false;
    const DynTypedNode &P = Parents[0];
    if (const auto *CE = P.get<CallExpr>())
      return CE->getCallee()->IgnoreParenImpCasts() == Ref;
    if (!P.get<ImplicitCastExpr>() && !P.get<ParenExpr>())
      return false;
    N = P;
  }
  return false;
}

void CallGraphCollector::run(const MatchFinder::MatchResult &R) {
  S.begin(*R.Context);
  const SourceManager &SM = *R.SourceManager;
  Model &M = S.model();
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
  if (const auto *LE = R.Nodes.getNodeAs<LambdaExpr>("lambda")) {
    // SPEC §1: the defining function -> lambda "defines" relation.
    const CXXMethodDecl *Op = LE->getCallOperator();
    if (!Op || Op->isDependentContext() ||
        SM.isInSystemHeader(SM.getExpansionLoc(LE->getBeginLoc())))
      return;
    Enclosing Def = M.enclosingOf(LE);
    std::string Definer = addEnclosing(Def);
    if (GraphNode *N = addFunction(Op)) {
      N->Lambda = true;
      N->Definer = Definer;
      N->ContextAtDefinition = M.lambdaDefinedInRequestScope(LE);
    }
    return;
  }
  if (const auto *Ref = R.Nodes.getNodeAs<DeclRefExpr>("ref")) {
    const auto *FD = dyn_cast<FunctionDecl>(Ref->getDecl());
    if (FD && !isCalleeOfCall(*R.Context, Ref)) {
      std::string Id = S.nodeId(FD);
      if (!Id.empty())
        S.Facts.AddressTaken.push_back(Id);
    }
    return;
  }
  const auto *Call = R.Nodes.getNodeAs<Expr>("call");
  const FunctionDecl *Callee = Call ? calleeOf(Call) : nullptr;
  if (!Callee || Callee->isDependentContext())
    return;
  // Calls into system headers cannot continue a chain.
  if (SM.isInSystemHeader(SM.getExpansionLoc(Callee->getLocation())))
    return;
  // An implicitly defined callee (a constructor) is defined where it is
  // used; the traversal does not visit it.
  if (Callee->isImplicit() && Callee->doesThisDeclarationHaveABody())
    addFunction(Callee);
  std::string To = S.nodeId(Callee);
  SourceRange Site = S.locations().fromRange(Call->getSourceRange());
  if (To.empty() || !Site.valid())
    return;
  // A call in a template: one edge from each instantiation.
  for (const Enclosing &Where : M.enclosingsOf(Call)) {
    if ((Where.Kind == Enclosing::Function && Where.Fn->isDependentContext()) ||
        (Where.Kind == Enclosing::StaticInit &&
         Where.Var->getDeclContext()->isDependentContext()))
      continue; // a pattern: its instantiations hold the calls
    // Code in system headers is not walked by the CLI (userTopLevelDecls);
    // the clang-tidy plugin walks it but must draw the same graph.
    if (Where.Kind == Enclosing::Function &&
        SM.isInSystemHeader(SM.getExpansionLoc(Where.Fn->getLocation())))
      continue;
    GraphEdge E;
    E.From = addEnclosing(Where);
    E.To = To;
    if (E.From.empty()) {
      // A call from where no node can stand: its callee's callers are not
      // all known.
      S.Facts.AddressTaken.push_back(To);
      continue;
    }
    if (Where.Kind != Enclosing::StaticInit)
      E.ContextAtSite = M.contextInScope(Where, Call->getBeginLoc()).HasContext;
    E.Site = Site;
    S.Facts.Edges.push_back(std::move(E));
  }
}

} // namespace factoryguard

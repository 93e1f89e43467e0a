//===- RequestScope.cpp - factoryguard-request-scope ---------------------===//
#include "RequestScope.h"

#include "Rules.h"
#include "clang/AST/ParentMapContext.h"
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

/// A factory that is a method of the context class, called on an object:
/// the object is the request it answers (`req.reply()` on a request a
/// handler kept), so the call is given its context (README, "Where the spec
/// is silent"). Only a root's static initialization still reports it.
static bool calledOnContext(Model &M, const Expr *Call) {
  const auto *MC = dyn_cast<CXXMemberCallExpr>(Call);
  return MC && MC->getImplicitObjectArgument() &&
         M.isMethodOfContextClass(MC->getMethodDecl());
}

void RequestScopeRule::create(TUState &S, RuleCallbacks &Out) {
  Out.push_back(std::make_unique<RequestScopeRule>(S));
  Out.push_back(std::make_unique<CallGraphCollector>(S));
}

void RequestScopeRule::registerMatchers(MatchFinder &F) {
  registerCallMatchers(F, this);
}

/// The type a static variable keeps, when it is not the factory's result
/// itself nor anything holding a manager ("bool"); "" otherwise.
static std::string keptValueOnly(Model &M, const VarDecl *VD,
                                 const Expr *Call) {
  QualType VT = VD->getType().getNonReferenceType();
  if (VT->isDependentType() || M.holdsManager(VT))
    return "";
  QualType CT = Call->getType().getNonReferenceType();
  if (M.astContext().hasSameUnqualifiedType(VT, CT))
    return "";
  return VT.getUnqualifiedType().getAsString(
      M.astContext().getPrintingPolicy());
}

void RequestScopeRule::run(const MatchFinder::MatchResult &R) {
  auto FC = matchedFactoryCall(S, R);
  if (!FC)
    return;
  // A call in a template is decided in each instantiation, never in the
  // dependent pattern (a template whose instantiation receives the context
  // has it in scope); the first instantiation without one reports it.
  for (const Enclosing &Where : S.model().enclosingsOf(FC->Call))
    if (std::optional<Finding> F = decide(S, *FC, Where)) {
      S.report(std::move(*F));
      return;
    }
}

std::optional<Finding> RequestScopeRule::decide(TUState &S,
                                                const FactoryCall &FC,
                                                const Enclosing &Where) {
    const Expr *Call = FC.Call;
  const FunctionDecl *Callee = FC.Callee;
  Model &M = S.model();
  if ((Where.Kind == Enclosing::Function && Where.Fn->isDependentContext()) ||
      (Where.Kind == Enclosing::StaticInit &&
       Where.Var->getDeclContext()->isDependentContext()) ||
      (Where.Kind == Enclosing::FieldInit &&
       Where.Field->getParent()->isDependentContext()))
    return std::nullopt;
  std::string Factory = "'" + Callee->getNameAsString() + "'";
  std::string Ctx = M.contextTypeNameFor(Callee, FC.Info.ContextParam);
  std::string ACtx = withArticle(Ctx);
  Finding F;
  F.RuleId = RequestScopeId;
  F.Where = S.locations().fromRange(
      isa<CXXConstructExpr>(Call)
          ? clang::SourceRange(Call->getBeginLoc(), Call->getEndLoc())
          : Call->getSourceRange());
  std::string Owner;
  // The message is what happens, then "; " and what to do; a call chain's
  // last step shows only what happens.
  auto Say = [&F](std::string What, const std::string &Advice) {
    F.ChainLabel = What;
    F.Message = std::move(What) + "; " + Advice;
  };

  if (Where.Kind == Enclosing::StaticInit) {
    const VarDecl *VD = Where.Var;
    std::string Kept = keptValueOnly(M, VD, Call);
    std::string Of = Factory + " called during static initialization of '" +
                     VD->getNameAsString() + "'";
    if (VD->isStaticLocal()) {
      const auto *Home = dyn_cast<FunctionDecl>(VD->getDeclContext());
      Of += Home ? " in " + describeFunction(Home) : std::string();
      if (!Kept.empty())
        Say(Of + ", which keeps only a '" + Kept +
                "' computed from its result",
            "the call runs once, with the first caller's context, and every "
            "later user gets that first answer: compute it per request "
            "instead");
      else
        Say(Of, "the manager is created once, with the first caller's "
                "context, and shared by every later user: create it per "
                "request instead");
    } else if (!Kept.empty()) {
      Say(Of + ", which keeps only a '" + Kept + "' computed from its result",
          "the call still runs before main, outside any request, and "
          "request-scoped factories need " + ACtx);
    } else {
      Say(Of, "request-scoped factories need " + ACtx +
                  ", which only exists inside a request");
    }
    F.ChainAnchor = S.staticInitNodeId(VD);
    Owner = "init:" + qualifiedName(VD);
  } else if (Where.Kind == Enclosing::Function) {
    const FunctionDecl *Fn = Where.Fn;
    Owner = qualifiedName(Fn);
    if (Fn->hasAttr<ConstructorAttr>()) {
      Say(Factory + " called in " + describeFunction(Fn) +
              ", an __attribute__((constructor)) function that runs "
              "before main, outside any request",
          "request-scoped factories need " + ACtx);
      F.ChainAnchor = S.nodeId(Fn);
    } else {
      // A factory forwarding to another factory: its own callers are
      // checked where they call it.
      if (M.factoryInfo(Fn))
        return std::nullopt;
      if (calledOnContext(M, Call))
        return std::nullopt;
      ContextScope Scope = M.contextInScope(Where, Call->getBeginLoc());
      if (Scope.HasContext)
        return std::nullopt;
      bool IsLambda = Where.Lambda || (isa<CXXMethodDecl>(Fn) &&
                                       cast<CXXMethodDecl>(Fn)->getParent()->isLambda());
      // A continuation created in request scope runs for that request.
      if (Where.Lambda && M.lambdaDefinedInRequestScope(Where.Lambda))
        return std::nullopt;
      if (IsLambda)
        Say(Factory + " called in a lambda" + lambdaHome(Fn) +
                " that has no " + Ctx +
                " in scope (no parameter, capture or local holds one)",
            "capture the request's context");
      else if (Fn->isMain())
        Say(Factory + " called in 'main', which runs at start-up with no " +
                Ctx + " in scope",
            "create request-scoped objects per request, from the request's "
            "context");
      else if (M.isStartup(Fn))
        Say(Factory + " called in " + describeFunction(Fn) +
                ", start-up code that runs outside any request, with no " +
                Ctx + " in scope",
            "create request-scoped objects per request, from the request's "
            "context");
      else if (!FC.Info.ContextParam)
        // The factory takes no context: the advice is about the caller.
        Say(Factory + " called in " + describeFunction(Fn) +
                ", which has no " + Ctx +
                " in scope and is not called only from request handlers",
            "if it runs inside a request, pass the request down to " +
                describeFunction(Fn) + " or mark it a request entry");
      else
        Say(Factory + " called in " + describeFunction(Fn) +
                ", which has no " + Ctx + " in scope",
            "pass the request's context down to it");
      F.ChainAnchor = S.nodeId(Fn);
      // Inference over the call graph may still prove it runs only inside
      // a request (a helper called only from handlers): decided once every
      // unit is in.
      if (!Fn->isMain() && !M.isStartup(Fn))
        F.UnlessInRequestScope = F.ChainAnchor;
    }
  } else if (Where.Kind == Enclosing::FieldInit) {
    if (calledOnContext(M, Call))
      return std::nullopt;
    ContextScope Scope = M.contextInScope(Where, Call->getBeginLoc());
    if (Scope.HasContext)
      return std::nullopt;
    Say(Factory + " called in the default member initializer of '" +
            qualifiedName(Where.Field) + "', whose class has no " + Ctx +
            " member",
        "pass the request's context to the constructor");
    Owner = qualifiedName(Where.Field);
    // Run by the constructors that do not initialize the member themselves.
    F.ChainAnchor = S.fieldNodeId(Where.Field);
    F.UnlessInRequestScope = F.ChainAnchor;
  } else {
    return std::nullopt;
  }
  F.StableKey = F.RuleId + "|" + Owner + "|" + qualifiedName(Callee);
  return F;
}

void CallGraphCollector::registerMatchers(MatchFinder &F) {
  F.addMatcher(functionDecl(isDefinition()).bind("fn"), this);
  F.addMatcher(varDecl(hasGlobalStorage(), hasInitializer(expr()),
                       unless(parmVarDecl()))
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

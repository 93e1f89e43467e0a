//===- CallGraphCollector.cpp - One unit's facts for the call graph ------===//
#include "CallGraphCollector.h"
#include "UserCode.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/ASTMatchers/ASTMatchers.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace factoryguard {

void addCallGraphCollector(TUState &S, RuleCallbacks &Out) {
  if (S.HasCallGraphCollector)
    return;
  S.HasCallGraphCollector = true;
  Out.push_back(std::make_unique<CallGraphCollector>(S));
}

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

/// Whether library code calls FD where no unit shows the call (GraphNode::
/// ImplicitCalls): destructors, conversions, operators, and the constructors
/// containers and algorithms make on their own (default, copy, move, and
/// inherited ones).
static bool hasUnseenCalls(const FunctionDecl *FD) {
  if (const auto *CD = dyn_cast<CXXConstructorDecl>(FD))
    return CD->isDefaultConstructor() || CD->isCopyOrMoveConstructor() ||
           CD->isInheritingConstructor();
  return isa<CXXDestructorDecl>(FD) || isa<CXXConversionDecl>(FD) ||
         FD->isOverloadedOperator();
}

/// The class a standard-library call constructs from its arguments, and how
/// many of the call's arguments go to the constructor: std::make_unique<T>,
/// std::make_shared<T>, std::allocate_shared<T>, and emplace on a standard
/// sequence container or std::optional. Their bodies sit in system headers,
/// which the default run does not parse and no run walks, so the collector
/// draws the construction at the user's call.
struct Construction {
  const CXXRecordDecl *Class = nullptr;
  unsigned Args = 0;
};

static const CXXRecordDecl *recordArg(const TemplateArgumentList *Args) {
  if (!Args || Args->size() == 0 ||
      Args->get(0).getKind() != TemplateArgument::Type)
    return nullptr;
  return Args->get(0).getAsType()->getAsCXXRecordDecl();
}

static std::optional<Construction> constructionBy(const Expr *Call,
                                                  const FunctionDecl *Callee) {
  const auto *CE = dyn_cast<CallExpr>(Call);
  if (!CE || !Callee->isInStdNamespace() || !Callee->getIdentifier())
    return std::nullopt;
  llvm::StringRef Name = Callee->getName();
  unsigned N = CE->getNumArgs();
  if (Name == "make_unique" || Name == "make_shared" ||
      (Name == "allocate_shared" && N > 0)) {
    const CXXRecordDecl *RD =
        recordArg(Callee->getTemplateSpecializationArgs());
    return Construction{RD, Name == "allocate_shared" ? N - 1 : N};
  }
  const auto *MC = dyn_cast<CXXMemberCallExpr>(Call);
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      MC ? MC->getRecordDecl() : nullptr);
  if (!Spec || !Spec->getIdentifier())
    return std::nullopt;
  llvm::StringRef Container = Spec->getName();
  bool Sequence = llvm::is_contained(
      {"vector", "deque", "list", "forward_list"}, Container);
  const CXXRecordDecl *RD = recordArg(&Spec->getTemplateArgs());
  if (Sequence && (Name == "emplace_back" || Name == "emplace_front"))
    return Construction{RD, N};
  if (Sequence && (Name == "emplace" || Name == "emplace_after") && N > 0)
    return Construction{RD, N - 1}; // the position comes first
  if (Container == "optional" && Name == "emplace")
    return Construction{RD, N};
  return std::nullopt;
}

/// The constructors of C that a construction from Args arguments may call:
/// every one that takes that many, since the library's body that would pick
/// one is not parsed (more callers only make inference more careful).
static llvm::SmallVector<const CXXConstructorDecl *, 4>
constructorsFor(const Construction &C) {
  llvm::SmallVector<const CXXConstructorDecl *, 4> Out;
  if (!C.Class || !C.Class->hasDefinition())
    return Out;
  for (const CXXConstructorDecl *Ctor : C.Class->getDefinition()->ctors())
    if (!Ctor->isCopyOrMoveConstructor() &&
        Ctor->getMinRequiredArguments() <= C.Args &&
        (Ctor->isVariadic() || C.Args <= Ctor->getNumParams()))
      Out.push_back(Ctor);
  return Out;
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
  N.ImplicitCalls = hasUnseenCalls(FD);
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
    if (M.isPattern(FD) || inSystemCode(SM, FD))
      return;
    addFunction(FD);
    return;
  }
  if (const auto *VD = R.Nodes.getNodeAs<VarDecl>("var")) {
    if (!VD->getDeclContext()->isDependentContext() && !inSystemCode(SM, VD))
      addStaticInit(VD);
    return;
  }
  if (const auto *LE = R.Nodes.getNodeAs<LambdaExpr>("lambda")) {
    // SPEC §1: the defining function -> lambda "defines" relation.
    const CXXMethodDecl *Op = LE->getCallOperator();
    if (!Op || M.isPattern(Op) || inSystemCode(SM, LE->getBeginLoc()))
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
  // Calls into system headers cannot continue a chain, but a construction
  // through std::make_unique or emplace is a call of the constructor.
  if (inSystemCode(SM, Callee)) {
    if (std::optional<Construction> C = constructionBy(Call, Callee))
      for (const CXXConstructorDecl *Ctor : constructorsFor(*C))
        addCallEdges(Call, S.nodeId(Ctor));
    return;
  }
  // An implicitly defined callee (a constructor) is defined where it is
  // used; the traversal does not visit it.
  if (Callee->isImplicit() && Callee->doesThisDeclarationHaveABody())
    addFunction(Callee);
  addCallEdges(Call, S.nodeId(Callee));
}

void CallGraphCollector::addCallEdges(const Expr *Call, const std::string &To) {
  const SourceManager &SM = S.model().astContext().getSourceManager();
  Model &M = S.model();
  SourceRange Site = S.locations().fromRange(Call->getSourceRange());
  if (To.empty() || !Site.valid())
    return;
  // A call in a template: one edge from each instantiation.
  for (const Enclosing &Where : M.enclosingsOf(Call)) {
    if (Where.Kind != Enclosing::FieldInit && M.isPattern(Where))
      continue; // a pattern: its instantiations hold the calls
    // Code in system headers is not walked by the CLI (userTopLevelDecls);
    // the clang-tidy plugin walks it but must draw the same graph.
    if (Where.Kind == Enclosing::Function && inSystemCode(SM, Where.Fn))
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

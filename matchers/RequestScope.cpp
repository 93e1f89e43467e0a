//===- RequestScope.cpp - factoryguard-request-scope ---------------------===//
#include "RequestScope.h"

#include "CallGraphCollector.h"
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
  addCallGraphCollector(S, Out);
}

void RequestScopeRule::registerMatchers(MatchFinder &F) {
  registerCallMatchers(F, this, S);
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
  if (M.isPattern(Where))
    return std::nullopt;
  std::string Factory = factoryName(Callee);
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
        F.ProgramKey = F.ChainAnchor;
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
    F.ProgramKey = F.ChainAnchor;
  } else {
    return std::nullopt;
  }
  F.StableKey = makeStableKey(F.RuleId, {Owner, qualifiedName(Callee)});
  return F;
}

namespace {

/// A finding of the rule whose function the whole program may still show
/// to run only inside a request.
bool decidedByProgram(const Finding &F) {
  return F.RuleId == RequestScopeId && !F.ProgramKey.empty();
}

/// A finding whose advice assumed its function might run inside a request
/// ("pass the request's context down to it"), now that a chain from Root
/// reaches it: when Root runs at start-up (main, a start-up function, a
/// constructor function, a static initialization before main), the advice
/// is the start-up one. A function-local static's initialization may run
/// inside a request: its chains keep the advice.
void adviseForStartup(Finding &F, const GraphNode &Root) {
  if (F.ChainLabel.empty() || Root.StaticLocal)
    return;
  F.Message = F.ChainLabel +
              "; it runs at start-up (see the call chain), outside any "
              "request: create the manager per request, from the request's "
              "context, or move this work into the request path";
}

} // namespace

void RequestScopeRule::resolve(ProgramFacts &P,
                               std::vector<Finding> &Findings) {
  llvm::erase_if(Findings, [&](const Finding &F) {
    return decidedByProgram(F) && P.Graph.inRequestScope(F.ProgramKey);
  });
  for (Finding &F : Findings)
    if (decidedByProgram(F))
      if (const GraphNode *Root = P.Graph.chainRoot(F.ChainAnchor))
        adviseForStartup(F, *Root);
}

} // namespace factoryguard

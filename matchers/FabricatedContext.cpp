//===- FabricatedContext.cpp - factoryguard-fabricated-context -----------===//
//
// Case 1 follows the factory's context argument back, through `&`, `*`,
// `.get()`, std::move, copies and the locals, pointers and references that
// carry it (the last assignment before the call in the function's text
// wins, so a wrapper's `if (!ctx) ctx = &fallback;` counts), to the
// expression that created the context. That creation is made up when it
// takes no context value and the function is no context source. Case 2
// asks the Model whether a static's type keeps a context object. A
// variable with static storage is never followed by case 1: case 2
// reports it, once, at its definition.
//
//===----------------------------------------------------------------------===//
#include "FabricatedContext.h"

#include "Arguments.h"
#include "CallGraphCollector.h"
#include "Rules.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace factoryguard {

namespace {

/// Where a context argument came from.
struct Origin {
  /// The creation (construction, list initialization, make_unique...);
  /// nullptr when the argument does not lead to one in this function.
  const Expr *Creation = nullptr;
  /// The local whose initializer is the creation (nullptr: a temporary).
  const VarDecl *Holder = nullptr;
  /// A temporary as written, with its type (`UserExecutionContext{...}`,
  /// a cast around the creation); the creation itself when there is none.
  const Expr *Written = nullptr;
  /// Every local or parameter the trace went through.
  llvm::SmallPtrSet<const ValueDecl *, 4> Through;
};

/// The last assignment to V in Body before Before (source order), if any:
/// `v = x` or, for smart pointers and optionals, `v.operator=(x)`.
class LastAssignment : public RecursiveASTVisitor<LastAssignment> {
public:
  LastAssignment(const ValueDecl *V, SourceLocation Before,
                 const SourceManager &SM)
      : V(V), Before(Before), SM(SM) {}
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Assign)
      consider(BO->getLHS(), BO->getRHS(), BO->getOperatorLoc());
    return true;
  }
  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *OC) {
    if (OC->getOperator() == OO_Equal && OC->getNumArgs() == 2)
      consider(OC->getArg(0), OC->getArg(1), OC->getOperatorLoc());
    return true;
  }
  const Expr *Value = nullptr;

private:
  void consider(const Expr *LHS, const Expr *RHS, SourceLocation At) {
    const auto *DRE = dyn_cast<DeclRefExpr>(LHS->IgnoreParenImpCasts());
    if (!DRE || DRE->getDecl() != V ||
        !SM.isBeforeInTranslationUnit(At, Before))
      return;
    if (!Value || SM.isBeforeInTranslationUnit(Last, At)) {
      Value = RHS;
      Last = At;
    }
  }
  const ValueDecl *V;
  SourceLocation Before, Last;
  const SourceManager &SM;
};

/// Does any part of E have a type that refers to a context (a parent
/// context, `parent.user_id`)?
class MentionsContext : public RecursiveASTVisitor<MentionsContext> {
public:
  explicit MentionsContext(Model &M) : M(M) {}
  bool VisitExpr(Expr *E) {
    if (!E->getType().isNull() && !E->isTypeDependent() &&
        M.refersToContext(E->getType()))
      Found = true;
    return !Found;
  }
  bool Found = false;

private:
  Model &M;
};

bool isStdFunction(const FunctionDecl *FD,
                   std::initializer_list<llvm::StringRef> Names) {
  if (!FD || !FD->isInStdNamespace() || !FD->getIdentifier())
    return false;
  return llvm::is_contained(Names, FD->getName());
}

/// Follows context arguments back to their creation (one function's text).
class Tracer {
public:
  Tracer(Model &M, const FunctionDecl *Fn, SourceLocation Before)
      : M(M), Fn(Fn), Before(Before) {}
  /// The origin of E, a value passed or assigned before Before.
  Origin trace(const Expr *E) {
    Origin O;
    follow(E, O, 0);
    return O;
  }

private:
  void follow(const Expr *E, Origin &O, unsigned Depth);
  void followVar(const VarDecl *V, Origin &O, unsigned Depth);
  /// The expression E passes on unchanged (`&x`, `*x`, `x.get()`,
  /// std::move(x), a copy of x, a cast); nullptr when E is none of these.
  const Expr *passedThrough(const Expr *E);
  bool isCreation(const Expr *E);

  Model &M;
  const FunctionDecl *Fn;
  SourceLocation Before;
};

const Expr *Tracer::passedThrough(const Expr *E) {
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return UO->getOpcode() == UO_AddrOf || UO->getOpcode() == UO_Deref
               ? UO->getSubExpr()
               : nullptr;
  if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(E))
    return MT->getSubExpr();
  if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(E))
    return BT->getSubExpr();
  if (const auto *EC = dyn_cast<ExplicitCastExpr>(E))
    return EC->getSubExpr();
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E))
    return OC->getOperator() == OO_Star && OC->getNumArgs() == 1 ? OC->getArg(0)
                                                                 : nullptr;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *MD = MC->getMethodDecl();
    bool Getter = MD && MD->getIdentifier() && MC->getNumArgs() == 0 &&
                  (MD->getName() == "get" || MD->getName() == "value");
    return Getter ? MC->getImplicitObjectArgument() : nullptr;
  }
  if (const auto *CE = dyn_cast<CallExpr>(E))
    return isStdFunction(CE->getDirectCallee(), {"move", "ref", "cref"}) &&
                   CE->getNumArgs() == 1
               ? CE->getArg(0)
               : nullptr;
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
    // A copy or move of a context (or a smart pointer or optional built from
    // one) passes that context on.
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    bool Context = M.isContextRecord(Ctor->getParent());
    if (CE->getNumArgs() >= 1 && (Ctor->isCopyOrMoveConstructor() ||
                                  (!Context && CE->getNumArgs() == 1)))
      return CE->getArg(0);
  }
  return nullptr;
}

bool Tracer::isCreation(const Expr *E) {
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
    return M.isContextRecord(CE->getConstructor()->getParent());
  if (isa<InitListExpr>(E) || isa<CXXNewExpr>(E))
    return M.refersToContext(E->getType());
  if (const auto *CE = dyn_cast<CallExpr>(E))
    return isStdFunction(CE->getDirectCallee(),
                         {"make_unique", "make_shared", "make_optional"}) &&
           M.refersToContext(E->getType());
  return false;
}

void Tracer::follow(const Expr *E, Origin &O, unsigned Depth) {
  if (!E || Depth > 16)
    return;
  E = E->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl()))
      followVar(V, O, Depth + 1);
    return;
  }
  if (const Expr *Inner = passedThrough(E)) {
    follow(Inner, O, Depth + 1);
    if (isa<ExplicitCastExpr>(E) && O.Creation && !O.Holder)
      O.Written = E; // unwinding outwards: the outermost cast wins
    return;
  }
  if (isCreation(E))
    O.Creation = O.Written = E;
}

void Tracer::followVar(const VarDecl *V, Origin &O, unsigned Depth) {
  // A static is case 2's, reported at its definition.
  if (!V->hasLocalStorage() || !O.Through.insert(V).second)
    return;
  LastAssignment Finder(V, Before, M.astContext().getSourceManager());
  if (Fn->getBody())
    Finder.TraverseStmt(Fn->getBody());
  if (Finder.Value)
    return follow(Finder.Value, O, Depth);
  if (isa<ParmVarDecl>(V) || !V->getInit())
    return; // what the caller passed: a real context, or its own problem
  follow(V->getInit(), O, Depth);
  // The innermost local on the way holds the creation itself.
  if (O.Creation && !O.Holder)
    O.Holder = V;
}

/// The creation's arguments, as written.
llvm::SmallVector<const Expr *, 4> creationArgs(const Expr *E) {
  llvm::SmallVector<const Expr *, 4> Out;
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
    Out.append(CE->arg_begin(), CE->arg_end());
  else if (const auto *ILE = dyn_cast<InitListExpr>(E)) {
    // An aggregate's semantic form lists its implicit member initializers;
    // what was written is the syntactic form.
    const InitListExpr *Written =
        ILE->getSyntacticForm() ? ILE->getSyntacticForm() : ILE;
    for (const Expr *Init : Written->inits())
      Out.push_back(Init);
  } else if (const auto *NE = dyn_cast<CXXNewExpr>(E)) {
    if (const Expr *Init = NE->getInitializer())
      Out.push_back(Init);
  } else if (const auto *CE = dyn_cast<CallExpr>(E))
    Out.append(CE->arg_begin(), CE->arg_end());
  return Out;
}

/// SPEC §2: a creation none of whose arguments refers to a context value.
bool takesNoContext(Model &M, const Expr *Creation) {
  for (const Expr *Arg : creationArgs(Creation)) {
    MentionsContext Finder(M);
    Finder.TraverseStmt(const_cast<Expr *>(Arg));
    if (Finder.Found)
      return false;
  }
  return true;
}

/// The factory's context argument and parameter; none when the call has
/// no such argument written or defaulted.
std::optional<std::pair<const Expr *, const ParmVarDecl *>>
contextArgument(const FactoryCall &FC) {
  if (!FC.Info.ContextParam)
    return std::nullopt;
  unsigned ParamIndex = *FC.Info.ContextParam, ArgIndex = ParamIndex;
  llvm::ArrayRef<const Expr *> Args;
  if (const auto *CE = dyn_cast<CallExpr>(FC.Call)) {
    Args = llvm::ArrayRef(CE->getArgs(), CE->getNumArgs());
    if (isa<CXXOperatorCallExpr>(CE) && isa<CXXMethodDecl>(FC.Callee))
      ++ArgIndex; // the object is argument 0
  } else {
    const auto *Construct = cast<CXXConstructExpr>(FC.Call);
    Args = llvm::ArrayRef(Construct->getArgs(), Construct->getNumArgs());
  }
  if (ArgIndex >= Args.size() || ParamIndex >= FC.Callee->getNumParams())
    return std::nullopt;
  return std::make_pair(Args[ArgIndex], FC.Callee->getParamDecl(ParamIndex));
}

/// `{}` or `T{}` written as the argument itself: an absent context
/// in disguise, factoryguard-null-context's case (SPEC §2), which reports
/// it with the same fix-it; reported once, by that rule.
bool isBlankArgument(const Origin &O, const Expr *Arg) {
  if (O.Holder)
    return false;
  if (isNullContextExpr(Arg))
    return true;
  const auto *CE = dyn_cast<CXXConstructExpr>(O.Creation);
  bool Blank =
      isa<InitListExpr>(O.Creation) || (CE && CE->isListInitialization());
  return Blank && creationArgs(O.Creation).empty();
}

const char *const ValueKinds[] = {"parameter", "captured variable", "member",
                                  "local variable"};

} // namespace

/// The StableKey of a case-2 finding has this first part (checkStatic);
/// fingerprints, shards and the cache carry the key, so the audit can tell
/// the cases apart in every run.
static const char *const StaticKeyPart = "static";

bool keepsContextInStorage(const Finding &F) {
  return F.RuleId == FabricatedContextId &&
         llvm::StringRef(F.StableKey)
             .starts_with(
                 makeStableKey(FabricatedContextId, {StaticKeyPart, ""}));
}

void FabricatedContextRule::create(TUState &S, RuleCallbacks &Out) {
  Out.push_back(std::make_unique<FabricatedContextRule>(S));
  addCallGraphCollector(S, Out);
}

void FabricatedContextRule::registerMatchers(MatchFinder &F) {
  registerCallMatchers(F, this, S);
  // Definitions only, as static-singleton: not an in-class static member
  // declaration nor an extern one.
  F.addMatcher(
      varDecl(hasGlobalStorage(), isDefinition(), unless(parmVarDecl()))
          .bind("var"),
      this);
}

void FabricatedContextRule::run(const MatchFinder::MatchResult &R) {
  if (const auto *VD = R.Nodes.getNodeAs<VarDecl>("var")) {
    S.begin(*R.Context);
    return checkStatic(VD);
  }
  if (auto FC = matchedFactoryCall(S, R))
    checkCall(*FC);
}

namespace {
/// The real contexts in scope at the call that a fix-it can pass: not the
/// made-up one, nor any local the trace went through or that is made up
/// itself.
std::vector<ContextValue> realContexts(Model &M, const Enclosing &Where,
                                       const Expr *Call, const Origin &O,
                                       const ParmVarDecl *Param) {
  std::vector<ContextValue> Out;
  ContextScope Scope = M.contextInScope(Where, Call->getBeginLoc());
  for (const ContextValue &V : Scope.Values) {
    if (O.Through.count(V.Decl) ||
        contextArgumentFor(V, Param->getType()).empty())
      continue;
    if (const auto *Local = dyn_cast<VarDecl>(V.Decl))
      if (V.Kind == ContextValue::Local && Local->getInit()) {
        Origin Own =
            Tracer(M, Where.Fn, Call->getBeginLoc()).trace(Local->getInit());
        if (Own.Creation && takesNoContext(M, Own.Creation))
          continue;
      }
    Out.push_back(V);
  }
  return Out;
}

std::string joinNames(const std::vector<ContextValue> &Values) {
  std::string Out;
  for (const ContextValue &V : Values)
    Out += (Out.empty() ? "'" : ", '") + V.Name + "'";
  return Out;
}
} // namespace

void FabricatedContextRule::checkCall(const FactoryCall &FC) {
  Model &M = S.model();
  auto ArgAndParam = contextArgument(FC);
  if (!ArgAndParam)
    return;
  auto [Arg, Param] = *ArgAndParam;
  Enclosing Where = M.enclosingOf(FC.Call);
  if (Where.Kind != Enclosing::Function || !Where.Fn || M.isPattern(Where) ||
      M.isContextSource(Where.Fn))
    return;
  Origin O = Tracer(M, Where.Fn, FC.Call->getBeginLoc()).trace(Arg);
  if (!O.Creation || !takesNoContext(M, O.Creation) || isBlankArgument(O, Arg))
    return;
  SourceLocation At =
      O.Holder ? O.Holder->getLocation() : O.Written->getBeginLoc();
  if (!S.shouldReport(At))
    return;

  std::string Ctx = M.contextTypeNameFor(FC.Callee, FC.Info.ContextParam);
  std::string Factory = factoryName(FC.Callee);
  Finding F;
  F.RuleId = FabricatedContextId;
  F.Where = O.Holder ? S.locations().fromLoc(At)
                     : S.locations().fromRange(O.Written->getSourceRange());
  std::string What =
      "made-up " + Ctx +
      (O.Holder ? " '" + O.Holder->getNameAsString() + "'" : "") + " reaches " +
      Factory + " in '" + qualifiedName(Where.Fn) + "'";
  F.ChainLabel = What;
  F.Notes.push_back({S.locations().fromRange(FC.Call->getSourceRange()),
                     Factory + " receives it here"});

  std::vector<ContextValue> Real = realContexts(M, Where, FC.Call, O, Param);
  std::string Advice =
      ": it is created from nothing, outside any context source, so it "
      "proves no request and the manager serves no user; pass the "
      "request's context down instead, or create it in a context source";
  const SourceManager &SM = M.astContext().getSourceManager();
  CharSourceRange ArgRange = Lexer::makeFileCharRange(
      CharSourceRange::getTokenRange(Arg->getSourceRange()), SM,
      M.astContext().getLangOpts());
  if (Real.size() == 1 && ArgRange.isValid()) {
    const ContextValue &V = Real.front();
    std::string Text = contextArgumentFor(V, Param->getType());
    F.Message = What + "; pass the " + ValueKinds[V.Kind] + " '" + V.Name +
                "', the request's context, instead";
    FixIt Fix;
    Fix.Where = S.locations().fromCharRange(ArgRange);
    Fix.Replacement = Text;
    F.Notes.push_back({Fix.Where, std::string("pass the ") +
                                      ValueKinds[V.Kind] + " '" + V.Name +
                                      "': '" + Text + "'"});
    F.Fixes.push_back(std::move(Fix));
  } else if (Real.empty()) {
    F.Message = What + Advice;
    F.Notes.push_back({F.Where, "no other " + Ctx + " is in scope here"});
  } else {
    F.Message = What + Advice;
    F.Notes.push_back({F.Where, "several contexts are in scope (" +
                                    joinNames(Real) +
                                    "); choose one, no fix-it is offered"});
  }
  F.ChainAnchor = S.nodeId(Where.Fn);
  F.StableKey = makeStableKey(
      F.RuleId, {qualifiedName(Where.Fn), qualifiedName(FC.Callee),
                 O.Holder ? O.Holder->getNameAsString() : "temporary"});
  S.report(std::move(F));
}

void FabricatedContextRule::checkStatic(const VarDecl *VD) {
  if (VD->getType()->isDependentType() || !S.shouldReport(VD->getLocation()))
    return;
  auto Held = S.model().holdsContextObject(VD->getType());
  if (!Held)
    return;
  bool Thread = VD->getTLSKind() != VarDecl::TLS_None;
  Finding F;
  F.RuleId = FabricatedContextId;
  F.Where = S.locations().fromLoc(VD->getLocation());
  F.Message = "'" + VD->getNameAsString() + "'";
  const FunctionDecl *Accessor = singletonAccessor(VD);
  if (Accessor)
    F.Message +=
        " (returned by the accessor '" + qualifiedName(Accessor) + "')";
  F.Message += std::string(" has ") + (Thread ? "thread" : "static") +
               " storage duration and holds " +
               withArticle(Held->Manager->getNameAsString());
  if (!Held->Path.empty())
    F.Message += " via " + Held->Path;
  F.Message += Thread ? "; it is shared by every request on a thread"
                      : "; one identity is kept for every later request of "
                        "the process";
  F.Message += ": pass the request's context down, or keep a pointer to the "
               "current request's context instead";
  std::string Owner;
  if (const auto *FD = dyn_cast<FunctionDecl>(VD->getDeclContext()))
    Owner = qualifiedName(FD);
  F.StableKey =
      makeStableKey(F.RuleId, {StaticKeyPart, qualifiedName(VD), Owner});
  S.report(std::move(F));
}

} // namespace factoryguard

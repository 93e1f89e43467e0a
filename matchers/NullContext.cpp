//===- NullContext.cpp - factoryguard-null-context -----------------------===//
#include "NullContext.h"

#include "RequestScope.h"
#include "Rules.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace factoryguard {

namespace {

enum class Form { Value, Pointer, Unique, Shared, Optional, Other };

Form formOf(QualType T) {
  T = T.getNonReferenceType().getCanonicalType();
  if (T->isPointerType())
    return Form::Pointer;
  if (const auto *RD = T->getAsCXXRecordDecl()) {
    if (RD->isInStdNamespace() && RD->getIdentifier()) {
      llvm::StringRef N = RD->getName();
      if (N == "unique_ptr")
        return Form::Unique;
      if (N == "shared_ptr")
        return Form::Shared;
      if (N == "optional")
        return Form::Optional;
    }
    return Form::Value;
  }
  return Form::Other;
}

/// Is the variable assigned, reset or handed out by non-const reference
/// between From and To (source order) in Body?
class AssignmentFinder : public RecursiveASTVisitor<AssignmentFinder> {
public:
  AssignmentFinder(const VarDecl *V, SourceLocation From, SourceLocation To,
                   const SourceManager &SM)
      : V(V), From(From), To(To), SM(SM) {}

  bool refersToVar(const Expr *E) const {
    E = E->IgnoreParenImpCasts();
    const auto *DRE = dyn_cast<DeclRefExpr>(E);
    return DRE && DRE->getDecl() == V;
  }
  bool inWindow(SourceLocation L) const {
    return SM.isBeforeInTranslationUnit(From, L) &&
           SM.isBeforeInTranslationUnit(L, To);
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->isAssignmentOp() && refersToVar(BO->getLHS()) &&
        inWindow(BO->getExprLoc()))
      Found = true;
    return !Found;
  }
  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *OC) {
    if (OC->isAssignmentOp() && OC->getNumArgs() > 0 &&
        refersToVar(OC->getArg(0)) && inWindow(OC->getExprLoc()))
      Found = true;
    return !Found;
  }
  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *MC) {
    const Expr *Obj = MC->getImplicitObjectArgument();
    const CXXMethodDecl *MD = MC->getMethodDecl();
    if (Obj && MD && !MD->isConst() && refersToVar(Obj) &&
        inWindow(MC->getExprLoc()))
      Found = true;
    return !Found;
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->getOpcode() == UO_AddrOf && refersToVar(UO->getSubExpr()) &&
        inWindow(UO->getExprLoc()))
      Found = true;
    return !Found;
  }
  bool VisitCallExpr(CallExpr *CE) {
    const FunctionDecl *FD = CE->getDirectCallee();
    if (!FD || !inWindow(CE->getExprLoc()))
      return true;
    for (unsigned I = 0; I < CE->getNumArgs() && I < FD->getNumParams(); ++I) {
      QualType PT = FD->getParamDecl(I)->getType();
      if (PT->isReferenceType() && !PT.getNonReferenceType().isConstQualified() &&
          refersToVar(CE->getArg(I)))
        Found = true;
    }
    return !Found;
  }

  const VarDecl *V;
  SourceLocation From, To;
  const SourceManager &SM;
  bool Found = false;
};

/// `{}` (or `T{}`) creating a blank context object for a by-value or
/// by-reference context parameter: an absent context in disguise.
bool isEmptyContextObject(const Expr *E, Model &M) {
  E = E->IgnoreImplicit()->IgnoreParenImpCasts();
  if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(E))
    E = MT->getSubExpr()->IgnoreImplicit()->IgnoreParenImpCasts();
  if (const auto *ILE = dyn_cast<InitListExpr>(E)) {
    // An aggregate's semantic form lists its implicit member initializers;
    // what was written is the syntactic form.
    const InitListExpr *Written =
        ILE->getSyntacticForm() ? ILE->getSyntacticForm() : ILE;
    if (!M.refersToContext(ILE->getType()))
      return false;
    for (const Expr *Init : Written->inits()) {
      Init = Init->IgnoreImplicit();
      const auto *CE = dyn_cast<CXXConstructExpr>(Init);
      bool Implicit = isa<ImplicitValueInitExpr>(Init) ||
                      isa<CXXDefaultInitExpr>(Init) ||
                      (CE && CE->getNumArgs() == 0);
      if (!Implicit)
        return false;
    }
    return true;
  }
  const auto *CE = dyn_cast<CXXConstructExpr>(E);
  return CE && CE->getNumArgs() == 0 && CE->isListInitialization() &&
         M.isContextRecord(CE->getConstructor()->getParent());
}

std::string sourceText(const Expr *E, const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  CharSourceRange R = CharSourceRange::getTokenRange(E->getSourceRange());
  R = SM.getExpansionRange(R);
  llvm::StringRef T = Lexer::getSourceText(R, SM, Ctx.getLangOpts());
  std::string S = T.str();
  if (S.size() > 40)
    S = S.substr(0, 37) + "...";
  return S;
}

std::string joinNames(const std::vector<ContextValue> &Values) {
  std::string Out;
  for (const ContextValue &V : Values) {
    if (!Out.empty())
      Out += ", ";
    Out += "'" + V.Name + "'";
  }
  return Out;
}

} // namespace

std::optional<NullArgument> nullArgument(TUState &S, const Expr *Call,
                                         const Expr *Arg,
                                         const ParmVarDecl *Param) {
  const ASTContext &Ctx = S.astContext();
  if (isa<CXXDefaultArgExpr>(Arg->IgnoreImplicit()) ||
      isa<CXXDefaultArgExpr>(Arg)) {
    if (!isNullContextExpr(Arg))
      return std::nullopt;
    const Expr *Default = Param->getDefaultArg();
    return NullArgument{NullArgument::Defaulted,
                        Default ? sourceText(Default, Ctx) : "null", nullptr};
  }
  if (isNullContextExpr(Arg))
    return NullArgument{NullArgument::Written, sourceText(Arg, Ctx), nullptr};
  // A local still holding its null initializer.
  const Expr *Inner = Arg->IgnoreImplicit()->IgnoreParenImpCasts();
  if (const auto *CE = dyn_cast<CXXConstructExpr>(Inner))
    if (CE->getNumArgs() == 1)
      Inner = CE->getArg(0)->IgnoreImplicit()->IgnoreParenImpCasts();
  const auto *DRE = dyn_cast<DeclRefExpr>(Inner);
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD || !VD->hasLocalStorage() || isa<ParmVarDecl>(VD) || !VD->getInit() ||
      !isNullContextExpr(VD->getInit()))
    return std::nullopt;
  Enclosing Where = S.model().enclosingOf(Call);
  if (Where.Kind != Enclosing::Function || !Where.Fn || !Where.Fn->getBody())
    return std::nullopt;
  AssignmentFinder Finder(VD, VD->getLocation(), Call->getBeginLoc(),
                          Ctx.getSourceManager());
  Finder.TraverseStmt(Where.Fn->getBody());
  if (Finder.Found)
    return std::nullopt;
  // A loop may assign it after the call and come back: only straight-line
  // code before the call is considered, which is what the finder checked.
  return NullArgument{NullArgument::StillNullLocal,
                      sourceText(VD->getInit(), Ctx), VD};
}

std::string contextArgumentFor(const ContextValue &Value, QualType Param) {
  std::string Name =
      Value.Kind == ContextValue::Member ? "this->" + Value.Name : Value.Name;
  Form P = formOf(Param), V = formOf(Value.Type);
  switch (P) {
  case Form::Pointer:
    switch (V) {
    case Form::Value:
      return "&" + Name;
    case Form::Pointer:
      return Name;
    case Form::Unique:
    case Form::Shared:
      return Name + ".get()";
    case Form::Optional:
      return "&*" + Name;
    default:
      return "";
    }
  case Form::Value:
    switch (V) {
    case Form::Value:
      return Name;
    case Form::Pointer:
    case Form::Unique:
    case Form::Shared:
    case Form::Optional:
      return "*" + Name;
    default:
      return "";
    }
  case Form::Optional:
    switch (V) {
    case Form::Value:
    case Form::Optional:
      return Name;
    case Form::Pointer:
    case Form::Unique:
    case Form::Shared:
      return "*" + Name;
    default:
      return "";
    }
  case Form::Shared:
    return V == Form::Shared ? Name : "";
  case Form::Unique:
  case Form::Other:
    return "";
  }
  return "";
}

void NullContextRule::registerMatchers(MatchFinder &F) {
  registerCallMatchers(F, this, S);
}

void NullContextRule::run(const MatchFinder::MatchResult &R) {
  auto FC = matchedFactoryCall(S, R);
  if (!FC || !FC->Info.ContextParam)
    return;
  const Expr *Call = FC->Call;
  const FunctionDecl *Callee = FC->Callee;
  Model &M = S.model();
  unsigned ParamIndex = *FC->Info.ContextParam;
  unsigned ArgIndex = ParamIndex;
  llvm::ArrayRef<const Expr *> Args;
  SourceLocation RParen;
  if (const auto *CE = dyn_cast<CallExpr>(Call)) {
    Args = llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs());
    RParen = CE->getRParenLoc();
    if (isa<CXXOperatorCallExpr>(CE) && isa<CXXMethodDecl>(Callee))
      ++ArgIndex; // the object is argument 0
  } else {
    const auto *Construct = cast<CXXConstructExpr>(Call);
    Args = llvm::ArrayRef<const Expr *>(Construct->getArgs(),
                                        Construct->getNumArgs());
    RParen = Construct->getParenOrBraceRange().getEnd();
  }
  if (ArgIndex >= Args.size() || ParamIndex >= Callee->getNumParams())
    return;
  const ParmVarDecl *Param = Callee->getParamDecl(ParamIndex);
  const Expr *Arg = Args[ArgIndex];
  const ASTContext &Ctx = *R.Context;
  const SourceManager &SM = *R.SourceManager;
  std::string FactoryName = factoryName(Callee);
  std::string ParamName =
      Param->getIdentifier() ? "'" + Param->getNameAsString() + "'"
                             : "#" + std::to_string(ParamIndex + 1);

  Finding F;
  F.RuleId = NullContextId;
  const Expr *Replace = nullptr; // the argument a fix-it replaces
  std::string Why;
  std::optional<NullArgument> Null = nullArgument(S, Call, Arg, Param);
  bool Defaulted = Null && Null->Kind == NullArgument::Defaulted;
  if (Defaulted) {
    F.Where = S.locations().fromLoc(RParen);
    F.Message = FactoryName + " called without a context: parameter " +
                ParamName + " defaults to '" + Null->Text + "'";
    Why = "defaulted";
  } else if ((Null && Null->Kind == NullArgument::Written) ||
             isEmptyContextObject(Arg, M)) {
    F.Where = S.locations().fromRange(Arg->getSourceRange());
    F.Message = FactoryName + " called with a null context: '" +
                sourceText(Arg, Ctx) + "' passed as " + ParamName;
    Replace = Arg;
    Why = sourceText(Arg, Ctx);
  } else if (Null) {
    const VarDecl *VD = Null->Local;
    F.Where = S.locations().fromRange(Arg->getSourceRange());
    F.Message = FactoryName + " called with a null context: '" +
                VD->getNameAsString() + "' is still null (initialized to '" +
                Null->Text + "' and not assigned since)";
    F.Notes.push_back({S.locations().fromLoc(VD->getLocation()),
                       "'" + VD->getNameAsString() + "' is declared null here"});
    Why = "local:" + VD->getNameAsString();
    Replace = Arg;
  } else {
    return;
  }

  // The fix-it: exactly one context value in scope.
  Enclosing Where = M.enclosingOf(Call);
  ContextScope Scope = M.contextInScope(Where, Call->getBeginLoc());
  std::vector<ContextValue> Usable;
  for (const ContextValue &V : Scope.Values)
    if (!contextArgumentFor(V, Param->getType()).empty())
      Usable.push_back(V);
  if (Usable.size() == 1 && (Replace || Defaulted)) {
    std::string Text = contextArgumentFor(Usable.front(), Param->getType());
    FixIt Fix;
    if (Replace) {
      // A file range exists when the argument is written in the file, or is
      // one whole macro expansion (NULL); not inside a macro's body.
      CharSourceRange Range = Lexer::makeFileCharRange(
          CharSourceRange::getTokenRange(Replace->getSourceRange()), SM,
          Ctx.getLangOpts());
      if (Range.isValid()) {
        Fix.Where = S.locations().fromCharRange(Range);
        Fix.Replacement = Text;
      }
    } else if (RParen.isFileID()) {
      // Insert the missing argument; every argument before it must be
      // written out, or the insertion would land in the wrong parameter.
      bool EarlierDefaulted = false;
      for (unsigned I = 0; I < ArgIndex; ++I)
        EarlierDefaulted |= isa<CXXDefaultArgExpr>(Args[I]);
      if (!EarlierDefaulted) {
        Fix.Where = S.locations().fromCharRange(
            CharSourceRange::getCharRange(RParen, RParen));
        Fix.Replacement = (ArgIndex > 0 ? ", " : "") + Text;
      }
    }
    if (Fix.Where.valid()) {
      static const char *const Kinds[] = {"parameter", "captured variable",
                                          "member", "local variable"};
      F.Notes.push_back({Fix.Where, std::string("pass the ") +
                                        Kinds[Usable.front().Kind] + " '" +
                                        Usable.front().Name + "': '" + Text +
                                        "'"});
      F.Fixes.push_back(std::move(Fix));
    }
  } else if (Usable.empty() && Scope.Valueless) {
    F.Notes.push_back({F.Where, "the request's " +
                                    M.contextTypeNameFor(Callee, ParamIndex) +
                                    " is in scope without a name a fix-it "
                                    "can use (an unnamed parameter, '*this', "
                                    "or a private member of a base); pass "
                                    "it here"});
  } else if (Usable.empty()) {
    F.Notes.push_back({F.Where, "no " +
                                    M.contextTypeNameFor(Callee, ParamIndex) +
                                    " is in scope here; pass the request's "
                                    "context down to this function"});
  } else {
    F.Notes.push_back({F.Where, "several contexts are in scope (" +
                                    joinNames(Usable) +
                                    "); choose one, no fix-it is offered"});
  }
  std::string Owner;
  if (Where.Kind == Enclosing::Function && Where.Fn)
    Owner = qualifiedName(Where.Fn);
  F.StableKey = F.RuleId + "|" + Owner + "|" + qualifiedName(Callee) + "|" + Why;
  S.report(std::move(F));
}

} // namespace factoryguard

//===- Arguments.cpp - What a factory call's argument passes -------------===//
#include "Arguments.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

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
      if (PT->isReferenceType() &&
          !PT.getNonReferenceType().isConstQualified() &&
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

} // namespace

std::string clippedSourceText(const Expr *E, const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  CharSourceRange R = CharSourceRange::getTokenRange(E->getSourceRange());
  R = SM.getExpansionRange(R);
  llvm::StringRef T = Lexer::getSourceText(R, SM, Ctx.getLangOpts());
  std::string S = T.str();
  if (S.size() > 40)
    S = S.substr(0, 37) + "...";
  return S;
}

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
                        Default ? clippedSourceText(Default, Ctx) : "null",
                        nullptr};
  }
  if (isNullContextExpr(Arg))
    return NullArgument{NullArgument::Written, clippedSourceText(Arg, Ctx),
                        nullptr};
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
                      clippedSourceText(VD->getInit(), Ctx), VD};
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

} // namespace factoryguard

//===- Survey.cpp - What `factoryguard init` reads from one unit ---------===//
//
// One RecursiveASTVisitor over the unit's user declarations: it keeps the
// function whose body it is in (a static's initializer and a lambda are
// callers of their own), so that each call is recorded with its caller,
// and records each user function once with the classes it takes and hands
// out. Everything is by qualified name, as a configuration names it.
//
//===----------------------------------------------------------------------===//
#include "Survey.h"

#include "Model.h"
#include "Paths.h"
#include "RuleFramework.h"
#include "clang/AST/RecursiveASTVisitor.h"

#include <set>

using namespace clang;

namespace factoryguard {

namespace {

/// std::unique_ptr, std::shared_ptr, std::optional: their argument.
const TemplateArgumentList *smartPointerArgs(QualType T, bool OwningOnly) {
  const auto *Spec =
      dyn_cast_or_null<ClassTemplateSpecializationDecl>(T->getAsRecordDecl());
  if (!Spec || Spec->getTemplateArgs().size() < 1 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return nullptr;
  std::string Name = qualifiedName(Spec);
  bool Owning = Name == "std::unique_ptr" || Name == "std::shared_ptr";
  if (Owning || (!OwningOnly && Name == "std::optional"))
    return &Spec->getTemplateArgs();
  return nullptr;
}

class Surveyor : public RecursiveASTVisitor<Surveyor> {
public:
  Surveyor(ASTContext &Ctx, UnitSurvey &Out)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Out(Out) {}

  bool TraverseDecl(Decl *D) {
    if (!D)
      return true;
    if (const auto *F = dyn_cast<FunctionDecl>(D);
        F && F->doesThisDeclarationHaveABody())
      return within(qualifiedName(F),
                    [&] { return RecursiveASTVisitor::TraverseDecl(D); });
    if (const auto *V = dyn_cast<VarDecl>(D);
        V && V->hasGlobalStorage() && !V->isStaticLocal() && V->hasInit())
      return within(StaticInitCaller,
                    [&] { return RecursiveASTVisitor::TraverseDecl(D); });
    return RecursiveASTVisitor::TraverseDecl(D);
  }
  bool TraverseLambdaExpr(LambdaExpr *L) {
    return within(OtherCaller,
                  [&] { return RecursiveASTVisitor::TraverseLambdaExpr(L); });
  }

  bool VisitFunctionDecl(FunctionDecl *F) {
    recordFunction(F);
    return true;
  }
  bool VisitCallExpr(CallExpr *C) {
    if (const Expr *Callee = C->getCallee())
      CalleeRefs.insert(Callee->IgnoreParenImpCasts());
    recordCall(C->getDirectCallee(), C->getBeginLoc());
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *C) {
    recordCall(C->getConstructor(), C->getBeginLoc());
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *E) {
    const auto *F = dyn_cast<FunctionDecl>(E->getDecl());
    if (F && !CalleeRefs.count(E) && isUser(F))
      Out.AddressTaken.push_back(qualifiedName(F));
    return true;
  }
  bool VisitVarDecl(VarDecl *V) {
    if (V->hasGlobalStorage() && !isa<ParmVarDecl>(V) && isUserLoc(V))
      recordHolder(V);
    return true;
  }

private:
  template <typename Fn> bool within(std::string Caller, Fn Traverse) {
    Callers.push_back(std::move(Caller));
    bool Result = Traverse();
    Callers.pop_back();
    return Result;
  }

  bool isUserLoc(const Decl *D) const {
    return D->getLocation().isValid() && !inSystemCode(SM, D);
  }
  /// A declaration of the user code whose name a configuration can hold.
  bool isUser(const NamedDecl *D) const {
    if (!D || D->isImplicit() || !isUserLoc(D->getCanonicalDecl()))
      return false;
    std::string Name = qualifiedName(D);
    return !Name.empty() && Name.find_first_of("(<~") == std::string::npos &&
           Name.find("operator") == std::string::npos;
  }

  SurveyPlace placeOf(SourceLocation Loc) const {
    SurveyPlace P;
    Loc = SM.getExpansionLoc(Loc);
    PresumedLoc PL = SM.getPresumedLoc(Loc);
    if (PL.isInvalid())
      return P;
    P.File = normalizeFilePath(SM.getFileManager(), PL.getFilename());
    P.Line = PL.getLine();
    return P;
  }

  /// The user class T names, recorded with where it is declared; "" when
  /// T is no such class.
  std::string classOf(QualType T) {
    const auto *R = T.isNull() ? nullptr : T->getAsRecordDecl();
    if (!R)
      return "";
    R = cast<RecordDecl>(R->getCanonicalDecl());
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(R))
      R = Spec->getSpecializedTemplate()->getTemplatedDecl();
    if (!isUser(R))
      return "";
    std::string Name = qualifiedName(R);
    Out.Classes.emplace(Name, placeOf(R->getLocation()));
    return Name;
  }

  /// The class a parameter of type T refers to: through a reference, a
  /// pointer or a smart pointer.
  std::string paramClass(QualType T) {
    T = T.getNonReferenceType();
    if (const auto *P = T->getAs<PointerType>())
      return classOf(P->getPointeeType());
    if (const TemplateArgumentList *Args = smartPointerArgs(T, false))
      return classOf((*Args)[0].getAsType());
    return classOf(T);
  }

  /// Parameters a null could be passed to, with no default to fall back on.
  static std::vector<unsigned> pointerParams(const FunctionDecl *F) {
    std::vector<unsigned> Out;
    for (unsigned I = 0; I < F->getNumParams(); ++I) {
      const ParmVarDecl *P = F->getParamDecl(I);
      QualType T = P->getType().getNonReferenceType();
      if (!P->hasDefaultArg() &&
          (T->isPointerType() || smartPointerArgs(T, /*OwningOnly=*/true)))
        Out.push_back(I);
    }
    return Out;
  }

  void describeReturn(const FunctionDecl *F, SurveyFunction &S) {
    QualType T = F->getReturnType();
    if (T->isReferenceType()) {
      S.Return = ReturnKind::Reference;
      S.Returns = classOf(T.getNonReferenceType());
    } else if (const auto *P = T->getAs<PointerType>()) {
      S.Return = ReturnKind::Pointer;
      S.Returns = classOf(P->getPointeeType());
    } else if (const TemplateArgumentList *Args = smartPointerArgs(T, true)) {
      S.Return = ReturnKind::Owning;
      S.Returns = classOf((*Args)[0].getAsType());
    }
    if (S.Returns.empty())
      S.Return = ReturnKind::None;
  }

  /// The variable of static storage duration an expression hands out:
  /// `instance`, `*ptr`, `&instance`, `*holder`, `holder.get()`.
  static const VarDecl *staticHandedOut(const Expr *E) {
    for (unsigned Depth = 0; E && Depth < 8; ++Depth) {
      E = E->IgnoreParenImpCasts();
      if (const auto *R = dyn_cast<DeclRefExpr>(E)) {
        const auto *V = dyn_cast<VarDecl>(R->getDecl());
        return V && V->hasGlobalStorage() && !isa<ParmVarDecl>(V) ? V : nullptr;
      }
      if (const auto *U = dyn_cast<UnaryOperator>(E))
        E = U->getSubExpr();
      else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E))
        E = Op->getNumArgs() ? Op->getArg(0) : nullptr;
      else if (const auto *M = dyn_cast<CXXMemberCallExpr>(E))
        E = M->getImplicitObjectArgument();
      else
        return nullptr;
    }
    return nullptr;
  }

  /// The static a singleton accessor returns: its first return statement
  /// that hands one out.
  static std::string singletonStatic(const FunctionDecl *F) {
    class Returns : public RecursiveASTVisitor<Returns> {
    public:
      bool VisitReturnStmt(ReturnStmt *R) {
        if (!Found)
          Found = staticHandedOut(R->getRetValue());
        return true;
      }
      bool TraverseLambdaExpr(LambdaExpr *) { return true; }
      const VarDecl *Found = nullptr;
    } Finder;
    Finder.TraverseStmt(F->getBody());
    return Finder.Found ? qualifiedName(Finder.Found) : "";
  }

  void recordFunction(const FunctionDecl *F) {
    const auto *M = dyn_cast<CXXMethodDecl>(F);
    if ((M && M->getParent()->isLambda()) || isa<CXXDestructorDecl>(F) ||
        isa<CXXDeductionGuideDecl>(F) || !isUser(F))
      return;
    const FunctionDecl *First = F->getCanonicalDecl();
    auto [It, New] = Seen.emplace(First, Out.Functions.size());
    if (New) {
      SurveyFunction &S = Out.Functions.emplace_back();
      S.Name = qualifiedName(F);
      S.Where = placeOf(First->getLocation());
      for (const ParmVarDecl *P : F->parameters())
        if (std::string C = paramClass(P->getType()); !C.empty())
          S.ParamClasses.push_back(C);
      S.PointerParams = pointerParams(F);
      describeReturn(F, S);
      S.Class = M ? qualifiedName(M->getParent()) : "";
      S.Virtual = M && M->isVirtual();
      S.Constructor = isa<CXXConstructorDecl>(F);
      S.Const = M && M->isConst();
      S.ReturnsVoid = F->getReturnType()->isVoidType();
    }
    SurveyFunction &S = Out.Functions[It->second];
    if (F->doesThisDeclarationHaveABody() && S.SingletonStatic.empty() &&
        (S.Return == ReturnKind::Pointer || S.Return == ReturnKind::Reference))
      S.SingletonStatic = singletonStatic(F);
  }

  void recordCall(const FunctionDecl *Callee, SourceLocation Loc) {
    if (!Callee || !isUser(Callee))
      return;
    Out.Calls.push_back({Callers.empty() ? OtherCaller : Callers.back(),
                         qualifiedName(Callee), placeOf(Loc)});
  }

  /// Whether a class template keeps its argument in raw storage: no member
  /// holds the parameter's type, yet some member's type depends on it
  /// (`alignas(T) char storage_[sizeof(T)]`).
  static bool holdsTypeParam(QualType T) {
    T = T.getCanonicalType();
    if (isa<TemplateTypeParmType>(T))
      return true;
    if (const auto *P = T->getAs<PointerType>())
      return holdsTypeParam(P->getPointeeType());
    if (const auto *R = T->getAs<ReferenceType>())
      return holdsTypeParam(R->getPointeeType());
    if (const auto *A = dyn_cast<ArrayType>(T.getTypePtr()))
      return holdsTypeParam(A->getElementType());
    if (const auto *S = T->getAs<TemplateSpecializationType>())
      return llvm::any_of(S->template_arguments(),
                          [](const TemplateArgument &A) {
                            return A.getKind() == TemplateArgument::Type &&
                                   holdsTypeParam(A.getAsType());
                          });
    return false;
  }
  static bool keepsRawStorage(const CXXRecordDecl *Pattern) {
    if (!Pattern || !Pattern->hasDefinition())
      return false;
    bool SizedByParam = false;
    for (const FieldDecl *F : Pattern->getDefinition()->fields()) {
      if (holdsTypeParam(F->getType()))
        return false;
      SizedByParam = SizedByParam || F->getType()->isDependentType();
    }
    return SizedByParam;
  }

  void recordHolder(const VarDecl *V) {
    QualType T = V->getType();
    while (const ArrayType *A = Ctx.getAsArrayType(T))
      T = A->getElementType();
    const auto *Spec =
        dyn_cast_or_null<ClassTemplateSpecializationDecl>(T->getAsRecordDecl());
    if (!Spec)
      return;
    const ClassTemplateDecl *Template = Spec->getSpecializedTemplate();
    if (!isUser(Template) || !keepsRawStorage(Template->getTemplatedDecl()))
      return;
    Out.Holders.push_back(
        {qualifiedName(Template), qualifiedName(V), placeOf(V->getLocation())});
  }

  ASTContext &Ctx;
  const SourceManager &SM;
  UnitSurvey &Out;
  std::vector<std::string> Callers;
  std::set<const Expr *> CalleeRefs;
  std::map<const FunctionDecl *, size_t> Seen;
};

} // namespace

UnitSurvey surveyUnit(ASTContext &Ctx) {
  UnitSurvey Out;
  Surveyor S(Ctx, Out);
  for (Decl *D : userTopLevelDecls(Ctx))
    S.TraverseDecl(D);
  return Out;
}

} // namespace factoryguard

//===- Model.cpp - The shared facts every rule asks about ----------------===//
#include "Model.h"
#include "ConfigCheck.h"
#include "Paths.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

#include <map>
#include <set>

using namespace clang;

namespace factoryguard {

namespace {

/// The declaration whose name and annotations count for D: the template
/// pattern of an instantiation.
const Decl *patternOf(const Decl *D) {
  if (const auto *CTSD = dyn_cast<ClassTemplateSpecializationDecl>(D))
    return CTSD->getSpecializedTemplate()->getTemplatedDecl();
  if (const auto *RD = dyn_cast<CXXRecordDecl>(D))
    if (const CXXRecordDecl *P = RD->getTemplateInstantiationPattern())
      return P;
  if (const auto *FD = dyn_cast<FunctionDecl>(D))
    if (const FunctionDecl *P = FD->getTemplateInstantiationPattern())
      return P;
  return D;
}

bool isStdClass(const CXXRecordDecl *RD, std::initializer_list<llvm::StringRef> Names) {
  if (!RD || !RD->isInStdNamespace() || !RD->getIdentifier())
    return false;
  llvm::StringRef N = RD->getName();
  for (llvm::StringRef Candidate : Names)
    if (N == Candidate)
      return true;
  return false;
}

const TemplateArgumentList *stdTemplateArgs(const CXXRecordDecl *RD) {
  const auto *CTSD = dyn_cast_or_null<ClassTemplateSpecializationDecl>(RD);
  if (!CTSD || !CTSD->isInStdNamespace())
    return nullptr;
  return &CTSD->getTemplateArgs();
}

} // namespace

namespace {
/// A name that, without its class or namespace, says nothing of what it
/// makes: the accessor and factory verbs of singletons and factories
/// ("instance", "getInstance", "create", "defaultQueue", "shared").
bool isGenericName(llvm::StringRef Name) {
  std::string Flat;
  for (char C : Name)
    if (C != '_')
      Flat += llvm::toLower(C);
  llvm::StringRef F(Flat);
  F.consume_front("get");
  for (llvm::StringRef Prefix : {"default", "shared", "global", "current"})
    if (F.starts_with(Prefix))
      return true;
  for (llvm::StringRef Word :
       {"", "instance", "create", "make", "new", "build", "obtain", "acquire",
        "singleton", "self", "the", "one", "it", "manager", "factory", "object",
        "value"})
    if (F == Word)
      return true;
  return false;
}
} // namespace

std::string factoryName(const FunctionDecl *F) {
  if (!F->getIdentifier() || isGenericName(F->getName()))
    return "'" + qualifiedName(F) + "'";
  return "'" + F->getNameAsString() + "'";
}

std::string withArticle(llvm::StringRef Noun) {
  auto Upper = [](char C) { return C >= 'A' && C <= 'Z'; };
  bool An = false;
  if (!Noun.empty()) {
    char C0 = Noun[0], L0 = llvm::toLower(C0);
    if (Noun.size() > 1 && Upper(C0) && Upper(Noun[1])) {
      // An initialism is read letter by letter: "an HTTPRequest", "an SSL...".
      An = llvm::StringRef("aefhilmnorsx").contains(L0);
    } else if (L0 == 'u') {
      // "a User...", "a Unique...", but "an Unsafe...", "an Untrusted...".
      std::string Rest = Noun.drop_front().lower();
      An = llvm::StringRef(Rest).starts_with("n") &&
           !llvm::StringRef(Rest).starts_with("ni");
    } else {
      An = llvm::StringRef("aeio").contains(L0);
    }
  }
  return (An ? "an " : "a ") + Noun.str();
}

const FunctionDecl *calleeOf(const Expr *E) {
  if (const auto *CE = dyn_cast<CallExpr>(E))
    return CE->getDirectCallee();
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
    return CE->getConstructor();
  return nullptr;
}

bool hasAnnotation(const Decl *D, llvm::StringRef Kind) {
  if (!D)
    return false;
  std::string Want = ("factoryguard::" + Kind).str();
  auto Check = [&](const Decl *X) {
    for (const Decl *R : X->redecls())
      for (const auto *A : R->specific_attrs<AnnotateAttr>())
        if (A->getAnnotation() == Want)
          return true;
    return false;
  };
  if (Check(D))
    return true;
  const Decl *P = patternOf(D);
  return P != D && Check(P);
}

Model::Model(const Config &Cfg, ASTContext &Ctx) : Cfg(Cfg), Ctx(Ctx) {}

bool Model::isContextRecord(const CXXRecordDecl *RD) {
  if (!RD)
    return false;
  RD = RD->getCanonicalDecl();
  auto It = ContextCache.find(RD);
  if (It != ContextCache.end())
    return It->second;
  ContextCache[RD] = false; // guards recursion through bases
  bool Result = matchAndRecord(Recorder, Cfg.Contexts, RD, qualifiedName(RD),
                               NameKind::Type) ||
                hasAnnotation(RD, "context");
  if (!Result)
    if (const CXXRecordDecl *Def = RD->getDefinition())
      for (const CXXBaseSpecifier &B : Def->bases())
        if (isContextRecord(B.getType()->getAsCXXRecordDecl())) {
          Result = true;
          break;
        }
  if (Result && ContextName.empty())
    ContextName = RD->getNameAsString();
  ContextCache[RD] = Result;
  return Result;
}

const CXXRecordDecl *Model::managerBase(const CXXRecordDecl *RD) {
  if (!RD)
    return nullptr;
  RD = RD->getCanonicalDecl();
  auto It = ManagerCache.find(RD);
  if (It != ManagerCache.end())
    return It->second;
  ManagerCache[RD] = nullptr;
  const CXXRecordDecl *Result = nullptr;
  if (!RD->isInStdNamespace()) {
    if (matchAndRecord(Recorder, Cfg.Managers, RD, qualifiedName(RD),
                       NameKind::Type) ||
        hasAnnotation(RD, "manager"))
      Result = RD;
    else if (const CXXRecordDecl *Def = RD->getDefinition())
      for (const CXXBaseSpecifier &B : Def->bases())
        if ((Result = managerBase(B.getType()->getAsCXXRecordDecl())))
          break;
  }
  ManagerCache[RD] = Result;
  return Result;
}

bool Model::refersToContext(QualType T) {
  if (T.isNull())
    return false;
  T = T.getNonReferenceType().getCanonicalType();
  while (T->isPointerType())
    T = T->getPointeeType().getCanonicalType();
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD)
    return false;
  if (isStdClass(RD, {"unique_ptr", "shared_ptr", "optional"})) {
    const TemplateArgumentList *Args = stdTemplateArgs(RD);
    return Args && Args->size() > 0 &&
           Args->get(0).getKind() == TemplateArgument::Type &&
           refersToContext(Args->get(0).getAsType());
  }
  return isContextRecord(RD);
}

std::optional<Model::Holding> Model::holdsManager(QualType T) {
  return holdsManagerImpl(T, 0);
}

std::optional<Model::Holding> Model::holdsManagerImpl(QualType T,
                                                      unsigned Depth) {
  if (T.isNull())
    return std::nullopt;
  T = T.getNonReferenceType().getCanonicalType();
  for (;;) {
    if (T->isPointerType())
      T = T->getPointeeType().getCanonicalType();
    else if (T->isArrayType())
      T = Ctx.getBaseElementType(T).getCanonicalType();
    else
      break;
  }
  if (T->isDependentType() || T->isFunctionType())
    return std::nullopt;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD)
    return std::nullopt;
  const std::pair<const Type *, unsigned> CacheKey(T.getTypePtr(), Depth);
  auto It = HoldCache.find(CacheKey);
  if (It != HoldCache.end())
    return It->second;
  HoldCache[CacheKey] = std::nullopt; // guards recursive types

  std::optional<Holding> Result;
  const TemplateArgumentList *Args = nullptr;
  if (managerBase(RD)) {
    Result = Holding{RD, ""}; // the class held, manager or derived from one
  } else if ((Args = stdTemplateArgs(RD)) || (Args = holderTemplateArgs(RD))) {
    // std smart pointers, optional, reference_wrapper, containers, pair...,
    // and holder templates (raw storage, no member shows the object):
    // whatever their type arguments hold.
    for (const TemplateArgument &A : Args->asArray()) {
      // A pack (std::tuple, std::variant, a variadic holder): each element.
      llvm::ArrayRef<TemplateArgument> Elements =
          A.getKind() == TemplateArgument::Pack ? A.pack_elements()
                                                : llvm::ArrayRef(A);
      for (const TemplateArgument &T : Elements)
        if (T.getKind() == TemplateArgument::Type &&
            (Result = holdsManagerImpl(T.getAsType(), Depth)))
          break;
      if (Result)
        break;
    }
  } else if (!RD->isInStdNamespace() && Depth < 4) {
    if (const CXXRecordDecl *Def = RD->getDefinition()) {
      for (const FieldDecl *F : Def->fields()) {
        if (auto Inner = holdsManagerImpl(F->getType(), Depth + 1)) {
          std::string Step = Def->getNameAsString() + "::" + F->getNameAsString();
          Result = Holding{Inner->Manager,
                           Inner->Path.empty() ? Step : Step + " -> " + Inner->Path};
          break;
        }
      }
      if (!Result)
        for (const CXXBaseSpecifier &B : Def->bases())
          if ((Result = holdsManagerImpl(B.getType(), Depth)))
            break;
    }
  }
  HoldCache[CacheKey] = Result;
  return Result;
}

std::optional<Model::Holding> Model::holdsContextObject(QualType T) {
  return holdsContextImpl(T, 0);
}

/// A standard class that only finds an object kept elsewhere.
static bool findsOnly(const CXXRecordDecl *RD) {
  return isStdClass(
      RD, {"weak_ptr", "reference_wrapper", "basic_string_view", "span"});
}

std::optional<Model::Holding> Model::holdsContextImpl(QualType T,
                                                      unsigned Depth) {
  if (T.isNull())
    return std::nullopt;
  T = T.getCanonicalType();
  if (T->isArrayType())
    T = Ctx.getBaseElementType(T).getCanonicalType();
  // A pointer or reference finds a context that lives elsewhere (the
  // dispatcher's current request), it keeps none.
  if (T->isDependentType() || T->isReferenceType() || T->isPointerType())
    return std::nullopt;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD || findsOnly(RD))
    return std::nullopt;
  const std::pair<const Type *, unsigned> CacheKey(T.getTypePtr(), Depth);
  auto It = ContextHoldCache.find(CacheKey);
  if (It != ContextHoldCache.end())
    return It->second;
  ContextHoldCache[CacheKey] = std::nullopt; // guards recursive types

  std::optional<Holding> Result;
  const TemplateArgumentList *Args = nullptr;
  if (isContextRecord(RD)) {
    Result = Holding{RD, ""};
  } else if ((Args = stdTemplateArgs(RD)) || (Args = holderTemplateArgs(RD))) {
    for (const TemplateArgument &A : Args->asArray()) {
      llvm::ArrayRef<TemplateArgument> Elements =
          A.getKind() == TemplateArgument::Pack ? A.pack_elements()
                                                : llvm::ArrayRef(A);
      for (const TemplateArgument &E : Elements)
        if (E.getKind() == TemplateArgument::Type &&
            (Result = holdsContextImpl(E.getAsType(), Depth)))
          break;
      if (Result)
        break;
    }
  } else if (!RD->isInStdNamespace() && Depth < 4) {
    if (const CXXRecordDecl *Def = RD->getDefinition()) {
      for (const FieldDecl *F : Def->fields())
        if (auto Inner = holdsContextImpl(F->getType(), Depth + 1)) {
          std::string Step =
              Def->getNameAsString() + "::" + F->getNameAsString();
          Result =
              Holding{Inner->Manager,
                      Inner->Path.empty() ? Step : Step + " -> " + Inner->Path};
          break;
        }
      if (!Result)
        for (const CXXBaseSpecifier &B : Def->bases())
          if ((Result = holdsContextImpl(B.getType(), Depth)))
            break;
    }
  }
  ContextHoldCache[CacheKey] = Result;
  return Result;
}

const TemplateArgumentList *Model::holderTemplateArgs(const CXXRecordDecl *RD) {
  const auto *CTSD = dyn_cast<ClassTemplateSpecializationDecl>(RD);
  if (!CTSD || CTSD->isInStdNamespace())
    return nullptr;
  const CXXRecordDecl *Pattern =
      CTSD->getSpecializedTemplate()->getTemplatedDecl();
  std::string Name = qualifiedName(Pattern);
  // Built in (SPEC §2): any NoDestructor (Chromium's base::, absl::,
  // leveldb), folly::Singleton and folly::LeakySingleton.
  llvm::StringRef Plain(Name);
  bool BuiltIn = Pattern->getName() == "NoDestructor" ||
                 Plain == "folly::Singleton" ||
                 Plain == "folly::LeakySingleton";
  // Always asked, so that a configured entry that matches is recorded as
  // matched (configuration validation, --explain-config).
  bool Configured =
      matchAndRecord(Recorder, Cfg.Holders, Pattern, Name, NameKind::Type);
  return BuiltIn || Configured ? &CTSD->getTemplateArgs() : nullptr;
}

bool Model::nameMatchesAnyRedecl(const FunctionDecl *FD, const NameList &L,
                                 llvm::StringRef Annotation) {
  if (!L.empty() &&
      matchAndRecord(Recorder, L, FD, qualifiedName(FD), NameKind::Function))
    return true;
  return hasAnnotation(FD, Annotation);
}

std::optional<Model::FactoryInfo> Model::factoryInfo(const FunctionDecl *FD) {
  if (!FD)
    return std::nullopt;
  FD = FD->getCanonicalDecl();
  auto It = FactoryCache.find(FD);
  if (It != FactoryCache.end())
    return It->second;
  FactoryCache[FD] = std::nullopt;

  bool IsFactory = false, ByName = false;
  std::optional<unsigned> Configured;
  std::string Name = qualifiedName(FD);
  for (const FactoryEntry &E : Cfg.Factories)
    if (matchFactoryAndRecord(Recorder, E, FD, Name) && !IsFactory) {
      IsFactory = ByName = true;
      Configured = E.ContextParam;
      if (!Recorder)
        break; // a recorder sees every entry that matches
    }
  if (!IsFactory && hasAnnotation(FD, "factory"))
    IsFactory = true;
  if (!IsFactory)
    if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
      for (const CXXMethodDecl *O : MD->overridden_methods())
        if (auto Base = factoryInfo(O)) {
          IsFactory = true;
          Configured = Base->ContextParam;
          break;
        }

  std::optional<FactoryInfo> Result;
  if (IsFactory) {
    FactoryInfo Info;
    if (Configured && *Configured < FD->getNumParams())
      Info.ContextParam = Configured;
    else if (!Configured)
      for (unsigned I = 0; I < FD->getNumParams(); ++I)
        if (refersToContext(FD->getParamDecl(I)->getType())) {
          Info.ContextParam = I;
          break;
        }
    // A name (or regex) entry names a function's overloads; when one of them
    // takes a context, those that take none are not factories: they build
    // their own context, or none at all (README, "Where the spec is silent").
    if (!(ByName && !Configured && !Info.ContextParam &&
          !isMethodOfContextClass(FD) && hasOverloadTakingContext(FD)))
      Result = Info;
  }
  FactoryCache[FD] = Result;
  return Result;
}

bool Model::isMethodOfContextClass(const FunctionDecl *FD) {
  const auto *MD = dyn_cast_or_null<CXXMethodDecl>(FD);
  return MD && !MD->isStatic() && isContextRecord(MD->getParent());
}

bool Model::hasOverloadTakingContext(const FunctionDecl *FD) {
  const DeclContext *DC = FD->getDeclContext()->getRedeclContext();
  for (const NamedDecl *ND : DC->lookup(FD->getDeclName())) {
    const FunctionDecl *Other = ND->getAsFunction();
    if (!Other || Other->getCanonicalDecl() == FD->getCanonicalDecl())
      continue;
    for (const ParmVarDecl *P : Other->parameters())
      if (refersToContext(P->getType()))
        return true;
  }
  return false;
}

bool Model::isSetupMethod(const CXXMethodDecl *MD) {
  if (!MD || MD->isStatic())
    return false;
  if (hasAnnotation(MD, "setup"))
    return true;
  if (Cfg.FactorySetups.empty() || !MD->getIdentifier())
    return false;
  const CXXRecordDecl *RD = MD->getParent();
  std::string Class = qualifiedName(RD);
  bool Found = false;
  for (const FactorySetupEntry &E : Cfg.FactorySetups) {
    if (!E.Class.matches(Class))
      continue;
    if (Recorder)
      Recorder->addMatch(E.Class, describeDecl(RD, Class));
    for (const NameMatcher &M : E.Setup)
      if (M.plainName() == MD->getName()) {
        if (Recorder)
          Recorder->addMatch(M, describeDecl(MD, qualifiedName(MD)));
        Found = true;
      }
  }
  return Found;
}

bool Model::isRequiredSetupArg(const CXXMethodDecl *MD, unsigned I) {
  if (!isSetupMethod(MD))
    return false;
  for (const FunctionDecl *Redecl : MD->redecls())
    if (I < Redecl->getNumParams() &&
        hasAnnotation(Redecl->getParamDecl(I), "required"))
      return true;
  std::string Class = qualifiedName(MD->getParent());
  for (const FactorySetupEntry &E : Cfg.FactorySetups)
    if (E.Class.matches(Class) &&
        llvm::any_of(E.Setup,
                     [&](const NameMatcher &M) {
                       return M.plainName() == MD->getName();
                     }) &&
        llvm::is_contained(E.RequiredArgs, I))
      return true;
  return false;
}

std::vector<std::string> Model::setupMethodNames(const CXXRecordDecl *RD) {
  if (!RD || !(RD = RD->getDefinition()))
    return {};
  auto It = SetupNamesCache.find(RD);
  if (It != SetupNamesCache.end())
    return It->second;
  SetupNamesCache[RD] = {}; // guards recursion through bases
  std::set<std::string> Names;
  for (const CXXMethodDecl *MD : RD->methods())
    if (MD->getIdentifier() && isSetupMethod(MD))
      Names.insert(MD->getNameAsString());
  for (const CXXBaseSpecifier &B : RD->bases())
    for (const std::string &N :
         setupMethodNames(B.getType()->getAsCXXRecordDecl()))
      Names.insert(N);
  std::vector<std::string> Out(Names.begin(), Names.end());
  SetupNamesCache[RD] = Out;
  return Out;
}

bool Model::isStartup(const FunctionDecl *FD) {
  return FD && nameMatchesAnyRedecl(FD, Cfg.Startup, "startup");
}

bool Model::isRequestEntry(const FunctionDecl *FD) {
  return FD && nameMatchesAnyRedecl(FD, Cfg.RequestEntries, "request-entry");
}

/// The function a lambda's call operator is written in (FD itself when it
/// is not a lambda's).
static const FunctionDecl *outsideLambdas(const FunctionDecl *FD) {
  for (unsigned Depth = 0; FD && Depth < 32; ++Depth) {
    const auto *MD = dyn_cast<CXXMethodDecl>(FD);
    if (!MD || !MD->getParent()->isLambda())
      return FD;
    const DeclContext *DC = MD->getParent()->getDeclContext();
    while (DC && !isa<FunctionDecl>(DC))
      DC = DC->getParent();
    if (!DC)
      return FD;
    FD = cast<FunctionDecl>(DC);
  }
  return FD;
}

/// A class derived, directly or not, from testing::Test.
static bool derivesFromGTest(const CXXRecordDecl *RD, unsigned Depth) {
  if (!RD || !RD->hasDefinition() || Depth > 16)
    return false;
  for (const CXXBaseSpecifier &B : RD->getDefinition()->bases()) {
    const CXXRecordDecl *Base = B.getType()->getAsCXXRecordDecl();
    if (Base && qualifiedName(Base) == "testing::Test")
      return true;
    if (derivesFromGTest(Base, Depth + 1))
      return true;
  }
  return false;
}

/// The names Catch2's TEST_CASE gives the function it defines (v3, v2),
/// and TEST_CASE_METHOD the class whose test() it defines.
static bool isCatch2Name(llvm::StringRef Name) {
  return Name.starts_with("CATCH2_INTERNAL_TEST_") ||
         Name.starts_with("____C_A_T_C_H____T_E_S_T____");
}

/// A test body: GoogleTest's TestBody of a testing::Test, a Catch2 test
/// case (tests make the contexts they use, SPEC §1).
static bool isTestBody(const FunctionDecl *FD) {
  if (!FD->getIdentifier())
    return false;
  if (isCatch2Name(FD->getName()))
    return true;
  const auto *MD = dyn_cast<CXXMethodDecl>(FD);
  if (!MD || !MD->getParent()->getIdentifier())
    return false;
  if (MD->getName() == "TestBody")
    return derivesFromGTest(MD->getParent(), 0);
  return MD->getName() == "test" && isCatch2Name(MD->getParent()->getName());
}

bool Model::isContextSource(const FunctionDecl *FD) {
  FD = outsideLambdas(FD);
  if (!FD)
    return false;
  return nameMatchesAnyRedecl(FD, Cfg.ContextSources, "context-source") ||
         isTestBody(FD);
}

/// The call operator pattern of a generic lambda outside any template,
/// with no instantiation that has a body.
static bool isUninstantiatedGenericLambda(const FunctionDecl *Fn) {
  const auto *MD = dyn_cast<CXXMethodDecl>(Fn);
  if (!MD || !MD->getParent()->isLambda() ||
      MD->getParent()->isDependentContext())
    return false;
  const FunctionTemplateDecl *FT = MD->getDescribedFunctionTemplate();
  if (!FT)
    return false;
  for (const FunctionDecl *Spec : FT->specializations())
    if (Spec->isDefined())
      return false;
  return true;
}

bool Model::isPattern(const FunctionDecl *Fn) {
  return Fn->isDependentContext() && !isUninstantiatedGenericLambda(Fn);
}

bool Model::isPattern(const Enclosing &E) {
  switch (E.Kind) {
  case Enclosing::Function:
    return isPattern(E.Fn);
  case Enclosing::StaticInit:
    return E.Var->getDeclContext()->isDependentContext();
  case Enclosing::FieldInit:
    return E.Field->getParent()->isDependentContext();
  case Enclosing::None:
    break;
  }
  return false;
}

/// The call that invokes LE where it is written (`[]{ ... }()`), if any.
static const Expr *immediateInvocation(ASTContext &Ctx, const LambdaExpr *LE) {
  DynTypedNode N = DynTypedNode::create(*LE);
  for (unsigned Guard = 0; Guard < 8; ++Guard) {
    DynTypedNodeList Parents = Ctx.getParents(N);
    if (Parents.empty())
      return nullptr;
    const DynTypedNode &P = Parents[0];
    if (const auto *OC = P.get<CXXOperatorCallExpr>())
      return OC->getOperator() == OO_Call && OC->getNumArgs() > 0 &&
                     OC->getArg(0)->IgnoreImplicit()->IgnoreParens() == LE
                 ? OC
                 : nullptr;
    if (!P.get<ImplicitCastExpr>() && !P.get<MaterializeTemporaryExpr>() &&
        !P.get<CXXBindTemporaryExpr>() && !P.get<ParenExpr>())
      return nullptr;
    N = P;
  }
  return nullptr;
}

llvm::SmallVector<Enclosing, 2> Model::enclosingsOf(const Stmt *S) {
  // Where the walk up from child N to parent P ends, if it does.
  auto Step = [&](const DynTypedNode &N,
                  const DynTypedNode &P) -> std::optional<Enclosing> {
    Enclosing Out;
    const LambdaExpr *LE = P.get<LambdaExpr>();
    if (LE) {
      const Stmt *Child = N.get<Stmt>();
      if (!Child || Child != LE->getBody())
        return std::nullopt;
    } else if (const auto *MD = P.get<CXXMethodDecl>()) {
      // The parent map walks implicit code: a lambda's body sits in its
      // call operator, in the closure class, in the LambdaExpr.
      if (MD->getParent()->isLambda() && !isPattern(MD))
        LE = lambdaOf(MD);
    }
    if (LE) {
      Out.Kind = Enclosing::Function;
      Out.Fn = LE->getCallOperator();
      Out.Lambda = LE;
      // A lambda invoked where it is written, in a static initializer
      // (`static auto x = []{ return factory(...); }();`), runs as part of
      // that initialization.
      if (const Expr *Call = immediateInvocation(Ctx, LE)) {
        Enclosing Outer = enclosingOf(Call);
        if (Outer.Kind == Enclosing::StaticInit)
          return Outer;
      }
      return Out;
    }
    if (const auto *FD = P.get<FunctionDecl>()) {
      Out.Kind = Enclosing::Function;
      Out.Fn = FD;
      return Out;
    }
    if (const auto *VD = P.get<VarDecl>()) {
      if (!VD->hasGlobalStorage() || isa<ParmVarDecl>(VD))
        return std::nullopt;
      Out.Kind = Enclosing::StaticInit;
      Out.Var = VD;
      return Out;
    }
    if (const auto *FD = P.get<FieldDecl>()) {
      Out.Kind = Enclosing::FieldInit;
      Out.Field = FD;
      return Out;
    }
    return std::nullopt;
  };
  // A statement of a template instantiation that the instantiation did not
  // change is shared with the pattern and has a parent in each: the answer
  // is every enclosing instantiation (decisions are made there), else the
  // pattern.
  llvm::SmallVector<Enclosing, 2> Found, Dependent;
  llvm::SmallVector<DynTypedNode, 8> Work{DynTypedNode::create(*S)};
  llvm::DenseSet<const void *> Seen;
  for (unsigned Guard = 0; !Work.empty() && Guard < 4096; ++Guard) {
    DynTypedNode N = Work.pop_back_val();
    DynTypedNodeList Parents = Ctx.getParents(N);
    for (size_t I = Parents.size(); I-- > 0;) {
      const DynTypedNode &P = Parents[I];
      if (std::optional<Enclosing> E = Step(N, P)) {
        auto &Into = isPattern(*E) ? Dependent : Found;
        bool Known = false;
        for (const Enclosing &K : Into)
          Known |= K.Kind == E->Kind && K.Fn == E->Fn && K.Var == E->Var &&
                   K.Field == E->Field;
        if (!Known)
          Into.push_back(*E);
        continue;
      }
      const void *Key = P.getMemoizationData();
      if (!Key || Seen.insert(Key).second)
        Work.push_back(P);
    }
  }
  if (Found.empty() && !Dependent.empty())
    Found.push_back(Dependent.front());
  return Found;
}

const LambdaExpr *Model::lambdaOf(const CXXMethodDecl *CallOp) {
  for (const DynTypedNode &C : Ctx.getParents(*CallOp))
    if (const auto *Closure = C.get<CXXRecordDecl>())
      for (const DynTypedNode &L : Ctx.getParents(*Closure))
        if (const auto *LE = L.get<LambdaExpr>())
          if (LE->getCallOperator() == CallOp)
            return LE;
  return nullptr;
}

Enclosing Model::enclosingOf(const Stmt *S) {
  llvm::SmallVector<Enclosing, 2> All = enclosingsOf(S);
  return All.empty() ? Enclosing() : All.front();
}

namespace {
/// Local variables of one function body, not descending into lambdas (a
/// lambda is its own function) or local classes.
class LocalCollector : public RecursiveASTVisitor<LocalCollector> {
public:
  explicit LocalCollector(std::vector<const VarDecl *> &Out) : Out(Out) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool TraverseCXXRecordDecl(CXXRecordDecl *) { return true; }
  bool VisitVarDecl(VarDecl *VD) {
    if (VD->hasLocalStorage() && !isa<ParmVarDecl>(VD))
      Out.push_back(VD);
    return true;
  }

private:
  std::vector<const VarDecl *> &Out;
};
} // namespace

const std::vector<const VarDecl *> &Model::localsOf(const FunctionDecl *FD) {
  auto It = LocalsCache.find(FD);
  if (It != LocalsCache.end())
    return It->second;
  std::vector<const VarDecl *> Out;
  if (Stmt *Body = FD->getBody())
    LocalCollector(Out).TraverseStmt(Body);
  return LocalsCache[FD] = std::move(Out);
}

void Model::addMembers(const CXXRecordDecl *RD, bool Inherited,
                       ContextScope &Scope, unsigned Depth) {
  if (!RD || !RD->hasDefinition() || Depth > 16)
    return;
  RD = RD->getDefinition();
  for (const FieldDecl *F : RD->fields()) {
    if (!refersToContext(F->getType()))
      continue;
    // A private member of a base is the request too, but no fix-it can
    // name it.
    if (Inherited && F->getAccess() == AS_private)
      Scope.Valueless = true;
    else
      Scope.Values.push_back({ContextValue::Member, F->getNameAsString(),
                              F->getType(), F});
  }
  // Members of bases are members (dependent bases once instantiated: a
  // dependent base of a pattern has no record yet).
  for (const CXXBaseSpecifier &B : RD->bases())
    addMembers(B.getType()->getAsCXXRecordDecl(), true, Scope, Depth + 1);
}

bool Model::isNullInitialized(const VarDecl *VD) {
  const Expr *Init = VD->getInit();
  if (!Init)
    return VD->getType()->isPointerType();
  return isNullContextExpr(Init);
}

ContextScope Model::contextInScope(const Enclosing &Where, SourceLocation Before) {
  ContextScope Scope;
  // The members of a class, or `*this` when the class is a context itself.
  auto AddThis = [&](const CXXRecordDecl *RD) {
    if (RD && isContextRecord(RD))
      Scope.Valueless = true;
    addMembers(RD, false, Scope, 0);
  };
  if (Where.Kind == Enclosing::FieldInit) {
    AddThis(dyn_cast<CXXRecordDecl>(Where.Field->getParent()));
  } else if (Where.Kind == Enclosing::Function && Where.Fn) {
    const FunctionDecl *FD = Where.Fn;
    for (const ParmVarDecl *P : FD->parameters()) {
      if (!refersToContext(P->getType()))
        continue;
      if (P->getIdentifier())
        Scope.Values.push_back({ContextValue::Parameter, P->getNameAsString(),
                                P->getType(), P});
      else
        Scope.Valueless = true; // unnamed: the request all the same
    }
    const auto *MD = dyn_cast<CXXMethodDecl>(FD);
    if (MD && MD->getParent()->isLambda()) {
      const CXXRecordDecl *Closure = MD->getParent();
      for (const LambdaCapture &C : Closure->captures()) {
        if (C.capturesVariable()) {
          const ValueDecl *V = C.getCapturedVar();
          if (refersToContext(V->getType()))
            Scope.Values.push_back({ContextValue::Capture, V->getNameAsString(),
                                    V->getType(), V});
        } else if (C.capturesThis()) {
          // Members of the class whose method defined the lambda.
          const DeclContext *DC = Closure->getDeclContext();
          while (DC && !isa<CXXMethodDecl>(DC))
            DC = DC->getParent();
          if (const auto *Outer = dyn_cast_or_null<CXXMethodDecl>(DC))
            AddThis(Outer->getParent());
        }
      }
    } else if (MD && MD->isInstance()) {
      AddThis(MD->getParent());
    }
    const SourceManager &SM = Ctx.getSourceManager();
    for (const VarDecl *VD : localsOf(FD)) {
      if (!refersToContext(VD->getType()) || isNullInitialized(VD))
        continue;
      if (Before.isValid() &&
          !SM.isBeforeInTranslationUnit(VD->getLocation(), Before))
        continue;
      Scope.Values.push_back(
          {ContextValue::Local, VD->getNameAsString(), VD->getType(), VD});
    }
    if (isRequestEntry(FD))
      Scope.ByRequestEntry = true;
  }
  Scope.HasContext =
      Scope.ByRequestEntry || Scope.Valueless || !Scope.Values.empty();
  return Scope;
}

bool Model::lambdaDefinedInRequestScope(const LambdaExpr *LE) {
  for (unsigned Depth = 0; LE && Depth < 32; ++Depth) {
    Enclosing Def = enclosingOf(LE);
    if (Def.Kind == Enclosing::FieldInit)
      return contextInScope(Def, LE->getBeginLoc()).HasContext;
    if (Def.Kind != Enclosing::Function || !Def.Fn)
      return false;
    if (contextInScope(Def, LE->getBeginLoc()).HasContext ||
        (!Def.Lambda && factoryInfo(Def.Fn)))
      return true;
    LE = Def.Lambda; // a lambda in a lambda: as its definer is
  }
  return false;
}

bool Model::functionHasContext(const FunctionDecl *FD) {
  auto It = HasContextCache.find(FD);
  if (It != HasContextCache.end())
    return It->second;
  Enclosing E;
  E.Kind = Enclosing::Function;
  E.Fn = FD;
  bool Result = contextInScope(E, SourceLocation()).HasContext;
  HasContextCache[FD] = Result;
  return Result;
}

std::string Model::contextTypeName() {
  // The first configured name, else the first annotated context seen.
  if (!Cfg.Contexts.Entries.empty()) {
    llvm::StringRef T = Cfg.Contexts.Entries.front().text();
    if (!T.starts_with("regex:"))
      return T.rsplit("::").second.empty() ? T.str() : T.rsplit("::").second.str();
  }
  if (!ContextName.empty())
    return ContextName;
  return "request context";
}

std::string Model::contextTypeNameFor(const FunctionDecl *Factory,
                                      std::optional<unsigned> Param) {
  if (Factory && Param && *Param < Factory->getNumParams()) {
    QualType T = Factory->getParamDecl(*Param)->getType();
    for (unsigned Guard = 0; Guard < 8; ++Guard) {
      T = T.getNonReferenceType().getCanonicalType();
      if (T->isPointerType()) {
        T = T->getPointeeType();
        continue;
      }
      const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
      if (!RD)
        break;
      if (isStdClass(RD, {"unique_ptr", "shared_ptr", "optional"})) {
        const TemplateArgumentList *Args = stdTemplateArgs(RD);
        if (!Args || Args->size() == 0 ||
            Args->get(0).getKind() != TemplateArgument::Type)
          break;
        T = Args->get(0).getAsType();
        continue;
      }
      if (isContextRecord(RD))
        return RD->getNameAsString();
      break;
    }
  }
  // A method of the context class makes its manager from its own object.
  if (Factory && !Param && isMethodOfContextClass(Factory))
    return cast<CXXMethodDecl>(Factory)->getParent()->getNameAsString();
  return contextTypeName();
}

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

} // namespace

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

bool isNullContextExpr(const Expr *E) {
  if (!E)
    return false;
  for (unsigned Guard = 0; Guard < 64; ++Guard) {
    E = E->IgnoreImplicit()->IgnoreParenCasts();
    if (const auto *DA = dyn_cast<CXXDefaultArgExpr>(E)) {
      E = DA->getExpr();
      continue;
    }
    if (isa<CXXNullPtrLiteralExpr>(E) || isa<GNUNullExpr>(E))
      return true;
    if (const auto *IL = dyn_cast<IntegerLiteral>(E))
      return IL->getValue() == 0;
    if (isa<ImplicitValueInitExpr>(E) || isa<CXXScalarValueInitExpr>(E))
      return true;
    if (const auto *ILE = dyn_cast<InitListExpr>(E)) {
      if (ILE->getNumInits() == 0)
        return true;
      if (ILE->getNumInits() == 1) {
        E = ILE->getInit(0);
        continue;
      }
      return false;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
      return VD && VD->isInStdNamespace() && VD->getName() == "nullopt";
    }
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
      const CXXRecordDecl *RD = CE->getConstructor()->getParent();
      if (isStdClass(RD, {"nullopt_t"}))
        return true;
      if (!isStdClass(RD, {"unique_ptr", "shared_ptr", "optional", "weak_ptr"}))
        return false;
      if (CE->getNumArgs() == 0)
        return true;
      if (CE->getNumArgs() == 1 ||
          (CE->getNumArgs() > 1 && isa<CXXDefaultArgExpr>(CE->getArg(1)))) {
        E = CE->getArg(0);
        continue;
      }
      return false;
    }
    return false;
  }
  return false;
}

std::string LocationMapper::filePath(FileID FID) {
  auto It = PathCache.find(FID.getHashValue());
  if (It != PathCache.end())
    return It->second;
  std::string Path;
  if (OptionalFileEntryRef FE = SM.getFileEntryRefForID(FID))
    Path = normalizeFilePath(SM.getFileManager(), FE->getName());
  PathCache[FID.getHashValue()] = Path;
  if (!Path.empty())
    FileOfPath.try_emplace(Path, FID);
  return Path;
}

std::optional<uint64_t> LocationMapper::contentHash(llvm::StringRef Path) {
  auto F = FileOfPath.find(Path);
  if (F == FileOfPath.end())
    return std::nullopt;
  unsigned Key = F->second.getHashValue();
  auto It = HashCache.find(Key);
  if (It != HashCache.end())
    return It->second;
  std::optional<llvm::StringRef> Data = SM.getBufferDataOrNone(F->second);
  if (!Data)
    return std::nullopt;
  uint64_t Hash = llvm::xxh3_64bits(*Data);
  HashCache[Key] = Hash;
  return Hash;
}

SourceRange LocationMapper::fromCharRange(CharSourceRange R) {
  SourceRange Out;
  SourceLocation B = R.getBegin(), E = R.getEnd();
  if (B.isInvalid() || !B.isFileID())
    return Out;
  std::pair<FileID, unsigned> DB = SM.getDecomposedLoc(B);
  Out.File = filePath(DB.first);
  Out.Offset = DB.second;
  Out.Line = SM.getLineNumber(DB.first, DB.second);
  Out.Column = SM.getColumnNumber(DB.first, DB.second);
  if (E.isValid() && E.isFileID() && SM.getFileID(E) == DB.first) {
    unsigned EOff = SM.getFileOffset(E);
    if (EOff < DB.second)
      EOff = DB.second;
    Out.Length = EOff - DB.second;
    Out.EndLine = SM.getLineNumber(DB.first, EOff);
    Out.EndColumn = SM.getColumnNumber(DB.first, EOff);
  } else {
    Out.EndLine = Out.Line;
    Out.EndColumn = Out.Column;
  }
  return Out;
}

SourceRange LocationMapper::fromRange(clang::SourceRange R) {
  SourceLocation B = SM.getExpansionLoc(R.getBegin());
  SourceLocation E = SM.getExpansionRange(R.getEnd()).getEnd();
  if (E.isValid())
    E = Lexer::getLocForEndOfToken(E, 0, SM, LO);
  if (E.isInvalid() || SM.getFileID(E) != SM.getFileID(B))
    E = Lexer::getLocForEndOfToken(B, 0, SM, LO);
  return fromCharRange(CharSourceRange::getCharRange(B, E));
}

SourceRange LocationMapper::fromLoc(SourceLocation L) {
  return fromRange(clang::SourceRange(L, L));
}

} // namespace factoryguard

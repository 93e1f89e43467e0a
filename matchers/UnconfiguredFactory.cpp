//===- UnconfiguredFactory.cpp - factoryguard-unconfigured-factory -------===//
#include "UnconfiguredFactory.h"

#include "Arguments.h"
#include "Rules.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Index/USRGeneration.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

using namespace clang;
using namespace clang::ast_matchers;

namespace factoryguard {

namespace {

const char *const Consequence =
    "; the managers it makes would silently do nothing";

/// The class a factory object's variable holds: the class itself, or what
/// a pointer, std::unique_ptr or std::shared_ptr points to.
const CXXRecordDecl *heldClass(QualType T, bool &Indirect) {
  T = T.getNonReferenceType().getCanonicalType();
  Indirect = false;
  if (T->isPointerType()) {
    Indirect = true;
    return T->getPointeeType()->getAsCXXRecordDecl();
  }
  const auto *RD = T->getAsCXXRecordDecl();
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(RD);
  if (Spec && Spec->isInStdNamespace() && Spec->getIdentifier() &&
      (Spec->getName() == "unique_ptr" || Spec->getName() == "shared_ptr") &&
      Spec->getTemplateArgs().size() > 0 &&
      Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type) {
    Indirect = true;
    return Spec->getTemplateArgs()[0].getAsType()->getAsCXXRecordDecl();
  }
  return RD;
}

/// The variable a member call's object names: `f.`, `f->`, `(*f).`,
/// `f.get()->`; nullptr for anything else (a call's result, a member).
const VarDecl *objectVariable(const Expr *Obj) {
  for (unsigned Guard = 0; Obj && Guard < 8; ++Guard) {
    Obj = Obj->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(Obj))
      return dyn_cast<VarDecl>(DRE->getDecl());
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Obj)) {
      OverloadedOperatorKind K = Op->getOperator();
      if ((K == OO_Arrow || K == OO_Star) && Op->getNumArgs() == 1) {
        Obj = Op->getArg(0);
        continue;
      }
      return nullptr;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(Obj)) {
      if (UO->getOpcode() != UO_Deref)
        return nullptr;
      Obj = UO->getSubExpr();
      continue;
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Obj)) {
      const CXXMethodDecl *MD = MC->getMethodDecl();
      if (!MD || !MD->getIdentifier() || MD->getName() != "get" ||
          MC->getNumArgs() != 0)
        return nullptr;
      Obj = MC->getImplicitObjectArgument();
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

/// `new T`, `std::make_unique<T>(...)`, `std::make_shared<T>(...)`, or the
/// construction of T itself: the object is created here.
bool createsObject(const Expr *Init) {
  if (!Init)
    return false;
  Init = Init->IgnoreImplicit()->IgnoreParenImpCasts();
  if (const auto *Cleanups = dyn_cast<ExprWithCleanups>(Init))
    Init = Cleanups->getSubExpr()->IgnoreImplicit()->IgnoreParenImpCasts();
  if (const auto *CE = dyn_cast<CXXConstructExpr>(Init)) {
    // A smart pointer constructed from `new T`, or T itself made afresh
    // (not copied or moved from another object).
    if (CE->getNumArgs() == 1) {
      const Expr *Arg = CE->getArg(0)->IgnoreImplicit()->IgnoreParenImpCasts();
      if (isa<CXXNewExpr>(Arg))
        return true;
      if (const auto *Call = dyn_cast<CallExpr>(Arg))
        return createsObject(Call);
      if (CE->getConstructor()->isCopyOrMoveConstructor())
        return false;
    }
    return true;
  }
  if (isa<CXXNewExpr>(Init))
    return true;
  if (const auto *Call = dyn_cast<CallExpr>(Init)) {
    const FunctionDecl *FD = Call->getDirectCallee();
    return FD && FD->isInStdNamespace() && FD->getIdentifier() &&
           (FD->getName() == "make_unique" || FD->getName() == "make_shared");
  }
  return false;
}

/// Before a point in a function: a setup call on the variable, or a use that
/// hands it to other code (an argument, its address, an assignment), after
/// which whoever got it may have set it up.
class SetupFinder : public RecursiveASTVisitor<SetupFinder> {
public:
  SetupFinder(const VarDecl *V, SourceLocation Before, Model &M,
              const SourceManager &SM)
      : V(V), Before(Before), M(M), SM(SM) {}
  bool shouldVisitLambdaExpr() const { return true; }

  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *MC) {
    if (early(MC->getBeginLoc()) &&
        objectVariable(MC->getImplicitObjectArgument()) == V &&
        M.isSetupMethod(MC->getMethodDecl()))
      SetUp = true;
    return !done();
  }
  bool VisitCallExpr(CallExpr *CE) {
    if (early(CE->getBeginLoc()))
      for (const Expr *Arg : CE->arguments())
        if (mentions(Arg))
          Escaped = true;
    return !done();
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    if (early(CE->getBeginLoc()))
      for (const Expr *Arg : CE->arguments())
        if (mentions(Arg))
          Escaped = true;
    return !done();
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->getOpcode() == UO_AddrOf && early(UO->getBeginLoc()) &&
        mentions(UO->getSubExpr()))
      Escaped = true;
    return !done();
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->isAssignmentOp() && early(BO->getBeginLoc()) &&
        (mentions(BO->getLHS()) || mentions(BO->getRHS())))
      Escaped = true;
    return !done();
  }
  bool VisitLambdaExpr(LambdaExpr *LE) {
    // Captured: the lambda may set it up whenever it runs.
    if (early(LE->getBeginLoc()))
      for (const LambdaCapture &C : LE->captures())
        if (C.capturesVariable() && C.getCapturedVar() == V)
          Escaped = true;
    return !done();
  }

  bool SetUp = false, Escaped = false;

private:
  bool done() const { return SetUp || Escaped; }
  bool early(SourceLocation L) const {
    return L.isValid() && SM.isBeforeInTranslationUnit(L, Before);
  }
  /// E names V itself (not just a member call on it: `f.get()`, `*f` do
  /// hand it out, `f.create()` as an argument does not).
  bool mentions(const Expr *E) const { return objectVariable(E) == V; }

  const VarDecl *V;
  SourceLocation Before;
  Model &M;
  const SourceManager &SM;
};

std::string joinQuoted(const std::vector<std::string> &Names) {
  std::string Out;
  for (size_t I = 0; I < Names.size(); ++I) {
    if (I)
      Out += I + 1 == Names.size() ? " or " : ", ";
    Out += "'" + Names[I] + "'";
  }
  return Out;
}

} // namespace

/// The identity of a static factory object across units (CallGraph.h: as a
/// function's node id).
static std::string objectId(TUState &S, const VarDecl *VD) {
  VD = VD->getCanonicalDecl();
  llvm::SmallString<128> USR;
  std::string Id;
  if (!index::generateUSRForDecl(VD, USR) && !USR.empty())
    Id = std::string(USR);
  if (Id.empty() || !VD->isExternallyVisible()) {
    SourceRange At = S.locations().fromLoc(VD->getLocation());
    Id += "@" + At.File + ":" + std::to_string(At.Offset);
  }
  return Id;
}

void UnconfiguredFactoryRule::registerMatchers(MatchFinder &F) {
  // Member calls only: setup and factory methods are methods of the factory
  // class. Statics: the definitions case 3 may report.
  F.addMatcher(cxxMemberCallExpr().bind("call"), this);
  F.addMatcher(varDecl(hasGlobalStorage()).bind("var"), this);
  // Case 3: a static factory object handed to other code may be set up
  // there.
  F.addMatcher(declRefExpr(to(varDecl(hasGlobalStorage()))).bind("ref"), this);
}

bool UnconfiguredFactoryRule::isFactoryObject(const VarDecl *VD,
                                              const CXXRecordDecl **Class) {
  VD = VD->getCanonicalDecl();
  auto It = FactoryObjects.find(VD);
  if (It == FactoryObjects.end()) {
    bool Indirect = false;
    const CXXRecordDecl *RD = VD->getType()->isReferenceType()
                                  ? nullptr
                                  : heldClass(VD->getType(), Indirect);
    if (RD && S.model().setupMethodNames(RD).empty())
      RD = nullptr;
    It = FactoryObjects.insert({VD, RD}).first;
  }
  if (Class)
    *Class = It->second;
  return It->second != nullptr;
}

/// Whether Ref is the object of a method call (`g.m()`, `g->m()`), and
/// which method.
static const CXXMethodDecl *calledOn(ASTContext &Ctx, const DeclRefExpr *Ref) {
  DynTypedNode N = DynTypedNode::create(*Ref);
  for (unsigned Guard = 0; Guard < 8; ++Guard) {
    DynTypedNodeList Parents = Ctx.getParents(N);
    if (Parents.size() != 1)
      return nullptr;
    const Stmt *P = Parents[0].get<Stmt>();
    if (!P)
      return nullptr;
    if (isa<ImplicitCastExpr, ParenExpr>(P)) {
      N = Parents[0];
      continue;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(P)) {
      if (Op->getOperator() != OO_Arrow)
        return nullptr;
      N = Parents[0];
      continue;
    }
    const auto *ME = dyn_cast<MemberExpr>(P);
    if (!ME)
      return nullptr;
    DynTypedNodeList Up = Ctx.getParents(*ME);
    const auto *MC = Up.size() == 1 ? Up[0].get<CXXMemberCallExpr>() : nullptr;
    return MC && MC->getCallee() == ME ? MC->getMethodDecl() : nullptr;
  }
  return nullptr;
}

void UnconfiguredFactoryRule::onStaticReference(const DeclRefExpr *Ref) {
  const auto *VD = dyn_cast<VarDecl>(Ref->getDecl());
  if (!VD || !isFactoryObject(VD))
    return;
  if (const CXXMethodDecl *MD = calledOn(S.astContext(), Ref))
    if (MD->isConst() || S.model().isSetupMethod(MD) ||
        S.model().factoryInfo(MD))
      return; // a query, or a call onCall records
  // Passed on, bound to a reference or pointer, its address taken, another
  // method called: whoever gets it may set it up.
  facts().Uses.push_back({objectId(S, VD), VD->getNameAsString(), "",
                          S.locations().fromRange(Ref->getSourceRange()),
                          /*Setup=*/true});
}

void UnconfiguredFactoryRule::run(const MatchFinder::MatchResult &R) {
  S.begin(*R.Context);
  if (const auto *MC = R.Nodes.getNodeAs<CXXMemberCallExpr>("call"))
    onCall(MC);
  else if (const auto *VD = R.Nodes.getNodeAs<VarDecl>("var"))
    onStaticObject(VD);
  else if (const auto *Ref = R.Nodes.getNodeAs<DeclRefExpr>("ref"))
    onStaticReference(Ref);
}

void UnconfiguredFactoryRule::onCall(const CXXMemberCallExpr *Call) {
  const CXXMethodDecl *MD = Call->getMethodDecl();
  if (!MD || MD->isStatic() || !MD->getIdentifier())
    return;
  Model &M = S.model();
  bool Setup = M.isSetupMethod(MD);
  if (!Setup && !M.factoryInfo(MD))
    return;
  const VarDecl *Object = objectVariable(Call->getImplicitObjectArgument());
  bool Indirect = false;
  const CXXRecordDecl *Class =
      Object ? heldClass(Object->getType(), Indirect) : nullptr;
  bool FactoryObject = Class && !M.setupMethodNames(Class).empty();

  // Every unit records what it does with static factory objects, wherever
  // the call is (a setup in an excluded file still sets the object up).
  if (FactoryObject && Object->hasGlobalStorage() &&
      !Object->getType()->isReferenceType())
    facts().Uses.push_back(
        {objectId(S, Object), Object->getNameAsString(), MD->getNameAsString(),
         S.locations().fromRange(Call->getSourceRange()), Setup});

  if (!S.shouldReport(Call->getBeginLoc()))
    return;
  std::string ClassName = qualifiedName(MD->getParent());
  if (Setup) {
    // Case 1: a required setup argument that is null.
    for (unsigned I = 0; I < Call->getNumArgs() && I < MD->getNumParams();
         ++I) {
      if (!M.isRequiredSetupArg(MD, I))
        continue;
      const ParmVarDecl *Param = MD->getParamDecl(I);
      const Expr *Arg = Call->getArg(I);
      std::optional<NullArgument> Null = nullArgument(S, Call, Arg, Param);
      if (!Null)
        continue;
      std::string ParamName = Param->getIdentifier()
                                  ? "'" + Param->getNameAsString() + "'"
                                  : "argument #" + std::to_string(I + 1);
      Finding F;
      F.RuleId = UnconfiguredFactoryId;
      std::string Head =
          "'" + MD->getNameAsString() + "' sets up '" + ClassName + "' ";
      switch (Null->Kind) {
      case NullArgument::Defaulted:
        F.Where = S.locations().fromLoc(Call->getRParenLoc());
        F.Message = Head + "without " + ParamName +
                    ": the parameter defaults to '" + Null->Text + "'";
        break;
      case NullArgument::Written:
        F.Where = S.locations().fromRange(Arg->getSourceRange());
        F.Message = Head + "with a null " + ParamName + ": '" + Null->Text +
                    "' passed as a required argument";
        break;
      case NullArgument::StillNullLocal:
        F.Where = S.locations().fromRange(Arg->getSourceRange());
        F.Message = Head + "with a null " + ParamName + ": '" +
                    Null->Local->getNameAsString() +
                    "' is still null (initialized to '" + Null->Text +
                    "' and not assigned since)";
        F.Notes.push_back(
            {S.locations().fromLoc(Null->Local->getLocation()),
             "'" + Null->Local->getNameAsString() + "' is declared null here"});
        break;
      }
      F.Message += Consequence;
      Enclosing In = M.enclosingOf(Call);
      std::string Owner =
          In.Kind == Enclosing::Function && In.Fn ? qualifiedName(In.Fn) : "";
      F.StableKey = makeStableKey(
          F.RuleId, {Owner, qualifiedName(MD), "null:" + std::to_string(I)});
      S.report(std::move(F));
    }
    return;
  }

  // Case 2: a factory object made in this function, used before any setup.
  if (!FactoryObject || !Object->hasLocalStorage() ||
      isa<ParmVarDecl>(Object) || Object->getType()->isReferenceType() ||
      !(Indirect ? createsObject(Object->getInit())
                 : !Object->getInit() || createsObject(Object->getInit())))
    return;
  Enclosing In = M.enclosingOf(Call);
  if (In.Kind != Enclosing::Function || !In.Fn || !In.Fn->getBody())
    return;
  SetupFinder Finder(Object, Call->getBeginLoc(), M,
                     S.astContext().getSourceManager());
  Finder.TraverseStmt(In.Fn->getBody());
  if (Finder.SetUp || Finder.Escaped)
    return;
  Finding F;
  F.RuleId = UnconfiguredFactoryId;
  F.Where = S.locations().fromRange(Call->getSourceRange());
  std::string Fn = qualifiedName(In.Fn);
  F.Message = "'" + MD->getNameAsString() + "' called on '" +
              Object->getNameAsString() + "' before it is set up: no call of " +
              joinQuoted(M.setupMethodNames(Class)) +
              " on it precedes this one in '" + Fn + "'";
  F.StableKey = makeStableKey(
      F.RuleId, {Fn, Object->getNameAsString(), qualifiedName(MD)});
  S.report(std::move(F));
}

void UnconfiguredFactoryRule::onStaticObject(const VarDecl *VD) {
  // Case 3, the definition: resolve (below) keeps it when
  // the program calls a factory method on it and never sets it up.
  if (!VD->isThisDeclarationADefinition() || VD->getType()->isReferenceType() ||
      VD->getDeclContext()->isDependentContext() || isa<ParmVarDecl>(VD))
    return;
  bool Indirect = false;
  const CXXRecordDecl *Class = heldClass(VD->getType(), Indirect);
  if (!Class)
    return;
  std::vector<std::string> Setups = S.model().setupMethodNames(Class);
  if (Setups.empty() || !S.shouldReport(VD->getLocation()))
    return;
  // The audit lists every one, set up or not (UnconfiguredFactoryFacts).
  facts().Defs.push_back({objectId(S, VD), qualifiedName(VD),
                          qualifiedName(Class),
                          S.locations().fromLoc(VD->getLocation())});
  Finding F;
  F.RuleId = UnconfiguredFactoryId;
  F.Where = S.locations().fromLoc(VD->getLocation());
  F.Message = "'" + VD->getNameAsString() + "' is never set up: no call of " +
              joinQuoted(Setups) + " on it anywhere in the program";
  F.ProgramKey = objectId(S, VD);
  F.StableKey = makeStableKey(F.RuleId, {qualifiedName(VD), "never-set-up"});
  S.report(std::move(F));
}

namespace {

using UsesByObject =
    std::map<std::string, std::vector<const FactoryObjectUse *>>;

/// The objects some unit sets up, and the factory-method calls on each.
void collectUses(const ProgramFacts &P, std::set<std::string> &SetUp,
                 UsesByObject &Calls) {
  for (const TUFacts *Unit : P.Units) {
    const auto *Facts =
        Unit->Rules.find<UnconfiguredFactoryFacts>(UnconfiguredFactoryId);
    if (!Facts)
      continue;
    for (const FactoryObjectUse &U : Facts->Uses) {
      if (U.Setup)
        SetUp.insert(U.Object);
      else
        Calls[U.Object].push_back(&U);
    }
  }
}

/// Each call once (a header's inline function is in several units), in
/// file order.
std::vector<const FactoryObjectUse *>
distinctInFileOrder(std::vector<const FactoryObjectUse *> Uses) {
  std::sort(Uses.begin(), Uses.end(), [](const auto *A, const auto *B) {
    return std::tie(A->Where.File, A->Where.Offset, A->Method) <
           std::tie(B->Where.File, B->Where.Offset, B->Method);
  });
  Uses.erase(std::unique(Uses.begin(), Uses.end(),
                         [](const auto *A, const auto *B) {
                           return A->Where.File == B->Where.File &&
                                  A->Where.Offset == B->Where.Offset;
                         }),
             Uses.end());
  return Uses;
}

/// A never-set-up finding that the program uses: the calls as notes, the
/// methods called in the message.
void describeUses(Finding &F,
                  const std::vector<const FactoryObjectUse *> &Uses) {
  std::set<std::string> Methods;
  for (const FactoryObjectUse *U : Uses) {
    Methods.insert(U->Method);
    F.Notes.push_back(
        {U->Where, "'" + U->Method + "' called on '" + U->Name + "' here"});
  }
  std::string List;
  size_t I = 0;
  for (const std::string &M : Methods) {
    if (I++)
      List += I == Methods.size() ? " and " : ", ";
    List += "'" + M + "'";
  }
  F.Message += ", yet " + List + (Methods.size() == 1 ? " is" : " are") +
               " called on it";
}

} // namespace

void UnconfiguredFactoryRule::resolve(ProgramFacts &P,
                                      std::vector<Finding> &Findings) {
  std::set<std::string> SetUp;
  UsesByObject Calls;
  collectUses(P, SetUp, Calls);
  std::vector<Finding> Kept;
  for (Finding &F : Findings) {
    if (F.RuleId != UnconfiguredFactoryId || F.ProgramKey.empty()) {
      Kept.push_back(std::move(F));
      continue;
    }
    auto It = Calls.find(F.ProgramKey);
    if (SetUp.count(F.ProgramKey) || It == Calls.end())
      continue;
    describeUses(F, distinctInFileOrder(It->second));
    Kept.push_back(std::move(F));
  }
  Findings = std::move(Kept);
}

// UnconfiguredFactoryFacts: the unit JSON's "uses" and "objects" rows (the
// layout cache format 6 and shard format 3 have always had), strings
// through the facts object's table.

void UnconfiguredFactoryFacts::toJson(llvm::json::Object &Out,
                                      FactsStrings &S) const {
  llvm::json::Array UseRows, DefRows;
  for (const FactoryObjectUse &U : Uses)
    UseRows.push_back(llvm::json::Array{
        S(U.Object), S(U.Name), S(U.Method), S(U.Where.File), U.Where.Line,
        U.Where.Column, U.Where.EndLine, U.Where.EndColumn, U.Where.Offset,
        U.Where.Length, U.Setup});
  for (const FactoryObjectDef &D : Defs)
    DefRows.push_back(
        llvm::json::Array{S(D.Object), S(D.Name), S(D.Class), S(D.Where.File),
                          D.Where.Line, D.Where.Column, D.Where.EndLine,
                          D.Where.EndColumn, D.Where.Offset, D.Where.Length});
  Out["uses"] = std::move(UseRows);
  Out["objects"] = std::move(DefRows);
}

bool UnconfiguredFactoryFacts::fromJson(const llvm::json::Object &In,
                                        const FactsStringTable &Table) {
  const llvm::json::Array *UseRows = In.getArray("uses");
  const llvm::json::Array *DefRows = In.getArray("objects");
  if (!UseRows || !DefRows)
    return false;
  for (const llvm::json::Value &V : *UseRows) {
    FactsRow Row(V, Table, 11);
    FactoryObjectUse U;
    U.Object = Row.str();
    U.Name = Row.str();
    U.Method = Row.str();
    Row.range(U.Where);
    U.Setup = Row.flag();
    if (!Row.Ok)
      return false;
    Uses.push_back(std::move(U));
  }
  for (const llvm::json::Value &V : *DefRows) {
    FactsRow Row(V, Table, 10);
    FactoryObjectDef D;
    D.Object = Row.str();
    D.Name = Row.str();
    D.Class = Row.str();
    Row.range(D.Where);
    if (!Row.Ok)
      return false;
    Defs.push_back(std::move(D));
  }
  return true;
}

void UnconfiguredFactoryFacts::mapPaths(TextMap MapFile, TextMap MapText) {
  for (FactoryObjectUse &U : Uses) {
    U.Where.File = MapFile(U.Where.File);
    U.Object = MapText(U.Object);
    U.Name = MapText(U.Name);
  }
  for (FactoryObjectDef &D : Defs) {
    D.Where.File = MapFile(D.Where.File);
    D.Object = MapText(D.Object);
    D.Name = MapText(D.Name);
  }
}

void UnconfiguredFactoryFacts::forEachPlace(PlaceVisit Visit) const {
  for (const FactoryObjectUse &U : Uses)
    Visit(U.Where, "a factory object's use");
  for (const FactoryObjectDef &D : Defs)
    Visit(D.Where, "a factory object's definition");
}

void UnconfiguredFactoryFacts::merge(const RuleFacts &Unit, bool Analyzed) {
  const auto &U = static_cast<const UnconfiguredFactoryFacts &>(Unit);
  // Only the analyzed units' objects are listed; every unit's calls count.
  if (Analyzed)
    Defs.insert(Defs.end(), U.Defs.begin(), U.Defs.end());
  Uses.insert(Uses.end(), U.Uses.begin(), U.Uses.end());
}

void UnconfiguredFactoryFacts::finishMerge() {
  // Each object once, with the calls on it (a header's inline function is
  // in several units: once), in file order.
  Objects.clear();
  std::map<std::string, size_t> ObjectIndex;
  for (const FactoryObjectDef &D : Defs)
    if (ObjectIndex.emplace(D.Object, Objects.size()).second)
      Objects.push_back({D, {}});
  std::set<std::pair<std::string, unsigned>> SeenUses;
  for (const FactoryObjectUse &U : Uses) {
    auto It = ObjectIndex.find(U.Object);
    if (It != ObjectIndex.end() &&
        SeenUses.insert({U.Where.File, U.Where.Offset}).second)
      Objects[It->second].Uses.push_back(U);
  }
  auto InFileOrder = [](const SourceRange &A, const SourceRange &B) {
    return std::tie(A.File, A.Offset) < std::tie(B.File, B.Offset);
  };
  for (FactoryObject &O : Objects)
    std::sort(O.Uses.begin(), O.Uses.end(),
              [&](const FactoryObjectUse &A, const FactoryObjectUse &B) {
                return InFileOrder(A.Where, B.Where);
              });
  std::sort(Objects.begin(), Objects.end(),
            [&](const FactoryObject &A, const FactoryObject &B) {
              return InFileOrder(A.Def.Where, B.Def.Where);
            });
}

} // namespace factoryguard

//===- RuleFramework.cpp - Per-unit state and the rule base --------------===//
#include "RuleFramework.h"

#include "Rules.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"

using namespace clang;

namespace factoryguard {

void TUState::reset() {
  Ctx = nullptr;
  M.reset();
  Locs.reset();
  Ids.clear();
  Reported.clear();
  Findings.clear();
  Facts = TUFacts();
  CallSites.clear();
  RecordedCallSites.clear();
}

void TUState::begin(ASTContext &NewCtx) {
  if (Ctx) {
    assert(Ctx == &NewCtx && "TUState::reset() not called between units");
    return;
  }
  Ctx = &NewCtx;
  M = std::make_unique<Model>(Cfg, NewCtx);
  M->setRecorder(Recorder);
  Locs = std::make_unique<LocationMapper>(NewCtx.getSourceManager(),
                                          NewCtx.getLangOpts());
  Ids.clear();
  Reported.clear();
}

Severity TUState::levelFor(llvm::StringRef RuleId) const {
  auto It = Cfg.Rules.find(RuleId.str());
  if (It != Cfg.Rules.end() && It->second.Level)
    return *It->second.Level;
  if (const RuleInfo *R = findRule(RuleId))
    return R->DefaultLevel;
  return Severity::Warning;
}

bool TUState::shouldReport(SourceLocation Loc) {
  const SourceManager &SM = Ctx->getSourceManager();
  SourceLocation E = SM.getExpansionLoc(Loc);
  if (E.isInvalid() || inSystemCode(SM, Loc))
    return false;
  if (Cfg.Exclude.empty())
    return true;
  return !Cfg.isExcludedPath(Locs->filePath(SM.getFileID(E)));
}

std::string TUState::nodeId(const FunctionDecl *FD) {
  if (!FD)
    return "";
  FD = FD->getCanonicalDecl();
  auto It = Ids.find(FD);
  if (It != Ids.end())
    return It->second;
  llvm::SmallString<128> USR;
  std::string Id;
  if (!index::generateUSRForDecl(FD, USR) && !USR.empty()) {
    Id = std::string(USR);
    // Functions with internal linkage are distinct per unit, and each
    // program's main is its own root (CallGraph.h: node identity).
    if (!FD->isExternallyVisible() || FD->isMain())
      Id += "@" + locations().fromLoc(FD->getLocation()).File;
  }
  if (Id.empty() || (isa<CXXMethodDecl>(FD) &&
                     cast<CXXMethodDecl>(FD)->getParent()->isLambda())) {
    SourceRange R = locations().fromLoc(FD->getLocation());
    Id = "lambda@" + R.File + ":" + std::to_string(R.Offset);
  }
  Ids[FD] = Id;
  return Id;
}

std::string TUState::staticInitNodeId(const VarDecl *VD) {
  SourceRange R = locations().fromLoc(VD->getLocation());
  return "init:" + R.File + ":" + std::to_string(R.Offset);
}

std::string TUState::fieldNodeId(const FieldDecl *FD) {
  llvm::SmallString<128> USR;
  if (!index::generateUSRForDecl(FD, USR) && !USR.empty())
    return "field:" + std::string(USR);
  SourceRange R = locations().fromLoc(FD->getLocation());
  return "field:" + R.File + ":" + std::to_string(R.Offset);
}

void TUState::report(Finding F) {
  auto Key = std::make_tuple(F.RuleId, F.Where.File, F.Where.Offset);
  if (!Reported.insert(Key).second)
    return;
  F.Level = levelFor(F.RuleId);
  // --fix applies these offsets later, to the file as it is then: remember
  // what the offsets were computed against.
  for (FixIt &X : F.Fixes)
    if (!X.ContentHash)
      X.ContentHash = Locs->contentHash(X.Where.File);
  Findings.push_back(std::move(F));
}

void TUState::recordCallSite(CallSite C) {
  if (RecordedCallSites.insert({C.Where.File, C.Where.Offset}).second)
    CallSites.push_back(std::move(C));
}

void registerCallMatchers(ast_matchers::MatchFinder &F,
                          ast_matchers::MatchFinder::MatchCallback *CB,
                          TUState &S) {
  using namespace ast_matchers;
  F.addMatcher(callExpr(isFactoryCall(&S)).bind("call"), CB);
  F.addMatcher(cxxConstructExpr(isFactoryCall(&S)).bind("call"), CB);
}

std::optional<FactoryCall>
matchedFactoryCall(TUState &S,
                   const ast_matchers::MatchFinder::MatchResult &R) {
  const auto *Call = R.Nodes.getNodeAs<Expr>("call");
  const FunctionDecl *Callee = Call ? calleeOf(Call) : nullptr;
  if (!Callee)
    return std::nullopt;
  S.begin(*R.Context);
  auto Info = S.model().factoryInfo(Callee);
  if (!Info || !S.shouldReport(Call->getBeginLoc()))
    return std::nullopt;
  // The audit's list of call sites: the same range request-scope reports.
  CallSite Site;
  Site.Where = S.locations().fromRange(
      isa<CXXConstructExpr>(Call)
          ? clang::SourceRange(Call->getBeginLoc(), Call->getEndLoc())
          : Call->getSourceRange());
  Site.Factory = qualifiedName(Callee);
  Enclosing In = S.model().enclosingOf(Call);
  if (In.Kind == Enclosing::Function && In.Fn)
    Site.Enclosing = qualifiedName(In.Fn);
  else if (In.Kind == Enclosing::StaticInit)
    Site.Enclosing = qualifiedName(In.Var);
  else if (In.Kind == Enclosing::FieldInit)
    Site.Enclosing = qualifiedName(In.Field);
  S.recordCallSite(std::move(Site));
  return FactoryCall{Call, Callee, *Info};
}

} // namespace factoryguard

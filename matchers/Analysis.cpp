//===- Analysis.cpp - One translation unit, every rule, one traversal ----===//
#include "Analysis.h"

#include "RuleRegistry.h"
#include "Rules.h"

using namespace clang;

namespace factoryguard {

bool Analysis::ruleEnabled(const Config &Cfg, llvm::StringRef Globs,
                           llvm::StringRef RuleId) {
  auto It = Cfg.Rules.find(RuleId.str());
  if (It != Cfg.Rules.end() && It->second.Level == Severity::Off)
    return false;
  return ruleEnabledByGlobs(Globs, RuleId);
}

Analysis::Analysis(const Config &Cfg, llvm::StringRef RuleGlobs) : State(Cfg) {
  for (const RuleInfo &R : allRules())
    if (ruleEnabled(Cfg, RuleGlobs, R.Id))
      addRuleCallbacks(R.Id, State, Callbacks);
  for (auto &C : Callbacks)
    C->registerMatchers(Finder);
}

Analysis::~Analysis() = default;

void Analysis::run(ASTContext &Ctx) { run(Ctx, userTopLevelDecls(Ctx)); }

void Analysis::run(ASTContext &Ctx, std::vector<Decl *> Scope) {
  State.reset();
  State.begin(Ctx);
  if (SurveyWanted)
    Survey = surveyUnit(Ctx);
  if (Callbacks.empty())
    return finishConfigMatches(Ctx);
  std::vector<Decl *> Saved = Ctx.getTraversalScope();
  Ctx.setTraversalScope(Scope);
  Finder.matchAST(Ctx);
  Ctx.setTraversalScope(Saved);
  finishConfigMatches(Ctx);
}

void Analysis::recordConfigMatches(bool CollectAnnotations) {
  if (!Matches)
    Matches = std::make_unique<ConfigMatchRecord>();
  Matches->CollectAnnotations = CollectAnnotations;
  State.setRecorder(Matches.get());
}

void Analysis::finishConfigMatches(ASTContext &Ctx) {
  if (Matches)
    finishConfigRecord(Ctx, State.config(), *Matches);
}

} // namespace factoryguard

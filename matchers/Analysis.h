//===- Analysis.h - One translation unit, every rule, one traversal ------===//
//
// The registry side of the rules: Analysis registers every enabled rule (and
// the collectors they need, RuleRegistry.h) on one MatchFinder, so a single
// traversal serves them all. The CLI drives Analysis directly; the
// clang-tidy checks each register one rule against their own TUState. The
// framework the rules are written against is RuleFramework.h.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_ANALYSIS_H
#define FACTORYGUARD_ANALYSIS_H

#include "RuleFramework.h"
#include "Survey.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

#include <memory>
#include <vector>

namespace factoryguard {

/// Every enabled rule and the call-graph collector of one translation unit.
class Analysis {
public:
  /// RuleGlobs: clang-tidy style ("-*,factoryguard-null-context"); rules
  /// configured "off" are not registered.
  Analysis(const Config &Cfg, llvm::StringRef RuleGlobs);
  ~Analysis();
  /// Restricts the traversal to userTopLevelDecls and runs every rule.
  void run(clang::ASTContext &Ctx);
  /// Runs every rule over Scope only: the declarations of the unit that
  /// its other part, analyzed before, did not cover (the language server's
  /// edit after a preamble, EditScope.h).
  void run(clang::ASTContext &Ctx, std::vector<clang::Decl *> Scope);
  std::vector<Finding> takeFindings() { return std::move(State.Findings); }
  TUFacts takeFacts() { return std::move(State.Facts); }
  std::vector<CallSite> takeCallSites() { return std::move(State.CallSites); }
  /// Records which configuration entries match (SPEC §3 validation); with
  /// CollectAnnotations also the unit's factoryguard annotations
  /// (--explain-config). Off unless called before run().
  void recordConfigMatches(bool CollectAnnotations);
  ConfigMatchRecord takeConfigMatches() {
    return Matches ? std::move(*Matches) : ConfigMatchRecord();
  }
  /// `factoryguard init`: also survey the unit (Survey.h) in run(), whether
  /// or not a rule is enabled.
  void enableSurvey() { SurveyWanted = true; }
  UnitSurvey takeSurvey() { return std::move(Survey); }
  static bool ruleEnabled(const Config &Cfg, llvm::StringRef Globs,
                          llvm::StringRef RuleId);

private:
  void finishConfigMatches(clang::ASTContext &Ctx);

  TUState State;
  std::unique_ptr<ConfigMatchRecord> Matches;
  clang::ast_matchers::MatchFinder Finder;
  RuleCallbacks Callbacks;
  bool SurveyWanted = false;
  UnitSurvey Survey;
};

} // namespace factoryguard

#endif

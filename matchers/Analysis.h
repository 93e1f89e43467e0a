//===- Analysis.h - One translation unit, every rule, one traversal ------===//
//
// TUState is what the rules of one translation unit share: the Model, the
// location mapper, the findings and the call-graph facts. Analysis registers
// every enabled rule (and the call-graph collector) on one MatchFinder, so a
// single traversal serves them all. The CLI drives Analysis directly; the
// clang-tidy checks each register one rule against their own TUState.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_ANALYSIS_H
#define FACTORYGUARD_ANALYSIS_H

#include "CallGraph.h"
#include "Config.h"
#include "ConfigCheck.h"
#include "Finding.h"
#include "Model.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

#include <memory>
#include <set>
#include <tuple>
#include <string>
#include <vector>

namespace factoryguard {

class TUState {
public:
  explicit TUState(const Config &Cfg) : Cfg(Cfg) {}
  /// Forgets everything of the previous unit: its context, Model caches,
  /// location mapper, node ids, findings and facts. Called at the start of
  /// every translation unit (RuleCallback::onStartOfTranslationUnit,
  /// Analysis::run): an ASTContext address says nothing, a freed context's
  /// memory is often reused for the next one.
  void reset();
  /// Binds to the unit being analyzed, once per reset().
  void begin(clang::ASTContext &Ctx);
  Model &model() { return *M; }
  LocationMapper &locations() { return *Locs; }
  clang::ASTContext &astContext() { return *Ctx; }
  const Config &config() const { return Cfg; }

  /// Level for a rule: its configured severity, else its default.
  Severity levelFor(llvm::StringRef RuleId) const;
  /// False for locations in system headers or excluded paths.
  bool shouldReport(clang::SourceLocation Loc);
  /// A call-graph node id for a function ("" when none can be made).
  std::string nodeId(const clang::FunctionDecl *FD);
  std::string staticInitNodeId(const clang::VarDecl *VD);
  /// The node of a member's default initializer.
  std::string fieldNodeId(const clang::FieldDecl *FD);
  /// Adds F unless a finding of the same rule already sits at its location.
  void report(Finding F);
  /// Configuration matches of this unit go to R (see ConfigCheck.h).
  void setRecorder(ConfigMatchRecord *R) { Recorder = R; }

  std::vector<Finding> Findings;
  TUFacts Facts;
  /// Every factory call site the rules classified (audit, SPEC §8), once.
  std::vector<CallSite> CallSites;
  void recordCallSite(CallSite C);

private:
  const Config &Cfg;
  clang::ASTContext *Ctx = nullptr;
  std::unique_ptr<Model> M;
  std::unique_ptr<LocationMapper> Locs;
  ConfigMatchRecord *Recorder = nullptr;
  llvm::DenseMap<const clang::Decl *, std::string> Ids;
  std::set<std::tuple<std::string, std::string, unsigned>> Reported;
  std::set<std::pair<std::string, unsigned>> RecordedCallSites;
};

/// A rule or collector: registers its matchers once, decides in run().
class RuleCallback : public clang::ast_matchers::MatchFinder::MatchCallback {
public:
  explicit RuleCallback(TUState &S) : S(S) {}
  virtual void registerMatchers(clang::ast_matchers::MatchFinder &F) = 0;
  /// Every front end's MatchFinder calls this before a unit's first match:
  /// per-unit state starts afresh (subclasses with state of their own
  /// extend it).
  void onStartOfTranslationUnit() override { S.reset(); }
  /// The rules match the AST as it is, implicit nodes (casts, default
  /// arguments, template instantiations) included, and look through them
  /// themselves; said here so that no front end's default changes it.
  std::optional<clang::TraversalKind> getCheckTraversalKind() const override {
    return clang::TK_AsIs;
  }

protected:
  TUState &S;
};

/// What a rule adds to a traversal: the rule itself and any collector it
/// needs. Each rule class has `static void create(TUState &, RuleCallbacks &)`
/// (RuleRegistry.cpp calls it for each row of Rules.def).
using RuleCallbacks = std::vector<std::unique_ptr<RuleCallback>>;

/// A call or construction whose callee is a factory, in code that may hold
/// a finding: what request-scope and null-context both start from.
struct FactoryCall {
  const clang::Expr *Call = nullptr; // CallExpr or CXXConstructExpr
  const clang::FunctionDecl *Callee = nullptr;
  Model::FactoryInfo Info;
};
/// Registers the matchers that feed matchedFactoryCall ("call" binding).
void registerCallMatchers(clang::ast_matchers::MatchFinder &F,
                          clang::ast_matchers::MatchFinder::MatchCallback *CB);
std::optional<FactoryCall>
matchedFactoryCall(TUState &S,
                   const clang::ast_matchers::MatchFinder::MatchResult &R);

/// The declarations a traversal needs: every top-level declaration except
/// those in system headers (which cannot hold a finding, and whose walk
/// costs more than the user's code in template-heavy projects).
std::vector<clang::Decl *> userTopLevelDecls(clang::ASTContext &Ctx);

/// Every enabled rule and the call-graph collector of one translation unit.
class Analysis {
public:
  /// RuleGlobs: clang-tidy style ("-*,factoryguard-null-context"); rules
  /// configured "off" are not registered.
  Analysis(const Config &Cfg, llvm::StringRef RuleGlobs);
  ~Analysis();
  /// Restricts the traversal to userTopLevelDecls and runs every rule.
  void run(clang::ASTContext &Ctx);
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
  static bool ruleEnabled(const Config &Cfg, llvm::StringRef Globs,
                          llvm::StringRef RuleId);

private:
  void finishConfigMatches(clang::ASTContext &Ctx);

  TUState State;
  std::unique_ptr<ConfigMatchRecord> Matches;
  clang::ast_matchers::MatchFinder Finder;
  RuleCallbacks Callbacks;
};

} // namespace factoryguard

#endif

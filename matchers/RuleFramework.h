//===- RuleFramework.h - Per-unit state and the rule base ----------------===//
//
// What every rule builds on, and nothing that names a rule: TUState (what
// the rules of one translation unit share: the Model, the location mapper,
// the findings, the call-graph facts, the audit's call sites), RuleCallback
// (a rule or collector: its matchers and its decision), RuleCallbacks, and
// the factory-call matching that request-scope and null-context start from.
// Rule units include this header; only RuleRegistry (from a rule id to its
// callbacks) and, through it, Analysis (the CLI's traversal) know the rules.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_RULEFRAMEWORK_H
#define FACTORYGUARD_RULEFRAMEWORK_H

#include "CallGraph.h"
#include "Config.h"
#include "ConfigCheck.h"
#include "Finding.h"
#include "Model.h"
#include "UserCode.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/ASTMatchers/ASTMatchersMacros.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
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
  /// A CallGraphCollector is bound to this state (addCallGraphCollector):
  /// the rules that need the call graph share one. Kept across units.
  bool HasCallGraphCollector = false;
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

/// The whole program, once every unit is in (the CLI's finishRun, the
/// clang-tidy module's end of unit): the shared call graph, its chains
/// already attached, and every unit's facts in the CLI's unit order.
struct ProgramFacts {
  CallGraph &Graph;
  std::vector<const TUFacts *> Units;
};

/// A rule's step over the whole program (Rules.def's Resolve column): it
/// decides its own findings that carry a ProgramKey (drops them, or words
/// them with what other units show) and leaves every other finding alone.
/// Findings are those of every unit, deduplicated, in no particular order.
using ResolveStep = void (*)(ProgramFacts &, std::vector<Finding> &);

/// A call or construction whose callee is a factory, in code that may hold
/// a finding: what request-scope and null-context both start from.
struct FactoryCall {
  const clang::Expr *Call = nullptr; // CallExpr or CXXConstructExpr
  const clang::FunctionDecl *Callee = nullptr;
  Model::FactoryInfo Info;
};
/// A call or construction whose callee the unit's Model knows as a factory
/// (configured or annotated; Model::factoryInfo): the matcher asks the
/// Model, so the rules that start from factory calls see only those.
AST_POLYMORPHIC_MATCHER_P(
    isFactoryCall,
    AST_POLYMORPHIC_SUPPORTED_TYPES(clang::CallExpr, clang::CXXConstructExpr),
    TUState *, State) {
  const clang::FunctionDecl *Callee = calleeOf(&Node);
  if (!Callee)
    return false;
  State->begin(Finder->getASTContext());
  return State->model().factoryInfo(Callee).has_value();
}
/// Registers the matchers that feed matchedFactoryCall ("call" binding):
/// the factory calls (isFactoryCall) of S's unit.
void registerCallMatchers(clang::ast_matchers::MatchFinder &F,
                          clang::ast_matchers::MatchFinder::MatchCallback *CB,
                          TUState &S);
std::optional<FactoryCall>
matchedFactoryCall(TUState &S,
                   const clang::ast_matchers::MatchFinder::MatchResult &R);

} // namespace factoryguard

#endif

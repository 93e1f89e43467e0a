//===- CallGraphCollector.h - One unit's facts for the call graph --------===//
//
// Walks one translation unit beside the rules (one MatchFinder, one
// traversal) and records what CallGraph.h needs: functions and roots, call
// edges with whether a context is in scope at the call, lambdas and the
// functions defining them, and functions whose address is taken
// (TUState::Facts). Not a rule: the rules that need the graph
// (request-scope, fabricated-context) add it in their create(), through
// addCallGraphCollector, once per traversal.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_CALLGRAPHCOLLECTOR_H
#define FACTORYGUARD_CALLGRAPHCOLLECTOR_H

#include "RuleFramework.h"

namespace factoryguard {

/// Functions, roots, call edges (with the context at each call), lambdas
/// and their definers, and functions whose address is taken, of one unit
/// (TUState::Facts).
class CallGraphCollector : public RuleCallback {
public:
  using RuleCallback::RuleCallback;
  void registerMatchers(clang::ast_matchers::MatchFinder &F) override;
  void run(const clang::ast_matchers::MatchFinder::MatchResult &R) override;
  void onStartOfTranslationUnit() override {
    RuleCallback::onStartOfTranslationUnit();
    Index.clear();
  }

private:
  GraphNode *addFunction(const clang::FunctionDecl *FD);
  void addStaticInit(const clang::VarDecl *VD);
  void addField(const clang::FieldDecl *FD);
  /// The node of a function, static initializer or member initializer ("").
  std::string addEnclosing(const Enclosing &Where);
  /// An edge from every function enclosing Call (each instantiation) to To.
  void addCallEdges(const clang::Expr *Call, const std::string &To);
  /// Facts.Nodes index of each node added in this unit (cleared with the
  /// unit's facts at the start of every translation unit).
  llvm::DenseMap<const clang::Decl *, size_t> Index;
};

/// Adds a CallGraphCollector bound to S to Out, unless S has one already
/// (two rules that need the graph in one traversal share one collector: a
/// second would record every fact twice).
void addCallGraphCollector(TUState &S, RuleCallbacks &Out);

} // namespace factoryguard

#endif

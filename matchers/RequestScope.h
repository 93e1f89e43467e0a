//===- RequestScope.h - factoryguard-request-scope -----------------------===//
//
// A factory called where no request exists: during static initialization,
// in an __attribute__((constructor)) function, or in a function with no
// context in scope (SPEC §2). CallGraphCollector gathers the facts that
// explain how start-up code reaches such a call.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_REQUESTSCOPE_H
#define FACTORYGUARD_REQUESTSCOPE_H

#include "Analysis.h"

namespace factoryguard {

class RequestScopeRule : public RuleCallback {
public:
  using RuleCallback::RuleCallback;
  /// The rule and the call-graph collector its chains and inference need.
  static void create(TUState &S, RuleCallbacks &Out);
  void registerMatchers(clang::ast_matchers::MatchFinder &F) override;
  void run(const clang::ast_matchers::MatchFinder::MatchResult &R) override;

private:
  /// The finding for the call where Where encloses it, if any.
  static std::optional<Finding> decide(TUState &S, const FactoryCall &FC,
                                       const Enclosing &Where);
};

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
  /// Facts.Nodes index of each node added in this unit (cleared with the
  /// unit's facts at the start of every translation unit).
  llvm::DenseMap<const clang::Decl *, size_t> Index;
};

} // namespace factoryguard

#endif

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
  void registerMatchers(clang::ast_matchers::MatchFinder &F) override;
  void run(const clang::ast_matchers::MatchFinder::MatchResult &R) override;
};

/// Functions, roots and call edges of one unit (TUState::Facts).
class CallGraphCollector : public RuleCallback {
public:
  using RuleCallback::RuleCallback;
  void registerMatchers(clang::ast_matchers::MatchFinder &F) override;
  void run(const clang::ast_matchers::MatchFinder::MatchResult &R) override;
  void onStartOfTranslationUnit() override {
    RuleCallback::onStartOfTranslationUnit();
    Added.clear();
  }

private:
  void addFunction(const clang::FunctionDecl *FD);
  void addStaticInit(const clang::VarDecl *VD);
  llvm::DenseSet<const clang::Decl *> Added; // this unit's, see above
};

} // namespace factoryguard

#endif

//===- RuleFrameworkTest.cpp - The factory-call matcher ------------------===//
//
// registerCallMatchers hands the rules only the calls the Model knows as
// factories (isFactoryCall), not every call and construction of the unit.
//
//===----------------------------------------------------------------------===//
#include "RuleFramework.h"

#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace factoryguard;
using namespace clang::ast_matchers;

namespace {

struct Calls : MatchFinder::MatchCallback {
  std::vector<std::string> Callees;
  void run(const MatchFinder::MatchResult &R) override {
    const auto *Call = R.Nodes.getNodeAs<clang::Expr>("call");
    const clang::FunctionDecl *Callee = Call ? calleeOf(Call) : nullptr;
    Callees.push_back(Callee ? Callee->getNameAsString() : "?");
  }
};

TEST(RuleFramework, CallMatchersSeeOnlyFactoryCalls) {
  std::unique_ptr<clang::ASTUnit> AST =
      clang::tooling::buildASTFromCodeWithArgs(R"cpp(
struct Ctx {};
struct Manager {};
[[clang::annotate("factoryguard::factory")]] Manager *make(Ctx *);
struct Built {
  [[clang::annotate("factoryguard::factory")]] explicit Built(Ctx *);
};
int plain(int);
struct Other { Other(int); };
void user(Ctx *C) {
  make(C);
  plain(1);
  Other O(2);
  Built B(C);
  make(nullptr);
}
)cpp",
                                               {"-std=c++17"});
  ASSERT_TRUE(AST);
  Config Cfg;
  TUState S(Cfg);
  S.reset();
  Calls CB;
  MatchFinder F;
  registerCallMatchers(F, &CB, S);
  F.matchAST(AST->getASTContext());
  // The calls in any order (MatchFinder runs the matchers of a node kind
  // together), but only these: not plain(), not Other's constructor.
  std::sort(CB.Callees.begin(), CB.Callees.end());
  EXPECT_EQ(CB.Callees, (std::vector<std::string>{"Built", "make", "make"}));
}

} // namespace

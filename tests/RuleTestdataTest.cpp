//===- RuleTestdataTest.cpp - every testdata/rules file through the CLI --===//
//
// One test instance per testdata/rules/*.cpp (a new file is picked up without
// editing a test): the real CLI runs on it and its CHECK-MESSAGES and
// CHECK-NOTES must match the report both ways; a file with CHECK-FIXES is
// fixed in a copy (--fix), each CHECK-FIXES must hold on its line, and the
// fixed file must compile; --full-parse must meet the same expectations.
// A file named after a rule (factoryguard-<rule>.cpp) runs with that rule
// only, any other file with every rule.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/ADT/StringRef.h"

using namespace fgtest;

namespace {

std::vector<std::string> ruleArgs(const std::string &Name) {
  llvm::StringRef Rule = llvm::StringRef(Name).drop_back(4);
  if (Rule.starts_with("factoryguard-"))
    return {"--rules=-*," + Rule.str()};
  return {};
}

class Testdata : public ::testing::TestWithParam<std::string> {};

TEST_P(Testdata, ReportMatchesExpectations) {
  std::string File = FG_TESTDATA "/rules/" + GetParam();
  std::vector<std::string> Args = ruleArgs(GetParam());
  Args.push_back(File);
  RunResult R = runFactoryguard(withFlags(Args));
  std::vector<Diag> Expected = readExpectations(File);
  ASSERT_FALSE(Expected.empty()) << File << " has no CHECK-MESSAGES";
  bool WarningExpected = false;
  for (const Diag &E : Expected)
    WarningExpected |= E.Level != "note";
  EXPECT_EQ(R.ExitCode, WarningExpected ? 1 : 0) << R.Err;
  EXPECT_TRUE(matches(Expected, parseTextOutput(R.Out), GetParam()))
      << R.Out << R.Err;
}

// SPEC §7, one answer everywhere: skipping system-header bodies changes no
// finding, so --full-parse meets the same expectations.
TEST_P(Testdata, FullParseMeetsTheSameExpectations) {
  std::string File = FG_TESTDATA "/rules/" + GetParam();
  std::vector<std::string> Args = ruleArgs(GetParam());
  Args.push_back("--full-parse");
  Args.push_back(File);
  RunResult R = runFactoryguard(withFlags(Args));
  EXPECT_TRUE(
      matches(readExpectations(File), parseTextOutput(R.Out), GetParam()))
      << R.Out << R.Err;
}

TEST_P(Testdata, FixesMatchAndCompile) {
  std::string File = FG_TESTDATA "/rules/" + GetParam();
  if (!hasFixExpectations(File))
    GTEST_SKIP() << "no CHECK-FIXES";
  std::string Dir = makeTempDir("fixes");
  std::string Copy = Dir + "/" + GetParam();
  copyTree(File, Copy);
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Dir + "/.factoryguard.yaml");
  std::vector<std::string> Args = ruleArgs(GetParam());
  Args.push_back("--fix");
  Args.push_back(Copy);
  RunResult R = runFactoryguard(withFlags(Args), Dir);
  EXPECT_TRUE(R.ExitCode == 0 || R.ExitCode == 1) << R.Out << R.Err;
  std::string Fixed = readFile(Copy);
  EXPECT_TRUE(fixesMatch(readFile(File), Fixed)) << Fixed;
  std::vector<std::string> Compile = {"-fsyntax-only"};
  for (const std::string &F : testdataFlags())
    Compile.push_back(F);
  Compile.push_back(Copy);
  RunResult Cc = runProgram("/usr/bin/clang++-19", Compile);
  EXPECT_EQ(Cc.ExitCode, 0) << Copy << " does not compile:\n" << Cc.Err;
}

INSTANTIATE_TEST_SUITE_P(Rules, Testdata,
                         ::testing::ValuesIn(rulesTestdataFiles()),
                         testdataTestName);

} // namespace

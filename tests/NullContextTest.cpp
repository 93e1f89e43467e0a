//===- NullContextTest.cpp - factoryguard-null-context and fix-its -------===//
#include "TestHarness.h"

#include <sstream>

using namespace fgtest;

namespace {

const std::string RuleFile = FG_TESTDATA "/rules/factoryguard-null-context.cpp";


/// The fixed text's lines, without the expectation comments themselves.
std::vector<std::string> codeLines(const std::string &Text) {
  std::vector<std::string> Out;
  std::istringstream In(Text);
  std::string L;
  while (std::getline(In, L))
    if (L.find("// CHECK-") == std::string::npos)
      Out.push_back(L);
  return Out;
}

::testing::AssertionResult fixesMatch(const std::string &Fixed,
                                      const std::vector<std::string> &Expected) {
  std::vector<std::string> Lines = codeLines(Fixed);
  size_t At = 0;
  for (const std::string &E : Expected) {
    bool Found = false;
    for (; At < Lines.size(); ++At)
      if (Lines[At].find(E) != std::string::npos) {
        Found = true;
        ++At;
        break;
      }
    if (!Found)
      return ::testing::AssertionFailure() << "CHECK-FIXES not found in order: " << E;
  }
  return ::testing::AssertionSuccess();
}

void compiles(const std::string &File) {
  std::vector<std::string> Args = {"-fsyntax-only"};
  for (const std::string &F : testdataFlags())
    Args.push_back(F);
  Args.push_back(File);
  RunResult R = runProgram("/usr/bin/clang++-19", Args);
  EXPECT_EQ(R.ExitCode, 0) << File << " does not compile:\n" << R.Err;
}

TEST(NullContext, TestdataExpectations) {
  RunResult R = runFactoryguard(withFlags({"--rules=-*,factoryguard-null-context", RuleFile}));
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  std::vector<Diag> Expected = readExpectations(RuleFile);
  ASSERT_GE(Expected.size(), 18u);
  std::vector<Diag> Reported = parseTextOutput(R.Out);
  EXPECT_TRUE(matches(Expected, Reported, "factoryguard-null-context.cpp")) << R.Out << R.Err;
  std::vector<Diag> Notes = readExpectations(RuleFile, "CHECK-NOTES");
  ASSERT_GE(Notes.size(), 3u);
  EXPECT_TRUE(matches(Notes, Reported, "factoryguard-null-context.cpp")) << R.Out;
}

TEST(NullContext, FixRewritesInPlaceAndTheResultCompiles) {
  std::string Dir = makeTempDir("fix");
  std::string Copy = Dir + "/factoryguard-null-context.cpp";
  copyTree(RuleFile, Copy);
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  RunResult R = runFactoryguard(withFlags({"--rules=-*,factoryguard-null-context", "--fix", Copy}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  std::string Fixed = readFile(Copy);
  EXPECT_NE(Fixed, readFile(RuleFile));
  std::vector<std::string> Expected = readFixExpectations(RuleFile);
  ASSERT_GE(Expected.size(), 14u);
  EXPECT_TRUE(fixesMatch(Fixed, Expected)) << Fixed;
  compiles(Copy);
  // A second run finds only the cases without a fix.
  R = runFactoryguard(withFlags({"--rules=-*,factoryguard-null-context", Copy}), Dir);
  unsigned Warnings = 0;
  for (const Diag &D : parseTextOutput(R.Out))
    Warnings += D.Level == "warning";
  // adopt_bridge, the capture-less lambda, two, declared_after, unnamed
  EXPECT_EQ(Warnings, 5u) << R.Out;
}

TEST(NullContext, ExportFixesFeedsClangApplyReplacements) {
  std::string Dir = makeTempDir("export");
  std::string Copy = Dir + "/factoryguard-null-context.cpp";
  copyTree(RuleFile, Copy);
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  runProgram("/bin/mkdir", {"-p", Dir + "/fixes"});
  std::string Original = readFile(Copy);
  RunResult R = runFactoryguard(withFlags({"--rules=-*,factoryguard-null-context",
                                           "--export-fixes", Dir + "/fixes/fixes.yaml", Copy}),
                                Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_EQ(readFile(Copy), Original) << "--export-fixes must not touch the source";
  std::string Yaml = readFile(Dir + "/fixes/fixes.yaml");
  EXPECT_NE(Yaml.find("factoryguard-null-context"), std::string::npos) << Yaml;
  RunResult A = runProgram("/usr/bin/clang-apply-replacements-19", {Dir + "/fixes"});
  EXPECT_EQ(A.ExitCode, 0) << A.Err;
  EXPECT_TRUE(fixesMatch(readFile(Copy), readFixExpectations(RuleFile))) << readFile(Copy);
  compiles(Copy);
}

TEST(NullContext, InsertsAfterExplicitArguments) {
  std::string Dir = makeTempDir("insert");
  writeFile(Dir + "/.factoryguard.yaml",
            "contexts: [netra::UserExecutionContext]\n"
            "factories:\n"
            "  - name: app::pair\n    context-param: 1\n");
  writeFile(Dir + "/a.cpp",
            "#include \"netra/netra.h\"\n"
            "namespace app {\n"
            "int pair(const netra::UserExecutionContext *a,\n"
            "         const netra::UserExecutionContext *b = nullptr);\n"
            "void f(const netra::UserExecutionContext *ctx) { pair(nullptr); }\n"
            "}\n");
  RunResult R = runFactoryguard(
      withFlags({"--rules=-*,factoryguard-null-context", "--fix", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(readFile(Dir + "/a.cpp").find("pair(nullptr, ctx)"), std::string::npos)
      << readFile(Dir + "/a.cpp") << R.Out << R.Err;
}

} // namespace

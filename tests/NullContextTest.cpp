//===- NullContextTest.cpp - factoryguard-null-context and fix-its -------===//
#include "TestHarness.h"

using namespace fgtest;

namespace {

const std::string RuleFile = FG_TESTDATA "/rules/factoryguard-null-context.cpp";

void compiles(const std::string &File) {
  std::vector<std::string> Args = {"-fsyntax-only"};
  for (const std::string &F : testdataFlags())
    Args.push_back(F);
  Args.push_back(File);
  RunResult R = runProgram("/usr/bin/clang++-19", Args);
  EXPECT_EQ(R.ExitCode, 0) << File << " does not compile:\n" << R.Err;
}

// The file's own expectations and CHECK-FIXES: RuleTestdataTest.cpp.

TEST(NullContext, FixRewritesInPlaceAndTheResultCompiles) {
  std::string Dir = makeTempDir("fix");
  std::string Copy = Dir + "/factoryguard-null-context.cpp";
  copyTree(RuleFile, Copy);
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  RunResult R = runFactoryguard(withFlags({"--rules=-*,factoryguard-null-context", "--fix", Copy}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  std::string Fixed = readFile(Copy);
  EXPECT_NE(Fixed, readFile(RuleFile));
  EXPECT_TRUE(fixesMatch(readFile(RuleFile), Fixed)) << Fixed;
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
  EXPECT_TRUE(fixesMatch(Original, readFile(Copy))) << readFile(Copy);
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

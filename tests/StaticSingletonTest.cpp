//===- StaticSingletonTest.cpp - factoryguard-static-singleton -----------===//
//
// The annotations-only case and what the rule's testdata file shows beyond
// its expectations (RuleTestdataTest.cpp checks those).
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

using namespace fgtest;

namespace {

const std::string RuleFile = FG_TESTDATA "/rules/factoryguard-static-singleton.cpp";

// The file's own expectations: RuleTestdataTest.cpp.

TEST(StaticSingleton, AnnotationsOnlyNoConfig) {
  std::string Dir = makeTempDir("annotations");
  copyTree(FG_TESTDATA "/annotations-only/annotated.cpp", Dir + "/annotated.cpp");
  RunResult R = runFactoryguard(withFlags({Dir + "/annotated.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_TRUE(matches(readExpectations(Dir + "/annotated.cpp"),
                      parseTextOutput(R.Out), "annotated.cpp"))
      << R.Out << R.Err;
}

TEST(StaticSingleton, WithoutManagersConfiguredNothingIsReported) {
  // The same file against a configuration naming no manager: the rule must
  // depend on the model, not on variable names.
  std::string Dir = makeTempDir("nomanagers");
  writeFile(Dir + "/cfg.yaml", "contexts: [netra::UserExecutionContext]\n");
  RunResult R = runFactoryguard(withFlags(
      {"--config", Dir + "/cfg.yaml", "--rules=factoryguard-static-singleton", RuleFile}));
  EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
  EXPECT_TRUE(parseTextOutput(R.Out).empty()) << R.Out;
}

TEST(StaticSingleton, HeaderIncludedByTwoUnitsIsReportedOnce) {
  std::string Dir = makeTempDir("twotus");
  writeFile(Dir + "/shared.h", "#pragma once\n#include \"netra/netra.h\"\n"
                               "inline netra::WebSocketManager *g_shared = nullptr;\n");
  writeFile(Dir + "/a.cpp", "#include \"shared.h\"\nvoid a() {}\n");
  writeFile(Dir + "/b.cpp", "#include \"shared.h\"\nvoid b() {}\n");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  for (const char *J : {"-j1", "-j2"}) {
    RunResult R = runFactoryguard(withFlags({J, "a.cpp", "b.cpp"}), Dir);
    EXPECT_EQ(R.ExitCode, 1) << R.Err;
    std::vector<Diag> D = parseTextOutput(R.Out);
    unsigned Warnings = 0;
    for (const Diag &X : D)
      if (X.Level == "warning") {
        ++Warnings;
        EXPECT_EQ(X.File, "shared.h");
        EXPECT_EQ(X.Line, 3u);
      }
    EXPECT_EQ(Warnings, 1u) << R.Out;
  }
}

TEST(StaticSingleton, SuppressedFindingsAreNotPrinted) {
  RunResult R = runFactoryguard(withFlags({RuleFile}));
  EXPECT_EQ(R.Out.find("g_suppressed"), std::string::npos);
  EXPECT_EQ(R.Out.find("g_region_a"), std::string::npos);
  EXPECT_NE(R.Out.find("g_other_rule"), std::string::npos);
}

} // namespace

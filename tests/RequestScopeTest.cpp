//===- RequestScopeTest.cpp - factoryguard-request-scope -----------------===//
#include "TestHarness.h"

using namespace fgtest;

namespace {

const std::string RuleFile = FG_TESTDATA "/rules/factoryguard-request-scope.cpp";

// The file's own expectations, and mixed-nolint.cpp's: RuleTestdataTest.cpp.

TEST(RequestScope, LambdaRunPerRequestIsNotChainedFromMain) {
  RunResult R = runFactoryguard(withFlags({"--rules=-*,factoryguard-request-scope", RuleFile}));
  // The handler lambda in main creates a manager from its own parameter:
  // no finding there, and no chain note through it.
  for (const Diag &D : parseTextOutput(R.Out))
    EXPECT_EQ(D.Message.find("'main' calls '(lambda)"), std::string::npos) << D.Message;
}

TEST(RequestScope, ConfiguredSeverityAndFailOn) {
  std::string Dir = makeTempDir("severity");
  writeFile(Dir + "/cfg.yaml",
            "contexts: [netra::UserExecutionContext]\n"
            "factories: [netra::create_websocket_manager]\n"
            "rules:\n  factoryguard-request-scope: {severity: error}\n"
            "  factoryguard-null-context: {severity: off}\n");
  writeFile(Dir + "/a.cpp", "#include \"netra/netra.h\"\n"
                            "void f() { auto m = netra::create_websocket_manager(nullptr); }\n");
  RunResult R = runFactoryguard(withFlags({"--config", Dir + "/cfg.yaml", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  std::vector<Diag> D = parseTextOutput(R.Out);
  ASSERT_EQ(D.size(), 1u) << R.Out; // null-context is off
  EXPECT_EQ(D[0].Level, "error");
  EXPECT_EQ(D[0].Rule, "factoryguard-request-scope");
  R = runFactoryguard(withFlags({"--config", Dir + "/cfg.yaml", "--fail-on", "never", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 0);
  writeFile(Dir + "/cfg2.yaml", "factories: [netra::create_websocket_manager]\n");
  R = runFactoryguard(withFlags({"--config", Dir + "/cfg2.yaml", "--fail-on", "error",
                                 "--rules=-*,factoryguard-request-scope", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Out; // a warning does not fail at --fail-on error
  EXPECT_EQ(parseTextOutput(R.Out).front().Level, "warning");
}

} // namespace

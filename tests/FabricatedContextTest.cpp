//===- FabricatedContextTest.cpp - factoryguard-fabricated-context -------===//
//
// What the rule's testdata file cannot show on its own (RuleTestdataTest.cpp
// checks its expectations; OneAnswerTest.cpp its parity across the front
// ends): the chain of a made-up context across units, from main in one unit
// to the start-up function of another that makes the context up.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

using namespace fgtest;

namespace {

TEST(FabricatedContext, ChainFromMainInAnotherUnit) {
  std::string Dir = makeTempDir("fabricated-chain");
  copyTree(FG_TESTDATA "/fabricated/.", Dir);
  writeTestdataDatabase(Dir, {"main.cpp", "services.cpp", "auth.cpp"});
  RunResult R = runFactoryguard({"-p", Dir + "/build"}, Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Out << R.Err;
  std::vector<Diag> D = parseTextOutput(R.Out);
  std::vector<std::string> Rows;
  for (const Diag &X : D)
    Rows.push_back(X.File + ":" + std::to_string(X.Line) + ":" +
                   std::to_string(X.Col) + ": " + X.Level + ": " + X.Message);
  // One finding: the made-up "system" context of services.cpp. The context
  // source's own creation (auth.cpp) and the request path are not reported.
  ASSERT_EQ(Rows.size(), 7u) << R.Out;
  EXPECT_EQ(Rows[0].rfind("services.cpp:5:31: warning: made-up "
                          "UserExecutionContext 'system_ctx' reaches "
                          "'create_websocket_manager' in 'app::warm_cache'",
                          0),
            0u)
      << R.Out;
  EXPECT_EQ(Rows[1], "main.cpp:3:5: note: call chain 1/4: 'main' runs at "
                     "start-up, outside any request")
      << R.Out;
  EXPECT_EQ(Rows[2], "main.cpp:4:3: note: call chain 2/4: 'main' calls "
                     "'app::start_services', which has no request context in "
                     "scope")
      << R.Out;
  EXPECT_EQ(Rows[3], "services.cpp:9:25: note: call chain 3/4: "
                     "'app::start_services' calls 'app::warm_cache', which "
                     "has no request context in scope")
      << R.Out;
  EXPECT_EQ(Rows[4], "services.cpp:5:31: note: call chain 4/4: made-up "
                     "UserExecutionContext 'system_ctx' reaches "
                     "'create_websocket_manager' in 'app::warm_cache'")
      << R.Out;
  EXPECT_EQ(Rows[5], "services.cpp:6:12: note: 'create_websocket_manager' "
                     "receives it here")
      << R.Out;
  EXPECT_EQ(Rows[6], "services.cpp:5:31: note: no other UserExecutionContext "
                     "is in scope here")
      << R.Out;
}

// What the Rules.def row alone is meant to give a new rule (docs/
// architecture.md): --explain prints its doc page, SARIF lists it with its
// help, NOLINT suppresses it, and a baseline keeps its old findings apart
// from a new one.
TEST(FabricatedContext, TheRowGivesExplainSarifNolintAndBaseline) {
  RunResult R =
      runFactoryguard({"--explain", "factoryguard-fabricated-context"});
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(R.Out.find("# factoryguard-fabricated-context"), std::string::npos)
      << R.Out;
  EXPECT_NE(R.Out.find("## Context sources"), std::string::npos) << R.Out;

  std::string Dir = makeTempDir("fabricated-row");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Dir + "/.factoryguard.yaml");
  const std::string Old = "#include \"netra/netra.h\"\n"
                          "void boot() {\n"
                          "  netra::UserExecutionContext sys{\"system\"};\n"
                          "  auto m = netra::create_websocket_manager(&sys);\n"
                          "}\n"
                          "netra::UserExecutionContext g_quiet; // "
                          "NOLINT(factoryguard-fabricated-context)\n";
  writeFile(Dir + "/a.cpp", Old);
  std::vector<std::string> Only = {
      "--rules=-*,factoryguard-fabricated-context"};
  auto With = [&](std::vector<std::string> More) {
    std::vector<std::string> Args = Only;
    Args.insert(Args.end(), More.begin(), More.end());
    return withFlags(Args);
  };
  R = runFactoryguard(With({"--format", "sarif", "-o", "base.sarif", "a.cpp"}),
                      Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  std::string Sarif = readFile(Dir + "/base.sarif");
  EXPECT_NE(Sarif.find("\"id\": \"factoryguard-fabricated-context\""),
            std::string::npos);
  EXPECT_NE(Sarif.find("\"name\": \"FabricatedContext\""), std::string::npos);
  EXPECT_NE(Sarif.find("## Context sources"), std::string::npos)
      << "no help.markdown";
  // The NOLINT'ed static is in the SARIF as suppressed, not in the text.
  EXPECT_NE(Sarif.find("\"kind\": \"inSource\""), std::string::npos);
  R = runFactoryguard(With({"a.cpp"}), Dir);
  EXPECT_EQ(R.Out.find("g_quiet"), std::string::npos) << R.Out;
  EXPECT_NE(R.Out.find("a.cpp:3:31: warning: made-up UserExecutionContext "
                       "'sys' reaches 'create_websocket_manager'"),
            std::string::npos)
      << R.Out;

  // Lines inserted above: the old finding stays baselined; a new one is
  // reported.
  writeFile(Dir + "/a.cpp", "// moved\n\n" + Old +
                                "static netra::UserExecutionContext g_new;\n");
  R = runFactoryguard(With({"--baseline", "base.sarif", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Out << R.Err;
  unsigned Warnings = 0;
  for (const Diag &X : parseTextOutput(R.Out))
    if (X.Level == "warning") {
      ++Warnings;
      EXPECT_NE(X.Message.find("'g_new'"), std::string::npos) << X.Message;
    }
  EXPECT_EQ(Warnings, 1u) << R.Out;
}

} // namespace

//===- InitTest.cpp - `factoryguard init`: a first configuration ---------===//
//
// Runs the real `factoryguard init` (SPEC §3 "A first configuration") on
// copies of testdata projects with their hand-written .factoryguard.yaml
// removed: what it proposes, with which evidence and confidence, that it
// never replaces a file without --force, and that the run it sets up passes
// --strict-config on the same code.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/Support/FileSystem.h"

#include <regex>

using namespace fgtest;

namespace {

/// A copy of testdata/example without its configuration, with a
/// compile_commands.json in build/ (the include directory is the copy's).
std::string makeExample(const std::string &Name) {
  std::string Dir = makeTempDir(Name) + "/example";
  copyTree(FG_TESTDATA "/example", Dir);
  llvm::sys::fs::remove(Dir + "/.factoryguard.yaml");
  llvm::sys::fs::remove_directories(Dir + "/build");
  std::string Json = "[\n";
  const char *Units[] = {"src/main.cpp", "src/boot.cpp",
                         "src/agent_service.cpp", "src/handlers.cpp",
                         "src/registry.cpp"};
  for (size_t I = 0; I < std::size(Units); ++I)
    Json += std::string(I ? ",\n" : "") + "  {\"directory\": \"" + Dir +
            "\", \"command\": \"/usr/bin/clang++-19 -std=c++17 -Iinclude -c " +
            Units[I] + "\", \"file\": \"" + Units[I] + "\"}";
  writeFile(Dir + "/build/compile_commands.json", Json + "\n]\n");
  return Dir;
}

RunResult init(const std::string &Dir, std::vector<std::string> Args = {}) {
  std::vector<std::string> All = {"init", "-p", "build", "--source-root", Dir};
  All.insert(All.end(), Args.begin(), Args.end());
  return runFactoryguard(All, Dir);
}

/// Whether Yaml has an active (not commented out) list entry Name under
/// Key, with its evidence comment on the lines just above it.
bool hasActiveEntry(const std::string &Yaml, const std::string &Key,
                    const std::string &Name) {
  size_t At = Yaml.find("\n" + Key + ":");
  if (At == std::string::npos)
    return false;
  size_t End = Yaml.find("\n\n", At + 1);
  // The section with the newline that ends its last entry.
  std::string Section = Yaml.substr(
      At, End == std::string::npos ? std::string::npos : End - At + 1);
  return Section.find("\n  - " + Name + "\n") != std::string::npos;
}

bool hasCommentedEntry(const std::string &Yaml, const std::string &Name) {
  return Yaml.find("#  - " + Name + "\n") != std::string::npos;
}

TEST(Init, ProposesTheExampleContextsFactoriesAndManagers) {
  std::string Dir = makeExample("init-example");
  RunResult R = init(Dir);
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  std::string Yaml = readFile(Dir + "/.factoryguard.yaml");
  EXPECT_TRUE(hasActiveEntry(Yaml, "contexts", "chat::UserExecutionContext"))
      << Yaml;
  for (const char *F :
       {"chat::get_websocket_manager", "chat::create_agent_bridge",
        "chat::EmitterFactory::create_user_emitter"})
    EXPECT_TRUE(hasActiveEntry(Yaml, "factories", F)) << F << "\n" << Yaml;
  for (const char *M :
       {"chat::WebSocketManager", "chat::AgentBridge", "chat::EventBridge"})
    EXPECT_TRUE(hasActiveEntry(Yaml, "managers", M)) << M << "\n" << Yaml;
  // Evidence: a count and one place, relative to the source root, and the
  // confidence.
  EXPECT_TRUE(std::regex_search(
      Yaml, std::regex("# taken by [0-9]+ functions?, e\\.g\\. "
                       "(src|include)/[a-z_/]+\\.(cpp|h):[0-9]+ .*; "
                       "confidence: high\n  - chat::UserExecutionContext")))
      << Yaml;
  EXPECT_EQ(Yaml.find(Dir), std::string::npos) << Yaml;
}

TEST(Init, LowConfidenceEntriesAreCommentedOut) {
  std::string Dir = makeExample("init-low");
  RunResult R = init(Dir);
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  std::string Yaml = readFile(Dir + "/.factoryguard.yaml");
  // The old singleton accessor's class holds a manager but is not one.
  EXPECT_TRUE(hasCommentedEntry(Yaml, "chat::AgentService")) << Yaml;
  EXPECT_FALSE(hasActiveEntry(Yaml, "managers", "chat::AgentService")) << Yaml;
  EXPECT_NE(Yaml.find("confidence: low"), std::string::npos) << Yaml;
}

TEST(Init, ProposesStartupFunctionsReachedOnlyFromMainOrStaticInit) {
  std::string Dir = makeTempDir("init-multi");
  copyTree(FG_TESTDATA "/multi-tu/.", Dir);
  llvm::sys::fs::remove(Dir + "/.factoryguard.yaml");
  writeTestdataDatabase(Dir, {"main.cpp", "startup.cpp", "agents.cpp",
                              "preloader.cpp", "globals.cpp"});
  RunResult R = init(Dir);
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  std::string Yaml = readFile(Dir + "/.factoryguard.yaml");
  EXPECT_TRUE(hasActiveEntry(Yaml, "startup", "app::start_services")) << Yaml;
  EXPECT_TRUE(hasActiveEntry(Yaml, "startup", "app::load_agents")) << Yaml;
  EXPECT_TRUE(hasActiveEntry(Yaml, "startup", "app::Preloader::Preloader"))
      << Yaml;
  // A request handler (it takes the context) is never start-up.
  EXPECT_EQ(Yaml.find("app::serve\n"), std::string::npos) << Yaml;
}

TEST(Init, StartupThatReachesNoFactoryIsLowConfidence) {
  std::string Dir = makeExample("init-startup");
  RunResult R = init(Dir);
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  std::string Yaml = readFile(Dir + "/.factoryguard.yaml");
  // Reaches get_websocket_manager through make_agent_service.
  EXPECT_TRUE(hasActiveEntry(Yaml, "startup", "chat::boot::start_services"))
      << Yaml;
  // Registers a route, called from main only, but creates nothing.
  EXPECT_TRUE(hasCommentedEntry(Yaml, "chat::Router::on")) << Yaml;
  EXPECT_FALSE(hasActiveEntry(Yaml, "startup", "chat::Router::on")) << Yaml;
}

TEST(Init, ProposesFactoryClassesSetUpAtStartup) {
  std::string Dir = makeExample("init-setup");
  RunResult R = init(Dir);
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  std::string Yaml = readFile(Dir + "/.factoryguard.yaml");
  EXPECT_NE(Yaml.find("\nfactory-setup:\n"), std::string::npos) << Yaml;
  EXPECT_NE(Yaml.find("\n  - class: chat::EmitterFactory\n"
                      "    setup: [configure]\n"
                      "    required-args: [0]\n"),
            std::string::npos)
      << Yaml;
  // The factory never set up is found with the proposal alone.
  RunResult Run = runFactoryguard(
      {"-p", "build", "--strict-config", "--source-root", Dir}, Dir);
  EXPECT_NE(Run.Out.find("src/registry.cpp:20:16: warning: "
                         "'g_presence_events' is never set up"),
            std::string::npos)
      << Run.Out << Run.Err;
}

TEST(Init, TheProposalPassesStrictConfigOnTheSameCode) {
  std::string Dir = makeExample("init-strict");
  RunResult R = init(Dir);
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  RunResult Run = runFactoryguard(
      {"-p", "build", "--strict-config", "--source-root", Dir}, Dir);
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err << Run.Out;
  EXPECT_EQ(Run.Err.find("matched no"), std::string::npos) << Run.Err;
  // The staging outage is found with the proposal alone.
  EXPECT_NE(Run.Out.find("src/agent_service.cpp:9:25: warning: "
                         "'get_websocket_manager' called in "
                         "'chat::make_agent_service'"),
            std::string::npos)
      << Run.Out;
  RunResult Explain = runFactoryguard(
      {"-p", "build", "--explain-config", "src/handlers.cpp"}, Dir);
  EXPECT_EQ(Explain.ExitCode, 0) << Explain.Err;
  EXPECT_NE(Explain.Out.find("chat::UserExecutionContext"), std::string::npos)
      << Explain.Out;
}

TEST(Init, NeverOverwritesWithoutForce) {
  std::string Dir = makeExample("init-force");
  writeFile(Dir + "/.factoryguard.yaml", "contexts: [mine]\n");
  RunResult R = init(Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_NE(R.Err.find(".factoryguard.yaml"), std::string::npos) << R.Err;
  EXPECT_NE(R.Err.find("--force"), std::string::npos) << R.Err;
  EXPECT_EQ(readFile(Dir + "/.factoryguard.yaml"), "contexts: [mine]\n");

  R = init(Dir, {"--force"});
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(readFile(Dir + "/.factoryguard.yaml").find("chat::"),
            std::string::npos);
}

TEST(Init, WritesWhereOSays) {
  std::string Dir = makeExample("init-o");
  RunResult R = init(Dir, {"-o", "proposed.yaml"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(readFile(Dir + "/proposed.yaml").find("contexts:"),
            std::string::npos);
  EXPECT_FALSE(llvm::sys::fs::exists(Dir + "/.factoryguard.yaml"));
  // An existing -o file is kept too.
  R = init(Dir, {"-o", "proposed.yaml"});
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_NE(R.Err.find("proposed.yaml"), std::string::npos) << R.Err;
  // Standard output.
  R = init(Dir, {"-o", "-"});
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(R.Out.find("contexts:"), std::string::npos) << R.Out;
}

TEST(Init, HelpAndUsageErrors) {
  RunResult R = runFactoryguard({"init", "--help"});
  EXPECT_EQ(R.ExitCode, 0);
  EXPECT_NE(R.Out.find("USAGE: factoryguard init"), std::string::npos) << R.Out;
  EXPECT_NE(R.Out.find("--force"), std::string::npos) << R.Out;
  R = runFactoryguard({"init", "--bogus"});
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("unknown option '--bogus'"), std::string::npos) << R.Err;
}

} // namespace

//===- WholeProgramTest.cpp - call chains across translation units -------===//
//
// testdata/multi-tu is a small program spread over several files; the test
// writes its compile_commands.json into a temporary copy and runs the CLI on
// the whole database.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

using namespace fgtest;

namespace {

/// A copy of testdata/multi-tu with a database of the given units.
std::string makeProject(const std::vector<std::string> &Units) {
  std::string Dir = makeTempDir("multi");
  copyTree(FG_TESTDATA "/multi-tu/.", Dir);
  std::string Flags;
  for (const std::string &F : testdataFlags())
    Flags += " " + F;
  std::string Json = "[\n";
  for (size_t I = 0; I < Units.size(); ++I)
    Json += std::string(I ? ",\n" : "") + "  {\"directory\": \"" + Dir +
            "\", \"command\": \"/usr/bin/clang++-19" + Flags + " -c " + Units[I] +
            " -o " + Units[I] + ".o\", \"file\": \"" + Units[I] + "\"}";
  writeFile(Dir + "/build/compile_commands.json", Json + "\n]\n");
  return Dir;
}

const std::vector<std::string> GoodUnits = {"main.cpp", "startup.cpp", "agents.cpp",
                                            "preloader.cpp", "globals.cpp"};

bool hasNote(const std::vector<Diag> &D, const std::string &File, unsigned Line,
             unsigned Col, const std::string &Text) {
  for (const Diag &X : D)
    if (X.Level == "note" && X.File == File && X.Line == Line && X.Col == Col &&
        X.Message.find(Text) != std::string::npos)
      return true;
  return false;
}

TEST(WholeProgram, ChainFromMainThroughTwoOtherUnits) {
  std::string Dir = makeProject(GoodUnits);
  RunResult R = runFactoryguard({"-p", "build", "--rules=-*,factoryguard-request-scope"}, Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  std::vector<Diag> D = parseTextOutput(R.Out);
  EXPECT_TRUE(hasNote(D, "main.cpp", 3, 5, "call chain 1/4: 'main' runs at start-up")) << R.Out;
  EXPECT_TRUE(hasNote(D, "main.cpp", 6, 3, "call chain 2/4: 'main' calls 'app::start_services'")) << R.Out;
  EXPECT_TRUE(hasNote(D, "startup.cpp", 4, 25,
                      "call chain 3/4: 'app::start_services' calls 'app::load_agents'")) << R.Out;
  EXPECT_TRUE(hasNote(D, "agents.cpp", 5, 18, "call chain 4/4: 'get_websocket_manager' called in 'app::load_agents'")) << R.Out;
}

TEST(WholeProgram, StaticInitializerConstructsObjectWhoseConstructorIsElsewhere) {
  std::string Dir = makeProject(GoodUnits);
  RunResult R = runFactoryguard({"-p", "build", "--rules=-*,factoryguard-request-scope"}, Dir);
  std::vector<Diag> D = parseTextOutput(R.Out);
  bool Finding = false;
  for (const Diag &X : D)
    Finding |= X.Level == "warning" && X.File == "preloader.cpp" && X.Line == 4 && X.Col == 41;
  EXPECT_TRUE(Finding) << R.Out;
  EXPECT_TRUE(hasNote(D, "globals.cpp", 5, 11, "call chain 1/3: the static initialization of 'g_preloader' runs before main")) << R.Out;
  EXPECT_TRUE(hasNote(D, "globals.cpp", 5, 11, "call chain 2/3: 'g_preloader' calls 'app::Preloader::Preloader'")) << R.Out;
}

TEST(WholeProgram, RequestHandlerLambdaInMainIsNotChained) {
  std::string Dir = makeProject(GoodUnits);
  RunResult R = runFactoryguard({"-p", "build"}, Dir);
  for (const Diag &X : parseTextOutput(R.Out)) {
    EXPECT_EQ(X.Message.find("lambda"), std::string::npos) << X.Message;
    EXPECT_FALSE(X.File == "agents.cpp" && X.Line == 8) << "serve() has a context: " << X.Message;
  }
  unsigned Warnings = 0;
  for (const Diag &X : parseTextOutput(R.Out))
    Warnings += X.Level == "warning";
  // load_agents: request-scope + null-context; Preloader: both; g_preloader
  // holds no manager.
  EXPECT_EQ(Warnings, 4u) << R.Out;
}

TEST(WholeProgram, OutputDoesNotDependOnJobs) {
  std::string Dir = makeProject(GoodUnits);
  RunResult J1 = runFactoryguard({"-p", "build", "-j1"}, Dir);
  RunResult J2 = runFactoryguard({"-p", "build", "-j2"}, Dir);
  EXPECT_EQ(J1.ExitCode, 1);
  EXPECT_EQ(J1.Out, J2.Out);
  EXPECT_FALSE(J1.Out.empty());
  RunResult S1 = runFactoryguard({"-p", "build", "-j1", "--format", "sarif"}, Dir);
  RunResult S2 = runFactoryguard({"-p", "build", "-j2", "--format", "sarif"}, Dir);
  EXPECT_EQ(S1.Out, S2.Out);
  EXPECT_NE(S1.Out.find("\"codeFlows\""), std::string::npos);
}

TEST(WholeProgram, BrokenUnitAmongGoodOnes) {
  std::vector<std::string> Units = GoodUnits;
  Units.insert(Units.begin() + 2, "broken.cpp");
  std::string Dir = makeProject(Units);
  for (const char *J : {"-j1", "-j2"}) {
    RunResult R = runFactoryguard({"-p", "build", J, "-o", "report.txt"}, Dir);
    EXPECT_EQ(R.ExitCode, 3) << R.Err;
    EXPECT_NE(R.Err.find("broken.cpp: error: translation unit could not be analyzed"),
              std::string::npos) << R.Err;
    EXPECT_NE(R.Err.find("undefined_function"), std::string::npos) << R.Err;
    // The good units are still analyzed, chains included.
    std::string Report = readFile(Dir + "/report.txt");
    EXPECT_NE(Report.find("call chain 4/4"), std::string::npos) << Report;
  }
}

} // namespace

namespace {
TEST(WholeProgram, ExampleProjectShowsTheCrossFileChain) {
  std::string Example = FG_TESTDATA "/example";
  // Its own build directory: tests run in parallel.
  std::string Build = makeTempDir("exbuild");
  RunResult Cfg = runProgram("/usr/bin/cmake", {"-S", Example, "-B", Build,
                                                "-DCMAKE_CXX_COMPILER=clang++-19"});
  ASSERT_EQ(Cfg.ExitCode, 0) << Cfg.Err;
  RunResult R = runFactoryguard({"-p", Build}, Example);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  std::vector<Diag> D = parseTextOutput(R.Out);
  EXPECT_TRUE(hasNote(D, "src/main.cpp", 9, 3,
                      "call chain 2/4: 'main' calls 'chat::boot::start_services'")) << R.Out;
  EXPECT_TRUE(hasNote(D, "src/boot.cpp", 8, 25,
                      "call chain 3/4: 'chat::boot::start_services' calls 'chat::make_agent_service'")) << R.Out;
  unsigned Warnings = 0;
  for (const Diag &X : D)
    Warnings += X.Level == "warning";
  EXPECT_EQ(Warnings, 6u) << R.Out;
}
} // namespace

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
  std::string Dir = makeProject("multi-tu", GoodUnits, "multi");
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
  std::string Dir = makeProject("multi-tu", GoodUnits, "multi");
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
  std::string Dir = makeProject("multi-tu", GoodUnits, "multi");
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
  std::string Dir = makeProject("multi-tu", GoodUnits, "multi");
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
  std::string Dir = makeProject("multi-tu", Units, "multi");
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
  // The seven of the three incidents and the unset emitter factory, and the
  // compatibility wrapper's static "system" context.
  EXPECT_EQ(Warnings, 8u) << R.Out;
}
} // namespace

//===----------------------------------------------------------------------===//
// "In request scope" by inference over the whole program (SPEC §1), and one
// root per program: testdata/whole-program.
//===----------------------------------------------------------------------===//
namespace {

const std::vector<std::string> WebUnits = {"handlers.cpp", "helpers.cpp",
                                           "boot.cpp"};

bool hasWarning(const std::vector<Diag> &D, const std::string &File,
                unsigned Line, const std::string &Text = "") {
  for (const Diag &X : D)
    if (X.Level == "warning" && X.File == File && X.Line == Line &&
        X.Rule == "factoryguard-request-scope" &&
        X.Message.find(Text) != std::string::npos)
      return true;
  return false;
}

std::vector<Diag> runWeb(const std::vector<std::string> &Units, RunResult &R) {
  std::string Dir = makeProject("whole-program", Units, "multi");
  R = runFactoryguard({"-p", "build", "--rules=-*,factoryguard-request-scope"},
                      Dir);
  return parseTextOutput(R.Out);
}

TEST(WholeProgram, HelperInAnotherUnitCalledOnlyFromHandlersIsInRequestScope) {
  RunResult R;
  std::vector<Diag> D = runWeb(WebUnits, R);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_FALSE(hasWarning(D, "helpers.cpp", 4)) << R.Out; // render_reply
  // Mutual recursion among handler-only helpers stays in request scope.
  EXPECT_FALSE(hasWarning(D, "helpers.cpp", 8)) << R.Out; // walk_a
}

TEST(WholeProgram, HelperAlsoCalledFromStartupIsAFindingWithItsChain) {
  RunResult R;
  std::vector<Diag> D = runWeb(WebUnits, R);
  EXPECT_TRUE(hasWarning(D, "helpers.cpp", 5,
                         "'make_manager' called in 'web::render_banner', which "
                         "has no UserExecutionContext in scope and is not "
                         "called only from request handlers; it runs at "
                         "start-up (see the call chain), outside any "
                         "request: create the manager per request, from the "
                         "request's context, or move this work into the "
                         "request path"))
      << R.Out;
  EXPECT_TRUE(hasNote(D, "boot.cpp", 4, 6,
                      "call chain 1/3: 'web::boot' is start-up code"))
      << R.Out;
  EXPECT_TRUE(hasNote(D, "boot.cpp", 4, 15,
                      "call chain 2/3: 'web::boot' calls 'web::render_banner'"))
      << R.Out;
  // Without boot.cpp every call of render_banner is from a handler.
  D = runWeb({"handlers.cpp", "helpers.cpp"}, R);
  EXPECT_FALSE(hasWarning(D, "helpers.cpp", 5)) << R.Out;
}

TEST(WholeProgram, AddressTakenIntoStdFunctionIsAFinding) {
  RunResult R;
  std::vector<Diag> D = runWeb(WebUnits, R);
  EXPECT_TRUE(hasWarning(D, "helpers.cpp", 6, "'web::render_stored'")) << R.Out;
}

TEST(WholeProgram, VirtualIsAFinding) {
  RunResult R;
  std::vector<Diag> D = runWeb(WebUnits, R);
  EXPECT_TRUE(hasWarning(D, "helpers.cpp", 16, "'web::Page::draw'")) << R.Out;
  unsigned Warnings = 0;
  for (const Diag &X : D)
    Warnings += X.Level == "warning";
  EXPECT_EQ(Warnings, 3u) << R.Out; // render_banner, render_stored, draw
}

TEST(WholeProgram, EachProgramsMainIsItsOwnRoot) {
  RunResult R;
  std::vector<Diag> D =
      runWeb({"main_a.cpp", "tool_a.cpp", "main_b.cpp", "tool_b.cpp"}, R);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_TRUE(hasWarning(D, "tool_a.cpp", 4, "'web::run_a'")) << R.Out;
  EXPECT_TRUE(hasWarning(D, "tool_b.cpp", 4, "'web::run_b'")) << R.Out;
  EXPECT_TRUE(hasNote(D, "main_a.cpp", 3, 5, "call chain 1/3: 'main' runs at start-up")) << R.Out;
  EXPECT_TRUE(hasNote(D, "main_a.cpp", 4, 3, "call chain 2/3: 'main' calls 'web::run_a'")) << R.Out;
  EXPECT_TRUE(hasNote(D, "main_b.cpp", 3, 5, "call chain 1/3: 'main' runs at start-up")) << R.Out;
  EXPECT_TRUE(hasNote(D, "main_b.cpp", 4, 3, "call chain 2/3: 'main' calls 'web::run_b'")) << R.Out;
  // No chain of one program starts in the other's main.
  unsigned Roots = 0;
  for (const Diag &X : D)
    Roots += X.Level == "note" && X.Message.find("call chain 1/") != std::string::npos;
  EXPECT_EQ(Roots, 2u) << R.Out;
}

// factoryguard-unconfigured-factory, case 3: a static factory object is
// "never set up" only when no unit of the program sets it up; the
// factory-method calls of every unit are its notes.
TEST(WholeProgram, StaticFactoryObjectSetUpInAnotherUnit) {
  const std::vector<std::string> Rule = {
      "-p", "build", "--rules=-*,factoryguard-unconfigured-factory"};
  std::string Dir = makeProject(
      "factory-setup", {"bridges.cpp", "boot.cpp", "handlers.cpp"}, "multi");
  RunResult R = runFactoryguard(Rule, Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  std::vector<Diag> D = parseTextOutput(R.Out);
  unsigned Warnings = 0;
  for (const Diag &X : D)
    Warnings += X.Level == "warning";
  EXPECT_EQ(Warnings, 1u) << R.Out;
  EXPECT_NE(R.Out.find("bridges.cpp:5:41: warning: 'factory' is never set "
                       "up: no call of 'configure' on it anywhere in the "
                       "program, yet 'create_user_emitter' is called on it"),
            std::string::npos)
      << R.Out;
  EXPECT_TRUE(hasNote(D, "handlers.cpp", 6, 16,
                      "'create_user_emitter' called on 'factory' here"))
      << R.Out;

  // Without the unit that sets g_bridges up, it is never set up either.
  Dir = makeProject("factory-setup", {"bridges.cpp", "handlers.cpp"}, "multi");
  R = runFactoryguard(Rule, Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  D = parseTextOutput(R.Out);
  EXPECT_NE(R.Out.find("bridges.cpp:4:31: warning: 'g_bridges' is never set "
                       "up"),
            std::string::npos)
      << R.Out;
  EXPECT_TRUE(hasNote(D, "handlers.cpp", 5, 17,
                      "'create_user_emitter' called on 'g_bridges' here"))
      << R.Out;

  // The same from the cache: the facts of every unit are kept.
  R = runFactoryguard(Rule, Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Out.find("bridges.cpp:4:31: warning: 'g_bridges' is never set "
                       "up"),
            std::string::npos)
      << R.Out;

  // Nobody calls a factory method on them: nothing to report.
  Dir = makeProject("factory-setup", {"bridges.cpp", "boot.cpp"}, "multi");
  R = runFactoryguard(Rule, Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
}

} // namespace

//===- CliTest.cpp - command line, exit codes, bad input -----------------===//
#include "CommandLine.h"
#include "TestHarness.h"

#include "Rules.h"

#include "llvm/Support/FileSystem.h"

using namespace fgtest;

namespace {


const char *BadUnit = "#include \"netra/netra.h\"\nvoid broken( { this is not C++ }\n";
const char *GoodUnit = "#include \"netra/netra.h\"\n"
                       "netra::WebSocketManager *g_slot = nullptr;\n";

TEST(Cli, VersionHelpAndRules) {
  RunResult R = runFactoryguard({"--version"});
  EXPECT_EQ(R.ExitCode, 0);
  EXPECT_NE(R.Out.find("factoryguard 0."), std::string::npos) << R.Out;
  R = runFactoryguard({"--help"});
  EXPECT_EQ(R.ExitCode, 0);
  EXPECT_NE(R.Out.find("--fail-on"), std::string::npos);
  EXPECT_NE(R.Out.find("--changed "), std::string::npos);
  EXPECT_NE(R.Out.find("--show-mapping "), std::string::npos);
  R = runFactoryguard({"--list-rules"});
  EXPECT_EQ(R.ExitCode, 0);
  // Every row of matchers/Rules.def, and nothing else.
  std::string Expected;
  for (const factoryguard::RuleInfo &Rule : factoryguard::allRules())
    Expected += std::string(Rule.Id) + "  " + Rule.ShortDescription + "\n";
  EXPECT_EQ(R.Out, Expected);
}

TEST(Cli, ExplainPrintsTheDocPage) {
  for (const factoryguard::RuleInfo &Rule : factoryguard::allRules()) {
    std::string Id = Rule.Id;
    RunResult R = runFactoryguard({"--explain", Id});
    EXPECT_EQ(R.ExitCode, 0);
    std::string Doc = readFile(std::string(FG_SOURCE_DIR "/docs/rules/") + Id + ".md");
    EXPECT_EQ(R.Out, Doc) << "docs/rules/" << Id << ".md differs from --explain";
    EXPECT_NE(R.Out.find("## Bad"), std::string::npos);
    EXPECT_NE(R.Out.find("## Good"), std::string::npos);
  }
  EXPECT_EQ(runFactoryguard({"--explain", "no-such-rule"}).ExitCode, 2);
}

TEST(Cli, SourceLinesOfCarriageReturnFilesAreTheReportedOnes) {
  // Clang ends a line at \r as well: the text report shows the line the
  // location names, as SARIF does (one line index for both).
  std::string Dir = makeTempDir("cr");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/cr.cpp", "#include \"netra/netra.h\"\r"
                             "void f() {\r"
                             "  auto m = netra::create_websocket_manager(0);\r"
                             "}\r");
  RunResult R = runFactoryguard(
      withFlags({"--rules=-*,factoryguard-null-context", "cr.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Out.find("cr.cpp:3:44: warning: "), std::string::npos) << R.Out;
  EXPECT_NE(R.Out.find("\n  auto m = netra::create_websocket_manager(0);\n"),
            std::string::npos)
      << R.Out;
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(runFactoryguard({"--format", "xml", "a.cpp"}).ExitCode, 2);
  EXPECT_EQ(runFactoryguard({"--no-such-option"}).ExitCode, 2);
  EXPECT_EQ(runFactoryguard({"-j", "zero"}).ExitCode, 2);
  EXPECT_EQ(runFactoryguard({"--fail-on", "sometimes"}).ExitCode, 2);
  RunResult R = runFactoryguard({"--config"});
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("needs a value"), std::string::npos);
  R = runFactoryguard({"--show-mapping", "a.cpp"});
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("--show-mapping goes with --changed"), std::string::npos)
      << R.Err;
  EXPECT_EQ(
      runFactoryguard({"--changed", "--explain-config", "a.cpp"}).ExitCode, 2);
}

TEST(Cli, CleanCodeExitsZeroFindingsExitOne) {
  std::string Dir = makeTempDir("exit");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/clean.cpp", "#include \"netra/netra.h\"\nint g_count = 0;\n");
  writeFile(Dir + "/bad.cpp", GoodUnit);
  EXPECT_EQ(runFactoryguard(withFlags({"clean.cpp"}), Dir).ExitCode, 0);
  EXPECT_EQ(runFactoryguard(withFlags({"bad.cpp"}), Dir).ExitCode, 1);
}

TEST(Cli, BrokenUnitIsReportedOthersAreStillAnalyzed) {
  std::string Dir = makeTempDir("broken");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/bad.cpp", BadUnit);
  writeFile(Dir + "/good.cpp", GoodUnit);
  for (const char *J : {"-j1", "-j2"}) {
    RunResult R = runFactoryguard(withFlags({J, "bad.cpp", "good.cpp"}), Dir);
    EXPECT_EQ(R.ExitCode, 3) << R.Err;
    EXPECT_NE(R.Err.find("bad.cpp: error: translation unit could not be analyzed"),
              std::string::npos)
        << R.Err;
    EXPECT_NE(R.Out.find("good.cpp:2:26: warning: 'g_slot'"), std::string::npos) << R.Out;
  }
}

TEST(Cli, MissingFileIsNamedOthersAreStillAnalyzed) {
  std::string Dir = makeTempDir("missing");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/good.cpp", GoodUnit);
  RunResult R = runFactoryguard(withFlags({"nope.cpp", "good.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 3);
  EXPECT_NE(R.Err.find("no such file or directory: 'nope.cpp'"), std::string::npos) << R.Err;
  EXPECT_NE(R.Out.find("good.cpp:2:26"), std::string::npos) << R.Out;
}

TEST(Cli, NoCompilationDatabaseSaysWhereItLooked) {
  std::string Dir = makeTempDir("nodb");
  writeFile(Dir + "/a.cpp", "int x;\n");
  RunResult R = runFactoryguard({"a.cpp"}, Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("no compile_commands.json found; looked in:"), std::string::npos) << R.Err;
  EXPECT_NE(R.Err.find(Dir + "/compile_commands.json"), std::string::npos) << R.Err;
  EXPECT_NE(R.Err.find(Dir + "/build/compile_commands.json"), std::string::npos) << R.Err;
  R = runFactoryguard({"-p", Dir + "/nowhere", "a.cpp"}, Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("nowhere"), std::string::npos) << R.Err;
}

TEST(Cli, BrokenCompilationDatabaseIsNamed) {
  std::string Dir = makeTempDir("baddb");
  writeFile(Dir + "/build/compile_commands.json", "[ { \"directory\": ");
  writeFile(Dir + "/a.cpp", "int x;\n");
  RunResult R = runFactoryguard({"a.cpp"}, Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find(Dir + "/build/compile_commands.json"), std::string::npos) << R.Err;
}

TEST(Cli, DatabaseFoundUpwardAndInBuildWithDirectoryArguments) {
  std::string Dir = makeTempDir("db");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/src/a.cpp", GoodUnit);
  writeFile(Dir + "/src/b.cpp", "#include \"netra/netra.h\"\nint g_plain = 1;\n");
  std::string Flags;
  for (const std::string &F : testdataFlags())
    Flags += " " + F;
  writeFile(Dir + "/build/compile_commands.json",
            "[{\"directory\": \"" + Dir + "/src\", \"command\": \"clang++-19" + Flags +
                " -c a.cpp\", \"file\": \"a.cpp\"},\n"
                " {\"directory\": \"" + Dir + "/src\", \"command\": \"clang++-19" + Flags +
                " -c b.cpp\", \"file\": \"b.cpp\"}]\n");
  // No file: every unit of the database; run from a subdirectory.
  RunResult R = runFactoryguard({}, Dir + "/src");
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Out.find("a.cpp:2:26: warning"), std::string::npos) << R.Out << R.Err;
  // A directory argument selects the units under it.
  R = runFactoryguard({"-p", "build", "src"}, Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Out.find("src/a.cpp:2:26: warning"), std::string::npos) << R.Out << R.Err;
  // A header not in the database gets an inferred command.
  writeFile(Dir + "/src/slot.h", "#pragma once\n#include \"netra/netra.h\"\n"
                                 "inline netra::WebSocketManager *g_header_slot = nullptr;\n");
  R = runFactoryguard({"-p", "build", "src/slot.h"}, Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Out << R.Err;
  EXPECT_NE(R.Out.find("src/slot.h:3:33: warning"), std::string::npos) << R.Out << R.Err;
}

TEST(Cli, MalformedConfigExitsTwoNamingLineAndColumn) {
  std::string Dir = makeTempDir("badcfg");
  writeFile(Dir + "/.factoryguard.yaml", "contexts: [netra::UserExecutionContext]\nmanagrs: [x]\n");
  writeFile(Dir + "/a.cpp", GoodUnit);
  RunResult R = runFactoryguard(withFlags({"a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find(Dir + "/.factoryguard.yaml:2:1: error:"), std::string::npos) << R.Err;
  EXPECT_TRUE(R.Out.empty()) << "nothing may be analyzed: " << R.Out;
  writeFile(Dir + "/.factoryguard.yaml", "managers: [\"regex:netra::(\"]\n");
  R = runFactoryguard(withFlags({"a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find(".factoryguard.yaml:1:"), std::string::npos) << R.Err;
}

TEST(Cli, OddPathsWithSpacesAndNonAscii) {
  std::string Dir = makeTempDir("odd");
  std::string Sub = Dir + "/my src/ünï";
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Sub + "/a b.cpp", GoodUnit);
  RunResult R = runFactoryguard(withFlags({"my src/ünï/a b.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Out.find("my src/ünï/a b.cpp:2:26: warning"), std::string::npos) << R.Out;
}

TEST(Cli, OutputFileIsWrittenWholeOrNotAtAll) {
  std::string Dir = makeTempDir("out");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/a.cpp", GoodUnit);
  RunResult R = runFactoryguard(withFlags({"-o", "report.txt", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1);
  EXPECT_TRUE(R.Out.empty());
  EXPECT_NE(readFile(Dir + "/report.txt").find("a.cpp:2:26: warning"), std::string::npos);
  R = runFactoryguard(withFlags({"-o", "no/such/dir/report.txt", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_FALSE(llvm::sys::fs::exists(Dir + "/no"));
}

} // namespace

namespace {
TEST(Cli, ExcludedPathsAreNotReported) {
  std::string Dir = makeTempDir("exclude");
  writeFile(Dir + "/.factoryguard.yaml",
            "managers: [netra::WebSocketManager]\nexclude: [third_party, \"regex:.*/gen/.*\"]\n");
  const char *Unit = "#include \"netra/netra.h\"\nnetra::WebSocketManager *g_slot = nullptr;\n";
  writeFile(Dir + "/third_party/lib.cpp", Unit);
  writeFile(Dir + "/gen/out.cpp", Unit);
  writeFile(Dir + "/src/own.cpp", Unit);
  std::vector<std::string> Args = {"third_party/lib.cpp", "gen/out.cpp", "src/own.cpp", "--"};
  for (const std::string &F : testdataFlags())
    Args.push_back(F);
  RunResult R = runFactoryguard(Args, Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  std::vector<Diag> D = parseTextOutput(R.Out);
  ASSERT_EQ(D.size(), 1u) << R.Out;
  EXPECT_EQ(D[0].File, "src/own.cpp");
}
// The one reader of the CLI's, audit's and lsp's arguments.
TEST(ArgReader, ValuesSeparateJoinedGluedAndAfterDashDash) {
  factoryguard::ArgReader R({"-pbuild", "--config=c.yaml", "-o", "out", "--fix",
                             "a.cpp", "-j", "", "--", "-DX"},
                            {"-p", "--config", "-o", "-j"}, {"-j"});
  std::vector<std::string> Seen;
  while (R.next())
    Seen.push_back(R.name() + "=" + R.value() + "|" + R.error());
  EXPECT_EQ(Seen, (std::vector<std::string>{
                      "-p=build|", "--config=c.yaml|", "-o=out|", "--fix=|",
                      "a.cpp=|", "-j=|option '-j' needs a non-empty value"}));
  EXPECT_TRUE(R.afterDashDash());
  EXPECT_EQ(R.rest(), std::vector<std::string>{"-DX"});
  factoryguard::ArgReader Missing({"--config"}, {"--config"}, {});
  ASSERT_TRUE(Missing.next());
  EXPECT_EQ(Missing.error(), "option '--config' needs a value");
  EXPECT_FALSE(Missing.next());
  EXPECT_FALSE(Missing.afterDashDash());
  EXPECT_TRUE(Missing.rest().empty());
}

} // namespace

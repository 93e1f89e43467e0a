//===- SarifCliTest.cpp - the CLI's SARIF, validated; baseline; workflow -===//
//
// Runs the real CLI with --format sarif on every testdata file and on the
// example project and feeds the reports to the real validators (the
// Microsoft SARIF multitool with GitHub's rules, and the official schema
// through ajv); checks --baseline across an edit; validates the GitHub
// workflow with action-validator.
//
//===----------------------------------------------------------------------===//
#include "Rules.h"
#include "SarifValidate.h"
#include "TestHarness.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

using namespace fgtest;

namespace {


void expectValid(const std::string &Sarif) {
  if (factoryguard::test::sarifValidatorsSkipped())
    GTEST_SKIP() << "FACTORYGUARD_SKIP_SARIF_VALIDATORS is set";
  std::vector<std::string> Problems = factoryguard::test::validateSarifFile(Sarif);
  EXPECT_TRUE(Problems.empty()) << Sarif << ":\n"
                                << factoryguard::test::join(Problems);
}

TEST(SarifCli, EveryTestdataFileValidates) {
  std::string Dir = makeTempDir("sarifall");
  std::error_code EC;
  unsigned Files = 0;
  for (llvm::sys::fs::directory_iterator It(FG_TESTDATA "/rules", EC), End; It != End && !EC;
       It.increment(EC)) {
    if (llvm::sys::path::extension(It->path()) != ".cpp")
      continue;
    ++Files;
    std::string Out = Dir + "/" + llvm::sys::path::stem(It->path()).str() + ".sarif";
    RunResult R = runFactoryguard(
        withFlags({"--format", "sarif", "-o", Out, "--source-root", FG_SOURCE_DIR, It->path()}));
    EXPECT_EQ(R.ExitCode, 1) << It->path() << R.Err;
    nlohmann::json J = nlohmann::json::parse(readFile(Out));
    EXPECT_FALSE(J["runs"][0]["results"].empty()) << Out;
    expectValid(Out);
  }
  EXPECT_GE(Files, 4u);
}

TEST(SarifCli, ExampleProjectValidatesAndCarriesEveryField) {
  std::string Example = FG_TESTDATA "/example";
  // Its own build directory: tests run in parallel.
  std::string Build = makeTempDir("exbuild2");
  RunResult Cfg = runProgram("/usr/bin/cmake", {"-S", Example, "-B", Build,
                                                "-DCMAKE_CXX_COMPILER=clang++-19"});
  ASSERT_EQ(Cfg.ExitCode, 0) << Cfg.Err;
  std::string Out = makeTempDir("sarifexample") + "/example.sarif";
  RunResult R = runFactoryguard({"-p", Build, "--format", "sarif", "-o", Out,
                                 "--source-root", Example, "--category", "backend/"},
                                Example);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  nlohmann::json J = nlohmann::json::parse(readFile(Out));
  const nlohmann::json &Run = J["runs"][0];
  EXPECT_EQ(Run["automationDetails"]["id"], "backend/");
  EXPECT_EQ(Run["tool"]["driver"]["rules"].size(),
            factoryguard::allRules().size());
  bool Flow = false, Fix = false, Related = false;
  for (const nlohmann::json &Res : Run["results"]) {
    EXPECT_TRUE(Res.contains("partialFingerprints"));
    std::string Uri = Res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    EXPECT_EQ(Uri.rfind("src/", 0), 0u) << Uri; // relative to the source root
    Flow |= Res.contains("codeFlows");
    Fix |= Res.contains("fixes");
    Related |= Res.contains("relatedLocations");
  }
  EXPECT_TRUE(Flow && Fix && Related);
  expectValid(Out);
}

TEST(SarifCli, PathsWithSpacesAndNonAsciiAreEncoded) {
  std::string Dir = makeTempDir("sarifodd");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/my src/grüße/a b.cpp",
            "#include \"netra/netra.h\"\nnetra::WebSocketManager *g_slot = nullptr;\n");
  RunResult R = runFactoryguard(
      withFlags({"--format", "sarif", "-o", "r.sarif", "--source-root", Dir,
                 "my src/grüße/a b.cpp"}),
      Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  std::string Text = readFile(Dir + "/r.sarif");
  EXPECT_NE(Text.find("\"my%20src/gr%C3%BC%C3%9Fe/a%20b.cpp\""), std::string::npos) << Text;
  expectValid(Dir + "/r.sarif");
}

TEST(SarifCli, SuppressedFindingsCarryInSourceSuppressions) {
  std::string Out = makeTempDir("sarifsupp") + "/s.sarif";
  runFactoryguard(withFlags({"--format", "sarif", "-o", Out,
                             FG_TESTDATA "/rules/factoryguard-static-singleton.cpp"}));
  nlohmann::json J = nlohmann::json::parse(readFile(Out));
  unsigned Suppressed = 0;
  for (const nlohmann::json &Res : J["runs"][0]["results"])
    if (Res.contains("suppressions")) {
      EXPECT_EQ(Res["suppressions"][0]["kind"], "inSource");
      ++Suppressed;
    }
  EXPECT_EQ(Suppressed, 5u); // the NOLINT cases of the testdata file
}

TEST(SarifCli, BaselineKeepsOldFindingsAcrossEditsAndReportsNewOnes) {
  std::string Dir = makeTempDir("baseline");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  std::string Old = "#include \"netra/netra.h\"\n"
                    "netra::WebSocketManager *g_old = nullptr;\n"
                    "void warm() { auto m = netra::get_websocket_manager(); }\n";
  writeFile(Dir + "/a.cpp", Old);
  RunResult Base = runFactoryguard(withFlags({"--format", "sarif", "-o", "base.sarif", "a.cpp"}), Dir);
  EXPECT_EQ(Base.ExitCode, 1) << Base.Err;
  // Unchanged: nothing new.
  RunResult Same = runFactoryguard(withFlags({"--baseline", "base.sarif", "a.cpp"}), Dir);
  EXPECT_EQ(Same.ExitCode, 0) << Same.Out;
  EXPECT_TRUE(parseTextOutput(Same.Out).empty()) << Same.Out;
  // Lines inserted above the old findings keep them baselined; a new one is
  // reported and decides the exit code.
  writeFile(Dir + "/a.cpp", "// a comment\n// another\n\n" + Old +
                                "netra::WebSocketManager *g_new = nullptr;\n");
  RunResult Next = runFactoryguard(withFlags({"--baseline", "base.sarif", "a.cpp"}), Dir);
  EXPECT_EQ(Next.ExitCode, 1);
  std::vector<Diag> D = parseTextOutput(Next.Out);
  unsigned Warnings = 0;
  for (const Diag &X : D)
    if (X.Level == "warning") {
      ++Warnings;
      EXPECT_NE(X.Message.find("g_new"), std::string::npos) << X.Message;
    }
  EXPECT_EQ(Warnings, 1u) << Next.Out;
  // A missing baseline is a usage error.
  EXPECT_EQ(runFactoryguard(withFlags({"--baseline", "nope.sarif", "a.cpp"}), Dir).ExitCode, 2);
}

TEST(SarifCli, BaselineThatIsNotASarifLogIsRefusedNamingIt) {
  // A baseline is input (SPEC §7): one that cannot be read as a SARIF log
  // must stop the run, never hide findings. It is read like every JSON
  // input, nesting bounded: a deep one is refused, not parsed.
  std::string Dir = makeTempDir("badbaseline");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/a.cpp", "#include \"netra/netra.h\"\n"
                            "netra::WebSocketManager *g_old = nullptr;\n");
  std::string Deep =
      "{\"runs\": " + std::string(300, '[') + std::string(300, ']') + "}";
  const std::pair<const char *, std::string> Cases[] = {
      {"cut.sarif", "{\"runs\": [{\"results\": ["},
      {"deep.sarif", Deep},
      {"latin1.sarif", "{\"runs\": [], \"x\": \"\xe9\"}"},
      {"array.sarif", "[{\"runs\": []}]"},
      {"noruns.sarif", "{\"version\": \"2.1.0\"}"}};
  for (const auto &[Name, Text] : Cases) {
    writeFile(Dir + "/" + Name, Text);
    RunResult R =
        runFactoryguard(withFlags({"--baseline", Name, "a.cpp"}), Dir);
    EXPECT_EQ(R.ExitCode, 2) << Name << ": " << R.Err;
    EXPECT_NE(R.Err.find(std::string("baseline '") + Name + "' is not"),
              std::string::npos)
        << R.Err;
    EXPECT_EQ(R.Out, "") << Name;
  }
  // Results of odd shape are skipped, the well-formed one still counts.
  writeFile(Dir + "/odd.sarif",
            "{\"runs\": [7, {\"results\": {}}, {\"results\": [1, {}, "
            "{\"partialFingerprints\": {\"factoryguard/v1\": 5}}]}]}");
  RunResult Odd =
      runFactoryguard(withFlags({"--baseline", "odd.sarif", "a.cpp"}), Dir);
  EXPECT_EQ(Odd.ExitCode, 1) << Odd.Err;
}

TEST(SarifCli, FailedUnitIsAToolExecutionNotification) {
  std::string Dir = makeTempDir("sariffail");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/bad.cpp", "void broken( {\n");
  writeFile(Dir + "/good.cpp", "#include \"netra/netra.h\"\nnetra::WebSocketManager *g = nullptr;\n");
  RunResult R = runFactoryguard(withFlags({"--format", "sarif", "-o", "r.sarif", "--source-root",
                                           Dir, "bad.cpp", "good.cpp"}),
                                Dir);
  EXPECT_EQ(R.ExitCode, 3);
  nlohmann::json J = nlohmann::json::parse(readFile(Dir + "/r.sarif"));
  const nlohmann::json &Inv = J["runs"][0]["invocations"][0];
  EXPECT_EQ(Inv["executionSuccessful"], false);
  ASSERT_EQ(Inv["toolExecutionNotifications"].size(), 1u);
  EXPECT_NE(Inv["toolExecutionNotifications"][0].dump().find("bad.cpp"), std::string::npos);
  EXPECT_EQ(J["runs"][0]["results"].size(), 1u);
  expectValid(Dir + "/r.sarif");
}

TEST(Workflow, GithubWorkflowValidates) {
  std::string Validator = FG_SOURCE_DIR "/ci/.tools/node_modules/.bin/action-validator";
  ASSERT_TRUE(llvm::sys::fs::exists(Validator)) << "run ci/install.sh";
  RunResult R = runProgram(Validator, {FG_SOURCE_DIR "/ci/github/factoryguard.yml"});
  EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
  std::string Workflow = readFile(FG_SOURCE_DIR "/ci/github/factoryguard.yml");
  // upload-sarif@v3 is deprecated in December 2026: v4 in both workflows.
  EXPECT_NE(Workflow.find("github/codeql-action/upload-sarif@v4"),
            std::string::npos);
  EXPECT_NE(Workflow.find("--format sarif"), std::string::npos);
  // The validator does catch a broken workflow.
  std::string Bad = makeTempDir("wf") + "/bad.yml";
  writeFile(Bad, "name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
                 "    steps:\n      - uses: actions/checkout@v4\n        bogus: 1\n");
  EXPECT_NE(runProgram(Validator, {Bad}).ExitCode, 0);
}

/// The annotation step's command (its block's `jq` line) of a workflow.
std::string annotationCommand(const std::string &Workflow) {
  std::string Text = readFile(Workflow);
  size_t At = Text.find("run: |\n");
  if (At != std::string::npos)
    At = Text.find("jq -r ", At);
  EXPECT_NE(At, std::string::npos) << Workflow << " has no annotation step";
  if (At == std::string::npos)
    return "false";
  return Text.substr(At, Text.find('\n', At) - At);
}

TEST(Workflow, UnitsThatCouldNotBeAnalyzedBecomeAnnotations) {
  // GitHub does not show an uploaded report's toolExecutionNotifications:
  // the workflows turn them into warning annotations. Their command, run
  // with jq on the real CLI's reports.
  std::string Dir = makeTempDir("wf-annotations");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/bad.cpp", "void broken( {\n");
  writeFile(Dir + "/good.cpp", "#include \"netra/netra.h\"\n"
                               "netra::WebSocketManager *g = nullptr;\n");
  for (const char *Name : {"factoryguard.yml", "factoryguard-matrix.yml"}) {
    std::string Command =
        annotationCommand(FG_SOURCE_DIR "/ci/github/" + std::string(Name));
    RunResult Failed = runFactoryguard(
        withFlags({"--format", "sarif", "-o", "factoryguard.sarif",
                   "--source-root", Dir, "--unit-errors", "report", "bad.cpp",
                   "good.cpp"}),
        Dir);
    EXPECT_EQ(Failed.ExitCode, 1) << Failed.Err;
    RunResult Shown = runProgram("/bin/bash", {"-c", Command}, Dir);
    EXPECT_EQ(Shown.ExitCode, 0) << Shown.Err;
    EXPECT_EQ(Shown.Out.rfind("::warning file=bad.cpp::factoryguard could "
                              "not analyze this unit: ",
                              0),
              0u)
        << Name << ":\n"
        << Shown.Out << Shown.Err;
    EXPECT_EQ(std::count(Shown.Out.begin(), Shown.Out.end(), '\n'), 1)
        << Shown.Out;

    RunResult Clean = runFactoryguard(
        withFlags({"--format", "sarif", "-o", "factoryguard.sarif",
                   "--source-root", Dir, "good.cpp"}),
        Dir);
    EXPECT_EQ(Clean.ExitCode, 1) << Clean.Err;
    RunResult None = runProgram("/bin/bash", {"-c", Command}, Dir);
    EXPECT_EQ(None.ExitCode, 0) << None.Err;
    EXPECT_EQ(None.Out, "") << Name;
  }
}

} // namespace

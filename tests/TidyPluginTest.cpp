//===- TidyPluginTest.cpp - the clang-tidy plugin against the CLI --------===//
//
// Runs the real clang-tidy-19 with the built plugin (--load) and the real
// factoryguard CLI on the same translation units and compares what they
// report: the same warnings at the same places with the same messages, the
// same call-chain and other notes, the same fix-its. Also: the plugin's
// checks are listed only when it is loaded, and CheckOptions override
// .factoryguard.yaml.
//
// Test names start with "tidy" (ctest -R tidy): tidy.<Test> and
// tidy/Parity.<Test>/<testdata file>.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

using namespace fgtest;

namespace {

const char *const Checks = "--checks=-*,factoryguard-*";

std::string pluginArg() { return std::string("--load=") + FG_TIDY_PLUGIN; }

/// clang-tidy-19 with the plugin on File; --config={} keeps any .clang-tidy
/// of the tree out.
RunResult runTidy(std::vector<std::string> Args, const std::string &File,
                  const std::vector<std::string> &Flags,
                  const std::string &Cwd = "") {
  Args.insert(Args.begin(), pluginArg());
  Args.push_back(File);
  Args.push_back("--");
  Args.insert(Args.end(), Flags.begin(), Flags.end());
  return runProgram(FG_CLANG_TIDY, Args, Cwd);
}

RunResult runCli(std::vector<std::string> Args, const std::string &File,
                 const std::vector<std::string> &Flags,
                 const std::string &Cwd = "") {
  Args.push_back(File);
  Args.push_back("--");
  Args.insert(Args.end(), Flags.begin(), Flags.end());
  return runFactoryguard(Args, Cwd);
}

std::string baseName(const std::string &Path) {
  return llvm::sys::path::filename(Path).str();
}

using WarningKey = std::tuple<std::string, unsigned, unsigned, std::string,
                              std::string>; // file, line, col, rule, message
using NoteKey = std::tuple<std::string, unsigned, unsigned, std::string>;

/// Warnings (and errors: a compile error must show up as a difference).
std::set<WarningKey> warningsOf(const std::vector<Diag> &Diags) {
  std::set<WarningKey> Out;
  for (const Diag &D : Diags)
    if (D.Level != "note")
      Out.insert({baseName(D.File), D.Line, D.Col, D.Rule, D.Message});
  return Out;
}

/// Notes, as a sorted list (the same note may follow two warnings). The
/// CLI prints each fix-it as a "fix-it: ..." note; clang-tidy shows fix-its
/// its own way, so those are compared through --fix instead.
std::vector<NoteKey> notesOf(const std::vector<Diag> &Diags) {
  std::vector<NoteKey> Out;
  for (const Diag &D : Diags)
    if (D.Level == "note" && D.Message.rfind("fix-it: ", 0) != 0)
      Out.push_back({baseName(D.File), D.Line, D.Col, D.Message});
  std::sort(Out.begin(), Out.end());
  return Out;
}

std::string show(const std::set<WarningKey> &S) {
  std::string Out;
  for (const auto &[F, L, C, R, M] : S)
    Out += "  " + F + ":" + std::to_string(L) + ":" + std::to_string(C) + ": " +
           M + " [" + R + "]\n";
  return Out;
}

std::string show(const std::vector<NoteKey> &V) {
  std::string Out;
  for (const auto &[F, L, C, M] : V)
    Out += "  " + F + ":" + std::to_string(L) + ":" + std::to_string(C) +
           ": note: " + M + "\n";
  return Out;
}

//===----------------------------------------------------------------------===//
// Parity: every testdata/rules file, clang-tidy and the CLI
//===----------------------------------------------------------------------===//

class Parity : public ::testing::TestWithParam<std::string> {};

TEST_P(Parity, SameWarningsAndNotesAsTheCli) {
  std::string File = FG_TESTDATA "/rules/" + GetParam();
  RunResult Tidy = runTidy({Checks, "--header-filter=.*", "--config={}"}, File,
                           testdataFlags());
  RunResult Cli = runCli({}, File, testdataFlags());
  ASSERT_EQ(Tidy.ExitCode, 0) << Tidy.Out << Tidy.Err;
  ASSERT_TRUE(Cli.ExitCode == 0 || Cli.ExitCode == 1) << Cli.Out << Cli.Err;
  EXPECT_EQ(Tidy.Err.find("registered more than once"), std::string::npos)
      << Tidy.Err;

  std::vector<Diag> TidyDiags = parseTextOutput(Tidy.Out);
  std::vector<Diag> CliDiags = parseTextOutput(Cli.Out);
  std::set<WarningKey> TidyWarnings = warningsOf(TidyDiags);
  std::set<WarningKey> CliWarnings = warningsOf(CliDiags);
  EXPECT_FALSE(TidyWarnings.empty())
      << "clang-tidy reported nothing: did the plugin load?\n"
      << Tidy.Out << Tidy.Err;
  EXPECT_EQ(TidyWarnings, CliWarnings) << "clang-tidy:\n"
                                       << show(TidyWarnings) << "CLI:\n"
                                       << show(CliWarnings);
  for (const WarningKey &W : TidyWarnings)
    EXPECT_EQ(std::get<3>(W).rfind("factoryguard-", 0), 0u) << show({W});

  std::vector<NoteKey> TidyNotes = notesOf(TidyDiags);
  std::vector<NoteKey> CliNotes = notesOf(CliDiags);
  EXPECT_EQ(TidyNotes, CliNotes) << "clang-tidy:\n"
                                 << show(TidyNotes) << "CLI:\n"
                                 << show(CliNotes);

  // The testdata's own expectations hold for clang-tidy's output as well.
  // A file named after a rule expects that rule's warnings (and their
  // notes) only.
  std::string Rule = llvm::StringRef(GetParam()).drop_back(4).str();
  std::vector<Diag> Relevant;
  for (const Diag &D : TidyDiags)
    if (Rule.rfind("factoryguard-", 0) != 0 ||
        (D.Level == "note" ? D.ParentRule : D.Rule) == Rule)
      Relevant.push_back(D);
  EXPECT_TRUE(matches(readExpectations(File), Relevant, GetParam()));
}

INSTANTIATE_TEST_SUITE_P(tidy, Parity,
                         ::testing::ValuesIn(rulesTestdataFiles()),
                         testdataTestName);

TEST(tidy, NolintSuppressesLikeTheCli) {
  std::string File = FG_TESTDATA "/rules/mixed-nolint.cpp";
  RunResult Tidy = runTidy({Checks, "--config={}"}, File, testdataFlags());
  ASSERT_EQ(Tidy.ExitCode, 0) << Tidy.Err;
  // Three calls on three lines, two rules each: four findings suppressed.
  EXPECT_NE(Tidy.Err.find("Suppressed 4 warnings (4 NOLINT)"),
            std::string::npos)
      << Tidy.Err;
  EXPECT_EQ(warningsOf(parseTextOutput(Tidy.Out)).size(), 2u) << Tidy.Out;
}

//===----------------------------------------------------------------------===//
// --fix
//===----------------------------------------------------------------------===//

TEST(tidy, FixEqualsCliFixAndCompiles) {
  const std::string Name = "factoryguard-null-context.cpp";
  std::string Original = readFile(FG_TESTDATA "/rules/" + Name);
  std::vector<std::string> Dirs;
  for (const char *Which : {"tidy-fix", "cli-fix"}) {
    std::string Dir = makeTempDir(Which);
    copyTree(FG_TESTDATA "/rules/" + Name, Dir + "/" + Name);
    copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
             Dir + "/.factoryguard.yaml");
    // Headers copied as well: no fix may ever touch the source tree.
    copyTree(FG_TESTDATA "/include", Dir + "/include");
    Dirs.push_back(Dir);
  }
  auto Flags = [](const std::string &Dir) {
    return std::vector<std::string>{"-std=c++17", "-I" + Dir + "/include",
                                    "-I" FG_SOURCE_DIR "/include"};
  };

  RunResult Tidy =
      runTidy({Checks, "--config={}", "--fix"}, Name, Flags(Dirs[0]), Dirs[0]);
  ASSERT_EQ(Tidy.ExitCode, 0) << Tidy.Out << Tidy.Err;
  RunResult Cli = runCli({"--fix"}, Name, Flags(Dirs[1]), Dirs[1]);
  ASSERT_TRUE(Cli.ExitCode == 0 || Cli.ExitCode == 1) << Cli.Out << Cli.Err;

  std::string TidyFixed = readFile(Dirs[0] + "/" + Name);
  std::string CliFixed = readFile(Dirs[1] + "/" + Name);
  EXPECT_NE(TidyFixed, Original) << "clang-tidy applied no fix:\n" << Tidy.Err;
  EXPECT_EQ(TidyFixed, CliFixed);
  EXPECT_TRUE(fixesMatch(Original, TidyFixed)) << TidyFixed;

  std::vector<std::string> Compile = {"-fsyntax-only"};
  for (const std::string &F : Flags(Dirs[0]))
    Compile.push_back(F);
  Compile.push_back(Name);
  RunResult Cc = runProgram(FG_CLANGXX, Compile, Dirs[0]);
  EXPECT_EQ(Cc.ExitCode, 0) << Cc.Err;
}

//===----------------------------------------------------------------------===//
// Loading, listing, verifying
//===----------------------------------------------------------------------===//

const char *const CheckNames[] = {
    "factoryguard-fabricated-context", "factoryguard-null-context",
    "factoryguard-request-scope", "factoryguard-static-singleton"};

TEST(tidy, ListChecksShowsTheThreeChecks) {
  RunResult R =
      runProgram(FG_CLANG_TIDY, {pluginArg(), Checks, "--list-checks"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  for (const char *Name : CheckNames)
    EXPECT_NE(R.Out.find(Name), std::string::npos) << Name << "\n" << R.Out;
  EXPECT_EQ(R.Err.find("registered more than once"), std::string::npos)
      << R.Err;
}

TEST(tidy, WithoutLoadTheChecksAreAbsent) {
  // clang-tidy only warns about a glob that matches nothing, so this is what
  // shows that the checks above came from the plugin.
  RunResult R = runProgram(FG_CLANG_TIDY, {Checks, "--list-checks"});
  for (const char *Name : CheckNames)
    EXPECT_EQ(R.Out.find(Name), std::string::npos) << Name << "\n" << R.Out;
  R = runProgram(FG_CLANG_TIDY,
                 {"--config={Checks: '-*,factoryguard-*'}", "--verify-config"});
  EXPECT_NE(R.ExitCode, 0);
  EXPECT_NE(
      (R.Out + R.Err).find("'factoryguard-*' doesn't match any known check"),
      std::string::npos)
      << R.Out << R.Err;
}

TEST(tidy, VerifyConfigKnowsChecksAndOptions) {
  RunResult R = runProgram(
      FG_CLANG_TIDY,
      {pluginArg(),
       "--config={Checks: '-*,factoryguard-*', CheckOptions: "
       "{factoryguard-static-singleton.Managers: 'other::Thing', "
       "factoryguard-null-context.Factories: 'a::f;b::g', "
       "factoryguard-request-scope.RequestEntries: 'a::Router::dispatch'}}",
       "--verify-config"});
  EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
  EXPECT_NE(R.Out.find("No config errors detected."), std::string::npos)
      << R.Out << R.Err;

  R = runProgram(FG_CLANG_TIDY,
                 {pluginArg(),
                  "--config={Checks: '-*,factoryguard-*', CheckOptions: "
                  "{factoryguard-static-singleton.Manager: 'other::Thing'}}",
                  "--verify-config"});
  EXPECT_NE(R.ExitCode, 0);
  EXPECT_NE((R.Out + R.Err)
                .find("unknown check option "
                      "'factoryguard-static-singleton.Manager'"),
            std::string::npos)
      << R.Out << R.Err;
}

//===----------------------------------------------------------------------===//
// Configuration: .factoryguard.yaml, then CheckOptions
//===----------------------------------------------------------------------===//

TEST(tidy, CheckOptionsOverrideTheYamlFile) {
  std::string File = FG_TESTDATA "/rules/factoryguard-static-singleton.cpp";
  RunResult Plain =
      runTidy({"--checks=-*,factoryguard-static-singleton", "--config={}"},
              File, testdataFlags());
  ASSERT_EQ(Plain.ExitCode, 0) << Plain.Err;
  std::set<WarningKey> Before = warningsOf(parseTextOutput(Plain.Out));
  ASSERT_FALSE(Before.empty()) << Plain.Out << Plain.Err;

  RunResult Other = runTidy(
      {"--checks=-*,factoryguard-static-singleton",
       "--config={CheckOptions: {factoryguard-static-singleton.Managers: "
       "'other::Thing'}}"},
      File, testdataFlags());
  ASSERT_EQ(Other.ExitCode, 0) << Other.Err;
  std::set<WarningKey> After = warningsOf(parseTextOutput(Other.Out));
  EXPECT_NE(After, Before);
  // No netra type is a manager any more: only annotated classes remain.
  for (const WarningKey &W : After)
    EXPECT_EQ(std::get<4>(W).find("'netra::WebSocketManager'"),
              std::string::npos)
        << show({W});

  // A narrower list: only the Bridge regex, so WebSocketManager slots go.
  RunResult Bridges = runTidy(
      {"--checks=-*,factoryguard-static-singleton",
       "--config={CheckOptions: {factoryguard-static-singleton.Managers: "
       "'regex:netra::.*Bridge'}}"},
      File, testdataFlags());
  std::set<WarningKey> BridgeOnly = warningsOf(parseTextOutput(Bridges.Out));
  EXPECT_LT(BridgeOnly.size(), Before.size());
  EXPECT_TRUE(std::includes(Before.begin(), Before.end(), BridgeOnly.begin(),
                            BridgeOnly.end()));
}

// Holders from CheckOptions replace the YAML's (netra::RawSlot): the
// configured holder's static goes, the built-in NoDestructor's stays.
TEST(tidy, HoldersOptionReplacesTheYamlList) {
  std::string File = FG_TESTDATA "/rules/factoryguard-static-singleton.cpp";
  auto Names = [&](const std::string &Config) {
    RunResult R = runTidy(
        {"--checks=-*,factoryguard-static-singleton", "--config=" + Config},
        File, testdataFlags());
    EXPECT_EQ(R.ExitCode, 0) << R.Err;
    std::string Out = R.Out;
    return std::make_pair(Out.find("'g_raw_slot'") != std::string::npos,
                          Out.find("'g_leaky_service'") != std::string::npos);
  };
  EXPECT_EQ(Names("{}"), std::make_pair(true, true));
  EXPECT_EQ(Names("{CheckOptions: {factoryguard-static-singleton.Holders: "
                  "'other::Slot'}}"),
            std::make_pair(false, true));
}

TEST(tidy, DumpConfigShowsTheOptions) {
  // From the testdata directory: the options come from its .factoryguard.yaml.
  RunResult R = runProgram(
      FG_CLANG_TIDY,
      {pluginArg(), "--config={Checks: '-*,factoryguard-*'}", "--dump-config"},
      FG_TESTDATA "/rules");
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  for (const char *Name : CheckNames)
    for (const char *Opt : {"Contexts", "Managers", "Factories", "Startup",
                            "RequestEntries", "ContextSources", "Holders"})
      EXPECT_NE(R.Out.find(std::string(Name) + "." + Opt + ":"),
                std::string::npos)
          << Name << "." << Opt << "\n"
          << R.Out;
  EXPECT_NE(R.Out.find("factoryguard-static-singleton.Managers: "
                       "'netra::WebSocketManager;regex:netra::.*Bridge'"),
            std::string::npos)
      << R.Out;
  EXPECT_NE(
      R.Out.find("factoryguard-static-singleton.Holders: 'netra::RawSlot'"),
      std::string::npos)
      << R.Out;

  // CheckOptions win, and are written back as given.
  R = runProgram(FG_CLANG_TIDY,
                 {pluginArg(),
                  "--config={Checks: '-*,factoryguard-*', CheckOptions: "
                  "{factoryguard-static-singleton.Managers: 'other::Thing'}}",
                  "--dump-config"},
                 FG_TESTDATA "/rules");
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(
      R.Out.find("factoryguard-static-singleton.Managers: 'other::Thing'"),
      std::string::npos)
      << R.Out;
  // The other checks keep the file's list.
  EXPECT_NE(R.Out.find("factoryguard-null-context.Managers: "
                       "'netra::WebSocketManager;regex:netra::.*Bridge'"),
            std::string::npos)
      << R.Out;
}

TEST(tidy, MalformedYamlIsAConfigurationErrorNotACrash) {
  std::string Dir = makeTempDir("tidy-badcfg");
  writeFile(Dir + "/.factoryguard.yaml",
            "contexts: [netra::UserExecutionContext]\n"
            "managerz: [netra::WebSocketManager]\n");
  writeFile(Dir + "/a.cpp", "#include \"netra/netra.h\"\n"
                            "netra::WebSocketManager *g_slot = nullptr;\n");
  RunResult R = runTidy({Checks, "--config={}"}, "a.cpp", testdataFlags(), Dir);
  std::string All = R.Out + R.Err;
  EXPECT_NE(All.find(".factoryguard.yaml:2:1"), std::string::npos) << All;
  EXPECT_NE(All.find("clang-tidy-config"), std::string::npos) << All;
  // Reported once, not once per check.
  EXPECT_EQ(All.find(".factoryguard.yaml:2:1"),
            All.rfind(".factoryguard.yaml:2:1"))
      << All;
  EXPECT_EQ(R.Err.find("Stack dump"), std::string::npos) << All;

  // A bad regex in CheckOptions names the option.
  R = runTidy({Checks, "--config={CheckOptions: {factoryguard-null-context."
                       "Factories: 'regex:('}}"},
              "a.cpp", testdataFlags(), Dir);
  All = R.Out + R.Err;
  EXPECT_NE(All.find("factoryguard-null-context.Factories"), std::string::npos)
      << All;
}

// RE2 in the plugin too: a bad regex in the YAML file is a configuration
// error at its line:col; a 20 000-deep pattern (which crashed std::regex)
// loads and runs.
TEST(tidy, RegexesInTheYamlFileAreRE2) {
  std::string Dir = makeTempDir("tidy-regex");
  writeFile(Dir + "/a.cpp", "#include \"netra/netra.h\"\n"
                            "netra::WebSocketManager *g_slot = nullptr;\n");
  writeFile(Dir + "/.factoryguard.yaml",
            "managers: [netra::WebSocketManager, \"regex:netra::(\"]\n");
  RunResult R = runTidy({Checks, "--config={}"}, "a.cpp", testdataFlags(), Dir);
  std::string All = R.Out + R.Err;
  EXPECT_NE(All.find(".factoryguard.yaml:1:37: invalid regex 'netra::('"),
            std::string::npos)
      << All;
  EXPECT_NE(All.find("clang-tidy-config"), std::string::npos) << All;

  writeFile(Dir + "/.factoryguard.yaml",
            "managers: [netra::WebSocketManager, \"regex:" +
                std::string(20000, '(') + "a" + std::string(20000, ')') +
                "\"]\n");
  R = runTidy({Checks, "--config={}"}, "a.cpp", testdataFlags(), Dir);
  All = R.Out + R.Err;
  EXPECT_EQ(All.find("Stack dump"), std::string::npos) << All.substr(0, 2000);
  EXPECT_NE(All.find("a.cpp:2:26: warning: 'g_slot'"), std::string::npos)
      << All.substr(0, 2000);
}

//===----------------------------------------------------------------------===//
// The other units from the CLI's cache (SPEC §6); the full parity of every
// surface is OneAnswerTest.cpp
//===----------------------------------------------------------------------===//

/// A copy of testdata/whole-program with its database: render_reply (in
/// helpers.cpp) is called only from a request handler in handlers.cpp.
std::string makeWholeProgram(const std::string &Name) {
  std::string Dir = makeTempDir(Name) + "/whole-program";
  llvm::sys::fs::create_directories(Dir);
  copyTree(FG_TESTDATA "/whole-program/.", Dir);
  writeTestdataDatabase(Dir, {"boot.cpp", "handlers.cpp", "helpers.cpp",
                              "main_a.cpp", "main_b.cpp", "tool_a.cpp",
                              "tool_b.cpp"});
  return Dir;
}

std::vector<std::string> join(std::vector<std::string> A,
                              const std::vector<std::string> &B) {
  A.insert(A.end(), B.begin(), B.end());
  return A;
}

size_t count(const std::string &Text, const std::string &What) {
  size_t N = 0;
  for (size_t P = Text.find(What); P != std::string::npos;
       P = Text.find(What, P + 1))
    ++N;
  return N;
}

const char *const RenderReply = "helpers.cpp:4:32: warning: 'make_manager' "
                                "called in 'web::render_reply'";

TEST(tidy, OtherUnitsComeFromTheCliCacheOrTheLimitIsSaidOnce) {
  std::string Dir = makeWholeProgram("tidy-cache");
  std::vector<std::string> Args = {pluginArg(),
                                   Checks,
                                   "--config={}",
                                   "-p",
                                   "build",
                                   Dir + "/helpers.cpp",
                                   Dir + "/tool_a.cpp"};
  // No cache: one unit alone, and one line (not one per unit or check)
  // that says so and what to run.
  RunResult Alone = runProgram(FG_CLANG_TIDY, Args, Dir);
  EXPECT_EQ(count(Alone.Err, "stay within each unit"), 1u) << Alone.Err;
  EXPECT_NE(Alone.Err.find("run `factoryguard -p " + Dir + "/build`"),
            std::string::npos)
      << Alone.Err;
  EXPECT_NE(Alone.Out.find(RenderReply), std::string::npos) << Alone.Out;

  // The CLI fills the cache: render_reply runs only in a request, and the
  // chain of run_a starts at main_a.cpp's main, as the CLI reports.
  RunResult Cli = runFactoryguard({"-p", "build"}, Dir);
  ASSERT_EQ(Cli.ExitCode, 1) << Cli.Err;
  ASSERT_EQ(Cli.Out.find("web::render_reply'"), std::string::npos) << Cli.Out;
  RunResult Whole = runProgram(FG_CLANG_TIDY, Args, Dir);
  EXPECT_EQ(Whole.Err.find("factoryguard:"), std::string::npos) << Whole.Err;
  EXPECT_EQ(Whole.Out.find(RenderReply), std::string::npos) << Whole.Out;
  EXPECT_NE(Whole.Out.find(Dir + "/main_a.cpp:3:5: note: call chain 1/3: "
                                 "'main' runs at start-up"),
            std::string::npos)
      << Whole.Out;

  // An edited unit's entry is stale: its facts are not used, and the
  // plugin says how many units it lacks.
  writeFile(Dir + "/handlers.cpp",
            readFile(Dir + "/handlers.cpp") + "// edited\n");
  RunResult Stale = runProgram(FG_CLANG_TIDY, Args, Dir);
  EXPECT_NE(Stale.Err.find("factoryguard: 1 unit(s) of " + Dir +
                           "/build/compile_commands.json have no valid entry"),
            std::string::npos)
      << Stale.Err;
  EXPECT_NE(Stale.Out.find(RenderReply), std::string::npos) << Stale.Out;
}

TEST(tidy, FactoryguardCacheDirNamesTheCache) {
  std::string Dir = makeWholeProgram("tidy-cache-dir");
  std::string Cache = Dir + "/../elsewhere";
  RunResult Cli = runFactoryguard({"-p", "build", "--cache-dir", Cache}, Dir);
  ASSERT_EQ(Cli.ExitCode, 1) << Cli.Err;
  std::vector<std::string> Args = {pluginArg(), Checks, "-p", "build",
                                   Dir + "/helpers.cpp"};
  RunResult Default =
      runProgram(FG_CLANG_TIDY, join(Args, {"--config={}"}), Dir);
  EXPECT_NE(Default.Err.find("no factoryguard cache beside"), std::string::npos)
      << Default.Err;
  RunResult Named = runProgram(
      FG_CLANG_TIDY,
      join(Args, {"--config={CheckOptions: {FactoryguardCacheDir: '" + Cache +
                  "'}}"}),
      Dir);
  EXPECT_EQ(Named.Err.find("factoryguard:"), std::string::npos) << Named.Err;
  EXPECT_EQ(Named.Out.find(RenderReply), std::string::npos) << Named.Out;
}

} // namespace

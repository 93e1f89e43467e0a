//===- UnitsTest.cpp - compile commands as units, crashes, databases -----===//
//
// SPEC §4 through the real CLI: every distinct compile command of a file is
// its own unit with fresh state; a crash or stack overflow in one unit loses
// no other unit's findings; compile_commands.json is read strictly;
// --unit-errors; files the database names that do not exist.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include <algorithm>

using namespace fgtest;

namespace {

/// One entry of a generated compile_commands.json: "arguments" form.
struct Entry {
  std::string Directory, File;
  std::vector<std::string> Flags; // besides testdataFlags()
  std::string Output;             // -o value, may be empty
};

std::string database(const std::vector<Entry> &Entries) {
  std::vector<DatabaseEntry> List;
  for (const Entry &E : Entries) {
    std::vector<std::string> Args = {"clang++-19"};
    for (const std::string &F : testdataFlags())
      Args.push_back(F);
    Args.insert(Args.end(), E.Flags.begin(), E.Flags.end());
    if (!E.Output.empty()) {
      Args.push_back("-o");
      Args.push_back(E.Output);
    }
    Args.push_back("-c");
    Args.push_back(E.File);
    List.push_back({E.Directory, E.File, Args});
  }
  return compileDatabase(List);
}

/// factoryguard with environment variables set (through env(1)): the build
/// with the test hooks (tool/TestHooks.h), which these set.
RunResult runWithEnv(const std::vector<std::string> &Env,
                     const std::vector<std::string> &Args,
                     const std::string &Cwd) {
  std::vector<std::string> All = Env;
  All.push_back(FG_TEST_HOOKS_BINARY);
  All.insert(All.end(), Args.begin(), Args.end());
  return runProgram("/usr/bin/env", All, Cwd);
}

size_t count(const std::string &Text, const std::string &Needle) {
  size_t N = 0;
  for (size_t P = Text.find(Needle); P != std::string::npos;
       P = Text.find(Needle, P + 1))
    ++N;
  return N;
}

const char *SlotHeader = "#pragma once\n"
                         "#include \"netra/netra.h\"\n"
                         "#ifdef VARIANT_A\n"
                         "inline netra::WebSocketManager *g_a = nullptr;\n"
                         "#else\n"
                         "inline netra::WebSocketManager *g_b = nullptr;\n"
                         "#endif\n";
// Variant A includes one more header (with a function: its file is looked
// up) first, so the two commands number the files of the unit differently:
// state kept from the first command names the wrong file in the second.
const char *VariantUnit = "#ifdef VARIANT_A\n"
                          "#include \"extra.h\"\n"
                          "#endif\n"
                          "#include \"slot.h\"\n"
                          "int use() { return 0; }\n";
const char *GoodUnit = "#include \"netra/netra.h\"\n"
                       "netra::WebSocketManager *g_slot = nullptr;\n";

/// src/a.cpp under three commands, the first two differing only in their
/// output file (one unit), src/b.cpp under one.
std::string makeVariantProject(const std::string &Name) {
  std::string Dir = makeTempDir(Name);
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/src/slot.h", SlotHeader);
  writeFile(Dir + "/src/extra.h", "#pragma once\ninline int extra() { return 1; }\n");
  writeFile(Dir + "/src/a.cpp", VariantUnit);
  writeFile(Dir + "/src/b.cpp", GoodUnit);
  std::string Src = Dir + "/src";
  writeFile(Dir + "/build/compile_commands.json",
            database({{Src, "a.cpp", {"-DVARIANT_A"}, "a1.o"},
                      {Src, "a.cpp", {"-DVARIANT_A"}, "a2.o"},
                      {Src, "a.cpp", {"-DVARIANT_B"}, "a3.o"},
                      {Src, "b.cpp", {}, "b.o"}}));
  return Dir;
}

TEST(Units, EveryCommandOfAFileIsItsOwnUnit) {
  std::string Dir = makeVariantProject("variants");
  for (const char *J : {"-j1", "-j2"})
    for (int Run = 0; Run < 4; ++Run) {
      RunResult R = runFactoryguard({"-p", "build", J}, Dir);
      ASSERT_EQ(R.ExitCode, 1) << J << " run " << Run << "\n" << R.Err;
      std::vector<Diag> D = parseTextOutput(R.Out);
      std::vector<std::string> Got;
      for (const Diag &X : D)
        Got.push_back(X.File + ":" + std::to_string(X.Line) + ":" +
                      std::to_string(X.Col));
      std::vector<std::string> Want = {"src/b.cpp:2:26", "src/slot.h:4:33",
                                       "src/slot.h:6:33"};
      EXPECT_EQ(Got, Want) << J << " run " << Run << "\n" << R.Out << R.Err;
      EXPECT_EQ(R.Err.find("could not be analyzed"), std::string::npos) << R.Err;
    }
}

// This repository's tests/TestHarness.cpp is compiled into several test
// targets (three distinct commands, more entries); state kept from one
// command's freed ASTContext crashed the old driver in 5 of 5 runs.
TEST(Units, AFileInSeveralTargetsOfThisRepository) {
  RunResult R = runFactoryguard(
      {"-p", FG_BUILD_DIR, FG_SOURCE_DIR "/tests/TestHarness.cpp"});
  EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
  EXPECT_EQ(R.Err.find("could not be analyzed"), std::string::npos) << R.Err;
}

TEST(Units, TheCrashOfOneCommandKeepsEveryOtherFinding) {
  std::string Dir = makeVariantProject("crash");
  for (const char *J : {"-j1", "-j2"}) {
    // The second distinct command of a.cpp (-DVARIANT_B) crashes; a1.o and
    // a2.o differ only in the output: one unit.
    RunResult R = runWithEnv({"FACTORYGUARD_TEST_CRASH_UNIT=a.cpp#2"},
                             {"-p", "build", J}, Dir);
    EXPECT_EQ(R.ExitCode, 3) << J << R.Err;
    EXPECT_NE(R.Out.find("src/slot.h:4:33: warning: 'g_a'"), std::string::npos)
        << R.Out;
    EXPECT_NE(R.Out.find("src/b.cpp:2:26: warning"), std::string::npos) << R.Out;
    EXPECT_EQ(R.Out.find("g_b"), std::string::npos) << R.Out;
    EXPECT_NE(R.Err.find("src/a.cpp: error: translation unit could not be "
                         "analyzed: factoryguard crashed"),
              std::string::npos)
        << R.Err;
    EXPECT_NE(R.Err.find("compile command 2 of 2"), std::string::npos) << R.Err;
    EXPECT_NE(R.Err.find("-DVARIANT_B"), std::string::npos) << R.Err;
    EXPECT_NE(R.Err.find("please report"), std::string::npos) << R.Err;
    EXPECT_EQ(R.Err.find("clang crashed"), std::string::npos) << R.Err;
    EXPECT_EQ(count(R.Err, "factoryguard crashed"), 1u) << R.Err;
  }
  // Every command of a.cpp crashes: b.cpp is still reported.
  RunResult R = runWithEnv({"FACTORYGUARD_TEST_CRASH_UNIT=a.cpp"},
                           {"-p", "build", "-j2"}, Dir);
  EXPECT_EQ(R.ExitCode, 3) << R.Err;
  EXPECT_EQ(count(R.Err, "factoryguard crashed"), 2u) << R.Err;
  EXPECT_NE(R.Out.find("src/b.cpp:2:26: warning"), std::string::npos) << R.Out;
}

TEST(Units, AStackOverflowDoesNotKillTheRun) {
  std::string Dir = makeTempDir("deep");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  // 100 000 operands: clang recurses once per operand.
  std::string Deep = "int deep(int x) { return (x";
  for (int I = 1; I < 100000; ++I)
    Deep += ", x";
  Deep += "); }\n";
  writeFile(Dir + "/deep.cpp", Deep);
  writeFile(Dir + "/good.cpp", GoodUnit);
  RunResult R = runFactoryguard(withFlags({"-j2", "deep.cpp", "good.cpp"}), Dir);
  EXPECT_TRUE(R.ExitCode == 1 || R.ExitCode == 3) << R.ExitCode << R.Err;
  EXPECT_NE(R.Out.find("good.cpp:2:26: warning"), std::string::npos) << R.Out;

  // A real overflow, whatever the stack size: the unit fails, the run goes on.
  for (const char *J : {"-j1", "-j2"}) {
    R = runWithEnv({"FACTORYGUARD_TEST_CRASH_UNIT=good.cpp",
                    "FACTORYGUARD_TEST_CRASH_KIND=stack-overflow"},
                   withFlags({J, "good.cpp", "deep.cpp"}), Dir);
    EXPECT_EQ(R.ExitCode, 3) << J << R.Err;
    EXPECT_NE(R.Err.find("good.cpp: error: translation unit could not be "
                         "analyzed: factoryguard crashed"),
              std::string::npos)
        << R.Err;
  }
  // The overflowing unit does not take the others' findings with it.
  writeFile(Dir + "/other.cpp", GoodUnit);
  R = runWithEnv({"FACTORYGUARD_TEST_CRASH_UNIT=good.cpp",
                  "FACTORYGUARD_TEST_CRASH_KIND=stack-overflow"},
                 withFlags({"-j2", "good.cpp", "other.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 3) << R.Err;
  EXPECT_NE(R.Out.find("other.cpp:2:26: warning"), std::string::npos) << R.Out;
}

TEST(Units, DatabaseIsReadStrictly) {
  std::string Dir = makeTempDir("strictdb");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/a.cpp", GoodUnit);
  writeFile(Dir + "/b.cpp", GoodUnit);
  std::string Db = Dir + "/build/compile_commands.json";
  std::string Whole = database({{Dir, "a.cpp", {}, ""}, {Dir, "b.cpp", {}, ""}});

  // Cut at an entry boundary: LLVM's reader keeps the entries so far.
  std::string Cut = Whole.substr(0, Whole.find("},\n") + 3);
  writeFile(Db, Cut);
  RunResult R = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Out << R.Err;
  EXPECT_NE(R.Err.find(Db + ":3:1: error:"), std::string::npos) << R.Err;
  EXPECT_TRUE(R.Out.empty()) << R.Out;

  // Invalid JSON: the file, line and column, not "YAML:1:41".
  writeFile(Db, "[ { \"directory\": ");
  R = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find(Db + ":1:"), std::string::npos) << R.Err;
  EXPECT_EQ(R.Err.find("YAML"), std::string::npos) << R.Err;

  // Valid JSON, not compile commands.
  writeFile(Db, "{\"directory\": \"/\"}\n");
  R = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find(Db + ":1:1: error: expected an array"), std::string::npos)
      << R.Err;
  writeFile(Db, "[\n  {\"directory\": \"" + Dir +
                    "\", \"file\": \"a.cpp\", \"command\": \"c++ a.cpp\"},\n"
                    "  {\"directory\": \"" + Dir +
                    "\", \"command\": \"c++ b.cpp\"}\n]\n");
  R = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find(Db + ":3:3: error: compile command 2 has no \"file\""),
            std::string::npos)
      << R.Err;
  writeFile(Db, "[{\"directory\": \"" + Dir + "\", \"file\": \"a.cpp\"}]");
  R = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find(Db + ":1:2: error: compile command 1 has neither "
                            "\"command\" nor \"arguments\""),
            std::string::npos)
      << R.Err;
  writeFile(Db, "[{\"directory\": 7, \"file\": \"a.cpp\", \"command\": \"c++\"}]");
  R = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find(Db + ":1:2: error: compile command 1: \"directory\" "
                            "must be a string"),
            std::string::npos)
      << R.Err;

  // Nested deeper than any compile database: LLVM's JSON parser recurses
  // once per level, and 50 000 levels overflowed the stack (exit 139).
  writeFile(Db, std::string(100000, '[') + std::string(100000, ']'));
  R = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_NE(R.Err.find(Db + ":1:257: error: invalid JSON: arrays and objects "
                            "nest more than 256 levels deep"),
            std::string::npos)
      << R.Err;

  // A "file" that ends with a path separator (a backslash is one for the
  // reader): LLVM's reader indexes files by their last components, and on
  // two such paths recursed until the stack overflowed (found by
  // compile_db_fuzzer; exit 139).
  writeFile(Db, "[{\"directory\":\"\",\"command\":\"\",\"file\":\"/\\\\in."
                "cgin=\\\\\"},{\"directory\":\"\",\n\"command\":\"\",\"file\":"
                "\"/\\\\in.cgin}\\\\\"}]");
  R = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_NE(R.Err.find(Db + ":1:2: error: compile command 1: \"file\" is not "
                            "a file: it ends with a path separator"),
            std::string::npos)
      << R.Err;

  // The whole file is fine.
  writeFile(Db, Whole);
  R = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_EQ(count(R.Out, ": warning: 'g_slot'"), 2u) << R.Out;
}

TEST(Units, RelativeDirectoryIsResolvedAgainstTheDatabase) {
  std::string Dir = makeTempDir("reldir");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/src/a.cpp", GoodUnit);
  writeFile(Dir + "/build/compile_commands.json",
            database({{"../src", "a.cpp", {}, "a.o"}}));
  // From elsewhere, so that the working directory does not help.
  RunResult R = runFactoryguard({"-p", Dir + "/build"}, "/");
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Out.find("src/a.cpp:2:26: warning"), std::string::npos)
      << R.Out << R.Err;
  R = runFactoryguard({"-p", "build", "src/a.cpp"}, Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Out.find("src/a.cpp:2:26: warning"), std::string::npos)
      << R.Out << R.Err;
}

TEST(Units, MissingSourceIsOneLineAndUnitErrorsReport) {
  std::string Dir = makeTempDir("generated");
  // Only entries good.cpp declares: standard error must hold nothing but the
  // missing file's line (no configuration-validation warning either).
  writeFile(Dir + "/.factoryguard.yaml",
            "contexts: [netra::UserExecutionContext]\n"
            "managers: [netra::WebSocketManager]\n");
  writeFile(Dir + "/good.cpp", GoodUnit);
  writeFile(Dir + "/build/compile_commands.json",
            database({{Dir, "gen/parser.cpp", {}, "p.o"},
                      {Dir, "gen/parser.cpp", {"-DX"}, "p2.o"},
                      {Dir, "good.cpp", {}, "g.o"}}));
  RunResult R = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(R.ExitCode, 3) << R.Err;
  EXPECT_EQ(R.Err, "gen/parser.cpp: error: file not found (generated by the "
                   "build?)\n");
  EXPECT_NE(R.Out.find("good.cpp:2:26: warning"), std::string::npos) << R.Out;

  R = runFactoryguard({"-p", "build", "--unit-errors", "report"}, Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_EQ(R.Err, "gen/parser.cpp: error: file not found (generated by the "
                   "build?)\n");
  R = runFactoryguard({"-p", "build", "--unit-errors=report", "--format",
                       "sarif"},
                      Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Out.find("toolExecutionNotifications"), std::string::npos);
  EXPECT_NE(R.Out.find("file not found (generated by the build?)"),
            std::string::npos)
      << R.Out;
  R = runFactoryguard({"-p", "build", "--unit-errors", "fail"}, Dir);
  EXPECT_EQ(R.ExitCode, 3);
  R = runFactoryguard({"-p", "build", "--unit-errors", "ignore"}, Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("--unit-errors takes fail or report"), std::string::npos)
      << R.Err;
}

TEST(Units, ClangErrorsAreGroupedUnderTheirUnit) {
  std::string Dir = makeTempDir("grouped");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/bad1.cpp", "void broken( { }\n");
  writeFile(Dir + "/bad2.cpp", "int x = ;\nint y = ;\n");
  writeFile(Dir + "/good.cpp", GoodUnit);
  RunResult R = runFactoryguard(
      withFlags({"-j2", "--unit-errors", "report", "bad1.cpp", "bad2.cpp",
                 "good.cpp"}),
      Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  size_t H1 = R.Err.find("In translation unit bad1.cpp:\n");
  size_t E1 = R.Err.find("bad1.cpp:1:");
  size_t G1 = R.Err.find("3 errors generated.");
  size_t H2 = R.Err.find("In translation unit bad2.cpp:\n");
  size_t E2 = R.Err.find("bad2.cpp:2:9: error:");
  size_t G2 = R.Err.find("2 errors generated.");
  ASSERT_NE(H1, std::string::npos) << R.Err;
  ASSERT_NE(H2, std::string::npos) << R.Err;
  EXPECT_TRUE(H1 < E1 && E1 < G1 && G1 < H2 && H2 < E2 && E2 < G2) << R.Err;
  EXPECT_NE(R.Err.find("bad1.cpp: error: translation unit could not be analyzed"),
            std::string::npos)
      << R.Err;
  EXPECT_NE(R.Out.find("good.cpp:2:26: warning"), std::string::npos) << R.Out;
}

} // namespace

// Found by the compile-database fuzzer: clang's argument adjusters crashed
// the whole run on a command that starts with an option instead of a
// compiler. It is one failed unit; the other unit is still analyzed.
TEST(Units, CommandStartingWithAnOptionIsOneFailedUnit) {
  std::string Dir = makeTempDir("option-first");
  writeFile(Dir + "/.factoryguard.yaml",
            "contexts: [netra::UserExecutionContext]\n"
            "managers: [netra::WebSocketManager]\n");
  writeFile(Dir + "/a.cpp", "int a;\n");
  writeFile(Dir + "/good.cpp", GoodUnit);
  writeFile(Dir + "/build/compile_commands.json",
            "[{\"directory\": \"" + Dir + "\", \"command\": \"-MF -o C.h\", "
            "\"file\": \"a.cpp\"},\n"
            " {\"directory\": \"" + Dir + "\", \"command\": \"clang++-19 "
            "-std=c++17 -I" FG_TESTDATA "/include -c good.cpp\", "
            "\"file\": \"good.cpp\"}]\n");
  RunResult R = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(R.ExitCode, 3) << R.Err;
  EXPECT_NE(R.Err.find("a.cpp: error: translation unit could not be analyzed"),
            std::string::npos) << R.Err;
  EXPECT_NE(R.Out.find("good.cpp:2:26: warning"), std::string::npos) << R.Out;
}

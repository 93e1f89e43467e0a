//===- WriteTest.cpp - what the CLI writes, and where it refuses to ------===//
//
// -o, --export-fixes and --fix share one writer (tool/Output.cpp). These
// tests drive the real CLI: a file edited during the analysis, devices,
// symbolic links, the source root, inputs as targets, signals, full disks,
// odd configuration and baseline files, standard output errors, and very
// long source lines in the text report.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/Support/FileSystem.h"

#include <sys/stat.h>
#include <unistd.h>

using namespace fgtest;

namespace {

// One null-context finding with a fix-it (inserts ", ctx").
const char *FixConfig = "contexts: [netra::UserExecutionContext]\n"
                        "factories:\n"
                        "  - name: app::pair\n    context-param: 1\n";
const char *FixUnit =
    "#include \"netra/netra.h\"\n"
    "namespace app {\n"
    "int pair(const netra::UserExecutionContext *a,\n"
    "         const netra::UserExecutionContext *b = nullptr);\n"
    "void f(const netra::UserExecutionContext *ctx) { pair(nullptr); }\n"
    "}\n";
const char *NullRule = "--rules=-*,factoryguard-null-context";

// One static-singleton finding at 2:26.
const char *SlotUnit = "#include \"netra/netra.h\"\n"
                       "netra::WebSocketManager *g_slot = nullptr;\n";

std::string fixDir(const std::string &Name) {
  std::string Dir = makeTempDir(Name);
  writeFile(Dir + "/.factoryguard.yaml", FixConfig);
  writeFile(Dir + "/a.cpp", FixUnit);
  return Dir;
}

std::string slotDir(const std::string &Name) {
  std::string Dir = makeTempDir(Name);
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/a.cpp", SlotUnit);
  return Dir;
}

/// factoryguard with environment assignments ("NAME=value") first: the
/// build with the test hooks (tool/TestHooks.h), which these set.
RunResult runWithEnv(const std::vector<std::string> &Env,
                     const std::vector<std::string> &Args, const std::string &Cwd) {
  std::vector<std::string> All = Env;
  All.push_back(FG_TEST_HOOKS_BINARY);
  All.insert(All.end(), Args.begin(), Args.end());
  return runProgram("/usr/bin/env", All, Cwd);
}

/// factoryguard through bash, with Prefix (redirections, ulimit) around it.
RunResult runInShell(const std::string &Script, const std::vector<std::string> &Args,
                     const std::string &Cwd) {
  std::vector<std::string> All = {"-c", Script, FG_BINARY};
  All.insert(All.end(), Args.begin(), Args.end());
  return runProgram("/bin/bash", All, Cwd);
}

bool isSymlink(const std::string &Path) {
  struct stat St;
  return ::lstat(Path.c_str(), &St) == 0 && S_ISLNK(St.st_mode);
}

bool isCharDevice(const std::string &Path) {
  struct stat St;
  return ::lstat(Path.c_str(), &St) == 0 && S_ISCHR(St.st_mode);
}

/// Names in Dir that look like one of our temporaries.
std::vector<std::string> temporariesIn(const std::string &Dir) {
  std::vector<std::string> Out;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC))
    if (llvm::StringRef(It->path()).contains(".factoryguard-"))
      Out.push_back(It->path());
  return Out;
}

//===----------------------------------------------------------------------===//
// --fix and a file edited during the analysis (issue 12, defect 4)
//===----------------------------------------------------------------------===//

TEST(Write, FixRefusesAFileEditedDuringTheAnalysis) {
  // Without an edit the fix applies: the test below is not vacuous.
  std::string Dir = fixDir("fixedit-control");
  RunResult R = runFactoryguard(withFlags({NullRule, "--fix", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  ASSERT_NE(readFile(Dir + "/a.cpp").find("pair(nullptr, ctx)"), std::string::npos)
      << R.Err;

  // A formatter adds a line at the top after the analysis read the file:
  // the offsets are stale. The file must stay exactly as the edit left it.
  Dir = fixDir("fixedit");
  std::string Edited = std::string("// edited by a formatter\n") + FixUnit;
  R = runWithEnv({"FACTORYGUARD_TEST_HOOK_AFTER_ANALYSIS="
                  "printf '// edited by a formatter\\n' | cat - a.cpp > a.new && "
                  "mv a.new a.cpp"},
                 withFlags({NullRule, "--fix", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_EQ(readFile(Dir + "/a.cpp"), Edited);
  EXPECT_NE(R.Err.find("a.cpp' changed after it was analyzed"), std::string::npos)
      << R.Err;
  // The report is still written.
  EXPECT_NE(R.Out.find("a.cpp:5:"), std::string::npos) << R.Out;

  // An edit that keeps the size (offsets "fit") is caught as well.
  Dir = fixDir("fixedit-samesize");
  R = runWithEnv({"FACTORYGUARD_TEST_HOOK_AFTER_ANALYSIS=sed -i s/pair/PAIR/g a.cpp"},
                 withFlags({NullRule, "--fix", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_NE(readFile(Dir + "/a.cpp").find("PAIR(nullptr);"), std::string::npos);
  EXPECT_EQ(readFile(Dir + "/a.cpp").find(", ctx"), std::string::npos);
}

//===----------------------------------------------------------------------===//
// Devices, standard output and symbolic links (defect 5)
//===----------------------------------------------------------------------===//

TEST(Write, DevicesAreWrittenThroughNotReplaced) {
  std::string Dir = slotDir("devices");
  // First a device node of our own (as root): if this fails the tool would
  // replace /dev/null itself below, so stop here.
  if (getuid() == 0) {
    ASSERT_EQ(runProgram("/bin/mknod", {Dir + "/null", "c", "1", "3"}).ExitCode, 0);
    RunResult R = runFactoryguard(withFlags({"-o", "null", "a.cpp"}), Dir);
    EXPECT_EQ(R.ExitCode, 1) << R.Err;
    ASSERT_TRUE(isCharDevice(Dir + "/null")) << "-o replaced a device node";
    R = runFactoryguard(withFlags({"--export-fixes", "null", "a.cpp"}), Dir);
    EXPECT_EQ(R.ExitCode, 1) << R.Err;
    ASSERT_TRUE(isCharDevice(Dir + "/null")) << "--export-fixes replaced a device node";
  }
  RunResult R = runFactoryguard(withFlags({"-o", "/dev/null", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_TRUE(R.Out.empty());
  EXPECT_TRUE(isCharDevice("/dev/null"));
  EXPECT_TRUE(temporariesIn("/dev").empty());

  // /dev/stdout to a file (runProgram's) and to a pipe.
  R = runFactoryguard(withFlags({"-o", "/dev/stdout", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Out.find("a.cpp:2:26: warning"), std::string::npos) << R.Out << R.Err;
  R = runInShell("\"$0\" \"$@\" | cat; exit ${PIPESTATUS[0]}",
                 withFlags({"-o", "/dev/stdout", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Out.find("a.cpp:2:26: warning"), std::string::npos) << R.Out << R.Err;
  EXPECT_TRUE(isSymlink("/dev/stdout"));

  // A FIFO is written through to its reader.
  ASSERT_EQ(runProgram("/usr/bin/mkfifo", {Dir + "/pipe"}).ExitCode, 0);
  R = runInShell("cat pipe > from-pipe.txt & \"$0\" \"$@\"; rc=$?; wait; exit $rc",
                 withFlags({"-o", "pipe", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(readFile(Dir + "/from-pipe.txt").find("a.cpp:2:26: warning"),
            std::string::npos);
  // A directory is an error.
  R = runFactoryguard(withFlags({"-o", ".", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("is a directory"), std::string::npos) << R.Err;
}

TEST(Write, OutputThroughASymlinkUpdatesTheTargetAndKeepsTheLink) {
  std::string Dir = slotDir("outlink");
  writeFile(Dir + "/reports/report.txt", "old\n");
  ASSERT_EQ(::symlink("reports/report.txt", (Dir + "/link.txt").c_str()), 0);
  RunResult R = runFactoryguard(withFlags({"-o", "link.txt", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_TRUE(isSymlink(Dir + "/link.txt"));
  EXPECT_NE(readFile(Dir + "/reports/report.txt").find("a.cpp:2:26: warning"),
            std::string::npos);
  EXPECT_TRUE(temporariesIn(Dir).empty());
  EXPECT_TRUE(temporariesIn(Dir + "/reports").empty());
  // A link to a file not there yet (relative to the link's directory, through
  // a second link) creates that file.
  ASSERT_EQ(::symlink("reports/new.sarif", (Dir + "/dangling").c_str()), 0);
  ASSERT_EQ(::symlink("dangling", (Dir + "/chain").c_str()), 0);
  R = runFactoryguard(withFlags({"--format", "sarif", "-o", "chain", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_TRUE(isSymlink(Dir + "/chain"));
  EXPECT_TRUE(isSymlink(Dir + "/dangling"));
  EXPECT_NE(readFile(Dir + "/reports/new.sarif").find("\"runs\""), std::string::npos);
  // --export-fixes as well.
  Dir = fixDir("exportlink");
  writeFile(Dir + "/out/fixes.yaml", "old\n");
  ASSERT_EQ(::symlink("out/fixes.yaml", (Dir + "/fixes.yaml").c_str()), 0);
  R = runFactoryguard(withFlags({NullRule, "--export-fixes", "fixes.yaml", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_TRUE(isSymlink(Dir + "/fixes.yaml"));
  EXPECT_NE(readFile(Dir + "/out/fixes.yaml").find("ReplacementText"), std::string::npos);
}

TEST(Write, FixThroughASymlinkFixesTheRealFileAndKeepsTheLink) {
  std::string Dir = fixDir("fixlink");
  runProgram("/bin/mkdir", {Dir + "/src"});
  runProgram("/bin/mv", {Dir + "/a.cpp", Dir + "/src/real.cpp"});
  ASSERT_EQ(::symlink("src/real.cpp", (Dir + "/a.cpp").c_str()), 0);
  ::chmod((Dir + "/src/real.cpp").c_str(), 0640);
  RunResult R = runFactoryguard(withFlags({NullRule, "--fix", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_TRUE(isSymlink(Dir + "/a.cpp"));
  EXPECT_NE(readFile(Dir + "/src/real.cpp").find("pair(nullptr, ctx)"), std::string::npos)
      << R.Err;
  struct stat St;
  ASSERT_EQ(::stat((Dir + "/src/real.cpp").c_str(), &St), 0);
  EXPECT_EQ(St.st_mode & 0777, 0640u) << "the fixed file keeps its permissions";
  EXPECT_TRUE(temporariesIn(Dir + "/src").empty());
}

TEST(Write, FixNeverWritesOutsideTheSourceRoot) {
  std::string Top = makeTempDir("fixroot");
  std::string Dir = Top + "/repo";
  writeFile(Dir + "/.factoryguard.yaml", FixConfig);
  writeFile(Top + "/outside/a.cpp", FixUnit);
  // A symbolic link that a change added, pointing out of the tree.
  ASSERT_EQ(::symlink("../outside/a.cpp", (Dir + "/link.cpp").c_str()), 0);
  std::string Cfg = Dir + "/.factoryguard.yaml";
  RunResult R =
      runFactoryguard(withFlags({NullRule, "--config", Cfg, "--fix", "link.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_EQ(readFile(Top + "/outside/a.cpp"), FixUnit);
  EXPECT_TRUE(isSymlink(Dir + "/link.cpp"));
  EXPECT_NE(R.Err.find("link.cpp"), std::string::npos) << R.Err;
  EXPECT_NE(R.Err.find("outside the source root"), std::string::npos) << R.Err;
  // A path that leaves the root directly, and an explicit --source-root.
  R = runFactoryguard(withFlags({NullRule, "--config", Cfg, "--fix", "../outside/a.cpp"}),
                      Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_EQ(readFile(Top + "/outside/a.cpp"), FixUnit);
  R = runFactoryguard(withFlags({NullRule, "--config", Cfg, "--source-root", Dir, "--fix", Top + "/outside/a.cpp"}),
                      Top);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_EQ(readFile(Top + "/outside/a.cpp"), FixUnit);
  // With the root above both, the same fix applies.
  R = runFactoryguard(withFlags({NullRule, "--config", Cfg, "--source-root", Top, "--fix", "link.cpp"}),
                      Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(readFile(Top + "/outside/a.cpp").find("pair(nullptr, ctx)"), std::string::npos);
}

TEST(Write, NothingInAConfigurationFileNamesAPlaceToWrite) {
  std::string Dir = fixDir("cfgwrite");
  for (const char *Key : {"output", "export-fixes", "fix", "o", "source-root"}) {
    writeFile(Dir + "/.factoryguard.yaml", std::string(FixConfig) + Key + ": x.txt\n");
    RunResult R = runFactoryguard(withFlags({NullRule, "a.cpp"}), Dir);
    EXPECT_EQ(R.ExitCode, 2) << Key << ": " << R.Err;
    EXPECT_FALSE(llvm::sys::fs::exists(Dir + "/x.txt")) << Key;
  }
  EXPECT_EQ(readFile(Dir + "/a.cpp"), FixUnit);
}

TEST(Write, AnInputIsNeverAnOutputTarget) {
  std::string Dir = slotDir("inputtarget");
  ASSERT_EQ(::symlink("a.cpp", (Dir + "/alias.cpp").c_str()), 0);
  for (std::vector<std::string> Args :
       {std::vector<std::string>{"-o", "a.cpp"}, {"--export-fixes", "a.cpp"},
        {"-o", "alias.cpp"}, {"--export-fixes", "./alias.cpp"}}) {
    Args.push_back("a.cpp");
    RunResult R = runFactoryguard(withFlags(Args), Dir);
    EXPECT_EQ(R.ExitCode, 2) << Args[0] << " " << Args[1] << ": " << R.Err;
    EXPECT_NE(R.Err.find("is an analyzed source"), std::string::npos) << R.Err;
    EXPECT_EQ(readFile(Dir + "/a.cpp"), SlotUnit);
  }
  // The compilation database.
  std::string Flags;
  for (const std::string &F : testdataFlags())
    Flags += " " + F;
  std::string Db = "[{\"directory\": \"" + Dir + "\", \"command\": \"clang++-19" + Flags +
                   " -c a.cpp\", \"file\": \"a.cpp\"}]\n";
  writeFile(Dir + "/build/compile_commands.json", Db);
  RunResult R = runFactoryguard({"-p", "build", "-o", "build/compile_commands.json", "a.cpp"},
                                Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_NE(R.Err.find("compilation database"), std::string::npos) << R.Err;
  EXPECT_EQ(readFile(Dir + "/build/compile_commands.json"), Db);
  R = runFactoryguard({"--export-fixes", "build/compile_commands.json", "a.cpp"}, Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_EQ(readFile(Dir + "/build/compile_commands.json"), Db);
}

TEST(Write, TemporaryIsRemovedOnSigterm) {
  std::string Dir = slotDir("sigterm");
  writeFile(Dir + "/report.txt", "old\n");
  // The hook runs once the temporary is written, before it is renamed.
  RunResult R = runWithEnv({"FACTORYGUARD_TEST_HOOK_BEFORE_RENAME=kill -TERM $PPID"},
                           withFlags({"-o", "report.txt", "a.cpp"}), Dir);
  EXPECT_NE(R.ExitCode, 0);
  EXPECT_NE(R.ExitCode, 1);
  EXPECT_EQ(readFile(Dir + "/report.txt"), "old\n");
  EXPECT_TRUE(temporariesIn(Dir).empty());
  // Without the signal the hook changes nothing.
  R = runWithEnv({"FACTORYGUARD_TEST_HOOK_BEFORE_RENAME=ls .factoryguard-* >&2"},
                 withFlags({"-o", "report.txt", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Err.find(".factoryguard-report.txt."), std::string::npos)
      << "the hook sees the temporary: " << R.Err;
  EXPECT_NE(readFile(Dir + "/report.txt").find("a.cpp:2:26"), std::string::npos);
}

//===----------------------------------------------------------------------===//
// Write errors
//===----------------------------------------------------------------------===//

/// A device to write to: as root a node of our own in Dir (so that a
/// binary that renames over its target, as factoryguard once did, damages
/// only the test directory), else the system's /dev/<Name>, which a user
/// cannot replace.
std::string deviceNode(const std::string &Dir, const std::string &Name,
                       const std::string &Minor) {
  if (getuid() != 0)
    return "/dev/" + Name;
  std::string Node = Dir + "/" + Name;
  EXPECT_EQ(runProgram("/bin/mknod", {"-m", "666", Node, "c", "1", Minor}).ExitCode, 0);
  return Node;
}

TEST(Write, ExportFixesWriteErrorLeavesNoHalfFileAndExitsTwo) {
  std::string Dir = makeTempDir("exportfull");
  std::string Rule = FG_TESTDATA "/rules/factoryguard-null-context.cpp";
  copyTree(Rule, Dir + "/n.cpp");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  // Control: the export is larger than the 2 KiB the limit below allows.
  std::string Null = deviceNode(Dir, "null", "3"), Full = deviceNode(Dir, "full", "7");
  RunResult R = runFactoryguard(
      withFlags({NullRule, "-o", Null, "--export-fixes", "big.yaml", "n.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  ASSERT_GT(readFile(Dir + "/big.yaml").size(), 4096u);
  // A file size limit makes the write fail part way (EFBIG).
  R = runInShell("trap '' XFSZ; ulimit -f 2; exec \"$0\" \"$@\"",
                 withFlags({NullRule, "-o", Null, "--export-fixes", "fixes.yaml",
                            "n.cpp"}),
                 Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_FALSE(llvm::sys::fs::exists(Dir + "/fixes.yaml"));
  EXPECT_TRUE(temporariesIn(Dir).empty());
  EXPECT_NE(R.Err.find("fixes.yaml"), std::string::npos) << R.Err;
  // An existing export stays whole.
  writeFile(Dir + "/fixes.yaml", "old\n");
  R = runInShell("trap '' XFSZ; ulimit -f 2; exec \"$0\" \"$@\"",
                 withFlags({NullRule, "-o", Null, "--export-fixes", "fixes.yaml",
                            "n.cpp"}),
                 Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_EQ(readFile(Dir + "/fixes.yaml"), "old\n");
  // A device that is full.
  R = runFactoryguard(withFlags({NullRule, "--export-fixes", Full, "n.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_NE(R.Err.find(Full), std::string::npos) << R.Err;
  EXPECT_TRUE(isCharDevice(Full));
}

TEST(Write, StandardOutputWriteErrorExitsTwo) {
  std::string Dir = slotDir("stdoutfull");
  for (const char *Format : {"text", "sarif"}) {
    RunResult R = runInShell("exec \"$0\" \"$@\" >/dev/full",
                             withFlags({"--format", Format, "a.cpp"}), Dir);
    EXPECT_EQ(R.ExitCode, 2) << Format << ": " << R.Err;
    EXPECT_NE(R.Err.find("cannot write the report to standard output"), std::string::npos)
        << R.Err;
  }
  std::string Full = deviceNode(Dir, "full", "7");
  RunResult R = runFactoryguard(withFlags({"-o", Full, "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_TRUE(isCharDevice(Full));
}

//===----------------------------------------------------------------------===//
// Files read: configuration and baseline
//===----------------------------------------------------------------------===//

TEST(Write, ConfigThatIsNotARegularFileIsAnError) {
  std::string Dir = slotDir("cfgkinds");
  std::string Cfg = Dir + "/.factoryguard.yaml";
  struct Case {
    const char *What, *Setup, *Message;
  } Cases[] = {
      {"directory", "mkdir .factoryguard.yaml", "is a directory"},
      {"dangling symlink", "ln -s missing.yaml .factoryguard.yaml",
       "is a symbolic link to a missing file"},
      {"fifo", "mkfifo .factoryguard.yaml", "is a FIFO, not a regular file"},
  };
  for (const Case &C : Cases) {
    runProgram("/bin/rm", {"-rf", Cfg});
    ASSERT_EQ(runProgram("/bin/sh", {"-c", C.Setup}, Dir).ExitCode, 0) << C.What;
    // timeout: a FIFO used to block the run forever.
    RunResult R = runProgram("/usr/bin/timeout", withFlags({"60", FG_BINARY, "a.cpp"}), Dir);
    EXPECT_EQ(R.ExitCode, 2) << C.What << ": " << R.Err;
    EXPECT_NE(R.Err.find(Cfg), std::string::npos) << C.What << ": " << R.Err;
    EXPECT_NE(R.Err.find(C.Message), std::string::npos) << C.What << ": " << R.Err;
    EXPECT_TRUE(R.Out.empty()) << R.Out;
  }
  // --config naming a FIFO or a directory.
  runProgram("/bin/rm", {"-rf", Cfg});
  ASSERT_EQ(runProgram("/usr/bin/mkfifo", {Dir + "/cfg.fifo"}).ExitCode, 0);
  for (const char *Name : {"cfg.fifo", "/dev/null", "."}) {
    RunResult R = runProgram("/usr/bin/timeout",
                             withFlags({"60", FG_BINARY, "--config", Name, "a.cpp"}), Dir);
    EXPECT_EQ(R.ExitCode, 2) << Name << ": " << R.Err;
    EXPECT_NE(R.Err.find(std::string(Name) == "." ? Dir + ": error" : Name),
              std::string::npos)
        << R.Err;
    EXPECT_NE(R.Err.find("not a regular file"), std::string::npos) << R.Err;
  }
}

TEST(Write, BaselineThatIsNotARegularFileIsAnError) {
  std::string Dir = slotDir("baselinekinds");
  ASSERT_EQ(runProgram("/usr/bin/mkfifo", {Dir + "/base.fifo"}).ExitCode, 0);
  for (const char *Name : {"base.fifo", "/dev/zero", "."}) {
    RunResult R = runProgram("/usr/bin/timeout",
                             withFlags({"60", FG_BINARY, "--baseline", Name, "a.cpp"}), Dir);
    EXPECT_EQ(R.ExitCode, 2) << Name << ": " << R.Err;
    EXPECT_NE(R.Err.find(Name), std::string::npos) << R.Err;
    EXPECT_NE(R.Err.find("not a regular file"), std::string::npos) << R.Err;
  }
}

TEST(Write, EmptyPathOptionsAreUsageErrors) {
  std::string Dir = slotDir("emptypaths");
  for (const char *Opt : {"--config", "--baseline", "-o", "--export-fixes", "--source-root"}) {
    RunResult R = runFactoryguard(withFlags({Opt, "", "a.cpp"}), Dir);
    EXPECT_EQ(R.ExitCode, 2) << Opt << ": " << R.Err;
    EXPECT_NE(R.Err.find("needs a non-empty"), std::string::npos) << Opt << ": " << R.Err;
    EXPECT_TRUE(R.Out.empty()) << Opt;
  }
  RunResult R = runFactoryguard(withFlags({"--config=", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
}

//===----------------------------------------------------------------------===//
// The text report and very long lines
//===----------------------------------------------------------------------===//

TEST(Write, TextReportClipsVeryLongLinesAroundTheCaret) {
  std::string Dir = makeTempDir("longline");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  // A generated 1 MB line holding ten findings, spread over it.
  std::string Line;
  const unsigned N = 10;
  for (unsigned I = 0; I < N; ++I) {
    Line += "/*" + std::string(100000, 'x') + "*/ ";
    Line += "netra::WebSocketManager *g_slot" + std::to_string(I) + " = nullptr; ";
  }
  writeFile(Dir + "/gen.cpp", "#include \"netra/netra.h\"\n" + Line + "\n");
  RunResult R = runFactoryguard(withFlags({"gen.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  // (Checked first: std::regex in parseTextOutput overflows its stack on a
  // 1 MB line.)
  ASSERT_LT(R.Out.size(), N * 2000u) << "the line is repeated per finding";
  std::vector<Diag> D = parseTextOutput(R.Out);
  ASSERT_EQ(D.size(), N) << R.Out.substr(0, 2000);
  // Each snippet is a window with "..." where it was cut, and the caret
  // sits under the variable's name.
  for (unsigned I = 0; I < N; ++I) {
    std::string Name = "g_slot" + std::to_string(I);
    size_t Head = R.Out.find("'" + Name + "'");
    ASSERT_NE(Head, std::string::npos) << Name;
    size_t SnipStart = R.Out.find('\n', Head) + 1;
    size_t SnipEnd = R.Out.find('\n', SnipStart);
    std::string Snippet = R.Out.substr(SnipStart, SnipEnd - SnipStart);
    std::string Caret = R.Out.substr(SnipEnd + 1, R.Out.find('\n', SnipEnd + 1) - SnipEnd - 1);
    EXPECT_EQ(Snippet.substr(0, 3), "...") << Snippet;
    // The last finding is near the end of the line: no "..." there.
    EXPECT_EQ(Snippet.substr(Snippet.size() - 3) == "...", I + 1 != N) << Snippet;
    size_t At = Snippet.find(Name);
    ASSERT_NE(At, std::string::npos) << Snippet;
    EXPECT_EQ(Caret.find('^'), At) << Snippet << "\n" << Caret;
  }
  // Lines of ordinary length are printed whole.
  writeFile(Dir + "/short.cpp", SlotUnit);
  R = runFactoryguard(withFlags({"short.cpp"}), Dir);
  EXPECT_NE(R.Out.find("\nnetra::WebSocketManager *g_slot = nullptr;\n"
                       "                         ^~~~~~\n"),
            std::string::npos)
      << R.Out;
}

} // namespace

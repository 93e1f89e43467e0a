//===- PreCommitTest.cpp - the pre-commit hook through real pre-commit ----===//
//
// Each test builds a small git repository with a compile_commands.json, runs
// the real `pre-commit install` and then the real `git commit`. The hook's
// factoryguard is a wrapper that logs its arguments before running the built
// binary, so a test sees which translation units a staged header mapped to,
// and whether factoryguard ran at all. Offline: `language: system` hooks
// download nothing, and the manifest test clones a local repository.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/Support/FileSystem.h"

#include <cstdlib>
#include <set>
#include <sstream>

using namespace fgtest;

namespace {

const std::string Hook = FG_SOURCE_DIR "/tool/factoryguard-pre-commit";

const char *SlotsHeader = "#pragma once\n"
                          "#include \"netra/netra.h\"\n"
                          "#include \"app/deep.h\"\n"
                          "namespace app {\n"
                          "int answer();\n"
                          "} // namespace app\n";
const char *ManagerInHeader = "#pragma once\n"
                              "#include \"netra/netra.h\"\n"
                              "#include \"app/deep.h\"\n"
                              "namespace app {\n"
                              "int answer();\n"
                              "inline netra::WebSocketManager *g_slot = nullptr;\n"
                              "} // namespace app\n";

std::string yamlQuote(const std::string &S) { return "'" + S + "'"; }

void makeExecutable(const std::string &Path, const std::string &Text) {
  writeFile(Path, Text);
  llvm::sys::fs::setPermissions(Path, llvm::sys::fs::all_read |
                                          llvm::sys::fs::all_exe |
                                          llvm::sys::fs::owner_write);
}

/// Lines of a file, empty when it does not exist.
std::vector<std::string> lines(const std::string &Path) {
  std::vector<std::string> Out;
  std::istringstream In(readFile(Path));
  for (std::string L; std::getline(In, L);)
    if (!L.empty())
      Out.push_back(L);
  return Out;
}

/// Space-separated words of one logged factoryguard command line.
std::set<std::string> words(const std::string &Line) {
  std::set<std::string> Out;
  std::istringstream In(Line);
  for (std::string W; In >> W;)
    Out.insert(W);
  return Out;
}

/// A git repository with a compile database, a factoryguard configuration and
/// pre-commit installed:
///   include/app/slots.h  included by src/main.cpp; includes app/deep.h
///   include/app/deep.h   included by src/main.cpp through slots.h
///   include/app/unused.h included by no unit
///   src/main.cpp, src/other.cpp (other.cpp includes no app header)
///   build/compile_commands.json (ignored by git)
class Repo {
public:
  std::string Dir, Home, Log, Wrapper;

  explicit Repo(const std::string &Name) {
    Home = makeTempDir(Name + "-home");
    Dir = makeTempDir(Name + "-repo");
    Log = Home + "/factoryguard.log";
    // The hook's factoryguard: log the arguments, then run the real one.
    Wrapper = Home + "/bin/factoryguard";
    makeExecutable(Wrapper, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + Log +
                                "'\nexec '" FG_BINARY "' \"$@\"\n");

    copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
    writeFile(Dir + "/include/app/slots.h", SlotsHeader);
    writeFile(Dir + "/include/app/deep.h", "#pragma once\nnamespace app {\n"
                                           "inline int depth() { return 2; }\n"
                                           "} // namespace app\n");
    writeFile(Dir + "/include/app/unused.h", "#pragma once\nint unused();\n");
    writeFile(Dir + "/src/main.cpp", "#include \"app/slots.h\"\n"
                                     "int app::answer() { return 42; }\n");
    writeFile(Dir + "/src/other.cpp", "#include \"netra/netra.h\"\n"
                                      "int other() { return 1; }\n");
    writeFile(Dir + "/.gitignore", "build/\n");
    writeDatabase();
    writeConfig({});

    git({"init", "-q", "-b", "main"});
    git({"config", "user.name", "factoryguard test"});
    git({"config", "user.email", "test@factoryguard.invalid"});
    git({"config", "commit.gpgsign", "false"});
    git({"add", "-A"});
    RunResult R = git({"commit", "-q", "--no-verify", "-m", "initial"});
    EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
    R = inRepo({"pre-commit", "install"});
    EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
  }

  void writeDatabase() {
    std::string Json = "[\n";
    for (const char *Unit : {"main", "other"}) {
      Json += std::string(Unit == std::string("main") ? "" : ",\n") +
              "  {\"directory\": \"" + Dir + "/build\", \"file\": \"../src/" +
              Unit + ".cpp\", \"arguments\": [\"clang++-19\"";
      for (const std::string &F : testdataFlags())
        Json += ", \"" + F + "\"";
      Json += ", \"-I../include\", \"-c\", \"../src/" + std::string(Unit) +
              ".cpp\", \"-o\", \"" + Unit + ".o\"]}";
    }
    writeFile(Dir + "/build/compile_commands.json", Json + "\n]\n");
  }

  /// A `repo: local` hook running the hook script by its absolute path.
  void writeConfig(const std::vector<std::string> &ExtraArgs) {
    std::string Args = "[--factoryguard, " + yamlQuote(Wrapper) + ", -p, build";
    for (const std::string &A : ExtraArgs)
      Args += ", " + yamlQuote(A);
    Args += "]";
    writeFile(Dir + "/.pre-commit-config.yaml",
              "repos:\n"
              "  - repo: local\n"
              "    hooks:\n"
              "      - id: factoryguard\n"
              "        name: factoryguard\n"
              "        entry: " + yamlQuote(Hook) + "\n"
              "        language: system\n"
              "        files: '\\.(c|cc|cpp|cxx|h|hh|hpp|hxx|ipp|inl)$'\n"
              "        require_serial: true\n"
              "        args: " + Args + "\n");
  }

  /// Runs a command in the repository with a private HOME and pre-commit
  /// cache, and none of the caller's git environment.
  RunResult inRepo(const std::vector<std::string> &Cmd,
                   const std::string &Path = "") const {
    std::vector<std::string> Args = {
        "-u", "GIT_DIR", "-u", "GIT_WORK_TREE", "-u", "GIT_INDEX_FILE",
        "-u", "PRE_COMMIT", "HOME=" + Home, "PRE_COMMIT_HOME=" + Home + "/pre-commit",
        "XDG_CACHE_HOME=" + Home + "/cache", "GIT_CONFIG_NOSYSTEM=1",
        "PRE_COMMIT_COLOR=never", "NO_COLOR=1"};
    if (!Path.empty())
      Args.push_back("PATH=" + Path);
    Args.insert(Args.end(), Cmd.begin(), Cmd.end());
    return runProgram("/usr/bin/env", Args, Dir);
  }
  RunResult git(const std::vector<std::string> &Args) const {
    std::vector<std::string> Cmd = {"git"};
    Cmd.insert(Cmd.end(), Args.begin(), Args.end());
    return inRepo(Cmd);
  }
  RunResult commit(const std::string &Message, const std::string &Path = "") const {
    return inRepo({"git", "commit", "-m", Message}, Path);
  }
  unsigned commits() const {
    RunResult R = git({"rev-list", "--count", "HEAD"});
    return static_cast<unsigned>(std::strtoul(R.Out.c_str(), nullptr, 10));
  }
  std::vector<std::string> runs() const { return lines(Log); }
};

bool hasFinding(const std::string &Out, const std::string &FileSuffix,
                const std::string &Name) {
  for (const Diag &D : parseTextOutput(Out))
    if (D.Level == "warning" && D.Rule == "factoryguard-static-singleton" &&
        D.File.size() >= FileSuffix.size() &&
        D.File.compare(D.File.size() - FileSuffix.size(), FileSuffix.size(),
                       FileSuffix) == 0 &&
        D.Message.find("'" + Name + "'") != std::string::npos)
      return true;
  return false;
}

TEST(PreCommit, CleanChangeCommits) {
  Repo R("pc-clean");
  writeFile(R.Dir + "/src/main.cpp", "#include \"app/slots.h\"\n"
                                     "int app::answer() { return 43; }\n");
  R.git({"add", "src/main.cpp"});
  RunResult C = R.commit("clean change");
  EXPECT_EQ(C.ExitCode, 0) << C.Out << C.Err;
  EXPECT_EQ(R.commits(), 2u);
  std::vector<std::string> Runs = R.runs();
  ASSERT_EQ(Runs.size(), 1u) << "factoryguard runs once per commit";
  std::set<std::string> W = words(Runs[0]);
  EXPECT_TRUE(W.count("src/main.cpp")) << Runs[0];
  EXPECT_TRUE(W.count("build")) << Runs[0];
}

TEST(PreCommit, ManagerInHeaderIsBlocked) {
  Repo R("pc-header");
  writeFile(R.Dir + "/include/app/slots.h", ManagerInHeader);
  R.git({"add", "include/app/slots.h"});
  RunResult C = R.commit("static manager");
  EXPECT_NE(C.ExitCode, 0) << C.Out << C.Err;
  EXPECT_EQ(R.commits(), 1u) << "the commit was blocked";
  EXPECT_TRUE(hasFinding(C.Out + C.Err, "include/app/slots.h", "g_slot"))
      << C.Out << C.Err;
  // The header was analyzed through the one unit that includes it.
  std::vector<std::string> Runs = R.runs();
  ASSERT_EQ(Runs.size(), 1u);
  std::set<std::string> W = words(Runs[0]);
  EXPECT_TRUE(W.count("src/main.cpp")) << Runs[0];
  EXPECT_FALSE(W.count("src/other.cpp")) << Runs[0];
  EXPECT_FALSE(W.count("include/app/slots.h")) << Runs[0];
}

TEST(PreCommit, BaselinedFindingPassesNewOneIsBlocked) {
  Repo R("pc-baseline");
  writeFile(R.Dir + "/include/app/slots.h", ManagerInHeader);
  std::string Base = R.Home + "/base.sarif";
  RunResult S = runFactoryguard(
      {"-p", "build", "--format", "sarif", "-o", Base, "src/main.cpp"}, R.Dir);
  ASSERT_EQ(S.ExitCode, 1) << S.Err;
  ASSERT_NE(readFile(Base).find("g_slot"), std::string::npos);

  R.writeConfig({"--baseline", Base});
  R.git({"add", "include/app/slots.h", ".pre-commit-config.yaml"});
  RunResult C = R.commit("known finding");
  EXPECT_EQ(C.ExitCode, 0) << C.Out << C.Err;
  EXPECT_EQ(R.commits(), 2u);
  ASSERT_EQ(R.runs().size(), 1u);
  EXPECT_NE(R.runs()[0].find("--baseline " + Base), std::string::npos);

  // A new finding next to the known one still blocks, and only it is shown.
  std::string Text = ManagerInHeader;
  Text.insert(Text.find("} // namespace app"),
              "inline netra::WebSocketManager *g_second = nullptr;\n");
  writeFile(R.Dir + "/include/app/slots.h", Text);
  R.git({"add", "include/app/slots.h"});
  C = R.commit("new finding");
  EXPECT_NE(C.ExitCode, 0) << C.Out << C.Err;
  EXPECT_EQ(R.commits(), 2u);
  EXPECT_TRUE(hasFinding(C.Out + C.Err, "include/app/slots.h", "g_second"))
      << C.Out << C.Err;
  EXPECT_FALSE(hasFinding(C.Out + C.Err, "include/app/slots.h", "g_slot"))
      << C.Out << C.Err;
}

TEST(PreCommit, NonCppChangeRunsNothing) {
  Repo R("pc-readme");
  writeFile(R.Dir + "/README.md", "# app\n");
  R.git({"add", "README.md"});
  RunResult C = R.commit("docs");
  EXPECT_EQ(C.ExitCode, 0) << C.Out << C.Err;
  EXPECT_EQ(R.commits(), 2u);
  EXPECT_TRUE(R.runs().empty()) << "factoryguard ran";

  // The script itself, given only non-C++ names: nothing runs (a
  // factoryguard that does not exist is never looked for), no output.
  RunResult H = runProgram(Hook, {"--factoryguard", "/nonexistent/factoryguard",
                                  "-p", "build", "README.md", ".gitignore"},
                           R.Dir);
  EXPECT_EQ(H.ExitCode, 0) << H.Err;
  EXPECT_EQ(H.Out + H.Err, "");
}

TEST(PreCommit, PublishedManifestWorksFromARepoUrl) {
  // The hook as a user consumes it: `repo:` URL + `rev:` of a repository
  // holding .pre-commit-hooks.yaml, the entry found on PATH.
  Repo R("pc-manifest");
  std::string HookRepo = makeTempDir("pc-hookrepo");
  copyTree(FG_SOURCE_DIR "/.pre-commit-hooks.yaml", HookRepo + "/.pre-commit-hooks.yaml");
  auto InHookRepo = [&](const std::vector<std::string> &Args) {
    std::vector<std::string> Cmd = {"-u", "GIT_DIR", "-u", "GIT_INDEX_FILE",
                                    "HOME=" + R.Home, "GIT_CONFIG_NOSYSTEM=1", "git"};
    Cmd.insert(Cmd.end(), Args.begin(), Args.end());
    return runProgram("/usr/bin/env", Cmd, HookRepo);
  };
  ASSERT_EQ(InHookRepo({"init", "-q", "-b", "main"}).ExitCode, 0);
  InHookRepo({"add", "-A"});
  RunResult C = InHookRepo({"-c", "user.name=t", "-c", "user.email=t@t.invalid",
                            "commit", "-q", "-m", "hooks"});
  ASSERT_EQ(C.ExitCode, 0) << C.Err;
  std::string Rev = InHookRepo({"rev-parse", "HEAD"}).Out;
  Rev = Rev.substr(0, Rev.find('\n'));

  // factoryguard-pre-commit and factoryguard on PATH, as a package installs.
  std::string Bin = R.Home + "/bin";
  ASSERT_FALSE(llvm::sys::fs::create_link(Hook, Bin + "/factoryguard-pre-commit"));
  const char *Path = std::getenv("PATH");
  std::string SearchPath = Bin + ":" + (Path ? Path : "/usr/bin:/bin");

  writeFile(R.Dir + "/.pre-commit-config.yaml",
            "repos:\n"
            "  - repo: " + HookRepo + "\n"
            "    rev: " + Rev + "\n"
            "    hooks:\n"
            "      - id: factoryguard\n"
            "        args: [-p, build]\n");
  writeFile(R.Dir + "/include/app/slots.h", ManagerInHeader);
  R.git({"add", "include/app/slots.h", ".pre-commit-config.yaml"});
  C = R.commit("static manager", SearchPath);
  EXPECT_NE(C.ExitCode, 0) << C.Out << C.Err;
  EXPECT_EQ(R.commits(), 1u);
  EXPECT_TRUE(hasFinding(C.Out + C.Err, "include/app/slots.h", "g_slot"))
      << C.Out << C.Err;
  ASSERT_EQ(R.runs().size(), 1u);
  EXPECT_TRUE(words(R.runs()[0]).count("src/main.cpp")) << R.runs()[0];

  // A .ipp file reaches the hook too (identify's types would miss it) and
  // maps to the unit that includes it.
  writeFile(R.Dir + "/include/app/slots.h", SlotsHeader);
  writeFile(R.Dir + "/src/other.cpp", "#include \"netra/netra.h\"\n"
                                      "#include \"app/impl.ipp\"\n"
                                      "int other() { return impl(); }\n");
  writeFile(R.Dir + "/include/app/impl.ipp", "inline int impl() { return 0; }\n");
  R.git({"add", "-A"});
  C = R.commit("ipp", SearchPath);
  EXPECT_EQ(C.ExitCode, 0) << C.Out << C.Err;
  writeFile(R.Dir + "/include/app/impl.ipp", "inline int impl() { return 1; }\n");
  R.git({"add", "include/app/impl.ipp"});
  C = R.commit("ipp only", SearchPath);
  EXPECT_EQ(C.ExitCode, 0) << C.Out << C.Err;
  std::vector<std::string> Runs = R.runs();
  ASSERT_EQ(Runs.size(), 3u);
  EXPECT_EQ(words(Runs[2]),
            (std::set<std::string>{"-p", "build", "src/other.cpp"}))
      << Runs[2];
}

/// The hook script run directly, with a factoryguard stub that records its
/// arguments and exits with a chosen status.
class HookScript : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = makeTempDir("pc-script");
    Log = Dir + "/stub.log";
    Stub = Dir + "/stub-factoryguard";
    makeExecutable(Stub, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + Log +
                             "'\nexit ${STUB_STATUS:-0}\n");
    Work = Dir + "/work";
    writeFile(Work + "/include/app/slots.h", "#pragma once\n#include \"app/deep.h\"\n");
    writeFile(Work + "/include/app/deep.h", "#pragma once\n");
    writeFile(Work + "/include/app/unused.h", "#pragma once\n");
    writeFile(Work + "/src/main.cpp", "#include \"app/slots.h\"\nint main() {}\n");
    writeFile(Work + "/src/also.cpp", "#include \"app/deep.h\"\n");
    writeFile(Work + "/src/other.cpp", "int other() { return 1; }\n");
    writeFile(Work + "/src/new.cpp", "int fresh() { return 1; }\n");
    // `command` strings, a launcher and dependency-file flags the hook drops.
    writeFile(Work + "/build/compile_commands.json",
              "[{\"directory\": \"" + Work + "/build\", \"file\": \"../src/main.cpp\","
              " \"command\": \"ccache clang++-19 -std=c++17 -I../include -MD -MF main.d"
              " -c ../src/main.cpp -o main.o\"},\n"
              " {\"directory\": \"" + Work + "\", \"file\": \"" + Work + "/src/also.cpp\","
              " \"command\": \"clang++-19 -Iinclude -c src/also.cpp\"},\n"
              " {\"directory\": \"" + Work + "\", \"file\": \"src/other.cpp\","
              " \"arguments\": [\"clang++-19\", \"-c\", \"src/other.cpp\"]}]\n");
    ASSERT_EQ(runProgram("git", {"init", "-q"}, Work).ExitCode, 0);
  }

  RunResult hook(std::vector<std::string> Args, const std::string &Status = "0") {
    std::vector<std::string> Cmd = {"-u", "GIT_DIR", "-u", "GIT_INDEX_FILE",
                                    "STUB_STATUS=" + Status, Hook,
                                    "--factoryguard", Stub};
    Cmd.insert(Cmd.end(), Args.begin(), Args.end());
    return runProgram("/usr/bin/env", Cmd, Work);
  }

  std::string Dir, Log, Stub, Work;
};

TEST_F(HookScript, HeadersMapToTheUnitsThatIncludeThem) {
  // No -p: the database is found in build/, as the CLI finds it.
  RunResult R = hook({"include/app/deep.h", "include/app/unused.h", "src/other.cpp",
                      "src/new.cpp", "README.md"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  std::vector<std::string> Runs = lines(Log);
  ASSERT_EQ(Runs.size(), 1u);
  EXPECT_EQ(words(Runs[0]),
            (std::set<std::string>{"-p", Work + "/build", "src/main.cpp",
                                   "src/also.cpp", "include/app/unused.h",
                                   "src/other.cpp", "src/new.cpp"}))
      << Runs[0];

  // The includes are cached in .git/ and the cache follows edits: once
  // slots.h stops including deep.h, main.cpp no longer maps to it.
  std::error_code EC;
  unsigned Cached = 0;
  for (llvm::sys::fs::directory_iterator It(Work + "/.git/factoryguard-cache", EC),
       End;
       It != End && !EC; It.increment(EC))
    Cached += llvm::StringRef(It->path()).ends_with(".json");
  EXPECT_EQ(Cached, 3u);
  writeFile(Work + "/include/app/slots.h", "#pragma once\n");
  R = hook({"-p", "build", "--fail-on", "error", "include/app/deep.h"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  Runs = lines(Log);
  ASSERT_EQ(Runs.size(), 2u);
  EXPECT_EQ(Runs[1], "-p build --fail-on error src/also.cpp");
}

TEST_F(HookScript, ExitStatusAndUsage) {
  EXPECT_EQ(hook({"src/other.cpp"}, "1").ExitCode, 1);
  EXPECT_EQ(hook({"src/other.cpp"}, "3").ExitCode, 3);
  RunResult R = hook({"--no-such-option", "src/other.cpp"});
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("unknown option '--no-such-option'"), std::string::npos) << R.Err;
  EXPECT_EQ(lines(Log).size(), 2u);
}

} // namespace

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

#include <cstdio>
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
    std::string Args = "[--factoryguard, " + yamlQuote(Wrapper) +
                       ", -p, build, --show-mapping";
    for (const std::string &A : ExtraArgs)
      Args += ", " + yamlQuote(A);
    Args += "]";
    std::string Yaml = "repos:\n"
                       "  - repo: local\n"
                       "    hooks:\n"
                       "      - id: factoryguard\n"
                       "        name: factoryguard\n";
    Yaml += "        entry: " + yamlQuote(Hook) + "\n";
    Yaml += "        language: system\n"
            "        files: '\\.(c|cc|cpp|cxx|h|hh|hpp|hxx|ipp|inl)$'\n"
            "        require_serial: true\n"
            "        verbose: true\n";
    Yaml += "        args: " + Args + "\n";
    writeFile(Dir + "/.pre-commit-config.yaml", Yaml);
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
  EXPECT_TRUE(W.count("--changed")) << Runs[0];
  EXPECT_TRUE(W.count("src/main.cpp")) << Runs[0];
  EXPECT_TRUE(W.count("build")) << Runs[0];
  EXPECT_NE(
      (C.Out + C.Err).find("factoryguard: mapping: analyzed: src/main.cpp\n"),
      std::string::npos)
      << C.Out << C.Err;
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
  EXPECT_TRUE(words(Runs[0]).count("include/app/slots.h")) << Runs[0];
  EXPECT_NE((C.Out + C.Err)
                .find("factoryguard: mapping: include/app/slots.h: included "
                      "by src/main.cpp\n"),
            std::string::npos)
      << C.Out << C.Err;
  EXPECT_NE(
      (C.Out + C.Err).find("factoryguard: mapping: analyzed: src/main.cpp\n"),
      std::string::npos)
      << C.Out << C.Err;
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

  // The script itself, given only non-C++ names: factoryguard --changed
  // analyzes nothing and prints nothing.
  RunResult H = runProgram(
      Hook,
      {"--factoryguard", FG_BINARY, "-p", "build", "README.md", ".gitignore"},
      R.Dir);
  EXPECT_EQ(H.ExitCode, 0) << H.Err;
  EXPECT_EQ(H.Out + H.Err, "");
}

TEST(PreCommit, StagedFileNamesThatLookLikeOptionsAreFiles) {
  Repo R("pc-names");
  // A committed file the names below point at.
  writeFile(R.Dir + "/x.h", "#pragma once\n// precious\n");
  R.git({"add", "x.h"});
  ASSERT_EQ(R.git({"commit", "-q", "--no-verify", "-m", "x"}).ExitCode, 0);
  const std::vector<std::pair<std::string, std::string>> Staged = {
      {"-ohijack.h", "g_o"},
      {"--export-fixes=x.h", "g_export"},
      {"--config=x.h", "g_config"},
      {"--factoryguard=x.h", "g_binary"}};
  std::vector<std::string> Add = {"add", "--"};
  for (const auto &[Name, Var] : Staged) {
    writeFile(R.Dir + "/" + Name, "#pragma once\n#include \"netra/netra.h\"\n"
                                  "inline netra::WebSocketManager *" +
                                      Var + " = nullptr;\n");
    Add.push_back(Name);
  }
  R.git(Add);
  RunResult C = R.commit("names");
  EXPECT_NE(C.ExitCode, 0) << C.Out << C.Err;
  EXPECT_EQ(R.commits(), 2u) << "the commit was blocked";
  // Each file was analyzed as a file...
  for (const auto &[Name, Var] : Staged)
    EXPECT_TRUE(hasFinding(C.Out + C.Err, Name, Var)) << Name << "\n"
                                                      << C.Out << C.Err;
  // ... and none was an option: no report written, nothing read as a
  // configuration or run as the binary.
  EXPECT_FALSE(llvm::sys::fs::exists(R.Dir + "/hijack.h"));
  EXPECT_EQ(readFile(R.Dir + "/x.h"), "#pragma once\n// precious\n");
  ASSERT_EQ(R.runs().size(), 1u);
  std::set<std::string> W = words(R.runs()[0]);
  for (const auto &[Name, Var] : Staged)
    EXPECT_TRUE(W.count("./" + Name)) << R.runs()[0];
}

TEST(PreCommit, TheHookKnowsEveryOptionThatTakesAValue) {
  // The hook tells an option's value from a file name by the options that
  // take one: its list must be factoryguard's (the options that `--help`
  // shows with a value).
  std::string Script = readFile(Hook);
  size_t From = Script.find("takes_value() {");
  ASSERT_NE(From, std::string::npos);
  size_t To = Script.find(") return 0 ;;", From);
  std::set<std::string> Hooks;
  std::istringstream In(Script.substr(From, To - From));
  for (std::string Word; In >> Word;)
    if (Word.size() > 1 && Word[0] == '-')
      Hooks.insert(Word);
  std::set<std::string> Cli = {"--factoryguard", "--clang"};
  RunResult Help = runFactoryguard({"--help"});
  std::istringstream HelpIn(Help.Out);
  for (std::string L; std::getline(HelpIn, L);) {
    // "  -p <dir>   ..." and "  --format text|sarif|shard": a value;
    // "  --fix      ...": none.
    if (L.rfind("  -", 0) != 0)
      continue;
    size_t Space = L.find(' ', 2);
    if (Space != std::string::npos && Space + 1 < L.size() &&
        L[Space + 1] != ' ')
      Cli.insert(L.substr(2, Space - 2));
  }
  EXPECT_EQ(Hooks, Cli);
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

  std::string Yaml = "repos:\n";
  Yaml += "  - repo: " + HookRepo + "\n";
  Yaml += "    rev: " + Rev + "\n";
  Yaml += "    hooks:\n"
          "      - id: factoryguard\n"
          "        verbose: true\n"
          "        args: [-p, build, --show-mapping]\n";
  writeFile(R.Dir + "/.pre-commit-config.yaml", Yaml);
  writeFile(R.Dir + "/include/app/slots.h", ManagerInHeader);
  R.git({"add", "include/app/slots.h", ".pre-commit-config.yaml"});
  C = R.commit("static manager", SearchPath);
  EXPECT_NE(C.ExitCode, 0) << C.Out << C.Err;
  EXPECT_EQ(R.commits(), 1u);
  EXPECT_TRUE(hasFinding(C.Out + C.Err, "include/app/slots.h", "g_slot"))
      << C.Out << C.Err;
  ASSERT_EQ(R.runs().size(), 1u);
  EXPECT_NE((C.Out + C.Err)
                .find("factoryguard: mapping: include/app/slots.h: included "
                      "by src/main.cpp\n"),
            std::string::npos)
      << C.Out << C.Err;

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
            (std::set<std::string>{"--changed", "-p", "build", "--show-mapping",
                                   "include/app/impl.ipp"}))
      << Runs[2];
  EXPECT_NE((C.Out + C.Err)
                .find("factoryguard: mapping: include/app/impl.ipp: included "
                      "by src/other.cpp\n"),
            std::string::npos)
      << C.Out << C.Err;
  EXPECT_NE(
      (C.Out + C.Err).find("factoryguard: mapping: analyzed: src/other.cpp\n"),
      std::string::npos)
      << C.Out << C.Err;
}

/// `factoryguard --changed` on a small project, through the real binary:
///   include/app/slots.h  includes app/deep.h; included by src/main.cpp
///   include/app/deep.h   included by src/also.cpp, and by src/main.cpp
///                        through slots.h
///   include/app/unused.h included by no unit
///   src/other.cpp        in the database, includes nothing of ours
///   src/new.cpp          not in the database
/// The database mixes `command` strings with a compiler launcher and
/// dependency-file flags, a relative `directory` and `arguments`.
class Changed : public ::testing::Test {
protected:
  void SetUp() override {
    Dir = makeTempDir("pc-changed");
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
    writeFile(
        Work + "/build/compile_commands.json",
        "[{\"directory\": \"" + Work +
            "/build\", \"file\": \"../src/main.cpp\","
            " \"command\": \"ccache clang++-19 -std=c++17 -I../include -MD -MF "
            "main.d"
            " -c ../src/main.cpp -o main.o\"},\n"
            " {\"directory\": \"" +
            Work + "\", \"file\": \"" + Work +
            "/src/also.cpp\","
            " \"command\": \"clang++-19 -Iinclude -c src/also.cpp\"},\n"
            " {\"directory\": \"..\", \"file\": \"src/other.cpp\","
            " \"arguments\": [\"clang++-19\", \"-c\", \"src/other.cpp\"]}]\n");
    ASSERT_EQ(runProgram("git", {"init", "-q"}, Work).ExitCode, 0);
  }

  /// factoryguard --changed --show-mapping --cache-stats Args, in Work.
  RunResult changed(std::vector<std::string> Args) {
    Args.insert(Args.begin(), {"--changed", "--show-mapping", "--cache-stats"});
    return runFactoryguard(Args, Work);
  }

  /// The hook script with the stub as its factoryguard.
  RunResult hook(std::vector<std::string> Args, const std::string &Status = "0") {
    std::vector<std::string> Cmd = {"-u", "GIT_DIR", "-u", "GIT_INDEX_FILE",
                                    "STUB_STATUS=" + Status, Hook,
                                    "--factoryguard", Stub};
    Cmd.insert(Cmd.end(), Args.begin(), Args.end());
    return runProgram("/usr/bin/env", Cmd, Work);
  }

  /// The `factoryguard: mapping: ` lines of a run's standard error.
  static std::vector<std::string> mapping(const RunResult &R) {
    std::vector<std::string> Out;
    std::istringstream In(R.Err);
    const std::string Prefix = "factoryguard: mapping: ";
    for (std::string L; std::getline(In, L);)
      if (L.rfind(Prefix, 0) == 0)
        Out.push_back(L.substr(Prefix.size()));
    return Out;
  }

  /// The hits and misses of the `--cache-stats` line.
  static std::pair<int, int> hitsMisses(const RunResult &R) {
    size_t At = R.Err.find("factoryguard: cache ");
    if (At == std::string::npos)
      return {-1, -1};
    int Hits = -1, Misses = -1;
    size_t Colon = R.Err.find(": ", At + 20);
    std::sscanf(R.Err.c_str() + Colon + 2, "%d hits, %d misses", &Hits,
                &Misses);
    return {Hits, Misses};
  }

  std::string Dir, Log, Stub, Work;
};

TEST_F(Changed, HeadersMapToTheUnitsThatIncludeThem) {
  // The cases the Python hook mapped (its HeadersMapToTheUnitsThatIncludeThem
  // test): the same units. No -p: the database is found in build/.
  RunResult R = changed({"include/app/deep.h", "include/app/unused.h",
                         "src/other.cpp", "src/new.cpp", "README.md"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_EQ(mapping(R),
            (std::vector<std::string>{
                "include/app/deep.h: included by src/also.cpp, src/main.cpp",
                "include/app/unused.h: included by no unit; analyzed with an "
                "inferred command",
                "src/other.cpp: a unit of the database",
                "src/new.cpp: not in the database; analyzed with an inferred "
                "command",
                "README.md: not a C or C++ file; ignored",
                "includes of 3 units: 0 from the cache, 3 scanned by the "
                "preprocessor",
                "analyzed: include/app/unused.h, src/also.cpp, src/main.cpp, "
                "src/new.cpp, src/other.cpp"}))
      << R.Err;
  EXPECT_EQ(hitsMisses(R), std::make_pair(0, 5)) << R.Err;
  // Nothing of the old hook's own cache.
  EXPECT_FALSE(llvm::sys::fs::exists(Work + "/.git/factoryguard-cache"));

  // Warm: the lists come from the cache, no preprocessor runs, and every
  // unit is a hit.
  R = changed({"include/app/deep.h", "include/app/unused.h", "src/other.cpp",
               "src/new.cpp", "README.md"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  std::vector<std::string> M = mapping(R);
  ASSERT_EQ(M.size(), 7u) << R.Err;
  EXPECT_EQ(M[0], "include/app/deep.h: included by src/also.cpp, src/main.cpp");
  EXPECT_EQ(M[5], "includes of 3 units: 3 from the cache, 0 scanned by the "
                  "preprocessor");
  EXPECT_EQ(hitsMisses(R), std::make_pair(5, 0)) << R.Err;
}

// A preprocessor-only scan that crashes clang (a test trigger) ends neither
// the run nor the other units: the unit is analyzed in case it includes the
// header, and its analysis reports the crash as a unit failure (exit 3).
TEST_F(Changed, ACrashingScanIsIsolatedAndItsUnitAnalyzed) {
  RunResult R = runProgram("/usr/bin/env",
                           {"FACTORYGUARD_TEST_CRASH_UNIT=main.cpp",
                            FG_TEST_HOOKS_BINARY, "--changed", "--show-mapping",
                            "--no-cache", "include/app/deep.h"},
                           Work);
  EXPECT_EQ(R.ExitCode, 3) << R.Err;
  std::vector<std::string> M = mapping(R);
  ASSERT_EQ(M.size(), 3u) << R.Err;
  EXPECT_EQ(M[0], "include/app/deep.h: included by src/also.cpp, src/main.cpp");
  EXPECT_EQ(M[1], "includes of 3 units: 0 from the cache, 3 scanned by the "
                  "preprocessor (1 of them crashed clang; analyzed in case "
                  "they include a changed header)");
  EXPECT_NE(R.Err.find("src/main.cpp: error: translation unit could not be "
                       "analyzed: factoryguard crashed"),
            std::string::npos)
      << R.Err;
}

TEST_F(Changed, TheStagedHeaderEditedStillMapsFromTheCache) {
  ASSERT_EQ(changed({"include/app/deep.h"}).ExitCode, 0);
  // The header itself changed (it is what is committed): the entries of the
  // units that read it differ only in it, so their lists still serve and
  // exactly those units are analyzed again.
  writeFile(Work + "/include/app/deep.h", "#pragma once\nint deep();\n");
  RunResult R = changed({"include/app/deep.h"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_EQ(mapping(R),
            (std::vector<std::string>{
                "include/app/deep.h: included by src/also.cpp, src/main.cpp",
                "includes of 3 units: 3 from the cache, 0 scanned by the "
                "preprocessor",
                "analyzed: src/also.cpp, src/main.cpp"}))
      << R.Err;
  EXPECT_EQ(hitsMisses(R), std::make_pair(0, 2)) << R.Err;

  // Another file a unit read changed (slots.h no longer includes deep.h,
  // not among the changed files): that unit is scanned again, and no longer
  // maps to deep.h.
  writeFile(Work + "/include/app/slots.h", "#pragma once\n");
  R = changed({"-p", "build", "--fail-on", "error", "include/app/deep.h"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_EQ(mapping(R),
            (std::vector<std::string>{
                "include/app/deep.h: included by src/also.cpp",
                "includes of 3 units: 2 from the cache, 1 scanned by the "
                "preprocessor",
                "analyzed: src/also.cpp"}))
      << R.Err;
}

TEST_F(Changed, ANewHeaderThatShadowsAnotherMapsToItsUnits) {
  // also.cpp searches override/ before include/: a staged
  // override/app/deep.h is what it includes from now on.
  writeFile(Work + "/override/.keep", "");
  std::string Db = readFile(Work + "/build/compile_commands.json");
  Db.replace(Db.find("-Iinclude -c src/also.cpp"), 9, "-Ioverride -Iinclude");
  writeFile(Work + "/build/compile_commands.json", Db);
  ASSERT_EQ(changed({"include/app/deep.h"}).ExitCode, 0);
  writeFile(Work + "/override/app/deep.h", "#pragma once\nint shadow();\n");
  RunResult R = changed({"override/app/deep.h"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  std::vector<std::string> M = mapping(R);
  ASSERT_EQ(M.size(), 3u) << R.Err;
  EXPECT_EQ(M[0], "override/app/deep.h: included by src/also.cpp");
  EXPECT_EQ(M[2], "analyzed: src/also.cpp");
}

TEST_F(Changed, AFullRunWarmsTheMapping) {
  RunResult Full = runFactoryguard({"-p", "build"}, Work);
  ASSERT_EQ(Full.ExitCode, 0) << Full.Err;
  RunResult R = changed({"include/app/slots.h"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_EQ(mapping(R),
            (std::vector<std::string>{
                "include/app/slots.h: included by src/main.cpp",
                "includes of 3 units: 3 from the cache, 0 scanned by the "
                "preprocessor",
                "analyzed: src/main.cpp"}))
      << R.Err;
  EXPECT_EQ(hitsMisses(R), std::make_pair(1, 0)) << R.Err;
  // Without the cache every unit is scanned.
  R = changed({"--no-cache", "include/app/slots.h"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_EQ(mapping(R)[1], "includes of 3 units: 0 from the cache, 3 scanned "
                           "by the preprocessor")
      << R.Err;
}

TEST_F(Changed, TextualHeadersNoUnitIncludesAreSkipped) {
  writeFile(Work + "/include/app/impl.ipp",
            "inline int impl() { return 0; }\n");
  writeFile(Work + "/include/app/used.tpp",
            "inline int used() { return 0; }\n");
  writeFile(Work + "/src/also.cpp",
            "#include \"app/deep.h\"\n#include \"app/used.tpp\"\n");
  RunResult R = runFactoryguard({"--changed", "include/app/impl.ipp"}, Work);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_EQ(R.Out, "");
  EXPECT_EQ(R.Err, "factoryguard: note: skipping 'include/app/impl.ipp': no "
                   "translation unit includes it\n");
  R = changed({"include/app/impl.ipp", "include/app/used.tpp"});
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_EQ(mapping(R),
            (std::vector<std::string>{
                "include/app/impl.ipp: included by no unit; skipped",
                "include/app/used.tpp: included by src/also.cpp",
                // the first run's scans
                "includes of 3 units: 3 from the cache, 0 scanned by the "
                "preprocessor",
                "analyzed: src/also.cpp"}))
      << R.Err;
}

TEST_F(Changed, NoCppFileRunsNothingNotEvenTheDatabaseSearch) {
  // No database anywhere: only C and C++ files need one.
  std::string Bare = makeTempDir("pc-bare");
  writeFile(Bare + "/README.md", "# app\n");
  RunResult R = runFactoryguard(
      {"--changed", "README.md", ".gitignore", "gone.cpp"}, Bare);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_EQ(R.Out + R.Err, "");
  R = runFactoryguard({"--changed", "--show-mapping", "README.md"}, Bare);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_EQ(R.Err, "factoryguard: mapping: README.md: not a C or C++ file; "
                   "ignored\nfactoryguard: mapping: analyzed: nothing\n");
  // A C++ file without a database: factoryguard says where it looked.
  writeFile(Bare + "/a.cpp", "int a;\n");
  R = runFactoryguard({"--changed", "a.cpp"}, Bare);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_NE(R.Err.find("no compile_commands.json found"), std::string::npos)
      << R.Err;
}

TEST_F(Changed, FindingsInAMappedHeader) {
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Work + "/.factoryguard.yaml");
  std::string Flags;
  for (const std::string &F : testdataFlags())
    Flags += " " + F;
  writeFile(Work + "/build/compile_commands.json",
            "[{\"directory\": \"" + Work +
                "\", \"file\": \"src/main.cpp\","
                " \"command\": \"clang++-19" +
                Flags + " -Iinclude -c src/main.cpp\"}]\n");
  writeFile(Work + "/include/app/slots.h", ManagerInHeader);
  writeFile(Work + "/src/main.cpp", "#include \"app/slots.h\"\n"
                                    "int app::answer() { return 42; }\n");
  RunResult R = runFactoryguard({"--changed", "include/app/slots.h"}, Work);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_TRUE(hasFinding(R.Out, "include/app/slots.h", "g_slot")) << R.Out;
  // Findings equal a plain run on the unit.
  RunResult Plain = runFactoryguard({"src/main.cpp"}, Work);
  EXPECT_EQ(R.Out, Plain.Out);
  EXPECT_EQ(Plain.ExitCode, 1);
}

TEST_F(Changed, TheHookPassesEverythingToChanged) {
  // No -p: the database is factoryguard's to find.
  RunResult R = hook({"include/app/deep.h", "README.md"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  R = hook({"-p", "build", "--fail-on", "error", "--clang", "clang++-19",
            "--baseline=b.sarif", "--", "-odd.cpp", "src/other.cpp"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  std::vector<std::string> Runs = lines(Log);
  ASSERT_EQ(Runs.size(), 2u);
  EXPECT_EQ(Runs[0], "--changed include/app/deep.h README.md");
  // --clang is no longer needed (no compiler is run), and is dropped; a file
  // after -- that looks like an option is given as ./-odd.cpp.
  EXPECT_EQ(Runs[1], "--changed -p build --fail-on error --baseline=b.sarif "
                     "./-odd.cpp src/other.cpp");
  EXPECT_FALSE(llvm::sys::fs::exists(Work + "/.git/factoryguard-cache"));
}

TEST_F(Changed, ExitStatusAndUsage) {
  EXPECT_EQ(hook({"src/other.cpp"}, "1").ExitCode, 1);
  EXPECT_EQ(hook({"src/other.cpp"}, "3").ExitCode, 3);
  EXPECT_EQ(lines(Log).size(), 2u);
  // The real factoryguard rejects what it does not know.
  RunResult R = runProgram(
      Hook, {"--factoryguard", FG_BINARY, "--no-such-option", "src/other.cpp"},
      Work);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("unknown option '--no-such-option'"), std::string::npos) << R.Err;
  R = runProgram(
      Hook, {"--factoryguard", "/nonexistent/factoryguard", "src/other.cpp"},
      Work);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("/nonexistent/factoryguard"), std::string::npos)
      << R.Err;
}

} // namespace

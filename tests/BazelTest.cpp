//===- BazelTest.cpp - the Bazel aspect through the real Bazel ------------===//
//
// Assembles the example project (testdata/example) as a Bazel workspace in a
// temporary directory (its files, testdata/bazel, and bazel/ as //bazel),
// runs Debian's bazel-bootstrap (Bazel 4.2, offline) with
// bazel/factoryguard.bzl's aspect, and checks the per-source results against
// one CLI run on the same code (its compile database made by CMake, as
// ci/example.sh does). Then reads Bazel's own execution log: a second build
// with no change runs no factoryguard action, and an edit of a header runs
// exactly the actions of the sources that include it. Bazel's output base
// is in the temporary directory; its server is shut down at the end.
// Skipped only when bazel is not installed (ci/install.sh installs it).
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include <nlohmann/json.hpp>

#include <chrono>
#include <iostream>
#include <set>
#include <sstream>
#include <tuple>

using namespace fgtest;
using json = nlohmann::json;

namespace {

/// A header only the test source (target //:chat_test) includes, added to
/// the example: its edit must re-analyze that unit alone.
const char *LimitsHeader = "#pragma once\n"
                           "namespace chat {\n"
                           "constexpr int kMaxMessagesPerMinute = 60;\n"
                           "} // namespace chat\n";
const char *LimitsTest =
    "#include \"chat/limits.h\"\n"
    "#include \"chat/service.h\"\n"
    "\n"
    "namespace chat {\n"
    "bool limits_are_sane() { return kMaxMessagesPerMinute > 0; }\n"
    "} // namespace chat\n";

/// Removes a temporary tree when destroyed (a failed assertion included);
/// Bazel leaves read-only directories in its output base.
struct RemovedAtEnd {
  std::string Dir;
  ~RemovedAtEnd() {
    runProgram("/bin/chmod", {"-R", "u+w", Dir});
    llvm::sys::fs::remove_directories(Dir);
  }
};

/// Runs bazel in one workspace with its output base under Root; shuts its
/// server down when destroyed (a failed assertion included).
class Bazel {
public:
  Bazel(std::string Program, std::string Root, std::string Workspace)
      : Program(std::move(Program)), Root(std::move(Root)),
        Workspace(std::move(Workspace)) {}
  ~Bazel() { run({"shutdown"}); }
  Bazel(const Bazel &) = delete;
  Bazel &operator=(const Bazel &) = delete;

  RunResult run(std::vector<std::string> Args) const {
    // --nohome_rc: the machine's ~/.bazelrc stays out of the test. The
    // server exits by itself if the test dies before the shutdown.
    std::vector<std::string> All = {"--output_user_root=" + Root, "--nohome_rc",
                                    "--max_idle_secs=120",
                                    "--host_jvm_args=-Xmx512m"};
    All.insert(All.end(), Args.begin(), Args.end());
    return runProgram(Program, All, Workspace);
  }

  /// `bazel build //...` with the aspect; the execution log of the build
  /// goes to Log, the build events (the output group's files) to Events.
  /// Every build shares the disk cache DiskCache. No bazel-* links in the
  /// workspace: one to another output base would be a package to `//...`.
  RunResult buildShards(const std::string &Log, const std::string &Events,
                        const std::string &DiskCache) const {
    return run({"build", "--repo_env=FACTORYGUARD=" FG_BINARY,
                "--aspects=//bazel:factoryguard.bzl%factoryguard_aspect",
                "--output_groups=factoryguard_shards", "--symlink_prefix=/",
                "--disk_cache=" + DiskCache, "--execution_log_json_file=" + Log,
                "--build_event_json_file=" + Events, "//..."});
  }

private:
  std::string Program, Root, Workspace;
};

/// The progress messages ("factoryguard src/boot.cpp") of the factoryguard
/// actions Bazel ran (CacheHits false) or took from the disk cache (true),
/// from its JSON execution log (one object after the other). Actions the
/// action cache answered are not in it.
std::multiset<std::string> analyzed(const std::string &Log,
                                    bool CacheHits = false) {
  std::multiset<std::string> Out;
  std::istringstream In(readFile(Log));
  while ((In >> std::ws).peek() != std::char_traits<char>::eof()) {
    json Spawn;
    In >> Spawn;
    if (Spawn.value("mnemonic", "") == "Factoryguard" &&
        Spawn.value("remoteCacheHit", false) == CacheHits)
      Out.insert(Spawn.value("progressMessage", ""));
  }
  return Out;
}

/// The files of the output group factoryguard_shards, from the build event
/// JSON: the shards of this build only (bazel-bin may hold stale ones).
std::vector<std::string> shardFiles(const std::string &Events) {
  std::vector<std::string> Out;
  std::istringstream In(readFile(Events));
  for (std::string Line; std::getline(In, Line);) {
    json Event = json::parse(Line);
    if (!Event.contains("namedSetOfFiles"))
      continue;
    for (const json &File :
         Event["namedSetOfFiles"].value("files", json::array())) {
      std::string Uri = File.value("uri", "");
      if (Uri.rfind("file://", 0) == 0 &&
          File.value("name", "").find(".factoryguard/") != std::string::npos &&
          Uri.size() > 5 && Uri.substr(Uri.size() - 5) == ".json")
        Out.push_back(Uri.substr(7));
    }
  }
  return Out;
}

using Finding =
    std::tuple<std::string, std::string, unsigned>; // rule, uri, line

std::set<Finding> findings(const std::string &Sarif) {
  std::set<Finding> Out;
  json J = json::parse(readFile(Sarif));
  for (const json &Res : J["runs"][0]["results"]) {
    const json &Loc = Res["locations"][0]["physicalLocation"];
    Out.insert({Res["ruleId"], Loc["artifactLocation"]["uri"],
                Loc["region"]["startLine"].get<unsigned>()});
  }
  return Out;
}

double secondsSince(std::chrono::steady_clock::time_point Start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
      .count();
}

TEST(Bazel, AspectAnalyzesEachSourceOnceAndOnlyWhatAnEditTouches) {
  llvm::ErrorOr<std::string> Program = llvm::sys::findProgramByName("bazel");
  if (!Program)
    GTEST_SKIP() << "bazel is not installed (ci/install.sh installs "
                    "Debian's bazel-bootstrap)";
  std::string Root = makeTempDir("bazel");
  RemovedAtEnd Cleanup{Root};
  std::string Ws = Root + "/ws";
  copyTree(FG_TESTDATA "/example", Ws);
  // ci/example.sh configures the example in place; that build is not ours.
  llvm::sys::fs::remove_directories(Ws + "/build");
  copyTree(FG_TESTDATA "/bazel/.", Ws);
  copyTree(FG_SOURCE_DIR "/bazel", Ws + "/bazel");
  writeFile(Ws + "/include/chat/limits.h", LimitsHeader);
  writeFile(Ws + "/src/limits_test.cpp", LimitsTest);
  std::string Lists = readFile(Ws + "/CMakeLists.txt");
  size_t At = Lists.find("src/registry.cpp)");
  ASSERT_NE(At, std::string::npos);
  Lists.insert(At, "src/limits_test.cpp\n  ");
  writeFile(Ws + "/CMakeLists.txt", Lists);

  // The CLI on the same code, from its compile database.
  RunResult Cfg =
      runProgram("/usr/bin/cmake", {"-S", Ws, "-B", Root + "/cmake",
                                    "-DCMAKE_CXX_COMPILER=clang++-19"});
  ASSERT_EQ(Cfg.ExitCode, 0) << Cfg.Err;
  std::string CliSarif = Root + "/cli.sarif";
  RunResult Cli =
      runFactoryguard({"-p", Root + "/cmake", "--format", "sarif", "-o",
                       CliSarif, "--source-root", Ws, "--no-cache"},
                      Ws);
  ASSERT_EQ(Cli.ExitCode, 1) << Cli.Err;

  std::string Disk = Root + "/disk-cache";
  Bazel B(*Program, Root + "/first", Ws);
  auto Start = std::chrono::steady_clock::now();
  RunResult First =
      B.buildShards(Root + "/exec1.json", Root + "/events1.json", Disk);
  double FirstSeconds = secondsSince(Start);
  ASSERT_EQ(First.ExitCode, 0) << First.Out << First.Err;
  const std::multiset<std::string> Every = {
      "factoryguard src/agent_service.cpp", "factoryguard src/boot.cpp",
      "factoryguard src/handlers.cpp",      "factoryguard src/limits_test.cpp",
      "factoryguard src/main.cpp",          "factoryguard src/registry.cpp"};
  EXPECT_EQ(analyzed(Root + "/exec1.json"), Every);

  // Each source's own findings are the CLI's; only the cross-unit one (a
  // factory object nothing in the program sets up) needs the whole program.
  std::vector<std::string> Shards = shardFiles(Root + "/events1.json");
  EXPECT_EQ(Shards.size(), 6u);
  std::set<Finding> PerSource;
  for (const std::string &Shard : Shards)
    for (const Finding &F : findings(Shard))
      PerSource.insert(F);
  std::set<Finding> FromCli = findings(CliSarif);
  for (const Finding &F : PerSource)
    EXPECT_TRUE(FromCli.count(F))
        << std::get<0>(F) << " " << std::get<1>(F) << ":" << std::get<2>(F);
  std::set<Finding> CrossUnit;
  for (const Finding &F : FromCli)
    if (!PerSource.count(F))
      CrossUnit.insert(F);
  EXPECT_EQ(CrossUnit, (std::set<Finding>{{"factoryguard-unconfigured-factory",
                                           "src/registry.cpp", 20}}));

  // No change: every analysis comes from Bazel's action cache.
  Start = std::chrono::steady_clock::now();
  RunResult Warm =
      B.buildShards(Root + "/exec2.json", Root + "/events2.json", Disk);
  double WarmSeconds = secondsSince(Start);
  ASSERT_EQ(Warm.ExitCode, 0) << Warm.Err;
  EXPECT_EQ(analyzed(Root + "/exec2.json"), std::multiset<std::string>{});

  // A header one unit includes: that unit alone.
  writeFile(Ws + "/include/chat/limits.h",
            std::string(LimitsHeader) + "// per user\n");
  Start = std::chrono::steady_clock::now();
  RunResult Edit =
      B.buildShards(Root + "/exec3.json", Root + "/events3.json", Disk);
  double EditSeconds = secondsSince(Start);
  ASSERT_EQ(Edit.ExitCode, 0) << Edit.Err;
  EXPECT_EQ(analyzed(Root + "/exec3.json"),
            std::multiset<std::string>{"factoryguard src/limits_test.cpp"});

  // A header every unit includes: all of them.
  writeFile(Ws + "/include/chat/events.h",
            readFile(Ws + "/include/chat/events.h") + "// end\n");
  RunResult Wide =
      B.buildShards(Root + "/exec4.json", Root + "/events4.json", Disk);
  ASSERT_EQ(Wide.ExitCode, 0) << Wide.Err;
  EXPECT_EQ(analyzed(Root + "/exec4.json"), Every);

  // Another machine (a fresh output base) with the same disk cache: every
  // analysis is a cache hit, none runs.
  {
    Bazel Other(*Program, Root + "/second", Ws);
    RunResult Fresh =
        Other.buildShards(Root + "/exec5.json", Root + "/events5.json", Disk);
    ASSERT_EQ(Fresh.ExitCode, 0) << Fresh.Err;
    EXPECT_EQ(analyzed(Root + "/exec5.json"), std::multiset<std::string>{});
    EXPECT_EQ(analyzed(Root + "/exec5.json", /*CacheHits=*/true), Every);
  }

  std::cout << "bazel: first build " << FirstSeconds << " s, no change "
            << WarmSeconds << " s, one header edited " << EditSeconds << " s\n";
  RecordProperty("first_build_s", std::to_string(FirstSeconds));
  RecordProperty("warm_build_s", std::to_string(WarmSeconds));
  RecordProperty("header_edit_build_s", std::to_string(EditSeconds));
}

} // namespace

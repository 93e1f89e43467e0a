//===- BazelTest.cpp - the Bazel aspect through the real Bazel ------------===//
//
// Assembles the example project (testdata/example) as a Bazel workspace in a
// temporary directory (its files, testdata/bazel, and bazel/ as //bazel),
// runs Debian's bazel-bootstrap (Bazel 4.2, offline) with
// bazel/factoryguard.bzl's aspect, and compares `factoryguard merge` over
// its shards with one CLI run on the same code (its compile database made
// by CMake, as ci/example.sh does): byte-identical SARIF. Then reads Bazel's
// own execution log: a second build with no change runs no factoryguard
// action, an edit of a header runs exactly the actions of the sources that
// include it, and a fresh output base on the same disk cache runs none.
// Bazel's output bases are in the temporary directory; its servers are shut
// down at the end. Skipped only when bazel is not installed (ci/install.sh
// installs it). docs/bazel.md has the times.
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

/// Runs bazel in one workspace with its output base in OutputRoot, all
/// builds sharing the disk cache DiskCache; shuts its server down when
/// destroyed (a failed assertion included).
class Bazel {
public:
  Bazel(std::string Program, std::string OutputRoot, std::string Workspace,
        std::string Logs, std::string DiskCache)
      : Program(std::move(Program)), OutputRoot(std::move(OutputRoot)),
        Workspace(std::move(Workspace)), Logs(std::move(Logs)),
        DiskCache(std::move(DiskCache)) {}
  ~Bazel() { run({"shutdown"}); }
  Bazel(const Bazel &) = delete;
  Bazel &operator=(const Bazel &) = delete;

  RunResult run(std::vector<std::string> Args) const {
    // --nohome_rc: the machine's ~/.bazelrc stays out of the test. The
    // server exits by itself if the test dies before the shutdown.
    std::vector<std::string> All = {"--output_user_root=" + OutputRoot,
                                    "--nohome_rc", "--max_idle_secs=120",
                                    "--host_jvm_args=-Xmx512m"};
    All.insert(All.end(), Args.begin(), Args.end());
    return runProgram(Program, All, Workspace);
  }

  /// `bazel build Args`, its execution log in log(Tag), its build events
  /// in events(Tag). No bazel-* links in the workspace: one to another
  /// output base would be a package to `//...`.
  RunResult build(const std::string &Tag, std::vector<std::string> Args) const {
    std::vector<std::string> All = {"build",
                                    "--repo_env=FACTORYGUARD=" FG_BINARY,
                                    "--symlink_prefix=/",
                                    "--disk_cache=" + DiskCache,
                                    "--execution_log_json_file=" + log(Tag),
                                    "--build_event_json_file=" + events(Tag)};
    All.insert(All.end(), Args.begin(), Args.end());
    return run(All);
  }
  std::string log(const std::string &Tag) const {
    return Logs + "/exec-" + Tag + ".json";
  }
  std::string events(const std::string &Tag) const {
    return Logs + "/events-" + Tag + ".json";
  }

private:
  std::string Program, OutputRoot, Workspace, Logs, DiskCache;
};

/// What docs/bazel.md runs: the aspect over every target, only the shards.
const std::vector<std::string> ShardBuild = {
    "--aspects=//bazel:factoryguard.bzl%factoryguard_aspect",
    "--output_groups=factoryguard_shards", "//..."};

/// The progress messages ("factoryguard src/boot.cpp") of the actions of
/// Mnemonic that Bazel ran (CacheHits false) or took from the disk cache
/// (true), from its JSON execution log (one object after the other).
/// Actions the action cache answered are not in it.
std::multiset<std::string> spawns(const std::string &Log,
                                  const std::string &Mnemonic,
                                  bool CacheHits = false) {
  std::multiset<std::string> Out;
  std::istringstream In(readFile(Log));
  while ((In >> std::ws).peek() != std::char_traits<char>::eof()) {
    json Spawn;
    In >> Spawn;
    if (Spawn.value("mnemonic", "") == Mnemonic &&
        Spawn.value("remoteCacheHit", false) == CacheHits)
      Out.insert(Spawn.value("progressMessage", ""));
  }
  return Out;
}
std::multiset<std::string> analyzed(const std::string &Log,
                                    bool CacheHits = false) {
  return spawns(Log, "Factoryguard", CacheHits);
}

/// The local paths of the files the build produced whose output name ends
/// with Suffix, from its build events (this build's files only: bazel-bin
/// may hold stale ones).
std::vector<std::string> outputs(const std::string &Events,
                                 const std::string &Suffix) {
  std::vector<std::string> Out;
  std::istringstream In(readFile(Events));
  for (std::string Line; std::getline(In, Line);) {
    json Event = json::parse(Line);
    if (!Event.contains("namedSetOfFiles"))
      continue;
    for (const json &File :
         Event["namedSetOfFiles"].value("files", json::array())) {
      std::string Name = File.value("name", ""), Uri = File.value("uri", "");
      if (llvm::StringRef(Name).ends_with(Suffix) &&
          llvm::StringRef(Uri).starts_with("file://"))
        Out.push_back(Uri.substr(7));
    }
  }
  return Out;
}

/// (rule, uri, line) of each result of a SARIF file.
std::set<std::tuple<std::string, std::string, unsigned>>
findings(const std::string &Sarif) {
  std::set<std::tuple<std::string, std::string, unsigned>> Out;
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

TEST(Bazel, AspectShardsMergeToTheCliReportAndOnlyEditedUnitsRerun) {
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
  EXPECT_TRUE(findings(CliSarif).count(
      {"factoryguard-unconfigured-factory", "src/registry.cpp", 20}));

  std::string Disk = Root + "/disk-cache";
  Bazel B(*Program, Root + "/first", Ws, Root, Disk);
  auto Start = std::chrono::steady_clock::now();
  RunResult First = B.build("first", ShardBuild);
  double FirstSeconds = secondsSince(Start);
  ASSERT_EQ(First.ExitCode, 0) << First.Out << First.Err;
  const std::multiset<std::string> Every = {
      "factoryguard src/agent_service.cpp", "factoryguard src/boot.cpp",
      "factoryguard src/handlers.cpp",      "factoryguard src/limits_test.cpp",
      "factoryguard src/main.cpp",          "factoryguard src/registry.cpp"};
  EXPECT_EQ(analyzed(B.log("first")), Every);

  // The shards merged from the workspace (docs/bazel.md): the CLI's SARIF,
  // byte for byte, with the chain across three units and the factory
  // object nothing in the program sets up.
  std::vector<std::string> Shards = outputs(B.events("first"), ".cpp.json");
  EXPECT_EQ(Shards.size(), 6u);
  std::string MergedSarif = Root + "/merged.sarif";
  std::vector<std::string> Merge = {"merge",     "--format",      "sarif", "-o",
                                    MergedSarif, "--source-root", Ws};
  Merge.insert(Merge.end(), Shards.begin(), Shards.end());
  RunResult Merged = runFactoryguard(Merge, Ws);
  EXPECT_EQ(Merged.ExitCode, 1) << Merged.Err;
  EXPECT_EQ(readFile(MergedSarif), readFile(CliSarif));

  // factoryguard_report: the same merge as one more action, over the same
  // shards (none analyzed again). Its SARIF names the execroot it ran in
  // (originalUriBaseIds, the invocation's working directory); the rest is
  // the CLI's.
  RunResult Report = B.build("report", {"//:factoryguard"});
  ASSERT_EQ(Report.ExitCode, 0) << Report.Err;
  EXPECT_EQ(analyzed(B.log("report")), std::multiset<std::string>{});
  EXPECT_EQ(spawns(B.log("report"), "FactoryguardMerge").size(), 1u);
  std::vector<std::string> Sarifs =
      outputs(B.events("report"), "factoryguard.sarif");
  ASSERT_EQ(Sarifs.size(), 1u);
  json FromRule = json::parse(readFile(Sarifs[0]));
  json FromCli = json::parse(readFile(CliSarif));
  for (json *J : {&FromRule, &FromCli}) {
    (*J)["runs"][0].erase("originalUriBaseIds");
    (*J)["runs"][0]["invocations"][0].erase("workingDirectory");
  }
  json Diff = json::diff(FromCli, FromRule);
  EXPECT_TRUE(Diff.empty()) << Diff.dump(2);

  // No change: every analysis comes from Bazel's action cache.
  Start = std::chrono::steady_clock::now();
  RunResult Warm = B.build("warm", ShardBuild);
  double WarmSeconds = secondsSince(Start);
  ASSERT_EQ(Warm.ExitCode, 0) << Warm.Err;
  EXPECT_EQ(analyzed(B.log("warm")), std::multiset<std::string>{});

  // A header one unit includes: that unit alone.
  writeFile(Ws + "/include/chat/limits.h",
            std::string(LimitsHeader) + "// per user\n");
  Start = std::chrono::steady_clock::now();
  RunResult Edit = B.build("edit", ShardBuild);
  double EditSeconds = secondsSince(Start);
  ASSERT_EQ(Edit.ExitCode, 0) << Edit.Err;
  EXPECT_EQ(analyzed(B.log("edit")),
            std::multiset<std::string>{"factoryguard src/limits_test.cpp"});

  // A header every unit includes: all of them.
  writeFile(Ws + "/include/chat/events.h",
            readFile(Ws + "/include/chat/events.h") + "// end\n");
  RunResult Wide = B.build("wide", ShardBuild);
  ASSERT_EQ(Wide.ExitCode, 0) << Wide.Err;
  EXPECT_EQ(analyzed(B.log("wide")), Every);

  // Another machine (a fresh output base) with the same disk cache: every
  // analysis is a cache hit, none runs.
  Start = std::chrono::steady_clock::now();
  {
    Bazel Other(*Program, Root + "/second", Ws, Root, Disk);
    RunResult Fresh = Other.build("fresh", ShardBuild);
    ASSERT_EQ(Fresh.ExitCode, 0) << Fresh.Err;
    EXPECT_EQ(analyzed(Other.log("fresh")), std::multiset<std::string>{});
    EXPECT_EQ(analyzed(Other.log("fresh"), /*CacheHits=*/true), Every);
  }
  double FreshSeconds = secondsSince(Start);

  std::cout << "bazel: first build " << FirstSeconds << " s, no change "
            << WarmSeconds << " s, one header edited " << EditSeconds
            << " s, fresh output base on the disk cache " << FreshSeconds
            << " s (with its server's start and shutdown)\n";
  RecordProperty("first_build_s", std::to_string(FirstSeconds));
  RecordProperty("warm_build_s", std::to_string(WarmSeconds));
  RecordProperty("header_edit_build_s", std::to_string(EditSeconds));
  RecordProperty("fresh_output_base_s", std::to_string(FreshSeconds));
}

} // namespace

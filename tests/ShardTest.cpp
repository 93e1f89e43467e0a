//===- ShardTest.cpp - --shard, --format shard and factoryguard merge -----===//
//
// SPEC §7 "Sharding": the real CLI analyzes a project in n shards, `merge`
// joins them, and the report must be the one an unsharded run writes, byte
// for byte (SARIF) and line for line (text, messages, exit status), on the
// example project and on the multi-unit testdata whose call chains and
// whole-program inference cross shards. Shards written in one checkout and
// merged in another (a CI matrix's machines, Bazel's sandboxes) too. Then
// every way shards can fail to belong together.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>
#include <regex>

using namespace fgtest;

namespace {

std::vector<std::string> join(std::vector<std::string> A,
                              const std::vector<std::string> &B) {
  A.insert(A.end(), B.begin(), B.end());
  return A;
}

/// Writes shards 1..N of the project in Dir (source root Dir) into Dir's
/// parent and returns their paths.
std::vector<std::string>
writeShards(const std::string &Dir, unsigned N,
            const std::vector<std::string> &Extra = {}) {
  std::vector<std::string> Files;
  for (unsigned I = 1; I <= N; ++I) {
    std::string Out = Dir + "/../shard-" + std::to_string(I) + "-of-" +
                      std::to_string(N) + ".json";
    RunResult R =
        runFactoryguard(join({"-p", "build", "--source-root", Dir, "--shard",
                              std::to_string(I) + "/" + std::to_string(N),
                              "--format", "shard", "-o", Out},
                             Extra),
                        Dir);
    EXPECT_EQ(R.ExitCode, 0) << R.Err;
    Files.push_back(Out);
  }
  return Files;
}

/// The unsharded run and the merge of Shards, in Dir, in Format, compared:
/// the report, what is printed on standard error and the exit status.
void expectMergeEqualsUnsharded(const std::string &Dir,
                                const std::vector<std::string> &Shards,
                                const std::string &Format,
                                const std::vector<std::string> &Extra = {}) {
  std::string Whole = Dir + "/../whole." + Format,
              Merged = Dir + "/../merged." + Format;
  RunResult W = runFactoryguard(join({"-p", "build", "--source-root", Dir,
                                      "--format", Format, "-o", Whole},
                                     Extra),
                                Dir);
  RunResult M = runFactoryguard(join(join({"merge", "--source-root", Dir,
                                           "--format", Format, "-o", Merged},
                                          Shards),
                                     {}),
                                Dir);
  EXPECT_EQ(M.ExitCode, W.ExitCode) << M.Err << "\n---\n" << W.Err;
  std::string WholeText = readFile(Whole), MergedText = readFile(Merged);
  EXPECT_FALSE(WholeText.empty());
  EXPECT_EQ(MergedText, WholeText) << "shards: " << Shards.size();
  EXPECT_EQ(M.Err, W.Err);
}

const std::vector<std::string> MultiUnits = {"main.cpp",    "startup.cpp",
                                             "agents.cpp",  "preloader.cpp",
                                             "globals.cpp", "broken.cpp"};

TEST(Shard, ExampleMergedIsTheUnshardedReportForEveryShardCount) {
  std::string Dir = makeExample("shard-example");
  for (unsigned N : {1u, 2u, 3u, 7u}) {
    std::vector<std::string> Shards = writeShards(Dir, N);
    expectMergeEqualsUnsharded(Dir, Shards, "sarif");
    expectMergeEqualsUnsharded(Dir, Shards, "text");
  }
}

TEST(Shard, ChainsAndFailuresAcrossShardsMergeAsOneRun) {
  // multi-tu: a chain from main through two other units; broken.cpp does
  // not compile (a failed unit, exit 3, its clang errors on stderr).
  std::string Dir = makeProject("multi-tu", MultiUnits, "shard");
  for (unsigned N : {2u, 4u, 6u}) {
    std::vector<std::string> Shards = writeShards(Dir, N);
    expectMergeEqualsUnsharded(Dir, Shards, "sarif");
    expectMergeEqualsUnsharded(Dir, Shards, "text");
  }
  RunResult M = runFactoryguard(join({"merge"}, writeShards(Dir, 3)), Dir);
  EXPECT_EQ(M.ExitCode, 3) << M.Err;
  EXPECT_NE(M.Out.find("call chain 4/4"), std::string::npos) << M.Out;
  EXPECT_NE(M.Err.find("broken.cpp"), std::string::npos) << M.Err;
}

TEST(Shard, WholeProgramInferenceAndSetUpElsewhereMergeAsOneRun) {
  std::string WP =
      makeProject("whole-program",
                  {"boot.cpp", "handlers.cpp", "helpers.cpp", "main_a.cpp",
                   "main_b.cpp", "tool_a.cpp", "tool_b.cpp"},
                  "shard");
  std::string FS = makeProject(
      "factory-setup", {"boot.cpp", "bridges.cpp", "handlers.cpp"}, "shard");
  for (const std::string &Dir : {WP, FS})
    for (unsigned N : {2u, 3u}) {
      std::vector<std::string> Shards = writeShards(Dir, N);
      expectMergeEqualsUnsharded(Dir, Shards, "sarif");
      expectMergeEqualsUnsharded(Dir, Shards, "text");
    }
}

TEST(Shard, ShardsOfOneCheckoutMergeInAnother) {
  // A CI matrix's jobs, or Bazel's sandboxes, see the code under other
  // paths than the merging job: the shards' paths are relative to their
  // source root.
  std::string A = makeExample("shard-checkout-a");
  std::string B = makeExample("shard-checkout-b");
  std::vector<std::string> Shards = writeShards(A, 3);
  for (const std::string &S : Shards)
    EXPECT_EQ(readFile(S).find(A), std::string::npos)
        << S << " names the checkout it was written in";
  expectMergeEqualsUnsharded(B, Shards, "sarif");
  expectMergeEqualsUnsharded(B, Shards, "text");
  // clang's errors (broken.cpp) and lambdas' names spell paths too.
  std::string C = makeProject("multi-tu", MultiUnits, "shard-checkout-c");
  std::string D = makeProject("multi-tu", MultiUnits, "shard-checkout-d");
  Shards = writeShards(C, 2);
  expectMergeEqualsUnsharded(D, Shards, "sarif");
  expectMergeEqualsUnsharded(D, Shards, "text");
}

TEST(Shard, EveryUnitIsInExactlyOneShardAndTheChoiceIsStable) {
  std::string A = makeProject("multi-tu", MultiUnits, "shard-stable-a");
  std::string B = makeProject("multi-tu", MultiUnits, "shard-stable-b");
  auto UnitsOf = [](const std::string &Shard) {
    std::vector<std::string> Out;
    auto Doc = llvm::json::parse(readFile(Shard));
    EXPECT_TRUE(bool(Doc));
    if (!Doc) {
      llvm::consumeError(Doc.takeError());
      return Out;
    }
    for (const llvm::json::Value &U : *Doc->getAsObject()->getArray("units"))
      Out.push_back(U.getAsString()->str());
    return Out;
  };
  std::vector<std::string> SA = writeShards(A, 4), SB = writeShards(B, 4);
  std::multiset<std::string> All;
  for (size_t I = 0; I < SA.size(); ++I) {
    // Another checkout, another run: the same units in the same shard.
    EXPECT_EQ(UnitsOf(SA[I]), UnitsOf(SB[I])) << SA[I];
    for (const std::string &U : UnitsOf(SA[I]))
      All.insert(U);
  }
  EXPECT_EQ(All,
            std::multiset<std::string>(MultiUnits.begin(), MultiUnits.end()));
}

TEST(Shard, ShardsThatDoNotBelongTogetherAreRefusedNamingTheShard) {
  std::string Dir = makeProject("multi-tu", MultiUnits, "shard-bad");
  std::vector<std::string> S = writeShards(Dir, 3);
  std::string Out = Dir + "/../report.sarif";
  auto Merge = [&](std::vector<std::string> Files) {
    return runFactoryguard(
        join({"merge", "--format", "sarif", "-o", Out}, Files), Dir);
  };
  auto ExpectRefused = [&](const RunResult &R, const std::string &Text) {
    EXPECT_EQ(R.ExitCode, 2) << R.Err;
    EXPECT_NE(R.Err.find(Text), std::string::npos) << R.Err;
    EXPECT_FALSE(llvm::sys::fs::exists(Out)) << "a report was written";
  };
  ExpectRefused(Merge({S[0], S[2]}), "missing shard(s) 2/3");
  ExpectRefused(Merge({S[0], S[1], S[2], S[1]}), "is shard 2/3 again");
  std::vector<std::string> Two = writeShards(Dir, 2);
  ExpectRefused(Merge({S[0], S[1], S[2], Two[0]}), "is one of 3");
  // Other settings (rules) than the other shards.
  std::string Other = Dir + "/../other.json";
  RunResult R = runFactoryguard({"-p", "build", "--shard", "2/3", "--rules",
                                 "-*,factoryguard-null-context", "--format",
                                 "shard", "-o", Other},
                                Dir);
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  ExpectRefused(Merge({S[0], Other, S[2]}), "other settings");
  // Another version, another configuration text, not JSON, not a shard.
  std::string Text = readFile(S[1]);
  std::string Edited = Dir + "/../edited.json";
  writeFile(Edited,
            std::regex_replace(Text, std::regex("\"version\":\"[^\"]*\""),
                               "\"version\":\"0.0.1\""));
  ExpectRefused(Merge({S[0], Edited, S[2]}), "written by factoryguard 0.0.1");
  writeFile(Edited, Text.substr(0, Text.size() / 2));
  ExpectRefused(Merge({S[0], Edited, S[2]}),
                "shard '" + Edited + "': not JSON");
  writeFile(Edited, "{\"format\": \"factoryguard-cache/3\"}");
  ExpectRefused(Merge({Edited}), "not a shard result");
  ExpectRefused(Merge({Dir + "/../none.json"}), "none.json");
  // A finding in a device: the reporters would read it forever.
  std::vector<std::string> Devices;
  for (size_t I = 0; I < S.size(); ++I) {
    Devices.push_back(Dir + "/../device-" + std::to_string(I) + ".json");
    writeFile(Devices.back(),
              std::regex_replace(readFile(S[I]), std::regex("\"agents\\.cpp\""),
                                 "\"/dev/zero\""));
  }
  ExpectRefused(Merge(Devices), "'/dev/zero', which is not a regular file");
  // A unit (file and command) in two --shard shards: shard 1/2 given
  // again as 2/2.
  std::string Again = Dir + "/../again.json";
  writeFile(Again, std::regex_replace(
                       readFile(Two[0]),
                       std::regex("\"shard\":\\{\"count\":2,\"index\":1\\}"),
                       "\"shard\":{\"count\":2,\"index\":2}"));
  ASSERT_NE(readFile(Two[0]).find("\"failed\""), std::string::npos)
      << "shard 1/2 holds no unit";
  ExpectRefused(Merge({Two[0], Again}), "is also in shard");
  // Per-file shards (the Bazel aspect's) of a source two targets compile
  // with the same flags: one unit, as in one run.
  std::string M1 = Dir + "/../agents-1.json", M2 = Dir + "/../agents-2.json";
  for (const std::string &F : {M1, M2})
    ASSERT_EQ(
        runFactoryguard(
            {"-p", "build", "agents.cpp", "--format", "shard", "-o", F}, Dir)
            .ExitCode,
        0);
  RunResult Once = runFactoryguard({"merge", M1}, Dir),
            Twice = runFactoryguard({"merge", M1, M2}, Dir);
  EXPECT_EQ(Twice.ExitCode, Once.ExitCode) << Twice.Err;
  EXPECT_EQ(Twice.Out, Once.Out);
  EXPECT_NE(Once.Out, "");
  // A per-file shard (the Bazel aspect's) and a --shard one do not mix.
  ExpectRefused(Merge({M1, S[0]}), "--shard I/N result");
}

TEST(Shard, UsageErrors) {
  std::string Dir = makeProject("multi-tu", {"main.cpp"}, "shard-usage");
  for (const char *Bad : {"0/2", "3/2", "1/0", "x", "1/", "/2", "1/2/3"}) {
    RunResult R = runFactoryguard({"-p", "build", "--shard", Bad}, Dir);
    EXPECT_EQ(R.ExitCode, 2) << Bad;
    EXPECT_NE(R.Err.find("--shard takes <i>/<n>"), std::string::npos) << R.Err;
  }
  for (const std::vector<std::string> &Args :
       std::vector<std::vector<std::string>>{
           {"--format", "shard", "--fix"},
           {"--format", "shard", "--baseline", "x.sarif"},
           {"--shard", "1/2", "--changed", "main.cpp"}}) {
    RunResult R = runFactoryguard(join({"-p", "build"}, Args), Dir);
    EXPECT_EQ(R.ExitCode, 2) << R.Err;
    EXPECT_NE(R.Err.find("do not go together"), std::string::npos) << R.Err;
  }
  RunResult R = runFactoryguard({"merge"}, Dir);
  EXPECT_EQ(R.ExitCode, 2);
  EXPECT_NE(R.Err.find("merge needs shard files"), std::string::npos) << R.Err;
  R = runFactoryguard({"merge", "--format", "shard", "x.json"}, Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
}

TEST(Shard, BaselineAndFailOnApplyAtTheMerge) {
  std::string Dir = makeProject("multi-tu", MultiUnits, "shard-baseline");
  std::vector<std::string> S = writeShards(Dir, 2);
  std::string Base = Dir + "/../base.sarif";
  RunResult W =
      runFactoryguard({"-p", "build", "--format", "sarif", "-o", Base}, Dir);
  ASSERT_EQ(W.ExitCode, 3) << W.Err;
  RunResult M = runFactoryguard(
      join({"merge", "--baseline", Base, "--unit-errors", "report"}, S), Dir);
  EXPECT_EQ(M.ExitCode, 0) << M.Out << M.Err;
  EXPECT_EQ(M.Out, "");
  M = runFactoryguard(join({"merge", "--unit-errors", "report"}, S), Dir);
  EXPECT_EQ(M.ExitCode, 1) << M.Err;
  M = runFactoryguard(
      join({"merge", "--unit-errors", "report", "--fail-on", "never"}, S), Dir);
  EXPECT_EQ(M.ExitCode, 0) << M.Err;
}

} // namespace

namespace {

/// The one `run:` line of Workflow that contains Needle, without "run: ".
std::string runLine(const std::string &Workflow, const std::string &Needle) {
  std::string Found;
  std::regex Run("run: (.*)");
  for (auto It = std::sregex_iterator(Workflow.begin(), Workflow.end(), Run);
       It != std::sregex_iterator(); ++It)
    if ((*It)[1].str().find(Needle) != std::string::npos) {
      EXPECT_EQ(Found, "") << "two run lines contain " << Needle;
      Found = (*It)[1].str();
    }
  EXPECT_NE(Found, "") << "no run line contains " << Needle;
  return Found;
}

std::string replaceAll(std::string S, const std::string &From,
                       const std::string &To) {
  for (size_t Pos = 0; (Pos = S.find(From, Pos)) != std::string::npos;
       Pos += To.size())
    S.replace(Pos, From.size(), To);
  return S;
}

TEST(Shard, MatrixWorkflowValidatesAndItsCommandsMergeAsOneRun) {
  std::string Path = FG_SOURCE_DIR "/ci/github/factoryguard-matrix.yml";
  std::string Validator =
      FG_SOURCE_DIR "/ci/.tools/node_modules/.bin/action-validator";
  ASSERT_TRUE(llvm::sys::fs::exists(Validator)) << "run ci/install.sh";
  RunResult V = runProgram(Validator, {Path});
  EXPECT_EQ(V.ExitCode, 0) << V.Out << V.Err;
  std::string Workflow = readFile(Path);
  for (const char *Part :
       {"github/codeql-action/upload-sarif@v4", "actions/upload-artifact",
        "actions/download-artifact", "needs: analyze", "merge-multiple: true"})
    EXPECT_NE(Workflow.find(Part), std::string::npos) << Part;
  // The matrix lists 1..SHARDS.
  std::smatch M;
  ASSERT_TRUE(std::regex_search(Workflow, M, std::regex("SHARDS: (\\d+)")));
  unsigned Shards = std::stoul(M[1].str());
  ASSERT_TRUE(
      std::regex_search(Workflow, M, std::regex("shard: \\[([^\\]]*)\\]")));
  std::string Expected;
  for (unsigned I = 1; I <= Shards; ++I)
    Expected += (I > 1 ? ", " : "") + std::to_string(I);
  EXPECT_EQ(M[1].str(), Expected);

  // Its two factoryguard commands, as the jobs run them, on the example;
  // the artifacts' download is a copy into shards/.
  std::string Dir = makeExample("shard-workflow");
  std::string Analyze = runLine(Workflow, "--format shard");
  std::string Merge = runLine(Workflow, "factoryguard merge");
  llvm::sys::fs::create_directories(Dir + "/shards");
  for (unsigned I = 1; I <= Shards; ++I) {
    std::string Cmd =
        replaceAll(Analyze, "${{ matrix.shard }}", std::to_string(I));
    Cmd = replaceAll(Cmd, "${{ env.SHARDS }}", std::to_string(Shards));
    ASSERT_EQ(Cmd.find("${{"), std::string::npos) << Cmd;
    Cmd = replaceAll(Cmd, "factoryguard ", std::string(FG_BINARY) + " ");
    RunResult R = runProgram("/bin/sh", {"-c", Cmd}, Dir);
    ASSERT_EQ(R.ExitCode, 0) << Cmd << "\n" << R.Err;
    std::string Name = "shard-" + std::to_string(I) + ".json";
    writeFile(Dir + "/shards/" + Name, readFile(Dir + "/" + Name));
  }
  ASSERT_EQ(Merge.find("${{"), std::string::npos) << Merge;
  RunResult R = runProgram(
      "/bin/sh",
      {"-c", replaceAll(Merge, "factoryguard ", std::string(FG_BINARY) + " ")},
      Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  RunResult W = runFactoryguard({"-p", "build", "--format", "sarif", "-o",
                                 "whole.sarif", "--fail-on", "never"},
                                Dir);
  EXPECT_EQ(W.ExitCode, 0) << W.Err;
  EXPECT_EQ(readFile(Dir + "/factoryguard.sarif"),
            readFile(Dir + "/whole.sarif"));
  EXPECT_NE(readFile(Dir + "/whole.sarif").find("\"ruleId\""),
            std::string::npos);
}

} // namespace

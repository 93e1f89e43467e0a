//===- OneAnswerTest.cpp - every surface gives the one answer -------------===//
//
// SPEC §7 "One answer everywhere" (issue 27): on every multi-unit testdata
// project and every testdata/rules file, these surfaces report the same
// findings (file, line, column, rule and message) with the same call chains
// and other notes:
//
//   - the CLI with --no-cache (the reference),
//   - the CLI on a warm cache (every unit a hit),
//   - the CLI with --full-parse,
//   - `factoryguard merge` of 3 shards,
//   - the real clang-tidy-19 with the plugin, after the CLI filled the cache,
//   - the language server's diagnostics (with their related information)
//     for every file that has a finding, after the CLI filled the cache.
//
// In a sanitizer build (ci/sanitize.sh) the plugin surface is left out:
// an instrumented plugin cannot be loaded into Debian's clang-tidy-19.
// The CLI surfaces also agree on fix-its (printed as notes); clang-tidy and
// the editor show fix-its their own way (tidy.FixEqualsCliFixAndCompiles,
// Lsp.CodeActionsApplyAndTheResultCompiles). Any difference fails with the
// rows that differ.
//
//===----------------------------------------------------------------------===//
#include "LspClient.h"
#include "TestHarness.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstring>
#include <iostream>
#include <map>
#include <set>

using namespace fgtest;

namespace {

/// A project of the parity test: a copy of testdata/<From> (its
/// configuration included) with build/compile_commands.json listing Units.
struct Project {
  std::string Name, Dir;
  std::vector<std::string> Units; // relative to Dir
};

/// build/compile_commands.json: the testdata flags and the project's own
/// include/ (the example's headers).
void writeDatabase(const Project &P) {
  std::string Json = "[\n";
  for (size_t I = 0; I < P.Units.size(); ++I) {
    std::string Args = "\"/usr/bin/clang++-19\"";
    for (const std::string &F : testdataFlags())
      Args += ", \"" + F + "\"";
    Args += ", \"-I" + P.Dir + "/include\", \"-c\", \"" + P.Units[I] + "\"";
    Json += std::string(I ? ",\n" : "") + "  {\"directory\": \"" + P.Dir +
            "\", \"arguments\": [" + Args + "], \"file\": \"" + P.Units[I] +
            "\"}";
  }
  writeFile(P.Dir + "/build/compile_commands.json", Json + "\n]\n");
}

Project makeParityProject(const std::string &Name, const std::string &From,
                          const std::vector<std::string> &Units) {
  Project P{Name, makeTempDir("one-answer-" + Name) + "/project", Units};
  llvm::sys::fs::create_directories(P.Dir);
  copyTree(FG_TESTDATA "/" + From + "/.", P.Dir);
  llvm::sys::fs::remove_directories(P.Dir + "/build");
  writeDatabase(P);
  return P;
}

/// "path:line:col: message [rule]" of each finding (path relative to the
/// project), with its notes in order as "path:line:col: message".
using Answer = std::map<std::string, std::vector<std::string>>;

std::string relative(const std::string &Path, const std::string &Dir) {
  llvm::StringRef P(Path);
  P.consume_front(Dir + "/");
  P.consume_front("./");
  return P.str();
}

/// The findings of a text report (the CLI's or clang-tidy's). Fix-it
/// notes are kept only when WithFixIts. A finding printed twice (clang-tidy
/// reports a header's finding with every unit that includes it) is one
/// row; its notes must be the same each time.
Answer answerOfText(const std::string &Out, const std::string &Dir,
                    bool WithFixIts) {
  Answer A;
  std::vector<std::string> *Notes = nullptr;
  std::vector<std::string> Scratch;
  for (const Diag &D : parseTextOutput(Out)) {
    std::string Where = relative(D.File, Dir) + ":" + std::to_string(D.Line) +
                        ":" + std::to_string(D.Col) + ": ";
    if (D.Level != "note") {
      std::string Row = Where + D.Message + " [" + D.Rule + "]";
      bool Fresh = !A.count(Row);
      Notes = Fresh ? &A[Row] : &Scratch;
      Scratch.clear();
      continue;
    }
    if (!Notes || (!WithFixIts && D.Message.rfind("fix-it:", 0) == 0))
      continue;
    Notes->push_back(Where + D.Message);
  }
  return A;
}

/// The same answer without the fix-it notes.
Answer withoutFixIts(const Answer &A) {
  Answer Out;
  for (const auto &[Row, Notes] : A) {
    std::vector<std::string> &N = Out[Row];
    for (const std::string &Note : Notes)
      if (Note.find(": fix-it:") == std::string::npos)
        N.push_back(Note);
  }
  return Out;
}

std::string differences(const Answer &Want, const Answer &Got) {
  std::string Out;
  for (const auto &[Row, Notes] : Want) {
    auto It = Got.find(Row);
    if (It == Got.end()) {
      Out += "  missing: " + Row + "\n";
    } else if (It->second != Notes) {
      Out += "  other notes: " + Row + "\n    want:\n";
      for (const std::string &N : Notes)
        Out += "      " + N + "\n";
      Out += "    got:\n";
      for (const std::string &N : It->second)
        Out += "      " + N + "\n";
    }
  }
  for (const auto &[Row, Notes] : Got)
    if (!Want.count(Row))
      Out += "  extra: " + Row + "\n";
  return Out;
}

void expectSameAnswer(const std::string &Surface, const Answer &Want,
                      const Answer &Got) {
  EXPECT_EQ(differences(Want, Got), "")
      << Surface << " differs from `factoryguard --no-cache`";
}

std::vector<std::string> join(std::vector<std::string> A,
                              const std::vector<std::string> &B) {
  A.insert(A.end(), B.begin(), B.end());
  return A;
}

RunResult runCli(const Project &P, const std::vector<std::string> &Extra) {
  RunResult R = runFactoryguard(join({"-p", "build"}, Extra), P.Dir);
  EXPECT_TRUE(R.ExitCode == 0 || R.ExitCode == 1) << R.Err;
  return R;
}

/// `factoryguard merge` of the project's 3 shards, as text.
Answer mergedAnswer(const Project &P) {
  std::vector<std::string> Shards;
  for (unsigned I = 1; I <= 3; ++I) {
    std::string Out = P.Dir + "/../shard-" + std::to_string(I) + ".json";
    RunResult R = runFactoryguard({"-p", "build", "--no-cache", "--source-root",
                                   P.Dir, "--shard", std::to_string(I) + "/3",
                                   "--format", "shard", "-o", Out},
                                  P.Dir);
    EXPECT_EQ(R.ExitCode, 0) << R.Err;
    Shards.push_back(Out);
  }
  RunResult M = runFactoryguard(
      join({"merge", "--source-root", P.Dir, "--format", "text"}, Shards),
      P.Dir);
  EXPECT_TRUE(M.ExitCode == 0 || M.ExitCode == 1) << M.Err;
  return answerOfText(M.Out, P.Dir, /*WithFixIts=*/true);
}

/// clang-tidy-19 with the plugin over every unit of the database.
[[maybe_unused]] Answer tidyAnswer(const Project &P) {
  std::vector<std::string> Args = {std::string("--load=") + FG_TIDY_PLUGIN,
                                   "--checks=-*,factoryguard-*",
                                   "--header-filter=.*",
                                   "--config={}",
                                   "-p",
                                   "build"};
  for (const std::string &U : P.Units)
    Args.push_back(P.Dir + "/" + U);
  RunResult R = runProgram(FG_CLANG_TIDY, Args, P.Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_EQ(R.Err.find("stay within each unit"), std::string::npos)
      << "the plugin did not use the CLI's cache:\n"
      << R.Err;
  return answerOfText(R.Out, P.Dir, /*WithFixIts=*/false);
}

/// The language server's diagnostics of each of Files (relative to the
/// project), with their related information as notes; a source file's
/// after an edit that reused its preamble (then the file is closed).
Answer lspAnswer(const Project &P, const std::set<std::string> &Files) {
  Answer A;
  LspClient C({"--debounce", "0"}, P.Dir, P.Dir + "/../lsp-stderr.txt");
  C.initialize();
  std::string Log = P.Dir + "/../lsp-stderr.txt";
  for (const std::string &F : Files) {
    std::string Path = P.Dir + "/" + F;
    std::string Text = readFile(Path);
    C.open(Path, Text);
    std::optional<json::Value> Diags = C.diagnostics(uriOf(Path), 1);
    EXPECT_TRUE(Diags) << F << ": no diagnostics\n" << readFile(Log);
    if (!Diags)
      continue;
    // A source file is edited (a comment after its last line), and its
    // answer is the one after the edit: its main file parsed again after
    // the headers' parse kept from the first analysis (SPEC §9).
    if (!llvm::StringRef(F).ends_with(".h")) {
      C.change(Path, Text + "// an edit\n", 2);
      Diags = C.diagnostics(uriOf(Path), 2);
      EXPECT_TRUE(Diags) << F << ": no diagnostics after an edit\n"
                         << readFile(Log);
      if (!Diags)
        continue;
      EXPECT_NE(readFile(Log).find("preamble reused for " + Path),
                std::string::npos)
          << F << ": the edit did not reuse the preamble\n"
          << readFile(Log);
      // Closed again: its unsaved text would make the cache entry of its
      // unit stale for the next files' analyses (SPEC §9).
      C.notify(
          "textDocument/didClose",
          json::Object{{"textDocument", json::Object{{"uri", uriOf(Path)}}}});
    }
    for (const json::Value &D : *Diags->getAsArray()) {
      const json::Object &O = *D.getAsObject();
      const json::Object &S = *O.getObject("range")->getObject("start");
      std::string Row = F + ":" + std::to_string(*S.getInteger("line") + 1) +
                        ":" + std::to_string(*S.getInteger("character") + 1) +
                        ": " + O.getString("message")->str() + " [" +
                        O.getString("code").value_or("").str() + "]";
      std::vector<std::string> &Notes = A[Row];
      if (const json::Array *Rel = O.getArray("relatedInformation"))
        for (const json::Value &R : *Rel) {
          const json::Object &L = *R.getAsObject()->getObject("location");
          const json::Object &LS = *L.getObject("range")->getObject("start");
          std::string Uri = L.getString("uri")->str();
          Notes.push_back(relative(Uri.substr(std::strlen("file://")), P.Dir) +
                          ":" + std::to_string(*LS.getInteger("line") + 1) +
                          ":" +
                          std::to_string(*LS.getInteger("character") + 1) +
                          ": " + R.getAsObject()->getString("message")->str());
        }
    }
  }
  return A;
}

/// The files of an answer's findings (each a path before the first ':').
std::set<std::string> filesOf(const Answer &A) {
  std::set<std::string> Out;
  for (const auto &[Row, Notes] : A)
    Out.insert(Row.substr(0, Row.find(':')));
  return Out;
}

void expectOneAnswer(const Project &P) {
  // The reference, then the cache filled by a first cached run.
  RunResult Cold = runCli(P, {"--no-cache"});
  Answer Want = answerOfText(Cold.Out, P.Dir, /*WithFixIts=*/true);
  ASSERT_FALSE(Want.empty()) << "a parity project without findings proves "
                                "nothing\n"
                             << Cold.Out << Cold.Err;
  expectSameAnswer("the first cached run", Want,
                   answerOfText(runCli(P, {}).Out, P.Dir, true));

  RunResult Warm = runCli(P, {"--cache-stats"});
  EXPECT_NE(Warm.Err.find(" 0 misses"), std::string::npos)
      << "the second run was not warm:\n"
      << Warm.Err;
  expectSameAnswer("the CLI on a warm cache", Want,
                   answerOfText(Warm.Out, P.Dir, true));
  expectSameAnswer(
      "--full-parse", Want,
      answerOfText(runCli(P, {"--full-parse", "--no-cache"}).Out, P.Dir, true));
  expectSameAnswer("the merge of 3 shards", Want, mergedAnswer(P));

  Answer NoFixIts = withoutFixIts(Want);
#ifndef FG_PLUGIN_UNLOADABLE
  expectSameAnswer("clang-tidy with the plugin", NoFixIts, tidyAnswer(P));
#else
  std::cerr << "sanitizer build: the clang-tidy plugin surface is left out "
               "(it cannot be loaded into an uninstrumented clang-tidy)\n";
#endif
  std::set<std::string> Files = filesOf(Want);
  Files.insert(P.Units.begin(), P.Units.end());
  expectSameAnswer("the language server", NoFixIts, lspAnswer(P, Files));
}

//===----------------------------------------------------------------------===//
// The projects
//===----------------------------------------------------------------------===//

TEST(OneAnswer, Example) {
  expectOneAnswer(makeParityProject("example", "example",
                                    {"src/agent_service.cpp", "src/boot.cpp",
                                     "src/handlers.cpp", "src/main.cpp",
                                     "src/registry.cpp"}));
}

TEST(OneAnswer, MultiTu) {
  // broken.cpp does not compile: unit failures have their own tests
  // (Shard.ChainsAndFailuresAcrossShardsMergeAsOneRun, Isolation.*).
  expectOneAnswer(makeParityProject("multi-tu", "multi-tu",
                                    {"main.cpp", "startup.cpp", "agents.cpp",
                                     "preloader.cpp", "globals.cpp"}));
}

TEST(OneAnswer, WholeProgram) {
  expectOneAnswer(makeParityProject("whole-program", "whole-program",
                                    {"boot.cpp", "handlers.cpp", "helpers.cpp",
                                     "main_a.cpp", "main_b.cpp", "tool_a.cpp",
                                     "tool_b.cpp"}));
}

TEST(OneAnswer, FabricatedContext) {
  // A made-up context in a start-up function that main, in another unit,
  // reaches: the chain crosses units on every surface.
  expectOneAnswer(makeParityProject("fabricated", "fabricated",
                                    {"main.cpp", "services.cpp", "auth.cpp"}));
}

TEST(OneAnswer, HeaderTemplates) {
  // The language server analyzes a unit's headers once, with its preamble,
  // and an edit only what the edit's parse made (EditScope.h): each chain
  // here runs through an edge only one of the two parts holds.
  expectOneAnswer(
      makeParityProject("header-templates", "header-templates", {"main.cpp"}));
}

TEST(OneAnswer, FactorySetup) {
  expectOneAnswer(
      makeParityProject("factory-setup", "factory-setup",
                        {"boot.cpp", "bridges.cpp", "handlers.cpp"}));
}

/// Each testdata/rules file as a one-unit project.
class OneAnswerRules : public ::testing::TestWithParam<std::string> {};

TEST_P(OneAnswerRules, EverySurface) {
  std::string Name = llvm::StringRef(GetParam()).drop_back(4).str();
  Project P{Name, makeTempDir("one-answer-" + Name) + "/project", {GetParam()}};
  llvm::sys::fs::create_directories(P.Dir);
  copyTree(FG_TESTDATA "/rules/" + GetParam(), P.Dir + "/" + GetParam());
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           P.Dir + "/.factoryguard.yaml");
  writeDatabase(P);
  expectOneAnswer(P);
}

INSTANTIATE_TEST_SUITE_P(OneAnswer, OneAnswerRules,
                         ::testing::ValuesIn(rulesTestdataFiles()),
                         testdataTestName);

} // namespace

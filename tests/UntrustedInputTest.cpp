//===- UntrustedInputTest.cpp - Shards and cache entries are input --------===//
//
// SPEC §7 "Untrusted input" (issue 24, item 1): a shard or a cache entry
// comes from another process, machine or pull request, so what it says
// about where its findings lie is checked before anything is reported. A
// finding, note, fix-it or call-graph location in a file outside the
// checkout, in a file its unit did not read, in a file whose content is not
// the one the unit read, or at a position outside its file refuses the
// shard (exit 2, naming it) and makes the cache entry a miss (the unit is
// analyzed again). The reporters never open a file outside the source root
// to print or hash a line, whatever the findings say, and clang's message
// about an error in such a file is not quoted (only the file and line).
//
// Each case goes through the real CLI with the reproduction of the issue
// (/etc/passwd). UntrustedResultTest.cpp drives the checking function
// directly, so the cache case holds even where an entry's integrity check
// would already refuse a crafted entry.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

using namespace fgtest;
namespace json = llvm::json;

namespace {

/// The first line of /etc/passwd: no report may ever print it.
std::string secretLine() {
  std::string Text = readFile("/etc/passwd");
  return Text.substr(0, Text.find('\n'));
}

json::Value readJson(const std::string &Path) {
  auto V = json::parse(readFile(Path));
  EXPECT_TRUE(bool(V)) << Path;
  if (!V) {
    llvm::consumeError(V.takeError());
    return json::Object();
  }
  return std::move(*V);
}

void writeJson(const std::string &Path, json::Value V) {
  std::string Text;
  llvm::raw_string_ostream(Text) << V;
  writeFile(Path, Text);
}

/// [file, line, column, end line, end column, offset, length]
json::Array at(const std::string &File, unsigned Line, unsigned Col,
               unsigned EndLine, unsigned EndCol, unsigned Offset,
               unsigned Length) {
  return json::Array{File, Line, Col, EndLine, EndCol, Offset, Length};
}

/// The example's shard (every unit, source root the checkout) and edits
/// of it, each written beside it.
class ExampleShard {
public:
  explicit ExampleShard(const std::string &Name) : Dir(makeExample(Name)) {
    Shard = Dir + "/../honest.json";
    RunResult R = runFactoryguard({"-p", "build", "--no-cache", "--source-root",
                                   Dir, "--format", "shard", "-o", Shard},
                                  Dir);
    EXPECT_EQ(R.ExitCode, 0) << R.Err;
  }

  /// The shard with Edit applied to the unit result that has findings
  /// (src/agent_service.cpp), written as Name.json.
  std::string edited(const std::string &Name,
                     const std::function<void(json::Object &)> &Edit) {
    json::Value Doc = readJson(Shard);
    for (json::Value &R : *Doc.getAsObject()->getArray("results")) {
      json::Object &Unit = *R.getAsObject();
      if (*Unit.getString("file") == "src/agent_service.cpp")
        Edit(Unit);
    }
    std::string Out = Dir + "/../" + Name + ".json";
    writeJson(Out, std::move(Doc));
    return Out;
  }

  /// A copy of the unit's first finding with its location replaced.
  std::string withFinding(const std::string &Name, json::Array Where) {
    return edited(Name, [&](json::Object &Unit) {
      json::Array &Findings = *Unit.getArray("findings");
      json::Object F = *Findings[0].getAsObject();
      F["at"] = std::move(Where);
      F["key"] = "crafted";
      Findings.push_back(std::move(F));
    });
  }

  /// merge of File refuses it, in text and SARIF, naming it and saying
  /// Why; nothing of /etc/passwd is printed.
  void expectRefused(const std::string &File, const std::string &Why) {
    for (const char *Format : {"text", "sarif"}) {
      RunResult R = runFactoryguard(
          {"merge", "--source-root", Dir, "--format", Format, File}, Dir);
      EXPECT_EQ(R.ExitCode, 2) << Format << ": " << R.Err << R.Out;
      EXPECT_NE(R.Err.find("shard '" + File + "'"), std::string::npos) << R.Err;
      EXPECT_NE(R.Err.find(Why), std::string::npos) << R.Err;
      EXPECT_EQ(R.Out.find(secretLine()), std::string::npos) << R.Out;
      EXPECT_EQ(R.Err.find(secretLine()), std::string::npos) << R.Err;
    }
  }

  std::string Dir, Shard;
};

TEST(UntrustedShard, TheHonestShardMerges) {
  ExampleShard S("untrusted-honest");
  RunResult R = runFactoryguard(
      {"merge", "--source-root", S.Dir, "--format", "text", S.Shard}, S.Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Out.find("src/agent_service.cpp:9:25: warning:"),
            std::string::npos)
      << R.Out;
}

TEST(UntrustedShard, AFindingInAFileOutsideTheCheckoutIsRefused) {
  ExampleShard S("untrusted-outside");
  // The reproduction: one crafted finding per line of a file.
  S.expectRefused(S.withFinding("passwd", at("/etc/passwd", 1, 1, 1, 10, 0, 9)),
                  "'/etc/passwd'");
  S.expectRefused(S.withFinding("dotdot", at("../../../../../../../etc/passwd",
                                             1, 1, 1, 10, 0, 9)),
                  "'/etc/passwd'");
  S.expectRefused(S.withFinding("dotdot-inside",
                                at("src/../../../../../../../../etc/passwd", 1,
                                   1, 1, 10, 0, 9)),
                  "'/etc/passwd'");
  // A file of the checkout the unit did not read.
  S.expectRefused(S.withFinding("unread", at("src/boot.cpp", 1, 1, 1, 2, 0, 1)),
                  "not a file its unit read");
}

TEST(UntrustedShard, PositionsOutsideTheFileAreRefused) {
  ExampleShard S("untrusted-positions");
  const std::string F = "src/agent_service.cpp";
  S.expectRefused(S.withFinding("huge-column",
                                at(F, 9, 4294967295u, 9, 4294967295u, 234, 0)),
                  "position");
  S.expectRefused(S.withFinding("end-before-start", at(F, 9, 25, 8, 1, 234, 0)),
                  "position");
  S.expectRefused(S.withFinding("past-line-end", at(F, 9, 400, 9, 401, 234, 1)),
                  "position");
  S.expectRefused(S.withFinding("past-eof", at(F, 5000, 1, 5000, 2, 234, 1)),
                  "position");
  S.expectRefused(S.withFinding("line-zero", at(F, 0, 1, 1, 2, 0, 1)),
                  "position");
  S.expectRefused(
      S.withFinding("offset-past-eof", at(F, 9, 25, 9, 48, 4000000, 23)),
      "position");
}

TEST(UntrustedShard, NotesFixItsAndChainStepsOutsideAreRefused) {
  ExampleShard S("untrusted-related");
  auto FirstFinding = [](json::Object &Unit) -> json::Object & {
    return *(*Unit.getArray("findings"))[0].getAsObject();
  };
  S.expectRefused(
      S.edited("note",
               [&](json::Object &Unit) {
                 FirstFinding(Unit)["notes"] = json::Array{
                     json::Object{{"at", at("/etc/passwd", 1, 1, 1, 10, 0, 9)},
                                  {"msg", "crafted"}}};
               }),
      "'/etc/passwd'");
  S.expectRefused(
      S.edited("fixit",
               [&](json::Object &Unit) {
                 FirstFinding(Unit)["fixes"] = json::Array{
                     json::Object{{"at", at("/etc/passwd", 1, 1, 1, 10, 0, 9)},
                                  {"text", "owned"}}};
               }),
      "'/etc/passwd'");
  // Chain steps come from the call-graph facts: an edge's call site and a
  // node's place, both in a file nobody read.
  for (const char *Kind : {"edges", "nodes"}) {
    S.expectRefused(S.edited(std::string("chain-") + Kind,
                             [&](json::Object &Unit) {
                               json::Object &Facts = *Unit.getObject("facts");
                               json::Array &Strings =
                                   *Facts.getArray("strings");
                               int64_t Passwd =
                                   static_cast<int64_t>(Strings.size());
                               Strings.push_back("/etc/passwd");
                               json::Array &Rows = *Facts.getArray(Kind);
                               ASSERT_FALSE(Rows.empty());
                               json::Array &Row = *Rows[0].getAsArray();
                               // The file is field 2 of a node and of an edge.
                               Row[2] = Passwd;
                             }),
                    "'/etc/passwd'");
  }
  // A position inside the checkout's file, but past its end, in a fact.
  S.expectRefused(
      S.edited(
          "edge-position",
          [&](json::Object &Unit) {
            json::Array &Row =
                *(*Unit.getObject("facts")->getArray("edges"))[0].getAsArray();
            Row[4] = 4294967295;
          }),
      "position");
}

TEST(UntrustedShard, AFileThatChangedSinceTheShardWasWrittenIsRefused) {
  ExampleShard S("untrusted-changed");
  writeFile(S.Dir + "/src/agent_service.cpp",
            readFile(S.Dir + "/src/agent_service.cpp") + "// edited\n");
  S.expectRefused(S.Shard, "differs from the one its unit read");
}

TEST(UntrustedShard, AShardOfAnotherVersionIsRefused) {
  ExampleShard S("untrusted-version");
  json::Value Doc = readJson(S.Shard);
  (*Doc.getAsObject())["version"] = "0.0.1";
  std::string Old = S.Dir + "/../old.json";
  writeJson(Old, std::move(Doc));
  S.expectRefused(Old, "written by factoryguard 0.0.1, this is factoryguard");
}

/// The example analyzed once with its cache (build/.factoryguard-cache).
struct CachedExample {
  explicit CachedExample(const std::string &Name) : Dir(makeExample(Name)) {
    Cold = runFactoryguard({"-p", "build"}, Dir);
    EXPECT_EQ(Cold.ExitCode, 1) << Cold.Err;
  }

  /// Edit applied to the cache entry of src/agent_service.cpp.
  void craft(const std::function<void(json::Object &)> &Edit) {
    std::error_code EC;
    std::string CacheDir = Dir + "/build/.factoryguard-cache";
    unsigned Edited = 0;
    for (llvm::sys::fs::directory_iterator It(CacheDir, EC), End;
         !EC && It != End; It.increment(EC)) {
      if (!llvm::StringRef(It->path()).ends_with(".fgc"))
        continue;
      json::Value Entry = readJson(It->path());
      json::Object &O = *Entry.getAsObject();
      const json::Array *Findings = O.getArray("findings");
      if (!Findings || Findings->empty() ||
          readFile(It->path()).find("agent_service.cpp") == std::string::npos)
        continue;
      Edit(O);
      writeJson(It->path(), std::move(Entry));
      ++Edited;
    }
    ASSERT_EQ(Edited, 1u) << "the entry of src/agent_service.cpp";
  }

  /// The run on the crafted cache: the entry is a miss, the unit analyzed
  /// again, and the report is the cold one.
  void expectMissAndColdReport() {
    RunResult R = runFactoryguard({"-p", "build", "--cache-stats"}, Dir);
    EXPECT_EQ(R.ExitCode, Cold.ExitCode) << R.Err;
    EXPECT_EQ(R.Out, Cold.Out);
    EXPECT_EQ(R.Out.find(secretLine()), std::string::npos) << R.Out;
    EXPECT_NE(R.Err.find("4 hits, 1 misses"), std::string::npos) << R.Err;
    // The fresh result replaced the crafted entry.
    RunResult Warm = runFactoryguard({"-p", "build", "--cache-stats"}, Dir);
    EXPECT_NE(Warm.Err.find("5 hits, 0 misses"), std::string::npos) << Warm.Err;
    EXPECT_EQ(Warm.Out, Cold.Out);
  }

  std::string Dir;
  RunResult Cold;
};

json::Object &firstFindingOf(json::Object &Entry) {
  return *(*Entry.getArray("findings"))[0].getAsObject();
}

TEST(UntrustedCache, AFindingOutsideTheFilesTheUnitReadIsAMiss) {
  CachedExample C("untrusted-cache-outside");
  C.craft([](json::Object &Entry) {
    json::Object F = firstFindingOf(Entry);
    F["at"] = at("/etc/passwd", 1, 1, 1, 10, 0, 9);
    Entry.getArray("findings")->push_back(std::move(F));
  });
  C.expectMissAndColdReport();
}

TEST(UntrustedCache, APositionOutsideItsFileIsAMiss) {
  CachedExample C("untrusted-cache-position");
  C.craft([](json::Object &Entry) {
    json::Array &Where = *firstFindingOf(Entry).getArray("at");
    Where[2] = 4294967295;
  });
  C.expectMissAndColdReport();
}

TEST(UntrustedCache, ANoteOrAFixItOutsideIsAMiss) {
  CachedExample C("untrusted-cache-note");
  C.craft([](json::Object &Entry) {
    firstFindingOf(Entry)["notes"] = json::Array{json::Object{
        {"at", at("/etc/passwd", 1, 1, 1, 10, 0, 9)}, {"msg", "crafted"}}};
  });
  C.expectMissAndColdReport();
  C.craft([](json::Object &Entry) {
    firstFindingOf(Entry)["fixes"] = json::Array{json::Object{
        {"at", at("/etc/passwd", 1, 1, 1, 10, 0, 9)}, {"text", "owned"}}};
  });
  C.expectMissAndColdReport();
}

// ----------------------------------------------------------------------
// The reporters, whatever the findings: no snippet and no line hash of a
// file outside the source root.

TEST(ReportedSources, NoSnippetOrLineHashOfAFileOutsideTheSourceRoot) {
  std::string Dir = makeTempDir("untrusted-report");
  llvm::sys::fs::create_directories(Dir + "/src");
  llvm::sys::fs::create_directories(Dir + "/vendor");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/vendor/slot.h",
            "#include \"netra/netra.h\"\n"
            "inline netra::WebSocketManager *g_vendor_slot = nullptr;\n");
  writeFile(Dir + "/src/a.cpp", "#include \"../vendor/slot.h\"\n"
                                "netra::WebSocketManager *g_slot = nullptr;\n");
  std::vector<std::string> Args = {"--source-root", Dir + "/src", "src/a.cpp"};
  RunResult R = runFactoryguard(withFlags(Args), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  // Both findings are reported; only the one under the root with its line.
  EXPECT_NE(R.Out.find("vendor/slot.h:2:"), std::string::npos) << R.Out;
  EXPECT_EQ(R.Out.find("inline netra::WebSocketManager"), std::string::npos)
      << R.Out;
  EXPECT_NE(R.Out.find("src/a.cpp:2:"), std::string::npos) << R.Out;
  EXPECT_NE(R.Out.find("netra::WebSocketManager *g_slot = nullptr;"),
            std::string::npos)
      << R.Out;
  Args.insert(Args.begin(), {"--format", "sarif", "-o", "r.sarif"});
  R = runFactoryguard(withFlags(Args), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  nlohmann::json J = nlohmann::json::parse(readFile(Dir + "/r.sarif"));
  unsigned Seen = 0;
  for (const nlohmann::json &Res : J["runs"][0]["results"]) {
    std::string Uri =
        Res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    bool Outside = Uri.find("vendor/slot.h") != std::string::npos;
    EXPECT_EQ(Res["partialFingerprints"].contains("primaryLocationLineHash"),
              !Outside)
        << Uri;
    Seen += Outside;
  }
  EXPECT_EQ(Seen, 1u);
}

TEST(ReportedSources, ClangsMessageAboutAFileOutsideTheSourceRootIsNotQuoted) {
  std::string Dir = makeTempDir("untrusted-include");
  writeFile(Dir + "/bad.cpp", "#include \"/etc/passwd\"\nint main() {}\n");
  RunResult R =
      runFactoryguard({"--source-root", Dir, "--format", "sarif", "-o",
                       "r.sarif", "bad.cpp", "--", "-std=c++17"},
                      Dir);
  EXPECT_EQ(R.ExitCode, 3) << R.Err;
  std::string Sarif = readFile(Dir + "/r.sarif");
  nlohmann::json J = nlohmann::json::parse(Sarif);
  const nlohmann::json &Notes =
      J["runs"][0]["invocations"][0]["toolExecutionNotifications"];
  ASSERT_EQ(Notes.size(), 1u) << Sarif;
  std::string Text = Notes[0]["message"]["text"];
  EXPECT_NE(Text.find("/etc/passwd:1"), std::string::npos) << Text;
  EXPECT_EQ(Text.find("'root"), std::string::npos) << Text;
  for (const std::string &Out : {Sarif, R.Err, R.Out}) {
    EXPECT_EQ(Out.find(secretLine()), std::string::npos) << Out;
    EXPECT_EQ(Out.find("unknown type name 'root'"), std::string::npos) << Out;
  }
  R = runFactoryguard({"--source-root", Dir, "bad.cpp", "--", "-std=c++17"},
                      Dir);
  EXPECT_EQ(R.ExitCode, 3) << R.Err;
  EXPECT_NE(R.Err.find("bad.cpp: error: translation unit could not be "
                       "analyzed"),
            std::string::npos)
      << R.Err;
  EXPECT_NE(R.Err.find("/etc/passwd:1"), std::string::npos) << R.Err;
  EXPECT_EQ(R.Err.find(secretLine()), std::string::npos) << R.Err;
  EXPECT_EQ(R.Err.find("unknown type name 'root'"), std::string::npos) << R.Err;
  // An error inside the source root is still quoted.
  writeFile(Dir + "/bad.cpp", "int main() { undefined_function(); }\n");
  R = runFactoryguard({"--source-root", Dir, "bad.cpp", "--", "-std=c++17"},
                      Dir);
  EXPECT_NE(R.Err.find("undefined_function"), std::string::npos) << R.Err;
}

} // namespace

//===- SarifTest.cpp - SARIF reporter and fingerprints --------------------===//
//
// GitHub's primaryLocationLineHash test vectors, URI encoding, UTF-16
// columns, a golden file, determinism, baselines, and the real validators
// (SARIF multitool with the GHAS rules, ajv with the official schema) on
// the reporter's output.
//
// The findings are synthetic, placed on testdata/sarif/sample.cpp by
// searching its lines for text. After an intended output change, regenerate
// the golden file with FG_UPDATE_GOLDEN=1 and review the diff.
//
//===----------------------------------------------------------------------===//

#include "Fingerprint.h"
#include "Rules.h"
#include "SarifReporter.h"
#include "SarifValidate.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

using namespace factoryguard;
using Json = nlohmann::ordered_json;

namespace {

const std::string SourceDir = FG_SOURCE_DIR;
const std::string SamplePath = FG_SOURCE_DIR "/testdata/sarif/sample.cpp";
const std::string GoldenPath = FG_SOURCE_DIR "/testdata/sarif/golden.sarif";

// Non-ASCII text spelled as UTF-8 bytes.
const std::string UUmlaut = "\xC3\xBC";      // ü: 2 bytes, 1 UTF-16 unit
const std::string Eszett = "\xC3\x9F";       // ß: 2 bytes, 1 unit
const std::string Wave = "\xF0\x9F\x91\x8B"; // 👋: 4 bytes, 2 units

std::string readFile(const std::string &Path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buffer =
      llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  return Buffer ? (*Buffer)->getBuffer().str() : std::string();
}

void writeFile(const std::string &Path, llvm::StringRef Text) {
  std::error_code EC;
  llvm::raw_fd_ostream Out(Path, EC);
  ASSERT_FALSE(EC) << Path << ": " << EC.message();
  Out << Text;
}

/// The byte range of Needle on the first line of File that contains Anchor
/// (the last occurrence when Last is set).
SourceRange rangeOf(llvm::StringRef Anchor, llvm::StringRef Needle,
                    bool Last = false, const std::string &File = SamplePath) {
  std::string Text = readFile(File);
  SourceRange R;
  R.File = File;
  size_t LineStart = 0;
  for (unsigned Line = 1; LineStart <= Text.size(); ++Line) {
    size_t LineEnd = Text.find('\n', LineStart);
    if (LineEnd == std::string::npos)
      LineEnd = Text.size();
    llvm::StringRef LineText(Text.data() + LineStart, LineEnd - LineStart);
    if (LineText.contains(Anchor)) {
      size_t Col = Last ? LineText.rfind(Needle) : LineText.find(Needle);
      EXPECT_NE(Col, llvm::StringRef::npos) << Needle.str();
      R.Line = R.EndLine = Line;
      R.Column = static_cast<unsigned>(Col) + 1;
      R.EndColumn = R.Column + static_cast<unsigned>(Needle.size());
      R.Offset = static_cast<unsigned>(LineStart + Col);
      R.Length = static_cast<unsigned>(Needle.size());
      return R;
    }
    LineStart = LineEnd + 1;
  }
  ADD_FAILURE() << "no line contains " << Anchor.str();
  return R;
}

SourceRange pointAt(SourceRange R) {
  R.EndLine = R.Line;
  R.EndColumn = R.Column;
  R.Length = 0;
  return R;
}

/// A small, hand-made set of findings covering every SARIF feature.
std::vector<Finding> sampleFindings() {
  std::vector<Finding> Findings;
  const char *GlobalLine = "*Global =";
  const char *LateLine = "*Late =";
  const char *StartupLine = "void startup()";

  Finding Singleton;
  Singleton.RuleId = StaticSingletonId;
  Singleton.Where = rangeOf(GlobalLine, "Global");
  Singleton.Message = "'Global' holds a request-scoped "
                      "'netra::WebSocketManager' in static storage";
  Singleton.StableKey = "netra::Global";
  Findings.push_back(Singleton);

  Finding StaticInit;
  StaticInit.RuleId = RequestScopeId;
  StaticInit.Level = Severity::Error;
  StaticInit.Where =
      rangeOf(GlobalLine, "netra::create_websocket_manager(nullptr)");
  StaticInit.Message =
      "'create_websocket_manager' called during static initialization of "
      "'Global'; request-scoped factories need a UserExecutionContext";
  StaticInit.StableKey = "Global|create_websocket_manager";
  Findings.push_back(StaticInit);

  Finding NullArg;
  NullArg.RuleId = NullContextId;
  NullArg.Where = rangeOf(GlobalLine, "nullptr");
  NullArg.Message = "null context passed to 'create_websocket_manager'";
  NullArg.Notes.push_back({SourceRange(), "no context is in scope"});
  NullArg.StableKey = "Global|create_websocket_manager|Ctx";
  Findings.push_back(NullArg);

  // After "Grüße 👋" on its line: UTF-16 columns are 4 less than bytes.
  Finding DefaultArg;
  DefaultArg.RuleId = NullContextId;
  DefaultArg.Where = rangeOf(LateLine, ")", /*Last=*/true);
  DefaultArg.Message = "'get_websocket_manager' called with its default "
                       "null context";
  DefaultArg.Notes.push_back(
      {rangeOf("*get_websocket_manager(", "Ctx = nullptr"),
       "the default argument is null"});
  DefaultArg.Fixes.push_back(
      {pointAt(rangeOf(LateLine, ")", /*Last=*/true)), "Ctx", std::nullopt});
  DefaultArg.StableKey = "Late|get_websocket_manager|Ctx";
  Findings.push_back(DefaultArg);

  Finding Chained;
  Chained.RuleId = RequestScopeId;
  Chained.Where =
      rangeOf(StartupLine, "netra::create_websocket_manager(nullptr)");
  Chained.Message = "'create_websocket_manager' called in 'startup', which "
                    "has no UserExecutionContext in scope";
  SourceRange MainCall = rangeOf("  startup();", "startup()");
  Chained.Notes.push_back({MainCall, "'main' calls 'startup'"});
  Chained.Notes.push_back(
      {Chained.Where, "'startup' calls 'create_websocket_manager'"});
  Chained.Chain.push_back({MainCall, "'main' calls 'startup'"});
  Chained.Chain.push_back(
      {Chained.Where, "'startup' calls 'create_websocket_manager'"});
  Chained.Fixes.push_back({rangeOf(StartupLine, "nullptr"), "Ctx", std::nullopt});
  Chained.StableKey = "startup|create_websocket_manager";
  Findings.push_back(Chained);

  Finding Suppressed;
  Suppressed.RuleId = StaticSingletonId;
  Suppressed.Where = rangeOf("*Cached =", "Cached");
  Suppressed.Message = "'Cached' holds a request-scoped "
                       "'netra::WebSocketManager' in static storage";
  Suppressed.StableKey = "netra::Cached";
  Suppressed.Suppressed = true;
  Suppressed.SuppressionText = "NOLINT(factoryguard-static-singleton)";
  Findings.push_back(Suppressed);

  // A note-level finding whose text has brackets and whose fix-it deletes.
  Finding Spacing;
  Spacing.RuleId = NullContextId;
  Spacing.Level = Severity::Note;
  Spacing.Where = rangeOf("( &Ctx)", "&Ctx");
  Spacing.Message = "context 'Ctx' reaches 'create_websocket_manager' "
                    "[demonstration of escaped brackets]";
  Spacing.Fixes.push_back({rangeOf("( &Ctx)", " "), "", std::nullopt});
  Spacing.StableKey = "handle|create_websocket_manager";
  Findings.push_back(Spacing);
  return Findings;
}

SarifOptions sampleOptions() {
  SarifOptions Opts;
  Opts.SourceRoot = SourceDir;
  Opts.ToolVersion = "0.1.0";
  Opts.Failures.push_back({SourceDir + "/testdata/sarif/broken.cpp",
                           "fatal error: 'missing.h' file not found"});
  return Opts;
}

Json parse(const std::string &Text) {
  Json Parsed = Json::parse(Text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(Parsed.is_discarded());
  return Parsed;
}

const Json &resultFor(const Json &Log, llvm::StringRef MessageStart) {
  for (const Json &R : Log["runs"][0]["results"])
    if (llvm::StringRef(R["message"]["text"].get<std::string>())
            .starts_with(MessageStart))
      return R;
  ADD_FAILURE() << "no result starting with " << MessageStart.str();
  static const Json None = Json::object();
  return None;
}

//===----------------------------------------------------------------------===//
// primaryLocationLineHash
//===----------------------------------------------------------------------===//

void expectHashes(const std::string &Input,
                  const std::vector<std::string> &Expected) {
  std::map<unsigned, std::string> Hashes = primaryLocationLineHashes(Input);
  ASSERT_EQ(Hashes.size(), Expected.size()) << "input: " << Input;
  for (unsigned Line = 1; Line <= Expected.size(); ++Line)
    EXPECT_EQ(Hashes[Line], Expected[Line - 1])
        << "line " << Line << " of: " << Input;
}

// The vectors of github/codeql-action src/fingerprints.test.ts.
TEST(LineHash, CodeqlActionVectors) {
  expectHashes("", {"c129715d7a2bc9a3:1"});
  expectHashes(" a\nb\n  \t\tc\n d",
               {"271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1",
                "a23a3dc5e078b07b:1"});
  expectHashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
               {"8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1",
                "bff680108adb0fcc:1", "c6805c5e1288b612:1",
                "b86d3392aea1be30:1", "e6ceba753e1a442:1"});
  const std::vector<std::string> WithFinalBreak = {
      "e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1",
      "e20e36e16fcb0cc8:1", "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1",
      "c129715d7a2bc9a3:1"};
  expectHashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
               WithFinalBreak);
  expectHashes(" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
               WithFinalBreak);
  expectHashes(" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
               WithFinalBreak);
  expectHashes(" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
               WithFinalBreak);
  std::string Lorem;
  for (int I = 0; I < 10; ++I)
    Lorem += "Lorem ipsum dolor sit amet.\n";
  expectHashes(
      Lorem, {"a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2", "a7f2ff13bc495cf2:3",
              "a7f2ff13bc495cf2:4", "a7f2ff13bc495cf2:5", "a7f2ff13bc495cf2:6",
              "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1", "55ec222b86bcae53:1",
              "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1"});
  expectHashes("x = 2\nx = 1\nprint(x)\nx = 3\nprint(x)\nx = 4\nprint(x)\n",
               {"e54938cc54b302f1:1", "bb609acbe9138d60:1",
                "1131fd5871777f34:1", "5c482a0f8b35ea28:1",
                "54517377da7028d2:1", "2c644846cb18d53e:1", "f1b89f20de0d133:1",
                "c129715d7a2bc9a3:1"});
}

// The action hashes UTF-16 code units of the file decoded by Node.js. These
// values come from running fingerprints.ts's hash() under Node 20.
TEST(LineHash, NonAsciiAndInvalidUtf8) {
  expectHashes(
      "int " + UUmlaut + " = 1; // " + Wave + "\n\tmain()\r\n",
      {"384e0396e894856b:1", "935ec9263b7309c7:1", "c129715d7a2bc9a3:1"});
  expectHashes(
      std::string("a\xFF\xC3(\xE2\x82\nb\xED\xA0\x80") + "c\xF4\x90\x80\x80" +
          "d\xE0\x80\n\xF0\x9F\x91",
      {"a70913c819ca6702:1", "716c787bf781d8a4:1", "8989dec65f08d110:1"});
}

TEST(LineHash, SingleLine) {
  EXPECT_EQ(primaryLocationLineHash(" a\nb\n  \t\tc\n d", 3),
            "180aee12dab6264:1");
  EXPECT_EQ(primaryLocationLineHash(" a\nb", 3), "");
}

//===----------------------------------------------------------------------===//
// factoryguard/v1
//===----------------------------------------------------------------------===//

TEST(Fingerprint, IgnoresLinesAndCheckoutLocation) {
  Finding A;
  A.RuleId = NullContextId;
  A.Where.File = "/src/repo/lib/a.cpp";
  A.Where.Line = 10;
  A.Where.Column = 3;
  A.Message = "null context passed to 'f'";
  A.StableKey = "g|f|ctx";
  std::string FP = factoryguardFingerprint(A, "/src/repo");
  EXPECT_EQ(FP.size(), 32u);
  EXPECT_EQ(FP.find_first_not_of("0123456789abcdef"), std::string::npos);

  Finding Moved = A;
  Moved.Where.Line = 42;
  Moved.Where.Column = 9;
  Moved.Message = "null context passed to 'f' (reworded)";
  EXPECT_EQ(factoryguardFingerprint(Moved, "/src/repo"), FP);

  Finding OtherCheckout = A;
  OtherCheckout.Where.File = "/home/ci/work/lib/a.cpp";
  EXPECT_EQ(factoryguardFingerprint(OtherCheckout, "/home/ci/work/"), FP);
  OtherCheckout.StableKey = "/home/ci/work/lib/a.cpp|g|f|ctx";
  Finding SameKey = A;
  SameKey.StableKey = "/src/repo/lib/a.cpp|g|f|ctx";
  EXPECT_EQ(factoryguardFingerprint(OtherCheckout, "/home/ci/work"),
            factoryguardFingerprint(SameKey, "/src/repo"));

  Finding OtherKey = A;
  OtherKey.StableKey = "h|f|ctx";
  EXPECT_NE(factoryguardFingerprint(OtherKey, "/src/repo"), FP);
  Finding OtherRule = A;
  OtherRule.RuleId = RequestScopeId;
  EXPECT_NE(factoryguardFingerprint(OtherRule, "/src/repo"), FP);
  Finding OtherFile = A;
  OtherFile.Where.File = "/src/repo/lib/b.cpp";
  EXPECT_NE(factoryguardFingerprint(OtherFile, "/src/repo"), FP);
}

//===----------------------------------------------------------------------===//
// Paths and URIs
//===----------------------------------------------------------------------===//

TEST(SarifUri, PercentEncoding) {
  EXPECT_EQ(percentEncodePath("src/a.cpp"), "src/a.cpp");
  EXPECT_EQ(percentEncodePath("dir with space/x.cpp"),
            "dir%20with%20space/x.cpp");
  EXPECT_EQ(percentEncodePath(UUmlaut + ".cpp"), "%C3%BC.cpp"); // ü
  EXPECT_EQ(percentEncodePath("a#b?c%d+e:f[g]'h'"),
            "a%23b%3Fc%25d%2Be%3Af%5Bg%5D%27h%27");
  EXPECT_EQ(percentEncodePath("A-Z_a.z~0/9"), "A-Z_a.z~0/9");
}

TEST(SarifUri, RelativeToRoot) {
  EXPECT_EQ(artifactUri("/r/src/a.cpp", "/r"), "src/a.cpp");
  EXPECT_EQ(artifactUri("/r/src/a.cpp", "/r/"), "src/a.cpp");
  EXPECT_EQ(artifactUri("/r/./src/../src/a.cpp", "/r/."), "src/a.cpp");
  EXPECT_EQ(artifactUri("/r/my dir/" + UUmlaut + ".cpp", "/r"),
            "my%20dir/%C3%BC.cpp");
  EXPECT_EQ(artifactUri("/r/a.cpp", "/"), "r/a.cpp");
}

TEST(SarifUri, OutsideRootIsAbsoluteFileUri) {
  EXPECT_EQ(artifactUri("/usr/include/x y.h", "/r"),
            "file:///usr/include/x%20y.h");
  EXPECT_EQ(artifactUri("/rx/a.cpp", "/r"), "file:///rx/a.cpp");
  EXPECT_EQ(artifactUri("/r", "/r"), "file:///r");
  EXPECT_EQ(artifactUri("/opt/" + UUmlaut + "/a.cpp", ""),
            "file:///opt/%C3%BC/a.cpp");
}

TEST(SarifUri, RootThroughSymlink) {
  test::TempDir Dir;
  std::string Real = Dir.file("real");
  std::string Link = Dir.file("link");
  ASSERT_FALSE(llvm::sys::fs::create_directory(Real));
  ASSERT_FALSE(llvm::sys::fs::create_link(Real, Link));
  writeFile(Real + "/a b.cpp", "int x;\n");
  EXPECT_EQ(artifactUri(Real + "/a b.cpp", Link), "a%20b.cpp");
}

TEST(SarifUri, ResultsUseEncodedRelativeUris) {
  test::TempDir Root;
  std::string Sub = Root.file("my dir");
  ASSERT_FALSE(llvm::sys::fs::create_directory(Sub));
  std::string File = Sub + "/gr" + UUmlaut + Eszett + "e.cpp";
  writeFile(File, "int x;\n");
  Finding F;
  F.RuleId = StaticSingletonId;
  F.Where = {File, 1, 5, 1, 6, 4, 1};
  F.Message = "m";
  Finding Outside = F;
  Outside.Where.File = "/nonexistent dir/" + UUmlaut + ".h";
  SarifOptions Opts;
  Opts.SourceRoot = Root.Path + "/";
  Json Log = parse(renderSarif({F, Outside}, Opts));
  std::set<std::string> Uris;
  for (const Json &R : Log["runs"][0]["results"])
    Uris.insert(
        R["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]);
  EXPECT_EQ(Uris, (std::set<std::string>{"file:///nonexistent%20dir/%C3%BC.h",
                                         "my%20dir/gr%C3%BC%C3%9Fe.cpp"}));
}

//===----------------------------------------------------------------------===//
// UTF-16 columns
//===----------------------------------------------------------------------===//

TEST(SarifColumns, Utf16Column) {
  // 'ü' is 2 bytes and 1 unit; '👋' is 4 bytes and 2 units.
  std::string Line = "s = \"" + UUmlaut + Wave + "\"; x";
  EXPECT_EQ(utf16Column(Line, 1), 1u);
  EXPECT_EQ(utf16Column(Line, 6), 6u);   // ü
  EXPECT_EQ(utf16Column(Line, 8), 7u);   // 👋
  EXPECT_EQ(utf16Column(Line, 12), 9u);  // closing quote
  EXPECT_EQ(utf16Column(Line, 15), 12u); // x
  EXPECT_EQ(utf16Column(Line, 16), 13u); // one past the end
  EXPECT_EQ(utf16Column(Line, 18), 15u); // beyond: one unit per byte
  EXPECT_EQ(utf16Length(UUmlaut + Wave), 3u);
  EXPECT_EQ(utf16Length(std::string("a\xFF") + "b"), 3u); // one U+FFFD
  // clang counts a byte-order mark in line 1's columns; editors do not.
  EXPECT_EQ(utf16Column("\xEF\xBB\xBFint x = y;", 12), 9u);
}

TEST(SarifColumns, TableOfALineEqualsEachColumn) {
  // The one-pass table the SARIF writer uses on long lines: the same as
  // utf16Column for every column, across cut, invalid and BOM sequences.
  for (std::string Line :
       {std::string(""), "s = \"" + UUmlaut + Wave + "\"; x",
        std::string("a\xFF\xC3"
                    "b\xE2\x82\xF0\x9F\x91"
                    "c\xED\xA0\x80"),
        std::string("\xEF\xBB\xBFint \xC3\xBC = y;"),
        std::string("\xEF\xBB\xBF"), std::string("\xEF\xBB"),
        std::string("\xF4\x90\x80\x80 \xE0\x80\xAF \xC0\xAF")}) {
    std::vector<unsigned> Table = utf16Columns(Line);
    ASSERT_EQ(Table.size(), Line.size() + 1);
    for (unsigned C = 1; C <= Line.size() + 1; ++C)
      EXPECT_EQ(Table[C - 1], utf16Column(Line, C))
          << "column " << C << " of '" << Line << "'";
  }
}

TEST(SarifColumns, ResultsAfterNonAsciiText) {
  Json Log = parse(renderSarif(sampleFindings(), sampleOptions()));
  // Line 17: const char *Greeting = "Grüße 👋"; ... get_websocket_manager();
  const Json &Late = resultFor(Log, "'get_websocket_manager' called");
  const Json &Region = Late["locations"][0]["physicalLocation"]["region"];
  EXPECT_EQ(Region["startLine"], 17);
  EXPECT_EQ(Region["startColumn"], 97); // byte column 101
  EXPECT_EQ(Region["endLine"], 17);
  EXPECT_EQ(Region["endColumn"], 98);
  const Json &Insert =
      Late["fixes"][0]["artifactChanges"][0]["replacements"][0];
  EXPECT_EQ(Insert["deletedRegion"]["startColumn"], 97);
  EXPECT_EQ(Insert["deletedRegion"]["endColumn"], 97);
  EXPECT_EQ(Insert["insertedContent"]["text"], "Ctx");

  // Line 21: void startup() { /* ü */ auto *M = netra::create_...(nullptr);
  const Json &Chained = resultFor(Log, "'create_websocket_manager' called in");
  const Json &R2 = Chained["locations"][0]["physicalLocation"]["region"];
  EXPECT_EQ(R2["startColumn"], 36); // byte column 37
  EXPECT_EQ(R2["endColumn"], 76);   // byte column 77
  const Json &Fix =
      Chained["fixes"][0]["artifactChanges"][0]["replacements"][0];
  EXPECT_EQ(Fix["deletedRegion"]["startColumn"], 68); // byte column 69
  EXPECT_EQ(Fix["deletedRegion"]["endColumn"], 75);

  // A range that spans the non-ASCII literal: only its end moves.
  Finding Span;
  Span.RuleId = StaticSingletonId;
  Span.Where =
      rangeOf("*Late =", "\"Gr" + UUmlaut + Eszett + "e " + Wave + "\"");
  Span.Message = "m";
  SarifOptions Opts;
  Opts.SourceRoot = SourceDir;
  Json One = parse(renderSarif({Span}, Opts));
  const Json &R3 = One["runs"][0]["results"][0]["locations"][0]
                      ["physicalLocation"]["region"];
  EXPECT_EQ(R3["startColumn"], 24);
  EXPECT_EQ(R3["endColumn"], 34); // byte column 38
}

TEST(SarifColumns, EndFromLength) {
  // A range given by offset and length only (EndLine 0) still gets an end.
  Finding F;
  F.RuleId = NullContextId;
  F.Where = rangeOf("void startup()", "nullptr");
  F.Where.EndLine = F.Where.EndColumn = 0;
  F.Message = "m";
  SarifOptions Opts;
  Opts.SourceRoot = SourceDir;
  Json Log = parse(renderSarif({F}, Opts));
  const Json &Region = Log["runs"][0]["results"][0]["locations"][0]
                          ["physicalLocation"]["region"];
  EXPECT_EQ(Region["startColumn"], 68);
  EXPECT_EQ(Region["endLine"], 21);
  EXPECT_EQ(Region["endColumn"], 75);
}

//===----------------------------------------------------------------------===//
// Structure, golden file, determinism
//===----------------------------------------------------------------------===//

TEST(Sarif, Structure) {
  std::vector<Finding> Findings = sampleFindings();
  Json Log = parse(renderSarif(Findings, sampleOptions()));
  EXPECT_EQ(Log["version"], "2.1.0");
  EXPECT_TRUE(Log.contains("$schema"));
  ASSERT_EQ(Log["runs"].size(), 1u);
  const Json &Run = Log["runs"][0];
  const Json &Driver = Run["tool"]["driver"];
  EXPECT_EQ(Driver["name"], "factoryguard");
  EXPECT_EQ(Driver["semanticVersion"], "0.1.0");
  EXPECT_TRUE(Driver.contains("informationUri"));
  // Every rule is listed, in catalogue order, results or not.
  ASSERT_EQ(Driver["rules"].size(), allRules().size());
  for (size_t I = 0; I < allRules().size(); ++I) {
    const Json &Rule = Driver["rules"][I];
    EXPECT_EQ(Rule["id"], allRules()[I].Id);
    EXPECT_FALSE(Rule["name"].get<std::string>().empty());
    EXPECT_LT(Rule["shortDescription"]["text"].get<std::string>().size(),
              1024u);
    EXPECT_LT(Rule["fullDescription"]["text"].get<std::string>().size(), 1024u);
    EXPECT_FALSE(Rule["help"]["text"].get<std::string>().empty());
    EXPECT_FALSE(Rule["help"]["markdown"].get<std::string>().empty());
    EXPECT_TRUE(Rule["defaultConfiguration"].contains("level"));
    EXPECT_TRUE(Rule["properties"]["tags"].is_array());
    EXPECT_TRUE(Rule["properties"].contains("precision"));
    EXPECT_TRUE(Rule["properties"].contains("problem.severity"));
  }
  EXPECT_EQ(Run["columnKind"], "utf16CodeUnits");
  EXPECT_EQ(Run["automationDetails"]["id"], "factoryguard/");

  const Json &Invocation = Run["invocations"][0];
  EXPECT_EQ(Invocation["executionSuccessful"], false);
  ASSERT_EQ(Invocation["toolExecutionNotifications"].size(), 1u);
  const Json &Failure = Invocation["toolExecutionNotifications"][0];
  EXPECT_EQ(Failure["level"], "error");
  EXPECT_EQ(
      Failure["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
      "testdata/sarif/broken.cpp");

  const Json &Results = Run["results"];
  ASSERT_EQ(Results.size(), Findings.size());
  for (const Json &R : Results) {
    int Index = R["ruleIndex"];
    EXPECT_EQ(R["ruleId"], allRules()[Index].Id);
    ASSERT_EQ(R["locations"].size(), 1u);
    const Json &Phys = R["locations"][0]["physicalLocation"];
    EXPECT_EQ(Phys["artifactLocation"]["uri"], "testdata/sarif/sample.cpp");
    for (const char *Key : {"startLine", "startColumn", "endLine", "endColumn"})
      EXPECT_TRUE(Phys["region"].contains(Key)) << Key;
    EXPECT_TRUE(R["partialFingerprints"].contains("primaryLocationLineHash"));
    EXPECT_TRUE(R["partialFingerprints"].contains("factoryguard/v1"));
  }

  // Notes: relatedLocations 1..n, cited in the message.
  const Json &Chained = resultFor(Log, "'create_websocket_manager' called in");
  EXPECT_EQ(Chained["message"]["text"],
            "'create_websocket_manager' called in 'startup', which has no "
            "UserExecutionContext in scope. See ['main' calls 'startup'](1) "
            "and ['startup' calls 'create_websocket_manager'](2).");
  ASSERT_EQ(Chained["relatedLocations"].size(), 2u);
  EXPECT_EQ(Chained["relatedLocations"][0]["id"], 1);
  EXPECT_EQ(Chained["relatedLocations"][1]["id"], 2);
  EXPECT_EQ(
      Chained["relatedLocations"][0]["physicalLocation"]["region"]["startLine"],
      29);
  // The chain: one thread flow, root first, a message per step.
  const Json &Steps = Chained["codeFlows"][0]["threadFlows"][0]["locations"];
  ASSERT_EQ(Steps.size(), 2u);
  EXPECT_EQ(Steps[0]["location"]["message"]["text"], "'main' calls 'startup'.");
  EXPECT_EQ(Steps[0]["location"]["physicalLocation"]["region"]["startLine"],
            29);
  EXPECT_EQ(Steps[1]["location"]["physicalLocation"]["region"]["startLine"],
            21);
  EXPECT_EQ(Chained["fixes"][0]["description"]["text"],
            "Replace 'nullptr' with 'Ctx'.");

  // A note without a location stays in the message.
  const Json &NullArg = resultFor(Log, "null context passed");
  EXPECT_EQ(NullArg["message"]["text"],
            "null context passed to 'create_websocket_manager'. No context "
            "is in scope.");
  EXPECT_FALSE(NullArg.contains("relatedLocations"));
  EXPECT_EQ(resultFor(Log, "'create_websocket_manager' called during")["level"],
            "error");

  // Brackets are escaped; a deletion inserts "".
  const Json &Spacing = resultFor(Log, "context 'Ctx' reaches");
  EXPECT_EQ(Spacing["level"], "note");
  EXPECT_EQ(Spacing["message"]["text"],
            "context 'Ctx' reaches 'create_websocket_manager' "
            "\\[demonstration of escaped brackets\\].");
  const Json &Deletion =
      Spacing["fixes"][0]["artifactChanges"][0]["replacements"][0];
  EXPECT_EQ(Deletion["insertedContent"]["text"], "");
  EXPECT_EQ(Spacing["fixes"][0]["description"]["text"], "Remove ' '.");

  // Suppressed findings are present, with an inSource suppression.
  const Json &Cached = resultFor(Log, "'Cached' holds");
  ASSERT_EQ(Cached["suppressions"].size(), 1u);
  EXPECT_EQ(Cached["suppressions"][0]["kind"], "inSource");
  EXPECT_EQ(Cached["suppressions"][0]["justification"],
            "NOLINT(factoryguard-static-singleton)");
  EXPECT_FALSE(resultFor(Log, "'Global' holds").contains("suppressions"));
}

TEST(Sarif, LineHashMatchesFile) {
  Json Log = parse(renderSarif(sampleFindings(), sampleOptions()));
  std::map<unsigned, std::string> Hashes =
      primaryLocationLineHashes(readFile(SamplePath));
  for (const Json &R : Log["runs"][0]["results"]) {
    unsigned Line =
        R["locations"][0]["physicalLocation"]["region"]["startLine"];
    EXPECT_EQ(R["partialFingerprints"]["primaryLocationLineHash"],
              Hashes[Line]);
  }
}

TEST(Sarif, NoFailuresMeansSuccess) {
  SarifOptions Opts;
  Opts.SourceRoot = SourceDir;
  Opts.Category = "factoryguard/nightly";
  Opts.CommandLine = {"factoryguard", "--format", "sarif", "a b.cpp"};
  Json Log = parse(renderSarif({}, Opts));
  const Json &Run = Log["runs"][0];
  EXPECT_EQ(Run["invocations"][0]["executionSuccessful"], true);
  EXPECT_FALSE(Run["invocations"][0].contains("toolExecutionNotifications"));
  EXPECT_EQ(Run["invocations"][0]["commandLine"],
            "factoryguard --format sarif 'a b.cpp'");
  EXPECT_EQ(Run["automationDetails"]["id"], "factoryguard/nightly");
  EXPECT_EQ(Run["results"].size(), 0u);
  EXPECT_EQ(Run["tool"]["driver"]["rules"].size(), allRules().size());
}

/// The output with what depends on the machine or on the rule catalogue's
/// wording replaced: the source root, and the rules (reduced to their ids;
/// the Structure test checks their fields).
std::string normalizedForGolden(const std::string &Sarif) {
  Json Log = parse(Sarif);
  Json &Rules = Log["runs"][0]["tool"]["driver"]["rules"];
  Json Ids = Json::array();
  for (const Json &Rule : Rules)
    Ids.push_back({{"id", Rule["id"]}});
  Rules = Ids;
  std::string Text = Log.dump(2) + "\n";
  std::string RootUri = "file://" + percentEncodePath(SourceDir) + "/";
  for (size_t Pos; (Pos = Text.find(RootUri)) != std::string::npos;)
    Text.replace(Pos, RootUri.size(), "file:///SOURCE_ROOT/");
  return Text;
}

TEST(Sarif, Golden) {
  std::string Actual =
      normalizedForGolden(renderSarif(sampleFindings(), sampleOptions()));
  if (const char *Update = std::getenv("FG_UPDATE_GOLDEN");
      Update && llvm::StringRef(Update) == "1") {
    writeFile(GoldenPath, Actual);
    GTEST_SKIP() << "wrote " << GoldenPath;
  }
  std::string Expected = readFile(GoldenPath);
  ASSERT_FALSE(Expected.empty()) << GoldenPath << " is missing";
  EXPECT_EQ(Actual, Expected)
      << "SARIF output changed; if intended, rerun with FG_UPDATE_GOLDEN=1";
}

TEST(Sarif, Deterministic) {
  std::vector<Finding> Findings = sampleFindings();
  std::string First = renderSarif(Findings, sampleOptions());
  EXPECT_EQ(renderSarif(Findings, sampleOptions()), First);
  std::reverse(Findings.begin(), Findings.end());
  EXPECT_EQ(renderSarif(Findings, sampleOptions()), First);
  std::rotate(Findings.begin(), Findings.begin() + 3, Findings.end());
  EXPECT_EQ(renderSarif(Findings, sampleOptions()), First);
}

TEST(Sarif, InvalidUtf8DoesNotThrow) {
  Finding F;
  F.RuleId = NullContextId;
  F.Where = rangeOf("void startup()", "nullptr");
  F.Message = "bad byte \xFF here";
  SarifOptions Opts;
  Opts.SourceRoot = SourceDir;
  std::string Out = renderSarif({F}, Opts);
  EXPECT_NE(Out.find("bad byte \xEF\xBF\xBD here"), std::string::npos);
}

//===----------------------------------------------------------------------===//
// Baseline
//===----------------------------------------------------------------------===//

TEST(SarifBaseline, ReadsOwnFingerprints) {
  std::vector<Finding> Findings = sampleFindings();
  test::TempDir Dir;
  std::string Path = Dir.file("baseline.sarif");
  writeFile(Path, renderSarif(Findings, sampleOptions()));
  llvm::Expected<std::set<std::string>> Read = readBaselineFingerprints(Path);
  ASSERT_TRUE(static_cast<bool>(Read)) << llvm::toString(Read.takeError());
  std::set<std::string> Expected;
  for (const Finding &F : Findings)
    Expected.insert(factoryguardFingerprint(F, SourceDir));
  EXPECT_EQ(*Read, Expected);

  // The same findings moved down by edits elsewhere are still known.
  for (Finding &F : Findings) {
    F.Where.Line += 5;
    F.Where.EndLine += 5;
    EXPECT_TRUE(Read->count(factoryguardFingerprint(F, SourceDir)));
  }
}

TEST(SarifBaseline, Errors) {
  llvm::Expected<std::set<std::string>> Missing =
      readBaselineFingerprints("/nonexistent/baseline.sarif");
  EXPECT_FALSE(static_cast<bool>(Missing));
  EXPECT_NE(llvm::toString(Missing.takeError()).find("baseline"),
            std::string::npos);

  test::TempDir Dir;
  std::string Path = Dir.file("bad.sarif");
  writeFile(Path, "{ not json");
  llvm::Expected<std::set<std::string>> NotJson =
      readBaselineFingerprints(Path);
  EXPECT_FALSE(static_cast<bool>(NotJson));
  llvm::consumeError(NotJson.takeError());

  writeFile(Path, "{\"version\": \"2.1.0\"}");
  llvm::Expected<std::set<std::string>> NoRuns = readBaselineFingerprints(Path);
  EXPECT_FALSE(static_cast<bool>(NoRuns));
  llvm::consumeError(NoRuns.takeError());

  // Another tool's SARIF is a valid baseline without our fingerprints.
  writeFile(Path, "{\"version\": \"2.1.0\", \"runs\": [{\"results\": "
                  "[{\"partialFingerprints\": {\"primaryLocationLineHash\": "
                  "\"x:1\"}}]}]}");
  llvm::Expected<std::set<std::string>> Foreign =
      readBaselineFingerprints(Path);
  ASSERT_TRUE(static_cast<bool>(Foreign));
  EXPECT_TRUE(Foreign->empty());
}

TEST(SarifBaseline, FromBufferIsTheSameReaderAndNamesTheGivenPath) {
  // What the fuzzer (fuzz/sarif_baseline_fuzzer.cpp) calls: the same answer
  // as reading the file, and messages name the path it was given.
  std::vector<Finding> Findings = sampleFindings();
  std::string Text = renderSarif(Findings, sampleOptions());
  test::TempDir Dir;
  std::string Path = Dir.file("baseline.sarif");
  writeFile(Path, Text);
  llvm::Expected<std::set<std::string>> FromFile = readBaselineFingerprints(Path);
  llvm::Expected<std::set<std::string>> FromBuffer =
      readBaselineFingerprintsFromBuffer(Text, "in-memory.sarif");
  ASSERT_TRUE(static_cast<bool>(FromFile)) << llvm::toString(FromFile.takeError());
  ASSERT_TRUE(static_cast<bool>(FromBuffer))
      << llvm::toString(FromBuffer.takeError());
  EXPECT_EQ(*FromBuffer, *FromFile);
  EXPECT_FALSE(FromBuffer->empty());

  llvm::Expected<std::set<std::string>> Bad =
      readBaselineFingerprintsFromBuffer("[1, 2", "in-memory.sarif");
  ASSERT_FALSE(static_cast<bool>(Bad));
  EXPECT_NE(llvm::toString(Bad.takeError()).find("'in-memory.sarif'"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// The real validators
//===----------------------------------------------------------------------===//

class SarifValidators : public ::testing::Test {
protected:
  void SetUp() override {
    if (test::sarifValidatorsSkipped())
      GTEST_SKIP() << "FACTORYGUARD_SKIP_SARIF_VALIDATORS=1";
  }
};

TEST_F(SarifValidators, SampleReportIsClean) {
  test::TempDir Dir;
  std::string Path = Dir.file("sample.sarif");
  writeFile(Path, renderSarif(sampleFindings(), sampleOptions()));
  std::vector<std::string> Problems = test::validateSarifFile(Path);
  EXPECT_TRUE(Problems.empty()) << test::join(Problems);
}

TEST_F(SarifValidators, EdgeCasesAreClean) {
  // Outside the root, encoded names, a successful run with a command line,
  // an unreadable file (byte columns, no line hash).
  test::TempDir Root;
  std::string Sub = Root.file("my dir");
  ASSERT_FALSE(llvm::sys::fs::create_directory(Sub));
  std::string File = Sub + "/" + UUmlaut + ".cpp";
  writeFile(File, readFile(SamplePath));
  std::vector<Finding> Findings = sampleFindings();
  for (Finding &F : Findings) {
    F.Where.File = File;
    for (Note &N : F.Notes)
      if (N.Where.valid())
        N.Where.File = File;
    for (ChainStep &S : F.Chain)
      S.Where.File = File;
    for (FixIt &X : F.Fixes)
      X.Where.File = File;
  }
  Finding Outside = Findings.front();
  Outside.Where.File = "/nonexistent dir/vendor " + UUmlaut + ".h";
  Findings.push_back(Outside);
  SarifOptions Opts;
  Opts.SourceRoot = Root.Path;
  Opts.ToolVersion = "0.1.0";
  Opts.CommandLine = {"factoryguard", "--format", "sarif", File};
  test::TempDir Out;
  std::string Path = Out.file("edge.sarif");
  writeFile(Path, renderSarif(Findings, Opts));
  std::vector<std::string> Problems = test::validateSarifFile(Path);
  EXPECT_TRUE(Problems.empty()) << test::join(Problems);

  Opts.Failures.push_back({"/nonexistent dir/failed " + UUmlaut + ".cpp", ""});
  writeFile(Path, renderSarif({}, Opts));
  Problems = test::validateSarifFile(Path);
  EXPECT_TRUE(Problems.empty()) << test::join(Problems);
}

TEST_F(SarifValidators, DetectBrokenFiles) {
  // The helper must not pass what the tools would reject or cannot load.
  test::TempDir Dir;
  std::string Path = Dir.file("broken.sarif");
  writeFile(Path, "not json\n");
  EXPECT_FALSE(test::multitoolProblems(Path).empty());
  EXPECT_FALSE(test::schemaProblems(Path).empty());

  Json Log = parse(renderSarif(sampleFindings(), sampleOptions()));
  Log["runs"][0]["results"][0]["level"] = "bogus";
  writeFile(Path, Log.dump(2));
  EXPECT_FALSE(test::schemaProblems(Path).empty());
  EXPECT_FALSE(test::multitoolProblems(Path).empty()); // loads nothing

  Log = parse(renderSarif(sampleFindings(), sampleOptions()));
  Log["runs"][0]["tool"]["driver"]["rules"][0].erase("help");
  writeFile(Path, Log.dump(2));
  EXPECT_TRUE(test::schemaProblems(Path).empty());
  EXPECT_FALSE(test::multitoolProblems(Path).empty()); // GHAS needs help
}

} // namespace

//===- LspTest.cpp - `factoryguard lsp` over pipes, and in Neovim --------===//
//
// Drives the real binary as an editor does: JSON-RPC with Content-Length
// framing on its standard input and output (read here with a parser of our
// own, not the server's). Diagnostics are compared with the CLI's findings
// for the same file; code actions are applied and compiled with clang++-19.
// Neovim 0.7's built-in client (`nvim --headless`) is the real-editor test.
//
//===----------------------------------------------------------------------===//
#include "LspClient.h"
#include "LspServer.h"
#include "TestHarness.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace fgtest;
namespace json = llvm::json;
using Clock = std::chrono::steady_clock;

namespace {

/// A directory outside the build tree (where no compile_commands.json is
/// found by walking up).
std::string makeOutsideTempDir(const std::string &Name) {
  return makeTempDir("lsp-" + Name);
}

/// A project: a copy of a testdata file, the rules' configuration and a
/// compile_commands.json that lists the copy.
struct Project {
  std::string Dir, File, Text;
};

Project makeProject(const std::string &Name, const std::string &Testdata,
                    bool WithDatabase = true) {
  Project P;
  P.Dir = makeOutsideTempDir(Name);
  P.File = P.Dir + "/" + llvm::sys::path::filename(Testdata).str();
  P.Text = readFile(Testdata);
  writeFile(P.File, P.Text);
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           P.Dir + "/.factoryguard.yaml");
  if (WithDatabase) {
    json::Array Args{"clang++"};
    for (const std::string &F : testdataFlags())
      Args.push_back(F);
    Args.push_back("-c");
    Args.push_back(P.File);
    json::Value Db = json::Array{json::Object{{"directory", P.Dir},
                                              {"file", P.File},
                                              {"arguments", std::move(Args)}}};
    std::string Text;
    llvm::raw_string_ostream OS(Text);
    OS << Db;
    OS.flush();
    writeFile(P.Dir + "/compile_commands.json", Text);
  }
  return P;
}

/// "line:col: message [rule]" of one diagnostic (1-based).
std::string diagnosticLine(const json::Object &O) {
  const json::Object &Start = *O.getObject("range")->getObject("start");
  return std::to_string(*Start.getInteger("line") + 1) + ":" +
         std::to_string(*Start.getInteger("character") + 1) + ": " +
         O.getString("message")->str() + " [" +
         O.getString("code").value_or("").str() + "]";
}

/// "line:col: message [rule]" of each finding, as the LSP reports it
/// (UTF-16 columns equal byte columns in our ASCII testdata).
std::vector<std::string> lspFindings(const json::Value &Diags) {
  std::vector<std::string> Out;
  for (const json::Value &D : *Diags.getAsArray()) {
    const json::Object &O = *D.getAsObject();
    Out.push_back(diagnosticLine(O));
  }
  std::sort(Out.begin(), Out.end());
  return Out;
}

/// The same for the CLI's text output on that file.
std::vector<std::string> cliFindings(const Project &P) {
  RunResult R = runFactoryguard({"-p", P.Dir, P.File}, P.Dir);
  EXPECT_TRUE(R.ExitCode == 0 || R.ExitCode == 1) << R.Err;
  std::vector<std::string> Out;
  std::string Name = llvm::sys::path::filename(P.File).str();
  for (const Diag &D : parseTextOutput(R.Out))
    if (!D.Rule.empty() && llvm::StringRef(D.File).ends_with(Name))
      Out.push_back(std::to_string(D.Line) + ":" + std::to_string(D.Col) +
                    ": " + D.Message + " [" + D.Rule + "]");
  std::sort(Out.begin(), Out.end());
  return Out;
}

const std::string NullContext =
    FG_TESTDATA "/rules/factoryguard-null-context.cpp";
const std::string RequestScope =
    FG_TESTDATA "/rules/factoryguard-request-scope.cpp";

TEST(Lsp, DiagnosticsEqualTheCliForTheFile) {
  for (const std::string &Testdata : {NullContext, RequestScope}) {
    SCOPED_TRACE(Testdata);
    Project P = makeProject("same", Testdata);
    // Started elsewhere: the database is found from the document.
    LspClient C({"--debounce", "50"}, "/", P.Dir + "/stderr.txt");
    C.initialize();
    C.open(P.File, P.Text);
    auto Diags = C.diagnostics(uriOf(P.File), 1);
    ASSERT_TRUE(Diags) << readFile(P.Dir + "/stderr.txt");
    std::vector<std::string> Expected = cliFindings(P);
    ASSERT_FALSE(Expected.empty());
    EXPECT_EQ(lspFindings(*Diags), Expected);
    bool AnyRelated = false;
    for (const json::Value &D : *Diags->getAsArray()) {
      const json::Object &O = *D.getAsObject();
      EXPECT_EQ(O.getString("source"), "factoryguard");
      EXPECT_EQ(O.getInteger("severity"), 2); // warning, the rules' default
      if (const json::Array *Rel = O.getArray("relatedInformation")) {
        AnyRelated = true;
        for (const json::Value &R : *Rel)
          EXPECT_TRUE(R.getAsObject()->getObject("location")) << R;
      }
    }
    // Call chains (request-scope) and candidate notes (null-context).
    EXPECT_TRUE(AnyRelated);
    EXPECT_FALSE(C.framingError()) << C.framingErrorText();
  }
}

TEST(Lsp, UnsavedEditRemovesAFinding) {
  Project P = makeProject("unsaved", NullContext);
  LspClient C({"--debounce", "50"}, P.Dir, P.Dir + "/stderr.txt");
  C.initialize();
  C.open(P.File, P.Text);
  auto Before = C.diagnostics(uriOf(P.File), 1);
  ASSERT_TRUE(Before);
  std::vector<std::string> B = lspFindings(*Before);
  const std::string Bad = "auto a = create_websocket_manager(nullptr);";
  size_t At = P.Text.find(Bad);
  ASSERT_NE(At, std::string::npos);
  unsigned Line = std::count(P.Text.begin(), P.Text.begin() + At, '\n') + 1;
  // An incremental change (a client may send one although the server asks
  // for full text): 'nullptr' becomes '&ctx'.
  size_t LineStart = P.Text.rfind('\n', At) + 1;
  int64_t Char = At - LineStart + Bad.find("nullptr");
  json::Value Range = json::Object{
      {"start", json::Object{{"line", Line - 1}, {"character", Char}}},
      {"end", json::Object{{"line", Line - 1}, {"character", Char + 7}}}};
  C.notify("textDocument/didChange",
           json::Object{{"textDocument",
                         json::Object{{"uri", uriOf(P.File)}, {"version", 2}}},
                        {"contentChanges",
                         json::Array{json::Object{{"range", std::move(Range)},
                                                  {"text", "&ctx"}}}}});
  auto After = C.diagnostics(uriOf(P.File), 2);
  ASSERT_TRUE(After) << readFile(P.Dir + "/stderr.txt");
  std::vector<std::string> A = lspFindings(*After);
  EXPECT_EQ(A.size() + 1, B.size());
  for (const std::string &F : A)
    EXPECT_NE(F.rfind(std::to_string(Line) + ":", 0), 0u) << F;
  EXPECT_EQ(readFile(P.File), P.Text) << "the file on disk is unchanged";
}

TEST(Lsp, ColumnsAreUtf16UnlessTheClientTakesUtf8) {
  std::string Dir = makeOutsideTempDir("utf");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Dir + "/.factoryguard.yaml");
  std::string File = Dir + "/wide.cpp";
  // Before the name: 13 bytes, 10 UTF-16 code units (U+1D11E is a pair).
  std::string Text = "#include \"netra/netra.h\"\n"
                     "/* \xC3\xA9\xF0\x9D\x84\x9E */ "
                     "netra::WebSocketManager *g_slot = nullptr;\n";
  writeFile(File, Text);
  std::vector<std::string> Args = {"--"};
  for (const std::string &F : testdataFlags())
    Args.push_back(F);
  for (bool Utf8 : {false, true}) {
    SCOPED_TRACE(Utf8 ? "utf-8" : "utf-16");
    LspClient C(Args, Dir, Dir + "/stderr.txt");
    json::Object Caps;
    if (Utf8)
      Caps["general"] =
          json::Object{{"positionEncodings", json::Array{"utf-8", "utf-16"}}};
    int64_t Id = C.request("initialize",
                           json::Object{{"processId", nullptr},
                                        {"rootUri", nullptr},
                                        {"capabilities", std::move(Caps)}});
    auto R = C.response(Id);
    ASSERT_TRUE(R);
    EXPECT_EQ(R->getAsObject()
                  ->getObject("result")
                  ->getObject("capabilities")
                  ->getString("positionEncoding"),
              Utf8 ? "utf-8" : "utf-16");
    C.notify("initialized", json::Object{});
    C.open(File, Text);
    auto D = C.diagnostics(uriOf(File), 1);
    ASSERT_TRUE(D);
    ASSERT_EQ(D->getAsArray()->size(), 1u) << *D;
    const json::Object &Range =
        *(*D->getAsArray())[0].getAsObject()->getObject("range");
    int64_t Name = Utf8 ? 13 + 25 : 10 + 25; // g_slot, 0-based
    EXPECT_EQ(Range.getObject("start")->getInteger("line"), 1);
    EXPECT_EQ(Range.getObject("start")->getInteger("character"), Name);
  }
}

// Lines end as clang ends them (\n, \r\n and a lone \r), so a diagnostic of a
// file saved with old Mac line endings is on clang's line, not on line 1.
TEST(Lsp, LinesEndAsClangEndsThem) {
  std::string Dir = makeOutsideTempDir("eol");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Dir + "/.factoryguard.yaml");
  std::vector<std::string> Args = {"--"};
  for (const std::string &F : testdataFlags())
    Args.push_back(F);
  for (std::string Eol : {"\n", "\r\n", "\r"}) {
    SCOPED_TRACE(Eol == "\r" ? "CR" : Eol == "\n" ? "LF" : "CRLF");
    std::string File = Dir + "/eol" + std::to_string(Eol.size()) +
                       (Eol == "\r" ? "cr" : "") + ".cpp";
    std::string Text = "#include \"netra/netra.h\"" + Eol + "// two" + Eol +
                       "// lines" + Eol +
                       "netra::WebSocketManager *g_slot = nullptr;" + Eol;
    writeFile(File, Text);
    LspClient C(Args, Dir, Dir + "/stderr.txt");
    C.initialize();
    C.open(File, Text);
    auto D = C.diagnostics(uriOf(File), 1);
    ASSERT_TRUE(D);
    ASSERT_EQ(D->getAsArray()->size(), 1u) << *D;
    const json::Object &Range =
        *(*D->getAsArray())[0].getAsObject()->getObject("range");
    EXPECT_EQ(Range.getObject("start")->getInteger("line"), 3) << *D;
    EXPECT_EQ(Range.getObject("start")->getInteger("character"), 25) << *D;
    // The end stays on the line, before its break.
    EXPECT_EQ(Range.getObject("end")->getInteger("line"), 3) << *D;
    EXPECT_LE(*Range.getObject("end")->getInteger("character"), 42) << *D;
  }
}

TEST(Lsp, UnsavedHeaderTextIsWhatTheUnitSees) {
  std::string Dir = makeOutsideTempDir("header");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Dir + "/.factoryguard.yaml");
  std::string Header = Dir + "/slot.h", Main = Dir + "/main.cpp";
  writeFile(Header, "#define SLOT_TYPE int\n");
  std::string MainText =
      "#include \"netra/netra.h\"\n#include \"slot.h\"\nSLOT_TYPE g_slot{};\n";
  writeFile(Main, MainText);
  std::vector<std::string> Args = {"--"};
  for (const std::string &F : testdataFlags())
    Args.push_back(F);
  LspClient C(Args, Dir, Dir + "/stderr.txt");
  C.initialize();
  C.open(Header, "#define SLOT_TYPE netra::WebSocketManager *\n");
  C.open(Main, MainText);
  auto D = C.diagnostics(uriOf(Main), 1);
  ASSERT_TRUE(D) << readFile(Dir + "/stderr.txt");
  std::vector<std::string> Found = lspFindings(*D);
  ASSERT_EQ(Found.size(), 1u) << *D;
  EXPECT_EQ(Found[0].rfind("3:", 0), 0u) << Found[0];
  EXPECT_NE(Found[0].find("[factoryguard-static-singleton]"), std::string::npos)
      << Found[0];
}

/// Applies TextEdits (all against Text) from the end backwards.
std::string applyEdits(const std::string &Text,
                       std::vector<json::Value> Edits) {
  std::vector<size_t> Starts = {0};
  for (size_t I = 0; I < Text.size(); ++I)
    if (Text[I] == '\n')
      Starts.push_back(I + 1);
  auto Offset = [&](const json::Object &Pos) {
    return Starts[*Pos.getInteger("line")] + *Pos.getInteger("character");
  };
  std::vector<std::tuple<size_t, size_t, std::string>> Parts;
  for (const json::Value &E : Edits) {
    const json::Object &O = *E.getAsObject();
    const json::Object &R = *O.getObject("range");
    Parts.emplace_back(Offset(*R.getObject("start")),
                       Offset(*R.getObject("end")),
                       O.getString("newText")->str());
  }
  std::sort(Parts.begin(), Parts.end());
  Parts.erase(std::unique(Parts.begin(), Parts.end()), Parts.end());
  std::string Out = Text;
  for (auto It = Parts.rbegin(); It != Parts.rend(); ++It)
    Out.replace(std::get<0>(*It), std::get<1>(*It) - std::get<0>(*It),
                std::get<2>(*It));
  return Out;
}

TEST(Lsp, CodeActionsApplyAndTheResultCompiles) {
  Project P = makeProject("fix", NullContext);
  LspClient C({"--debounce", "50"}, P.Dir, P.Dir + "/stderr.txt");
  C.initialize();
  C.open(P.File, P.Text);
  auto Diags = C.diagnostics(uriOf(P.File), 1);
  ASSERT_TRUE(Diags);
  std::vector<json::Value> Edits;
  unsigned Actions = 0;
  for (const json::Value &D : *Diags->getAsArray()) {
    const json::Object &O = *D.getAsObject();
    int64_t Id = C.request(
        "textDocument/codeAction",
        json::Object{
            {"textDocument", json::Object{{"uri", uriOf(P.File)}}},
            {"range", *O.get("range")},
            {"context", json::Object{{"diagnostics", json::Array{D}}}}});
    auto R = C.response(Id);
    ASSERT_TRUE(R);
    const json::Array *List = R->getAsObject()->getArray("result");
    ASSERT_TRUE(List) << *R;
    for (const json::Value &A : *List) {
      const json::Object &AO = *A.getAsObject();
      EXPECT_EQ(AO.getString("kind"), "quickfix");
      const json::Object *Changes = AO.getObject("edit")->getObject("changes");
      ASSERT_TRUE(Changes);
      const json::Array *Mine = Changes->getArray(uriOf(P.File));
      ASSERT_TRUE(Mine) << A;
      ++Actions;
      Edits.insert(Edits.end(), Mine->begin(), Mine->end());
    }
  }
  EXPECT_GT(Actions, 5u);
  std::string Fixed = applyEdits(P.Text, Edits);
  // Every CHECK-FIXES line of the testdata, anchored to its line, as --fix
  // gives; no other line changed.
  EXPECT_TRUE(fixesMatch(readFile(NullContext), Fixed));
  std::string FixedFile = P.Dir + "/fixed.cpp";
  writeFile(FixedFile, Fixed);
  std::vector<std::string> Args = testdataFlags();
  Args.push_back("-fsyntax-only");
  Args.push_back(FixedFile);
  RunResult R = runProgram(FG_CLANGXX, Args);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  // The server agrees: the fixed text offers no quick fix any more.
  C.change(P.File, Fixed, 2);
  ASSERT_TRUE(C.diagnostics(uriOf(P.File), 2));
  int64_t Id = C.request(
      "textDocument/codeAction",
      json::Object{
          {"textDocument", json::Object{{"uri", uriOf(P.File)}}},
          {"range",
           json::Object{
               {"start", json::Object{{"line", 0}, {"character", 0}}},
               {"end", json::Object{{"line", 100000}, {"character", 0}}}}},
          {"context", json::Object{{"diagnostics", json::Array{}}}}});
  auto R2 = C.response(Id);
  ASSERT_TRUE(R2);
  ASSERT_TRUE(R2->getAsObject()->getArray("result")) << *R2;
  EXPECT_TRUE(R2->getAsObject()->getArray("result")->empty()) << *R2;
}

TEST(Lsp, NewestEditSupersedesPendingAndRunningAnalyses) {
  Project P = makeProject("supersede", NullContext);
  std::string Err = P.Dir + "/stderr.txt";
  LspClient C({"--debounce", "300"}, P.Dir, Err);
  C.initialize();
  // Version 1 starts at once (open); 2..4 arrive while it runs, each within
  // the debounce of the one before.
  C.open(P.File, P.Text);
  for (auto Deadline = Clock::now() + std::chrono::seconds(30);
       readFile(Err).find("(version 1)") == std::string::npos;
       std::this_thread::sleep_for(std::chrono::milliseconds(5)))
    ASSERT_LT(Clock::now(), Deadline) << "version 1 never started";
  std::string Clean = "#include \"netra/netra.h\"\nint g_count = 0;\n";
  for (int64_t V = 2; V <= 4; ++V)
    C.change(P.File, V == 4 ? Clean : P.Text + "\n// edit " + std::to_string(V),
             V);
  auto Final = C.diagnostics(uriOf(P.File), 4);
  ASSERT_TRUE(Final) << readFile(Err);
  EXPECT_TRUE(Final->getAsArray()->empty()) << *Final;
  for (const json::Value &M : C.messages()) {
    const json::Object &O = *M.getAsObject();
    if (O.getString("method") == "textDocument/publishDiagnostics") {
      EXPECT_EQ(O.getObject("params")->getInteger("version"), 4)
          << "a superseded version was published: " << M;
    }
  }
  std::string Log = readFile(Err);
  EXPECT_NE(Log.find("dropped the result for " + P.File + " version 1"),
            std::string::npos)
      << Log;
  EXPECT_EQ(Log.find("(version 2)"), std::string::npos) << Log;
  EXPECT_EQ(Log.find("(version 3)"), std::string::npos) << Log;
}

TEST(Lsp, ShutdownAndExitAreAnsweredAtOnceDuringAnAnalysis) {
  Project P = makeProject("shutdown", RequestScope);
  LspClient C({}, P.Dir, P.Dir + "/stderr.txt");
  C.initialize();
  C.open(P.File, P.Text); // an analysis starts now
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto Start = Clock::now();
  int64_t Id = C.request("shutdown", nullptr);
  auto R = C.response(Id, 1000);
  ASSERT_TRUE(R) << "no answer to shutdown within a second";
  EXPECT_TRUE(R->getAsObject()->get("result")) << *R;
  C.notify("exit", nullptr);
  EXPECT_EQ(C.waitExit(1000), 0);
  EXPECT_LT(Clock::now() - Start, std::chrono::seconds(1));
  EXPECT_FALSE(C.framingError()) << C.framingErrorText();
}

TEST(Lsp, MalformedInputGetsErrorResponses) {
  std::string Dir = makeOutsideTempDir("malformed");
  LspClient C({}, Dir, Dir + "/stderr.txt");
  auto ErrorCode = [&](const std::function<bool(const json::Object &)> &Which) {
    auto M = C.waitFor(
        [&](const json::Object &O) { return O.getObject("error") && Which(O); },
        10000);
    return M ? M->getAsObject()->getObject("error")->getInteger("code")
             : std::optional<int64_t>();
  };
  // A request before initialize.
  int64_t Early = C.request("textDocument/codeAction", json::Object{});
  EXPECT_EQ(ErrorCode([&](const json::Object &O) {
              return O.getInteger("id") == Early;
            }),
            -32002);
  C.initialize();
  size_t Seen = C.messages().size();
  // The code of the N-th error response after initialize.
  auto NthError = [&](size_t N) -> std::optional<int64_t> {
    for (auto Deadline = Clock::now() + std::chrono::seconds(10);
         Clock::now() < Deadline;
         std::this_thread::sleep_for(std::chrono::milliseconds(10))) {
      std::vector<json::Value> All = C.messages();
      size_t K = 0;
      for (size_t I = Seen; I < All.size(); ++I)
        if (const json::Object *E = All[I].getAsObject()->getObject("error"))
          if (K++ == N)
            return E->getInteger("code");
    }
    return std::nullopt;
  };
  C.sendRaw("Content-Length: 9\r\n\r\n{\"id\": 1,"); // not JSON
  EXPECT_EQ(NthError(0), -32700);
  C.sendRaw("Content-Length: 3\r\n\r\n[1]"); // not an object
  EXPECT_EQ(NthError(1), -32600);
  C.sendRaw("Content-Type: x\r\n\r\n"); // no Content-Length
  EXPECT_EQ(NthError(2), -32700);
  // 100 000 levels of arrays overflowed the stack of LLVM's JSON parser.
  std::string Deep = std::string(100000, '[') + std::string(100000, ']');
  C.sendRaw("Content-Length: " + std::to_string(Deep.size()) + "\r\n\r\n" +
            Deep);
  EXPECT_EQ(NthError(3), -32700);
  int64_t Unknown = C.request("factoryguard/noSuchMethod", json::Object{});
  EXPECT_EQ(ErrorCode([&](const json::Object &O) {
              return O.getInteger("id") == Unknown;
            }),
            -32601);
  // Still serving.
  int64_t Id = C.request("shutdown", nullptr);
  ASSERT_TRUE(C.response(Id, 5000));
  C.notify("exit", nullptr);
  EXPECT_EQ(C.waitExit(5000), 0);
  EXPECT_FALSE(C.framingError()) << C.framingErrorText();
}

TEST(Lsp, AnEndlessHeaderLineIsCutAndTheNextMessageAnswered) {
  std::string Dir = makeOutsideTempDir("long-header");
  std::string Err = Dir + "/stderr.txt";
  LspClient C({}, Dir, Err);
  C.initialize();
  // 1 MB of a header line, no line end, then a request framed right.
  C.sendRaw("X-Padding: " + std::string(1 << 20, 'x'));
  int64_t Id = C.request("shutdown", nullptr);
  ASSERT_TRUE(C.response(Id, 10000)) << readFile(Err);
  EXPECT_NE(readFile(Err).find("header line longer than 4096 bytes"),
            std::string::npos)
      << readFile(Err);
  C.notify("exit", nullptr);
  EXPECT_EQ(C.waitExit(5000), 0);
  EXPECT_FALSE(C.framingError()) << C.framingErrorText();
}

TEST(Lsp, AContentLengthOverTheLimitIsRejectedUnread) {
  std::string Dir = makeOutsideTempDir("huge-body");
  std::string Err = Dir + "/stderr.txt";
  LspClient C({}, Dir, Err);
  C.initialize();
  // 1 GiB announced, nothing sent: the server must not wait for it (nor
  // allocate it), and answers the next request.
  C.sendRaw("Content-Length: 1073741824\r\n\r\n");
  int64_t Id = C.request("shutdown", nullptr);
  ASSERT_TRUE(C.response(Id, 10000)) << readFile(Err);
  EXPECT_NE(readFile(Err).find("Content-Length 1073741824 is over the 64 MiB "
                               "limit"),
            std::string::npos)
      << readFile(Err);
  C.notify("exit", nullptr);
  EXPECT_EQ(C.waitExit(5000), 0);
}

TEST(Lsp, AnOlderVersionOfADocumentIsIgnored) {
  Project P = makeProject("stale", NullContext);
  std::string Err = P.Dir + "/stderr.txt";
  LspClient C({"--debounce", "50"}, P.Dir, Err);
  C.initialize();
  C.open(P.File, P.Text, 5);
  auto First = C.diagnostics(uriOf(P.File), 5);
  ASSERT_TRUE(First) << readFile(Err);
  ASSERT_FALSE(First->getAsArray()->empty());
  // Version 3 is older than 5: not applied, not analyzed.
  std::string Clean = "#include \"netra/netra.h\"\nint g_count = 0;\n";
  C.change(P.File, Clean, 3);
  // Version 6, an incremental edit (a comment at the end), is applied to
  // the version-5 text: the same findings.
  int64_t End = std::count(P.Text.begin(), P.Text.end(), '\n');
  json::Value At = json::Object{{"line", End}, {"character", 0}};
  C.notify(
      "textDocument/didChange",
      json::Object{{"textDocument",
                    json::Object{{"uri", uriOf(P.File)}, {"version", 6}}},
                   {"contentChanges",
                    json::Array{json::Object{
                        {"range", json::Object{{"start", At}, {"end", At}}},
                        {"text", "// edit\n"}}}}});
  auto Sixth = C.diagnostics(uriOf(P.File), 6);
  ASSERT_TRUE(Sixth) << readFile(Err);
  EXPECT_EQ(lspFindings(*Sixth), lspFindings(*First));
  EXPECT_FALSE(C.diagnostics(uriOf(P.File), 3, 100));
  EXPECT_NE(readFile(Err).find("to version 3, not newer than version 5: "
                               "ignored"),
            std::string::npos)
      << readFile(Err);
}

TEST(Lsp, FileOutsideAnyDatabaseIsAnalyzedAndSaidOnce) {
  Project P = makeProject(
      "nodb", FG_TESTDATA "/rules/factoryguard-static-singleton.cpp",
      /*WithDatabase=*/false);
  std::string Second = P.Dir + "/second.cpp";
  std::string SecondText =
      "#include \"netra/netra.h\"\nnetra::WebSocketManager *g_slot = "
      "nullptr;\n";
  writeFile(Second, SecondText);
  std::vector<std::string> Args = {"--debounce", "50", "--"};
  for (const std::string &F : testdataFlags())
    Args.push_back(F);
  LspClient C(Args, P.Dir, P.Dir + "/stderr.txt");
  C.initialize();
  C.open(P.File, P.Text);
  C.open(Second, SecondText);
  auto D1 = C.diagnostics(uriOf(P.File), 1);
  auto D2 = C.diagnostics(uriOf(Second), 1);
  ASSERT_TRUE(D1 && D2) << readFile(P.Dir + "/stderr.txt");
  EXPECT_FALSE(D1->getAsArray()->empty());
  ASSERT_EQ(D2->getAsArray()->size(), 1u) << *D2;
  unsigned Shown = 0;
  for (const json::Value &M : C.messages())
    if (M.getAsObject()->getString("method") == "window/showMessage") {
      ++Shown;
      EXPECT_NE(
          M.getAsObject()->getObject("params")->getString("message")->find(
              "not in any compilation database"),
          llvm::StringRef::npos)
          << M;
    }
  EXPECT_EQ(Shown, 1u);
}

// A new document the editor has not saved yet exists only as the editor's
// text: it is analyzed from that text (with a command inferred from the
// database, or from the fallback flags without one) and nothing is written.
TEST(Lsp, NeverSavedDocumentIsAnalyzedFromTheEditorText) {
  const std::string Text =
      "#include \"netra/netra.h\"\nnetra::WebSocketManager "
      "*g_slot = nullptr;\n";
  for (bool WithDatabase : {true, false}) {
    SCOPED_TRACE(WithDatabase ? "database" : "no database");
    Project P = makeProject(
        WithDatabase ? "unsaved-db" : "unsaved-nodb",
        FG_TESTDATA "/rules/factoryguard-static-singleton.cpp", WithDatabase);
    std::string New = P.Dir + "/never_saved.cpp";
    std::vector<std::string> Args = {"--debounce", "50"};
    if (!WithDatabase) {
      Args.push_back("--");
      for (const std::string &F : testdataFlags())
        Args.push_back(F);
    }
    LspClient C(Args, P.Dir, P.Dir + "/stderr.txt");
    C.initialize();
    C.open(New, Text);
    auto D = C.diagnostics(uriOf(New), 1);
    ASSERT_TRUE(D) << readFile(P.Dir + "/stderr.txt");
    ASSERT_EQ(D->getAsArray()->size(), 1u) << *D;
    const json::Object &O = *D->getAsArray()->front().getAsObject();
    EXPECT_EQ(O.getString("code"), "factoryguard-static-singleton") << *D;
    EXPECT_EQ(*O.getObject("range")->getObject("start")->getInteger("line"), 1)
        << *D;
    EXPECT_FALSE(llvm::sys::fs::exists(New)) << "the server wrote the document";
  }
}

TEST(Lsp, BrokenConfigurationIsADiagnosticNotADeadServer) {
  Project P = makeProject("badcfg", NullContext);
  std::string Good = readFile(P.Dir + "/.factoryguard.yaml");
  writeFile(P.Dir + "/.factoryguard.yaml",
            "contexts: [netra::UserExecutionContext]\nno-such-key: 1\n");
  LspClient C({"--debounce", "50"}, P.Dir, P.Dir + "/stderr.txt");
  C.initialize();
  C.open(P.File, P.Text);
  auto D = C.diagnostics(uriOf(P.File), 1);
  ASSERT_TRUE(D) << readFile(P.Dir + "/stderr.txt");
  ASSERT_EQ(D->getAsArray()->size(), 1u) << *D;
  const json::Object &O = *(*D->getAsArray())[0].getAsObject();
  EXPECT_EQ(O.getObject("range")->getObject("start")->getInteger("line"), 0);
  EXPECT_EQ(O.getInteger("severity"), 1);
  EXPECT_NE(O.getString("message")->find(".factoryguard.yaml:2:"),
            llvm::StringRef::npos)
      << O.getString("message")->str();
  EXPECT_TRUE(C.waitFor(
      [](const json::Object &M) {
        return M.getString("method") == "window/showMessage";
      },
      5000));
  // Fixed and saved: findings again, from the same server.
  writeFile(P.Dir + "/.factoryguard.yaml", Good);
  C.notify(
      "textDocument/didSave",
      json::Object{{"textDocument", json::Object{{"uri", uriOf(P.File)}}}});
  auto Again = C.waitFor([&](const json::Object &M) {
    const json::Object *Params = M.getObject("params");
    return M.getString("method") == "textDocument/publishDiagnostics" &&
           Params && Params->getArray("diagnostics")->size() > 1;
  });
  ASSERT_TRUE(Again) << readFile(P.Dir + "/stderr.txt");
}

// The server lives as long as the editor: a .factoryguard.yaml removed or
// added meanwhile is what the next analysis uses, as a new CLI run would.
TEST(Lsp, ConfigurationFileRemovedOrAddedIsNoticed) {
  Project P = makeProject("cfgmove", NullContext);
  std::string Cfg = P.Dir + "/.factoryguard.yaml";
  std::string Text = readFile(Cfg);
  LspClient C({"--debounce", "50"}, P.Dir, P.Dir + "/stderr.txt");
  C.initialize();
  C.open(P.File, P.Text);
  auto D1 = C.diagnostics(uriOf(P.File), 1);
  ASSERT_TRUE(D1) << readFile(P.Dir + "/stderr.txt");
  ASSERT_FALSE(D1->getAsArray()->empty());
  // Removed: no configuration above the file, so nothing is configured and
  // nothing is reported (not an error about the vanished file).
  ASSERT_FALSE(llvm::sys::fs::remove(Cfg));
  C.change(P.File, P.Text, 2);
  auto D2 = C.diagnostics(uriOf(P.File), 2);
  ASSERT_TRUE(D2) << readFile(P.Dir + "/stderr.txt");
  EXPECT_TRUE(D2->getAsArray()->empty()) << *D2;
  // Added back: the findings return.
  writeFile(Cfg, Text);
  C.change(P.File, P.Text, 3);
  auto D3 = C.diagnostics(uriOf(P.File), 3);
  ASSERT_TRUE(D3) << readFile(P.Dir + "/stderr.txt");
  EXPECT_EQ(lspFindings(*D3), lspFindings(*D1));
}

/// Writes Db as Dir/build/compile_commands.json.
void writeDatabase(const std::string &Dir, json::Array Db) {
  std::string Text;
  llvm::raw_string_ostream OS(Text);
  OS << json::Value(std::move(Db));
  OS.flush();
  writeFile(Dir + "/build/compile_commands.json", Text);
}

/// While it lives, a server started runs as the release one does under the
/// instrumented build (ci/sanitize.sh): ASan gives every thread an
/// alternate signal stack, with which clang's own deep-instantiation
/// threads recover from a stack overflow and go on. Restores ASAN_OPTIONS.
class AsanWithoutSigaltstack {
public:
  AsanWithoutSigaltstack() {
    const char *Asan = std::getenv("ASAN_OPTIONS");
    Had = Asan != nullptr;
    Saved = Asan ? Asan : "";
    setenv("ASAN_OPTIONS", (Saved + ":use_sigaltstack=0").c_str(), 1);
  }
  ~AsanWithoutSigaltstack() {
    if (Had)
      setenv("ASAN_OPTIONS", Saved.c_str(), 1);
    else
      unsetenv("ASAN_OPTIONS");
  }
  AsanWithoutSigaltstack(const AsanWithoutSigaltstack &) = delete;
  AsanWithoutSigaltstack &operator=(const AsanWithoutSigaltstack &) = delete;

private:
  bool Had = false;
  std::string Saved;
};

// Neovim 0.7 (Debian's) as the client: vim.lsp.start_client, a testdata
// file opened, the diagnostics it shows written to a file.
/// A copy of the example project (testdata/example, three units with a
/// call chain across them) outside the build tree, with Extra files added,
/// and build/compile_commands.json listing its sources and ExtraUnits.
std::string makeExampleProject(
    const std::string &Name,
    const std::vector<std::pair<std::string, std::string>> &Extra = {},
    const std::vector<std::string> &ExtraUnits = {}) {
  std::string Dir = makeOutsideTempDir(Name);
  for (const char *Part : {"/src", "/include", "/.factoryguard.yaml"})
    copyTree(std::string(FG_TESTDATA "/example") + Part, Dir + Part);
  for (const auto &[Path, Text] : Extra)
    writeFile(Dir + "/" + Path, Text);
  std::vector<std::string> Units = {"src/agent_service.cpp", "src/boot.cpp",
                                    "src/handlers.cpp", "src/main.cpp",
                                    "src/registry.cpp"};
  Units.insert(Units.end(), ExtraUnits.begin(), ExtraUnits.end());
  json::Array Db;
  for (const std::string &U : Units)
    Db.push_back(
        json::Object{{"directory", Dir + "/build"},
                     {"file", Dir + "/" + U},
                     {"arguments", json::Array{"clang++-19", "-std=c++17",
                                               "-I" + Dir + "/include", "-c",
                                               Dir + "/" + U}}});
  writeDatabase(Dir, std::move(Db));
  return Dir;
}

/// Each diagnostic of File as "line:col: message [rule]" followed by its
/// related information, "  path:line:col: message" (path relative to Dir).
std::vector<std::string> lspWithRelated(const json::Value &Diags,
                                        const std::string &Dir) {
  std::vector<std::string> Out;
  for (const json::Value &D : *Diags.getAsArray()) {
    const json::Object &O = *D.getAsObject();
    Out.push_back(diagnosticLine(O));
    if (const json::Array *Rel = O.getArray("relatedInformation"))
      for (const json::Value &R : *Rel) {
        const json::Object &L = *R.getAsObject()->getObject("location");
        const json::Object &LS = *L.getObject("range")->getObject("start");
        std::string Path = L.getString("uri")->str();
        Path = Path.substr(std::string("file://" + Dir + "/").size());
        Out.push_back("  " + Path + ":" +
                      std::to_string(*LS.getInteger("line") + 1) + ":" +
                      std::to_string(*LS.getInteger("character") + 1) + ": " +
                      R.getAsObject()->getString("message")->str());
      }
  }
  return Out;
}

/// The same from the CLI's text output for File (relative to Dir): each
/// warning and the notes after it, but fix-its (code actions in the editor).
std::vector<std::string> cliWithRelated(const std::string &Out,
                                        const std::string &File) {
  std::vector<std::string> Result;
  bool InFile = false;
  for (const Diag &D : parseTextOutput(Out)) {
    if (D.Level != "note") {
      InFile = D.File == File;
      if (InFile)
        Result.push_back(std::to_string(D.Line) + ":" + std::to_string(D.Col) +
                         ": " + D.Message + " [" + D.Rule + "]");
    } else if (InFile && D.Message.rfind("fix-it:", 0) != 0) {
      Result.push_back("  " + D.File + ":" + std::to_string(D.Line) + ":" +
                       std::to_string(D.Col) + ": " + D.Message);
    }
  }
  return Result;
}

/// The related information of the request-scope diagnostic.
std::vector<std::string> chainOf(const std::vector<std::string> &Diags) {
  std::vector<std::string> Chain;
  bool In = false;
  for (const std::string &D : Diags) {
    if (D.rfind("  ", 0) != 0)
      In = D.find("[factoryguard-request-scope]") != std::string::npos;
    else if (In)
      Chain.push_back(D);
  }
  return Chain;
}

TEST(Lsp, CrossUnitChainsUseTheCachedFactsOfTheOtherUnits) {
  std::string Dir = makeExampleProject("cross");
  std::string File = Dir + "/src/agent_service.cpp";
  std::string Text = readFile(File);

  // Without the cache: the chain stays within the unit.
  std::vector<std::string> Limited;
  {
    LspClient C({"--debounce", "50"}, "/", Dir + "/stderr-cold.txt");
    C.initialize();
    C.open(File, Text);
    auto D = C.diagnostics(uriOf(File), 1);
    ASSERT_TRUE(D) << readFile(Dir + "/stderr-cold.txt");
    Limited = lspWithRelated(*D, Dir);
  }
  EXPECT_FALSE(llvm::sys::fs::exists(Dir + "/build/.factoryguard-cache"))
      << "the server never writes the cache";

  // The CLI once: its cache is warm, and its report is what the editor
  // shows.
  RunResult Cli = runFactoryguard({"-p", "build"}, Dir);
  ASSERT_EQ(Cli.ExitCode, 1) << Cli.Err;
  std::vector<std::string> Expected =
      cliWithRelated(Cli.Out, "src/agent_service.cpp");
  std::vector<std::string> ExpectedChain = chainOf(Expected);
  ASSERT_EQ(ExpectedChain.size(), 4u) << Cli.Out;
  EXPECT_NE(ExpectedChain[0].find("src/main.cpp:3:5: call chain 1/4: 'main'"),
            std::string::npos)
      << ExpectedChain[0];
  EXPECT_NE(chainOf(Limited), ExpectedChain);
  for (const std::string &Step : chainOf(Limited))
    EXPECT_EQ(Step.find("src/main.cpp"), std::string::npos) << Step;
  // The findings themselves (where, what happens, which rule) do not
  // depend on the cache; the advice after "; " may: a chain from a
  // start-up root, which only the whole program shows, changes it.
  auto WithoutRelated = [](std::vector<std::string> V) {
    llvm::erase_if(V, [](const std::string &S) { return S[0] == ' '; });
    for (std::string &S : V)
      S = S.substr(0, S.find("; ")) + S.substr(S.rfind(" ["));
    return V;
  };
  EXPECT_EQ(WithoutRelated(Limited), WithoutRelated(Expected));

  {
    LspClient C({"--debounce", "50"}, "/", Dir + "/stderr-warm.txt");
    C.initialize();
    C.open(File, Text);
    auto D = C.diagnostics(uriOf(File), 1);
    ASSERT_TRUE(D) << readFile(Dir + "/stderr-warm.txt");
    EXPECT_EQ(lspWithRelated(*D, Dir), Expected)
        << readFile(Dir + "/stderr-warm.txt");
    EXPECT_NE(readFile(Dir + "/stderr-warm.txt")
                  .find("cached facts of 4 other unit(s)"),
              std::string::npos)
        << readFile(Dir + "/stderr-warm.txt");
  }
  {
    // --no-cache: limited again.
    LspClient C({"--debounce", "50", "--no-cache"}, "/",
                Dir + "/stderr-nocache.txt");
    C.initialize();
    C.open(File, Text);
    auto D = C.diagnostics(uriOf(File), 1);
    ASSERT_TRUE(D);
    EXPECT_EQ(lspWithRelated(*D, Dir), Limited);
  }
  {
    // boot.cpp open with unsaved text in which start_services no longer
    // builds the agent service: its cached facts are stale and not used,
    // so the chain from main ends there.
    std::string Boot = readFile(Dir + "/src/boot.cpp");
    std::string Call = "AgentService agents = make_agent_service();";
    size_t At = Boot.find(Call);
    ASSERT_NE(At, std::string::npos);
    Boot.replace(At, Call.size(), "AgentService agents;");
    LspClient C({"--debounce", "50"}, "/", Dir + "/stderr-stale.txt");
    C.initialize();
    C.open(Dir + "/src/boot.cpp", Boot);
    ASSERT_TRUE(C.diagnostics(uriOf(Dir + "/src/boot.cpp"), 1));
    C.open(File, Text);
    auto D = C.diagnostics(uriOf(File), 1);
    ASSERT_TRUE(D);
    for (const std::string &Step : chainOf(lspWithRelated(*D, Dir)))
      EXPECT_EQ(Step.find("src/boot.cpp"), std::string::npos)
          << Step << "\n"
          << readFile(Dir + "/stderr-stale.txt");
    EXPECT_NE(readFile(Dir + "/stderr-stale.txt")
                  .find("cached facts of 3 other unit(s)"),
              std::string::npos)
        << readFile(Dir + "/stderr-stale.txt");
  }
  {
    // The document's own unit is analyzed afresh, never taken from the
    // cache: an unsaved edit that moves the call shows where it is now.
    std::string Moved = Text;
    std::string Call = "service.ws_manager_ = get_websocket_manager();";
    size_t At = Moved.find(Call);
    ASSERT_NE(At, std::string::npos);
    Moved.replace(At, Call.size(),
                  "\n  service.ws_manager_ = get_websocket_manager();");
    LspClient C({"--debounce", "50"}, "/", Dir + "/stderr-own.txt");
    C.initialize();
    C.open(File, Moved);
    auto D = C.diagnostics(uriOf(File), 1);
    ASSERT_TRUE(D);
    std::vector<std::string> Chain = chainOf(lspWithRelated(*D, Dir));
    ASSERT_EQ(Chain.size(), 4u) << *D;
    EXPECT_NE(Chain[3].find("src/agent_service.cpp:10:25: call chain 4/4"),
              std::string::npos)
        << Chain[3];
  }
}

TEST(Lsp, HeaderIsAnalyzedThroughAUnitThatReadsIt) {
  // late.h is not self-contained: it needs service.h included before it,
  // which late.cpp does. On its own (an inferred command) it does not
  // compile.
  std::string Header = "#pragma once\n"
                       "namespace chat {\n"
                       "inline AgentService make_late_service() {\n"
                       "  AgentService service;\n"
                       "  service.ws_manager_ = get_websocket_manager();\n"
                       "  return service;\n"
                       "}\n"
                       "} // namespace chat\n";
  std::string Dir = makeExampleProject(
      "header",
      {{"include/chat/late.h", Header},
       {"src/late.cpp", "#include \"chat/service.h\"\n"
                        "#include \"chat/late.h\"\n"
                        "namespace chat {\n"
                        "void late() { (void)make_late_service(); }\n"
                        "}\n"}},
      {"src/late.cpp"});
  std::string File = Dir + "/include/chat/late.h";
  {
    LspClient C({"--debounce", "50"}, "/", Dir + "/stderr-cold.txt");
    C.initialize();
    C.open(File, Header);
    EXPECT_FALSE(C.diagnostics(uriOf(File), 1, 3000))
        << "alone, the header does not compile: nothing to publish";
    EXPECT_NE(readFile(Dir + "/stderr-cold.txt").find("could not be analyzed"),
              std::string::npos)
        << readFile(Dir + "/stderr-cold.txt");
  }
  RunResult Cli = runFactoryguard({"-p", "build"}, Dir);
  ASSERT_EQ(Cli.ExitCode, 1) << Cli.Err;
  std::vector<std::string> Expected =
      cliWithRelated(Cli.Out, "include/chat/late.h");
  ASSERT_GE(Expected.size(), 2u) << Cli.Out;
  {
    LspClient C({"--debounce", "50"}, "/", Dir + "/stderr-warm.txt");
    C.initialize();
    C.open(File, Header);
    auto D = C.diagnostics(uriOf(File), 1);
    ASSERT_TRUE(D) << readFile(Dir + "/stderr-warm.txt");
    EXPECT_EQ(lspWithRelated(*D, Dir), Expected);
    EXPECT_NE(readFile(Dir + "/stderr-warm.txt")
                  .find("analyzed through " + Dir + "/src/late.cpp"),
              std::string::npos)
        << readFile(Dir + "/stderr-warm.txt");
    // An unsaved edit of the header is analyzed through the same unit.
    std::string Fixed = Header;
    size_t At = Fixed.find("get_websocket_manager()");
    Fixed.replace(At, 23, "get_websocket_manager(nullptr)");
    C.change(File, Fixed, 2);
    auto D2 = C.diagnostics(uriOf(File), 2);
    ASSERT_TRUE(D2) << readFile(Dir + "/stderr-warm.txt");
    EXPECT_FALSE(D2->getAsArray()->empty());
  }
}

// Issue 24: a unit whose analysis kills the process that runs it (here an
// instantiation deeper than clang's own 8 MiB threads hold) costs that
// document one diagnostic; the server lives on and answers for the next.
TEST(Lsp, AUnitThatKillsItsAnalysisCostsOneDiagnostic) {
  std::string Deep = "template<int N> constexpr int f() { if constexpr "
                     "(N==0) return 0; else return f<N-1>()+1; }\n"
                     "int y = f<100000>();\n";
  std::string Dir = makeExampleProject("deep", {{"src/deep.cpp", Deep}});
  json::Array Db;
  for (const char *U : {"src/deep.cpp", "src/handlers.cpp"})
    Db.push_back(json::Object{
        {"directory", Dir + "/build"},
        {"file", Dir + "/" + U},
        {"arguments",
         json::Array{"clang++-19", "-std=c++17", "-ftemplate-depth=200000",
                     "-I" + Dir + "/include", "-c", Dir + "/" + U}}});
  writeDatabase(Dir, std::move(Db));

  std::optional<AsanWithoutSigaltstack> Instrumented(std::in_place);
  LspClient C({"--debounce", "50", "--no-cache"}, Dir, Dir + "/stderr.txt");
  Instrumented.reset();
  C.initialize();
  C.open(Dir + "/src/deep.cpp", Deep);
  auto D = C.diagnostics(uriOf(Dir + "/src/deep.cpp"), 1);
  ASSERT_TRUE(D) << readFile(Dir + "/stderr.txt");
  ASSERT_EQ(D->getAsArray()->size(), 1u) << *D;
  const json::Object &O = *(*D->getAsArray())[0].getAsObject();
  EXPECT_EQ(O.getInteger("severity"), 1);
  EXPECT_NE(O.getString("message")->find("could not be analyzed"),
            llvm::StringRef::npos)
      << O.getString("message")->str();

  std::string Handlers = Dir + "/src/handlers.cpp";
  C.open(Handlers, readFile(Handlers));
  auto H = C.diagnostics(uriOf(Handlers), 1);
  ASSERT_TRUE(H) << readFile(Dir + "/stderr.txt");
  EXPECT_EQ(H->getAsArray()->size(), 3u) << *H;
  EXPECT_EQ(C.waitExit(100), -1) << "the server is still running";
  EXPECT_FALSE(C.framingError()) << C.framingErrorText();
}

/// How many lines of the server's log (its standard error) contain Text.
size_t logLines(const std::string &StderrFile, const std::string &Text) {
  size_t N = 0;
  // The log's text must outlive the StringRef that walks it.
  const std::string Log = readFile(StderrFile);
  for (llvm::StringRef Rest = Log; !Rest.empty();) {
    auto [Line, Tail] = Rest.split('\n');
    if (Line.contains(Text))
      ++N;
    Rest = Tail;
  }
  return N;
}

/// The index of the first line of the log that holds Text (npos: none).
size_t firstLogLine(const std::string &StderrFile, const std::string &Text) {
  const std::string Log = readFile(StderrFile);
  size_t I = 0;
  for (llvm::StringRef Rest = Log; !Rest.empty(); ++I) {
    auto [Line, Tail] = Rest.split('\n');
    if (Line.contains(Text))
      return I;
    Rest = Tail;
  }
  return std::string::npos;
}

/// A unit that includes testdata's netra.h and slot.h, and declares a
/// static of SLOT_TYPE: a static-singleton finding on line 3 when slot.h
/// makes it a manager, none when it makes it an int. Its directory holds
/// the rules' configuration and a compile_commands.json listing it.
struct SlotProject {
  std::string Dir, Main, Header, Text;
};

SlotProject makeSlotProject(const std::string &Name) {
  SlotProject P;
  P.Dir = makeOutsideTempDir(Name);
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           P.Dir + "/.factoryguard.yaml");
  P.Header = P.Dir + "/slot.h";
  P.Main = P.Dir + "/main.cpp";
  writeFile(P.Header, "#define SLOT_TYPE int\n");
  P.Text = "#include \"netra/netra.h\"\n#include \"slot.h\"\nSLOT_TYPE "
           "g_slot{};\nint answer() { return 42; }\n";
  writeFile(P.Main, P.Text);
  json::Array Args{"clang++"};
  for (const std::string &F : testdataFlags())
    Args.push_back(F);
  Args.push_back("-c");
  Args.push_back(P.Main);
  std::string Db;
  llvm::raw_string_ostream OS(Db);
  OS << json::Value(json::Array{json::Object{
      {"directory", P.Dir}, {"file", P.Main}, {"arguments", std::move(Args)}}});
  OS.flush();
  writeFile(P.Dir + "/compile_commands.json", Db);
  return P;
}

// Issue 27 item 5 (SPEC §9): an edit of the document parses its main file
// only; the headers' parse (the preamble) is reused, and built again when
// a header changes on disk or in the editor (even to a text of the same
// size, which clang's size-and-time check alone would miss). The
// diagnostics after each change are those of the new text.
TEST(Lsp, PreambleIsReusedOnEditAndRebuiltWhenAHeaderChanges) {
  SlotProject P = makeSlotProject("preamble");
  std::string Log = P.Dir + "/stderr.txt";
  LspClient C({"--debounce", "0"}, P.Dir, Log);
  C.initialize();
  std::string Built = "preamble built for " + P.Main;
  std::string Reused = "preamble reused for " + P.Main;
  C.open(P.Main, P.Text);
  auto D1 = C.diagnostics(uriOf(P.Main), 1);
  ASSERT_TRUE(D1) << readFile(Log);
  EXPECT_TRUE(D1->getAsArray()->empty()) << *D1;
  EXPECT_EQ(logLines(Log, Built), 1u) << readFile(Log);

  // An edit inside a function body: the preamble is reused.
  std::string Edited = P.Text + "int more() { return 1; }\n";
  C.change(P.Main, Edited, 2);
  auto D2 = C.diagnostics(uriOf(P.Main), 2);
  ASSERT_TRUE(D2) << readFile(Log);
  EXPECT_TRUE(D2->getAsArray()->empty()) << *D2;
  EXPECT_EQ(logLines(Log, Reused), 1u) << readFile(Log);
  EXPECT_EQ(logLines(Log, Built), 1u) << readFile(Log);

  // The header changes on disk: built again, and the finding appears.
  std::string Manager = "#define SLOT_TYPE netra::WebSocketManager *\n";
  writeFile(P.Header, Manager);
  C.change(P.Main, Edited + "// v3\n", 3);
  auto D3 = C.diagnostics(uriOf(P.Main), 3);
  ASSERT_TRUE(D3) << readFile(Log);
  std::vector<std::string> Found = lspFindings(*D3);
  ASSERT_EQ(Found.size(), 1u) << *D3;
  EXPECT_EQ(Found[0].rfind("3:", 0), 0u) << Found[0];
  EXPECT_EQ(logLines(Log, Built), 2u) << readFile(Log);
  // The worker kept from the last edit started on this one before the
  // preamble was checked: forked with the old headers, it is dropped.
  std::string Dropped = "worker kept from the last run dropped for " + P.Main;
  EXPECT_EQ(logLines(Log, Dropped), 1u) << readFile(Log);

  // The header's unsaved text in the editor, the same size as on disk.
  std::string IntPadded = "#define SLOT_TYPE int";
  IntPadded += std::string(Manager.size() - 1 - IntPadded.size(), ' ') + "\n";
  ASSERT_EQ(IntPadded.size(), Manager.size());
  C.open(P.Header, IntPadded);
  C.change(P.Main, Edited + "// v4\n", 4);
  auto D4 = C.diagnostics(uriOf(P.Main), 4);
  ASSERT_TRUE(D4) << readFile(Log);
  EXPECT_TRUE(D4->getAsArray()->empty()) << *D4;
  EXPECT_EQ(logLines(Log, Built), 3u) << readFile(Log);
  // Changed again in the editor, to the same size: no time, same size;
  // the text differs.
  C.change(P.Header, Manager, 2);
  C.change(P.Main, Edited + "// v5\n", 5);
  auto D5 = C.diagnostics(uriOf(P.Main), 5);
  ASSERT_TRUE(D5) << readFile(Log);
  EXPECT_EQ(lspFindings(*D5).size(), 1u) << *D5;
  EXPECT_EQ(logLines(Log, Built), 4u) << readFile(Log);
  EXPECT_EQ(logLines(Log, Dropped), 3u) << readFile(Log);
  EXPECT_FALSE(C.framingError()) << C.framingErrorText();
}

/// The files under Dir, recursively, symbolic links not followed
/// (relative names, sorted).
std::vector<std::string> filesUnder(const std::string &Dir) {
  std::vector<std::string> Out;
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator It(Dir, EC, false), End;
       It != End && !EC; It.increment(EC))
    Out.push_back(It->path().substr(Dir.size()));
  std::sort(Out.begin(), Out.end());
  return Out;
}

/// Sets the modification time of Path to Seconds ago.
void makeOld(const std::string &Path, int Seconds) {
  struct timeval Times[2];
  gettimeofday(&Times[0], nullptr);
  Times[0].tv_sec -= Seconds;
  Times[1] = Times[0];
  ASSERT_EQ(utimes(Path.c_str(), Times), 0) << Path;
}

// A preamble's PCH is a file only while clang writes it: the server maps
// it and removes it at once, so no server leaves one behind, not even one
// killed (an editor's SIGKILL, a crash). Before, each document opened left
// its PCH in the temporary directory at the end of every session (about
// 15 MB for cpp-httplib's example/server.cc; 1 800 of them, 7.6 GB, after
// a few days of tests and benchmarks on one machine).
TEST(Lsp, PreamblesLeaveNoFileBehind) {
  SlotProject P = makeSlotProject("no-pch-left");
  std::string Tmp = makeOutsideTempDir("no-pch-left-tmpdir");
  std::string Log = P.Dir + "/stderr.txt";
  {
    LspClient C({"--debounce", "0"}, P.Dir, Log, {{"TMPDIR", Tmp}});
    C.initialize();
    C.open(P.Main, P.Text);
    auto D1 = C.diagnostics(uriOf(P.Main), 1);
    ASSERT_TRUE(D1) << readFile(Log);
    EXPECT_EQ(logLines(Log, "preamble built for " + P.Main), 1u)
        << readFile(Log);
    EXPECT_EQ(filesUnder(Tmp), std::vector<std::string>{});
    // Edits read the preamble: it is there without a file.
    C.change(P.Main, P.Text + "int more() { return 1; }\n", 2);
    auto D2 = C.diagnostics(uriOf(P.Main), 2);
    ASSERT_TRUE(D2) << readFile(Log);
    EXPECT_EQ(logLines(Log, "preamble reused for " + P.Main), 1u)
        << readFile(Log);
    // A header's edit builds it again; the old one goes with its mapping.
    writeFile(P.Header, "#define SLOT_TYPE long\n");
    C.change(P.Main, P.Text + "// v3\n", 3);
    auto D3 = C.diagnostics(uriOf(P.Main), 3);
    ASSERT_TRUE(D3) << readFile(Log);
    EXPECT_EQ(logLines(Log, "preamble built for " + P.Main), 2u)
        << readFile(Log);
    EXPECT_EQ(filesUnder(Tmp), std::vector<std::string>{});
  } // the client kills the server (SIGKILL)
  EXPECT_EQ(filesUnder(Tmp), std::vector<std::string>{});
}

// What a server killed while clang wrote a PCH leaves (its PCH directory,
// PchFiles.h) goes at the next server's first build: only a directory of
// this user that no live process holds locked and that is older than a
// minute, only the files clang names as PCHs in it, never through a
// symbolic link.
TEST(Lsp, APreambleBuildRemovesOnlyWhatKilledServersLeft) {
  SlotProject P = makeSlotProject("pch-sweep");
  std::string Tmp = makeOutsideTempDir("pch-sweep-tmpdir");
  std::string Elsewhere = makeOutsideTempDir("pch-sweep-elsewhere");
  auto Dir = [&](const std::string &Name) {
    return Tmp + "/factoryguard-preamble-" + Name;
  };
  // Left by a killed build: goes.
  writeFile(Dir("killed") + "/preamble-a1b2c3.pch", "pch");
  writeFile(Dir("killed") + "/preamble-a1b2c3.pch-1f2e3d4c.tmp", "part");
  // A build of a live server: it holds the lock.
  writeFile(Dir("live") + "/preamble-d4e5f6.pch", "pch");
  int Lock = open(Dir("live").c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(Lock, 0);
  ASSERT_EQ(flock(Lock, LOCK_EX), 0);
  // Something else in one: the PCH goes, the rest and the directory stay.
  writeFile(Dir("mixed") + "/preamble-g7h8i9.pch", "pch");
  writeFile(Dir("mixed") + "/notes.txt", "mine");
  // Made an instant ago (not locked yet): stays.
  writeFile(Dir("new") + "/preamble-j1k2l3.pch", "pch");
  // A link to someone's directory: neither it nor what it points to goes.
  writeFile(Elsewhere + "/preamble-m4n5o6.pch", "theirs");
  ASSERT_EQ(symlink(Elsewhere.c_str(), Dir("link").c_str()), 0);
  for (const char *Name : {"killed", "live", "mixed"})
    makeOld(Dir(Name), 120);
  makeOld(Elsewhere, 120);

  std::string Log = P.Dir + "/stderr.txt";
  {
    LspClient C({"--debounce", "0"}, P.Dir, Log, {{"TMPDIR", Tmp}});
    C.initialize();
    C.open(P.Main, P.Text);
    ASSERT_TRUE(C.diagnostics(uriOf(P.Main), 1)) << readFile(Log);
  }
  close(Lock);
  EXPECT_EQ(logLines(Log, "removed 1 PCH directories that ended processes "
                          "left"),
            1u)
      << readFile(Log);
  std::vector<std::string> Want = {
      "/factoryguard-preamble-link",
      "/factoryguard-preamble-live",
      "/factoryguard-preamble-live/preamble-d4e5f6.pch",
      "/factoryguard-preamble-mixed",
      "/factoryguard-preamble-mixed/notes.txt",
      "/factoryguard-preamble-new",
      "/factoryguard-preamble-new/preamble-j1k2l3.pch"};
  EXPECT_EQ(filesUnder(Tmp), Want);
  EXPECT_EQ(filesUnder(Elsewhere),
            std::vector<std::string>{"/preamble-m4n5o6.pch"});
}

// The headers' part of the analysis is made with the preamble (EditScope.h)
// and depends on the configuration: here only the header's inline function
// becomes a start-up root when the configuration names it, and the finding
// in the main file gets its chain from it. Changed back and forth, the
// preamble is built again each time and the answer is the CLI's.
TEST(Lsp, TheHeadersPartFollowsTheConfiguration) {
  Project P = makeProject("cfgheader", NullContext);
  std::string Cfg = P.Dir + "/.factoryguard.yaml";
  std::string Plain = readFile(Cfg);
  writeFile(P.Dir + "/boot.h", "#pragma once\n"
                               "namespace app {\n"
                               "void local();\n"
                               "inline void on_boot() { local(); }\n"
                               "} // namespace app\n");
  P.Text = "#include \"boot.h\"\n"
           "#include \"netra/netra.h\"\n"
           "void app::local() {\n"
           "  auto m = netra::get_websocket_manager();\n"
           "  (void)m;\n"
           "}\n";
  writeFile(P.File, P.Text);
  std::string Log = P.Dir + "/stderr.txt";
  LspClient C({"--debounce", "0"}, P.Dir, Log);
  C.initialize();
  C.open(P.File, P.Text);
  auto D1 = C.diagnostics(uriOf(P.File), 1);
  ASSERT_TRUE(D1) << readFile(Log);
  std::vector<std::string> Before = cliFindings(P);
  EXPECT_EQ(lspFindings(*D1), Before);

  // on_boot named a start-up function: its node in the headers' part is a
  // root now, and the finding says so.
  std::string Startup = Plain;
  Startup.replace(Startup.find("startup: ["), strlen("startup: ["),
                  "startup: [app::on_boot, ");
  writeFile(Cfg, Startup);
  std::vector<std::string> After = cliFindings(P);
  ASSERT_NE(After, Before) << "the configuration change must matter";
  C.change(P.File, P.Text + "// v2\n", 2);
  auto D2 = C.diagnostics(uriOf(P.File), 2);
  ASSERT_TRUE(D2) << readFile(Log);
  EXPECT_EQ(lspFindings(*D2), After) << readFile(Log);
  EXPECT_EQ(logLines(Log, "preamble built for " + P.File), 2u) << readFile(Log);

  writeFile(Cfg, Plain);
  C.change(P.File, P.Text + "// v3\n", 3);
  auto D3 = C.diagnostics(uriOf(P.File), 3);
  ASSERT_TRUE(D3) << readFile(Log);
  EXPECT_EQ(lspFindings(*D3), Before) << readFile(Log);
  EXPECT_EQ(logLines(Log, "preamble built for " + P.File), 3u) << readFile(Log);
}

// A closed document's preamble (a PCH file of megabytes and its memory) is
// dropped; opened again, the document gets a new one.
TEST(Lsp, PreambleIsDroppedWhenItsDocumentCloses) {
  SlotProject P = makeSlotProject("preamble-close");
  std::string Log = P.Dir + "/stderr.txt";
  LspClient C({"--debounce", "0"}, P.Dir, Log);
  C.initialize();
  C.open(P.Main, P.Text);
  ASSERT_TRUE(C.diagnostics(uriOf(P.Main), 1)) << readFile(Log);
  EXPECT_EQ(logLines(Log, "preamble built for " + P.Main), 1u) << readFile(Log);

  C.notify(
      "textDocument/didClose",
      json::Object{{"textDocument", json::Object{{"uri", uriOf(P.Main)}}}});
  C.open(P.Main, P.Text, 2);
  ASSERT_TRUE(C.diagnostics(uriOf(P.Main), 2)) << readFile(Log);
  EXPECT_EQ(logLines(Log, "preamble dropped for " + P.Main), 1u)
      << readFile(Log);
  EXPECT_EQ(logLines(Log, "preamble built for " + P.Main), 2u) << readFile(Log);
  EXPECT_EQ(logLines(Log, "preamble reused for " + P.Main), 0u)
      << readFile(Log);
  EXPECT_FALSE(C.framingError()) << C.framingErrorText();
}

// The default debounce is clangd's DebouncePolicy: the median of the last
// 15 rebuilds (not the last one), from 50 to 500 ms.
TEST(LspDebounce, IsClangdsPolicyOverTheLastRebuilds) {
  EXPECT_EQ(factoryguard::debounceAfter({}), 50u);
  EXPECT_EQ(factoryguard::debounceAfter({10}), 50u);
  EXPECT_EQ(factoryguard::debounceAfter({120}), 120u);
  EXPECT_EQ(factoryguard::debounceAfter({900}), 500u);
  EXPECT_EQ(factoryguard::debounceAfter({60, 70, 400}),
            70u); // the last one slow
  // Sixteen rebuilds: the oldest (400) no longer counts, so the median of
  // seven 400s and eight 60s is 60 (with it, 400).
  std::vector<unsigned> History(8, 400);
  History.insert(History.end(), 8, 60);
  EXPECT_EQ(factoryguard::debounceAfter(History), 60u);
}

// The debounce goes by the rebuilds of a warm (kept) worker once there is
// one: the open's worker was forked for it and paid the fork and its first
// touch of memory, which no edit after it pays.
TEST(LspDebounce, GoesByAKeptWorkersRebuildsOnceThereIsOne) {
  using factoryguard::debounceAfter;
  using factoryguard::debounceBasis;
  using factoryguard::Rebuild;
  using Ms = std::vector<unsigned>;
  EXPECT_EQ(debounceBasis({}), Ms());
  // Before any kept worker (the open, or a document whose worker is never
  // kept): every rebuild counts.
  EXPECT_EQ(debounceBasis({{180, false}}), Ms({180}));
  EXPECT_EQ(debounceBasis({{100, false}, {120, false}}), Ms({100, 120}));
  // The open (180 ms) and the warm-up edit (40): the open no longer counts,
  // so the next edit waits 50 ms, not 180.
  std::vector<Rebuild> AfterOpen = {{180, false}, {40, true}};
  EXPECT_EQ(debounceBasis(AfterOpen), Ms({40}));
  EXPECT_EQ(debounceAfter(debounceBasis(AfterOpen)), 50u);
  // A fresh worker after the preamble was built again: skipped too.
  EXPECT_EQ(debounceBasis({{180, false}, {40, true}, {200, false}, {45, true}}),
            Ms({40, 45}));
}

// SPEC §9: the worker that analyzed a document stays for its next edit
// (KeptWorkers, UnitIsolation.h) and parses it in the memory it has
// touched already, instead of a fork per edit. It was forked with the
// editor's buffers of then; each edit's analysis must still be that of the
// buffers of now: the document's new text, and a header outside the
// preamble (included after the first declaration) whose unsaved text in
// the editor makes the document's static a manager.
TEST(Lsp, AKeptWorkerAnalyzesEachEditWithTheEditorsBuffersOfNow) {
  SlotProject P = makeSlotProject("kept-worker");
  P.Text = "#include \"netra/netra.h\"\nint answer() { return 42; }\n"
           "#include \"slot.h\"\nSLOT_TYPE g_slot{};\n";
  writeFile(P.Main, P.Text);
  std::string Log = P.Dir + "/stderr.txt";
  LspClient C({"--debounce", "0"}, P.Dir, Log);
  C.initialize();
  std::string Forked = "worker forked for " + P.Main;
  std::string Kept = "worker kept from the last run for " + P.Main;
  C.open(P.Main, P.Text);
  auto D1 = C.diagnostics(uriOf(P.Main), 1);
  ASSERT_TRUE(D1) << readFile(Log);
  EXPECT_TRUE(lspFindings(*D1).empty()) << *D1;
  EXPECT_EQ(logLines(Log, Forked), 1u) << readFile(Log);

  // The document's new text: a manager in static storage on line 5.
  C.change(P.Main, P.Text + "netra::WebSocketManager *g_other{};\n", 2);
  auto D2 = C.diagnostics(uriOf(P.Main), 2);
  ASSERT_TRUE(D2) << readFile(Log);
  std::vector<std::string> Found2 = lspFindings(*D2);
  ASSERT_EQ(Found2.size(), 1u) << *D2 << readFile(Log);
  EXPECT_EQ(Found2[0].rfind("5:", 0), 0u) << Found2[0];
  EXPECT_EQ(logLines(Log, Kept), 1u) << readFile(Log);
  // It was handed the edit before the preamble was checked (it parses
  // meanwhile), and stood: the preamble was reused.
  size_t KeptAt = firstLogLine(Log, Kept);
  size_t ReusedAt = firstLogLine(Log, "preamble reused for " + P.Main);
  ASSERT_NE(ReusedAt, std::string::npos) << readFile(Log);
  EXPECT_LT(KeptAt, ReusedAt) << readFile(Log);
  EXPECT_EQ(logLines(Log, "dropped for " + P.Main), 0u) << readFile(Log);

  // slot.h's unsaved text (its disk text says int): g_slot on line 4 is a
  // manager now. The preamble does not read slot.h: it is reused, and so
  // is the worker.
  C.open(P.Header, "#define SLOT_TYPE netra::WebSocketManager *\n");
  C.change(P.Main, P.Text + "// v3\n", 3);
  auto D3 = C.diagnostics(uriOf(P.Main), 3);
  ASSERT_TRUE(D3) << readFile(Log);
  std::vector<std::string> Found3 = lspFindings(*D3);
  ASSERT_EQ(Found3.size(), 1u) << *D3 << readFile(Log);
  EXPECT_EQ(Found3[0].rfind("4:", 0), 0u) << Found3[0];
  EXPECT_EQ(logLines(Log, Kept), 2u) << readFile(Log);
  EXPECT_EQ(logLines(Log, Forked), 1u) << readFile(Log);
  EXPECT_EQ(logLines(Log, "preamble built for " + P.Main), 1u) << readFile(Log);

  // The kept workers killed while they wait (the OOM killer, a user): the
  // next edit is analyzed by a fresh worker, not reported as a crash.
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator
           T("/proc/" + std::to_string(C.pid()) + "/task", EC),
       End;
       T != End && !EC; T.increment(EC)) {
    // Named: split() keeps only a reference to the text.
    const std::string Children = readFile(T->path() + "/children");
    for (llvm::StringRef Child :
         llvm::split(llvm::StringRef(Children).trim(), ' '))
      if (!Child.empty())
        kill(std::stoi(Child.str()), SIGKILL);
  }
  C.change(P.Main, P.Text + "// v3b\n", 4);
  auto D3b = C.diagnostics(uriOf(P.Main), 4);
  ASSERT_TRUE(D3b) << readFile(Log);
  EXPECT_EQ(lspFindings(*D3b), Found3) << *D3b << readFile(Log);
  EXPECT_EQ(logLines(Log, Forked), 2u) << readFile(Log); // and said so

  // Closed, the document's worker ends with its preamble.
  C.notify(
      "textDocument/didClose",
      json::Object{{"textDocument", json::Object{{"uri", uriOf(P.Main)}}}});
  C.open(P.Main, P.Text, 5);
  ASSERT_TRUE(C.diagnostics(uriOf(P.Main), 5)) << readFile(Log);
  EXPECT_EQ(logLines(Log, "worker ended for " + P.Main), 1u) << readFile(Log);
  EXPECT_EQ(logLines(Log, Forked), 3u) << readFile(Log);
  EXPECT_FALSE(C.framingError()) << C.framingErrorText();
}

// SPEC §9 with the preamble: a unit whose headers kill the process that
// parses them (an instantiation deeper than clang's own threads hold, under
// a command that raises the recursion limits) costs that document its
// diagnostics, on open and on every edit, and the server lives on: such a
// unit's headers are parsed in a worker, never into a preamble in the
// server. The next document is answered, and its edit reuses its preamble.
TEST(Lsp, AUnitThatCrashesWithAPreambleCostsItsDiagnosticsNotTheServer) {
  std::string Deep = "template<int N> constexpr int f() { if constexpr "
                     "(N==0) return 0; else return f<N-1>()+1; }\n"
                     "int y = f<100000>();\n";
  std::string InHeader = "#include \"deep.h\"\nint z = 1;\n";
  std::string Dir =
      makeExampleProject("deep-preamble", {{"include/deep.h", Deep},
                                           {"src/header_deep.cpp", InHeader}});
  json::Array Db;
  for (const char *U : {"src/header_deep.cpp", "src/handlers.cpp"}) {
    json::Array Args{"clang++-19", "-std=c++17"};
    if (llvm::StringRef(U).contains("deep"))
      Args.push_back("-ftemplate-depth=200000");
    for (const std::string &A :
         {"-I" + Dir + "/include", std::string("-c"), Dir + "/" + U})
      Args.push_back(A);
    Db.push_back(json::Object{{"directory", Dir + "/build"},
                              {"file", Dir + "/" + U},
                              {"arguments", std::move(Args)}});
  }
  writeDatabase(Dir, std::move(Db));

  std::string Log = Dir + "/stderr.txt";
  std::optional<AsanWithoutSigaltstack> Instrumented(std::in_place);
  LspClient C({"--debounce", "0", "--no-cache"}, Dir, Log);
  Instrumented.reset();
  C.initialize();
  std::string HeaderDeep = Dir + "/src/header_deep.cpp";
  C.open(HeaderDeep, InHeader);
  for (int64_t V : {1, 2}) {
    if (V == 2)
      C.change(HeaderDeep, InHeader + "// edited\n", 2);
    auto D = C.diagnostics(uriOf(HeaderDeep), V);
    ASSERT_TRUE(D) << readFile(Log);
    ASSERT_EQ(D->getAsArray()->size(), 1u) << *D;
    const json::Object &O = *(*D->getAsArray())[0].getAsObject();
    EXPECT_NE(O.getString("message")->find("could not be analyzed"),
              llvm::StringRef::npos)
        << O.getString("message")->str();
  }

  std::string Handlers = Dir + "/src/handlers.cpp";
  std::string HandlersText = readFile(Handlers);
  C.open(Handlers, HandlersText);
  auto H = C.diagnostics(uriOf(Handlers), 1);
  ASSERT_TRUE(H) << readFile(Log);
  EXPECT_EQ(H->getAsArray()->size(), 3u) << *H;
  C.change(Handlers, HandlersText + "// edited\n", 2);
  auto H2 = C.diagnostics(uriOf(Handlers), 2);
  ASSERT_TRUE(H2) << readFile(Log);
  EXPECT_EQ(lspFindings(*H2), lspFindings(*H));
  EXPECT_EQ(logLines(Log, "preamble reused for " + Handlers), 1u)
      << readFile(Log);
  EXPECT_EQ(C.waitExit(100), -1) << "the server is still running";
  EXPECT_FALSE(C.framingError()) << C.framingErrorText();
}

// The headers' part of a preamble's analysis runs in the server's own
// process, on a thread beside clang's PCH build (Preamble.cpp). A crash
// there, a null write or a stack overflow (the tests' binary crashes it on
// purpose), costs the document its preamble, not its diagnostics and not
// the server: the unit is parsed whole, in a worker, with the diagnostics
// it has without the crash, on open and on each edit, and the next
// document gets its preamble.
TEST(Lsp, ACrashInTheHeadersPartCostsThePreambleNotTheServer) {
  for (const char *Kind : {"null-write", "stack-overflow"}) {
    SCOPED_TRACE(Kind);
    std::string Dir = makeExampleProject(std::string("headers-crash-") + Kind);
    std::string Log = Dir + "/stderr.txt";
    std::string Handlers = Dir + "/src/handlers.cpp";
    std::string Text = readFile(Handlers);
    std::vector<std::string> Expected;
    {
      LspClient Plain({"--debounce", "0", "--no-cache"}, Dir,
                      Dir + "/plain.txt");
      Plain.initialize();
      Plain.open(Handlers, Text);
      auto D = Plain.diagnostics(uriOf(Handlers), 1);
      ASSERT_TRUE(D) << readFile(Dir + "/plain.txt");
      Expected = lspWithRelated(*D, Dir);
      ASSERT_FALSE(Expected.empty());
    }
    std::optional<AsanWithoutSigaltstack> Instrumented(std::in_place);
    LspClient C({"--debounce", "0", "--no-cache"}, Dir, Log,
                {{"FACTORYGUARD_TEST_CRASH_HEADERS", "handlers.cpp"},
                 {"FACTORYGUARD_TEST_CRASH_KIND", Kind}},
                FG_TEST_HOOKS_BINARY);
    Instrumented.reset();
    C.initialize();
    C.open(Handlers, Text);
    auto H = C.diagnostics(uriOf(Handlers), 1);
    ASSERT_TRUE(H) << readFile(Log);
    EXPECT_EQ(lspWithRelated(*H, Dir), Expected) << readFile(Log);
    C.change(Handlers, Text + "// edited\n", 2);
    auto H2 = C.diagnostics(uriOf(Handlers), 2);
    ASSERT_TRUE(H2) << readFile(Log);
    EXPECT_EQ(lspWithRelated(*H2, Dir), Expected) << readFile(Log);
    EXPECT_GE(logLines(Log, "no preamble for " + Handlers +
                                ": clang crashed analyzing its headers"),
              1u)
        << readFile(Log);
    EXPECT_EQ(logLines(Log, "preamble reused for " + Handlers), 0u)
        << readFile(Log);

    std::string Main = Dir + "/src/main.cpp";
    std::string MainText = readFile(Main);
    C.open(Main, MainText);
    ASSERT_TRUE(C.diagnostics(uriOf(Main), 1)) << readFile(Log);
    C.change(Main, MainText + "// edited\n", 2);
    ASSERT_TRUE(C.diagnostics(uriOf(Main), 2)) << readFile(Log);
    EXPECT_EQ(logLines(Log, "preamble reused for " + Main), 1u)
        << readFile(Log);
    EXPECT_EQ(C.waitExit(100), -1) << "the server is still running";
    EXPECT_FALSE(C.framingError()) << C.framingErrorText();
  }
}

TEST(Lsp, NeovimShowsTheCliFindings) {
  ASSERT_TRUE(llvm::sys::fs::can_execute(FG_NVIM))
      << "nvim not found (" FG_NVIM "); run ci/install.sh";
  Project P = makeProject("nvim", NullContext);
  std::string Script = P.Dir + "/test.lua";
  std::string Out = P.Dir + "/diagnostics.txt";
  writeFile(Script, R"lua(
local server, file, out = vim.env.FG_SERVER, vim.env.FG_FILE, vim.env.FG_OUT
local client = vim.lsp.start_client({
  name = 'factoryguard',
  cmd = { server, 'lsp', '--debounce', '50' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
})
vim.cmd('edit ' .. vim.fn.fnameescape(file))
vim.lsp.buf_attach_client(0, client)
local ok = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 20)
local lines = {}
if not ok then table.insert(lines, 'TIMEOUT') end
for _, d in ipairs(vim.diagnostic.get(0)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ''
  table.insert(lines, string.format('%d:%d: %s [%s]', d.lnum + 1, d.col + 1, d.message, code))
end
vim.fn.writefile(lines, out)
vim.lsp.stop_client(client)
vim.cmd('qall!')
)lua");
  RunResult R = runProgram(
      "/usr/bin/env",
      {"FG_SERVER=" FG_BINARY, "FG_FILE=" + P.File, "FG_OUT=" + Out,
       "XDG_CONFIG_HOME=" + P.Dir, "XDG_DATA_HOME=" + P.Dir,
       "XDG_STATE_HOME=" + P.Dir, "XDG_CACHE_HOME=" + P.Dir, "timeout", "120",
       FG_NVIM, "--headless", "-n", "-i", "NONE", "-u", Script},
      P.Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
  std::vector<std::string> Shown;
  llvm::SmallVector<llvm::StringRef, 16> Lines;
  std::string Text = readFile(Out);
  llvm::StringRef(Text).split(Lines, '\n', -1, false);
  for (llvm::StringRef L : Lines)
    Shown.push_back(L.str());
  std::sort(Shown.begin(), Shown.end());
  EXPECT_EQ(Shown, cliFindings(P));
}

} // namespace

//===- FrontEndsTest.cpp - what the CLI prints and accepts (issue 24) -----===//
//
// Through the real CLI: file names, source lines and messages cannot forge a
// line of the text report or reach the terminal as control sequences; a
// report of thousands of findings on one long generated line is written
// right (its speed: ci/bench-reporters.sh); options that would silently lose
// an output or mean nothing are usage errors.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <sstream>

using namespace fgtest;

namespace {

const std::string NullRule = "--rules=-*,factoryguard-null-context";

/// A project directory with the rules' configuration.
std::string project(const std::string &Name) {
  std::string Dir = makeTempDir(Name);
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Dir + "/.factoryguard.yaml");
  return Dir;
}

std::vector<std::string> linesOf(const std::string &Text) {
  std::vector<std::string> Out;
  std::istringstream In(Text);
  for (std::string L; std::getline(In, L);)
    Out.push_back(L);
  return Out;
}

/// Whether Text holds a byte below 0x20 other than TAB and newline, or 0x7F.
bool hasControlBytes(const std::string &Text) {
  return std::any_of(Text.begin(), Text.end(), [](char C) {
    auto U = static_cast<unsigned char>(C);
    return (U < 0x20 && U != '\t' && U != '\n') || U == 0x7F;
  });
}

const char *CallWithNull =
    "#include \"netra/netra.h\"\n"
    "void f() { (void)netra::create_websocket_manager(nullptr); }\n";

TEST(TextOutput, AFileNameCannotForgeALineOrReachTheTerminal) {
  std::string Dir = project("forged-name");
  std::string Name = "ev\nsrc/x.cpp:1:1: warning: forged "
                     "[factoryguard-null-context]\n\x1b[31mz.cpp";
  writeFile(Dir + "/" + Name, CallWithNull);
  RunResult R = runFactoryguard(withFlags({NullRule, "--no-cache", Name}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_FALSE(hasControlBytes(R.Out + R.Err)) << R.Out << R.Err;
  for (const std::string &L : linesOf(R.Out + R.Err))
    EXPECT_EQ(L.rfind("src/x.cpp", 0), std::string::npos) << L;
  // The finding's location line, with the whole name on it.
  EXPECT_NE(R.Out.find("ev<U+000A>src/x.cpp:1:1: warning: forged "
                       "[factoryguard-null-context]<U+000A><U+001B>[31mz.cpp:"
                       "2:50: warning: 'create_websocket_manager' called "
                       "with a null context"),
            std::string::npos)
      << R.Out;
}

TEST(TextOutput, SnippetIsEscapedAndTheCaretLinesUp) {
  std::string Dir = project("snippet");
  // TAB, ESC, DEL, a byte that is not UTF-8 and a two-byte letter before
  // the call.
  std::string Prefix = "void f() {\t/*\x1b[2J\x7f\xff \xc3\xbc*/ (void)"
                       "netra::create_websocket_manager(";
  writeFile(Dir + "/a.cpp",
            "#include \"netra/netra.h\"\n" + Prefix + "nullptr); }\n");
  RunResult R =
      runFactoryguard(withFlags({NullRule, "--no-cache", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_FALSE(hasControlBytes(R.Out)) << R.Out;
  std::string Shown = "void f() {\t/*<U+001B>[2J<U+007F><FF> \xc3\xbc*/ (void)"
                      "netra::create_websocket_manager(";
  // Under the snippet: a TAB where it has one, one blank per printed
  // character (the escapes are several, the letter one), then the range.
  std::string Caret;
  for (size_t I = 0; I < Shown.size(); ++I) {
    if (Shown[I] == '\t')
      Caret += '\t';
    else if ((static_cast<unsigned char>(Shown[I]) & 0xC0) != 0x80)
      Caret += ' ';
  }
  Caret += "^~~~~~~";
  std::vector<std::string> Lines = linesOf(R.Out);
  auto At = std::find(Lines.begin(), Lines.end(), Shown + "nullptr); }");
  ASSERT_NE(At, Lines.end()) << R.Out;
  ASSERT_NE(At + 1, Lines.end());
  EXPECT_EQ(At[1], Caret) << R.Out;
}

TEST(TextOutput, UnitErrorLinesAreEscaped) {
  std::string Dir = project("unit-error");
  std::string Name = "bad\nforged.cpp:1:1: error: \x1b[2Jfake.cpp";
  writeFile(Dir + "/" + Name, "int x = ;\n");
  RunResult R = runFactoryguard(withFlags({"--no-cache", Name}), Dir);
  EXPECT_EQ(R.ExitCode, 3) << R.Err;
  EXPECT_FALSE(hasControlBytes(R.Out + R.Err)) << R.Err;
  for (const std::string &L : linesOf(R.Out + R.Err))
    EXPECT_EQ(L.rfind("forged.cpp", 0), std::string::npos) << R.Err;
  EXPECT_NE(R.Err.find("bad<U+000A>forged.cpp:1:1: error: <U+001B>[2Jfake.cpp"),
            std::string::npos)
      << R.Err;
}

TEST(Reporters, ThousandsOfFindingsOnOneLongLine) {
  // 2000 calls with nullptr on one line of about 1 MB, each after a comment
  // with a two-byte letter: UTF-16 columns differ from byte columns.
  const unsigned Calls = 2000;
  std::string Pad = "/* \xc3\xbc" + std::string(474, 'x') + " */ ";
  std::string Call = "(void)netra::create_websocket_manager(nullptr); ";
  std::string Line = "void generated() { ";
  for (unsigned I = 0; I < Calls; ++I)
    Line += Pad + Call;
  Line += "}";
  std::string Dir = project("long-line");
  writeFile(Dir + "/gen.cpp", "#include \"netra/netra.h\"\n" + Line + "\n");

  RunResult T =
      runFactoryguard(withFlags({NullRule, "--cache-dir", Dir + "/cache", "-o",
                                 "r.txt", "gen.cpp"}),
                      Dir);
  EXPECT_EQ(T.ExitCode, 1) << T.Err;
  std::string Text = readFile(Dir + "/r.txt");
  std::vector<Diag> Diags = parseTextOutput(Text);
  size_t Warnings =
      std::count_if(Diags.begin(), Diags.end(),
                    [](const Diag &D) { return D.Level == "warning"; });
  EXPECT_EQ(Warnings, Calls);
  // The last one: its column, and a snippet clipped around it.
  size_t LastNull = Line.rfind("nullptr") + 1;
  EXPECT_NE(Text.find("gen.cpp:2:" + std::to_string(LastNull) + ": warning:"),
            std::string::npos);
  EXPECT_LT(Text.size(), Calls * 2000) << "a snippet is a window, not the line";

  RunResult S = runFactoryguard(
      withFlags({NullRule, "--cache-dir", Dir + "/cache", "--format", "sarif",
                 "-o", "r.sarif", "gen.cpp"}),
      Dir);
  EXPECT_EQ(S.ExitCode, 1) << S.Err;
  auto Log = llvm::json::parse(readFile(Dir + "/r.sarif"));
  ASSERT_TRUE(bool(Log)) << llvm::toString(Log.takeError());
  const llvm::json::Array &Results =
      *Log->getAsObject()->getArray("runs")->front().getAsObject()->getArray(
          "results");
  ASSERT_EQ(Results.size(), Calls);
  // Each pad has one letter of two bytes and one UTF-16 unit.
  unsigned MaxColumn = 0;
  for (const llvm::json::Value &Result : Results) {
    const llvm::json::Object &Region = *Result.getAsObject()
                                            ->getArray("locations")
                                            ->front()
                                            .getAsObject()
                                            ->getObject("physicalLocation")
                                            ->getObject("region");
    MaxColumn =
        std::max<unsigned>(MaxColumn, *Region.getInteger("startColumn"));
  }
  EXPECT_EQ(MaxColumn, LastNull - Calls);
}

TEST(Cli, TwoOutputsOnOneFileAreRefused) {
  std::string Dir = project("two-outputs");
  writeFile(Dir + "/a.cpp", CallWithNull);
  for (const auto &[Out, Fixes] :
       {std::pair<std::string, std::string>{"x.out", "x.out"},
        {"x.out", "./x.out"},
        {Dir + "/x.out", "sub/../x.out"}}) {
    llvm::sys::fs::create_directories(Dir + "/sub");
    RunResult R = runFactoryguard(withFlags({NullRule, "--no-cache", "-o", Out,
                                             "--export-fixes", Fixes, "a.cpp"}),
                                  Dir);
    EXPECT_EQ(R.ExitCode, 2) << Out << " " << Fixes << ": " << R.Err;
    EXPECT_NE(R.Err.find("-o '" + Out + "' and --export-fixes '" + Fixes +
                         "' name the same file"),
              std::string::npos)
        << R.Err;
    EXPECT_FALSE(llvm::sys::fs::exists(Dir + "/x.out"));
  }
  // Two files: both written.
  RunResult R =
      runFactoryguard(withFlags({NullRule, "--no-cache", "-o", "r.txt",
                                 "--export-fixes", "f.yaml", "a.cpp"}),
                      Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_TRUE(llvm::sys::fs::exists(Dir + "/r.txt"));
  EXPECT_TRUE(llvm::sys::fs::exists(Dir + "/f.yaml"));
}

TEST(Cli, OptionsThatWouldMeanNothingAreUsageErrors) {
  std::string Dir = project("silent");
  writeFile(Dir + "/a.cpp", CallWithNull);
  struct Case {
    std::vector<std::string> Args;
    std::string Error;
  };
  for (const Case &C : std::vector<Case>{
           {{"--no-cache", "--cache-dir", "d"},
            "--no-cache and --cache-dir 'd' do not go together"},
           {{"--cache-dir=d", "--no-cache"},
            "--no-cache and --cache-dir 'd' do not go together"},
           {{"--no-cache", "--source-root", "/nonexistent"},
            "--source-root '/nonexistent' is not a directory"},
           {{"--no-cache", "--rules", "["}, "--rules glob '[' matches no rule"},
           {{"--no-cache", "--rules", "-*,factoryguard-nul-context"},
            "--rules glob 'factoryguard-nul-context' matches no rule"},
           {{"--no-cache", "--rules", "-*"}, "--rules '-*' enables no rule"},
       }) {
    std::vector<std::string> Args = C.Args;
    Args.push_back("a.cpp");
    RunResult R = runFactoryguard(withFlags(Args), Dir);
    EXPECT_EQ(R.ExitCode, 2) << C.Error << ": " << R.Err;
    EXPECT_NE(R.Err.find("factoryguard: error: " + C.Error), std::string::npos)
        << R.Err;
    EXPECT_FALSE(llvm::sys::fs::exists(Dir + "/d"));
  }
  RunResult M = runFactoryguard(
      {"merge", "--source-root", "/nonexistent", Dir + "/shard.json"}, Dir);
  EXPECT_EQ(M.ExitCode, 2);
  EXPECT_NE(M.Err.find("--source-root '/nonexistent' is not a directory"),
            std::string::npos)
      << M.Err;
}

TEST(Cli, AConfigurationErrorHasOnePrefix) {
  std::string Dir = project("config-error");
  writeFile(Dir + "/a.cpp", CallWithNull);
  writeFile(Dir + "/bad.yaml", "managers: [\"regex:(\"]\n");
  RunResult R = runFactoryguard(
      withFlags({"--no-cache", "--config", Dir + "/bad.yaml", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  std::vector<std::string> Lines = linesOf(R.Err);
  ASSERT_FALSE(Lines.empty());
  EXPECT_EQ(Lines[0].rfind(Dir + "/bad.yaml:1:12: error: invalid regex '('", 0),
            0u)
      << R.Err;
}

} // namespace

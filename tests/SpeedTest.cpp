//===- SpeedTest.cpp - skipped system bodies, the incremental cache ------===//
//
// SPEC §7 through the real CLI: bodies of functions declared in system
// headers are not parsed (--full-parse parses them) and the findings stay
// the same; the cache never returns a stale result. Every project is a
// copy of testdata in a temporary directory, so no run writes a cache into
// the source tree.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <future>
#include <map>
#include <regex>

using namespace fgtest;

namespace {

/// Writes Dir/build/compile_commands.json: one entry per unit, each
/// compiled with the testdata flags plus Extra plus its own flags ("{DIR}"
/// in a flag stands for Dir).
void writeDatabase(const std::string &Dir, const std::vector<std::string> &Units,
                   const std::vector<std::string> &Extra,
                   const std::map<std::string, std::vector<std::string>> &PerUnit = {}) {
  auto Expand = [&](std::string F) {
    size_t At = F.find("{DIR}");
    if (At != std::string::npos)
      F.replace(At, 5, Dir);
    return F;
  };
  std::string Json = "[\n";
  for (size_t I = 0; I < Units.size(); ++I) {
    std::string Args = jsonQuoted("/usr/bin/clang++-19");
    for (const std::string &F : testdataFlags())
      Args += ", " + jsonQuoted(F);
    for (const std::string &F : Extra)
      Args += ", " + jsonQuoted(Expand(F));
    auto Own = PerUnit.find(Units[I]);
    if (Own != PerUnit.end())
      for (const std::string &F : Own->second)
        Args += ", " + jsonQuoted(Expand(F));
    Args += ", \"-c\", " + jsonQuoted(Units[I]);
    Json += std::string(I ? ",\n" : "") +
            "  {\"directory\": " + jsonQuoted(Dir) + ", \"arguments\": [" +
            Args + "], \"file\": " + jsonQuoted(Units[I]) + "}";
  }
  writeFile(Dir + "/build/compile_commands.json", Json + "\n]\n");
}

/// The C++ sources under Dir, relative to it, sorted.
std::vector<std::string> sourcesUnder(const std::string &Dir) {
  std::vector<std::string> Out;
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator It(Dir, EC), End;
       It != End && !EC; It.increment(EC)) {
    llvm::StringRef P = It->path();
    if (P.ends_with(".cpp") && !P.contains("/build/"))
      Out.push_back(P.drop_front(Dir.size() + 1).str());
  }
  std::sort(Out.begin(), Out.end());
  return Out;
}

/// A copy of testdata/<From> with a database of every source in it.
std::string copyProject(const std::string &From,
                        std::vector<std::string> Extra = {}) {
  std::string Dir = makeTempDir("speed");
  copyTree(FG_TESTDATA "/" + From + "/.", Dir);
  if (llvm::sys::fs::is_directory(Dir + "/include"))
    Extra.push_back("-I{DIR}/include");
  writeDatabase(Dir, sourcesUnder(Dir), Extra);
  return Dir;
}

/// Every testdata project that is a set of units.
const std::vector<std::string> Projects = {
    "rules",     "multi-tu",         "whole-program",     "example",
    "sarif",     "annotations-only", "precision/repro",   "speed"};

TEST(SkipSystemBodies, SameFindingsWithFullParseOnEveryTestdataProject) {
  for (const std::string &P : Projects) {
    SCOPED_TRACE(P);
    std::string Dir =
        copyProject(P, {"-isystem{DIR}/vendor", "-DVENDOR_BODIES_VALID"});
    // SARIF holds everything a finding is: chains, notes, fixes,
    // suppressions; the text report is compared as well.
    for (const char *Format : {"sarif", "text"}) {
      RunResult Skip = runFactoryguard(
          {"-p", "build", "--format", Format}, Dir);
      RunResult Full = runFactoryguard(
          {"-p", "build", "--full-parse", "--format", Format}, Dir);
      EXPECT_NE(Skip.ExitCode, 2) << Skip.Err;
      EXPECT_EQ(Skip.ExitCode, Full.ExitCode) << Skip.Err << Full.Err;
      EXPECT_EQ(Skip.Out, Full.Out);
      EXPECT_EQ(Skip.Err, Full.Err);
    }
    if (P == "rules" || P == "multi-tu" || P == "whole-program" ||
        P == "example" || P == "speed") {
      EXPECT_NE(runFactoryguard({"-p", "build"}, Dir).Out, "")
          << "a project without findings compares nothing";
    }
  }
}

TEST(SkipSystemBodies, BodiesInSystemHeadersAreNotParsed) {
  // vendor_log's body names an undeclared identifier: clang reports it
  // only when it parses the body.
  std::string Dir = copyProject("speed", {"-isystem{DIR}/vendor"});
  RunResult Skip = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(Skip.ExitCode, 1) << Skip.Err;
  EXPECT_NE(Skip.Out.find("'get_websocket_manager' called in 'startup_code'"),
            std::string::npos)
      << Skip.Out;
  EXPECT_EQ(Skip.Err.find("undeclared_in_vendor_body"), std::string::npos)
      << Skip.Err;

  RunResult Full = runFactoryguard({"-p", "build", "--full-parse"}, Dir);
  EXPECT_EQ(Full.ExitCode, 3) << Full.Err;
  EXPECT_NE(Full.Err.find("undeclared_in_vendor_body"), std::string::npos)
      << Full.Err;
}

TEST(SkipSystemBodies, BodiesInUserHeadersAreParsed) {
  // The same header through -I is the user's code: its body is parsed.
  std::string Dir = copyProject("speed", {"-I{DIR}/vendor"});
  RunResult R = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(R.ExitCode, 3) << R.Err;
  EXPECT_NE(R.Err.find("undeclared_in_vendor_body"), std::string::npos) << R.Err;
}

// ------------------------------------------------------------------ cache

/// Standard error without the statistics line.
std::string withoutStats(const std::string &Err) {
  return std::regex_replace(Err, std::regex("factoryguard: cache .*\n"), "");
}

/// testdata/speed with its include path: override/ before include/, and
/// vendor/ as a system directory. Units: src/helper.cpp, src/legacy/other.cpp,
/// src/main.cpp, src/uses_vendor.cpp.
const std::vector<std::string> SpeedFlags = {
    "-I{DIR}/override", "-I{DIR}/include", "-isystem{DIR}/vendor"};
const std::vector<std::string> SpeedUnits = {
    "src/helper.cpp", "src/legacy/other.cpp", "src/main.cpp", "src/uses_vendor.cpp"};

std::string speedProject() {
  std::string Dir = makeTempDir("speed-cache");
  copyTree(FG_TESTDATA "/speed/.", Dir);
  writeDatabase(Dir, SpeedUnits, SpeedFlags);
  return Dir;
}

RunResult runCached(const std::string &Dir, std::vector<std::string> Args = {}) {
  std::vector<std::string> All = {"-p", "build", "--cache-stats"};
  All.insert(All.end(), Args.begin(), Args.end());
  return runFactoryguard(All, Dir);
}

bool has(const RunResult &R, const std::string &Text) {
  return R.Out.find(Text) != std::string::npos;
}

const char *HeaderFinding = "service.h:11:9: warning: 'get_websocket_manager'";
const char *HelperFinding = "helper.cpp:4:28: warning: 'get_websocket_manager'";
const char *LegacyFinding = "legacy.h:7:35: warning: 'Kept'";
const char *OtherFinding = "other.cpp:6:9: warning: 'get_websocket_manager'";

TEST(Cache, WarmRunIsAllHitsAndTheSameReportOnEveryTestdataProject) {
  for (const std::string &P : Projects) {
    SCOPED_TRACE(P);
    std::string Dir =
        copyProject(P, {"-isystem{DIR}/vendor", "-DVENDOR_BODIES_VALID"});
    for (const char *Format : {"text", "sarif"}) {
      RunResult Fresh = runFactoryguard({"-p", "build", "--no-cache", "--format", Format}, Dir);
      RunResult Cold = runCached(Dir, {"--format", Format});
      RunResult Warm = runCached(Dir, {"--format", Format});
      EXPECT_EQ(Cold.ExitCode, Fresh.ExitCode);
      EXPECT_EQ(Warm.ExitCode, Fresh.ExitCode);
      EXPECT_EQ(Cold.Out, Fresh.Out);
      EXPECT_EQ(Warm.Out, Fresh.Out);
      // Configuration warnings come from cached matches as well.
      EXPECT_EQ(withoutStats(Warm.Err), Fresh.Err);
      // Units that fail (multi-tu/broken.cpp) are never cached: they are
      // analyzed again every time.
      unsigned Failing = Fresh.ExitCode == 3 ? 1u : 0u;
      CacheStats W = cacheStats(Warm), C = cacheStats(Cold);
      EXPECT_EQ(W.Misses, Failing) << Warm.Err;
      if (std::string(Format) == "text") {
        EXPECT_EQ(C.Hits, 0u) << Cold.Err;
      }
      EXPECT_EQ(W.Hits, C.Hits + C.Misses - Failing)
          << Cold.Err << Warm.Err;
    }
  }
}

TEST(Cache, DefaultDirectoryIsBesideTheDatabaseWithItsOwnGitignore) {
  std::string Dir = speedProject();
  RunResult R = runFactoryguard({"-p", "build", "--no-cache"}, Dir);
  EXPECT_FALSE(llvm::sys::fs::exists(Dir + "/build/.factoryguard-cache"));
  R = runCached(Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_EQ(cacheStats(R).Entries, 4u) << R.Err;
  EXPECT_TRUE(llvm::sys::fs::is_directory(Dir + "/build/.factoryguard-cache"));
  EXPECT_NE(readFile(Dir + "/build/.factoryguard-cache/.gitignore").find("*\n"),
            std::string::npos);
  // Without a database there is no default place.
  R = runFactoryguard(withFlags({"--cache-stats", Dir + "/src/helper.cpp"}), Dir);
  EXPECT_NE(R.Err.find("factoryguard: cache: not used"), std::string::npos) << R.Err;
  // --cache-dir moves it.
  R = runCached(Dir, {"--cache-dir", Dir + "/elsewhere"});
  EXPECT_EQ(cacheStats(R).Misses, 4u) << R.Err;
  EXPECT_TRUE(llvm::sys::fs::exists(Dir + "/elsewhere/.gitignore"));
}

TEST(Cache, HeaderContentEditedReanalyzesOnlyItsIncluders) {
  std::string Dir = speedProject();
  RunResult A = runCached(Dir);
  EXPECT_FALSE(has(A, HeaderFinding)) << A.Out;
  EXPECT_TRUE(has(A, HelperFinding)) << A.Out;
  writeFile(Dir + "/include/app/config.h", "#pragma once\n#define APP_HEADER_CALLS_FACTORY 1\n");
  RunResult B = runCached(Dir);
  EXPECT_TRUE(has(B, HeaderFinding)) << B.Out;
  // The chain from main (a cached unit's facts) to the new call.
  EXPECT_NE(B.Out.find("call chain 1/3: 'main' runs at start-up"), std::string::npos) << B.Out;
  CacheStats S = cacheStats(B);
  EXPECT_EQ(S.Misses, 2u) << B.Err; // main.cpp, helper.cpp
  EXPECT_EQ(S.Hits, 2u) << B.Err;
}

TEST(Cache, NolintAddedInAHeader) {
  std::string Dir = speedProject();
  writeFile(Dir + "/include/app/config.h", "#pragma once\n#define APP_HEADER_CALLS_FACTORY 1\n");
  RunResult A = runCached(Dir);
  EXPECT_TRUE(has(A, HeaderFinding)) << A.Out;
  std::string H = readFile(Dir + "/include/app/service.h");
  size_t At = H.find("// the header's own finding");
  ASSERT_NE(At, std::string::npos);
  H.insert(At, "// NOLINT ");
  writeFile(Dir + "/include/app/service.h", H);
  RunResult B = runCached(Dir);
  EXPECT_FALSE(has(B, "service.h:11:")) << B.Out;
  EXPECT_TRUE(has(B, HelperFinding)) << B.Out;
  EXPECT_EQ(cacheStats(B).Misses, 2u) << B.Err;
}

TEST(Cache, HeaderAddedEarlierOnTheIncludePathShadowsAnother) {
  std::string Dir = speedProject();
  // override/app exists (an include of another unit looks into it too);
  // what changes is one file in it.
  runProgram("/bin/mkdir", {"-p", Dir + "/override/app"});
  RunResult A = runCached(Dir);
  EXPECT_FALSE(has(A, HeaderFinding)) << A.Out;
  // include/app/config.h is unchanged; override/app/config.h now wins.
  writeFile(Dir + "/override/app/config.h", "#pragma once\n#define APP_HEADER_CALLS_FACTORY 1\n");
  RunResult B = runCached(Dir);
  EXPECT_TRUE(has(B, HeaderFinding)) << B.Out;
  EXPECT_EQ(cacheStats(B).Misses, 2u) << B.Err;
  EXPECT_EQ(cacheStats(B).Hits, 2u) << B.Err;
}

TEST(Cache, IncludeRemoved) {
  std::string Dir = speedProject();
  RunResult A = runCached(Dir);
  EXPECT_TRUE(has(A, LegacyFinding)) << A.Out;
  std::string Src = readFile(Dir + "/src/legacy/other.cpp");
  Src.replace(Src.find("#include <app/legacy.h>"), 23, "");
  writeFile(Dir + "/src/legacy/other.cpp", Src);
  RunResult B = runCached(Dir);
  EXPECT_FALSE(has(B, LegacyFinding)) << B.Out;
  EXPECT_EQ(cacheStats(B).Misses, 1u) << B.Err;
  EXPECT_EQ(cacheStats(B).Hits, 3u) << B.Err;
}

TEST(Cache, MacroDefinedOnTheCommandLineChanged) {
  std::string Dir = speedProject();
  RunResult A = runCached(Dir);
  EXPECT_FALSE(has(A, OtherFinding)) << A.Out;
  writeDatabase(Dir, SpeedUnits, SpeedFlags,
                {{"src/legacy/other.cpp", {"-DOTHER_CALLS_FACTORY"}}});
  RunResult B = runCached(Dir);
  EXPECT_TRUE(has(B, OtherFinding)) << B.Out;
  EXPECT_EQ(cacheStats(B).Misses, 1u) << B.Err;
  EXPECT_EQ(cacheStats(B).Hits, 3u) << B.Err;
}

TEST(Cache, ConfigurationChanged) {
  std::string Dir = speedProject();
  RunResult A = runCached(Dir);
  EXPECT_TRUE(has(A, LegacyFinding)) << A.Out;
  writeFile(Dir + "/.factoryguard.yaml",
            "contexts: [netra::UserExecutionContext]\n"
            "factories: [netra::get_websocket_manager]\n");
  RunResult B = runCached(Dir);
  EXPECT_FALSE(has(B, LegacyFinding)) << B.Out; // no manager configured
  EXPECT_TRUE(has(B, HelperFinding)) << B.Out;
  EXPECT_EQ(cacheStats(B).Misses, 4u) << B.Err;
}

TEST(Cache, ConfigurationAddedInASubdirectory) {
  std::string Dir = speedProject();
  RunResult A = runCached(Dir);
  EXPECT_TRUE(has(A, LegacyFinding)) << A.Out;
  writeFile(Dir + "/src/legacy/.factoryguard.yaml", "contexts: [netra::UserExecutionContext]\n");
  RunResult B = runCached(Dir);
  EXPECT_FALSE(has(B, LegacyFinding)) << B.Out;
  EXPECT_TRUE(has(B, HelperFinding)) << B.Out;
  EXPECT_EQ(cacheStats(B).Misses, 1u) << B.Err;
  EXPECT_EQ(cacheStats(B).Hits, 3u) << B.Err;
}

TEST(Cache, AnotherBinaryOfTheSameBuildSharesTheCache) {
  // The key holds the build's sources, not the executable's bytes
  // (cmake/EngineHash.cmake): the CLI, the language server and the
  // clang-tidy plugin of one build share entries, and so does a copy of
  // the CLI with bytes after its ELF image.
  std::string Dir = speedProject();
  std::string Bin = Dir + "/factoryguard";
  ASSERT_EQ(runProgram("/bin/cp", {FG_BINARY, Bin}).ExitCode, 0);
  std::vector<std::string> Args = {"-p", "build", "--cache-stats"};
  RunResult A = runProgram(Bin, Args, Dir);
  EXPECT_EQ(cacheStats(A).Misses, 4u) << A.Err;
  ASSERT_EQ(runProgram("/bin/sh", {"-c", "printf x >> '" + Bin + "'"}).ExitCode, 0);
  RunResult B = runProgram(Bin, Args, Dir);
  EXPECT_EQ(B.ExitCode, A.ExitCode) << B.Err;
  EXPECT_EQ(B.Out, A.Out);
  EXPECT_EQ(cacheStats(B).Hits, 4u) << B.Err;
}

/// The engine hash cmake/EngineHash.cmake writes for the tree at Root.
std::string engineHashOf(const std::string &Root, const std::string &Extra) {
  std::string Out = Root + "/EngineHash.cpp";
  RunResult R = runProgram(
      "/usr/bin/cmake", {"-DROOT=" + Root, "-DOUT=" + Out, "-DEXTRA=" + Extra,
                         "-P", FG_SOURCE_DIR "/cmake/EngineHash.cmake"});
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  return readFile(Out);
}

TEST(Cache, BuildFromOtherSourcesIsAnotherCache) {
  // What the key's build hash covers: every source of matchers/ and
  // tool/ (subdirectories included), the annotations header, and the
  // version and LLVM the build names; not the tests or the docs.
  std::string Root = makeTempDir("engine-hash");
  for (const char *Part : {"/matchers", "/tool", "/include", "/docs"})
    copyTree(FG_SOURCE_DIR + std::string(Part), Root + Part);
  std::string Base = engineHashOf(Root, "factoryguard 1, LLVM 19.1.7");
  ASSERT_NE(Base.find("engineSourceHash() { return \""), std::string::npos)
      << Base;
  EXPECT_EQ(engineHashOf(Root, "factoryguard 1, LLVM 19.1.7"), Base);
  EXPECT_NE(engineHashOf(Root, "factoryguard 1, LLVM 19.1.8"), Base);
  writeFile(Root + "/docs/README.md", "not a source\n");
  EXPECT_EQ(engineHashOf(Root, "factoryguard 1, LLVM 19.1.7"), Base);
  for (const char *Source :
       {"/matchers/Model.cpp", "/tool/TidyModule.cpp", "/matchers/Rules.def",
        "/include/factoryguard/annotations.h"}) {
    std::string Path = Root + Source;
    std::string Text = readFile(Path);
    writeFile(Path, Text + " ");
    EXPECT_NE(engineHashOf(Root, "factoryguard 1, LLVM 19.1.7"), Base)
        << Source;
    writeFile(Path, Text);
  }
  writeFile(Root + "/tool/new/Added.cpp", "int added;\n");
  EXPECT_NE(engineHashOf(Root, "factoryguard 1, LLVM 19.1.7"), Base);
}

TEST(Cache, UnitDeletedFromTheDatabase) {
  std::string Dir = speedProject();
  RunResult A = runCached(Dir);
  EXPECT_TRUE(has(A, HelperFinding)) << A.Out;
  writeDatabase(Dir, {"src/legacy/other.cpp", "src/main.cpp", "src/uses_vendor.cpp"},
                SpeedFlags);
  RunResult B = runCached(Dir);
  EXPECT_FALSE(has(B, HelperFinding)) << B.Out;
  EXPECT_TRUE(has(B, LegacyFinding)) << B.Out;
  EXPECT_EQ(cacheStats(B).Hits, 3u) << B.Err;
  EXPECT_EQ(cacheStats(B).Misses, 0u) << B.Err;
}

TEST(Cache, CorruptOrTruncatedEntryIsAMissAndIsRewritten) {
  std::string Dir = speedProject();
  RunResult A = runCached(Dir);
  std::string Cache = Dir + "/build/.factoryguard-cache";
  unsigned N = 0;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Cache, EC), End; !EC && It != End;
       It.increment(EC)) {
    if (!llvm::StringRef(It->path()).ends_with(".fgc"))
      continue;
    std::string Text = readFile(It->path());
    // One cut short, one with a byte changed, one nested 100 000 deep, the
    // other emptied.
    if (N == 0)
      writeFile(It->path(), Text.substr(0, Text.size() / 2));
    else if (N == 1)
      writeFile(It->path(), Text.replace(Text.find("\"findings\""), 3, "\"xx"));
    else if (N == 2) // deeper than LLVM's recursive JSON parser can go
      writeFile(It->path(),
                std::string(100000, '[') + std::string(100000, ']'));
    else
      writeFile(It->path(), "");
    ++N;
  }
  EXPECT_EQ(N, 4u);
  RunResult B = runCached(Dir);
  EXPECT_EQ(B.ExitCode, A.ExitCode) << B.Err;
  EXPECT_EQ(B.Out, A.Out);
  EXPECT_EQ(cacheStats(B).Misses, 4u) << B.Err;
  EXPECT_EQ(cacheStats(runCached(Dir)).Hits, 4u);
}

TEST(Cache, UnusableDirectoryIsAWarningAndTheAnalysisGoesOn) {
  std::string Dir = speedProject();
  RunResult Fresh = runFactoryguard({"-p", "build", "--no-cache"}, Dir);
  writeFile(Dir + "/not-a-dir", "");
  RunResult R = runFactoryguard({"-p", "build", "--cache-dir", Dir + "/not-a-dir"}, Dir);
  EXPECT_EQ(R.ExitCode, Fresh.ExitCode) << R.Err;
  EXPECT_EQ(R.Out, Fresh.Out);
  EXPECT_NE(R.Err.find("warning: cache directory '" + Dir +
                       "/not-a-dir' cannot be used"),
            std::string::npos)
      << R.Err;
}

TEST(Cache, LeastRecentlyUsedEntriesGoFirst) {
  std::string Dir = speedProject();
  runCached(Dir);
  // main.cpp's entry is used last; a bound that holds only it keeps it.
  RunResult Main = runCached(Dir, {"src/main.cpp"});
  EXPECT_EQ(cacheStats(Main).Hits, 1u) << Main.Err;
  std::string Cache = Dir + "/build/.factoryguard-cache";
  uint64_t Newest = 0;
  llvm::sys::TimePoint<> When;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Cache, EC), End; !EC && It != End;
       It.increment(EC)) {
    llvm::sys::fs::file_status St;
    if (!llvm::StringRef(It->path()).ends_with(".fgc") ||
        llvm::sys::fs::status(It->path(), St))
      continue;
    if (!Newest || St.getLastModificationTime() > When) {
      When = St.getLastModificationTime();
      Newest = St.getSize();
    }
  }
  RunResult R = runCached(Dir, {"src/main.cpp", "--cache-max-size", std::to_string(Newest)});
  EXPECT_EQ(cacheStats(R).Entries, 1u) << R.Err;
  RunResult All = runCached(Dir);
  EXPECT_EQ(cacheStats(All).Hits, 1u) << All.Err;
  EXPECT_EQ(cacheStats(All).Misses, 3u) << All.Err;
  EXPECT_EQ(runFactoryguard({"-p", "build", "--cache-max-size", "lots"}, Dir).ExitCode, 2);
}

TEST(Cache, ConcurrentRunsSharingACacheNeverCorruptIt) {
  std::string Dir = speedProject();
  RunResult Fresh = runFactoryguard({"-p", "build", "--no-cache"}, Dir);
  std::vector<std::future<RunResult>> Runs;
  for (int I = 0; I < 3; ++I)
    Runs.push_back(std::async(std::launch::async, [&] {
      return runFactoryguard({"-p", "build", "-j2"}, Dir);
    }));
  for (auto &F : Runs) {
    RunResult R = F.get();
    EXPECT_EQ(R.ExitCode, Fresh.ExitCode) << R.Err;
    EXPECT_EQ(R.Out, Fresh.Out);
  }
  RunResult Warm = runCached(Dir);
  EXPECT_EQ(Warm.Out, Fresh.Out);
  EXPECT_EQ(cacheStats(Warm).Hits, 4u) << Warm.Err;
}

} // namespace

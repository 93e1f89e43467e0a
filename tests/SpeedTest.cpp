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
#include <map>

using namespace fgtest;

namespace {

std::string quoteJson(const std::string &S) {
  std::string Out = "\"";
  for (char C : S) {
    if (C == '"' || C == '\\')
      Out += '\\';
    Out += C;
  }
  return Out + "\"";
}

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
    std::string Args = quoteJson("/usr/bin/clang++-19");
    for (const std::string &F : testdataFlags())
      Args += ", " + quoteJson(F);
    for (const std::string &F : Extra)
      Args += ", " + quoteJson(Expand(F));
    auto Own = PerUnit.find(Units[I]);
    if (Own != PerUnit.end())
      for (const std::string &F : Own->second)
        Args += ", " + quoteJson(Expand(F));
    Args += ", \"-c\", " + quoteJson(Units[I]);
    Json += std::string(I ? ",\n" : "") + "  {\"directory\": " + quoteJson(Dir) +
            ", \"arguments\": [" + Args + "], \"file\": " + quoteJson(Units[I]) +
            "}";
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
        P == "example" || P == "speed")
      EXPECT_NE(runFactoryguard({"-p", "build"}, Dir).Out, "")
          << "a project without findings compares nothing";
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

} // namespace

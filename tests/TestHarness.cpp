//===- TestHarness.cpp - Runs the real CLI, reads expectations -----------===//
#include "TestHarness.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <ftw.h>
#include <mutex>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace fgtest {

std::string readFile(const std::string &Path) {
  std::ifstream In(Path, std::ios::binary);
  std::stringstream SS;
  SS << In.rdbuf();
  return SS.str();
}

void writeFile(const std::string &Path, const std::string &Text) {
  llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Path));
  std::ofstream Out(Path, std::ios::binary);
  Out << Text;
}

namespace {

/// Removes Dir and everything under it, links not followed; device nodes
/// too (tests make their own /dev/null and /dev/full), which
/// llvm::sys::fs::remove refuses.
void removeTree(const std::string &Dir) {
  nftw(
      Dir.c_str(),
      [](const char *Path, const struct stat *, int, struct FTW *) {
        std::remove(Path);
        return 0;
      },
      16, FTW_DEPTH | FTW_PHYS);
}

/// The temporary directories this test program made (makeTempDir): removed
/// when it ends with every test passed; kept for a look when one failed,
/// or with FG_KEEP_TEMP set. Only the process that made them removes them:
/// a test's forked child that exits normally leaves them alone. (Left
/// behind, they had grown to 7 700 directories, 16 GB, in /tmp.)
class MadeDirs {
public:
  void add(std::string Dir) {
    std::lock_guard<std::mutex> G(M);
    Dirs.push_back(std::move(Dir));
  }
  ~MadeDirs() {
    if (getpid() != Owner || Dirs.empty() || getenv("FG_KEEP_TEMP"))
      return;
    if (!::testing::UnitTest::GetInstance()->Passed()) {
      std::fprintf(stderr,
                   "kept the %zu temporary directories of this run "
                   "(a test failed), the first: %s\n",
                   Dirs.size(), Dirs.front().c_str());
      return;
    }
    for (const std::string &D : Dirs)
      removeTree(D);
  }

private:
  const pid_t Owner = getpid();
  std::mutex M;
  std::vector<std::string> Dirs;
};

MadeDirs &madeDirs() {
  static MadeDirs Dirs;
  return Dirs;
}

} // namespace

std::string makeTempDir(const std::string &Name) {
  llvm::SmallString<128> Dir;
  llvm::sys::fs::createUniqueDirectory("fg-" + Name, Dir);
  madeDirs().add(std::string(Dir));
  llvm::SmallString<128> Real;
  llvm::sys::fs::real_path(Dir, Real);
  return std::string(Real);
}

void copyTree(const std::string &From, const std::string &To) {
  RunResult R = runProgram("/bin/cp", {"-R", From, To});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
}

RunResult runProgram(const std::string &Program,
                     const std::vector<std::string> &Args,
                     const std::string &Cwd) {
  RunResult R;
  llvm::SmallString<128> OutFile, ErrFile;
  llvm::sys::fs::createTemporaryFile("fg-out", "txt", OutFile);
  llvm::sys::fs::createTemporaryFile("fg-err", "txt", ErrFile);
  // ExecuteAndWait has no working-directory parameter: go through sh.
  std::vector<std::string> Argv;
  std::string Shell = "/bin/sh";
  Argv.push_back(Shell);
  Argv.push_back("-c");
  Argv.push_back("cd \"$0\" && exec \"$@\"");
  llvm::SmallString<256> Here;
  llvm::sys::fs::current_path(Here);
  Argv.push_back(Cwd.empty() ? std::string(Here) : Cwd);
  Argv.push_back(Program);
  for (const std::string &A : Args)
    Argv.push_back(A);
  std::vector<llvm::StringRef> Refs(Argv.begin(), Argv.end());
  std::optional<llvm::StringRef> Redirects[] = {
      llvm::StringRef(""), llvm::StringRef(OutFile), llvm::StringRef(ErrFile)};
  std::string ErrMsg;
  R.ExitCode = llvm::sys::ExecuteAndWait(Shell, Refs, std::nullopt, Redirects,
                                         /*SecondsToWait=*/900, 0, &ErrMsg);
  R.Out = readFile(std::string(OutFile));
  R.Err = readFile(std::string(ErrFile)) + ErrMsg;
  llvm::sys::fs::remove(OutFile);
  llvm::sys::fs::remove(ErrFile);
  return R;
}

RunResult runFactoryguard(const std::vector<std::string> &Args,
                          const std::string &Cwd) {
  return runProgram(FG_BINARY, Args, Cwd);
}

std::vector<std::string> testdataFlags() {
  return {"-std=c++17", "-I" FG_TESTDATA "/include",
          "-I" FG_SOURCE_DIR "/include"};
}

void writeTestdataDatabase(const std::string &Dir,
                           const std::vector<std::string> &Units) {
  std::string Flags;
  for (const std::string &F : testdataFlags())
    Flags += " " + F;
  std::string Json = "[\n";
  for (size_t I = 0; I < Units.size(); ++I)
    Json += std::string(I ? ",\n" : "") + "  {\"directory\": \"" + Dir +
            "\", \"command\": \"/usr/bin/clang++-19" + Flags + " -c " +
            Units[I] + " -o " + Units[I] + ".o\", \"file\": \"" + Units[I] +
            "\"}";
  writeFile(Dir + "/build/compile_commands.json", Json + "\n]\n");
}

std::string jsonQuoted(const std::string &S) {
  std::string Out = "\"";
  for (char C : S) {
    if (C == '"' || C == '\\')
      Out += '\\';
    Out += C;
  }
  return Out + "\"";
}

std::string compileDatabase(const std::vector<DatabaseEntry> &Entries) {
  std::string Out = "[\n";
  for (size_t I = 0; I < Entries.size(); ++I) {
    const DatabaseEntry &E = Entries[I];
    std::string List;
    for (const std::string &A : E.Arguments)
      List += (List.empty() ? "" : ", ") + jsonQuoted(A);
    Out += "  {\"directory\": " + jsonQuoted(E.Directory) +
           ", \"file\": " + jsonQuoted(E.File) + ", \"arguments\": [" + List +
           "]}";
    Out += I + 1 < Entries.size() ? ",\n" : "\n";
  }
  return Out + "]\n";
}

std::string makeProject(const std::string &From,
                        const std::vector<std::string> &Units,
                        const std::string &Name) {
  std::string Dir = makeTempDir(Name) + "/" + From;
  llvm::sys::fs::create_directories(Dir);
  copyTree(FG_TESTDATA "/" + From + "/.", Dir);
  writeTestdataDatabase(Dir, Units);
  return Dir;
}

std::string
makeExample(const std::string &Name,
            const std::vector<std::pair<std::string, std::string>> &Extra) {
  std::string Dir = makeTempDir(Name) + "/example";
  copyTree(FG_TESTDATA "/example", Dir);
  // ci/example.sh configures the example in place: its CMake cache names
  // the source tree, not this copy.
  llvm::sys::fs::remove_directories(Dir + "/build");
  if (!Extra.empty()) {
    std::string Lists = readFile(Dir + "/CMakeLists.txt");
    for (const auto &[Path, Text] : Extra) {
      writeFile(Dir + "/" + Path, Text);
      Lists = std::regex_replace(Lists, std::regex("src/registry.cpp\\)"),
                                 "src/registry.cpp\n  " + Path + ")");
    }
    writeFile(Dir + "/CMakeLists.txt", Lists);
  }
  RunResult Cfg =
      runProgram("/usr/bin/cmake", {"-S", Dir, "-B", Dir + "/build",
                                    "-DCMAKE_CXX_COMPILER=clang++-19"});
  EXPECT_EQ(Cfg.ExitCode, 0) << Cfg.Err;
  return Dir;
}

CacheStats cacheStats(const RunResult &R) {
  std::smatch M;
  std::regex Re(R"(factoryguard: cache .*: ([0-9]+) hits, ([0-9]+) misses, )"
                R"(([0-9]+) entries)");
  CacheStats S;
  if (std::regex_search(R.Err, M, Re)) {
    S.Hits = std::stoul(M[1]);
    S.Misses = std::stoul(M[2]);
    S.Entries = std::stoul(M[3]);
  } else {
    ADD_FAILURE() << "no cache statistics in: " << R.Err;
  }
  return S;
}

std::vector<std::string> withFlags(std::vector<std::string> Args) {
  Args.push_back("--");
  for (const std::string &F : testdataFlags())
    Args.push_back(F);
  return Args;
}

std::vector<std::string> rulesTestdataFiles() {
  std::vector<std::string> Out;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(FG_TESTDATA "/rules", EC), End;
       It != End && !EC; It.increment(EC))
    if (llvm::sys::path::extension(It->path()) == ".cpp")
      Out.push_back(llvm::sys::path::filename(It->path()).str());
  std::sort(Out.begin(), Out.end());
  return Out;
}

std::string
testdataTestName(const ::testing::TestParamInfo<std::string> &Info) {
  std::string Name;
  for (char C : llvm::StringRef(Info.param).drop_back(4))
    Name += std::isalnum(static_cast<unsigned char>(C)) ? C : '_';
  return Name;
}

std::vector<Diag> readExpectations(const std::string &File) {
  std::vector<Diag> Out;
  std::istringstream In(readFile(File));
  std::regex Any(R"(// (CHECK-[A-Z-]+):)");
  std::regex Re(
      R"(// CHECK-(?:MESSAGES|NOTES): :\[\[@LINE([+-][0-9]+)?\]\]:([0-9]+): (warning|error|note): (.*?)(?: \[([a-z-]+)\])?\s*$)");
  std::string Line;
  unsigned N = 0;
  while (std::getline(In, Line)) {
    ++N;
    std::smatch M;
    if (!std::regex_search(Line, M, Any))
      continue;
    std::string Prefix = M[1].str();
    if (Prefix == "CHECK-FIXES")
      continue;
    if (Prefix != "CHECK-MESSAGES" && Prefix != "CHECK-NOTES") {
      ADD_FAILURE() << File << ":" << N << ": unknown prefix " << Prefix;
      continue;
    }
    if (!std::regex_search(Line, M, Re)) {
      ADD_FAILURE() << File << ":" << N << ": " << Prefix
                    << " line does not parse: " << Line;
      continue;
    }
    Diag D;
    D.File = File;
    int Offset = M[1].matched ? std::stoi(M[1].str()) : 0;
    D.Line = static_cast<unsigned>(static_cast<int>(N) + Offset);
    D.Col = static_cast<unsigned>(std::stoul(M[2].str()));
    D.Level = M[3].str();
    D.Message = M[4].str();
    D.Rule = M[5].matched ? M[5].str() : "";
    Out.push_back(D);
  }
  return Out;
}

static const char FixTag[] = "// CHECK-FIXES:";

static std::vector<llvm::StringRef> splitLines(llvm::StringRef Text) {
  std::vector<llvm::StringRef> Lines;
  Text.consume_back("\n");
  llvm::SmallVector<llvm::StringRef, 0> Parts;
  Text.split(Parts, '\n');
  Lines.assign(Parts.begin(), Parts.end());
  return Lines;
}

static bool isCheckComment(llvm::StringRef Line) {
  return Line.trim().starts_with("// CHECK-");
}

bool hasFixExpectations(const std::string &File) {
  return readFile(File).find(FixTag) != std::string::npos;
}

::testing::AssertionResult fixesMatch(const std::string &Original,
                                      const std::string &Fixed) {
  std::vector<llvm::StringRef> Before = splitLines(Original);
  std::vector<llvm::StringRef> After = splitLines(Fixed);
  std::ostringstream Problems;
  std::vector<bool> Anchored(After.size(), false);
  size_t Code = After.size(); // the nearest code line above, none yet
  unsigned Checks = 0;
  for (size_t I = 0; I < After.size(); ++I) {
    llvm::StringRef L = After[I].trim();
    if (!L.starts_with(FixTag)) {
      if (!isCheckComment(L))
        Code = I;
      continue;
    }
    ++Checks;
    llvm::StringRef Want = L.drop_front(sizeof(FixTag) - 1).trim();
    if (Code == After.size()) {
      Problems << "line " << I + 1 << ": CHECK-FIXES with no code line above\n";
      continue;
    }
    Anchored[Code] = true;
    if (After[Code].trim() != Want)
      Problems << "line " << Code + 1 << " after the fix is\n  "
               << After[Code].trim().str() << "\nbut CHECK-FIXES on line "
               << I + 1 << " wants\n  " << Want.str() << "\n";
  }
  unsigned ChecksBefore = 0;
  for (llvm::StringRef L : Before)
    ChecksBefore += L.trim().starts_with(FixTag);
  if (Checks != ChecksBefore)
    Problems << "the fix changed CHECK-FIXES lines: " << ChecksBefore
             << " before, " << Checks << " after\n";
  // Both ways: a line the fix changed needs a CHECK-FIXES of its own. Only
  // when the fix kept the line count (no fix-it of ours adds lines).
  if (Before.size() == After.size()) {
    for (size_t I = 0; I < After.size(); ++I)
      if (Before[I] != After[I] && !Anchored[I])
        Problems << "line " << I + 1
                 << " was changed by the fix but has no CHECK-FIXES:\n  "
                 << After[I].trim().str() << "\n";
  }
  if (Problems.tellp() == 0)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << Problems.str();
}

std::vector<Diag> parseTextOutput(const std::string &Out) {
  std::vector<Diag> Result;
  std::istringstream In(Out);
  std::regex Re(
      R"(^(.+?):([0-9]+):([0-9]+): (warning|error|note): (.*?)(?: \[([a-z-]+)\])?$)");
  std::string Line, Parent;
  while (std::getline(In, Line)) {
    std::smatch M;
    if (!std::regex_match(Line, M, Re))
      continue;
    Diag D;
    D.File = M[1].str();
    D.Line = static_cast<unsigned>(std::stoul(M[2].str()));
    D.Col = static_cast<unsigned>(std::stoul(M[3].str()));
    D.Level = M[4].str();
    D.Message = M[5].str();
    D.Rule = M[6].matched ? M[6].str() : "";
    if (D.Level == "note")
      D.ParentRule = Parent;
    else
      Parent = D.Rule;
    Result.push_back(D);
  }
  return Result;
}

static bool endsWith(const std::string &S, const std::string &Suffix) {
  return S.size() >= Suffix.size() &&
         S.compare(S.size() - Suffix.size(), Suffix.size(), Suffix) == 0;
}

static std::string show(const Diag &D) {
  std::ostringstream OS;
  OS << D.File << ":" << D.Line << ":" << D.Col << ": " << D.Level << ": "
     << D.Message;
  if (!D.Rule.empty())
    OS << " [" << D.Rule << "]";
  return OS.str();
}

::testing::AssertionResult matches(const std::vector<Diag> &Expected,
                                   const std::vector<Diag> &Reported,
                                   const std::string &FileSuffix) {
  std::vector<bool> Used(Reported.size(), false);
  std::ostringstream Problems;
  bool OK = true;
  for (const Diag &E : Expected) {
    bool Found = false;
    for (size_t I = 0; I < Reported.size(); ++I) {
      const Diag &R = Reported[I];
      if (Used[I] || !endsWith(R.File, FileSuffix) || R.Line != E.Line ||
          R.Col != E.Col || R.Level != E.Level || R.Rule != E.Rule ||
          R.Message.find(E.Message) == std::string::npos)
        continue;
      Used[I] = true;
      Found = true;
      break;
    }
    if (!Found) {
      OK = false;
      Problems << "expected but not reported: " << show(E) << "\n";
    }
  }
  for (size_t I = 0; I < Reported.size(); ++I) {
    const Diag &R = Reported[I];
    if (Used[I] || !endsWith(R.File, FileSuffix))
      continue;
    // A fix-it's note is what CHECK-FIXES checks (check_clang_tidy.py also
    // leaves clang-tidy's "FIX-IT applied" notes out of CHECK-NOTES).
    if (R.Level == "note" && R.Message.rfind("fix-it: ", 0) == 0)
      continue;
    OK = false;
    Problems << "reported but not expected: " << show(R) << "\n";
  }
  if (OK)
    return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << Problems.str();
}

} // namespace fgtest

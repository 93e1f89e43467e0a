//===- PackageTest.cpp - the Debian package, built, inspected, run --------===//
//
// Builds the .deb with ci/package.sh (cpack -G DEB; nothing is compiled when
// the build is current), reads its control fields with dpkg-deb -I, extracts
// it into a temporary root and runs the extracted binary and hook. In CI as
// root the package is also installed with apt-get, run from /usr/bin and
// removed again.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"

#include <cstdlib>
#include <unistd.h>

using namespace fgtest;

namespace {

const char *Bad = "#include \"netra/netra.h\"\n"
                  "netra::WebSocketManager *g_slot = nullptr;\n";

/// Runs ci/package.sh into a fresh directory; the path of the .deb, or ""
/// with a test failure.
std::string buildPackage() {
  std::string Out = makeTempDir("deb");
  RunResult R = runProgram("/usr/bin/env",
                           {"FACTORYGUARD_BUILD_DIR=" FG_BUILD_DIR,
                            "FACTORYGUARD_PACKAGE_DIR=" + Out, "bash",
                            FG_SOURCE_DIR "/ci/package.sh"});
  EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
  std::string Deb = R.Out;
  while (!Deb.empty() && (Deb.back() == '\n' || Deb.back() == '\r'))
    Deb.pop_back();
  Deb = Deb.substr(Deb.rfind('\n') == std::string::npos ? 0 : Deb.rfind('\n') + 1);
  EXPECT_TRUE(llvm::sys::fs::exists(Deb)) << "ci/package.sh printed '" << Deb << "'";
  EXPECT_EQ(Deb.rfind(Out + "/factoryguard_", 0), 0u) << Deb;
  return llvm::sys::fs::exists(Deb) ? Deb : "";
}

/// The value of a control field as dpkg-deb -I prints it.
std::string field(const std::string &Info, const std::string &Name) {
  size_t P = Info.find("\n " + Name + ": ");
  if (P == std::string::npos)
    return "";
  P += Name.size() + 4;
  return Info.substr(P, Info.find('\n', P) - P);
}

/// A directory with the rule configuration, a finding and a database whose
/// command uses clang++-19 and the testdata include paths.
std::string analysisProject() {
  std::string Dir = makeTempDir("deb-project");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml", Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/bad.cpp", Bad);
  std::string Args = "\"clang++-19\"";
  for (const std::string &F : testdataFlags())
    Args += ", \"" + F + "\"";
  writeFile(Dir + "/build/compile_commands.json",
            "[{\"directory\": \"" + Dir + "\", \"file\": \"bad.cpp\", \"arguments\": [" +
                Args + ", \"-c\", \"bad.cpp\"]}]\n");
  return Dir;
}

/// Runs an installed binary with no hint of the build tree in the
/// environment.
RunResult runInstalled(const std::string &Program,
                       const std::vector<std::string> &Args,
                       const std::string &Cwd) {
  std::vector<std::string> Cmd = {"-u", "LD_LIBRARY_PATH", "-u", "FACTORYGUARD",
                                   "PATH=/usr/bin:/bin", Program};
  Cmd.insert(Cmd.end(), Args.begin(), Args.end());
  return runProgram("/usr/bin/env", Cmd, Cwd);
}

void expectWorks(const std::string &Prefix, const std::string &Project) {
  RunResult V = runInstalled(Prefix + "/bin/factoryguard", {"--version"}, Project);
  EXPECT_EQ(V.ExitCode, 0) << V.Err;
  EXPECT_EQ(V.Out.rfind("factoryguard 0.", 0), 0u) << V.Out;
  EXPECT_EQ(V.Out, runFactoryguard({"--version"}).Out)
      << "the packaged binary is the built one";

  RunResult A = runInstalled(Prefix + "/bin/factoryguard", {"-p", "build", "bad.cpp"},
                             Project);
  EXPECT_EQ(A.ExitCode, 1) << A.Out << A.Err;
  EXPECT_NE(A.Out.find("bad.cpp:2:26: warning: 'g_slot'"), std::string::npos)
      << A.Out << A.Err;
  EXPECT_NE(A.Out.find("[factoryguard-static-singleton]"), std::string::npos) << A.Out;

  // The hook finds the factoryguard installed next to it.
  RunResult H = runInstalled(Prefix + "/bin/factoryguard-pre-commit",
                             {"-p", "build", "bad.cpp", "README.md"}, Project);
  EXPECT_EQ(H.ExitCode, 1) << H.Out << H.Err;
  EXPECT_NE(H.Out.find("bad.cpp:2:26: warning: 'g_slot'"), std::string::npos)
      << H.Out << H.Err;
}

TEST(DebPackage, ControlFieldsContentsAndTheExtractedTools) {
  std::string Deb = buildPackage();
  ASSERT_FALSE(Deb.empty());

  RunResult I = runProgram("dpkg-deb", {"-I", Deb});
  ASSERT_EQ(I.ExitCode, 0) << I.Err;
  EXPECT_EQ(field(I.Out, "Package"), "factoryguard") << I.Out;
  std::string Version = runFactoryguard({"--version"}).Out;
  EXPECT_EQ(Version.rfind("factoryguard " + field(I.Out, "Version") + " ", 0), 0u)
      << "Version: " << field(I.Out, "Version") << " vs " << Version;
  EXPECT_FALSE(field(I.Out, "Maintainer").empty()) << I.Out;
  EXPECT_FALSE(field(I.Out, "Description").empty()) << I.Out;
  std::string Depends = field(I.Out, "Depends");
  for (const char *Dep :
       {"libclang-cpp19", "libllvm19", "libclang-common-19-dev"}) {
    size_t First = Depends.find(Dep);
    EXPECT_NE(First, std::string::npos) << Dep << " in: " << Depends;
    EXPECT_EQ(Depends.find(std::string(Dep) + " ", First + 1), std::string::npos)
        << Dep << " listed twice: " << Depends;
  }
  if (llvm::sys::findProgramByName("dpkg-shlibdeps") &&
      llvm::sys::findProgramByName("file")) {
    EXPECT_NE(Depends.find("libc6"), std::string::npos)
        << "dpkg-shlibdeps adds the C library: " << Depends;
  }
  EXPECT_NE(field(I.Out, "Recommends").find("clang-tidy-19"), std::string::npos)
      << I.Out;
  // The pre-commit hook is a sh wrapper over factoryguard --changed.
  EXPECT_EQ(Depends.find("python3"), std::string::npos) << Depends;
  EXPECT_EQ(field(I.Out, "Recommends").find("clang-19"), std::string::npos)
      << I.Out;

  RunResult C = runProgram("dpkg-deb", {"-c", Deb});
  ASSERT_EQ(C.ExitCode, 0) << C.Err;
  std::vector<std::string> Files = {
      "./usr/bin/factoryguard", "./usr/bin/factoryguard-pre-commit",
      "./usr/include/factoryguard/annotations.h",
      "./usr/share/doc/factoryguard/rules/factoryguard-static-singleton.md",
      "./usr/share/doc/factoryguard/rules/factoryguard-request-scope.md",
      "./usr/share/doc/factoryguard/rules/factoryguard-null-context.md",
      "./usr/share/doc/factoryguard/pre-commit.md",
      "./usr/share/doc/factoryguard/install.md"};
  if (llvm::sys::fs::exists(FG_SOURCE_DIR "/README.md"))
    Files.push_back("./usr/share/doc/factoryguard/README.md");
  if (llvm::sys::fs::exists(FG_SOURCE_DIR "/tool/factoryguard-clang-tidy"))
    Files.push_back("./usr/bin/factoryguard-clang-tidy");
#ifdef FG_HAS_TIDY_PLUGIN
  Files.push_back("./usr/lib/factoryguard/libfactoryguard-tidy.so");
#endif
  for (const std::string &F : Files)
    EXPECT_NE(C.Out.find(" " + F + "\n"), std::string::npos) << F << " in:\n" << C.Out;
  EXPECT_EQ(C.Out.find("_test"), std::string::npos) << "no test in the package";

  std::string Root = makeTempDir("deb-root");
  RunResult X = runProgram("dpkg-deb", {"-x", Deb, Root});
  ASSERT_EQ(X.ExitCode, 0) << X.Err;
  expectWorks(Root + "/usr", analysisProject());
  // No test hook ships: no environment variable makes the packaged binary
  // run a shell command or crash on purpose (issue 24).
  std::string Binary = readFile(Root + "/usr/bin/factoryguard");
  EXPECT_EQ(Binary.find("FACTORYGUARD_TEST_"), std::string::npos);
}

TEST(DebPackage, AptInstallsRunsAndRemovesIt) {
  // Installs into the running system: only in CI (CI set) as root.
  if (getuid() != 0 || !std::getenv("CI") ||
      !llvm::sys::findProgramByName("apt-get"))
    GTEST_SKIP() << "installs the package only in CI as root (CI set)";
  if (runProgram("dpkg-query", {"-W", "-f=${Status}", "factoryguard"})
          .Out.find("install ok installed") != std::string::npos)
    GTEST_SKIP() << "a factoryguard package is already installed; left alone";
  std::string Deb = buildPackage();
  ASSERT_FALSE(Deb.empty());
  RunResult In = runProgram("/usr/bin/env", {"DEBIAN_FRONTEND=noninteractive",
                                             "apt-get", "install", "-y", "-q",
                                             "--no-install-recommends", Deb});
  ASSERT_EQ(In.ExitCode, 0) << In.Out << In.Err;
  expectWorks("/usr", analysisProject());
  RunResult Rm = runProgram("/usr/bin/env", {"DEBIAN_FRONTEND=noninteractive",
                                             "apt-get", "purge", "-y", "-q",
                                             "factoryguard"});
  EXPECT_EQ(Rm.ExitCode, 0) << Rm.Out << Rm.Err;
  EXPECT_FALSE(llvm::sys::fs::exists("/usr/bin/factoryguard"));
}

} // namespace

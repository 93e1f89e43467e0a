//===- ProgressTest.cpp - [n/N] progress on standard error (issue 28) -----===//
//
// A long run shows one `[n/N] file` line per finished unit on standard
// error, as run-clang-tidy does, with the units that came from the cache
// marked: by default only when standard error is a terminal (here a
// pseudo-terminal, as a user's shell gives it), always with --progress,
// never with --quiet. Standard output and the exit status never change: the
// report a terminal run writes is byte for byte the one a pipe gets. The
// same for `factoryguard audit`.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <regex>
#include <sys/wait.h>
#include <unistd.h>

using namespace fgtest;

namespace {

const std::vector<std::string> Units = {"agents.cpp", "globals.cpp", "main.cpp",
                                        "preloader.cpp", "startup.cpp"};

/// Reads what is left on Fd into Out; false at its end (a pseudo-terminal's
/// master reports EIO once the last holder of the slave is gone).
bool drain(int Fd, std::string &Out) {
  char Buf[4096];
  ssize_t N = read(Fd, Buf, sizeof Buf);
  if (N > 0) {
    Out.append(Buf, static_cast<size_t>(N));
    return true;
  }
  return N < 0 && errno == EINTR;
}

/// Runs factoryguard in Cwd with standard error on a pseudo-terminal and
/// standard output on a pipe; Err is what the terminal showed, without the
/// carriage returns the terminal adds to each newline.
RunResult runWithTerminal(const std::vector<std::string> &Args,
                          const std::string &Cwd) {
  RunResult R;
  int Master = -1, Slave = -1, Out[2];
  if (openpty(&Master, &Slave, nullptr, nullptr, nullptr) != 0 ||
      pipe(Out) != 0) {
    ADD_FAILURE() << "no pseudo-terminal or pipe";
    return R;
  }
  std::vector<std::string> Argv = {FG_BINARY};
  Argv.insert(Argv.end(), Args.begin(), Args.end());
  std::vector<char *> CArgs;
  for (std::string &A : Argv)
    CArgs.push_back(A.data());
  CArgs.push_back(nullptr);
  pid_t Pid = fork();
  if (Pid == 0) {
    int Null = open("/dev/null", O_RDONLY);
    dup2(Null, 0);
    dup2(Out[1], 1);
    dup2(Slave, 2);
    close(Master);
    close(Slave);
    close(Out[0]);
    close(Out[1]);
    if (chdir(Cwd.c_str()) == 0)
      execv(FG_BINARY, CArgs.data());
    _exit(127);
  }
  close(Slave);
  close(Out[1]);
  pollfd Fds[2] = {{Out[0], POLLIN, 0}, {Master, POLLIN, 0}};
  std::string *Into[2] = {&R.Out, &R.Err};
  int Open = 2;
  while (Open > 0 && poll(Fds, 2, -1) >= 0)
    for (int I = 0; I < 2; ++I)
      if (Fds[I].fd >= 0 && Fds[I].revents && !drain(Fds[I].fd, *Into[I])) {
        close(Fds[I].fd);
        Fds[I].fd = -1;
        --Open;
      }
  int Status = 0;
  waitpid(Pid, &Status, 0);
  R.ExitCode = WIFEXITED(Status) ? WEXITSTATUS(Status) : -1;
  R.Err = std::regex_replace(R.Err, std::regex("\r"), "");
  return R;
}

/// The progress lines of Err, in order.
std::vector<std::string> progressLines(const std::string &Err) {
  std::vector<std::string> Lines;
  std::regex Line(R"(^\[\d+/\d+\] .*$)", std::regex::multiline);
  for (std::sregex_iterator It(Err.begin(), Err.end(), Line), End; It != End;
       ++It)
    Lines.push_back(It->str());
  return Lines;
}

/// Err shows `[n/N] <unit>` for n = 1..N, each unit once, N = Units.size(),
/// each marked " (cached)" exactly when Cached.
void expectProgress(const std::string &Err, bool Cached) {
  std::vector<std::string> Lines = progressLines(Err);
  ASSERT_EQ(Lines.size(), Units.size()) << Err;
  std::set<std::string> Seen;
  std::regex Shape(R"(^\[(\d+)/(\d+)\] (\S+)( \(cached\))?$)");
  for (size_t I = 0; I < Lines.size(); ++I) {
    std::smatch M;
    ASSERT_TRUE(std::regex_match(Lines[I], M, Shape)) << Lines[I];
    EXPECT_EQ(M[1].str(), std::to_string(I + 1)) << Lines[I];
    EXPECT_EQ(M[2].str(), std::to_string(Units.size())) << Lines[I];
    Seen.insert(M[3].str());
    EXPECT_EQ(M[4].matched, Cached) << Lines[I];
  }
  EXPECT_EQ(Seen, std::set<std::string>(Units.begin(), Units.end())) << Err;
}

std::vector<std::string> with(std::vector<std::string> Args,
                              const std::vector<std::string> &More) {
  Args.insert(Args.end(), More.begin(), More.end());
  return Args;
}

/// The checks of the CLI and of audit alike; Args are the command's own
/// (after the binary's name), run in a fresh copy of multi-tu.
void checkProgress(const std::string &Name,
                   const std::vector<std::string> &Args) {
  std::string Dir = makeProject("multi-tu", Units, Name);
  // On a terminal: every unit as it finishes; then every one from the cache.
  RunResult Cold = runWithTerminal(Args, Dir);
  expectProgress(Cold.Err, /*Cached=*/false);
  RunResult Warm = runWithTerminal(Args, Dir);
  expectProgress(Warm.Err, /*Cached=*/true);

  // Not a terminal: none unless asked; the report and status unchanged.
  RunResult Piped = runFactoryguard(Args, Dir);
  EXPECT_TRUE(progressLines(Piped.Err).empty()) << Piped.Err;
  EXPECT_EQ(Piped.ExitCode, Cold.ExitCode);
  EXPECT_EQ(Piped.ExitCode, Warm.ExitCode);
  EXPECT_FALSE(Piped.Out.empty());
  EXPECT_EQ(Piped.Out, Cold.Out);
  EXPECT_EQ(Piped.Out, Warm.Out);

  RunResult Asked = runFactoryguard(with(Args, {"--progress"}), Dir);
  expectProgress(Asked.Err, /*Cached=*/true);
  EXPECT_EQ(Asked.Out, Piped.Out);
  EXPECT_EQ(Asked.ExitCode, Piped.ExitCode);
  // Without the progress lines, standard error is what it was.
  EXPECT_EQ(
      std::regex_replace(Asked.Err, std::regex(R"(\[\d+/\d+\] .*\n)"), ""),
      Piped.Err);

  RunResult Quiet = runWithTerminal(with(Args, {"--quiet"}), Dir);
  EXPECT_TRUE(progressLines(Quiet.Err).empty()) << Quiet.Err;
  EXPECT_EQ(Quiet.Out, Piped.Out);
  EXPECT_EQ(Quiet.ExitCode, Piped.ExitCode);

  RunResult Both = runFactoryguard(with(Args, {"--progress", "--quiet"}), Dir);
  EXPECT_EQ(Both.ExitCode, 2) << Both.Err;
  EXPECT_NE(Both.Err.find("--progress and --quiet"), std::string::npos)
      << Both.Err;
  EXPECT_TRUE(Both.Out.empty());
}

TEST(Progress, CliOnTerminalWithCacheHitsAndOnlyThere) {
  checkProgress("progress-cli", {"-p", "build", "-j", "2"});
}

TEST(Progress, AuditLikeTheCli) {
  checkProgress("progress-audit", {"audit", "-p", "build", "-j", "2"});
}

TEST(Progress, OneUnitAtATime) {
  checkProgress("progress-j1", {"-p", "build", "-j", "1"});
}

TEST(Progress, MergeHasNone) {
  RunResult R = runFactoryguard({"merge", "--progress", "x.json"});
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_NE(R.Err.find("unknown option '--progress'"), std::string::npos)
      << R.Err;
}

} // namespace

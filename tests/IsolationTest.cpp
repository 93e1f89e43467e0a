//===- IsolationTest.cpp - no unit can kill the run, units fail cleanly ---===//
//
// Issue 24 through the real CLI: a unit whose analysis kills its process
// (a deep template instantiation overflows one of clang's own 8 MiB
// threads) costs that unit only; a compile command whose directory does not
// exist, or whose response file is missing, is a one-line unit error, not
// a crash; response files are expanded and their content is in the cache
// key; a source named through a symlink and through its target is one unit;
// the test hooks are not in the binary the package ships. A worker killed
// while it waits for its next unit is replaced, not reported as that
// unit's crash.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"
#include "UnitIsolation.h"

#include "llvm/Support/FileSystem.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

using namespace fgtest;

namespace {

/// src/handlers.cpp of the example, the three warnings it always has.
const char *HandlersWarnings[] = {"src/handlers.cpp:8:44: warning",
                                  "src/handlers.cpp:8:53: warning",
                                  "src/handlers.cpp:19:40: warning"};

/// Issue 24's reproduction: f<100000> instantiates f<99999>, ... once the
/// depth limit is raised, deeper than clang's 8 MiB threads hold.
const char *DeepUnit =
    "template<int N> constexpr int f() { if constexpr (N==0) return 0; "
    "else return f<N-1>()+1; }\nint y = f<100000>();\n";

size_t count(const std::string &Text, const std::string &Needle) {
  size_t N = 0;
  for (size_t P = Text.find(Needle); P != std::string::npos;
       P = Text.find(Needle, P + 1))
    ++N;
  return N;
}

/// A copy of testdata/example (sources, headers, configuration).
std::string copyOfExample(const std::string &Name) {
  std::string Dir = makeTempDir(Name);
  for (const char *Part : {"/src", "/include", "/.factoryguard.yaml"})
    copyTree(std::string(FG_TESTDATA "/example") + Part, Dir + Part);
  return Dir;
}

/// compile_commands.json of entries {directory, file, arguments}.
std::string
database(const std::vector<std::pair<std::string, std::vector<std::string>>>
             &Entries) {
  std::vector<DatabaseEntry> List;
  for (const auto &[Directory, Args] : Entries)
    List.push_back({Directory, Args.back(), Args});
  return compileDatabase(List);
}

/// clang++-19, the testdata flags, Extra, -c File.
std::vector<std::string> command(const std::string &File,
                                 std::vector<std::string> Extra = {},
                                 bool TestdataFlags = true) {
  std::vector<std::string> Args = {"clang++-19"};
  if (TestdataFlags)
    for (const std::string &F : testdataFlags())
      Args.push_back(F);
  Args.insert(Args.end(), Extra.begin(), Extra.end());
  Args.push_back("-c");
  Args.push_back(File);
  return Args;
}

/// The instrumented CLI (ci/sanitize.sh) as the release one runs: ASan
/// gives every thread an alternate signal stack, with which clang's own
/// deep-instantiation threads recover from an overflow (clang then goes on
/// with what it has) instead of dying as they do without ASan. Ignored by
/// an uninstrumented binary.
std::string releaseLikeAsanOptions() {
  const char *Opts = std::getenv("ASAN_OPTIONS");
  return std::string("ASAN_OPTIONS=") + (Opts ? Opts : "") +
         ":use_sigaltstack=0";
}

const char *GoodUnit = "#include \"netra/netra.h\"\n"
                       "netra::WebSocketManager *g_slot = nullptr;\n";

TEST(Isolation, ADeepInstantiationCostsOnlyItsUnit) {
  std::string Dir = copyOfExample("deep-instantiation");
  writeFile(Dir + "/deep.cpp", DeepUnit);
  for (const char *J : {"-j1", "-j2"}) {
    RunResult R = runProgram(
        "/usr/bin/env",
        {releaseLikeAsanOptions(), FG_BINARY, J, "deep.cpp", "src/handlers.cpp",
         "--", "-std=c++17", "-ftemplate-depth=200000", "-Iinclude"},
        Dir);
    EXPECT_EQ(R.ExitCode, 3) << J << "\n" << R.Out << R.Err;
    for (const char *W : HandlersWarnings)
      EXPECT_EQ(count(R.Out, W), 1u) << J << " " << W << "\n" << R.Out;
    EXPECT_NE(R.Err.find("deep.cpp: error: translation unit could not be "
                         "analyzed"),
              std::string::npos)
        << J << "\n"
        << R.Err;
    EXPECT_EQ(count(R.Err, "could not be analyzed"), 1u) << R.Err;
  }
}

// With clang's default limits the same recursion stops at depth 1024 with a
// compile error: the unit fails as code that does not compile does.
TEST(Isolation, DefaultTemplateDepthIsACompileErrorNotACrash) {
  std::string Dir = copyOfExample("default-depth");
  writeFile(Dir + "/deep.cpp", DeepUnit);
  writeFile(Dir + "/shallow.cpp",
            "template<int N> constexpr int f() { if constexpr (N==0) return "
            "0; else return f<N-1>()+1; }\nint y = f<1000>();\n");
  RunResult R = runFactoryguard({"deep.cpp", "shallow.cpp", "src/handlers.cpp",
                                 "--", "-std=c++17", "-Iinclude"},
                                Dir);
  EXPECT_EQ(R.ExitCode, 3) << R.Out << R.Err;
  EXPECT_NE(R.Err.find("deep.cpp: error: translation unit could not be "
                       "analyzed: 1 compile error(s), first: recursive "
                       "template instantiation exceeded maximum depth of 1024"),
            std::string::npos)
      << R.Err;
  EXPECT_EQ(R.Err.find("shallow.cpp: error"), std::string::npos) << R.Err;
  EXPECT_EQ(R.Err.find("crashed"), std::string::npos) << R.Err;
  for (const char *W : HandlersWarnings)
    EXPECT_EQ(count(R.Out, W), 1u) << W << "\n" << R.Out;
}

TEST(Isolation, MissingDirectoryIsAUnitErrorNotACrash) {
  std::string Dir = makeTempDir("missing-directory");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/a.cpp", GoodUnit);
  writeFile(Dir + "/b.cpp", GoodUnit);
  std::string Gone = Dir + "/gone";
  writeFile(Dir + "/build/compile_commands.json",
            database({{Gone, command(Dir + "/a.cpp")},
                      {Dir, command(Dir + "/b.cpp")}}));
  for (const char *J : {"-j1", "-j2"}) {
    RunResult R = runFactoryguard({"-p", "build", J}, Dir);
    EXPECT_EQ(R.ExitCode, 3) << R.Out << R.Err;
    EXPECT_NE(R.Err.find("a.cpp: error: translation unit could not be "
                         "analyzed: its compile command's directory '" +
                         Gone + "' does not exist\n"),
              std::string::npos)
        << R.Err;
    EXPECT_EQ(R.Err.find("crashed"), std::string::npos) << R.Err;
    EXPECT_EQ(R.Err.find("please report"), std::string::npos) << R.Err;
    EXPECT_NE(R.Out.find("b.cpp:2:26: warning"), std::string::npos) << R.Out;
  }
}

/// A project whose only unit takes its flags from build/flags.rsp
/// (relative to the entry's directory, build/).
std::string responseFileProject(const std::string &Name) {
  std::string Dir = makeTempDir(Name);
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Dir + "/.factoryguard.yaml");
  writeFile(Dir + "/a.cpp",
            std::string("#ifndef HIDE\n") + GoodUnit + "#endif\n");
  std::string Flags;
  for (const std::string &F : testdataFlags())
    Flags += "'" + F + "' ";
  writeFile(Dir + "/build/flags.rsp", Flags + "\n");
  writeFile(Dir + "/build/compile_commands.json",
            database({{Dir + "/build", command(Dir + "/a.cpp", {"@flags.rsp"},
                                               /*TestdataFlags=*/false)}}));
  return Dir;
}

TEST(Isolation, ResponseFilesAreExpandedAndInTheCacheKey) {
  std::string Dir = responseFileProject("rsp");
  RunResult R = runFactoryguard({"-p", "build", "--cache-stats"}, Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Out << R.Err;
  EXPECT_NE(R.Out.find("a.cpp:3:26: warning"), std::string::npos) << R.Out;
  EXPECT_NE(R.Err.find("0 hits, 1 misses"), std::string::npos) << R.Err;
  // Unchanged: a hit.
  R = runFactoryguard({"-p", "build", "--cache-stats"}, Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Out << R.Err;
  EXPECT_NE(R.Err.find("1 hits, 0 misses"), std::string::npos) << R.Err;
  // The response file changes the unit: re-analyzed, and the finding goes.
  writeFile(Dir + "/build/flags.rsp",
            readFile(Dir + "/build/flags.rsp") + "-DHIDE\n");
  R = runFactoryguard({"-p", "build", "--cache-stats"}, Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
  EXPECT_EQ(R.Out.find("warning"), std::string::npos) << R.Out;
  EXPECT_NE(R.Err.find("0 hits, 1 misses"), std::string::npos) << R.Err;
}

TEST(Isolation, MissingResponseFileIsAUnitErrorNamingIt) {
  std::string Dir = responseFileProject("rsp-missing");
  writeFile(Dir + "/b.cpp", GoodUnit);
  writeFile(Dir + "/build/compile_commands.json",
            database({{Dir + "/build", command(Dir + "/a.cpp", {"@missing.rsp"},
                                               /*TestdataFlags=*/false)},
                      {Dir, command(Dir + "/b.cpp")}}));
  RunResult R = runFactoryguard({"-p", "build"}, Dir);
  EXPECT_EQ(R.ExitCode, 3) << R.Out << R.Err;
  EXPECT_NE(R.Err.find("a.cpp: error: translation unit could not be "
                       "analyzed: its compile command's response file '" +
                       Dir + "/build/missing.rsp' does not exist\n"),
            std::string::npos)
      << R.Err;
  EXPECT_NE(R.Out.find("b.cpp:2:26: warning"), std::string::npos) << R.Out;
}

TEST(Isolation, ASourceAndASymlinkToItAreOneUnit) {
  std::string Dir = makeTempDir("symlinked-source");
  copyTree(FG_TESTDATA "/rules/.factoryguard.yaml",
           Dir + "/.factoryguard.yaml");
  std::string Text =
      readFile(FG_TESTDATA "/rules/factoryguard-null-context.cpp");
  writeFile(Dir + "/a.cpp", Text);
  ASSERT_FALSE(llvm::sys::fs::create_link("a.cpp", Dir + "/link.cpp"));
  RunResult R = runFactoryguard(
      withFlags({"--rules=-*,factoryguard-null-context", "a.cpp", "link.cpp"}),
      Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_EQ(count(R.Out, "a.cpp:16:37: warning"), 1u) << R.Out;
  EXPECT_EQ(R.Out.find("link.cpp"), std::string::npos) << R.Out;

  R = runFactoryguard(withFlags({"--rules=-*,factoryguard-null-context",
                                 "--fix", "link.cpp", "a.cpp"}),
                      Dir);
  EXPECT_EQ(R.Err.find("skipped"), std::string::npos) << R.Err;
  EXPECT_EQ(R.Err.find("unchanged"), std::string::npos) << R.Err;
  EXPECT_TRUE(fixesMatch(Text, readFile(Dir + "/a.cpp")));
}

// The release binary (what ci/package.sh packages and `cmake --install`
// installs) has no test hook: no environment variable makes it run a shell
// command or crash on purpose.
TEST(Isolation, TheReleaseBinaryHasNoTestHooks) {
  std::string Binary = readFile(FG_BINARY);
  ASSERT_GT(Binary.size(), 100000u);
  EXPECT_EQ(Binary.find("FACTORYGUARD_TEST_"), std::string::npos);
  EXPECT_EQ(Binary.find("/bin/sh"), std::string::npos);
}

} // namespace

// A worker waits between units (the language server keeps one per
// document between edits); killed meanwhile, by a user or the OOM killer,
// it is replaced and the unit sent to it runs in a fresh worker, however
// soon after the kill the unit comes (the signal lands asynchronously: the
// request can be written before the worker is gone). A worker that dies
// while it works on a unit is still that unit's crash.
TEST(WorkerPool, AWorkerKilledWhileItWaitsIsReplacedNotReportedAsACrash) {
  const uint64_t Dies = ~uint64_t(0);
  factoryguard::WorkerPool Pool([Dies](uint64_t Request, const std::string *) {
    if (Request == Dies)
      raise(SIGKILL);
    return std::to_string(Request) + " in " + std::to_string(getpid());
  });
  for (uint64_t Round = 0; Round < 50; ++Round) {
    factoryguard::ChildRun First = Pool.run(Round);
    ASSERT_TRUE(First.Ok);
    // The pool's idle worker, killed where it waits (its pid is in its
    // answer).
    const std::string Pid = First.Output.substr(First.Output.rfind(' ') + 1);
    kill(std::stoi(Pid), SIGKILL);
    factoryguard::ChildRun Next = Pool.run(Round);
    ASSERT_TRUE(Next.Ok) << "round " << Round << ": signal " << Next.Signal;
    EXPECT_EQ(Next.Output.rfind(std::to_string(Round) + " in ", 0), 0u)
        << Next.Output;
    EXPECT_NE(Next.Output, std::to_string(Round) + " in " + Pid);
  }
  factoryguard::ChildRun Crash = Pool.run(Dies);
  EXPECT_FALSE(Crash.Ok);
  EXPECT_EQ(Crash.Signal, SIGKILL);
}

// run(Request, Meanwhile): the caller's own work runs once, while the
// worker works (the language server copies the headers' part of the
// analysis then), for a unit that crashes too. The worker here waits (10 s
// at most) for the file Meanwhile writes.
TEST(WorkerPool, MeanwhileRunsOnceWhileTheWorkerWorks) {
  const std::string Go = makeTempDir("meanwhile") + "/go";
  const uint64_t Dies = 2;
  factoryguard::WorkerPool Pool(
      [&Go, Dies](uint64_t Request, const std::string *) {
        for (int I = 0; I < 1000 && !llvm::sys::fs::exists(Go); ++I)
          usleep(10000);
        if (Request == Dies)
          raise(SIGKILL);
        return std::string(llvm::sys::fs::exists(Go) ? "meanwhile" : "after");
      });
  for (uint64_t Request : {uint64_t(1), Dies}) {
    llvm::sys::fs::remove(Go);
    int Calls = 0;
    factoryguard::ChildRun R = Pool.run(Request, [&] {
      ++Calls;
      std::ofstream(Go) << "go";
    });
    EXPECT_EQ(Calls, 1) << "request " << Request;
    if (Request == Dies) {
      EXPECT_FALSE(R.Ok);
      EXPECT_EQ(R.Signal, SIGKILL);
    } else {
      ASSERT_TRUE(R.Ok);
      EXPECT_EQ(R.Output, "meanwhile");
    }
  }
}

// The language server's kept worker is handed an edit before the server
// checks the preamble (startEarly): the worker works while this thread
// does something else, run() reads that worker's answer, and one whose
// preamble turned out stale is killed unanswered (cancelEarly), run() then
// answering from a fresh worker. A worker gone before it took the request
// is not started.
TEST(WorkerPool, AWorkerStartedEarlyWorksMeanwhileAndCanBeCancelled) {
  const std::string Go = makeTempDir("early-worker") + "/go";
  factoryguard::WorkerPool Pool([&Go](uint64_t Request,
                                      const std::string *Payload) {
    // Request 1 waits (10 s at most) for the file this thread writes after
    // startEarly returned.
    for (int I = 0; Request == 1 && I < 1000 && !llvm::sys::fs::exists(Go); ++I)
      usleep(10000);
    return std::to_string(Request) + " " + (Payload ? *Payload : "-") + " in " +
           std::to_string(getpid()) +
           (llvm::sys::fs::exists(Go) ? "" : " (not meanwhile)");
  });
  Pool.setPayload("buffers");
  ASSERT_TRUE(Pool.run(0).Ok);
  std::optional<factoryguard::WorkerProcess> W = Pool.release();
  ASSERT_TRUE(W);
  const std::string Pid = std::to_string(W->Pid);

  ASSERT_TRUE(Pool.startEarly(*W, 1));
  writeFile(Go, "");
  factoryguard::ChildRun Early = Pool.run(1);
  ASSERT_TRUE(Early.Ok) << Early.Signal;
  EXPECT_EQ(Early.Output, "1 buffers in " + Pid);

  W = Pool.release();
  ASSERT_TRUE(W);
  ASSERT_TRUE(Pool.startEarly(*W, 2));
  Pool.cancelEarly(2);
  EXPECT_NE(kill(W->Pid, 0), 0); // killed and waited for
  factoryguard::ChildRun Fresh = Pool.run(2);
  ASSERT_TRUE(Fresh.Ok) << Fresh.Signal;
  EXPECT_EQ(Fresh.Output.rfind("2 buffers in ", 0), 0u) << Fresh.Output;
  EXPECT_NE(Fresh.Output, "2 buffers in " + Pid);

  W = Pool.release();
  ASSERT_TRUE(W);
  kill(W->Pid, SIGKILL);
  EXPECT_FALSE(Pool.startEarly(*W, 3));
  factoryguard::ChildRun Next = Pool.run(3);
  ASSERT_TRUE(Next.Ok) << Next.Signal;
  EXPECT_EQ(Next.Output.rfind("3 buffers in ", 0), 0u) << Next.Output;
}

// Work a request defers (deferUntilAnswered: freeing the AST of a kept
// worker's edit) runs after its answer is written, before the worker takes
// its next request: the answer does not wait for it, and the next request
// finds it done.
TEST(WorkerPool, WorkDeferredUntilAnsweredRunsAfterTheAnswer) {
  const std::string Dir = makeTempDir("after-answer");
  const std::string Go = Dir + "/go", Done = Dir + "/done";
  factoryguard::WorkerPool Pool([&](uint64_t Request, const std::string *) {
    if (Request == 1)
      factoryguard::deferUntilAnswered([&] {
        // Waits (10 s at most) for the file the test writes once the
        // answer arrived.
        for (int I = 0; I < 1000 && !llvm::sys::fs::exists(Go); ++I)
          usleep(10000);
        writeFile(Done, llvm::sys::fs::exists(Go) ? "after" : "waited");
      });
    return std::to_string(Request) + " in " + std::to_string(getpid()) +
           " done: " + (llvm::sys::fs::exists(Done) ? readFile(Done) : "no");
  });
  factoryguard::ChildRun First = Pool.run(1);
  ASSERT_TRUE(First.Ok) << First.Signal;
  EXPECT_FALSE(llvm::sys::fs::exists(Done)) << readFile(Done);
  const std::string Pid = First.Output.substr(5, First.Output.find(' ', 5) - 5);
  EXPECT_EQ(First.Output, "1 in " + Pid + " done: no");
  writeFile(Go, "");
  factoryguard::ChildRun Second = Pool.run(2);
  ASSERT_TRUE(Second.Ok) << Second.Signal;
  EXPECT_EQ(Second.Output, "2 in " + Pid + " done: after");
}

// A worker runs its requests on one thread for its life (no thread per
// request): a unit that overflows the stack after others ran there is still
// that unit's crash (its alternate stack and recovery hold for every
// request), and the next request gets a fresh worker.
TEST(WorkerPool, AStackOverflowAfterOtherRequestsIsThatRequestsCrash) {
  // As runAnalysis: the overflow is recovered (not the signal's default
  // action, nor a sanitizer's report) and the worker ends with 128 + it.
  factoryguard::enableCrashRecovery();
  const uint64_t Overflows = 1000;
  factoryguard::WorkerPool Pool([](uint64_t Request, const std::string *) {
    if (Request == Overflows)
      factoryguard::crashForTest(factoryguard::TestCrash::StackOverflow);
    return std::to_string(getpid());
  });
  factoryguard::ChildRun First = Pool.run(0);
  ASSERT_TRUE(First.Ok);
  for (uint64_t Request = 1; Request < 5; ++Request) {
    factoryguard::ChildRun Same = Pool.run(Request);
    ASSERT_TRUE(Same.Ok);
    EXPECT_EQ(Same.Output, First.Output); // one worker
  }
  factoryguard::ChildRun Crash = Pool.run(Overflows);
  EXPECT_FALSE(Crash.Ok);
  EXPECT_EQ(Crash.Signal, SIGSEGV);
  factoryguard::ChildRun Next = Pool.run(5);
  ASSERT_TRUE(Next.Ok);
  EXPECT_NE(Next.Output, First.Output);
}

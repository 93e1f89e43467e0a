//===- UnitIsolation.h - What a unit may do to the process that runs it ---===//
//
// A translation unit is input, often a stranger's (a pull request): nothing
// its analysis does may end the run, the language server, or another unit.
// In process, each unit runs on a large-stack thread with an alternate
// signal stack under crash recovery. That is not enough: clang moves deep
// template instantiation onto 8 MiB threads of its own
// (clang::runWithSufficientStackSpace), which have no alternate stack, so an
// overflow there kills the process; and a unit that crashed in process may
// leave a lock held or its memory behind. So units are analyzed in child
// processes (WorkerPool), which send their results back through a pipe;
// whatever kills a child costs the unit it was analyzing only.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_UNITISOLATION_H
#define FACTORYGUARD_UNITISOLATION_H

#include "TestHooks.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace factoryguard {

/// LLVM's crash recovery, with its handlers running on the alternate stack
/// of the thread that crashed. Once per process, before any unit runs.
void enableCrashRecovery();

/// Crashes this thread as Kind says (a null write, or a stack overflow):
/// what FACTORYGUARD_TEST_CRASH_UNIT (TestHooks.h) makes a unit do, so the
/// isolation below is tested against real crashes.
void crashForTest(TestCrash Kind);

/// Runs Body in this process on its own large-stack thread with an
/// alternate signal stack, under crash recovery; false when it crashed
/// (RetCode: 128 + the signal).
bool runIsolated(llvm::function_ref<void()> Body, int &RetCode);

/// The same for work that must run in a process that has to survive it
/// (the language server's preambles, Preamble.h): clang is not told where
/// the thread's stack begins, so it keeps deep recursion on that thread,
/// whose overflow is recovered, instead of moving it to threads of its own,
/// whose overflow ends the process. What recovery cannot undo (the crashed
/// work's memory) stays.
bool runRecoveredInProcess(llvm::function_ref<void()> Body, int &RetCode);

/// How a unit run by a worker ended.
struct ChildRun {
  bool Ok = false;    // the work returned and its whole output arrived
  int Signal = 0;     // otherwise, the signal that ended it (0: unknown)
  std::string Output; // what the work returned
};

/// Child processes that run units one after another: a worker is forked
/// by the first thread that needs one while none is idle, and is then
/// warm (what clang builds once per process is built once per worker, not
/// once per unit: a process per unit cost about 0.2 s of CPU per unit).
/// A worker runs each request on a thread of runIsolated, without core
/// dumps and with no file descriptor of ours but standard input, output
/// and error; it writes nothing else and leaves with _exit, so no buffered
/// output of this process (a language server's standard output) is written
/// twice. A unit that crashes or kills its worker costs that unit only:
/// the worker is gone, the next unit gets a fresh one. When no process can
/// be forked, the work runs here under runIsolated instead.
class WorkerPool {
public:
  /// Work(Request) runs in a worker, on the memory of this process as it
  /// was when the worker was forked: what it reads must not change while
  /// the pool lives.
  explicit WorkerPool(std::function<std::string(uint64_t)> Work);
  WorkerPool(const WorkerPool &) = delete;
  WorkerPool &operator=(const WorkerPool &) = delete;
  /// Ends every worker and waits for it.
  ~WorkerPool();

  /// Runs Work(Request) in a worker; any thread may call it.
  ChildRun run(uint64_t Request);

private:
  struct Worker {
    int Pid = -1;
    int ToWorker = -1, FromWorker = -1;
  };
  bool start(Worker &W);
  void stop(Worker &W);

  std::function<std::string(uint64_t)> Work;
  std::mutex M;
  std::vector<Worker> Idle;
};

} // namespace factoryguard

#endif

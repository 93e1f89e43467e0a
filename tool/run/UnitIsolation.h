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
#include <optional>
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

/// Work that the answer of the request this thread runs need not wait
/// for (freeing what it built): a worker (WorkerPool) runs it after the
/// answer is written and before its next request, under the same crash
/// recovery; work run in this process instead runs it when the request's
/// work returns.
void deferUntilAnswered(std::function<void()> Work);

/// How a unit run by a worker ended.
struct ChildRun {
  bool Ok = false;    // the work returned and its whole output arrived
  int Signal = 0;     // otherwise, the signal that ended it (0: unknown)
  std::string Output; // what the work returned
};

/// A worker process and the two ends of its pipes (WorkerPool).
struct WorkerProcess {
  int Pid = -1;
  int ToWorker = -1, FromWorker = -1;
};

/// Child processes that run units one after another: a worker is forked
/// by the first thread that needs one while none is idle, and is then
/// warm (what clang builds once per process is built once per worker, not
/// once per unit: a process per unit cost about 0.2 s of CPU per unit).
/// A worker runs its requests one after another on one large-stack thread
/// of its own, each under crash recovery as runIsolated does, without core
/// dumps and with no file descriptor of ours but standard input, output
/// and error; it writes nothing else and leaves with _exit, so no buffered
/// output of this process (a language server's standard output) is written
/// twice. A unit that crashes or kills its worker costs that unit only:
/// the worker is gone, the next unit gets a fresh one. When no process can
/// be forked, the work runs here under runIsolated instead. A worker
/// killed while it waits (before it has taken a request) is replaced, not
/// reported as the crash of the unit sent to it.
class WorkerPool {
public:
  /// Work(Request, Payload) runs in a worker, on the memory of this
  /// process as it was when the worker was forked: what it reads must not
  /// change while the pool lives. Payload: what the request carries
  /// (setPayload), null when nothing.
  using WorkFn = std::function<std::string(uint64_t, const std::string *)>;
  explicit WorkerPool(WorkFn Work);
  WorkerPool(const WorkerPool &) = delete;
  WorkerPool &operator=(const WorkerPool &) = delete;
  /// Ends every worker and waits for it.
  ~WorkerPool();

  /// Runs Work(Request) in a worker; any thread may call it. Meanwhile:
  /// what the caller does that needs no answer, run once while the worker
  /// works (before the work, when it runs in this process).
  ChildRun run(uint64_t Request, llvm::function_ref<void()> Meanwhile = {});
  /// Each request from now on carries Payload.
  void setPayload(std::string Payload);
  /// Takes an idle worker out of the pool, to outlive it (KeptWorkers).
  std::optional<WorkerProcess> release();
  /// Hands Request (with the payload) to W, a worker another pool forked,
  /// at once: W works on it while this thread does something else, and
  /// run(Request) then reads its answer (the language server's kept
  /// worker parses an edit while the server checks the preamble). False
  /// when W was gone before it took the request (W is then stopped).
  bool startEarly(WorkerProcess W, uint64_t Request);
  /// Kills the worker started early on Request, unanswered (what it was
  /// forked with turned out stale); run(Request) then runs it afresh.
  void cancelEarly(uint64_t Request);

private:
  bool start(WorkerProcess &W);

  WorkFn Work;
  std::optional<std::string> Payload;
  std::mutex M;
  std::vector<WorkerProcess> Idle;
  std::vector<std::pair<uint64_t, WorkerProcess>> Early; // startEarly
};

/// Ends a worker and waits for it.
void stopWorker(WorkerProcess &W);

/// The language server's workers kept between runs (SPEC §9): the worker
/// that analyzed a unit stays, on the memory it was forked with, and
/// analyzes the unit's next edit when nothing it was forked with but the
/// editor's buffers (which each request carries) has changed, as its Key
/// says. The edit then costs no fork, and runs in a process whose memory
/// is touched already: on a virtual machine a first touch of a page costs
/// about 10 us (measured here: 1 700 of them in one parse of the example's
/// handlers.cpp). At most Max workers are kept, the least recently used
/// goes first.
class KeptWorkers {
public:
  explicit KeptWorkers(size_t Max = 3) : Max(Max) {}
  KeptWorkers(const KeptWorkers &) = delete;
  KeptWorkers &operator=(const KeptWorkers &) = delete;
  /// Stops every kept worker.
  ~KeptWorkers();
  /// The worker kept for File, when it was kept under Key (it leaves the
  /// store); a worker kept for File under another key is stopped.
  std::optional<WorkerProcess> take(const std::string &File,
                                    const std::string &Key);
  /// Keeps W for File under Key.
  void keep(const std::string &File, std::string Key, WorkerProcess W);
  /// Stops the worker kept for File; whether there was one.
  bool forget(const std::string &File);

private:
  struct Kept {
    std::string File, Key;
    WorkerProcess Worker;
  };
  size_t Max;
  std::mutex M;
  std::vector<Kept> Workers; // the most recently kept last
};

} // namespace factoryguard

#endif

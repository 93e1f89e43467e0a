//===- UnitIsolation.cpp - What a unit may do to the process that runs it -===//
#include "UnitIsolation.h"

#include "clang/Basic/Stack.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/thread.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace factoryguard {

namespace {

/// The calling thread's alternate signal stack, for as long as it lives.
/// A thread that overflows its stack cannot run a signal handler on it:
/// without this, the kernel kills the process.
class AltSignalStack {
public:
  AltSignalStack() : Mem(std::max<size_t>(SIGSTKSZ, 128 * 1024)) {
    stack_t SS = {};
    SS.ss_sp = Mem.data();
    SS.ss_size = Mem.size();
    Installed = sigaltstack(&SS, nullptr) == 0;
  }
  AltSignalStack(const AltSignalStack &) = delete;
  AltSignalStack &operator=(const AltSignalStack &) = delete;
  ~AltSignalStack() {
    if (!Installed)
      return;
    stack_t SS = {};
    SS.ss_flags = SS_DISABLE;
    sigaltstack(&SS, nullptr);
  }

private:
  std::vector<char> Mem;
  bool Installed = false;
};

/// Stack of the thread each unit runs on. Clang's own driver gives its
/// compile thread 8 MiB and moves some deep recursions (template
/// instantiation) to fresh 8 MiB threads; other recursions (a 100 000-operand
/// comma expression: about 40 MiB) are not guarded. Address space is
/// reserved, not memory: only what a unit uses is touched.
constexpr unsigned UnitStackSize = 512U << 20;

/// Writes Size bytes at Data to FD; false when the reader is gone.
bool writeAll(int FD, const char *Data, size_t Size) {
  size_t Done = 0;
  while (Done < Size) {
    ssize_t N = write(FD, Data + Done, Size - Done);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return false;
    Done += static_cast<size_t>(N);
  }
  return true;
}

/// Reads exactly Size bytes from FD into Data; false at its end first.
bool readAll(int FD, char *Data, size_t Size) {
  size_t Done = 0;
  while (Done < Size) {
    ssize_t N = read(FD, Data + Done, Size - Done);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return false;
    Done += static_cast<size_t>(N);
  }
  return true;
}

/// What a request's payload size says when it carries none.
constexpr uint64_t NoPayload = ~uint64_t(0);

/// Writes Request (and Payload, when there is one) to a worker. One gone
/// meanwhile (killed from outside) makes the write fail with EPIPE, not
/// SIGPIPE end this process.
bool sendRequest(int FD, uint64_t Request,
                 const std::optional<std::string> &Payload) {
  sigset_t Pipe, Old;
  sigemptyset(&Pipe);
  sigaddset(&Pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &Pipe, &Old);
  const uint64_t Header[2] = {Request, Payload ? Payload->size() : NoPayload};
  bool Ok =
      writeAll(FD, reinterpret_cast<const char *>(Header), sizeof(Header)) &&
      (!Payload || writeAll(FD, Payload->data(), Payload->size()));
  if (!Ok) {
    struct timespec Now = {0, 0};
    sigtimedwait(&Pipe, nullptr, &Now); // the SIGPIPE it raised
  }
  pthread_sigmask(SIG_SETMASK, &Old, nullptr);
  return Ok;
}

/// What a worker writes back as soon as it has read a whole request.
constexpr char Taken = 'T';

/// Hands Request (and Payload) to worker W: true once W has read it whole
/// and said so (Taken). False when W was gone before it took the request
/// (killed while idle, even a moment before the write): not the request's
/// crash.
bool handOver(const WorkerProcess &W, uint64_t Request,
              const std::optional<std::string> &Payload) {
  char Ack = 0;
  return sendRequest(W.ToWorker, Request, Payload) &&
         readAll(W.FromWorker, &Ack, 1) && Ack == Taken;
}

/// Reads a request (sendRequest) from FD; false at its end. HasPayload:
/// whether it carries Payload.
bool readRequest(int FD, uint64_t &Request, std::string &Payload,
                 bool &HasPayload) {
  uint64_t Header[2] = {0, 0};
  if (!readAll(FD, reinterpret_cast<char *>(Header), sizeof(Header)))
    return false;
  Request = Header[0];
  HasPayload = Header[1] != NoPayload;
  Payload.assign(HasPayload ? Header[1] : 0, '\0');
  return readAll(FD, Payload.data(), Payload.size());
}

/// Closes every descriptor but 0, 1, 2, A and B (A < B). A worker holds no
/// pipe of another worker (forked meanwhile by another thread), whose end
/// of file would otherwise wait for this one.
void closeAllBut(int A, int B) {
  int From = 3;
  for (int Keep : {A, B}) {
    if (Keep > From)
      close_range(From, Keep - 1, 0);
    From = Keep + 1;
  }
  close_range(From, ~0U, 0);
}

/// Ends a worker that may be working (stopWorker would wait for its work).
void killWorker(WorkerProcess &W) {
  kill(W.Pid, SIGKILL);
  stopWorker(W);
}

/// The worker started early on Request, taken out of Early; none: Pid -1.
WorkerProcess takeEarly(std::vector<std::pair<uint64_t, WorkerProcess>> &Early,
                        uint64_t Request) {
  for (auto It = Early.begin(); It != Early.end(); ++It)
    if (It->first == Request) {
      WorkerProcess W = It->second;
      Early.erase(It);
      return W;
    }
  return WorkerProcess();
}

/// What ended a worker, from its wait status (0: unknown).
int signalOf(int Status) {
  if (WIFSIGNALED(Status))
    return WTERMSIG(Status);
  if (WIFEXITED(Status) && WEXITSTATUS(Status) > 128)
    return WEXITSTATUS(Status) - 128; // crash recovery caught it
  return 0;
}

/// Waits for Pid to end; its wait status.
int waitFor(int Pid) {
  int Status = 0;
  while (waitpid(Pid, &Status, 0) < 0 && errno == EINTR) {
  }
  return Status;
}

/// Runs Body on a large-stack thread with an alternate signal stack, and
/// waits for it. Told where that stack begins, clang moves deep recursion
/// to 8 MiB threads of its own (clang::runWithSufficientStackSpace), which
/// have no alternate stack; not told, it keeps it on this one.
void onUnitStack(llvm::function_ref<void()> Body, bool TellClangTheBottom) {
  llvm::thread Thread(std::optional<unsigned>(UnitStackSize), [&] {
    AltSignalStack Alt;
    if (TellClangTheBottom)
      clang::noteBottomOfStack();
    Body();
  });
  Thread.join();
}

/// Body under crash recovery, on this thread (one of onUnitStack's); false
/// when it crashed (RetCode: 128 + the signal).
bool runRecovered(llvm::function_ref<void()> Body, int &RetCode) {
  llvm::CrashRecoveryContext CRC;
  bool Ok = CRC.RunSafely(Body);
  RetCode = CRC.RetCode;
  return Ok;
}

/// Body on a unit stack (onUnitStack) under crash recovery (runRecovered).
bool runOnUnitStack(llvm::function_ref<void()> Body, int &RetCode,
                    bool TellClangTheBottom) {
  bool Ok = true;
  RetCode = 0;
  onUnitStack([&] { Ok = runRecovered(Body, RetCode); }, TellClangTheBottom);
  return Ok;
}

/// What the request this thread runs deferred (deferUntilAnswered).
thread_local std::vector<std::function<void()>> AfterAnswer;

/// Runs and drops what the request deferred, in order.
void runDeferred() {
  std::vector<std::function<void()>> Work = std::move(AfterAnswer);
  AfterAnswer.clear();
  for (std::function<void()> &W : Work) {
    W();
    W = nullptr; // what it holds goes now, in order
  }
}

/// A worker: each request from In is acknowledged (Taken), run and
/// answered on Out (the output's size, then the output), until In ends. A
/// crash ends the worker with 128 + the signal. Never returns. The requests
/// run on one unit stack for the worker's life: a thread made per request
/// cost 0.7 ms of each edit of a kept worker, and its stack's pages are
/// touched once.
[[noreturn]] void workerMain(int In, int Out, const WorkerPool::WorkFn &Work) {
  closeAllBut(std::min(In, Out), std::max(In, Out));
  struct rlimit NoCore = {0, 0};
  setrlimit(RLIMIT_CORE, &NoCore);
  onUnitStack(
      [&] {
        uint64_t Request = 0;
        std::string Payload;
        bool HasPayload = false;
        while (readRequest(In, Request, Payload, HasPayload)) {
          if (!writeAll(Out, &Taken, 1))
            _exit(127);
          std::string Output;
          int RetCode = 0;
          if (!runRecovered(
                  [&] {
                    Output = Work(Request, HasPayload ? &Payload : nullptr);
                  },
                  RetCode))
            _exit(RetCode > 128 ? RetCode : 127);
          uint64_t Size = Output.size();
          if (!writeAll(Out, reinterpret_cast<const char *>(&Size),
                        sizeof(Size)) ||
              !writeAll(Out, Output.data(), Output.size()))
            _exit(127);
          // A crash here ends the worker after its answer: the pool then
          // replaces it, as one killed while it waits.
          if (!runRecovered(runDeferred, RetCode))
            _exit(RetCode > 128 ? RetCode : 127);
        }
      },
      /*TellClangTheBottom=*/true);
  _exit(0);
}

// Endless on purpose (GCC and Clang both know -Winfinite-recursion).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"
[[gnu::noinline]] int recurseWithoutEnd(volatile int *Depth) {
  volatile char Frame[512];
  Frame[0] = static_cast<char>(++*Depth);
  return recurseWithoutEnd(Depth) + Frame[0]; // not a tail call
}
#pragma GCC diagnostic pop

} // namespace

void crashForTest(TestCrash Kind) {
  if (Kind == TestCrash::StackOverflow) {
    volatile int Depth = 0;
    recurseWithoutEnd(&Depth);
  }
  volatile int *Null = nullptr;
  *Null = 1;
}

void enableCrashRecovery() {
  static std::once_flag Once;
  std::call_once(Once, [] {
    // CrashRecoveryContext installs its handlers without SA_ONSTACK; they
    // are re-installed with it, unchanged otherwise.
    llvm::CrashRecoveryContext::Enable();
    for (int Sig : {SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP}) {
      struct sigaction Act;
      if (sigaction(Sig, nullptr, &Act) != 0 || Act.sa_handler == SIG_DFL ||
          Act.sa_handler == SIG_IGN)
        continue;
      Act.sa_flags |= SA_ONSTACK;
      sigaction(Sig, &Act, nullptr);
    }
  });
}

/// Crashes and stack overflows of the unit thread itself are recovered:
/// the crash handlers run on its alternate stack and end in
/// CrashRecoveryContext's longjmp back to the unit's start. What in-process
/// recovery cannot undo (the crashed unit's memory, a lock it held, an
/// overflow on one of clang's own threads) is why units run in child
/// processes (WorkerPool), which call this there.
bool runIsolated(llvm::function_ref<void()> Body, int &RetCode) {
  return runOnUnitStack(Body, RetCode, /*TellClangTheBottom=*/true);
}

bool runRecoveredInProcess(llvm::function_ref<void()> Body, int &RetCode) {
  return runOnUnitStack(Body, RetCode, /*TellClangTheBottom=*/false);
}

WorkerPool::WorkerPool(WorkFn Work) : Work(std::move(Work)) {}

WorkerPool::~WorkerPool() {
  for (WorkerProcess &W : Idle)
    stopWorker(W);
  for (auto &[Request, W] : Early)
    killWorker(W);
}

bool WorkerPool::start(WorkerProcess &W) {
  int Requests[2], Answers[2];
  if (pipe2(Requests, O_CLOEXEC) != 0)
    return false;
  if (pipe2(Answers, O_CLOEXEC) != 0) {
    close(Requests[0]);
    close(Requests[1]);
    return false;
  }
  pid_t Pid = fork();
  if (Pid == 0)
    workerMain(Requests[0], Answers[1], Work);
  close(Requests[0]);
  close(Answers[1]);
  if (Pid < 0) {
    close(Requests[1]);
    close(Answers[0]);
    return false;
  }
  W = {Pid, Requests[1], Answers[0]};
  return true;
}

void deferUntilAnswered(std::function<void()> Work) {
  AfterAnswer.push_back(std::move(Work));
}

void stopWorker(WorkerProcess &W) {
  close(W.ToWorker);
  close(W.FromWorker);
  waitFor(W.Pid);
  W = WorkerProcess();
}

void WorkerPool::setPayload(std::string P) {
  std::lock_guard<std::mutex> Lock(M);
  Payload = std::move(P);
}

std::optional<WorkerProcess> WorkerPool::release() {
  std::lock_guard<std::mutex> Lock(M);
  if (Idle.empty())
    return std::nullopt;
  WorkerProcess W = Idle.back();
  Idle.pop_back();
  return W;
}

bool WorkerPool::startEarly(WorkerProcess W, uint64_t Request) {
  std::optional<std::string> Carried;
  {
    std::lock_guard<std::mutex> Lock(M);
    Carried = Payload;
  }
  if (!handOver(W, Request, Carried)) {
    stopWorker(W);
    return false;
  }
  std::lock_guard<std::mutex> Lock(M);
  Early.emplace_back(Request, W);
  return true;
}

void WorkerPool::cancelEarly(uint64_t Request) {
  std::lock_guard<std::mutex> Lock(M);
  WorkerProcess W = takeEarly(Early, Request);
  if (W.Pid >= 0)
    killWorker(W);
}

ChildRun WorkerPool::run(uint64_t Request,
                         llvm::function_ref<void()> Meanwhile) {
  WorkerProcess W;
  std::optional<std::string> Carried;
  bool Started = false; // W took the request already (startEarly)
  {
    std::lock_guard<std::mutex> Lock(M);
    W = takeEarly(Early, Request);
    Started = W.Pid >= 0;
    if (!Started && !Idle.empty()) {
      W = Idle.back();
      Idle.pop_back();
    }
    Carried = Payload;
  }
  ChildRun R;
  auto InProcess = [&] {
    if (Meanwhile)
      Meanwhile();
    int RetCode = 0;
    R.Ok = runIsolated(
        [&] {
          R.Output = Work(Request, Carried ? &*Carried : nullptr);
          runDeferred();
        },
        RetCode);
    R.Signal = R.Ok || RetCode <= 128 ? 0 : RetCode - 128;
    return R;
  };
  if (W.Pid < 0 && !start(W))
    return InProcess();
  R.Ok = Started || handOver(W, Request, Carried);
  if (!R.Ok) {
    // It was gone before it took this request (killed while idle: a kept
    // worker waits between edits): not this unit's crash; a fresh worker
    // runs it.
    stopWorker(W);
    if (!start(W))
      return InProcess();
    R.Ok = handOver(W, Request, Carried);
  }
  if (Meanwhile)
    Meanwhile();
  uint64_t Size = 0;
  R.Ok = R.Ok &&
         readAll(W.FromWorker, reinterpret_cast<char *>(&Size), sizeof(Size));
  if (R.Ok) {
    R.Output.resize(Size);
    R.Ok = readAll(W.FromWorker, R.Output.data(), Size);
  }
  if (!R.Ok) {
    // It died with the unit: whatever it wrote is not an answer.
    close(W.ToWorker);
    close(W.FromWorker);
    R.Signal = signalOf(waitFor(W.Pid));
    R.Output.clear();
    return R;
  }
  std::lock_guard<std::mutex> Lock(M);
  Idle.push_back(W);
  return R;
}

KeptWorkers::~KeptWorkers() {
  for (Kept &K : Workers)
    stopWorker(K.Worker);
}

std::optional<WorkerProcess> KeptWorkers::take(const std::string &File,
                                               const std::string &Key) {
  std::lock_guard<std::mutex> Lock(M);
  for (auto It = Workers.begin(); It != Workers.end(); ++It) {
    if (It->File != File)
      continue;
    WorkerProcess W = It->Worker;
    bool Same = It->Key == Key;
    Workers.erase(It);
    if (Same)
      return W;
    stopWorker(W);
    return std::nullopt;
  }
  return std::nullopt;
}

void KeptWorkers::keep(const std::string &File, std::string Key,
                       WorkerProcess W) {
  std::lock_guard<std::mutex> Lock(M);
  for (auto It = Workers.begin(); It != Workers.end(); ++It)
    if (It->File == File) {
      stopWorker(It->Worker);
      Workers.erase(It);
      break;
    }
  Workers.push_back({File, std::move(Key), W});
  if (Workers.size() > Max) {
    stopWorker(Workers.front().Worker);
    Workers.erase(Workers.begin());
  }
}

bool KeptWorkers::forget(const std::string &File) {
  std::lock_guard<std::mutex> Lock(M);
  for (auto It = Workers.begin(); It != Workers.end(); ++It)
    if (It->File == File) {
      stopWorker(It->Worker);
      Workers.erase(It);
      return true;
    }
  return false;
}

} // namespace factoryguard

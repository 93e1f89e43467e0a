//===- LspClient.h - `factoryguard lsp` as a child process, for tests ----===//
//
// An editor's side of the language server for the tests: the real binary
// started with pipes, JSON-RPC with Content-Length framing read by a parser
// of our own (not the server's), and waits for responses and diagnostics.
// Used by LspTest.cpp and by the surfaces' parity test (OneAnswerTest.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_TESTS_LSPCLIENT_H
#define FACTORYGUARD_TESTS_LSPCLIENT_H

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <fcntl.h>
#include <functional>
#include <gtest/gtest.h>
#include <mutex>
#include <optional>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace llvm {
namespace json {
/// For gtest messages.
inline std::ostream &operator<<(std::ostream &OS, const Value &V) {
  std::string S;
  llvm::raw_string_ostream(S) << V;
  return OS << S;
}
} // namespace json
} // namespace llvm

namespace fgtest {

namespace json = llvm::json;
using Clock = std::chrono::steady_clock;

inline std::string uriOf(const std::string &Path) { return "file://" + Path; }

/// The server as a child process with pipes, and a thread reading what it
/// sends.
class LspClient {
public:
  /// Env: variables set for the server on top of ours (NAME, value).
  /// Binary: the CLI that serves (the tests' hooks binary, for a crash on
  /// purpose).
  LspClient(const std::vector<std::string> &Args, const std::string &Cwd,
            const std::string &StderrFile,
            const std::vector<std::pair<std::string, std::string>> &Env = {},
            const std::string &Binary = FG_BINARY) {
    int In[2], Out[2];
    EXPECT_EQ(pipe(In), 0);
    EXPECT_EQ(pipe(Out), 0);
    std::vector<std::string> Argv = {Binary, "lsp"};
    Argv.insert(Argv.end(), Args.begin(), Args.end());
    std::vector<char *> CArgv;
    for (std::string &A : Argv)
      CArgv.push_back(A.data());
    CArgv.push_back(nullptr);
    Pid = fork();
    if (Pid == 0) {
      dup2(In[0], 0);
      dup2(Out[1], 1);
      int Err = ::open(StderrFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(Err, 2);
      close(In[1]);
      close(Out[0]);
      if (chdir(Cwd.c_str()) != 0)
        _exit(127);
      for (const auto &[Name, Value] : Env)
        setenv(Name.c_str(), Value.c_str(), 1);
      execv(CArgv[0], CArgv.data());
      _exit(127);
    }
    close(In[0]);
    close(Out[1]);
    ToServer = In[1];
    FromServer = Out[0];
    Reader = std::thread([this] { readLoop(); });
  }
  ~LspClient() {
    if (Pid > 0 && !Exited) {
      kill(Pid, SIGKILL);
      waitpid(Pid, nullptr, 0);
    }
    if (ToServer >= 0)
      close(ToServer);
    Reader.join();
    close(FromServer);
  }

  void sendRaw(const std::string &Bytes) {
    size_t Done = 0;
    while (Done < Bytes.size()) {
      ssize_t N = write(ToServer, Bytes.data() + Done, Bytes.size() - Done);
      ASSERT_GT(N, 0) << "the server closed its input";
      Done += N;
    }
  }
  void send(const json::Value &V) {
    std::string Body;
    llvm::raw_string_ostream OS(Body);
    OS << V;
    OS.flush();
    sendRaw("Content-Length: " + std::to_string(Body.size()) + "\r\n\r\n" +
            Body);
  }
  int64_t request(llvm::StringRef Method, json::Value Params) {
    int64_t Id = NextId++;
    send(json::Object{{"jsonrpc", "2.0"},
                      {"id", Id},
                      {"method", Method},
                      {"params", std::move(Params)}});
    return Id;
  }
  void notify(llvm::StringRef Method, json::Value Params) {
    send(json::Object{
        {"jsonrpc", "2.0"}, {"method", Method}, {"params", std::move(Params)}});
  }

  /// The first message (from the start) that Pred accepts, waiting up to
  /// Ms milliseconds for it.
  std::optional<json::Value>
  waitFor(const std::function<bool(const json::Object &)> &Pred,
          int Ms = 60000) {
    std::unique_lock<std::mutex> L(Mu);
    auto Deadline = Clock::now() + std::chrono::milliseconds(Ms);
    for (;;) {
      for (const json::Value &V : Messages)
        if (const json::Object *O = V.getAsObject(); O && Pred(*O))
          return V;
      if (Closed || Cv.wait_until(L, Deadline) == std::cv_status::timeout)
        for (const json::Value &V : Messages) // one last look
          if (const json::Object *O = V.getAsObject(); O && Pred(*O))
            return V;
      if (Closed || Clock::now() >= Deadline)
        return std::nullopt;
    }
  }
  std::optional<json::Value> response(int64_t Id, int Ms = 60000) {
    return waitFor(
        [Id](const json::Object &O) {
          return !O.get("method") && O.getInteger("id") == Id;
        },
        Ms);
  }
  /// publishDiagnostics for Uri, of Version when given.
  std::optional<json::Value> diagnostics(const std::string &Uri,
                                         std::optional<int64_t> Version,
                                         int Ms = 60000) {
    auto V = waitFor(
        [&](const json::Object &O) {
          if (O.getString("method") != "textDocument/publishDiagnostics")
            return false;
          const json::Object *P = O.getObject("params");
          return P && P->getString("uri") == Uri &&
                 (!Version || P->getInteger("version") == *Version);
        },
        Ms);
    if (!V)
      return std::nullopt;
    return *V->getAsObject()->getObject("params")->get("diagnostics");
  }
  std::vector<json::Value> messages() {
    std::lock_guard<std::mutex> L(Mu);
    return Messages;
  }

  void initialize() {
    int64_t Id =
        request("initialize", json::Object{{"processId", nullptr},
                                           {"rootUri", nullptr},
                                           {"capabilities", json::Object{}}});
    auto R = response(Id);
    ASSERT_TRUE(R) << "no answer to initialize";
    ASSERT_TRUE(R->getAsObject()->getObject("result")) << *R;
    notify("initialized", json::Object{});
  }
  void open(const std::string &Path, const std::string &Text,
            int64_t Version = 1) {
    notify("textDocument/didOpen",
           json::Object{{"textDocument", json::Object{{"uri", uriOf(Path)},
                                                      {"languageId", "cpp"},
                                                      {"version", Version},
                                                      {"text", Text}}}});
  }
  void change(const std::string &Path, const std::string &Text,
              int64_t Version) {
    notify("textDocument/didChange",
           json::Object{
               {"textDocument",
                json::Object{{"uri", uriOf(Path)}, {"version", Version}}},
               {"contentChanges", json::Array{json::Object{{"text", Text}}}}});
  }
  /// The exit status, or -1 when the server is still running after Ms.
  int waitExit(int Ms) {
    auto Deadline = Clock::now() + std::chrono::milliseconds(Ms);
    while (Clock::now() < Deadline) {
      int Status;
      if (waitpid(Pid, &Status, WNOHANG) == Pid) {
        Exited = true;
        return WIFEXITED(Status) ? WEXITSTATUS(Status) : 128 + WTERMSIG(Status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return -1;
  }
  /// The server's process id.
  pid_t pid() const { return Pid; }
  bool framingError() {
    std::lock_guard<std::mutex> L(Mu);
    return !FramingError.empty();
  }
  std::string framingErrorText() {
    std::lock_guard<std::mutex> L(Mu);
    return FramingError;
  }

private:
  /// Our own reading of the framing: headers up to an empty line,
  /// Content-Length bytes of JSON. Anything else on standard output is an
  /// error of the server.
  void readLoop() {
    std::string Buf;
    char Chunk[65536];
    for (;;) {
      size_t HeaderEnd;
      while ((HeaderEnd = Buf.find("\r\n\r\n")) == std::string::npos) {
        ssize_t N = read(FromServer, Chunk, sizeof(Chunk));
        if (N <= 0)
          return finish(Buf.empty() ? "" : "trailing bytes: " + Buf);
        Buf.append(Chunk, N);
      }
      std::string Header = Buf.substr(0, HeaderEnd);
      if (Header.rfind("Content-Length: ", 0) != 0 ||
          Header.find("\r\n") != std::string::npos)
        return finish("bad header: " + Header);
      size_t Len = std::stoul(Header.substr(16));
      Buf.erase(0, HeaderEnd + 4);
      while (Buf.size() < Len) {
        ssize_t N = read(FromServer, Chunk, sizeof(Chunk));
        if (N <= 0)
          return finish("message cut short");
        Buf.append(Chunk, N);
      }
      auto V = json::parse(Buf.substr(0, Len));
      Buf.erase(0, Len);
      std::lock_guard<std::mutex> L(Mu);
      if (!V) {
        FramingError = "not JSON: " + llvm::toString(V.takeError());
        continue;
      }
      Messages.push_back(std::move(*V));
      Cv.notify_all();
    }
  }
  void finish(const std::string &Error) {
    std::lock_guard<std::mutex> L(Mu);
    if (!Error.empty())
      FramingError = Error;
    Closed = true;
    Cv.notify_all();
  }

  pid_t Pid = -1;
  bool Exited = false;
  int ToServer = -1, FromServer = -1;
  int64_t NextId = 1;
  std::thread Reader;
  std::mutex Mu;
  std::condition_variable Cv;
  std::vector<json::Value> Messages;
  bool Closed = false;
  std::string FramingError;
};

} // namespace fgtest

#endif

//===- LspServer.cpp - `factoryguard lsp`: a language server (SPEC §9) ----===//
#include "LspServer.h"

#include "CompileDatabase.h"
#include "Config.h"
#include "Driver.h"
#include "Finding.h"
#include "JsonParse.h"
#include "LspProtocol.h"
#include "Paths.h"
#include "Preamble.h"
#include "Printable.h"
#include "UnitIsolation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Chrono.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>

namespace factoryguard {
namespace {

namespace json = llvm::json;
using Clock = std::chrono::steady_clock;

void log(const llvm::Twine &Msg) {
  llvm::errs() << "factoryguard lsp: " << printable(Msg.str()) << "\n";
}

bool isCOrCxx(llvm::StringRef Path, llvm::StringRef LanguageId) {
  if (LanguageId == "c" || LanguageId == "cpp" || LanguageId == "cuda" ||
      LanguageId == "objective-c" || LanguageId == "objective-cpp")
    return true;
  return isHeaderFileName(Path) || isSourceFileName(Path);
}

struct Document {
  std::string Uri, Path, LanguageId, Text;
  int64_t Version = 0;
};

/// A published diagnostic that has fix-its: its range (LSP coordinates)
/// and the code action that applies them.
struct QuickFix {
  int64_t StartLine, StartChar, EndLine, EndChar;
  json::Value Action;
};

struct Published {
  int64_t Version = 0;
  /// What was published is one error on line 1 (a broken configuration, a
  /// unit that could not run), not findings: code that does not compile
  /// replaces it.
  bool ConfigError = false;
  std::vector<QuickFix> Fixes;
};

/// One analysis to run: a document at one version, and the text of every
/// open document at that moment.
struct Job {
  std::string Path, Uri, LanguageId;
  int64_t Version = 0;
  std::map<std::string, std::string> Overlay; // path -> unsaved text
};

enum class Coverage { Listed, NotListed, NoDatabase };

class Server {
public:
  Server(ServerOptions O, int OutFd) : Opts(std::move(O)), OutFd(OutFd) {}
  [[noreturn]] void run();

private:
  // Messages.
  /// A JSON-RPC message as handle() reads it.
  struct Message {
    json::Value Id = nullptr;
    bool IsRequest = false; // it has an id: it gets a reply
    std::string Method;
    const json::Object *Params = nullptr; // null when it has none
  };
  void handle(const json::Value &Msg);
  /// The message's id, method and params; nullopt (after replying an error
  /// when one is due) when it is not a request or notification we read.
  std::optional<Message> readEnvelope(const json::Value &Msg);
  /// Whether a request may run now (initialized, not shut down); replies
  /// the error when not.
  bool admitRequest(const Message &In);
  void initialize(const Message &In);
  void shutdown(const json::Value &Id);
  void handleNotification(const Message &In);
  void handleRequest(const Message &In);
  void send(const json::Value &Msg);
  void reply(const json::Value &Id, json::Value Result);
  void replyError(const json::Value &Id, int Code, const llvm::Twine &Msg);
  void notify(llvm::StringRef Method, json::Value Params);
  void showMessage(int Type, const std::string &Text);
  [[noreturn]] void exitNow();

  json::Value initializeResult(const json::Object *Params);
  void didOpen(const json::Object &P);
  void didChange(const json::Object &P);
  void didSave(const json::Object &P);
  void didClose(const json::Object &P);
  json::Value codeActions(const json::Object &P);
  Document *documentOf(const json::Object &P);

  // Analysis.
  void schedule(const std::string &Path, unsigned DelayMs); // under M
  unsigned debounceOf(const std::string &Path) const;       // under M
  void workerLoop();
  void analyzeAndPublish(Job J);
  void logRun(const Job &J, const DriverResult &Result,
              const std::string &ClangOutput, Coverage Cov,
              const std::string &Db);
  json::Object diagnosticOf(const Job &J, const Finding &F,
                            std::map<std::string, lsp::LineTable> &Tables);
  std::optional<QuickFix>
  quickFixOf(const Job &J, const Finding &F, const json::Object &Diag,
             std::map<std::string, lsp::LineTable> &Tables);
  DriverOptions unitOptions(const Job &J, Coverage &Cov, std::string &Db);
  bool databaseLists(const std::string &Db, const std::string &Path);
  const lsp::LineTable &table(const Job &J, const std::string &Path,
                              std::map<std::string, lsp::LineTable> &Tables);
  json::Value range(const lsp::LineTable &T, const SourceRange &R);
  json::Value location(const Job &J, const SourceRange &R,
                       std::map<std::string, lsp::LineTable> &Tables);

  ServerOptions Opts;
  int OutFd;
  std::mutex SendM;  // one message on the wire at a time
  bool Utf8 = false; // negotiated position encoding
  bool Initialized = false, ShutdownRequested = false;

  // Shared with the worker, under M.
  std::mutex M;
  std::condition_variable CV;
  std::map<std::string, Document> Docs;             // by path
  std::map<std::string, Clock::time_point> Pending; // by path: when due
  std::map<std::string, Published> Results;         // by path
  std::set<std::string> MessagesShown;
  bool InferredShown = false;
  /// By path: the document's last 15 analyses, the latest last
  /// (debounceBasis).
  std::map<std::string, std::vector<Rebuild>> Rebuilds;

  // The worker's own.
  struct CachedDatabase {
    llvm::sys::TimePoint<> Time;
    uint64_t Size = 0;
    std::unique_ptr<clang::tooling::CompilationDatabase> DB;
  };
  std::map<std::string, CachedDatabase> Databases;
  PreambleStore Preambles; // each unit's parsed headers (SPEC §9)
  KeptWorkers Kept;        // each unit's worker, for its next edit
  /// Documents closed whose preambles the analysis thread, which alone
  /// uses Preambles, has not dropped yet (under M).
  std::set<std::string> Closed;
};

void Server::send(const json::Value &Msg) {
  std::string Out = lsp::frame(Msg);
  std::lock_guard<std::mutex> G(SendM);
  size_t Done = 0;
  while (Done < Out.size()) {
    ssize_t N = ::write(OutFd, Out.data() + Done, Out.size() - Done);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0) {
      log("the client closed its input; exiting");
      std::_Exit(1);
    }
    Done += static_cast<size_t>(N);
  }
}

void Server::reply(const json::Value &Id, json::Value Result) {
  send(json::Object{
      {"jsonrpc", "2.0"}, {"id", Id}, {"result", std::move(Result)}});
}

void Server::replyError(const json::Value &Id, int Code,
                        const llvm::Twine &Msg) {
  log("error response: " + Msg);
  send(json::Object{
      {"jsonrpc", "2.0"},
      {"id", Id},
      {"error", json::Object{{"code", Code}, {"message", Msg.str()}}}});
}

void Server::notify(llvm::StringRef Method, json::Value Params) {
  send(json::Object{
      {"jsonrpc", "2.0"}, {"method", Method}, {"params", std::move(Params)}});
}

/// window/showMessage, once per distinct text (under M).
void Server::showMessage(int Type, const std::string &Text) {
  if (!MessagesShown.insert(Text).second)
    return;
  notify("window/showMessage", json::Object{{"type", Type}, {"message", Text}});
}

void Server::exitNow() {
  int Code = ShutdownRequested ? 0 : 1;
  log(llvm::Twine("exit (") + (Code ? "without" : "after") + " shutdown)");
  // An analysis may still be running on the worker: it is abandoned.
  std::lock_guard<std::mutex> G(SendM);
  std::_Exit(Code);
}

void Server::run() {
  std::thread Worker([this] { workerLoop(); });
  Worker.detach(); // exitNow ends the process, running analysis or not
  lsp::MessageReader Reader(STDIN_FILENO);
  for (;;) {
    std::string Body, Err;
    switch (Reader.next(Body, Err)) {
    case lsp::MessageReader::Status::End:
      log("end of input");
      exitNow();
    case lsp::MessageReader::Status::BadHeader:
      replyError(nullptr, lsp::ParseError, Err);
      continue;
    case lsp::MessageReader::Status::Message:
      break;
    }
    auto V = parseJson(Body);
    if (!V) {
      replyError(nullptr, lsp::ParseError,
                 "invalid JSON: " + llvm::toString(V.takeError()));
      continue;
    }
    handle(*V);
  }
}

void Server::handle(const json::Value &Msg) {
  std::optional<Message> In = readEnvelope(Msg);
  if (!In)
    return;
  if (In->Method == "exit")
    exitNow();
  if (In->IsRequest && !admitRequest(*In))
    return;
  if (In->Method == "initialize") {
    initialize(*In);
    return;
  }
  if (In->Method == "shutdown") {
    shutdown(In->Id);
    return;
  }
  if (!Initialized || ShutdownRequested)
    return; // notifications before initialize or after shutdown: dropped
  if (In->IsRequest)
    handleRequest(*In);
  else
    handleNotification(*In);
}

std::optional<Server::Message> Server::readEnvelope(const json::Value &Msg) {
  const json::Object *Obj = Msg.getAsObject();
  if (!Obj) {
    replyError(nullptr, lsp::InvalidRequest,
               "a JSON-RPC message must be an object");
    return std::nullopt;
  }
  const json::Value *Id = Obj->get("id");
  if (Id && Id->kind() != json::Value::Number &&
      Id->kind() != json::Value::String && Id->kind() != json::Value::Null) {
    replyError(nullptr, lsp::InvalidRequest, "id must be a number or a string");
    return std::nullopt;
  }
  Message In;
  In.Id = Id ? *Id : json::Value(nullptr);
  In.IsRequest = Id != nullptr;
  std::optional<llvm::StringRef> Method = Obj->getString("method");
  if (!Method) {
    if (Id && (Obj->get("result") || Obj->get("error")))
      return std::nullopt; // a response; we send no request that needs one
    replyError(In.Id, lsp::InvalidRequest, "message without a method");
    return std::nullopt;
  }
  In.Method = Method->str();
  In.Params = Obj->getObject("params");
  return In;
}

bool Server::admitRequest(const Message &In) {
  if (!Initialized && In.Method != "initialize") {
    replyError(In.Id, lsp::ServerNotInitialized,
               "'" + In.Method + "' before 'initialize'");
    return false;
  }
  if (ShutdownRequested) {
    replyError(In.Id, lsp::InvalidRequest,
               "'" + In.Method + "' after 'shutdown'");
    return false;
  }
  return true;
}

void Server::initialize(const Message &In) {
  if (!In.IsRequest)
    return;
  if (Initialized) {
    replyError(In.Id, lsp::InvalidRequest, "'initialize' sent twice");
    return;
  }
  Initialized = true;
  reply(In.Id, initializeResult(In.Params));
}

void Server::shutdown(const json::Value &Id) {
  {
    std::lock_guard<std::mutex> G(M);
    ShutdownRequested = true;
    Pending.clear();
  }
  log("shutdown");
  reply(Id, nullptr);
}

void Server::handleNotification(const Message &In) {
  if (!llvm::StringRef(In.Method).starts_with("textDocument/did"))
    return;
  if (!In.Params) {
    log("'" + In.Method + "' without params: ignored");
    return;
  }
  if (In.Method == "textDocument/didOpen")
    didOpen(*In.Params);
  else if (In.Method == "textDocument/didChange")
    didChange(*In.Params);
  else if (In.Method == "textDocument/didSave")
    didSave(*In.Params);
  else if (In.Method == "textDocument/didClose")
    didClose(*In.Params);
}

void Server::handleRequest(const Message &In) {
  if (In.Method == "textDocument/codeAction") {
    if (!In.Params) {
      replyError(In.Id, lsp::InvalidParams, "codeAction without params");
      return;
    }
    reply(In.Id, codeActions(*In.Params));
    return;
  }
  replyError(In.Id, lsp::MethodNotFound, "unknown method '" + In.Method + "'");
}

json::Value Server::initializeResult(const json::Object *Params) {
  if (Params)
    if (const json::Object *Caps = Params->getObject("capabilities"))
      if (const json::Object *General = Caps->getObject("general"))
        if (const json::Array *Enc = General->getArray("positionEncodings"))
          for (const json::Value &E : *Enc)
            if (E.getAsString() && *E.getAsString() == "utf-8")
              Utf8 = true;
  log(llvm::Twine("initialized; positions in ") + (Utf8 ? "UTF-8" : "UTF-16") +
      ", debounce " +
      (Opts.DebounceMs ? std::to_string(*Opts.DebounceMs) + " ms"
                       : std::string("as clangd's (the median of the "
                                     "document's last 15 rebuilds, 50 to "
                                     "500 ms)")));
  return json::Object{
      {"capabilities",
       json::Object{
           {"positionEncoding", Utf8 ? "utf-8" : "utf-16"},
           {"textDocumentSync",
            json::Object{{"openClose", true},
                         {"change", 1}, // full text
                         {"save", json::Object{{"includeText", false}}}}},
           {"codeActionProvider",
            json::Object{{"codeActionKinds", json::Array{"quickfix"}}}},
       }},
      {"serverInfo", json::Object{{"name", "factoryguard"},
                                  {"version", FACTORYGUARD_VERSION}}},
  };
}

Document *Server::documentOf(const json::Object &P) {
  const json::Object *TD = P.getObject("textDocument");
  std::optional<llvm::StringRef> Uri = TD ? TD->getString("uri") : std::nullopt;
  if (!Uri)
    return nullptr;
  for (auto &[Path, D] : Docs)
    if (D.Uri == *Uri)
      return &D;
  return nullptr;
}

/// How long an edit of Path waits for the next one: --debounce, else as
/// clangd waits (debounceAfter).
unsigned Server::debounceOf(const std::string &Path) const {
  if (Opts.DebounceMs)
    return *Opts.DebounceMs;
  auto It = Rebuilds.find(Path);
  return debounceAfter(It == Rebuilds.end() ? std::vector<unsigned>()
                                            : debounceBasis(It->second));
}

void Server::schedule(const std::string &Path, unsigned DelayMs) {
  auto Due = Clock::now() + std::chrono::milliseconds(DelayMs);
  Pending[Path] = Due; // a newer edit replaces the pending analysis
  CV.notify_all();
}

void Server::didOpen(const json::Object &P) {
  const json::Object *TD = P.getObject("textDocument");
  std::optional<llvm::StringRef> Uri = TD ? TD->getString("uri") : std::nullopt;
  std::optional<llvm::StringRef> Text =
      TD ? TD->getString("text") : std::nullopt;
  if (!Uri || !Text) {
    log("didOpen without textDocument.uri/text: ignored");
    return;
  }
  std::optional<std::string> Path = lsp::uriToPath(*Uri);
  if (!Path) {
    log("not a local file, not analyzed: " + *Uri);
    return;
  }
  Document D;
  D.Uri = Uri->str();
  D.Path = normalizePath(*Path);
  D.LanguageId = TD->getString("languageId").value_or("").str();
  D.Text = Text->str();
  D.Version = TD->getInteger("version").value_or(0);
  std::lock_guard<std::mutex> G(M);
  std::string Key = D.Path;
  bool Analyze = isCOrCxx(D.Path, D.LanguageId);
  Docs[Key] = std::move(D);
  if (Analyze)
    schedule(Key, 0);
}

void Server::didChange(const json::Object &P) {
  std::lock_guard<std::mutex> G(M);
  Document *D = documentOf(P);
  if (!D) {
    log("didChange of a document that is not open: ignored");
    return;
  }
  // Versions only increase (LSP 3.17): a change that is not newer than the
  // text we have is stale, and applying it would analyze old text.
  const json::Object *Doc = P.getObject("textDocument");
  std::optional<int64_t> Version =
      Doc ? Doc->getInteger("version") : std::nullopt;
  if (Version && *Version <= D->Version) {
    log("didChange of " + D->Path + " to version " + llvm::Twine(*Version) +
        ", not newer than version " + llvm::Twine(D->Version) + ": ignored");
    return;
  }
  if (const json::Array *Changes = P.getArray("contentChanges"))
    for (const json::Value &C : *Changes) {
      const json::Object *CO = C.getAsObject();
      std::optional<llvm::StringRef> Text =
          CO ? CO->getString("text") : std::nullopt;
      if (!Text)
        continue;
      const json::Object *R = CO->getObject("range");
      if (!R) {
        D->Text = Text->str();
        continue;
      }
      // Incremental change (we ask for full text; accepted anyway).
      lsp::LineTable T(D->Text);
      T.Utf8 = Utf8;
      auto Offset = [&](const char *Key) -> size_t {
        const json::Object *Pos = R->getObject(Key);
        if (!Pos)
          return 0;
        return T.offsetOf(Pos->getInteger("line").value_or(0),
                          Pos->getInteger("character").value_or(0));
      };
      size_t From = Offset("start"), To = std::max(From, Offset("end"));
      D->Text = D->Text.substr(0, From) + Text->str() + D->Text.substr(To);
    }
  D->Version = Version.value_or(D->Version + 1);
  if (isCOrCxx(D->Path, D->LanguageId))
    schedule(D->Path, debounceOf(D->Path));
}

void Server::didSave(const json::Object &P) {
  std::lock_guard<std::mutex> G(M);
  Document *D = documentOf(P);
  if (!D)
    return;
  if (isCOrCxx(D->Path, D->LanguageId))
    schedule(D->Path, 0);
  // A saved header can change what the other open documents see.
  if (isHeaderFileName(D->Path))
    for (auto &[Path, Other] : Docs)
      if (&Other != D && isCOrCxx(Path, Other.LanguageId) &&
          !Pending.count(Path))
        schedule(Path, debounceOf(Path));
}

void Server::didClose(const json::Object &P) {
  std::string Uri;
  {
    std::lock_guard<std::mutex> G(M);
    Document *D = documentOf(P);
    if (!D)
      return;
    Uri = D->Uri;
    Pending.erase(D->Path);
    Results.erase(D->Path);
    Closed.insert(D->Path);
    Docs.erase(D->Path);
    CV.notify_all(); // the analysis thread drops its preamble
    notify("textDocument/publishDiagnostics",
           json::Object{{"uri", Uri}, {"diagnostics", json::Array{}}});
  }
}

json::Value Server::codeActions(const json::Object &P) {
  std::lock_guard<std::mutex> G(M);
  json::Array Out;
  Document *D = documentOf(P);
  const json::Object *R = P.getObject("range");
  if (!D || !R)
    return Out;
  auto It = Results.find(D->Path);
  if (It == Results.end() || It->second.Version != D->Version)
    return Out; // no result for the text the editor has now
  auto Pos = [&](const char *Key, int64_t &Line, int64_t &Char) {
    const json::Object *O = R->getObject(Key);
    Line = O ? O->getInteger("line").value_or(0) : 0;
    Char = O ? O->getInteger("character").value_or(0) : 0;
  };
  int64_t SL, SC, EL, EC;
  Pos("start", SL, SC);
  Pos("end", EL, EC);
  for (const QuickFix &F : It->second.Fixes) {
    bool StartsAfter =
        std::make_pair(F.StartLine, F.StartChar) > std::make_pair(EL, EC);
    bool EndsBefore =
        std::make_pair(F.EndLine, F.EndChar) < std::make_pair(SL, SC);
    if (!StartsAfter && !EndsBefore)
      Out.push_back(F.Action);
  }
  return Out;
}

void Server::workerLoop() {
  std::unique_lock<std::mutex> L(M);
  for (;;) {
    for (const std::string &Path : Closed) {
      if (Preambles.forget(Path))
        log("preamble dropped for " + Path + " (closed)");
      if (Kept.forget(Path))
        log("worker ended for " + Path + " (closed)");
    }
    Closed.clear();
    if (Pending.empty()) {
      CV.wait(L);
      continue;
    }
    auto Next = Pending.begin();
    for (auto It = Pending.begin(); It != Pending.end(); ++It)
      if (It->second < Next->second)
        Next = It;
    if (Next->second > Clock::now()) {
      CV.wait_until(L, Next->second);
      continue;
    }
    std::string Path = Next->first;
    Pending.erase(Next);
    auto D = Docs.find(Path);
    if (D == Docs.end())
      continue;
    Job J;
    J.Path = Path;
    J.Uri = D->second.Uri;
    J.LanguageId = D->second.LanguageId;
    J.Version = D->second.Version;
    for (const auto &[P, Doc] : Docs)
      J.Overlay[P] = Doc.Text;
    L.unlock();
    analyzeAndPublish(std::move(J));
    L.lock();
  }
}

bool Server::databaseLists(const std::string &Db, const std::string &Path) {
  llvm::sys::fs::file_status St;
  if (llvm::sys::fs::status(Db, St))
    return true; // runAnalysis reports it
  CachedDatabase &C = Databases[Db];
  if (!C.DB || C.Time != St.getLastModificationTime() ||
      C.Size != St.getSize()) {
    C = CachedDatabase();
    C.Time = St.getLastModificationTime();
    C.Size = St.getSize();
    auto Buf = llvm::MemoryBuffer::getFile(Db, /*IsText=*/true);
    if (!Buf)
      return true;
    auto DB = parseCompileDatabase((*Buf)->getBuffer(), Db);
    if (!DB) {
      llvm::consumeError(DB.takeError()); // runAnalysis reports it
      return true;
    }
    C.DB = std::move(*DB);
  }
  return !C.DB->getCompileCommands(Path).empty();
}

/// The CLI's options for one document: its database as the CLI would find
/// it from the document's directory, else the fallback flags.
DriverOptions Server::unitOptions(const Job &J, Coverage &Cov,
                                  std::string &Db) {
  DriverOptions D = Opts.Driver;
  D.Inputs = {J.Path};
  D.Jobs = 1;
  if (!D.BuildPath.empty()) {
    Db = D.BuildPath + "/compile_commands.json";
  } else {
    for (llvm::StringRef Dir = llvm::sys::path::parent_path(J.Path);
         !Dir.empty() && Db.empty(); Dir = llvm::sys::path::parent_path(Dir))
      for (const char *Sub : {"", "/build"}) {
        std::string Json = (Dir + Sub + "/compile_commands.json").str();
        if (llvm::sys::fs::exists(Json)) {
          Db = Json;
          break;
        }
      }
  }
  if (Db.empty()) {
    Cov = Coverage::NoDatabase;
    D.HasFixedArgs = true;
    // A header of a C++ document is C++ (clang alone would take it as C).
    bool HasLanguage =
        llvm::any_of(Opts.FallbackFlags, [](const std::string &F) {
          return llvm::StringRef(F).starts_with("-x");
        });
    if (isHeaderFileName(J.Path) && J.LanguageId != "c" && !HasLanguage)
      D.FixedArgs = {"-xc++-header"};
    D.FixedArgs.insert(D.FixedArgs.end(), Opts.FallbackFlags.begin(),
                       Opts.FallbackFlags.end());
    D.Preambles = &Preambles;
    D.Kept = &Kept;
    return D;
  }
  D.BuildPath = llvm::sys::path::parent_path(Db).str();
  Cov = databaseLists(Db, J.Path) ? Coverage::Listed : Coverage::NotListed;
  // The CLI's cache, read only: other units' call-graph facts, and which
  // unit reads a header (SPEC §9).
  D.CachedFactsOfOtherUnits = true;
  D.Preambles = &Preambles;
  D.Kept = &Kept;
  return D;
}

const lsp::LineTable &
Server::table(const Job &J, const std::string &Path,
              std::map<std::string, lsp::LineTable> &Tables) {
  auto It = Tables.find(Path);
  if (It != Tables.end())
    return It->second;
  std::string Text;
  auto O = J.Overlay.find(Path);
  if (O != J.Overlay.end()) {
    Text = O->second;
  } else if (auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true)) {
    Text = (*Buf)->getBuffer().str();
  }
  lsp::LineTable T(std::move(Text));
  T.Utf8 = Utf8;
  return Tables.emplace(Path, std::move(T)).first->second;
}

json::Value Server::range(const lsp::LineTable &T, const SourceRange &R) {
  unsigned EndLine = R.EndLine ? R.EndLine : R.Line;
  unsigned EndColumn = R.EndLine ? R.EndColumn : R.Column;
  return json::Object{{"start", T.position(R.Line, R.Column)},
                      {"end", T.position(EndLine, EndColumn)}};
}

json::Value Server::location(const Job &J, const SourceRange &R,
                             std::map<std::string, lsp::LineTable> &Tables) {
  std::string Uri = R.File == J.Path ? J.Uri : lsp::pathToUri(R.File);
  return json::Object{{"uri", Uri},
                      {"range", range(table(J, R.File, Tables), R)}};
}

/// An error diagnostic over the document's first line: what the server
/// publishes when it has no findings to show and the user must act.
json::Value lineOneError(const lsp::LineTable &T, const std::string &Message) {
  llvm::StringRef First = llvm::StringRef(T.text()).split('\n').first;
  return json::Object{
      {"range", json::Object{{"start", T.position(1, 1)},
                             {"end", T.position(1, First.size() + 1)}}},
      {"severity", 1},
      {"source", "factoryguard"},
      {"message", Message}};
}

/// What a run of the document's unit says beyond its diagnostics: the
/// units' failures and clang's output to the log, the unit it was analyzed
/// through, the cache it read, and, once per session, that its command was
/// inferred.
void Server::logRun(const Job &J, const DriverResult &Result,
                    const std::string &ClangOutput, Coverage Cov,
                    const std::string &Db) {
  for (const UnitFailure &F : Result.Failures)
    log(F.File + ": " + F.Message);
  if (!ClangOutput.empty())
    llvm::errs() << "factoryguard lsp: clang said:\n"
                 << printableLines(ClangOutput) << "\n";
  if (Result.Units.size() == 1 && Result.Units.front() != J.Path)
    log(J.Path + ": analyzed through " + Result.Units.front() +
        ", which reads it (from the cache)");
  if (!Result.CacheDir.empty())
    log("call chains with the cached facts of " +
        llvm::Twine(Result.Cache.Hits) + " other unit(s) from " +
        Result.CacheDir + " (" + llvm::Twine(Result.Cache.Misses) +
        " without a valid entry)");
  if (Cov != Coverage::Listed &&
      !(Cov == Coverage::NotListed && isHeaderFileName(J.Path))) {
    log(J.Path + ": inferred compile command");
    if (!InferredShown) {
      InferredShown = true;
      showMessage(
          3, Cov == Coverage::NoDatabase
                 ? "factoryguard: " + J.Path +
                       " is not in any compilation database (no "
                       "compile_commands.json above it); it is analyzed "
                       "with an inferred command. Generate one (cmake "
                       "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON, bear) or start "
                       "the server with -p <build-dir>."
                 : "factoryguard: " + J.Path + " is not listed in " + Db +
                       "; it is analyzed with a command inferred from a "
                       "similar file there.");
    }
  }
}

/// A finding in the document as the editor shows it: its range, severity,
/// rule and message, with its call chain and notes as related locations.
json::Object
Server::diagnosticOf(const Job &J, const Finding &F,
                     std::map<std::string, lsp::LineTable> &Tables) {
  const lsp::LineTable &T = table(J, J.Path, Tables);
  json::Value Range = range(T, F.Where);
  json::Object Diag{{"range", Range},
                    {"severity", F.Level == Severity::Error     ? 1
                                 : F.Level == Severity::Warning ? 2
                                                                : 3},
                    {"code", F.RuleId},
                    {"source", "factoryguard"},
                    {"message", F.Message}};
  json::Array Related;
  for (size_t I = 0; I < F.Chain.size(); ++I)
    if (F.Chain[I].Where.valid())
      Related.push_back(
          json::Object{{"location", location(J, F.Chain[I].Where, Tables)},
                       {"message", "call chain " + std::to_string(I + 1) + "/" +
                                       std::to_string(F.Chain.size()) + ": " +
                                       F.Chain[I].Message}});
  for (const Note &N : F.Notes)
    if (N.Where.valid())
      Related.push_back(json::Object{{"location", location(J, N.Where, Tables)},
                                     {"message", N.Message}});
  if (!Related.empty())
    Diag["relatedInformation"] = std::move(Related);
  return Diag;
}

/// The finding's fix-its as one quick fix over its diagnostic Diag (none
/// without fix-its): the edits, by file, and a title that says them.
std::optional<QuickFix>
Server::quickFixOf(const Job &J, const Finding &F, const json::Object &Diag,
                   std::map<std::string, lsp::LineTable> &Tables) {
  if (F.Fixes.empty())
    return std::nullopt;
  json::Object Changes;
  std::string Title;
  for (const FixIt &X : F.Fixes) {
    const lsp::LineTable &FT = table(J, X.Where.File, Tables);
    std::string Uri =
        X.Where.File == J.Path ? J.Uri : lsp::pathToUri(X.Where.File);
    json::Value Edit = json::Object{
        {"range", json::Object{{"start", FT.positionOfOffset(X.Where.Offset)},
                               {"end", FT.positionOfOffset(X.Where.Offset +
                                                           X.Where.Length)}}},
        {"newText", X.Replacement}};
    if (json::Array *Edits = Changes.getArray(Uri))
      Edits->push_back(std::move(Edit));
    else
      Changes[Uri] = json::Array{std::move(Edit)};
    llvm::StringRef Old =
        llvm::StringRef(FT.text()).substr(X.Where.Offset, X.Where.Length);
    Title = X.Where.Length
                ? "replace '" + Old.str() + "' with '" + X.Replacement + "'"
                : "insert '" + X.Replacement + "'";
  }
  if (F.Fixes.size() > 1)
    Title = "apply " + std::to_string(F.Fixes.size()) + " fix-its";
  const json::Object &Pos = *Diag.getObject("range");
  auto Coord = [&](const char *Key, const char *Field) {
    return Pos.getObject(Key)->getInteger(Field).value_or(0);
  };
  return QuickFix{
      Coord("start", "line"), Coord("start", "character"), Coord("end", "line"),
      Coord("end", "character"),
      json::Object{
          {"title", "factoryguard: " + Title + " [" + F.RuleId + "]"},
          {"kind", "quickfix"},
          {"isPreferred", true},
          {"diagnostics", json::Array{json::Value(json::Object(Diag))}},
          {"edit", json::Object{{"changes", std::move(Changes)}}}}};
}

void Server::analyzeAndPublish(Job J) {
  auto Start = Clock::now();
  log("analyzing " + J.Path + " (version " + llvm::Twine(J.Version) + ")");
  Coverage Cov = Coverage::Listed;
  std::string Db;
  forgetConfigDiscovery(); // a .factoryguard.yaml added or removed since
  DriverOptions D = unitOptions(J, Cov, Db);

  D.FileSystem = editorFileSystem(J.Overlay);
  D.Buffers = J.Overlay;

  std::string ClangOutput;
  llvm::raw_string_ostream ClangOS(ClangOutput);
  auto Result = runAnalysis(D, ClangOS);
  ClangOS.flush();
  long Ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() -
                                                                  Start)
                .count();

  std::lock_guard<std::mutex> G(M);
  if (Result) {
    std::vector<Rebuild> &History = Rebuilds[J.Path];
    History.push_back({Result->WorkersMs, Result->WorkerKept});
    if (History.size() > 15)
      History.erase(History.begin());
    for (const std::string &Line : Result->PreambleLog)
      log(Line);
  }
  auto Doc = Docs.find(J.Path);
  if (ShutdownRequested || Doc == Docs.end() ||
      Doc->second.Version != J.Version || Pending.count(J.Path)) {
    log("dropped the result for " + J.Path + " version " +
        llvm::Twine(J.Version) + " (outdated)");
    if (!Result)
      llvm::consumeError(Result.takeError());
    return;
  }
  std::map<std::string, lsp::LineTable> Tables;
  json::Array Diags;
  Published Pub;
  Pub.Version = J.Version;

  if (!Result) {
    // A broken configuration or database: one diagnostic on line 1 and a
    // message; the server stays up and tries again on the next change.
    std::string Error = llvm::toString(Result.takeError());
    log("cannot analyze " + J.Path + ": " + Error);
    Diags.push_back(
        lineOneError(table(J, J.Path, Tables),
                     "factoryguard cannot analyze this file: " + Error));
    Pub.ConfigError = true;
    showMessage(1, "factoryguard: " + Error);
  } else {
    logRun(J, *Result, ClangOutput, Cov, Db);
    // Only the document's unit (or the unit a header was analyzed
    // through) is analyzed: any failure is its.
    bool Failed = !Result->Failures.empty();
    if (Failed)
      notify("window/logMessage",
             json::Object{{"type", 4},
                          {"message", "factoryguard: " + J.Path +
                                          " could not be analyzed: " +
                                          Result->Failures.front().Message}});
    if (Failed && Result->Failures.front().CompileErrors) {
      // Code that does not compile (often: half-typed) has no findings;
      // the previous diagnostics stay until it compiles again. clangd shows
      // the compile errors.
      auto Prev = Results.find(J.Path);
      if (Prev == Results.end() || !Prev->second.ConfigError)
        return;
    } else if (Failed) {
      // The unit could not run (its analysis crashed, its directory or a
      // response file is missing): one diagnostic says so, as for a broken
      // configuration; the server goes on.
      Diags.push_back(
          lineOneError(table(J, J.Path, Tables),
                       "factoryguard: this file could not be analyzed: " +
                           Result->Failures.front().Message));
      Pub.ConfigError = true;
    } else {
      for (const Finding &F : Result->Findings) {
        if (F.Suppressed || F.Where.File != J.Path)
          continue;
        json::Object Diag = diagnosticOf(J, F, Tables);
        if (std::optional<QuickFix> Fix = quickFixOf(J, F, Diag, Tables))
          Pub.Fixes.push_back(std::move(*Fix));
        Diags.push_back(std::move(Diag));
      }
    }
  }
  log("published " + llvm::Twine(Diags.size()) + " diagnostic(s) for " +
      J.Path + " version " + llvm::Twine(J.Version) + " after " +
      llvm::Twine(Ms) + " ms");
  Results[J.Path] = std::move(Pub);
  notify("textDocument/publishDiagnostics",
         json::Object{{"uri", J.Uri},
                      {"version", J.Version},
                      {"diagnostics", std::move(Diags)}});
}

} // namespace

unsigned debounceAfter(std::vector<unsigned> RebuildsMs) {
  if (RebuildsMs.empty())
    return 50;
  if (RebuildsMs.size() > 15)
    RebuildsMs.erase(RebuildsMs.begin(), RebuildsMs.end() - 15);
  auto Median = RebuildsMs.begin() + RebuildsMs.size() / 2;
  std::nth_element(RebuildsMs.begin(), Median, RebuildsMs.end());
  return std::clamp(*Median, 50U, 500U);
}

std::vector<unsigned> debounceBasis(const std::vector<Rebuild> &History) {
  bool AnyKept = std::any_of(History.begin(), History.end(),
                             [](const Rebuild &R) { return R.KeptWorker; });
  std::vector<unsigned> Ms;
  for (const Rebuild &R : History)
    if (R.KeptWorker || !AnyKept)
      Ms.push_back(R.Ms);
  return Ms;
}

int runLanguageServer(ServerOptions O) {
  // Standard output carries the protocol and nothing else: the protocol
  // gets its own descriptor, and whatever else writes to descriptor 1 goes
  // to standard error.
  int OutFd = ::dup(STDOUT_FILENO);
  if (OutFd < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    llvm::errs() << "factoryguard lsp: error: cannot set up standard output\n";
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN); // a closed client is a write error
  Server S(std::move(O), OutFd);
  S.run();
}

} // namespace factoryguard

//===- Preamble.cpp - The language server's parsed headers between edits --===//
#include "Preamble.h"

#include "PchFiles.h"
#include "UnitCommand.h"
#include "UnitIsolation.h"
#include "UserCode.h"
#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/CompilerInvocation.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/PrecompiledPreamble.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/xxhash.h"

#include <malloc.h>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

using namespace clang;

namespace factoryguard {

namespace {

/// How many units keep a preamble (each a PCH file of some megabytes):
/// the least recently prepared goes first.
constexpr size_t MaxEntries = 16;

/// The command and the parse mode: what a preamble is built for.
std::string keyOf(const tooling::CompileCommand &C, bool FullParse) {
  std::string Key = C.Filename + '\0' + C.Directory;
  for (const std::string &A : C.CommandLine)
    Key += '\0' + A;
  // A literal "\0full" would add nothing: it ends at its NUL.
  return Key + '\0' + (FullParse ? "full" : "skip");
}

/// Counts clang's errors while the preamble is built: a preamble whose
/// headers do not compile is not used (the whole parse reports them as the
/// CLI does).
class ErrorCounter : public DiagnosticConsumer {
public:
  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    if (Level >= DiagnosticsEngine::Error)
      ++Errors;
  }
  unsigned Errors = 0;
};

/// Whether the analysis's parse skips D's body (SPEC §7): the bodies of
/// functions declared in system headers, unless --full-parse.
bool analysisSkips(const SourceManager &SM, const Decl *D, bool FullParse) {
  return !FullParse && inSystemCode(SM, D);
}

/// The preamble's parse, for the edits that read it: the rules walk the
/// headers in their own parse (HeadersAction), so an edit needs of the
/// headers their declarations and the bodies it may instantiate (those of
/// templates), not the others: they are skipped, as clangd skips every
/// body of its preamble (Sema keeps constexpr functions and deduced return
/// types). Afterwards, the headers it read that have no time (an editor's
/// unsaved buffers, which the language server lays over the disk with time
/// 0), with the hash of their text: clang checks the others by size and
/// time only.
class PreambleParse : public PreambleCallbacks {
public:
  explicit PreambleParse(bool FullParse) : FullParse(FullParse) {}
  void BeforeExecute(CompilerInstance &CI) override {
    SM = &CI.getSourceManager();
  }
  bool shouldSkipFunctionBody(Decl *D) override {
    return !D->isTemplated() || analysisSkips(*SM, D, FullParse);
  }
  void AfterExecute(CompilerInstance &CI) override {
    OptionalFileEntryRef Main = SM->getFileEntryRefForID(SM->getMainFileID());
    for (auto It = SM->fileinfo_begin(); It != SM->fileinfo_end(); ++It) {
      FileEntryRef F = It->first;
      // The main file's preamble region is clang's to check (CanReuse).
      if (F.getModificationTime() != 0 || F == Main)
        continue;
      if (auto Buf = CI.getVirtualFileSystem().getBufferForFile(F.getName()))
        Buffers.emplace_back(F.getName().str(),
                             llvm::xxh3_64bits((*Buf)->getBuffer()));
    }
  }
  std::vector<std::pair<std::string, uint64_t>> Buffers;

private:
  bool FullParse;
  const SourceManager *SM = nullptr;
};

/// The headers' part of the analysis (EditScope.h): the preamble region
/// parsed alone, as the analysis parses a unit (every body but system
/// headers', unless --full-parse), and every rule over it.
class HeadersConsumer : public ASTConsumer {
public:
  HeadersConsumer(const SourceManager &SM, bool FullParse,
                  const HeaderAnalysis &Headers,
                  std::optional<HeaderPart> &Part)
      : SM(SM), FullParse(FullParse), Headers(Headers), Part(Part) {}
  bool shouldSkipFunctionBody(Decl *D) override {
    return analysisSkips(SM, D, FullParse);
  }
  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID()))
      if (TestCrash Crash = testCrashForHeaders(Main->getName());
          Crash != TestCrash::None)
        crashForTest(Crash); // the tests' binary only (TestHooks.h)
    if (!Ctx.getDiagnostics().hasErrorOccurred())
      Part = Headers.Run(Ctx);
  }

private:
  const SourceManager &SM;
  bool FullParse;
  const HeaderAnalysis &Headers;
  std::optional<HeaderPart> &Part;
};

class HeadersAction : public ASTFrontendAction {
public:
  HeadersAction(bool FullParse, const HeaderAnalysis &Headers,
                std::optional<HeaderPart> &Part)
      : FullParse(FullParse), Headers(Headers), Part(Part) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    // Read by the parser after the consumer is made (Driver.cpp's action).
    CI.getFrontendOpts().SkipFunctionBodies = !FullParse;
    return std::make_unique<HeadersConsumer>(CI.getSourceManager(), FullParse,
                                             Headers, Part);
  }

private:
  bool FullParse;
  const HeaderAnalysis &Headers;
  std::optional<HeaderPart> &Part;
};

/// Parses the first Size bytes of the unit's main file (its preamble
/// region) with the unit's invocation and analyzes the headers there.
std::optional<HeaderPart>
analyzeRegion(const CompilerInvocation &Invocation, llvm::StringRef Main,
              llvm::StringRef Region,
              llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> VFS,
              std::shared_ptr<PCHContainerOperations> PCHOps, bool FullParse,
              const HeaderAnalysis &Headers) {
  auto Whole = std::make_shared<CompilerInvocation>(Invocation);
  Whole->getPreprocessorOpts().addRemappedFile(
      Main, llvm::MemoryBuffer::getMemBufferCopy(Region, Main).release());
  Whole->getPreprocessorOpts().RetainRemappedFileBuffers = false;
  CompilerInstance Clang(std::move(PCHOps));
  Clang.setInvocation(std::move(Whole));
  ErrorCounter Errors;
  Clang.createDiagnostics(&Errors, /*ShouldOwnClient=*/false);
  Clang.createFileManager(std::move(VFS));
  std::optional<HeaderPart> Part;
  HeadersAction Action(FullParse, Headers, Part);
  if (!Clang.ExecuteAction(Action) || Errors.Errors)
    return std::nullopt;
  return Part;
}

/// Hands the invocation ClangTool makes of the command (exactly as the
/// analysis gets it) to Step instead of running an action.
class InvocationOnly : public tooling::FrontendActionFactory {
public:
  using StepFn = std::function<void(
      CompilerInvocation &, llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>,
      std::shared_ptr<PCHContainerOperations>)>;
  explicit InvocationOnly(StepFn Step) : Step(std::move(Step)) {}
  std::unique_ptr<FrontendAction> create() override { return nullptr; }
  bool runInvocation(std::shared_ptr<CompilerInvocation> Invocation,
                     FileManager *Files,
                     std::shared_ptr<PCHContainerOperations> PCHContainerOps,
                     DiagnosticConsumer *) override {
    Step(*Invocation, &Files->getVirtualFileSystem(),
         std::move(PCHContainerOps));
    return true;
  }

private:
  StepFn Step;
};

} // namespace

void addPreamble(const ReadyPreamble &Preamble, CompilerInvocation &Invocation,
                 llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> &VFS,
                 std::unique_ptr<llvm::MemoryBuffer> Main) {
  auto Pch = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  Pch->addFile(Preamble.PchPath, /*ModificationTime=*/0,
               llvm::MemoryBuffer::getMemBuffer(Preamble.Pch->getMemBufferRef(),
                                                /*RequiresNullTerminator=*/
                                                false));
  auto Overlay = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(VFS);
  Overlay->pushOverlay(std::move(Pch));
  VFS = std::move(Overlay);
  // Clang's own storage is a file: it finds the PCH through VFS.
  Preamble.Clang.AddImplicitPreamble(Invocation, VFS, Main.release());
}

struct PreambleStore::Entry {
  std::optional<ReadyPreamble> Preamble; // none: parse whole
  /// The editor's buffers the preamble read, with the hash of their text.
  std::vector<std::pair<std::string, uint64_t>> Buffers;
  /// The hash of the preamble region that could not be built cleanly (it
  /// crashed clang or its headers have errors): not tried again until the
  /// region changes.
  std::optional<uint64_t> FailedRegion;
  /// The headers' part of the analysis and its key (HeaderAnalysis).
  HeaderPart Part;
  std::string HeaderKey;
  uint64_t Generation = 0; // which build of the store made Preamble
  /// The unit's command as clang's frontend takes it (argv[0], -cc1 and
  /// the frontend's arguments), once the driver made it: the driver runs
  /// once per command, not on each edit (frontendCommand).
  std::vector<std::string> Frontend;
  uint64_t LastUsed = 0;
  std::string File; // the unit's, as prepare() was given it
};

PreambleStore::PreambleStore(std::string StorageDir)
    : StorageDir(std::move(StorageDir)) {}

PreambleStore::~PreambleStore() = default;

PreambleStore::Entry &PreambleStore::entryFor(const std::string &Key,
                                              const std::string &File) {
  std::unique_ptr<Entry> &E = Entries[Key];
  if (!E)
    E = std::make_unique<Entry>();
  E->LastUsed = ++Clock;
  E->File = File;
  while (Entries.size() > MaxEntries) {
    auto Oldest = Entries.begin();
    for (auto It = Entries.begin(); It != Entries.end(); ++It)
      if (It->second->LastUsed < Oldest->second->LastUsed)
        Oldest = It;
    Entries.erase(Oldest);
  }
  return *E;
}

namespace {

/// Whether the editor's buffers the preamble read still hold that text.
bool buffersUnchanged(
    const std::vector<std::pair<std::string, uint64_t>> &Buffers,
    llvm::vfs::FileSystem &FS) {
  for (const auto &[Path, Hash] : Buffers) {
    auto Buf = FS.getBufferForFile(Path);
    if (!Buf || llvm::xxh3_64bits((*Buf)->getBuffer()) != Hash)
      return false;
  }
  return true;
}

/// What building a unit's preamble gave (buildPreamble): the preamble, the
/// editor's buffers it read and the headers' part of the analysis; or why
/// there is none.
struct BuiltPreamble {
  std::optional<ReadyPreamble> Preamble;
  std::vector<std::pair<std::string, uint64_t>> Buffers;
  HeaderPart Part;
  std::string Failure; // empty: built
};

/// Builds the preamble of the main file Main (its text Buf, its preamble
/// region Bounds) under Invocation under StorageDir and, at the same time,
/// the headers' part of the analysis on that region (Headers). A build with
/// errors in the headers, or whose headers could not be analyzed, is a
/// failure.
BuiltPreamble buildPreamble(const CompilerInvocation &Invocation,
                            const std::string &Main,
                            const llvm::MemoryBuffer &Buf,
                            const PreambleBounds &Bounds,
                            llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> VFS,
                            std::shared_ptr<PCHContainerOperations> PCHOps,
                            const std::string &StorageDir, bool FullParse,
                            const HeaderAnalysis &Headers) {
  CompilerInvocation Parse(Invocation);
  Parse.getFrontendOpts().SkipFunctionBodies = true; // PreambleParse
  // The instantiations the headers need are made here, once, instead of
  // at the end of every parse that reads the preamble (clang's default
  // for a PCH): on cpp-httplib's example/server.cc they were most of an
  // edit's parse. The same instantiations, made earlier: they differ only
  // where a template's meaning would depend on what the main file
  // declares after the headers (ill-formed, no diagnostic required), or
  // fail to compile here (the unit is then parsed whole).
  Parse.getLangOpts().PCHInstantiateTemplates = true;
  ErrorCounter Errors;
  IntrusiveRefCntPtr<DiagnosticsEngine> Diags =
      CompilerInstance::createDiagnostics(&Parse.getDiagnosticOpts(), &Errors,
                                          /*ShouldOwnClient=*/false);
  PreambleParse Callbacks(FullParse);
  BuiltPreamble Out;
  PchDirectory Dir(StorageDir);
  if (Dir.path().empty()) {
    Out.Failure = "no directory for its PCH could be made";
    return Out;
  }
  // The headers' part parses the same region once more, with the bodies
  // the analysis needs (the PCH skips them): on a thread of its own, so
  // that on two CPUs an open waits for the longer of the two parses, not
  // for both (cpp-httplib's example/server.cc: 2.5 -> 1.7 s). Each parse
  // runs under its own crash recovery, so that a crash in one returns here
  // and the other is joined: recovery from a crash further out would leave
  // this frame while the other thread still uses it.
  std::optional<HeaderPart> Part;
  bool PartRan = false;
  std::thread HeaderThread([&] {
    int RetCode = 0;
    PartRan = runRecoveredInProcess(
        [&] {
          Part = analyzeRegion(Invocation, Main,
                               Buf.getBuffer().take_front(Bounds.Size), VFS,
                               PCHOps, FullParse, Headers);
        },
        RetCode);
  });
  std::optional<llvm::ErrorOr<PrecompiledPreamble>> Built;
  int BuildRetCode = 0;
  bool BuildRan = runRecoveredInProcess(
      [&] {
        Built.emplace(PrecompiledPreamble::Build(
            Parse, &Buf, Bounds, *Diags, VFS, PCHOps,
            /*StoreInMemory=*/false, Dir.path(), Callbacks));
      },
      BuildRetCode);
  HeaderThread.join();
  if (!BuildRan || !Built) {
    Out.Failure = "clang crashed building it";
    return Out;
  }
  // Before the build's errors: a crash anywhere in this process also
  // removes the temporary files clang registered for removal on a signal,
  // the other thread's too (the PCH being written, whose build then fails
  // renaming it: seen with the test's crash in the headers' part).
  if (!PartRan) {
    Out.Failure = "clang crashed analyzing its headers";
    return Out;
  }
  if (!*Built) {
    Out.Failure = Built->getError().message();
    return Out;
  }
  if (Errors.Errors) {
    Out.Failure = std::to_string(Errors.Errors) + " error(s) in its headers";
    return Out;
  }
  auto Pch = mapPch(Dir);
  if (!Pch) {
    Out.Failure = "its PCH could not be mapped";
    return Out;
  }
  if (!Part) {
    Out.Failure = "its headers were not analyzed";
    return Out;
  }
  Out.Preamble.emplace(ReadyPreamble{std::move(**Built), std::move(Pch->first),
                                     std::move(Pch->second)});
  Out.Buffers = std::move(Callbacks.Buffers);
  Out.Part = std::move(*Part);
  return Out;
}

} // namespace

std::string
PreambleStore::prepare(const tooling::CompileCommand &Command,
                       const std::string &File,
                       llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS,
                       bool FullParse, const HeaderAnalysis &Headers) {
  Entry &E = entryFor(keyOf(Command, FullParse), File);
  std::string Log;
  bool Built = false; // a build was tried, whatever its outcome
  auto Step = [&](CompilerInvocation &Invocation,
                  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> VFS,
                  std::shared_ptr<PCHContainerOperations> PCHOps) {
    if (E.Frontend.empty()) {
      E.Frontend = {Command.CommandLine.front(), "-cc1"};
      for (std::string &Arg : Invocation.getCC1CommandLine())
        E.Frontend.push_back(std::move(Arg));
    }
    const std::string Main =
        Invocation.getFrontendOpts().Inputs[0].getFile().str();
    auto Buf = VFS->getBufferForFile(Main);
    if (!Buf) {
      E.Preamble.reset();
      Log = "no preamble for " + File + ": cannot read it";
      return;
    }
    PreambleBounds Bounds =
        ComputePreambleBounds(Invocation.getLangOpts(), **Buf, 0);
    if (Bounds.Size == 0) {
      E.Preamble.reset();
      Log = "no preamble for " + File + ": it includes nothing";
      return;
    }
    if (E.Preamble && E.HeaderKey == Headers.Key &&
        E.Preamble->Clang.CanReuse(Invocation, **Buf, Bounds, *VFS) &&
        buffersUnchanged(E.Buffers, *VFS)) {
      Log = "preamble reused for " + File;
      return;
    }
    E.Preamble.reset();
    uint64_t Region =
        llvm::xxh3_64bits((*Buf)->getBuffer().take_front(Bounds.Size));
    if (E.FailedRegion == Region) {
      Log = "no preamble for " + File +
            ": it could not be built for these lines before";
      return;
    }
    E.FailedRegion = Region; // until it is built cleanly
    Built = true;
    std::string Swept;
    if (!std::exchange(this->Swept, true))
      if (unsigned N = sweepAbandonedPchDirectories(StorageDir))
        Swept = "; removed " + std::to_string(N) +
                " PCH directories that ended processes left";
    BuiltPreamble B =
        buildPreamble(Invocation, Main, **Buf, Bounds, VFS, std::move(PCHOps),
                      StorageDir, FullParse, Headers);
    if (!B.Failure.empty()) {
      Log = "no preamble for " + File + ": " + B.Failure + Swept;
      return;
    }
    E.Preamble = std::move(B.Preamble);
    E.Buffers = std::move(B.Buffers);
    E.Part = std::move(B.Part);
    E.HeaderKey = Headers.Key;
    E.Generation = ++Builds;
    E.FailedRegion.reset();
    Log = "preamble built for " + File + " (" +
          std::to_string(E.Preamble->Clang.getSize() >> 10) + " KiB)" + Swept;
  };

  OneCommandDatabase DB(frontendCommand(Command, FullParse));
  tooling::ClangTool Tool(DB, {File},
                          std::make_shared<PCHContainerOperations>(), FS);
  Tool.clearArgumentsAdjusters(); // Command is adjusted already
  IgnoringDiagConsumer Quiet;     // the driver's; the analysis reports them
  Tool.setDiagnosticConsumer(&Quiet);
  Tool.setPrintErrorMessage(false);
  InvocationOnly Factory(Step);
  int RetCode = 0;
  if (!runRecoveredInProcess([&] { Tool.run(&Factory); }, RetCode)) {
    // Clang crashed on the headers: the unit is parsed whole, in a worker.
    E.Preamble.reset();
    return "no preamble for " + File + ": clang crashed building it";
  }
  if (Built)
    // The build's AST is freed, but its pages stay in this process's heap,
    // and a worker forked later (UnitIsolation.h) reuses them: each page
    // it writes is then copied (copy-on-write) before use. Handing them
    // back to the system makes them fresh zero pages in the worker: on
    // cpp-httplib's example/server.cc an edit's diagnostics went from
    // 883 to 618 ms (median of 20, idle machine, ci/bench-lsp).
    malloc_trim(0);
  if (Log.empty())
    return "no preamble for " + File + ": clang could not run the command";
  return Log;
}

size_t PreambleStore::forget(const std::string &File) {
  size_t Before = Entries.size();
  for (auto It = Entries.begin(); It != Entries.end();)
    It = It->second->File == File ? Entries.erase(It) : std::next(It);
  return Before - Entries.size();
}

const ReadyPreamble *
PreambleStore::current(const tooling::CompileCommand &Command,
                       bool FullParse) const {
  auto It = Entries.find(keyOf(Command, FullParse));
  if (It == Entries.end() || !It->second->Preamble)
    return nullptr;
  return &*It->second->Preamble;
}

tooling::CompileCommand
PreambleStore::frontendCommand(const tooling::CompileCommand &Command,
                               bool FullParse) const {
  auto It = Entries.find(keyOf(Command, FullParse));
  if (It == Entries.end() || It->second->Frontend.empty())
    return Command;
  tooling::CompileCommand C = Command;
  C.CommandLine = It->second->Frontend;
  return C;
}

uint64_t PreambleStore::generation(const tooling::CompileCommand &Command,
                                   bool FullParse) const {
  auto It = Entries.find(keyOf(Command, FullParse));
  if (It == Entries.end() || !It->second->Preamble)
    return 0;
  return It->second->Generation;
}

const HeaderPart *
PreambleStore::headerPart(const tooling::CompileCommand &Command,
                          bool FullParse) const {
  auto It = Entries.find(keyOf(Command, FullParse));
  if (It == Entries.end() || !It->second->Preamble)
    return nullptr;
  return &It->second->Part;
}

} // namespace factoryguard

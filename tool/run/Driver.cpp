//===- Driver.cpp - Compilation database, units in parallel -------------===//
#include "Driver.h"

#include "Analysis.h"
#include "Cache.h"
#include "CacheTrust.h"
#include "CallGraph.h"
#include "ChangedFiles.h"
#include "CompileDatabase.h"
#include "Config.h"
#include "EditScope.h"
#include "Fingerprint.h"
#include "Model.h"
#include "Paths.h"
#include "Preamble.h"
#include "Printable.h"
#include "RegularFile.h"
#include "ReportedSource.h"
#include "SourceRoot.h"
#include "SurveyJson.h"
#include "TestHooks.h"
#include "UnitCommand.h"
#include "UnitIsolation.h"
#include "UnitJson.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendActions.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Sema/Sema.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <set>
#include <sys/resource.h>

using namespace clang;
using namespace clang::tooling;

namespace factoryguard {

namespace {

llvm::Error fail(const llvm::Twine &Msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Msg);
}

/// Reads the database file and parses it strictly (CompileDatabase.h).
llvm::Expected<std::unique_ptr<CompilationDatabase>>
readDatabase(const std::string &Path, std::string &JsonPath) {
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return fail(Path + ": error: cannot read: " + Buf.getError().message());
  auto DB = parseCompileDatabase((*Buf)->getBuffer(), Path);
  if (DB)
    JsonPath = Path;
  return DB;
}

/// Finds compile_commands.json: -p, else upward from the working directory,
/// also in build/ of each directory.
llvm::Expected<std::unique_ptr<CompilationDatabase>>
loadDatabase(const DriverOptions &Opts, std::string &JsonPath) {
  if (Opts.HasFixedArgs) {
    llvm::SmallString<256> Cwd;
    llvm::sys::fs::current_path(Cwd);
    return std::unique_ptr<CompilationDatabase>(
        std::make_unique<FixedCompilationDatabase>(Cwd, Opts.FixedArgs));
  }
  if (!Opts.BuildPath.empty()) {
    std::string Dir = Opts.BuildPath;
    if (llvm::sys::path::filename(Dir) == "compile_commands.json")
      Dir = llvm::sys::path::parent_path(Dir).str();
    std::string Json = (llvm::Twine(Dir) + "/compile_commands.json").str();
    if (!llvm::sys::fs::exists(Json))
      return fail("no compile_commands.json in '" + Dir +
                  "' (given with -p); generate it with "
                  "cmake -DCMAKE_EXPORT_COMPILE_COMMANDS=ON or bear");
    return readDatabase(normalizePath(Json), JsonPath);
  }
  llvm::SmallString<256> Dir;
  llvm::sys::fs::current_path(Dir);
  std::vector<std::string> Looked;
  for (llvm::StringRef D = Dir; !D.empty();
       D = llvm::sys::path::parent_path(D)) {
    for (const char *Sub : {"", "/build"}) {
      std::string Json = (D + Sub + "/compile_commands.json").str();
      Looked.push_back(Json);
      if (!llvm::sys::fs::exists(Json))
        continue;
      return readDatabase(Json, JsonPath);
    }
  }
  std::string Msg = "no compile_commands.json found; looked in:";
  for (const std::string &L : Looked)
    Msg += "\n  " + L;
  Msg += "\npass -p <build-dir>, or give compiler flags after '--'";
  return fail(Msg);
}

/// This process's minor page faults so far (the language server's log).
long minorFaults() {
  struct rusage U;
  return getrusage(RUSAGE_SELF, &U) == 0 ? U.ru_minflt : 0;
}

/// The milliseconds since Start, restarting it: one phase of a run.
long long lapMs(std::chrono::steady_clock::time_point &Start) {
  auto Now = std::chrono::steady_clock::now();
  long long Ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Now - Start)
          .count();
  Start = Now;
  return Ms;
}

/// How long the rules of this thread's last unit took (its traversal, in
/// ms): the language server's log splits a unit's time with it.
thread_local long long LastRulesMs = 0;

/// The consumer: one Analysis per unit, run once the AST is complete. With
/// an EditScope (the language server's edit after a preamble whose
/// headers' part is analyzed already), only over what the parse made.
class AnalysisConsumer : public ASTConsumer {
public:
  AnalysisConsumer(Analysis &A, TestCrash Crash, const SourceManager *SkipIn,
                   std::unique_ptr<EditScope> Edit)
      : A(A), Crash(Crash), SkipIn(SkipIn), Edit(std::move(Edit)) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (Ctx.getDiagnostics().hasUnrecoverableErrorOccurred())
      return;
    if (Crash != TestCrash::None)
      crashForTest(Crash);
    auto Start = std::chrono::steady_clock::now();
    if (Edit)
      A.run(Ctx, Edit->roots(Ctx));
    else
      A.run(Ctx);
    LastRulesMs = lapMs(Start);
  }
  bool HandleTopLevelDecl(DeclGroupRef Group) override {
    if (Edit)
      Edit->topLevel(Group);
    return true;
  }
  /// The preamble's declarations clang hands over as it reads them: the
  /// headers' part covered them (without an EditScope nothing is tracked).
  void HandleInterestingDecl(DeclGroupRef) override {}
  ASTMutationListener *GetASTMutationListener() override { return Edit.get(); }
  /// SPEC §7: code in system headers cannot hold a finding and the
  /// traversal never enters it (userTopLevelDecls), so the bodies of
  /// functions declared there are not parsed. Sema asks only for bodies it
  /// can do without: it keeps constexpr functions and deduced return types.
  bool shouldSkipFunctionBody(Decl *D) override {
    if (!SkipIn)
      return false;
    return inSystemCode(*SkipIn, D);
  }

private:
  Analysis &A;
  TestCrash Crash;
  const SourceManager *SkipIn; // null: --full-parse
  std::unique_ptr<EditScope> Edit;
};

class AnalysisAction : public ASTFrontendAction {
public:
  /// KeepAst: the AST is not freed when the parse ends but with the action
  /// (after the answer, runInvocation).
  AnalysisAction(Analysis &A, TestCrash Crash, bool SkipSystemBodies,
                 bool EditOnly, bool KeepAst)
      : A(A), Crash(Crash), SkipSystemBodies(SkipSystemBodies),
        EditOnly(EditOnly), KeepAst(KeepAst) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef) override {
    // ParseAST reads the flag after the consumer is made; without it the
    // parser never asks shouldSkipFunctionBody.
    CI.getFrontendOpts().SkipFunctionBodies = SkipSystemBodies;
    return std::make_unique<AnalysisConsumer>(
        A, Crash, SkipSystemBodies ? &CI.getSourceManager() : nullptr,
        EditOnly ? std::make_unique<EditScope>() : nullptr);
  }
  /// Runs just before clang frees the AST (FrontendAction::EndSourceFile):
  /// with KeepAst, it is taken instead, to go in clang's order (Sema, the
  /// context, the consumer) when the action goes.
  void EndSourceFileAction() override {
    if (!KeepAst)
      return;
    CompilerInstance &CI = getCompilerInstance();
    if (CI.hasASTConsumer())
      Kept.Consumer = CI.takeASTConsumer();
    if (CI.hasASTContext())
      Kept.Context = &CI.getASTContext();
    if (CI.hasSema())
      Kept.Semantic = CI.takeSema();
  }

private:
  Analysis &A;
  TestCrash Crash;
  bool SkipSystemBodies;
  bool EditOnly; // the headers' part is analyzed already (EditScope.h)
  bool KeepAst;
  struct {
    // Destroyed bottom up.
    std::unique_ptr<ASTConsumer> Consumer;
    llvm::IntrusiveRefCntPtr<ASTContext> Context;
    std::unique_ptr<Sema> Semantic;
  } Kept;
};

/// Makes Invocation parse its main file after Preamble (the language
/// server's parsed headers, Preamble.h) instead of the headers; the file
/// manager to use then (one that also shows the preamble's PCH; Files when
/// the main file cannot be read).
FileManager *usePreamble(const ReadyPreamble &Preamble,
                         CompilerInvocation &Invocation, FileManager *Files,
                         llvm::IntrusiveRefCntPtr<FileManager> &Owned) {
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> VFS =
      &Files->getVirtualFileSystem();
  auto Main =
      VFS->getBufferForFile(Invocation.getFrontendOpts().Inputs[0].getFile());
  if (!Main)
    return Files; // parsed whole; clang reports the file
  // The compiler owns the main file's buffer from here on.
  addPreamble(Preamble, Invocation, VFS, std::move(*Main));
  Owned =
      llvm::makeIntrusiveRefCnt<FileManager>(Files->getFileSystemOpts(), VFS);
  return Owned.get();
}

class ActionFactory : public FrontendActionFactory {
public:
  ActionFactory(Analysis &A, TestCrash Crash, bool SkipSystemBodies,
                llvm::raw_ostream &Verbose, const ReadyPreamble *Preamble,
                bool WorkerStays)
      : A(A), Crash(Crash), SkipSystemBodies(SkipSystemBodies),
        Verbose(Verbose), Preamble(Preamble), WorkerStays(WorkerStays) {}
  /// With a preamble, the rules see only what the parse made: the
  /// preamble's own part of the analysis is added to the unit's result.
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<AnalysisAction>(A, Crash, SkipSystemBodies,
                                            Preamble != nullptr,
                                            Preamble && WorkerStays);
  }
  /// FrontendActionFactory::runInvocation, except that the compiler's
  /// "N errors generated." goes with the unit's other diagnostics instead of
  /// straight to standard error, and that a preamble, when given, stands in
  /// for the headers.
  bool runInvocation(std::shared_ptr<CompilerInvocation> Invocation,
                     FileManager *Files,
                     std::shared_ptr<PCHContainerOperations> PCHContainerOps,
                     DiagnosticConsumer *DiagConsumer) override {
    llvm::IntrusiveRefCntPtr<FileManager> Owned;
    if (Preamble) {
      Files = usePreamble(*Preamble, *Invocation, Files, Owned);
      // A language server's worker that ends with its run (one unit) does
      // not free the AST piece by piece: that would be time the edit waits
      // for. One kept for the next edit (KeptWorkers) frees it, to parse
      // the next edit in the same memory.
      Invocation->getFrontendOpts().DisableFree = !WorkerStays;
    }
    auto Compiler =
        std::make_shared<CompilerInstance>(std::move(PCHContainerOps));
    Compiler->setInvocation(std::move(Invocation));
    Compiler->setFileManager(Files);
    std::shared_ptr<FrontendAction> Action(create());
    Compiler->createDiagnostics(DiagConsumer, /*ShouldOwnClient=*/false);
    if (!Compiler->hasDiagnostics())
      return false;
    Compiler->setVerboseOutputStream(Verbose);
    Compiler->createSourceManager(*Files);
    const bool Success = Compiler->ExecuteAction(*Action);
    Files->clearStatCache();
    if (Preamble && WorkerStays) {
      // Freeing the AST is no part of the answer (1.5 ms of each edit of
      // cpp-httplib's example/server.cc): the kept worker frees it after
      // answering (the action kept it), then what it was parsed with. The
      // diagnostics' consumer is gone by then.
      Compiler->getDiagnostics().setClient(new IgnoringDiagConsumer(),
                                           /*ShouldOwnClient=*/true);
      deferUntilAnswered([Compiler, Action]() mutable {
        Action.reset();
        Compiler.reset();
      });
    }
    return Success;
  }

private:
  Analysis &A;
  TestCrash Crash;
  bool SkipSystemBodies;
  llvm::raw_ostream &Verbose;
  const ReadyPreamble *Preamble; // null: the whole unit is parsed
  bool WorkerStays;              // the process analyzes more after this unit
};

/// Counts errors and keeps clang's rendering of them, with two exceptions
/// that keep a file's text and name from forging the report:
/// - an error in a file outside the source root (`#include "/etc/shadow"`)
///   is named by file and line only: clang's message and source line would
///   quote the file's text into the report and the CI log;
/// - an error in a file whose name (or an includer's) holds a control
///   character is written as one escaped line (Printable.h): clang prints
///   file names as they are.
class CapturingConsumer : public TextDiagnosticPrinter {
public:
  CapturingConsumer(llvm::raw_ostream &OS, DiagnosticOptions *Opts,
                    std::string SourceRoot)
      : TextDiagnosticPrinter(OS, Opts), OS(OS), Root(std::move(SourceRoot)) {}
  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const Diagnostic &Info) override {
    if (Level < DiagnosticsEngine::Error)
      return;
    std::string Outside = placeOutsideRoot(Info);
    ++Errors;
    if (First.empty())
      First = Outside.empty() ? message(Info)
                              : "an error in " + Outside +
                                    ", outside the source root (clang's "
                                    "message is not quoted)";
    if (!Outside.empty()) {
      DiagnosticConsumer::HandleDiagnostic(Level, Info); // counts it
      OS << printable(Outside) << ": error: in a file outside the source "
         << "root (clang's message is not quoted)\n";
      return;
    }
    if (namesUnprintableFile(Info)) {
      DiagnosticConsumer::HandleDiagnostic(Level, Info); // counts it
      printEscaped(Level, Info);
      return;
    }
    TextDiagnosticPrinter::HandleDiagnostic(Level, Info);
  }
  unsigned Errors = 0;
  std::string First;

private:
  static std::string message(const Diagnostic &Info) {
    llvm::SmallString<128> Msg;
    Info.FormatDiagnostic(Msg);
    return std::string(Msg);
  }
  /// "<file>:<line>" of the diagnostic when its file is outside the root.
  std::string placeOutsideRoot(const Diagnostic &Info) const {
    if (Root.empty() || !Info.hasSourceManager() ||
        Info.getLocation().isInvalid())
      return "";
    const SourceManager &SM = Info.getSourceManager();
    PresumedLoc P = SM.getPresumedLoc(SM.getFileLoc(Info.getLocation()));
    if (P.isInvalid())
      return "";
    std::string File = normalizeFilePath(SM.getFileManager(), P.getFilename());
    if (isUnderSourceRoot(File, Root))
      return "";
    return File + ":" + std::to_string(P.getLine());
  }
  static bool namesUnprintableFile(const Diagnostic &Info) {
    if (!Info.getLocation().isValid() || !Info.hasSourceManager())
      return false;
    const SourceManager &SM = Info.getSourceManager();
    SourceLocation Loc = SM.getFileLoc(Info.getLocation());
    for (unsigned Depth = 0; Loc.isValid() && Depth < 256; ++Depth) {
      PresumedLoc P = SM.getPresumedLoc(Loc);
      if (P.isInvalid())
        return false;
      if (printable(P.getFilename()) != P.getFilename())
        return true;
      Loc = P.getIncludeLoc();
    }
    return false;
  }
  void printEscaped(DiagnosticsEngine::Level Level, const Diagnostic &Info) {
    const SourceManager &SM = Info.getSourceManager();
    PresumedLoc P = SM.getPresumedLoc(SM.getFileLoc(Info.getLocation()));
    OS << printable(P.getFilename()) << ":" << P.getLine() << ":"
       << P.getColumn()
       << (Level == DiagnosticsEngine::Fatal ? ": fatal error: " : ": error: ")
       << printable(message(Info)) << "\n";
  }
  llvm::raw_ostream &OS;
  std::string Root;
};

/// One unit: a file under one of its distinct compile commands (SPEC §4).
struct UnitJob {
  size_t FileIndex = 0;
  std::string File;              // the unit's main file, normalized
  CompileCommand Command;        // after our argument adjusters
  std::string Original;          // the command as the database gives it
  unsigned Index = 1, Count = 1; // among the file's distinct commands
  TestCrash Crash = TestCrash::None;
  /// Why the command cannot run at all (its directory or a response file
  /// is missing): the unit fails with this, unanalyzed. "" = it can run.
  std::string Unrunnable;
};

struct UnitResult {
  std::vector<Finding> Findings;
  TUFacts Facts;
  std::vector<CallSite> CallSites;
  /// What the parse looked at (with a cache: for its entry).
  std::vector<Dependency> Dependencies;
  bool Failed = false;
  std::string FailMessage;
  std::string Diagnostics;
  ConfigMatchRecord ConfigMatches; // SPEC §3 validation, merged by the driver
  bool FromCache = false;          // a cache hit (progress)
  UnitSurvey Survey;               // DriverOptions::Survey
};

/// A unit's result as the child process that analyzed it sends it back
/// (UnitIsolation.h): the cache's and shards' encoding (UnitJson.h), plus
/// what only a fresh analysis has (dependencies, clang's output, the
/// annotations --explain-config lists).
llvm::json::Value unitResultToJson(const UnitResult &R, const Config &Cfg) {
  llvm::json::Array Findings, Deps, Annotations;
  for (const Finding &F : R.Findings)
    Findings.push_back(findingToJson(F));
  auto Hash = [](const std::optional<uint64_t> &H) {
    return H ? llvm::json::Value(*H) : llvm::json::Value(nullptr);
  };
  for (const Dependency &D : R.Dependencies)
    Deps.push_back(llvm::json::Array{D.Path, static_cast<int64_t>(D.Kind),
                                     Hash(D.ContentHash), Hash(D.ListingHash)});
  for (const SeenAnnotation &A : R.ConfigMatches.Annotations)
    Annotations.push_back(
        llvm::json::Array{A.Kind, A.Decl.Name, A.Decl.File, A.Decl.Line});
  return llvm::json::Object{{"findings", std::move(Findings)},
                            {"facts", factsToJson(R.Facts)},
                            {"sites", callSitesToJson(R.CallSites)},
                            {"matches", matchesToJson(R.ConfigMatches, Cfg)},
                            {"annotations", std::move(Annotations)},
                            {"deps", std::move(Deps)},
                            {"failed", R.Failed},
                            {"failMessage", R.FailMessage},
                            {"diagnostics", R.Diagnostics},
                            {"survey", surveyToJson(R.Survey)}};
}

bool dependencyFromJson(const llvm::json::Value &V, Dependency &D) {
  const llvm::json::Array *A = V.getAsArray();
  if (!A || A->size() != 4)
    return false;
  auto Path = (*A)[0].getAsString();
  auto Kind = (*A)[1].getAsUINT64();
  if (!Path || !Kind || *Kind > Dependency::Other)
    return false;
  D.Path = Path->str();
  D.Kind = static_cast<Dependency::KindT>(*Kind);
  for (auto [I, Hash] :
       {std::pair<size_t, std::optional<uint64_t> *>{2, &D.ContentHash},
        {3, &D.ListingHash}}) {
    if ((*A)[I].getAsNull())
      continue;
    *Hash = (*A)[I].getAsUINT64();
    if (!*Hash)
      return false;
  }
  return true;
}

bool annotationFromJson(const llvm::json::Value &V, SeenAnnotation &S) {
  const llvm::json::Array *A = V.getAsArray();
  if (!A || A->size() != 4)
    return false;
  auto Kind = (*A)[0].getAsString(), Name = (*A)[1].getAsString(),
       File = (*A)[2].getAsString();
  auto Line = (*A)[3].getAsUINT64();
  if (!Kind || !Name || !File || !Line || *Line > UINT32_MAX)
    return false;
  S = {Kind->str(), {Name->str(), File->str(), static_cast<unsigned>(*Line)}};
  return true;
}

/// The reverse of unitResultToJson; none when Text is not one, whole.
std::optional<UnitResult> unitResultFromJson(llvm::StringRef Text,
                                             const Config &Cfg) {
  llvm::Expected<llvm::json::Value> V = llvm::json::parse(Text);
  if (!V) {
    llvm::consumeError(V.takeError());
    return std::nullopt;
  }
  const llvm::json::Object *O = V->getAsObject();
  if (!O)
    return std::nullopt;
  const llvm::json::Array *Findings = O->getArray("findings"),
                          *Sites = O->getArray("sites"),
                          *Annotations = O->getArray("annotations"),
                          *Deps = O->getArray("deps");
  auto Failed = O->getBoolean("failed");
  auto FailMessage = O->getString("failMessage"),
       Diagnostics = O->getString("diagnostics");
  UnitResult R;
  if (!Findings || !Sites || !Annotations || !Deps || !Failed || !FailMessage ||
      !Diagnostics || !factsFromJson(O->get("facts"), R.Facts) ||
      !callSitesFromJson(*Sites, R.CallSites) ||
      !matchesFromJson(O->get("matches"), Cfg, R.ConfigMatches) ||
      !surveyFromJson(O->get("survey"), R.Survey))
    return std::nullopt;
  for (const llvm::json::Value &F : *Findings)
    if (!findingFromJson(F, R.Findings.emplace_back()))
      return std::nullopt;
  for (const llvm::json::Value &D : *Deps)
    if (!dependencyFromJson(D, R.Dependencies.emplace_back()))
      return std::nullopt;
  for (const llvm::json::Value &A : *Annotations) {
    SeenAnnotation S;
    if (!annotationFromJson(A, S))
      return std::nullopt;
    R.ConfigMatches.Annotations.insert(std::move(S));
  }
  R.Failed = *Failed;
  R.FailMessage = FailMessage->str();
  R.Diagnostics = Diagnostics->str();
  return R;
}

std::string joinCommand(const std::vector<std::string> &Args) {
  std::string Out;
  for (const std::string &A : Args) {
    if (!Out.empty())
      Out += ' ';
    if (!A.empty() && A.find_first_of(" \t\"'\\$") == std::string::npos)
      Out += A;
    else
      Out += "'" + llvm::StringRef(A).str() + "'";
  }
  return Out;
}

/// What every command goes through before it runs (and before commands are
/// compared): what ClangTool adds by default, plus ours.
ArgumentsAdjuster unitAdjuster(const DriverOptions &Opts) {
  return unitArgumentsAdjuster(Opts.ExtraArgsBefore, Opts.ExtraArgs);
}

/// " under compile command 2 of 3" when the file has several.
std::string whichCommand(const UnitJob &J) {
  if (J.Count <= 1)
    return "";
  return " under compile command " + std::to_string(J.Index) + " of " +
         std::to_string(J.Count);
}

/// The unit's result when an edit's parse saw only what the preamble did
/// not (EditScope.h): the headers' part, made with the preamble, then the
/// edit's, each finding and call site once (as TUState records them). A
/// part that could not be read fails the unit.
void addHeaderPart(UnitResult &R, UnitResult Part) {
  if (Part.Failed) {
    R.Failed = true;
    R.FailMessage = "the analysis of its headers, made with their "
                    "preamble, could not be read";
    return;
  }
  std::set<std::tuple<std::string, std::string, unsigned>> Seen;
  std::vector<Finding> Findings;
  for (std::vector<Finding> *From : {&Part.Findings, &R.Findings})
    for (Finding &F : *From)
      if (Seen.insert({F.RuleId, F.Where.File, F.Where.Offset}).second)
        Findings.push_back(std::move(F));
  R.Findings = std::move(Findings);
  std::set<std::pair<std::string, unsigned>> Sites;
  std::vector<CallSite> CallSites;
  for (std::vector<CallSite> *From : {&Part.CallSites, &R.CallSites})
    for (CallSite &C : *From)
      if (Sites.insert({C.Where.File, C.Where.Offset}).second)
        CallSites.push_back(std::move(C));
  R.CallSites = std::move(CallSites);
  // A node both parts made is merged by the call graph, as one made by
  // several units.
  TUFacts &T = Part.Facts;
  auto Append = [](auto &To, auto &From) {
    To.insert(To.end(), std::make_move_iterator(From.begin()),
              std::make_move_iterator(From.end()));
  };
  Append(T.Nodes, R.Facts.Nodes);
  Append(T.Edges, R.Facts.Edges);
  Append(T.AddressTaken, R.Facts.AddressTaken);
  T.Rules.unite(R.Facts.Rules);
  R.Facts = std::move(T);
  Part.ConfigMatches.merge(std::move(R.ConfigMatches));
  R.ConfigMatches = std::move(Part.ConfigMatches);
}

/// Parses the unit in this thread and runs every rule on it; with Record,
/// also records every path the parse looked at.
UnitResult analyzeCommand(const UnitJob &J, const Config &Cfg,
                          const DriverOptions &Opts, bool Record) {
  UnitResult R;
  // With a preamble, the command as the frontend takes it: the driver ran
  // for it when the preamble was first prepared.
  const ReadyPreamble *Preamble =
      Opts.Preambles && !Record
          ? Opts.Preambles->current(J.Command, Opts.FullParse)
          : nullptr;
  OneCommandDatabase DB(
      Preamble ? Opts.Preambles->frontendCommand(J.Command, Opts.FullParse)
               : J.Command);
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS =
      Opts.FileSystem ? Opts.FileSystem : llvm::vfs::createPhysicalFileSystem();
  llvm::IntrusiveRefCntPtr<RecordingFileSystem> Recorder;
  if (Record) {
    Recorder = llvm::makeIntrusiveRefCnt<RecordingFileSystem>(FS);
    FS = Recorder;
  }
  ClangTool Tool(DB, {J.File}, std::make_shared<PCHContainerOperations>(), FS);
  Tool.clearArgumentsAdjusters(); // J.Command is adjusted already
  llvm::raw_string_ostream DiagOS(R.Diagnostics);
  auto DiagOpts = llvm::makeIntrusiveRefCnt<DiagnosticOptions>();
  DiagOpts->ShowColors = false;
  CapturingConsumer Diags(DiagOS, DiagOpts.get(), Opts.SourceRoot);
  Tool.setDiagnosticConsumer(&Diags);
  Tool.setPrintErrorMessage(false);

  Analysis A(Cfg, Opts.RuleGlobs);
  A.recordConfigMatches(/*CollectAnnotations=*/Opts.ExplainConfig);
  if (Opts.Survey)
    A.enableSurvey();
  // The dependency list of a cache entry needs the headers read (Record:
  // no preamble, above).
  ActionFactory Factory(A, J.Crash, !Opts.FullParse, DiagOS, Preamble,
                        Opts.Kept != nullptr);
  auto Start = std::chrono::steady_clock::now();
  LastRulesMs = 0;
  const long FaultsBefore = minorFaults();
  int RC = Tool.run(&Factory);
  if (Preamble) // the language server's log, from its worker
    llvm::errs() << "factoryguard lsp: worker: " << J.File << ": parse "
                 << lapMs(Start) - LastRulesMs << " ms, rules " << LastRulesMs
                 << " ms, " << minorFaults() - FaultsBefore << " page faults\n";
  R.Findings = A.takeFindings();
  R.Facts = A.takeFacts();
  R.CallSites = A.takeCallSites();
  R.ConfigMatches = A.takeConfigMatches();
  R.Survey = A.takeSurvey();
  if (Recorder)
    R.Dependencies = Recorder->dependencies();
  if (RC != 0 || Diags.Errors) {
    R.Failed = true;
    R.FailMessage =
        "translation unit could not be analyzed" + whichCommand(J) + ": " +
        (Diags.Errors ? std::to_string(Diags.Errors) +
                            " compile error(s), first: " + Diags.First
                      : "clang could not run the compile command");
  }
  return R;
}

/// The options that let clang recurse deeper than its defaults: a unit
/// whose command raises them is the usual way to overflow clang's stack.
bool raisesRecursionLimits(const std::vector<std::string> &Args) {
  return llvm::any_of(Args, [](llvm::StringRef A) {
    return A.starts_with("-ftemplate-depth") ||
           A.starts_with("-fconstexpr-depth") ||
           A.starts_with("-fbracket-depth");
  });
}

/// The failure of a unit whose analysis crashed or was killed (Signal, or
/// 0 when unknown).
UnitResult crashedUnit(const UnitJob &J, int Signal) {
  UnitResult R;
  R.Failed = true;
  std::string How;
  if (Signal > 0)
    How = " (signal " + std::to_string(Signal) + ": " +
          llvm::StringRef(strsignal(Signal)).lower() + ")";
  R.FailMessage = "translation unit could not be analyzed: factoryguard "
                  "crashed" +
                  How + " while analyzing it under compile command " +
                  std::to_string(J.Index) + " of " + std::to_string(J.Count) +
                  " (in " + J.Command.Directory + ": " + J.Original + "); ";
  if (raisesRecursionLimits(J.Command.CommandLine))
    R.FailMessage +=
        "the command raises clang's recursion limits "
        "(-ftemplate-depth, -fconstexpr-depth or -fbracket-depth), "
        "which lets clang overflow its stack; if this unit needs "
        "them, this is a limit of factoryguard: please report it "
        "at https://github.com/factoryguard/factoryguard/issues";
  else
    R.FailMessage += "this is a bug in factoryguard, not in your code or in "
                     "clang: please report it at "
                     "https://github.com/factoryguard/factoryguard/issues with "
                     "this message and, if you can, the file";
  return R;
}

/// A request to the workers (UnitIsolation.h): the unit's index among the
/// run's jobs, and whether to record what its parse reads.
uint64_t unitRequest(size_t Job, bool Record) { return Job * 2 + Record; }

/// The editor's buffers as a request to a kept worker carries them: each
/// path and text, after its size (8 bytes, this machine's order).
std::string buffersToPayload(const std::map<std::string, std::string> &B) {
  std::string Out;
  auto Put = [&](const std::string &S) {
    uint64_t Size = S.size();
    Out.append(reinterpret_cast<const char *>(&Size), sizeof(Size));
    Out += S;
  };
  for (const auto &[Path, Text] : B) {
    Put(Path);
    Put(Text);
  }
  return Out;
}

/// The buffers of a payload (buffersToPayload); none when it is cut short.
std::optional<std::map<std::string, std::string>>
buffersFromPayload(llvm::StringRef In) {
  std::map<std::string, std::string> B;
  auto Get = [&](std::string &S) {
    uint64_t Size = 0;
    if (In.size() < sizeof(Size))
      return false;
    std::memcpy(&Size, In.data(), sizeof(Size));
    In = In.drop_front(sizeof(Size));
    if (In.size() < Size)
      return false;
    S = In.take_front(Size).str();
    In = In.drop_front(Size);
    return true;
  };
  while (!In.empty()) {
    std::string Path, Text;
    if (!Get(Path) || !Get(Text))
      return std::nullopt;
    B[Path] = std::move(Text);
  }
  return B;
}

/// The unit of a request, analyzed (in a worker), as its JSON text. A
/// request with a payload (a kept worker's) brings the editor's buffers of
/// now: they stand for those the worker was forked with.
std::string analyzeRequest(uint64_t Request, const std::string *Payload,
                           const std::vector<UnitJob> &Jobs,
                           const std::vector<const Config *> &UnitConfig,
                           const DriverOptions &Opts) {
  const UnitJob &J = Jobs[Request / 2];
  const Config &Cfg = *UnitConfig[J.FileIndex];
  DriverOptions Now = Opts;
  if (Payload) {
    std::optional<std::map<std::string, std::string>> B =
        buffersFromPayload(*Payload);
    if (!B) // not from our server: nothing is analyzed with it
      std::abort();
    Now.FileSystem = editorFileSystem(*B);
  }
  UnitResult R = analyzeCommand(J, Cfg, Now, Request % 2 != 0);
  auto Start = std::chrono::steady_clock::now();
  std::string Text;
  llvm::raw_string_ostream(Text) << unitResultToJson(R, Cfg);
  if (Opts.Preambles) // the language server's log, from its worker
    llvm::errs() << "factoryguard lsp: worker: " << J.File << ": result "
                 << (Text.size() >> 10) << " KiB in " << lapMs(Start)
                 << " ms\n";
  return Text;
}

/// What a worker kept for the language server (KeptWorkers) was forked
/// with and reads, but for the editor's buffers (its requests carry them):
/// the unit, its command, its configuration, the rules and the options the
/// analysis reads, and which preamble it parses after. A worker forked with
/// another key is not reused.
std::string keptWorkerKey(const UnitJob &J, const Config &Cfg, uint64_t CfgHash,
                          const DriverOptions &Opts) {
  std::string K;
  for (const std::string &Arg : J.Command.CommandLine)
    K += Arg + '\0';
  K +=
      '\1' + J.File + '\0' + J.Command.Directory + '\0' + J.Command.Filename +
      '\0' + J.Original + '\0' + J.Unrunnable + '\0' + std::to_string(J.Index) +
      '/' + std::to_string(J.Count) + '\0' +
      std::to_string(static_cast<int>(J.Crash)) + '\0' + hex64(CfgHash) + '\0' +
      Cfg.SourceFile + '\0' + Opts.RuleGlobs + '\0' + Opts.SourceRoot + '\0' +
      (Opts.FullParse ? '1' : '0') + (Opts.ExplainConfig ? '1' : '0') +
      (Opts.Survey ? '1' : '0') + '\0' +
      std::to_string(Opts.Preambles
                         ? Opts.Preambles->generation(J.Command, Opts.FullParse)
                         : 0);
  return K;
}

/// The headers' part of the unit's analysis when its worker parses it
/// after a preamble (analyzeCommand): the worker sends only what the edit's
/// parse made, and the part, kept here, is added to that (addHeaderPart).
/// A copy, made while the worker parses; nullopt when the worker parses the
/// whole unit. Failed when the part cannot be read.
std::optional<UnitResult> headerPartOf(const UnitJob &J, const Config &Cfg,
                                       const DriverOptions &Opts, bool Record) {
  if (!Opts.Preambles || Record ||
      !Opts.Preambles->current(J.Command, Opts.FullParse))
    return std::nullopt;
  const HeaderPart *Kept =
      Opts.Preambles->headerPart(J.Command, Opts.FullParse);
  UnitResult Part;
  if (!Kept || !matchesFromJson(&Kept->Matches, Cfg, Part.ConfigMatches)) {
    Part.Failed = true;
    return Part;
  }
  Part.Findings = Kept->Findings;
  Part.Facts = Kept->Facts;
  Part.CallSites = Kept->CallSites;
  return Part;
}

/// One unit, analyzed by a worker process (UnitIsolation.h): whatever the
/// analysis does, even kill the process that runs it, costs this unit only.
UnitResult runUnit(WorkerPool &Workers, size_t Job, const UnitJob &J,
                   const Config &Cfg, const DriverOptions &Opts, bool Record) {
  std::optional<UnitResult> Part;
  ChildRun Run = Workers.run(unitRequest(Job, Record), [&] {
    Part = headerPartOf(J, Cfg, Opts, Record);
  });
  if (Run.Ok)
    if (std::optional<UnitResult> R = unitResultFromJson(Run.Output, Cfg)) {
      if (Part)
        addHeaderPart(*R, std::move(*Part));
      return std::move(*R);
    }
  return crashedUnit(J, Run.Signal);
}

/// The headers' part of a unit's analysis (EditScope.h), on the AST of
/// its preamble as it is built: every rule over the headers' declarations,
/// as the unit's worker sends a result.
HeaderPart analyzeHeaders(ASTContext &Ctx, const Config &Cfg,
                          const DriverOptions &Opts) {
  Analysis A(Cfg, Opts.RuleGlobs);
  A.recordConfigMatches(/*CollectAnnotations=*/Opts.ExplainConfig);
  A.run(Ctx);
  HeaderPart Part;
  Part.Findings = A.takeFindings();
  Part.Facts = A.takeFacts();
  Part.CallSites = A.takeCallSites();
  Part.Matches = matchesToJson(A.takeConfigMatches(), Cfg);
  return Part;
}

/// Makes the preamble of each runnable unit current (Preamble.h), with
/// one log line each: what was done and how long it took. CfgKey: what
/// a unit's configuration and rules are, as its preamble's key.
void preparePreambles(PreambleStore &Preambles,
                      const std::vector<UnitJob> &Jobs,
                      const std::vector<const Config *> &UnitConfig,
                      llvm::function_ref<std::string(const Config *)> CfgKey,
                      llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> Files,
                      const DriverOptions &Opts,
                      std::vector<std::string> &Log) {
  for (const UnitJob &J : Jobs) {
    if (!J.Unrunnable.empty())
      continue;
    // The usual way to overflow clang's stack: such a unit's headers are
    // parsed in a worker, with the rest, where an overflow costs the unit
    // only (an overflow in this process could end it).
    if (raisesRecursionLimits(J.Command.CommandLine)) {
      Log.push_back("no preamble for " + J.File +
                    ": its command raises clang's recursion limits (parsed "
                    "whole, in a worker)");
      continue;
    }
    const Config &Cfg = *UnitConfig[J.FileIndex];
    HeaderAnalysis Headers;
    Headers.Key = CfgKey(&Cfg);
    Headers.Run = [&](ASTContext &Ctx) {
      return analyzeHeaders(Ctx, Cfg, Opts);
    };
    auto Start = std::chrono::steady_clock::now();
    std::string Line =
        Preambles.prepare(J.Command, J.File, Files, Opts.FullParse, Headers);
    auto Ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - Start)
                  .count();
    Log.push_back(Line + " in " + std::to_string(Ms) + " ms");
  }
}

/// What a unit's cache key is made of.
UnitKeyInputs keyInputs(const CompileCommand &C, const Config &Cfg,
                        uint64_t CfgHash, const DriverOptions &Opts) {
  UnitKeyInputs In;
  In.CommandLine = C.CommandLine;
  In.Directory = C.Directory;
  In.File = C.Filename;
  In.ConfigPath = Cfg.SourceFile;
  In.ConfigHash = CfgHash;
  In.RuleGlobs = Opts.RuleGlobs;
  In.FullParse = Opts.FullParse;
  return In;
}

/// The cache key of a unit: the same for every command that uses it.
CacheKey cacheKeyOf(const UnitCache &Cache, const UnitJob &J, const Config &Cfg,
                    uint64_t CfgHash, const DriverOptions &Opts) {
  return Cache.keyFor(keyInputs(J.Command, Cfg, CfgHash, Opts));
}

/// A unit through the cache (SPEC §7): a hit is its stored result, never a
/// parse; a miss is analyzed and, when it succeeded, stored. Units that
/// crash on purpose (tests) bypass it; one whose command cannot run fails
/// before either.
UnitResult runUnitCached(const UnitJob &J, const Config &Cfg, uint64_t CfgHash,
                         const DriverOptions &Opts, UnitCache *Cache,
                         llvm::function_ref<UnitResult(bool Record)> Analyze) {
  if (!J.Unrunnable.empty()) {
    UnitResult R;
    R.Failed = true;
    R.FailMessage = "translation unit could not be analyzed" + whichCommand(J) +
                    ": " + J.Unrunnable;
    return R;
  }
  if (!Cache || J.Crash != TestCrash::None)
    return Analyze(/*Record=*/false);
  CacheKey Key = cacheKeyOf(*Cache, J, Cfg, CfgHash, Opts);
  UnitResult R;
  if (std::optional<CachedUnit> Hit = Cache->lookup(Key, Cfg)) {
    R.Findings = std::move(Hit->Findings);
    R.Facts = std::move(Hit->Facts);
    R.ConfigMatches = std::move(Hit->Matches);
    R.CallSites = std::move(Hit->CallSites);
    R.FromCache = true;
    return R;
  }
  R = Analyze(/*Record=*/true);
  if (!R.Failed) {
    CachedUnit U;
    U.Findings = R.Findings;
    U.Facts = R.Facts;
    U.Matches = std::move(R.ConfigMatches);
    U.CallSites = R.CallSites;
    Cache->store(Key, U, R.Dependencies, Cfg);
    R.ConfigMatches = std::move(U.Matches);
  }
  return R;
}

/// Tells Opts.OnUnitDone about each unit as its result is back, from any
/// unit thread: one call at a time, in the order units finish.
class ProgressCounter {
public:
  ProgressCounter(const DriverOptions &Opts, size_t Total)
      : OnUnitDone(Opts.OnUnitDone), Total(Total) {}
  void unitDone(const UnitJob &J, const UnitResult &R) {
    if (!OnUnitDone)
      return;
    std::lock_guard<std::mutex> Lock(M);
    UnitProgress P;
    P.Done = ++Done;
    P.Total = Total;
    P.File = J.File;
    P.Index = J.Index;
    P.Count = J.Count;
    P.Cached = R.FromCache;
    P.Failed = R.Failed;
    OnUnitDone(P);
  }

private:
  const std::function<void(const UnitProgress &)> &OnUnitDone;
  std::mutex M;
  size_t Total, Done = 0;
};

/// The cache of this run, or null (--no-cache, --explain-config, no
/// database and no --cache-dir, or a directory that cannot be used).
std::unique_ptr<UnitCache> openCache(const DriverOptions &Opts,
                                     const std::string &DatabaseFile,
                                     llvm::raw_ostream &Diag) {
  if (Opts.NoCache || Opts.ExplainConfig || Opts.Survey)
    return nullptr;
  std::string Dir = Opts.CacheDir;
  // The default directory is where a pull request can commit a link: it
  // must not lead out of the source root.
  std::string ConfinedTo;
  if (Dir.empty() && !DatabaseFile.empty()) {
    Dir = UnitCache::defaultDirFor(DatabaseFile);
    ConfinedTo =
        Opts.SourceRoot.empty() ? defaultSourceRoot() : Opts.SourceRoot;
  }
  if (Dir.empty())
    return nullptr;
  // An editor's unsaved buffers (Opts.FileSystem) are not what is on disk:
  // never store their results; the language server reads the cache only.
  if (Opts.FileSystem)
    return Opts.CachedFactsOfOtherUnits &&
                   linkLeavesRoot(Dir, ConfinedTo).empty()
               ? UnitCache::openForReading(normalizePath(Dir), Opts.FileSystem)
               : nullptr;
  return UnitCache::open(normalizePath(Dir),
                         Opts.CacheMaxBytes ? Opts.CacheMaxBytes
                                            : UnitCache::DefaultMaxBytes,
                         Diag, ConfinedTo);
}

/// The configuration of each unit, each file loaded once, with the content
/// hash its cache key takes.
class ConfigSet {
public:
  explicit ConfigSet(const DriverOptions &Opts) : Opts(Opts) {}
  llvm::Expected<const Config *> forUnit(const std::string &File) {
    static const Config Empty;
    if (Opts.Survey)
      return &Empty;
    std::string CfgPath = Opts.ConfigFile.empty()
                              ? findConfigFor(File)
                              : normalizePath(Opts.ConfigFile);
    if (CfgPath.empty())
      return &Empty;
    auto It = ByPath.find(CfgPath);
    if (It == ByPath.end()) {
      auto C = loadConfigFile(CfgPath);
      if (!C)
        return C.takeError();
      It = ByPath.emplace(CfgPath, std::make_unique<Config>(std::move(*C)))
               .first;
      // The cache key holds the content: the same bytes loadConfigFile
      // just read, unless the file changed in between (then the entry is
      // keyed on the newer content and the next run misses).
      if (auto Buf = readRegularFile(CfgPath)) {
        Hash[It->second.get()] = llvm::xxh3_64bits((*Buf)->getBuffer());
        Text[CfgPath] = (*Buf)->getBuffer().str();
      } else
        llvm::consumeError(Buf.takeError());
    }
    return It->second.get();
  }
  uint64_t hashOf(const Config *C) const {
    auto It = Hash.find(C);
    return It == Hash.end() ? 0 : It->second;
  }
  std::map<std::string, std::unique_ptr<Config>> ByPath;
  std::map<std::string, std::string> Text; // what the hash is of

private:
  const DriverOptions &Opts;
  std::map<const Config *, uint64_t> Hash;
};

/// Why the command cannot run, or "": its directory must exist (clang
/// would abort the process on it, "Cannot chdir").
std::string directoryProblem(const CompileCommand &C,
                             llvm::vfs::FileSystem &FS) {
  llvm::ErrorOr<llvm::vfs::Status> St = FS.status(C.Directory);
  if (St && St->isDirectory())
    return "";
  return "its compile command's directory '" + C.Directory + "' does not exist";
}

/// Expands the response files of C (@file, relative to its directory, as
/// clang-tidy does; CMake, Meson and Bazel write them for long command
/// lines) in place. A response file outside the source root is read too:
/// it is the build's. Why the command cannot run when one does not exist
/// or cannot be read, else "".
std::string expandResponseFiles(CompileCommand &C, llvm::vfs::FileSystem &FS) {
  auto IsResponseFile = [](llvm::StringRef A) {
    return A.size() > 1 && A.front() == '@';
  };
  if (llvm::none_of(C.CommandLine, IsResponseFile))
    return "";
  llvm::BumpPtrAllocator Alloc;
  llvm::cl::ExpansionContext Expander(Alloc, llvm::cl::TokenizeGNUCommandLine);
  Expander.setVFS(&FS).setCurrentDir(C.Directory);
  llvm::SmallVector<const char *, 64> Argv;
  for (const std::string &A : C.CommandLine)
    Argv.push_back(A.c_str());
  if (llvm::Error E = Expander.expandResponseFiles(Argv))
    return "its compile command's response files cannot be read: " +
           llvm::toString(std::move(E));
  // One that does not exist is left as it is (as GCC does).
  for (llvm::StringRef A : Argv)
    if (IsResponseFile(A)) {
      llvm::SmallString<256> Path(A.drop_front());
      llvm::sys::fs::make_absolute(C.Directory, Path);
      return "its compile command's response file '" +
             normalizePath(std::string(Path)) + "' does not exist";
    }
  C.CommandLine.assign(Argv.begin(), Argv.end());
  return "";
}

/// One distinct compile command of a file.
struct DistinctCommand {
  CompileCommand Command; // response files expanded, after Adjust
  std::string Original;   // the command as the database gives it
  std::string Unrunnable; // UnitJob::Unrunnable
};

/// A file's distinct compile commands after Adjust (SPEC §4: commands
/// equal once adjusted, often the same source in several targets differing
/// only in the object file, are one unit), response files expanded (their
/// content is then in the command, so in the unit's cache key).
std::vector<DistinctCommand> distinctCommands(const CompilationDatabase &DB,
                                              const std::string &File,
                                              const ArgumentsAdjuster &Adjust,
                                              llvm::vfs::FileSystem &FS) {
  std::vector<DistinctCommand> Out;
  std::set<std::vector<std::string>> Distinct;
  for (CompileCommand &C : DB.getCompileCommands(File)) {
    std::string Original = joinCommand(C.CommandLine);
    std::string Unrunnable = directoryProblem(C, FS);
    if (Unrunnable.empty())
      Unrunnable = expandResponseFiles(C, FS);
    C.CommandLine = Adjust(C.CommandLine, C.Filename);
    std::vector<std::string> Key = C.CommandLine;
    Key.push_back(C.Directory);
    Key.push_back(C.Filename);
    if (Distinct.insert(std::move(Key)).second)
      Out.push_back({std::move(C), std::move(Original), std::move(Unrunnable)});
  }
  return Out;
}

/// The units of File: its distinct commands, numbered 1..N of N.
std::vector<UnitJob> unitJobsOf(size_t FileIndex, const std::string &File,
                                const CompilationDatabase &DB,
                                const ArgumentsAdjuster &Adjust,
                                llvm::vfs::FileSystem &FS) {
  std::vector<UnitJob> Jobs;
  for (DistinctCommand &C : distinctCommands(DB, File, Adjust, FS)) {
    UnitJob J;
    J.FileIndex = FileIndex;
    J.File = File;
    J.Original = std::move(C.Original);
    J.Command = std::move(C.Command);
    J.Unrunnable = std::move(C.Unrunnable);
    Jobs.push_back(std::move(J));
  }
  for (size_t K = 0; K < Jobs.size(); ++K) {
    Jobs[K].Index = static_cast<unsigned>(K + 1);
    Jobs[K].Count = static_cast<unsigned>(Jobs.size());
  }
  return Jobs;
}

/// The language server: the first unit of the database (by path) whose
/// cache entry lists Header as read, or "" (SPEC §9: a header is analyzed
/// through a unit that includes it). Entries are not checked here: the
/// header's unsaved text differs from the disk while it is edited, and the
/// chosen unit is analyzed afresh anyway.
std::string unitReading(const std::string &Header,
                        const std::vector<std::string> &AllFiles,
                        const CompilationDatabase &DB,
                        const ArgumentsAdjuster &Adjust, ConfigSet &Cfgs,
                        UnitCache &Cache, const DriverOptions &Opts,
                        llvm::vfs::FileSystem &FS) {
  for (const std::string &File : AllFiles) {
    auto Cfg = Cfgs.forUnit(File);
    if (!Cfg) {
      llvm::consumeError(Cfg.takeError());
      continue;
    }
    for (const UnitJob &J : unitJobsOf(0, File, DB, Adjust, FS)) {
      auto Read = Cache.filesReadBy(
          cacheKeyOf(Cache, J, **Cfg, Cfgs.hashOf(*Cfg), Opts));
      if (Read && llvm::any_of(*Read, [&](const std::string &P) {
            return normalizePath(P) == Header;
          }))
        return File;
    }
  }
  return "";
}

/// Which of several names of one file (a symlink and its target) stays the
/// unit's: one the database lists, else the real path itself, else the
/// first.
const std::string &preferredName(const std::vector<std::string> &Names,
                                 const std::vector<std::string> &AllFiles,
                                 llvm::StringRef Real) {
  for (const std::string &N : Names)
    if (std::binary_search(AllFiles.begin(), AllFiles.end(), N))
      return N;
  for (const std::string &N : Names)
    if (N == Real)
      return N;
  return Names.front();
}

/// A source selected under several names (a symlink and its target) is one
/// unit, under one name: analyzed twice, its findings were reported twice
/// and --fix then failed on the second name. A note says which name went.
void keepOneNamePerFile(std::set<std::string> &Units,
                        const std::vector<std::string> &AllFiles,
                        llvm::vfs::FileSystem &FS, llvm::raw_ostream &Diag) {
  std::map<std::string, std::vector<std::string>> ByRealPath;
  for (const std::string &U : Units) {
    llvm::SmallString<256> Real;
    if (!FS.getRealPath(U, Real))
      ByRealPath[normalizePath(std::string(Real))].push_back(U);
  }
  for (const auto &[Real, Names] : ByRealPath) {
    if (Names.size() < 2)
      continue;
    std::string Keep = preferredName(Names, AllFiles, Real);
    for (const std::string &N : Names) {
      if (N == Keep)
        continue;
      Units.erase(N);
      Diag << "factoryguard: note: '" << displayPath(N) << "' is '"
           << displayPath(Keep) << "' (a symbolic link); analyzed once, as '"
           << displayPath(Keep) << "'\n";
    }
  }
}

/// Every distinct command of every file of the database, with the key its
/// result is cached under in this run when its configuration loads: what
/// --changed maps headers through (ChangedFiles.h).
std::vector<CommandProbe>
commandProbes(const DriverOptions &Opts, const CompilationDatabase &DB,
              const std::vector<std::string> &AllFiles, ConfigSet &Cfgs,
              const ArgumentsAdjuster &Adjust, bool WithKeys) {
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> Disk =
      Opts.FileSystem ? Opts.FileSystem : llvm::vfs::getRealFileSystem();
  std::vector<CommandProbe> Probes;
  for (const std::string &File : AllFiles) {
    const Config *Cfg = nullptr;
    if (WithKeys) {
      if (auto C = Cfgs.forUnit(File))
        Cfg = *C;
      else
        llvm::consumeError(C.takeError()); // reported if it is analyzed
    }
    unsigned Index = 0;
    for (DistinctCommand &D : distinctCommands(DB, File, Adjust, *Disk)) {
      CompileCommand &Command = D.Command;
      CommandProbe P;
      P.File = File;
      P.Index = ++Index;
      P.Runnable = D.Unrunnable.empty();
      if (Cfg) {
        P.Key = keyInputs(Command, *Cfg, Cfgs.hashOf(Cfg), Opts);
        P.HasResultKey = true;
      } else {
        P.Key.CommandLine = Command.CommandLine;
        P.Key.Directory = Command.Directory;
        P.Key.File = Command.Filename;
      }
      P.Command = std::move(Command);
      Probes.push_back(std::move(P));
    }
  }
  return Probes;
}

/// The database's files, normalized, sorted, each once.
std::vector<std::string> allFilesOf(const CompilationDatabase &DB) {
  std::vector<std::string> AllFiles = DB.getAllFiles();
  for (std::string &F : AllFiles)
    F = normalizePath(F);
  std::sort(AllFiles.begin(), AllFiles.end());
  AllFiles.erase(std::unique(AllFiles.begin(), AllFiles.end()), AllFiles.end());
  return AllFiles;
}

/// The call-graph facts of every unit of AllFiles except Except whose cache
/// entry is valid (the language server, the clang-tidy plugin), so that
/// chains and the inference cross units as a CLI run draws them. The
/// excluded units are the caller's own: their possibly stale entries never
/// stand in for the fresh facts. Counts the lookups in Stats.
std::vector<std::pair<std::string, TUFacts>>
readOtherFacts(UnitCache &Cache, const std::vector<std::string> &AllFiles,
               const std::set<std::string> &Except,
               const CompilationDatabase &DB, const ArgumentsAdjuster &Adjust,
               llvm::vfs::FileSystem &Files, ConfigSet &Cfgs,
               const DriverOptions &Opts, CacheStats &Stats) {
  std::vector<std::pair<std::string, TUFacts>> Out; // by unit file
  for (const std::string &File : AllFiles) {
    if (Except.count(File))
      continue;
    auto Cfg = Cfgs.forUnit(File);
    if (!Cfg) {
      llvm::consumeError(Cfg.takeError());
      continue;
    }
    for (const UnitJob &J : unitJobsOf(0, File, DB, Adjust, Files)) {
      std::optional<CachedUnit> Hit = Cache.lookup(
          cacheKeyOf(Cache, J, **Cfg, Cfgs.hashOf(*Cfg), Opts), **Cfg);
      if (!Hit) {
        ++Stats.Misses;
        continue;
      }
      ++Stats.Hits;
      Out.emplace_back(File, std::move(Hit->Facts));
    }
  }
  return Out;
}

/// The units that Inputs name, into Units: a file; the database's files
/// under a directory (else the C and C++ files under it); a header the
/// database does not list, through HeaderUnit (a unit that reads it, ""
/// when none is known). An input that names none is a failure.
void addInputUnits(
    const std::vector<std::string> &Inputs,
    const std::vector<std::string> &AllFiles, llvm::vfs::FileSystem &Files,
    llvm::function_ref<std::string(const std::string &)> HeaderUnit,
    std::set<std::string> &Units, std::vector<UnitFailure> &Failures) {
  for (const std::string &In : Inputs) {
    std::string Path = normalizePath(In);
    llvm::ErrorOr<llvm::vfs::Status> St = Files.status(Path);
    if (!St || !St->exists()) {
      Failures.push_back({Path, "translation unit could not be analyzed: "
                                "no such file or directory: '" +
                                    In + "'"});
      continue;
    }
    if (St->isDirectory()) {
      size_t Before = Units.size();
      std::string Prefix = Path + "/";
      for (const std::string &F : AllFiles)
        if (llvm::StringRef(F).starts_with(Prefix))
          Units.insert(F);
      if (Units.size() == Before) {
        std::error_code EC;
        for (llvm::sys::fs::recursive_directory_iterator It(Path, EC), End;
             It != End && !EC; It.increment(EC))
          if (isSourceFileName(It->path()))
            Units.insert(normalizePath(It->path()));
      }
      if (Units.size() == Before)
        Failures.push_back(
            {Path, "translation unit could not be analyzed: no translation "
                   "unit under directory '" +
                       In + "'"});
      continue;
    }
    if (!isSourceFileName(Path) &&
        !std::binary_search(AllFiles.begin(), AllFiles.end(), Path)) {
      std::string Unit = HeaderUnit(Path);
      if (!Unit.empty()) {
        Units.insert(Unit);
        continue;
      }
    }
    Units.insert(Path);
  }
}

/// Each unit's configuration, in unit order; the first that does not load
/// is the error.
llvm::Expected<std::vector<const Config *>>
configsOf(const std::vector<std::string> &Units, ConfigSet &Cfgs) {
  std::vector<const Config *> Out;
  for (const std::string &U : Units) {
    auto C = Cfgs.forUnit(U);
    if (!C)
      return C.takeError();
    Out.push_back(*C);
  }
  return Out;
}

/// Every distinct compile command of every unit is a job (SPEC §4); a unit
/// whose file is missing or that has no command is a failure.
std::vector<UnitJob> jobsOfUnits(const std::vector<std::string> &Units,
                                 const CompilationDatabase &DB,
                                 const ArgumentsAdjuster &Adjust,
                                 llvm::vfs::FileSystem &Files,
                                 std::vector<UnitFailure> &Failures) {
  std::vector<UnitJob> Jobs;
  for (size_t I = 0; I < Units.size(); ++I) {
    const std::string &File = Units[I];
    if (!Files.exists(File)) {
      Failures.push_back({File, "file not found (generated by the build?)"});
      continue;
    }
    std::vector<UnitJob> FileJobs = unitJobsOf(I, File, DB, Adjust, Files);
    if (FileJobs.empty()) {
      Failures.push_back(
          {File, "translation unit could not be analyzed: no compile command"});
      continue;
    }
    for (UnitJob &J : FileJobs) {
      J.Crash = testCrashFor(File, J.Index);
      Jobs.push_back(std::move(J));
    }
  }
  return Jobs;
}

/// How many units run at once: -j, else one per core.
unsigned threadCount(const DriverOptions &Opts) {
  return Opts.Jobs ? Opts.Jobs
                   : llvm::hardware_concurrency().compute_thread_count();
}

/// --shard I/N: keeps this shard's 1/N of the files (every command of a
/// file goes with it).
void keepShardsUnits(std::set<std::string> &Units, const DriverOptions &Opts) {
  for (auto It = Units.begin(); It != Units.end();)
    It = shardOf(*It, Opts.SourceRoot, Opts.ShardCount) + 1 == Opts.ShardIndex
             ? std::next(It)
             : Units.erase(It);
}

/// The language server's one unit J: hands the edit to the worker
/// Opts.Kept holds for it, when that was forked with what this run has but
/// the buffers and the preamble's check (confirmKeptWorker), so that it
/// parses meanwhile. Key: what it was kept under. Whether one started;
/// logs which.
bool startKeptWorker(WorkerPool &Workers, const UnitJob &J,
                     const std::vector<const Config *> &UnitConfig,
                     ConfigSet &Cfgs, const DriverOptions &Opts,
                     std::string &Key, std::vector<std::string> &Log) {
  const Config *Cfg = UnitConfig[J.FileIndex];
  Key = keptWorkerKey(J, *Cfg, Cfgs.hashOf(Cfg), Opts);
  std::optional<WorkerProcess> W = Opts.Kept->take(J.File, Key);
  bool Started =
      W && Workers.startEarly(*W, unitRequest(/*Job=*/0, /*Record=*/false));
  Log.push_back(
      std::string(Started ? "worker kept from the last run" : "worker forked") +
      " for " + J.File);
  return Started;
}

/// After J's preamble was checked: the kept worker started early
/// (Started) stands when the preamble is the one it was forked with, else
/// it is dropped and a fresh worker analyzes the edit. Key becomes what the
/// worker is kept under after this run. Whether the kept worker stands.
bool confirmKeptWorker(WorkerPool &Workers, bool Started, const UnitJob &J,
                       const std::vector<const Config *> &UnitConfig,
                       ConfigSet &Cfgs, const DriverOptions &Opts,
                       std::string &Key, std::vector<std::string> &Log) {
  const Config *Cfg = UnitConfig[J.FileIndex];
  std::string Now = keptWorkerKey(J, *Cfg, Cfgs.hashOf(Cfg), Opts);
  bool Stands = Started && Now == Key;
  if (Started && !Stands) {
    Workers.cancelEarly(unitRequest(/*Job=*/0, /*Record=*/false));
    Log.push_back("worker kept from the last run dropped for " + J.File +
                  ": its preamble was built again (worker forked)");
  }
  Key = std::move(Now);
  return Stands;
}

/// Every job through Workers (or the cache), on Opts.Jobs threads, longest
/// first; the results in job order.
std::vector<UnitResult> runJobs(WorkerPool &Workers,
                                const std::vector<UnitJob> &Jobs,
                                const std::vector<const Config *> &UnitConfig,
                                ConfigSet &Cfgs, const DriverOptions &Opts,
                                UnitCache *Cache) {
  std::vector<UnitResult> Results(Jobs.size());
  ProgressCounter Progress(Opts, Jobs.size());
  auto Run = [&](size_t I) {
    const Config *Cfg = UnitConfig[Jobs[I].FileIndex];
    UnitResult R = runUnitCached(
        Jobs[I], *Cfg, Cfgs.hashOf(Cfg), Opts, Cache, [&](bool Record) {
          return runUnit(Workers, I, Jobs[I], *Cfg, Opts, Record);
        });
    Progress.unitDone(Jobs[I], R);
    return R;
  };
  unsigned Threads = threadCount(Opts);
  if (Threads <= 1 || Jobs.size() <= 1) {
    for (size_t I = 0; I < Jobs.size(); ++I)
      Results[I] = Run(I);
    return Results;
  }
  // Longest units first (file size as the estimate), so that the last unit
  // to start is a short one and the workers finish together.
  std::vector<std::pair<uint64_t, size_t>> Order;
  for (size_t I = 0; I < Jobs.size(); ++I) {
    uint64_t Size = 0;
    llvm::sys::fs::file_size(Jobs[I].File, Size);
    Order.push_back({Size, I});
  }
  std::stable_sort(
      Order.begin(), Order.end(),
      [](const auto &A, const auto &B) { return A.first > B.first; });
  llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(Threads));
  for (const auto &[Size, I] : Order)
    Pool.async([&, I = I] { Results[I] = Run(I); });
  Pool.wait();
  return Results;
}

/// The language server's log line of where a run's time went: each of
/// runAnalysis's phases, in its order, in milliseconds.
std::string phasesLine(const std::array<long long, 6> &Ms) {
  static const char *const Names[] = {"database, configuration and units",
                                      "preambles",
                                      "workers (fork, parse, rules, result)",
                                      "their end",
                                      "other units' facts",
                                      "whole-run stage"};
  std::string Line = "phases:";
  for (size_t I = 0; I < Ms.size(); ++I)
    Line += std::string(I ? ", " : " ") + Names[I] + " " +
            std::to_string(Ms[I]) + " ms";
  return Line;
}

/// The jobs' results as the whole-run stage takes them (the surveys go to
/// Result).
std::vector<AnalyzedUnit>
analyzedUnits(const std::vector<UnitJob> &Jobs,
              std::vector<UnitResult> &Results,
              const std::vector<const Config *> &UnitConfig,
              const DriverOptions &Opts, DriverResult &Result) {
  std::vector<AnalyzedUnit> Analyzed(Results.size());
  for (size_t I = 0; I < Results.size(); ++I) {
    const UnitJob &J = Jobs[I];
    UnitResult &R = Results[I];
    AnalyzedUnit &A = Analyzed[I];
    A.File = J.File;
    A.Index = J.Index;
    A.Count = J.Count;
    A.Original = J.Original;
    A.Cfg = UnitConfig[J.FileIndex];
    A.Findings = std::move(R.Findings);
    A.Facts = std::move(R.Facts);
    A.CallSites = std::move(R.CallSites);
    A.Failed = R.Failed;
    A.FailMessage = std::move(R.FailMessage);
    A.Diagnostics = std::move(R.Diagnostics);
    A.ConfigMatches = std::move(R.ConfigMatches);
    if (Opts.Survey && !R.Failed)
      Result.Surveys.push_back(std::move(R.Survey));
  }
  return Analyzed;
}

} // namespace

llvm::Expected<CachedOtherUnits>
readCachedFactsOfOtherUnits(const DriverOptions &Given,
                            const std::set<std::string> &Except,
                            llvm::raw_ostream &Diag) {
  DriverOptions Opts = Given;
  Opts.CachedFactsOfOtherUnits = true; // read only, never written
  if (!Opts.FileSystem)
    Opts.FileSystem = llvm::vfs::getRealFileSystem();
  CachedOtherUnits Out;
  auto DB = loadDatabase(Opts, Out.DatabaseFile);
  if (!DB)
    return DB.takeError();
  std::unique_ptr<UnitCache> Cache = openCache(Opts, Out.DatabaseFile, Diag);
  if (!Cache)
    return Out;
  Out.CacheDir = Cache->dir();
  ConfigSet Cfgs(Opts);
  Out.Facts =
      readOtherFacts(*Cache, allFilesOf(**DB), Except, **DB, unitAdjuster(Opts),
                     *Opts.FileSystem, Cfgs, Opts, Out.Cache);
  return Out;
}

void printCacheStats(const DriverResult &R, llvm::StringRef Prefix,
                     llvm::raw_ostream &OS) {
  if (R.CacheDir.empty())
    OS << Prefix << ": cache: not used\n";
  else
    OS << Prefix << ": cache " << R.CacheDir << ": " << R.Cache.Hits
       << " hits, " << R.Cache.Misses << " misses, " << R.Cache.Entries
       << " entries, " << R.Cache.Bytes << " bytes\n";
}

llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>
editorFileSystem(const std::map<std::string, std::string> &Buffers) {
  auto Mem = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  for (const auto &[Path, Text] : Buffers)
    Mem->addFile(Path, 0, llvm::MemoryBuffer::getMemBufferCopy(Text, Path));
  auto FS = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(
      llvm::vfs::createPhysicalFileSystem());
  FS->pushOverlay(Mem);
  return FS;
}

llvm::Expected<DriverResult> runAnalysis(const DriverOptions &Opts,
                                         llvm::raw_ostream &Diag) {
  enableCrashRecovery();
  auto Lap = std::chrono::steady_clock::now();
  DriverResult Result;
  // --changed: only C and C++ files that exist are mapped; with none,
  // nothing runs (not even the database search).
  ChangedSelection Changed;
  if (Opts.Changed) {
    Changed = selectChanged(Opts.Inputs);
    if (Changed.Files.empty()) {
      for (std::string &L : Changed.Lines)
        if (!L.empty())
          Result.Mapping.push_back(std::move(L));
      Result.Mapping.push_back("analyzed: nothing");
      return Result;
    }
  }
  auto DBOrErr = loadDatabase(Opts, Result.DatabaseFile);
  if (!DBOrErr)
    return DBOrErr.takeError();
  std::unique_ptr<CompilationDatabase> DB =
      inferMissingCompileCommands(std::move(*DBOrErr));
  ArgumentsAdjuster Adjust = unitAdjuster(Opts);
  ConfigSet Cfgs(Opts);
  // Opened once the units are known (a usage error creates no cache
  // directory), except that --changed maps through it.
  std::unique_ptr<UnitCache> Cache;
  if (Opts.Changed)
    Cache = openCache(Opts, Result.DatabaseFile, Diag);

  // Which units. What exists is what the analysis will read: the language
  // server's overlay (unsaved and never-saved documents) over the disk.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> Files =
      Opts.FileSystem ? Opts.FileSystem : llvm::vfs::getRealFileSystem();
  std::set<std::string> Units;
  std::vector<std::string> AllFiles = allFilesOf(*DB);
  // The language server reads the cache (other units' facts, which unit
  // reads a header); the CLI opens it below, once the configuration loaded.
  std::unique_ptr<UnitCache> ReadCache;
  if (Opts.CachedFactsOfOtherUnits && Opts.FileSystem)
    ReadCache = openCache(Opts, Result.DatabaseFile, Diag);
  if (Opts.Changed) {
    Units = mapChangedFiles(
        std::move(Changed), AllFiles,
        [&] {
          return commandProbes(Opts, *DB, AllFiles, Cfgs, Adjust,
                               Cache != nullptr);
        },
        Cache.get(), threadCount(Opts), Diag, Result.Mapping);
    Result.Mapping.push_back("analyzed: " + listShown(Units));
    if (Units.empty()) {
      if (Cache) {
        Result.CacheDir = Cache->dir();
        Result.Cache = Cache->finish();
      }
      return Result;
    }
  } else if (Opts.Inputs.empty()) {
    if (AllFiles.empty())
      return fail("the compilation database lists no file; give files to "
                  "analyze");
    Units.insert(AllFiles.begin(), AllFiles.end());
  }
  if (!Opts.Changed)
    addInputUnits(
        Opts.Inputs, AllFiles, *Files,
        [&](const std::string &Header) {
          return ReadCache ? unitReading(Header, AllFiles, *DB, Adjust, Cfgs,
                                         *ReadCache, Opts, *Files)
                           : std::string();
        },
        Units, Result.Failures);
  keepOneNamePerFile(Units, AllFiles, *Files, Diag);
  if (Opts.ShardCount)
    keepShardsUnits(Units, Opts);
  Result.Units.assign(Units.begin(), Units.end());

  // Configuration of every unit, before anything is analyzed.
  auto ConfigsOrErr = configsOf(Result.Units, Cfgs);
  if (!ConfigsOrErr)
    return ConfigsOrErr.takeError();
  const std::vector<const Config *> UnitConfig = std::move(*ConfigsOrErr);

  std::vector<UnitJob> Jobs =
      jobsOfUnits(Result.Units, *DB, Adjust, *Files, Result.Failures);

  // The units selected are analyzed afresh in the language server: never
  // through the cache, which it reads for the other units only.
  if (!Opts.Changed && !ReadCache)
    Cache = openCache(Opts, Result.DatabaseFile, Diag);
  long long SetupMs = lapMs(Lap);
  // Every unit, in parallel; results are merged in unit order.
  std::vector<UnitResult> Results;
  long long PreambleMs = 0, UnitsMs = 0;
  { // The workers end with this block, once every unit is done.
    // Jobs and UnitConfig are what the workers read: fixed from here on.
    WorkerPool Workers([&](uint64_t Request, const std::string *Payload) {
      return analyzeRequest(Request, Payload, Jobs, UnitConfig, Opts);
    });
    // The language server's one unit: the worker kept from its last run
    // parses the edit while its preamble is checked (and is dropped if the
    // preamble was built again), as each later request, with the editor's
    // buffers of now.
    std::string KeptKey;
    bool KeptStarted = false;
    auto FirstRequest = std::chrono::steady_clock::now();
    if (Opts.Kept && Opts.Preambles && Jobs.size() == 1) {
      Workers.setPayload(buffersToPayload(Opts.Buffers));
      KeptStarted = startKeptWorker(Workers, Jobs[0], UnitConfig, Cfgs, Opts,
                                    KeptKey, Result.PreambleLog);
    }
    // The language server: each unit's preamble, current before the
    // workers fork and inherit it.
    if (Opts.Preambles)
      preparePreambles(
          *Opts.Preambles, Jobs, UnitConfig,
          [&](const Config *C) {
            return hex64(Cfgs.hashOf(C)) + '\0' + C->SourceFile + '\0' +
                   Opts.RuleGlobs + '\0' +
                   (Opts.ExplainConfig ? "explain" : "");
          },
          Files, Opts, Result.PreambleLog);
    if (!KeptKey.empty())
      KeptStarted = confirmKeptWorker(Workers, KeptStarted, Jobs[0], UnitConfig,
                                      Cfgs, Opts, KeptKey, Result.PreambleLog);
    if (Opts.Preambles && !KeptStarted)
      // A worker forks from here: what this process freed since the last
      // analysis (the previous results, the database read again) is handed
      // back first, or each page a worker reuses is a copy-on-write fault
      // (Preamble.cpp's trim after a build says more).
      malloc_trim(0);
    PreambleMs = lapMs(Lap);
    if (!KeptStarted)
      FirstRequest = Lap;
    Results = runJobs(Workers, Jobs, UnitConfig, Cfgs, Opts, Cache.get());
    UnitsMs = lapMs(Lap);
    Result.WorkerKept = KeptStarted;
    Result.WorkersMs = static_cast<unsigned>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Lap -
                                                              FirstRequest)
            .count());
    if (!KeptKey.empty())
      if (std::optional<WorkerProcess> W = Workers.release())
        Opts.Kept->keep(Jobs[0].File, std::move(KeptKey), *W);
  }
  long long PoolEndMs = lapMs(Lap);
  if (Cache) {
    Result.CacheDir = Cache->dir();
    Result.Cache = Cache->finish();
  }

  // The language server: the call-graph facts of every other unit of the
  // database whose entry is valid (through the editor's buffers), so that
  // chains cross units as the CLI draws them. The selected units are not
  // among them: their stale entries never stand in for the fresh facts.
  std::vector<std::pair<std::string, TUFacts>> OtherFacts; // by unit file
  if (ReadCache) {
    Result.CacheDir = ReadCache->dir();
    OtherFacts = readOtherFacts(*ReadCache, AllFiles, Units, *DB, Adjust,
                                *Files, Cfgs, Opts, Result.Cache);
  }
  long long OtherFactsMs = lapMs(Lap);
  std::vector<AnalyzedUnit> Analyzed =
      analyzedUnits(Jobs, Results, UnitConfig, Opts, Result);
  if (Opts.KeepUnitResults) {
    Result.UnitResults = Analyzed;
    Result.FileFailures = Result.Failures;
    for (const auto &[Path, Text] : Cfgs.Text)
      Result.ConfigTexts[Path] = Text;
  }
  finishRun(std::move(Analyzed), std::move(OtherFacts), Cfgs.ByPath,
            UnitConfig.empty() ? nullptr : UnitConfig.front(), Opts, Result,
            Diag);
  if (Opts.Preambles)
    Result.PreambleLog.push_back(phasesLine(
        {SetupMs, PreambleMs, UnitsMs, PoolEndMs, OtherFactsMs, lapMs(Lap)}));
  if (Opts.KeepUnitResults)
    Result.Configs = std::move(Cfgs.ByPath);
  return Result;
}

} // namespace factoryguard

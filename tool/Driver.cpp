//===- Driver.cpp - Compilation database, units in parallel -------------===//
#include "Driver.h"

#include "Analysis.h"
#include "CallGraph.h"
#include "Config.h"
#include "Model.h"
#include "Suppression.h"
#include "UnitCommand.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendActions.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

using namespace clang;
using namespace clang::tooling;

namespace factoryguard {

namespace {

llvm::Error fail(const llvm::Twine &Msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Msg);
}

/// Finds compile_commands.json: -p, else upward from the working directory,
/// also in build/ of each directory.
llvm::Expected<std::unique_ptr<CompilationDatabase>>
loadDatabase(const DriverOptions &Opts) {
  std::string Error;
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
    auto DB = JSONCompilationDatabase::loadFromFile(
        Json, Error, JSONCommandLineSyntax::AutoDetect);
    if (!DB)
      return fail("cannot read '" + Json + "': " + Error);
    return std::unique_ptr<CompilationDatabase>(std::move(DB));
  }
  llvm::SmallString<256> Dir;
  llvm::sys::fs::current_path(Dir);
  std::vector<std::string> Looked;
  for (llvm::StringRef D = Dir; !D.empty(); D = llvm::sys::path::parent_path(D)) {
    for (const char *Sub : {"", "/build"}) {
      std::string Json = (D + Sub + "/compile_commands.json").str();
      Looked.push_back(Json);
      if (!llvm::sys::fs::exists(Json))
        continue;
      auto DB = JSONCompilationDatabase::loadFromFile(
          Json, Error, JSONCommandLineSyntax::AutoDetect);
      if (!DB)
        return fail("cannot read '" + Json + "': " + Error);
      return std::unique_ptr<CompilationDatabase>(std::move(DB));
    }
  }
  std::string Msg = "no compile_commands.json found; looked in:";
  for (const std::string &L : Looked)
    Msg += "\n  " + L;
  Msg += "\npass -p <build-dir>, or give compiler flags after '--'";
  return fail(Msg);
}

bool isSourceFile(llvm::StringRef Path) {
  llvm::StringRef Ext = llvm::sys::path::extension(Path);
  return Ext == ".cpp" || Ext == ".cc" || Ext == ".cxx" || Ext == ".c++" ||
         Ext == ".C" || Ext == ".c";
}

/// The consumer: one Analysis per unit, run once the AST is complete.
class AnalysisConsumer : public ASTConsumer {
public:
  explicit AnalysisConsumer(Analysis &A) : A(A) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (Ctx.getDiagnostics().hasUnrecoverableErrorOccurred())
      return;
    A.run(Ctx);
  }

private:
  Analysis &A;
};

class AnalysisAction : public ASTFrontendAction {
public:
  explicit AnalysisAction(Analysis &A) : A(A) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &,
                                                 llvm::StringRef) override {
    return std::make_unique<AnalysisConsumer>(A);
  }

private:
  Analysis &A;
};

class ActionFactory : public FrontendActionFactory {
public:
  explicit ActionFactory(Analysis &A) : A(A) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<AnalysisAction>(A);
  }

private:
  Analysis &A;
};

/// Counts errors and keeps clang's rendering of them.
class CapturingConsumer : public TextDiagnosticPrinter {
public:
  CapturingConsumer(llvm::raw_ostream &OS, DiagnosticOptions *Opts)
      : TextDiagnosticPrinter(OS, Opts) {}
  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const Diagnostic &Info) override {
    if (Level == DiagnosticsEngine::Error || Level == DiagnosticsEngine::Fatal) {
      ++Errors;
      if (First.empty()) {
        llvm::SmallString<128> Msg;
        Info.FormatDiagnostic(Msg);
        First = std::string(Msg);
      }
    }
    if (Level >= DiagnosticsEngine::Error)
      TextDiagnosticPrinter::HandleDiagnostic(Level, Info);
  }
  unsigned Errors = 0;
  std::string First;
};

struct UnitResult {
  std::vector<Finding> Findings;
  TUFacts Facts;
  bool Failed = false;
  std::string FailMessage;
  std::string Diagnostics;
};

UnitResult analyzeUnit(const CompilationDatabase &DB, const std::string &File,
                       const Config &Cfg, const DriverOptions &Opts) {
  UnitResult R;
  auto Work = [&] {
    ClangTool Tool(DB, {File}, std::make_shared<PCHContainerOperations>(),
                   llvm::vfs::createPhysicalFileSystem());
    Tool.appendArgumentsAdjuster(
        unitArgumentsAdjuster(Opts.ExtraArgsBefore, Opts.ExtraArgs));

    llvm::raw_string_ostream DiagOS(R.Diagnostics);
    auto DiagOpts = llvm::makeIntrusiveRefCnt<DiagnosticOptions>();
    DiagOpts->ShowColors = false;
    CapturingConsumer Diags(DiagOS, DiagOpts.get());
    Tool.setDiagnosticConsumer(&Diags);
    Tool.setPrintErrorMessage(false);

    Analysis A(Cfg, Opts.RuleGlobs);
    ActionFactory Factory(A);
    int RC = Tool.run(&Factory);
    R.Findings = A.takeFindings();
    R.Facts = A.takeFacts();
    if (RC != 0 || Diags.Errors) {
      R.Failed = true;
      R.FailMessage = Diags.Errors
                          ? std::to_string(Diags.Errors) +
                                " compile error(s), first: " + Diags.First
                          : "clang could not run the compile command";
    }
  };
  llvm::CrashRecoveryContext CRC;
  if (!CRC.RunSafely(Work)) {
    R = UnitResult();
    R.Failed = true;
    R.FailMessage = "clang crashed while analyzing this unit";
  }
  return R;
}

} // namespace

llvm::Expected<DriverResult> runAnalysis(const DriverOptions &Opts,
                                         llvm::raw_ostream &Diag) {
  auto DBOrErr = loadDatabase(Opts);
  if (!DBOrErr)
    return DBOrErr.takeError();
  std::unique_ptr<CompilationDatabase> DB =
      inferMissingCompileCommands(std::move(*DBOrErr));

  DriverResult Result;
  // Which units.
  std::set<std::string> Units;
  std::vector<std::string> AllFiles = DB->getAllFiles();
  for (std::string &F : AllFiles)
    F = normalizePath(F);
  if (Opts.Inputs.empty()) {
    if (AllFiles.empty())
      return fail("the compilation database lists no file; give files to "
                  "analyze");
    Units.insert(AllFiles.begin(), AllFiles.end());
  }
  for (const std::string &In : Opts.Inputs) {
    std::string Path = normalizePath(In);
    llvm::sys::fs::file_status St;
    if (llvm::sys::fs::status(Path, St) || !llvm::sys::fs::exists(St)) {
      Result.Failures.push_back({Path, "no such file or directory: '" + In + "'"});
      continue;
    }
    if (llvm::sys::fs::is_directory(St)) {
      size_t Before = Units.size();
      std::string Prefix = Path + "/";
      for (const std::string &F : AllFiles)
        if (llvm::StringRef(F).starts_with(Prefix))
          Units.insert(F);
      if (Units.size() == Before) {
        std::error_code EC;
        for (llvm::sys::fs::recursive_directory_iterator It(Path, EC), End;
             It != End && !EC; It.increment(EC))
          if (isSourceFile(It->path()))
            Units.insert(normalizePath(It->path()));
      }
      if (Units.size() == Before)
        Result.Failures.push_back(
            {Path, "no translation unit under directory '" + In + "'"});
      continue;
    }
    Units.insert(Path);
  }
  Result.Units.assign(Units.begin(), Units.end());

  // Configuration of every unit, before anything is analyzed.
  std::map<std::string, std::unique_ptr<Config>> Configs; // by file
  std::vector<const Config *> UnitConfig;
  static const Config Empty;
  for (const std::string &U : Result.Units) {
    std::string CfgPath = Opts.ConfigFile.empty() ? findConfigFor(U)
                                                  : normalizePath(Opts.ConfigFile);
    if (CfgPath.empty()) {
      UnitConfig.push_back(&Empty);
      continue;
    }
    auto It = Configs.find(CfgPath);
    if (It == Configs.end()) {
      auto C = loadConfigFile(CfgPath);
      if (!C)
        return C.takeError();
      It = Configs.emplace(CfgPath, std::make_unique<Config>(std::move(*C))).first;
    }
    UnitConfig.push_back(It->second.get());
  }

  // Every unit, in parallel; results are merged in unit order.
  std::vector<UnitResult> Results(Result.Units.size());
  unsigned Jobs = Opts.Jobs ? Opts.Jobs : llvm::hardware_concurrency().compute_thread_count();
  if (Jobs <= 1 || Result.Units.size() <= 1) {
    for (size_t I = 0; I < Result.Units.size(); ++I)
      Results[I] = analyzeUnit(*DB, Result.Units[I], *UnitConfig[I], Opts);
  } else {
    // Longest units first (file size as the estimate), so that the last
    // unit to start is a short one and the workers finish together; results
    // keep the unit order.
    std::vector<std::pair<uint64_t, size_t>> Order;
    for (size_t I = 0; I < Result.Units.size(); ++I) {
      uint64_t Size = 0;
      llvm::sys::fs::file_size(Result.Units[I], Size);
      Order.push_back({Size, I});
    }
    std::stable_sort(Order.begin(), Order.end(),
                     [](const auto &A, const auto &B) { return A.first > B.first; });
    llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(Jobs));
    for (const auto &[Size, I] : Order)
      Pool.async([&, I = I] {
        Results[I] = analyzeUnit(*DB, Result.Units[I], *UnitConfig[I], Opts);
      });
    Pool.wait();
  }

  CallGraph Graph;
  std::set<std::tuple<std::string, std::string, unsigned>> Seen;
  for (size_t I = 0; I < Results.size(); ++I) {
    UnitResult &R = Results[I];
    if (!R.Diagnostics.empty())
      Diag << R.Diagnostics;
    if (R.Failed)
      Result.Failures.push_back({Result.Units[I], R.FailMessage});
    Graph.add(R.Facts);
    for (Finding &F : R.Findings)
      if (Seen.insert({F.RuleId, F.Where.File, F.Where.Offset}).second)
        Result.Findings.push_back(std::move(F));
  }
  std::sort(Result.Findings.begin(), Result.Findings.end());
  // Identical calls in one function share a stable key: number them in
  // source order so every finding has its own fingerprint.
  std::map<std::string, unsigned> KeyCount;
  for (Finding &F : Result.Findings)
    if (unsigned N = KeyCount[F.StableKey]++)
      F.StableKey += "#" + std::to_string(N + 1);
  Graph.attachChains(Result.Findings);
  SuppressionIndex Suppressions;
  for (Finding &F : Result.Findings)
    Suppressions.apply(F);
  std::sort(Result.Failures.begin(), Result.Failures.end(),
            [](const UnitFailure &A, const UnitFailure &B) { return A.File < B.File; });
  return Result;
}

} // namespace factoryguard

//===- TidyModule.cpp - factoryguard's rules as clang-tidy checks --------===//
//
// A clang-tidy plugin (SPEC §6): `clang-tidy --load=libfactoryguard-tidy.so
// --checks='-*,factoryguard-*' file.cpp`. One check per row of Rules.def,
// all of the same class: an adapter that holds no rule logic. It owns the
// Config and TUState of one translation unit, registers the rule's callbacks
// (RuleRegistry.h: the rule and any collector it needs) on clang-tidy's
// MatchFinder, finishes the unit's findings with the program-wide steps the
// CLI runs after every unit (CallGraph: inference, factory objects set up
// elsewhere, chains), and renders the Findings as clang-tidy diagnostics:
// the warning with its range and fix-its, then the call chain and the notes
// with the texts the CLI prints.
//
// The other units (SPEC §6): their call-graph facts come from the cache a
// CLI run filled, beside the unit's compile_commands.json (found upward
// from the command's directory, then from the file) or in the directory
// the option FactoryguardCacheDir names; an entry counts only if it is
// valid for the files as they are now. Without a cache, the steps see this
// unit alone, and the plugin says so once per process on standard error.
//
// Configuration: the nearest .factoryguard.yaml above the main file, then
// the check's CheckOptions (Contexts, Managers, Factories, Startup,
// RequestEntries, ContextSources, Holders; ';'-separated) replace the list of
// the same name.
//
// The plugin links no clang-tidy library: ClangTidyCheck, the module
// registry and the option machinery resolve from the clang-tidy executable
// that loads it (Debian's clang-tidy-19 exports them).
//
//===----------------------------------------------------------------------===//
#include "Analysis.h"
#include "CallGraph.h"
#include "Config.h"
#include "Driver.h"
#include "Fingerprint.h"
#include "RuleRegistry.h"
#include "Rules.h"
#include "SourceRoot.h"

#include "clang-tidy/ClangTidyCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>

using namespace clang;
using namespace clang::ast_matchers;
using namespace clang::tidy;

namespace factoryguard {
namespace {

//===----------------------------------------------------------------------===//
// .factoryguard.yaml, read once per file per process
//===----------------------------------------------------------------------===//

struct LoadedConfig {
  std::shared_ptr<const Config> Cfg; // never null; empty when Error is set
  std::string Error;                 // "file:line:col: what" when malformed
};

/// The configuration that applies to MainFile ("" = the working directory).
/// clang-tidy creates every check anew for every unit: the cache keeps three
/// checks times N units from parsing the same file again.
const LoadedConfig &configFor(llvm::StringRef MainFile) {
  static std::mutex Mutex;
  static std::map<std::string, LoadedConfig> Cache; // by config path
  std::string Path = findConfigFor(MainFile);
  std::lock_guard<std::mutex> Lock(Mutex);
  auto It = Cache.find(Path);
  if (It != Cache.end())
    return It->second;
  LoadedConfig L;
  if (Path.empty()) {
    L.Cfg = std::make_shared<Config>();
  } else if (llvm::Expected<Config> C = loadConfigFile(Path)) {
    L.Cfg = std::make_shared<Config>(std::move(*C));
  } else {
    L.Cfg = std::make_shared<Config>();
    L.Error = llvm::toString(C.takeError());
    // Config errors read "<file>:<line>:<col>: error: <what>"; clang-tidy
    // adds its own "error: ".
    size_t P = L.Error.find(": error: ");
    if (P != std::string::npos)
      L.Error.erase(P, std::strlen(": error"));
  }
  return Cache.emplace(Path, std::move(L)).first->second;
}

/// A malformed file is reported once per process, not once per check and
/// unit.
bool firstReportOf(const std::string &Key) {
  static std::mutex Mutex;
  static std::set<std::string> Reported;
  std::lock_guard<std::mutex> Lock(Mutex);
  return Reported.insert(Key).second;
}

std::string joinFactories(const std::vector<FactoryEntry> &Factories) {
  std::string Out;
  for (const FactoryEntry &F : Factories) {
    if (!Out.empty())
      Out += ';';
    Out += F.Name.text();
  }
  return Out;
}

//===----------------------------------------------------------------------===//
// The other units, from the CLI's cache (SPEC §6)
//===----------------------------------------------------------------------===//

/// The compile_commands.json of the unit: upward from the directory of its
/// command (where CMake writes the database), then upward from the file,
/// each directory and its build/ (as the CLI looks from its working
/// directory). "" when there is none.
std::string findDatabase(llvm::StringRef BuildDir, llvm::StringRef MainFile) {
  for (llvm::StringRef Start :
       {BuildDir, llvm::sys::path::parent_path(MainFile)})
    for (llvm::StringRef D = Start; !D.empty();
         D = llvm::sys::path::parent_path(D))
      for (const char *Sub : {"", "/build"}) {
        std::string Json = (D + Sub + "/compile_commands.json").str();
        if (llvm::sys::fs::is_regular_file(Json))
          return normalizePath(Json);
      }
  return "";
}

/// Said once per process on standard error: why chains and the inference
/// may differ from the CLI's.
void noteOnce(const std::string &Message) {
  if (firstReportOf("note: " + Message))
    llvm::errs() << "factoryguard: " << Message << "\n";
}

/// The cache's facts of every unit of the database, read once per process
/// per database and cache; null (with a note) when there are none.
std::shared_ptr<const CachedOtherUnits>
cachedUnits(const std::string &Database, const std::string &CacheDir) {
  static std::mutex Mutex;
  static std::map<std::pair<std::string, std::string>,
                  std::shared_ptr<const CachedOtherUnits>>
      Read;
  std::lock_guard<std::mutex> Lock(Mutex);
  auto [It, New] = Read.try_emplace({Database, CacheDir});
  if (!New)
    return It->second;
  DriverOptions Opts;
  Opts.BuildPath = Database;
  Opts.CacheDir = CacheDir;
  std::string Problems;
  llvm::raw_string_ostream Diag(Problems);
  llvm::Expected<CachedOtherUnits> Units =
      readCachedFactsOfOtherUnits(Opts, {}, Diag);
  const std::string Within =
      ": call chains and request-scope inference stay within each unit, "
      "and may differ from the CLI's";
  if (!Units) {
    noteOnce("cannot read " + Database + " (" +
             llvm::toString(Units.takeError()) + ")" + Within);
    return nullptr;
  }
  if (Units->CacheDir.empty()) {
    noteOnce(
        "no factoryguard cache " +
        (CacheDir.empty() ? "beside " + Database : "in '" + CacheDir + "'") +
        Within + " (run `factoryguard -p " +
        llvm::sys::path::parent_path(Database).str() +
        "` to fill it, or set the option FactoryguardCacheDir)");
    return nullptr;
  }
  if (Units->Cache.Misses)
    noteOnce(std::to_string(Units->Cache.Misses) + " unit(s) of " + Database +
             " have no valid entry in " + Units->CacheDir +
             " (changed or not analyzed since factoryguard last ran): their "
             "calls are unknown here");
  It->second = std::make_shared<const CachedOtherUnits>(std::move(*Units));
  return It->second;
}

//===----------------------------------------------------------------------===//
// Finding locations back to SourceLocations
//===----------------------------------------------------------------------===//

/// Findings hold absolute paths and byte offsets; the unit's FileManager
/// knows every file it read under the same identity, and reads the files of
/// other units that chains and notes from the cache point into.
class LocationResolver {
public:
  /// Files no unit of this one read are opened only under Root (the
  /// CLI's source root): a cache entry never makes the plugin quote a file
  /// from outside the checkout (SPEC §7, untrusted input).
  LocationResolver(SourceManager &SM, std::string Root)
      : SM(SM), Root(std::move(Root)) {}

  SourceLocation begin(const SourceRange &R) {
    FileID FID = fileOf(R);
    if (FID.isInvalid())
      return SourceLocation();
    return SM.getComposedLoc(FID, R.Offset);
  }

  CharSourceRange range(const SourceRange &R) {
    SourceLocation B = begin(R);
    if (B.isInvalid())
      return CharSourceRange();
    return CharSourceRange::getCharRange(
        B, B.getLocWithOffset(static_cast<int>(R.Length)));
  }

private:
  FileID fileOf(const SourceRange &R) {
    if (!R.valid())
      return FileID();
    auto It = Files.find(R.File);
    if (It == Files.end()) {
      FileID FID;
      if (OptionalFileEntryRef FE =
              SM.getFileManager().getOptionalFileRef(R.File)) {
        FID = SM.translateFile(*FE);
        // A chain step or note in another unit's file (from the cache):
        // loaded for its location only, as clang loads a file it reports
        // on.
        if (FID.isInvalid() && pathRelativeToRoot(R.File, Root))
          FID = SM.createFileID(*FE, SourceLocation(), SrcMgr::C_User);
      }
      It = Files.try_emplace(R.File, FID).first;
    }
    FileID FID = It->second;
    if (FID.isValid() && R.Offset + R.Length > SM.getFileIDSize(FID))
      return FileID();
    return FID;
  }

  SourceManager &SM;
  std::string Root;
  llvm::StringMap<FileID> Files;
};

//===----------------------------------------------------------------------===//
// The checks
//===----------------------------------------------------------------------===//

/// One rule as a clang-tidy check; the check's name is the rule id.
class FactoryguardCheck final : public ClangTidyCheck {
public:
  FactoryguardCheck(llvm::StringRef Name, ClangTidyContext *Context);
  void registerMatchers(MatchFinder *Finder) override;
  void onEndOfTranslationUnit() override;
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

private:
  /// Inference and chains within this unit (the
  /// CLI joins every unit of the database).
  void finishUnit();

  Config Cfg; // declared before State: State keeps a reference to it
  /// Starts afresh with every unit: the RuleCallbacks reset it in
  /// onStartOfTranslationUnit, which clang-tidy's MatchFinder calls.
  TUState State;

  /// Reports a configuration problem as a clang-tidy-config error; on
  /// standard error when clang-tidy built this check only to collect option
  /// names (--verify-config), where no diagnostics engine exists.
  void configurationError(const std::string &Message);
  void overrideList(llvm::StringRef Option, NameList &Target);
  void overrideFactories();
  /// The other units' cached facts, when the configuration is the file's
  /// (options that replace a list make the CLI's facts not this unit's).
  std::shared_ptr<const CachedOtherUnits> otherUnits() const;

  ClangTidyContext *Tidy;
  RuleCallbacks Callbacks;
  bool ListsOverridden = false; // some option replaced a list
  std::string CacheDirOption;   // FactoryguardCacheDir
};

FactoryguardCheck::FactoryguardCheck(llvm::StringRef Name,
                                     ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), State(Cfg), Tidy(Context) {
  const LoadedConfig &L = configFor(Context->getCurrentFile());
  Cfg = *L.Cfg;
  if (!L.Error.empty() && firstReportOf(L.Error))
    configurationError("invalid factoryguard configuration " + L.Error +
                       "; continuing with an empty configuration");
  overrideList("Contexts", Cfg.Contexts);
  overrideList("Managers", Cfg.Managers);
  overrideFactories();
  overrideList("Startup", Cfg.Startup);
  overrideList("RequestEntries", Cfg.RequestEntries);
  overrideList("ContextSources", Cfg.ContextSources);
  overrideList("Holders", Cfg.Holders);
  CacheDirOption = Options.getLocalOrGlobal("FactoryguardCacheDir", "");
}

void FactoryguardCheck::configurationError(const std::string &Message) {
  if (Tidy->getOptionsCollector()) {
    llvm::errs() << "error: " << Message << " [clang-tidy-config]\n";
    return;
  }
  configurationDiag("%0", DiagnosticIDs::Error) << Message;
}

/// An option that is absent or empty leaves the file's list alone, so the
/// empty values --dump-config writes for unset lists override nothing.
void FactoryguardCheck::overrideList(llvm::StringRef Option, NameList &Target) {
  std::optional<llvm::StringRef> Value = Options.get(Option);
  if (!Value || Value->trim().empty())
    return;
  llvm::Expected<NameList> List = NameList::parseList(*Value);
  if (!List) {
    configurationError("invalid value '" + Value->str() + "' for option '" +
                       getID().str() + "." + Option.str() +
                       "': " + llvm::toString(List.takeError()));
    return;
  }
  Target = std::move(*List);
  ListsOverridden = true;
}

/// Factories from the option use their first context parameter, except a
/// name the YAML file also lists: it keeps that entry's context-param, so
/// feeding --dump-config's output back changes nothing.
void FactoryguardCheck::overrideFactories() {
  NameList Names;
  overrideList("Factories", Names);
  if (Names.empty())
    return;
  std::vector<FactoryEntry> Factories;
  for (const NameMatcher &N : Names.Entries) {
    FactoryEntry E{N, std::nullopt};
    for (const FactoryEntry &Old : Cfg.Factories)
      if (Old.Name.text() == N.text())
        E.ContextParam = Old.ContextParam;
    Factories.push_back(std::move(E));
  }
  Cfg.Factories = std::move(Factories);
}

void FactoryguardCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "Contexts", Cfg.Contexts.join());
  Options.store(Opts, "Managers", Cfg.Managers.join());
  Options.store(Opts, "Factories", joinFactories(Cfg.Factories));
  Options.store(Opts, "Startup", Cfg.Startup.join());
  Options.store(Opts, "RequestEntries", Cfg.RequestEntries.join());
  Options.store(Opts, "ContextSources", Cfg.ContextSources.join());
  Options.store(Opts, "Holders", Cfg.Holders.join());
  Options.store(Opts, "FactoryguardCacheDir", CacheDirOption);
}

void FactoryguardCheck::registerMatchers(MatchFinder *Finder) {
  // severity "off" in .factoryguard.yaml turns the rule off here too.
  if (!Analysis::ruleEnabled(Cfg, "", getID()))
    return;
  if (Callbacks.empty())
    addRuleCallbacks(getID(), State, Callbacks);
  for (auto &C : Callbacks)
    C->registerMatchers(*Finder);
  // MatchFinder calls onEndOfTranslationUnit only on callbacks that have a
  // matcher: this one gives the check its end-of-unit hook.
  Finder->addMatcher(translationUnitDecl(), this);
}

void FactoryguardCheck::onEndOfTranslationUnit() {
  if (State.Findings.empty())
    return; // nothing to render (and State may never have seen the unit)
  finishUnit();
  std::vector<Finding> Findings = std::move(State.Findings);
  State.Findings.clear();
  State.Facts = TUFacts();
  std::sort(Findings.begin(), Findings.end());

  static const std::string Root = defaultSourceRoot(); // once per process
  LocationResolver Locs(State.astContext().getSourceManager(), Root);
  for (const Finding &F : Findings) {
    if (F.Suppressed) // clang-tidy applies NOLINT itself
      continue;
    // Every finding is a warning: an error-level clang-tidy diagnostic
    // would turn --fix off. Severity "error" maps to WarningsAsErrors.
    {
      SourceLocation Loc = Locs.begin(F.Where);
      DiagnosticBuilder D = Loc.isValid() ? diag(Loc, "%0") : diag("%0");
      D << F.Message;
      CharSourceRange Range = Locs.range(F.Where);
      if (Range.isValid() && F.Where.Length)
        D << Range;
      for (const FixIt &Fix : F.Fixes) {
        CharSourceRange FixRange = Locs.range(Fix.Where);
        if (FixRange.isInvalid())
          continue;
        if (Fix.Where.Length)
          D << FixItHint::CreateReplacement(FixRange, Fix.Replacement);
        else
          D << FixItHint::CreateInsertion(FixRange.getBegin(), Fix.Replacement);
      }
    } // the warning is emitted here, before its notes
    auto EmitNote = [&](const SourceRange &Where, const std::string &Text) {
      SourceLocation Loc = Locs.begin(Where);
      if (Loc.isValid())
        diag(Loc, "%0", DiagnosticIDs::Note) << Text;
      else
        diag("%0", DiagnosticIDs::Note) << Text;
    };
    for (size_t I = 0; I < F.Chain.size(); ++I)
      EmitNote(F.Chain[I].Where, "call chain " + std::to_string(I + 1) + "/" +
                                     std::to_string(F.Chain.size()) + ": " +
                                     F.Chain[I].Message);
    for (const factoryguard::Note &N : F.Notes)
      EmitNote(N.Where, N.Message);
  }
}

std::shared_ptr<const CachedOtherUnits> FactoryguardCheck::otherUnits() const {
  if (ListsOverridden) {
    noteOnce("check options replace lists of .factoryguard.yaml: the CLI's "
             "cache does not apply, so call chains and request-scope "
             "inference stay within each unit");
    return nullptr;
  }
  std::string MainFile = normalizePath(Tidy->getCurrentFile());
  std::string Database =
      findDatabase(Tidy->getCurrentBuildDirectory(), MainFile);
  if (Database.empty()) {
    noteOnce("no compile_commands.json above " + MainFile +
             ": call chains and request-scope inference stay within each "
             "unit, and may differ from the CLI's");
    return nullptr;
  }
  return cachedUnits(
      Database, CacheDirOption.empty() ? "" : normalizePath(CacheDirOption));
}

/// The whole-program steps of the CLI's run (WholeRun.cpp, finishRun) over
/// this unit's facts and, in the CLI's unit order, every other unit's
/// facts from the cache.
void FactoryguardCheck::finishUnit() {
  CallGraph G;
  ProgramFacts Program{G, {}};
  auto Add = [&](const TUFacts &Facts) {
    G.add(Facts);
    Program.Units.push_back(&Facts);
  };
  std::string MainFile = normalizePath(Tidy->getCurrentFile());
  std::shared_ptr<const CachedOtherUnits> Others = otherUnits();
  bool OwnAdded = false;
  if (Others)
    for (const auto &[File, Facts] : Others->Facts) {
      if (File == MainFile)
        continue; // this unit's fresh facts, never its cached ones
      if (!OwnAdded && MainFile < File) {
        Add(State.Facts);
        OwnAdded = true;
      }
      Add(Facts);
    }
  if (!OwnAdded)
    Add(State.Facts);
  G.attachChains(State.Findings);
  resolveProgram(Program, State.Findings);
}

class FactoryguardModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
    for (const RuleInfo &R : allRules())
      Factories.registerCheck<FactoryguardCheck>(R.Id);
  }
};

} // namespace
} // namespace factoryguard

namespace clang::tidy {
namespace {

// Registers the module when clang-tidy loads the plugin (--load).
ClangTidyModuleRegistry::Add<factoryguard::FactoryguardModule>
    X("factoryguard-module",
      "factoryguard: request-scoped objects created outside a request, kept "
      "in static storage, or given a null context.");

} // namespace

// Lets a clang-tidy that links the module statically force it in, as
// ClangTidyForceLinker.h does for the built-in modules.
// NOLINTNEXTLINE(misc-use-internal-linkage)
volatile int FactoryguardModuleAnchorSource = 0;

} // namespace clang::tidy

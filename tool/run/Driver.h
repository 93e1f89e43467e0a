//===- Driver.h - Compilation database, units in parallel, merged findings ===//
#ifndef FACTORYGUARD_DRIVER_H
#define FACTORYGUARD_DRIVER_H

#include "Cache.h"
#include "ConfigCheck.h"
#include "Finding.h"
#include "Survey.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace factoryguard {

/// One unit whose result is back in this process (analyzed by a worker,
/// read from the cache, or failed), as the run counts units for progress.
struct UnitProgress {
  size_t Done = 0, Total = 0;    // this one included; every unit of the run
  std::string File;              // normalized
  unsigned Index = 1, Count = 1; // among the file's distinct commands
  bool Cached = false;           // its result came from the cache
  bool Failed = false;
};

class KeptWorkers;
class PreambleStore;

struct DriverOptions {
  std::string BuildPath;           // -p
  std::vector<std::string> Inputs; // files and directories
  std::string ConfigFile;          // --config
  std::string RuleGlobs;           // --rules
  std::vector<std::string> ExtraArgs, ExtraArgsBefore;
  unsigned Jobs = 0;         // 0 = number of cores
  bool HasFixedArgs = false; // "--" given
  std::vector<std::string> FixedArgs;
  bool StrictConfig = false;  // --strict-config: unmatched entries are errors
  bool ExplainConfig = false; // --explain-config: fill ConfigExplanation
  /// What clang and the NOLINT scan read; null = the disk. The language
  /// server passes the editor's unsaved buffers over the disk.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FileSystem;
  bool FullParse = false; // --full-parse: parse system-header bodies too
  // SPEC §7 cache: default beside compile_commands.json; none without a
  // database unless --cache-dir names one.
  bool NoCache = false;       // --no-cache
  std::string CacheDir;       // --cache-dir
  uint64_t CacheMaxBytes = 0; // --cache-max-size; 0 = the default
  /// --changed: Inputs are changed files (a commit's), mapped to units:
  /// sources as themselves, headers to every unit that reads them (from
  /// the cache's dependency lists, else a preprocessor-only scan), a
  /// header no unit includes with an inferred command (.ipp, .inl, .tcc,
  /// .tpp: skipped), anything else ignored. No C or C++ file: nothing runs.
  bool Changed = false;
  /// The language server (SPEC §9), with FileSystem: the cache is read,
  /// never written (UnitCache::openForReading through FileSystem). The
  /// call-graph facts of the database's units other than the selected ones
  /// join the graph when their entries are valid, so chains cross units as
  /// in the CLI; the selected units' own entries are never used. A header
  /// the database does not list is analyzed through the first unit (by
  /// path) whose entry lists it as read, else with an inferred command.
  bool CachedFactsOfOtherUnits = false;
  /// The language server (SPEC §9): each unit's preamble (its parsed
  /// headers) is made current in this process before the workers fork
  /// (Preamble.h), and the unit's parse reads it instead of its headers.
  /// Never with a cache that is written (its dependency lists need the
  /// whole parse). Null: every unit is parsed whole.
  PreambleStore *Preambles = nullptr;
  /// The language server (SPEC §9), with Preambles and one unit: the
  /// unit's worker is kept for the next run (UnitIsolation.h) and analyzes
  /// it again, with Buffers, when nothing else it was forked with changed.
  KeptWorkers *Kept = nullptr;
  /// The editor's buffers (path, text) that FileSystem shows over the
  /// disk (editorFileSystem): each request to a kept worker carries them.
  std::map<std::string, std::string> Buffers;
  /// --shard I/N (SPEC §7): only the units whose file's path relative to
  /// SourceRoot hashes to I-1 modulo N (xxh3_64 of the '/'-separated
  /// relative path: the same on every machine and run). 0/0 = every unit.
  unsigned ShardIndex = 0, ShardCount = 0;
  /// What --shard hashes paths relative to; clang's messages about an
  /// error in a file outside it are not quoted ("" = every file is inside).
  std::string SourceRoot;
  /// --format shard: keep every unit's own results (DriverResult::
  /// UnitResults) and the configuration files' text for the shard file.
  bool KeepUnitResults = false;
  /// Called once per unit as its result comes back, one call at a time,
  /// Done counting up to Total (the front end prints progress; the run
  /// never does). Empty: no progress is reported.
  std::function<void(const UnitProgress &)> OnUnitDone;
  /// `factoryguard init` (SPEC §3): survey every unit (Survey.h) in the
  /// parse that analyzes it, into DriverResult::Surveys. No configuration
  /// file is read (init proposes the first one) and no cache is used (a
  /// hit would not parse).
  bool Survey = false;
};

struct UnitFailure {
  std::string File;
  std::string Message; // what follows "<file>: error: "
  /// Clang rejected the code (its errors are in the run's clang output);
  /// otherwise the unit could not run at all (a crash, a missing
  /// directory or response file).
  bool CompileErrors = false;
};

/// One analyzed unit (a file under one of its distinct compile commands)
/// with its own results, before the whole-run stage: what a shard result
/// holds per unit and what `factoryguard merge` feeds that stage.
struct AnalyzedUnit {
  std::string File;              // normalized
  unsigned Index = 1, Count = 1; // among the file's distinct commands
  std::string Original;          // the command as the database gives it
  const Config *Cfg = nullptr;   // the unit's configuration
  std::vector<Finding> Findings;
  TUFacts Facts;
  std::vector<CallSite> CallSites;
  bool Failed = false;
  std::string FailMessage;
  std::string Diagnostics; // clang's output for the unit
  ConfigMatchRecord ConfigMatches;
};

struct DriverResult {
  std::vector<Finding> Findings; // sorted, deduplicated, chains attached
  /// Every factory call site the rules classified, once, in file order
  /// (the audit, SPEC §8; compliant when no finding lies inside one).
  std::vector<CallSite> CallSites;
  /// Each rule's own facts over the program (Rules.def's Facts column):
  /// the analyzed units' and, for what they call, those of the other units
  /// (the audit lists unconfigured-factory's factory objects from them).
  RuleFactsSet RuleFacts;
  std::vector<UnitFailure> Failures;
  std::vector<std::string> Units; // what was analyzed, sorted
  std::string DatabaseFile;       // compile_commands.json read; "" = none
  /// SPEC §3 validation after the run, in configuration file order; an
  /// error means exit 2.
  std::vector<ConfigDiagnostic> ConfigDiagnostics;
  std::string ConfigExplanation; // --explain-config: the text to print
  /// The cache used ("" = none) and what it did. With
  /// CachedFactsOfOtherUnits: hits and misses count the other units'
  /// entries looked up for their facts.
  std::string CacheDir;
  CacheStats Cache;
  /// --changed: how each file was mapped, the dependency lists' origin and
  /// the units analyzed, one line each (printed by --show-mapping).
  std::vector<std::string> Mapping;
  /// KeepUnitResults: every unit's own results in unit order, the
  /// failures that belong to no unit's command (a file not found, an input
  /// that does not exist), and the text of every configuration file a unit
  /// uses (by normalized path).
  std::vector<AnalyzedUnit> UnitResults;
  std::vector<UnitFailure> FileFailures;
  std::map<std::string, std::string> ConfigTexts;
  /// KeepUnitResults: the configurations UnitResults point to.
  std::map<std::string, std::unique_ptr<Config>> Configs;
  /// Survey: each analyzed unit's survey, in unit order.
  std::vector<UnitSurvey> Surveys;
  /// Preambles: what was done with each unit's preamble, one line each
  /// (PreambleStore::prepare) followed by the milliseconds it took, then
  /// one line with the milliseconds of the run's phases (the language
  /// server's log: where an edit's time goes).
  std::vector<std::string> PreambleLog;
  /// How long the units' workers took, from the first request sent to the
  /// last result read back (the language server: clangd's "rebuild", which
  /// its debounce follows).
  unsigned WorkersMs = 0;
  /// Whether the language server's unit ran in the worker kept from its
  /// last analysis (not one forked for this run).
  bool WorkerKept = false;
};

/// `<Prefix>: cache <dir>: H hits, M misses, E entries, B bytes` (or
/// `<Prefix>: cache: not used`), the --cache-stats line.
void printCacheStats(const DriverResult &R, llvm::StringRef Prefix,
                     llvm::raw_ostream &OS);

/// The files an analysis reads in the language server: Buffers (path,
/// text: the editor's unsaved documents) over the disk.
llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>
editorFileSystem(const std::map<std::string, std::string> &Buffers);

/// Runs every rule over the selected units: every distinct compile command
/// of every selected file, each with fresh state on its own thread under
/// crash recovery. Configuration and database errors (exit 2) come back as
/// llvm::Error; a unit that fails (compile errors, a crash, a missing file)
/// is a UnitFailure and the others go on. Clang's own error output for
/// failing units goes to Diag, in unit order, each unit's under a line
/// naming it.
llvm::Expected<DriverResult> runAnalysis(const DriverOptions &Opts,
                                         llvm::raw_ostream &Diag);

/// The whole-run stage, shared by runAnalysis and `factoryguard merge`:
/// every unit's results in unit order (file, then command) and the facts
/// of units not analyzed (the language server's cached ones) become the
/// call graph; findings and call sites are deduplicated, request-scope
/// inference, unconfigured factory objects, chains and NOLINT applied,
/// and the configurations some unit used are validated (Configs by path).
/// FirstUnitConfig is the configuration of Result.Units.front()
/// (--explain-config). Result.Units and the failures before analysis are
/// already in Result.
void finishRun(std::vector<AnalyzedUnit> Units,
               std::vector<std::pair<std::string, TUFacts>> OtherFacts,
               const std::map<std::string, std::unique_ptr<Config>> &Configs,
               const Config *FirstUnitConfig, const DriverOptions &Opts,
               DriverResult &Result, llvm::raw_ostream &Diag);

/// What the CLI's cache knows of a database's units other than the
/// caller's own.
struct CachedOtherUnits {
  /// By unit file, in file order: one per command whose entry is valid.
  std::vector<std::pair<std::string, TUFacts>> Facts;
  std::string DatabaseFile; // the compile_commands.json read
  std::string CacheDir;     // "" = no usable cache
  CacheStats Cache;         // the other units' hits and misses
};

/// The clang-tidy plugin's view of the whole program (SPEC §6): the
/// call-graph facts of every unit of the database (Opts.BuildPath, else
/// the search from the working directory) except Except, from the cache
/// the CLI filled (Opts.CacheDir, else the default beside the database,
/// which must not lead out of Opts.SourceRoot). The cache is read, never
/// written; each entry is checked as on any hit (CacheTrust.h, the hashes
/// of the files it lists), so an entry of a unit that changed since is a
/// miss. The units' configurations and cache keys are those of a default
/// CLI run (Opts.RuleGlobs, FullParse, extra arguments as given). A
/// database that cannot be read is an error.
llvm::Expected<CachedOtherUnits>
readCachedFactsOfOtherUnits(const DriverOptions &Opts,
                            const std::set<std::string> &Except,
                            llvm::raw_ostream &Diag);

/// The shard --shard I/N puts File in (0-based), from File's path
/// relative to SourceRoot (File itself when it is outside).
unsigned shardOf(const std::string &File, const std::string &SourceRoot,
                 unsigned Count);

} // namespace factoryguard

#endif

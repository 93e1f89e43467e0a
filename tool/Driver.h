//===- Driver.h - Compilation database, units in parallel, merged findings ===//
#ifndef FACTORYGUARD_DRIVER_H
#define FACTORYGUARD_DRIVER_H

#include "Cache.h"
#include "ConfigCheck.h"
#include "Finding.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace factoryguard {

struct DriverOptions {
  std::string BuildPath;             // -p
  std::vector<std::string> Inputs;   // files and directories
  std::string ConfigFile;            // --config
  std::string RuleGlobs;             // --rules
  std::vector<std::string> ExtraArgs, ExtraArgsBefore;
  unsigned Jobs = 0;                 // 0 = number of cores
  bool HasFixedArgs = false;         // "--" given
  std::vector<std::string> FixedArgs;
  bool StrictConfig = false;         // --strict-config: unmatched entries are errors
  bool ExplainConfig = false;        // --explain-config: fill ConfigExplanation
  /// What clang and the NOLINT scan read; null = the disk. The language
  /// server passes the editor's unsaved buffers over the disk.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FileSystem;
  bool FullParse = false;            // --full-parse: parse system-header bodies too
  // SPEC §7 cache: default beside compile_commands.json; none without a
  // database unless --cache-dir names one.
  bool NoCache = false;              // --no-cache
  std::string CacheDir;              // --cache-dir
  uint64_t CacheMaxBytes = 0;        // --cache-max-size; 0 = the default
};

struct UnitFailure {
  std::string File;
  std::string Message; // what follows "<file>: error: "
};

struct DriverResult {
  std::vector<Finding> Findings; // sorted, deduplicated, chains attached
  /// Every factory call site the rules classified, once, in file order
  /// (the audit, SPEC §8; compliant when no finding lies inside one).
  std::vector<CallSite> CallSites;
  std::vector<UnitFailure> Failures;
  std::vector<std::string> Units; // what was analyzed, sorted
  std::string DatabaseFile;       // compile_commands.json read; "" = none
  /// SPEC §3 validation after the run, in configuration file order; an
  /// error means exit 2.
  std::vector<ConfigDiagnostic> ConfigDiagnostics;
  std::string ConfigExplanation; // --explain-config: the text to print
  /// The cache used ("" = none) and what it did.
  std::string CacheDir;
  CacheStats Cache;
};

/// Runs every rule over the selected units: every distinct compile command
/// of every selected file, each with fresh state on its own thread under
/// crash recovery. Configuration and database errors (exit 2) come back as
/// llvm::Error; a unit that fails (compile errors, a crash, a missing file)
/// is a UnitFailure and the others go on. Clang's own error output for
/// failing units goes to Diag, in unit order, each unit's under a line
/// naming it.
llvm::Expected<DriverResult> runAnalysis(const DriverOptions &Opts,
                                         llvm::raw_ostream &Diag);

} // namespace factoryguard

#endif

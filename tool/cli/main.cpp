//===- main.cpp - the factoryguard command line (SPEC §4) ----------------===//
#include "CommandLine.h"
#include "Commands.h"
#include "Config.h"
#include "Driver.h"
#include "Fingerprint.h"
#include "FixApplier.h"
#include "Output.h"
#include "Paths.h"
#include "Printable.h"
#include "Progress.h"
#include "Rules.h"
#include "SarifReporter.h"
#include "Shard.h"
#include "SourceRoot.h"
#include "TestHooks.h"
#include "TextReporter.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <vector>

using namespace factoryguard;

namespace {

const char *Usage =
    R"(USAGE: factoryguard [options] [<file-or-directory>...] [-- <compiler flags>]
       factoryguard lsp [options]   (language server: factoryguard lsp --help)
       factoryguard audit [options]   (migration report: factoryguard audit --help)
       factoryguard init [options]   (propose a first .factoryguard.yaml:
                                      factoryguard init --help)
       factoryguard merge [options] <shard.json>...   (join --format shard
                                      results: factoryguard merge --help)

Finds request-scoped objects created outside a request, kept in static
storage, or given a null context (rules: --list-rules).

OPTIONS:
  -p <dir>                 directory holding compile_commands.json (default:
                           search upward from the working directory, also in
                           build/)
  --config <file>          configuration file instead of .factoryguard.yaml
                           discovery
  --strict-config          configuration entries that matched no declaration
                           are errors (exit 2), not warnings
  --explain-config <file>  print the configuration that applies to <file>:
                           its .factoryguard.yaml, every entry with its
                           position and the declarations it matches in that
                           file's unit, and the annotations seen there
  --format text|sarif|shard
                           output format (default text); shard: this run's
                           per-unit results and call-graph facts as JSON for
                           `factoryguard merge` (docs/scale.md), exit 0
                           unless an error stops the run (findings and
                           failed units are the merge's to report)
  --shard <i>/<n>          analyze only the i-th of n parts of the units
                           (1 <= i <= n), chosen by a hash of each file's
                           path relative to the source root: the same on
                           every machine and run
  -o <file>                write the report there instead of standard output;
                           a device or FIFO is written through, a symbolic
                           link is kept and the file it names replaced whole
  --rules <globs>          clang-tidy style, e.g. -*,factoryguard-null-context
  --fix                    apply fix-its in place, only to files whose real
                           path is under the source root and that did not
                           change since they were analyzed (others: exit 2)
  --export-fixes <yaml>    write fix-its for clang-apply-replacements
  --baseline <sarif>       report only findings not in that earlier report
  -j <n>                   translation units analyzed in parallel (default:
                           number of cores)
  --fail-on error|warning|note|never
                           exit 1 when a finding at or above that level is
                           reported (default warning)
  --unit-errors fail|report
                           a unit that cannot be analyzed (compile errors, a
                           missing file, a crash) is listed either way; with
                           fail (the default) it makes the exit status 3
  --full-parse             also parse the bodies of functions declared in
                           system headers (skipped by default: they cannot
                           hold a finding; the findings are the same)
  --cache-dir <dir>        where results per unit are cached (default:
                           .factoryguard-cache beside compile_commands.json;
                           without a database, no cache unless given)
  --no-cache               neither read nor write the cache
  --cache-stats            after the run, print the cache's hits, misses,
                           entries and bytes on standard error
  --cache-max-size <n>     bound the cache (bytes, or with K, M, G suffix;
                           default 1G): least recently used entries go first
  --changed                the files given are changed files (a commit's,
                           as the pre-commit hook passes them): a source is
                           its own unit; a header maps to every unit that
                           reads it, from the cache's dependency lists (a
                           preprocessor-only scan for units the cache does
                           not know); a header no unit includes is analyzed
                           with an inferred command (.ipp, .inl, .tcc, .tpp:
                           skipped); other files are ignored. No C or C++
                           file: nothing is analyzed or written, exit 0
  --show-mapping           with --changed, print on standard error how each
                           file was mapped, where the dependency lists came
                           from, and the units analyzed
  --progress               print [n/N] <file> on standard error as each
                           unit finishes, marked (cached) for a cache hit
                           (the default when standard error is a terminal)
  --quiet                  no progress; errors and warnings are still
                           printed (not with --progress)
  --extra-arg <arg>        append a compiler argument
  --extra-arg-before <arg> prepend a compiler argument
  --source-root <dir>      root that SARIF URIs are relative to (default: the
                           git top level, else the working directory)
  --category <id>          SARIF automationDetails.id (default factoryguard/)
  --list-rules             list the rules
  --explain <rule>         print a rule's documentation
  --version                print the version
  --help                   print this help

Neither -o nor --export-fixes may name an analyzed source or the
compilation database.

EXIT STATUS: 0 no finding at the fail level; 1 findings; 2 usage or
configuration error, or a report, export or fix that could not be written;
3 a translation unit could not be analyzed (with --unit-errors fail). A file
under several compile commands is analyzed under each distinct one; its
findings are reported once.
)";

int usageError(const std::string &Msg) {
  llvm::errs() << errorLine("factoryguard", Msg)
               << "\nRun 'factoryguard --help' for usage.\n";
  return 2;
}

/// An error that stops the run, on one line (Printable.h).
void printError(llvm::Error Err) {
  llvm::errs() << errorLine("factoryguard", llvm::toString(std::move(Err)))
               << "\n";
}

/// "4096", "64K", "512M", "1G" (powers of 1024; "KB"/"KiB" spellings too).
bool parseSize(llvm::StringRef Text, uint64_t &Out) {
  llvm::StringRef Num = Text.take_while([](char C) { return C >= '0' && C <= '9'; });
  // lower() returns a new string: keep it, not a StringRef into it.
  std::string U = Text.drop_front(Num.size()).lower();
  uint64_t N;
  if (Num.empty() || Num.getAsInteger(10, N))
    return false;
  static const std::pair<const char *, unsigned> Units[] = {
      {"", 0},    {"b", 0},    {"k", 10}, {"kb", 10}, {"kib", 10}, {"m", 20},
      {"mb", 20}, {"mib", 20}, {"g", 30}, {"gb", 30}, {"gib", 30}};
  for (const auto &[Name, Shift] : Units)
    if (U == Name) {
      if (N == 0 || (Shift && N > (UINT64_MAX >> Shift)))
        return false;
      Out = N << Shift;
      return true;
    }
  return false;
}

/// How the findings of a run (or of merged shards) are reported.
struct ReportOptions {
  std::string Format = "text", Output, ExportFixes, SourceRoot;
  std::string Category = "factoryguard/", FailOn = "warning";
  std::string UnitErrors = "fail";
  std::set<std::string> BaselinePrints;
  bool Fix = false;
  bool ExplainConfig = false;
};

/// Prints failed units and configuration diagnostics, applies the
/// baseline, writes fixes and the report; the exit status (SPEC §4).
int report(DriverResult &Result, ReportOptions &RO) {
  for (const UnitFailure &F : Result.Failures)
    llvm::errs() << displayPath(F.File) << ": error: " << printable(F.Message)
                 << "\n";
  bool ConfigError = false; // SPEC §3: validation after the run
  for (const ConfigDiagnostic &D : Result.ConfigDiagnostics) {
    llvm::errs() << printable(D.Text) << "\n";
    ConfigError = ConfigError || D.IsError;
  }
  if (RO.ExplainConfig) {
    llvm::outs() << Result.ConfigExplanation;
    llvm::outs().flush();
    return ConfigError ? 2 : Result.Failures.empty() ? 0 : 3;
  }

  std::string &SourceRoot = RO.SourceRoot;
  std::vector<Finding> Findings;
  for (Finding &F : Result.Findings) {
    if (!RO.BaselinePrints.empty() &&
        RO.BaselinePrints.count(factoryguardFingerprint(F, SourceRoot)))
      continue;
    Findings.push_back(std::move(F));
  }

  // What we write must not replace what we read.
  std::set<std::string> InputSet(Result.Units.begin(), Result.Units.end());
  for (const Finding &F : Findings)
    InputSet.insert(F.Where.File);
  std::vector<std::string> Inputs(InputSet.begin(), InputSet.end());
  for (const auto &[Option, Path] :
       {std::pair<const char *, const std::string &>{"-o", RO.Output},
        {"--export-fixes", RO.ExportFixes}})
    if (auto Err =
            refuseInputTarget(Option, Path, Inputs, Result.DatabaseFile)) {
      printError(std::move(Err));
      return 2;
    }

  runTestHook(TestHook::AfterAnalysis);
  if (!RO.ExportFixes.empty())
    if (auto Err = exportFixes(Findings, RO.ExportFixes)) {
      printError(std::move(Err));
      return 2;
    }
  bool FixFailed = false;
  if (RO.Fix) {
    FixSummary Sum = applyFixes(Findings, SourceRoot, llvm::errs());
    llvm::errs() << "factoryguard: applied " << Sum.Applied << " fix-it(s) in "
                 << Sum.FilesChanged << " file(s)";
    if (Sum.Skipped)
      llvm::errs() << ", skipped " << Sum.Skipped;
    if (Sum.FilesRefused)
      llvm::errs() << ", left " << Sum.FilesRefused << " file(s) unchanged";
    llvm::errs() << "\n";
    FixFailed = Sum.FilesRefused != 0;
  }

  // The text report is streamed (a report of many findings on long lines
  // is never held as one string); SARIF is one JSON document.
  std::function<void(llvm::raw_ostream &)> Render;
  std::string Report;
  if (RO.Format == "sarif") {
    SarifOptions SO;
    SO.SourceRoot = SourceRoot;
    SO.Category = RO.Category;
    SO.ToolVersion = FACTORYGUARD_VERSION;
    for (const UnitFailure &F : Result.Failures)
      SO.Failures.push_back({F.File, F.Message});
    Report = renderSarif(Findings, SO);
    Render = [&](llvm::raw_ostream &OS) { OS << Report; };
  } else {
    bool Colors = RO.Output.empty() && llvm::outs().has_colors() &&
                  !llvm::sys::Process::GetEnv("NO_COLOR");
    Render = [&, Colors](llvm::raw_ostream &OS) {
      renderText(Findings, OS, Colors, SourceRoot);
    };
  }
  if (auto Err = writeOutput(RO.Output, Render)) {
    printError(std::move(Err));
    return 2;
  }

  if (FixFailed || ConfigError)
    return 2;
  if (!Result.Failures.empty() && RO.UnitErrors == "fail")
    return 3;
  if (RO.FailOn == "never")
    return 0;
  Severity Threshold = Severity::Warning;
  parseSeverity(RO.FailOn, Threshold);
  for (const Finding &F : Findings)
    if (!F.Suppressed && F.Level >= Threshold)
      return 1;
  return 0;
}

/// --fail-on's and --unit-errors's values; "" when Value is valid.
std::string checkFailOn(const std::string &Value) {
  Severity Level;
  if (Value != "never" &&
      (!parseSeverity(Value, Level) || Level == Severity::Off))
    return "--fail-on takes error, warning, note or never, not '" + Value + "'";
  return "";
}
std::string checkUnitErrors(const std::string &Value) {
  if (Value != "fail" && Value != "report")
    return "--unit-errors takes fail or report, not '" + Value + "'";
  return "";
}

/// --rules: like clang-tidy's checks, only '*' is a wildcard, so every
/// glob parses; a positive glob that matches no rule (a typo) and globs
/// that enable no rule at all are errors, not an empty run. "" when fine.
std::string checkRuleGlobs(llvm::StringRef Globs) {
  if (Globs.trim().empty())
    return "";
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Globs.split(Parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Glob : Parts) {
    Glob = Glob.trim();
    if (Glob.empty() || Glob.starts_with("-"))
      continue;
    if (llvm::none_of(allRules(), [&](const RuleInfo &R) {
          return globMatches(Glob, R.Id);
        }))
      return "--rules glob '" + Glob.str() +
             "' matches no rule (see --list-rules)";
  }
  if (llvm::none_of(allRules(), [&](const RuleInfo &R) {
        return ruleEnabledByGlobs(Globs, R.Id);
      }))
    return "--rules '" + Globs.str() + "' enables no rule (see --list-rules)";
  return "";
}

/// --source-root must be a directory: a wrong one would silently make
/// every SARIF URI absolute and every shard path foreign. "" when fine.
std::string checkSourceRoot(const std::string &Root) {
  if (Root.empty() || llvm::sys::fs::is_directory(Root))
    return "";
  return "--source-root '" + Root + "' is not a directory";
}

/// Whether two output paths name one file: the same file when both exist,
/// else the same name in the same (real) directory ("./x" and "x" alike).
bool sameFile(const std::string &A, const std::string &B) {
  bool Same = false;
  if (!llvm::sys::fs::equivalent(A, B, Same))
    return Same;
  auto Canonical = [](const std::string &Path) {
    llvm::SmallString<256> Dir(Path);
    llvm::sys::fs::make_absolute(Dir);
    llvm::sys::path::remove_dots(Dir, /*remove_dot_dot=*/true);
    std::string Name = llvm::sys::path::filename(Dir).str();
    llvm::sys::path::remove_filename(Dir);
    llvm::SmallString<256> Real;
    if (llvm::sys::fs::real_path(Dir, Real))
      Real = Dir;
    llvm::sys::path::append(Real, Name);
    return std::string(Real);
  };
  return Canonical(A) == Canonical(B);
}

/// The findings of an earlier SARIF report (--baseline); false after an
/// error message.
bool readBaseline(const std::string &Path, std::set<std::string> &Out) {
  if (Path.empty())
    return true;
  auto Prints = readBaselineFingerprints(Path);
  if (!Prints) {
    printError(Prints.takeError());
    return false;
  }
  Out = std::move(*Prints);
  return true;
}

const char *MergeUsage =
    R"(USAGE: factoryguard merge [options] <shard.json>...

Joins the shard results that `factoryguard --format shard` wrote (one per
--shard i/n, or one per source as the Bazel aspect writes them) and reports
as one unsharded run of the same sources would: cross-unit call chains and
request-scope inference over every shard, NOLINT, --baseline; the SARIF is
byte-identical. Run it in a checkout of the analyzed sources: paths in the
shards are relative to the source root they were written with, and are
resolved against this one.

OPTIONS:
  --format text|sarif      output format (default text)
  -o <file>                write the report there instead of standard output
  --source-root <dir>      root the shards' paths and SARIF URIs are relative
                           to (default: the git top level, else the working
                           directory)
  --baseline <sarif>       report only findings not in that earlier report
  --fail-on error|warning|note|never    as for factoryguard (default warning)
  --unit-errors fail|report             as for factoryguard (default fail)
  --category <id>          SARIF automationDetails.id (default factoryguard/)
  --help                   print this help

EXIT STATUS: as factoryguard's; 2 also when a shard cannot be read or the
shards do not belong together (another version or settings; for --shard
i/n shards a unit in two of them, an index missing or given twice).
)";

int runMerge(const std::vector<std::string> &Argv) {
  ReportOptions RO;
  std::string Baseline;
  std::vector<std::string> Files;
  ArgReader Args(Argv,
                 {"--format", "-o", "--source-root", "--baseline", "--fail-on",
                  "--unit-errors", "--category"},
                 {"-o", "--source-root", "--baseline"});
  while (Args.next()) {
    if (!Args.error().empty())
      return usageError(Args.error());
    const std::string &A = Args.arg(), &Name = Args.name(),
                      &Value = Args.value();
    std::string Err;
    if (Name == "--help" || Name == "-h") {
      llvm::outs() << MergeUsage;
      return 0;
    } else if (Name == "--format") {
      if (Value != "text" && Value != "sarif")
        return usageError("merge --format takes text or sarif, not '" + Value +
                          "'");
      RO.Format = Value;
    } else if (Name == "-o") {
      RO.Output = Value;
    } else if (Name == "--source-root") {
      RO.SourceRoot = Value;
    } else if (Name == "--baseline") {
      Baseline = Value;
    } else if (Name == "--fail-on") {
      Err = checkFailOn(Value);
      RO.FailOn = Value;
    } else if (Name == "--unit-errors") {
      Err = checkUnitErrors(Value);
      RO.UnitErrors = Value;
    } else if (Name == "--category") {
      RO.Category = Value;
    } else if (!A.empty() && A[0] == '-') {
      return usageError("unknown option '" + A + "' for merge");
    } else {
      Files.push_back(A);
    }
    if (!Err.empty())
      return usageError(Err);
  }
  if (Args.afterDashDash())
    for (const std::string &F : Args.rest())
      Files.push_back(F);
  if (Files.empty())
    return usageError("merge needs shard files (factoryguard --format shard)");
  if (std::string Err = checkSourceRoot(RO.SourceRoot); !Err.empty())
    return usageError(Err);
  if (!readBaseline(Baseline, RO.BaselinePrints))
    return 2;
  RO.SourceRoot = RO.SourceRoot.empty() ? defaultSourceRoot()
                                        : normalizePath(RO.SourceRoot);
  auto ResultOrErr = mergeShards(Files, RO.SourceRoot, llvm::errs());
  if (!ResultOrErr) {
    printError(ResultOrErr.takeError());
    return 2;
  }
  return report(*ResultOrErr, RO);
}

} // namespace

int main(int argc, char **argv) {
  llvm::CrashRecoveryContext::Enable();
  // `factoryguard lsp ...`: the language server (SPEC §9). A file named
  // "lsp" is analyzed as ./lsp.
  if (argc > 1 && llvm::StringRef(argv[1]) == "lsp")
    return runLanguageServerMain(std::vector<std::string>(argv + 2, argv + argc));
  if (argc > 1 && llvm::StringRef(argv[1]) == "audit")
    return runAuditCommand(std::vector<std::string>(argv + 2, argv + argc));
  if (argc > 1 && llvm::StringRef(argv[1]) == "init")
    return runInitCommand(std::vector<std::string>(argv + 2, argv + argc));
  if (argc > 1 && llvm::StringRef(argv[1]) == "merge")
    return runMerge(std::vector<std::string>(argv + 2, argv + argc));
  DriverOptions Opts;
  std::string Format = "text", Output, ExportFixes, Baseline, SourceRoot;
  std::string Category = "factoryguard/", FailOn = "warning";
  std::string UnitErrors = "fail";
  bool Fix = false;
  std::string ExplainFile; // --explain-config
  bool Explain = false;
  bool CacheStatsWanted = false;
  bool ShowMapping = false;
  ProgressMode Progress = ProgressMode::Auto;

  ArgReader Args(std::vector<std::string>(argv + 1, argv + argc),
                 {"-p", "--config", "--format", "-o", "--rules",
                  "--export-fixes", "--baseline", "-j", "--fail-on",
                  "--extra-arg", "--extra-arg-before", "--source-root",
                  "--category", "--explain", "--unit-errors", "--cache-dir",
                  "--cache-max-size", "--explain-config", "--shard"},
                 // An empty path would silently mean "none" (discovery,
                 // standard output).
                 {"-p", "--config", "-o", "--export-fixes", "--baseline",
                  "--source-root", "--cache-dir"});
  while (Args.next()) {
    if (!Args.error().empty())
      return usageError(Args.error());
    const std::string &A = Args.arg(), &Name = Args.name(),
                      &Value = Args.value();
    std::string ProgressError;
    if (readProgressOption(Name, Progress, ProgressError)) {
      if (!ProgressError.empty())
        return usageError(ProgressError);
    } else if (Name == "--help" || Name == "-h") {
      llvm::outs() << Usage;
      return 0;
    } else if (Name == "--version") {
      llvm::outs() << "factoryguard " << FACTORYGUARD_VERSION
                   << " (LLVM/Clang " << LLVM_VERSION_STRING << ")\n";
      return 0;
    } else if (Name == "--list-rules") {
      for (const RuleInfo &R : allRules())
        llvm::outs() << R.Id << "  " << R.ShortDescription << "\n";
      return 0;
    } else if (Name == "--explain") {
      const RuleInfo *R = findRule(Value);
      if (!R)
        return usageError("unknown rule '" + Value + "' (see --list-rules)");
      llvm::outs() << R->HelpMarkdown;
      return 0;
    } else if (Name == "-p") {
      Opts.BuildPath = Value;
    } else if (Name == "--config") {
      Opts.ConfigFile = Value;
    } else if (Name == "--strict-config") {
      Opts.StrictConfig = true;
    } else if (Name == "--explain-config") {
      ExplainFile = Value;
      Explain = true;
    } else if (Name == "--format") {
      if (Value != "text" && Value != "sarif" && Value != "shard")
        return usageError("--format takes text, sarif or shard, not '" + Value +
                          "'");
      Format = Value;
    } else if (Name == "--shard") {
      llvm::StringRef I, N;
      std::tie(I, N) = llvm::StringRef(Value).split('/');
      unsigned Index = 0, Count = 0;
      if (I.getAsInteger(10, Index) || N.getAsInteger(10, Count) || Count < 1 ||
          Count > (1u << 20) || Index < 1 || Index > Count)
        return usageError("--shard takes <i>/<n> with 1 <= i <= n, not '" +
                          Value + "'");
      Opts.ShardIndex = Index;
      Opts.ShardCount = Count;
    } else if (Name == "-o") {
      Output = Value;
    } else if (Name == "--rules") {
      Opts.RuleGlobs = Value;
    } else if (Name == "--fix") {
      Fix = true;
    } else if (Name == "--export-fixes") {
      ExportFixes = Value;
    } else if (Name == "--baseline") {
      Baseline = Value;
    } else if (Name == "-j") {
      char *End = nullptr;
      long N = std::strtol(Value.c_str(), &End, 10);
      if (Value.empty() || *End || N < 1 || N > 1024)
        return usageError("-j takes a number from 1 to 1024, not '" + Value + "'");
      Opts.Jobs = static_cast<unsigned>(N);
    } else if (Name == "--fail-on") {
      if (std::string Err = checkFailOn(Value); !Err.empty())
        return usageError(Err);
      FailOn = Value;
    } else if (Name == "--unit-errors") {
      if (std::string Err = checkUnitErrors(Value); !Err.empty())
        return usageError(Err);
      UnitErrors = Value;
    } else if (Name == "--no-cache") {
      Opts.NoCache = true;
    } else if (Name == "--cache-dir") {
      Opts.CacheDir = Value;
    } else if (Name == "--cache-stats") {
      CacheStatsWanted = true;
    } else if (Name == "--cache-max-size") {
      if (!parseSize(Value, Opts.CacheMaxBytes))
        return usageError("--cache-max-size takes a size in bytes, optionally "
                          "with a K, M or G suffix, not '" + Value + "'");
    } else if (Name == "--changed") {
      Opts.Changed = true;
    } else if (Name == "--show-mapping") {
      ShowMapping = true;
    } else if (Name == "--full-parse") {
      Opts.FullParse = true;
    } else if (Name == "--extra-arg") {
      Opts.ExtraArgs.push_back(Value);
    } else if (Name == "--extra-arg-before") {
      Opts.ExtraArgsBefore.push_back(Value);
    } else if (Name == "--source-root") {
      SourceRoot = Value;
    } else if (Name == "--category") {
      Category = Value;
    } else if (!A.empty() && A[0] == '-' && A != "-") {
      return usageError("unknown option '" + A + "'");
    } else {
      Opts.Inputs.push_back(A);
    }
  }
  if (Args.afterDashDash()) {
    Opts.HasFixedArgs = true;
    Opts.FixedArgs = Args.rest();
  }

  if (std::string Err = checkRuleGlobs(Opts.RuleGlobs); !Err.empty())
    return usageError(Err);
  if (Opts.NoCache && !Opts.CacheDir.empty())
    return usageError("--no-cache and --cache-dir '" + Opts.CacheDir +
                      "' do not go together");
  if (std::string Err = checkSourceRoot(SourceRoot); !Err.empty())
    return usageError(Err);
  if (!Output.empty() && !ExportFixes.empty() && sameFile(Output, ExportFixes))
    return usageError("-o '" + Output + "' and --export-fixes '" + ExportFixes +
                      "' name the same file");

  if (ShowMapping && !Opts.Changed)
    return usageError("--show-mapping goes with --changed");
  if (Explain && Opts.Changed)
    return usageError("--explain-config and --changed do not go together");
  if (Explain) {
    if (ExplainFile.empty())
      return usageError("--explain-config needs a file");
    if (!Opts.Inputs.empty())
      return usageError("--explain-config takes one file; give no other "
                        "file or directory");
    Opts.Inputs.push_back(ExplainFile);
    Opts.ExplainConfig = true;
  }

  bool ShardFormat = Format == "shard";
  if (ShardFormat || Opts.ShardCount) {
    const char *Other = Explain                ? "--explain-config"
                        : Opts.Changed         ? "--changed"
                        : Fix                  ? "--fix"
                        : !ExportFixes.empty() ? "--export-fixes"
                        : !Baseline.empty()    ? "--baseline"
                                               : nullptr;
    if (Other)
      return usageError(
          std::string(ShardFormat ? "--format shard" : "--shard") + " and " +
          Other + " do not go together (merge applies --baseline)");
  }
  SourceRoot =
      SourceRoot.empty() ? defaultSourceRoot() : normalizePath(SourceRoot);
  Opts.SourceRoot = SourceRoot;
  Opts.KeepUnitResults = ShardFormat;
  Opts.OnUnitDone = progressPrinter(Progress);

  std::set<std::string> BaselinePrints;
  if (!readBaseline(Baseline, BaselinePrints))
    return 2;

  auto ResultOrErr = runAnalysis(Opts, llvm::errs());
  if (!ResultOrErr) {
    printError(ResultOrErr.takeError());
    return 2;
  }
  DriverResult &Result = *ResultOrErr;
  if (ShowMapping)
    for (const std::string &L : Result.Mapping)
      llvm::errs() << "factoryguard: mapping: " << L << "\n";
  if (CacheStatsWanted)
    printCacheStats(Result, "factoryguard", llvm::errs());
  // --changed and nothing to analyze: no report, as if nothing ran.
  if (Opts.Changed && Result.Units.empty() && Result.Failures.empty())
    return 0;
  if (ShardFormat) {
    // Unit failures are listed now and reported by the merge; whether a
    // configuration entry matched nothing only all shards together know.
    for (const UnitFailure &F : Result.Failures)
      llvm::errs() << displayPath(F.File) << ": error: " << printable(F.Message)
                   << "\n";
    std::vector<std::string> Inputs = Result.Units;
    if (auto Err =
            refuseInputTarget("-o", Output, Inputs, Result.DatabaseFile)) {
      printError(std::move(Err));
      return 2;
    }
    if (auto Err = writeOutput(Output, [&](llvm::raw_ostream &OS) {
          renderShard(Result, Opts, SourceRoot, OS);
        })) {
      printError(std::move(Err));
      return 2;
    }
    return 0;
  }
  ReportOptions RO;
  RO.Format = Format;
  RO.Output = Output;
  RO.ExportFixes = ExportFixes;
  RO.SourceRoot = SourceRoot;
  RO.Category = Category;
  RO.FailOn = FailOn;
  RO.UnitErrors = UnitErrors;
  RO.BaselinePrints = std::move(BaselinePrints);
  RO.Fix = Fix;
  RO.ExplainConfig = Opts.ExplainConfig;
  return report(Result, RO);
}

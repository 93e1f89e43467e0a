//===- main.cpp - the factoryguard command line (SPEC §4) ----------------===//
//
// main hands a subcommand's arguments to its entry point (Commands.h, and
// runMerge here); the CLI itself reads its options (llvm::cl, one struct per
// concern: what to analyze, how to report, the cache; CommandLine.h says
// how), checks how they combine, runs and reports, each a step below.
//
//===----------------------------------------------------------------------===//
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

#include <set>
#include <string>
#include <vector>

using namespace factoryguard;
namespace cl = llvm::cl;

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

/// --format and --fail-on.
enum class OutputFormat { Text, Sarif, Shard };
enum class FailOn { Error, Warning, Note, Never };

/// How the findings of a run (or of merged shards) are reported.
struct ReportOptions {
  OutputFormat Format = OutputFormat::Text;
  std::string Output, ExportFixes, SourceRoot;
  std::string Category = "factoryguard/";
  FailOn FailLevel = FailOn::Warning;
  UnitErrors OnUnitErrors = UnitErrors::Fail;
  std::set<std::string> BaselinePrints;
  bool Fix = false;
  bool ExplainConfig = false;
};

/// Prints the failed units and the configuration diagnostics; whether one
/// of these is an error (SPEC §3: validation after the run).
bool printRunDiagnostics(const DriverResult &Result) {
  for (const UnitFailure &F : Result.Failures)
    llvm::errs() << displayPath(F.File) << ": error: " << printable(F.Message)
                 << "\n";
  bool ConfigError = false;
  for (const ConfigDiagnostic &D : Result.ConfigDiagnostics) {
    llvm::errs() << printable(D.Text) << "\n";
    ConfigError = ConfigError || D.IsError;
  }
  return ConfigError;
}

/// The findings to report: those of Result not in the baseline.
std::vector<Finding> newFindings(DriverResult &Result,
                                 const ReportOptions &RO) {
  std::vector<Finding> Findings;
  for (Finding &F : Result.Findings) {
    if (!RO.BaselinePrints.empty() &&
        RO.BaselinePrints.count(factoryguardFingerprint(F, RO.SourceRoot)))
      continue;
    Findings.push_back(std::move(F));
  }
  return Findings;
}

/// What we write must not replace what we read.
llvm::Error refuseInputTargets(const DriverResult &Result,
                               const std::vector<Finding> &Findings,
                               const ReportOptions &RO) {
  std::set<std::string> InputSet(Result.Units.begin(), Result.Units.end());
  for (const Finding &F : Findings)
    InputSet.insert(F.Where.File);
  std::vector<std::string> Inputs(InputSet.begin(), InputSet.end());
  for (const auto &[Option, Path] :
       {std::pair<const char *, const std::string &>{"-o", RO.Output},
        {"--export-fixes", RO.ExportFixes}})
    if (auto Err = refuseInputTarget(Option, Path, Inputs, Result.DatabaseFile))
      return Err;
  return llvm::Error::success();
}

/// --fix: applies the fix-its and says so; false when a file was refused.
bool applyFixesAndSay(const std::vector<Finding> &Findings,
                      const ReportOptions &RO) {
  FixSummary Sum = applyFixes(Findings, RO.SourceRoot, llvm::errs());
  llvm::errs() << "factoryguard: applied " << Sum.Applied << " fix-it(s) in "
               << Sum.FilesChanged << " file(s)";
  if (Sum.Skipped)
    llvm::errs() << ", skipped " << Sum.Skipped;
  if (Sum.FilesRefused)
    llvm::errs() << ", left " << Sum.FilesRefused << " file(s) unchanged";
  llvm::errs() << "\n";
  return Sum.FilesRefused == 0;
}

/// Writes the report in its format to -o or standard output.
llvm::Error writeReport(const std::vector<Finding> &Findings,
                        const DriverResult &Result, const ReportOptions &RO) {
  // The text report is streamed (a report of many findings on long lines
  // is never held as one string); SARIF is one JSON document.
  if (RO.Format == OutputFormat::Sarif) {
    SarifOptions SO;
    SO.SourceRoot = RO.SourceRoot;
    SO.Category = RO.Category;
    SO.ToolVersion = FACTORYGUARD_VERSION;
    for (const UnitFailure &F : Result.Failures)
      SO.Failures.push_back({F.File, F.Message});
    std::string Report = renderSarif(Findings, SO);
    return writeOutput(RO.Output, [&](llvm::raw_ostream &OS) { OS << Report; });
  }
  bool Colors = RO.Output.empty() && llvm::outs().has_colors() &&
                !llvm::sys::Process::GetEnv("NO_COLOR");
  return writeOutput(RO.Output, [&](llvm::raw_ostream &OS) {
    renderText(Findings, OS, Colors, RO.SourceRoot);
  });
}

/// 1 when a finding reaches --fail-on's level, else 0.
int findingsStatus(const std::vector<Finding> &Findings, FailOn Level) {
  if (Level == FailOn::Never)
    return 0;
  Severity Threshold = Level == FailOn::Error  ? Severity::Error
                       : Level == FailOn::Note ? Severity::Note
                                               : Severity::Warning;
  for (const Finding &F : Findings)
    if (!F.Suppressed && F.Level >= Threshold)
      return 1;
  return 0;
}

/// Prints failed units and configuration diagnostics, applies the
/// baseline, writes fixes and the report; the exit status (SPEC §4).
int report(DriverResult &Result, const ReportOptions &RO) {
  bool ConfigError = printRunDiagnostics(Result);
  if (RO.ExplainConfig) {
    llvm::outs() << Result.ConfigExplanation;
    llvm::outs().flush();
    return ConfigError ? 2 : Result.Failures.empty() ? 0 : 3;
  }
  std::vector<Finding> Findings = newFindings(Result, RO);
  if (auto Err = refuseInputTargets(Result, Findings, RO)) {
    printError(std::move(Err));
    return 2;
  }
  runTestHook(TestHook::AfterAnalysis);
  if (!RO.ExportFixes.empty())
    if (auto Err = exportFixes(Findings, RO.ExportFixes)) {
      printError(std::move(Err));
      return 2;
    }
  bool FixFailed = RO.Fix && !applyFixesAndSay(Findings, RO);
  if (auto Err = writeReport(Findings, Result, RO)) {
    printError(std::move(Err));
    return 2;
  }
  if (FixFailed || ConfigError)
    return 2;
  if (!Result.Failures.empty() && RO.OnUnitErrors == UnitErrors::Fail)
    return 3;
  return findingsStatus(Findings, RO.FailLevel);
}

#define FACTORYGUARD_FAIL_ON_VALUES                                            \
  cl::values(clEnumValN(FailOn::Error, "error", ""),                           \
             clEnumValN(FailOn::Warning, "warning", ""),                       \
             clEnumValN(FailOn::Note, "note", ""),                             \
             clEnumValN(FailOn::Never, "never", ""))

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

/// How to report, as the CLI and merge both take it (the format aside:
/// only the CLI writes shards).
struct ReportingFlags {
  cl::SubCommand &Sub;
  cl::opt<std::string> Output{"o", cl::sub(Sub)};
  cl::opt<std::string> Baseline{"baseline", cl::sub(Sub)};
  cl::opt<FailOn, false, EnumValues<FailOn>> FailLevel{
      "fail-on", cl::sub(Sub), FACTORYGUARD_FAIL_ON_VALUES,
      cl::init(FailOn::Warning)};
  cl::opt<UnitErrors, false, EnumValues<UnitErrors>> OnUnitErrors{
      "unit-errors", cl::sub(Sub), FACTORYGUARD_UNIT_ERRORS_VALUES,
      cl::init(UnitErrors::Fail)};
  cl::opt<std::string> SourceRoot{"source-root", cl::sub(Sub)};
  cl::opt<std::string> Category{"category", cl::sub(Sub),
                                cl::init("factoryguard/")};

  /// These options into RO (the baseline is read apart: it can fail).
  void store(ReportOptions &RO) const {
    RO.Output = Output;
    RO.FailLevel = FailLevel;
    RO.OnUnitErrors = OnUnitErrors;
    RO.SourceRoot = SourceRoot;
    RO.Category = Category;
  }
};

/// `factoryguard merge`'s options, as MergeUsage lists them.
struct MergeCommandLine {
  cl::SubCommand Sub{"merge"};
  cl::opt<OutputFormat, false, EnumValues<OutputFormat>> Format{
      "format", cl::sub(Sub),
      cl::values(clEnumValN(OutputFormat::Text, "text", ""),
                 clEnumValN(OutputFormat::Sarif, "sarif", "")),
      cl::init(OutputFormat::Text)};
  ReportingFlags Reporting{Sub};

  MergeCommandLine() { Format.getParser().Command = "merge "; }

  FrontEnd frontEnd() {
    FrontEnd FE(Sub);
    FE.NonEmpty = {"-o", "--source-root", "--baseline"};
    FE.DashIsInput = false;
    FE.UnknownSuffix = " for merge";
    return FE;
  }
};

int runMerge(const std::vector<std::string> &Args) {
  static MergeCommandLine CL;
  ReadArgs Read;
  if (std::string Err = readArguments(CL.frontEnd(), Args, Read); !Err.empty())
    return usageError(Err);
  if (!Read.Action.empty()) {
    llvm::outs() << MergeUsage;
    return 0;
  }
  std::vector<std::string> Files = Read.Inputs;
  Files.insert(Files.end(), Read.Rest.begin(), Read.Rest.end());
  if (Files.empty())
    return usageError("merge needs shard files (factoryguard --format shard)");
  ReportOptions RO;
  CL.Reporting.store(RO);
  if (std::string Err = checkSourceRoot(RO.SourceRoot); !Err.empty())
    return usageError(Err);
  if (!readBaseline(CL.Reporting.Baseline, RO.BaselinePrints))
    return 2;
  RO.Format = CL.Format;
  RO.SourceRoot = RO.SourceRoot.empty() ? defaultSourceRoot()
                                        : normalizePath(RO.SourceRoot);
  auto ResultOrErr = mergeShards(Files, RO.SourceRoot, llvm::errs());
  if (!ResultOrErr) {
    printError(ResultOrErr.takeError());
    return 2;
  }
  return report(*ResultOrErr, RO);
}

/// --shard <i>/<n>.
struct ShardSpec {
  unsigned Index = 0, Count = 0;
};

std::string readShard(llvm::StringRef Text, ShardSpec &Out) {
  auto [I, N] = Text.split('/');
  unsigned Index = 0, Count = 0;
  if (I.getAsInteger(10, Index) || N.getAsInteger(10, Count) || Count < 1 ||
      Count > (1u << 20) || Index < 1 || Index > Count)
    return "--shard takes <i>/<n> with 1 <= i <= n, not '" + Text.str() + "'";
  Out = {Index, Count};
  return "";
}

/// --cache-max-size <n>.
struct ByteSize {
  uint64_t Bytes = 0;
};

std::string readCacheSize(llvm::StringRef Text, ByteSize &Out) {
  if (!parseSize(Text, Out.Bytes))
    return "--cache-max-size takes a size in bytes, optionally with a K, M "
           "or G suffix, not '" +
           Text.str() + "'";
  return "";
}

/// What to analyze (the CLI's options; Usage lists them).
struct AnalysisFlags {
  cl::SubCommand &Sub;
  cl::opt<std::string> BuildPath{"p", cl::sub(Sub)};
  cl::opt<std::string> Config{"config", cl::sub(Sub)};
  cl::opt<bool> StrictConfig{"strict-config", cl::sub(Sub)};
  cl::opt<std::string> ExplainConfig{"explain-config", cl::sub(Sub)};
  cl::opt<std::string> Rules{"rules", cl::sub(Sub)};
  cl::opt<ShardSpec, false, Checked<ShardSpec, readShard>> Shard{"shard",
                                                                 cl::sub(Sub)};
  cl::opt<unsigned, false, Checked<unsigned, readJobs>> Jobs{"j", cl::sub(Sub)};
  cl::opt<bool> Changed{"changed", cl::sub(Sub)};
  cl::opt<bool> ShowMapping{"show-mapping", cl::sub(Sub)};
  cl::opt<bool> FullParse{"full-parse", cl::sub(Sub)};
  cl::list<std::string> ExtraArgs{"extra-arg", cl::sub(Sub)};
  cl::list<std::string> ExtraArgsBefore{"extra-arg-before", cl::sub(Sub)};
};

/// How to report.
struct ReportFlags {
  cl::SubCommand &Sub;
  cl::opt<OutputFormat, false, EnumValues<OutputFormat>> Format{
      "format", cl::sub(Sub),
      cl::values(clEnumValN(OutputFormat::Text, "text", ""),
                 clEnumValN(OutputFormat::Sarif, "sarif", ""),
                 clEnumValN(OutputFormat::Shard, "shard", "")),
      cl::init(OutputFormat::Text)};
  cl::opt<bool> Fix{"fix", cl::sub(Sub)};
  cl::opt<std::string> ExportFixes{"export-fixes", cl::sub(Sub)};
  ReportingFlags Reporting{Sub};
};

/// The cache.
struct CacheFlags {
  cl::SubCommand &Sub;
  cl::opt<std::string> Dir{"cache-dir", cl::sub(Sub)};
  cl::opt<bool> NoCache{"no-cache", cl::sub(Sub)};
  cl::opt<bool> Stats{"cache-stats", cl::sub(Sub)};
  cl::opt<ByteSize, false, Checked<ByteSize, readCacheSize>> MaxSize{
      "cache-max-size", cl::sub(Sub)};
};

/// The CLI's options: its own llvm::cl subcommand (never typed by a user:
/// readArguments names it), so no option of LLVM's shares a name with ours.
struct CliCommandLine {
  cl::SubCommand Sub{"analyze"};
  AnalysisFlags Analysis{Sub};
  ReportFlags Report{Sub};
  CacheFlags Cache{Sub};
  ProgressFlags Progress{Sub};

  FrontEnd frontEnd() {
    FrontEnd FE(Sub);
    FE.Actions = {{"--help", false},
                  {"-h", false},
                  {"--version", false},
                  {"--list-rules", false},
                  {"--explain", true}};
    // An empty path would silently mean "none" (discovery, standard
    // output).
    FE.NonEmpty = {
        "-p",         "--config",      "-o",         "--export-fixes",
        "--baseline", "--source-root", "--cache-dir"};
    return FE;
  }
};

/// One run of the CLI, as its command line asks for it.
struct CliRequest {
  DriverOptions Driver;
  ReportOptions Report;
  std::string Baseline;
  bool Explain = false, ShowMapping = false, CacheStats = false;
};

/// --help, --version, --list-rules, --explain <rule>: the exit status.
int runAction(const ReadArgs &Read) {
  if (Read.Action == "--help" || Read.Action == "-h") {
    llvm::outs() << Usage;
  } else if (Read.Action == "--version") {
    llvm::outs() << "factoryguard " << FACTORYGUARD_VERSION << " (LLVM/Clang "
                 << LLVM_VERSION_STRING << ")\n";
  } else if (Read.Action == "--list-rules") {
    for (const RuleInfo &R : allRules())
      llvm::outs() << R.Id << "  " << R.ShortDescription << "\n";
  } else {
    const RuleInfo *R = findRule(Read.ActionValue);
    if (!R)
      return usageError("unknown rule '" + Read.ActionValue +
                        "' (see --list-rules)");
    llvm::outs() << R->HelpMarkdown;
  }
  return 0;
}

/// What to analyze, from the command line.
void storeAnalysis(const CliCommandLine &CL, const ReadArgs &Read,
                   DriverOptions &Opts) {
  const AnalysisFlags &A = CL.Analysis;
  Opts.Inputs = Read.Inputs;
  Opts.HasFixedArgs = Read.DashDash;
  if (Read.DashDash)
    Opts.FixedArgs = Read.Rest;
  Opts.BuildPath = A.BuildPath;
  Opts.ConfigFile = A.Config;
  Opts.StrictConfig = A.StrictConfig;
  Opts.RuleGlobs = A.Rules;
  if (A.Shard.getNumOccurrences()) {
    Opts.ShardIndex = A.Shard.getValue().Index;
    Opts.ShardCount = A.Shard.getValue().Count;
  }
  if (A.Jobs.getNumOccurrences())
    Opts.Jobs = A.Jobs;
  Opts.Changed = A.Changed;
  Opts.FullParse = A.FullParse;
  Opts.ExtraArgs.assign(A.ExtraArgs.begin(), A.ExtraArgs.end());
  Opts.ExtraArgsBefore.assign(A.ExtraArgsBefore.begin(),
                              A.ExtraArgsBefore.end());
  Opts.NoCache = CL.Cache.NoCache;
  Opts.CacheDir = CL.Cache.Dir;
  if (CL.Cache.MaxSize.getNumOccurrences())
    Opts.CacheMaxBytes = CL.Cache.MaxSize.getValue().Bytes;
  Opts.OnUnitDone = progressPrinter(CL.Progress.Mode);
}

/// How to report, from the command line.
void storeReport(const CliCommandLine &CL, CliRequest &R) {
  const ReportFlags &F = CL.Report;
  ReportOptions &RO = R.Report;
  F.Reporting.store(RO);
  RO.Format = F.Format;
  RO.Fix = F.Fix;
  RO.ExportFixes = F.ExportFixes;
  R.Baseline = F.Reporting.Baseline;
  R.Explain = CL.Analysis.ExplainConfig.getNumOccurrences() != 0;
  R.ShowMapping = CL.Analysis.ShowMapping;
  R.CacheStats = CL.Cache.Stats;
}

/// --format shard and --shard write a part for the merge: the options that
/// need the whole run are refused. "" when fine.
std::string checkSharding(const CliRequest &R) {
  bool ShardFormat = R.Report.Format == OutputFormat::Shard;
  if (!ShardFormat && !R.Driver.ShardCount)
    return "";
  const char *Other = R.Explain                       ? "--explain-config"
                      : R.Driver.Changed              ? "--changed"
                      : R.Report.Fix                  ? "--fix"
                      : !R.Report.ExportFixes.empty() ? "--export-fixes"
                      : !R.Baseline.empty()           ? "--baseline"
                                                      : nullptr;
  if (!Other)
    return "";
  return std::string(ShardFormat ? "--format shard" : "--shard") + " and " +
         Other + " do not go together (merge applies --baseline)";
}

/// Options that do not go together, or values that would mean nothing;
/// "" when the request is fine. Adds --explain-config's file to the inputs.
std::string checkRequest(CliRequest &R, const std::string &ExplainFile) {
  DriverOptions &Opts = R.Driver;
  const ReportOptions &RO = R.Report;
  if (std::string Err = checkRuleGlobs(Opts.RuleGlobs); !Err.empty())
    return Err;
  if (Opts.NoCache && !Opts.CacheDir.empty())
    return "--no-cache and --cache-dir '" + Opts.CacheDir +
           "' do not go together";
  if (std::string Err = checkSourceRoot(RO.SourceRoot); !Err.empty())
    return Err;
  if (!RO.Output.empty() && !RO.ExportFixes.empty() &&
      sameFile(RO.Output, RO.ExportFixes))
    return "-o '" + RO.Output + "' and --export-fixes '" + RO.ExportFixes +
           "' name the same file";
  if (R.ShowMapping && !Opts.Changed)
    return "--show-mapping goes with --changed";
  if (R.Explain && Opts.Changed)
    return "--explain-config and --changed do not go together";
  if (R.Explain) {
    if (ExplainFile.empty())
      return "--explain-config needs a file";
    if (!Opts.Inputs.empty())
      return "--explain-config takes one file; give no other file or "
             "directory";
    Opts.Inputs.push_back(ExplainFile);
    Opts.ExplainConfig = true;
  }
  return checkSharding(R);
}

/// Reads and checks the command line into R; -1 when the run is to go on,
/// else the exit status (an action done, or a usage error).
int readCliCommandLine(llvm::ArrayRef<std::string> Args, CliRequest &R) {
  static CliCommandLine CL;
  ReadArgs Read;
  if (std::string Err = readArguments(CL.frontEnd(), Args, Read); !Err.empty())
    return usageError(Err);
  if (!Read.Action.empty())
    return runAction(Read);
  storeAnalysis(CL, Read, R.Driver);
  storeReport(CL, R);
  if (std::string Err = checkRequest(R, CL.Analysis.ExplainConfig);
      !Err.empty())
    return usageError(Err);
  ReportOptions &RO = R.Report;
  RO.SourceRoot = RO.SourceRoot.empty() ? defaultSourceRoot()
                                        : normalizePath(RO.SourceRoot);
  RO.ExplainConfig = R.Driver.ExplainConfig;
  R.Driver.SourceRoot = RO.SourceRoot;
  R.Driver.KeepUnitResults = RO.Format == OutputFormat::Shard;
  return -1;
}

/// --format shard: this run's units for `factoryguard merge`; failed units
/// are listed now and reported by the merge (whether a configuration entry
/// matched nothing only all shards together know).
int writeShardResult(const DriverResult &Result, const CliRequest &R) {
  for (const UnitFailure &F : Result.Failures)
    llvm::errs() << displayPath(F.File) << ": error: " << printable(F.Message)
                 << "\n";
  const std::string &Output = R.Report.Output;
  if (auto Err =
          refuseInputTarget("-o", Output, Result.Units, Result.DatabaseFile)) {
    printError(std::move(Err));
    return 2;
  }
  if (auto Err = writeOutput(Output, [&](llvm::raw_ostream &OS) {
        renderShard(Result, R.Driver, R.Report.SourceRoot, OS);
      })) {
    printError(std::move(Err));
    return 2;
  }
  return 0;
}

/// The CLI: read, run, report.
int runCli(llvm::ArrayRef<std::string> Args) {
  CliRequest R;
  if (int Status = readCliCommandLine(Args, R); Status >= 0)
    return Status;
  if (!readBaseline(R.Baseline, R.Report.BaselinePrints))
    return 2;
  auto ResultOrErr = runAnalysis(R.Driver, llvm::errs());
  if (!ResultOrErr) {
    printError(ResultOrErr.takeError());
    return 2;
  }
  DriverResult &Result = *ResultOrErr;
  if (R.ShowMapping)
    for (const std::string &L : Result.Mapping)
      llvm::errs() << "factoryguard: mapping: " << L << "\n";
  if (R.CacheStats)
    printCacheStats(Result, "factoryguard", llvm::errs());
  // --changed and nothing to analyze: no report, as if nothing ran.
  if (R.Driver.Changed && Result.Units.empty() && Result.Failures.empty())
    return 0;
  if (R.Report.Format == OutputFormat::Shard)
    return writeShardResult(Result, R);
  return report(Result, R.Report);
}

} // namespace

int main(int argc, char **argv) {
  llvm::CrashRecoveryContext::Enable();
  // `factoryguard lsp ...`: the language server (SPEC §9), and the other
  // subcommands. A file named "lsp" is analyzed as ./lsp.
  std::vector<std::string> Args(argv + 1, argv + argc);
  std::vector<std::string> After =
      Args.empty() ? Args
                   : std::vector<std::string>(Args.begin() + 1, Args.end());
  // A copy: `cond ? "" : Args[0]` is a temporary std::string, and a
  // StringRef of it dangled (ASan: stack-use-after-scope).
  const std::string Command = Args.empty() ? std::string() : Args[0];
  if (Command == "lsp")
    return runLanguageServerMain(After);
  if (Command == "audit")
    return runAuditCommand(After);
  if (Command == "init")
    return runInitCommand(After);
  if (Command == "merge")
    return runMerge(After);
  return runCli(Args);
}

//===- main.cpp - the factoryguard command line (SPEC §4) ----------------===//
#include "Audit.h"
#include "CommandLine.h"
#include "Config.h"
#include "Driver.h"
#include "Fingerprint.h"
#include "FixApplier.h"
#include "LspServer.h"
#include "Output.h"
#include "Rules.h"
#include "SarifReporter.h"
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
  --format text|sarif      output format (default text)
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
  llvm::errs() << "factoryguard: error: " << Msg
               << "\nRun 'factoryguard --help' for usage.\n";
  return 2;
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

} // namespace

int main(int argc, char **argv) {
  llvm::CrashRecoveryContext::Enable();
  // `factoryguard lsp ...`: the language server (SPEC §9). A file named
  // "lsp" is analyzed as ./lsp.
  if (argc > 1 && llvm::StringRef(argv[1]) == "lsp")
    return runLanguageServerMain(std::vector<std::string>(argv + 2, argv + argc));
  if (argc > 1 && llvm::StringRef(argv[1]) == "audit")
    return runAuditCommand(std::vector<std::string>(argv + 2, argv + argc));
  DriverOptions Opts;
  std::string Format = "text", Output, ExportFixes, Baseline, SourceRoot;
  std::string Category = "factoryguard/", FailOn = "warning";
  std::string UnitErrors = "fail";
  bool Fix = false;
  std::string ExplainFile; // --explain-config
  bool Explain = false;
  bool CacheStatsWanted = false;
  bool ShowMapping = false;

  ArgReader Args(std::vector<std::string>(argv + 1, argv + argc),
                 {"-p", "--config", "--format", "-o", "--rules",
                  "--export-fixes", "--baseline", "-j", "--fail-on",
                  "--extra-arg", "--extra-arg-before", "--source-root",
                  "--category", "--explain", "--unit-errors", "--cache-dir",
                  "--cache-max-size", "--explain-config"},
                 // An empty path would silently mean "none" (discovery,
                 // standard output).
                 {"-p", "--config", "-o", "--export-fixes", "--baseline",
                  "--source-root", "--cache-dir"});
  while (Args.next()) {
    if (!Args.error().empty())
      return usageError(Args.error());
    const std::string &A = Args.arg(), &Name = Args.name(),
                      &Value = Args.value();
    if (Name == "--help" || Name == "-h") {
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
      if (Value != "text" && Value != "sarif")
        return usageError("--format takes text or sarif, not '" + Value + "'");
      Format = Value;
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
      Severity Level;
      if (Value != "never" &&
          (!parseSeverity(Value, Level) || Level == Severity::Off))
        return usageError("--fail-on takes error, warning, note or never, not '" +
                          Value + "'");
      FailOn = Value;
    } else if (Name == "--unit-errors") {
      if (Value != "fail" && Value != "report")
        return usageError("--unit-errors takes fail or report, not '" + Value +
                          "'");
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

  // Validate the rule globs: each positive glob must name at least one rule.
  if (!Opts.RuleGlobs.empty()) {
    bool Any = false;
    for (const RuleInfo &R : allRules())
      Any = Any || ruleEnabledByGlobs(Opts.RuleGlobs, R.Id);
    if (!Any)
      llvm::errs() << "factoryguard: warning: --rules '" << Opts.RuleGlobs
                   << "' enables no rule\n";
  }

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

  std::set<std::string> BaselinePrints;
  if (!Baseline.empty()) {
    auto Prints = readBaselineFingerprints(Baseline);
    if (!Prints) {
      llvm::errs() << "factoryguard: error: " << llvm::toString(Prints.takeError())
                   << "\n";
      return 2;
    }
    BaselinePrints = std::move(*Prints);
  }

  auto ResultOrErr = runAnalysis(Opts, llvm::errs());
  if (!ResultOrErr) {
    llvm::errs() << "factoryguard: error: "
                 << llvm::toString(ResultOrErr.takeError()) << "\n";
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
  for (const UnitFailure &F : Result.Failures)
    llvm::errs() << displayPath(F.File) << ": error: " << F.Message << "\n";
  bool ConfigError = false; // SPEC §3: validation after the run
  for (const ConfigDiagnostic &D : Result.ConfigDiagnostics) {
    llvm::errs() << D.Text << "\n";
    ConfigError = ConfigError || D.IsError;
  }
  if (Opts.ExplainConfig) {
    llvm::outs() << Result.ConfigExplanation;
    llvm::outs().flush();
    return ConfigError ? 2 : Result.Failures.empty() ? 0 : 3;
  }

  SourceRoot = SourceRoot.empty() ? defaultSourceRoot() : normalizePath(SourceRoot);

  std::vector<Finding> Findings;
  for (Finding &F : Result.Findings) {
    if (!BaselinePrints.empty() &&
        BaselinePrints.count(factoryguardFingerprint(F, SourceRoot)))
      continue;
    Findings.push_back(std::move(F));
  }

  // What we write must not replace what we read.
  std::set<std::string> InputSet(Result.Units.begin(), Result.Units.end());
  for (const Finding &F : Findings)
    InputSet.insert(F.Where.File);
  std::vector<std::string> Inputs(InputSet.begin(), InputSet.end());
  for (const auto &[Option, Path] : {std::pair<const char *, const std::string &>{"-o", Output},
                                     {"--export-fixes", ExportFixes}})
    if (auto Err = refuseInputTarget(Option, Path, Inputs, Result.DatabaseFile)) {
      llvm::errs() << "factoryguard: error: " << llvm::toString(std::move(Err))
                   << "\n";
      return 2;
    }

  runTestHook("FACTORYGUARD_TEST_HOOK_AFTER_ANALYSIS");
  if (!ExportFixes.empty())
    if (auto Err = exportFixes(Findings, ExportFixes)) {
      llvm::errs() << "factoryguard: error: " << llvm::toString(std::move(Err))
                   << "\n";
      return 2;
    }
  bool FixFailed = false;
  if (Fix) {
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
  if (Format == "sarif") {
    SarifOptions SO;
    SO.SourceRoot = SourceRoot;
    SO.Category = Category;
    SO.ToolVersion = FACTORYGUARD_VERSION;
    for (const UnitFailure &F : Result.Failures)
      SO.Failures.push_back({F.File, F.Message});
    Report = renderSarif(Findings, SO);
    Render = [&](llvm::raw_ostream &OS) { OS << Report; };
  } else {
    bool Colors = Output.empty() && llvm::outs().has_colors() &&
                  !llvm::sys::Process::GetEnv("NO_COLOR");
    Render = [&, Colors](llvm::raw_ostream &OS) { renderText(Findings, OS, Colors); };
  }
  if (auto Err = writeOutput(Output, Render)) {
    llvm::errs() << "factoryguard: error: " << llvm::toString(std::move(Err)) << "\n";
    return 2;
  }

  if (FixFailed || ConfigError)
    return 2;
  if (!Result.Failures.empty() && UnitErrors == "fail")
    return 3;
  if (FailOn == "never")
    return 0;
  Severity Threshold = Severity::Warning;
  parseSeverity(FailOn, Threshold);
  for (const Finding &F : Findings)
    if (!F.Suppressed && F.Level >= Threshold)
      return 1;
  return 0;
}

//===- AuditCommand.cpp - `factoryguard audit` (SPEC §8) ------------------===//
//
// The audit's options (llvm::cl, read as every front end reads:
// CommandLine.h) and its steps: read the earlier audit, run, build the
// audit, write the HTML and the JSON.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"

#include "Audit.h"
#include "CommandLine.h"

#include "Config.h"
#include "Fingerprint.h"
#include "Output.h"
#include "Paths.h"
#include "Printable.h"
#include "Progress.h"
#include "SourceRoot.h"
#include "llvm/Support/raw_ostream.h"

#include <set>

namespace factoryguard {

namespace {

const char *AuditUsage =
    R"(USAGE: factoryguard audit [options] [<file-or-directory>...] [-- <compiler flags>]

"Is the migration done?": every factory call site (compliant, or a finding
by rule and why), every static variable holding a manager and every static
factory object (set up, never set up or unused), counted per directory and
per top-level module, with "N of M call sites compliant".

OPTIONS:
  -p <dir>                 directory holding compile_commands.json (as for
                           factoryguard itself)
  -o <file>                the HTML report (one self-contained file); default
                           standard output, unless only --json is given
  --json <file>            the audit as JSON (schema: docs/audit-schema.json)
  --compare <json>         an earlier audit (--json): list what was fixed and
                           what is new since
  --config <file>          configuration file instead of .factoryguard.yaml
                           discovery
  --source-root <dir>      paths are shown relative to it and modules are its
                           top-level directories (default: the git top level,
                           else the working directory)
  -j <n>                   translation units analyzed in parallel
  --cache-dir <dir>        where results per unit are cached, shared with
                           factoryguard itself (default: .factoryguard-cache
                           beside compile_commands.json; without a database,
                           no cache unless given)
  --no-cache               neither read nor write the cache
  --cache-stats            after the run, print the cache's hits, misses,
                           entries and size on standard error
  --progress, --quiet      as for factoryguard: [n/N] <file> on standard
                           error as each unit finishes (the default on a
                           terminal), or none
  --unit-errors fail|report
                           a unit that cannot be analyzed is listed in the
                           report either way; with fail (the default) it makes
                           the exit status 3
  --extra-arg <arg>, --extra-arg-before <arg>
  --help

EXIT STATUS: 0 the audit is written (findings do not change it); 2 usage,
configuration or --compare error, or a report that could not be written
(nothing is written on a --compare error); 3 a translation unit could not be
analyzed (with --unit-errors fail; the report is still written).
)";

int auditError(const std::string &Msg) {
  llvm::errs() << errorLine("factoryguard audit", Msg) << "\n";
  return 2;
}

int usage(const std::string &Msg) {
  return auditError(Msg + "\nRun 'factoryguard audit --help' for usage.");
}

namespace cl = llvm::cl;

/// `factoryguard audit`'s options, as AuditUsage lists them.
struct AuditCommandLine {
  cl::SubCommand Sub{"audit"};
  // What to analyze.
  cl::opt<std::string> BuildPath{"p", cl::sub(Sub)};
  cl::opt<std::string> Config{"config", cl::sub(Sub)};
  cl::opt<std::string> SourceRoot{"source-root", cl::sub(Sub)};
  cl::opt<unsigned, false, Checked<unsigned, readJobs>> Jobs{"j", cl::sub(Sub)};
  cl::list<std::string> ExtraArgs{"extra-arg", cl::sub(Sub)};
  cl::list<std::string> ExtraArgsBefore{"extra-arg-before", cl::sub(Sub)};
  cl::opt<UnitErrors, false, EnumValues<UnitErrors>> OnUnitErrors{
      "unit-errors", cl::sub(Sub), FACTORYGUARD_UNIT_ERRORS_VALUES,
      cl::init(UnitErrors::Fail)};
  // What to write.
  cl::opt<std::string> Html{"o", cl::sub(Sub)};
  cl::opt<std::string> Json{"json", cl::sub(Sub)};
  cl::opt<std::string> Compare{"compare", cl::sub(Sub)};
  // The cache and the progress.
  cl::opt<std::string> CacheDir{"cache-dir", cl::sub(Sub)};
  cl::opt<bool> NoCache{"no-cache", cl::sub(Sub)};
  cl::opt<bool> CacheStats{"cache-stats", cl::sub(Sub)};
  ProgressFlags Progress{Sub};

  FrontEnd frontEnd() {
    FrontEnd FE(Sub);
    FE.NonEmpty = {"-p",         "-o",
                   "--json",     "--compare",
                   "--config",   "--source-root",
                   "-j",         "--unit-errors",
                   "--cache-dir"};
    return FE;
  }
};

/// One audit, as the command line asks for it.
struct AuditRequest {
  DriverOptions Driver;
  std::string Html, Json, Compare, SourceRoot;
  bool WriteHtml = true, CacheStats = false;
  UnitErrors OnUnitErrors = UnitErrors::Fail;
};

/// Reads the command line into R; -1 when the audit is to run, else the
/// exit status (help printed, or a usage error).
int readCommandLine(llvm::ArrayRef<std::string> Args, AuditRequest &R) {
  static AuditCommandLine CL;
  ReadArgs Read;
  if (std::string Err = readArguments(CL.frontEnd(), Args, Read); !Err.empty())
    return usage(Err);
  if (!Read.Action.empty()) {
    llvm::outs() << AuditUsage;
    return 0;
  }
  DriverOptions &Opts = R.Driver;
  Opts.Inputs = Read.Inputs;
  Opts.HasFixedArgs = Read.DashDash;
  Opts.FixedArgs = Read.DashDash ? Read.Rest : std::vector<std::string>();
  Opts.BuildPath = CL.BuildPath;
  Opts.ConfigFile = CL.Config;
  if (CL.Jobs.getNumOccurrences())
    Opts.Jobs = CL.Jobs;
  Opts.ExtraArgs.assign(CL.ExtraArgs.begin(), CL.ExtraArgs.end());
  Opts.ExtraArgsBefore.assign(CL.ExtraArgsBefore.begin(),
                              CL.ExtraArgsBefore.end());
  Opts.CacheDir = CL.CacheDir;
  Opts.NoCache = CL.NoCache;
  Opts.OnUnitDone = progressPrinter(CL.Progress.Mode);
  R.SourceRoot = CL.SourceRoot;
  R.Json = CL.Json;
  R.Compare = CL.Compare;
  R.CacheStats = CL.CacheStats;
  R.OnUnitErrors = CL.OnUnitErrors;
  // Without -o the HTML goes to standard output, unless only JSON is asked.
  bool HtmlGiven = CL.Html.getNumOccurrences() != 0;
  R.WriteHtml = HtmlGiven || R.Json.empty();
  R.Html = HtmlGiven ? std::string(CL.Html) : "-";
  if (R.WriteHtml && !R.Json.empty() &&
      normalizePath(R.Html) == normalizePath(R.Json))
    return usage("-o and --json name the same file '" + R.Html + "'");
  return -1;
}

/// Prints the failed units and the configuration diagnostics; whether one
/// of these is an error.
bool printDiagnostics(const DriverResult &Result) {
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

/// Writes the HTML and the JSON; never a source, the database, or (with
/// --json) the audit being compared with as the HTML.
llvm::Error writeAudit(const nlohmann::json &Audit, const DriverResult &Result,
                       const AuditRequest &R) {
  std::vector<std::string> Inputs = Result.Units;
  for (const Finding &F : Result.Findings)
    Inputs.push_back(F.Where.File);
  for (const auto &[Option, Path] :
       {std::pair<const char *, std::string>{"-o", R.WriteHtml ? R.Html : ""},
        {"--json", R.Json}})
    if (!Path.empty() && Path != "-")
      if (auto Err =
              refuseInputTarget(Option, Path, Inputs, Result.DatabaseFile))
        return Err;

  if (R.WriteHtml) {
    std::string Text = renderAuditHtml(Audit);
    if (auto Err =
            writeOutput(R.Html, [&](llvm::raw_ostream &OS) { OS << Text; }))
      return Err;
  }
  if (!R.Json.empty()) {
    // Source text need not be UTF-8: never throw on it.
    std::string Text =
        Audit.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
        "\n";
    return writeOutput(R.Json, [&](llvm::raw_ostream &OS) { OS << Text; });
  }
  return llvm::Error::success();
}

} // namespace

int runAuditCommand(llvm::ArrayRef<std::string> Args) {
  // The cache (SPEC §7) is the CLI's: its entries keep every call site the
  // rules classified, so an unchanged tree is audited without a parse.
  AuditRequest R;
  if (int Status = readCommandLine(Args, R); Status >= 0)
    return Status;

  // The earlier audit first: a bad one stops the run before anything is
  // analyzed or written.
  std::optional<nlohmann::json> Previous;
  if (!R.Compare.empty()) {
    auto P = readPreviousAudit(R.Compare);
    if (!P)
      return auditError(llvm::toString(P.takeError()));
    Previous = std::move(*P);
  }

  std::string Root =
      R.SourceRoot.empty() ? defaultSourceRoot() : normalizePath(R.SourceRoot);
  R.Driver.SourceRoot =
      Root; // clang's messages about files outside: not quoted
  auto ResultOrErr = runAnalysis(R.Driver, llvm::errs());
  if (!ResultOrErr)
    return auditError(llvm::toString(ResultOrErr.takeError()));
  DriverResult &Result = *ResultOrErr;
  if (R.CacheStats)
    printCacheStats(Result, "factoryguard audit", llvm::errs());
  bool ConfigError = printDiagnostics(Result);

  AuditOptions AO;
  AO.SourceRoot = Root;
  AO.ToolVersion = FACTORYGUARD_VERSION;
  nlohmann::json Audit = buildAudit(Result, AO);
  if (Previous)
    compareWithPrevious(Audit, *Previous);
  if (auto Err = writeAudit(Audit, Result, R))
    return auditError(llvm::toString(std::move(Err)));
  llvm::errs() << "factoryguard audit: " << auditSummaryLine(Audit) << "\n";
  if (ConfigError)
    return 2;
  if (!Result.Failures.empty() && R.OnUnitErrors == UnitErrors::Fail)
    return 3;
  return 0;
}

} // namespace factoryguard

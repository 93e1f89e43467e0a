//===- AuditCommand.cpp - `factoryguard audit` (SPEC §8) ------------------===//
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

} // namespace

int runAuditCommand(llvm::ArrayRef<std::string> Args) {
  // The cache (SPEC §7) is the CLI's: its entries keep every call site the
  // rules classified, so an unchanged tree is audited without a parse.
  DriverOptions Opts;
  std::string Html, Json, Compare, SourceRoot, UnitErrors = "fail";
  bool HtmlGiven = false, CacheStatsWanted = false;
  ProgressMode Progress = ProgressMode::Auto;
  ArgReader Reader(Args.vec(),
                   {"-p", "-o", "--json", "--compare", "--config",
                    "--source-root", "-j", "--unit-errors", "--extra-arg",
                    "--extra-arg-before", "--cache-dir"},
                   {"-p", "-o", "--json", "--compare", "--config",
                    "--source-root", "-j", "--unit-errors", "--cache-dir"});
  while (Reader.next()) {
    if (!Reader.error().empty())
      return usage(Reader.error());
    const std::string &A = Reader.arg(), &Name = Reader.name(),
                      &Value = Reader.value();
    std::string ProgressError;
    if (readProgressOption(Name, Progress, ProgressError)) {
      if (!ProgressError.empty())
        return usage(ProgressError);
    } else if (Name == "--help" || Name == "-h") {
      llvm::outs() << AuditUsage;
      return 0;
    } else if (Name == "-p") {
      Opts.BuildPath = Value;
    } else if (Name == "-o") {
      Html = Value;
      HtmlGiven = true;
    } else if (Name == "--json") {
      Json = Value;
    } else if (Name == "--compare") {
      Compare = Value;
    } else if (Name == "--config") {
      Opts.ConfigFile = Value;
    } else if (Name == "--source-root") {
      SourceRoot = Value;
    } else if (Name == "-j") {
      char *End = nullptr;
      long N = std::strtol(Value.c_str(), &End, 10);
      if (*End || N < 1 || N > 1024)
        return usage("-j takes a number from 1 to 1024, not '" + Value + "'");
      Opts.Jobs = static_cast<unsigned>(N);
    } else if (Name == "--unit-errors") {
      if (Value != "fail" && Value != "report")
        return usage("--unit-errors takes fail or report, not '" + Value + "'");
      UnitErrors = Value;
    } else if (Name == "--cache-dir") {
      Opts.CacheDir = Value;
    } else if (Name == "--no-cache") {
      Opts.NoCache = true;
    } else if (Name == "--cache-stats") {
      CacheStatsWanted = true;
    } else if (Name == "--extra-arg") {
      Opts.ExtraArgs.push_back(Value);
    } else if (Name == "--extra-arg-before") {
      Opts.ExtraArgsBefore.push_back(Value);
    } else if (!A.empty() && A[0] == '-' && A != "-") {
      return usage("unknown option '" + A + "'");
    } else {
      Opts.Inputs.push_back(A);
    }
  }
  if (Reader.afterDashDash()) {
    Opts.HasFixedArgs = true;
    Opts.FixedArgs = Reader.rest();
  }
  // Without -o the HTML goes to standard output, unless only JSON is asked.
  bool WriteHtml = HtmlGiven || Json.empty();
  if (!HtmlGiven)
    Html = "-";
  if (WriteHtml && !Json.empty() && normalizePath(Html) == normalizePath(Json))
    return usage("-o and --json name the same file '" + Html + "'");

  // The earlier audit first: a bad one stops the run before anything is
  // analyzed or written.
  std::optional<nlohmann::json> Previous;
  if (!Compare.empty()) {
    auto P = readPreviousAudit(Compare);
    if (!P)
      return auditError(llvm::toString(P.takeError()));
    Previous = std::move(*P);
  }

  std::string Root =
      SourceRoot.empty() ? defaultSourceRoot() : normalizePath(SourceRoot);
  Opts.SourceRoot = Root; // clang's messages about files outside: not quoted
  Opts.OnUnitDone = progressPrinter(Progress);
  auto ResultOrErr = runAnalysis(Opts, llvm::errs());
  if (!ResultOrErr)
    return auditError(llvm::toString(ResultOrErr.takeError()));
  DriverResult &Result = *ResultOrErr;
  if (CacheStatsWanted)
    printCacheStats(Result, "factoryguard audit", llvm::errs());
  for (const UnitFailure &F : Result.Failures)
    llvm::errs() << displayPath(F.File) << ": error: " << printable(F.Message)
                 << "\n";
  bool ConfigError = false;
  for (const ConfigDiagnostic &D : Result.ConfigDiagnostics) {
    llvm::errs() << printable(D.Text) << "\n";
    ConfigError = ConfigError || D.IsError;
  }

  AuditOptions AO;
  AO.SourceRoot = Root;
  AO.ToolVersion = FACTORYGUARD_VERSION;
  nlohmann::json Audit = buildAudit(Result, AO);
  if (Previous)
    compareWithPrevious(Audit, *Previous);

  // Never replace a source, the database, or (with --json) the audit being
  // compared with as the HTML.
  std::vector<std::string> Inputs = Result.Units;
  for (const Finding &F : Result.Findings)
    Inputs.push_back(F.Where.File);
  for (const auto &[Option, Path] :
       {std::pair<const char *, std::string>{"-o", WriteHtml ? Html : ""},
        {"--json", Json}})
    if (!Path.empty() && Path != "-")
      if (auto Err =
              refuseInputTarget(Option, Path, Inputs, Result.DatabaseFile))
        return auditError(llvm::toString(std::move(Err)));

  if (WriteHtml) {
    std::string Text = renderAuditHtml(Audit);
    if (auto Err =
            writeOutput(Html, [&](llvm::raw_ostream &OS) { OS << Text; }))
      return auditError(llvm::toString(std::move(Err)));
  }
  if (!Json.empty()) {
    // Source text need not be UTF-8: never throw on it.
    std::string Text =
        Audit.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
        "\n";
    if (auto Err =
            writeOutput(Json, [&](llvm::raw_ostream &OS) { OS << Text; }))
      return auditError(llvm::toString(std::move(Err)));
  }
  llvm::errs() << "factoryguard audit: " << auditSummaryLine(Audit) << "\n";
  if (ConfigError)
    return 2;
  if (!Result.Failures.empty() && UnitErrors == "fail")
    return 3;
  return 0;
}

} // namespace factoryguard

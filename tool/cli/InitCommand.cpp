//===- InitCommand.cpp - `factoryguard init` (SPEC §3) --------------------===//
//
// A first configuration for a team that has written none: every unit of
// the database is parsed once through the run's own driver (runAnalysis
// with DriverOptions::Survey: the same worker processes, compile commands
// and progress as a run), the surveys are joined into a Proposal and
// written as YAML. An existing file is never replaced without --force, and
// that is checked before anything is parsed.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"

#include "CommandLine.h"
#include "Driver.h"
#include "Fingerprint.h"
#include "Output.h"
#include "Paths.h"
#include "Printable.h"
#include "Progress.h"
#include "Proposal.h"
#include "ProposalYaml.h"
#include "SourceRoot.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace factoryguard {

namespace {

const char *InitUsage =
    R"(USAGE: factoryguard init [options] [<file-or-directory>...] [-- <compiler flags>]

Proposes a first .factoryguard.yaml from the code, for a team that has
written none: contexts (classes named like a request context, or taken by
many functions), the factories that take them and the managers they hand
out, singleton accessors and their classes, start-up functions (called only
from main or static initializers) and holder templates. Each entry carries
its evidence (a count and one example place) and a confidence; low-confidence
entries are commented out. Any existing configuration is ignored while the
code is read. What init proposes and how well: docs/init.md.

OPTIONS:
  -p <dir>                 directory holding compile_commands.json (as for
                           factoryguard itself)
  -o <file>                where to write the proposal (default:
                           .factoryguard.yaml in the source root; - for
                           standard output)
  --force                  replace the file if it exists (without it, an
                           existing file is an error and is kept)
  --source-root <dir>      example places are written relative to it, and
                           the default file goes there (default: the git top
                           level, else the working directory)
  -j <n>                   translation units parsed in parallel
  --progress, --quiet      as for factoryguard: [n/N] <file> on standard
                           error as each unit finishes (the default on a
                           terminal), or none
  --extra-arg <arg>, --extra-arg-before <arg>
  --help

EXIT STATUS: 0 the proposal is written; 2 usage error, an existing file
without --force, or a file that could not be written; 3 a translation unit
could not be parsed (the proposal from the others is still written).
)";

int initError(const std::string &Msg) {
  llvm::errs() << errorLine("factoryguard init", Msg) << "\n";
  return 2;
}

int usage(const std::string &Msg) {
  return initError(Msg + "\nRun 'factoryguard init --help' for usage.");
}

struct InitOptions {
  DriverOptions Driver;
  std::string Output, SourceRoot;
  bool Force = false;
  ProgressMode Progress = ProgressMode::Auto;
};

/// Reads one option or input into O; "" when fine, else the usage error.
std::string readOption(const ArgReader &Reader, InitOptions &O) {
  const std::string &A = Reader.arg(), &Name = Reader.name(),
                    &Value = Reader.value();
  if (Name == "-p") {
    O.Driver.BuildPath = Value;
  } else if (Name == "-o") {
    O.Output = Value;
  } else if (Name == "--force") {
    O.Force = true;
  } else if (Name == "--source-root") {
    O.SourceRoot = Value;
  } else if (Name == "-j") {
    char *End = nullptr;
    long N = std::strtol(Value.c_str(), &End, 10);
    if (*End || N < 1 || N > 1024)
      return "-j takes a number from 1 to 1024, not '" + Value + "'";
    O.Driver.Jobs = static_cast<unsigned>(N);
  } else if (Name == "--extra-arg") {
    O.Driver.ExtraArgs.push_back(Value);
  } else if (Name == "--extra-arg-before") {
    O.Driver.ExtraArgsBefore.push_back(Value);
  } else if (!A.empty() && A[0] == '-' && A != "-") {
    return "unknown option '" + A + "'";
  } else {
    O.Driver.Inputs.push_back(A);
  }
  return "";
}

/// The file to write: -o, else .factoryguard.yaml in the source root.
std::string targetOf(const InitOptions &O, const std::string &Root) {
  if (!O.Output.empty())
    return O.Output;
  llvm::SmallString<256> Path(Root);
  llvm::sys::path::append(Path, ".factoryguard.yaml");
  return std::string(Path);
}

} // namespace

int runInitCommand(llvm::ArrayRef<std::string> Args) {
  InitOptions O;
  ArgReader Reader(
      Args.vec(),
      {"-p", "-o", "--source-root", "-j", "--extra-arg", "--extra-arg-before"},
      {"-p", "-o", "--source-root", "-j"});
  while (Reader.next()) {
    if (!Reader.error().empty())
      return usage(Reader.error());
    std::string ProgressError;
    if (readProgressOption(Reader.name(), O.Progress, ProgressError)) {
      if (!ProgressError.empty())
        return usage(ProgressError);
      continue;
    }
    if (Reader.name() == "--help" || Reader.name() == "-h") {
      llvm::outs() << InitUsage;
      return 0;
    }
    if (std::string Err = readOption(Reader, O); !Err.empty())
      return usage(Err);
  }
  if (Reader.afterDashDash()) {
    O.Driver.HasFixedArgs = true;
    O.Driver.FixedArgs = Reader.rest();
  }
  if (!O.SourceRoot.empty() && !llvm::sys::fs::is_directory(O.SourceRoot))
    return usage("--source-root '" + O.SourceRoot + "' is not a directory");
  std::string Root =
      O.SourceRoot.empty() ? defaultSourceRoot() : normalizePath(O.SourceRoot);
  std::string Target = targetOf(O, Root);
  if (Target != "-" && !O.Force && llvm::sys::fs::exists(Target))
    return initError("'" + displayPath(normalizePath(Target)) +
                     "' exists; init never replaces a configuration: give "
                     "another -o, or --force to replace it");

  O.Driver.SourceRoot = Root;
  O.Driver.Survey = true;
  O.Driver.RuleGlobs = "-*"; // the survey needs no rule
  O.Driver.OnUnitDone = progressPrinter(O.Progress);
  auto ResultOrErr = runAnalysis(O.Driver, llvm::errs());
  if (!ResultOrErr)
    return initError(llvm::toString(ResultOrErr.takeError()));
  DriverResult &Result = *ResultOrErr;
  for (const UnitFailure &F : Result.Failures)
    llvm::errs() << displayPath(F.File) << ": error: " << printable(F.Message)
                 << "\n";
  if (auto Err = refuseInputTarget("-o", Target == "-" ? "" : Target,
                                   Result.Units, Result.DatabaseFile))
    return initError(llvm::toString(std::move(Err)));

  Proposal P = proposeConfiguration(Result.Surveys);
  std::string Text = renderProposalYaml(P, Root);
  if (auto Err =
          writeOutput(Target, [&](llvm::raw_ostream &OS) { OS << Text; }))
    return initError(llvm::toString(std::move(Err)));
  if (Target != "-")
    llvm::errs() << "factoryguard init: wrote "
                 << printable(displayPath(normalizePath(Target))) << " ("
                 << P.Contexts.size() << " context(s), " << P.Managers.size()
                 << " manager(s), " << P.Factories.size() << " factory(ies), "
                 << P.Startup.size() << " start-up function(s), "
                 << P.Holders.size() << " holder(s))\n";
  return Result.Failures.empty() ? 0 : 3;
}

} // namespace factoryguard

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

namespace cl = llvm::cl;

/// `factoryguard init`'s options, as InitUsage lists them.
struct InitCommandLine {
  cl::SubCommand Sub{"init"};
  cl::opt<std::string> BuildPath{"p", cl::sub(Sub)};
  cl::opt<std::string> Output{"o", cl::sub(Sub)};
  cl::opt<bool> Force{"force", cl::sub(Sub)};
  cl::opt<std::string> SourceRoot{"source-root", cl::sub(Sub)};
  cl::opt<unsigned, false, Checked<unsigned, readJobs>> Jobs{"j", cl::sub(Sub)};
  cl::list<std::string> ExtraArgs{"extra-arg", cl::sub(Sub)};
  cl::list<std::string> ExtraArgsBefore{"extra-arg-before", cl::sub(Sub)};
  ProgressFlags Progress{Sub};

  FrontEnd frontEnd() {
    FrontEnd FE(Sub);
    FE.NonEmpty = {"-p", "-o", "--source-root", "-j"};
    return FE;
  }
};

struct InitOptions {
  DriverOptions Driver;
  std::string Output, SourceRoot;
  bool Force = false;
};

/// Reads the command line into O; -1 when init is to run, else the exit
/// status (help printed, or a usage error).
int readCommandLine(llvm::ArrayRef<std::string> Args, InitOptions &O) {
  static InitCommandLine CL;
  ReadArgs Read;
  if (std::string Err = readArguments(CL.frontEnd(), Args, Read); !Err.empty())
    return usage(Err);
  if (!Read.Action.empty()) {
    llvm::outs() << InitUsage;
    return 0;
  }
  O.Driver.Inputs = Read.Inputs;
  O.Driver.HasFixedArgs = Read.DashDash;
  if (Read.DashDash)
    O.Driver.FixedArgs = Read.Rest;
  O.Driver.BuildPath = CL.BuildPath;
  if (CL.Jobs.getNumOccurrences())
    O.Driver.Jobs = CL.Jobs;
  O.Driver.ExtraArgs.assign(CL.ExtraArgs.begin(), CL.ExtraArgs.end());
  O.Driver.ExtraArgsBefore.assign(CL.ExtraArgsBefore.begin(),
                                  CL.ExtraArgsBefore.end());
  O.Driver.OnUnitDone = progressPrinter(CL.Progress.Mode);
  O.Output = CL.Output;
  O.SourceRoot = CL.SourceRoot;
  O.Force = CL.Force;
  return -1;
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
  if (int Status = readCommandLine(Args, O); Status >= 0)
    return Status;
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

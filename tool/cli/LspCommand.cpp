//===- LspCommand.cpp - `factoryguard lsp`: its options and help ----------===//
//
// The command line of the language server: what `factoryguard lsp` accepts,
// declared as llvm::cl options of the `lsp` subcommand and read as every
// front end reads (CommandLine.h), into the server's ServerOptions. The
// server itself (LspServer.cpp) knows no command line.
//
//===----------------------------------------------------------------------===//
#include "Commands.h"

#include "CommandLine.h"
#include "LspServer.h"
#include "Paths.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace factoryguard {
namespace {

const char *LspUsage =
    R"(USAGE: factoryguard lsp [options] [-- <fallback compiler flags>]

Runs a Language Server Protocol server on standard input and output (for
editors whose C++ support is clangd; see docs/editors.md). C and C++
documents are analyzed on open, on change and on save with the editor's
unsaved text; findings become diagnostics, fix-its quick fixes. Logs go to
standard error.

OPTIONS:
  -p <dir>                 directory holding compile_commands.json (default:
                           search upward from each document, also in build/)
  --config <file>          configuration file instead of .factoryguard.yaml
                           discovery
  --rules <globs>          clang-tidy style, e.g. -*,factoryguard-null-context
  --extra-arg <arg>        append a compiler argument
  --extra-arg-before <arg> prepend a compiler argument
  --debounce <ms>          wait this long after the last change before
                           analyzing (default: as clangd, the median of the
                           document's last 15 rebuilds, 50 to 500 ms)
  --cache-dir <dir>        the CLI's cache to read (default:
                           .factoryguard-cache beside compile_commands.json):
                           call chains through other units use its facts,
                           and a header is analyzed through a unit that
                           reads it; the server never writes it
  --no-cache               do not read the cache: chains stay within the
                           unit, as in the clang-tidy plugin
  --help                   print this help

Flags after '--' are used for documents with no compile_commands.json above
them (default: none, clang's defaults).
)";

int lspUsageError(const std::string &Msg) {
  llvm::errs() << "factoryguard lsp: error: " << Msg
               << "\nRun 'factoryguard lsp --help' for usage.\n";
  return 2;
}

std::string readDebounce(llvm::StringRef Text, unsigned &Ms) {
  if (Text.getAsInteger(10, Ms) || Ms > 60000)
    return "--debounce takes milliseconds from 0 to 60000, not '" + Text.str() +
           "'";
  return "";
}

namespace cl = llvm::cl;

/// `factoryguard lsp`'s options, as LspUsage lists them.
struct LspCommandLine {
  cl::SubCommand Sub{"lsp"};
  cl::opt<std::string> BuildPath{"p", cl::sub(Sub)};
  cl::opt<std::string> Config{"config", cl::sub(Sub)};
  cl::opt<std::string> Rules{"rules", cl::sub(Sub)};
  cl::list<std::string> ExtraArgs{"extra-arg", cl::sub(Sub)};
  cl::list<std::string> ExtraArgsBefore{"extra-arg-before", cl::sub(Sub)};
  cl::opt<unsigned, false, Checked<unsigned, readDebounce>> DebounceMs{
      "debounce", cl::sub(Sub)};
  cl::opt<std::string> CacheDir{"cache-dir", cl::sub(Sub)};
  cl::opt<bool> NoCache{"no-cache", cl::sub(Sub)};

  FrontEnd frontEnd() {
    FrontEnd FE(Sub);
    FE.NonEmpty = {"-p", "--config", "--cache-dir", "--debounce"};
    FE.TakesInputs = false;
    return FE;
  }

  /// What was read, as the server's options.
  void store(ServerOptions &O) const {
    O.Driver.NoCache = NoCache;
    if (BuildPath.getNumOccurrences()) {
      std::string Dir = BuildPath;
      if (llvm::sys::path::filename(Dir) == "compile_commands.json")
        Dir = llvm::sys::path::parent_path(Dir).str();
      O.Driver.BuildPath = normalizePath(Dir);
    }
    if (Config.getNumOccurrences())
      O.Driver.ConfigFile = normalizePath(Config);
    if (CacheDir.getNumOccurrences())
      O.Driver.CacheDir = normalizePath(CacheDir);
    if (Rules.getNumOccurrences())
      O.Driver.RuleGlobs = Rules;
    O.Driver.ExtraArgs.assign(ExtraArgs.begin(), ExtraArgs.end());
    O.Driver.ExtraArgsBefore.assign(ExtraArgsBefore.begin(),
                                    ExtraArgsBefore.end());
    if (DebounceMs.getNumOccurrences())
      O.DebounceMs = DebounceMs;
  }
};

} // namespace

int runLanguageServerMain(const std::vector<std::string> &Args) {
  static LspCommandLine CL;
  ReadArgs Read;
  if (std::string Err = readArguments(CL.frontEnd(), Args, Read); !Err.empty())
    return lspUsageError(Err);
  if (!Read.Action.empty()) {
    llvm::outs() << LspUsage;
    return 0;
  }
  ServerOptions O;
  CL.store(O);
  O.FallbackFlags = Read.Rest;
  return runLanguageServer(std::move(O));
}

} // namespace factoryguard

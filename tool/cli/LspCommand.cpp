//===- LspCommand.cpp - `factoryguard lsp`: its options and help ----------===//
//
// The command line of the language server: what `factoryguard lsp` accepts,
// read with the CLI's ArgReader, into the server's ServerOptions. The server
// itself (LspServer.cpp) knows no command line.
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
                           analyzing (default: as clangd, as long as the
                           document's last analysis took, 50 to 500 ms)
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

} // namespace

int runLanguageServerMain(const std::vector<std::string> &Args) {
  ServerOptions O;
  ArgReader Reader(Args,
                   {"-p", "--config", "--rules", "--extra-arg",
                    "--extra-arg-before", "--debounce", "--cache-dir"},
                   {"-p", "--config", "--cache-dir", "--debounce"});
  while (Reader.next()) {
    const std::string &A = Reader.arg(), &Name = Reader.name(),
                      &Value = Reader.value();
    if (Name == "--help" || Name == "-h") {
      llvm::outs() << LspUsage;
      return 0;
    }
    if (Name == "--no-cache") {
      O.Driver.NoCache = true;
      continue;
    }
    if (!Reader.error().empty())
      return lspUsageError(Reader.error());
    if (Name == "-p") {
      std::string Dir = Value;
      if (llvm::sys::path::filename(Dir) == "compile_commands.json")
        Dir = llvm::sys::path::parent_path(Dir).str();
      O.Driver.BuildPath = normalizePath(Dir);
    } else if (Name == "--config") {
      O.Driver.ConfigFile = normalizePath(Value);
    } else if (Name == "--cache-dir") {
      O.Driver.CacheDir = normalizePath(Value);
    } else if (Name == "--rules") {
      O.Driver.RuleGlobs = Value;
    } else if (Name == "--extra-arg") {
      O.Driver.ExtraArgs.push_back(Value);
    } else if (Name == "--extra-arg-before") {
      O.Driver.ExtraArgsBefore.push_back(Value);
    } else if (Name == "--debounce") {
      unsigned Ms;
      if (llvm::StringRef(Value).getAsInteger(10, Ms) || Ms > 60000)
        return lspUsageError("--debounce takes milliseconds from 0 to 60000, "
                             "not '" +
                             Value + "'");
      O.DebounceMs = Ms;
    } else {
      return lspUsageError("unknown option '" + A + "'");
    }
  }
  O.FallbackFlags = Reader.rest();
  return runLanguageServer(std::move(O));
}

} // namespace factoryguard

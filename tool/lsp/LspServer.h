//===- LspServer.h - `factoryguard lsp`: a language server (SPEC §9) ------===//
//
// A Language Server Protocol server on standard input and output for editors
// whose C++ support is clangd. Open, changed (debounced) and saved C and C++
// documents are analyzed by the CLI's driver (runAnalysis) with the editor's
// unsaved text of every open document as an in-memory overlay over the disk;
// findings are published as diagnostics, fix-its as quick-fix code actions.
// One analysis runs at a time on a worker thread; the main thread keeps
// reading, so a newer edit replaces a pending analysis, a result for an
// outdated version is dropped, and shutdown/exit are answered at once.
//
// The CLI's cache, when the document's database has one, is read (never
// written): the valid entries of the database's other units give their
// call-graph facts, so chains cross units as the CLI reports them, and a
// header the database does not list is analyzed through a unit whose entry
// lists it as read (DriverOptions::CachedFactsOfOtherUnits).
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_LSPSERVER_H
#define FACTORYGUARD_LSPSERVER_H

#include "Driver.h"

#include <optional>
#include <string>
#include <vector>

namespace factoryguard {

/// What `factoryguard lsp` was given (its options: cli/LspCommand.cpp).
struct ServerOptions {
  DriverOptions Driver; // -p, --config, --rules, --extra-arg(-before)
  std::vector<std::string> FallbackFlags;
  /// --debounce; none: as clangd (debounceAfter).
  std::optional<unsigned> DebounceMs;
};
/// How long an edit waits for the next one by default, as clangd's
/// DebouncePolicy decides it: the median of the last 15 rebuilds of the
/// document (RebuildsMs, the latest last), from 50 to 500 ms; 50 before
/// the first. clangd's rebuild is its AST build (the parse, its checks and
/// their diagnostics), not the check or build of its preamble; ours is the
/// workers' phase (DriverResult::WorkersMs: the request, the parse, the
/// rules and the result read back).
unsigned debounceAfter(std::vector<unsigned> RebuildsMs);

/// One analysis of a document, as its debounce counts it: the workers'
/// time (DriverResult::WorkersMs), and whether a worker kept from the
/// document's last analysis ran it (DriverResult::WorkerKept).
struct Rebuild {
  unsigned Ms = 0;
  bool KeptWorker = false;
};

/// The rebuild times debounceAfter goes by, from a document's last 15
/// (History, the latest last): a kept worker's when there are any. A
/// freshly forked worker (the open; the first edit after the preamble was
/// built again) also pays the fork and its first touch of memory, which no
/// later edit pays: on cpp-httplib's example/server.cc 110-120 ms against
/// 20-45, so the first edits after an open waited about twice as long as
/// the rest. A document no worker is kept for goes by all of them.
std::vector<unsigned> debounceBasis(const std::vector<Rebuild> &History);

/// Serves on standard input and output until the client sends `exit` or
/// closes standard input, then exits the process (0 after shutdown, 1
/// without it); returns 2 when standard output cannot be set up.
int runLanguageServer(ServerOptions O);

} // namespace factoryguard

#endif

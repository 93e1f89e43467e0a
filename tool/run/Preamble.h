//===- Preamble.h - The language server's parsed headers between edits ----===//
//
// SPEC §9: an edit's diagnostics arrive as fast as clangd's because the
// parsed headers are reused between edits. The preamble of a unit (its
// #include lines and whatever else comes before its first declaration,
// clang::ComputePreambleBounds) is compiled once into a precompiled header
// (clang::PrecompiledPreamble, as clangd and ASTUnit use it) from the
// unit's own command, and each later parse of the unit reads it instead of
// the headers: only the main file is parsed again. It is built again when
// the preamble region of the file, a header it read (on disk: size and
// time, as clang checks them; an editor's unsaved buffer: its text) or the
// command changes.
//
// Building a preamble is two parses of its region, from the same command
// through the same ClangTool. One is the analysis's (the bodies of
// functions declared in system headers skipped unless --full-parse, SPEC
// §7): the rules run over it once (HeaderAnalysis), and what they find and
// collect is kept with the preamble (HeaderPart) and added to each edit's
// result, while an edit's own parse is walked only where it made something
// (EditScope.h). The other is the PCH the edits read: it keeps of the
// headers what an edit's parse may need, declarations and the bodies of
// templates (which an edit may instantiate), and skips every other body,
// as clangd skips its preamble's bodies. The two are parsed at the same
// time, on two threads (an open waits for the longer parse); a crash in
// either is one while building. A change of the configuration or rules (the
// analysis's key) builds the preamble again.
//
// The store lives in the process that forks the analysis workers
// (UnitIsolation.h): prepare() runs there before the fork, so a worker
// inherits the preamble. The PCH is a file only while clang writes it: it
// is then mapped into the store's process (a worker inherits the mapping)
// and removed, so no process leaves one behind, not even one killed; its
// pages are the page cache's, as with clangd's default --pch-storage=disk,
// until the entry goes. Building runs under crash
// recovery on a large stack of its own on which clang keeps deep recursion
// (it moves it to threads without an alternate signal stack only where it
// was told the stack's bottom): a unit whose headers crash clang costs its
// preamble (it is then parsed whole, in a worker, and fails there), not
// the process.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_PREAMBLE_H
#define FACTORYGUARD_PREAMBLE_H

#include "CallGraph.h"
#include "Finding.h"
#include "clang/Frontend/PrecompiledPreamble.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/IntrusiveRefCntPtr.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace clang {
class ASTContext;
class CompilerInvocation;
} // namespace clang

namespace factoryguard {

/// The headers' part of a unit's result (EditScope.h): what the rules found
/// and collected on the preamble's AST, kept with it and added to each
/// edit's result. The configuration matches are kept as the worker sends
/// them (by entry index): they are read against each run's configuration.
struct HeaderPart {
  std::vector<Finding> Findings;
  TUFacts Facts;
  std::vector<CallSite> CallSites;
  llvm::json::Value Matches = nullptr;
};

/// How the headers' part of a unit's analysis is made, on the preamble's
/// AST when it is built.
struct HeaderAnalysis {
  /// What the part depends on beyond the unit's command and parse mode
  /// (the configuration, the rules): a preamble built for another key is
  /// built again.
  std::string Key;
  /// Analyzes the AST of the headers.
  std::function<HeaderPart(clang::ASTContext &)> Run;
};

/// A preamble as an edit's parse reads it (PreambleStore::current):
/// clang's, and its PCH, which no file holds any more.
struct ReadyPreamble {
  clang::PrecompiledPreamble Clang;
  std::string PchPath;                     // the name clang reads the PCH by
  std::unique_ptr<llvm::MemoryBuffer> Pch; // mapped
};

/// Makes Invocation parse its main file, whose text Main it takes, after
/// Preamble; VFS becomes the files the parse reads: the PCH under its name
/// over VFS.
void addPreamble(const ReadyPreamble &Preamble,
                 clang::CompilerInvocation &Invocation,
                 llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> &VFS,
                 std::unique_ptr<llvm::MemoryBuffer> Main);

class PreambleStore {
public:
  /// PCH files are written under StorageDir ("" = the system's temporary
  /// directory), each in a directory of its own, and removed once mapped.
  explicit PreambleStore(std::string StorageDir = "");
  ~PreambleStore();
  PreambleStore(const PreambleStore &) = delete;
  PreambleStore &operator=(const PreambleStore &) = delete;

  /// Makes the preamble of the unit of Command (adjusted, as it runs)
  /// current for the files FS shows now: the one built before when clang
  /// can reuse it, else a new one, else none. Returns one line for the
  /// log, naming the unit File: "preamble reused for <File>", "preamble
  /// built for <File> (<size>)", or why the unit is parsed whole. A
  /// preamble built here has the headers' part of the analysis (Headers).
  std::string prepare(const clang::tooling::CompileCommand &Command,
                      const std::string &File,
                      llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS,
                      bool FullParse, const HeaderAnalysis &Headers);

  /// Drops every preamble prepared for the unit File (its document was
  /// closed); how many there were.
  size_t forget(const std::string &File);

  /// The preamble prepare() last made current for that unit; null when it
  /// has none (no preamble region, or it could not be built cleanly: the
  /// unit is then parsed whole, headers included).
  const ReadyPreamble *current(const clang::tooling::CompileCommand &Command,
                               bool FullParse) const;
  /// The headers' part of the analysis made with that preamble (null with
  /// no preamble).
  const HeaderPart *headerPart(const clang::tooling::CompileCommand &Command,
                               bool FullParse) const;
  /// Command as clang's frontend takes it (argv[0], -cc1, the frontend's
  /// arguments) once prepare() has run the driver for it, else Command:
  /// running it skips the driver, which gives the same arguments each time.
  clang::tooling::CompileCommand
  frontendCommand(const clang::tooling::CompileCommand &Command,
                  bool FullParse) const;
  /// Which build made that preamble (each build of the store has its own
  /// number; 0: no preamble): a worker forked with another is not reused.
  uint64_t generation(const clang::tooling::CompileCommand &Command,
                      bool FullParse) const;

private:
  struct Entry;
  Entry &entryFor(const std::string &Key, const std::string &File);

  std::string StorageDir;
  std::map<std::string, std::unique_ptr<Entry>> Entries; // by key
  uint64_t Clock = 0;  // prepare() calls so far: the entries' ages
  uint64_t Builds = 0; // preambles built so far: their generations
  bool Swept = false;  // sweepAbandonedPchDirectories ran (PchFiles.h)
};

} // namespace factoryguard

#endif

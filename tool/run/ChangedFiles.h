//===- ChangedFiles.h - --changed: the units a change touches -------------===//
//
// `factoryguard --changed FILE...` (the pre-commit hook, SPEC §8) analyzes
// the units the changed files map to, and says for each file what it
// mapped to:
//   - a source the database lists is its own unit; one it does not list is
//     analyzed with an inferred command;
//   - a header maps to every unit that reads it: known from the unit's
//     cache entry, else its dependency-list entry, else a preprocessor-only
//     scan (stored as such an entry); a unit whose scan crashed clang, or
//     that cannot run, is taken in case it includes the header;
//   - a header no unit reads is analyzed with an inferred command; a
//     textual header (.ipp, .inl, ...) no unit reads is skipped, with a
//     note; what is not C or C++, or not a file, is ignored.
// The driver hands in the database's commands (CommandProbe) and takes the
// units back; the units themselves run as every other run's.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_CHANGEDFILES_H
#define FACTORYGUARD_CHANGEDFILES_H

#include "Cache.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <set>
#include <string>
#include <vector>

namespace factoryguard {

/// What `files:` of .pre-commit-hooks.yaml names, by extension.
enum class ChangedKind { Other, Source, Header, TextualHeader };

struct ChangedFile {
  size_t Index = 0; // among the inputs
  std::string Path; // normalized
  ChangedKind Kind = ChangedKind::Other;
};

/// The inputs of --changed that are C or C++ files on disk, and a mapping
/// line for each of the others (indexed as the inputs; "" for the kept).
struct ChangedSelection {
  std::vector<ChangedFile> Files;
  std::vector<std::string> Lines;
};
ChangedSelection selectChanged(const std::vector<std::string> &Inputs);

/// One distinct command of a file of the database, with what its cache
/// key is made of in this run.
struct CommandProbe {
  std::string File;
  unsigned Index = 1; // its command among the file's
  clang::tooling::CompileCommand Command;
  UnitKeyInputs Key;
  bool HasResultKey = false; // Key is its analysis's (its config loaded)
  bool Runnable = true;      // UnitJob::Unrunnable is empty
};

/// The units Selection maps to (see the top). AllFiles: the database's
/// files, normalized and sorted; Probes: every distinct command of them,
/// made only when a header must be mapped. Appends the mapping lines, then
/// the includes summary, to Mapping; notes go to Diag.
std::set<std::string>
mapChangedFiles(ChangedSelection Selection,
                const std::vector<std::string> &AllFiles,
                llvm::function_ref<std::vector<CommandProbe>()> Probes,
                UnitCache *Cache, unsigned Threads, llvm::raw_ostream &Diag,
                std::vector<std::string> &Mapping);

/// "a, b, c": the paths as printed; "nothing" for none.
std::string listShown(const std::set<std::string> &Paths);

} // namespace factoryguard

#endif

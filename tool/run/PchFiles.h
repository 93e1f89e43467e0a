//===- PchFiles.h - A preamble's PCH: a file only while clang writes it ---===//
//
// The language server's preambles (Preamble.h) are PCH files that clang
// writes by name. Each is written in a directory of its own (PchDirectory),
// mapped into the server (mapPch: a worker forked afterwards inherits the
// mapping) and removed with its directory at once, so a server that is
// killed, crashes or exits at once (an editor's exit) leaves no PCH behind
// once it has one. What it leaves while clang is writing one is the
// directory: the build holds a lock on it, released by the kernel when the
// process goes, and the next build of any server removes the directories
// whose lock is free (sweepAbandonedPchDirectories).
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_PCHFILES_H
#define FACTORYGUARD_PCHFILES_H

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace factoryguard {

/// The name of every PCH directory: "<prefix>-XXXXXX".
inline constexpr llvm::StringLiteral PchDirectoryPrefix =
    "factoryguard-preamble";

/// A directory of this process's own for one PCH while clang writes it,
/// under Base ("" = the system's temporary directory), owner only and
/// locked while it lives; it goes with whatever clang wrote in it.
class PchDirectory {
public:
  explicit PchDirectory(const std::string &Base);
  ~PchDirectory();
  PchDirectory(const PchDirectory &) = delete;
  PchDirectory &operator=(const PchDirectory &) = delete;
  /// Empty when it could not be made.
  llvm::StringRef path() const { return Path; }
  /// The files in it.
  std::vector<std::string> files() const;

private:
  llvm::SmallString<128> Path;
  int Lock = -1;
};

/// Maps the one file clang wrote in Dir (the PCH): its name and bytes.
std::optional<std::pair<std::string, std::unique_ptr<llvm::MemoryBuffer>>>
mapPch(const PchDirectory &Dir);

/// Removes the PCH directories under Base ("" = the system's temporary
/// directory) that processes which are gone left (a build killed while
/// clang wrote): those of this user whose lock nobody holds and that are
/// older than a minute (a directory just made is locked an instant later).
/// Only files named as clang names PCHs ("preamble-*") are removed, and a
/// directory only once it is empty. How many directories went.
unsigned sweepAbandonedPchDirectories(const std::string &Base);

} // namespace factoryguard

#endif

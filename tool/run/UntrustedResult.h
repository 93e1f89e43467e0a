//===- UntrustedResult.h - A unit's results read back are input (SPEC §7) -===//
//
// A cache entry and a shard hold a unit's results as another process wrote
// them: another machine, a stranger's pull request, a shared CI cache. What
// they say about *where* a finding lies decides which file the reporters
// open (a snippet, GitHub's line hash) and what --fix writes, so it is
// checked against the files themselves before a result is used: every
// location of the unit (findings, their notes, fix-its and chain steps, the
// call-graph facts that become chain steps and notes, the audit's call
// sites) must lie in a file the unit read, whose content is still the one
// it read (its content hash), at a position inside that file. A shard's
// findings, notes, fix-its and chain steps must also lie under the source
// root. One check for both readers, so the cache and `merge` refuse alike.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_UNTRUSTEDRESULT_H
#define FACTORYGUARD_UNTRUSTEDRESULT_H

#include "CallGraph.h"
#include "Finding.h"
#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace factoryguard {

/// The files a unit read, by absolute normalized path, each with the
/// xxh3_64bits of its content as the unit read it.
using FileHashes = std::map<std::string, uint64_t>;

/// Calls Visit with every location of a unit's results and what it is
/// ("a finding", "a note", ...); Reported is true for the locations of
/// findings, notes, fix-its and chain steps (what a report shows), false
/// for call-graph facts and call sites (what becomes a chain step or note
/// only through the whole-run stage).
void forEachLocation(
    const std::vector<Finding> &Findings, const TUFacts &Facts,
    const std::vector<CallSite> &CallSites,
    llvm::function_ref<void(const SourceRange &, llvm::StringRef What,
                            bool Reported)>
        Visit);

class UntrustedResultChecker {
public:
  /// SourceRoot: the root reported locations must lie under ("" = any
  /// file the unit read: a cache entry, whose unit may report in a header
  /// outside the checkout). FS: what files are read through (null = the
  /// disk).
  UntrustedResultChecker(std::string SourceRoot,
                         llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS);
  ~UntrustedResultChecker();

  /// Success, or an error naming the first location that is not in a file
  /// of Read, not under the source root, in a file that is not a regular
  /// file or whose content is not the one recorded, or not inside its file
  /// (line and column of start and end, end not before start, byte offset
  /// and length).
  llvm::Error check(const std::vector<Finding> &Findings, const TUFacts &Facts,
                    const std::vector<CallSite> &CallSites,
                    const FileHashes &Read);

private:
  struct Text;
  llvm::Error checkLocation(const SourceRange &R, llvm::StringRef What,
                            bool Reported, const FileHashes &Read);
  llvm::Expected<const Text *> textOf(const std::string &Path, uint64_t Hash);

  std::string Root; // normalized; "" = no root
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS;
  std::map<std::string, std::unique_ptr<Text>> Texts; // by path, read once
};

} // namespace factoryguard

#endif

//===- Cache.h - Content-addressed cache of per-unit results (SPEC §7) ---===//
//
// A unit's results (findings before suppression and chains, call-graph
// facts, configuration matches) are stored under a key of everything known
// before the parse: the factoryguard version and a hash of its binary, the
// unit's configuration file (path and content), the selected rules, whether
// system bodies are skipped, and the compile command after adjustment
// (arguments, directory, file). What the parse itself touched is recorded by
// a RecordingFileSystem under the unit's ClangTool and stored in the entry:
// the content hash of every file read, whether each path clang looked at
// existed (and as what: an include path that now resolves to a new header
// earlier on the search path is a path that did not exist before), and the
// names in each directory listed. A lookup re-checks all of it against the
// file system; any difference is a miss. Nothing is keyed on time stamps.
//
// One file per key (`<hex>.fgc`), written to a unique temporary beside it
// and renamed, so concurrent runs sharing a directory never see half an
// entry; an entry that does not read back whole (truncated, corrupt, from
// another format) is a miss and is replaced by the unit's fresh result.
// Least recently used entries (by modification time, which a hit renews)
// go first when the directory exceeds its size limit.
//
// Entries are input (SPEC §7, untrusted input: a shared CI cache is
// restored from jobs other people's pull requests influence). An entry is
// valid only when it verifies under the directory's secret (CacheTrust.h),
// names the unit's main file with its content hash among what it read, and
// every path it recorded is as it was. What the holder of the whole
// directory, secret included, can still do: store an entry with forged
// results for a unit whose files it knows exactly as the run will see them
// (the main file's hash and every header's must be current). A change to a
// unit's main file or to any header it reads makes every such entry a miss,
// so a pull request's own changes are always analyzed; the units it did not
// touch are as trustworthy as the directory's source. Restore a cache only
// from jobs you trust as much as the code being checked.
//
// The language server opens the cache for reading only (openForReading):
// the editor's unsaved buffers are not the disk, so its lookups check every
// dependency through its overlay file system and it never writes an entry.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_CACHE_H
#define FACTORYGUARD_CACHE_H

#include "CallGraph.h"
#include "Config.h"
#include "ConfigCheck.h"
#include "Finding.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace factoryguard {

/// One path a parse looked at, and what it found there.
struct Dependency {
  enum KindT : uint8_t { Absent, File, Directory, Other };
  std::string Path; // absolute, as clang asked for it
  KindT Kind = Absent;
  std::optional<uint64_t> ContentHash; // xxh3_64bits, when it was read
  std::optional<uint64_t> ListingHash; // when it was listed: the names in it
};

/// Forwards to the real file system and records every status, open and
/// directory listing (one instance per unit; not shared across threads).
class RecordingFileSystem : public llvm::vfs::ProxyFileSystem {
public:
  explicit RecordingFileSystem(llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS)
      : ProxyFileSystem(std::move(FS)) {}
  llvm::ErrorOr<llvm::vfs::Status> status(const llvm::Twine &Path) override;
  bool exists(const llvm::Twine &Path) override;
  llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>>
  openFileForRead(const llvm::Twine &Path) override;
  llvm::vfs::directory_iterator dir_begin(const llvm::Twine &Dir,
                                          std::error_code &EC) override;
  /// What was recorded, sorted by path.
  std::vector<Dependency> dependencies() const;
  /// Called by the file wrapper when a buffer was read.
  void recordRead(const std::string &AbsPath, uint64_t Hash);

private:
  Dependency &entry(const llvm::Twine &Path);
  void recordStatus(const llvm::Twine &Path,
                    const llvm::ErrorOr<llvm::vfs::Status> &S);
  llvm::StringMap<Dependency> Seen;
};

/// A unit's result as the cache keeps it.
struct CachedUnit {
  std::vector<Finding> Findings;
  TUFacts Facts;
  ConfigMatchRecord Matches;          // entries point into the unit's Config
  std::vector<std::string> FilesRead; // what the parse read, sorted
  /// Every factory call site the rules classified, compliant or not (the
  /// audit, SPEC §8).
  std::vector<CallSite> CallSites;
};

/// Everything of a unit known before its parse that can change its result.
struct UnitKeyInputs {
  std::vector<std::string> CommandLine; // after adjustment
  std::string Directory, File;
  std::string ConfigPath;  // "" = the built-in empty configuration
  uint64_t ConfigHash = 0; // content of ConfigPath
  std::string RuleGlobs;
  bool FullParse = false;
};

/// Where a unit's entry lives and what it must name: the hex of the key
/// (the entry file's name) and the unit's main file (normalized), which a
/// valid entry lists as read, with its current content hash.
struct CacheKey {
  std::string Hex;
  std::string MainFile;
};

/// The hash of the sources this build was made from (generated by
/// cmake/EngineHash.cmake): part of every cache key.
const char *engineSourceHash();

struct CacheStats {
  unsigned Hits = 0, Misses = 0;
  uint64_t Entries = 0, Bytes = 0;
};

class UnitCache {
public:
  /// The cache in Dir (created, with its tag, secret and .gitignore, when
  /// missing; CacheTrust.h), or null after one warning on Warn when it
  /// cannot be used: not a directory, not writable, not the tool's (untagged
  /// with names the tool does not write) or, when ConfinedTo is given (the
  /// default directory: the source root), a link that leads out of it.
  static std::unique_ptr<UnitCache> open(const std::string &Dir,
                                         uint64_t MaxBytes,
                                         llvm::raw_ostream &Warn,
                                         const std::string &ConfinedTo = "");
  /// The cache in Dir for reading only, or null when Dir is not a tagged
  /// cache directory with its secret; nothing is created, renewed or
  /// written (store does nothing). Lookups check every dependency through
  /// FS instead of the disk: an entry that read a file whose text in FS
  /// differs is a miss.
  static std::unique_ptr<UnitCache>
  openForReading(const std::string &Dir,
                 llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS);
  /// `.factoryguard-cache` beside the compilation database file.
  static std::string defaultDirFor(const std::string &DatabaseFile);
  /// Default for --cache-max-size.
  static constexpr uint64_t DefaultMaxBytes = 1ull << 30;

  CacheKey keyFor(const UnitKeyInputs &In) const;
  /// The entry of Key when it verifies, names Key's main file as read and
  /// every recorded dependency is as it was; Cfg is the unit's
  /// configuration (its entries are what Matches point to). Thread-safe.
  std::optional<CachedUnit> lookup(const CacheKey &Key, const Config &Cfg);
  /// The files the entry of Key records as read, sorted, without checking
  /// them or counting a hit or miss (which units include a header); none
  /// when there is no readable entry of this format. Thread-safe.
  std::optional<std::vector<std::string>> filesReadBy(const CacheKey &Key);
  /// Writes the entry, sealed (temporary + rename). Thread-safe; a failure
  /// is one warning per run.
  void store(const CacheKey &Key, const CachedUnit &U,
             const std::vector<Dependency> &Deps, const Config &Cfg);
  /// Least recently used entries out until the directory fits, and the
  /// tool's temporaries older than an hour; nothing else is deleted. The
  /// stats.
  CacheStats finish();

  /// The files the parse of Key's entry read (`factoryguard --changed`:
  /// which units include a header), when the entry verifies, names Key's
  /// main file as read and every path it recorded is as it was, except
  /// paths MayDiffer accepts: those are also returned when they differ (a
  /// unit whose entry differs only in changed files still reads one of
  /// them). Neither a hit nor a miss; thread-safe.
  std::optional<std::vector<std::string>>
  filesRead(const CacheKey &Key,
            llvm::function_ref<bool(llvm::StringRef)> MayDiffer);
  /// The key of a unit's dependency list alone (what a preprocessor-only
  /// scan of the command read, stored as an entry with no results): only
  /// the version, binary, directory, file and command count.
  CacheKey includesKeyFor(const UnitKeyInputs &In) const;
  const std::string &dir() const { return Dir; }
  /// The bytes of Key's entry file for Body (an entry's JSON text): what
  /// store writes. The fuzz harness signs its inputs with it.
  std::string seal(const std::string &KeyHex, llvm::StringRef Body) const;

private:
  UnitCache(std::string Dir, std::string Secret, uint64_t MaxBytes,
            llvm::raw_ostream &Warn);
  /// Key's entry parsed, when its file is a regular one that verifies under
  /// the secret and holds an entry of this format for that key.
  std::optional<llvm::json::Value> readEntry(const CacheKey &Key) const;
  std::string entryPath(const CacheKey &Key) const;
  /// The files an entry records as read (sorted). With Check, every path
  /// it recorded must be as it was, except paths MayDiffer accepts (those
  /// are returned too); none when one differs or the entry is malformed.
  std::optional<std::vector<std::string>>
  recordedFiles(const llvm::json::Value &Entry, bool Check,
                llvm::function_ref<bool(llvm::StringRef)> MayDiffer);
  /// The dependency as it is now (memoized for the run: units share headers).
  const Dependency &current(const std::string &Path, bool NeedContent,
                            bool NeedListing);
  void warnOnce(const llvm::Twine &Msg);

  std::string Dir;
  std::string Secret; // the directory's (CacheTrust.h)
  /// openForReading: what dependencies are checked against; null = the disk.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> ReadFS;
  bool ReadOnly = false;
  uint64_t MaxBytes;
  llvm::raw_ostream &Warn;
  std::string ToolHash; // version and binary
  std::mutex Mu;        // Now, Warned, Warn
  llvm::StringMap<Dependency> Now;
  bool Warned = false;
  std::atomic<unsigned> Hits{0}, Misses{0};
};

} // namespace factoryguard

#endif

//===- Cache.cpp - Content-addressed cache of per-unit results ----------===//
#include "Cache.h"
#include "CacheTrust.h"
#include "Printable.h"
#include "RegularFile.h"
#include "UnitJson.h"
#include "UntrustedResult.h"
#include "clang/Basic/Version.h"

#include "JsonParse.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <chrono>

namespace factoryguard {

namespace json = llvm::json;

namespace {

/// Bumped whenever what an entry holds or means changes (2: call sites,
/// factory-object uses, required-args errors; 3: factory-object
/// definitions; 5: sealed with the directory's secret, and valid only when
/// it names the unit's main file; 6: a finding's rule fields "unless" and
/// "setup" became the one rule-interpreted "program").
constexpr llvm::StringLiteral Format = "factoryguard-cache/6";
constexpr llvm::StringLiteral Extension = ".fgc";
/// A larger entry file is a miss, never read whole into memory.
constexpr uint64_t MaxEntryBytes = 256ull << 20;

uint64_t hashNames(std::vector<std::string> Names) {
  std::sort(Names.begin(), Names.end());
  std::string All;
  for (const std::string &N : Names)
    All += N + '\0';
  return llvm::xxh3_64bits(All);
}

Dependency::KindT kindOf(const llvm::vfs::Status &S) {
  if (S.isDirectory())
    return Dependency::Directory;
  if (S.isRegularFile())
    return Dependency::File;
  return Dependency::Other;
}

/// A file whose buffer is hashed as clang reads it.
class RecordingFile : public llvm::vfs::File {
public:
  RecordingFile(std::unique_ptr<llvm::vfs::File> F, std::string Path,
                RecordingFileSystem &FS)
      : F(std::move(F)), Path(std::move(Path)), FS(FS) {}
  llvm::ErrorOr<llvm::vfs::Status> status() override { return F->status(); }
  llvm::ErrorOr<std::string> getName() override { return F->getName(); }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>>
  getBuffer(const llvm::Twine &Name, int64_t FileSize,
            bool RequiresNullTerminator, bool IsVolatile) override {
    auto B = F->getBuffer(Name, FileSize, RequiresNullTerminator, IsVolatile);
    if (B)
      FS.recordRead(Path, llvm::xxh3_64bits((*B)->getBuffer()));
    return B;
  }
  std::error_code close() override { return F->close(); }

private:
  std::unique_ptr<llvm::vfs::File> F;
  std::string Path;
  RecordingFileSystem &FS;
};

} // namespace

namespace {

/// The version, the build's sources (cmake/EngineHash.cmake) and the clang
/// libraries it runs with: a build from other sources, or an update of the
/// shared libclang-cpp under it, is another cache; the CLI, the language
/// server and the clang-tidy plugin of one build share it.
std::string toolHash() {
  return std::string(FACTORYGUARD_VERSION) + " " + engineSourceHash() + " " +
         clang::getClangFullVersion();
}

/// A dependency as the disk shows it now.
Dependency currentOnDisk(const std::string &Path, bool NeedContent,
                         bool NeedListing) {
  Dependency D;
  D.Path = Path;
  llvm::sys::fs::file_status St;
  if (llvm::sys::fs::status(Path, St) || !llvm::sys::fs::exists(St))
    D.Kind = Dependency::Absent;
  else if (llvm::sys::fs::is_directory(St))
    D.Kind = Dependency::Directory;
  else if (llvm::sys::fs::is_regular_file(St))
    D.Kind = Dependency::File;
  else
    D.Kind = Dependency::Other;
  if (NeedContent && D.Kind == Dependency::File)
    if (auto Buf =
            llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                        /*RequiresNullTerminator=*/false))
      D.ContentHash = llvm::xxh3_64bits((*Buf)->getBuffer());
  if (NeedListing && D.Kind == Dependency::Directory) {
    std::vector<std::string> Names;
    std::error_code EC;
    for (llvm::sys::fs::directory_iterator It(Path, EC), End; !EC && It != End;
         It.increment(EC))
      Names.push_back(llvm::sys::path::filename(It->path()).str());
    D.ListingHash = hashNames(std::move(Names));
  }
  return D;
}

/// A dependency as FS shows it now (UnitCache::current for a cache opened
/// for reading through the language server's overlay).
Dependency currentIn(llvm::vfs::FileSystem &FS, const std::string &Path,
                     bool NeedContent, bool NeedListing) {
  Dependency D;
  D.Path = Path;
  auto St = FS.status(Path);
  D.Kind = St ? kindOf(*St) : Dependency::Absent;
  if (NeedContent && D.Kind == Dependency::File)
    if (auto Buf = FS.getBufferForFile(Path, /*FileSize=*/-1,
                                       /*RequiresNullTerminator=*/false))
      D.ContentHash = llvm::xxh3_64bits((*Buf)->getBuffer());
  if (NeedListing && D.Kind == Dependency::Directory) {
    std::vector<std::string> Names;
    std::error_code EC;
    for (auto It = FS.dir_begin(Path, EC), End = decltype(It)();
         !EC && It != End; It.increment(EC))
      Names.push_back(llvm::sys::path::filename(It->path()).str());
    D.ListingHash = hashNames(std::move(Names));
  }
  return D;
}

/// Whether the entry lists MainFile as read (with a content hash, which
/// the check of every dependency compares with the file as it is): an entry
/// cannot claim a unit whose main file it did not read.
bool listsMainFile(const json::Value &Entry, llvm::StringRef MainFile) {
  const json::Object *O = Entry.getAsObject();
  const json::Array *Deps = O ? O->getArray("deps") : nullptr;
  if (!Deps)
    return false;
  return llvm::any_of(*Deps, [&](const json::Value &DV) {
    const json::Array *A = DV.getAsArray();
    if (!A || A->size() != 4)
      return false;
    auto P = (*A)[0].getAsString(), Content = (*A)[2].getAsString();
    return P && Content && !Content->empty() && normalizePath(*P) == MainFile;
  });
}

} // namespace

// ---------------------------------------------------------------- recording

Dependency &RecordingFileSystem::entry(const llvm::Twine &Path) {
  llvm::SmallString<256> Abs;
  Path.toVector(Abs);
  makeAbsolute(Abs);
  Dependency &D = Seen[Abs];
  if (D.Path.empty())
    D.Path = std::string(Abs);
  return D;
}

void RecordingFileSystem::recordStatus(
    const llvm::Twine &Path, const llvm::ErrorOr<llvm::vfs::Status> &S) {
  Dependency &D = entry(Path);
  D.Kind = S ? kindOf(*S) : Dependency::Absent;
}

llvm::ErrorOr<llvm::vfs::Status>
RecordingFileSystem::status(const llvm::Twine &Path) {
  auto S = ProxyFileSystem::status(Path);
  recordStatus(Path, S);
  return S;
}

bool RecordingFileSystem::exists(const llvm::Twine &Path) {
  return bool(status(Path));
}

llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>>
RecordingFileSystem::openFileForRead(const llvm::Twine &Path) {
  auto F = ProxyFileSystem::openFileForRead(Path);
  if (!F) {
    entry(Path).Kind = Dependency::Absent;
    return F;
  }
  Dependency &D = entry(Path);
  auto S = (*F)->status();
  D.Kind = S ? kindOf(*S) : Dependency::File;
  return std::unique_ptr<llvm::vfs::File>(
      std::make_unique<RecordingFile>(std::move(*F), D.Path, *this));
}

void RecordingFileSystem::recordRead(const std::string &AbsPath,
                                     uint64_t Hash) {
  Dependency &D = Seen[AbsPath];
  if (D.Path.empty())
    D.Path = AbsPath;
  D.Kind = Dependency::File;
  D.ContentHash = Hash;
}

llvm::vfs::directory_iterator
RecordingFileSystem::dir_begin(const llvm::Twine &Dir, std::error_code &EC) {
  std::vector<std::string> Names;
  std::error_code ListEC;
  for (auto It = ProxyFileSystem::dir_begin(Dir, ListEC), End = decltype(It)();
       !ListEC && It != End; It.increment(ListEC))
    Names.push_back(llvm::sys::path::filename(It->path()).str());
  Dependency &D = entry(Dir);
  if (ListEC) {
    D.Kind = Dependency::Absent;
  } else {
    D.Kind = Dependency::Directory;
    D.ListingHash = hashNames(std::move(Names));
  }
  return ProxyFileSystem::dir_begin(Dir, EC);
}

std::vector<Dependency> RecordingFileSystem::dependencies() const {
  std::vector<Dependency> Out;
  for (const auto &E : Seen)
    Out.push_back(E.getValue());
  std::sort(
      Out.begin(), Out.end(),
      [](const Dependency &A, const Dependency &B) { return A.Path < B.Path; });
  return Out;
}

// ---------------------------------------------------------------- cache

UnitCache::UnitCache(std::string Dir, std::string Secret, uint64_t MaxBytes,
                     llvm::raw_ostream &Warn)
    : Dir(std::move(Dir)), Secret(std::move(Secret)), MaxBytes(MaxBytes),
      Warn(Warn), ToolHash(toolHash()) {}

std::string UnitCache::entryPath(const CacheKey &Key) const {
  return Dir + "/" + Key.Hex + Extension.str();
}

std::string UnitCache::seal(const std::string &KeyHex,
                            llvm::StringRef Body) const {
  return sealEntry(Secret, KeyHex, Body);
}

std::optional<json::Value> UnitCache::readEntry(const CacheKey &Key) const {
  auto File = llvm::expectedToOptional(
      readRegularFile(entryPath(Key), {MaxEntryBytes, /*FollowLinks=*/false}));
  if (!File)
    return std::nullopt;
  std::optional<std::string> Body =
      unsealEntry(Secret, Key.Hex, (*File)->getBuffer());
  if (!Body)
    return std::nullopt;
  auto Parsed = parseJson(*Body);
  if (!Parsed) {
    llvm::consumeError(Parsed.takeError());
    return std::nullopt;
  }
  StrictReader R(&*Parsed);
  if (R.str("format") != Format || R.str("key") != Key.Hex || !R.Ok)
    return std::nullopt;
  return std::move(*Parsed);
}

std::string UnitCache::defaultDirFor(const std::string &DatabaseFile) {
  llvm::SmallString<256> P(llvm::sys::path::parent_path(DatabaseFile));
  llvm::sys::path::append(P, ".factoryguard-cache");
  return std::string(P);
}

std::unique_ptr<UnitCache> UnitCache::open(const std::string &Dir,
                                           uint64_t MaxBytes,
                                           llvm::raw_ostream &Warn,
                                           const std::string &ConfinedTo) {
  auto Unusable = [&](const llvm::Twine &Why) {
    Warn << "factoryguard: warning: cache directory '" << printable(Dir)
         << "' cannot be used (" << printable(Why.str())
         << "); analyzing without the cache\n";
    return nullptr;
  };
  if (!ConfinedTo.empty()) {
    std::string Leaves = linkLeavesRoot(Dir, ConfinedTo);
    if (!Leaves.empty())
      return Unusable(Leaves);
  }
  std::string NotOurs = claimCacheDir(Dir);
  if (!NotOurs.empty())
    return Unusable(NotOurs);
  // Writable? A probe file through the same path as every entry.
  llvm::SmallString<256> Probe;
  int FD = -1;
  if (std::error_code EC = llvm::sys::fs::createUniqueFile(
          Dir + "/probe-%%%%%%%%.tmp", FD, Probe))
    return Unusable(EC.message());
  llvm::sys::Process::SafelyCloseFileDescriptor(FD);
  llvm::sys::fs::remove(Probe);
  std::optional<std::string> Secret = cacheSecret(Dir, /*Create=*/true);
  if (!Secret)
    return Unusable("its secret 'hmac-key' cannot be read");
  return std::unique_ptr<UnitCache>(
      new UnitCache(Dir, std::move(*Secret), MaxBytes, Warn));
}

std::unique_ptr<UnitCache>
UnitCache::openForReading(const std::string &Dir,
                          llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS) {
  if (!llvm::sys::fs::is_directory(Dir) || !isTaggedCacheDir(Dir))
    return nullptr;
  std::optional<std::string> Secret = cacheSecret(Dir, /*Create=*/false);
  if (!Secret)
    return nullptr;
  std::unique_ptr<UnitCache> C(
      new UnitCache(Dir, std::move(*Secret), 0, llvm::nulls()));
  C->ReadFS = std::move(FS);
  C->ReadOnly = true;
  return C;
}

CacheKey UnitCache::keyFor(const UnitKeyInputs &In) const {
  llvm::SHA256 H;
  auto Add = [&](llvm::StringRef S) {
    H.update(std::to_string(S.size()));
    H.update(":");
    H.update(S);
  };
  Add(Format);
  Add(ToolHash);
  Add(In.ConfigPath);
  Add(hex64(In.ConfigHash));
  Add(In.RuleGlobs);
  Add(In.FullParse ? "full-parse" : "skip-system-bodies");
  Add(In.Directory);
  Add(In.File);
  Add(std::to_string(In.CommandLine.size()));
  for (const std::string &A : In.CommandLine)
    Add(A);
  std::array<uint8_t, 32> Digest = H.final();
  CacheKey Key;
  Key.Hex = llvm::toHex(llvm::ArrayRef<uint8_t>(Digest).take_front(16),
                        /*LowerCase=*/true);
  // The command's file is relative to its directory.
  llvm::SmallString<256> Main(In.File);
  if (!In.Directory.empty())
    llvm::sys::fs::make_absolute(In.Directory, Main);
  Key.MainFile = normalizePath(Main);
  return Key;
}

const Dependency &UnitCache::current(const std::string &Path, bool NeedContent,
                                     bool NeedListing) {
  {
    std::lock_guard<std::mutex> Lock(Mu);
    auto It = Now.find(Path);
    if (It != Now.end() &&
        (!NeedContent || It->second.ContentHash ||
         It->second.Kind != Dependency::File) &&
        (!NeedListing || It->second.ListingHash ||
         It->second.Kind != Dependency::Directory))
      return It->second;
  }
  Dependency D = ReadFS ? currentIn(*ReadFS, Path, NeedContent, NeedListing)
                        : currentOnDisk(Path, NeedContent, NeedListing);
  std::lock_guard<std::mutex> Lock(Mu);
  Dependency &Slot = Now[Path];
  // Keep what another thread learned meanwhile.
  if (!D.ContentHash)
    D.ContentHash = Slot.ContentHash;
  if (!D.ListingHash)
    D.ListingHash = Slot.ListingHash;
  Slot = std::move(D);
  return Slot;
}

std::optional<CachedUnit> UnitCache::lookup(const CacheKey &Key,
                                            const Config &Cfg) {
  auto Miss = [&]() -> std::optional<CachedUnit> {
    ++Misses;
    return std::nullopt;
  };
  std::optional<json::Value> Parsed = readEntry(Key);
  if (!Parsed || !listsMainFile(*Parsed, Key.MainFile))
    return Miss();
  StrictReader R(&*Parsed);

  // Every path the parse looked at must be as it was.
  CachedUnit U;
  std::optional<std::vector<std::string>> Files =
      recordedFiles(*Parsed, /*Check=*/true, nullptr);
  if (!Files)
    return Miss();
  U.FilesRead = std::move(*Files);
  for (const json::Value &FV : R.array("findings")) {
    Finding F;
    if (!findingFromJson(FV, F))
      return Miss();
    U.Findings.push_back(std::move(F));
  }
  if (!R.Ok || !factsFromJson(R.value("facts"), U.Facts) ||
      !matchesFromJson(R.value("matches"), Cfg, U.Matches) ||
      !callSitesFromJson(R.array("sites"), U.CallSites) || !R.Ok)
    return Miss();
  // An entry is input, whoever wrote it (SPEC §7 "Untrusted input"): every
  // location lies inside a file the unit read, as it read it.
  FileHashes Read;
  for (const std::string &P : U.FilesRead)
    if (std::optional<uint64_t> H = current(P, true, false).ContentHash)
      Read[normalizePath(P)] = *H;
  if (llvm::Error E = UntrustedResultChecker("", ReadFS)
                          .check(U.Findings, U.Facts, U.CallSites, Read)) {
    llvm::consumeError(std::move(E));
    return Miss();
  }
  // Renew it for least-recently-used eviction.
  if (!ReadOnly)
    touchRegularFile(entryPath(Key));
  ++Hits;
  return U;
}

std::optional<std::vector<std::string>>
UnitCache::recordedFiles(const json::Value &Entry, bool Check,
                         llvm::function_ref<bool(llvm::StringRef)> MayDiffer) {
  StrictReader R(&Entry);
  std::vector<std::string> Read;
  for (const json::Value &DV : R.array("deps")) {
    const json::Array *A = DV.getAsArray();
    if (!A || A->size() != 4)
      return std::nullopt;
    auto P = (*A)[0].getAsString();
    auto Kind = (*A)[1].getAsUINT64();
    auto Content = (*A)[2].getAsString(), Listing = (*A)[3].getAsString();
    if (!P || !Kind || *Kind > Dependency::Other || !Content || !Listing)
      return std::nullopt;
    uint64_t ContentHash = 0, ListingHash = 0;
    bool HasContent = !Content->empty(), HasListing = !Listing->empty();
    if ((HasContent && !parseHex64(*Content, ContentHash)) ||
        (HasListing && !parseHex64(*Listing, ListingHash)))
      return std::nullopt;
    bool Accepted = false;
    if (Check) {
      const Dependency &D = current(P->str(), HasContent, HasListing);
      bool Same = D.Kind == *Kind &&
                  (!HasContent || D.ContentHash == ContentHash) &&
                  (!HasListing || D.ListingHash == ListingHash);
      Accepted = !Same && MayDiffer && MayDiffer(*P);
      if (!Same && !Accepted)
        return std::nullopt;
    }
    if (HasContent || Accepted)
      Read.push_back(P->str());
  }
  if (!R.Ok)
    return std::nullopt;
  return Read;
}

std::optional<std::vector<std::string>>
UnitCache::filesReadBy(const CacheKey &Key) {
  std::optional<json::Value> Parsed = readEntry(Key);
  if (!Parsed)
    return std::nullopt;
  return recordedFiles(*Parsed, /*Check=*/false, nullptr);
}

void UnitCache::store(const CacheKey &Key, const CachedUnit &U,
                      const std::vector<Dependency> &Deps, const Config &Cfg) {
  if (ReadOnly)
    return;
  json::Array DepsJson, Findings;
  for (const Dependency &D : Deps)
    DepsJson.push_back(
        json::Array{D.Path, static_cast<int64_t>(D.Kind),
                    D.ContentHash ? hex64(*D.ContentHash) : std::string(),
                    D.ListingHash ? hex64(*D.ListingHash) : std::string()});
  for (const Finding &F : U.Findings)
    Findings.push_back(findingToJson(F));
  json::Object Entry{{"format", Format},
                     {"key", Key.Hex},
                     {"deps", std::move(DepsJson)},
                     {"findings", std::move(Findings)},
                     {"facts", factsToJson(U.Facts)},
                     {"matches", matchesToJson(U.Matches, Cfg)},
                     {"sites", callSitesToJson(U.CallSites)}};
  std::string Body;
  llvm::raw_string_ostream(Body) << json::Value(std::move(Entry));
  std::string Text = seal(Key.Hex, Body);

  // A unique new temporary (O_EXCL: never a link someone left), renamed
  // over the entry's name (a link there is replaced, never written through).
  // Not writeOutput (Output.h), the writer of the user's files: that one
  // follows links, keeps an existing file's mode and owner and syncs to
  // disk; an entry is the tool's own, and one cut short by a crash fails
  // its MAC and is a miss.
  std::string Final = entryPath(Key);
  llvm::SmallString<256> Temp;
  int FD = -1;
  std::error_code EC =
      llvm::sys::fs::createUniqueFile(Final + ".%%%%%%%%.tmp", FD, Temp);
  if (!EC) {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Text;
    OS.close();
    if (OS.has_error()) {
      EC = OS.error();
      OS.clear_error();
    }
    if (!EC)
      EC = llvm::sys::fs::rename(Temp, Final);
    if (EC)
      llvm::sys::fs::remove(Temp);
  }
  if (EC)
    warnOnce("cannot write an entry in cache directory '" + Dir + "' (" +
             EC.message() + "); results of this run are not cached");
}

CacheKey UnitCache::includesKeyFor(const UnitKeyInputs &In) const {
  UnitKeyInputs Only;
  Only.CommandLine = In.CommandLine;
  Only.Directory = In.Directory;
  Only.File = In.File;
  Only.ConfigPath = std::string("\0includes", 9); // no path has a NUL
  return keyFor(Only);
}

std::optional<std::vector<std::string>>
UnitCache::filesRead(const CacheKey &Key,
                     llvm::function_ref<bool(llvm::StringRef)> MayDiffer) {
  std::optional<json::Value> Parsed = readEntry(Key);
  if (!Parsed || !listsMainFile(*Parsed, Key.MainFile))
    return std::nullopt;
  return recordedFiles(*Parsed, /*Check=*/true, MayDiffer);
}

void UnitCache::warnOnce(const llvm::Twine &Msg) {
  std::lock_guard<std::mutex> Lock(Mu);
  if (Warned)
    return;
  Warned = true;
  Warn << "factoryguard: warning: " << printable(Msg.str()) << "\n";
}

CacheStats UnitCache::finish() {
  struct EntryFile {
    std::string Path;
    uint64_t Size;
    std::chrono::system_clock::time_point Used;
  };
  std::vector<EntryFile> Files;
  std::error_code EC;
  auto Now = std::chrono::system_clock::now();
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; !EC && It != End;
       It.increment(EC)) {
    // Only the tool's own names, and only regular files (a link is never
    // followed, nor deleted).
    llvm::StringRef P = It->path(), Name = llvm::sys::path::filename(P);
    llvm::sys::fs::file_status St;
    if (llvm::sys::fs::status(P, St, /*Follow=*/false) ||
        St.type() != llvm::sys::fs::file_type::regular_file)
      continue;
    // A temporary left by a run that was killed mid-write.
    if (isOwnTempName(Name)) {
      if (Now - St.getLastModificationTime() > std::chrono::hours(1))
        llvm::sys::fs::remove(P);
      continue;
    }
    if (isEntryName(Name))
      Files.push_back({P.str(), St.getSize(), St.getLastModificationTime()});
  }
  std::sort(Files.begin(), Files.end(),
            [](const EntryFile &A, const EntryFile &B) {
              return A.Used != B.Used ? A.Used > B.Used : A.Path < B.Path;
            });
  CacheStats S;
  S.Hits = Hits;
  S.Misses = Misses;
  bool Full = false; // from here on, the least recently used: out
  for (const EntryFile &F : Files) {
    Full = Full || (!ReadOnly && S.Bytes + F.Size > MaxBytes);
    if (Full && !llvm::sys::fs::remove(F.Path))
      continue;
    S.Bytes += F.Size;
    ++S.Entries;
  }
  return S;
}

} // namespace factoryguard

//===- CacheTrustTest.cpp - A cache that cannot be poisoned (SPEC §7) ----===//
//
// Issue 24, items 2 and 3, through the real CLI on copies of the example
// project. A shared CI cache is restored from jobs other people influence,
// so its entries are input: whatever is done to them (emptied, truncated,
// swapped between keys, re-signed by someone who holds the directory's
// secret but breaks the rules an entry must keep), the run reports exactly
// what a run without the cache reports. And the cache directory is the
// tool's own: it deletes and writes only names it makes, in a directory it
// marked, never through a symbolic link that leaves the source root.
//
// The attacker's side (signing an entry with the directory's secret) is
// written here from the documented layout, not with the tool's code.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <regex>

using namespace fgtest;
using nlohmann::json;

namespace {

const char *TagSignature = "Signature: 8a477f597d28d172789f06886806bc55";
const char *MacPrefix = "{\"mac\":\"";

RunResult uncached(const std::string &Dir) {
  return runFactoryguard({"-p", "build", "--no-cache"}, Dir);
}

RunResult cached(const std::string &Dir, std::vector<std::string> Args = {}) {
  std::vector<std::string> All = {"-p", "build", "--cache-stats"};
  All.insert(All.end(), Args.begin(), Args.end());
  return runFactoryguard(All, Dir);
}

/// The names in Dir, sorted.
std::vector<std::string> namesIn(const std::string &Dir) {
  std::vector<std::string> Out;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; !EC && It != End;
       It.increment(EC))
    Out.push_back(llvm::sys::path::filename(It->path()).str());
  std::sort(Out.begin(), Out.end());
  return Out;
}

/// The entry files (`<key>.fgc`) of a cache directory, sorted.
std::vector<std::string> entriesIn(const std::string &Cache) {
  std::vector<std::string> Out;
  for (const std::string &N : namesIn(Cache))
    if (llvm::StringRef(N).ends_with(".fgc"))
      Out.push_back(Cache + "/" + N);
  return Out;
}

bool isSymlink(const std::string &Path) {
  llvm::sys::fs::file_status St;
  return !llvm::sys::fs::status(Path, St, /*Follow=*/false) &&
         St.type() == llvm::sys::fs::file_type::symlink_file;
}

void ageTwoHours(const std::string &Path) {
  ASSERT_EQ(runProgram("/usr/bin/touch", {"-d", "2 hours ago", Path}).ExitCode,
            0);
}

// ------------------------------------------------------ the attacker's side

std::string hmacSha256(const std::string &Key, const std::string &Message) {
  std::string K = Key;
  if (K.size() > 64) {
    auto D = llvm::SHA256::hash(llvm::arrayRefFromStringRef(K));
    K.assign(D.begin(), D.end());
  }
  K.resize(64, '\0');
  std::string IPad = K, OPad = K;
  for (size_t I = 0; I < 64; ++I) {
    IPad[I] ^= 0x36;
    OPad[I] ^= 0x5c;
  }
  llvm::SHA256 Inner;
  Inner.update(IPad);
  Inner.update(Message);
  std::array<uint8_t, 32> InnerDigest = Inner.final();
  llvm::SHA256 Outer;
  Outer.update(OPad);
  Outer.update(llvm::ArrayRef<uint8_t>(InnerDigest));
  std::array<uint8_t, 32> Mac = Outer.final();
  return llvm::toHex(llvm::ArrayRef<uint8_t>(Mac), /*LowerCase=*/true);
}

/// The directory's secret (the bytes `hmac-key` holds as hex).
std::string secretOf(const std::string &Cache) {
  std::string Hex = readFile(Cache + "/hmac-key");
  while (!Hex.empty() && (Hex.back() == '\n' || Hex.back() == '\r'))
    Hex.pop_back();
  EXPECT_EQ(Hex.size(), 64u) << "no secret in " << Cache;
  return llvm::fromHex(Hex);
}

/// An entry file split as docs/security.md describes it: `{"mac":"<hex>",`
/// then the rest of the body, whose MAC is over "<key>\n{<rest>".
struct EntryFile {
  std::string Mac; // "" when the file has none
  json Body;
};

EntryFile readEntryFile(const std::string &Path) {
  std::string Text = readFile(Path);
  EntryFile E;
  if (llvm::StringRef(Text).starts_with(MacPrefix) && Text.size() > 74) {
    E.Mac = Text.substr(8, 64);
    Text = "{" + Text.substr(74);
  }
  E.Body = json::parse(Text);
  return E;
}

std::string keyOf(const std::string &Path) {
  return llvm::sys::path::stem(Path).str();
}

/// Writes Body under Path with Mac as its MAC (a stale one: naive tampering).
void writeWithMac(const std::string &Path, const std::string &Mac,
                  const json &Body) {
  std::string Text = Body.dump();
  if (Mac.empty())
    writeFile(Path, Text);
  else
    writeFile(Path, MacPrefix + Mac + "\"," + Text.substr(1));
}

/// Writes Body under Path signed with the directory's secret: what the
/// holder of a restored cache directory can do.
void writeSigned(const std::string &Path, const std::string &Secret,
                 const json &Body) {
  std::string Text = Body.dump();
  writeWithMac(Path, hmacSha256(Secret, keyOf(Path) + "\n" + Text), Body);
}

/// The dependency row of the unit's main file (the one source of src/ an
/// entry lists), or -1.
int mainDepIndex(const json &Body, const std::string &Dir) {
  const json &Deps = Body["deps"];
  for (size_t I = 0; I < Deps.size(); ++I) {
    std::string P = Deps[I][0];
    if (llvm::StringRef(P).starts_with(Dir + "/src/") &&
        llvm::StringRef(P).ends_with(".cpp"))
      return static_cast<int>(I);
  }
  return -1;
}

const char *NewCall = "void extra(){ chat::get_websocket_manager(); }\n";

/// The reproduction, step 3: a change that adds a finding.
void addAFinding(const std::string &Dir) {
  std::string P = Dir + "/src/agent_service.cpp";
  writeFile(P, readFile(P) + NewCall);
}

// ------------------------------------------------------------ item 2

TEST(CacheTrust, EmptiedDepsAndFindingsCannotHideANewFinding) {
  std::string Dir = makeExample("trust-deps");
  std::string Cache = Dir + "/build/.factoryguard-cache";
  ASSERT_EQ(cached(Dir).ExitCode, 1);
  std::vector<std::string> Entries = entriesIn(Cache);
  ASSERT_EQ(Entries.size(), 5u);
  for (const std::string &P : Entries) {
    EntryFile E = readEntryFile(P);
    E.Body["deps"] = json::array();
    E.Body["findings"] = json::array();
    writeWithMac(P, E.Mac, E.Body);
  }
  addAFinding(Dir);
  RunResult Fresh = uncached(Dir);
  ASSERT_EQ(Fresh.ExitCode, 1);
  ASSERT_NE(Fresh.Out.find("get_websocket_manager(); }"), std::string::npos);
  RunResult R = cached(Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_EQ(R.Out, Fresh.Out);
  EXPECT_EQ(cacheStats(R).Hits, 0u) << R.Err;
}

TEST(CacheTrust, EntryWithAWrongMacIsAMiss) {
  std::string Dir = makeExample("trust-mac");
  std::string Cache = Dir + "/build/.factoryguard-cache";
  RunResult Cold = cached(Dir);
  std::vector<std::string> Entries = entriesIn(Cache);
  ASSERT_EQ(Entries.size(), 5u);
  for (const std::string &P : Entries) {
    EntryFile E = readEntryFile(P);
    ASSERT_EQ(E.Mac.size(), 64u) << "no MAC in " << P;
    // One hex digit of the MAC changed; the body as written.
    std::string Text = readFile(P);
    Text[8] = Text[8] == '0' ? '1' : '0';
    writeFile(P, Text);
  }
  RunResult R = cached(Dir);
  EXPECT_EQ(R.Out, Cold.Out);
  EXPECT_EQ(cacheStats(R).Hits, 0u) << R.Err;
  EXPECT_EQ(cacheStats(cached(Dir)).Hits, 5u) << "the misses were rewritten";
}

/// What was done to the entries of a warm cache, before a change that adds
/// a finding to src/agent_service.cpp.
struct Mutation {
  const char *Name;
  /// Rewrites the entry at Path (Others: every entry's original text, by
  /// path); returns false when it does not apply to this entry.
  std::function<bool(const std::string &Path, const std::string &Dir,
                     const std::string &Secret,
                     const std::map<std::string, std::string> &Others)>
      Apply;
  bool OnlyTheChangedUnit = false;
};

std::vector<Mutation> mutations() {
  using Others = std::map<std::string, std::string>;
  auto Edit = [](bool Sign,
                 std::function<bool(json &, const std::string &)> F) {
    return [Sign, F](const std::string &P, const std::string &Dir,
                     const std::string &Secret, const Others &) {
      EntryFile E = readEntryFile(P);
      if (!F(E.Body, Dir))
        return false;
      if (Sign)
        writeSigned(P, Secret, E.Body);
      else
        writeWithMac(P, E.Mac, E.Body);
      return true;
    };
  };
  auto EmptyAll = [](json &B, const std::string &) {
    B["deps"] = json::array();
    B["findings"] = json::array();
    return true;
  };
  auto EmptyFindings = [](json &B, const std::string &) {
    B["findings"] = json::array();
    return true;
  };
  auto DropMain = [](json &B, const std::string &Dir) {
    int I = mainDepIndex(B, Dir);
    if (I < 0)
      return false;
    B["deps"].erase(static_cast<size_t>(I));
    B["findings"] = json::array();
    return true;
  };
  auto MainHash = [](json &B, const std::string &Dir) {
    int I = mainDepIndex(B, Dir);
    if (I < 0)
      return false;
    B["deps"][I][2] = "0123456789abcdef";
    B["findings"] = json::array();
    return true;
  };
  auto MainUnread = [](json &B, const std::string &Dir) {
    int I = mainDepIndex(B, Dir);
    if (I < 0)
      return false;
    B["deps"][I][2] = ""; // looked at, not read
    B["findings"] = json::array();
    return true;
  };
  auto HeaderHash = [](json &B, const std::string &Dir) {
    for (json &D : B["deps"]) {
      std::string P = D[0], H = D[2];
      if (llvm::StringRef(P).starts_with(Dir + "/include/") && !H.empty()) {
        D[2] = "0000000000000000";
        B["findings"] = json::array();
        return true;
      }
    }
    return false;
  };
  auto NoDeps = [](json &B, const std::string &) {
    B["deps"] = json::array();
    return true;
  };
  // Another unit's body under this key, its "key" set to this one and
  // signed: the main file it names is not this unit's.
  auto Swap = [](bool Sign) {
    return [Sign](const std::string &P, const std::string &,
                  const std::string &Secret, const Others &All) {
      auto It = All.upper_bound(P);
      if (It == All.end())
        It = All.begin();
      if (It->first == P)
        return false;
      if (!Sign) {
        writeFile(P, It->second);
        return true;
      }
      writeFile(P, It->second);
      EntryFile E = readEntryFile(P);
      E.Body["key"] = keyOf(P);
      writeSigned(P, Secret, E.Body);
      return true;
    };
  };
  auto Truncate = [](const std::string &P, const std::string &,
                     const std::string &, const Others &) {
    std::string T = readFile(P);
    writeFile(P, T.substr(0, T.size() / 2));
    return true;
  };
  return {
      {"unsigned: deps and findings emptied", Edit(false, EmptyAll)},
      {"unsigned: findings emptied", Edit(false, EmptyFindings)},
      {"unsigned: deps emptied", Edit(false, NoDeps)},
      {"unsigned: entries swapped between keys", Swap(false)},
      {"truncated", Truncate},
      {"signed: deps and findings emptied", Edit(true, EmptyAll)},
      {"signed: deps emptied", Edit(true, NoDeps)},
      {"signed: main file dropped, findings emptied", Edit(true, DropMain)},
      {"signed: main file's hash changed, findings emptied",
       Edit(true, MainHash)},
      {"signed: main file looked at but not read, findings emptied",
       Edit(true, MainUnread)},
      {"signed: a header's hash changed, findings emptied",
       Edit(true, HeaderHash)},
      {"signed: entries swapped between keys", Swap(true)},
      {"signed: the changed unit's findings emptied", Edit(true, EmptyFindings),
       /*OnlyTheChangedUnit=*/true},
  };
}

TEST(CacheTrust, NoMutationOfAWarmCacheChangesTheFindings) {
  std::string Dir = makeExample("trust-mutations");
  std::string Cache = Dir + "/build/.factoryguard-cache";
  std::string Snapshot = Dir + "/../warm-cache";
  ASSERT_EQ(cached(Dir).ExitCode, 1);
  copyTree(Cache, Snapshot);
  addAFinding(Dir);
  RunResult Fresh = uncached(Dir);
  ASSERT_EQ(Fresh.ExitCode, 1);

  for (const Mutation &M : mutations()) {
    SCOPED_TRACE(M.Name);
    llvm::sys::fs::remove_directories(Cache);
    copyTree(Snapshot, Cache);
    std::string Secret = secretOf(Cache);
    std::map<std::string, std::string> Originals;
    for (const std::string &P : entriesIn(Cache))
      Originals[P] = readFile(P);
    ASSERT_EQ(Originals.size(), 5u);
    unsigned Applied = 0, Untouched = 0;
    for (const auto &Entry : Originals) {
      const std::string &P = Entry.first;
      json Body = readEntryFile(P).Body;
      int Main = mainDepIndex(Body, Dir);
      bool Changed =
          Main >= 0 && llvm::StringRef(std::string(Body["deps"][Main][0]))
                           .ends_with("/src/agent_service.cpp");
      // Applied when the entry's bytes changed (emptying findings that
      // were empty writes the same entry).
      bool Done = (!M.OnlyTheChangedUnit || Changed) &&
                  M.Apply(P, Dir, Secret, Originals) &&
                  readFile(P) != Entry.second;
      Applied += Done;
      Untouched += !Done && !Changed;
    }
    ASSERT_GT(Applied, 0u);
    RunResult R = cached(Dir);
    EXPECT_EQ(R.ExitCode, Fresh.ExitCode) << R.Err;
    EXPECT_EQ(R.Out, Fresh.Out);
    // Every entry changed is a miss, and so is the changed unit's.
    EXPECT_EQ(cacheStats(R).Hits, Untouched) << R.Err;
  }
}

TEST(CacheTrust, EntriesOfAnotherCacheDirectoryAreMisses) {
  std::string Dir = makeExample("trust-other");
  std::string Cache = Dir + "/build/.factoryguard-cache";
  std::string Other = Dir + "/../other-cache";
  RunResult Cold = cached(Dir);
  ASSERT_EQ(cached(Dir, {"--cache-dir", Other}).ExitCode, Cold.ExitCode);
  // The same keys, each signed with the other directory's secret.
  std::vector<std::string> Entries = entriesIn(Other);
  ASSERT_EQ(Entries.size(), 5u);
  for (const std::string &P : Entries)
    writeFile(Cache + "/" + llvm::sys::path::filename(P).str(), readFile(P));
  RunResult R = cached(Dir);
  EXPECT_EQ(R.Out, Cold.Out);
  EXPECT_EQ(cacheStats(R).Hits, 0u) << R.Err;
}

// ------------------------------------------------------------ item 3

TEST(CacheTrust, ForeignFilesMakeADirectoryUnusableAndSurvive) {
  std::string Dir = makeExample("trust-foreign");
  RunResult Fresh = uncached(Dir);
  std::string V = makeTempDir("trust-foreign-dir");
  writeFile(V + "/work.tmp", "precious\n");
  ageTwoHours(V + "/work.tmp");
  writeFile(V + "/0123456789abcdef0123456789abcdef.fgc", "someone's\n");
  RunResult R = cached(Dir, {"--cache-dir", V, "--cache-max-size", "1"});
  EXPECT_EQ(R.ExitCode, Fresh.ExitCode) << R.Err;
  EXPECT_EQ(R.Out, Fresh.Out);
  EXPECT_NE(R.Err.find("factoryguard: warning: cache directory '" + V +
                       "' cannot be used"),
            std::string::npos)
      << R.Err;
  EXPECT_NE(R.Err.find("factoryguard: cache: not used"), std::string::npos)
      << R.Err;
  EXPECT_EQ(namesIn(V),
            (std::vector<std::string>{"0123456789abcdef0123456789abcdef.fgc",
                                      "work.tmp"}));
  EXPECT_EQ(readFile(V + "/work.tmp"), "precious\n");
}

TEST(CacheTrust, EmptyDirectoryIsAdoptedAndMarked) {
  std::string Dir = makeExample("trust-empty");
  std::string V = makeTempDir("trust-empty-dir");
  RunResult Cold = cached(Dir, {"--cache-dir", V});
  EXPECT_EQ(cacheStats(Cold).Misses, 5u) << Cold.Err;
  EXPECT_TRUE(
      llvm::StringRef(readFile(V + "/CACHEDIR.TAG")).starts_with(TagSignature));
  llvm::sys::fs::file_status St;
  ASSERT_FALSE(llvm::sys::fs::status(V + "/hmac-key", St));
  EXPECT_EQ(St.permissions() & 0777, 0600);
  EXPECT_EQ(cacheStats(cached(Dir, {"--cache-dir", V})).Hits, 5u);
}

TEST(CacheTrust, CleanupDeletesOnlyNamesTheToolMakes) {
  std::string Dir = makeExample("trust-cleanup");
  std::string Cache = Dir + "/build/.factoryguard-cache";
  cached(Dir);
  ASSERT_EQ(entriesIn(Cache).size(), 5u);
  // In the tool's own directory: someone's files, old, with the tool's
  // extensions, and a link named like an entry to a file outside.
  std::string Outside = Dir + "/../outside.txt";
  writeFile(Outside, "precious\n");
  ageTwoHours(Outside);
  std::vector<std::string> Foreign = {"work.tmp", "precious.fgc", "notes.txt"};
  for (const std::string &N : Foreign) {
    writeFile(Cache + "/" + N, "precious\n");
    ageTwoHours(Cache + "/" + N);
  }
  std::string Link = Cache + "/fedcba9876543210fedcba9876543210.fgc";
  ASSERT_FALSE(llvm::sys::fs::create_link(Outside, Link));
  RunResult R = cached(Dir, {"--cache-max-size", "1"});
  EXPECT_EQ(cacheStats(R).Entries, 0u) << R.Err;
  for (const std::string &N : Foreign)
    EXPECT_EQ(readFile(Cache + "/" + N), "precious\n") << N;
  EXPECT_TRUE(isSymlink(Link));
  EXPECT_EQ(readFile(Outside), "precious\n");
}

TEST(CacheTrust, AnEntryThatIsALinkIsNeverReadOrWrittenThrough) {
  std::string Dir = makeExample("trust-link");
  std::string Cache = Dir + "/build/.factoryguard-cache";
  RunResult Cold = cached(Dir);
  std::vector<std::string> Entries = entriesIn(Cache);
  ASSERT_EQ(Entries.size(), 5u);
  // The entry moved out and linked back: a valid entry, through a link.
  std::string Outside = Dir + "/../outside.fgc";
  ASSERT_FALSE(llvm::sys::fs::rename(Entries[0], Outside));
  ASSERT_FALSE(llvm::sys::fs::create_link(Outside, Entries[0]));
  std::string Before = readFile(Outside);
  ageTwoHours(Outside);
  llvm::sys::fs::file_status Old;
  ASSERT_FALSE(llvm::sys::fs::status(Outside, Old));
  RunResult R = cached(Dir);
  EXPECT_EQ(R.Out, Cold.Out);
  EXPECT_EQ(cacheStats(R).Misses, 1u) << R.Err;
  EXPECT_FALSE(isSymlink(Entries[0])) << "replaced by a file of its own";
  EXPECT_EQ(readFile(Outside), Before);
  llvm::sys::fs::file_status New;
  ASSERT_FALSE(llvm::sys::fs::status(Outside, New));
  EXPECT_EQ(New.getLastModificationTime(), Old.getLastModificationTime())
      << "a hit through the link renewed the file outside";
}

TEST(CacheTrust, DefaultDirectoryLinkedOutOfTheSourceRootIsRefused) {
  std::string Dir = makeExample("trust-symlink");
  RunResult Fresh = uncached(Dir);
  std::string V = makeTempDir("trust-symlink-target");
  std::string Default = Dir + "/build/.factoryguard-cache";
  // A committed link in a pull request.
  ASSERT_FALSE(llvm::sys::fs::create_link(V, Default));
  RunResult R = cached(Dir);
  EXPECT_EQ(R.ExitCode, Fresh.ExitCode) << R.Err;
  EXPECT_EQ(R.Out, Fresh.Out);
  EXPECT_NE(R.Err.find("factoryguard: warning: cache directory '" + Default +
                       "' cannot be used"),
            std::string::npos)
      << R.Err;
  EXPECT_NE(R.Err.find("outside the source root"), std::string::npos) << R.Err;
  EXPECT_TRUE(namesIn(V).empty());

  // A link that stays inside the source root is followed.
  llvm::sys::fs::remove(Default);
  ASSERT_FALSE(llvm::sys::fs::create_directory(Dir + "/cache-store"));
  ASSERT_FALSE(llvm::sys::fs::create_link(Dir + "/cache-store", Default));
  EXPECT_EQ(cacheStats(cached(Dir)).Misses, 5u);
  EXPECT_EQ(cacheStats(cached(Dir)).Hits, 5u);
  EXPECT_EQ(entriesIn(Dir + "/cache-store").size(), 5u);
}

} // namespace

//===- Cache.cpp - Content-addressed cache of per-unit results ----------===//
#include "Cache.h"
#include "CacheTrust.h"
#include "Printable.h"
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
/// it names the unit's main file).
constexpr llvm::StringLiteral Format = "factoryguard-cache/5";
constexpr llvm::StringLiteral Extension = ".fgc";
/// A larger entry file is a miss, never read whole into memory.
constexpr uint64_t MaxEntryBytes = 256ull << 20;

std::string hex64(uint64_t V) {
  return llvm::utohexstr(V, /*LowerCase=*/true, 16);
}

bool parseHex64(llvm::StringRef S, uint64_t &Out) {
  return S.size() == 16 && !S.getAsInteger(16, Out);
}

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

// ---------------------------------------------------------------- JSON

namespace {

json::Value rangeToJson(const SourceRange &R) {
  return json::Array{R.File,      R.Line,   R.Column, R.EndLine,
                     R.EndColumn, R.Offset, R.Length};
}

bool rangeFromJson(const json::Value *V, SourceRange &R) {
  const json::Array *A = V ? V->getAsArray() : nullptr;
  if (!A || A->size() != 7)
    return false;
  auto Str = (*A)[0].getAsString();
  if (!Str)
    return false;
  R.File = Str->str();
  unsigned *Nums[] = {&R.Line,      &R.Column, &R.EndLine,
                      &R.EndColumn, &R.Offset, &R.Length};
  for (size_t I = 0; I < 6; ++I) {
    auto N = (*A)[I + 1].getAsUINT64();
    if (!N || *N > UINT32_MAX)
      return false;
    *Nums[I] = static_cast<unsigned>(*N);
  }
  return true;
}

/// Reads fields of one object, remembering whether any was missing or of
/// the wrong type: a corrupt entry is a miss, never a half-read result.
class Reader {
public:
  explicit Reader(const json::Value *V) : O(V ? V->getAsObject() : nullptr) {
    Ok = O != nullptr;
  }
  std::string str(llvm::StringRef K) {
    if (auto S = O ? O->getString(K) : std::nullopt)
      return S->str();
    Ok = false;
    return "";
  }
  bool flag(llvm::StringRef K) {
    if (auto B = O ? O->getBoolean(K) : std::nullopt)
      return *B;
    Ok = false;
    return false;
  }
  unsigned num(llvm::StringRef K) {
    const json::Value *V = O ? O->get(K) : nullptr;
    if (auto N = V ? V->getAsUINT64() : std::nullopt)
      if (*N <= UINT32_MAX)
        return static_cast<unsigned>(*N);
    Ok = false;
    return 0;
  }
  void range(llvm::StringRef K, SourceRange &R) {
    if (!rangeFromJson(O ? O->get(K) : nullptr, R))
      Ok = false;
  }
  const json::Array &array(llvm::StringRef K) {
    static const json::Array None;
    if (const json::Array *A = O ? O->getArray(K) : nullptr)
      return *A;
    Ok = false;
    return None;
  }
  const json::Value *value(llvm::StringRef K) {
    return O ? O->get(K) : nullptr;
  }
  bool Ok;

private:
  const json::Object *O;
};

} // namespace

json::Value findingToJson(const Finding &F) {
  json::Array Notes, Fixes;
  for (const Note &N : F.Notes)
    Notes.push_back(
        json::Object{{"at", rangeToJson(N.Where)}, {"msg", N.Message}});
  for (const FixIt &X : F.Fixes) {
    json::Object O{{"at", rangeToJson(X.Where)}, {"text", X.Replacement}};
    if (X.ContentHash)
      O["hash"] = hex64(*X.ContentHash);
    Fixes.push_back(std::move(O));
  }
  return json::Object{{"rule", F.RuleId},
                      {"level", static_cast<int>(F.Level)},
                      {"at", rangeToJson(F.Where)},
                      {"msg", F.Message},
                      {"notes", std::move(Notes)},
                      {"fixes", std::move(Fixes)},
                      {"key", F.StableKey},
                      {"anchor", F.ChainAnchor},
                      {"unless", F.UnlessInRequestScope},
                      {"setup", F.UnlessSetUp},
                      {"label", F.ChainLabel}};
}

bool findingFromJson(const json::Value &V, Finding &F) {
  Reader R(&V);
  F.RuleId = R.str("rule");
  unsigned Level = R.num("level");
  if (Level > static_cast<unsigned>(Severity::Error))
    return false;
  F.Level = static_cast<Severity>(Level);
  R.range("at", F.Where);
  F.Message = R.str("msg");
  for (const json::Value &NV : R.array("notes")) {
    Reader N(&NV);
    Note Out;
    N.range("at", Out.Where);
    Out.Message = N.str("msg");
    if (!N.Ok)
      return false;
    F.Notes.push_back(std::move(Out));
  }
  for (const json::Value &XV : R.array("fixes")) {
    Reader X(&XV);
    FixIt Out;
    X.range("at", Out.Where);
    Out.Replacement = X.str("text");
    if (const json::Value *H = X.value("hash")) {
      uint64_t Hash;
      auto S = H->getAsString();
      if (!S || !parseHex64(*S, Hash))
        return false;
      Out.ContentHash = Hash;
    }
    if (!X.Ok)
      return false;
    F.Fixes.push_back(std::move(Out));
  }
  F.StableKey = R.str("key");
  F.ChainAnchor = R.str("anchor");
  F.UnlessInRequestScope = R.str("unless");
  F.UnlessSetUp = R.str("setup");
  F.ChainLabel = R.str("label");
  return R.Ok;
}

namespace {

/// Call-graph facts repeat long strings (USRs of template instantiations,
/// file paths) in every edge: each is stored once in a table and referred
/// to by index, and nodes and edges are positional arrays. On {fmt}'s
/// tests this made cache entries 4x smaller and a warm run 3x faster.
class StringTable {
public:
  int64_t operator()(const std::string &S) {
    auto [It, New] = Index.try_emplace(S, Strings.size());
    if (New)
      Strings.push_back(S);
    return static_cast<int64_t>(It->second);
  }
  json::Array take() { return std::move(Strings); }

private:
  llvm::StringMap<size_t> Index;
  json::Array Strings;
};

/// Reads positional fields of one array: strings through the table.
class Fields {
public:
  Fields(const json::Value &V, const std::vector<llvm::StringRef> &Table,
         size_t Size)
      : A(V.getAsArray()), Table(Table) {
    Ok = A && A->size() == Size;
  }
  std::string str() {
    auto N = next().getAsUINT64();
    if (!N || *N >= Table.size()) {
      Ok = false;
      return "";
    }
    return Table[*N].str();
  }
  unsigned num() {
    auto N = next().getAsUINT64();
    if (!N || *N > UINT32_MAX) {
      Ok = false;
      return 0;
    }
    return static_cast<unsigned>(*N);
  }
  bool flag() {
    auto B = next().getAsBoolean();
    Ok = Ok && B.has_value();
    return B.value_or(false);
  }
  void range(SourceRange &R) {
    R.File = str();
    for (unsigned *N :
         {&R.Line, &R.Column, &R.EndLine, &R.EndColumn, &R.Offset, &R.Length})
      *N = num();
  }
  bool Ok;

private:
  const json::Value &next() {
    static const json::Value None = nullptr;
    if (!Ok || Pos >= A->size()) {
      Ok = false;
      return None;
    }
    return (*A)[Pos++];
  }
  const json::Array *A;
  const std::vector<llvm::StringRef> &Table;
  size_t Pos = 0;
};

} // namespace

json::Value factsToJson(const TUFacts &T) {
  StringTable S;
  json::Array Nodes, Edges, Taken;
  for (const GraphNode &N : T.Nodes) {
    json::Array Row{S(N.Id),
                    S(N.Name),
                    S(N.Where.File),
                    N.Where.Line,
                    N.Where.Column,
                    N.Where.EndLine,
                    N.Where.EndColumn,
                    N.Where.Offset,
                    N.Where.Length,
                    N.HasContext,
                    static_cast<int>(N.Root),
                    N.StaticLocal,
                    N.Factory,
                    N.Virtual,
                    N.ImplicitCalls,
                    N.Lambda,
                    S(N.Definer),
                    N.ContextAtDefinition};
    Nodes.push_back(std::move(Row));
  }
  for (const GraphEdge &E : T.Edges)
    Edges.push_back(json::Array{S(E.From), S(E.To), S(E.Site.File), E.Site.Line,
                                E.Site.Column, E.Site.EndLine, E.Site.EndColumn,
                                E.Site.Offset, E.Site.Length, E.ContextAtSite});
  for (const std::string &A : T.AddressTaken)
    Taken.push_back(S(A));
  json::Array Uses;
  for (const FactoryObjectUse &U : T.FactoryObjectUses)
    Uses.push_back(json::Array{S(U.Object), S(U.Name), S(U.Method),
                               S(U.Where.File), U.Where.Line, U.Where.Column,
                               U.Where.EndLine, U.Where.EndColumn,
                               U.Where.Offset, U.Where.Length, U.Setup});
  json::Array Objects;
  for (const FactoryObjectDef &D : T.FactoryObjectDefs)
    Objects.push_back(json::Array{S(D.Object), S(D.Name), S(D.Class),
                                  S(D.Where.File), D.Where.Line, D.Where.Column,
                                  D.Where.EndLine, D.Where.EndColumn,
                                  D.Where.Offset, D.Where.Length});
  return json::Object{
      {"strings", S.take()},       {"nodes", std::move(Nodes)},
      {"edges", std::move(Edges)}, {"taken", std::move(Taken)},
      {"uses", std::move(Uses)},   {"objects", std::move(Objects)}};
}

bool factsFromJson(const json::Value *V, TUFacts &T) {
  Reader R(V);
  std::vector<llvm::StringRef> Table;
  for (const json::Value &SV : R.array("strings")) {
    auto Str = SV.getAsString();
    if (!Str)
      return false;
    Table.push_back(*Str);
  }
  for (const json::Value &NV : R.array("nodes")) {
    Fields N(NV, Table, 18);
    GraphNode G;
    G.Id = N.str();
    G.Name = N.str();
    N.range(G.Where);
    G.HasContext = N.flag();
    unsigned Root = N.num();
    if (Root > GraphNode::StaticInit)
      return false;
    G.Root = static_cast<GraphNode::RootKind>(Root);
    G.StaticLocal = N.flag();
    G.Factory = N.flag();
    G.Virtual = N.flag();
    G.ImplicitCalls = N.flag();
    G.Lambda = N.flag();
    G.Definer = N.str();
    G.ContextAtDefinition = N.flag();
    if (!N.Ok)
      return false;
    T.Nodes.push_back(std::move(G));
  }
  for (const json::Value &EV : R.array("edges")) {
    Fields E(EV, Table, 10);
    GraphEdge G;
    G.From = E.str();
    G.To = E.str();
    E.range(G.Site);
    G.ContextAtSite = E.flag();
    if (!E.Ok)
      return false;
    T.Edges.push_back(std::move(G));
  }
  for (const json::Value &AV : R.array("taken")) {
    auto N = AV.getAsUINT64();
    if (!N || *N >= Table.size())
      return false;
    T.AddressTaken.push_back(Table[*N].str());
  }
  for (const json::Value &UV : R.array("uses")) {
    Fields U(UV, Table, 11);
    FactoryObjectUse Use;
    Use.Object = U.str();
    Use.Name = U.str();
    Use.Method = U.str();
    U.range(Use.Where);
    Use.Setup = U.flag();
    if (!U.Ok)
      return false;
    T.FactoryObjectUses.push_back(std::move(Use));
  }
  for (const json::Value &DV : R.array("objects")) {
    Fields D(DV, Table, 10);
    FactoryObjectDef Def;
    Def.Object = D.str();
    Def.Name = D.str();
    Def.Class = D.str();
    D.range(Def.Where);
    if (!D.Ok)
      return false;
    T.FactoryObjectDefs.push_back(std::move(Def));
  }
  return R.Ok;
}

json::Value callSitesToJson(const std::vector<CallSite> &Sites) {
  json::Array Out;
  for (const CallSite &C : Sites)
    Out.push_back(json::Object{{"at", rangeToJson(C.Where)},
                               {"factory", C.Factory},
                               {"in", C.Enclosing}});
  return Out;
}

bool callSitesFromJson(const json::Array &A, std::vector<CallSite> &Out) {
  for (const json::Value &V : A) {
    Reader R(&V);
    CallSite C;
    R.range("at", C.Where);
    C.Factory = R.str("factory");
    C.Enclosing = R.str("in");
    if (!R.Ok)
      return false;
    Out.push_back(std::move(C));
  }
  return true;
}

namespace {

/// The configuration entries a ConfigMatchRecord may point to, in a fixed
/// order: an entry is stored as its index.
std::vector<const NameMatcher *> configEntries(const Config &Cfg) {
  std::vector<const NameMatcher *> Out;
  for (const NameList *L : {&Cfg.Contexts, &Cfg.Managers})
    for (const NameMatcher &M : L->Entries)
      Out.push_back(&M);
  for (const FactoryEntry &F : Cfg.Factories)
    Out.push_back(&F.Name);
  for (const NameList *L : {&Cfg.Startup, &Cfg.RequestEntries, &Cfg.Exclude})
    for (const NameMatcher &M : L->Entries)
      Out.push_back(&M);
  for (const FactorySetupEntry &E : Cfg.FactorySetups) {
    Out.push_back(&E.Class);
    for (const NameMatcher &M : E.Setup)
      Out.push_back(&M);
  }
  for (const NameMatcher &M : Cfg.Holders.Entries)
    Out.push_back(&M);
  return Out;
}

json::Value declToJson(const MatchedDecl &D) {
  return json::Array{D.Name, D.File, D.Line};
}

bool declFromJson(const json::Value &V, MatchedDecl &D) {
  const json::Array *A = V.getAsArray();
  if (!A || A->size() != 3)
    return false;
  auto Name = (*A)[0].getAsString(), File = (*A)[1].getAsString();
  auto Line = (*A)[2].getAsUINT64();
  if (!Name || !File || !Line || *Line > UINT32_MAX)
    return false;
  D = {Name->str(), File->str(), static_cast<unsigned>(*Line)};
  return true;
}

} // namespace

json::Value matchesToJson(const ConfigMatchRecord &M, const Config &Cfg) {
  std::vector<const NameMatcher *> Entries = configEntries(Cfg);
  json::Array Matched, Types, Functions, Bad;
  for (size_t I = 0; I < Entries.size(); ++I) {
    auto It = M.Matched.find(Entries[I]);
    if (It == M.Matched.end())
      continue;
    json::Array Decls;
    for (const MatchedDecl &D : It->second.Decls)
      Decls.push_back(declToJson(D));
    Matched.push_back(json::Object{{"entry", static_cast<int64_t>(I)},
                                   {"decls", std::move(Decls)},
                                   {"more", It->second.More}});
  }
  std::vector<std::string> Sorted;
  for (const auto &S : M.SeenTypes)
    Sorted.push_back(S.getKey().str());
  std::sort(Sorted.begin(), Sorted.end());
  for (std::string &S : Sorted)
    Types.push_back(std::move(S));
  Sorted.clear();
  for (const auto &S : M.SeenFunctions)
    Sorted.push_back(S.getKey().str());
  std::sort(Sorted.begin(), Sorted.end());
  for (std::string &S : Sorted)
    Functions.push_back(std::move(S));
  for (const BadContextParam &B : M.BadParams) {
    int64_t Index = -1;
    for (size_t I = 0; I < Cfg.Factories.size(); ++I)
      if (&Cfg.Factories[I] == B.Entry)
        Index = static_cast<int64_t>(I);
    Bad.push_back(json::Object{{"factory", Index},
                               {"fn", declToJson(B.Function)},
                               {"params", B.NumParams}});
  }
  json::Array BadRequired;
  for (const BadRequiredArg &B : M.BadRequired) {
    int64_t Index = -1;
    for (size_t I = 0; I < Cfg.FactorySetups.size(); ++I)
      if (&Cfg.FactorySetups[I] == B.Entry)
        Index = static_cast<int64_t>(I);
    BadRequired.push_back(json::Object{{"setup", Index},
                                       {"index", B.Index},
                                       {"class", declToJson(B.Class)},
                                       {"params", B.MaxParams}});
  }
  return json::Object{{"matched", std::move(Matched)},
                      {"types", std::move(Types)},
                      {"functions", std::move(Functions)},
                      {"bad", std::move(Bad)},
                      {"badreq", std::move(BadRequired)}};
}

bool matchesFromJson(const json::Value *V, const Config &Cfg,
                     ConfigMatchRecord &M) {
  std::vector<const NameMatcher *> Entries = configEntries(Cfg);
  Reader R(V);
  for (const json::Value &EV : R.array("matched")) {
    Reader E(&EV);
    unsigned Index = E.num("entry");
    bool More = E.flag("more");
    const json::Array &Decls = E.array("decls");
    if (!E.Ok || Index >= Entries.size())
      return false;
    ConfigMatchRecord::EntryMatches &Out = M.Matched[Entries[Index]];
    Out.More = More;
    for (const json::Value &DV : Decls) {
      MatchedDecl D;
      if (!declFromJson(DV, D))
        return false;
      Out.Decls.insert(std::move(D));
    }
  }
  for (auto [Key, Set] :
       {std::pair<const char *, llvm::StringSet<> *>{"types", &M.SeenTypes},
        {"functions", &M.SeenFunctions}})
    for (const json::Value &SV : R.array(Key)) {
      auto S = SV.getAsString();
      if (!S)
        return false;
      Set->insert(*S);
    }
  for (const json::Value &BV : R.array("bad")) {
    Reader B(&BV);
    unsigned Index = B.num("factory");
    BadContextParam Out;
    Out.NumParams = B.num("params");
    const json::Value *Fn = B.value("fn");
    if (!B.Ok || Index >= Cfg.Factories.size() || !Fn ||
        !declFromJson(*Fn, Out.Function))
      return false;
    Out.Entry = &Cfg.Factories[Index];
    M.BadParams.push_back(std::move(Out));
  }
  for (const json::Value &BV : R.array("badreq")) {
    Reader B(&BV);
    unsigned Index = B.num("setup");
    BadRequiredArg Out;
    Out.Index = B.num("index");
    Out.MaxParams = B.num("params");
    const json::Value *Class = B.value("class");
    if (!B.Ok || Index >= Cfg.FactorySetups.size() || !Class ||
        !declFromJson(*Class, Out.Class))
      return false;
    Out.Entry = &Cfg.FactorySetups[Index];
    M.BadRequired.push_back(std::move(Out));
  }
  return R.Ok;
}

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
  std::optional<std::string> File =
      readRegularFile(entryPath(Key), MaxEntryBytes);
  if (!File)
    return std::nullopt;
  std::optional<std::string> Body = unsealEntry(Secret, Key.Hex, *File);
  if (!Body)
    return std::nullopt;
  auto Parsed = parseJson(*Body);
  if (!Parsed) {
    llvm::consumeError(Parsed.takeError());
    return std::nullopt;
  }
  Reader R(&*Parsed);
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
  Reader R(&*Parsed);

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
  Reader R(&Entry);
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

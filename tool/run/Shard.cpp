//===- Shard.cpp - Shard results and `factoryguard merge` (SPEC §7) ------===//
#include "Shard.h"

#include "Config.h"
#include "Fingerprint.h"
#include "JsonParse.h"
#include "Paths.h"
#include "RegularFile.h"
#include "UnitJson.h"
#include "UntrustedResult.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <tuple>

namespace factoryguard {

namespace json = llvm::json;

namespace {

/// Stands for "<source root>/" inside texts that embed paths: call-graph
/// node ids (internal linkage, lambdas, static initializers), names and
/// messages of lambdas, clang's messages, compile commands.
constexpr llvm::StringLiteral RootMarker = "%ROOT%/";

using PathMap = llvm::function_ref<std::string(const std::string &)>;

/// Every path of U through MapFile, and every text that may spell one
/// (node ids, names and messages: "(lambda at /src/x.cpp:6:22)", clang's
/// messages, the command) through MapText.
void mapPaths(AnalyzedUnit &U, PathMap MapFile, PathMap MapId) {
  U.Original = MapId(U.Original);
  U.FailMessage = MapId(U.FailMessage);
  U.Diagnostics = MapId(U.Diagnostics);
  for (Finding &F : U.Findings) {
    F.Where.File = MapFile(F.Where.File);
    for (Note &N : F.Notes) {
      N.Where.File = MapFile(N.Where.File);
      N.Message = MapId(N.Message);
    }
    for (FixIt &X : F.Fixes) {
      X.Where.File = MapFile(X.Where.File);
      X.Replacement = MapId(X.Replacement);
    }
    for (ChainStep &S : F.Chain)
      S.Where.File = MapFile(S.Where.File);
    for (std::string *Text : {&F.ChainAnchor, &F.ProgramKey, &F.Message,
                              &F.ChainLabel, &F.StableKey})
      *Text = MapId(*Text);
  }
  TUFacts &T = U.Facts;
  for (GraphNode &N : T.Nodes) {
    N.Where.File = MapFile(N.Where.File);
    N.Id = MapId(N.Id);
    N.Name = MapId(N.Name);
    N.Definer = MapId(N.Definer);
  }
  for (GraphEdge &E : T.Edges) {
    E.Site.File = MapFile(E.Site.File);
    E.From = MapId(E.From);
    E.To = MapId(E.To);
  }
  for (std::string &A : T.AddressTaken)
    A = MapId(A);
  T.Rules.forEach(
      [&](llvm::StringRef, RuleFacts &Own) { Own.mapPaths(MapFile, MapId); });
  for (CallSite &C : U.CallSites) {
    C.Where.File = MapFile(C.Where.File);
    C.Enclosing = MapId(C.Enclosing);
  }
  ConfigMatchRecord &M = U.ConfigMatches;
  for (auto &[Entry, Matches] : M.Matched) {
    std::set<MatchedDecl> Mapped;
    for (MatchedDecl D : Matches.Decls) {
      D.File = MapFile(D.File);
      Mapped.insert(std::move(D));
    }
    Matches.Decls = std::move(Mapped);
  }
  for (llvm::StringSet<> *Names : {&M.SeenTypes, &M.SeenFunctions}) {
    llvm::StringSet<> Mapped;
    for (const auto &N : *Names)
      Mapped.insert(MapId(N.getKey().str()));
    *Names = std::move(Mapped);
  }
  for (BadContextParam &B : M.BadParams)
    B.Function.File = MapFile(B.Function.File);
  for (BadRequiredArg &B : M.BadRequired)
    B.Class.File = MapFile(B.Class.File);
}

/// Path relative to Root when under it ('/'-separated), else as it is.
std::string relativeTo(const std::string &Root, const std::string &Path) {
  if (Path.empty())
    return Path;
  std::optional<std::string> Rel = pathRelativeToRoot(Path, Root);
  if (!Rel)
    return Path;
  std::string Out = *Rel;
  std::replace(Out.begin(), Out.end(), '\\', '/');
  return Out;
}

std::string replaceAll(std::string S, llvm::StringRef From,
                       llvm::StringRef To) {
  if (From.empty())
    return S;
  for (size_t Pos = 0; (Pos = S.find(From.str(), Pos)) != std::string::npos;
       Pos += To.size())
    S.replace(Pos, From.size(), To.str());
  return S;
}

/// The root's prefix as it appears in absolute paths ("" for "/": nothing
/// is rewritten then).
std::string rootPrefix(const std::string &Root) {
  std::string P = normalizePath(Root);
  return P == "/" ? "" : P + "/";
}

json::Array strings(const std::vector<std::string> &V) {
  json::Array A;
  for (const std::string &S : V)
    A.push_back(S);
  return A;
}

json::Object settingsOf(const DriverOptions &Opts,
                        const std::string &SourceRoot) {
  return json::Object{
      {"rules", Opts.RuleGlobs},
      {"config", relativeTo(SourceRoot, Opts.ConfigFile.empty()
                                            ? ""
                                            : normalizePath(Opts.ConfigFile))},
      {"fullParse", Opts.FullParse},
      {"strictConfig", Opts.StrictConfig},
      {"extraArgs", strings(Opts.ExtraArgs)},
      {"extraArgsBefore", strings(Opts.ExtraArgsBefore)}};
}

std::string configPathOf(const Config *C) {
  return C ? C->SourceFile : std::string();
}

/// The content hash of every file a location of U lies in, as the file is
/// now (just analyzed): `merge` checks that each location lies in one of
/// them, with this content (UntrustedResult.h).
json::Object filesReadBy(const AnalyzedUnit &U, PathMap MapFile) {
  std::set<std::string> Files;
  forEachLocation(U.Findings, U.Facts, U.CallSites,
                  [&](const SourceRange &R, llvm::StringRef, bool) {
                    if (!R.File.empty())
                      Files.insert(R.File);
                  });
  json::Object Read;
  for (const std::string &F : Files)
    if (auto Buf = readRegularFile(F))
      Read[MapFile(F)] = llvm::utohexstr(llvm::xxh3_64bits((*Buf)->getBuffer()),
                                         /*LowerCase=*/true, 16);
    else
      llvm::consumeError(Buf.takeError());
  return Read;
}

/// The "read" object of a unit result back, paths through MapFile; false
/// when malformed.
bool filesReadFromJson(const json::Object *O, PathMap MapFile,
                       FileHashes &Out) {
  if (!O)
    return false;
  for (const auto &[Path, Hex] : *O) {
    auto S = Hex.getAsString();
    uint64_t Hash = 0;
    if (!S || S->size() != 16 || S->getAsInteger(16, Hash))
      return false;
    Out[MapFile(Path.str())] = Hash;
  }
  return true;
}

} // namespace

void renderShard(const DriverResult &R, const DriverOptions &Opts,
                 const std::string &SourceRoot, llvm::raw_ostream &OS) {
  std::string Prefix = rootPrefix(SourceRoot);
  auto MapFile = [&](const std::string &P) {
    return relativeTo(SourceRoot, P);
  };
  auto MapId = [&](const std::string &Id) {
    return replaceAll(Id, Prefix, RootMarker);
  };
  json::Array Configs;
  for (const auto &[Path, Text] : R.ConfigTexts)
    Configs.push_back(json::Object{{"path", MapFile(Path)}, {"text", Text}});
  json::Array Units, Failures, Results;
  for (const std::string &U : R.Units)
    Units.push_back(MapFile(U));
  for (const UnitFailure &F : R.FileFailures)
    Failures.push_back(
        json::Object{{"file", MapFile(F.File)}, {"message", F.Message}});
  for (AnalyzedUnit U : R.UnitResults) {
    std::string ConfigPath = configPathOf(U.Cfg);
    json::Object Read = filesReadBy(U, MapFile);
    mapPaths(U, MapFile, MapId);
    json::Value Matches =
        U.Cfg ? matchesToJson(U.ConfigMatches, *U.Cfg) : json::Value(nullptr);
    json::Array Findings;
    for (const Finding &F : U.Findings)
      Findings.push_back(findingToJson(F));
    Results.push_back(
        json::Object{{"file", MapFile(U.File)},
                     {"index", U.Index},
                     {"count", U.Count},
                     {"command", U.Original},
                     {"config", ConfigPath.empty() ? "" : MapFile(ConfigPath)},
                     {"failed", U.Failed},
                     {"failMessage", U.FailMessage},
                     {"diagnostics", U.Diagnostics},
                     {"findings", std::move(Findings)},
                     {"facts", factsToJson(U.Facts)},
                     {"callSites", callSitesToJson(U.CallSites)},
                     {"matches", std::move(Matches)},
                     {"read", std::move(Read)}});
  }
  json::Value Shard = nullptr;
  if (Opts.ShardCount)
    Shard =
        json::Object{{"index", Opts.ShardIndex}, {"count", Opts.ShardCount}};
  json::Object Doc{{"format", ShardFormat},
                   {"version", FACTORYGUARD_VERSION},
                   {"settings", settingsOf(Opts, SourceRoot)},
                   {"shard", std::move(Shard)},
                   {"configs", std::move(Configs)},
                   {"units", std::move(Units)},
                   {"failures", std::move(Failures)},
                   {"results", std::move(Results)}};
  OS << json::Value(std::move(Doc)) << "\n";
}

namespace {

llvm::Error shardError(const std::string &File, const llvm::Twine &Msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "shard '" + File + "': " + Msg);
}

/// One shard file as read, its paths still as stored.
struct ShardFile {
  std::string Path;
  json::Value Doc = nullptr;
  std::string Version, Settings; // Settings: its JSON text, compared whole
  std::optional<std::pair<unsigned, unsigned>> Shard; // index, count
};

llvm::Expected<ShardFile> readShard(const std::string &Path,
                                    llvm::StringRef Text) {
  ShardFile S;
  S.Path = Path;
  auto Doc = parseJson(Text);
  if (!Doc)
    return shardError(Path, "not JSON: " + llvm::toString(Doc.takeError()));
  S.Doc = std::move(*Doc);
  const json::Object *O = S.Doc.getAsObject();
  if (!O)
    return shardError(Path, "not a shard result (no JSON object)");
  auto Format = O->getString("format");
  if (!Format || !Format->starts_with("factoryguard-shard/"))
    return shardError(Path, "not a shard result (no \"format\": \"" +
                                llvm::Twine(ShardFormat) + "\")");
  if (*Format != ShardFormat)
    return shardError(Path, "format " + *Format + ", this factoryguard reads " +
                                ShardFormat);
  auto Version = O->getString("version");
  const json::Object *Settings = O->getObject("settings");
  if (!Version || !Settings)
    return shardError(Path, "malformed: no version or settings");
  S.Version = Version->str();
  // Another version may mean other rules, messages or positions: its
  // results are not this binary's to report.
  if (S.Version != FACTORYGUARD_VERSION)
    return shardError(Path, "written by factoryguard " + S.Version +
                                ", this is factoryguard " +
                                FACTORYGUARD_VERSION);
  llvm::raw_string_ostream SettingsText(S.Settings);
  SettingsText << json::Value(json::Object(*Settings));
  const json::Value *Shard = O->get("shard");
  if (Shard && Shard->getAsObject()) {
    auto I = Shard->getAsObject()->getInteger("index");
    auto N = Shard->getAsObject()->getInteger("count");
    if (!I || !N || *N < 1 || *N > 1u << 20 || *I < 1 || *I > *N)
      return shardError(Path, "malformed: shard index and count");
    S.Shard = {static_cast<unsigned>(*I), static_cast<unsigned>(*N)};
  } else if (!Shard || !Shard->getAsNull()) {
    return shardError(Path, "malformed: \"shard\"");
  }
  return S;
}

const json::Array *arrayOf(const json::Object &O, llvm::StringRef K) {
  return O.getArray(K);
}

} // namespace

llvm::Expected<DriverResult> mergeShards(const std::vector<std::string> &Files,
                                         const std::string &SourceRoot,
                                         llvm::raw_ostream &Diag) {
  std::vector<std::pair<std::string, std::string>> Texts;
  for (const std::string &F : Files) {
    auto Buf = readRegularFile(F);
    if (!Buf)
      return shardError(F, llvm::toString(Buf.takeError()));
    Texts.emplace_back(F, (*Buf)->getBuffer().str());
  }
  return mergeShardTexts(Texts, SourceRoot, Diag);
}

llvm::Expected<DriverResult>
mergeShardTexts(const std::vector<std::pair<std::string, std::string>> &Texts,
                const std::string &SourceRoot, llvm::raw_ostream &Diag) {
  if (Texts.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "merge needs at least one shard file");
  std::vector<ShardFile> Shards;
  for (const auto &[Name, Text] : Texts) {
    auto S = readShard(Name, Text);
    if (!S)
      return S.takeError();
    Shards.push_back(std::move(*S));
  }
  // They belong together: one version, one set of settings, and --shard
  // shards of one count with every index once.
  const ShardFile &First = Shards.front();
  for (const ShardFile &S : Shards) {
    if (S.Settings != First.Settings)
      return shardError(S.Path, "analyzed with other settings than shard '" +
                                    First.Path + "': " + S.Settings + " vs " +
                                    First.Settings);
    if (S.Shard.has_value() != First.Shard.has_value())
      return shardError(S.Path, std::string(S.Shard ? "is" : "is not") +
                                    " a --shard I/N result, shard '" +
                                    First.Path + "' " +
                                    (First.Shard ? "is" : "is not"));
  }
  if (First.Shard) {
    unsigned Count = First.Shard->second;
    std::map<unsigned, std::string> ByIndex;
    for (const ShardFile &S : Shards) {
      if (S.Shard->second != Count)
        return shardError(S.Path, "is shard " + llvm::Twine(S.Shard->first) +
                                      "/" + llvm::Twine(S.Shard->second) +
                                      ", shard '" + First.Path +
                                      "' is one of " + llvm::Twine(Count));
      auto [It, New] = ByIndex.emplace(S.Shard->first, S.Path);
      if (!New)
        return shardError(S.Path, "is shard " + llvm::Twine(S.Shard->first) +
                                      "/" + llvm::Twine(Count) +
                                      " again (also '" + It->second + "')");
    }
    std::string Missing;
    for (unsigned I = 1; I <= Count; ++I)
      if (!ByIndex.count(I))
        Missing += (Missing.empty() ? "" : ", ") + std::to_string(I) + "/" +
                   std::to_string(Count);
    if (!Missing.empty())
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "missing shard(s) " + Missing + " (got " +
                                         std::to_string(Shards.size()) +
                                         " shard file(s))");
  }

  std::string Prefix = rootPrefix(SourceRoot);
  auto MapFile = [&](const std::string &P) {
    if (P.empty() || llvm::sys::path::is_absolute(P))
      return P;
    return normalizePath(SourceRoot + "/" + P);
  };
  auto MapId = [&](const std::string &Id) {
    return replaceAll(Id, RootMarker, Prefix.empty() ? "/" : Prefix);
  };

  // Configuration files: one text per path across shards, parsed once.
  std::map<std::string, std::unique_ptr<Config>> Configs;
  std::map<std::string, std::pair<std::string, std::string>> ConfigText;
  static const Config Empty;
  DriverResult Result;
  std::vector<AnalyzedUnit> Units;
  std::set<std::string> UnitFiles;
  std::set<std::pair<std::string, std::string>> FailureSeen;
  UntrustedResultChecker Checker(SourceRoot, nullptr);
  // A unit is a file under one command: in two shards, it is an error.
  std::map<std::pair<std::string, std::string>, std::string> UnitShard;
  for (ShardFile &S : Shards) {
    const json::Object &O = *S.Doc.getAsObject();
    auto Malformed = [&](const llvm::Twine &What) {
      return shardError(S.Path, "malformed: " + What);
    };
    const json::Array *Cfgs = arrayOf(O, "configs");
    const json::Array *Sel = arrayOf(O, "units");
    const json::Array *Fails = arrayOf(O, "failures");
    const json::Array *Res = arrayOf(O, "results");
    if (!Cfgs || !Sel || !Fails || !Res)
      return Malformed("configs, units, failures or results missing");
    for (const json::Value &CV : *Cfgs) {
      const json::Object *C = CV.getAsObject();
      auto P = C ? C->getString("path") : std::nullopt;
      auto T = C ? C->getString("text") : std::nullopt;
      if (!P || !T)
        return Malformed("a configuration without path or text");
      std::string Path = MapFile(P->str());
      auto [It, New] = ConfigText.try_emplace(Path, T->str(), S.Path);
      if (!New) {
        if (It->second.first != *T)
          return shardError(S.Path, "its configuration file '" + P->str() +
                                        "' differs from the one in shard '" +
                                        It->second.second + "'");
        continue;
      }
      auto Cfg = parseConfig(*T, Path);
      if (!Cfg)
        return shardError(S.Path, "its configuration file '" + P->str() +
                                      "': " + llvm::toString(Cfg.takeError()));
      Configs[Path] = std::make_unique<Config>(std::move(*Cfg));
    }
    for (const json::Value &UV : *Sel) {
      auto F = UV.getAsString();
      if (!F)
        return Malformed("a unit that is not a path");
      UnitFiles.insert(MapFile(F->str()));
    }
    for (const json::Value &FV : *Fails) {
      const json::Object *F = FV.getAsObject();
      auto File = F ? F->getString("file") : std::nullopt;
      auto Msg = F ? F->getString("message") : std::nullopt;
      if (!File || !Msg)
        return Malformed("a failure without file or message");
      // An input that does not exist fails in every shard: once.
      std::string Path = MapFile(File->str());
      if (FailureSeen.insert({Path, Msg->str()}).second)
        Result.Failures.push_back({Path, Msg->str()});
    }
    for (const json::Value &RV : *Res) {
      const json::Object *R = RV.getAsObject();
      if (!R)
        return Malformed("a unit result that is not an object");
      AnalyzedUnit U;
      auto File = R->getString("file");
      auto Index = R->getInteger("index"), Count = R->getInteger("count");
      auto Command = R->getString("command");
      auto CfgPath = R->getString("config");
      auto Failed = R->getBoolean("failed");
      auto FailMessage = R->getString("failMessage");
      auto Diagnostics = R->getString("diagnostics");
      const json::Array *Findings = R->getArray("findings");
      const json::Array *Sites = R->getArray("callSites");
      if (!File || !Index || !Count || !Command || !CfgPath || !Failed ||
          !FailMessage || !Diagnostics || !Findings || !Sites || *Index < 1 ||
          *Count < *Index || *Count > UINT32_MAX)
        return Malformed("a unit result's fields");
      U.File = File->str();
      U.Index = static_cast<unsigned>(*Index);
      U.Count = static_cast<unsigned>(*Count);
      U.Original = Command->str();
      U.Failed = *Failed;
      U.FailMessage = FailMessage->str();
      U.Diagnostics = Diagnostics->str();
      if (CfgPath->empty()) {
        U.Cfg = &Empty;
      } else {
        auto It = Configs.find(MapFile(CfgPath->str()));
        if (It == Configs.end())
          return Malformed("unit '" + U.File + "' uses configuration '" +
                           *CfgPath + "', which the shard does not hold");
        U.Cfg = It->second.get();
      }
      for (const json::Value &FV : *Findings) {
        Finding F;
        if (!findingFromJson(FV, F))
          return Malformed("a finding of unit '" + U.File + "'");
        U.Findings.push_back(std::move(F));
      }
      if (!factsFromJson(R->get("facts"), U.Facts) ||
          !callSitesFromJson(*Sites, U.CallSites))
        return Malformed("the call-graph facts of unit '" + U.File + "'");
      const json::Value *M = R->get("matches");
      if (M && !M->getAsNull() && !matchesFromJson(M, *U.Cfg, U.ConfigMatches))
        return Malformed("the configuration matches of unit '" + U.File + "'");
      FileHashes Read;
      if (!filesReadFromJson(R->getObject("read"), MapFile, Read))
        return Malformed("the files unit '" + U.File + "' read");
      mapPaths(U, MapFile, MapId);
      U.File = MapFile(U.File);
      // A shard is input (SPEC §7): its locations decide which files the
      // reporters open, so each lies in a file its unit read, as it read
      // it, at a position inside it, and findings under the source root.
      if (llvm::Error E = Checker.check(U.Findings, U.Facts, U.CallSites, Read))
        return shardError(S.Path, "unit '" + displayPath(U.File) +
                                      "': " + llvm::toString(std::move(E)));
      auto [It, New] =
          UnitShard.emplace(std::make_pair(U.File, U.Original), S.Path);
      // Per-file shards (the Bazel aspect's): a source two targets compile
      // with the same flags is one unit, as one run counts equal commands
      // once. --shard shards never hold a unit twice.
      if (!New && !First.Shard)
        continue;
      if (!New)
        return shardError(S.Path, "unit '" + displayPath(U.File) +
                                      "' (command: " + U.Original +
                                      ") is also in shard '" + It->second +
                                      "'");
      UnitFiles.insert(U.File);
      Units.push_back(std::move(U));
    }
  }
  // The order of one unsharded run: by file, then by command.
  std::stable_sort(Units.begin(), Units.end(),
                   [](const AnalyzedUnit &A, const AnalyzedUnit &B) {
                     return std::tie(A.File, A.Index) <
                            std::tie(B.File, B.Index);
                   });
  Result.Units.assign(UnitFiles.begin(), UnitFiles.end());
  const Config *FirstConfig = Units.empty() ? nullptr : Units.front().Cfg;
  DriverOptions Opts;
  if (const json::Object *Settings =
          First.Doc.getAsObject()->getObject("settings"))
    Opts.StrictConfig = Settings->getBoolean("strictConfig").value_or(false);
  finishRun(std::move(Units), {}, Configs, FirstConfig, Opts, Result, Diag);
  return Result;
}

} // namespace factoryguard

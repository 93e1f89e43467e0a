//===- UnitJson.cpp - A unit's results as JSON (cache entries, shards) ---===//
//
// The encoding UnitJson.h describes. It lived inside Cache.cpp, so the shard
// reader and the fuzzers compiled the cache to get it; it is its own unit
// now, the one both persistence formats share.
//
//===----------------------------------------------------------------------===//
#include "UnitJson.h"

#include "RuleRegistry.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <cassert>

namespace factoryguard {

namespace json = llvm::json;

std::string hex64(uint64_t V) {
  return llvm::utohexstr(V, /*LowerCase=*/true, 16);
}

bool parseHex64(llvm::StringRef S, uint64_t &Out) {
  return S.size() == 16 && !S.getAsInteger(16, Out);
}

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
  return json::Object{
      {"rule", F.RuleId},           {"level", static_cast<int>(F.Level)},
      {"at", rangeToJson(F.Where)}, {"msg", F.Message},
      {"notes", std::move(Notes)},  {"fixes", std::move(Fixes)},
      {"key", F.StableKey},         {"anchor", F.ChainAnchor},
      {"program", F.ProgramKey},    {"label", F.ChainLabel}};
}

bool findingFromJson(const json::Value &V, Finding &F) {
  StrictReader R(&V);
  F.RuleId = R.str("rule");
  unsigned Level = R.num("level");
  if (Level > static_cast<unsigned>(Severity::Error))
    return false;
  F.Level = static_cast<Severity>(Level);
  R.range("at", F.Where);
  F.Message = R.str("msg");
  for (const json::Value &NV : R.array("notes")) {
    StrictReader N(&NV);
    Note Out;
    N.range("at", Out.Where);
    Out.Message = N.str("msg");
    if (!N.Ok)
      return false;
    F.Notes.push_back(std::move(Out));
  }
  for (const json::Value &XV : R.array("fixes")) {
    StrictReader X(&XV);
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
  F.ProgramKey = R.str("program");
  F.ChainLabel = R.str("label");
  return R.Ok;
}

json::Value factsToJson(const TUFacts &T) {
  FactsStrings S;
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
  // "strings" is filled last, once every row has added its strings.
  json::Object Out{{"strings", nullptr},
                   {"nodes", std::move(Nodes)},
                   {"edges", std::move(Edges)},
                   {"taken", std::move(Taken)}};
  // Each rule's own facts (Rules.def's Facts column), a unit that recorded
  // none written as empty: every entry has every rule's fields.
  emptyRuleFacts().forEach([&](llvm::StringRef Id, const RuleFacts &Empty) {
    const RuleFacts *Facts = T.Rules.find(Id);
    json::Object Own;
    (Facts ? *Facts : Empty).toJson(Own, S);
    for (auto &[Key, Value] : Own) {
      [[maybe_unused]] bool New = Out.try_emplace(Key, std::move(Value)).second;
      assert(New && "a rule's facts reuse a key of the unit's facts");
    }
  });
  Out["strings"] = S.take();
  return Out;
}

bool factsFromJson(const json::Value *V, TUFacts &T) {
  StrictReader R(V);
  FactsStringTable Table;
  for (const json::Value &SV : R.array("strings")) {
    auto Str = SV.getAsString();
    if (!Str)
      return false;
    Table.push_back(*Str);
  }
  for (const json::Value &NV : R.array("nodes")) {
    FactsRow N(NV, Table, 18);
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
    FactsRow E(EV, Table, 10);
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
  if (!R.Ok)
    return false;
  T.Rules = emptyRuleFacts();
  bool Ok = true;
  T.Rules.forEach([&](llvm::StringRef, RuleFacts &Facts) {
    Ok = Ok && Facts.fromJson(*V->getAsObject(), Table);
  });
  return Ok;
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
    StrictReader R(&V);
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
  // Appended last: the indices of the entries above stay what they were.
  for (const NameMatcher &M : Cfg.ContextSources.Entries)
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
  StrictReader R(V);
  for (const json::Value &EV : R.array("matched")) {
    StrictReader E(&EV);
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
    StrictReader B(&BV);
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
    StrictReader B(&BV);
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

} // namespace factoryguard

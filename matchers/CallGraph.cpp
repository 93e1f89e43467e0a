//===- CallGraph.cpp - Call chains from start-up roots to factory calls --===//
#include "CallGraph.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <deque>
#include <set>
#include <tuple>

namespace factoryguard {

namespace {
auto siteKey(const SourceRange &R) {
  return std::make_tuple(R.File, R.Line, R.Column);
}

std::string rootMessage(const GraphNode &N) {
  switch (N.Root) {
  case GraphNode::Main:
    return "'" + N.Name + "' runs at start-up, outside any request";
  case GraphNode::Constructor:
    return "'" + N.Name +
           "' is an __attribute__((constructor)) function; it runs before main";
  case GraphNode::Startup:
    return "'" + N.Name + "' is start-up code, outside any request";
  case GraphNode::StaticInit:
    if (N.StaticLocal)
      return "the function-local static '" + N.Name +
             "' is initialized once, by the first call, and kept for every "
             "later caller";
    return "the static initialization of '" + N.Name +
           "' runs before main, outside any request";
  case GraphNode::NotRoot:
    break;
  }
  return "'" + N.Name + "'";
}

} // namespace

void CallGraph::add(const TUFacts &Facts) { Added.push_back(&Facts); }

/// Merges what add() was given since the last build, in order.
void CallGraph::build() {
  for (; Merged < Added.size(); ++Merged)
    merge(*Added[Merged]);
}

void CallGraph::merge(const TUFacts &Facts) {
  Done = false;
  for (const GraphNode &N : Facts.Nodes) {
    auto It = Nodes.find(N.Id);
    if (It == Nodes.end()) {
      Nodes.emplace(N.Id, N);
      continue;
    }
    // The same inline function seen by several units: any definition with a
    // context in scope wins; a root is a root.
    GraphNode &M = It->second;
    M.HasContext = M.HasContext || N.HasContext;
    if (M.Root == GraphNode::NotRoot)
      M.Root = N.Root;
    if (!M.Where.valid())
      M.Where = N.Where;
    M.Factory = M.Factory || N.Factory;
    M.Virtual = M.Virtual || N.Virtual;
    M.ImplicitCalls = M.ImplicitCalls || N.ImplicitCalls;
    M.Lambda = M.Lambda || N.Lambda;
    if (M.Definer.empty())
      M.Definer = N.Definer;
    M.ContextAtDefinition = M.ContextAtDefinition || N.ContextAtDefinition;
  }
  for (const GraphEdge &E : Facts.Edges)
    Out[E.From].push_back(E);
  AddressTaken.insert(Facts.AddressTaken.begin(), Facts.AddressTaken.end());
}

bool CallGraph::definedInRequestScope(const GraphNode &N,
                                      unsigned Depth) const {
  if (N.Factory || Inferred.count(N.Id))
    return true;
  if (!N.Lambda || N.Definer.empty() || Depth > 32)
    return false;
  if (N.ContextAtDefinition)
    return true;
  auto It = Nodes.find(N.Definer);
  return It != Nodes.end() && definedInRequestScope(It->second, Depth + 1);
}

void CallGraph::infer() {
  build();
  if (Done)
    return;
  Done = true;
  In.clear();
  Inferred.clear();
  for (const auto &KV : Out)
    for (const GraphEdge &E : KV.second)
      In[E.To].push_back(&E);
  // Greatest fixed point: start from every function whose calls are all
  // known and seen, and remove those with a call from outside request scope
  // until none is left to remove. Helpers that call each other and are
  // called only from handlers stay in; unknown callers never infer.
  for (const auto &KV : Nodes) {
    const GraphNode &N = KV.second;
    if (N.Root != GraphNode::NotRoot || N.Virtual || N.ImplicitCalls ||
        N.Lambda || AddressTaken.count(N.Id) || !In.count(N.Id))
      continue;
    Inferred.insert(N.Id);
  }
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (auto It = Inferred.begin(); It != Inferred.end();) {
      bool Keep = true;
      for (const GraphEdge *E : In[*It]) {
        if (E->ContextAtSite)
          continue;
        auto From = Nodes.find(E->From);
        if (From == Nodes.end() || !definedInRequestScope(From->second, 0)) {
          Keep = false;
          break;
        }
      }
      if (Keep) {
        ++It;
      } else {
        It = Inferred.erase(It);
        Changed = true;
      }
    }
  }
}

bool CallGraph::inRequestScope(const std::string &Id) {
  infer();
  auto It = Nodes.find(Id);
  return It != Nodes.end() && definedInRequestScope(It->second, 0);
}

void CallGraph::attachChains(std::vector<Finding> &Findings) {
  ChainVisits.clear();
  bool Any = false;
  for (const Finding &F : Findings)
    Any = Any || !F.ChainAnchor.empty();
  if (!Any)
    return;
  build();

  // Deterministic multi-source BFS: roots in source order, edges in source
  // order; the first visit is a shortest path.
  std::vector<const GraphNode *> Roots;
  for (const auto &KV : Nodes)
    if (KV.second.Root != GraphNode::NotRoot)
      Roots.push_back(&KV.second);
  std::sort(Roots.begin(), Roots.end(), [](const GraphNode *A, const GraphNode *B) {
    return std::tie(A->Where.File, A->Where.Line, A->Where.Column, A->Id) <
           std::tie(B->Where.File, B->Where.Line, B->Where.Column, B->Id);
  });

  std::map<std::string, Visit> &Seen = ChainVisits;
  std::deque<std::string> Queue;
  for (const GraphNode *R : Roots) {
    Seen[R->Id] = Visit{};
    Queue.push_back(R->Id);
  }
  while (!Queue.empty()) {
    std::string U = Queue.front();
    Queue.pop_front();
    auto OutIt = Out.find(U);
    if (OutIt == Out.end())
      continue;
    std::vector<const GraphEdge *> Edges;
    std::set<std::tuple<std::string, std::string, unsigned, unsigned>> Dedup;
    for (const GraphEdge &E : OutIt->second)
      if (Dedup.insert({E.To, E.Site.File, E.Site.Line, E.Site.Column}).second)
        Edges.push_back(&E);
    std::sort(Edges.begin(), Edges.end(), [](const GraphEdge *A, const GraphEdge *B) {
      return std::tuple_cat(siteKey(A->Site), std::tie(A->To)) <
             std::tuple_cat(siteKey(B->Site), std::tie(B->To));
    });
    // A function in request scope ends every chain through it.
    if (Nodes.at(U).Root == GraphNode::NotRoot && inRequestScope(U))
      continue;
    for (const GraphEdge *E : Edges) {
      auto NIt = Nodes.find(E->To);
      // Only calls made without a context in scope, to functions defined
      // somewhere, continue a chain.
      if (E->ContextAtSite || NIt == Nodes.end() || Seen.count(E->To))
        continue;
      Seen[E->To] = Visit{U, E};
      Queue.push_back(E->To);
    }
  }

  for (Finding &F : Findings) {
    if (F.ChainAnchor.empty())
      continue;
    auto SIt = Seen.find(F.ChainAnchor);
    if (SIt == Seen.end())
      continue;
    std::vector<ChainStep> Reversed;
    Reversed.push_back(
        {F.Where, F.ChainLabel.empty() ? F.Message : F.ChainLabel});
    std::string Cur = F.ChainAnchor;
    for (unsigned Guard = 0; Guard < 100000; ++Guard) {
      const Visit &V = Seen.at(Cur);
      if (!V.Via) {
        const GraphNode &Root = Nodes.at(Cur);
        Reversed.push_back({Root.Where, rootMessage(Root)});
        break;
      }
      const GraphNode &Caller = Nodes.at(V.Prev);
      const GraphNode &Callee = Nodes.at(Cur);
      bool Field = llvm::StringRef(Callee.Id).starts_with("field:");
      Reversed.push_back(
          {V.Via->Site,
           Field ? "'" + Caller.Name +
                       "' runs the default member initializer of '" +
                       Callee.Name + "'"
                 : "'" + Caller.Name + "' calls '" + Callee.Name +
                       "', which has no request context in scope"});
      Cur = V.Prev;
    }
    F.Chain.assign(Reversed.rbegin(), Reversed.rend());
  }
}

const GraphNode *CallGraph::chainRoot(const std::string &Anchor) const {
  std::string Cur = Anchor;
  for (unsigned Guard = 0; Guard < 100000; ++Guard) {
    auto It = ChainVisits.find(Cur);
    if (It == ChainVisits.end())
      return nullptr;
    if (!It->second.Via)
      return &Nodes.at(Cur);
    Cur = It->second.Prev;
  }
  return nullptr;
}

} // namespace factoryguard

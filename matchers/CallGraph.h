//===- CallGraph.h - Call chains from start-up roots to factory calls ----===//
//
// Each translation unit contributes facts (functions without a context in
// scope, their direct and constructor call edges, the roots); after all
// units are in, every request-scope finding gets the shortest chain from a
// root through context-less functions to its call. The CLI feeds it every
// unit of the database, the clang-tidy plugin the one unit it sees.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_CALLGRAPH_H
#define FACTORYGUARD_CALLGRAPH_H

#include "Finding.h"

#include <map>
#include <string>
#include <vector>

namespace factoryguard {

struct GraphNode {
  enum RootKind { NotRoot, Main, Constructor, Startup, StaticInit };
  std::string Id;   // USR of the function, "init:" + USR of a variable
  std::string Name; // "app::helper", or the variable for StaticInit
  SourceRange Where;
  bool HasContext = false;
  RootKind Root = NotRoot;
  bool StaticLocal = false; // StaticInit of a function-local static
};

struct GraphEdge {
  std::string From, To;
  SourceRange Site; // the call expression
};

/// What one translation unit knows.
struct TUFacts {
  std::vector<GraphNode> Nodes;
  std::vector<GraphEdge> Edges;
};

class CallGraph {
public:
  void add(const TUFacts &Facts);
  /// Fills Chain of every finding with a ChainAnchor that a root reaches.
  void attachChains(std::vector<Finding> &Findings) const;

private:
  std::map<std::string, GraphNode> Nodes;
  std::map<std::string, std::vector<GraphEdge>> Out; // by From
};

} // namespace factoryguard

#endif

//===- CallGraph.h - Call chains from start-up roots to factory calls ----===//
//
// Each translation unit contributes facts (its functions, their direct and
// constructor call edges with whether a context is in scope at the call,
// the roots, which functions have their address taken, which lambda each
// function defines); after all units are in, the graph infers which
// functions run only inside a request (SPEC §1 "in request scope"; the
// rules' resolve steps ask it) and gives every anchored finding the
// shortest chain from a root through context-less calls to its call. These
// are the engine's shared facts, below the rules: what only one rule needs
// of the whole program is that rule's (its RuleFacts, TUFacts::Rules, and
// its step, Rules.def's Facts and Resolve columns). The CLI
// feeds it every unit of the database, the clang-tidy plugin the one unit it
// sees.
//
// Node identity: a function's USR, so that an inline or external function
// seen by several units is one node. `main` and functions with internal
// linkage get their file appended: each program's `main` is its own root,
// and two `static` helpers of the same name stay apart. A function with
// external linkage defined in a library that several programs link is one
// node shared by them: a chain may pass through it from any of the mains
// that call it, which is what running those programs does. Two programs
// that each define an external function of the same name (an ODR clash
// only across programs) are merged as well; they are not told apart.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_CALLGRAPH_H
#define FACTORYGUARD_CALLGRAPH_H

#include "Finding.h"
#include "RuleFacts.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace factoryguard {

struct GraphNode {
  enum RootKind { NotRoot, Main, Constructor, Startup, StaticInit };
  /// USR of the function (see above), "init:" + place of a static variable,
  /// "field:" + USR of a member whose default initializer calls something.
  std::string Id;
  std::string Name; // "app::helper", or the variable for StaticInit
  SourceRange Where;
  bool HasContext = false; // somewhere in its body
  RootKind Root = NotRoot;
  bool StaticLocal = false; // StaticInit of a function-local static
  bool Factory = false;     // its body is checked where it is called
  bool Virtual = false;     // called through the vtable: callers unknown
  /// Destructors, operators, conversions, and default, copy and move
  /// constructors: library code (a container, an algorithm) calls them
  /// where no unit shows the call, so their callers are never all known.
  /// Other constructors are called where the code constructs their class,
  /// or through std::make_unique, std::make_shared and emplace, which the
  /// collector draws as calls of them (SPEC §1: a construction is a call).
  bool ImplicitCalls = false;
  bool Lambda = false;
  std::string Definer;              // a lambda: the node that defines it
  bool ContextAtDefinition = false; // a context in scope where it is defined
};

struct GraphEdge {
  std::string From, To;
  SourceRange Site;           // the call expression
  bool ContextAtSite = false; // the caller has a context in scope there
};

/// What one translation unit knows.
struct TUFacts {
  std::vector<GraphNode> Nodes;
  std::vector<GraphEdge> Edges;
  /// Functions whose address is taken other than to call them (a function
  /// pointer, a std::function, a member pointer): their callers are unknown.
  std::vector<std::string> AddressTaken;
  /// What rules that decide over the whole program record of the unit
  /// beyond these shared facts: their own, by rule id (Rules.def's Facts
  /// column).
  RuleFactsSet Rules;
};

class CallGraph {
public:
  /// Adds a unit's facts. They are read when the graph is first asked
  /// (build): a run with no finding to decide or chain never pays for the
  /// graph (an edit in the language server, mostly). Facts must stay alive
  /// and unchanged as long as the graph is asked.
  void add(const TUFacts &Facts);
  /// SPEC §1 "in request scope" for a node, beyond a context at the call
  /// (which the rule decides in its unit): a factory, a lambda defined in
  /// request scope, or a function every call of which is known and made in
  /// request scope (the largest such set).
  bool inRequestScope(const std::string &Id);
  /// Fills Chain of every finding with a ChainAnchor that a root reaches.
  void attachChains(std::vector<Finding> &Findings);
  /// After attachChains: the root that starts the chain to Anchor (nullptr
  /// when no root reaches it), for a rule's resolve step that words its
  /// finding by where the program starts it.
  const GraphNode *chainRoot(const std::string &Anchor) const;

private:
  void build();
  void merge(const TUFacts &Facts);
  void infer();
  bool definedInRequestScope(const GraphNode &N, unsigned Depth) const;

  std::vector<const TUFacts *> Added; // add()'s, in order
  size_t Merged = 0;                  // how many of Added are in Nodes
  std::map<std::string, GraphNode> Nodes;
  std::map<std::string, std::vector<GraphEdge>> Out; // by From
  std::map<std::string, std::vector<const GraphEdge *>> In; // by To
  std::set<std::string> AddressTaken;
  /// attachChains' search: how each reached node was first reached (no Via:
  /// a root).
  struct Visit {
    std::string Prev;
    const GraphEdge *Via = nullptr;
  };
  std::map<std::string, Visit> ChainVisits;
  std::set<std::string> Inferred;
  bool Done = false; // Inferred is computed
};

} // namespace factoryguard

#endif

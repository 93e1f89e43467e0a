//===- UnitJson.h - A unit's results as JSON (cache entries, shards) -----===//
//
// The one encoding of a unit's findings, call-graph facts, call sites and
// configuration matches, shared by the cache (Cache.cpp) and shard results
// (Shard.cpp). Every reader is strict: a missing field or one of the wrong
// type makes it return false, never a half-read result. Paths are written
// as they are in memory.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_UNITJSON_H
#define FACTORYGUARD_UNITJSON_H

#include "CallGraph.h"
#include "Config.h"
#include "Finding.h"
#include "llvm/Support/JSON.h"

#include <vector>

namespace factoryguard {

llvm::json::Value findingToJson(const Finding &F);
bool findingFromJson(const llvm::json::Value &V, Finding &F);
llvm::json::Value factsToJson(const TUFacts &T);
bool factsFromJson(const llvm::json::Value *V, TUFacts &T);
llvm::json::Value callSitesToJson(const std::vector<CallSite> &Sites);
bool callSitesFromJson(const llvm::json::Array &A, std::vector<CallSite> &Out);
/// Entries of M are stored as their index among Cfg's entries.
llvm::json::Value matchesToJson(const ConfigMatchRecord &M, const Config &Cfg);
bool matchesFromJson(const llvm::json::Value *V, const Config &Cfg,
                     ConfigMatchRecord &M);

} // namespace factoryguard

#endif

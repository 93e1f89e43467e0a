//===- UnitJson.h - A unit's results as JSON (cache entries, shards) -----===//
//
// The one encoding of a unit's findings, call-graph facts, call sites and
// configuration matches, shared by the cache (Cache.cpp) and shard results
// (Shard.cpp); UnitJson.cpp. Every reader is strict: a missing field or one of
// the wrong type makes it return false, never a half-read result. Paths are
// written as they are in memory.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_UNITJSON_H
#define FACTORYGUARD_UNITJSON_H

#include "CallGraph.h"
#include "Config.h"
#include "ConfigCheck.h"
#include "Finding.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace factoryguard {

/// A 64-bit hash as written: 16 lowercase hex digits; and read back.
std::string hex64(uint64_t V);
bool parseHex64(llvm::StringRef S, uint64_t &Out);

/// A source range as a 7-element array.
llvm::json::Value rangeToJson(const SourceRange &R);
bool rangeFromJson(const llvm::json::Value *V, SourceRange &R);

/// Reads fields of one object, remembering whether any was missing or of
/// the wrong type: a corrupt entry is a miss, never a half-read result.
class StrictReader {
public:
  explicit StrictReader(const llvm::json::Value *V)
      : O(V ? V->getAsObject() : nullptr) {
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
    const llvm::json::Value *V = O ? O->get(K) : nullptr;
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
  const llvm::json::Array &array(llvm::StringRef K) {
    static const llvm::json::Array None;
    if (const llvm::json::Array *A = O ? O->getArray(K) : nullptr)
      return *A;
    Ok = false;
    return None;
  }
  const llvm::json::Value *value(llvm::StringRef K) {
    return O ? O->get(K) : nullptr;
  }
  bool Ok;

private:
  const llvm::json::Object *O;
};

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

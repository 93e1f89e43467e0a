//===- RuleFacts.h - A rule's own facts of each unit, over the program ----===//
//
// What a rule that decides over the whole program records of each unit
// beyond the engine's shared call-graph facts (CallGraph.h) is its own: a
// RuleFacts type declared in the rule's unit and named in Rules.def's Facts
// column. A unit's results carry them by rule id (TUFacts::Rules); the
// cache and shards store them inside the unit's "facts" object (UnitJson),
// shards map their paths, the untrusted-result check opens their places,
// and the whole-run stage merges every unit's into the program's
// (DriverResult::RuleFacts) -- each through the interface below, none of
// them naming a rule. A stored entry is hostile input (SPEC §7): fromJson
// is as strict as the engine's readers, and the strings go through the
// facts object's one string table (FactsStrings, FactsRow).
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_RULEFACTS_H
#define FACTORYGUARD_RULEFACTS_H

#include "Finding.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace factoryguard {

/// Writes the strings of a unit's facts: call-graph facts repeat long
/// strings (USRs of template instantiations, file paths) in every row, so
/// each is stored once in a table and referred to by index (on {fmt}'s
/// tests: cache entries 4x smaller, a warm run 3x faster).
class FactsStrings {
public:
  /// The index of S in the table, adding it on first use.
  int64_t operator()(const std::string &S);
  llvm::json::Array take() { return std::move(Strings); }

private:
  llvm::StringMap<size_t> Index;
  llvm::json::Array Strings;
};

/// The table as read back: index -> string.
using FactsStringTable = std::vector<llvm::StringRef>;

/// Reads the positional fields of one row (an array of Size values),
/// strings through the table; Ok turns false on a missing field, one of
/// the wrong type or out of range, and stays false.
class FactsRow {
public:
  FactsRow(const llvm::json::Value &V, const FactsStringTable &Table,
           size_t Size);
  std::string str();
  unsigned num();
  bool flag();
  /// File (a string), then line, column, end line, end column, offset and
  /// length.
  void range(SourceRange &R);
  bool Ok;

private:
  const llvm::json::Value &next();
  const llvm::json::Array *A;
  const FactsStringTable &Table;
  size_t Pos = 0;
};

/// A rule's own facts of one unit, or of the program once merged.
class RuleFacts {
public:
  /// Rewrites a text: a file path, or a text that may spell one.
  using TextMap = llvm::function_ref<std::string(const std::string &)>;
  /// Visits one place the facts hold, with what it is ("a factory
  /// object's use").
  using PlaceVisit =
      llvm::function_ref<void(const SourceRange &, llvm::StringRef)>;

  virtual ~RuleFacts();
  virtual std::unique_ptr<RuleFacts> clone() const = 0;
  /// Adds its fields to the unit's facts object, under keys no other facts
  /// use, its strings through Strings.
  virtual void toJson(llvm::json::Object &Out, FactsStrings &Strings) const = 0;
  /// Reads them back from the unit's facts object: false when a field is
  /// missing or malformed (the entry is then refused whole).
  virtual bool fromJson(const llvm::json::Object &In,
                        const FactsStringTable &Table) = 0;
  /// Every file path through MapFile, every text that may spell a path
  /// (ids, names of lambdas) through MapText: shards store paths relative
  /// to the source root.
  virtual void mapPaths(TextMap MapFile, TextMap MapText) = 0;
  /// Every place it holds: the untrusted-result check reads each back.
  virtual void forEachPlace(PlaceVisit Visit) const = 0;
  /// Adds one unit's facts (of the same rule) to these, the program's, in
  /// the CLI's unit order. Analyzed: the unit is one this run reports on,
  /// not one whose cached facts only complete the program.
  virtual void merge(const RuleFacts &Unit, bool Analyzed) = 0;
  /// After the last merge: whatever the program's facts derive.
  virtual void finishMerge() {}
};

/// Every rule's facts of one unit (or of the program), by rule id; copies
/// are deep.
class RuleFactsSet {
public:
  RuleFactsSet() = default;
  RuleFactsSet(const RuleFactsSet &Other) { *this = Other; }
  RuleFactsSet &operator=(const RuleFactsSet &Other);
  RuleFactsSet(RuleFactsSet &&) = default;
  RuleFactsSet &operator=(RuleFactsSet &&) = default;
  ~RuleFactsSet() = default;

  /// The facts of rule Id, made empty on first use: what the rule's unit
  /// records into.
  template <class T> T &get(llvm::StringRef Id) {
    std::unique_ptr<RuleFacts> &Slot = ById[Id.str()];
    if (!Slot)
      Slot = std::make_unique<T>();
    return static_cast<T &>(*Slot);
  }
  /// The facts of rule Id, nullptr when there are none.
  const RuleFacts *find(llvm::StringRef Id) const;
  template <class T> const T *find(llvm::StringRef Id) const {
    return static_cast<const T *>(find(Id));
  }
  void set(llvm::StringRef Id, std::unique_ptr<RuleFacts> Facts) {
    ById[Id.str()] = std::move(Facts);
  }
  /// Each rule's facts, in rule id order.
  void forEach(llvm::function_ref<void(llvm::StringRef, RuleFacts &)> Visit);
  void forEach(
      llvm::function_ref<void(llvm::StringRef, const RuleFacts &)> Visit) const;
  /// Merges Unit's facts into those of the same rule here; a rule with no
  /// facts here is left out (the program's set starts with every rule's,
  /// emptyRuleFacts in RuleRegistry.h).
  void merge(const RuleFactsSet &Unit, bool Analyzed);
  void finishMerge();
  /// Adds the facts of another part of the same unit (the language
  /// server's preamble part, EditScope.h): every rule's, added or merged.
  void unite(const RuleFactsSet &Part);

private:
  std::map<std::string, std::unique_ptr<RuleFacts>> ById;
};

} // namespace factoryguard

#endif

//===- ConfigCheck.h - Which configuration entries matched what ----------===//
//
// SPEC §3 configuration validation. While a unit is analyzed, the Model
// reports every configured-name lookup it already makes (a qualified name it
// computed, and the entries that matched it) to a ConfigMatchRecord; at the
// end of the unit, plain entries not matched that way are looked up by name
// in the unit's declaration contexts (a few hash lookups each, no
// traversal). The records of all units are merged by the driver, and
// validateConfig turns entries that matched nothing into warnings at their
// file:line:col, with "did you mean" from the names that were seen.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_CONFIGCHECK_H
#define FACTORYGUARD_CONFIGCHECK_H

#include "Config.h"
#include "llvm/ADT/StringSet.h"

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace clang {
class ASTContext;
class NamedDecl;
class FunctionDecl;
} // namespace clang

namespace factoryguard {

/// What a configured name is looked up as.
enum class NameKind { Type, Function };

/// A declaration an entry matched: its qualified name and where it is.
struct MatchedDecl {
  std::string Name, File;
  unsigned Line = 0;
  bool operator<(const MatchedDecl &O) const {
    return std::tie(Name, File, Line) < std::tie(O.Name, O.File, O.Line);
  }
};

/// A factory entry's context-param that does not exist on a function it
/// matched.
struct BadContextParam {
  const FactoryEntry *Entry = nullptr;
  MatchedDecl Function;
  unsigned NumParams = 0;
};

/// A [[clang::annotate("factoryguard::<kind>")]] seen in a unit.
/// A `required-args` index out of range for every setup method of a class.
struct BadRequiredArg {
  const FactorySetupEntry *Entry = nullptr;
  unsigned Index = 0;
  MatchedDecl Class;
  unsigned MaxParams = 0; // the most parameters a setup method has
};

struct SeenAnnotation {
  std::string Kind; // "context", "manager", ...
  MatchedDecl Decl;
  bool operator<(const SeenAnnotation &O) const {
    return std::tie(Decl.File, Decl.Line, Kind, Decl.Name) <
           std::tie(O.Decl.File, O.Decl.Line, O.Kind, O.Decl.Name);
  }
};

/// The configuration matches of one unit, or of several merged. Entries are
/// identified by address: the driver keeps every Config alive for the run.
struct ConfigMatchRecord {
  /// Declarations kept per entry (for --explain-config); more still count.
  static constexpr size_t MaxDeclsPerEntry = 32;
  struct EntryMatches {
    std::set<MatchedDecl> Decls;
    bool More = false; // matched more than MaxDeclsPerEntry
  };
  std::map<const NameMatcher *, EntryMatches> Matched;
  /// Qualified names looked up (candidates for "did you mean").
  llvm::StringSet<> SeenTypes, SeenFunctions;
  std::vector<BadContextParam> BadParams;
  std::vector<BadRequiredArg> BadRequired;
  /// Filled only when annotations are asked for (--explain-config).
  std::set<SeenAnnotation> Annotations;
  bool CollectAnnotations = false;

  bool matched(const NameMatcher &Entry) const {
    return Matched.count(&Entry) != 0;
  }
  void addMatch(const NameMatcher &Entry, MatchedDecl D);
  void merge(ConfigMatchRecord &&Other);
};

/// Where D is (its definition when there is one): file and line.
MatchedDecl describeDecl(const clang::NamedDecl *D, const std::string &Name);

/// L.matches(Name), reporting to R (when not null) the name as seen and every
/// entry of L that matches it as a match of D.
bool matchAndRecord(ConfigMatchRecord *R, const NameList &L,
                    const clang::NamedDecl *D, const std::string &Name,
                    NameKind Kind);
/// E.Name.matches(Name), reporting as matchAndRecord does; also records a
/// context-param out of FD's range.
bool matchFactoryAndRecord(ConfigMatchRecord *R, const FactoryEntry &E,
                           const clang::FunctionDecl *FD,
                           const std::string &Name);

/// End of a unit: plain entries of Cfg that matched nothing yet are looked up
/// by their qualified name; when the lookup stops short, the names declared
/// where it stopped become "did you mean" candidates. With
/// R.CollectAnnotations, also walks the unit's own (non-system) declarations
/// for factoryguard annotations.
void finishConfigRecord(clang::ASTContext &Ctx, const Config &Cfg,
                        ConfigMatchRecord &R);

/// One finding about the configuration itself.
struct ConfigDiagnostic {
  bool IsError = false;
  std::string Text; // "<file>:<line>:<col>: warning: ..." (no newline)
};

/// Entries of Cfg (contexts, managers, factories, startup, request-entries,
/// holders, factory-setup classes and setup methods) that R records no match
/// for are warnings (errors when Strict); an out-of-range context-param or
/// required-args index is an error. Appends to Out in file order.
void validateConfig(const Config &Cfg, const ConfigMatchRecord &R, bool Strict,
                    std::vector<ConfigDiagnostic> &Out);

/// Text as messages quote it: a long entry (a huge regex) is clipped.
std::string clipEntry(llvm::StringRef Text);

/// The closest candidate to Name (llvm edit distance, at most a fifth of
/// the name's length and at least 2); empty when none is close.
std::string closestName(llvm::StringRef Name, const llvm::StringSet<> &Candidates);

} // namespace factoryguard

#endif

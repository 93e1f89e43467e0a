//===- Finding.h - What a rule reports, independent of any output --------===//
//
// Rules produce Finding values. The text and SARIF reporters and the
// clang-tidy adapter only render them. A Finding outlives the AST it came
// from (the CLI renders after every translation unit is done), so it holds
// plain file/line/column data, never clang SourceLocations.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_FINDING_H
#define FACTORYGUARD_FINDING_H

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

namespace factoryguard {

enum class Severity { Off, Note, Warning, Error };

const char *severityName(Severity S); // "note", "warning", "error", "off"
bool parseSeverity(const std::string &Text, Severity &Out);

/// A point or range in a file. Lines and columns are 1-based; columns are
/// byte columns as clang reports them. EndColumn is exclusive (one past the
/// last byte of the range), as in SARIF.
struct SourceRange {
  std::string File; // absolute, normalized path
  unsigned Line = 0, Column = 0;
  unsigned EndLine = 0, EndColumn = 0;
  unsigned Offset = 0, Length = 0; // byte offset of the start, byte length
  bool valid() const { return !File.empty() && Line != 0; }
};

struct Note {
  SourceRange Where;
  std::string Message;
};

/// One replacement, in clang-apply-replacements terms. The range's
/// Offset/Length say what is replaced; Line/Column are for SARIF.
struct FixIt {
  SourceRange Where;
  std::string Replacement;
  /// xxh3_64bits of the whole file as the analysis read it: --fix refuses a
  /// file whose content differs by then (stale offsets). Unset for fix-its
  /// made without an analysis (tests).
  std::optional<uint64_t> ContentHash;
};

/// One step of a call chain from a start-up root to the offending call.
struct ChainStep {
  SourceRange Where;
  std::string Message;
};

struct Finding {
  std::string RuleId; // "factoryguard-null-context"
  Severity Level = Severity::Warning;
  SourceRange Where;
  std::string Message;
  std::vector<Note> Notes;
  std::vector<FixIt> Fixes;
  std::vector<ChainStep> Chain; // root first; empty when none
  /// The text of the chain's last step, at the finding itself: what
  /// happens, without the advice (empty: the whole Message).
  std::string ChainLabel;
  /// Stable identity, independent of line numbers: rule id, file, the
  /// qualified name of the declaration the finding is in or about, and the
  /// finding's key text. Reporters hash it into a fingerprint.
  std::string StableKey;
  /// The call-graph node (function, static initializer or member
  /// initializer) the finding is in: the engine's CallGraph fills Chain
  /// from it. A generic anchor, not one rule's field: request-scope and
  /// fabricated-context both set it, and any rule may.
  std::string ChainAnchor;
  /// For a rule that resolves over the whole program (Rules.def's Resolve
  /// column): what its resolve step decides this finding by, in the rule's
  /// own terms (request-scope: the node that may be inferred in request
  /// scope; unconfigured-factory: the factory object that may be set up
  /// elsewhere). Empty: the unit decided it alone. Only the rule that set
  /// it reads it (and the audit, which lists that rule's objects).
  std::string ProgramKey;
  bool Suppressed = false; // by NOLINT & co.
  std::string SuppressionText; // the comment that suppressed it
};

/// A factory call site that the rules classified (every call that
/// matchedFactoryCall hands to them), compliant or not. The audit (SPEC §8)
/// lists them all; a call site is compliant when no finding lies inside
/// Where, so compliance is decided by the same rule code as the findings.
struct CallSite {
  SourceRange Where;    // the call expression, as request-scope reports it
  std::string Factory;  // qualified name of the callee
  std::string Enclosing; // function or static variable it is in ("" = none)
};

/// The one layout of a StableKey: the rule id and the parts, each after a
/// '|' ("factoryguard-null-context|handle|make|defaulted"). Baselines and
/// fingerprints hash it, so a change here changes every fingerprint of
/// every rule: each rule builds its key with this function.
std::string makeStableKey(const std::string &RuleId,
                          std::initializer_list<std::string> Parts);

/// Orders findings by file, line, column, rule, message: the output order.
bool operator<(const Finding &A, const Finding &B);

} // namespace factoryguard

#endif

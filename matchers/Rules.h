//===- Rules.h - The rule catalogue: ids, descriptions, help -------------===//
//
// One entry per row of Rules.def. --list-rules, --explain and SARIF
// tool.driver.rules are rendered from it; the help of each rule is its
// docs/rules/<id>.md page, embedded at build time.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_RULES_H
#define FACTORYGUARD_RULES_H

#include "Finding.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace factoryguard {

// RequestScopeId = "factoryguard-request-scope", ...: one per row.
#define FACTORYGUARD_RULE(Unit, RuleId, ...)                                  \
  inline constexpr const char *Unit##Id = RuleId;
#include "Rules.def"

struct RuleInfo {
  const char *Id;               // "factoryguard-null-context"
  const char *Name;             // "NullContext" (SARIF rule name)
  const char *ShortDescription; // one sentence
  const char *FullDescription;  // a paragraph, < 1024 characters
  const char *HelpMarkdown;     // docs/rules/<id>.md: bad and good example
  Severity DefaultLevel;
  const char *Precision;       // SARIF properties.precision
  const char *ProblemSeverity; // SARIF properties.problem.severity
  std::vector<std::string> Tags;
};

/// Every rule, in a fixed order (the SARIF ruleIndex order).
llvm::ArrayRef<RuleInfo> allRules();
/// nullptr when Id is not a rule.
const RuleInfo *findRule(llvm::StringRef Id);
/// Index of the rule in allRules(); -1 when unknown.
int ruleIndex(llvm::StringRef Id);
/// help.text: the markdown page with the markup stripped to plain text.
std::string helpText(const RuleInfo &Rule);

/// clang-tidy style globs: "-*,factoryguard-null-context" (comma separated,
/// later entries win, '-' negates, '*' wildcard). Empty = every rule.
bool ruleEnabledByGlobs(llvm::StringRef Globs, llvm::StringRef RuleId);
/// Shell-style match of one glob with '*' against Text.
bool globMatches(llvm::StringRef Glob, llvm::StringRef Text);

} // namespace factoryguard

#endif

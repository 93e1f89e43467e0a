//===- Audit.h - "Is the migration done?": the audit report (SPEC §8) -----===//
//
// `factoryguard audit` lists every factory call site and every static
// variable that holds a manager, compliant or not, counted per directory and
// per top-level module, as one self-contained HTML file and as JSON under
// the versioned schema docs/audit-schema.json.
//
// Nothing here decides compliance. The analysis records every call site its
// rules classified (DriverResult::CallSites, from matchedFactoryCall) beside
// the findings; a call site is compliant when no finding (after whole-program
// inference and NOLINT) lies inside its range, and the statics are the
// static-singleton findings. The audit only joins, counts and renders.
//
// The JSON document is the audit's one data model: the HTML is rendered from
// it, and --compare reads an earlier one. Findings are matched across audits
// by their factoryguard/v1 fingerprint (line-independent, relative to the
// source root, as --baseline does).
//
// Factory objects (factoryguard-unconfigured-factory, SPEC §2): the
// rule records each static factory object's definition and every setup
// and factory-method call on it in its own facts (UnconfiguredFactoryFacts,
// kept in the cache entry), merged over the program into
// DriverResult::RuleFacts; the audit lists them all in "factoryObjects" with a
// status (set up, never set up, unused) and links the rule's never-set-up
// finding (schema version 2).
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_AUDIT_H
#define FACTORYGUARD_AUDIT_H

#include "Driver.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <nlohmann/json.hpp>

#include <string>

namespace factoryguard {

/// The "version" of the JSON documents this build writes and reads.
inline constexpr int AuditSchemaVersion = 2;
/// Their "format".
inline constexpr const char *AuditFormat = "factoryguard-audit";

struct AuditOptions {
  std::string SourceRoot; // absolute; paths in the audit are relative to it
  std::string ToolVersion;
};

/// The audit document (docs/audit-schema.json) of one analysis: summary,
/// modules, directories, callSites, statics, findings (with chain and source
/// excerpt), failedUnits. Deterministic: no time stamp, sorted arrays.
nlohmann::json buildAudit(const DriverResult &Result, const AuditOptions &Opts);

/// Reads an earlier audit for --compare. An error naming Path when it cannot
/// be read, is not JSON (with line and column), or is not an audit document
/// of a version this build reads.
llvm::Expected<nlohmann::json> readPreviousAudit(llvm::StringRef Path);
/// The same for a text already read; Path only names it in errors. What the
/// audit_compare fuzzer runs.
llvm::Expected<nlohmann::json>
readPreviousAuditFromBuffer(llvm::StringRef Text, llvm::StringRef Path);

/// Adds "comparison" to Audit: the previous summary, the findings open then
/// and not now ("fixed": fixed or suppressed since), and the fingerprints of
/// those open now and not then ("new").
void compareWithPrevious(nlohmann::json &Audit, const nlohmann::json &Previous);

/// The HTML report: one file, inline CSS, JavaScript and SVG, no reference
/// to anything outside it; summary and tables readable without JavaScript.
std::string renderAuditHtml(const nlohmann::json &Audit);

/// "2 of 5 call sites compliant, 2 statics hold a manager, 6 open findings"
/// (plus "; since <file>: 1 fixed, 0 new" with a comparison).
std::string auditSummaryLine(const nlohmann::json &Audit);

} // namespace factoryguard

#endif

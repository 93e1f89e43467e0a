//===- SarifReporter.h - SARIF 2.1.0 output for GitHub code scanning ------===//
//
// Renders findings as one SARIF 2.1.0 run (SPEC §5) that passes the official
// schema and the SARIF multitool's "Sarif;Ghas" rules: the rule catalogue in
// tool.driver.rules, one result per finding with UTF-16 columns, notes as
// relatedLocations cited in the message, call chains as codeFlows, fix-its
// as fixes, both partial fingerprints, in-source suppressions, and failed
// translation units as toolExecutionNotifications. The same input gives
// byte-identical output.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_SARIFREPORTER_H
#define FACTORYGUARD_SARIFREPORTER_H

#include "Finding.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <set>
#include <string>
#include <vector>

namespace factoryguard {

/// A translation unit that could not be analyzed.
struct FailedUnit {
  std::string File; // absolute path of the main file
  std::string Message;
};

struct SarifOptions {
  std::string SourceRoot;                 // absolute dir; URIs relative to it
  std::string Category = "factoryguard/"; // automationDetails.id
  std::string ToolVersion;                // tool.driver.semanticVersion
  std::vector<FailedUnit> Failures;       // -> toolExecutionNotifications
  std::vector<std::string> CommandLine;   // optional; argv of the run
  std::string InformationUri = "https://github.com/factoryguard/factoryguard";
};

/// The whole SARIF log, pretty-printed, ending in a newline. Findings are
/// emitted in the output order (operator< on Finding). Source files are read
/// to convert byte columns to UTF-16 columns and to hash lines; a file that
/// cannot be read keeps byte columns and gets no primaryLocationLineHash.
std::string renderSarif(const std::vector<Finding> &Findings,
                        const SarifOptions &Opts);

/// Baseline: the "factoryguard/v1" fingerprints of the results of an earlier
/// report (suppressed ones included). An error when the file cannot be read
/// or is not a SARIF log.
llvm::Expected<std::set<std::string>>
readBaselineFingerprints(llvm::StringRef SarifPath);
/// The same for a baseline already in memory; SarifPath only names it in
/// messages (the fuzzer, fuzz/sarif_baseline_fuzzer.cpp, calls this).
llvm::Expected<std::set<std::string>>
readBaselineFingerprintsFromBuffer(llvm::StringRef Text,
                                   llvm::StringRef SarifPath);

/// RFC 3986 percent-encoding of a path: every byte but the unreserved
/// characters (A-Z a-z 0-9 - . _ ~) and '/' becomes %XX (upper-case hex);
/// so a space is %20 and 'ü' is %C3%BC.
std::string percentEncodePath(llvm::StringRef Path);

/// artifactLocation.uri of File: relative to SourceRoot ("src/a%20b.cpp")
/// when File is inside it, else an absolute "file:///..." URI.
std::string artifactUri(llvm::StringRef File, llvm::StringRef SourceRoot);

/// Escapes a text for SARIF plain-text messages, where '[' and ']' start
/// embedded links (SARIF 2.1.0 §3.11.6): "a[0]" -> "a\[0\]".
std::string escapeMessageText(llvm::StringRef Text);

} // namespace factoryguard

#endif

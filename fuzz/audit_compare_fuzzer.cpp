//===- audit_compare_fuzzer.cpp - libFuzzer harness: audit --compare ------===//
//
// The reader of an earlier audit (`factoryguard audit --compare FILE`) on
// arbitrary bytes, then what the audit command does with a document it
// accepted: compare it with the current audit and print the summary line.
// It must return the document or an error, and the comparison must never
// throw, crash, hang or leak. readPreviousAudit(Path) only reads the file
// and calls readPreviousAuditFromBuffer.
//
//===----------------------------------------------------------------------===//
#include "Audit.h"

#include <cstddef>
#include <cstdint>

namespace {

/// A current audit with one open and one suppressed finding, as buildAudit
/// writes it (only what compareWithPrevious and auditSummaryLine read).
nlohmann::json currentAudit() {
  auto Finding = [](const char *Print, bool Suppressed) {
    return nlohmann::json{
        {"fingerprint", Print},   {"rule", "factoryguard-request-scope"},
        {"file", "src/boot.cpp"}, {"line", 7},
        {"message", "m"},         {"suppressed", Suppressed}};
  };
  return {{"format", factoryguard::AuditFormat},
          {"version", factoryguard::AuditSchemaVersion},
          {"summary",
           {{"callSites", 3},
            {"compliantCallSites", 2},
            {"openFindings", 1},
            {"staticsHoldingManager", 0},
            {"factoryObjects", 2},
            {"factoryObjectsNeverSetUp", 1}}},
          {"findings",
           {Finding("0123456789abcdef", false),
            Finding("fedcba9876543210", true)}}};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  auto Previous =
      factoryguard::readPreviousAuditFromBuffer(Text, "fuzz-audit.json");
  if (!Previous) {
    llvm::consumeError(Previous.takeError());
    return 0;
  }
  nlohmann::json Audit = currentAudit();
  factoryguard::compareWithPrevious(Audit, *Previous);
  (void)factoryguard::auditSummaryLine(Audit);
  return 0;
}

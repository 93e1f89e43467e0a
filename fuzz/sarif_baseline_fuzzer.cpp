//===- sarif_baseline_fuzzer.cpp - libFuzzer harness: --baseline SARIF ----===//
//
// The SARIF baseline reader (--baseline FILE) on arbitrary bytes: it must
// return the fingerprints or an error and never crash, hang or leak. It is
// the same code the CLI runs; readBaselineFingerprints(Path) only reads the
// file and calls this.
//
//===----------------------------------------------------------------------===//
#include "SarifReporter.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  auto Prints =
      factoryguard::readBaselineFingerprintsFromBuffer(Text, "fuzz.sarif");
  if (!Prints)
    llvm::consumeError(Prints.takeError());
  return 0;
}

//===- config_fuzzer.cpp - libFuzzer harness: .factoryguard.yaml ----------===//
//
// The configuration reader (SPEC §3) on arbitrary bytes: parseConfig must
// return a Config or an error and never crash, hang or leak. The file name
// is absolute so that relative `exclude:` entries are resolved as they are
// for a discovered configuration file.
//
//===----------------------------------------------------------------------===//
#include "Config.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  llvm::Expected<factoryguard::Config> C =
      factoryguard::parseConfig(Text, "/fuzz/fuzz.yaml");
  if (!C) {
    llvm::consumeError(C.takeError());
    return 0;
  }
  // Use what was read as the driver does: names and paths are matched.
  (void)C->Managers.matches("netra::WebSocketManager");
  (void)C->isExcludedPath("/fuzz/src/a.cpp");
  return 0;
}

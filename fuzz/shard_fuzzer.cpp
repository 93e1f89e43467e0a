//===- shard_fuzzer.cpp - libFuzzer harness: factoryguard merge -----------===//
//
// The reader of shard results (`factoryguard merge SHARD...`) on arbitrary
// bytes, then what merge does with shards it accepted: the whole-run stage
// (call graph, inference, chains, NOLINT, configuration validation, with the
// configuration texts the shard carries). It must return a result or an
// error naming the shard, and never throw, crash, hang or leak.
// mergeShards(Files) only reads the files and calls mergeShardTexts. The
// source root does not exist, so relative paths in the input name no file.
//
//===----------------------------------------------------------------------===//
#include "Shard.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string Text(reinterpret_cast<const char *>(Data), Size);
  auto Result = factoryguard::mergeShardTexts(
      {{"fuzz-shard.json", Text}}, "/nonexistent/fuzz-root", llvm::nulls());
  if (!Result)
    llvm::consumeError(Result.takeError());
  return 0;
}

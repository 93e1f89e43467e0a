//===- cache_entry_fuzzer.cpp - libFuzzer harness: a cache entry file ----===//
//
// A cache entry comes from a shared CI cache, so its bytes are input
// (SPEC §7). The harness writes arbitrary bytes as the entry file of one
// unit in a real cache directory and asks the real readers for it:
// UnitCache::lookup (what every run does), filesReadBy (the language
// server) and filesRead (--changed). Each must return an entry or nothing,
// and never throw, crash, hang or leak.
//
// Most bytes never pass the entry's MAC, so an input whose first byte is
// odd is sealed first with the directory's secret (UnitCache::seal: what
// the holder of the directory can do), and the reader behind the MAC sees
// it: format, key, the main file, dependencies, findings, facts,
// configuration matches, call sites. Before that, `@KEY@` in the input
// becomes the unit's key (it hashes the build's sources, so no seed could
// hold it), `@MAIN@` its main file and `@HASH@` that file's content hash, so
// that seeds reach past those checks. The main file has fixed content at a
// fixed path under the temporary directory; the cache directory is a fresh
// one, removed at exit.
//
//===----------------------------------------------------------------------===//
#include "Cache.h"
#include "Config.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

using namespace factoryguard;

namespace {

constexpr llvm::StringLiteral MainText = "int main() { return 0; }\n";
constexpr llvm::StringLiteral ConfigText =
    "contexts: [chat::UserExecutionContext]\n"
    "managers: [chat::WebSocketManager, \"regex:chat::.*Bridge\"]\n"
    "factories: [chat::get_websocket_manager, chat::create_agent_bridge,\n"
    "            chat::EmitterFactory::create_user_emitter]\n"
    "factory-setup:\n"
    "  - class: chat::EmitterFactory\n"
    "    setup: [configure]\n"
    "    required-args: [0]\n"
    "request-entries: [chat::Router::dispatch]\n";

struct Fixture {
  std::string Root, Dir, Main;
  std::unique_ptr<UnitCache> Cache;
  Config Cfg;
  CacheKey Key;
  std::string MainHash;

  Fixture() {
    // The main file: the same path and text in every process (-jobs).
    llvm::SmallString<128> Tmp;
    llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, Tmp);
    llvm::sys::path::append(Tmp, "factoryguard-cache-entry-fuzzer");
    llvm::sys::fs::create_directories(Tmp);
    Main = std::string(Tmp) + "/main.cpp";
    {
      std::error_code EC;
      llvm::raw_fd_ostream OS(Main, EC);
      OS << MainText;
    }
    MainHash = llvm::utohexstr(llvm::xxh3_64bits(MainText), true, 16);
    llvm::SmallString<128> D;
    llvm::sys::fs::createUniqueDirectory("fg-cache-entry-fuzz", D);
    Root = std::string(D);
    Dir = Root + "/cache";
    Cache = UnitCache::open(Dir, UnitCache::DefaultMaxBytes, llvm::errs());
    if (auto C = parseConfig(ConfigText, "/fuzz/.factoryguard.yaml"))
      Cfg = std::move(*C);
    else
      llvm::consumeError(C.takeError());
    UnitKeyInputs In;
    In.CommandLine = {"clang++", "-std=c++17", "-c", "main.cpp"};
    In.Directory = std::string(Tmp);
    In.File = "main.cpp";
    Key = Cache->keyFor(In);
  }
  ~Fixture() { llvm::sys::fs::remove_directories(Root); }
};

Fixture &fixture() {
  static Fixture F;
  return F;
}

void replaceAll(std::string &S, llvm::StringRef From, llvm::StringRef To) {
  for (size_t At = S.find(From); At != std::string::npos;
       At = S.find(From, At + To.size()))
    S.replace(At, From.size(), To.str());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  Fixture &F = fixture();
  if (!F.Cache || Size == 0)
    return 0;
  bool Seal = Data[0] & 1;
  std::string Text(reinterpret_cast<const char *>(Data) + 1, Size - 1);
  replaceAll(Text, "@KEY@", F.Key.Hex);
  replaceAll(Text, "@MAIN@", F.Main);
  replaceAll(Text, "@HASH@", F.MainHash);
  if (Seal && llvm::StringRef(Text).starts_with("{"))
    Text = F.Cache->seal(F.Key.Hex, Text);
  {
    std::error_code EC;
    llvm::raw_fd_ostream OS(F.Dir + "/" + F.Key.Hex + ".fgc", EC);
    OS << Text;
  }
  (void)F.Cache->lookup(F.Key, F.Cfg);
  (void)F.Cache->filesReadBy(F.Key);
  (void)F.Cache->filesRead(F.Key,
                           [](llvm::StringRef P) { return P.ends_with(".h"); });
  return 0;
}

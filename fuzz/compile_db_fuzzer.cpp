//===- compile_db_fuzzer.cpp - libFuzzer harness: compile_commands.json ---===//
//
// The compilation database reader on arbitrary bytes, and what the driver
// does with a database it read: infer commands for headers, list and
// normalize the files, look each file's commands up and pass every command
// through the driver's arguments adjusters (tool/run/UnitCommand.h). Nothing is
// compiled and no file is read but the input.
//
// readDatabase() is the one place that names the reader: the driver's
// strict loader (tool/run/CompileDatabase.h).
//
//===----------------------------------------------------------------------===//
#include "CompileDatabase.h"
#include "Config.h"
#include "UnitCommand.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

using namespace clang::tooling;

namespace {

/// The reader under test: bytes of a compile_commands.json to a database or
/// an error message; what the driver calls (tool/run/Driver.cpp, readDatabase).
std::unique_ptr<CompilationDatabase> readDatabase(llvm::StringRef Text,
                                                  std::string &Error) {
  auto DB = factoryguard::parseCompileDatabase(
      Text, "/fuzz/build/compile_commands.json");
  if (!DB) {
    Error = llvm::toString(DB.takeError());
    return nullptr;
  }
  return std::move(*DB);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  std::string Error;
  std::unique_ptr<CompilationDatabase> Loaded = readDatabase(Text, Error);
  if (!Loaded)
    return 0;
  std::unique_ptr<CompilationDatabase> DB =
      inferMissingCompileCommands(std::move(Loaded));
  static const ArgumentsAdjuster Adjust = factoryguard::unitArgumentsAdjuster(
      {"-DFUZZ_BEFORE"}, {"-DFUZZ_AFTER"});
  for (CompileCommand &Cmd : DB->getAllCompileCommands())
    (void)Adjust(Cmd.CommandLine, Cmd.Filename);
  for (const std::string &File : DB->getAllFiles()) {
    (void)factoryguard::normalizePath(File);
    for (CompileCommand &Cmd : DB->getCompileCommands(File))
      (void)Adjust(Cmd.CommandLine, Cmd.Filename);
  }
  return 0;
}

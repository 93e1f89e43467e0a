//===- CompileDatabase.h - compile_commands.json, read strictly ----------===//
//
// LLVM's reader (a YAML parser) accepts a file cut at an entry boundary,
// keeping the entries so far, and names no file in its errors. This one is
// what the driver and the compile-database fuzzer call.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_COMPILEDATABASE_H
#define FACTORYGUARD_COMPILEDATABASE_H

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace factoryguard {

/// Parses the text of a compile_commands.json that lives at Path (for
/// messages and relative "directory" entries): JSON, an array of objects
/// with string "directory" and "file", and "command" (a string) or
/// "arguments" (strings). Every problem is "<Path>:<line>:<col>: error: ...".
llvm::Expected<std::unique_ptr<clang::tooling::CompilationDatabase>>
parseCompileDatabase(llvm::StringRef Text, llvm::StringRef Path);

} // namespace factoryguard

#endif

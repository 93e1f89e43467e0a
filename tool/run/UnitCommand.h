//===- UnitCommand.h - How a compile command becomes our clang run --------===//
//
// The arguments adjusters every compile command of the database goes through
// before clang runs it, and the one-command database that runs it. One
// definition for the driver, the language server's preambles and the
// compile-database fuzzer (fuzz/compile_db_fuzzer.cpp), so the fuzzer feeds
// the commands through exactly what the driver does.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_UNITCOMMAND_H
#define FACTORYGUARD_UNITCOMMAND_H

#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"

#include <string>
#include <vector>

namespace factoryguard {

/// Syntax only; no output, plugin or dependency-file flags; clang's builtin
/// headers from our resource directory and ExtraArgsBefore at the front;
/// warnings off and ExtraArgs at the end (--extra-arg-before, --extra-arg).
clang::tooling::ArgumentsAdjuster
unitArgumentsAdjuster(const std::vector<std::string> &ExtraArgsBefore,
                      const std::vector<std::string> &ExtraArgs);

/// A database of one command: ClangTool runs exactly that unit (the
/// analysis, and the language server's preamble of the same command).
class OneCommandDatabase : public clang::tooling::CompilationDatabase {
public:
  explicit OneCommandDatabase(clang::tooling::CompileCommand C)
      : C(std::move(C)) {}
  std::vector<clang::tooling::CompileCommand>
  getCompileCommands(llvm::StringRef) const override {
    return {C};
  }
  std::vector<std::string> getAllFiles() const override { return {C.Filename}; }

private:
  clang::tooling::CompileCommand C;
};

} // namespace factoryguard

#endif

//===- UnitCommand.h - How a compile command becomes our clang run --------===//
//
// The arguments adjusters every compile command of the database goes through
// before clang runs it. One definition for the driver and for the
// compile-database fuzzer (fuzz/compile_db_fuzzer.cpp), so the fuzzer feeds
// the commands through exactly what the driver does.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_UNITCOMMAND_H
#define FACTORYGUARD_UNITCOMMAND_H

#include "clang/Tooling/ArgumentsAdjusters.h"

#include <string>
#include <vector>

namespace factoryguard {

/// Syntax only; no output, plugin or dependency-file flags; clang's builtin
/// headers from our resource directory and ExtraArgsBefore at the front;
/// warnings off and ExtraArgs at the end (--extra-arg-before, --extra-arg).
clang::tooling::ArgumentsAdjuster
unitArgumentsAdjuster(const std::vector<std::string> &ExtraArgsBefore,
                      const std::vector<std::string> &ExtraArgs);

} // namespace factoryguard

#endif

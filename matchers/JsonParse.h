//===- JsonParse.h - llvm::json::parse with a bound on nesting ------------===//
//
// LLVM's JSON parser and llvm::json::Value's destructor recurse once per
// level of nesting, so a file of 50 000 '[' overflows the stack. Every JSON
// text factoryguard reads (compile_commands.json, an earlier audit, a cache
// entry, a language-server message) goes through parseJson, which refuses a
// text nested deeper than the bound before LLVM parses it. No format
// factoryguard reads nests deeper than a dozen levels.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_JSONPARSE_H
#define FACTORYGUARD_JSONPARSE_H

#include "llvm/Support/JSON.h"

namespace factoryguard {

/// Most levels of arrays and objects a JSON text factoryguard reads may nest.
constexpr unsigned MaxJsonDepth = 256;

/// llvm::json::parse(Text), or, when arrays and objects nest deeper than
/// MaxJsonDepth, an llvm::json::ParseError at the bracket that goes one level
/// too deep (it reads "[<line>:<col>, byte=<n>]: ...", like LLVM's own).
llvm::Expected<llvm::json::Value> parseJson(llvm::StringRef Text);

} // namespace factoryguard

#endif

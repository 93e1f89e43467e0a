//===- Commands.h - The subcommands' entry points -------------------------===//
//
// `factoryguard lsp`, `factoryguard audit`, `factoryguard init`: each reads its
// own options (CommandLine.h) and help text here, in the command-line front
// end, and hands what it read to its library (LspServer.h, Audit.h), which
// knows no command line. Args are the arguments after the subcommand's name;
// each returns the exit status.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_COMMANDS_H
#define FACTORYGUARD_COMMANDS_H

#include "llvm/ADT/ArrayRef.h"

#include <string>
#include <vector>

namespace factoryguard {

/// `factoryguard lsp [options]`: 2 for a usage error; otherwise the server
/// runs until the client ends it (runLanguageServer).
int runLanguageServerMain(const std::vector<std::string> &Args);

/// `factoryguard audit ...`.
int runAuditCommand(llvm::ArrayRef<std::string> Args);

/// `factoryguard init ...`: a first configuration (SPEC §3).
int runInitCommand(llvm::ArrayRef<std::string> Args);

} // namespace factoryguard

#endif

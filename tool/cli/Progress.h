//===- Progress.h - [n/N] progress of a run on standard error -------------===//
//
// A run over a large database takes minutes; on a terminal the CLI and
// `factoryguard audit` show each unit as it finishes, as run-clang-tidy
// does: `[3/12] src/a.cpp`, with ` (cached)` for a result read from the
// cache, ` (command 2/3)` for a file under several compile commands and
// ` (failed)` for a unit that could not be analyzed (its error follows
// after the run). One line per unit, never rewritten in place, so a log of
// the run reads the same as the terminal did. The run reports units
// (DriverOptions::OnUnitDone); only this front end prints, and only on
// standard error: standard output stays the report alone.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_PROGRESS_H
#define FACTORYGUARD_PROGRESS_H

#include "Driver.h"
#include "llvm/Support/CommandLine.h"

#include <string>

namespace factoryguard {

/// --progress, --quiet or neither (shown when standard error is a
/// terminal).
enum class ProgressMode { Auto, Always, Never };

/// Reads --progress and --quiet: true when Name is one of them (Mode set;
/// Error set when the other was given too, a usage error).
bool readProgressOption(const std::string &Name, ProgressMode &Mode,
                        std::string &Error);

/// --progress and --quiet as llvm::cl flags of a front end's subcommand
/// (the CLI, audit, init): Mode after the command line is read; the second
/// of the two is a usage error where it stands (noteUsageError).
struct ProgressFlags {
  ProgressMode Mode = ProgressMode::Auto;
  llvm::cl::opt<bool> Progress, Quiet;
  explicit ProgressFlags(llvm::cl::SubCommand &Sub);

private:
  void read(const std::string &Name);
};

/// The observer that prints a run's progress on standard error, or an empty
/// one when Mode and standard error say none.
std::function<void(const UnitProgress &)> progressPrinter(ProgressMode Mode);

} // namespace factoryguard

#endif

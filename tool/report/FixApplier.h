//===- FixApplier.h - --fix and --export-fixes ---------------------------===//
#ifndef FACTORYGUARD_FIXAPPLIER_H
#define FACTORYGUARD_FIXAPPLIER_H

#include "Finding.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <vector>

namespace factoryguard {

struct FixSummary {
  unsigned Applied = 0;      // replacements written
  unsigned FilesChanged = 0;
  unsigned Skipped = 0;      // replacements not applied
  unsigned FilesRefused = 0; // files left alone because of an error
};

/// Applies the fix-its of unsuppressed findings in place, through
/// writeOutput (Output.h): per file all or nothing, a symbolic link is
/// kept and the file it names is fixed. A file is refused, named on Log and
/// left exactly as it is (FilesRefused) when
///   - its real path (links followed) is not under SourceRoot's real path,
///   - its content differs from what the analysis read (FixIt::ContentHash;
///     an editor or formatter saved it meanwhile), also when that happens
///     while the fixed text is being written,
///   - it cannot be read or written, or is not a regular file.
/// Overlapping replacements are both skipped with a warning (Skipped), the
/// others in that file still applied.
FixSummary applyFixes(const std::vector<Finding> &Findings,
                      llvm::StringRef SourceRoot, llvm::raw_ostream &Log);

/// Writes the fix-its in clang-apply-replacements' YAML format, through
/// writeOutput: a failed write leaves no partial file.
llvm::Error exportFixes(const std::vector<Finding> &Findings,
                        llvm::StringRef YamlPath);

} // namespace factoryguard

#endif

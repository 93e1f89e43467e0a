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
  unsigned Skipped = 0;      // overlapping or stale replacements
};

/// Applies the fix-its of unsuppressed findings in place. Per file all or
/// nothing: the new text is written to a temporary file beside it and
/// renamed over it, so a file is never half-written. Overlapping
/// replacements are both skipped, with a message on Log; a file whose size
/// no longer fits the replacements is left alone.
FixSummary applyFixes(const std::vector<Finding> &Findings, llvm::raw_ostream &Log);

/// Writes the fix-its in clang-apply-replacements' YAML format.
llvm::Error exportFixes(const std::vector<Finding> &Findings,
                        llvm::StringRef YamlPath);

} // namespace factoryguard

#endif

//===- TextReporter.h - clang-style text output --------------------------===//
#ifndef FACTORYGUARD_TEXTREPORTER_H
#define FACTORYGUARD_TEXTREPORTER_H

#include "Finding.h"
#include "llvm/Support/raw_ostream.h"

#include <vector>

namespace factoryguard {

/// `file:line:col: warning: message [rule]`, the source line with a caret
/// and range marks, then the call chain and the notes as `note:` lines.
/// Suppressed findings are not printed. Paths under the working directory
/// are printed relative to it. Colors only when Colors is set. Source lines
/// are printed only from files under SourceRoot (ReportedSource.h).
void renderText(const std::vector<Finding> &Findings, llvm::raw_ostream &OS,
                bool Colors, llvm::StringRef SourceRoot);

} // namespace factoryguard

#endif

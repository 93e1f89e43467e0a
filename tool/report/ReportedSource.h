//===- ReportedSource.h - The one door reporters read source files by ----===//
//
// The text report prints the source line of each location, SARIF hashes a
// finding's line (primaryLocationLineHash) and quotes what a fix-it
// replaces, the audit shows an excerpt. Which file that is comes from the
// findings, and findings can come from a cache entry or a shard that
// someone else wrote (SPEC §7 "Untrusted input"). Those are checked when
// they are read (UntrustedResult.h); this is the second wall, whatever a
// finding says: a reporter opens only a regular file under the source root
// (by its normalized path, or its real path under the root's), so no bug
// elsewhere can print or hash a line of /etc/shadow into a CI log.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_REPORTEDSOURCE_H
#define FACTORYGUARD_REPORTEDSOURCE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>

namespace factoryguard {

/// Whether Path lies under SourceRoot (as SARIF's relative URIs decide it:
/// lexically after normalization, or by real paths). An empty SourceRoot
/// holds every path (callers without a root: library tests).
bool isUnderSourceRoot(llvm::StringRef Path, llvm::StringRef SourceRoot);

/// The content of Path for a report, or null when it is not under
/// SourceRoot, not a regular file (a FIFO, a device) or cannot be read.
std::unique_ptr<llvm::MemoryBuffer>
readReportedSource(llvm::StringRef Path, llvm::StringRef SourceRoot);

} // namespace factoryguard

#endif

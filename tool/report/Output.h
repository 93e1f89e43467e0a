//===- Output.h - Every file the CLI writes: -o, --export-fixes, --fix ---===//
//
// One writer for the report, the exported fix-its and fixed sources, so that
// all three behave the same way on devices, symbolic links, full disks and
// signals:
//   - "-" is standard output; a write error there is an error.
//   - A target that exists and is not a regular file (a device such as
//     /dev/null, a FIFO), or any path under /dev/ or /proc/ (/dev/stdout,
//     /dev/fd/N), is opened and written through, never replaced.
//   - Otherwise symbolic links are followed (also one naming a file that does
//     not exist yet) and the text goes to a temporary file beside the real
//     target, which is removed on SIGINT/SIGTERM and on any error, flushed to
//     disk and renamed over the real target. A link stays a link; the old
//     content stays whole until the rename; an existing file keeps its
//     permissions (and, when the process may, its owner).
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_OUTPUT_H
#define FACTORYGUARD_OUTPUT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace factoryguard {

/// Writes what Write puts into its stream to Path, as described above.
/// BeforeRename, when given, runs once the temporary is complete and may
/// veto the rename (the temporary is then removed and its error returned);
/// it is not called for write-through targets. Errors name Path.
llvm::Error
writeOutput(llvm::StringRef Path,
            llvm::function_ref<void(llvm::raw_ostream &)> Write,
            llvm::function_ref<llvm::Error()> BeforeRename = nullptr);

/// The file a write to Path lands in: symbolic links followed (a relative
/// link target is relative to the link's directory, a link may name a file
/// that does not exist yet), the directory as its real path. Fails when the
/// directory does not exist or the links loop.
llvm::Expected<std::string> resolveWriteTarget(llvm::StringRef Path);

/// An error when the target Path (given with Option, e.g. "-o") is one of
/// Inputs (the same file, also through a link or another name) or the
/// compilation database Database ("" = none).
llvm::Error refuseInputTarget(llvm::StringRef Option, llvm::StringRef Path,
                              llvm::ArrayRef<std::string> Inputs,
                              llvm::StringRef Database);

} // namespace factoryguard

#endif

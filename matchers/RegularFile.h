//===- RegularFile.h - Reading a file that must be a regular file --------===//
//
// Every file factoryguard reads that is not a compilation unit is named by
// someone it must not trust blindly: a configuration or baseline a user
// names, a source file a report quotes or --fix rewrites, a cache entry or
// shard another job wrote. One reader serves them all, so each gets the
// same guarantees: the type is checked on the open descriptor (a FIFO, a
// device or a directory is an error, never a read that blocks or never
// ends), the bytes are read, not mapped (a file cut short while it is read
// cannot kill the process), and the caller may refuse links and cap the
// size.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_REGULARFILE_H
#define FACTORYGUARD_REGULARFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <limits>
#include <memory>

namespace factoryguard {

/// What a caller accepts beyond a regular file.
struct RegularFileLimits {
  /// A larger file is an error ("it is larger than N bytes").
  uint64_t MaxBytes = std::numeric_limits<uint64_t>::max();
  /// False: a symbolic link is an error, even to a regular file (a cache
  /// directory's entries and tags, which the tool itself writes).
  bool FollowLinks = true;
};

/// The content of Path, which must be a regular file within Limits. The
/// error message says what the path is ("it is a FIFO, not a regular
/// file", "it is a symbolic link to a missing file") or why it cannot be
/// read; the caller names the path.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readRegularFile(llvm::StringRef Path, RegularFileLimits Limits = {});

} // namespace factoryguard

#endif

//===- Paths.h - The path helpers every layer uses ------------------------===//
//
// How a path is normalized and how it is shown. They lived with the config
// reader and the text reporter, so the driver, the shard reader and the
// whole-run stage included a reporter for a path helper; here, below every
// layer (docs/architecture.md), each layer takes them from the engine.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_PATHS_H
#define FACTORYGUARD_PATHS_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace clang {
class FileManager;
} // namespace clang

namespace factoryguard {

/// The one path normalizer: absolute (against the working directory) and
/// without "." or ".." components (lexically, links are not followed) or a
/// trailing separator. Paths clang reports go through normalizeFilePath,
/// which makes them absolute against the unit's directory first.
std::string normalizePath(llvm::StringRef Path);

/// A file name as clang knows it (relative to the unit's working directory,
/// which is not the process's), normalized as normalizePath does.
std::string normalizeFilePath(const clang::FileManager &FM,
                              llvm::StringRef Name);

/// The path as printed: relative to the working directory when under it,
/// escaped as Printable.h says.
std::string displayPath(const std::string &Path);

/// The path of File relative to Root ("src/a.cpp", no leading "./"), or
/// nullopt when File is not inside Root. Both are absolute; the comparison is
/// lexical after removing "." and ".." components and trailing slashes, then
/// retried on the real paths (symbolic links resolved) when both exist.
std::optional<std::string> pathRelativeToRoot(llvm::StringRef File,
                                              llvm::StringRef Root);

/// The one list of file name extensions of C and C++: a source file is
/// analyzed as a unit of its own (a `--changed` path, an inferred command),
/// a header through a unit that includes it (the language server).
bool isSourceFileName(llvm::StringRef Path);
bool isHeaderFileName(llvm::StringRef Path);

} // namespace factoryguard

#endif

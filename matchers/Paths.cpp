//===- Paths.cpp - The path helpers every layer uses ----------------------===//
#include "Paths.h"

#include "Printable.h"

#include "clang/Basic/FileManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace factoryguard {

std::string normalizePath(llvm::StringRef Path) {
  llvm::SmallString<256> P(Path);
  if (llvm::sys::fs::make_absolute(P))
    P = Path; // no working directory: normalized as given
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P);
}

std::string normalizeFilePath(const clang::FileManager &FM,
                              llvm::StringRef Name) {
  llvm::SmallString<256> P(Name);
  FM.makeAbsolutePath(P);
  return normalizePath(P);
}

std::string displayPath(const std::string &Path) {
  llvm::SmallString<256> Cwd;
  if (llvm::sys::fs::current_path(Cwd))
    return printable(Path);
  std::string Prefix = std::string(Cwd) + "/";
  if (llvm::StringRef(Path).starts_with(Prefix))
    return printable(Path.substr(Prefix.size()));
  return printable(Path);
}

bool isSourceFileName(llvm::StringRef Path) {
  llvm::StringRef Ext = llvm::sys::path::extension(Path);
  return Ext == ".cpp" || Ext == ".cc" || Ext == ".cxx" || Ext == ".c++" ||
         Ext == ".C" || Ext == ".c";
}

bool isHeaderFileName(llvm::StringRef Path) {
  llvm::StringRef Ext = llvm::sys::path::extension(Path);
  return Ext == ".h" || Ext == ".hh" || Ext == ".hpp" || Ext == ".hxx" ||
         Ext == ".h++" || Ext == ".inl" || Ext == ".ipp" || Ext == ".tpp";
}

} // namespace factoryguard

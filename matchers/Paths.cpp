//===- Paths.cpp - The path helpers every layer uses ----------------------===//
#include "Paths.h"

#include "Printable.h"

#include "clang/Basic/FileManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace factoryguard {

namespace {

std::optional<std::string> lexicallyRelative(llvm::StringRef File,
                                             llvm::StringRef Root) {
  if (Root.empty() || File.empty())
    return std::nullopt;
  if (Root == "/")
    return File.size() > 1 && File.front() == '/'
               ? std::optional<std::string>(File.drop_front().str())
               : std::nullopt;
  if (!File.starts_with(Root) || File.size() <= Root.size() + 1 ||
      File[Root.size()] != '/')
    return std::nullopt;
  return File.drop_front(Root.size() + 1).str();
}

} // namespace

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

std::optional<std::string> pathRelativeToRoot(llvm::StringRef File,
                                              llvm::StringRef Root) {
  if (Root.empty() || File.empty())
    return std::nullopt;
  std::string NormFile = normalizePath(File);
  std::string NormRoot = normalizePath(Root);
  if (std::optional<std::string> Rel = lexicallyRelative(NormFile, NormRoot))
    return Rel;
  llvm::SmallString<256> RealFile, RealRoot;
  if (llvm::sys::fs::real_path(NormFile, RealFile) ||
      llvm::sys::fs::real_path(NormRoot, RealRoot))
    return std::nullopt;
  return lexicallyRelative(normalizePath(RealFile), normalizePath(RealRoot));
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

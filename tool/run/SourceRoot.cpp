//===- SourceRoot.cpp - Where reported paths are relative to -------------===//
#include "SourceRoot.h"

#include "Paths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"

#include <map>
#include <mutex>

namespace factoryguard {

namespace {

std::string gitTopLevel() {
  auto Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return "";
  llvm::SmallString<128> Out;
  if (llvm::sys::fs::createTemporaryFile("factoryguard-git", "txt", Out))
    return "";
  std::optional<llvm::StringRef> Redirects[] = {
      std::nullopt, llvm::StringRef(Out), llvm::StringRef("")};
  int RC = llvm::sys::ExecuteAndWait(
      *Git, {"git", "rev-parse", "--show-toplevel"}, std::nullopt, Redirects);
  std::string Top;
  if (RC == 0)
    if (auto Buf = llvm::MemoryBuffer::getFile(Out))
      Top = (*Buf)->getBuffer().trim().str();
  llvm::sys::fs::remove(Out);
  return Top;
}

} // namespace

std::string defaultSourceRoot() {
  llvm::SmallString<256> Cwd;
  llvm::sys::fs::current_path(Cwd);
  // git runs once per working directory: the language server asks on each
  // edit (its cache's confinement), and git costs it milliseconds each time.
  static std::mutex M;
  static std::map<std::string, std::string> Known; // by working directory
  std::lock_guard<std::mutex> Lock(M);
  auto It = Known.find(std::string(Cwd));
  if (It != Known.end())
    return It->second;
  std::string Root = gitTopLevel();
  if (Root.empty())
    Root = std::string(Cwd);
  return Known[std::string(Cwd)] = normalizePath(Root);
}

} // namespace factoryguard

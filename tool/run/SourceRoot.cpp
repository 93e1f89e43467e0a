//===- SourceRoot.cpp - Where reported paths are relative to -------------===//
#include "SourceRoot.h"

#include "Paths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"

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
  std::string Root = gitTopLevel();
  if (Root.empty()) {
    llvm::SmallString<256> Cwd;
    llvm::sys::fs::current_path(Cwd);
    Root = std::string(Cwd);
  }
  return normalizePath(Root);
}

} // namespace factoryguard

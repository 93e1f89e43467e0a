//===- ReportedSource.cpp - The one door reporters read source files by --===//
#include "ReportedSource.h"

#include "Config.h"
#include "Fingerprint.h"
#include "Paths.h"
#include "RegularFile.h"

namespace factoryguard {

bool isUnderSourceRoot(llvm::StringRef Path, llvm::StringRef SourceRoot) {
  return SourceRoot.empty() || pathRelativeToRoot(Path, SourceRoot).has_value();
}

std::unique_ptr<llvm::MemoryBuffer>
readReportedSource(llvm::StringRef Path, llvm::StringRef SourceRoot) {
  if (Path.empty() || !isUnderSourceRoot(Path, SourceRoot))
    return nullptr;
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> Buf =
      readRegularFile(Path);
  if (!Buf) {
    llvm::consumeError(Buf.takeError());
    return nullptr;
  }
  return std::move(*Buf);
}

} // namespace factoryguard

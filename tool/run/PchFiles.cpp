//===- PchFiles.cpp - A preamble's PCH: a file only while clang writes it -===//
#include "PchFiles.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace factoryguard {

namespace {

std::string baseOrTemp(const std::string &Base) {
  if (!Base.empty())
    return Base;
  llvm::SmallString<128> Tmp;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, Tmp);
  return std::string(Tmp);
}

/// Whether Name is what clang names a PCH it writes (TempPCHFile:
/// "preamble-XXXXXX.pch", and its output's temporary "<that>-*.tmp").
bool isPchName(llvm::StringRef Name) {
  return Name.starts_with("preamble-") &&
         (Name.ends_with(".pch") || Name.ends_with(".tmp"));
}

/// Removes what clang wrote in the directory open as Fd, then the
/// directory Path itself if that left it empty.
void removePchDirectory(int Fd, const std::string &Path) {
  int Scan = dup(Fd);
  if (Scan < 0)
    return;
  DIR *D = fdopendir(Scan);
  if (!D) {
    close(Scan);
    return;
  }
  std::vector<std::string> Names;
  while (dirent *E = readdir(D))
    if (isPchName(E->d_name))
      Names.push_back(E->d_name);
  closedir(D);
  for (const std::string &N : Names)
    unlinkat(Fd, N.c_str(), 0);
  rmdir(Path.c_str()); // fails, as it should, when something else is there
}

} // namespace

PchDirectory::PchDirectory(const std::string &Base) {
  std::string Prefix = baseOrTemp(Base) + "/" + PchDirectoryPrefix.str();
  if (llvm::sys::fs::createUniqueDirectory(Prefix, Path)) {
    Path.clear();
    return;
  }
  Lock = open(Path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (Lock >= 0)
    flock(Lock, LOCK_EX);
}

PchDirectory::~PchDirectory() {
  if (Path.empty())
    return;
  if (Lock >= 0) {
    removePchDirectory(Lock, std::string(Path));
    close(Lock);
    return;
  }
  for (const std::string &F : files())
    if (isPchName(llvm::sys::path::filename(F)))
      llvm::sys::fs::remove(F);
  llvm::sys::fs::remove(Path);
}

std::vector<std::string> PchDirectory::files() const {
  std::vector<std::string> Out;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Path, EC), End; It != End && !EC;
       It.increment(EC))
    Out.push_back(It->path());
  return Out;
}

std::optional<std::pair<std::string, std::unique_ptr<llvm::MemoryBuffer>>>
mapPch(const PchDirectory &Dir) {
  std::vector<std::string> Files = Dir.files();
  if (Files.size() != 1)
    return std::nullopt;
  auto Buf = llvm::MemoryBuffer::getFile(Files[0], /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false,
                                         /*IsVolatile=*/false);
  if (!Buf)
    return std::nullopt;
  return std::make_pair(Files[0], std::move(*Buf));
}

unsigned sweepAbandonedPchDirectories(const std::string &Base) {
  const std::string Root = baseOrTemp(Base);
  const std::string Prefix = PchDirectoryPrefix.str() + "-";
  const time_t OldEnough = time(nullptr) - 60;
  std::vector<std::string> Candidates;
  if (DIR *D = opendir(Root.c_str())) {
    while (dirent *E = readdir(D))
      if (llvm::StringRef(E->d_name).starts_with(Prefix))
        Candidates.push_back(Root + "/" + E->d_name);
    closedir(D);
  }
  unsigned Removed = 0;
  for (const std::string &Dir : Candidates) {
    int Fd = open(Dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (Fd < 0)
      continue;
    struct stat St;
    if (fstat(Fd, &St) == 0 && St.st_uid == getuid() &&
        St.st_mtime < OldEnough && flock(Fd, LOCK_EX | LOCK_NB) == 0) {
      removePchDirectory(Fd, Dir);
      Removed += access(Dir.c_str(), F_OK) != 0;
    }
    close(Fd);
  }
  return Removed;
}

} // namespace factoryguard

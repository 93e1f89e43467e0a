//===- RegularFile.cpp - Reading a file that must be a regular file ------===//
#include "RegularFile.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace factoryguard {

namespace {

llvm::Error fail(int Errno, const llvm::Twine &What) {
  return llvm::createStringError(
      std::error_code(Errno, std::generic_category()), What);
}

/// Why Path could not be opened (Errno from open): a dangling link says so.
llvm::Error openError(const std::string &Path, int Errno) {
  struct stat LSt;
  if (Errno == ENOENT && ::lstat(Path.c_str(), &LSt) == 0 &&
      S_ISLNK(LSt.st_mode))
    return fail(Errno, "it is a symbolic link to a missing file");
  if (Errno == ELOOP && ::lstat(Path.c_str(), &LSt) == 0 &&
      S_ISLNK(LSt.st_mode))
    return fail(Errno, "it is a symbolic link, which is not followed here");
  return fail(Errno, std::strerror(Errno));
}

/// What a non-regular file is, for the message.
const char *kindOf(mode_t Mode) {
  return S_ISDIR(Mode)    ? "a directory"
         : S_ISFIFO(Mode) ? "a FIFO"
         : S_ISCHR(Mode)  ? "a character device"
         : S_ISBLK(Mode)  ? "a block device"
         : S_ISSOCK(Mode) ? "a socket"
                          : "something else";
}

/// The checks on the open descriptor: a regular file within the size cap.
llvm::Error checkOpenFile(int FD, const RegularFileLimits &Limits,
                          struct stat &St) {
  if (::fstat(FD, &St) != 0) {
    int Errno = errno;
    return fail(Errno, std::strerror(Errno));
  }
  if (!S_ISREG(St.st_mode))
    return fail(EINVAL, llvm::Twine("it is ") + kindOf(St.st_mode) +
                            ", not a regular file");
  if (static_cast<uint64_t>(St.st_size) > Limits.MaxBytes)
    return fail(EFBIG,
                "it is larger than " + llvm::Twine(Limits.MaxBytes) + " bytes");
  return llvm::Error::success();
}

} // namespace

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readRegularFile(llvm::StringRef Path, RegularFileLimits Limits) {
  std::string P = Path.str();
  int Flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;
  if (!Limits.FollowLinks)
    Flags |= O_NOFOLLOW;
  int FD = ::open(P.c_str(), Flags);
  if (FD < 0)
    return openError(P, errno);
  struct stat St;
  if (llvm::Error E = checkOpenFile(FD, Limits, St)) {
    ::close(FD);
    return llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>(std::move(E));
  }
  // Volatile: read, never mapped (a file cut short under a mapping would
  // kill the process).
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buffer =
      llvm::MemoryBuffer::getOpenFile(llvm::sys::fs::convertFDToNativeFile(FD),
                                      Path, St.st_size,
                                      /*RequiresNullTerminator=*/true,
                                      /*IsVolatile=*/true);
  ::close(FD);
  if (!Buffer)
    return fail(Buffer.getError().value(), Buffer.getError().message());
  return std::move(*Buffer);
}

} // namespace factoryguard

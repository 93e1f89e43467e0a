//===- Output.cpp - Every file the CLI writes: -o, --export-fixes, --fix -===//
#include "Output.h"

#include "TestHooks.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace factoryguard {

namespace {

llvm::Error writeError(llvm::StringRef Path, std::error_code EC) {
  return llvm::createStringError(EC, "cannot write '%s': %s", Path.str().c_str(),
                                 EC.message().c_str());
}

std::error_code lastError() { return std::error_code(errno, std::generic_category()); }

/// The descriptor a path names, as the kernel sees it: /dev/stdout,
/// /dev/stderr, /dev/fd/N, /proc/self/fd/N. Writing to the descriptor keeps
/// its offset and mode (an append to a log stays an append); reopening the
/// name would start at offset 0.
std::optional<int> namedDescriptor(llvm::StringRef Abs) {
  if (Abs == "/dev/stdout")
    return 1;
  if (Abs == "/dev/stderr")
    return 2;
  llvm::StringRef Num;
  if (Abs.starts_with("/dev/fd/"))
    Num = Abs.drop_front(strlen("/dev/fd/"));
  else if (Abs.starts_with("/proc/self/fd/"))
    Num = Abs.drop_front(strlen("/proc/self/fd/"));
  else
    return std::nullopt;
  unsigned FD;
  if (Num.getAsInteger(10, FD) || FD > INT_MAX)
    return std::nullopt;
  return static_cast<int>(FD);
}

/// Streams into OS and flushes; the stream's error, cleared (or
/// raw_fd_ostream would abort when destroyed).
std::error_code streamInto(llvm::raw_fd_ostream &OS,
                           llvm::function_ref<void(llvm::raw_ostream &)> Write) {
  Write(OS);
  OS.flush();
  std::error_code EC = OS.error();
  OS.clear_error();
  return EC;
}

/// streamInto, with a stream error named after the file.
llvm::Error streamTo(llvm::raw_fd_ostream &OS, llvm::StringRef Name,
                     llvm::function_ref<void(llvm::raw_ostream &)> Write) {
  if (std::error_code EC = streamInto(OS, Write))
    return writeError(Name, EC);
  return llvm::Error::success();
}

llvm::Error writeToDescriptor(llvm::StringRef Path, int FD,
                              llvm::function_ref<void(llvm::raw_ostream &)> Write) {
  if (FD == 1) {
    // Through llvm::outs(), whose buffer may hold earlier output.
    if (std::error_code EC = streamInto(llvm::outs(), Write))
      return llvm::createStringError(
          EC, "cannot write the report to standard output: %s",
          EC.message().c_str());
    return llvm::Error::success();
  }
  llvm::raw_fd_ostream OS(FD, /*shouldClose=*/false, /*unbuffered=*/false);
  return streamTo(OS, Path, Write);
}

llvm::Error writeThrough(llvm::StringRef Path,
                         llvm::function_ref<void(llvm::raw_ostream &)> Write) {
  int FD;
  // No O_CREAT, no O_TRUNC: a device stays a device, a FIFO a FIFO.
  if (std::error_code EC = llvm::sys::fs::openFileForWrite(
          Path, FD, llvm::sys::fs::CD_OpenExisting, llvm::sys::fs::OF_None))
    return writeError(Path, EC);
  llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true, /*unbuffered=*/false);
  return streamTo(OS, Path, Write);
}

/// A temporary beside Real, renamed over it once complete.
llvm::Error writeAtomically(llvm::StringRef Path, const std::string &Real,
                            llvm::function_ref<void(llvm::raw_ostream &)> Write,
                            llvm::function_ref<llvm::Error()> BeforeRename) {
  llvm::SmallString<256> Model = llvm::sys::path::parent_path(Real);
  llvm::sys::path::append(Model, ".factoryguard-" +
                                     llvm::sys::path::filename(Real) + ".%%%%%%");
  llvm::SmallString<256> Tmp;
  int FD;
  if (std::error_code EC = llvm::sys::fs::createUniqueFile(Model, FD, Tmp))
    return llvm::createStringError(EC, "cannot write '%s': cannot create a "
                                       "temporary file beside '%s': %s",
                                   Path.str().c_str(), Real.c_str(),
                                   EC.message().c_str());
  llvm::sys::RemoveFileOnSignal(Tmp);
  auto Discard = [&](llvm::Error Err) {
    llvm::sys::fs::remove(Tmp);
    llvm::sys::DontRemoveFileOnSignal(Tmp);
    return Err;
  };

  llvm::Error Err = llvm::Error::success();
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/false, /*unbuffered=*/false);
    Err = streamTo(OS, Path, Write);
  }
  if (!Err) {
    // An existing target keeps its mode and, when we may, its owner.
    llvm::sys::fs::file_status St;
    if (!llvm::sys::fs::status(Real, St)) {
      llvm::sys::fs::setPermissions(FD, St.permissions());
      llvm::sys::fs::file_status Mine;
      if (!llvm::sys::fs::status(FD, Mine) &&
          (Mine.getUser() != St.getUser() || Mine.getGroup() != St.getGroup()))
        (void)llvm::sys::fs::changeFileOwnership(FD, St.getUser(), St.getGroup());
    }
    if (::fsync(FD) != 0)
      Err = writeError(Path, lastError());
  }
  if (::close(FD) != 0 && !Err)
    Err = writeError(Path, lastError());
  if (Err)
    return Discard(std::move(Err));

  runTestHook(TestHook::BeforeRename);
  if (BeforeRename)
    if (llvm::Error Veto = BeforeRename())
      return Discard(std::move(Veto));
  if (std::error_code EC = llvm::sys::fs::rename(Tmp, Real))
    return Discard(writeError(Path, EC));
  llvm::sys::DontRemoveFileOnSignal(Tmp);
  return llvm::Error::success();
}

} // namespace

llvm::Expected<std::string> resolveWriteTarget(llvm::StringRef Path) {
  llvm::SmallString<256> P(Path);
  if (std::error_code EC = llvm::sys::fs::make_absolute(P))
    return writeError(Path, EC);
  // Follow the links by hand: realpath(3) fails on a link to a file that
  // does not exist yet, which -o may well create.
  for (unsigned Hops = 0;; ++Hops) {
    struct stat St;
    std::string Cur(P);
    if (::lstat(Cur.c_str(), &St) != 0 || !S_ISLNK(St.st_mode))
      break;
    if (Hops == 40)
      return writeError(Path, std::make_error_code(std::errc::too_many_symbolic_link_levels));
    char Buf[PATH_MAX];
    ssize_t N = ::readlink(Cur.c_str(), Buf, sizeof(Buf));
    if (N < 0)
      return writeError(Path, lastError());
    llvm::StringRef Target(Buf, static_cast<size_t>(N));
    if (llvm::sys::path::is_absolute(Target)) {
      P = Target;
    } else {
      // Relative to the link's directory; ".." is left to the kernel, which
      // resolves it physically as the link would be.
      llvm::SmallString<256> Next = llvm::sys::path::parent_path(Cur);
      llvm::sys::path::append(Next, Target);
      P = Next;
    }
  }
  llvm::SmallString<256> Dir = llvm::sys::path::parent_path(P), Real;
  if (std::error_code EC = llvm::sys::fs::real_path(Dir, Real))
    return llvm::createStringError(EC, "cannot write '%s': directory '%s': %s",
                                   Path.str().c_str(), Dir.c_str(),
                                   EC.message().c_str());
  llvm::sys::path::append(Real, llvm::sys::path::filename(P));
  return std::string(Real);
}

llvm::Error writeOutput(llvm::StringRef Path,
                        llvm::function_ref<void(llvm::raw_ostream &)> Write,
                        llvm::function_ref<llvm::Error()> BeforeRename) {
  if (Path.empty() || Path == "-")
    return writeToDescriptor(Path, 1, Write);
  llvm::SmallString<256> Abs(Path);
  llvm::sys::fs::make_absolute(Abs);
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/false);
  if (std::optional<int> FD = namedDescriptor(Abs))
    return writeToDescriptor(Path, *FD, Write);

  llvm::sys::fs::file_status St;
  if (!llvm::sys::fs::status(Path, St) && llvm::sys::fs::exists(St)) {
    if (llvm::sys::fs::is_directory(St))
      return llvm::createStringError(std::make_error_code(std::errc::is_a_directory),
                                     "cannot write '%s': it is a directory",
                                     Path.str().c_str());
    if (!llvm::sys::fs::is_regular_file(St))
      return writeThrough(Path, Write);
  }
  llvm::Expected<std::string> Real = resolveWriteTarget(Path);
  if (!Real)
    return Real.takeError();
  return writeAtomically(Path, *Real, Write, BeforeRename);
}

llvm::Error refuseInputTarget(llvm::StringRef Option, llvm::StringRef Path,
                              llvm::ArrayRef<std::string> Inputs,
                              llvm::StringRef Database) {
  if (Path.empty() || Path == "-" || !llvm::sys::fs::exists(Path))
    return llvm::Error::success();
  auto Same = [&](llvm::StringRef Other) {
    bool Result = false;
    return !Other.empty() && !llvm::sys::fs::equivalent(Path, Other, Result) &&
           Result;
  };
  if (Same(Database))
    return llvm::createStringError(
        std::make_error_code(std::errc::invalid_argument),
        "%s '%s' is the compilation database '%s'; refusing to overwrite it",
        Option.str().c_str(), Path.str().c_str(), Database.str().c_str());
  for (const std::string &In : Inputs)
    if (Same(In))
      return llvm::createStringError(
          std::make_error_code(std::errc::invalid_argument),
          "%s '%s' is an analyzed source ('%s'); refusing to overwrite it",
          Option.str().c_str(), Path.str().c_str(), In.c_str());
  return llvm::Error::success();
}

} // namespace factoryguard

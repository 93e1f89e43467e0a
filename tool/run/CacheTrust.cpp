//===- CacheTrust.cpp - The cache directory is the tool's own -----------===//
//
// CacheTrust.h says why. Everything here touches the directory without
// following a link at its last component: files are made with O_EXCL under
// a unique temporary name and linked into place (never replacing what is
// there), read and renewed with O_NOFOLLOW, and listed with lstat.
//
//===----------------------------------------------------------------------===//
#include "CacheTrust.h"

#include "RegularFile.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SHA256.h"

#include <array>
#include <chrono>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace factoryguard {

namespace {

constexpr llvm::StringLiteral TagName = "CACHEDIR.TAG";
constexpr llvm::StringLiteral SecretName = "hmac-key";
constexpr llvm::StringLiteral IgnoreName = ".gitignore";
/// The Cache Directory Tagging signature, then the line that says whose.
constexpr llvm::StringLiteral TagText =
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by factoryguard.\n"
    "# For information about cache directory tags, see "
    "https://bford.info/cachedir/\n";
constexpr llvm::StringLiteral TagOwnerLine =
    "# This file is a cache directory tag created by factoryguard.";
constexpr llvm::StringLiteral MacPrefix = "{\"mac\":\"";
constexpr size_t MacHexSize = 64;

bool isHex(llvm::StringRef S) {
  return llvm::all_of(S, [](char C) { return llvm::isHexDigit(C); });
}

/// The open flags of every read: no link at the last component, and a FIFO
/// never blocks the open.
int readFlags() { return O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC; }

bool isRegularNoFollow(const llvm::Twine &Path) {
  llvm::sys::fs::file_status St;
  return !llvm::sys::fs::status(Path, St, /*Follow=*/false) &&
         St.type() == llvm::sys::fs::file_type::regular_file;
}

/// Writes Name in Dir with Text and Mode unless Name exists (then EEXIST):
/// a unique temporary (O_EXCL), hard-linked to its name.
std::error_code writeNewFile(const std::string &Dir, llvm::StringRef Name,
                             llvm::StringRef Text, unsigned Mode) {
  std::string Final = Dir + "/" + Name.str();
  llvm::SmallString<256> Temp;
  int FD = -1;
  if (std::error_code EC = llvm::sys::fs::createUniqueFile(
          Final + ".%%%%%%%%.tmp", FD, Temp, llvm::sys::fs::OF_None, Mode))
    return EC;
  std::error_code EC;
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Text;
    OS.close();
    if (OS.has_error()) {
      EC = OS.error();
      OS.clear_error();
    }
  }
  if (!EC)
    EC = llvm::sys::fs::create_hard_link(Temp, Final);
  llvm::sys::fs::remove(Temp);
  return EC;
}

/// A name the tool writes in its directory, temporaries aside.
bool isOwnFileName(llvm::StringRef Name) {
  return Name == TagName || Name == SecretName || Name == IgnoreName ||
         isEntryName(Name);
}

/// "" when every name in Dir is a regular file the tool writes; else why.
std::string foreignNameIn(const std::string &Dir) {
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; !EC && It != End;
       It.increment(EC)) {
    llvm::StringRef Name = llvm::sys::path::filename(It->path());
    if (!(isOwnFileName(Name) || isOwnTempName(Name)) ||
        !isRegularNoFollow(It->path()))
      return "it holds '" + Name.str() +
             "', which factoryguard did not write, and no CACHEDIR.TAG of "
             "factoryguard's; name a new or empty directory";
  }
  if (EC)
    return EC.message();
  return "";
}

std::string randomSecretHex() {
  std::random_device Random;
  std::array<uint8_t, 32> Bytes;
  for (uint8_t &B : Bytes)
    B = static_cast<uint8_t>(Random());
  return llvm::toHex(llvm::ArrayRef<uint8_t>(Bytes), /*LowerCase=*/true);
}

std::string hmacSha256Hex(llvm::StringRef Key, llvm::StringRef Message) {
  std::array<uint8_t, 64> Block{};
  if (Key.size() > Block.size()) {
    std::array<uint8_t, 32> D =
        llvm::SHA256::hash(llvm::arrayRefFromStringRef(Key));
    std::copy(D.begin(), D.end(), Block.begin());
  } else {
    std::copy(Key.begin(), Key.end(), Block.begin());
  }
  std::array<uint8_t, 64> IPad, OPad;
  for (size_t I = 0; I < Block.size(); ++I) {
    IPad[I] = Block[I] ^ 0x36;
    OPad[I] = Block[I] ^ 0x5c;
  }
  llvm::SHA256 Inner;
  Inner.update(IPad);
  Inner.update(Message);
  std::array<uint8_t, 32> InnerDigest = Inner.final();
  llvm::SHA256 Outer;
  Outer.update(OPad);
  Outer.update(InnerDigest);
  std::array<uint8_t, 32> Mac = Outer.final();
  return llvm::toHex(llvm::ArrayRef<uint8_t>(Mac), /*LowerCase=*/true);
}

/// Compares without an early exit, so that timing tells nothing of a MAC.
bool sameBytes(llvm::StringRef A, llvm::StringRef B) {
  if (A.size() != B.size())
    return false;
  unsigned char Diff = 0;
  for (size_t I = 0; I < A.size(); ++I)
    Diff |= static_cast<unsigned char>(A[I] ^ B[I]);
  return Diff == 0;
}

} // namespace

bool isEntryName(llvm::StringRef Name) {
  return Name.size() == 36 && Name.ends_with(".fgc") &&
         isHex(Name.take_front(32));
}

bool isOwnTempName(llvm::StringRef Name) {
  if (!Name.consume_back(".tmp") || Name.size() < 9 ||
      !isHex(Name.take_back(8)))
    return false;
  Name = Name.drop_back(8);
  if (Name == "probe-")
    return true;
  return Name.consume_back(".") && isOwnFileName(Name);
}

bool isTaggedCacheDir(const std::string &Dir) {
  auto Tag = llvm::expectedToOptional(readRegularFile(
      Dir + "/" + TagName.str(), {/*MaxBytes=*/4096, /*FollowLinks=*/false}));
  if (!Tag)
    return false;
  llvm::StringRef T = (*Tag)->getBuffer();
  return T.starts_with(TagText.take_front(TagText.find('\n') + 1)) &&
         T.contains(TagOwnerLine);
}

std::string linkLeavesRoot(const std::string &Dir, const std::string &Root) {
  llvm::sys::fs::file_status St;
  if (Root.empty() || llvm::sys::fs::status(Dir, St, /*Follow=*/false) ||
      St.type() != llvm::sys::fs::file_type::symlink_file)
    return "";
  llvm::SmallString<256> Real, RealRoot;
  if (llvm::sys::fs::real_path(Dir, Real))
    return "a symbolic link to nothing that exists";
  if (llvm::sys::fs::real_path(Root, RealRoot))
    RealRoot = Root;
  llvm::StringRef R(Real);
  if (R == RealRoot || R.starts_with((RealRoot + "/").str()))
    return "";
  return "a symbolic link to '" + Real.str().str() +
         "', outside the source root '" + RealRoot.str().str() + "'";
}

std::string claimCacheDir(const std::string &Dir) {
  if (std::error_code EC = llvm::sys::fs::create_directories(Dir))
    return EC.message();
  if (!llvm::sys::fs::is_directory(Dir))
    return "not a directory";
  if (isTaggedCacheDir(Dir))
    return "";
  std::string Foreign = foreignNameIn(Dir);
  if (!Foreign.empty())
    return Foreign;
  // The secret before the tag: a tagged directory is a whole one.
  if (!cacheSecret(Dir, /*Create=*/true))
    return "its secret 'hmac-key' cannot be made or read";
  std::error_code EC = writeNewFile(
      Dir, IgnoreName, "# factoryguard's cache (SPEC §7): never commit it\n*\n",
      0644);
  if (!EC || EC == std::errc::file_exists)
    EC = writeNewFile(Dir, TagName, TagText, 0644);
  if (EC && EC != std::errc::file_exists)
    return EC.message();
  if (!isTaggedCacheDir(Dir))
    return "its CACHEDIR.TAG is not factoryguard's";
  return "";
}

std::optional<std::string> cacheSecret(const std::string &Dir, bool Create) {
  std::string Path = Dir + "/" + SecretName.str();
  if (Create && !llvm::sys::fs::exists(Path)) {
    std::error_code EC =
        writeNewFile(Dir, SecretName, randomSecretHex() + "\n", 0600);
    if (EC && EC != std::errc::file_exists)
      return std::nullopt;
  }
  auto Text = llvm::expectedToOptional(
      readRegularFile(Path, {/*MaxBytes=*/1024, /*FollowLinks=*/false}));
  if (!Text)
    return std::nullopt;
  llvm::StringRef Hex = (*Text)->getBuffer().rtrim("\r\n");
  std::string Bytes;
  if (Hex.size() != 64 || !llvm::tryGetFromHex(Hex, Bytes))
    return std::nullopt;
  return Bytes;
}

std::string sealEntry(llvm::StringRef Secret, llvm::StringRef KeyHex,
                      llvm::StringRef Body) {
  std::string Mac = hmacSha256Hex(Secret, (KeyHex + "\n" + Body).str());
  return MacPrefix.str() + Mac + "\"," + Body.drop_front().str();
}

std::optional<std::string> unsealEntry(llvm::StringRef Secret,
                                       llvm::StringRef KeyHex,
                                       llvm::StringRef File) {
  if (!File.consume_front(MacPrefix) || File.size() < MacHexSize + 2)
    return std::nullopt;
  llvm::StringRef Mac = File.take_front(MacHexSize);
  File = File.drop_front(MacHexSize);
  if (!File.consume_front("\","))
    return std::nullopt;
  std::string Body = "{" + File.str();
  if (!sameBytes(Mac, hmacSha256Hex(Secret, (KeyHex + "\n" + Body).str())))
    return std::nullopt;
  return Body;
}

void touchRegularFile(const std::string &Path) {
  int FD = ::open(Path.c_str(), readFlags());
  if (FD < 0)
    return;
  struct stat St;
  if (::fstat(FD, &St) == 0 && S_ISREG(St.st_mode))
    llvm::sys::fs::setLastAccessAndModificationTime(
        FD, std::chrono::system_clock::now());
  ::close(FD);
}

} // namespace factoryguard

//===- CacheTrust.h - The cache directory is the tool's own (SPEC §7) ----===//
//
// A cache directory is shared: restored in CI from jobs that other people's
// pull requests influence, named on the command line, or reached through a
// link a pull request commits. So it is input, and what the tool does in it
// follows three rules, kept here apart from what an entry means (Cache.cpp):
//
//  - Ownership. A directory is the tool's when it holds factoryguard's
//    `CACHEDIR.TAG` (the Cache Directory Tagging signature, then a line that
//    names factoryguard). One without the tag is tagged and used only when
//    every name in it is a regular file of a name the tool writes: empty, or
//    the cache of an earlier version. Anything else is not the tool's: it is
//    not written to and nothing in it is deleted. Cleanup deletes only the
//    tool's own names (isOwnTempName, isEntryName), and never through a link.
//  - Confinement. The default directory (beside compile_commands.json) that
//    is a link resolving outside the source root is not used.
//  - Sealing. The directory has a secret (`hmac-key`: 32 random bytes as
//    hex, mode 0600, made with the tag). An entry file is
//    `{"mac":"<hex>",` then the rest of its JSON body `{...}`, the MAC being
//    HMAC-SHA256(secret, "<key hex>\n" + body). An entry that does not
//    verify is a miss before its JSON is parsed. This stops corruption,
//    edits by whoever cannot read the secret and entries moved between keys
//    or directories; whoever holds the whole directory holds the secret too
//    (Cache.h says what still protects a run then).
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_CACHETRUST_H
#define FACTORYGUARD_CACHETRUST_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace factoryguard {

/// "" when Dir (created when missing) is the tool's cache directory, tagged
/// now if it held only names the tool writes; else why it is not.
std::string claimCacheDir(const std::string &Dir);
/// Whether Dir holds factoryguard's CACHEDIR.TAG (nothing is written).
bool isTaggedCacheDir(const std::string &Dir);
/// "" unless Dir is a symbolic link whose target is not under Root; then
/// why it cannot be used.
std::string linkLeavesRoot(const std::string &Dir, const std::string &Root);

/// The secret of a tagged directory (raw bytes), made when it has none and
/// Create is set; none when it cannot be read or is malformed.
std::optional<std::string> cacheSecret(const std::string &Dir, bool Create);

/// `<32 hex digits>.fgc`: an entry file.
bool isEntryName(llvm::StringRef Name);
/// `<a name the tool writes>.<8 hex digits>.tmp`: a temporary of the tool's
/// (probes are `probe-<8 hex digits>.tmp`).
bool isOwnTempName(llvm::StringRef Name);

/// The bytes of an entry file for Body (a JSON object's text) under KeyHex.
std::string sealEntry(llvm::StringRef Secret, llvm::StringRef KeyHex,
                      llvm::StringRef Body);
/// The body of an entry file whose MAC verifies for KeyHex, else none.
std::optional<std::string> unsealEntry(llvm::StringRef Secret,
                                       llvm::StringRef KeyHex,
                                       llvm::StringRef File);

/// Sets Path's modification time to now when it is a regular file, never
/// through a link.
void touchRegularFile(const std::string &Path);

} // namespace factoryguard

#endif

//===- Fingerprint.h - Stable identities of findings ----------------------===//
//
// Two fingerprints go into SARIF partialFingerprints:
//
//  - primaryLocationLineHash, computed exactly as GitHub's upload action
//    (github/codeql-action, src/fingerprints.ts) computes it: a rolling hash
//    over the first 100 non-blank characters starting at the line, with a
//    ":<n>" suffix that counts earlier lines of the file with the same hash.
//    Precomputing it saves the action from hashing the file again and keeps
//    alerts matched when the report is uploaded from another checkout.
//
//  - "factoryguard/v1", our own: a hash of the rule id, the file path
//    relative to the source root and the finding's StableKey. It does not
//    change when unrelated edits move the finding to another line, which is
//    what --baseline compares.
//
// Plus the small text helpers both reporters need: UTF-8 to UTF-16 lengths
// and paths relative to the source root.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_FINGERPRINT_H
#define FACTORYGUARD_FINGERPRINT_H

#include "Finding.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace factoryguard {

/// The partialFingerprints key of our own fingerprint.
inline constexpr const char *FactoryguardFingerprintKey = "factoryguard/v1";
/// The partialFingerprints key GitHub code scanning reads.
inline constexpr const char *LineHashFingerprintKey = "primaryLocationLineHash";

/// GitHub's primaryLocationLineHash for every line of a file, keyed by
/// 1-based line number ("c129715d7a2bc9a3:1"). FileContents are the raw
/// bytes of the file; like the upload action they are decoded as UTF-8
/// (invalid sequences become U+FFFD) and hashed as UTF-16 code units. A file
/// has one line more than it has line breaks (\n, \r\n or \r), so an empty
/// file, or the empty last line after a final line break, gets a hash too.
std::map<unsigned, std::string>
primaryLocationLineHashes(llvm::StringRef FileContents);

/// The hash of one 1-based line; "" when the file has no such line. Hashes
/// the whole file: use primaryLocationLineHashes() for several lines.
std::string primaryLocationLineHash(llvm::StringRef FileContents,
                                    unsigned Line);

/// Our line-independent fingerprint: 32 lowercase hex digits of
/// SHA-256(RuleId, path of F.Where.File relative to SourceRoot, StableKey),
/// where occurrences of "<SourceRoot>/" inside StableKey are dropped too, so
/// the value is the same in every checkout. With an empty SourceRoot, or a
/// file outside it, the absolute path is used. When StableKey is empty the
/// message stands in for it. The CLI's --baseline must pass the same root
/// as the SARIF report it compares with.
std::string factoryguardFingerprint(const Finding &F,
                                    llvm::StringRef SourceRoot = "");

/// Number of UTF-16 code units the UTF-8 text decodes to. Invalid sequences
/// count as one U+FFFD per maximal invalid subpart (WHATWG decoding, as in
/// browsers, Node.js and VS Code).
unsigned utf16Length(llvm::StringRef Utf8);

/// Converts clang's 1-based byte column on a line to a 1-based UTF-16
/// column. LineText is the line without its line break. Columns beyond the
/// end of the line (the line break, one past the end) count one unit per
/// byte. A UTF-8 byte-order mark at the start of LineText is not counted
/// (editors do not show it); pass the first line of a file as it is.
unsigned utf16Column(llvm::StringRef LineText, unsigned ByteColumn);

/// utf16Column(LineText, C) for every C from 1 to LineText.size() + 1, at
/// index C - 1, in one pass over the line: for a long line asked for many
/// columns (a generated line with thousands of findings).
std::vector<unsigned> utf16Columns(llvm::StringRef LineText);

} // namespace factoryguard

#endif

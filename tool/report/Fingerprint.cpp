//===- Fingerprint.cpp - Stable identities of findings --------------------===//

#include "Fingerprint.h"

#include "Config.h"
#include "Paths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"

#include <array>
#include <cstdint>
#include <unordered_map>

namespace factoryguard {

namespace {

/// Decodes UTF-8 as the WHATWG encoding standard does (what Node.js, used by
/// GitHub's upload action, and VS Code do): every maximal invalid subpart
/// becomes one U+FFFD. Calls Emit with each UTF-16 code unit.
/// AtByte(I, Pending) is called when the decoder first reaches byte I, with
/// whether a multi-byte sequence is then unfinished (what a decode of the
/// first I bytes alone would end with one more U+FFFD for).
template <typename EmitFn, typename AtByteFn>
void decodeUtf8ToUtf16(llvm::StringRef Text, EmitFn Emit, AtByteFn AtByte) {
  auto EmitCodePoint = [&](uint32_t CP) {
    if (CP > 0xFFFF) {
      CP -= 0x10000;
      Emit(static_cast<uint16_t>(0xD800 + (CP >> 10)));
      Emit(static_cast<uint16_t>(0xDC00 + (CP & 0x3FF)));
    } else {
      Emit(static_cast<uint16_t>(CP));
    }
  };
  uint32_t CodePoint = 0;
  unsigned Needed = 0, Seen = 0;
  uint8_t Lower = 0x80, Upper = 0xBF;
  size_t Reached = 0;
  for (size_t I = 0, E = Text.size(); I < E;) {
    if (I == Reached) {
      AtByte(I, Needed != 0);
      ++Reached;
    }
    uint8_t B = static_cast<uint8_t>(Text[I]);
    if (Needed == 0) {
      ++I;
      if (B <= 0x7F) {
        Emit(B);
      } else if (B >= 0xC2 && B <= 0xDF) {
        Needed = 1;
        CodePoint = B & 0x1F;
      } else if (B >= 0xE0 && B <= 0xEF) {
        if (B == 0xE0)
          Lower = 0xA0;
        if (B == 0xED)
          Upper = 0x9F;
        Needed = 2;
        CodePoint = B & 0x0F;
      } else if (B >= 0xF0 && B <= 0xF4) {
        if (B == 0xF0)
          Lower = 0x90;
        if (B == 0xF4)
          Upper = 0x8F;
        Needed = 3;
        CodePoint = B & 0x07;
      } else {
        Emit(0xFFFD);
      }
      continue;
    }
    if (B < Lower || B > Upper) {
      // The byte does not continue the sequence: the prefix so far is one
      // invalid subpart, and the byte is decoded afresh.
      CodePoint = Needed = Seen = 0;
      Lower = 0x80;
      Upper = 0xBF;
      Emit(0xFFFD);
      continue;
    }
    ++I;
    Lower = 0x80;
    Upper = 0xBF;
    CodePoint = (CodePoint << 6) | (B & 0x3F);
    if (++Seen == Needed) {
      EmitCodePoint(CodePoint);
      CodePoint = Needed = Seen = 0;
    }
  }
  if (Needed != 0)
    Emit(0xFFFD);
}

template <typename EmitFn>
void decodeUtf8ToUtf16(llvm::StringRef Text, EmitFn Emit) {
  decodeUtf8ToUtf16(Text, Emit, [](size_t, bool) {});
}

/// The rolling hash of github/codeql-action's src/fingerprints.ts, which
/// computes it with 64-bit signed "Long" arithmetic; unsigned arithmetic
/// wraps identically.
class LineHasher {
public:
  explicit LineHasher(std::map<unsigned, std::string> &Out) : Out(Out) {
    Window.fill(0);
    LineNumbers.fill(-1);
    FirstMod = 1;
    for (unsigned I = 0; I < BlockSize; ++I)
      FirstMod *= Mod;
  }

  void process(uint32_t Current) {
    // Skip tabs, spaces, and a line feed right after a carriage return.
    if (Current == ' ' || Current == '\t' || (PrevCR && Current == '\n')) {
      PrevCR = false;
      return;
    }
    // Carriage returns count as line feeds.
    if (Current == '\r') {
      Current = '\n';
      PrevCR = true;
    } else {
      PrevCR = false;
    }
    if (LineNumbers[Index] != -1)
      output();
    if (LineStart) {
      LineStart = false;
      ++LineNumber;
      LineNumbers[Index] = LineNumber;
    }
    if (Current == '\n')
      LineStart = true;
    update(Current);
  }

  void finish() {
    process(Eof);
    for (unsigned I = 0; I < BlockSize; ++I) {
      if (LineNumbers[Index] != -1)
        output();
      update(0);
    }
  }

private:
  static constexpr unsigned BlockSize = 100;
  static constexpr uint64_t Mod = 37;
  static constexpr uint32_t Eof = 65535;

  void output() {
    std::string Value = llvm::utohexstr(Hash, /*LowerCase=*/true);
    unsigned Count = ++Counts[Value];
    Out[static_cast<unsigned>(LineNumbers[Index])] =
        Value + ":" + std::to_string(Count);
    LineNumbers[Index] = -1;
  }

  void update(uint32_t Current) {
    uint64_t Begin = Window[Index];
    Window[Index] = Current;
    Hash = Mod * Hash + Current - FirstMod * Begin;
    Index = (Index + 1) % BlockSize;
  }

  std::map<unsigned, std::string> &Out;
  std::array<uint64_t, BlockSize> Window;
  std::array<long, BlockSize> LineNumbers;
  std::unordered_map<std::string, unsigned> Counts;
  uint64_t FirstMod;
  uint64_t Hash = 0;
  unsigned Index = 0;
  long LineNumber = 0;
  bool LineStart = true;
  bool PrevCR = false;
};

} // namespace

std::map<unsigned, std::string>
primaryLocationLineHashes(llvm::StringRef FileContents) {
  std::map<unsigned, std::string> Hashes;
  LineHasher Hasher(Hashes);
  decodeUtf8ToUtf16(FileContents, [&](uint16_t Unit) { Hasher.process(Unit); });
  Hasher.finish();
  return Hashes;
}

std::string primaryLocationLineHash(llvm::StringRef FileContents,
                                    unsigned Line) {
  std::map<unsigned, std::string> Hashes =
      primaryLocationLineHashes(FileContents);
  auto It = Hashes.find(Line);
  return It == Hashes.end() ? std::string() : It->second;
}

std::string factoryguardFingerprint(const Finding &F,
                                    llvm::StringRef SourceRoot) {
  std::string Path = F.Where.File;
  if (std::optional<std::string> Rel = pathRelativeToRoot(Path, SourceRoot))
    Path = *Rel;
  std::string Key = F.StableKey.empty() ? F.Message : F.StableKey;
  if (!SourceRoot.empty()) {
    // StableKey may spell the file's absolute path; keep checkouts apart.
    std::string Prefix = normalizePath(SourceRoot);
    if (Prefix != "/")
      Prefix += '/';
    for (size_t Pos; (Pos = Key.find(Prefix)) != std::string::npos;)
      Key.erase(Pos, Prefix.size());
  }
  llvm::SHA256 Hasher;
  // Length-prefixed fields, so no two different triples collide by
  // concatenation.
  for (const std::string &Field : {F.RuleId, Path, Key}) {
    Hasher.update(std::to_string(Field.size()) + ":");
    Hasher.update(Field);
  }
  std::array<uint8_t, 32> Digest = Hasher.final();
  return llvm::toHex(llvm::ArrayRef<uint8_t>(Digest.data(), 16),
                     /*LowerCase=*/true);
}

unsigned utf16Length(llvm::StringRef Utf8) {
  unsigned Units = 0;
  decodeUtf8ToUtf16(Utf8, [&](uint16_t) { ++Units; });
  return Units;
}

unsigned utf16Column(llvm::StringRef LineText, unsigned ByteColumn) {
  if (ByteColumn == 0)
    return 0;
  size_t Prefix = ByteColumn - 1;
  size_t Start = 0;
  if (LineText.starts_with("\xEF\xBB\xBF") && Prefix >= 3)
    Start = 3;
  size_t InLine = std::min(Prefix, LineText.size());
  unsigned Units = utf16Length(LineText.slice(Start, InLine));
  return Units + static_cast<unsigned>(Prefix - InLine) + 1;
}

std::vector<unsigned> utf16Columns(llvm::StringRef LineText) {
  std::vector<unsigned> Columns(LineText.size() + 1);
  // A byte-order mark counts from the column after it (see utf16Column).
  size_t Start = LineText.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  for (size_t Prefix = 0; Prefix < Start; ++Prefix)
    Columns[Prefix] = utf16Column(LineText, Prefix + 1);
  unsigned Units = 0;
  decodeUtf8ToUtf16(
      LineText.drop_front(Start), [&](uint16_t) { ++Units; },
      [&](size_t I, bool Pending) {
        Columns[Start + I] = Units + (Pending ? 1 : 0) + 1;
      });
  Columns[LineText.size()] = Units + 1;
  return Columns;
}

} // namespace factoryguard

//===- FixApplier.cpp - --fix and --export-fixes -------------------------===//
#include "FixApplier.h"

#include "Config.h"
#include "Output.h"
#include "Paths.h"
#include "RegularFile.h"
#include "clang/Tooling/Core/Diagnostic.h"
#include "clang/Tooling/Core/Replacement.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/YAMLTraits.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace factoryguard {

namespace {
struct Edit {
  unsigned Offset, Length;
  std::string Text;
  bool operator<(const Edit &O) const {
    return std::tie(Offset, Length, Text) < std::tie(O.Offset, O.Length, O.Text);
  }
  bool operator==(const Edit &O) const {
    return Offset == O.Offset && Length == O.Length && Text == O.Text;
  }
};

/// The replacements of one file, and the content hashes the analysis saw.
struct FileEdits {
  std::vector<Edit> Edits;
  std::set<uint64_t> Hashes;
};

std::map<std::string, FileEdits> editsByFile(const std::vector<Finding> &Findings) {
  std::map<std::string, FileEdits> Out;
  for (const Finding &F : Findings) {
    if (F.Suppressed)
      continue;
    for (const FixIt &X : F.Fixes) {
      FileEdits &FE = Out[X.Where.File];
      FE.Edits.push_back({X.Where.Offset, X.Where.Length, X.Replacement});
      if (X.ContentHash)
        FE.Hashes.insert(*X.ContentHash);
    }
  }
  for (auto &KV : Out) {
    std::vector<Edit> &E = KV.second.Edits;
    std::sort(E.begin(), E.end());
    E.erase(std::unique(E.begin(), E.end()), E.end());
  }
  return Out;
}

bool isUnder(llvm::StringRef Path, llvm::StringRef Root) {
  if (Root == "/")
    return Path.starts_with("/");
  return Path.starts_with(Root) && Path.size() > Root.size() &&
         llvm::sys::path::is_separator(Path[Root.size()]);
}

/// The new text of a file (clang's tooling::Replacements, as clang-tidy
/// applies fixes), or nullopt when an edit lies past its end. Overlapping
/// edits are all skipped, with a warning each, not the later one only as
/// Replacements::add would.
std::optional<std::string>
applyEdits(llvm::StringRef Path, llvm::StringRef Text,
           const std::vector<Edit> &Edits, const std::string &Display,
           llvm::raw_ostream &Log, unsigned &Applied, unsigned &Skipped) {
  std::vector<bool> Drop(Edits.size(), false);
  for (size_t I = 0; I < Edits.size(); ++I)
    for (size_t J = I + 1; J < Edits.size(); ++J) {
      const Edit &A = Edits[I], &B = Edits[J];
      bool Overlap = B.Offset < A.Offset + A.Length ||
                     (A.Offset == B.Offset && (A.Length == 0 || B.Length == 0));
      if (Overlap)
        Drop[I] = Drop[J] = true;
    }
  for (const Edit &E : Edits)
    if (static_cast<size_t>(E.Offset) + E.Length > Text.size())
      return std::nullopt;
  clang::tooling::Replacements Replacements;
  Applied = Skipped = 0;
  for (size_t I = 0; I < Edits.size(); ++I) {
    const Edit &E = Edits[I];
    llvm::Error Conflict = Drop[I]
                               ? llvm::createStringError("overlapping")
                               : Replacements.add(clang::tooling::Replacement(
                                     Path, E.Offset, E.Length, E.Text));
    if (Conflict) {
      llvm::consumeError(std::move(Conflict));
      Log << "factoryguard: warning: overlapping fix-its at " << Display
          << " offset " << E.Offset << " were not applied\n";
      ++Skipped;
      continue;
    }
    ++Applied;
  }
  llvm::Expected<std::string> Out =
      clang::tooling::applyAllReplacements(Text, Replacements);
  if (!Out) {
    llvm::consumeError(Out.takeError());
    return std::nullopt;
  }
  return std::move(*Out);
}
} // namespace

FixSummary applyFixes(const std::vector<Finding> &Findings,
                      llvm::StringRef SourceRoot, llvm::raw_ostream &Log) {
  FixSummary Sum;
  llvm::SmallString<256> Root;
  std::error_code RootEC = llvm::sys::fs::real_path(SourceRoot, Root);
  for (auto &KV : editsByFile(Findings)) {
    const std::string &Path = KV.first;
    const std::vector<Edit> &Edits = KV.second.Edits;
    const std::string Display = displayPath(Path);
    auto Refuse = [&](const llvm::Twine &Why) {
      Log << "factoryguard: error: '" << Display << "' " << Why << "; its "
          << Edits.size() << " fix-it(s) were not applied and the file was "
          << "left as it is\n";
      Sum.Skipped += Edits.size();
      ++Sum.FilesRefused;
    };

    // Where the file really is, and whether --fix may write there: never
    // outside the source root, also not through a link that leads out.
    llvm::SmallString<256> Real;
    if (std::error_code EC = llvm::sys::fs::real_path(Path, Real)) {
      Refuse("cannot be resolved: " + EC.message());
      continue;
    }
    if (RootEC) {
      Refuse("cannot be fixed: the source root '" + SourceRoot +
             "' cannot be resolved: " + RootEC.message());
      continue;
    }
    if (!isUnder(Real, Root)) {
      if (Real != llvm::StringRef(Path))
        Refuse("resolves to '" + Real + "', outside the source root '" + Root +
               "' (see --source-root)");
      else
        Refuse("is outside the source root '" + Root + "' (see --source-root)");
      continue;
    }

    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> Buf = readRegularFile(Real);
    if (!Buf) {
      Refuse("cannot be read: " + llvm::toString(Buf.takeError()));
      continue;
    }
    llvm::StringRef Text = (*Buf)->getBuffer();
    uint64_t Hash = llvm::xxh3_64bits(Text);
    // The offsets are only valid for the content the analysis read (an
    // editor or formatter may have saved the file since).
    const std::set<uint64_t> &Seen = KV.second.Hashes;
    if (Seen.size() > 1 || (Seen.size() == 1 && *Seen.begin() != Hash)) {
      Refuse("changed after it was analyzed");
      continue;
    }
    unsigned Applied = 0, Overlapping = 0;
    std::optional<std::string> Out =
        applyEdits(Real, Text, Edits, Display, Log, Applied, Overlapping);
    if (!Out) {
      Refuse("changed after it was analyzed (a fix-it lies past its end)");
      continue;
    }
    Sum.Skipped += Overlapping;
    if (Applied == 0)
      continue;
    // Checked again right before the rename, for a save while we write.
    auto StillTheSame = [&]() -> llvm::Error {
      llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> Now = readRegularFile(Real);
      if (!Now)
        return Now.takeError();
      if (llvm::xxh3_64bits((*Now)->getBuffer()) != Hash)
        return llvm::createStringError(
            std::make_error_code(std::errc::device_or_resource_busy),
            "changed while it was being fixed");
      return llvm::Error::success();
    };
    if (llvm::Error Err = writeOutput(
            Real, [&](llvm::raw_ostream &OS) { OS << *Out; }, StillTheSame)) {
      Refuse(llvm::Twine("could not be written: ") + llvm::toString(std::move(Err)));
      continue;
    }
    Sum.Applied += Applied;
    ++Sum.FilesChanged;
  }
  return Sum;
}

llvm::Error exportFixes(const std::vector<Finding> &Findings,
                        llvm::StringRef YamlPath) {
  clang::tooling::TranslationUnitDiagnostics TUD;
  for (const Finding &F : Findings) {
    if (F.Suppressed || F.Fixes.empty())
      continue;
    clang::tooling::DiagnosticMessage Msg;
    Msg.Message = F.Message;
    Msg.FilePath = F.Where.File;
    Msg.FileOffset = F.Where.Offset;
    for (const FixIt &X : F.Fixes) {
      clang::tooling::Replacement R(X.Where.File, X.Where.Offset,
                                    X.Where.Length, X.Replacement);
      llvm::consumeError(Msg.Fix[X.Where.File].add(R));
    }
    clang::tooling::Diagnostic D(F.RuleId, Msg, {},
                                 F.Level == Severity::Error
                                     ? clang::tooling::Diagnostic::Error
                                     : clang::tooling::Diagnostic::Warning,
                                 "");
    TUD.Diagnostics.push_back(std::move(D));
  }
  return writeOutput(YamlPath, [&](llvm::raw_ostream &OS) {
    llvm::yaml::Output YAML(OS);
    YAML << TUD;
  });
}

} // namespace factoryguard

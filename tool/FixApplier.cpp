//===- FixApplier.cpp - --fix and --export-fixes -------------------------===//
#include "FixApplier.h"

#include "TextReporter.h"
#include "clang/Tooling/Core/Diagnostic.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/YAMLTraits.h"

#include <algorithm>
#include <map>
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

std::map<std::string, std::vector<Edit>>
editsByFile(const std::vector<Finding> &Findings) {
  std::map<std::string, std::vector<Edit>> Out;
  for (const Finding &F : Findings) {
    if (F.Suppressed)
      continue;
    for (const FixIt &X : F.Fixes)
      Out[X.Where.File].push_back({X.Where.Offset, X.Where.Length, X.Replacement});
  }
  for (auto &KV : Out) {
    std::sort(KV.second.begin(), KV.second.end());
    KV.second.erase(std::unique(KV.second.begin(), KV.second.end()),
                    KV.second.end());
  }
  return Out;
}

bool writeAtomically(const std::string &Path, llvm::StringRef Text,
                     llvm::raw_ostream &Log) {
  llvm::SmallString<256> Tmp;
  int FD;
  std::string Model = Path + ".factoryguard-%%%%%%";
  if (auto EC = llvm::sys::fs::createUniqueFile(Model, FD, Tmp)) {
    Log << "factoryguard: error: cannot write beside '" << displayPath(Path)
        << "': " << EC.message() << "; file left unchanged\n";
    return false;
  }
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Text;
    OS.flush();
    if (OS.has_error()) {
      Log << "factoryguard: error: cannot write '" << Tmp << "': "
          << OS.error().message() << "; '" << displayPath(Path)
          << "' left unchanged\n";
      OS.clear_error();
      llvm::sys::fs::remove(Tmp);
      return false;
    }
  }
  llvm::sys::fs::file_status St;
  if (!llvm::sys::fs::status(Path, St))
    llvm::sys::fs::setPermissions(Tmp, St.permissions());
  if (auto EC = llvm::sys::fs::rename(Tmp, Path)) {
    Log << "factoryguard: error: cannot replace '" << displayPath(Path)
        << "': " << EC.message() << "; file left unchanged\n";
    llvm::sys::fs::remove(Tmp);
    return false;
  }
  return true;
}
} // namespace

FixSummary applyFixes(const std::vector<Finding> &Findings, llvm::raw_ostream &Log) {
  FixSummary Sum;
  for (auto &KV : editsByFile(Findings)) {
    const std::string &Path = KV.first;
    std::vector<Edit> &Edits = KV.second;
    auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false);
    if (!Buf) {
      Log << "factoryguard: error: cannot read '" << displayPath(Path)
          << "' to fix it: " << Buf.getError().message() << "\n";
      Sum.Skipped += Edits.size();
      continue;
    }
    llvm::StringRef Text = (*Buf)->getBuffer();
    // Overlapping edits: skip both (and any others they overlap).
    std::vector<bool> Drop(Edits.size(), false);
    for (size_t I = 0; I < Edits.size(); ++I)
      for (size_t J = I + 1; J < Edits.size(); ++J) {
        const Edit &A = Edits[I], &B = Edits[J];
        bool Overlap = B.Offset < A.Offset + A.Length ||
                       (A.Offset == B.Offset && (A.Length == 0 || B.Length == 0));
        if (Overlap)
          Drop[I] = Drop[J] = true;
      }
    std::string Out;
    unsigned Pos = 0, Applied = 0;
    for (size_t I = 0; I < Edits.size(); ++I) {
      const Edit &E = Edits[I];
      if (Drop[I]) {
        Log << "factoryguard: warning: overlapping fix-its at "
            << displayPath(Path) << " offset " << E.Offset
            << " were not applied\n";
        ++Sum.Skipped;
        continue;
      }
      if (E.Offset + E.Length > Text.size()) {
        Log << "factoryguard: warning: '" << displayPath(Path)
            << "' changed since it was analyzed; its fix-its were not applied\n";
        Sum.Skipped += Edits.size();
        Applied = 0;
        Out.clear();
        Pos = ~0u;
        break;
      }
      Out += Text.slice(Pos, E.Offset).str();
      Out += E.Text;
      Pos = E.Offset + E.Length;
      ++Applied;
    }
    if (Pos == ~0u || Applied == 0)
      continue;
    Out += Text.drop_front(Pos).str();
    if (writeAtomically(Path, Out, Log)) {
      Sum.Applied += Applied;
      ++Sum.FilesChanged;
    } else {
      Sum.Skipped += Applied;
    }
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
  std::string Text;
  {
    llvm::raw_string_ostream OS(Text);
    llvm::yaml::Output YAML(OS);
    YAML << TUD;
  }
  std::error_code EC;
  llvm::raw_fd_ostream OS(YamlPath, EC, llvm::sys::fs::OF_Text);
  if (EC)
    return llvm::createStringError(EC, "cannot write '%s': %s",
                                   YamlPath.str().c_str(), EC.message().c_str());
  OS << Text;
  return llvm::Error::success();
}

} // namespace factoryguard

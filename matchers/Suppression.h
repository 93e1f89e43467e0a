//===- Suppression.h - NOLINT, NOLINTNEXTLINE, NOLINTBEGIN/END -----------===//
//
// clang-tidy's suppression comments, applied to findings after analysis (the
// clang-tidy plugin gets clang-tidy's own handling of the same comments).
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_SUPPRESSION_H
#define FACTORYGUARD_SUPPRESSION_H

#include "Finding.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <map>
#include <string>
#include <vector>

namespace factoryguard {

class SuppressionIndex {
public:
  /// Comments are read from FS (the language server's unsaved buffers over
  /// the disk); null reads the disk.
  explicit SuppressionIndex(
      llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS = nullptr)
      : FS(std::move(FS)) {}
  /// Marks F.Suppressed (and F.SuppressionText) when a comment in its file
  /// suppresses its rule on its line.
  void apply(Finding &F);

private:
  struct Region {
    unsigned FromLine, ToLine; // inclusive
    std::string Globs;         // "" = every rule
    std::string Text;
  };
  const std::vector<Region> &regionsFor(const std::string &File);
  std::map<std::string, std::vector<Region>> Cache;
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS;
};

/// Parses the suppression comments of one file's text (exposed for tests).
struct SuppressionComment {
  enum KindT { SameLine, NextLine, Begin, End } Kind;
  unsigned Line;
  std::string Globs; // inside the parentheses; "" when none
  std::string Text;  // the comment as written
};
std::vector<SuppressionComment> parseSuppressions(const std::string &Text);

} // namespace factoryguard

#endif

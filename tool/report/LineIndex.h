//===- LineIndex.h - Lines of a source text, counted as clang counts them -===//
//
// The one line index of the reports: the text and SARIF writers turn clang's
// 1-based line and byte column into offsets and source lines with it, and
// the language server's positions (lsp::LineTable) are counted on its lines.
// \n, \r\n and \r each end a line, as in clang's SourceManager. Line starts and
// ends are found in one pass, so that a line is a slice in O(1): a report of
// many findings on one long (generated) line stays linear.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_LINEINDEX_H
#define FACTORYGUARD_LINEINDEX_H

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

namespace factoryguard {

class LineIndex {
public:
  /// Text must outlive the index.
  explicit LineIndex(llvm::StringRef Text) : Text(Text) {
    Starts.push_back(0);
    for (size_t I = 0, E = Text.size(); I < E; ++I) {
      if (Text[I] != '\n' && Text[I] != '\r')
        continue;
      Ends.push_back(I);
      if (Text[I] == '\r' && I + 1 < E && Text[I + 1] == '\n')
        ++I;
      Starts.push_back(I + 1);
    }
    Ends.push_back(Text.size());
  }

  /// How many lines: one more than line breaks (the empty line after a
  /// final break counts, as clang can point at it).
  unsigned lineCount() const { return static_cast<unsigned>(Starts.size()); }

  /// The text of a 1-based line without its line break; "" past the end.
  llvm::StringRef line(unsigned Line) const {
    if (Line == 0 || Line > Starts.size())
      return "";
    return Text.slice(Starts[Line - 1], Ends[Line - 1]);
  }

  /// Byte offsets of a 1-based line's start and of its break (or the
  /// text's end); the line must exist (1 <= Line <= lineCount()).
  size_t lineStart(unsigned Line) const { return Starts[Line - 1]; }
  size_t lineEnd(unsigned Line) const { return Ends[Line - 1]; }

  /// Byte offset of a 1-based line and byte column.
  std::optional<size_t> offsetOf(unsigned Line, unsigned Column) const {
    if (Line == 0 || Line > Starts.size() || Column == 0)
      return std::nullopt;
    size_t Offset = Starts[Line - 1] + Column - 1;
    if (Offset > Text.size())
      return std::nullopt;
    return Offset;
  }

  /// 1-based line and byte column of a byte offset.
  std::pair<unsigned, unsigned> lineColumnOf(size_t Offset) const {
    Offset = std::min(Offset, Text.size());
    auto It = std::upper_bound(Starts.begin(), Starts.end(), Offset);
    size_t Index = static_cast<size_t>(It - Starts.begin()) - 1;
    return {static_cast<unsigned>(Index + 1),
            static_cast<unsigned>(Offset - Starts[Index] + 1)};
  }

private:
  llvm::StringRef Text;
  std::vector<size_t> Starts; // offset of each line
  std::vector<size_t> Ends;   // offset of each line's break (or the end)
};

} // namespace factoryguard

#endif

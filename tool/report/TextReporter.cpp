//===- TextReporter.cpp - clang-style text output ------------------------===//
//
// Paths, messages and source lines come from the analyzed code: each is
// printed through Printable.h, so none can add a line or reach the
// terminal as a control sequence, and the caret line is drawn in the
// printed columns of the escaped snippet.
//
//===----------------------------------------------------------------------===//
#include "TextReporter.h"

#include "LineIndex.h"
#include "Paths.h"
#include "Printable.h"
#include "ReportedSource.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace factoryguard {

namespace {

/// The lines of the files findings point into, each file read once and its
/// line starts indexed once.
class SourceLines {
public:
  explicit SourceLines(llvm::StringRef Root) : Root(Root) {}
  llvm::StringRef line(const std::string &File, unsigned Line) {
    Entry &E = Files[File];
    if (!E.Loaded) {
      E.Loaded = true;
      E.Buf = readReportedSource(File, Root);
      if (!E.Buf)
        return "";
      E.Lines.emplace(E.Buf->getBuffer());
    }
    return E.Lines ? E.Lines->line(Line) : "";
  }

private:
  struct Entry {
    bool Loaded = false;
    std::unique_ptr<llvm::MemoryBuffer> Buf;
    std::optional<LineIndex> Lines; // into Buf
  };
  llvm::StringRef Root;
  std::map<std::string, Entry> Files;
};

void printLocation(llvm::raw_ostream &OS, const SourceRange &R, bool Colors) {
  if (Colors)
    OS.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
  OS << displayPath(R.File) << ":" << R.Line << ":" << R.Column << ": ";
  if (Colors)
    OS.resetColor();
}

void printLevel(llvm::raw_ostream &OS, llvm::StringRef Level, bool Colors) {
  if (Colors) {
    auto Color = Level == "error"     ? llvm::raw_ostream::RED
                 : Level == "warning" ? llvm::raw_ostream::MAGENTA
                                      : llvm::raw_ostream::CYAN;
    OS.changeColor(Color, true);
  }
  OS << Level << ": ";
  if (Colors)
    OS.resetColor();
}

/// Lines up to this many bytes are printed whole; a longer one (generated
/// code, minified sources) as a window of WindowBytes around the caret with
/// "..." where it was cut, as clang clips lines to the terminal width. A
/// 1 MB line is then not repeated per finding.
constexpr size_t MaxWholeLine = 512;
constexpr size_t WindowBytes = 200;
constexpr size_t WindowBeforeCaret = 80;

bool isUtf8Continuation(char C) { return (static_cast<unsigned char>(C) & 0xC0) == 0x80; }

/// The part [From, To) of a line that is shown: the whole line, or for a
/// long one a window around the caret.
std::pair<size_t, size_t> shownPart(llvm::StringRef Text, size_t Caret) {
  if (Text.size() <= MaxWholeLine)
    return {0, Text.size()};
  size_t From = Caret > WindowBeforeCaret ? Caret - WindowBeforeCaret : 0;
  size_t To = std::min(Text.size(), From + WindowBytes);
  if (To - From < WindowBytes)
    From = To > WindowBytes ? To - WindowBytes : 0;
  // Cut between characters, not inside a UTF-8 sequence.
  while (From > 0 && From < Caret && isUtf8Continuation(Text[From]))
    ++From;
  while (To < Text.size() && To > Caret + 1 && isUtf8Continuation(Text[To]))
    --To;
  return {From, To};
}

/// The caret line under a printed snippet: blanks (a TAB where the source
/// has one) up to the caret's printed column, '^', '~' to the range's end.
/// Caret and RangeEnd are byte offsets into the shown part.
std::string caretLine(const PrintedLine &Shown, size_t Indent, size_t Caret,
                      size_t RangeEnd) {
  std::string Marks(Indent, ' ');
  for (size_t B = 0; B < Caret; ++B) {
    if (Shown.IsTab[B])
      Marks += '\t';
    else
      Marks.append(Shown.ColumnOf[B + 1] - Shown.ColumnOf[B], ' ');
  }
  Marks += '^';
  unsigned CaretColumn = Shown.ColumnOf[Caret];
  unsigned EndColumn = Shown.ColumnOf[std::max(RangeEnd, Caret)];
  if (EndColumn > CaretColumn + 1)
    Marks.append(EndColumn - CaretColumn - 1, '~');
  return Marks;
}

void printSnippet(llvm::raw_ostream &OS, SourceLines &Lines,
                  const SourceRange &R, bool Colors) {
  llvm::StringRef Text = Lines.line(R.File, R.Line);
  if (Text.empty() && R.Column > 1)
    return;
  // 0-based: the caret's byte, and the end (exclusive) of the range on this
  // line.
  size_t Caret = std::min<size_t>(R.Column ? R.Column - 1 : 0, Text.size());
  size_t RangeEnd = R.EndLine != R.Line ? Text.size()
                    : R.EndColumn        ? R.EndColumn - 1
                                         : 0;
  auto [From, To] = shownPart(Text, Caret);
  llvm::StringRef Cut = From > 0 ? "..." : "";
  PrintedLine Shown = printableLine(Text.slice(From, To));
  OS << Cut << Shown.Text << (To < Text.size() ? "..." : "") << "\n";
  size_t ShownCaret = std::min(Caret, To) - From;
  size_t ShownEnd = std::clamp(RangeEnd, From, To) - From;
  std::string Marks = caretLine(Shown, Cut.size(), ShownCaret, ShownEnd);
  if (Colors)
    OS.changeColor(llvm::raw_ostream::GREEN, true);
  OS << Marks;
  if (Colors)
    OS.resetColor();
  OS << "\n";
}

} // namespace

void renderText(const std::vector<Finding> &Findings, llvm::raw_ostream &OS,
                bool Colors, llvm::StringRef SourceRoot) {
  SourceLines Lines(SourceRoot);
  for (const Finding &F : Findings) {
    if (F.Suppressed)
      continue;
    printLocation(OS, F.Where, Colors);
    printLevel(OS, severityName(F.Level), Colors);
    if (Colors)
      OS.changeColor(llvm::raw_ostream::SAVEDCOLOR, true);
    OS << printable(F.Message) << " [" << printable(F.RuleId) << "]";
    if (Colors)
      OS.resetColor();
    OS << "\n";
    printSnippet(OS, Lines, F.Where, Colors);
    for (size_t I = 0; I < F.Chain.size(); ++I) {
      const ChainStep &S = F.Chain[I];
      printLocation(OS, S.Where, Colors);
      printLevel(OS, "note", Colors);
      OS << "call chain " << (I + 1) << "/" << F.Chain.size() << ": "
         << printable(S.Message) << "\n";
      printSnippet(OS, Lines, S.Where, Colors);
    }
    for (const Note &N : F.Notes) {
      printLocation(OS, N.Where, Colors);
      printLevel(OS, "note", Colors);
      OS << printable(N.Message) << "\n";
      printSnippet(OS, Lines, N.Where, Colors);
    }
    for (const FixIt &Fix : F.Fixes) {
      printLocation(OS, Fix.Where, Colors);
      printLevel(OS, "note", Colors);
      OS << "fix-it: " << (Fix.Where.Length ? "replace with '" : "insert '")
         << printable(Fix.Replacement) << "'\n";
    }
  }
}

} // namespace factoryguard

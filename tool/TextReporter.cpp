//===- TextReporter.cpp - clang-style text output ------------------------===//
#include "TextReporter.h"

#include "LineIndex.h"
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

std::string displayPath(const std::string &Path) {
  llvm::SmallString<256> Cwd;
  if (llvm::sys::fs::current_path(Cwd))
    return Path;
  std::string Prefix = std::string(Cwd) + "/";
  if (llvm::StringRef(Path).starts_with(Prefix))
    return Path.substr(Prefix.size());
  return Path;
}

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
  size_t From = 0, To = Text.size();
  if (Text.size() > MaxWholeLine) {
    From = Caret > WindowBeforeCaret ? Caret - WindowBeforeCaret : 0;
    To = std::min(Text.size(), From + WindowBytes);
    if (To - From < WindowBytes)
      From = To > WindowBytes ? To - WindowBytes : 0;
    // Cut between characters, not inside a UTF-8 sequence.
    while (From > 0 && From < Caret && isUtf8Continuation(Text[From]))
      ++From;
    while (To < Text.size() && To > Caret + 1 && isUtf8Continuation(Text[To]))
      --To;
  }
  llvm::StringRef Cut = From > 0 ? "..." : "";
  OS << Cut << Text.slice(From, To) << (To < Text.size() ? "..." : "") << "\n";
  std::string Marks(Cut.size(), ' ');
  for (size_t C = From; C < Caret; ++C)
    Marks += Text[C] == '\t' ? '\t' : ' ';
  Marks += '^';
  for (size_t C = Caret + 1; C < std::min(RangeEnd, To); ++C)
    Marks += '~';
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
    OS << F.Message << " [" << F.RuleId << "]";
    if (Colors)
      OS.resetColor();
    OS << "\n";
    printSnippet(OS, Lines, F.Where, Colors);
    for (size_t I = 0; I < F.Chain.size(); ++I) {
      const ChainStep &S = F.Chain[I];
      printLocation(OS, S.Where, Colors);
      printLevel(OS, "note", Colors);
      OS << "call chain " << (I + 1) << "/" << F.Chain.size() << ": "
         << S.Message << "\n";
      printSnippet(OS, Lines, S.Where, Colors);
    }
    for (const Note &N : F.Notes) {
      printLocation(OS, N.Where, Colors);
      printLevel(OS, "note", Colors);
      OS << N.Message << "\n";
      printSnippet(OS, Lines, N.Where, Colors);
    }
    for (const FixIt &Fix : F.Fixes) {
      printLocation(OS, Fix.Where, Colors);
      printLevel(OS, "note", Colors);
      OS << "fix-it: " << (Fix.Where.Length ? "replace with '" : "insert '")
         << Fix.Replacement << "'\n";
    }
  }
}

} // namespace factoryguard

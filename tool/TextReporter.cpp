//===- TextReporter.cpp - clang-style text output ------------------------===//
#include "TextReporter.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>
#include <memory>

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

class SourceLines {
public:
  llvm::StringRef line(const std::string &File, unsigned Line) {
    auto &Buf = Files[File];
    if (!Buf) {
      auto B = llvm::MemoryBuffer::getFile(File, true);
      if (!B)
        return "";
      Buf = std::move(*B);
    }
    llvm::StringRef Text = Buf->getBuffer();
    for (unsigned L = 1; L < Line; ++L) {
      size_t NL = Text.find('\n');
      if (NL == llvm::StringRef::npos)
        return "";
      Text = Text.drop_front(NL + 1);
    }
    return Text.take_until([](char C) { return C == '\n' || C == '\r'; });
  }

private:
  std::map<std::string, std::unique_ptr<llvm::MemoryBuffer>> Files;
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

void printSnippet(llvm::raw_ostream &OS, SourceLines &Lines,
                  const SourceRange &R, bool Colors) {
  llvm::StringRef Text = Lines.line(R.File, R.Line);
  if (Text.empty() && R.Column > 1)
    return;
  OS << Text << "\n";
  std::string Marks;
  for (unsigned C = 1; C < R.Column && C <= Text.size(); ++C)
    Marks += Text[C - 1] == '\t' ? '\t' : ' ';
  Marks += '^';
  unsigned End = R.EndLine == R.Line ? R.EndColumn : Text.size() + 1;
  for (unsigned C = R.Column + 1; C < End; ++C)
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
                bool Colors) {
  SourceLines Lines;
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

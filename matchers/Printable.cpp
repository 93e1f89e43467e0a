//===- Printable.cpp - Text from files and users, safe to print on a line -===//
//
// One walk over the text, a character at a time, as clang's
// printableTextForNextCharacter does; see Printable.h for what is escaped
// and why.
//
//===----------------------------------------------------------------------===//
#include "Printable.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Unicode.h"

namespace factoryguard {

namespace {

/// One character of the text as it is printed.
struct Printed {
  std::string Text;
  unsigned Bytes = 1; // of the original text
  unsigned Width = 1; // display cells
  bool IsTab = false;
};

bool isControl(uint32_t CodePoint) {
  return (CodePoint < 0x20 && CodePoint != '\t') ||
         (CodePoint >= 0x7F && CodePoint <= 0x9F);
}

std::string codePointEscape(uint32_t CodePoint) {
  std::string Hex = llvm::utohexstr(CodePoint, /*LowerCase=*/false);
  return "<U+" + std::string(4 - std::min<size_t>(4, Hex.size()), '0') + Hex +
         ">";
}

std::string byteEscape(unsigned char Byte) {
  return "<" + llvm::utohexstr(Byte, /*LowerCase=*/false, /*Width=*/2) + ">";
}

/// The character that starts at Text's first byte.
Printed nextCharacter(llvm::StringRef Text) {
  Printed P;
  auto First = static_cast<unsigned char>(Text[0]);
  if (First == '\t') {
    P.Text = "\t";
    P.IsTab = true;
    return P;
  }
  unsigned Size = llvm::getNumBytesForUTF8(First);
  const auto *Begin = reinterpret_cast<const llvm::UTF8 *>(Text.data());
  if (Size > Text.size() || !llvm::isLegalUTF8Sequence(Begin, Begin + Size)) {
    P.Text = byteEscape(First);
    P.Width = P.Text.size();
    return P;
  }
  llvm::UTF32 CodePoint = 0;
  const llvm::UTF8 *Cursor = Begin;
  llvm::convertUTF8Sequence(&Cursor, Begin + Size, &CodePoint,
                            llvm::strictConversion);
  P.Bytes = Size;
  if (isControl(CodePoint)) {
    P.Text = codePointEscape(CodePoint);
    P.Width = P.Text.size();
    return P;
  }
  P.Text = Text.take_front(Size).str();
  int Width = llvm::sys::unicode::columnWidthUTF8(P.Text);
  P.Width = Width < 0 ? 1 : static_cast<unsigned>(Width);
  return P;
}

} // namespace

std::string printable(llvm::StringRef Text) {
  std::string Out;
  Out.reserve(Text.size());
  while (!Text.empty()) {
    Printed P = nextCharacter(Text);
    Out += P.Text;
    Text = Text.drop_front(P.Bytes);
  }
  return Out;
}

std::string printableLines(llvm::StringRef Text) {
  std::string Out;
  Out.reserve(Text.size());
  while (!Text.empty()) {
    auto [Line, Rest] = Text.split('\n');
    Out += printable(Line);
    if (Line.size() < Text.size())
      Out += '\n';
    Text = Rest;
  }
  return Out;
}

PrintedLine printableLine(llvm::StringRef Line) {
  PrintedLine Out;
  Out.Text.reserve(Line.size());
  Out.ColumnOf.reserve(Line.size() + 1);
  Out.IsTab.reserve(Line.size());
  unsigned Column = 0;
  for (size_t I = 0; I < Line.size();) {
    Printed P = nextCharacter(Line.drop_front(I));
    Out.Text += P.Text;
    for (unsigned B = 0; B < P.Bytes; ++B) {
      Out.ColumnOf.push_back(Column);
      Out.IsTab.push_back(P.IsTab);
    }
    Column += P.Width;
    I += P.Bytes;
  }
  Out.ColumnOf.push_back(Column);
  return Out;
}

std::string errorLine(llvm::StringRef Tool, llvm::StringRef Message) {
  // Located: ": error: " comes before any quoted text.
  size_t Level = Message.find(": error: ");
  bool Located = Level != llvm::StringRef::npos && Level > 0 &&
                 Message.take_front(Level).find('\'') == llvm::StringRef::npos;
  if (Located)
    return printable(Message);
  return printable(Tool) + ": error: " + printable(Message);
}

} // namespace factoryguard

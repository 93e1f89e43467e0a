//===- Printable.h - Text from files and users, safe to print on a line ---===//
//
// File names, source lines, messages quoting them and configuration entries
// come from the code under analysis: a pull request chooses them. Printed
// raw, a newline in a file name forges a whole diagnostic line (CI problem
// matchers read them) and an ESC sequence reaches the terminal. Every line
// the CLI prints about such text goes through printable(), which writes
// what clang's TextDiagnostic writes for a source line: a control character
// (below U+0020 except TAB, U+007F, U+0080 to U+009F) as `<U+001B>`, a byte
// that is not part of valid UTF-8 as `<FF>`; valid UTF-8 stays as it is.
// SARIF and the language server are JSON and escape on their own.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_PRINTABLE_H
#define FACTORYGUARD_PRINTABLE_H

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace factoryguard {

/// Text with its control characters and invalid UTF-8 escaped; no line
/// break is left in it.
std::string printable(llvm::StringRef Text);

/// Text of several lines (clang's rendering of a unit's errors): each line
/// escaped as printable() does, its line breaks kept.
std::string printableLines(llvm::StringRef Text);

/// A source line as printed under a diagnostic, with the display column of
/// each of its bytes, so that a caret line drawn under it lines up.
struct PrintedLine {
  std::string Text;
  /// Column (0-based, in printed cells) where byte I of the line starts;
  /// one more entry for the end of the line.
  std::vector<unsigned> ColumnOf;
  /// Whether byte I is a TAB (the caret line repeats it, so that the
  /// terminal expands both alike).
  std::vector<bool> IsTab;
};
PrintedLine printableLine(llvm::StringRef Line);

/// The line that reports an error of Tool ("factoryguard"), escaped: a
/// Message that names its own location, as a configuration or database
/// error does (`<path>:L:C: error: ...`), as it is; any other as
/// `<Tool>: error: <Message>`. No line break.
std::string errorLine(llvm::StringRef Tool, llvm::StringRef Message);

} // namespace factoryguard

#endif

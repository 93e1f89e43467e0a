//===- LspProtocol.h - JSON-RPC framing, URIs and positions for the LSP ---===//
//
// The pieces of the Language Server Protocol that do not depend on what the
// server does: reading and writing Content-Length framed messages, file://
// URIs, and the conversion of clang's 1-based byte columns to LSP positions
// (0-based, in UTF-16 code units unless the client accepts UTF-8).
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_LSPPROTOCOL_H
#define FACTORYGUARD_LSPPROTOCOL_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace factoryguard {
namespace lsp {

/// JSON-RPC error codes (JSON-RPC 2.0 and LSP 3.17).
enum ErrorCode {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  ServerNotInitialized = -32002,
};

/// Reads Content-Length framed messages from a file descriptor. The client
/// is input, not trusted: memory stays bounded whatever it sends. A header
/// line longer than MaxHeaderLine is an error, and what follows is skipped
/// to the next `Content-Length` or line end (the next message, for a client
/// that frames the rest right); a Content-Length above MaxBody is an error
/// too, and its body is neither read nor allocated: the bytes that follow
/// are read as headers again, so a client whose next message is framed
/// right is answered.
class MessageReader {
public:
  static constexpr size_t MaxHeaderLine = 4096;
  static constexpr uint64_t MaxBody = 64ull << 20;

  explicit MessageReader(int Fd) : Fd(Fd) {}
  enum class Status { Message, BadHeader, End };
  /// The next message body. BadHeader: a header block without a usable
  /// Content-Length, or a header line too long (Error says why); the bad
  /// part is consumed and reading can go on. End: end of input.
  Status next(std::string &Body, std::string &Error);

private:
  enum class LineStatus { Line, TooLong, End };
  bool fill();
  LineStatus readLine(std::string &Line);
  void skipLongLine();
  int Fd;
  std::string Buf;
  size_t Pos = 0;
  bool Eof = false;
};

/// "Content-Length: N\r\n\r\n" + the JSON text of Msg.
std::string frame(const llvm::json::Value &Msg);

/// The local path of a file:// URI (percent-decoded); nullopt otherwise.
std::optional<std::string> uriToPath(llvm::StringRef Uri);
/// file:// URI of an absolute path, percent-encoded as VS Code does.
std::string pathToUri(llvm::StringRef Path);

/// Line starts and ends of one text, for position conversion both ways.
/// Lines are those of LineIndex (\n, \r\n and a lone \r end a line, as in
/// clang), so a diagnostic lands on the line clang reported.
class LineTable {
public:
  explicit LineTable(std::string Text);
  /// LSP position of a 1-based line and 1-based byte column (clamped to
  /// the text).
  llvm::json::Value position(unsigned Line, unsigned ByteColumn) const;
  /// LSP position of a byte offset.
  llvm::json::Value positionOfOffset(size_t Offset) const;
  /// Byte offset of an LSP position (clamped to its line).
  size_t offsetOf(int64_t Line, int64_t Character) const;
  const std::string &text() const { return Text; }
  bool Utf8 = false; // positions count bytes, not UTF-16 code units

private:
  int64_t units(size_t LineStart, size_t Offset) const;
  size_t lineEnd(size_t Line) const { return Ends[Line]; }
  std::string Text;
  std::vector<size_t> Starts; // 0-based line -> offset of its start
  std::vector<size_t> Ends;   // 0-based line -> offset of its break
};

} // namespace lsp
} // namespace factoryguard

#endif

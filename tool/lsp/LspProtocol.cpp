//===- LspProtocol.cpp - JSON-RPC framing, URIs and positions -------------===//
#include "LspProtocol.h"

#include "LineIndex.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cerrno>
#include <unistd.h>

namespace factoryguard {
namespace lsp {

bool MessageReader::fill() {
  if (Eof)
    return false;
  if (Pos > 0) { // what was read is not kept
    Buf.erase(0, Pos);
    Pos = 0;
  }
  char Chunk[65536];
  for (;;) {
    ssize_t N = ::read(Fd, Chunk, sizeof(Chunk));
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0) {
      Eof = true;
      return false;
    }
    Buf.append(Chunk, static_cast<size_t>(N));
    return true;
  }
}

MessageReader::LineStatus MessageReader::readLine(std::string &Line) {
  for (;;) {
    size_t NL = Buf.find('\n', Pos);
    size_t Length = (NL == std::string::npos ? Buf.size() : NL) - Pos;
    if (Length > MaxHeaderLine) {
      skipLongLine();
      return LineStatus::TooLong;
    }
    if (NL != std::string::npos) {
      Line = Buf.substr(Pos, NL - Pos);
      if (!Line.empty() && Line.back() == '\r')
        Line.pop_back();
      Pos = NL + 1;
      return LineStatus::Line;
    }
    if (!fill()) {
      if (Pos < Buf.size()) { // a last line without its end
        Line = Buf.substr(Pos);
        Pos = Buf.size();
        return LineStatus::Line;
      }
      return LineStatus::End;
    }
  }
}

void MessageReader::skipLongLine() {
  // Up to the line's end, or to a Content-Length header after its start
  // (a client that lost the framing and sends the next message right).
  const llvm::StringRef Marker = "Content-Length:";
  size_t From = 1; // the long line itself may start with the marker
  for (;;) {
    llvm::StringRef Rest = llvm::StringRef(Buf).drop_front(Pos);
    size_t NL = Rest.find('\n');
    size_t Header = Rest.size() > From
                        ? Rest.drop_front(From).find_insensitive(Marker)
                        : llvm::StringRef::npos;
    if (Header != llvm::StringRef::npos)
      Header += From;
    size_t Stop = std::min(NL == llvm::StringRef::npos ? NL : NL + 1, Header);
    if (Stop != llvm::StringRef::npos) {
      Pos += Stop;
      return;
    }
    // Keep only what could be the start of a marker cut by the read.
    size_t Keep = std::min(Rest.size(), Marker.size() - 1);
    Pos = Buf.size() - Keep;
    From = 0;
    if (!fill()) {
      Pos = Buf.size();
      return;
    }
  }
}

MessageReader::Status MessageReader::next(std::string &Body,
                                          std::string &Error) {
  std::optional<uint64_t> Length;
  bool Any = false;
  std::string Line;
  for (;;) {
    LineStatus S = readLine(Line);
    if (S == LineStatus::End)
      return Status::End;
    if (S == LineStatus::TooLong) {
      Error = "header line longer than " + std::to_string(MaxHeaderLine) +
              " bytes; skipped to the next Content-Length header";
      return Status::BadHeader;
    }
    if (Line.empty()) {
      if (!Any)
        continue; // blank lines between messages
      break;
    }
    Any = true;
    llvm::StringRef L(Line);
    auto [Name, Value] = L.split(':');
    if (Name.trim().equals_insensitive("content-length")) {
      uint64_t N;
      if (Value.trim().getAsInteger(10, N))
        Error = "bad Content-Length header '" + L.take_front(80).str() + "'";
      else if (N > MaxBody)
        Error = "Content-Length " + std::to_string(N) + " is over the " +
                std::to_string(MaxBody >> 20) +
                " MiB limit; the message is not read";
      else
        Length = N;
    } else if (!Name.trim().equals_insensitive("content-type") &&
               Error.empty()) {
      Error = "unexpected header line '" + L.take_front(80).str() + "'";
    }
  }
  if (!Length) {
    if (Error.empty())
      Error = "message without a Content-Length header";
    return Status::BadHeader;
  }
  while (Buf.size() - Pos < *Length)
    if (!fill())
      return Status::End;
  Body = Buf.substr(Pos, *Length);
  Pos += *Length;
  Error.clear();
  return Status::Message;
}

std::string frame(const llvm::json::Value &Msg) {
  std::string Json;
  llvm::raw_string_ostream OS(Json);
  OS << Msg;
  OS.flush();
  return "Content-Length: " + std::to_string(Json.size()) + "\r\n\r\n" + Json;
}

std::optional<std::string> uriToPath(llvm::StringRef Uri) {
  if (!Uri.consume_front("file://"))
    return std::nullopt;
  // file://localhost/path and file:///path; no other authority is local.
  if (!Uri.starts_with("/")) {
    if (!Uri.consume_front("localhost"))
      return std::nullopt;
  }
  std::string Out;
  for (size_t I = 0; I < Uri.size(); ++I) {
    unsigned Hi, Lo;
    if (Uri[I] == '%' && I + 2 < Uri.size() &&
        (Hi = llvm::hexDigitValue(Uri[I + 1])) != ~0u &&
        (Lo = llvm::hexDigitValue(Uri[I + 2])) != ~0u) {
      Out += static_cast<char>(Hi * 16 + Lo);
      I += 2;
    } else {
      Out += Uri[I];
    }
  }
  if (Out.empty() || Out[0] != '/')
    return std::nullopt;
  return Out;
}

std::string pathToUri(llvm::StringRef Path) {
  std::string Out = "file://";
  for (unsigned char C : Path) {
    if (llvm::isAlnum(C) || C == '/' || C == '-' || C == '_' || C == '.' ||
        C == '~') {
      Out += static_cast<char>(C);
    } else {
      Out += '%';
      Out += llvm::hexdigit(C >> 4, /*LowerCase=*/false);
      Out += llvm::hexdigit(C & 15, /*LowerCase=*/false);
    }
  }
  return Out;
}

LineTable::LineTable(std::string T) : Text(std::move(T)) {
  // The offsets are copied out: a LineIndex refers to the text, which moves
  // with the table.
  LineIndex Index(Text);
  for (unsigned L = 1; L <= Index.lineCount(); ++L) {
    Starts.push_back(Index.lineStart(L));
    Ends.push_back(Index.lineEnd(L));
  }
}

int64_t LineTable::units(size_t LineStart, size_t Offset) const {
  if (Utf8)
    return static_cast<int64_t>(Offset - LineStart);
  int64_t N = 0;
  for (size_t I = LineStart; I < Offset; ++I) {
    unsigned char C = static_cast<unsigned char>(Text[I]);
    if ((C & 0xC0) == 0x80)
      continue;             // continuation byte
    N += C >= 0xF0 ? 2 : 1; // outside the BMP: a surrogate pair
  }
  return N;
}

static llvm::json::Value makePosition(int64_t Line, int64_t Character) {
  return llvm::json::Object{{"line", Line}, {"character", Character}};
}

llvm::json::Value LineTable::position(unsigned Line,
                                      unsigned ByteColumn) const {
  if (Line == 0)
    return makePosition(0, 0);
  size_t L = std::min<size_t>(Line - 1, Starts.size() - 1);
  size_t Start = Starts[L];
  size_t End = lineEnd(L);
  size_t Off = std::min(Start + (ByteColumn ? ByteColumn - 1 : 0), End);
  return makePosition(static_cast<int64_t>(L), units(Start, Off));
}

llvm::json::Value LineTable::positionOfOffset(size_t Offset) const {
  Offset = std::min(Offset, Text.size());
  size_t L = std::upper_bound(Starts.begin(), Starts.end(), Offset) -
             Starts.begin() - 1;
  return makePosition(static_cast<int64_t>(L), units(Starts[L], Offset));
}

size_t LineTable::offsetOf(int64_t Line, int64_t Character) const {
  if (Line < 0)
    return 0;
  if (static_cast<size_t>(Line) >= Starts.size())
    return Text.size();
  size_t Start = Starts[Line];
  size_t End = lineEnd(static_cast<size_t>(Line));
  size_t I = Start;
  for (int64_t N = 0; I < End && N < Character;) {
    unsigned char C = static_cast<unsigned char>(Text[I]);
    size_t Len = C < 0x80    ? 1
                 : C >= 0xF0 ? 4
                 : C >= 0xE0 ? 3
                 : C >= 0xC0 ? 2
                             : 1;
    if (Utf8)
      Len = 1;
    N += (!Utf8 && C >= 0xF0) ? 2 : 1;
    I = std::min(I + Len, End);
  }
  return I;
}

} // namespace lsp
} // namespace factoryguard

//===- JsonParse.cpp - llvm::json::parse with a bound on nesting ----------===//
#include "JsonParse.h"

namespace factoryguard {

static_assert(MaxJsonDepth == 256, "the message below names the bound");

llvm::Expected<llvm::json::Value> parseJson(llvm::StringRef Text) {
  // Brackets outside strings; what is not JSON is left to LLVM's parser.
  unsigned Depth = 0, Line = 1;
  size_t LineStart = 0;
  bool InString = false;
  for (size_t I = 0, E = Text.size(); I < E; ++I) {
    char C = Text[I];
    if (C == '\n') {
      ++Line;
      LineStart = I + 1;
    }
    if (InString) {
      if (C == '\\')
        ++I;
      else if (C == '"')
        InString = false;
      continue;
    }
    if (C == '"') {
      InString = true;
    } else if (C == '[' || C == '{') {
      if (++Depth > MaxJsonDepth)
        // Line 1-based, column 0-based: as llvm::json::parse reports them.
        return llvm::make_error<llvm::json::ParseError>(
            "arrays and objects nest more than 256 levels deep", Line,
            I - LineStart, I);
    } else if ((C == ']' || C == '}') && Depth > 0) {
      --Depth;
    }
  }
  return llvm::json::parse(Text);
}

} // namespace factoryguard

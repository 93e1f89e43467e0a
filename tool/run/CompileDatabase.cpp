//===- CompileDatabase.cpp - compile_commands.json, read strictly --------===//
#include "CompileDatabase.h"

#include "Config.h"
#include "JsonParse.h"

#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <regex>

using namespace clang::tooling;

namespace factoryguard {

namespace {

llvm::Error fail(const llvm::Twine &Msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Msg);
}

/// Line and column (1-based) of byte Offset in Text.
std::pair<unsigned, unsigned> lineColumn(llvm::StringRef Text, size_t Offset) {
  unsigned Line = 1, Col = 1;
  for (size_t I = 0; I < Offset && I < Text.size(); ++I) {
    if (Text[I] == '\n') {
      ++Line;
      Col = 1;
    } else {
      ++Col;
    }
  }
  return {Line, Col};
}

/// Where each element of the top-level array of valid JSON Text starts.
std::vector<size_t> arrayElementOffsets(llvm::StringRef Text) {
  std::vector<size_t> Out;
  int Depth = 0;
  bool Expect = false;
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    if (C == ' ' || C == '\t' || C == '\n' || C == '\r')
      continue;
    if (Depth == 1 && Expect && C != ']') {
      Out.push_back(I);
      Expect = false;
    }
    if (C == '"') {
      for (++I; I < Text.size() && Text[I] != '"'; ++I)
        if (Text[I] == '\\')
          ++I;
    } else if (C == '[' || C == '{') {
      if (++Depth == 1)
        Expect = true;
    } else if (C == ']' || C == '}') {
      --Depth;
    } else if (C == ',' && Depth == 1) {
      Expect = true;
    }
  }
  return Out;
}

/// Why an entry's File (its Directory given) is not a file, as LLVM's
/// reader will see it (relative to Directory, native separators, dots
/// removed), or "" when it may be one. The reader indexes files by their
/// last components (clang::tooling::FileMatchTrie), and recursed until the
/// stack overflowed on two paths whose components do not spell them: ones
/// ending with a separator (a directory; a backslash is one for the
/// reader), or starting with a network root name ("//host").
std::string notAFile(llvm::StringRef Directory, llvm::StringRef File) {
  llvm::SmallString<256> Path;
  if (llvm::sys::path::is_relative(File)) {
    Path = Directory;
    llvm::sys::path::append(Path, File);
  } else {
    Path = File;
  }
  llvm::SmallString<256> Native;
  llvm::sys::path::native(Path, Native);
  llvm::sys::path::remove_dots(Native, /*remove_dot_dot=*/true);
  if (Native.empty())
    return "";
  if (llvm::sys::path::is_separator(Native.back()))
    return "it ends with a path separator";
  if (llvm::sys::path::has_root_name(Native))
    return "it starts with a network root name ('//host')";
  return "";
}

} // namespace

/// Reads compile_commands.json strictly. LLVM's reader (a YAML parser)
/// accepts a file cut at an entry boundary, keeping the entries so far, and
/// names no file in its errors; here the text must be JSON, an array of
/// objects with string "directory" and "file", and "command" (a string) or
/// "arguments" (strings). Every problem is "<path>:<line>:<col>: error: ...".
/// A relative "directory" is taken relative to the database's directory.
llvm::Expected<std::unique_ptr<CompilationDatabase>>
parseCompileDatabase(llvm::StringRef Text, llvm::StringRef PathRef) {
  std::string Path = PathRef.str();
  auto At = [&](size_t Offset, const llvm::Twine &Msg) {
    auto [Line, Col] = lineColumn(Text, Offset);
    return fail(Path + ":" + llvm::Twine(Line) + ":" + llvm::Twine(Col) +
                ": error: " + Msg);
  };
  llvm::Expected<llvm::json::Value> Parsed = parseJson(Text);
  if (!Parsed) {
    // llvm::json::ParseError reads "[<line>:<col>, byte=<n>]: <what>".
    std::string Msg = llvm::toString(Parsed.takeError());
    std::smatch M;
    static const std::regex Re(R"(^\[([0-9]+):([0-9]+), byte=[0-9]+\]: (.*)$)");
    if (std::regex_match(Msg, M, Re))
      return fail(Path + ":" + M[1].str() + ":" +
                  std::to_string(std::stoul(M[2].str()) + 1) + // 0-based

                  ": error: invalid JSON: " + M[3].str());
    return fail(Path + ": error: invalid JSON: " + Msg);
  }
  size_t First = Text.find_first_not_of(" \t\r\n");
  llvm::json::Array *Entries = Parsed->getAsArray();
  if (!Entries)
    return At(First == llvm::StringRef::npos ? 0 : First,
              "expected an array of compile commands");
  std::vector<size_t> Offsets = arrayElementOffsets(Text);
  llvm::SmallString<256> DbDir(llvm::sys::path::parent_path(Path));
  llvm::sys::fs::make_absolute(DbDir);
  llvm::json::Array Normalized;
  for (size_t I = 0; I < Entries->size(); ++I) {
    size_t Offset = I < Offsets.size() ? Offsets[I] : 0;
    std::string N = "compile command " + std::to_string(I + 1);
    const llvm::json::Object *O = (*Entries)[I].getAsObject();
    if (!O)
      return At(Offset, N + " is not an object");
    for (const char *Key : {"directory", "file", "command", "output"})
      if (const llvm::json::Value *V = O->get(Key); V && !V->getAsString())
        return At(Offset, N + ": \"" + Key + "\" must be a string");
    for (const char *Key : {"directory", "file"})
      if (!O->get(Key))
        return At(Offset, N + " has no \"" + Key + "\"");
    if (const llvm::json::Value *Args = O->get("arguments")) {
      const llvm::json::Array *A = Args->getAsArray();
      bool Strings = A && !A->empty();
      for (size_t J = 0; Strings && J < A->size(); ++J)
        Strings = (*A)[J].getAsString().has_value();
      if (!Strings)
        return At(Offset, N + ": \"arguments\" must be a non-empty array of "
                              "strings");
    } else if (!O->get("command")) {
      return At(Offset, N + " has neither \"command\" nor \"arguments\"");
    }
    llvm::json::Object Copy = *O;
    llvm::SmallString<256> Dir(*O->getString("directory"));
    if (!llvm::sys::path::is_absolute(Dir)) {
      llvm::SmallString<256> Abs(DbDir);
      llvm::sys::path::append(Abs, Dir);
      Dir = normalizePath(Abs);
    }
    if (std::string Why = notAFile(Dir, *O->getString("file")); !Why.empty())
      return At(Offset, N + ": \"file\" is not a file: " + Why);
    Copy["directory"] = std::string(Dir);
    Normalized.push_back(std::move(Copy));
  }
  std::string Json;
  llvm::raw_string_ostream(Json) << llvm::json::Value(std::move(Normalized));
  std::string Error;
  auto DB = JSONCompilationDatabase::loadFromBuffer(
      Json, Error, JSONCommandLineSyntax::AutoDetect);
  if (!DB)
    return fail(Path + ": error: " + Error);
  return std::unique_ptr<CompilationDatabase>(std::move(DB));
}

} // namespace factoryguard

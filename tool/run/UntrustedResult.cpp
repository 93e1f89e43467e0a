//===- UntrustedResult.cpp - A unit's results read back are input --------===//
#include "UntrustedResult.h"

#include "Config.h"
#include "LineIndex.h"
#include "ReportedSource.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"

#include <optional>
#include <tuple>

namespace factoryguard {

/// A file as read for the check, its lines indexed.
struct UntrustedResultChecker::Text {
  std::unique_ptr<llvm::MemoryBuffer> Buf;
  std::optional<LineIndex> Lines; // into Buf
  uint64_t Hash = 0;
};

namespace {

llvm::Error refuse(const llvm::Twine &Msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Msg);
}

/// Why a start (Line, Column) is not inside the file, or "".
std::string pointError(const LineIndex &L, unsigned Line, unsigned Column) {
  if (Line == 0 || Line > L.lineCount())
    return "line " + std::to_string(Line) + " is not one of its " +
           std::to_string(L.lineCount()) + " line(s)";
  size_t Length = L.line(Line).size();
  if (Column == 0 || Column > Length + 1)
    return "column " + std::to_string(Column) + " is not in line " +
           std::to_string(Line) + " (" + std::to_string(Length) + " bytes)";
  return "";
}

/// Why R is not a range inside the file (start, end, byte offset and
/// length), or "".
std::string rangeError(const LineIndex &L, size_t Size, const SourceRange &R) {
  std::string Start = pointError(L, R.Line, R.Column);
  if (!Start.empty())
    return Start;
  bool HasEnd = R.EndLine != 0 || R.EndColumn != 0;
  if (HasEnd) {
    std::string End = pointError(L, R.EndLine, R.EndColumn);
    if (!End.empty())
      return "its end: " + End;
    if (std::tie(R.EndLine, R.EndColumn) < std::tie(R.Line, R.Column))
      return "it ends before it starts";
  }
  std::optional<size_t> Offset = L.offsetOf(R.Line, R.Column);
  if (!Offset || *Offset != R.Offset)
    return "byte offset " + std::to_string(R.Offset) + " is not line " +
           std::to_string(R.Line) + " column " + std::to_string(R.Column);
  if (static_cast<uint64_t>(R.Offset) + R.Length > Size)
    return "its " + std::to_string(R.Length) + " byte(s) run past the end";
  return "";
}

std::string placeOf(const SourceRange &R) {
  return "'" + R.File + "':" + std::to_string(R.Line) + ":" +
         std::to_string(R.Column);
}

} // namespace

void forEachLocation(
    const std::vector<Finding> &Findings, const TUFacts &Facts,
    const std::vector<CallSite> &CallSites,
    llvm::function_ref<void(const SourceRange &, llvm::StringRef, bool)>
        Visit) {
  for (const Finding &F : Findings) {
    Visit(F.Where, "a finding", true);
    for (const Note &N : F.Notes)
      Visit(N.Where, "a note", true);
    for (const FixIt &X : F.Fixes)
      Visit(X.Where, "a fix-it", true);
    for (const ChainStep &S : F.Chain)
      Visit(S.Where, "a chain step", true);
  }
  for (const GraphNode &N : Facts.Nodes)
    Visit(N.Where, "a call-graph node", false);
  for (const GraphEdge &E : Facts.Edges)
    Visit(E.Site, "a call", false);
  Facts.Rules.forEach([&](llvm::StringRef, const RuleFacts &Own) {
    Own.forEachPlace([&](const SourceRange &R, llvm::StringRef What) {
      Visit(R, What, false);
    });
  });
  for (const CallSite &C : CallSites)
    Visit(C.Where, "a factory call site", false);
}

UntrustedResultChecker::UntrustedResultChecker(
    std::string SourceRoot, llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS)
    : Root(SourceRoot.empty() ? "" : normalizePath(SourceRoot)),
      FS(FS ? std::move(FS) : llvm::vfs::getRealFileSystem()) {}

UntrustedResultChecker::~UntrustedResultChecker() = default;

llvm::Error UntrustedResultChecker::check(
    const std::vector<Finding> &Findings, const TUFacts &Facts,
    const std::vector<CallSite> &CallSites, const FileHashes &Read) {
  llvm::Error First = llvm::Error::success();
  forEachLocation(
      Findings, Facts, CallSites,
      [&](const SourceRange &R, llvm::StringRef What, bool Reported) {
        if (First)
          return;
        First = checkLocation(R, What, Reported, Read);
      });
  return First;
}

llvm::Error UntrustedResultChecker::checkLocation(const SourceRange &R,
                                                  llvm::StringRef What,
                                                  bool Reported,
                                                  const FileHashes &Read) {
  if (R.File.empty())
    return llvm::Error::success(); // no place: nothing is opened for it
  const std::string &P = R.File;
  if (!llvm::sys::path::is_absolute(P) || normalizePath(P) != P)
    return refuse(What + " in '" + P + "', not a normalized absolute path");
  llvm::ErrorOr<llvm::vfs::Status> St = FS->status(P);
  if (St && !St->isRegularFile())
    return refuse(What + " in '" + P + "', which is not a regular file");
  if (Reported && !Root.empty() && !isUnderSourceRoot(P, Root))
    return refuse(What + " in '" + P + "', outside the source root '" + Root +
                  "' (see --source-root)");
  auto It = Read.find(P);
  if (It == Read.end())
    return refuse(What + " in '" + P + "', which is not a file its unit read");
  llvm::Expected<const Text *> T = textOf(P, It->second);
  if (!T)
    return refuse(What + " in '" + P + "': " + llvm::toString(T.takeError()));
  std::string Bad = rangeError(*(*T)->Lines, (*T)->Buf->getBufferSize(), R);
  if (!Bad.empty())
    return refuse(What + " at " + placeOf(R) +
                  ", a position outside the file: " + Bad);
  return llvm::Error::success();
}

llvm::Expected<const UntrustedResultChecker::Text *>
UntrustedResultChecker::textOf(const std::string &Path, uint64_t Hash) {
  std::unique_ptr<Text> &Slot = Texts[Path];
  if (!Slot) {
    auto Buf = FS->getBufferForFile(Path, /*FileSize=*/-1,
                                    /*RequiresNullTerminator=*/false);
    if (!Buf)
      return refuse("it cannot be read (" + Buf.getError().message() + ")");
    Slot = std::make_unique<Text>();
    Slot->Buf = std::move(*Buf);
    Slot->Lines.emplace(Slot->Buf->getBuffer());
    Slot->Hash = llvm::xxh3_64bits(Slot->Buf->getBuffer());
  }
  if (Slot->Hash != Hash)
    return refuse("its content differs from the one its unit read");
  return Slot.get();
}

} // namespace factoryguard

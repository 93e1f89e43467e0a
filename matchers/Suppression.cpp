//===- Suppression.cpp - NOLINT, NOLINTNEXTLINE, NOLINTBEGIN/END ---------===//
#include "Suppression.h"

#include "Rules.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

namespace factoryguard {

std::vector<SuppressionComment> parseSuppressions(const std::string &Text) {
  std::vector<SuppressionComment> Out;
  llvm::StringRef All(Text);
  unsigned Line = 1;
  size_t LineStart = 0;
  while (LineStart <= All.size()) {
    size_t LineEnd = All.find('\n', LineStart);
    if (LineEnd == llvm::StringRef::npos)
      LineEnd = All.size();
    llvm::StringRef L = All.slice(LineStart, LineEnd);
    size_t Pos = 0;
    while ((Pos = L.find("NOLINT", Pos)) != llvm::StringRef::npos) {
      llvm::StringRef Rest = L.drop_front(Pos + 6);
      SuppressionComment C;
      C.Line = Line;
      if (Rest.consume_front("NEXTLINE"))
        C.Kind = SuppressionComment::NextLine;
      else if (Rest.consume_front("BEGIN"))
        C.Kind = SuppressionComment::Begin;
      else if (Rest.consume_front("END"))
        C.Kind = SuppressionComment::End;
      else
        C.Kind = SuppressionComment::SameLine;
      size_t Len = L.size() - Pos - Rest.size();
      if (Rest.starts_with("(")) {
        size_t Close = Rest.find(')');
        if (Close == llvm::StringRef::npos) {
          Pos += Len; // malformed: clang-tidy ignores it too
          continue;
        }
        C.Globs = Rest.slice(1, Close).str();
        Len += Close + 1;
      }
      C.Text = L.substr(Pos, Len).str();
      Out.push_back(C);
      Pos += Len;
    }
    if (LineEnd == All.size())
      break;
    LineStart = LineEnd + 1;
    ++Line;
  }
  return Out;
}

namespace {
bool globsCover(const std::string &Globs, llvm::StringRef Rule) {
  if (llvm::StringRef(Globs).trim().empty())
    return true;
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  llvm::StringRef(Globs).split(Parts, ',', -1, false);
  for (llvm::StringRef P : Parts)
    if (globMatches(P.trim(), Rule))
      return true;
  return false;
}
} // namespace

const std::vector<SuppressionIndex::Region> &
SuppressionIndex::regionsFor(const std::string &File) {
  auto It = Cache.find(File);
  if (It != Cache.end())
    return It->second;
  std::vector<Region> &Regions = Cache[File];
  auto Buf = FS ? FS->getBufferForFile(File, -1, /*RequiresNullTerminator=*/false)
                : llvm::MemoryBuffer::getFile(File, /*IsText=*/true);
  if (!Buf)
    return Regions;
  std::vector<SuppressionComment> Comments =
      parseSuppressions((*Buf)->getBuffer().str());
  std::vector<const SuppressionComment *> Open;
  for (const SuppressionComment &C : Comments) {
    switch (C.Kind) {
    case SuppressionComment::SameLine:
      Regions.push_back({C.Line, C.Line, C.Globs, C.Text});
      break;
    case SuppressionComment::NextLine:
      Regions.push_back({C.Line + 1, C.Line + 1, C.Globs, C.Text});
      break;
    case SuppressionComment::Begin:
      Open.push_back(&C);
      break;
    case SuppressionComment::End:
      // Closes the latest BEGIN with the same rule list.
      for (auto O = Open.rbegin(); O != Open.rend(); ++O)
        if ((*O)->Globs == C.Globs) {
          Regions.push_back({(*O)->Line, C.Line, C.Globs, (*O)->Text});
          Open.erase(std::next(O).base());
          break;
        }
      break;
    }
  }
  return Regions;
}

void SuppressionIndex::apply(Finding &F) {
  for (const Region &R : regionsFor(F.Where.File))
    if (F.Where.Line >= R.FromLine && F.Where.Line <= R.ToLine &&
        globsCover(R.Globs, F.RuleId)) {
      F.Suppressed = true;
      F.SuppressionText = R.Text;
      return;
    }
}

} // namespace factoryguard

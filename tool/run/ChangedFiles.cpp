//===- ChangedFiles.cpp - --changed: the units a change touches -----------===//
#include "ChangedFiles.h"

#include "Config.h"
#include "Paths.h"
#include "TestHooks.h"
#include "UnitCommand.h"
#include "UnitIsolation.h"

#include "clang/Basic/Diagnostic.h"
#include "clang/Frontend/FrontendActions.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <algorithm>
#include <map>
#include <optional>

using namespace clang;
using namespace clang::tooling;

namespace factoryguard {

namespace {

ChangedKind changedKind(llvm::StringRef Path) {
  if (isSourceFileName(Path))
    return ChangedKind::Source;
  llvm::StringRef Ext = llvm::sys::path::extension(Path);
  for (const char *E : {".h", ".hh", ".hpp", ".hxx", ".h++", ".H"})
    if (Ext == E)
      return ChangedKind::Header;
  // Included into a header, never parsed alone: clang has no language for
  // them.
  for (const char *E : {".ipp", ".inl", ".tcc", ".tpp"})
    if (Ext == E)
      return ChangedKind::TextualHeader;
  return ChangedKind::Other;
}

/// Every path a preprocessor-only run of the command looks at (clang in
/// this process, under the same recording file system as an analysis);
/// what it read before an error, if it fails.
std::vector<Dependency> scanIncludesUnguarded(const CompileCommand &C) {
  OneCommandDatabase DB(C);
  auto Recorder = llvm::makeIntrusiveRefCnt<RecordingFileSystem>(
      llvm::vfs::createPhysicalFileSystem());
  ClangTool Tool(DB, {C.Filename}, std::make_shared<PCHContainerOperations>(),
                 Recorder);
  Tool.clearArgumentsAdjusters(); // C is adjusted already
  IgnoringDiagConsumer Ignore;
  Tool.setDiagnosticConsumer(&Ignore);
  Tool.setPrintErrorMessage(false);
  Tool.run(newFrontendActionFactory<PreprocessOnlyAction>().get());
  return Recorder->dependencies();
}

/// scanIncludesUnguarded on a unit thread under crash recovery, like an
/// analysis; none when clang crashed on it.
std::optional<std::vector<Dependency>> scanIncludes(const CompileCommand &C,
                                                    TestCrash Crash) {
  std::vector<Dependency> Out;
  int RetCode = 0;
  bool Ok = runIsolated(
      [&] {
        if (Crash != TestCrash::None)
          crashForTest(Crash);
        Out = scanIncludesUnguarded(C);
      },
      RetCode);
  if (!Ok)
    return std::nullopt;
  return Out;
}

/// Sources map to themselves (the listed, and the unlisted with an
/// inferred command); the headers are left to mapHeaders.
std::vector<const ChangedFile *>
mapSources(const ChangedSelection &Selection,
           const std::vector<std::string> &AllFiles,
           std::set<std::string> &Units, std::vector<std::string> &Lines) {
  std::set<std::string> Listed(AllFiles.begin(), AllFiles.end());
  std::vector<const ChangedFile *> Headers;
  for (const ChangedFile &F : Selection.Files) {
    std::string Shown = displayPath(F.Path);
    if (Listed.count(F.Path)) {
      Units.insert(F.Path);
      Lines[F.Index] = Shown + ": a unit of the database";
    } else if (F.Kind == ChangedKind::Source) {
      Units.insert(F.Path);
      Lines[F.Index] =
          Shown + ": not in the database; analyzed with an inferred command";
    } else {
      Headers.push_back(&F);
    }
  }
  return Headers;
}

/// Which changed header a recorded path names: the same path once
/// normalized, or (links) the same inode.
class HeaderMatcher {
public:
  explicit HeaderMatcher(const std::vector<const ChangedFile *> &Headers) {
    for (const ChangedFile *H : Headers)
      ByName[llvm::sys::path::filename(H->Path)].push_back(H);
  }
  const ChangedFile *match(llvm::StringRef Path) const {
    auto It = ByName.find(llvm::sys::path::filename(Path));
    if (It == ByName.end())
      return nullptr;
    std::string Norm = normalizePath(Path);
    for (const ChangedFile *H : It->second)
      if (Norm == H->Path || llvm::sys::fs::equivalent(Norm, H->Path))
        return H;
    return nullptr;
  }

private:
  llvm::StringMap<std::vector<const ChangedFile *>> ByName;
};

/// Where a command's list of read files came from.
enum class ReadsFrom { Cache, Scan, CrashedScan, Unrunnable };

/// The files a command reads: its analysis's entry, else its
/// dependency-list entry, else a preprocessor-only scan (stored as such an
/// entry). A command that cannot run or whose scan crashed "reads" every
/// changed header: it is analyzed, and reports why it failed.
std::vector<std::string>
readsOf(const CommandProbe &P, const std::vector<const ChangedFile *> &Headers,
        const HeaderMatcher &Matcher, UnitCache *Cache, ReadsFrom &From) {
  auto IsChanged = [&](llvm::StringRef Path) {
    return Matcher.match(Path) != nullptr;
  };
  std::optional<std::vector<std::string>> Files;
  if (Cache && P.HasResultKey)
    Files = Cache->filesRead(Cache->keyFor(P.Key), IsChanged);
  if (Cache && !Files)
    Files = Cache->filesRead(Cache->includesKeyFor(P.Key), IsChanged);
  From = ReadsFrom::Cache;
  if (Files)
    return std::move(*Files);
  std::vector<std::string> All;
  for (const ChangedFile *H : Headers)
    All.push_back(H->Path);
  if (!P.Runnable) {
    From = ReadsFrom::Unrunnable;
    return All;
  }
  From = ReadsFrom::Scan;
  std::optional<std::vector<Dependency>> Deps =
      scanIncludes(P.Command, testCrashFor(P.File, P.Index));
  if (!Deps) {
    From = ReadsFrom::CrashedScan;
    return All;
  }
  std::vector<std::string> Read;
  for (const Dependency &D : *Deps)
    if (D.ContentHash)
      Read.push_back(D.Path);
  if (Cache) {
    static const Config Empty;
    Cache->store(Cache->includesKeyFor(P.Key), CachedUnit(), *Deps, Empty);
  }
  return Read;
}

/// readsOf every probe, on up to Threads threads.
void readsOfAll(const std::vector<CommandProbe> &Probes,
                const std::vector<const ChangedFile *> &Headers,
                const HeaderMatcher &Matcher, UnitCache *Cache,
                unsigned Threads, std::vector<std::vector<std::string>> &Read,
                std::vector<ReadsFrom> &From) {
  Read.assign(Probes.size(), {});
  From.assign(Probes.size(), ReadsFrom::Cache);
  auto Look = [&](size_t I) {
    Read[I] = readsOf(Probes[I], Headers, Matcher, Cache, From[I]);
  };
  if (Threads <= 1 || Probes.size() <= 1) {
    for (size_t I = 0; I < Probes.size(); ++I)
      Look(I);
    return;
  }
  llvm::DefaultThreadPool Pool(llvm::hardware_concurrency(Threads));
  for (size_t I = 0; I < Probes.size(); ++I)
    Pool.async([&Look, I] { Look(I); });
  Pool.wait();
}

/// "includes of N units: ... from the cache, ... scanned by the
/// preprocessor", with the crashed and the unrunnable.
std::string includesSummary(const std::vector<ReadsFrom> &From) {
  auto Count = [&](ReadsFrom F) {
    return static_cast<size_t>(std::count(From.begin(), From.end(), F));
  };
  size_t NumCrashed = Count(ReadsFrom::CrashedScan);
  size_t NumScanned = Count(ReadsFrom::Scan) + NumCrashed;
  size_t NumUnrunnable = Count(ReadsFrom::Unrunnable);
  std::string Summary =
      "includes of " + std::to_string(From.size()) +
      " units: " + std::to_string(From.size() - NumScanned - NumUnrunnable) +
      " from the cache, " + std::to_string(NumScanned) +
      " scanned by the preprocessor";
  if (NumCrashed)
    Summary += " (" + std::to_string(NumCrashed) +
               " of them crashed clang; analyzed in case they include a "
               "changed header)";
  if (NumUnrunnable)
    Summary += ", " + std::to_string(NumUnrunnable) +
               " could not run (a missing directory or response file; "
               "analyzed in case they include a changed header)";
  return Summary;
}

/// The units that read each changed header; the includes summary.
std::map<const ChangedFile *, std::set<std::string>>
usersOfHeaders(const std::vector<const ChangedFile *> &Headers,
               const std::vector<CommandProbe> &Probes, UnitCache *Cache,
               unsigned Threads, std::string &Summary) {
  HeaderMatcher Matcher(Headers);
  std::vector<std::vector<std::string>> Read;
  std::vector<ReadsFrom> From;
  readsOfAll(Probes, Headers, Matcher, Cache, Threads, Read, From);
  std::map<const ChangedFile *, std::set<std::string>> Users;
  for (size_t I = 0; I < Probes.size(); ++I)
    for (const std::string &Path : Read[I])
      if (const ChangedFile *H = Matcher.match(Path))
        Users[H].insert(Probes[I].File);
  Summary = includesSummary(From);
  return Users;
}

/// A header maps to the units that read it; one no unit reads is analyzed
/// with an inferred command, or skipped when it is a textual header.
void mapHeaders(
    const std::vector<const ChangedFile *> &Headers,
    const std::map<const ChangedFile *, std::set<std::string>> &Users,
    std::set<std::string> &Units, std::vector<std::string> &Lines,
    llvm::raw_ostream &Diag) {
  for (const ChangedFile *H : Headers) {
    std::string Shown = displayPath(H->Path);
    auto It = Users.find(H);
    if (It != Users.end()) {
      Units.insert(It->second.begin(), It->second.end());
      Lines[H->Index] = Shown + ": included by " + listShown(It->second);
    } else if (H->Kind == ChangedKind::Header) {
      Units.insert(H->Path);
      Lines[H->Index] =
          Shown + ": included by no unit; analyzed with an inferred command";
    } else {
      Lines[H->Index] = Shown + ": included by no unit; skipped";
      Diag << "factoryguard: note: skipping '" << Shown
           << "': no translation unit includes it\n";
    }
  }
}

} // namespace

ChangedSelection selectChanged(const std::vector<std::string> &Inputs) {
  ChangedSelection S;
  S.Lines.resize(Inputs.size());
  for (size_t I = 0; I < Inputs.size(); ++I) {
    ChangedFile F{I, normalizePath(Inputs[I]), changedKind(Inputs[I])};
    if (F.Kind == ChangedKind::Other)
      S.Lines[I] = displayPath(F.Path) + ": not a C or C++ file; ignored";
    else if (!llvm::sys::fs::is_regular_file(F.Path))
      S.Lines[I] = displayPath(F.Path) + ": not a file; ignored";
    else
      S.Files.push_back(std::move(F));
  }
  return S;
}

std::set<std::string>
mapChangedFiles(ChangedSelection Selection,
                const std::vector<std::string> &AllFiles,
                llvm::function_ref<std::vector<CommandProbe>()> Probes,
                UnitCache *Cache, unsigned Threads, llvm::raw_ostream &Diag,
                std::vector<std::string> &Mapping) {
  std::set<std::string> Units;
  std::vector<std::string> &Lines = Selection.Lines;
  std::vector<const ChangedFile *> Headers =
      mapSources(Selection, AllFiles, Units, Lines);
  std::map<const ChangedFile *, std::set<std::string>> Users;
  std::string Summary;
  if (!Headers.empty() && !AllFiles.empty())
    Users = usersOfHeaders(Headers, Probes(), Cache, Threads, Summary);
  mapHeaders(Headers, Users, Units, Lines, Diag);
  for (std::string &L : Lines)
    if (!L.empty())
      Mapping.push_back(std::move(L));
  if (!Summary.empty())
    Mapping.push_back(Summary);
  return Units;
}

std::string listShown(const std::set<std::string> &Paths) {
  std::string Out;
  for (const std::string &P : Paths) {
    if (!Out.empty())
      Out += ", ";
    Out += displayPath(P);
  }
  return Out.empty() ? "nothing" : Out;
}

} // namespace factoryguard

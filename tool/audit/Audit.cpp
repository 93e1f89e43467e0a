//===- Audit.cpp - The audit document: join, count, compare (SPEC §8) -----===//
#include "Audit.h"

#include "Config.h"
#include "FabricatedContext.h"
#include "Fingerprint.h"
#include "JsonParse.h"
#include "Paths.h"
#include "RegularFile.h"
#include "ReportedSource.h"
#include "Rules.h"
#include "UnconfiguredFactory.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <map>
#include <set>

using nlohmann::json;

namespace factoryguard {

namespace {

/// What is counted per directory, per module and in total.
struct Counts {
  unsigned CallSites = 0, Compliant = 0, OpenSites = 0, SuppressedSites = 0;
  unsigned Statics = 0, OpenFindings = 0, SuppressedFindings = 0;
  /// factoryguard-fabricated-context: made-up contexts reaching a factory
  /// (case 1) and statics keeping a context (case 2), as Statics counts
  /// suppressed findings too.
  unsigned MadeUpContexts = 0, StaticContexts = 0;
  unsigned Objects = 0, ObjectsSetUp = 0, ObjectsNeverSetUp = 0,
           ObjectsUnused = 0;

  json group() const {
    return {{"callSites", CallSites},
            {"compliantCallSites", Compliant},
            {"callSitesWithOpenFindings", OpenSites},
            {"staticsHoldingManager", Statics},
            {"madeUpContexts", MadeUpContexts},
            {"staticContexts", StaticContexts},
            {"factoryObjects", Objects},
            {"factoryObjectsSetUp", ObjectsSetUp},
            {"factoryObjectsNeverSetUp", ObjectsNeverSetUp},
            {"factoryObjectsUnused", ObjectsUnused},
            {"openFindings", OpenFindings}};
  }
};

std::string relativePath(const std::string &File, const std::string &Root) {
  if (std::optional<std::string> R = pathRelativeToRoot(File, Root))
    return *R;
  return File;
}

/// "src/net" for "src/net/a.cpp"; "." for a file at the root.
std::string directoryOf(llvm::StringRef Rel) {
  llvm::StringRef D =
      llvm::sys::path::parent_path(Rel, llvm::sys::path::Style::posix);
  return D.empty() ? "." : D.str();
}

/// The top-level module: the first component of the directory ("src" for
/// "src/net"); a directory outside the source root is its own module.
std::string moduleOf(llvm::StringRef Dir) {
  if (Dir == "." || Dir.starts_with("/"))
    return Dir.str();
  return Dir.split('/').first.str();
}

/// Up to two lines either side of Line, from the file as it is now.
/// Files outside the source root are not shown (ReportedSource.h).
class Excerpts {
public:
  explicit Excerpts(std::string Root) : Root(std::move(Root)) {}
  json around(const std::string &File, unsigned Line) {
    auto It = Lines.find(File);
    if (It == Lines.end()) {
      std::vector<std::string> L;
      if (auto Buf = readReportedSource(File, Root)) {
        llvm::SmallVector<llvm::StringRef, 0> Parts;
        Buf->getBuffer().split(Parts, '\n');
        for (llvm::StringRef P : Parts) {
          P = P.rtrim('\r');
          // Generated code can have very long lines: keep the report small.
          L.push_back(P.size() > 240 ? P.take_front(240).str() + "..."
                                     : P.str());
        }
      }
      It = Lines.emplace(File, std::move(L)).first;
    }
    const std::vector<std::string> &L = It->second;
    if (Line == 0 || Line > L.size())
      return nullptr;
    unsigned First = Line > 2 ? Line - 2 : 1;
    unsigned Last = std::min<unsigned>(Line + 2, L.size());
    json Out = {{"firstLine", First}, {"lines", json::array()}};
    for (unsigned N = First; N <= Last; ++N)
      Out["lines"].push_back(L[N - 1]);
    return Out;
  }

private:
  std::string Root;
  std::map<std::string, std::vector<std::string>> Lines;
};

llvm::Error compareError(llvm::StringRef Path, const llvm::Twine &Why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "--compare '" + Path + "': " + Why);
}

} // namespace

json buildAudit(const DriverResult &Result, const AuditOptions &Opts) {
  const std::string &Root = Opts.SourceRoot;
  const std::vector<Finding> &Findings = Result.Findings;

  // Which call site each finding is in: the innermost one whose range holds
  // the finding's start (request-scope reports the call itself,
  // null-context an argument or the closing parenthesis).
  std::map<std::string, std::vector<size_t>> SitesByFile;
  for (size_t I = 0; I < Result.CallSites.size(); ++I)
    SitesByFile[Result.CallSites[I].Where.File].push_back(I);
  std::vector<std::vector<size_t>> FindingsOfSite(Result.CallSites.size());
  std::vector<std::string> Subject(Findings.size(), "other");
  // The never-set-up finding of each factory object (case 3 keeps the
  // object's id).
  std::map<std::string, size_t> ObjectFinding;
  for (size_t I = 0; I < Findings.size(); ++I) {
    const Finding &F = Findings[I];
    if (F.RuleId == StaticSingletonId) {
      Subject[I] = "static";
      continue;
    }
    if (F.RuleId == UnconfiguredFactoryId && !F.ProgramKey.empty()) {
      ObjectFinding.emplace(F.ProgramKey, I);
      Subject[I] = "factory-object";
      continue;
    }
    std::optional<size_t> Best;
    for (size_t S : SitesByFile[F.Where.File]) {
      const SourceRange &W = Result.CallSites[S].Where;
      if (F.Where.Offset < W.Offset || F.Where.Offset > W.Offset + W.Length)
        continue;
      if (!Best || W.Length < Result.CallSites[*Best].Where.Length)
        Best = S;
    }
    if (Best) {
      FindingsOfSite[*Best].push_back(I);
      Subject[I] = "call-site";
    }
  }

  Counts Total;
  std::map<std::string, Counts> Dirs, Modules;
  auto CountIn = [&](const std::string &Rel, auto Add) {
    std::string Dir = directoryOf(Rel);
    Add(Total);
    Add(Dirs[Dir]);
    Add(Modules[moduleOf(Dir)]);
  };

  std::vector<std::string> Prints(Findings.size());
  for (size_t I = 0; I < Findings.size(); ++I)
    Prints[I] = factoryguardFingerprint(Findings[I], Root);

  json Sites = json::array();
  for (size_t I = 0; I < Result.CallSites.size(); ++I) {
    const CallSite &C = Result.CallSites[I];
    bool Open = false, Any = !FindingsOfSite[I].empty();
    json Ids = json::array();
    for (size_t F : FindingsOfSite[I]) {
      Open = Open || !Findings[F].Suppressed;
      Ids.push_back(Prints[F]);
    }
    std::string Status = !Any ? "compliant" : Open ? "open" : "suppressed";
    std::string Rel = relativePath(C.Where.File, Root);
    CountIn(Rel, [&](Counts &N) {
      ++N.CallSites;
      N.Compliant += Status == "compliant";
      N.OpenSites += Status == "open";
      N.SuppressedSites += Status == "suppressed";
    });
    Sites.push_back({{"file", Rel},
                     {"line", C.Where.Line},
                     {"column", C.Where.Column},
                     {"factory", C.Factory},
                     {"in", C.Enclosing},
                     {"status", Status},
                     {"findings", Ids}});
  }

  // Factory objects: set up when any setup call on them exists in the
  // program, never set up when only factory methods are called on them
  // (then the rule reports them), unused when nothing is called on them.
  auto FindingsIn = [&](const SourceRange &W) {
    json Ids = json::array();
    for (size_t I = 0; I < Findings.size(); ++I) {
      const SourceRange &At = Findings[I].Where;
      if (At.File == W.File && At.Offset >= W.Offset &&
          At.Offset <= W.Offset + W.Length)
        Ids.push_back(Prints[I]);
    }
    return Ids;
  };
  json Objects = json::array();
  const UnconfiguredFactoryFacts NoFactories;
  const auto *Factories =
      Result.RuleFacts.find<UnconfiguredFactoryFacts>(UnconfiguredFactoryId);
  for (const FactoryObject &O :
       (Factories ? Factories : &NoFactories)->Objects) {
    json Setups = json::array(), Calls = json::array();
    for (const FactoryObjectUse &U : O.Uses)
      (U.Setup ? Setups : Calls)
          .push_back({{"file", relativePath(U.Where.File, Root)},
                      {"line", U.Where.Line},
                      {"column", U.Where.Column},
                      {"method", U.Method},
                      {"findings", FindingsIn(U.Where)}});
    std::string Status = !Setups.empty()  ? "set-up"
                         : !Calls.empty() ? "never-set-up"
                                          : "unused";
    auto F = ObjectFinding.find(O.Def.Object);
    std::string Rel = relativePath(O.Def.Where.File, Root);
    CountIn(Rel, [&](Counts &N) {
      ++N.Objects;
      N.ObjectsSetUp += Status == "set-up";
      N.ObjectsNeverSetUp += Status == "never-set-up";
      N.ObjectsUnused += Status == "unused";
    });
    Objects.push_back(
        {{"file", Rel},
         {"line", O.Def.Where.Line},
         {"column", O.Def.Where.Column},
         {"name", O.Def.Name},
         {"class", O.Def.Class},
         {"status", Status},
         {"setupCalls", Setups},
         {"factoryCalls", Calls},
         {"finding",
          F == ObjectFinding.end() ? json(nullptr) : json(Prints[F->second])}});
  }

  Excerpts Source(Root);
  json Statics = json::array(), Out = json::array();
  std::map<std::string, unsigned> ByRule;
  for (size_t I = 0; I < Findings.size(); ++I) {
    const Finding &F = Findings[I];
    std::string Rel = relativePath(F.Where.File, Root);
    CountIn(Rel, [&](Counts &N) {
      N.OpenFindings += !F.Suppressed;
      N.SuppressedFindings += F.Suppressed;
      N.Statics += Subject[I] == "static";
      N.StaticContexts += keepsContextInStorage(F);
      N.MadeUpContexts +=
          F.RuleId == FabricatedContextId && !keepsContextInStorage(F);
    });
    if (!F.Suppressed)
      ++ByRule[F.RuleId];
    if (Subject[I] == "static")
      Statics.push_back({{"file", Rel},
                         {"line", F.Where.Line},
                         {"column", F.Where.Column},
                         {"status", F.Suppressed ? "suppressed" : "open"},
                         {"finding", Prints[I]}});
    json Chain = json::array();
    for (const ChainStep &S : F.Chain)
      Chain.push_back({{"file", relativePath(S.Where.File, Root)},
                       {"line", S.Where.Line},
                       {"column", S.Where.Column},
                       {"message", S.Message}});
    json X = {{"fingerprint", Prints[I]},
              {"rule", F.RuleId},
              {"level", severityName(F.Level)},
              {"file", Rel},
              {"line", F.Where.Line},
              {"column", F.Where.Column},
              {"endLine", F.Where.EndLine},
              {"endColumn", F.Where.EndColumn},
              {"message", F.Message},
              {"suppressed", F.Suppressed},
              {"subject", Subject[I]},
              {"chain", Chain},
              {"excerpt", Source.around(F.Where.File, F.Where.Line)}};
    Out.push_back(std::move(X));
  }

  json Summary = Total.group();
  Summary["suppressedCallSites"] = Total.SuppressedSites;
  Summary["suppressedFindings"] = Total.SuppressedFindings;
  Summary["failedUnits"] = Result.Failures.size();
  Summary["openFindingsByRule"] = json::object();
  for (const auto &[Rule, N] : ByRule)
    Summary["openFindingsByRule"][Rule] = N;

  json ModuleList = json::array(), DirList = json::array();
  for (const auto &[Name, N] : Modules) {
    json G = N.group();
    G["name"] = Name;
    ModuleList.push_back(std::move(G));
  }
  std::vector<std::pair<std::string, Counts>> SortedDirs(Dirs.begin(),
                                                         Dirs.end());
  // Open findings first: where the migration work is.
  std::stable_sort(SortedDirs.begin(), SortedDirs.end(),
                   [](const auto &A, const auto &B) {
                     return A.second.OpenFindings > B.second.OpenFindings;
                   });
  for (const auto &[Path, N] : SortedDirs) {
    json G = N.group();
    G["path"] = Path;
    G["module"] = moduleOf(Path);
    DirList.push_back(std::move(G));
  }

  json Failed = json::array();
  for (const UnitFailure &U : Result.Failures)
    Failed.push_back(
        {{"file", relativePath(U.File, Root)}, {"message", U.Message}});

  return {{"format", AuditFormat},
          {"version", AuditSchemaVersion},
          {"tool", {{"name", "factoryguard"}, {"version", Opts.ToolVersion}}},
          {"sourceRoot", Root},
          {"summary", Summary},
          {"modules", ModuleList},
          {"directories", DirList},
          {"callSites", Sites},
          {"statics", Statics},
          {"factoryObjects", Objects},
          {"findings", Out},
          {"failedUnits", Failed}};
}

llvm::Expected<json> readPreviousAudit(llvm::StringRef Path) {
  auto Buf = readRegularFile(Path);
  if (!Buf)
    return compareError(Path,
                        "cannot read it: " + llvm::toString(Buf.takeError()));
  return readPreviousAuditFromBuffer((*Buf)->getBuffer(), Path);
}

namespace {

/// The error of a text that is not JSON, at LLVM's line and column
/// ("[3:5, byte=20]: ..." becomes "<Path>:3:6: not valid JSON: ...").
llvm::Error notJson(llvm::Error Err, llvm::StringRef Path) {
  std::string Why = llvm::toString(std::move(Err));
  llvm::StringRef W = Why;
  if (!W.consume_front("["))
    return compareError(Path, "not valid JSON: " + Why);
  auto [LineCol, Rest] = W.split(", byte=");
  auto [Line, Col0] = LineCol.split(':');
  Rest = Rest.split("]: ").second;
  unsigned Col = 0; // 0-based in LLVM's message, 1-based in ours
  Col0.getAsInteger(10, Col);
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      Path + ":" + Line + ":" + llvm::Twine(Col + 1) +
          ": not valid JSON: " + Rest + " (given with --compare)");
}

/// What --compare reads of an audit's "summary": its four counts, or why
/// not.
llvm::Expected<json> previousSummary(const llvm::json::Object &Doc,
                                     llvm::StringRef Path) {
  const llvm::json::Object *Summary = Doc.getObject("summary");
  if (!Summary)
    return compareError(Path, "no \"summary\" object");
  json Out = json::object();
  for (const char *Key : {"callSites", "compliantCallSites", "openFindings",
                          "staticsHoldingManager"}) {
    const llvm::json::Value *K = Summary->get(Key);
    std::optional<uint64_t> N = K ? K->getAsUINT64() : std::nullopt;
    if (!N)
      return compareError(Path, "\"summary\" has no count \"" +
                                    llvm::Twine(Key) + "\"");
    Out[Key] = *N;
  }
  return Out;
}

/// One finding of an earlier audit as --compare reads it, or nullopt when
/// it lacks a field.
std::optional<json> previousFinding(const llvm::json::Value &V) {
  const llvm::json::Object *F = V.getAsObject();
  if (!F)
    return std::nullopt;
  json Out = json::object();
  for (const char *Key : {"fingerprint", "rule", "file", "message"}) {
    std::optional<llvm::StringRef> S = F->getString(Key);
    if (!S)
      return std::nullopt;
    Out[Key] = S->str();
  }
  const llvm::json::Value *Line = F->get("line");
  std::optional<uint64_t> L = Line ? Line->getAsUINT64() : std::nullopt;
  std::optional<bool> Suppressed = F->getBoolean("suppressed");
  if (!L || !Suppressed)
    return std::nullopt;
  Out["line"] = *L;
  Out["suppressed"] = *Suppressed;
  return Out;
}

} // namespace

llvm::Expected<json> readPreviousAuditFromBuffer(llvm::StringRef Text,
                                                 llvm::StringRef Path) {
  // Parsed once, by the reader of every JSON input (nesting bounded); what
  // comes back holds only what compareWithPrevious reads.
  llvm::Expected<llvm::json::Value> V = parseJson(Text);
  if (!V)
    return notJson(V.takeError(), Path);
  const llvm::json::Object *Doc = V->getAsObject();
  if (!Doc)
    return compareError(Path, "not a factoryguard audit (not a JSON object)");
  if (Doc->getString("format") != llvm::StringRef(AuditFormat))
    return compareError(Path, "not a factoryguard audit (no \"format\": \"" +
                                  llvm::Twine(AuditFormat) +
                                  "\"); give the file an earlier "
                                  "'factoryguard audit --json' wrote");
  const llvm::json::Value *VersionV = Doc->get("version");
  std::optional<int64_t> Version =
      VersionV ? VersionV->getAsInteger() : std::nullopt;
  if (!Version)
    return compareError(Path, "no integer \"version\"");
  // Version 2 only added members: the ones --compare reads are in both.
  // (An integral number counts as an integer, 2.0 as 2: llvm::json.)
  if (*Version < 1 || *Version > AuditSchemaVersion)
    return compareError(Path, "audit schema version " + llvm::Twine(*Version) +
                                  ", this factoryguard reads versions 1 to " +
                                  llvm::Twine(AuditSchemaVersion));
  llvm::Expected<json> Summary = previousSummary(*Doc, Path);
  if (!Summary)
    return Summary.takeError();
  const llvm::json::Array *Found = Doc->getArray("findings");
  if (!Found)
    return compareError(Path, "no \"findings\" array");
  json Findings = json::array();
  for (size_t I = 0; I < Found->size(); ++I) {
    std::optional<json> F = previousFinding((*Found)[I]);
    if (!F)
      return compareError(Path, "findings[" + llvm::Twine(I) +
                                    "] lacks fingerprint, rule, file, line, "
                                    "message or suppressed");
    Findings.push_back(std::move(*F));
  }
  return json{{"summary", std::move(*Summary)},
              {"findings", std::move(Findings)}};
}

void compareWithPrevious(json &Audit, const json &Previous) {
  std::set<std::string> OpenNow, OpenThen;
  for (const json &F : Audit["findings"])
    if (!F["suppressed"].get<bool>())
      OpenNow.insert(F["fingerprint"].get<std::string>());
  json Fixed = json::array(), New = json::array();
  for (const json &F : Previous["findings"]) {
    if (F["suppressed"].get<bool>())
      continue;
    std::string Print = F["fingerprint"];
    OpenThen.insert(Print);
    if (!OpenNow.count(Print))
      Fixed.push_back({{"fingerprint", Print},
                       {"rule", F["rule"]},
                       {"file", F["file"]},
                       {"line", F["line"]},
                       {"message", F["message"]}});
  }
  for (const json &F : Audit["findings"])
    if (!F["suppressed"].get<bool>() && !OpenThen.count(F["fingerprint"]))
      New.push_back(F["fingerprint"]);
  const json &S = Previous["summary"];
  Audit["comparison"] = {
      {"previousSummary",
       {{"callSites", S["callSites"]},
        {"compliantCallSites", S["compliantCallSites"]},
        {"openFindings", S["openFindings"]},
        {"staticsHoldingManager", S["staticsHoldingManager"]}}},
      {"fixed", Fixed},
      {"new", New}};
}

std::string auditSummaryLine(const json &Audit) {
  const json &S = Audit["summary"];
  std::string Out =
      std::to_string(S["compliantCallSites"].get<unsigned>()) + " of " +
      std::to_string(S["callSites"].get<unsigned>()) +
      " call sites compliant, " +
      std::to_string(S["staticsHoldingManager"].get<unsigned>()) +
      " static(s) holding a manager, " +
      std::to_string(S.value("factoryObjects", 0u)) + " factory object(s) (" +
      std::to_string(S.value("factoryObjectsNeverSetUp", 0u)) +
      " never set up), " + std::to_string(S["openFindings"].get<unsigned>()) +
      " open finding(s)";
  if (Audit.contains("comparison"))
    Out += "; since the previous audit: " +
           std::to_string(Audit["comparison"]["fixed"].size()) + " fixed, " +
           std::to_string(Audit["comparison"]["new"].size()) + " new";
  return Out;
}

} // namespace factoryguard

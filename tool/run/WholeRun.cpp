//===- WholeRun.cpp - The whole-run stage over every unit's results -------===//
//
// What runAnalysis does once every unit is analyzed, and what
// `factoryguard merge` does with the units of its shards (Driver.h,
// finishRun): one function, so a merged report is the unsharded one.
//
//===----------------------------------------------------------------------===//
#include "CallGraph.h"
#include "Driver.h"
#include "ExplainConfig.h"
#include "Fingerprint.h"
#include "Paths.h"
#include "Printable.h"
#include "RuleRegistry.h"
#include "Suppression.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace factoryguard {

namespace {

/// SPEC §3 after the run: every configuration file some analyzed unit
/// used is checked against the merged matches (the built-in empty
/// configuration has no entries); --explain-config renders its one unit.
void checkConfigurations(
    const DriverOptions &Opts,
    const std::map<std::string, std::unique_ptr<Config>> &Configs,
    const std::set<const Config *> &Analyzed, const Config *FirstUnitConfig,
    const ConfigMatchRecord &Matches, DriverResult &Result) {
  for (const auto &[Path, C] : Configs)
    if (Analyzed.count(C.get()))
      validateConfig(*C, Matches, Opts.StrictConfig && !Opts.ExplainConfig,
                     Result.ConfigDiagnostics);
  if (!Opts.ExplainConfig)
    return;
  // The explanation lists unmatched entries itself: keep only the errors.
  llvm::erase_if(Result.ConfigDiagnostics,
                 [](const ConfigDiagnostic &D) { return !D.IsError; });
  if (!Result.Units.empty() && FirstUnitConfig)
    Result.ConfigExplanation =
        renderConfigExplanation(Result.Units.front(), *FirstUnitConfig,
                                !Opts.ConfigFile.empty(), Matches);
}

} // namespace

unsigned shardOf(const std::string &File, const std::string &SourceRoot,
                 unsigned Count) {
  std::string Path = File;
  if (std::optional<std::string> Rel = pathRelativeToRoot(File, SourceRoot))
    Path = *Rel;
  std::replace(Path.begin(), Path.end(), '\\', '/');
  return Count ? static_cast<unsigned>(llvm::xxh3_64bits(Path) % Count) : 0;
}

void finishRun(std::vector<AnalyzedUnit> Units,
               std::vector<std::pair<std::string, TUFacts>> OtherFacts,
               const std::map<std::string, std::unique_ptr<Config>> &Configs,
               const Config *FirstUnitConfig, const DriverOptions &Opts,
               DriverResult &Result, llvm::raw_ostream &Diag) {
  // The graph gets every unit's facts in unit order (file, then command),
  // as one CLI run adds them.
  std::map<std::pair<std::string, size_t>, const TUFacts *> AllFacts;
  for (size_t I = 0; I < Units.size(); ++I)
    AllFacts[{Units[I].File, I}] = &Units[I].Facts;
  for (size_t I = 0; I < OtherFacts.size(); ++I)
    AllFacts[{OtherFacts[I].first, Units.size() + I}] = &OtherFacts[I].second;

  ConfigMatchRecord Matches;
  std::set<const Config *> AnalyzedConfigs;
  CallGraph Graph;
  ProgramFacts Program{Graph, {}};
  for (const auto &[Unit, Facts] : AllFacts) {
    Graph.add(*Facts);
    Program.Units.push_back(Facts);
  }
  std::set<std::tuple<std::string, std::string, unsigned>> Seen;
  std::set<std::pair<std::string, unsigned>> SeenSites;
  for (AnalyzedUnit &R : Units) {
    Matches.merge(std::move(R.ConfigMatches));
    if (!R.Failed)
      AnalyzedConfigs.insert(R.Cfg);
    // Clang's errors under a line naming their unit.
    if (!R.Diagnostics.empty()) {
      Diag << "In translation unit " << displayPath(R.File);
      if (R.Count > 1)
        Diag << " (compile command " << R.Index << " of " << R.Count << ": "
             << printable(R.Original) << ")";
      Diag << ":\n" << printableLines(R.Diagnostics);
    }
    if (R.Failed)
      Result.Failures.push_back(
          {R.File, R.FailMessage, !R.Diagnostics.empty()});
    for (Finding &F : R.Findings)
      if (Seen.insert({F.RuleId, F.Where.File, F.Where.Offset}).second)
        Result.Findings.push_back(std::move(F));
    for (CallSite &C : R.CallSites)
      if (SeenSites.insert({C.Where.File, C.Where.Offset}).second)
        Result.CallSites.push_back(std::move(C));
  }
  std::sort(Result.CallSites.begin(), Result.CallSites.end(),
            [](const CallSite &A, const CallSite &B) {
              return std::tie(A.Where.File, A.Where.Offset) <
                     std::tie(B.Where.File, B.Where.Offset);
            });
  // Each rule's own facts over the program (Rules.def's Facts column):
  // every unit's merged in unit order.
  Result.RuleFacts = emptyRuleFacts();
  for (const auto &[Unit, Facts] : AllFacts)
    Result.RuleFacts.merge(Facts->Rules, Unit.second < Units.size());
  Result.RuleFacts.finishMerge();
  // The chains from the shared call graph, then each program-wide rule's
  // own step over the whole program (Rules.def's Resolve column).
  Graph.attachChains(Result.Findings);
  resolveProgram(Program, Result.Findings);
  std::sort(Result.Findings.begin(), Result.Findings.end());
  // Identical calls in one function share a stable key: number them in
  // source order so every finding has its own fingerprint.
  std::map<std::string, unsigned> KeyCount;
  for (Finding &F : Result.Findings)
    if (unsigned N = KeyCount[F.StableKey]++)
      F.StableKey += "#" + std::to_string(N + 1);
  SuppressionIndex Suppressions(Opts.FileSystem);
  for (Finding &F : Result.Findings)
    Suppressions.apply(F);
  std::stable_sort(Result.Failures.begin(), Result.Failures.end(),
                   [](const UnitFailure &A, const UnitFailure &B) {
                     return A.File < B.File;
                   });
  checkConfigurations(Opts, Configs, AnalyzedConfigs, FirstUnitConfig, Matches,
                      Result);
}

} // namespace factoryguard

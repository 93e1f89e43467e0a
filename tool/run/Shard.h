//===- Shard.h - Shard results and `factoryguard merge` (SPEC §7) --------===//
//
// A shard result (`--format shard`, docs/scale.md) is one JSON document: the
// format and its version, the factoryguard version, the settings that change
// results (rules, --config, --full-parse, --strict-config, --extra-arg*),
// which shard it is (--shard I/N, or none: the files given), the text of
// every configuration file its units used, the files selected, the failures
// that belong to no compile command, and every unit's own results before
// the whole-run stage (findings, call-graph facts, call sites, configuration
// matches, clang's messages). Paths under the source root are stored
// relative to it ('/'-separated), so shards written on machines that check
// the code out in different places (a CI matrix, Bazel's sandboxes) merge
// against the merging checkout; paths outside it stay absolute. Each unit
// also records the content hash of every file its locations lie in, which
// the merge checks (UntrustedResult.h): a shard is input, not memory.
//
// mergeShards reads them back, checks that they belong together and hands
// their units, in the order one unsharded run has them, to the same
// whole-run stage as runAnalysis (finishRun): the report is the one an
// unsharded run on the same sources writes.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_SHARD_H
#define FACTORYGUARD_SHARD_H

#include "Driver.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <utility>
#include <vector>

namespace factoryguard {

/// The format's name and version, written as "format": "<name>/<version>".
/// (3: a finding's rule fields "unless" and "setup" became the one
/// rule-interpreted "program".)
constexpr const char *ShardFormat = "factoryguard-shard/3";

/// The shard result of a run made with Opts.KeepUnitResults.
void renderShard(const DriverResult &R, const DriverOptions &Opts,
                 const std::string &SourceRoot, llvm::raw_ostream &OS);

/// Joins the shard files into one run's result. Errors (exit 2) name the
/// shard: unreadable or malformed, another format, written by another
/// factoryguard version than this one, other settings or another text of
/// one configuration file, a location that UntrustedResultChecker refuses
/// (outside the files its unit read or their content, outside its file, a
/// finding outside SourceRoot), and for
/// --shard I/N shards a unit (file and command) in two shards, a count that
/// differs, an index twice, or a missing index. Per-file shards of one unit
/// (two targets compiling a source with the same flags) count once. Clang's
/// messages of failed units go to Diag, as in the unsharded run.
llvm::Expected<DriverResult> mergeShards(const std::vector<std::string> &Files,
                                         const std::string &SourceRoot,
                                         llvm::raw_ostream &Diag);

/// mergeShards over shard texts already read, each with the name errors
/// give it (the fuzzer's entry point).
llvm::Expected<DriverResult>
mergeShardTexts(const std::vector<std::pair<std::string, std::string>> &Texts,
                const std::string &SourceRoot, llvm::raw_ostream &Diag);

} // namespace factoryguard

#endif

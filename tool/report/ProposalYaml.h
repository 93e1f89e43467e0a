//===- ProposalYaml.h - The proposed .factoryguard.yaml, as text ---------===//
//
// `factoryguard init` writes its Proposal (Proposal.h) as a configuration
// file a team reads before adopting it: a header that says what it is, one
// section per key, each entry under a comment with its evidence and
// confidence, low-confidence entries commented out. Places are relative to
// the source root (absolute outside it), so the file can be committed.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_PROPOSALYAML_H
#define FACTORYGUARD_PROPOSALYAML_H

#include "Proposal.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace factoryguard {

std::string renderProposalYaml(const Proposal &P, llvm::StringRef SourceRoot);

} // namespace factoryguard

#endif

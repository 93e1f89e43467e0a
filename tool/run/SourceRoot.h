//===- SourceRoot.h - Where reported paths are relative to ---------------===//
//
// The source root when --source-root is not given: SARIF, baselines,
// shards, the audit and init report paths relative to it. Asking git is a
// front end's business (it starts a process), so it lives with the runs,
// not with the path helpers of the engine or the reports.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_SOURCEROOT_H
#define FACTORYGUARD_SOURCEROOT_H

#include <string>

namespace factoryguard {

/// The git top level of the working directory, else the working directory
/// (normalized).
std::string defaultSourceRoot();

} // namespace factoryguard

#endif

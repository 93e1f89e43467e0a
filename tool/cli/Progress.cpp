//===- Progress.cpp - [n/N] progress of a run on standard error -----------===//
//
// Progress.h says what is shown and when; here the words of a line.
//
//===----------------------------------------------------------------------===//
#include "Progress.h"

#include "CommandLine.h"
#include "Paths.h"
#include "Printable.h"
#include "llvm/Support/raw_ostream.h"

namespace factoryguard {

bool readProgressOption(const std::string &Name, ProgressMode &Mode,
                        std::string &Error) {
  ProgressMode Wanted = Name == "--progress" ? ProgressMode::Always
                        : Name == "--quiet"  ? ProgressMode::Never
                                             : ProgressMode::Auto;
  if (Wanted == ProgressMode::Auto)
    return false;
  if (Mode != ProgressMode::Auto && Mode != Wanted)
    Error = "--progress and --quiet do not go together";
  Mode = Wanted;
  return true;
}

ProgressFlags::ProgressFlags(llvm::cl::SubCommand &Sub)
    : Progress(
          "progress", llvm::cl::sub(Sub),
          llvm::cl::callback([this](const bool &) { read("--progress"); })),
      Quiet("quiet", llvm::cl::sub(Sub),
            llvm::cl::callback([this](const bool &) { read("--quiet"); })) {}

void ProgressFlags::read(const std::string &Name) {
  std::string Error;
  readProgressOption(Name, Mode, Error);
  if (!Error.empty())
    noteUsageError(Error);
}

namespace {

/// `[3/12] src/a.cpp (command 2/3, cached)`.
std::string progressLine(const UnitProgress &P) {
  std::string Line = "[" + std::to_string(P.Done) + "/" +
                     std::to_string(P.Total) + "] " +
                     printable(displayPath(P.File));
  std::string Notes;
  if (P.Count > 1)
    Notes =
        "command " + std::to_string(P.Index) + "/" + std::to_string(P.Count);
  if (P.Cached || P.Failed)
    Notes += (Notes.empty() ? "" : ", ") +
             std::string(P.Cached ? "cached" : "failed");
  return Notes.empty() ? Line : Line + " (" + Notes + ")";
}

} // namespace

std::function<void(const UnitProgress &)> progressPrinter(ProgressMode Mode) {
  if (Mode == ProgressMode::Never ||
      (Mode == ProgressMode::Auto && !llvm::errs().is_displayed()))
    return nullptr;
  return [](const UnitProgress &P) {
    llvm::errs() << progressLine(P) << "\n";
    llvm::errs().flush();
  };
}

} // namespace factoryguard

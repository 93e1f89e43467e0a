//===- ProposalYaml.cpp - The proposed .factoryguard.yaml, as text -------===//
//
// A section whose entries are all low-confidence is written as an empty
// list (`contexts: []`) followed by its commented-out entries: a key with
// no value would be null, which the configuration reader refuses.
//
//===----------------------------------------------------------------------===//
#include "ProposalYaml.h"

#include "Fingerprint.h"
#include "Paths.h"
#include "Printable.h"
#include "llvm/ADT/StringExtras.h"

namespace factoryguard {

namespace {

std::string placeText(const SurveyPlace &P, llvm::StringRef Root) {
  std::string File = P.File;
  if (std::optional<std::string> Rel = pathRelativeToRoot(P.File, Root))
    File = *Rel;
  return printable(File) + ":" + std::to_string(P.Line);
}

/// `  # <evidence>; confidence: high` and the entry's Lines, commented out
/// when low.
void renderEntry(const ProposedEntry &E, llvm::ArrayRef<std::string> Lines,
                 llvm::StringRef Root, std::string &Out) {
  bool High = E.Level == Confidence::High;
  Out += "  # " + E.What + " " + placeText(E.Example, Root);
  if (!E.ExampleOf.empty())
    Out += " (" + printable(E.ExampleOf) + ")";
  if (!E.Why.empty())
    Out += "; " + E.Why;
  Out += std::string("; confidence: ") + (High ? "high" : "low") + "\n";
  for (const std::string &Line : Lines)
    Out += (High ? "  " : "  #  ") + Line + "\n";
}

/// A factory-setup entry's lines.
std::vector<std::string> setupLines(const ProposedSetup &S) {
  std::vector<std::string> Lines = {"- class: " + S.Entry.Name,
                                    "  setup: [" + llvm::join(S.Setup, ", ") +
                                        "]"};
  if (!S.RequiredArgs.empty()) {
    std::vector<std::string> Args;
    for (unsigned I : S.RequiredArgs)
      Args.push_back(std::to_string(I));
    Lines.push_back("  required-args: [" + llvm::join(Args, ", ") + "]");
  }
  return Lines;
}

/// The key, `[]` when every entry is commented out.
void renderKey(llvm::StringRef Key, llvm::StringRef About, bool AnyHigh,
               std::string &Out) {
  Out += "\n# " + About.str() + "\n" + Key.str() + (AnyHigh ? ":\n" : ": []\n");
}

void renderSection(llvm::StringRef Key, llvm::StringRef About,
                   const std::vector<ProposedEntry> &Entries,
                   llvm::StringRef Root, std::string &Out) {
  if (Entries.empty())
    return;
  renderKey(Key, About,
            llvm::any_of(Entries,
                         [](const ProposedEntry &E) {
                           return E.Level == Confidence::High;
                         }),
            Out);
  for (const ProposedEntry &E : Entries)
    renderEntry(E, {"- " + E.Name}, Root, Out);
}

void renderSetupSection(const std::vector<ProposedSetup> &Entries,
                        llvm::StringRef Root, std::string &Out) {
  if (Entries.empty())
    return;
  renderKey("factory-setup",
            "Factory classes that must be set up before they make managers.",
            llvm::any_of(Entries,
                         [](const ProposedSetup &S) {
                           return S.Entry.Level == Confidence::High;
                         }),
            Out);
  for (const ProposedSetup &S : Entries)
    renderEntry(S.Entry, setupLines(S), Root, Out);
}

} // namespace

std::string renderProposalYaml(const Proposal &P, llvm::StringRef SourceRoot) {
  std::string Out =
      "# factoryguard configuration proposed by `factoryguard init` from " +
      std::to_string(P.Units) +
      " translation unit(s).\n"
      "# Each entry says why it is proposed (how many, one example) and how\n"
      "# sure init is; low-confidence entries are commented out. Read them,\n"
      "# keep what is right, then run factoryguard with --strict-config.\n";
  renderSection("contexts", "Types whose value proves code runs in a request.",
                P.Contexts, SourceRoot, Out);
  renderSection("managers",
                "Request-scoped types that must not outlive a request.",
                P.Managers, SourceRoot, Out);
  renderSection("factories", "Functions that create managers.", P.Factories,
                SourceRoot, Out);
  renderSection("startup",
                "Functions that run at start-up, outside any "
                "request.",
                P.Startup, SourceRoot, Out);
  renderSection("holders", "Templates that keep their argument in raw storage.",
                P.Holders, SourceRoot, Out);
  renderSetupSection(P.FactorySetup, SourceRoot, Out);
  if (P.Contexts.empty() && P.Managers.empty() && P.Factories.empty() &&
      P.Startup.empty() && P.Holders.empty() && P.FactorySetup.empty())
    Out += "\n# Nothing found to propose: see docs/init.md for what init "
           "looks for.\n";
  return Out;
}

} // namespace factoryguard

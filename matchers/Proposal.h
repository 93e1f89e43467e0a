//===- Proposal.h - The configuration `factoryguard init` proposes -------===//
//
// SPEC §3 "A first configuration": from every unit's survey (Survey.h), the
// entries a team would write first, each with its evidence (a count and one
// example place) and a confidence. High-confidence entries are written
// active, low ones commented out (ProposalYaml.h writes them); every entry
// names a declaration the survey saw, so an active one matches in a run on
// the same code (--strict-config).
//
// The decisions, in order (docs/init.md):
//  1. contexts: a class named like a request context (its last word
//     context/ctx with request, user, session, call or execution before it;
//     or request/req; or request ... info) and taken by reference, pointer
//     or smart pointer: high; the classes most often taken so (at least 3
//     functions) without such a name: low.
//  2. factories: a function taking a proposed context and handing out
//     another user class: high when it hands out an owning smart pointer,
//     low for a raw pointer or a reference (a getter as often as a factory);
//     low when the context is low.
//  3. managers: the classes the factories hand out, at their confidence.
//  4. factories without a context: a function handing out a high manager
//     in an owning smart pointer, or a singleton accessor of one: high (the
//     legacy factories a migration looks for).
//  5. singleton accessors of other classes: the accessor (as a factory) and
//     its class (as a manager), low: the class may hold a manager (SPEC's
//     static-singleton follows members) without being one.
//  6. startup: functions, not virtual, never named but to call them, with
//     no high context parameter, every call of which is made by main, a
//     static's initializer or another such function: high when a high
//     factory is reached from them through calls, else low (marking them
//     changes no finding).
//  7. holders: class templates of user code that keep their argument in
//     raw storage, seen in a static variable (the built-in NoDestructor,
//     folly::Singleton and folly::LeakySingleton are left out): high.
//  8. factory-setup: a class with a high factory method, set up by its
//     non-const void methods (every overload of the name) that take a
//     pointer or smart pointer with no default argument and are no
//     factory; required-args: the indices every such overload takes so.
//     High when a setup method is called from start-up code (main, a
//     static's initializer, a start-up function of 6.) or is named
//     configure, setup, set_up, init or initialize; else low.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_PROPOSAL_H
#define FACTORYGUARD_PROPOSAL_H

#include "Survey.h"

#include <string>
#include <vector>

namespace factoryguard {

enum class Confidence { High, Low };

/// One proposed entry: `# <What>, e.g. <Example> (<ExampleOf>); <Why>;
/// confidence: <level>` above the name.
struct ProposedEntry {
  std::string Name;
  Confidence Level = Confidence::Low;
  std::string What; // "taken by 4 parameters"
  SurveyPlace Example;
  std::string ExampleOf; // what is at Example ("chat::on_typing"); may be ""
  std::string Why;       // "named like a request context"; may be ""
};

/// A factory-setup entry: Entry.Name is the class; its setup methods
/// (unqualified) and the arguments they require.
struct ProposedSetup {
  ProposedEntry Entry;
  std::vector<std::string> Setup;
  std::vector<unsigned> RequiredArgs;
};

struct Proposal {
  std::vector<ProposedEntry> Contexts, Managers, Factories, Startup, Holders;
  std::vector<ProposedSetup> FactorySetup;
  size_t Units = 0; // surveys joined
};

/// Joins the surveys (in unit order) and decides.
Proposal proposeConfiguration(const std::vector<UnitSurvey> &Surveys);

/// Whether a class's unqualified name reads like a request context (1.).
bool namedLikeRequestContext(llvm::StringRef Name);

} // namespace factoryguard

#endif

//===- Proposal.cpp - The configuration `factoryguard init` proposes -----===//
//
// The surveys are joined first (a function or call seen from several units
// counts once), then each section is decided from the ones before it, in
// the order Proposal.h lists: contexts, the factories taking them and the
// managers they hand out, the legacy factories and singleton accessors of
// those managers, start-up functions, holders, factory classes.
//
//===----------------------------------------------------------------------===//
#include "Proposal.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <map>
#include <set>

namespace factoryguard {

namespace {

/// Every unit's survey, each function, call and holder once.
struct Joined {
  std::vector<SurveyFunction> Functions;                  // by place
  std::map<std::string, std::vector<SurveyCall>> CallsTo; // by place
  std::set<std::string> AddressTaken;
  std::map<std::string, std::vector<SurveyHolder>> Holders; // by place
};

void joinFunction(
    std::map<std::pair<std::string, SurveyPlace>, SurveyFunction> &Functions,
    const SurveyFunction &F) {
  auto [It, New] = Functions.emplace(std::make_pair(F.Name, F.Where), F);
  // Only the unit with the body knows what an accessor returns.
  if (!New && It->second.SingletonStatic.empty())
    It->second.SingletonStatic = F.SingletonStatic;
}

Joined join(const std::vector<UnitSurvey> &Surveys) {
  std::map<std::pair<std::string, SurveyPlace>, SurveyFunction> Functions;
  std::set<std::tuple<std::string, std::string, SurveyPlace>> Calls;
  std::set<std::pair<std::string, SurveyPlace>> Holders;
  Joined J;
  for (const UnitSurvey &S : Surveys) {
    for (const SurveyFunction &F : S.Functions)
      joinFunction(Functions, F);
    for (const SurveyCall &C : S.Calls)
      if (Calls.insert({C.Callee, C.Caller, C.Where}).second)
        J.CallsTo[C.Callee].push_back(C);
    J.AddressTaken.insert(S.AddressTaken.begin(), S.AddressTaken.end());
    for (const SurveyHolder &H : S.Holders)
      if (Holders.insert({H.Variable, H.Where}).second)
        J.Holders[H.Template].push_back(H);
  }
  for (auto &[Key, F] : Functions)
    J.Functions.push_back(std::move(F));
  llvm::stable_sort(J.Functions, [](const auto &A, const auto &B) {
    return A.Where < B.Where;
  });
  for (auto &[Callee, List] : J.CallsTo)
    llvm::stable_sort(
        List, [](const auto &A, const auto &B) { return A.Where < B.Where; });
  return J;
}

/// "UserExecutionContext" -> user, execution, context; "mg_request_info"
/// -> mg, request, info; "HTTPRequest" -> http, request.
std::vector<std::string> words(llvm::StringRef Name) {
  std::vector<std::string> Out;
  std::string Word;
  auto Flush = [&] {
    if (!Word.empty())
      Out.push_back(llvm::StringRef(Word).lower());
    Word.clear();
  };
  for (size_t I = 0; I < Name.size(); ++I) {
    char C = Name[I];
    bool Upper = llvm::isUpper(C);
    bool AfterLower =
        I && (llvm::isLower(Name[I - 1]) || llvm::isDigit(Name[I - 1]));
    bool EndsAcronym = I && llvm::isUpper(Name[I - 1]) && I + 1 < Name.size() &&
                       llvm::isLower(Name[I + 1]);
    if (C == '_' || (Upper && (AfterLower || EndsAcronym)))
      Flush();
    if (C != '_')
      Word += C;
  }
  Flush();
  return Out;
}

std::string plural(size_t N, llvm::StringRef One, llvm::StringRef Many) {
  return std::to_string(N) + " " + (N == 1 ? One : Many).str();
}

std::string shortName(llvm::StringRef Qualified) {
  size_t At = Qualified.rfind("::");
  return (At == llvm::StringRef::npos ? Qualified : Qualified.substr(At + 2))
      .str();
}

/// The functions taking each class (not the class's own members).
std::map<std::string, std::vector<const SurveyFunction *>>
takersByClass(const Joined &J) {
  std::map<std::string, std::vector<const SurveyFunction *>> Out;
  for (const SurveyFunction &F : J.Functions) {
    std::set<std::string> Classes(F.ParamClasses.begin(), F.ParamClasses.end());
    for (const std::string &C : Classes)
      if (!llvm::StringRef(F.Name).starts_with(C + "::"))
        Out[C].push_back(&F);
  }
  return Out;
}

void proposeContexts(const Joined &J, Proposal &P) {
  auto Takers = takersByClass(J);
  std::vector<std::pair<size_t, std::string>> Unnamed;
  for (const auto &[Class, Fns] : Takers) {
    if (namedLikeRequestContext(shortName(Class))) {
      P.Contexts.push_back(
          {Class, Confidence::High,
           "taken by " + plural(Fns.size(), "function", "functions") + ", e.g.",
           Fns.front()->Where, Fns.front()->Name,
           "named like a request context"});
    } else if (Fns.size() >= 3) {
      Unnamed.push_back({Fns.size(), Class});
    }
  }
  llvm::stable_sort(
      Unnamed, [](const auto &A, const auto &B) { return A.first > B.first; });
  Unnamed.resize(std::min<size_t>(Unnamed.size(), 3));
  for (const auto &[Count, Class] : Unnamed) {
    const SurveyFunction *F = Takers[Class].front();
    P.Contexts.push_back(
        {Class, Confidence::Low,
         "taken by " + plural(Count, "function", "functions") + ", e.g.",
         F->Where, F->Name,
         "among the classes most often taken, but not named like a request "
         "context"});
  }
}

const ProposedEntry *find(const std::vector<ProposedEntry> &List,
                          llvm::StringRef Name) {
  for (const ProposedEntry &E : List)
    if (E.Name == Name)
      return &E;
  return nullptr;
}

const char *handedOut(ReturnKind K) {
  switch (K) {
  case ReturnKind::Owning:
    return "in an owning smart pointer";
  case ReturnKind::Pointer:
    return "by pointer";
  case ReturnKind::Reference:
    return "by reference";
  case ReturnKind::None:
    break;
  }
  return "";
}

size_t callsOf(const Joined &J, const std::string &Name) {
  auto It = J.CallsTo.find(Name);
  return It == J.CallsTo.end() ? 0 : It->second.size();
}

/// Adds or raises a manager handed out by factory F.
void addManager(Proposal &P, const SurveyFunction &F, Confidence Level,
                const std::string &What, const std::string &Why) {
  for (ProposedEntry &E : P.Managers)
    if (E.Name == F.Returns) {
      if (Level == Confidence::High && E.Level == Confidence::Low)
        E = {F.Returns, Level, What, F.Where, F.Name, Why};
      return;
    }
  P.Managers.push_back({F.Returns, Level, What, F.Where, F.Name, Why});
}

/// 2. and 3.: factories taking a context, and what they hand out.
void proposeContextFactories(const Joined &J, Proposal &P) {
  for (const SurveyFunction &F : J.Functions) {
    if (F.Constructor || F.Return == ReturnKind::None ||
        find(P.Contexts, F.Returns) || find(P.Factories, F.Name))
      continue;
    const ProposedEntry *Ctx = nullptr;
    for (const std::string &C : F.ParamClasses)
      if (const ProposedEntry *E = find(P.Contexts, C);
          E && (!Ctx || E->Level < Ctx->Level))
        Ctx = E;
    if (!Ctx)
      continue;
    Confidence Level =
        Ctx->Level == Confidence::High && F.Return == ReturnKind::Owning
            ? Confidence::High
            : Confidence::Low;
    P.Factories.push_back(
        {F.Name, Level,
         "takes " + Ctx->Name + ", hands out " + F.Returns + " " +
             handedOut(F.Return) + "; " +
             plural(callsOf(J, F.Name), "call", "calls") + "; declared at",
         F.Where, "",
         Level == Confidence::High ? ""
         : Ctx->Level == Confidence::Low
             ? "the context is a low-confidence one"
             : "a pointer or reference may be a getter, not a factory"});
    addManager(P, F, Level, "handed out by a proposed factory, e.g.", "");
  }
}

/// 4. and 5.: functions handing out a manager without a context, and
/// singleton accessors.
void proposeLegacyFactories(const Joined &J, Proposal &P) {
  for (const SurveyFunction &F : J.Functions) {
    if (F.Constructor || F.Return == ReturnKind::None ||
        find(P.Factories, F.Name) || find(P.Contexts, F.Returns))
      continue;
    const ProposedEntry *M = find(P.Managers, F.Returns);
    bool HighManager = M && M->Level == Confidence::High;
    std::string Calls = plural(callsOf(J, F.Name), "call", "calls");
    if (HighManager &&
        (F.Return == ReturnKind::Owning || !F.SingletonStatic.empty())) {
      P.Factories.push_back(
          {F.Name, Confidence::High,
           (F.SingletonStatic.empty()
                ? "hands out " + F.Returns + " " + handedOut(F.Return)
                : "singleton accessor of " + F.Returns + " (the static '" +
                      F.SingletonStatic + "')") +
               " without taking a context; " + Calls + "; declared at",
           F.Where, "", "a factory not migrated yet"});
    } else if (!F.SingletonStatic.empty()) {
      P.Factories.push_back(
          {F.Name, Confidence::Low,
           "singleton accessor of " + F.Returns + " (the static '" +
               F.SingletonStatic + "'); " + Calls + "; declared at",
           F.Where, "", "its class may hold a manager without being one"});
      if (!M)
        addManager(P, F, Confidence::Low,
                   "kept in static storage by a singleton accessor:",
                   "it may hold a manager without being one");
    }
  }
}

/// The functions from which an active proposed factory is reached through
/// calls: marking one of them start-up is what changes a run.
std::set<std::string> reachingFactories(const Joined &J, const Proposal &P) {
  std::map<std::string, std::vector<std::string>> CallersOf;
  for (const auto &[Callee, Calls] : J.CallsTo)
    for (const SurveyCall &C : Calls)
      CallersOf[Callee].push_back(C.Caller);
  std::set<std::string> Reaching;
  std::vector<std::string> Work;
  for (const ProposedEntry &F : P.Factories)
    if (F.Level == Confidence::High)
      Work.push_back(F.Name);
  while (!Work.empty()) {
    std::string Callee = std::move(Work.back());
    Work.pop_back();
    for (const std::string &Caller : CallersOf[Callee])
      if (Reaching.insert(Caller).second)
        Work.push_back(Caller);
  }
  return Reaching;
}

/// 6.: start-up functions, as a fixed point from main and static
/// initializers; high when a proposed factory is reached from them.
std::set<std::string> proposeStartup(const Joined &J, Proposal &P) {
  std::set<std::string> Reaching = reachingFactories(J, P);
  std::set<std::string> Excluded(J.AddressTaken.begin(), J.AddressTaken.end());
  for (const SurveyFunction &F : J.Functions) {
    bool TakesContext = llvm::any_of(F.ParamClasses, [&](const std::string &C) {
      const ProposedEntry *E = find(P.Contexts, C);
      return E && E->Level == Confidence::High;
    });
    if (F.Virtual || TakesContext)
      Excluded.insert(F.Name);
  }
  std::set<std::string> Known;
  for (const SurveyFunction &F : J.Functions)
    Known.insert(F.Name);
  std::set<std::string> Start = {"main", StaticInitCaller};
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (const auto &[Callee, Calls] : J.CallsTo) {
      if (Start.count(Callee) || Excluded.count(Callee) || !Known.count(Callee))
        continue;
      if (!llvm::all_of(Calls, [&](const SurveyCall &C) {
            return Start.count(C.Caller) != 0;
          }))
        continue;
      Start.insert(Callee);
      Changed = true;
      const SurveyCall &First = Calls.front();
      bool Reaches = Reaching.count(Callee) != 0;
      P.Startup.push_back(
          {Callee, Reaches ? Confidence::High : Confidence::Low,
           "called only by start-up code: " +
               plural(Calls.size(), "call", "calls") + ", e.g.",
           First.Where,
           First.Caller == StaticInitCaller ? "a static's initializer"
                                            : "in " + First.Caller,
           Reaches ? "reaches a proposed factory"
                   : "reaches no proposed factory: marking it changes "
                     "nothing yet"});
    }
  }
  return Start;
}

/// The overloads of every method of Class, by unqualified name.
std::map<std::string, std::vector<const SurveyFunction *>>
methodsOf(const Joined &J, const std::string &Class) {
  std::map<std::string, std::vector<const SurveyFunction *>> Out;
  for (const SurveyFunction &F : J.Functions)
    if (F.Class == Class && !F.Constructor)
      Out[shortName(F.Name)].push_back(&F);
  return Out;
}

/// Whether every overload could be a setup method: it changes the object,
/// returns nothing, takes a pointer it requires and makes no manager.
bool setupOverloads(const std::vector<const SurveyFunction *> &Overloads,
                    const Proposal &P) {
  return llvm::all_of(Overloads, [&](const SurveyFunction *F) {
    return !F->Const && F->ReturnsVoid && !F->PointerParams.empty() &&
           !find(P.Factories, F->Name);
  });
}

/// The arguments every overload of every setup method requires.
std::vector<unsigned>
requiredArgs(const std::vector<const SurveyFunction *> &Methods) {
  std::vector<unsigned> Out = Methods.front()->PointerParams;
  for (const SurveyFunction *F : Methods)
    llvm::erase_if(Out, [&](unsigned I) {
      return !llvm::is_contained(F->PointerParams, I);
    });
  return Out;
}

/// 8.: factory classes and their setup methods.
void proposeFactorySetup(const Joined &J, const std::set<std::string> &Start,
                         Proposal &P) {
  std::set<std::string> Classes;
  for (const SurveyFunction &F : J.Functions)
    if (const ProposedEntry *E = find(P.Factories, F.Name);
        E && E->Level == Confidence::High && !F.Class.empty())
      Classes.insert(F.Class);
  for (const std::string &Class : Classes) {
    ProposedSetup S;
    ProposedEntry &E = S.Entry;
    E.Name = Class;
    std::vector<const SurveyFunction *> Methods;
    const SurveyCall *FromStart = nullptr;
    for (const auto &[Name, Overloads] : methodsOf(J, Class)) {
      if (!setupOverloads(Overloads, P))
        continue;
      S.Setup.push_back(Name);
      Methods.insert(Methods.end(), Overloads.begin(), Overloads.end());
      if (llvm::is_contained(
              {"configure", "setup", "set_up", "init", "initialize"},
              llvm::StringRef(Name).lower()))
        E.Level = Confidence::High;
      for (const SurveyFunction *F : Overloads)
        if (auto It = J.CallsTo.find(F->Name); It != J.CallsTo.end())
          for (const SurveyCall &C : It->second)
            if (!FromStart && Start.count(C.Caller))
              FromStart = &C;
    }
    if (Methods.empty())
      continue;
    S.RequiredArgs = requiredArgs(Methods);
    if (FromStart)
      E.Level = Confidence::High;
    E.What = "makes managers (a proposed factory method) and is set up by " +
             plural(S.Setup.size(), "method", "methods") +
             " taking a pointer; " +
             (FromStart ? "set up by start-up code, e.g." : "declared at");
    E.Example = FromStart ? FromStart->Where : Methods.front()->Where;
    E.ExampleOf = FromStart ? "in " + FromStart->Caller : "";
    P.FactorySetup.push_back(std::move(S));
  }
}

bool builtinHolder(llvm::StringRef Template) {
  return shortName(Template) == "NoDestructor" ||
         Template == "folly::Singleton" || Template == "folly::LeakySingleton";
}

void proposeHolders(const Joined &J, Proposal &P) {
  for (const auto &[Template, Vars] : J.Holders)
    if (!builtinHolder(Template))
      P.Holders.push_back(
          {Template, Confidence::High,
           "keeps its argument in raw storage; " +
               plural(Vars.size(), "static variable", "static variables") +
               ", e.g.",
           Vars.front().Where, Vars.front().Variable, ""});
}

/// High first, then by name: a stable file for the same code.
void order(std::vector<ProposedEntry> &List) {
  llvm::stable_sort(List, [](const ProposedEntry &A, const ProposedEntry &B) {
    return std::tie(A.Level, A.Name) < std::tie(B.Level, B.Name);
  });
}

} // namespace

bool namedLikeRequestContext(llvm::StringRef Name) {
  std::vector<std::string> W = words(Name);
  if (W.empty())
    return false;
  const std::string &Last = W.back();
  auto Has = [&](std::initializer_list<const char *> Any) {
    return llvm::any_of(
        llvm::ArrayRef(W).drop_back(),
        [&](const std::string &X) { return llvm::is_contained(Any, X); });
  };
  if (Last == "context" || Last == "ctx")
    return Has({"request", "req", "user", "session", "call", "execution"});
  if (Last == "request" || Last == "req")
    return true;
  return Last == "info" && Has({"request"});
}

Proposal proposeConfiguration(const std::vector<UnitSurvey> &Surveys) {
  Joined J = join(Surveys);
  Proposal P;
  P.Units = Surveys.size();
  proposeContexts(J, P);
  proposeContextFactories(J, P);
  proposeLegacyFactories(J, P);
  std::set<std::string> Start = proposeStartup(J, P);
  proposeHolders(J, P);
  proposeFactorySetup(J, Start, P);
  for (auto *List :
       {&P.Contexts, &P.Managers, &P.Factories, &P.Startup, &P.Holders})
    order(*List);
  llvm::stable_sort(P.FactorySetup, [](const auto &A, const auto &B) {
    return std::tie(A.Entry.Level, A.Entry.Name) <
           std::tie(B.Entry.Level, B.Entry.Name);
  });
  return P;
}

} // namespace factoryguard

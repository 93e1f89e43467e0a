//===- CommandLine.cpp - Reading a front end's arguments ------------------===//
//
// CommandLine.h says why ArgReader lexes and llvm::cl reads: here the
// rewriting of each option as `--name=value` and the order of the errors.
//
//===----------------------------------------------------------------------===//
#include "CommandLine.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

namespace factoryguard {

namespace {

/// The first value a parser refused during this command line.
std::string &firstUsageError() {
  static std::string Error;
  return Error;
}

/// FE's options as the user spells them, and those of them taking a value.
void spellingsOf(const FrontEnd &FE, std::set<std::string> &Known,
                 std::set<std::string> &WithValue) {
  for (const auto &Entry : FE.Sub.OptionsMap) {
    llvm::cl::Option *O = Entry.second;
    // LLVM's own options (--help-list, --print-options, ...) are in every
    // subcommand too: never ours to accept.
    if (!O->Subs.count(&FE.Sub))
      continue;
    std::string Name = optionSpelling(Entry.first());
    Known.insert(Name);
    if (O->getValueExpectedFlag() == llvm::cl::ValueRequired)
      WithValue.insert(Name);
  }
  for (const auto &[Name, TakesValue] : FE.Actions) {
    Known.insert(Name);
    if (TakesValue)
      WithValue.insert(Name);
  }
}

/// Lexes Args: the options before the first action or error, rewritten
/// for llvm::cl, into Canonical; inputs, `--` and the action into Out.
/// "" or the error that stopped the reading.
std::string lex(const FrontEnd &FE, llvm::ArrayRef<std::string> Args,
                std::vector<std::string> &Canonical, ReadArgs &Out) {
  std::set<std::string> Known, WithValue;
  spellingsOf(FE, Known, WithValue);
  ArgReader Reader(Args.vec(), WithValue, FE.NonEmpty);
  while (Reader.next()) {
    if (!Reader.error().empty())
      return Reader.error();
    const std::string &A = Reader.arg(), &Name = Reader.name();
    bool IsOption = !A.empty() && A[0] == '-' && (A != "-" || !FE.DashIsInput);
    if (IsOption ? !Known.count(Name) : !FE.TakesInputs)
      return "unknown option '" + A + "'" + FE.UnknownSuffix;
    if (!IsOption) {
      Out.Inputs.push_back(A);
      continue;
    }
    for (const auto &Action : FE.Actions)
      if (Action.first == Name) {
        Out.Action = Name;
        Out.ActionValue = Reader.value();
        return "";
      }
    // A flag given a value (`--fix=x`) is the flag, as it always was.
    std::string Key = "--" + llvm::StringRef(Name).ltrim('-').str();
    Canonical.push_back(WithValue.count(Name) ? Key + "=" + Reader.value()
                                              : Key);
  }
  Out.DashDash = Reader.afterDashDash();
  Out.Rest = Reader.rest();
  return "";
}

} // namespace

void noteUsageError(std::string Msg) {
  if (firstUsageError().empty())
    firstUsageError() = std::move(Msg);
}

std::string optionSpelling(llvm::StringRef Name) {
  return (Name.size() == 1 ? "-" : "--") + Name.str();
}

std::string readJobs(llvm::StringRef Text, unsigned &Out) {
  std::string Value = Text.str();
  char *End = nullptr;
  long N = std::strtol(Value.c_str(), &End, 10);
  if (Value.empty() || *End || N < 1 || N > 1024)
    return "-j takes a number from 1 to 1024, not '" + Value + "'";
  Out = static_cast<unsigned>(N);
  return "";
}

std::string readArguments(const FrontEnd &FE, llvm::ArrayRef<std::string> Args,
                          ReadArgs &Out) {
  std::vector<std::string> Canonical = {"factoryguard", FE.Sub.getName().str()};
  std::string Stop = lex(FE, Args, Canonical, Out);
  std::vector<const char *> Argv;
  for (const std::string &A : Canonical)
    Argv.push_back(A.c_str());
  firstUsageError().clear();
  // Every name was checked above and every value reaches our parsers: an
  // error of llvm::cl's own would be ours to fix, shown as it says it.
  std::string ClErrors;
  llvm::raw_string_ostream ClStream(ClErrors);
  bool Parsed = llvm::cl::ParseCommandLineOptions(static_cast<int>(Argv.size()),
                                                  Argv.data(), "", &ClStream);
  if (!firstUsageError().empty())
    return firstUsageError(); // before the option that stopped the lexing
  if (!Stop.empty())
    return Stop;
  if (!Parsed)
    return llvm::StringRef(ClErrors).trim().str();
  return "";
}

} // namespace factoryguard

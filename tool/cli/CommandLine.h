//===- CommandLine.h - How factoryguard's front ends read their arguments -===//
//
// Each front end (the CLI, `merge`, `audit`, `lsp`, `init`) declares its
// options as llvm::cl options of its own cl::SubCommand, grouped in one
// struct per concern and typed (enums with cl::values, counts and sizes
// read by a Checked parser); readArguments() fills them.
//
// The spellings and the messages stay ours, so two steps:
//  - ArgReader lexes: `--name value` and `--name=value`; `-p`, `-j` and `-o`
//    also glued to their value (`-pbuild`, `-j2`); everything after `--` is
//    compiler flags. It finds the unknown options and the missing or empty
//    values, in our words. llvm::cl alone would accept spellings we refuse
//    (`-config`, `--fix=false`, `@file` response files) and word its errors
//    its own way ("Unknown command line argument"), on its own stream.
//  - llvm::cl then reads each option, rewritten as `--name=value`, into its
//    typed storage. A value our parsers refuse keeps our message
//    (noteUsageError), never llvm::cl's.
// Errors come in command-line order: reading stops at the first unknown or
// malformed option, and llvm::cl reads only the options before it, so a bad
// value before it is reported first, as when one loop read them all.
//
// The help stays our text (each front end's Usage): its layout is what
// users, the docs and the pre-commit hook read, and llvm::cl's printer would
// list LLVM's own options beside ours.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_COMMANDLINE_H
#define FACTORYGUARD_COMMANDLINE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/CommandLine.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace factoryguard {

class ArgReader {
public:
  /// WithValue: the options that take a value; NonEmpty: those of them an
  /// empty value would silently turn into "none" (a path, a count).
  ArgReader(std::vector<std::string> Args, std::set<std::string> WithValue,
            std::set<std::string> NonEmpty)
      : Args(std::move(Args)), WithValue(std::move(WithValue)),
        NonEmpty(std::move(NonEmpty)) {}

  /// Reads the next option or input; false at the end of the arguments or
  /// at `--` (then afterDashDash()).
  bool next() {
    Name.clear();
    Value.clear();
    Error.clear();
    if (I >= Args.size())
      return false;
    Arg = Args[I++];
    if (Arg == "--") {
      DashDash = true;
      return false;
    }
    Name = Arg;
    bool HasValue = false;
    if (Arg.rfind("--", 0) == 0 && Arg.find('=') != std::string::npos) {
      Name = Arg.substr(0, Arg.find('='));
      Value = Arg.substr(Arg.find('=') + 1);
      HasValue = true;
    } else if (Arg.size() > 2 && Arg[0] == '-' && Arg[1] != '-' &&
               WithValue.count(Arg.substr(0, 2))) {
      Name = Arg.substr(0, 2);
      Value = Arg.substr(2);
      HasValue = true;
    }
    if (!WithValue.count(Name))
      return true;
    if (!HasValue) {
      if (I >= Args.size()) {
        Error = "option '" + Name + "' needs a value";
        return true;
      }
      Value = Args[I++];
    }
    if (Value.empty() && NonEmpty.count(Name))
      Error = "option '" + Name + "' needs a non-empty value";
    return true;
  }

  /// The argument as written, the option's name ("--config" of
  /// "--config=x") and its value ("" for an option without one).
  const std::string &arg() const { return Arg; }
  const std::string &name() const { return Name; }
  const std::string &value() const { return Value; }
  /// A missing or empty value; "" when the option is well formed.
  const std::string &error() const { return Error; }
  /// Whether `--` ended the options, and what followed it.
  bool afterDashDash() const { return DashDash; }
  std::vector<std::string> rest() const {
    return std::vector<std::string>(Args.begin() + I, Args.end());
  }

private:
  std::vector<std::string> Args;
  std::set<std::string> WithValue, NonEmpty;
  size_t I = 0;
  std::string Arg, Name, Value, Error;
  bool DashDash = false;
};

/// Keeps Msg as the usage error of this command line unless an earlier
/// option already had one: the parsers below call it for a value they
/// refuse.
void noteUsageError(std::string Msg);

/// "-p" for "p", "--config" for "config": how the front ends spell an
/// option (single-letter names with one dash).
std::string optionSpelling(llvm::StringRef Name);

/// A value read with Read, which returns "" or our message for a bad value
/// ("-j takes a number from 1 to 1024, not 'x'").
template <class T, std::string (*Read)(llvm::StringRef, T &)>
class Checked : public llvm::cl::parser<T> {
public:
  Checked(llvm::cl::Option &O) : llvm::cl::parser<T>(O) {}
  // Hides cl::parser<T>::parse (llvm::cl calls the parser class it is
  // given, not through a virtual).
  bool parse(llvm::cl::Option &, llvm::StringRef, llvm::StringRef Arg,
             T &Value) {
    std::string Err = Read(Arg, Value);
    if (Err.empty())
      return false;
    noteUsageError(std::move(Err));
    return true;
  }
};

/// An enum option's cl::values, refused in our words: "--format takes
/// text, sarif or shard, not 'xml'" (Command before it, "merge " for one).
template <class T> class EnumValues : public llvm::cl::parser<T> {
public:
  EnumValues(llvm::cl::Option &O) : llvm::cl::parser<T>(O) {}
  std::string Command;
  bool parse(llvm::cl::Option &O, llvm::StringRef, llvm::StringRef Arg,
             T &Value) {
    std::string Names;
    for (size_t I = 0; I < this->Values.size(); ++I) {
      if (this->Values[I].Name == Arg) {
        Value = this->Values[I].V.getValue();
        return false;
      }
      Names += (I == 0                         ? ""
                : I + 1 == this->Values.size() ? " or "
                                               : ", ") +
               this->Values[I].Name.str();
    }
    noteUsageError(Command + optionSpelling(O.ArgStr) + " takes " + Names +
                   ", not '" + Arg.str() + "'");
    return true;
  }
};

/// --unit-errors fail|report (the CLI, merge, audit).
enum class UnitErrors { Fail, Report };
#define FACTORYGUARD_UNIT_ERRORS_VALUES                                        \
  llvm::cl::values(clEnumValN(UnitErrors::Fail, "fail", ""),                   \
                   clEnumValN(UnitErrors::Report, "report", ""))

/// `-j <n>`: 1 to 1024 (the CLI, audit and init).
std::string readJobs(llvm::StringRef Text, unsigned &Out);

/// How a front end reads its arguments besides its cl options.
struct FrontEnd {
  explicit FrontEnd(llvm::cl::SubCommand &Sub) : Sub(Sub) {}
  /// Its options: those declared with cl::sub(Sub).
  llvm::cl::SubCommand &Sub;
  /// Options that are answered at once (--help, --version, --explain
  /// <rule>), with whether each takes a value; read as far as them.
  std::vector<std::pair<std::string, bool>> Actions = {{"--help", false},
                                                       {"-h", false}};
  /// The options an empty value would silently turn into "none" (a path,
  /// a count): "option '-o' needs a non-empty value".
  std::set<std::string> NonEmpty;
  /// Whether it takes files and directories; without, a word is an
  /// unknown option (lsp).
  bool TakesInputs = true;
  /// Whether `-` alone is an input (a file named so), not an option.
  bool DashIsInput = true;
  /// After "unknown option '-x'" (" for merge").
  std::string UnknownSuffix;
};

/// What readArguments found besides the options.
struct ReadArgs {
  std::vector<std::string> Inputs; // files and directories, in order
  bool DashDash = false;           // whether `--` ended the options
  std::vector<std::string> Rest;   // what followed it
  std::string Action, ActionValue; // the action met ("--help"), or ""
};

/// Reads Args (those after the subcommand's name) into FE's cl options
/// and Out; "" when well formed, else the first usage error in our words.
/// Once per process: llvm::cl's options keep what they read.
std::string readArguments(const FrontEnd &FE, llvm::ArrayRef<std::string> Args,
                          ReadArgs &Out);

} // namespace factoryguard

#endif

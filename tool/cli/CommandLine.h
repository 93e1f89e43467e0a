//===- CommandLine.h - One reader of factoryguard's command lines ---------===//
//
// The CLI, `factoryguard audit` and `factoryguard lsp` read their arguments
// the same way: `--name value` and `--name=value`; `-p`, `-j` and `-o` also
// glued to their value (`-pbuild`, `-j2`); everything after `--` is compiler
// flags. Each front end says which options take a value and which of those
// must not be empty, and decides what an option means.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_COMMANDLINE_H
#define FACTORYGUARD_COMMANDLINE_H

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

} // namespace factoryguard

#endif

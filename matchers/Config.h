//===- Config.h - .factoryguard.yaml and CheckOptions as one struct ------===//
#ifndef FACTORYGUARD_CONFIG_H
#define FACTORYGUARD_CONFIG_H

#include "Finding.h"
#include "Paths.h" // normalizePath, which config paths go through
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace re2 {
class RE2;
} // namespace re2

namespace factoryguard {

/// One configured name: a fully qualified name (a leading "::" optional) or,
/// when written "regex:...", an RE2 regular expression matched against the
/// whole qualified name (linear time in the name's length).
class NameMatcher {
public:
  /// Fails with a message when the regex does not compile or its compiled
  /// program exceeds RegexMemoryBudget bytes.
  static llvm::Expected<NameMatcher> create(llvm::StringRef Entry);
  static constexpr int64_t RegexMemoryBudget = 8 << 20;
  bool matches(llvm::StringRef QualifiedName) const;
  const std::string &text() const { return Text; } // as written
  bool isRegex() const { return Regex != nullptr; }
  /// For exclude entries: a regex entry matches the whole path; a plain
  /// entry matches the path itself or any path below it ("<entry>/...").
  bool matchesPath(llvm::StringRef Path) const;
  /// The name without a leading "::" (empty for a regex).
  const std::string &plainName() const { return Plain; }

  /// Where the entry is written in its configuration file (1-based; 0 when
  /// it came from elsewhere, e.g. clang-tidy CheckOptions).
  unsigned Line = 0, Column = 0;

private:
  std::string Text;
  std::string Plain; // normalized name without a leading "::"
  std::shared_ptr<const re2::RE2> Regex;
};

/// A list of names; matches when any entry does.
struct NameList {
  std::vector<NameMatcher> Entries;
  bool matches(llvm::StringRef QualifiedName) const;
  bool empty() const { return Entries.empty(); }
  /// ";"-separated, as clang-tidy CheckOptions write lists.
  std::string join() const;
  /// Parses a ";"-separated list (CheckOptions form).
  static llvm::Expected<NameList> parseList(llvm::StringRef Semicolons);
};

struct FactoryEntry {
  NameMatcher Name;
  std::optional<unsigned> ContextParam; // zero-based; none = first context
  unsigned ParamLine = 0, ParamColumn = 0; // where context-param is written
};

/// A factory class that must be set up before it makes managers (SPEC §2
/// factoryguard-unconfigured-factory, §3 `factory-setup`).
struct FactorySetupEntry {
  NameMatcher Class;
  std::vector<NameMatcher> Setup;     // method names, unqualified
  std::vector<unsigned> RequiredArgs; // zero-based, of every setup method
  /// Where each of RequiredArgs is written (line, column; 1-based).
  std::vector<std::pair<unsigned, unsigned>> RequiredAt;
};

struct RuleSettings {
  std::optional<Severity> Level; // none = the rule's default
};

struct Config {
  NameList Contexts;
  NameList Managers;
  std::vector<FactoryEntry> Factories;
  NameList Startup;
  NameList RequestEntries;
  /// Functions allowed to create a context from nothing (SPEC §1 "context
  /// source"; factoryguard-fabricated-context).
  NameList ContextSources;
  /// Class templates that keep their argument in raw storage (SPEC §2
  /// static-singleton), beside the built-in NoDestructor and folly ones.
  NameList Holders;
  std::vector<FactorySetupEntry> FactorySetups;
  NameList Exclude; // matched against file paths
  std::map<std::string, RuleSettings> Rules;
  std::string SourceFile; // where it was read from; empty = built in

  /// Adds everything of Other (configuration entries add up).
  void merge(const Config &Other);
  bool isExcludedPath(llvm::StringRef Path) const;
};

/// Parses YAML text. Errors name File:line:col and what is wrong: an unknown
/// key, a wrong type, a bad regex, an unknown rule or severity.
llvm::Expected<Config> parseConfig(llvm::StringRef Text, llvm::StringRef File);
/// Reads Path with readRegularFile; errors name it.
llvm::Expected<Config> loadConfigFile(llvm::StringRef Path);

/// The nearest ".factoryguard.yaml" walking up from the directory of File;
/// empty when none. Anything by that name counts, so that a directory, a
/// FIFO or a dangling link there is reported by loadConfigFile instead of
/// being skipped in favour of a configuration further up.
std::string findConfigFor(llvm::StringRef File);
/// Forgets what findConfigFor found: a long-lived process (the language
/// server) calls it before each analysis, so that a configuration file added
/// or removed meanwhile counts, as it would for a new CLI run.
void forgetConfigDiscovery();

extern const char *const ConfigFileName;

} // namespace factoryguard

#endif

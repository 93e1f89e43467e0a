//===- Rules.cpp - The rule catalogue ------------------------------------===//
#include "Rules.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/GlobPattern.h"

namespace factoryguard {

namespace {

/// docs/rules/<id>.md of every rule (EmbedRuleDocs.cmake): RuleDocs[] =
/// {{Id, Markdown}, ...}.
#include "RuleDocs.inc"

const char *docOf(llvm::StringRef Id) {
  for (const auto &D : RuleDocs)
    if (Id == D.Id)
      return D.Markdown;
  return "";
}

std::vector<std::string> splitTags(llvm::StringRef Tags) {
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  Tags.split(Parts, ',', -1, false);
  return std::vector<std::string>(Parts.begin(), Parts.end());
}

const std::vector<RuleInfo> &catalogue() {
  static const std::vector<RuleInfo> Rules = {
#define FACTORYGUARD_RULE(Unit, Id, Short, Full, Level, Precision, Problem,    \
                          Tags, Resolve, Facts)                                \
  {Id,        #Unit,   Short,          Full, docOf(Id), Severity::Level,       \
   Precision, Problem, splitTags(Tags)},
#include "Rules.def"
  };
  return Rules;
}

} // namespace

llvm::ArrayRef<RuleInfo> allRules() { return catalogue(); }

const RuleInfo *findRule(llvm::StringRef Id) {
  for (const RuleInfo &R : catalogue())
    if (Id == R.Id)
      return &R;
  return nullptr;
}

int ruleIndex(llvm::StringRef Id) {
  const auto &Rules = catalogue();
  for (size_t I = 0; I < Rules.size(); ++I)
    if (Id == Rules[I].Id)
      return static_cast<int>(I);
  return -1;
}

std::string helpText(const RuleInfo &Rule) {
  // The markdown page with heading marks and code fences removed.
  std::string Out;
  llvm::SmallVector<llvm::StringRef, 64> Lines;
  llvm::StringRef(Rule.HelpMarkdown).split(Lines, '\n');
  for (llvm::StringRef L : Lines) {
    if (L.starts_with("```"))
      continue;
    if (L.starts_with("#"))
      L = L.ltrim('#').ltrim(' ');
    Out += L.str();
    Out += '\n';
  }
  while (!Out.empty() && Out.back() == '\n')
    Out.pop_back();
  Out += '\n';
  return Out;
}

bool globMatches(llvm::StringRef Glob, llvm::StringRef Text) {
  // Only '*' is a wildcard, as in clang-tidy's check globs: the rest of
  // GlobPattern's syntax ('?', '[', '{', '\\') is escaped.
  std::string Escaped;
  for (char C : Glob) {
    if (C == '?' || C == '[' || C == ']' || C == '{' || C == '}' || C == '\\')
      Escaped += '\\';
    Escaped += C;
  }
  llvm::Expected<llvm::GlobPattern> Pattern =
      llvm::GlobPattern::create(Escaped);
  if (!Pattern) {
    llvm::consumeError(Pattern.takeError());
    return false;
  }
  return Pattern->match(Text);
}

bool ruleEnabledByGlobs(llvm::StringRef Globs, llvm::StringRef RuleId) {
  Globs = Globs.trim();
  if (Globs.empty())
    return true;
  bool Enabled = false;
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Globs.split(Parts, ',', -1, false);
  for (llvm::StringRef P : Parts) {
    P = P.trim();
    bool Negative = P.consume_front("-");
    if (!P.empty() && globMatches(P, RuleId))
      Enabled = !Negative;
  }
  return Enabled;
}

} // namespace factoryguard

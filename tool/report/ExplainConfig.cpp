//===- ExplainConfig.cpp - factoryguard --explain-config <file> ----------===//
#include "ExplainConfig.h"

#include "Finding.h"
#include "llvm/Support/raw_ostream.h"

namespace factoryguard {

namespace {

std::string position(const Config &Cfg, const NameMatcher &E) {
  if (!E.Line)
    return Cfg.SourceFile;
  return Cfg.SourceFile + ":" + std::to_string(E.Line) + ":" +
         std::to_string(E.Column);
}

void printDecl(llvm::raw_ostream &OS, const MatchedDecl &D) {
  OS << D.Name;
  if (!D.File.empty())
    OS << " (" << D.File << ":" << D.Line << ")";
}

} // namespace

std::string renderConfigExplanation(const std::string &File, const Config &Cfg,
                                    bool FromOption,
                                    const ConfigMatchRecord &Matches) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << "configuration for " << File << "\n";
  if (Cfg.SourceFile.empty()) {
    OS << "file: none (no " << ConfigFileName
       << " above the file; the built-in empty configuration)\n";
  } else {
    OS << "file: " << Cfg.SourceFile
       << (FromOption ? " (given with --config)"
                      : " (the nearest above the file)")
       << "\n";
  }

  OS << "entries:\n";
  bool AnyEntry = false;
  auto Entry = [&](const NameMatcher &E, llvm::StringRef Key,
                   const std::string &Extra) {
    AnyEntry = true;
    OS << "  " << position(Cfg, E) << ": " << Key << " '" << clipEntry(E.text())
       << "'"
       << Extra << "\n";
    auto It = Matches.Matched.find(&E);
    if (It == Matches.Matched.end()) {
      OS << "    matched: nothing in this unit\n";
      return;
    }
    for (const MatchedDecl &D : It->second.Decls) {
      OS << "    matched: ";
      printDecl(OS, D);
      OS << "\n";
    }
    if (It->second.More)
      OS << "    matched: more (only the first "
         << ConfigMatchRecord::MaxDeclsPerEntry << " are listed)\n";
  };
  for (const NameMatcher &E : Cfg.Contexts.Entries)
    Entry(E, "contexts", "");
  for (const NameMatcher &E : Cfg.Managers.Entries)
    Entry(E, "managers", "");
  for (const FactoryEntry &F : Cfg.Factories)
    Entry(F.Name, "factories",
          F.ContextParam
              ? " (context-param " + std::to_string(*F.ContextParam) + ")"
              : "");
  for (const NameMatcher &E : Cfg.Startup.Entries)
    Entry(E, "startup", "");
  for (const NameMatcher &E : Cfg.RequestEntries.Entries)
    Entry(E, "request-entries", "");
  for (const NameMatcher &E : Cfg.ContextSources.Entries)
    Entry(E, "context-sources", "");
  for (const NameMatcher &E : Cfg.Holders.Entries)
    Entry(E, "holders", "");
  for (const NameMatcher &E : Cfg.Exclude.Entries) {
    AnyEntry = true;
    OS << "  " << position(Cfg, E) << ": exclude '" << clipEntry(E.text())
       << "'\n";
  }
  for (const auto &[Rule, Settings] : Cfg.Rules) {
    AnyEntry = true;
    OS << "  " << Cfg.SourceFile << ": rules '" << Rule << "'";
    if (Settings.Level)
      OS << " severity " << severityName(*Settings.Level);
    OS << "\n";
  }
  if (!AnyEntry)
    OS << "  (none)\n";

  OS << "annotations in this unit:\n";
  if (Matches.Annotations.empty())
    OS << "  (none)\n";
  for (const SeenAnnotation &A : Matches.Annotations) {
    OS << "  ";
    if (!A.Decl.File.empty())
      OS << A.Decl.File << ":" << A.Decl.Line << ": ";
    OS << "factoryguard::" << A.Kind << " on " << A.Decl.Name << "\n";
  }
  OS.flush();
  return Out;
}

} // namespace factoryguard

//===- ConfigCheck.cpp - Which configuration entries matched what --------===//
#include "ConfigCheck.h"

#include "Paths.h"
#include "UserCode.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <functional>

using namespace clang;

namespace factoryguard {

//===----------------------------------------------------------------------===//
// ConfigMatchRecord
//===----------------------------------------------------------------------===//

void ConfigMatchRecord::addMatch(const NameMatcher &Entry, MatchedDecl D) {
  EntryMatches &M = Matched[&Entry];
  if (M.Decls.size() < MaxDeclsPerEntry || M.Decls.count(D))
    M.Decls.insert(std::move(D));
  else
    M.More = true;
}

void ConfigMatchRecord::merge(ConfigMatchRecord &&Other) {
  for (auto &[Entry, Theirs] : Other.Matched) {
    for (const MatchedDecl &D : Theirs.Decls)
      addMatch(*Entry, D);
    if (Theirs.More)
      Matched[Entry].More = true;
  }
  for (const auto &S : Other.SeenTypes)
    SeenTypes.insert(S.getKey());
  for (const auto &S : Other.SeenFunctions)
    SeenFunctions.insert(S.getKey());
  for (BadContextParam &B : Other.BadParams) {
    bool Known = llvm::any_of(BadParams, [&](const BadContextParam &Mine) {
      return Mine.Entry == B.Entry && Mine.Function.Name == B.Function.Name;
    });
    if (!Known)
      BadParams.push_back(std::move(B));
  }
  for (BadRequiredArg &B : Other.BadRequired)
    if (llvm::none_of(BadRequired, [&](const BadRequiredArg &Mine) {
          return Mine.Entry == B.Entry && Mine.Index == B.Index &&
                 Mine.Class.Name == B.Class.Name;
        }))
      BadRequired.push_back(std::move(B));
  Annotations.insert(Other.Annotations.begin(), Other.Annotations.end());
}

//===----------------------------------------------------------------------===//
// Recording what the Model looks up
//===----------------------------------------------------------------------===//

MatchedDecl describeDecl(const NamedDecl *D, const std::string &Name) {
  MatchedDecl Out;
  Out.Name = Name;
  if (!D)
    return Out;
  const Decl *Where = D;
  if (const auto *TD = dyn_cast<TagDecl>(D)) {
    if (const TagDecl *Def = TD->getDefinition())
      Where = Def;
  } else if (const auto *FD = dyn_cast<FunctionDecl>(D)) {
    if (const FunctionDecl *Def = FD->getDefinition())
      Where = Def;
  }
  const SourceManager &SM = D->getASTContext().getSourceManager();
  SourceLocation Loc = Where->getLocation();
  if (Loc.isInvalid())
    return Out;
  Loc = SM.getExpansionLoc(Loc);
  FileID FID = SM.getFileID(Loc);
  if (OptionalFileEntryRef FE = SM.getFileEntryRefForID(FID))
    Out.File = normalizeFilePath(SM.getFileManager(), FE->getName());
  Out.Line = SM.getExpansionLineNumber(Loc);
  return Out;
}

static void noteSeen(ConfigMatchRecord &R, llvm::StringRef Name,
                     NameKind Kind) {
  (Kind == NameKind::Type ? R.SeenTypes : R.SeenFunctions).insert(Name);
}

bool matchAndRecord(ConfigMatchRecord *R, const NameList &L,
                    const NamedDecl *D, const std::string &Name,
                    NameKind Kind) {
  if (!R)
    return L.matches(Name);
  noteSeen(*R, Name, Kind);
  bool Any = false;
  for (const NameMatcher &E : L.Entries)
    if (E.matches(Name)) {
      Any = true;
      R->addMatch(E, describeDecl(D, Name));
    }
  return Any;
}

static void checkContextParam(ConfigMatchRecord &R, const FactoryEntry &E,
                              const FunctionDecl *FD,
                              const std::string &Name) {
  if (!E.ContextParam || *E.ContextParam < FD->getNumParams())
    return;
  bool Known = llvm::any_of(R.BadParams, [&](const BadContextParam &B) {
    return B.Entry == &E && B.Function.Name == Name;
  });
  if (!Known)
    R.BadParams.push_back({&E, describeDecl(FD, Name), FD->getNumParams()});
}

bool matchFactoryAndRecord(ConfigMatchRecord *R, const FactoryEntry &E,
                           const FunctionDecl *FD, const std::string &Name) {
  if (!R)
    return E.Name.matches(Name);
  noteSeen(*R, Name, NameKind::Function);
  if (!E.Name.matches(Name))
    return false;
  R->addMatch(E.Name, describeDecl(FD, Name));
  checkContextParam(*R, E, FD, Name);
  return true;
}

//===----------------------------------------------------------------------===//
// End of a unit: lookups by name, annotations
//===----------------------------------------------------------------------===//

namespace {

/// The declaration a lookup result names, if it is of the kind wanted:
/// templates by their pattern.
const NamedDecl *ofKind(const NamedDecl *D, NameKind Kind) {
  if (Kind == NameKind::Type) {
    if (const auto *CTD = dyn_cast<ClassTemplateDecl>(D))
      return CTD->getTemplatedDecl();
    if (const auto *RD = dyn_cast<CXXRecordDecl>(D))
      return RD->isInjectedClassName() ? nullptr : RD;
    return nullptr;
  }
  if (const auto *FTD = dyn_cast<FunctionTemplateDecl>(D))
    return FTD->getTemplatedDecl();
  return dyn_cast<FunctionDecl>(D);
}

/// The scope a qualifier component names: a namespace or a class.
const DeclContext *scopeOf(const NamedDecl *D) {
  if (const auto *NS = dyn_cast<NamespaceDecl>(D))
    return NS;
  if (const auto *CTD = dyn_cast<ClassTemplateDecl>(D))
    D = CTD->getTemplatedDecl();
  if (const auto *RD = dyn_cast<CXXRecordDecl>(D))
    return RD->getDefinition();
  return nullptr;
}

/// The identifier Name of the unit (its own, or one of the precompiled
/// headers it reads), without making it: nullptr when no declaration can
/// have that name. Making it here would also start the identifier table's
/// memory slabs from this code, which a sanitizer build instruments and
/// clang does not (a false use-after-poison when clang then allocates
/// there: seen with the language server's preamble).
const IdentifierInfo *existingIdentifier(ASTContext &Ctx,
                                         llvm::StringRef Name) {
  auto It = Ctx.Idents.find(Name);
  if (It != Ctx.Idents.end())
    return It->getValue();
  if (IdentifierInfoLookup *External = Ctx.Idents.getExternalIdentifierLookup())
    return External->get(Name);
  return nullptr;
}

/// The declarations named Name in DC (none when no identifier is Name).
DeclContextLookupResult lookupIn(ASTContext &Ctx, const DeclContext *DC,
                                 llvm::StringRef Name) {
  const IdentifierInfo *II = existingIdentifier(Ctx, Name);
  if (!II)
    return DeclContextLookupResult();
  return DC->lookup(DeclarationName(II));
}

/// Looks Name ("a::B::f") up component by component from the translation
/// unit. Found gets the declarations of the wanted kind; when none is found,
/// Stop is the deepest scope the qualifier reached (nullptr when it did not
/// reach the last component).
void lookupQualified(ASTContext &Ctx, llvm::StringRef Name, NameKind Kind,
                     llvm::SmallVectorImpl<const NamedDecl *> &Found,
                     const DeclContext *&Stop) {
  Stop = nullptr;
  llvm::SmallVector<llvm::StringRef, 6> Parts;
  Name.split(Parts, "::");
  const DeclContext *DC = Ctx.getTranslationUnitDecl();
  for (size_t I = 0; I < Parts.size(); ++I) {
    llvm::StringRef Part = Parts[I];
    // Only identifiers: "(anonymous namespace)", "operator()", template
    // arguments are left to what the Model saw.
    if (Part.empty() || !llvm::all_of(Part, [](char C) {
          return llvm::isAlnum(C) || C == '_' || C == '$';
        }))
      return;
    DeclContextLookupResult Result = lookupIn(Ctx, DC, Part);
    if (I + 1 == Parts.size()) {
      for (const NamedDecl *D : Result)
        if (const NamedDecl *K = ofKind(D, Kind))
          Found.push_back(K);
      if (Found.empty())
        Stop = DC;
      return;
    }
    const DeclContext *Next = nullptr;
    for (const NamedDecl *D : Result)
      if ((Next = scopeOf(D)))
        break;
    if (!Next)
      return;
    DC = Next;
  }
}

/// Names of the wanted kind declared directly in DC (every redeclaration of
/// a namespace), as candidates for "did you mean".
void addSiblings(const DeclContext *DC, NameKind Kind, ConfigMatchRecord &R) {
  constexpr unsigned Max = 20000;
  unsigned Count = 0;
  auto Scan = [&](const DeclContext *Scope) {
    for (const Decl *D : Scope->decls()) {
      if (++Count > Max)
        return;
      const auto *ND = dyn_cast<NamedDecl>(D);
      if (!ND || D->isImplicit())
        continue;
      if (const NamedDecl *K = ofKind(ND, Kind))
        noteSeen(R, qualifiedName(K), Kind);
    }
  };
  if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
    for (const NamespaceDecl *Redecl : NS->redecls())
      Scan(Redecl);
  } else {
    Scan(DC);
  }
}

/// The scope every name a regex matches starts with: "netra" for
/// "netra::.*Bridge" (the text before the last "::" of the pattern's literal
/// start); empty when the pattern starts with a metacharacter.
llvm::StringRef literalScope(llvm::StringRef Pattern) {
  Pattern.consume_front("::");
  llvm::StringRef Literal =
      Pattern.substr(0, Pattern.find_first_of("\\.[](){}*+?|^$"));
  size_t Colons = Literal.rfind("::");
  return Colons == llvm::StringRef::npos ? llvm::StringRef()
                                         : Literal.substr(0, Colons);
}

/// The namespace or class a qualified name ("a::B") names in the unit.
const DeclContext *lookupScope(ASTContext &Ctx, llvm::StringRef Name) {
  llvm::SmallVector<llvm::StringRef, 6> Parts;
  Name.split(Parts, "::");
  const DeclContext *DC = Ctx.getTranslationUnitDecl();
  for (llvm::StringRef Part : Parts) {
    if (Part.empty() || !llvm::all_of(Part, [](char C) {
          return llvm::isAlnum(C) || C == '_' || C == '$';
        }))
      return nullptr;
    const DeclContext *Next = nullptr;
    for (const NamedDecl *D : lookupIn(Ctx, DC, Part))
      if ((Next = scopeOf(D)))
        break;
    if (!Next)
      return nullptr;
    DC = Next;
  }
  return DC;
}

/// A regex entry that the analysis' lookups did not match is tried on the
/// declarations of the scope its literal start names, and of the namespaces
/// and classes in it (two levels, declarations only, bounded).
void matchRegexInScope(ASTContext &Ctx, const NameMatcher &E, NameKind Kind,
                       ConfigMatchRecord &R) {
  llvm::StringRef Pattern = E.text();
  Pattern.consume_front("regex:");
  llvm::StringRef Scope = literalScope(Pattern);
  if (Scope.empty())
    return;
  const DeclContext *Start = lookupScope(Ctx, Scope);
  if (!Start)
    return;
  unsigned Budget = 20000;
  std::function<void(const DeclContext *, unsigned)> Scan =
      [&](const DeclContext *DC, unsigned Depth) {
        llvm::SmallVector<const DeclContext *, 4> Parts;
        if (const auto *NS = dyn_cast<NamespaceDecl>(DC))
          for (const NamespaceDecl *Redecl : NS->redecls())
            Parts.push_back(Redecl);
        else
          Parts.push_back(DC);
        for (const DeclContext *Part : Parts)
          for (const Decl *D : Part->decls()) {
            if (Budget == 0)
              return;
            --Budget;
            const auto *ND = dyn_cast<NamedDecl>(D);
            if (!ND || D->isImplicit())
              continue;
            if (const NamedDecl *K = ofKind(ND, Kind)) {
              std::string Name = qualifiedName(K);
              if (E.matches(Name))
                R.addMatch(E, describeDecl(K, Name));
            }
            if (Depth < 2)
              if (const DeclContext *Inner = scopeOf(ND))
                if (!isa<NamespaceDecl>(ND) ||
                    ND == cast<NamespaceDecl>(ND)->getFirstDecl())
                  Scan(Inner, Depth + 1);
          }
      };
  Scan(Start, 0);
}

/// factoryguard annotations on the unit's own declarations.
class AnnotationCollector : public RecursiveASTVisitor<AnnotationCollector> {
public:
  explicit AnnotationCollector(std::set<SeenAnnotation> &Out) : Out(Out) {}
  bool VisitDecl(Decl *D) {
    if (!D->hasAttrs())
      return true;
    for (const auto *A : D->specific_attrs<AnnotateAttr>()) {
      llvm::StringRef Text = A->getAnnotation();
      if (!Text.consume_front("factoryguard::"))
        continue;
      const auto *ND = dyn_cast<NamedDecl>(D);
      std::string Name = ND ? qualifiedName(ND) : "";
      if (const auto *P = dyn_cast<ParmVarDecl>(D)) {
        const auto *Fn = dyn_cast<FunctionDecl>(P->getDeclContext());
        Name = (Fn ? qualifiedName(Fn) : std::string("?")) + " parameter " +
               std::to_string(P->getFunctionScopeIndex()) +
               (P->getIdentifier() ? " '" + P->getNameAsString() + "'" : "");
      }
      MatchedDecl Where = describeDecl(ND, Name);
      if (!ND) {
        const SourceManager &SM = D->getASTContext().getSourceManager();
        Where.Line = SM.getExpansionLineNumber(D->getLocation());
      }
      Out.insert({Text.str(), std::move(Where)});
    }
    return true;
  }

private:
  std::set<SeenAnnotation> &Out;
};

} // namespace

void finishConfigRecord(ASTContext &Ctx, const Config &Cfg,
                        ConfigMatchRecord &R) {
  auto Resolve = [&](const NameMatcher &E, NameKind Kind,
                     const FactoryEntry *Factory) {
    // Already matched by a lookup of the analysis: the factory check has
    // seen its parameters too.
    if (R.matched(E))
      return;
    if (E.isRegex())
      return matchRegexInScope(Ctx, E, Kind, R);
    if (E.plainName().empty())
      return;
    llvm::SmallVector<const NamedDecl *, 4> Found;
    const DeclContext *Stop = nullptr;
    lookupQualified(Ctx, E.plainName(), Kind, Found, Stop);
    for (const NamedDecl *D : Found) {
      std::string Name = qualifiedName(D);
      R.addMatch(E, describeDecl(D, Name));
      if (Factory)
        checkContextParam(R, *Factory, cast<FunctionDecl>(D), Name);
    }
    if (Found.empty() && Stop)
      addSiblings(Stop, Kind, R);
  };
  for (const NameMatcher &E : Cfg.Contexts.Entries)
    Resolve(E, NameKind::Type, nullptr);
  for (const NameMatcher &E : Cfg.Managers.Entries)
    Resolve(E, NameKind::Type, nullptr);
  for (const FactoryEntry &F : Cfg.Factories)
    Resolve(F.Name, NameKind::Function, &F);
  for (const NameMatcher &E : Cfg.Startup.Entries)
    Resolve(E, NameKind::Function, nullptr);
  for (const NameMatcher &E : Cfg.RequestEntries.Entries)
    Resolve(E, NameKind::Function, nullptr);
  for (const NameMatcher &E : Cfg.ContextSources.Entries)
    Resolve(E, NameKind::Function, nullptr);
  for (const NameMatcher &E : Cfg.Holders.Entries)
    Resolve(E, NameKind::Type, nullptr);

  // factory-setup: the class by name, its setup methods among the class's
  // own (and its bases') methods, required-args against their parameters.
  for (const FactorySetupEntry &E : Cfg.FactorySetups) {
    Resolve(E.Class, NameKind::Type, nullptr);
    if (E.Class.isRegex() || E.Class.plainName().empty())
      continue;
    llvm::SmallVector<const NamedDecl *, 4> Classes;
    const DeclContext *Stop = nullptr;
    lookupQualified(Ctx, E.Class.plainName(), NameKind::Type, Classes, Stop);
    for (const NamedDecl *C : Classes) {
      const auto *RD = dyn_cast<CXXRecordDecl>(C);
      if (!RD || !(RD = RD->getDefinition()))
        continue;
      unsigned MaxParams = 0;
      bool AnySetup = false;
      auto Visit = [&](const CXXRecordDecl *Class) {
        for (const CXXMethodDecl *MD : Class->methods()) {
          if (!MD->getIdentifier())
            continue;
          std::string Name = qualifiedName(MD);
          R.SeenFunctions.insert(Name);
          for (const NameMatcher &M : E.Setup)
            if (M.plainName() == MD->getName()) {
              R.addMatch(M, describeDecl(MD, Name));
              MaxParams = std::max(MaxParams, MD->getNumParams());
              AnySetup = true;
            }
        }
      };
      Visit(RD);
      RD->forallBases([&](const CXXRecordDecl *Base) {
        Visit(Base);
        return true;
      });
      if (!AnySetup)
        continue;
      for (unsigned Index : E.RequiredArgs)
        if (Index >= MaxParams)
          R.BadRequired.push_back(
              {&E, Index, describeDecl(RD, qualifiedName(RD)), MaxParams});
    }
  }

  if (R.CollectAnnotations) {
    AnnotationCollector Collector(R.Annotations);
    for (Decl *D : userTopLevelDecls(Ctx))
      Collector.TraverseDecl(D);
  }
}

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

std::string closestName(llvm::StringRef Name,
                        const llvm::StringSet<> &Candidates) {
  Name.consume_front("::");
  unsigned Limit = std::max<unsigned>(2, Name.size() / 5);
  std::string Best;
  unsigned BestDistance = Limit + 1;
  for (const auto &C : Candidates) {
    llvm::StringRef Cand = C.getKey();
    if (Cand == Name)
      continue;
    size_t Diff = Cand.size() > Name.size() ? Cand.size() - Name.size()
                                            : Name.size() - Cand.size();
    if (Diff > Limit)
      continue;
    unsigned D = Name.edit_distance(Cand, /*AllowReplacements=*/true,
                                    /*MaxEditDistance=*/Limit);
    if (D < BestDistance || (D == BestDistance && Cand < Best)) {
      BestDistance = D;
      Best = Cand.str();
    }
  }
  return BestDistance <= Limit ? Best : "";
}

std::string clipEntry(llvm::StringRef Text) {
  constexpr size_t Max = 120;
  if (Text.size() <= Max)
    return Text.str();
  return (Text.take_front(Max) + "... (" + llvm::Twine(Text.size()) +
          " characters)")
      .str();
}

namespace {
std::string position(const Config &Cfg, unsigned Line, unsigned Column) {
  std::string File = Cfg.SourceFile.empty() ? "<configuration>" : Cfg.SourceFile;
  if (!Line)
    return File;
  return File + ":" + std::to_string(Line) + ":" + std::to_string(Column);
}
} // namespace

void validateConfig(const Config &Cfg, const ConfigMatchRecord &R, bool Strict,
                    std::vector<ConfigDiagnostic> &Out) {
  struct Item {
    unsigned Line, Column;
    ConfigDiagnostic D;
  };
  std::vector<Item> Items;
  auto Check = [&](const NameMatcher &E, const char *Key, NameKind Kind) {
    if (R.matched(E))
      return;
    std::string Text = position(Cfg, E.Line, E.Column) +
                       (Strict ? ": error: " : ": warning: ") + "'" + Key +
                       "' entry '" + clipEntry(E.text()) +
                       "' matched no declaration in the analyzed units";
    if (!E.isRegex()) {
      std::string Suggestion = closestName(
          E.plainName(), Kind == NameKind::Type ? R.SeenTypes : R.SeenFunctions);
      if (!Suggestion.empty())
        Text += "; did you mean '" + Suggestion + "'?";
    }
    Items.push_back({E.Line, E.Column, {Strict, Text}});
  };
  for (const NameMatcher &E : Cfg.Contexts.Entries)
    Check(E, "contexts", NameKind::Type);
  for (const NameMatcher &E : Cfg.Managers.Entries)
    Check(E, "managers", NameKind::Type);
  for (const FactoryEntry &F : Cfg.Factories)
    Check(F.Name, "factories", NameKind::Function);
  for (const NameMatcher &E : Cfg.Startup.Entries)
    Check(E, "startup", NameKind::Function);
  for (const NameMatcher &E : Cfg.RequestEntries.Entries)
    Check(E, "request-entries", NameKind::Function);
  for (const NameMatcher &E : Cfg.ContextSources.Entries)
    Check(E, "context-sources", NameKind::Function);
  for (const NameMatcher &E : Cfg.Holders.Entries)
    Check(E, "holders", NameKind::Type);

  for (const FactorySetupEntry &F : Cfg.FactorySetups) {
    Check(F.Class, "factory-setup", NameKind::Type);
    if (!R.matched(F.Class))
      continue; // the class's warning says it
    for (const NameMatcher &M : F.Setup) {
      if (R.matched(M))
        continue;
      std::string Text = position(Cfg, M.Line, M.Column) +
                         (Strict ? ": error: " : ": warning: ") +
                         "'setup' method '" + clipEntry(M.text()) +
                         "' matched no method of '" +
                         clipEntry(F.Class.text()) + "' in the analyzed units";
      if (!F.Class.isRegex()) {
        std::string Suggestion = closestName(
            F.Class.plainName() + "::" + M.plainName(), R.SeenFunctions);
        llvm::StringRef Prefix = F.Class.plainName();
        if (llvm::StringRef(Suggestion).starts_with(Prefix.str() + "::"))
          Text +=
              "; did you mean '" + Suggestion.substr(Prefix.size() + 2) + "'?";
      }
      Items.push_back({M.Line, M.Column, {Strict, Text}});
    }
  }
  for (const BadRequiredArg &B : R.BadRequired) {
    const FactorySetupEntry *F = B.Entry;
    if (std::none_of(Cfg.FactorySetups.begin(), Cfg.FactorySetups.end(),
                     [&](const FactorySetupEntry &Mine) { return &Mine == F; }))
      continue; // another configuration file's entry
    std::string Where =
        B.Class.File.empty()
            ? std::string()
            : " (" + B.Class.File + ":" + std::to_string(B.Class.Line) + ")";
    auto [Line, Column] = std::pair<unsigned, unsigned>();
    for (size_t I = 0; I < F->RequiredArgs.size(); ++I)
      if (F->RequiredArgs[I] == B.Index && I < F->RequiredAt.size()) {
        std::tie(Line, Column) = F->RequiredAt[I];
        break;
      }
    std::string Text = position(Cfg, Line, Column) +
                       ": error: 'required-args' " + std::to_string(B.Index) +
                       " is out of range for the setup methods of '" +
                       B.Class.Name + "'" + Where + ", which have at most " +
                       std::to_string(B.MaxParams) + " parameter" +
                       (B.MaxParams == 1 ? "" : "s") +
                       " (the index is zero-based)";
    Items.push_back({Line, Column, {true, Text}});
  }

  for (const BadContextParam &B : R.BadParams) {
    const FactoryEntry *F = B.Entry;
    if (std::none_of(Cfg.Factories.begin(), Cfg.Factories.end(),
                     [&](const FactoryEntry &Mine) { return &Mine == F; }))
      continue; // another configuration file's entry
    unsigned Line = F->ParamLine ? F->ParamLine : F->Name.Line;
    unsigned Column = F->ParamLine ? F->ParamColumn : F->Name.Column;
    std::string Where = B.Function.File.empty()
                            ? std::string()
                            : " (" + B.Function.File + ":" +
                                  std::to_string(B.Function.Line) + ")";
    std::string Text =
        position(Cfg, Line, Column) + ": error: 'context-param' " +
        std::to_string(*F->ContextParam) + " is out of range for '" +
        B.Function.Name + "'" + Where + ", which has " +
        std::to_string(B.NumParams) + " parameter" +
        (B.NumParams == 1 ? "" : "s") + " (the index is zero-based)";
    Items.push_back({Line, Column, {true, Text}});
  }
  std::stable_sort(Items.begin(), Items.end(), [](const Item &A, const Item &B) {
    return std::tie(A.Line, A.Column) < std::tie(B.Line, B.Column);
  });
  for (Item &I : Items)
    Out.push_back(std::move(I.D));
}

} // namespace factoryguard

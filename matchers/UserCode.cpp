//===- UserCode.cpp - The user's declarations and their names ------------===//
#include "UserCode.h"

#include "clang/AST/DeclCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallVector.h"

using namespace clang;

namespace factoryguard {

std::string qualifiedName(const NamedDecl *D) {
  llvm::SmallVector<std::string, 6> Parts;
  auto NameOf = [](const NamedDecl *N) -> std::string {
    if (const auto *RD = dyn_cast<CXXRecordDecl>(N))
      if (RD->isLambda())
        return "(lambda)";
    if (N->getDeclName().isEmpty())
      return "(anonymous)";
    return N->getNameAsString();
  };
  Parts.push_back(NameOf(D));
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (NS->isInline())
        continue;
      Parts.push_back(NS->isAnonymousNamespace() ? "(anonymous namespace)"
                                                 : NS->getNameAsString());
    } else if (const auto *ND = dyn_cast<NamedDecl>(DC)) {
      Parts.push_back(NameOf(ND));
    }
  }
  std::string Out;
  for (auto It = Parts.rbegin(); It != Parts.rend(); ++It) {
    if (!Out.empty())
      Out += "::";
    Out += *It;
  }
  return Out;
}

bool inSystemCode(const SourceManager &SM, SourceLocation L) {
  return L.isValid() && SM.isInSystemHeader(SM.getExpansionLoc(L));
}

bool inSystemCode(const SourceManager &SM, const Decl *D) {
  return inSystemCode(SM, D->getLocation());
}

std::vector<Decl *> userTopLevelDecls(ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  std::vector<Decl *> Out;
  for (Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    if (inSystemCode(SM, D))
      continue;
    if (D->isImplicit() && !isa<NamespaceDecl>(D))
      continue;
    Out.push_back(D);
  }
  return Out;
}

std::string quoted(llvm::StringRef Text) { return ("'" + Text + "'").str(); }

std::string quoted(const NamedDecl *D) { return quoted(D->getNameAsString()); }

} // namespace factoryguard

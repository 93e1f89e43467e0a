//===- EditScope.cpp - What an edit's traversal covers after a preamble ---===//
#include "EditScope.h"
#include "UserCode.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang;

namespace factoryguard {

namespace {

bool isImplicitInstantiation(const Decl *D) {
  if (const auto *FD = dyn_cast<FunctionDecl>(D))
    return isTemplateInstantiation(FD->getTemplateSpecializationKind());
  if (const auto *VD = dyn_cast<VarDecl>(D))
    return isTemplateInstantiation(VD->getTemplateSpecializationKind());
  if (const auto *RD = dyn_cast<CXXRecordDecl>(D))
    return isTemplateInstantiation(RD->getTemplateSpecializationKind());
  return false;
}

/// The declaration directly below the translation unit that (lexically)
/// holds D, or D itself.
const Decl *outermost(const Decl *D) {
  for (;;) {
    const DeclContext *DC = D->getLexicalDeclContext();
    if (!DC || isa<TranslationUnitDecl>(DC))
      return D;
    D = Decl::castFromDeclContext(DC);
  }
}

} // namespace

void EditScope::topLevel(DeclGroupRef Group) {
  for (Decl *D : Group) {
    if (D->isFromASTFile())
      continue; // the preamble's: its part covered it
    if (isImplicitInstantiation(D))
      added(D); // a function instantiated: not the parse's own declaration
    else
      TopLevel.insert(D);
  }
}

void EditScope::added(const Decl *D) { Added.insert(const_cast<Decl *>(D)); }

std::vector<Decl *> EditScope::roots(ASTContext &Ctx) const {
  const SourceManager &SM = Ctx.getSourceManager();
  std::vector<Decl *> Out;
  llvm::DenseSet<const Decl *> Roots;
  // The parse's own declarations, as the CLI's traversal takes them
  // (userTopLevelDecls): not in a system header, not implicit.
  for (Decl *D : TopLevel) {
    if (!isa<TranslationUnitDecl>(D->getLexicalDeclContext()))
      continue; // a member defined later (an Objective-C method): its class
    if (inSystemCode(SM, D) || (D->isImplicit() && !isa<NamespaceDecl>(D)))
      continue;
    Out.push_back(D);
    Roots.insert(D);
  }
  // What the parse added to declarations it did not make, unless a root
  // holds it (the traversal of that root reaches it) or it belongs to a
  // system header's declaration (no traversal enters one).
  auto HeldByRoot = [&](const Decl *D) {
    for (const DeclContext *DC = D->getLexicalDeclContext();
         DC && !isa<TranslationUnitDecl>(DC); DC = DC->getLexicalParent()) {
      const Decl *Holder = Decl::castFromDeclContext(DC);
      if (Roots.count(Holder) || Added.count(const_cast<Decl *>(Holder)))
        return true;
    }
    return false;
  };
  for (Decl *D : Added) {
    if (Roots.count(D) || inSystemCode(SM, D) ||
        inSystemCode(SM, outermost(D)) || HeldByRoot(D))
      continue;
    Out.push_back(D);
    Roots.insert(D);
  }
  return Out;
}

void EditScope::AddedCXXImplicitMember(const CXXRecordDecl *, const Decl *D) {
  added(D);
}

void EditScope::AddedCXXTemplateSpecialization(
    const ClassTemplateDecl *, const ClassTemplateSpecializationDecl *D) {
  added(D);
}

void EditScope::AddedCXXTemplateSpecialization(
    const VarTemplateDecl *, const VarTemplateSpecializationDecl *D) {
  added(D);
}

void EditScope::AddedCXXTemplateSpecialization(const FunctionTemplateDecl *,
                                               const FunctionDecl *D) {
  added(D);
}

void EditScope::CompletedImplicitDefinition(const FunctionDecl *D) { added(D); }

void EditScope::VariableDefinitionInstantiated(const VarDecl *D) { added(D); }

void EditScope::FunctionDefinitionInstantiated(const FunctionDecl *D) {
  added(D);
}

void EditScope::DefaultArgumentInstantiated(const ParmVarDecl *D) {
  // The traversal reaches a default argument through its function.
  if (const auto *FD = dyn_cast<FunctionDecl>(D->getDeclContext()))
    added(FD);
}

void EditScope::DefaultMemberInitializerInstantiated(const FieldDecl *D) {
  added(D);
}

} // namespace factoryguard

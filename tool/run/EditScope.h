//===- EditScope.h - What an edit's traversal covers after a preamble -----===//
//
// SPEC §9: in the language server, a unit whose headers are in a preamble
// (Preamble.h) is analyzed in two parts that together are the CLI's one
// traversal. The headers' part is analyzed once, when the preamble is
// built, on the preamble's own AST (every user declaration of the headers,
// and every instantiation the headers make). An edit's parse reads the
// preamble and analyzes only what that part did not cover: EditScope
// collects it while the edit is parsed:
//  - the top-level declarations the parse made (the main file's, and those
//    of a header first included after the preamble region), as
//    userTopLevelDecls chooses them;
//  - what the parse added inside the headers' declarations: the
//    instantiations of their templates, implicit members, bodies of
//    functions instantiated or defined implicitly, default arguments and
//    member initializers instantiated (clang reports each to the AST's
//    mutation listener). In the CLI the traversal reaches these through the
//    header declaration that holds them; here each is a root of its own,
//    unless a root already holds it.
// Nothing in a system header is a root, as nothing there is in the CLI's.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_EDITSCOPE_H
#define FACTORYGUARD_EDITSCOPE_H

#include "clang/AST/ASTMutationListener.h"
#include "clang/AST/DeclGroup.h"
#include "llvm/ADT/SetVector.h"

#include <vector>

namespace clang {
class ASTContext;
class Decl;
} // namespace clang

namespace factoryguard {

class EditScope : public clang::ASTMutationListener {
public:
  /// A top-level declaration group the parse made (the consumer's
  /// HandleTopLevelDecl); instantiations among them count as additions.
  void topLevel(clang::DeclGroupRef Group);

  /// The traversal scope of the edit: the top-level roots, then the
  /// additions no root holds, in the order the parse made them.
  std::vector<clang::Decl *> roots(clang::ASTContext &Ctx) const;

  // What the parse adds inside declarations it did not make.
  void AddedCXXImplicitMember(const clang::CXXRecordDecl *RD,
                              const clang::Decl *D) override;
  void AddedCXXTemplateSpecialization(
      const clang::ClassTemplateDecl *TD,
      const clang::ClassTemplateSpecializationDecl *D) override;
  void AddedCXXTemplateSpecialization(
      const clang::VarTemplateDecl *TD,
      const clang::VarTemplateSpecializationDecl *D) override;
  void AddedCXXTemplateSpecialization(const clang::FunctionTemplateDecl *TD,
                                      const clang::FunctionDecl *D) override;
  void CompletedImplicitDefinition(const clang::FunctionDecl *D) override;
  void VariableDefinitionInstantiated(const clang::VarDecl *D) override;
  void FunctionDefinitionInstantiated(const clang::FunctionDecl *D) override;
  void DefaultArgumentInstantiated(const clang::ParmVarDecl *D) override;
  void DefaultMemberInitializerInstantiated(const clang::FieldDecl *D) override;

private:
  void added(const clang::Decl *D);

  llvm::SetVector<clang::Decl *> TopLevel;
  llvm::SetVector<clang::Decl *> Added;
};

} // namespace factoryguard

#endif

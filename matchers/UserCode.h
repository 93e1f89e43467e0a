//===- UserCode.h - The user's declarations and their names --------------===//
//
// Two questions below every other engine unit: which top-level
// declarations are the user's (the traversal's, the survey's and the
// configuration check's), and the qualified name a declaration is matched
// and keyed by (and quoted by, in messages). The Model, the configuration check
// and the rule framework all ask them; keeping them here, below all three, lets
// each depend on it without depending on each other.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_USERCODE_H
#define FACTORYGUARD_USERCODE_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"

#include <string>
#include <vector>

namespace factoryguard {

/// "netra::Factory::create": the qualified name with no template arguments
/// (template specializations match by their template's name) and with
/// anonymous namespaces spelled "(anonymous namespace)".
std::string qualifiedName(const clang::NamedDecl *D);

/// Whether L (where its macros expand) is in a system header: code that
/// cannot hold a finding, whose bodies the analysis does not parse and that
/// no traversal walks (SPEC §7). Every part that skips system code asks
/// this one question, so the CLI, the editor's preamble and edits and the
/// clang-tidy plugin draw the same line.
bool inSystemCode(const clang::SourceManager &SM, clang::SourceLocation L);
/// Whether D is declared in system code (inSystemCode of its location).
bool inSystemCode(const clang::SourceManager &SM, const clang::Decl *D);

/// The declarations a traversal needs: every top-level declaration except
/// those in system headers (which cannot hold a finding, and whose walk
/// costs more than the user's code in template-heavy projects).
std::vector<clang::Decl *> userTopLevelDecls(clang::ASTContext &Ctx);

/// A text as a message quotes it: 'ctx'. Every rule's message quotes
/// names and code this one way.
std::string quoted(llvm::StringRef Text);
/// A declaration's own (unqualified) name, quoted: 'ctx'.
std::string quoted(const clang::NamedDecl *D);

} // namespace factoryguard

#endif

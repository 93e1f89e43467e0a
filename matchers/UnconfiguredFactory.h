//===- UnconfiguredFactory.h - factoryguard-unconfigured-factory ---------===//
//
// A factory class that must be set up before it makes managers (SPEC §2):
// a required setup argument that is null (case 1), a factory method called
// on a factory object created in the same function before any setup call on
// it (case 2), and a factory object in static storage that the program uses
// and never sets up (case 3: the unit reports the definition with the
// object as its Finding::ProgramKey and records FactoryObjectUses; the
// rule's resolve step decides once every unit is in).
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_UNCONFIGUREDFACTORY_H
#define FACTORYGUARD_UNCONFIGUREDFACTORY_H

#include "RuleFramework.h"

namespace factoryguard {

class UnconfiguredFactoryRule : public RuleCallback {
public:
  using RuleCallback::RuleCallback;
  static void create(TUState &S, RuleCallbacks &Out) {
    Out.push_back(std::make_unique<UnconfiguredFactoryRule>(S));
  }
  void registerMatchers(clang::ast_matchers::MatchFinder &F) override;
  void run(const clang::ast_matchers::MatchFinder::MatchResult &R) override;
  /// Over the whole program (Rules.def's Resolve column), case 3: drops
  /// each finding whose object is set up somewhere or has no factory
  /// method called on it; the others get the calls as notes and the
  /// methods in the message.
  static void resolve(ProgramFacts &P, std::vector<Finding> &Findings);

  void onStartOfTranslationUnit() override {
    RuleCallback::onStartOfTranslationUnit();
    FactoryObjects.clear();
  }

private:
  void onCall(const clang::CXXMemberCallExpr *Call);
  void onStaticObject(const clang::VarDecl *VD);
  void onStaticReference(const clang::DeclRefExpr *Ref);
  /// VD holds a factory object (the class, or a pointer or smart pointer
  /// to it) and is not a reference; Class gets the class.
  bool isFactoryObject(const clang::VarDecl *VD,
                       const clang::CXXRecordDecl **Class = nullptr);

  llvm::DenseMap<const clang::VarDecl *, const clang::CXXRecordDecl *>
      FactoryObjects; // nullptr: not one
};

} // namespace factoryguard

#endif

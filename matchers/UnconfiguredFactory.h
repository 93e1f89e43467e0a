//===- UnconfiguredFactory.h - factoryguard-unconfigured-factory ---------===//
//
// A factory class that must be set up before it makes managers (SPEC §2):
// a required setup argument that is null (case 1), a factory method called
// on a factory object created in the same function before any setup call on
// it (case 2), and a factory object in static storage that the program uses
// and never sets up (case 3: the unit reports the definition with the
// object as its Finding::ProgramKey and records the object's definition
// and every call on it in its own facts, UnconfiguredFactoryFacts; the
// rule's resolve step decides once every unit is in).
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_UNCONFIGUREDFACTORY_H
#define FACTORYGUARD_UNCONFIGUREDFACTORY_H

#include "RuleFacts.h"
#include "RuleFramework.h"
#include "Rules.h"

namespace factoryguard {

/// A setup or factory-method call on a factory object in static storage
/// (case 3).
struct FactoryObjectUse {
  std::string Object; // the variable's USR (and file, without linkage)
  std::string Name;   // the variable, for messages
  std::string Method; // "configure", "create_user_emitter"
  SourceRange Where;  // the call
  bool Setup = false;
};

/// The definition of a factory object in static storage in the analyzed
/// code (where the rule may report it), whether or not it is set up.
struct FactoryObjectDef {
  std::string Object; // as FactoryObjectUse::Object
  std::string Name;   // qualified name of the variable
  std::string Class;  // qualified name of the factory class it holds
  SourceRange Where;  // the variable's name in its definition
};

/// A factory object defined in the analyzed code, with every setup and
/// factory-method call the whole program makes on it (once each, in file
/// order).
struct FactoryObject {
  FactoryObjectDef Def;
  std::vector<FactoryObjectUse> Uses;
};

/// Case 3's facts (Rules.def's Facts column): of one unit, the definitions
/// it may report and every call it makes on a static factory object; of
/// the program (merged, DriverResult::RuleFacts), also Objects: what the
/// audit lists (SPEC §8), each definition of an analyzed unit once with
/// the calls of every unit on it, in file order.
class UnconfiguredFactoryFacts : public RuleFacts {
public:
  static std::unique_ptr<RuleFacts> make() {
    return std::make_unique<UnconfiguredFactoryFacts>();
  }
  std::unique_ptr<RuleFacts> clone() const override {
    return std::make_unique<UnconfiguredFactoryFacts>(*this);
  }
  void toJson(llvm::json::Object &Out, FactsStrings &Strings) const override;
  bool fromJson(const llvm::json::Object &In,
                const FactsStringTable &Table) override;
  void mapPaths(TextMap MapFile, TextMap MapText) override;
  void forEachPlace(PlaceVisit Visit) const override;
  void merge(const RuleFacts &Unit, bool Analyzed) override;
  void finishMerge() override;

  std::vector<FactoryObjectUse> Uses;
  std::vector<FactoryObjectDef> Defs;
  std::vector<FactoryObject> Objects; // the program's, after finishMerge
};

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
  UnconfiguredFactoryFacts &facts() {
    return S.Facts.Rules.get<UnconfiguredFactoryFacts>(UnconfiguredFactoryId);
  }
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

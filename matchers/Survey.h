//===- Survey.h - What `factoryguard init` reads from one unit -----------===//
//
// `factoryguard init` (SPEC §3 "A first configuration") proposes a
// configuration from the code, for a team that has written none, so it
// cannot ask the Model (which answers from a configuration). Instead each
// unit is surveyed in the same parse, worker and traversal scope as a run's
// analysis (Analysis::enableSurvey): the user code's functions with the
// classes they take and hand out, the calls between them, the singleton
// accessors, and the templates static variables keep their object in.
// Proposal.h joins every unit's survey and decides.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_SURVEY_H
#define FACTORYGUARD_SURVEY_H

#include "clang/AST/ASTContext.h"

#include <map>
#include <string>
#include <vector>

namespace factoryguard {

/// A place in the analyzed code (a normalized absolute file, 1-based line).
struct SurveyPlace {
  std::string File;
  unsigned Line = 0;
  bool operator<(const SurveyPlace &O) const {
    return std::tie(File, Line) < std::tie(O.File, O.Line);
  }
  bool operator==(const SurveyPlace &O) const {
    return File == O.File && Line == O.Line;
  }
};

/// How a function hands out a class.
enum class ReturnKind { None, Owning, Pointer, Reference };

/// A function of the user code (not of a system header), once per unit.
struct SurveyFunction {
  std::string Name;  // qualified, as a configuration names it
  SurveyPlace Where; // its first declaration in the unit
  /// The class of each parameter taken by reference, pointer or smart
  /// pointer (std::unique_ptr, std::shared_ptr, std::optional), in order.
  std::vector<std::string> ParamClasses;
  ReturnKind Return = ReturnKind::None;
  std::string Returns;         // the class handed out (Return != None)
  std::string SingletonStatic; // an accessor: the static variable it returns
  std::string Class;           // a method's class ("" for a free function)
  /// Parameters of pointer or smart pointer type with no default argument
  /// (zero-based): what a setup method must not be given null.
  std::vector<unsigned> PointerParams;
  bool Virtual = false;
  bool Constructor = false;
  bool Const = false; // a const method
  bool ReturnsVoid = false;
};

/// A call (or construction) of a user function. Caller is a qualified
/// name, or one of the two pseudo-callers below.
struct SurveyCall {
  std::string Caller, Callee;
  SurveyPlace Where;
};
/// The initializer of a variable of static storage duration at namespace
/// or class scope: it runs before main.
inline constexpr const char *StaticInitCaller = "(static initialization)";
/// A lambda's body, or code in no function (a default member initializer).
inline constexpr const char *OtherCaller = "(lambda or member initializer)";

/// A static variable whose type is a specialization of a class template
/// that keeps its argument in raw storage (no member of the argument's
/// type, only storage sized by it): a holder (SPEC §2 static-singleton).
struct SurveyHolder {
  std::string Template, Variable;
  SurveyPlace Where;
};

struct UnitSurvey {
  std::vector<SurveyFunction> Functions;
  /// Every class named by Functions: where it is first declared.
  std::map<std::string, SurveyPlace> Classes;
  std::vector<SurveyCall> Calls;
  /// Functions named other than as a call's callee (their address taken):
  /// who calls them is not known.
  std::vector<std::string> AddressTaken;
  std::vector<SurveyHolder> Holders;
};

/// Surveys the user code of a parsed unit (userTopLevelDecls).
UnitSurvey surveyUnit(clang::ASTContext &Ctx);

} // namespace factoryguard

#endif

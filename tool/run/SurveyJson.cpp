//===- SurveyJson.cpp - A unit's survey between processes ----------------===//
//
// Compact arrays, one per record, in the order of Survey.h's fields: the
// worker and the driver are the same binary, so the encoding has no
// version of its own.
//
//===----------------------------------------------------------------------===//
#include "SurveyJson.h"

using llvm::json::Array;
using llvm::json::Value;

namespace factoryguard {

namespace {

Value placeToJson(const SurveyPlace &P) {
  return Array{P.File, static_cast<int64_t>(P.Line)};
}

bool placeFromJson(const Value &V, SurveyPlace &P) {
  const Array *A = V.getAsArray();
  if (!A || A->size() != 2)
    return false;
  auto File = (*A)[0].getAsString();
  auto Line = (*A)[1].getAsUINT64();
  if (!File || !Line || *Line > UINT32_MAX)
    return false;
  P = {File->str(), static_cast<unsigned>(*Line)};
  return true;
}

bool stringFrom(const Value &V, std::string &S) {
  auto Str = V.getAsString();
  if (Str)
    S = Str->str();
  return Str.has_value();
}

Value functionToJson(const SurveyFunction &F) {
  Array Params, Pointers;
  for (const std::string &C : F.ParamClasses)
    Params.push_back(C);
  for (unsigned I : F.PointerParams)
    Pointers.push_back(static_cast<int64_t>(I));
  return Array{F.Name,
               placeToJson(F.Where),
               std::move(Params),
               static_cast<int64_t>(F.Return),
               F.Returns,
               F.SingletonStatic,
               F.Virtual,
               F.Constructor,
               F.Class,
               std::move(Pointers),
               F.Const,
               F.ReturnsVoid};
}

bool functionFromJson(const Value &V, SurveyFunction &F) {
  const Array *A = V.getAsArray();
  if (!A || A->size() != 12)
    return false;
  const Array *Params = (*A)[2].getAsArray(), *Pointers = (*A)[9].getAsArray();
  auto Return = (*A)[3].getAsUINT64();
  auto Virtual = (*A)[6].getAsBoolean(), Constructor = (*A)[7].getAsBoolean(),
       Const = (*A)[10].getAsBoolean(), Void = (*A)[11].getAsBoolean();
  if (!stringFrom((*A)[0], F.Name) || !placeFromJson((*A)[1], F.Where) ||
      !Params || !Return || *Return > static_cast<int>(ReturnKind::Reference) ||
      !stringFrom((*A)[4], F.Returns) ||
      !stringFrom((*A)[5], F.SingletonStatic) || !Virtual || !Constructor ||
      !stringFrom((*A)[8], F.Class) || !Pointers || !Const || !Void)
    return false;
  for (const Value &P : *Params)
    if (!stringFrom(P, F.ParamClasses.emplace_back()))
      return false;
  for (const Value &P : *Pointers) {
    auto I = P.getAsUINT64();
    if (!I || *I > UINT32_MAX)
      return false;
    F.PointerParams.push_back(static_cast<unsigned>(*I));
  }
  F.Return = static_cast<ReturnKind>(*Return);
  F.Virtual = *Virtual;
  F.Constructor = *Constructor;
  F.Const = *Const;
  F.ReturnsVoid = *Void;
  return true;
}

} // namespace

Value surveyToJson(const UnitSurvey &S) {
  Array Functions, Classes, Calls, Taken, Holders;
  for (const SurveyFunction &F : S.Functions)
    Functions.push_back(functionToJson(F));
  for (const auto &[Name, Where] : S.Classes)
    Classes.push_back(Array{Name, placeToJson(Where)});
  for (const SurveyCall &C : S.Calls)
    Calls.push_back(Array{C.Caller, C.Callee, placeToJson(C.Where)});
  for (const std::string &T : S.AddressTaken)
    Taken.push_back(T);
  for (const SurveyHolder &H : S.Holders)
    Holders.push_back(Array{H.Template, H.Variable, placeToJson(H.Where)});
  return Array{std::move(Functions), std::move(Classes), std::move(Calls),
               std::move(Taken), std::move(Holders)};
}

bool surveyFromJson(const Value *V, UnitSurvey &S) {
  const Array *A = V ? V->getAsArray() : nullptr;
  if (!A || A->size() != 5)
    return false;
  const Array *Functions = (*A)[0].getAsArray(),
              *Classes = (*A)[1].getAsArray(), *Calls = (*A)[2].getAsArray(),
              *Taken = (*A)[3].getAsArray(), *Holders = (*A)[4].getAsArray();
  if (!Functions || !Classes || !Calls || !Taken || !Holders)
    return false;
  for (const Value &F : *Functions)
    if (!functionFromJson(F, S.Functions.emplace_back()))
      return false;
  for (const Value &C : *Classes) {
    const Array *P = C.getAsArray();
    std::string Name;
    SurveyPlace Where;
    if (!P || P->size() != 2 || !stringFrom((*P)[0], Name) ||
        !placeFromJson((*P)[1], Where))
      return false;
    S.Classes[Name] = Where;
  }
  for (const Value &C : *Calls) {
    const Array *P = C.getAsArray();
    SurveyCall &Call = S.Calls.emplace_back();
    if (!P || P->size() != 3 || !stringFrom((*P)[0], Call.Caller) ||
        !stringFrom((*P)[1], Call.Callee) ||
        !placeFromJson((*P)[2], Call.Where))
      return false;
  }
  for (const Value &T : *Taken)
    if (!stringFrom(T, S.AddressTaken.emplace_back()))
      return false;
  for (const Value &H : *Holders) {
    const Array *P = H.getAsArray();
    SurveyHolder &Holder = S.Holders.emplace_back();
    if (!P || P->size() != 3 || !stringFrom((*P)[0], Holder.Template) ||
        !stringFrom((*P)[1], Holder.Variable) ||
        !placeFromJson((*P)[2], Holder.Where))
      return false;
  }
  return true;
}

} // namespace factoryguard

//===- SurveyJson.h - A unit's survey between processes ------------------===//
//
// `factoryguard init` surveys each unit in a worker process, as a run
// analyzes it (UnitIsolation.h); the survey (Survey.h) comes back to the
// driver as part of the unit's JSON result. Never cached: init parses.
//
//===----------------------------------------------------------------------===//
#ifndef FACTORYGUARD_SURVEYJSON_H
#define FACTORYGUARD_SURVEYJSON_H

#include "Survey.h"
#include "llvm/Support/JSON.h"

namespace factoryguard {

llvm::json::Value surveyToJson(const UnitSurvey &S);
/// False when V is not a whole survey.
bool surveyFromJson(const llvm::json::Value *V, UnitSurvey &S);

} // namespace factoryguard

#endif

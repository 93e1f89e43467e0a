//===- Finding.cpp - Severity names and the output order of findings -----===//
#include "Finding.h"

#include <tuple>

namespace factoryguard {

const char *severityName(Severity S) {
  switch (S) {
  case Severity::Off:
    return "off";
  case Severity::Note:
    return "note";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  return "warning";
}

bool parseSeverity(const std::string &Text, Severity &Out) {
  if (Text == "error")
    Out = Severity::Error;
  else if (Text == "warning")
    Out = Severity::Warning;
  else if (Text == "note")
    Out = Severity::Note;
  else if (Text == "off")
    Out = Severity::Off;
  else
    return false;
  return true;
}

std::string makeStableKey(const std::string &RuleId,
                          std::initializer_list<std::string> Parts) {
  std::string Key = RuleId;
  for (const std::string &Part : Parts)
    Key += "|" + Part;
  return Key;
}

bool operator<(const Finding &A, const Finding &B) {
  return std::tie(A.Where.File, A.Where.Line, A.Where.Column, A.RuleId,
                  A.Message) < std::tie(B.Where.File, B.Where.Line,
                                        B.Where.Column, B.RuleId, B.Message);
}

} // namespace factoryguard

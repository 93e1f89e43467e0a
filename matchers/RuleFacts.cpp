//===- RuleFacts.cpp - A rule's own facts of each unit, over the program --===//
#include "RuleFacts.h"

namespace factoryguard {

namespace json = llvm::json;

int64_t FactsStrings::operator()(const std::string &S) {
  auto [It, New] = Index.try_emplace(S, Strings.size());
  if (New)
    Strings.push_back(S);
  return static_cast<int64_t>(It->second);
}

FactsRow::FactsRow(const json::Value &V, const FactsStringTable &Table,
                   size_t Size)
    : A(V.getAsArray()), Table(Table) {
  Ok = A && A->size() == Size;
}

std::string FactsRow::str() {
  auto N = next().getAsUINT64();
  if (!N || *N >= Table.size()) {
    Ok = false;
    return "";
  }
  return Table[*N].str();
}

unsigned FactsRow::num() {
  auto N = next().getAsUINT64();
  if (!N || *N > UINT32_MAX) {
    Ok = false;
    return 0;
  }
  return static_cast<unsigned>(*N);
}

bool FactsRow::flag() {
  auto B = next().getAsBoolean();
  Ok = Ok && B.has_value();
  return B.value_or(false);
}

void FactsRow::range(SourceRange &R) {
  R.File = str();
  for (unsigned *N :
       {&R.Line, &R.Column, &R.EndLine, &R.EndColumn, &R.Offset, &R.Length})
    *N = num();
}

const json::Value &FactsRow::next() {
  static const json::Value None = nullptr;
  if (!Ok || Pos >= A->size()) {
    Ok = false;
    return None;
  }
  return (*A)[Pos++];
}

RuleFacts::~RuleFacts() = default;

RuleFactsSet &RuleFactsSet::operator=(const RuleFactsSet &Other) {
  if (this == &Other)
    return *this;
  ById.clear();
  for (const auto &[Id, Facts] : Other.ById)
    ById[Id] = Facts->clone();
  return *this;
}

const RuleFacts *RuleFactsSet::find(llvm::StringRef Id) const {
  auto It = ById.find(Id.str());
  return It == ById.end() ? nullptr : It->second.get();
}

void RuleFactsSet::forEach(
    llvm::function_ref<void(llvm::StringRef, RuleFacts &)> Visit) {
  for (auto &[Id, Facts] : ById)
    Visit(Id, *Facts);
}

void RuleFactsSet::forEach(
    llvm::function_ref<void(llvm::StringRef, const RuleFacts &)> Visit) const {
  for (const auto &[Id, Facts] : ById)
    Visit(Id, *Facts);
}

void RuleFactsSet::merge(const RuleFactsSet &Unit, bool Analyzed) {
  for (const auto &[Id, Facts] : Unit.ById) {
    auto It = ById.find(Id);
    if (It != ById.end())
      It->second->merge(*Facts, Analyzed);
  }
}

void RuleFactsSet::unite(const RuleFactsSet &Part) {
  for (const auto &[Id, Facts] : Part.ById) {
    std::unique_ptr<RuleFacts> &Mine = ById[Id];
    if (Mine)
      Mine->merge(*Facts, /*Analyzed=*/true);
    else
      Mine = Facts->clone();
  }
}

void RuleFactsSet::finishMerge() {
  for (auto &[Id, Facts] : ById)
    Facts->finishMerge();
}

} // namespace factoryguard

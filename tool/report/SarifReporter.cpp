//===- SarifReporter.cpp - SARIF 2.1.0 output for GitHub code scanning ----===//

#include "SarifReporter.h"

#include "Config.h"
#include "Fingerprint.h"
#include "JsonParse.h"
#include "LineIndex.h"
#include "Paths.h"
#include "RegularFile.h"
#include "ReportedSource.h"
#include "Rules.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

namespace factoryguard {

using Json = nlohmann::ordered_json;

namespace {

constexpr const char *SarifSchemaUri =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
    "sarif-schema-2.1.0.json";
constexpr const char *SourceRootBaseId = "SRCROOT";

/// A source file read once, its lines indexed (LineIndex.h).
class SourceFile {
public:
  explicit SourceFile(std::string Text)
      : Contents(std::move(Text)), Lines(Contents) {}

  llvm::StringRef line(unsigned Line) const { return Lines.line(Line); }
  std::optional<size_t> offsetOf(unsigned Line, unsigned Column) const {
    return Lines.offsetOf(Line, Column);
  }
  std::pair<unsigned, unsigned> lineColumnOf(size_t Offset) const {
    return Lines.lineColumnOf(Offset);
  }

  /// utf16Column of a line: on a long line from a table made once, so that
  /// many findings on one generated line cost linear time, not quadratic.
  unsigned utf16ColumnOf(unsigned Line, unsigned ByteColumn) {
    llvm::StringRef Text = line(Line);
    if (Text.size() <= ShortLine || ByteColumn == 0)
      return utf16Column(Text, ByteColumn);
    auto [It, Inserted] = Utf16Columns.try_emplace(Line);
    if (Inserted)
      It->second = utf16Columns(Text);
    size_t Prefix = ByteColumn - 1;
    if (Prefix < It->second.size())
      return It->second[Prefix];
    return It->second.back() + static_cast<unsigned>(Prefix - Text.size());
  }

  llvm::StringRef text(size_t Offset, size_t Length) const {
    return llvm::StringRef(Contents).substr(Offset, Length);
  }

  const std::string &lineHash(unsigned Line) {
    if (!Hashes)
      Hashes = primaryLocationLineHashes(Contents);
    static const std::string None;
    auto It = Hashes->find(Line);
    return It == Hashes->end() ? None : It->second;
  }

private:
  std::string Contents;
  LineIndex Lines; // into Contents
  std::optional<std::map<unsigned, std::string>> Hashes;
  /// Lines up to this long are decoded per column asked for.
  static constexpr size_t ShortLine = 256;
  std::map<unsigned, std::vector<unsigned>> Utf16Columns; // by line
};

/// A byte range resolved to SARIF's 1-based UTF-16 region.
struct Region {
  unsigned StartLine = 0, StartColumn = 0, EndLine = 0, EndColumn = 0;
};

class SarifWriter {
public:
  explicit SarifWriter(const SarifOptions &Opts) : Opts(Opts) {
    if (!Opts.SourceRoot.empty()) {
      llvm::SmallString<256> Root(Opts.SourceRoot);
      llvm::sys::path::remove_dots(Root, /*remove_dot_dot=*/true);
      RootUri = "file://" + percentEncodePath(Root);
      if (RootUri.back() != '/')
        RootUri += '/';
    }
  }

  Json render(const std::vector<Finding> &Findings);

private:
  SourceFile *source(const std::string &Path);
  Region region(const SourceRange &R);
  Json artifactLocation(const std::string &File);
  Json physicalLocation(const SourceRange &R);
  Json location(const SourceRange &R, const std::string &Message);
  Json rules();
  Json result(const Finding &F);
  Json fixes(const Finding &F);
  Json invocation();
  std::string fixDescription(const FixIt &Fix);

  const SarifOptions &Opts;
  std::string RootUri; // file:///abs/root/ or empty
  std::map<std::string, std::unique_ptr<SourceFile>> Sources;
};

/// SARIF's level: our severity's name, except that off is "none".
const char *levelName(Severity S) {
  return S == Severity::Off ? "none" : severityName(S);
}

/// A message as SARIF wants it: escaped brackets, ending in a period.
std::string sentence(llvm::StringRef Text) {
  std::string Result = escapeMessageText(Text.trim());
  if (Result.empty())
    return Result;
  char Last = Result.back();
  if (Last != '.' && Last != '!' && Last != '?')
    Result += '.';
  return Result;
}

std::string capitalized(std::string Text) {
  if (!Text.empty())
    Text[0] = llvm::toUpper(Text[0]);
  return Text;
}

std::string quoteForShell(llvm::StringRef Arg) {
  if (!Arg.empty() &&
      Arg.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "0123456789-_./=:,+@%") == llvm::StringRef::npos)
    return Arg.str();
  std::string Quoted = "'";
  for (char C : Arg) {
    if (C == '\'')
      Quoted += "'\\''";
    else
      Quoted += C;
  }
  return Quoted + "'";
}

SourceFile *SarifWriter::source(const std::string &Path) {
  auto [It, Inserted] = Sources.try_emplace(Path);
  // Never a file outside the source root (ReportedSource.h): no line hash,
  // no UTF-16 columns and no quoted fix-it text from it.
  if (Inserted && !Path.empty())
    if (auto Buffer = readReportedSource(Path, Opts.SourceRoot))
      It->second = std::make_unique<SourceFile>(Buffer->getBuffer().str());
  return It->second.get();
}

Region SarifWriter::region(const SourceRange &R) {
  SourceFile *File = source(R.File);
  unsigned StartLine = R.Line, StartColumn = R.Column ? R.Column : 1;
  unsigned EndLine = StartLine, EndColumn = StartColumn;
  if (R.EndLine != 0) {
    EndLine = R.EndLine;
    EndColumn = R.EndColumn ? R.EndColumn : 1;
  } else if (R.Length != 0) {
    std::optional<size_t> Start =
        File ? File->offsetOf(StartLine, StartColumn) : std::nullopt;
    if (Start)
      std::tie(EndLine, EndColumn) = File->lineColumnOf(*Start + R.Length);
    else
      EndColumn = StartColumn + R.Length;
  }
  Region Result{StartLine, StartColumn, EndLine, EndColumn};
  if (File) {
    Result.StartColumn = File->utf16ColumnOf(StartLine, StartColumn);
    Result.EndColumn = File->utf16ColumnOf(EndLine, EndColumn);
  }
  if (Result.EndLine < Result.StartLine)
    Result.EndLine = Result.StartLine;
  if (Result.EndLine == Result.StartLine &&
      Result.EndColumn < Result.StartColumn)
    Result.EndColumn = Result.StartColumn;
  return Result;
}

Json SarifWriter::artifactLocation(const std::string &File) {
  Json Loc = Json::object();
  std::optional<std::string> Rel = pathRelativeToRoot(File, Opts.SourceRoot);
  if (Rel) {
    Loc["uri"] = percentEncodePath(*Rel);
    Loc["uriBaseId"] = SourceRootBaseId;
  } else {
    Loc["uri"] = artifactUri(File, "");
  }
  return Loc;
}

Json SarifWriter::physicalLocation(const SourceRange &R) {
  Json Phys = Json::object();
  Phys["artifactLocation"] = artifactLocation(R.File);
  if (R.Line != 0) {
    Region Reg = region(R);
    Phys["region"] = {{"startLine", Reg.StartLine},
                      {"startColumn", Reg.StartColumn},
                      {"endLine", Reg.EndLine},
                      {"endColumn", Reg.EndColumn}};
  }
  return Phys;
}

Json SarifWriter::location(const SourceRange &R, const std::string &Message) {
  Json Loc = Json::object();
  if (R.valid())
    Loc["physicalLocation"] = physicalLocation(R);
  if (!Message.empty())
    Loc["message"] = {{"text", sentence(Message)}};
  return Loc;
}

Json SarifWriter::rules() {
  Json Rules = Json::array();
  for (const RuleInfo &Rule : allRules()) {
    Json Tags = Json::array();
    for (const std::string &Tag : Rule.Tags)
      Tags.push_back(Tag);
    Json Properties = Json::object();
    Properties["tags"] = std::move(Tags);
    Properties["precision"] = Rule.Precision;
    Properties["problem.severity"] = Rule.ProblemSeverity;
    Json Entry = Json::object();
    Entry["id"] = Rule.Id;
    Entry["name"] = Rule.Name;
    Entry["shortDescription"] = {{"text", Rule.ShortDescription}};
    Entry["fullDescription"] = {{"text", Rule.FullDescription}};
    Entry["defaultConfiguration"] = {{"level", levelName(Rule.DefaultLevel)}};
    Entry["help"] = {{"text", helpText(Rule)}, {"markdown", Rule.HelpMarkdown}};
    Entry["properties"] = std::move(Properties);
    Rules.push_back(std::move(Entry));
  }
  return Rules;
}

std::string SarifWriter::fixDescription(const FixIt &Fix) {
  std::string Old;
  if (SourceFile *File = source(Fix.Where.File)) {
    Region Bytes{Fix.Where.Line, Fix.Where.Column, Fix.Where.EndLine,
                 Fix.Where.EndColumn};
    std::optional<size_t> Begin =
        File->offsetOf(Bytes.StartLine, Bytes.StartColumn);
    std::optional<size_t> End =
        Bytes.EndLine ? File->offsetOf(Bytes.EndLine, Bytes.EndColumn)
        : Begin       ? std::optional<size_t>(*Begin + Fix.Where.Length)
                      : std::nullopt;
    if (Begin && End && *End > *Begin)
      Old = File->text(*Begin, *End - *Begin).str();
  }
  auto Quote = [](llvm::StringRef S) { return "'" + S.str() + "'"; };
  bool ShortOld = !Old.empty() && Old.size() <= 60 &&
                  Old.find_first_of("\r\n") == std::string::npos;
  bool ShortNew = Fix.Replacement.size() <= 60 &&
                  Fix.Replacement.find_first_of("\r\n") == std::string::npos;
  bool Insertion = Fix.Where.EndLine == 0
                       ? Fix.Where.Length == 0
                       : Fix.Where.EndLine == Fix.Where.Line &&
                             Fix.Where.EndColumn == Fix.Where.Column;
  if (Insertion)
    return ShortNew ? "Insert " + Quote(Fix.Replacement) : "Insert code";
  if (Fix.Replacement.empty())
    return ShortOld ? "Remove " + Quote(Old) : "Remove code";
  if (ShortOld && ShortNew)
    return "Replace " + Quote(Old) + " with " + Quote(Fix.Replacement);
  return ShortNew ? "Replace with " + Quote(Fix.Replacement) : "Replace code";
}

Json SarifWriter::fixes(const Finding &F) {
  // The fix-its of one finding are applied together: one SARIF fix, one
  // artifactChange per file, in the order the files first appear.
  std::vector<std::string> Files;
  std::map<std::string, Json> Replacements;
  for (const FixIt &Fix : F.Fixes) {
    if (!Fix.Where.valid())
      continue;
    auto [It, Inserted] =
        Replacements.try_emplace(Fix.Where.File, Json::array());
    if (Inserted)
      Files.push_back(Fix.Where.File);
    Region Reg = region(Fix.Where);
    Json Replacement = Json::object();
    Replacement["deletedRegion"] = {{"startLine", Reg.StartLine},
                                    {"startColumn", Reg.StartColumn},
                                    {"endLine", Reg.EndLine},
                                    {"endColumn", Reg.EndColumn}};
    Replacement["insertedContent"] = {{"text", Fix.Replacement}};
    It->second.push_back(std::move(Replacement));
  }
  if (Files.empty())
    return Json::array();
  Json Changes = Json::array();
  for (const std::string &File : Files) {
    Json Change = Json::object();
    Change["artifactLocation"] = artifactLocation(File);
    Change["replacements"] = std::move(Replacements[File]);
    Changes.push_back(std::move(Change));
  }
  std::string Description;
  for (const FixIt &Fix : F.Fixes) {
    if (!Fix.Where.valid())
      continue;
    if (!Description.empty())
      Description += "; ";
    Description += fixDescription(Fix);
  }
  Json Fix = Json::object();
  Fix["description"] = {{"text", sentence(Description)}};
  Fix["artifactChanges"] = std::move(Changes);
  return Json::array({std::move(Fix)});
}

Json SarifWriter::result(const Finding &F) {
  Json Result = Json::object();
  Result["ruleId"] = F.RuleId;
  int Index = ruleIndex(F.RuleId);
  if (Index >= 0)
    Result["ruleIndex"] = Index;
  Result["level"] = levelName(F.Level);

  // Notes with a location become relatedLocations, cited in the message as
  // "[text](id)" so GitHub links them; notes without one are plain text.
  std::string Message = sentence(F.Message);
  Json Related = Json::array();
  std::vector<std::string> Citations;
  for (const Note &N : F.Notes) {
    std::string Text = escapeMessageText(llvm::StringRef(N.Message).trim());
    if (!N.Where.valid()) {
      // Nothing to link to: the note becomes a sentence of the message.
      std::string Sentence = sentence(N.Message);
      if (!Sentence.empty())
        Message += " " + capitalized(Sentence);
      continue;
    }
    unsigned Id = static_cast<unsigned>(Related.size()) + 1;
    Json Loc = Json::object();
    Loc["id"] = Id;
    Loc["physicalLocation"] = physicalLocation(N.Where);
    if (!Text.empty())
      Loc["message"] = {{"text", sentence(N.Message)}};
    Related.push_back(std::move(Loc));
    llvm::StringRef LinkText = llvm::StringRef(Text).rtrim('.');
    Citations.push_back(
        "[" +
        (LinkText.empty() ? std::string("related location") : LinkText.str()) +
        "](" + std::to_string(Id) + ")");
  }
  if (!Citations.empty()) {
    Message += " See ";
    for (size_t I = 0; I < Citations.size(); ++I) {
      if (I != 0)
        Message += I + 1 == Citations.size() ? " and " : ", ";
      Message += Citations[I];
    }
    Message += ".";
  }
  Result["message"] = {{"text", Message}};

  Json Locations = Json::array();
  Locations.push_back(location(F.Where, ""));
  Result["locations"] = std::move(Locations);
  if (!Related.empty())
    Result["relatedLocations"] = std::move(Related);

  if (!F.Chain.empty()) {
    Json Steps = Json::array();
    for (const ChainStep &Step : F.Chain) {
      Json Loc = location(Step.Where, Step.Message);
      if (Loc.empty())
        continue;
      Steps.push_back({{"location", std::move(Loc)}});
    }
    if (!Steps.empty()) {
      Json ThreadFlow = Json::object();
      ThreadFlow["locations"] = std::move(Steps);
      Json CodeFlow = Json::object();
      CodeFlow["threadFlows"] = Json::array({std::move(ThreadFlow)});
      Result["codeFlows"] = Json::array({std::move(CodeFlow)});
    }
  }

  Json Fixes = fixes(F);
  if (!Fixes.empty())
    Result["fixes"] = std::move(Fixes);

  Json Fingerprints = Json::object();
  if (F.Where.valid()) {
    if (SourceFile *File = source(F.Where.File)) {
      const std::string &Hash = File->lineHash(F.Where.Line);
      if (!Hash.empty())
        Fingerprints[LineHashFingerprintKey] = Hash;
    }
  }
  Fingerprints[FactoryguardFingerprintKey] =
      factoryguardFingerprint(F, Opts.SourceRoot);
  Result["partialFingerprints"] = std::move(Fingerprints);

  if (F.Suppressed) {
    Json Suppression = Json::object();
    Suppression["kind"] = "inSource";
    std::string Justification = llvm::StringRef(F.SuppressionText).trim().str();
    if (!Justification.empty())
      Suppression["justification"] = Justification;
    Result["suppressions"] = Json::array({std::move(Suppression)});
  }
  return Result;
}

Json SarifWriter::invocation() {
  Json Invocation = Json::object();
  if (!Opts.CommandLine.empty()) {
    std::string CommandLine;
    for (const std::string &Arg : Opts.CommandLine) {
      if (!CommandLine.empty())
        CommandLine += ' ';
      CommandLine += quoteForShell(Arg);
    }
    Invocation["commandLine"] = CommandLine;
    Json Arguments = Json::array();
    for (size_t I = 1; I < Opts.CommandLine.size(); ++I)
      Arguments.push_back(Opts.CommandLine[I]);
    Invocation["arguments"] = std::move(Arguments);
  }
  Invocation["executionSuccessful"] = Opts.Failures.empty();
  if (!RootUri.empty())
    Invocation["workingDirectory"] = {{"uri", RootUri}};
  if (!Opts.Failures.empty()) {
    Json Notifications = Json::array();
    for (const FailedUnit &Failure : Opts.Failures) {
      Json Notification = Json::object();
      Notification["level"] = "error";
      std::string Text = Failure.Message.empty()
                             ? "The translation unit could not be analyzed"
                             : Failure.Message;
      Notification["message"] = {{"text", sentence(Text)}};
      if (!Failure.File.empty()) {
        Json Phys = Json::object();
        Phys["artifactLocation"] = artifactLocation(Failure.File);
        Notification["locations"] =
            Json::array({{{"physicalLocation", std::move(Phys)}}});
      }
      Notifications.push_back(std::move(Notification));
    }
    Invocation["toolExecutionNotifications"] = std::move(Notifications);
  }
  return Invocation;
}

Json SarifWriter::render(const std::vector<Finding> &Findings) {
  // The output order; findings equal under operator< keep their input
  // order (std::sort with the index as tie-break, as stable_sort is).
  std::vector<size_t> Ordered(Findings.size());
  for (size_t I = 0; I < Ordered.size(); ++I)
    Ordered[I] = I;
  std::sort(Ordered.begin(), Ordered.end(), [&](size_t A, size_t B) {
    if (Findings[A] < Findings[B])
      return true;
    if (Findings[B] < Findings[A])
      return false;
    return A < B;
  });

  Json Driver = Json::object();
  Driver["name"] = "factoryguard";
  if (!Opts.ToolVersion.empty())
    Driver["semanticVersion"] = Opts.ToolVersion;
  Driver["informationUri"] = Opts.InformationUri;
  Driver["rules"] = rules();

  Json Run = Json::object();
  Run["tool"] = {{"driver", std::move(Driver)}};
  Run["invocations"] = Json::array({invocation()});
  if (!RootUri.empty())
    Run["originalUriBaseIds"] = {{SourceRootBaseId, {{"uri", RootUri}}}};
  Run["automationDetails"] = {{"id", Opts.Category}};
  Run["columnKind"] = "utf16CodeUnits";
  Json Results = Json::array();
  for (size_t I : Ordered)
    Results.push_back(result(Findings[I]));
  Run["results"] = std::move(Results);

  Json Log = Json::object();
  Log["$schema"] = SarifSchemaUri;
  Log["version"] = "2.1.0";
  Log["runs"] = Json::array({std::move(Run)});
  return Log;
}

} // namespace

std::string percentEncodePath(llvm::StringRef Path) {
  std::string Encoded;
  Encoded.reserve(Path.size());
  for (char C : Path) {
    unsigned char U = static_cast<unsigned char>(C);
    if (llvm::isAlnum(C) || C == '-' || C == '.' || C == '_' || C == '~' ||
        C == '/') {
      Encoded += C;
    } else {
      Encoded += '%';
      Encoded += llvm::hexdigit(U >> 4);
      Encoded += llvm::hexdigit(U & 0xF);
    }
  }
  return Encoded;
}

std::string artifactUri(llvm::StringRef File, llvm::StringRef SourceRoot) {
  if (std::optional<std::string> Rel = pathRelativeToRoot(File, SourceRoot))
    return percentEncodePath(*Rel);
  return "file://" + percentEncodePath(normalizePath(File));
}

std::string escapeMessageText(llvm::StringRef Text) {
  std::string Escaped;
  Escaped.reserve(Text.size());
  for (char C : Text) {
    if (C == '[' || C == ']')
      Escaped += '\\';
    Escaped += C;
  }
  return Escaped;
}

std::string renderSarif(const std::vector<Finding> &Findings,
                        const SarifOptions &Opts) {
  SarifWriter Writer(Opts);
  Json Log = Writer.render(Findings);
  // Invalid UTF-8 (a message quoting a Latin-1 source line) must not throw.
  return Log.dump(2, ' ', /*ensure_ascii=*/false,
                  nlohmann::json::error_handler_t::replace) +
         "\n";
}

llvm::Expected<std::set<std::string>>
readBaselineFingerprints(llvm::StringRef SarifPath) {
  // A FIFO or a device would block or never end: regular files only.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> Buffer =
      readRegularFile(SarifPath);
  if (!Buffer) {
    std::string Why = llvm::toString(Buffer.takeError());
    return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                   "cannot read baseline '%s': %s",
                                   SarifPath.str().c_str(), Why.c_str());
  }
  return readBaselineFingerprintsFromBuffer((*Buffer)->getBuffer(), SarifPath);
}

/// Adds the factoryguard fingerprint of every result of one run of a SARIF
/// log to Out; what is not shaped as SARIF is skipped.
static void collectFingerprints(const llvm::json::Value &Run,
                                std::set<std::string> &Out) {
  const llvm::json::Object *R = Run.getAsObject();
  const llvm::json::Array *Results = R ? R->getArray("results") : nullptr;
  if (!Results)
    return;
  for (const llvm::json::Value &Result : *Results) {
    const llvm::json::Object *O = Result.getAsObject();
    const llvm::json::Object *Partial =
        O ? O->getObject("partialFingerprints") : nullptr;
    if (!Partial)
      continue;
    if (std::optional<llvm::StringRef> Print =
            Partial->getString(FactoryguardFingerprintKey))
      Out.insert(Print->str());
  }
}

llvm::Expected<std::set<std::string>>
readBaselineFingerprintsFromBuffer(llvm::StringRef Text,
                                   llvm::StringRef SarifPath) {
  // Read like every other JSON input (parseJson: nesting bounded); nlohmann
  // only writes the SARIF log.
  llvm::Expected<llvm::json::Value> Log = parseJson(Text);
  if (!Log) {
    llvm::consumeError(Log.takeError());
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "baseline '%s' is not valid JSON",
                                   SarifPath.str().c_str());
  }
  const llvm::json::Object *Root = Log->getAsObject();
  const llvm::json::Array *Runs = Root ? Root->getArray("runs") : nullptr;
  if (!Runs)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "baseline '%s' is not a SARIF log (no "
                                   "'runs' array)",
                                   SarifPath.str().c_str());
  std::set<std::string> Fingerprints;
  for (const llvm::json::Value &Run : *Runs)
    collectFingerprints(Run, Fingerprints);
  return Fingerprints;
}

} // namespace factoryguard

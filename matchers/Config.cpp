//===- Config.cpp - .factoryguard.yaml and CheckOptions as one struct ----===//
//
// The YAML file is read with LLVM's own parser (llvm::yaml::Stream and its
// node API) so every error can name the file, line and column of the node
// that is wrong. Parser diagnostics are captured through the SourceMgr's
// DiagHandler instead of being printed, and every failure leaves this file as
// an llvm::Error whose message reads "<file>:<line>:<col>: error: <what>".
//
//===----------------------------------------------------------------------===//
#include "Config.h"
#include "RegularFile.h"
#include "Rules.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Casting.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"

#include <re2/re2.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <tuple>
#include <unistd.h>
#include <unordered_map>

namespace factoryguard {

const char *const ConfigFileName = ".factoryguard.yaml";

static llvm::Error makeError(const llvm::Twine &Message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Message);
}

//===----------------------------------------------------------------------===//
// NameMatcher and NameList
//===----------------------------------------------------------------------===//

static constexpr llvm::StringLiteral RegexPrefix = "regex:";

static llvm::StringRef withoutLeadingColons(llvm::StringRef Name) {
  Name.consume_front("::");
  return Name;
}

/// The pattern for a message: long patterns are clipped.
static std::string clipPattern(llvm::StringRef Pattern) {
  constexpr size_t Max = 80;
  if (Pattern.size() <= Max)
    return Pattern.str();
  return (Pattern.take_front(Max) + "... (" + llvm::Twine(Pattern.size()) +
          " characters)")
      .str();
}

llvm::Expected<NameMatcher> NameMatcher::create(llvm::StringRef Entry) {
  Entry = Entry.trim();
  NameMatcher M;
  M.Text = Entry.str();
  llvm::StringRef Pattern = Entry;
  if (Pattern.consume_front(RegexPrefix)) {
    if (Pattern.empty())
      return makeError("empty regex in '" + Entry + "'");
    // RE2: no backtracking, so matching is linear in the subject; parsing
    // and compiling are bounded by the memory budget (a huge or deeply
    // nested pattern is an error, not a crash or a hang).
    RE2::Options Opts;
    Opts.set_log_errors(false);
    Opts.set_max_mem(RegexMemoryBudget);
    auto Re = std::make_shared<const RE2>(
        re2::StringPiece(Pattern.data(), Pattern.size()), Opts);
    if (!Re->ok()) {
      if (Re->error_code() == RE2::ErrorPatternTooLarge)
        return makeError("invalid regex '" + clipPattern(Pattern) +
                         "': the pattern is too large (its compiled form "
                         "exceeds " +
                         llvm::Twine(RegexMemoryBudget >> 20) + " MB)");
      return makeError("invalid regex '" + clipPattern(Pattern) +
                       "': " + Re->error());
    }
    M.Regex = std::move(Re);
    return M;
  }
  M.Plain = withoutLeadingColons(Entry).str();
  if (M.Plain.empty())
    return makeError("empty name");
  return M;
}

static bool regexMatchesWhole(const RE2 &Re, llvm::StringRef Text) {
  return RE2::FullMatch(re2::StringPiece(Text.data(), Text.size()), Re);
}

bool NameMatcher::matches(llvm::StringRef QualifiedName) const {
  llvm::StringRef Name = withoutLeadingColons(QualifiedName);
  if (!Regex)
    return !Plain.empty() && Name == Plain;
  if (regexMatchesWhole(*Regex, Name))
    return true;
  // A regex written with the leading "::" matches a name queried with it.
  return Name.size() != QualifiedName.size() &&
         regexMatchesWhole(*Regex, QualifiedName);
}

bool NameMatcher::matchesPath(llvm::StringRef Path) const {
  if (Regex)
    return regexMatchesWhole(*Regex, Path);
  llvm::StringRef Prefix = Text;
  // "third_party/" names the same directory as "third_party" (but "/" stays).
  while (Prefix.size() > 1 && Prefix.ends_with("/"))
    Prefix = Prefix.drop_back();
  if (Prefix.empty())
    return false;
  if (Path == Prefix)
    return true;
  if (!Path.starts_with(Prefix))
    return false;
  return Prefix.ends_with("/") || Path[Prefix.size()] == '/';
}

bool NameList::matches(llvm::StringRef QualifiedName) const {
  for (const NameMatcher &M : Entries)
    if (M.matches(QualifiedName))
      return true;
  return false;
}

std::string NameList::join() const {
  std::string Out;
  for (const NameMatcher &M : Entries) {
    if (!Out.empty())
      Out += ';';
    Out += M.text();
  }
  return Out;
}

llvm::Expected<NameList> NameList::parseList(llvm::StringRef Semicolons) {
  NameList List;
  llvm::SmallVector<llvm::StringRef, 8> Items;
  Semicolons.split(Items, ';', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (llvm::StringRef Item : Items) {
    Item = Item.trim();
    if (Item.empty())
      continue;
    llvm::Expected<NameMatcher> M = NameMatcher::create(Item);
    if (!M)
      return M.takeError();
    List.Entries.push_back(std::move(*M));
  }
  return List;
}

//===----------------------------------------------------------------------===//
// Config
//===----------------------------------------------------------------------===//

static void append(NameList &To, const NameList &From) {
  To.Entries.insert(To.Entries.end(), From.Entries.begin(), From.Entries.end());
}

void Config::merge(const Config &Other) {
  append(Contexts, Other.Contexts);
  append(Managers, Other.Managers);
  Factories.insert(Factories.end(), Other.Factories.begin(),
                   Other.Factories.end());
  append(Startup, Other.Startup);
  append(RequestEntries, Other.RequestEntries);
  append(ContextSources, Other.ContextSources);
  append(Holders, Other.Holders);
  FactorySetups.insert(FactorySetups.end(), Other.FactorySetups.begin(),
                       Other.FactorySetups.end());
  append(Exclude, Other.Exclude);
  for (const auto &[Id, Settings] : Other.Rules) {
    RuleSettings &Mine = Rules[Id];
    if (Settings.Level)
      Mine.Level = Settings.Level;
  }
  if (SourceFile.empty())
    SourceFile = Other.SourceFile;
}

bool Config::isExcludedPath(llvm::StringRef Path) const {
  for (const NameMatcher &M : Exclude.Entries)
    if (M.matchesPath(Path))
      return true;
  return false;
}

//===----------------------------------------------------------------------===//
// The YAML reader
//===----------------------------------------------------------------------===//

namespace {

using llvm::yaml::BlockScalarNode;
using llvm::yaml::MappingNode;
using llvm::yaml::Node;
using llvm::yaml::NullNode;
using llvm::yaml::ScalarNode;
using llvm::yaml::SequenceNode;

const char *const TopLevelKeys = "contexts, managers, factories, startup, "
                                 "request-entries, context-sources, holders, "
                                 "factory-setup, exclude, rules";

const char *nodeKindName(const Node *N) {
  switch (N->getType()) {
  case Node::NK_Null:
    return "nothing";
  case Node::NK_Scalar:
  case Node::NK_BlockScalar:
    return "a scalar";
  case Node::NK_Mapping:
    return "a mapping";
  case Node::NK_Sequence:
    return "a sequence";
  case Node::NK_Alias:
    return "an alias (aliases are not supported)";
  case Node::NK_KeyValue:
    return "a key-value pair";
  }
  return "something else";
}

/// A plain (unquoted) "~" or "null" scalar: YAML's null.
bool isNullScalar(const Node *N) {
  const auto *S = llvm::dyn_cast<ScalarNode>(N);
  if (!S)
    return false;
  llvm::StringRef Raw = S->getRawValue();
  return Raw == "~" || Raw == "null" || Raw == "Null" || Raw == "NULL";
}

bool isNull(const Node *N) { return llvm::isa<NullNode>(N) || isNullScalar(N); }

class ConfigReader {
public:
  ConfigReader(llvm::StringRef Text, llvm::StringRef File) : File(File.str()) {
    SM.setDiagHandler(&ConfigReader::onDiagnostic, this);
    Stream = std::make_unique<llvm::yaml::Stream>(Text, SM,
                                                  /*ShowColors=*/false);
  }

  llvm::Expected<Config> read();

private:
  static void onDiagnostic(const llvm::SMDiagnostic &D, void *Context);

  /// The first syntax error the YAML parser reported, if any.
  llvm::Error syntaxError() {
    if (!SyntaxError)
      return llvm::Error::success();
    return makeError(*SyntaxError);
  }
  /// An error at N; a syntax error reported earlier wins, since a broken
  /// document yields nodes that are wrong only because of it.
  llvm::Error errorAt(const Node *N, const llvm::Twine &Message);
  std::string location(llvm::SMLoc Loc) const;
  /// 1-based line and column of N (0, 0 when unknown).
  std::pair<unsigned, unsigned> lineColumn(const Node *N) const;

  llvm::Error readTopLevel(Node *Root, Config &C);
  llvm::Error readNameList(Node *Value, llvm::StringRef Key, NameList &Out);
  llvm::Error readFactories(Node *Value, std::vector<FactoryEntry> &Out);
  llvm::Error readFactoryMapping(MappingNode *Map, FactoryEntry &Out);
  llvm::Error readFactorySetups(Node *Value,
                                std::vector<FactorySetupEntry> &Out);
  llvm::Error readFactorySetup(MappingNode *Map, FactorySetupEntry &Out);
  llvm::Error readRules(Node *Value, std::map<std::string, RuleSettings> &Out);
  llvm::Error readRuleSettings(Node *Value, llvm::StringRef Rule,
                               RuleSettings &Out);
  /// The text of a scalar N, or an error naming what is expected.
  llvm::Expected<std::string> scalarText(Node *N, const llvm::Twine &What);
  llvm::Expected<NameMatcher> nameAt(Node *N, llvm::StringRef Key);
  /// Fn on each item of the sequence Value (nothing for null), after
  /// "expected <Expected>, found <kind>" when Value is not a sequence.
  llvm::Error forEachItem(Node *Value, const llvm::Twine &Expected,
                          llvm::function_ref<llvm::Error(Node &)> Fn);
  /// Fn(key, key node, value) on each key of Map, after the checks every
  /// mapping shares: the key is a scalar ("a <Noun>"), it has a value,
  /// Unknown returns no message for it (else that message, at the key),
  /// and it was not seen before ("duplicate <Noun> '<key>'").
  llvm::Error forEachKey(
      MappingNode *Map, llvm::StringRef Noun,
      llvm::function_ref<std::optional<std::string>(llvm::StringRef)> Unknown,
      llvm::function_ref<llvm::Error(const std::string &, Node *, Node *)> Fn);

  std::string File;
  llvm::SourceMgr SM;
  std::unique_ptr<llvm::yaml::Stream> Stream;
  std::optional<std::string> SyntaxError;
  llvm::SMLoc LastLoc; // the key or entry read last: where null nodes are
};

void ConfigReader::onDiagnostic(const llvm::SMDiagnostic &D, void *Context) {
  auto *Self = static_cast<ConfigReader *>(Context);
  if (Self->SyntaxError || D.getKind() != llvm::SourceMgr::DK_Error)
    return;
  std::string Where;
  if (D.getLoc().isValid())
    Where = Self->location(D.getLoc());
  else if (D.getLineNo() > 0)
    Where = Self->File + ":" + std::to_string(D.getLineNo()) + ":" +
            std::to_string(D.getColumnNo() + 1);
  else
    Where = Self->File + ":1:1";
  Self->SyntaxError = Where + ": error: " + D.getMessage().str();
}

std::string ConfigReader::location(llvm::SMLoc Loc) const {
  if (!Loc.isValid() || !SM.FindBufferContainingLoc(Loc))
    Loc = LastLoc;
  if (!Loc.isValid() || !SM.FindBufferContainingLoc(Loc))
    return File + ":1:1";
  auto [Line, Col] = SM.getLineAndColumn(Loc);
  return File + ":" + std::to_string(Line) + ":" + std::to_string(Col);
}

std::pair<unsigned, unsigned> ConfigReader::lineColumn(const Node *N) const {
  llvm::SMLoc Loc = N ? N->getSourceRange().Start : llvm::SMLoc();
  if (!Loc.isValid() || !SM.FindBufferContainingLoc(Loc))
    return {0, 0};
  return SM.getLineAndColumn(Loc);
}

llvm::Error ConfigReader::errorAt(const Node *N, const llvm::Twine &Message) {
  if (SyntaxError)
    return syntaxError();
  llvm::SMLoc Loc = N ? N->getSourceRange().Start : llvm::SMLoc();
  // A null node takes the position of the token after it, often on a later
  // line: point at the key or entry that was read last instead.
  if (N && llvm::isa<NullNode>(N) && LastLoc.isValid())
    Loc = LastLoc;
  return makeError(location(Loc) + ": error: " + Message);
}

llvm::Expected<Config> ConfigReader::read() {
  Config C;
  C.SourceFile = File;
  bool SeenDocument = false;
  for (llvm::yaml::document_iterator DI = Stream->begin(), DE = Stream->end();
       DI != DE; ++DI) {
    Node *Root = DI->getRoot();
    if (!Root || isNull(Root)) {
      if (llvm::Error E = syntaxError())
        return E;
      continue;
    }
    if (SeenDocument)
      return errorAt(Root, "a configuration file holds one YAML document; "
                           "found a second one");
    SeenDocument = true;
    if (llvm::Error E = readTopLevel(Root, C))
      return E;
  }
  if (llvm::Error E = syntaxError())
    return E;
  return C;
}

llvm::Error ConfigReader::readTopLevel(Node *Root, Config &C) {
  auto *Map = llvm::dyn_cast<MappingNode>(Root);
  if (!Map)
    return errorAt(Root, llvm::Twine("expected a mapping with the keys ") +
                             TopLevelKeys + " at the top level, found " +
                             nodeKindName(Root));
  auto Unknown = [](llvm::StringRef Key) -> std::optional<std::string> {
    static const llvm::StringRef Known[] = {
        "contexts", "managers",        "factories",
        "startup",  "request-entries", "context-sources",
        "holders",  "factory-setup",   "exclude",
        "rules"};
    if (llvm::is_contained(Known, Key))
      return std::nullopt;
    return "unknown key '" + Key.str() + "'; expected one of " + TopLevelKeys;
  };
  return forEachKey(
      Map, "key", Unknown,
      [&](const std::string &KeyText, Node *, Node *Value) {
        const std::string *Key = &KeyText;
        llvm::Error E = llvm::Error::success();
        if (*Key == "contexts")
          E = readNameList(Value, *Key, C.Contexts);
        else if (*Key == "managers")
          E = readNameList(Value, *Key, C.Managers);
        else if (*Key == "startup")
          E = readNameList(Value, *Key, C.Startup);
        else if (*Key == "request-entries")
          E = readNameList(Value, *Key, C.RequestEntries);
        else if (*Key == "context-sources")
          E = readNameList(Value, *Key, C.ContextSources);
        else if (*Key == "holders")
          E = readNameList(Value, *Key, C.Holders);
        else if (*Key == "exclude") {
          E = readNameList(Value, *Key, C.Exclude);
          // A relative path entry names a path below the configuration file's
          // directory (as .gitignore entries do).
          llvm::StringRef Dir = llvm::sys::path::parent_path(File);
          if (!E && !Dir.empty() && llvm::sys::path::is_absolute(Dir))
            for (NameMatcher &M : C.Exclude.Entries) {
              if (M.isRegex() || llvm::sys::path::is_absolute(M.text()))
                continue;
              llvm::SmallString<256> Abs(Dir);
              llvm::sys::path::append(Abs, M.text());
              llvm::sys::path::remove_dots(Abs, true);
              if (auto Resolved = NameMatcher::create(Abs)) {
                Resolved->Line = M.Line;
                Resolved->Column = M.Column;
                M = std::move(*Resolved);
              } else
                llvm::consumeError(Resolved.takeError());
            }
        } else if (*Key == "factories")
          E = readFactories(Value, C.Factories);
        else if (*Key == "factory-setup")
          E = readFactorySetups(Value, C.FactorySetups);
        else
          E = readRules(Value, C.Rules);
        return E;
      });
}

llvm::Expected<std::string> ConfigReader::scalarText(Node *N,
                                                     const llvm::Twine &What) {
  if (auto *S = llvm::dyn_cast<ScalarNode>(N)) {
    llvm::SmallString<64> Storage;
    return S->getValue(Storage).str();
  }
  if (auto *B = llvm::dyn_cast<BlockScalarNode>(N))
    return B->getValue().str();
  return errorAt(N, "expected " + What + ", found " + nodeKindName(N));
}

llvm::Expected<NameMatcher> ConfigReader::nameAt(Node *N, llvm::StringRef Key) {
  llvm::Expected<std::string> Text = scalarText(N, "a name in '" + Key + "'");
  if (!Text)
    return Text.takeError();
  llvm::Expected<NameMatcher> M = NameMatcher::create(*Text);
  if (!M)
    return errorAt(N, llvm::toString(M.takeError()) + " (in '" + Key + "')");
  std::tie(M->Line, M->Column) = lineColumn(N);
  return M;
}

llvm::Error
ConfigReader::forEachItem(Node *Value, const llvm::Twine &Expected,
                          llvm::function_ref<llvm::Error(Node &)> Fn) {
  if (isNull(Value))
    return llvm::Error::success();
  auto *Seq = llvm::dyn_cast<SequenceNode>(Value);
  if (!Seq)
    return errorAt(Value,
                   "expected " + Expected + ", found " + nodeKindName(Value));
  for (Node &Item : *Seq) {
    if (!llvm::isa<NullNode>(Item))
      LastLoc = Item.getSourceRange().Start;
    if (llvm::Error E = Fn(Item))
      return E;
  }
  return syntaxError();
}

llvm::Error ConfigReader::forEachKey(
    MappingNode *Map, llvm::StringRef Noun,
    llvm::function_ref<std::optional<std::string>(llvm::StringRef)> Unknown,
    llvm::function_ref<llvm::Error(const std::string &, Node *, Node *)> Fn) {
  llvm::StringSet<> Seen;
  for (llvm::yaml::KeyValueNode &KV : *Map) {
    Node *KeyNode = KV.getKey();
    if (!KeyNode)
      return errorAt(&KV, "expected a " + Noun);
    LastLoc = KeyNode->getSourceRange().Start;
    llvm::Expected<std::string> Key = scalarText(KeyNode, "a " + Noun);
    if (!Key)
      return Key.takeError();
    Node *Value = KV.getValue();
    if (!Value)
      return errorAt(KeyNode, "expected a value for '" + *Key + "'");
    if (std::optional<std::string> Message = Unknown(*Key))
      return errorAt(KeyNode, *Message);
    if (!Seen.insert(*Key).second)
      return errorAt(KeyNode, "duplicate " + Noun + " '" + *Key + "'");
    if (llvm::Error E = Fn(*Key, KeyNode, Value))
      return E;
  }
  return syntaxError();
}

llvm::Error ConfigReader::readNameList(Node *Value, llvm::StringRef Key,
                                       NameList &Out) {
  return forEachItem(Value, "a sequence of names for '" + Key + "'",
                     [&](Node &Item) -> llvm::Error {
                       llvm::Expected<NameMatcher> M = nameAt(&Item, Key);
                       if (!M)
                         return M.takeError();
                       Out.Entries.push_back(std::move(*M));
                       return llvm::Error::success();
                     });
}

llvm::Error ConfigReader::readFactories(Node *Value,
                                        std::vector<FactoryEntry> &Out) {
  return forEachItem(
      Value, "a sequence of factories for 'factories'",
      [&](Node &Item) -> llvm::Error {
        if (auto *Map = llvm::dyn_cast<MappingNode>(&Item)) {
          FactoryEntry Entry{NameMatcher(), std::nullopt};
          if (llvm::Error E = readFactoryMapping(Map, Entry))
            return E;
          Out.push_back(std::move(Entry));
          return llvm::Error::success();
        }
        if (!llvm::isa<ScalarNode, BlockScalarNode>(&Item))
          return errorAt(&Item,
                         llvm::Twine("expected a factory name or a mapping "
                                     "with 'name' and 'context-param' in "
                                     "'factories', found ") +
                             nodeKindName(&Item));
        llvm::Expected<NameMatcher> M = nameAt(&Item, "factories");
        if (!M)
          return M.takeError();
        Out.push_back(FactoryEntry{std::move(*M), std::nullopt});
        return llvm::Error::success();
      });
}

llvm::Error ConfigReader::readFactoryMapping(MappingNode *Map,
                                             FactoryEntry &Out) {
  bool HaveName = false;
  auto Unknown = [](llvm::StringRef Key) -> std::optional<std::string> {
    if (Key == "name" || Key == "context-param")
      return std::nullopt;
    return "unknown key '" + Key.str() +
           "' in a factory; expected 'name' or 'context-param'";
  };
  if (llvm::Error E = forEachKey(
          Map, "key", Unknown,
          [&](const std::string &Key, Node *, Node *Value) -> llvm::Error {
            if (Key == "name") {
              HaveName = true;
              if (isNull(Value))
                return errorAt(Value,
                               "expected a factory name for 'name', found "
                               "nothing");
              llvm::Expected<NameMatcher> M = nameAt(Value, "factories");
              if (!M)
                return M.takeError();
              Out.Name = std::move(*M);
              return llvm::Error::success();
            }
            {
              llvm::Expected<std::string> Text = scalarText(
                  Value, "a non-negative integer for 'context-param'");
              if (!Text)
                return Text.takeError();
              unsigned Index = 0;
              if (llvm::StringRef(*Text).getAsInteger(10, Index))
                return errorAt(Value, "'context-param' must be a non-negative "
                                      "integer (a zero-based parameter index), "
                                      "found '" +
                                          *Text + "'");
              Out.ContextParam = Index;
              std::tie(Out.ParamLine, Out.ParamColumn) = lineColumn(Value);
              return llvm::Error::success();
            }
          }))
    return E;
  if (!HaveName)
    return errorAt(Map, "factory entry has no 'name'");
  return llvm::Error::success();
}

llvm::Error
ConfigReader::readFactorySetups(Node *Value,
                                std::vector<FactorySetupEntry> &Out) {
  return forEachItem(
      Value, "a sequence of factory classes for 'factory-setup'",
      [&](Node &Item) -> llvm::Error {
        auto *Map = llvm::dyn_cast<MappingNode>(&Item);
        if (!Map)
          return errorAt(&Item, llvm::Twine("expected a mapping with 'class', "
                                            "'setup' and 'required-args' in "
                                            "'factory-setup', found ") +
                                    nodeKindName(&Item));
        FactorySetupEntry Entry;
        if (llvm::Error E = readFactorySetup(Map, Entry))
          return E;
        Out.push_back(std::move(Entry));
        return llvm::Error::success();
      });
}

llvm::Error ConfigReader::readFactorySetup(MappingNode *Map,
                                           FactorySetupEntry &Out) {
  bool HaveClass = false, HaveSetup = false;
  auto Unknown = [](llvm::StringRef Key) -> std::optional<std::string> {
    if (Key == "class" || Key == "setup" || Key == "required-args")
      return std::nullopt;
    return "unknown key '" + Key.str() +
           "' in 'factory-setup'; expected 'class', 'setup' or "
           "'required-args'";
  };
  auto ReadKey = [&](const std::string &Key, Node *,
                     Node *Value) -> llvm::Error {
    if (Key == "class") {
      HaveClass = true;
      if (isNull(Value))
        return errorAt(Value, "expected a class name for 'class', found "
                              "nothing");
      llvm::Expected<NameMatcher> M = nameAt(Value, "factory-setup");
      if (!M)
        return M.takeError();
      Out.Class = std::move(*M);
      return llvm::Error::success();
    }
    if (Key == "setup") {
      HaveSetup = true;
      NameList Methods;
      if (llvm::Error E = readNameList(Value, "setup", Methods))
        return E;
      for (NameMatcher &M : Methods.Entries) {
        llvm::StringRef Name = M.plainName();
        if (M.isRegex() || Name.empty() || Name.contains(':'))
          return makeError(File + ":" + std::to_string(M.Line) + ":" +
                           std::to_string(M.Column) +
                           ": error: 'setup' lists method names of the "
                           "class without qualification or regex, found '" +
                           M.text() + "'");
      }
      Out.Setup = std::move(Methods.Entries);
      return llvm::Error::success();
    }
    return forEachItem(
        Value, "a sequence of zero-based argument indexes for 'required-args'",
        [&](Node &Item) -> llvm::Error {
          llvm::Expected<std::string> Text =
              scalarText(&Item, "a non-negative integer in 'required-args'");
          if (!Text)
            return Text.takeError();
          unsigned Index = 0;
          if (llvm::StringRef(*Text).getAsInteger(10, Index))
            return errorAt(&Item, "'required-args' lists non-negative "
                                  "integers (zero-based argument indexes), "
                                  "found '" +
                                      *Text + "'");
          Out.RequiredArgs.push_back(Index);
          Out.RequiredAt.push_back(lineColumn(&Item));
          return llvm::Error::success();
        });
  };
  if (llvm::Error E = forEachKey(Map, "key", Unknown, ReadKey))
    return E;
  if (!HaveClass)
    return errorAt(Map, "'factory-setup' entry has no 'class'");
  if (!HaveSetup || Out.Setup.empty())
    return errorAt(Map, "'factory-setup' entry for '" + Out.Class.text() +
                            "' lists no 'setup' method");
  return llvm::Error::success();
}

llvm::Error ConfigReader::readRules(Node *Value,
                                    std::map<std::string, RuleSettings> &Out) {
  if (isNull(Value))
    return llvm::Error::success();
  auto *Map = llvm::dyn_cast<MappingNode>(Value);
  if (!Map)
    return errorAt(Value, llvm::Twine("expected a mapping from rule ids to "
                                      "settings for 'rules', found ") +
                              nodeKindName(Value));
  std::string Known;
  for (const RuleInfo &R : allRules())
    Known += (Known.empty() ? "" : ", ") + std::string(R.Id);
  auto Unknown = [&](llvm::StringRef Id) -> std::optional<std::string> {
    if (findRule(Id))
      return std::nullopt;
    return "unknown rule '" + Id.str() + "'; expected one of " + Known;
  };
  return forEachKey(Map, "rule id", Unknown,
                    [&](const std::string &Id, Node *, Node *Settings) {
                      return readRuleSettings(Settings, Id, Out[Id]);
                    });
}

llvm::Error ConfigReader::readRuleSettings(Node *Value, llvm::StringRef Rule,
                                           RuleSettings &Out) {
  if (isNull(Value))
    return llvm::Error::success();
  auto *Map = llvm::dyn_cast<MappingNode>(Value);
  if (!Map)
    return errorAt(Value, "expected a mapping such as {severity: error} for "
                          "rule '" +
                              Rule + "', found " + nodeKindName(Value));
  auto Unknown = [&](llvm::StringRef Key) -> std::optional<std::string> {
    if (Key == "severity")
      return std::nullopt;
    return "unknown key '" + Key.str() + "' in rule '" + Rule.str() +
           "'; expected 'severity'";
  };
  return forEachKey(
      Map, "key", Unknown,
      [&](const std::string &, Node *, Node *SevNode) -> llvm::Error {
        llvm::Expected<std::string> Text =
            scalarText(SevNode, "a severity (error, warning, note or off)");
        if (!Text)
          return Text.takeError();
        Severity S;
        if (!parseSeverity(*Text, S))
          return errorAt(SevNode,
                         "unknown severity '" + *Text + "' for rule '" + Rule +
                             "'; expected error, warning, note or off");
        Out.Level = S;
        return llvm::Error::success();
      });
}

} // namespace

llvm::Expected<Config> parseConfig(llvm::StringRef Text, llvm::StringRef File) {
  ConfigReader Reader(Text, File);
  return Reader.read();
}

llvm::Expected<Config> loadConfigFile(llvm::StringRef Path) {
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> Buffer = readRegularFile(Path);
  if (!Buffer) {
    std::string Why = llvm::toString(Buffer.takeError());
    return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                   "%s: error: cannot read configuration "
                                   "file: %s",
                                   Path.str().c_str(), Why.c_str());
  }
  return parseConfig((*Buffer)->getBuffer(), Path);
}

//===----------------------------------------------------------------------===//
// Discovery
//===----------------------------------------------------------------------===//

namespace {
// Directory -> nearest config at or above it ("" = none). The CLI asks from
// several threads, once per analyzed file.
std::mutex DiscoveryMutex;
std::unordered_map<std::string, std::string> DiscoveryCache;
} // namespace

void forgetConfigDiscovery() {
  std::lock_guard<std::mutex> Lock(DiscoveryMutex);
  DiscoveryCache.clear();
}

std::string findConfigFor(llvm::StringRef File) {
  llvm::SmallString<256> Path(File);
  if (Path.empty())
    Path = ".";
  if (llvm::sys::fs::make_absolute(Path))
    return "";
  llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
  std::string Start = llvm::sys::fs::is_directory(Path)
                          ? std::string(Path)
                          : llvm::sys::path::parent_path(Path).str();

  std::vector<std::string> Visited;
  std::string Found;
  bool Known = false;
  for (std::string Dir = Start; !Dir.empty();) {
    {
      std::lock_guard<std::mutex> Lock(DiscoveryMutex);
      auto It = DiscoveryCache.find(Dir);
      if (It != DiscoveryCache.end()) {
        Found = It->second;
        Known = true;
      }
    }
    if (Known)
      break;
    Visited.push_back(Dir);
    llvm::SmallString<256> Candidate(Dir);
    llvm::sys::path::append(Candidate, ConfigFileName);
    llvm::sys::fs::file_status St;
    if (!llvm::sys::fs::status(Candidate, St, /*follow=*/false) &&
        llvm::sys::fs::exists(St)) {
      Found = std::string(Candidate);
      break;
    }
    std::string Parent = llvm::sys::path::parent_path(Dir).str();
    if (Parent == Dir)
      break;
    Dir = std::move(Parent);
  }

  std::lock_guard<std::mutex> Lock(DiscoveryMutex);
  for (const std::string &Dir : Visited)
    DiscoveryCache.emplace(Dir, Found);
  return Found;
}

} // namespace factoryguard

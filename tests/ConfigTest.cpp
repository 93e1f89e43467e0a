//===- ConfigTest.cpp - .factoryguard.yaml, name lists, discovery --------===//
#include "Config.h"
#include "ConfigCheck.h"
#include "Finding.h"
#include "Rules.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

using namespace factoryguard;

namespace {

/// The error message parseConfig gives for Yaml, or "<no error>".
std::string errorOf(llvm::StringRef Yaml, llvm::StringRef File = "cfg.yaml") {
  llvm::Expected<Config> C = parseConfig(Yaml, File);
  if (C)
    return "<no error>";
  return llvm::toString(C.takeError());
}

Config parseOrDie(llvm::StringRef Yaml) {
  llvm::Expected<Config> C = parseConfig(Yaml, "cfg.yaml");
  if (!C) {
    ADD_FAILURE() << llvm::toString(C.takeError());
    return Config();
  }
  return std::move(*C);
}

NameMatcher matcher(llvm::StringRef Entry) {
  llvm::Expected<NameMatcher> M = NameMatcher::create(Entry);
  if (!M) {
    ADD_FAILURE() << llvm::toString(M.takeError());
    return NameMatcher();
  }
  return std::move(*M);
}

const char *const SpecExample = R"yaml(
contexts:  [netra::UserExecutionContext]
managers:  [netra::WebSocketManager, "regex:netra::.*Bridge"]
factories:
  - netra::get_websocket_manager
  - name: netra::WebSocketBridgeFactory::create_user_emitter
    context-param: 0            # optional, zero-based
startup:   [netra::startup, "regex:netra::startup::.*"]
request-entries: [netra::Router::dispatch]
context-sources: [netra::auth::context_from_request]   # may create contexts (§1)
holders:   ["leveldb::SingletonEnv"]   # templates that keep their argument in raw storage
exclude:   ["regex:.*/third_party/.*"]   # paths not reported
rules:
  factoryguard-static-singleton: {severity: error}   # error | warning | note | off
)yaml";

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

TEST(ParseConfig, SpecExample) {
  Config C = parseOrDie(SpecExample);
  EXPECT_EQ(C.SourceFile, "cfg.yaml");

  EXPECT_EQ(C.Contexts.join(), "netra::UserExecutionContext");
  EXPECT_TRUE(C.Contexts.matches("netra::UserExecutionContext"));
  EXPECT_FALSE(C.Contexts.matches("netra::WebSocketManager"));

  ASSERT_EQ(C.Managers.Entries.size(), 2u);
  EXPECT_EQ(C.Managers.Entries[1].text(), "regex:netra::.*Bridge");
  EXPECT_TRUE(C.Managers.Entries[1].isRegex());
  EXPECT_TRUE(C.Managers.matches("netra::WebSocketManager"));
  EXPECT_TRUE(C.Managers.matches("netra::AgentBridge"));
  EXPECT_FALSE(C.Managers.matches("netra::BridgeHelper"));

  ASSERT_EQ(C.Factories.size(), 2u);
  EXPECT_EQ(C.Factories[0].Name.text(), "netra::get_websocket_manager");
  EXPECT_FALSE(C.Factories[0].ContextParam.has_value());
  EXPECT_EQ(C.Factories[1].Name.text(),
            "netra::WebSocketBridgeFactory::create_user_emitter");
  ASSERT_TRUE(C.Factories[1].ContextParam.has_value());
  EXPECT_EQ(*C.Factories[1].ContextParam, 0u);

  EXPECT_EQ(C.Startup.join(), "netra::startup;regex:netra::startup::.*");
  EXPECT_TRUE(C.Startup.matches("netra::startup"));
  EXPECT_TRUE(C.Startup.matches("netra::startup::init_all"));
  EXPECT_FALSE(C.Startup.matches("netra::startup_helper"));

  EXPECT_EQ(C.RequestEntries.join(), "netra::Router::dispatch");
  EXPECT_EQ(C.ContextSources.join(), "netra::auth::context_from_request");
  EXPECT_EQ(C.ContextSources.Entries[0].Line, 10u);
  EXPECT_EQ(C.Holders.join(), "leveldb::SingletonEnv");
  ASSERT_EQ(C.Holders.Entries.size(), 1u);
  EXPECT_EQ(C.Holders.Entries[0].Line, 11u);

  EXPECT_TRUE(C.isExcludedPath("/src/third_party/ws/ws.cc"));
  EXPECT_FALSE(C.isExcludedPath("/src/netra/ws.cc"));

  ASSERT_EQ(C.Rules.size(), 1u);
  auto It = C.Rules.find("factoryguard-static-singleton");
  ASSERT_NE(It, C.Rules.end());
  ASSERT_TRUE(It->second.Level.has_value());
  EXPECT_EQ(*It->second.Level, Severity::Error);
}

TEST(ParseConfig, BlockStyleAndQuotedEntries) {
  Config C = parseOrDie("contexts:\n"
                        "  - 'ns::Ctx'\n"
                        "  - \"::ns::OtherCtx\"\n"
                        "factories:\n"
                        "  - name: ns::make\n"
                        "    context-param: 2\n"
                        "rules:\n"
                        "  factoryguard-null-context:\n"
                        "    severity: off\n"
                        "  factoryguard-request-scope: {severity: note}\n");
  EXPECT_TRUE(C.Contexts.matches("ns::Ctx"));
  EXPECT_TRUE(C.Contexts.matches("ns::OtherCtx"));
  ASSERT_EQ(C.Factories.size(), 1u);
  EXPECT_EQ(C.Factories[0].ContextParam, std::optional<unsigned>(2));
  EXPECT_EQ(C.Rules["factoryguard-null-context"].Level,
            std::optional<Severity>(Severity::Off));
  EXPECT_EQ(C.Rules["factoryguard-request-scope"].Level,
            std::optional<Severity>(Severity::Note));
}

TEST(ParseConfig, EmptyAndCommentOnlyDocumentsAreEmptyConfigs) {
  for (const char *Text : {"", "\n\n", "# only a comment\n# and another\n",
                           "---\n", "---\n# comment\n...\n"}) {
    SCOPED_TRACE(Text);
    llvm::Expected<Config> C = parseConfig(Text, "empty.yaml");
    ASSERT_TRUE(static_cast<bool>(C)) << llvm::toString(C.takeError());
    EXPECT_TRUE(C->Contexts.empty());
    EXPECT_TRUE(C->Managers.empty());
    EXPECT_TRUE(C->Factories.empty());
    EXPECT_TRUE(C->Startup.empty());
    EXPECT_TRUE(C->RequestEntries.empty());
    EXPECT_TRUE(C->Exclude.empty());
    EXPECT_TRUE(C->Rules.empty());
  }
}

TEST(ParseConfig, KeyWithoutValueIsAnEmptyList) {
  Config C = parseOrDie("contexts:\nmanagers: [a::M]\n");
  EXPECT_TRUE(C.Contexts.empty());
  EXPECT_TRUE(C.Managers.matches("a::M"));
}

//===----------------------------------------------------------------------===//
// Errors: "<file>:<line>:<col>: error: <what>"
//===----------------------------------------------------------------------===//

TEST(ConfigErrors, YamlSyntaxError) {
  EXPECT_EQ(errorOf("contexts: [a, b\n", "dir/.factoryguard.yaml"),
            "dir/.factoryguard.yaml:1:16: error: Could not find closing ]!");
  EXPECT_EQ(errorOf("contexts: [a]\nmanagers: 'unterminated\n"),
            "cfg.yaml:2:24: error: Expected quote at end of scalar");
}

TEST(ConfigErrors, YamlDiagnosticsAreNotPrinted) {
  testing::internal::CaptureStderr();
  std::string Error = errorOf("contexts: [a, b\n");
  std::string Printed = testing::internal::GetCapturedStderr();
  EXPECT_NE(Error, "<no error>");
  EXPECT_EQ(Printed, "");
}

TEST(Config, FactorySetupIsRead) {
  auto C = parseConfig("factory-setup:\n"
                       "  - class: netra::WebSocketBridgeFactory\n"
                       "    setup: [configure, start]\n"
                       "    required-args: [0, 1]\n"
                       "  - {class: \"regex:.*Pool\", setup: [open]}\n",
                       "cfg.yaml");
  ASSERT_TRUE(static_cast<bool>(C)) << llvm::toString(C.takeError());
  ASSERT_EQ(C->FactorySetups.size(), 2u);
  const FactorySetupEntry &E = C->FactorySetups[0];
  EXPECT_TRUE(E.Class.matches("netra::WebSocketBridgeFactory"));
  ASSERT_EQ(E.Setup.size(), 2u);
  EXPECT_EQ(E.Setup[1].plainName(), "start");
  EXPECT_EQ(E.RequiredArgs, (std::vector<unsigned>{0, 1}));
  EXPECT_EQ(E.RequiredAt[1], (std::pair<unsigned, unsigned>{4, 24}));
  EXPECT_TRUE(C->FactorySetups[1].Class.isRegex());
  EXPECT_TRUE(C->FactorySetups[1].RequiredArgs.empty());
}

TEST(ConfigErrors, FactorySetup) {
  EXPECT_EQ(errorOf("factory-setup: [a::F]\n"),
            "cfg.yaml:1:17: error: expected a mapping with 'class', 'setup' "
            "and 'required-args' in 'factory-setup', found a scalar");
  EXPECT_EQ(errorOf("factory-setup:\n  - {class: a::F, setup: [init], "
                    "requried-args: [0]}\n"),
            "cfg.yaml:2:34: error: unknown key 'requried-args' in "
            "'factory-setup'; expected 'class', 'setup' or 'required-args'");
  EXPECT_EQ(errorOf("factory-setup:\n  - {setup: [init]}\n"),
            "cfg.yaml:2:6: error: 'factory-setup' entry has no 'class'");
  EXPECT_EQ(errorOf("factory-setup:\n  - {class: a::F}\n"),
            "cfg.yaml:2:6: error: 'factory-setup' entry for 'a::F' lists no "
            "'setup' method");
  EXPECT_EQ(errorOf("factory-setup:\n  - {class: a::F, setup: [a::F::init]}\n"),
            "cfg.yaml:2:27: error: 'setup' lists method names of the class "
            "without qualification or regex, found 'a::F::init'");
  EXPECT_EQ(errorOf("factory-setup:\n  - {class: a::F, setup: [init], "
                    "required-args: [first]}\n"),
            "cfg.yaml:2:50: error: 'required-args' lists non-negative "
            "integers (zero-based argument indexes), found 'first'");
}

TEST(ConfigErrors, UnknownTopLevelKey) {
  EXPECT_EQ(errorOf("contexts: [a::C]\nmanagerz: [a::M]\n"),
            "cfg.yaml:2:1: error: unknown key 'managerz'; expected one of "
            "contexts, managers, factories, startup, request-entries, "
            "context-sources, holders, factory-setup, exclude, rules");
}

TEST(ConfigErrors, DuplicateKey) {
  EXPECT_EQ(errorOf("contexts: [a]\ncontexts: [b]\n"),
            "cfg.yaml:2:1: error: duplicate key 'contexts'");
}

TEST(ConfigErrors, ScalarWhereAListIsExpected) {
  EXPECT_EQ(errorOf("contexts: netra::UserExecutionContext\n"),
            "cfg.yaml:1:11: error: expected a sequence of names for "
            "'contexts', found a scalar");
  EXPECT_EQ(errorOf("managers: [a]\nexclude: {a: b}\n"),
            "cfg.yaml:2:11: error: expected a sequence of names for "
            "'exclude', found a mapping");
}

TEST(ConfigErrors, ListItemThatIsNotAName) {
  EXPECT_EQ(errorOf("startup:\n  - a::f\n  - [b::g]\n"),
            "cfg.yaml:3:6: error: expected a name in 'startup', found a "
            "sequence");
}

TEST(ConfigErrors, TopLevelMustBeAMapping) {
  std::string E = errorOf("- netra::Manager\n");
  EXPECT_EQ(E.rfind("cfg.yaml:1:1: error: expected a mapping", 0), 0u) << E;
}

TEST(ConfigErrors, BadRegex) {
  std::string E = errorOf("managers:\n  - netra::M\n  - \"regex:netra::(\"\n");
  EXPECT_EQ(E.rfind("cfg.yaml:3:5: error: invalid regex 'netra::(': ", 0), 0u)
      << E;
  EXPECT_NE(E.find("(in 'managers')"), std::string::npos) << E;
}

TEST(ConfigErrors, UnknownRuleId) {
  EXPECT_EQ(
      errorOf("rules:\n  factoryguard-null-contexts: {severity: error}\n"),
      "cfg.yaml:2:3: error: unknown rule 'factoryguard-null-contexts'; "
      "expected one of factoryguard-request-scope, "
      "factoryguard-static-singleton, factoryguard-null-context, "
      "factoryguard-unconfigured-factory, factoryguard-fabricated-context");
}

TEST(ConfigErrors, UnknownSeverity) {
  EXPECT_EQ(errorOf("rules:\n  factoryguard-null-context: {severity: fatal}\n"),
            "cfg.yaml:2:41: error: unknown severity 'fatal' for rule "
            "'factoryguard-null-context'; expected error, warning, note or "
            "off");
}

TEST(ConfigErrors, UnknownKeyInRuleSettings) {
  EXPECT_EQ(errorOf("rules:\n  factoryguard-null-context:\n    level: error\n"),
            "cfg.yaml:3:5: error: unknown key 'level' in rule "
            "'factoryguard-null-context'; expected 'severity'");
}

TEST(ConfigErrors, RuleSettingsMustBeAMapping) {
  std::string E = errorOf("rules:\n  factoryguard-request-scope: error\n");
  EXPECT_EQ(E.rfind("cfg.yaml:2:31: error: expected a mapping such as "
                    "{severity: error}",
                    0),
            0u)
      << E;
}

TEST(ConfigErrors, NegativeContextParam) {
  EXPECT_EQ(errorOf("factories:\n  - name: a::make\n    context-param: -1\n"),
            "cfg.yaml:3:20: error: 'context-param' must be a non-negative "
            "integer (a zero-based parameter index), found '-1'");
}

TEST(ConfigErrors, NonIntegerContextParam) {
  EXPECT_EQ(errorOf("factories:\n  - {name: a::make, context-param: first}\n"),
            "cfg.yaml:2:36: error: 'context-param' must be a non-negative "
            "integer (a zero-based parameter index), found 'first'");
  std::string E =
      errorOf("factories:\n  - name: a::make\n    context-param: 1.5\n");
  EXPECT_EQ(E.rfind("cfg.yaml:3:20: error: 'context-param' must be", 0), 0u)
      << E;
}

TEST(ConfigErrors, FactoryWithoutName) {
  EXPECT_EQ(errorOf("factories:\n  - a::f\n  - context-param: 1\n"),
            "cfg.yaml:3:5: error: factory entry has no 'name'");
}

TEST(ConfigErrors, FactoryWithEmptyName) {
  EXPECT_EQ(errorOf("factories:\n  - name:\n    context-param: 1\n"),
            "cfg.yaml:2:5: error: expected a factory name for 'name', found "
            "nothing");
}

TEST(ConfigErrors, UnknownKeyInFactory) {
  EXPECT_EQ(errorOf("factories:\n  - name: a::f\n    param: 1\n"),
            "cfg.yaml:3:5: error: unknown key 'param' in a factory; expected "
            "'name' or 'context-param'");
}

TEST(ConfigErrors, SecondDocument) {
  std::string E = errorOf("contexts: [a]\n---\nmanagers: [b]\n");
  EXPECT_EQ(E.rfind("cfg.yaml:3:1: error: ", 0), 0u) << E;
}

//===----------------------------------------------------------------------===//
// Name matching
//===----------------------------------------------------------------------===//

TEST(NameMatcher, PlainNamesMatchTheWholeQualifiedName) {
  NameMatcher M = matcher("netra::Manager");
  EXPECT_FALSE(M.isRegex());
  EXPECT_TRUE(M.matches("netra::Manager"));
  EXPECT_FALSE(M.matches("netra::ManagerFactory"));
  EXPECT_FALSE(M.matches("x::netra::Manager"));
  EXPECT_FALSE(M.matches("netra"));
  EXPECT_FALSE(M.matches(""));
}

TEST(NameMatcher, LeadingColonsAreOptionalOnBothSides) {
  NameMatcher Written = matcher("::netra::Manager");
  EXPECT_EQ(Written.text(), "::netra::Manager");
  EXPECT_TRUE(Written.matches("netra::Manager"));
  EXPECT_TRUE(Written.matches("::netra::Manager"));
  EXPECT_FALSE(Written.matches("::netra::ManagerFactory"));

  NameMatcher Plain = matcher("netra::Manager");
  EXPECT_TRUE(Plain.matches("::netra::Manager"));

  NameMatcher Re = matcher("regex:netra::.*Manager");
  EXPECT_TRUE(Re.matches("::netra::WebSocketManager"));
}

TEST(NameMatcher, RegexMatchesTheWholeName) {
  NameMatcher M = matcher("regex:netra::.*Bridge");
  EXPECT_TRUE(M.isRegex());
  EXPECT_TRUE(M.matches("netra::AgentBridge"));
  EXPECT_TRUE(M.matches("netra::detail::WsBridge"));
  // A partial match is no match: RE2::FullMatch, not a search.
  EXPECT_FALSE(M.matches("netra::BridgeHelper"));
  EXPECT_FALSE(M.matches("x::netra::AgentBridge"));
}

TEST(NameMatcher, BadRegexIsAnError) {
  llvm::Expected<NameMatcher> M = NameMatcher::create("regex:a::[b");
  ASSERT_FALSE(static_cast<bool>(M));
  std::string E = llvm::toString(M.takeError());
  EXPECT_EQ(E.rfind("invalid regex 'a::[b': ", 0), 0u) << E;
  EXPECT_GT(E.size(), std::string("invalid regex 'a::[b': ").size());
}

TEST(NameMatcher, RegexesAreRE2AndLinear) {
  // RE2 syntax: Perl classes, non-capturing groups; no backreferences.
  EXPECT_TRUE(matcher("regex:ns::\\w+(?:Manager|Bridge)").matches("ns::WsBridge"));
  llvm::Expected<NameMatcher> Backref = NameMatcher::create("regex:(a)\\1");
  ASSERT_FALSE(static_cast<bool>(Backref));
  EXPECT_NE(llvm::toString(Backref.takeError()).find("invalid regex"),
            std::string::npos);
  // A nested quantifier on a long subject: exponential for a backtracking
  // engine, linear for RE2 (bounded by the test's own timeout).
  std::string Long = "ns::" + std::string(100000, 'a');
  NameMatcher Nested = matcher("regex:ns::(a+)+$");
  EXPECT_TRUE(Nested.matches(Long));
  EXPECT_FALSE(Nested.matches(Long + "b"));
  EXPECT_TRUE(matcher("regex:ns::(a+)+b").matches(Long + "b"));
  // The same for paths.
  EXPECT_FALSE(matcher("regex:(/+a+)+$").matchesPath(
      std::string(50000, '/') + std::string(50000, 'a') + "!"));
}

TEST(NameMatcher, HugePatternsAreAnErrorOrWorkNeverACrash) {
  std::string Literal(100000, 'a');
  std::string Groups, Nested = std::string(20000, '(') + "a" +
                               std::string(20000, ')');
  for (int I = 0; I < 20000; ++I)
    Groups += "(a)";
  for (const std::string &P : {Literal, Groups, Nested,
                                std::string("(((a{1000}){1000}){1000})")}) {
    llvm::Expected<NameMatcher> M = NameMatcher::create("regex:" + P);
    if (M) {
      EXPECT_FALSE(M->matches("b"));
      continue;
    }
    std::string E = llvm::toString(M.takeError());
    EXPECT_EQ(E.rfind("invalid regex '", 0), 0u) << E.substr(0, 300);
    EXPECT_LT(E.size(), 300u) << "the pattern is clipped in the message";
  }
  // The repetition bomb is too large to compile: a clear error.
  llvm::Expected<NameMatcher> Bomb =
      NameMatcher::create("regex:((a{1000}){1000}){1000}");
  ASSERT_FALSE(static_cast<bool>(Bomb));
  llvm::consumeError(Bomb.takeError());
}

TEST(ParseConfig, EntriesKeepTheirPositions) {
  Config C = parseOrDie("contexts: [a::Ctx]\n"
                        "managers:\n"
                        "  - a::M\n"
                        "  - \"regex:a::.*Bridge\"\n"
                        "factories:\n"
                        "  - a::make\n"
                        "  - name: a::create\n"
                        "    context-param: 2\n");
  ASSERT_EQ(C.Contexts.Entries.size(), 1u);
  EXPECT_EQ(C.Contexts.Entries[0].Line, 1u);
  EXPECT_EQ(C.Contexts.Entries[0].Column, 12u);
  ASSERT_EQ(C.Managers.Entries.size(), 2u);
  EXPECT_EQ(C.Managers.Entries[1].Line, 4u);
  EXPECT_EQ(C.Managers.Entries[1].Column, 5u);
  ASSERT_EQ(C.Factories.size(), 2u);
  EXPECT_EQ(C.Factories[0].Name.Line, 6u);
  EXPECT_EQ(C.Factories[1].Name.Line, 7u);
  EXPECT_EQ(C.Factories[1].Name.Column, 11u);
  EXPECT_EQ(C.Factories[1].ParamLine, 8u);
  EXPECT_EQ(C.Factories[1].ParamColumn, 20u);
}

TEST(ConfigValidation, UnmatchedEntriesWarnWithASuggestion) {
  Config C = parseOrDie("contexts: [a::Ctx]\n"
                        "managers: [a::Manger, \"regex:a::.*Bridge\", zz::Q]\n"
                        "factories:\n"
                        "  - name: a::make\n"
                        "    context-param: 4\n");
  ConfigMatchRecord R;
  R.addMatch(C.Contexts.Entries[0], {"a::Ctx", "/src/a.h", 3});
  R.addMatch(C.Factories[0].Name, {"a::make", "/src/a.h", 9});
  R.SeenTypes.insert("a::Manager");
  R.SeenTypes.insert("a::Ctx");
  R.SeenFunctions.insert("a::Manager2");
  R.BadParams.push_back({&C.Factories[0], {"a::make", "/src/a.h", 9}, 1});
  std::vector<ConfigDiagnostic> Out;
  validateConfig(C, R, /*Strict=*/false, Out);
  ASSERT_EQ(Out.size(), 4u);
  EXPECT_FALSE(Out[0].IsError);
  EXPECT_EQ(Out[0].Text, "cfg.yaml:2:12: warning: 'managers' entry 'a::Manger' "
                         "matched no declaration in the analyzed units; did "
                         "you mean 'a::Manager'?");
  EXPECT_EQ(Out[1].Text, "cfg.yaml:2:23: warning: 'managers' entry "
                         "'regex:a::.*Bridge' matched no declaration in the "
                         "analyzed units");
  EXPECT_EQ(Out[2].Text, "cfg.yaml:2:44: warning: 'managers' entry 'zz::Q' "
                         "matched no declaration in the analyzed units");
  EXPECT_TRUE(Out[3].IsError);
  EXPECT_EQ(Out[3].Text, "cfg.yaml:5:20: error: 'context-param' 4 is out of "
                         "range for 'a::make' (/src/a.h:9), which has 1 "
                         "parameter (the index is zero-based)");

  Out.clear();
  validateConfig(C, R, /*Strict=*/true, Out);
  ASSERT_EQ(Out.size(), 4u);
  EXPECT_TRUE(Out[0].IsError);
  EXPECT_EQ(Out[0].Text.rfind("cfg.yaml:2:12: error: 'managers'", 0), 0u);
}

TEST(ConfigValidation, RecordsMergeAcrossUnits) {
  Config C = parseOrDie("managers: [a::M, b::M]\n");
  ConfigMatchRecord First, Second, All;
  First.addMatch(C.Managers.Entries[0], {"a::M", "/a.h", 1});
  Second.addMatch(C.Managers.Entries[1], {"b::M", "/b.h", 2});
  Second.SeenTypes.insert("b::M");
  All.merge(std::move(First));
  All.merge(std::move(Second));
  std::vector<ConfigDiagnostic> Out;
  validateConfig(C, All, /*Strict=*/true, Out);
  EXPECT_TRUE(Out.empty()) << Out.front().Text;
  EXPECT_EQ(All.SeenTypes.count("b::M"), 1u);
}

TEST(ConfigValidation, ClosestName) {
  llvm::StringSet<> Names;
  for (const char *N : {"netra::WebSocketManager", "netra::WebSocketBridge",
                        "other::Thing"})
    Names.insert(N);
  EXPECT_EQ(closestName("netra::WebSocketManagr", Names),
            "netra::WebSocketManager");
  EXPECT_EQ(closestName("::netra::WebsocketManager", Names),
            "netra::WebSocketManager");
  EXPECT_EQ(closestName("netra::Completely::Different", Names), "");
  EXPECT_EQ(closestName("x::y", Names), "");
}

TEST(NameMatcher, EmptyEntriesAreErrors) {
  llvm::Expected<NameMatcher> Empty = NameMatcher::create("  ");
  EXPECT_FALSE(static_cast<bool>(Empty));
  llvm::consumeError(Empty.takeError());
  llvm::Expected<NameMatcher> EmptyRegex = NameMatcher::create("regex:");
  EXPECT_FALSE(static_cast<bool>(EmptyRegex));
  llvm::consumeError(EmptyRegex.takeError());
}

TEST(NameList, ParseListAndJoinRoundTrip) {
  llvm::Expected<NameList> L =
      NameList::parseList(" a::f ;; regex:b::.* ;::c::g;");
  ASSERT_TRUE(static_cast<bool>(L)) << llvm::toString(L.takeError());
  ASSERT_EQ(L->Entries.size(), 3u);
  EXPECT_EQ(L->join(), "a::f;regex:b::.*;::c::g");
  EXPECT_TRUE(L->matches("a::f"));
  EXPECT_TRUE(L->matches("b::anything"));
  EXPECT_TRUE(L->matches("c::g"));
  EXPECT_FALSE(L->matches("a::f2"));

  llvm::Expected<NameList> Again = NameList::parseList(L->join());
  ASSERT_TRUE(static_cast<bool>(Again)) << llvm::toString(Again.takeError());
  EXPECT_EQ(Again->join(), L->join());

  llvm::Expected<NameList> Empty = NameList::parseList(" ; ;");
  ASSERT_TRUE(static_cast<bool>(Empty));
  EXPECT_TRUE(Empty->empty());
  EXPECT_EQ(Empty->join(), "");
}

TEST(NameList, ParseListReportsBadRegex) {
  llvm::Expected<NameList> L = NameList::parseList("a::f;regex:(");
  ASSERT_FALSE(static_cast<bool>(L));
  EXPECT_NE(llvm::toString(L.takeError()).find("invalid regex '('"),
            std::string::npos);
}

TEST(Config, ExcludePlainEntriesMatchDirectoriesAndFiles) {
  Config C = parseOrDie("exclude: [/src/gen, /src/one.cc, "
                        "\"regex:.*\\\\.pb\\\\.cc\"]\n");
  EXPECT_TRUE(C.isExcludedPath("/src/gen"));
  EXPECT_TRUE(C.isExcludedPath("/src/gen/a/b.cc"));
  EXPECT_FALSE(C.isExcludedPath("/src/generated/b.cc"));
  EXPECT_TRUE(C.isExcludedPath("/src/one.cc"));
  EXPECT_FALSE(C.isExcludedPath("/src/one.cc.bak"));
  EXPECT_TRUE(C.isExcludedPath("/src/api/x.pb.cc"));
  EXPECT_FALSE(C.isExcludedPath("/src/api/x.pb.cc.orig"));
}

TEST(Config, MergeAppendsListsAndOverridesRules) {
  Config A = parseOrDie("contexts: [a::Ctx]\n"
                        "factories: [a::make]\n"
                        "exclude: [/a]\n"
                        "rules:\n"
                        "  factoryguard-null-context: {severity: error}\n"
                        "  factoryguard-request-scope: {severity: note}\n");
  Config B = parseOrDie("contexts: [b::Ctx]\n"
                        "managers: [b::M]\n"
                        "factories: [{name: b::make, context-param: 1}]\n"
                        "startup: [b::init]\n"
                        "request-entries: [b::serve]\n"
                        "holders: [b::Slot]\n"
                        "exclude: [/b]\n"
                        "rules:\n"
                        "  factoryguard-null-context: {severity: off}\n"
                        "  factoryguard-static-singleton: {severity: warning}\n"
                        "  factoryguard-request-scope:\n"); // no settings
  ASSERT_EQ(B.Rules.count("factoryguard-request-scope"), 1u);
  A.merge(B);
  EXPECT_EQ(A.Contexts.join(), "a::Ctx;b::Ctx");
  EXPECT_EQ(A.Managers.join(), "b::M");
  ASSERT_EQ(A.Factories.size(), 2u);
  EXPECT_EQ(A.Factories[1].Name.text(), "b::make");
  EXPECT_EQ(A.Factories[1].ContextParam, std::optional<unsigned>(1));
  EXPECT_EQ(A.Startup.join(), "b::init");
  EXPECT_EQ(A.RequestEntries.join(), "b::serve");
  EXPECT_EQ(A.Holders.join(), "b::Slot");
  EXPECT_TRUE(A.isExcludedPath("/a/x.cc"));
  EXPECT_TRUE(A.isExcludedPath("/b/x.cc"));
  EXPECT_EQ(A.Rules["factoryguard-null-context"].Level,
            std::optional<Severity>(Severity::Off));
  EXPECT_EQ(A.Rules["factoryguard-request-scope"].Level,
            std::optional<Severity>(Severity::Note));
  EXPECT_EQ(A.Rules["factoryguard-static-singleton"].Level,
            std::optional<Severity>(Severity::Warning));
}

//===----------------------------------------------------------------------===//
// Files on disk
//===----------------------------------------------------------------------===//

class ConfigFiles : public ::testing::Test {
protected:
  void SetUp() override {
    std::error_code EC =
        llvm::sys::fs::createUniqueDirectory("factoryguard-config", Root);
    ASSERT_FALSE(EC) << EC.message();
    // Resolve symlinks (/tmp may be one) so expected paths compare equal.
    llvm::SmallString<256> Real;
    ASSERT_FALSE(llvm::sys::fs::real_path(Root, Real));
    Root = Real;
  }
  void TearDown() override {
    if (!Root.empty())
      llvm::sys::fs::remove_directories(Root);
  }

  std::string path(llvm::StringRef Relative) const {
    llvm::SmallString<256> P(Root);
    llvm::sys::path::append(P, llvm::sys::path::Style::posix, Relative);
    return std::string(P);
  }

  void write(llvm::StringRef Relative, llvm::StringRef Text) {
    std::string P = path(Relative);
    ASSERT_FALSE(
        llvm::sys::fs::create_directories(llvm::sys::path::parent_path(P)));
    std::error_code EC;
    llvm::raw_fd_ostream OS(P, EC);
    ASSERT_FALSE(EC) << EC.message();
    OS << Text;
  }

  void mkdir(llvm::StringRef Relative) {
    ASSERT_FALSE(llvm::sys::fs::create_directories(path(Relative)));
  }

  /// True when some directory above Root has a config of its own.
  bool ancestorHasConfig() const {
    llvm::StringRef Dir = llvm::sys::path::parent_path(Root);
    for (; !Dir.empty(); Dir = llvm::sys::path::parent_path(Dir)) {
      llvm::SmallString<256> P(Dir);
      llvm::sys::path::append(P, ConfigFileName);
      if (llvm::sys::fs::exists(P))
        return true;
      if (Dir == llvm::sys::path::parent_path(Dir))
        break;
    }
    return false;
  }

  llvm::SmallString<256> Root;
};

TEST_F(ConfigFiles, LoadConfigFile) {
  write("proj/.factoryguard.yaml", "contexts: [p::Ctx]\n");
  llvm::Expected<Config> C = loadConfigFile(path("proj/.factoryguard.yaml"));
  ASSERT_TRUE(static_cast<bool>(C)) << llvm::toString(C.takeError());
  EXPECT_TRUE(C->Contexts.matches("p::Ctx"));
  EXPECT_EQ(C->SourceFile, path("proj/.factoryguard.yaml"));
}

TEST_F(ConfigFiles, LoadConfigFileErrorsNameTheFile) {
  write("bad.yaml", "contexts: [a]\nmanagers: b\n");
  llvm::Expected<Config> C = loadConfigFile(path("bad.yaml"));
  ASSERT_FALSE(static_cast<bool>(C));
  EXPECT_EQ(llvm::toString(C.takeError()),
            path("bad.yaml") + ":2:11: error: expected a sequence of names "
                               "for 'managers', found a scalar");
}

TEST_F(ConfigFiles, LoadingAMissingFileNamesPathAndReason) {
  std::string Missing = path("nowhere/.factoryguard.yaml");
  llvm::Expected<Config> C = loadConfigFile(Missing);
  ASSERT_FALSE(static_cast<bool>(C));
  std::string E = llvm::toString(C.takeError());
  EXPECT_NE(E.find(Missing), std::string::npos) << E;
  EXPECT_NE(
      E.find(
          std::make_error_code(std::errc::no_such_file_or_directory).message()),
      std::string::npos)
      << E;
}

TEST_F(ConfigFiles, FindConfigForNearestWins) {
  write(".factoryguard.yaml", "contexts: [root::Ctx]\n");
  write("a/.factoryguard.yaml", "contexts: [a::Ctx]\n");
  write("a/b/c/file.cc", "int x;\n");
  write("x/y/file.cc", "int y;\n");

  EXPECT_EQ(findConfigFor(path("a/b/c/file.cc")), path("a/.factoryguard.yaml"));
  EXPECT_EQ(findConfigFor(path("x/y/file.cc")), path(".factoryguard.yaml"));
  // Asked again (cached), the answer is the same.
  EXPECT_EQ(findConfigFor(path("a/b/c/file.cc")), path("a/.factoryguard.yaml"));
  // A directory argument starts in that directory.
  EXPECT_EQ(findConfigFor(path("a")), path("a/.factoryguard.yaml"));
  EXPECT_EQ(findConfigFor(path("x")), path(".factoryguard.yaml"));
  // A file next to the config.
  EXPECT_EQ(findConfigFor(path("a/other.cc")), path("a/.factoryguard.yaml"));
  // Dots are resolved before walking up.
  EXPECT_EQ(findConfigFor(path("x/y/../../a/b/c/file.cc")),
            path("a/.factoryguard.yaml"));
}

TEST_F(ConfigFiles, ADirectoryByThatNameIsFoundAndIsAnError) {
  write("a/.factoryguard.yaml", "contexts: [a::Ctx]\n");
  write("a/b/c/file.cc", "int x;\n");
  mkdir("a/b/.factoryguard.yaml");
  // Not skipped for the configuration further up: loading it says what it is.
  std::string Found = findConfigFor(path("a/b/c/file.cc"));
  EXPECT_EQ(Found, path("a/b/.factoryguard.yaml"));
  llvm::Expected<Config> C = loadConfigFile(Found);
  ASSERT_FALSE(static_cast<bool>(C));
  std::string Msg = llvm::toString(C.takeError());
  EXPECT_NE(Msg.find(Found + ": error: "), std::string::npos) << Msg;
  EXPECT_NE(Msg.find("it is a directory, not a regular file"), std::string::npos) << Msg;
}

TEST_F(ConfigFiles, FindConfigForNoneIsEmpty) {
  if (ancestorHasConfig())
    GTEST_SKIP() << "a directory above " << Root.str().str() << " has a "
                 << ConfigFileName;
  write("src/deep/file.cc", "int z;\n");
  EXPECT_EQ(findConfigFor(path("src/deep/file.cc")), "");
  EXPECT_EQ(findConfigFor(path("src")), "");
}

TEST_F(ConfigFiles, FindConfigForFromSeveralThreads) {
  write("proj/.factoryguard.yaml", "contexts: [p::Ctx]\n");
  for (int I = 0; I < 8; ++I)
    write("proj/d" + std::to_string(I) + "/e/f.cc", "int f;\n");
  std::vector<std::string> Results(16);
  std::vector<std::thread> Threads;
  for (size_t T = 0; T < Results.size(); ++T)
    Threads.emplace_back([&, T] {
      Results[T] =
          findConfigFor(path("proj/d" + std::to_string(T % 8) + "/e/f.cc"));
    });
  for (std::thread &T : Threads)
    T.join();
  for (const std::string &R : Results)
    EXPECT_EQ(R, path("proj/.factoryguard.yaml"));
}

//===----------------------------------------------------------------------===//
// Finding helpers
//===----------------------------------------------------------------------===//

TEST(Finding, SeverityNamesRoundTrip) {
  for (Severity S :
       {Severity::Off, Severity::Note, Severity::Warning, Severity::Error}) {
    Severity Parsed = S == Severity::Error ? Severity::Off : Severity::Error;
    ASSERT_TRUE(parseSeverity(severityName(S), Parsed)) << severityName(S);
    EXPECT_EQ(Parsed, S);
  }
  EXPECT_STREQ(severityName(Severity::Warning), "warning");
  Severity Untouched = Severity::Note;
  EXPECT_FALSE(parseSeverity("fatal", Untouched));
  EXPECT_FALSE(parseSeverity("", Untouched));
  EXPECT_EQ(Untouched, Severity::Note);
}

TEST(Finding, OrderIsFileLineColumnRuleMessage) {
  auto Make = [](std::string File, unsigned Line, unsigned Col,
                 std::string Rule, std::string Message) {
    Finding F;
    F.Where.File = std::move(File);
    F.Where.Line = Line;
    F.Where.Column = Col;
    F.RuleId = std::move(Rule);
    F.Message = std::move(Message);
    return F;
  };
  std::vector<Finding> Fs = {
      Make("/b.cc", 1, 1, "r-a", "m"), Make("/a.cc", 10, 1, "r-a", "m"),
      Make("/a.cc", 2, 5, "r-b", "m"), Make("/a.cc", 2, 5, "r-a", "z"),
      Make("/a.cc", 2, 5, "r-a", "a"), Make("/a.cc", 2, 3, "r-z", "m"),
  };
  std::sort(Fs.begin(), Fs.end());
  std::vector<std::string> Order;
  for (const Finding &F : Fs)
    Order.push_back(F.Where.File + ":" + std::to_string(F.Where.Line) + ":" +
                    std::to_string(F.Where.Column) + ":" + F.RuleId + ":" +
                    F.Message);
  EXPECT_EQ(Order,
            (std::vector<std::string>{"/a.cc:2:3:r-z:m", "/a.cc:2:5:r-a:a",
                                      "/a.cc:2:5:r-a:z", "/a.cc:2:5:r-b:m",
                                      "/a.cc:10:1:r-a:m", "/b.cc:1:1:r-a:m"}));
  EXPECT_FALSE(Fs[0] < Fs[0]);
}

TEST(RuleGlobs, OnlyTheStarIsAWildcardAsInClangTidy) {
  EXPECT_TRUE(globMatches("factoryguard-*", "factoryguard-null-context"));
  EXPECT_TRUE(globMatches("*null*", "factoryguard-null-context"));
  EXPECT_TRUE(globMatches("*", ""));
  EXPECT_FALSE(globMatches("factoryguard-null", "factoryguard-null-context"));
  EXPECT_FALSE(globMatches("*-null", "factoryguard-null-context"));
  // GlobPattern's other syntax is literal text here.
  EXPECT_FALSE(
      globMatches("factoryguard-?ull-context", "factoryguard-null-context"));
  EXPECT_FALSE(
      globMatches("factoryguard-[n]ull-context", "factoryguard-null-context"));
  EXPECT_FALSE(globMatches("{factoryguard-null-context,x}",
                           "factoryguard-null-context"));
  EXPECT_TRUE(globMatches("a?[b]{c,d}\\*", "a?[b]{c,d}\\x"));
  EXPECT_FALSE(globMatches("[", "x"));
  EXPECT_TRUE(ruleEnabledByGlobs("-*,factoryguard-null-context",
                                 "factoryguard-null-context"));
  EXPECT_FALSE(ruleEnabledByGlobs("-*,factoryguard-null-context",
                                  "factoryguard-request-scope"));
  EXPECT_FALSE(ruleEnabledByGlobs("factoryguard-*,-factoryguard-null-*",
                                  "factoryguard-null-context"));
  EXPECT_TRUE(ruleEnabledByGlobs(" ", "factoryguard-null-context"));
}

} // namespace

//===- ConfigCliTest.cpp - configuration validation through the real CLI -===//
//
// SPEC §3: RE2 regexes (huge and pathological patterns), entries that match
// nothing (warnings with "did you mean", --strict-config), an out-of-range
// context-param, and --explain-config.
//
//===----------------------------------------------------------------------===//
#include "TestHarness.h"

#include "llvm/Support/FileSystem.h"

using namespace fgtest;

namespace {

const char *SlotUnit = "#include \"netra/netra.h\"\n"
                       "netra::WebSocketManager *g_slot = nullptr;\n";

bool exitedNormally(const RunResult &R) {
  return R.ExitCode >= 0 && R.ExitCode <= 3;
}

TEST(ConfigCli, TypoedEntryWarnsAtItsPositionWithASuggestion) {
  std::string Dir = makeTempDir("cfg-typo");
  writeFile(Dir + "/.factoryguard.yaml",
            "contexts: [netra::UserExecutionContext]\n"
            "managers:\n"
            "  - netra::WebSocketManagr\n"
            "factories: [netra::get_websocket_manager]\n");
  writeFile(Dir + "/a.cpp", SlotUnit);
  RunResult R = runFactoryguard(withFlags({"a.cpp"}), Dir);
  // The typo leaves WebSocketManager unconfigured: no finding, exit 0.
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(R.Err.find(Dir + "/.factoryguard.yaml:3:5: warning: 'managers' "
                             "entry 'netra::WebSocketManagr' matched no "
                             "declaration in the analyzed units; did you mean "
                             "'netra::WebSocketManager'?"),
            std::string::npos)
      << R.Err;
  // Entries that are declared in the unit give no warning, even those the
  // rules never needed (get_websocket_manager is not called here).
  EXPECT_EQ(R.Err.find("UserExecutionContext'"), std::string::npos) << R.Err;
  EXPECT_EQ(R.Err.find("get_websocket_manager"), std::string::npos) << R.Err;

  // --strict-config: the same is an error, exit 2.
  R = runFactoryguard(withFlags({"--strict-config", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_NE(R.Err.find(Dir + "/.factoryguard.yaml:3:5: error: 'managers' "
                             "entry 'netra::WebSocketManagr'"),
            std::string::npos)
      << R.Err;

  // Fixed, the finding is back and nothing is said about the configuration.
  writeFile(Dir + "/.factoryguard.yaml",
            "contexts: [netra::UserExecutionContext]\n"
            "managers: [netra::WebSocketManager]\n");
  R = runFactoryguard(withFlags({"--strict-config", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_EQ(R.Err.find(".factoryguard.yaml"), std::string::npos) << R.Err;
}

TEST(ConfigCli, TypoedFunctionSuggestsAFunctionName) {
  std::string Dir = makeTempDir("cfg-typo-fn");
  writeFile(Dir + "/.factoryguard.yaml",
            "factories: [\"::netra::get_websocket_managers\"]\n"
            "startup: [app::boot]\n");
  writeFile(Dir + "/a.cpp", "#include \"netra/netra.h\"\n"
                            "namespace app { void boot_all(); }\n");
  RunResult R = runFactoryguard(withFlags({"a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(R.Err.find(".factoryguard.yaml:1:13: warning: 'factories' entry "
                       "'::netra::get_websocket_managers' matched no "
                       "declaration in the analyzed units; did you mean "
                       "'netra::get_websocket_manager'?"),
            std::string::npos)
      << R.Err;
  // Too far from anything seen: no suggestion.
  EXPECT_NE(R.Err.find(".factoryguard.yaml:2:11: warning: 'startup' entry "
                       "'app::boot' matched no declaration in the analyzed "
                       "units\n"),
            std::string::npos)
      << R.Err;
}

// context-sources (SPEC §1, §3): a misspelled context source is a warning
// with a suggestion, and the contexts the function makes count as made up
// (factoryguard-fabricated-context); fixed, they do not, nothing is said
// about the configuration, and --explain-config lists the entry with the
// function it matched.
TEST(ConfigCli, TypoedContextSourceWarnsAndTheFixedOneIsASource) {
  std::string Dir = makeTempDir("cfg-source");
  const std::string Head = "contexts: [netra::UserExecutionContext]\n"
                           "factories: [netra::create_websocket_manager]\n";
  writeFile(Dir + "/.factoryguard.yaml",
            Head + "context-sources: [netra::auth::context_from_requests]\n");
  writeFile(Dir + "/a.cpp",
            "#include \"netra/netra.h\"\n"
            "netra::UserExecutionContext\n"
            "netra::auth::context_from_request(const std::string &token) {\n"
            "  netra::UserExecutionContext ctx{token + \"@edge\"};\n"
            "  auto m = netra::create_websocket_manager(&ctx);\n"
            "  return ctx;\n"
            "}\n");
  RunResult R = runFactoryguard(withFlags({"a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Out << R.Err;
  EXPECT_NE(R.Err.find(Dir + "/.factoryguard.yaml:3:19: warning: "
                             "'context-sources' entry "
                             "'netra::auth::context_from_requests' matched no "
                             "declaration in the analyzed units; did you mean "
                             "'netra::auth::context_from_request'?"),
            std::string::npos)
      << R.Err;
  EXPECT_NE(R.Out.find("a.cpp:4:31: warning: made-up UserExecutionContext "
                       "'ctx' reaches 'create_websocket_manager'"),
            std::string::npos)
      << R.Out;

  writeFile(Dir + "/.factoryguard.yaml",
            Head + "context-sources: [netra::auth::context_from_request]\n");
  R = runFactoryguard(withFlags({"--strict-config", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
  EXPECT_EQ(R.Err.find(".factoryguard.yaml"), std::string::npos) << R.Err;
  R = runFactoryguard(withFlags({"--explain-config", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(R.Out.find(":3:19: context-sources "
                       "'netra::auth::context_from_request'\n"
                       "    matched: netra::auth::context_from_request ("),
            std::string::npos)
      << R.Out;
}

// holders (SPEC §2, §3): a misspelled holder template is a warning with a
// suggestion, and leaves the static it would have found unreported; fixed,
// the static is reported and nothing is said about the configuration.
TEST(ConfigCli, TypoedHolderWarnsAndTheFixedOneFindsTheStatic) {
  std::string Dir = makeTempDir("cfg-holder");
  writeFile(Dir + "/.factoryguard.yaml", "managers: [netra::WebSocketManager]\n"
                                         "holders: [netra::RawSlots]\n");
  writeFile(Dir + "/a.cpp", "#include \"netra/netra.h\"\n"
                            "netra::RawSlot<netra::WebSocketManager> g_raw;\n");
  RunResult R = runFactoryguard(withFlags({"a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Out << R.Err;
  EXPECT_NE(R.Err.find(Dir + "/.factoryguard.yaml:2:11: warning: 'holders' "
                             "entry 'netra::RawSlots' matched no declaration "
                             "in the analyzed units; did you mean "
                             "'netra::RawSlot'?"),
            std::string::npos)
      << R.Err;
  writeFile(Dir + "/.factoryguard.yaml", "managers: [netra::WebSocketManager]\n"
                                         "holders: [netra::RawSlot]\n");
  R = runFactoryguard(withFlags({"--strict-config", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 1) << R.Err;
  EXPECT_NE(R.Out.find("'g_raw' has static storage duration and holds "
                       "request-scoped 'netra::WebSocketManager'"),
            std::string::npos)
      << R.Out;
  EXPECT_EQ(R.Err.find(".factoryguard.yaml"), std::string::npos) << R.Err;
  // A holder entry is matched by name even where no static uses it, and
  // the match survives in the cache: a warm run says nothing either.
  writeFile(Dir + "/b.cpp", "#include \"netra/netra.h\"\n");
  writeTestdataDatabase(Dir, {"b.cpp"});
  for (const char *Run : {"cold", "warm"}) {
    R = runFactoryguard({"-p", "build", "--strict-config", "--cache-stats"},
                        Dir);
    EXPECT_EQ(R.ExitCode, 0) << Run << "\n" << R.Err;
    EXPECT_EQ(R.Err.find(".factoryguard.yaml"), std::string::npos)
        << Run << "\n"
        << R.Err;
  }
  EXPECT_NE(R.Err.find(": 1 hits, 0 misses"), std::string::npos) << R.Err;
  R = runFactoryguard(withFlags({"--explain-config", Dir + "/a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(R.Out.find(":2:11: holders 'netra::RawSlot'\n"
                       "    matched: netra::RawSlot (" FG_TESTDATA
                       "/include/netra/netra.h:"),
            std::string::npos)
      << R.Out;
}

TEST(ConfigCli, EntryMatchedOnlyInTheSecondUnitIsFine) {
  std::string Dir = makeTempDir("cfg-two-units");
  writeFile(Dir + "/.factoryguard.yaml",
            "contexts: [app::Ctx]\n"
            "managers: [\"regex:app::.*Manager\"]\n"
            "factories: [app::make]\n");
  writeFile(Dir + "/a.cpp", "int plain = 0;\n");
  writeFile(Dir + "/b.cpp", "namespace app {\n"
                            "struct Ctx {};\n"
                            "struct SessionManager {};\n"
                            "SessionManager *make(Ctx *ctx);\n"
                            "SessionManager *g_session = nullptr;\n"
                            "}\n");
  // Alone, a.cpp matches none of them: the check can fail.
  RunResult R = runFactoryguard(withFlags({"a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(R.Err.find(".factoryguard.yaml:1:12: warning: 'contexts'"),
            std::string::npos)
      << R.Err;
  EXPECT_NE(R.Err.find(".factoryguard.yaml:2:12: warning: 'managers' entry "
                       "'regex:app::.*Manager'"),
            std::string::npos)
      << R.Err;
  EXPECT_NE(R.Err.find(".factoryguard.yaml:3:13: warning: 'factories'"),
            std::string::npos)
      << R.Err;
  for (const char *J : {"-j1", "-j2"}) {
    R = runFactoryguard(withFlags({J, "--strict-config", "a.cpp", "b.cpp"}),
                        Dir);
    EXPECT_EQ(R.ExitCode, 1) << J << "\n" << R.Err; // g_session
    EXPECT_EQ(R.Err.find(".factoryguard.yaml"), std::string::npos)
        << J << "\n" << R.Err;
  }
}

TEST(ConfigCli, RegexEntriesMatchDeclarationsInTheScopeTheyName) {
  std::string Dir = makeTempDir("cfg-regex-scope");
  writeFile(Dir + "/.factoryguard.yaml",
            "managers: [\"regex:netra::.*Bridge\"]\n"
            "startup: [\"regex:netra::boot::.*\", \"regex:netra::nothing_.*\"]\n");
  // Declared, never used by anything the rules look at.
  writeFile(Dir + "/a.cpp", "#include \"netra/netra.h\"\n"
                            "namespace netra { namespace boot {\n"
                            "void init_all();\n"
                            "} }\n");
  RunResult R = runFactoryguard(withFlags({"a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_EQ(R.Err.find("Bridge"), std::string::npos) << R.Err;
  EXPECT_EQ(R.Err.find("boot"), std::string::npos) << R.Err;
  EXPECT_NE(R.Err.find(".factoryguard.yaml:2:36: warning: 'startup' entry "
                       "'regex:netra::nothing_.*' matched no declaration"),
            std::string::npos)
      << R.Err;
  R = runFactoryguard(withFlags({"--explain-config", "a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(R.Out.find("    matched: netra::AgentBridge (" FG_TESTDATA
                       "/include/netra/netra.h:29)\n"),
            std::string::npos)
      << R.Out;
  EXPECT_NE(R.Out.find("    matched: netra::boot::init_all (" + Dir +
                       "/a.cpp:3)\n"),
            std::string::npos)
      << R.Out;
}

TEST(ConfigCli, OutOfRangeContextParamIsAnError) {
  std::string Dir = makeTempDir("cfg-param");
  writeFile(Dir + "/.factoryguard.yaml",
            "contexts: [netra::UserExecutionContext]\n"
            "factories:\n"
            "  - name: netra::get_websocket_manager\n"
            "    context-param: 3\n"
            "  - name: netra::make_bridge\n"
            "    context-param: 0\n");
  writeFile(Dir + "/a.cpp",
            "#include \"netra/netra.h\"\n"
            "void handler(const netra::UserExecutionContext *ctx) {\n"
            "  netra::get_websocket_manager(ctx);\n"
            "}\n");
  RunResult R = runFactoryguard(withFlags({"a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Out << R.Err;
  EXPECT_NE(R.Err.find(Dir + "/.factoryguard.yaml:4:20: error: "
                             "'context-param' 3 is out of range for "
                             "'netra::get_websocket_manager' ("),
            std::string::npos)
      << R.Err;
  EXPECT_NE(R.Err.find("which has 1 parameter (the index is zero-based)"),
            std::string::npos)
      << R.Err;
  // The valid entry is not mentioned.
  EXPECT_EQ(R.Err.find("make_bridge"), std::string::npos) << R.Err;
  // Also when the factory is only declared, never called.
  writeFile(Dir + "/a.cpp", "#include \"netra/netra.h\"\n");
  R = runFactoryguard(withFlags({"a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_NE(R.Err.find(".factoryguard.yaml:4:20: error: 'context-param' 3"),
            std::string::npos)
      << R.Err;
}

TEST(ConfigCli, FactorySetupEntriesAreValidated) {
  std::string Dir = makeTempDir("cfg-setup");
  writeFile(Dir + "/.factoryguard.yaml",
            "contexts: [netra::UserExecutionContext]\n"
            "factory-setup:\n"
            "  - class: netra::WebSocketBrigeFactory\n"
            "    setup: [configure]\n"
            "  - class: netra::LazyBridgeFactory\n"
            "    setup: [configur]\n"
            "  - class: netra::WebSocketBridgeFactory\n"
            "    setup: [configure]\n"
            "    required-args: [0, 2]\n");
  writeFile(Dir + "/a.cpp", "#include \"netra/netra.h\"\n");
  RunResult R = runFactoryguard(withFlags({"a.cpp"}), Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Out << R.Err;
  std::string Cfg = Dir + "/.factoryguard.yaml";
  EXPECT_NE(R.Err.find(Cfg + ":3:12: warning: 'factory-setup' entry "
                             "'netra::WebSocketBrigeFactory' matched no "
                             "declaration in the analyzed units; did you mean "
                             "'netra::WebSocketBridgeFactory'?"),
            std::string::npos)
      << R.Err;
  EXPECT_NE(R.Err.find(Cfg + ":6:13: warning: 'setup' method 'configur' "
                             "matched no method of 'netra::LazyBridgeFactory' "
                             "in the analyzed units; did you mean "
                             "'configure'?"),
            std::string::npos)
      << R.Err;
  EXPECT_NE(R.Err.find(Cfg + ":9:24: error: 'required-args' 2 is out of "
                             "range for the setup methods of "
                             "'netra::WebSocketBridgeFactory' ("),
            std::string::npos)
      << R.Err;
  EXPECT_NE(R.Err.find("which have at most 2 parameters (the index is "
                       "zero-based)"),
            std::string::npos)
      << R.Err;
  // Index 0 is fine, and the error holds from the cache too.
  EXPECT_EQ(R.Err.find("'required-args' 0"), std::string::npos) << R.Err;
  RunResult Again = runFactoryguard(withFlags({"a.cpp"}), Dir);
  EXPECT_EQ(Again.ExitCode, 2);
  EXPECT_EQ(Again.Err, R.Err);
}

TEST(ConfigCli, BuiltInEmptyConfigurationIsNotValidated) {
  std::string Dir = makeTempDir("cfg-none");
  writeFile(Dir + "/a.cpp", "int plain = 0;\n");
  RunResult R = runFactoryguard(withFlags({"--strict-config", "a.cpp"}), Dir);
  if (!llvm::sys::fs::exists("/tmp/.factoryguard.yaml") &&
      !llvm::sys::fs::exists("/.factoryguard.yaml")) {
    EXPECT_EQ(R.ExitCode, 0) << R.Err;
    EXPECT_TRUE(R.Err.empty()) << R.Err;
  }
}

TEST(ConfigCli, ExplainConfigShowsEntriesMatchesAndAnnotations) {
  std::string File = FG_TESTDATA "/rules/factoryguard-static-singleton.cpp";
  std::string Cfg = FG_TESTDATA "/rules/.factoryguard.yaml";
  RunResult R = runFactoryguard(withFlags({"--explain-config", File}));
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(R.Out.find("configuration for " + File + "\n"), std::string::npos)
      << R.Out;
  EXPECT_NE(R.Out.find("file: " + Cfg + " (the nearest above the file)\n"),
            std::string::npos)
      << R.Out;
  EXPECT_NE(R.Out.find("  " + Cfg +
                       ":2:12: contexts 'netra::UserExecutionContext'\n"
                       "    matched: netra::UserExecutionContext (" +
                       FG_TESTDATA "/include/netra/netra.h:9)\n"),
            std::string::npos)
      << R.Out;
  EXPECT_NE(R.Out.find("  " + Cfg +
                       ":3:12: managers 'netra::WebSocketManager'\n"
                       "    matched: netra::WebSocketManager (" +
                       FG_TESTDATA "/include/netra/netra.h:13)\n"),
            std::string::npos)
      << R.Out;
  EXPECT_NE(R.Out.find(Cfg + ":10:11: factories "
                             "'netra::WebSocketBridgeFactory::create_user_"
                             "emitter' (context-param 1)\n"),
            std::string::npos)
      << R.Out;
  EXPECT_NE(R.Out.find("annotations in this unit:\n"), std::string::npos)
      << R.Out;
  // No findings are reported in this mode.
  EXPECT_EQ(R.Out.find("warning:"), std::string::npos) << R.Out;

  // Annotations, and no configuration file; --config names its file.
  std::string Annotated = FG_TESTDATA "/annotations-only/annotated.cpp";
  std::string Dir = makeTempDir("cfg-explain");
  R = runFactoryguard(withFlags({"--explain-config", Annotated}), Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(R.Out.find("file: none (no .factoryguard.yaml above the file; "
                       "the built-in empty configuration)\n"),
            std::string::npos)
      << R.Out;
  EXPECT_NE(R.Out.find("  " + Annotated +
                       ":8: factoryguard::context on chat::RequestContext\n"),
            std::string::npos)
      << R.Out;
  EXPECT_NE(R.Out.find(Annotated + ":10: factoryguard::manager on "
                                   "chat::RawSpelledManager\n"),
            std::string::npos)
      << R.Out;
  writeFile(Dir + "/my.yaml", "managers: [no::Such]\n");
  R = runFactoryguard(
      withFlags({"--config", Dir + "/my.yaml", "--explain-config", Annotated}),
      Dir);
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(R.Out.find("file: " + Dir + "/my.yaml (given with --config)\n"),
            std::string::npos)
      << R.Out;
  EXPECT_NE(R.Out.find("  " + Dir +
                       "/my.yaml:1:12: managers 'no::Such'\n"
                       "    matched: nothing in this unit\n"),
            std::string::npos)
      << R.Out;

  // A configuration error is exit 2.
  writeFile(Dir + "/bad.yaml", "managers: [\"regex:(\"]\n");
  R = runFactoryguard(
      withFlags({"--config", Dir + "/bad.yaml", "--explain-config", Annotated}),
      Dir);
  EXPECT_EQ(R.ExitCode, 2) << R.Err;
  EXPECT_NE(R.Err.find(Dir + "/bad.yaml:1:12: error: invalid regex '('"),
            std::string::npos)
      << R.Err;
  // Other files with it are a usage error.
  EXPECT_EQ(runFactoryguard(withFlags({"--explain-config", Annotated, "x.cpp"}),
                            Dir)
                .ExitCode,
            2);
}

// RE2: patterns that crashed or hung std::regex are an error or work.
TEST(ConfigCli, HugeRegexesAreAnErrorOrWorkNeverACrash) {
  std::string Dir = makeTempDir("cfg-huge");
  writeFile(Dir + "/a.cpp", SlotUnit);
  std::string Long(100000, 'a');
  std::string Groups, Nested;
  for (int I = 0; I < 20000; ++I)
    Groups += "(a)";
  Nested = std::string(20000, '(') + "a" + std::string(20000, ')');
  for (const std::string &Pattern : {Long, Groups, Nested}) {
    writeFile(Dir + "/.factoryguard.yaml",
              "managers: [netra::WebSocketManager, \"regex:" + Pattern +
                  "\"]\n");
    RunResult R = runFactoryguard(withFlags({"a.cpp"}), Dir);
    ASSERT_TRUE(exitedNormally(R)) << R.ExitCode << "\n" << R.Err.substr(0, 2000);
    if (R.ExitCode == 2) {
      EXPECT_NE(R.Err.find(Dir + "/.factoryguard.yaml:1:37: error: invalid "
                                 "regex '"),
                std::string::npos)
          << R.Err.substr(0, 2000);
      EXPECT_LT(R.Err.size(), 1000u) << "the pattern is clipped";
    } else {
      EXPECT_EQ(R.ExitCode, 1) << R.Err.substr(0, 2000);
      // It matches nothing: the warning quotes it clipped.
      EXPECT_NE(R.Err.find(Dir + "/.factoryguard.yaml:1:37: warning: "),
                std::string::npos)
          << R.Err.substr(0, 2000);
      EXPECT_LT(R.Err.size(), 1000u) << R.Err.substr(0, 2000);
    }
  }
}

TEST(ConfigCli, NestedQuantifierOnAHundredThousandCharacterNameIsLinear) {
  std::string Dir = makeTempDir("cfg-redos");
  std::string Name(100000, 'a');
  // The class name ends in 'b': "(a+)+$" fails only after trying every way
  // to split the a's, which a backtracking engine never finishes.
  writeFile(Dir + "/a.cpp", "namespace big { struct " + Name + "b {}; }\n" +
                                "big::" + Name + "b *g_big = nullptr;\n");
  writeFile(Dir + "/.factoryguard.yaml",
            "managers: [\"regex:big::(a+)+$\", \"regex:big::(a+)+b\"]\n");
  RunResult R = runFactoryguard(withFlags({"a.cpp"}), Dir);
  // The second pattern matches: g_big holds a manager.
  EXPECT_EQ(R.ExitCode, 1) << R.Err.substr(0, 2000);
  EXPECT_NE(R.Out.find("a.cpp:2:"), std::string::npos) << R.Out.substr(0, 500);
  // The first matches nothing, and says so.
  EXPECT_NE(R.Err.find(".factoryguard.yaml:1:12: warning: 'managers' entry "
                       "'regex:big::(a+)+$' matched no declaration"),
            std::string::npos)
      << R.Err.substr(0, 2000);
}

} // namespace

//===- AuditTest.cpp - factoryguard audit: HTML in Chromium, JSON in ajv --===//
//
// Runs the real `factoryguard audit` on copies of the example project
// (testdata/example), loads the HTML report in real headless Chromium (a
// screenshot must be written and not blank; the DOM after the script ran,
// and with JavaScript off, must show the summary figure, one row per
// directory and the cross-file chain), checks the file references nothing
// outside itself, validates the JSON against docs/audit-schema.json with
// ajv, compares its counts with the CLI's own findings, and checks
// --compare across a fix and its bad inputs.
//
//===----------------------------------------------------------------------===//
#include "SarifValidate.h"
#include "TestHarness.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Compression.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>

using namespace fgtest;
using nlohmann::json;

namespace {

const char *Chromium = "/usr/bin/chromium";

RunResult audit(const std::string &Dir, std::vector<std::string> Args) {
  std::vector<std::string> All = {"audit", "-p", "build", "--source-root", Dir};
  All.insert(All.end(), Args.begin(), Args.end());
  return runFactoryguard(All, Dir);
}

json readJson(const std::string &Path) {
  return json::parse(readFile(Path), nullptr, /*allow_exceptions=*/false);
}

/// ajv's verdict on Data against docs/audit-schema.json: "" when valid.
std::string schemaProblems(const std::string &Data) {
  namespace T = factoryguard::test;
  std::string Ajv = T::ajvCliPath();
  if (!llvm::sys::fs::exists(Ajv))
    return "ajv-cli not found at " + Ajv + " (run ci/install.sh)";
  T::TempDir Work;
  std::string Console = Work.file("console.txt");
  int Rc = T::runProgram({"node", Ajv, "validate", "--spec=draft2020",
                          "--strict=false", "--all-errors", "--errors=text",
                          "-c", T::sarifToolsDir() + "/ajv-formats", "-s",
                          FG_SOURCE_DIR "/docs/audit-schema.json", "-d", Data},
                         Console);
  std::string Out = T::readText(Console);
  if (Rc == 0 && Out.find(" valid") != std::string::npos &&
      Out.find("invalid") == std::string::npos)
    return "";
  return "ajv (exit " + std::to_string(Rc) + "): " + Out;
}

RunResult chromium(const std::vector<std::string> &Args,
                   const std::string &Html) {
  std::vector<std::string> All = {"--headless", "--no-sandbox", "--disable-gpu",
                                  "--user-data-dir=" +
                                      makeTempDir("chromium-profile")};
  All.insert(All.end(), Args.begin(), Args.end());
  All.push_back("file://" + Html);
  return runProgram(Chromium, All);
}

struct Png {
  unsigned Width = 0, Height = 0;
  std::vector<uint32_t> Pixels; // 0xRRGGBB
  std::string Error;
};

uint32_t be32(const std::string &S, size_t At) {
  return (uint32_t(uint8_t(S[At])) << 24) |
         (uint32_t(uint8_t(S[At + 1])) << 16) |
         (uint32_t(uint8_t(S[At + 2])) << 8) | uint32_t(uint8_t(S[At + 3]));
}

/// Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes).
Png decodePng(const std::string &Bytes) {
  Png P;
  if (Bytes.size() < 8 || Bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
    P.Error = "not a PNG";
    return P;
  }
  std::string Idat;
  unsigned Depth = 0, Type = 0, Interlace = 0;
  for (size_t At = 8; At + 12 <= Bytes.size();) {
    uint32_t Len = be32(Bytes, At);
    std::string Kind = Bytes.substr(At + 4, 4);
    if (At + 12 + Len > Bytes.size())
      break;
    if (Kind == "IHDR") {
      P.Width = be32(Bytes, At + 8);
      P.Height = be32(Bytes, At + 12);
      Depth = uint8_t(Bytes[At + 16]);
      Type = uint8_t(Bytes[At + 17]);
      Interlace = uint8_t(Bytes[At + 20]);
    } else if (Kind == "IDAT") {
      Idat += Bytes.substr(At + 8, Len);
    }
    At += 12 + Len;
  }
  unsigned Bpp = Type == 6 ? 4 : Type == 2 ? 3 : 0;
  if (!P.Width || !P.Height || Depth != 8 || !Bpp || Interlace) {
    P.Error = "unsupported PNG (depth " + std::to_string(Depth) + ", type " +
              std::to_string(Type) + ")";
    return P;
  }
  size_t Stride = size_t(P.Width) * Bpp;
  llvm::SmallVector<uint8_t, 0> Raw;
  if (llvm::Error E = llvm::compression::zlib::decompress(
          llvm::arrayRefFromStringRef(Idat), Raw, (Stride + 1) * P.Height)) {
    P.Error = llvm::toString(std::move(E));
    return P;
  }
  std::vector<uint8_t> Prev(Stride, 0), Cur(Stride);
  for (unsigned Y = 0; Y < P.Height; ++Y) {
    const uint8_t *Row = Raw.data() + Y * (Stride + 1);
    uint8_t Filter = Row[0];
    for (size_t X = 0; X < Stride; ++X) {
      int A = X >= Bpp ? Cur[X - Bpp] : 0, B = Prev[X],
          C = X >= Bpp ? Prev[X - Bpp] : 0;
      int V = Row[1 + X];
      switch (Filter) {
      case 1:
        V += A;
        break;
      case 2:
        V += B;
        break;
      case 3:
        V += (A + B) / 2;
        break;
      case 4: {
        int Pa = std::abs(B - C), Pb = std::abs(A - C),
            Pc = std::abs(A + B - 2 * C);
        V += (Pa <= Pb && Pa <= Pc) ? A : Pb <= Pc ? B : C;
        break;
      }
      default:
        break;
      }
      Cur[X] = uint8_t(V);
    }
    for (unsigned X = 0; X < P.Width; ++X)
      P.Pixels.push_back((uint32_t(Cur[X * Bpp]) << 16) |
                         (uint32_t(Cur[X * Bpp + 1]) << 8) | Cur[X * Bpp + 2]);
    std::swap(Prev, Cur);
  }
  return P;
}

unsigned countOf(const std::string &Text, const std::string &Needle) {
  unsigned N = 0;
  for (size_t At = Text.find(Needle); At != std::string::npos;
       At = Text.find(Needle, At + 1))
    ++N;
  return N;
}

/// The data-dir attributes of the directory table's rows, in order.
std::vector<std::string> directoryRows(const std::string &Dom) {
  std::vector<std::string> Rows;
  size_t Table = Dom.find("<table id=\"directories\"");
  size_t End = Dom.find("</table>", Table);
  std::regex Row("<tr data-dir=\"([^\"]*)\"");
  std::string Part =
      Table == std::string::npos ? "" : Dom.substr(Table, End - Table);
  for (std::sregex_iterator It(Part.begin(), Part.end(), Row), E; It != E; ++It)
    Rows.push_back((*It)[1]);
  return Rows;
}

/// The chain steps (their "file:line:col" labels) drawn for the finding at
/// Where, in drawing order.
std::vector<std::string> chainOf(const std::string &Dom,
                                 const std::string &Where) {
  size_t Head = Dom.find("<span class=\"mono\">" + Where + "</span>");
  if (Head == std::string::npos)
    return {};
  size_t End = Dom.find("</article>", Head);
  std::string Part = Dom.substr(Head, End - Head);
  std::vector<std::string> Steps;
  std::regex Loc("<text class=\"loc\"[^>]*>([^<]*)</text>");
  for (std::sregex_iterator It(Part.begin(), Part.end(), Loc), E; It != E; ++It)
    Steps.push_back((*It)[1]);
  if (Part.find("<svg class=\"chain\"") == std::string::npos ||
      Part.find("<path class=\"chain-path\" d=\"M 14 18") == std::string::npos)
    return {};
  return Steps;
}

const std::vector<std::string> CrossFileChain = {
    "src/main.cpp:3:5", "src/main.cpp:9:3", "src/boot.cpp:8:25",
    "src/agent_service.cpp:9:25"};

TEST(Audit, ExampleReportRendersInChromiumWithoutNetworkOrScript) {
  ASSERT_TRUE(llvm::sys::fs::can_execute(Chromium))
      << Chromium << " missing: run ci/install.sh";
  std::string Dir = makeExample("audit-html");
  RunResult R = audit(Dir, {"-o", "report.html", "--json", "audit.json"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(
      R.Err.find("factoryguard audit: 5 of 8 call sites compliant, 2 static(s) "
                 "holding a manager, 2 factory object(s) (1 never set up), 8 "
                 "open finding(s)"),
      std::string::npos)
      << R.Err;
  std::string Html = Dir + "/report.html", Text = readFile(Html);
  ASSERT_FALSE(Text.empty());

  // Self-contained: no URL of any scheme, no protocol-relative reference,
  // no external script, style sheet or image, and a policy that forbids
  // every fetch.
  for (const char *Bad : {"http://", "https://", "\"//", "'//", "(//", "<link",
                          "src=", "@import"})
    EXPECT_EQ(Text.find(Bad), std::string::npos)
        << "'" << Bad << "' in " << Html;
  EXPECT_NE(Text.find("Content-Security-Policy\" content=\"default-src 'none'"),
            std::string::npos);

  // A screenshot is written and shows something.
  std::string Shot = Dir + "/report.png";
  RunResult S =
      chromium({"--screenshot=" + Shot, "--window-size=1280,1400"}, Html);
  ASSERT_TRUE(llvm::sys::fs::exists(Shot)) << S.Out << S.Err;
  Png P = decodePng(readFile(Shot));
  ASSERT_TRUE(P.Error.empty()) << P.Error;
  EXPECT_EQ(P.Width, 1280u);
  uint32_t Background = P.Pixels.front();
  size_t Inked = 0;
  std::set<uint32_t> Colors;
  for (uint32_t Px : P.Pixels) {
    Inked += Px != Background;
    if (Colors.size() < 64)
      Colors.insert(Px);
  }
  EXPECT_GT(Inked, P.Pixels.size() / 100) << "screenshot nearly blank";
  EXPECT_GE(Colors.size(), 8u) << "screenshot has almost no colors";

  // The DOM once the script ran: the figure, one row per directory, the
  // cross-file chain from main, root first.
  RunResult D = chromium({"--dump-dom"}, Html);
  ASSERT_EQ(D.ExitCode, 0) << D.Err;
  const std::string &Dom = D.Out;
  EXPECT_NE(Dom.find("data-sortable=\"yes\""), std::string::npos)
      << "script did not run";
  EXPECT_NE(
      Dom.find(
          "<p id=\"compliance\" class=\"figure\"><strong>5 of 8</strong> call "
          "sites compliant"),
      std::string::npos)
      << Dom;
  json A = readJson(Dir + "/audit.json");
  std::vector<std::string> Expected;
  for (const json &Dir2 : A["directories"])
    Expected.push_back(Dir2["path"]);
  EXPECT_EQ(Expected, std::vector<std::string>({"src"}));
  EXPECT_EQ(directoryRows(Dom), Expected);
  EXPECT_EQ(chainOf(Dom, "src/agent_service.cpp:9:25"), CrossFileChain) << Dom;
  EXPECT_EQ(countOf(Dom, "<tr class=\"compliant\">"), 5u);
  EXPECT_EQ(countOf(Dom, "<article class=\"finding"), 8u);

  // Without JavaScript: the file as written is the page before any script
  // runs (Chromium's --dump-dom needs script, so the file itself is read):
  // the same summary, tables and chain.
  EXPECT_EQ(Text.find("data-sortable=\"yes\""), std::string::npos);
  EXPECT_NE(Text.find("<strong>5 of 8</strong> call sites compliant"),
            std::string::npos);
  EXPECT_EQ(directoryRows(Text), Expected);
  EXPECT_EQ(chainOf(Text, "src/agent_service.cpp:9:25"), CrossFileChain);
}

TEST(Audit, JsonIsSchemaValidAndCountsEqualTheCli) {
  std::string Dir = makeExample("audit-json");
  RunResult R = audit(Dir, {"--json", "audit.json"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_TRUE(R.Out.empty()) << "only --json: no HTML on standard output";
  std::string Path = Dir + "/audit.json";
  EXPECT_EQ(schemaProblems(Path), "");
  json A = readJson(Path);
  ASSERT_TRUE(A.is_object());

  // The CLI on the same project: every warning is an open finding of the
  // audit, and nothing else is.
  RunResult Cli = runFactoryguard({"-p", "build"}, Dir);
  ASSERT_EQ(Cli.ExitCode, 1) << Cli.Err;
  std::multiset<std::string> FromCli, FromAudit;
  for (const Diag &D : parseTextOutput(Cli.Out))
    if (D.Level == "warning")
      FromCli.insert(D.File + ":" + std::to_string(D.Line) + ":" +
                     std::to_string(D.Col) + " " + D.Rule);
  for (const json &F : A["findings"])
    if (!F["suppressed"].get<bool>())
      FromAudit.insert(F["file"].get<std::string>() + ":" +
                       std::to_string(F["line"].get<unsigned>()) + ":" +
                       std::to_string(F["column"].get<unsigned>()) + " " +
                       F["rule"].get<std::string>());
  EXPECT_EQ(FromAudit, FromCli) << Cli.Out;
  const json &S = A["summary"];
  EXPECT_EQ(S["openFindings"], FromCli.size());
  EXPECT_EQ(S["callSites"], 8);
  EXPECT_EQ(S["compliantCallSites"], 5);
  EXPECT_EQ(S["callSitesWithOpenFindings"], 3);
  EXPECT_EQ(S["staticsHoldingManager"], 2);
  // factoryguard-fabricated-context: the compatibility wrapper's static
  // "system" context; nothing made up reaches a factory in a function.
  EXPECT_EQ(S["staticContexts"], 1);
  EXPECT_EQ(S["madeUpContexts"], 0);
  unsigned ByRule = 0;
  for (const auto &[Rule, N] : S["openFindingsByRule"].items())
    ByRule += N.get<unsigned>();
  EXPECT_EQ(ByRule, FromCli.size());

  // The compliant call sites are the per-request ones in on_chat_message,
  // the factory-method calls on the emitter factories (with a context), and
  // the compatibility wrapper's call: its finding is at the static "system"
  // context's definition, not inside the call, and a call site is compliant
  // when no finding lies inside it (docs/audit.md).
  std::vector<std::string> Compliant;
  for (const json &C : A["callSites"])
    if (C["status"] == "compliant")
      Compliant.push_back(C["file"].get<std::string>() + ":" +
                          std::to_string(C["line"].get<unsigned>()) + " " +
                          C["factory"].get<std::string>() + " in " +
                          C["in"].get<std::string>());
  EXPECT_EQ(Compliant, std::vector<std::string>(
                           {"src/handlers.cpp:12 chat::create_agent_bridge in "
                            "chat::on_chat_message",
                            "src/handlers.cpp:13 chat::get_websocket_manager "
                            "in chat::on_chat_message",
                            "src/handlers.cpp:22 "
                            "chat::EmitterFactory::create_user_emitter in "
                            "chat::on_typing",
                            "src/handlers.cpp:34 "
                            "chat::EmitterFactory::create_user_emitter in "
                            "chat::on_agent_reply",
                            "src/registry.cpp:30 chat::get_websocket_manager "
                            "in chat::compat_websocket_manager"}));
  // Each open call site carries its findings; totals per directory and
  // module add up to the summary.
  for (const json &C : A["callSites"])
    EXPECT_EQ(C["status"] == "compliant", C["findings"].empty()) << C.dump();
  unsigned DirOpen = 0, ModOpen = 0;
  for (const json &D : A["directories"])
    DirOpen += D["openFindings"].get<unsigned>();
  for (const json &M : A["modules"])
    ModOpen += M["openFindings"].get<unsigned>();
  EXPECT_EQ(DirOpen, FromCli.size());
  EXPECT_EQ(ModOpen, FromCli.size());

  // The schema is not vacuous: a wrong status and a missing count fail it.
  json Bad = A;
  Bad["callSites"][0]["status"] = "fine";
  Bad["summary"].erase("callSites");
  writeFile(Dir + "/bad.json", Bad.dump());
  EXPECT_NE(schemaProblems(Dir + "/bad.json"), "");
}

TEST(Audit, CompareShowsWhatWasFixedAndWhatIsNew) {
  ASSERT_TRUE(llvm::sys::fs::can_execute(Chromium))
      << Chromium << " missing: run ci/install.sh";
  std::string Dir = makeExample(
      "audit-compare",
      {{"tools/warmup.cpp",
        "#include \"chat/service.h\"\n"
        "namespace tools {\n"
        "void warm_up() { auto m = chat::get_websocket_manager(); }\n"
        "}\n"}});
  // The earlier audit has no tools/ yet: move the file away for it.
  llvm::sys::fs::rename(Dir + "/tools/warmup.cpp", Dir + "/warmup.cpp.later");
  writeFile(Dir + "/tools/warmup.cpp", "\n");
  RunResult Before = audit(Dir, {"--json", "before.json"});
  ASSERT_EQ(Before.ExitCode, 0) << Before.Err;

  // Fix on_typing (pass the context), add the warm-up tool.
  std::string Handlers = readFile(Dir + "/src/handlers.cpp");
  size_t At = Handlers.find("auto manager = get_websocket_manager();");
  ASSERT_NE(At, std::string::npos);
  Handlers.replace(At, 39, "auto manager = get_websocket_manager(&ctx);");
  writeFile(Dir + "/src/handlers.cpp", Handlers);
  llvm::sys::fs::rename(Dir + "/warmup.cpp.later", Dir + "/tools/warmup.cpp");

  RunResult After = audit(Dir, {"--compare", "before.json", "--json",
                                "after.json", "-o", "after.html"});
  ASSERT_EQ(After.ExitCode, 0) << After.Err;
  EXPECT_NE(After.Err.find("since the previous audit: 1 fixed, 2 new"),
            std::string::npos)
      << After.Err;
  EXPECT_EQ(schemaProblems(Dir + "/after.json"), "");
  json A = readJson(Dir + "/after.json");
  const json &C = A["comparison"];
  ASSERT_EQ(C["fixed"].size(), 1u) << C.dump(2);
  EXPECT_EQ(C["fixed"][0]["rule"], "factoryguard-null-context");
  EXPECT_EQ(C["fixed"][0]["file"], "src/handlers.cpp");
  EXPECT_EQ(C["fixed"][0]["line"], 19);
  EXPECT_EQ(C["previousSummary"]["compliantCallSites"], 5);
  EXPECT_EQ(A["summary"]["compliantCallSites"], 6);
  std::set<std::string> NewFiles;
  for (const json &P : C["new"])
    for (const json &F : A["findings"])
      if (F["fingerprint"] == P)
        NewFiles.insert(F["file"].get<std::string>() + " " +
                        F["rule"].get<std::string>());
  EXPECT_EQ(NewFiles, std::set<std::string>(
                          {"tools/warmup.cpp factoryguard-null-context",
                           "tools/warmup.cpp factoryguard-request-scope"}))
      << C.dump(2);

  // Two directories now, each its own module; the page shows both and the
  // comparison.
  RunResult D = chromium({"--dump-dom"}, Dir + "/after.html");
  ASSERT_EQ(D.ExitCode, 0) << D.Err;
  std::vector<std::string> Rows = directoryRows(D.Out);
  std::sort(Rows.begin(), Rows.end());
  EXPECT_EQ(Rows, std::vector<std::string>({"src", "tools"}));
  EXPECT_EQ(A["modules"].size(), 2u);
  EXPECT_EQ(countOf(D.Out, "<g class=\"module\""), 2u);
  EXPECT_NE(D.Out.find("<h3 id=\"fixed-heading\">Fixed (1)</h3>"),
            std::string::npos);
  EXPECT_NE(D.Out.find("data-fingerprint=\"" +
                       C["fixed"][0]["fingerprint"].get<std::string>()),
            std::string::npos);
  EXPECT_NE(D.Out.find("<strong>6 of 9</strong> call sites compliant"),
            std::string::npos);
}

/// "file:line:col method" of each call in an object's setupCalls or
/// factoryCalls.
std::vector<std::string> callsOf(const json &Calls) {
  std::vector<std::string> Out;
  for (const json &C : Calls)
    Out.push_back(C["file"].get<std::string>() + ":" +
                  std::to_string(C["line"].get<unsigned>()) + ":" +
                  std::to_string(C["column"].get<unsigned>()) + " " +
                  C["method"].get<std::string>());
  return Out;
}

TEST(Audit, ListsEveryStaticFactoryObjectWithItsCallsAndStatus) {
  // The example's two emitter factories (one set up in boot::start_services,
  // one never), plus one nothing calls and one set up with a null pool.
  std::string Dir = makeExample(
      "audit-objects", {{"tools/spare.cpp",
                         "#include \"chat/service.h\"\n"
                         "namespace tools {\n"
                         "chat::EmitterFactory g_spare;\n"
                         "static chat::EmitterFactory g_broken;\n"
                         "void boot_tools() { g_broken.configure(nullptr); }\n"
                         "}\n"}});
  RunResult R = audit(Dir, {"--json", "audit.json", "-o", "report.html"});
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
  EXPECT_NE(R.Err.find("4 factory object(s) (1 never set up)"),
            std::string::npos)
      << R.Err;
  EXPECT_EQ(schemaProblems(Dir + "/audit.json"), "");
  json A = readJson(Dir + "/audit.json");
  ASSERT_TRUE(A.is_object());
  ASSERT_EQ(A["version"], 2);
  const json &Objects = A["factoryObjects"];
  ASSERT_EQ(Objects.size(), 4u) << Objects.dump(2);

  std::map<std::string, const json *> ByName;
  for (const json &O : Objects)
    ByName[O["name"].get<std::string>()] = &O;
  ASSERT_EQ(ByName.size(), 4u);
  const json &Agent = *ByName["chat::g_agent_events"];
  EXPECT_EQ(Agent["file"], "src/registry.cpp");
  EXPECT_EQ(Agent["line"], 19);
  EXPECT_EQ(Agent["class"], "chat::EmitterFactory");
  EXPECT_EQ(Agent["status"], "set-up");
  EXPECT_EQ(callsOf(Agent["setupCalls"]),
            std::vector<std::string>({"src/boot.cpp:13:3 configure"}));
  EXPECT_EQ(
      callsOf(Agent["factoryCalls"]),
      std::vector<std::string>({"src/handlers.cpp:34:17 create_user_emitter"}));
  EXPECT_TRUE(Agent["finding"].is_null());

  const json &Presence = *ByName["chat::g_presence_events"];
  EXPECT_EQ(Presence["line"], 20);
  EXPECT_EQ(Presence["status"], "never-set-up");
  EXPECT_TRUE(Presence["setupCalls"].empty());
  EXPECT_EQ(
      callsOf(Presence["factoryCalls"]),
      std::vector<std::string>({"src/handlers.cpp:22:3 create_user_emitter"}));
  // Its finding is the CLI's unconfigured-factory warning at the definition.
  ASSERT_TRUE(Presence["finding"].is_string());
  const json *Finding = nullptr;
  for (const json &F : A["findings"])
    if (F["fingerprint"] == Presence["finding"])
      Finding = &F;
  ASSERT_NE(Finding, nullptr);
  EXPECT_EQ((*Finding)["rule"], "factoryguard-unconfigured-factory");
  EXPECT_EQ((*Finding)["subject"], "factory-object");
  EXPECT_EQ((*Finding)["file"], "src/registry.cpp");
  EXPECT_EQ((*Finding)["line"], 20);

  const json &Spare = *ByName["tools::g_spare"];
  EXPECT_EQ(Spare["status"], "unused");
  EXPECT_TRUE(Spare["setupCalls"].empty() && Spare["factoryCalls"].empty());
  EXPECT_TRUE(Spare["finding"].is_null());
  // Set up, but with a null pool: the setup call carries that finding.
  const json &Broken = *ByName["tools::g_broken"];
  EXPECT_EQ(Broken["status"], "set-up");
  ASSERT_EQ(Broken["setupCalls"].size(), 1u);
  ASSERT_EQ(Broken["setupCalls"][0]["findings"].size(), 1u);
  for (const json &F : A["findings"]) {
    if (F["fingerprint"] == Broken["setupCalls"][0]["findings"][0]) {
      EXPECT_EQ(F["rule"], "factoryguard-unconfigured-factory");
    }
  }

  // Counted in the summary, per directory and per module.
  const json &S = A["summary"];
  EXPECT_EQ(S["factoryObjects"], 4);
  EXPECT_EQ(S["factoryObjectsSetUp"], 2);
  EXPECT_EQ(S["factoryObjectsNeverSetUp"], 1);
  EXPECT_EQ(S["factoryObjectsUnused"], 1);
  std::map<std::string, unsigned> PerDir, PerModule;
  for (const json &D : A["directories"])
    PerDir[D["path"]] = D["factoryObjects"].get<unsigned>();
  for (const json &M : A["modules"])
    PerModule[M["name"]] = M["factoryObjects"].get<unsigned>();
  std::map<std::string, unsigned> Want = {{"src", 2}, {"tools", 2}};
  EXPECT_EQ(PerDir, Want);
  EXPECT_EQ(PerModule, Want);

  // The HTML as written (no script run): one row per object, with its
  // status and calls.
  std::string Html = readFile(Dir + "/report.html");
  size_t Table = Html.find("<table id=\"factory-objects\">");
  ASSERT_NE(Table, std::string::npos) << Html;
  std::string Part = Html.substr(Table, Html.find("</table>", Table) - Table);
  EXPECT_EQ(countOf(Part, "<tr class=\""), 4u) << Part;
  EXPECT_NE(Part.find("<tr class=\"never-set-up\" "
                      "data-object=\"chat::g_presence_events\">"),
            std::string::npos)
      << Part;
  EXPECT_NE(Part.find(">never set up</td>"), std::string::npos);
  EXPECT_NE(Part.find("src/boot.cpp:13:3</span> <code>configure</code>"),
            std::string::npos)
      << Part;
  EXPECT_NE(Html.find("<li id=\"factory-objects-count\"><strong>4</strong> "
                      "factory object(s): 2 set up, 1 never set up, 1 "
                      "unused</li>"),
            std::string::npos);

  // --compare reads an audit of version 1 (before factory objects).
  json Old = A;
  Old["version"] = 1;
  Old.erase("factoryObjects");
  writeFile(Dir + "/v1.json", Old.dump());
  RunResult C = audit(Dir, {"--compare", "v1.json", "--json", "c.json"});
  ASSERT_EQ(C.ExitCode, 0) << C.Err;
  EXPECT_NE(C.Err.find("since the previous audit: 0 fixed, 0 new"),
            std::string::npos)
      << C.Err;
  EXPECT_EQ(schemaProblems(Dir + "/c.json"), "");

  // The schema is not vacuous for them either.
  json Bad = A;
  Bad["factoryObjects"][0]["status"] = "configured";
  Bad["directories"][0].erase("factoryObjectsNeverSetUp");
  writeFile(Dir + "/bad.json", Bad.dump());
  EXPECT_NE(schemaProblems(Dir + "/bad.json"), "");
}

/// "H hits, M misses" from the audit's --cache-stats line.
std::string cacheCounts(const RunResult &R) {
  std::smatch M;
  if (!std::regex_search(R.Err, M,
                         std::regex("factoryguard audit: cache [^\n]*: "
                                    "([0-9]+ hits, [0-9]+ misses),")))
    return "no cache line in: " + R.Err;
  return M[1];
}

TEST(Audit, UsesTheCacheAndAWarmAuditEqualsAFreshOne) {
  std::string Dir = makeExample("audit-cache");
  std::string CacheDir = Dir + "/build/.factoryguard-cache";
  RunResult Fresh =
      audit(Dir, {"--no-cache", "--cache-stats", "--json", "fresh.json"});
  ASSERT_EQ(Fresh.ExitCode, 0) << Fresh.Err;
  EXPECT_NE(Fresh.Err.find("factoryguard audit: cache: not used"),
            std::string::npos)
      << Fresh.Err;
  EXPECT_FALSE(llvm::sys::fs::exists(CacheDir)) << "--no-cache writes nothing";

  // The CLI's cache, in its default place: five units, then all hits.
  RunResult Cold = audit(Dir, {"--cache-stats", "--json", "cold.json"});
  ASSERT_EQ(Cold.ExitCode, 0) << Cold.Err;
  EXPECT_EQ(cacheCounts(Cold), "0 hits, 5 misses");
  EXPECT_TRUE(llvm::sys::fs::is_directory(CacheDir));
  RunResult Warm = audit(Dir, {"--cache-stats", "--json", "warm.json"});
  ASSERT_EQ(Warm.ExitCode, 0) << Warm.Err;
  EXPECT_EQ(cacheCounts(Warm), "5 hits, 0 misses");
  std::string FreshJson = readFile(Dir + "/fresh.json");
  ASSERT_NE(FreshJson.find("\"compliantCallSites\": 5"), std::string::npos);
  ASSERT_NE(FreshJson.find("\"factoryObjectsSetUp\": 1"), std::string::npos);
  EXPECT_EQ(readFile(Dir + "/cold.json"), FreshJson);
  EXPECT_EQ(readFile(Dir + "/warm.json"), FreshJson)
      << "a warm audit lists the compliant call sites too";
  // One cache with the CLI: its run is all hits as well.
  RunResult Cli = runFactoryguard({"-p", "build", "--cache-stats"}, Dir);
  EXPECT_NE(Cli.Err.find(": 5 hits, 0 misses,"), std::string::npos) << Cli.Err;

  // Fix on_typing: that unit alone is analyzed again, and the audit shows
  // the fix as an audit without the cache does.
  std::string Handlers = readFile(Dir + "/src/handlers.cpp");
  size_t At = Handlers.find("auto manager = get_websocket_manager();");
  ASSERT_NE(At, std::string::npos);
  Handlers.replace(At, 39, "auto manager = get_websocket_manager(&ctx);");
  writeFile(Dir + "/src/handlers.cpp", Handlers);
  RunResult Edited = audit(Dir, {"--cache-stats", "--json", "edited.json"});
  ASSERT_EQ(Edited.ExitCode, 0) << Edited.Err;
  EXPECT_EQ(cacheCounts(Edited), "4 hits, 1 misses");
  RunResult FreshEdited = audit(Dir, {"--no-cache", "--json", "fresh2.json"});
  ASSERT_EQ(FreshEdited.ExitCode, 0) << FreshEdited.Err;
  std::string EditedJson = readFile(Dir + "/edited.json");
  EXPECT_EQ(EditedJson, readFile(Dir + "/fresh2.json"));
  EXPECT_NE(EditedJson, FreshJson);
  json E = readJson(Dir + "/edited.json");
  EXPECT_EQ(E["summary"]["compliantCallSites"], 6);
  EXPECT_EQ(E["summary"]["callSites"], 8);

  // An entry without the call sites or the factory-object definitions (as
  // the formats before them had) is a miss, never an audit with call sites
  // or factory objects missing.
  std::error_code EC;
  unsigned Entries = 0;
  for (llvm::sys::fs::directory_iterator It(CacheDir, EC), End;
       !EC && It != End; It.increment(EC)) {
    if (!llvm::StringRef(It->path()).ends_with(".fgc"))
      continue;
    json Entry = readJson(It->path());
    ASSERT_TRUE(Entry.contains("sites")) << It->path();
    ASSERT_TRUE(Entry["facts"].contains("objects")) << It->path();
    if (Entries % 2)
      Entry.erase("sites");
    else
      Entry["facts"].erase("objects");
    writeFile(It->path(), Entry.dump());
    ++Entries;
  }
  EXPECT_EQ(Entries, 5u); // one per unit: the edit replaced its entry
  RunResult Stripped = audit(Dir, {"--cache-stats", "--json", "stripped.json"});
  ASSERT_EQ(Stripped.ExitCode, 0) << Stripped.Err;
  EXPECT_EQ(cacheCounts(Stripped), "0 hits, 5 misses");
  EXPECT_EQ(readFile(Dir + "/stripped.json"), EditedJson);
}

TEST(Audit, BadCompareFileIsAnErrorAndNothingIsWritten) {
  std::string Dir = makeExample("audit-bad");
  writeFile(Dir + "/cut.json", "{\"format\": \"factoryguard-audit\",\n "
                               "\"version\": 1,\n \"findings\": [");
  writeFile(Dir + "/other.json", "{\"version\": \"2.1.0\", \"runs\": []}\n");
  writeFile(Dir + "/future.json",
            "{\"format\": \"factoryguard-audit\", \"version\": 9}\n");
  // 100 000 levels of arrays overflowed the stack of LLVM's JSON parser.
  writeFile(Dir + "/deep.json",
            "{\"findings\":\n" + std::string(100000, '[') + "}");
  struct Case {
    std::string File, Message;
  } Cases[] = {
      {"missing.json", "--compare 'missing.json': cannot read it"},
      {"cut.json", "cut.json:3:15: not valid JSON: Unexpected EOF"},
      {"other.json", "--compare 'other.json': not a factoryguard audit"},
      {"future.json",
       "audit schema version 9, this factoryguard reads versions 1 to 2"},
      {"build", "--compare 'build': cannot read it"},
      {"deep.json",
       "deep.json:2:256: not valid JSON: arrays and objects nest more than "
       "256 levels deep"},
  };
  for (const Case &K : Cases) {
    RunResult R =
        audit(Dir, {"--compare", K.File, "-o", "r.html", "--json", "r.json"});
    EXPECT_EQ(R.ExitCode, 2) << K.File << ": " << R.Err;
    EXPECT_NE(R.Err.find("factoryguard audit: error: "), std::string::npos)
        << R.Err;
    EXPECT_NE(R.Err.find(K.Message), std::string::npos)
        << K.File << ": " << R.Err;
    EXPECT_TRUE(R.Out.empty()) << R.Out;
    EXPECT_FALSE(llvm::sys::fs::exists(Dir + "/r.html")) << K.File;
    EXPECT_FALSE(llvm::sys::fs::exists(Dir + "/r.json")) << K.File;
  }
  // Usage errors are exit 2 too.
  EXPECT_EQ(audit(Dir, {"--frobnicate"}).ExitCode, 2);
  EXPECT_EQ(audit(Dir, {"-o", "x.json", "--json", "x.json"}).ExitCode, 2);
  EXPECT_FALSE(llvm::sys::fs::exists(Dir + "/x.json"));
}

// factoryguard-fabricated-context (issue 26): made-up contexts reaching a
// factory and statics keeping a context are counted apart, in the summary
// and per directory.
TEST(Audit, CountsMadeUpAndStaticContexts) {
  std::string Dir = makeTempDir("audit-fabricated");
  copyTree(FG_TESTDATA "/fabricated/.", Dir);
  writeFile(Dir + "/keep.cpp",
            "#include \"app.h\"\n"
            "namespace app {\n"
            "netra::UserExecutionContext g_system{\"system\"};\n"
            "} // namespace app\n");
  writeTestdataDatabase(Dir,
                        {"main.cpp", "services.cpp", "auth.cpp", "keep.cpp"});
  RunResult R = audit(Dir, {"--json", Dir + "/audit.json"});
  EXPECT_EQ(R.ExitCode, 0) << R.Err;
  json A = readJson(Dir + "/audit.json");
  EXPECT_EQ(A["summary"]["madeUpContexts"], 1) << A["summary"].dump();
  EXPECT_EQ(A["summary"]["staticContexts"], 1) << A["summary"].dump();
  ASSERT_EQ(A["directories"].size(), 1u) << A["directories"].dump();
  EXPECT_EQ(A["directories"][0]["madeUpContexts"], 1);
  EXPECT_EQ(A["directories"][0]["staticContexts"], 1);
  EXPECT_EQ(A["modules"][0]["madeUpContexts"], 1);
  EXPECT_EQ(schemaProblems(Dir + "/audit.json"), "");
}

} // namespace

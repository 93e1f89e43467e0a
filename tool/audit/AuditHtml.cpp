//===- AuditHtml.cpp - The audit as one self-contained HTML file ----------===//
//
// Rendered from the audit document (Audit.h) only. Everything is inline: the
// CSS, the SVG (progress bar, a bar per module, each finding's call chain
// drawn as a path from the root) and a little JavaScript that sorts tables
// by a click on a column header. The tables and the summary are plain HTML,
// sorted already (directories by open findings), so the report reads the
// same without JavaScript. A Content-Security-Policy forbids every fetch, and
// no URL appears in the file (inline SVG in HTML needs no xmlns).
//
//===----------------------------------------------------------------------===//
#include "Audit.h"

#include <algorithm>
#include <map>

using nlohmann::json;

namespace factoryguard {

namespace {

std::string esc(llvm::StringRef S) {
  std::string Out;
  Out.reserve(S.size());
  for (char C : S) {
    switch (C) {
    case '&':
      Out += "&amp;";
      break;
    case '<':
      Out += "&lt;";
      break;
    case '>':
      Out += "&gt;";
      break;
    case '"':
      Out += "&quot;";
      break;
    case '\'':
      Out += "&#39;";
      break;
    default:
      Out += C;
    }
  }
  return Out;
}

/// A qualified name that may wrap after each "::" (a narrow table column).
std::string escName(llvm::StringRef S) {
  std::string Out;
  while (!S.empty()) {
    auto [Head, Tail] = S.split("::");
    Out += esc(Head);
    if (Head.size() == S.size())
      break;
    Out += "::<wbr>";
    S = Tail;
  }
  return Out;
}

std::string str(const json &J) {
  return J.is_string() ? J.get<std::string>() : J.dump();
}
unsigned num(const json &J) { return J.is_number() ? J.get<unsigned>() : 0; }

std::string loc(const json &J) {
  std::string Out = str(J["file"]) + ":" + std::to_string(num(J["line"]));
  if (J.contains("column"))
    Out += ":" + std::to_string(num(J["column"]));
  return Out;
}

std::string percent(unsigned Part, unsigned Whole) {
  if (!Whole)
    return "no call sites";
  return std::to_string((Part * 100 + Whole / 2) / Whole) + "%";
}

std::string shortRule(llvm::StringRef Rule) {
  Rule.consume_front("factoryguard-");
  return Rule.str();
}

const char *Style = R"css(
:root{--ok:#1a7f37;--bad:#cf222e;--muted:#6e7781;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0 auto;max-width:1200px;padding:16px 24px 48px}
h1{font-size:24px;margin:8px 0 0}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}.meta{color:var(--muted);margin:2px 0 0}
code,pre,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:12.5px}
.figure{font-size:30px;margin:8px 0 4px}.figure strong{font-size:40px}.figure .pct{color:var(--muted);font-size:22px}
ul.facts{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:8px 28px}
ul.facts strong{font-size:18px}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--bg);white-space:nowrap}td.n,th.n{text-align:right}
table.sortable th{cursor:pointer}table.sortable th[aria-sort=descending]::after{content:" \25BE"}
table.sortable th[aria-sort=ascending]::after{content:" \25B4"}
.status{font-weight:600;white-space:nowrap}.status.compliant,.status.set-up{color:var(--ok)}.status.never-set-up{color:var(--bad)}.status.unused{color:var(--muted)}.status.open,li.open{color:var(--bad)}.suppressed{color:var(--muted)}
.rule{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 7px;font-size:12px;background:var(--bg);white-space:nowrap}
article.finding{border:1px solid var(--line);border-radius:6px;padding:8px 14px;margin:12px 0}
article.finding h3{margin:4px 0}article.finding p{margin:4px 0 8px}
pre.excerpt{background:var(--bg);padding:6px 0;margin:6px 0;overflow-x:auto;border-radius:4px}
pre.excerpt span{display:block;padding:0 10px}pre.excerpt span.hit{background:#ffebe9}
pre.excerpt i{font-style:normal;color:var(--muted);display:inline-block;min-width:4ch;text-align:right;margin-right:12px;user-select:none}
figure.chain{margin:6px 0;overflow-x:auto}figure.chain figcaption{color:var(--muted);font-size:12px}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:12px;fill:#1f2328}
svg text.loc{font-family:ui-monospace,Menlo,Consolas,monospace;font-weight:600}
svg .track{fill:#eaeef2}svg .ok{fill:var(--ok)}svg .bad{fill:var(--bad)}svg .sup{fill:#afb8c1}
svg path.chain-path{stroke:#57606a;stroke-width:2;fill:none}
svg circle{stroke:#fff;stroke-width:2}svg circle.root{fill:#0969da}svg circle.step{fill:#57606a}svg circle.end{fill:var(--bad)}
.empty{color:var(--muted)}
)css";

// Sorts a table by the clicked column (numbers: largest first on the first
// click); rows keep their text, only their order changes.
const char *Script = R"js(
(function(){
  function key(td,num){var v=td.getAttribute('data-v');v=v===null?td.textContent.trim():v;return num?parseFloat(v)||0:v.toLowerCase();}
  function sortBy(table,col,th){
    var num=th.getAttribute('data-type')==='num';
    var cur=th.getAttribute('aria-sort');
    var desc=cur?cur==='ascending':num;
    var ths=table.tHead.rows[0].cells;
    for(var i=0;i<ths.length;i++)ths[i].removeAttribute('aria-sort');
    th.setAttribute('aria-sort',desc?'descending':'ascending');
    var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
    rows.sort(function(a,b){var x=key(a.cells[col],num),y=key(b.cells[col],num);
      var c=x<y?-1:x>y?1:0;return desc?-c:c;});
    rows.forEach(function(r){body.appendChild(r);});
  }
  var tables=document.querySelectorAll('table.sortable');
  for(var t=0;t<tables.length;t++)(function(table){
    var ths=table.tHead.rows[0].cells;
    for(var i=0;i<ths.length;i++)(function(th,col){
      th.tabIndex=0;th.title='sort by this column';
      th.addEventListener('click',function(){sortBy(table,col,th);});
      th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sortBy(table,col,th);}});
    })(ths[i],i);
  })(tables[t]);
  document.documentElement.setAttribute('data-sortable','yes');
})();
)js";

void progressBar(std::string &O, unsigned Ok, unsigned Bad, unsigned Sup,
                 unsigned Total, unsigned X, unsigned Y, unsigned W,
                 unsigned H) {
  O += "<rect class=\"track\" x=\"" + std::to_string(X) + "\" y=\"" +
       std::to_string(Y) + "\" width=\"" + std::to_string(W) + "\" height=\"" +
       std::to_string(H) + "\" rx=\"3\"/>";
  if (!Total)
    return;
  unsigned At = X;
  for (auto [N, Class] : {std::pair<unsigned, const char *>{Ok, "ok"},
                          {Bad, "bad"},
                          {Sup, "sup"}}) {
    unsigned Width = N * W / Total;
    if (!Width)
      continue;
    O += "<rect class=\"" + std::string(Class) + "\" x=\"" +
         std::to_string(At) + "\" y=\"" + std::to_string(Y) + "\" width=\"" +
         std::to_string(Width) + "\" height=\"" + std::to_string(H) + "\"/>";
    At += Width;
  }
}

void summary(std::string &O, const json &A) {
  const json &S = A["summary"];
  unsigned Sites = num(S["callSites"]), Ok = num(S["compliantCallSites"]);
  unsigned Open = num(S["callSitesWithOpenFindings"]);
  O += "<section id=\"summary\"><h2>Summary</h2>\n";
  O += "<p id=\"compliance\" class=\"figure\"><strong>" + std::to_string(Ok) +
       " of " + std::to_string(Sites) +
       "</strong> call sites compliant <span "
       "class=\"pct\">(" +
       percent(Ok, Sites) + ")</span></p>\n";
  O += "<svg class=\"progress\" width=\"600\" height=\"18\" viewBox=\"0 0 600 "
       "18\" "
       "role=\"img\" aria-label=\"" +
       std::to_string(Ok) + " of " + std::to_string(Sites) +
       " call sites compliant\">";
  progressBar(O, Ok, Open, num(S["suppressedCallSites"]), Sites, 0, 2, 600, 14);
  O += "</svg>\n<ul class=\"facts\">";
  O += "<li id=\"statics-count\"><strong>" +
       std::to_string(num(S["staticsHoldingManager"])) +
       "</strong> static variable(s) holding a manager</li>";
  O += "<li id=\"contexts-count\"><strong>" +
       std::to_string(num(S["madeUpContexts"])) +
       "</strong> made-up context(s) reaching a factory, <strong>" +
       std::to_string(num(S["staticContexts"])) +
       "</strong> static variable(s) keeping a context</li>";
  O += "<li id=\"factory-objects-count\"><strong>" +
       std::to_string(num(S["factoryObjects"])) +
       "</strong> factory object(s): " +
       std::to_string(num(S["factoryObjectsSetUp"])) + " set up, " +
       std::to_string(num(S["factoryObjectsNeverSetUp"])) + " never set up, " +
       std::to_string(num(S["factoryObjectsUnused"])) + " unused</li>";
  O += "<li id=\"open-findings\"><strong>" +
       std::to_string(num(S["openFindings"])) + "</strong> open finding(s)";
  std::string By;
  for (const auto &[Rule, N] : S["openFindingsByRule"].items())
    By += (By.empty() ? "" : ", ") + std::to_string(num(N)) + " " +
          esc(shortRule(Rule));
  if (!By.empty())
    O += ": " + By;
  O += "</li>";
  O += "<li><strong>" + std::to_string(num(S["callSitesWithOpenFindings"])) +
       "</strong> call site(s) with open findings</li>";
  if (num(S["suppressedFindings"]))
    O += "<li><strong>" + std::to_string(num(S["suppressedFindings"])) +
         "</strong> suppressed (NOLINT) finding(s)</li>";
  if (num(S["failedUnits"]))
    O += "<li class=\"open\"><strong>" + std::to_string(num(S["failedUnits"])) +
         "</strong> translation unit(s) could not be analyzed: this audit is "
         "incomplete</li>";
  O += "</ul>\n";

  // A bar per top-level module.
  const json &Mods = A["modules"];
  O += "<h3>By module</h3>\n";
  if (Mods.empty()) {
    O += "<p class=\"empty\">Nothing to show: no factory call site, no "
         "static holding a manager and no factory object.</p>\n";
  } else {
    unsigned RowH = 30, H = RowH * Mods.size() + 4;
    O += "<svg id=\"modules\" width=\"1000\" height=\"" + std::to_string(H) +
         "\" viewBox=\"0 0 1000 " + std::to_string(H) +
         "\" role=\"img\" aria-label=\"compliant call sites per module\">";
    unsigned Y = 2;
    for (const json &M : Mods) {
      unsigned MSites = num(M["callSites"]), MOk = num(M["compliantCallSites"]);
      unsigned MOpen = num(M["callSitesWithOpenFindings"]);
      O += "<g class=\"module\" data-module=\"" + esc(str(M["name"])) + "\">";
      O += "<text class=\"loc\" x=\"0\" y=\"" + std::to_string(Y + 16) + "\">" +
           esc(str(M["name"])) + "</text>";
      progressBar(O, MOk, MOpen, MSites - MOk - MOpen, MSites, 180, Y + 4, 300,
                  16);
      O += "<text x=\"495\" y=\"" + std::to_string(Y + 16) + "\">" +
           std::to_string(MOk) + " of " + std::to_string(MSites) +
           " compliant · " + std::to_string(num(M["staticsHoldingManager"])) +
           " static(s) · " + std::to_string(num(M["factoryObjects"])) +
           " factory object(s) · " + std::to_string(num(M["openFindings"])) +
           " open</text></g>";
      Y += RowH;
    }
    O += "</svg>\n";
  }
  O += "</section>\n";
}

/// Findings by fingerprint, for links and the comparison.
using Index = std::map<std::string, const json *>;

void findingCell(std::string &O, const json &Prints, const Index &ByPrint) {
  O += "<td>";
  bool First = true;
  for (const json &P : Prints) {
    auto It = ByPrint.find(str(P));
    if (It == ByPrint.end())
      continue;
    const json &F = *It->second;
    O += First ? "" : "<br>";
    First = false;
    O += "<a href=\"#f-" + esc(str(P)) + "\"><span class=\"rule\">" +
         esc(shortRule(str(F["rule"]))) + "</span></a> " +
         esc(str(F["message"]));
  }
  O += "</td>";
}

void comparison(std::string &O, const json &A, const Index &ByPrint) {
  if (!A.contains("comparison"))
    return;
  const json &C = A["comparison"], &P = C["previousSummary"], &S = A["summary"];
  O += "<section id=\"comparison\"><h2>Since the previous audit</h2>\n<p>";
  O += "Compliant call sites: " + std::to_string(num(P["compliantCallSites"])) +
       " of " + std::to_string(num(P["callSites"])) + " &rarr; " +
       std::to_string(num(S["compliantCallSites"])) + " of " +
       std::to_string(num(S["callSites"])) +
       ". Open findings: " + std::to_string(num(P["openFindings"])) +
       " &rarr; " + std::to_string(num(S["openFindings"])) +
       ". Statics holding a manager: " +
       std::to_string(num(P["staticsHoldingManager"])) + " &rarr; " +
       std::to_string(num(S["staticsHoldingManager"])) + ".</p>\n";
  O += "<h3 id=\"fixed-heading\">Fixed (" + std::to_string(C["fixed"].size()) +
       ")</h3>\n";
  if (C["fixed"].empty()) {
    O += "<p class=\"empty\">No finding of the previous audit is gone.</p>\n";
  } else {
    O += "<table id=\"fixed\"><thead><tr><th>Rule</th><th>Where it was</th>"
         "<th>Finding</th></tr></thead><tbody>\n";
    for (const json &F : C["fixed"])
      O += "<tr data-fingerprint=\"" + esc(str(F["fingerprint"])) +
           "\"><td><span class=\"rule\">" + esc(shortRule(str(F["rule"]))) +
           "</span></td><td class=\"mono\">" + esc(str(F["file"])) + ":" +
           std::to_string(num(F["line"])) + "</td><td>" +
           esc(str(F["message"])) + "</td></tr>\n";
    O += "</tbody></table>\n";
  }
  O += "<h3 id=\"new-heading\">New (" + std::to_string(C["new"].size()) +
       ")</h3>\n";
  if (C["new"].empty()) {
    O += "<p class=\"empty\">No new finding.</p>\n";
  } else {
    O += "<table "
         "id=\"new\"><thead><tr><th>Where</th><th>Finding</th></tr></"
         "thead><tbody>\n";
    for (const json &P2 : C["new"]) {
      auto It = ByPrint.find(str(P2));
      if (It == ByPrint.end())
        continue;
      O += "<tr data-fingerprint=\"" + esc(str(P2)) + "\"><td class=\"mono\">" +
           esc(loc(*It->second)) + "</td>";
      findingCell(O, json::array({P2}), ByPrint);
      O += "</tr>\n";
    }
    O += "</tbody></table>\n";
  }
  O += "</section>\n";
}

void directories(std::string &O, const json &A) {
  O += "<section id=\"directories-section\"><h2>Directories</h2>\n"
       "<table id=\"directories\" class=\"sortable\"><thead><tr>"
       "<th>Directory</th><th>Module</th><th class=\"n\" "
       "data-type=\"num\">Call sites</th>"
       "<th class=\"n\" data-type=\"num\">Compliant</th>"
       "<th class=\"n\" data-type=\"num\">With open findings</th>"
       "<th class=\"n\" data-type=\"num\">Statics</th>"
       "<th class=\"n\" data-type=\"num\">Factory objects</th>"
       "<th class=\"n\" data-type=\"num\">Never set up</th>"
       "<th class=\"n\" data-type=\"num\" aria-sort=\"descending\">Open "
       "findings</th>"
       "</tr></thead><tbody>\n";
  for (const json &D : A["directories"]) {
    O += "<tr data-dir=\"" + esc(str(D["path"])) + "\"><td class=\"mono\">" +
         esc(str(D["path"])) + "</td><td class=\"mono\">" +
         esc(str(D["module"])) + "</td>";
    for (const char *K :
         {"callSites", "compliantCallSites", "callSitesWithOpenFindings",
          "staticsHoldingManager", "factoryObjects", "factoryObjectsNeverSetUp",
          "openFindings"})
      O += "<td class=\"n\">" + std::to_string(num(D[K])) + "</td>";
    O += "</tr>\n";
  }
  O += "</tbody></table>\n</section>\n";
}

void callSites(std::string &O, const json &A, const Index &ByPrint) {
  O += "<section id=\"call-sites-section\"><h2>Factory call sites (" +
       std::to_string(A["callSites"].size()) + ")</h2>\n";
  if (A["callSites"].empty()) {
    O += "<p class=\"empty\">No factory call site in the analyzed "
         "code.</p></section>\n";
    return;
  }
  O += "<table id=\"call-sites\" class=\"sortable\"><thead><tr><th>Where</th>"
       "<th>Factory</th><th>Called in</th><th>Status</th><th>Why not "
       "compliant</th>"
       "</tr></thead><tbody>\n";
  for (const json &C : A["callSites"]) {
    std::string Status = str(C["status"]);
    O += "<tr class=\"" + esc(Status) + "\"><td class=\"mono\" data-v=\"" +
         esc(str(C["file"])) + ":" +
         std::to_string(100000000 + num(C["line"])) + "\">" + esc(loc(C)) +
         "</td><td class=\"mono\">" + escName(str(C["factory"])) +
         "</td><td class=\"mono\">" + escName(str(C["in"])) +
         "</td><td class=\"status " + esc(Status) + "\">" + esc(Status) +
         "</td>";
    findingCell(O, C["findings"], ByPrint);
    O += "</tr>\n";
  }
  O += "</tbody></table>\n</section>\n";
}

void statics(std::string &O, const json &A, const Index &ByPrint) {
  O += "<section id=\"statics-section\"><h2>Static variables holding a manager "
       "(" +
       std::to_string(A["statics"].size()) + ")</h2>\n";
  if (A["statics"].empty()) {
    O += "<p class=\"empty\">None.</p></section>\n";
    return;
  }
  O += "<table id=\"statics\"><thead><tr><th>Where</th><th>Status</th>"
       "<th>Finding</th></tr></thead><tbody>\n";
  for (const json &S : A["statics"]) {
    std::string Status = str(S["status"]);
    O += "<tr><td class=\"mono\">" + esc(loc(S)) + "</td><td class=\"status " +
         esc(Status) + "\">" + esc(Status) + "</td>";
    findingCell(O, json::array({S["finding"]}), ByPrint);
    O += "</tr>\n";
  }
  O += "</tbody></table>\n</section>\n";
}

/// "src/boot.cpp:12:3 configure" per call, one a line.
std::string objectCalls(const json &Calls, const Index &ByPrint) {
  std::string O;
  for (const json &C : Calls) {
    O += O.empty() ? "" : "<br>";
    // No method: the object is handed to other code there (passed on,
    // bound to a reference), which may set it up.
    std::string Method = str(C["method"]);
    O += "<span class=\"mono\">" + esc(loc(C)) + "</span> " +
         (Method.empty() ? std::string("<em>handed on</em>")
                         : "<code>" + esc(Method) + "</code>");
    for (const json &P : C["findings"]) {
      auto It = ByPrint.find(str(P));
      if (It != ByPrint.end())
        O += " <a href=\"#f-" + esc(str(P)) + "\"><span class=\"rule\">" +
             esc(shortRule(str(It->second->at("rule")))) + "</span></a>";
    }
  }
  return O.empty() ? "<span class=\"empty\">none</span>" : O;
}

void factoryObjects(std::string &O, const json &A, const Index &ByPrint) {
  const json &Objects = A["factoryObjects"];
  O += "<section id=\"factory-objects-section\"><h2>Factory objects (" +
       std::to_string(Objects.size()) + ")</h2>\n";
  if (Objects.empty()) {
    O += "<p class=\"empty\">No factory object in static storage in the "
         "analyzed code.</p></section>\n";
    return;
  }
  O += "<table id=\"factory-objects\"><thead><tr><th>Where</th><th>Object</th>"
       "<th>Class</th><th>Status</th><th>Setup calls</th>"
       "<th>Factory-method calls</th><th>Finding</th></tr></thead><tbody>\n";
  for (const json &F : Objects) {
    std::string Status = str(F["status"]);
    std::string Shown = Status == "set-up"         ? "set up"
                        : Status == "never-set-up" ? "never set up"
                                                   : Status;
    O += "<tr class=\"" + esc(Status) + "\" data-object=\"" +
         esc(str(F["name"])) + "\"><td class=\"mono\">" + esc(loc(F)) +
         "</td><td class=\"mono\">" + escName(str(F["name"])) +
         "</td><td class=\"mono\">" + escName(str(F["class"])) +
         "</td><td class=\"status " + esc(Status) + "\">" + esc(Shown) +
         "</td><td>" + objectCalls(F["setupCalls"], ByPrint) + "</td><td>" +
         objectCalls(F["factoryCalls"], ByPrint) + "</td>";
    findingCell(
        O, F["finding"].is_null() ? json::array() : json::array({F["finding"]}),
        ByPrint);
    O += "</tr>\n";
  }
  O += "</tbody></table>\n</section>\n";
}

/// The chain as a path from the root (top) to the finding (bottom).
void chainSvg(std::string &O, const json &Chain) {
  size_t N = Chain.size();
  unsigned Step = 46, Top = 18;
  size_t Longest = 0;
  for (const json &S : Chain)
    Longest = std::max({Longest, str(S["message"]).size(), loc(S).size()});
  unsigned W = 60 + static_cast<unsigned>(Longest) * 7;
  unsigned H = Top + Step * (N - 1) + 26;
  std::string Label = "call chain from the root:";
  for (const json &S : Chain)
    Label += " " + loc(S);
  O += "<figure class=\"chain\"><figcaption>Call chain, root first</figcaption>"
       "<svg class=\"chain\" width=\"" +
       std::to_string(W) + "\" height=\"" + std::to_string(H) +
       "\" viewBox=\"0 0 " + std::to_string(W) + " " + std::to_string(H) +
       "\" role=\"img\" aria-label=\"" + esc(Label) + "\">";
  std::string D;
  for (size_t I = 0; I < N; ++I)
    D += (I ? " L 14 " : "M 14 ") + std::to_string(Top + Step * I);
  O += "<path class=\"chain-path\" d=\"" + D + "\"/>";
  for (size_t I = 0; I < N; ++I) {
    const json &S = Chain[I];
    unsigned Y = Top + Step * static_cast<unsigned>(I);
    const char *Class = I == 0 ? "root" : I + 1 == N ? "end" : "step";
    O += "<g class=\"chain-step\" data-step=\"" + std::to_string(I + 1) +
         "\">"
         "<circle class=\"" +
         std::string(Class) + "\" cx=\"14\" cy=\"" + std::to_string(Y) +
         "\" r=\"7\"/><text class=\"loc\" x=\"32\" y=\"" +
         std::to_string(Y - 2) + "\">" + esc(loc(S)) +
         "</text><text x=\"32\" y=\"" + std::to_string(Y + 14) + "\">" +
         esc(str(S["message"])) + "</text></g>";
  }
  O += "</svg></figure>\n";
}

void findings(std::string &O, const json &A) {
  O += "<section id=\"findings\"><h2>Findings (" +
       std::to_string(A["findings"].size()) + ")</h2>\n";
  if (A["findings"].empty())
    O += "<p class=\"empty\">No finding: every factory call site is compliant "
         "and no static holds a manager.</p>\n";
  for (const json &F : A["findings"]) {
    bool Sup = F["suppressed"].get<bool>();
    O += "<article class=\"finding" + std::string(Sup ? " suppressed" : "") +
         "\" id=\"f-" + esc(str(F["fingerprint"])) + "\" data-rule=\"" +
         esc(str(F["rule"])) + "\"><h3><span class=\"rule\">" +
         esc(str(F["rule"])) + "</span> <span class=\"mono\">" + esc(loc(F)) +
         "</span>" +
         (Sup ? " <span class=\"suppressed\">(suppressed)</span>" : "") +
         "</h3>\n<p class=\"message\">" + esc(str(F["message"])) + "</p>\n";
    const json &X = F["excerpt"];
    if (X.is_object()) {
      unsigned Line = num(X["firstLine"]), Hit = num(F["line"]);
      O += "<pre class=\"excerpt\">";
      for (const json &L : X["lines"]) {
        O += std::string(Line == Hit ? "<span class=\"hit\">" : "<span>") +
             "<i>" + std::to_string(Line) + "</i>" + esc(str(L)) + "</span>";
        ++Line;
      }
      O += "</pre>\n";
    }
    if (!F["chain"].empty())
      chainSvg(O, F["chain"]);
    O += "</article>\n";
  }
  O += "</section>\n";
}

} // namespace

std::string renderAuditHtml(const json &A) {
  Index ByPrint;
  for (const json &F : A["findings"])
    ByPrint[str(F["fingerprint"])] = &F;
  const json &S = A["summary"];
  std::string Figure = std::to_string(num(S["compliantCallSites"])) + " of " +
                       std::to_string(num(S["callSites"])) +
                       " call sites compliant";
  std::string O;
  O += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
       "'none'; "
       "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src "
       "data:\">\n"
       "<meta name=\"viewport\" content=\"width=device-width, "
       "initial-scale=1\">\n"
       "<title>factoryguard audit: " +
       esc(Figure) + "</title>\n<style>" + Style + "</style></head>\n<body>\n";
  O += "<header><h1>Request-scoped factory migration audit</h1><p "
       "class=\"meta\">"
       "factoryguard " +
       esc(str(A["tool"]["version"])) +
       " &middot; audit format "
       "version " +
       std::to_string(num(A["version"])) + " &middot; source root <code>" +
       esc(str(A["sourceRoot"])) + "</code></p></header>\n";
  summary(O, A);
  comparison(O, A, ByPrint);
  directories(O, A);
  callSites(O, A, ByPrint);
  statics(O, A, ByPrint);
  factoryObjects(O, A, ByPrint);
  findings(O, A);
  if (!A["failedUnits"].empty()) {
    O += "<section id=\"failed-units\"><h2>Translation units not "
         "analyzed</h2><ul>";
    for (const json &U : A["failedUnits"])
      O += "<li><code>" + esc(str(U["file"])) +
           "</code>: " + esc(str(U["message"])) + "</li>";
    O += "</ul></section>\n";
  }
  O +=
      "<footer class=\"meta\"><p>A call site is compliant when no rule reports "
      "it; statics holding a manager are findings of "
      "factoryguard-static-singleton; a factory object never set up is a "
      "finding of factoryguard-unconfigured-factory. Click a column header "
      "to sort.</p></footer>\n";
  O += "<script>" + std::string(Script) + "</script>\n</body></html>\n";
  return O;
}

} // namespace factoryguard

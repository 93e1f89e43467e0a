#!/usr/bin/env python3
"""ci/init_measure.py - how close `factoryguard init` comes to a hand-written
configuration (issue 28 item 1, docs/init.md).

For testdata/example and each multi-unit testdata project (multi-tu,
whole-program, factory-setup), and with --corpora for the ci/precision
corpora that ci/corpus.sh prepared under ci/.corpus: copies the project
without its .factoryguard.yaml into a temporary directory, runs
`factoryguard init` there, and compares

  - entries: every hand-written entry of contexts, managers, factories,
    startup, holders and factory-setup (by class) is "found" when an active
    proposed entry names it (or, for a regex, matches it whole),
    "commented" when only a commented-out (low-confidence) one does, else
    "missed"; active proposed entries that match no hand-written one are
    "extra". Keys init does not propose (request-entries, ...) are listed
    apart;
  - findings: the warnings of a run with the proposal against those of a
    run with the hand-written file (same file, line, column and rule);
  - --strict-config: whether a run with the proposal passes it.

Prints one Markdown table per measure. Usage:
  python3 ci/init_measure.py [--factoryguard build/tool/factoryguard]
                             [--corpora] [--show-proposals]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYS = ["contexts", "managers", "factories", "startup", "holders", "factory-setup"]
PROJECTS = {
    # name: (units, include directories relative to the copy)
    "example": (["src/main.cpp", "src/boot.cpp", "src/agent_service.cpp",
                 "src/handlers.cpp", "src/registry.cpp"], ["include"]),
    "multi-tu": (["main.cpp", "startup.cpp", "agents.cpp", "preloader.cpp",
                  "globals.cpp"], ["../include"]),
    "whole-program": (["main_a.cpp", "main_b.cpp", "tool_a.cpp", "tool_b.cpp",
                       "boot.cpp", "handlers.cpp", "helpers.cpp"],
                      ["../include"]),
    "factory-setup": (["boot.cpp", "bridges.cpp", "handlers.cpp"],
                      ["../include"]),
}
CORPORA = ["civetweb", "cpp-httplib"]
WARNING = re.compile(r"^(.+?):(\d+):(\d+): (?:warning|error): .*\[(factoryguard-[a-z-]+)\]$")


def names(entries):
    out = []
    for e in entries or []:
        out.append(e.get("name", e.get("class")) if isinstance(e, dict) else str(e))
    return [n[2:] if n.startswith("::") else n for n in out]


def commented(text, key):
    """The commented-out entries of one section of a proposal."""
    out, section = [], None
    for line in text.splitlines():
        m = re.match(r"^([a-z-]+):", line)
        if m:
            section = m.group(1)
        m = re.match(r"^  #  - (?:class: )?(.+)$", line)
        if m and section == key:
            out.append(m.group(1).strip())
    return out


def matches(hand, name):
    if hand.startswith("regex:"):
        return re.fullmatch(hand[len("regex:"):], name) is not None
    return hand == name


def compare(hand_cfg, proposal_text):
    proposed = yaml.safe_load(proposal_text) or {}
    rows = {}
    for key in KEYS:
        hand = names(hand_cfg.get(key))
        active = names(proposed.get(key))
        low = commented(proposal_text, key)
        found = [h for h in hand if any(matches(h, p) for p in active)]
        only_low = [h for h in hand if h not in found and any(matches(h, p) for p in low)]
        missed = [h for h in hand if h not in found and h not in only_low]
        extra = [p for p in active if not any(matches(h, p) for h in hand)]
        rows[key] = dict(hand=hand, found=found, low=only_low, missed=missed,
                         extra=extra, active=active, commented=low)
    other = sorted(k for k in hand_cfg if k not in KEYS)
    return rows, other


def run(fg, args, cwd):
    return subprocess.run([fg] + args, cwd=cwd, capture_output=True, text=True)


def warnings(text):
    out = set()
    for line in text.splitlines():
        m = WARNING.match(line)
        if m:
            out.add((m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)))
    return out


def write_database(proj, units, includes):
    entries = [{"directory": proj,
                "command": "/usr/bin/clang++-19 -std=c++17 " +
                           " ".join("-I" + i for i in includes) + " -c " + u,
                "file": u} for u in units]
    os.makedirs(os.path.join(proj, "build"), exist_ok=True)
    with open(os.path.join(proj, "build", "compile_commands.json"), "w") as f:
        json.dump(entries, f, indent=1)


def measure(fg, name, proj, build, hand_path, src_root):
    """Runs init and both runs; returns the comparison."""
    tmp = tempfile.mkdtemp(prefix="fg-init-")
    proposal = os.path.join(tmp, "proposed.yaml")
    r = run(fg, ["init", "-p", build, "-o", proposal, "--source-root", src_root,
                 "--quiet"], src_root)
    if r.returncode not in (0, 3) or not os.path.exists(proposal):
        sys.exit(f"init failed on {name} ({r.returncode}): {r.stderr}")
    text = open(proposal).read()
    hand_cfg = yaml.safe_load(open(hand_path)) or {}
    rows, other = compare(hand_cfg, text)
    common = ["-p", build, "--source-root", src_root, "--no-cache",
              "--fail-on", "never", "--quiet"]
    by_hand = run(fg, common + ["--config", hand_path], src_root)
    by_init = run(fg, common + ["--config", proposal], src_root)
    strict = run(fg, common + ["--config", proposal, "--strict-config"], src_root)
    shutil.rmtree(tmp, ignore_errors=True)
    return dict(name=name, rows=rows, other=other, text=text,
                hand=warnings(by_hand.stdout), init=warnings(by_init.stdout),
                strict=strict.returncode != 2 and "matched no" not in strict.stderr)


def testdata_project(fg, name, work):
    units, includes = PROJECTS[name]
    proj = os.path.join(work, name)
    shutil.copytree(os.path.join(ROOT, "testdata", name), proj)
    hand = os.path.join(work, name + ".hand.yaml")
    shutil.move(os.path.join(proj, ".factoryguard.yaml"), hand)
    write_database(proj, units, includes)
    return measure(fg, name, proj, os.path.join(proj, "build"), hand, proj)


def corpus(fg, name):
    base = os.path.join(ROOT, "ci", ".corpus")
    build = os.path.join(base, "build", name)
    src = [d for d in os.listdir(os.path.join(base, "src"))
           if d.startswith(name + "-") and os.path.isdir(os.path.join(base, "src", d))]
    if not src or not os.path.exists(os.path.join(build, "compile_commands.json")):
        print(f"(corpus {name}: not prepared; run ci/corpus.sh {name})", file=sys.stderr)
        return None
    hand = os.path.join(ROOT, "testdata", "precision", name + ".factoryguard.yaml")
    return measure(fg, name, None, build, hand, os.path.join(base, "src", src[0]))


def entry_table(results):
    print("| project | key | hand-written | found | only commented out | missed | extra (active) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for r in results:
        for key in KEYS:
            row = r["rows"][key]
            if not row["hand"] and not row["extra"]:
                continue
            print(f"| {r['name']} | {key} | {len(row['hand'])} | {len(row['found'])} | "
                  f"{len(row['low'])} | {len(row['missed'])}"
                  f"{' (' + ', '.join(row['missed']) + ')' if row['missed'] else ''} | "
                  f"{len(row['extra'])}{': ' + ', '.join(row['extra']) if row['extra'] else ''} |")
        if r["other"]:
            print(f"| {r['name']} | {', '.join(r['other'])} | not proposed by init | | | | |")


def totals_table(results):
    print("| project | contexts found | factories + managers found | findings (hand) | reproduced | extra findings | --strict-config |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in results:
        c = r["rows"]["contexts"]
        fm_hand = len(r["rows"]["factories"]["hand"]) + len(r["rows"]["managers"]["hand"])
        fm_found = len(r["rows"]["factories"]["found"]) + len(r["rows"]["managers"]["found"])
        both = r["hand"] & r["init"]
        print(f"| {r['name']} | {len(c['found'])}/{len(c['hand'])} | {fm_found}/{fm_hand} | "
              f"{len(r['hand'])} | {len(both)} | {len(r['init'] - r['hand'])} | "
              f"{'passes' if r['strict'] else 'FAILS'} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--factoryguard", default=os.path.join(ROOT, "build", "tool", "factoryguard"))
    ap.add_argument("--corpora", action="store_true", help="also the ci/precision corpora")
    ap.add_argument("--show-proposals", action="store_true", help="print each proposal")
    a = ap.parse_args()
    fg = os.path.abspath(a.factoryguard)
    work = tempfile.mkdtemp(prefix="fg-init-measure-")
    shutil.copytree(os.path.join(ROOT, "testdata", "include"), os.path.join(work, "include"))
    results = [testdata_project(fg, n, work) for n in PROJECTS]
    if a.corpora:
        results += [r for r in (corpus(fg, n) for n in CORPORA) if r]
    entry_table(results)
    print()
    totals_table(results)
    if a.show_proposals:
        for r in results:
            print(f"\n### {r['name']}\n\n```yaml\n{r['text']}```")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

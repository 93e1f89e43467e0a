#!/usr/bin/env python3
"""Compare factoryguard's SARIF findings on a corpus with a judgement file.

Used by ci/precision (see there and docs/precision.md). Standard library only.

  precision_compare.py [--report-only] [--markdown FILE]
                       NAME=SARIF=JUDGED [NAME=SARIF=JUDGED ...]

A judgement file has one line per finding:

  file:line rule verdict reason...

file is relative to the corpus's source root (the SARIF report is written with
--source-root set to it), verdict is TP, FP or debatable, reason is free text.
Blank lines and lines starting with '#' are comments. A judgement applies to
every finding of that rule on that line (one line of a header can be reported
once; two findings of one rule on one line share a verdict).

Prints, per corpus and per rule: findings, TP, FP, debatable, precision
(TP / (TP + FP)), debatable share (debatable / findings); then the findings not
yet judged (new) and the judgements whose finding no longer appears (gone).
Exit status: 0 when every finding is judged and none is FP (or with
--report-only); 1 otherwise; 2 on bad input.
"""

import json
import sys
import urllib.parse
from collections import OrderedDict

VERDICTS = ("TP", "FP", "debatable")


def fail(msg):
    print("precision_compare.py: " + msg, file=sys.stderr)
    sys.exit(2)


def read_judged(path):
    judged = OrderedDict()
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return judged  # a new corpus: every finding is new
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 3)
        if len(parts) < 4:
            fail("%s:%d: want 'file:line rule verdict reason', got %r" % (path, n, raw))
        loc, rule, verdict, reason = parts
        if verdict not in VERDICTS:
            fail("%s:%d: verdict must be one of %s, got %r" % (path, n, "/".join(VERDICTS), verdict))
        file, sep, lineno = loc.rpartition(":")
        if not sep or not lineno.isdigit() or not file:
            fail("%s:%d: location must be file:line, got %r" % (path, n, loc))
        key = (file, int(lineno), rule)
        if key in judged:
            fail("%s:%d: %s:%s %s is judged twice" % (path, n, file, lineno, rule))
        judged[key] = (verdict, reason, n)
    return judged


def read_sarif(path):
    try:
        with open(path, encoding="utf-8") as f:
            log = json.load(f)
    except (OSError, ValueError) as e:
        fail("cannot read SARIF %s: %s" % (path, e))
    findings = []  # (file, line, rule, message)
    for run in log.get("runs", []):
        for res in run.get("results", []):
            rule = res.get("ruleId", "?")
            msg = res.get("message", {}).get("text", "")
            locs = res.get("locations") or [{}]
            phys = locs[0].get("physicalLocation", {})
            art = phys.get("artifactLocation", {})
            uri = urllib.parse.unquote(art.get("uri", "?"))
            if uri.startswith("file://"):
                uri = uri[len("file://"):]
            line = phys.get("region", {}).get("startLine", 0)
            findings.append((uri, line, rule, msg))
    return findings


def pct(num, den):
    return "-" if den == 0 else "%.0f%%" % (100.0 * num / den)


def row(label, counts):
    n, tp, fp, deb, new = counts
    return "| %s | %d | %d | %d | %d | %d | %s | %s |" % (
        label, n, tp, fp, deb, new, pct(tp, tp + fp), pct(deb, n))


HEADER = ("| corpus / rule | findings | TP | FP | debatable | unjudged | precision | debatable share |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")


def main(argv):
    report_only = False
    markdown = None
    specs = []
    it = iter(argv)
    for a in it:
        if a == "--report-only":
            report_only = True
        elif a == "--markdown":
            markdown = next(it, None) or fail("--markdown needs a file")
        elif a.startswith("-"):
            fail("unknown option " + a)
        else:
            parts = a.split("=")
            if len(parts) != 3:
                fail("want NAME=SARIF=JUDGED, got " + a)
            specs.append(parts)
    if not specs:
        fail("name at least one NAME=SARIF=JUDGED")

    table = [HEADER]
    problems = []  # text lines: new, gone, FP
    total = [0, 0, 0, 0, 0]
    bad = False
    for name, sarif, judged_path in specs:
        judged = read_judged(judged_path)
        findings = read_sarif(sarif)
        per_rule = OrderedDict()
        seen = set()
        for file, line, rule, msg in sorted(findings):
            key = (file, line, rule)
            c = per_rule.setdefault(rule, [0, 0, 0, 0, 0])
            c[0] += 1
            if key in judged:
                seen.add(key)
                verdict, reason, _ = judged[key]
                c[1 + VERDICTS.index(verdict)] += 1
                if verdict == "FP":
                    problems.append("%s: FP   %s:%d %s  (%s)" % (name, file, line, rule, reason))
            else:
                c[4] += 1
                problems.append("%s: new  %s:%d %s  %s" % (name, file, line, rule, msg))
        for key, (verdict, reason, n) in judged.items():
            if key not in seen:
                problems.append("%s: gone %s:%d %s  (was %s, %s:%d)" % (
                    name, key[0], key[1], key[2], verdict, judged_path, n))
        corpus_total = [sum(c[i] for c in per_rule.values()) for i in range(5)]
        table.append(row("**%s**" % name, corpus_total))
        for rule, c in per_rule.items():
            table.append(row("%s / %s" % (name, rule), c))
        total = [a + b for a, b in zip(total, corpus_total)]
        if corpus_total[2] or corpus_total[4]:
            bad = True
    table.append(row("**all corpora**", total))
    # per rule over all corpora
    print("\n".join(table))
    if problems:
        print()
        print("\n".join(problems))
    if total[0] and total[3] * 4 > total[0]:
        print("\nnote: debatable share %s is above issue 13's target of 25%%" % pct(total[3], total[0]))
    if markdown:
        with open(markdown, "w", encoding="utf-8") as f:
            f.write("\n".join(table) + "\n")
    if bad and not report_only:
        print("\nprecision: FAIL (%d FP, %d unjudged)" % (total[2], total[4]), file=sys.stderr)
        return 1
    print("\nprecision: %s (%d findings, %d TP, %d FP, %d debatable, %d unjudged)" % (
        "ok" if not bad else "report only", total[0], total[1], total[2], total[3], total[4]),
        file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

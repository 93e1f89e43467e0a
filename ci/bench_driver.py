#!/usr/bin/env python3
"""Measurement half of ci/bench (see docs/benchmarks.md).

For each corpus: pick the translation units (one compile command per source
file under the corpus's source tree), write them as a compile database of
their own, then time every tool over exactly those TUs, --runs times, and
print one table (the median of the runs) per corpus.

How a measurement is taken: a fresh helper process (this script with
`_measure`) runs the commands one after the other and reports
  wall  - monotonic clock around the whole sequence,
  CPU   - user+sys of all its children (getrusage(RUSAGE_CHILDREN)), which
          includes grandchildren the tools waited for (worker processes),
  RSS   - the largest ru_maxrss of any single process among them (Linux
          reports the peak of the largest child, not a sum of concurrent
          processes).
A fresh helper per measurement keeps RUSAGE_CHILDREN from accumulating
across rows. Each command's own rusage comes from os.wait4.
"""
import argparse
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import time

ARGS = None
TIDY = "clang-tidy-19"
CXX = "clang++-19"
TIDY_CHECKS = ("-*,fuchsia-statically-constructed-objects,cert-err58-cpp,"
               "cppcoreguidelines-avoid-non-const-global-variables")
SOURCE_EXTS = (".cc", ".cpp", ".cxx", ".c++", ".C")


# --------------------------------------------------------------- helper mode
def measure_helper(spec_path):
    """Runs the commands in spec (JSON) sequentially; prints JSON results."""
    with open(spec_path) as f:
        spec = json.load(f)
    log = open(spec["log"], "ab")
    per = []
    t0 = time.monotonic()
    for cmd in spec["commands"]:
        log.write(("\n$ (cd %s && %s)\n" % (cmd["cwd"], shlex.join(cmd["argv"]))).encode())
        log.flush()
        c0 = time.monotonic()
        try:
            p = subprocess.Popen(cmd["argv"], cwd=cmd["cwd"], stdout=log,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        except OSError as e:
            per.append({"rc": 127, "error": str(e), "wall": 0.0, "cpu": 0.0, "rss_kib": 0})
            continue
        _, status, ru = os.wait4(p.pid, 0)
        rc = os.waitstatus_to_exitcode(status)
        p.returncode = rc  # already reaped; keep Popen from waiting again
        per.append({"rc": rc, "wall": time.monotonic() - c0,
                    "cpu": ru.ru_utime + ru.ru_stime, "rss_kib": ru.ru_maxrss})
    wall = time.monotonic() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    json.dump({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime,
               "rss_kib": ru.ru_maxrss, "per": per}, sys.stdout)
    return 0


def cpu_idle_fraction(seconds):
    """Share of all CPUs left idle by every other process over `seconds`."""
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v[:8])  # idle+iowait, total (without guest)
    i0, t0 = snap()
    time.sleep(seconds)
    i1, t1 = snap()
    return (i1 - i0) / max(1, t1 - t0)


WAITED = {"seconds": 0.0, "gave_up": 0}


def wait_idle(max_seconds):
    """Waits (at most max_seconds) until the other processes use <10% CPU."""
    if max_seconds <= 0:
        return
    start = time.monotonic()
    while True:
        try:
            idle = cpu_idle_fraction(2.0)
        except OSError:
            return
        if idle >= 0.9:
            break
        if time.monotonic() - start >= max_seconds:
            WAITED["gave_up"] += 1
            print("  (machine still busy after %ds of waiting, %.0f%% idle: measuring anyway)"
                  % (max_seconds, idle * 100), flush=True)
            break
    WAITED["seconds"] += time.monotonic() - start


def measure(commands, log, tmpdir):
    wait_idle(ARGS.wait_idle)
    spec = os.path.join(tmpdir, "spec.json")
    with open(spec, "w") as f:
        json.dump({"commands": commands, "log": log}, f)
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "_measure", spec],
                         stdout=subprocess.PIPE, check=True)
    return json.loads(out.stdout)


# --------------------------------------------------------------- corpus
def entry_argv(e):
    if "arguments" in e:
        return list(e["arguments"])
    return shlex.split(e["command"])


def syntax_only_argv(argv):
    """The TU's own flags, minus output/dependency-file options, + -fsyntax-only."""
    out = [argv[0], "-fsyntax-only"]
    skip = False
    for a in argv[1:]:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ"):
            skip = True
            continue
        if a in ("-c", "-MD", "-MMD"):
            continue
        if re.match(r"^-(o|MF|MT|MQ).+", a):
            continue
        out.append(a)
    return out


def load_tus(build, src, dbdir):
    """First compile command of every C++ source under src; written to dbdir."""
    with open(os.path.join(build, "compile_commands.json")) as f:
        db = json.load(f)
    src = os.path.realpath(src)
    seen, tus, dropped_outside, dups = set(), [], 0, 0
    for e in db:
        path = os.path.realpath(os.path.join(e["directory"], e["file"]))
        if not path.endswith(SOURCE_EXTS):
            continue
        if not path.startswith(src + os.sep):
            dropped_outside += 1
            continue
        if path in seen:
            dups += 1
            continue
        seen.add(path)
        argv = entry_argv(e)
        tus.append({"file": path, "directory": e["directory"], "argv": argv})
    os.makedirs(dbdir, exist_ok=True)
    with open(os.path.join(dbdir, "compile_commands.json"), "w") as f:
        json.dump([{"directory": t["directory"], "file": t["file"], "arguments": t["argv"]}
                   for t in tus], f, indent=1)
    return tus, dropped_outside, dups


# --------------------------------------------------------------- rows
# The header the "one header edited" row touches, relative to the source
# tree: one that a few units include, not all of them.
HEADER_EDIT = {"leveldb": "db/log_writer.h", "spdlog": "include/spdlog/sinks/rotating_file_sink.h",
               "fmtlib": "include/fmt/chrono.h"}

def rows_for(tus, dbdir, cfg, fg, plugin):
    files = [t["file"] for t in tus]
    cwd = dbdir
    rows = [{
        "id": "baseline", "label": "%s -fsyntax-only (baseline, 1 process/TU)" % CXX,
        "commands": [{"argv": syntax_only_argv(t["argv"]), "cwd": t["directory"]} for t in tus],
        "ok": (0,),
    }, {
        "id": "tidy", "label": "%s, 3 static-init checks" % TIDY,
        "commands": [{"argv": [TIDY, "-p", dbdir, "--quiet", "--config={}",
                               "--checks=" + TIDY_CHECKS] + files, "cwd": cwd}],
        "ok": (0,),
    }]
    plug = {"id": "plugin", "label": "%s --load libfactoryguard-tidy.so" % TIDY, "ok": (0,)}
    if ARGS.have["plugin"]:
        plug["commands"] = [{"argv": [TIDY, "--load=" + plugin, "-p", dbdir, "--quiet",
                                      "--config={}", "--checks=-*,factoryguard-*"] + files,
                             "cwd": cwd}]
    else:
        plug["skip"] = "pending: %s did not exist when the run started" % plugin
    rows.append(plug)
    # SPEC §7 rows. "cold": an empty cache directory before each run (the
    # default behaviour on a first run: system bodies skipped, results
    # written); "full": the same with --full-parse; "warm": the cache the
    # -j1 cold row just filled, nothing changed; "header": that cache after
    # a comment is appended to one header (restored after the run), so only
    # the units that include it are analyzed again.
    cache = os.path.join(os.path.dirname(ARGS.results), "cache")
    base = lambda j: [fg, "-p", dbdir, "-j%d" % j, "--config", cfg]
    specs = [
        ("fg-j1", "factoryguard -j1, cold cache", base(1), "cold-j1", True),
        ("fg-j2", "factoryguard -j2, cold cache", base(2), "cold-j2", True),
        ("fg-full", "factoryguard -j1 --full-parse, cold cache", base(1) + ["--full-parse"],
         "cold-full", True),
        ("fg-warm", "factoryguard -j1, warm cache (nothing changed)", base(1), "cold-j1", False),
    ]
    if HEADER_EDIT.get(ARGS.current_corpus):
        specs.append(("fg-header", "factoryguard -j1, warm cache, %s edited"
                      % HEADER_EDIT[ARGS.current_corpus], base(1), "cold-j1", False))
    for rid, label, argv, cdir, fresh in specs:
        r = {"id": rid, "label": label, "ok": (0, 1), "cache": os.path.join(cache, cdir),
             "fresh_cache": fresh}
        if ARGS.have["factoryguard"]:
            r["commands"] = [{"argv": argv + ["--cache-dir", r["cache"]] + files, "cwd": cwd}]
        else:
            r["skip"] = "pending: %s did not exist when the run started" % fg
        rows.append(r)
    return rows


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=2, suffix=""):
    return "—" if x is None else ("%.*f%s" % (nd, x, suffix))


# --------------------------------------------------------------- one corpus
def run_corpus(name, src, build, cfg, args, tmpdir):
    resdir = args.results
    dbdir = os.path.join(os.path.dirname(resdir), "db", name)
    logdir = os.path.join(resdir, "logs", name)
    shutil.rmtree(logdir, ignore_errors=True)
    os.makedirs(logdir)
    WAITED.update(seconds=0.0, gave_up=0)
    tus, outside, dups = load_tus(build, src, dbdir)
    if not tus:
        print("ci/bench: %s: no C++ translation unit under %s in %s/compile_commands.json"
              % (name, src, build), file=sys.stderr)
        return None, False
    print("\n## %s (%s)\n" % (name, os.path.basename(src)))
    print("%d TUs (one compile command per source file under the source tree; "
          "%d commands outside it and %d duplicate commands left out)"
          % (len(tus), outside, dups))
    load0 = loadavg()
    try:
        idle0 = cpu_idle_fraction(1.0)
    except OSError:
        idle0 = 1.0
    print("load average at start: %s; CPUs %.0f%% idle%s" % (
        load0, idle0 * 100, "  (other processes are running: wall times may be inflated; "
        "compare CPU times, use --wait-idle, or rerun when the machine is idle)"
        if idle0 < 0.9 else ""))
    args.current_corpus = name
    rows = rows_for(tus, dbdir, cfg, args.factoryguard, args.plugin)
    results = {r["id"]: [] for r in rows}
    failures = []
    for i in range(args.runs):
        for r in rows:
            if "skip" in r:
                continue
            log = os.path.join(logdir, "%s.run%d.log" % (r["id"], i + 1))
            if r.get("fresh_cache"):
                shutil.rmtree(r["cache"], ignore_errors=True)
            edited = None
            if r["id"] == "fg-header":
                edited = os.path.join(src, HEADER_EDIT[name])
                with open(edited) as f:
                    original = f.read()
                with open(edited, "a") as f:
                    f.write("\n// ci/bench: edited for run %d at %f\n" % (i + 1, time.time()))
            try:
                m = measure(r["commands"], log, tmpdir)
            finally:
                if edited:
                    with open(edited, "w") as f:
                        f.write(original)
            bad = [(c, p["rc"]) for c, p in zip(r["commands"], m["per"]) if p["rc"] not in r["ok"]]
            for c, rc in bad:
                failures.append("%s run %d: exit %d: %s (log %s)" % (
                    r["label"], i + 1, rc, shlex.join(c["argv"])[:200], os.path.relpath(log)))
            m["failed"] = bool(bad)
            results[r["id"]].append(m)
            print("  run %d/%d %-55s wall %7.2fs cpu %7.2fs rss %6.0f MiB%s" % (
                i + 1, args.runs, r["label"], m["wall"], m["cpu"], m["rss_kib"] / 1024,
                "  (FAILED)" if bad else ""), flush=True)

    # the largest TU: highest median baseline peak RSS; measured again, alone,
    # with clang++ and factoryguard -j1 in the same run
    base_per = [[p["rss_kib"] for p in m["per"]] for m in results["baseline"]]
    tu_rss = [statistics.median(col) for col in zip(*base_per)]
    big = max(range(len(tus)), key=lambda k: tu_rss[k])
    big_tu = tus[big]
    largest = {"file": os.path.relpath(big_tu["file"], src), "runs": []}
    fgrow = next(r for r in rows if r["id"] == "fg-j1")
    if "skip" not in fgrow:
        for i in range(args.runs):
            b = measure([{"argv": syntax_only_argv(big_tu["argv"]), "cwd": big_tu["directory"]}],
                        os.path.join(logdir, "largest-baseline.run%d.log" % (i + 1)), tmpdir)
            flog = os.path.join(logdir, "largest-fg.run%d.log" % (i + 1))
            f = measure([{"argv": [args.factoryguard, "-p", dbdir, "-j1", "--no-cache",
                                   "--config", cfg, big_tu["file"]], "cwd": dbdir}], flog, tmpdir)
            if f["per"][0]["rc"] not in (0, 1):
                failures.append("factoryguard -j1 on the largest TU run %d: exit %d (log %s)"
                                % (i + 1, f["per"][0]["rc"], os.path.relpath(flog)))
            largest["runs"].append({"baseline_rss_kib": b["rss_kib"], "fg_rss_kib": f["rss_kib"],
                                    "baseline_wall": b["wall"], "fg_wall": f["wall"]})

    # ---- table
    def ratio(num, den):
        """median over runs of num/den, both from the same run."""
        a, b = results.get(num, []), results.get(den, [])
        if not a or not b:
            return None
        return med([x["wall"] / y["wall"] for x, y in zip(a, b) if y["wall"] > 0])

    lines = []
    lines.append("| tool | wall s | wall min–max | CPU s | peak RSS MiB | wall / baseline |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    summary = {}
    for r in rows:
        ms = results[r["id"]]
        if "skip" in r:
            lines.append("| %s | %s | | | | |" % (r["label"], r["skip"]))
            continue
        w = med([m["wall"] for m in ms])
        c = med([m["cpu"] for m in ms])
        rss = med([m["rss_kib"] / 1024 for m in ms])
        rb = ratio(r["id"], "baseline")
        summary[r["id"]] = {"wall": w, "cpu": c, "rss_mib": rss, "wall_vs_baseline": rb,
                            "failed_runs": sum(m["failed"] for m in ms)}
        lines.append("| %s%s | %s | %s–%s | %s | %s | %s |" % (
            r["label"], " (FAILED, see notes)" if any(m["failed"] for m in ms) else "",
            fmt(w), fmt(min(m["wall"] for m in ms)), fmt(max(m["wall"] for m in ms)),
            fmt(c), fmt(rss, 0), fmt(rb, 2, "×")))
    lines.append("")
    extra = []
    sp = ratio("fg-j1", "fg-j2")
    extra.append("factoryguard -j1 / -j2 wall (speedup): %s" % (fmt(sp, 2, "×") if sp else "pending"))
    for tid in ("tidy", "plugin"):
        lab = next(r["label"] for r in rows if r["id"] == tid)
        for j in ("fg-j1", "fg-j2"):
            x = ratio(j, tid)
            extra.append("factoryguard %s wall / %s wall: %s" % (
                j[3:], lab, fmt(x, 2, "×") if x else "pending"))
    if largest["runs"]:
        bm = med([x["baseline_rss_kib"] / 1024 for x in largest["runs"]])
        fm = med([x["fg_rss_kib"] / 1024 for x in largest["runs"]])
        rr = med([x["fg_rss_kib"] / x["baseline_rss_kib"] for x in largest["runs"]])
        extra.append("largest TU %s: peak RSS factoryguard -j1 %s MiB vs %s -fsyntax-only %s MiB "
                     "(%s)" % (largest["file"], fmt(fm, 0), CXX, fmt(bm, 0), fmt(rr, 2, "×")))
        largest.update({"fg_rss_mib": fm, "baseline_rss_mib": bm, "ratio": rr})
    else:
        extra.append("largest TU %s (baseline peak RSS %.0f MiB): factoryguard -j1 pending"
                     % (largest["file"], tu_rss[big] / 1024))
    # single-threaded sequential rows: wall ≈ CPU on an idle machine
    seq = [m["wall"] / m["cpu"] for rid in ("baseline", "tidy") for m in results[rid] if m["cpu"] > 0]
    contention = max(seq) if seq else None
    extra.append("load average at start %s, at end %s; wall/CPU of the sequential rows: "
                 "median %s, max %s%s"
                 % (load0, loadavg(), fmt(med(seq)), fmt(contention),
                    " — CONTENDED: other processes competed for the CPUs, wall times are "
                    "inflated" if contention and contention > 1.15 else " (idle machine)"))
    if ARGS.wait_idle > 0:
        extra.append("waited %.0fs in all for an idle machine (--wait-idle %d); measured on a busy "
                     "machine %d time(s)" % (WAITED["seconds"], ARGS.wait_idle, WAITED["gave_up"]))
    lines += ["- " + e for e in extra]
    if failures:
        lines.append("")
        lines.append("Failures:")
        lines += ["- " + f for f in failures]
    text = "\n".join(lines)
    print()
    print(text)
    with open(os.path.join(resdir, name + ".md"), "w") as f:
        f.write("## %s (%s), %d TUs, median of %d runs\n\n%s\n"
                % (name, os.path.basename(src), len(tus), args.runs, text))
    with open(os.path.join(resdir, name + ".json"), "w") as f:
        json.dump({"corpus": name, "source": src, "tus": [t["file"] for t in tus],
                   "runs": args.runs, "rows": {r["id"]: {"label": r["label"],
                   "skip": r.get("skip"), "runs": results[r["id"]]} for r in rows},
                   "summary": summary, "largest_tu": largest,
                   "largest_tu_by_baseline_rss_mib": tu_rss[big] / 1024,
                   "load_start": load0, "max_wall_over_cpu_sequential": contention,
                   "waited_for_idle_s": WAITED["seconds"], "busy_measurements": WAITED["gave_up"],
                   "failures": failures}, f, indent=1)
    return summary, not failures


def loadavg():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "?"


def machine_info():
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass

    def ver(cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"
    return {"nproc": os.cpu_count(), "cpu": model, "ram": mem, "kernel": platform.release(),
            "clang": ver([CXX, "--version"]), "clang-tidy": ver([TIDY, "--version"]),
            "cmake": ver(["cmake", "--version"])}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "_measure":
        return measure_helper(sys.argv[2])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--factoryguard", required=True)
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--corpus", action="append", required=True,
                    help="name=srcdir=builddir=config.yaml")
    ap.add_argument("--wait-idle", type=int, default=0, metavar="SECONDS",
                    help="before each measurement wait up to SECONDS for the other "
                         "processes to leave the CPUs >=90%% idle")
    args = ap.parse_args()
    global ARGS
    ARGS = args
    os.makedirs(args.results, exist_ok=True)
    tmpdir = os.path.join(args.results, ".tmp")
    os.makedirs(tmpdir, exist_ok=True)
    # Work on private copies: a rebuild of build/ while the benchmark runs
    # (other people's builds on a shared machine) must neither break a run
    # half-way nor mix two versions of the tool in one table.
    bindir = os.path.join(tmpdir, "bin")
    os.makedirs(bindir, exist_ok=True)
    # A tool that does not exist when the run starts stays pending for the
    # whole run, even if a build produces it meanwhile.
    args.have = {}
    for attr in ("factoryguard", "plugin"):
        path = getattr(args, attr)
        args.have[attr] = os.path.isfile(path) and (attr == "plugin" or os.access(path, os.X_OK))
        if args.have[attr]:
            copy = os.path.join(bindir, os.path.basename(path))
            shutil.copy2(path, copy)
            print("%s: %s (copied to %s for the duration of the run)"
                  % (attr, path, os.path.relpath(copy)))
            setattr(args, attr, copy)
        else:
            print("%s: %s does not exist yet: its rows are reported as pending" % (attr, path))
    info = machine_info()
    if args.have["factoryguard"]:
        try:
            info["factoryguard"] = subprocess.run(
                [args.factoryguard, "--version"], stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, text=True).stdout.strip()
        except OSError:
            pass
        print("factoryguard: %s" % info.get("factoryguard", "?"))
    print("machine: %d cores, %s, %s RAM, Linux %s" % (info["nproc"], info["cpu"], info["ram"],
                                                       info["kernel"]))
    print("tools:   %s | %s | %s" % (info["clang"], info["clang-tidy"], info["cmake"]))
    ok = True
    for spec in args.corpus:
        name, src, build, cfg = spec.split("=", 3)
        try:
            _, good = run_corpus(name, src, build, cfg, args, tmpdir)
        except subprocess.CalledProcessError as e:
            print("ci/bench: %s: the measuring helper failed (%s)" % (name, e), file=sys.stderr)
            good = False
        ok = ok and bool(good)
    shutil.rmtree(tmpdir, ignore_errors=True)
    with open(os.path.join(args.results, "machine.json"), "w") as f:
        json.dump(info, f, indent=1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Edit-to-diagnostics time of language servers on one file (ci/bench-lsp).

Starts each SERVER (the command line of `clangd-19` or `factoryguard lsp`,
given as --server LABEL COMMAND, or one as -- SERVER...) in the working
directory over pipes and initializes it. Then, one server at a time, opens
FILE with its text on disk and waits for the first
textDocument/publishDiagnostics of that version: the preamble (the parsed
headers) is built then, by each server. It then makes one warm-up edit and
EDITS timed edits, each a full-text didChange of the next version that
changes a statement inside a function body: after LINE (1-based, a
statement ending with ';') an edit appends either a comment or an empty
statement, in turn. Each edit's time runs from the didChange written to the
publishDiagnostics of that version read (a server that does not say the
version: the next publish of the file). No edit is sent before the previous
one's diagnostics arrived, so none supersedes another and a debounce adds
to every edit's time.

The servers are paired edit by edit: edit n goes to every server in turn,
one at a time, the first one in rotation (clangd, factoryguard; then
factoryguard, clangd; ...), each after SETTLE ms and once every server is
quiet (less than a tenth of a CPU over 100 ms: clangd indexes the headers
after its first diagnostics, factoryguard frees an edit's AST after it
answered), as is each open. A slow spell of
a shared machine thus falls on every server alike, instead of on whichever
ran alone at the time; edit n's times of two servers are a pair.

While a server runs, the proportional set size (Pss, which counts pages a
forked worker shares with the server once) of the server and every process
under it is summed every 50 ms; the largest sum is its peak memory. Prints
one JSON object per server (one line each): the times in milliseconds in
edit order, their median and 90th percentile, the peak memory in MiB, and
the lines of the server's stderr that say what it did with the preamble and
how long the analysis took (factoryguard's log).

With --cpu N every server runs on CPU N alone (its processes and threads
inherit it) and this script on the other CPUs: the two vCPUs of a shared
VM can differ in speed by half, and which one is slow changes from minute
to minute, so an edit's time would otherwise depend on the CPU it got.

Usage: bench_lsp.py --file F --line N [--edits 20] [--timeout S]
                    [--settle-ms 200] [--cpu N]
                    (--server LABEL COMMAND)... [-- SERVER...]
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp_publish import frame, read_message  # noqa: E402


def descendants(pid):
    """pid and every process under it (from /proc)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def pss_kib(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.stop = pid, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            total = sum(pss_kib(p) for p in descendants(self.pid))
            self.peak_kib = max(self.peak_kib, total)
            self.stop.wait(0.05)


def cpu_ticks(pids):
    """User and system CPU time of pids so far, in clock ticks (/proc)."""
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total


def wait_quiet(pids, cap_s=10.0):
    """Waits until the processes pids and those under them use less than a
    tenth of a CPU over 100 ms (at most cap_s): what a server does after it
    published (clangd indexes the headers it parsed, factoryguard frees an
    edit's AST) must not fall on the next server's time."""
    deadline = time.monotonic() + cap_s
    while time.monotonic() < deadline:
        tree = [q for p in pids for q in descendants(p)]
        before = cpu_ticks(tree)
        time.sleep(0.1)
        if cpu_ticks(tree) - before <= 1:
            return


def percentile(values, q):
    """The q-quantile by linear interpolation (numpy's default)."""
    s = sorted(values)
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def edited(lines, line, n):
    """The text with edit n after line (1-based)."""
    out = list(lines)
    extra = " // fg-bench edit %d" % n if n % 2 else " (void)%d;" % n
    out[line - 1] = out[line - 1].rstrip("\n") + extra + "\n"
    return "".join(out)


class Server:
    def __init__(self, cmd, stderr_lines, cpu=None):
        pin = None if cpu is None else (
            lambda: os.sched_setaffinity(0, {cpu}))
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, preexec_fn=pin)
        self.stderr_lines = stderr_lines
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace").rstrip())

    def send(self, msg):
        self.proc.stdin.write(frame(msg))
        self.proc.stdin.flush()

    def wait_for(self, pred, what):
        while True:
            body = read_message(self.proc.stdout)
            if body is None:
                raise RuntimeError("the server ended before " + what)
            msg = json.loads(body)
            if os.environ.get("BENCH_LSP_DEBUG"):
                sys.stderr.write("bench_lsp.py: got %s\n" % json.dumps(
                    {k: msg[k] for k in msg if k != "params"}) +
                    " %s\n" % {k: v for k, v in msg.get("params", {}).items()
                               if k != "diagnostics"})
            if pred(msg):
                return msg
            if msg.get("id") is not None and "method" in msg:
                # A request to the client (clangd asks for progress tokens).
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})


def published(uri, version):
    def pred(msg):
        if msg.get("method") != "textDocument/publishDiagnostics":
            return False
        p = msg["params"]
        # Compared decoded: clangd escapes '+' (%2B), we do not.
        return (urllib.parse.unquote(p.get("uri", "")) == uri and
                p.get("version", version) == version)
    return pred


class Measured:
    """One server under measurement: its process, memory sampler and times."""

    def __init__(self, label, cmd, cpu):
        self.label, self.stderr_lines = label, []
        self.server = Server(cmd, self.stderr_lines, cpu)
        self.sampler = MemorySampler(self.server.proc.pid)
        self.sampler.start()
        self.times, self.open_ms, self.first = [], 0.0, None

    def edit(self, uri, lines, line, n):
        """Edit n (version n + 2); its time in ms."""
        version = n + 2
        start = time.monotonic()
        self.server.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
                          "params": {"textDocument": {"uri": uri,
                                                      "version": version},
                                     "contentChanges": [
                                         {"text": edited(lines, line, n)}]}})
        self.server.wait_for(published(uri, version),
                             "version %d's diagnostics" % version)
        return (time.monotonic() - start) * 1000

    def result(self, path):
        log = [line for line in self.stderr_lines
               if any(k in line for k in ("preamble", "published", "phases",
                                          "worker:"))]
        return {"server": self.label, "file": path,
                "open_ms": round(self.open_ms),
                "first_diagnostics": len(self.first["params"]["diagnostics"]),
                "edit_ms": [round(t, 1) for t in self.times],
                "median_ms": (round(percentile(self.times, 0.5), 1)
                              if self.times else None),
                "p90_ms": (round(percentile(self.times, 0.9), 1)
                           if self.times else None),
                "peak_pss_mib": round(self.sampler.peak_kib / 1024),
                "server_log": log[-8:], "server_log_all": log}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", required=True)
    ap.add_argument("--line", type=int, required=True)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--settle-ms", type=float, default=200)
    ap.add_argument("--cpu", type=int)
    ap.add_argument("--server", nargs=2, action="append", default=[],
                    metavar=("LABEL", "COMMAND"))
    ap.add_argument("server_cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    servers = [(label, shlex.split(cmd)) for label, cmd in a.server]
    cmd = a.server_cmd[1:] if a.server_cmd[:1] == ["--"] else a.server_cmd
    if cmd:
        servers.append(("server", cmd))
    if not servers:
        sys.exit("bench_lsp.py: no server (--server LABEL COMMAND, or -- SERVER...)")
    # clangd names a file by its real path (symbolic links resolved).
    path = os.path.realpath(a.file)
    uri = "file://" + path
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    if not lines[a.line - 1].rstrip().endswith(";"):
        sys.exit("bench_lsp.py: line %d of %s is not a statement: %r" %
                 (a.line, path, lines[a.line - 1]))

    if a.cpu is not None:
        # The servers (and every process and thread they start) on one CPU,
        # this script on the others: each server's edit runs on the same
        # CPU as the other's (the CPUs of a shared VM differ in speed, and
        # which is slower changes), and the memory sampler does not compete.
        others = os.sched_getaffinity(0) - {a.cpu}
        if others:
            os.sched_setaffinity(0, others)
    measured = [Measured(label, c, a.cpu) for label, c in servers]
    timer = threading.Timer(
        a.timeout, lambda: [m.server.proc.kill() for m in measured])
    timer.start()
    settle = a.settle_ms / 1000
    current = None
    try:
        for m in measured:
            current = m
            m.server.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                           "params": {"processId": os.getpid(),
                                      "rootUri": None, "capabilities": {}}})
            m.server.wait_for(lambda msg: msg.get("id") == 1, "initialize")
            m.server.send({"jsonrpc": "2.0", "method": "initialized",
                           "params": {}})
        pids = [m.server.proc.pid for m in measured]
        for m in measured:  # one at a time: each open has the CPUs alone
            current = m
            time.sleep(settle)
            wait_quiet(pids)
            start = time.monotonic()
            m.server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                           "params": {"textDocument": {
                               "uri": uri, "languageId": "cpp", "version": 1,
                               "text": "".join(lines)}}})
            m.first = m.server.wait_for(published(uri, 1),
                                        "the first diagnostics")
            m.open_ms = (time.monotonic() - start) * 1000
        for n in range(0, a.edits + 1):  # edit 0: the warm-up
            # Edit n of every server, one server at a time, the first one
            # in turn: a slow spell of the machine falls on all of them.
            k = n % len(measured)
            for m in measured[k:] + measured[:k]:
                current = m
                time.sleep(settle)
                wait_quiet(pids)
                t = m.edit(uri, lines, a.line, n)
                if n:
                    m.times.append(t)
        for m in measured:
            current = m
            m.server.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
            m.server.wait_for(lambda msg: msg.get("id") == 2,
                              "the shutdown answer")
            m.server.send({"jsonrpc": "2.0", "method": "exit"})
            m.server.proc.stdin.close()
            m.server.proc.wait(timeout=30)
    except (RuntimeError, BrokenPipeError, subprocess.TimeoutExpired) as e:
        for m in measured:
            m.server.proc.kill()
            m.server.proc.wait()
        sys.stderr.write("bench_lsp.py: %s: %s\n%s\n" %
                         (current.label if current else "", e,
                          "\n".join(current.stderr_lines[-30:]
                                    if current else [])))
        return 1
    finally:
        timer.cancel()
        for m in measured:
            m.sampler.stop.set()
    for m in measured:
        m.sampler.join()
        json.dump(m.result(path), sys.stdout)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

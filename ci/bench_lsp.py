#!/usr/bin/env python3
"""Edit-to-diagnostics time of one language server on one file (ci/bench-lsp).

Starts SERVER... (the command line of `clangd-19` or `factoryguard lsp`) in
the working directory over pipes, initializes, opens FILE with its text on
disk and waits for the first textDocument/publishDiagnostics of that
version: the preamble (the parsed headers) is built then, by both servers.
It then makes one warm-up edit and EDITS timed edits, one at a time, each a
full-text didChange of the next version that changes a statement inside a
function body: after LINE (1-based, a statement ending with ';') an edit
appends either a comment or an empty statement, in turn. Each edit's time
runs from the didChange written to the publishDiagnostics of that version
read (a server that does not say the version: the next publish of the
file). No edit is sent before the previous one's diagnostics arrived, so
none supersedes another and a debounce adds to every edit's time.

While the server runs, the proportional set size (Pss, which counts pages a
forked worker shares with the server once) of the server and every process
under it is summed every 50 ms; the largest sum is its peak memory. Prints
one JSON object: the times in milliseconds, their median and 90th
percentile, the peak memory in MiB, and the last lines of the server's
stderr that say what it did with the preamble and how long the analysis
took (factoryguard's log).

Usage: bench_lsp.py --file F --line N [--edits 20] [--timeout S] -- SERVER...
"""
import argparse
import json
import os
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
    def __init__(self, cmd, stderr_lines):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", required=True)
    ap.add_argument("--line", type=int, required=True)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("server", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.server[1:] if a.server[:1] == ["--"] else a.server
    if not cmd:
        sys.exit("bench_lsp.py: no server command after --")
    # clangd names a file by its real path (symbolic links resolved).
    path = os.path.realpath(a.file)
    uri = "file://" + path
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    if not lines[a.line - 1].rstrip().endswith(";"):
        sys.exit("bench_lsp.py: line %d of %s is not a statement: %r" %
                 (a.line, path, lines[a.line - 1]))

    stderr_lines = []
    s = Server(cmd, stderr_lines)
    sampler = MemorySampler(s.proc.pid)
    sampler.start()
    timer = threading.Timer(a.timeout, s.proc.kill)
    timer.start()

    def published(version):
        def pred(msg):
            if msg.get("method") != "textDocument/publishDiagnostics":
                return False
            p = msg["params"]
            # Compared decoded: clangd escapes '+' (%2B), we do not.
            return (urllib.parse.unquote(p.get("uri", "")) == uri and
                    p.get("version", version) == version)
        return pred

    try:
        s.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": os.getpid(), "rootUri": None,
                           "capabilities": {}}})
        s.wait_for(lambda m: m.get("id") == 1, "initialize")
        s.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        start = time.monotonic()
        s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri, "languageId": "cpp",
                                            "version": 1,
                                            "text": "".join(lines)}}})
        first = s.wait_for(published(1), "the first diagnostics")
        open_ms = (time.monotonic() - start) * 1000
        times = []
        for n in range(0, a.edits + 1):  # edit 0: the warm-up
            version = n + 2
            start = time.monotonic()
            s.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
                    "params": {"textDocument": {"uri": uri,
                                                "version": version},
                               "contentChanges": [
                                   {"text": edited(lines, a.line, n)}]}})
            s.wait_for(published(version), "version %d's diagnostics" %
                       version)
            if n:
                times.append((time.monotonic() - start) * 1000)
        s.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        s.wait_for(lambda m: m.get("id") == 2, "the shutdown answer")
        s.send({"jsonrpc": "2.0", "method": "exit"})
        s.proc.stdin.close()
        s.proc.wait(timeout=30)
    except (RuntimeError, BrokenPipeError, subprocess.TimeoutExpired) as e:
        s.proc.kill()
        s.proc.wait()
        sys.stderr.write("bench_lsp.py: %s\n%s\n" %
                         (e, "\n".join(stderr_lines[-30:])))
        return 1
    finally:
        timer.cancel()
        sampler.stop.set()
    sampler.join()
    server_log = [line for line in stderr_lines
                  if any(k in line for k in ("preamble", "published",
                                             "phases", "worker:"))]
    json.dump({"file": path,
               "open_ms": round(open_ms),
               "first_diagnostics": len(first["params"]["diagnostics"]),
               "edit_ms": [round(t, 1) for t in times],
               "median_ms": round(percentile(times, 0.5), 1),
               "p90_ms": round(percentile(times, 0.9), 1),
               "peak_pss_mib": round(sampler.peak_kib / 1024),
               "server_log": server_log[-8:], "server_log_all": server_log},
              sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""What `factoryguard lsp` publishes for one file, as bytes to compare.

Used by ci/compare-outputs.sh: starts BINARY lsp [ARGS...] in the working
directory over pipes, initializes, opens FILE with its text on disk, waits
for the first textDocument/publishDiagnostics of that document, then shuts
the server down. Prints the body of the initialize result and of that
notification exactly as the server framed them (no reformatting, so a
change of key order or escaping shows), then the server's exit status.

Usage: lsp_publish.py [--timeout S] BINARY FILE [ARGS...]
"""
import json
import os
import subprocess
import sys
import threading


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream):
    """One framed message's body (bytes), or None at the end of the stream."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        raise RuntimeError("a message without Content-Length")
    body = stream.read(length)
    if len(body) != length:
        return None
    return body


def main():
    args = sys.argv[1:]
    timeout = 300.0
    if args[:1] == ["--timeout"]:
        timeout = float(args[1])
        args = args[2:]
    if len(args) < 2:
        sys.exit(__doc__)
    binary, path, extra = args[0], os.path.abspath(args[1]), args[2:]
    uri = "file://" + path
    with open(path, encoding="utf-8") as f:
        text = f.read()

    server = subprocess.Popen([binary, "lsp"] + extra, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Standard error is read on its own thread so a chatty server never
    # blocks on a full pipe; it is not compared (it logs timings).
    threading.Thread(target=server.stderr.read, daemon=True).start()
    timer = threading.Timer(timeout, server.kill)
    timer.start()

    def send(msg):
        server.stdin.write(frame(msg))
        server.stdin.flush()

    out = sys.stdout.buffer
    try:
        send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"processId": None, "rootUri": None,
                         "capabilities": {}}})
        while True:
            body = read_message(server.stdout)
            if body is None:
                raise RuntimeError("no answer to initialize")
            if json.loads(body).get("id") == 1:
                out.write(b"initialize: " + body + b"\n")
                break
        send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
              "params": {"textDocument": {"uri": uri, "languageId": "cpp",
                                          "version": 1, "text": text}}})
        while True:
            body = read_message(server.stdout)
            if body is None:
                raise RuntimeError("no publishDiagnostics for " + uri)
            msg = json.loads(body)
            if (msg.get("method") == "textDocument/publishDiagnostics" and
                    msg["params"].get("uri") == uri):
                out.write(b"publishDiagnostics: " + body + b"\n")
                break
        send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        while True:
            body = read_message(server.stdout)
            if body is None or json.loads(body).get("id") == 2:
                break
        send({"jsonrpc": "2.0", "method": "exit"})
        server.stdin.close()
        status = server.wait()
    except (RuntimeError, BrokenPipeError) as e:
        server.kill()
        server.wait()
        out.write(("lsp_publish.py: %s\n" % e).encode())
        return 1
    finally:
        timer.cancel()
    out.write(b"exit status: %d\n" % status)
    return 0


if __name__ == "__main__":
    sys.exit(main())

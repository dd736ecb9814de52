#!/usr/bin/env python3
"""LSP latency: replays typing into a 2,000-line Python file (and a 2,000-line JS file)
through `asynclint lsp` and reports the time from sending each didChange to receiving the
publishDiagnostics for that version: median and p95. Each edit waits for its answer, as
a person pausing between keystrokes does; the server's 8 ms debounce is part of it.

    bench/lsp_latency.py ASYNCLINT_BINARY [--edits N]

Writes bench/results/lsp-latency.md."""
import argparse
import atexit
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def py_file(lines):
    out = ["import asyncio", "import time", "", ""]
    i = 0
    while len(out) < lines:
        out += [f"async def handler_{i}(request, items):",
                f'    """Handle request {i}: fetch, transform and store."""',
                "    results = []",
                "    for item in items:",
                "        data = await fetch(item)",
                "        if data is None:",
                "            continue",
                "        results.append(transform(data))",
                f"    time.sleep(0.{i % 9})" if i % 10 == 0 else "    await asyncio.sleep(0)",
                "    return results", "", ""]
        i += 1
    return "\n".join(out[:lines]) + "\n"


def js_file(lines):
    out = ["const fs = require('fs');", ""]
    i = 0
    while len(out) < lines:
        out += [f"async function handler{i}(req, items) {{",
                "  const results = [];",
                "  for (const item of items) {",
                "    const data = await fetchItem(item);",
                "    if (!data) continue;",
                "    results.push(transform(data));",
                "  }",
                f"  fs.readFileSync('x{i}');" if i % 10 == 0 else "  await null;",
                "  return results;", "}", ""]
        i += 1
    return "\n".join(out[:lines]) + "\n"


class Server:
    def __init__(self, binary):
        self.p = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def read(self):
        n = None
        while True:
            line = self.p.stdout.readline()
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                n = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(n))

    def wait_version(self, v):
        while True:
            m = self.read()
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == v:
                return m


def run(binary, lang, text, edits):
    d = tempfile.mkdtemp(prefix="asynclint-lsp-bench-")
    atexit.register(shutil.rmtree, d, True)
    uri = "file://" + os.path.join(d, "big.py" if lang == "python" else "big.js")
    s = Server(binary)
    s.send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"processId": None, "rootUri": "file://" + d, "capabilities": {}}})
    s.read()
    s.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    t0 = time.monotonic()
    s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": uri, "languageId": lang, "version": 1, "text": text}}})
    first = s.wait_version(1)
    open_ms = (time.monotonic() - t0) * 1000
    lines = text.split("\n")
    rnd = random.Random(1)
    lat = []
    for v in range(2, edits + 2):
        ln = rnd.randrange(len(lines) - 1)
        col = len(lines[ln])
        # type one character at the end of a line, or delete it again
        if v % 2 == 0:
            ch = {"range": {"start": {"line": ln, "character": col}, "end": {"line": ln, "character": col}},
                  "text": " "}
            lines[ln] += " "
        else:
            ln = last
            col = len(lines[ln])
            ch = {"range": {"start": {"line": ln, "character": col - 1}, "end": {"line": ln, "character": col}},
                  "text": ""}
            lines[ln] = lines[ln][:-1]
        last = ln
        t = time.monotonic()
        s.send({"jsonrpc": "2.0", "method": "textDocument/didChange",
                "params": {"textDocument": {"uri": uri, "version": v}, "contentChanges": [ch]}})
        s.wait_version(v)
        lat.append((time.monotonic() - t) * 1000)
    s.send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    s.send({"jsonrpc": "2.0", "method": "exit"})
    s.p.wait(timeout=30)
    lat.sort()
    return {"open_ms": open_ms, "median": statistics.median(lat), "p95": lat[int(len(lat) * 0.95) - 1],
            "max": lat[-1], "n": len(lat), "findings": len(first["params"]["diagnostics"])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("asynclint")
    ap.add_argument("--edits", type=int, default=200)
    a = ap.parse_args()
    b = os.path.abspath(a.asynclint)
    rows = []
    for lang, text in (("python", py_file(2000)), ("javascript", js_file(2000))):
        r = run(b, lang, text, a.edits)
        rows.append((lang, len(text), r))
        print(f"lsp latency {lang}: median {r['median']:.1f} ms, p95 {r['p95']:.1f} ms", file=sys.stderr)
    out = ["# LSP latency: didChange to publishDiagnostics", "",
           f"2,000-line files, {a.edits} edits each (one character typed or deleted), each waiting for its "
           "diagnostics; includes the 8 ms debounce.", "",
           "| file | bytes | findings | open ms | median ms | p95 ms | max ms |", "|---|---:|---:|---:|---:|---:|---:|"]
    for lang, size, r in rows:
        out.append(f"| {lang} | {size} | {r['findings']} | {r['open_ms']:.1f} | {r['median']:.1f} | "
                   f"{r['p95']:.1f} | {r['max']:.1f} |")
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "lsp-latency.md"), "w") as fh:
        fh.write("\n".join(out) + "\n")
    print("\n".join(out))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Fixture runner: lints each fixture folder and compares the findings with the
`expect: CODE[, CODE]` comments on the flagged lines (a code named twice: two findings of it
on that line). Any missing or extra finding
fails the run, and the difference is printed.

Each fixtures/<CODE>/<lang>/ folder (and fixtures/demo/) is linted as one project, so
cross-file expectations work. Every fixtures/<CODE>/<lang>/ folder must expect <CODE>
at least once (a positive case) and hold at least one file expecting nothing of it
(a negative case)."""
import collections
import json
import os
import re
import subprocess

import sanitizer_retry
import sys

EXTS = (".py", ".pyi", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".c", ".h")
EXPECT = re.compile(r"expect:\s*(AL\d{3}(?:\s*,\s*AL\d{3})*)")


def expectations(root):
    want = collections.Counter()
    per_file = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("node_modules", "__pycache__"))
        for name in sorted(filenames):
            if not name.endswith(EXTS):
                continue
            path = os.path.join(dirpath, name)
            codes_here = set()
            with open(path, encoding="utf-8", errors="replace") as fh:
                for lineno, line in enumerate(fh, 1):
                    m = EXPECT.search(line)
                    if m:
                        for code in re.split(r"\s*,\s*", m.group(1)):
                            want[(path, lineno, code)] += 1
                            codes_here.add(code)
            per_file[path] = codes_here
    return want, per_file


def lint(binary, root):
    proc = sanitizer_retry.run([binary, "check", "--select", "ALL", "--format", "json", "-j", "2", root],
                          capture_output=True, text=True, timeout=300)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"asynclint exited {proc.returncode} on {root}:\n{proc.stderr}")
    findings = json.loads(proc.stdout)
    got = collections.Counter((f["path"], f["line"], f["code"]) for f in findings)
    messages = {(f["path"], f["line"], f["code"]): f["message"] for f in findings}
    return got, messages, proc.returncode


def fixture_roots():
    roots = []
    for code in sorted(os.listdir("fixtures")):
        base = os.path.join("fixtures", code)
        if not re.fullmatch(r"AL\d{3}", code):
            continue
        for lang in sorted(os.listdir(base)):
            if os.path.isdir(os.path.join(base, lang)):
                roots.append((code, os.path.join(base, lang)))
    if os.path.isdir("fixtures/demo"):
        roots.append((None, "fixtures/demo"))
    return roots


def main():
    binary = sys.argv[1]
    passed = failed = 0
    for code, root in fixture_roots():
        want, per_file = expectations(root)
        problems = []
        if code is not None:
            if not any(c == code for (_, _, c) in want):
                problems.append(f"no file expects {code}: add a positive case")
            if not any(code not in codes for codes in per_file.values()):
                problems.append(f"every file expects {code}: add a negative case")
        got, messages, rc = lint(binary, root)
        for item, k in sorted((want - got).items()):
            problems.append("missing: %s:%d: %s" % item + (" (x%d)" % k if k > 1 else ""))
        for item, k in sorted((got - want).items()):
            problems.append("extra:   %s:%d: %s  (%s)" % (item + (messages[item],)) + (" (x%d)" % k if k > 1 else ""))
        if rc != (1 if want else 0):
            problems.append(f"exit code {rc}, expected {1 if want else 0}")
        if problems:
            failed += 1
            print(f"FAIL {root}")
            for p in problems:
                print("  " + p)
        else:
            passed += 1
            print(f"ok   {root} ({sum(want.values())} expected findings)")
    print(f"fixtures: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

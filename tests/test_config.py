#!/usr/bin/env python3
"""`.asynclint.yaml`: found upward from each file (nearest wins), `--config` overrides;
select, ignore, per-path-ignores, exclude, severity, knowledge extensions,
target-runtimes; unknown keys and bad values are one-line errors with file:line, exit 2."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = None
BUG = ("import asyncio\nimport time\nimport mylib\n\n\nasync def f():\n"
       "    time.sleep(1)\n    mylib.slow_call()\n    asyncio.sleep(1)\n")


class Config(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="asynclint-config-")
        for sub in ("", "sub", "gen", "tests"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
            with open(os.path.join(self.dir, sub, "m.py"), "w") as fh:
                fh.write(BUG)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write(self, rel, text):
        with open(os.path.join(self.dir, rel), "w") as fh:
            fh.write(text)

    def findings(self, *extra):
        proc = subprocess.run([BIN, "check", "--format", "json", *extra, "."], cwd=self.dir,
                              capture_output=True, text=True)
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        return sorted((f["path"], f["line"], f["code"], f["severity"]) for f in json.loads(proc.stdout))

    def test_settings_apply(self):
        self.write(".asynclint.yaml", "ignore: [AL101]\nexclude: [gen]\nper-path-ignores:\n  'tests/*.py': [AL201]\n"
                   "severity:\n  AL201: warning\ntarget-runtimes: [asyncio]\nknowledge:\n  python:\n    blocking:\n"
                   "      - {name: mylib.slow_call, category: sleep, use: mylib.slow_call_async}\n")
        self.write("sub/.asynclint.yaml", "select: [AL101]\n")
        self.assertEqual(self.findings(), [
            ("m.py", 7, "AL201", "warning"), ("m.py", 8, "AL201", "warning"),
            ("sub/m.py", 9, "AL101", "error"),
        ])

    def test_cli_overrides(self):
        self.write(".asynclint.yaml", "ignore: [AL201]\n")
        got = self.findings("--select", "AL2")
        self.assertEqual({c for _, _, c, _ in got}, set())  # config ignore still applies
        forced = os.path.join(self.dir, "forced.yaml")
        with open(forced, "w") as fh:
            fh.write("select: [AL101]\n")
        got = self.findings("--config", forced)
        self.assertEqual({(p, c) for p, _, c, _ in got},
                         {("m.py", "AL101"), ("sub/m.py", "AL101"), ("gen/m.py", "AL101"), ("tests/m.py", "AL101")})

    def test_errors(self):
        cases = {
            "selct: [AL1]\n": ":1: unknown setting 'selct'",
            "select: AL1\n": ":1: `select` must be a list",
            "ignore: [AL9]\n": ":1: unknown rule code or prefix 'AL9'",
            "\nseverity:\n  AL201: loud\n": ":3: severity of AL201 must be error, warning or info",
            "knowledge:\n  cobol: {}\n": ":2: `knowledge`: unknown language 'cobol'",
            "target-runtimes: [tokio]\n": ":1: unknown target runtime 'tokio'",
            "select: [AL1\n": ".asynclint.yaml:",
            "knowledge:\n  python:\n    blocking:\n      - {category: sleep}\n": ":4: each entry needs a name",
        }
        for text, want in cases.items():
            with self.subTest(text):
                self.write(".asynclint.yaml", text)
                proc = subprocess.run([BIN, "check", "."], cwd=self.dir, capture_output=True, text=True)
                self.assertEqual(proc.returncode, 2, proc.stdout)
                self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
                self.assertIn(want, proc.stderr)
        missing = subprocess.run([BIN, "check", "--config", "/nonexistent.yaml", "."], cwd=self.dir,
                                 capture_output=True, text=True)
        self.assertEqual(missing.returncode, 2)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)

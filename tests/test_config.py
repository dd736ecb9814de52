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

    def test_knowledge_names_with_brace_alternatives(self):
        # `mylib.{slow,slower}_call` stands for two names, each with the entry's attributes
        self.write("sub/m.py", "import mylib\n\n\nasync def f():\n    mylib.slower_call()\n    mylib.slow_call()\n"
                   "    mylib.slowest_call()\n")
        self.write(".asynclint.yaml", "select: [AL201]\nknowledge:\n  python:\n    blocking:\n"
                   "      - {name: 'mylib.{slow,slower}_call', category: sleep}\n")
        got = [(p, line) for p, line, _, _ in self.findings() if p.startswith("sub/")]
        self.assertEqual(got, [("sub/m.py", 5), ("sub/m.py", 6)])

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

    def test_extend_select(self):
        """extend-select adds rules (opt-in ones too) to the selection instead of replacing it."""
        opt_in = "import asyncio\n\n\nasync def f(timeout):\n    await asyncio.sleep(timeout)\n"
        self.write("o.py", opt_in)
        codes = lambda got: sorted({(p, c) for p, _, c, _ in got if p == "o.py" or p == "m.py"})
        base = codes(self.findings())
        self.assertNotIn(("o.py", "AL503"), base)
        self.assertIn(("m.py", "AL201"), base)
        self.assertEqual(codes(self.findings("--extend-select", "AL503")), sorted(base + [("o.py", "AL503")]))
        self.write(".asynclint.yaml", "select: [AL1]\nextend-select: [AL503]\n")
        self.assertEqual(codes(self.findings()), [("m.py", "AL101"), ("o.py", "AL503")])
        # the command line's --select replaces the configuration's selection, extension included
        self.assertEqual(codes(self.findings("--select", "AL2")), [("m.py", "AL201")])
        self.assertEqual(codes(self.findings("--select", "AL2", "--extend-select", "AL503")),
                         [("m.py", "AL201"), ("o.py", "AL503")])

    def test_target_runtimes_pick_the_fix_library(self):
        """A file that imports no event-loop library gets the configured one's fix (the first
        Python one of target-runtimes); a file that imports one keeps it; the cache knows."""
        plain = "import time\n\n\nasync def f():\n    time.sleep(1)\n"
        self.write("p.py", plain)
        self.write("q.py", "import asyncio\n" + plain)

        def diff(name, *extra):
            proc = subprocess.run([BIN, "check", "--diff", "--unsafe-fixes", "--select", "AL201", *extra, name],
                                  cwd=self.dir, capture_output=True, text=True)
            self.assertIn(proc.returncode, (0, 1), proc.stderr)
            return [l for l in proc.stdout.splitlines() if l.startswith("+") and not l.startswith("+++")]

        self.assertEqual(diff("p.py"), ["+import asyncio", "+    await asyncio.sleep(1)"])
        self.write(".asynclint.yaml", "target-runtimes: [node, trio, asyncio]\n")
        self.assertEqual(diff("p.py"), ["+import trio", "+    await trio.sleep(1)"])
        self.assertEqual(diff("q.py"), ["+    await asyncio.sleep(1)"])
        self.write(".asynclint.yaml", "target-runtimes: [anyio]\n")
        self.assertEqual(diff("p.py"), ["+import anyio", "+    await anyio.sleep(1)"])
        self.write(".asynclint.yaml", "target-runtimes: [libuv]\n")
        self.assertEqual(diff("p.py"), ["+import asyncio", "+    await asyncio.sleep(1)"])

    def test_errors(self):
        cases = {
            "selct: [AL1]\n": ":1: unknown setting 'selct'",
            "extend-select: [AL9]\n": ":1: unknown rule code or prefix 'AL9' in `extend-select`",
            "select: AL1\n": ":1: `select` must be a list",
            "ignore: [AL9]\n": ":1: unknown rule code or prefix 'AL9'",
            "\nseverity:\n  AL201: loud\n": ":3: severity of AL201 must be error, warning or info",
            "knowledge:\n  cobol: {}\n": ":2: `knowledge`: unknown language 'cobol'",
            "target-runtimes: [tokio]\n": ":1: unknown target runtime 'tokio'",
            "select: [AL1\n": ".asynclint.yaml:",
            "knowledge:\n  python:\n    blocking:\n      - {category: sleep}\n": ":4: each entry needs a name",
            "knowledge:\n  python:\n    blocking:\n      - {name: 'mylib.{a,b', category: sleep}\n":
                ":4: `mylib.{a,b`: unmatched or nested braces",
            "knowledge:\n  python:\n    awaitable:\n      - 'm.{a,{b,c}}'\n": ":4: `m.{a,{b,c}}`: unmatched or nested braces",
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

    PYPROJECT = (
        '[project]\nname = "demo"\ndescription = """\n[tool.asynclint]\nselect = ["AL1"]\n"""\n'
        'dependencies = [\n  "httpx>=0.27",  # [tool.asynclint] in a comment\n  \'trio\',\n]\n'
        'authors = [{name = "A", email = "a@example.org"}]\nreleased = 1979-05-27 07:32:00Z\n\n'
        '[tool.ruff]\nline-length = 100\n\n'
        '[tool.asynclint]\nignore = ["AL101"]  # a comment\nexclude = [\'gen\']\n\n'
        '[tool.asynclint.per-path-ignores]\n"tests/*.py" = [\n  "AL201",\n]\n\n'
        '[tool.asynclint.severity]\nAL201 = "warning"\n\n'
        '[[tool.asynclint.knowledge.python.blocking]]\nname = "mylib.slow_call"\ncategory = "sleep"\n'
        'use = "mylib.slow_call_async"\n')

    def test_pyproject(self):
        """A ruff user's place: the [tool.asynclint] table of pyproject.toml, read as
        .asynclint.yaml is; a pyproject.toml without one is passed over upward, and
        .asynclint.yaml wins in the same folder."""
        self.write("pyproject.toml", self.PYPROJECT)
        self.write("sub/pyproject.toml", '[project]\nname = "sub"\n')  # no table: the one above applies
        want = [("m.py", 7, "AL201", "warning"), ("m.py", 8, "AL201", "warning"),
                ("sub/m.py", 7, "AL201", "warning"), ("sub/m.py", 8, "AL201", "warning")]
        self.assertEqual(self.findings(), want)
        # the same settings, written with dotted keys and an inline table under [tool]
        self.write("pyproject.toml", '[tool]\nasynclint.ignore = ["AL101"]\nasynclint.exclude = ["gen"]\n'
                   'asynclint.per-path-ignores = { "tests/*.py" = ["AL201"] }\nasynclint.severity.AL201 = "warning"\n'
                   'asynclint.knowledge = { python = { blocking = [{ name = "mylib.slow_call", category = "sleep" }] } }\n')
        self.assertEqual(self.findings(), want)
        self.write("sub/.asynclint.yaml", "select: [AL101]\n")
        self.write("sub/pyproject.toml", '[tool.asynclint]\nselect = ["AL2"]\n')
        self.assertEqual([(p, c) for p, _, c, _ in self.findings() if p.startswith("sub/")], [("sub/m.py", "AL101")])
        forced = self.findings("--config", os.path.join(self.dir, "sub", "pyproject.toml"))
        self.assertEqual({c for _, _, c, _ in forced}, {"AL201"})

    def test_pyproject_errors(self):
        cases = {
            '[tool.asynclint]\nselct = ["AL1"]\n': "pyproject.toml:2: unknown setting 'selct'",
            '[tool.asynclint]\nselect = "AL1"\n': "pyproject.toml:2: `select` must be a list",
            '[tool.asynclint]\nignore = [\n  "AL1",\n  "AL9",\n]\n': "pyproject.toml:4: unknown rule code or prefix 'AL9'",
            '[tool.asynclint]\nselect = ["AL1"\n': "pyproject.toml:3: expected ',' or ']' in an array",
            '[tool.asynclint]\nselect = ["AL1"]\nselect = ["AL2"]\n': "pyproject.toml:3: duplicate key 'select'",
            '[tool.asynclint]\nname = "unclosed\n': "pyproject.toml:2: a string is not closed on its line",
            '[tool.asynclint.severity]\nAL201 = "loud"\n': "pyproject.toml:2: severity of AL201 must be error",
            '[tool.asynclint]\nselect = ["AL1"]\n[project]\ndescription = """never closed\n':
                "pyproject.toml:4: a string is not closed",
            '[tool.asynclint\n': "pyproject.toml:1: expected ']' closing a table header",
            '[tool.asynclint]\nx = ' + "[" * 100 + "]" * 100 + "\n": "values nested too deeply",
        }
        for text, want in cases.items():
            with self.subTest(text):
                self.write("pyproject.toml", text)
                proc = subprocess.run([BIN, "check", "."], cwd=self.dir, capture_output=True, text=True)
                self.assertEqual(proc.returncode, 2, proc.stdout)
                self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
                self.assertIn(want, proc.stderr)
        # found on the way up, broken, and not naming asynclint: someone else's file, passed over
        self.write("pyproject.toml", '[project\nname = = "x"\n')
        proc = subprocess.run([BIN, "check", "."], cwd=self.dir, capture_output=True, text=True)
        self.assertEqual((proc.returncode, proc.stderr), (1, ""))
        self.write("pyproject.toml", '[project]\nname = "x"\n')
        proc = subprocess.run([BIN, "check", "--config", "pyproject.toml", "."], cwd=self.dir, capture_output=True,
                              text=True)
        self.assertEqual((proc.returncode, proc.stderr.strip()), (2, "asynclint: pyproject.toml: no [tool.asynclint] table"))


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)

#!/usr/bin/env python3
"""Data safety of --fix, as properties over 2,000 generated files (Python and CommonJS):
the fixed files still compile (CPython's compile(), Node's vm.Script) when the originals
did; a second --fix changes nothing; an interrupted write (the final rename fails after
the temporary file is written) leaves every original byte-identical with no temporary
file behind; a file saved by someone else between read and write is never overwritten."""
import glob
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = None
HERE = os.path.dirname(os.path.abspath(__file__))
N_FILES = 2000

PY_BODY = [
    "    time.sleep({n})\n",
    "    asyncio.sleep({n})\n",
    "    x = await g({n})\n",
    "    try:\n        await g({n})\n    except asyncio.CancelledError:\n        log({n})\n",
    "    if x:\n        time.sleep(0.{n})\n    else:\n        await asyncio.sleep({n})\n",
    "    for i in range({n}):\n        time.sleep(i)\n",
    "    return {n}\n",
]
JS_BODY = [
    "  fs.readFileSync('f{n}');\n",
    "  g({n});\n",
    "  const x{u} = await g({n});\n",
    "  xs.forEach(async (x) => {{ await g(x + {n}); }});\n",
    "  try {{ await g({n}); }} catch (e) {{ if (e.name === 'AbortError') {{}} }}\n",
    "  fs.writeFileSync('f{n}', 'data');\n",
]


def make_py(rnd):
    out = ["import asyncio\n", "import time\n\n\n", "def log(x):\n    return x\n\n\n",
           "async def g(x):\n    await asyncio.sleep(0)\n    return x\n\n\n"]
    for k in range(rnd.randint(1, 4)):
        out.append(f"async def f{k}(x):\n")
        for _ in range(rnd.randint(1, 5)):
            out.append(rnd.choice(PY_BODY).format(n=rnd.randint(1, 9)))
        out.append("\n\n")
    return "".join(out)


def make_js(rnd):
    out = ["const fs = require('fs');\n\n", "async function g(x) {\n  await null;\n  return x;\n}\n\n"]
    for k in range(rnd.randint(1, 4)):
        out.append(f"async function f{k}(xs) {{\n")
        for _ in range(rnd.randint(1, 5)):
            out.append(rnd.choice(JS_BODY).format(n=rnd.randint(1, 9), u=len(out)))
        out.append("}\n\n")
    out.append("module.exports = { g };\n")
    return "".join(out)


NODE_CHECK = r"""
const fs = require('fs'), vm = require('vm');
const bad = [];
for (const f of JSON.parse(fs.readFileSync(0, 'utf8'))) {
  try { new vm.Script('(function (exports, require, module) {' + fs.readFileSync(f, 'utf8') + '\n})', {filename: f}); }
  catch (e) { bad.push(f + ': ' + e.message); }
}
process.stdout.write(JSON.stringify(bad));
"""


def read_text(p):
    with open(p) as fh:
        return fh.read()


def tree_hash(d):
    h = {}
    for p in sorted(glob.glob(os.path.join(d, "*"))):
        with open(p, "rb") as fh:
            h[p] = hashlib.sha256(fh.read()).hexdigest()
    return h


class FixSafety(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="asynclint-fixsafety-")
        rnd = random.Random(2026)
        cls.originals = {}
        for i in range(N_FILES):
            js = i % 3 == 2
            text = make_js(rnd) if js else make_py(rnd)
            path = os.path.join(cls.dir, f"g{i}.{'js' if js else 'py'}")
            with open(path, "w") as fh:
                fh.write(text)
            cls.originals[path] = text

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def copy(self, name):
        d = os.path.join(self.dir, name)
        os.mkdir(d)
        for p, text in self.originals.items():
            with open(os.path.join(d, os.path.basename(p)), "w") as fh:
                fh.write(text)
        return d

    def compile_all(self, d):
        bad = []
        for p in glob.glob(os.path.join(d, "*.py")):
            try:
                compile(read_text(p), p, "exec")
            except SyntaxError as e:
                bad.append(f"{p}: {e}")
        js = sorted(glob.glob(os.path.join(d, "*.js")))
        r = subprocess.run(["node", "-e", NODE_CHECK], input=json.dumps(js).encode(), capture_output=True, check=True)
        return bad + json.loads(r.stdout)

    def test_fixed_files_compile_and_a_second_run_changes_nothing(self):
        d = self.copy("fix")
        self.assertEqual(self.compile_all(d), [])  # the originals compile
        r = subprocess.run([BIN, "check", "--fix", "--unsafe-fixes", "-q", "--format", "json", d], capture_output=True)
        self.assertIn(r.returncode, (0, 1), r.stderr[-1000:])
        self.assertRegex(r.stderr.decode(), r"^asynclint: fixed \d+ findings\n$")
        after = tree_hash(d)
        changed = sum(1 for p in after if read_text(p) != self.originals[os.path.join(self.dir, os.path.basename(p))])
        self.assertGreater(changed, N_FILES // 2, "the generated files should mostly get fixes")
        self.assertEqual(self.compile_all(d), [])
        r2 = subprocess.run([BIN, "check", "--fix", "--unsafe-fixes", "-q", d], capture_output=True)
        self.assertIn(r2.returncode, (0, 1))
        self.assertEqual(tree_hash(d), after, "a second --fix changed files")

    def test_interrupted_write_leaves_originals_intact(self):
        d = self.copy("interrupted")
        before = tree_hash(d)
        env = dict(os.environ, ASYNCLINT_TEST_FAIL_RENAME="1")
        r = subprocess.run([BIN, "check", "--fix", "--unsafe-fixes", "-q", d], capture_output=True, env=env)
        self.assertIn(r.returncode, (1, 2))
        self.assertEqual(tree_hash(d), before)
        self.assertEqual(glob.glob(os.path.join(d, "*.asynclint-*")), [], "temporary files left behind")
        lines = r.stderr.decode().splitlines()
        self.assertTrue(lines, "no message")
        self.assertEqual([l for l in lines if "not fixed: cannot write" not in l], ["asynclint: fixed 0 findings"])

    def test_file_saved_between_read_and_write_is_not_overwritten(self):
        d = os.path.join(self.dir, "race")
        os.mkdir(d)
        path = os.path.join(d, "a__race__.py")
        text = "import asyncio\n\nasync def f():\n    asyncio.sleep(1)\n"
        with open(path, "w") as fh:
            fh.write(text)
        so = os.path.join(d, "shim.so")
        subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", so, os.path.join(HERE, "shim.c"), "-ldl"], check=True)
        env = dict(os.environ, LD_PRELOAD=so)
        env["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
        r = subprocess.run([BIN, "check", "--fix", "-q", path], capture_output=True, env=env)
        with open(path) as fh:
            self.assertEqual(fh.read(), text + "# saved by another editor\n")
        self.assertIn("changed", r.stderr.decode())
        self.assertEqual(glob.glob(os.path.join(d, "*.asynclint-*")), [])


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

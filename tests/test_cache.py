#!/usr/bin/env python3
"""The cache of per-file results: a warm run gives byte-identical output from the cache
alone; editing a file re-analyses it and the files that import it (and only those), with
the findings that edit implies; configuration and knowledge changes miss; a damaged
entry is a miss; concurrent runs share one cache safely; a file that an import newly
resolves to invalidates the importers; --no-cache and --fix do not use it."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

BIN = None

PAD = "# " + "a comment line of ordinary length " * 2 + "\n"
HELPER_SLOW = "import time\n\n\ndef slow():\n    time.sleep(1)\n" + PAD
HELPER_FAST = "def slow():\n    return 1\n" + PAD
USER = "import asyncio\nfrom helper import slow\n\n\nasync def f():\n    slow()\n    await asyncio.sleep(0)\n" + PAD
ALONE = "import asyncio\n\n\nasync def g():\n    asyncio.sleep(1)\n" + PAD


class Cache(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="asynclint-cache-")
        self.proj = os.path.join(self.dir, "proj")
        os.mkdir(self.proj)
        self.env = dict(os.environ, ASYNCLINT_CACHE_DIR=os.path.join(self.dir, "cache"))
        self.write("helper.py", HELPER_SLOW)
        self.write("user.py", USER)
        for i in range(5):
            self.write(f"alone{i}.py", ALONE)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        with open(os.path.join(self.proj, name), "w") as fh:
            fh.write(text)

    def lint(self, *args):
        r = subprocess.run([BIN, "check", "--format", "json", "--stats", *args, self.proj], capture_output=True,
                           text=True, env=self.env, timeout=120)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        hits = int(re.search(r"cache hits (\d+)", r.stderr).group(1))
        self.files_read = int(re.search(r"files read (\d+)", r.stderr).group(1))
        return r.stdout, hits

    def codes(self, out, name):
        return sorted(f["code"] for f in json.loads(out) if f["path"].endswith(name))

    def test_warm_run_is_identical_and_all_hits(self):
        cold, hits = self.lint()
        self.assertEqual(hits, 0)
        warm, hits = self.lint()
        self.assertEqual(hits, 7)
        self.assertEqual(warm, cold)
        plain, _ = self.lint("--no-cache")
        self.assertEqual(plain, cold)
        text = subprocess.run([BIN, "check", "--color", "never", self.proj], capture_output=True, text=True,
                              env=self.env).stdout
        self.assertIn("user.py:6:5: AL210", text)  # snippets and messages rebuilt from the entry

    def test_edit_reanalyses_the_file_and_its_importers_only(self):
        cold, _ = self.lint()
        self.assertEqual(self.codes(cold, "user.py"), ["AL210"])
        self.write("helper.py", HELPER_FAST)
        out, hits = self.lint()
        self.assertEqual(hits, 5)  # the five unrelated files; helper.py and user.py again
        self.assertEqual(self.codes(out, "user.py"), [])
        self.assertEqual(out, self.lint("--no-cache")[0])
        self.write("alone0.py", ALONE + "\n# edited\n")
        out, hits = self.lint()
        self.assertEqual(hits, 6)

    def test_edit_two_imports_down_reanalyses_the_chain(self):
        # entries list direct imports only: validity must still follow top -> mid -> helper,
        # and through an import cycle (mid imports top back)
        self.write("mid.py", "import top\nfrom helper import slow\n\n\ndef middle():\n    slow()\n" + PAD)
        self.write("top.py", "import asyncio\nfrom mid import middle\n\n\nasync def t():\n    middle()\n"
                             "    await asyncio.sleep(0)\n" + PAD)
        cold, hits = self.lint()
        self.assertEqual(self.codes(cold, "top.py"), ["AL210"])
        _, hits = self.lint()
        self.assertEqual(hits, 9)
        self.write("helper.py", HELPER_FAST)
        out, hits = self.lint()
        self.assertEqual(hits, 5)  # helper, user, mid and top again
        self.assertEqual(self.codes(out, "top.py"), [])
        self.assertEqual(out, self.lint("--no-cache")[0])

    def test_edit_of_a_base_class_reanalyses_its_subclass(self):
        # the type of an attribute the base class assigns travels to the subclass's module
        base = "import httpx\n\n\nclass Base:\n    def __init__(self):\n        self.http = {}\n" + PAD
        self.write("base.py", base.format("httpx.AsyncClient()"))
        self.write("sub.py", "from base import Base\n\n\nclass Sub(Base):\n    async def go(self):\n"
                             "        self.http.get('/')\n" + PAD)
        cold, _ = self.lint()
        self.assertEqual(self.codes(cold, "sub.py"), ["AL101"])
        self.write("base.py", base.format("None"))
        out, _ = self.lint()
        self.assertEqual(self.codes(out, "sub.py"), [])
        self.assertEqual(out, self.lint("--no-cache")[0])
        self.write("base.py", base.format("httpx.AsyncClient()"))
        out, _ = self.lint()
        self.assertEqual(self.codes(out, "sub.py"), ["AL101"])

    def test_named_file_with_imports_followed(self):
        # a pre-commit run names user.py alone: helper.py is followed (index only), has an
        # entry of its own kind, and its edit re-analyses user.py
        user = os.path.join(self.proj, "user.py")
        run = lambda: subprocess.run([BIN, "check", "--format", "json", "--stats", user], capture_output=True,
                                     text=True, env=self.env, timeout=120)
        cold = run()
        self.assertEqual(sorted(f["code"] for f in json.loads(cold.stdout)), ["AL210"], cold.stderr)
        self.assertIn("2 files", cold.stderr)
        warm = run()
        self.assertEqual(warm.stdout, cold.stdout)
        self.assertIn("cache hits 1;", warm.stderr)
        self.write("helper.py", HELPER_FAST)
        edited = run()
        self.assertEqual(json.loads(edited.stdout), [])
        self.assertIn("cache hits 0", edited.stderr)
        # the entry of helper.py as an import followed is not its entry as a file checked
        full, _ = self.lint()
        self.assertEqual(self.codes(full, "helper.py"), [])
        self.write("helper.py", HELPER_SLOW + "\n\nasync def h():\n    slow()\n")
        run()  # helper.py as an import followed: no findings stored for it
        full, _ = self.lint()
        self.assertEqual(self.codes(full, "helper.py"), ["AL210"])

    def test_unchanged_files_are_not_read(self):
        # files untouched for 2 s before a run are recognised by their stat next time
        past = time.time() - 30
        for name in os.listdir(self.proj):
            os.utime(os.path.join(self.proj, name), (past, past))
        time.sleep(2.1)  # ctime cannot be set back: let it age past the racy window
        cold, _ = self.lint()
        warm, hits = self.lint()
        self.assertEqual(hits, 7)
        self.assertEqual(warm, cold)
        reported = {f["path"] for f in json.loads(cold)}
        self.assertEqual(self.files_read, len(reported))  # only those whose lines are shown
        # same size, same mtime, new content: the ctime still tells
        path = os.path.join(self.proj, "helper.py")
        text = HELPER_SLOW.replace("time.sleep(1)", "time.sleep(2)")
        self.assertEqual(len(text), len(HELPER_SLOW))
        self.write("helper.py", text)
        os.utime(path, (past, past))
        out, hits = self.lint()
        self.assertEqual(hits, 5)
        self.assertEqual(out, self.lint("--no-cache")[0])
        # a file changed since the last run is read again (and, changed within 2 s of that
        # run, on the run after too)
        self.write("alone1.py", ALONE.replace("asyncio.sleep(1)", "await asyncio.sleep(1)"))
        out, _ = self.lint()
        self.assertEqual(self.codes(out, "alone1.py"), [])
        out, _ = self.lint()
        self.assertGreater(self.files_read, len(reported) - 1)  # alone1.py is read though clean now
        self.assertEqual(out, self.lint("--no-cache")[0])

    def test_configuration_change_misses(self):
        self.lint()
        with open(os.path.join(self.proj, ".asynclint.yaml"), "w") as fh:
            fh.write("ignore: [AL101]\n")
        out, hits = self.lint()
        self.assertEqual(hits, 0)
        self.assertEqual(self.codes(out, "alone0.py"), [])
        out, hits = self.lint("--select", "AL1")  # other options: other keys
        self.assertEqual(hits, 0)

    def test_pytest_settings_change_misses(self):
        # AL515's pytest check reads the settings and conftest files around a test file:
        # a change there re-analyses the test file, and only it
        self.write("test_orders.py", "import asyncio\n\nimport pytest\n\n\nasync def test_total():\n"
                                     "    await asyncio.sleep(0)\n")
        out, _ = self.lint()
        self.assertEqual(self.codes(out, "test_orders.py"), ["AL515"])
        self.write("pyproject.toml", '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n')
        out, hits = self.lint()
        self.assertEqual(self.codes(out, "test_orders.py"), [])
        self.assertEqual(hits, 7)  # the other files' entries still hold
        self.write("pyproject.toml", '[tool.pytest.ini_options]\nasyncio_mode = "strict"\n')
        out, hits = self.lint()
        self.assertEqual(self.codes(out, "test_orders.py"), ["AL515"])
        self.assertEqual(hits, 7)
        # an edit that changes nothing pytest-asyncio reads keeps the entry
        self.write("pyproject.toml", '[tool.pytest.ini_options]\n# markers required\nasyncio_mode = "strict"\n')
        out, hits = self.lint()
        self.assertEqual(self.codes(out, "test_orders.py"), ["AL515"])
        self.assertEqual(hits, 8)
        os.remove(os.path.join(self.proj, "pyproject.toml"))
        self.write("conftest.py", "def pytest_pyfunc_call(pyfuncitem):\n    return None\n")
        out, _ = self.lint()
        self.assertEqual(self.codes(out, "test_orders.py"), [])

    def test_damaged_entries_are_misses(self):
        cold, _ = self.lint()
        root = os.path.join(self.dir, "cache")
        n = 0
        for dp, _, fn in os.walk(root):
            for f in fn:
                p = os.path.join(dp, f)
                if f == "stat-table":  # damaged too, below
                    continue
                with open(p, "r+b") as fh:
                    data = fh.read()
                    fh.seek(0)
                    fh.truncate()
                    fh.write(data[: len(data) // 2] if n % 2 else b'{"format": 1, "findings": [{"code": "AL999"}]}')
                n += 1
        self.assertEqual(n, 7)
        with open(os.path.join(root, "v2", "stat-table"), "r+b") as fh:
            data = fh.read()
            fh.seek(0)
            fh.truncate()
            fh.write(data[: len(data) // 2] + b"\n1 2 x\n\xff\xfe garbage")
        out, hits = self.lint()
        self.assertEqual(hits, 0)
        self.assertEqual(out, cold)

    def test_concurrent_runs(self):
        procs = [subprocess.Popen([BIN, "check", "--format", "json", self.proj], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=self.env) for _ in range(6)]
        outs = [p.communicate(timeout=120)[0] for p in procs]
        self.assertTrue(all(o == outs[0] for o in outs))
        warm, hits = self.lint()
        self.assertEqual(hits, 7)
        self.assertEqual(warm.encode(), outs[0])
        leftovers = [f for _, _, fn in os.walk(os.path.join(self.dir, "cache")) for f in fn if f.endswith(".tmp")]
        self.assertEqual(leftovers, [])

    def test_new_file_that_an_import_resolves_to(self):
        self.write("user2.py", "import asyncio\nfrom later import slow\n\n\nasync def f():\n    slow()\n"
                               "    await asyncio.sleep(0)\n" + PAD)
        out, _ = self.lint()
        self.assertEqual(self.codes(out, "user2.py"), [])
        self.write("later.py", HELPER_SLOW)
        out, _ = self.lint()
        self.assertEqual(self.codes(out, "user2.py"), ["AL210"])

    def test_fix_does_not_use_the_cache(self):
        self.lint()
        r = subprocess.run([BIN, "check", "--fix", "--stats", self.proj], capture_output=True, text=True, env=self.env)
        self.assertIn("cache hits 0", r.stderr)
        with open(os.path.join(self.proj, "alone0.py")) as fh:
            self.assertIn("await asyncio.sleep(1)", fh.read())


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

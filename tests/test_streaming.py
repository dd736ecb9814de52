#!/usr/bin/env python3
"""The streamed batch run (Python/JS files are checked against a speculative index and
their IR freed at once; a file whose lookups the real index answers differently is
checked again) gives exactly the findings of the reference run that keeps every file's
IR until the whole index is built (ASYNCLINT_NO_STREAM=1): on an import cycle where the
speculation is wrong, on a chain of imports deeper than pass 1 follows, on a big file
that the threads taking small files leave to the big end, on the fixtures, at -j1 and
-j2."""
import json
import os
import re
import shutil
import subprocess

import sanitizer_retry
import sys
import tempfile
import unittest

BIN = None


def lint(paths, jobs=1, stream=True, cwd=None):
    env = dict(os.environ)
    env.pop("ASYNCLINT_NO_STREAM", None)
    if not stream:
        env["ASYNCLINT_NO_STREAM"] = "1"
    r = sanitizer_retry.run([BIN, "check", "--no-cache", "-j", str(jobs), "--select", "ALL", "--format", "json",
                        "--exit-zero", "--stats", *paths], capture_output=True, text=True, env=env, cwd=cwd,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    again = int(re.search(r"checked again (\d+)", r.stderr).group(1))
    return r.stdout, again


class Streaming(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="asynclint-stream-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as fh:
            fh.write(text)
        return path

    def test_wrong_speculation_is_checked_again(self):
        # a.py is analysed first (the biggest file first); it imports b.py, which is analysed
        # before a's rules and calls a.make() while the speculative index still says
        # make() returns nothing awaitable (it returns b.fetch(), an async function of a
        # file not summarized when a's records were computed). The real index says it
        # does: b.py must be checked again and report the dropped coroutine.
        self.write("a.py", "import b\n\n\ndef make():\n    return b.fetch()\n" + "# padding\n" * 40)
        self.write("b.py", "import a\n\n\nasync def fetch():\n    return 1\n\n\n"
                           "async def main():\n    a.make()\n")
        out, again = lint([self.dir])
        found = [(os.path.basename(f["path"]), f["code"], f["line"]) for f in json.loads(out)]
        self.assertIn(("b.py", "AL101", 9), found)
        self.assertGreaterEqual(again, 1)
        ref, ref_again = lint([self.dir], stream=False)
        self.assertEqual(out, ref)
        self.assertEqual(ref_again, 0)
        out2, _ = lint([self.dir], jobs=2)
        self.assertEqual(out2, ref)
        # b.py had nothing to show when first checked, so its text was freed; the recheck
        # reads it again, and the text report quotes the line
        r = subprocess.run([BIN, "check", "--no-cache", "-j", "1", "--color", "never", self.dir],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("    a.make()", r.stdout)
        # ASYNCLINT_DEBUG_SPEC says which file was checked again and why
        r = subprocess.run([BIN, "check", "--no-cache", "-j", "1", "-q", self.dir], capture_output=True, text=True,
                           timeout=60, env=dict(os.environ, ASYNCLINT_DEBUG_SPEC="1"))
        self.assertIn("asynclint: speculation: " + os.path.join(self.dir, "b.py") +
                      " is checked again: the index answers one of its lookups otherwise", r.stderr)

    def test_blocking_learned_later_rechecks_only_its_readers(self):
        # As above, with blocking: when a.py's records are computed, b.py is not summarized,
        # so a.run() (which calls b.slow(), which sleeps) does not block yet, nor does
        # b.helper(), which calls it. A rule that reads whether a call blocks (AL210 in an
        # async function) makes its file be checked again; a call at module level, where
        # no rule reads it, does not (it did, costing the big stdlib files a second
        # analysis after pass 1: pickle.py and difflib.py for their `_test()`).
        sub = os.path.join(self.dir, "reader")
        os.mkdir(sub)
        for d, use in ((self.dir, 'if __name__ == "__main__":\n    helper()\n'),
                       (sub, "async def main():\n    helper()\n")):
            with open(os.path.join(d, "a.py"), "w") as fh:
                fh.write("import b\n\n\ndef run():\n    b.slow()\n" + "# padding\n" * 40)
            with open(os.path.join(d, "b.py"), "w") as fh:
                fh.write("import time\nimport a\n\n\ndef slow():\n    time.sleep(1)\n\n\n"
                         "def helper():\n    a.run()\n\n\n" + use)
        out, again = lint([os.path.join(self.dir, "a.py"), os.path.join(self.dir, "b.py")])
        self.assertEqual(json.loads(out), [])
        self.assertEqual(again, 0)
        out, again = lint([sub])
        found = [(os.path.basename(f["path"]), f["code"], f["line"]) for f in json.loads(out)]
        self.assertEqual(found, [("b.py", "AL210", 14)])
        self.assertEqual(again, 1)
        ref, _ = lint([sub], stream=False)
        self.assertEqual(out, ref)
        self.assertEqual(lint([sub], jobs=2)[0], ref)
        r = subprocess.run([BIN, "check", "--no-cache", "-j", "1", "-q", sub], capture_output=True, text=True,
                           timeout=60, env=dict(os.environ, ASYNCLINT_DEBUG_SPEC="1"))
        self.assertIn(os.path.join(sub, "b.py") + " is checked again", r.stderr)

    def test_index_built_on_threads_answers_as_on_one(self):
        # The index build's lookups (which records block, which return an awaitable) run on
        # the run's threads once there are enough records (over 1,024). 40 modules of 60
        # functions, each module calling the next: a<i>() returns the next module's a<i>(),
        # the last one's an async function's coroutine (a chain of 40 modules, found over
        # many rounds); b<i>() calls the next module's b<i>(), the last one sleeps (AL210
        # follows 4 helpers deep: the last 4 modules' b<i> block); async c<i>() drops
        # a<i>()'s coroutine and calls b<i>(). Every thread count gives the reference run's
        # findings.
        n, m = 40, 20
        for k in range(n):
            last = k == n - 1
            lines = [f"import time\nimport mod{(k + 1) % n}\n\n\nasync def fetch():\n    return 1\n\n\n"]
            for i in range(m):
                lines.append(f"def a{i}():\n    return {'fetch' if last else f'mod{k + 1}.a{i}'}()\n\n\n")
                lines.append(f"def b{i}():\n    {'time.sleep(1)' if last else f'mod{k + 1}.b{i}()'}\n\n\n")
                lines.append(f"async def c{i}():\n    a{i}()\n    b{i}()\n\n\n")
            self.write(f"mod{k}.py", "".join(lines))
        ref, _ = lint([self.dir], stream=False)
        found = json.loads(ref)
        self.assertEqual(sum(f["code"] == "AL101" for f in found), n * m)
        self.assertEqual(sorted({f["path"][-8:] for f in found if f["code"] == "AL210"}),
                         ["mod36.py", "mod37.py", "mod38.py", "mod39.py"])
        self.assertEqual(sum(f["code"] == "AL210" for f in found), 4 * m)
        for jobs in (1, 2, 4):
            out, _ = lint([self.dir], jobs=jobs)
            self.assertEqual(out, ref, f"-j{jobs}")

    def test_warm_run_analyses_imports_before_the_edited_file(self):
        # warm run after an edit to user.py: helper.py is a cache hit, but user.py's rules
        # need its record (slow() blocks), so it is lowered before them: no recheck
        self.write("helper.py", "import time\n\n\ndef slow():\n    time.sleep(1)\n")
        user = "import asyncio\nfrom helper import slow\n\n\nasync def f():\n    slow()\n"
        self.write("user.py", user)
        env = dict(os.environ, ASYNCLINT_CACHE_DIR=os.path.join(self.dir, "cache"))
        env.pop("ASYNCLINT_NO_STREAM", None)

        def warm():
            r = subprocess.run([BIN, "check", "--format", "json", "--stats", "--exit-zero", self.dir],
                               capture_output=True, text=True, env=env, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            return r.stdout, int(re.search(r"checked again (\d+)", r.stderr).group(1))

        warm()
        self.write("user.py", user + "\n\nasync def g():\n    slow()\n")
        out, again = warm()
        self.assertEqual(again, 0)
        self.assertEqual(sorted((f["code"], f["line"]) for f in json.loads(out) if f["path"].endswith("user.py")),
                         [("AL210", 6), ("AL210", 10)])

    def test_import_chain_deeper_than_pass_one_follows(self):
        # m0 imports m1 ... imports m119; each mK.f() returns m(K+1).f(), and m119.f is
        # async: every f returns an awaitable, and each file's dropped call is reported.
        n = 120
        for k in range(n):
            if k + 1 < n:
                body = f"import m{k + 1}\n\n\ndef f():\n    return m{k + 1}.f()\n\n\nasync def use():\n    m{k + 1}.f()\n"
            else:
                body = "async def f():\n    return 1\n"
            self.write(f"m{k}.py", body)
        out, _ = lint([self.dir])
        ref, _ = lint([self.dir], stream=False)
        self.assertEqual(out, ref)
        self.assertEqual(sum(f["code"] == "AL101" for f in json.loads(out)), n - 1)
        self.assertEqual(lint([self.dir], jobs=2)[0], ref)

    def test_big_import_left_to_the_big_end(self):
        # Pass 1 hands the biggest file to one thread and the small ones to the others; a
        # small-end thread does not analyse an import over 256 KB itself. Every small file
        # imports big.py and drops its coroutine: the findings must be the reference run's
        # at any thread count, whichever thread got to big.py first. A small file reached
        # before big.py is summarized has its rules postponed until it is (not run on an
        # index without it, then checked again after pass 1): nothing is checked again.
        filler = "".join(f"def pad{k}():\n    return {k}\n\n\n" for k in range(12000))
        self.write("big.py", "async def fetch():\n    return 1\n\n\n" + filler)
        self.assertGreater(os.path.getsize(os.path.join(self.dir, "big.py")), 256 << 10)
        for k in range(30):
            self.write(f"s{k}.py", f"import big\n\n\nasync def use{k}():\n    big.fetch()\n")
        ref, _ = lint([self.dir], stream=False)
        self.assertEqual(sum(f["code"] == "AL101" for f in json.loads(ref)), 30)
        for jobs in (1, 2, 3):
            out, again = lint([self.dir], jobs=jobs)
            self.assertEqual(out, ref, f"-j{jobs}")
            self.assertEqual(again, 0, f"-j{jobs}")

    def test_fixtures_match_the_reference_run(self):
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")
        ref, _ = lint([root], jobs=2, stream=False)
        self.assertGreater(len(json.loads(ref)), 100)
        self.assertEqual(lint([root], jobs=1)[0], ref)
        self.assertEqual(lint([root], jobs=2)[0], ref)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main()

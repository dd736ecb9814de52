#!/usr/bin/env python3
"""Bad input never crashes the linter: each bad file gives at most one line on stderr
naming it, the run goes on with the others, and findings elsewhere are still reported."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = None
GOOD = "import asyncio\n\nasync def f():\n    asyncio.sleep(1)\n"  # one AL101 at line 4


class BadInput(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="asynclint-bad-")
        os.chmod(self.dir, 0o755)
        self.write("good.py", GOOD)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, data, mode="w"):
        path = os.path.join(self.dir, name)
        with open(path, mode) as fh:
            fh.write(data)
        os.chmod(path, 0o644)
        return path

    def run_lint(self, *args, as_user=None):
        cmd = [BIN, "check", "--format", "json", *args, self.dir]
        if as_user:
            cmd = ["setpriv", f"--reuid={as_user}", f"--regid={as_user}", "--clear-groups", *cmd]
        proc = subprocess.run(cmd, capture_output=True, timeout=300)
        self.assertIn(proc.returncode, (0, 1), proc.stderr.decode(errors="replace"))
        findings = json.loads(proc.stdout)
        return proc, findings

    def assert_good_reported(self, findings):
        good = [f for f in findings if f["path"].endswith("good.py")]
        self.assertEqual([(f["line"], f["code"]) for f in good], [(4, "AL101")])

    def assert_one_line_about(self, proc, name, must_say=True):
        lines = [l for l in proc.stderr.decode(errors="replace").splitlines() if name in l]
        self.assertLessEqual(len(lines), 1, lines)
        if must_say:
            self.assertEqual(len(lines), 1, proc.stderr)
        other = [l for l in proc.stderr.decode(errors="replace").splitlines() if name not in l]
        self.assertEqual(other, [], "stderr speaks of other files")
        return lines[0] if lines else ""

    def test_binary_file(self):
        self.write("blob.py", bytes(range(256)) * 4, "wb")
        proc, findings = self.run_lint()
        self.assertIn("binary", self.assert_one_line_about(proc, "blob.py"))
        self.assert_good_reported(findings)

    def test_nul_bytes_in_text(self):
        self.write("nul.js", b"async function f() {}\n\x00f();\n", "wb")
        proc, findings = self.run_lint()
        self.assertIn("NUL", self.assert_one_line_about(proc, "nul.js"))
        self.assert_good_reported(findings)

    def test_invalid_utf8_is_linted_with_a_warning(self):
        self.write("latin.py", b"# caf\xe9\nimport asyncio\nasync def g():\n    asyncio.sleep(2)\n", "wb")
        proc, findings = self.run_lint()
        self.assertIn("UTF-8", self.assert_one_line_about(proc, "latin.py"))
        self.assert_good_reported(findings)
        latin = [(f["line"], f["code"]) for f in findings if f["path"].endswith("latin.py")]
        self.assertEqual(latin, [(4, "AL101")])

    def test_declared_encoding_is_not_a_warning(self):
        self.write("legacy.py", b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n", "wb")
        proc, findings = self.run_lint()
        self.assertEqual(proc.stderr, b"")
        self.assert_good_reported(findings)

    def test_non_utf8_path_keeps_json_valid(self):
        path = os.path.join(os.fsencode(self.dir), b"caf\xe9.py")
        with open(path, "wb") as fh:
            fh.write(b"async def k():\n    pass\nasync def h():\n    k()\n")
        proc, findings = self.run_lint()  # run_lint parses the JSON
        self.assert_good_reported(findings)
        cafe = [f for f in findings if "caf" in f["path"]]
        self.assertEqual([(f["line"], f["code"]) for f in cafe], [(4, "AL101")])
        self.assertIn("\ufffd", cafe[0]["path"])
        self.assertIn("\ufffd", cafe[0]["message"])

    def test_unreadable_file(self):
        path = self.write("secret.py", GOOD)
        os.chmod(path, 0)
        user = None
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                self.skipTest("root without setpriv: permissions are not enforced")
            user = "65534"
        proc, findings = self.run_lint(as_user=user)
        self.assertIn("ermission", self.assert_one_line_about(proc, "secret.py"))
        self.assert_good_reported(findings)

    def test_fifo_is_not_read(self):
        os.mkfifo(os.path.join(self.dir, "pipe.py"))
        proc, findings = self.run_lint()
        self.assertIn("not a regular file", self.assert_one_line_about(proc, "pipe.py"))
        self.assert_good_reported(findings)

    def test_dangling_symlink(self):
        os.symlink(os.path.join(self.dir, "nowhere.py"), os.path.join(self.dir, "dangling.py"))
        proc, findings = self.run_lint()
        self.assertIn("No such file", self.assert_one_line_about(proc, "dangling.py"))
        self.assert_good_reported(findings)

    def test_symlink_loop(self):
        os.symlink("loop2.py", os.path.join(self.dir, "loop1.py"))
        os.symlink("loop1.py", os.path.join(self.dir, "loop2.py"))
        os.symlink(".", os.path.join(self.dir, "selfdir"))  # a folder loop is not followed
        proc, findings = self.run_lint()
        err = proc.stderr.decode()
        self.assertEqual(len([l for l in err.splitlines() if "loop1.py" in l]), 1, err)
        self.assertEqual(len([l for l in err.splitlines() if "loop2.py" in l]), 1, err)
        self.assertIn("symbolic links", err)
        self.assert_good_reported(findings)

    def test_empty_file(self):
        self.write("empty.py", "")
        self.write("empty.js", "")
        self.write("empty.c", "")
        proc, findings = self.run_lint()
        self.assertEqual(proc.stderr, b"")
        self.assert_good_reported(findings)

    def test_deep_nesting(self):
        depth = 10000
        self.write("deep.py", "x = " + "(" * depth + "1" + ")" * depth + "\n")
        self.write("deep_calls.py", "x = " + "f(" * depth + ")" * depth + "\n")
        self.write("deep.js", "const x = " + "[" * depth + "]" * depth + ";\n" + "g(" * depth + ")" * depth + ";\n")
        self.write("deep.c", "int x = " + "(" * depth + "1" + ")" * depth + ";\n")
        proc, findings = self.run_lint()
        for name in ("deep.py", "deep_calls.py", "deep.js", "deep.c"):
            lines = [l for l in proc.stderr.decode().splitlines() if name in l]
            self.assertLessEqual(len(lines), 1, lines)
        self.assert_good_reported(findings)

    def test_dump_ir_of_deep_file(self):
        path = self.write("deep2.py", "async def f():\n    " + "g(" * 10000 + ")" * 10000 + "\n")
        proc = subprocess.run([BIN, "dump-ir", path], capture_output=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertGreaterEqual(proc.stdout.count(b"CALL"), 10000)

    def test_huge_file(self):
        body = "".join(f"def f{i}(a, b):\n    return a + b + {i}\n\n" for i in range(480000))
        body += "import asyncio\nasync def tail():\n    asyncio.sleep(3)\n"
        path = self.write("huge.py", body)
        self.assertGreater(os.path.getsize(path), 20 * 1024 * 1024)
        proc, findings = self.run_lint()
        self.assertEqual(proc.stderr, b"")
        huge = [(f["line"], f["code"]) for f in findings if f["path"].endswith("huge.py")]
        self.assertEqual(huge, [(body.count("\n"), "AL101")])
        self.assert_good_reported(findings)

    def test_missing_path_is_a_usage_error(self):
        proc = subprocess.run([BIN, "check", os.path.join(self.dir, "no-such-dir")], capture_output=True)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(len(proc.stderr.decode().splitlines()), 1)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

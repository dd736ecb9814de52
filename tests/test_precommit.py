#!/usr/bin/env python3
"""Pre-commit use: `check --staged` lints the staged content (not the working tree);
`install-hook` makes a plain git hook that refuses a commit with a finding and lets the
fixed one through; the same with the pre-commit framework using .pre-commit-hooks.yaml."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = None
REPO = os.getcwd()
BUG = "import asyncio\n\n\nasync def f():\n    asyncio.sleep(1)\n"
FIXED = "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@t", "PRE_COMMIT_HOME": ""}


class PreCommit(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="asynclint-hook-")
        ENV["PRE_COMMIT_HOME"] = os.path.join(self.dir, ".cache-pre-commit")
        self.git("init", "-q")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def git(self, *a, check=True):
        return subprocess.run(["git", *a], cwd=self.dir, capture_output=True, text=True, env=ENV, check=check)

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w") as fh:
            fh.write(text)

    def test_staged_not_working_tree(self):
        self.write("a.py", BUG)
        self.git("add", "a.py")
        self.write("a.py", FIXED)  # fixed in the working tree only
        proc = subprocess.run([BIN, "check", "--staged"], cwd=self.dir, capture_output=True, text=True)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("a.py:5:5: AL101", proc.stdout)
        self.git("add", "a.py")
        self.write("b.py", BUG)  # not staged: not linted
        proc = subprocess.run([BIN, "check", "--staged"], cwd=self.dir, capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertEqual(subprocess.run([BIN, "check", "--staged", "a.py"], cwd=self.dir).returncode, 2)

    def test_staged_reads_configuration_as_staged(self):
        # the index's pyproject.toml ignores AL101; the working tree's would not
        self.write("pyproject.toml", '[tool.asynclint]\nignore = ["AL101"]\n')
        self.write("a.py", BUG)
        self.git("add", "pyproject.toml", "a.py")
        self.write("pyproject.toml", '[tool.asynclint]\n')
        proc = subprocess.run([BIN, "check", "--staged"], cwd=self.dir, capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.git("add", "pyproject.toml")
        proc = subprocess.run([BIN, "check", "--staged"], cwd=self.dir, capture_output=True, text=True)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)

    def test_staged_follows_imports_as_staged(self):
        # app.py is staged; the helper it imports is not part of the change, and is read
        # as the index holds it (blocking), not as the working tree has it (fixed)
        self.write("util.py", "import time\n\n\ndef pause():\n    time.sleep(1)\n")
        self.git("add", "util.py")
        self.git("commit", "-qm", "helper")
        self.write("util.py", "def pause():\n    pass\n")  # fixed in the working tree only
        self.write("app.py", "from util import pause\n\n\nasync def main():\n    pause()\n    pause()\n")
        self.git("add", "app.py")
        proc = subprocess.run([BIN, "check", "--staged", "--color", "never"], cwd=self.dir, capture_output=True,
                              text=True)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("app.py:5:5: AL210", proc.stdout)
        self.assertIn("app.py:6:5: AL210", proc.stdout)
        self.assertIn("note: util.py:5:5: sleep", proc.stdout)
        self.assertIn("(1 checked)", proc.stdout)
        self.assertNotRegex(proc.stdout, r"(?m)^util\.py:")  # read for the index, not reported

    def test_plain_git_hook(self):
        inst = subprocess.run([BIN, "install-hook"], cwd=self.dir, capture_output=True, text=True)
        self.assertEqual(inst.returncode, 0, inst.stderr)
        self.assertEqual(subprocess.run([BIN, "install-hook"], cwd=self.dir, capture_output=True).returncode, 2)
        self.write("a.py", BUG)
        self.git("add", "a.py")
        refused = self.git("commit", "-m", "bug", check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("AL101", refused.stdout + refused.stderr)
        self.write("a.py", FIXED)
        self.git("add", "a.py")
        self.assertEqual(self.git("commit", "-m", "fixed", check=False).returncode, 0)

    def test_pre_commit_framework(self):
        exe = shutil.which("pre-commit")
        self.assertIsNotNone(exe, "pre-commit (Debian package) is not installed: run scripts/setup")
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        self.write(".pre-commit-config.yaml",
                   f"repos:\n  - repo: {REPO}\n    rev: {rev}\n    hooks:\n      - id: asynclint\n")
        env = {**ENV, "PATH": os.path.dirname(BIN) + os.pathsep + ENV["PATH"]}
        subprocess.run([exe, "install"], cwd=self.dir, env=env, check=True, capture_output=True)
        self.write("a.py", BUG)
        self.git("add", "a.py", ".pre-commit-config.yaml")
        refused = subprocess.run(["git", "commit", "-m", "bug"], cwd=self.dir, env=env, capture_output=True, text=True)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("AL101", refused.stdout + refused.stderr)
        self.write("a.py", FIXED)
        self.git("add", "a.py")
        ok = subprocess.run(["git", "commit", "-m", "fixed"], cwd=self.dir, env=env, capture_output=True, text=True)
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)

#!/usr/bin/env python3
"""The validation harness can fail: a "fixed" file that still drops its coroutine, or a
bad file whose defect does not show at run time, must make it exit non-zero."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = None
HERE = os.path.dirname(os.path.abspath(__file__))

BAD = ("import asyncio\nasync def work():\n    await asyncio.sleep(0)\n"
       "async def main():\n    work()  # expect: AL101\n")
GOOD = "import asyncio\nasync def work():\n    await asyncio.sleep(0)\nasync def main():\n    await work()\n"


class Harness(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="asynclint-harness-")
        shutil.copytree(os.path.join(HERE, "validate"), os.path.join(self.dir, "tests", "validate"))
        os.makedirs(os.path.join(self.dir, "fixtures", "AL101", "python"))

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def pair(self, bad, fixed):
        base = os.path.join(self.dir, "fixtures", "AL101", "python", "case")
        for path, text in ((base + ".bad.py", bad), (base + ".fixed.py", fixed)):
            with open(path, "w") as fh:
                fh.write(text)
        return subprocess.run([sys.executable, os.path.join(HERE, "validate.py"), BIN], cwd=self.dir,
                              capture_output=True, text=True, timeout=120)

    def test_good_pair_passes(self):
        proc = self.pair(BAD, GOOD)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("validate: 1 passed, 0 failed", proc.stdout)

    def test_fixed_file_still_buggy_fails(self):
        proc = self.pair(BAD, BAD.replace("  # expect: AL101", ""))
        self.assertEqual(proc.returncode, 1)
        self.assertIn("FAIL", proc.stdout)

    def test_bad_file_without_defect_fails(self):
        # A "bad" file that awaits everything: nothing is flagged and nothing shows at run time.
        proc = self.pair(GOOD.replace("await work()", "await work()  # expect: AL101"), GOOD)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("defect=False", proc.stdout)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

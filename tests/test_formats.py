#!/usr/bin/env python3
"""CI-gate outputs: `--format sarif` (valid SARIF 2.1.0 per @microsoft/sarif-multitool,
rules with their docs, results with locations and fixes that reproduce --fix),
`--format github` (workflow commands, escaped), `--exit-zero`, `--baseline` /
`--write-baseline`, `--diff-base REV`, and `asynclint rule`."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = None

BUG = "import asyncio\nimport time\n\n\nasync def f():\n    time.sleep(1)\n    asyncio.sleep(1)\n"


def run(*args, **kw):
    return subprocess.run([BIN, *args], capture_output=True, text=True, **kw)


class Formats(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="asynclint-formats-")
        self.path = os.path.join(self.dir, "bug.py")
        with open(self.path, "w") as fh:
            fh.write(BUG)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def sarif(self):
        proc = run("check", "--format", "sarif", self.path)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        return json.loads(proc.stdout)

    def test_sarif_structure(self):
        doc = self.sarif()
        self.assertEqual(doc["version"], "2.1.0")
        run0 = doc["runs"][0]
        rules = run0["tool"]["driver"]["rules"]
        ids = [r["id"] for r in rules]
        self.assertIn("AL201", ids)
        al201 = rules[ids.index("AL201")]
        self.assertTrue(al201["help"]["markdown"].startswith("# AL201 blocking-sleep"))
        self.assertEqual(al201["defaultConfiguration"]["level"], "error")
        results = run0["results"]
        self.assertEqual(sorted(r["ruleId"] for r in results), ["AL101", "AL201"])
        for r in results:
            self.assertEqual(ids[r["ruleIndex"]], r["ruleId"])
            region = r["locations"][0]["physicalLocation"]["region"]
            self.assertIn(region["startLine"], (6, 7))
            self.assertEqual(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], self.path)

    def test_sarif_fix_reproduces_fix(self):
        """Applying a result's SARIF replacements gives what --fix writes for that finding."""
        doc = self.sarif()
        res = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "AL101"][0]
        data = BUG.encode()
        repls = res["fixes"][0]["artifactChanges"][0]["replacements"]
        for rp in sorted(repls, key=lambda r: -r["deletedRegion"]["byteOffset"]):
            off, n = rp["deletedRegion"]["byteOffset"], rp["deletedRegion"]["byteLength"]
            data = data[:off] + rp["insertedContent"]["text"].encode() + data[off + n:]
        run("check", "--select", "AL101", "--fix", "-q", self.path)
        with open(self.path, "rb") as fh:
            self.assertEqual(data, fh.read())

    def test_sarif_validates(self):
        tool = subprocess.run(["scripts/fetch-sarif-tool"], capture_output=True, text=True)
        self.assertEqual(tool.returncode, 0, "could not install @microsoft/sarif-multitool: " + tool.stderr)
        exe = tool.stdout.strip()
        out = os.path.join(self.dir, "out.sarif")
        proc = run("check", "--select", "ALL", "--format", "sarif", "fixtures")
        self.assertIn(proc.returncode, (0, 1), proc.stderr)
        with open(out, "w") as fh:
            fh.write(proc.stdout)
        env = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"}
        val = subprocess.run([exe, "validate", out], capture_output=True, text=True, env=env, timeout=300)
        self.assertEqual(val.returncode, 0, val.stdout + val.stderr)
        self.assertNotIn(": error ", val.stdout)

    def test_related_location(self):
        """AL210 carries the blocking call at the end of its chain: JSON `related`, SARIF
        relatedLocations."""
        chain = os.path.join(self.dir, "chain.py")
        with open(chain, "w") as fh:
            fh.write("import time\n\n\ndef helper():\n    time.sleep(1)\n\n\nasync def f():\n    helper()\n")
        found = json.loads(run("check", "--format", "json", chain).stdout)
        self.assertEqual([(f["code"], f["related"]["line"], f["related"]["column"]) for f in found], [("AL210", 5, 5)])
        doc = json.loads(run("check", "--format", "sarif", chain).stdout)
        rel = doc["runs"][0]["results"][0]["relatedLocations"][0]
        self.assertEqual(rel["physicalLocation"]["region"]["startLine"], 5)
        self.assertIn("blocking call", rel["message"]["text"])

    def test_github_annotations(self):
        weird = os.path.join(self.dir, "a,b:c.py")
        shutil.copyfile(self.path, weird)
        proc = run("check", "--format", "github", weird)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 2)
        esc = weird.replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
        self.assertTrue(lines[0].startswith(f"::error file={esc},line=6,col=5,endLine=6,"), lines[0])
        self.assertIn(",title=AL201 blocking-sleep::", lines[0])

    def test_json_lines_gitlab_junit_pylint(self):
        """The other CI formats carry the same findings as --format json."""
        full = json.loads(run("check", "--format", "json", self.path).stdout)
        lines = run("check", "--format", "json-lines", self.path)
        self.assertEqual(lines.returncode, 1)
        self.assertEqual([json.loads(x) for x in lines.stdout.splitlines()], full)
        # GitLab Code Quality: fingerprints stable across runs and lines moving, unique
        gl = json.loads(run("check", "--format", "gitlab", self.path).stdout)
        self.assertEqual([(g["check_name"], g["location"]["path"], g["location"]["positions"]["begin"]["line"],
                           g["severity"]) for g in gl],
                         [(f["code"], f["path"], f["line"], "major") for f in full])
        self.assertTrue(all(g["description"].startswith(g["check_name"] + " ") for g in gl))
        with open(self.path, "w") as fh:
            fh.write("\n\n" + BUG + "\nasync def g():\n    time.sleep(1)\n")  # moved down, one copy more
        moved = json.loads(run("check", "--format", "gitlab", self.path).stdout)
        self.assertEqual([g["fingerprint"] for g in moved[:2]], [g["fingerprint"] for g in gl])
        self.assertEqual(len({g["fingerprint"] for g in moved}), 3)  # the copy of time.sleep(1) is its own issue
        # JUnit: well-formed XML, a failed case per finding, a passing case for a clean file
        import xml.etree.ElementTree as ET
        clean = os.path.join(self.dir, "clean & <ok>.py")
        with open(clean, "w") as fh:
            fh.write("x = 1\n")
        ju = run("check", "--format", "junit", self.path, clean)
        root = ET.fromstring(ju.stdout)
        self.assertEqual((root.tag, root.get("tests"), root.get("failures")), ("testsuites", "4", "3"))
        suites = {x.get("name"): x for x in root}
        self.assertEqual(sorted(suites), sorted([self.path, clean]))
        failures = [c.find("failure") for c in suites[self.path]]
        self.assertEqual([f.get("type") for f in failures], ["AL201", "AL101", "AL201"])
        self.assertIsNone(suites[clean][0].find("failure"))
        pl = run("check", "--format", "pylint", self.path).stdout.splitlines()
        self.assertEqual(pl[0].split(": ", 1)[0], f"{self.path}:8")
        self.assertTrue(pl[0].split(": ", 1)[1].startswith("[AL201] `time.sleep()` blocks"), pl[0])
        self.assertEqual(len(pl), 3)

    def test_concise(self):
        proc = run("check", "--format", "concise", self.path)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(len(lines), 3, proc.stdout)  # two findings and the summary
        self.assertTrue(lines[0].startswith(f"{self.path}:6:5: AL201 [-] `time.sleep()` blocks"), lines[0])
        self.assertTrue(lines[1].startswith(f"{self.path}:7:5: AL101 [*] "), lines[1])
        self.assertEqual(lines[2], "Found 2 findings in 1 file (1 checked).")
        quiet = run("check", "--format", "concise", "-q", self.path).stdout.splitlines()
        self.assertEqual(quiet, lines[:2])

    def test_statistics(self):
        more = os.path.join(self.dir, "more.py")
        with open(more, "w") as fh:
            fh.write("import time\n\n\nasync def g():\n    time.sleep(1)\n    time.sleep(2)\n")
        proc = run("check", "--statistics", self.dir)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["3", "AL201", "[-]", "blocking-sleep"])
        self.assertEqual(lines[1].split(), ["1", "AL101", "[*]", "unawaited-coroutine"])
        self.assertTrue(lines[2].startswith("Found 4 findings (2 checked)"), lines[2])
        js = json.loads(run("check", "--statistics", "--format", "json", self.dir).stdout)
        self.assertEqual(js, [
            {"code": "AL201", "name": "blocking-sleep", "count": 3, "fixable": 0, "unsafe_fixable": 3},
            {"code": "AL101", "name": "unawaited-coroutine", "count": 1, "fixable": 1, "unsafe_fixable": 0},
        ])
        self.assertEqual(run("check", "--statistics", "--exit-zero", self.dir).returncode, 0)

    def test_exit_zero(self):
        proc = run("check", "--exit-zero", self.path)
        self.assertEqual(proc.returncode, 0)
        self.assertIn("AL201", proc.stdout)
        self.assertEqual(run("check", "--exit-zero", os.path.join(self.dir, "missing.py")).returncode, 2)

    def test_baseline(self):
        """Accepted findings stay accepted when lines move; a new one (even an identical
        second copy) is reported; a broken baseline is a clear error (exit 2)."""
        base = os.path.join(self.dir, "base.json")
        self.assertEqual(run("check", "--write-baseline", base, self.path).returncode, 0)
        with open(self.path, "w") as fh:
            fh.write("# moved down\n\n" + BUG + "    time.sleep(1)\n")
        proc = run("check", "--format", "json", "--baseline", base, self.path)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        found = json.loads(proc.stdout)
        self.assertEqual([(f["code"], f["line"]) for f in found], [("AL201", 10)])
        self.assertIn("2 findings accepted", proc.stderr)
        with open(base, "w") as fh:
            fh.write("{ not json")
        bad = run("check", "--baseline", base, self.path)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("cannot read baseline", bad.stderr)
        self.assertEqual(len(bad.stderr.strip().splitlines()), 1)

    def test_diff_base(self):
        """Only findings on lines changed since the revision (and in untracked files)."""
        def git(*a):
            subprocess.run(["git", *a], cwd=self.dir, check=True, capture_output=True,
                           env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
                                "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"})
        git("init", "-q")
        git("add", "bug.py")
        git("commit", "-q", "-m", "base")
        with open(self.path, "a") as fh:
            fh.write("    time.sleep(2)\n")
        with open(os.path.join(self.dir, "new.py"), "w") as fh:
            fh.write(BUG)
        proc = run("check", "--format", "json", "--diff-base", "HEAD", ".", cwd=self.dir)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        got = sorted((f["path"], f["line"], f["code"]) for f in json.loads(proc.stdout))
        self.assertEqual(got, [("bug.py", 8, "AL201"), ("new.py", 6, "AL201"), ("new.py", 7, "AL101")])
        bad = run("check", "--diff-base", "no-such-rev", ".", cwd=self.dir)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("unknown revision", bad.stderr)
        outside = tempfile.mkdtemp(prefix="asynclint-nogit-")
        try:
            nogit = run("check", "--diff-base", "HEAD", self.path, cwd=outside)
            self.assertEqual(nogit.returncode, 2)
            self.assertIn("git repository", nogit.stderr)
        finally:
            shutil.rmtree(outside)

    def test_rule_doc(self):
        proc = run("rule", "AL404")
        self.assertEqual(proc.returncode, 0)
        self.assertTrue(proc.stdout.startswith("# AL404 unshielded-cleanup"))
        self.assertIn("## Use instead", proc.stdout)
        self.assertEqual(run("rule", "AL999").returncode, 2)
        self.assertEqual(run("rule").returncode, 2)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)

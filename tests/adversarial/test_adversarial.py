#!/usr/bin/env python3
"""Adversarial input, generated at test time: 100,000-deep nesting in each language, a
50 MB file, a million-line file, a 5 MB line of minified JS, invalid UTF-8 at every kind
of position, CRLF / lone CR / BOM, files deleted or truncated while being read, 100,000
files in one folder, odd paths, and configurations built to hurt.

Each case checks: exit 0 or 1 (never a crash or a sanitizer's code), at most one clear
line on stderr per bad file, the finding planted in a good file still reported, and the
peak RSS under the bound stated in the case (normal builds; under ASan the shadow memory
makes RSS meaningless, so only the rest is checked)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = None
HERE = os.path.dirname(os.path.abspath(__file__))
GOOD = "import asyncio\n\nasync def f():\n    asyncio.sleep(1)\n"  # AL101 at line 4
ASAN = "ASAN_OPTIONS" in os.environ
MB = 1024


def run(cmd, env=None, timeout=600, cwd=None):
    """(exit code, stdout, stderr, peak RSS in KB) of cmd."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        try:
            _, status, ru = os.wait4(p.pid, 0)
        except BaseException:
            p.kill()
            raise
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return p.returncode, out.read(), err.read(), ru.ru_maxrss


def check_json(select, folder):
    """`check --format json` of folder with the rules select: (exit code, findings, CPU
    seconds in user mode) — what the long-input tests bound."""
    cmd = [BIN, "check", "--format", "json", "--no-cache", "--select", select, folder]
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        out.seek(0)
        return os.waitstatus_to_exitcode(status), json.loads(out.read()), ru.ru_utime

class Adversarial(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="asynclint-adv-")
        self.write("good.py", GOOD)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, name, data):
        path = os.path.join(self.dir.encode() if isinstance(name, bytes) else self.dir, name)
        if isinstance(data, bytes):
            with open(path, "wb") as fh:
                fh.write(data)
        else:
            with open(path, "w", newline="") as fh:
                fh.write(data)
        return path

    def lint(self, *args, rss_mb=None, env=None, paths=None):
        cmd = [BIN, "check", "--format", "json", *args, *(paths or [self.dir])]
        rc, out, err, rss = run(cmd, env=env)
        self.assertIn(rc, (0, 1), err.decode(errors="replace")[-2000:])
        if rss_mb is not None and not ASAN:
            self.assertLess(rss, rss_mb * MB, f"peak RSS {rss // MB} MB over the stated {rss_mb} MB")
        return json.loads(out), err.decode(errors="replace"), rss

    def assert_good(self, findings):
        good = [(f["line"], f["code"]) for f in findings if f["path"].endswith("good.py")]
        self.assertEqual(good, [(4, "AL101")])

    def at_most_one_line_each(self, err, names):
        for n in names:
            lines = [l for l in err.splitlines() if n in l]
            self.assertLessEqual(len(lines), 1, lines)

    # ---- size and shape ----

    def test_nesting_100000_deep(self):
        """Peak RSS under 900 MB for seven files 100,000 levels deep."""
        d = 100000
        self.write("deep_parens.py", "x = " + "(" * d + "1" + ")" * d + "\n")
        self.write("deep_calls.py", "async def f():\n    " + "g(" * d + ")" * d + "\n")
        self.write("deep_lists.py", "x = " + "[" * d + "]" * d + "\n")
        self.write("deep_arrays.js", "const x = " + "[" * d + "]" * d + ";\n")
        self.write("deep_calls.js", "async function f() { " + "g(" * d + ")" * d + "; }\n")
        self.write("deep_fns.js", "f(" + "function () { " * d + "}" * d + ");\n")
        # object literals named through their holders, factories' literals by the factory
        # (`api.a.a.go`, `f().m1().m2`): bounded, not a name per level of the nesting
        self.write("deep_objects.js", "const api = " + "{ a: " * d + "{ async go() {} }" + " }" * d + ";\n")
        self.write("deep_factories.js", "function f() { return " + "{ m() { return " * d + "1" + " } }" * d + " }\n")
        self.write("deep_blocks.c", "void f(void) {" + "{" * d + "}" * d + "}\n")
        findings, err, _ = self.lint(rss_mb=900)
        self.at_most_one_line_each(err, ["deep_"])
        self.assert_good(findings)

    def test_50_mb_file(self):
        """A 50 MB module of ordinary code: the finding at its end is found. Peak RSS
        stated: under 2,500 MB (tree-sitter's tree of a 50 MB file is most of it)."""
        chunk = ('def handler_%d(request, *, timeout=30):\n'
                 '    """Handle one request; a docstring long enough to look like real code."""\n'
                 '    # a comment line of the usual length, explaining what the next lines do\n'
                 '    data = request.get("payload", {})\n'
                 '    return {"ok": True, "n": len(data), "id": %d}\n\n\n')
        n = 50 * 1024 * 1024 // len(chunk % (0, 0))
        body = "".join(chunk % (i, i) for i in range(n)) + GOOD
        path = self.write("big.py", body)
        self.assertGreaterEqual(os.path.getsize(path), 50 * 1024 * 1024)
        findings, err, _ = self.lint(rss_mb=2500)
        self.assertEqual(err, "")
        big = [(f["line"], f["code"]) for f in findings if f["path"].endswith("big.py")]
        self.assertEqual(big, [(body.count("\n"), "AL101")])
        self.assert_good(findings)

    def test_million_lines(self):
        """1,000,000 lines, the finding on the last ones. Peak RSS under 1,200 MB."""
        body = "x = 1\n" * 1_000_000 + GOOD
        self.write("lines.py", body)
        findings, err, _ = self.lint(rss_mb=1200)
        self.assertEqual(err, "")
        got = [(f["line"], f["code"]) for f in findings if f["path"].endswith("lines.py")]
        self.assertEqual(got, [(1_000_004, "AL101")])

    def assert_long_findings(self, select, expected, cpu_bound):
        """check_json of the folder: exactly the findings expected ((file, line, code)),
        within cpu_bound CPU seconds (a hang guard for quadratic work, not a speed target)."""
        code, findings, cpu = check_json(select, self.dir)
        self.assertIn(code, (0, 1))
        got = sorted((os.path.basename(f["path"]), f["line"], f["code"]) for f in findings)
        self.assertEqual(got, sorted(expected))
        self.assertLess(cpu, cpu_bound if not ASAN else 300, "quadratic work in a long function")

    def test_long_flat_async_functions(self):
        """One async function of 60,000 statements that each store, await or call what the
        module defines: every finding is there, and the work stays linear — a per-call
        look back over the function (shadowing, later reads, the `if` above) made these
        take minutes. The CPU bound is a hang guard (linear: under a second here), not a
        speed target: those live in the bench."""
        n = 30000
        py = ["import asyncio", "", "async def f():", "    return 1", "", "async def big():"]
        for i in range(n):
            py += [f"    c{i} = f()", f"    x{i} = await c{i}"]
        py += ["    f()", ""]
        self.write("flat.py", "\n".join(py))
        js = ["async function f() { return 1; }", "export async function big() {"]
        js += [f"  const p{i} = f(); let y{i} = 0; y{i} = await p{i};" for i in range(n)]
        js += ["  f();", "}", ""]
        self.write("flat.mjs", "\n".join(js))
        self.assert_long_findings("AL101,AL103,AL512", [("flat.mjs", n + 3, "AL101"), ("flat.py", 2 * n + 7, "AL101"),
                                                        ("good.py", 4, "AL101")], 60)

    def test_long_run_of_loops(self):
        """One async function of 100,000 loops: whether each iterates an async-only object
        (`for line in fh` over an aiofiles handle) asks for the loop variable's last
        assignment before it — from a table of the file's bindings, not a walk from the
        function's start per loop (45 s for the Python file when it walked). The CPU bound
        is a hang guard, not a speed target."""
        n = 100000
        py = ["async def g():", "    return 1", "", "async def big(xs):"]
        py += [f"    for x{i} in xs:\n        print(x{i})" for i in range(n)]
        py += ["    g()", ""]
        self.write("loops.py", "\n".join(py))
        js = ["async function g() { return 1; }", "export async function big(xs) {"]
        js += [f"  for (const x{i} of xs) console.log(x{i});" for i in range(n)]
        js += ["  g();", "}", ""]
        self.write("loops.mjs", "\n".join(js))
        self.assert_long_findings("AL101", [("good.py", 4, "AL101"), ("loops.mjs", n + 3, "AL101"),
                                            ("loops.py", 2 * n + 5, "AL101")], 30)

    def test_long_run_of_rule_questions(self):
        """One async function of 30,000 small gathers over a literal list, tasks awaited
        next, and (JS) fetches whose catch rethrows the abort; a C function of 10,000
        results of the runtime's sleep, each tested: none is a finding, but each asks about
        the whole function — the list's other assignments and growth, where a gathered
        display came from (AL301), what runs after the task (AL103), a test of the abort
        after the try and the work that follows it (AL401), the block around a call and the
        checkpoints before it (AL401, AL404), a callback passed through a variable (10,000
        timers started). From the file's tables and occurrence lists,
        not a walk or a text scan per statement (minutes each when they were). The CPU bound
        is a hang guard, not a speed target."""
        n = 30000
        py = ["import asyncio", "", "async def g():", "    await asyncio.sleep(0)", "", "async def big(xs):"]
        for i in range(n):
            py += [f"    b{i} = [1, 2, 3]", f"    await asyncio.gather(*[g() for _ in b{i}])",
                   f"    t{i} = asyncio.create_task(g())", f"    await t{i}"]
        py += ["    g()", ""]
        self.write("questions.py", "\n".join(py))
        js = ["async function g() { await null; }", "export async function big(u, signal) {"]
        for i in range(n):
            js += [f"  const b{i} = [1, 2];", f"  await Promise.all(b{i}.map((x) => g(x)));",
                   f"  try {{ await fetch(u, {{ signal }}); }} catch (e) {{ if (e.name === 'AbortError') throw e; }}",
                   "  await Promise.all([g(), g()]);"]
        js += ["  g();", "}", ""]
        self.write("questions.mjs", "\n".join(js))
        # C: each result of the runtime's sleep tested, outside an `if` (AL401/AL404 look
        # for the block around each)
        c = ["#include <errno.h>", "int rt_sleep(long ms);", "int big(void) {", "  int rc;"]
        for i in range(n // 3):
            c += [f"  rc = rt_sleep({i});", "  if (rc == -ECANCELED) return rc;"]
        c += ["  rt_sleep(1);", "  return 0;", "}", ""]
        self.write("questions.c", "\n".join(c))
        # libuv timers started in one function (the index looks for a callback passed
        # through a variable assigned before each start)
        c = ["typedef struct uv_loop_s uv_loop_t;", "typedef struct { void *data; char pad[152]; } uv_timer_t;",
             "typedef void (*uv_timer_cb)(uv_timer_t *);", "int uv_timer_init(uv_loop_t *, uv_timer_t *);",
             "int uv_timer_start(uv_timer_t *, uv_timer_cb, unsigned long, unsigned long);",
             "static void on_tick(uv_timer_t *t) { (void)t; }", "void start_all(uv_loop_t *loop, uv_timer_t *ts) {"]
        for i in range(n // 3):
            c += [f"  uv_timer_init(loop, &ts[{i}]);", f"  uv_timer_start(&ts[{i}], on_tick, 1, 0);"]
        c += ["}", ""]
        self.write("timers.c", "\n".join(c))
        self.assert_long_findings("ALL", [("good.py", 4, "AL101"), ("questions.c", 2 * (n // 3) + 5, "AL401"),
                                          ("questions.mjs", 4 * n + 3, "AL101"), ("questions.py", 4 * n + 7, "AL101")],
                                  30)

    def test_long_run_of_shared_updates(self):
        """30,000 `acc.total += await f()` in one function (a parameter's property: each a
        finding): what decides that the target is shared is found once per function and
        name, not per statement (it took minutes when every await re-read the function)."""
        n = 30000
        self.write("upd.mjs", "\n".join(["async function f() { await null; return 1; }",
                                          "export async function big(acc) {"] +
                                         ["  acc.total += await f();"] * n + ["}", ""]))
        self.write("upd.py", "\n".join(["async def f():", "    return 1", "", "async def big(acc):"] +
                                        ["    acc.total += await f()"] * n + [""]))
        code, findings, cpu = check_json("AL512", self.dir)
        self.assertIn(code, (0, 1))
        self.assertEqual(len([f for f in findings if f["path"].endswith("upd.mjs")]), n)
        self.assertEqual(len([f for f in findings if f["path"].endswith("upd.py")]), n)
        self.assertLess(cpu, 60 if not ASAN else 300, "quadratic work in a long function")

    def test_many_findings_in_a_file_with_suppression_markers(self):
        """60,000 findings in one file that also holds suppression comments (an ESLint
        region, an asynclint and a pylint directive): the file-wide checks are made once per
        file and rule, and the regions resume where the previous finding left them (a scan
        of the file per finding took 5.7 s for 20,000). The region still counts."""
        n = 60000
        pad = "  // " + "pad " * 12
        self.write("marked.mjs", "\n".join(["/* eslint-disable no-console */", "// asynclint: see the docs",
                                             "async function g() {}", "async function f() {"] +
                                            ["  g();" + pad] * n +
                                            ["  /* eslint-disable @typescript-eslint/no-floating-promises */",
                                             "  g();", "}", ""]))
        self.write("marked.py", "\n".join(["# pylint: disable=lost-exception", "# asynclint: see the docs",
                                            "async def g():", "    pass", "", "async def f():"] +
                                           ["    g()  # " + "pad " * 12] * n + [""]))
        code, findings, cpu = check_json("AL101", self.dir)
        self.assertIn(code, (0, 1))
        self.assertEqual(len([f for f in findings if f["path"].endswith("marked.mjs")]), n)  # not the last g()
        self.assertEqual(len([f for f in findings if f["path"].endswith("marked.py")]), n)
        self.assertLess(cpu, 30 if not ASAN else 150, "a scan of the file per finding")

    def test_minified_js_one_5_mb_line(self):
        """One 5 MB line: the finding at its end has the right column, and the text
        output's snippet stays short. Peak RSS under 800 MB."""
        head = "const fs=require('fs');"
        filler = "".join("function a%d(b){return b+%d};" % (i, i) for i in range(200000))
        tail = "async function z(){fs.readFileSync('x')}"
        line = head + filler
        line += "var pad='" + "x" * max(0, 5 * 1024 * 1024 - len(line) - len(tail) - 12) + "';" + tail
        self.write("min.js", line + "\n")
        self.assertGreater(len(line), 5 * 1024 * 1024)
        findings, err, _ = self.lint(rss_mb=800)
        got = [(f["line"], f["code"], f["column"]) for f in findings if f["path"].endswith("min.js")]
        self.assertEqual(got, [(1, "AL203", line.index("fs.readFileSync") + 1)])
        rc, out, _, _ = run([BIN, "check", "--color", "never", os.path.join(self.dir, "min.js")])
        self.assertEqual(rc, 1)
        self.assertLess(len(out), 4000, "the snippet of a 5 MB line must be cut")

    # ---- bytes ----

    def test_invalid_utf8_at_every_position_class(self):
        cases = {
            "start": b"\xff" + GOOD.encode(),
            "identifier": b"caf\xe9 = 1\n" + GOOD.encode(),
            "string": b"s = 'caf\xe9'\n" + GOOD.encode(),
            "comment": b"# caf\xe9\n" + GOOD.encode(),
            "eof_truncated": GOOD.encode() + b"# \xe2\x82",
            "overlong": b"# \xc0\xaf\n" + GOOD.encode(),
            "surrogate": b"# \xed\xa0\x80\n" + GOOD.encode(),
            "lone_continuation": b"x = 1 # \x80\x80\n" + GOOD.encode(),
        }
        for name, data in cases.items():
            self.write(f"u8_{name}.py", data)
            js = data.replace(b"import asyncio\n", b"const asyncio = require('x');\n").replace(b"#", b"//")
            js = js.replace(b"async def f():\n    asyncio.sleep(1)\n", b"async function f() {\n  fetch(1);\n}\n")
            self.write(f"u8_{name}.js", js)
        findings, err, _ = self.lint()
        for name, data in cases.items():
            for ext in ("py", "js"):
                fn = f"u8_{name}.{ext}"
                lines = [l for l in err.splitlines() if fn in l]
                self.assertEqual(len(lines), 1, (fn, err))
                self.assertIn("invalid UTF-8", lines[0])
                got = [f["code"] for f in findings if f["path"].endswith(fn)]
                self.assertEqual(got, ["AL101"], fn)
        self.assert_good(findings)

    def test_line_endings_and_bom(self):
        """CRLF, lone CR and a BOM: the finding is on line 4 in every file."""
        variants = {"crlf": GOOD.replace("\n", "\r\n"), "cr": GOOD.replace("\n", "\r"),
                    "bom": "\ufeff" + GOOD, "bom_crlf": "\ufeff" + GOOD.replace("\n", "\r\n"),
                    "mixed": "import asyncio\r\n\rasync def f():\n    asyncio.sleep(1)\r\n"}
        js = "const a = 1;\n\nasync function f() {\n  fetch(1);\n}\n"
        for name, text in variants.items():
            self.write(f"le_{name}.py", text)
            self.write(f"le_{name}.js", text.replace(GOOD, js) if name != "mixed"
                       else "const a = 1;\r\n\rasync function f() {\n  fetch(1);\r\n}\n")
        for name in ("crlf", "cr", "bom_crlf"):
            nl = {"crlf": "\r\n", "cr": "\r", "bom_crlf": "\r\n"}[name]
            self.write(f"le_{name}.js", ("\ufeff" if "bom" in name else "") + js.replace("\n", nl))
        self.write("le_bom.js", "\ufeff" + js)
        findings, err, _ = self.lint()
        self.assertEqual(err, "")
        for name in variants:
            for ext in ("py", "js"):
                got = [(f["line"], f["code"]) for f in findings if f["path"].endswith(f"le_{name}.{ext}")]
                self.assertEqual(got, [(4, "AL101")], f"le_{name}.{ext}")

    # ---- files that change under us ----

    def shim(self):
        so = os.path.join(self.dir, "shim.so")
        subprocess.run(["cc", "-shared", "-fPIC", "-O1", "-o", so, os.path.join(HERE, "shim.c"), "-ldl"], check=True)
        env = dict(os.environ, LD_PRELOAD=so)
        env["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
        return so, env

    def test_file_deleted_or_truncated_while_read(self):
        so, env = self.shim()
        self.write("a__vanish__.py", GOOD)
        self.write("b__shrink__.py", "# " + "x" * 5000 + "\n" + GOOD)
        findings, err, _ = self.lint(env=env, paths=[os.path.join(self.dir, n) for n in
                                                      ("a__vanish__.py", "b__shrink__.py", "good.py")])
        vanish = [l for l in err.splitlines() if "a__vanish__.py" in l]
        self.assertEqual(len(vanish), 1, err)
        self.assertIn("No such file", vanish[0])
        self.at_most_one_line_each(err, ["b__shrink__.py"])
        self.assertEqual([f for f in findings if "b__shrink__" in f["path"]], [])  # the bug was cut off
        self.assert_good(findings)

    def test_100000_files_in_one_folder(self):
        """100,000 small files and one bug: peak RSS under 600 MB (a few KB a file)."""
        many = os.path.join(self.dir, "many")
        os.mkdir(many)
        for i in range(100000):
            with open(os.path.join(many, f"m{i}.py"), "w") as fh:
                fh.write("x = %d\n" % i)
        findings, err, rss = self.lint(rss_mb=600)
        self.assertEqual(err, "")
        self.assert_good(findings)
        self.assertEqual(len(findings), 1)
        rc, out, _, _ = run([BIN, "check", "--color", "never", self.dir])
        self.assertIn(b"(100001 checked)", out)

    def test_odd_paths(self):
        names = ["with space.py", "new\nline.py", b"caf\xe9.py", "-dash.py", "quote'\".py"]
        for n in names:
            self.write(n, GOOD)
        findings, err, _ = self.lint()
        self.assertEqual(err, "")
        self.assertEqual(len([f for f in findings if f["code"] == "AL101"]), len(names) + 1)
        self.assertTrue(any("new\nline.py" in f["path"] for f in findings))
        self.assertTrue(any("with space.py" in f["path"] for f in findings))
        for fmt in ("text", "sarif", "github"):
            rc, out, err2, _ = run([BIN, "check", "--format", fmt, "--color", "never", self.dir])
            self.assertEqual(rc, 1, err2)
            if fmt == "sarif":
                json.loads(out)
            if fmt == "github":  # one workflow command per finding: the newline is escaped
                self.assertEqual(len([l for l in out.splitlines() if l.startswith(b"::")]), len(names) + 1)

    # ---- configurations built to hurt ----

    def bad_config(self, text, expect_in=None):
        cfg = os.path.join(self.dir, ".asynclint.yaml")
        with open(cfg, "w") as fh:
            fh.write(text)
        rc, out, err, rss = run([BIN, "check", self.dir])
        self.assertEqual(rc, 2, err[-500:])
        lines = err.decode(errors="replace").strip().splitlines()
        self.assertEqual(len(lines), 1, lines[:3])
        self.assertIn(".asynclint.yaml", lines[0])
        if expect_in:
            self.assertIn(expect_in, lines[0])
        if not ASAN:
            self.assertLess(rss, 400 * MB)
        return lines[0]

    def test_config_alias_bomb_and_cycles(self):
        """Billion laughs (aliases nested nine levels deep), an alias to itself and
        anchors used as settings: refused in one line, peak RSS under 400 MB."""
        bomb = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        for i in range(1, 10):
            bomb.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
        bomb.append("select: *a9")
        self.bad_config("\n".join(bomb) + "\n")
        self.bad_config("select: &x [*x]\n")
        self.bad_config("knowledge: &k {python: *k}\n")

    def test_config_huge_values(self):
        self.bad_config("select: [" + ",".join(["AL999"] * 100000) + "]\n", "AL999")
        self.bad_config("ignore: ['" + "A" * (10 * 1024 * 1024) + "']\n")
        self.bad_config("select: " + "[" * 100000 + "]" * 100000 + "\n")
        self.bad_config("severity: {AL101: " + "x" * 100000 + "}\n")


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

#!/usr/bin/env python3
"""The command line behaves like the linters people know: commands, options, exit
codes, output formats, discovery skips and .gitignore, deterministic parallel output."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = None
# libevent's declarations a test file needs (three lines)
LIBEVENT_DECLS = ("struct event_base;\ntypedef int evutil_socket_t;\n"
                  "struct event *event_new(struct event_base *, evutil_socket_t, short, "
                  "void (*)(evutil_socket_t, short, void *), void *);\n")
BUG_PY = "import asyncio\nasync def f():\n    asyncio.sleep(1)\n"
BUG_JS = "async function f() {}\nf();\n"


def run(*args, cwd=None):
    return subprocess.run([BIN, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


class Cli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="asynclint-cli-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def write(self, rel, text):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)
        return path

    def messages(self, *args):
        """`check --format json ARGS`: the messages by (line, code)."""
        proc = run("check", "--format", "json", *args)
        return {(f["line"], f["code"]): f["message"] for f in json.loads(proc.stdout)}

    def paths(self, proc):
        return sorted(os.path.relpath(f["path"], self.dir) for f in json.loads(proc.stdout))

    def test_version_and_help(self):
        v = run("--version")
        self.assertEqual(v.returncode, 0)
        self.assertRegex(v.stdout, r"^asynclint \d+\.\d+\.\d+ \(build [0-9a-f]{16}\)\n$")
        h = run("--help")
        self.assertEqual(h.returncode, 0)
        for word in ("check", "--format", "--select", "--ignore", "--jobs", "exit codes"):
            self.assertIn(word, h.stdout)

    def test_rule_pages_by_our_code_or_a_peers(self):
        own = run("rule", "AL201")
        self.assertEqual(own.returncode, 0)
        self.assertTrue(own.stdout.startswith("# AL201 blocking-sleep\n"), own.stdout[:80])
        peer = run("rule", "ASYNC251")
        self.assertEqual(peer.returncode, 0)
        self.assertTrue(peer.stdout.startswith("ASYNC251 is covered by AL201"), peer.stdout[:80])
        self.assertIn(own.stdout, peer.stdout)
        ts = run("rule", "@typescript-eslint/no-floating-promises")
        self.assertEqual([l for l in ts.stdout.splitlines() if l.startswith("# AL")],
                         ["# AL101 unawaited-coroutine", "# AL103 stored-unawaited"])
        self.assertEqual(run("rule", "no-such-rule").returncode, 2)

    def test_usage_errors_exit_2(self):
        for args in (["frobnicate"], ["check", "--format", "xml"], ["check", "--bogus"],
                     ["check", "--select", "XY999"], ["check", "-j", "0"], []):
            proc = run(*args)
            self.assertEqual(proc.returncode, 2, args)
            self.assertTrue(proc.stderr.strip(), args)

    def test_exit_codes_and_text_format(self):
        self.write("clean.py", "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(0)\n")
        clean = run("check", self.dir)
        self.assertEqual(clean.returncode, 0, clean.stderr)
        self.assertIn("No findings", clean.stdout)
        self.write("bug.py", BUG_PY)
        proc = run("check", "--color", "never", self.dir)
        self.assertEqual(proc.returncode, 1)
        lines = proc.stdout.splitlines()
        path = os.path.join(self.dir, "bug.py")
        self.assertTrue(lines[0].startswith(f"{path}:3:5: AL101 [unawaited-coroutine] "), lines[0])
        self.assertIn("    asyncio.sleep(1)", lines[2])
        self.assertEqual(lines[3].split("|")[1], "     " + "^" * len("asyncio.sleep(1)"))
        self.assertNotIn("\033[", proc.stdout)
        colored = run("check", "--color", "always", self.dir)
        self.assertIn("\033[", colored.stdout)

    def test_json_format(self):
        self.write("bug.py", BUG_PY)
        proc = run("check", "--format", "json", self.dir)
        [f] = json.loads(proc.stdout)
        self.assertEqual((f["line"], f["column"], f["end_line"], f["end_column"]), (3, 5, 3, 21))
        self.assertEqual((f["code"], f["name"], f["severity"]), ("AL101", "unawaited-coroutine", "error"))
        self.assertIn("asyncio.sleep", f["message"])
        # ESLint's `-f` and Ruff's `--output-format` spell the same option
        for spelling in (["-f", "json"], ["--output-format", "json"], ["--output-format=json"]):
            self.assertEqual(run("check", *spelling, self.dir).stdout, proc.stdout, spelling)
        # a finding over two lines ends on the second (computed from the line table when
        # reported; the IR keeps only where a node starts)
        two = self.write("two_lines.py", "import asyncio\r\n\r\nasync def main():\r\n    asyncio.sleep(\r\n        1)\r\n")
        [f] = json.loads(run("check", "--format", "json", two).stdout)
        self.assertEqual((f["line"], f["column"], f["end_line"], f["end_column"]), (4, 5, 5, 11))

    def test_messages_name_a_tuple_of_exception_types_as_written(self):
        self.write("tup.py", "import asyncio\n\n\nasync def f(q):\n    try:\n        await q.get()\n"
                   "    except (ValueError, asyncio.CancelledError):\n        return None\n")
        proc = run("check", "--format", "json", self.dir)
        [f] = json.loads(proc.stdout)
        self.assertEqual(f["code"], "AL401")
        self.assertIn("`except (ValueError, asyncio.CancelledError)` swallows cancellation", f["message"])
        self.write("tup.py", "import asyncio\n\n\nasync def f(q):\n    try:\n        await q.get()\n"
                   "    except* asyncio.CancelledError:\n        pass\n")
        proc = run("check", "--format", "json", self.dir)
        [f] = json.loads(proc.stdout)
        self.assertIn("`except* asyncio.CancelledError` swallows cancellation", f["message"])

    def test_messages_name_a_dropped_constructor_call_as_written(self):
        self.write("ctor.mjs", "export function f() {\n  new Promise((resolve, reject) => reject(new Error('x')));\n}\n")
        proc = run("check", "--format", "json", self.dir)
        [f] = json.loads(proc.stdout)
        self.assertEqual(f["code"], "AL101")
        self.assertIn("promise created by `new Promise()` is never awaited", f["message"])

    def test_messages_name_a_callee_that_starts_at_an_expression_as_written(self):
        self.write("recv.mjs", "export async function f(keys, g, out) {\n"
                   "  [1, 2].map(async (x) => x);\n"
                   "  (await g()).map(async (x) => x);\n"
                   "  for (const k of keys) {\n    out.push(\n      Promise.resolve()\n        .then(() => g(k)));\n  }\n"
                   "  aFunctionWithAVeryLongNameIndeed(argumentNumberOne, argumentTwo).items.map(async (x) => x);\n"
                   "  'a b'.split(' ').map(async (x) => x);\n"
                   "  new Promise((resolve) => resolve(1)).then(() => g(1));\n}\n")
        got = self.messages("--no-cache", "--select", "ALL", self.dir)
        self.assertIn("`[1, 2].map()` with an async callback", got[(2, "AL104")])
        self.assertIn("`(await g()).map()` with an async callback", got[(3, "AL104")])
        self.assertIn("`Promise.resolve().then()` inside a loop over `keys`", got[(6, "AL302")])
        self.assertIn("`aFunctionWithAVeryLongNameIndeed(\u2026).items.map()`", got[(9, "AL104")])
        self.assertIn("`'a b'.split(' ').map()`", got[(10, "AL104")])
        self.assertIn("promise chain on `new Promise((resolve) => resolve(1))` ends in `.then()`", got[(11, "AL101")])
        self.assertFalse(any("`()" in m for m in got.values()), got)

    def test_messages_name_the_collection_a_counting_loop_walks(self):
        self.write("count.mjs", "async function send(x) { return fetch(x); }\nexport async function f(items) {\n"
                   "  const out = [];\n"
                   "  for (let i = 0; i < items.length; i++) out.push(send(items[i]));\n"
                   "  for (let k = 0; this.jobs.length > k; k++) send(this.jobs[k]).catch(() => {});\n"
                   "  for (let n = 0; n < limit(); n++) send(n).catch(() => {});\n"
                   "  return Promise.all(out);\n}\n"
                   "export function g(xs, load) {\n  const out = [];\n"
                   "  for (let i = 0; i <= xs.length - 1; i++) out.push(load(xs[i]));\n"
                   "  return Promise.all(out);\n}\n")
        got = self.messages("--no-cache", "--select", "ALL", self.dir)
        self.assertIn("inside a loop over `items` starts", got[(4, "AL302")])
        self.assertIn("inside a loop over `this.jobs` starts", got[(5, "AL302")])
        self.assertIn("inside a loop over `n < limit()` starts", got[(6, "AL302")])  # no collection: as written
        self.assertIn("`Promise.all()` over `xs` starts", got[(12, "AL301")])

    def test_spawn_advice_names_the_library_in_use(self):
        self.write("t.py", "import trio\n\n\nasync def main(urls, work):\n"
                   "    async with trio.open_nursery() as n:\n        for u in urls:\n            n.start_soon(work, u)\n")
        self.write("a.py", "import asyncio\n\n\nasync def work(u):\n    await asyncio.sleep(0)\n\n\n"
                   "async def main(urls):\n    ts = []\n    for u in urls:\n"
                   "        ts.append(asyncio.create_task(work(u)))\n    await asyncio.wait(ts)\n")
        proc = run("check", "--format", "json", "--no-cache", "--select", "AL302", self.dir)
        got = {os.path.basename(f["path"]): f["message"] for f in json.loads(proc.stdout)}
        self.assertIn("acquire a trio.CapacityLimiter", got["t.py"])
        self.assertNotIn("asyncio", got["t.py"])
        self.assertIn("acquire an asyncio.Semaphore", got["a.py"])
        self.assertNotIn("trio", got["a.py"])

    def messages_by_file(self, *args):
        proc = run("check", "--format", "json", "--no-cache", *args, self.dir)
        return {(os.path.basename(f["path"]), f["line"]): f["message"] for f in json.loads(proc.stdout)}

    def test_c_blocking_advice_names_the_loop_in_use(self):
        # a libevent callback, and a helper it calls, get libevent's advice (not libuv's
        # thread pool); a libuv callback keeps libuv's; a GLib helper gets GLib's timer
        self.write("ev.c", "#include <stdio.h>\n#include <unistd.h>\n" + LIBEVENT_DECLS +
                   "static void helper(void) {\n  usleep(10);\n}\n"
                   "static void on_tick(evutil_socket_t fd, short what, void *arg) {\n"
                   "  FILE *f = fopen(\"/tmp/x\", \"r\");\n  helper();\n  (void)f; (void)fd; (void)what; (void)arg;\n}\n"
                   "void go(struct event_base *b) {\n  event_new(b, -1, 0, on_tick, NULL);\n}\n")
        self.write("uv.c", "#include <stdio.h>\n#include <uv.h>\n"
                   "static void on_timer(uv_timer_t *t) {\n  FILE *f = fopen(\"/tmp/x\", \"r\");\n  (void)f; (void)t;\n}\n"
                   "void go_uv(uv_timer_t *t) {\n  uv_timer_start(t, on_timer, 1, 1);\n}\n")
        self.write("g.c", "#include <unistd.h>\ntypedef int gboolean;\ntypedef void *gpointer;\n"
                   "unsigned g_idle_add(gboolean (*)(gpointer), gpointer);\n"
                   "static void nap(void) {\n  sleep(1);\n}\n"
                   "static gboolean on_idle(gpointer p) {\n  nap();\n  (void)p;\n  return 0;\n}\n"
                   "void go_g(void) {\n  g_idle_add(on_idle, 0);\n}\n")
        got = self.messages_by_file("--select", "AL2")
        self.assertIn("libevent has no file I/O of its own", got[("ev.c", 10)])
        self.assertNotIn("uv_", got[("ev.c", 10)])
        self.assertIn("use a loop timer (evtimer_add)", got[("ev.c", 7)])
        self.assertIn("uv_fs_", got[("uv.c", 4)])
        self.assertIn("g_timeout_add", got[("g.c", 6)])

    def test_c_blocking_advice_keys_resolve_per_loop(self):
        # a blocking entry's `advice` key takes the text of the loop in use: libuv alone for a
        # helper of a libuv callback (not libevent's evdns), the runtime's own calls in a task,
        # libevent's stdout and worker thread after flock's own LOCK_NB advice
        self.write("uv.c", "#include <netdb.h>\n#include <uv.h>\n"
                   "static void helper(void) {\n  struct addrinfo *ai;\n  getaddrinfo(\"h\", \"80\", 0, &ai);\n}\n"
                   "static void on_timer(uv_timer_t *t) {\n  helper();\n  (void)t;\n}\n"
                   "void go(uv_timer_t *t) {\n  uv_timer_start(t, on_timer, 1, 1);\n}\n")
        self.write("rt.c", "#include <unistd.h>\ntypedef struct rt_scope rt_scope_t;\ntypedef struct rt_task rt_task_t;\n"
                   "rt_task_t *rt_spawn_named(rt_scope_t *, int (*)(void *), void *, const char *);\n"
                   "static int task(void *arg) {\n  sleep(1);\n  (void)arg;\n  return 0;\n}\n"
                   "void go_rt(rt_scope_t *s) {\n  rt_spawn_named(s, task, 0, \"task\");\n}\n")
        self.write("ev.c", "#include <stdio.h>\n#include <sys/file.h>\n" + LIBEVENT_DECLS +
                   "static void on_tick(evutil_socket_t fd, short what, void *arg) {\n  flock(fd, LOCK_EX);\n"
                   "  fwrite(\"x\", 1, 1, stdout);\n  (void)what; (void)arg;\n}\n"
                   "void go(struct event_base *b) {\n  event_new(b, -1, 0, on_tick, NULL);\n}\n")
        self.write("ae.c", "#include <netdb.h>\ntypedef struct aeEventLoop aeEventLoop;\n"
                   "typedef void aeFileProc(aeEventLoop *, int, void *, int);\n"
                   "int aeCreateFileEvent(aeEventLoop *, int, int, aeFileProc *, void *);\n"
                   "static void readable(aeEventLoop *el, int fd, void *d, int mask) {\n  struct addrinfo *ai;\n"
                   "  getaddrinfo(\"h\", \"1\", 0, &ai);\n  (void)el; (void)fd; (void)d; (void)mask;\n}\n"
                   "void go_ae(aeEventLoop *el) {\n  aeCreateFileEvent(el, 0, 1, readable, 0);\n}\n")
        # an entry a configuration adds with a category only gets that category's advice
        self.write(".asynclint.yaml", "knowledge:\n  c:\n    blocking:\n      - {name: my_nap, category: sleep}\n")
        self.write("ev2.c", "void my_nap(int);\n" + LIBEVENT_DECLS +
                   "static void on_beat(evutil_socket_t fd, short what, void *arg) {\n  my_nap(1);\n"
                   "  (void)fd; (void)what; (void)arg;\n}\n"
                   "void go2(struct event_base *b) {\n  event_new(b, -1, 0, on_beat, 0);\n}\n")
        got = self.messages_by_file("--select", "AL2")
        self.assertIn("use a loop timer (evtimer_add)", got[("ev2.c", 6)])
        # a loop without a resolver of its own (Redis ae): a thread, not libuv's or libevent's
        self.assertIn("(ae has no resolver)", got[("ae.c", 7)])
        self.assertFalse(any(w in got[("ae.c", 7)] for w in ("uv_", "evdns")), got[("ae.c", 7)])
        self.assertIn("use uv_getaddrinfo with a callback", got[("uv.c", 5)])
        self.assertNotIn("evdns", got[("uv.c", 5)])
        self.assertIn("use rt_sleep()", got[("rt.c", 6)])
        self.assertNotIn("uv_", got[("rt.c", 6)])
        self.assertIn("flock(fd, op | LOCK_NB) and a retry timer, or take it on a worker thread", got[("ev.c", 7)])
        self.assertIn("event_active()", got[("ev.c", 7)])
        self.assertIn("a bufferevent over fd 1", got[("ev.c", 8)])
        self.assertFalse(any("uv_" in m for (name, _), m in got.items() if name == "ev.c"), got)

    def test_unawaited_trio_and_anyio_apis_get_their_own_advice(self):
        # a function using several libraries: the dropped API's own library speaks
        self.write("mixed.py", "import asyncio\nimport anyio\nimport trio\n\n\nasync def f():\n"
                   "    await asyncio.sleep(0)\n    trio.sleep(1)\n    anyio.sleep(1)\n    asyncio.sleep(1)\n")
        got = self.messages("--no-cache", "--select", "AL101", self.dir)
        self.assertIn("start it in a nursery", got[(8, "AL101")])
        self.assertIn("start it in a task group", got[(9, "AL101")])
        self.assertIn("asyncio.create_task()", got[(10, "AL101")])

    def test_unbounded_spawn_gets_the_limiter_of_the_spawns_own_library(self):
        # one function with a trio nursery, an anyio task group and asyncio: each spawn its own limiter
        self.write("mixed.py", "import asyncio\nimport anyio\nimport trio\n\n\nasync def fetch(i):\n"
                   "    await trio.lowlevel.checkpoint()\n\n\nasync def mixed(items):\n"
                   "    async with trio.open_nursery() as nursery:\n        for item in items:\n"
                   "            nursery.start_soon(fetch, item)\n"
                   "    async with anyio.create_task_group() as tg:\n        for item in items:\n"
                   "            tg.start_soon(fetch, item)\n"
                   "    for item in items:\n        asyncio.ensure_future(fetch(item))\n")
        got = self.messages("--no-cache", "--select", "AL302", self.dir)
        self.assertIn("a trio.CapacityLimiter", got[(13, "AL302")])
        self.assertIn("an anyio.CapacityLimiter", got[(16, "AL302")])
        self.assertIn("an asyncio.Semaphore", got[(18, "AL302")])

    def test_start_without_task_status_names_the_groups_own_library(self):
        self.write("starts.py", "import anyio\nimport trio\n\n\nasync def worker(n):\n    await trio.sleep(n)\n\n\n"
                   "async def main():\n    async with trio.open_nursery() as nursery:\n"
                   "        await nursery.start(worker, 1)\n    async with anyio.create_task_group() as tg:\n"
                   "        await tg.start(worker, 2)\n")
        got = self.messages("--no-cache", "--select", "AL516", self.dir)
        self.assertIn("`task_status=trio.TASK_STATUS_IGNORED`", got[(11, "AL516")])
        self.assertIn("`task_status=anyio.TASK_STATUS_IGNORED`", got[(13, "AL516")])

    def test_typescript_messages_name_what_the_code_wrote(self):
        # a Promise subclass says so; a void slot assigned in a method is named as written
        # (not after the method); a constant holding a function says it is one
        self.write("slots.ts", "class Deferred extends Promise<void> {}\nlet onDone: () => void;\n\n"
                   "class W {\n  arm() {\n    onDone = async () => {};\n  }\n}\n\n"
                   "async function go() {\n  new Deferred(() => {});\n  const load = async () => 1;\n"
                   "  await load;\n}\n")
        got = self.messages("--no-cache", "--select", "AL101,AL104", self.dir)
        self.assertIn("`Deferred` extends Promise", got[(11, "AL101")])
        self.assertIn("is expected (onDone)", got[(6, "AL104")])
        self.assertIn("`load` is a constant holding an async function (line 12)", got[(13, "AL101")])

    def test_function_for_coroutine_names_the_exception_each_api_raises(self):
        # asyncio.run() checks its argument and raises ValueError; create_task() raises TypeError
        self.write("runner.py", "import asyncio\n\n\nasync def main():\n    asyncio.create_task(main)\n\n\n"
                   "asyncio.run(main)\n")
        got = self.messages("--no-cache", "--select", "AL101", self.dir)
        self.assertIn("it raises TypeError", got[(5, "AL101")])
        self.assertIn("it raises ValueError", got[(8, "AL101")])

    def test_c_context_names_the_shortest_chain(self):
        self.write("chain.c", "#include <unistd.h>\n#include <uv.h>\n"
                   "static void x(void) {\n  sleep(1);\n}\nstatic void c(void) {\n  x();\n}\n"
                   "static void a(void) {\n  c();\n}\nstatic void b(void) {\n  x();\n}\n"
                   "static void cb(uv_timer_t *t) {\n  b();\n  a();\n  (void)t;\n}\n"
                   "void go(uv_timer_t *t) {\n  uv_timer_start(t, cb, 1, 1);\n}\n")
        got = self.messages("--no-cache", "--select", "AL201", self.dir)
        self.assertIn("(cb() -> b() -> x())", got[(4, "AL201")])

    def test_messages_name_functions_of_unnamed_objects_and_callbacks_by_their_own_names(self):
        self.write("anon.mjs", "export function reg(bus, register) {\n"
                   "  bus.on('job', () => {\n    const load = async () => { await null; };\n    load();\n"
                   "    async function tidy() { return 1; }\n  });\n"
                   "  register({ then(cb) { cb(1); } });\n}\n")
        got = self.messages("--no-cache", "--select", "ALL", self.dir)
        self.assertIn("`load` is an async function", got[(4, "AL101")])
        self.assertIn("async function `tidy` never awaits", got[(5, "AL501")])
        self.assertIn("a `then` method makes this object a thenable", got[(7, "AL516")])
        self.assertFalse(any("<anonymous" in m or "<object>" in m for m in got.values()), got)

    def test_messages_name_each_blocking_with_item_and_chained_registrations(self):
        # each `with` names its own item (not the last one looked at), and a callback
        # registered on a call's result names that call (`fetch('u').then()`, not `().then()`)
        self.write("w.py", "import threading\nlock = threading.Lock()\n\n\nasync def f():\n"
                   "    with lock:\n        pass\n    with open('x') as fh:\n        fh.read()\n")
        self.write("t.mjs", "import { execSync } from 'node:child_process';\n"
                   "fetch('u').then(() => { execSync('ls'); }).catch(() => {});\n")
        got = self.messages("--no-cache", "--select", "ALL", self.dir)
        self.assertIn("`with` on a `threading.Lock` blocks", got[(6, "AL205")])
        self.assertIn("`open()` blocks", got[(8, "AL203")])
        self.assertIn("in a callback passed to `fetch('u').then()`", got[(2, "AL204")])

    def test_select_and_ignore(self):
        self.write("bug.py", BUG_PY)
        self.assertEqual(run("check", "--ignore", "AL101", self.dir).returncode, 0)
        self.assertEqual(run("check", "--ignore", "AL1", self.dir).returncode, 0)
        self.assertEqual(run("check", "--select", "AL1", self.dir).returncode, 1)
        self.assertEqual(run("check", "--select", "AL2", self.dir).returncode, 0)
        self.assertEqual(run("check", "--select", "ALL", "--ignore", "AL101", self.dir).returncode, 0)

    def test_discovery_skips_and_extensions(self):
        for rel in ("a.py", "b.pyi", "c.js", "d.mjs", "e.cjs", "f.jsx", "f2.ts", "f3.tsx", "sub/g.py",
                    "node_modules/x/h.js", ".venv/lib/i.py", "build/j.py", ".git/k.py",
                    "venvlike/pyvenv.cfg", "venvlike/l.py", "ignored/m.py", "n.log.py", "o.txt"):
            text = BUG_JS if rel.endswith(("js", "jsx", "ts", "tsx")) else BUG_PY
            self.write(rel, text)
        self.write(".gitignore", "ignored/\n*.log.py\n")
        subprocess.run(["git", "init", "-q", self.dir], check=True)
        proc = run("check", "--format", "json", self.dir)
        self.assertEqual(self.paths(proc), ["a.py", "b.pyi", "c.js", "d.mjs", "e.cjs", "f.jsx", "f2.ts", "f3.tsx",
                                            "sub/g.py"])
        # An explicit file path is linted even where a folder walk would skip it.
        explicit = run("check", "--format", "json", os.path.join(self.dir, "ignored/m.py"))
        self.assertEqual(len(json.loads(explicit.stdout)), 1)
        # A file of another language named explicitly is skipped with a message, and
        # not counted as checked.
        other = run("check", os.path.join(self.dir, "o.txt"), os.path.join(self.dir, "a.py"))
        self.assertIn("o.txt: skipped: not a Python, JavaScript or C file", other.stderr)
        self.assertIn("(1 checked)", other.stdout)
        # A file that cannot be read is not counted as checked either: the summary says so.
        self.write("bin.py", "x = 1\0\n")
        unread = run("check", "--no-cache", os.path.join(self.dir, "bin.py"), os.path.join(self.dir, "a.py"))
        self.assertIn("bin.py: skipped: binary file", unread.stderr)
        self.assertIn("(1 checked, 1 not read)", unread.stdout)

    def test_default_path_is_cwd(self):
        self.write("bug.py", BUG_PY)
        proc = run("check", "--format", "json", cwd=self.dir)
        self.assertEqual([f["path"] for f in json.loads(proc.stdout)], ["bug.py"])

    def test_c_compile_directory_does_not_move_relative_paths(self):
        # compile_commands.json names a build directory other than the one asynclint runs
        # in: libclang's -working-directory would chdir() the whole process, and the other
        # files named relative to the cwd could no longer be opened
        build = os.path.join(self.dir, "build")
        os.makedirs(build)
        src = os.path.join(self.dir, "src")
        cb = "#include <unistd.h>\nvoid on_timer(void *t) { sleep(1); }\n"
        names = [f"f{i}.c" for i in range(4)]
        for n in names:
            self.write(f"src/{n}", cb)
        self.write("src/inc/h.h", "#define X 1\n")
        with open(os.path.join(self.dir, "compile_commands.json"), "w") as fh:
            json.dump([{"directory": build, "file": os.path.join(src, n),
                        "arguments": ["cc", "-I../src/inc", "-c", os.path.join(src, n)]} for n in names], fh)
        proc = run("check", "-j2", "--no-cache", "--format", "json", *names, cwd=src)
        self.assertNotIn("cannot open", proc.stderr)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(len(json.loads(proc.stdout)), 0)

    def test_shards_partition_the_findings_and_see_the_whole_index(self):
        """--shard K/N: the shards' findings are disjoint and add up to the full run; a
        finding that needs a helper in a file of another shard is still made."""
        self.write("helper.py", "import time\n\n\ndef slow():\n    time.sleep(1)\n")
        for i in range(9):
            self.write(f"m{i}.py", "from helper import slow\n\n\nasync def f():\n    slow()\n" + BUG_PY)
        full = json.loads(run("check", "--format", "json", self.dir).stdout)
        key = lambda f: (f["path"], f["line"], f["code"])
        self.assertEqual(sum(1 for f in full if f["code"] == "AL210"), 9)
        seen = []
        for k in (1, 2, 3):
            r = run("check", "--format", "json", "--shard", f"{k}/3", self.dir)
            self.assertIn(r.returncode, (0, 1), r.stderr)
            part = json.loads(r.stdout)
            self.assertTrue(part, f"shard {k}/3 is empty")
            seen += part
        self.assertEqual(sorted(map(key, seen)), sorted(map(key, full)))
        text = run("check", "--color", "never", "--shard", "1/3", self.dir).stdout
        self.assertIn("(4 checked)", text)  # 10 files: shard 1 has files 0, 3, 6, 9
        for bad in ("0/3", "4/3", "x", "1/0", "1/3x"):
            r = run("check", "--shard", bad, self.dir)
            self.assertEqual(r.returncode, 2, bad)
            self.assertIn("--shard", r.stderr)

    def test_parallel_output_is_deterministic(self):
        for i in range(40):
            self.write(f"m{i:02d}.py", BUG_PY * 3)
            self.write(f"j{i:02d}.js", BUG_JS)
        one = run("check", "-j", "1", self.dir)
        for jobs in ("2", "4", "8"):
            many = run("check", "-j", jobs, self.dir)
            self.assertEqual(one.stdout, many.stdout)
        self.assertEqual(one.stdout.count("AL101 ["), 40 * 3 + 40)

    def test_dump_ir(self):
        path = self.write("x.py", BUG_PY)
        proc = run("dump-ir", path)
        self.assertEqual(proc.returncode, 0)
        self.assertIn("CALL 3:5 asyncio.sleep module=asyncio member=sleep use=discarded", proc.stdout)
        self.assertEqual(run("dump-ir", os.path.join(self.dir, "none.py")).returncode, 2)

    def test_fix_is_safe_by_default_and_idempotent(self):
        src = ("import asyncio\nasync def a():\n    asyncio.sleep(1)\n"
               "def b():\n    asyncio.sleep(2)\n")
        path = self.write("fixme.py", src)
        os.chmod(path, 0o600)
        first = run("check", "--fix", self.dir)
        self.assertEqual(first.returncode, 1)  # the unsafe one is left
        text = open(path).read()
        self.assertEqual(text, src.replace("    asyncio.sleep(1)", "    await asyncio.sleep(1)"))
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        self.assertIn("fixed 1 finding", first.stderr)
        second = run("check", "--fix", self.dir)
        self.assertEqual(open(path).read(), text)
        self.assertNotIn("fixed", second.stderr)
        unsafe = run("check", "--fix", "--unsafe-fixes", self.dir)
        self.assertEqual(unsafe.returncode, 0, unsafe.stdout)
        self.assertIn("async def b():\n    await asyncio.sleep(2)", open(path).read())
        again = run("check", "--fix", "--unsafe-fixes", self.dir)
        self.assertEqual(again.returncode, 0)
        self.assertNotIn("fixed", again.stderr)

    def test_diff_writes_nothing_and_applies_with_patch(self):
        src = "async function g() {}\nasync function h() {\n  g();\n}\n"
        path = self.write("d.js", src)
        proc = run("check", "--diff", ".", cwd=self.dir)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(open(path).read(), src)
        self.assertIn("+  await g();", proc.stdout)
        patch = subprocess.run(["patch", "-p1"], input=proc.stdout, text=True, cwd=self.dir, capture_output=True)
        self.assertEqual(patch.returncode, 0, patch.stdout + patch.stderr)
        self.assertEqual(open(path).read(), src.replace("  g();", "  await g();"))
        self.assertEqual(run("check", ".", cwd=self.dir).returncode, 0)

    def test_json_carries_fixes(self):
        self.write("j.py", "import asyncio\nasync def a():\n    asyncio.sleep(1)\n")
        [f] = json.loads(run("check", "--format", "json", self.dir).stdout)
        self.assertEqual(f["fix"]["safety"], "safe")
        self.assertEqual(f["fix"]["edits"], [{"start": 34, "end": 34, "text": "await "}])

    def test_rules_lists_registry(self):
        proc = run("rules")
        self.assertEqual(proc.returncode, 0)
        self.assertIn("AL101", proc.stdout)
        self.assertIn("unawaited-coroutine", proc.stdout)

    def test_named_files_see_what_they_import(self):
        """A pre-commit hook names only the changed files: their imports, outside the
        files named, still feed the index (followed from disk), and are not reported."""
        self.write("pkg/__init__.py", "")
        self.write("pkg/util.py", "import time\n\n\ndef pause():\n    time.sleep(1)\n\n\n"
                                  "async def own():\n    time.sleep(1)\n")
        self.write("pkg/deep.py", "from pkg.util import pause\n\n\ndef wait():\n    pause()\n")
        app = self.write("pkg/app.py", "from pkg.deep import wait\nfrom .util import pause\n\n\n"
                                       "async def main():\n    wait()\n    pause()\n")
        self.write("pkg/bad.py", "\xff\xfe binary")  # imported by nobody: never read
        self.write("web/lib/io.js", "const fs = require('fs');\nfunction load(p) { return fs.readFileSync(p); }\n"
                                    "async function save(x) { await null; }\nmodule.exports = { load, save };\n")
        web = self.write("web/app.js", "const { load, save } = require('./lib/io');\n"
                                       "async function main() {\n  load('x');\n  save(1);\n  await null;\n}\n")
        proc = run("check", "--no-cache", "--format", "json", app, web, cwd=self.dir)
        found = sorted((os.path.relpath(f["path"], self.dir), f["line"], f["code"]) for f in json.loads(proc.stdout))
        self.assertEqual(found, [("pkg/app.py", 6, "AL210"), ("pkg/app.py", 7, "AL210"),
                                 ("web/app.js", 3, "AL210"), ("web/app.js", 4, "AL101")], proc.stderr)
        self.assertEqual(proc.stderr, "")
        text = run("check", "--no-cache", "--color", "never", app, cwd=self.dir)
        self.assertIn("(sleep at pkg/util.py:5)", text.stdout)  # shown relative, like the files named
        self.assertIn("(1 checked)", text.stdout)
        # named twice under another spelling: checked once, not followed again
        both = run("check", "--no-cache", "--format", "json", app, "./pkg/util.py", cwd=self.dir)
        codes = sorted((os.path.basename(f["path"]), f["line"]) for f in json.loads(both.stdout))
        self.assertEqual(codes, [("app.py", 6), ("app.py", 7), ("util.py", 9)])
        off = run("check", "--no-cache", "--format", "json", "--no-follow-imports", app, web, cwd=self.dir)
        self.assertEqual(json.loads(off.stdout), [])
        # alone, the helpers are unknown: main only looks like it never awaits (the reason
        # AL501 is opt-in)
        off = run("check", "--no-cache", "--format", "json", "--no-follow-imports", "--extend-select", "AL501", app,
                  web, cwd=self.dir)
        self.assertEqual([(os.path.basename(f["path"]), f["code"]) for f in json.loads(off.stdout)],
                         [("app.py", "AL501")])

    def test_followed_imports_name_the_output(self):
        """TypeScript's ES module imports name the file the compiler writes (`./util.js`
        for util.ts, `./jobs.mjs` for jobs.mts), and a dual package's `./dual.mjs` and
        `./dual.cjs` are two modules: each import is followed to its own source."""
        self.write("src/util.ts", "export async function sync(): Promise<void> { await fetch('/x'); }\n")
        self.write("src/jobs.mts", "export async function run(): Promise<void> { await fetch('/r'); }\n")
        self.write("src/dual.mjs", "export async function load() { await null; }\nexport function save() {}\n")
        self.write("src/dual.cjs", "function load() {}\nasync function save() { await null; }\n"
                                   "module.exports = { load, save };\n")
        main = self.write("src/main.ts", "import { sync } from './util.js';\nimport { run as go } from './jobs.mjs';\n"
                                         "import { load, save } from './dual.mjs';\n"
                                         "export function start() {\n  sync();\n  go();\n  load();\n  save();\n}\n")
        proc = run("check", "--no-cache", "--format", "json", main, cwd=self.dir)
        found = [(f["line"], f["code"]) for f in json.loads(proc.stdout)]
        self.assertEqual(found, [(5, "AL101"), (6, "AL101"), (7, "AL101")], proc.stderr)

    def test_output_file(self):
        """-o FILE: the report goes to FILE whole (nothing on stdout); a
        folder that does not exist is a one-line error, and no stray file is left."""
        bug = self.write("bug.py", BUG_PY)
        report = os.path.join(self.dir, "report.json")
        proc = run("check", "--format", "json", "--color", "always", "-o", report, bug)
        self.assertEqual((proc.returncode, proc.stdout), (1, ""))
        with open(report) as fh:
            self.assertEqual([f["code"] for f in json.loads(fh.read())], ["AL101"])
        text = run("check", "--output-file", report, bug)  # --color auto: a file gets none
        with open(report) as fh:
            body = fh.read()
        self.assertIn("AL101", body)
        self.assertNotIn("\x1b[", body)
        self.assertEqual(text.stdout, "")
        bad = run("check", "-o", os.path.join(self.dir, "no", "such", "r.txt"), bug)
        self.assertEqual(bad.returncode, 2)
        self.assertEqual(len(bad.stderr.strip().splitlines()), 1, bad.stderr)
        self.assertEqual(sorted(os.listdir(self.dir)), ["bug.py", "report.json"])
        # an error (here a path that does not exist) leaves the last report as it was
        failed = run("check", "-o", report, bug, os.path.join(self.dir, "missing.py"))
        self.assertEqual(failed.returncode, 2)
        with open(report) as fh:
            self.assertEqual(fh.read(), body)
        self.assertEqual(sorted(os.listdir(self.dir)), ["bug.py", "report.json"])

    def test_stdin_filename(self):
        """An editor pipes an unsaved buffer: it is linted as the file named, with that
        file's imports, config and language; --fix prints the text, fixed or not."""
        self.write("util.py", "import time\n\n\ndef pause():\n    time.sleep(1)\n")
        self.write("app.py", "x = 1\n")  # on disk: nothing to find
        self.write(".asynclint.yaml", "ignore: [AL501]\n")
        buf = "from util import pause\nimport asyncio\n\n\nasync def main():\n    pause()\n    asyncio.sleep(1)\n"

        def piped(*args, text=buf):
            return subprocess.run([BIN, "check", "--color", "never", *args], input=text, capture_output=True,
                                  text=True, cwd=self.dir, timeout=120)

        proc = piped("--format", "json", "--stdin-filename", "app.py")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        found = [(f["path"], f["line"], f["code"]) for f in json.loads(proc.stdout)]
        self.assertEqual(found, [("app.py", 6, "AL210"), ("app.py", 7, "AL101")])
        self.assertEqual(piped("--stdin-filename", "app.py", "-").returncode, 1)  # '-' is the same
        # a file that does not exist yet is linted too; its language comes from its name
        js = piped("--format", "json", "--stdin-filename", "new.js", text="async function f() {}\nf();\n")
        self.assertEqual([(f["path"], f["code"]) for f in json.loads(js.stdout)], [("new.js", "AL101")])
        # a C file that does not exist yet, named relative to the working folder
        c = piped("--format", "json", "--stdin-filename", "new.c",
                  text="#include <uv.h>\n#include <unistd.h>\nstatic void cb(uv_timer_t *t) { sleep(1); }\n"
                       "int main(void) { uv_timer_t t; uv_timer_start(&t, cb, 1, 0); return 0; }\n")
        self.assertEqual([(f["path"], f["line"], f["code"]) for f in json.loads(c.stdout)], [("new.c", 3, "AL201")],
                         c.stderr)
        # --fix: the fixed text on stdout, the findings left on stderr, the disk untouched
        fixed = piped("--fix", "--stdin-filename", "app.py")
        self.assertEqual(fixed.stdout, buf.replace("    asyncio.sleep", "    await asyncio.sleep"))
        self.assertIn("AL210", fixed.stderr)
        self.assertNotIn("AL101", fixed.stderr)
        with open(os.path.join(self.dir, "app.py")) as fh:
            self.assertEqual(fh.read(), "x = 1\n")
        clean = piped("--fix", "--stdin-filename", "app.py", text="x = 2\n")
        self.assertEqual((clean.returncode, clean.stdout), (0, "x = 2\n"))  # nothing to fix: echoed
        binary = piped("--fix", "--stdin-filename", "app.py", text="a\0b")
        self.assertEqual(binary.stdout, "a\0b")  # never a lost buffer
        self.assertIn("binary input", binary.stderr)
        diff = piped("--diff", "--stdin-filename", "app.py")
        self.assertIn("+    await asyncio.sleep(1)", diff.stdout)
        for bad in (["--stdin-filename", "app.py", "util.py"], ["--stdin-filename", "app.py", "--staged"], ["-"]):
            proc = piped(*bad)
            self.assertEqual(proc.returncode, 2, bad)
            self.assertEqual(len(proc.stderr.strip().splitlines()), 2, proc.stderr)  # the error and the hint

    def test_messages_name_what_is_dropped(self):
        """A dropped future is not a coroutine that never runs: the message says what is lost."""
        path = self.write("fut.py", "import asyncio\nasync def f(loop):\n    loop = asyncio.get_running_loop()\n"
                          "    loop.run_in_executor(None, print)\n    fut = loop.run_in_executor(None, print)\n"
                          "    asyncio.sleep(1)\n")
        got = self.messages("--select", "AL101,AL103", path)
        self.assertTrue(got[(4, "AL101")].startswith("future returned by"), got)
        self.assertIn("its result and exception are lost", got[(4, "AL101")])
        self.assertTrue(got[(5, "AL103")].startswith("future `fut`"), got)
        self.assertTrue(got[(6, "AL101")].startswith("coroutine returned by"), got)

    def test_install_puts_a_standalone_binary_and_the_rule_pages_under_the_prefix(self):
        """`cmake --install` (what `make install` runs): the installed binary works from
        anywhere (knowledge and pages embedded), the rule pages are there as files."""
        build = os.path.dirname(BIN)
        if not os.path.exists(os.path.join(build, "cmake_install.cmake")):
            self.skipTest("not a CMake build directory")
        prefix = os.path.join(self.dir, "prefix")
        proc = subprocess.run(["cmake", "--install", build, "--prefix", prefix], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        installed = os.path.join(prefix, "bin", "asynclint")
        app = self.write("app.py", "import time\nasync def f():\n    time.sleep(1)\n")
        run = subprocess.run([installed, "check", "--no-cache", "--format", "concise", app], capture_output=True,
                             text=True, cwd="/")
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertIn(":3:5: AL201", run.stdout)
        pages = os.listdir(os.path.join(prefix, "share", "doc", "asynclint", "rules"))
        self.assertEqual(sorted(pages), sorted(os.listdir("docs/rules")))


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)

#!/usr/bin/env python3
"""Fixes (Python and JavaScript): each case is linted with --fix --unsafe-fixes and must
become exactly the expected text, still parse (compile() / node --check), and be left
unchanged by a second run (idempotent)."""
import os
import subprocess
import sys
import shutil
import tempfile
import unittest

BIN = None

CASES = {
    # AL201: time.sleep -> await asyncio.sleep, import added before the first import
    "sleep_adds_import": (
        "import time\n\n\nasync def f():\n    time.sleep(1)\n",
        "import asyncio\nimport time\n\n\nasync def f():\n    await asyncio.sleep(1)\n",
    ),
    # AL101: a coroutine given to start_soon / trio.run -> the function and its arguments
    "start_soon": (
        "import trio\n\n\nasync def w(a, b=0):\n    await trio.sleep(a)\n\n\nasync def f():\n"
        "    async with trio.open_nursery() as n:\n        n.start_soon(w( 1, 2 ))\n        n.start_soon(w())\n\n\n"
        "trio.run(f())\n",
        "import trio\n\n\nasync def w(a, b=0):\n    await trio.sleep(a)\n\n\nasync def f():\n"
        "    async with trio.open_nursery() as n:\n        n.start_soon(w, 1, 2)\n        n.start_soon(w)\n\n\n"
        "trio.run(f)\n",
    ),
    # ... and an async function given where a coroutine is expected -> call it
    "run_function": (
        "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(0)\n\n\nasyncio.run(main)\n",
        "import asyncio\n\n\nasync def main():\n    await asyncio.sleep(0)\n\n\nasyncio.run(main())\n",
    ),
    # AL101: `await f` -> `await f()` only for a function that takes no arguments (a call of
    # asyncio.sleep or of refresh(item) without them would raise TypeError in turn)
    "await_function": (
        "import asyncio\n\n\nasync def ping():\n    await asyncio.sleep(0)\n\n\nasync def refresh(item):\n"
        "    await asyncio.sleep(item)\n\n\nasync def f():\n    await ping\n    await refresh\n    await asyncio.sleep\n",
        "import asyncio\n\n\nasync def ping():\n    await asyncio.sleep(0)\n\n\nasync def refresh(item):\n"
        "    await asyncio.sleep(item)\n\n\nasync def f():\n    await ping()\n    await refresh\n    await asyncio.sleep\n",
    ),
    # ... through the alias asyncio is imported as, with `from time import sleep`
    "sleep_alias": (
        "import asyncio as aio\nfrom time import sleep\n\n\nasync def f():\n    sleep(0.5)\n",
        "import asyncio as aio\nfrom time import sleep\n\n\nasync def f():\n    await aio.sleep(0.5)\n",
    ),
    # ... trio programs get trio.sleep; __future__ imports stay first
    "sleep_trio": (
        "from __future__ import annotations\nimport time\nimport trio\n\n\nasync def f():\n    time.sleep(2)\n",
        "from __future__ import annotations\nimport time\nimport trio\n\n\nasync def f():\n    await trio.sleep(2)\n",
    ),
    "sleep_future_only": (
        "from __future__ import annotations\nfrom time import sleep\n\n\nasync def f():\n    sleep(2)\n",
        "from __future__ import annotations\nimport asyncio\nfrom time import sleep\n\n\nasync def f():\n    await asyncio.sleep(2)\n",
    ),
    # AL401: raise appended; a lone pass becomes raise; one-line handlers get `; raise`
    "cancel_append": (
        "import asyncio\n\n\nasync def f(q):\n    try:\n        await q.get()\n    except asyncio.CancelledError:\n        print('x')\n",
        "import asyncio\n\n\nasync def f(q):\n    try:\n        await q.get()\n    except asyncio.CancelledError:\n        print('x')\n        raise\n",
    ),
    "cancel_pass": (
        "import asyncio\n\n\nasync def f(q):\n    try:\n        await q.get()\n    except asyncio.CancelledError:\n        pass\n",
        "import asyncio\n\n\nasync def f(q):\n    try:\n        await q.get()\n    except asyncio.CancelledError:\n        raise\n",
    ),
    "cancel_inline": (
        "import asyncio\n\n\nasync def f(q):\n    try:\n        await q.get()\n    except asyncio.CancelledError: print('x')\n",
        "import asyncio\n\n\nasync def f(q):\n    try:\n        await q.get()\n    except asyncio.CancelledError: print('x'); raise\n",
    ),
    # AL402: a re-raising handler for the cancellation goes first (trio spelling here)
    "broad_trio": (
        "import trio\n\n\nasync def f(ch):\n    try:\n        await ch.receive()\n    except BaseException:\n        pass\n",
        "import trio\n\n\nasync def f(ch):\n    try:\n        await ch.receive()\n    except trio.Cancelled:\n        raise\n    except BaseException:\n        pass\n",
    ),
    # AL101: a plain `with` over an async-only context manager becomes `async with`
    "sync_with": (
        "import asyncio\n\nlock = asyncio.Lock()\n\n\nasync def f(d):\n    with lock:\n        d.clear()\n",
        "import asyncio\n\nlock = asyncio.Lock()\n\n\nasync def f(d):\n    async with lock:\n        d.clear()\n",
    ),
    # ... and a plain `for` over an async generator becomes `async for`
    "sync_for": (
        "async def g():\n    yield 1\n\n\nasync def f():\n    for x in g():\n        print(x)\n",
        "async def g():\n    yield 1\n\n\nasync def f():\n    async for x in g():\n        print(x)\n",
    ),
    # AL504: explicit checkpoint
    "checkpoint": (
        "import anyio\n\n\nasync def f():\n    await anyio.sleep(0)\n",
        "import anyio\n\n\nasync def f():\n    await anyio.lowlevel.checkpoint()\n",
    ),
}

JS_CASES = {
    # AL203: fs.readFileSync -> await fs.promises.readFile through the module binding
    "fs_module.mjs": (
        "import fs from 'node:fs';\nexport async function f(p) {\n  const t = fs.readFileSync(p, 'utf8');\n  return t;\n}\n",
        "import fs from 'node:fs';\nexport async function f(p) {\n  const t = await fs.promises.readFile(p, 'utf8');\n  return t;\n}\n",
    ),
    # ... a named import gets the promise API imported (ESM)
    "fs_named.mjs": (
        "import { readFileSync } from 'fs';\nexport async function f(p) {\n  return readFileSync(p);\n}\n",
        "import { readFile as readFileAsync } from 'node:fs/promises';\nimport { readFileSync } from 'fs';\nexport async function f(p) {\n  return await readFileAsync(p);\n}\n",
    ),
    # ... and in CommonJS the require() form
    "fs_named.cjs": (
        "const { writeFileSync } = require('fs');\nasync function f(p, d) {\n  writeFileSync(p, d);\n}\nmodule.exports = { f };\n",
        "const { writeFile: writeFileAsync } = require('node:fs/promises');\nconst { writeFileSync } = require('fs');\nasync function f(p, d) {\n  await writeFileAsync(p, d);\n}\nmodule.exports = { f };\n",
    ),
    # ... and on a module required in place (the callee holds parentheses)
    "fs_required.cjs": (
        "async function f(p) {\n  const t = require('fs').readFileSync(p, 'utf8');\n  return t;\n}\nmodule.exports = { f };\n",
        "async function f(p) {\n  const t = await require('fs').promises.readFile(p, 'utf8');\n  return t;\n}\nmodule.exports = { f };\n",
    ),
    # AL101: for...of over an async generator -> for await
    "sync_for.mjs": (
        "async function* g() {\n  yield 1;\n}\nexport async function f() {\n  for (const x of g()) console.log(x);\n}\n",
        "async function* g() {\n  yield 1;\n}\nexport async function f() {\n  for await (const x of g()) console.log(x);\n}\n",
    ),
    # AL104: a timer given a call's promise gets a function making the call (unsafe)
    "timer_call.mjs": (
        "async function r() {\n  await null;\n}\nexport function f() {\n  setTimeout(r(), 10);\n}\n",
        "async function r() {\n  await null;\n}\nexport function f() {\n  setTimeout(() => r(), 10);\n}\n",
    ),
    # AL104: forEach(async) -> await Promise.all(map(async))
    "foreach.mjs": (
        "export async function f(xs, g) {\n  xs.forEach(async (x) => {\n    await g(x);\n  });\n}\n",
        "export async function f(xs, g) {\n  await Promise.all(xs.map(async (x) => {\n    await g(x);\n  }));\n}\n",
    ),
    # AL401: rethrow the AbortError first in the catch block (one-line block too)
    "abort.mjs": (
        "export async function f(u, signal) {\n  try {\n    return await fetch(u, { signal });\n  } catch (e) {\n    return null;\n  }\n}\n",
        "export async function f(u, signal) {\n  try {\n    return await fetch(u, { signal });\n  } catch (e) {\n    if (e.name === 'AbortError') throw e;\n    return null;\n  }\n}\n",
    ),
    # ... after a comment that ends the catch line (CRLF kept: the file is read back with universal
    # newlines); and in a loop whose catch lets the abort go on
    "abort_loop.mjs": (
        "export async function f(us, signal) {\n  for (const u of us) {\n    try {\n      await fetch(u, { signal });\n    } catch (e) { // skip\r\n      if (e.name === 'AbortError') continue;\n      throw e;\n    }\n  }\n}\n",
        "export async function f(us, signal) {\n  for (const u of us) {\n    try {\n      await fetch(u, { signal });\n    } catch (e) { // skip\n      if (e.name === 'AbortError') throw e;\n      if (e.name === 'AbortError') continue;\n      throw e;\n    }\n  }\n}\n",
    ),
    "abort_inline.mjs": (
        "export async function f(u, signal) {\n  try { await fetch(u, { signal }); } catch (e) {}\n}\n",
        "export async function f(u, signal) {\n  try { await fetch(u, { signal }); } catch (e) { if (e.name === 'AbortError') throw e; }\n}\n",
    ),
}

# Cases where no fix is offered: the file must stay as it is.
NO_FIX = {
    # the handler ends in return: an appended raise would be unreachable
    "cancel_return": "import asyncio\n\n\nasync def f(q):\n    try:\n        await q.get()\n    except asyncio.CancelledError:\n        return None\n",
    # time.sleep used as a value inside an expression: no statement to rewrite
    "sleep_in_expr": "import time\n\n\nasync def f():\n    x = time.sleep(1)\n    return x\n",
}

# The same for JavaScript (the file name picks the module kind).
NO_FIX_JS = {
    # fs.promises.readFile takes a path or a FileHandle, not an fd (ERR_INVALID_ARG_TYPE)
    "fs_fd.mjs": "import fs from 'node:fs';\nexport async function f(fd) {\n  return fs.readFileSync(fd, 'utf8');\n}\n",
    "fs_out_fd.mjs": "import fs from 'node:fs';\nexport async function f(p) {\n  const t = fs.readFileSync(p.outFd);\n  return t;\n}\n",
}


class Fixes(unittest.TestCase):
    def run_fix(self, src, name="case.py"):
        d = tempfile.mkdtemp(prefix="asynclint-fix-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, name)
        with open(path, "w") as fh:
            fh.write(src)
        subprocess.run([BIN, "check", "--select", "ALL", "--fix", "--unsafe-fixes", "-q", path], capture_output=True)
        with open(path) as fh:
            once = fh.read()
        subprocess.run([BIN, "check", "--select", "ALL", "--fix", "--unsafe-fixes", "-q", path], capture_output=True)
        with open(path) as fh:
            twice = fh.read()
        return once, twice

    def test_fixes(self):
        for name, (src, want) in CASES.items():
            with self.subTest(name):
                once, twice = self.run_fix(src)
                self.assertEqual(once, want)
                self.assertEqual(twice, once, "second run changed the file")
                compile(once, name, "exec")

    def test_js_fixes(self):
        for name, (src, want) in JS_CASES.items():
            with self.subTest(name):
                once, twice = self.run_fix(src, name)
                self.assertEqual(once, want)
                self.assertEqual(twice, once, "second run changed the file")
                d = tempfile.mkdtemp(prefix="asynclint-fix-")
                self.addCleanup(shutil.rmtree, d, True)
                path = os.path.join(d, name)
                with open(path, "w") as fh:
                    fh.write(once)
                check = subprocess.run(["node", "--check", path], capture_output=True, text=True)
                self.assertEqual(check.returncode, 0, check.stderr)

    def test_crlf_file_keeps_crlf(self):
        # a fix that inserts lines writes them with the file's CRLF line ends
        src = ("export async function f(us, signal) {\r\n  for (const u of us) {\r\n    try {\r\n"
               "      await fetch(u, { signal });\r\n    } catch (e) { // skip\r\n"
               "      if (e.name === 'AbortError') continue;\r\n      throw e;\r\n    }\r\n  }\r\n}\r\n")
        d = tempfile.mkdtemp(prefix="asynclint-fix-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "crlf.mjs")
        with open(path, "wb") as fh:
            fh.write(src.encode())
        subprocess.run([BIN, "check", "--select", "ALL", "--fix", "--unsafe-fixes", "-q", path], capture_output=True)
        with open(path, "rb") as fh:
            got = fh.read().decode()
        self.assertIn("// skip\r\n      if (e.name === 'AbortError') throw e;\r\n", got)
        self.assertEqual(got.count("\n"), got.count("\r\n"), got)

    def test_no_fix(self):
        for name, src in NO_FIX.items():
            with self.subTest(name):
                once, _ = self.run_fix(src)
                self.assertEqual(once, src)
        for name, src in NO_FIX_JS.items():
            with self.subTest(name):
                once, _ = self.run_fix(src, name)
                self.assertEqual(once, src)


if __name__ == "__main__":
    BIN = sys.argv.pop(1)
    unittest.main(verbosity=1)

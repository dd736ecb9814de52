#!/usr/bin/env python3
"""Python fixes: each case is linted with --fix --unsafe-fixes and must become exactly
the expected text, compile, and be left unchanged by a second run (idempotent)."""
import os
import subprocess
import sys
import tempfile
import unittest

BIN = None

CASES = {
    # AL201: time.sleep -> await asyncio.sleep, import added before the first import
    "sleep_adds_import": (
        "import time\n\n\nasync def f():\n    time.sleep(1)\n",
        "import asyncio\nimport time\n\n\nasync def f():\n    await asyncio.sleep(1)\n",
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
    # AL504: explicit checkpoint
    "checkpoint": (
        "import anyio\n\n\nasync def f():\n    await anyio.sleep(0)\n",
        "import anyio\n\n\nasync def f():\n    await anyio.lowlevel.checkpoint()\n",
    ),
}

# Cases where no fix is offered: the file must stay as it is.
NO_FIX = {
    # the handler ends in return: an appended raise would be unreachable
    "cancel_return": "import asyncio\n\n\nasync def f(q):\n    try:\n        await q.get()\n    except asyncio.CancelledError:\n        return None\n",
    # time.sleep used as a value inside an expression: no statement to rewrite
    "sleep_in_expr": "import time\n\n\nasync def f():\n    x = time.sleep(1)\n    return x\n",
}


class Fixes(unittest.TestCase):
    def run_fix(self, src):
        d = tempfile.mkdtemp(prefix="asynclint-pyfix-")
        path = os.path.join(d, "case.py")
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

    def test_no_fix(self):
        for name, src in NO_FIX.items():
            with self.subTest(name):
                once, _ = self.run_fix(src)
                self.assertEqual(once, src)


if __name__ == "__main__":
    BIN = sys.argv.pop(1)
    unittest.main(verbosity=1)

#!/usr/bin/env python3
"""The Language Server with a real client: Neovim (Debian package), headless, runs
tests/nvim/lsp_test.lua, which opens a Python file, waits for the diagnostic, applies the
"ignore on this line" code action and checks the buffer and the cleared diagnostics."""
import os
import shutil
import subprocess
import sys
import tempfile

BUG = "import asyncio\nimport time\n\n\nasync def f():\n    time.sleep(1)\n"


def main():
    binary = os.path.abspath(sys.argv[1])
    nvim = shutil.which("nvim")
    if not nvim:
        print("FAIL: nvim (Debian package neovim) is not installed: run scripts/setup")
        return 1
    d = tempfile.mkdtemp(prefix="asynclint-nvim-")
    try:
        path = os.path.join(d, "a.py")
        with open(path, "w") as fh:
            fh.write(BUG)
        script = os.path.abspath("tests/nvim/lsp_test.lua")
        proc = subprocess.run([nvim, "--headless", "-u", "NONE", "-n", "-c", f"luafile {script}", "--", binary, path],
                              capture_output=True, text=True, timeout=120, cwd=d,
                              env={**os.environ, "XDG_STATE_HOME": d, "XDG_DATA_HOME": d, "XDG_CACHE_HOME": d})
        if proc.returncode != 0:
            print("FAIL:", proc.stderr.strip() or proc.stdout.strip() or f"nvim exited {proc.returncode}")
            return 1
        with open(path) as fh:
            if fh.read() != BUG:
                print("FAIL: the file on disk changed (the test edits the buffer only)")
                return 1
        print("nvim: diagnostics shown, code action applied, diagnostics cleared")
        return 0
    finally:
        shutil.rmtree(d)


if __name__ == "__main__":
    sys.exit(main())

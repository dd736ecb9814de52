#!/usr/bin/env python3
"""Validation harness: a fix is trusted when the bad fixture shows the defect at run
time and the fixed one does not.

For every pair fixtures/<CODE>/<lang>/<case>.bad.<ext> + <case>.fixed.<ext> it checks
  flagged   asynclint flags the bad file exactly as its `expect:` comments say;
  clean     asynclint is silent on the fixed file;
  fix       `--fix --unsafe-fixes` turns the bad file into the fixed one byte for byte
            (expect: comments aside), or, for a manual fix, leaves it unchanged;
  defect    running the bad file shows the defect (per rule and language, below);
  gone      running the fixed file does not.
Python runs under CPython's asyncio in debug mode (3.11 and 3.12 when installed; a pytest
file, test_*.bad.py, under Debian's pytest with pytest-asyncio), JS
under Node, C against runtime/ (judged by its JSON report). Prints a table."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import sanitizer_retry

EXPECT = re.compile(r"expect:\s*(AL\d{3}(?:\s*,\s*AL\d{3})*)")
EXPECT_COMMENT = re.compile(r"\s*(#|//|/\*)\s*expect:[^\n]*?(\*/)?$", re.M)
LANG_EXT = {"python": ".py", "javascript": ".mjs", "c": ".c"}

# What "the defect shows" means, per rule and language, over the probe's report.
STALL_MS = 80  # the bad fixtures block for 100 ms


def stalled(r):
    return r["longest_stall_ms"] >= STALL_MS


def swallowed(r):
    return r["cancel_honoured"] is False


DEFECTS = {
    "AL102": {"python": ("task exception never retrieved", lambda r: r["unretrieved_exceptions"] > 0)},
    "AL103": {"python": ("coroutine never awaited", lambda r: r["never_awaited"] > 0),
              "javascript": ("unhandled rejection", lambda r: r["unhandled_rejections"] > 0)},
    "AL104": {"javascript": ("unhandled rejection or a lost update",
                             lambda r: r["unhandled_rejections"] > 0 or "lost update" in (r["error"] or ""))},
    "AL201": {"python": (f"loop stalled >= {STALL_MS} ms", stalled),
              "javascript": (f"loop stalled >= {STALL_MS} ms", stalled),
              "c": (f"loop stalled >= {STALL_MS} ms", stalled)},
    "AL202": {"python": (f"loop stalled >= {STALL_MS} ms", stalled)},
    "AL203": {"python": (f"loop stalled >= {STALL_MS} ms", stalled),
              "javascript": (f"loop stalled >= {STALL_MS} ms", stalled)},
    "AL204": {"python": (f"loop stalled >= {STALL_MS} ms", stalled),
              "javascript": (f"loop stalled >= {STALL_MS} ms", stalled)},
    "AL205": {"python": (f"loop stalled >= {STALL_MS} ms", stalled)},
    "AL206": {"python": (f"loop stalled >= {STALL_MS} ms (a resolver answering in 100 ms)", stalled),
              "c": (f"loop stalled >= {STALL_MS} ms (a resolver answering in 100 ms)",
                    lambda r: "loop stalled" in (r["error"] or ""))},
    "AL207": {"python": (f"loop stalled >= {STALL_MS} ms", stalled)},
    "AL208": {"javascript": (f"loop stalled >= {STALL_MS} ms", stalled),
              "python": (f"loop stalled >= {STALL_MS} ms", stalled)},
    "AL209": {"c": (f"loop stalled >= {STALL_MS} ms", lambda r: "loop stalled" in (r["error"] or ""))},
    "AL212": {"c": (f"loop stalled >= {STALL_MS} ms (an entropy pool not yet initialised)",
                    lambda r: "loop stalled" in (r["error"] or ""))},
    "AL210": {"python": (f"loop stalled >= {STALL_MS} ms", stalled),
              "javascript": (f"loop stalled >= {STALL_MS} ms", stalled)},
    "AL301": {"python": ("more than 100 tasks at once", lambda r: r["peak_tasks"] > 100),
              "javascript": ("more than 100 promises at once", lambda r: r["peak"] > 100)},
    "AL302": {"python": ("more than 100 tasks at once", lambda r: r["peak_tasks"] > 100),
              "javascript": ("more than 100 promises at once", lambda r: r["peak"] > 100),
              "c": ("more than 100 tasks at once", lambda r: r["peak_tasks"] > 100)},
    "AL401": {"python": ("cancellation not honoured", swallowed),
              "javascript": ("abort not honoured", lambda r: r["abort_honoured"] is False),
              "c": ("swallowed cancellation", lambda r: r["swallowed_cancellations"] > 0)},
    "AL402": {"python": ("cancellation not honoured", swallowed)},
    "AL404": {"python": ("the cleanup was cancelled: a connection leaked",
                         lambda r: "connection leaked" in (r["error"] or "")),
              "c": ("the cleanup was cancelled: nothing flushed", lambda r: "cleanup cancelled" in (r["error"] or ""))},
    "AL403": {"python": ("cancellation not honoured", swallowed)},
    "AL211": {"python": ("RuntimeError from the nested loop", lambda r: "RuntimeError" in (r["error"] or ""))},
    "AL527": {"python": ("the generator's timeout cancelled the consumer's own work",
                         lambda r: "cancelled the consumer's own work" in (r["error"] or ""))},
    "AL510": {"python": ("the abandoned generator still holds the lock", lambda r: "still held" in (r["error"] or ""))},
    "AL511": {"python": ("SyntaxError on import", lambda r: (r["error"] or "").startswith("SyntaxError")),
              "javascript": ("SyntaxError on import", lambda r: (r["error"] or "").startswith("SyntaxError"))},
    "AL512": {"python": ("lost update", lambda r: "lost update" in (r["error"] or "")),
              "javascript": ("lost update", lambda r: "lost update" in (r["error"] or ""))},
    "AL513": {"python": ("TypeError from async with / async for", lambda r: (r["error"] or "").startswith("TypeError"))},
    "AL514": {"python": ("TypeError from gather", lambda r: (r["error"] or "").startswith("TypeError")),
              "javascript": ("the jobs ran one at a time", lambda r: r["peak"] < 2)},
    "AL515": {"python": ("TypeError creating the object, a test that passed or was skipped without running, "
                         "or a fixture that gave a coroutine",
                         lambda r: (r["error"] or "").startswith("TypeError")
                         or "without running its body" in (r["error"] or "")
                         or "gave a coroutine" in (r["error"] or ""))},
    "AL518": {"python": ("closed file used by the task", lambda r: "closed file" in (r["error"] or ""))},
    "AL517": {"python": ("TimeoutError at once", lambda r: (r["error"] or "").startswith("TimeoutError"))},
    "AL516": {"python": ("TypeError (gather, call_later), or a cached coroutine awaited again",
                         lambda r: (r["error"] or "").startswith("TypeError")
                         or "cannot reuse already awaited coroutine" in (r["error"] or "")),
              "javascript": ("TypeError: not iterable, a sleep that did not wait, or a test failed for taking a "
                             "done callback and returning a promise (node:test)",
                             lambda r: "not iterable" in (r["error"] or "") or "did not wait" in (r["error"] or "")
                             or "callback but also returned a Promise" in (r["error"] or ""))},
    "AL405": {"javascript": ("abort not honoured", lambda r: r["abort_honoured"] is False)},
    "AL502": {"python": ("the waiter noticed the change an interval late", lambda r: "ms late" in (r["error"] or ""))},
    "AL505": {"python": ("the timeout did not stop the work", lambda r: "did not stop the work" in (r["error"] or ""))},
    "AL507": {"javascript": ("the promise never settles, the executor's rejection is unhandled",
                             lambda r: "never settled" in (r["error"] or "") and r["unhandled_rejections"] > 0)},
    "AL508": {"javascript": ("the independent parts ran one at a time", lambda r: r["peak"] < 2)},
    "AL509": {"javascript": ("the promise never settles", lambda r: "never settled" in (r["error"] or ""))},
    "AL520": {"javascript": ("the callback ran twice", lambda r: "callback ran 2 times" in (r["error"] or ""))},
    "AL519": {"javascript": ("the handler fails: a string has no stack",
                             lambda r: "Cannot read properties of undefined" in (r["error"] or ""))},
    "AL407": {"python": ("the second task's failure is lost", lambda r: "replica-b" not in (r["error"] or ""))},
    "AL521": {"python": ("the return waited for the slowest task", lambda r: "only after the slowest" in (r["error"] or ""))},
    "AL522": {"python": ("AttributeError in the handler", lambda r: "AttributeError" in (r["error"] or ""))},
    "AL105": {"c": ("the result read before the callback",
                    lambda r: "read before the callback" in (r["error"] or ""))},
    "AL106": {"c": ("ASan: stack-use-after-return in the callback",
                    lambda r: "stack-use-after-return" in (r["error"] or ""))},
    "AL406": {"c": ("ASan: heap-use-after-free in the close callback",
                    lambda r: "heap-use-after-free" in (r["error"] or ""))},
    "AL526": {"c": ("ASan: memcpy of UV_EOF bytes (a huge size_t)",
                    lambda r: "AddressSanitizer: memcpy" in (r["error"] or "")
                    or "negative-size-param" in (r["error"] or ""))},
    "AL523": {"python": ("the service used before it was ready",
                         lambda r: "before the service was ready" in (r["error"] or ""))},
    "AL524": {"python": ("the task's error escapes as an ExceptionGroup",
                         lambda r: "ExceptionGroup" in (r["error"] or ""))},
    "AL525": {"python": ("RuntimeError: a non-thread-safe call into the loop",
                         lambda r: "Non-thread-safe" in (r["error"] or "")),
              "c": ("a timer started off the loop fired late: the loop was not woken",
                    lambda r: "the loop was not woken" in (r["error"] or ""))},
    # Hygiene: no run-time defect to show; the pair checks flagging and the fix.
    "AL504": {"python": None},
    "AL506": {"python": None},
    "AL101": {
        "python": ("coroutine never awaited", lambda r: r["never_awaited"] > 0),
        "javascript": ("unhandled rejection, or a subtest cancelled by its parent (node:test)",
                       lambda r: r["unhandled_rejections"] > 0 or "cancelled by their parent" in (r["error"] or "")),
        "c": ("future dropped without await", lambda r: r["dropped_futures"] > 0),
    },
}


def pythons():
    found = []
    for ver in ("3.11", "3.12"):
        cands = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{ver}*/bin/python3")))
        cands += [p for p in (shutil.which(f"python{ver}"),) if p]
        for c in cands:
            if subprocess.run([c, "-c", "pass"], capture_output=True).returncode == 0:
                found.append(c)
                break
    return found or [sys.executable]


def lint(binary, path, *extra):
    cmd = [binary, "check", "--select", "ALL", "--format", "json", *extra, path]
    proc = sanitizer_retry.run(cmd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise RuntimeError(proc.stderr)
    return {(f["line"], f["code"]) for f in json.loads(proc.stdout)}


def expected(path):
    out = set()
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        m = EXPECT.search(line)
        if m:
            out |= {(n, c) for c in re.split(r"\s*,\s*", m.group(1))}
    return out


def strip_expect(text):
    return EXPECT_COMMENT.sub("", text)


def fix_matches(binary, bad, fixed):
    tmp = tempfile.mkdtemp(prefix="asynclint-validate-")
    try:
        # under its own name (a pytest file is test_*.py): x.bad.py -> x.py
        copy = os.path.join(tmp, os.path.basename(bad).replace(".bad.", "."))
        shutil.copyfile(bad, copy)
        subprocess.run([binary, "check", "--select", "ALL", "--fix", "--unsafe-fixes", "-q", copy], capture_output=True)
        got = open(copy).read()
        before = open(bad).read()
        if got == before:
            return "manual"  # no automatic fix: the fixed file is the documented manual fix
        return "yes" if strip_expect(got) == strip_expect(open(fixed).read()) else "NO"
    finally:
        shutil.rmtree(tmp)


# What a C fixture can ask the harness to stage by naming it (a Python fixture sets
# SLOW_DNS for tests/validate/py_probe.py).
STAGED_ENV = ("SLOW_DNS", "ENTROPY_NOT_READY")


def run_c_libuv(path):
    """A fixture that includes <uv.h> runs against libuv itself, under AddressSanitizer
    with stack-use-after-return detection: its report is the sanitizer's first error, or
    the error the program printed on its last line (`{"error": ...}`)."""
    tmp = tempfile.mkdtemp(prefix="asynclint-validate-uv-")
    try:
        exe = os.path.join(tmp, "prog")
        src = open(path, encoding="utf-8").read()
        staged = [f"-DSTAGE_{name}" for name in STAGED_ENV if re.search(rf"\b{name}\b", src)]
        if staged:  # the environment the defect needs (tests/validate/staged_env.c says which)
            staged += [os.path.join(os.path.dirname(os.path.abspath(__file__)), "validate", "staged_env.c"), "-ldl"]
        cc = subprocess.run(["cc", "-std=gnu11", "-Wall", "-g", "-fsanitize=address", path, *staged, "-luv", "-o",
                             exe], capture_output=True, text=True)
        if cc.returncode:
            raise RuntimeError(cc.stderr)
        env = {**os.environ, "ASAN_OPTIONS": "detect_stack_use_after_return=1:detect_leaks=0"}
        proc = subprocess.run([exe], env=env, capture_output=True, text=True, timeout=30)
        err = next((line.strip() for line in proc.stderr.splitlines() if "ERROR: AddressSanitizer" in line), None)
        if not err:  # what the program itself saw wrong: its last line, `{"error": ...}`
            last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
            if last.startswith("{"):
                err = json.loads(last).get("error")
        return [{"error": err, "exit": proc.returncode}]
    finally:
        shutil.rmtree(tmp)


def run_c(build, path):
    if "#include <uv.h>" in open(path, encoding="utf-8").read():
        return run_c_libuv(path)
    tmp = tempfile.mkdtemp(prefix="asynclint-validate-c-")
    try:
        exe = os.path.join(tmp, "prog")
        librt = os.path.join(build, "librt.a")
        flags = []
        cache = os.path.join(build, "CMakeCache.txt")
        if os.path.exists(cache) and "ASYNCLINT_SANITIZE:BOOL=ON" in open(cache).read():
            flags = ["-fsanitize=address,undefined"]
        cc = subprocess.run(["cc", "-std=gnu11", "-Wall", *flags, "-Iruntime/include", path, librt, "-lpthread",
                             "-o", exe], capture_output=True, text=True)
        if cc.returncode:
            raise RuntimeError(cc.stderr)
        report = os.path.join(tmp, "report.json")
        proc = subprocess.run([exe], env={**os.environ, "RT_REPORT": report}, capture_output=True, text=True,
                              timeout=30)
        r = json.load(open(report))
        # what the program itself saw wrong: its last line, `{"error": ...}` (as run_c_libuv)
        last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
        r["error"] = json.loads(last).get("error") if last.startswith("{") else None
        return [r]
    finally:
        shutil.rmtree(tmp)


LIBRARY_IMPORT = re.compile(r"^(?:import|from)\s+(trio|anyio)\b", re.M)


def pythons_for(path):
    """The interpreters to run a Python fixture under: pythons(), or for a fixture that
    imports trio/anyio those of them that have it, else Debian's python3, where
    scripts/setup installs python3-trio."""
    libs = set(LIBRARY_IMPORT.findall(open(path, encoding="utf-8").read()))
    if not libs:
        return pythons()
    check = "; ".join(f"import {lib}" for lib in sorted(libs))
    found = [py for py in pythons() + ["/usr/bin/python3"]
             if os.path.exists(py) and subprocess.run([py, "-c", check], capture_output=True).returncode == 0]
    if not found:
        raise RuntimeError(f"{path}: no Python here has {', '.join(sorted(libs))} (scripts/setup installs python3-trio)")
    return found[:1] if found[0] == "/usr/bin/python3" else [p for p in found if p != "/usr/bin/python3"]


def run_pytest(path):
    """A pytest file (test_*.bad.py / .fixed.py) run by Debian's pytest with pytest-asyncio
    (scripts/setup installs python3-pytest and python3-pytest-asyncio) in a scratch folder,
    under its name without .bad/.fixed: the report says what pytest skipped or failed."""
    tmp = tempfile.mkdtemp(prefix="asynclint-validate-pytest-")
    try:
        name = os.path.basename(path).replace(".bad.", ".").replace(".fixed.", ".")
        shutil.copyfile(path, os.path.join(tmp, name))
        proc = subprocess.run(["/usr/bin/python3", "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", name],
                              cwd=tmp, capture_output=True, text=True, timeout=120)
        summary = (proc.stdout.strip().splitlines() or [""])[-1]
        if not re.search(r"\d+ (passed|failed|skipped)", summary):
            raise RuntimeError(f"pytest did not run {path}: {proc.stdout[-400:]}{proc.stderr[-400:]}")
        problems = []
        m = re.search(r"(\d+) skipped", summary)
        if m:
            problems.append(f"{m.group(1)} skipped without running its body")
        m = re.search(r"(\d+) failed", summary)
        if m:
            why = ": a fixture gave a coroutine object" if re.search(r"<coroutine object", proc.stdout) else ""
            problems.append(f"{m.group(1)} failed{why}")
        return [{"error": "pytest: " + "; ".join(problems) if problems else None, "exit": proc.returncode}]
    finally:
        shutil.rmtree(tmp)


def run_fixture(build, lang, path):
    if lang == "python" and os.path.basename(path).startswith("test_"):
        return run_pytest(path)
    if lang == "python":
        out = []
        for py in pythons_for(path):
            env = {**os.environ, "PYTHONASYNCIODEBUG": "1"}
            proc = subprocess.run([py, "tests/validate/py_probe.py", path], capture_output=True, text=True,
                                  timeout=60, env=env)
            if proc.returncode:
                raise RuntimeError(proc.stderr)
            out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        return out
    if lang == "javascript":
        proc = subprocess.run(["node", "tests/validate/js_probe.mjs", path], capture_output=True, text=True, timeout=60)
        if proc.returncode:
            raise RuntimeError(proc.stderr)
        return [json.loads(proc.stdout.strip().splitlines()[-1])]
    return run_c(build, path)


def main():
    binary = sys.argv[1]
    build = os.path.dirname(os.path.abspath(binary))
    rows, failures = [], 0
    for bad in sorted(glob.glob("fixtures/AL*/*/*.bad.*")):
        code, lang = bad.split(os.sep)[1:3]
        fixed = bad.replace(".bad.", ".fixed.")
        problems = []
        if not os.path.exists(fixed):
            problems.append("no fixed file")
            rows.append((code, lang, os.path.basename(bad), "-", "-", "-", "-", "-"))
            failures += 1
            print(f"FAIL {bad}: {problems}")
            continue
        want = expected(bad)
        flagged = lint(binary, bad) == want and any(c == code for _, c in want)
        clean = lint(binary, fixed) == set()
        fix = fix_matches(binary, bad, fixed)
        if lang not in DEFECTS.get(code, {}):
            failures += 1
            print(f"FAIL {bad}: no defect measure for {code}/{lang} in DEFECTS")
            continue
        measure = DEFECTS[code][lang]
        if measure is None:
            ok = flagged and clean and fix == "yes"
            if not ok:
                failures += 1
                print(f"FAIL {bad}: flagged={flagged} clean={clean} fix={fix}")
            rows.append((code, lang, os.path.basename(bad).split(".bad.")[0], yes(flagged), yes(clean), fix,
                         "n/a (no run-time defect)", "n/a"))
            continue
        what, shows = measure
        bad_runs = run_fixture(build, lang, bad)
        good_runs = run_fixture(build, lang, fixed)
        defect = all(shows(r) for r in bad_runs)
        gone = not any(shows(r) for r in good_runs)
        # A stall is measured in wall time: on a loaded machine (the sanitizer suite runs
        # beside this one) a fixed file can stall once by chance. A real defect stalls
        # every run, so the fixed file gets two more tries; it passes when one is clean.
        for _ in range(2):
            if gone or shows is not stalled:
                break
            print(f"note: {fixed} stalled once ({[r['longest_stall_ms'] for r in good_runs]} ms); running it again")
            good_runs = run_fixture(build, lang, fixed)
            gone = not any(shows(r) for r in good_runs)
        ok = flagged and clean and fix in ("yes", "manual") and defect and gone
        if not ok:
            failures += 1
            print(f"FAIL {bad}: flagged={flagged} clean={clean} fix={fix} defect={defect} gone={gone}")
            print(f"     bad runs: {bad_runs}\n     fixed runs: {good_runs}")
        rows.append((code, lang, os.path.basename(bad).split(".bad.")[0], yes(flagged), yes(clean), fix,
                     f"{yes(defect)} ({what}, {len(bad_runs)} run{'s' if len(bad_runs) > 1 else ''})", yes(gone)))
    head = ("rule", "language", "case", "flagged", "clean", "fix matches", "defect shown", "defect gone")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    print(f"validate: {len(rows) - failures} passed, {failures} failed")
    return 1 if failures or not rows else 0


def yes(b):
    return "yes" if b else "NO"


if __name__ == "__main__":
    sys.exit(main())

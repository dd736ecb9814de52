#!/usr/bin/env python3
"""`make bench`: asynclint against the parse-only floor and the peers, on the same files,
in one run. Each tool runs REPS times (alternating tools, so drift hits all alike); the
table has the median wall and user+sys time, the peak RSS, the findings and the ratios to
asynclint -j1. Written to bench/results/latest.md with the machine and the versions.

    bench/run.py ASYNCLINT_BINARY [--reps N] [--quick]

Nothing here is a test: no figure is asserted; the targets are printed beside the ratios."""
import argparse
import atexit
import datetime
import glob
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
S = os.path.join(HERE, ".scratch")
NM = os.path.join(S, "node_modules")


def stdlib():
    import sysconfig
    return sysconfig.get_paths()["stdlib"]


def files_under(roots, exts, skip=("/test/", "/tests/", "/site-packages/", "/__pycache__/")):
    out = []
    for r in roots:
        for dp, _, fn in os.walk(r):
            if any(x in dp + "/" for x in skip):
                continue
            out += [os.path.join(dp, f) for f in fn if f.endswith(exts)]
    return sorted(out)


def corpora(quick):
    dist = "/usr/lib/python3/dist-packages"
    py_roots = [stdlib()] + [os.path.join(dist, p) for p in ("aiohttp", "trio", "anyio", "httpx")]
    # Copied out of node_modules: Biome (and others) never lint a path inside it.
    js_roots = []
    for pkg in ("undici", "mongodb", "pg", "ws", "express", "eslint", "webpack"):
        src, dst = os.path.join(NM, pkg), os.path.join(S, "jscorpus", pkg)
        if os.path.isdir(src) and not os.path.isdir(dst):
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("node_modules"))
        js_roots.append(dst)
    py = files_under([r for r in py_roots if os.path.isdir(r)], (".py",))
    js = [p for p in files_under([r for r in js_roots if os.path.isdir(r)], (".js", ".mjs", ".cjs"))
          if ".min." not in p]
    cc = os.path.join(S, "c", "compile_commands.json")
    c = [e["file"] for e in json.load(open(cc))] if os.path.exists(cc) else []
    if quick:
        py, js, c = py[:300], js[:300], c[:10]
    return {"python": py, "javascript": js, "c": c}


def measure(cmd, stdin_data=None, cwd=None, env=None):
    """(wall s, user+sys s, peak RSS KB, stdout) of one run. The peak RSS comes from GNU
    time: a child forked from this Python process would report Python's RSS at the fork
    as its own high-water mark."""
    import time
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as inp, \
            tempfile.NamedTemporaryFile("r") as rssf:
        if stdin_data is not None:
            inp.write(stdin_data.encode())
            inp.seek(0)
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rssf.name, *cmd], stdout=out,
                             stderr=subprocess.DEVNULL, stdin=inp, cwd=cwd, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        out.seek(0)
        try:
            rss = int(rssf.read().strip().splitlines()[-1])
        except (ValueError, IndexError):
            rss = ru.ru_maxrss
        return wall, ru.ru_utime + ru.ru_stime, rss, out.read().decode(errors="replace")


def count_json(out):
    try:
        return len(json.loads(out))
    except ValueError:
        return None


def count_lines(pattern):
    return lambda out: len(re.findall(pattern, out, re.M))


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def count_eslint(out):
    return sum(len(f["messages"]) for f in json.loads(out)) if out.strip() else None


def eslint_cmd(eslint, cfg, lf, cwd=None):
    cd = f"cd {cwd} && " if cwd else ""
    return ["sh", "-c", f"{cd}xargs -a {lf} -d '\\n' {eslint} -c {cfg} --no-ignore -f json --no-warn-ignored"]


def tools(al, files, listfile):
    """name -> (lang, command, stdin, counter, note). Commands see the same files."""
    t = {}
    py, js, c = files["python"], files["javascript"], files["c"]
    pyl, jsl = "\n".join(py) + "\n", "\n".join(js) + "\n"
    for lang, fl in (("python", py), ("javascript", js)):
        if not fl:
            continue
        lf = listfile(lang, fl)
        t[f"asynclint -j1 ({lang})"] = (lang, ["sh", "-c", f"xargs -a {lf} -d '\\n' {al} check -j1 --select ALL "
                                             f"--no-cache --format json --exit-zero"], None, count_json,
                                        "all rules, cold (--no-cache)")
        t[f"asynclint -j2 ({lang})"] = (lang, ["sh", "-c", f"xargs -a {lf} -d '\\n' {al} check -j2 --select ALL "
                                             f"--no-cache --format json --exit-zero"], None, count_json,
                                        "all rules, cold (--no-cache)")
        warm = os.path.join(S, f"cache-{lang}")
        shutil.rmtree(warm, ignore_errors=True)
        subprocess.run(["sh", "-c", f"xargs -a {lf} -d '\\n' {al} check --select ALL --cache-dir {warm} "
                                    f"--exit-zero -q > /dev/null"])  # primes the cache
        t[f"asynclint warm -j2 ({lang})"] = (lang, ["sh", "-c", f"xargs -a {lf} -d '\\n' {al} check -j2 --select ALL "
                                                  f"--cache-dir {warm} --format json --exit-zero"], None, count_json,
                                             "nothing changed since the last run (cache)")
        t[f"parse floor -j1 ({lang})"] = (lang, ["sh", "-c", f"xargs -a {lf} -d '\\n' {al} parse -j1"], None,
                                          lambda o: None, "tree-sitter parse + free, same build")
        t[f"parse floor -j2 ({lang})"] = (lang, ["sh", "-c", f"xargs -a {lf} -d '\\n' {al} parse -j2"], None,
                                          lambda o: None, "the floor on both cores: how far 2 threads scale here")
    if py:
        lf = listfile("python", py)
        ruff = os.path.join(NM, "@astral-sh", "ruff-wasm-nodejs", "ruff_wasm.js")
        if os.path.exists(ruff):
            t["ruff ASYNC (wasm)"] = ("python", ["node", os.path.join(HERE, "ruff_wasm.mjs"), ruff], pyl,
                                      lambda o: int(re.search(r"findings (\d+)", o).group(1)),
                                      "npm wasm build, 1 thread")
        t["flake8 (pyflakes+pycodestyle)"] = ("python", ["sh", "-c", f"xargs -a {lf} -d '\\n' flake8 --exit-zero -j2"],
                                               None, count_lines(r"^\S+:\d+:\d+: "), "Debian flake8, -j2")
        t["pylint (async checks)"] = ("python", ["sh", "-c", f"xargs -a {lf} -d '\\n' pylint --exit-zero -j2 "
                                                 "--disable=all --enable=await-outside-async,"
                                                 "not-async-context-manager,yield-inside-async-function "
                                                 "-sn --output-format=parseable"],
                                      None, count_lines(r"^\S+:\d+: "), "Debian pylint, -j2")
    if js:
        lf = listfile("javascript", js)
        cfg = os.path.join(S, "eslint.config.mjs")
        with open(cfg, "w") as fh:
            fh.write("export default [{files: ['**/*.js', '**/*.mjs', '**/*.cjs'], rules: {"
                     "'require-await': 'warn', 'no-async-promise-executor': 'warn', 'no-await-in-loop': 'warn',"
                     "'no-promise-executor-return': 'warn', 'require-atomic-updates': 'warn',"
                     "'no-return-await': 'warn'}, languageOptions: {sourceType: 'module'}},"
                     "{files: ['**/*.cjs', '**/*.js'], languageOptions: {sourceType: 'commonjs'}}];\n")
        eslint = os.path.join(NM, ".bin", "eslint")
        if os.path.exists(eslint):
            t["ESLint (async rules)"] = ("javascript", eslint_cmd(eslint, cfg, lf), None, count_eslint,
                                         "core async rules; no type info")
        tse = os.path.join(NM, "typescript-eslint")
        if os.path.exists(eslint) and os.path.isdir(tse):
            # type-aware: the promise rules need a TypeScript program over the JS files
            # (allowJs); run from the corpus root so the tsconfig covers every file
            root = os.path.join(S, "jscorpus")
            with open(os.path.join(root, "tsconfig.json"), "w") as fh:
                json.dump({"compilerOptions": {"allowJs": True, "checkJs": False, "noEmit": True,
                                               "target": "es2022", "module": "nodenext",
                                               "moduleResolution": "nodenext", "skipLibCheck": True},
                           "include": ["**/*.js", "**/*.mjs", "**/*.cjs"]}, fh)
            tcfg = os.path.join(root, "eslint.tse.config.mjs")
            with open(tcfg, "w") as fh:
                fh.write("import tseslint from 'typescript-eslint';\n"
                         "export default [{files: ['**/*.js', '**/*.mjs', '**/*.cjs'],\n"
                         "  languageOptions: {parser: tseslint.parser, parserOptions: {project: './tsconfig.json',"
                         " tsconfigRootDir: import.meta.dirname}},\n"
                         "  plugins: {'@typescript-eslint': tseslint.plugin},\n"
                         "  rules: {'@typescript-eslint/no-floating-promises': 'warn',"
                         " '@typescript-eslint/no-misused-promises': 'warn', '@typescript-eslint/require-await': 'warn',"
                         " '@typescript-eslint/await-thenable': 'warn', '@typescript-eslint/return-await': 'warn',"
                         " 'no-async-promise-executor': 'warn', 'no-promise-executor-return': 'warn'}}];\n")
            t["ESLint + typescript-eslint (type-aware)"] = (
                "javascript", eslint_cmd(eslint, tcfg, lf, cwd=root), None, count_eslint,
                "no-floating-promises, no-misused-promises, require-await, await-thenable, return-await; "
                "TypeScript program over the JS files")
        ox = os.path.join(NM, ".bin", "oxlint")
        if os.path.exists(ox):
            t["oxlint (async rules)"] = ("javascript", ["sh", "-c", f"xargs -a {lf} -d '\\n' {ox} -A all "
                                                        "-W require-await -W no-async-promise-executor "
                                                        "-W no-await-in-loop -W no-promise-executor-return "
                                                        "--format unix"], None,
                                         count_lines(r"^\S+:\d+:\d+: "), "all cores")
        biome = os.path.join(NM, ".bin", "biome")
        if os.path.exists(biome):
            bcfg = os.path.join(S, "biome.json")
            with open(bcfg, "w") as fh:
                json.dump({"linter": {"rules": {"preset": "none",
                                                "suspicious": {"noAsyncPromiseExecutor": "warn", "useAwait": "warn"}}},
                           "files": {"ignoreUnknown": True, "maxSize": 50 * 1024 * 1024}}, fh)
            t["Biome (async rules)"] = ("javascript", ["sh", "-c", f"cd {S} && xargs -a {lf} -d '\\n' {biome} lint "
                                                       "--max-diagnostics=none --reporter=github "
                                                       "--diagnostic-level=warn"], None,
                                        count_lines(r"^::(warning|error)"), "all cores")
    if c:
        cc = os.path.join(S, "c", "compile_commands.json")
        entries = json.load(open(cc))
        # one command a line, in a script file (too long for one argument); a file with
        # errors does not stop the others
        script = listfile("clang-script", ["clang-14 -fsyntax-only -w " + " ".join(shlex.quote(a) for a in
                                            e["arguments"][1:-2]) + " " + shlex.quote(e["file"])
                                            for e in entries if e["file"] in c])
        t["clang -fsyntax-only (c)"] = ("c", ["sh", script], None, lambda o: None, "per file, serial")
        t["asynclint -j1 (c)"] = ("c", [al, "check", "-j1", "--no-cache", "--select", "ALL", "--format", "json",
                                        "--exit-zero", *c],
                                  None, count_json, "libclang front end")
        t["asynclint -j2 (c)"] = ("c", [al, "check", "-j2", "--no-cache", "--select", "ALL", "--format", "json",
                                        "--exit-zero", *c],
                                  None, count_json, "libclang front end")
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("asynclint")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="300 files a language, 1 rep (a smoke run)")
    a = ap.parse_args()
    al = os.path.abspath(a.asynclint)
    reps = 1 if a.quick else a.reps
    files = corpora(a.quick)
    tmp = tempfile.mkdtemp(prefix="asynclint-bench-")
    atexit.register(shutil.rmtree, tmp, True)

    def listfile(lang, fl):
        p = os.path.join(tmp, f"{lang}.txt")
        with open(p, "w") as fh:
            fh.write("\n".join(fl) + "\n")
        return p

    t = tools(al, files, listfile)
    slow = {"pylint (async checks)", "ESLint + typescript-eslint (type-aware)"}  # minutes a run: measured once
    runs = {name: [] for name in t}
    for r in range(reps):
        for name, (lang, cmd, stdin, counter, note) in t.items():
            if r > 0 and name in slow:
                continue
            wall, cpu, rss, out = measure(cmd, stdin)
            runs[name].append((wall, cpu, rss, counter(out)))
            print(f"bench: {name}: {wall:.2f} s", file=sys.stderr)
    # The floor ratio from back-to-back pairs: this VM's speed drifts over the minutes the
    # peers take, so the table's medians (taken minutes apart) can disagree by 20 %. The
    # order alternates (floor first, then lint first): a drift within a pair then biases
    # half the pairs one way and half the other (session 10's run drifted from 1.52 to
    # 1.21 over five floor-first pairs).
    def alternating(num, den, field, label, k):
        """(median, min, max, count) of num's ÷ den's measure()[field] over k back-to-back
        pairs, alternating which of the two runs first."""
        rs = []
        for i in range(k):
            if i % 2 == 0:
                d = measure(den[1], den[2])[field]
                n_ = measure(num[1], num[2])[field]
            else:
                n_ = measure(num[1], num[2])[field]
                d = measure(den[1], den[2])[field]
            rs.append(n_ / d)
        print(f"bench: {label}: {', '.join(f'{x:.2f}' for x in rs)}", file=sys.stderr)
        return statistics.median(rs), min(rs), max(rs), len(rs)

    # The -j1 → -j2 speed-up the same way (wall time: -j1's over -j2's); the table's medians
    # come from runs minutes apart (session 28's bench read 1.59× from them where quiet
    # pairs gave 1.79-1.81×).
    pairs, speedups = {}, {}
    for lang in ("python", "javascript"):
        fl, li, j2 = (t.get(f"{x} ({lang})") for x in ("parse floor -j1", "asynclint -j1", "asynclint -j2"))
        if fl and li:
            pairs[lang] = alternating(li, fl, 1, f"lint ÷ floor pairs ({lang})", 1 if a.quick else 8)
        if li and j2:
            speedups[lang] = alternating(li, j2, 0, f"-j1 ÷ -j2 pairs ({lang})", 1 if a.quick else 8)
    # The same ratio in instructions (callgrind, every 10th file): what the VM's noise
    # cannot move, to tell a change of ours from a change of the machine. A tenth of the
    # corpus is small enough for asynclint to follow its imports into the other nine
    # tenths; --no-follow-imports keeps the lint on the files the floor parses.
    instr = {}
    if not a.quick and shutil.which("valgrind"):
        for lang in ("python", "javascript"):
            sub = files[lang][::10]
            if not sub:
                continue
            lf = listfile(f"{lang}-every10th", sub)
            counts = []
            for args in (["parse", "-j1"], ["check", "-j1", "--no-cache", "--no-follow-imports", "--select", "ALL",
                                            "--format", "json", "--exit-zero"]):
                out = os.path.join(tmp, "callgrind.out")
                r = subprocess.run(["sh", "-c", f"xargs -a {lf} -d '\\n' valgrind --tool=callgrind "
                                                f"--callgrind-out-file={out} {al} {' '.join(args)} > /dev/null"],
                                   capture_output=True, text=True)
                m = re.search(r"Collected : (\d+)", r.stderr)
                counts.append(int(m.group(1)) if m else 0)
            if all(counts):
                instr[lang] = (counts[1] / counts[0], counts[0], counts[1], len(sub))
                print(f"bench: instructions ({lang}): floor {counts[0]:,}, lint {counts[1]:,}", file=sys.stderr)
    # What the process holds before it reads a byte of the corpus: asynclint on a file with
    # one declaration. For C that is libclang and libLLVM loaded (their code pages mapped from
    # disk and their relocated data), which no choice of ours sizes; the report gives the
    # peak both whole and above this start-up.
    startup = {}
    for lang, fl in files.items():
        if not fl:
            continue
        ext, body = {"python": (".py", "x = 1\n"), "javascript": (".js", "let x = 1;\n"),
                     "c": (".c", "int asynclint_empty;\n")}[lang]
        ef = os.path.join(tmp, "startup" + ext)
        with open(ef, "w") as fh:
            fh.write(body)
        startup[lang] = statistics.median(measure([al, "check", "-j1", "--no-cache", "--select", "ALL", "--format",
                                                   "json", "--exit-zero", ef])[2] for _ in range(3))
        print(f"bench: start-up RSS ({lang}): {startup[lang] / 1024:.0f} MB", file=sys.stderr)
    size = {lang: sum(os.path.getsize(p) for p in fl) for lang, fl in files.items()}
    rows = []
    base = {}
    for name, (lang, *_rest) in t.items():
        rs = runs[name]
        wall = statistics.median(x[0] for x in rs)
        cpu = statistics.median(x[1] for x in rs)
        rss = max(x[2] for x in rs)
        if name.startswith("asynclint -j1"):
            base[lang] = (wall, cpu)
        rows.append((name, lang, wall, cpu, rss, rs[-1][3], t[name][4]))
    lines = ["# Benchmark: asynclint, the parse floor and the peers", "",
             f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
             f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; "
             f"{'quick smoke run' if a.quick else f'median of {reps} runs'} (pylint and typescript-eslint: 1 run).", "",
             "| corpus | files | MB |", "|---|---:|---:|"]
    for lang, fl in files.items():
        lines.append(f"| {lang} | {len(fl)} | {size[lang] / 1e6:.1f} |")
    lines += ["", "| tool | corpus | wall s | user+sys s | peak RSS MB | findings | wall ÷ asynclint -j1 | note |",
              "|---|---|---:|---:|---:|---:|---:|---|"]
    for name, lang, wall, cpu, rss, n, note in rows:
        ratio = f"{wall / base[lang][0]:.2f}×" if lang in base and base[lang][0] else "–"
        lines.append(f"| {name} | {lang} | {wall:.2f} | {cpu:.2f} | {rss / 1024:.0f} | "
                     f"{'–' if n is None else n} | {ratio} | {note} |")
    # the targets of issue #8, as measured in this run
    lines += ["", "## Targets", ""]
    by = dict((r[0], r) for r in rows)
    for lang in ("python", "javascript"):
        if lang not in base:
            continue
        fl = by.get(f"parse floor -j1 ({lang})")
        j2 = by.get(f"asynclint -j2 ({lang})")
        warm = by.get(f"asynclint warm -j2 ({lang})")
        if lang in pairs:
            r, lo, hi, k = pairs[lang]
            tab = f"; from the table's medians {base[lang][1] / fl[3]:.2f}" if fl else ""
            lines.append(f"- {lang}: lint ÷ parse floor (-j1, user+sys) = {r:.3f}, median of {k} back-to-back pairs, "
                         f"alternating which runs first (range {lo:.2f}–{hi:.2f}{tab}) "
                         f"(target ≤ 1.3: {'met' if r <= 1.3 else 'missed'})")
        if lang in instr:
            ir, fi, li_, nf = instr[lang]
            lines.append(f"- {lang}: the same in instructions (callgrind, every 10th file: {nf} files) = {ir:.3f} "
                         f"({li_ / 1e6:,.0f} M against the floor's {fi / 1e6:,.0f} M; not moved by the machine's noise)")
        elif fl:
            r = base[lang][1] / fl[3]
            lines.append(f"- {lang}: lint ÷ parse floor (-j1, user+sys) = {r:.2f} (target ≤ 1.3: "
                         f"{'met' if r <= 1.3 else 'missed'})")
        if j2:
            r = base[lang][0] / j2[2]
            fl2 = by.get(f"parse floor -j2 ({lang})")
            hw = f"; the parse floor itself scales {fl[2] / fl2[2]:.2f}× on this machine" if fl and fl2 else ""
            if lang in speedups:
                sr, lo, hi, k = speedups[lang]
                lines.append(f"- {lang}: speed-up -j1 → -j2 (wall) = {sr:.2f}×, median of {k} back-to-back pairs, "
                             f"alternating which runs first (range {lo:.2f}–{hi:.2f}; from the table's medians "
                             f"{r:.2f}×) (target ≥ 1.8×: {'met' if sr >= 1.8 else 'missed'}{hw})")
            else:
                lines.append(f"- {lang}: speed-up -j1 → -j2 (wall) = {r:.2f}× (target ≥ 1.8×: "
                             f"{'met' if r >= 1.8 else 'missed'}{hw})")
        if warm and j2:
            r1, r2 = base[lang][0] / warm[2], j2[2] / warm[2]
            lines.append(f"- {lang}: warm run (nothing changed) {r1:.1f}× faster than cold -j1, {r2:.1f}× than cold -j2 "
                         f"(target ≥ 10×: {'met' if min(r1, r2) >= 10 else 'met against -j1' if r1 >= 10 else 'missed'})")
    for name, lang, wall, cpu, rss, n, note in rows:
        if not name.startswith(("asynclint", "parse floor")) and lang in base:
            j2 = by.get(f"asynclint -j2 ({lang})")
            extra = f", {wall / j2[2]:.2f}× asynclint -j2's (default: all cores)" if j2 else ""
            lines.append(f"- {name}: {wall / base[lang][0]:.2f}× asynclint -j1's wall time{extra}")
    for lang, fl in files.items():
        if not fl:
            continue
        big = max(os.path.getsize(p) for p in fl)
        bound = 2 * big / 1e6 + 64

        def mb(name):
            r = by.get(name)
            return r[4] / 1024 if r else None

        parts = []
        for j in ("-j1", "-j2"):
            peak, floor = mb(f"asynclint {j} ({lang})"), mb(f"parse floor {j} ({lang})")
            if peak is None:
                continue
            fl_txt = f", parse floor {floor:.0f} MB" if floor is not None else ""
            up = ""
            if lang in startup:
                above = peak - startup[lang] / 1024
                up = f"; {above:.0f} MB above the start-up's {startup[lang] / 1024:.0f} MB ({'met' if above <= bound else 'missed'})"
            parts.append(f"{j} {peak:.0f} MB ({'met' if peak <= bound else 'missed'}{fl_txt}{up})")
        lines.append(f"- {lang}: peak RSS of asynclint {'; '.join(parts)}; bound 2 × largest file ({big / 1e6:.1f} MB) "
                     f"+ 64 MB = {bound:.0f} MB; start-up = asynclint on a file of one declaration"
                     f"{' (libclang and libLLVM loaded)' if lang == 'c' else ''}")
    lines += ["", "## Versions", "",
              f"- asynclint: {version([al, '--version'])}",
              f"- node: {version(['node', '--version'])}",
              f"- flake8: {version(['flake8', '--version'])}",
              f"- pylint: {version(['pylint', '--version'])}",
              f"- clang: {version(['clang-14', '--version'])}"]
    for pkg in ("@astral-sh/ruff-wasm-nodejs", "eslint", "typescript-eslint", "typescript", "oxlint", "@biomejs/biome"):
        pj = os.path.join(NM, pkg, "package.json")
        if os.path.exists(pj):
            lines.append(f"- {pkg}: {json.load(open(pj))['version']}")
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "latest.md"), "w") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    main()

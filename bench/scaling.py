#!/usr/bin/env python3
"""Scaling: generates Python projects of 1k, 10k and 100k files (packages of 100 modules;
each module imports a neighbour, defines async handlers and sync helpers, and every tenth
has a bug) and lints each with all rules at -j2 and --stats. Lint time and memory should
grow linearly, and the cross-file index should stay a small fraction of memory.

    bench/scaling.py ASYNCLINT_BINARY [--sizes 1000,10000,100000]

Writes bench/results/scaling.md."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

MODULE = '''"""Module {i}: handlers and helpers."""
import asyncio
import time

from pkg{pn}.mod{nj} import helper_{nj}


def helper_{i}(x):
    """A synchronous helper."""
    return [y * 2 for y in range(x)]


async def handler_{i}(request):
    data = await fetch_{i}(request)
    total = helper_{nj}(len(data))
    for item in data:
        await asyncio.sleep(0)
    return total


async def fetch_{i}(request):
    await asyncio.sleep(0)
    return list(range(10))
{bug}'''
BUG = '''

async def buggy_{i}():
    time.sleep(1)
'''


def generate(root, n):
    per = 100
    for i in range(n):
        p, j = divmod(i, per)
        d = os.path.join(root, f"pkg{p}")
        if j == 0:
            os.makedirs(d, exist_ok=True)
            open(os.path.join(d, "__init__.py"), "w").close()
        nj = p * per + (j + 1) % min(per, n - p * per)
        with open(os.path.join(d, f"mod{i}.py"), "w") as fh:
            fh.write(MODULE.format(i=i, pn=p, nj=nj, bug=BUG.format(i=i) if i % 10 == 0 else ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("asynclint")
    ap.add_argument("--sizes", default="1000,10000,100000")
    a = ap.parse_args()
    b = os.path.abspath(a.asynclint)
    rows = []
    for n in [int(x) for x in a.sizes.split(",")]:
        root = tempfile.mkdtemp(prefix=f"asynclint-scale-{n}-")
        try:
            generate(root, n)
            with tempfile.NamedTemporaryFile("r") as tf:
                t = time.monotonic()
                r = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", tf.name, b, "check", "-j2", "--no-cache", "--select",
                                    "ALL", "--stats", "-q", "--format", "json", "--exit-zero", root],
                                   capture_output=True, text=True)
                wall = time.monotonic() - t
                rss_kb, user, sys_s = tf.read().split()[-3:]
            st = re.search(r"stats: (\d+) files, ([\d.]+) MB; pass 1 [^)]*\) (\d+) ms, index (\d+) ms, "
                           r"pass 2 [^)]*\) (\d+) ms; sources ([\d.]+) MB, IR kept [\d.]+ MB, summary IR ([\d.]+) MB, "
                           r"index ([\d.]+) MB \((\d+) functions\)", r.stderr)
            findings = r.stdout.count('"code"')
            rows.append((n, float(st.group(2)), wall, float(user) + float(sys_s), int(rss_kb) / 1024,
                         int(st.group(3)), int(st.group(4)), int(st.group(5)), float(st.group(7)), float(st.group(8)),
                         int(st.group(9)), findings))
            print(f"scaling {n}: {wall:.1f} s, {int(rss_kb) / 1024:.0f} MB", file=sys.stderr)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    out = ["# Scaling: generated Python projects, all rules, -j2", "",
           "| files | MB | wall s | user+sys s | peak RSS MB | pass 1 ms | index ms | pass 2 ms | "
           "summary IR MB | index MB | index ÷ RSS | functions | findings | µs wall / file |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, mb, wall, cpu, rss, p1, ix, p2, ir, idx, nf, fnd in rows:
        out.append(f"| {n} | {mb:.1f} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {p1} | {ix} | {p2} | {ir:.1f} | "
                   f"{idx:.2f} | {100 * idx / rss:.1f} % | {nf} | {fnd} | {wall * 1e6 / n:.0f} |")
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "scaling.md"), "w") as fh:
        fh.write("\n".join(out) + "\n")
    print("\n".join(out))


if __name__ == "__main__":
    main()

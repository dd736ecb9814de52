#!/usr/bin/env python3
"""Every registered rule has a docs page with the four sections and a fixtures folder,
and `asynclint rules` lists exactly the registry."""
import os
import re
import subprocess
import sys

SECTIONS = ["## What it does", "## Why is this bad?", "## Example", "## Use instead"]


def main():
    binary = sys.argv[1]
    out = subprocess.run([binary, "rules"], capture_output=True, text=True, check=True).stdout
    listed = [line.split()[:2] for line in out.splitlines() if line.strip()]
    with open("rules/rule_list.h") as fh:
        registry = re.findall(r"^AL_RULE\((AL\d{3}),", fh.read(), re.M)
    problems = []
    if [c for c, _ in listed] != registry:
        problems.append(f"`asynclint rules` lists {[c for c, _ in listed]}, registry has {registry}")
    for code, name in listed:
        doc = f"docs/rules/{code}-{name}.md"
        if not os.path.isfile(doc):
            problems.append(f"{code}: no {doc}")
        else:
            text = open(doc).read()
            for s in SECTIONS:
                if s not in text:
                    problems.append(f"{doc}: missing section '{s}'")
            if not text.startswith(f"# {code} {name}"):
                problems.append(f"{doc}: first line must be '# {code} {name}'")
        if not os.path.isdir(f"fixtures/{code}"):
            problems.append(f"{code}: no fixtures/{code}/")
    for p in problems:
        print("FAIL " + p)
    n = len(listed)
    print(f"registry: {n - len(problems) if len(problems) <= n else 0} passed, {len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Every registered rule has a docs page with the four sections and a fixtures folder,
`asynclint rules` lists exactly the registry, and the README's rule table names each
rule with the languages its page gives (which cover the languages it has fixtures in)."""
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
    readme = dict(re.findall(r"^\| (AL\d{3}) \|.*\| ([^|]+) \|$", open("README.md").read(), re.M))
    lang_dirs = {"python": "Python", "javascript": "JavaScript", "c": "C"}
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
            m = re.search(r"Languages: ([^\n]*?) ·", text)
            langs = m.group(1).strip() if m else None
            if not langs:
                problems.append(f"{doc}: no 'Languages: ... ·' line")
            elif readme.get(code, "").strip() != langs:
                problems.append(f"README.md: {code}'s languages are {readme.get(code)!r}, its page says {langs!r}")
            elif os.path.isdir(f"fixtures/{code}"):
                for d in sorted(os.listdir(f"fixtures/{code}")):
                    if d in lang_dirs and lang_dirs[d] not in langs.split(", "):
                        problems.append(f"{doc}: fixtures/{code}/{d}/ exists but the page's languages are {langs!r}")
        if not os.path.isdir(f"fixtures/{code}"):
            problems.append(f"{code}: no fixtures/{code}/")
    for p in problems:
        print("FAIL " + p)
    n = len(listed)
    print(f"registry: {n - len(problems) if len(problems) <= n else 0} passed, {len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Every registered rule has a docs page with the four sections and a fixtures folder,
`asynclint rules` lists exactly the registry, and the README's rule table names each
rule with the languages its page gives (which cover the languages it has fixtures in),
and every rule but the listed few has a validated bad/fixed pair (as the README says)."""
import os
import re
import subprocess
import sys

SECTIONS = ["## What it does", "## Why is this bad?", "## Example", "## Use instead"]
# Rules without a validated pair, and why (the README names them): style rules, and
# defects a test machine cannot stage reliably.
NO_PAIR = {"AL501": "style", "AL503": "style"}


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
            continue
        paired = any(f.endswith(tuple(".bad" + e for e in (".py", ".mjs", ".c", ".ts")))
                     for _, _, files in os.walk(f"fixtures/{code}") for f in files)
        if paired == (code in NO_PAIR):
            problems.append(f"{code}: " + ("has a validated pair now: drop it from NO_PAIR and the README" if paired
                                           else "no validated pair (fixtures/<CODE>/<lang>/<case>.bad.* + .fixed.*)"))
    for code in NO_PAIR:
        if code not in open("README.md").read().split("## Fixes proven by running them")[1].split("\n## ")[0]:
            problems.append(f"README.md: the validation section does not name {code}, which has no pair")
    for p in problems:
        print("FAIL " + p)
    n = len(listed)
    print(f"registry: {n - len(problems) if len(problems) <= n else 0} passed, {len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

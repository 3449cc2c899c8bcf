#!/usr/bin/env python3
"""docs/protocol.md against the host's dispatch table: every op `help` lists
has a "### `op`" section holding its summary and every request and result line
that `help about` prints, and every op section names an op the host has.
usage: docs_check.py HOST_BINARY DOCS/protocol.md        (--print: the sections as they should read)
"""
import json
import re
import subprocess
import sys


def ask(host, request):
    out = subprocess.run([host, "--single"], input=json.dumps(request).encode(), capture_output=True, check=True).stdout
    reply = json.loads(out.decode().splitlines()[-1])
    assert reply["ok"], reply
    return reply["result"]


def section(name, about):
    lines = [f"### `{name}`", "", about["summary"], "", "Request:", ""]
    lines += [f"- {line}" for line in about["params"]] + ["", "Result:", ""]
    lines += [f"- {line}" for line in about["result"]] + [""]
    return "\n".join(lines)


def main():
    host, docs = sys.argv[1], sys.argv[2]
    ops = [o["name"] for o in ask(host, {"id": 1, "op": "help"})["ops"]]
    text = open(docs, encoding="utf-8").read()
    if "--print" in sys.argv:
        for name in ops:
            print(section(name, ask(host, {"id": 1, "op": "help", "about": name})))
        return 0
    failures = []
    headings = re.findall(r"^### `([^`]+)`$", text, re.M)
    for h in headings:
        if h not in ops:
            failures.append(f"docs describe op {h}, which the host does not have")
    for name in ops:
        if name not in headings:
            failures.append(f"op {name} has no section in {docs}")
            continue
        body = text.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        about = ask(host, {"id": 1, "op": "help", "about": name})
        for line in [about["summary"]] + [f"- {x}" for x in about["params"] + about["result"]]:
            if line not in body:
                failures.append(f"{name}: the docs lack {line!r}")
    for f in failures:
        print("FAIL " + f)
    if not failures:
        print(f"PASS {len(ops)} ops documented as the dispatch table says")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

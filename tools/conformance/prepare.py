#!/usr/bin/env python3
"""Exports the original runtime's Lua test suites into a scratch project (argv[2]) for
run.sh: read from a git clone of wippyai/runtime (argv[1]) at run time, never copied into
this repository. `function.lua` test entries become `process.lua` entries (we have no
function pools); everything else is kept as written."""
import os, subprocess, sys, yaml, json
MIRROR = sys.argv[1]
OUT = sys.argv[2]
SUITES = sys.argv[3].split(",")

def show(path):
    return subprocess.run(["git", "-C", MIRROR, "show", f"HEAD:{path}"], check=True,
                          capture_output=True).stdout

def write(rel, data):
    p = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

# app namespace: only the two hosts
root = yaml.safe_load(show("tests/app/src/_index.yaml"))
keep = [e for e in root["entries"] if e["name"] in ("processes", "terminal")]
write("src/_index.yaml", yaml.safe_dump({"version": "1.0", "namespace": "app", "entries": keep}, sort_keys=False))
# app.lib: only the assert library
lib = yaml.safe_load(show("tests/app/src/lib/_index.yaml"))
write("src/lib/_index.yaml", yaml.safe_dump({"version": "1.0", "namespace": "app.lib",
      "entries": [e for e in lib["entries"] if e["name"] == "assert"]}, sort_keys=False))
write("src/lib/assert.lua", show("tests/app/src/lib/assert.lua"))

tests = []
for suite in SUITES:
    base = f"tests/app/src/test/{suite}"
    files = subprocess.run(["git", "-C", MIRROR, "ls-tree", "--name-only", "HEAD", base + "/"],
                           check=True, capture_output=True, text=True).stdout.split()
    for f in files:
        data = show(f)
        rel = "src/test/" + suite + "/" + os.path.basename(f)
        if f.endswith("_index.yaml"):
            doc = yaml.safe_load(data)
            for e in doc["entries"]:
                meta = e.get("meta") or {}
                if meta.get("type") == "test":
                    tests.append({"suite": suite, "id": f"{doc['namespace']}:{e['name']}",
                                  "source": e.get("source", ""), "modules": e.get("modules", []),
                                  "kind": e["kind"], "description": meta.get("description", "")})
            # function.lua -> process.lua, textually, everything else kept
            data = data.decode().replace("kind: function.lua", "kind: process.lua").encode()
        write(rel, data)
write("tests.json", json.dumps(tests, indent=1))
print(len(tests), "tests exported")

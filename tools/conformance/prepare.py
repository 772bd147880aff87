#!/usr/bin/env python3
"""Exports the original runtime's Lua test suites into a scratch project (argv[2]) for
run.sh: read from a git clone of wippyai/runtime (argv[1]) at run time, never copied into
this repository. Every test file and suite definition is kept as written; of the
application's own entries (`tests/app/src/_index.yaml`) only the two hosts and the test
runner (`app:test_runner`, the command `test`) are kept, as the others are HTTP, file
system and executor services outside this runtime, and of `app.lib` only the assert
library."""
import os, subprocess, sys, yaml, json
MIRROR = sys.argv[1]
OUT = sys.argv[2]
SUITES = sys.argv[3].split(",")

def show(path):
    return subprocess.run(["git", "--git-dir", MIRROR, "show", f"HEAD:{path}"], check=True,
                          capture_output=True).stdout

def write(rel, data):
    p = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())

root = yaml.safe_load(show("tests/app/src/_index.yaml"))
keep = [e for e in root["entries"] if e["name"] in ("processes", "terminal", "test_runner")]
write("src/_index.yaml", yaml.safe_dump({"version": "1.0", "namespace": "app", "entries": keep}, sort_keys=False))
write("src/runner.lua", show("tests/app/src/runner.lua"))
lib = yaml.safe_load(show("tests/app/src/lib/_index.yaml"))
write("src/lib/_index.yaml", yaml.safe_dump({"version": "1.0", "namespace": "app.lib",
      "entries": [e for e in lib["entries"] if e["name"] == "assert"]}, sort_keys=False))
write("src/lib/assert.lua", show("tests/app/src/lib/assert.lua"))
write("wippy.lock", "directories:\n  modules: .wippy\n  src: ./src\n")

tests = []
for suite in SUITES:
    base = f"tests/app/src/test/{suite}"
    files = subprocess.run(["git", "--git-dir", MIRROR, "ls-tree", "--name-only", "HEAD", base + "/"],
                           check=True, capture_output=True, text=True).stdout.split()
    if not files:
        # A one-file suite (`base64.lua`): its entries sit in the test directory's own
        # `_index.yaml`, among others; keep those whose source is that file.
        doc = yaml.safe_load(show("tests/app/src/test/_index.yaml"))
        entries = [e for e in doc["entries"] if e.get("source") == f"file://{suite}.lua"]
        for e in entries:
            meta = e.get("meta") or {}
            if meta.get("type") == "test":
                tests.append({"suite": suite, "id": f"{doc['namespace']}:{e['name']}",
                              "kind": e["kind"], "description": meta.get("description", "")})
        write(f"src/test/{suite}/_index.yaml", yaml.safe_dump(
            {"version": "1.0", "namespace": doc["namespace"], "entries": entries}, sort_keys=False))
        write(f"src/test/{suite}/{suite}.lua", show(base + ".lua"))
    for f in files:
        data = show(f)
        if f.endswith("_index.yaml"):
            doc = yaml.safe_load(data)
            for e in doc["entries"]:
                meta = e.get("meta") or {}
                if meta.get("type") == "test":
                    tests.append({"suite": suite, "id": f"{doc['namespace']}:{e['name']}",
                                  "kind": e["kind"], "description": meta.get("description", "")})
        write("src/test/" + suite + "/" + os.path.basename(f), data)
write("tests.json", json.dumps(tests, indent=1))
print(len(tests), "tests exported")

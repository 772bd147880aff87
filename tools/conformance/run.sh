#!/usr/bin/env bash
# Runs the original Wippy runtime's own Lua test suites (wippy-reference.md §6) against our
# `wippy` binary, with the files as the original has them. By default through the
# original's own test runner (`wippy run test`: `app:test_runner`, which finds the tests
# with `registry.find` and calls each with `funcs.call`), printing its report; with
# MODE=each, one `wippy run -x <test>` per test, printing PASS/FAIL/TIMEOUT per test.
# A local check, not part of CI: it needs a git clone of wippyai/runtime, python3 with
# PyYAML, and reads the tests from the clone at run time (nothing of them is copied here).
#
#   ORIGINAL=/path/to/wippyai-runtime.git tools/conformance/run.sh
#
# Environment: ORIGINAL (git dir of the original; default the workplace mirror), WIPPY_BIN
# (default target/release/wippy), SUITES (default the suites of the APIs this runtime
# has), MODE (runner or each), JOBS (each), WORK (scratch directory).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ORIGINAL=${ORIGINAL:-/work/.mirror/wippyai+runtime/repo}
BIN=${WIPPY_BIN:-$ROOT/target/release/wippy}
SUITES=${SUITES:-process,channel,time,json,logger,payload,errors,uuid,funcs,ctx,processfunc,registry,events,env,os,base64,hash,yaml}
MODE=${MODE:-runner}
JOBS=${JOBS:-2}
WORK=${WORK:-${TMPDIR:-/tmp}/wippy-conformance}
APP=$WORK/app
OUT=$WORK/results
rm -rf "$APP" "$OUT"; mkdir -p "$OUT"
python3 "$(dirname "$0")/prepare.py" "$ORIGINAL" "$APP" "$SUITES" || exit 2

if [ "$MODE" = runner ]; then
  ( cd "$APP" && timeout 600 "$BIN" run test ) 2>&1 | tee "$OUT/runner.log"
  exit "${PIPESTATUS[0]}"
fi

# Tests that need modules outside this runtime: "id<TAB>reason".
cat > "$OUT/skip.tsv" <<'SKIP'
SKIP

run_one() {
  id=$1
  out=$OUT/$(echo "$id" | tr ':' '_').log
  ( cd "$APP" && timeout 20 "$BIN" run -x "$id" ) >"$out" 2>&1
  rc=$?
  if [ $rc -eq 0 ] && ! grep -q '^error: ' "$out"; then st=PASS
  elif [ $rc -eq 124 ]; then st=TIMEOUT
  else st=FAIL; fi
  printf '%s\t%s\n' "$id" "$st"
}
export -f run_one; export OUT APP BIN

python3 -c "import json;[print(t['id']) for t in json.load(open('$APP/tests.json'))]" \
  | grep -v -F -f <(cut -f1 "$OUT/skip.tsv") \
  | xargs -P "$JOBS" -I{} bash -c 'run_one "$@"' _ {} | sort > "$OUT/results.tsv"
cat "$OUT/results.tsv"
echo "--- (skipped: $(wc -l < "$OUT/skip.tsv"); logs in $OUT)"
cut -f2 "$OUT/results.tsv" | sort | uniq -c

#!/usr/bin/env bash
# Where an echo's instructions go: counts the instructions of each part of an echo
# (`lua_workload part NAME N`, one process looping over that part on one worker) under
# callgrind, as the difference of two runs of different lengths divided by the
# difference of their turns, so that startup and shutdown cancel out.
#
#   tools/echo_parts.sh [PART ...]        (default: every part, in order)
#
# Needs valgrind. Builds the release `lua_workload` first. Each part takes two
# callgrind runs (about 20-40 s each on a 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p wippy-benches --bin lua_workload
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/lua_workload"
short=2000
long=12000
parts=("$@")
if [ ${#parts[@]} -eq 0 ]; then
  parts=(send_int send_table select select_data spawn_noop spawn_reply_int
         spawn_reply_table spawn_echo_worker relay_to_self)
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
total() {
  WIPPY_BENCH_WORKERS=1 valgrind --tool=callgrind --callgrind-out-file="$out/cg" \
    "$bin" part "$1" "$2" > /dev/null 2>&1
  callgrind_annotate "$out/cg" 2> /dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
}
for part in "${parts[@]}"; do
  a=$(total "$part" $short)
  b=$(total "$part" $long)
  echo "$part: $(( (b - a) / (long - short) )) instructions per turn"
done

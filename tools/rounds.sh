#!/usr/bin/env bash
# Interleaved rounds of BEAM and of this runtime on the same workloads, each run
# tagged with the machine's cross-core latency measured just before and after it
# (`cross_core`): on a virtual machine that latency moves between about 50 and 400 ns
# with the host's placement of the virtual CPUs, and every 2-core figure in which work
# crosses cores follows it, BEAM's as ours.
#
#   tools/rounds.sh [ROUNDS]        (default 3)
#
# Per round: the probe, BEAM (`benches/beam/run.sh`: spawn + exit, ping-pong, echo
# with 1 and 100 clients, 2 schedulers), the probe, this runtime on the same sizes
# (`lua_workload`, release build, one worker per CPU), the probe. Prints one line per
# runtime and round: rates per second and the probe's samples around the run.
# Needs erlang-base (installed by `benches/beam/run.sh` when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
cargo build --release -q -p wippy-benches --bin lua_workload --bin cross_core
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release"
probe() { "$bin/cross_core" 3 | sed 's/.*: //'; }
# Milliseconds of one `lua_workload` run.
ms() { "$bin/lua_workload" "$@" | awk '{print $2}'; }
rate() { awk -v n="$1" -v ms="$2" 'BEGIN { printf "%.0f", n / (ms / 1000) }'; }
for round in $(seq 1 "$rounds"); do
  before=$(probe)
  beam=$(bash benches/beam/run.sh 2> /dev/null)
  after=$(probe)
  pick() { echo "$beam" | awk -v k="$1" '$1 == k { print $2 }'; }
  echo "round $round beam: spawn $(pick spawn_exit_per_s) ping $(pick ping_pong_round_trips_per_s)" \
    "echo/1 $(pick echo_round_trips_per_s_1_client) echo/100 $(pick echo_round_trips_per_s_100_clients)" \
    "| cross-core ns before: $before after: $after"
  spawn=$(rate 200000 "$(ms spawn 200000)")
  ping=$(rate 1000000 "$(ms ping 1000000)")
  echo1=$(rate 100000 "$(ms echo 100000 1)")
  echo100=$(rate 200000 "$(ms echo 200000 100)")
  later=$(probe)
  echo "round $round ours: spawn $spawn ping $ping echo/1 $echo1 echo/100 $echo100" \
    "| cross-core ns before: $after after: $later"
done

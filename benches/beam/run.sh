#!/usr/bin/env bash
# BEAM reference figures for the echo-service workloads (spawn+exit, ping-pong, echo).
# Usage: benches/beam/run.sh [path/to/beam_bench.erl]
set -euo pipefail

src="${1:-$(dirname "$0")/../../../shared/anchors/beam_bench.erl}"
if [[ ! -f "$src" ]]; then
    echo "beam_bench.erl not found at: $src" >&2
    exit 1
fi
src="$(cd "$(dirname "$src")" && pwd)/$(basename "$src")"

if ! command -v erl >/dev/null 2>&1 || ! command -v erlc >/dev/null 2>&1; then
    if [[ "$(id -u)" -eq 0 ]]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update
    $sudo apt-get install -y erlang-base
fi

build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT

erlc -o "$build" "$src"
erl -noshell -pa "$build" -s beam_bench main -s init stop

#!/usr/bin/env bash
# Release build of `wippy` and of the Lua measurement binaries (`lua_workload`,
# `lua_memory`) whose C code (the vendored Lua, mimalloc) is compiled with GCC's
# profile-guided optimisation, trained on the echo workloads.
#
#   tools/pgo/build.sh            -> target/pgo/release/{wippy,lua_workload,lua_memory}
#
# Two builds: the first instruments the C objects (-fprofile-generate) and runs
# `lua_workload` (spawn + exit, ping-pong, echo with 1 and 100 clients, on 1 and 2
# workers); the second compiles them again with the profile (-fprofile-use). The Rust
# code is compiled as in any release build. Needs GCC (the vendored Lua is built with
# the system's C compiler; a compiler without these flags fails the first build).
#
# The C objects must be at the same paths in both builds for GCC to find their
# profiles, so both builds use the same RUSTFLAGS (`-lgcov` linked in both; unused by
# the second) and the same package set, and the C crates are rebuilt in place (the
# `cc` crate's build scripts do not rerun when only HOST_CFLAGS changes).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/pgo}"
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-lgcov"
profile_dir="$CARGO_TARGET_DIR/gcc-profile"
# The flags every build of this repository gives the C compiler (.cargo/config.toml).
base_cflags="$(sed -n 's/^HOST_CFLAGS = "\(.*\)"$/\1/p' .cargo/config.toml)"
if [[ -z "$base_cflags" ]]; then
    echo "tools/pgo/build.sh: no HOST_CFLAGS line in .cargo/config.toml" >&2
    exit 1
fi

build() {
    cargo clean --release -p mlua-sys -p libmimalloc-sys
    HOST_CFLAGS="$base_cflags $1" TARGET_CFLAGS="$base_cflags $1" \
        cargo build --release -p wippy -p wippy-benches --bin wippy --bin lua_workload --bin lua_memory
}

echo "==> instrumented build" >&2
rm -rf "$profile_dir"
build "-fprofile-generate -fprofile-update=atomic -fprofile-dir=$profile_dir"

echo "==> training run" >&2
workload="$CARGO_TARGET_DIR/release/lua_workload"
for workers in 1 2; do
    export WIPPY_BENCH_WORKERS=$workers
    "$workload" spawn 100000
    "$workload" ping 300000
    "$workload" echo 100000 1
    "$workload" echo 100000 100
done
unset WIPPY_BENCH_WORKERS
profiles=$(find "$profile_dir" -name '*.gcda' | wc -l)
if [[ "$profiles" -eq 0 ]]; then
    echo "tools/pgo/build.sh: the training run wrote no profile under $profile_dir" >&2
    exit 1
fi
echo "$profiles profiles written" >&2

echo "==> optimised build" >&2
# -Werror=missing-profile: an object that finds no profile is a broken setup, not a
# silent plain build (-fprofile-partial-training keeps code the training never ran
# optimised as usual).
build "-fprofile-use -fprofile-dir=$profile_dir -fprofile-partial-training -Werror=missing-profile"
echo "built: $CARGO_TARGET_DIR/release/{wippy,lua_workload,lua_memory}" >&2

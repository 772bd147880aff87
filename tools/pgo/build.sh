#!/usr/bin/env bash
# Release build of `wippy` and of the Lua measurement binaries (`lua_workload`,
# `lua_memory`) compiled with profile-guided optimisation, trained on the echo
# workloads: the Rust code with LLVM's (rustc's -Cprofile-generate/-Cprofile-use), the
# C code (the vendored Lua, mimalloc) with GCC's.
#
#   tools/pgo/build.sh            -> target/pgo/release/{wippy,lua_workload,lua_memory}
#   WIPPY_PGO_RUST=0 tools/pgo/build.sh   -> the same with only the C code profiled
#
# Two builds: the first instruments the code (-fprofile-generate, -Cprofile-generate)
# and runs `lua_workload` (spawn + exit, ping-pong, echo with 1 and 100 clients, on 1
# and 2 workers); the second compiles it again with the profiles. Needs GCC (the
# vendored Lua is built with the system's C compiler; a compiler without these flags
# fails the first build) and rustup's `llvm-tools` component for `llvm-profdata` (added
# here when missing).
#
# Why: the echo round trip runs about 50 k instructions of straight-line code (each
# step of each process once), and its code does not stay in the 32 KB instruction
# cache (callgrind's cache model: about 2 k instruction-cache misses per round trip). A
# profile lets the compilers lay the hot paths out together and move the cold ones
# (errors, first use) away.
#
# The C objects must be at the same paths in both builds for GCC to find their
# profiles, so both builds use the same RUSTFLAGS (`-lgcov` linked in both; unused by
# the second) and the same package set, the Rust profile flags go through a
# RUSTC_WRAPPER (tools/pgo/rustc-wrapper.sh says why), and the crates are rebuilt in
# place (the `cc` crate's build scripts do not rerun when only HOST_CFLAGS changes).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/pgo}"
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-lgcov"
profile_dir="$CARGO_TARGET_DIR/gcc-profile"
rust_profile_dir="$CARGO_TARGET_DIR/rust-profile"
rust_pgo="${WIPPY_PGO_RUST:-1}"
if [[ "$rust_pgo" == 1 ]]; then
    host="$(rustc -vV | sed -n 's/^host: //p')"
    profdata="$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata"
    if [[ ! -x "$profdata" ]]; then
        rustup component add llvm-tools
    fi
fi
# The flags every build of this repository gives the C compiler (.cargo/config.toml).
base_cflags="$(sed -n 's/^HOST_CFLAGS = "\(.*\)"$/\1/p' .cargo/config.toml)"
if [[ -z "$base_cflags" ]]; then
    echo "tools/pgo/build.sh: no HOST_CFLAGS line in .cargo/config.toml" >&2
    exit 1
fi

# build CFLAGS RUSTC-FLAGS: a clean build (the Rust flags go through the wrapper, which
# cargo does not fingerprint, so every crate must be rebuilt).
build() {
    if [[ "$rust_pgo" == 1 ]]; then
        cargo clean --release
    else
        cargo clean --release -p mlua-sys -p libmimalloc-sys
    fi
    HOST_CFLAGS="$base_cflags $1" TARGET_CFLAGS="$base_cflags $1" WIPPY_PGO_RUSTC_FLAGS="$2" \
        RUSTC_WRAPPER="$root/tools/pgo/rustc-wrapper.sh" cargo build --release -p wippy -p wippy-benches --bin wippy --bin lua_workload --bin lua_memory
}

echo "==> instrumented build" >&2
rm -rf "$profile_dir" "$rust_profile_dir"
rust_generate=""
if [[ "$rust_pgo" == 1 ]]; then
    rust_generate="-Cprofile-generate=$rust_profile_dir"
fi
build "-fprofile-generate -fprofile-update=atomic -fprofile-dir=$profile_dir" "$rust_generate"

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
rust_use=""
if [[ "$rust_pgo" == 1 ]]; then
    "$profdata" merge -o "$rust_profile_dir/merged.profdata" "$rust_profile_dir"
    rust_use="-Cprofile-use=$rust_profile_dir/merged.profdata"
fi

echo "==> optimised build" >&2
# -Werror=missing-profile: an object that finds no profile is a broken setup, not a
# silent plain build (-fprofile-partial-training keeps code the training never ran
# optimised as usual).
build "-fprofile-use -fprofile-dir=$profile_dir -fprofile-partial-training -Werror=missing-profile" "$rust_use"
echo "built: $CARGO_TARGET_DIR/release/{wippy,lua_workload,lua_memory}" >&2

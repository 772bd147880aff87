#!/usr/bin/env bash
# RUSTC_WRAPPER for tools/pgo/build.sh: runs rustc with $WIPPY_PGO_RUSTC_FLAGS added
# (-Cprofile-generate=... or -Cprofile-use=...), except for build scripts, which run at
# build time and are not part of the binaries.
#
# Why a wrapper and not RUSTFLAGS: cargo hashes RUSTFLAGS into the names of the build
# scripts' output directories, where the `cc` crate compiles the vendored Lua and
# mimalloc. GCC finds an object's profile by that object's path, so the instrumented
# build and the optimised one must put the C objects at the same paths, which means
# the same RUSTFLAGS. The flags a wrapper adds are not hashed (nor fingerprinted:
# build.sh cleans before each build).
rustc="$1"
shift
case " $* " in
    *" --crate-name build_script_"*) exec "$rustc" "$@" ;;
esac
# Word splitting of the flags is intended (each is one rustc argument without spaces).
# shellcheck disable=SC2086
exec "$rustc" "$@" ${WIPPY_PGO_RUSTC_FLAGS:-}

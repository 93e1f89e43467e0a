#!/usr/bin/env bash
# Configures and builds factoryguard (CLI, clang-tidy plugin, tests) in
# build/ with CMake and Ninja. Run ci/install.sh first (ci/test.sh and
# ci/example.sh do).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FACTORYGUARD_BUILD_DIR:-$root/build}
jobs=${FACTORYGUARD_JOBS:-$(nproc)}
# ccache, when the machine has it, makes rebuilds and fresh clones cheap; the
# build does not need it.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Paths relative to the checkout in the hash: a fresh clone elsewhere
  # reuses what an earlier clone compiled.
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
cmake --build "$build" -j "$jobs"

#!/usr/bin/env bash
# Configures and builds factoryguard (CLI, clang-tidy plugin, tests) in
# build/ with CMake and Ninja. Run ci/install.sh first (ci/test.sh and
# ci/example.sh do).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FACTORYGUARD_BUILD_DIR:-$root/build}
jobs=${FACTORYGUARD_JOBS:-$(nproc)}
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs"

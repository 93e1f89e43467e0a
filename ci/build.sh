#!/usr/bin/env bash
# ci/build.sh [--tool-only] — configures and builds factoryguard in build/
# with CMake and Ninja: the CLI, the clang-tidy plugin and the tests, or with
# --tool-only the CLI alone (no GoogleTest needed; ci/example.sh). Run
# ci/install.sh first (ci/test.sh and ci/example.sh do).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
testing=ON
target=()
case "${1:-}" in
  --tool-only) testing=OFF; target=(--target factoryguard) ;;
  "") ;;
  *) echo "ci/build.sh: unknown option '$1' (usage: ci/build.sh [--tool-only])" >&2; exit 2 ;;
esac
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
# The full build always asks for the tests: a build directory the example
# configured without them gets them back. --tool-only leaves a directory that
# has them as it is (it builds the CLI target alone anyway).
testing_arg=(-DBUILD_TESTING="$testing")
if [ "$testing" = OFF ] && grep -q '^BUILD_TESTING:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  testing_arg=()
fi
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "${testing_arg[@]}" "${launcher[@]}" >/dev/null
cmake --build "$build" -j "$jobs" "${target[@]}"

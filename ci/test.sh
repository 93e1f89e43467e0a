#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine and runs the whole test
# suite (GoogleTest through CTest): the rules on their testdata through the
# real CLI, the clang-tidy plugin in the real clang-tidy-19, SARIF through the
# real validators, the pre-commit hook through the real pre-commit; then
# ci/lint.sh (clang-format, the layer order and clang-tidy of our own code).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/ci/install.sh"
bash "$root/ci/build.sh"
build=${FACTORYGUARD_BUILD_DIR:-$root/build}
cd "$build"
ctest --output-on-failure -j "${FACTORYGUARD_JOBS:-$(nproc)}" --timeout 900
# Our own code against .clang-format and .clang-tidy (ci/lint.sh; the
# clang-tidy step: ~4.3 min of CPU, ~2.2 min on 2 idle cores).
bash "$root/ci/lint.sh" all

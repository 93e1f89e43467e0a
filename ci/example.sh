#!/usr/bin/env bash
# Sets up on a fresh Debian 12 machine only what the CLI needs (the toolchain
# and libraries, not the test suite's peers: ci/install.sh --tool-only),
# builds the CLI alone (ci/build.sh --tool-only, into build-tool/), makes
# the compile_commands.json of the bundled example project
# (testdata/example, a small chat backend) and prints factoryguard's findings
# on it. Extra arguments go to factoryguard (e.g. --format sarif -o x.sarif).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Each step says on standard error how long it took (the README's times).
step() {
  local start=$SECONDS
  "$@" >&2
  echo "ci/example.sh: '$*' took $((SECONDS - start)) s" >&2
}
step bash "$root/ci/install.sh" --tool-only
step bash "$root/ci/build.sh" --tool-only
build=${FACTORYGUARD_BUILD_DIR:-$root/build-tool}
example="$root/testdata/example"
cmake -S "$example" -B "$example/build" -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
cd "$example"
set +e
"$build/tool/factoryguard" -p build "$@"
status=$?
set -e
# 1 means "findings reported", which is what the example is for.
if [ "$status" -eq 0 ] || [ "$status" -eq 1 ]; then exit 0; fi
exit "$status"

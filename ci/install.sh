#!/usr/bin/env bash
# ci/install.sh [--tool-only] — installs what factoryguard needs, on Debian 12.
#
#   (default)    everything to build and test: the toolchain and libraries,
#                the test suite's real peers (clang-tidy-19, pre-commit,
#                Chromium, Bazel, Neovim) and the npm validators (ci/test.sh)
#   --tool-only  only what builds and runs the CLI: the toolchain, the
#                LLVM/Clang 19 dev packages, nlohmann-json and RE2 (ci/example.sh,
#                a quick start in a few minutes instead of about ten)
#
# Idempotent: packages already present are skipped by apt; the npm tools are
# installed into ci/.tools (ignored by git) only when missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tool_only=0
case "${1:-}" in
  --tool-only) tool_only=1 ;;
  "") ;;
  *) echo "ci/install.sh: unknown option '$1' (usage: ci/install.sh [--tool-only])" >&2; exit 2 ;;
esac

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# The CLI: a C++ toolchain, CMake and Ninja, LLVM/Clang 19 (clang-19 also
# gives the example project its compile_commands.json and the analysis its
# built-in headers), nlohmann-json, RE2 (found through pkg-config).
TOOL_PKGS=(
  build-essential cmake ninja-build pkg-config
  clang-19 libclang-19-dev llvm-19-dev
  nlohmann-json3-dev libre2-dev
)
PKGS=(
  "${TOOL_PKGS[@]}" git python3
  clang-tools-19 clang-tidy-19 clang-format-19 clangd-19
  libclang-rt-19-dev
  libgtest-dev ccache
  pre-commit dpkg-dev file jq
  neovim
  chromium
  bazel-bootstrap
)
[ "$tool_only" = 0 ] || PKGS=("${TOOL_PKGS[@]}")
# clangd-19: what ci/bench-lsp measures the language server against.
# jq: the CI templates' annotation step runs it on the reports
# (Workflow.UnitsThatCouldNotBeAnalyzedBecomeAnnotations); GitHub's runners
# have it, a fresh Debian does not.
# chromium: headless, loads the audit report in its tests (tests/AuditTest.cpp).
# bazel-bootstrap: Bazel 4.2 (and a JDK), runs the aspect bazel/factoryguard.bzl
# over testdata/bazel, offline (tests/BazelTest.cpp).
# Node.js and npm: the machine may ship them (from another source than
# Debian); only ask Debian for them when npm is missing.
[ "$tool_only" = 1 ] || command -v npm >/dev/null 2>&1 || PKGS+=(nodejs npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "ci/install.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ "$tool_only" = 1 ]; then echo "ci/install.sh: done (the CLI's packages only)"; exit 0; fi

# SARIF validator and JSON-schema checker, and the GitHub workflow linter,
# from the npm registry, pinned.
tools="$here/.tools"
if [ ! -x "$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ] ||
   [ ! -d "$tools/node_modules/ajv-cli" ] ||
   [ ! -d "$tools/node_modules/@action-validator/cli" ]; then
  mkdir -p "$tools"
  (cd "$tools" && [ -f package.json ] || echo '{"private":true}' > "$tools/package.json")
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error \
      @microsoft/sarif-multitool@5.7.0 ajv-cli@5.0.0 ajv-formats@3.0.1 \
      @action-validator/cli@0.6.0)
fi
echo "ci/install.sh: done"

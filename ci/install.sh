#!/usr/bin/env bash
# Installs everything factoryguard needs to build and test, on Debian 12.
# Idempotent: packages already present are skipped by apt; the npm tools are
# installed into ci/.tools (ignored by git) only when missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PKGS=(
  build-essential cmake ninja-build git python3
  clang-19 clang-tools-19 clang-tidy-19 clang-format-19 libclang-19-dev llvm-19-dev
  libclang-rt-19-dev
  nlohmann-json3-dev libgtest-dev libre2-dev pkg-config ccache
  pre-commit dpkg-dev file
  neovim
  chromium
  bazel-bootstrap
)
# chromium: headless, loads the audit report in its tests (tests/AuditTest.cpp).
# bazel-bootstrap: Bazel 4.2 (and a JDK), runs the aspect bazel/factoryguard.bzl
# over testdata/bazel, offline (tests/BazelTest.cpp).
# Node.js and npm: the machine may ship them (from another source than
# Debian); only ask Debian for them when npm is missing.
command -v npm >/dev/null 2>&1 || PKGS+=(nodejs npm)

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

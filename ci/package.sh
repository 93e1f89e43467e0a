#!/usr/bin/env bash
# Builds the Debian package of factoryguard with CPack and prints its path.
#   FACTORYGUARD_BUILD_DIR    build directory (default build/; configured here
#                             when it is not yet)
#   FACTORYGUARD_PACKAGE_DIR  where the .deb goes (default <build>/packages)
# Builds only what the package holds (target factoryguard-installables), then
# `cpack -G DEB`. Needs dpkg-dev (dpkg-shlibdeps) for the shared-library
# dependencies; without it the Depends field lists the fixed set only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FACTORYGUARD_BUILD_DIR:-$root/build}
out=${FACTORYGUARD_PACKAGE_DIR:-$build/packages}
jobs=${FACTORYGUARD_JOBS:-$(nproc)}

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target factoryguard-installables -j "$jobs" >&2
mkdir -p "$out"
(cd "$build" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out") >&2
rm -rf "$out/_CPack_Packages"
deb=$(ls -t "$out"/factoryguard_*.deb | head -n 1)
echo "$deb"

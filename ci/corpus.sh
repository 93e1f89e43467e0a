#!/usr/bin/env bash
# ci/corpus.sh — real third-party C++ code from Debian source packages, with a
# compile_commands.json each: what ci/bench times, ci/precision judges and
# ci/sanitize runs the sanitizer build over.
#
#   ci/corpus.sh NAME...     prepare these corpora; print one line per corpus:
#                            NAME<TAB>SOURCE-DIR<TAB>BUILD-DIR (holds
#                            compile_commands.json); progress goes to stderr
#   ci/corpus.sh --list      the known corpora
#
# Steps (each idempotent; everything lands in ci/.corpus/, which git ignores):
#   1. deb-src:    add a deb-src twin of the machine's Debian apt source
#                  (/etc/apt/sources.list.d/factoryguard-bench-src.sources)
#   2. sources:    apt-get source <package> into ci/.corpus/src/
#   3. build-deps: the few Debian packages the corpus's CMake needs
#   4. configure:  cmake -G Ninja (or meson setup, for a package Debian builds
#                  with meson) with clang++-19 -> compile_commands.json
#                  (configure only: nothing is compiled)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache="$here/.corpus"

fail() { echo "ci/corpus.sh: $*" >&2; exit 1; }
log() { echo "ci/corpus.sh: $*" >&2; }

# ---------------------------------------------------------------- corpora
# name | Debian source package | build deps (Debian) | CMake (or meson) options
ALL_CORPORA=(leveldb leveldb-tests spdlog fmtlib cpprestsdk civetweb cpp-httplib)
declare -A PKG=([leveldb]=leveldb [leveldb-tests]=leveldb [spdlog]=spdlog [fmtlib]=fmtlib
                [cpprestsdk]=cpprest [civetweb]=civetweb [cpp-httplib]=cpp-httplib)
# build system when it is not CMake
declare -A BUILDSYS=([cpp-httplib]=meson)
# sources the package's build system does not compile but its own Makefiles
# do, added to the database with the flags of a file it does compile
# (NEW=LIKE, paths relative to the source root)
declare -A EXTRA_TUS=(
  # the upstream example of a CivetServer application (its Makefile builds it
  # against include/ like the wrapper): the handler code a team writes
  [civetweb]="examples/embedded_cpp/embedded_cpp.cpp=src/CivetServer.cpp"
)
declare -A DEPS=(
  [leveldb]=""
  # Debian's leveldb patches its tests to the packaged googletest/benchmark
  [leveldb-tests]="libgtest-dev libgmock-dev libbenchmark-dev"
  [spdlog]="libfmt-dev catch2"
  [fmtlib]="googletest libgtest-dev libgmock-dev"
  # what Release/CMakeLists.txt finds: Boost (with Boost.Asio), OpenSSL, zlib,
  # websocketpp (Brotli is off by default)
  [cpprestsdk]="libboost-atomic-dev libboost-chrono-dev libboost-filesystem-dev libboost-random-dev libboost-regex-dev libboost-system-dev libboost-thread-dev libssl-dev libwebsocketpp-dev zlib1g-dev pkg-config"
  # SSL and the C++ wrapper: OpenSSL headers only
  [civetweb]="libssl-dev"
  # meson, and what test/meson.build needs: googletest, openssl (the command,
  # used only by build-time certificate targets, which are not run), zlib
  [cpp-httplib]="meson pkg-config libgtest-dev libssl-dev openssl zlib1g-dev"
)
declare -A CMAKE_OPTS=(
  # the library, its C API and leveldbutil: 39 TUs
  [leveldb]="-DLEVELDB_BUILD_TESTS=OFF -DLEVELDB_BUILD_BENCHMARKS=OFF -DLEVELDB_INSTALL=OFF"
  # with its tests and benchmarks: 106 commands, util/testutil.cc under 32 of
  # them (one file, many commands: what real databases look like)
  [leveldb-tests]="-DLEVELDB_BUILD_TESTS=ON -DLEVELDB_BUILD_BENCHMARKS=ON -DLEVELDB_INSTALL=OFF"
  # the library alone is 6 TUs; the tests and the example are the code that
  # calls spdlog's logger factories, so they are kept (28 TUs)
  [spdlog]="-DSPDLOG_BUILD_TESTS=ON -DSPDLOG_BUILD_EXAMPLE=ON -DSPDLOG_FMT_EXTERNAL=ON -DSPDLOG_INSTALL=OFF -DSPDLOG_BUILD_BENCH=OFF"
  # the library is 2 TUs; the tests (Debian patches them to the system
  # googletest) are the template-heavy part (26 TUs in fmt's own tree)
  [fmtlib]="-DFMT_TEST=ON -DFMT_DOC=OFF -DFMT_INSTALL=OFF -DFMT_FUZZ=OFF"
  # the library (http_listener's server side in http_server_asio.cpp), its
  # tests (hundreds of http_listener handlers: what a team's code looks like)
  # and the samples (BlackJack is an http_listener server); WERROR off, as
  # Debian builds it
  # Boost 1.74's MPL casts -1 to enums, which clang 16+ rejects in constant
  # expressions unless -Wno-enum-constexpr-conversion (http_client_asio.cpp)
  [cpprestsdk]="-DBUILD_TESTS=ON -DBUILD_SAMPLES=ON -DWERROR=OFF -DCPPREST_INSTALL=OFF -DCMAKE_CXX_FLAGS=-Wno-enum-constexpr-conversion"
  # the C server with the C++ wrapper (CivetServer.cpp: CivetHandler,
  # CivetWebSocketHandler) and websockets; upstream's tests fetch a test
  # framework at configure time, so they are off
  [civetweb]="-DCIVETWEB_ENABLE_CXX=ON -DCIVETWEB_ENABLE_WEBSOCKETS=ON -DCIVETWEB_BUILD_TESTING=OFF -DCIVETWEB_ENABLE_SERVER_EXECUTABLE=ON"
  # cpp-httplib's CMake build installs the header and nothing else; Debian
  # builds it with meson, whose tests (test/test.cc: hundreds of Server
  # handlers) are the handler code
  [cpp-httplib]="-Dcpp-httplib_test=true -Dcpp-httplib_compile=false"
)

corpora=()
for a in "$@"; do
  case "$a" in
    --list) printf '%s\n' "${ALL_CORPORA[@]}"; exit 0 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) fail "unknown option '$a' (see --help)" ;;
    *) [ -n "${PKG[$a]+x}" ] || fail "unknown corpus '$a' (known: ${ALL_CORPORA[*]})"
       corpora+=("$a") ;;
  esac
done
[ ${#corpora[@]} -gt 0 ] || fail "name at least one corpus (known: ${ALL_CORPORA[*]})"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
for t in clang++-19 clang-19 cmake ninja dpkg-source; do
  command -v "$t" >/dev/null 2>&1 || fail "missing $t: run ci/install.sh first"
done

apt_updated=0
apt_update() {
  if [ $apt_updated -eq 0 ]; then
    $SUDO apt-get update -qq || fail "apt-get update"
    apt_updated=1
  fi
}

mkdir -p "$cache/src" "$cache/build"

srcdir_of() { # the unpacked source dir of a package, recorded by a fetch
  local stamp="$cache/src/$1.dir"
  [ -f "$stamp" ] || return 1
  local d; d=$(cat "$stamp")
  [ -d "$cache/src/$d" ] || return 1
  echo "$cache/src/$d"
}

ensure_deb_src() {
  local out=/etc/apt/sources.list.d/factoryguard-bench-src.sources
  local base=/etc/apt/sources.list.d/debian.sources
  local want
  if [ -f "$base" ]; then
    if grep -qiE '^Types:.*deb-src' "$base"; then
      log "$base already has deb-src"; return 0
    fi
    # Copy every stanza, Types: deb -> Types: deb-src.
    want=$(printf '# Written by factoryguard ci/corpus.sh from %s: source packages.\n' "$base";
           sed -E 's/^Types:.*/Types: deb-src/I' "$base")
  elif [ -f /etc/apt/sources.list ]; then
    out=/etc/apt/sources.list.d/factoryguard-bench-src.list
    if grep -qE '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list; then
      log "/etc/apt/sources.list already has deb-src"; return 0
    fi
    want=$(printf '# Written by factoryguard ci/corpus.sh from /etc/apt/sources.list.\n';
           sed -nE 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list)
  else
    fail "no apt source found ($base nor /etc/apt/sources.list)"
  fi
  if [ -f "$out" ] && [ "$(cat "$out")" = "$want" ]; then
    log "$out is up to date"
  else
    printf '%s\n' "$want" | $SUDO tee "$out" >/dev/null
    log "wrote $out"
    apt_updated=0
  fi
}

# ---------------------------------------------------------------- sources
missing_pkgs=()
for c in "${corpora[@]}"; do
  p=${PKG[$c]}
  srcdir_of "$p" >/dev/null && continue
  case " ${missing_pkgs[*]} " in *" $p "*) ;; *) missing_pkgs+=("$p") ;; esac
done
if [ ${#missing_pkgs[@]} -gt 0 ]; then
  ensure_deb_src
  apt_update
fi
for p in "${missing_pkgs[@]}"; do
  log "apt-get source $p"
  (
    cd "$cache/src"
    # a half-unpacked earlier attempt would make dpkg-source refuse
    for d in "$p"-[0-9]*/; do [ -d "$d" ] && rm -rf "$d"; done
    apt-get source -qq "$p" > "$cache/src/$p.fetch.log" 2>&1
  ) || { tail -20 "$cache/src/$p.fetch.log" >&2; fail "apt-get source $p (log: $cache/src/$p.fetch.log)"; }
  d=""
  for x in "$cache/src/$p"-[0-9]*/; do [ -d "$x" ] && d=$(basename "$x") && break; done
  [ -n "$d" ] || fail "apt-get source $p left no $p-<version>/ directory"
  echo "${d%/}" > "$cache/src/$p.dir"
done

# ---------------------------------------------------------------- build deps
want_pkgs=()
for c in "${corpora[@]}"; do
  for p in ${DEPS[$c]}; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || want_pkgs+=("$p")
  done
done
if [ ${#want_pkgs[@]} -gt 0 ]; then
  log "installing ${want_pkgs[*]}"
  apt_update
  $SUDO apt-get install -y -qq --no-install-recommends "${want_pkgs[@]}" >/dev/null ||
    fail "apt-get install ${want_pkgs[*]}"
fi

# ---------------------------------------------------------------- configure
for c in "${corpora[@]}"; do
  src=$(srcdir_of "${PKG[$c]}")
  bld="$cache/build/$c"
  read -r -a opts <<< "${CMAKE_OPTS[$c]}"
  sys=${BUILDSYS[$c]:-cmake}
  if [ "$sys" = meson ]; then
    args=(setup "$bld" "$src" --buildtype=release "${opts[@]}")
  else
    args=(-G Ninja -S "$src" -B "$bld"
          -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19
          -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DCMAKE_BUILD_TYPE=Release
          "${opts[@]}")
  fi
  stamp="$bld/.factoryguard-corpus-configure"
  if ! { [ -f "$bld/compile_commands.json" ] && [ -f "$stamp" ] &&
         [ "$(cat "$stamp")" = "${args[*]}" ]; }; then
    mkdir -p "$bld"
    if [ "$sys" = meson ]; then
      command -v meson >/dev/null 2>&1 || fail "missing meson for $c"
      # meson refuses to set up a directory it did not make or half made
      rm -rf "$bld"
      CC=clang-19 CXX=clang++-19 meson "${args[@]}" > "$cache/build/$c.configure.log" 2>&1 || {
        tail -30 "$cache/build/$c.configure.log" >&2
        fail "meson setup for $c (log: $cache/build/$c.configure.log)"; }
    elif ! cmake "${args[@]}" > "$cache/build/$c.configure.log" 2>&1; then
      tail -30 "$cache/build/$c.configure.log" >&2
      fail "cmake for $c (log: $cache/build/$c.configure.log)"
    fi
    [ -f "$bld/compile_commands.json" ] || fail "$sys for $c wrote no compile_commands.json"
    printf '%s' "${args[*]}" > "$stamp"
    log "configured $c in $bld"
  fi
  for e in ${EXTRA_TUS[$c]:-}; do
    python3 - "$bld/compile_commands.json" "$src" "${e%%=*}" "${e#*=}" <<'PY' ||
import json, os, sys
db_path, src, new, like = sys.argv[1:]
db = json.load(open(db_path))
absnew, abslike = os.path.join(src, new), os.path.join(src, like)
def path(e):
    return os.path.normpath(os.path.join(e["directory"], e["file"]))
if any(path(e) == absnew for e in db):
    sys.exit(0)
tmpl = [e for e in db if path(e) == abslike]
if not tmpl:
    sys.exit("no entry for %s to copy" % like)
e = dict(tmpl[0])
obj = os.path.basename(new) + ".o"
if "command" in e:
    e["command"] = e["command"].replace(abslike, absnew).replace(
        os.path.basename(like) + ".o", obj)
if "arguments" in e:
    e["arguments"] = [a.replace(abslike, absnew) for a in e["arguments"]]
e["file"] = absnew
e.pop("output", None)
db.append(e)
json.dump(db, open(db_path, "w"), indent=2)
PY
      fail "adding $e to the database of $c"
  done
  printf '%s\t%s\t%s\n' "$c" "$src" "$bld"
done

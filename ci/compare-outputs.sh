#!/usr/bin/env bash
# Compares everything factoryguard prints or writes against a reference
# binary, byte for byte: the proof that a refactoring changed no behaviour
# (issue 25: "the outputs are byte-identical before and after").
#
# The reference is --reference BIN, or else factoryguard built from a git
# revision (--rev, default: the merge base of HEAD with main) in a build tree
# of its own (build-reference/, or FACTORYGUARD_REFERENCE_DIR; ccache makes
# a rebuild cheap). The candidate is build/tool/factoryguard (or
# --candidate BIN). Both run on the same copies of testdata/example
# (configured by CMake, as ci/example.sh does) and of each multi-unit
# testdata project (multi-tu, whole-program, factory-setup, with a
# compile_commands.json as the tests write it), from the same path, so
# absolute paths in the outputs are the same. Per project:
#   text, sarif, --export-fixes   the CLI's report in each form (and stderr)
#   shard-1..3, merge-text/sarif  --shard i/3 --format shard, then merge
#   audit                         the audit's JSON and HTML
#   explain-config                --explain-config of one file
#   cache-cold, cache-warm        a fresh --cache-dir, then a run from it
#   cache-entries                 (--cache-stats), and the entries written
#                                 (bodies; seal and key masked: they hash
#                                 the binary and a random secret)
#   lsp                           `factoryguard lsp`: the initialize result
#                                 and publishDiagnostics of one file
#                                 (ci/lsp_publish.py, over pipes)
# and, once: --help, --version, --list-rules, --explain of every rule, the
# help of every subcommand and a usage error of each. Every command's
# standard output, standard error, exit status and written files are
# compared; every run uses --no-cache or a fresh cache directory, so the two
# binaries share no state.
#
# Prints one line per command ("same" or "DIFFERS"), a diff for each
# difference, and exits 1 if there was any (2 on a usage or setup error).
#
# Usage: ci/compare-outputs.sh [--reference BIN | --rev REV] [--candidate BIN]
#                              [--keep]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FACTORYGUARD_BUILD_DIR:-$root/build}
candidate=$build/tool/factoryguard
reference=
rev=
keep=0

usage() { sed -n '/^# Usage:/,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --reference) reference=$(realpath "$2"); shift 2 ;;
    --rev) rev=$2; shift 2 ;;
    --candidate) candidate=$(realpath "$2"); shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "ci/compare-outputs.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if [ -n "$reference" ] && [ -n "$rev" ]; then
  echo "ci/compare-outputs.sh: --reference and --rev exclude each other" >&2
  exit 2
fi
[ -x "$candidate" ] || { echo "ci/compare-outputs.sh: no candidate binary $candidate (run ci/build.sh)" >&2; exit 2; }

#===- The reference binary ------------------------------------------------===#
if [ -z "$reference" ]; then
  rev=${rev:-$(git -C "$root" merge-base HEAD main)}
  commit=$(git -C "$root" rev-parse --verify "$rev^{commit}")
  refdir=${FACTORYGUARD_REFERENCE_DIR:-$root/build-reference}
  mkdir -p "$refdir"
  refdir=$(cd "$refdir" && pwd)
  if [ "$(cat "$refdir/commit" 2>/dev/null)" != "$commit" ]; then
    rm -rf "$refdir/src" "$refdir/commit"
    mkdir -p "$refdir/src"
    git -C "$root" archive "$commit" | tar -x -C "$refdir/src"
    echo "$commit" >"$refdir/commit"
  fi
  echo "reference: factoryguard at $(git -C "$root" log -1 --format='%h %s' "$commit")" >&2
  launcher=()
  if command -v ccache >/dev/null 2>&1; then
    # The same layout as a checkout (src/build beside src/matchers), so
    # ccache finds what the checkout's own build compiled.
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    export CCACHE_BASEDIR="$refdir/src" CCACHE_NOHASHDIR=1
  fi
  cmake -S "$refdir/src" -B "$refdir/src/build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF "${launcher[@]}" >/dev/null
  cmake --build "$refdir/src/build" --target factoryguard -j "${FACTORYGUARD_JOBS:-$(nproc)}" >&2
  reference=$refdir/src/build/tool/factoryguard
fi
[ -x "$reference" ] || { echo "ci/compare-outputs.sh: no reference binary $reference" >&2; exit 2; }
echo "reference: $reference" >&2
echo "candidate: $candidate" >&2

#===- The projects, one copy each, shared by both binaries ----------------===#
work=$(mktemp -d "${TMPDIR:-/tmp}/fg-compare.XXXXXX")
cleanup() { if [ "$keep" = 1 ]; then echo "kept: $work" >&2; else rm -rf "$work"; fi; }
trap cleanup EXIT
mkdir -p "$work/bin" "$work/projects" "$work/scratch" "$work/shards"

flags="-std=c++17 -I$root/testdata/include -I$root/include"
database() { # dir unit...
  local dir=$1 sep="" u
  shift
  mkdir -p "$dir/build"
  {
    echo "["
    for u in "$@"; do
      printf '%s  {"directory": "%s", "command": "/usr/bin/clang++-19 %s -c %s -o %s.o", "file": "%s"}' \
        "$sep" "$dir" "$flags" "$u" "$u" "$u"
      sep=$',\n'
    done
    printf '\n]\n'
  } >"$dir/build/compile_commands.json"
}

# project name, then the file whose configuration and diagnostics are shown.
projects=(example:src/handlers.cpp multi-tu:agents.cpp whole-program:helpers.cpp
          factory-setup:bridges.cpp)
cp -r "$root/testdata/example" "$work/projects/example"
rm -rf "$work/projects/example/build"
cmake -S "$work/projects/example" -B "$work/projects/example/build" \
  -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
for p in multi-tu whole-program factory-setup; do
  cp -r "$root/testdata/$p" "$work/projects/$p"
done
database "$work/projects/multi-tu" main.cpp startup.cpp agents.cpp preloader.cpp globals.cpp broken.cpp
database "$work/projects/whole-program" boot.cpp handlers.cpp helpers.cpp main_a.cpp main_b.cpp tool_a.cpp tool_b.cpp
database "$work/projects/factory-setup" boot.cpp bridges.cpp handlers.cpp

#===- Running one binary --------------------------------------------------===#
# Both binaries run as $work/bin/factoryguard (a symbolic link to a copy of
# one, then of the other: a rebuild during the run changes neither), so a
# message naming the program is the same.
cp "$reference" "$work/reference.bin"
cp "$candidate" "$work/candidate.bin"
fg=$work/bin/factoryguard
scratch=$work/scratch
commands=() # "area name", in the order they ran

# run WHICH AREA NAME DIR COMMAND...: stdout, stderr and exit status of the
# command run in DIR, and every file it wrote to $scratch, into
# $work/WHICH/AREA/NAME.*
run() {
  local which=$1 area=$2 name=$3 dir=$4 f
  shift 4
  local d=$work/$which/$area
  mkdir -p "$d"
  set +e
  (cd "$dir" && "$@") >"$d/$name.stdout" 2>"$d/$name.stderr"
  echo $? >"$d/$name.status"
  set -e
  for f in "$scratch"/*; do
    [ -e "$f" ] && mv "$f" "$d/$name.file.$(basename "$f")"
  done
  [ "$which" = reference ] && commands+=("$area $name")
  return 0
}

# The cache a run left: each entry's body (its seal, made with the
# directory's random hmac-key, and its key, a hash of the binary's bytes
# among others, are the same only for the same binary and directory, so
# they are masked), sorted; the other files by name and content, but for
# the random hmac-key.
cache_listing() {
  (cd "$1" && find . -type f ! -name '*.fgc' ! -name hmac-key | LC_ALL=C sort |
     while read -r f; do echo "$f $(sha256sum <"$f" | cut -d' ' -f1)"; done
   for f in *.fgc; do
     sed -E 's/^\{"mac":"[0-9a-f]+",/{/; s/"key":"[0-9a-f]+"/"key":"(masked)"/' "$f"
     echo
   done | LC_ALL=C sort)
}

run_all() {
  local which=$1 spec p file dir i rule
  ln -sfn "$2" "$fg"
  echo "running the $which binary" >&2
  for spec in "${projects[@]}"; do
    p=${spec%%:*}
    file=${spec#*:}
    dir=$work/projects/$p
    echo "  $p" >&2
    run "$which" "$p" text "$dir" "$fg" -p build --no-cache
    run "$which" "$p" sarif "$dir" "$fg" -p build --no-cache --format sarif -o "$scratch/report.sarif"
    run "$which" "$p" export-fixes "$dir" "$fg" -p build --no-cache --export-fixes "$scratch/fixes.yaml"
    rm -rf "$work/shards"/*
    for i in 1 2 3; do
      run "$which" "$p" "shard-$i" "$dir" "$fg" -p build --no-cache --source-root "$dir" \
        --shard "$i/3" --format shard -o "$scratch/shard.json"
      cp "$work/$which/$p/shard-$i.file.shard.json" "$work/shards/shard-$i.json" 2>/dev/null || true
    done
    run "$which" "$p" merge-text "$dir" "$fg" merge --source-root "$dir" \
      "$work/shards/shard-1.json" "$work/shards/shard-2.json" "$work/shards/shard-3.json"
    run "$which" "$p" merge-sarif "$dir" "$fg" merge --source-root "$dir" --format sarif \
      -o "$scratch/merged.sarif" "$work/shards/shard-1.json" "$work/shards/shard-2.json" \
      "$work/shards/shard-3.json"
    run "$which" "$p" audit "$dir" "$fg" audit -p build --no-cache --source-root "$dir" \
      --json "$scratch/audit.json" -o "$scratch/audit.html"
    run "$which" "$p" explain-config "$dir" "$fg" -p build --no-cache --explain-config "$file"
    rm -rf "$work/cache"
    run "$which" "$p" cache-cold "$dir" "$fg" -p build --cache-dir "$work/cache" --cache-stats
    run "$which" "$p" cache-warm "$dir" "$fg" -p build --cache-dir "$work/cache" --cache-stats
    run "$which" "$p" cache-entries "$dir" cache_listing "$work/cache"
    rm -rf "$work/cache"
    run "$which" "$p" lsp "$dir" python3 "$root/ci/lsp_publish.py" "$fg" "$file" \
      -p build --no-cache
  done
  echo "  command line" >&2
  dir=$work/projects/example
  run "$which" cli help "$dir" "$fg" --help
  run "$which" cli version "$dir" "$fg" --version
  run "$which" cli list-rules "$dir" "$fg" --list-rules
  for rule in "$root"/docs/rules/*.md; do
    rule=$(basename "$rule" .md)
    run "$which" cli "explain-$rule" "$dir" "$fg" --explain "$rule"
  done
  run "$which" cli explain-unknown "$dir" "$fg" --explain no-such-rule
  run "$which" cli unknown-option "$dir" "$fg" --no-such-option
  run "$which" cli bad-format "$dir" "$fg" -p build --format xml
  for sub in lsp audit merge; do
    run "$which" cli "$sub-help" "$dir" "$fg" "$sub" --help
    run "$which" cli "$sub-unknown-option" "$dir" "$fg" "$sub" --no-such-option
  done
  run "$which" cli merge-nothing "$dir" "$fg" merge
}

run_all reference "$work/reference.bin"
run_all candidate "$work/candidate.bin"

#===- Comparing -----------------------------------------------------------===#
differ=0
for c in "${commands[@]}"; do
  area=${c%% *}
  name=${c#* }
  bad=()
  for f in "$work/reference/$area/$name".* "$work/candidate/$area/$name".*; do
    part=${f##*/"$name".}
    [[ " ${bad[*]} " == *" $part "* ]] && continue
    if ! cmp -s "$work/reference/$area/$name.$part" "$work/candidate/$area/$name.$part"; then
      bad+=("$part")
    fi
  done
  status=$(cat "$work/reference/$area/$name.status")
  if [ "${#bad[@]}" -eq 0 ]; then
    printf 'same     %-14s %-28s exit %s\n' "$area" "$name" "$status"
  else
    differ=1
    printf 'DIFFERS  %-14s %-28s in %s\n' "$area" "$name" "${bad[*]}"
    for part in "${bad[@]}"; do
      diff -u --label "reference/$area/$name.$part" --label "candidate/$area/$name.$part" \
        "$work/reference/$area/$name.$part" "$work/candidate/$area/$name.$part" 2>&1 | head -60 || true
    done
  fi
done
if [ "$differ" = 1 ]; then
  echo "ci/compare-outputs.sh: the outputs differ (see above)" >&2
  exit 1
fi
echo "ci/compare-outputs.sh: ${#commands[@]} commands, all outputs byte-identical" >&2

#!/usr/bin/env bash
# testdata/precision/repro/check.sh — run factoryguard on each reproduction of
# a false positive found by ci/precision (docs/precision.md) and say whether
# it still reproduces.
#
#   testdata/precision/repro/check.sh [--factoryguard PATH] [FILE.cpp...]
#
# Each FILE.cpp carries its configuration as comment lines "// | <yaml>"
# after "// .factoryguard.yaml:", and marks each line that today's binary
# reports although SPEC says it should not with a trailing
# "// FP [<rule>]" ("// DEBATABLE [<rule>]" for a case the lead has to
# decide, which is listed, not counted). A file reproduces when every marked line is reported;
# it is fixed when none is. Exit status: 0 when every file compiles with
# clang++-19 -fsyntax-only; 1 otherwise. (Whether a file reproduces is
# reported, not judged: the FPs are meant to go away.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
fg="$root/build/tool/factoryguard"
files=()
while [ $# -gt 0 ]; do
  case "$1" in
    --factoryguard) fg="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) files+=("$1") ;;
  esac
  shift
done
[ ${#files[@]} -gt 0 ] || files=("$here"/*.cpp)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0
for f in "${files[@]}"; do
  name=$(basename "$f")
  if ! clang++-19 -std=c++17 -fsyntax-only "$f" 2> "$tmp/cc.err"; then
    echo "$name: does not compile:"; cat "$tmp/cc.err"; status=1; continue
  fi
  grep '^// |' "$f" | sed 's#^// | \{0,1\}##' > "$tmp/fg.yaml"
  "$fg" --config "$tmp/fg.yaml" --fail-on never "$f" -- -std=c++17 > "$tmp/out.txt" 2>&1 || true
  marked=$( (grep -n '// FP \[' "$f" || true) | cut -d: -f1 | tr '\n' ' ')
  debatable=$(grep -c '// DEBATABLE \[' "$f" || true)
  hit=0; miss=0
  for l in $marked; do
    rule=$(sed -n "${l}p" "$f" | sed 's/.*\/\/ FP \[\([^]]*\)\].*/\1/')
    if grep -q "^[^ ]*$name:$l:[0-9]*: warning: .*\[$rule\]" "$tmp/out.txt"; then hit=$((hit+1)); else miss=$((miss+1)); fi
  done
  other=$(grep -c ': warning: ' "$tmp/out.txt" || true)
  if [ -z "$marked" ]; then verdict="no FP marked ($debatable debatable line(s) marked)"
  elif [ $miss -eq 0 ]; then verdict="reproduces ($hit marked line(s) reported)"
  elif [ $hit -eq 0 ]; then verdict="fixed (no marked line reported)"
  else verdict="partly fixed ($hit of $((hit+miss)) marked lines still reported)"; fi
  echo "$name: $verdict; $other warning(s) in all"
  grep ': warning: ' "$tmp/out.txt" | sed "s|^[^ ]*/||;s|^|  |" || true
done
exit $status

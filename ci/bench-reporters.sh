#!/usr/bin/env bash
# Times the text and SARIF reporters on one long generated line (issue 24,
# item 9): N findings on a line of about N * 500 bytes, then 2N findings on
# a line twice as long. Linear reporters take about twice as long for the
# second; reporters that rescan the line per finding take four times as
# long. Each size is analyzed once to fill a cache, and timed on the cache
# hit that follows, so the times are the reporters' and not clang's.
#
#   ci/bench-reporters.sh [N]      (default 2000; FG=path/to/factoryguard)
#
# Prints the seconds per format and size and the ratio 2N/N; exits 1 when
# a ratio exceeds 3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fg=${FG:-$root/build/tool/factoryguard}
n=${1:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/testdata/rules/.factoryguard.yaml" "$work/"

# One line: N calls of a factory with nullptr, each after ~480 bytes of a
# comment with a non-ASCII letter (UTF-16 columns differ from bytes).
generate() {
  python3 - "$1" "$2" <<'EOF'
import sys
count, path = int(sys.argv[1]), sys.argv[2]
pad = "/* " + "\u00fc" + "x" * 474 + " */ "
call = "(void)netra::create_websocket_manager(nullptr); "
with open(path, "w", encoding="utf-8") as f:
    f.write('#include "netra/netra.h"\nvoid generated() { ')
    f.write((pad + call) * count)
    f.write("}\n")
EOF
}

seconds() { # format, file
  local start end
  start=$(date +%s.%N)
  "$fg" --cache-dir "$work/cache" --format "$1" -o "$work/out" "$2" -- \
    -std=c++17 "-I$root/testdata/include" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

status=0
for format in text sarif; do
  declare -A t=()
  for k in 1 2; do
    file=$work/gen$k.cpp
    generate $((k * n)) "$file"
    seconds "$format" "$file" >/dev/null # fills the cache
    t[$k]=$(seconds "$format" "$file")
  done
  ratio=$(echo "scale=2; ${t[2]} / ${t[1]}" | bc)
  printf '%-5s %5d findings: %6.2fs  %5d findings: %6.2fs  ratio %s\n' \
    "$format" "$n" "${t[1]}" $((2 * n)) "${t[2]}" "$ratio"
  if (($(echo "$ratio > 3" | bc))); then
    echo "bench-reporters: $format report time grows faster than linearly" >&2
    status=1
  fi
done
exit $status

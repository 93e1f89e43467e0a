#!/usr/bin/env bash
# ci/scale.sh [CORPUS] [SHARDS] — the numbers of docs/scale.md on a real code
# base (ci/corpus.sh; default leveldb-tests, 4 shards): wall time of one run
# at -j1 and -j2 without the cache, of the same run warm from the cache, of
# each --shard i/n run (-j2, no cache) and of `factoryguard merge`, and
# whether the merged SARIF is byte-identical to the unsharded one (the
# script fails when it is not). Shards run one after the other here; on a
# CI matrix they run at once, so the wall time there is the slowest shard
# plus the merge.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-leveldb-tests}
n=${2:-4}
fg=${FACTORYGUARD_BIN:-$root/build/tool/factoryguard}
[ -x "$fg" ] || { echo "ci/scale.sh: no $fg (run ci/build.sh)" >&2; exit 1; }
IFS=$'\t' read -r _ src db < <(bash "$root/ci/corpus.sh" "$corpus")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
secs() { # command...: wall seconds, to 0.01
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || [ $? -le 3 ]
  t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}'
}
cd "$src"
common=(-p "$db" --source-root "$src" --unit-errors report --fail-on never)
units=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$db/compile_commands.json")
printf 'corpus\t%s (%s compile commands), %s shards, %s\n' "$corpus" "$units" "$n" "$(nproc) cores"
printf 'one run -j1, no cache\t%s s\n' "$(secs "$fg" "${common[@]}" -j1 --no-cache --format sarif -o "$out/j1.sarif")"
printf 'one run -j2, no cache\t%s s\n' "$(secs "$fg" "${common[@]}" -j2 --no-cache --format sarif -o "$out/whole.sarif")"
rm -rf "$out/cache"
secs "$fg" "${common[@]}" -j2 --cache-dir "$out/cache" --format sarif -o "$out/cold.sarif" >/dev/null
printf 'one run -j2, warm cache\t%s s\n' "$(secs "$fg" "${common[@]}" -j2 --cache-dir "$out/cache" --format sarif -o "$out/warm.sarif")"
slowest=0 total=0
for i in $(seq 1 "$n"); do
  s=$(secs "$fg" "${common[@]}" -j2 --no-cache --shard "$i/$n" --format shard -o "$out/shard-$i.json")
  printf 'shard %s/%s -j2\t%s s\t%s units\n' "$i" "$n" "$s" \
    "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["results"]))' "$out/shard-$i.json")"
  slowest=$(echo "$slowest $s" | awk '{print ($2 > $1) ? $2 : $1}')
  total=$(echo "$total $s" | awk '{printf "%.2f", $1 + $2}')
done
m=$(secs "$fg" merge --source-root "$src" --unit-errors report --fail-on never --format sarif -o "$out/merged.sarif" "$out"/shard-*.json)
printf 'merge\t%s s\t(shard files: %s bytes)\n' "$m" "$(cat "$out"/shard-*.json | wc -c)"
printf 'matrix wall (slowest shard + merge)\t%s s\n' "$(echo "$slowest $m" | awk '{printf "%.2f", $1 + $2}')"
printf 'shards in sequence + merge\t%s s\n' "$(echo "$total $m" | awk '{printf "%.2f", $1 + $2}')"
if cmp -s "$out/whole.sarif" "$out/merged.sarif"; then
  printf 'merged SARIF\tbyte-identical to the unsharded run\n'
else
  echo "ci/scale.sh: FAILED: the merged SARIF differs from the unsharded one" >&2
  diff <(python3 -m json.tool "$out/whole.sarif") <(python3 -m json.tool "$out/merged.sarif") | head -20 >&2
  exit 1
fi

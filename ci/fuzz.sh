#!/usr/bin/env bash
# ci/fuzz.sh [SECONDS] [HARNESS...] — builds the libFuzzer harnesses of
# fuzz/ (clang++-19 -fsanitize=fuzzer,address,undefined; CMake option
# FACTORYGUARD_FUZZ) and runs each for SECONDS (default 60) with
# -timeout=10 -rss_limit_mb=2048. Fails on any crash, timeout, leak,
# out-of-memory or sanitizer report. docs/fuzzing.md says more.
#
#   HARNESS   config_fuzzer, sarif_baseline_fuzzer, compile_db_fuzzer,
#             audit_compare_fuzzer, shard_fuzzer, cache_entry_fuzzer
#             (default: all six, one after the other)
#
# Seeds: the configurations and SARIF files of testdata/, fuzz/seeds/<h>/ and
# the regression inputs fuzz/regressions/<h>/ (every one of them is run
# first, so a regression fails the run at once). New inputs the fuzzer finds
# go to the working corpus <build>/corpus/<h>/, kept between runs; crash
# inputs to <build>/artifacts/. A summary line per harness goes to stdout.
#
# Environment: FACTORYGUARD_FUZZ_BUILD_DIR (default build-fuzz),
# FACTORYGUARD_JOBS (build jobs, default nproc), FACTORYGUARD_FUZZ_ARGS
# (extra libFuzzer flags), FACTORYGUARD_FUZZ_NOBUILD=1 (use the build as is),
# FACTORYGUARD_FUZZ_BUDGET=cpu (SECONDS is the fuzzer's CPU time, user+system,
# not wall time: on a shared machine a wall-clock hour is less than a
# CPU-hour; the run is stopped with SIGINT when the budget is spent, which
# libFuzzer answers with its final stats and exit code 72).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FACTORYGUARD_FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${FACTORYGUARD_JOBS:-$(nproc)}
ALL=(config_fuzzer sarif_baseline_fuzzer compile_db_fuzzer audit_compare_fuzzer
     shard_fuzzer cache_entry_fuzzer)

log() { echo "ci/fuzz.sh: $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

secs=60
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then secs=$1; shift; fi
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=("${ALL[@]}")
for h in "${harnesses[@]}"; do
  case " ${ALL[*]} " in *" $h "*) ;; *) fail "unknown harness '$h' (known: ${ALL[*]})" ;; esac
done

if [ "${FACTORYGUARD_FUZZ_NOBUILD:-0}" != 1 ]; then
  t0=$(date +%s)
  launcher=()
  if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  # Paths relative to the checkout in the hash: a fresh clone elsewhere
  # reuses what an earlier clone compiled.
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
  fi
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++-19 -DFACTORYGUARD_FUZZ=ON -DBUILD_TESTING=OFF \
    "${launcher[@]}" >/dev/null
  cmake --build "$build" --target factoryguard-fuzzers -j "$jobs"
  log "build took $(( $(date +%s) - t0 )) s"
fi

symbolizer=$(command -v llvm-symbolizer-19 || command -v llvm-symbolizer || true)
[ -z "$symbolizer" ] || export ASAN_SYMBOLIZER_PATH="$symbolizer" UBSAN_SYMBOLIZER_PATH="$symbolizer"
# Leaks are failures (libFuzzer checks after inputs that allocated more than
# they freed); UBSan's findings abort (-fno-sanitize-recover=undefined).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

seeds_of() { # harness dir: fill dir with the testdata seeds of the harness
  local h=$1 dir=$2
  rm -rf "$dir"; mkdir -p "$dir"
  case $h in
    config_fuzzer)
      find "$root/testdata" -path "*/build" -prune -o \( -name '*.yaml' -print \) ;;
    sarif_baseline_fuzzer)
      find "$root/testdata" -path "*/build" -prune -o \( -name '*.sarif' -print \) ;;
    compile_db_fuzzer | audit_compare_fuzzer | shard_fuzzer | cache_entry_fuzzer) ;;
  esac | while read -r f; do
    cp "$f" "$dir/$(echo "${f#"$root"/}" | tr '/' '_')"
  done
}

status=0
printf 'harness\tseconds\tuser_cpu_s\texecs\tcorpus_files\tcorpus_bytes\tcov\tresult\n'
for h in "${harnesses[@]}"; do
  bin="$build/fuzz/$h"
  [ -x "$bin" ] || fail "no $bin (build first)"
  name=${h%_fuzzer}
  corpus="$build/corpus/$h"
  seeds="$build/seeds/$h"
  art="$build/artifacts"
  mkdir -p "$corpus" "$art"
  seeds_of "$h" "$seeds"
  dirs=("$corpus" "$seeds")
  for d in "$root/fuzz/seeds/$name" "$root/fuzz/regressions/$name"; do
    [ -d "$d" ] && dirs+=("$d")
  done
  # Every harness has its dictionary; a missing one is an error, not a
  # silently weaker run (sarif_baseline_fuzzer ran without its own until
  # 2026-11-23: the file was named sarif.dict).
  [ -f "$root/fuzz/dicts/$name.dict" ] || fail "no dictionary fuzz/dicts/$name.dict for $h"
  dict=("-dict=$root/fuzz/dicts/$name.dict")
  logf="$build/$h.log"
  log "$h: ${secs} s, corpus $corpus, log $logf"
  read -r -a extra <<< "${FACTORYGUARD_FUZZ_ARGS:-}"
  wall=$secs
  [ "${FACTORYGUARD_FUZZ_BUDGET:-wall}" = cpu ] && wall=0   # 0: no wall-clock limit
  stopped="$build/$h.stopped"
  rm -f "$stopped"
  set +e
  /usr/bin/env time -f '%U %S' -o "$build/$h.time" \
    "$bin" -max_total_time="$wall" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -close_fd_mask=2 -artifact_prefix="$art/$h-" "${dict[@]}" \
      "${extra[@]}" "${dirs[@]}" > "$logf" 2>&1 &
  timer=$!
  if [ "$wall" = 0 ]; then
    tick=$(getconf CLK_TCK)
    while kill -0 "$timer" 2>/dev/null; do
      sleep 5
      fpid=$(pgrep -P "$timer" | head -1) # the fuzzer, time's one child (comm is cut at 15 characters)
      [ -n "$fpid" ] || continue
      used=$(awk -v t="$tick" '{printf "%d", ($14 + $15) / t}' "/proc/$fpid/stat" 2>/dev/null || echo 0)
      if [ "${used:-0}" -ge "$secs" ]; then
        : > "$stopped"
        kill -INT "$fpid"
        break
      fi
    done
  fi
  wait "$timer"
  rc=$?
  set -e
  # Stopped on its CPU budget: libFuzzer's interrupt exit, not a failure.
  if [ -e "$stopped" ] && [ $rc -eq 72 ]; then rc=0; fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logf" | tail -1)
  cov=$(grep -aoE 'cov: [0-9]+' "$logf" | tail -1 | cut -d' ' -f2)
  files=$(find "$corpus" -type f | wc -l)
  bytes=$(du -sb "$corpus" | cut -f1)
  # GNU time puts "Command exited with non-zero status N" before the times.
  cpu=$(tail -1 "$build/$h.time" 2>/dev/null | awk '{printf "%.0f", $1 + $2}' || echo "?")
  result=ok
  if [ $rc -ne 0 ] || grep -aqE '^==[0-9]+==ERROR|ERROR: libFuzzer|runtime error:|SUMMARY: (AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer|libFuzzer)' "$logf"; then
    result="FAILED (exit $rc)"
    status=1
    log "$h FAILED; the input is under $art/$h-*; log:"
    grep -a -m1 -A60 -E '^==[0-9]+==ERROR|ERROR: libFuzzer|runtime error:' "$logf" >&2 || tail -60 "$logf" >&2
    log "reproduce: $bin $art/$h-<crash|timeout|leak|oom>-<sha1>"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$h" "$secs" "$cpu" "${execs:-?}" \
    "$files" "$bytes" "${cov:-?}" "$result"
done
exit $status

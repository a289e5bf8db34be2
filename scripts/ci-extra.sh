#!/usr/bin/env bash
# CI beyond the plain test run (issue 4), each stage bounded, in its own build dir:
#   asan  build-asan : everything with -DSHARDSCOPE_SANITIZE=ON (ASan+UBSan), all tests but label partition
#   tsan  build-tsan : backend and e2e tests with -DSHARDSCOPE_TSAN=ON (gcc -fsanitize=thread),
#                      suppressions in tests/sanitizers/tsan.supp (third-party noise only);
#                      TSAN_CTEST_ARGS adds ctest arguments (e.g. -E to skip a test)
#   fuzz  build-fuzz : clang-14 libFuzzer targets (request bodies, the restart machine, the
#                      HTTP edge's raw bytes), FUZZ_SECONDS (30) each on a copy of
#                      fuzz/corpus/<target> (new inputs stay in build-fuzz/corpus)
#   soak             : scripts/soak.sh SOAK_SECONDS (60) against build/app/shardscope
#   scripts/ci-extra.sh              # every stage
#   scripts/ci-extra.sh tsan fuzz    # some stages
# Prints each stage's wall time; exits non-zero at the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --extra

jobs=${JOBS:-2}
fuzz_seconds=${FUZZ_SECONDS:-30}
soak_seconds=${SOAK_SECONDS:-60}
stages=("$@")
[[ ${#stages[@]} -gt 0 ]] || stages=(asan tsan fuzz soak)
times=()

stage_asan() {
  # -LE partition: the partition suite (tests/partition) times leases and cuts in seconds; it runs in the plain
  # build (scripts/test.sh), not under ASan's slowdown.
  BUILD_DIR=build-asan CMAKE_ARGS="-DSHARDSCOPE_SANITIZE=ON" JOBS=$jobs CTEST_ARGS="--timeout 600 -LE partition" scripts/test.sh
}

stage_tsan() {
  CC=gcc CXX=g++ cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSHARDSCOPE_TSAN=ON >/dev/null
  # Test name == target name (tests/CMakeLists.txt, shardscope_add_test), or the target
  # with _per_shard appended (the same test on a thread per shard).
  mapfile -t targets < <(cd build-tsan && ctest -N -L '^(backend|e2e)$' 2>/dev/null | sed -n 's/^ *Test *#[0-9]*: *//p' \
                         | sed 's/_per_shard$//' | sort -u)
  [[ ${#targets[@]} -gt 0 ]] || { echo "tsan: no backend/e2e tests found" >&2; return 1; }
  cmake --build build-tsan -j "$jobs" --target "${targets[@]}"
  (cd build-tsan && ctest --output-on-failure -L '^(backend|e2e)$' --timeout 900 ${TSAN_CTEST_ARGS:-})
}

stage_fuzz() {
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSHARDSCOPE_FUZZ=ON -DSHARDSCOPE_BUILD_TESTS=OFF >/dev/null
  local targets=(fuzz_request_parsing fuzz_restart_machine fuzz_http_edge)
  cmake --build build-fuzz -j "$jobs" --target "${targets[@]}"
  mkdir -p build-fuzz/artifacts
  for t in "${targets[@]}"; do
    mkdir -p "build-fuzz/corpus/$t"
    echo "== $t: ${fuzz_seconds}s"
    # Request parsing: JSON bodies, with a dictionary of the API's words. Restart machine:
    # up to 100 operations of 3 bytes, long sequences from the start (-len_control=0).
    # -timeout: an input running longer is a hang (the harness's own waits are bounded at 5 s).
    local extra=(-dict=fuzz/request_parsing.dict)
    if [[ $t == fuzz_restart_machine ]]; then extra=(-max_len=300 -len_control=0); fi
    # HTTP edge: raw request bytes (a cut seed, then the bytes), long enough to pass the limits.
    if [[ $t == fuzz_http_edge ]]; then extra=(-max_len=4096 -dict=fuzz/request_parsing.dict); fi
    timeout $(( fuzz_seconds + 120 )) "build-fuzz/fuzz/$t" -max_total_time="$fuzz_seconds" -timeout=60 \
      -rss_limit_mb=4096 -print_final_stats=1 "${extra[@]}" \
      -artifact_prefix="build-fuzz/artifacts/$t-" "build-fuzz/corpus/$t" "fuzz/corpus/$t" \
      >"build-fuzz/artifacts/$t.log" 2>&1 || { tail -80 "build-fuzz/artifacts/$t.log"; return 1; }
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "build-fuzz/artifacts/$t.log" || true
  done
}

stage_soak() {
  if [[ ! -x build/app/shardscope ]]; then
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build -j "$jobs" --target shardscope
  fi
  scripts/soak.sh "$soak_seconds"
}

total_start=$SECONDS
for s in "${stages[@]}"; do
  declare -F "stage_$s" >/dev/null || { echo "unknown stage $s (asan, tsan, fuzz, soak)" >&2; exit 2; }
  echo "=== ci-extra: $s"
  t0=$SECONDS
  if ! "stage_$s"; then
    echo "=== ci-extra: $s FAILED after $(( SECONDS - t0 )) s" >&2
    exit 1
  fi
  times+=("$s $(( SECONDS - t0 ))s")
done
echo "=== ci-extra: passed in $(( SECONDS - total_start )) s (${times[*]})"

#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite through ctest.
# Under CI (CI=true) or with SANITIZE=1 it then rebuilds the unit, mock and
# actor suites with AddressSanitizer + UndefinedBehaviorSanitizer into
# build-asan/ and runs them again, and fuzzes the Keepa JSON and config
# parsers for 20 s each (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
jobs=${JOBS:-$(nproc)}
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$jobs"
if [ "${CI:-}" = true ] || [ "${SANITIZE:-}" = 1 ]; then
  echo "== the unit, mock and actor suites under ASan + UBSan =="
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
    -DKEEPA_SANITIZE=address,undefined >/dev/null
  cmake --build build-asan -j "$jobs" \
    --target model_tests io_tests mock_tests actors_tests
  # ASan findings (memory errors, leaks) fail the run. UBSan prints; CAF
  # 0.17's own init_fun_factory binds a reference to an empty argument
  # tuple through a null pointer on every spawn without arguments.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j "$jobs" \
      -R '^(model|io|mock|actors):'
fi
if [ "${CI:-}" = true ] || [ "${FUZZ:-}" = 1 ]; then
  bash scripts/fuzz.sh 20
fi

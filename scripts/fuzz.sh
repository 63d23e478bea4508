#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/
# and runs each for SECONDS (default 60) from the seed corpus in fuzz/corpus.
# New inputs go to fuzz-out/; a crash leaves its input there and fails.
#
# usage: bash scripts/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DKEEPA_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
cmake --build build-fuzz -j "${JOBS:-$(nproc)}" \
  --target fuzz_keepa_json fuzz_config
for target in keepa_json config; do
  mkdir -p "fuzz-out/$target"
  echo "== fuzz_$target for ${seconds} s =="
  build-fuzz/fuzz_$target -max_total_time="$seconds" -artifact_prefix="fuzz-out/" \
    "fuzz-out/$target" "fuzz/corpus/$target" 2>&1 | tail -2
done

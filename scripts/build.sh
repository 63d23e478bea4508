#!/usr/bin/env bash
# Configures and builds keepa-ingest into build/ (RelWithDebInfo).
# Extra arguments go to CMake's configure step, e.g. -DKEEPA_SANITIZE=address,undefined.
# TARGETS="a b" builds only those targets (the demo builds the two binaries).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc)}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
# shellcheck disable=SC2086 # TARGETS is a list of target names
cmake --build "$build_dir" -j "$jobs" ${TARGETS:+--target $TARGETS}

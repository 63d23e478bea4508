#!/usr/bin/env bash
# Installs what is missing, builds, and runs the engine against its embedded
# mock Keepa server: no API key needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Only the two binaries: the tests and benchmarks are the test command's.
TARGETS="keepa-ingest mock-keepa" bash scripts/build.sh
exec build/keepa-ingest --demo "$@"

#!/usr/bin/env bash
# Installs what is missing, builds, and prints the benchmark tables.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
echo "== token economy (20 tokens/min, 30 refill ticks) =="
build/bench_token_economy 20 30
echo
echo "== token economy (5 tokens/min, 60 refill ticks) =="
build/bench_token_economy 5 60
echo
echo "== token economy with light refreshes (20 tokens/min, 600 ticks, 60 new deals/h, retention 4 h) =="
build/bench_token_economy 20 600 1 60 4
echo
echo "== profitable deals per token against an oracle (6 h, 1,000 new deals/h) =="
build/bench_token_economy value 6 1000 5 20 100
echo
echo "== alert latency, commit to webhook request (virtual time, 6 h) =="
build/bench_alert_latency 6 1 30 10
echo
echo "== analytics per product (instruction counts: run under callgrind) =="
build/bench_analytics 2000
if command -v valgrind >/dev/null; then
  for n in 200 400; do
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
      build/bench_analytics $n 2>&1 | grep "refs" | sed "s/^/$n products: /"
  done
  echo "(instructions per product = difference / 200)"
fi
echo
echo "== db_writer =="
build/bench_db_writer 100000
echo
echo "== recorded Keepa shapes on the mock's catalog =="
build/bench_recorded_shapes 20000 300
echo
echo "== mock-keepa on loopback =="
build/bench_mock_throughput 5000
echo
echo "== engine overhead (real binaries, 60 s) =="
bash bench/engine_overhead.sh 60

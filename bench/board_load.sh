#!/usr/bin/env bash
# Does a hammered deal board slow ingestion? Runs the engine against the
# mock for SECONDS of real time twice, from an empty bucket and an empty
# database: once with nobody at the board, once with 16 clients asking it
# for new (uncached) filtered and sorted pages as fast as it answers. Prints
# the token utilization (tokens Keepa charged / tokens it refilled) and the
# rows written in each run.
#
# usage: bench/board_load.sh [seconds] [refill per minute]   (after
# scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-180}
rate=${2:-300}
source bench/mock.sh
start_bench

# 16 threads asking /api/deals with filters and sorts never asked before,
# until the file `stop` appears.
cat > "$work/hammer.py" <<'PY'
import http.client, os, random, sys, threading
port, stop = int(sys.argv[1]), sys.argv[2]
sorts = ["profit", "sales_rank", "roi", "max_buy_cost", "first_seen_utc", "price_now"]
answered = [0] * 16
def client(i):
    rng = random.Random(i)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while not os.path.exists(stop):
        path = (f"/api/deals?min_profit={rng.uniform(-20, 40):.4f}&sort={rng.choice(sorts)}"
                f"&order={rng.choice(['asc', 'desc'])}&offset={rng.randrange(0, 200)}")
        try:
            conn.request("GET", path)
            conn.getresponse().read()
            answered[i] += 1
        except Exception:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
for t in threads: t.start()
for t in threads: t.join()
print(sum(answered))
PY

# One run: "quiet" or "hammered"; prints its table row.
run() {
  local kind=$1 dir="$work/$1"
  mkdir -p "$dir/data"
  start_mock "$dir" --products 20000 --deal-rate 3000 --refill-rate "$rate" \
    --initial-tokens 0
  local mock=$mock_pid port=$mock_port
  engine_config "$dir" "$port" <<INI
[web]
listen = 127.0.0.1:0
INI
  (cd "$dir" && exec "$root/build/keepa-ingest" > out.txt 2> err.txt \
    < <(sleep "$seconds"; echo quit)) &
  local engine=$!
  for _ in $(seq 100); do grep -q "deal board is at" "$dir/out.txt" 2>/dev/null && break; sleep 0.1; done
  local board
  board=$(sed -n 's|.*deal board is at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$dir/out.txt")
  local hammer=""
  if [ "$kind" = hammered ]; then
    /usr/bin/python3 "$dir/../hammer.py" "$board" "$dir/stop" > "$dir/answered" &
    hammer=$!
  fi
  sleep $((seconds - 2))
  local stats
  stats=$(curl -s "http://127.0.0.1:$port/_mock/stats")
  touch "$dir/stop"
  [ -n "$hammer" ] && wait "$hammer"
  wait "$engine" || true
  kill "$mock" 2>/dev/null || true
  local consumed refilled rows
  consumed=$(echo "$stats" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["tokens_consumed"])')
  refilled=$(echo "$stats" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["tokens_refilled"])')
  rows=$(sqlite3 "$dir/data/deals.db" "select (select count(*) from deals) + (select count(*) from rejections)")
  printf "| %s | %s | %s | %.3f | %s | %s |\n" "$kind" "$consumed" "$refilled" \
    "$(awk -v c="$consumed" -v r="$refilled" 'BEGIN {print (r ? c / r : 0)}')" \
    "$rows" "$(cat "$dir/answered" 2>/dev/null || echo 0)"
}

echo "board load: ${seconds} s a run, refill ${rate}/min from an empty bucket"
echo "| run | tokens charged | tokens refilled | utilization | rows + rejections | board answers |"
echo "|---|---|---|---|---|---|"
run quiet
run hammered

#!/usr/bin/env bash
# Do alerts slow ingestion? Runs the engine against the mock for SECONDS of
# real time at RATE tokens a minute, from an empty bucket and an empty
# database: once without alerts, once with every new deal alerted to a
# receiver that answers 20 % of its requests with a 500. Prints the token
# utilization (tokens Keepa charged / tokens it refilled), the 429s, the
# rows written and the alerts delivered and pending at the end. The two
# runs go side by side, each with its own mock, so an hour costs an hour.
#
# usage: bench/alerts_load.sh [seconds] [tokens per minute]   (after
# scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-180}
rate=${2:-100}
source bench/mock.sh
start_bench

# One run: "without" or "with" alerts; prints its table row.
run() {
  local kind=$1 dir="$work/$1"
  mkdir -p "$dir/data"
  start_mock "$dir" --products 20000 --deal-rate 3000 --refill-rate "$rate" \
    --initial-tokens 0
  local mock=$mock_pid port=$mock_port alerts="" hook=""
  if [ "$kind" = with ]; then
    /usr/bin/python3 tests/cli/webhook_receiver.py --port 0 --flaky 0.2 \
      --log "$dir/received.jsonl" > "$dir/hook.out" &
    hook=$!
    for _ in $(seq 50); do grep -q listening "$dir/hook.out" && break; sleep 0.1; done
    alerts="[alerts]
format = generic
webhook_url = http://127.0.0.1:$(sed -n 's/.*://p' "$dir/hook.out")/hook"
  fi
  engine_config "$dir" "$port" <<INI
[web]
listen = off
$alerts
INI
  (cd "$dir" && exec "$root/build/keepa-ingest" > out.txt 2> err.txt \
    < <(sleep $((seconds - 1)); echo "dump alerts"; sleep 1; echo quit)) &
  local engine=$!
  sleep $((seconds - 2))
  local stats
  stats=$(curl -s "http://127.0.0.1:$port/_mock/stats")
  wait "$engine" || true
  # A run is a subshell: the exit trap does not see its jobs.
  kill "$mock" $hook 2>/dev/null || true
  local consumed refilled http429 rows delivered pending
  consumed=$(echo "$stats" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["tokens_consumed"])')
  refilled=$(echo "$stats" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["tokens_refilled"])')
  http429=$(echo "$stats" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["requests_by_status"].get("429", 0))')
  rows=$(sqlite3 "$dir/data/deals.db" "select (select count(*) from deals) + (select count(*) from rejections)")
  delivered=$(sqlite3 "$dir/data/deals.db" "select count(*) from alert_outbox where state = 'delivered'")
  pending=$(sqlite3 "$dir/data/deals.db" "select count(*) from alert_outbox where state = 'pending'")
  printf "| %s | %s | %s | %.3f | %s | %s | %s | %s |\n" "$kind" "$consumed" \
    "$refilled" "$(awk -v c="$consumed" -v r="$refilled" 'BEGIN {print (r ? c / r : 0)}')" \
    "$http429" "$rows" "$delivered" "$pending"
}

echo "alerts load: ${seconds} s a run, refill ${rate}/min from an empty bucket"
echo "| alerts | tokens charged | tokens refilled | utilization | 429s | rows + rejections | alerts delivered | alerts pending |"
echo "|---|---|---|---|---|---|---|---|"
run without > "$work/without.row" &
run with > "$work/with.row" &
wait
cat "$work/without.row" "$work/with.row"

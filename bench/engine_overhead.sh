#!/usr/bin/env bash
# Engine CPU and memory per 10,000 deals, RSS over a database of 100,000
# rows, and the latency from a deal's listing (its Keepa lastUpdate) to its
# committed row: the real binaries on loopback for SECONDS of real time.
#
# usage: bench/engine_overhead.sh [seconds]   (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

source bench/mock.sh
start_mock "$work" --products 20000 --deal-rate 20000 --refill-rate 3000
engine_config "$work" "$mock_port" < /dev/null

# 100,000 rows from an earlier run: the engine must not hold them in memory.
mkdir -p "$work/data"
sqlite3 "$work/data/deals.db" <<'SQL'
CREATE TABLE deals (asin TEXT PRIMARY KEY, status TEXT, last_seen_utc TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO deals SELECT 'X' || printf('%09d', i), 'active',
  strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM n;
SQL

start_minute=$(( $(date +%s) / 60 - 21564000 ))
root=$(pwd)
cd "$work"
"$root/build/keepa-ingest" > /dev/null 2> err.txt < <(sleep "$seconds"; echo quit) &
pid=$!
sleep $((seconds - 1))
ticks=$(getconf CLK_TCK)
read -r utime stime < <(awk '{print $14, $15}' /proc/$pid/stat)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
wait "$pid"
cd - > /dev/null
db="$work/data/deals.db"
processed=$(sqlite3 "$db" "select (select count(*) from deals where asin not like 'X%') + (select count(*) from rejections)")
cpu=$(awk -v u="$utime" -v s="$stime" -v t="$ticks" 'BEGIN {printf "%.2f", (u + s) / t}')
lat=$(sqlite3 "$db" "select (cast(strftime('%s', last_full_fetch_utc) as integer) / 60 - 21564000) - keepa_last_update from deals where status = 'active' and keepa_last_update >= $start_minute order by 1")
count=$(echo "$lat" | grep -c . || true)
p50=$(echo "$lat" | awk -v n="$count" 'NR == int(n * 0.50) + 1')
p99=$(echo "$lat" | awk -v n="$count" 'NR == int(n * 0.99) + 1')
echo "| measure | value |"
echo "|---|---|"
echo "| run | ${seconds} s, refill 3000/min, 100,000 rows already in the DB |"
echo "| deals processed (committed, pending or rejected) | $processed |"
echo "| engine CPU | ${cpu} s |"
echo "| CPU per 10,000 deals | $(awk -v c="$cpu" -v n="$processed" 'BEGIN {printf "%.2f", c * 10000 / n}') s |"
echo "| CPU share at 25 tokens/min (~2.2 deals/min at ~11 tokens each) | $(awk -v c="$cpu" -v n="$processed" 'BEGIN {printf "%.5f", c / n * 2.2 / 60 * 100}') % of one core |"
echo "| peak RSS (100,000+ rows) | $((hwm / 1024)) MB |"
echo "| new-deal latency, listing to committed row (minutes, $count deals listed after start) | p50 ${p50:-n/a}, p99 ${p99:-n/a} |"

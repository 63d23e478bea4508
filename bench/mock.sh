# Shared by the shell benches (source it after `cd` to the repository): a
# work directory, the mock on a free loopback port and an engine config
# pointing at it.

# Sets root (the repository) and work (a temporary directory, removed
# and every background job killed when the bench exits).
start_bench() {
  root=$(pwd)
  work=$(mktemp -d)
  trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
}

# Starts build/mock-keepa in the background with ARGS, its output in
# DIR/mock.out; sets mock_pid and mock_port once it listens.
start_mock() {
  local dir=$1
  shift
  build/mock-keepa --port 0 "$@" > "$dir/mock.out" 2> "$dir/mock.err" &
  mock_pid=$!
  for _ in $(seq 50); do grep -q listening "$dir/mock.out" && break; sleep 0.1; done
  mock_port=$(sed -n 's/.*://p' "$dir/mock.out" | head -1)
}

# Writes DIR/config.ini for the mock on PORT, the query beside it, and any
# further lines from standard input.
engine_config() {
  local dir=$1 port=$2
  cp deal_query.json "$dir/"
  {
    cat <<INI
[keepa]
base_url = http://127.0.0.1:$port
api_key = mock-key
[db]
path = data/deals.db
[log]
file = logs/k.log
INI
    cat
  } > "$dir/config.ini"
}

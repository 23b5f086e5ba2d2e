#!/usr/bin/env bash
# Bounded load test of the collector's POST /v1/reports, on 127.0.0.1 only.
# Starts `omotenashi serve` on a free loopback port with a fresh SQLite file
# (rate limit off), runs wrk for DURATION seconds, stops the server, and
# checks every acknowledged report is in the database.
#   tests/bench/collector_wrk.sh [path/to/omotenashi]
#   env: DURATION (10), THREADS (2), CONNECTIONS (16), BATCH (10 reports per request)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-$root/build/native/omotenashi}"
duration="${DURATION:-10}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-16}"
export BATCH="${BATCH:-10}"
command -v wrk >/dev/null || { echo "collector_wrk: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[ -x "$bin" ] || { echo "collector_wrk: no executable at $bin" >&2; exit 1; }

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" serve --host 127.0.0.1 --port 0 --db "sqlite:$work/bench.db" --token bench-token-123 --rate 0 >"$work/serve.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 100); do
  port="$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/serve.log" | head -1)"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "collector_wrk: server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }

echo "wrk -t$threads -c$connections -d${duration}s --latency -s collector_wrk.lua http://127.0.0.1:$port (BATCH=$BATCH, $(nproc) cores)"
timeout $((duration + 30)) wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 10s --latency \
  -s "$here/collector_wrk.lua" "http://127.0.0.1:$port" | tee "$work/wrk.out"

kill "$server_pid"; wait "$server_pid" || true; server_pid=""
stored="$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from reports').fetchone()[0])" "$work/bench.db" 2>/dev/null || echo '?')"
echo "reports stored: $stored"

#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Acks while the query API is busy: pingscope --headless on a given store, the load generator
# posting the captured Firefox baseline ping at a fixed rate, and meanwhile a client looping
# GET /pingscope/v1/stats and GET /pingscope/v1/pings?limit=100000. Prints the ack latency
# (p50/p99), the API calls made and the headless peak RSS. Loopback only, bounded in time.
#
# usage: tests/bench/api-load-bench.sh STORE [PINGSCOPE_BIN [LOADGEN_BIN]]
#   STORE  a store to open (e.g. built by: pingscope_bench_store 1000000 DIR noclear)
# environment: BENCH_SECONDS (default 12), BENCH_RATE (default 1000), BENCH_PORT (default 19495)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
store=${1:?usage: api-load-bench.sh STORE [PINGSCOPE_BIN [LOADGEN_BIN]]}
bin=${2:-$repo/build/dev/app/pingscope}
loadgen=${3:-$repo/build/dev/tests/bench/pingscope_loadgen}
secs=${BENCH_SECONDS:-12}
rate=${BENCH_RATE:-1000}
port=${BENCH_PORT:-19495}
body="$repo/tests/data/captured-requests/firefox-esr/005-POST-firefox-desktop_baseline.body.raw"
[[ -r "$store" ]] || { echo "api-load-bench: no store at $store" >&2; exit 2; }
[[ -x "$bin" && -x "$loadgen" ]] || { echo "api-load-bench: build pingscope and pingscope_loadgen first" >&2; exit 2; }
[[ -r "$body" ]] || { echo "api-load-bench: missing capture $body" >&2; exit 2; }

"$bin" --headless --port "$port" --db "$store" > /dev/null 2>&1 &
ps=$!
trap 'kill $ps 2>/dev/null; wait $ps 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), timeout=1)" 2>/dev/null && break
    sleep 0.1
done
sleep 5 # the writer reads its doc ids and seq values first (about 2 s at a million pings)

python3 - "$port" "$((secs + 2))" <<'PY' &
import socket, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
end = time.time() + seconds
calls = {"stats": 0, "list": 0}
def get(path):
    s = socket.create_connection(("127.0.0.1", port), timeout=120)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
    while s.recv(1 << 20):
        pass
    s.close()
while time.time() < end:
    get("/pingscope/v1/stats"); calls["stats"] += 1
    get("/pingscope/v1/pings?limit=100000"); calls["list"] += 1
print(f"api loop: {calls['stats']} x /stats, {calls['list']} x ?limit=100000")
PY
api=$!
"$loadgen" --port "$port" --duration "$secs" --rate "$rate" --body "$body" \
    --header 'Content-Type: application/json; charset=utf-8' --header 'Content-Encoding: gzip' \
    --header 'X-Telemetry-Agent: Glean/60.0.0 (Rust on Linux)' 2>&1 | grep -E '^(requests|errors|latency)'
wait $api
echo "headless peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$ps/status)"

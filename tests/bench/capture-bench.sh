#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# SPDX-FileCopyrightText: 2026 The Pingscope authors
# Capture-endpoint benchmark: Pingscope's throughput and latency for real Glean pings, next to
# nginx answering a bare "return 200" on the same machine, then a durability check that every
# ping Pingscope acknowledged with 200 is in its store.
#
# usage: tests/bench/capture-bench.sh [PINGSCOPE_BIN [LOADGEN_BIN]]
#        tests/bench/capture-bench.sh --nginx-only [LOADGEN_BIN]
#   PINGSCOPE_BIN  default build/dev/app/pingscope (relative to the repo root)
#   LOADGEN_BIN    default build/dev/tests/bench/pingscope_loadgen
# environment:
#   BENCH_SECONDS      seconds per run (default 10)
#   BENCH_CONCURRENCY  connections per run (default 32)
#   BENCH_RATE         paced rate for the fixed-rate latency run (default 1000)
#   BENCH_KEEP=1       keep the temporary directory (store, logs, record files)
#   BENCH_PINGSCOPE_ARGS  extra options for pingscope (e.g. --no-validation), word-split
#
# All traffic goes to 127.0.0.1 only. Every process the script starts is stopped on exit.
# Exit status: 0 when every run was free of connection errors and no acknowledged ping is
# missing from the store, 1 otherwise, 2 on a setup failure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
shared="$repo/tests/data"

nginx_only=0
if [[ "${1:-}" == "--nginx-only" ]]; then
    nginx_only=1
    shift
    loadgen=${1:-$repo/build/dev/tests/bench/pingscope_loadgen}
    pingscope=""
else
    pingscope=${1:-$repo/build/dev/app/pingscope}
    loadgen=${2:-$repo/build/dev/tests/bench/pingscope_loadgen}
fi
secs=${BENCH_SECONDS:-10}
conc=${BENCH_CONCURRENCY:-32}
rate=${BENCH_RATE:-1000}

ff_body="$shared/captured-requests/firefox-esr/005-POST-firefox-desktop_baseline.body.raw"
ff_meta="$shared/captured-requests/firefox-esr/005-POST-firefox-desktop_baseline.meta.json"
gj_body="$shared/captured-requests/gleanjs/002-POST-peers-gleanjs-node_peer-test.body.raw"
gj_meta="$shared/captured-requests/gleanjs/002-POST-peers-gleanjs-node_peer-test.meta.json"

die() { echo "capture-bench: $*" >&2; exit 2; }
log() { echo "capture-bench: $*" >&2; }

[[ "$secs" =~ ^[0-9]+$ && "$secs" -ge 1 && "$secs" -le 600 ]] || die "BENCH_SECONDS must be 1..600"
[[ "$conc" =~ ^[0-9]+$ && "$conc" -ge 1 && "$conc" -le 1000 ]] || die "BENCH_CONCURRENCY must be 1..1000"
[[ "$rate" =~ ^[0-9]+$ && "$rate" -ge 1 ]] || die "BENCH_RATE must be a positive integer"
[[ -x "$loadgen" ]] || die "load generator not found: $loadgen (build the pingscope_loadgen target)"
[[ -n "$pingscope" && ! -x "$pingscope" ]] && die "pingscope binary not found: $pingscope"
for f in "$ff_body" "$ff_meta" "$gj_body" "$gj_meta"; do
    [[ -r "$f" ]] || die "missing capture: $f"
done
command -v python3 >/dev/null || die "python3 is needed (JSON parsing)"

# ---------------------------------------------------------------------------------------------
# Cleanup: stop what we started, by pid.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pingscope-bench.XXXXXX")
nginx_pid=""
pingscope_pid=""
stop_pid() {
    local pid=$1 i
    [[ -n "$pid" ]] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    stop_pid "$pingscope_pid"
    stop_pid "$nginx_pid"
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
        log "kept $tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() { # port, seconds
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# "Name: value" lines for the headers a Glean uploader sends, from a capture's .meta.json.
meta_headers() {
    python3 "$here/meta-headers.py" "$1"
}

# json_field FILE KEY: a field of the last JSON line that the load generator printed.
json_field() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
line = ""
for l in open(sys.argv[1], errors="replace"):
    if l.startswith("{"):
        line = l
try:
    v = json.loads(line).get(sys.argv[2], "")
except ValueError:
    v = ""
print(v if v != "" else "n/a")
EOF
}

loadgen_errors=0
# run_loadgen NAME PORT BODY META PATH [extra loadgen args...]
run_loadgen() {
    local name=$1 port=$2 body=$3 meta=$4 path=$5
    shift 5
    local -a hdr_args=()
    local h
    while IFS= read -r h; do
        [[ -n "$h" ]] && hdr_args+=(--header "$h")
    done < <(meta_headers "$meta")
    log "run '$name': ${secs}s, port $port, $path"
    local rc=0
    "$loadgen" --port "$port" --concurrency "$conc" --duration "$secs" --timeout 30 \
        --body "$body" "${hdr_args[@]}" --path-template "$path" --label "$name" "$@" \
        >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
    cat "$tmp/$name.out"
    if [[ -s "$tmp/$name.err" ]]; then
        sed 's/^/  stderr: /' "$tmp/$name.err" | head -20
    fi
    if [[ $rc -ne 0 ]]; then
        log "run '$name': load generator exited $rc (connection errors)"
        loadgen_errors=$((loadgen_errors + 1))
    fi
    echo
}

# ---------------------------------------------------------------------------------------------
# nginx as the baseline: same machine, same load generator, no work per request.
nginx_bin=$(command -v nginx || true)
[[ -z "$nginx_bin" && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
if [[ -z "$nginx_bin" ]]; then
    log "nginx is missing: installing the Debian package"
    sudo_cmd=()
    [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
    export DEBIAN_FRONTEND=noninteractive
    if ! "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y nginx; then
        "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 update
        "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y nginx
    fi
    nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
    [[ -x "$nginx_bin" ]] || die "nginx install failed"
fi

nginx_port=$(free_port)
mkdir -p "$tmp/nginx/logs"
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    default_type text/plain;
    client_body_buffer_size 64k;
    client_max_body_size 10m;
    keepalive_requests 1000000;
    client_body_temp_path $tmp/nginx/client_body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        location / { return 200; }
    }
}
EOF
"$nginx_bin" -p "$tmp/nginx" -e "$tmp/nginx/logs/error.log" -c "$tmp/nginx/nginx.conf" \
    >"$tmp/nginx/stdout.log" 2>&1 &
nginx_pid=$!
wait_port "$nginx_port" 10 || { cat "$tmp/nginx/logs/error.log" "$tmp/nginx/stdout.log" >&2 || true; die "nginx did not start"; }
log "nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$nginx_port (pid $nginx_pid)"

# ---------------------------------------------------------------------------------------------
# Pingscope, headless, with a fresh store.
ps_port=""
if [[ $nginx_only -eq 0 ]]; then
    # shellcheck disable=SC2086
    QT_QPA_PLATFORM=offscreen "$pingscope" --headless --port 0 --db "$tmp/bench.pingscope" ${BENCH_PINGSCOPE_ARGS:-} \
        >"$tmp/pingscope.out" 2>"$tmp/pingscope.err" &
    pingscope_pid=$!
    for ((i = 0; i < 300; i++)); do
        ps_port=$(sed -n 's|^Pingscope .* capturing on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' \
            "$tmp/pingscope.out" | head -1)
        [[ -n "$ps_port" ]] && break
        kill -0 "$pingscope_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [[ -z "$ps_port" ]]; then
        cat "$tmp/pingscope.out" "$tmp/pingscope.err" >&2 || true
        die "pingscope did not report its port"
    fi
    log "$(head -1 "$tmp/pingscope.out") (pid $pingscope_pid)"
fi

log "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, ${secs}s per run, $conc connections"
echo

ff_path='/submit/firefox-desktop/baseline/1/{uuid}'
gj_path='/submit/peers-gleanjs-node/peer-test/1/{uuid}'

if [[ $nginx_only -eq 0 ]]; then
    run_loadgen pingscope-baseline "$ps_port" "$ff_body" "$ff_meta" "$ff_path" \
        --record "$tmp/acked-baseline.txt"
    sleep 1
fi
run_loadgen nginx-baseline "$nginx_port" "$ff_body" "$ff_meta" "$ff_path"
if [[ $nginx_only -eq 1 ]]; then
    run_loadgen nginx-rate "$nginx_port" "$ff_body" "$ff_meta" "$ff_path" --rate "$rate"
    printf '%-44s %s\n' "nginx requests/s (baseline body)" "$(json_field "$tmp/nginx-baseline.out" rps)"
    printf '%-44s %s\n' "nginx p50/p99 ms at max load" \
        "$(json_field "$tmp/nginx-baseline.out" p50_ms) / $(json_field "$tmp/nginx-baseline.out" p99_ms)"
    printf '%-44s %s\n' "nginx p99 ms at $rate/s" "$(json_field "$tmp/nginx-rate.out" p99_ms)"
    [[ $loadgen_errors -eq 0 ]] || exit 1
    exit 0
fi
sleep 1
run_loadgen pingscope-peer-test "$ps_port" "$gj_body" "$gj_meta" "$gj_path" \
    --record "$tmp/acked-peer-test.txt"
sleep 1
run_loadgen pingscope-rate-$rate "$ps_port" "$ff_body" "$ff_meta" "$ff_path" --rate "$rate" \
    --record "$tmp/acked-rate.txt"

# ---------------------------------------------------------------------------------------------
# Durability: every docId acknowledged with 200 must be in the store, read back through the
# running Pingscope's query API.
alive="yes"
kill -0 "$pingscope_pid" 2>/dev/null || alive="NO (pingscope exited)"
log "pingscope still running after the runs: $alive"
cat "$tmp"/acked-*.txt >"$tmp/acked-all.txt"
durability_rc=0
python3 - "$ps_port" "$tmp/acked-all.txt" >"$tmp/durability.out" 2>&1 <<'EOF' || durability_rc=$?
import json, sys, urllib.request
port, acked_file = sys.argv[1], sys.argv[2]
base = f"http://127.0.0.1:{port}"
acked = [l.strip() for l in open(acked_file) if l.strip()]
acked_set = set(acked)
def get(path):
    with urllib.request.urlopen(base + path, timeout=300) as r:
        return json.load(r)
stored = []
offset = 0
for _ in range(10000):  # bounded paging
    page = get(f"/pingscope/v1/pings?limit=100000&offset={offset}")
    if not page:
        break
    stored.extend(p.get("doc_id") for p in page)
    offset += len(page)
stats = get("/pingscope/v1/stats")
stored_set = set(stored)
missing = [d for d in acked_set if d not in stored_set]
print(f"acknowledged docIds: {len(acked)} ({len(acked_set)} unique)")
print(f"rows listed by the query API: {len(stored)} ({len(stored_set)} unique docIds); "
      f"stats total: {stats.get('total')}")
print(f"by verdict: {json.dumps(stats.get('by_verdict'))}")
print(f"stored but not acknowledged: {len(stored_set - acked_set)}")
if len(stored) != stats.get("total"):
    print(f"NOTE: listing returned {len(stored)} rows but stats total is {stats.get('total')}")
for d in missing[:10]:
    print(f"missing: {d}")
print(f"MISSING={len(missing)}")
EOF
cat "$tmp/durability.out"
missing=$(sed -n 's/^MISSING=//p' "$tmp/durability.out" | tail -1)
[[ -n "$missing" ]] || missing="check failed (exit $durability_rc)"
if [[ -s "$tmp/pingscope.err" ]]; then
    log "pingscope stderr (last 20 lines):"
    tail -20 "$tmp/pingscope.err" | sed 's/^/  /' >&2
fi

# ---------------------------------------------------------------------------------------------
ps_rps=$(json_field "$tmp/pingscope-baseline.out" rps)
ng_rps=$(json_field "$tmp/nginx-baseline.out" rps)
ratio=$(python3 -c 'import sys
try: print(f"{float(sys.argv[1]) / float(sys.argv[2]):.3f}")
except (ValueError, ZeroDivisionError): print("n/a")' "$ps_rps" "$ng_rps")
rate_out="$tmp/pingscope-rate-$rate.out"

echo
echo "== capture benchmark: ${secs}s per run, $conc connections, $(nproc) cores =="
printf '%-44s %s\n' "pingscope pings/s (firefox baseline)" "$ps_rps"
printf '%-44s %s\n' "nginx requests/s (same body, return 200)" "$ng_rps"
printf '%-44s %s\n' "ratio pingscope/nginx" "$ratio"
printf '%-44s %s\n' "pingscope pings/s (glean.js peer-test)" "$(json_field "$tmp/pingscope-peer-test.out" rps)"
printf '%-44s %s\n' "p50 / p99 ms at max load (baseline)" \
    "$(json_field "$tmp/pingscope-baseline.out" p50_ms) / $(json_field "$tmp/pingscope-baseline.out" p99_ms)"
printf '%-44s %s\n' "p99 ms at $rate pings/s (from send)" "$(json_field "$rate_out" p99_ms)"
printf '%-44s %s\n' "p99 ms at $rate pings/s (from paced time)" "$(json_field "$rate_out" sched_p99_ms)"
printf '%-44s %s\n' "achieved rate in the $rate/s run" "$(json_field "$rate_out" rps)"
printf '%-44s %s\n' "non-200 / errors (all pingscope runs)" "$(python3 - "$tmp" "$rate" <<'EOF'
import json, sys, os
n2 = er = 0
for name in ("pingscope-baseline", "pingscope-peer-test", f"pingscope-rate-{sys.argv[2]}"):
    line = ""
    for l in open(os.path.join(sys.argv[1], name + ".out"), errors="replace"):
        if l.startswith("{"):
            line = l
    try:
        j = json.loads(line)
        n2 += j["non200"]; er += j["errors"]
    except (ValueError, KeyError):
        pass
print(f"{n2} / {er}")
EOF
)"
printf '%-44s %s\n' "missing acknowledged pings" "$missing"

[[ "$missing" == "0" && $loadgen_errors -eq 0 && "$alive" == "yes" ]] || exit 1
exit 0

#!/usr/bin/env bash
# SPDX-License-Identifier: MPL-2.0
# Memory over a long run: Pingscope (headless, or the window under a virtual display) takes
# the captured Firefox baseline ping at a fixed rate for a while, and its RSS is printed every
# minute with the pings stored so far. Memory should stay flat: every ping goes to the store,
# none is held. Loopback only, bounded in time.
#
# usage: tests/bench/soak.sh headless|window [PINGSCOPE_BIN [LOADGEN_BIN]]
# environment: SOAK_MINUTES (default 30), SOAK_RATE (default 1000), SOAK_PORT (default 19511)
#   window mode needs DISPLAY (e.g. run under xvfb-run) or runs with QT_QPA_PLATFORM=offscreen.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
mode=${1:?usage: soak.sh headless|window [PINGSCOPE_BIN [LOADGEN_BIN]]}
pingscope=${2:-$repo/build/dev/app/pingscope}
loadgen=${3:-$repo/build/dev/tests/bench/pingscope_loadgen}
minutes=${SOAK_MINUTES:-30}
rate=${SOAK_RATE:-1000}
port=${SOAK_PORT:-19511}
capture="$repo/tests/data/captured-requests/firefox-esr/005-POST-firefox-desktop_baseline"
[[ "$mode" == headless || "$mode" == window ]] || { echo "soak: mode is headless or window" >&2; exit 2; }
[[ "$minutes" =~ ^[0-9]+$ && "$minutes" -ge 1 && "$minutes" -le 600 ]] || { echo "soak: SOAK_MINUTES 1..600" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pingscope-soak.XXXXXX")
ps_pid=""
lg_pid=""
cleanup() {
    [[ -n "$lg_pid" ]] && kill "$lg_pid" 2>/dev/null || true
    [[ -n "$ps_pid" ]] && kill "$ps_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

args=(--port "$port" --db "$tmp/soak.pingscope")
if [[ "$mode" == headless ]]; then
    "$pingscope" --headless "${args[@]}" >"$tmp/ps.log" 2>&1 &
else
    [[ -n "${DISPLAY:-}" ]] || export QT_QPA_PLATFORM=offscreen
    "$pingscope" "${args[@]}" >"$tmp/ps.log" 2>&1 &
fi
ps_pid=$!
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done

hdr=()
while IFS= read -r h; do hdr+=(--header "$h"); done < <(python3 "$here/meta-headers.py" "$capture.meta.json")
"$loadgen" --port "$port" --concurrency 8 --rate "$rate" --duration $((minutes * 60)) --timeout 30 \
    --body "$capture.body.raw" "${hdr[@]}" --path-template '/submit/firefox-desktop/baseline/1/{uuid}' \
    --label "soak-$mode" >"$tmp/loadgen.out" 2>&1 &
lg_pid=$!

echo "soak ($mode, $rate pings/s, $minutes min): minute, RSS MB, pings stored"
for ((m = 0; m <= minutes; m++)); do
    rss=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$ps_pid/status")
    stored=$(curl -s "http://127.0.0.1:$port/pingscope/v1/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])' 2>/dev/null || echo "?")
    echo "$m $rss $stored"
    ((m < minutes)) && sleep 60
done
wait "$lg_pid" || true
lg_pid=""
tail -4 "$tmp/loadgen.out"
echo "peak RSS: $(awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' "/proc/$ps_pid/status")"

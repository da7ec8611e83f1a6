#!/usr/bin/env bash
# The team server under load: `linchpin serve` on a generated landscape of
# ENTITIES entities (default 10,000), 50 concurrent connections from wrk on
# loopback for DURATION seconds each: a supplier page (HTML) and a what-if
# API call (JSON). Prints wrk's latency distribution (p50 … p99), errors, and
# the server's resident memory afterwards. Then the busy-database case:
# bench/serve-lists.sh with 100,000 requests and 1,000 history versions
# (the overview, a supplier page and the request lists).
#
# usage: bench/serve-load.sh [ENTITIES] [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
entities="${1:-10000}"
duration="${2:-15}"
command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
cargo build --release -q -p linchpin -p linchpin-synth
dir="bench/out/synth-$entities"
[ -d "$dir" ] || ./target/release/linchpin-synth --entities "$entities" "$dir"
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
./target/release/linchpin serve "$dir" --bind 127.0.0.1:0 --database "sqlite://$work/load.db" --today 2026-11-26 >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 1 120); do grep -q http "$work/out" 2>/dev/null && break; sleep 0.5; done
base=$(grep -o 'http://[0-9.:]*' "$work/out" | head -1)
# The supplier with the widest reach: the heaviest page.
supplier=$(curl -s "$base/api/v1/rank" | python3 -c 'import json,sys; print(json.load(sys.stdin)["suppliers"][0]["ref"].split("/")[-1])')
echo "serving $dir at $base; supplier page of $supplier"
curl -s -o /dev/null -w "first supplier page: %{http_code} in %{time_total}s\n" "$base/suppliers/$supplier"
echo "== supplier page: GET /suppliers/$supplier"
wrk -t2 -c50 -d"${duration}s" --latency "$base/suppliers/$supplier"
echo "== what-if API: GET /api/v1/whatif?fail=supplier:$supplier&duration=8h"
wrk -t2 -c50 -d"${duration}s" --latency "$base/api/v1/whatif?fail=supplier:$supplier&duration=8h"
# Every supplier in turn: most requests find nothing cached.
curl -s "$base/api/v1/rank" | python3 -c 'import json,sys; [print(s["ref"].split("/")[-1]) for s in json.load(sys.stdin)["suppliers"]]' >"$work/suppliers.txt"
cat >"$work/rotate.lua" <<LUA
local names = {}
for line in io.lines("$work/suppliers.txt") do names[#names + 1] = line end
local i = 0
request = function()
  i = i + 1
  local name = names[(i % #names) + 1]
  return wrk.format("GET", string.format(wrk.path, name, name))
end
LUA
echo "== every supplier's page in turn ($(wc -l <"$work/suppliers.txt") suppliers)"
wrk -t2 -c50 -d"${duration}s" --latency -s "$work/rotate.lua" "$base/suppliers/%s"
echo "== every supplier's what-if in turn"
wrk -t2 -c50 -d"${duration}s" --latency -s "$work/rotate.lua" "$base/api/v1/whatif?fail=supplier:%s&duration=8h"
echo "== resident memory of the server"
grep -E 'VmRSS|VmHWM' "/proc/$pid/status"
kill "$pid" 2>/dev/null || true
echo "== a busy database (bench/serve-lists.sh)"
bench/serve-lists.sh 100000 1000 "$duration" "$entities"

#!/usr/bin/env bash
# Loading and analysis speed, side by side in one run (docs/performance.md):
# on linchpin-synth's 100k landscape and on an independently generated one
# (bench/python/gen_landscape.py), the median of RUNS runs (hyperfine) of
#   - `linchpin check --no-findings` against Backstage's own parser and
#     validators (js-yaml + @backstage/catalog-model on Node, bench/backstage);
#   - `check` with the readiness findings, `whatif --fail` of one supplier
#     and `rank --format json`, each as a ratio to `check --no-findings`;
#   - the server noticing one changed file and serving the new version;
# and on 1,000,000 entities (linchpin-synth), `check --no-findings` against
# the 100k time, with its peak memory. Prints one table with the targets.
#
# usage: bench/compare.sh [ENTITIES] [RUNS]     (default: 100000 5)
#        MILLION=0 bench/compare.sh               skips the 1M row
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
runs="${2:-5}"
million="${MILLION:-1}"

command -v hyperfine >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine; }
cargo build --release -q -p linchpin -p linchpin-synth
(cd bench/backstage && npm install --no-audit --no-fund --silent >/dev/null)
bin=./target/release/linchpin
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
server=

median() { # hyperfine's JSON → the median in seconds
  python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$1"
}
time_of() { # NAME COMMAND...: the median of $runs runs
  local name=$1; shift
  hyperfine -N -w 1 -r "$runs" -i --export-json "$work/$name.json" "$*" >/dev/null 2>&1
  median "$work/$name.json"
}
first_supplier() {
  python3 - "$1" <<'PY'
import pathlib, re, sys
for p in sorted(pathlib.Path(sys.argv[1]).rglob("*.yaml")):
    text = p.read_text()
    m = re.search(r"^kind: Supplier\nmetadata:\n  name: (\S+)", text, re.M)
    if m:
        print(m.group(1)); break
PY
}

# The server: start on DIR, change one file, time until the new version is
# served (GET /api/v1/status), the median of $runs changes
# (bench/python/reload_time.py). The file is put back afterwards.
reload_time() {
  local dir=$1 out base=""
  out="$work/serve.out"
  "$bin" serve "$dir" --bind 127.0.0.1:0 --database "sqlite://$work/reload.db" >"$out" 2>"$work/serve.err" &
  server=$!
  for _ in $(seq 1 600); do
    base=$(grep -o 'http://[0-9.:]*' "$out" 2>/dev/null | head -1 || true)
    [ -n "$base" ] && curl -sf "$base/api/v1/status" >/dev/null 2>&1 && break
    sleep 0.1
  done
  python3 bench/python/reload_time.py "$base" "$(find "$dir" -name '*.yaml' | sort | head -1)" "$runs" || echo none
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=
  rm -f "$work/reload.db"
}

row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4"; }
ratio() { python3 -c "import sys; print('%.2f×' % (float(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }

synth="bench/out/synth-$n"
[ -d "$synth" ] || "$bin-synth" --entities "$n" "$synth" >/dev/null
indep="bench/out/ind-$n"
[ -d "$indep" ] || python3 bench/python/gen_landscape.py "$n" "$indep" >/dev/null

echo "| $n entities | linchpin-synth | independent | target |"
echo "|---|---|---|---|"
declare -A base
for which in synth indep; do
  dir=${!which}
  "$bin" check "$dir" --no-findings >/dev/null   # warm the page cache
  l=$(time_of "$which-check" "$bin check --no-findings $dir")
  b=$(time_of "$which-backstage" "node bench/backstage/validate.cjs $dir")
  f=$(time_of "$which-findings" "$bin check $dir")
  w=$(time_of "$which-whatif" "$bin whatif $dir --fail supplier:$(first_supplier "$dir")")
  r=$(time_of "$which-rank" "$bin rank $dir --format json")
  s=$(reload_time "$dir")
  base[$which]=$l
  eval "${which}_l=$l ${which}_b=$b ${which}_f=$f ${which}_w=$w ${which}_r=$r ${which}_s=$s"
done
row '`check --no-findings`' "$synth_l s ($(ratio "$synth_l" "$synth_b") Backstage's $synth_b s)" "$indep_l s ($(ratio "$indep_l" "$indep_b") Backstage's $indep_b s)" "≤ 0.2× Backstage"
row '`check` with findings' "$synth_f s ($(ratio "$synth_f" "$synth_l"))" "$indep_f s ($(ratio "$indep_f" "$indep_l"))" "≤ 1.3× check --no-findings"
row '`whatif --fail ONE`' "$synth_w s ($(ratio "$synth_w" "$synth_l"))" "$indep_w s ($(ratio "$indep_w" "$indep_l"))" "≤ 1.2× check --no-findings"
row '`rank --format json`' "$synth_r s ($(ratio "$synth_r" "$synth_l"))" "$indep_r s ($(ratio "$indep_r" "$indep_l"))" "≤ 1.5× check --no-findings"
row 'server: one changed file served' "$synth_s s" "$indep_s s" "≤ 0.3 s"

if [ "$million" = 1 ]; then
  big=bench/out/synth-1000000
  [ -d "$big" ] || "$bin-synth" --entities 1000000 "$big" >/dev/null
  "$bin" check "$big" --no-findings >/dev/null
  m=$(time_of million "$bin check --no-findings $big")
  kb=$( { /usr/bin/time -f '%M' "$bin" check "$big" --no-findings >/dev/null; } 2>&1 | tail -1)
  row '1,000,000 entities, `check --no-findings`' "$m s ($(ratio "$m" "$synth_l") the 100k time), peak $(python3 -c "print('%.2f GiB' % ($kb / 1048576))")" "–" "≤ 10×, ≤ 3 GiB"
fi
echo
echo "medians of $runs runs (hyperfine), $(nproc) cores, $(date -u +%Y-%m-%d)"

#!/usr/bin/env bash
# `linchpin rank` against the straightforward script a user would write
# (bench/python/rank.py: PyYAML + networkx, one propagation per supplier,
# the same semantics). Checks that both give the same ranking, and prints
# both wall times and the ratio.
#
# usage: bench/compare-rank.sh [ENTITIES...]     (default: 1000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ $# -gt 0 ] || sizes=(1000 10000)
python3 -c 'import yaml, networkx' 2>/dev/null || pip install -q pyyaml networkx
cargo build --release -q -p linchpin -p linchpin-synth
mkdir -p bench/out
for n in "${sizes[@]}"; do
  dir="bench/out/synth-$n"
  [ -d "$dir" ] || ./target/release/linchpin-synth --entities "$n" "$dir" 2>/dev/null
  t0=$(date +%s.%N)
  ./target/release/linchpin rank "$dir" --format json --today 2026-11-26 > "bench/out/rank-$n.json"
  t1=$(date +%s.%N)
  python3 bench/python/rank.py "$dir" > "bench/out/rank-$n.py.txt"
  t2=$(date +%s.%N)
  python3 - "bench/out/rank-$n.json" > "bench/out/rank-$n.linchpin.txt" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["suppliers"]:
    print(f"{s['ref'].lower()} {s['tier']} {s['score']:.1f}")
PY
  if ! diff -q "bench/out/rank-$n.linchpin.txt" "bench/out/rank-$n.py.txt" >/dev/null; then
    echo "$n entities: the rankings differ:"; diff "bench/out/rank-$n.linchpin.txt" "bench/out/rank-$n.py.txt" | head -20
    exit 1
  fi
  awk -v n="$n" -v l="$(echo "$t1 - $t0" | bc)" -v p="$(echo "$t2 - $t1" | bc)" -v s="$(wc -l < "bench/out/rank-$n.py.txt")" 'BEGIN {
    printf "%7d entities, %d suppliers: same ranking; linchpin rank %.2f s | python + networkx %.2f s (%.0fx)\n", n, s, l, p, p / l }'
done

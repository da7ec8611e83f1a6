#!/usr/bin/env bash
# Side by side: the same generated landscape through Backstage's own parser
# and validators (js-yaml + @backstage/catalog-model on Node), PyYAML's C
# loader, and `linchpin check --no-findings` (parse, decode, resolve and
# validate: what Backstage does, and more). Prints wall times and the ratio,
# then the time of a full `linchpin check`, which also runs every supplier's
# failure for the readiness findings.
#
# usage: bench/compare.sh [ENTITIES...]      (default: 10000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-10000 100000}")
[ $# -gt 0 ] || sizes=(10000 100000)

cargo build --release -q -p linchpin -p linchpin-synth
(cd bench/backstage && npm install --no-audit --no-fund --silent >/dev/null)
python3 -c 'import yaml' 2>/dev/null || pip install -q pyyaml

now() { date +%s.%N; }
for n in "${sizes[@]}"; do
  dir="bench/out/synth-$n"
  [ -d "$dir" ] || ./target/release/linchpin-synth --entities "$n" "$dir"
  ./target/release/linchpin check "$dir" >/dev/null   # warm the page cache

  t0=$(now); ./target/release/linchpin check --no-findings "$dir" >/dev/null; t1=$(now)
  node bench/backstage/validate.cjs "$dir" >/dev/null; t2=$(now)
  python3 - "$dir" <<'PY'; t3=$(now)
import sys, pathlib, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
for p in sorted(pathlib.Path(sys.argv[1]).rglob("*.yaml")):
    list(yaml.load_all(p.read_text(), Loader=loader))
PY
  ./target/release/linchpin check "$dir" >/dev/null; t4=$(now)
  awk -v n="$n" -v l="$(echo "$t1 - $t0" | bc)" -v b="$(echo "$t2 - $t1" | bc)" -v p="$(echo "$t3 - $t2" | bc)" -v f="$(echo "$t4 - $t3" | bc)" 'BEGIN {
    printf "%7d entities: linchpin check --no-findings %.2f s | backstage parse+validate %.2f s (%.1fx) | pyyaml parse only %.2f s (%.1fx) | linchpin check with findings %.2f s\n", n, l, b, b / l, p, p / l, f }'
done

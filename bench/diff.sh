#!/usr/bin/env bash
# `linchpin diff` on a pull request's worth of change (docs/diff.md): the
# landscape of linchpin-synth (ENTITIES entities) committed to a fresh git
# repository, one supplier's file changed in the working tree, then the
# median of RUNS runs (hyperfine) of `check` and of `diff HEAD`, measured in
# the same run, and their ratio (target: diff ≤ 2× check).
#
# usage: bench/diff.sh [ENTITIES] [RUNS]     (default: 100000 5)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
runs="${2:-5}"
command -v hyperfine >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine; }
cargo build --release -q -p linchpin -p linchpin-synth
bin=$PWD/target/release/linchpin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./target/release/linchpin-synth --entities "$n" "$work/repo/landscape" >/dev/null 2>&1
cd "$work/repo"
git init -q -b main
git add -A
git -c user.name=bench -c user.email=bench@example.org commit -qm landscape
# One change a reviewer would care about: a supplier's committed RTO grows.
file=$(grep -l -m1 '      rto: ' landscape/suppliers/*.yaml | head -1)
python3 - "$file" <<'PY'
import re, sys
p = sys.argv[1]
text = open(p).read()
open(p, "w").write(re.sub(r"      rto: \S+", "      rto: 30d", text, count=1))
PY
hyperfine -N -w 1 -r "$runs" --export-json "$work/times.json" \
  "$bin check landscape --today 2026-11-28" \
  "$bin diff HEAD -C landscape --today 2026-11-28" >/dev/null 2>&1
python3 - "$work/times.json" "$n" <<'PY'
import json, sys
check, diff = (r["median"] for r in json.load(open(sys.argv[1]))["results"])
print(f"| {sys.argv[2]} entities, one file changed | check {check:.3f} s | diff HEAD {diff:.3f} s | {diff / check:.2f}× (target ≤ 2×) |")
PY
"$bin" diff HEAD -C landscape --today 2026-11-28 | tail -1

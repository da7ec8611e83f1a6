#!/usr/bin/env bash
# `linchpin risk` end to end (load, graph, each supplier's single failure,
# the simulated years, output) on generated landscapes with costs and
# failure data (`linchpin-synth --risk`), with hyperfine: 100,000 simulated
# years on 10,000 entities (the target: ≤ 10 s on two cores), 10,000 years
# on 1,000 and 10,000 entities, and the example landscape with its four
# actions; beside `check --no-findings` on the same 10k landscape.
#
# usage: bench/risk.sh [RUNS]     (FULL=0 skips the 100,000-year row)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
command -v hyperfine >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine; }
cargo build --release -q -p linchpin -p linchpin-synth
mkdir -p bench/out
for n in 1000 10000; do
  dir="bench/out/risk-$n"
  [ -d "$dir" ] || ./target/release/linchpin-synth --entities "$n" --risk "$dir"
done
today=2026-11-28
hyperfine -N -w 1 -r "$runs" \
  "./target/release/linchpin risk examples/webshop --actions --today $today" \
  "./target/release/linchpin risk bench/out/risk-1000 --samples 10000 --today $today" \
  "./target/release/linchpin risk bench/out/risk-10000 --samples 10000 --today $today" \
  './target/release/linchpin check bench/out/risk-10000 --no-findings'
# The target's own row runs once (docs/performance.md, "Risk").
[ "${FULL:-1}" = 0 ] || /usr/bin/time -f "100,000 years on 10,000 entities: %e s wall, %U s user, peak %M KB" \
  ./target/release/linchpin risk bench/out/risk-10000 --samples 100000 --today "$today" >/dev/null

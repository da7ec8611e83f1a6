#!/usr/bin/env bash
# `linchpin cutsets` end to end (load, graph, cut sets, output) on
# generated landscapes, with hyperfine: k = 4 on 1,000 entities, k = 3 on
# 10,000, k = 2 on 100,000 (targets: each ≤ 5 s), beside
# `check --no-findings` on the same landscape (the loading part).
#
# usage: bench/cutsets.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
command -v hyperfine >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hyperfine; }
cargo build --release -q -p linchpin -p linchpin-synth
mkdir -p bench/out
for n in 1000 10000 100000; do
  dir="bench/out/synth-$n"
  [ -d "$dir" ] || ./target/release/linchpin-synth --entities "$n" "$dir"
done
hyperfine -N -w 1 -r "$runs" \
  './target/release/linchpin cutsets bench/out/synth-1000 -k 4' \
  './target/release/linchpin cutsets bench/out/synth-10000 -k 3' \
  './target/release/linchpin cutsets bench/out/synth-100000 -k 2' \
  './target/release/linchpin check bench/out/synth-100000 --no-findings'
for args in "bench/out/synth-1000 -k 4" "bench/out/synth-10000 -k 3" "bench/out/synth-100000 -k 2"; do
  /usr/bin/time -f "$args: peak %M KB" ./target/release/linchpin cutsets $args >/dev/null
done

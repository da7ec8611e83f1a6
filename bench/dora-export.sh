#!/usr/bin/env bash
# The DORA register at scale: a generated bank with ARRANGEMENTS contracts
# of SERVICES ICT services each (default 5,000 × 4 = 20,000 services),
# exported with `linchpin export dora-roi` — load, derive, write the 15
# templates, validate, zip — and validated again on its own.
#
# usage: bench/dora-export.sh [ARRANGEMENTS] [SERVICES]
set -euo pipefail
cd "$(dirname "$0")/.."
arrangements="${1:-5000}"
services="${2:-4}"
cargo build --release -q -p linchpin -p linchpin-synth
dir="bench/out/bank-$arrangements-$services"
[ -d "$dir" ] || ./target/release/linchpin-synth --register "$arrangements" --services "$services" "$dir"
out="bench/out/register-$arrangements-$services.zip"
export_cmd="./target/release/linchpin export dora-roi $dir --reference-date 2026-12-31 --timestamp 20270115093000000 -o $out"
$export_cmd | tail -2
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 1 --runs 10 "$export_cmd" "./target/release/linchpin validate dora-roi $out"
else
  time $export_cmd >/dev/null
  time ./target/release/linchpin validate dora-roi "$out" >/dev/null
fi

#!/usr/bin/env bash
# Discovery throughput against ripgrep on the same synthetic tree (searching
# for every domain of the vendor catalog), both with a warm cache; and a
# 50k-component CycloneDX SBOM.
#
# usage: bench/discover/compare.sh [FILES] [BYTES_PER_FILE]   (default 100000 10240: 1 GiB)
set -euo pipefail
cd "$(dirname "$0")/../.."
files=${1:-100000}
size=${2:-10240}
command -v rg >/dev/null || { apt-get install -y -q ripgrep >/dev/null; }
command -v hyperfine >/dev/null || { apt-get install -y -q hyperfine >/dev/null; }
cargo build --release -q -p linchpin
out=bench/out/discover
mkdir -p "$out"
tree="$out/tree-$files-$size"
[ -d "$tree" ] || python3 bench/discover/make_tree.py "$files" "$size" "$tree"
python3 - > "$out/domains.txt" <<'PY'
import re
text = open("crates/linchpin-discover/data/vendors.yaml").read()
domains = sorted({d.strip() for m in re.finditer(r"domains: \[([^\]]*)\]", text) for d in m.group(1).split(",") if d.strip()})
print("\n".join(domains))
PY
du -sh "$tree"
hyperfine -w 1 -r 5 --export-markdown "$out/throughput.md" \
  "rg -c -F -f $out/domains.txt $tree" \
  "./target/release/linchpin discover $tree --format json"
[ -f "$out/sbom-50k.cdx.json" ] || python3 bench/discover/make_sbom.py 50000 "$out/sbom-50k.cdx.json"
hyperfine -w 1 -r 10 "./target/release/linchpin discover $out/sbom-50k.cdx.json"

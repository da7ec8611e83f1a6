#!/usr/bin/env bash
# The team server with a busy database: REQUESTS continuity requests
# (default 100,000) and VERSIONS landscape versions (default 1,000) in the
# history, seeded straight into its SQLite file, then 50 concurrent
# connections from wrk on loopback for DURATION seconds each against the
# overview, a supplier page, the request list page and the request API.
# Prints wrk's latency distribution (p50 … p99) and the server's resident
# memory (now and at its peak). Target: p99 ≤ 50 ms, RSS ≤ 500 MiB.
#
# usage: bench/serve-lists.sh [REQUESTS] [VERSIONS] [DURATION] [ENTITIES]
set -euo pipefail
cd "$(dirname "$0")/.."
requests="${1:-100000}"
versions="${2:-1000}"
duration="${3:-10}"
entities="${4:-10000}"
command -v wrk >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; }
cargo build --release -q -p linchpin -p linchpin-synth
dir="bench/out/synth-$entities"
[ -d "$dir" ] || ./target/release/linchpin-synth --entities "$entities" "$dir"
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
db="$work/lists.db"
start() {
  ./target/release/linchpin serve "$dir" --bind 127.0.0.1:0 --database "sqlite://$db" --today 2026-11-26 >"$work/out" 2>"$work/err" &
  pid=$!
  for _ in $(seq 1 240); do grep -q http "$work/out" 2>/dev/null && break; sleep 0.5; done
  base=$(grep -o 'http://[0-9.:]*' "$work/out" | head -1)
}
# First start: the schema and the first version.
start
curl -s "$base/api/v1/rank" | python3 -c 'import json,sys; [print(s["ref"]) for s in json.load(sys.stdin)["suppliers"]]' >"$work/suppliers.txt"
kill "$pid"; wait "$pid" 2>/dev/null || true
# Seed: requests spread over every supplier and two years of due dates,
# in every status; versions with their results.
python3 - "$db" "$work/suppliers.txt" "$requests" "$versions" <<'PY'
import json, random, sqlite3, sys
db, suppliers_file, n, m = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
suppliers = [l.strip() for l in open(suppliers_file) if l.strip()]
rng = random.Random(42)
con = sqlite3.connect(db)
kinds = ["statement", "escrow-verification", "exit-test", "renewal"]
statuses = ["open", "sent", "received", "reviewed"]
rows = []
for i in range(n):
    due = f"{2026 + rng.randrange(2)}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"
    rows.append((rng.choice(suppliers), rng.choice(kinds), due, None, rng.choice(statuses), 1700000000 + i, 1700000000 + i, "seed"))
con.executemany("INSERT INTO requests (supplier, kind, due, team, status, created_at, updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
results = json.dumps({"suppliers": [{"ref": s, "tier": 1 + rng.randrange(4), "score": 1.0} for s in suppliers[:50]], "findings": []})
con.executemany(
    "INSERT INTO versions (version, git_commit, loaded_at, entities, suppliers, tier1, tier2, tier3, tier4, findings_errors, findings_warnings, findings_total, ready, ready_of, breaches, results) VALUES (?, NULL, ?, 10000, 500, 10, 20, 30, 440, 0, 100, 100, 5, 30, 3, ?)",
    [(f"seed{j:05d}", 1700000000 + j * 3600, results) for j in range(m)],
)
con.commit()
print(f"seeded {n} requests and {m} versions")
PY
start
supplier=$(head -1 "$work/suppliers.txt" | sed 's|.*/||')
echo "database $db"; echo "serving $dir at $base with $requests requests and $versions versions"
for path in "/" "/suppliers/$supplier" "/requests" "/api/v1/requests" "/requests?status=overdue"; do
  curl -s -o /dev/null -w "first $path: %{http_code} %{size_download} bytes in %{time_total}s\n" "$base$path"
done
for path in "/" "/suppliers/$supplier" "/requests" "/api/v1/requests"; do
  echo "== GET $path"
  wrk -t2 -c50 -d"${duration}s" --latency "$base$path" | grep -E "Latency|50%|90%|99%|Requests/sec|Non-2xx|Socket errors"
done
echo "== resident memory of the server"
grep -E 'VmRSS|VmHWM' "/proc/$pid/status"

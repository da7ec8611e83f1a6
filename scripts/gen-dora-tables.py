#!/usr/bin/env python3
"""Derives crates/linchpin-dora/data/tables.json from the EBA DORA 4.0
taxonomy's table definitions (tab/b_XX.XX/b_XX.XX.json): per template, its
CSV file name, columns with their type and allowed values, the primary key
and the foreign keys. The taxonomy is the source of truth; rerun this script
when it changes.

usage: scripts/gen-dora-tables.py [TAXONOMY_DIR]   (default ../shared/corpus/dora/taxonomy/4.0)
"""
import glob, json, os, sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus", "dora", "taxonomy", "4.0")
mod = json.load(open(os.path.join(root, "mod", "dora.json")))
tables = []
for path in sorted(glob.glob(os.path.join(root, "tab", "*", "*.json"))):
    doc = json.load(open(path))
    for name, t in doc["tableTemplates"].items():
        code = name.replace("-", ".")
        columns = []
        for col, spec in sorted(t["columns"].items()):
            info = spec.get("eba:documentation", {})
            allowed = sorted(info.get("AllowedValue", {}).keys())
            columns.append({"code": col, "type": info.get("type", "s"), "allowed": allowed})
        keys = t.get("tc:keys", {})
        tables.append({
            "code": code,
            "file": os.path.basename(path).replace(".json", ".csv"),
            "columns": columns,
            "primary": keys.get("primary", {}).get("fields", []),
            "references": [
                {"name": r["name"].strip(), "columns": r["columns"], "table": r["keyRef"]["tableTemplate"].replace("-", ".")}
                for r in keys.get("reference", [])
            ],
        })
out = {
    "origin": "Derived by scripts/gen-dora-tables.py from the EBA DORA 4.0 reporting framework's table definitions (tab/*/*.json of the dora 4.0 module); do not edit by hand.",
    "module": "http://www.eba.europa.eu/eu/fr/xbrl/crr/fws/dora/4.0/mod/dora.json",
    "tables": tables,
}
target = os.path.join(os.path.dirname(__file__), "..", "crates", "linchpin-dora", "data", "tables.json")
with open(target, "w") as f:
    json.dump(out, f, indent=1, sort_keys=False)
    f.write("\n")
print(f"wrote {target}: {len(tables)} tables, {sum(len(t['columns']) for t in tables)} columns")

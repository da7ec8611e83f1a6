#!/usr/bin/env python3
"""Writes a CycloneDX 1.6 SBOM with N components (default 50,000) and a few
services, for the discovery benchmark. Deterministic."""
import json, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
out = sys.argv[2] if len(sys.argv) > 2 else "sbom-50k.cdx.json"
types = ["npm", "pypi", "maven", "cargo", "golang", "nuget", "gem"]
components = []
for i in range(n):
    t = types[i % len(types)]
    name = f"pkg-{i}" if t != "maven" else f"org.example.group{i % 97}/artifact-{i}"
    components.append({
        "type": "library", "bom-ref": f"c{i}", "name": f"pkg-{i}", "version": f"1.{i % 50}.{i % 7}",
        "purl": f"pkg:{t}/{name}@1.{i % 50}.{i % 7}",
        "hashes": [{"alg": "SHA-256", "content": f"{i:064x}"}],
        "licenses": [{"license": {"id": "MIT"}}],
    })
doc = {
    "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
    "metadata": {"component": {"type": "application", "name": "big-app"}},
    "components": components,
    "services": [{"name": "payments", "endpoints": ["https://api.stripe.com/v1"]},
                 {"name": "search", "endpoints": ["https://acme-dsn.algolia.net/1/indexes"]}],
}
with open(out, "w") as f:
    json.dump(doc, f, indent=1)
print(f"wrote {out}: {n} components")

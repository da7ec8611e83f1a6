#!/usr/bin/env python3
"""An independently generated landscape, for benchmarks that should not
rest on `linchpin-synth` alone: written here from the model's documentation
(docs/model.md), not from the generator's code, with other shapes — files
of 1 to 400 entities, flow-style lists and mappings, quoted titles and
descriptions, tags, links, some block scalars (which take the full YAML
parser), suppliers with continuity, escrow and exit plans, and fallbacks
through `anyOf`.

usage: gen_landscape.py ENTITIES DIR [--seed S]
"""
import os
import random
import sys


def main():
    args = sys.argv[1:]
    seed = 7
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i : i + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    total, out = int(args[0]), args[1]
    rng = random.Random(seed)

    # Shares of the kinds (a different mix from linchpin-synth's).
    n_fn = max(2, total // 150)
    n_team = max(2, total // 80)
    n_sys = max(2, total // 60)
    n_sup = max(4, total // 25)
    n_res = total * 3 // 10
    n_comp = total - n_fn - n_team - n_sys - n_sup - n_res

    teams = [f"t{i:05d}" for i in range(n_team)]
    systems = [f"sys{i:05d}" for i in range(n_sys)]
    suppliers = [f"vendor-{i:05d}" for i in range(n_sup)]
    resources = [f"res-{i:06d}" for i in range(n_res)]
    comps = [f"svc-{i:06d}" for i in range(n_comp)]
    clouds = suppliers[: min(12, n_sup)]

    docs = []  # (folder, text)

    for t in teams:
        docs.append(("teams", f"""apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: {t}
  title: "Team {t.upper()}"
spec:
  type: team
  profile: {{ displayName: "Team {t}", email: {t}@example.org }}
  children: []
"""))
    for s in systems:
        docs.append(("systems", f"""apiVersion: backstage.io/v1alpha1
kind: System
metadata: {{ name: {s}, tags: [core, "tier-{rng.randint(1, 3)}"] }}
spec:
  owner: group:{rng.choice(teams)}
"""))
    for i, v in enumerate(suppliers):
        deps = "" if v in clouds else f"\n  dependsOn: [supplier:{rng.choice(clouds)}]"
        alt = rng.choice(suppliers)
        docs.append(("suppliers", f"""apiVersion: linchpin.dev/v1alpha1
kind: Supplier
metadata:
  name: {v}
  title: 'Vendor {i} GmbH'
  links:
    - url: https://{v}.example.com/status
      title: Status page
spec:
  type: {rng.choice(["saas", "cloud", "software", "open-source", "services"])}
  owner: group:{rng.choice(teams)}
  country: {rng.choice(["DE", "FR", "US", "NL", "IE", "SE"])}{deps}
  continuity:
    statement: {{ received: 2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}, validUntil: 2027-0{rng.randint(1, 9)}-01, rto: {rng.choice(["1h", "4h", "1d", "3d"])} }}
  exit:
    strategy: {rng.choice(["replace", "insource", "accept"])}
    leadTime: {rng.choice(["30d", "90d", "180d"])}
    alternatives: [{alt}]
"""))
    for r in resources:
        sup = rng.choice(suppliers)
        docs.append(("resources", f"""apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: {r}
  description: "A resource, run by {sup}"
spec:
  type: {rng.choice(["database", "queue", "bucket", "cluster"])}
  owner: group:{rng.choice(teams)}
  dependsOn: [supplier:{sup}]
"""))
    for i, c in enumerate(comps):
        deps = sorted({f"resource:{rng.choice(resources)}" for _ in range(rng.randint(1, 4))})
        if i + 1 < n_comp:
            deps += sorted({f"component:{comps[rng.randint(i + 1, n_comp - 1)]}" for _ in range(rng.randint(0, 3))})
        impact = ""
        if len(deps) >= 2 and rng.random() < 0.15:
            a, b = deps[0], deps[1]
            impact = f"""
  dependencyImpact:
    - anyOf: [{a}, {b}]
      switchover: {rng.choice(["5m", "30m", "2h"])}"""
        elif deps and rng.random() < 0.3:
            impact = f"""
  dependencyImpact:
    - {{ ref: {deps[0]}, impact: degraded }}"""
        description = (
            "  description: |\n    Serves part of the shop.\n    Written as a block.\n"
            if rng.random() < 0.02
            else f'  description: "Component {i}: serves part of the shop"\n'
        )
        docs.append(("components", f"""apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {c}
{description}  tags: [{rng.choice(["java", "go", "rust", "node"])}, web]
  annotations:
    github.com/project-slug: example/{c}
spec:
  type: service
  lifecycle: production
  owner: group:{rng.choice(teams)}
  system: {rng.choice(systems)}
  dependsOn: [{", ".join(deps)}]{impact}
"""))
    for i in range(n_fn):
        deps = sorted({f"component:{rng.choice(comps)}" for _ in range(rng.randint(2, 8))})
        docs.append(("functions", f"""apiVersion: linchpin.dev/v1alpha1
kind: BusinessFunction
metadata:
  name: fn-{i:04d}
  title: "Function {i}"
spec:
  criticality: {rng.choice(["critical", "important", "standard"])}
  owner: group:{rng.choice(teams)}
  maxTolerableDowntime: {rng.choice(["1h", "4h", "1d"])}
  dependsOn:
""" + "".join(f"    - {d}\n" for d in deps)))

    # Files of 1 to 400 entities, per folder.
    by_folder = {}
    for folder, text in docs:
        by_folder.setdefault(folder, []).append(text)
    written = 0
    size = 0
    for folder, texts in by_folder.items():
        os.makedirs(os.path.join(out, folder), exist_ok=True)
        i = n = 0
        while i < len(texts):
            k = rng.randint(1, 400)
            body = "---\n".join(texts[i : i + k])
            path = os.path.join(out, folder, f"f{n:05d}.yaml")
            with open(path + ".tmp", "w") as f:
                f.write("# generated by bench/python/gen_landscape.py\n" + body)
            os.replace(path + ".tmp", path)
            size += len(body)
            i += k
            n += 1
            written += 1
    print(f"wrote {len(docs)} entities in {written} files ({size / 1e6:.1f} MB) to {out}")


if __name__ == "__main__":
    main()

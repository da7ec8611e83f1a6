#!/usr/bin/env python3
"""The straightforward way to rank suppliers: PyYAML + networkx, one
propagation per supplier, with the failure semantics of DESIGN §2.4 and the
ranking of §2.5. A baseline for `linchpin rank` (bench/compare-rank.sh) and a
second, independent implementation that must give the same ranking.

usage: rank.py LANDSCAPE_DIR      prints one line per supplier: ref tier score
"""
import math
import os
import re
import sys

import networkx as nx
import yaml

INF = math.inf
UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def duration(text):
    if text is None:
        return None
    m = re.fullmatch(r"(\d+)\s*(m|h|d|w)", str(text).strip())
    return int(m.group(1)) * UNITS[m.group(2)] if m else None


def ref_key(text, default_kind, namespace="default"):
    text = str(text).strip()
    kind = default_kind
    if ":" in text.split("/")[0]:
        kind, text = text.split(":", 1)
    ns, name = (text.split("/", 1) if "/" in text else (namespace, text))
    return f"{kind.lower()}:{ns.lower()}/{name.lower()}"


def load(root):
    entities = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if f.startswith(".") or not f.endswith((".yaml", ".yml")):
                continue
            with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                for doc in yaml.safe_load_all(fh):
                    if not isinstance(doc, dict) or "kind" not in doc:
                        continue
                    meta = doc.get("metadata") or {}
                    ns = meta.get("namespace", "default")
                    key = f"{doc['kind'].lower()}:{ns.lower()}/{str(meta['name']).lower()}"
                    entities.setdefault(key, doc)
    return entities


def build(entities):
    """Edges as (holder, targets, impact, switchover); targets[0] is active."""
    edges = {k: [] for k in entities}
    providers = {}
    for k, e in entities.items():
        if e["kind"] == "Component":
            for api in (e.get("spec") or {}).get("providesApis") or []:
                providers.setdefault(ref_key(api, "api", k.split(":")[1].split("/")[0]), []).append(k)
    for k, e in entities.items():
        spec = e.get("spec") or {}
        ns = k.split(":")[1].split("/")[0]
        deps = [ref_key(d, None, ns) for d in spec.get("dependsOn") or []]
        qualified = {}
        groups = []
        for entry in spec.get("dependencyImpact") or []:
            impact = entry.get("impact", "down")
            if "anyOf" in entry:
                opts = [ref_key(o, None, ns) for o in entry["anyOf"]]
                groups.append((opts, impact, duration(entry.get("switchover")) or 0))
                for o in opts:
                    qualified[o] = "group"
            else:
                qualified[ref_key(entry["ref"], None, ns)] = impact
        for d in deps:
            q = qualified.get(d, "down")
            if q != "group" and d in entities:
                edges[k].append(([d], q, 0))
        for opts, impact, w in groups:
            opts = [o for o in opts if o in entities]
            if opts:
                edges[k].append((opts, impact, w))
        for api in spec.get("consumesApis") or []:
            for p in providers.get(ref_key(api, "api", ns), []):
                if p != k:
                    edges[k].append(([p], "down", 0))
        if spec.get("system") and e["kind"] in ("Component", "API", "Resource"):
            s = ref_key(spec["system"], "system", ns)
            if s in edges:
                edges[s].append(([k], "down", 0))
    return edges


def propagate(edges, dependents, order_of, failed, bound):
    """The least fixpoint of §2.4 over the failure's reach."""
    reach = nx.descendants(dependents, failed) | {failed}
    state = {}

    def value(n):
        return state.get(n, (0, 0))

    def evaluate(n):
        down = imp = INF if n == failed else 0
        for targets, impact, w in edges[n]:
            if impact == "none":
                continue
            d, i = value(targets[0])
            for t in targets[1:]:
                td, ti = value(t)
                d, i = min(d, w + td), min(i, w + ti)
            if impact == "down":
                down = max(down, d)
            imp = max(imp, i)
        imp = max(imp, down)
        cap = lambda x: INF if x != INF and x > bound else x
        return cap(down), cap(imp)

    for comp in sorted({order_of[n] for n in reach}):
        nodes = [n for n in components[comp] if n in reach]
        while True:
            changed = False
            for n in nodes:
                v = evaluate(n)
                if v != value(n):
                    state[n], changed = v, True
            if not changed or (len(nodes) == 1 and not cyclic[comp]):
                break
    return state


WEIGHT = {"critical": 9, "important": 3, "standard": 1}
CRIT_ORDER = {"critical": 0, "important": 1, "standard": 2}

if __name__ == "__main__":
    entities = load(sys.argv[1])
    edges = build(entities)
    dependents = nx.DiGraph()
    dependents.add_nodes_from(entities)
    depends = nx.DiGraph()
    depends.add_nodes_from(entities)
    for k, es in edges.items():
        for targets, _, _ in es:
            for t in targets:
                dependents.add_edge(t, k)
                depends.add_edge(k, t)
    cond = nx.condensation(depends)
    # Evaluate dependencies first: reverse topological order of `depends`.
    topo = list(reversed(list(nx.topological_sort(cond))))
    rank_of = {c: i for i, c in enumerate(topo)}
    order_of = {n: rank_of[cond.graph["mapping"][n]] for n in entities}
    components = {rank_of[c]: sorted(cond.nodes[c]["members"]) for c in cond.nodes}
    cyclic = {rank_of[c]: len(cond.nodes[c]["members"]) > 1 or any(depends.has_edge(m, m) for m in cond.nodes[c]["members"]) for c in cond.nodes}
    bound = sum(w for es in edges.values() for _, _, w in es)
    functions = {k: e for k, e in entities.items() if e["kind"] == "BusinessFunction"}
    rows = []
    for s, e in entities.items():
        if e["kind"] != "Supplier":
            continue
        spec = e.get("spec") or {}
        state = propagate(edges, dependents, order_of, s, bound)
        stops, degrades = [], []
        for f in functions:
            d, i = state.get(f, (0, 0))
            if d > 0:
                stops.append((f, d))
            elif i > 0:
                degrades.append(f)
        crit = lambda f: functions[f]["spec"]["criticality"]
        statement = (spec.get("continuity") or {}).get("statement") or {}
        rto = duration(statement.get("rto"))
        lead = duration((spec.get("exit") or {}).get("leadTime"))
        breaches = 0
        for D in (INF if rto is None else rto, INF if lead is None else lead):
            for f, cap in stops:
                mtpd = duration(functions[f]["spec"].get("maxTolerableDowntime"))
                if mtpd is not None and min(D, cap) > mtpd:
                    breaches += 1
        if any(crit(f) == "critical" for f, _ in stops):
            tier = 1
        elif any(crit(f) == "important" for f, _ in stops) or any(crit(f) == "critical" for f in degrades):
            tier = 2
        elif stops or degrades:
            tier = 3
        else:
            tier = 4
        tenths = sum(10 * WEIGHT[crit(f)] for f, _ in stops) + sum(3 * WEIGHT[crit(f)] for f in degrades)
        rows.append((tier, -tenths, -breaches, s, tenths / 10))
    rows.sort()
    for tier, _, _, s, score in rows:
        print(f"{s} {tier} {score:.1f}")

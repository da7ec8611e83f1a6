#!/usr/bin/env python3
"""Writes a consistent synthetic DORA register package folder (all keys
matching, valid LEIs) for benchmarking `linchpin validate dora-roi`.

usage: scripts/gen-dora-package.py OUT_DIR [ARRANGEMENTS] [SERVICES]
(defaults 5000 arrangements, 20000 services: the issue's target size)
"""
import json, os, sys

out = sys.argv[1]
arrangements = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
services = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
here = os.path.dirname(os.path.abspath(__file__))
tables = json.load(open(os.path.join(here, "..", "crates", "linchpin-dora", "data", "tables.json")))["tables"]


def lei(prefix):
    body = (prefix + "0" * 18)[:18]
    n = int("".join(str(int(c, 36)) for c in body + "00"))
    return body + "%02d" % (98 - n % 97)


ENTITY = lei("5299000BANK")
providers = max(1, arrangements // 3)
functions = 200


def row(table, values):
    cells = []
    for c in table["columns"]:
        if c["code"] in values:
            cells.append(str(values[c["code"]]))
        else:
            cells.append({"s": "text", "e": (c["allowed"] or [""])[0], "d": "2026-01-01", "i": "1", "m": "1000", "t": "true"}[c["type"]])
    return ",".join(cells)


rows = {
    "B_01.01": [{"c0010": ENTITY}],
    "B_01.02": [{"c0010": ENTITY, "c0060": ENTITY}],
    "B_02.01": [{"c0010": "C%d" % i, "c0030": "C%d" % i} for i in range(arrangements)],
    "B_03.02": [{"c0010": "C%d" % i, "c0020": "P%d" % (i % providers)} for i in range(arrangements)],
    "B_05.01": [{"c0010": "P%d" % i, "c0110": "P%d" % i} for i in range(providers)],
    "B_06.01": [{"c0010": "F%d" % i, "c0040": ENTITY} for i in range(functions)],
    "B_02.02": [{"c0010": "C%d" % (i % arrangements), "c0020": ENTITY, "c0030": "P%d" % (i % arrangements % providers),
                 "c0050": "F%d" % (i % functions), "c0130": "eba_GA:%s" % ["DE", "FR", "NL", "IE"][i // arrangements % 4]}
                for i in range(services)],
}
name = "%s.CON_NL_DORA010100_DORA_2026-12-31_20270115093000123" % ENTITY
root = os.path.join(out, name)
os.makedirs(os.path.join(root, "META-INF"), exist_ok=True)
os.makedirs(os.path.join(root, "reports"), exist_ok=True)
open(os.path.join(root, "META-INF", "reportPackage.json"), "w").write('{"documentInfo":{"documentType":"https://xbrl.org/report-package/2023"}}')
open(os.path.join(root, "reports", "report.json"), "w").write(json.dumps({"documentInfo": {"documentType": "https://xbrl.org/2021/xbrl-csv", "extends": [tables and json.load(open(os.path.join(here, "..", "crates", "linchpin-dora", "data", "tables.json")))["module"]]}}))
open(os.path.join(root, "reports", "parameters.csv"), "w", newline="").write(
    "name,value\r\nentityID,rs:%s.CON\r\nrefPeriod,2026-12-31\r\nbaseCurrency,iso4217:EUR\r\ndecimalsInteger,0\r\ndecimalsMonetary,-3\r\n" % ENTITY)
fi = ["templateID,reported"]
for t in tables:
    fi.append("%s,true" % t["code"])
    lines = [",".join(c["code"] for c in t["columns"])] + [row(t, v) for v in rows.get(t["code"], [])]
    open(os.path.join(root, "reports", t["file"]), "w", newline="").write("\r\n".join(lines) + "\r\n")
open(os.path.join(root, "reports", "FilingIndicators.csv"), "w", newline="").write("\r\n".join(fi) + "\r\n")
print(root)

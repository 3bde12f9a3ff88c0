#!/usr/bin/python3
"""Write a what-if plan for Breakfast at the Frat: the 10 best-selling
products, in every store that sold them in the last 4 weeks of the history,
for the week ending 2012-01-11 (the first week after the history), at 20% off
the base price with feature and display on. Standard library only.

    python3 examples/breakfast/make_plan.py ../shared/data/breakfast_at_the_frat/transaction.csv.gz > plan.csv
"""
import csv
import gzip
import sys
from collections import defaultdict

WEEK = "2012-01-11"
DISCOUNT = 0.20

rows = list(csv.DictReader(gzip.open(sys.argv[1], "rt")))
weeks = sorted({r["week_end_date"] for r in rows})
recent = set(weeks[-4:])
units = defaultdict(float)
last = {}
for r in rows:
    units[r["upc_id"]] += float(r["units"])
    key = (r["store_id"], r["upc_id"])
    if r["week_end_date"] in recent and r["base_price"]:
        if key not in last or r["week_end_date"] > last[key]["week_end_date"]:
            last[key] = r
top = sorted(units, key=lambda u: (-units[u], u))[:10]
out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["week_end_date", "store_id", "upc_id", "price", "base_price", "feature", "display", "tpr_only"])
for (store, upc), r in sorted(last.items()):
    if upc in top:
        base = float(r["base_price"])
        out.writerow([WEEK, store, upc, round(base * (1 - DISCOUNT), 2), base, 1, 1, 0])

#!/usr/bin/python3
"""Writes the five stratified 50/50 train/test splits that hillstrom_peer.py uses, so that the
Go bench scores promocast on exactly the same test halves. Same filtering (the treatment and
"No E-Mail" rows, in file order), same strata (treatment × outcome > 0) and the same
StratifiedShuffleSplit(5, test_size=0.5, random_state=0).
TREATMENT "all" keeps the three arms (strata arm × outcome > 0) for the three-arm policy.
Output: "split,row,role" rows, where row indexes the filtered table.
Usage: splits.py DATA TREATMENT OUTCOME OUT.csv"""
import sys
import numpy as np, pandas as pd
from sklearn.model_selection import StratifiedShuffleSplit

data, treatment, outcome, out = sys.argv[1:5]
df = pd.read_csv(data)
if treatment == "all":
    t = df.segment.map({"No E-Mail": 0, "Mens E-Mail": 1, "Womens E-Mail": 2}).values
else:
    df = df[df.segment.isin([treatment, "No E-Mail"])].reset_index(drop=True)
    t = (df.segment == treatment).astype(int).values
y = df[outcome].values.astype(float)
strata = t * 2 + (y > 0)
with open(out, "w") as f:
    f.write("split,row,role\n")
    for s, (tr, te) in enumerate(StratifiedShuffleSplit(5, test_size=0.5, random_state=0).split(np.zeros(len(df)), strata)):
        for i in sorted(tr):
            f.write(f"{s},{i},train\n")
        for i in sorted(te):
            f.write(f"{s},{i},test\n")

#!/usr/bin/python3
"""Reference numbers for package svm from scikit-learn 1.2.1 (Debian's
python3-sklearn): LinearSVC and LinearSVR (LIBLINEAR's dual coordinate
descent) fitted with a tight tolerance on the features standardised exactly
as package svm standardises them, and scikit-learn's Platt scaling of the
training decision values.

Run from this directory: /usr/bin/python3 make_reference.py
It writes <set>_train.csv, <set>_test.csv and reference.json. A column named
"name#L" is categorical with L levels; an empty cell is missing. The
training files end with the target y and the sample weight w.
"""
import json

import numpy as np
import sklearn
from sklearn.calibration import _sigmoid_calibration
from sklearn.svm import LinearSVC, LinearSVR

rng = np.random.default_rng(20240611)


def encode(Xtr, w, levels, Xte):
    """Package svm's preprocessing: impute numeric NaN with the weighted
    mean, add a missing indicator for numeric features with NaN, one column
    per categorical level seen in training, then weighted standardisation;
    constant columns are dropped."""
    nf = Xtr.shape[1]
    cols_tr, cols_te, names = [], [], []
    for f in range(nf):
        if levels[f] == 0:
            obs = ~np.isnan(Xtr[:, f])
            if obs.any():
                m = np.sum(w[obs] * Xtr[obs, f]) / np.sum(w[obs])
                cols_tr.append(np.where(np.isnan(Xtr[:, f]), m, Xtr[:, f]))
                cols_te.append(np.where(np.isnan(Xte[:, f]), m, Xte[:, f]))
                names.append(f"f{f}")
    for f in range(nf):
        if levels[f] > 0:
            for l in range(levels[f]):
                if np.any(Xtr[:, f] == l):
                    cols_tr.append((Xtr[:, f] == l).astype(float))
                    cols_te.append((Xte[:, f] == l).astype(float))
                    names.append(f"f{f}={l}")
        elif np.isnan(Xtr[:, f]).any():
            cols_tr.append(np.isnan(Xtr[:, f]).astype(float))
            cols_te.append(np.isnan(Xte[:, f]).astype(float))
            names.append(f"f{f}=missing")
    Ztr, Zte, kept = [], [], []
    for u, v, n in zip(cols_tr, cols_te, names):
        mean = np.sum(w * u) / np.sum(w)
        sd = np.sqrt(np.sum(w * (u - mean) ** 2) / np.sum(w))
        if sd > 1e-12 * max(1, abs(mean)):
            Ztr.append((u - mean) / sd)
            Zte.append((v - mean) / sd)
            kept.append(n)
    return np.array(Ztr).T, np.array(Zte).T, kept


def write(name, X, levels, y=None, w=None):
    header = [f"f{f}#{levels[f]}" if levels[f] else f"f{f}" for f in range(X.shape[1])]
    if y is not None:
        header += ["y", "w"]
    with open(name, "w") as fh:
        fh.write(",".join(header) + "\n")
        for i in range(X.shape[0]):
            cells = ["" if np.isnan(v) else repr(float(v)) for v in X[i]]
            if y is not None:
                cells += [repr(float(y[i])), repr(float(w[i]))]
            fh.write(",".join(cells) + "\n")


def make_set(n, nte, mixed):
    """Numeric features (with NaN and a 4-level categorical whose level 3
    never appears in training when mixed), weights in [0.5, 2]."""
    nf = 4
    X = rng.normal(size=(n + nte, nf)) * [1, 3, 0.5, 10] + [0, 5, -1, 100]
    levels = [0] * nf
    if mixed:
        levels[3] = 4
        X[:, 3] = rng.integers(0, 3, size=n + nte)
        X[n:, 3][::5] = 3
        X[rng.random(n + nte) < 0.15, 1] = np.nan
    w = rng.uniform(0.5, 2, size=n)
    return X[:n], X[n:], levels, w


def signal(X):
    x1 = np.nan_to_num(X[:, 1], nan=5.0)
    return 1.5 * X[:, 0] - 0.4 * (x1 - 5) + 2 * X[:, 2] + 0.1 * (X[:, 3] - X[:, 3].mean())


def objective(Z, y, w, C, coef, icpt, loss, eps=0.0):
    d = Z @ coef + icpt
    if loss in ("hinge", "squared_hinge"):
        l = np.maximum(0, 1 - y * d)
        if loss == "squared_hinge":
            l = l ** 2
    else:
        l = np.maximum(0, np.abs(y - d) - eps)
        if loss == "squared_epsilon_insensitive":
            l = l ** 2
    return 0.5 * (coef @ coef + icpt ** 2) + C * np.sum(w * l)


ref = {"sklearn": sklearn.__version__, "fits": []}
for set_name, mixed in (("num", False), ("mixed", True)):
    Xtr, Xte, levels, w = make_set(300, 60, mixed)
    s = signal(Xtr)
    ycls = (s + rng.normal(scale=1.5, size=len(s)) > 0).astype(float)
    yreg = 3 + s + rng.laplace(scale=0.7, size=len(s))
    for task, y in (("cls", ycls), ("reg", yreg)):
        name = f"{task}_{set_name}"
        write(f"{name}_train.csv", Xtr, levels, y, w)
        write(f"{name}_test.csv", Xte, levels)
        Ztr, Zte, names = encode(Xtr, w, levels, Xte)
        if task == "cls":
            configs = [("hinge", 0.5, 0.0), ("squared_hinge", 0.05, 0.0)]
        else:
            configs = [("epsilon_insensitive", 0.3, 0.2), ("squared_epsilon_insensitive", 0.1, 0.5)]
        for loss, C, eps in configs:
            if task == "cls":
                m = LinearSVC(loss=loss, C=C, tol=1e-10, max_iter=1_000_000, random_state=0)
            else:
                m = LinearSVR(loss=loss, C=C, epsilon=eps, tol=1e-10, max_iter=1_000_000, random_state=0)
            m.fit(Ztr, y, sample_weight=w)
            coef = m.coef_.ravel()
            icpt = float(np.ravel(m.intercept_)[0])
            ys = 2 * y - 1 if task == "cls" else y
            fit = {
                "set": name, "loss": loss, "c": C, "epsilon": eps,
                "terms": names, "coef": coef.tolist(), "intercept": icpt,
                "test_decision": (Zte @ coef + icpt).tolist(),
                "objective": float(objective(Ztr, ys, w, C, coef, icpt, loss, eps)),
            }
            if task == "cls":
                a, b = _sigmoid_calibration(Ztr @ coef + icpt, y, w)
                fit["platt"] = [float(a), float(b)]
            ref["fits"].append(fit)

with open("reference.json", "w") as fh:
    json.dump(ref, fh, indent=1)

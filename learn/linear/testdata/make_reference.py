#!/usr/bin/python3
"""Write reference numbers for the linear package's tests.

Run from this directory with Debian's python3-sklearn (1.2.1) and
python3-pandas:  /usr/bin/python3 make_reference.py

Data sets (training rows with target y and weight w, and test rows):
  reg_train.csv, reg_test.csv     numeric regression with irrelevant features
  mixed_train.csv, mixed_test.csv numeric with NaN plus categorical codes
  cls_train.csv, cls_test.csv     binary classification
  pois_train.csv, pois_test.csv   counts
A column named "name#L" is categorical with L levels; empty cells are NaN.

The reference file <set>_ref.csv has rows case,what,key,value: what is
"intercept", "coef" (key = design column, coefficient on the original
scale) or "pred" (key = test row). Preprocessing is the package's own,
written here independently with numpy: NaN -> weighted training mean plus a
missing indicator, categorical -> one-hot (unknown -> zeros), then
standardisation with weighted mean and standard deviation, dropping
constant columns. The models are scikit-learn's on the standardised design.
"""
import csv
import numpy as np
from sklearn.linear_model import (ElasticNet, Lasso, LinearRegression,
                                  LogisticRegression, PoissonRegressor, Ridge)

rng = np.random.default_rng(20240611)


def write_set(name, cols, X, y, w, Xt):
    def cell(v):
        return "" if np.isnan(v) else repr(float(v))
    with open(f"{name}_train.csv", "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(cols + ["y", "w"])
        for i in range(len(y)):
            wr.writerow([cell(v) for v in X[i]] + [repr(float(y[i])), repr(float(w[i]))])
    with open(f"{name}_test.csv", "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(cols)
        for row in Xt:
            wr.writerow([cell(v) for v in row])


class Design:
    """The package's preprocessing, fitted with weights sw."""

    def __init__(self, cols, X, sw):
        self.cols = cols
        W = sw.sum()
        self.terms = []  # (name, function of X -> column)
        values, indicators = [], []
        for j, c in enumerate(cols):
            x = X[:, j]
            if "#" in c:
                base, L = c.split("#")
                for l in range(int(L)):
                    indicators.append((f"{base}={l}", lambda X, j=j, l=l: (X[:, j] == l).astype(float)))
            else:
                obs = ~np.isnan(x)
                m = (sw[obs] * x[obs]).sum() / sw[obs].sum()
                values.append((c, lambda X, j=j, m=m: np.where(np.isnan(X[:, j]), m, X[:, j])))
                if (~obs).any():
                    indicators.append((f"{c}=missing", lambda X, j=j: np.isnan(X[:, j]).astype(float)))
        self.terms = values + indicators
        V = self.raw(X)
        self.mean = (sw[:, None] * V).sum(0) / W
        self.scale = np.sqrt((sw[:, None] * (V - self.mean) ** 2).sum(0) / W)
        keep = self.scale > 1e-7
        self.terms = [t for t, k in zip(self.terms, keep) if k]
        self.mean, self.scale = self.mean[keep], self.scale[keep]

    def raw(self, X):
        return np.column_stack([f(X) for _, f in self.terms])

    def z(self, X):
        return (self.raw(X) - self.mean) / self.scale


def record(rows, case, design, coef, intercept, pred):
    c = np.ravel(coef) / design.scale
    b0 = float(np.ravel([intercept])[0]) - (c * design.mean).sum()
    rows.append((case, "intercept", "", b0))
    for (name, _), v in zip(design.terms, c):
        rows.append((case, "coef", name, v))
    for i, v in enumerate(pred):
        rows.append((case, "pred", str(i), v))


def write_ref(name, rows):
    with open(f"{name}_ref.csv", "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["case", "what", "key", "value"])
        for case, what, key, v in rows:
            wr.writerow([case, what, key, repr(float(v))])


def regression(name, cols, X, y, w, Xt, cases):
    write_set(name, cols, X, y, w, Xt)
    rows = []
    for weighted in (False, True):
        sw = w if weighted else np.ones(len(y))
        d = Design(cols, X, sw)
        Z, Zt = d.z(X), d.z(Xt)
        W = sw.sum()
        for kind, alpha, l1 in cases:
            if kind == "ols":
                m = LinearRegression()
            elif kind == "ridge":
                m = Ridge(alpha=alpha * W, tol=1e-14, solver="cholesky")
            elif kind == "lasso":
                m = Lasso(alpha=alpha, tol=1e-14, max_iter=1000000)
            else:
                m = ElasticNet(alpha=alpha, l1_ratio=l1, tol=1e-14, max_iter=1000000)
            m.fit(Z, y, sample_weight=sw)
            case = f"{kind}_{'w' if weighted else 'u'}"
            record(rows, case, d, m.coef_, m.intercept_, m.predict(Zt))
    write_ref(name, rows)


def glm(name, cols, X, y, w, Xt, make, cases):
    write_set(name, cols, X, y, w, Xt)
    rows = []
    for weighted in (False, True):
        sw = w if weighted else np.ones(len(y))
        d = Design(cols, X, sw)
        Z, Zt = d.z(X), d.z(Xt)
        for case, kw in cases:
            m = make(**kw)
            m.fit(Z, y, sample_weight=sw)
            pred = m.predict_proba(Zt)[:, 1] if hasattr(m, "predict_proba") else m.predict(Zt)
            record(rows, f"{case}_{'w' if weighted else 'u'}", d, m.coef_, m.intercept_, pred)
    write_ref(name, rows)


def main():
    # Numeric regression: 6 features on different scales, 3 irrelevant.
    n, nt = 200, 15
    loc = np.array([10.0, -3.0, 0.0, 100.0, 5.0, 0.0])
    sc = np.array([2.0, 0.5, 1.0, 20.0, 3.0, 0.1])
    X = loc + sc * rng.standard_normal((n + nt, 6))
    X[:, 2] += 0.6 * (X[:, 0] - 10) / 2  # correlated with x1
    y = 3 + 1.5 * X[:, 0] - 4.0 * X[:, 1] + 0.8 * X[:, 2] + rng.standard_normal(n + nt)
    w = rng.uniform(0.2, 3.0, n + nt)
    cols = [f"x{j+1}" for j in range(6)]
    regression("reg", cols, X[:n], y[:n], w[:n], X[n:],
               [("ols", 0, 0), ("ridge", 0.1, 0), ("lasso", 0.1, 1), ("enet", 0.1, 0.3)])

    # Mixed: numeric with NaN, categorical codes (level 4 of 5 never seen in
    # training; test rows have NaN, an unseen level and an out-of-range code).
    n = 240
    a = rng.standard_normal(n + nt) * 2 + 1
    b = rng.uniform(0, 10, n + nt)
    store = rng.integers(0, 4, n + nt).astype(float)
    cat = rng.integers(0, 3, n + nt).astype(float)
    y = 2 + 1.2 * a - 0.3 * b + np.array([0, 1.5, -1, 0.5])[store.astype(int)] \
        + np.array([0, -2, 2])[cat.astype(int)] + 0.5 * rng.standard_normal(n + nt)
    a[rng.uniform(size=n + nt) < 0.15] = np.nan
    cat[rng.uniform(size=n + nt) < 0.1] = np.nan
    X = np.column_stack([a, b, store, cat])
    X[n + 0, 2] = 4   # level seen only in the test rows
    X[n + 1, 2] = 7   # out of range
    X[n + 2, 3] = np.nan
    X[n + 3, 0] = np.nan
    w = rng.uniform(0.5, 2.0, n + nt)
    cols = ["a", "b", "store#5", "cat#3"]
    regression("mixed", cols, X[:n], y[:n], w[:n], X[n:],
               [("ridge", 0.05, 0), ("lasso", 0.02, 1)])

    # Binary classification.
    n = 300
    X = rng.standard_normal((n + nt, 5)) * np.array([1, 3, 0.5, 1, 10]) + np.array([0, 5, 0, -2, 50])
    eta = -0.5 + 1.0 * X[:, 0] - 0.4 * (X[:, 1] - 5) + 2.0 * X[:, 2]
    y = (rng.uniform(size=n + nt) < 1 / (1 + np.exp(-eta))).astype(float)
    w = rng.uniform(0.2, 3.0, n + nt)
    cols = [f"x{j+1}" for j in range(5)]
    glm("cls", cols, X[:n], y[:n], w[:n], X[n:], LogisticRegression, [
        ("l2", dict(C=0.5, solver="newton-cg", tol=1e-10, max_iter=10000)),
        ("l2strong", dict(C=0.01, solver="newton-cg", tol=1e-10, max_iter=10000)),
        ("none", dict(penalty=None, solver="newton-cg", tol=1e-10, max_iter=10000)),
        ("l1", dict(C=0.05, penalty="l1", solver="saga", tol=1e-12, max_iter=1000000)),
    ])

    # Counts.
    n = 250
    X = rng.standard_normal((n + nt, 4)) * np.array([1, 2, 0.3, 1]) + np.array([0, 1, 0, 3])
    mu = np.exp(0.5 + 0.4 * X[:, 0] - 0.2 * X[:, 1] + 1.0 * X[:, 2])
    y = rng.poisson(mu).astype(float)
    w = rng.uniform(0.2, 3.0, n + nt)
    cols = [f"x{j+1}" for j in range(4)]
    glm("pois", cols, X[:n], y[:n], w[:n], X[n:], PoissonRegressor, [
        ("ridge", dict(alpha=0.05, solver="newton-cholesky", tol=1e-12, max_iter=10000)),
    ])


if __name__ == "__main__":
    main()

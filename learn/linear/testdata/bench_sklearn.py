#!/usr/bin/python3
"""Time scikit-learn 1.2.1 on the shape of BenchmarkFit (bench_test.go):
100,000 rows, 56 numeric features (6 with 5% NaN) and 4 categorical with 8
levels, weighted rows, with the package's preprocessing done by sklearn
(imputer with indicators, one-hot, StandardScaler) included in the time.
Prints seconds per fit; compare with `go test -bench Fit ./linear/`.
The data is drawn like benchData, not bit for bit the same.
"""
import time
import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Lasso, LogisticRegression, PoissonRegressor, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

rng = np.random.default_rng(42)
n, p = 100_000, 60
X = rng.standard_normal((n, p))
X[:, -4:] = rng.integers(0, 8, (n, 4))
eta = 0.3 * X[:, ::3].sum(1)
X[:, :6][rng.uniform(size=(n, 6)) < 0.05] = np.nan
y = eta + rng.standard_normal(n)
yb = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
w = 0.5 + rng.uniform(size=n)
W = w.sum()


def pipe(est):
    pre = ColumnTransformer([
        ("num", SimpleImputer(add_indicator=True), list(range(p - 4))),
        ("cat", OneHotEncoder(categories=[list(range(8))] * 4, handle_unknown="ignore", sparse_output=False), list(range(p - 4, p))),
    ])
    return make_pipeline(pre, StandardScaler(), est)


cases = [
    ("ridge", Ridge(alpha=0.01 * W), y),
    ("lasso", Lasso(alpha=0.01), y),
    ("logistic", LogisticRegression(C=1.0, max_iter=1000), yb),
    ("logistic_l1", LogisticRegression(C=0.001, penalty="l1", solver="saga", max_iter=1000), yb),
    ("poisson", PoissonRegressor(alpha=0.001, solver="newton-cholesky"), yb),
]
for name, est, target in cases:
    m = pipe(est)
    t = time.perf_counter()
    m.fit(X, target, **{m.steps[-1][0] + "__sample_weight": w})
    print(f"{name:12s} {time.perf_counter() - t:.3f} s")

#!/usr/bin/python3
"""Write the XGBoost 1.7.4 reference predictions that reference_test.go checks.

Features take at most 101 distinct values (two decimals), so XGBoost's hist
cut points and promocast's bins separate the same values, and the trees are
grown depthwise to a depth of 3 (promocast grows leaf-wise with 8 leaves,
which gives the same tree when every split is worth making). Run from this
directory with Debian's python3-xgboost and python3-pandas:

    /usr/bin/python3 make_reference.py
"""
import numpy as np
import pandas as pd
import xgboost as xgb

rng = np.random.default_rng(42)
N_TRAIN, N_TEST, COLS = 400, 200, 5


def features(n):
    X = np.round(rng.uniform(0, 1, size=(n, COLS)), 2)
    X[rng.uniform(size=n) < 0.1, 4] = np.nan  # feature 4 has missing values
    return X


def targets(X):
    x4 = np.nan_to_num(X[:, 4], nan=0.8)
    mu = np.exp(0.5 + X[:, 0] + 0.8 * np.sin(3 * X[:, 1]) - 0.6 * X[:, 2] + 0.5 * x4)
    y_sq = 3 * X[:, 0] + 2 * np.sin(6 * X[:, 1]) + X[:, 2] * X[:, 3] + x4 + rng.normal(0, 0.3, len(X))
    y_pois = rng.poisson(mu).astype(float)
    p = 1 / (1 + np.exp(-(2 * X[:, 0] - 2 * X[:, 1] + x4 - 0.2)))
    y_bin = (rng.uniform(size=len(X)) < p).astype(float)
    y_tw = np.where(rng.uniform(size=len(X)) < 0.4, 0.0, rng.gamma(2.0, mu / 2.0))
    return {"y_squared": y_sq, "y_poisson": y_pois, "y_logistic": y_bin, "y_tweedie": y_tw}


Xtr, Xte = features(N_TRAIN), features(N_TEST)
ytr = targets(Xtr)

common = dict(tree_method="hist", max_bin=256, max_depth=3, eta=0.3, reg_lambda=1.0,
              min_child_weight=1.0, grow_policy="depthwise", nthread=1, seed=0)
objectives = {
    "squared": dict(objective="reg:squarederror"),
    "poisson": dict(objective="count:poisson", max_delta_step=0.0),
    "logistic": dict(objective="binary:logistic"),
    "tweedie": dict(objective="reg:tweedie", tweedie_variance_power=1.5),
}
ROUNDS = 20

cols = [f"x{j}" for j in range(COLS)]
train = pd.DataFrame(Xtr, columns=cols)
for k, v in ytr.items():
    train[k] = v
test = pd.DataFrame(Xte, columns=cols)
for name, obj in objectives.items():
    y = ytr["y_" + name]
    # base_score is given in response space; XGBoost applies the link.
    params = dict(common, **obj, base_score=float(np.mean(y)))
    booster = xgb.train(params, xgb.DMatrix(Xtr, label=y), ROUNDS)
    test["pred_" + name] = booster.predict(xgb.DMatrix(Xte))

train.to_csv("ref_train.csv", index=False, float_format="%.17g", na_rep="NaN")
test.to_csv("ref_test.csv", index=False, float_format="%.17g", na_rep="NaN")
print("xgboost", xgb.__version__)

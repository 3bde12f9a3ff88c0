#!/usr/bin/python3
"""Reference values for promocast/metric from scikit-learn 1.2.1.

Run from the metric directory with Debian's python3-sklearn:

    /usr/bin/python3 testdata/make_reference.py > testdata/reference.json

Each case stores its inputs and scikit-learn's outputs; reference_test.go
recomputes the metrics in Go and compares them to 1e-12.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn import metrics

if sklearn.__version__ != "1.2.1":
    sys.exit(f"want scikit-learn 1.2.1, have {sklearn.__version__}")

THRESHOLD = 0.5  # metric.DefaultThreshold; positive when p >= threshold


def classification(name, y, p, w=None):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    sw = None if w is None else np.asarray(w, dtype=float)
    pred = (p >= THRESHOLD).astype(float)
    return {
        "name": name,
        "y": y.tolist(),
        "p": p.tolist(),
        "w": None if w is None else sw.tolist(),
        "auc": metrics.roc_auc_score(y, p, sample_weight=sw),
        "ap": metrics.average_precision_score(y, p, sample_weight=sw),
        "logloss": metrics.log_loss(y, p, eps=1e-15, sample_weight=sw, labels=[0, 1]),
        "accuracy": metrics.accuracy_score(y, pred, sample_weight=sw),
        "precision": metrics.precision_score(y, pred, sample_weight=sw),
        "recall": metrics.recall_score(y, pred, sample_weight=sw),
        "f1": metrics.f1_score(y, pred, sample_weight=sw),
    }


def regression(name, y, p, w=None):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    sw = None if w is None else np.asarray(w, dtype=float)
    return {
        "name": name,
        "y": y.tolist(),
        "p": p.tolist(),
        "w": None if w is None else sw.tolist(),
        "r2": metrics.r2_score(y, p, sample_weight=sw),
        "rmse": metrics.mean_squared_error(y, p, sample_weight=sw, squared=False),
        "mae": metrics.mean_absolute_error(y, p, sample_weight=sw),
    }


def main():
    rng = np.random.RandomState(20240611)
    cls = [
        # Ties across classes (three rows at 0.4) and a tie at the threshold.
        classification("small_ties", [0, 0, 1, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.4, 0.5]),
        # Probabilities 0 and 1 exercise log-loss clipping.
        classification("clipped", [0, 1, 1, 0, 1], [0.0, 1.0, 0.0, 0.3, 0.9]),
    ]
    n = 300
    y = (rng.uniform(size=n) < 0.3).astype(float)
    score = 1.2 * y + rng.normal(size=n)
    p = np.round(1 / (1 + np.exp(-score)), 2)  # rounding makes many ties
    cls.append(classification("random_300_ties", y, p))
    w = np.round(rng.uniform(0, 3, size=n), 3)
    w[:10] = 0.0  # zero weights must not change anything but the sums
    cls.append(classification("random_300_weighted", y, p, w))
    p2 = 1 / (1 + np.exp(-(0.5 * y + rng.normal(size=n))))
    cls.append(classification("random_300_continuous", y, p2))

    reg = [regression("small", [3, -0.5, 2, 7], [2.5, 0.0, 2, 8])]
    yr = rng.gamma(2.0, 10.0, size=200)
    pr = yr + rng.normal(scale=5.0, size=200)
    reg.append(regression("random_200", yr, pr))
    wr = np.round(rng.uniform(0.1, 2, size=200), 3)
    reg.append(regression("random_200_weighted", yr, pr, wr))
    reg.append(regression("constant_perfect", [4, 4, 4], [4, 4, 4]))
    reg.append(regression("constant_imperfect", [4, 4, 4], [4, 5, 4]))

    out = {"sklearn": sklearn.__version__, "threshold": THRESHOLD,
           "classification": cls, "regression": reg}
    json.dump(out, sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

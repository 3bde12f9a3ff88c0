#!/usr/bin/python3
"""Helper of gbdt_vs_xgboost.sh: data generation, the XGBoost and
scikit-learn sides of the benchmark, scoring and the result table.

Subcommands:
  gen DIR ROWS TEST_ROWS [COLS]
                              write DIR/train.csv and DIR/test.csv with COLS
                              features (default 50, at least 20)
  xgb-train TRAIN MODEL       read the CSV, build a DMatrix, train, save
  xgb-predict MODEL TEST OUT  predict TEST into OUT (one "prediction" column)
  hgb-train TRAIN MODEL       the same with scikit-learn's
  hgb-predict MODEL TEST OUT  HistGradientBoostingRegressor (pickled model)
  rmse TEST PRED              RMSE of PRED's "prediction" against TEST's y
  report PC_TIME XGB_TIME HGB_TIME PC_RMSE XGB_RMSE HGB_RMSE
                              print the comparison table from three
                              `/usr/bin/time -v` outputs and the RMSEs

Uses only Debian's python3-numpy, python3-pandas, python3-xgboost (1.7.4)
and python3-sklearn (1.2).
"""
import re
import sys

import numpy as np
import pandas as pd

SEED = 20240611
CHUNK = 100_000

# The training settings both learners share; gbdt_vs_xgboost.sh passes the
# same values to promocast.
ROUNDS, DEPTH, LEAVES, ETA, BINS, THREADS = 200, 8, 255, 0.1, 255, 2


def signal(x):
    """Non-linear target: Friedman #1 on x0..x4, a threshold interaction, a
    periodic term, a product, small linear effects on x10..x19; x20 and up
    are pure noise features."""
    y = (10 * np.sin(np.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2
         + 10 * x[:, 3] + 5 * x[:, 4]
         + 3 * (x[:, 5] > 0.5) * x[:, 6] + 2 * np.cos(4 * np.pi * x[:, 7])
         + 4 * x[:, 8] * x[:, 9] + 0.5 * x[:, 10:20].sum(axis=1))
    return y


def write_table(path, rows, cols, rng):
    """Writes rows of uniform features and noisy target in chunks, so that
    memory stays small; the values have 6 significant digits."""
    names = [f"x{j}" for j in range(cols)] + ["y"]
    with open(path, "w") as fh:
        fh.write(",".join(names) + "\n")
        done = 0
        while done < rows:
            n = min(CHUNK, rows - done)
            x = rng.random((n, cols))
            y = signal(x) + rng.normal(0, 1, n)
            pd.DataFrame(np.column_stack([x, y])).to_csv(fh, header=False, index=False, float_format="%.6g")
            done += n


def gen(out, rows, test_rows, cols=50):
    cols = int(cols)
    if cols < 20:
        sys.exit(f"gen: COLS is {cols}: the signal needs at least 20 features")
    rng = np.random.default_rng(SEED)
    write_table(f"{out}/train.csv", int(rows), cols, rng)
    write_table(f"{out}/test.csv", int(test_rows), cols, rng)


def xgb_train(train, model):
    import xgboost as xgb
    df = pd.read_csv(train)
    y = df.pop("y").to_numpy()
    dtrain = xgb.DMatrix(df, label=y, nthread=THREADS)
    params = {
        "objective": "reg:squarederror",
        "tree_method": "hist",
        # promocast grows best-first up to MaxLeaves and MaxDepth: lossguide.
        "grow_policy": "lossguide",
        "max_depth": DEPTH,
        "max_leaves": LEAVES,
        "eta": ETA,
        "max_bin": BINS,
        "lambda": 1.0,
        "min_child_weight": 1.0,
        # promocast starts from the mean; XGBoost 1.7 would start from 0.5.
        "base_score": float(y.mean()),
        "nthread": THREADS,
        "seed": 1,
    }
    booster = xgb.train(params, dtrain, num_boost_round=ROUNDS)
    booster.save_model(model)


def xgb_predict(model, test, out):
    import xgboost as xgb
    booster = xgb.Booster(model_file=model)
    df = pd.read_csv(test).drop(columns=["y"])
    p = booster.predict(xgb.DMatrix(df, nthread=THREADS))
    pd.DataFrame({"prediction": p}).to_csv(out, index=False)


def hgb_train(train, model):
    import pickle
    from sklearn.ensemble import HistGradientBoostingRegressor
    df = pd.read_csv(train)
    y = df.pop("y").to_numpy()
    # The same trees: best-first up to 255 leaves and depth 8, 255 bins,
    # L2 1, leaves down to one row (min_child_weight 1 with unit hessians),
    # all 200 rounds (no early stopping, which scikit-learn would otherwise
    # turn on above 10,000 rows). Threads come from OMP_NUM_THREADS.
    est = HistGradientBoostingRegressor(
        max_iter=ROUNDS, learning_rate=ETA, max_leaf_nodes=LEAVES, max_depth=DEPTH,
        max_bins=BINS, l2_regularization=1.0, min_samples_leaf=1,
        early_stopping=False, random_state=1)
    est.fit(df.to_numpy(), y)
    with open(model, "wb") as fh:
        pickle.dump(est, fh)


def hgb_predict(model, test, out):
    import pickle
    with open(model, "rb") as fh:
        est = pickle.load(fh)
    df = pd.read_csv(test).drop(columns=["y"])
    pd.DataFrame({"prediction": est.predict(df.to_numpy())}).to_csv(out, index=False)


def rmse(test, pred):
    y = pd.read_csv(test, usecols=["y"])["y"].to_numpy()
    p = pd.read_csv(pred, usecols=["prediction"])["prediction"].to_numpy()
    if len(y) != len(p):
        sys.exit(f"{pred} has {len(p)} rows, {test} has {len(y)}")
    print(f"{np.sqrt(np.mean((y - p) ** 2)):.6f}")


def parse_time(path):
    """Returns (wall seconds, peak RSS in MiB, CPU seconds: user + system)
    from `/usr/bin/time -v`."""
    text = open(path).read()
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    parts = [float(p) for p in m.group(1).split(":")]
    wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    cpu = sum(float(re.search(rf"{k} time \(seconds\): (\S+)", text).group(1)) for k in ("User", "System"))
    return wall, rss, cpu


def report(pc_time, xgb_time, hgb_time, pc_rmse, xgb_rmse, hgb_rmse):
    pw, pm, pc = parse_time(pc_time)
    xw, xm, xc = parse_time(xgb_time)
    hw, hm, hc = parse_time(hgb_time)
    pr, xr, hr = float(pc_rmse), float(xgb_rmse), float(hgb_rmse)
    print(f"{'':16}{'promocast':>11}{'xgboost':>11}{'sklearn HGB':>13}{'pc/xgboost':>12}{'pc/HGB':>10}")
    print(f"{'wall time (s)':16}{pw:11.1f}{xw:11.1f}{hw:13.1f}{pw / xw:12.2f}{pw / hw:10.2f}")
    # CPU time is the fairer figure when other work shares the cores.
    print(f"{'CPU time (s)':16}{pc:11.1f}{xc:11.1f}{hc:13.1f}{pc / xc:12.2f}{pc / hc:10.2f}")
    print(f"{'peak RSS (MiB)':16}{pm:11.0f}{xm:11.0f}{hm:13.0f}{pm / xm:12.2f}{pm / hm:10.2f}")
    print(f"{'test RMSE':16}{pr:11.4f}{xr:11.4f}{hr:13.4f}{pr / xr:12.4f}{pr / hr:10.4f}")


def main(argv):
    cmds = {"gen": gen, "xgb-train": xgb_train, "xgb-predict": xgb_predict,
            "hgb-train": hgb_train, "hgb-predict": hgb_predict, "rmse": rmse, "report": report}
    if len(argv) < 2 or argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[argv[1]](*argv[2:])


if __name__ == "__main__":
    main(sys.argv)

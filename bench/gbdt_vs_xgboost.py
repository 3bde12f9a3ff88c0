#!/usr/bin/python3
"""Helper of gbdt_vs_xgboost.sh: data generation, the XGBoost side of the
benchmark, scoring and the result table.

Subcommands:
  gen DIR ROWS TEST_ROWS      write DIR/train.csv and DIR/test.csv
  xgb-train TRAIN MODEL       read the CSV, build a DMatrix, train, save
  xgb-predict MODEL TEST OUT  predict TEST into OUT (one "prediction" column)
  rmse TEST PRED              RMSE of PRED's "prediction" against TEST's y
  report PC_TIME XGB_TIME PC_RMSE XGB_RMSE
                              print the comparison table from two
                              `/usr/bin/time -v` outputs and the two RMSEs

Uses only Debian's python3-numpy, python3-pandas and python3-xgboost (1.7.4).
"""
import re
import sys

import numpy as np
import pandas as pd

COLS = 50
SEED = 20240611
CHUNK = 100_000

# The training settings both learners share; gbdt_vs_xgboost.sh passes the
# same values to promocast.
ROUNDS, DEPTH, LEAVES, ETA, BINS, THREADS = 200, 8, 255, 0.1, 255, 2


def signal(x):
    """Non-linear target: Friedman #1 on x0..x4, a threshold interaction, a
    periodic term, a product, small linear effects on x10..x19; x20..x49 are
    pure noise features."""
    y = (10 * np.sin(np.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2
         + 10 * x[:, 3] + 5 * x[:, 4]
         + 3 * (x[:, 5] > 0.5) * x[:, 6] + 2 * np.cos(4 * np.pi * x[:, 7])
         + 4 * x[:, 8] * x[:, 9] + 0.5 * x[:, 10:20].sum(axis=1))
    return y


def write_table(path, rows, rng):
    """Writes rows of uniform features and noisy target in chunks, so that
    memory stays small; the values have 6 significant digits."""
    names = [f"x{j}" for j in range(COLS)] + ["y"]
    with open(path, "w") as fh:
        fh.write(",".join(names) + "\n")
        done = 0
        while done < rows:
            n = min(CHUNK, rows - done)
            x = rng.random((n, COLS))
            y = signal(x) + rng.normal(0, 1, n)
            pd.DataFrame(np.column_stack([x, y])).to_csv(fh, header=False, index=False, float_format="%.6g")
            done += n


def gen(out, rows, test_rows):
    rng = np.random.default_rng(SEED)
    write_table(f"{out}/train.csv", int(rows), rng)
    write_table(f"{out}/test.csv", int(test_rows), rng)


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


def rmse(test, pred):
    y = pd.read_csv(test, usecols=["y"])["y"].to_numpy()
    p = pd.read_csv(pred, usecols=["prediction"])["prediction"].to_numpy()
    if len(y) != len(p):
        sys.exit(f"{pred} has {len(p)} rows, {test} has {len(y)}")
    print(f"{np.sqrt(np.mean((y - p) ** 2)):.6f}")


def parse_time(path):
    """Returns (wall seconds, peak RSS in MiB) from `/usr/bin/time -v`."""
    text = open(path).read()
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    parts = [float(p) for p in m.group(1).split(":")]
    wall = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return wall, rss


def report(pc_time, xgb_time, pc_rmse, xgb_rmse):
    pw, pm = parse_time(pc_time)
    xw, xm = parse_time(xgb_time)
    pr, xr = float(pc_rmse), float(xgb_rmse)
    print(f"{'':22}{'promocast':>12}{'xgboost':>12}{'promocast/xgboost':>20}")
    print(f"{'wall time (s)':22}{pw:12.1f}{xw:12.1f}{pw / xw:20.2f}")
    print(f"{'peak RSS (MiB)':22}{pm:12.0f}{xm:12.0f}{pm / xm:20.2f}")
    print(f"{'test RMSE':22}{pr:12.4f}{xr:12.4f}{pr / xr:20.4f}")


def main(argv):
    cmds = {"gen": gen, "xgb-train": xgb_train, "xgb-predict": xgb_predict, "rmse": rmse, "report": report}
    if len(argv) < 2 or argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[argv[1]](*argv[2:])


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/python3
"""XGBoost peer for the accuracy suite: the forecaster a careful practitioner writes for a
long-format sales panel, generalised from ../shared/bench/breakfast_peer.py.

Features at each forecast origin: log1p units lagged at the origin (the last observed value and
its age), rolling means over several windows, a rolling spread, the value one season earlier,
the share of promoted periods, and the known covariates of the forecast period as given (prices,
promotion flags, and any cross prices), the discount against the regular price (a column, or
the trailing 13-period maximum when the spec infers it), the price relative to the series' own
mean, steps ahead, the position in the season, static attributes and key codes. One XGBoost model
per fold over every step of the horizon, trained on log1p units; predictions are expm1.

It forecasts every row of every fold window, on promocast's folds: origin_k = last - gap -
horizon * (folds - k) on the period grid, scoring origin+gap+1 .. origin+gap+horizon.

Usage: peer.py CONFIG.json OUT.csv
CONFIG: {"data": path, "time": col, "kind": "week"|"day"|"period", "keys": [...], "target": col,
         "known": [...], "static": [...], "price": col or null, "regular": col, "infer" or null,
         "flags": [...], "season": int, "windows": [...], "folds": F, "horizon": H, "gap": G,
         "stride": int (origins used for training rows, every stride-th period), "threads": n}
Writes series,period,fold,forecast (series = keys joined with "|", period = the time value).
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import numpy as np
import pandas as pd
import xgboost as xgb

cfg = json.load(open(sys.argv[1]))
out_path = sys.argv[2]
df = pd.read_csv(cfg["data"])
keys, target = cfg["keys"], cfg["target"]
known, static = cfg["known"], cfg.get("static", [])
price, regular = cfg.get("price"), cfg.get("regular")

# Period grid, as promocast builds it: integers as they are; days since the epoch; weeks from the
# first date.
tcol = df[cfg["time"]]
if cfg["kind"] == "period":
    per = tcol.astype(int).values
elif cfg["kind"] == "day":
    per = (pd.to_datetime(tcol).values.astype("datetime64[D]").astype(int))
else:
    d = pd.to_datetime(tcol).values.astype("datetime64[D]").astype(int)
    per = (d - d.min()) // 7
df["_p"] = per
first, last = int(per.min()), int(per.max())
T = last - first + 1
df["_t"] = df["_p"] - first
df["_id"] = df[keys].astype(str).agg("|".join, axis=1) if keys else "all"
ids = sorted(df["_id"].unique())
sidx = {s: i for i, s in enumerate(ids)}
df["_s"] = df["_id"].map(sidx)
S = len(ids)
label = {}
for p, v in zip(df["_t"].values, tcol.astype(str).values):
    label[int(p)] = v

def grid(col):
    m = np.full((S, T), np.nan)
    m[df["_s"].values, df["_t"].values] = pd.to_numeric(df[col], errors="coerce").values
    return m

U = grid(target)
Y = np.log1p(U)
K = {c: grid(c) for c in known}
if regular == "infer" and price:
    P = K[price]
    R = np.full_like(P, np.nan)
    for t in range(T):
        with np.errstate(all="ignore"):
            R[:, t] = np.nanmax(P[:, max(0, t - 12): t + 1], axis=1)
    K["_regular"] = R
    regular = "_regular"
mean_price = np.nanmean(K[price], axis=1) if price else None
flags = cfg.get("flags", [])
season = int(cfg.get("season", 0))
windows = cfg["windows"]
codes = {}
for c in static + keys:
    codes[c] = pd.Series(pd.factorize(df[c])[0], index=df.index).groupby(df["_s"]).first().reindex(range(S)).values

promo = np.zeros((S, T))
if price and regular:
    with np.errstate(all="ignore"):
        promo = np.where(1 - K[price] / K[regular] >= 0.05, 1.0, 0.0)
for f in flags:
    promo = np.maximum(promo, np.where(np.nan_to_num(K[f]) > 0, 1.0, 0.0))
promo[np.isnan(U)] = np.nan

def hist_feats(o):
    """Features of every series from targets up to period index o."""
    h = Y[:, : o + 1]
    out = {}
    last_v = np.full(S, np.nan)
    age = np.full(S, np.nan)
    for j in range(h.shape[1] - 1, max(-1, h.shape[1] - 2 * windows[-1]), -1):
        m = np.isnan(last_v) & ~np.isnan(h[:, j])
        last_v[m] = h[m, j]
        age[m] = h.shape[1] - 1 - j
    out["last"], out["age"] = last_v, age
    with np.errstate(all="ignore"):
        for w in windows:
            out[f"m{w}"] = np.nanmean(h[:, max(0, o + 1 - w):], axis=1)
        mid = windows[len(windows) // 2]
        out["sd"] = np.nanstd(h[:, max(0, o + 1 - mid):], axis=1)
        out["promo_rate"] = np.nanmean(promo[:, max(0, o + 1 - windows[-1]): o + 1], axis=1)
    return out

def rows(t, h):
    X = pd.DataFrame(hist_feats(t - h))
    X["h"] = h
    if season > 1:
        X["pos"] = (t + first) % season
        X["ly"] = Y[:, t - season] if t - season >= 0 else np.nan
    for c in known:
        X[c] = K[c][:, t]
    if price and regular:
        with np.errstate(all="ignore"):
            X["disc"] = 1 - K[price][:, t] / K[regular][:, t]
            X["rel_price"] = K[price][:, t] / mean_price
    for c, v in codes.items():
        X["code_" + c] = v
    return X, Y[:, t]

F, H, G = cfg["folds"], cfg["horizon"], cfg["gap"]
steps = list(range(G + 1, G + H + 1))
stride = int(cfg.get("stride", 1))
warm = max(windows[-1] // 2, 8)
t0 = time.time()
res = []
for k in range(1, F + 1):
    o = (T - 1) - G - H * (F - k + 1)
    Xs, ys = [], []
    for t in range(o, warm, -stride):
        for h in steps:
            if t - h < warm:
                continue
            X, y = rows(t, h)
            m = ~np.isnan(y)
            Xs.append(X[m])
            ys.append(y[m])
    Xtr = pd.concat(Xs)
    ytr = np.concatenate(ys)
    model = xgb.XGBRegressor(n_estimators=400, max_depth=8, learning_rate=0.05, subsample=0.8,
                             colsample_bytree=0.8, tree_method="hist",
                             nthread=int(cfg.get("threads", 2)), random_state=1)
    model.fit(Xtr, ytr)
    for h in steps:
        t = o + h
        X, y = rows(t, h)
        m = ~np.isnan(y)
        pred = np.maximum(np.expm1(model.predict(X[m])), 0)
        for s, f in zip(np.nonzero(m)[0], pred):
            res.append((ids[s], label[t], k, f))
    print(f"peer fold {k}/{F} origin {o + first}: {len(Xtr)} training rows, {time.time() - t0:.0f}s",
          file=sys.stderr)
pd.DataFrame(res, columns=["series", "period", "fold", "forecast"]).to_csv(out_path, index=False)

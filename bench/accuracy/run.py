#!/usr/bin/python3
"""The accuracy suite: promocast's default pipeline, as a newcomer runs it, against an XGBoost
peer (peer.py) on every real panel in ../shared/data and the demo shop, on the same folds and
the same scored rows, with one metric code for both.

Usage: bench/accuracy/run.sh [dataset ...]   (datasets: breakfast tuna cheese pizza pizza_wide demo; default all)

For each dataset it runs `promocast backtest` with the default model and the other candidates,
then peer.py on the same folds, joins the predictions on (series, period) and prints one table:
WAPE, MAPE, WAPE on promotion periods, P10-P90 coverage and bias for the default, the best
promocast model on these folds and the peer. Metrics: WAPE = sum|a-f|/sum a; MAPE = mean
|a-f|/a over a > 0; bias = sum(f-a)/sum a; coverage = share of actuals inside P10..P90 (rows of
the first fold, which has no earlier fold to calibrate on, are not counted). A second table gives
the bias of the default's expected units (predictions.csv's expected column) on those rows. On
the small panels (tuna, cheese) it also trains on each fold's history and forecasts the fold's
periods as a plan, the forecast a planner reads, and scores it beside the backtest's forecasts.
Set PROMOCAST_SUITE_OUT to keep the working folder.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.environ.get("PROMOCAST_SHARED_DATA", os.path.join(os.path.dirname(ROOT), "shared", "data"))
BIN = os.environ.get("PROMOCAST_BIN", os.path.join(ROOT, "promocast"))
# The model `promocast train` fits when no --model is given, and the others the suite compares.
DEFAULT = "default"
OTHERS = []

DATASETS = {
    "breakfast": dict(
        data=f"{DATA}/breakfast_at_the_frat/transaction.csv.gz", spec=f"{ROOT}/examples/breakfast/spec.yaml",
        folds=6, horizon=2, gap=1,
        peer=dict(time="week_end_date", kind="week", keys=["store_id", "upc_id"], target="units",
                  known=["price", "base_price", "feature", "display", "tpr_only"], price="price",
                  regular="base_price", flags=["feature", "display", "tpr_only"], season=52,
                  windows=[4, 8, 13, 26, 52])),
    "tuna": dict(
        data=f"{DATA}/tuna/tuna.csv", spec=f"{HERE}/tuna.yaml", folds=20, horizon=2, gap=1,
        peer=dict(time="week", kind="period", keys=["brand"], target="units", known=["price", "promotion"],
                  static=["manufacturer"], price="price", regular="infer", flags=["promotion"], season=52,
                  windows=[4, 8, 13, 26, 52])),
    "cheese": dict(
        data=f"{DATA}/cheese/cheese.csv", spec=f"{HERE}/cheese.yaml", folds=8, horizon=2, gap=1,
        peer=dict(time="week", kind="period", keys=["retailer"], target="units", known=["price", "display"],
                  static=["market"], price="price", regular="infer", flags=["display"], season=0,
                  windows=[4, 8, 13, 26])),
    # Derived from Breakfast at the Frat at run time (derive_pizza): a panel with many cross prices.
    "pizza": dict(
        data=None, spec=f"{HERE}/pizza.yaml", folds=6, horizon=2, gap=1,
        peer=dict(time="week_end_date", kind="week", keys=["store_id", "brand"], target="units",
                  known=["price", "feature", "display"] + [f"cross{k}" for k in range(1, 13)], price="price",
                  regular="infer", flags=["feature", "display"], season=52, windows=[4, 8, 13, 26, 52])),
    # The same panel with no price lever: each row's own price only among the twelve.
    "pizza_wide": dict(
        data=None, spec=f"{HERE}/pizza_wide.yaml", folds=6, horizon=2, gap=1,
        peer=dict(time="week_end_date", kind="week", keys=["store_id", "brand"], target="units",
                  known=["feature", "display"] + [f"cross{k}" for k in range(1, 13)], price=None,
                  regular=None, flags=["feature", "display"], season=52, windows=[4, 8, 13, 26, 52])),
    "demo": dict(
        data=None, spec=None, folds=3, horizon=31, gap=0,
        peer=dict(time="date", kind="day", keys=["sku"], target="units",
                  known=["price", "regular_price", "discount", "feature", "display", "coupon"],
                  static=["category", "brand", "price_tier"], price="price", regular="regular_price",
                  flags=["discount", "feature", "display", "coupon"], season=7, windows=[7, 14, 28, 56, 91],
                  stride=7)),
}


def run(cmd, **kw):
    print("$ " + " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, **kw)


def scores(d, col, lo=None, hi=None):
    a, f = d["actual"].values, d[col].values
    pos = a > 0
    out = {
        "wape": np.abs(a - f).sum() / a.sum(),
        "mape": np.mean(np.abs(a[pos] - f[pos]) / a[pos]),
        "bias": (f - a).sum() / a.sum(),
    }
    pr = d["promoted"].values == 1
    out["wape_promo"] = np.abs(a[pr] - f[pr]).sum() / a[pr].sum() if pr.any() else np.nan
    out["cover"] = np.nan
    out["bias_expected"], out["bias_point_same_rows"] = np.nan, np.nan
    if "expected" in d and d["expected"].notna().any():
        e = d["expected"].notna().values
        out["bias_expected"] = (d["expected"].values[e] - a[e]).sum() / a[e].sum()
        out["bias_point_same_rows"] = (f[e] - a[e]).sum() / a[e].sum()
    if lo is not None:
        ok = ~np.isnan(d[lo].values)
        if ok.any():
            out["cover"] = np.mean((a[ok] >= d[lo].values[ok]) & (a[ok] <= d[hi].values[ok]))
    return out


def derive_pizza(path):
    """Writes the pizza panel: Breakfast at the Frat's frozen pizzas, a row per store, pizza and
    week it sold, with every pizza's shelf price in that store and week (carried forward, then back,
    within the store; empty where the pizza never sold there) as cross1..cross12, brands numbered in
    the order of their UPCs. Returns False when Breakfast at the Frat is absent."""
    src = f"{DATA}/breakfast_at_the_frat"
    if not os.path.exists(f"{src}/transaction.csv.gz"):
        return False
    products = pd.read_csv(f"{src}/product.csv")
    t = pd.read_csv(f"{src}/transaction.csv.gz")
    t = t[t.upc_id.isin(products.upc_id[products.category == "FROZEN PIZZA"])].copy()
    t["brand"] = t.upc_id.map({u: k + 1 for k, u in enumerate(sorted(t.upc_id.unique()))})
    prices = t.pivot_table(index=["store_id", "week_end_date"], columns="brand", values="price")
    prices.columns = [f"cross{b}" for b in prices.columns]
    prices = prices.sort_index().groupby(level=0).ffill().groupby(level=0).bfill().reset_index()
    out = t[["store_id", "brand", "week_end_date", "units", "price", "feature", "display"]]
    out.merge(prices, on=["store_id", "week_end_date"]).sort_values(["store_id", "brand", "week_end_date"]).to_csv(path, index=False)
    return True


def dataset(name, cfg, work):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    if name.startswith("pizza"):
        cfg["data"] = os.path.join(d, "pizza.csv")
        if not derive_pizza(cfg["data"]):
            print(f"{name}: Breakfast at the Frat is absent: skipped", file=sys.stderr)
            return None
    if name == "demo":
        run([BIN, "demo", "--out", os.path.join(d, "shop")], stdout=subprocess.DEVNULL)
        cfg["data"] = os.path.join(d, "shop", "history.csv")
        cfg["spec"] = os.path.join(d, "shop", "spec.yaml")
    if not os.path.exists(cfg["data"]):
        print(f"{name}: {cfg['data']} is absent: skipped", file=sys.stderr)
        return None
    t0 = time.time()
    run([BIN, "backtest", "--data", cfg["data"], "--spec", cfg["spec"], "--folds", str(cfg["folds"]),
         "--horizon", str(cfg["horizon"]), "--gap", str(cfg["gap"]), "--models", ",".join([DEFAULT] + OTHERS),
         "--out", os.path.join(d, "bt")], stdout=subprocess.DEVNULL)
    t1 = time.time()
    pc = dict(cfg["peer"], data=cfg["data"], folds=cfg["folds"], horizon=cfg["horizon"], gap=cfg["gap"])
    with open(os.path.join(d, "peer.json"), "w") as f:
        json.dump(pc, f)
    run(["/usr/bin/python3", os.path.join(HERE, "peer.py"), os.path.join(d, "peer.json"), os.path.join(d, "peer.csv")])
    t2 = time.time()
    pred = pd.read_csv(os.path.join(d, "bt", "predictions.csv"), dtype={"series": str, "period": str})
    peer = pd.read_csv(os.path.join(d, "peer.csv"), dtype={"series": str, "period": str})
    peer = peer.rename(columns={"forecast": "peer"})[["series", "period", "peer"]]
    res = {"seconds_promocast": t1 - t0, "seconds_peer": t2 - t1}
    for m, g in pred.groupby("model"):
        j = g.merge(peer, on=["series", "period"], how="inner")
        if len(j) != len(g):
            print(f"{name}: {len(g) - len(j)} of {len(g)} rows of {m} have no peer forecast", file=sys.stderr)
        res[m] = scores(j, "forecast", "p10", "p90")
        res["rows"] = len(j)
        if m == DEFAULT:
            res["peer"] = scores(j, "peer")
    return res


# Metamorphic checks: five columns of noise given as known covariates, or a known covariate given
# twice, should change the default's WAPE by at most 1% relative. Run on the small panels. A third
# gives five columns of noise that are the same for every series of a period (as a rival's price
# or the weather is): read row by row such a column names the period, and trees can learn the
# period's shock from it on the periods they saw, which tells nothing about later ones.
METAMORPHIC = ["tuna", "cheese"]


def metamorphic(name, cfg, work, base):
    d = os.path.join(work, name)
    df = pd.read_csv(cfg["data"])
    spec = open(cfg["spec"]).read()
    first_known = spec.split("known: [", 1)[1].split(",")[0].split("]")[0].strip()
    rng = np.random.default_rng(7)
    out = {}
    tcol = cfg["peer"]["time"]
    periods = df[tcol].unique()
    checks = (("noise", [f"noise{k}" for k in range(5)]), ("duplicate", [first_known + "_copy"]),
              ("period_noise", [f"period_noise{k}" for k in range(5)]))
    for label, cols in checks:
        dd = df.copy()
        for c in cols:
            if label == "noise":
                dd[c] = rng.normal(size=len(dd))
            elif label == "period_noise":
                dd[c] = dd[tcol].map(dict(zip(periods, rng.normal(size=len(periods)))))
            else:
                dd[c] = dd[first_known]
        data = os.path.join(d, f"{label}.csv")
        dd.to_csv(data, index=False)
        sp = os.path.join(d, f"{label}.yaml")
        with open(sp, "w") as f:
            f.write(spec.replace("known: [", "known: [" + ", ".join(cols) + ", ", 1))
        bt = os.path.join(d, f"bt-{label}")
        run([BIN, "backtest", "--data", data, "--spec", sp, "--folds", str(cfg["folds"]), "--horizon", str(cfg["horizon"]),
             "--gap", str(cfg["gap"]), "--models", DEFAULT, "--out", bt], stdout=subprocess.DEVNULL)
        pred = pd.read_csv(os.path.join(bt, "predictions.csv"))
        g = pred[pred.model == DEFAULT]
        out[label] = np.abs(g.actual - g.forecast).sum() / g.actual.sum() / base - 1
    return out


# Cross prices: a known column that carries no signal must not make the forecast worse, and one
# that does should help. On the pizza panel the default and the peer are run again without the
# twelve cross prices, on the same folds, and the change of each one's WAPE and MAPE is printed.
CROSS = ["pizza"]


def without_cross(name, cfg, work):
    d = os.path.join(work, name, "own-prices")
    os.makedirs(d, exist_ok=True)
    sp = os.path.join(d, "spec.yaml")
    with open(sp, "w") as f:
        f.write(open(cfg["spec"]).read().replace(", " + ", ".join(f"cross{k}" for k in range(1, 13)), ""))
    bt = os.path.join(d, "bt")
    run([BIN, "backtest", "--data", cfg["data"], "--spec", sp, "--folds", str(cfg["folds"]), "--horizon", str(cfg["horizon"]),
         "--gap", str(cfg["gap"]), "--models", DEFAULT, "--out", bt], stdout=subprocess.DEVNULL)
    pc = dict(cfg["peer"], data=cfg["data"], folds=cfg["folds"], horizon=cfg["horizon"], gap=cfg["gap"])
    pc["known"] = [c for c in pc["known"] if not c.startswith("cross")]
    with open(os.path.join(d, "peer.json"), "w") as f:
        json.dump(pc, f)
    run(["/usr/bin/python3", os.path.join(HERE, "peer.py"), os.path.join(d, "peer.json"), os.path.join(d, "peer.csv")])
    pred = pd.read_csv(os.path.join(bt, "predictions.csv"), dtype={"series": str, "period": str})
    peer = pd.read_csv(os.path.join(d, "peer.csv"), dtype={"series": str, "period": str})
    j = pred[pred.model == DEFAULT].merge(peer.rename(columns={"forecast": "peer"})[["series", "period", "peer"]],
                                          on=["series", "period"], how="inner")
    return {"default": scores(j, "forecast"), "peer": scores(j, "peer")}


# The forecast a planner reads is `promocast forecast` of a plan, which with the effect model can
# differ from the backtest's trees on promoted rows (a baseline held under the uplift raises the
# forecast). On the small panels the suite also trains on each fold's history and forecasts its
# scored periods as a plan, and scores that beside the backtest's forecasts of the same rows.
THROUGH_FORECAST = ["tuna", "cheese"]


def through_forecast(name, cfg, work, pred):
    d = os.path.join(work, name, "through-forecast")
    os.makedirs(d, exist_ok=True)
    pc = cfg["peer"]
    tcol, key, target = pc["time"], pc["keys"][0], pc["target"]
    df = pd.read_csv(cfg["data"])
    g = pred[pred.model == DEFAULT].copy()
    g["t"] = g["period"].astype(int)
    rows, skipped = [], 0
    for fold, fg in g.groupby("fold"):
        origin = fg["t"].min() - cfg["gap"] - 1
        hist, plan = os.path.join(d, f"h{fold}.csv"), os.path.join(d, f"p{fold}.csv")
        df[df[tcol] <= origin].to_csv(hist, index=False)
        # The plan holds every period after the origin up to the fold's last, the gap's
        # too (a planner knows its prices and promotions); only the fold's rows are scored.
        df[(df[tcol] > origin) & (df[tcol] <= fg["t"].max())].drop(columns=[target]).to_csv(plan, index=False)
        model, out = os.path.join(d, f"m{fold}.json"), os.path.join(d, f"f{fold}.csv")
        try:
            run([BIN, "train", "--data", hist, "--spec", cfg["spec"], "--horizon", str(cfg["horizon"]), "--gap",
                 str(cfg["gap"]), "--out", model], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            run([BIN, "forecast", "--model", model, "--data", hist, "--spec", cfg["spec"], "--plan", plan, "--out", out],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except subprocess.CalledProcessError:
            skipped += 1
            continue
        f = pd.read_csv(out, dtype={key: str})
        f = f.rename(columns={key: "series", tcol: "t", "forecast": "through"})[["series", "t", "through"]]
        rows.append(fg.assign(series=fg["series"].astype(str)).merge(f, on=["series", "t"], how="inner"))
    if not rows:
        return None
    j = pd.concat(rows)
    return {"through": scores(j, "through"), "backtest": scores(j, "forecast"), "rows": len(j), "skipped": skipped,
            "changed": int((np.abs(j["through"] - j["forecast"]) > 1e-6 * np.maximum(1, j["forecast"])).sum())}


def pct(v):
    return "     -" if v is None or np.isnan(v) else f"{100 * v:5.1f}%"


def main():
    names = sys.argv[1:] or list(DATASETS)
    work = os.environ.get("PROMOCAST_SUITE_OUT") or tempfile.mkdtemp(prefix="promocast-accuracy-")
    results = {}
    for n in names:
        cfg = dict(DATASETS[n])
        r = dataset(n, cfg, work)
        if r:
            if n in METAMORPHIC:
                r["metamorphic"] = metamorphic(n, dict(DATASETS[n]), work, r[DEFAULT]["wape"])
            if n in CROSS:
                r["cross"] = without_cross(n, cfg, work)
            if n in THROUGH_FORECAST:
                pred = pd.read_csv(os.path.join(work, n, "bt", "predictions.csv"), dtype={"series": str, "period": str})
                r["through_forecast"] = through_forecast(n, dict(DATASETS[n]), work, pred)
            results[n] = r
    print(f"\naccuracy suite: promocast default vs best promocast model vs XGBoost peer, same folds and rows")
    print(f"(work folder {work})\n")
    head = f"{'dataset':10} {'rows':>6}  {'':12}" + "".join(f"{h:>8}" for h in
                                                           ["WAPE", "MAPE", "WAPE pr", "P10-P90", "bias"])
    print(head)
    for n, r in results.items():
        models = [m for m in r if m not in ("peer", "rows", "metamorphic", "through_forecast", "cross") and not m.startswith("seconds")]
        best = min((m for m in models if m != DEFAULT), key=lambda m: r[m]["wape"])
        for label, key in (("default", DEFAULT), (f"best {best}", best), ("peer", "peer")):
            s = r[key]
            print(f"{n if label == 'default' else '':10} {r['rows'] if label == 'default' else '':>6}  {label:12}"
                  + "".join(f"{pct(s[k]):>8}" for k in ["wape", "mape", "wape_promo", "cover", "bias"]))
        dv, pv = r[DEFAULT], r["peer"]
        rel = {k: 1 - dv[k] / pv[k] for k in ("wape", "mape", "wape_promo")}
        print(f"{'':10} {'':>6}  {'vs peer':12}" + "".join(f"{100 * rel[k]:+7.1f}%" for k in ("wape", "mape", "wape_promo"))
              + f"   (promocast {r['seconds_promocast']:.0f}s, peer {r['seconds_peer']:.0f}s)")
    print("\nbias of the default's expected units (forecast times the earlier folds' ratio of actuals to\n"
          "forecasts: what sums and money use; rows after the first fold), beside its point's on those rows")
    for n, r in results.items():
        s = r[DEFAULT]
        print(f"{n:10} expected {pct(s['bias_expected']):>7}   point {pct(s['bias_point_same_rows']):>7}")
    tf = {n: r["through_forecast"] for n, r in results.items() if r.get("through_forecast")}
    if tf:
        print("\nthe default through `promocast forecast` of each fold's periods as a plan, beside the backtest's\n"
              "forecasts of the same rows (WAPE / MAPE / WAPE pr / bias)")
        for n, t in tf.items():
            a, b = t["through"], t["backtest"]
            print(f"{n:10} {t['rows']:>5} rows  forecast" + "".join(f"{pct(a[k]):>8}" for k in ["wape", "mape", "wape_promo", "bias"])
                  + "   backtest" + "".join(f"{pct(b[k]):>8}" for k in ["wape", "mape", "wape_promo", "bias"])
                  + f"   ({t['changed']} rows differ, {t['skipped']} folds skipped)")
    meta = {n: r["metamorphic"] for n, r in results.items() if "metamorphic" in r}
    if meta:
        print("\nmetamorphic checks: relative change of the default's WAPE (target within ±1%)")
        for n, m in meta.items():
            print(f"{n:10} five noise covariates {100 * m['noise']:+.1f}%   a covariate given twice {100 * m['duplicate']:+.1f}%"
                  f"   five period-wide noise covariates {100 * m['period_noise']:+.1f}%")
    cross = {n: r["cross"] for n, r in results.items() if "cross" in r}
    if cross:
        print("\nwithout the cross prices: each one's WAPE and MAPE against its own with them (positive: the\n"
              "cross prices helped)")
        for n, c in cross.items():
            r = results[n]
            print(f"{n:10} default WAPE {pct(c['default']['wape'])} MAPE {pct(c['default']['mape'])}"
                  f" ({100 * (c['default']['wape'] / r[DEFAULT]['wape'] - 1):+.1f}%, {100 * (c['default']['mape'] / r[DEFAULT]['mape'] - 1):+.1f}%)"
                  f"   peer WAPE {pct(c['peer']['wape'])} MAPE {pct(c['peer']['mape'])}"
                  f" ({100 * (c['peer']['wape'] / r['peer']['wape'] - 1):+.1f}%, {100 * (c['peer']['mape'] / r['peer']['mape'] - 1):+.1f}%)")
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump(results, f, indent=1, default=float)


if __name__ == "__main__":
    main()

#!/bin/sh
# Benchmarks promocast's gradient boosting against XGBoost 1.7.4
# (tree_method=hist) and scikit-learn 1.2's HistGradientBoostingRegressor
# (LightGBM's algorithm) on the same regression table, end to end: each side reads
# the CSV and trains 200 rounds (depth 8, at most 255 leaves grown best-first,
# learning rate 0.1, 255 bins, L2 1, 2 threads) and saves its model. Wall time
# and peak memory come from `/usr/bin/time -v`; both models are then scored on
# a held-out table (test RMSE; the noise floor is 1.0).
#
#   bench/gbdt_vs_xgboost.sh                 # 1,000,000 training rows: minutes
#   ROWS=50000 bench/gbdt_vs_xgboost.sh      # smoke test: seconds
#   ROWS=500000 COLS=30 bench/gbdt_vs_xgboost.sh   # the narrower table
#
# Environment: ROWS (training rows, default 1000000), COLS (features, default
# 50, at least 20), TEST_ROWS (default ROWS/5), BENCH_DIR (data and models,
# default /tmp/promocast-bench-ROWS, with -COLS appended unless COLS is 50;
# generated data is reused). Needs Debian's python3-xgboost, python3-sklearn,
# python3-pandas and /usr/bin/time. Run it from anywhere inside the repository. On a shared
# machine the wall times include whatever else runs; compare within one run.
#
# XGBoost and scikit-learn run with OMP_WAIT_POLICY=PASSIVE: with OpenMP's default spin-wait,
# its threads burn their time slices spinning when the cores are shared, which
# made it 10x slower (398 s instead of 42 s at 50,000 rows) on a machine
# with a load of 10 on 2 cores. promocast's goroutines block instead of spinning.
set -eu

ROWS=${ROWS:-1000000}
COLS=${COLS:-50}
TEST_ROWS=${TEST_ROWS:-$((ROWS / 5))}
if [ "$COLS" = 50 ]; then
	DIR=${BENCH_DIR:-/tmp/promocast-bench-$ROWS}
else
	DIR=${BENCH_DIR:-/tmp/promocast-bench-$ROWS-$COLS}
fi
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
PY=/usr/bin/python3
HELPER="$HERE/gbdt_vs_xgboost.py"
mkdir -p "$DIR"

echo "building promocast" >&2
(cd "$REPO" && go build -o "$DIR/promocast" ./cmd/promocast)

if [ ! -s "$DIR/test.csv" ]; then
	echo "generating $ROWS training and $TEST_ROWS test rows × $COLS features in $DIR" >&2
	"$PY" "$HELPER" gen "$DIR" "$ROWS" "$TEST_ROWS" "$COLS"
fi

echo "promocast: read CSV + train" >&2
GOMAXPROCS=2 /usr/bin/time -v -o "$DIR/promocast.time" \
	"$DIR/promocast" --log-level warn tabular fit --data "$DIR/train.csv" --target y --model gbdt \
	--rounds 200 --max-depth 8 --max-leaves 255 --learning-rate 0.1 --bins 255 --l2 1 \
	--min-child-weight 1 --threads 2 --out "$DIR/promocast-model.json" >&2

echo "xgboost: read CSV + DMatrix + train" >&2
OMP_WAIT_POLICY=PASSIVE /usr/bin/time -v -o "$DIR/xgboost.time" "$PY" "$HELPER" xgb-train "$DIR/train.csv" "$DIR/xgboost-model.json"

echo "scikit-learn: read CSV + train" >&2
OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE /usr/bin/time -v -o "$DIR/hgb.time" "$PY" "$HELPER" hgb-train "$DIR/train.csv" "$DIR/hgb-model.pickle"

echo "scoring on the held-out table" >&2
GOMAXPROCS=2 "$DIR/promocast" --log-level warn tabular predict --model "$DIR/promocast-model.json" \
	--data "$DIR/test.csv" --out "$DIR/promocast-pred.csv" >&2
OMP_WAIT_POLICY=PASSIVE "$PY" "$HELPER" xgb-predict "$DIR/xgboost-model.json" "$DIR/test.csv" "$DIR/xgboost-pred.csv"
PC_RMSE=$("$PY" "$HELPER" rmse "$DIR/test.csv" "$DIR/promocast-pred.csv")
OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE "$PY" "$HELPER" hgb-predict "$DIR/hgb-model.pickle" "$DIR/test.csv" "$DIR/hgb-pred.csv"
XGB_RMSE=$("$PY" "$HELPER" rmse "$DIR/test.csv" "$DIR/xgboost-pred.csv")
HGB_RMSE=$("$PY" "$HELPER" rmse "$DIR/test.csv" "$DIR/hgb-pred.csv")

echo "$ROWS training rows × $COLS features, 200 rounds, depth 8, 255 leaves (XGBoost grow_policy=lossguide), 2 threads; test RMSE on $TEST_ROWS rows"
"$PY" "$HELPER" report "$DIR/promocast.time" "$DIR/xgboost.time" "$DIR/hgb.time" "$PC_RMSE" "$XGB_RMSE" "$HGB_RMSE"

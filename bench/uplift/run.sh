#!/usr/bin/env bash
# The Hillstrom uplift table in one command: the peer script (XGBoost
# T-learner, class transformation, random targeting) and promocast's uplift
# learners on the same five stratified 50/50 splits, then promocast's
# three-arm targeting policy with costs. Writes docs/uplift/hillstrom.html
# (tables and Qini curves) and the Qini curves as docs/uplift/qini_*.svg.
# About 25 minutes on 2 busy cores.
#
#   bench/uplift/run.sh
#   bench/uplift/run.sh --costs 0.03,0.08 --budget-share 0.2
set -euo pipefail
cd "$(dirname "$0")/../.."
data="${DATA:-../shared/data/hillstrom/hillstrom.csv.gz}"
peer="${PEER:-../shared/bench/hillstrom_peer.py}"
py=/usr/bin/python3
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$py" bench/uplift/splits.py "$data" "Womens E-Mail" visit "$tmp/womens.csv"
"$py" bench/uplift/splits.py "$data" "Mens E-Mail" visit "$tmp/mens.csv"
"$py" bench/uplift/splits.py "$data" all visit "$tmp/all.csv"
echo "== peer: $peer =="
nice -n 10 "$py" "$peer" --data "$data"
nice -n 10 "$py" "$peer" --data "$data" --treatment "Mens E-Mail"
echo "== promocast =="
go build -o "$tmp/bench" ./bench/uplift
nice -n 10 "$tmp/bench" --data "$data" --splits "$tmp" --out docs/uplift "$@"

#!/usr/bin/env bash
# The accuracy suite (see run.py): builds promocast, then backtests the default pipeline and an
# XGBoost peer on the same folds of every panel in ../shared/data and the demo shop.
# Usage: bash bench/accuracy/run.sh [breakfast] [tuna] [cheese] [pizza] [pizza_wide] [demo]
# XGBoost's OpenMP threads wait passively, so a busy machine does not stall them.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=$(mktemp -d)/promocast
go build -o "$bin" ./cmd/promocast
OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} PROMOCAST_BIN="$bin" exec /usr/bin/python3 bench/accuracy/run.py "$@"

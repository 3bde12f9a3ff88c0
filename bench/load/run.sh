#!/usr/bin/env bash
# Load test of 'promocast serve' on loopback: builds the binary, starts the
# server with its demo model, runs each scenario for DURATION (default 20s)
# and prints latency percentiles, throughput and memory.
#
#   bench/load/run.sh            # 3 scenarios × 20 s, about 90 s with start-up
#   DURATION=5s bench/load/run.sh
#   bench/load/run.sh --only single --clients 2
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(mktemp -d)/promocast"
trap 'rm -rf "$(dirname "$bin")"' EXIT
CGO_ENABLED=0 go build -o "$bin" ./cmd/promocast
go run ./bench/load --bin "$bin" --duration "${DURATION:-20s}" "$@"

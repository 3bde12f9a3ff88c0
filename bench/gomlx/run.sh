#!/bin/sh
# Times one training epoch of the same MLP with entity embeddings in
# promocast's own package nn and in GoMLX v0.26 on its pure-Go backend
# (simplego), over the same 50,000 synthetic rows shaped like a forecasting
# panel (48 numeric inputs, categoricals of 80, 60, 12 and 7 levels; dense
# ReLU 64 and 32, batch 512, Adam). This folder is its own Go module so that
# promocast itself does not depend on GoMLX; it builds with -tags noxla and
# imports only the simplego backend (the default backends try to download
# XLA). Compare rows/s within one run: the machine's load moves both.
#
#   bench/gomlx/run.sh            # about 2 minutes on 2 cores
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
echo "promocast/learn/nn, one epoch over 50,000 rows:"
(cd "$HERE/../.." && go test -run XXX -bench Epoch -benchtime 3x ./learn/nn | grep rows/s)
echo "GoMLX simplego, the same network:"
(cd "$HERE" && go build -tags noxla -o /tmp/promocast-gomlx . && /tmp/promocast-gomlx -epochs 2)

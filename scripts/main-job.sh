#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The main job: installs the dependencies, builds rnnc, and runs the lesson's
# exercise 2 end to end: SinPredictor (examples/exercise2_sine/model.rnn) is
# compiled by rnnc at build time (rnnc_add_model), trained from C for 50
# epochs with the generated backward pass and the rnnrt runtime (Adam), and
# evaluated on held-out sine windows. The plots go to build/exercise2/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2 --target exercise2_sine
mkdir -p build/exercise2
./build/bin/exercise2_sine --out-dir=build/exercise2

#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The main job: installs the dependencies, builds rnnc, compiles the lesson's
# SinPredictor (examples/sin_predictor/model.rnn) with rnnc into an object
# that a C program links together with the rnnrt runtime, and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2 --target sin_predictor_example
./build/bin/sin_predictor_example

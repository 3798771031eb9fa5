#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The whole test suite: installs the dependencies, builds rnnc and runs every
# test through CTest (lit suites, runtime unit tests, PyTorch parity), then
# does the same in an ASan + UBSan build. RNNC_SKIP_SANITIZERS=1 skips the
# second build.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/check-hygiene.sh
bash scripts/check-format.sh

cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j2
ctest --test-dir build --output-on-failure

if [ "${RNNC_SKIP_SANITIZERS:-0}" != "1" ]; then
  cmake -G Ninja -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
    -DRNNC_ENABLE_SANITIZERS=ON
  cmake --build build-asan -j2
  ctest --test-dir build-asan --output-on-failure
fi

#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The whole test suite: installs the dependencies, builds rnnc and runs every
# test through CTest (lit suites, runtime unit tests, PyTorch parity), then
# does the same in an ASan + UBSan build, then runs each libFuzzer target
# for a minute in a clang build (build-fuzz; docs/testing.md "Fuzzing").
# RNNC_SKIP_SANITIZERS=1 skips the second build, RNNC_SKIP_FUZZ=1 the third.
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

# The fuzzers: only their targets are built (ASan, UBSan and coverage
# instrumentation, clang-22), and CTest runs fuzz-spec, fuzz-safetensors
# and fuzz-npy for RNNC_FUZZ_SECONDS (60) each from fuzz/corpus/.
if [ "${RNNC_SKIP_FUZZ:-0}" != "1" ]; then
  cmake -G Ninja -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DRNNC_ENABLE_FUZZERS=ON -DRNNC_BUILD_TESTS=OFF
  cmake --build build-fuzz -j2 --target fuzzers
  ctest --test-dir build-fuzz --output-on-failure
fi

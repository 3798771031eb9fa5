#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs every Debian package rnnc's build, tests and golden-data generator
# need. Idempotent: packages already present are left alone.
set -euo pipefail

PACKAGES=(
  # Build
  cmake ninja-build g++ git clang-format
  libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools
  libfmt-dev libgtest-dev nlohmann-json3-dev
  # LLVM's OpenMP runtime: what rnnc --parallel code calls (and its tests)
  libomp-dev
  # Golden data (PyTorch reference) and plots
  python3-torch python3-numpy libopenblas0-openmp
  # The benchmark's oneDNN peer (bench/rnn-bench)
  libdnnl-dev
  # The fuzzers (fuzz/, scripts/fuzz.sh): clang and its libFuzzer, ASan and
  # UBSan runtimes
  clang-22 libclang-rt-22-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

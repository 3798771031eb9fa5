#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs one of the libFuzzer targets (docs/testing.md, "Fuzzing"):
#
#   scripts/fuzz.sh spec|safetensors|npy SECONDS [libFuzzer args...]
#
# Configures and builds build-fuzz (clang-22, RNNC_ENABLE_FUZZERS=ON, only
# the fuzz targets) where needed, then fuzzes for SECONDS seconds from the
# committed corpus (fuzz/corpus/TARGET, read only) and the work corpus
# build-fuzz/fuzz/corpus/TARGET (new inputs go there). Findings (crash-*,
# timeout-*, leak-*, oom-*) go to build-fuzz/fuzz/artifacts/TARGET/. Extra
# arguments go to libFuzzer, e.g. -seed=7, -jobs=2 or -only_ascii=1.
# RNNC_FUZZ_BUILD_DIR overrides build-fuzz; the fuzzer runs under nice -n 10
# (RNNC_FUZZ_NICE), since the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  echo "usage: scripts/fuzz.sh spec|safetensors|npy SECONDS [libFuzzer args...]" >&2
  exit 2
}
[ $# -ge 2 ] || usage
target=$1
seconds=$2
shift 2
case "$target" in
  spec) exe=rnnc-fuzz-spec ;;
  safetensors | npy) exe=rnnrt-fuzz-$target ;;
  *) usage ;;
esac
[[ "$seconds" =~ ^[0-9]+$ ]] || usage

build=${RNNC_FUZZ_BUILD_DIR:-build-fuzz}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DRNNC_ENABLE_FUZZERS=ON -DRNNC_BUILD_TESTS=OFF
fi
cmake --build "$build" -j2 --target "$exe"

fuzzer=$build/fuzz/$exe
work=$build/fuzz/corpus/$target
artifacts=$build/fuzz/artifacts/$target
mkdir -p "$work" "$artifacts"
marker=$(mktemp)
trap 'rm -f "$marker"' EXIT

echo "fuzz.sh: $exe for ${seconds} s; new inputs in $work, findings in $artifacts/"
status=0
nice -n "${RNNC_FUZZ_NICE:-10}" "$fuzzer" -max_total_time="$seconds" \
  -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -dict="fuzz/$target.dict" -artifact_prefix="$artifacts/" "$@" \
  "$work" "fuzz/corpus/$target" || status=$?

found=$(find "$artifacts" -type f -newer "$marker" | sort)
if [ -n "$found" ]; then
  echo "fuzz.sh: findings of this run:"
  echo "$found" | sed 's/^/  /'
  first=$(echo "$found" | head -1)
  echo "fuzz.sh: reproduce one with   $fuzzer $first"
  echo "fuzz.sh: minimize it with     $fuzzer -minimize_crash=1 -runs=10000 $first"
  echo "fuzz.sh: then fix it and keep it as fuzz/corpus/$target/crash-<what> (docs/testing.md)"
else
  echo "fuzz.sh: no findings (exit status $status); a finding would go to $artifacts/"
  echo "fuzz.sh: reproduce one with   $fuzzer $artifacts/crash-<hash>"
fi
exit $status

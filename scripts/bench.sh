#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# rnn-bench end to end (bench/README.md): builds the rnn_bench target, runs
# it (rnnc, oneDNN's vanilla RNN, dnnl_sgemm) and bench/pytorch_bench.py on
# 1 thread and on all cores, and merges their JSON lines into
# bench/RESULTS.md, with a speed-up chart beside it (RESULTS-speedup.svg,
# named after --output).
#
#   scripts/bench.sh [--quick] [--only=NAME,...] [--threads=N]
#                    [--output=FILE] [BUILD_DIR]
#
# BUILD_DIR defaults to build/ (configured here if it is not yet); the raw
# JSON lines and logs go to BUILD_DIR/rnn-bench-results/. --threads sets the
# "all cores" thread count (default: nproc). The rnnc models are compiled
# with --parallel, so every framework runs on 1 thread and on all cores; the
# report's scaling table divides the two.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

build=build
quick=()
only=()
threads=$(nproc)
output=bench/RESULTS.md
for arg in "$@"; do
  case "$arg" in
    --quick) quick=(--quick) ;;
    --only=*) only=("$arg") ;;
    --threads=*) threads=${arg#--threads=} ;;
    --output=*) output=${arg#--output=} ;;
    -h|--help) sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench.sh: unknown option $arg" >&2; exit 2 ;;
    *) build=$arg ;;
  esac
done
python=/usr/bin/python3

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -G Ninja -S . -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DRNNC_BUILD_TESTS=OFF
fi
cmake --build "$build" -j2 --target rnn_bench

results=$build/rnn-bench-results
mkdir -p "$results"
rm -f "$results"/*.jsonl "$results"/*.log
commands=$results/commands.txt
echo "# scripts/bench.sh${*:+ $*}, which runs:" > "$commands"

# Runs one benchmark command: JSON lines to $1, the log to $1.log (and the
# terminal), the command line to the report.
# The load average before and after each step goes to the report's notes.
notes=()
step() {
  local out=$1 before
  shift
  echo "$*" >> "$commands"
  echo "+ $*" >&2
  before=$(cut -d' ' -f1 /proc/loadavg)
  "$@" > "$out" 2> >(tee "${out%.jsonl}.log" >&2)
  notes+=(--note "\`$(basename "$out" .jsonl)\` ($(basename "$1") $2): 1-minute load average $before before, $(cut -d' ' -f1 /proc/loadavg) after")
}

bench=$build/bin/rnn_bench
step "$results/c-1.jsonl" "$bench" --threads=1 "${quick[@]}" "${only[@]}"
step "$results/py-1.jsonl" $python bench/pytorch_bench.py --threads=1 \
  "${quick[@]}" "${only[@]}"
if [ "$threads" -gt 1 ]; then
  step "$results/c-$threads.jsonl" "$bench" --threads="$threads" \
    --frameworks=rnnc,onednn,gemm --no-compile-time --no-check \
    "${quick[@]}" "${only[@]}"
  step "$results/py-$threads.jsonl" $python bench/pytorch_bench.py \
    --threads="$threads" "${quick[@]}" "${only[@]}"
fi

$python bench/rnn-bench/make_report.py --output "$output" \
  --plot "${output%.md}-speedup.svg" \
  --commands "$commands" \
  --note "$(nproc) CPUs; a load average above the step's own thread count means other processes competed for the cores during it" \
  "${notes[@]}" \
  --note "raw JSON lines and logs: $results/" \
  "$results"/*.jsonl

#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# A/B comparison of rnn_bench binaries on one configuration and mode.
#
#   scripts/bench-ab.sh [-n ROUNDS] [-t THREADS] CONFIG MODE BINARY...
#
# Runs the binaries in turn, ROUNDS times (default 5), each run
# `BINARY --quick --frameworks=rnnc --only=CONFIG --modes=MODE`, and prints
# for each binary the median over the rounds of each run's minimum time and
# its ratio to the first binary's. On a shared machine the medians of quick
# runs drift by 10-20 % over minutes; alternating runs and taking minima
# keeps two binaries comparable to a few percent (bench/OPTIMIZATIONS.md).
# To build the B side, copy build/bin/rnn_bench aside, change the compiler,
# rebuild and copy again.
set -euo pipefail

rounds=5
threads=1
while getopts "n:t:h" opt; do
  case "$opt" in
    n) rounds=$OPTARG ;;
    t) threads=$OPTARG ;;
    *) sed -n '4,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -lt 3 ]; then
  sed -n '4,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
config=$1 mode=$2
shift 2

for ((round = 0; round < rounds; ++round)); do
  for binary in "$@"; do
    "$binary" --quick --frameworks=rnnc "--only=$config" "--modes=$mode" \
      "--threads=$threads" --no-compile-time --no-check 2>/dev/null |
      /usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    record = json.loads(line)
    if record.get("type") == "time":
        print(sys.argv[1], record["min_s"])
' "$binary"
  done
done | /usr/bin/python3 -c '
import statistics, sys
minima = {}
for line in sys.stdin:
    binary, seconds = line.rsplit(" ", 1)
    minima.setdefault(binary, []).append(float(seconds))
if not minima:
    sys.exit("bench-ab: no timings (is the configuration or mode misspelled?)")
first = None
for binary, values in minima.items():
    median = statistics.median(values)
    first = first or median
    print(f"{binary}: median of minima {median * 1e3:.3f} ms, "
          f"best {min(values) * 1e3:.3f} ms, ratio {median / first:.3f}, "
          f"{len(values)} runs")
'

//===- bench_clock.h - Timing helpers shared by the benchmarks -----*- C
//-*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// A monotonic clock in seconds and the comparison qsort needs to sort
// measured times, for bench/rnn-bench and bench/bptt-memory.
//
//===----------------------------------------------------------------------===//

#ifndef RNNC_BENCH_CLOCK_H
#define RNNC_BENCH_CLOCK_H

#include <time.h>

/// Seconds on CLOCK_MONOTONIC.
static inline double benchClockSeconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/// qsort comparison of two doubles, ascending.
static inline int benchCompareDoubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

#endif // RNNC_BENCH_CLOCK_H

//===- batch1_floor.c - What bounds a batch-1 RNN step on this CPU --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// A standalone measurement (AVX-512, hand-written intrinsics, no rnnc code)
// of the two limits of rnn-bench's `latency_b1` configuration (I = H = 256,
// T = 100, batch 1), and of one schedule that would move closer to them:
//
//   l2-read     read the 256 KiB W_hh^T once, as every recurrence step does
//               (L2-to-L1 bandwidth: the recurrence's floor per step)
//   recurrence  T steps of y_t = P_t + y_{t-1} W_hh^T, one row of 16
//               vectors per step (what rnnc's batch-1 kernel does)
//   projection  P = X W_ih^T + b for all T rows at once, 4 x 4 register
//               tiles (rnnc's input projection)
//   separate    projection, then recurrence (rnnc's schedule)
//   fused       the recurrence with the projection of the rows 8 steps
//               ahead folded into its loop: the recurrence waits on L2 and
//               leaves the FMA units half idle, the projection is the
//               opposite (bench/OPTIMIZATIONS.md, "Batch 1: the floors")
//
// No activation is applied (it costs the same in every variant), and the
// weights have padded rows, as rnnc's weight scratch does. `fused` sums
// every element in the same order as `separate`, so both must agree
// bitwise; the program checks that.
//
// Usage: bench_batch1_floor [repetitions]   (default 400; best time of each)
//
//===----------------------------------------------------------------------===//

#include "bench_clock.h"

#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  kHidden = 256,                // I = H, as in latency_b1
  kSteps = 100,                 // T
  kStride = kHidden + 16,       // padded row stride of the weight copies
  kLanes = 16,                  // floats per AVX-512 vector
  kVectors = kHidden / kLanes,  // vectors per row
  kAhead = 8,                   // fused: rows the projection runs ahead
  kHalfVectors = kVectors / 2,  // fused: vectors per recurrence half-pass
  kRowsPadded = kSteps + kAhead // room for the last look-ahead block
};

#define AVX512 __attribute__((target("avx512f,fma"), noinline))

/// The buffers every variant reads and writes.
struct Problem {
  float *weightHh; // W_hh^T, (H, H) with rows kStride apart
  float *weightIh; // W_ih^T, (I, H) with rows kStride apart
  float *bias;     // (H)
  float *input;    // X, (kRowsPadded, I)
  float *proj;     // P, (kRowsPadded, H)
  float *output;   // y_{-1} .. y_{T-1}, (T + 1, H); row 0 is h0 = 0
};

static float *allocFloats(size_t count) {
  float *p = aligned_alloc(64, count * sizeof(float));
  if (!p) {
    fprintf(stderr, "bench_batch1_floor: out of memory\n");
    exit(1);
  }
  return p;
}

/// Sums the 256 KiB of W_hh^T (the result keeps the loads alive).
AVX512 static float readWeights(const struct Problem *p) {
  __m512 sum[8];
  for (int v = 0; v < 8; ++v)
    sum[v] = _mm512_setzero_ps();
  for (int k = 0; k < kHidden; ++k)
    for (int v = 0; v < kVectors; ++v)
      sum[v % 8] = _mm512_add_ps(
          sum[v % 8], _mm512_load_ps(p->weightHh + k * kStride + v * kLanes));
  for (int v = 1; v < 8; ++v)
    sum[0] = _mm512_add_ps(sum[0], sum[v]);
  return _mm512_reduce_add_ps(sum[0]);
}

/// P[r] = X[r] W_ih^T + b for rows [first, last), 4 rows by 4 vectors per
/// tile (last - first must be a multiple of 4).
AVX512 static void project(const struct Problem *p, int first, int last) {
  for (int r = first; r < last; r += 4)
    for (int c = 0; c < kHidden; c += 4 * kLanes) {
      __m512 acc[4][4];
      for (int i = 0; i < 4; ++i)
        for (int v = 0; v < 4; ++v)
          acc[i][v] = _mm512_load_ps(p->bias + c + v * kLanes);
      for (int k = 0; k < kHidden; ++k) {
        __m512 w[4];
        for (int v = 0; v < 4; ++v)
          w[v] = _mm512_load_ps(p->weightIh + k * kStride + c + v * kLanes);
        for (int i = 0; i < 4; ++i) {
          __m512 x = _mm512_set1_ps(p->input[(r + i) * kHidden + k]);
          for (int v = 0; v < 4; ++v)
            acc[i][v] = _mm512_fmadd_ps(x, w[v], acc[i][v]);
        }
      }
      for (int i = 0; i < 4; ++i)
        for (int v = 0; v < 4; ++v)
          _mm512_store_ps(p->proj + (r + i) * kHidden + c + v * kLanes,
                          acc[i][v]);
    }
}

/// y_t = P_t + y_{t-1} W_hh^T for every step: one row of 16 accumulators.
AVX512 static void recur(const struct Problem *p) {
  for (int t = 0; t < kSteps; ++t) {
    const float *state = p->output + t * kHidden;
    __m512 acc[kVectors];
    for (int v = 0; v < kVectors; ++v)
      acc[v] = _mm512_load_ps(p->proj + t * kHidden + v * kLanes);
    for (int k = 0; k < kHidden; ++k) {
      __m512 h = _mm512_set1_ps(state[k]);
      for (int v = 0; v < kVectors; ++v)
        acc[v] = _mm512_fmadd_ps(
            h, _mm512_load_ps(p->weightHh + k * kStride + v * kLanes), acc[v]);
    }
    for (int v = 0; v < kVectors; ++v)
      _mm512_store_ps(p->output + (t + 1) * kHidden + v * kLanes, acc[v]);
  }
}

/// The recurrence with the projection folded in. Step t runs two passes
/// over k, each updating half of y_t (8 accumulators) and, in the same
/// loop, one column vector of the projection of rows [8g, 8g + 8), g =
/// t / 8 + 1 (8 more accumulators, one W_ih^T load per k shared by 8
/// rows): the 16 column vectors of a block of 8 rows take its 8 steps, so
/// every row is projected before its step needs it. Rows 0..7 are
/// projected before the loop.
AVX512 static void recurFused(const struct Problem *p) {
  project(p, 0, kAhead);
  for (int t = 0; t < kSteps; ++t) {
    const float *state = p->output + t * kHidden;
    int block = (t / kAhead + 1) * kAhead;
    int projecting = block < kSteps;
    for (int half = 0; half < 2; ++half) {
      int firstVector = half * kHalfVectors;
      int column = ((t % kAhead) * 2 + half) * kLanes;
      __m512 acc[kHalfVectors], ahead[kAhead];
      for (int v = 0; v < kHalfVectors; ++v)
        acc[v] =
            _mm512_load_ps(p->proj + t * kHidden + (firstVector + v) * kLanes);
      const float *weights = p->weightHh + firstVector * kLanes;
      if (!projecting) {
        for (int k = 0; k < kHidden; ++k) {
          __m512 h = _mm512_set1_ps(state[k]);
          for (int v = 0; v < kHalfVectors; ++v)
            acc[v] = _mm512_fmadd_ps(
                h, _mm512_load_ps(weights + k * kStride + v * kLanes), acc[v]);
        }
      } else {
        __m512 bias = _mm512_load_ps(p->bias + column);
        for (int i = 0; i < kAhead; ++i)
          ahead[i] = bias;
        for (int k = 0; k < kHidden; ++k) {
          __m512 h = _mm512_set1_ps(state[k]);
          __m512 w = _mm512_load_ps(p->weightIh + k * kStride + column);
          for (int v = 0; v < kHalfVectors; ++v)
            acc[v] = _mm512_fmadd_ps(
                h, _mm512_load_ps(weights + k * kStride + v * kLanes), acc[v]);
          for (int i = 0; i < kAhead; ++i)
            ahead[i] = _mm512_fmadd_ps(
                _mm512_set1_ps(p->input[(block + i) * kHidden + k]), w,
                ahead[i]);
        }
        for (int i = 0; i < kAhead; ++i)
          _mm512_store_ps(p->proj + (block + i) * kHidden + column, ahead[i]);
      }
      for (int v = 0; v < kHalfVectors; ++v)
        _mm512_store_ps(
            p->output + (t + 1) * kHidden + (firstVector + v) * kLanes, acc[v]);
    }
  }
}

static void separate(const struct Problem *p) {
  project(p, 0, kSteps);
  recur(p);
}

static void projectAll(const struct Problem *p) { project(p, 0, kSteps); }

static volatile float sink;
static void readOnce(const struct Problem *p) { sink = readWeights(p); }

/// The best time of `repetitions` calls of `run`, in seconds.
static double bestTime(void (*run)(const struct Problem *),
                       const struct Problem *p, int repetitions) {
  double best = 1e30;
  for (int i = 0; i < repetitions; ++i) {
    double start = benchClockSeconds();
    run(p);
    double elapsed = benchClockSeconds() - start;
    if (elapsed < best)
      best = elapsed;
  }
  return best;
}

int main(int argc, char **argv) {
  int repetitions = argc > 1 ? atoi(argv[1]) : 400;
  if (repetitions <= 0) {
    fprintf(stderr, "usage: bench_batch1_floor [repetitions > 0]\n");
    return 2;
  }
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx512f")) {
    fprintf(stderr, "bench_batch1_floor: this CPU has no AVX-512; the "
                    "measurement is written for it\n");
    return 1;
  }

  struct Problem p = {allocFloats(kHidden * kStride),
                      allocFloats(kHidden * kStride),
                      allocFloats(kHidden),
                      allocFloats(kRowsPadded * kHidden),
                      allocFloats(kRowsPadded * kHidden),
                      allocFloats((kSteps + 1) * kHidden)};
  // Small values keep the unactivated recurrence finite.
  for (int i = 0; i < kHidden * kStride; ++i) {
    p.weightHh[i] = 0.003f * (float)((i * 7) % 13 - 6);
    p.weightIh[i] = 0.003f * (float)((i * 5) % 11 - 5);
  }
  for (int i = 0; i < kHidden; ++i)
    p.bias[i] = 0.01f * (float)(i % 5);
  for (int i = 0; i < kRowsPadded * kHidden; ++i)
    p.input[i] = 0.05f * (float)((i * 3) % 17 - 8);
  memset(p.output, 0, sizeof(float) * kHidden);

  double read = bestTime(readOnce, &p, repetitions * kSteps);
  double projection = bestTime(projectAll, &p, repetitions);
  double recurrence = bestTime(recur, &p, repetitions);
  double both = bestTime(separate, &p, repetitions);
  float reference[kHidden];
  memcpy(reference, p.output + kSteps * kHidden, sizeof reference);
  double fused = bestTime(recurFused, &p, repetitions);
  if (memcmp(reference, p.output + kSteps * kHidden, sizeof reference) != 0) {
    fprintf(stderr, "bench_batch1_floor: fused and separate differ\n");
    return 1;
  }

  double weightBytes = 4.0 * kHidden * kHidden;
  double projectionFlops = 2.0 * kSteps * kHidden * kHidden;
  printf("I = H = %d, T = %d, batch 1; best of %d runs\n", kHidden, kSteps,
         repetitions);
  printf("l2-read     %8.2f us per step  %6.1f GB/s (256 KiB of W_hh^T)\n",
         read * 1e6, weightBytes / read * 1e-9);
  printf("projection  %8.1f us           %6.1f GFLOP/s\n", projection * 1e6,
         projectionFlops / projection * 1e-9);
  printf("recurrence  %8.1f us           %6.2f us per step\n", recurrence * 1e6,
         recurrence * 1e6 / kSteps);
  printf("separate    %8.1f us\n", both * 1e6);
  printf("fused       %8.1f us           %.2fx separate (bitwise equal)\n",
         fused * 1e6, both / fused);
  return 0;
}

// SPDX-License-Identifier: Apache-2.0
//
// rnn-bench: what the benchmark's translation units share. rnn_bench.c owns
// the configurations, the timing loop, rnnc's side and the output;
// onednn_bench.c (built only when oneDNN is found) runs oneDNN's vanilla RNN
// primitive and dnnl_sgemm on the same problems.

#ifndef RNN_BENCH_H
#define RNN_BENCH_H

#include <rnnrt/rnnrt.h>

#include <stdint.h>

/// One benchmark configuration: nn.RNN(I, H, num_layers=L,
/// bidirectional=D==2), tanh, biases, time-major input (T, B, I), no head.
struct BenchShape {
  const char *name;
  int64_t inputSize;  // I
  int64_t hiddenSize; // H
  int64_t numLayers;  // L
  int64_t seqLen;     // T
  int64_t batch;      // B
  int64_t directions; // D: 1 or 2
};

/// Floating-point operations of one forward pass: 2·B·T·H·(I_l + H) per
/// layer and direction, I_l = I for layer 0 and D·H above it.
double benchForwardFlop(const struct BenchShape *shape);

/// The timing loop: `run(ctx)` returns 0 on success. Warm-up, then adaptive
/// repeats (rnn_bench.c); the order statistics of the measured runs land in
/// `stats`. Returns 0 on success, the first failing run's code otherwise.
struct BenchStats {
  int runs;
  double median, min, max, q1, q3; // seconds
};
typedef int (*BenchRunFn)(void *ctx);
int benchMeasure(BenchRunFn run, void *ctx, struct BenchStats *stats);

/// Writes one JSON line for a time measurement to stdout and a readable
/// summary to stderr.
void benchReportTime(const char *framework, const struct BenchShape *shape,
                     const char *mode, int threads,
                     const struct BenchStats *stats);

/// Monotonic wall clock in seconds.
double benchNow(void);

#ifdef RNN_BENCH_HAVE_DNNL
/// oneDNN's side (onednn_bench.c).

/// Sets the OpenMP thread count oneDNN (and dnnl_sgemm) uses.
void dnnlBenchSetThreads(int threads);
/// "2.6.3 (cpu runtime OpenMP)".
const char *dnnlBenchVersion(void);

/// Measures dnnl_sgemm on n×n×n for each n in `sizes`; writes one JSON line
/// per size. Returns 0 on success.
int dnnlBenchGemm(const int64_t *sizes, int count, int threads);

/// Times oneDNN's vanilla RNN for `shape`, with the weights of the rnnc
/// parameter buffer `params` (table `info` of `numParams` rows, PyTorch's
/// names and layout). `mode` is "forward" (forward_inference) or "training"
/// (forward_training, MSE loss gradient, backward, all parameter gradients).
/// `x` is the (T, B, I) input, `target` the (T, B, D·H) training target.
/// When `checkOut` is not NULL, one untimed run first writes the forward
/// output (T, B, D·H) there ("forward") or the parameter gradients in rnnc's
/// layout ("training") so the caller can compare them with rnnc's.
/// Returns 0 on success.
int dnnlBenchRnn(const struct BenchShape *shape, const char *mode, int threads,
                 const rnnc_param_info_t *info, int64_t numParams,
                 const float *params, const float *x, const float *target,
                 float *checkOut);
#endif

#endif // RNN_BENCH_H

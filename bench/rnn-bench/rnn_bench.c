// SPDX-License-Identifier: Apache-2.0
//
// rnn_bench [--only=a,b] [--threads=N] [--quick]
// [--frameworks=rnnc,onednn,gemm]
//           [--modes=forward,training] [--no-compile-time] [--no-check]
//
// rnnc's generated code against oneDNN's vanilla RNN primitive on the
// configurations of issue 5 (bench/README.md), for forward inference and one
// training step (forward, MSE loss, backward, every parameter gradient), and
// dnnl_sgemm's throughput as the machine's GEMM reference. The rnnc models
// are compiled at build time from specs/*.rnn (-O3, --target-cpu=native,
// --parallel: --threads sets their OpenMP threads);
// the benchmark also times rnnc compiling each spec. PyTorch's side is
// bench/pytorch_bench.py; scripts/bench.sh runs both and writes
// bench/RESULTS.md.
//
// Output: one JSON object per line on stdout (machine-readable; the report
// merges them), a readable progress log on stderr.

#include "rnn_bench.h"
#include "bench_clock.h"

#include "rnnb_basic.h"
#include "rnnb_char_bi.h"
#include "rnnb_deep.h"
#include "rnnb_large.h"
#include "rnnb_latency_b1.h"
#include "rnnb_mid.h"
#include "rnnb_sine.h"

#include <math.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#ifndef RNN_BENCH_RNNC
#define RNN_BENCH_RNNC "rnnc"
#endif
#ifndef RNN_BENCH_SPEC_DIR
#define RNN_BENCH_SPEC_DIR "specs"
#endif
#ifndef RNN_BENCH_TARGET_CPU
#define RNN_BENCH_TARGET_CPU "native"
#endif

//===----------------------------------------------------------------------===//
// Configurations
//===----------------------------------------------------------------------===//

typedef int64_t (*CountFn)(void);
typedef const rnnc_param_info_t *(*InfoFn)(void);
typedef int64_t (*WorkspaceSizeFn)(int64_t, int64_t);
typedef int32_t (*ForwardFn)(const float *, int64_t, int64_t, const float *,
                             const int64_t *, const float *, float *, float *,
                             void *);
typedef int32_t (*LossAndGradFn)(const float *, int64_t, int64_t, const float *,
                                 const int64_t *, const float *, const float *,
                                 float *, float *, float *, float *, void *);

struct Config {
  struct BenchShape shape;
  CountFn numParams, paramSize;
  InfoFn paramInfo;
  WorkspaceSizeFn workspaceSize, gradWorkspaceSize;
  ForwardFn forward;
  LossAndGradFn lossAndGrad;
};

#define RNNC_MODEL(m)                                                          \
  m##_num_params, m##_param_size, m##_param_info, m##_workspace_size,          \
      m##_grad_workspace_size, m##_forward, m##_loss_and_grad

// name, I, H, L, T, B, D; the specs in specs/ must agree (checked at start).
static const struct Config configs[] = {
    {{"sine", 1, 32, 1, 50, 32, 1}, RNNC_MODEL(rnnb_sine)},
    {{"basic", 10, 20, 2, 15, 32, 1}, RNNC_MODEL(rnnb_basic)},
    {{"char_bi", 32, 64, 1, 40, 32, 2}, RNNC_MODEL(rnnb_char_bi)},
    {{"mid", 256, 256, 2, 100, 64, 1}, RNNC_MODEL(rnnb_mid)},
    {{"large", 512, 1024, 1, 100, 64, 1}, RNNC_MODEL(rnnb_large)},
    {{"latency_b1", 256, 256, 1, 100, 1, 1}, RNNC_MODEL(rnnb_latency_b1)},
    {{"deep", 64, 128, 5, 100, 16, 1}, RNNC_MODEL(rnnb_deep)},
};
enum { NUM_CONFIGS = sizeof(configs) / sizeof(configs[0]) };

double benchForwardFlop(const struct BenchShape *s) {
  double flop = 0.0;
  for (int64_t l = 0; l < s->numLayers; ++l) {
    double inputWidth =
        l == 0 ? (double)s->inputSize : (double)(s->directions * s->hiddenSize);
    flop += (double)s->directions * 2.0 * (double)s->batch * (double)s->seqLen *
            (double)s->hiddenSize * (inputWidth + (double)s->hiddenSize);
  }
  return flop;
}

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

static struct {
  const char *only;       // comma-separated config names, or NULL for all
  const char *frameworks; // comma-separated subset of rnnc,onednn,gemm
  const char *modes;      // comma-separated subset of forward,training
  const char *rnnc;       // the rnnc executable (compile time)
  const char *specDir;    // where the specs are
  int threads;
  int quick;
  int compileTime;
  int check;
  double targetSeconds; // keep repeating until this much time is measured
  double slowSeconds;   // a warm-up at least this long: 3 runs only
  int minRuns, maxRuns;
} opts = {NULL,
          "rnnc,onednn,gemm",
          "forward,training",
          RNN_BENCH_RNNC,
          RNN_BENCH_SPEC_DIR,
          1,
          0,
          1,
          1,
          0.5,
          2.0,
          3,
          10000};

/// Whether `name` is an element of the comma-separated `list`.
static int listHas(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; p && *p;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && strncmp(p, name, n) == 0)
      return 1;
    p = end ? end + 1 : NULL;
  }
  return 0;
}

static void usage(FILE *out, const char *argv0) {
  fprintf(out,
          "usage: %s [options]\n"
          "  --only=NAME,...        configurations to run (default: all):",
          argv0);
  for (int i = 0; i < NUM_CONFIGS; ++i)
    fprintf(out, " %s", configs[i].shape.name);
  fprintf(out,
          "\n"
          "  --threads=N            OpenMP threads for rnnc's models "
          "(compiled with\n"
          "                         --parallel), oneDNN and dnnl_sgemm "
          "(default 1)\n"
          "  --quick                shorter measurements (0.1 s each, 3 runs "
          "from 1 s on)\n"
          "  --frameworks=LIST      subset of rnnc,onednn,gemm (default: all)\n"
          "  --modes=LIST           subset of forward,training (default: "
          "both)\n"
          "  --no-compile-time      do not time rnnc compiling the specs\n"
          "  --no-check             do not compare oneDNN's results with "
          "rnnc's\n"
          "  --rnnc=PATH            rnnc for the compile times (default: %s)\n"
          "  --spec-dir=DIR         the specs (default: %s)\n"
          "Prints JSON lines on stdout, a readable log on stderr.\n",
          RNN_BENCH_RNNC, RNN_BENCH_SPEC_DIR);
}

static int parseOptions(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    if (strncmp(a, "--only=", 7) == 0) {
      opts.only = a + 7;
    } else if (strncmp(a, "--threads=", 10) == 0) {
      opts.threads = atoi(a + 10);
      if (opts.threads < 1) {
        fprintf(stderr, "--threads must be at least 1\n");
        return 2;
      }
    } else if (strcmp(a, "--quick") == 0) {
      opts.quick = 1;
      opts.targetSeconds = 0.1;
      opts.slowSeconds = 1.0;
    } else if (strncmp(a, "--frameworks=", 13) == 0) {
      opts.frameworks = a + 13;
    } else if (strncmp(a, "--modes=", 8) == 0) {
      opts.modes = a + 8;
    } else if (strcmp(a, "--no-compile-time") == 0) {
      opts.compileTime = 0;
    } else if (strcmp(a, "--no-check") == 0) {
      opts.check = 0;
    } else if (strncmp(a, "--rnnc=", 7) == 0) {
      opts.rnnc = a + 7;
    } else if (strncmp(a, "--spec-dir=", 11) == 0) {
      opts.specDir = a + 11;
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout, argv[0]);
      exit(0);
    } else {
      fprintf(stderr, "unknown option %s\n", a);
      usage(stderr, argv[0]);
      return 2;
    }
  }
  if (opts.only) {
    for (const char *p = opts.only; p && *p;) {
      const char *end = strchr(p, ',');
      size_t len = end ? (size_t)(end - p) : strlen(p);
      int found = 0;
      for (int i = 0; i < NUM_CONFIGS; ++i)
        found |= strlen(configs[i].shape.name) == len &&
                 strncmp(configs[i].shape.name, p, len) == 0;
      if (!found) {
        fprintf(stderr, "--only: unknown configuration '%.*s'\n", (int)len, p);
        return 2;
      }
      p = end ? end + 1 : NULL;
    }
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// Timing
//===----------------------------------------------------------------------===//

double benchNow(void) { return benchClockSeconds(); }

/// The p-quantile of sorted `v` (linear interpolation between order
/// statistics, numpy's default).
static double quantile(const double *v, int n, double p) {
  double pos = p * (double)(n - 1);
  int lo = (int)pos;
  if (lo >= n - 1)
    return v[n - 1];
  double frac = pos - (double)lo;
  return v[lo] + frac * (v[lo + 1] - v[lo]);
}

// One warm-up run, then at least minRuns runs and as many more as fit in
// targetSeconds of measured time (at most maxRuns); a warm-up of slowSeconds
// or more means exactly minRuns runs.
int benchMeasure(BenchRunFn run, void *ctx, struct BenchStats *stats) {
  double start = benchNow();
  int status = run(ctx);
  if (status)
    return status;
  double warmup = benchNow() - start;
  int cap = warmup >= opts.slowSeconds ? opts.minRuns : opts.maxRuns;
  double *times = malloc(sizeof(double) * cap);
  if (!times)
    return 1;
  double total = 0.0;
  int n = 0;
  while (n < cap && (n < opts.minRuns || total < opts.targetSeconds)) {
    start = benchNow();
    status = run(ctx);
    times[n] = benchNow() - start;
    if (status) {
      free(times);
      return status;
    }
    total += times[n++];
  }
  qsort(times, n, sizeof(double), benchCompareDoubles);
  stats->runs = n;
  stats->min = times[0];
  stats->max = times[n - 1];
  stats->median = quantile(times, n, 0.5);
  stats->q1 = quantile(times, n, 0.25);
  stats->q3 = quantile(times, n, 0.75);
  free(times);
  return 0;
}

void benchReportTime(const char *framework, const struct BenchShape *shape,
                     const char *mode, int threads,
                     const struct BenchStats *s) {
  printf("{\"type\":\"time\",\"framework\":\"%s\",\"config\":\"%s\","
         "\"mode\":\"%s\",\"threads\":%d,\"runs\":%d,\"median_s\":%.9g,"
         "\"min_s\":%.9g,\"max_s\":%.9g,\"q1_s\":%.9g,\"q3_s\":%.9g}\n",
         framework, shape->name, mode, threads, s->runs, s->median, s->min,
         s->max, s->q1, s->q3);
  fflush(stdout);
  double flop = benchForwardFlop(shape) * (strcmp(mode, "training") ? 1 : 3);
  fprintf(stderr,
          "  %-7s %-10s %-8s %2d thr: median %10.3f ms  [%9.3f, %9.3f]  "
          "%3d runs  %7.2f GFLOP/s\n",
          framework, shape->name, mode, threads, 1e3 * s->median, 1e3 * s->min,
          1e3 * s->max, s->runs, flop / s->median * 1e-9);
}

//===----------------------------------------------------------------------===//
// rnnc
//===----------------------------------------------------------------------===//

struct RnncCtx {
  const struct Config *config;
  const float *params, *x, *target;
  float *output, *grads, loss;
  void *workspace;
};

static int runRnncForward(void *opaque) {
  struct RnncCtx *c = opaque;
  const struct BenchShape *s = &c->config->shape;
  return c->config->forward(c->params, s->batch, s->seqLen, c->x, NULL, NULL,
                            c->output, NULL, c->workspace);
}

static int runRnncTraining(void *opaque) {
  struct RnncCtx *c = opaque;
  const struct BenchShape *s = &c->config->shape;
  return c->config->lossAndGrad(c->params, s->batch, s->seqLen, c->x, NULL,
                                NULL, c->target, &c->loss, c->grads, NULL, NULL,
                                c->workspace);
}

static void *allocWorkspace(int64_t bytes) {
  void *p = NULL;
  return posix_memalign(&p, 64, bytes > 0 ? (size_t)bytes : 64) ? NULL : p;
}

/// Times `rnnc spec -o x.o -O3 --target-cpu=native --parallel` (the flags
/// the build uses) in a scratch directory.
static int measureCompile(const struct BenchShape *s) {
  char dir[] = "/tmp/rnn_bench_XXXXXX";
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  char spec[1024], object[1024], header[1024];
  snprintf(spec, sizeof(spec), "%s/%s.rnn", opts.specDir, s->name);
  snprintf(object, sizeof(object), "%s/%s.o", dir, s->name);
  snprintf(header, sizeof(header), "%s/%s.h", dir, s->name);
  char rnnc[1024], outFlag[] = "-o", optFlag[] = "-O3",
                   cpuFlag[] = "--target-cpu=" RNN_BENCH_TARGET_CPU,
                   parallelFlag[] = "--parallel";
  snprintf(rnnc, sizeof(rnnc), "%s", opts.rnnc);
  char *argv[] = {rnnc,    spec,    outFlag,      object,
                  optFlag, cpuFlag, parallelFlag, NULL};
  int runs = opts.quick ? 1 : 3;
  double times[3];
  int failed = 0;
  for (int r = 0; r < runs && !failed; ++r) {
    double start = benchNow();
    pid_t pid;
    int status = 0;
    if (posix_spawn(&pid, rnnc, NULL, NULL, argv, environ) != 0 ||
        waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
      fprintf(stderr, "rnnc failed on %s\n", spec);
      failed = 1;
    }
    times[r] = benchNow() - start;
  }
  unlink(object);
  unlink(header);
  rmdir(dir);
  if (failed)
    return 1;
  qsort(times, runs, sizeof(double), benchCompareDoubles);
  printf("{\"type\":\"compile\",\"config\":\"%s\",\"runs\":%d,"
         "\"median_s\":%.6f,\"min_s\":%.6f,\"max_s\":%.6f,"
         "\"command\":\"rnnc specs/%s.rnn -o %s.o -O3 "
         "--target-cpu=" RNN_BENCH_TARGET_CPU "\"}\n",
         s->name, runs, times[runs / 2], times[0], times[runs - 1], s->name,
         s->name);
  fflush(stdout);
  fprintf(stderr,
          "  rnnc    %-10s compile        median %10.3f ms  (%d runs)\n",
          s->name, 1e3 * times[runs / 2], runs);
  return 0;
}

static float maxAbs(const float *a, int64_t n) {
  float m = 0.0f;
  for (int64_t i = 0; i < n; ++i)
    m = fmaxf(m, fabsf(a[i]));
  return m;
}

static float maxAbsDiff(const float *a, const float *b, int64_t n) {
  float m = 0.0f;
  for (int64_t i = 0; i < n; ++i)
    m = fmaxf(m, fabsf(a[i] - b[i]));
  return m;
}

/// Deterministic inputs in [-1, 1).
static void fillUniform(float *v, int64_t n, uint64_t seed) {
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  for (int64_t i = 0; i < n; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    v[i] = (float)((double)(state >> 40) / (double)(1ull << 24)) * 2.0f - 1.0f;
  }
}

static int runConfig(const struct Config *c) {
  const struct BenchShape *s = &c->shape;
  int64_t paramSize = c->paramSize();
  int64_t outNumel = s->seqLen * s->batch * s->directions * s->hiddenSize;
  int64_t inNumel = s->seqLen * s->batch * s->inputSize;
  float *params = malloc(sizeof(float) * paramSize);
  float *grads = malloc(sizeof(float) * paramSize);
  float *peerGrads = malloc(sizeof(float) * paramSize);
  float *x = malloc(sizeof(float) * inNumel);
  float *target = malloc(sizeof(float) * outNumel);
  float *output = malloc(sizeof(float) * outNumel);
  float *peerOutput = malloc(sizeof(float) * outNumel);
  if (!params || !grads || !peerGrads || !x || !target || !output ||
      !peerOutput)
    return 1;
  if (rnnrt_params_init_default(c->paramInfo(), c->numParams(), params,
                                paramSize, 1) != RNNRT_OK)
    return 1;
  // The spec must describe the shape of the table above.
  int64_t expected = 0;
  for (int64_t l = 0; l < s->numLayers; ++l) {
    int64_t width = l == 0 ? s->inputSize : s->directions * s->hiddenSize;
    expected += s->directions * s->hiddenSize * (width + s->hiddenSize + 2);
  }
  if (expected != paramSize) {
    fprintf(stderr, "%s: the spec has %lld parameters, the shape %lld\n",
            s->name, (long long)paramSize, (long long)expected);
    return 1;
  }
  fillUniform(x, inNumel, 2);
  fillUniform(target, outNumel, 3);

  printf("{\"type\":\"config\",\"name\":\"%s\",\"I\":%lld,\"H\":%lld,"
         "\"L\":%lld,\"T\":%lld,\"B\":%lld,\"D\":%lld,\"params\":%lld,"
         "\"forward_flop\":%.0f}\n",
         s->name, (long long)s->inputSize, (long long)s->hiddenSize,
         (long long)s->numLayers, (long long)s->seqLen, (long long)s->batch,
         (long long)s->directions, (long long)paramSize, benchForwardFlop(s));
  fflush(stdout);

  int failed = 0;
  int doRnnc = listHas(opts.frameworks, "rnnc");
  if (doRnnc && opts.compileTime)
    failed |= measureCompile(s);

  for (int training = 0; training <= 1 && !failed; ++training) {
    const char *mode = training ? "training" : "forward";
    if (!listHas(opts.modes, mode))
      continue;
    // rnnc (also the reference for the oneDNN check, so it runs when
    // checking even if not timed).
    int haveRnnc = 0;
    if (doRnnc || opts.check) {
      int64_t wsBytes = training ? c->gradWorkspaceSize(s->batch, s->seqLen)
                                 : c->workspaceSize(s->batch, s->seqLen);
      struct RnncCtx ctx = {c,      params, x,    target,
                            output, grads,  0.0f, allocWorkspace(wsBytes)};
      if (!ctx.workspace)
        return 1;
      BenchRunFn run = training ? runRnncTraining : runRnncForward;
      int status = run(&ctx);
      if (status) {
        fprintf(stderr, "rnnc %s %s failed with status %d\n", s->name, mode,
                status);
        failed = 1;
      } else {
        haveRnnc = 1;
      }
      struct BenchStats stats;
      if (!failed && doRnnc) {
        failed = benchMeasure(run, &ctx, &stats);
        if (!failed)
          benchReportTime("rnnc", s, mode, opts.threads, &stats);
      }
      free(ctx.workspace);
    }
#ifdef RNN_BENCH_HAVE_DNNL
    if (!failed && listHas(opts.frameworks, "onednn")) {
      float *checkOut =
          opts.check && haveRnnc ? (training ? peerGrads : peerOutput) : NULL;
      if (checkOut && training)
        memset(peerGrads, 0, sizeof(float) * paramSize);
      failed = dnnlBenchRnn(s, mode, opts.threads, c->paramInfo(),
                            c->numParams(), params, x, target, checkOut);
      if (!failed && checkOut) {
        const float *ref = training ? grads : output;
        int64_t n = training ? paramSize : outNumel;
        float diff = maxAbsDiff(ref, checkOut, n), scale = maxAbs(ref, n);
        // Relative to the largest value: the sums differ in order only.
        int ok = diff <= 1e-3f * scale + 1e-6f;
        if (training && !ok)
          for (int64_t k = 0; k < c->numParams(); ++k) {
            const rnnc_param_info_t *row = &c->paramInfo()[k];
            fprintf(stderr, "    %-24s max |diff| %.3g max |rnnc| %.3g\n",
                    row->name,
                    maxAbsDiff(ref + row->offset, checkOut + row->offset,
                               row->numel),
                    maxAbs(ref + row->offset, row->numel));
          }
        printf("{\"type\":\"check\",\"config\":\"%s\",\"mode\":\"%s\","
               "\"peer\":\"onednn\",\"what\":\"%s\",\"max_abs_diff\":%.3g,"
               "\"max_abs_ref\":%.3g,\"ok\":%s}\n",
               s->name, mode, training ? "parameter gradients" : "output", diff,
               scale, ok ? "true" : "false");
        fflush(stdout);
        fprintf(stderr,
                "  check   %-10s %-8s oneDNN vs rnnc: max |diff| %.3g "
                "(max |rnnc| %.3g)%s\n",
                s->name, mode, diff, scale, ok ? "" : "  ** MISMATCH **");
      }
    }
#else
    (void)haveRnnc;
#endif
  }
  free(params);
  free(grads);
  free(peerGrads);
  free(x);
  free(target);
  free(output);
  free(peerOutput);
  return failed;
}

int main(int argc, char **argv) {
  int status = parseOptions(argc, argv);
  if (status)
    return status;
  // The models are compiled with rnnc --parallel; libomp, their OpenMP
  // runtime, reads the thread count when their first product starts.
  // (oneDNN's runtime is told below.)
  char threadCount[16];
  snprintf(threadCount, sizeof threadCount, "%d", opts.threads);
  setenv("OMP_NUM_THREADS", threadCount, 1);
#ifdef RNN_BENCH_HAVE_DNNL
  dnnlBenchSetThreads(opts.threads);
  const char *dnnlVersion = dnnlBenchVersion();
#else
  const char *dnnlVersion = NULL;
#endif
  printf(
      "{\"type\":\"meta\",\"program\":\"rnn_bench\",\"threads\":%d,"
      "\"quick\":%s,\"target_seconds\":%g,\"slow_seconds\":%g,"
      "\"rnnc_target_cpu\":\"" RNN_BENCH_TARGET_CPU "\","
      "\"rnnc_opt_level\":3,\"rnnc_threads\":%d,\"onednn_version\":%s%s%s}\n",
      opts.threads, opts.quick ? "true" : "false", opts.targetSeconds,
      opts.slowSeconds, opts.threads, dnnlVersion ? "\"" : "",
      dnnlVersion ? dnnlVersion : "null", dnnlVersion ? "\"" : "");
  fflush(stdout);
  fprintf(stderr, "rnn_bench: %d thread(s) for rnnc and oneDNN, oneDNN %s%s\n",
          opts.threads, dnnlVersion ? dnnlVersion : "not built in",
          opts.quick ? ", quick" : "");

#ifdef RNN_BENCH_HAVE_DNNL
  if (listHas(opts.frameworks, "gemm")) {
    const int64_t sizes[] = {512, 1024};
    if (dnnlBenchGemm(sizes, 2, opts.threads))
      return 1;
  }
#endif
  int failed = 0;
  for (int i = 0; i < NUM_CONFIGS; ++i) {
    if (opts.only && !listHas(opts.only, configs[i].shape.name))
      continue;
    if (runConfig(&configs[i])) {
      fprintf(stderr, "%s failed\n", configs[i].shape.name);
      failed = 1;
    }
  }
  return failed;
}

// SPDX-License-Identifier: Apache-2.0
//
// bench_bptt_memory [T] [B] [repeats]: one training step (forward +
// backward) of the SinPredictor shape under the three BPTT memory
// strategies, each in its own process so that the peak resident set of one
// does not hide another's. Prints, per strategy, the workspace the header
// reports, the peak RSS growth over the process's state before it allocated
// anything, and the median time of one step.

#include "bench_clock.h"
#include "checkpointed.h"
#include "store_all.h"
#include "truncated.h"

#include <rnnrt/rnnrt.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

typedef int64_t (*WorkspaceSizeFn)(int64_t, int64_t);
typedef int32_t (*LossAndGradFn)(const float *, int64_t, int64_t, const float *,
                                 const int64_t *, const float *, const float *,
                                 float *, float *, float *, float *, void *);

struct Strategy {
  const char *name;
  WorkspaceSizeFn workspaceSize;
  LossAndGradFn lossAndGrad;
};

static long peakRssKiB(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/// Runs `repeats` steps of one strategy; returns 0 on success.
static int run(const struct Strategy *s, int64_t steps, int64_t batch,
               int repeats) {
  long baseline = peakRssKiB();
  int64_t numParams = store_all_param_size();
  int64_t workspaceBytes = s->workspaceSize(batch, steps);
  float *params = malloc(sizeof(float) * numParams);
  float *grads = malloc(sizeof(float) * numParams);
  float *x = malloc(sizeof(float) * batch * steps);
  float *target = malloc(sizeof(float) * batch);
  void *workspace = malloc(workspaceBytes);
  double *times = malloc(sizeof(double) * repeats);
  if (!params || !grads || !x || !target || !workspace || !times)
    return 1;
  if (rnnrt_params_init_default(store_all_param_info(), store_all_num_params(),
                                params, numParams, 1) != RNNRT_OK)
    return 1;
  for (int64_t i = 0; i < batch * steps; ++i)
    x[i] = sinf(0.01f * (float)i);
  for (int64_t b = 0; b < batch; ++b)
    target[b] = cosf((float)b);
  float loss = 0.0f;
  for (int r = 0; r < repeats; ++r) {
    double start = benchClockSeconds();
    if (s->lossAndGrad(params, batch, steps, x, NULL, NULL, target, &loss,
                       grads, NULL, NULL, workspace) != 0)
      return 1;
    times[r] = benchClockSeconds() - start;
  }
  qsort(times, repeats, sizeof(double), benchCompareDoubles);
  printf("| %-12s | %10.2f MB | %10.2f MB | %9.2f ms | %.6f |\n", s->name,
         (double)workspaceBytes / 1e6,
         (double)(peakRssKiB() - baseline) * 1024.0 / 1e6,
         1e3 * times[repeats / 2], loss);
  free(params);
  free(grads);
  free(x);
  free(target);
  free(workspace);
  free(times);
  // The child leaves through _exit, which does not flush stdio.
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv) {
  int64_t steps = argc > 1 ? atoll(argv[1]) : 1000;
  int64_t batch = argc > 2 ? atoll(argv[2]) : 32;
  int repeats = argc > 3 ? atoi(argv[3]) : 5;
  if (steps < 1 || batch < 1 || repeats < 1) {
    fprintf(stderr, "usage: %s [T >= 1] [B >= 1] [repeats >= 1]\n", argv[0]);
    return 2;
  }
  const struct Strategy strategies[] = {
      {"store-all", store_all_grad_workspace_size, store_all_loss_and_grad},
      {"checkpoint32", checkpointed_grad_workspace_size,
       checkpointed_loss_and_grad},
      {"truncate32", truncated_grad_workspace_size, truncated_loss_and_grad},
  };
  printf("SinPredictor shape (I=1, H=32, 1 layer, on=last), T=%lld, B=%lld, "
         "median of %d steps\n\n",
         (long long)steps, (long long)batch, repeats);
  printf("| strategy     |  workspace    | peak RSS growth | step time | "
         "loss |\n|---|---|---|---|---|\n");
  fflush(stdout);
  int failed = 0;
  for (size_t i = 0; i < sizeof(strategies) / sizeof(strategies[0]); ++i) {
    pid_t child = fork();
    if (child == 0)
      _exit(run(&strategies[i], steps, batch, repeats));
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
      fprintf(stderr, "%s failed\n", strategies[i].name);
      failed = 1;
    }
  }
  return failed;
}

// SPDX-License-Identifier: Apache-2.0
//
/// The workspace each BPTT memory strategy needs, as the generated headers
/// report it: storing every state grows like T, checkpointing every k steps
/// and truncated BPTT over windows of k steps like T/k + k. The same spec is
/// compiled three times under three model names.
//
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: sed 's/^model long_sine/model store_all/' %S/Inputs/long_sine.rnn > %t.dir/store_all.rnn
// RUN: sed 's/^model long_sine/model checkpointed/' %S/Inputs/long_sine.rnn > %t.dir/checkpointed.rnn
// RUN: sed 's/^model long_sine/model truncated/' %S/Inputs/long_sine.rnn > %t.dir/truncated.rnn
// RUN: rnnc %t.dir/store_all.rnn -o %t.dir/store_all.o
// RUN: rnnc %t.dir/checkpointed.rnn --checkpoint-bptt=32 -o %t.dir/checkpointed.o
// RUN: rnnc %t.dir/truncated.rnn --truncate-bptt=32 -o %t.dir/truncated.o
// RUN: FileCheck %s --check-prefix=HEADER < %t.dir/checkpointed.h
// RUN: %cc -std=c11 -Wall -Werror -I%t.dir -I%rnnrt_include -c %s -o %t.main.o
// RUN: %cc %t.main.o %t.dir/store_all.o %t.dir/checkpointed.o %t.dir/truncated.o -L%rnnrt_libdir -lrnnrt -Wl,-rpath,%rnnrt_libdir -lm -o %t.exe
// RUN: %t.exe | FileCheck %s
// HEADER: #define CHECKPOINTED_BPTT_TRUNCATE 0
// HEADER: #define CHECKPOINTED_BPTT_CHECKPOINT 32
// CHECK: ok: store-all grows like T
// CHECK: ok: checkpointed grows like T/k + k
// CHECK: ok: truncated grows like T/k + k
// CHECK: ok: checkpointed and truncated gradients match store-all

#include "checkpointed.h"
#include "store_all.h"
#include "truncated.h"

#include <rnnrt/rnnrt.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int failures = 0;

static void check(int condition, const char *what) {
  printf("%s: %s\n", condition ? "ok" : "FAIL", what);
  if (!condition)
    ++failures;
}

/// Bytes per additional step between T=1000 and T=2000, batch 32.
static double bytesPerStep(int64_t (*size)(int64_t, int64_t)) {
  return (double)(size(32, 2000) - size(32, 1000)) / 1000.0;
}

int main(void) {
  const int64_t batch = 32, steps = 1000;
  int64_t all = store_all_grad_workspace_size(batch, steps);
  int64_t ckpt = checkpointed_grad_workspace_size(batch, steps);
  int64_t trunc = truncated_grad_workspace_size(batch, steps);
  fprintf(stderr, "grad workspace at B=32, T=1000: store-all %lld, "
                  "checkpointed %lld, truncated %lld bytes\n",
          (long long)all, (long long)ckpt, (long long)trunc);

  // A stored state of both layers is 2 * 32 * 32 floats per step, plus its
  // gradient; the input gradient (1 float per sequence and step) stays.
  double stateBytes = 2.0 * 32 * 32 * 4;
  check(bytesPerStep(store_all_grad_workspace_size) >= 2 * stateBytes,
        "store-all grows like T");
  // Checkpointed: one checkpoint (and its gradient) per 32 steps.
  check(bytesPerStep(checkpointed_grad_workspace_size) <=
                2 * stateBytes / 32 + 32 * 4 * 4 &&
            ckpt * 8 < all,
        "checkpointed grows like T/k + k");
  check(bytesPerStep(truncated_grad_workspace_size) <=
                2 * stateBytes / 32 + 32 * 4 * 4 &&
            trunc * 8 < all,
        "truncated grows like T/k + k");

  // The same loss and gradients from store-all and checkpointing (the
  // truncation window is longer than the sequence, so it detaches nothing).
  const int64_t b = 3, t = 20;
  int64_t numParams = store_all_param_size();
  float *params = malloc(sizeof(float) * numParams);
  float *grads[3];
  float *x = malloc(sizeof(float) * b * t), *target = malloc(sizeof(float) * b);
  for (int64_t i = 0; i < b * t; ++i)
    x[i] = sinf(0.3f * (float)i);
  for (int64_t i = 0; i < b; ++i)
    target[i] = cosf((float)i);
  int64_t lengths[3] = {20, 7, 13};
  rnnrt_status_t status = rnnrt_params_init_default(
      store_all_param_info(), store_all_num_params(), params, numParams, 42);
  check(status == RNNRT_OK, "parameters initialised");
  float loss[3];
  int64_t (*wsSize[3])(int64_t, int64_t) = {store_all_grad_workspace_size,
                                            checkpointed_grad_workspace_size,
                                            truncated_grad_workspace_size};
  for (int m = 0; m < 3; ++m) {
    grads[m] = calloc(numParams, sizeof(float));
    void *workspace = malloc(wsSize[m](b, t));
    int32_t rc = -1;
    if (m == 0)
      rc = store_all_loss_and_grad(params, b, t, x, lengths, NULL, target,
                                   &loss[m], grads[m], NULL, NULL, workspace);
    else if (m == 1)
      rc = checkpointed_loss_and_grad(params, b, t, x, lengths, NULL, target,
                                      &loss[m], grads[m], NULL, NULL,
                                      workspace);
    else
      rc = truncated_loss_and_grad(params, b, t, x, lengths, NULL, target,
                                   &loss[m], grads[m], NULL, NULL, workspace);
    if (rc != 0)
      ++failures;
    free(workspace);
  }
  float worst = 0.0f;
  for (int m = 1; m < 3; ++m) {
    worst = fmaxf(worst, fabsf(loss[m] - loss[0]));
    for (int64_t i = 0; i < numParams; ++i)
      worst = fmaxf(worst, fabsf(grads[m][i] - grads[0][i]) /
                               (1e-5f + fabsf(grads[0][i])));
  }
  check(worst < 1e-4f,
        "checkpointed and truncated gradients match store-all");
  for (int m = 0; m < 3; ++m)
    free(grads[m]);
  free(params);
  free(x);
  free(target);
  return failures ? 1 : 0;
}

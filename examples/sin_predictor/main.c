/*===- main.c - SinPredictor inference with rnnc ---------------------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===-----------------------------------------------------------------------===*
 *
 * Runs the lesson's SinPredictor (examples/sin_predictor/model.rnn), compiled
 * by rnnc, on a batch of sine windows made like the lesson's
 * generate_sin_data: 50 samples of sin(linspace(s, s + 4*pi, 51)) predict the
 * 51st. Parameters come from a safetensors file (a PyTorch state_dict) when
 * one is given, otherwise from PyTorch's default initialization.
 *
 *   sin_predictor_example [params.safetensors]
 *
 *===-----------------------------------------------------------------------===*/

#include "sin_predictor.h"

#include <rnnrt/rnnrt.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BATCH 32
#define SEQ_LEN SIN_PREDICTOR_SEQ_LEN

/// Uniform in [0, 1) from a 64-bit LCG (deterministic across platforms).
static double next_uniform(uint64_t *state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*state >> 11) / 9007199254740992.0;
}

static int check(rnnrt_status_t status, const char *what) {
  if (status == RNNRT_OK)
    return 0;
  fprintf(stderr, "error: %s: %s\n", what, rnnrt_last_error_message());
  return 1;
}

int main(int argc, char **argv) {
  static float params[SIN_PREDICTOR_PARAM_SIZE];
  if (argc > 1) {
    if (check(rnnrt_params_load_safetensors(argv[1], sin_predictor_param_info(),
                                            SIN_PREDICTOR_NUM_PARAMS, params,
                                            SIN_PREDICTOR_PARAM_SIZE),
              "loading parameters"))
      return 1;
  } else if (check(rnnrt_params_init_default(sin_predictor_param_info(),
                                             SIN_PREDICTOR_NUM_PARAMS, params,
                                             SIN_PREDICTOR_PARAM_SIZE, 42),
                   "initializing parameters")) {
    return 1;
  }

  /* x: (batch, 50, 1) since the spec says batch_first=True. */
  static float x[BATCH * SEQ_LEN];
  static float target[BATCH];
  uint64_t rng = 2024;
  const double pi = 3.14159265358979323846;
  for (int b = 0; b < BATCH; ++b) {
    double start = next_uniform(&rng) * 2.0 * pi;
    for (int t = 0; t <= SEQ_LEN; ++t) {
      double value = sin(start + 4.0 * pi * t / SEQ_LEN);
      if (t < SEQ_LEN)
        x[b * SEQ_LEN + t] = (float)value;
      else
        target[b] = (float)value;
    }
  }

  static float y[BATCH * SIN_PREDICTOR_OUTPUT_SIZE];
  static float
      h_n[SIN_PREDICTOR_NUM_LAYERS * BATCH * SIN_PREDICTOR_HIDDEN_SIZE];
  void *workspace = aligned_alloc(
      64,
      (size_t)((sin_predictor_workspace_size(BATCH, SEQ_LEN) + 63) / 64 * 64));
  if (!workspace) {
    fprintf(stderr, "error: out of memory\n");
    return 1;
  }
  int32_t status = sin_predictor_forward(params, BATCH, SEQ_LEN, x, NULL, NULL,
                                         y, h_n, workspace);
  free(workspace);
  if (check((rnnrt_status_t)status, "sin_predictor_forward"))
    return 1;

  double mse = 0.0;
  for (int b = 0; b < BATCH; ++b)
    mse += (y[b] - target[b]) * (y[b] - target[b]);
  mse /= BATCH;
  printf("SinPredictor (rnnc): batch %d, seq_len %d, hidden %d\n", BATCH,
         SEQ_LEN, SIN_PREDICTOR_HIDDEN_SIZE);
  printf("  sample  prediction  target\n");
  for (int b = 0; b < 5; ++b)
    printf("  %6d  %10.5f  %7.4f\n", b, y[b], target[b]);
  printf("MSE over the batch: %.6f (%s parameters)\n", mse,
         argc > 1 ? "loaded" : "untrained");
  return 0;
}

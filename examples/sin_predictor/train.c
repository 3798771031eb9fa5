/*===- train.c - Train SinPredictor from C with rnnc's BPTT ----------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===-----------------------------------------------------------------------===*
 *
 * Trains the lesson's SinPredictor (examples/sin_predictor/model.rnn) with
 * the loss-and-gradient function rnnc generated (backpropagation through
 * time), Adam and the runtime's training loop, on sine windows made like the
 * lesson's generate_sin_data, then reports the test MSE. Only the generated
 * header and rnnrt are used.
 *
 *   sin_predictor_train [epochs] [trained.safetensors]
 *
 *===-----------------------------------------------------------------------===*/

#include "sin_predictor.h"

#include <rnnrt/rnnrt.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SEQ_LEN SIN_PREDICTOR_SEQ_LEN
#define NUM_TRAIN 1000
#define NUM_TEST 200

/* Uniform in [0, 1) from a 64-bit LCG (deterministic across platforms). */
static double next_uniform(uint64_t *state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*state >> 11) / 9007199254740992.0;
}

/* generate_sin_data: x = sin(linspace(s, s + 4 pi, T + 1))[:-1], y = last. */
static void make_sine_windows(int n, uint64_t seed, float *x, float *y) {
  const double pi = 3.14159265358979323846;
  uint64_t rng = seed;
  for (int i = 0; i < n; ++i) {
    double start = next_uniform(&rng) * 2.0 * pi;
    for (int t = 0; t <= SEQ_LEN; ++t) {
      double value = sin(start + 4.0 * pi * t / SEQ_LEN);
      if (t < SEQ_LEN)
        x[i * SEQ_LEN + t] = (float)value;
      else
        y[i] = (float)value;
    }
  }
}

static int check(rnnrt_status_t status, const char *what) {
  if (status == RNNRT_OK)
    return 0;
  fprintf(stderr, "error: %s: %s\n", what, rnnrt_last_error_message());
  return 1;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
  int epochs = argc > 1 ? atoi(argv[1]) : 20;
  const char *save_path = argc > 2 ? argv[2] : NULL;
  if (epochs < 1) {
    fprintf(stderr, "usage: %s [epochs >= 1] [trained.safetensors]\n", argv[0]);
    return 1;
  }

  static float x_train[NUM_TRAIN * SEQ_LEN], y_train[NUM_TRAIN];
  static float x_test[NUM_TEST * SEQ_LEN], y_test[NUM_TEST];
  make_sine_windows(NUM_TRAIN, 1, x_train, y_train);
  make_sine_windows(NUM_TEST, 2, x_test, y_test);

  static float params[SIN_PREDICTOR_PARAM_SIZE];
  if (check(rnnrt_params_init_default(sin_predictor_param_info(),
                                      SIN_PREDICTOR_NUM_PARAMS, params,
                                      SIN_PREDICTOR_PARAM_SIZE, 42),
            "initializing parameters"))
    return 1;

  rnnrt_model_t model = SIN_PREDICTOR_RNNRT_MODEL;
  rnnrt_trainer_options_t options;
  rnnrt_trainer_options_initialize(&options);
  options.batch_size = 32;
  options.seed = 7;
  rnnrt_adam_options_t adam;
  rnnrt_adam_options_initialize(&adam); /* lr 1e-3, as torch.optim.Adam */
  rnnrt_trainer_t *trainer = NULL;
  rnnrt_optimizer_t *optimizer = NULL;
  if (check(rnnrt_trainer_create(&model, &options, &trainer),
            "creating the trainer") ||
      check(rnnrt_optimizer_create_adam(SIN_PREDICTOR_PARAM_SIZE, &adam,
                                        &optimizer),
            "creating Adam"))
    return 1;

  rnnrt_dataset_t train = {NUM_TRAIN, SEQ_LEN, x_train, y_train, NULL};
  rnnrt_dataset_t test = {NUM_TEST, SEQ_LEN, x_test, y_test, NULL};
  float initial = 0.0f;
  if (check(rnnrt_trainer_evaluate(trainer, params, &test, &initial),
            "evaluating"))
    return 1;
  printf("SinPredictor: %d training windows of %d steps, Adam, batch 32\n",
         NUM_TRAIN, SEQ_LEN);
  printf("untrained test MSE %.6f\n", initial);
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    double start = now();
    float loss = 0.0f;
    if (check(
            rnnrt_trainer_run_epoch(trainer, optimizer, params, &train, &loss),
            "training"))
      return 1;
    printf("epoch %3d  loss %.6f  %.1f ms\n", epoch, loss,
           (now() - start) * 1e3);
  }

  float test_mse = 0.0f;
  if (check(rnnrt_trainer_evaluate(trainer, params, &test, &test_mse),
            "evaluating"))
    return 1;
  if (save_path &&
      check(rnnrt_params_save_safetensors(save_path, sin_predictor_param_info(),
                                          SIN_PREDICTOR_NUM_PARAMS, params,
                                          SIN_PREDICTOR_PARAM_SIZE),
            "saving parameters"))
    return 1;
  rnnrt_optimizer_destroy(optimizer);
  rnnrt_trainer_destroy(trainer);
  printf("test MSE %.6f (untrained %.6f)\n", test_mse, initial);
  return 0;
}

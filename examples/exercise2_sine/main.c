/*===- main.c - Exercise 2: predict the next value of a sine wave ----------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===-----------------------------------------------------------------------===*
 *
 * Lesson 08, exercise 2. Trains the lesson's SinPredictor (RNN(1, 32) and a
 * Linear(32, 1) on h_n[-1], model.rnn) with MSELoss and Adam (lr 1e-3,
 * batch 32, shuffled) on 1000 windows from the lesson's generate_sin_data
 * with seq_len=30, then reports the MSE on 200 held-out windows drawn with
 * another seed. Training uses the loss-and-gradient function rnnc generated
 * (backpropagation through time) and the runtime's trainer.
 *
 * To ground the lesson's point about vanishing gradients, it also measures
 * how strongly the prediction depends on each input step, |d y_hat / d x_t|,
 * before and after training: the gradient that backpropagation through time
 * carries from the output back to step t.
 *
 *   exercise2_sine [--epochs=N (default 50)] [--seed=N] [--out-dir=DIR]
 *
 * Prints the untrained test MSE, one line per epoch (mean training loss,
 * test MSE, time), five test predictions, the gradient profile, `plot:`
 * lines for sine_predictions.svg and sine_loss.svg, and last
 * `test MSE <value>`.
 *
 *===-----------------------------------------------------------------------===*/

#include "model.h"

#include "example_util.h"
#include "svg_plot.h"

#include <rnnrt/rnnrt.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SEQ_LEN SIN_PREDICTOR_SEQ_LEN
#define NUM_TRAIN 1000
#define NUM_TEST 200
#define NUM_SHOWN 5 /* test predictions plotted */
#define BATCH_SIZE 32
#define LEARNING_RATE 1e-3f /* torch.optim.Adam's default */

_Static_assert(SIN_PREDICTOR_INPUT_SIZE == 1 && SIN_PREDICTOR_OUTPUT_SIZE == 1,
               "SinPredictor maps a scalar series to one scalar");

/// The lesson's generate_sin_data: n windows of
/// sin(linspace(s, s + 4 pi, T + 1)) with s ~ U(0, 2 pi); the first T values
/// are the input (n, T, 1), the last is the target (n, 1).
static void generate_sin_data(example_rng_t *rng, int n, float *x, float *y) {
  const double pi = 3.14159265358979323846;
  for (int i = 0; i < n; ++i) {
    double start = example_uniform(rng) * 2.0 * pi;
    for (int t = 0; t <= SEQ_LEN; ++t) {
      double value = sin(start + 4.0 * pi * t / SEQ_LEN);
      if (t < SEQ_LEN)
        x[i * SEQ_LEN + t] = (float)value;
      else
        y[i] = (float)value;
    }
  }
}

/// Buffers of sensitivity_profile, allocated once.
typedef struct profile_buffers_t {
  float *prediction; /* (NUM_TEST) */
  float *shifted;    /* (NUM_TEST) */
  float *grads;      /* (SIN_PREDICTOR_PARAM_SIZE) */
  float *input_grad; /* (NUM_TEST, SEQ_LEN) */
  void *forward_ws;  /* sin_predictor_workspace_size(NUM_TEST, SEQ_LEN) */
  void *grad_ws;     /* sin_predictor_grad_workspace_size(NUM_TEST, SEQ_LEN) */
} profile_buffers_t;

/// Predicts the test windows `x` into b->prediction and fills profile[t]
/// with the mean over them of |d y_hat / d x_t|. There is no Jacobian entry
/// point, but with the target y = y_hat - 1/2 the gradient of the mean
/// squared error is dL/dx_t = (2 / N) (y_hat - y) d y_hat / d x_t
/// = (1 / N) d y_hat / d x_t, so the generated loss_and_grad yields it. (The
/// trainer computes no input gradients, hence the direct call.)
static int sensitivity_profile(const float *params, const float *x,
                               const profile_buffers_t *b, float *profile) {
  int32_t status =
      sin_predictor_forward(params, NUM_TEST, SEQ_LEN, x, NULL, NULL,
                            b->prediction, /*h_n=*/NULL, b->forward_ws);
  if (example_check((rnnrt_status_t)status, "predicting"))
    return 1;
  for (int i = 0; i < NUM_TEST; ++i)
    b->shifted[i] = b->prediction[i] - 0.5f;
  float loss = 0.0f;
  status = sin_predictor_loss_and_grad(params, NUM_TEST, SEQ_LEN, x, NULL, NULL,
                                       b->shifted, &loss, b->grads,
                                       b->input_grad, NULL, b->grad_ws);
  if (example_check((rnnrt_status_t)status, "computing input gradients"))
    return 1;
  for (int t = 0; t < SEQ_LEN; ++t) {
    double sum = 0.0; /* of (1 / N) |d y_hat_i / d x_t|: the mean */
    for (int i = 0; i < NUM_TEST; ++i)
      sum += fabs(b->input_grad[i * SEQ_LEN + t]);
    profile[t] = (float)sum;
  }
  return 0;
}

static void print_profile(const char *when, const float *profile) {
  printf("|dy/dx_t| %-9s", when);
  for (int t = SEQ_LEN - 1; t >= 0; t -= 5)
    printf("  t=%d %.1e", t, profile[t]);
  printf("  t=0 %.1e\n", profile[0]);
}

int main(int argc, char **argv) {
  example_options_t options = {50, 0, "."};
  if (example_parse_options(argc, argv, &options))
    return 1;
  const int epochs = (int)options.epochs;

  static float x_train[NUM_TRAIN * SEQ_LEN], y_train[NUM_TRAIN];
  static float x_test[NUM_TEST * SEQ_LEN], y_test[NUM_TEST];
  example_rng_t train_rng = example_rng(options.seed);
  example_rng_t test_rng = example_rng(options.seed + 1);
  generate_sin_data(&train_rng, NUM_TRAIN, x_train, y_train);
  generate_sin_data(&test_rng, NUM_TEST, x_test, y_test);

  static float params[SIN_PREDICTOR_PARAM_SIZE];
  static float grads[SIN_PREDICTOR_PARAM_SIZE];
  static float input_grad[NUM_TEST * SEQ_LEN];
  static float prediction[NUM_TEST], shifted[NUM_TEST];
  static float grad_before[SEQ_LEN], grad_after[SEQ_LEN];
  static float t_axis[SEQ_LEN];
  for (int t = 0; t < SEQ_LEN; ++t)
    t_axis[t] = (float)t;

  void *grad_ws = example_alloc_workspace(
      sin_predictor_grad_workspace_size(NUM_TEST, SEQ_LEN));
  void *fwd_ws =
      example_alloc_workspace(sin_predictor_workspace_size(NUM_TEST, SEQ_LEN));
  /* Per epoch: training loss (x = 1..E) and test MSE (x = 0..E, 0 being
   * the untrained model). */
  float *train_loss = malloc((size_t)epochs * sizeof(float));
  float *test_mse = malloc(((size_t)epochs + 1) * sizeof(float));
  float *epoch_axis = malloc(((size_t)epochs + 1) * sizeof(float));
  profile_buffers_t buffers = {prediction, shifted, grads,
                               input_grad, fwd_ws,  grad_ws};
  rnnrt_trainer_t *trainer = NULL;
  rnnrt_optimizer_t *optimizer = NULL;
  int failed = 1;
  if (!grad_ws || !fwd_ws || !train_loss || !test_mse || !epoch_axis) {
    fprintf(stderr, "error: out of memory\n");
    goto done;
  }

  if (example_check(rnnrt_params_init_default(
                        sin_predictor_param_info(), SIN_PREDICTOR_NUM_PARAMS,
                        params, SIN_PREDICTOR_PARAM_SIZE, options.seed),
                    "initializing parameters"))
    goto done;
  rnnrt_model_t model = SIN_PREDICTOR_RNNRT_MODEL;
  if (example_create_adam_trainer(&model, BATCH_SIZE, options.seed,
                                  LEARNING_RATE, &trainer, &optimizer))
    goto done;

  rnnrt_dataset_t train = {NUM_TRAIN, SEQ_LEN, x_train, y_train, NULL};
  rnnrt_dataset_t test = {NUM_TEST, SEQ_LEN, x_test, y_test, NULL};
  printf("SinPredictor: RNN(1, %d) + Linear(%d, 1) on h_n[-1], MSELoss\n",
         SIN_PREDICTOR_HIDDEN_SIZE, SIN_PREDICTOR_HIDDEN_SIZE);
  printf("data: %d training and %d test windows of %d steps; Adam lr %g, "
         "batch %d, shuffled, %d epochs, seed %llu\n",
         NUM_TRAIN, NUM_TEST, SEQ_LEN, (double)LEARNING_RATE, BATCH_SIZE,
         epochs, (unsigned long long)options.seed);
  /* Epoch 0: the untrained model on the test windows only. */
  if (example_run_epoch(trainer, optimizer, params, &train, &test, 0, NULL,
                        &test_mse[0], NULL) ||
      sensitivity_profile(params, x_test, &buffers, grad_before))
    goto done;
  epoch_axis[0] = 0.0f;
  printf("untrained test MSE %.3e\n", test_mse[0]);

  double train_seconds = 0.0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    double seconds = 0.0;
    if (example_run_epoch(trainer, optimizer, params, &train, &test, epoch,
                          &train_loss[epoch - 1], &test_mse[epoch], &seconds))
      goto done;
    train_seconds += seconds;
    epoch_axis[epoch] = (float)epoch;
    printf("epoch %3d  loss %.3e  test %.3e  %.1f ms\n", epoch,
           train_loss[epoch - 1], test_mse[epoch], seconds * 1e3);
  }
  printf("training time %.2f s (%.1f ms per epoch)\n", train_seconds,
         train_seconds * 1e3 / epochs);

  /* Also predicts the test windows, through the inference entry point. */
  if (sensitivity_profile(params, x_test, &buffers, grad_after))
    goto done;
  for (int i = 0; i < NUM_SHOWN; ++i)
    printf("test sample %d: true %+.4f  predicted %+.4f\n", i, y_test[i],
           prediction[i]);
  print_profile("untrained", grad_before);
  print_profile("trained", grad_after);

  /* One panel per test window: its inputs, the true next value as a dot at
   * t=T and the prediction as a short bar through t=T, so that both stay
   * visible when they coincide. */
  static float mark_x[1] = {SEQ_LEN};
  static float bar_x[2] = {SEQ_LEN - 0.6f, SEQ_LEN + 0.6f};
  static float bar_y[NUM_SHOWN][2];
  char input_label[32], loss_title[48];
  snprintf(input_label, sizeof input_label, "input x[0..%d]", SEQ_LEN - 1);
  snprintf(loss_title, sizeof loss_title, "SinPredictor, T=%d: MSE", SEQ_LEN);
  static char titles[NUM_SHOWN][64];
  static svg_plot_series_t series[NUM_SHOWN][3];
  svg_plot_panel_t panels[NUM_SHOWN];
  for (int i = 0; i < NUM_SHOWN; ++i) {
    bar_y[i][0] = bar_y[i][1] = prediction[i];
    snprintf(titles[i], sizeof titles[i], "test %d: true %.3f, pred %.3f", i,
             y_test[i], prediction[i]);
    series[i][0] = (svg_plot_series_t){
        .label = input_label,
        .x = t_axis,
        .y = &x_test[i * SEQ_LEN],
        .count = SEQ_LEN,
        .style = SVG_PLOT_LINE,
        .color = "#1f77b4",
    };
    series[i][1] = (svg_plot_series_t){
        .label = "true next value",
        .x = mark_x,
        .y = &y_test[i],
        .count = 1,
        .style = SVG_PLOT_MARKERS,
        .color = "#2ca02c",
    };
    series[i][2] = (svg_plot_series_t){
        .label = "predicted (bar)",
        .x = bar_x,
        .y = bar_y[i],
        .count = 2,
        .style = SVG_PLOT_LINE,
        .color = "#d62728",
    };
    panels[i] = (svg_plot_panel_t){titles[i], "t", "sin", series[i], 3, 0};
  }
  if (example_write_plot(&options, "sine_predictions.svg", panels, NUM_SHOWN))
    goto done;

  svg_plot_series_t curves[2] = {
      {"training loss", epoch_axis + 1, train_loss, epochs, SVG_PLOT_LINE,
       NULL},
      {"test MSE", epoch_axis, test_mse, epochs + 1, SVG_PLOT_DASHED_LINE,
       NULL},
  };
  svg_plot_series_t profiles[2] = {
      {"untrained", t_axis, grad_before, SEQ_LEN, SVG_PLOT_DASHED_LINE, NULL},
      {"trained", t_axis, grad_after, SEQ_LEN, SVG_PLOT_LINE, NULL},
  };
  svg_plot_panel_t loss_panels[2] = {
      {loss_title, "epoch", "MSE (log)", curves, 2, 1},
      {"gradient reaching x_t", "input step t", "mean |d y_hat / d x_t| (log)",
       profiles, 2, 1},
  };
  if (example_write_plot(&options, "sine_loss.svg", loss_panels, 2))
    goto done;

  printf("test MSE %.3e\n", test_mse[epochs]);
  failed = 0;

done:
  rnnrt_optimizer_destroy(optimizer);
  rnnrt_trainer_destroy(trainer);
  free(grad_ws);
  free(fwd_ws);
  free(train_loss);
  free(test_mse);
  free(epoch_axis);
  return failed;
}

/*===- main.c - Exercise 4: exploding gradients and gradient clipping -----===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===-----------------------------------------------------------------------===*
 *
 * Lesson 08, exercise 4. A 5-layer stacked RNN(1, 6) (model.rnn) reads
 * 1000 sequences of 100 N(0, 1) samples and predicts each one's mean
 * (Linear head on h_n[-1], MSELoss). Every weight tensor (rnn.weight_ih_l*,
 * rnn.weight_hh_l*, fc.weight) is drawn from N(0, 2^2), as
 * torch.nn.init.normal_(std=2.0) does; the biases keep PyTorch's default
 * U(-1/sqrt(6), 1/sqrt(6)).
 *
 * The program
 *  1. runs one forward and backward pass on the first batch of 32 and
 *     prints the total gradient 2-norm and the norm of each layer (and, for
 *     comparison, the norm with PyTorch's default init), then clips it with
 *     rnnrt_clip_grad_norm(max_norm = 1) and prints the norms again;
 *  2. trains the same initial parameters twice with SGD (lr 0.5, batch 32,
 *     the same shuffling), without and with clip_grad_norm(1.0), printing
 *     the mean training loss of each epoch; a run whose loss or gradient
 *     stops being finite is reported as diverged and stopped;
 *  3. plots both loss curves (log10) and the per-layer gradient norms
 *     into clipping_loss.svg.
 *
 *   exercise4_clipping [--epochs=N (default 30)] [--seed=N] [--out-dir=DIR]
 *
 * The last line is
 *   gradient norm <before> -> <after> after clip_grad_norm(1.0); final loss
 *   <no-clip> without / <clip> with clipping
 * on one line, where a final loss is the mean training loss of the last
 * epoch, or `diverged`.
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
#include <string.h>

#define SEQ_LEN EXERCISE4_CLIPPING_SEQ_LEN
#define NUM_LAYERS EXERCISE4_CLIPPING_NUM_LAYERS
#define HIDDEN EXERCISE4_CLIPPING_HIDDEN_SIZE
#define PARAM_SIZE EXERCISE4_CLIPPING_PARAM_SIZE
#define NUM_SAMPLES 1000
#define BATCH_SIZE 32
#define INIT_STD 2.0
#define LEARNING_RATE 0.5f
#define MAX_NORM 1.0f
/* Tensor groups of the per-layer norms: the RNN layers, then the head. */
#define NUM_GROUPS (NUM_LAYERS + 1)

_Static_assert(EXERCISE4_CLIPPING_INPUT_SIZE == 1 &&
                   EXERCISE4_CLIPPING_OUTPUT_SIZE == 1 &&
                   EXERCISE4_CLIPPING_NUM_DIRECTIONS == 1,
               "the model maps a scalar sequence to one scalar");

/// The data: n sequences of SEQ_LEN samples of N(0, 1) (n, T, 1) and the
/// mean of each sequence as its target (n, 1).
static void generate_data(example_rng_t *rng, int n, float *x, float *y) {
  for (int i = 0; i < n; ++i) {
    double sum = 0.0;
    for (int t = 0; t < SEQ_LEN; ++t) {
      x[i * SEQ_LEN + t] = (float)example_normal(rng, 1.0);
      sum += x[i * SEQ_LEN + t];
    }
    y[i] = (float)(sum / SEQ_LEN);
  }
}

/// The lesson's large initialization: PyTorch's default init (also kept in
/// `default_params`), then every tensor whose name contains "weight" (the
/// Python loop `if 'weight' in name: nn.init.normal_(p, std=2.0)`) redrawn
/// from N(0, INIT_STD^2). The tensors are found by walking the generated
/// parameter table, so the program does not depend on the layout.
static int init_params(uint64_t seed, example_rng_t *rng, float *params,
                       float *default_params) {
  const rnnc_param_info_t *info = exercise4_clipping_param_info();
  if (example_check(rnnrt_params_init_default(info,
                                              EXERCISE4_CLIPPING_NUM_PARAMS,
                                              params, PARAM_SIZE, seed),
                    "initializing parameters"))
    return 1;
  memcpy(default_params, params, PARAM_SIZE * sizeof(float));
  for (int64_t r = 0; r < EXERCISE4_CLIPPING_NUM_PARAMS; ++r) {
    if (!strstr(info[r].name, "weight"))
      continue;
    for (int64_t i = 0; i < info[r].numel; ++i)
      params[info[r].offset + i] = (float)example_normal(rng, INIT_STD);
  }
  return 0;
}

/// The group of a parameter tensor: k for rnn.*_l<k>, NUM_LAYERS for the
/// head.
static int group_of(const char *name) {
  const char *layer = strrchr(name, 'l');
  if (strncmp(name, "rnn.", 4) == 0 && layer && layer[-1] == '_')
    return atoi(layer + 1);
  return NUM_LAYERS;
}

/// The 2-norm of the gradients of each group (norms[NUM_GROUPS]) and of all
/// of them (the return value), accumulated in double.
static double grad_norms(const float *grads, double *norms) {
  const rnnc_param_info_t *info = exercise4_clipping_param_info();
  double total = 0.0;
  for (int g = 0; g < NUM_GROUPS; ++g)
    norms[g] = 0.0;
  for (int64_t r = 0; r < EXERCISE4_CLIPPING_NUM_PARAMS; ++r) {
    double sum = 0.0;
    for (int64_t i = 0; i < info[r].numel; ++i)
      sum += (double)grads[info[r].offset + i] * grads[info[r].offset + i];
    norms[group_of(info[r].name)] += sum;
    total += sum;
  }
  for (int g = 0; g < NUM_GROUPS; ++g)
    norms[g] = sqrt(norms[g]);
  return sqrt(total);
}

static void print_group_norms(const char *what, const double *norms) {
  printf("%-16s", what);
  for (int g = 0; g < NUM_LAYERS; ++g)
    printf("  l%d %.3e", g, norms[g]);
  printf("  fc %.3e\n", norms[NUM_LAYERS]);
}

/// Steps 2-4 of the exercise on the first BATCH_SIZE sequences, and for
/// comparison the gradient norm of the same batch with PyTorch's default
/// initialization (`default_params`). The trainer does not expose its
/// gradients, so this calls the generated loss_and_grad directly.
static int measure_clipping(const float *params, const float *default_params,
                            const float *x, const float *y, float *norm_before,
                            float *norm_after, float *group_before,
                            float *group_after) {
  int failed = 1;
  void *workspace = example_alloc_workspace(
      exercise4_clipping_grad_workspace_size(BATCH_SIZE, SEQ_LEN));
  float *grads = malloc(PARAM_SIZE * sizeof(float));
  if (!workspace || !grads) {
    fprintf(stderr, "error: out of memory\n");
    goto done;
  }
  float loss = 0.0f;
  double norms[NUM_GROUPS];
  int32_t status = exercise4_clipping_loss_and_grad(
      default_params, BATCH_SIZE, SEQ_LEN, x, NULL, NULL, y, &loss, grads, NULL,
      NULL, workspace);
  if (example_check((rnnrt_status_t)status, "forward and backward pass"))
    goto done;
  printf("default init, first batch of %d: loss %.6g, gradient norm %.4g\n",
         BATCH_SIZE, loss, grad_norms(grads, norms));

  status = exercise4_clipping_loss_and_grad(params, BATCH_SIZE, SEQ_LEN, x,
                                            NULL, NULL, y, &loss, grads, NULL,
                                            NULL, workspace);
  if (example_check((rnnrt_status_t)status, "forward and backward pass"))
    goto done;
  grad_norms(grads, norms);
  printf("N(0, %g^2) init, first batch of %d: loss %.6g\n", INIT_STD,
         BATCH_SIZE, loss);
  print_group_norms("gradient norm", norms);
  for (int g = 0; g < NUM_GROUPS; ++g)
    group_before[g] = (float)norms[g];
  /* rnnrt_clip_grad_norm reports the norm before clipping, as PyTorch's
   * clip_grad_norm_ returns it. */
  if (example_check(
          rnnrt_clip_grad_norm(grads, PARAM_SIZE, MAX_NORM, 2.0f, norm_before),
          "clipping the gradients"))
    goto done;
  *norm_after = (float)grad_norms(grads, norms);
  print_group_norms("after clipping", norms);
  for (int g = 0; g < NUM_GROUPS; ++g)
    group_after[g] = (float)norms[g];
  printf("total gradient norm %.6g before clipping, %.6f after "
         "clip_grad_norm(max_norm=%g)\n",
         *norm_before, *norm_after, (double)MAX_NORM);
  failed = 0;
done:
  free(grads);
  free(workspace);
  return failed;
}

/// One training run of `epochs` epochs from `initial` with SGD, clipping the
/// gradients to a total norm of `max_norm` when it is > 0. Fills loss[1..]
/// with the mean training loss per epoch (NaN from a diverged epoch on).
/// Sets *diverged_epoch to the epoch whose loss or gradient was not finite,
/// or 0. Returns 1 on any other error.
static int train_run(const char *label, float max_norm, const float *initial,
                     float *params, const rnnrt_dataset_t *data, int epochs,
                     uint64_t seed, float *loss, int *diverged_epoch,
                     double *seconds) {
  rnnrt_model_t model = EXERCISE4_CLIPPING_RNNRT_MODEL;
  rnnrt_trainer_options_t trainer_options;
  rnnrt_trainer_options_initialize(&trainer_options);
  trainer_options.batch_size = BATCH_SIZE;
  trainer_options.shuffle = 1;
  trainer_options.seed = seed; /* the same batches in both runs */
  trainer_options.clip_grad_norm = max_norm;
  rnnrt_sgd_options_t sgd;
  rnnrt_sgd_options_initialize(&sgd);
  sgd.lr = LEARNING_RATE;
  rnnrt_trainer_t *trainer = NULL;
  rnnrt_optimizer_t *optimizer = NULL;
  int failed = 1;
  *diverged_epoch = 0;
  *seconds = 0.0;
  memcpy(params, initial, PARAM_SIZE * sizeof(float));
  for (int epoch = 1; epoch <= epochs; ++epoch)
    loss[epoch] = NAN;
  if (example_check(rnnrt_trainer_create(&model, &trainer_options, &trainer),
                    "creating the trainer") ||
      example_check(rnnrt_optimizer_create_sgd(PARAM_SIZE, &sgd, &optimizer),
                    "creating SGD"))
    goto done;

  for (int epoch = 1; epoch <= epochs; ++epoch) {
    double start = example_now();
    rnnrt_status_t status =
        rnnrt_trainer_run_epoch(trainer, optimizer, params, data, &loss[epoch]);
    double elapsed = example_now() - start;
    *seconds += elapsed;
    /* The trainer refuses a non-finite loss or gradient with
     * FAILED_PRECONDITION ("non-finite loss at epoch e, batch b"); that is
     * the divergence this exercise is about, not a failure of the program. */
    const char *message = rnnrt_last_error_message();
    if (status == RNNRT_FAILED_PRECONDITION && strstr(message, "non-finite")) {
      const char *batch = strstr(message, "batch ");
      loss[epoch] = NAN;
      *diverged_epoch = epoch;
      printf("epoch %3d  %s: diverged (non-finite %s", epoch, label,
             strstr(message, "non-finite loss") ? "loss" : "gradient");
      if (batch)
        printf(" in batch %d", atoi(batch + 6));
      printf(")\n");
      break;
    }
    if (example_check(status, "training"))
      goto done;
    printf("epoch %3d  %-11s  loss %.6g  %.1f ms\n", epoch, label, loss[epoch],
           elapsed * 1e3);
  }
  failed = 0;
done:
  rnnrt_optimizer_destroy(optimizer);
  rnnrt_trainer_destroy(trainer);
  return failed;
}

/// Writes clipping_loss.svg: the two loss curves and the gradient norm of
/// each layer at init before and after clipping. A diverged run's curve
/// stops at its last finite epoch; a marker at the top of the panel shows
/// the epoch where its loss stopped being finite. The losses are plotted as
/// log10 on a linear axis: svg_plot's log axis labels every decade, which
/// is unreadable over the ~35 decades an unclipped run can span.
static int write_plot(const example_options_t *options, int epochs,
                      const float *epoch_axis, const float *loss_plain,
                      int diverged_plain, const float *loss_clipped,
                      int diverged_clipped, const float *group_before,
                      const float *group_after) {
  const char *plain_color = "#d62728", *clipped_color = "#1f77b4";
  float *log_plain = malloc(2 * ((size_t)epochs + 1) * sizeof(float));
  if (!log_plain) {
    fprintf(stderr, "error: out of memory\n");
    return 1;
  }
  float *log_clipped = log_plain + epochs + 1;
  float top = -INFINITY;
  for (int e = 0; e <= epochs; ++e) {
    log_plain[e] = log10f(loss_plain[e]); /* NaN stays NaN: not drawn */
    log_clipped[e] = log10f(loss_clipped[e]);
    if (isfinite(log_plain[e]))
      top = fmaxf(top, log_plain[e]);
    if (isfinite(log_clipped[e]))
      top = fmaxf(top, log_clipped[e]);
  }
  float diverged_x[2], diverged_y[2] = {top, top};
  char labels[2][64];
  svg_plot_series_t curves[4] = {
      {"no clipping", epoch_axis, log_plain, epochs + 1, SVG_PLOT_LINE,
       plain_color},
      {"clip_grad_norm(1.0)", epoch_axis, log_clipped, epochs + 1,
       SVG_PLOT_LINE, clipped_color},
  };
  int num_curves = 2;
  const int diverged[2] = {diverged_plain, diverged_clipped};
  for (int r = 0; r < 2; ++r) {
    if (!diverged[r])
      continue;
    diverged_x[r] = (float)diverged[r];
    snprintf(labels[r], sizeof(labels[r]), "%s: diverged (epoch %d)",
             r == 0 ? "no clip" : "clip", diverged[r]);
    curves[num_curves++] = (svg_plot_series_t){
        labels[r], &diverged_x[r],   &diverged_y[r],
        1,         SVG_PLOT_MARKERS, r == 0 ? plain_color : clipped_color};
  }
  float group_axis[NUM_GROUPS];
  for (int g = 0; g < NUM_GROUPS; ++g)
    group_axis[g] = (float)g;
  svg_plot_series_t norms[] = {
      {"before clipping", group_axis, group_before, NUM_GROUPS,
       SVG_PLOT_MARKERS, plain_color},
      {"after clipping", group_axis, group_after, NUM_GROUPS, SVG_PLOT_MARKERS,
       clipped_color},
  };
  svg_plot_panel_t panels[] = {
      {"Training loss, SGD lr 0.5", "epoch (0 = untrained)", "log10(mean MSE)",
       curves, num_curves, 0},
      {"Gradient norm per layer at init", "layer (5 = fc head)",
       "2-norm, first batch (log)", norms, 2, 1},
  };
  int failed = example_write_plot(options, "clipping_loss.svg", panels, 2);
  free(log_plain);
  return failed;
}

/// The headline's form of a run's final loss.
static void format_final(char *buffer, size_t size, const float *loss,
                         int epochs, int diverged_epoch) {
  if (diverged_epoch)
    snprintf(buffer, size, "diverged");
  else
    snprintf(buffer, size, "%.6g", loss[epochs]);
}

int main(int argc, char **argv) {
  example_options_t options = {30, 0, "."};
  if (example_parse_options(argc, argv, &options))
    return 1;
  const int epochs = (int)options.epochs;

  float *x = malloc((size_t)NUM_SAMPLES * SEQ_LEN * sizeof(float));
  float *y = malloc(NUM_SAMPLES * sizeof(float));
  float *initial = malloc(PARAM_SIZE * sizeof(float));
  float *params = malloc(PARAM_SIZE * sizeof(float));
  /* Loss curves: [0] the untrained loss, [e] the mean loss of epoch e. */
  float *loss_plain = malloc(((size_t)epochs + 1) * sizeof(float));
  float *loss_clipped = malloc(((size_t)epochs + 1) * sizeof(float));
  float *epoch_axis = malloc(((size_t)epochs + 1) * sizeof(float));
  rnnrt_trainer_t *evaluator = NULL;
  int failed = 1;
  if (!x || !y || !initial || !params || !loss_plain || !loss_clipped ||
      !epoch_axis) {
    fprintf(stderr, "error: out of memory\n");
    goto done;
  }
  for (int e = 0; e <= epochs; ++e)
    epoch_axis[e] = (float)e;

  /* One stream for the data and then the large weights, so both are
   * functions of --seed (pytorch/exercise4_clipping.py replays it). */
  example_rng_t rng = example_rng(options.seed);
  generate_data(&rng, NUM_SAMPLES, x, y);
  /* `params` holds the default init until the first training run. */
  if (init_params(options.seed, &rng, initial, params))
    goto done;

  printf("model: RNN(1, %d, num_layers=%d) over %d steps + Linear(%d, 1) on "
         "h_n[-1], MSELoss; weights ~ N(0, %g^2)\n",
         HIDDEN, NUM_LAYERS, SEQ_LEN, HIDDEN, INIT_STD);
  printf("data: %d sequences of N(0, 1), target = mean; SGD lr %g, batch %d, "
         "%d epochs, seed %llu\n",
         NUM_SAMPLES, (double)LEARNING_RATE, BATCH_SIZE, epochs,
         (unsigned long long)options.seed);

  float norm_before = 0.0f, norm_after = 0.0f;
  float group_before[NUM_GROUPS], group_after[NUM_GROUPS];
  if (measure_clipping(initial, params, x, y, &norm_before, &norm_after,
                       group_before, group_after))
    goto done;

  rnnrt_dataset_t data = {NUM_SAMPLES, SEQ_LEN, x, y, NULL};
  rnnrt_model_t model = EXERCISE4_CLIPPING_RNNRT_MODEL;
  if (example_check(rnnrt_trainer_create(&model, NULL, &evaluator),
                    "creating the trainer") ||
      example_check(
          rnnrt_trainer_evaluate(evaluator, initial, &data, &loss_plain[0]),
          "evaluating"))
    goto done;
  loss_clipped[0] = loss_plain[0];
  printf("untrained loss %.6g\n", loss_plain[0]);

  int diverged_plain = 0, diverged_clipped = 0;
  double seconds_plain = 0.0, seconds_clipped = 0.0;
  if (train_run("no clipping", 0.0f, initial, params, &data, epochs,
                options.seed, loss_plain, &diverged_plain, &seconds_plain) ||
      train_run("clipping", MAX_NORM, initial, params, &data, epochs,
                options.seed, loss_clipped, &diverged_clipped,
                &seconds_clipped))
    goto done;
  printf("training time: %.2f s without clipping, %.2f s with clipping\n",
         seconds_plain, seconds_clipped);

  if (write_plot(&options, epochs, epoch_axis, loss_plain, diverged_plain,
                 loss_clipped, diverged_clipped, group_before, group_after))
    goto done;

  char final_plain[32], final_clipped[32];
  format_final(final_plain, sizeof(final_plain), loss_plain, epochs,
               diverged_plain);
  format_final(final_clipped, sizeof(final_clipped), loss_clipped, epochs,
               diverged_clipped);
  printf("gradient norm %.6g -> %.6f after clip_grad_norm(1.0); final loss %s "
         "without / %s with clipping\n",
         norm_before, norm_after, final_plain, final_clipped);
  failed = 0;
done:
  rnnrt_trainer_destroy(evaluator);
  free(epoch_axis);
  free(loss_clipped);
  free(loss_plain);
  free(params);
  free(initial);
  free(y);
  free(x);
  return failed;
}

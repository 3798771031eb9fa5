/*===- main.c - Exercise 5: many-to-many sequence labelling ----------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===-----------------------------------------------------------------------===*
 *
 * Lesson 08, exercise 5. Tags every element of random integer sequences
 * (20 integers in 0..9, one-hot encoded as 10 features) with its class
 * element % 3, POS-tagging style, using the lesson's RNNSeq2Seq (RNN(10, 32)
 * with a Linear(32, 3) applied to every time step; model.rnn) and
 * CrossEntropyLoss over all time steps at once. Trains with Adam (lr 1e-3,
 * batch 32, shuffled) on 1000 sequences through the loss-and-gradient
 * function rnnc generated and the runtime's trainer, and reports the
 * per-token accuracy on 200 held-out sequences.
 *
 *   exercise5_labelling [--epochs=N (default 30)] [--seed=N] [--out-dir=DIR]
 *
 * Prints the untrained token accuracy, one line per epoch (training loss,
 * test loss, token accuracy, time), three test sequences as aligned rows of
 * input, predicted and true labels, a `plot:` line for
 * labelling_training.svg, and last `token accuracy <percent>%`.
 *
 *===-----------------------------------------------------------------------===*/

#include "model.h"

#include "example_util.h"
#include "svg_plot.h"

#include <rnnrt/rnnrt.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEQ_LEN RNN_SEQ2SEQ_SEQ_LEN
#define NUM_VALUES RNN_SEQ2SEQ_INPUT_SIZE /* integers 0..9, one-hot */
#define NUM_CLASSES RNN_SEQ2SEQ_OUTPUT_SIZE
#define NUM_TRAIN 1000
#define NUM_TEST 200
#define NUM_SHOWN 3 /* test sequences printed */
#define BATCH_SIZE 32
#define LEARNING_RATE 1e-3f /* torch.optim.Adam's default */

_Static_assert(NUM_CLASSES == 3, "the labels are element % 3");
_Static_assert(RNN_SEQ2SEQ_HEAD_ON_ALL, "the head labels every time step");
_Static_assert(RNN_SEQ2SEQ_BATCH_FIRST, "the data are laid out (batch, T)");

/// Draws n sequences of SEQ_LEN integers uniform in 0..NUM_VALUES-1 into
/// `values` (n, T), their one-hot encodings into `x` (n, T, NUM_VALUES)
/// and their labels, value % 3, into `labels` (n, T).
static void make_sequences(example_rng_t *rng, int n, int64_t *values, float *x,
                           int64_t *labels) {
  memset(x, 0, (size_t)n * SEQ_LEN * NUM_VALUES * sizeof(float));
  for (int i = 0; i < n * SEQ_LEN; ++i) {
    values[i] = example_uniform_int(rng, NUM_VALUES);
    x[(size_t)i * NUM_VALUES + (size_t)values[i]] = 1.0f;
    labels[i] = values[i] % NUM_CLASSES;
  }
}

/// Labels the NUM_TEST test sequences into `predicted` (the argmax of each
/// step's logits) and returns how many of the NUM_TEST * SEQ_LEN tokens are
/// right, or -1 on error.
static int label_tokens(const float *params, const float *x,
                        const int64_t *labels, float *logits,
                        int64_t *predicted, void *workspace) {
  int32_t status = rnn_seq2seq_forward(params, NUM_TEST, SEQ_LEN, x, NULL, NULL,
                                       logits, /*h_n=*/NULL, workspace);
  if (example_check((rnnrt_status_t)status, "running the model"))
    return -1;
  int correct = 0;
  for (int i = 0; i < NUM_TEST * SEQ_LEN; ++i) {
    const float *z = &logits[i * NUM_CLASSES];
    int64_t best = 0;
    for (int64_t c = 1; c < NUM_CLASSES; ++c)
      best = z[c] > z[best] ? c : best;
    predicted[i] = best;
    correct += best == labels[i];
  }
  return correct;
}

static void print_row(const char *name, const int64_t *row) {
  printf("  %-10s", name);
  for (int t = 0; t < SEQ_LEN; ++t)
    printf("%3lld", (long long)row[t]);
  printf("\n");
}

int main(int argc, char **argv) {
  example_options_t options = {30, 0, "."};
  if (example_parse_options(argc, argv, &options))
    return 1;
  const int epochs = (int)options.epochs;

  static int64_t train_values[NUM_TRAIN * SEQ_LEN];
  static int64_t test_values[NUM_TEST * SEQ_LEN];
  static float x_train[NUM_TRAIN * SEQ_LEN * NUM_VALUES];
  static float x_test[NUM_TEST * SEQ_LEN * NUM_VALUES];
  static int64_t y_train[NUM_TRAIN * SEQ_LEN], y_test[NUM_TEST * SEQ_LEN];
  static int64_t predicted[NUM_TEST * SEQ_LEN];
  static float logits[NUM_TEST * SEQ_LEN * NUM_CLASSES];
  static float params[RNN_SEQ2SEQ_PARAM_SIZE];
  example_rng_t data_rng = example_rng(options.seed);
  make_sequences(&data_rng, NUM_TRAIN, train_values, x_train, y_train);
  make_sequences(&data_rng, NUM_TEST, test_values, x_test, y_test);

  void *workspace =
      example_alloc_workspace(rnn_seq2seq_workspace_size(NUM_TEST, SEQ_LEN));
  /* Per epoch e = 0..E (0: untrained): the axis, losses, accuracy. */
  float *curves = malloc(4 * ((size_t)epochs + 1) * sizeof(float));
  rnnrt_trainer_t *trainer = NULL;
  rnnrt_optimizer_t *optimizer = NULL;
  int failed = 1;
  if (!workspace || !curves) {
    fprintf(stderr, "error: out of memory\n");
    goto done;
  }
  float *epoch_axis = curves;
  float *train_loss = curves + (epochs + 1);
  float *test_loss = curves + 2 * (epochs + 1);
  float *accuracy = curves + 3 * (epochs + 1);

  if (example_check(rnnrt_params_init_default(
                        rnn_seq2seq_param_info(), RNN_SEQ2SEQ_NUM_PARAMS,
                        params, RNN_SEQ2SEQ_PARAM_SIZE, options.seed),
                    "initializing parameters"))
    goto done;
  rnnrt_model_t model = RNN_SEQ2SEQ_RNNRT_MODEL;
  if (example_create_adam_trainer(&model, BATCH_SIZE, options.seed,
                                  LEARNING_RATE, &trainer, &optimizer))
    goto done;

  rnnrt_dataset_t train = {NUM_TRAIN, SEQ_LEN, x_train, y_train, NULL};
  rnnrt_dataset_t test = {NUM_TEST, SEQ_LEN, x_test, y_test, NULL};
  printf("RNNSeq2Seq: RNN(%d, %d) + Linear(%d, %d) on every step, "
         "CrossEntropyLoss over all steps\n",
         NUM_VALUES, RNN_SEQ2SEQ_HIDDEN_SIZE, RNN_SEQ2SEQ_HIDDEN_SIZE,
         NUM_CLASSES);
  printf("data: %d training and %d test sequences of %d integers in 0..%d "
         "(one-hot), label = element %% %d\n",
         NUM_TRAIN, NUM_TEST, SEQ_LEN, NUM_VALUES - 1, NUM_CLASSES);
  printf("training: Adam lr %g, batch %d, shuffled, %d epochs, seed %llu\n",
         (double)LEARNING_RATE, BATCH_SIZE, epochs,
         (unsigned long long)options.seed);

  const int num_tokens = NUM_TEST * SEQ_LEN;
  double train_seconds = 0.0;
  for (int epoch = 0; epoch <= epochs; ++epoch) {
    double seconds = 0.0;
    if (example_run_epoch(trainer, optimizer, params, &train, &test, epoch,
                          &train_loss[epoch], &test_loss[epoch], &seconds))
      goto done;
    train_seconds += seconds;
    int correct =
        label_tokens(params, x_test, y_test, logits, predicted, workspace);
    if (correct < 0)
      goto done;
    epoch_axis[epoch] = (float)epoch;
    accuracy[epoch] = 100.0f * (float)correct / (float)num_tokens;
    if (epoch == 0)
      printf("untrained token accuracy %.1f%% (test loss %.4f)\n", accuracy[0],
             test_loss[0]);
    else
      printf("epoch %3d  loss %.4f  test loss %.4f  token acc %5.1f%%  "
             "%.1f ms\n",
             epoch, train_loss[epoch], test_loss[epoch], accuracy[epoch],
             seconds * 1e3);
  }
  printf("training time %.2f s (%.1f ms per epoch)\n", train_seconds,
         train_seconds * 1e3 / epochs);

  /* `predicted` holds the final model's labels. */
  for (int i = 0; i < NUM_SHOWN; ++i) {
    const int64_t *p = &predicted[i * SEQ_LEN], *y = &y_test[i * SEQ_LEN];
    int right = 0;
    for (int t = 0; t < SEQ_LEN; ++t)
      right += p[t] == y[t];
    printf("test sample %d (%d/%d correct)\n", i, right, SEQ_LEN);
    print_row("input", &test_values[i * SEQ_LEN]);
    print_row("predicted", p);
    print_row("true", y);
  }

  svg_plot_series_t loss_series[2] = {
      {"training loss", epoch_axis, train_loss, epochs + 1, SVG_PLOT_LINE,
       NULL},
      {"test loss", epoch_axis, test_loss, epochs + 1, SVG_PLOT_DASHED_LINE,
       NULL},
  };
  svg_plot_series_t acc_series[1] = {
      {"test token accuracy", epoch_axis, accuracy, epochs + 1, SVG_PLOT_LINE,
       NULL},
  };
  svg_plot_panel_t panels[2] = {
      {"RNNSeq2Seq: cross-entropy over all steps", "epoch (0 = untrained)",
       "mean loss (log)", loss_series, 2, 1},
      {"per-token accuracy", "epoch (0 = untrained)", "% of test tokens",
       acc_series, 1, 0},
  };
  if (example_write_plot(&options, "labelling_training.svg", panels, 2))
    goto done;

  printf("token accuracy %.1f%%\n", accuracy[epochs]);
  failed = 0;

done:
  rnnrt_optimizer_destroy(optimizer);
  rnnrt_trainer_destroy(trainer);
  free(workspace);
  free(curves);
  return failed;
}

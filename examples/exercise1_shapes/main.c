/*===- main.c - Exercise 1: the shapes of an RNN's output and h_n ----------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===-----------------------------------------------------------------------===*
 *
 * Lesson 08, exercise 1. Runs
 *
 *   nn.RNN(input_size=5, hidden_size=16, num_layers=2, batch_first=True)
 *
 * (rnn_uni.rnn) and its bidirectional twin (rnn_bi.rnn), both compiled by
 * rnnc with no head, on one random (8, 20, 5) batch, and prints the shapes
 * of `output` and `h_n` with the meaning of every dimension. The shapes come
 * from the generated headers' constants, and checks on the values show that
 * they are the real layout: output[:, -1, :H] is h_n[-1] (unidirectional),
 * output[:, -1, :H] is h_n[-2] and output[:, 0, H:] is h_n[-1]
 * (bidirectional). Parameters get PyTorch's default initialization.
 *
 *   exercise1_shapes [--seed=N] [--epochs=N (unused)] [--out-dir=DIR (unused)]
 *
 * Prints `check: ... ok` per check, and ends with one line per model, e.g.
 * `bidirectional: output (8, 20, 32), h_n (4, 8, 16)`. Exits with 1 if a
 * check fails.
 *
 *===-----------------------------------------------------------------------===*/

#include "rnn_bi.h"
#include "rnn_uni.h"

#include "example_util.h"

#include <rnnrt/rnnrt.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The lesson's batch size. The batch is a run-time argument of the compiled
 * models, so it is the only size the headers do not fix. */
#define BATCH 8

/* One input batch feeds both models, laid out (batch, time, features). */
_Static_assert(RNN_UNI_INPUT_SIZE == RNN_BI_INPUT_SIZE &&
                   RNN_UNI_SEQ_LEN == RNN_BI_SEQ_LEN,
               "both models must read the same input");
_Static_assert(RNN_UNI_BATCH_FIRST &&RNN_BI_BATCH_FIRST,
               "the indexing below assumes batch_first=True");

typedef int32_t (*forward_fn)(const float *params, int64_t batch,
                              int64_t seq_len, const float *input,
                              const int64_t *lengths, const float *h0,
                              float *output, float *h_n, void *workspace);

/// What the program needs to know about one compiled model, all of it taken
/// from its generated header, so that both models share one code path.
typedef struct shape_model_t {
  const char *title;
  const char *torch_call;
  forward_fn forward;
  const rnnc_param_info_t *(*param_info)(void);
  int64_t (*workspace_size)(int64_t batch, int64_t seq_len);
  int64_t num_params, param_size;
  int64_t seq_len, input_size, hidden_size, num_layers, num_directions;
  int64_t output_size; /* D * H: features per step of `output` */
} shape_model_t;

/// The largest |a[i] - b[i]| over `batch` rows of `n` floats, row r of `a`
/// starting at a + r * a_stride (likewise for b).
static float max_abs_diff(const float *a, int64_t a_stride, const float *b,
                          int64_t b_stride, int64_t batch, int64_t n) {
  float worst = 0.0f;
  for (int64_t r = 0; r < batch; ++r)
    for (int64_t i = 0; i < n; ++i)
      worst = fmaxf(worst, fabsf(a[r * a_stride + i] - b[r * b_stride + i]));
  return worst;
}

/// Prints one `check:` line; returns 0 if it passed, 1 otherwise.
static int report(const char *what, float diff, int ok) {
  printf("  check: %s: max |diff| %.3g %s\n", what, diff, ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}

static int all_finite(const float *x, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (!isfinite(x[i]))
      return 0;
  return 1;
}

/// Runs `m` on `x` (BATCH, T, I), prints the shapes and checks them. Returns
/// 0 on success, 1 on an error or a failed check.
static int run_model(const shape_model_t *m, const float *x, uint64_t seed) {
  const int64_t B = BATCH, T = m->seq_len, H = m->hidden_size;
  const int64_t LD = m->num_layers * m->num_directions;
  const int64_t out_numel = B * T * m->output_size, hn_numel = LD * B * H;

  float *params = malloc((size_t)m->param_size * sizeof(float));
  float *output = malloc((size_t)out_numel * sizeof(float));
  float *h_n = malloc((size_t)hn_numel * sizeof(float));
  void *workspace = example_alloc_workspace(m->workspace_size(B, T));
  int failed = 1;
  if (!params || !output || !h_n || !workspace) {
    fprintf(stderr, "error: out of memory\n");
    goto done;
  }
  if (example_check(rnnrt_params_init_default(m->param_info(), m->num_params,
                                              params, m->param_size, seed),
                    "initializing parameters"))
    goto done;

  /* NaN everywhere first, so that "all finite" below proves the forward pass
   * wrote every element of buffers sized from the header's constants (and
   * ASan would catch a write past them). */
  for (int64_t i = 0; i < out_numel; ++i)
    output[i] = NAN;
  for (int64_t i = 0; i < hn_numel; ++i)
    h_n[i] = NAN;
  int32_t status = m->forward(params, B, T, x, /*lengths=*/NULL, /*h0=*/NULL,
                              output, h_n, workspace);
  if (example_check((rnnrt_status_t)status, "running the forward pass"))
    goto done;

  printf("%s: %s\n", m->title, m->torch_call);
  printf("  output: (%lld, %lld, %lld)\n", (long long)B, (long long)T,
         (long long)m->output_size);
  printf("    dim 0 = %lld: batch, one row per sequence\n", (long long)B);
  printf("    dim 1 = %lld: time, one entry per step (seq_len)\n",
         (long long)T);
  printf("    dim 2 = %lld: hidden_size x directions = %lld x %lld, the last "
         "layer's hidden state at that step%s\n",
         (long long)m->output_size, (long long)H, (long long)m->num_directions,
         m->num_directions == 2 ? " (forward, then reverse)" : "");
  printf("  h_n: (%lld, %lld, %lld)\n", (long long)LD, (long long)B,
         (long long)H);
  printf("    dim 0 = %lld: num_layers x directions = %lld x %lld, the final "
         "state of each layer (and direction)\n",
         (long long)LD, (long long)m->num_layers, (long long)m->num_directions);
  printf("    dim 1 = %lld: batch\n", (long long)B);
  printf("    dim 2 = %lld: hidden_size\n", (long long)H);

  int bad = 0;
  int written = all_finite(output, out_numel) && all_finite(h_n, hn_numel);
  printf("  check: forward wrote all %lld output and %lld h_n values %s\n",
         (long long)out_numel, (long long)hn_numel, written ? "ok" : "FAILED");
  bad += !written;

  /* Element (b, t, f) of output is output[(b * T + t) * DH + f]; element
   * (k, b, j) of h_n is h_n[(k * B + b) * H + j]. */
  const int64_t DH = m->output_size;
  const float *out_last = output + (T - 1) * DH; /* output[:, -1, :] */
  const float *out_first = output;               /* output[:, 0, :] */
  const float *hn_last = h_n + (LD - 1) * B * H; /* h_n[-1] */
  float diff;
  char what[160];
  if (m->num_directions == 1) {
    diff = max_abs_diff(out_last, T * DH, hn_last, H, B, H);
    bad += report("output[:, -1, :] == h_n[-1] (last layer, final step)", diff,
                  diff <= 1e-6f);
  } else {
    const float *hn_fwd = h_n + (LD - 2) * B * H; /* h_n[-2] */
    snprintf(what, sizeof what,
             "output[:, -1, :%lld] == h_n[-2] (last layer, forward "
             "direction, ends at t=%lld)",
             (long long)H, (long long)(T - 1));
    diff = max_abs_diff(out_last, T * DH, hn_fwd, H, B, H);
    bad += report(what, diff, diff <= 1e-6f);
    snprintf(what, sizeof what,
             "output[:, 0, %lld:] == h_n[-1] (last layer, reverse direction, "
             "ends at t=0)",
             (long long)H);
    diff = max_abs_diff(out_first + H, T * DH, hn_last, H, B, H);
    bad += report(what, diff, diff <= 1e-6f);
    /* The tempting mistake: taking the reverse half at the final step. */
    snprintf(what, sizeof what,
             "output[:, -1, %lld:] != h_n[-1] (there the reverse direction "
             "has seen one step only)",
             (long long)H);
    diff = max_abs_diff(out_last + H, T * DH, hn_last, H, B, H);
    bad += report(what, diff, diff > 1e-3f);
  }
  /* h_n[0] is layer 0's final state; output never holds layer 0. */
  diff = max_abs_diff(out_last, T * DH, h_n, H, B, H);
  bad += report("h_n[0] != output[:, -1, :H] (layer 0's state is only in h_n)",
                diff, diff > 1e-3f);
  failed = bad != 0;

done:
  free(params);
  free(output);
  free(h_n);
  free(workspace);
  return failed;
}

int main(int argc, char **argv) {
  /* --epochs is accepted for a uniform command line but nothing is trained. */
  example_options_t options = {1, 0, "."};
  if (example_parse_options(argc, argv, &options))
    return 1;

  static const shape_model_t models[2] = {
      {"unidirectional",
       "nn.RNN(input_size=5, hidden_size=16, num_layers=2, batch_first=True)",
       rnn_uni_forward, rnn_uni_param_info, rnn_uni_workspace_size,
       RNN_UNI_NUM_PARAMS, RNN_UNI_PARAM_SIZE, RNN_UNI_SEQ_LEN,
       RNN_UNI_INPUT_SIZE, RNN_UNI_HIDDEN_SIZE, RNN_UNI_NUM_LAYERS,
       RNN_UNI_NUM_DIRECTIONS, RNN_UNI_OUTPUT_SIZE},
      {"bidirectional",
       "nn.RNN(input_size=5, hidden_size=16, num_layers=2, batch_first=True, "
       "bidirectional=True)",
       rnn_bi_forward, rnn_bi_param_info, rnn_bi_workspace_size,
       RNN_BI_NUM_PARAMS, RNN_BI_PARAM_SIZE, RNN_BI_SEQ_LEN, RNN_BI_INPUT_SIZE,
       RNN_BI_HIDDEN_SIZE, RNN_BI_NUM_LAYERS, RNN_BI_NUM_DIRECTIONS,
       RNN_BI_OUTPUT_SIZE},
  };

  /* x = torch.randn(8, 20, 5), from the seed. */
  static float x[BATCH * RNN_UNI_SEQ_LEN * RNN_UNI_INPUT_SIZE];
  example_rng_t rng = example_rng(options.seed);
  for (size_t i = 0; i < sizeof x / sizeof x[0]; ++i)
    x[i] = (float)example_normal(&rng, 1.0);
  printf("input x: (%d, %d, %d) = (batch, seq_len, input_size)\n", BATCH,
         RNN_UNI_SEQ_LEN, RNN_UNI_INPUT_SIZE);

  for (int i = 0; i < 2; ++i)
    if (run_model(&models[i], x, options.seed))
      return 1;

  printf("why h_n.shape[0] == num_layers (x 2 when bidirectional):\n"
         "  each stacked layer, and each direction of it, is a recurrence of "
         "its own\n"
         "  with its own hidden state. h_n keeps the final state of every one "
         "of them\n"
         "  (exactly what h0 must hold to continue the sequences), while "
         "output keeps\n"
         "  only the last layer, at every step, with both directions "
         "concatenated.\n"
         "  The reverse direction reads t = %d down to 0, so its final state "
         "is at t=0.\n",
         RNN_BI_SEQ_LEN - 1);

  /* Headline: one line per model, the bidirectional one last. */
  for (int i = 0; i < 2; ++i) {
    const shape_model_t *m = &models[i];
    printf("%s: output (%d, %lld, %lld), h_n (%lld, %d, %lld)\n", m->title,
           BATCH, (long long)m->seq_len, (long long)m->output_size,
           (long long)(m->num_layers * m->num_directions), BATCH,
           (long long)m->hidden_size);
  }
  return 0;
}

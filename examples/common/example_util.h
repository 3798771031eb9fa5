/*===- example_util.h - Helpers shared by the example programs ------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===-----------------------------------------------------------------------===*
 *
 * What every example program needs besides its model: a deterministic
 * random generator (the same numbers on every platform, so the examples'
 * tests can assert on results), a monotonic clock, reporting of rnnrt
 * errors, workspaces, the training loop the Adam-trained examples share,
 * and writing their plots.
 *
 *===-----------------------------------------------------------------------===*/

#ifndef RNNC_EXAMPLES_EXAMPLE_UTIL_H
#define RNNC_EXAMPLES_EXAMPLE_UTIL_H

#include "svg_plot.h"

#include <rnnrt/rnnrt.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A 64-bit linear congruential generator (Knuth's MMIX constants).
typedef struct example_rng_t {
  uint64_t state;
} example_rng_t;

/// A generator seeded with `seed`.
example_rng_t example_rng(uint64_t seed);

/// Uniform in [0, 1), from the top 53 bits of the next state.
double example_uniform(example_rng_t *rng);

/// Uniform integer in [0, n) for n >= 1.
int64_t example_uniform_int(example_rng_t *rng, int64_t n);

/// Normal with mean 0 and standard deviation `std` (Box-Muller).
double example_normal(example_rng_t *rng, double std);

/// Seconds from a monotonic clock.
double example_now(void);

/// A workspace for a generated function: `bytes` (its *_workspace_size(),
/// which may be 0) rounded up to a multiple of 64 and at least 64, aligned
/// to 64 bytes (more than the generated code needs). The caller owns it and
/// frees it with free(). Returns NULL when out of memory or if `bytes` is
/// negative; prints nothing.
void *example_alloc_workspace(int64_t bytes);

/// Returns 0 if `status` is RNNRT_OK; otherwise prints
/// "error: <what>: <rnnrt's message>" to stderr and returns 1.
int example_check(rnnrt_status_t status, const char *what);

/// Creates a trainer for `model` (mini-batches of `batch_size`, shuffled each
/// epoch with `seed`, no clipping) into `*trainer` and an Adam optimizer over
/// the model's param_size floats (torch.optim.Adam's defaults but for the
/// learning rate `lr`) into `*optimizer`.
///
/// Ownership: on success the caller owns both (free them with
/// rnnrt_optimizer_destroy() and rnnrt_trainer_destroy()); `model` is copied.
/// Errors: prints "error: creating the trainer: ..." or "error: creating
/// Adam: ..." (example_check()) and returns 1, with `*trainer` and
/// `*optimizer` NULL; returns 0 on success.
int example_create_adam_trainer(const rnnrt_model_t *model, int64_t batch_size,
                                uint64_t seed, float lr,
                                rnnrt_trainer_t **trainer,
                                rnnrt_optimizer_t **optimizer);

/// Runs epoch `epoch` of a training run whose curves start with the
/// untrained model at epoch 0:
///  - epoch 0 trains nothing: it stores the mean loss of `params` over
///    `train` in `*train_loss` (rnnrt_trainer_evaluate());
///  - epoch >= 1 runs one training epoch over `train`
///    (rnnrt_trainer_run_epoch(), which updates `params`) and stores its
///    mean loss in `*train_loss`;
/// then, in both cases, stores the mean loss of `params` over `test` in
/// `*test_loss`, and the seconds the training epoch took (0 at epoch 0; the
/// evaluations do not count) in `*seconds`.
///
/// Ownership: nothing is retained. NULL: `train_loss` may be NULL (at epoch
/// 0 the training set is then not evaluated), and so may `seconds`; the
/// other arguments must not be NULL (`optimizer` may be NULL at epoch 0).
/// Errors: prints "error: training: ..." or "error: evaluating: ..."
/// (example_check()) and returns 1, leaving the outputs not yet reached
/// unwritten; returns 0 on success.
int example_run_epoch(rnnrt_trainer_t *trainer, rnnrt_optimizer_t *optimizer,
                      float *params, const rnnrt_dataset_t *train,
                      const rnnrt_dataset_t *test, int epoch, float *train_loss,
                      float *test_loss, double *seconds);

/// The command line every example takes:
///   --epochs=N     training epochs (default: the lesson's)
///   --seed=N       seed of the data, the initialization and the shuffling
///   --out-dir=DIR  where plots go (default: the current directory; created
///                  with its parents if missing)
typedef struct example_options_t {
  long epochs;
  uint64_t seed;
  const char *out_dir;
} example_options_t;

/// Parses argv into `*options`, which holds the defaults on entry, and
/// creates the output directory. Prints a usage line and returns 1 for
/// --help or an invalid argument, an error and 1 if the output directory
/// cannot be made or written, else 0.
int example_parse_options(int argc, char **argv, example_options_t *options);

/// Writes `num_panels` panels side by side (svg_plot_write()) to the file
/// "<out_dir>/<name>" and prints "plot: <out_dir>/<name>" to stdout.
/// Returns 0, or 1 after printing an error to stderr if the path is too long
/// or the file cannot be written.
int example_write_plot(const example_options_t *options, const char *name,
                       const svg_plot_panel_t *panels, int num_panels);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // RNNC_EXAMPLES_EXAMPLE_UTIL_H

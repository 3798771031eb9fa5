//===- train.h - Mini-batch training loop -------------------------*- C -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares a small training loop over a compiled model: the model
// is described by an rnnrt_model_t (the generated header provides one as an
// initializer macro, see docs/abi.md), the data by an rnnrt_dataset_t, and
// an rnnrt_trainer_t runs epochs of shuffled mini-batches through the
// model's loss-and-gradient function and an rnnrt_optimizer_t, like a
// PyTorch loop over a DataLoader(shuffle=True, drop_last=False).
//
//===----------------------------------------------------------------------===//

#ifndef RNNRT_TRAIN_H
#define RNNRT_TRAIN_H

#include "rnnrt/npy.h"
#include "rnnrt/optim.h"
#include "rnnrt/status.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

//===----------------------------------------------------------------------===//
// rnnrt_model_t
//===----------------------------------------------------------------------===//

/// A model's loss-and-gradient entry point, `m_loss_and_grad` in the
/// generated ABI (docs/abi.md): computes the mean loss of a batch and
/// overwrites `grads` with d loss / d params. Returns 0 or a status code.
typedef int32_t (*rnnrt_loss_and_grad_fn)(
    const float *params, int64_t batch, int64_t seq_len, const void *input,
    const int64_t *lengths, const float *h0, const void *target, float *loss,
    float *grads, float *input_grad, float *h0_grad, void *workspace);

/// The workspace size in bytes that rnnrt_loss_and_grad_fn needs for a batch
/// (`m_grad_workspace_size`).
typedef int64_t (*rnnrt_workspace_size_fn)(int64_t batch, int64_t seq_len);

/// Describes a compiled model to the trainer. The generated header defines
/// `M_RNNRT_MODEL`, an initializer for model `m`; the fields are in this
/// order.
typedef struct rnnrt_model_t {
  /// Floats in the flat parameter buffer (`m_param_size()`).
  int64_t param_size;
  /// The fixed sequence length T, or 0 when it is dynamic.
  int64_t seq_len;
  /// Layout the model expects: nonzero for (B, T, ...), 0 for (T, B, ...).
  int32_t batch_first;
  /// RNNRT_DTYPE_FLOAT32, or RNNRT_DTYPE_INT64 / INT32 token ids.
  rnnrt_dtype_t input_dtype;
  /// Elements per time step: I for float inputs, 1 for token ids.
  int64_t input_features;
  /// RNNRT_DTYPE_FLOAT32 (MSELoss) or RNNRT_DTYPE_INT64 (CrossEntropyLoss).
  rnnrt_dtype_t target_dtype;
  /// Nonzero if the target has a time dimension (many-to-many, `on=all`).
  int32_t target_per_step;
  /// Elements per sample, or per step when `target_per_step`: the output
  /// size for MSE, 1 for class indices.
  int64_t target_features;
  /// The loss-and-gradient function; must not be NULL.
  rnnrt_loss_and_grad_fn loss_and_grad;
  /// Its workspace size; NULL means the function needs no workspace.
  rnnrt_workspace_size_fn grad_workspace_size;
} rnnrt_model_t;

//===----------------------------------------------------------------------===//
// rnnrt_dataset_t
//===----------------------------------------------------------------------===//

/// A dataset in sample-major layout, whatever the model's layout: sample n's
/// data is contiguous. With F = input_features and G = target_features of
/// the model:
///  - `inputs`: (N, T, F) elements of the model's input dtype ((N, T) token
///    ids when F is 1);
///  - `targets`: (N, G) elements of the model's target dtype, or (N, T, G)
///    when the model's target is per step ((N) or (N, T) class indices);
///  - `lengths`: (N) int64 sequence lengths in [1, T], or NULL for all T.
/// The trainer only reads the buffers, which the caller owns.
typedef struct rnnrt_dataset_t {
  /// N, >= 1.
  int64_t num_samples;
  /// T, >= 1; must equal the model's seq_len when that is fixed.
  int64_t seq_len;
  const void *inputs;
  const void *targets;
  const int64_t *lengths;
} rnnrt_dataset_t;

//===----------------------------------------------------------------------===//
// rnnrt_trainer_t
//===----------------------------------------------------------------------===//

/// Options of a trainer.
typedef struct rnnrt_trainer_options_t {
  /// Samples per mini-batch, >= 1. The last batch of an epoch may be smaller
  /// (DataLoader's drop_last=False).
  int64_t batch_size;
  /// Nonzero: visit the samples in a new random order each epoch.
  int32_t shuffle;
  /// Seed of the shuffling; the same seed gives the same orders everywhere.
  uint64_t seed;
  /// If > 0, clip the gradients to this total 2-norm before each step
  /// (rnnrt_clip_grad_norm()); 0 turns it off.
  float clip_grad_norm;
  /// If > 0, clamp each gradient to [-v, v] before each step
  /// (rnnrt_clip_grad_value(), applied before norm clipping); 0 turns it off.
  float clip_grad_value;
} rnnrt_trainer_options_t;

/// Sets `*out` to batch_size 32, shuffle on, seed 0 and no clipping. (Not
/// DataLoader's defaults of 1 and no shuffling, which nobody trains with.)
/// NULL is a no-op. Thread-safe.
RNNRT_API void rnnrt_trainer_options_initialize(rnnrt_trainer_options_t *out);

/// A training loop's buffers (one gathered mini-batch, gradients, the
/// model's workspace) and its epoch counter. Opaque. Not synchronized: use
/// a trainer from one thread at a time.
typedef struct rnnrt_trainer_t rnnrt_trainer_t;

/// Creates a trainer for `model` and stores it in `*out_trainer`. Only the
/// gradient buffer is allocated here. The batch buffers, lengths and
/// workspace are allocated by the first rnnrt_trainer_run_epoch() or
/// rnnrt_trainer_evaluate(), for min(batch_size, num_samples) samples of
/// the dataset's T, and grown only when a later dataset needs more, so a
/// batch_size far above the dataset's size costs nothing and no batch or
/// step allocates. When the model's seq_len is fixed, grad_workspace_size is
/// called here for one sample to check it.
///
/// Ownership: the caller owns `*out_trainer` (free it with
/// rnnrt_trainer_destroy()); `model` and `options` are copied. NULL:
/// `model` and `out_trainer` must not be NULL; `options` NULL means
/// rnnrt_trainer_options_initialize()'s values. `*out_trainer` is NULL on
/// error. Thread-safe.
/// Errors: RNNRT_INVALID_ARGUMENT for a model with a param_size < 1, a
/// negative seq_len, an unknown dtype, token ids with input_features != 1,
/// a target dtype other than FLOAT32 or INT64, class indices with
/// target_features != 1, a NULL loss_and_grad, or a negative workspace size
/// (for one sample, with a fixed seq_len); for a batch_size < 1 or a
/// negative or NaN clipping threshold; RNNRT_RESOURCE_EXHAUSTED when out of
/// memory, e.g. for a param_size no buffer can hold.
RNNRT_API rnnrt_status_t rnnrt_trainer_create(
    const rnnrt_model_t *model, const rnnrt_trainer_options_t *options,
    rnnrt_trainer_t **out_trainer);

/// Frees `trainer` and its buffers. NULL is a no-op.
RNNRT_API void rnnrt_trainer_destroy(rnnrt_trainer_t *trainer);

/// Runs one epoch over `data`: for each mini-batch, gathers the samples into
/// the model's layout (transposed to (T, B, ...) when the model is not
/// batch_first), calls loss_and_grad with h0 = NULL, checks that the loss and
/// every gradient are finite, clips the gradients if the options ask for it,
/// and applies one `optimizer` step to `params`. Stores the epoch's mean loss
/// weighted by batch sizes (the mean of the per-sample batch losses) in
/// `*out_mean_loss`.
///
/// With shuffling, epoch e (counted by the trainer from 0) visits the
/// samples in the order of a Fisher-Yates shuffle (i from N-1 down to 1,
/// swap i with j uniform in [0, i]) driven by std::mt19937_64 seeded with
/// SplitMix64 of `seed` and e; j comes from the engine's raw outputs by
/// rejection (x < 2^64 - 2^64 mod (i+1), j = x mod (i+1)), never from the
/// standard library's distributions, so the order is the same on every
/// platform. Every call that gets past argument checking advances the
/// epoch counter, whether it succeeds or not.
///
/// Ownership: nothing is retained; `params` (the model's param_size floats)
/// is updated in place. NULL: `trainer`, `optimizer`, `params`, `data`
/// with its inputs and targets must not be NULL; `out_mean_loss` may be
/// NULL. Not thread-safe for one trainer or optimizer.
/// Errors:
///  - RNNRT_INVALID_ARGUMENT: a NULL argument, an optimizer whose size is not
///    the model's param_size, num_samples or seq_len < 1, a seq_len that
///    differs from the model's fixed one, a dataset whose byte size
///    overflows int64, or a negative grad_workspace_size for its batches;
///  - RNNRT_OUT_OF_RANGE: a length outside [1, T];
///  - RNNRT_FAILED_PRECONDITION: a NaN or infinite loss ("non-finite loss at
///    epoch e, batch b") or gradient ("non-finite gradient (element i) at
///    epoch e, batch b");
///  - the model's own status (with a message naming the epoch and batch) if
///    loss_and_grad fails, e.g. RNNRT_OUT_OF_RANGE for a bad token id;
///  - RNNRT_RESOURCE_EXHAUSTED when out of memory for the batch buffers or
///    the workspace (sized for min(batch_size, num_samples) samples).
/// On error the epoch stops: the steps of earlier batches stay applied, the
/// failing batch changes nothing, and `*out_mean_loss` is not written.
RNNRT_API rnnrt_status_t rnnrt_trainer_run_epoch(rnnrt_trainer_t *trainer,
                                                 rnnrt_optimizer_t *optimizer,
                                                 float *params,
                                                 const rnnrt_dataset_t *data,
                                                 float *out_mean_loss);

/// Computes the mean loss of `params` over `data` in mini-batches of
/// batch_size, in order, without stepping or clipping, and stores it in
/// `*out_mean_loss` (weighted by batch sizes as in run_epoch). A non-finite
/// loss is not an error here: the mean is then NaN or infinite. The epoch
/// counter is unchanged.
///
/// NULL: as for rnnrt_trainer_run_epoch() (there is no optimizer);
/// `params` is only read. Not thread-safe for one trainer.
/// Errors: as for rnnrt_trainer_run_epoch(), except the non-finite ones.
RNNRT_API rnnrt_status_t rnnrt_trainer_evaluate(rnnrt_trainer_t *trainer,
                                                const float *params,
                                                const rnnrt_dataset_t *data,
                                                float *out_mean_loss);

/// Returns the epoch counter: the number of rnnrt_trainer_run_epoch() calls
/// that got past argument checking, or the value last set. -1 if `trainer`
/// is NULL.
RNNRT_API int64_t rnnrt_trainer_epoch(const rnnrt_trainer_t *trainer);

/// Sets the epoch counter, e.g. to resume training from a checkpoint with
/// the shuffle order an uninterrupted run would have used.
///
/// Errors: RNNRT_INVALID_ARGUMENT for a NULL trainer or a negative epoch.
RNNRT_API rnnrt_status_t rnnrt_trainer_set_epoch(rnnrt_trainer_t *trainer,
                                                 int64_t epoch);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // RNNRT_TRAIN_H

//===- optim.h - Optimizers and gradient clipping -----------------*- C -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares SGD and Adam optimizers over a flat parameter buffer,
// and gradient clipping by total norm and by value. The update rules are
// PyTorch's (torch 1.13, torch.optim.SGD and torch.optim.Adam with the
// single-tensor implementation, torch.nn.utils.clip_grad_norm_ and
// clip_grad_value_), evaluated in float32 in the same order of operations as
// PyTorch's CPU kernels, so that a step agrees with PyTorch to an ulp or so.
//
//===----------------------------------------------------------------------===//

#ifndef RNNRT_OPTIM_H
#define RNNRT_OPTIM_H

#include "rnnrt/status.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

/// Hyperparameters of SGD, as torch.optim.SGD takes them. Integer flags are
/// false when 0 and true otherwise.
typedef struct rnnrt_sgd_options_t {
  /// Learning rate, >= 0.
  float lr;
  /// Momentum factor, >= 0 (0: plain SGD, no momentum buffer).
  float momentum;
  /// Dampening for momentum, applied from the second step on.
  float dampening;
  /// L2 penalty added to the gradient, >= 0.
  float weight_decay;
  /// Nesterov momentum; needs momentum > 0 and dampening == 0.
  int32_t nesterov;
  /// Maximize the objective instead of minimizing it.
  int32_t maximize;
} rnnrt_sgd_options_t;

/// Sets `*out` to PyTorch's defaults: momentum 0, dampening 0,
/// weight_decay 0, nesterov and maximize false. PyTorch has no default
/// learning rate; `lr` is set to 0.01. NULL is a no-op. Thread-safe.
RNNRT_API void rnnrt_sgd_options_initialize(rnnrt_sgd_options_t *out);

/// Hyperparameters of Adam, as torch.optim.Adam takes them (`betas` split in
/// two). Integer flags are false when 0 and true otherwise.
typedef struct rnnrt_adam_options_t {
  /// Learning rate, >= 0.
  float lr;
  /// Decay of the first moment estimate, in [0, 1).
  float beta1;
  /// Decay of the second moment estimate, in [0, 1).
  float beta2;
  /// Term added to the denominator, >= 0.
  float eps;
  /// L2 penalty added to the gradient, >= 0 (Adam's, not AdamW's).
  float weight_decay;
  /// Use the maximum of all second moment estimates (AMSGrad).
  int32_t amsgrad;
  /// Maximize the objective instead of minimizing it.
  int32_t maximize;
} rnnrt_adam_options_t;

/// Sets `*out` to PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8,
/// weight_decay 0, amsgrad and maximize false. NULL is a no-op. Thread-safe.
RNNRT_API void rnnrt_adam_options_initialize(rnnrt_adam_options_t *out);

//===----------------------------------------------------------------------===//
// rnnrt_optimizer_t
//===----------------------------------------------------------------------===//

/// An optimizer for one flat parameter buffer of a fixed size, with its
/// state (momentum buffer, or Adam's moment estimates and step count).
/// Opaque.
///
/// All elements are updated independently, so one optimizer over a model's
/// flat buffer is equivalent to PyTorch's optimizer over the model's
/// parameter tensors. Scalar coefficients (1 - dampening, Adam's bias
/// corrections and step size) are computed in double, as Python computes
/// them, from the decimal value each float option was written as (0.999f
/// counts as the double 0.999), then rounded to float for the elementwise
/// float32 arithmetic.
///
/// An optimizer is not synchronized: use it from one thread at a time.
typedef struct rnnrt_optimizer_t rnnrt_optimizer_t;

/// Creates an SGD optimizer for a buffer of `param_size` floats and stores it
/// in `*out_optimizer`. A momentum buffer is allocated here when momentum is
/// nonzero, so that steps never allocate.
///
/// One step, per element, with g the gradient and p the parameter:
///   g = maximize ? -g : g;  if weight_decay != 0: g = g + weight_decay * p
///   if momentum != 0:
///     buf = first step ? g : momentum * buf + (1 - dampening) * g
///     g = nesterov ? g + momentum * buf : buf
///   p = p - lr * g
///
/// Ownership: the caller owns `*out_optimizer` (free it with
/// rnnrt_optimizer_destroy()); `options` is copied. NULL: `options` NULL
/// means rnnrt_sgd_options_initialize()'s values; `out_optimizer` must not
/// be NULL. `*out_optimizer` is NULL on error. Thread-safe.
/// Errors: RNNRT_INVALID_ARGUMENT for a negative `param_size`, a negative or
/// non-finite lr, momentum or weight_decay, a non-finite dampening, or
/// nesterov without momentum > 0 and dampening == 0 (PyTorch's checks, which
/// let NaN and infinity through; the message names the option and the
/// value, e.g. "invalid lr nan (learning rate), expected a finite value >=
/// 0"); RNNRT_RESOURCE_EXHAUSTED when out of memory (also for a momentum
/// buffer no allocation can hold).
RNNRT_API rnnrt_status_t rnnrt_optimizer_create_sgd(
    int64_t param_size, const rnnrt_sgd_options_t *options,
    rnnrt_optimizer_t **out_optimizer);

/// Creates an Adam optimizer for a buffer of `param_size` floats and stores
/// it in `*out_optimizer`. The moment buffers (and the AMSGrad maximum) are
/// allocated here, zero-filled.
///
/// Step t (counting from 1), per element:
///   g = maximize ? -g : g;  if weight_decay != 0: g = g + weight_decay * p
///   m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
///   if amsgrad: vmax = max(vmax, v), and vmax replaces v below
///   denom = sqrt(v) / sqrt(1 - beta2^t) + eps
///   p = p - lr / (1 - beta1^t) * m / denom
///
/// Ownership, NULL and thread safety as for rnnrt_optimizer_create_sgd().
/// Errors: RNNRT_INVALID_ARGUMENT for a negative `param_size`, a negative or
/// non-finite lr, eps or weight_decay, or a beta (NaN included) outside
/// [0, 1) (PyTorch's checks, made stricter for NaN and infinity; the message
/// names the option and the value); RNNRT_RESOURCE_EXHAUSTED when out of
/// memory (also for moment buffers no allocation can hold).
RNNRT_API rnnrt_status_t rnnrt_optimizer_create_adam(
    int64_t param_size, const rnnrt_adam_options_t *options,
    rnnrt_optimizer_t **out_optimizer);

/// Frees `optimizer` and its state. NULL is a no-op.
RNNRT_API void rnnrt_optimizer_destroy(rnnrt_optimizer_t *optimizer);

/// Applies one optimizer step to `params` (`param_size` floats) with the
/// gradient `grads` (same size and layout), as PyTorch's `optimizer.step()`
/// after `backward()`. The first step after creation or
/// rnnrt_optimizer_reset() initializes the state as PyTorch does (SGD's
/// momentum buffer becomes a copy of the gradient).
///
/// Unlike PyTorch, which would propagate NaN into the parameters, every
/// gradient is checked first: a NaN or infinite element is an error.
///
/// Ownership: nothing is retained. NULL: `optimizer` must not be NULL;
/// `params` and `grads` may be NULL only if `param_size` is 0. `params` and
/// `grads` must not overlap. Not thread-safe for one optimizer.
/// Errors: RNNRT_INVALID_ARGUMENT for a NULL argument or a `param_size` that
/// differs from the optimizer's (the message shows both);
/// RNNRT_FAILED_PRECONDITION if a gradient is not finite ("gradient is not
/// finite (element i of n)"). On error the parameters and the optimizer
/// state are unchanged.
RNNRT_API rnnrt_status_t rnnrt_optimizer_step(rnnrt_optimizer_t *optimizer,
                                              float *params, const float *grads,
                                              int64_t param_size);

/// Clears the optimizer's state: the next step is a first step again (SGD's
/// momentum buffer is re-initialized from the gradient; Adam's moments and
/// step count restart from 0), as a freshly created optimizer. The options,
/// including a learning rate set by rnnrt_optimizer_set_lr(), are kept.
/// NULL is a no-op. Not thread-safe for one optimizer.
RNNRT_API void rnnrt_optimizer_reset(rnnrt_optimizer_t *optimizer);

/// Sets the learning rate used by later steps (a scheduler's job, as writing
/// `param_groups[0]["lr"]` in PyTorch). The state is kept.
///
/// NULL: `optimizer` must not be NULL. Not thread-safe for one optimizer.
/// Errors: RNNRT_INVALID_ARGUMENT for a NULL optimizer or a negative or
/// non-finite `lr`; the learning rate is then unchanged.
RNNRT_API rnnrt_status_t rnnrt_optimizer_set_lr(rnnrt_optimizer_t *optimizer,
                                                float lr);

/// Returns the current learning rate, or 0 if `optimizer` is NULL.
RNNRT_API float rnnrt_optimizer_lr(const rnnrt_optimizer_t *optimizer);

/// Returns the number of steps taken since creation or the last reset, or 0
/// if `optimizer` is NULL.
RNNRT_API int64_t
rnnrt_optimizer_step_count(const rnnrt_optimizer_t *optimizer);

/// Returns the buffer size the optimizer was created for, or -1 if
/// `optimizer` is NULL.
RNNRT_API int64_t
rnnrt_optimizer_param_size(const rnnrt_optimizer_t *optimizer);

//===----------------------------------------------------------------------===//
// Gradient clipping
//===----------------------------------------------------------------------===//

/// Clips `grads` (`size` floats: all of a model's gradients, concatenated) by
/// their total norm, as torch.nn.utils.clip_grad_norm_(parameters,
/// max_norm, norm_type, error_if_nonfinite=True) does: the total norm is the
/// `norm_type`-norm of the whole buffer, and if
/// clip_coef = max_norm / (total_norm + 1e-6) is below 1 every gradient is
/// multiplied by it (in float32, as PyTorch).
///
/// `norm_type` is INFINITY (the largest absolute value) or a finite p > 0
/// (usually 2). The sum is accumulated in double and the norm rounded to
/// float, so it is within an ulp of PyTorch's; unlike PyTorch's float32
/// accumulation it does not overflow for norms below FLT_MAX. An empty
/// buffer has norm 0.
///
/// `*out_total_norm` receives the norm before clipping, as PyTorch returns
/// it, also when that norm is not finite.
///
/// Ownership: nothing is retained. NULL: `grads` may be NULL only if `size`
/// is 0; `out_total_norm` may be NULL. Thread-safe for distinct buffers.
/// Errors: RNNRT_INVALID_ARGUMENT for a negative `size`, a NULL `grads`, a
/// negative or NaN `max_norm`, or a `norm_type` that is not INFINITY or a
/// finite value > 0; RNNRT_FAILED_PRECONDITION if the total norm is NaN or
/// infinite. On error `grads` is unchanged.
RNNRT_API rnnrt_status_t rnnrt_clip_grad_norm(float *grads, int64_t size,
                                              float max_norm, float norm_type,
                                              float *out_total_norm);

/// Clamps every element of `grads` (`size` floats) to
/// [-clip_value, clip_value], as torch.nn.utils.clip_grad_value_ does. NaN
/// elements stay NaN, as with torch.clamp.
///
/// Ownership: nothing is retained. NULL: `grads` may be NULL only if `size`
/// is 0. Thread-safe for distinct buffers.
/// Errors: RNNRT_INVALID_ARGUMENT for a negative `size`, a NULL `grads`, or
/// a negative or NaN `clip_value`; `grads` is then unchanged.
RNNRT_API rnnrt_status_t rnnrt_clip_grad_value(float *grads, int64_t size,
                                               float clip_value);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // RNNRT_OPTIM_H

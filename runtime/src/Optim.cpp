//===- Optim.cpp - SGD, Adam and gradient clipping ------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the optimizers and gradient clipping of optim.h,
// following torch 1.13's single-tensor SGD and Adam and
// torch.nn.utils.clip_grad_norm_ / clip_grad_value_.
//
// To agree with PyTorch to the last ulp, the elementwise arithmetic mirrors
// its AVX2 CPU kernels: `a.add(b, alpha=s)` is one fused multiply-add
// (Vectorized::fmadd), `a.addcmul_(b, c, value=s)` is a + (s * b) * c and
// `a.addcdiv_(b, c, value=s)` is a + (s * b) / c with separate roundings.
// Scalars that Python computes (1 - beta, bias corrections, step sizes) are
// computed in double and rounded to float where PyTorch's kernels take them.
// The file is compiled with -ffp-contract=off so that the compiler fuses
// nothing else.
//
//===----------------------------------------------------------------------===//

#include "rnnrt/optim.h"
#include "Support.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

using namespace rnnrt;

/// The double nearest to the shortest decimal that reads back as `value`
/// (0.999f gives the double 0.999): the Python float a PyTorch user would
/// have written for the same option.
static double decimalValue(float value) {
  if (!std::isfinite(value))
    return value;
  std::string text = fmt::format("{}", value);
  double result = value;
  std::from_chars(text.data(), text.data() + text.size(), result);
  return result;
}

namespace {
enum class Kind { Sgd, Adam };
} // namespace

struct rnnrt_optimizer_t {
  Kind kind = Kind::Sgd;
  int64_t size = 0;
  rnnrt_sgd_options_t sgd = {};
  rnnrt_adam_options_t adam = {};
  /// Steps since creation or reset.
  int64_t steps = 0;
  /// SGD: the momentum buffer. Adam: exp_avg.
  std::vector<float> first;
  /// Adam: exp_avg_sq.
  std::vector<float> second;
  /// Adam with amsgrad: max_exp_avg_sq.
  std::vector<float> maxSecond;
};

//===----------------------------------------------------------------------===//
// Option checks
//===----------------------------------------------------------------------===//

// PyTorch's constructors check (torch/optim/sgd.py and adam.py):
//   SGD:  if lr is not required and lr < 0.0:
//             raise ValueError(f"Invalid learning rate: {lr}")
//         if momentum < 0.0:
//             raise ValueError(f"Invalid momentum value: {momentum}")
//         if weight_decay < 0.0:
//             raise ValueError(f"Invalid weight_decay value: {weight_decay}")
//         if nesterov and (momentum <= 0 or dampening != 0):
//             raise ValueError("Nesterov momentum requires a momentum and "
//                              "zero dampening")
//   Adam: if not 0.0 <= lr: raise ValueError(f"Invalid learning rate: {lr}")
//         if not 0.0 <= eps: raise ValueError(f"Invalid epsilon value: {eps}")
//         if not 0.0 <= betas[0] < 1.0:
//             raise ValueError(f"Invalid beta parameter at index 0: ...")
//         if not 0.0 <= betas[1] < 1.0:
//             raise ValueError(f"Invalid beta parameter at index 1: ...")
//         if not 0.0 <= weight_decay:
//             raise ValueError(f"Invalid weight_decay value: ...")
// rnnrt makes the same checks and is stricter in one way: NaN and infinity
// are refused for lr, momentum, weight_decay and eps (SGD's `lr < 0.0` lets
// NaN through, and an infinite value only turns every parameter into NaN or
// infinity on the first step), and a non-finite dampening is refused too.
// Messages name the option, the value and the valid range.

/// Fails unless `value` is finite and >= 0; `name` names the option and
/// `torchName` is PyTorch's wording of the error.
static rnnrt_status_t checkNonNegative(const char *what, const char *name,
                                       const char *torchName, float value) {
  if (!std::isfinite(value) || value < 0)
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: invalid {} {} ({}), expected a finite value >= 0", what,
                name, value, torchName);
  return RNNRT_OK;
}

/// Fails unless `value` is in [0, 1) (NaN is not).
static rnnrt_status_t checkBeta(const char *what, const char *name, int index,
                                float value) {
  if (!(value >= 0 && value < 1))
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: invalid {} {} (beta parameter at index {}), expected "
                "[0, 1)",
                what, name, value, index);
  return RNNRT_OK;
}

/// Common checks of the `param_size` and `out_optimizer` arguments.
static rnnrt_status_t checkCreate(const char *what, int64_t paramSize,
                                  rnnrt_optimizer_t **outOptimizer) {
  if (!outOptimizer)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: out_optimizer is NULL", what);
  *outOptimizer = nullptr;
  if (paramSize < 0)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: negative parameter size {}", what,
                paramSize);
  return RNNRT_OK;
}

//===----------------------------------------------------------------------===//
// Options and creation
//===----------------------------------------------------------------------===//

void rnnrt_sgd_options_initialize(rnnrt_sgd_options_t *out) {
  if (!out)
    return;
  *out = {};
  out->lr = 0.01f;
}

void rnnrt_adam_options_initialize(rnnrt_adam_options_t *out) {
  if (!out)
    return;
  *out = {};
  out->lr = 1e-3f;
  out->beta1 = 0.9f;
  out->beta2 = 0.999f;
  out->eps = 1e-8f;
}

rnnrt_status_t rnnrt_optimizer_create_sgd(int64_t param_size,
                                          const rnnrt_sgd_options_t *options,
                                          rnnrt_optimizer_t **out_optimizer) {
  static const char *what = "rnnrt_optimizer_create_sgd";
  return guard(what, [&] {
    if (rnnrt_status_t status = checkCreate(what, param_size, out_optimizer))
      return status;
    rnnrt_sgd_options_t o;
    rnnrt_sgd_options_initialize(&o);
    if (options)
      o = *options;
    if (rnnrt_status_t status =
            checkNonNegative(what, "lr", "learning rate", o.lr))
      return status;
    if (rnnrt_status_t status =
            checkNonNegative(what, "momentum", "momentum value", o.momentum))
      return status;
    if (rnnrt_status_t status = checkNonNegative(
            what, "weight_decay", "weight_decay value", o.weight_decay))
      return status;
    if (!std::isfinite(o.dampening))
      return fail(RNNRT_INVALID_ARGUMENT,
                  "{}: invalid dampening {}, expected a finite value", what,
                  o.dampening);
    if (o.nesterov && (o.momentum <= 0 || o.dampening != 0))
      return fail(RNNRT_INVALID_ARGUMENT,
                  "{}: nesterov momentum requires a momentum > 0 and zero "
                  "dampening (momentum {}, dampening {})",
                  what, o.momentum, o.dampening);
    auto optimizer = std::make_unique<rnnrt_optimizer_t>();
    optimizer->kind = Kind::Sgd;
    optimizer->size = param_size;
    optimizer->sgd = o;
    if (o.momentum != 0)
      optimizer->first.assign(static_cast<size_t>(param_size), 0.0f);
    *out_optimizer = optimizer.release();
    return RNNRT_OK;
  });
}

rnnrt_status_t rnnrt_optimizer_create_adam(int64_t param_size,
                                           const rnnrt_adam_options_t *options,
                                           rnnrt_optimizer_t **out_optimizer) {
  static const char *what = "rnnrt_optimizer_create_adam";
  return guard(what, [&] {
    if (rnnrt_status_t status = checkCreate(what, param_size, out_optimizer))
      return status;
    rnnrt_adam_options_t o;
    rnnrt_adam_options_initialize(&o);
    if (options)
      o = *options;
    if (rnnrt_status_t status =
            checkNonNegative(what, "lr", "learning rate", o.lr))
      return status;
    if (rnnrt_status_t status =
            checkNonNegative(what, "eps", "epsilon value", o.eps))
      return status;
    if (rnnrt_status_t status = checkBeta(what, "beta1", 0, o.beta1))
      return status;
    if (rnnrt_status_t status = checkBeta(what, "beta2", 1, o.beta2))
      return status;
    if (rnnrt_status_t status = checkNonNegative(
            what, "weight_decay", "weight_decay value", o.weight_decay))
      return status;
    auto optimizer = std::make_unique<rnnrt_optimizer_t>();
    optimizer->kind = Kind::Adam;
    optimizer->size = param_size;
    optimizer->adam = o;
    optimizer->first.assign(static_cast<size_t>(param_size), 0.0f);
    optimizer->second.assign(static_cast<size_t>(param_size), 0.0f);
    if (o.amsgrad)
      optimizer->maxSecond.assign(static_cast<size_t>(param_size), 0.0f);
    *out_optimizer = optimizer.release();
    return RNNRT_OK;
  });
}

void rnnrt_optimizer_destroy(rnnrt_optimizer_t *optimizer) { delete optimizer; }

//===----------------------------------------------------------------------===//
// Steps
//===----------------------------------------------------------------------===//

/// torch.optim.SGD's _single_tensor_sgd for one flat tensor.
static void sgdStep(rnnrt_optimizer_t &opt, float *params, const float *grads) {
  const rnnrt_sgd_options_t &o = opt.sgd;
  const float weightDecay = o.weight_decay;
  const float momentum = o.momentum;
  // `add_(d_p, alpha=1 - dampening)`: Python computes 1 - dampening.
  const float oneMinusDampening =
      static_cast<float>(1.0 - decimalValue(o.dampening));
  const float negLr = static_cast<float>(-decimalValue(o.lr));
  const bool first = opt.steps == 0;
  float *buf = opt.first.data();
  for (int64_t i = 0; i < opt.size; ++i) {
    float g = o.maximize ? -grads[i] : grads[i];
    if (weightDecay != 0)
      g = std::fma(params[i], weightDecay, g); // d_p.add(param, alpha=wd)
    if (momentum != 0) {
      if (first) {
        buf[i] = g; // torch.clone(d_p)
      } else {
        buf[i] = buf[i] * momentum; // buf.mul_(momentum)
        buf[i] = std::fma(g, oneMinusDampening, buf[i]);
      }
      g = o.nesterov ? std::fma(buf[i], momentum, g) : buf[i];
    }
    params[i] = std::fma(g, negLr, params[i]); // param.add_(d_p, alpha=-lr)
  }
}

/// torch.optim.Adam's _single_tensor_adam (not capturable, not
/// differentiable) for one flat tensor.
static void adamStep(rnnrt_optimizer_t &opt, float *params,
                     const float *grads) {
  const rnnrt_adam_options_t &o = opt.adam;
  // Python floats: step is the float32 step tensor's item().
  const double step = static_cast<double>(opt.steps + 1);
  const double beta1 = decimalValue(o.beta1);
  const double beta2 = decimalValue(o.beta2);
  const double biasCorrection1 = 1.0 - std::pow(beta1, step);
  const double biasCorrection2 = 1.0 - std::pow(beta2, step);
  const double stepSize = decimalValue(o.lr) / biasCorrection1;
  const double biasCorrection2Sqrt = std::sqrt(biasCorrection2);
  // What the kernels see.
  const float weightDecay = o.weight_decay;
  const float b1 = o.beta1, b2 = o.beta2;
  const float oneMinusB1 = static_cast<float>(1.0 - beta1);
  const float oneMinusB2 = static_cast<float>(1.0 - beta2);
  const float bc2Sqrt = static_cast<float>(biasCorrection2Sqrt);
  const float eps = o.eps;
  const float negStepSize = static_cast<float>(-stepSize);
  float *expAvg = opt.first.data();
  float *expAvgSq = opt.second.data();
  float *maxExpAvgSq = opt.maxSecond.data();
  for (int64_t i = 0; i < opt.size; ++i) {
    float g = o.maximize ? -grads[i] : grads[i];
    if (weightDecay != 0)
      g = std::fma(params[i], weightDecay, g); // grad.add(param, alpha=wd)
    // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
    expAvg[i] = expAvg[i] * b1;
    expAvg[i] = std::fma(g, oneMinusB1, expAvg[i]);
    // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    expAvgSq[i] = expAvgSq[i] * b2;
    expAvgSq[i] = expAvgSq[i] + oneMinusB2 * g * g;
    float second = expAvgSq[i];
    if (o.amsgrad) {
      // torch.maximum propagates NaN; the inputs are finite here.
      maxExpAvgSq[i] = std::max(maxExpAvgSq[i], expAvgSq[i]);
      second = maxExpAvgSq[i];
    }
    // denom = (v.sqrt() / bias_correction2_sqrt).add_(eps)
    float denom = std::sqrt(second) / bc2Sqrt;
    denom = denom + eps;
    // param.addcdiv_(exp_avg, denom, value=-step_size)
    params[i] = params[i] + negStepSize * expAvg[i] / denom;
  }
}

rnnrt_status_t rnnrt_optimizer_step(rnnrt_optimizer_t *optimizer, float *params,
                                    const float *grads, int64_t param_size) {
  static const char *what = "rnnrt_optimizer_step";
  return guard(what, [&] {
    if (!optimizer)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: optimizer is NULL", what);
    if (param_size != optimizer->size)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "{}: parameter size {} does not match the optimizer's {}",
                  what, param_size, optimizer->size);
    if (param_size > 0 && !params)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: params is NULL", what);
    if (param_size > 0 && !grads)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: grads is NULL", what);
    for (int64_t i = 0; i < param_size; ++i)
      if (!std::isfinite(grads[i]))
        return fail(RNNRT_FAILED_PRECONDITION,
                    "{}: gradient is not finite (element {} of {} is {})", what,
                    i, param_size, grads[i]);
    if (optimizer->kind == Kind::Sgd)
      sgdStep(*optimizer, params, grads);
    else
      adamStep(*optimizer, params, grads);
    ++optimizer->steps;
    return RNNRT_OK;
  });
}

void rnnrt_optimizer_reset(rnnrt_optimizer_t *optimizer) {
  if (!optimizer)
    return;
  optimizer->steps = 0;
  // SGD's buffer is overwritten by the first step; Adam's start from zero.
  std::fill(optimizer->first.begin(), optimizer->first.end(), 0.0f);
  std::fill(optimizer->second.begin(), optimizer->second.end(), 0.0f);
  std::fill(optimizer->maxSecond.begin(), optimizer->maxSecond.end(), 0.0f);
}

rnnrt_status_t rnnrt_optimizer_set_lr(rnnrt_optimizer_t *optimizer, float lr) {
  static const char *what = "rnnrt_optimizer_set_lr";
  return guard(what, [&] {
    if (!optimizer)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: optimizer is NULL", what);
    if (rnnrt_status_t status =
            checkNonNegative(what, "lr", "learning rate", lr))
      return status;
    if (optimizer->kind == Kind::Sgd)
      optimizer->sgd.lr = lr;
    else
      optimizer->adam.lr = lr;
    return RNNRT_OK;
  });
}

float rnnrt_optimizer_lr(const rnnrt_optimizer_t *optimizer) {
  if (!optimizer)
    return 0.0f;
  return optimizer->kind == Kind::Sgd ? optimizer->sgd.lr : optimizer->adam.lr;
}

int64_t rnnrt_optimizer_step_count(const rnnrt_optimizer_t *optimizer) {
  return optimizer ? optimizer->steps : 0;
}

int64_t rnnrt_optimizer_param_size(const rnnrt_optimizer_t *optimizer) {
  return optimizer ? optimizer->size : -1;
}

//===----------------------------------------------------------------------===//
// Clipping
//===----------------------------------------------------------------------===//

/// rnnrt_clip_grad_norm() without the exception guard.
static rnnrt_status_t clipGradNorm(const char *what, float *grads, int64_t size,
                                   float max_norm, float norm_type,
                                   float *out_total_norm) {
  if (size < 0)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: negative size {}", what, size);
  if (size > 0 && !grads)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: grads is NULL", what);
  if (!(max_norm >= 0))
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: invalid max_norm {}, expected >= 0", what, max_norm);
  const bool infNorm = std::isinf(norm_type) && norm_type > 0;
  if (!infNorm && !(std::isfinite(norm_type) && norm_type > 0))
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: invalid norm_type {}, expected INFINITY or a finite value "
                "> 0",
                what, norm_type);

  float totalNorm;
  if (infNorm) {
    // g.abs().max(), which propagates NaN.
    float largest = 0.0f;
    for (int64_t i = 0; i < size; ++i) {
      float a = std::fabs(grads[i]);
      if (std::isnan(a) || a > largest)
        largest = a;
      if (std::isnan(a))
        break;
    }
    totalNorm = largest;
  } else {
    double sum = 0.0;
    if (norm_type == 2.0f) {
      for (int64_t i = 0; i < size; ++i)
        sum += static_cast<double>(grads[i]) * grads[i];
      totalNorm = static_cast<float>(std::sqrt(sum));
    } else if (norm_type == 1.0f) {
      for (int64_t i = 0; i < size; ++i)
        sum += std::fabs(static_cast<double>(grads[i]));
      totalNorm = static_cast<float>(sum);
    } else {
      const double p = norm_type;
      for (int64_t i = 0; i < size; ++i)
        sum += std::pow(std::fabs(static_cast<double>(grads[i])), p);
      totalNorm = static_cast<float>(std::pow(sum, 1.0 / p));
    }
  }
  if (out_total_norm)
    *out_total_norm = totalNorm;
  if (!std::isfinite(totalNorm))
    return fail(RNNRT_FAILED_PRECONDITION,
                "{}: the total norm of order {} of the gradients is {}, so "
                "they cannot be clipped",
                what, norm_type, totalNorm);
  // clip_coef = max_norm / (total_norm + 1e-6), clamped to at most 1. A
  // Python number divided by a tensor is tensor.reciprocal() * number.
  float denom = totalNorm + 1e-6f;
  float clipCoef = (1.0f / denom) * max_norm;
  if (clipCoef < 1.0f)
    for (int64_t i = 0; i < size; ++i)
      grads[i] = grads[i] * clipCoef;
  return RNNRT_OK;
}

/// rnnrt_clip_grad_value() without the exception guard.
static rnnrt_status_t clipGradValue(const char *what, float *grads,
                                    int64_t size, float clip_value) {
  if (size < 0)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: negative size {}", what, size);
  if (size > 0 && !grads)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: grads is NULL", what);
  if (!(clip_value >= 0))
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: invalid clip_value {}, expected >= 0", what, clip_value);
  for (int64_t i = 0; i < size; ++i) {
    float g = grads[i];
    // torch.clamp: NaN stays NaN.
    if (g < -clip_value)
      grads[i] = -clip_value;
    else if (g > clip_value)
      grads[i] = clip_value;
  }
  return RNNRT_OK;
}

rnnrt_status_t rnnrt_clip_grad_norm(float *grads, int64_t size, float max_norm,
                                    float norm_type, float *out_total_norm) {
  static const char *what = "rnnrt_clip_grad_norm";
  return guard(what, [&] {
    return clipGradNorm(what, grads, size, max_norm, norm_type, out_total_norm);
  });
}

rnnrt_status_t rnnrt_clip_grad_value(float *grads, int64_t size,
                                     float clip_value) {
  static const char *what = "rnnrt_clip_grad_value";
  return guard(what,
               [&] { return clipGradValue(what, grads, size, clip_value); });
}

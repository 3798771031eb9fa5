//===- OptimTest.cpp - Tests of the optimizers and gradient clipping ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file tests rnnrt_optimizer_t (SGD and Adam) and gradient clipping:
// small cases computed by hand, argument and state errors, and parity with
// PyTorch 1.13 on the goldens of scripts/gen_optim_goldens.py in
// Inputs/optim/.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#ifndef RNNRT_TEST_INPUTS
#error "RNNRT_TEST_INPUTS must name test/unit/Inputs"
#endif

namespace {

using namespace rnnrt_test;

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

/// Owns an optimizer.
struct OptimizerDeleter {
  void operator()(rnnrt_optimizer_t *o) const { rnnrt_optimizer_destroy(o); }
};
using OptimizerPtr = std::unique_ptr<rnnrt_optimizer_t, OptimizerDeleter>;

OptimizerPtr makeSgd(int64_t size, const rnnrt_sgd_options_t &options) {
  rnnrt_optimizer_t *o = nullptr;
  EXPECT_EQ(rnnrt_optimizer_create_sgd(size, &options, &o), RNNRT_OK)
      << rnnrt_last_error_message();
  return OptimizerPtr(o);
}

OptimizerPtr makeAdam(int64_t size, const rnnrt_adam_options_t &options) {
  rnnrt_optimizer_t *o = nullptr;
  EXPECT_EQ(rnnrt_optimizer_create_adam(size, &options, &o), RNNRT_OK)
      << rnnrt_last_error_message();
  return OptimizerPtr(o);
}

rnnrt_sgd_options_t sgdOptions(float lr, float momentum = 0,
                               float dampening = 0, float weightDecay = 0,
                               bool nesterov = false, bool maximize = false) {
  rnnrt_sgd_options_t o;
  rnnrt_sgd_options_initialize(&o);
  o.lr = lr;
  o.momentum = momentum;
  o.dampening = dampening;
  o.weight_decay = weightDecay;
  o.nesterov = nesterov;
  o.maximize = maximize;
  return o;
}

rnnrt_adam_options_t adamOptions(float lr, float beta1 = 0.9f,
                                 float beta2 = 0.999f, float eps = 1e-8f,
                                 float weightDecay = 0, bool amsgrad = false,
                                 bool maximize = false) {
  rnnrt_adam_options_t o;
  rnnrt_adam_options_initialize(&o);
  o.lr = lr;
  o.beta1 = beta1;
  o.beta2 = beta2;
  o.eps = eps;
  o.weight_decay = weightDecay;
  o.amsgrad = amsgrad;
  o.maximize = maximize;
  return o;
}

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

TEST(OptimOptionsTest, Defaults) {
  rnnrt_sgd_options_t sgd;
  std::memset(&sgd, 0xFF, sizeof(sgd));
  rnnrt_sgd_options_initialize(&sgd);
  EXPECT_EQ(sgd.lr, 0.01f);
  EXPECT_EQ(sgd.momentum, 0.0f);
  EXPECT_EQ(sgd.dampening, 0.0f);
  EXPECT_EQ(sgd.weight_decay, 0.0f);
  EXPECT_EQ(sgd.nesterov, 0);
  EXPECT_EQ(sgd.maximize, 0);

  rnnrt_adam_options_t adam;
  std::memset(&adam, 0xFF, sizeof(adam));
  rnnrt_adam_options_initialize(&adam);
  EXPECT_EQ(adam.lr, 1e-3f);
  EXPECT_EQ(adam.beta1, 0.9f);
  EXPECT_EQ(adam.beta2, 0.999f);
  EXPECT_EQ(adam.eps, 1e-8f);
  EXPECT_EQ(adam.weight_decay, 0.0f);
  EXPECT_EQ(adam.amsgrad, 0);
  EXPECT_EQ(adam.maximize, 0);

  rnnrt_sgd_options_initialize(nullptr);
  rnnrt_adam_options_initialize(nullptr);
}

TEST(OptimOptionsTest, NullOptionsMeanDefaults) {
  rnnrt_optimizer_t *o = nullptr;
  ASSERT_EQ(rnnrt_optimizer_create_sgd(2, nullptr, &o), RNNRT_OK);
  EXPECT_EQ(rnnrt_optimizer_lr(o), 0.01f);
  EXPECT_EQ(rnnrt_optimizer_param_size(o), 2);
  rnnrt_optimizer_destroy(o);
  ASSERT_EQ(rnnrt_optimizer_create_adam(0, nullptr, &o), RNNRT_OK);
  EXPECT_EQ(rnnrt_optimizer_lr(o), 1e-3f);
  rnnrt_optimizer_destroy(o);
  rnnrt_optimizer_destroy(nullptr);
  EXPECT_EQ(rnnrt_optimizer_lr(nullptr), 0.0f);
  EXPECT_EQ(rnnrt_optimizer_step_count(nullptr), 0);
  EXPECT_EQ(rnnrt_optimizer_param_size(nullptr), -1);
}

//===----------------------------------------------------------------------===//
// SGD by hand (values exact in binary)
//===----------------------------------------------------------------------===//

TEST(SgdTest, PlainStep) {
  auto o = makeSgd(2, sgdOptions(0.5f));
  float p[2] = {2.0f, -1.0f};
  const float g[2] = {1.0f, -0.5f};
  ASSERT_EQ(rnnrt_optimizer_step(o.get(), p, g, 2), RNNRT_OK);
  EXPECT_EQ(p[0], 1.5f);
  EXPECT_EQ(p[1], -0.75f);
  EXPECT_EQ(rnnrt_optimizer_step_count(o.get()), 1);
}

TEST(SgdTest, WeightDecayAndMaximize) {
  // g' = -g + wd * p = -1 + 0.25 * 2 = -0.5; p = 2 - 0.5 * -0.5 = 2.25.
  auto o = makeSgd(1, sgdOptions(0.5f, 0, 0, 0.25f, false, true));
  float p = 2.0f;
  const float g = 1.0f;
  ASSERT_EQ(rnnrt_optimizer_step(o.get(), &p, &g, 1), RNNRT_OK);
  EXPECT_EQ(p, 2.25f);
}

TEST(SgdTest, MomentumBufferStartsAsGradient) {
  // Step 1: buf = g = 1 (no dampening on the first step); p = 2 - 0.5 = 1.5.
  // Step 2: buf = 0.5 * 1 + (1 - 0.25) * 2 = 2; p = 1.5 - 0.5 * 2 = 0.5.
  auto o = makeSgd(1, sgdOptions(0.5f, 0.5f, 0.25f));
  float p = 2.0f;
  float g = 1.0f;
  ASSERT_EQ(rnnrt_optimizer_step(o.get(), &p, &g, 1), RNNRT_OK);
  EXPECT_EQ(p, 1.5f);
  g = 2.0f;
  ASSERT_EQ(rnnrt_optimizer_step(o.get(), &p, &g, 1), RNNRT_OK);
  EXPECT_EQ(p, 0.5f);
}

TEST(SgdTest, Nesterov) {
  // Step 1: buf = 1, d = g + 0.5 * buf = 1.5, p = 2 - 0.5 * 1.5 = 1.25.
  // Step 2: buf = 0.5 * 1 + 1 = 1.5, d = 1 + 0.75 = 1.75, p = 0.375.
  auto o = makeSgd(1, sgdOptions(0.5f, 0.5f, 0, 0, true));
  float p = 2.0f;
  const float g = 1.0f;
  ASSERT_EQ(rnnrt_optimizer_step(o.get(), &p, &g, 1), RNNRT_OK);
  EXPECT_EQ(p, 1.25f);
  ASSERT_EQ(rnnrt_optimizer_step(o.get(), &p, &g, 1), RNNRT_OK);
  EXPECT_EQ(p, 0.375f);
}

TEST(SgdTest, ResetRestartsMomentumAndKeepsLr) {
  auto o = makeSgd(1, sgdOptions(0.5f, 0.5f));
  float p = 2.0f;
  const float g = 1.0f;
  ASSERT_EQ(rnnrt_optimizer_step(o.get(), &p, &g, 1), RNNRT_OK);
  ASSERT_EQ(rnnrt_optimizer_set_lr(o.get(), 0.25f), RNNRT_OK);
  EXPECT_EQ(rnnrt_optimizer_lr(o.get()), 0.25f);
  rnnrt_optimizer_reset(o.get());
  rnnrt_optimizer_reset(nullptr);
  EXPECT_EQ(rnnrt_optimizer_step_count(o.get()), 0);
  // A first step again: buf = g, p = 1.5 - 0.25 * 1.
  ASSERT_EQ(rnnrt_optimizer_step(o.get(), &p, &g, 1), RNNRT_OK);
  EXPECT_EQ(p, 1.25f);
}

//===----------------------------------------------------------------------===//
// Adam by hand
//===----------------------------------------------------------------------===//

TEST(AdamTest, FirstStepMovesByLr) {
  // After one step m / bc1 = g and sqrt(v / bc2) = |g|: p -= lr * g / (|g| +
  // eps), i.e. lr in the direction of -sign(g).
  auto o = makeAdam(3, adamOptions(0.01f));
  float p[3] = {1.0f, 1.0f, 1.0f};
  const float g[3] = {0.25f, -4.0f, 0.0f};
  ASSERT_EQ(rnnrt_optimizer_step(o.get(), p, g, 3), RNNRT_OK);
  EXPECT_NEAR(p[0], 0.99f, 1e-6);
  EXPECT_NEAR(p[1], 1.01f, 1e-6);
  EXPECT_EQ(p[2], 1.0f); // 0 / eps
}

TEST(AdamTest, SecondStepMatchesFormula) {
  const double lr = 0.1, b1 = 0.5, b2 = 0.75, eps = 0.125;
  auto o = makeAdam(1, adamOptions(0.1f, 0.5f, 0.75f, 0.125f));
  float p = 1.0f;
  float g = 2.0f;
  ASSERT_EQ(rnnrt_optimizer_step(o.get(), &p, &g, 1), RNNRT_OK);
  double m = (1 - b1) * 2, v = (1 - b2) * 4;
  double expected = 1.0 - lr / (1 - b1) * m / (std::sqrt(v / (1 - b2)) + eps);
  EXPECT_NEAR(p, expected, 1e-6);
  g = -1.0f;
  ASSERT_EQ(rnnrt_optimizer_step(o.get(), &p, &g, 1), RNNRT_OK);
  m = b1 * m + (1 - b1) * -1;
  v = b2 * v + (1 - b2) * 1;
  expected -= lr / (1 - b1 * b1) * m / (std::sqrt(v / (1 - b2 * b2)) + eps);
  EXPECT_NEAR(p, expected, 1e-6);
  EXPECT_EQ(rnnrt_optimizer_step_count(o.get()), 2);
}

TEST(AdamTest, AmsgradKeepsTheLargestSecondMoment) {
  // With a tiny gradient after a large one, AMSGrad divides by the larger
  // old second moment, so it moves less than plain Adam.
  auto plain = makeAdam(1, adamOptions(0.1f, 0.5f, 0.5f));
  auto ams = makeAdam(1, adamOptions(0.1f, 0.5f, 0.5f, 1e-8f, 0, true));
  float p1 = 0, p2 = 0;
  float g = 10.0f;
  ASSERT_EQ(rnnrt_optimizer_step(plain.get(), &p1, &g, 1), RNNRT_OK);
  ASSERT_EQ(rnnrt_optimizer_step(ams.get(), &p2, &g, 1), RNNRT_OK);
  EXPECT_EQ(p1, p2);
  for (int i = 0; i < 3; ++i) {
    g = 0.01f;
    ASSERT_EQ(rnnrt_optimizer_step(plain.get(), &p1, &g, 1), RNNRT_OK);
    ASSERT_EQ(rnnrt_optimizer_step(ams.get(), &p2, &g, 1), RNNRT_OK);
  }
  EXPECT_GT(std::fabs(p2 - p1), 1e-3);
}

TEST(AdamTest, ResetRestartsBiasCorrection) {
  auto o = makeAdam(1, adamOptions(0.01f));
  float p = 0.0f;
  const float g = 1.0f;
  ASSERT_EQ(rnnrt_optimizer_step(o.get(), &p, &g, 1), RNNRT_OK);
  float afterOne = p;
  rnnrt_optimizer_reset(o.get());
  p = 0.0f;
  ASSERT_EQ(rnnrt_optimizer_step(o.get(), &p, &g, 1), RNNRT_OK);
  EXPECT_EQ(p, afterOne);
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST(OptimErrorTest, CreateRejectsBadArguments) {
  rnnrt_optimizer_t *o = reinterpret_cast<rnnrt_optimizer_t *>(1);
  rnnrt_sgd_options_t sgd = sgdOptions(0.1f);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_optimizer_create_sgd(4, &sgd, nullptr), "out_optimizer");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_optimizer_create_sgd(-1, &sgd, &o),
                "negative parameter size -1");
  EXPECT_EQ(o, nullptr);
  sgd.lr = -0.5f;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_create_sgd(4, &sgd, &o),
                "invalid lr -0.5");
  sgd = sgdOptions(0.1f, kNaN);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_create_sgd(4, &sgd, &o),
                "invalid momentum");
  sgd = sgdOptions(0.1f, 0, 0, -1.0f);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_create_sgd(4, &sgd, &o),
                "invalid weight_decay");
  sgd = sgdOptions(0.1f, 0, 0, 0, true);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_create_sgd(4, &sgd, &o),
                "nesterov momentum requires");
  sgd = sgdOptions(0.1f, 0.9f, 0.1f, 0, true);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_create_sgd(4, &sgd, &o),
                "zero dampening");
  EXPECT_EQ(o, nullptr);

  rnnrt_adam_options_t adam = adamOptions(0.1f, 1.0f);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_optimizer_create_adam(4, &adam, &o),
                "invalid beta1 1 (beta parameter at index 0), expected [0, 1)");
  adam = adamOptions(0.1f, 0.9f, -0.1f);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_optimizer_create_adam(4, &adam, &o), "invalid beta2");
  adam = adamOptions(0.1f, 0.9f, 0.999f, -1e-8f);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_optimizer_create_adam(4, &adam, &o), "invalid eps");
  adam = adamOptions(kInf);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_optimizer_create_adam(4, &adam, &o), "invalid lr inf");
  EXPECT_EQ(o, nullptr);
}

/// Every option PyTorch checks, with each kind of bad value: negative (what
/// PyTorch refuses), NaN and infinity (what it lets through for SGD's lr,
/// but which would only make every parameter NaN).
TEST(OptimErrorTest, OptionMatrix) {
  const float bad[] = {-1.0f, -1e-30f, kNaN, kInf, -kInf};
  for (float v : bad) {
    SCOPED_TRACE(v);
    const std::string value = testing::PrintToString(v);
    rnnrt_optimizer_t *o = reinterpret_cast<rnnrt_optimizer_t *>(1);
    struct SgdCase {
      const char *name, *wording;
      float rnnrt_sgd_options_t::*field;
    } sgdCases[] = {
        {"lr", "learning rate", &rnnrt_sgd_options_t::lr},
        {"momentum", "momentum value", &rnnrt_sgd_options_t::momentum},
        {"weight_decay", "weight_decay value",
         &rnnrt_sgd_options_t::weight_decay},
    };
    for (const SgdCase &c : sgdCases) {
      SCOPED_TRACE(c.name);
      rnnrt_sgd_options_t sgd = sgdOptions(0.1f, 0.5f);
      sgd.*c.field = v;
      EXPECT_STATUS(
          RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_create_sgd(4, &sgd, &o),
          std::string("rnnrt_optimizer_create_sgd: invalid ") + c.name + " ");
      EXPECT_STATUS(
          RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_create_sgd(4, &sgd, &o),
          std::string("(") + c.wording + "), expected a finite value >= 0");
      EXPECT_EQ(o, nullptr);
    }
    struct AdamCase {
      const char *name, *fragment;
      float rnnrt_adam_options_t::*field;
    } adamCases[] = {
        {"lr", "(learning rate), expected a finite value >= 0",
         &rnnrt_adam_options_t::lr},
        {"eps", "(epsilon value), expected a finite value >= 0",
         &rnnrt_adam_options_t::eps},
        {"weight_decay", "(weight_decay value), expected a finite value >= 0",
         &rnnrt_adam_options_t::weight_decay},
        {"beta1", "(beta parameter at index 0), expected [0, 1)",
         &rnnrt_adam_options_t::beta1},
        {"beta2", "(beta parameter at index 1), expected [0, 1)",
         &rnnrt_adam_options_t::beta2},
    };
    for (const AdamCase &c : adamCases) {
      SCOPED_TRACE(c.name);
      rnnrt_adam_options_t adam = adamOptions(0.1f);
      adam.*c.field = v;
      EXPECT_STATUS(
          RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_create_adam(4, &adam, &o),
          std::string("rnnrt_optimizer_create_adam: invalid ") + c.name + " ");
      EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                    rnnrt_optimizer_create_adam(4, &adam, &o), c.fragment);
      EXPECT_EQ(o, nullptr);
    }
    auto sgd = makeSgd(2, sgdOptions(0.1f));
    EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_set_lr(sgd.get(), v),
                  "rnnrt_optimizer_set_lr: invalid lr ");
    EXPECT_EQ(rnnrt_optimizer_lr(sgd.get()), 0.1f);
  }
  // Betas of 1 (and above) are out of range too; 0 is fine, as are zero lr,
  // eps and weight decay, and a negative dampening (PyTorch has no check).
  rnnrt_optimizer_t *o = nullptr;
  for (float beta : {1.0f, 1.5f}) {
    rnnrt_adam_options_t adam = adamOptions(0.1f, beta);
    EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                  rnnrt_optimizer_create_adam(4, &adam, &o), "invalid beta1");
    adam = adamOptions(0.1f, 0.9f, beta);
    EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                  rnnrt_optimizer_create_adam(4, &adam, &o), "invalid beta2");
  }
  rnnrt_adam_options_t edge = adamOptions(0.0f, 0.0f, 0.0f, 0.0f);
  ASSERT_EQ(rnnrt_optimizer_create_adam(4, &edge, &o), RNNRT_OK)
      << rnnrt_last_error_message();
  rnnrt_optimizer_destroy(o);
  rnnrt_sgd_options_t sgd = sgdOptions(0.0f, 0.9f, -0.5f);
  ASSERT_EQ(rnnrt_optimizer_create_sgd(4, &sgd, &o), RNNRT_OK)
      << rnnrt_last_error_message();
  rnnrt_optimizer_destroy(o);
  for (float d : {kNaN, kInf}) {
    sgd = sgdOptions(0.1f, 0.9f, d);
    EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                  rnnrt_optimizer_create_sgd(4, &sgd, &o), "invalid dampening");
  }
  // Nesterov: "requires a momentum and zero dampening".
  sgd = sgdOptions(0.1f, 0.0f, 0.0f, 0.0f, true);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_create_sgd(4, &sgd, &o),
                "nesterov momentum requires a momentum > 0 and zero "
                "dampening (momentum 0, dampening 0)");
}

/// State buffers no allocation can hold are RESOURCE_EXHAUSTED (this was
/// INTERNAL, from std::length_error).
TEST(OptimErrorTest, HugeStateIsResourceExhausted) {
  rnnrt_optimizer_t *o = reinterpret_cast<rnnrt_optimizer_t *>(1);
  rnnrt_sgd_options_t sgd = sgdOptions(0.1f, 0.9f);
  EXPECT_STATUS(RNNRT_RESOURCE_EXHAUSTED,
                rnnrt_optimizer_create_sgd(INT64_MAX, &sgd, &o),
                "rnnrt_optimizer_create_sgd: out of memory");
  EXPECT_EQ(o, nullptr);
  rnnrt_adam_options_t adam = adamOptions(0.1f);
  EXPECT_STATUS(RNNRT_RESOURCE_EXHAUSTED,
                rnnrt_optimizer_create_adam(INT64_MAX, &adam, &o),
                "rnnrt_optimizer_create_adam: out of memory");
  EXPECT_EQ(o, nullptr);
  // Without momentum SGD has no state, so any size is fine.
  sgd = sgdOptions(0.1f);
  ASSERT_EQ(rnnrt_optimizer_create_sgd(INT64_MAX, &sgd, &o), RNNRT_OK);
  rnnrt_optimizer_destroy(o);
}

TEST(OptimErrorTest, StepChecksSizeAndPointers) {
  auto o = makeSgd(3, sgdOptions(0.1f));
  float p[3] = {1, 2, 3};
  const float g[3] = {1, 1, 1};
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_step(o.get(), p, g, 2),
                "parameter size 2 does not match the optimizer's 3");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_optimizer_step(o.get(), nullptr, g, 3), "params is NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_optimizer_step(o.get(), p, nullptr, 3), "grads is NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_step(nullptr, p, g, 3),
                "optimizer is NULL");
  EXPECT_EQ(p[0], 1.0f);
  EXPECT_EQ(rnnrt_optimizer_step_count(o.get()), 0);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_set_lr(o.get(), -1.0f),
                "invalid lr -1");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_optimizer_set_lr(nullptr, 1.0f),
                "optimizer is NULL");
  EXPECT_EQ(rnnrt_optimizer_lr(o.get()), 0.1f);
  // An empty optimizer takes NULL buffers.
  auto empty = makeAdam(0, adamOptions(0.1f));
  EXPECT_EQ(rnnrt_optimizer_step(empty.get(), nullptr, nullptr, 0), RNNRT_OK);
}

TEST(OptimErrorTest, NonFiniteGradientLeavesEverythingUnchanged) {
  for (float bad : {kNaN, kInf, -kInf}) {
    auto sgd = makeSgd(3, sgdOptions(0.1f, 0.9f));
    auto adam = makeAdam(3, adamOptions(0.1f));
    for (rnnrt_optimizer_t *o : {sgd.get(), adam.get()}) {
      float p[3] = {1, 2, 3};
      const float good[3] = {0.5f, 0.5f, 0.5f};
      const float g[3] = {0.5f, 0.5f, bad};
      EXPECT_STATUS(RNNRT_FAILED_PRECONDITION, rnnrt_optimizer_step(o, p, g, 3),
                    "gradient is not finite (element 2 of 3");
      EXPECT_EQ(p[0], 1.0f);
      EXPECT_EQ(p[1], 2.0f);
      EXPECT_EQ(p[2], 3.0f);
      EXPECT_EQ(rnnrt_optimizer_step_count(o), 0);
      // The state is untouched too: the next good step is a first step.
      float q[3] = {1, 2, 3};
      ASSERT_EQ(rnnrt_optimizer_step(o, p, good, 3), RNNRT_OK);
      rnnrt_optimizer_reset(o);
      ASSERT_EQ(rnnrt_optimizer_step(o, q, good, 3), RNNRT_OK);
      EXPECT_EQ(std::vector<float>(p, p + 3), std::vector<float>(q, q + 3));
    }
  }
}

//===----------------------------------------------------------------------===//
// Clipping
//===----------------------------------------------------------------------===//

TEST(ClipGradNormTest, ScalesByMaxNormOverTotalNorm) {
  float g[3] = {3.0f, 0.0f, -4.0f};
  float total = 0;
  ASSERT_EQ(rnnrt_clip_grad_norm(g, 3, 1.0f, 2.0f, &total), RNNRT_OK);
  EXPECT_EQ(total, 5.0f); // before clipping
  // PyTorch: clip_coef = (total + 1e-6).reciprocal() * max_norm.
  const float coef = (1.0f / (5.0f + 1e-6f)) * 1.0f;
  EXPECT_EQ(g[0], 3.0f * coef);
  EXPECT_EQ(g[1], 0.0f);
  EXPECT_EQ(g[2], -4.0f * coef);
  float norm = std::sqrt(g[0] * g[0] + g[2] * g[2]);
  EXPECT_NEAR(norm, 1.0f, 1e-6);
}

TEST(ClipGradNormTest, LeavesSmallGradientsAlone) {
  float g[2] = {0.3f, -0.4f};
  float total = 0;
  ASSERT_EQ(rnnrt_clip_grad_norm(g, 2, 1.0f, 2.0f, &total), RNNRT_OK);
  EXPECT_NEAR(total, 0.5f, 1e-7);
  EXPECT_EQ(g[0], 0.3f);
  EXPECT_EQ(g[1], -0.4f);
  // Exactly at max_norm the 1e-6 makes the coefficient just below 1: PyTorch
  // scales then too.
  float h[2] = {0.6f, 0.8f};
  ASSERT_EQ(rnnrt_clip_grad_norm(h, 2, 1.0f, 2.0f, nullptr), RNNRT_OK);
  EXPECT_LT(h[1], 0.8f);
}

TEST(ClipGradNormTest, InfinityAndOtherNorms) {
  float g[3] = {1.0f, -6.0f, 2.0f};
  float total = 0;
  ASSERT_EQ(rnnrt_clip_grad_norm(g, 3, 3.0f, kInf, &total), RNNRT_OK);
  EXPECT_EQ(total, 6.0f);
  const float coef = (1.0f / (6.0f + 1e-6f)) * 3.0f;
  EXPECT_EQ(g[0], 1.0f * coef);
  EXPECT_EQ(g[1], -6.0f * coef);
  float h[3] = {1.0f, -6.0f, 2.0f};
  ASSERT_EQ(rnnrt_clip_grad_norm(h, 3, 100.0f, 1.0f, &total), RNNRT_OK);
  EXPECT_EQ(total, 9.0f);
  ASSERT_EQ(rnnrt_clip_grad_norm(h, 3, 100.0f, 3.0f, &total), RNNRT_OK);
  EXPECT_NEAR(total, std::cbrt(1.0 + 216.0 + 8.0), 1e-5);
  EXPECT_EQ(h[1], -6.0f);
  // An empty buffer has norm 0.
  ASSERT_EQ(rnnrt_clip_grad_norm(nullptr, 0, 1.0f, 2.0f, &total), RNNRT_OK);
  EXPECT_EQ(total, 0.0f);
}

TEST(ClipGradNormTest, DoesNotOverflowLikeFloatSums) {
  float g[2] = {3e30f, 4e30f};
  float total = 0;
  ASSERT_EQ(rnnrt_clip_grad_norm(g, 2, 1.0f, 2.0f, &total), RNNRT_OK);
  EXPECT_NEAR(total, 5e30f, 5e30f * 1e-6f);
  EXPECT_NEAR(g[1], 0.8f, 1e-6);
}

TEST(ClipGradNormTest, NonFiniteNormIsAnError) {
  for (float norm : {2.0f, 1.0f, kInf}) {
    for (float bad : {kNaN, kInf}) {
      float g[3] = {1.0f, bad, 2.0f};
      float total = 0;
      EXPECT_STATUS(RNNRT_FAILED_PRECONDITION,
                    rnnrt_clip_grad_norm(g, 3, 1.0f, norm, &total),
                    "cannot be clipped");
      EXPECT_FALSE(std::isfinite(total));
      EXPECT_EQ(g[0], 1.0f);
      EXPECT_EQ(g[2], 2.0f);
    }
  }
}

TEST(ClipGradNormTest, BadArguments) {
  float g[2] = {1.0f, 2.0f};
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_clip_grad_norm(g, -1, 1.0f, 2.0f, nullptr),
                "negative size -1");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_clip_grad_norm(nullptr, 2, 1.0f, 2.0f, nullptr),
                "grads is NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_clip_grad_norm(g, 2, -1.0f, 2.0f, nullptr),
                "invalid max_norm -1");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_clip_grad_norm(g, 2, kNaN, 2.0f, nullptr),
                "invalid max_norm");
  for (float norm : {0.0f, -2.0f, kNaN, -kInf})
    EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                  rnnrt_clip_grad_norm(g, 2, 1.0f, norm, nullptr),
                  "invalid norm_type");
  EXPECT_EQ(g[0], 1.0f);
  EXPECT_EQ(g[1], 2.0f);
}

TEST(ClipGradValueTest, Clamps) {
  float g[5] = {-3.0f, -0.5f, 0.0f, 0.75f, 2.0f};
  ASSERT_EQ(rnnrt_clip_grad_value(g, 5, 1.0f), RNNRT_OK);
  EXPECT_EQ(std::vector<float>(g, g + 5),
            (std::vector<float>{-1.0f, -0.5f, 0.0f, 0.75f, 1.0f}));
  float h[2] = {kNaN, -kInf};
  ASSERT_EQ(rnnrt_clip_grad_value(h, 2, 0.5f), RNNRT_OK);
  EXPECT_TRUE(std::isnan(h[0]));
  EXPECT_EQ(h[1], -0.5f);
  EXPECT_EQ(rnnrt_clip_grad_value(nullptr, 0, 1.0f), RNNRT_OK);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_clip_grad_value(g, 5, -1.0f),
                "invalid clip_value -1");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_clip_grad_value(g, 5, kNaN),
                "invalid clip_value");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_clip_grad_value(nullptr, 1, 1.0f),
                "grads is NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_clip_grad_value(g, -1, 1.0f),
                "negative size");
}

//===----------------------------------------------------------------------===//
// Parity with PyTorch (scripts/gen_optim_goldens.py)
//===----------------------------------------------------------------------===//

/// Owns an array.
struct ArrayDeleter {
  void operator()(rnnrt_array_t *a) const { rnnrt_array_destroy(a); }
};
using ArrayPtr = std::unique_ptr<rnnrt_array_t, ArrayDeleter>;

/// Reads Inputs/optim/<name>.npy (float32).
std::vector<float> readGolden(const std::string &name) {
  std::string path = std::string(RNNRT_TEST_INPUTS) + "/optim/" + name + ".npy";
  rnnrt_array_t *raw = nullptr;
  rnnrt_status_t status = rnnrt_npy_read(path.c_str(), &raw);
  ArrayPtr array(raw);
  EXPECT_EQ(status, RNNRT_OK) << rnnrt_last_error_message();
  if (status != RNNRT_OK)
    return {};
  EXPECT_EQ(rnnrt_array_dtype(raw), RNNRT_DTYPE_FLOAT32) << path;
  const float *data = static_cast<const float *>(rnnrt_array_data(raw));
  return std::vector<float>(data, data + rnnrt_array_numel(raw));
}

/// The largest |a - e| over the range, and how many elements are bit-exact.
struct Diff {
  double maxAbs = 0;
  int64_t exact = 0;
};
Diff compare(const float *actual, const float *expected, int64_t n) {
  Diff d;
  for (int64_t i = 0; i < n; ++i) {
    d.maxAbs = std::max(d.maxAbs, std::fabs(double(actual[i]) - expected[i]));
    d.exact += actual[i] == expected[i];
  }
  return d;
}

constexpr int kSteps = 3;
constexpr double kParityAtol = 1e-6;

/// Runs the golden's steps with `optimizer` and checks every step.
void checkParity(const std::string &name, rnnrt_optimizer_t *optimizer) {
  ASSERT_NE(optimizer, nullptr);
  std::vector<float> params = readGolden("params0");
  std::vector<float> grads = readGolden("grads");
  std::vector<float> expected = readGolden(name);
  const int64_t n = static_cast<int64_t>(params.size());
  ASSERT_GT(n, 0);
  ASSERT_EQ(grads.size(), kSteps * params.size());
  ASSERT_EQ(expected.size(), kSteps * params.size());
  Diff total;
  for (int step = 0; step < kSteps; ++step) {
    ASSERT_EQ(rnnrt_optimizer_step(optimizer, params.data(),
                                   grads.data() + step * n, n),
              RNNRT_OK)
        << rnnrt_last_error_message();
    Diff d = compare(params.data(), expected.data() + step * n, n);
    EXPECT_LE(d.maxAbs, kParityAtol) << name << " step " << step + 1;
    total.maxAbs = std::max(total.maxAbs, d.maxAbs);
    total.exact += d.exact;
  }
  std::printf("[ parity   ] %-14s max |diff| %.3g, %lld of %lld bit-exact\n",
              name.c_str(), total.maxAbs, static_cast<long long>(total.exact),
              static_cast<long long>(kSteps * n));
}

// The options below repeat CASES in scripts/gen_optim_goldens.py.

TEST(OptimParityTest, SgdMomentumDampeningWeightDecay) {
  auto o = makeSgd(72, sgdOptions(0.05f, 0.9f, 0.1f, 0.01f));
  checkParity("sgd_momentum", o.get());
}

TEST(OptimParityTest, SgdNesterov) {
  auto o = makeSgd(72, sgdOptions(0.05f, 0.9f, 0, 0.01f, true));
  checkParity("sgd_nesterov", o.get());
}

TEST(OptimParityTest, SgdMaximize) {
  auto o = makeSgd(72, sgdOptions(0.1f, 0, 0, 0.001f, false, true));
  checkParity("sgd_maximize", o.get());
}

TEST(OptimParityTest, Adam) {
  auto o = makeAdam(72, adamOptions(0.01f, 0.9f, 0.999f, 1e-8f, 0.01f));
  checkParity("adam", o.get());
}

TEST(OptimParityTest, AdamAmsgrad) {
  auto o = makeAdam(72, adamOptions(0.01f, 0.8f, 0.99f, 1e-8f, 0.01f, true));
  checkParity("adam_amsgrad", o.get());
}

TEST(OptimParityTest, AdamMaximize) {
  auto o =
      makeAdam(72, adamOptions(0.003f, 0.9f, 0.999f, 1e-6f, 0, false, true));
  checkParity("adam_maximize", o.get());
}

TEST(OptimParityTest, ClipGradNorm) {
  std::vector<float> input = readGolden("clip_grads");
  std::vector<float> norms = readGolden("clip_norms");
  ASSERT_EQ(norms.size(), 2u);
  const struct {
    const char *name;
    float maxNorm, normType;
  } cases[2] = {{"clip_norm2", 1.0f, 2.0f}, {"clip_norminf", 0.5f, kInf}};
  for (int c = 0; c < 2; ++c) {
    std::vector<float> g = input;
    std::vector<float> expected = readGolden(cases[c].name);
    ASSERT_EQ(expected.size(), g.size());
    float total = 0;
    ASSERT_EQ(rnnrt_clip_grad_norm(g.data(), static_cast<int64_t>(g.size()),
                                   cases[c].maxNorm, cases[c].normType, &total),
              RNNRT_OK);
    EXPECT_NEAR(total, norms[c], 1e-6 * norms[c]) << cases[c].name;
    Diff d = compare(g.data(), expected.data(), g.size());
    EXPECT_LE(d.maxAbs, kParityAtol) << cases[c].name;
    std::printf("[ parity   ] %-14s max |diff| %.3g, %lld of %zu bit-exact; "
                "norm %.9g vs %.9g\n",
                cases[c].name, d.maxAbs, static_cast<long long>(d.exact),
                g.size(), total, norms[c]);
  }
}

} // namespace

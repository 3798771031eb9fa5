//===- TrainTest.cpp - Tests of the training loop -------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file tests rnnrt_trainer_t with fake models that follow the
// loss-and-gradient ABI of docs/abi.md: a linear regression on the last time
// step that must learn, a model that records what it was given (layouts,
// shuffling, partial batches, buffer reuse), and models that fail or produce
// NaN.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <random>
#include <set>
#include <vector>

namespace {

using namespace rnnrt_test;

struct TrainerDeleter {
  void operator()(rnnrt_trainer_t *t) const { rnnrt_trainer_destroy(t); }
};
using TrainerPtr = std::unique_ptr<rnnrt_trainer_t, TrainerDeleter>;
struct OptimizerDeleter {
  void operator()(rnnrt_optimizer_t *o) const { rnnrt_optimizer_destroy(o); }
};
using OptimizerPtr = std::unique_ptr<rnnrt_optimizer_t, OptimizerDeleter>;

TrainerPtr makeTrainer(const rnnrt_model_t &model, int64_t batchSize,
                       int32_t shuffle = 1, uint64_t seed = 0) {
  rnnrt_trainer_options_t options;
  rnnrt_trainer_options_initialize(&options);
  options.batch_size = batchSize;
  options.shuffle = shuffle;
  options.seed = seed;
  rnnrt_trainer_t *t = nullptr;
  EXPECT_EQ(rnnrt_trainer_create(&model, &options, &t), RNNRT_OK)
      << rnnrt_last_error_message();
  return TrainerPtr(t);
}

OptimizerPtr makeSgd(int64_t size, float lr) {
  rnnrt_sgd_options_t options;
  rnnrt_sgd_options_initialize(&options);
  options.lr = lr;
  rnnrt_optimizer_t *o = nullptr;
  EXPECT_EQ(rnnrt_optimizer_create_sgd(size, &options, &o), RNNRT_OK);
  return OptimizerPtr(o);
}

OptimizerPtr makeAdam(int64_t size, float lr) {
  rnnrt_adam_options_t options;
  rnnrt_adam_options_initialize(&options);
  options.lr = lr;
  rnnrt_optimizer_t *o = nullptr;
  EXPECT_EQ(rnnrt_optimizer_create_adam(size, &options, &o), RNNRT_OK);
  return OptimizerPtr(o);
}

//===----------------------------------------------------------------------===//
// Linear regression on the last step: y = w . x[len - 1] + b, MSE loss
//===----------------------------------------------------------------------===//

constexpr int64_t kFeatures = 3;
constexpr int64_t kRegressionParams = kFeatures + 1; // w, then b

/// d loss / d params of the mean squared error over the batch; the input
/// layout is (B, T, F) if `BatchFirst`, else (T, B, F).
template <bool BatchFirst>
int32_t regressionLossAndGrad(const float *params, int64_t batch,
                              int64_t seqLen, const void *input,
                              const int64_t *lengths, const float *h0,
                              const void *target, float *loss, float *grads,
                              float *inputGrad, float *h0Grad,
                              void *workspace) {
  (void)h0;
  (void)inputGrad;
  (void)h0Grad;
  (void)workspace;
  if (batch < 1 || seqLen < 1)
    return RNNRT_INVALID_ARGUMENT;
  const float *x = static_cast<const float *>(input);
  const float *y = static_cast<const float *>(target);
  std::fill(grads, grads + kRegressionParams, 0.0f);
  double sum = 0;
  for (int64_t b = 0; b < batch; ++b) {
    int64_t t = (lengths ? lengths[b] : seqLen) - 1;
    const float *row = BatchFirst ? x + (b * seqLen + t) * kFeatures
                                  : x + (t * batch + b) * kFeatures;
    float pred = params[kFeatures];
    for (int64_t f = 0; f < kFeatures; ++f)
      pred += params[f] * row[f];
    float err = pred - y[b];
    sum += double(err) * err;
    for (int64_t f = 0; f < kFeatures; ++f)
      grads[f] += 2.0f * err * row[f] / float(batch);
    grads[kFeatures] += 2.0f * err / float(batch);
  }
  *loss = static_cast<float>(sum / double(batch));
  return 0;
}

int64_t smallWorkspace(int64_t batch, int64_t seqLen) {
  return batch * seqLen * 8 + 3;
}

rnnrt_model_t regressionModel(bool batchFirst, int64_t seqLen = 0) {
  rnnrt_model_t m = {};
  m.param_size = kRegressionParams;
  m.seq_len = seqLen;
  m.batch_first = batchFirst;
  m.input_dtype = RNNRT_DTYPE_FLOAT32;
  m.input_features = kFeatures;
  m.target_dtype = RNNRT_DTYPE_FLOAT32;
  m.target_per_step = 0;
  m.target_features = 1;
  m.loss_and_grad =
      batchFirst ? regressionLossAndGrad<true> : regressionLossAndGrad<false>;
  m.grad_workspace_size = smallWorkspace;
  return m;
}

/// A noiseless regression dataset: N samples of T steps; the target depends
/// on the last valid step only.
struct RegressionData {
  RegressionData(int64_t n, int64_t t, bool withLengths) {
    std::mt19937_64 engine(7);
    auto uniform = [&] {
      return static_cast<float>(double(engine() >> 11) * 0x1.0p-53 * 2 - 1);
    };
    inputs.resize(n * t * kFeatures);
    for (float &v : inputs)
      v = uniform();
    for (int64_t i = 0; i < n; ++i) {
      int64_t len = withLengths ? 1 + i % t : t;
      lengths.push_back(len);
      const float *row = &inputs[(i * t + len - 1) * kFeatures];
      targets.push_back(1.5f * row[0] - 2.0f * row[1] + 0.5f * row[2] + 0.25f);
    }
    data.num_samples = n;
    data.seq_len = t;
    data.inputs = inputs.data();
    data.targets = targets.data();
    data.lengths = withLengths ? lengths.data() : nullptr;
  }
  std::vector<float> inputs, targets;
  std::vector<int64_t> lengths;
  rnnrt_dataset_t data = {};
};

TEST(TrainerTest, OptionDefaults) {
  rnnrt_trainer_options_t o;
  std::memset(&o, 0xFF, sizeof(o));
  rnnrt_trainer_options_initialize(&o);
  EXPECT_EQ(o.batch_size, 32);
  EXPECT_EQ(o.shuffle, 1);
  EXPECT_EQ(o.seed, 0u);
  EXPECT_EQ(o.clip_grad_norm, 0.0f);
  EXPECT_EQ(o.clip_grad_value, 0.0f);
  rnnrt_trainer_options_initialize(nullptr);
}

TEST(TrainerTest, SgdAndAdamLearnTheRegression) {
  for (bool batchFirst : {true, false}) {
    for (bool adam : {false, true}) {
      SCOPED_TRACE(testing::Message() << "batch_first " << batchFirst
                                      << (adam ? " adam" : " sgd"));
      RegressionData d(100, 4, /*withLengths=*/true);
      auto trainer = makeTrainer(regressionModel(batchFirst), 16);
      auto opt = adam ? makeAdam(kRegressionParams, 0.05f)
                      : makeSgd(kRegressionParams, 0.2f);
      float params[kRegressionParams] = {0, 0, 0, 0};
      float initial = 0;
      ASSERT_EQ(
          rnnrt_trainer_evaluate(trainer.get(), params, &d.data, &initial),
          RNNRT_OK)
          << rnnrt_last_error_message();
      float first = 0, last = 0;
      for (int e = 0; e < 60; ++e) {
        ASSERT_EQ(rnnrt_trainer_run_epoch(trainer.get(), opt.get(), params,
                                          &d.data, &last),
                  RNNRT_OK)
            << rnnrt_last_error_message();
        if (e == 0)
          first = last;
      }
      EXPECT_EQ(rnnrt_trainer_epoch(trainer.get()), 60);
      // 100 samples in batches of 16: 7 steps an epoch, the last of 4.
      EXPECT_EQ(rnnrt_optimizer_step_count(opt.get()), 60 * 7);
      float final = 0;
      ASSERT_EQ(rnnrt_trainer_evaluate(trainer.get(), params, &d.data, &final),
                RNNRT_OK);
      EXPECT_GT(initial, 0.5f);
      EXPECT_LT(last, first);
      EXPECT_LT(final, initial * 1e-3f);
      EXPECT_NEAR(params[0], 1.5f, 0.05f);
      EXPECT_NEAR(params[1], -2.0f, 0.05f);
      EXPECT_NEAR(params[3], 0.25f, 0.05f);
    }
  }
}

TEST(TrainerTest, EvaluateIsTheMeanLossAndChangesNothing) {
  RegressionData d(10, 2, false);
  auto trainer = makeTrainer(regressionModel(true, 2), 4);
  const float params[kRegressionParams] = {0.5f, 0.25f, -1.0f, 0.125f};
  float mean = 0;
  ASSERT_EQ(rnnrt_trainer_evaluate(trainer.get(), params, &d.data, &mean),
            RNNRT_OK);
  double expected = 0;
  for (int64_t i = 0; i < 10; ++i) {
    const float *row = &d.inputs[(i * 2 + 1) * kFeatures];
    double pred = params[3];
    for (int f = 0; f < kFeatures; ++f)
      pred += double(params[f]) * row[f];
    expected += (pred - d.targets[i]) * (pred - d.targets[i]);
  }
  EXPECT_NEAR(mean, expected / 10, 1e-5);
  EXPECT_EQ(rnnrt_trainer_epoch(trainer.get()), 0);
}

TEST(TrainerTest, SameSeedSameParamsOtherSeedOtherParams) {
  auto train = [](uint64_t seed) {
    RegressionData d(50, 3, true);
    auto trainer = makeTrainer(regressionModel(false), 8, 1, seed);
    auto opt = makeAdam(kRegressionParams, 0.01f);
    std::vector<float> params(kRegressionParams, 0.1f);
    for (int e = 0; e < 3; ++e)
      EXPECT_EQ(rnnrt_trainer_run_epoch(trainer.get(), opt.get(), params.data(),
                                        &d.data, nullptr),
                RNNRT_OK);
    return params;
  };
  std::vector<float> a = train(123), b = train(123), c = train(124);
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
  EXPECT_NE(a, c);
}

//===----------------------------------------------------------------------===//
// A model that records its arguments
//===----------------------------------------------------------------------===//

/// What one loss_and_grad call received.
struct Call {
  int64_t batch, seqLen;
  std::vector<unsigned char> input, target;
  std::vector<int64_t> lengths; // empty if NULL
  const void *inputPtr, *workspace;
};

/// Configuration and log of the recording model (tests run serially).
struct Recorder {
  int64_t inputRowBytes = 0;  // per step
  int64_t targetRowBytes = 0; // per sample, or per step
  bool targetPerStep = false;
  std::vector<Call> calls;
};
Recorder recorder;

int64_t recordingWorkspace(int64_t batch, int64_t seqLen) {
  return batch * seqLen * 16 + 8;
}

int32_t recordingLossAndGrad(const float *params, int64_t batch, int64_t seqLen,
                             const void *input, const int64_t *lengths,
                             const float *h0, const void *target, float *loss,
                             float *grads, float *inputGrad, float *h0Grad,
                             void *workspace) {
  (void)params;
  EXPECT_EQ(h0, nullptr);
  EXPECT_EQ(inputGrad, nullptr);
  EXPECT_EQ(h0Grad, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(workspace) % 16, 0u);
  // The whole workspace is writable (ASan checks the bound).
  std::memset(workspace, 0xAB,
              static_cast<size_t>(recordingWorkspace(batch, seqLen)));
  Call call;
  call.batch = batch;
  call.seqLen = seqLen;
  const auto *in = static_cast<const unsigned char *>(input);
  call.input.assign(in, in + batch * seqLen * recorder.inputRowBytes);
  const auto *tg = static_cast<const unsigned char *>(target);
  call.target.assign(tg, tg + batch * (recorder.targetPerStep ? seqLen : 1) *
                                  recorder.targetRowBytes);
  if (lengths)
    call.lengths.assign(lengths, lengths + batch);
  call.inputPtr = input;
  call.workspace = workspace;
  recorder.calls.push_back(std::move(call));
  *loss = 1.0f;
  grads[0] = 0.0f;
  return 0;
}

/// A recording model with float inputs (F features) and float targets.
rnnrt_model_t recordingModel(bool batchFirst, int64_t features,
                             int64_t targetFeatures, bool perStep) {
  rnnrt_model_t m = {};
  m.param_size = 1;
  m.batch_first = batchFirst;
  m.input_dtype = RNNRT_DTYPE_FLOAT32;
  m.input_features = features;
  m.target_dtype = RNNRT_DTYPE_FLOAT32;
  m.target_per_step = perStep;
  m.target_features = targetFeatures;
  m.loss_and_grad = recordingLossAndGrad;
  m.grad_workspace_size = recordingWorkspace;
  recorder = Recorder();
  recorder.inputRowBytes = features * 4;
  recorder.targetRowBytes = targetFeatures * 4;
  recorder.targetPerStep = perStep;
  return m;
}

/// Sample n's input at (t, f) encodes all three.
float inputCode(int64_t n, int64_t t, int64_t f) {
  return float(n * 1000 + t * 10 + f);
}
float targetCode(int64_t n, int64_t t, int64_t g) {
  return float(-(n * 1000 + t * 10 + g));
}

/// A dataset of `n` samples whose every value encodes its position.
struct CodedData {
  CodedData(int64_t n, int64_t t, int64_t f, int64_t g, bool perStep) {
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = 0; s < t; ++s)
        for (int64_t k = 0; k < f; ++k)
          inputs.push_back(inputCode(i, s, k));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t s = 0; s < (perStep ? t : 1); ++s)
        for (int64_t k = 0; k < g; ++k)
          targets.push_back(targetCode(i, s, k));
    for (int64_t i = 0; i < n; ++i)
      lengths.push_back(1 + (i * 7) % t);
    data = {n, t, inputs.data(), targets.data(), lengths.data()};
  }
  std::vector<float> inputs, targets;
  std::vector<int64_t> lengths;
  rnnrt_dataset_t data;
};

float at(const std::vector<unsigned char> &bytes, int64_t i) {
  float v;
  std::memcpy(&v, bytes.data() + i * 4, 4);
  return v;
}

/// The sample order a recorded epoch used (from each batch's t = 0, f = 0).
std::vector<int64_t> recordedOrder(bool batchFirst, int64_t t, int64_t f) {
  std::vector<int64_t> order;
  for (const Call &c : recorder.calls)
    for (int64_t b = 0; b < c.batch; ++b) {
      int64_t i = batchFirst ? b * t * f : b * f; // (b, 0, 0) / (0, b, 0)
      order.push_back(static_cast<int64_t>(at(c.input, i)) / 1000);
    }
  return order;
}

TEST(TrainerLayoutTest, GathersIntoEitherLayoutWithPartialLastBatch) {
  const int64_t n = 10, t = 3, f = 2, g = 2;
  for (bool batchFirst : {true, false}) {
    for (bool perStep : {false, true}) {
      SCOPED_TRACE(testing::Message()
                   << "batch_first " << batchFirst << " per_step " << perStep);
      auto trainer =
          makeTrainer(recordingModel(batchFirst, f, g, perStep), 4, 1, 99);
      auto opt = makeSgd(1, 0.1f);
      CodedData d(n, t, f, g, perStep);
      float param = 0.5f, mean = 0;
      ASSERT_EQ(rnnrt_trainer_run_epoch(trainer.get(), opt.get(), &param,
                                        &d.data, &mean),
                RNNRT_OK)
          << rnnrt_last_error_message();
      EXPECT_EQ(mean, 1.0f);
      EXPECT_EQ(param, 0.5f); // zero gradients
      ASSERT_EQ(recorder.calls.size(), 3u);
      EXPECT_EQ(recorder.calls[0].batch, 4);
      EXPECT_EQ(recorder.calls[1].batch, 4);
      EXPECT_EQ(recorder.calls[2].batch, 2); // drop_last=False
      std::vector<int64_t> order = recordedOrder(batchFirst, t, f);
      std::vector<int64_t> sorted = order;
      std::sort(sorted.begin(), sorted.end());
      std::vector<int64_t> all(n);
      std::iota(all.begin(), all.end(), 0);
      EXPECT_EQ(sorted, all); // each sample once
      EXPECT_NE(order, all);  // shuffled
      int64_t next = 0;
      for (const Call &c : recorder.calls) {
        EXPECT_EQ(c.seqLen, t);
        ASSERT_EQ(c.lengths.size(), size_t(c.batch));
        for (int64_t b = 0; b < c.batch; ++b, ++next) {
          const int64_t sample = order[next];
          EXPECT_EQ(c.lengths[b], d.lengths[sample]);
          for (int64_t s = 0; s < t; ++s)
            for (int64_t k = 0; k < f; ++k) {
              int64_t i =
                  batchFirst ? (b * t + s) * f + k : (s * c.batch + b) * f + k;
              ASSERT_EQ(at(c.input, i), inputCode(sample, s, k));
            }
          for (int64_t s = 0; s < (perStep ? t : 1); ++s)
            for (int64_t k = 0; k < g; ++k) {
              int64_t i = !perStep     ? b * g + k
                          : batchFirst ? (b * t + s) * g + k
                                       : (s * c.batch + b) * g + k;
              ASSERT_EQ(at(c.target, i), targetCode(sample, s, k));
            }
        }
      }
    }
  }
}

/// Token ids (int64 inputs) and class-index targets per step, time-major.
TEST(TrainerLayoutTest, TokenIdsAndClassIndices) {
  rnnrt_model_t m = recordingModel(false, 1, 1, true);
  m.input_dtype = RNNRT_DTYPE_INT64;
  m.target_dtype = RNNRT_DTYPE_INT64;
  recorder.inputRowBytes = 8;
  recorder.targetRowBytes = 8;
  const int64_t n = 5, t = 4;
  std::vector<int64_t> ids, classes;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t s = 0; s < t; ++s) {
      ids.push_back(i * 100 + s);
      classes.push_back(i * 10 + s);
    }
  rnnrt_dataset_t data = {n, t, ids.data(), classes.data(), nullptr};
  auto trainer = makeTrainer(m, 3, /*shuffle=*/0);
  auto opt = makeSgd(1, 0.1f);
  float param = 0;
  ASSERT_EQ(
      rnnrt_trainer_run_epoch(trainer.get(), opt.get(), &param, &data, nullptr),
      RNNRT_OK)
      << rnnrt_last_error_message();
  ASSERT_EQ(recorder.calls.size(), 2u);
  int64_t first = 0;
  for (const Call &c : recorder.calls) {
    EXPECT_TRUE(c.lengths.empty()); // NULL lengths stay NULL
    for (int64_t s = 0; s < t; ++s)
      for (int64_t b = 0; b < c.batch; ++b) {
        int64_t id, cls;
        std::memcpy(&id, c.input.data() + (s * c.batch + b) * 8, 8);
        std::memcpy(&cls, c.target.data() + (s * c.batch + b) * 8, 8);
        EXPECT_EQ(id, (first + b) * 100 + s); // unshuffled
        EXPECT_EQ(cls, (first + b) * 10 + s);
      }
    first += c.batch;
  }
}

TEST(TrainerLayoutTest, BuffersAreReusedAndGrowForLongerSequences) {
  auto trainer = makeTrainer(recordingModel(true, 2, 1, false), 4);
  auto opt = makeSgd(1, 0.1f);
  float param = 0;
  CodedData shortData(9, 3, 2, 1, false);
  for (int e = 0; e < 2; ++e)
    ASSERT_EQ(rnnrt_trainer_run_epoch(trainer.get(), opt.get(), &param,
                                      &shortData.data, nullptr),
              RNNRT_OK);
  ASSERT_EQ(recorder.calls.size(), 6u);
  for (const Call &c : recorder.calls) {
    EXPECT_EQ(c.inputPtr, recorder.calls[0].inputPtr);
    EXPECT_EQ(c.workspace, recorder.calls[0].workspace);
  }
  // A longer dynamic sequence grows the buffers (ASan checks the sizes).
  CodedData longData(9, 7, 2, 1, false);
  recorder.calls.clear();
  ASSERT_EQ(rnnrt_trainer_run_epoch(trainer.get(), opt.get(), &param,
                                    &longData.data, nullptr),
            RNNRT_OK);
  ASSERT_EQ(recorder.calls.size(), 3u);
  EXPECT_EQ(recorder.calls[0].seqLen, 7);
  std::vector<int64_t> order = recordedOrder(true, 7, 2);
  EXPECT_EQ(std::set<int64_t>(order.begin(), order.end()).size(), 9u);
}

TEST(TrainerLayoutTest, BatchLargerThanDataset) {
  auto trainer = makeTrainer(recordingModel(false, 1, 1, false), 64);
  auto opt = makeSgd(1, 0.1f);
  CodedData d(5, 2, 1, 1, false);
  float param = 0;
  ASSERT_EQ(rnnrt_trainer_run_epoch(trainer.get(), opt.get(), &param, &d.data,
                                    nullptr),
            RNNRT_OK);
  ASSERT_EQ(recorder.calls.size(), 1u);
  EXPECT_EQ(recorder.calls[0].batch, 5);
}

/// A batch_size far above the dataset's size allocates for the samples
/// there are: rnnrt_trainer_create sized the batch buffers by batch_size, so
/// 4000000000 aborted (or asked for 32 GB) for a 2-sample dataset. Buffers
/// grow when a larger dataset arrives.
TEST(TrainerLayoutTest, HugeBatchSizeOnATinyDataset) {
  for (int64_t batchSize : {int64_t(4000000000), INT64_MAX}) {
    for (int64_t seqLen : {int64_t(0), int64_t(3)}) {
      SCOPED_TRACE(testing::Message()
                   << "batch_size " << batchSize << " seq_len " << seqLen);
      rnnrt_model_t m = recordingModel(true, 2, 1, false);
      m.seq_len = seqLen;
      auto trainer = makeTrainer(m, batchSize);
      ASSERT_NE(trainer, nullptr);
      auto opt = makeSgd(1, 0.1f);
      float param = 0, mean = 0;
      CodedData tiny(2, 3, 2, 1, false);
      ASSERT_EQ(rnnrt_trainer_run_epoch(trainer.get(), opt.get(), &param,
                                        &tiny.data, &mean),
                RNNRT_OK)
          << rnnrt_last_error_message();
      ASSERT_EQ(recorder.calls.size(), 1u);
      EXPECT_EQ(recorder.calls[0].batch, 2);
      EXPECT_EQ(recorder.calls[0].lengths.size(), 2u);
      // A larger dataset grows the buffers (ASan checks the gathers).
      CodedData larger(9, 3, 2, 1, false);
      recorder.calls.clear();
      ASSERT_EQ(
          rnnrt_trainer_evaluate(trainer.get(), &param, &larger.data, &mean),
          RNNRT_OK)
          << rnnrt_last_error_message();
      ASSERT_EQ(recorder.calls.size(), 1u);
      EXPECT_EQ(recorder.calls[0].batch, 9);
      EXPECT_EQ(recorder.calls[0].lengths, larger.lengths);
    }
  }
}

//===----------------------------------------------------------------------===//
// Shuffling
//===----------------------------------------------------------------------===//

/// The documented shuffle, written independently of Train.cpp.
std::vector<int64_t> documentedOrder(uint64_t seed, uint64_t epoch, int64_t n) {
  auto mix = [](uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
  };
  std::mt19937_64 engine(mix(seed ^ mix(epoch)));
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  for (int64_t i = n - 1; i > 0; --i) {
    const unsigned __int128 range = static_cast<unsigned __int128>(i) + 1;
    const unsigned __int128 limit =
        (static_cast<unsigned __int128>(1) << 64) -
        (static_cast<unsigned __int128>(1) << 64) % range;
    uint64_t x;
    do
      x = engine();
    while (x >= limit);
    std::swap(order[i], order[static_cast<int64_t>(x % range)]);
  }
  return order;
}

TEST(TrainerShuffleTest, FollowsTheDocumentedAlgorithmPerEpoch) {
  const int64_t n = 23;
  auto trainer = makeTrainer(recordingModel(true, 1, 1, false), 5, 1, 42);
  auto opt = makeSgd(1, 0.1f);
  CodedData d(n, 1, 1, 1, false);
  float param = 0;
  std::vector<std::vector<int64_t>> orders;
  for (uint64_t e = 0; e < 3; ++e) {
    recorder.calls.clear();
    ASSERT_EQ(rnnrt_trainer_run_epoch(trainer.get(), opt.get(), &param, &d.data,
                                      nullptr),
              RNNRT_OK);
    orders.push_back(recordedOrder(true, 1, 1));
    EXPECT_EQ(orders.back(), documentedOrder(42, e, n)) << "epoch " << e;
  }
  EXPECT_NE(orders[0], orders[1]);
  EXPECT_NE(orders[1], orders[2]);
  // Resuming at epoch 1 repeats epoch 1's order.
  ASSERT_EQ(rnnrt_trainer_set_epoch(trainer.get(), 1), RNNRT_OK);
  recorder.calls.clear();
  ASSERT_EQ(rnnrt_trainer_run_epoch(trainer.get(), opt.get(), &param, &d.data,
                                    nullptr),
            RNNRT_OK);
  EXPECT_EQ(recordedOrder(true, 1, 1), orders[1]);
  EXPECT_EQ(rnnrt_trainer_epoch(trainer.get()), 2);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_trainer_set_epoch(trainer.get(), -1), "negative epoch");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_trainer_set_epoch(nullptr, 0),
                "trainer is NULL");
  EXPECT_EQ(rnnrt_trainer_epoch(nullptr), -1);
}

TEST(TrainerShuffleTest, OtherSeedOtherOrderNoShuffleInOrder) {
  CodedData d(30, 1, 1, 1, false);
  float param = 0;
  auto orderFor = [&](uint64_t seed, int32_t shuffle) {
    auto trainer =
        makeTrainer(recordingModel(true, 1, 1, false), 7, shuffle, seed);
    auto opt = makeSgd(1, 0.1f);
    EXPECT_EQ(rnnrt_trainer_run_epoch(trainer.get(), opt.get(), &param, &d.data,
                                      nullptr),
              RNNRT_OK);
    return recordedOrder(true, 1, 1);
  };
  std::vector<int64_t> a = orderFor(5, 1), b = orderFor(5, 1),
                       c = orderFor(6, 1), plain = orderFor(5, 0);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::vector<int64_t> all(30);
  std::iota(all.begin(), all.end(), 0);
  EXPECT_EQ(plain, all);
}

//===----------------------------------------------------------------------===//
// Loss weighting and clipping
//===----------------------------------------------------------------------===//

/// Loss: the mean of the batch's float targets; gradient: 100 everywhere.
int32_t constantGradLossAndGrad(const float *, int64_t batch, int64_t,
                                const void *, const int64_t *, const float *,
                                const void *target, float *loss, float *grads,
                                float *, float *, void *) {
  const float *y = static_cast<const float *>(target);
  float sum = 0;
  for (int64_t b = 0; b < batch; ++b)
    sum += y[b];
  *loss = sum / float(batch);
  for (int i = 0; i < 4; ++i)
    grads[i] = 100.0f;
  return 0;
}

rnnrt_model_t constantGradModel() {
  rnnrt_model_t m = {};
  m.param_size = 4;
  m.input_dtype = RNNRT_DTYPE_FLOAT32;
  m.input_features = 1;
  m.target_dtype = RNNRT_DTYPE_FLOAT32;
  m.target_features = 1;
  m.batch_first = 1;
  m.loss_and_grad = constantGradLossAndGrad;
  return m; // no workspace function
}

TEST(TrainerTest, MeanLossIsWeightedBySamples) {
  std::vector<float> inputs(10, 0.0f), targets(10);
  std::iota(targets.begin(), targets.end(), 1.0f); // 1..10
  rnnrt_dataset_t data = {10, 1, inputs.data(), targets.data(), nullptr};
  auto trainer = makeTrainer(constantGradModel(), 4, 0);
  auto opt = makeSgd(4, 0.0f);
  float params[4] = {}, mean = 0;
  ASSERT_EQ(
      rnnrt_trainer_run_epoch(trainer.get(), opt.get(), params, &data, &mean),
      RNNRT_OK);
  // Batches {1..4}, {5..8}, {9, 10}: (2.5 * 4 + 6.5 * 4 + 9.5 * 2) / 10, not
  // the mean of the batch means (6.17).
  EXPECT_FLOAT_EQ(mean, 5.5f);
  ASSERT_EQ(rnnrt_trainer_evaluate(trainer.get(), params, &data, &mean),
            RNNRT_OK);
  EXPECT_FLOAT_EQ(mean, 5.5f);
}

TEST(TrainerTest, ClipsBeforeEachStep) {
  std::vector<float> inputs(3, 0.0f), targets(3, 1.0f);
  rnnrt_dataset_t data = {3, 1, inputs.data(), targets.data(), nullptr};
  struct Case {
    float norm, value, expectedMove;
  } cases[] = {
      {0, 0, 100.0f},      // no clipping: each step moves by lr * 100
      {0, 0.1f, 0.1f},     // value clipping
      {1.0f, 0, 0.5f},     // total norm 1 over 4 equal elements
      {0.1f, 0.1f, 0.05f}, // value first (norm 0.2), then norm 0.1
  };
  for (const Case &c : cases) {
    rnnrt_trainer_options_t options;
    rnnrt_trainer_options_initialize(&options);
    options.batch_size = 3;
    options.clip_grad_norm = c.norm;
    options.clip_grad_value = c.value;
    rnnrt_model_t model = constantGradModel();
    rnnrt_trainer_t *raw = nullptr;
    ASSERT_EQ(rnnrt_trainer_create(&model, &options, &raw), RNNRT_OK);
    TrainerPtr trainer(raw);
    auto opt = makeSgd(4, 1.0f);
    float params[4] = {};
    ASSERT_EQ(rnnrt_trainer_run_epoch(trainer.get(), opt.get(), params, &data,
                                      nullptr),
              RNNRT_OK);
    for (float p : params)
      EXPECT_NEAR(p, -c.expectedMove, 1e-5 * c.expectedMove)
          << "norm " << c.norm << " value " << c.value;
  }
}

//===----------------------------------------------------------------------===//
// Failures
//===----------------------------------------------------------------------===//

/// The failing model's behaviour at its `failAt`-th call (0-based).
struct FailureMode {
  int calls = 0;
  int failAt = 0;
  float loss = 1.0f;
  float grad = 1.0f;
  int32_t code = 0;
};
FailureMode failure;

int32_t failingLossAndGrad(const float *, int64_t, int64_t, const void *,
                           const int64_t *, const float *, const void *,
                           float *loss, float *grads, float *, float *,
                           void *) {
  bool bad = failure.calls++ == failure.failAt;
  *loss = bad ? failure.loss : 1.0f;
  grads[0] = 1.0f;
  grads[1] = bad ? failure.grad : 1.0f;
  return bad ? failure.code : 0;
}

rnnrt_model_t failingModel() {
  rnnrt_model_t m = constantGradModel();
  m.param_size = 2;
  m.loss_and_grad = failingLossAndGrad;
  return m;
}

TEST(TrainerFailureTest, NonFiniteLossOrGradientStopsTheEpoch) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> inputs(10, 0.0f), targets(10, 0.0f);
  rnnrt_dataset_t data = {10, 1, inputs.data(), targets.data(), nullptr};
  struct Case {
    float loss, grad;
    const char *message;
  } cases[] = {
      {nan, 1.0f, "non-finite loss at epoch 0, batch 2"},
      {inf, 1.0f, "non-finite loss at epoch 0, batch 2"},
      {1.0f, -inf, "non-finite gradient (element 1) at epoch 0, batch 2"},
      {1.0f, nan, "non-finite gradient (element 1) at epoch 0, batch 2"},
  };
  for (const Case &c : cases) {
    failure = FailureMode();
    failure.failAt = 2;
    failure.loss = c.loss;
    failure.grad = c.grad;
    auto trainer = makeTrainer(failingModel(), 3, 0);
    auto opt = makeSgd(2, 1.0f);
    float params[2] = {10.0f, 10.0f};
    float mean = -7.0f;
    EXPECT_STATUS(
        RNNRT_FAILED_PRECONDITION,
        rnnrt_trainer_run_epoch(trainer.get(), opt.get(), params, &data, &mean),
        c.message);
    // Batches 0 and 1 stepped; batch 2 changed nothing; batch 3 never ran.
    EXPECT_EQ(params[0], 8.0f);
    EXPECT_EQ(params[1], 8.0f);
    EXPECT_EQ(failure.calls, 3);
    EXPECT_EQ(mean, -7.0f);
    EXPECT_EQ(rnnrt_optimizer_step_count(opt.get()), 2);
    EXPECT_EQ(rnnrt_trainer_epoch(trainer.get()), 1);
  }
  // Evaluation reports the non-finite mean instead.
  failure = FailureMode();
  failure.failAt = 1;
  failure.loss = nan;
  auto trainer = makeTrainer(failingModel(), 3, 0);
  float params[2] = {0, 0}, mean = 0;
  ASSERT_EQ(rnnrt_trainer_evaluate(trainer.get(), params, &data, &mean),
            RNNRT_OK);
  EXPECT_TRUE(std::isnan(mean));
}

TEST(TrainerFailureTest, ModelStatusIsReported) {
  std::vector<float> inputs(4, 0.0f), targets(4, 0.0f);
  rnnrt_dataset_t data = {4, 1, inputs.data(), targets.data(), nullptr};
  struct Case {
    int32_t code;
    rnnrt_status_t status;
    const char *message;
  } cases[] = {
      {RNNRT_OUT_OF_RANGE, RNNRT_OUT_OF_RANGE,
       "model loss_and_grad failed with OUT_OF_RANGE (11) at epoch 0, batch 1"},
      {42, RNNRT_UNKNOWN, "failed with UNKNOWN (42)"},
      {-1, RNNRT_UNKNOWN, "failed with UNKNOWN (-1)"},
  };
  for (const Case &c : cases) {
    failure = FailureMode();
    failure.failAt = 1;
    failure.code = c.code;
    auto trainer = makeTrainer(failingModel(), 2, 0);
    auto opt = makeSgd(2, 1.0f);
    float params[2] = {0, 0};
    EXPECT_STATUS(c.status,
                  rnnrt_trainer_run_epoch(trainer.get(), opt.get(), params,
                                          &data, nullptr),
                  c.message);
    EXPECT_EQ(params[0], -1.0f); // one step
  }
}

TEST(TrainerErrorTest, CreateRejectsBadModelsAndOptions) {
  rnnrt_trainer_t *t = reinterpret_cast<rnnrt_trainer_t *>(1);
  const rnnrt_model_t good = regressionModel(true);
  rnnrt_model_t m = good;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_trainer_create(&m, nullptr, nullptr),
                "out_trainer is NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_trainer_create(nullptr, nullptr, &t), "model is NULL");
  EXPECT_EQ(t, nullptr);
  m.param_size = 0;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_trainer_create(&m, nullptr, &t),
                "param_size 0");
  m = good;
  m.seq_len = -2;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_trainer_create(&m, nullptr, &t),
                "seq_len -2");
  m = good;
  m.loss_and_grad = nullptr;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_trainer_create(&m, nullptr, &t),
                "loss_and_grad is NULL");
  m = good;
  m.input_dtype = RNNRT_DTYPE_INT32;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_trainer_create(&m, nullptr, &t),
                "int32 token ids but input_features is 3");
  m = good;
  std::memset(&m.input_dtype, 7, 1);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_trainer_create(&m, nullptr, &t),
                "unknown input dtype 7");
  m = good;
  m.target_dtype = RNNRT_DTYPE_INT32;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_trainer_create(&m, nullptr, &t),
                "expected float32 or int64");
  m = good;
  m.target_dtype = RNNRT_DTYPE_INT64;
  m.target_features = 3;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_trainer_create(&m, nullptr, &t),
                "class indices but target_features is 3");
  m = good;
  m.input_features = 0;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_trainer_create(&m, nullptr, &t),
                "input_features 0");
  m = good;
  m.seq_len = 4;
  m.grad_workspace_size = [](int64_t, int64_t) -> int64_t { return -1; };
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_trainer_create(&m, nullptr, &t),
                "grad_workspace_size(1, 4) returned -1");
  EXPECT_EQ(t, nullptr);

  rnnrt_trainer_options_t o;
  rnnrt_trainer_options_initialize(&o);
  o.batch_size = 0;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_trainer_create(&good, &o, &t),
                "batch_size 0");
  rnnrt_trainer_options_initialize(&o);
  o.clip_grad_norm = -1.0f;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_trainer_create(&good, &o, &t),
                "invalid clip_grad_norm -1");
  rnnrt_trainer_options_initialize(&o);
  o.clip_grad_value = std::numeric_limits<float>::quiet_NaN();
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_trainer_create(&good, &o, &t),
                "invalid clip_grad_value");
  EXPECT_EQ(t, nullptr);
  rnnrt_trainer_destroy(nullptr);
}

/// Sizes no allocation can hold are RESOURCE_EXHAUSTED, not an exception
/// (std::length_error used to come out as INTERNAL).
TEST(TrainerErrorTest, SizeNoBufferCanHoldIsResourceExhausted) {
  rnnrt_model_t m = regressionModel(true);
  m.param_size = INT64_MAX;
  rnnrt_trainer_t *t = reinterpret_cast<rnnrt_trainer_t *>(1);
  EXPECT_STATUS(RNNRT_RESOURCE_EXHAUSTED, rnnrt_trainer_create(&m, nullptr, &t),
                "rnnrt_trainer_create: out of memory");
  EXPECT_EQ(t, nullptr);
}

/// A workspace that cannot be allocated (std::bad_alloc) is a status.
TEST(TrainerErrorTest, FailedAllocationIsResourceExhausted) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer aborts on a failed operator new";
#else
  rnnrt_model_t m = regressionModel(true);
  m.grad_workspace_size = [](int64_t, int64_t) -> int64_t {
    return int64_t(1) << 62;
  };
  auto trainer = makeTrainer(m, 4);
  auto opt = makeSgd(kRegressionParams, 0.1f);
  RegressionData d(6, 4, false);
  float params[kRegressionParams] = {};
  EXPECT_STATUS(RNNRT_RESOURCE_EXHAUSTED,
                rnnrt_trainer_run_epoch(trainer.get(), opt.get(), params,
                                        &d.data, nullptr),
                "rnnrt_trainer_run_epoch: out of memory");
#endif
}

/// A dataset whose byte size overflows int64 is refused before anything is
/// sized by it.
TEST(TrainerErrorTest, DatasetSizeOverflow) {
  auto trainer = makeTrainer(regressionModel(true), 4);
  auto opt = makeSgd(kRegressionParams, 0.1f);
  float params[kRegressionParams] = {};
  float dummy[4] = {};
  rnnrt_dataset_t huge = {INT64_MAX / 2, 4, dummy, dummy, nullptr};
  EXPECT_STATUS(
      RNNRT_INVALID_ARGUMENT,
      rnnrt_trainer_run_epoch(trainer.get(), opt.get(), params, &huge, nullptr),
      "a dataset of 4611686018427387903 sequences of length 4 overflows");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_trainer_evaluate(trainer.get(), params, &huge, nullptr),
                "overflows");
}

TEST(TrainerErrorTest, RunEpochRejectsBadArguments) {
  RegressionData d(6, 4, true);
  auto trainer = makeTrainer(regressionModel(true, 4), 4);
  auto opt = makeSgd(kRegressionParams, 0.1f);
  auto wrongOpt = makeSgd(3, 0.1f);
  float params[kRegressionParams] = {};
  EXPECT_STATUS(
      RNNRT_INVALID_ARGUMENT,
      rnnrt_trainer_run_epoch(nullptr, opt.get(), params, &d.data, nullptr),
      "trainer is NULL");
  EXPECT_STATUS(
      RNNRT_INVALID_ARGUMENT,
      rnnrt_trainer_run_epoch(trainer.get(), nullptr, params, &d.data, nullptr),
      "optimizer is NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_trainer_run_epoch(trainer.get(), opt.get(), nullptr,
                                        &d.data, nullptr),
                "params is NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_trainer_run_epoch(trainer.get(), wrongOpt.get(), params,
                                        &d.data, nullptr),
                "the optimizer is for 3 parameters but the model has 4");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_trainer_run_epoch(trainer.get(), opt.get(), params,
                                        nullptr, nullptr),
                "data is NULL");
  rnnrt_dataset_t bad = d.data;
  bad.seq_len = 3;
  EXPECT_STATUS(
      RNNRT_INVALID_ARGUMENT,
      rnnrt_trainer_run_epoch(trainer.get(), opt.get(), params, &bad, nullptr),
      "dataset seq_len 3 does not match the model's 4");
  bad = d.data;
  bad.num_samples = 0;
  EXPECT_STATUS(
      RNNRT_INVALID_ARGUMENT,
      rnnrt_trainer_run_epoch(trainer.get(), opt.get(), params, &bad, nullptr),
      "num_samples 0");
  bad = d.data;
  bad.inputs = nullptr;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_trainer_evaluate(trainer.get(), params, &bad, nullptr),
                "inputs is NULL");
  bad = d.data;
  bad.targets = nullptr;
  EXPECT_STATUS(
      RNNRT_INVALID_ARGUMENT,
      rnnrt_trainer_run_epoch(trainer.get(), opt.get(), params, &bad, nullptr),
      "targets is NULL");
  EXPECT_EQ(rnnrt_trainer_epoch(trainer.get()), 0);
  d.lengths[3] = 5;
  EXPECT_STATUS(RNNRT_OUT_OF_RANGE,
                rnnrt_trainer_run_epoch(trainer.get(), opt.get(), params,
                                        &d.data, nullptr),
                "lengths[3] = 5 is outside [1, 4]");
  d.lengths[3] = 0;
  EXPECT_STATUS(RNNRT_OUT_OF_RANGE,
                rnnrt_trainer_evaluate(trainer.get(), params, &d.data, nullptr),
                "lengths[3] = 0");
  for (float p : params)
    EXPECT_EQ(p, 0.0f);
  EXPECT_EQ(rnnrt_trainer_epoch(trainer.get()), 0);
  EXPECT_EQ(rnnrt_optimizer_step_count(opt.get()), 0);
}

} // namespace

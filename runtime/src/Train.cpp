//===- Train.cpp - Mini-batch training loop -------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements rnnrt_trainer_t: shuffling with a platform-independent
// generator, gathering sample-major data into the model's layout, and the
// loss / check / clip / step sequence of each mini-batch. The batch buffers
// are sized before the first batch of a pass, for min(batch_size, samples)
// samples since the dataset is only known then; they only grow, so once a
// dataset has been seen no batch or step allocates, and a batch_size far
// above the dataset's size (4000000000 for 2 samples) costs nothing.
//
//===----------------------------------------------------------------------===//

#include "rnnrt/train.h"
#include "Support.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <new>
#include <random>
#include <vector>

using namespace rnnrt;

/// Alignment of the batch buffers and the workspace (the ABI needs 16).
static constexpr size_t kAlign = 64;

namespace {
/// Frees storage from aligned operator new.
struct AlignedDelete {
  void operator()(unsigned char *p) const {
    ::operator delete(p, std::align_val_t(kAlign));
  }
};

/// A byte buffer that only grows.
class Buffer {
public:
  /// Makes room for `bytes` bytes (contents are not kept).
  void reserve(int64_t bytes) {
    if (bytes <= capacity)
      return;
    data.reset(static_cast<unsigned char *>(
        ::operator new(static_cast<size_t>(bytes), std::align_val_t(kAlign))));
    capacity = bytes;
  }
  unsigned char *get() const { return data.get(); }

private:
  std::unique_ptr<unsigned char[], AlignedDelete> data;
  int64_t capacity = 0;
};
} // namespace

struct rnnrt_trainer_t {
  rnnrt_model_t model = {};
  rnnrt_trainer_options_t options = {};
  int64_t epoch = 0;
  std::vector<float> grads;
  std::vector<int64_t> lengths;
  /// The sample order of the current pass.
  std::vector<int64_t> order;
  Buffer input, target, workspace;
};

/// SplitMix64's finalizer, as in Params.cpp.
static uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// A uniform integer in [0, n) from raw engine outputs: accepts
/// x < 2^64 - (2^64 mod n), a multiple of n, and returns x mod n.
static uint64_t uniformBelow(std::mt19937_64 &engine, uint64_t n) {
  const uint64_t rest = (0 - n) % n; // 2^64 mod n
  const uint64_t last = std::numeric_limits<uint64_t>::max() - rest;
  for (;;) {
    uint64_t x = engine();
    if (x <= last)
      return x % n;
  }
}

/// Element size of an input or target dtype (0 if unknown).
static int64_t elementSize(rnnrt_dtype_t dtype) {
  return rnnrt_dtype_size(dtype);
}

/// The status a model returned as an rnnrt_status_t (RNNRT_UNKNOWN for a
/// value that is not one).
static rnnrt_status_t modelStatus(int32_t code) {
  switch (code) {
  case RNNRT_CANCELLED:
  case RNNRT_UNKNOWN:
  case RNNRT_INVALID_ARGUMENT:
  case RNNRT_NOT_FOUND:
  case RNNRT_RESOURCE_EXHAUSTED:
  case RNNRT_FAILED_PRECONDITION:
  case RNNRT_OUT_OF_RANGE:
  case RNNRT_UNIMPLEMENTED:
  case RNNRT_INTERNAL:
  case RNNRT_DATA_LOSS:
    return static_cast<rnnrt_status_t>(code);
  default:
    return RNNRT_UNKNOWN;
  }
}

/// Checks a model descriptor.
static rnnrt_status_t validateModel(const char *what,
                                    const rnnrt_model_t &model) {
  if (model.param_size < 1)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: model param_size {} is not >= 1",
                what, model.param_size);
  if (model.seq_len < 0)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: model seq_len {} is negative",
                what, model.seq_len);
  int64_t inputDtype = enumValue(model.input_dtype);
  if (inputDtype != RNNRT_DTYPE_FLOAT32 && inputDtype != RNNRT_DTYPE_INT64 &&
      inputDtype != RNNRT_DTYPE_INT32)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: model has unknown input dtype {}",
                what, inputDtype);
  if (model.input_features < 1)
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: model input_features {} is not >= 1", what,
                model.input_features);
  if (inputDtype != RNNRT_DTYPE_FLOAT32 && model.input_features != 1)
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: model takes {} token ids but input_features is {}, "
                "expected 1",
                what, rnnrt_dtype_name(model.input_dtype),
                model.input_features);
  int64_t targetDtype = enumValue(model.target_dtype);
  if (targetDtype != RNNRT_DTYPE_FLOAT32 && targetDtype != RNNRT_DTYPE_INT64)
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: model has target dtype {}, expected float32 or int64",
                what, targetDtype);
  if (model.target_features < 1)
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: model target_features {} is not >= 1", what,
                model.target_features);
  if (targetDtype == RNNRT_DTYPE_INT64 && model.target_features != 1)
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: model takes class indices but target_features is {}, "
                "expected 1",
                what, model.target_features);
  if (!model.loss_and_grad)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: model loss_and_grad is NULL",
                what);
  return RNNRT_OK;
}

/// The model's workspace size for a batch, checked to be >= 0.
static rnnrt_status_t workspaceSize(const char *what,
                                    const rnnrt_model_t &model, int64_t batch,
                                    int64_t seqLen, int64_t &bytes) {
  bytes = 0;
  if (!model.grad_workspace_size)
    return RNNRT_OK;
  bytes = model.grad_workspace_size(batch, seqLen);
  if (bytes < 0)
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: model grad_workspace_size({}, {}) returned {}", what,
                batch, seqLen, bytes);
  return RNNRT_OK;
}

/// Makes the batch buffers, lengths and workspace big enough for `batch`
/// samples of `seqLen` steps.
static rnnrt_status_t reserveBatch(const char *what, rnnrt_trainer_t &trainer,
                                   int64_t batch, int64_t seqLen) {
  const rnnrt_model_t &model = trainer.model;
  int64_t inputBytes, targetBytes;
  bool ok = checkedMul(batch, seqLen, inputBytes) &&
            checkedMul(inputBytes, model.input_features, inputBytes) &&
            checkedMul(inputBytes, elementSize(model.input_dtype), inputBytes);
  ok = ok &&
       checkedMul(batch, model.target_per_step ? seqLen : 1, targetBytes) &&
       checkedMul(targetBytes, model.target_features, targetBytes) &&
       checkedMul(targetBytes, elementSize(model.target_dtype), targetBytes);
  if (!ok)
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: a batch of {} sequences of length {} overflows int64",
                what, batch, seqLen);
  int64_t workspaceBytes;
  if (rnnrt_status_t status =
          workspaceSize(what, model, batch, seqLen, workspaceBytes))
    return status;
  trainer.input.reserve(inputBytes);
  trainer.target.reserve(targetBytes);
  trainer.workspace.reserve(workspaceBytes);
  if (static_cast<int64_t>(trainer.lengths.size()) < batch)
    trainer.lengths.resize(static_cast<size_t>(batch));
  return RNNRT_OK;
}

/// Copies the samples `indices[0..batch)` of `data` into the trainer's batch
/// buffers in the model's layout.
static void gather(rnnrt_trainer_t &trainer, const rnnrt_dataset_t &data,
                   const int64_t *indices, int64_t batch) {
  const rnnrt_model_t &model = trainer.model;
  const int64_t seqLen = data.seq_len;
  // One tensor with a time dimension: (N, T, row) to (B, T, row) or
  // (T, B, row).
  auto gatherSteps = [&](unsigned char *dst, const void *source,
                         int64_t rowBytes) {
    const auto *src = static_cast<const unsigned char *>(source);
    const int64_t sampleBytes = seqLen * rowBytes;
    if (model.batch_first) {
      for (int64_t b = 0; b < batch; ++b)
        std::memcpy(dst + b * sampleBytes, src + indices[b] * sampleBytes,
                    static_cast<size_t>(sampleBytes));
      return;
    }
    for (int64_t t = 0; t < seqLen; ++t)
      for (int64_t b = 0; b < batch; ++b)
        std::memcpy(dst + (t * batch + b) * rowBytes,
                    src + indices[b] * sampleBytes + t * rowBytes,
                    static_cast<size_t>(rowBytes));
  };
  gatherSteps(trainer.input.get(), data.inputs,
              model.input_features * elementSize(model.input_dtype));
  const int64_t targetRow =
      model.target_features * elementSize(model.target_dtype);
  if (model.target_per_step) {
    gatherSteps(trainer.target.get(), data.targets, targetRow);
  } else {
    const auto *src = static_cast<const unsigned char *>(data.targets);
    for (int64_t b = 0; b < batch; ++b)
      std::memcpy(trainer.target.get() + b * targetRow,
                  src + indices[b] * targetRow, static_cast<size_t>(targetRow));
  }
  if (data.lengths)
    for (int64_t b = 0; b < batch; ++b)
      trainer.lengths[b] = data.lengths[indices[b]];
}

/// Checks `data` against the model and sizes every buffer for a pass over it.
static rnnrt_status_t preparePass(const char *what, rnnrt_trainer_t &trainer,
                                  const rnnrt_dataset_t *data) {
  if (!data)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: data is NULL", what);
  if (data->num_samples < 1)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: num_samples {} is not >= 1", what,
                data->num_samples);
  if (data->seq_len < 1)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: seq_len {} is not >= 1", what,
                data->seq_len);
  if (trainer.model.seq_len != 0 && data->seq_len != trainer.model.seq_len)
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: dataset seq_len {} does not match the model's {}", what,
                data->seq_len, trainer.model.seq_len);
  if (!data->inputs)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: data inputs is NULL", what);
  if (!data->targets)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: data targets is NULL", what);
  // The gathers index the caller's buffers with byte offsets up to these
  // sizes: a dataset whose size overflows cannot exist.
  const rnnrt_model_t &model = trainer.model;
  int64_t inputBytes, targetBytes;
  bool ok =
      checkedMul(data->num_samples, data->seq_len, inputBytes) &&
      checkedMul(inputBytes, model.input_features, inputBytes) &&
      checkedMul(inputBytes, elementSize(model.input_dtype), inputBytes) &&
      checkedMul(data->num_samples, model.target_per_step ? data->seq_len : 1,
                 targetBytes) &&
      checkedMul(targetBytes, model.target_features, targetBytes) &&
      checkedMul(targetBytes, elementSize(model.target_dtype), targetBytes);
  if (!ok)
    return fail(RNNRT_INVALID_ARGUMENT,
                "{}: a dataset of {} sequences of length {} overflows int64 "
                "bytes",
                what, data->num_samples, data->seq_len);
  if (data->lengths)
    for (int64_t n = 0; n < data->num_samples; ++n)
      if (data->lengths[n] < 1 || data->lengths[n] > data->seq_len)
        return fail(RNNRT_OUT_OF_RANGE,
                    "{}: lengths[{}] = {} is outside [1, {}]", what, n,
                    data->lengths[n], data->seq_len);
  const int64_t n = data->num_samples;
  const int64_t batchSize = trainer.options.batch_size;
  if (rnnrt_status_t status =
          reserveBatch(what, trainer, std::min(batchSize, n), data->seq_len))
    return status;
  if (n > batchSize && n % batchSize != 0)
    if (rnnrt_status_t status =
            reserveBatch(what, trainer, n % batchSize, data->seq_len))
      return status;
  trainer.order.resize(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    trainer.order[i] = i;
  return RNNRT_OK;
}

/// One pass over `data` in the trainer's order; steps `optimizer` after each
/// batch unless it is NULL (evaluation). `epoch` only labels messages.
static rnnrt_status_t runPass(const char *what, rnnrt_trainer_t &trainer,
                              rnnrt_optimizer_t *optimizer, const float *params,
                              float *mutableParams, const rnnrt_dataset_t &data,
                              int64_t epoch, double &outMeanLoss) {
  const rnnrt_model_t &model = trainer.model;
  const rnnrt_trainer_options_t &options = trainer.options;
  const int64_t n = data.num_samples;
  float *grads = trainer.grads.data();
  double lossSum = 0.0;
  for (int64_t start = 0, b = 0; start < n; start += options.batch_size, ++b) {
    const int64_t batch = std::min(options.batch_size, n - start);
    gather(trainer, data, trainer.order.data() + start, batch);
    float loss = std::numeric_limits<float>::quiet_NaN();
    int32_t code =
        model.loss_and_grad(params, batch, data.seq_len, trainer.input.get(),
                            data.lengths ? trainer.lengths.data() : nullptr,
                            nullptr, trainer.target.get(), &loss, grads,
                            nullptr, nullptr, trainer.workspace.get());
    if (code != 0) {
      rnnrt_status_t status = modelStatus(code);
      return fail(status,
                  "{}: model loss_and_grad failed with {} ({}) at epoch {}, "
                  "batch {}",
                  what, rnnrt_status_string(status), code, epoch, b);
    }
    if (optimizer) {
      if (!std::isfinite(loss))
        return fail(RNNRT_FAILED_PRECONDITION,
                    "{}: non-finite loss at epoch {}, batch {} (loss {})", what,
                    epoch, b, loss);
      for (int64_t i = 0; i < model.param_size; ++i)
        if (!std::isfinite(grads[i]))
          return fail(RNNRT_FAILED_PRECONDITION,
                      "{}: non-finite gradient (element {}) at epoch {}, batch "
                      "{} (value {})",
                      what, i, epoch, b, grads[i]);
      if (options.clip_grad_value > 0)
        if (rnnrt_status_t status = rnnrt_clip_grad_value(
                grads, model.param_size, options.clip_grad_value))
          return status;
      if (options.clip_grad_norm > 0)
        if (rnnrt_status_t status = rnnrt_clip_grad_norm(
                grads, model.param_size, options.clip_grad_norm, 2.0f, nullptr))
          return fail(status, "{}: at epoch {}, batch {}: {}", what, epoch, b,
                      std::string(rnnrt_last_error_message()));
      if (rnnrt_status_t status = rnnrt_optimizer_step(optimizer, mutableParams,
                                                       grads, model.param_size))
        return fail(status, "{}: at epoch {}, batch {}: {}", what, epoch, b,
                    std::string(rnnrt_last_error_message()));
    }
    lossSum += static_cast<double>(loss) * static_cast<double>(batch);
  }
  outMeanLoss = lossSum / static_cast<double>(n);
  return RNNRT_OK;
}

//===----------------------------------------------------------------------===//
// C API
//===----------------------------------------------------------------------===//

void rnnrt_trainer_options_initialize(rnnrt_trainer_options_t *out) {
  if (!out)
    return;
  *out = {};
  out->batch_size = 32;
  out->shuffle = 1;
  out->seed = 0;
}

rnnrt_status_t rnnrt_trainer_create(const rnnrt_model_t *model,
                                    const rnnrt_trainer_options_t *options,
                                    rnnrt_trainer_t **out_trainer) {
  static const char *what = "rnnrt_trainer_create";
  return guard(what, [&] {
    if (!out_trainer)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: out_trainer is NULL", what);
    *out_trainer = nullptr;
    if (!model)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: model is NULL", what);
    if (rnnrt_status_t status = validateModel(what, *model))
      return status;
    rnnrt_trainer_options_t o;
    rnnrt_trainer_options_initialize(&o);
    if (options)
      o = *options;
    if (o.batch_size < 1)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: batch_size {} is not >= 1", what,
                  o.batch_size);
    if (!(o.clip_grad_norm >= 0))
      return fail(RNNRT_INVALID_ARGUMENT,
                  "{}: invalid clip_grad_norm {}, expected >= 0", what,
                  o.clip_grad_norm);
    if (!(o.clip_grad_value >= 0))
      return fail(RNNRT_INVALID_ARGUMENT,
                  "{}: invalid clip_grad_value {}, expected >= 0", what,
                  o.clip_grad_value);
    // With a fixed T the workspace function can be checked now, for one
    // sample; the buffers wait for a dataset, whose size may be far below
    // batch_size.
    int64_t ignored;
    if (model->seq_len > 0)
      if (rnnrt_status_t status =
              workspaceSize(what, *model, 1, model->seq_len, ignored))
        return status;
    auto trainer = std::make_unique<rnnrt_trainer_t>();
    trainer->model = *model;
    trainer->options = o;
    trainer->grads.assign(static_cast<size_t>(model->param_size), 0.0f);
    *out_trainer = trainer.release();
    return RNNRT_OK;
  });
}

void rnnrt_trainer_destroy(rnnrt_trainer_t *trainer) { delete trainer; }

rnnrt_status_t rnnrt_trainer_run_epoch(rnnrt_trainer_t *trainer,
                                       rnnrt_optimizer_t *optimizer,
                                       float *params,
                                       const rnnrt_dataset_t *data,
                                       float *out_mean_loss) {
  static const char *what = "rnnrt_trainer_run_epoch";
  return guard(what, [&] {
    if (!trainer)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: trainer is NULL", what);
    if (!optimizer)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: optimizer is NULL", what);
    if (!params)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: params is NULL", what);
    if (rnnrt_optimizer_param_size(optimizer) != trainer->model.param_size)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "{}: the optimizer is for {} parameters but the model has {}",
                  what, rnnrt_optimizer_param_size(optimizer),
                  trainer->model.param_size);
    if (rnnrt_status_t status = preparePass(what, *trainer, data))
      return status;
    const int64_t epoch = trainer->epoch++;
    if (trainer->options.shuffle) {
      std::mt19937_64 engine(
          mix64(trainer->options.seed ^ mix64(static_cast<uint64_t>(epoch))));
      for (int64_t i = data->num_samples - 1; i > 0; --i) {
        auto j = static_cast<int64_t>(
            uniformBelow(engine, static_cast<uint64_t>(i) + 1));
        std::swap(trainer->order[i], trainer->order[j]);
      }
    }
    double mean;
    if (rnnrt_status_t status = runPass(what, *trainer, optimizer, params,
                                        params, *data, epoch, mean))
      return status;
    if (out_mean_loss)
      *out_mean_loss = static_cast<float>(mean);
    return RNNRT_OK;
  });
}

rnnrt_status_t rnnrt_trainer_evaluate(rnnrt_trainer_t *trainer,
                                      const float *params,
                                      const rnnrt_dataset_t *data,
                                      float *out_mean_loss) {
  static const char *what = "rnnrt_trainer_evaluate";
  return guard(what, [&] {
    if (!trainer)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: trainer is NULL", what);
    if (!params)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: params is NULL", what);
    if (rnnrt_status_t status = preparePass(what, *trainer, data))
      return status;
    double mean;
    if (rnnrt_status_t status = runPass(what, *trainer, nullptr, params,
                                        nullptr, *data, trainer->epoch, mean))
      return status;
    if (out_mean_loss)
      *out_mean_loss = static_cast<float>(mean);
    return RNNRT_OK;
  });
}

int64_t rnnrt_trainer_epoch(const rnnrt_trainer_t *trainer) {
  return trainer ? trainer->epoch : -1;
}

rnnrt_status_t rnnrt_trainer_set_epoch(rnnrt_trainer_t *trainer,
                                       int64_t epoch) {
  static const char *what = "rnnrt_trainer_set_epoch";
  return guard(what, [&] {
    if (!trainer)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: trainer is NULL", what);
    if (epoch < 0)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: negative epoch {}", what, epoch);
    trainer->epoch = epoch;
    return RNNRT_OK;
  });
}

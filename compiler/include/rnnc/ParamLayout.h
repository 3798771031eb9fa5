//===- ParamLayout.h - Flat parameter buffer layout -------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares the layout of a model's parameters in one flat float
// buffer: names, shapes and order follow the equivalent PyTorch module's
// state_dict(), and each tensor carries PyTorch's default initialization.
// MLIRGen (views into the buffer, the exported table) and the header emitter
// both derive from this one description.
//
//===----------------------------------------------------------------------===//

#ifndef RNNC_PARAMLAYOUT_H
#define RNNC_PARAMLAYOUT_H

#include "rnnc/AST.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rnnc {

/// PyTorch's default initializer of a tensor. Values match the C enum
/// `RNNC_INIT_*` of the generated header and runtime.
enum class ParamInit : int32_t {
  /// U(-scale, scale): nn.RNN weights and biases (scale = 1/sqrt(hidden)),
  /// nn.Linear (kaiming_uniform with a=sqrt(5), i.e. 1/sqrt(fan_in)).
  Uniform = 0,
  /// N(0, scale^2): nn.Embedding.
  Normal = 1,
};

/// What a parameter is, so MLIRGen can find the tensors it needs.
enum class ParamRole {
  EmbeddingWeight,
  WeightIH,
  WeightHH,
  BiasIH,
  BiasHH,
  HeadWeight,
  HeadBias,
};

/// One tensor of the flat buffer.
struct ParamInfo {
  std::string name;
  ParamRole role;
  /// Layer and direction (0 forward, 1 reverse) for RNN tensors, else 0.
  int64_t layer = 0;
  int64_t direction = 0;
  std::vector<int64_t> shape;
  /// Offset in floats from the start of the buffer.
  int64_t offset = 0;
  int64_t numel = 0;
  ParamInit init = ParamInit::Uniform;
  float initScale = 0.0f;
};

/// All tensors of `spec` in state_dict order, with their offsets.
struct ParamLayout {
  std::vector<ParamInfo> params;
  /// Total number of floats.
  int64_t size = 0;

  static ParamLayout compute(const ModelSpec &spec);

  /// The tensor with `role` for `layer`/`direction`, or null if the model has
  /// none (a bias-free RNN, a model without a head, ...).
  const ParamInfo *find(ParamRole role, int64_t layer = 0,
                        int64_t direction = 0) const;

  /// The number of floats in the tensors for which `select` holds.
  int64_t numelOf(llvm::function_ref<bool(const ParamInfo &)> select) const;
};

/// Whether `info` is an RNN weight matrix (weight_ih or weight_hh).
bool isRnnWeightMatrix(const ParamInfo &info);

} // namespace rnnc

#endif // RNNC_PARAMLAYOUT_H

//===- AST.h - Model description parsed from a .rnn spec --------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares the in-memory form of a `.rnn` spec after parsing and
// semantic checks. Every field is resolved: defaults are filled in exactly as
// PyTorch fills them, and sizes that PyTorch would infer (rnn.input_size from
// the embedding, fc.in_features from the RNN) are set. Source locations are
// kept so MLIRGen can attach them to the ops it builds.
//
//===----------------------------------------------------------------------===//

#ifndef RNNC_AST_H
#define RNNC_AST_H

#include "mlir/IR/Location.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rnnc {

/// Element type of the model input.
enum class InputDType { Float32, Int64, Int32 };

/// Which RNN state the linear head reads.
enum class HeadKind {
  /// Many-to-one: the last layer's final hidden state (forward and reverse
  /// concatenated when bidirectional), as `fc(h_n[-1])` in the lesson.
  Last,
  /// Many-to-many: every time step of the RNN output, as `fc(output)`.
  All,
};

/// Loss used by the training entry points.
enum class LossKind { MSE, CrossEntropy };

/// How the loss reduces its terms (the losses' `reduction`).
enum class LossReduction { Mean, Sum };

/// `input(...)`: what the caller feeds the model.
struct InputSpec {
  /// Fixed sequence length, or std::nullopt when it is a run-time argument.
  std::optional<int64_t> seqLen;
  InputDType dtype = InputDType::Float32;
  mlir::LocationAttr loc;
};

/// `embedding = Embedding(num_embeddings=V, embedding_dim=E)`.
struct EmbeddingSpec {
  std::string name = "embedding";
  int64_t numEmbeddings = 0;
  int64_t embeddingDim = 0;
  mlir::LocationAttr loc;
};

/// `rnn = RNN(...)`, with nn.RNN's options and defaults.
struct RnnSpec {
  std::string name = "rnn";
  int64_t inputSize = 0;
  int64_t hiddenSize = 0;
  int64_t numLayers = 1;
  /// true: tanh (PyTorch's default), false: relu.
  bool tanh = true;
  bool bias = true;
  bool batchFirst = false;
  bool bidirectional = false;
  mlir::LocationAttr loc;

  int64_t numDirections() const { return bidirectional ? 2 : 1; }
};

/// `fc = Linear(out_features=N, on=last|all)`.
struct LinearSpec {
  std::string name = "fc";
  int64_t inFeatures = 0;
  int64_t outFeatures = 0;
  bool bias = true;
  HeadKind on = HeadKind::Last;
  mlir::LocationAttr loc;
};

/// `loss = MSELoss(reduction=...)` or
/// `loss = CrossEntropyLoss(ignore_index=..., reduction=...)`.
struct LossSpec {
  std::string name = "loss";
  LossKind kind = LossKind::MSE;
  LossReduction reduction = LossReduction::Mean;
  /// CrossEntropyLoss: targets equal to this are left out (PyTorch's
  /// default, -100, so that padding labelled -100 is ignored).
  int64_t ignoreIndex = -100;
  mlir::LocationAttr loc;
};

/// A whole model, checked and with every default resolved.
struct ModelSpec {
  /// C identifier used as the prefix of every generated symbol.
  std::string name;
  InputSpec input;
  std::optional<EmbeddingSpec> embedding;
  RnnSpec rnn;
  std::optional<LinearSpec> head;
  std::optional<LossSpec> loss;
  mlir::LocationAttr loc;
};

/// How `<model>_loss_and_grad` trades memory for time (docs/bptt.md),
/// chosen on the command line. At most one of the two windows is non-zero.
struct BpttStrategy {
  /// Detach the hidden state every `truncate` steps (0: full BPTT).
  int64_t truncate = 0;
  /// Keep the states only every `checkpoint` steps and recompute the steps
  /// in between during the backward sweep (0: store every state).
  int64_t checkpoint = 0;

  /// The length of the time segments the training pass is split into: the
  /// forward sweep keeps one checkpoint per segment and the backward sweep
  /// recomputes a segment at a time. 0 when every state is stored.
  int64_t segmentLength() const { return checkpoint ? checkpoint : truncate; }
};

} // namespace rnnc

#endif // RNNC_AST_H

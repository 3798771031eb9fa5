//===- RnnOps.cpp - rnn dialect ops ---------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the verifiers of the rnn dialect's ops. They check
// what the type constraints cannot: that the dimensions of the operands
// agree with each other wherever both are known statically.
//
//===----------------------------------------------------------------------===//

#include "rnn/RnnOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::rnn;

#include "rnn/RnnOpsEnums.cpp.inc"

//===----------------------------------------------------------------------===//
// Shape helpers
//===----------------------------------------------------------------------===//

/// Size of dimension `dim` of the memref `value`.
static int64_t dimSize(Value value, unsigned dim) {
  return cast<MemRefType>(value.getType()).getDimSize(dim);
}

/// Checks that dimension `dim` of `value` (described as `what`) is
/// `expected`; a dynamic size on either side is accepted.
static LogicalResult checkDim(Operation *op, Value value, StringRef what,
                              unsigned dim, int64_t expected) {
  int64_t actual = dimSize(value, dim);
  if (ShapedType::isDynamic(actual) || ShapedType::isDynamic(expected) ||
      actual == expected)
    return success();
  return op->emitOpError() << what << " dimension " << dim << " must be "
                           << expected << ", got " << actual;
}

/// Checks that dimension `dimA` of `a` and `dimB` of `b` agree where both
/// are static.
static LogicalResult checkSameDim(Operation *op, Value a, StringRef whatA,
                                  unsigned dimA, Value b, StringRef whatB,
                                  unsigned dimB) {
  int64_t sizeA = dimSize(a, dimA), sizeB = dimSize(b, dimB);
  if (ShapedType::isDynamic(sizeA) || ShapedType::isDynamic(sizeB) ||
      sizeA == sizeB)
    return success();
  return op->emitOpError() << whatA << " dimension " << dimA << " (" << sizeA
                           << ") does not match " << whatB << " dimension "
                           << dimB << " (" << sizeB << ")";
}

/// Checks the operands shared by rnn.layer and rnn.cell: weights `(H, I)`
/// and `(H, H)`, both biases or none, each `(H)`.
static LogicalResult verifyCellParameters(Operation *op, Value input,
                                          unsigned inputFeatureDim,
                                          int64_t hidden, Value weightIH,
                                          Value weightHH, Value biasIH,
                                          Value biasHH) {
  if (!biasIH != !biasHH)
    return op->emitOpError("requires both bias_ih and bias_hh or neither");
  if (failed(checkDim(op, weightIH, "weight_ih", 0, hidden)) ||
      failed(checkSameDim(op, weightIH, "weight_ih", 1, input, "input",
                          inputFeatureDim)) ||
      failed(checkDim(op, weightHH, "weight_hh", 0, hidden)) ||
      failed(checkDim(op, weightHH, "weight_hh", 1, hidden)))
    return failure();
  if (biasIH && (failed(checkDim(op, biasIH, "bias_ih", 0, hidden)) ||
                 failed(checkDim(op, biasHH, "bias_hh", 0, hidden))))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// StackedRnnOp
//===----------------------------------------------------------------------===//

LogicalResult StackedRnnOp::verify() {
  int64_t hidden = getHiddenSize();
  int64_t layers = getNumLayers();
  if (hidden <= 0)
    return emitOpError("hidden_size must be positive, got ") << hidden;
  if (layers <= 0)
    return emitOpError("num_layers must be positive, got ") << layers;
  int64_t dirs = getNumDirections();
  // Huge attribute values must not wrap around in the products below: a
  // wrapped weight count could match the operand list and send getWeight()
  // out of bounds.
  int64_t expectedWeights, width;
  if (llvm::MulOverflow(layers, dirs * getWeightsPerCell(), expectedWeights))
    return emitOpError("num_layers is too large, got ") << layers;
  if (llvm::MulOverflow(hidden, dirs, width))
    return emitOpError("hidden_size is too large, got ") << hidden;
  if (static_cast<int64_t>(getWeights().size()) != expectedWeights)
    return emitOpError("expects ")
           << expectedWeights << " weights (" << layers << " layers x " << dirs
           << " directions x " << getWeightsPerCell() << "), got "
           << getWeights().size();

  for (int64_t l = 0; l < layers; ++l) {
    for (int64_t d = 0; d < dirs; ++d) {
      for (int64_t i = 0; i < getWeightsPerCell(); ++i) {
        Value w = getWeight(l, d, i);
        int64_t rank = cast<MemRefType>(w.getType()).getRank();
        if (rank != (i < 2 ? 2 : 1))
          return emitOpError("weight ")
                 << i << " of layer " << l << " direction " << d
                 << " must have rank " << (i < 2 ? 2 : 1) << ", got " << rank;
      }
      Value input = getInput();
      Value wIH = getWeight(l, d, 0);
      if (l == 0) {
        if (failed(checkSameDim(*this, wIH, "weight_ih", 1, input, "input", 2)))
          return failure();
      } else if (failed(checkDim(*this, wIH, "weight_ih", 1, width))) {
        return failure();
      }
      if (failed(verifyCellParameters(
              *this, wIH, 1, hidden, wIH, getWeight(l, d, 1),
              getBias() ? getWeight(l, d, 2) : Value(),
              getBias() ? getWeight(l, d, 3) : Value())))
        return failure();
    }
  }

  Value input = getInput(), output = getOutput(), hN = getHN();
  if (failed(checkSameDim(*this, output, "output", 0, input, "input", 0)) ||
      failed(checkSameDim(*this, output, "output", 1, input, "input", 1)) ||
      failed(checkDim(*this, output, "output", 2, width)) ||
      failed(checkDim(*this, hN, "h_n", 0, layers * dirs)) ||
      failed(checkSameDim(*this, hN, "h_n", 1, input, "input", 1)) ||
      failed(checkDim(*this, hN, "h_n", 2, hidden)))
    return failure();
  if (Value h0 = getH0())
    for (unsigned i = 0; i < 3; ++i)
      if (failed(checkSameDim(*this, h0, "h0", i, hN, "h_n", i)))
        return failure();
  if (Value lengths = getLengths())
    if (failed(checkSameDim(*this, lengths, "lengths", 0, input, "input", 1)))
      return failure();
  if (Value scratch = getScratch()) {
    if (failed(checkDim(*this, scratch, "scratch", 0, 2)) ||
        failed(checkSameDim(*this, scratch, "scratch", 1, input, "input", 0)) ||
        failed(checkSameDim(*this, scratch, "scratch", 2, input, "input", 1)) ||
        failed(checkDim(*this, scratch, "scratch", 3, width)))
      return failure();
  } else if (layers > 1) {
    return emitOpError("requires a scratch buffer when num_layers > 1");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// LayerOp
//===----------------------------------------------------------------------===//

LogicalResult LayerOp::verify() {
  int64_t hidden = dimSize(getWeightHh(), 0);
  if (failed(verifyCellParameters(*this, getInput(), 2, hidden, getWeightIh(),
                                  getWeightHh(), getBiasIh(), getBiasHh())))
    return failure();
  Value input = getInput(), output = getOutput(), state = getState();
  if (failed(checkSameDim(*this, output, "output", 0, input, "input", 0)) ||
      failed(checkSameDim(*this, output, "output", 1, input, "input", 1)) ||
      failed(checkDim(*this, output, "output", 2, hidden)) ||
      failed(checkSameDim(*this, state, "state", 0, input, "input", 1)) ||
      failed(checkDim(*this, state, "state", 1, hidden)))
    return failure();
  if (Value lengths = getLengths())
    if (failed(checkSameDim(*this, lengths, "lengths", 0, input, "input", 1)))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// CellOp
//===----------------------------------------------------------------------===//

LogicalResult CellOp::verify() {
  int64_t hidden = dimSize(getWeightHh(), 0);
  if (failed(verifyCellParameters(*this, getInput(), 1, hidden, getWeightIh(),
                                  getWeightHh(), getBiasIh(), getBiasHh())))
    return failure();
  Value input = getInput(), hiddenIn = getHidden(), result = getResult();
  if (failed(checkSameDim(*this, hiddenIn, "hidden", 0, input, "input", 0)) ||
      failed(checkDim(*this, hiddenIn, "hidden", 1, hidden)) ||
      failed(checkSameDim(*this, result, "result", 0, input, "input", 0)) ||
      failed(checkDim(*this, result, "result", 1, hidden)))
    return failure();
  if (result == hiddenIn || result == input)
    return emitOpError("result must not alias its inputs");
  return success();
}

//===----------------------------------------------------------------------===//
// CommitStepOp
//===----------------------------------------------------------------------===//

LogicalResult CommitStepOp::verify() {
  Value stepOutput = getStepOutput(), state = getState();
  if (failed(checkSameDim(*this, state, "state", 0, stepOutput, "step_output",
                          0)) ||
      failed(
          checkSameDim(*this, state, "state", 1, stepOutput, "step_output", 1)))
    return failure();
  if (Value lengths = getLengths())
    if (failed(checkSameDim(*this, lengths, "lengths", 0, stepOutput,
                            "step_output", 0)))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// EmbeddingOp
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::verify() {
  Value indices = getIndices(), weight = getWeight(), output = getOutput();
  if (failed(checkSameDim(*this, output, "output", 0, indices, "indices", 0)) ||
      failed(checkSameDim(*this, output, "output", 1, indices, "indices", 1)) ||
      failed(checkSameDim(*this, output, "output", 2, weight, "weight", 1)))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// LinearOp
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::verify() {
  Value input = getInput(), weight = getWeight(), output = getOutput();
  auto inputType = cast<MemRefType>(input.getType());
  auto outputType = cast<MemRefType>(output.getType());
  unsigned rank = inputType.getRank();
  if (outputType.getRank() != static_cast<int64_t>(rank))
    return emitOpError("output rank ")
           << outputType.getRank() << " does not match input rank " << rank;
  for (unsigned i = 0; i + 1 < rank; ++i)
    if (failed(checkSameDim(*this, output, "output", i, input, "input", i)))
      return failure();
  if (failed(
          checkSameDim(*this, weight, "weight", 1, input, "input", rank - 1)) ||
      failed(
          checkSameDim(*this, output, "output", rank - 1, weight, "weight", 0)))
    return failure();
  if (Value bias = getBias())
    if (failed(checkSameDim(*this, bias, "bias", 0, weight, "weight", 0)))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// Loss ops
//===----------------------------------------------------------------------===//

/// Lengths are only meaningful for time-major `(T, B, ...)` operands, whose
/// dimension 1 is the batch.
static LogicalResult verifyLossLengths(Operation *op, Value lengths,
                                       Value operand, unsigned timeMajorRank) {
  if (!lengths)
    return success();
  if (cast<MemRefType>(operand.getType()).getRank() != timeMajorRank)
    return op->emitOpError("lengths require time-major operands of rank ")
           << timeMajorRank;
  return checkSameDim(op, lengths, "lengths", 0, operand, "operand", 1);
}

LogicalResult MseLossOp::verify() {
  auto predictionType = cast<MemRefType>(getPrediction().getType());
  auto targetType = cast<MemRefType>(getTarget().getType());
  if (predictionType.getRank() != targetType.getRank())
    return emitOpError("target rank ")
           << targetType.getRank() << " does not match prediction rank "
           << predictionType.getRank();
  for (unsigned i = 0; i < predictionType.getRank(); ++i)
    if (failed(checkSameDim(*this, getTarget(), "target", i, getPrediction(),
                            "prediction", i)))
      return failure();
  return verifyLossLengths(*this, getLengths(), getPrediction(), 3);
}

LogicalResult CrossEntropyLossOp::verify() {
  auto logitsType = cast<MemRefType>(getLogits().getType());
  auto targetType = cast<MemRefType>(getTarget().getType());
  if (targetType.getRank() + 1 != logitsType.getRank())
    return emitOpError("target rank ")
           << targetType.getRank() << " must be one less than logits rank "
           << logitsType.getRank();
  for (unsigned i = 0; i < targetType.getRank(); ++i)
    if (failed(checkSameDim(*this, getTarget(), "target", i, getLogits(),
                            "logits", i)))
      return failure();
  return verifyLossLengths(*this, getLengths(), getLogits(), 3);
}

//===----------------------------------------------------------------------===//
// FromPtrOp
//===----------------------------------------------------------------------===//

LogicalResult FromPtrOp::verify() {
  auto type = cast<MemRefType>(getResult().getType());
  // The base is an `!llvm.ptr` in address space 0, so the view must be in
  // the default memory space too.
  if (!type.getLayout().isIdentity() || !type.isDynamicDim(0) ||
      type.getMemorySpace())
    return emitOpError("result must be a dynamically sized memref with the "
                       "identity layout in the default memory space, got ")
           << type;
  return success();
}

#define GET_OP_CLASSES
#include "rnn/RnnOps.cpp.inc"

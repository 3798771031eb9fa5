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
#include "rnn/RnnUtils.h"

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

/// Whether the last dimension of the memref `value` has stride 1.
static bool hasUnitInnerStride(Value value) {
  auto type = cast<MemRefType>(value.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return strides.back() == 1;
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

/// Checks what rnn.stacked_rnn and rnn.stacked_rnn_grad share: the
/// attributes, the parameter list and the shapes of the forward operands.
/// `scratchSlices` lists the allowed sizes of the scratch buffer's first
/// dimension.
template <typename OpTy>
static LogicalResult verifyStackedOperands(OpTy op,
                                           ArrayRef<int64_t> scratchSlices) {
  Operation *self = op.getOperation();
  int64_t hidden = op.getHiddenSize();
  int64_t layers = op.getNumLayers();
  if (hidden <= 0)
    return op.emitOpError("hidden_size must be positive, got ") << hidden;
  if (layers <= 0)
    return op.emitOpError("num_layers must be positive, got ") << layers;
  int64_t dirs = op.getNumDirections();
  // Huge attribute values must not wrap around in the products below: a
  // wrapped weight count could match the operand list and send op.getWeight()
  // out of bounds.
  int64_t expectedWeights, width;
  if (llvm::MulOverflow(layers, dirs * op.getWeightsPerCell(), expectedWeights))
    return op.emitOpError("num_layers is too large, got ") << layers;
  if (llvm::MulOverflow(hidden, dirs, width))
    return op.emitOpError("hidden_size is too large, got ") << hidden;
  if (static_cast<int64_t>(op.getWeights().size()) != expectedWeights)
    return op.emitOpError("expects ")
           << expectedWeights << " weights (" << layers << " layers x " << dirs
           << " directions x " << op.getWeightsPerCell() << "), got "
           << op.getWeights().size();

  for (int64_t l = 0; l < layers; ++l) {
    for (int64_t d = 0; d < dirs; ++d) {
      for (int64_t i = 0; i < op.getWeightsPerCell(); ++i) {
        Value w = op.getWeight(l, d, i);
        int64_t rank = cast<MemRefType>(w.getType()).getRank();
        if (rank != (i < 2 ? 2 : 1))
          return op.emitOpError("weight ")
                 << i << " of layer " << l << " direction " << d
                 << " must have rank " << (i < 2 ? 2 : 1) << ", got " << rank;
      }
      Value input = op.getInput();
      Value wIH = op.getWeight(l, d, 0);
      if (l == 0) {
        if (failed(checkSameDim(self, wIH, "weight_ih", 1, input, "input", 2)))
          return failure();
      } else if (failed(checkDim(self, wIH, "weight_ih", 1, width))) {
        return failure();
      }
      if (failed(verifyCellParameters(
              self, wIH, 1, hidden, wIH, op.getWeight(l, d, 1),
              op.getBias() ? op.getWeight(l, d, 2) : Value(),
              op.getBias() ? op.getWeight(l, d, 3) : Value())))
        return failure();
    }
  }

  Value input = op.getInput(), output = op.getOutput(), hN = op.getHN();
  if (failed(checkSameDim(self, output, "output", 0, input, "input", 0)) ||
      failed(checkSameDim(self, output, "output", 1, input, "input", 1)) ||
      failed(checkDim(self, output, "output", 2, width)) ||
      failed(checkDim(self, hN, "h_n", 0, layers * dirs)) ||
      failed(checkSameDim(self, hN, "h_n", 1, input, "input", 1)) ||
      failed(checkDim(self, hN, "h_n", 2, hidden)))
    return failure();
  if (Value h0 = op.getH0())
    for (unsigned i = 0; i < 3; ++i)
      if (failed(checkSameDim(self, h0, "h0", i, hN, "h_n", i)))
        return failure();
  if (Value lengths = op.getLengths())
    if (failed(checkSameDim(self, lengths, "lengths", 0, input, "input", 1)))
      return failure();
  if (Value scratch = op.getScratch()) {
    int64_t slices = dimSize(scratch, 0);
    if (!ShapedType::isDynamic(slices) &&
        !llvm::is_contained(scratchSlices, slices))
      return op.emitOpError("scratch dimension 0 must be ")
             << scratchSlices.front()
             << (scratchSlices.size() > 1
                     ? " or " + std::to_string(scratchSlices.back())
                     : std::string())
             << ", got " << slices;
    if (failed(checkSameDim(self, scratch, "scratch", 1, input, "input", 0)) ||
        failed(checkSameDim(self, scratch, "scratch", 2, input, "input", 1)) ||
        failed(checkDim(self, scratch, "scratch", 3, width)))
      return failure();
  } else if (layers > 1) {
    return op.emitOpError("requires a scratch buffer when num_layers > 1");
  }
  return success();
}

/// The floats the weight_scratch buffer of rnn.stacked_rnn or
/// rnn.stacked_rnn_grad must hold, or kDynamic when a weight matrix has a
/// dynamic shape.
template <typename OpTy> static int64_t weightScratchSize(OpTy op) {
  SmallVector<std::pair<int64_t, int64_t>> shapes;
  for (int64_t l = 0, e = op.getNumLayers(); l < e; ++l)
    for (int64_t d = 0; d < op.getNumDirections(); ++d)
      for (int64_t i = 0; i < 2; ++i) {
        auto type = cast<MemRefType>(op.getWeight(l, d, i).getType());
        if (!type.hasStaticShape())
          return ShapedType::kDynamic;
        shapes.emplace_back(type.getDimSize(0), type.getDimSize(1));
      }
  return rnn::getWeightScratchSize(shapes);
}

/// Checks the weight_scratch buffer, when present, against
/// weightScratchSize.
template <typename OpTy> static LogicalResult verifyWeightScratch(OpTy op) {
  Value scratch = op.getWeightScratch();
  if (!scratch)
    return success();
  int64_t needed = weightScratchSize(op);
  if (ShapedType::isDynamic(needed))
    return op.emitOpError("needs weight matrices of static shape to use a "
                          "weight_scratch buffer");
  int64_t size = dimSize(scratch, 0);
  if (!ShapedType::isDynamic(size) && size < needed)
    return op.emitOpError("weight_scratch must hold at least ")
           << needed << " floats, got " << size;
  return success();
}

LogicalResult StackedRnnOp::verify() {
  // Inner layers alternate between two slices, or keep one slice each
  // (which the backward pass needs).
  if (failed(verifyStackedOperands(
          *this, {2, static_cast<int64_t>(getNumLayers()) - 1})))
    return failure();
  return verifyWeightScratch(*this);
}

int64_t StackedRnnOp::getWeightScratchSize() {
  return weightScratchSize(*this);
}

//===----------------------------------------------------------------------===//
// StackedRnnGradOp
//===----------------------------------------------------------------------===//

LogicalResult StackedRnnGradOp::verify() {
  if (failed(verifyStackedOperands(*this,
                                   {static_cast<int64_t>(getNumLayers()) - 1})))
    return failure();
  if (getWeightGrads().size() != getWeights().size())
    return emitOpError("expects one weight gradient per weight (")
           << getWeights().size() << "), got " << getWeightGrads().size();
  for (auto [weight, grad] : llvm::zip(getWeights(), getWeightGrads()))
    if (cast<MemRefType>(weight.getType()).getShape() !=
        cast<MemRefType>(grad.getType()).getShape())
      return emitOpError("weight gradient type ")
             << grad.getType() << " does not match weight type "
             << weight.getType();
  for (unsigned i = 0; i < 3; ++i)
    if (failed(checkSameDim(*this, getOutputGrad(), "output_grad", i,
                            getOutput(), "output", i)) ||
        failed(checkSameDim(*this, getHNGrad(), "h_n_grad", i, getHN(), "h_n",
                            i)) ||
        failed(
            checkSameDim(*this, getH0Grad(), "h0_grad", i, getHN(), "h_n", i)))
      return failure();
  if (Value inputGrad = getInputGrad())
    for (unsigned i = 0; i < 3; ++i)
      if (failed(checkSameDim(*this, inputGrad, "input_grad", i, getInput(),
                              "input", i)))
        return failure();
  if (getInputGradWanted() && !getInputGrad())
    return emitOpError("has an input_grad condition but no input_grad");
  if (getNumLayers() > 1 && !getScratchGrad())
    return emitOpError("requires a scratch_grad buffer when num_layers > 1");
  if (Value scratchGrad = getScratchGrad())
    for (unsigned i = 0; i < 4; ++i)
      if (failed(checkSameDim(*this, scratchGrad, "scratch_grad", i,
                              getScratch(), "scratch", i)))
        return failure();
  if (static_cast<int64_t>(getTruncate()) < 0)
    return emitOpError("truncate must be non-negative, got ")
           << static_cast<int64_t>(getTruncate());
  return verifyWeightScratch(*this);
}

int64_t StackedRnnGradOp::getWeightScratchSize() {
  return weightScratchSize(*this);
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
  if (!getTransposedWeightIh() != !getTransposedWeightHh())
    return emitOpError("requires both transposed weights or neither");
  if (Value transposedIH = getTransposedWeightIh()) {
    Value transposedHH = getTransposedWeightHh();
    if (failed(checkSameDim(*this, transposedIH, "transposed weight_ih", 0,
                            getWeightIh(), "weight_ih", 1)) ||
        failed(
            checkDim(*this, transposedIH, "transposed weight_ih", 1, hidden)) ||
        failed(
            checkDim(*this, transposedHH, "transposed weight_hh", 0, hidden)) ||
        failed(
            checkDim(*this, transposedHH, "transposed weight_hh", 1, hidden)))
      return failure();
    if (!hasUnitInnerStride(transposedIH) || !hasUnitInnerStride(transposedHH))
      return emitOpError("transposed weights must be contiguous along their "
                         "last dimension (stride 1)");
  }
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
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  Value lhs = getLhs(), rhs = getRhs(), result = getResult();
  auto rank = [](Value v) { return cast<MemRefType>(v.getType()).getRank(); };
  // The three forms: (M, K) (K, N) (M, N), (T, B, K) (K, N) (T, B, N) and
  // (S, M, K) (S, K, N) (M, N).
  bool batchReduce = rank(rhs) == 3, timeMajor = rank(result) == 3;
  if (batchReduce ? rank(lhs) != 3 || timeMajor : rank(lhs) != rank(result))
    return emitOpError("expects lhs, rhs and result of ranks 2, 2, 2 "
                       "(plain), 3, 2, 3 (time-major rows) or 3, 3, 2 "
                       "(batch-reduce), got ")
           << rank(lhs) << ", " << rank(rhs) << ", " << rank(result);
  unsigned lhsK = rank(lhs) - 1, rhsK = rank(rhs) - 2,
           resultN = rank(result) - 1;
  if (failed(checkSameDim(*this, rhs, "rhs", rhsK, lhs, "lhs", lhsK)) ||
      failed(
          checkSameDim(*this, result, "result", resultN, rhs, "rhs", rhsK + 1)))
    return failure();
  if (batchReduce) {
    if (failed(checkSameDim(*this, rhs, "rhs", 0, lhs, "lhs", 0)) ||
        failed(checkSameDim(*this, result, "result", 0, lhs, "lhs", 1)))
      return failure();
  } else {
    for (unsigned d = 0; d < resultN; ++d)
      if (failed(checkSameDim(*this, result, "result", d, lhs, "lhs", d)))
        return failure();
  }
  if (Value bias = getBias())
    if (failed(checkSameDim(*this, bias, "bias", 0, rhs, "rhs", rhsK + 1)))
      return failure();
  for (auto [value, what] : {std::pair{rhs, "rhs"}, std::pair{result, "result"},
                             std::pair{Value(getBias()), "bias"}})
    if (value && !hasUnitInnerStride(value))
      return emitOpError() << what
                           << " must be contiguous along its last dimension "
                              "(stride 1)";
  if (result == lhs || result == rhs)
    return emitOpError("result must not alias lhs or rhs");
  return success();
}

/// Checks one plain product of rnn.matmul_pair: lhs `(M, K)`, rhs `(K, N)`,
/// result `(M, N)`, bias `(N)`, every size static, rhs, result and bias
/// contiguous along their last dimension. `prefix` names the operands
/// ("" or "other_").
static LogicalResult verifyStaticProduct(Operation *op, StringRef prefix,
                                         Value lhs, Value rhs, Value bias,
                                         Value result) {
  std::string lhsName = (prefix + "lhs").str(),
              rhsName = (prefix + "rhs").str(),
              biasName = (prefix + "bias").str(),
              resultName = (prefix + "result").str();
  for (auto [value, name] :
       {std::pair{lhs, &lhsName}, std::pair{rhs, &rhsName},
        std::pair{bias, &biasName}, std::pair{result, &resultName}})
    if (value && !cast<MemRefType>(value.getType()).hasStaticShape())
      return op->emitOpError() << *name << " must have a static shape";
  if (failed(checkSameDim(op, rhs, rhsName, 0, lhs, lhsName, 1)) ||
      failed(checkSameDim(op, result, resultName, 0, lhs, lhsName, 0)) ||
      failed(checkSameDim(op, result, resultName, 1, rhs, rhsName, 1)) ||
      (bias && failed(checkSameDim(op, bias, biasName, 0, rhs, rhsName, 1))))
    return failure();
  for (auto [value, name] :
       {std::pair{rhs, &rhsName}, std::pair{result, &resultName},
        std::pair{bias, &biasName}})
    if (value && !hasUnitInnerStride(value))
      return op->emitOpError() << *name
                               << " must be contiguous along its last "
                                  "dimension (stride 1)";
  return success();
}

LogicalResult MatmulPairOp::verify() {
  if (failed(verifyStaticProduct(*this, "", getLhs(), getRhs(), getBias(),
                                 getResult())) ||
      failed(verifyStaticProduct(*this, "other_", getOtherLhs(), getOtherRhs(),
                                 getOtherBias(), getOtherResult())))
    return failure();
  // Each result is written while every operand of both products is read.
  for (Value result : {getResult(), getOtherResult()})
    if (llvm::count(getOperands(), result) != 1)
      return emitOpError("results must not alias each other or an operand");
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
// LayerGradOp
//===----------------------------------------------------------------------===//

LogicalResult LayerGradOp::verify() {
  int64_t hidden = dimSize(getWeightHh(), 0);
  if (!getBiasIhGrad() != !getBiasHhGrad())
    return emitOpError(
        "requires both bias_ih_grad and bias_hh_grad or neither");
  if (failed(verifyCellParameters(*this, getInput(), 2, hidden, getWeightIh(),
                                  getWeightHh(), getBiasIhGrad(),
                                  getBiasHhGrad())))
    return failure();
  Value input = getInput(), output = getOutput();
  for (unsigned i = 0; i < 3; ++i)
    if (failed(checkSameDim(*this, getOutputGrad(), "output_grad", i, output,
                            "output", i)))
      return failure();
  if (failed(checkSameDim(*this, output, "output", 0, input, "input", 0)) ||
      failed(checkSameDim(*this, output, "output", 1, input, "input", 1)) ||
      failed(checkDim(*this, output, "output", 2, hidden)) ||
      failed(checkSameDim(*this, getH0(), "h0", 0, input, "input", 1)) ||
      failed(checkDim(*this, getH0(), "h0", 1, hidden)) ||
      failed(checkSameDim(*this, getStateGrad(), "state_grad", 0, input,
                          "input", 1)) ||
      failed(checkDim(*this, getStateGrad(), "state_grad", 1, hidden)))
    return failure();
  if (Value inputGrad = getInputGrad())
    for (unsigned i = 0; i < 3; ++i)
      if (failed(checkSameDim(*this, inputGrad, "input_grad", i, input, "input",
                              i)))
        return failure();
  if (getInputGradWanted() && !getInputGrad())
    return emitOpError("has an input_grad condition but no input_grad");
  if (static_cast<int64_t>(getTruncate()) < 0)
    return emitOpError("truncate must be non-negative, got ")
           << static_cast<int64_t>(getTruncate());
  return success();
}

//===----------------------------------------------------------------------===//
// LinearGradOp
//===----------------------------------------------------------------------===//

LogicalResult LinearGradOp::verify() {
  Value input = getInput(), weight = getWeight(), outputGrad = getOutputGrad();
  unsigned rank = cast<MemRefType>(input.getType()).getRank();
  if (cast<MemRefType>(outputGrad.getType()).getRank() !=
      static_cast<int64_t>(rank))
    return emitOpError("output_grad rank does not match input rank ") << rank;
  if (failed(
          checkSameDim(*this, weight, "weight", 1, input, "input", rank - 1)) ||
      failed(checkSameDim(*this, outputGrad, "output_grad", rank - 1, weight,
                          "weight", 0)) ||
      failed(checkSameDim(*this, getWeightGrad(), "weight_grad", 0, weight,
                          "weight", 0)) ||
      failed(checkSameDim(*this, getWeightGrad(), "weight_grad", 1, weight,
                          "weight", 1)))
    return failure();
  if (Value inputGrad = getInputGrad())
    for (unsigned i = 0; i < rank; ++i)
      if (failed(checkSameDim(*this, inputGrad, "input_grad", i, input, "input",
                              i)))
        return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// DeclareAdjointOp
//===----------------------------------------------------------------------===//

LogicalResult DeclareAdjointOp::verify() {
  auto primal = cast<MemRefType>(getPrimal().getType());
  auto adjoint = cast<MemRefType>(getAdjoint().getType());
  if (primal.getRank() != adjoint.getRank() ||
      primal.getElementType() != adjoint.getElementType())
    return emitOpError("adjoint type ")
           << adjoint << " does not match primal type " << primal;
  for (unsigned i = 0; i < primal.getRank(); ++i)
    if (failed(checkSameDim(*this, getAdjoint(), "adjoint", i, getPrimal(),
                            "primal", i)))
      return failure();
  return success();
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

//===----------------------------------------------------------------------===//
// SumRowsOp
//===----------------------------------------------------------------------===//

LogicalResult SumRowsOp::verify() {
  if (getOuts().empty())
    return emitOpError("expects at least one output");
  auto inputType = cast<MemRefType>(getInput().getType());
  int64_t columns = inputType.getDimSize(inputType.getRank() - 1);
  for (Value out : getOuts()) {
    int64_t size = cast<MemRefType>(out.getType()).getDimSize(0);
    if (!ShapedType::isDynamic(columns) && !ShapedType::isDynamic(size) &&
        size != columns)
      return emitOpError("expects outputs of the input's ")
             << columns << " columns, got " << size;
    if (llvm::count(getOuts(), out) > 1)
      return emitOpError("expects distinct outputs");
  }
  return success();
}

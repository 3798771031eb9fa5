//===- GenerateBptt.cpp - Generate the backward pass ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements rnn-generate-bptt: reverse-mode differentiation of
// the model-level rnn ops. The forward ops of a function are visited from
// the loss back to the inputs and each gets its adjoint op, which
// accumulates into the adjoint buffers MLIRGen declared with
// rnn.declare_adjoint. Backpropagation through time itself is the adjoint of
// rnn.stacked_rnn, rnn.stacked_rnn_grad, which rnn-expand-stacked and
// convert-rnn-to-loops turn into reverse-time loops.
//
//===----------------------------------------------------------------------===//

#include "rnn/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"

namespace mlir {
namespace rnn {
#define GEN_PASS_DEF_RNNGENERATEBPTT
#include "rnn/Passes.h.inc"
} // namespace rnn
} // namespace mlir

using namespace mlir;
using namespace mlir::rnn;

namespace {

/// Builds the backward ops of one function.
class AdjointBuilder {
public:
  AdjointBuilder(OpBuilder &builder, int64_t truncate)
      : builder(builder), truncate(truncate) {}

  /// Records `adjoint` as the adjoint buffer of `primal`.
  void declare(Value primal, Value adjoint) { adjoints[primal] = adjoint; }

  /// The adjoint of `primal`: declared, or the same view of the adjoint of
  /// the buffer `primal` views. Null if there is none.
  Value lookup(Value primal) {
    if (Value adjoint = adjoints.lookup(primal))
      return adjoint;
    Operation *view = primal.getDefiningOp();
    if (!isa_and_nonnull<memref::SubViewOp, memref::TransposeOp,
                         memref::ReinterpretCastOp, memref::CollapseShapeOp,
                         memref::ExpandShapeOp>(view))
      return {};
    Value sourceAdjoint = lookup(view->getOperand(0));
    if (!sourceAdjoint)
      return {};
    IRMapping mapping;
    mapping.map(view->getOperand(0), sourceAdjoint);
    Operation *clone = builder.clone(*view, mapping);
    Value adjoint = clone->getResult(0);
    adjoints[primal] = adjoint;
    return adjoint;
  }

  /// Like lookup(), but reports a missing adjoint on `user`.
  FailureOr<Value> require(Value primal, Operation *user, StringRef what) {
    if (Value adjoint = lookup(primal))
      return adjoint;
    return user->emitOpError("has no adjoint buffer for its ")
           << what << " (missing rnn.declare_adjoint)";
  }

  /// Emits the adjoint of `op`, or fails with a diagnostic.
  LogicalResult differentiate(Operation *op, Value lossAdjoint,
                              int64_t &numOps);

private:
  LogicalResult adjointOf(MseLossOp op, Value lossAdjoint);
  LogicalResult adjointOf(CrossEntropyLossOp op, Value lossAdjoint);
  LogicalResult adjointOf(LinearOp op);
  LogicalResult adjointOf(EmbeddingOp op);
  LogicalResult adjointOf(StackedRnnOp op);
  LogicalResult adjointOf(linalg::CopyOp op);

  OpBuilder &builder;
  int64_t truncate;
  DenseMap<Value, Value> adjoints;
};

} // namespace

LogicalResult AdjointBuilder::adjointOf(MseLossOp op, Value lossAdjoint) {
  auto predictionGrad = require(op.getPrediction(), op, "prediction");
  if (failed(predictionGrad))
    return failure();
  MseLossGradOp::create(builder, op.getLoc(), op.getPrediction(),
                        op.getTarget(), lossAdjoint, op.getLengths(),
                        *predictionGrad);
  return success();
}

LogicalResult AdjointBuilder::adjointOf(CrossEntropyLossOp op,
                                        Value lossAdjoint) {
  auto logitsGrad = require(op.getLogits(), op, "logits");
  if (failed(logitsGrad))
    return failure();
  CrossEntropyLossGradOp::create(builder, op.getLoc(), op.getLogits(),
                                 op.getTarget(), lossAdjoint, op.getLengths(),
                                 *logitsGrad);
  return success();
}

LogicalResult AdjointBuilder::adjointOf(LinearOp op) {
  auto outputGrad = require(op.getOutput(), op, "output");
  auto weightGrad = require(op.getWeight(), op, "weight");
  if (failed(outputGrad) || failed(weightGrad))
    return failure();
  Value biasGrad;
  if (Value bias = op.getBias()) {
    auto grad = require(bias, op, "bias");
    if (failed(grad))
      return failure();
    biasGrad = *grad;
  }
  // The input's adjoint is optional: nothing upstream may need it.
  LinearGradOp::create(builder, op.getLoc(), op.getInput(), op.getWeight(),
                       *outputGrad, lookup(op.getInput()), *weightGrad,
                       biasGrad);
  return success();
}

LogicalResult AdjointBuilder::adjointOf(EmbeddingOp op) {
  auto outputGrad = require(op.getOutput(), op, "output");
  auto weightGrad = require(op.getWeight(), op, "weight");
  if (failed(outputGrad) || failed(weightGrad))
    return failure();
  EmbeddingGradOp::create(builder, op.getLoc(), op.getIndices(), *outputGrad,
                          *weightGrad);
  return success();
}

LogicalResult AdjointBuilder::adjointOf(StackedRnnOp op) {
  if (!op.getH0())
    return op.emitOpError("needs an explicit h0 buffer to be differentiated");
  if (op.getNumLayers() > 1 &&
      cast<MemRefType>(op.getScratch().getType()).getDimSize(0) !=
          static_cast<int64_t>(op.getNumLayers()) - 1)
    return op.emitOpError("must keep every inner layer's output to be "
                          "differentiated (scratch with num_layers - 1 = ")
           << op.getNumLayers() - 1 << " slices)";
  if (truncate > 0 && op.getBidirectional())
    return op.emitOpError("truncated BPTT needs a unidirectional RNN");

  auto outputGrad = require(op.getOutput(), op, "output");
  auto hNGrad = require(op.getHN(), op, "h_n");
  auto h0Grad = require(op.getH0(), op, "h0");
  if (failed(outputGrad) || failed(hNGrad) || failed(h0Grad))
    return failure();
  Value scratchGrad;
  if (Value scratch = op.getScratch()) {
    auto grad = require(scratch, op, "scratch");
    if (failed(grad))
      return failure();
    scratchGrad = *grad;
  }
  SmallVector<Value> weightGrads;
  for (auto [i, weight] : llvm::enumerate(op.getWeights())) {
    auto grad = require(weight, op, "weight #" + std::to_string(i));
    if (failed(grad))
      return failure();
    weightGrads.push_back(*grad);
  }
  StackedRnnGradOp::create(
      builder, op.getLoc(), op.getInput(), op.getLengths(), op.getH0(),
      op.getWeights(), op.getOutput(), op.getHN(), op.getScratch(), *outputGrad,
      *hNGrad, scratchGrad, lookup(op.getInput()), weightGrads, *h0Grad,
      op.getHiddenSize(), op.getNumLayers(), op.getNonlinearity(), op.getBias(),
      op.getBidirectional(), truncate);
  return success();
}

LogicalResult AdjointBuilder::adjointOf(linalg::CopyOp op) {
  Value source = op.getDpsInputs()[0], target = op.getDpsInits()[0];
  Value targetGrad = lookup(target);
  Value sourceGrad = lookup(source);
  if (!targetGrad || !sourceGrad)
    return success(); // Not on a path from the parameters to the loss.
  // d source += d target; the copy overwrote target, so its earlier value
  // gets no gradient.
  linalg::AddOp::create(builder, op.getLoc(),
                        ValueRange{sourceGrad, targetGrad},
                        ValueRange{sourceGrad});
  Value zero = arith::ConstantOp::create(builder, op.getLoc(),
                                         builder.getF32FloatAttr(0.0f));
  linalg::FillOp::create(builder, op.getLoc(), zero, targetGrad);
  return success();
}

LogicalResult AdjointBuilder::differentiate(Operation *op, Value lossAdjoint,
                                            int64_t &numOps) {
  LogicalResult result = success();
  bool handled = true;
  if (auto loss = dyn_cast<MseLossOp>(op))
    result = adjointOf(loss, lossAdjoint);
  else if (auto loss = dyn_cast<CrossEntropyLossOp>(op))
    result = adjointOf(loss, lossAdjoint);
  else if (auto linear = dyn_cast<LinearOp>(op))
    result = adjointOf(linear);
  else if (auto embedding = dyn_cast<EmbeddingOp>(op))
    result = adjointOf(embedding);
  else if (auto rnn = dyn_cast<StackedRnnOp>(op))
    result = adjointOf(rnn);
  else if (auto copy = dyn_cast<linalg::CopyOp>(op))
    result = adjointOf(copy);
  else
    handled = false;
  if (handled && succeeded(result))
    ++numOps;
  return result;
}

namespace {

struct RnnGenerateBpttPass
    : public rnn::impl::RnnGenerateBpttBase<RnnGenerateBpttPass> {
  using RnnGenerateBpttBase::RnnGenerateBpttBase;

  void runOnOperation() override {
    if (truncate < 0) {
      getOperation().emitError("truncate must be non-negative, got ")
          << static_cast<int64_t>(truncate);
      return signalPassFailure();
    }
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (failed(generate(func)))
        return signalPassFailure();
  }

  LogicalResult generate(func::FuncOp func) {
    SmallVector<DeclareAdjointOp> declarations;
    func.walk([&](DeclareAdjointOp op) { declarations.push_back(op); });
    if (declarations.empty())
      return success();

    SmallVector<Operation *> losses;
    func.walk([&](Operation *op) {
      if (isa<MseLossOp, CrossEntropyLossOp>(op))
        losses.push_back(op);
    });
    if (losses.size() != 1)
      return func.emitOpError("needs exactly one loss op to differentiate, "
                              "found ")
             << losses.size();
    Operation *loss = losses.front();
    Value lossValue = loss->getOperand(loss->getNumOperands() - 1);

    OpBuilder builder(loss->getContext());
    builder.setInsertionPointAfter(loss);
    AdjointBuilder adjoints(builder, truncate);
    for (DeclareAdjointOp op : declarations)
      adjoints.declare(op.getPrimal(), op.getAdjoint());
    Value lossAdjoint = adjoints.lookup(lossValue);
    if (!lossAdjoint)
      return loss->emitOpError("has no adjoint buffer for the loss");

    // Adjoints accumulate, so they start at zero; the loss's is the seed.
    Location loc = loss->getLoc();
    Value zero =
        arith::ConstantOp::create(builder, loc, builder.getF32FloatAttr(0.0f));
    Value one =
        arith::ConstantOp::create(builder, loc, builder.getF32FloatAttr(1.0f));
    for (DeclareAdjointOp op : declarations)
      if (op.getAdjoint() != lossAdjoint)
        linalg::FillOp::create(builder, loc, zero, op.getAdjoint());
    linalg::FillOp::create(builder, loc, one, lossAdjoint);

    // The forward ops feeding the loss, latest first.
    int64_t count = 0;
    for (Operation *op = loss; op; op = op->getPrevNode())
      if (failed(adjoints.differentiate(op, lossAdjoint, count)))
        return failure();
    numAdjointOps += count;

    for (DeclareAdjointOp op : declarations)
      op.erase();
    return success();
  }
};

} // namespace

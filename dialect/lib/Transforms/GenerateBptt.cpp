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
#include "rnn/RnnUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/Support/SaveAndRestore.h"

namespace mlir {
namespace rnn {
#define GEN_PASS_DEF_RNNGENERATEBPTT
#include "rnn/Passes.h.inc"
} // namespace rnn
} // namespace mlir

using namespace mlir;
using namespace mlir::rnn;

namespace {

/// Whether `op` is one of the views whose adjoint is the same view of its
/// source's adjoint.
bool isAdjointView(Operation *op) {
  return isa_and_nonnull<memref::SubViewOp, memref::TransposeOp,
                         memref::ReinterpretCastOp, memref::CollapseShapeOp,
                         memref::ExpandShapeOp>(op);
}

/// Builds the backward ops of one function.
class AdjointBuilder {
public:
  AdjointBuilder(OpBuilder &builder, int64_t truncate)
      : builder(builder), truncate(truncate) {}

  /// Records `adjoint` as the adjoint buffer of `primal`, needed only when
  /// `wanted` holds at run time if `wanted` is given.
  void declare(Value primal, Value adjoint, Value wanted) {
    adjoints[primal] = adjoint;
    if (wanted)
      conditions[primal] = wanted;
  }

  /// The run-time condition under which the adjoint of `primal` (or of the
  /// buffer it views) is wanted; null when it always is.
  Value wantedOf(Value primal) {
    if (Value wanted = conditions.lookup(primal))
      return wanted;
    Operation *view = primal.getDefiningOp();
    return isAdjointView(view) ? wantedOf(view->getOperand(0)) : Value();
  }

  /// The adjoint of `primal`: declared, or the same view of the adjoint of
  /// the buffer `primal` views. Null if there is none.
  Value lookup(Value primal) {
    if (Value adjoint = adjoints.lookup(primal))
      return adjoint;
    Operation *view = primal.getDefiningOp();
    if (!isAdjointView(view))
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
  LogicalResult adjointOf(scf::ForOp loop, Value lossAdjoint, int64_t &numOps);

  OpBuilder &builder;
  int64_t truncate;
  DenseMap<Value, Value> adjoints;
  /// The conditions of the adjoints declared with `when`.
  DenseMap<Value, Value> conditions;
  /// Inside the adjoint of a segment loop: whether the iteration being
  /// differentiated is the loop's first (i1); null elsewhere.
  Value firstIteration;
};

} // namespace

LogicalResult AdjointBuilder::adjointOf(MseLossOp op, Value lossAdjoint) {
  auto predictionGrad = require(op.getPrediction(), op, "prediction");
  if (failed(predictionGrad))
    return failure();
  MseLossGradOp::create(builder, op.getLoc(), op.getPrediction(),
                        op.getTarget(), lossAdjoint, op.getLengths(),
                        *predictionGrad, op.getReduction());
  return success();
}

LogicalResult AdjointBuilder::adjointOf(CrossEntropyLossOp op,
                                        Value lossAdjoint) {
  auto logitsGrad = require(op.getLogits(), op, "logits");
  if (failed(logitsGrad))
    return failure();
  CrossEntropyLossGradOp::create(
      builder, op.getLoc(), op.getLogits(), op.getTarget(), lossAdjoint,
      op.getLengths(), *logitsGrad, op.getReduction(), op.getIgnoreIndex());
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
  Location loc = op.getLoc();
  Value inputGrad = lookup(op.getInput());
  StackedRnnGradOp::create(
      builder, loc, op.getInput(), op.getLengths(), op.getH0(), op.getWeights(),
      op.getOutput(), op.getHN(), op.getScratch(), *outputGrad, *hNGrad,
      scratchGrad, inputGrad, inputGrad ? wantedOf(op.getInput()) : Value(),
      weightGrads, *h0Grad,
      // The forward pass is done with its transposed weights by the time
      // the backward copies its padded weights in.
      op.getWeightScratch(), op.getHiddenSize(), op.getNumLayers(),
      op.getNonlinearity(), op.getBias(), op.getBidirectional(), truncate);
  // The RNN overwrote its outputs, so their earlier values get no gradient;
  // this also clears what the backward sweep left in their adjoints, which
  // an earlier iteration of a segment loop reuses.
  Value zero =
      arith::ConstantOp::create(builder, loc, builder.getF32FloatAttr(0.0f));
  for (Value grad : {*outputGrad, *hNGrad, scratchGrad})
    if (grad)
      linalg::FillOp::create(builder, loc, zero, grad);
  // Truncated BPTT in a segment loop: the state entering every segment but
  // the first was detached, so the gradient reaching it goes no further.
  if (truncate > 0 && firstIteration) {
    auto ifDetached =
        scf::IfOp::create(builder, loc,
                          arith::XOrIOp::create(builder, loc, firstIteration,
                                                arith::ConstantIntOp::create(
                                                    builder, loc, 1, 1)));
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(ifDetached.thenBlock());
    linalg::FillOp::create(builder, loc, zero, *h0Grad);
  }
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

/// Whether `op` or an op nested in it has an adjoint rule.
static bool isDifferentiable(Operation *op) {
  WalkResult result = op->walk([](Operation *nested) {
    return isa<MseLossOp, CrossEntropyLossOp, LinearOp, EmbeddingOp,
               StackedRnnOp>(nested)
               ? WalkResult::interrupt()
               : WalkResult::advance();
  });
  return result.wasInterrupted();
}

/// The adjoint of a loop over time segments (MLIRGen's checkpointed forward
/// pass) is the same loop run backwards, whose iteration s first re-runs
/// iteration s of the forward loop, recomputing the states it kept only
/// for the duration of the iteration, and then emits the adjoints of that
/// iteration's ops, latest first. That is correct when iterations
/// communicate only through buffers no later iteration overwrites (the
/// checkpoints), which MLIRGen guarantees for the loops it builds.
LogicalResult AdjointBuilder::adjointOf(scf::ForOp loop, Value lossAdjoint,
                                        int64_t &numOps) {
  if (!isDifferentiable(loop))
    return success(); // Index arithmetic, not on a path to the loss.
  if (loop.getNumResults() != 0)
    return loop.emitOpError("with loop-carried values cannot be "
                            "differentiated; carry them through buffers");
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!step || *step <= 0)
    return loop.emitOpError("needs a constant positive step to be "
                            "differentiated");

  // Iteration j of the reversed loop re-runs forward iteration
  // last - (i - lb), where last = lb + ((ub - lb - 1) / step) * step.
  Location loc = loop.getLoc();
  Value lb = loop.getLowerBound(), ub = loop.getUpperBound(),
        stepValue = loop.getStep();
  Value oneIndex = arith::ConstantIndexOp::create(builder, loc, 1);
  Value span = arith::SubIOp::create(
      builder, loc, arith::SubIOp::create(builder, loc, ub, lb), oneIndex);
  Value last = arith::AddIOp::create(
      builder, loc, lb,
      arith::MulIOp::create(
          builder, loc, arith::DivSIOp::create(builder, loc, span, stepValue),
          stepValue));
  auto reversed = scf::ForOp::create(builder, loc, lb, ub, stepValue);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(reversed.getBody());
  Value forwardIteration = arith::SubIOp::create(
      builder, loc, arith::AddIOp::create(builder, loc, last, lb),
      reversed.getInductionVar());

  llvm::SaveAndRestore<Value> saveFirst(
      firstIteration,
      arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::eq,
                            forwardIteration, lb));

  // Recompute the iteration...
  IRMapping mapping;
  mapping.map(loop.getInductionVar(), forwardIteration);
  SmallVector<Operation *> recomputed;
  for (Operation &op : loop.getBody()->without_terminator())
    recomputed.push_back(builder.clone(op, mapping));
  // ...then differentiate it.
  for (Operation *op : llvm::reverse(recomputed))
    if (failed(differentiate(op, lossAdjoint, numOps)))
      return failure();
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
  else if (auto loop = dyn_cast<scf::ForOp>(op))
    return adjointOf(loop, lossAdjoint, numOps);
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

    for (DeclareAdjointOp op : declarations)
      if (op.getWanted() && failed(verifyNeverWritten(op)))
        return failure();

    OpBuilder builder(loss->getContext());
    builder.setInsertionPointAfter(loss);
    AdjointBuilder adjoints(builder, truncate);
    for (DeclareAdjointOp op : declarations)
      adjoints.declare(op.getPrimal(), op.getAdjoint(), op.getWanted());
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
        buildIfThen(builder, loc, op.getWanted(), [&] {
          linalg::FillOp::create(builder, loc, zero, op.getAdjoint());
        });
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

  /// A conditional adjoint is left unset when it is not wanted, which is
  /// only sound if no backward op reads it: its primal must be a buffer no
  /// op writes, directly or through a view (the backward ops then only
  /// accumulate into its adjoint).
  static LogicalResult verifyNeverWritten(DeclareAdjointOp declaration) {
    SmallVector<Value> buffers = {declaration.getPrimal()};
    for (size_t i = 0; i < buffers.size(); ++i) {
      for (Operation *user : buffers[i].getUsers()) {
        if (isAdjointView(user)) {
          buffers.push_back(user->getResult(0));
          continue;
        }
        if (!isa<DeclareAdjointOp>(user) &&
            mightHaveEffect<MemoryEffects::Write>(user, buffers[i])) {
          InFlightDiagnostic diag = declaration.emitOpError(
              "declares a conditional adjoint for a buffer that is written");
          diag.attachNote(user->getLoc()) << "written here";
          return diag;
        }
      }
    }
    return success();
  }
};

} // namespace

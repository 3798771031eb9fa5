//===- ExpandStackedRnn.cpp - Split stacked RNNs into layers --------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the rnn-expand-stacked pass: every rnn.stacked_rnn
// becomes one rnn.layer per layer and direction, wired through the op's
// scratch buffer and h_n, in the order PyTorch evaluates them.
//
//===----------------------------------------------------------------------===//

#include "rnn/Passes.h"
#include "rnn/RnnUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace rnn {
#define GEN_PASS_DEF_RNNEXPANDSTACKED
#include "rnn/Passes.h.inc"
} // namespace rnn
} // namespace mlir

using namespace mlir;
using namespace mlir::rnn;

namespace {

/// Hands out consecutive matrices of a weight scratch buffer (see
/// rnn.stacked_rnn), each with its rows padded to getPaddedWeightStride.
class WeightScratchMatrices {
public:
  WeightScratchMatrices(OpBuilder &builder, Location loc, Value scratch)
      : builder(builder), loc(loc), scratch(scratch) {}

  /// A (rows, columns) view of the next rows * stride floats.
  Value next(int64_t rows, int64_t columns) {
    int64_t stride = getPaddedWeightStride(columns);
    OpFoldResult zero = builder.getIndexAttr(0), one = builder.getIndexAttr(1);
    Value flat = memref::SubViewOp::create(
        builder, loc, scratch,
        ArrayRef<OpFoldResult>{builder.getIndexAttr(offset)},
        ArrayRef<OpFoldResult>{builder.getIndexAttr(rows * stride)},
        ArrayRef<OpFoldResult>{one});
    offset += rows * stride;
    Value padded = memref::ExpandShapeOp::create(
        builder, loc, ArrayRef<int64_t>{rows, stride}, flat,
        ArrayRef<ReassociationIndices>{{0, 1}});
    return viewSlice(
        builder, loc, padded, {zero, zero},
        {builder.getIndexAttr(rows), builder.getIndexAttr(columns)}, {0, 1});
  }

private:
  OpBuilder &builder;
  Location loc;
  Value scratch;
  int64_t offset = 0;
};

/// Rewrites one rnn.stacked_rnn into its layers.
struct StackedRnnLowering : public OpRewritePattern<StackedRnnOp> {
  StackedRnnLowering(MLIRContext *context, llvm::Statistic &numLayersCreated)
      : OpRewritePattern(context), numLayersCreated(numLayersCreated) {}

  LogicalResult matchAndRewrite(StackedRnnOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t layers = op.getNumLayers();
    int64_t dirs = op.getNumDirections();
    int64_t hidden = op.getHiddenSize();
    Value input = op.getInput();

    OpFoldResult zero = rewriter.getIndexAttr(0);
    OpFoldResult one = rewriter.getIndexAttr(1);
    OpFoldResult seqLen = dimAsFoldResult(rewriter, loc, input, 0);
    OpFoldResult batch = dimAsFoldResult(rewriter, loc, input, 1);
    OpFoldResult hiddenSize = rewriter.getIndexAttr(hidden);
    OpFoldResult width = rewriter.getIndexAttr(hidden * dirs);

    // Inner layer l writes slice l % S of the scratch buffer: with S = 2 the
    // layers alternate (layer l reads layer l-1's output while writing its
    // own); with S = L-1 every inner output is kept for the backward pass.
    int64_t slices = 0;
    if (Value scratch = op.getScratch()) {
      slices = cast<MemRefType>(scratch.getType()).getDimSize(0);
      if (ShapedType::isDynamic(slices))
        return op.emitOpError("needs a scratch buffer with a static number of "
                              "slices");
    }
    auto scratchSlice = [&](Value buffer, int64_t slice) {
      return viewSlice(rewriter, loc, buffer,
                       {rewriter.getIndexAttr(slice), zero, zero, zero},
                       {one, seqLen, batch, width}, {1, 2, 3});
    };

    // Each layer and direction takes the next (I, H) and (H, H) matrices of
    // the weight scratch buffer for its transposed weights.
    WeightScratchMatrices scratchMatrices(rewriter, loc, op.getWeightScratch());
    auto nextTransposedWeight = [&](Value weight) -> Value {
      auto shape = cast<MemRefType>(weight.getType()).getShape();
      return scratchMatrices.next(shape[1], shape[0]);
    };

    Value zeroF = arith::ConstantOp::create(rewriter, loc,
                                            rewriter.getF32FloatAttr(0.0f));
    Value layerInput = input;
    for (int64_t l = 0; l < layers; ++l) {
      Value layerOutput = l == layers - 1
                              ? op.getOutput()
                              : scratchSlice(op.getScratch(), l % slices);
      for (int64_t d = 0; d < dirs; ++d) {
        OpFoldResult row = rewriter.getIndexAttr(l * dirs + d);
        Value state = viewSlice(rewriter, loc, op.getHN(), {row, zero, zero},
                                {one, batch, hiddenSize}, {1, 2});
        if (Value h0 = op.getH0()) {
          Value initial = viewSlice(rewriter, loc, h0, {row, zero, zero},
                                    {one, batch, hiddenSize}, {1, 2});
          linalg::CopyOp::create(rewriter, loc, initial, state);
        } else {
          linalg::FillOp::create(rewriter, loc, zeroF, state);
        }
        Value directionOutput =
            viewSlice(rewriter, loc, layerOutput,
                      {zero, zero, rewriter.getIndexAttr(d * hidden)},
                      {seqLen, batch, hiddenSize}, {0, 1, 2});
        Value biasIH = op.getBias() ? op.getWeight(l, d, 2) : Value();
        Value biasHH = op.getBias() ? op.getWeight(l, d, 3) : Value();
        Value transposedIH, transposedHH;
        if (op.getWeightScratch()) {
          transposedIH = nextTransposedWeight(op.getWeight(l, d, 0));
          transposedHH = nextTransposedWeight(op.getWeight(l, d, 1));
        }
        LayerOp::create(rewriter, loc, layerInput, op.getLengths(),
                        op.getWeight(l, d, 0), op.getWeight(l, d, 1), biasIH,
                        biasHH, directionOutput, state, transposedIH,
                        transposedHH, op.getNonlinearity(),
                        /*reverse=*/d == 1);
        ++numLayersCreated;
      }
      layerInput = layerOutput;
    }
    rewriter.eraseOp(op);
    return success();
  }

  llvm::Statistic &numLayersCreated;
};

/// Rewrites one rnn.stacked_rnn_grad into per-layer rnn.layer_grad ops, from
/// the last layer down, reverse direction before forward within a layer
/// (the opposite of the forward order).
struct StackedRnnGradLowering : public OpRewritePattern<StackedRnnGradOp> {
  StackedRnnGradLowering(MLIRContext *context,
                         llvm::Statistic &numLayersCreated)
      : OpRewritePattern(context), numLayersCreated(numLayersCreated) {}

  LogicalResult matchAndRewrite(StackedRnnGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (!op.getH0())
      return op.emitOpError("needs the initial states (h0) to expand");
    int64_t layers = op.getNumLayers();
    int64_t dirs = op.getNumDirections();
    int64_t hidden = op.getHiddenSize();
    Value input = op.getInput();

    OpFoldResult zero = rewriter.getIndexAttr(0);
    OpFoldResult one = rewriter.getIndexAttr(1);
    OpFoldResult seqLen = dimAsFoldResult(rewriter, loc, input, 0);
    OpFoldResult batch = dimAsFoldResult(rewriter, loc, input, 1);
    OpFoldResult hiddenSize = rewriter.getIndexAttr(hidden);
    OpFoldResult width = rewriter.getIndexAttr(hidden * dirs);
    auto slice = [&](Value buffer, int64_t index) {
      return viewSlice(rewriter, loc, buffer,
                       {rewriter.getIndexAttr(index), zero, zero, zero},
                       {one, seqLen, batch, width}, {1, 2, 3});
    };
    auto stateRow = [&](Value buffer, int64_t row) {
      return viewSlice(rewriter, loc, buffer,
                       {rewriter.getIndexAttr(row), zero, zero},
                       {one, batch, hiddenSize}, {1, 2});
    };
    auto direction = [&](Value buffer, int64_t d) {
      return viewSlice(rewriter, loc, buffer,
                       {zero, zero, rewriter.getIndexAttr(d * hidden)},
                       {seqLen, batch, hiddenSize}, {0, 1, 2});
    };

    // With weight scratch, the backward products read copies of the weights
    // with padded rows (like the forward's transposed ones): a GEMM kernel
    // walking down a column panel of a matrix with power-of-two rows would
    // hit only a few cache sets.
    // The copy is made only when (`wanted`, a run-time flag where present)
    // the backward reads the weight: layer 0's W_ih serves only the input
    // gradient, which the caller may not ask for.
    WeightScratchMatrices scratchMatrices(rewriter, loc, op.getWeightScratch());
    auto paddedWeight = [&](Value weight, Value wanted) -> Value {
      if (!op.getWeightScratch())
        return weight;
      auto shape = cast<MemRefType>(weight.getType()).getShape();
      Value copy = scratchMatrices.next(shape[0], shape[1]);
      buildIfThen(rewriter, loc, wanted,
                  [&] { linalg::CopyOp::create(rewriter, loc, weight, copy); });
      return copy;
    };

    Value zeroF = arith::ConstantOp::create(rewriter, loc,
                                            rewriter.getF32FloatAttr(0.0f));
    for (int64_t l = layers - 1; l >= 0; --l) {
      // Layer l's input and output in the forward pass, and their adjoints
      // (inner layer l's output and its adjoint are scratch slice l).
      Value layerInput = l == 0 ? input : slice(op.getScratch(), l - 1);
      Value layerOutput =
          l == layers - 1 ? op.getOutput() : slice(op.getScratch(), l);
      Value outputGrad =
          l == layers - 1 ? op.getOutputGrad() : slice(op.getScratchGrad(), l);
      Value inputGrad =
          l == 0 ? op.getInputGrad() : slice(op.getScratchGrad(), l - 1);
      // Both directions accumulate into the layer's input gradient.
      if (l > 0)
        linalg::FillOp::create(rewriter, loc, zeroF, inputGrad);
      for (int64_t d = dirs - 1; d >= 0; --d) {
        int64_t row = l * dirs + d;
        Value stateGrad = stateRow(op.getHNGrad(), row);
        Value biasIHGrad = op.getBias() ? op.getWeightGrad(l, d, 2) : Value();
        Value biasHHGrad = op.getBias() ? op.getWeightGrad(l, d, 3) : Value();
        // One statement per view keeps the IR in a fixed order.
        Value initialState = stateRow(op.getH0(), row);
        Value directionOutput = direction(layerOutput, d);
        Value directionOutputGrad = direction(outputGrad, d);
        Value inputGradWanted = l == 0 ? op.getInputGradWanted() : Value();
        // Without an input gradient, the backward never reads W_ih.
        Value weightIH =
            inputGrad ? paddedWeight(op.getWeight(l, d, 0), inputGradWanted)
                      : op.getWeight(l, d, 0);
        Value weightHH = paddedWeight(op.getWeight(l, d, 1), Value());
        LayerGradOp::create(
            rewriter, loc, layerInput, op.getLengths(), initialState, weightIH,
            weightHH, directionOutput, directionOutputGrad, stateGrad,
            inputGrad, inputGradWanted, op.getWeightGrad(l, d, 0),
            op.getWeightGrad(l, d, 1), biasIHGrad, biasHHGrad,
            op.getNonlinearity(), /*reverse=*/d == 1, op.getTruncate());
        linalg::CopyOp::create(rewriter, loc, stateGrad,
                               stateRow(op.getH0Grad(), row));
        ++numLayersCreated;
      }
    }
    rewriter.eraseOp(op);
    return success();
  }

  llvm::Statistic &numLayersCreated;
};

struct RnnExpandStackedPass
    : public rnn::impl::RnnExpandStackedBase<RnnExpandStackedPass> {
  void runOnOperation() override {
    ConversionTarget target(getContext());
    target.addIllegalOp<StackedRnnOp, StackedRnnGradOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    patterns.add<StackedRnnLowering, StackedRnnGradLowering>(&getContext(),
                                                             numLayersCreated);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

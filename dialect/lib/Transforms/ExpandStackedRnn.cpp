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

    // Inner layers write to alternating halves of the scratch buffer so that
    // layer l reads layer l-1's output while writing its own.
    auto scratchHalf = [&](int64_t half) {
      return viewSlice(rewriter, loc, op.getScratch(),
                       {rewriter.getIndexAttr(half), zero, zero, zero},
                       {one, seqLen, batch, width}, {1, 2, 3});
    };

    Value zeroF = arith::ConstantOp::create(rewriter, loc,
                                            rewriter.getF32FloatAttr(0.0f));
    Value layerInput = input;
    for (int64_t l = 0; l < layers; ++l) {
      Value layerOutput = l == layers - 1 ? op.getOutput() : scratchHalf(l % 2);
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
        LayerOp::create(rewriter, loc, layerInput, op.getLengths(),
                        op.getWeight(l, d, 0), op.getWeight(l, d, 1), biasIH,
                        biasHH, directionOutput, state, op.getNonlinearity(),
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

struct RnnExpandStackedPass
    : public rnn::impl::RnnExpandStackedBase<RnnExpandStackedPass> {
  void runOnOperation() override {
    ConversionTarget target(getContext());
    target.addIllegalOp<StackedRnnOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    patterns.add<StackedRnnLowering>(&getContext(), numLayersCreated);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

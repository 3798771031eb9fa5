//===- FillCopyKernels.cpp - Out-of-line buffer fills and copies ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the linalg.fill and linalg.copy part of
// convert-rnn-to-scf. An entry point fills and copies a few buffers per
// layer before and after the layers run: the initial states, the gradients
// it zeroes, the padded copies of the weights for the backward. Each became
// a loop nest of its own in the entry function, so a 32-layer bidirectional
// model's loss_and_grad held a thousand loops, and LLVM's loop passes and
// code generator, whose work per loop grows with the function, spent most
// of the compile on them. Outlined, every fill or copy of one shape is one
// call of one small noinline function (`__rnn_fill_<shape>`,
// `__rnn_copy_<shapes>`), which convert-linalg-to-loops lowers once.
//
// Only ops outside loops are outlined: inside a time loop (a window's reset
// of the carried gradient) the loop nest stays where LLVM can fuse and
// hoist it, and what it costs the compile is paid once per loop anyway.
//
//===----------------------------------------------------------------------===//

#include "Outline.h"
#include "rnn/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

using namespace mlir;
using namespace mlir::rnn;

bool rnn::isOutlinedFillOrCopy(Operation *op, const MatmulTiling &tiling) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!tiling.outlineKernels || !linalgOp ||
      !isa<linalg::FillOp, linalg::CopyOp>(op) ||
      !linalgOp.hasPureBufferSemantics() || isInOutlinedKernel(op))
    return false;
  // In straight-line code of its function: no loop between the two.
  for (Operation *parent = op->getParentOp();
       parent && !isa<FunctionOpInterface>(parent);
       parent = parent->getParentOp())
    if (isa<LoopLikeOpInterface>(parent))
      return false;
  return true;
}

namespace {

template <typename OpTy>
struct FillCopyOutlining : public OpRewritePattern<OpTy> {
  FillCopyOutlining(MLIRContext *context, StringRef prefix,
                    const MatmulTiling &tiling)
      : OpRewritePattern<OpTy>(context), prefix(prefix), tiling(tiling) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (!isOutlinedFillOrCopy(op, tiling))
      return failure();
    // noinline: the inliner would copy the small loop nest back into every
    // call site, which is what this is for avoiding.
    outlineIntoKernel(op, kernelNameForOperands(prefix, op), rewriter,
                      /*noInline=*/true);
    return success();
  }

  StringRef prefix;
  MatmulTiling tiling;
};

} // namespace

void rnn::populateRnnFillCopyToScfConversionPatterns(
    RewritePatternSet &patterns, const MatmulTiling &tiling) {
  patterns.add<FillCopyOutlining<linalg::FillOp>>(patterns.getContext(),
                                                  "__rnn_fill", tiling);
  patterns.add<FillCopyOutlining<linalg::CopyOp>>(patterns.getContext(),
                                                  "__rnn_copy", tiling);
}

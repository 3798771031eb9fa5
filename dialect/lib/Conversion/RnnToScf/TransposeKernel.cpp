//===- TransposeKernel.cpp - 2-D linalg.transpose to vector blocks --------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the linalg.transpose part of convert-rnn-to-scf: the
// transposes of the weight matrices into weight scratch that every forward
// pass of a layer starts with (convert-rnn-to-loops).
//
// convert-linalg-to-loops would make them scalar loops, which LLVM
// vectorizes with gathers: a 16-lane gather per 16 elements, which took a
// quarter of the batch-1 forward pass. Instead the matrix runs in blocks of
// W x W elements (W = vector-width): W row vectors are loaded, split into
// their elements (vector.to_elements) and regrouped into W column vectors
// (vector.from_elements), which are stored as rows of the result. LLVM's
// backend turns the element moves into shuffles (vpermt2ps and the like
// with AVX-512), about 4x faster than the gathers. The rows and columns
// past the last full block are copied element by element.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"
#include "Outline.h"
#include "rnn/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::rnn;

bool rnn::isVectorizableTranspose(linalg::TransposeOp op,
                                  const MatmulTiling &tiling) {
  if (tiling.vectorWidth <= 0 || !op.hasPureBufferSemantics())
    return false;
  // Row vectors need rows with unit stride, on both sides.
  auto unitRowStride = [](Value memref) {
    auto type = cast<MemRefType>(memref.getType());
    return type.getStridesAndOffset().first.back() == 1;
  };
  auto type = dyn_cast<MemRefType>(op.getInput().getType());
  return type && type.getRank() == 2 && type.getElementType().isF32() &&
         type.hasStaticShape() &&
         op.getPermutation() == ArrayRef<int64_t>{1, 0} &&
         unitRowStride(op.getInput()) && unitRowStride(op.getInit());
}

namespace {

struct TransposeLowering : public OpRewritePattern<linalg::TransposeOp> {
  TransposeLowering(MLIRContext *context, const MatmulTiling &tiling)
      : OpRewritePattern(context), tiling(tiling) {
    // Outlining clones the op into its kernel function, where this pattern
    // lowers it in place: one level of recursion.
    setHasBoundedRewriteRecursion();
  }

  LogicalResult matchAndRewrite(linalg::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    if (!isVectorizableTranspose(op, tiling))
      return failure();
    // The unrolled blocks are costly for LLVM's instruction selection (a
    // second per basic model when every transpose of every entry point had
    // its own): one noinline function per shape, like the GEMM kernels.
    if (tiling.outlineKernels && !isInOutlinedKernel(op)) {
      outlineIntoKernel(op, kernelNameForOperands("__rnn_transpose", op),
                        rewriter, /*noInline=*/true);
      return success();
    }
    KernelBuilder kb(rewriter, op.getLoc());
    Value input = op.getInput(), init = op.getInit();
    auto shape = cast<MemRefType>(input.getType()).getShape();
    int64_t width = tiling.vectorWidth;
    int64_t blockRows = shape[0] / width * width;
    int64_t blockColumns = shape[1] / width * width;

    // for (i, j) in [begin, end): init[j, i] = input[i, j]
    auto copyElements = [&](int64_t rowBegin, int64_t rowEnd,
                            int64_t columnBegin, int64_t columnEnd) {
      if (rowBegin == rowEnd || columnBegin == columnEnd)
        return;
      kb.forRange(rowBegin, rowEnd, 1, [&](Value i) {
        kb.forRange(columnBegin, columnEnd, 1, [&](Value j) {
          kb.store(kb.load(input, {i, j}), init, {j, i});
        });
      });
    };
    if (blockRows > 0 && blockColumns > 0)
      kb.forRange(0, blockRows, width, [&](Value i) {
        kb.forRange(0, blockColumns, width,
                    [&](Value j) { emitBlock(kb, input, init, i, j); });
      });
    copyElements(0, blockRows, blockColumns, shape[1]);
    copyElements(blockRows, shape[0], 0, shape[1]);
    rewriter.eraseOp(op);
    return success();
  }

  /// The W x W block at (row, column) of input, transposed in registers
  /// into init at (column, row): W row vectors split into their elements,
  /// and W column vectors built from them.
  void emitBlock(KernelBuilder &kb, Value input, Value init, Value row,
                 Value column) const {
    OpBuilder &b = kb.builder;
    Location loc = kb.loc;
    int64_t width = tiling.vectorWidth;
    auto vectorType = VectorType::get({width}, b.getF32Type());
    SmallVector<ValueRange> rows;
    for (int64_t r = 0; r < width; ++r) {
      Value at = arith::AddIOp::create(b, loc, row, kb.index(r));
      Value vector = vector::LoadOp::create(b, loc, vectorType, input,
                                            ValueRange{at, column});
      rows.push_back(vector::ToElementsOp::create(b, loc, vector).getResults());
    }
    for (int64_t c = 0; c < width; ++c) {
      SmallVector<Value> elements;
      for (ValueRange elementsOfRow : rows)
        elements.push_back(elementsOfRow[c]);
      Value at = arith::AddIOp::create(b, loc, column, kb.index(c));
      Value vector =
          vector::FromElementsOp::create(b, loc, vectorType, elements);
      vector::StoreOp::create(b, loc, vector, init, ValueRange{at, row});
    }
  }

  MatmulTiling tiling;
};

} // namespace

void rnn::populateRnnTransposeToScfConversionPatterns(
    RewritePatternSet &patterns, const MatmulTiling &tiling) {
  patterns.add<TransposeLowering>(patterns.getContext(), tiling);
}

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
// W x W elements (W = vector-width): W row vectors are loaded, transposed
// in registers and stored as W rows of the result. For a power-of-two W
// the register transpose is log2(W) stages of W two-input shuffles
// (vector.shuffle), each one instruction on x86; for other widths the rows
// are split into their elements and the columns rebuilt from them. The rows
// and columns past the last full block are copied element by element.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"
#include "Outline.h"
#include "rnn/Passes.h"
#include "rnn/RnnUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/MathExtras.h"

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
    auto blockRow = [&](Value i) {
      kb.forRange(0, blockColumns, width,
                  [&](Value j) { emitBlock(kb, input, init, i, j); });
    };
    if (blockRows > 0 && blockColumns > 0) {
      OpBuilder::InsertionGuard guard(rewriter);
      if (tiling.parallel && blockRows * blockColumns >= kMinParallelElements) {
        // The rows of blocks are independent: on every thread when there
        // are several (batch-1 models otherwise transpose on one core
        // while the others wait), else the plain loop below.
        Value threads = createMaxThreadsCall(rewriter, op.getLoc(),
                                             op->getParentOfType<ModuleOp>());
        Value several = arith::CmpIOp::create(rewriter, op.getLoc(),
                                              arith::CmpIPredicate::sgt,
                                              threads, kb.index(1));
        auto choice = scf::IfOp::create(rewriter, op.getLoc(), several,
                                        /*withElseRegion=*/true);
        rewriter.setInsertionPointToStart(choice.thenBlock());
        auto rows = scf::ParallelOp::create(
            rewriter, op.getLoc(), ValueRange{kb.index(0)},
            ValueRange{kb.index(blockRows)}, ValueRange{kb.index(width)});
        rewriter.setInsertionPointToStart(rows.getBody());
        blockRow(rows.getInductionVars()[0]);
        rewriter.setInsertionPointToStart(choice.elseBlock());
      }
      kb.forRange(0, blockRows, width, blockRow);
    }
    copyElements(0, blockRows, blockColumns, shape[1]);
    copyElements(blockRows, shape[0], 0, shape[1]);
    rewriter.eraseOp(op);
    return success();
  }

  /// The W x W block at (row, column) of input, transposed in registers
  /// into init at (column, row).
  void emitBlock(KernelBuilder &kb, Value input, Value init, Value row,
                 Value column) const {
    OpBuilder &b = kb.builder;
    Location loc = kb.loc;
    int64_t width = tiling.vectorWidth;
    auto vectorType = VectorType::get({width}, b.getF32Type());
    SmallVector<Value> vectors;
    for (int64_t r = 0; r < width; ++r) {
      Value at = arith::AddIOp::create(b, loc, row, kb.index(r));
      vectors.push_back(vector::LoadOp::create(b, loc, vectorType, input,
                                               ValueRange{at, column}));
    }
    if (llvm::isPowerOf2_64(width))
      transposeByBlockSwaps(b, loc, vectors);
    else
      transposeByElements(b, loc, vectors);
    for (int64_t c = 0; c < width; ++c) {
      Value at = arith::AddIOp::create(b, loc, column, kb.index(c));
      vector::StoreOp::create(b, loc, vectors[c], init, ValueRange{at, row});
    }
  }

  /// Transposes the W x W matrix whose rows are `vectors` (W a power of
  /// two) in log2(W) stages of W two-input shuffles each. The stage of
  /// block size s swaps, for every pair of rows i and i + s (bit s of i
  /// clear), the s x s blocks off the diagonal of each 2s x 2s block those
  /// rows cross:
  ///   new[i]     = [r_i[0, s),  r_{i+s}[0, s),  r_i[2s, 3s),  ...]
  ///   new[i + s] = [r_i[s, 2s), r_{i+s}[s, 2s), r_i[3s, 4s),  ...]
  /// which exchanges bit s of each element's row index with bit s of its
  /// column index; the log2(W) stages together exchange the whole indices.
  /// Each shuffle is one instruction on x86 (vshuff64x2 and vshuff32x4 for
  /// the 256- and 128-bit blocks, unpcklpd for pairs, vpermt2ps for single
  /// elements with AVX-512): 64 for a 16 x 16 block, where splitting the
  /// rows into elements and rebuilding the columns took LLVM about 170.
  static void transposeByBlockSwaps(OpBuilder &b, Location loc,
                                    MutableArrayRef<Value> vectors) {
    int64_t width = vectors.size();
    for (int64_t size = width / 2; size >= 1; size /= 2) {
      SmallVector<int64_t> lowMask, highMask;
      for (int64_t p = 0; p < width; ++p) {
        int64_t base = p / (2 * size) * (2 * size), within = p % (2 * size);
        // Indices from width on select from the second operand (row i + s).
        bool fromFirst = within < size;
        lowMask.push_back(fromFirst ? base + within
                                    : width + base + within - size);
        highMask.push_back(fromFirst ? base + size + within
                                     : width + base + within);
      }
      for (int64_t i = 0; i < width; ++i) {
        if (i & size)
          continue;
        Value first = vectors[i], second = vectors[i + size];
        vectors[i] = vector::ShuffleOp::create(b, loc, first, second, lowMask);
        vectors[i + size] =
            vector::ShuffleOp::create(b, loc, first, second, highMask);
      }
    }
  }

  /// Transposes the W x W matrix whose rows are `vectors` through its
  /// elements: every row split (vector.to_elements), every column rebuilt
  /// (vector.from_elements). For widths that are not powers of two.
  static void transposeByElements(OpBuilder &b, Location loc,
                                  MutableArrayRef<Value> vectors) {
    auto vectorType = cast<VectorType>(vectors.front().getType());
    SmallVector<ValueRange> rows;
    for (Value vector : vectors)
      rows.push_back(vector::ToElementsOp::create(b, loc, vector).getResults());
    for (size_t c = 0; c < vectors.size(); ++c) {
      SmallVector<Value> elements;
      for (ValueRange elementsOfRow : rows)
        elements.push_back(elementsOfRow[c]);
      vectors[c] = vector::FromElementsOp::create(b, loc, vectorType, elements);
    }
  }

  /// Elements in full blocks from which a transpose runs on all threads
  /// (with `parallel`): 256 x 256, the batch-1 benchmark's weights.
  static constexpr int64_t kMinParallelElements = 256 * 256;

  MatmulTiling tiling;
};

} // namespace

void rnn::populateRnnTransposeToScfConversionPatterns(
    RewritePatternSet &patterns, const MatmulTiling &tiling) {
  patterns.add<TransposeLowering>(patterns.getContext(), tiling);
}

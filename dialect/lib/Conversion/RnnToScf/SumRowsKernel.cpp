//===- SumRowsKernel.cpp - rnn.sum_rows to vector loops -------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the rnn.sum_rows part of convert-rnn-to-scf: column
// sums over every row of a buffer, added to one or more vectors (a layer's
// bias gradients).
//
// The columns run in chunks of tile-vectors vectors of vector-width lanes;
// a chunk's sums stay in registers (scf.for iter_args) while the rows
// stream past, and are added to each output once at the end. Columns left
// over form one narrower chunk whose last vector is masked. Each column
// sums its rows in order, exactly as the scalar loops of vector-width=0 do,
// so both give the same bits.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"
#include "rnn/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::rnn;

namespace {

struct SumRowsLowering : public OpRewritePattern<SumRowsOp> {
  SumRowsLowering(MLIRContext *context, const MatmulTiling &tiling)
      : OpRewritePattern(context), tiling(tiling) {}

  LogicalResult matchAndRewrite(SumRowsOp op,
                                PatternRewriter &rewriter) const override {
    KernelBuilder kb(rewriter, op.getLoc());
    auto inputType = cast<MemRefType>(op.getInput().getType());
    int64_t columns = inputType.getDimSize(inputType.getRank() - 1);
    if (tiling.vectorWidth > 0 && !ShapedType::isDynamic(columns))
      emitVector(kb, op, columns);
    else
      emitScalar(kb, op);
    rewriter.eraseOp(op);
    return success();
  }

  /// Carries `init` through loops over every row of `input`, `body(row,
  /// values)` giving the next values; `row` holds the leading indices.
  static SmallVector<Value>
  overRows(KernelBuilder &kb, Value input, ValueRange init,
           function_ref<SmallVector<Value>(ValueRange, ValueRange)> body) {
    unsigned leading = cast<MemRefType>(input.getType()).getRank() - 1;
    SmallVector<Value> row;
    std::function<SmallVector<Value>(unsigned, ValueRange)> nest =
        [&](unsigned d, ValueRange values) -> SmallVector<Value> {
      if (d == leading)
        return body(row, values);
      auto loop = scf::ForOp::create(kb.builder, kb.loc, kb.index(0),
                                     kb.dim(input, d), kb.index(1), values);
      OpBuilder::InsertionGuard guard(kb.builder);
      kb.builder.setInsertionPointToStart(loop.getBody());
      row.push_back(loop.getInductionVar());
      SmallVector<Value> next = nest(d + 1, loop.getRegionIterArgs());
      row.pop_back();
      scf::YieldOp::create(kb.builder, kb.loc, next);
      return SmallVector<Value>(loop.getResults());
    };
    return nest(0, init);
  }

  /// for n: s = sum over rows of input[row, n]; out[n] += s for each out
  static void emitScalar(KernelBuilder &kb, SumRowsOp op) {
    Value input = op.getInput();
    unsigned rank = cast<MemRefType>(input.getType()).getRank();
    kb.forEach(kb.dim(input, rank - 1), [&](Value n) {
      Value sum = overRows(
          kb, input, {kb.f32(0)}, [&](ValueRange row, ValueRange sums) {
            SmallVector<Value> at(row);
            at.push_back(n);
            return SmallVector<Value>{kb.add(sums[0], kb.load(input, at))};
          })[0];
      for (Value out : op.getOuts())
        kb.store(kb.add(kb.load(out, {n}), sum), out, {n});
    });
  }

  void emitVector(KernelBuilder &kb, SumRowsOp op, int64_t columns) const {
    OpBuilder &b = kb.builder;
    Location loc = kb.loc;
    int64_t width = tiling.vectorWidth;
    auto vectorType = VectorType::get({width}, b.getF32Type());
    auto maskType = VectorType::get({width}, b.getI1Type());
    Value zero = arith::ConstantOp::create(
        b, loc, vectorType, DenseElementsAttr::get(vectorType, 0.0f));
    Value input = op.getInput();

    // The columns [column, column + numVectors * width), the last vector
    // masked to `lastLanes` lanes when nonzero.
    auto chunk = [&](Value column, int64_t numVectors, int64_t lastLanes) {
      Value mask;
      if (lastLanes) {
        SmallVector<bool> enabled(width, false);
        std::fill_n(enabled.begin(), lastLanes, true);
        mask = arith::ConstantOp::create(
            b, loc, maskType, DenseElementsAttr::get(maskType, enabled));
      }
      SmallVector<Value> at;
      for (int64_t v = 0; v < numVectors; ++v)
        at.push_back(
            arith::AddIOp::create(b, loc, column, kb.index(v * width)));
      auto load = [&](Value memref, ValueRange indices, int64_t v) -> Value {
        if (v + 1 == numVectors && mask)
          return vector::MaskedLoadOp::create(b, loc, vectorType, memref,
                                              indices, mask, zero);
        return vector::LoadOp::create(b, loc, vectorType, memref, indices);
      };
      SmallVector<Value> init(numVectors, zero);
      SmallVector<Value> sums =
          overRows(kb, input, init, [&](ValueRange row, ValueRange acc) {
            SmallVector<Value> next;
            for (int64_t v = 0; v < numVectors; ++v) {
              SmallVector<Value> indices(row);
              indices.push_back(at[v]);
              next.push_back(kb.add(acc[v], load(input, indices, v)));
            }
            return next;
          });
      for (Value out : op.getOuts())
        for (int64_t v = 0; v < numVectors; ++v) {
          Value total = kb.add(load(out, at[v], v), sums[v]);
          if (v + 1 == numVectors && mask)
            vector::MaskedStoreOp::create(b, loc, out, at[v], mask, total);
          else
            vector::StoreOp::create(b, loc, total, out, at[v]);
        }
    };

    int64_t chunkWidth = width * tiling.tileVectors;
    int64_t fullChunks = columns / chunkWidth;
    if (fullChunks > 0) {
      auto loop = scf::ForOp::create(b, loc, kb.index(0),
                                     kb.index(fullChunks * chunkWidth),
                                     kb.index(chunkWidth));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      chunk(loop.getInductionVar(), tiling.tileVectors, 0);
    }
    if (int64_t leftover = columns % chunkWidth)
      chunk(kb.index(fullChunks * chunkWidth),
            llvm::divideCeil(leftover, width), leftover % width);
  }

  MatmulTiling tiling;
};

} // namespace

void rnn::populateRnnSumRowsToScfConversionPatterns(
    RewritePatternSet &patterns, const MatmulTiling &tiling) {
  patterns.add<SumRowsLowering>(patterns.getContext(), tiling);
}

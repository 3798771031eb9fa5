//===- MatmulKernel.cpp - rnn.matmul to register-blocked vector loops -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the rnn.matmul part of convert-rnn-to-scf: the
// classic outer-product GEMM micro-kernel, written with the vector dialect.
//
// The result is computed in tiles of R rows by V vectors of W lanes (R =
// tile-rows, V = tile-vectors, W = vector-width). A tile's R*V accumulators
// live in registers (scf.for iter_args) across the whole reduction over k;
// each k step loads V vectors of one rhs row and broadcasts R lhs elements,
// then issues R*V fused multiply-adds. The bias, the accumulated result and
// the activation are applied to the registers before one store per vector,
// so the epilogue costs no extra pass over memory.
//
// Loop order: column panels of V*W outer, row tiles inner, so a panel of
// rhs (K x V*W floats) stays in cache while every row tile streams past it.
// Rows left over (M mod R) run through a one-row variant of the kernel,
// columns left over (N mod V*W) through a narrower panel whose last vector
// is masked. With vector-width=0 the op becomes plain scalar loops, the
// reference the vector kernel is tested against.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"
#include "rnn/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::rnn;

namespace {

/// Emits the loops of one rnn.matmul.
class MatmulEmitter {
public:
  MatmulEmitter(MatmulOp op, PatternRewriter &rewriter,
                const MatmulTiling &tiling)
      : op(op), kb(rewriter, op.getLoc()), b(rewriter), loc(op.getLoc()),
        tiling(tiling) {}

  /// for m, n: acc = bias[n] + (accumulate ? result[m, n] : 0)
  ///           for k: acc += lhs[m, k] * rhs[k, n]
  ///           result[m, n] = act(acc)
  void emitScalar() {
    Value lhs = op.getLhs(), rhs = op.getRhs(), result = op.getResult();
    Value depth = kb.dim(lhs, 1);
    kb.forEach(kb.dim(result, 0), [&](Value m) {
      kb.forEach(kb.dim(result, 1), [&](Value n) {
        Value acc = initialValue(
            op.getAccumulate() ? kb.load(result, {m, n}) : Value(),
            op.getBias() ? kb.load(op.getBias(), {n}) : Value(), kb.f32(0));
        acc = kb.reduce(depth, acc, [&](Value k, Value sum) {
          Value a = kb.load(lhs, {m, k});
          Value c = kb.load(rhs, {k, n});
          return kb.add(sum, kb.mul(a, c));
        });
        kb.store(activate(acc), result, {m, n});
      });
    });
  }

  /// The register-blocked vector kernel; needs a static N.
  void emitVector() {
    int64_t width = tiling.vectorWidth;
    int64_t panelWidth = width * tiling.tileVectors;
    int64_t columns = cast<MemRefType>(op.getResult().getType()).getDimSize(1);
    vectorType = VectorType::get({width}, b.getF32Type());
    maskType = VectorType::get({width}, b.getI1Type());
    zeroVector = arith::ConstantOp::create(
        b, loc, vectorType, DenseElementsAttr::get(vectorType, 0.0f));

    Value rows = kb.dim(op.getResult(), 0);
    Value rowTile = kb.index(tiling.tileRows);
    Value tiledRows = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, rows, rowTile), rowTile);
    auto panel = [&](Value column, int64_t numVectors, int64_t lastLanes) {
      forRange(kb.index(0), tiledRows, tiling.tileRows, [&](Value row) {
        emitTile(row, tiling.tileRows, column, numVectors, lastLanes);
      });
      forRange(tiledRows, rows, 1, [&](Value row) {
        emitTile(row, 1, column, numVectors, lastLanes);
      });
    };

    int64_t fullPanels = columns / panelWidth;
    if (fullPanels > 0)
      forRange(kb.index(0), kb.index(fullPanels * panelWidth), panelWidth,
               [&](Value column) { panel(column, tiling.tileVectors, 0); });
    int64_t leftover = columns % panelWidth;
    if (leftover > 0)
      panel(kb.index(fullPanels * panelWidth),
            llvm::divideCeil(leftover, width), leftover % width);
  }

private:
  /// for (iv = lower; iv < upper; iv += step) body(iv)
  void forRange(Value lower, Value upper, int64_t step,
                function_ref<void(Value)> body) {
    auto loop = scf::ForOp::create(b, loc, lower, upper, kb.index(step));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    body(loop.getInductionVar());
  }

  /// The accumulator's starting value: the old result and the bias, where
  /// present, else `zero`.
  Value initialValue(Value old, Value bias, Value zero) {
    if (old && bias)
      return kb.add(old, bias);
    return old ? old : bias ? bias : zero;
  }

  Value activate(Value acc) {
    std::optional<Nonlinearity> act = op.getNonlinearity();
    if (!act)
      return acc;
    if (*act == Nonlinearity::tanh)
      return math::TanhOp::create(b, loc, acc);
    Value zero = isa<VectorType>(acc.getType()) ? zeroVector : kb.f32(0);
    return arith::MaximumFOp::create(b, loc, acc, zero);
  }

  /// A mask enabling the first `lanes` lanes.
  Value laneMask(int64_t lanes) {
    SmallVector<bool> enabled(tiling.vectorWidth, false);
    std::fill_n(enabled.begin(), lanes, true);
    return arith::ConstantOp::create(b, loc, maskType,
                                     DenseElementsAttr::get(maskType, enabled));
  }

  /// Loads the vector at `indices` (its last index the first lane); with a
  /// mask, the disabled lanes read as zero and touch no memory.
  Value loadVector(Value memref, ValueRange indices, Value mask) {
    if (mask)
      return vector::MaskedLoadOp::create(b, loc, vectorType, memref, indices,
                                          mask, zeroVector);
    return vector::LoadOp::create(b, loc, vectorType, memref, indices);
  }

  void storeVector(Value value, Value memref, ValueRange indices, Value mask) {
    if (mask)
      vector::MaskedStoreOp::create(b, loc, memref, indices, mask, value);
    else
      vector::StoreOp::create(b, loc, value, memref, indices);
  }

  /// One tile: `numRows` rows from `row`, `numVectors` vectors from
  /// `column`, the last one masked to `lastLanes` lanes when nonzero.
  void emitTile(Value row, int64_t numRows, Value column, int64_t numVectors,
                int64_t lastLanes) {
    Value lhs = op.getLhs(), rhs = op.getRhs(), result = op.getResult();
    int64_t width = tiling.vectorWidth;
    Value tailMask = lastLanes ? laneMask(lastLanes) : Value();
    SmallVector<Value> columns, masks, rowIndices;
    for (int64_t v = 0; v < numVectors; ++v) {
      columns.push_back(
          arith::AddIOp::create(b, loc, column, kb.index(v * width)));
      masks.push_back(v + 1 == numVectors ? tailMask : Value());
    }
    for (int64_t r = 0; r < numRows; ++r)
      rowIndices.push_back(arith::AddIOp::create(b, loc, row, kb.index(r)));

    SmallVector<Value> biases(numVectors);
    if (Value bias = op.getBias())
      for (int64_t v = 0; v < numVectors; ++v)
        biases[v] = loadVector(bias, {columns[v]}, masks[v]);
    SmallVector<Value> init;
    for (int64_t r = 0; r < numRows; ++r)
      for (int64_t v = 0; v < numVectors; ++v) {
        Value old =
            op.getAccumulate()
                ? loadVector(result, {rowIndices[r], columns[v]}, masks[v])
                : Value();
        init.push_back(initialValue(old, biases[v], zeroVector));
      }

    auto loop = scf::ForOp::create(b, loc, kb.index(0), kb.dim(lhs, 1),
                                   kb.index(1), init);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value k = loop.getInductionVar();
      SmallVector<Value> rhsVectors;
      for (int64_t v = 0; v < numVectors; ++v)
        rhsVectors.push_back(loadVector(rhs, {k, columns[v]}, masks[v]));
      SmallVector<Value> next;
      for (int64_t r = 0; r < numRows; ++r) {
        Value scalar = kb.load(lhs, {rowIndices[r], k});
        Value splat = vector::BroadcastOp::create(b, loc, vectorType, scalar);
        for (int64_t v = 0; v < numVectors; ++v)
          next.push_back(vector::FMAOp::create(
              b, loc, splat, rhsVectors[v],
              loop.getRegionIterArgs()[r * numVectors + v]));
      }
      scf::YieldOp::create(b, loc, next);
    }
    for (int64_t r = 0; r < numRows; ++r)
      for (int64_t v = 0; v < numVectors; ++v)
        storeVector(activate(loop.getResult(r * numVectors + v)), result,
                    {rowIndices[r], columns[v]}, masks[v]);
  }

  MatmulOp op;
  KernelBuilder kb;
  OpBuilder &b;
  Location loc;
  const MatmulTiling &tiling;
  VectorType vectorType, maskType;
  Value zeroVector;
};

struct MatmulLowering : public OpRewritePattern<MatmulOp> {
  MatmulLowering(MLIRContext *context, const MatmulTiling &tiling)
      : OpRewritePattern(context), tiling(tiling) {}

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    MatmulEmitter emitter(op, rewriter, tiling);
    bool staticColumns =
        !cast<MemRefType>(op.getResult().getType()).isDynamicDim(1);
    if (tiling.vectorWidth > 0 && staticColumns)
      emitter.emitVector();
    else
      emitter.emitScalar();
    rewriter.eraseOp(op);
    return success();
  }

  MatmulTiling tiling;
};

} // namespace

void rnn::populateRnnMatmulToScfConversionPatterns(RewritePatternSet &patterns,
                                                   const MatmulTiling &tiling) {
  patterns.add<MatmulLowering>(patterns.getContext(), tiling);
}

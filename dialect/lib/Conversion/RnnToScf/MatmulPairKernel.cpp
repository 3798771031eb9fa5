//===- MatmulPairKernel.cpp - rnn.matmul_pair to one reduction loop -------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the rnn.matmul_pair part of convert-rnn-to-scf. Each
// of the two products is one register tile: every row of its result by
// every vector of W lanes, in accumulators (scf.for iter_args). One loop
// over k carries both tiles' accumulators and issues both products' loads,
// broadcasts and fused multiply-adds, so that an out-of-order core overlaps
// one product's waits on memory with the other's arithmetic; where the
// depths differ, the longer product finishes alone in a second loop. Every
// element is summed exactly as the rnn.matmul vector kernel sums it (the
// old result plus the bias, then k in order), so a pair and its two
// products one after the other give the same bits.
//
// A pair whose tiles would not fit in the registers the GEMM kernel's tile
// uses (tile-rows x tile-vectors accumulators), whose columns are not whole
// vectors, or that runs in scalar mode becomes its two rnn.matmul products
// instead, which the rnn.matmul lowering then handles.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"
#include "Outline.h"
#include "rnn/Passes.h"
#include "rnn/RnnUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::rnn;

namespace {

/// One product of a pair and the shape of its register tile.
struct ProductTile {
  Value lhs, rhs, bias, result;
  bool accumulate;
  std::optional<Nonlinearity> nonlinearity;
  int64_t rows, vectors, depth;

  ProductTile(Value lhs, Value rhs, Value bias, Value result, bool accumulate,
              std::optional<Nonlinearity> nonlinearity, int64_t width)
      : lhs(lhs), rhs(rhs), bias(bias), result(result), accumulate(accumulate),
        nonlinearity(nonlinearity) {
    auto resultType = cast<MemRefType>(result.getType());
    rows = resultType.getDimSize(0);
    vectors = width > 0 ? resultType.getDimSize(1) / width : 0;
    depth = cast<MemRefType>(lhs.getType()).getDimSize(1);
  }

  /// Whether the columns are whole vectors of `width` lanes.
  bool hasWholeVectors(int64_t width) const {
    return width > 0 &&
           cast<MemRefType>(result.getType()).getDimSize(1) % width == 0;
  }
  int64_t accumulators() const { return rows * vectors; }
};

/// Emits the fused loop of one rnn.matmul_pair (see the file comment).
class PairEmitter {
public:
  PairEmitter(MatmulPairOp op, PatternRewriter &rewriter, int64_t width)
      : kb(rewriter, op.getLoc()), b(rewriter), loc(op.getLoc()),
        vectorType(VectorType::get({width}, rewriter.getF32Type())),
        width(width) {
    zeroVector = arith::ConstantOp::create(
        b, loc, vectorType, DenseElementsAttr::get(vectorType, 0.0f));
  }

  void emit(const ProductTile &first, const ProductTile &second) {
    SmallVector<Value> acc = initialValues(first);
    llvm::append_range(acc, initialValues(second));
    size_t split = first.accumulators();
    int64_t common = std::min(first.depth, second.depth);
    acc = reduce(0, common, acc, [&](Value k, ValueRange values) {
      SmallVector<Value> next = step(first, k, values.take_front(split));
      llvm::append_range(next, step(second, k, values.drop_front(split)));
      return next;
    });
    // The deeper product's remaining k, alone.
    for (auto [tile, range] :
         {std::pair{&first, std::pair{size_t(0), split}},
          std::pair{&second, std::pair{split, acc.size() - split}}}) {
      if (tile->depth == common)
        continue;
      SmallVector<Value> own(acc.begin() + range.first,
                             acc.begin() + range.first + range.second);
      own = reduce(common, tile->depth, own, [&](Value k, ValueRange values) {
        return step(*tile, k, values);
      });
      std::copy(own.begin(), own.end(), acc.begin() + range.first);
    }
    store(first, ArrayRef(acc).take_front(split));
    store(second, ArrayRef(acc).drop_front(split));
  }

private:
  /// The accumulators' starting values: the old result plus the bias,
  /// either alone, or zero (as the rnn.matmul kernel starts them).
  SmallVector<Value> initialValues(const ProductTile &tile) {
    SmallVector<Value> values;
    for (int64_t r = 0; r < tile.rows; ++r)
      for (int64_t v = 0; v < tile.vectors; ++v) {
        Value column = kb.index(v * width);
        Value old =
            tile.accumulate
                ? vector::LoadOp::create(b, loc, vectorType, tile.result,
                                         ValueRange{kb.index(r), column})
                : Value();
        Value bias = tile.bias ? vector::LoadOp::create(b, loc, vectorType,
                                                        tile.bias, column)
                               : Value();
        values.push_back(old && bias ? kb.add(old, bias)
                         : old       ? old
                         : bias      ? bias
                                     : zeroVector);
      }
    return values;
  }

  /// One k of a tile: a row of rhs vectors, each lhs element broadcast.
  SmallVector<Value> step(const ProductTile &tile, Value k, ValueRange acc) {
    SmallVector<Value> rhsVectors;
    for (int64_t v = 0; v < tile.vectors; ++v)
      rhsVectors.push_back(vector::LoadOp::create(
          b, loc, vectorType, tile.rhs, ValueRange{k, kb.index(v * width)}));
    SmallVector<Value> next;
    for (int64_t r = 0; r < tile.rows; ++r) {
      Value splat = vector::BroadcastOp::create(
          b, loc, vectorType, kb.load(tile.lhs, {kb.index(r), k}));
      for (int64_t v = 0; v < tile.vectors; ++v)
        next.push_back(vector::FMAOp::create(b, loc, splat, rhsVectors[v],
                                             acc[r * tile.vectors + v]));
    }
    return next;
  }

  void store(const ProductTile &tile, ArrayRef<Value> acc) {
    for (int64_t r = 0; r < tile.rows; ++r)
      for (int64_t v = 0; v < tile.vectors; ++v) {
        Value value = kb.activate(acc[r * tile.vectors + v], tile.nonlinearity);
        vector::StoreOp::create(b, loc, value, tile.result,
                                ValueRange{kb.index(r), kb.index(v * width)});
      }
  }

  /// Carries `init` through k in [begin, end).
  SmallVector<Value>
  reduce(int64_t begin, int64_t end, ValueRange init,
         function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    auto loop = scf::ForOp::create(b, loc, kb.index(begin), kb.index(end),
                                   kb.index(1), init);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    scf::YieldOp::create(
        b, loc, body(loop.getInductionVar(), loop.getRegionIterArgs()));
    return SmallVector<Value>(loop.getResults());
  }

  KernelBuilder kb;
  OpBuilder &b;
  Location loc;
  VectorType vectorType;
  int64_t width;
  Value zeroVector;
};

/// A symbol name saying what the kernel for `op` is specialized on.
static std::string kernelName(MatmulPairOp op) {
  std::string name = kernelNameForOperands("__rnn_matmul_pair", op);
  llvm::raw_string_ostream os(name);
  if (op.getOtherBias())
    os << "_obias";
  appendEpilogueName(os, bool(op.getBias()), op.getAccumulate(),
                     op.getNonlinearity());
  return name;
}

/// Lowers rnn.matmul_pair: the fused kernel, outlined like rnn.matmul's,
/// or the two products (see the file comment).
struct MatmulPairLowering : public OpRewritePattern<MatmulPairOp> {
  MatmulPairLowering(MLIRContext *context, const MatmulTiling &tiling)
      : OpRewritePattern(context), tiling(tiling) {
    // Outlining clones the op into its kernel function, where this pattern
    // lowers it in place: one level of recursion.
    setHasBoundedRewriteRecursion();
  }

  LogicalResult matchAndRewrite(MatmulPairOp op,
                                PatternRewriter &rewriter) const override {
    int64_t width = tiling.vectorWidth;
    ProductTile first(op.getLhs(), op.getRhs(), op.getBias(), op.getResult(),
                      op.getAccumulate(), op.getNonlinearity(), width);
    ProductTile second(op.getOtherLhs(), op.getOtherRhs(), op.getOtherBias(),
                       op.getOtherResult(), /*accumulate=*/false,
                       /*nonlinearity=*/std::nullopt, width);
    bool fused = first.hasWholeVectors(width) &&
                 second.hasWholeVectors(width) &&
                 first.accumulators() + second.accumulators() <=
                     tiling.tileRows * tiling.tileVectors;
    if (!fused) {
      // A step's products: never forked (rnn.sequential).
      Location loc = op.getLoc();
      MatmulOp::create(rewriter, loc, op.getLhs(), op.getRhs(), op.getBias(),
                       op.getResult(), op.getAccumulate(),
                       op.getNonlinearityAttr())
          ->setAttr(kSequentialMatmulAttr, rewriter.getUnitAttr());
      MatmulOp::create(rewriter, loc, op.getOtherLhs(), op.getOtherRhs(),
                       op.getOtherBias(), op.getOtherResult(),
                       /*accumulate=*/false, /*nonlinearity=*/nullptr)
          ->setAttr(kSequentialMatmulAttr, rewriter.getUnitAttr());
      rewriter.eraseOp(op);
      return success();
    }
    if (tiling.outlineKernels && !isInOutlinedKernel(op)) {
      outlineIntoKernel(op, kernelName(op), rewriter);
      return success();
    }
    PairEmitter(op, rewriter, width).emit(first, second);
    rewriter.eraseOp(op);
    return success();
  }

  MatmulTiling tiling;
};

} // namespace

void rnn::populateRnnMatmulPairToScfConversionPatterns(
    RewritePatternSet &patterns, const MatmulTiling &tiling) {
  patterns.add<MatmulPairLowering>(patterns.getContext(), tiling);
}

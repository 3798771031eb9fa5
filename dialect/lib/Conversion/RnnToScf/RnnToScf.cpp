//===- RnnToScf.cpp - Step-level rnn kernels to scf loops -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements convert-rnn-to-scf: the kernels left after the time
// loops are built (cell, commit_step, linear, embedding, all_in_range)
// become scf.for loop nests over memrefs. Products accumulate in float32,
// with `contract` fast-math so LLVM may fuse multiply-adds.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"
#include "rnn/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/DialectConversion.h"

#include <functional>
#include <limits>

namespace mlir {
namespace rnn {
#define GEN_PASS_DEF_CONVERTRNNTOSCF
#include "rnn/Passes.h.inc"
} // namespace rnn
} // namespace mlir

using namespace mlir;
using namespace mlir::rnn;

namespace {

//===----------------------------------------------------------------------===//
// CellLowering
//===----------------------------------------------------------------------===//

/// for b, j: result[b, j] = act(b_ih[j] + b_hh[j]
///                              + sum_k input[b, k] * W_ih[j, k]
///                              + sum_k hidden[b, k] * W_hh[j, k])
struct CellLowering : public OpRewritePattern<CellOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CellOp op,
                                PatternRewriter &rewriter) const override {
    KernelBuilder kb(rewriter, op.getLoc());
    Value batch = kb.dim(op.getInput(), 0);
    Value inputSize = kb.dim(op.getInput(), 1);
    Value hiddenSize = kb.dim(op.getHidden(), 1);
    Value zero = kb.f32(0.0f);
    kb.forEach(batch, [&](Value b) {
      kb.forEach(hiddenSize, [&](Value j) {
        Value acc = zero;
        if (op.getBiasIh()) {
          Value biasIH = kb.load(op.getBiasIh(), {j});
          Value biasHH = kb.load(op.getBiasHh(), {j});
          acc = kb.add(biasIH, biasHH);
        }
        acc = kb.dotRows(acc, op.getInput(), b, op.getWeightIh(), j, inputSize);
        acc =
            kb.dotRows(acc, op.getHidden(), b, op.getWeightHh(), j, hiddenSize);
        Value activated =
            op.getNonlinearity() == Nonlinearity::tanh
                ? math::TanhOp::create(rewriter, op.getLoc(), acc).getResult()
                : arith::MaximumFOp::create(rewriter, op.getLoc(), acc, zero)
                      .getResult();
        kb.store(activated, op.getResult(), {b, j});
      });
    });
    rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// CommitStepLowering
//===----------------------------------------------------------------------===//

/// for b: if (time < lengths[b]) state[b, :] = out[b, :] else out[b, :] = 0
struct CommitStepLowering : public OpRewritePattern<CommitStepOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CommitStepOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    KernelBuilder kb(rewriter, loc);
    Value out = op.getStepOutput(), state = op.getState();
    Value batch = kb.dim(out, 0);
    Value hiddenSize = kb.dim(out, 1);
    auto copyRow = [&](Value b) {
      kb.forEach(hiddenSize, [&](Value j) {
        kb.store(kb.load(out, {b, j}), state, {b, j});
      });
    };
    kb.forEach(batch, [&](Value b) {
      if (!op.getLengths()) {
        copyRow(b);
        return;
      }
      Value length = kb.load(op.getLengths(), {b});
      Value time = arith::IndexCastOp::create(
          rewriter, loc, rewriter.getI64Type(), op.getTime());
      Value active = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::slt, time, length);
      auto ifOp = scf::IfOp::create(rewriter, loc, active,
                                    /*withElseRegion=*/true);
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(ifOp.thenBlock());
      copyRow(b);
      rewriter.setInsertionPointToStart(ifOp.elseBlock());
      Value zero = kb.f32(0.0f);
      kb.forEach(hiddenSize, [&](Value j) { kb.store(zero, out, {b, j}); });
    });
    rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// LinearLowering
//===----------------------------------------------------------------------===//

/// for n..., o: output[n..., o] = bias[o] + sum_i input[n..., i] * W[o, i]
struct LinearLowering : public OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    KernelBuilder kb(rewriter, op.getLoc());
    Value input = op.getInput(), weight = op.getWeight();
    unsigned rank = cast<MemRefType>(input.getType()).getRank();
    Value inFeatures = kb.dim(weight, 1);
    Value outFeatures = kb.dim(weight, 0);
    auto row = [&](SmallVector<Value> outer) {
      kb.forEach(outFeatures, [&](Value o) {
        Value acc = op.getBias() ? kb.load(op.getBias(), {o}) : kb.f32(0.0f);
        acc = kb.reduce(inFeatures, acc, [&](Value i, Value sum) {
          SmallVector<Value> at = outer;
          at.push_back(i);
          Value x = kb.load(input, at);
          Value w = kb.load(weight, {o, i});
          return kb.add(sum, kb.mul(x, w));
        });
        SmallVector<Value> at = outer;
        at.push_back(o);
        kb.store(acc, op.getOutput(), at);
      });
    };
    if (rank == 2) {
      kb.forEach(kb.dim(input, 0), [&](Value n) { row({n}); });
    } else {
      kb.forEach(kb.dim(input, 0), [&](Value t) {
        kb.forEach(kb.dim(input, 1), [&](Value b) { row({t, b}); });
      });
    }
    rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// EmbeddingLowering
//===----------------------------------------------------------------------===//

/// for t, b, e: output[t, b, e] = weight[indices[t, b], e]
struct EmbeddingLowering : public OpRewritePattern<EmbeddingOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(EmbeddingOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    KernelBuilder kb(rewriter, loc);
    Value indices = op.getIndices(), weight = op.getWeight();
    Value dim = kb.dim(weight, 1);
    kb.forEach(kb.dim(indices, 0), [&](Value t) {
      kb.forEach(kb.dim(indices, 1), [&](Value b) {
        Value token = arith::IndexCastOp::create(
            rewriter, loc, rewriter.getIndexType(), kb.load(indices, {t, b}));
        kb.forEach(dim, [&](Value e) {
          kb.store(kb.load(weight, {token, e}), op.getOutput(), {t, b, e});
        });
      });
    });
    rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Loss lowerings
//===----------------------------------------------------------------------===//

/// Sums `term(indices)` over the leading `loopRank` dimensions of `shaped`,
/// starting from `zero` (a scalar or a vector accumulator), skipping (for
/// time-major operands with lengths) positions `t >= lengths[b]` and, when
/// `isCounted` is given, positions where it returns false, and returns
/// {sum, `weight` (an i64) times the number of positions summed}. The sum
/// may be reassociated.
static std::pair<Value, Value>
sumValidPositions(KernelBuilder &kb, Value shaped, unsigned loopRank,
                  Value lengths, Value zero, Value weight,
                  function_ref<Value(ValueRange)> term,
                  function_ref<Value(ValueRange)> isCounted = nullptr) {
  OpBuilder &b = kb.builder;
  Location loc = kb.loc;
  Value noPositions = arith::ConstantIntOp::create(b, loc, 0, 64);
  SmallVector<Value> indices;
  std::function<std::pair<Value, Value>(unsigned, Value, Value)> nest =
      [&](unsigned dim, Value sum, Value count) -> std::pair<Value, Value> {
    if (dim == loopRank) {
      Value value = term(indices);
      Value counted = weight;
      Value valid;
      if (lengths) {
        Value length = kb.load(lengths, {indices[1]});
        Value time =
            arith::IndexCastOp::create(b, loc, b.getI64Type(), indices[0]);
        valid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, time,
                                      length);
      }
      if (isCounted) {
        Value here = isCounted(indices);
        valid = valid ? arith::AndIOp::create(b, loc, valid, here) : here;
      }
      if (valid) {
        value = arith::SelectOp::create(b, loc, valid, value, zero);
        counted = arith::SelectOp::create(b, loc, valid, weight, noPositions);
      }
      return {kb.addReassociable(sum, value),
              arith::AddIOp::create(b, loc, count, counted)};
    }
    auto loop = scf::ForOp::create(b, loc, kb.index(0), kb.dim(shaped, dim),
                                   kb.index(1), ValueRange{sum, count});
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    indices.push_back(loop.getInductionVar());
    auto [innerSum, innerCount] =
        nest(dim + 1, loop.getRegionIterArgs()[0], loop.getRegionIterArgs()[1]);
    indices.pop_back();
    scf::YieldOp::create(b, loc, ValueRange{innerSum, innerCount});
    return {loop.getResult(0), loop.getResult(1)};
  };
  return nest(0, zero, noPositions);
}

/// sumValidPositions of a scalar `term` counting each position once;
/// returns {sum, number of positions summed as f32}. The reassociable sum
/// lets LLVM vectorize it (a loss over every step of a large model has
/// millions of terms); the positions are counted in an i64, as
/// GradKernels.cpp's countPositions does for the backward.
static std::pair<Value, Value>
sumOverPositions(KernelBuilder &kb, Value shaped, unsigned loopRank,
                 Value lengths, function_ref<Value(ValueRange)> term,
                 function_ref<Value(ValueRange)> isCounted = nullptr) {
  Value onePosition = arith::ConstantIntOp::create(kb.builder, kb.loc, 1, 64);
  auto [sum, count] =
      sumValidPositions(kb, shaped, loopRank, lengths, kb.f32(0.0f),
                        onePosition, term, isCounted);
  return {sum, kb.countToF32(count)};
}

/// The loss `sum` reduces to: itself, or the mean over `count` positions.
static Value reduceLoss(KernelBuilder &kb, Reduction reduction, Value sum,
                        Value count) {
  if (reduction == Reduction::sum)
    return sum;
  return arith::DivFOp::create(kb.builder, kb.loc, sum, count);
}

/// Whether `memref`'s innermost dimension has unit stride, so that its rows
/// load as vectors.
static bool hasUnitInnerStride(Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         !strides.empty() && strides.back() == 1;
}

/// The sum of (prediction - target)^2 over the valid rows (the rows of the
/// innermost dimension; a row at (t, b) is valid when t < lengths[b]) and
/// the number of elements summed (the rows' static length times the valid
/// rows), with one vector accumulator of `width` lanes carried across every
/// row and reduced once at the end. The scalar nest (sumOverPositions)
/// reduces each row horizontally instead, which for rows of a few vectors
/// (sine's 32 columns) costs more than the row's multiply-adds. The last
/// vector of a row is masked; masked lanes read as zero on both sides and
/// add nothing.
static std::pair<Value, Value>
vectorSumOfSquaredDifferences(KernelBuilder &kb, Value prediction, Value target,
                              Value lengths, int64_t width) {
  OpBuilder &b = kb.builder;
  Location loc = kb.loc;
  auto vectorType = VectorType::get({width}, b.getF32Type());
  auto maskType = VectorType::get({width}, b.getI1Type());
  unsigned rank = cast<MemRefType>(prediction.getType()).getRank();
  Value zeroVector = arith::ConstantOp::create(
      b, loc, vectorType, DenseElementsAttr::get(vectorType, 0.0f));
  int64_t columns = cast<MemRefType>(prediction.getType()).getDimSize(rank - 1);
  int64_t fullColumns = columns / width * width;
  Value rowCount = arith::ConstantIntOp::create(b, loc, columns, 64);

  // acc + (prediction - target)^2 for the vector at `column` of the row.
  auto accumulate = [&](Value acc, ValueRange row, Value column, Value mask) {
    SmallVector<Value> at(row.begin(), row.end());
    at.push_back(column);
    auto load = [&](Value memref) -> Value {
      if (mask)
        return vector::MaskedLoadOp::create(b, loc, vectorType, memref, at,
                                            mask, zeroVector);
      return vector::LoadOp::create(b, loc, vectorType, memref, at);
    };
    Value predicted = load(prediction);
    Value expected = load(target);
    Value diff = arith::SubFOp::create(b, loc, predicted, expected);
    return vector::FMAOp::create(b, loc, diff, diff, acc).getResult();
  };

  // The rows of the innermost dimension are the positions; each counts its
  // `columns` elements.
  auto [acc, count] = sumValidPositions(
      kb, prediction, rank - 1, lengths, zeroVector, rowCount,
      [&](ValueRange row) {
        auto loop =
            scf::ForOp::create(b, loc, kb.index(0), kb.index(fullColumns),
                               kb.index(width), ValueRange{zeroVector});
        {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(loop.getBody());
          scf::YieldOp::create(b, loc,
                               accumulate(loop.getRegionIterArgs()[0], row,
                                          loop.getInductionVar(), Value()));
        }
        Value rowSum = loop.getResult(0);
        if (int64_t tailLanes = columns % width) {
          SmallVector<bool> enabled(width, false);
          std::fill_n(enabled.begin(), tailLanes, true);
          Value tailMask = arith::ConstantOp::create(
              b, loc, maskType, DenseElementsAttr::get(maskType, enabled));
          rowSum = accumulate(rowSum, row, kb.index(fullColumns), tailMask);
        }
        return rowSum;
      });
  Value sum = vector::ReductionOp::create(
      b, loc, vector::CombiningKind::ADD, acc, Value(),
      arith::FastMathFlags::contract | arith::FastMathFlags::reassoc);
  return {sum, kb.countToF32(count)};
}

/// loss = sum over valid positions of (prediction - target)^2, divided by
/// their count for reduction = mean
/// With a vector width, rows of static length that load as vectors take
/// vectorSumOfSquaredDifferences; otherwise the scalar sumOverPositions.
struct MseLossLowering : public OpRewritePattern<MseLossOp> {
  MseLossLowering(MLIRContext *context, int64_t vectorWidth)
      : OpRewritePattern(context), vectorWidth(vectorWidth) {}

  LogicalResult matchAndRewrite(MseLossOp op,
                                PatternRewriter &rewriter) const override {
    KernelBuilder kb(rewriter, op.getLoc());
    Value prediction = op.getPrediction(), target = op.getTarget();
    unsigned rank = cast<MemRefType>(prediction.getType()).getRank();
    bool vectorRows =
        vectorWidth > 0 && rank > 0 &&
        !cast<MemRefType>(prediction.getType()).isDynamicDim(rank - 1) &&
        hasUnitInnerStride(prediction) && hasUnitInnerStride(target);
    auto [sum, count] =
        vectorRows
            ? vectorSumOfSquaredDifferences(kb, prediction, target,
                                            op.getLengths(), vectorWidth)
            : sumOverPositions(
                  kb, prediction, rank, op.getLengths(), [&](ValueRange at) {
                    // Separate statements fix the order of the loads in the
                    // IR.
                    Value predicted = kb.load(prediction, at);
                    Value expected = kb.load(target, at);
                    Value diff = arith::SubFOp::create(rewriter, op.getLoc(),
                                                       predicted, expected);
                    return kb.mul(diff, diff);
                  });
    kb.store(reduceLoss(kb, op.getReduction(), sum, count), op.getLoss(), {});
    rewriter.eraseOp(op);
    return success();
  }

  int64_t vectorWidth;
};

/// loss = mean (or sum) over the counted positions p (valid, with a target
/// other than ignore_index) of
///        max_c l[p, c] + log(sum_c exp(l[p, c] - max)) - l[p, target[p]]
/// An ignored position's term reads class 0 instead of its target, which
/// may be any value, and is then left out.
struct CrossEntropyLossLowering : public OpRewritePattern<CrossEntropyLossOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CrossEntropyLossOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    KernelBuilder kb(rewriter, loc);
    Value logits = op.getLogits(), target = op.getTarget();
    unsigned rank = cast<MemRefType>(logits.getType()).getRank();
    Value classes = kb.dim(logits, rank - 1);
    Value ignoreIndex = arith::ConstantIntOp::create(
        rewriter, loc, op.getIgnoreIndex(), /*width=*/64);
    auto notIgnored = [&](ValueRange at) -> Value {
      return kb.isCountedTarget(target, at, ignoreIndex);
    };
    auto [sum, count] = sumOverPositions(
        kb, logits, rank - 1, op.getLengths(),
        [&](ValueRange at) {
          auto element = [&](Value c) {
            SmallVector<Value> index(at.begin(), at.end());
            index.push_back(c);
            return kb.load(logits, index);
          };
          Value lowest = kb.f32(-std::numeric_limits<float>::infinity());
          Value max = kb.reduce(classes, lowest, [&](Value c, Value acc) {
            return arith::MaximumFOp::create(rewriter, loc, acc, element(c));
          });
          Value expSum =
              kb.reduce(classes, kb.f32(0.0f), [&](Value c, Value acc) {
                Value logit = element(c);
                Value shifted =
                    arith::SubFOp::create(rewriter, loc, logit, max);
                return kb.add(acc, math::ExpOp::create(rewriter, loc, shifted));
              });
          Value logOfSum = math::LogOp::create(rewriter, loc, expSum);
          Value logSumExp = arith::AddFOp::create(rewriter, loc, max, logOfSum);
          Value label = kb.countedLabel(target, at, ignoreIndex);
          Value picked = element(label);
          return arith::SubFOp::create(rewriter, loc, logSumExp, picked)
              .getResult();
        },
        notIgnored);
    kb.store(reduceLoss(kb, op.getReduction(), sum, count), op.getLoss(), {});
    rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// AllInRangeLowering
//===----------------------------------------------------------------------===//

/// ok = true; for each v: ok &= lower <= v && v <= upper
struct AllInRangeLowering : public OpRewritePattern<AllInRangeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AllInRangeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    KernelBuilder kb(rewriter, loc);
    Value values = op.getValues();
    unsigned rank = cast<MemRefType>(values.getType()).getRank();
    auto check = [&](Value ok, ValueRange at) -> Value {
      Value v = kb.load(values, at);
      if (v.getType() != rewriter.getI64Type())
        v = arith::ExtSIOp::create(rewriter, loc, rewriter.getI64Type(), v);
      Value aboveLower = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::sge, v, op.getLower());
      Value belowUpper = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::sle, v, op.getUpper());
      Value inRange =
          arith::AndIOp::create(rewriter, loc, aboveLower, belowUpper);
      if (Value also = op.getAlso())
        inRange = arith::OrIOp::create(
            rewriter, loc, inRange,
            arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, v,
                                  also));
      return arith::AndIOp::create(rewriter, loc, ok, inRange);
    };
    Value ok =
        arith::ConstantOp::create(rewriter, loc, rewriter.getBoolAttr(true));
    Value result;
    if (rank == 1) {
      result = kb.reduce(kb.dim(values, 0), ok,
                         [&](Value i, Value acc) { return check(acc, {i}); });
    } else {
      result = kb.reduce(kb.dim(values, 0), ok, [&](Value i, Value acc) {
        return kb.reduce(kb.dim(values, 1), acc, [&](Value j, Value inner) {
          return check(inner, {i, j});
        });
      });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConvertRnnToScfPass
    : public rnn::impl::ConvertRnnToScfBase<ConvertRnnToScfPass> {
  using ConvertRnnToScfBase::ConvertRnnToScfBase;

  void runOnOperation() override {
    if (vectorWidth < 0 || tileRows < 1 || tileVectors < 1) {
      getOperation().emitError()
          << "invalid rnn.matmul tiling: vector-width must be at least 0, "
             "tile-rows and tile-vectors at least 1";
      return signalPassFailure();
    }
    ConversionTarget target(getContext());
    target.addIllegalOp<CellOp, CommitStepOp, MatmulOp, MatmulPairOp, LinearOp,
                        EmbeddingOp, MseLossOp, CrossEntropyLossOp,
                        AllInRangeOp, LayerOp, StackedRnnOp, CellGradOp,
                        LinearGradOp, EmbeddingGradOp, SumRowsOp, MseLossGradOp,
                        CrossEntropyLossGradOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    MatmulTiling tiling{vectorWidth,    tileRows, tileVectors,
                        outlineKernels, parallel, parallelMinMacs,
                        packRhs};
    // The weight transposes become vector blocks; convert-linalg-to-loops
    // takes the others.
    target.addDynamicallyLegalOp<linalg::TransposeOp>(
        [&](linalg::TransposeOp op) {
          return !isVectorizableTranspose(op, tiling);
        });
    // Fills and copies in straight-line code become calls of one function
    // per shape (FillCopyKernels.cpp).
    target.addDynamicallyLegalOp<linalg::FillOp, linalg::CopyOp>(
        [&](Operation *op) { return !isOutlinedFillOrCopy(op, tiling); });
    RewritePatternSet patterns(&getContext());
    populateRnnToScfConversionPatterns(patterns, tiling);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void rnn::populateRnnToScfConversionPatterns(RewritePatternSet &patterns,
                                             const MatmulTiling &tiling) {
  patterns.add<CellLowering, CommitStepLowering, LinearLowering,
               EmbeddingLowering, CrossEntropyLossLowering, AllInRangeLowering>(
      patterns.getContext());
  patterns.add<MseLossLowering>(patterns.getContext(), tiling.vectorWidth);
  populateRnnMatmulToScfConversionPatterns(patterns, tiling);
  populateRnnMatmulPairToScfConversionPatterns(patterns, tiling);
  populateRnnSumRowsToScfConversionPatterns(patterns, tiling);
  populateRnnTransposeToScfConversionPatterns(patterns, tiling);
  populateRnnFillCopyToScfConversionPatterns(patterns, tiling);
  populateRnnGradToScfConversionPatterns(patterns, tiling.outlineKernels);
}

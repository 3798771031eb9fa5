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

#include "rnn/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace rnn {
#define GEN_PASS_DEF_CONVERTRNNTOSCF
#include "rnn/Passes.h.inc"
} // namespace rnn
} // namespace mlir

using namespace mlir;
using namespace mlir::rnn;

//===----------------------------------------------------------------------===//
// Loop-building helpers
//===----------------------------------------------------------------------===//

namespace {

/// Builds loops and arithmetic at one insertion point, so the kernel
/// lowerings below read like the pseudocode above each of them.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &builder, Location loc)
      : builder(builder), loc(loc),
        fastMath(arith::FastMathFlagsAttr::get(builder.getContext(),
                                               arith::FastMathFlags::contract)) {
  }

  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(builder, loc, value);
  }
  Value f32(float value) {
    return arith::ConstantOp::create(builder, loc,
                                     builder.getF32FloatAttr(value));
  }
  Value dim(Value memref, unsigned d) {
    return memref::DimOp::create(builder, loc, memref, d);
  }
  Value load(Value memref, ValueRange indices) {
    return memref::LoadOp::create(builder, loc, memref, indices);
  }
  void store(Value value, Value memref, ValueRange indices) {
    memref::StoreOp::create(builder, loc, value, memref, indices);
  }
  Value add(Value a, Value b) {
    return arith::AddFOp::create(builder, loc, a, b, fastMath);
  }
  Value mul(Value a, Value b) {
    return arith::MulFOp::create(builder, loc, a, b, fastMath);
  }

  /// for (iv = 0; iv < upper; ++iv) body(iv)
  void forEach(Value upper, function_ref<void(Value)> body) {
    auto loop = scf::ForOp::create(builder, loc, index(0), upper, index(1));
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(loop.getBody());
    body(loop.getInductionVar());
  }

  /// acc = init; for (iv = 0; iv < upper; ++iv) acc = body(iv, acc); acc
  Value reduce(Value upper, Value init, function_ref<Value(Value, Value)> body) {
    auto loop = scf::ForOp::create(builder, loc, index(0), upper, index(1),
                                   ValueRange{init});
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(loop.getBody());
    Value next = body(loop.getInductionVar(), loop.getRegionIterArgs()[0]);
    scf::YieldOp::create(builder, loc, next);
    return loop.getResult(0);
  }

  /// acc + sum_k lhs[row, k] * rhs[col, k] over k < depth: one element of
  /// lhs * rhs^T, PyTorch's (out, in) weight layout.
  Value dotRows(Value acc, Value lhs, Value row, Value rhs, Value col,
                Value depth) {
    return reduce(depth, acc, [&](Value k, Value sum) {
      return add(sum, mul(load(lhs, {row, k}), load(rhs, {col, k})));
    });
  }

  OpBuilder &builder;
  Location loc;
  arith::FastMathFlagsAttr fastMath;
};

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
        if (op.getBiasIh())
          acc = kb.add(kb.load(op.getBiasIh(), {j}),
                       kb.load(op.getBiasHh(), {j}));
        acc = kb.dotRows(acc, op.getInput(), b, op.getWeightIh(), j, inputSize);
        acc = kb.dotRows(acc, op.getHidden(), b, op.getWeightHh(), j,
                         hiddenSize);
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
      kb.forEach(hiddenSize,
                 [&](Value j) { kb.store(kb.load(out, {b, j}), state, {b, j}); });
    };
    kb.forEach(batch, [&](Value b) {
      if (!op.getLengths()) {
        copyRow(b);
        return;
      }
      Value length = kb.load(op.getLengths(), {b});
      Value time = arith::IndexCastOp::create(rewriter, loc,
                                              rewriter.getI64Type(),
                                              op.getTime());
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
          return kb.add(sum, kb.mul(kb.load(input, at), kb.load(weight, {o, i})));
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
      Value inRange = arith::AndIOp::create(rewriter, loc, aboveLower, belowUpper);
      return arith::AndIOp::create(rewriter, loc, ok, inRange);
    };
    Value ok = arith::ConstantOp::create(rewriter, loc, rewriter.getBoolAttr(true));
    Value result;
    if (rank == 1) {
      result = kb.reduce(kb.dim(values, 0), ok,
                         [&](Value i, Value acc) { return check(acc, {i}); });
    } else {
      result = kb.reduce(kb.dim(values, 0), ok, [&](Value i, Value acc) {
        return kb.reduce(kb.dim(values, 1), acc,
                         [&](Value j, Value inner) { return check(inner, {i, j}); });
      });
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConvertRnnToScfPass
    : public rnn::impl::ConvertRnnToScfBase<ConvertRnnToScfPass> {
  void runOnOperation() override {
    ConversionTarget target(getContext());
    target.addIllegalOp<CellOp, CommitStepOp, LinearOp, EmbeddingOp,
                        AllInRangeOp, LayerOp, StackedRnnOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    populateRnnToScfConversionPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void rnn::populateRnnToScfConversionPatterns(RewritePatternSet &patterns) {
  patterns.add<CellLowering, CommitStepLowering, LinearLowering,
               EmbeddingLowering, AllInRangeLowering>(patterns.getContext());
}

//===- GradKernels.cpp - Step-level rnn backward kernels to scf -----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the backward half of convert-rnn-to-scf: the
// step-level gradient ops that rnn-generate-bptt and convert-rnn-to-loops
// leave (cell_grad, linear_grad, embedding_grad, mse_loss_grad,
// cross_entropy_loss_grad) become scf.for loop nests over the operands'
// memrefs. Nothing is allocated. Every gradient accumulates (+=) except
// cell_grad's output_grad and state_grad, which the op overwrites.
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
#include "mlir/Transforms/DialectConversion.h"

#include <functional>
#include <limits>

using namespace mlir;
using namespace mlir::rnn;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// `time < lengths[b]` for a time step given as an index; `time64` is that
/// index already cast to i64.
static Value isRunning(KernelBuilder &kb, Value lengths, Value b,
                       Value time64) {
  Value length = kb.load(lengths, {b});
  return arith::CmpIOp::create(kb.builder, kb.loc, arith::CmpIPredicate::slt,
                               time64, length);
}

/// `memref[at] += delta`.
static void accumulate(KernelBuilder &kb, Value memref, ValueRange at,
                       Value delta) {
  Value old = kb.load(memref, at);
  kb.store(kb.add(old, delta), memref, at);
}

/// `prefix` with `last` appended: the index of one feature at a position.
static SmallVector<Value> append(ValueRange prefix, Value last) {
  SmallVector<Value> index(prefix.begin(), prefix.end());
  index.push_back(last);
  return index;
}

/// Whether a loss counts a position, beyond its length: a class index other
/// than ignore_index. Null where every valid position counts.
using PositionFilter = function_ref<Value(ValueRange)>;

/// Whether the position `indices` counts: inside its sequence (with
/// lengths, for time-major operands) and accepted by `isCounted`; a null
/// Value when every position counts.
static Value isCountedPosition(KernelBuilder &kb, Value lengths,
                               ValueRange indices, PositionFilter isCounted) {
  OpBuilder &b = kb.builder;
  Value valid;
  if (lengths) {
    Value time =
        arith::IndexCastOp::create(b, kb.loc, b.getI64Type(), indices[0]);
    valid = isRunning(kb, lengths, indices[1], time);
  }
  if (isCounted) {
    Value here = isCounted(indices);
    valid = valid ? arith::AndIOp::create(b, kb.loc, valid, here) : here;
  }
  return valid;
}

/// The number of positions a loss counts, as f32: the indices of the leading
/// `loopRank` dimensions of `shaped`, less (with lengths, for time-major
/// operands) those with `t >= lengths[b]` and those `isCounted` rejects. It
/// is counted in an i64, like the forward losses' count in RnnToScf.cpp, so
/// the forward and the backward divide by the same value.
static Value countRows(KernelBuilder &kb, Value shaped, unsigned loopRank,
                       Value lengths, PositionFilter isCounted = nullptr);
static Value countPositions(KernelBuilder &kb, Value shaped, unsigned loopRank,
                            Value lengths, PositionFilter isCounted = nullptr) {
  return kb.countToF32(countRows(kb, shaped, loopRank, lengths, isCounted));
}

/// countPositions' i64 count, before its conversion to f32.
static Value countRows(KernelBuilder &kb, Value shaped, unsigned loopRank,
                       Value lengths, PositionFilter isCounted) {
  OpBuilder &b = kb.builder;
  Location loc = kb.loc;
  Value none = arith::ConstantIntOp::create(b, loc, 0, 64);
  Value one = arith::ConstantIntOp::create(b, loc, 1, 64);
  SmallVector<Value> indices;
  std::function<Value(unsigned, Value)> nest = [&](unsigned dim,
                                                   Value count) -> Value {
    if (dim == loopRank) {
      Value valid = isCountedPosition(kb, lengths, indices, isCounted);
      if (!valid)
        return arith::AddIOp::create(b, loc, count, one);
      Value weight = arith::SelectOp::create(b, loc, valid, one, none);
      return arith::AddIOp::create(b, loc, count, weight);
    }
    return kb.reduce(kb.dim(shaped, dim), count, [&](Value iv, Value inner) {
      indices.push_back(iv);
      Value next = nest(dim + 1, inner);
      indices.pop_back();
      return next;
    });
  };
  return nest(0, none);
}

/// Runs `body(position)` at every position a loss counts (see
/// countPositions).
static void forEachCountedPosition(KernelBuilder &kb, Value shaped,
                                   unsigned loopRank, Value lengths,
                                   function_ref<void(ValueRange)> body,
                                   PositionFilter isCounted = nullptr) {
  SmallVector<Value> indices;
  std::function<void(unsigned)> nest = [&](unsigned dim) {
    if (dim == loopRank) {
      Value valid = isCountedPosition(kb, lengths, indices, isCounted);
      buildIfThen(kb.builder, kb.loc, valid, [&] { body(indices); });
      return;
    }
    kb.forEach(kb.dim(shaped, dim), [&](Value iv) {
      indices.push_back(iv);
      nest(dim + 1);
      indices.pop_back();
    });
  };
  nest(0);
}

namespace {

//===----------------------------------------------------------------------===//
// CellGradLowering
//===----------------------------------------------------------------------===//

/// Keeps a product of one time step on one thread (kSequentialMatmulAttr).
static void sequential(MatmulOp op) {
  op->setAttr(kSequentialMatmulAttr, UnitAttr::get(op.getContext()));
}

/// One elementwise sweep, then the matrix products as rnn.matmul kernels.
/// A sequence b is running when time < lengths[b]; prevValid = prev_time !=
/// time && prev_time < lengths[b] says whether the state before the step
/// was prev_out[b] or h0[b]:
///   for b, j: if running: g = (d_out[b, j] + d_state[b, j]) * act'(out[b, j])
///                         d_state[b, j] = 0; d_b_ih[j] += g; d_b_hh[j] += g
///             else:       g = 0             (d_state[b, :] passes through)
///             d_out[b, j] = g
///   d_W_ih += g^T x
///   d_W_hh += g^T (prev_time != time ? prev_out : h0)
///   for b running with prev_time != time and !prevValid:
///     d_W_hh += g[b, :]^T (h0[b, :] - prev_out[b, :])
///   d_x += g W_ih;  d_state += g W_hh
/// Rows that are not running have g = 0, so the products leave their
/// d_state (and everything else) as it was.
/// act'(y) is 1 - y^2 for tanh and (y > 0 ? 1 : 0) for relu, y being the
/// post-activation output.
struct CellGradLowering : public OpRewritePattern<CellGradOp> {
  /// With `outlineKernels`, each distinct rnn.cell_grad (operand shapes,
  /// which operands are present, nonlinearity) is emitted once, into a
  /// private function (Outline.h): a deep or sharded model's backward steps
  /// share it.
  CellGradLowering(MLIRContext *context, bool outlineKernels)
      : OpRewritePattern(context), outlineKernels(outlineKernels) {
    // Outlining clones the op into its kernel function, where this pattern
    // lowers it in place: one level of recursion.
    setHasBoundedRewriteRecursion();
  }

  LogicalResult matchAndRewrite(CellGradOp op,
                                PatternRewriter &rewriter) const override {
    if (outlineKernels && !isInOutlinedKernel(op)) {
      outlineIntoKernel(op, kernelName(op), rewriter, /*noInline=*/true);
      return success();
    }
    Location loc = op.getLoc();
    KernelBuilder kb(rewriter, loc);
    Value input = op.getInput(), output = op.getOutput();
    Value outputGrad = op.getOutputGrad(), stateGrad = op.getStateGrad();
    Value lengths = op.getLengths();
    Value batch = kb.dim(input, 0);
    Value hiddenSize = kb.dim(output, 1);
    Value zero = kb.f32(0.0f), one = kb.f32(1.0f);
    // prev_time == time marks the first step in forward order: the state
    // before it is h0 whatever the lengths say.
    Value stepped =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ne,
                              op.getPrevTime(), op.getTime());
    Value time64, prevTime64;
    if (lengths) {
      time64 = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(),
                                          op.getTime());
      prevTime64 = arith::IndexCastOp::create(
          rewriter, loc, rewriter.getI64Type(), op.getPrevTime());
    }

    auto derivative = [&](Value y) -> Value {
      if (op.getNonlinearity() == Nonlinearity::tanh) {
        Value square = kb.mul(y, y);
        return arith::SubFOp::create(rewriter, loc, one, square);
      }
      Value positive = arith::CmpFOp::create(
          rewriter, loc, arith::CmpFPredicate::OGT, y, zero);
      return arith::SelectOp::create(rewriter, loc, positive, one, zero);
    };

    // 1. g = d_out[b, :], the bias gradients, and d_state cleared where the
    // products below will recompute it.
    kb.forEach(batch, [&](Value b) {
      Value running;
      if (lengths)
        running = isRunning(kb, lengths, b, time64);
      kb.forEach(hiddenSize, [&](Value j) {
        // Separate statements fix the order of the loads in the IR.
        Value upstream = kb.load(outputGrad, {b, j});
        Value carried = kb.load(stateGrad, {b, j});
        Value y = kb.load(output, {b, j});
        Value total = kb.add(upstream, carried);
        Value slope = derivative(y);
        Value g = kb.mul(total, slope);
        if (running) {
          g = arith::SelectOp::create(rewriter, loc, running, g, zero);
          carried =
              arith::SelectOp::create(rewriter, loc, running, zero, carried);
        } else {
          carried = zero;
        }
        kb.store(g, outputGrad, {b, j});
        kb.store(carried, stateGrad, {b, j});
        if (Value biasGrad = op.getBiasIhGrad())
          accumulate(kb, biasGrad, {j}, g);
        if (Value biasGrad = op.getBiasHhGrad())
          accumulate(kb, biasGrad, {j}, g);
      });
    });

    // 2. The weight gradients: (H, B) x (B, in) products.
    if (op.getWeightIhGrad())
      emitWeightGrads(kb, op, stepped, time64, prevTime64);

    // 3. The gradients flowing back: (B, H) x (H, in) products.
    if (Value inputGrad = op.getInputGrad())
      sequential(MatmulOp::create(rewriter, loc, outputGrad, op.getWeightIh(),
                                  inputGrad));
    sequential(MatmulOp::create(rewriter, loc, outputGrad, op.getWeightHh(),
                                stateGrad));
    rewriter.eraseOp(op);
    return success();
  }

  /// `__rnn_cell_grad_<operand shapes>_<present operands>_<nonlinearity>`.
  static std::string kernelName(CellGradOp op) {
    std::string name = kernelNameForOperands("__rnn_cell_grad", op);
    llvm::raw_string_ostream os(name);
    os << "_";
    for (int32_t size : op.getProperties().operandSegmentSizes)
      os << size;
    os << "_" << stringifyNonlinearity(op.getNonlinearity());
    return name;
  }

  bool outlineKernels;

  /// d_W_ih += g^T x; d_W_hh += g^T h_prev (see above), g being the
  /// step's d_out after the first sweep.
  static void emitWeightGrads(KernelBuilder &kb, CellGradOp op, Value stepped,
                              Value time64, Value prevTime64) {
    OpBuilder &rewriter = kb.builder;
    Location loc = kb.loc;
    Value input = op.getInput(), outputGrad = op.getOutputGrad();
    Value lengths = op.getLengths();
    Value batch = kb.dim(input, 0);
    Value hiddenSize = kb.dim(op.getOutput(), 1);
    Value gradTransposed = transposeInnerDims(rewriter, loc, outputGrad);
    sequential(MatmulOp::create(rewriter, loc, gradTransposed, input,
                                op.getWeightIhGrad()));
    auto ifStepped = scf::IfOp::create(rewriter, loc, stepped,
                                       /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(ifStepped.thenBlock());
      sequential(MatmulOp::create(rewriter, loc, gradTransposed,
                                  op.getPrevOutput(), op.getWeightHhGrad()));
      rewriter.setInsertionPointToStart(ifStepped.elseBlock());
      sequential(MatmulOp::create(rewriter, loc, gradTransposed, op.getH0(),
                                  op.getWeightHhGrad()));
    }
    if (lengths) {
      // A reverse-direction sequence starts where prev_time (t+1) is past
      // its length: its state before the step was h0, not prev_out.
      kb.forEach(batch, [&](Value b) {
        Value length = kb.load(lengths, {b});
        Value running = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::slt, time64, length);
        Value prevPast = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::sge, prevTime64, length);
        Value fix = arith::AndIOp::create(
            rewriter, loc, stepped,
            arith::AndIOp::create(rewriter, loc, running, prevPast));
        buildIfThen(kb.builder, kb.loc, fix, [&] {
          kb.forEach(hiddenSize, [&](Value j) {
            Value g = kb.load(outputGrad, {b, j});
            kb.forEach(hiddenSize, [&](Value k) {
              Value fromH0 = kb.load(op.getH0(), {b, k});
              Value fromPrev = kb.load(op.getPrevOutput(), {b, k});
              Value delta =
                  arith::SubFOp::create(rewriter, loc, fromH0, fromPrev);
              accumulate(kb, op.getWeightHhGrad(), {j, k}, kb.mul(g, delta));
            });
          });
        });
      });
    }
  }
};

//===----------------------------------------------------------------------===//
// LinearGradLowering
//===----------------------------------------------------------------------===//

/// for n..., i: d_x[n..., i] += sum_o d_y[n..., o] * W[o, i]
/// for o, i:    d_W[o, i] += sum_n... d_y[n..., o] * x[n..., i]
/// for o:       d_b[o] += sum_n... d_y[n..., o]
struct LinearGradLowering : public OpRewritePattern<LinearGradOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearGradOp op,
                                PatternRewriter &rewriter) const override {
    KernelBuilder kb(rewriter, op.getLoc());
    Value input = op.getInput(), weight = op.getWeight();
    Value outputGrad = op.getOutputGrad();
    unsigned rank = cast<MemRefType>(input.getType()).getRank();
    Value inFeatures = kb.dim(weight, 1);
    Value outFeatures = kb.dim(weight, 0);
    Value zero = kb.f32(0.0f);
    // Leading dimensions: (N) or (T, B).
    SmallVector<Value> extents;
    for (unsigned d = 0; d + 1 < rank; ++d)
      extents.push_back(kb.dim(input, d));

    auto forEachPosition = [&](function_ref<void(ValueRange)> body) {
      if (rank == 2) {
        kb.forEach(extents[0], [&](Value n) { body({n}); });
        return;
      }
      kb.forEach(extents[0], [&](Value t) {
        kb.forEach(extents[1], [&](Value b) { body({t, b}); });
      });
    };
    auto sumOverPositions = [&](function_ref<Value(ValueRange)> term) {
      if (rank == 2) {
        return kb.reduce(extents[0], zero, [&](Value n, Value sum) {
          return kb.add(sum, term({n}));
        });
      }
      return kb.reduce(extents[0], zero, [&](Value t, Value outer) {
        return kb.reduce(extents[1], outer, [&](Value b, Value sum) {
          return kb.add(sum, term({t, b}));
        });
      });
    };

    if (Value inputGrad = op.getInputGrad()) {
      forEachPosition([&](ValueRange at) {
        kb.forEach(inFeatures, [&](Value i) {
          Value sum = kb.reduce(outFeatures, zero, [&](Value o, Value acc) {
            Value dy = kb.load(outputGrad, append(at, o));
            Value w = kb.load(weight, {o, i});
            return kb.add(acc, kb.mul(dy, w));
          });
          accumulate(kb, inputGrad, append(at, i), sum);
        });
      });
    }
    kb.forEach(outFeatures, [&](Value o) {
      kb.forEach(inFeatures, [&](Value i) {
        Value sum = sumOverPositions([&](ValueRange at) {
          Value dy = kb.load(outputGrad, append(at, o));
          Value x = kb.load(input, append(at, i));
          return kb.mul(dy, x);
        });
        accumulate(kb, op.getWeightGrad(), {o, i}, sum);
      });
      if (Value biasGrad = op.getBiasGrad()) {
        Value sum = sumOverPositions(
            [&](ValueRange at) { return kb.load(outputGrad, append(at, o)); });
        accumulate(kb, biasGrad, {o}, sum);
      }
    });
    rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// EmbeddingGradLowering
//===----------------------------------------------------------------------===//

/// for t, b, e: d_W[indices[t, b], e] += d_out[t, b, e]
struct EmbeddingGradLowering : public OpRewritePattern<EmbeddingGradOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(EmbeddingGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    KernelBuilder kb(rewriter, loc);
    Value indices = op.getIndices(), outputGrad = op.getOutputGrad();
    Value weightGrad = op.getWeightGrad();
    Value dim = kb.dim(weightGrad, 1);
    kb.forEach(kb.dim(indices, 0), [&](Value t) {
      kb.forEach(kb.dim(indices, 1), [&](Value b) {
        Value token = arith::IndexCastOp::create(
            rewriter, loc, rewriter.getIndexType(), kb.load(indices, {t, b}));
        kb.forEach(dim, [&](Value e) {
          Value delta = kb.load(outputGrad, {t, b, e});
          accumulate(kb, weightGrad, {token, e}, delta);
        });
      });
    });
    rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Loss gradient lowerings
//===----------------------------------------------------------------------===//

/// count = number of counted elements (as rnn.mse_loss counts them)
/// scale = 2 / count * d_loss
/// for each counted row r (the innermost dimension's rows; with lengths,
/// those at t < lengths[b]), for c: d_pred[r, c] += (pred[r, c] -
/// target[r, c]) * scale
/// The validity test is made once per row rather than per element, so the
/// column loop is a plain loop LLVM vectorizes at full width; the count is
/// the counted rows times the row length, the same i64 as the forward's.
struct MseLossGradLowering : public OpRewritePattern<MseLossGradOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MseLossGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value prediction = op.getPrediction(), target = op.getTarget();
    Value predictionGrad = op.getPredictionGrad();
    unsigned rank = cast<MemRefType>(prediction.getType()).getRank();
    // Lengths index (T, B, F) operands; the op has no verifier to say so.
    if (op.getLengths() && rank != 3)
      return rewriter.notifyMatchFailure(op, "lengths need rank-3 operands");
    KernelBuilder kb(rewriter, loc);
    unsigned rowRank = rank == 0 ? 0 : rank - 1;
    // d (sum of squares) = 2 (prediction - target); the mean divides by
    // the count.
    Value norm = kb.f32(2.0f);
    if (op.getReduction() == Reduction::mean) {
      Value count;
      if (rank == 0) {
        count = countPositions(kb, prediction, 0, Value());
      } else {
        Value rows = countRows(kb, prediction, rowRank, op.getLengths());
        Value columns = arith::IndexCastOp::create(
            rewriter, loc, rewriter.getI64Type(), kb.dim(prediction, rowRank));
        count =
            kb.countToF32(arith::MulIOp::create(rewriter, loc, rows, columns));
      }
      norm = arith::DivFOp::create(rewriter, loc, norm, count);
    }
    Value lossGrad = kb.load(op.getLossGrad(), {});
    Value scale = kb.mul(norm, lossGrad);
    auto update = [&](ValueRange at) {
      Value predicted = kb.load(prediction, at);
      Value expected = kb.load(target, at);
      Value diff = arith::SubFOp::create(rewriter, loc, predicted, expected);
      accumulate(kb, predictionGrad, at, kb.mul(diff, scale));
    };
    forEachCountedPosition(
        kb, prediction, rowRank, op.getLengths(), [&](ValueRange row) {
          if (rank == 0)
            return update(row);
          kb.forEach(kb.dim(prediction, rowRank),
                     [&](Value column) { update(append(row, column)); });
        });
    rewriter.eraseOp(op);
    return success();
  }
};

/// count = number of counted positions (as rnn.cross_entropy_loss counts)
/// scale = d_loss / count
/// for each counted position p:
///   max = max_c l[p, c]; sum = sum_c exp(l[p, c] - max)
///   for c: d_l[p, c] += (exp(l[p, c] - max) / sum - (c == target[p]))
///                       * scale
struct CrossEntropyLossGradLowering
    : public OpRewritePattern<CrossEntropyLossGradOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(CrossEntropyLossGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = op.getLogits(), target = op.getTarget();
    Value logitsGrad = op.getLogitsGrad();
    unsigned rank = cast<MemRefType>(logits.getType()).getRank();
    if (op.getLengths() && rank != 3)
      return rewriter.notifyMatchFailure(op, "lengths need rank-3 operands");
    KernelBuilder kb(rewriter, loc);
    Value classes = kb.dim(logits, rank - 1);
    Value ignoreIndex = arith::ConstantIntOp::create(
        rewriter, loc, op.getIgnoreIndex(), /*width=*/64);
    auto notIgnored = [&](ValueRange at) -> Value {
      return kb.isCountedTarget(target, at, ignoreIndex);
    };
    Value lossGrad = kb.load(op.getLossGrad(), {});
    Value scale = lossGrad;
    if (op.getReduction() == Reduction::mean) {
      Value count =
          countPositions(kb, logits, rank - 1, op.getLengths(), notIgnored);
      scale = arith::DivFOp::create(rewriter, loc, lossGrad, count);
    }
    forEachCountedPosition(
        kb, logits, rank - 1, op.getLengths(),
        [&](ValueRange at) {
          // exp(l[p, c] - max): the shifted exponential of the forward's
          // stable log-sum-exp.
          auto shiftedExp = [&](Value c, Value max) -> Value {
            Value logit = kb.load(logits, append(at, c));
            Value shifted = arith::SubFOp::create(rewriter, loc, logit, max);
            return math::ExpOp::create(rewriter, loc, shifted);
          };
          Value lowest = kb.f32(-std::numeric_limits<float>::infinity());
          Value max = kb.reduce(classes, lowest, [&](Value c, Value acc) {
            Value logit = kb.load(logits, append(at, c));
            return arith::MaximumFOp::create(rewriter, loc, acc, logit);
          });
          Value expSum =
              kb.reduce(classes, kb.f32(0.0f), [&](Value c, Value acc) {
                return kb.add(acc, shiftedExp(c, max));
              });
          // Only counted positions get here: the label is a class.
          Value label = arith::IndexCastOp::create(
              rewriter, loc, rewriter.getIndexType(), kb.load(target, at));
          Value zero = kb.f32(0.0f), one = kb.f32(1.0f);
          kb.forEach(classes, [&](Value c) {
            Value probability = arith::DivFOp::create(
                rewriter, loc, shiftedExp(c, max), expSum);
            Value isLabel = arith::CmpIOp::create(
                rewriter, loc, arith::CmpIPredicate::eq, c, label);
            Value oneHot =
                arith::SelectOp::create(rewriter, loc, isLabel, one, zero);
            Value diff =
                arith::SubFOp::create(rewriter, loc, probability, oneHot);
            accumulate(kb, logitsGrad, append(at, c), kb.mul(diff, scale));
          });
        },
        notIgnored);
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void rnn::populateRnnGradToScfConversionPatterns(RewritePatternSet &patterns,
                                                 bool outlineKernels) {
  patterns.add<CellGradLowering>(patterns.getContext(), outlineKernels);
  patterns.add<LinearGradLowering, EmbeddingGradLowering, MseLossGradLowering,
               CrossEntropyLossGradLowering>(patterns.getContext());
}

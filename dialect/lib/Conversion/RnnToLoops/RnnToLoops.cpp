//===- RnnToLoops.cpp - rnn.layer to loops over time ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements convert-rnn-to-loops, the time-loop driver shared by
// every cell kind: a layer becomes a loop over time steps (forward, or
// reverse with t = T-1-i) whose body runs one step-level cell and then
// commits the step under the sequence-length mask. The loop is then kept,
// unrolled by a factor, or fully unrolled, as the `unroll` option says. With
// the `parallel` option, the loop runs once per batch shard inside an
// scf.parallel loop (BatchShards).
//
//===----------------------------------------------------------------------===//

#include "rnn/Passes.h"
#include "rnn/RnnUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace rnn {
#define GEN_PASS_DEF_CONVERTRNNTOLOOPS
#include "rnn/Passes.h.inc"
} // namespace rnn
} // namespace mlir

using namespace mlir;
using namespace mlir::rnn;

/// Marks the time loops this pass creates so they can be unrolled once the
/// conversion is done (unrolling inside a pattern would bypass the rewriter).
static constexpr llvm::StringLiteral kTimeLoopAttr = "rnn.time_loop";
/// Marks the backward (BPTT) time loops, which unroll=auto keeps as loops:
/// a cell's backward step is several times the code of its forward step.
static constexpr llvm::StringLiteral kBackwardLoopAttr = "rnn.backward_loop";

namespace {

/// The loop over the T time steps of a layer's `(T, B, I)` input and
/// `(T, B, H)` output, marked for the unrolling that follows the conversion,
/// with the sizes the step views need. Shared by the forward and backward
/// lowerings.
struct TimeLoop {
  TimeLoop(PatternRewriter &rewriter, Location loc, Value input, Value output)
      : zero(rewriter.getIndexAttr(0)), one(rewriter.getIndexAttr(1)),
        batch(dimAsFoldResult(rewriter, loc, input, 1)),
        inputSize(dimAsFoldResult(rewriter, loc, input, 2)),
        hiddenSize(dimAsFoldResult(rewriter, loc, output, 2)) {
    lower = arith::ConstantIndexOp::create(rewriter, loc, 0);
    step = arith::ConstantIndexOp::create(rewriter, loc, 1);
    seqLen = getValueOrCreateConstantIndexOp(
        rewriter, loc, dimAsFoldResult(rewriter, loc, input, 0));
    op = scf::ForOp::create(rewriter, loc, lower, seqLen, step);
    op->setAttr(kTimeLoopAttr, rewriter.getUnitAttr());
  }

  OpFoldResult zero, one, batch, inputSize, hiddenSize;
  Value lower, step, seqLen;
  scf::ForOp op;
};

/// How a layer's batch splits into shards that run the time loop in
/// parallel: shard s owns rows [s * rows, min((s + 1) * rows, B)), where
///   shards = max(1, min(omp_get_max_threads(), B / minShardRows,
///                       T * B * H * H / minShardMacs))
///   rows   = ceil(B / shards).
/// Sequences are independent, so each shard runs the whole time loop on
/// its rows with no synchronization between steps; a recurrence too small
/// to pay for waking the threads gets one shard, and then no parallel
/// loop at all (`useShards` is false).
struct BatchShards {
  /// For the layer `op` with a `(B, H)` `state` and a `(T, B, H)` `output`.
  BatchShards(PatternRewriter &rewriter, Operation *op, Value state,
              Value output, int64_t minShardRows, int64_t minShardMacs)
      : rewriter(rewriter), loc(op->getLoc()) {
    Value one = index(1);
    batch = memref::DimOp::create(rewriter, loc, state, 0);
    Value hidden = memref::DimOp::create(rewriter, loc, state, 1);
    Value steps = memref::DimOp::create(rewriter, loc, output, 0);
    Value threads =
        createMaxThreadsCall(rewriter, loc, op->getParentOfType<ModuleOp>());
    Value macs = steps;
    for (Value size : {batch, hidden, hidden})
      macs = arith::MulIOp::create(rewriter, loc, macs, size);
    Value bound = threads;
    for (auto [work, perShard] :
         {std::pair{batch, minShardRows}, std::pair{macs, minShardMacs}})
      bound = arith::MinSIOp::create(
          rewriter, loc, bound,
          arith::DivUIOp::create(rewriter, loc, work, index(perShard)));
    count = arith::MaxSIOp::create(rewriter, loc, one, bound);
    rows = arith::DivUIOp::create(
        rewriter, loc,
        arith::SubIOp::create(
            rewriter, loc, arith::AddIOp::create(rewriter, loc, batch, count),
            one),
        count);
    useShards = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt,
                                      count, one);
  }

  /// Creates the scf.parallel loop over the shards and moves the builder
  /// into it.
  void enterLoop() {
    auto loop =
        scf::ParallelOp::create(rewriter, loc, ValueRange{index(0)},
                                ValueRange{count}, ValueRange{index(1)});
    rewriter.setInsertionPointToStart(loop.getBody());
    // The last shards may be short, or even empty when rows * shards
    // overshoots B by more than a shard.
    first = arith::MinUIOp::create(
        rewriter, loc,
        arith::MulIOp::create(rewriter, loc, loop.getInductionVars()[0], rows),
        batch);
    shardRows = arith::MinUIOp::create(
        rewriter, loc, rows,
        arith::SubIOp::create(rewriter, loc, batch, first));
  }

  /// Inside the loop: the view of this shard's rows of `buffer`, whose
  /// dimension `dim` is the batch.
  Value view(Value buffer, unsigned dim) {
    auto type = cast<MemRefType>(buffer.getType());
    SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes,
        strides(type.getRank(), rewriter.getIndexAttr(1));
    for (unsigned d = 0; d < type.getRank(); ++d)
      sizes.push_back(dimAsFoldResult(rewriter, loc, buffer, d));
    offsets[dim] = first;
    sizes[dim] = shardRows;
    return memref::SubViewOp::create(rewriter, loc, buffer, offsets, sizes,
                                     strides);
  }

  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(rewriter, loc, value);
  }

  PatternRewriter &rewriter;
  Location loc;
  Value batch, count, rows, useShards;
  /// The current shard's first row and row count (inside the loop).
  Value first, shardRows;
};

/// How a layer with a small batch splits its hidden units between threads:
/// the columns of h (and of W_hh^T) in kChunks chunks, each a multiple of
/// kColumnAlign wide (whole column panels of the GEMM kernel at every
/// vector width) but the last. Thread `tid` of an OpenMP team of `n` owns
/// the chunks `j` with `j mod n == tid`. Every step then needs all of
/// h_{t-1}: the threads meet at a barrier once every chunk of the step is
/// computed (nobody reads the state any more) and again once every chunk is
/// committed (the state is whole again). What this buys is each thread's
/// share of W_hh^T staying in its own core's cache: with batch 1, a step
/// streams all of W_hh^T, and one core's L2 bandwidth is the limit. The
/// barriers are libomp's (omp.barrier). A hand-written spin barrier
/// measured the same on two idle cores (latency_b1 forward on 2 threads,
/// 0.248 ms either way); with 3 threads on 2 cores both lost to the
/// sequential loop (0.35 ms): 0.54-0.67 ms spinning with a yield every 16
/// spins, 1.0 ms with libomp's, whose wait policy the user can tune
/// (OMP_WAIT_POLICY, KMP_BLOCKTIME) and which is the standard one.
struct ColumnShards {
  static constexpr int64_t kChunks = 2;
  static constexpr int64_t kColumnAlign = 64;

  /// The (first column, width) of each chunk of `hidden` columns, or none
  /// when a chunk would be less than kColumnAlign wide.
  static SmallVector<std::pair<int64_t, int64_t>> chunksOf(int64_t hidden) {
    if (ShapedType::isDynamic(hidden) || hidden < kChunks * kColumnAlign)
      return {};
    int64_t width =
        llvm::alignTo(llvm::divideCeil(hidden, kChunks), kColumnAlign);
    SmallVector<std::pair<int64_t, int64_t>> chunks;
    for (int64_t first = 0; first < hidden; first += width)
      chunks.push_back({first, std::min(width, hidden - first)});
    return chunks;
  }
};

/// The columns [first, first + width) of a 1-D `(N)` or 2-D `(M, N)`
/// buffer: a column chunk of a weight, a bias, or a step's rows.
static Value columnSlice(OpBuilder &builder, Location loc, Value buffer,
                         OpFoldResult first, int64_t width) {
  OpFoldResult zero = builder.getIndexAttr(0);
  OpFoldResult size = builder.getIndexAttr(width);
  if (cast<MemRefType>(buffer.getType()).getRank() == 1)
    return viewSlice(builder, loc, buffer, {first}, {size}, {0});
  return viewSlice(builder, loc, buffer, {zero, first},
                   {dimAsFoldResult(builder, loc, buffer, 0), size}, {0, 1});
}

/// The most chunks of the look-ahead schedule's step product that are
/// written out one by one (emitLookaheadTimeLoop); more become a loop.
static constexpr int64_t kMaxUnrolledLookaheadChunks = 16;

/// Lowers rnn.layer to
///   for i in [0, T): t = reverse ? T-1-i : i
///     rnn.cell input[t], state -> output[t]
///     rnn.commit_step output[t], state at t
/// or, when the layer has room for its transposed weights, to
///   W_ih^T, W_hh^T = transpose(W_ih), transpose(W_hh)
///   output = input W_ih^T + b_ih           (one rnn.matmul, T*B rows)
///   for i in [0, T): t = reverse ? T-1-i : i
///     output[t] = act(output[t] + state W_hh^T + b_hh)    (rnn.matmul)
///     rnn.commit_step output[t], state at t
/// The second form takes the input projection, which does not depend on
/// the state, out of the sequential recurrence, and runs every product as
/// a register-blocked GEMM kernel over weights laid out for it. With the
/// `parallel` option its time loop runs once per batch shard, inside an
/// scf.parallel loop (BatchShards).
struct LayerLowering : public OpRewritePattern<LayerOp> {
  /// `minShardRows` > 0 runs the time loop on batch shards in parallel
  /// (BatchShards).
  LayerLowering(MLIRContext *context, int64_t minShardRows,
                int64_t minShardMacs, int64_t minColumnShardMacs,
                int64_t lookaheadRows, int64_t lookaheadVectorWidth)
      : OpRewritePattern(context), minShardRows(minShardRows),
        minShardMacs(minShardMacs), minColumnShardMacs(minColumnShardMacs),
        lookaheadRows(lookaheadRows),
        lookaheadVectorWidth(lookaheadVectorWidth) {}

  LogicalResult matchAndRewrite(LayerOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value transposedIH = op.getTransposedWeightIh();
    if (transposedIH) {
      SmallVector<int64_t> swap = {1, 0};
      linalg::TransposeOp::create(rewriter, loc, op.getWeightIh(), transposedIH,
                                  swap);
      linalg::TransposeOp::create(rewriter, loc, op.getWeightHh(),
                                  op.getTransposedWeightHh(), swap);
    }
    int64_t rows = lookaheadRowsOf(op);
    if (rows == 0) {
      emitProjectionAndTimeLoop(rewriter, op);
      rewriter.eraseOp(op);
      return success();
    }
    // Batch 1 folds the input projection into its recurrence (when it has
    // a block of steps to start from); any other batch projects every step
    // first.
    auto cmp = [&](arith::CmpIPredicate predicate, Value a, int64_t b) {
      return arith::CmpIOp::create(
          rewriter, loc, predicate, a,
          arith::ConstantIndexOp::create(rewriter, loc, b));
    };
    Value batch = memref::DimOp::create(rewriter, loc, op.getState(), 0);
    Value steps = memref::DimOp::create(rewriter, loc, op.getInput(), 0);
    Value lookAhead = arith::AndIOp::create(
        rewriter, loc, cmp(arith::CmpIPredicate::eq, batch, 1),
        cmp(arith::CmpIPredicate::uge, steps, rows));
    auto choice =
        scf::IfOp::create(rewriter, loc, lookAhead, /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(choice.thenBlock());
      emitLookaheadTimeLoop(rewriter, op, rows);
      rewriter.setInsertionPointToStart(choice.elseBlock());
      emitProjectionAndTimeLoop(rewriter, op);
    }
    rewriter.eraseOp(op);
    return success();
  }

  /// The input projection, when the layer has transposed weights, then the
  /// time loop: on batch shards in parallel when the recurrence is large
  /// enough (with `minShardRows` > 0), else on the whole batch.
  void emitProjectionAndTimeLoop(PatternRewriter &rewriter, LayerOp op) const {
    Location loc = op.getLoc();
    Value input = op.getInput(), output = op.getOutput();
    Value transposedHH = op.getTransposedWeightHh();
    if (op.getTransposedWeightIh())
      emitInputProjection(rewriter, op);
    if (!transposedHH || minShardRows == 0) {
      emitTimeLoop(rewriter, op, input, output, op.getState(), op.getLengths());
      return;
    }
    // Batch shards in parallel when the recurrence is large enough, else
    // the same loop on the whole batch.
    BatchShards shards(rewriter, op, op.getState(), output, minShardRows,
                       minShardMacs);
    auto choice = scf::IfOp::create(rewriter, loc, shards.useShards,
                                    /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(choice.thenBlock());
      shards.enterLoop();
      // Only the recurrence runs per shard, so its output stands in for
      // the input the loop takes its sizes from.
      Value shardOutput = shards.view(output, 1);
      Value lengths = op.getLengths();
      emitTimeLoop(rewriter, op, shardOutput, shardOutput,
                   shards.view(op.getState(), 0),
                   lengths ? shards.view(lengths, 0) : Value());
      rewriter.setInsertionPointToStart(choice.elseBlock());
      emitSmallBatchTimeLoop(rewriter, op);
    }
  }

  /// The rows R a batch of 1 projects ahead (emitLookaheadTimeLoop), 0
  /// for none: the largest power of two from 2 to lookaheadRows whose
  /// chunks of R * lookaheadVectorWidth columns divide the hidden size,
  /// for a layer with transposed weights, static input and hidden sizes, a
  /// batch that may be 1, and no column shards to compete with. (With one
  /// row, the projection would load a vector of W_ih^T per multiply-add.)
  int64_t lookaheadRowsOf(LayerOp op) const {
    if (lookaheadVectorWidth <= 0 || !op.getTransposedWeightIh() ||
        minColumnShardMacs > 0)
      return 0;
    auto inputType = cast<MemRefType>(op.getInput().getType());
    auto stateType = cast<MemRefType>(op.getState().getType());
    int64_t hidden = stateType.getDimSize(1), batch = stateType.getDimSize(0);
    if (inputType.isDynamicDim(2) || ShapedType::isDynamic(hidden) ||
        (!ShapedType::isDynamic(batch) && batch != 1))
      return 0;
    for (int64_t rows =
             llvm::bit_floor(uint64_t(std::max<int64_t>(lookaheadRows, 0)));
         rows >= 2; rows /= 2)
      if (hidden % (rows * lookaheadVectorWidth) == 0)
        return rows;
    return 0;
  }

  /// The time loop of a batch of 1 with at least R = `blockRows` steps, the
  /// input projection folded into the recurrence (W = lookaheadVectorWidth):
  ///   project the steps [0, R)
  ///   for i in [0, T): t = reverse ? T-1-i : i
  ///     next = (i / R + 1) * R        (the next block of R steps)
  ///     if i mod R == 0 and next < T < next + R: project the steps [T-R, T)
  ///     if next + R <= T:
  ///       for each chunk c of R*W columns of h:
  ///         rnn.matmul_pair output[t][c] = act(output[t][c] + h W_hh^T[:, c]
  ///                                             + b_hh[c])
  ///           other: output[steps next..next+R)][j] = input[same] W_ih^T[:, j]
  ///                                                    + b_ih[j]
  ///           for the vector-wide column j = ((i mod R) * chunks + c) * W
  ///     else: output[t] = act(output[t] + h W_hh^T + b_hh)
  ///     rnn.commit_step output[t], h at t
  /// The R steps of a block project the block after it, one column vector
  /// per chunk and step, so every step finds its projection done. A last
  /// block shorter than R is projected as the R steps ending it, before
  /// the block that shares them starts (the same values again). Every
  /// projection is of R rows, so its kernel has static shapes. With batch
  /// 1 a step reads all of W_hh^T from L2 with the FMA units half idle; the
  /// pair gives them the projection's work meanwhile (bench/OPTIMIZATIONS.md,
  /// "Batch 1: the floors"). Every element is summed as in the separate
  /// schedule, so the results are the same bits.
  void emitLookaheadTimeLoop(PatternRewriter &rewriter, LayerOp op,
                             int64_t blockRows) const {
    Location loc = op.getLoc();
    Value input = op.getInput(), output = op.getOutput();
    Value transposedIH = op.getTransposedWeightIh();
    Value transposedHH = op.getTransposedWeightHh();
    int64_t inputSize = cast<MemRefType>(input.getType()).getDimSize(2);
    int64_t hidden = cast<MemRefType>(output.getType()).getDimSize(2);
    int64_t chunkWidth = blockRows * lookaheadVectorWidth;
    int64_t chunks = hidden / chunkWidth;
    OpFoldResult zero = rewriter.getIndexAttr(0),
                 one = rewriter.getIndexAttr(1);
    auto index = [&](int64_t value) {
      return arith::ConstantIndexOp::create(rewriter, loc, value).getResult();
    };
    auto attr = [&](int64_t value) { return rewriter.getIndexAttr(value); };
    Value seqLen = memref::DimOp::create(rewriter, loc, input, 0);
    OpFoldResult steps = seqLen;
    // Batch 1's rows, as (T, I), (T, H) and (1, H) matrices.
    Value x = viewSlice(rewriter, loc, input, {zero, zero, zero},
                        {steps, one, attr(inputSize)}, {0, 2});
    Value y = viewSlice(rewriter, loc, output, {zero, zero, zero},
                        {steps, one, attr(hidden)}, {0, 2});
    Value h = viewSlice(rewriter, loc, op.getState(), {zero, zero},
                        {one, attr(hidden)}, {0, 1});
    Value rows = index(blockRows);
    // The first of the rows of the R steps from step `first`: time runs
    // backwards in a reverse layer.
    auto firstRow = [&](Value first) -> Value {
      if (!op.getReverse())
        return first;
      return arith::SubIOp::create(
          rewriter, loc, seqLen,
          arith::AddIOp::create(rewriter, loc, first, rows));
    };
    // The R rows of `buffer` from `row`.
    auto block = [&](Value buffer, Value row) {
      OpFoldResult width = dimAsFoldResult(rewriter, loc, buffer, 1);
      return viewSlice(rewriter, loc, buffer, {row, zero},
                       {attr(blockRows), width}, {0, 1});
    };
    // output = input W_ih^T + b_ih for the R steps from step `first`.
    auto project = [&](Value first) {
      Value row = firstRow(first);
      MatmulOp::create(rewriter, loc, block(x, row), transposedIH,
                       op.getBiasIh(), block(y, row),
                       /*accumulate=*/false, /*nonlinearity=*/nullptr)
          ->setAttr(kOutOfLineMatmulAttr, rewriter.getUnitAttr());
    };
    project(index(0));

    TimeLoop loop(rewriter, loc, input, output);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.op.getBody());
    Value i = loop.op.getInductionVar();
    Value time = stepTime(rewriter, op, loop);
    Value offset = arith::RemUIOp::create(rewriter, loc, i, rows);
    Value next = arith::MulIOp::create(
        rewriter, loc,
        arith::AddIOp::create(rewriter, loc,
                              arith::DivUIOp::create(rewriter, loc, i, rows),
                              index(1)),
        rows);
    Value nextEnd = arith::AddIOp::create(rewriter, loc, next, rows);
    auto less = [&](Value a, Value b) {
      return arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult, a,
                                   b);
    };
    Value shortBlockDue = arith::AndIOp::create(
        rewriter, loc,
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, offset,
                              index(0)),
        arith::AndIOp::create(rewriter, loc, less(next, seqLen),
                              less(seqLen, nextEnd)));
    buildIfThen(rewriter, loc, shortBlockDue, [&] {
      project(arith::SubIOp::create(rewriter, loc, seqLen, rows));
    });

    // The step's output row: static for the pairs, as the other steps of
    // the layer see it for the rest (which then share their kernels).
    Value stepOutput =
        viewSlice(rewriter, loc, y, {time, zero}, {one, attr(hidden)}, {0, 1});
    Value stepRows = viewSlice(
        rewriter, loc, output, {time, zero, zero},
        {one, dimAsFoldResult(rewriter, loc, output, 1), attr(hidden)}, {1, 2});
    auto columns = [&](Value buffer, OpFoldResult first, int64_t width) {
      return columnSlice(rewriter, loc, buffer, first, width);
    };
    Value fullBlockAhead = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::ule, nextEnd, seqLen);
    auto choice = scf::IfOp::create(rewriter, loc, fullBlockAhead,
                                    /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard branchGuard(rewriter);
      rewriter.setInsertionPointToStart(choice.thenBlock());
      Value row = firstRow(next);
      Value inputAhead = block(x, row), outputAhead = block(y, row);
      // Chunk `c` (at column `chunk`) of the step's product, paired with
      // vector-wide column (offset * chunks + c) * W of the projection.
      auto emitPair = [&](OpFoldResult chunk, Value c) {
        Value vector = arith::AddIOp::create(
            rewriter, loc,
            arith::MulIOp::create(rewriter, loc, offset, index(chunks)), c);
        OpFoldResult column = arith::MulIOp::create(rewriter, loc, vector,
                                                    index(lookaheadVectorWidth))
                                  .getResult();
        MatmulPairOp::create(
            rewriter, loc, h, columns(transposedHH, chunk, chunkWidth),
            op.getBiasHh() ? columns(op.getBiasHh(), chunk, chunkWidth)
                           : Value(),
            columns(stepOutput, chunk, chunkWidth), inputAhead,
            columns(transposedIH, column, lookaheadVectorWidth),
            op.getBiasIh()
                ? columns(op.getBiasIh(), column, lookaheadVectorWidth)
                : Value(),
            columns(outputAhead, column, lookaheadVectorWidth),
            /*accumulate=*/true, op.getNonlinearityAttr());
      };
      // A few chunks are written out, so that each has static offsets; many
      // (hidden sizes in the thousands) are a loop, or the step's code, and
      // the compile, would grow with the hidden size.
      if (chunks <= kMaxUnrolledLookaheadChunks) {
        for (int64_t c = 0; c < chunks; ++c)
          emitPair(attr(c * chunkWidth), index(c));
      } else {
        auto chunkLoop = scf::ForOp::create(rewriter, loc, index(0),
                                            index(chunks), index(1));
        OpBuilder::InsertionGuard loopGuard(rewriter);
        rewriter.setInsertionPointToStart(chunkLoop.getBody());
        Value c = chunkLoop.getInductionVar();
        emitPair(arith::MulIOp::create(rewriter, loc, c, index(chunkWidth))
                     .getResult(),
                 c);
      }
      rewriter.setInsertionPointToStart(choice.elseBlock());
      emitRecurrentProduct(rewriter, op, op.getState(), transposedHH,
                           op.getBiasHh(), stepRows);
    }
    CommitStepOp::create(rewriter, loc, stepRows, op.getState(), time,
                         op.getLengths());
  }

  /// The time loop of a layer whose batch is too small for batch shards:
  /// on column shards (ColumnShards) when its hidden size splits and a
  /// step has at least minColumnShardMacs multiply-adds (B * H * H) with
  /// more than one thread, else on one thread.
  void emitSmallBatchTimeLoop(PatternRewriter &rewriter, LayerOp op) const {
    Location loc = op.getLoc();
    Value output = op.getOutput(), state = op.getState();
    auto chunks =
        ColumnShards::chunksOf(cast<MemRefType>(state.getType()).getDimSize(1));
    if (chunks.empty() || minColumnShardMacs <= 0) {
      emitTimeLoop(rewriter, op, op.getInput(), output, state, op.getLengths());
      return;
    }
    Value batch = memref::DimOp::create(rewriter, loc, state, 0);
    Value hidden = memref::DimOp::create(rewriter, loc, state, 1);
    Value macs = arith::MulIOp::create(
        rewriter, loc, batch,
        arith::MulIOp::create(rewriter, loc, hidden, hidden));
    Value threads =
        createMaxThreadsCall(rewriter, loc, op->getParentOfType<ModuleOp>());
    Value split = arith::AndIOp::create(
        rewriter, loc,
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt, threads,
                              arith::ConstantIndexOp::create(rewriter, loc, 1)),
        arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::sge, macs,
            arith::ConstantIndexOp::create(rewriter, loc, minColumnShardMacs)));
    auto choice =
        scf::IfOp::create(rewriter, loc, split, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(choice.thenBlock());
    emitColumnShardedTimeLoop(rewriter, op, chunks);
    rewriter.setInsertionPointToStart(choice.elseBlock());
    emitTimeLoop(rewriter, op, op.getInput(), output, state, op.getLengths());
  }

  /// One OpenMP team runs the time loop; each thread computes and commits
  /// its chunks of every step's columns (ColumnShards), with an OpenMP
  /// barrier (omp.barrier) after the products and another after the
  /// commits. The chunks are static, so every product keeps a
  /// static column count (the vector kernel's requirement); a team of one
  /// thread runs every chunk itself.
  static void
  emitColumnShardedTimeLoop(PatternRewriter &rewriter, LayerOp op,
                            ArrayRef<std::pair<int64_t, int64_t>> chunks) {
    Location loc = op.getLoc();
    auto module = op->getParentOfType<ModuleOp>();
    Value output = op.getOutput(), state = op.getState();
    Value transposedHH = op.getTransposedWeightHh();
    OpBuilder::InsertionGuard guard(rewriter);
    // No more threads than chunks: the others would only wait at every
    // barrier.
    omp::ParallelOperands clauses;
    clauses.numThreads = arith::ConstantIntOp::create(
        rewriter, loc, rewriter.getI32Type(), chunks.size());
    auto team = omp::ParallelOp::create(rewriter, loc, clauses);
    rewriter.createBlock(&team.getRegion());
    Value thread =
        createOpenMPQuery(rewriter, loc, module, "omp_get_thread_num");
    Value threads =
        createOpenMPQuery(rewriter, loc, module, "omp_get_num_threads");
    SmallVector<Value> owned;
    for (size_t j = 0; j < chunks.size(); ++j)
      owned.push_back(arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, thread,
          arith::RemUIOp::create(
              rewriter, loc, arith::ConstantIndexOp::create(rewriter, loc, j),
              threads)));

    TimeLoop loop(rewriter, loc, output, output);
    {
      OpBuilder::InsertionGuard loopGuard(rewriter);
      rewriter.setInsertionPointToStart(loop.op.getBody());
      Value time = stepTime(rewriter, op, loop);
      OpFoldResult zero = loop.zero, one = loop.one;
      Value stepOutput = viewSlice(rewriter, loc, output, {time, zero, zero},
                                   {one, loop.batch, loop.hiddenSize}, {1, 2});
      // The chunk's columns of a 1-D or 2-D buffer.
      auto columns = [&](Value buffer, std::pair<int64_t, int64_t> chunk) {
        return columnSlice(rewriter, loc, buffer,
                           rewriter.getIndexAttr(chunk.first), chunk.second);
      };
      for (auto [chunk, mine] : llvm::zip(chunks, owned))
        buildIfThen(rewriter, loc, mine, [&] {
          Value bias =
              op.getBiasHh() ? columns(op.getBiasHh(), chunk) : Value();
          emitRecurrentProduct(rewriter, op, state,
                               columns(transposedHH, chunk), bias,
                               columns(stepOutput, chunk));
        });
      omp::BarrierOp::create(rewriter, loc);
      for (auto [chunk, mine] : llvm::zip(chunks, owned))
        buildIfThen(rewriter, loc, mine, [&] {
          CommitStepOp::create(rewriter, loc, columns(stepOutput, chunk),
                               columns(state, chunk), time, op.getLengths());
        });
      omp::BarrierOp::create(rewriter, loc);
    }
    omp::TerminatorOp::create(rewriter, loc);
  }

  /// stepOutput = act(stepOutput + state weights + bias), one step's
  /// product with the transposed recurrent weights (or a chunk of their
  /// columns), which never forks: the step is too small, or already one of
  /// several threads' share.
  static void emitRecurrentProduct(PatternRewriter &rewriter, LayerOp op,
                                   Value state, Value weights, Value bias,
                                   Value stepOutput) {
    MatmulOp::create(rewriter, op.getLoc(), state, weights, bias, stepOutput,
                     /*accumulate=*/true, op.getNonlinearityAttr())
        ->setAttr(kSequentialMatmulAttr, rewriter.getUnitAttr());
  }

  /// The time step `loop`'s iteration handles: i, or T-1-i for a reverse
  /// layer.
  static Value stepTime(PatternRewriter &rewriter, LayerOp op, TimeLoop &loop) {
    Value time = loop.op.getInductionVar();
    if (!op.getReverse())
      return time;
    Location loc = op.getLoc();
    Value last = arith::SubIOp::create(rewriter, loc, loop.seqLen, loop.step);
    return arith::SubIOp::create(rewriter, loc, last, time);
  }

  /// The time loop of `op` over `output`'s steps, on the rows of `state`
  /// (all of the layer's, or a shard's).
  static void emitTimeLoop(PatternRewriter &rewriter, LayerOp op, Value input,
                           Value output, Value state, Value lengths) {
    Location loc = op.getLoc();
    Value transposedHH = op.getTransposedWeightHh();
    TimeLoop loop(rewriter, loc, input, output);
    OpFoldResult zero = loop.zero, one = loop.one, batch = loop.batch;
    OpFoldResult inputSize = loop.inputSize, hiddenSize = loop.hiddenSize;
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.op.getBody());
    Value time = stepTime(rewriter, op, loop);
    // One statement per view keeps the IR in a fixed order.
    Value stepInput = transposedHH
                          ? Value()
                          : viewSlice(rewriter, loc, input, {time, zero, zero},
                                      {one, batch, inputSize}, {1, 2});
    Value stepOutput = viewSlice(rewriter, loc, output, {time, zero, zero},
                                 {one, batch, hiddenSize}, {1, 2});
    if (transposedHH)
      emitRecurrentProduct(rewriter, op, state, transposedHH, op.getBiasHh(),
                           stepOutput);
    else
      CellOp::create(rewriter, loc, stepInput, state, op.getWeightIh(),
                     op.getWeightHh(), op.getBiasIh(), op.getBiasHh(),
                     stepOutput, op.getNonlinearity());
    CommitStepOp::create(rewriter, loc, stepOutput, state, time, lengths);
  }

  int64_t minShardRows, minShardMacs, minColumnShardMacs;
  int64_t lookaheadRows, lookaheadVectorWidth;

  /// output = input W_ih^T + b_ih, all T*B rows as one GEMM.
  static void emitInputProjection(PatternRewriter &rewriter, LayerOp op) {
    MatmulOp::create(rewriter, op.getLoc(), op.getInput(),
                     op.getTransposedWeightIh(), op.getBiasIh(), op.getOutput(),
                     /*accumulate=*/false, /*nonlinearity=*/nullptr);
  }
};

/// Lowers rnn.layer_grad to a loop visiting the forward steps in the
/// opposite order, then the products that need every step's g at once:
///   for i in [0, T): t = reverse ? i : T-1-i
///     prev = reverse ? min(t+1, T-1) : max(t-1, 0)
///     rnn.cell_grad input[t], output[t], output[prev], h0 at t, prev
///       (g into output_grad[t], state_grad and the bias gradients only)
///     if truncate > 0 and the forward position of t is a positive multiple
///     of truncate: state_grad = 0   (the state was detached there)
///   input_grad += g W_ih                               (T*B rows at once)
///   W_ih grad  += sum_t g[t]^T input[t]                  (batch-reduce)
///   W_hh grad  += sum_t g[t]^T output[prev(t)] + g[first]^T h0
/// Only the state gradient is sequential; the weight gradients become GEMMs
/// whose reduction runs over T*B instead of B, and the input gradient one
/// GEMM over all steps.
struct LayerGradLowering : public OpRewritePattern<LayerGradOp> {
  /// `minShardRows` > 0 runs the time loop on batch shards in parallel
  /// (BatchShards).
  LayerGradLowering(MLIRContext *context, int64_t minShardRows,
                    int64_t minShardMacs)
      : OpRewritePattern(context), minShardRows(minShardRows),
        minShardMacs(minShardMacs) {}

  /// The buffers the time loop reads and writes per batch row: all rows,
  /// or a shard's.
  struct RowViews {
    Value input, output, outputGrad, h0, lengths, stateGrad;
  };

  LogicalResult matchAndRewrite(LayerGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RowViews all{op.getInput(), op.getOutput(),  op.getOutputGrad(),
                 op.getH0(),    op.getLengths(), op.getStateGrad()};
    if (minShardRows == 0) {
      emitTimeLoop(rewriter, op, all);
    } else {
      // Batch shards in parallel when the recurrence is large enough, else
      // the same loop on the whole batch.
      BatchShards shards(rewriter, op, op.getStateGrad(), op.getOutput(),
                         minShardRows, minShardMacs);
      auto choice = scf::IfOp::create(rewriter, loc, shards.useShards,
                                      /*withElseRegion=*/true);
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(choice.thenBlock());
      shards.enterLoop();
      RowViews shard;
      shard.input = shards.view(all.input, 1);
      shard.output = shards.view(all.output, 1);
      shard.outputGrad = shards.view(all.outputGrad, 1);
      shard.h0 = shards.view(all.h0, 0);
      shard.lengths = all.lengths ? shards.view(all.lengths, 0) : Value();
      shard.stateGrad = shards.view(all.stateGrad, 0);
      emitTimeLoop(rewriter, op, shard);
      rewriter.setInsertionPointToStart(choice.elseBlock());
      emitTimeLoop(rewriter, op, all);
    }
    Value seqLen = getValueOrCreateConstantIndexOp(
        rewriter, loc, dimAsFoldResult(rewriter, loc, op.getOutput(), 0));
    emitProductsOverAllSteps(rewriter, op, seqLen);
    emitBiasGradients(rewriter, op);
    rewriter.eraseOp(op);
    return success();
  }

  int64_t minShardRows, minShardMacs;

  /// The loop over the steps in backward order, on the rows of `rows`.
  static void emitTimeLoop(PatternRewriter &rewriter, LayerGradOp op,
                           const RowViews &rows) {
    Location loc = op.getLoc();
    Value input = rows.input, output = rows.output;
    TimeLoop loop(rewriter, loc, input, output);
    OpFoldResult zero = loop.zero, one = loop.one, batch = loop.batch;
    OpFoldResult inputSize = loop.inputSize, hiddenSize = loop.hiddenSize;
    Value lower = loop.lower, step = loop.step, seqLen = loop.seqLen;
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.op.getBody());
    loop.op->setAttr(kBackwardLoopAttr, rewriter.getUnitAttr());
    Value i = loop.op.getInductionVar();
    Value last = arith::SubIOp::create(rewriter, loc, seqLen, step);
    Value time, prevTime, forwardPosition;
    if (op.getReverse()) {
      // The reverse direction ran t = T-1 .. 0, so its backward runs 0 .. T-1
      // and the step before t in forward order is t+1.
      time = i;
      Value next = arith::AddIOp::create(rewriter, loc, i, step);
      prevTime = arith::MinUIOp::create(rewriter, loc, next, last);
      forwardPosition = arith::SubIOp::create(rewriter, loc, last, i);
    } else {
      time = arith::SubIOp::create(rewriter, loc, last, i);
      Value previous = arith::SubIOp::create(rewriter, loc, time, step);
      Value isFirst = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, time, lower);
      prevTime =
          arith::SelectOp::create(rewriter, loc, isFirst, lower, previous);
      forwardPosition = time;
    }
    auto row = [&](Value buffer, Value t, OpFoldResult features) {
      return viewSlice(rewriter, loc, buffer, {t, zero, zero},
                       {one, batch, features}, {1, 2});
    };
    // One statement per view keeps the IR in a fixed order.
    Value stepInput = row(input, time, inputSize);
    Value stepOutput = row(output, time, hiddenSize);
    Value prevOutput = row(output, prevTime, hiddenSize);
    Value stepOutputGrad = row(rows.outputGrad, time, hiddenSize);
    // The parameter gradients are formed after the loop from the g of
    // every step, which the shards share.
    CellGradOp::create(rewriter, loc, stepInput, stepOutput, prevOutput,
                       rows.h0, time, prevTime, rows.lengths, op.getWeightIh(),
                       op.getWeightHh(), stepOutputGrad, rows.stateGrad,
                       /*input_grad=*/Value(),
                       /*weight_ih_grad=*/Value(), /*weight_hh_grad=*/Value(),
                       /*bias_ih_grad=*/Value(), /*bias_hh_grad=*/Value(),
                       op.getNonlinearity());

    if (int64_t window = op.getTruncate()) {
      // Truncated BPTT: the state entering every window but the first was
      // detached, so no gradient flows from it into the window before.
      Value windowSize = arith::ConstantIndexOp::create(rewriter, loc, window);
      Value offset =
          arith::RemUIOp::create(rewriter, loc, forwardPosition, windowSize);
      Value atBoundary = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::eq, offset, lower);
      Value notFirst = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::ne, forwardPosition, lower);
      Value detach = arith::AndIOp::create(rewriter, loc, atBoundary, notFirst);
      auto ifDetach = scf::IfOp::create(rewriter, loc, detach);
      rewriter.setInsertionPointToStart(ifDetach.thenBlock());
      Value zeroF = arith::ConstantOp::create(rewriter, loc,
                                              rewriter.getF32FloatAttr(0.0f));
      linalg::FillOp::create(rewriter, loc, zeroF, rows.stateGrad);
    }
  }

  /// bias_ih grad += sum over (t, b) of g[t, b], and the same for bias_hh.
  static void emitBiasGradients(PatternRewriter &rewriter, LayerGradOp op) {
    if (Value biasIhGrad = op.getBiasIhGrad())
      SumRowsOp::create(rewriter, op.getLoc(), op.getOutputGrad(),
                        ValueRange{biasIhGrad, op.getBiasHhGrad()});
  }

  static void emitProductsOverAllSteps(PatternRewriter &rewriter,
                                       LayerGradOp op, Value seqLen) {
    Location loc = op.getLoc();
    Value input = op.getInput(), output = op.getOutput();
    Value grads = op.getOutputGrad(), weightHhGrad = op.getWeightHhGrad();
    OpFoldResult zero = rewriter.getIndexAttr(0),
                 one = rewriter.getIndexAttr(1);
    OpFoldResult batch = dimAsFoldResult(rewriter, loc, input, 1);
    OpFoldResult hiddenSize = dimAsFoldResult(rewriter, loc, output, 2);
    auto steps = [&](Value buffer, OpFoldResult first, OpFoldResult count) {
      OpFoldResult features = dimAsFoldResult(rewriter, loc, buffer, 2);
      return viewSlice(rewriter, loc, buffer, {first, zero, zero},
                       {count, batch, features}, {0, 1, 2});
    };

    // Skipped when the caller did not ask for it: one of the backward
    // pass's four big products.
    if (Value inputGrad = op.getInputGrad())
      buildIfThen(rewriter, loc, op.getInputGradWanted(), [&] {
        MatmulOp::create(rewriter, loc, grads, op.getWeightIh(), inputGrad);
      });
    MatmulOp::create(rewriter, loc, transposeInnerDims(rewriter, loc, grads),
                     input, op.getWeightIhGrad());

    // Every step but the first in forward order follows the output of the
    // step before it: t-1 going forward, t+1 in reverse. The views of those
    // T-1 steps start at step min(1, T-1), not 1: a sequence (or a segment)
    // of one step has no such pair, and a view starting at 1 would start
    // past the end of the buffer, which the subview verifier rejects even
    // for an empty view once canonicalization makes T static.
    Value step = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value last = arith::SubIOp::create(rewriter, loc, seqLen, step);
    std::optional<int64_t> staticSeqLen = getConstantIntValue(seqLen);
    OpFoldResult second =
        staticSeqLen
            ? OpFoldResult(rewriter.getIndexAttr(
                  std::min<int64_t>(1, *staticSeqLen - 1)))
            : OpFoldResult(arith::MinUIOp::create(rewriter, loc, step, last)
                               .getResult());
    OpFoldResult following = op.getReverse() ? zero : second;
    OpFoldResult preceding = op.getReverse() ? second : zero;
    Value followingGrads = steps(grads, following, last);
    Value precedingOutputs = steps(output, preceding, last);
    MatmulOp::create(rewriter, loc,
                     transposeInnerDims(rewriter, loc, followingGrads),
                     precedingOutputs, weightHhGrad);
    // The first step follows h0.
    Value first = op.getReverse() ? last : Value();
    OpFoldResult firstStep = first ? OpFoldResult(first) : zero;
    Value firstGrads = viewSlice(rewriter, loc, grads, {firstStep, zero, zero},
                                 {one, batch, hiddenSize}, {1, 2});
    MatmulOp::create(rewriter, loc,
                     transposeInnerDims(rewriter, loc, firstGrads), op.getH0(),
                     weightHhGrad);
    if (op.getReverse() && op.getLengths())
      emitShortSequenceFixup(rewriter, op, seqLen);
  }

  /// In reverse, a sequence b shorter than T starts at t = lengths[b] - 1,
  /// after h0, but the product above paired that step with output[t+1]:
  ///   for b with lengths[b] < T: t = lengths[b] - 1
  ///     W_hh grad[j, k] += g[t, b, j] * (h0[b, k] - output[t+1, b, k])
  static void emitShortSequenceFixup(PatternRewriter &rewriter, LayerGradOp op,
                                     Value seqLen) {
    Location loc = op.getLoc();
    Value grads = op.getOutputGrad(), output = op.getOutput(), h0 = op.getH0();
    Value weightHhGrad = op.getWeightHhGrad();
    Value zeroIndex = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value oneIndex = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto forEach = [&](Value upper, function_ref<void(Value)> body) {
      auto loop = scf::ForOp::create(rewriter, loc, zeroIndex, upper, oneIndex);
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(loop.getBody());
      body(loop.getInductionVar());
    };
    auto contract = arith::FastMathFlagsAttr::get(
        rewriter.getContext(), arith::FastMathFlags::contract);
    Value batch = memref::DimOp::create(rewriter, loc, h0, 0);
    Value hidden = memref::DimOp::create(rewriter, loc, h0, 1);
    forEach(batch, [&](Value b) {
      Value length = arith::IndexCastOp::create(
          rewriter, loc, rewriter.getIndexType(),
          memref::LoadOp::create(rewriter, loc, op.getLengths(), b));
      Value isShort = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::slt, length, seqLen);
      auto ifShort = scf::IfOp::create(rewriter, loc, isShort);
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(ifShort.thenBlock());
      Value start = arith::SubIOp::create(rewriter, loc, length, oneIndex);
      forEach(hidden, [&](Value j) {
        Value g = memref::LoadOp::create(rewriter, loc, grads,
                                         ValueRange{start, b, j});
        forEach(hidden, [&](Value k) {
          Value fromH0 =
              memref::LoadOp::create(rewriter, loc, h0, ValueRange{b, k});
          Value fromNext = memref::LoadOp::create(rewriter, loc, output,
                                                  ValueRange{length, b, k});
          Value delta = arith::SubFOp::create(rewriter, loc, fromH0, fromNext);
          Value term = arith::MulFOp::create(rewriter, loc, g, delta, contract);
          Value old = memref::LoadOp::create(rewriter, loc, weightHhGrad,
                                             ValueRange{j, k});
          Value sum = arith::AddFOp::create(rewriter, loc, old, term, contract);
          memref::StoreOp::create(rewriter, loc, sum, weightHhGrad,
                                  ValueRange{j, k});
        });
      });
    });
  }
};

/// The parsed `unroll` option.
struct UnrollPolicy {
  enum Kind { Auto, None, Full, Factor } kind = Auto;
  uint64_t factor = 1;
};

struct ConvertRnnToLoopsPass
    : public rnn::impl::ConvertRnnToLoopsBase<ConvertRnnToLoopsPass> {
  using ConvertRnnToLoopsBase::ConvertRnnToLoopsBase;

  void runOnOperation() override {
    FailureOr<UnrollPolicy> policy = parseUnroll();
    if (failed(policy)) {
      getOperation().emitError()
          << "invalid unroll option '" << unroll
          << "': expected auto, none, full or a positive integer";
      return signalPassFailure();
    }

    // Stacked RNNs are expanded by another pass; say so instead of letting
    // the conversion report a generic legalization failure.
    WalkResult stacked = getOperation().walk([](Operation *op) {
      if (!isa<StackedRnnOp, StackedRnnGradOp>(op))
        return WalkResult::advance();
      op->emitOpError("must be expanded into rnn.layer ops first (run "
                      "--rnn-expand-stacked before --convert-rnn-to-loops)");
      return WalkResult::interrupt();
    });
    if (stacked.wasInterrupted())
      return signalPassFailure();

    ConversionTarget target(getContext());
    target.addIllegalOp<LayerOp, LayerGradOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    patterns.add<LayerLowering>(
        &getContext(), parallel ? std::max<int64_t>(minShardRows, 1) : 0,
        std::max<int64_t>(minShardMacs, 1), minColumnShardMacs, lookaheadRows,
        lookaheadVectorWidth);
    patterns.add<LayerGradLowering>(
        &getContext(), parallel ? std::max<int64_t>(minShardRows, 1) : 0,
        std::max<int64_t>(minShardMacs, 1));
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();

    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) {
      if (loop->hasAttr(kTimeLoopAttr))
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops) {
      loop->removeAttr(kTimeLoopAttr);
      bool backward = loop->hasAttr(kBackwardLoopAttr);
      loop->removeAttr(kBackwardLoopAttr);
      if (backward && policy->kind == UnrollPolicy::Auto)
        continue;
      if (failed(unrollTimeLoop(loop, *policy)))
        return signalPassFailure();
    }
  }

  FailureOr<UnrollPolicy> parseUnroll() const {
    UnrollPolicy policy;
    StringRef value = unroll;
    if (value == "auto")
      policy.kind = UnrollPolicy::Auto;
    else if (value == "none")
      policy.kind = UnrollPolicy::None;
    else if (value == "full")
      policy.kind = UnrollPolicy::Full;
    else if (!value.getAsInteger(10, policy.factor) && policy.factor > 0)
      policy.kind = UnrollPolicy::Factor;
    else
      return failure();
    return policy;
  }

  LogicalResult unrollTimeLoop(scf::ForOp loop, const UnrollPolicy &policy) {
    std::optional<int64_t> tripCount;
    if (std::optional<APInt> count = loop.getStaticTripCount())
      tripCount = count->getSExtValue();
    switch (policy.kind) {
    case UnrollPolicy::None:
      return success();
    case UnrollPolicy::Auto:
      if (!tripCount || *tripCount > autoUnrollMaxSteps)
        return success();
      return loopUnrollFull(loop);
    case UnrollPolicy::Full:
      if (!tripCount) {
        loop.emitRemark("sequence length is dynamic; keeping the time loop");
        return success();
      }
      // Code size and compile time grow with every unrolled step.
      if (*tripCount > kMaxUnrolledSteps) {
        loop.emitRemark() << "a sequence of " << *tripCount
                          << " steps is longer than the " << kMaxUnrolledSteps
                          << " steps full unrolling goes to; keeping the "
                             "time loop";
        return success();
      }
      return loopUnrollFull(loop);
    case UnrollPolicy::Factor: {
      // The body grows with the factor as with full unrolling.
      uint64_t factor = std::min(policy.factor, uint64_t(kMaxUnrolledSteps));
      if (factor < policy.factor)
        loop.emitRemark() << "an unroll factor of " << policy.factor
                          << " is more than the " << kMaxUnrolledSteps
                          << " steps unrolling goes to; unrolling by "
                          << kMaxUnrolledSteps;
      // A factor of at least the static step count unrolls fully.
      if (tripCount && factor >= uint64_t(*tripCount))
        return loopUnrollFull(loop);
      if (factor == 1)
        return success();
      return loopUnrollByFactor(loop, factor);
    }
    }
    return success();
  }
};

} // namespace

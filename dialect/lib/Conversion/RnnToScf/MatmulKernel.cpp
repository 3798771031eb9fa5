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
// Loop order: row blocks, then column panels of V*W columns, then row
// tiles, so a panel of rhs (K x V*W floats) stays in cache while every row
// tile of the block streams past it. The (block, panel) pairs are
// independent; with the `parallel` option they form an scf.parallel loop.
// Rows left over (M mod R) run through a one-row variant of the kernel,
// columns left over (N mod V*W) through a narrower panel whose last vector
// is masked. With vector-width=0 the op becomes plain scalar loops, the
// reference the vector kernel is tested against.
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
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <limits>

using namespace mlir;
using namespace mlir::rnn;

namespace {

/// Emits the loops of one rnn.matmul.
class MatmulEmitter {
public:
  MatmulEmitter(MatmulOp op, PatternRewriter &rewriter,
                const MatmulTiling &tiling)
      : op(op), kb(rewriter, op.getLoc()), b(rewriter), loc(op.getLoc()),
        tiling(tiling), batchReduce(op.isBatchReduce()),
        timeMajor(op.hasTimeMajorRows()) {
    Value lhs = op.getLhs();
    unsigned lhsRank = cast<MemRefType>(lhs.getType()).getRank();
    depth = kb.dim(lhs, lhsRank - 1);
    if (batchReduce) {
      reductionSteps = kb.dim(lhs, 0);
      numRows = kb.dim(lhs, 1);
    } else if (timeMajor) {
      batchSize = kb.dim(lhs, 1);
      numRows = arith::MulIOp::create(b, loc, kb.dim(lhs, 0), batchSize);
    } else {
      numRows = kb.dim(lhs, 0);
    }
  }

  /// for m, n: acc = bias[n] + (accumulate ? result[m, n] : 0)
  ///           for (s,) k: acc += lhs[(s,) m, k] * rhs[(s,) k, n]
  ///           result[m, n] = act(acc)
  void emitScalar() {
    Value columns = kb.dim(op.getResult(), timeMajor ? 2 : 1);
    kb.forEach(numRows, [&](Value m) {
      SmallVector<Value> row = rowIndices(m);
      kb.forEach(columns, [&](Value n) {
        Value acc = initialValue(
            op.getAccumulate() ? kb.load(op.getResult(), append(row, n))
                               : Value(),
            op.getBias() ? kb.load(op.getBias(), {n}) : Value(), kb.f32(0));
        acc = reduce({acc}, [&](Value s, Value k, ValueRange sums) {
          Value a = loadLhs(row, s, k);
          Value c = kb.load(op.getRhs(), rhsIndices(s, k, n));
          return SmallVector<Value>{kb.add(sums[0], kb.mul(a, c))};
        })[0];
        kb.store(activate(acc), op.getResult(), append(row, n));
      });
    });
  }

  /// The register-blocked vector kernel; needs a static N.
  ///
  /// Cache blocking around the register tiles: the rows run in blocks of
  /// about kRowBlock, so that a block of lhs stays in cache while every
  /// column panel of rhs passes; a batch-reduce product runs its reduction
  /// in chunks of at most kReductionBlock (s, k) pairs, accumulating into
  /// the result between chunks, so that the rhs panel of a chunk (packed,
  /// with pack-rhs) stays in cache while every row tile uses it.
  ///
  /// The (row block, column panel) pairs write disjoint parts of the
  /// result. With `tiling.parallel`, and when the product is large enough
  /// to pay for waking the threads, they form an scf.parallel loop (which
  /// convert-scf-to-openmp turns into a work-sharing loop) whose pairs each
  /// run all chunks: one fork per product. Each pair adds its chunks in
  /// order, so every element is summed in the sequential order on any
  /// number of threads.
  void emitVector() {
    int64_t width = tiling.vectorWidth;
    vectorType = VectorType::get({width}, b.getF32Type());
    maskType = VectorType::get({width}, b.getI1Type());
    zeroVector = arith::ConstantOp::create(
        b, loc, vectorType, DenseElementsAttr::get(vectorType, 0.0f));
    decideParallel();

    // Full tiles of tile-rows rows first; the rows left over run one at a
    // time with a tile as many vectors wide, so that they still have
    // enough independent accumulators to hide the FMA latency (batch 1 is
    // all left-over rows).
    Value rowTile = kb.index(tiling.tileRows);
    Value tiledRows = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, numRows, rowTile), rowTile);
    auto emitRows = [&] {
      emitPanels(kb.index(0), tiledRows, tiling.tileRows, tiling.tileVectors,
                 /*mayShare=*/true);
      emitPanels(tiledRows, numRows, 1, tiling.tileRows * tiling.tileVectors,
                 /*mayShare=*/false);
    };
    // The activation must see the whole sum, so only a product without
    // one is split.
    if (!batchReduce || op.getNonlinearity()) {
      reductionBegin = kb.index(0);
      reductionEnd = reductionSteps;
      emitRows();
      return;
    }
    // A chunk is as many whole steps s as fit in kReductionBlock (s, k)
    // pairs, or part of one step's k when a single step has more. Every
    // work item runs all chunks itself (forEachChunk), in order.
    Value block = kb.index(kReductionBlock);
    stepsPerChunk = arith::MaxUIOp::create(
        b, loc, kb.index(1), arith::DivUIOp::create(b, loc, block, depth));
    depthPerChunk = arith::MinUIOp::create(b, loc, depth, block);
    emitRows();
  }

private:
  /// Rows per cache block (see emitVector).
  static constexpr int64_t kRowBlock = 256;
  /// (s, k) pairs per reduction chunk of a batch-reduce product: a rhs
  /// panel of this many rows is 16 KiB at 64 columns, a third of L1. 64,
  /// 128 and 256 measured within the noise on `large`; 64 and 128 were
  /// 5 % faster than 256 on `mid` and `deep` training.
  static constexpr int64_t kReductionBlock = 64;
  /// The fewest full column panels for which a batch-reduce product packs
  /// its rhs panels (256 columns with AVX-512's 64-column panels: rows of
  /// rhs at least 1 KiB apart): packing made `large` and `mid` training
  /// faster, but gave `deep` (128 columns) nothing and half a second more
  /// to compile.
  static constexpr int64_t kMinPackedPanels = 4;
  /// Column panels per parallel work item of a batch-reduce product at
  /// most, and the fewest work items grouping may leave (see
  /// parallelGroupSize).
  static constexpr int64_t kMaxPanelsPerItem = 4;
  static constexpr int64_t kMinParallelItems = 8;
  /// Bytes the packed rhs panel is aligned to: a cache line.
  static constexpr int64_t kPackAlignment = 64;
  /// The size a dynamic dimension is assumed to reach at most when deciding
  /// whether a product may ever run in parallel (see mayRunInParallel).
  static constexpr int64_t kAssumedDynamicSize = 1024;

  /// With `tiling.parallel` (see mayRunInParallel), the run-time
  /// condition for the parallel loops (`parallelAtRunTime`): more than one
  /// thread and, when a size is dynamic, enough multiply-adds.
  void decideParallel() {
    if (!tiling.parallel)
      return;
    parallel = true;
    Value threads =
        createMaxThreadsCall(b, loc, op->getParentOfType<ModuleOp>());
    parallelAtRunTime = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                              threads, kb.index(1));
    SmallVector<Value> sizes;
    bool dynamic = false;
    for (auto [memref, dim] : productDims(op)) {
      dynamic |= cast<MemRefType>(memref.getType()).isDynamicDim(dim);
      sizes.push_back(kb.dim(memref, dim));
    }
    if (!dynamic)
      return;
    Value macs = sizes.front();
    for (Value size : ArrayRef(sizes).drop_front())
      macs = arith::MulIOp::create(b, loc, macs, size);
    Value enough =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, macs,
                              kb.index(tiling.parallelMinMacs));
    parallelAtRunTime =
        arith::AndIOp::create(b, loc, parallelAtRunTime, enough);
  }

public:
  /// The (memref, dimension) pairs whose sizes multiply to the product's
  /// multiply-adds: every dimension of lhs, and the columns.
  static SmallVector<std::pair<Value, unsigned>> productDims(MatmulOp op) {
    SmallVector<std::pair<Value, unsigned>> dims;
    Value lhs = op.getLhs(), result = op.getResult();
    for (unsigned d = 0, e = cast<MemRefType>(lhs.getType()).getRank(); d < e;
         ++d)
      dims.push_back({lhs, d});
    dims.push_back({result, cast<MemRefType>(result.getType()).getRank() - 1});
    return dims;
  }

  /// Whether `op` gets parallel loops at all: with the `parallel` tiling,
  /// at least one full column panel (the only part that is shared out) and
  /// `parallelMinMacs` multiply-adds, counting kAssumedDynamicSize for
  /// each dynamic size. A product that would stay below the threshold even
  /// then gets no parallel code, which would cost compile time and never
  /// run.
  static bool mayRunInParallel(MatmulOp op, const MatmulTiling &tiling) {
    auto resultType = cast<MemRefType>(op.getResult().getType());
    int64_t columns = resultType.getDimSize(resultType.getRank() - 1);
    if (!tiling.parallel || tiling.vectorWidth <= 0 ||
        ShapedType::isDynamic(columns) ||
        columns < tiling.vectorWidth * tiling.tileVectors)
      return false;
    // Saturates instead of overflowing.
    constexpr int64_t kMaxMacs = std::numeric_limits<int64_t>::max();
    int64_t product = 1;
    for (auto [memref, dim] : productDims(op)) {
      int64_t size = cast<MemRefType>(memref.getType()).getDimSize(dim);
      if (ShapedType::isDynamic(size))
        size = kAssumedDynamicSize;
      product = size == 0 ? 0 : std::min(product, kMaxMacs / size) * size;
    }
    return product >= tiling.parallelMinMacs;
  }

private:
  /// Rows [rowBegin, rowEnd) in tiles of `tileRows` rows by `tileVectors`
  /// vectors, in row blocks by column panels (a panel of rhs stays in
  /// cache while the row tiles of a block stream past it); the columns
  /// left over form one narrower panel whose last vector is masked. Only
  /// the full panels of full row tiles (`mayShare`) may be spread over
  /// threads: they are nearly all of a large product's work, and every
  /// variant that can also run in parallel is emitted twice.
  void emitPanels(Value rowBegin, Value rowEnd, int64_t tileRows,
                  int64_t tileVectors, bool mayShare) {
    int64_t width = tiling.vectorWidth;
    int64_t panelWidth = width * tileVectors;
    auto resultType = cast<MemRefType>(op.getResult().getType());
    int64_t columns = resultType.getDimSize(resultType.getRank() - 1);
    int64_t blockRows = std::max(tileRows, kRowBlock / tileRows * tileRows);
    // ceil((rowEnd - rowBegin) / blockRows), in ops arith-to-llvm knows.
    Value numBlocks = arith::DivUIOp::create(
        b, loc,
        arith::AddIOp::create(b, loc,
                              arith::SubIOp::create(b, loc, rowEnd, rowBegin),
                              kb.index(blockRows - 1)),
        kb.index(blockRows));
    auto panel = [&](Value block, Value column, int64_t numVectors,
                     int64_t lastLanes) {
      Value blockStart = arith::AddIOp::create(
          b, loc, rowBegin,
          arith::MulIOp::create(b, loc, block, kb.index(blockRows)));
      Value blockEnd = arith::MinUIOp::create(
          b, loc,
          arith::AddIOp::create(b, loc, blockStart, kb.index(blockRows)),
          rowEnd);
      kb.forRange(blockStart, blockEnd, tileRows, [&](Value row) {
        emitTile(row, tileRows, column, numVectors, lastLanes);
      });
    };
    int64_t fullPanels = columns / panelWidth;
    if (fullPanels > 0)
      forEachWorkItem(
          {numBlocks, kb.index(fullPanels)}, mayShare,
          [&](ValueRange ivs) {
            Value column =
                arith::MulIOp::create(b, loc, ivs[1], kb.index(panelWidth));
            if (!mayShare || !packsRhs())
              return panel(ivs[0], column, tileVectors, 0);
            withPackedPanel(column, tileVectors,
                            [&] { panel(ivs[0], column, tileVectors, 0); });
          },
          panelsPerWorkItem(blockRows, fullPanels));
    int64_t leftover = columns % panelWidth;
    if (leftover > 0)
      forEachWorkItem({numBlocks}, /*mayShare=*/false, [&](ValueRange ivs) {
        panel(ivs[0], kb.index(fullPanels * panelWidth),
              llvm::divideCeil(leftover, width), leftover % width);
      });
  }

  /// body() once per reduction chunk, in order, with reductionBegin,
  /// reductionEnd, depthBegin, depthEnd and firstChunk set; once for the
  /// whole reduction when it is not split.
  void forEachChunk(function_ref<void()> body) {
    if (!stepsPerChunk)
      return body();
    kb.forRange(
        kb.index(0), reductionSteps, stepsPerChunk, [&](Value stepStart) {
          kb.forRange(kb.index(0), depth, depthPerChunk, [&](Value depthStart) {
            reductionBegin = stepStart;
            reductionEnd = arith::MinUIOp::create(
                b, loc, arith::AddIOp::create(b, loc, stepStart, stepsPerChunk),
                reductionSteps);
            depthBegin = depthStart;
            depthEnd = arith::MinUIOp::create(
                b, loc,
                arith::AddIOp::create(b, loc, depthStart, depthPerChunk),
                depth);
            firstChunk = arith::AndIOp::create(
                b, loc,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                      stepStart, kb.index(0)),
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                      depthStart, kb.index(0)));
            body();
          });
        });
  }

  /// Whether the full tiles read the rhs of a reduction chunk from a packed
  /// copy (withPackedPanel): for batch-reduce products with `pack-rhs` and
  /// at least kMinPackedPanels full column panels. Their rhs (the activations
  /// of every step) is not laid out by us: its rows may be a power of two
  /// apart, so that a column panel falls into a few cache sets and every
  /// row tile would fetch it again from L3.
  bool packsRhs() {
    auto resultType = cast<MemRefType>(op.getResult().getType());
    int64_t panelWidth = tiling.vectorWidth * tiling.tileVectors;
    return tiling.packRhs && stepsPerChunk &&
           resultType.getDimSize(resultType.getRank() - 1) >=
               kMinPackedPanels * panelWidth;
  }

  /// Emits `body` with `packedRhs` set to a copy of the current chunk's rhs
  /// panel at `column` (`numVectors` full vectors wide), contiguous, in a
  /// stack buffer of kReductionBlock rows (packBuffer).
  void withPackedPanel(Value column, int64_t numVectors,
                       function_ref<void()> body) {
    int64_t width = tiling.vectorWidth;
    packedRhs = packBuffer(
        MemRefType::get({kReductionBlock, numVectors * width}, b.getF32Type()));
    kb.forRange(reductionBegin, reductionEnd, 1, [&](Value s) {
      kb.forRange(depthBegin, depthEnd, 1, [&](Value k) {
        Value row = packedRow(s, k);
        for (int64_t v = 0; v < numVectors; ++v) {
          Value offset = kb.index(v * width);
          Value vector = loadVector(
              op.getRhs(),
              {s, k, arith::AddIOp::create(b, loc, column, offset)}, Value());
          storeVector(vector, packedRhs, {row, offset}, Value());
        }
      });
    });
    body();
    packedRhs = Value();
  }

  /// A stack buffer of `type` for packed panels: one per work item at the
  /// start of the body of a parallel loop (each thread needs its own; the
  /// body of an scf.parallel is an allocation scope, which
  /// convert-scf-to-openmp keeps), else one in the entry block of the
  /// function. Never in an scf.for: it is an allocation scope too, but its
  /// lowering to LLVM keeps an alloca in its body, which grows the stack on
  /// every iteration.
  Value packBuffer(MemRefType type) {
    Block *block = parallelBody ? parallelBody
                                : &op->getParentOfType<FunctionOpInterface>()
                                       .getFunctionBody()
                                       .front();
    Value &buffer = parallelBody ? parallelPackBuffer : entryPackBuffer;
    if (!buffer || buffer.getType() != type) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(block);
      buffer = memref::AllocaOp::create(b, loc, type,
                                        b.getI64IntegerAttr(kPackAlignment));
    }
    return buffer;
  }

  /// The row of packedRhs that holds rhs[s, k, ...].
  Value packedRow(Value s, Value k) {
    Value depthLength = arith::SubIOp::create(b, loc, depthEnd, depthBegin);
    Value stepRow = arith::MulIOp::create(
        b, loc, arith::SubIOp::create(b, loc, s, reductionBegin), depthLength);
    return arith::AddIOp::create(b, loc, stepRow,
                                 arith::SubIOp::create(b, loc, k, depthBegin));
  }

  /// for (ivs in [0, upper[0]) x [0, upper[1]) ...) body(ivs), once per
  /// reduction chunk (forEachChunk): nested scf.for loops inside the chunk
  /// loops, or, when the product may run in parallel and `mayShare`, both
  /// those and one scf.parallel loop whose work items run every chunk
  /// (one fork per product), chosen at run time by an scf.if. On one
  /// thread, chunks outside keep a chunk of lhs in cache for every panel.
  ///
  /// A parallel work item runs `group` iterations of the last dimension
  /// (column panels), which then share each chunk's lhs rows in cache.
  void forEachWorkItem(ArrayRef<Value> upper, bool mayShare,
                       function_ref<void(ValueRange)> body, int64_t group = 1) {
    auto emitParallel = [&] {
      OpBuilder::InsertionGuard guard(b);
      SmallVector<Value> items(upper.begin(), upper.end());
      Value last = upper.back();
      if (group > 1)
        items.back() = arith::DivUIOp::create(
            b, loc, arith::AddIOp::create(b, loc, last, kb.index(group - 1)),
            kb.index(group));
      SmallVector<Value> zeros(items.size(), kb.index(0));
      SmallVector<Value> ones(items.size(), kb.index(1));
      auto loop = scf::ParallelOp::create(b, loc, zeros, items, ones);
      b.setInsertionPointToStart(loop.getBody());
      parallelBody = loop.getBody();
      parallelPackBuffer = Value();
      forEachChunk([&] {
        SmallVector<Value> ivs(loop.getInductionVars());
        if (group == 1)
          return body(ivs);
        Value first =
            arith::MulIOp::create(b, loc, ivs.back(), kb.index(group));
        Value end = arith::MinUIOp::create(
            b, loc, arith::AddIOp::create(b, loc, first, kb.index(group)),
            last);
        kb.forRange(first, end, 1, [&](Value iv) {
          ivs.back() = iv;
          body(ivs);
        });
      });
      parallelBody = nullptr;
    };
    auto emitSequential = [&] {
      forEachChunk([&] {
        OpBuilder::InsertionGuard guard(b);
        SmallVector<Value> ivs;
        for (Value bound : upper) {
          auto loop =
              scf::ForOp::create(b, loc, kb.index(0), bound, kb.index(1));
          b.setInsertionPointToStart(loop.getBody());
          ivs.push_back(loop.getInductionVar());
        }
        body(ivs);
      });
    };
    if (!parallel || !mayShare)
      return emitSequential();
    auto choice = scf::IfOp::create(b, loc, parallelAtRunTime,
                                    /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(choice.thenBlock());
    emitParallel();
    b.setInsertionPointToStart(choice.elseBlock());
    emitSequential();
  }

  /// How many column panels one parallel work item of the full tiles
  /// runs: for a batch-reduce product with a static row count, the most,
  /// up to kMaxPanelsPerItem, that leave at least kMinParallelItems (row
  /// block, panel group) items, so that a few threads still share the work.
  int64_t panelsPerWorkItem(int64_t blockRows, int64_t fullPanels) {
    auto resultType = cast<MemRefType>(op.getResult().getType());
    if (!stepsPerChunk || resultType.isDynamicDim(0))
      return 1;
    int64_t tiledRows =
        resultType.getDimSize(0) / tiling.tileRows * tiling.tileRows;
    int64_t blocks = llvm::divideCeil(tiledRows, blockRows);
    int64_t group = kMaxPanelsPerItem;
    while (group > 1 &&
           blocks * llvm::divideCeil(fullPanels, group) < kMinParallelItems)
      group /= 2;
    return group;
  }

  /// `prefix` with `last` appended.
  static SmallVector<Value> append(ArrayRef<Value> prefix, Value last) {
    SmallVector<Value> indices(prefix.begin(), prefix.end());
    indices.push_back(last);
    return indices;
  }

  /// The indices of row `m` in result (and, but for the reduced dimension,
  /// in lhs): (t, b) for time-major rows, else (m).
  SmallVector<Value> rowIndices(Value m) {
    if (!timeMajor)
      return {m};
    return {arith::DivUIOp::create(b, loc, m, batchSize),
            arith::RemUIOp::create(b, loc, m, batchSize)};
  }

  Value loadLhs(ArrayRef<Value> row, Value s, Value k) {
    if (batchReduce)
      return kb.load(op.getLhs(), {s, row[0], k});
    return kb.load(op.getLhs(), append(row, k));
  }

  SmallVector<Value> rhsIndices(Value s, Value k, Value n) {
    if (batchReduce)
      return {s, k, n};
    return {k, n};
  }

  /// Carries `init` through the reduction loops (over s, then k, for a
  /// batch-reduce product; over k otherwise), with `body(s, k, values)`
  /// giving the next values; `s` is null without a batch dimension.
  SmallVector<Value>
  reduce(ValueRange init,
         function_ref<SmallVector<Value>(Value, Value, ValueRange)> body) {
    auto overK = [&](Value s, ValueRange values) {
      Value kBegin = depthBegin ? depthBegin : kb.index(0);
      Value kEnd = depthEnd ? depthEnd : depth;
      auto loop = scf::ForOp::create(b, loc, kBegin, kEnd, kb.index(1), values);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      scf::YieldOp::create(
          b, loc, body(s, loop.getInductionVar(), loop.getRegionIterArgs()));
      return SmallVector<Value>(loop.getResults());
    };
    if (!batchReduce)
      return overK(Value(), init);
    Value begin = reductionBegin ? reductionBegin : kb.index(0);
    Value end = reductionEnd ? reductionEnd : reductionSteps;
    auto loop = scf::ForOp::create(b, loc, begin, end, kb.index(1), init);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    scf::YieldOp::create(
        b, loc, overK(loop.getInductionVar(), loop.getRegionIterArgs()));
    return SmallVector<Value>(loop.getResults());
  }

  /// The accumulator's starting value: the old result and the bias, where
  /// present, else `zero`.
  Value initialValue(Value old, Value bias, Value zero) {
    if (old && bias)
      return kb.add(old, bias);
    return old ? old : bias ? bias : zero;
  }

  Value activate(Value acc) { return kb.activate(acc, op.getNonlinearity()); }

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
    Value result = op.getResult();
    int64_t width = tiling.vectorWidth;
    Value tailMask = lastLanes ? laneMask(lastLanes) : Value();
    SmallVector<Value> columns, masks;
    SmallVector<SmallVector<Value>> rows;
    for (int64_t v = 0; v < numVectors; ++v) {
      columns.push_back(
          arith::AddIOp::create(b, loc, column, kb.index(v * width)));
      masks.push_back(v + 1 == numVectors ? tailMask : Value());
    }
    for (int64_t r = 0; r < numRows; ++r)
      rows.push_back(
          rowIndices(arith::AddIOp::create(b, loc, row, kb.index(r))));

    // Within a split reduction, only the first chunk starts from the
    // op's initial value; the others continue from the result.
    auto unlessFirstChunk = [&](Value value, Value otherwise) -> Value {
      return arith::SelectOp::create(b, loc, firstChunk, otherwise, value);
    };
    SmallVector<Value> biases(numVectors);
    if (Value bias = op.getBias())
      for (int64_t v = 0; v < numVectors; ++v) {
        biases[v] = loadVector(bias, {columns[v]}, masks[v]);
        if (firstChunk)
          biases[v] = unlessFirstChunk(zeroVector, biases[v]);
      }
    SmallVector<Value> init;
    for (int64_t r = 0; r < numRows; ++r)
      for (int64_t v = 0; v < numVectors; ++v) {
        Value old;
        if (op.getAccumulate() || firstChunk)
          old = loadVector(result, append(rows[r], columns[v]), masks[v]);
        if (firstChunk && !op.getAccumulate())
          old = unlessFirstChunk(old, zeroVector);
        init.push_back(initialValue(old, biases[v], zeroVector));
      }

    SmallVector<Value> sums =
        reduce(init, [&](Value s, Value k, ValueRange acc) {
          SmallVector<Value> rhsVectors;
          Value packedRowIndex = packedRhs ? packedRow(s, k) : Value();
          for (int64_t v = 0; v < numVectors; ++v)
            rhsVectors.push_back(
                packedRhs ? loadVector(packedRhs,
                                       {packedRowIndex, kb.index(v * width)},
                                       masks[v])
                          : loadVector(op.getRhs(),
                                       rhsIndices(s, k, columns[v]), masks[v]));
          SmallVector<Value> next;
          for (int64_t r = 0; r < numRows; ++r) {
            Value splat = vector::BroadcastOp::create(b, loc, vectorType,
                                                      loadLhs(rows[r], s, k));
            for (int64_t v = 0; v < numVectors; ++v)
              next.push_back(vector::FMAOp::create(b, loc, splat, rhsVectors[v],
                                                   acc[r * numVectors + v]));
          }
          return next;
        });
    for (int64_t r = 0; r < numRows; ++r)
      for (int64_t v = 0; v < numVectors; ++v)
        storeVector(activate(sums[r * numVectors + v]), result,
                    append(rows[r], columns[v]), masks[v]);
  }

  MatmulOp op;
  KernelBuilder kb;
  OpBuilder &b;
  Location loc;
  const MatmulTiling &tiling;
  bool batchReduce, timeMajor;
  /// M (T*B for time-major rows), K, S (batch-reduce) and B (time-major).
  Value numRows, depth, reductionSteps, batchSize;
  /// The steps s and the part of k per reduction chunk (null unless the
  /// reduction is split; see forEachChunk).
  Value stepsPerChunk, depthPerChunk;
  /// The ranges of s and k the reduction loops cover (all of them unless
  /// split into chunks) and whether it is the first chunk (null unless
  /// split).
  Value reductionBegin, reductionEnd, depthBegin, depthEnd, firstChunk;
  /// While the tiles of a packed panel are emitted: the chunk's rhs panel,
  /// row (s - reductionBegin) * (depthEnd - depthBegin) + k - depthBegin
  /// holding rhs[s, k, column .. column + panel width).
  Value packedRhs;
  /// The buffers for packed panels (packBuffer), once made: the entry
  /// block's and the current parallel loop's.
  Value entryPackBuffer, parallelPackBuffer;
  /// The body of the parallel loop whose work items are being emitted.
  Block *parallelBody = nullptr;
  VectorType vectorType, maskType;
  Value zeroVector;
  /// Whether the (row block, column panel) loop may be an scf.parallel,
  /// and the run-time condition for it.
  bool parallel = false;
  Value parallelAtRunTime;
};

/// A symbol name saying what the kernel for `op` is specialized on: the
/// operand shapes, the epilogue and, with `_par`, whether it may run in
/// parallel.
static std::string kernelName(MatmulOp op, bool parallel) {
  std::string name = kernelNameForOperands("__rnn_matmul", op);
  llvm::raw_string_ostream os(name);
  appendEpilogueName(os, bool(op.getBias()), op.getAccumulate(),
                     op.getNonlinearity());
  if (parallel)
    os << "_par";
  if (op->hasAttr(kOutOfLineMatmulAttr))
    os << "_noinline";
  return name;
}

/// Lowers rnn.matmul. The vector kernel of each distinct specialization
/// (operand shapes, epilogue) is emitted once, into a private function the
/// op becomes a call of: the products of every time step and layer of the
/// same shapes share their code, so an unrolled or deep model compiles
/// fast, and the call costs nanoseconds next to the product.
struct MatmulLowering : public OpRewritePattern<MatmulOp> {
  MatmulLowering(MLIRContext *context, const MatmulTiling &tiling)
      : OpRewritePattern(context), tiling(tiling) {
    // Outlining clones the op into its kernel function, where this pattern
    // lowers it in place: one level of recursion.
    setHasBoundedRewriteRecursion();
  }

  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    auto resultType = cast<MemRefType>(op.getResult().getType());
    bool staticColumns = !resultType.isDynamicDim(resultType.getRank() - 1);
    bool vectorize = tiling.vectorWidth > 0 && staticColumns;
    // A product marked sequential (one time step's), already inside a
    // parallel loop (a batch shard's time loop), or too small ever to pay
    // for threads runs on its thread alone; the mark carries that to its
    // copy in an outlined kernel, which no longer sees the loop.
    MatmulTiling opTiling = tiling;
    if (op->getParentOfType<scf::ParallelOp>() ||
        op->hasAttr(kSequentialMatmulAttr) ||
        !MatmulEmitter::mayRunInParallel(op, tiling)) {
      opTiling.parallel = false;
      op->setAttr(kSequentialMatmulAttr, rewriter.getUnitAttr());
    }
    if (vectorize && tiling.outlineKernels && !isInOutlinedKernel(op)) {
      outlineIntoKernel(op, kernelName(op, opTiling.parallel), rewriter,
                        /*noInline=*/op->hasAttr(kOutOfLineMatmulAttr));
      return success();
    }
    MatmulEmitter emitter(op, rewriter, opTiling);
    if (vectorize)
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

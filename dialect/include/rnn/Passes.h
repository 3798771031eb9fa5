//===- Passes.h - rnn dialect passes ----------------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares the rnn dialect's passes (see Passes.td) and the public
// populate functions of its conversions.
//
//===----------------------------------------------------------------------===//

#ifndef RNN_PASSES_H
#define RNN_PASSES_H

#include "rnn/RnnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
class LLVMTypeConverter;
namespace rnn {

#define GEN_PASS_DECL
#include "rnn/Passes.h.inc"

/// How rnn.matmul is tiled for registers (see convert-rnn-to-scf's
/// options): tiles of `tileRows` rows by `tileVectors` vectors of
/// `vectorWidth` float32 lanes; `vectorWidth` 0 means scalar loops. With
/// `outlineKernels`, each distinct vector kernel becomes one private
/// function that the products call. With `parallel`, the tiles of a vector
/// product of at least `parallelMinMacs` multiply-adds are spread over an
/// scf.parallel loop. With `packRhs`, the tiles of a batch-reduce product
/// read each reduction chunk's rhs panel from a contiguous copy.
struct MatmulTiling {
  int64_t vectorWidth = 8;
  int64_t tileRows = 4;
  int64_t tileVectors = 2;
  bool outlineKernels = true;
  bool parallel = false;
  int64_t parallelMinMacs = 1 << 22;
  bool packRhs = true;
};

/// The most time steps convert-rnn-to-loops writes out one after the other:
/// the longest static sequence `unroll=full` unrolls and the largest
/// factor `unroll=N` unrolls by (a larger one is clamped to it). Compile
/// time grows with every step written out (docs/compile-time.md): at this
/// bound a 2-layer model with a loss compiles in about 7 s.
inline constexpr int64_t kMaxUnrolledSteps = 64;

/// The unit attribute that marks the private functions convert-rnn-to-scf
/// outlines kernels into, where their ops are lowered in place;
/// convert-rnn-to-llvm drops it.
inline constexpr llvm::StringLiteral kKernelFunctionAttr = "rnn.kernel";

/// The unit attribute that keeps an rnn.matmul on one thread even with the
/// `parallel` tiling: the products of one time step, which are too small
/// to pay for a fork and join per step (the batch shards parallelize the
/// time loop instead). A product inside an scf.parallel loop is sequential
/// anyway.
inline constexpr llvm::StringLiteral kSequentialMatmulAttr = "rnn.sequential";

/// The unit attribute that keeps the outlined kernel of an rnn.matmul a
/// call (a `noinline` function, named with `_noinline`): for small products
/// at a few sites per layer (the look-ahead schedule's projections of R
/// steps), which LLVM's inliner would otherwise copy into every site, for
/// compile time and code size and nothing at run time.
inline constexpr llvm::StringLiteral kOutOfLineMatmulAttr = "rnn.out_of_line";

/// Patterns lowering rnn.cell, rnn.commit_step, rnn.linear, rnn.embedding,
/// the losses, rnn.all_in_range, rnn.matmul (through
/// populateRnnMatmulToScfConversionPatterns) and the backward ops (through
/// populateRnnGradToScfConversionPatterns) to scf loops.
void populateRnnToScfConversionPatterns(RewritePatternSet &patterns,
                                        const MatmulTiling &tiling);

/// The pattern lowering rnn.matmul to register-blocked vector loops (or
/// scalar loops when `tiling.vectorWidth` is 0); part of
/// populateRnnToScfConversionPatterns.
void populateRnnMatmulToScfConversionPatterns(RewritePatternSet &patterns,
                                              const MatmulTiling &tiling);

/// The pattern lowering rnn.matmul_pair to one loop over both products
/// reductions (or to its two rnn.matmul products when the tiles do not fit
/// `tiling`'s register budget, or in scalar mode); part of
/// populateRnnToScfConversionPatterns.
void populateRnnMatmulPairToScfConversionPatterns(RewritePatternSet &patterns,
                                                  const MatmulTiling &tiling);

/// The pattern lowering rnn.sum_rows to vector loops of
/// `tiling.tileVectors` vectors of `tiling.vectorWidth` lanes (scalar loops
/// when `tiling.vectorWidth` is 0); part of
/// populateRnnToScfConversionPatterns.
void populateRnnSumRowsToScfConversionPatterns(RewritePatternSet &patterns,
                                               const MatmulTiling &tiling);

/// Whether the TransposeLowering of populateRnnTransposeToScfConversionPatterns
/// applies to `op`: a 2-D f32 transpose of static shape on memrefs, with
/// vectors (`tiling.vectorWidth` > 0).
bool isVectorizableTranspose(linalg::TransposeOp op,
                             const MatmulTiling &tiling);

/// The pattern lowering 2-D f32 linalg.transpose ops of static shape (the
/// layers' weight transposes) to blocks of `tiling.vectorWidth` vectors
/// transposed in registers; part of populateRnnToScfConversionPatterns.
void populateRnnTransposeToScfConversionPatterns(RewritePatternSet &patterns,
                                                 const MatmulTiling &tiling);

/// Whether populateRnnFillCopyToScfConversionPatterns outlines `op`: a
/// linalg.fill or linalg.copy on memrefs outside any loop of its function
/// and outside a kernel function, with `tiling.outlineKernels`.
bool isOutlinedFillOrCopy(Operation *op, const MatmulTiling &tiling);

/// The patterns moving each linalg.fill and linalg.copy that
/// isOutlinedFillOrCopy selects into a noinline function per operand
/// shape, which every such op of that shape calls; part of
/// populateRnnToScfConversionPatterns.
void populateRnnFillCopyToScfConversionPatterns(RewritePatternSet &patterns,
                                                const MatmulTiling &tiling);

/// Patterns lowering the step-level backward ops (rnn.cell_grad,
/// rnn.linear_grad, rnn.embedding_grad, rnn.mse_loss_grad and
/// rnn.cross_entropy_loss_grad) to scf loops; part of
/// populateRnnToScfConversionPatterns.
void populateRnnGradToScfConversionPatterns(RewritePatternSet &patterns,
                                            bool outlineKernels = true);

/// Patterns lowering rnn.from_ptr to the LLVM dialect.
void populateRnnToLLVMConversionPatterns(LLVMTypeConverter &converter,
                                         RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "rnn/Passes.h.inc"

} // namespace rnn
} // namespace mlir

#endif // RNN_PASSES_H

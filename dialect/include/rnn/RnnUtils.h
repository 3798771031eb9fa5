//===- RnnUtils.h - Helpers shared by rnn passes ----------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares small IR-building helpers shared by the rnn dialect's
// passes: memref views that drop leading unit dimensions, OpenMP queries
// and outlining an op into a function of its own.
//
//===----------------------------------------------------------------------===//

#ifndef RNN_RNNUTILS_H
#define RNN_RNNUTILS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace rnn {

/// Returns a view of `source` with the given offsets and sizes (unit
/// strides) whose type keeps only the dimensions listed in `keptDims`: the
/// other dimensions must have size 1 and are dropped. For example, the row
/// `x[t]` of a `(T, B, I)` buffer is
/// `viewSlice(b, loc, x, {t, 0, 0}, {1, B, I}, {1, 2})`.
Value viewSlice(OpBuilder &builder, Location loc, Value source,
                ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes,
                ArrayRef<unsigned> keptDims);

/// The size of dimension `dim` of `memref` as an OpFoldResult: an attribute
/// when static, else a `memref.dim`.
OpFoldResult dimAsFoldResult(OpBuilder &builder, Location loc, Value memref,
                             unsigned dim);

/// A view of `memref` (rank 2 or 3) with its last two dimensions swapped:
/// `(M, N)` as `(N, M)`, `(S, M, N)` as `(S, N, M)`.
Value transposeInnerDims(OpBuilder &builder, Location loc, Value memref);

/// The row stride, in floats, of a weight matrix with `columns` columns in
/// weight scratch: rows start on 64-byte boundaries, and the stride is never
/// a multiple of 4 KiB, whose rows would all map to the same cache sets when
/// a GEMM kernel walks down a column panel.
int64_t getPaddedWeightStride(int64_t columns);

/// The floats of weight scratch that these `(rows, columns)` weight matrices
/// take with padded rows (getPaddedWeightStride), laid out one after the
/// other either transposed (`columns` x `rows`, for the forward layers) or
/// as they are (`rows` x `columns`, for the backward): the larger of the
/// two, so that a forward pass and its backward pass can share the buffer.
int64_t getWeightScratchSize(ArrayRef<std::pair<int64_t, int64_t>> weights);

/// A call of the OpenMP runtime's `name`, one of its i32 queries without
/// arguments (omp_get_max_threads, omp_get_thread_num,
/// omp_get_num_threads), which this declares in `module` on first use; the
/// result as an index.
Value createOpenMPQuery(OpBuilder &builder, Location loc, ModuleOp module,
                        llvm::StringRef name);

/// The number of threads the next OpenMP parallel region would get, as an
/// index: createOpenMPQuery of `omp_get_max_threads`. For the parallel
/// lowerings, which size their work to it.
Value createMaxThreadsCall(OpBuilder &builder, Location loc, ModuleOp module);

/// Builds `if (condition) body()` as an scf.if (the builder's insertion
/// point restored after it), or just `body()` when `condition` is null:
/// for work that is skipped at run time only in some configurations.
void buildIfThen(OpBuilder &builder, Location loc, Value condition,
                 function_ref<void()> body);

/// `type` with every stride and the offset dynamic, but a unit innermost
/// stride when `type` has one: the parameter type of an outlined function,
/// which every view of the same shape (and contiguity) casts to.
MemRefType getDynamicLayoutType(MemRefType type);

/// The type an operand of type `type` is passed as to an outlined function:
/// getDynamicLayoutType of a memref, any other type as it is.
Type getOutlinedParameterType(Type type);

/// A new private function `name` at the end of `module` whose body is a copy
/// of `op` on its arguments, one per operand of `op` (memrefs with
/// getDynamicLayoutType). The function is internal to the object: two models
/// linked into one program each have their own.
func::FuncOp createFunctionFromOp(OpBuilder &builder, ModuleOp module,
                                  Operation *op, llvm::StringRef name);

/// Replaces `op` by a call of `callee`, made by createFunctionFromOp from an
/// op like `op`, casting each memref operand to the parameter's layout.
void replaceOpWithCall(RewriterBase &rewriter, Operation *op,
                       func::FuncOp callee);

/// Asks LLVM to keep `function` out of line: func-to-llvm hands the
/// `passthrough` attribute on to the LLVM function.
void setNoInline(func::FuncOp function);

} // namespace rnn
} // namespace mlir

#endif // RNN_RNNUTILS_H

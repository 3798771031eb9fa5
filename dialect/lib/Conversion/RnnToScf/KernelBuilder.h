//===- KernelBuilder.h - Loop-building helper for rnn kernels ---*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares KernelBuilder, the helper the convert-rnn-to-scf
// patterns (RnnToScf.cpp for the forward kernels, GradKernels.cpp for the
// backward ones) build their scf.for loop nests and float32 arithmetic with.
// It is private to the conversion library.
//
//===----------------------------------------------------------------------===//

#ifndef RNN_CONVERSION_RNNTOSCF_KERNELBUILDER_H
#define RNN_CONVERSION_RNNTOSCF_KERNELBUILDER_H

#include "rnn/RnnOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace mlir {
namespace rnn {

/// Builds loops and arithmetic at one insertion point, so the kernel
/// lowerings read like the pseudocode above each of them.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &builder, Location loc)
      : builder(builder), loc(loc),
        fastMath(arith::FastMathFlagsAttr::get(
            builder.getContext(), arith::FastMathFlags::contract)) {}

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

  /// `act(value)` for a scalar or a vector of f32, the identity without
  /// an activation: the epilogue of the matrix-product kernels.
  Value activate(Value value, std::optional<Nonlinearity> act) {
    if (!act)
      return value;
    if (*act == Nonlinearity::tanh)
      return math::TanhOp::create(builder, loc, value);
    auto type = value.getType();
    auto zeroAttr =
        isa<VectorType>(type)
            ? TypedAttr(DenseElementsAttr::get(cast<ShapedType>(type), 0.0f))
            : TypedAttr(builder.getF32FloatAttr(0.0f));
    Value zero = arith::ConstantOp::create(builder, loc, zeroAttr);
    return arith::MaximumFOp::create(builder, loc, value, zero);
  }

  /// a + b, which may be reassociated with the other terms of its sum
  /// (`reassoc`), so that LLVM vectorizes the reduction and interleaves its
  /// partial sums: the order of a float32 sum is not part of PyTorch's
  /// semantics either (its BLAS and its reductions pick one).
  Value addReassociable(Value a, Value b) {
    auto reassociable = arith::FastMathFlagsAttr::get(
        builder.getContext(),
        arith::FastMathFlags::contract | arith::FastMathFlags::reassoc);
    return arith::AddFOp::create(builder, loc, a, b, reassociable);
  }

  /// A count of positions (an i64) as the f32 a mean divides by: exact up
  /// to 2^24, and correctly rounded beyond, as PyTorch's division by numel.
  Value countToF32(Value count) {
    return arith::UIToFPOp::create(builder, loc, builder.getF32Type(), count);
  }

  /// A class index (i32 or i64) at `at` of `target`, as an i64.
  Value loadClass(Value target, ValueRange at) {
    Value label = load(target, at);
    if (label.getType() != builder.getI64Type())
      label = arith::ExtSIOp::create(builder, loc, builder.getI64Type(), label);
    return label;
  }

  /// Whether a cross-entropy loss counts the position `at` of `target`:
  /// its class index is not `ignoreIndex` (an i64).
  Value isCountedTarget(Value target, ValueRange at, Value ignoreIndex) {
    return arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ne,
                                 loadClass(target, at), ignoreIndex);
  }

  /// The class index at `at` of `target` as an index, 0 where it is
  /// `ignoreIndex`: ignored positions may hold any value, and the loss
  /// kernels read the logit of this class before leaving them out.
  Value countedLabel(Value target, ValueRange at, Value ignoreIndex) {
    Value label = loadClass(target, at);
    Value ignored = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::eq, label, ignoreIndex);
    Value safe = arith::SelectOp::create(
        builder, loc, ignored,
        arith::ConstantIntOp::create(builder, loc, 0, /*width=*/64), label);
    return arith::IndexCastOp::create(builder, loc, builder.getIndexType(),
                                      safe);
  }

  /// for (iv = lower; iv < upper; iv += step) body(iv)
  void forRange(Value lower, Value upper, Value step,
                function_ref<void(Value)> body) {
    auto loop = scf::ForOp::create(builder, loc, lower, upper, step);
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(loop.getBody());
    body(loop.getInductionVar());
  }
  void forRange(Value lower, Value upper, int64_t step,
                function_ref<void(Value)> body) {
    forRange(lower, upper, index(step), body);
  }
  void forRange(int64_t lower, int64_t upper, int64_t step,
                function_ref<void(Value)> body) {
    forRange(index(lower), index(upper), index(step), body);
  }

  /// for (iv = 0; iv < upper; ++iv) body(iv)
  void forEach(Value upper, function_ref<void(Value)> body) {
    forRange(index(0), upper, index(1), body);
  }

  /// acc = init; for (iv = 0; iv < upper; ++iv) acc = body(iv, acc); acc
  Value reduce(Value upper, Value init,
               function_ref<Value(Value, Value)> body) {
    auto loop = scf::ForOp::create(builder, loc, index(0), upper, index(1),
                                   ValueRange{init});
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(loop.getBody());
    Value next = body(loop.getInductionVar(), loop.getRegionIterArgs()[0]);
    scf::YieldOp::create(builder, loc, next);
    return loop.getResult(0);
  }

  /// acc + sum_k lhs[row, k] * rhs[col, k] over k < depth: one element of
  /// lhs * rhs^T, PyTorch's (out, in) weight layout; the sum may be
  /// reassociated (addReassociable).
  Value dotRows(Value acc, Value lhs, Value row, Value rhs, Value col,
                Value depth) {
    return reduce(depth, acc, [&](Value k, Value sum) {
      Value a = load(lhs, {row, k});
      Value b = load(rhs, {col, k});
      return addReassociable(sum, mul(a, b));
    });
  }

  OpBuilder &builder;
  Location loc;
  arith::FastMathFlagsAttr fastMath;
};

} // namespace rnn
} // namespace mlir

#endif // RNN_CONVERSION_RNNTOSCF_KERNELBUILDER_H

//===- Outline.h - One private function per distinct kernel -----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// The step-level ops of a model repeat with the same shapes in every time
// step, layer and (with --parallel) batch shard. convert-rnn-to-scf emits
// each distinct one once, into a private function that the ops become calls
// of, so that an unrolled, deep or sharded model compiles fast; the call
// costs nanoseconds next to the kernel.
//
//===----------------------------------------------------------------------===//

#ifndef RNN_CONVERSION_RNNTOSCF_OUTLINE_H
#define RNN_CONVERSION_RNNTOSCF_OUTLINE_H

#include "rnn/RnnOps.h"

#include "mlir/IR/PatternMatch.h"

#include <string>

namespace mlir {
namespace rnn {

/// Whether `op` is the copy inside a kernel function, which its pattern
/// lowers in place.
bool isInOutlinedKernel(Operation *op);

/// `prefix` followed by the shape of each operand (`_2x?x4`, with `d` for a
/// dynamic size), `_i` for an index or the type of another scalar (`_f32`):
/// the part of a kernel's symbol name that says which operand shapes it is
/// specialized on.
std::string kernelNameForOperands(llvm::StringRef prefix, Operation *op);

/// Appends what a product kernel's epilogue does to its name:
/// `[_bias][_acc][_<act>]`.
void appendEpilogueName(llvm::raw_ostream &os, bool bias, bool accumulate,
                        std::optional<Nonlinearity> nonlinearity);

/// Replaces `op` by a call of the private function `name`, created on first
/// use with a copy of `op` on its arguments as the body. Memref operands
/// are passed with dynamic strides and offset (keeping a unit innermost
/// stride), so every view of the same shape shares the function. With
/// `noInline`, LLVM keeps the function out of line, which bounds the code
/// of a loop body that runs in several copies (a layer's time loop, once
/// per batch shard and once on the whole batch).
void outlineIntoKernel(Operation *op, llvm::StringRef name,
                       PatternRewriter &rewriter, bool noInline = false);

} // namespace rnn
} // namespace mlir

#endif // RNN_CONVERSION_RNNTOSCF_OUTLINE_H

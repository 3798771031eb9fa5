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
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
class LLVMTypeConverter;
namespace rnn {

#define GEN_PASS_DECL
#include "rnn/Passes.h.inc"

/// Patterns lowering rnn.cell, rnn.commit_step, rnn.linear, rnn.embedding,
/// the losses, rnn.all_in_range and (through
/// populateRnnGradToScfConversionPatterns) the backward ops to scf loops.
void populateRnnToScfConversionPatterns(RewritePatternSet &patterns);

/// Patterns lowering the step-level backward ops (rnn.cell_grad,
/// rnn.linear_grad, rnn.embedding_grad, rnn.mse_loss_grad and
/// rnn.cross_entropy_loss_grad) to scf loops; part of
/// populateRnnToScfConversionPatterns.
void populateRnnGradToScfConversionPatterns(RewritePatternSet &patterns);

/// Patterns lowering rnn.from_ptr to the LLVM dialect.
void populateRnnToLLVMConversionPatterns(LLVMTypeConverter &converter,
                                         RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "rnn/Passes.h.inc"

} // namespace rnn
} // namespace mlir

#endif // RNN_PASSES_H

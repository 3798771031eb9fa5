//===- RnnDialect.h - rnn dialect -------------------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef RNN_RNNDIALECT_H
#define RNN_RNNDIALECT_H

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Dialect.h"

#include "rnn/RnnOpsDialect.h.inc"

#endif // RNN_RNNDIALECT_H

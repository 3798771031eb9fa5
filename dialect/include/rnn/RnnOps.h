//===- RnnOps.h - rnn dialect ops -------------------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#ifndef RNN_RNNOPS_H
#define RNN_RNNOPS_H

#include "rnn/RnnDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "rnn/RnnOpsEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "rnn/RnnOpsAttributes.h.inc"

#define GET_OP_CLASSES
#include "rnn/RnnOps.h.inc"

#endif // RNN_RNNOPS_H

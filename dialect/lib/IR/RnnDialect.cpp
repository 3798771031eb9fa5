//===- RnnDialect.cpp - rnn dialect ---------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "rnn/RnnDialect.h"
#include "rnn/RnnOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::rnn;

#include "rnn/RnnOpsDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "rnn/RnnOpsAttributes.cpp.inc"

void RnnDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "rnn/RnnOpsAttributes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "rnn/RnnOps.cpp.inc"
      >();
}

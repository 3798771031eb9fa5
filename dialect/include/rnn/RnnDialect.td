//===- RnnDialect.td - rnn dialect definition ----------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file defines the `rnn` dialect: recurrent neural network models as
// rnnc compiles them, from whole stacked RNNs down to single time steps.
//
//===----------------------------------------------------------------------===//

#ifndef RNN_DIALECT_TD
#define RNN_DIALECT_TD

include "mlir/IR/OpBase.td"

def Rnn_Dialect : Dialect {
  let name = "rnn";
  let cppNamespace = "::mlir::rnn";
  let summary = "Recurrent neural networks, from models to time steps";
  let description = [{
    The `rnn` dialect describes Elman RNN models with PyTorch's semantics
    (nn.RNN, nn.Embedding, nn.Linear) at two levels:

    * model level: `rnn.stacked_rnn` (a whole, possibly stacked and
      bidirectional RNN, like ONNX's RNN operator), `rnn.embedding`,
      `rnn.linear`;
    * step level: `rnn.layer` (one layer in one direction over all time
      steps), `rnn.cell` (one time step) and `rnn.commit_step` (the
      variable-length bookkeeping after a step).

    Ops work on memrefs in destination-passing style: results are written to
    caller-provided buffers (the outputs of the generated function, or views
    of its workspace). This keeps every allocation explicit and out of the
    time loop, and lets the generated C ABI hand the caller's buffers straight
    to the kernels. Time-major layout `(T, B, F)` is canonical; `batch_first`
    inputs are presented through transposed (strided) views, so every op
    accepts strided memrefs.
  }];
  let useDefaultAttributePrinterParser = 1;
  let dependentDialects = [
    "::mlir::memref::MemRefDialect",
    "::mlir::LLVM::LLVMDialect"
  ];
}

#endif // RNN_DIALECT_TD

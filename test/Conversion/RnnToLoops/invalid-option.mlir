// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=banana -verify-diagnostics
// RUN: not rnn-opt %s --convert-rnn-to-loops=unroll=0 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: not rnn-opt %s --convert-rnn-to-loops=unroll=-2 2>&1 | FileCheck %s --check-prefix=NEGATIVE

/// An `unroll` value other than auto, none, full or a positive integer is
/// rejected with an error on the module, before anything is rewritten.

// ZERO:     error: invalid unroll option '0': expected auto, none, full or a positive integer
// NEGATIVE: error: invalid unroll option '-2': expected auto, none, full or a positive integer

// expected-error @+1 {{invalid unroll option 'banana': expected auto, none, full or a positive integer}}
module {
  func.func @layer(%x: memref<3x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<3x2x4xf32>, %state: memref<2x4xf32>) {
    rnn.layer %x : memref<3x2x3xf32>
        weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
        outs(%y, %state : memref<3x2x4xf32>, memref<2x4xf32>)
        {nonlinearity = #rnn.nonlinearity<tanh>}
    return
  }
}

// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=full -verify-diagnostics | FileCheck %s

/// unroll=full cannot unroll a layer whose sequence length is dynamic: it
/// keeps that layer's time loop and says so with a remark on the layer.
/// A static layer in the same module is still unrolled.

// CHECK-LABEL: func @dynamic_steps
// CHECK-SAME:    (%[[X:[^:]*]]: memref<?x2x3xf32>,
// CHECK:         %[[SEQ_LEN:.*]] = memref.dim %[[X]], %{{.*}} : memref<?x2x3xf32>
// CHECK:         scf.for %{{.*}} = %{{.*}} to %[[SEQ_LEN]] step %{{.*}} {
// CHECK:           rnn.cell
// CHECK:           rnn.commit_step
// CHECK:         }
func.func @dynamic_steps(%x: memref<?x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<?x2x4xf32>, %state: memref<2x4xf32>) {
  // expected-remark @+1 {{sequence length is dynamic; keeping the time loop}}
  rnn.layer %x : memref<?x2x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<?x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// CHECK-LABEL: func @static_steps
// CHECK-NOT:     scf.for
// CHECK-COUNT-2: rnn.cell
// CHECK-NOT:     rnn.cell
// CHECK:         return
func.func @static_steps(%x: memref<2x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<2x2x4xf32>, %state: memref<2x4xf32>) {
  rnn.layer %x : memref<2x2x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<2x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

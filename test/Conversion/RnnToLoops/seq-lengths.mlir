// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=none -split-input-file | FileCheck %s

/// With sequence lengths, the layer's lengths buffer is forwarded to every
/// rnn.commit_step (which masks finished sequences); the cell itself does
/// not see it. Without lengths, the commit has none either.

// CHECK-LABEL: func @lengths_forwarded
// CHECK-SAME:    (%[[X:[^:]*]]: memref<?x?x3xf32>, %[[LEN:[^:]*]]: memref<?xi64>,
// CHECK:         scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:           rnn.cell
// CHECK-NOT:         lengths
// CHECK-SAME:        outs(%[[Y_T:[^ ]*]] :
// CHECK-NEXT:      rnn.commit_step %[[Y_T]], %{{.*}} at %[[T]] lengths(%[[LEN]] : memref<?xi64>) :
// CHECK-NEXT:    }
func.func @lengths_forwarded(%x: memref<?x?x3xf32>, %len: memref<?xi64>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<?x?x4xf32>, %state: memref<?x4xf32>) {
  rnn.layer %x : memref<?x?x3xf32> lengths(%len : memref<?xi64>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<?x?x4xf32>, memref<?x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

/// Reverse direction: the commit masks at the reversed step T-1-i.

// CHECK-LABEL: func @lengths_forwarded_reverse
// CHECK-SAME:    (%[[X:[^:]*]]: memref<?x?x3xf32>, %[[LEN:[^:]*]]: memref<?xi64>,
// CHECK:         scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK:           %[[T:.*]] = arith.subi %{{.*}}, %[[I]] : index
// CHECK:           rnn.commit_step %{{.*}}, %{{.*}} at %[[T]] lengths(%[[LEN]] : memref<?xi64>) :
func.func @lengths_forwarded_reverse(%x: memref<?x?x3xf32>, %len: memref<?xi64>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<?x?x4xf32>, %state: memref<?x4xf32>) {
  rnn.layer %x : memref<?x?x3xf32> lengths(%len : memref<?xi64>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<?x?x4xf32>, memref<?x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>, reverse}
  return
}

// -----

// CHECK-LABEL: func @no_lengths
// CHECK:         rnn.commit_step
// CHECK-NOT:       lengths
// CHECK-SAME:      : memref
func.func @no_lengths(%x: memref<?x?x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<?x?x4xf32>, %state: memref<?x4xf32>) {
  rnn.layer %x : memref<?x?x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<?x?x4xf32>, memref<?x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=100 -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=FACTOR
// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=full -split-input-file 2>/dev/null | FileCheck %s --check-prefix=FULL

/// Unrolling writes out at most 64 steps (kMaxUnrolledSteps): a larger
/// factor is clamped to 64 with a remark, and `full` unrolls a static
/// sequence of 64 steps but keeps the loop of one of 65, also with a
/// remark (its text: test/rnnc/cli-errors.test). Compile time grows with every step written out
/// (docs/compile-time.md).

// FACTOR-LABEL: func @dynamic_steps
// FACTOR:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} {
// FACTOR-COUNT-64:  rnn.cell
// FACTOR:         }
// FACTOR:         scf.for
// FACTOR:           rnn.cell
// FACTOR-NOT:       rnn.cell
// FACTOR:         return
func.func @dynamic_steps(%x: memref<?x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<?x2x4xf32>, %state: memref<2x4xf32>) {
  // expected-remark @below {{an unroll factor of 100 is more than the 64 steps unrolling goes to; unrolling by 64}}
  rnn.layer %x : memref<?x2x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<?x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

// FACTOR-LABEL: func @sixty_four_steps
// FACTOR-NOT:     scf.for
// FACTOR-COUNT-64: rnn.cell
// FACTOR-NOT:     rnn.cell
// FULL-LABEL: func @sixty_four_steps
// FULL-NOT:       scf.for
// FULL-COUNT-64:  rnn.cell
// FULL-NOT:       rnn.cell
func.func @sixty_four_steps(%x: memref<64x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<64x2x4xf32>, %state: memref<2x4xf32>) {
  // expected-remark @below {{an unroll factor of 100 is more than the 64 steps unrolling goes to; unrolling by 64}}
  rnn.layer %x : memref<64x2x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<64x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

// FACTOR-LABEL: func @sixty_five_steps
// FACTOR-COUNT-65: rnn.cell
// FACTOR-NOT:     rnn.cell
// FULL-LABEL: func @sixty_five_steps
// FULL:           scf.for %{{.*}} = %c0 to %c65 step %c1 {
// FULL:             rnn.cell
// FULL-NOT:         rnn.cell
func.func @sixty_five_steps(%x: memref<65x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<65x2x4xf32>, %state: memref<2x4xf32>) {
  // expected-remark @below {{an unroll factor of 100 is more than the 64 steps unrolling goes to; unrolling by 64}}
  rnn.layer %x : memref<65x2x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<65x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

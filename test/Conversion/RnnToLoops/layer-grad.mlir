// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=none -split-input-file | FileCheck %s --check-prefixes=CHECK,LOOP
// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=full --canonicalize -split-input-file | FileCheck %s --check-prefixes=CHECK,FULL
// RUN: rnn-opt %s --convert-rnn-to-loops -split-input-file | FileCheck %s --check-prefixes=CHECK,AUTO

/// The backward pass of a one-layer RNN: rnn.layer_grad becomes the
/// reverse-time loop of BPTT. The forward direction ran t = 0 .. T-1, so its
/// backward visits t = T-1-i, reading the step's input and output, the
/// previous step's output (clamped at t = 0, where h0 is used instead) and
/// accumulating into the weight gradients through rnn.cell_grad.

// CHECK-LABEL: func @forward_direction
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: memref<3x?x2xf32>, %[[H0:[a-z0-9_]+]]: memref<?x4xf32>, %[[W_IH:[a-z0-9_]+]]: memref<4x2xf32>, %[[W_HH:[a-z0-9_]+]]: memref<4x4xf32>,
// CHECK-SAME:     %[[Y:[a-z0-9_]+]]: memref<3x?x4xf32>, %[[DY:[a-z0-9_]+]]: memref<3x?x4xf32>, %[[DH:[a-z0-9_]+]]: memref<?x4xf32>,
// CHECK-SAME:     %[[DW_IH:[a-z0-9_]+]]: memref<4x2xf32>, %[[DW_HH:[a-z0-9_]+]]: memref<4x4xf32>)
// LOOP:          scf.for %[[I:[a-z0-9_]+]] = %c0 to %c3 step %[[STEP:[a-z0-9_]+]] {
// LOOP:            %[[LAST:[a-z0-9_]+]] = arith.subi %c3, %[[STEP]] : index
// LOOP:            %[[T:[a-z0-9_]+]] = arith.subi %[[LAST]], %[[I]] : index
// LOOP:            %[[PREV:[a-z0-9_]+]] = arith.subi %[[T]], %[[STEP]] : index
// LOOP:            %[[FIRST:[a-z0-9_]+]] = arith.cmpi eq, %[[T]], %c0 : index
// LOOP:            %[[PREV_T:[a-z0-9_]+]] = arith.select %[[FIRST]], %c0, %[[PREV]] : index
// LOOP:            %[[X_T:[a-z0-9_]+]] = memref.subview %[[X]][%[[T]], 0, 0]
// LOOP:            %[[Y_T:[a-z0-9_]+]] = memref.subview %[[Y]][%[[T]], 0, 0]
// LOOP:            %[[Y_PREV:[a-z0-9_]+]] = memref.subview %[[Y]][%[[PREV_T]], 0, 0]
// LOOP:            %[[DY_T:[a-z0-9_]+]] = memref.subview %[[DY]][%[[T]], 0, 0]
// LOOP:            rnn.cell_grad %[[X_T]], %[[Y_T]], %[[Y_PREV]], %[[H0]] at %[[T]], %[[PREV_T]]
// LOOP-SAME:         weights(%[[W_IH]], %[[W_HH]]
// LOOP-SAME:         grads(%[[DY_T]], %[[DH]]
// LOOP-SAME:         weight_grads(%[[DW_IH]], %[[DW_HH]]
// LOOP-NOT:        rnn.cell_grad
// LOOP:          }
/// unroll=auto keeps backward loops as loops, even for short sequences that
/// the forward pass unrolls: the backward step is much more code.
// AUTO:          scf.for
// AUTO:            rnn.cell_grad
/// Fully unrolled: three steps, latest first, each accumulating into the
/// same weight gradients.
// FULL-NOT:      scf.for
// FULL:          rnn.cell_grad {{.*}} at %c2, %c1
// FULL-SAME:       weight_grads(%[[DW_IH]], %[[DW_HH]]
// FULL:          rnn.cell_grad {{.*}} at %c1, %c0
// FULL:          rnn.cell_grad {{.*}} at %c0, %c0
// FULL-NOT:      rnn.cell_grad
func.func @forward_direction(%x: memref<3x?x2xf32>, %h0: memref<?x4xf32>,
                             %w_ih: memref<4x2xf32>, %w_hh: memref<4x4xf32>,
                             %y: memref<3x?x4xf32>, %dy: memref<3x?x4xf32>,
                             %dh: memref<?x4xf32>, %dw_ih: memref<4x2xf32>,
                             %dw_hh: memref<4x4xf32>) {
  rnn.layer_grad %x : memref<3x?x2xf32> h0(%h0 : memref<?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
      output(%y : memref<3x?x4xf32>)
      grads(%dy, %dh : memref<3x?x4xf32>, memref<?x4xf32>)
      weight_grads(%dw_ih, %dw_hh : memref<4x2xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

/// The reverse direction ran t = T-1 .. 0, so its backward visits
/// t = 0 .. T-1, and the step before t (in its own order) is t+1, clamped at
/// T-1.

// CHECK-LABEL: func @reverse_direction
// LOOP:          scf.for %[[I:[a-z0-9_]+]] = %c0 to %c3 step %[[STEP:[a-z0-9_]+]] {
// LOOP:            %[[LAST:[a-z0-9_]+]] = arith.subi %c3, %[[STEP]] : index
// LOOP:            %[[NEXT:[a-z0-9_]+]] = arith.addi %[[I]], %[[STEP]] : index
// LOOP:            %[[PREV_T:[a-z0-9_]+]] = arith.minui %[[NEXT]], %[[LAST]] : index
// LOOP:            rnn.cell_grad {{.*}} at %[[I]], %[[PREV_T]]
// FULL:          rnn.cell_grad {{.*}} at %c0, %c1
// FULL:          rnn.cell_grad {{.*}} at %c1, %c2
// FULL:          rnn.cell_grad {{.*}} at %c2, %c2
func.func @reverse_direction(%x: memref<3x?x2xf32>, %h0: memref<?x4xf32>,
                             %w_ih: memref<4x2xf32>, %w_hh: memref<4x4xf32>,
                             %y: memref<3x?x4xf32>, %dy: memref<3x?x4xf32>,
                             %dh: memref<?x4xf32>, %dw_ih: memref<4x2xf32>,
                             %dw_hh: memref<4x4xf32>) {
  rnn.layer_grad %x : memref<3x?x2xf32> h0(%h0 : memref<?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
      output(%y : memref<3x?x4xf32>)
      grads(%dy, %dh : memref<3x?x4xf32>, memref<?x4xf32>)
      weight_grads(%dw_ih, %dw_hh : memref<4x2xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>, reverse}
  return
}

// -----

/// Truncated BPTT with windows of 2: after the step at a positive multiple
/// of 2 (in forward order) the carried state gradient is reset to zero.

// CHECK-LABEL: func @truncated
// LOOP:          scf.for
// LOOP:            rnn.cell_grad
// LOOP:            %[[OFFSET:[a-z0-9_]+]] = arith.remui %{{.*}}, %c2
// LOOP:            %[[AT_BOUNDARY:[a-z0-9_]+]] = arith.cmpi eq, %[[OFFSET]], %c0
// LOOP:            %[[NOT_FIRST:[a-z0-9_]+]] = arith.cmpi ne
// LOOP:            %[[DETACH:[a-z0-9_]+]] = arith.andi %[[AT_BOUNDARY]], %[[NOT_FIRST]]
// LOOP:            scf.if %[[DETACH]] {
// LOOP:              linalg.fill ins(%{{.*}} : f32) outs(%[[DH:[a-z0-9_]+]] : memref<?x4xf32>)
func.func @truncated(%x: memref<5x?x2xf32>, %h0: memref<?x4xf32>,
                     %w_ih: memref<4x2xf32>, %w_hh: memref<4x4xf32>,
                     %y: memref<5x?x4xf32>, %dy: memref<5x?x4xf32>,
                     %dh: memref<?x4xf32>, %dw_ih: memref<4x2xf32>,
                     %dw_hh: memref<4x4xf32>) {
  rnn.layer_grad %x : memref<5x?x2xf32> h0(%h0 : memref<?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
      output(%y : memref<5x?x4xf32>)
      grads(%dy, %dh : memref<5x?x4xf32>, memref<?x4xf32>)
      weight_grads(%dw_ih, %dw_hh : memref<4x2xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>, truncate = 2 : i64}
  return
}

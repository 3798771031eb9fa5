// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=none -split-input-file | FileCheck %s --check-prefixes=CHECK,LOOP
// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=full --canonicalize -split-input-file | FileCheck %s --check-prefixes=CHECK,FULL
// RUN: rnn-opt %s --convert-rnn-to-loops -split-input-file | FileCheck %s --check-prefixes=CHECK,AUTO

/// The backward pass of a one-layer RNN: rnn.layer_grad becomes the
/// reverse-time loop of BPTT, then the products that need every step's g.
/// The forward direction ran t = 0 .. T-1, so its backward visits
/// t = T-1-i, reading the step's input and output and the previous step's
/// output (clamped at t = 0, where h0 is used instead); rnn.cell_grad
/// leaves g in d_out[t] and computes only the state gradient. After the
/// loop, batch-reduce products over all steps form the weight gradients:
/// d_W_ih += sum_t g[t]^T x[t], d_W_hh += sum_{t>=1} g[t]^T y[t-1] plus
/// g[0]^T h0.

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
// LOOP-NOT:          weight_grads
// LOOP-NOT:        rnn.cell_grad
// LOOP:          }
// LOOP:          %[[G_T:[a-z0-9_]+]] = memref.transpose %[[DY]] (d0, d1, d2) -> (d0, d2, d1)
// LOOP:          rnn.matmul %[[G_T]], %[[X]] : {{.*}} outs(%[[DW_IH]] : memref<4x2xf32>) {accumulate}
// LOOP:          %[[G_LATER:[a-z0-9_]+]] = memref.subview %[[DY]][1, 0, 0] [%[[LAST2:[a-z0-9_]+]], %{{.*}}, 4]
// LOOP:          %[[Y_EARLIER:[a-z0-9_]+]] = memref.subview %[[Y]][0, 0, 0] [%[[LAST2]], %{{.*}}, 4]
// LOOP:          %[[G_LATER_T:[a-z0-9_]+]] = memref.transpose %[[G_LATER]] (d0, d1, d2) -> (d0, d2, d1)
// LOOP:          rnn.matmul %[[G_LATER_T]], %[[Y_EARLIER]] : {{.*}} outs(%[[DW_HH]] : memref<4x4xf32>) {accumulate}
// LOOP:          %[[G_FIRST:[a-z0-9_]+]] = memref.subview %[[DY]][0, 0, 0] [1, %{{.*}}, 4]
// LOOP:          %[[G_FIRST_T:[a-z0-9_]+]] = memref.transpose %[[G_FIRST]] (d0, d1) -> (d1, d0)
// LOOP:          rnn.matmul %[[G_FIRST_T]], %[[H0]] : {{.*}} outs(%[[DW_HH]] : memref<4x4xf32>) {accumulate}
// LOOP-NOT:      rnn.matmul
/// unroll=auto keeps backward loops as loops, even for short sequences that
/// the forward pass unrolls: the backward step is much more code.
// AUTO:          scf.for
// AUTO:            rnn.cell_grad
/// Fully unrolled: three steps, latest first.
// FULL-NOT:      scf.for
// FULL:          rnn.cell_grad {{.*}} at %c2, %c1
// FULL:          rnn.cell_grad {{.*}} at %c1, %c0
// FULL:          rnn.cell_grad {{.*}} at %c0, %c0
// FULL-NOT:      rnn.cell_grad
// FULL-COUNT-3:  rnn.matmul
// FULL-NOT:      rnn.matmul
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
/// T-1. After the loop, d_W_hh pairs g[t] with y[t+1] for t < T-1, and
/// g[T-1] with h0. With an input gradient, d_x += g W_ih is one product
/// over all T*B rows.

// CHECK-LABEL: func @reverse_direction
// CHECK-SAME:    %[[W_IH:[a-z0-9_]+]]: memref<4x2xf32>, %[[W_HH:[a-z0-9_]+]]: memref<4x4xf32>,
// CHECK-SAME:    %[[Y:[a-z0-9_]+]]: memref<3x?x4xf32>, %[[DY:[a-z0-9_]+]]: memref<3x?x4xf32>, %[[DH:[a-z0-9_]+]]: memref<?x4xf32>,
// CHECK-SAME:    %[[DX:[a-z0-9_]+]]: memref<3x?x2xf32>
// LOOP:          scf.for %[[I:[a-z0-9_]+]] = %c0 to %c3 step %[[STEP:[a-z0-9_]+]] {
// LOOP:            %[[LAST:[a-z0-9_]+]] = arith.subi %c3, %[[STEP]] : index
// LOOP:            %[[NEXT:[a-z0-9_]+]] = arith.addi %[[I]], %[[STEP]] : index
// LOOP:            %[[PREV_T:[a-z0-9_]+]] = arith.minui %[[NEXT]], %[[LAST]] : index
// LOOP:            rnn.cell_grad {{.*}} at %[[I]], %[[PREV_T]]
// LOOP-NOT:          input_grad
// FULL:          rnn.cell_grad {{.*}} at %c0, %c1
// FULL:          rnn.cell_grad {{.*}} at %c1, %c2
// FULL:          rnn.cell_grad {{.*}} at %c2, %c2
// LOOP:          rnn.matmul %[[DY]], %[[W_IH]] : memref<3x?x4xf32>, memref<4x2xf32> outs(%[[DX]] : memref<3x?x2xf32>) {accumulate}
// LOOP:          rnn.matmul
// LOOP:          %[[G_EARLIER:[a-z0-9_]+]] = memref.subview %[[DY]][0, 0, 0]
// LOOP:          %[[Y_LATER:[a-z0-9_]+]] = memref.subview %[[Y]][1, 0, 0]
// LOOP:          %[[G_EARLIER_T:[a-z0-9_]+]] = memref.transpose %[[G_EARLIER]]
// LOOP:          rnn.matmul %[[G_EARLIER_T]], %[[Y_LATER]]
// LOOP:          memref.subview %[[DY]][{{%[a-z0-9_]+|2}}, 0, 0] [1, %{{.*}}, 4]
// LOOP:          rnn.matmul
// LOOP-NOT:      rnn.matmul
// LOOP-NOT:      scf.for
// FULL:          rnn.matmul %[[DY]], %[[W_IH]] : memref<3x?x4xf32>, memref<4x2xf32> outs(%[[DX]] : memref<3x?x2xf32>) {accumulate}
// FULL-COUNT-3:  rnn.matmul
// FULL-NOT:      rnn.matmul
func.func @reverse_direction(%x: memref<3x?x2xf32>, %h0: memref<?x4xf32>,
                             %w_ih: memref<4x2xf32>, %w_hh: memref<4x4xf32>,
                             %y: memref<3x?x4xf32>, %dy: memref<3x?x4xf32>,
                             %dh: memref<?x4xf32>, %dx: memref<3x?x2xf32>,
                             %dw_ih: memref<4x2xf32>,
                             %dw_hh: memref<4x4xf32>) {
  rnn.layer_grad %x : memref<3x?x2xf32> h0(%h0 : memref<?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
      output(%y : memref<3x?x4xf32>)
      grads(%dy, %dh : memref<3x?x4xf32>, memref<?x4xf32>)
      input_grad(%dx : memref<3x?x2xf32>)
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

// -----

/// In reverse with lengths, a sequence b shorter than T starts at
/// t = lengths[b] - 1 after h0, but the product over all steps paired that
/// step with y[t+1]: a loop over the batch corrects d_W_hh for those rows
/// with g[t, b, :]^T (h0[b, :] - y[t+1, b, :]).

// CHECK-LABEL: func @reverse_with_lengths
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: memref<3x?x2xf32>, %[[LENGTHS:[a-z0-9_]+]]: memref<?xi64>, %[[H0:[a-z0-9_]+]]: memref<?x4xf32>,
// CHECK-SAME:     %[[Y:[a-z0-9_]+]]: memref<3x?x4xf32>, %[[DY:[a-z0-9_]+]]: memref<3x?x4xf32>,
// CHECK-SAME:     %[[DW_HH:[a-z0-9_]+]]: memref<4x4xf32>)
// CHECK:         rnn.matmul {{.*}} outs(%[[DW_HH]]
// CHECK:         rnn.matmul {{.*}} outs(%[[DW_HH]]
// CHECK:         scf.for %[[B:[a-z0-9_]+]] =
// CHECK:           %[[LEN64:[a-z0-9_]+]] = memref.load %[[LENGTHS]][%[[B]]]
// CHECK:           %[[LEN:[a-z0-9_]+]] = arith.index_cast %[[LEN64]] : i64 to index
// CHECK:           %[[SHORT:[a-z0-9_]+]] = arith.cmpi slt, %[[LEN]], %c3
// CHECK:           scf.if %[[SHORT]] {
// CHECK:             %[[START:[a-z0-9_]+]] = arith.subi %[[LEN]], %c1
// CHECK:             scf.for %[[J:[a-z0-9_]+]] =
// CHECK:               %[[G:[a-z0-9_]+]] = memref.load %[[DY]][%[[START]], %[[B]], %[[J]]]
// CHECK:               scf.for %[[K:[a-z0-9_]+]] =
// CHECK:                 %[[FROM_H0:[a-z0-9_]+]] = memref.load %[[H0]][%[[B]], %[[K]]]
// CHECK:                 %[[FROM_NEXT:[a-z0-9_]+]] = memref.load %[[Y]][%[[LEN]], %[[B]], %[[K]]]
// CHECK:                 %[[DELTA:[a-z0-9_]+]] = arith.subf %[[FROM_H0]], %[[FROM_NEXT]]
// CHECK:                 %[[TERM:[a-z0-9_]+]] = arith.mulf %[[G]], %[[DELTA]]
// CHECK:                 %[[OLD:[a-z0-9_]+]] = memref.load %[[DW_HH]][%[[J]], %[[K]]]
// CHECK:                 %[[SUM:[a-z0-9_]+]] = arith.addf %[[OLD]], %[[TERM]]
// CHECK:                 memref.store %[[SUM]], %[[DW_HH]][%[[J]], %[[K]]]
func.func @reverse_with_lengths(%x: memref<3x?x2xf32>, %lengths: memref<?xi64>,
                                %h0: memref<?x4xf32>, %w_ih: memref<4x2xf32>,
                                %w_hh: memref<4x4xf32>, %y: memref<3x?x4xf32>,
                                %dy: memref<3x?x4xf32>, %dh: memref<?x4xf32>,
                                %dw_ih: memref<4x2xf32>,
                                %dw_hh: memref<4x4xf32>) {
  rnn.layer_grad %x : memref<3x?x2xf32> lengths(%lengths : memref<?xi64>)
      h0(%h0 : memref<?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
      output(%y : memref<3x?x4xf32>)
      grads(%dy, %dh : memref<3x?x4xf32>, memref<?x4xf32>)
      weight_grads(%dw_ih, %dw_hh : memref<4x2xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>, reverse}
  return
}

// -----

/// A conditional input gradient: its product over all steps runs under
/// scf.if, the weight gradients' products do not.

// CHECK-LABEL: func @conditional_input_grad
// CHECK-SAME:    %[[W_IH:[a-z0-9_]+]]: memref<4x2xf32>, %[[W_HH:[a-z0-9_]+]]: memref<4x4xf32>,
// CHECK-SAME:    %[[DY:[a-z0-9_]+]]: memref<3x?x4xf32>, %{{[a-z0-9_]+}}: memref<?x4xf32>,
// CHECK-SAME:    %[[DX:[a-z0-9_]+]]: memref<3x?x2xf32>, %[[WANTED:[a-z0-9_]+]]: i1
// CHECK:         rnn.cell_grad
// CHECK:         scf.if %[[WANTED]] {
// CHECK-NEXT:      rnn.matmul %[[DY]], %[[W_IH]] : memref<3x?x4xf32>, memref<4x2xf32> outs(%[[DX]] : memref<3x?x2xf32>) {accumulate}
// CHECK-NEXT:    }
// CHECK-NOT:     scf.if
// CHECK:         rnn.matmul {{.*}} outs(%{{.*}} : memref<4x2xf32>) {accumulate}
func.func @conditional_input_grad(%x: memref<3x?x2xf32>, %h0: memref<?x4xf32>,
                                  %w_ih: memref<4x2xf32>, %w_hh: memref<4x4xf32>,
                                  %y: memref<3x?x4xf32>, %dy: memref<3x?x4xf32>,
                                  %dh: memref<?x4xf32>, %dx: memref<3x?x2xf32>,
                                  %wanted: i1, %dw_ih: memref<4x2xf32>,
                                  %dw_hh: memref<4x4xf32>) {
  rnn.layer_grad %x : memref<3x?x2xf32> h0(%h0 : memref<?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
      output(%y : memref<3x?x4xf32>)
      grads(%dy, %dh : memref<3x?x4xf32>, memref<?x4xf32>)
      input_grad(%dx : memref<3x?x2xf32>) when(%wanted)
      weight_grads(%dw_ih, %dw_hh : memref<4x2xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

/// One static step: no step follows another, so the views of the steps
/// after the first are empty and start at 0, not at 1 (past the end of the
/// buffer, which the subview verifier rejects even for an empty view);
/// the step's g meets h0 alone.

// CHECK-LABEL: func @one_step
// CHECK-SAME:    %[[Y:[a-z0-9_]+]]: memref<1x?x4xf32>, %[[DY:[a-z0-9_]+]]: memref<1x?x4xf32>,
// LOOP:          memref.subview %[[DY]][0, 0, 0] [%{{.*}}, %{{.*}}, 4]
// LOOP:          memref.subview %[[Y]][0, 0, 0] [%{{.*}}, %{{.*}}, 4]
// LOOP-NOT:      memref.subview %[[DY]][1
// FULL:          rnn.cell_grad {{.*}} at %c0, %c0
// FULL-NOT:      rnn.cell_grad
func.func @one_step(%x: memref<1x?x2xf32>, %h0: memref<?x4xf32>,
                    %w_ih: memref<4x2xf32>, %w_hh: memref<4x4xf32>,
                    %y: memref<1x?x4xf32>, %dy: memref<1x?x4xf32>,
                    %dh: memref<?x4xf32>, %dw_ih: memref<4x2xf32>,
                    %dw_hh: memref<4x4xf32>) {
  rnn.layer_grad %x : memref<1x?x2xf32> h0(%h0 : memref<?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
      output(%y : memref<1x?x4xf32>)
      grads(%dy, %dh : memref<1x?x4xf32>, memref<?x4xf32>)
      weight_grads(%dw_ih, %dw_hh : memref<4x2xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>, reverse}
  return
}

// -----

/// A dynamic number of steps (a BPTT segment, which canonicalization may
/// later make static, as short as one step): the steps after the first
/// start at min(1, T-1).

// CHECK-LABEL: func @dynamic_steps
// CHECK-SAME:    %[[Y:[a-z0-9_]+]]: memref<?x?x4xf32>, %[[DY:[a-z0-9_]+]]: memref<?x?x4xf32>,
// LOOP:          %[[T:[a-z0-9_]+]] = memref.dim %[[Y]], %c0
// LOOP:          %[[LAST:[a-z0-9_]+]] = arith.subi %[[T]], %[[ONE:[a-z0-9_]+]] : index
// LOOP:          %[[SECOND:[a-z0-9_]+]] = arith.minui %[[ONE]], %[[LAST]] : index
// LOOP:          memref.subview %[[DY]][%[[SECOND]], 0, 0] [%[[LAST]], %{{.*}}, 4]
// LOOP:          memref.subview %[[Y]][0, 0, 0] [%[[LAST]], %{{.*}}, 4]
func.func @dynamic_steps(%x: memref<?x?x2xf32>, %h0: memref<?x4xf32>,
                         %w_ih: memref<4x2xf32>, %w_hh: memref<4x4xf32>,
                         %y: memref<?x?x4xf32>, %dy: memref<?x?x4xf32>,
                         %dh: memref<?x4xf32>, %dw_ih: memref<4x2xf32>,
                         %dw_hh: memref<4x4xf32>) {
  rnn.layer_grad %x : memref<?x?x2xf32> h0(%h0 : memref<?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
      output(%y : memref<?x?x4xf32>)
      grads(%dy, %dh : memref<?x?x4xf32>, memref<?x4xf32>)
      weight_grads(%dw_ih, %dw_hh : memref<4x2xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

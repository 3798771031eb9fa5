// RUN: rnn-opt %s --rnn-generate-bptt -split-input-file -verify-diagnostics | FileCheck %s
// RUN: rnn-opt %s --rnn-generate-bptt=truncate=2 -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=TRUNC

/// A forward pass split into two segments of 2 steps, as MLIRGen builds it
/// for --checkpoint-bptt=2: checkpoint s holds the state entering segment s,
/// and the RNN output is kept for one segment only. Its adjoint is the same
/// loop run backwards; each iteration first re-runs the forward iteration
/// (recomputing the segment's states from its checkpoint), then emits the
/// adjoint of the RNN over the segment, chaining the state gradient through
/// the checkpoints' adjoints.

// CHECK-LABEL: func @segments
// CHECK-SAME:    %[[CKPT:[a-z0-9_]+]]: memref<3x1x?x4xf32>
// CHECK-SAME:    %[[D_Y:[a-z0-9_]+]]: memref<2x?x4xf32>, %[[D_HN:[a-z0-9_]+]]: memref<1x?x4xf32>, %[[D_CKPT:[a-z0-9_]+]]: memref<3x1x?x4xf32>
// The forward loop, then the loss and the head's adjoint.
// CHECK:         scf.for %[[S:.*]] = %[[C0:.*]] to %[[C2:.*]] step %[[C1:.*]] {
// CHECK:           rnn.stacked_rnn
// CHECK:         }
// CHECK:         rnn.mse_loss_grad
// h_n = checkpoint 2: d checkpoint 2 += d h_n.
// CHECK:         linalg.add
// The reversed loop: iteration i re-runs forward iteration 1 - i.
// CHECK:         scf.for %[[I:.*]] = %[[C0]] to %[[C2]] step %[[C1]] {
// CHECK:           %[[S_REV:.*]] = arith.subi %{{.*}}, %[[I]] : index
// CHECK:           %[[T0:.*]] = arith.muli %[[S_REV]]
// CHECK:           %[[X_SEG:.*]] = memref.subview %{{.*}}[%[[T0]], 0, 0] [2, %{{.*}}, 2]
// CHECK:           %[[ENTER:.*]] = memref.subview %[[CKPT]][%[[S_REV]], 0, 0, 0]
// CHECK:           %[[NEXT:.*]] = arith.addi %[[S_REV]]
// CHECK:           %[[LEAVE:.*]] = memref.subview %[[CKPT]][%[[NEXT]], 0, 0, 0]
// CHECK:           rnn.stacked_rnn %[[X_SEG]] {{.*}} h0(%[[ENTER]]
// CHECK-SAME:        outs(%{{.*}}, %[[LEAVE]]
// CHECK:           %[[D_LEAVE:.*]] = memref.subview %[[D_CKPT]][%[[NEXT]], 0, 0, 0]
// CHECK:           %[[D_ENTER:.*]] = memref.subview %[[D_CKPT]][%[[S_REV]], 0, 0, 0]
// CHECK:           %[[D_X_SEG:.*]] = memref.subview %{{.*}}[%[[T0]], 0, 0] [2, %{{.*}}, 2]
// CHECK:           rnn.stacked_rnn_grad %[[X_SEG]] {{.*}} h0(%[[ENTER]]
// CHECK-SAME:        grads(%[[D_Y]], %[[D_LEAVE]]
// CHECK-SAME:        input_grad(%[[D_X_SEG]]
// CHECK-SAME:        h0_grad(%[[D_ENTER]]
// The segment's output adjoint is cleared for the next (earlier) segment.
// CHECK:           linalg.fill ins(%{{.*}} : f32) outs(%[[D_Y]]
// CHECK:           linalg.fill ins(%{{.*}} : f32) outs(%[[D_LEAVE]]
// CHECK-NOT:       scf.if
// CHECK-NOT:       rnn.stacked_rnn
// CHECK:         }
// h0 was copied into checkpoint 0: d h0 += d checkpoint 0.
// CHECK:         linalg.add

// Truncated: the state entering every segment but the first is detached.
// TRUNC-LABEL: func @segments
// TRUNC:         scf.for
// TRUNC:         scf.for %[[I:.*]] = %[[C0:.*]] to
// TRUNC:           %[[S_REV:.*]] = arith.subi %{{.*}}, %[[I]] : index
// TRUNC:           %[[FIRST:.*]] = arith.cmpi eq, %[[S_REV]], %[[C0]]
// TRUNC:           rnn.stacked_rnn_grad
// TRUNC-SAME:        h0_grad(%[[D_ENTER:[a-z0-9_]+]]
// TRUNC-SAME:        truncate = 2
// TRUNC:           %[[DETACHED:.*]] = arith.xori %[[FIRST]]
// TRUNC:           scf.if %[[DETACHED]] {
// TRUNC-NEXT:        linalg.fill ins(%{{.*}} : f32) outs(%[[D_ENTER]]
func.func @segments(%x: memref<4x?x2xf32>, %len: memref<?xi64>,
                    %h0: memref<1x?x4xf32>, %w_ih: memref<4x2xf32>,
                    %w_hh: memref<4x4xf32>, %y: memref<2x?x4xf32>,
                    %h_n: memref<1x?x4xf32>, %ckpt: memref<3x1x?x4xf32>,
                    %target: memref<1x?x4xf32>, %loss: memref<f32>,
                    %d_x: memref<4x?x2xf32>, %d_h0: memref<1x?x4xf32>,
                    %d_w_ih: memref<4x2xf32>, %d_w_hh: memref<4x4xf32>,
                    %d_y: memref<2x?x4xf32>, %d_h_n: memref<1x?x4xf32>,
                    %d_ckpt: memref<3x1x?x4xf32>, %d_loss: memref<f32>) {
  rnn.declare_adjoint %x, %d_x : memref<4x?x2xf32>, memref<4x?x2xf32>
  rnn.declare_adjoint %h0, %d_h0 : memref<1x?x4xf32>, memref<1x?x4xf32>
  rnn.declare_adjoint %w_ih, %d_w_ih : memref<4x2xf32>, memref<4x2xf32>
  rnn.declare_adjoint %w_hh, %d_w_hh : memref<4x4xf32>, memref<4x4xf32>
  rnn.declare_adjoint %y, %d_y : memref<2x?x4xf32>, memref<2x?x4xf32>
  rnn.declare_adjoint %h_n, %d_h_n : memref<1x?x4xf32>, memref<1x?x4xf32>
  rnn.declare_adjoint %ckpt, %d_ckpt : memref<3x1x?x4xf32>, memref<3x1x?x4xf32>
  rnn.declare_adjoint %loss, %d_loss : memref<f32>, memref<f32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %b = memref.dim %h0, %c1 : memref<1x?x4xf32>
  %first = memref.subview %ckpt[0, 0, 0, 0] [1, 1, %b, 4] [1, 1, 1, 1]
      : memref<3x1x?x4xf32> to memref<1x?x4xf32, strided<[?, 4, 1]>>
  linalg.copy ins(%h0 : memref<1x?x4xf32>)
      outs(%first : memref<1x?x4xf32, strided<[?, 4, 1]>>)
  scf.for %s = %c0 to %c2 step %c1 {
    %t0 = arith.muli %s, %c2 : index
    %xs = memref.subview %x[%t0, 0, 0] [2, %b, 2] [1, 1, 1]
        : memref<4x?x2xf32> to memref<2x?x2xf32, strided<[?, 2, 1], offset: ?>>
    %enter = memref.subview %ckpt[%s, 0, 0, 0] [1, 1, %b, 4] [1, 1, 1, 1]
        : memref<3x1x?x4xf32> to memref<1x?x4xf32, strided<[?, 4, 1], offset: ?>>
    %next = arith.addi %s, %c1 : index
    %leave = memref.subview %ckpt[%next, 0, 0, 0] [1, 1, %b, 4] [1, 1, 1, 1]
        : memref<3x1x?x4xf32> to memref<1x?x4xf32, strided<[?, 4, 1], offset: ?>>
    rnn.stacked_rnn %xs : memref<2x?x2xf32, strided<[?, 2, 1], offset: ?>>
        h0(%enter : memref<1x?x4xf32, strided<[?, 4, 1], offset: ?>>)
        weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
        outs(%y, %leave : memref<2x?x4xf32>,
                          memref<1x?x4xf32, strided<[?, 4, 1], offset: ?>>)
        {hidden_size = 4 : i64, num_layers = 1 : i64,
         nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  }
  %last = memref.subview %ckpt[2, 0, 0, 0] [1, 1, %b, 4] [1, 1, 1, 1]
      : memref<3x1x?x4xf32> to memref<1x?x4xf32, strided<[?, 4, 1], offset: ?>>
  linalg.copy ins(%last : memref<1x?x4xf32, strided<[?, 4, 1], offset: ?>>)
      outs(%h_n : memref<1x?x4xf32>)
  rnn.mse_loss %h_n, %target : memref<1x?x4xf32>, memref<1x?x4xf32>
      outs(%loss : memref<f32>)
  return
}

// -----

/// A loop that carries values cannot be re-run iteration by iteration.

func.func @carried(%x: memref<4x?x2xf32>, %h0: memref<1x?x4xf32>,
                   %w_ih: memref<4x2xf32>, %w_hh: memref<4x4xf32>,
                   %y: memref<4x?x4xf32>, %h_n: memref<1x?x4xf32>,
                   %target: memref<1x?x4xf32>, %loss: memref<f32>,
                   %d_x: memref<4x?x2xf32>, %d_h0: memref<1x?x4xf32>,
                   %d_w_ih: memref<4x2xf32>, %d_w_hh: memref<4x4xf32>,
                   %d_y: memref<4x?x4xf32>, %d_h_n: memref<1x?x4xf32>,
                   %d_loss: memref<f32>) {
  rnn.declare_adjoint %x, %d_x : memref<4x?x2xf32>, memref<4x?x2xf32>
  rnn.declare_adjoint %h0, %d_h0 : memref<1x?x4xf32>, memref<1x?x4xf32>
  rnn.declare_adjoint %w_ih, %d_w_ih : memref<4x2xf32>, memref<4x2xf32>
  rnn.declare_adjoint %w_hh, %d_w_hh : memref<4x4xf32>, memref<4x4xf32>
  rnn.declare_adjoint %y, %d_y : memref<4x?x4xf32>, memref<4x?x4xf32>
  rnn.declare_adjoint %h_n, %d_h_n : memref<1x?x4xf32>, memref<1x?x4xf32>
  rnn.declare_adjoint %loss, %d_loss : memref<f32>, memref<f32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  // expected-error @+1 {{'scf.for' op with loop-carried values cannot be differentiated; carry them through buffers}}
  %n = scf.for %s = %c0 to %c2 step %c1 iter_args(%acc = %c0) -> (index) {
    rnn.stacked_rnn %x : memref<4x?x2xf32>
        h0(%h0 : memref<1x?x4xf32>)
        weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
        outs(%y, %h_n : memref<4x?x4xf32>, memref<1x?x4xf32>)
        {hidden_size = 4 : i64, num_layers = 1 : i64,
         nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
    %more = arith.addi %acc, %c1 : index
    scf.yield %more : index
  }
  rnn.mse_loss %h_n, %target : memref<1x?x4xf32>, memref<1x?x4xf32>
      outs(%loss : memref<f32>)
  return
}

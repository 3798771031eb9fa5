// RUN: rnn-opt %s --rnn-generate-bptt -split-input-file | FileCheck %s
// RUN: rnn-opt %s --rnn-generate-bptt=truncate=2 -split-input-file | FileCheck %s --check-prefix=TRUNC

/// A one-layer model with a many-to-one head and an MSE loss: the backward
/// ops come right after the loss, in reverse order (loss, head, RNN), every
/// adjoint is zeroed first and the loss's seeded with 1, and the head's
/// input (a view of h_n) gets the same view of h_n's adjoint.

// CHECK-LABEL: func @sin_like
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: memref<3x?x2xf32>, %[[LEN:[a-z0-9_]+]]: memref<?xi64>, %[[H0:[a-z0-9_]+]]: memref<1x?x4xf32>,
// CHECK-SAME:     %[[W_IH:[a-z0-9_]+]]: memref<4x2xf32>, %[[W_HH:[a-z0-9_]+]]: memref<4x4xf32>, %[[FC_W:[a-z0-9_]+]]: memref<1x4xf32>,
// CHECK-SAME:     %[[Y:[a-z0-9_]+]]: memref<3x?x4xf32>, %[[HN:[a-z0-9_]+]]: memref<1x?x4xf32>, %[[OUT:[a-z0-9_]+]]: memref<?x1xf32>,
// CHECK-SAME:     %[[TARGET:[a-z0-9_]+]]: memref<?x1xf32>, %[[LOSS:[a-z0-9_]+]]: memref<f32>,
// CHECK-SAME:     %[[D_X:[a-z0-9_]+]]: memref<3x?x2xf32>, %[[D_H0:[a-z0-9_]+]]: memref<1x?x4xf32>, %[[D_W_IH:[a-z0-9_]+]]: memref<4x2xf32>,
// CHECK-SAME:     %[[D_W_HH:[a-z0-9_]+]]: memref<4x4xf32>, %[[D_FC_W:[a-z0-9_]+]]: memref<1x4xf32>, %[[D_Y:[a-z0-9_]+]]: memref<3x?x4xf32>,
// CHECK-SAME:     %[[D_HN:[a-z0-9_]+]]: memref<1x?x4xf32>, %[[D_OUT:[a-z0-9_]+]]: memref<?x1xf32>, %[[D_LOSS:[a-z0-9_]+]]: memref<f32>)
// CHECK-NOT:     rnn.declare_adjoint
// CHECK:         rnn.stacked_rnn
// CHECK:         %[[HEAD_IN:.*]] = memref.subview %[[HN]][0, 0, 0]
// CHECK:         rnn.linear %[[HEAD_IN]]
// CHECK:         rnn.mse_loss %[[OUT]], %[[TARGET]]
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:         linalg.fill ins(%[[ZERO]] : f32) outs(%[[D_X]]
// CHECK:         linalg.fill ins(%[[ONE]] : f32) outs(%[[D_LOSS]]
// CHECK-NEXT:    rnn.mse_loss_grad %[[OUT]], %[[TARGET]], %[[D_LOSS]] {{.*}} outs(%[[D_OUT]]
// CHECK:         %[[D_HEAD_IN:.*]] = memref.subview %[[D_HN]][0, 0, 0]
// CHECK:         rnn.linear_grad %[[HEAD_IN]], %[[FC_W]], %[[D_OUT]] {{.*}} input_grad(%[[D_HEAD_IN]] {{.*}} weight_grad(%[[D_FC_W]]
// CHECK-NEXT:    rnn.stacked_rnn_grad %[[X]] {{.*}} lengths(%[[LEN]] {{.*}} h0(%[[H0]]
// CHECK-SAME:      weights(%[[W_IH]], %[[W_HH]]
// CHECK-SAME:      outputs(%[[Y]], %[[HN]]
// CHECK-SAME:      grads(%[[D_Y]], %[[D_HN]]
// CHECK-SAME:      input_grad(%[[D_X]]
// CHECK-SAME:      weight_grads(%[[D_W_IH]], %[[D_W_HH]]
// CHECK-SAME:      h0_grad(%[[D_H0]]
// CHECK-NOT:       truncate
// The RNN overwrote its outputs: their adjoints are cleared.
// CHECK:         linalg.fill ins(%[[ZERO2:.*]] : f32) outs(%[[D_Y]]
// CHECK-NEXT:    linalg.fill ins(%[[ZERO2]] : f32) outs(%[[D_HN]]
// CHECK-NEXT:    return
// TRUNC:         rnn.stacked_rnn_grad
// TRUNC-SAME:      truncate = 2
func.func @sin_like(%x: memref<3x?x2xf32>, %len: memref<?xi64>, %h0: memref<1x?x4xf32>,
                    %w_ih: memref<4x2xf32>, %w_hh: memref<4x4xf32>, %fc_w: memref<1x4xf32>,
                    %y: memref<3x?x4xf32>, %h_n: memref<1x?x4xf32>, %out: memref<?x1xf32>,
                    %target: memref<?x1xf32>, %loss: memref<f32>,
                    %d_x: memref<3x?x2xf32>, %d_h0: memref<1x?x4xf32>, %d_w_ih: memref<4x2xf32>,
                    %d_w_hh: memref<4x4xf32>, %d_fc_w: memref<1x4xf32>, %d_y: memref<3x?x4xf32>,
                    %d_h_n: memref<1x?x4xf32>, %d_out: memref<?x1xf32>, %d_loss: memref<f32>) {
  rnn.declare_adjoint %x, %d_x : memref<3x?x2xf32>, memref<3x?x2xf32>
  rnn.declare_adjoint %h0, %d_h0 : memref<1x?x4xf32>, memref<1x?x4xf32>
  rnn.declare_adjoint %w_ih, %d_w_ih : memref<4x2xf32>, memref<4x2xf32>
  rnn.declare_adjoint %w_hh, %d_w_hh : memref<4x4xf32>, memref<4x4xf32>
  rnn.declare_adjoint %fc_w, %d_fc_w : memref<1x4xf32>, memref<1x4xf32>
  rnn.declare_adjoint %y, %d_y : memref<3x?x4xf32>, memref<3x?x4xf32>
  rnn.declare_adjoint %h_n, %d_h_n : memref<1x?x4xf32>, memref<1x?x4xf32>
  rnn.declare_adjoint %out, %d_out : memref<?x1xf32>, memref<?x1xf32>
  rnn.declare_adjoint %loss, %d_loss : memref<f32>, memref<f32>
  rnn.stacked_rnn %x : memref<3x?x2xf32> lengths(%len : memref<?xi64>)
      h0(%h0 : memref<1x?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<3x?x4xf32>, memref<1x?x4xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  %c1 = arith.constant 1 : index
  %b = memref.dim %h_n, %c1 : memref<1x?x4xf32>
  %last = memref.subview %h_n[0, 0, 0] [1, %b, 4] [1, 1, 1]
      : memref<1x?x4xf32> to memref<?x4xf32, strided<[4, 1]>>
  rnn.linear %last, %fc_w : memref<?x4xf32, strided<[4, 1]>>, memref<1x4xf32>
      outs(%out : memref<?x1xf32>)
  rnn.mse_loss %out, %target : memref<?x1xf32>, memref<?x1xf32>
      outs(%loss : memref<f32>)
  return
}

// -----

/// Token input: the embedding's adjoint scatters into the table's gradient,
/// and a cross-entropy loss seeds the backward pass.

// CHECK-LABEL: func @tokens
// CHECK:         rnn.cross_entropy_loss_grad %[[LOGITS:[a-z0-9_]+]], %{{.*}}, %[[D_LOSS:[a-z0-9_]+]] {{.*}} outs(%[[D_LOGITS:[a-z0-9_]+]]
// CHECK:         rnn.linear_grad
// CHECK:         rnn.stacked_rnn_grad
// CHECK-SAME:      input_grad(%[[D_EMB:[a-z0-9_]+]]
// CHECK:         rnn.embedding_grad %{{.*}}, %[[D_EMB]] {{.*}} weight_grad(%[[D_TABLE:[a-z0-9_]+]]
func.func @tokens(%ids: memref<2x?xi64>, %table: memref<5x3xf32>, %emb: memref<2x?x3xf32>,
                  %h0: memref<1x?x4xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>,
                  %y: memref<2x?x4xf32>, %h_n: memref<1x?x4xf32>, %fc_w: memref<3x4xf32>,
                  %logits: memref<2x?x3xf32>, %labels: memref<2x?xi64>, %loss: memref<f32>,
                  %d_table: memref<5x3xf32>, %d_emb: memref<2x?x3xf32>, %d_h0: memref<1x?x4xf32>,
                  %d_w_ih: memref<4x3xf32>, %d_w_hh: memref<4x4xf32>, %d_y: memref<2x?x4xf32>,
                  %d_h_n: memref<1x?x4xf32>, %d_fc_w: memref<3x4xf32>,
                  %d_logits: memref<2x?x3xf32>, %d_loss: memref<f32>) {
  rnn.declare_adjoint %table, %d_table : memref<5x3xf32>, memref<5x3xf32>
  rnn.declare_adjoint %emb, %d_emb : memref<2x?x3xf32>, memref<2x?x3xf32>
  rnn.declare_adjoint %h0, %d_h0 : memref<1x?x4xf32>, memref<1x?x4xf32>
  rnn.declare_adjoint %w_ih, %d_w_ih : memref<4x3xf32>, memref<4x3xf32>
  rnn.declare_adjoint %w_hh, %d_w_hh : memref<4x4xf32>, memref<4x4xf32>
  rnn.declare_adjoint %y, %d_y : memref<2x?x4xf32>, memref<2x?x4xf32>
  rnn.declare_adjoint %h_n, %d_h_n : memref<1x?x4xf32>, memref<1x?x4xf32>
  rnn.declare_adjoint %fc_w, %d_fc_w : memref<3x4xf32>, memref<3x4xf32>
  rnn.declare_adjoint %logits, %d_logits : memref<2x?x3xf32>, memref<2x?x3xf32>
  rnn.declare_adjoint %loss, %d_loss : memref<f32>, memref<f32>
  rnn.embedding %ids, %table : memref<2x?xi64>, memref<5x3xf32>
      outs(%emb : memref<2x?x3xf32>)
  rnn.stacked_rnn %emb : memref<2x?x3xf32> h0(%h0 : memref<1x?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<2x?x4xf32>, memref<1x?x4xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<relu>, bias = false}
  rnn.linear %y, %fc_w : memref<2x?x4xf32>, memref<3x4xf32>
      outs(%logits : memref<2x?x3xf32>)
  rnn.cross_entropy_loss %logits, %labels : memref<2x?x3xf32>, memref<2x?xi64>
      outs(%loss : memref<f32>)
  return
}

// -----

/// A function without rnn.declare_adjoint is left alone.

// CHECK-LABEL: func @negative_inference_only
// CHECK-NOT:     _grad
func.func @negative_inference_only(%p: memref<?x1xf32>, %t: memref<?x1xf32>,
                                   %loss: memref<f32>) {
  rnn.mse_loss %p, %t : memref<?x1xf32>, memref<?x1xf32> outs(%loss : memref<f32>)
  return
}

// -----

/// The backward pass gets the forward's weight scratch, which the forward
/// no longer needs once the backward runs.

// CHECK-LABEL: func @shared_weight_scratch
// CHECK-SAME:    %[[WS:[a-z0-9_]+]]: memref<256xf32>
// CHECK:         rnn.stacked_rnn {{.*}} weight_scratch(%[[WS]] :
// CHECK:         rnn.stacked_rnn_grad {{.*}} weight_scratch(%[[WS]] :
func.func @shared_weight_scratch(%x: memref<3x?x3xf32>, %h0: memref<1x?x4xf32>,
                                 %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>,
                                 %ws: memref<256xf32>, %y: memref<3x?x4xf32>,
                                 %h_n: memref<1x?x4xf32>, %target: memref<3x?x4xf32>,
                                 %loss: memref<f32>, %d_h0: memref<1x?x4xf32>,
                                 %d_w_ih: memref<4x3xf32>, %d_w_hh: memref<4x4xf32>,
                                 %d_y: memref<3x?x4xf32>, %d_h_n: memref<1x?x4xf32>,
                                 %d_loss: memref<f32>) {
  rnn.declare_adjoint %h0, %d_h0 : memref<1x?x4xf32>, memref<1x?x4xf32>
  rnn.declare_adjoint %w_ih, %d_w_ih : memref<4x3xf32>, memref<4x3xf32>
  rnn.declare_adjoint %w_hh, %d_w_hh : memref<4x4xf32>, memref<4x4xf32>
  rnn.declare_adjoint %y, %d_y : memref<3x?x4xf32>, memref<3x?x4xf32>
  rnn.declare_adjoint %h_n, %d_h_n : memref<1x?x4xf32>, memref<1x?x4xf32>
  rnn.declare_adjoint %loss, %d_loss : memref<f32>, memref<f32>
  rnn.stacked_rnn %x : memref<3x?x3xf32> h0(%h0 : memref<1x?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<3x?x4xf32>, memref<1x?x4xf32>)
      weight_scratch(%ws : memref<256xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  rnn.mse_loss %y, %target : memref<3x?x4xf32>, memref<3x?x4xf32>
      outs(%loss : memref<f32>)
  return
}

// -----

/// A conditional adjoint (`when`): the input's gradient is cleared only
/// when it is wanted, and the RNN's backward gets the condition with its
/// input_grad.

// CHECK-LABEL: func @conditional_input_adjoint
// CHECK-SAME:    %[[WANTED:[a-z0-9_]+]]: i1
// CHECK-SAME:    %[[D_X:[a-z0-9_]+]]: memref<3x?x3xf32>
// CHECK:         rnn.mse_loss
// CHECK:         scf.if %[[WANTED]] {
// CHECK-NEXT:      linalg.fill ins(%{{.*}} : f32) outs(%[[D_X]] :
// CHECK-NEXT:    }
// CHECK:         rnn.stacked_rnn_grad {{.*}} input_grad(%[[D_X]] : memref<3x?x3xf32>) when(%[[WANTED]])
func.func @conditional_input_adjoint(%x: memref<3x?x3xf32>, %h0: memref<1x?x4xf32>,
                                     %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>,
                                     %y: memref<3x?x4xf32>, %h_n: memref<1x?x4xf32>,
                                     %target: memref<3x?x4xf32>, %loss: memref<f32>,
                                     %wanted: i1, %d_x: memref<3x?x3xf32>,
                                     %d_h0: memref<1x?x4xf32>,
                                     %d_w_ih: memref<4x3xf32>, %d_w_hh: memref<4x4xf32>,
                                     %d_y: memref<3x?x4xf32>, %d_h_n: memref<1x?x4xf32>,
                                     %d_loss: memref<f32>) {
  rnn.declare_adjoint %x, %d_x when(%wanted) : memref<3x?x3xf32>, memref<3x?x3xf32>
  rnn.declare_adjoint %h0, %d_h0 : memref<1x?x4xf32>, memref<1x?x4xf32>
  rnn.declare_adjoint %w_ih, %d_w_ih : memref<4x3xf32>, memref<4x3xf32>
  rnn.declare_adjoint %w_hh, %d_w_hh : memref<4x4xf32>, memref<4x4xf32>
  rnn.declare_adjoint %y, %d_y : memref<3x?x4xf32>, memref<3x?x4xf32>
  rnn.declare_adjoint %h_n, %d_h_n : memref<1x?x4xf32>, memref<1x?x4xf32>
  rnn.declare_adjoint %loss, %d_loss : memref<f32>, memref<f32>
  rnn.stacked_rnn %x : memref<3x?x3xf32> h0(%h0 : memref<1x?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<3x?x4xf32>, memref<1x?x4xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  rnn.mse_loss %y, %target : memref<3x?x4xf32>, memref<3x?x4xf32>
      outs(%loss : memref<f32>)
  return
}

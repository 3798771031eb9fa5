// RUN: rnn-opt %s --rnn-generate-bptt=truncate=2 -verify-diagnostics

/// Truncated BPTT detaches the state every k steps of the forward order,
/// which has no meaning for the reverse direction: it is refused.

func.func @bidirectional(%x: memref<3x?x2xf32>, %h0: memref<2x?x4xf32>,
                         %w_ih: memref<4x2xf32>, %w_hh: memref<4x4xf32>,
                         %w_ih_r: memref<4x2xf32>, %w_hh_r: memref<4x4xf32>,
                         %y: memref<3x?x8xf32>, %h_n: memref<2x?x4xf32>,
                         %t: memref<3x?x8xf32>, %loss: memref<f32>,
                         %d_y: memref<3x?x8xf32>, %d_loss: memref<f32>) {
  rnn.declare_adjoint %y, %d_y : memref<3x?x8xf32>, memref<3x?x8xf32>
  rnn.declare_adjoint %loss, %d_loss : memref<f32>, memref<f32>
  // expected-error @+1 {{'rnn.stacked_rnn' op truncated BPTT needs a unidirectional RNN}}
  rnn.stacked_rnn %x : memref<3x?x2xf32> h0(%h0 : memref<2x?x4xf32>)
      weights(%w_ih, %w_hh, %w_ih_r, %w_hh_r : memref<4x2xf32>, memref<4x4xf32>,
              memref<4x2xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<3x?x8xf32>, memref<2x?x4xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false, bidirectional}
  rnn.mse_loss %y, %t : memref<3x?x8xf32>, memref<3x?x8xf32> outs(%loss : memref<f32>)
  return
}

// RUN: rnn-opt %s --rnn-generate-bptt -split-input-file -verify-diagnostics

/// Every way the backward pass can be impossible gets a diagnostic.

func.func @missing_weight_adjoint(%p: memref<?x3xf32>, %w: memref<1x3xf32>,
                                  %out: memref<?x1xf32>, %t: memref<?x1xf32>,
                                  %loss: memref<f32>, %d_out: memref<?x1xf32>,
                                  %d_loss: memref<f32>) {
  rnn.declare_adjoint %out, %d_out : memref<?x1xf32>, memref<?x1xf32>
  rnn.declare_adjoint %loss, %d_loss : memref<f32>, memref<f32>
  // expected-error @+1 {{'rnn.linear' op has no adjoint buffer for its weight (missing rnn.declare_adjoint)}}
  rnn.linear %p, %w : memref<?x3xf32>, memref<1x3xf32> outs(%out : memref<?x1xf32>)
  rnn.mse_loss %out, %t : memref<?x1xf32>, memref<?x1xf32> outs(%loss : memref<f32>)
  return
}

// -----

// expected-error @+1 {{'func.func' op needs exactly one loss op to differentiate, found 0}}
func.func @no_loss(%p: memref<?x1xf32>, %d_p: memref<?x1xf32>) {
  rnn.declare_adjoint %p, %d_p : memref<?x1xf32>, memref<?x1xf32>
  return
}

// -----

func.func @loss_without_adjoint(%p: memref<?x1xf32>, %t: memref<?x1xf32>,
                                %loss: memref<f32>, %d_p: memref<?x1xf32>) {
  rnn.declare_adjoint %p, %d_p : memref<?x1xf32>, memref<?x1xf32>
  // expected-error @+1 {{'rnn.mse_loss' op has no adjoint buffer for the loss}}
  rnn.mse_loss %p, %t : memref<?x1xf32>, memref<?x1xf32> outs(%loss : memref<f32>)
  return
}

// -----

func.func @stacked_without_h0(%x: memref<3x?x2xf32>, %w_ih: memref<4x2xf32>,
                              %w_hh: memref<4x4xf32>, %y: memref<3x?x4xf32>,
                              %h_n: memref<1x?x4xf32>, %t: memref<3x?x4xf32>,
                              %loss: memref<f32>, %d_y: memref<3x?x4xf32>,
                              %d_loss: memref<f32>) {
  rnn.declare_adjoint %y, %d_y : memref<3x?x4xf32>, memref<3x?x4xf32>
  rnn.declare_adjoint %loss, %d_loss : memref<f32>, memref<f32>
  // expected-error @+1 {{'rnn.stacked_rnn' op needs an explicit h0 buffer to be differentiated}}
  rnn.stacked_rnn %x : memref<3x?x2xf32>
      weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<3x?x4xf32>, memref<1x?x4xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  rnn.mse_loss %y, %t : memref<3x?x4xf32>, memref<3x?x4xf32> outs(%loss : memref<f32>)
  return
}

// -----

/// A conditional adjoint may be left unset, so nothing may read it: its
/// buffer must not be written by any op (here the RNN's output).

func.func @conditional_adjoint_of_written_buffer(
    %x: memref<3x?x2xf32>, %h0: memref<1x?x4xf32>, %w_ih: memref<4x2xf32>,
    %w_hh: memref<4x4xf32>, %y: memref<3x?x4xf32>, %h_n: memref<1x?x4xf32>,
    %t: memref<3x?x4xf32>, %loss: memref<f32>, %wanted: i1,
    %d_y: memref<3x?x4xf32>, %d_loss: memref<f32>) {
  // expected-error @+1 {{'rnn.declare_adjoint' op declares a conditional adjoint for a buffer that is written}}
  rnn.declare_adjoint %y, %d_y when(%wanted) : memref<3x?x4xf32>, memref<3x?x4xf32>
  rnn.declare_adjoint %loss, %d_loss : memref<f32>, memref<f32>
  // expected-note @+1 {{written here}}
  rnn.stacked_rnn %x : memref<3x?x2xf32> h0(%h0 : memref<1x?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<3x?x4xf32>, memref<1x?x4xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  rnn.mse_loss %y, %t : memref<3x?x4xf32>, memref<3x?x4xf32> outs(%loss : memref<f32>)
  return
}

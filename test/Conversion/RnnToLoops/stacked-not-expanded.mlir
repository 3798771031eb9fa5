// RUN: rnn-opt %s --convert-rnn-to-loops -verify-diagnostics

/// convert-rnn-to-loops only handles rnn.layer: a stacked RNN left in the
/// input gets a diagnostic naming the pass that must run first.
func.func @stacked_rnn_left_over(%x: memref<4x2x3xf32>, %w_ih: memref<5x3xf32>,
                                 %w_hh: memref<5x5xf32>, %y: memref<4x2x5xf32>,
                                 %h_n: memref<1x2x5xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op must be expanded into rnn.layer ops first (run --rnn-expand-stacked before --convert-rnn-to-loops)}}
  rnn.stacked_rnn %x : memref<4x2x3xf32>
      weights(%w_ih, %w_hh : memref<5x3xf32>, memref<5x5xf32>)
      outs(%y, %h_n : memref<4x2x5xf32>, memref<1x2x5xf32>)
      {hidden_size = 5 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

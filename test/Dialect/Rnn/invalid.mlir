// RUN: rnn-opt %s -split-input-file -verify-diagnostics

/// Every verifier diagnostic of the rnn dialect, one bad op per chunk, plus
/// the operand type constraints that matter (element type, rank, memory
/// space) and a bad enum value. Unless a chunk says otherwise, the model is
/// T=5, B=2, I=3, H=4.

//===----------------------------------------------------------------------===//
// rnn.stacked_rnn: attributes and parameter list
//===----------------------------------------------------------------------===//

func.func @stacked_rnn_zero_hidden_size(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op hidden_size must be positive, got 0}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 0 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_zero_layers(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op num_layers must be positive, got 0}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 0 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

/// 2^62 layers x 4 parameters wraps to 0 in 64 bits: the verifier must not
/// accept an empty parameter list for it.
func.func @stacked_rnn_num_layers_overflow(%x: memref<5x2x3xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>, %scratch: memref<2x5x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op num_layers is too large, got 4611686018427387904}}
  "rnn.stacked_rnn"(%x, %y, %h_n, %scratch) <{operandSegmentSizes = array<i32: 1, 0, 0, 0, 1, 1, 1, 0>, hidden_size = 4 : i64, num_layers = 4611686018427387904 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = true}> : (memref<5x2x3xf32>, memref<5x2x4xf32>, memref<1x2x4xf32>, memref<2x5x2x4xf32>) -> ()
  return
}

// -----

func.func @stacked_rnn_hidden_size_overflow(%x: memref<5x2x3xf32>, %w_ih: memref<?x3xf32>, %w_hh: memref<?x?xf32>, %y: memref<5x2x?xf32>, %h_n: memref<2x2x?xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op hidden_size is too large, got 4611686018427387904}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh, %w_ih, %w_hh : memref<?x3xf32>, memref<?x?xf32>, memref<?x3xf32>, memref<?x?xf32>) outs(%y, %h_n : memref<5x2x?xf32>, memref<2x2x?xf32>) {hidden_size = 4611686018427387904 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false, bidirectional}
  return
}

// -----

func.func @stacked_rnn_missing_biases(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op expects 4 weights (1 layers x 1 directions x 4), got 2}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = true}
  return
}

// -----

func.func @stacked_rnn_missing_reverse_weights(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x8xf32>, %h_n: memref<2x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op expects 4 weights (1 layers x 2 directions x 2), got 2}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x8xf32>, memref<2x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false, bidirectional}
  return
}

// -----

func.func @stacked_rnn_bias_of_rank_2(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %b: memref<4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op weight 2 of layer 0 direction 0 must have rank 1, got 2}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh, %w_hh, %b : memref<4x3xf32>, memref<4x4xf32>, memref<4x4xf32>, memref<4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = true}
  return
}

// -----

func.func @stacked_rnn_weight_of_rank_3(%x: memref<5x2x3xf32>, %w_ih: memref<1x4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op operand #1 must be variadic of 1D/2D memref of 32-bit float values, but got 'memref<1x4x3xf32>'}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<1x4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

//===----------------------------------------------------------------------===//
// rnn.stacked_rnn: parameter shapes
//===----------------------------------------------------------------------===//

func.func @stacked_rnn_weight_ih_does_not_match_input(%x: memref<5x2x3xf32>, %w_ih: memref<4x2xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op weight_ih dimension 1 (2) does not match input dimension 2 (3)}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

/// Layer 1 reads layer 0's output, so its weight_ih must be (H, H).
func.func @stacked_rnn_inner_weight_ih_reads_model_input(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<2x2x4xf32>, %scratch: memref<2x5x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op weight_ih dimension 1 must be 4, got 3}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh, %w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>, memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<2x2x4xf32>) scratch(%scratch : memref<2x5x2x4xf32>) {hidden_size = 4 : i64, num_layers = 2 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_weight_ih_rows(%x: memref<5x2x3xf32>, %w_ih: memref<5x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op weight_ih dimension 0 must be 4, got 5}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<5x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_weight_hh_rows(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<3x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op weight_hh dimension 0 must be 4, got 3}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<3x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_weight_hh_columns(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x3xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op weight_hh dimension 1 must be 4, got 3}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x3xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_bias_ih_size(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %b3: memref<3xf32>, %b4: memref<4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op bias_ih dimension 0 must be 4, got 3}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh, %b3, %b4 : memref<4x3xf32>, memref<4x4xf32>, memref<3xf32>, memref<4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = true}
  return
}

// -----

func.func @stacked_rnn_bias_hh_size(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %b3: memref<3xf32>, %b4: memref<4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op bias_hh dimension 0 must be 4, got 3}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh, %b4, %b3 : memref<4x3xf32>, memref<4x4xf32>, memref<4xf32>, memref<3xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = true}
  return
}

// -----

//===----------------------------------------------------------------------===//
// rnn.stacked_rnn: buffer shapes
//===----------------------------------------------------------------------===//

func.func @stacked_rnn_output_seq_len(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<6x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op output dimension 0 (6) does not match input dimension 0 (5)}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<6x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_output_batch(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x3x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op output dimension 1 (3) does not match input dimension 1 (2)}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x3x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_bidirectional_output_width(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<2x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op output dimension 2 must be 8, got 4}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh, %w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>, memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<2x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false, bidirectional}
  return
}

// -----

func.func @stacked_rnn_bidirectional_h_n_rows(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x8xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op h_n dimension 0 must be 2, got 1}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh, %w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>, memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x8xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false, bidirectional}
  return
}

// -----

func.func @stacked_rnn_h_n_batch(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x3x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op h_n dimension 1 (3) does not match input dimension 1 (2)}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x3x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_h_n_width(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x5xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op h_n dimension 2 must be 4, got 5}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x5xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_h0_does_not_match_h_n(%x: memref<5x?x3xf32>, %h0: memref<1x3x4xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x?x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op h0 dimension 1 (3) does not match h_n dimension 1 (2)}}
  rnn.stacked_rnn %x : memref<5x?x3xf32> h0(%h0 : memref<1x3x4xf32>) weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x?x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_lengths_batch(%x: memref<5x2x3xf32>, %len: memref<3xi64>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op lengths dimension 0 (3) does not match input dimension 1 (2)}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> lengths(%len : memref<3xi64>) weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_i32_lengths(%x: memref<5x2x3xf32>, %len: memref<2xi32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op operand #1 must be 1D memref of 64-bit signless integer values, but got 'memref<2xi32>'}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> lengths(%len : memref<2xi32>) weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_two_layers_without_scratch(%x: memref<5x2x3xf32>, %w_ih0: memref<4x3xf32>, %w_ih1: memref<4x4xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<2x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op requires a scratch buffer when num_layers > 1}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih0, %w_hh, %w_ih1, %w_hh : memref<4x3xf32>, memref<4x4xf32>, memref<4x4xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<2x2x4xf32>) {hidden_size = 4 : i64, num_layers = 2 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_scratch_halves(%x: memref<5x2x3xf32>, %w_ih0: memref<4x3xf32>, %w_ih1: memref<4x4xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<2x2x4xf32>, %scratch: memref<3x5x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op scratch dimension 0 must be 2 or 1, got 3}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih0, %w_hh, %w_ih1, %w_hh : memref<4x3xf32>, memref<4x4xf32>, memref<4x4xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<2x2x4xf32>) scratch(%scratch : memref<3x5x2x4xf32>) {hidden_size = 4 : i64, num_layers = 2 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_scratch_seq_len(%x: memref<5x2x3xf32>, %w_ih0: memref<4x3xf32>, %w_ih1: memref<4x4xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<2x2x4xf32>, %scratch: memref<2x4x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op scratch dimension 1 (4) does not match input dimension 0 (5)}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih0, %w_hh, %w_ih1, %w_hh : memref<4x3xf32>, memref<4x4xf32>, memref<4x4xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<2x2x4xf32>) scratch(%scratch : memref<2x4x2x4xf32>) {hidden_size = 4 : i64, num_layers = 2 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_scratch_batch(%x: memref<5x2x3xf32>, %w_ih0: memref<4x3xf32>, %w_ih1: memref<4x4xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<2x2x4xf32>, %scratch: memref<2x5x1x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op scratch dimension 2 (1) does not match input dimension 1 (2)}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih0, %w_hh, %w_ih1, %w_hh : memref<4x3xf32>, memref<4x4xf32>, memref<4x4xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<2x2x4xf32>) scratch(%scratch : memref<2x5x1x4xf32>) {hidden_size = 4 : i64, num_layers = 2 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_scratch_width(%x: memref<5x2x3xf32>, %w_ih0: memref<4x3xf32>, %w_ih1: memref<4x4xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<2x2x4xf32>, %scratch: memref<2x5x2x8xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op scratch dimension 3 must be 4, got 8}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih0, %w_hh, %w_ih1, %w_hh : memref<4x3xf32>, memref<4x4xf32>, memref<4x4xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<2x2x4xf32>) scratch(%scratch : memref<2x5x2x8xf32>) {hidden_size = 4 : i64, num_layers = 2 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

//===----------------------------------------------------------------------===//
// rnn.stacked_rnn: type constraints and attributes
//===----------------------------------------------------------------------===//

func.func @stacked_rnn_f16_input(%x: memref<5x2x3xf16>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op operand #0 must be 3D memref of 32-bit float values, but got 'memref<5x2x3xf16>'}}
  rnn.stacked_rnn %x : memref<5x2x3xf16> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_batch_major_rank_2_input(%x: memref<5x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn' op operand #0 must be 3D memref of 32-bit float values, but got 'memref<5x3xf32>'}}
  rnn.stacked_rnn %x : memref<5x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_rnn_unknown_nonlinearity(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  // expected-error @+2 {{expected ::mlir::rnn::Nonlinearity to be one of: tanh, relu}}
  // expected-error @+1 {{failed to parse Rnn_NonlinearityAttr parameter 'value' which is to be a `::mlir::rnn::Nonlinearity`}}
  rnn.stacked_rnn %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>) {hidden_size = 4 : i64, num_layers = 1 : i64, nonlinearity = #rnn.nonlinearity<sigmoid>, bias = false}
  return
}

// -----

//===----------------------------------------------------------------------===//
// rnn.layer
//===----------------------------------------------------------------------===//

func.func @layer_bias_ih_without_bias_hh(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %b: memref<4xf32>, %y: memref<5x2x4xf32>, %state: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.layer' op requires both bias_ih and bias_hh or neither}}
  "rnn.layer"(%x, %w_ih, %w_hh, %b, %y, %state) <{operandSegmentSizes = array<i32: 1, 0, 1, 1, 1, 0, 1, 1, 0, 0>, nonlinearity = #rnn.nonlinearity<tanh>}> : (memref<5x2x3xf32>, memref<4x3xf32>, memref<4x4xf32>, memref<4xf32>, memref<5x2x4xf32>, memref<2x4xf32>) -> ()
  return
}

// -----

func.func @layer_weight_ih_rows(%x: memref<5x2x3xf32>, %w_ih: memref<5x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %state: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.layer' op weight_ih dimension 0 must be 4, got 5}}
  rnn.layer %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<5x3xf32>, memref<4x4xf32>) outs(%y, %state : memref<5x2x4xf32>, memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @layer_weight_ih_does_not_match_input(%x: memref<5x2x3xf32>, %w_ih: memref<4x2xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %state: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.layer' op weight_ih dimension 1 (2) does not match input dimension 2 (3)}}
  rnn.layer %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>) outs(%y, %state : memref<5x2x4xf32>, memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @layer_weight_hh_not_square(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x3xf32>, %y: memref<5x2x4xf32>, %state: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.layer' op weight_hh dimension 1 must be 4, got 3}}
  rnn.layer %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x3xf32>) outs(%y, %state : memref<5x2x4xf32>, memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @layer_bias_hh_size(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %b4: memref<4xf32>, %b5: memref<5xf32>, %y: memref<5x2x4xf32>, %state: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.layer' op bias_hh dimension 0 must be 4, got 5}}
  rnn.layer %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) bias(%b4, %b5 : memref<4xf32>, memref<5xf32>) outs(%y, %state : memref<5x2x4xf32>, memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @layer_output_seq_len(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<4x2x4xf32>, %state: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.layer' op output dimension 0 (4) does not match input dimension 0 (5)}}
  rnn.layer %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %state : memref<4x2x4xf32>, memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @layer_output_batch(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x1x4xf32>, %state: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.layer' op output dimension 1 (1) does not match input dimension 1 (2)}}
  rnn.layer %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %state : memref<5x1x4xf32>, memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

/// A layer writes one direction: (T, B, H), not the (T, B, 2H) buffer.
func.func @layer_output_is_whole_bidirectional_buffer(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x8xf32>, %state: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.layer' op output dimension 2 must be 4, got 8}}
  rnn.layer %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %state : memref<5x2x8xf32>, memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @layer_state_batch(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %state: memref<3x4xf32>) {
  // expected-error @+1 {{'rnn.layer' op state dimension 0 (3) does not match input dimension 1 (2)}}
  rnn.layer %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %state : memref<5x2x4xf32>, memref<3x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @layer_state_width(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %state: memref<2x5xf32>) {
  // expected-error @+1 {{'rnn.layer' op state dimension 1 must be 4, got 5}}
  rnn.layer %x : memref<5x2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %state : memref<5x2x4xf32>, memref<2x5xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @layer_lengths_batch(%x: memref<5x2x3xf32>, %len: memref<1xi64>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %state: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.layer' op lengths dimension 0 (1) does not match input dimension 1 (2)}}
  rnn.layer %x : memref<5x2x3xf32> lengths(%len : memref<1xi64>) weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %state : memref<5x2x4xf32>, memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @layer_rank_2_input(%x: memref<2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %state: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.layer' op operand #0 must be 3D memref of 32-bit float values, but got 'memref<2x3xf32>'}}
  rnn.layer %x : memref<2x3xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%y, %state : memref<5x2x4xf32>, memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

//===----------------------------------------------------------------------===//
// rnn.cell
//===----------------------------------------------------------------------===//

func.func @cell_bias_hh_without_bias_ih(%x_t: memref<2x3xf32>, %h: memref<2x4xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %b: memref<4xf32>, %h_t: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.cell' op requires both bias_ih and bias_hh or neither}}
  "rnn.cell"(%x_t, %h, %w_ih, %w_hh, %b, %h_t) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 1, 1>, nonlinearity = #rnn.nonlinearity<tanh>}> : (memref<2x3xf32>, memref<2x4xf32>, memref<4x3xf32>, memref<4x4xf32>, memref<4xf32>, memref<2x4xf32>) -> ()
  return
}

// -----

func.func @cell_weight_ih_rows(%x_t: memref<2x3xf32>, %h: memref<2x4xf32>, %w_ih: memref<3x3xf32>, %w_hh: memref<4x4xf32>, %h_t: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.cell' op weight_ih dimension 0 must be 4, got 3}}
  rnn.cell %x_t, %h : memref<2x3xf32>, memref<2x4xf32> weights(%w_ih, %w_hh : memref<3x3xf32>, memref<4x4xf32>) outs(%h_t : memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @cell_weight_ih_does_not_match_input(%x_t: memref<2x3xf32>, %h: memref<2x4xf32>, %w_ih: memref<4x4xf32>, %w_hh: memref<4x4xf32>, %h_t: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.cell' op weight_ih dimension 1 (4) does not match input dimension 1 (3)}}
  rnn.cell %x_t, %h : memref<2x3xf32>, memref<2x4xf32> weights(%w_ih, %w_hh : memref<4x4xf32>, memref<4x4xf32>) outs(%h_t : memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @cell_bias_ih_size(%x_t: memref<2x3xf32>, %h: memref<2x4xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %b3: memref<3xf32>, %b4: memref<4xf32>, %h_t: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.cell' op bias_ih dimension 0 must be 4, got 3}}
  rnn.cell %x_t, %h : memref<2x3xf32>, memref<2x4xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) bias(%b3, %b4 : memref<3xf32>, memref<4xf32>) outs(%h_t : memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @cell_hidden_batch(%x_t: memref<2x3xf32>, %h: memref<3x4xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %h_t: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.cell' op hidden dimension 0 (3) does not match input dimension 0 (2)}}
  rnn.cell %x_t, %h : memref<2x3xf32>, memref<3x4xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%h_t : memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @cell_hidden_width(%x_t: memref<2x3xf32>, %h: memref<2x5xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %h_t: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.cell' op hidden dimension 1 must be 4, got 5}}
  rnn.cell %x_t, %h : memref<2x3xf32>, memref<2x5xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%h_t : memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @cell_result_batch(%x_t: memref<2x3xf32>, %h: memref<2x4xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %h_t: memref<1x4xf32>) {
  // expected-error @+1 {{'rnn.cell' op result dimension 0 (1) does not match input dimension 0 (2)}}
  rnn.cell %x_t, %h : memref<2x3xf32>, memref<2x4xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%h_t : memref<1x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @cell_result_width(%x_t: memref<2x3xf32>, %h: memref<2x4xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %h_t: memref<2x3xf32>) {
  // expected-error @+1 {{'rnn.cell' op result dimension 1 must be 4, got 3}}
  rnn.cell %x_t, %h : memref<2x3xf32>, memref<2x4xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%h_t : memref<2x3xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

/// The cell reads all of `hidden` for every output element, so it cannot
/// update the state in place.
func.func @cell_result_aliases_hidden(%x_t: memref<2x3xf32>, %h: memref<2x4xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>) {
  // expected-error @+1 {{'rnn.cell' op result must not alias its inputs}}
  rnn.cell %x_t, %h : memref<2x3xf32>, memref<2x4xf32> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%h : memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @cell_f64_hidden(%x_t: memref<2x3xf32>, %h: memref<2x4xf64>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %h_t: memref<2x4xf32>) {
  // expected-error @+1 {{'rnn.cell' op operand #1 must be 2D memref of 32-bit float values, but got 'memref<2x4xf64>'}}
  rnn.cell %x_t, %h : memref<2x3xf32>, memref<2x4xf64> weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>) outs(%h_t : memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

//===----------------------------------------------------------------------===//
// rnn.commit_step
//===----------------------------------------------------------------------===//

func.func @commit_step_state_batch(%y_t: memref<2x4xf32>, %state: memref<3x4xf32>, %t: index) {
  // expected-error @+1 {{'rnn.commit_step' op state dimension 0 (3) does not match step_output dimension 0 (2)}}
  rnn.commit_step %y_t, %state at %t : memref<2x4xf32>, memref<3x4xf32>
  return
}

// -----

func.func @commit_step_state_width(%y_t: memref<2x4xf32>, %state: memref<2x5xf32>, %t: index) {
  // expected-error @+1 {{'rnn.commit_step' op state dimension 1 (5) does not match step_output dimension 1 (4)}}
  rnn.commit_step %y_t, %state at %t : memref<2x4xf32>, memref<2x5xf32>
  return
}

// -----

func.func @commit_step_lengths_batch(%y_t: memref<2x4xf32>, %state: memref<2x4xf32>, %t: index, %len: memref<3xi64>) {
  // expected-error @+1 {{'rnn.commit_step' op lengths dimension 0 (3) does not match step_output dimension 0 (2)}}
  rnn.commit_step %y_t, %state at %t lengths(%len : memref<3xi64>) : memref<2x4xf32>, memref<2x4xf32>
  return
}

// -----

func.func @commit_step_i32_lengths(%y_t: memref<2x4xf32>, %state: memref<2x4xf32>, %t: index, %len: memref<2xi32>) {
  // expected-error @+1 {{'rnn.commit_step' op operand #3 must be 1D memref of 64-bit signless integer values, but got 'memref<2xi32>'}}
  rnn.commit_step %y_t, %state at %t lengths(%len : memref<2xi32>) : memref<2x4xf32>, memref<2x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// rnn.embedding
//===----------------------------------------------------------------------===//

func.func @embedding_output_seq_len(%ids: memref<5x2xi64>, %table: memref<27x8xf32>, %emb: memref<4x2x8xf32>) {
  // expected-error @+1 {{'rnn.embedding' op output dimension 0 (4) does not match indices dimension 0 (5)}}
  rnn.embedding %ids, %table : memref<5x2xi64>, memref<27x8xf32> outs(%emb : memref<4x2x8xf32>)
  return
}

// -----

func.func @embedding_output_batch(%ids: memref<5x2xi64>, %table: memref<27x8xf32>, %emb: memref<5x3x8xf32>) {
  // expected-error @+1 {{'rnn.embedding' op output dimension 1 (3) does not match indices dimension 1 (2)}}
  rnn.embedding %ids, %table : memref<5x2xi64>, memref<27x8xf32> outs(%emb : memref<5x3x8xf32>)
  return
}

// -----

func.func @embedding_output_width(%ids: memref<5x2xi64>, %table: memref<27x8xf32>, %emb: memref<5x2x27xf32>) {
  // expected-error @+1 {{'rnn.embedding' op output dimension 2 (27) does not match weight dimension 1 (8)}}
  rnn.embedding %ids, %table : memref<5x2xi64>, memref<27x8xf32> outs(%emb : memref<5x2x27xf32>)
  return
}

// -----

func.func @embedding_float_indices(%ids: memref<5x2xf32>, %table: memref<27x8xf32>, %emb: memref<5x2x8xf32>) {
  // expected-error @+1 {{'rnn.embedding' op operand #0 must be 2D memref of 64-bit signless integer or 32-bit signless integer values, but got 'memref<5x2xf32>'}}
  rnn.embedding %ids, %table : memref<5x2xf32>, memref<27x8xf32> outs(%emb : memref<5x2x8xf32>)
  return
}

// -----

//===----------------------------------------------------------------------===//
// rnn.linear
//===----------------------------------------------------------------------===//

func.func @linear_output_rank(%in: memref<5x2x4xf32>, %w: memref<3x4xf32>, %out: memref<10x3xf32>) {
  // expected-error @+1 {{'rnn.linear' op output rank 2 does not match input rank 3}}
  rnn.linear %in, %w : memref<5x2x4xf32>, memref<3x4xf32> outs(%out : memref<10x3xf32>)
  return
}

// -----

func.func @linear_output_rows(%in: memref<2x4xf32>, %w: memref<3x4xf32>, %out: memref<1x3xf32>) {
  // expected-error @+1 {{'rnn.linear' op output dimension 0 (1) does not match input dimension 0 (2)}}
  rnn.linear %in, %w : memref<2x4xf32>, memref<3x4xf32> outs(%out : memref<1x3xf32>)
  return
}

// -----

func.func @linear_rank_3_output_batch(%in: memref<5x2x4xf32>, %w: memref<3x4xf32>, %out: memref<5x1x3xf32>) {
  // expected-error @+1 {{'rnn.linear' op output dimension 1 (1) does not match input dimension 1 (2)}}
  rnn.linear %in, %w : memref<5x2x4xf32>, memref<3x4xf32> outs(%out : memref<5x1x3xf32>)
  return
}

// -----

func.func @linear_weight_does_not_match_input(%in: memref<2x4xf32>, %w: memref<3x5xf32>, %out: memref<2x3xf32>) {
  // expected-error @+1 {{'rnn.linear' op weight dimension 1 (5) does not match input dimension 1 (4)}}
  rnn.linear %in, %w : memref<2x4xf32>, memref<3x5xf32> outs(%out : memref<2x3xf32>)
  return
}

// -----

func.func @linear_output_features(%in: memref<5x2x4xf32>, %w: memref<3x4xf32>, %out: memref<5x2x4xf32>) {
  // expected-error @+1 {{'rnn.linear' op output dimension 2 (4) does not match weight dimension 0 (3)}}
  rnn.linear %in, %w : memref<5x2x4xf32>, memref<3x4xf32> outs(%out : memref<5x2x4xf32>)
  return
}

// -----

func.func @linear_bias_size(%in: memref<2x4xf32>, %w: memref<3x4xf32>, %b: memref<4xf32>, %out: memref<2x3xf32>) {
  // expected-error @+1 {{'rnn.linear' op bias dimension 0 (4) does not match weight dimension 0 (3)}}
  rnn.linear %in, %w bias(%b : memref<4xf32>) : memref<2x4xf32>, memref<3x4xf32> outs(%out : memref<2x3xf32>)
  return
}

// -----

func.func @linear_rank_1_input(%in: memref<4xf32>, %w: memref<3x4xf32>, %out: memref<3xf32>) {
  // expected-error @+1 {{'rnn.linear' op operand #0 must be 2D/3D memref of 32-bit float values, but got 'memref<4xf32>'}}
  rnn.linear %in, %w : memref<4xf32>, memref<3x4xf32> outs(%out : memref<3xf32>)
  return
}

// -----

//===----------------------------------------------------------------------===//
// rnn.all_in_range
//===----------------------------------------------------------------------===//

func.func @all_in_range_float_values(%v: memref<?xf32>, %lo: i64, %hi: i64) -> i1 {
  // expected-error @+1 {{'rnn.all_in_range' op operand #0 must be 1D/2D memref of 64-bit signless integer or 32-bit signless integer values, but got 'memref<?xf32>'}}
  %ok = rnn.all_in_range %v in [%lo, %hi] : memref<?xf32>
  return %ok : i1
}

// -----

func.func @all_in_range_rank_3_values(%v: memref<?x?x?xi64>, %lo: i64, %hi: i64) -> i1 {
  // expected-error @+1 {{'rnn.all_in_range' op operand #0 must be 1D/2D memref of 64-bit signless integer or 32-bit signless integer values, but got 'memref<?x?x?xi64>'}}
  %ok = rnn.all_in_range %v in [%lo, %hi] : memref<?x?x?xi64>
  return %ok : i1
}

// -----

//===----------------------------------------------------------------------===//
// rnn.from_ptr
//===----------------------------------------------------------------------===//

func.func @from_ptr_static_size(%p: !llvm.ptr, %off: i64, %n: i64) -> memref<16xf32> {
  // expected-error @+1 {{'rnn.from_ptr' op result must be a dynamically sized memref with the identity layout in the default memory space, got 'memref<16xf32>'}}
  %m = rnn.from_ptr %p[%off], %n : memref<16xf32>
  return %m : memref<16xf32>
}

// -----

func.func @from_ptr_strided_layout(%p: !llvm.ptr, %off: i64, %n: i64) -> memref<?xf32, strided<[2]>> {
  // expected-error @+1 {{'rnn.from_ptr' op result must be a dynamically sized memref with the identity layout in the default memory space, got 'memref<?xf32, strided<[2]>>'}}
  %m = rnn.from_ptr %p[%off], %n : memref<?xf32, strided<[2]>>
  return %m : memref<?xf32, strided<[2]>>
}

// -----

/// The base pointer is in address space 0; a view in another memory space
/// would lower to a descriptor of the wrong pointer type.
func.func @from_ptr_memory_space(%p: !llvm.ptr, %off: i64, %n: i64) -> memref<?xf32, 1> {
  // expected-error @+1 {{'rnn.from_ptr' op result must be a dynamically sized memref with the identity layout in the default memory space, got 'memref<?xf32, 1>'}}
  %m = rnn.from_ptr %p[%off], %n : memref<?xf32, 1>
  return %m : memref<?xf32, 1>
}

// -----

func.func @from_ptr_rank_2(%p: !llvm.ptr, %off: i64, %n: i64) -> memref<?x?xf32> {
  // expected-error @+1 {{'rnn.from_ptr' op result #0 must be 1D memref of any type values, but got 'memref<?x?xf32>'}}
  %m = rnn.from_ptr %p[%off], %n : memref<?x?xf32>
  return %m : memref<?x?xf32>
}

// -----

func.func @mse_loss_rank_mismatch(%y: memref<?x1xf32>, %t: memref<?xf32>,
                                  %loss: memref<f32>) {
  // expected-error @+1 {{'rnn.mse_loss' op target rank 1 does not match prediction rank 2}}
  rnn.mse_loss %y, %t : memref<?x1xf32>, memref<?xf32> outs(%loss : memref<f32>)
  return
}

// -----

func.func @mse_loss_shape_mismatch(%y: memref<4x1xf32>, %t: memref<4x2xf32>,
                                   %loss: memref<f32>) {
  // expected-error @+1 {{'rnn.mse_loss' op target dimension 1 (2) does not match prediction dimension 1 (1)}}
  rnn.mse_loss %y, %t : memref<4x1xf32>, memref<4x2xf32> outs(%loss : memref<f32>)
  return
}

// -----

func.func @mse_loss_lengths_on_rows(%y: memref<?x1xf32>, %t: memref<?x1xf32>,
                                    %lengths: memref<?xi64>, %loss: memref<f32>) {
  // expected-error @+1 {{'rnn.mse_loss' op lengths require time-major operands of rank 3}}
  rnn.mse_loss %y, %t lengths(%lengths : memref<?xi64>)
      : memref<?x1xf32>, memref<?x1xf32> outs(%loss : memref<f32>)
  return
}

// -----

func.func @cross_entropy_target_rank(%logits: memref<?x5xf32>,
                                     %labels: memref<?x?xi64>,
                                     %loss: memref<f32>) {
  // expected-error @+1 {{'rnn.cross_entropy_loss' op target rank 2 must be one less than logits rank 2}}
  rnn.cross_entropy_loss %logits, %labels : memref<?x5xf32>, memref<?x?xi64>
      outs(%loss : memref<f32>)
  return
}

// -----

func.func @cross_entropy_batch_mismatch(%logits: memref<3x4x5xf32>,
                                        %labels: memref<3x2xi64>,
                                        %loss: memref<f32>) {
  // expected-error @+1 {{'rnn.cross_entropy_loss' op target dimension 1 (2) does not match logits dimension 1 (4)}}
  rnn.cross_entropy_loss %logits, %labels : memref<3x4x5xf32>, memref<3x2xi64>
      outs(%loss : memref<f32>)
  return
}

// -----

func.func @cross_entropy_float_labels(%logits: memref<?x5xf32>,
                                      %labels: memref<?xf32>,
                                      %loss: memref<f32>) {
  // expected-error @+1 {{'rnn.cross_entropy_loss' op operand #1 must be 1D/2D memref of 64-bit signless integer or 32-bit signless integer values, but got 'memref<?xf32>'}}
  rnn.cross_entropy_loss %logits, %labels : memref<?x5xf32>, memref<?xf32>
      outs(%loss : memref<f32>)
  return
}

// -----

func.func @matmul_depth_mismatch(%a: memref<?x8xf32>, %b: memref<7x16xf32>,
                                 %c: memref<?x16xf32>) {
  // expected-error @+1 {{'rnn.matmul' op rhs dimension 0 (7) does not match lhs dimension 1 (8)}}
  rnn.matmul %a, %b : memref<?x8xf32>, memref<7x16xf32>
      outs(%c : memref<?x16xf32>)
  return
}

// -----

func.func @matmul_rank_combination(%a: memref<?x?x8xf32>, %b: memref<4x8x16xf32>,
                                   %c: memref<?x?x16xf32>) {
  // expected-error @+1 {{'rnn.matmul' op expects lhs, rhs and result of ranks 2, 2, 2 (plain), 3, 2, 3 (time-major rows) or 3, 3, 2 (batch-reduce), got 3, 3, 3}}
  rnn.matmul %a, %b : memref<?x?x8xf32>, memref<4x8x16xf32>
      outs(%c : memref<?x?x16xf32>)
  return
}

// -----

func.func @matmul_time_major_rows(%a: memref<5x?x8xf32>, %b: memref<8x16xf32>,
                                  %c: memref<4x?x16xf32>) {
  // expected-error @+1 {{'rnn.matmul' op result dimension 0 (4) does not match lhs dimension 0 (5)}}
  rnn.matmul %a, %b : memref<5x?x8xf32>, memref<8x16xf32>
      outs(%c : memref<4x?x16xf32>)
  return
}

// -----

func.func @matmul_batch_reduce_steps(%a: memref<5x16x?xf32>,
                                     %b: memref<4x?x8xf32>,
                                     %c: memref<16x8xf32>) {
  // expected-error @+1 {{'rnn.matmul' op rhs dimension 0 (4) does not match lhs dimension 0 (5)}}
  rnn.matmul %a, %b : memref<5x16x?xf32>, memref<4x?x8xf32>
      outs(%c : memref<16x8xf32>)
  return
}

// -----

func.func @matmul_strided_rhs(%a: memref<?x8xf32>,
                              %b: memref<8x16xf32, strided<[1, 8]>>,
                              %c: memref<?x16xf32>) {
  // expected-error @+1 {{'rnn.matmul' op rhs must be contiguous along its last dimension (stride 1)}}
  rnn.matmul %a, %b : memref<?x8xf32>, memref<8x16xf32, strided<[1, 8]>>
      outs(%c : memref<?x16xf32>)
  return
}

// -----

func.func @matmul_bias_size(%a: memref<?x8xf32>, %b: memref<8x16xf32>,
                            %bias: memref<15xf32>, %c: memref<?x16xf32>) {
  // expected-error @+1 {{'rnn.matmul' op bias dimension 0 (15) does not match rhs dimension 1 (16)}}
  rnn.matmul %a, %b bias(%bias : memref<15xf32>)
      : memref<?x8xf32>, memref<8x16xf32> outs(%c : memref<?x16xf32>)
  return
}

// -----

func.func @matmul_alias(%a: memref<16x16xf32>, %b: memref<16x16xf32>) {
  // expected-error @+1 {{'rnn.matmul' op result must not alias lhs or rhs}}
  rnn.matmul %a, %b : memref<16x16xf32>, memref<16x16xf32>
      outs(%a : memref<16x16xf32>)
  return
}

// -----

func.func @matmul_pair_dynamic(%h: memref<?x16xf32>, %wt: memref<16x32xf32>,
                               %y: memref<?x32xf32>, %x: memref<4x24xf32>,
                               %wt_ih: memref<24x8xf32>, %p: memref<4x8xf32>) {
  // expected-error @+1 {{'rnn.matmul_pair' op lhs must have a static shape}}
  rnn.matmul_pair %h, %wt : memref<?x16xf32>, memref<16x32xf32>
      outs(%y : memref<?x32xf32>)
      other %x, %wt_ih : memref<4x24xf32>, memref<24x8xf32>
      outs(%p : memref<4x8xf32>)
  return
}

// -----

func.func @matmul_pair_other_depth(%h: memref<1x16xf32>,
                                   %wt: memref<16x32xf32>,
                                   %y: memref<1x32xf32>, %x: memref<4x24xf32>,
                                   %wt_ih: memref<16x8xf32>,
                                   %p: memref<4x8xf32>) {
  // expected-error @+1 {{'rnn.matmul_pair' op other_rhs dimension 0 (16) does not match other_lhs dimension 1 (24)}}
  rnn.matmul_pair %h, %wt : memref<1x16xf32>, memref<16x32xf32>
      outs(%y : memref<1x32xf32>)
      other %x, %wt_ih : memref<4x24xf32>, memref<16x8xf32>
      outs(%p : memref<4x8xf32>)
  return
}

// -----

func.func @matmul_pair_bias(%h: memref<1x16xf32>, %wt: memref<16x32xf32>,
                            %y: memref<1x32xf32>, %x: memref<4x24xf32>,
                            %wt_ih: memref<24x8xf32>, %b: memref<16xf32>,
                            %p: memref<4x8xf32>) {
  // expected-error @+1 {{'rnn.matmul_pair' op other_bias dimension 0 (16) does not match other_rhs dimension 1 (8)}}
  rnn.matmul_pair %h, %wt : memref<1x16xf32>, memref<16x32xf32>
      outs(%y : memref<1x32xf32>)
      other %x, %wt_ih bias(%b : memref<16xf32>)
      : memref<4x24xf32>, memref<24x8xf32> outs(%p : memref<4x8xf32>)
  return
}

// -----

func.func @matmul_pair_strided_result(
    %h: memref<1x16xf32>, %wt: memref<16x32xf32>,
    %y: memref<1x32xf32, strided<[64, 2]>>, %x: memref<4x24xf32>,
    %wt_ih: memref<24x8xf32>, %p: memref<4x8xf32>) {
  // expected-error @+1 {{'rnn.matmul_pair' op result must be contiguous along its last dimension (stride 1)}}
  rnn.matmul_pair %h, %wt : memref<1x16xf32>, memref<16x32xf32>
      outs(%y : memref<1x32xf32, strided<[64, 2]>>)
      other %x, %wt_ih : memref<4x24xf32>, memref<24x8xf32>
      outs(%p : memref<4x8xf32>)
  return
}

// -----

func.func @matmul_pair_alias(%h: memref<1x16xf32>, %wt: memref<16x16xf32>,
                             %wt_ih: memref<16x16xf32>) {
  // expected-error @+1 {{'rnn.matmul_pair' op results must not alias each other or an operand}}
  rnn.matmul_pair %h, %wt : memref<1x16xf32>, memref<16x16xf32>
      outs(%h : memref<1x16xf32>)
      other %wt, %wt_ih : memref<16x16xf32>, memref<16x16xf32>
      outs(%wt_ih : memref<16x16xf32>)
  return
}

// -----

func.func @layer_transposed_weight_shape(
    %x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>,
    %y: memref<5x2x4xf32>, %state: memref<2x4xf32>,
    %wt_ih: memref<4x3xf32>, %wt_hh: memref<4x4xf32>) {
  // expected-error @+1 {{'rnn.layer' op transposed weight_ih dimension 0 (4) does not match weight_ih dimension 1 (3)}}
  rnn.layer %x : memref<5x2x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<5x2x4xf32>, memref<2x4xf32>)
      transposed_weights(%wt_ih, %wt_hh : memref<4x3xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

func.func @stacked_weight_scratch_too_small(
    %x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>,
    %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>, %ws: memref<100xf32>) {
  // The forward layout (transposed) needs 224 floats, the backward's 256.
  // expected-error @+1 {{'rnn.stacked_rnn' op weight_scratch must hold at least 256 floats, got 100}}
  rnn.stacked_rnn %x : memref<5x2x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>)
      weight_scratch(%ws : memref<100xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @stacked_grad_weight_scratch_too_small(
    %x: memref<5x2x3xf32>, %h0: memref<1x2x4xf32>, %w_ih: memref<4x3xf32>,
    %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>,
    %dy: memref<5x2x4xf32>, %dh_n: memref<1x2x4xf32>,
    %dw_ih: memref<4x3xf32>, %dw_hh: memref<4x4xf32>,
    %dh0: memref<1x2x4xf32>, %ws: memref<255xf32>) {
  // expected-error @+1 {{'rnn.stacked_rnn_grad' op weight_scratch must hold at least 256 floats, got 255}}
  rnn.stacked_rnn_grad %x : memref<5x2x3xf32> h0(%h0 : memref<1x2x4xf32>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outputs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>)
      grads(%dy, %dh_n : memref<5x2x4xf32>, memref<1x2x4xf32>)
      weight_grads(%dw_ih, %dw_hh : memref<4x3xf32>, memref<4x4xf32>)
      h0_grad(%dh0 : memref<1x2x4xf32>)
      weight_scratch(%ws : memref<255xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @sum_rows_no_outputs(%g: memref<5x2x4xf32>) {
  // expected-error @+1 {{'rnn.sum_rows' op expects at least one output}}
  "rnn.sum_rows"(%g) : (memref<5x2x4xf32>) -> ()
  return
}

// -----

func.func @sum_rows_wrong_size(%g: memref<5x2x4xf32>, %db: memref<3xf32>) {
  // expected-error @+1 {{'rnn.sum_rows' op expects outputs of the input's 4 columns, got 3}}
  rnn.sum_rows %g : memref<5x2x4xf32> outs(%db : memref<3xf32>)
  return
}

// -----

func.func @sum_rows_same_output_twice(%g: memref<?x4xf32>, %db: memref<4xf32>) {
  // expected-error @+1 {{'rnn.sum_rows' op expects distinct outputs}}
  rnn.sum_rows %g : memref<?x4xf32> outs(%db, %db : memref<4xf32>, memref<4xf32>)
  return
}

// -----

func.func @stacked_grad_condition_without_input_grad(
    %x: memref<5x2x3xf32>, %h0: memref<1x2x4xf32>, %w_ih: memref<4x3xf32>,
    %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>,
    %dy: memref<5x2x4xf32>, %dh_n: memref<1x2x4xf32>,
    %dw_ih: memref<4x3xf32>, %dw_hh: memref<4x4xf32>,
    %dh0: memref<1x2x4xf32>, %wanted: i1) {
  // expected-error @+1 {{'rnn.stacked_rnn_grad' op has an input_grad condition but no input_grad}}
  rnn.stacked_rnn_grad %x : memref<5x2x3xf32> h0(%h0 : memref<1x2x4xf32>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outputs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>)
      grads(%dy, %dh_n : memref<5x2x4xf32>, memref<1x2x4xf32>)
      when(%wanted)
      weight_grads(%dw_ih, %dw_hh : memref<4x3xf32>, memref<4x4xf32>)
      h0_grad(%dh0 : memref<1x2x4xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

func.func @layer_grad_condition_without_input_grad(
    %x: memref<5x2x3xf32>, %h0: memref<2x4xf32>, %w_ih: memref<4x3xf32>,
    %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %dy: memref<5x2x4xf32>,
    %dh: memref<2x4xf32>, %dw_ih: memref<4x3xf32>, %dw_hh: memref<4x4xf32>,
    %wanted: i1) {
  // expected-error @+1 {{'rnn.layer_grad' op has an input_grad condition but no input_grad}}
  rnn.layer_grad %x : memref<5x2x3xf32> h0(%h0 : memref<2x4xf32>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      output(%y : memref<5x2x4xf32>)
      grads(%dy, %dh : memref<5x2x4xf32>, memref<2x4xf32>)
      when(%wanted)
      weight_grads(%dw_ih, %dw_hh : memref<4x3xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// RUN: rnn-opt %s --rnn-expand-stacked -split-input-file | FileCheck %s --implicit-check-not=rnn.stacked_rnn

/// rnn-expand-stacked splits rnn.stacked_rnn into one rnn.layer per layer
/// and direction, in PyTorch's order. Checked here: which buffer each layer
/// reads and writes (the model input, the alternating scratch halves, the
/// forward or reverse half of the output), which h_n row carries its state
/// and how that row is initialized (copy from h0, or zero fill), and that
/// lengths, biases and the nonlinearity are forwarded unchanged.
///
/// (The `layers-created` statistic is not checked: LLVM 22 here is built
/// without LLVM_ENABLE_STATS, so --mlir-pass-statistics prints nothing.)

// CHECK-LABEL: func @one_layer_unidirectional
// CHECK-SAME:    (%[[X:[^:]*]]: memref<5x2x3xf32>, %[[W_IH:[^:]*]]: memref<4x3xf32>, %[[W_HH:[^:]*]]: memref<4x4xf32>, %[[Y:[^:]*]]: memref<5x2x4xf32>, %[[H_N:[^:]*]]: memref<1x2x4xf32>)
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[STATE:.*]] = memref.subview %[[H_N]][0, 0, 0] [1, 2, 4] [1, 1, 1]
// CHECK:         linalg.fill ins(%[[ZERO]] : f32) outs(%[[STATE]] :
// CHECK:         %[[OUT:.*]] = memref.subview %[[Y]][0, 0, 0] [5, 2, 4] [1, 1, 1]
// CHECK:         rnn.layer %[[X]] : memref<5x2x3xf32>
// CHECK-SAME:      weights(%[[W_IH]], %[[W_HH]] :
// CHECK-SAME:      outs(%[[OUT]], %[[STATE]] :
// CHECK-SAME:      {nonlinearity = #rnn.nonlinearity<relu>}
// CHECK-NOT:     rnn.layer
// CHECK:         return
func.func @one_layer_unidirectional(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<1x2x4xf32>) {
  rnn.stacked_rnn %x : memref<5x2x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<5x2x4xf32>, memref<1x2x4xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<relu>, bias = false}
  return
}

// -----

/// Three layers: layer 0 writes scratch half 0, layer 1 reads half 0 and
/// writes half 1, layer 2 reads half 1 and writes the output. Layer l keeps
/// its state in row l of h_n.

// CHECK-LABEL: func @three_layers_unidirectional
// CHECK-SAME:    (%[[X:[^:]*]]: memref<5x2x3xf32>, %[[W_IH0:[^:]*]]: memref<4x3xf32>, %[[W_IH:[^:]*]]: memref<4x4xf32>, %[[W_HH:[^:]*]]: memref<4x4xf32>, %[[Y:[^:]*]]: memref<5x2x4xf32>, %[[H_N:[^:]*]]: memref<3x2x4xf32>, %[[SCRATCH:[^:]*]]: memref<2x5x2x4xf32>)
// CHECK-DAG:     %[[HALF0:.*]] = memref.subview %[[SCRATCH]][0, 0, 0, 0] [1, 5, 2, 4] [1, 1, 1, 1]
// CHECK-DAG:     %[[STATE0:.*]] = memref.subview %[[H_N]][0, 0, 0] [1, 2, 4]
// CHECK:         %[[OUT0:.*]] = memref.subview %[[HALF0]][0, 0, 0] [5, 2, 4]
// CHECK:         rnn.layer %[[X]] : {{.*}} weights(%[[W_IH0]], %[[W_HH]] : {{.*}} outs(%[[OUT0]], %[[STATE0]] :
// CHECK:         %[[HALF1:.*]] = memref.subview %[[SCRATCH]][1, 0, 0, 0] [1, 5, 2, 4] [1, 1, 1, 1]
// CHECK:         %[[STATE1:.*]] = memref.subview %[[H_N]][1, 0, 0] [1, 2, 4]
// CHECK:         %[[OUT1:.*]] = memref.subview %[[HALF1]][0, 0, 0] [5, 2, 4]
// CHECK:         rnn.layer %[[HALF0]] : {{.*}} weights(%[[W_IH]], %[[W_HH]] : {{.*}} outs(%[[OUT1]], %[[STATE1]] :
// CHECK:         %[[STATE2:.*]] = memref.subview %[[H_N]][2, 0, 0] [1, 2, 4]
// CHECK:         %[[OUT2:.*]] = memref.subview %[[Y]][0, 0, 0] [5, 2, 4]
// CHECK:         rnn.layer %[[HALF1]] : {{.*}} weights(%[[W_IH]], %[[W_HH]] : {{.*}} outs(%[[OUT2]], %[[STATE2]] :
// CHECK-NOT:     rnn.layer
// CHECK:         return
func.func @three_layers_unidirectional(%x: memref<5x2x3xf32>, %w_ih0: memref<4x3xf32>, %w_ih: memref<4x4xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %h_n: memref<3x2x4xf32>, %scratch: memref<2x5x2x4xf32>) {
  rnn.stacked_rnn %x : memref<5x2x3xf32>
      weights(%w_ih0, %w_hh, %w_ih, %w_hh, %w_ih, %w_hh
              : memref<4x3xf32>, memref<4x4xf32>, memref<4x4xf32>,
                memref<4x4xf32>, memref<4x4xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<5x2x4xf32>, memref<3x2x4xf32>)
      scratch(%scratch : memref<2x5x2x4xf32>)
      {hidden_size = 4 : i64, num_layers = 3 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

/// One bidirectional layer: the forward direction writes output columns
/// [0, H) and h_n row 0; the reverse direction, with its own parameters,
/// writes columns [H, 2H) and h_n row 1.

// CHECK-LABEL: func @bidirectional
// CHECK-SAME:    (%[[X:[^:]*]]: memref<5x?x3xf32>, %[[W_IH_F:[^:]*]]: memref<4x3xf32>, %[[W_HH_F:[^:]*]]: memref<4x4xf32>, %[[W_IH_R:[^:]*]]: memref<4x3xf32>, %[[W_HH_R:[^:]*]]: memref<4x4xf32>, %[[Y:[^:]*]]: memref<5x?x8xf32>, %[[H_N:[^:]*]]: memref<2x?x4xf32>)
// CHECK:         %[[BATCH:.*]] = memref.dim %[[X]], %{{.*}} : memref<5x?x3xf32>
// CHECK:         %[[STATE_F:.*]] = memref.subview %[[H_N]][0, 0, 0] [1, %[[BATCH]], 4]
// CHECK:         %[[OUT_F:.*]] = memref.subview %[[Y]][0, 0, 0] [5, %[[BATCH]], 4] [1, 1, 1] : memref<5x?x8xf32> to memref<5x?x4xf32, strided<[?, 8, 1]>>
// CHECK:         rnn.layer %[[X]] : {{.*}} weights(%[[W_IH_F]], %[[W_HH_F]] : {{.*}} outs(%[[OUT_F]], %[[STATE_F]] :
// CHECK-SAME:      {nonlinearity = #rnn.nonlinearity<tanh>}
// CHECK:         %[[STATE_R:.*]] = memref.subview %[[H_N]][1, 0, 0] [1, %[[BATCH]], 4]
// CHECK:         %[[OUT_R:.*]] = memref.subview %[[Y]][0, 0, 4] [5, %[[BATCH]], 4] [1, 1, 1] : memref<5x?x8xf32> to memref<5x?x4xf32, strided<[?, 8, 1], offset: 4>>
// CHECK:         rnn.layer %[[X]] : {{.*}} weights(%[[W_IH_R]], %[[W_HH_R]] : {{.*}} outs(%[[OUT_R]], %[[STATE_R]] :
// CHECK-SAME:      {nonlinearity = #rnn.nonlinearity<tanh>, reverse}
func.func @bidirectional(%x: memref<5x?x3xf32>, %w_ih_f: memref<4x3xf32>, %w_hh_f: memref<4x4xf32>, %w_ih_r: memref<4x3xf32>, %w_hh_r: memref<4x4xf32>, %y: memref<5x?x8xf32>, %h_n: memref<2x?x4xf32>) {
  rnn.stacked_rnn %x : memref<5x?x3xf32>
      weights(%w_ih_f, %w_hh_f, %w_ih_r, %w_hh_r
              : memref<4x3xf32>, memref<4x4xf32>, memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<5x?x8xf32>, memref<2x?x4xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false, bidirectional}
  return
}

// -----

/// With h0, each layer's h_n row is copied from the same row of h0 (no
/// zero fill); lengths and biases reach every layer.

// CHECK-LABEL: func @h0_lengths_and_bias
// CHECK-SAME:    (%[[X:[^:]*]]: memref<5x2x3xf32>, %[[LEN:[^:]*]]: memref<2xi64>, %[[H0:[^:]*]]: memref<2x2x4xf32>, %[[W_IH:[^:]*]]: memref<4x3xf32>, %[[W_HH:[^:]*]]: memref<4x4xf32>, %[[B_IH:[^:]*]]: memref<4xf32>, %[[B_HH:[^:]*]]: memref<4xf32>, %[[Y:[^:]*]]: memref<5x2x8xf32>, %[[H_N:[^:]*]]: memref<2x2x4xf32>)
// CHECK-NOT:     linalg.fill
// CHECK:         %[[STATE_F:.*]] = memref.subview %[[H_N]][0, 0, 0] [1, 2, 4]
// CHECK:         %[[INIT_F:.*]] = memref.subview %[[H0]][0, 0, 0] [1, 2, 4]
// CHECK:         linalg.copy ins(%[[INIT_F]] : {{.*}}) outs(%[[STATE_F]] :
// CHECK:         rnn.layer %[[X]] : memref<5x2x3xf32> lengths(%[[LEN]] : memref<2xi64>)
// CHECK-SAME:      weights(%[[W_IH]], %[[W_HH]] :
// CHECK-SAME:      bias(%[[B_IH]], %[[B_HH]] :
// CHECK-SAME:      outs(%{{.*}}, %[[STATE_F]] :
// CHECK:         %[[STATE_R:.*]] = memref.subview %[[H_N]][1, 0, 0] [1, 2, 4]
// CHECK:         %[[INIT_R:.*]] = memref.subview %[[H0]][1, 0, 0] [1, 2, 4]
// CHECK:         linalg.copy ins(%[[INIT_R]] : {{.*}}) outs(%[[STATE_R]] :
// CHECK:         rnn.layer %[[X]] : memref<5x2x3xf32> lengths(%[[LEN]] : memref<2xi64>)
// CHECK-SAME:      bias(%[[B_IH]], %[[B_HH]] :
// CHECK-SAME:      outs(%{{.*}}, %[[STATE_R]] :
// CHECK-SAME:      reverse
// CHECK-NOT:     linalg.fill
func.func @h0_lengths_and_bias(%x: memref<5x2x3xf32>, %len: memref<2xi64>, %h0: memref<2x2x4xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %b_ih: memref<4xf32>, %b_hh: memref<4xf32>, %y: memref<5x2x8xf32>, %h_n: memref<2x2x4xf32>) {
  rnn.stacked_rnn %x : memref<5x2x3xf32> lengths(%len : memref<2xi64>)
      h0(%h0 : memref<2x2x4xf32>)
      weights(%w_ih, %w_hh, %b_ih, %b_hh, %w_ih, %w_hh, %b_ih, %b_hh
              : memref<4x3xf32>, memref<4x4xf32>, memref<4xf32>, memref<4xf32>,
                memref<4x3xf32>, memref<4x4xf32>, memref<4xf32>, memref<4xf32>)
      outs(%y, %h_n : memref<5x2x8xf32>, memref<2x2x4xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = true, bidirectional}
  return
}

// -----

/// Nothing to expand: a step-level layer is left alone.

// CHECK-LABEL: func @negative_layer_is_untouched
// CHECK-NOT:     memref.subview
// CHECK-NOT:     linalg.
// CHECK:         rnn.layer
// CHECK-NEXT:    return
func.func @negative_layer_is_untouched(%x: memref<5x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>, %state: memref<2x4xf32>) {
  rnn.layer %x : memref<5x2x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<5x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

/// With weight_scratch, each layer and direction takes the next matrices of
/// it for its transposed weights, in parameter order: (I, H) then (H, H),
/// each row padded to 32 floats for H = 4 (getPaddedWeightStride).
/// Layer 0 forward: W_ih^T at 0 (3 rows), W_hh^T at 96 (4 rows); layer 0
/// reverse from 224; layer 1 (input 8 = 2H) from 448.

// CHECK-LABEL: func @weight_scratch
// CHECK-SAME:    %[[WS:[a-z0-9_]+]]: memref<1344xf32>
// CHECK:         %[[F_IH:[a-z0-9_]+]] = memref.subview %[[WS]][0] [96] [1]
// CHECK:         %[[F_IH_2D:[a-z0-9_]+]] = memref.expand_shape %[[F_IH]] {{\[}}[0, 1]] output_shape [3, 32]
// CHECK:         %[[F_IH_T:[a-z0-9_]+]] = memref.subview %[[F_IH_2D]][0, 0] [3, 4] [1, 1] : memref<3x32xf32{{.*}}> to memref<3x4xf32, strided<[32, 1]{{.*}}>>
// CHECK:         memref.subview %[[WS]][96] [128] [1]
// CHECK:         rnn.layer {{.*}} transposed_weights(%[[F_IH_T]], %{{.*}} : memref<3x4xf32, strided<[32, 1]{{.*}}>>, memref<4x4xf32, strided<[32, 1]{{.*}}>>)
// CHECK:         memref.subview %[[WS]][224] [96] [1]
// CHECK:         memref.subview %[[WS]][320] [128] [1]
// CHECK:         rnn.layer {{.*}} transposed_weights({{.*}}) {nonlinearity = #rnn.nonlinearity<tanh>, reverse}
// CHECK:         memref.subview %[[WS]][448] [256] [1]
// CHECK:         memref.subview %[[WS]][704] [128] [1]
// CHECK:         rnn.layer {{.*}} transposed_weights({{.*}} : memref<8x4xf32, strided<[32, 1]{{.*}}>>, memref<4x4xf32, strided<[32, 1]{{.*}}>>)
// CHECK:         memref.subview %[[WS]][832] [256] [1]
// CHECK:         memref.subview %[[WS]][1088] [128] [1]
// CHECK:         rnn.layer
func.func @weight_scratch(
    %x: memref<5x?x3xf32>,
    %w_ih0: memref<4x3xf32>, %w_hh0: memref<4x4xf32>,
    %w_ih0r: memref<4x3xf32>, %w_hh0r: memref<4x4xf32>,
    %w_ih1: memref<4x8xf32>, %w_hh1: memref<4x4xf32>,
    %w_ih1r: memref<4x8xf32>, %w_hh1r: memref<4x4xf32>,
    %y: memref<5x?x8xf32>, %h_n: memref<4x?x4xf32>,
    %scratch: memref<2x5x?x8xf32>, %ws: memref<1344xf32>) {
  rnn.stacked_rnn %x : memref<5x?x3xf32>
      weights(%w_ih0, %w_hh0, %w_ih0r, %w_hh0r, %w_ih1, %w_hh1, %w_ih1r,
              %w_hh1r : memref<4x3xf32>, memref<4x4xf32>, memref<4x3xf32>,
              memref<4x4xf32>, memref<4x8xf32>, memref<4x4xf32>,
              memref<4x8xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<5x?x8xf32>, memref<4x?x4xf32>)
      scratch(%scratch : memref<2x5x?x8xf32>)
      weight_scratch(%ws : memref<1344xf32>)
      {hidden_size = 4 : i64, num_layers = 2 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false, bidirectional}
  return
}

// -----

/// The backward expands from the last layer down. With weight_scratch, each
/// layer's backward reads copies of its weights with rows padded to 32
/// floats (getPaddedWeightStride): layer 1's W_ih at 0 and W_hh at 128,
/// layer 0's W_hh at 256. Without an input gradient nothing reads layer 0's
/// W_ih, which is neither copied nor given a slot of the scratch.

// CHECK-LABEL: func @grad_weight_scratch
// CHECK-SAME:    %[[W_IH0:[a-z0-9_]+]]: memref<4x3xf32>, %[[W_HH0:[a-z0-9_]+]]: memref<4x4xf32>,
// CHECK-SAME:    %[[W_IH1:[a-z0-9_]+]]: memref<4x4xf32>, %[[W_HH1:[a-z0-9_]+]]: memref<4x4xf32>,
// CHECK-SAME:    %[[WS:[a-z0-9_]+]]: memref<512xf32>
// CHECK:         %[[IH1_FLAT:[a-z0-9_]+]] = memref.subview %[[WS]][0] [128] [1]
// CHECK:         %[[IH1_2D:[a-z0-9_]+]] = memref.expand_shape %[[IH1_FLAT]] {{\[}}[0, 1]] output_shape [4, 32]
// CHECK:         %[[IH1:[a-z0-9_]+]] = memref.subview %[[IH1_2D]][0, 0] [4, 4] [1, 1] : memref<4x32xf32{{.*}}> to memref<4x4xf32, strided<[32, 1]{{.*}}>>
// CHECK:         linalg.copy ins(%[[W_IH1]] : memref<4x4xf32>) outs(%[[IH1]] :
// CHECK:         memref.subview %[[WS]][128] [128] [1]
// CHECK:         %[[HH1:[a-z0-9_]+]] = memref.subview
// CHECK:         linalg.copy ins(%[[W_HH1]] : memref<4x4xf32>) outs(%[[HH1]] :
// CHECK:         rnn.layer_grad {{.*}} weights(%[[IH1]], %[[HH1]] : memref<4x4xf32, strided<[32, 1]{{.*}}>>, memref<4x4xf32, strided<[32, 1]{{.*}}>>)
// CHECK-NOT:     linalg.copy ins(%[[W_IH0]]
// CHECK:         memref.subview %[[WS]][256] [128] [1]
// CHECK:         %[[HH0:[a-z0-9_]+]] = memref.subview {{.*}} to memref<4x4xf32, strided<[32, 1], offset: 256>>
// CHECK:         linalg.copy ins(%[[W_HH0]] : memref<4x4xf32>) outs(%[[HH0]] :
// CHECK:         rnn.layer_grad {{.*}} weights(%[[W_IH0]], %[[HH0]] : memref<4x3xf32>, memref<4x4xf32, strided<[32, 1]{{.*}}>>)
func.func @grad_weight_scratch(
    %x: memref<5x?x3xf32>, %h0: memref<2x?x4xf32>,
    %w_ih0: memref<4x3xf32>, %w_hh0: memref<4x4xf32>,
    %w_ih1: memref<4x4xf32>, %w_hh1: memref<4x4xf32>,
    %ws: memref<512xf32>,
    %y: memref<5x?x4xf32>, %h_n: memref<2x?x4xf32>,
    %scratch: memref<1x5x?x4xf32>, %dy: memref<5x?x4xf32>,
    %dh_n: memref<2x?x4xf32>, %d_scratch: memref<1x5x?x4xf32>,
    %dw_ih0: memref<4x3xf32>, %dw_hh0: memref<4x4xf32>,
    %dw_ih1: memref<4x4xf32>, %dw_hh1: memref<4x4xf32>,
    %dh0: memref<2x?x4xf32>) {
  rnn.stacked_rnn_grad %x : memref<5x?x3xf32> h0(%h0 : memref<2x?x4xf32>)
      weights(%w_ih0, %w_hh0, %w_ih1, %w_hh1 : memref<4x3xf32>,
              memref<4x4xf32>, memref<4x4xf32>, memref<4x4xf32>)
      outputs(%y, %h_n : memref<5x?x4xf32>, memref<2x?x4xf32>)
      scratch(%scratch : memref<1x5x?x4xf32>)
      grads(%dy, %dh_n : memref<5x?x4xf32>, memref<2x?x4xf32>)
      scratch_grad(%d_scratch : memref<1x5x?x4xf32>)
      weight_grads(%dw_ih0, %dw_hh0, %dw_ih1, %dw_hh1 : memref<4x3xf32>,
                   memref<4x4xf32>, memref<4x4xf32>, memref<4x4xf32>)
      h0_grad(%dh0 : memref<2x?x4xf32>)
      weight_scratch(%ws : memref<512xf32>)
      {hidden_size = 4 : i64, num_layers = 2 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

/// A conditional input gradient is layer 0's alone: both of its directions
/// get the condition, layer 1 (whose input gradient is layer 0's output
/// gradient, always needed) does not.

// CHECK-LABEL: func @conditional_input_grad
// CHECK-SAME:    %[[WANTED:[a-z0-9_]+]]: i1
// CHECK-COUNT-2: rnn.layer_grad {{.*}} input_grad(%{{.*}} : memref<5x?x8xf32, strided<[?, 8, 1]>>) weight_grads(
// CHECK-COUNT-2: rnn.layer_grad {{.*}} input_grad(%{{.*}} : memref<5x?x3xf32>) when(%[[WANTED]]) weight_grads(
func.func @conditional_input_grad(
    %x: memref<5x?x3xf32>, %dx: memref<5x?x3xf32>, %wanted: i1,
    %h0: memref<4x?x4xf32>,
    %w_ih0: memref<4x3xf32>, %w_hh0: memref<4x4xf32>,
    %w_ih0r: memref<4x3xf32>, %w_hh0r: memref<4x4xf32>,
    %w_ih1: memref<4x8xf32>, %w_hh1: memref<4x4xf32>,
    %w_ih1r: memref<4x8xf32>, %w_hh1r: memref<4x4xf32>,
    %y: memref<5x?x8xf32>, %h_n: memref<4x?x4xf32>,
    %scratch: memref<1x5x?x8xf32>, %dy: memref<5x?x8xf32>,
    %dh_n: memref<4x?x4xf32>, %d_scratch: memref<1x5x?x8xf32>,
    %dw_ih0: memref<4x3xf32>, %dw_hh0: memref<4x4xf32>,
    %dw_ih0r: memref<4x3xf32>, %dw_hh0r: memref<4x4xf32>,
    %dw_ih1: memref<4x8xf32>, %dw_hh1: memref<4x4xf32>,
    %dw_ih1r: memref<4x8xf32>, %dw_hh1r: memref<4x4xf32>,
    %dh0: memref<4x?x4xf32>) {
  rnn.stacked_rnn_grad %x : memref<5x?x3xf32> h0(%h0 : memref<4x?x4xf32>)
      weights(%w_ih0, %w_hh0, %w_ih0r, %w_hh0r, %w_ih1, %w_hh1, %w_ih1r, %w_hh1r
              : memref<4x3xf32>, memref<4x4xf32>, memref<4x3xf32>, memref<4x4xf32>,
                memref<4x8xf32>, memref<4x4xf32>, memref<4x8xf32>, memref<4x4xf32>)
      outputs(%y, %h_n : memref<5x?x8xf32>, memref<4x?x4xf32>)
      scratch(%scratch : memref<1x5x?x8xf32>)
      grads(%dy, %dh_n : memref<5x?x8xf32>, memref<4x?x4xf32>)
      scratch_grad(%d_scratch : memref<1x5x?x8xf32>)
      input_grad(%dx : memref<5x?x3xf32>) when(%wanted)
      weight_grads(%dw_ih0, %dw_hh0, %dw_ih0r, %dw_hh0r, %dw_ih1, %dw_hh1, %dw_ih1r, %dw_hh1r
                   : memref<4x3xf32>, memref<4x4xf32>, memref<4x3xf32>, memref<4x4xf32>,
                     memref<4x8xf32>, memref<4x4xf32>, memref<4x8xf32>, memref<4x4xf32>)
      h0_grad(%dh0 : memref<4x?x4xf32>)
      {hidden_size = 4 : i64, num_layers = 2 : i64, bidirectional,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// -----

/// A conditional input gradient: layer 0's W_ih is copied for the backward
/// only when the caller asked for the input gradient (the one product that
/// reads it); W_hh always.

// CHECK-LABEL: func @grad_weight_scratch_conditional_input_grad
// CHECK-SAME:    %[[WANTED:[a-z0-9_]+]]: i1
// CHECK-SAME:    %[[W_IH:[a-z0-9_]+]]: memref<4x3xf32>, %[[W_HH:[a-z0-9_]+]]: memref<4x4xf32>,
// CHECK:         %[[IH:[a-z0-9_]+]] = memref.subview {{.*}} : memref<4x32xf32{{.*}}> to memref<4x3xf32, strided<[32, 1]>>
// CHECK:         scf.if %[[WANTED]] {
// CHECK-NEXT:      linalg.copy ins(%[[W_IH]] : memref<4x3xf32>) outs(%[[IH]] :
// CHECK-NEXT:    }
// CHECK-NOT:     scf.if
// CHECK:         %[[HH:[a-z0-9_]+]] = memref.subview {{.*}} to memref<4x4xf32, strided<[32, 1], offset: 128>>
// CHECK:         linalg.copy ins(%[[W_HH]] : memref<4x4xf32>) outs(%[[HH]] :
// CHECK:         rnn.layer_grad {{.*}} weights(%[[IH]], %[[HH]] : {{.*}} input_grad(%{{.*}}) when(%[[WANTED]])
func.func @grad_weight_scratch_conditional_input_grad(
    %x: memref<5x?x3xf32>, %dx: memref<5x?x3xf32>, %wanted: i1,
    %h0: memref<1x?x4xf32>,
    %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>,
    %ws: memref<256xf32>,
    %y: memref<5x?x4xf32>, %h_n: memref<1x?x4xf32>,
    %dy: memref<5x?x4xf32>, %dh_n: memref<1x?x4xf32>,
    %dw_ih: memref<4x3xf32>, %dw_hh: memref<4x4xf32>,
    %dh0: memref<1x?x4xf32>) {
  rnn.stacked_rnn_grad %x : memref<5x?x3xf32> h0(%h0 : memref<1x?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outputs(%y, %h_n : memref<5x?x4xf32>, memref<1x?x4xf32>)
      grads(%dy, %dh_n : memref<5x?x4xf32>, memref<1x?x4xf32>)
      input_grad(%dx : memref<5x?x3xf32>) when(%wanted)
      weight_grads(%dw_ih, %dw_hh : memref<4x3xf32>, memref<4x4xf32>)
      h0_grad(%dh0 : memref<1x?x4xf32>)
      weight_scratch(%ws : memref<256xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

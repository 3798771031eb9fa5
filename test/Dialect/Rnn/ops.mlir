// RUN: rnn-opt %s --verify-roundtrip | FileCheck %s
// RUN: rnn-opt %s --mlir-print-op-generic | rnn-opt | FileCheck %s

/// Round trip of every rnn op through the custom and the generic syntax:
/// each optional operand group present and absent, both nonlinearities, and
/// the types each operand accepts (strided views, i32 and i64 token ids,
/// rank-2 and rank-3 linear inputs).

// CHECK-LABEL: func @stacked_rnn_minimal
// CHECK-SAME:    (%[[X:.*]]: memref<5x?x3xf32>, %[[W_IH:.*]]: memref<4x3xf32>, %[[W_HH:.*]]: memref<4x4xf32>, %[[Y:.*]]: memref<5x?x4xf32>, %[[H_N:.*]]: memref<1x?x4xf32>)
// CHECK:         rnn.stacked_rnn %[[X]] : memref<5x?x3xf32>
// CHECK-SAME:      weights(%[[W_IH]], %[[W_HH]] : memref<4x3xf32>, memref<4x4xf32>)
// CHECK-SAME:      outs(%[[Y]], %[[H_N]] : memref<5x?x4xf32>, memref<1x?x4xf32>)
// CHECK-SAME:      {bias = false, hidden_size = 4 : i64, nonlinearity = #rnn.nonlinearity<tanh>, num_layers = 1 : i64}
func.func @stacked_rnn_minimal(%x: memref<5x?x3xf32>, %w_ih: memref<4x3xf32>,
                               %w_hh: memref<4x4xf32>, %y: memref<5x?x4xf32>,
                               %h_n: memref<1x?x4xf32>) {
  rnn.stacked_rnn %x : memref<5x?x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<5x?x4xf32>, memref<1x?x4xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// CHECK-LABEL: func @stacked_rnn_all_operands
// CHECK-SAME:    (%[[X:[^:]*]]: memref<?x?x3xf32, strided<[?, 3, 1], offset: ?>>, %[[LEN:[^:]*]]: memref<?xi64>, %[[H0:[^:]*]]: memref<4x?x2xf32>,
// CHECK-SAME:     %[[W_IH0:[^:]*]]: memref<2x3xf32>, %[[W_IH1:[^:]*]]: memref<2x4xf32>, %[[W_HH:[^:]*]]: memref<2x2xf32>, %[[B:[^:]*]]: memref<2xf32>,
// CHECK-SAME:     %[[Y:[^:]*]]: memref<?x?x4xf32>, %[[H_N:[^:]*]]: memref<4x?x2xf32>, %[[SCRATCH:[^:]*]]: memref<2x?x?x4xf32>)
// CHECK:         rnn.stacked_rnn %[[X]] : memref<?x?x3xf32, strided<[?, 3, 1], offset: ?>>
// CHECK-SAME:      lengths(%[[LEN]] : memref<?xi64>)
// CHECK-SAME:      h0(%[[H0]] : memref<4x?x2xf32>)
// CHECK-SAME:      weights(%[[W_IH0]], %[[W_HH]], %[[B]], %[[B]], %[[W_IH0]], %[[W_HH]], %[[B]], %[[B]], %[[W_IH1]], %[[W_HH]], %[[B]], %[[B]], %[[W_IH1]], %[[W_HH]], %[[B]], %[[B]] :
// CHECK-SAME:      outs(%[[Y]], %[[H_N]] : memref<?x?x4xf32>, memref<4x?x2xf32>)
// CHECK-SAME:      scratch(%[[SCRATCH]] : memref<2x?x?x4xf32>)
// CHECK-SAME:      {bias = true, bidirectional, hidden_size = 2 : i64, nonlinearity = #rnn.nonlinearity<relu>, num_layers = 2 : i64}
func.func @stacked_rnn_all_operands(
    %x: memref<?x?x3xf32, strided<[?, 3, 1], offset: ?>>, %len: memref<?xi64>,
    %h0: memref<4x?x2xf32>, %w_ih0: memref<2x3xf32>, %w_ih1: memref<2x4xf32>,
    %w_hh: memref<2x2xf32>, %b: memref<2xf32>, %y: memref<?x?x4xf32>,
    %h_n: memref<4x?x2xf32>, %scratch: memref<2x?x?x4xf32>) {
  rnn.stacked_rnn %x : memref<?x?x3xf32, strided<[?, 3, 1], offset: ?>>
      lengths(%len : memref<?xi64>) h0(%h0 : memref<4x?x2xf32>)
      weights(%w_ih0, %w_hh, %b, %b, %w_ih0, %w_hh, %b, %b,
              %w_ih1, %w_hh, %b, %b, %w_ih1, %w_hh, %b, %b
              : memref<2x3xf32>, memref<2x2xf32>, memref<2xf32>, memref<2xf32>,
                memref<2x3xf32>, memref<2x2xf32>, memref<2xf32>, memref<2xf32>,
                memref<2x4xf32>, memref<2x2xf32>, memref<2xf32>, memref<2xf32>,
                memref<2x4xf32>, memref<2x2xf32>, memref<2xf32>, memref<2xf32>)
      outs(%y, %h_n : memref<?x?x4xf32>, memref<4x?x2xf32>)
      scratch(%scratch : memref<2x?x?x4xf32>)
      {hidden_size = 2 : i64, num_layers = 2 : i64,
       nonlinearity = #rnn.nonlinearity<relu>, bias = true, bidirectional}
  return
}

// CHECK-LABEL: func @layer_minimal
// CHECK-SAME:    (%[[X:.*]]: memref<?x?x3xf32>, %[[W_IH:.*]]: memref<4x3xf32>, %[[W_HH:.*]]: memref<4x4xf32>, %[[Y:.*]]: memref<?x?x4xf32>, %[[STATE:.*]]: memref<?x4xf32>)
// CHECK:         rnn.layer %[[X]] : memref<?x?x3xf32>
// CHECK-SAME:      weights(%[[W_IH]], %[[W_HH]] : memref<4x3xf32>, memref<4x4xf32>)
// CHECK-SAME:      outs(%[[Y]], %[[STATE]] : memref<?x?x4xf32>, memref<?x4xf32>)
// CHECK-SAME:      {nonlinearity = #rnn.nonlinearity<tanh>}
func.func @layer_minimal(%x: memref<?x?x3xf32>, %w_ih: memref<4x3xf32>,
                         %w_hh: memref<4x4xf32>, %y: memref<?x?x4xf32>,
                         %state: memref<?x4xf32>) {
  rnn.layer %x : memref<?x?x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<?x?x4xf32>, memref<?x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// CHECK-LABEL: func @layer_reverse_with_lengths_and_bias
// CHECK:         rnn.layer %[[X:[^ ]*]] : memref<?x?x3xf32>
// CHECK-SAME:      lengths(%[[LEN:[^ ]*]] : memref<?xi64>)
// CHECK-SAME:      bias(%[[B_IH:[^,]*]], %[[B_HH:[^ ]*]] : memref<4xf32>, memref<4xf32>)
// CHECK-SAME:      outs(%{{[^,]*}}, %{{[^ ]*}} : memref<?x?x4xf32, strided<[?, 8, 1], offset: 4>>, memref<?x4xf32, strided<[4, 1], offset: ?>>)
// CHECK-SAME:      {nonlinearity = #rnn.nonlinearity<relu>, reverse}
func.func @layer_reverse_with_lengths_and_bias(
    %x: memref<?x?x3xf32>, %len: memref<?xi64>, %w_ih: memref<4x3xf32>,
    %w_hh: memref<4x4xf32>, %b_ih: memref<4xf32>, %b_hh: memref<4xf32>,
    %y: memref<?x?x4xf32, strided<[?, 8, 1], offset: 4>>,
    %state: memref<?x4xf32, strided<[4, 1], offset: ?>>) {
  rnn.layer %x : memref<?x?x3xf32> lengths(%len : memref<?xi64>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      bias(%b_ih, %b_hh : memref<4xf32>, memref<4xf32>)
      outs(%y, %state : memref<?x?x4xf32, strided<[?, 8, 1], offset: 4>>,
           memref<?x4xf32, strided<[4, 1], offset: ?>>)
      {nonlinearity = #rnn.nonlinearity<relu>, reverse}
  return
}

// CHECK-LABEL: func @cell_tanh
// CHECK-SAME:    (%[[X_T:[^:]*]]: memref<?x3xf32>, %[[H:[^:]*]]: memref<?x4xf32>, %[[W_IH:[^:]*]]: memref<4x3xf32>, %[[W_HH:[^:]*]]: memref<4x4xf32>, %[[H_T:[^:]*]]: memref<?x4xf32>)
// CHECK:         rnn.cell %[[X_T]], %[[H]] : memref<?x3xf32>, memref<?x4xf32>
// CHECK-SAME:      weights(%[[W_IH]], %[[W_HH]] : memref<4x3xf32>, memref<4x4xf32>)
// CHECK-SAME:      outs(%[[H_T]] : memref<?x4xf32>)
// CHECK-SAME:      {nonlinearity = #rnn.nonlinearity<tanh>}
func.func @cell_tanh(%x_t: memref<?x3xf32>, %h: memref<?x4xf32>,
                     %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>,
                     %h_t: memref<?x4xf32>) {
  rnn.cell %x_t, %h : memref<?x3xf32>, memref<?x4xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%h_t : memref<?x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// CHECK-LABEL: func @cell_relu_with_bias
// CHECK:         rnn.cell
// CHECK-SAME:      bias(%[[B_IH:[^,]*]], %[[B_HH:[^ ]*]] : memref<4xf32>, memref<4xf32>)
// CHECK-SAME:      outs(%{{[^ ]*}} : memref<?x4xf32, strided<[4, 1], offset: ?>>)
// CHECK-SAME:      {nonlinearity = #rnn.nonlinearity<relu>}
func.func @cell_relu_with_bias(%x_t: memref<?x3xf32>, %h: memref<?x4xf32>,
                               %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>,
                               %b_ih: memref<4xf32>, %b_hh: memref<4xf32>,
                               %h_t: memref<?x4xf32, strided<[4, 1], offset: ?>>) {
  rnn.cell %x_t, %h : memref<?x3xf32>, memref<?x4xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      bias(%b_ih, %b_hh : memref<4xf32>, memref<4xf32>)
      outs(%h_t : memref<?x4xf32, strided<[4, 1], offset: ?>>)
      {nonlinearity = #rnn.nonlinearity<relu>}
  return
}

// CHECK-LABEL: func @commit_step
// CHECK-SAME:    (%[[Y_T:[^:]*]]: memref<?x4xf32>, %[[STATE:[^:]*]]: memref<?x4xf32>, %[[T:[^:]*]]: index, %[[LEN:[^:]*]]: memref<?xi64>)
// CHECK:         rnn.commit_step %[[Y_T]], %[[STATE]] at %[[T]] : memref<?x4xf32>, memref<?x4xf32>
// CHECK:         rnn.commit_step %[[Y_T]], %[[STATE]] at %[[T]] lengths(%[[LEN]] : memref<?xi64>) : memref<?x4xf32>, memref<?x4xf32>
func.func @commit_step(%y_t: memref<?x4xf32>, %state: memref<?x4xf32>,
                       %t: index, %len: memref<?xi64>) {
  rnn.commit_step %y_t, %state at %t : memref<?x4xf32>, memref<?x4xf32>
  rnn.commit_step %y_t, %state at %t lengths(%len : memref<?xi64>)
      : memref<?x4xf32>, memref<?x4xf32>
  return
}

// CHECK-LABEL: func @embedding
// CHECK-SAME:    (%[[IDS64:[^:]*]]: memref<?x?xi64>, %[[IDS32:[^:]*]]: memref<?x?xi32>, %[[TABLE:[^:]*]]: memref<27x8xf32>, %[[EMB:[^:]*]]: memref<?x?x8xf32>)
// CHECK:         rnn.embedding %[[IDS64]], %[[TABLE]] : memref<?x?xi64>, memref<27x8xf32> outs(%[[EMB]] : memref<?x?x8xf32>)
// CHECK:         rnn.embedding %[[IDS32]], %[[TABLE]] : memref<?x?xi32>, memref<27x8xf32> outs(%[[EMB]] : memref<?x?x8xf32>)
func.func @embedding(%ids64: memref<?x?xi64>, %ids32: memref<?x?xi32>,
                     %table: memref<27x8xf32>, %emb: memref<?x?x8xf32>) {
  rnn.embedding %ids64, %table : memref<?x?xi64>, memref<27x8xf32>
      outs(%emb : memref<?x?x8xf32>)
  rnn.embedding %ids32, %table : memref<?x?xi32>, memref<27x8xf32>
      outs(%emb : memref<?x?x8xf32>)
  return
}

// CHECK-LABEL: func @linear
// CHECK-SAME:    (%[[IN2:[^:]*]]: memref<?x4xf32>, %[[IN3:[^:]*]]: memref<?x?x4xf32>, %[[W:[^:]*]]: memref<5x4xf32>, %[[B:[^:]*]]: memref<5xf32>, %[[OUT2:[^:]*]]: memref<?x5xf32>, %[[OUT3:[^:]*]]: memref<?x?x5xf32>)
// CHECK:         rnn.linear %[[IN2]], %[[W]] : memref<?x4xf32>, memref<5x4xf32> outs(%[[OUT2]] : memref<?x5xf32>)
// CHECK:         rnn.linear %[[IN2]], %[[W]] bias(%[[B]] : memref<5xf32>) : memref<?x4xf32>, memref<5x4xf32> outs(%[[OUT2]] : memref<?x5xf32>)
// CHECK:         rnn.linear %[[IN3]], %[[W]] : memref<?x?x4xf32>, memref<5x4xf32> outs(%[[OUT3]] : memref<?x?x5xf32>)
// CHECK:         rnn.linear %[[IN3]], %[[W]] bias(%[[B]] : memref<5xf32>) : memref<?x?x4xf32>, memref<5x4xf32> outs(%[[OUT3]] : memref<?x?x5xf32>)
func.func @linear(%in2: memref<?x4xf32>, %in3: memref<?x?x4xf32>,
                  %w: memref<5x4xf32>, %b: memref<5xf32>,
                  %out2: memref<?x5xf32>, %out3: memref<?x?x5xf32>) {
  rnn.linear %in2, %w : memref<?x4xf32>, memref<5x4xf32>
      outs(%out2 : memref<?x5xf32>)
  rnn.linear %in2, %w bias(%b : memref<5xf32>)
      : memref<?x4xf32>, memref<5x4xf32> outs(%out2 : memref<?x5xf32>)
  rnn.linear %in3, %w : memref<?x?x4xf32>, memref<5x4xf32>
      outs(%out3 : memref<?x?x5xf32>)
  rnn.linear %in3, %w bias(%b : memref<5xf32>)
      : memref<?x?x4xf32>, memref<5x4xf32> outs(%out3 : memref<?x?x5xf32>)
  return
}

// CHECK-LABEL: func @all_in_range
// CHECK-SAME:    (%[[LEN:[^:]*]]: memref<?xi64>, %[[IDS:[^:]*]]: memref<?x?xi32>, %[[LO:[^:]*]]: i64, %[[HI:[^:]*]]: i64)
// CHECK:         %[[LEN_OK:.*]] = rnn.all_in_range %[[LEN]] in[%[[LO]], %[[HI]]] : memref<?xi64>
// CHECK:         %[[IDS_OK:.*]] = rnn.all_in_range %[[IDS]] in[%[[LO]], %[[HI]]] : memref<?x?xi32>
// CHECK:         return %[[LEN_OK]], %[[IDS_OK]] : i1, i1
func.func @all_in_range(%len: memref<?xi64>, %ids: memref<?x?xi32>,
                        %lo: i64, %hi: i64) -> (i1, i1) {
  %len_ok = rnn.all_in_range %len in [%lo, %hi] : memref<?xi64>
  %ids_ok = rnn.all_in_range %ids in [%lo, %hi] : memref<?x?xi32>
  return %len_ok, %ids_ok : i1, i1
}

// CHECK-LABEL: func @from_ptr
// CHECK-SAME:    (%[[P:[^:]*]]: !llvm.ptr, %[[OFF:[^:]*]]: i64, %[[N:[^:]*]]: i64)
// CHECK:         %[[PARAMS:.*]] = rnn.from_ptr %[[P]][%[[OFF]]], %[[N]] : memref<?xf32>
// CHECK:         %[[IDS:.*]] = rnn.from_ptr %[[P]][%[[OFF]]], %[[N]] : memref<?xi32>
// CHECK:         return %[[PARAMS]], %[[IDS]]
func.func @from_ptr(%p: !llvm.ptr, %off: i64, %n: i64)
    -> (memref<?xf32>, memref<?xi32>) {
  %params = rnn.from_ptr %p[%off], %n : memref<?xf32>
  %ids = rnn.from_ptr %p[%off], %n : memref<?xi32>
  return %params, %ids : memref<?xf32>, memref<?xi32>
}

// CHECK-LABEL: func @losses
// CHECK:         rnn.mse_loss %{{.*}}, %{{.*}} : memref<?x1xf32>, memref<?x1xf32> outs(%{{.*}} : memref<f32>)
// CHECK:         rnn.mse_loss %{{.*}}, %{{.*}} lengths(%{{.*}} : memref<?xi64>) : memref<?x?x2xf32>, memref<?x?x2xf32> outs
// CHECK:         rnn.cross_entropy_loss %{{.*}}, %{{.*}} : memref<?x5xf32>, memref<?xi64> outs
// CHECK:         rnn.cross_entropy_loss %{{.*}}, %{{.*}} lengths(%{{.*}} : memref<?xi64>) : memref<?x?x3xf32>, memref<?x?xi32> outs
func.func @losses(%y: memref<?x1xf32>, %t: memref<?x1xf32>,
                  %seq: memref<?x?x2xf32>, %seq_t: memref<?x?x2xf32>,
                  %logits: memref<?x5xf32>, %labels: memref<?xi64>,
                  %seq_logits: memref<?x?x3xf32>, %seq_labels: memref<?x?xi32>,
                  %lengths: memref<?xi64>, %loss: memref<f32>) {
  rnn.mse_loss %y, %t : memref<?x1xf32>, memref<?x1xf32>
      outs(%loss : memref<f32>)
  rnn.mse_loss %seq, %seq_t lengths(%lengths : memref<?xi64>)
      : memref<?x?x2xf32>, memref<?x?x2xf32> outs(%loss : memref<f32>)
  rnn.cross_entropy_loss %logits, %labels : memref<?x5xf32>, memref<?xi64>
      outs(%loss : memref<f32>)
  rnn.cross_entropy_loss %seq_logits, %seq_labels lengths(%lengths : memref<?xi64>)
      : memref<?x?x3xf32>, memref<?x?xi32> outs(%loss : memref<f32>)
  return
}

// CHECK-LABEL: func @matmul_pair_forms
// CHECK:         rnn.matmul_pair %{{.*}}, %{{.*}} bias(%{{.*}} : memref<32xf32>) : memref<1x16xf32>, memref<16x32xf32, strided<[48, 1]>> outs(%{{.*}} : memref<1x32xf32, strided<[64, 1]>>) other %{{.*}}, %{{.*}} bias(%{{.*}} : memref<8xf32>) : memref<4x24xf32>, memref<24x8xf32> outs(%{{.*}} : memref<4x8xf32>) {accumulate, nonlinearity = #rnn.nonlinearity<tanh>}
// CHECK:         rnn.matmul_pair %{{.*}}, %{{.*}} : memref<1x16xf32>, memref<16x32xf32, strided<[48, 1]>> outs(%{{.*}} : memref<1x32xf32, strided<[64, 1]>>) other %{{.*}}, %{{.*}} : memref<4x24xf32>, memref<24x8xf32> outs(%{{.*}} : memref<4x8xf32>)
// CHECK-NOT:       {
func.func @matmul_pair_forms(%h: memref<1x16xf32>,
                             %wt: memref<16x32xf32, strided<[48, 1]>>,
                             %bias: memref<32xf32>,
                             %y: memref<1x32xf32, strided<[64, 1]>>,
                             %x: memref<4x24xf32>, %wt_ih: memref<24x8xf32>,
                             %bias_ih: memref<8xf32>, %p: memref<4x8xf32>) {
  rnn.matmul_pair %h, %wt bias(%bias : memref<32xf32>)
      : memref<1x16xf32>, memref<16x32xf32, strided<[48, 1]>>
      outs(%y : memref<1x32xf32, strided<[64, 1]>>)
      other %x, %wt_ih bias(%bias_ih : memref<8xf32>)
      : memref<4x24xf32>, memref<24x8xf32> outs(%p : memref<4x8xf32>)
      {accumulate, nonlinearity = #rnn.nonlinearity<tanh>}
  rnn.matmul_pair %h, %wt
      : memref<1x16xf32>, memref<16x32xf32, strided<[48, 1]>>
      outs(%y : memref<1x32xf32, strided<[64, 1]>>)
      other %x, %wt_ih : memref<4x24xf32>, memref<24x8xf32>
      outs(%p : memref<4x8xf32>)
  return
}

// CHECK-LABEL: func @matmul_forms
// CHECK:         rnn.matmul %{{.*}}, %{{.*}} : memref<?x8xf32>, memref<8x16xf32> outs(%{{.*}} : memref<?x16xf32>)
// CHECK-NOT:       {
// CHECK:         rnn.matmul %{{.*}}, %{{.*}} bias(%{{.*}} : memref<16xf32>) : memref<?x16xf32>, memref<16x16xf32, strided<[32, 1]>> outs(%{{.*}} : memref<?x16xf32>) {accumulate, nonlinearity = #rnn.nonlinearity<relu>}
// CHECK:         rnn.matmul %{{.*}}, %{{.*}} : memref<4x?x8xf32>, memref<8x16xf32> outs(%{{.*}} : memref<4x?x16xf32>)
// CHECK:         rnn.matmul %{{.*}}, %{{.*}} : memref<4x16x?xf32, strided<[?, 1, 16]>>, memref<4x?x8xf32> outs(%{{.*}} : memref<16x8xf32>) {accumulate}
func.func @matmul_forms(%a: memref<?x8xf32>, %b: memref<8x16xf32>,
                        %c: memref<?x16xf32>, %h: memref<?x16xf32>,
                        %wt: memref<16x16xf32, strided<[32, 1]>>,
                        %bias: memref<16xf32>, %x: memref<4x?x8xf32>,
                        %y: memref<4x?x16xf32>,
                        %g: memref<4x16x?xf32, strided<[?, 1, 16]>>,
                        %dw: memref<16x8xf32>) {
  rnn.matmul %a, %b : memref<?x8xf32>, memref<8x16xf32>
      outs(%c : memref<?x16xf32>)
  rnn.matmul %h, %wt bias(%bias : memref<16xf32>)
      : memref<?x16xf32>, memref<16x16xf32, strided<[32, 1]>>
      outs(%c : memref<?x16xf32>)
      {accumulate, nonlinearity = #rnn.nonlinearity<relu>}
  rnn.matmul %x, %b : memref<4x?x8xf32>, memref<8x16xf32>
      outs(%y : memref<4x?x16xf32>)
  rnn.matmul %g, %x : memref<4x16x?xf32, strided<[?, 1, 16]>>,
      memref<4x?x8xf32> outs(%dw : memref<16x8xf32>) {accumulate}
  return
}

// CHECK-LABEL: func @layer_and_stack_with_weight_scratch
// CHECK:         rnn.layer {{.*}} outs(%{{.*}}, %{{.*}} : memref<5x?x4xf32>, memref<?x4xf32>) transposed_weights(%{{.*}}, %{{.*}} : memref<3x4xf32>, memref<4x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
// CHECK:         rnn.stacked_rnn {{.*}} weight_scratch(%{{.*}} : memref<256xf32>)
// CHECK:         rnn.cell_grad {{.*}} grads(%{{.*}}, %{{.*}} : memref<?x4xf32>, memref<?x4xf32>) {nonlinearity
// CHECK:         rnn.stacked_rnn_grad {{.*}} h0_grad(%{{.*}} : memref<1x?x4xf32>) weight_scratch(%{{.*}} : memref<256xf32>) {bias = false
func.func @layer_and_stack_with_weight_scratch(
    %x: memref<5x?x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>,
    %y: memref<5x?x4xf32>, %state: memref<?x4xf32>, %h_n: memref<1x?x4xf32>,
    %wt_ih: memref<3x4xf32>, %wt_hh: memref<4x4xf32>, %ws: memref<256xf32>,
    %x_t: memref<?x3xf32>, %y_t: memref<?x4xf32>, %h0: memref<?x4xf32>,
    %dy: memref<?x4xf32>, %dh: memref<?x4xf32>, %t: index,
    %h0_3d: memref<1x?x4xf32>, %dy_3d: memref<5x?x4xf32>,
    %dh_n: memref<1x?x4xf32>, %dw_ih: memref<4x3xf32>,
    %dw_hh: memref<4x4xf32>, %dh0: memref<1x?x4xf32>) {
  rnn.layer %x : memref<5x?x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<5x?x4xf32>, memref<?x4xf32>)
      transposed_weights(%wt_ih, %wt_hh : memref<3x4xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  rnn.stacked_rnn %x : memref<5x?x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %h_n : memref<5x?x4xf32>, memref<1x?x4xf32>)
      weight_scratch(%ws : memref<256xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  rnn.cell_grad %x_t, %y_t, %y_t, %h0 at %t, %t
      : memref<?x3xf32>, memref<?x4xf32>, memref<?x4xf32>, memref<?x4xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      grads(%dy, %dh : memref<?x4xf32>, memref<?x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  rnn.stacked_rnn_grad %x : memref<5x?x3xf32> h0(%h0_3d : memref<1x?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outputs(%y, %h_n : memref<5x?x4xf32>, memref<1x?x4xf32>)
      grads(%dy_3d, %dh_n : memref<5x?x4xf32>, memref<1x?x4xf32>)
      weight_grads(%dw_ih, %dw_hh : memref<4x3xf32>, memref<4x4xf32>)
      h0_grad(%dh0 : memref<1x?x4xf32>)
      weight_scratch(%ws : memref<256xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  return
}

// CHECK-LABEL: func @sum_rows
// CHECK:         rnn.sum_rows %{{.*}} : memref<5x?x4xf32> outs(%{{.*}}, %{{.*}} : memref<4xf32>, memref<4xf32, strided<[1], offset: ?>>)
// CHECK:         rnn.sum_rows %{{.*}} : memref<?x4xf32> outs(%{{.*}} : memref<4xf32>)
func.func @sum_rows(%g: memref<5x?x4xf32>, %rows: memref<?x4xf32>,
                    %db_ih: memref<4xf32>,
                    %db_hh: memref<4xf32, strided<[1], offset: ?>>) {
  rnn.sum_rows %g : memref<5x?x4xf32>
      outs(%db_ih, %db_hh : memref<4xf32>, memref<4xf32, strided<[1], offset: ?>>)
  rnn.sum_rows %rows : memref<?x4xf32> outs(%db_ih : memref<4xf32>)
  return
}

// CHECK-LABEL: func @conditional_input_grads
// CHECK:         rnn.declare_adjoint %{{.*}}, %{{.*}} when(%{{.*}}) : memref<5x?x3xf32>, memref<5x?x3xf32>
// CHECK:         rnn.stacked_rnn_grad {{.*}} input_grad(%{{.*}} : memref<5x?x3xf32>) when(%{{.*}}) weight_grads(
// CHECK:         rnn.layer_grad {{.*}} input_grad(%{{.*}} : memref<5x?x3xf32>) when(%{{.*}}) weight_grads(
func.func @conditional_input_grads(
    %x: memref<5x?x3xf32>, %dx: memref<5x?x3xf32>, %wanted: i1,
    %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<5x?x4xf32>,
    %h_n: memref<1x?x4xf32>, %h0_3d: memref<1x?x4xf32>, %h0: memref<?x4xf32>,
    %dy: memref<5x?x4xf32>, %dh_n: memref<1x?x4xf32>, %dh: memref<?x4xf32>,
    %dw_ih: memref<4x3xf32>, %dw_hh: memref<4x4xf32>,
    %dh0: memref<1x?x4xf32>) {
  rnn.declare_adjoint %x, %dx when(%wanted) : memref<5x?x3xf32>, memref<5x?x3xf32>
  rnn.stacked_rnn_grad %x : memref<5x?x3xf32> h0(%h0_3d : memref<1x?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outputs(%y, %h_n : memref<5x?x4xf32>, memref<1x?x4xf32>)
      grads(%dy, %dh_n : memref<5x?x4xf32>, memref<1x?x4xf32>)
      input_grad(%dx : memref<5x?x3xf32>) when(%wanted)
      weight_grads(%dw_ih, %dw_hh : memref<4x3xf32>, memref<4x4xf32>)
      h0_grad(%dh0 : memref<1x?x4xf32>)
      {hidden_size = 4 : i64, num_layers = 1 : i64,
       nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
  rnn.layer_grad %x : memref<5x?x3xf32> h0(%h0 : memref<?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      output(%y : memref<5x?x4xf32>)
      grads(%dy, %dh : memref<5x?x4xf32>, memref<?x4xf32>)
      input_grad(%dx : memref<5x?x3xf32>) when(%wanted)
      weight_grads(%dw_ih, %dw_hh : memref<4x3xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// The losses' reduction and ignore_index, and all_in_range's extra value,
// round-trip; default values are not printed.
// CHECK-LABEL: func @loss_options
// CHECK:         rnn.mse_loss {{.*}} outs(%{{.*}} : memref<f32>) {reduction = #rnn.reduction<sum>}
// CHECK:         rnn.cross_entropy_loss {{.*}} outs(%{{.*}} : memref<f32>) {ignore_index = 0 : i64, reduction = #rnn.reduction<sum>}
// CHECK:         rnn.cross_entropy_loss {{.*}} outs(%{{.*}} : memref<f32>){{$}}
// CHECK:         rnn.mse_loss_grad {{.*}} {reduction = #rnn.reduction<sum>}
// CHECK:         rnn.cross_entropy_loss_grad {{.*}} {ignore_index = -1 : i64}
// CHECK:         rnn.all_in_range %{{.*}} in[%{{.*}}, %{{.*}}] or %{{.*}} : memref<?xi64>
func.func @loss_options(%y: memref<?x1xf32>, %t: memref<?x1xf32>,
                        %logits: memref<?x5xf32>, %labels: memref<?xi64>,
                        %loss: memref<f32>, %dl: memref<f32>,
                        %dy: memref<?x1xf32>, %dlogits: memref<?x5xf32>,
                        %lo: i64, %hi: i64, %ignored: i64) -> i1 {
  rnn.mse_loss %y, %t : memref<?x1xf32>, memref<?x1xf32>
      outs(%loss : memref<f32>) {reduction = #rnn.reduction<sum>}
  rnn.cross_entropy_loss %logits, %labels : memref<?x5xf32>, memref<?xi64>
      outs(%loss : memref<f32>)
      {reduction = #rnn.reduction<sum>, ignore_index = 0 : i64}
  rnn.cross_entropy_loss %logits, %labels : memref<?x5xf32>, memref<?xi64>
      outs(%loss : memref<f32>)
      {reduction = #rnn.reduction<mean>, ignore_index = -100 : i64}
  rnn.mse_loss_grad %y, %t, %dl : memref<?x1xf32>, memref<?x1xf32>,
      memref<f32> outs(%dy : memref<?x1xf32>) {reduction = #rnn.reduction<sum>}
  rnn.cross_entropy_loss_grad %logits, %labels, %dl : memref<?x5xf32>,
      memref<?xi64>, memref<f32> outs(%dlogits : memref<?x5xf32>)
      {ignore_index = -1 : i64}
  %ok = rnn.all_in_range %labels in [%lo, %hi] or %ignored : memref<?xi64>
  return %ok : i1
}

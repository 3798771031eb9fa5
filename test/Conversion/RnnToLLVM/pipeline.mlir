// RUN: rnn-opt %s --rnn-lower-to-llvm | FileCheck %s --implicit-check-not=rnn. --implicit-check-not=scf. --implicit-check-not=memref. --implicit-check-not=func. --implicit-check-not=linalg. --implicit-check-not=arith. --implicit-check-not=math. --implicit-check-not=cf. --implicit-check-not=affine. --implicit-check-not=unrealized_conversion_cast --implicit-check-not=tanh
// RUN: rnn-opt %s --rnn-lower-to-llvm=unroll=none | FileCheck %s --implicit-check-not=rnn. --implicit-check-not=scf. --implicit-check-not=memref. --implicit-check-not=func. --implicit-check-not=linalg. --implicit-check-not=arith. --implicit-check-not=math. --implicit-check-not=cf. --implicit-check-not=affine. --implicit-check-not=unrealized_conversion_cast --implicit-check-not=tanh

/// rnnc's whole pipeline, registered in rnn-opt as `rnn-lower-to-llvm`, on
/// the forward entry point of a small sin_predictor (T=3, I=1, H=4, then
/// Linear(4 -> 1) on h_n; trimmed from `rnnc --emit=mlir`): the result is
/// LLVM dialect only, with no op of any other dialect left, math.tanh
/// replaced by its polynomial approximation (no libm call), and both the
/// fixed and the default unrolling.

// CHECK-LABEL: llvm.func @sin_predictor_forward
// CHECK-SAME:    (%{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) -> i32
// CHECK:         llvm.cond_br
// CHECK:         llvm.return
func.func @sin_predictor_forward(%params: !llvm.ptr, %batch: i64, %x_ptr: !llvm.ptr, %len_ptr: !llvm.ptr, %out_ptr: !llvm.ptr, %work: !llvm.ptr) -> i32 {
  %c0_i64 = arith.constant 0 : i64
  %c1_i64 = arith.constant 1 : i64
  %c3_i64 = arith.constant 3 : i64
  %c4_i64 = arith.constant 4 : i64
  %c33_i64 = arith.constant 33 : i64
  %c4 = arith.constant 4 : index
  %b = arith.index_cast %batch : i64 to index
  %p = rnn.from_ptr %params[%c0_i64], %c33_i64 : memref<?xf32>
  %lengths = rnn.from_ptr %len_ptr[%c0_i64], %batch : memref<?xi64>
  %ok = rnn.all_in_range %lengths in [%c1_i64, %c3_i64] : memref<?xi64>
  cf.cond_br %ok, ^run, ^bad_lengths
^bad_lengths:
  %c11_i32 = arith.constant 11 : i32
  return %c11_i32 : i32
^run:
  // x: (B, T, I) batch-first, viewed time-major.
  %n_x = arith.muli %batch, %c3_i64 : i64
  %x_flat = rnn.from_ptr %x_ptr[%c0_i64], %n_x : memref<?xf32>
  %x_bf = memref.reinterpret_cast %x_flat to offset: [0], sizes: [%b, 3, 1], strides: [3, 1, 1] : memref<?xf32> to memref<?x3x1xf32>
  %x = memref.transpose %x_bf (d0, d1, d2) -> (d1, d0, d2) : memref<?x3x1xf32> to memref<3x?x1xf32, strided<[1, 3, 1]>>
  // h_n (1, B, H) and y (T, B, H) live in the workspace.
  %n_h = arith.muli %batch, %c4_i64 : i64
  %bh = arith.muli %b, %c4 : index
  %hn_flat = rnn.from_ptr %work[%c0_i64], %n_h : memref<?xf32>
  %h_n = memref.reinterpret_cast %hn_flat to offset: [0], sizes: [1, %b, 4], strides: [%bh, 4, 1] : memref<?xf32> to memref<1x?x4xf32>
  %y_off = arith.muli %n_h, %c4_i64 : i64
  %n_y = arith.muli %n_h, %c3_i64 : i64
  %y_flat = rnn.from_ptr %work[%y_off], %n_y : memref<?xf32>
  %y = memref.reinterpret_cast %y_flat to offset: [0], sizes: [3, %b, 4], strides: [%bh, 4, 1] : memref<?xf32> to memref<3x?x4xf32>
  %w_ih = memref.reinterpret_cast %p to offset: [0], sizes: [4, 1], strides: [1, 1] : memref<?xf32> to memref<4x1xf32>
  %w_hh = memref.reinterpret_cast %p to offset: [4], sizes: [4, 4], strides: [4, 1] : memref<?xf32> to memref<4x4xf32, strided<[4, 1], offset: 4>>
  %b_ih = memref.reinterpret_cast %p to offset: [20], sizes: [4], strides: [1] : memref<?xf32> to memref<4xf32, strided<[1], offset: 20>>
  %b_hh = memref.reinterpret_cast %p to offset: [24], sizes: [4], strides: [1] : memref<?xf32> to memref<4xf32, strided<[1], offset: 24>>
  rnn.stacked_rnn %x : memref<3x?x1xf32, strided<[1, 3, 1]>>
      lengths(%lengths : memref<?xi64>)
      weights(%w_ih, %w_hh, %b_ih, %b_hh : memref<4x1xf32>, memref<4x4xf32, strided<[4, 1], offset: 4>>, memref<4xf32, strided<[1], offset: 20>>, memref<4xf32, strided<[1], offset: 24>>)
      outs(%y, %h_n : memref<3x?x4xf32>, memref<1x?x4xf32>)
      {bias = true, hidden_size = 4 : i64, nonlinearity = #rnn.nonlinearity<tanh>, num_layers = 1 : i64}
  // fc(h_n[-1]).
  %fc_w = memref.reinterpret_cast %p to offset: [28], sizes: [1, 4], strides: [4, 1] : memref<?xf32> to memref<1x4xf32, strided<[4, 1], offset: 28>>
  %fc_b = memref.reinterpret_cast %p to offset: [32], sizes: [1], strides: [1] : memref<?xf32> to memref<1xf32, strided<[1], offset: 32>>
  %last = memref.subview %h_n[0, 0, 0] [1, %b, 4] [1, 1, 1] : memref<1x?x4xf32> to memref<?x4xf32, strided<[4, 1]>>
  %out_flat = rnn.from_ptr %out_ptr[%c0_i64], %batch : memref<?xf32>
  %out = memref.reinterpret_cast %out_flat to offset: [0], sizes: [%b, 1], strides: [1, 1] : memref<?xf32> to memref<?x1xf32>
  rnn.linear %last, %fc_w bias(%fc_b : memref<1xf32, strided<[1], offset: 32>>) : memref<?x4xf32, strided<[4, 1]>>, memref<1x4xf32, strided<[4, 1], offset: 28>> outs(%out : memref<?x1xf32>)
  %c0_i32 = arith.constant 0 : i32
  return %c0_i32 : i32
}

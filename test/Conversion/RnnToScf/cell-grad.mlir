// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=0 outline-kernels=false" --canonicalize --cse -split-input-file | FileCheck %s --implicit-check-not=rnn.
// RUN: rnn-opt %s --convert-rnn-to-scf=vector-width=0 -split-input-file | FileCheck %s --check-prefix=OUTLINE

/// rnn.cell_grad makes one elementwise sweep and then matrix products
/// (rnn.matmul, here lowered to scalar loops with vector-width=0). The sweep
/// forms g = (d_out[b, j] + d_state[b, j]) * (1 - y*y), the tanh
/// derivative at the step's output y, stores it over d_out[b, j] and clears
/// d_state[b, j]. Then d_W_ih += g^T x (g^T a transposed view of d_out);
/// d_W_hh += g^T h_prev, h_prev being prev_output when prev_time != time
/// and h0 otherwise (the first step in forward order); and last d_state +=
/// g W_hh, only after every g was computed from the incoming d_state.

// With outline-kernels (the default), the step becomes a call of a private
// function named after its operand shapes, which operands are present and
// the nonlinearity, kept out of line (noinline) so that a time loop that
// runs in several copies (batch shards) does not repeat it.
// OUTLINE-LABEL: func @cell_grad_tanh
// OUTLINE:         call @__rnn_cell_grad_dx3_dx4_dx4_dx4_i_i_4x3_4x4_dx4_dx4_4x3_4x4_1111110111101100_tanh(%{{.*}}, %arg4, %arg5,
// OUTLINE-NOT:     rnn.cell_grad
// OUTLINE:       func.func private @__rnn_cell_grad_dx3_dx4_dx4_dx4_i_i_4x3_4x4_dx4_dx4_4x3_4x4_1111110111101100_tanh(
// OUTLINE-SAME:    %{{.*}}: index, %{{.*}}: index,
// OUTLINE-SAME:    attributes {llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"], rnn.kernel}
// OUTLINE-NOT:     rnn.cell_grad
// OUTLINE:         return

// CHECK-LABEL: func @cell_grad_tanh
// CHECK-SAME:    (%[[X:[^:]*]]: memref<?x3xf32>, %[[OUT:[^:]*]]: memref<?x4xf32>, %[[PREV_OUT:[^:]*]]: memref<?x4xf32>, %[[H0:[^:]*]]: memref<?x4xf32>, %[[T:[^:]*]]: index, %[[T_PREV:[^:]*]]: index,
// CHECK-SAME:     %[[W_IH:[^:]*]]: memref<4x3xf32>, %[[W_HH:[^:]*]]: memref<4x4xf32>, %[[D_OUT:[^:]*]]: memref<?x4xf32>, %[[D_STATE:[^:]*]]: memref<?x4xf32>, %[[D_W_IH:[^:]*]]: memref<4x3xf32>, %[[D_W_HH:[^:]*]]: memref<4x4xf32>)
// CHECK-DAG:     %[[ZERO:[a-z0-9_]+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[ONE:[a-z0-9_]+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG:     %[[BATCH:[a-z0-9_]+]] = memref.dim %[[X]], %{{.*}} : memref<?x3xf32>
// CHECK:         %[[STEPPED:[a-z0-9_]+]] = arith.cmpi ne, %[[T_PREV]], %[[T]] : index
// The sweep.
// CHECK:         scf.for %[[B:[a-z0-9_]+]] = %{{.*}} to %[[BATCH]]
// CHECK-NEXT:      scf.for %[[J:[a-z0-9_]+]] =
// CHECK-NEXT:        %[[UPSTREAM:[a-z0-9_]+]] = memref.load %[[D_OUT]][%[[B]], %[[J]]]
// CHECK-NEXT:        %[[CARRIED:[a-z0-9_]+]] = memref.load %[[D_STATE]][%[[B]], %[[J]]]
// CHECK-NEXT:        %[[Y:[a-z0-9_]+]] = memref.load %[[OUT]][%[[B]], %[[J]]]
// CHECK-NEXT:        %[[TOTAL:[a-z0-9_]+]] = arith.addf %[[UPSTREAM]], %[[CARRIED]] fastmath<contract> : f32
// CHECK-NEXT:        %[[SQUARE:[a-z0-9_]+]] = arith.mulf %[[Y]], %[[Y]] fastmath<contract> : f32
// CHECK-NEXT:        %[[SLOPE:[a-z0-9_]+]] = arith.subf %[[ONE]], %[[SQUARE]] : f32
// CHECK-NEXT:        %[[G:[a-z0-9_]+]] = arith.mulf %[[TOTAL]], %[[SLOPE]] fastmath<contract> : f32
// CHECK-NEXT:        memref.store %[[G]], %[[D_OUT]][%[[B]], %[[J]]]
// CHECK-NEXT:        memref.store %[[ZERO]], %[[D_STATE]][%[[B]], %[[J]]]
// d_W_ih += g^T x
// CHECK:         %[[G_T:[a-z0-9_]+]] = memref.transpose %[[D_OUT]] (d0, d1) -> (d1, d0)
// CHECK:         scf.for %[[R:[a-z0-9_]+]] =
// CHECK-NEXT:      scf.for %[[C:[a-z0-9_]+]] =
// CHECK-NEXT:        %[[OLD:[a-z0-9_]+]] = memref.load %[[D_W_IH]][%[[R]], %[[C]]]
// CHECK-NEXT:        %[[SUM:[a-z0-9_]+]] = scf.for %[[K:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:[a-z0-9_]+]] = %[[OLD]])
// CHECK-NEXT:          %[[A:[a-z0-9_]+]] = memref.load %[[G_T]][%[[R]], %[[K]]]
// CHECK-NEXT:          %[[XV:[a-z0-9_]+]] = memref.load %[[X]][%[[K]], %[[C]]]
// CHECK:             memref.store %[[SUM]], %[[D_W_IH]][%[[R]], %[[C]]]
// d_W_hh += g^T (stepped ? prev_output : h0)
// CHECK:         scf.if %[[STEPPED]] {
// CHECK:             memref.load %[[PREV_OUT]]
// CHECK:             memref.store %{{.*}}, %[[D_W_HH]]
// CHECK:         } else {
// CHECK:             memref.load %[[H0]]
// CHECK:             memref.store %{{.*}}, %[[D_W_HH]]
// CHECK:         }
// d_state += g W_hh
// CHECK:         scf.for %[[B2:[a-z0-9_]+]] =
// CHECK-NEXT:      scf.for %[[C2:[a-z0-9_]+]] =
// CHECK-NEXT:        %[[OLD2:[a-z0-9_]+]] = memref.load %[[D_STATE]][%[[B2]], %[[C2]]]
// CHECK-NEXT:        scf.for %[[K2:[a-z0-9_]+]] =
// CHECK-NEXT:          memref.load %[[D_OUT]][%[[B2]], %[[K2]]]
// CHECK-NEXT:          memref.load %[[W_HH]][%[[K2]], %[[C2]]]
// CHECK:             memref.store %{{.*}}, %[[D_STATE]][%[[B2]], %[[C2]]]
// CHECK-NOT:     memref.load %[[W_IH]]
// CHECK:         return
func.func @cell_grad_tanh(%x: memref<?x3xf32>, %y: memref<?x4xf32>,
                          %y_prev: memref<?x4xf32>, %h0: memref<?x4xf32>,
                          %t: index, %t_prev: index,
                          %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>,
                          %dy: memref<?x4xf32>, %dh: memref<?x4xf32>,
                          %dw_ih: memref<4x3xf32>, %dw_hh: memref<4x4xf32>) {
  rnn.cell_grad %x, %y, %y_prev, %h0 at %t, %t_prev
      : memref<?x3xf32>, memref<?x4xf32>, memref<?x4xf32>, memref<?x4xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      grads(%dy, %dh : memref<?x4xf32>, memref<?x4xf32>)
      weight_grads(%dw_ih, %dw_hh : memref<4x3xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}


// -----

/// With lengths, a row b past its length (time >= lengths[b]) gets g = 0
/// and keeps its d_state: the products then leave it unchanged. relu's
/// derivative is (y > 0 ? 1 : 0) of the step's output. The bias gradients
/// accumulate g. Rows whose previous step is past their length (a reverse
/// direction starting inside the padded batch) had h0 before the step, not
/// prev_output: a loop adds g[b]^T (h0[b] - prev_output[b]) to d_W_hh.
/// d_input += g W_ih comes before d_state += g W_hh. The step's buffers are
/// strided views, as convert-rnn-to-loops makes them.

// CHECK-LABEL: func @cell_grad_relu_lengths_bias_input_grad
// CHECK-SAME:    (%[[X:[^:]*]]: memref<?x3xf32, strided<[3, 1], offset: ?>>, %[[OUT:[^:]*]]: memref<?x4xf32, strided<[4, 1], offset: ?>>, %[[PREV_OUT:[^:]*]]: memref<?x4xf32, strided<[4, 1], offset: ?>>, %[[H0:[^:]*]]: memref<?x4xf32>, %[[T:[^:]*]]: index, %[[T_PREV:[^:]*]]: index, %[[LENGTHS:[^:]*]]: memref<?xi64>,
// CHECK-SAME:     %[[W_IH:[^:]*]]: memref<4x3xf32>, %[[W_HH:[^:]*]]: memref<4x4xf32>, %[[D_OUT:[^:]*]]: memref<?x4xf32, strided<[4, 1], offset: ?>>, %[[D_STATE:[^:]*]]: memref<?x4xf32>, %[[D_X:[^:]*]]: memref<?x3xf32, strided<[3, 1], offset: ?>>,
// CHECK-SAME:     %[[D_W_IH:[^:]*]]: memref<4x3xf32>, %[[D_W_HH:[^:]*]]: memref<4x4xf32>, %[[D_B_IH:[^:]*]]: memref<4xf32>, %[[D_B_HH:[^:]*]]: memref<4xf32>)
// CHECK-DAG:     %[[ZERO:[a-z0-9_]+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[ONE:[a-z0-9_]+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG:     %[[STEPPED:[a-z0-9_]+]] = arith.cmpi ne, %[[T_PREV]], %[[T]] : index
// CHECK-DAG:     %[[TIME:[a-z0-9_]+]] = arith.index_cast %[[T]] : index to i64
// CHECK-DAG:     %[[PREV_TIME:[a-z0-9_]+]] = arith.index_cast %[[T_PREV]] : index to i64
// The sweep, with g = 0 and d_state kept for rows past their length.
// CHECK:         scf.for %[[B:[a-z0-9_]+]] =
// CHECK-NEXT:      %[[LEN:[a-z0-9_]+]] = memref.load %[[LENGTHS]][%[[B]]] : memref<?xi64>
// CHECK-NEXT:      %[[RUNNING:[a-z0-9_]+]] = arith.cmpi slt, %[[TIME]], %[[LEN]] : i64
// CHECK-NEXT:      scf.for %[[J:[a-z0-9_]+]] =
// CHECK-NEXT:        %[[UPSTREAM:[a-z0-9_]+]] = memref.load %[[D_OUT]][%[[B]], %[[J]]]
// CHECK-NEXT:        %[[CARRIED:[a-z0-9_]+]] = memref.load %[[D_STATE]][%[[B]], %[[J]]]
// CHECK-NEXT:        %[[Y:[a-z0-9_]+]] = memref.load %[[OUT]][%[[B]], %[[J]]]
// CHECK-NEXT:        %[[TOTAL:[a-z0-9_]+]] = arith.addf %[[UPSTREAM]], %[[CARRIED]] fastmath<contract> : f32
// CHECK-NEXT:        %[[POSITIVE:[a-z0-9_]+]] = arith.cmpf ogt, %[[Y]], %[[ZERO]] : f32
// CHECK-NEXT:        %[[SLOPE:[a-z0-9_]+]] = arith.select %[[POSITIVE]], %[[ONE]], %[[ZERO]] : f32
// CHECK-NEXT:        %[[G_RAW:[a-z0-9_]+]] = arith.mulf %[[TOTAL]], %[[SLOPE]] fastmath<contract> : f32
// CHECK-NEXT:        %[[G:[a-z0-9_]+]] = arith.select %[[RUNNING]], %[[G_RAW]], %[[ZERO]] : f32
// CHECK-NEXT:        %[[KEPT:[a-z0-9_]+]] = arith.select %[[RUNNING]], %[[ZERO]], %[[CARRIED]] : f32
// CHECK-NEXT:        memref.store %[[G]], %[[D_OUT]][%[[B]], %[[J]]]
// CHECK-NEXT:        memref.store %[[KEPT]], %[[D_STATE]][%[[B]], %[[J]]]
// CHECK-NEXT:        %[[OLD_B_IH:[a-z0-9_]+]] = memref.load %[[D_B_IH]][%[[J]]]
// CHECK-NEXT:        %[[NEW_B_IH:[a-z0-9_]+]] = arith.addf %[[OLD_B_IH]], %[[G]] fastmath<contract> : f32
// CHECK-NEXT:        memref.store %[[NEW_B_IH]], %[[D_B_IH]][%[[J]]]
// CHECK-NEXT:        %[[OLD_B_HH:[a-z0-9_]+]] = memref.load %[[D_B_HH]][%[[J]]]
// CHECK-NEXT:        %[[NEW_B_HH:[a-z0-9_]+]] = arith.addf %[[OLD_B_HH]], %[[G]] fastmath<contract> : f32
// CHECK-NEXT:        memref.store %[[NEW_B_HH]], %[[D_B_HH]][%[[J]]]
// CHECK:         memref.store %{{.*}}, %[[D_W_IH]]
// CHECK:         scf.if %[[STEPPED]] {
// CHECK:         } else {
// The h0 correction.
// CHECK:           %[[LEN1:[a-z0-9_]+]] = memref.load %[[LENGTHS]][%[[B1:[a-z0-9_]+]]] : memref<?xi64>
// CHECK-NEXT:      %[[RUNNING1:[a-z0-9_]+]] = arith.cmpi slt, %[[TIME]], %[[LEN1]] : i64
// CHECK-NEXT:      %[[PREV_PAST:[a-z0-9_]+]] = arith.cmpi sge, %[[PREV_TIME]], %[[LEN1]] : i64
// CHECK-NEXT:      %[[BOTH:[a-z0-9_]+]] = arith.andi %[[RUNNING1]], %[[PREV_PAST]] : i1
// CHECK-NEXT:      %[[FIX:[a-z0-9_]+]] = arith.andi %[[STEPPED]], %[[BOTH]] : i1
// CHECK-NEXT:      scf.if %[[FIX]] {
// CHECK-NEXT:        scf.for %[[J1:[a-z0-9_]+]] =
// CHECK-NEXT:          %[[G1:[a-z0-9_]+]] = memref.load %[[D_OUT]][%[[B1]], %[[J1]]]
// CHECK-NEXT:          scf.for %[[K1:[a-z0-9_]+]] =
// CHECK-NEXT:            %[[FROM_H0:[a-z0-9_]+]] = memref.load %[[H0]][%[[B1]], %[[K1]]]
// CHECK-NEXT:            %[[FROM_PREV:[a-z0-9_]+]] = memref.load %[[PREV_OUT]][%[[B1]], %[[K1]]]
// CHECK-NEXT:            %[[DELTA:[a-z0-9_]+]] = arith.subf %[[FROM_H0]], %[[FROM_PREV]] : f32
// CHECK-NEXT:            %[[TERM:[a-z0-9_]+]] = arith.mulf %[[G1]], %[[DELTA]] fastmath<contract> : f32
// CHECK-NEXT:            %[[OLD_W:[a-z0-9_]+]] = memref.load %[[D_W_HH]][%[[J1]], %[[K1]]]
// CHECK-NEXT:            %[[NEW_W:[a-z0-9_]+]] = arith.addf %[[OLD_W]], %[[TERM]] fastmath<contract> : f32
// CHECK-NEXT:            memref.store %[[NEW_W]], %[[D_W_HH]][%[[J1]], %[[K1]]]
// d_x += g W_ih, then d_state += g W_hh.
// CHECK:         memref.load %[[W_IH]]
// CHECK:         memref.store %{{.*}}, %[[D_X]]
// CHECK:         memref.load %[[W_HH]]
// CHECK:         memref.store %{{.*}}, %[[D_STATE]]
// CHECK:         return
func.func @cell_grad_relu_lengths_bias_input_grad(
    %x: memref<?x3xf32, strided<[3, 1], offset: ?>>,
    %y: memref<?x4xf32, strided<[4, 1], offset: ?>>,
    %y_prev: memref<?x4xf32, strided<[4, 1], offset: ?>>,
    %h0: memref<?x4xf32>, %t: index, %t_prev: index,
    %lengths: memref<?xi64>,
    %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>,
    %dy: memref<?x4xf32, strided<[4, 1], offset: ?>>, %dh: memref<?x4xf32>,
    %dx: memref<?x3xf32, strided<[3, 1], offset: ?>>,
    %dw_ih: memref<4x3xf32>, %dw_hh: memref<4x4xf32>,
    %db_ih: memref<4xf32>, %db_hh: memref<4xf32>) {
  rnn.cell_grad %x, %y, %y_prev, %h0 at %t, %t_prev
      lengths(%lengths : memref<?xi64>)
      : memref<?x3xf32, strided<[3, 1], offset: ?>>,
        memref<?x4xf32, strided<[4, 1], offset: ?>>,
        memref<?x4xf32, strided<[4, 1], offset: ?>>, memref<?x4xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      grads(%dy, %dh : memref<?x4xf32, strided<[4, 1], offset: ?>>,
                       memref<?x4xf32>)
      input_grad(%dx : memref<?x3xf32, strided<[3, 1], offset: ?>>)
      weight_grads(%dw_ih, %dw_hh : memref<4x3xf32>, memref<4x4xf32>)
      bias_grads(%db_ih, %db_hh : memref<4xf32>, memref<4xf32>)
      {nonlinearity = #rnn.nonlinearity<relu>}
  return
}

// -----

/// Without weight_grads (rnn.layer_grad's lowering forms them over all
/// steps at once), only the sweep and d_state += g W_hh remain.

// CHECK-LABEL: func @cell_grad_state_only
// CHECK-SAME:    %[[W_HH:[a-z0-9_]+]]: memref<4x4xf32>, %[[D_OUT:[a-z0-9_]+]]: memref<?x4xf32>, %[[D_STATE:[a-z0-9_]+]]: memref<?x4xf32>)
// CHECK-NOT:     memref.transpose
// CHECK:         memref.store %{{.*}}, %[[D_OUT]]
// CHECK:         memref.load %[[W_HH]]
// CHECK:         memref.store %{{.*}}, %[[D_STATE]]
// CHECK-NOT:     scf.for
// CHECK:         return
func.func @cell_grad_state_only(%x: memref<?x3xf32>, %y: memref<?x4xf32>,
                                %y_prev: memref<?x4xf32>, %h0: memref<?x4xf32>,
                                %t: index, %t_prev: index,
                                %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>,
                                %dy: memref<?x4xf32>, %dh: memref<?x4xf32>) {
  rnn.cell_grad %x, %y, %y_prev, %h0 at %t, %t_prev
      : memref<?x3xf32>, memref<?x4xf32>, memref<?x4xf32>, memref<?x4xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      grads(%dy, %dh : memref<?x4xf32>, memref<?x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

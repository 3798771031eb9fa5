// RUN: rnn-opt %s --convert-rnn-to-scf -split-input-file | FileCheck %s --implicit-check-not=rnn.

/// rnn.cell_grad, without lengths, makes three sweeps. (1) For every batch
/// row b and hidden unit j it forms g = (d_out[b, j] + d_state[b, j]) *
/// (1 - y*y), the tanh derivative at the step's output y, and stores g over
/// d_out[b, j]. (2) For every weight row j and batch row b it adds g times
/// the input row and the previous state row to the weight gradients' row j
/// (j outermost, so the row stays in cache). The state before the step is
/// prev_output when prev_time != time and h0 otherwise (the first step in
/// forward order). (3) For every b, only after every g of the row was
/// computed from the incoming d_state[b, :], d_state[b, :] is cleared and
/// gets g[b, j] * W_hh[j, :] row by row.

// CHECK-LABEL: func @cell_grad_tanh
// CHECK-SAME:    (%[[X:[^:]*]]: memref<?x3xf32>, %[[OUT:[^:]*]]: memref<?x4xf32>, %[[PREV_OUT:[^:]*]]: memref<?x4xf32>, %[[H0:[^:]*]]: memref<?x4xf32>, %[[T:[^:]*]]: index, %[[T_PREV:[^:]*]]: index,
// CHECK-SAME:     %[[W_IH:[^:]*]]: memref<4x3xf32>, %[[W_HH:[^:]*]]: memref<4x4xf32>, %[[D_OUT:[^:]*]]: memref<?x4xf32>, %[[D_STATE:[^:]*]]: memref<?x4xf32>, %[[D_W_IH:[^:]*]]: memref<4x3xf32>, %[[D_W_HH:[^:]*]]: memref<4x4xf32>)
// CHECK-DAG:     %[[ZERO:[a-z0-9_]+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[ONE:[a-z0-9_]+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG:     %[[BATCH:[a-z0-9_]+]] = memref.dim %[[X]], %{{.*}} : memref<?x3xf32>
// CHECK-DAG:     %[[IN_SIZE:[a-z0-9_]+]] = memref.dim %[[X]], %{{.*}} : memref<?x3xf32>
// CHECK-DAG:     %[[HIDDEN:[a-z0-9_]+]] = memref.dim %[[OUT]], %{{.*}} : memref<?x4xf32>
// CHECK:         %[[PREV_VALID:[a-z0-9_]+]] = arith.cmpi ne, %[[T_PREV]], %[[T]] : index
// (1)
// CHECK:         scf.for %[[B:[a-z0-9_]+]] = %{{.*}} to %[[BATCH]]
// CHECK-NOT:       scf.if
// CHECK:           scf.for %[[J:[a-z0-9_]+]] = %{{.*}} to %[[HIDDEN]]
// CHECK-NEXT:        %[[UPSTREAM:[a-z0-9_]+]] = memref.load %[[D_OUT]][%[[B]], %[[J]]]
// CHECK-NEXT:        %[[CARRIED:[a-z0-9_]+]] = memref.load %[[D_STATE]][%[[B]], %[[J]]]
// CHECK-NEXT:        %[[Y:[a-z0-9_]+]] = memref.load %[[OUT]][%[[B]], %[[J]]]
// CHECK-NEXT:        %[[TOTAL:[a-z0-9_]+]] = arith.addf %[[UPSTREAM]], %[[CARRIED]] fastmath<contract> : f32
// CHECK-NEXT:        %[[SQUARE:[a-z0-9_]+]] = arith.mulf %[[Y]], %[[Y]] fastmath<contract> : f32
// CHECK-NEXT:        %[[SLOPE:[a-z0-9_]+]] = arith.subf %[[ONE]], %[[SQUARE]] : f32
// CHECK-NEXT:        %[[G:[a-z0-9_]+]] = arith.mulf %[[TOTAL]], %[[SLOPE]] fastmath<contract> : f32
// CHECK-NEXT:        memref.store %[[G]], %[[D_OUT]][%[[B]], %[[J]]]
// CHECK-NOT:         memref.store {{.*}}, %[[D_STATE]]
// (2)
// CHECK:         scf.for %[[J1:[a-z0-9_]+]] = %{{.*}} to %[[HIDDEN]]
// CHECK:           scf.for %[[B1:[a-z0-9_]+]] = %{{.*}} to %[[BATCH]]
// CHECK-NEXT:        %[[G1:[a-z0-9_]+]] = memref.load %[[D_OUT]][%[[B1]], %[[J1]]]
// CHECK:             scf.for %[[K:[a-z0-9_]+]] = %{{.*}} to %[[IN_SIZE]]
// CHECK-NEXT:          %[[XV:[a-z0-9_]+]] = memref.load %[[X]][%[[B1]], %[[K]]]
// CHECK-NEXT:          %[[PROD:[a-z0-9_]+]] = arith.mulf %[[G1]], %[[XV]] fastmath<contract> : f32
// CHECK-NEXT:          %[[OLD:[a-z0-9_]+]] = memref.load %[[D_W_IH]][%[[J1]], %[[K]]]
// CHECK-NEXT:          %[[NEW:[a-z0-9_]+]] = arith.addf %[[OLD]], %[[PROD]] fastmath<contract> : f32
// CHECK-NEXT:          memref.store %[[NEW]], %[[D_W_IH]][%[[J1]], %[[K]]]
// CHECK:             scf.for %[[K2:[a-z0-9_]+]] = %{{.*}} to %[[HIDDEN]]
// CHECK-NEXT:          %[[FROM_PREV:[a-z0-9_]+]] = memref.load %[[PREV_OUT]][%[[B1]], %[[K2]]]
// CHECK-NEXT:          %[[FROM_H0:[a-z0-9_]+]] = memref.load %[[H0]][%[[B1]], %[[K2]]]
// CHECK-NEXT:          %[[H_PREV:[a-z0-9_]+]] = arith.select %[[PREV_VALID]], %[[FROM_PREV]], %[[FROM_H0]] : f32
// CHECK-NEXT:          %[[PROD2:[a-z0-9_]+]] = arith.mulf %[[G1]], %[[H_PREV]] fastmath<contract> : f32
// CHECK-NEXT:          %[[OLD2:[a-z0-9_]+]] = memref.load %[[D_W_HH]][%[[J1]], %[[K2]]]
// CHECK-NEXT:          %[[NEW2:[a-z0-9_]+]] = arith.addf %[[OLD2]], %[[PROD2]] fastmath<contract> : f32
// CHECK-NEXT:          memref.store %[[NEW2]], %[[D_W_HH]][%[[J1]], %[[K2]]]
// CHECK-NOT:         memref.store {{.*}}, %[[D_STATE]]
// (3)
// CHECK:         scf.for %[[B3:[a-z0-9_]+]] = %{{.*}} to %[[BATCH]]
// CHECK:           scf.for %[[K3:[a-z0-9_]+]] = %{{.*}} to %[[HIDDEN]]
// CHECK-NEXT:        memref.store %[[ZERO]], %[[D_STATE]][%[[B3]], %[[K3]]]
// CHECK:           scf.for %[[J2:[a-z0-9_]+]] = %{{.*}} to %[[HIDDEN]]
// CHECK-NEXT:        %[[GJ:[a-z0-9_]+]] = memref.load %[[D_OUT]][%[[B3]], %[[J2]]]
// CHECK:             scf.for %[[K4:[a-z0-9_]+]] = %{{.*}} to %[[HIDDEN]]
// CHECK-NEXT:          %[[W:[a-z0-9_]+]] = memref.load %[[W_HH]][%[[J2]], %[[K4]]]
// CHECK-NEXT:          %[[TERM:[a-z0-9_]+]] = arith.mulf %[[GJ]], %[[W]] fastmath<contract> : f32
// CHECK-NEXT:          %[[OLD3:[a-z0-9_]+]] = memref.load %[[D_STATE]][%[[B3]], %[[K4]]]
// CHECK-NEXT:          %[[NEXT:[a-z0-9_]+]] = arith.addf %[[OLD3]], %[[TERM]] fastmath<contract> : f32
// CHECK-NEXT:          memref.store %[[NEXT]], %[[D_STATE]][%[[B3]], %[[K4]]]
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

/// With lengths, a row b does anything only when time < lengths[b] (an
/// scf.if without else: a finished row's d_state passes through). Inside,
/// the previous state is prev_output only when prev_time != time and
/// prev_time < lengths[b]. relu's derivative is (y > 0 ? 1 : 0) of the
/// step's output. The bias gradients accumulate g, and d_input[b, k]
/// accumulates sum_j g[j] * W_ih[j, k] before d_state is rewritten. The
/// step's buffers are strided views, as convert-rnn-to-loops makes them.

// CHECK-LABEL: func @cell_grad_relu_lengths_bias_input_grad
// CHECK-SAME:    (%[[X:[^:]*]]: memref<?x3xf32, strided<[3, 1], offset: ?>>, %[[OUT:[^:]*]]: memref<?x4xf32, strided<[4, 1], offset: ?>>, %[[PREV_OUT:[^:]*]]: memref<?x4xf32, strided<[4, 1], offset: ?>>, %[[H0:[^:]*]]: memref<?x4xf32>, %[[T:[^:]*]]: index, %[[T_PREV:[^:]*]]: index, %[[LENGTHS:[^:]*]]: memref<?xi64>,
// CHECK-SAME:     %[[W_IH:[^:]*]]: memref<4x3xf32>, %[[W_HH:[^:]*]]: memref<4x4xf32>, %[[D_OUT:[^:]*]]: memref<?x4xf32, strided<[4, 1], offset: ?>>, %[[D_STATE:[^:]*]]: memref<?x4xf32>, %[[D_X:[^:]*]]: memref<?x3xf32, strided<[3, 1], offset: ?>>,
// CHECK-SAME:     %[[D_W_IH:[^:]*]]: memref<4x3xf32>, %[[D_W_HH:[^:]*]]: memref<4x4xf32>, %[[D_B_IH:[^:]*]]: memref<4xf32>, %[[D_B_HH:[^:]*]]: memref<4xf32>)
// CHECK-DAG:     %[[ZERO:[a-z0-9_]+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[ONE:[a-z0-9_]+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG:     %[[STEPPED:[a-z0-9_]+]] = arith.cmpi ne, %[[T_PREV]], %[[T]] : index
// CHECK-DAG:     %[[TIME:[a-z0-9_]+]] = arith.index_cast %[[T]] : index to i64
// CHECK-DAG:     %[[PREV_TIME:[a-z0-9_]+]] = arith.index_cast %[[T_PREV]] : index to i64
// (1) g and the bias gradients, for running rows only.
// CHECK:         scf.for %[[B:[a-z0-9_]+]] =
// CHECK-NEXT:      %[[LEN:[a-z0-9_]+]] = memref.load %[[LENGTHS]][%[[B]]] : memref<?xi64>
// CHECK-NEXT:      %[[VALID:[a-z0-9_]+]] = arith.cmpi slt, %[[TIME]], %[[LEN]] : i64
// CHECK-NEXT:      scf.if %[[VALID]] {
// CHECK:             scf.for %[[J:[a-z0-9_]+]] =
// CHECK-NEXT:          %[[UPSTREAM:[a-z0-9_]+]] = memref.load %[[D_OUT]][%[[B]], %[[J]]]
// CHECK-NEXT:          %[[CARRIED:[a-z0-9_]+]] = memref.load %[[D_STATE]][%[[B]], %[[J]]]
// CHECK-NEXT:          %[[Y:[a-z0-9_]+]] = memref.load %[[OUT]][%[[B]], %[[J]]]
// CHECK-NEXT:          %[[TOTAL:[a-z0-9_]+]] = arith.addf %[[UPSTREAM]], %[[CARRIED]] fastmath<contract> : f32
// CHECK-NEXT:          %[[POSITIVE:[a-z0-9_]+]] = arith.cmpf ogt, %[[Y]], %[[ZERO]] : f32
// CHECK-NEXT:          %[[SLOPE:[a-z0-9_]+]] = arith.select %[[POSITIVE]], %[[ONE]], %[[ZERO]] : f32
// CHECK-NEXT:          %[[G:[a-z0-9_]+]] = arith.mulf %[[TOTAL]], %[[SLOPE]] fastmath<contract> : f32
// CHECK-NEXT:          memref.store %[[G]], %[[D_OUT]][%[[B]], %[[J]]]
// CHECK-NEXT:          %[[OLD_B_IH:[a-z0-9_]+]] = memref.load %[[D_B_IH]][%[[J]]]
// CHECK-NEXT:          %[[NEW_B_IH:[a-z0-9_]+]] = arith.addf %[[OLD_B_IH]], %[[G]] fastmath<contract> : f32
// CHECK-NEXT:          memref.store %[[NEW_B_IH]], %[[D_B_IH]][%[[J]]]
// CHECK-NEXT:          %[[OLD_B_HH:[a-z0-9_]+]] = memref.load %[[D_B_HH]][%[[J]]]
// CHECK-NEXT:          %[[NEW_B_HH:[a-z0-9_]+]] = arith.addf %[[OLD_B_HH]], %[[G]] fastmath<contract> : f32
// CHECK-NEXT:          memref.store %[[NEW_B_HH]], %[[D_B_HH]][%[[J]]]
// (2) the weight gradients, rows j outermost; the previous state is
// prev_output only when prev_time != time and prev_time < lengths[b].
// CHECK:         scf.for %[[J1:[a-z0-9_]+]] =
// CHECK:           scf.for %[[B1:[a-z0-9_]+]] =
// CHECK-NEXT:        %[[LEN1:[a-z0-9_]+]] = memref.load %[[LENGTHS]][%[[B1]]] : memref<?xi64>
// CHECK-NEXT:        %[[VALID1:[a-z0-9_]+]] = arith.cmpi slt, %[[TIME]], %[[LEN1]] : i64
// CHECK-NEXT:        scf.if %[[VALID1]] {
// CHECK-NEXT:          %[[PREV_RUNNING:[a-z0-9_]+]] = arith.cmpi slt, %[[PREV_TIME]], %[[LEN1]] : i64
// CHECK-NEXT:          %[[PREV_VALID:[a-z0-9_]+]] = arith.andi %[[STEPPED]], %[[PREV_RUNNING]] : i1
// CHECK:                 memref.store %{{.*}}, %[[D_W_IH]]
// CHECK:                 %[[FROM_PREV:[a-z0-9_]+]] = memref.load %[[PREV_OUT]][%[[B1]], %[[K1:[a-z0-9_]+]]]
// CHECK-NEXT:            %[[FROM_H0:[a-z0-9_]+]] = memref.load %[[H0]][%[[B1]], %[[K1]]]
// CHECK-NEXT:            %[[H_PREV:[a-z0-9_]+]] = arith.select %[[PREV_VALID]], %[[FROM_PREV]], %[[FROM_H0]] : f32
// CHECK:                 memref.store %{{.*}}, %[[D_W_HH]]
// (3) d_x and d_state, for running rows only.
// CHECK:         scf.for %[[B3:[a-z0-9_]+]] =
// CHECK:             scf.if
// CHECK:               scf.for %[[J2:[a-z0-9_]+]] =
// CHECK-NEXT:            %[[GJ:[a-z0-9_]+]] = memref.load %[[D_OUT]][%[[B3]], %[[J2]]]
// CHECK:                 scf.for %[[K:[a-z0-9_]+]] =
// CHECK-NEXT:              %[[W:[a-z0-9_]+]] = memref.load %[[W_IH]][%[[J2]], %[[K]]]
// CHECK-NEXT:              %[[TERM:[a-z0-9_]+]] = arith.mulf %[[GJ]], %[[W]] fastmath<contract> : f32
// CHECK-NEXT:              %[[OLD_D_X:[a-z0-9_]+]] = memref.load %[[D_X]][%[[B3]], %[[K]]]
// CHECK-NEXT:              %[[NEW_D_X:[a-z0-9_]+]] = arith.addf %[[OLD_D_X]], %[[TERM]] fastmath<contract> : f32
// CHECK-NEXT:              memref.store %[[NEW_D_X]], %[[D_X]][%[[B3]], %[[K]]]
// CHECK:               scf.for %[[K2:[a-z0-9_]+]] =
// CHECK-NEXT:            memref.store %[[ZERO]], %[[D_STATE]][%[[B3]], %[[K2]]]
// CHECK:               memref.load %[[W_HH]]
// CHECK:               memref.store %{{.*}}, %[[D_STATE]]
// CHECK-NOT:       else
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

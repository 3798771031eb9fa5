// RUN: rnn-opt %s --convert-rnn-to-scf -split-input-file | FileCheck %s --implicit-check-not=rnn. --implicit-check-not=math.

/// rnn.cell becomes, for every batch row b and hidden unit j, the sum
/// (b_ih[j] + b_hh[j]) + sum_k x[b, k] W_ih[j, k] + sum_k h[b, k] W_hh[j, k]
/// as two scf.for reductions in that order (the accumulation order the
/// parity tolerances assume), then the activation (math.tanh, or
/// arith.maximumf with 0 for relu) stored to result[b, j].

// CHECK-LABEL: func @cell_tanh_without_bias
// CHECK-SAME:    (%[[X:[^:]*]]: memref<2x3xf32>, %[[H:[^:]*]]: memref<2x4xf32>, %[[W_IH:[^:]*]]: memref<4x3xf32>, %[[W_HH:[^:]*]]: memref<4x4xf32>, %[[RESULT:[^:]*]]: memref<2x4xf32>)
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[BATCH:.*]] = memref.dim %[[X]], %[[C0]] : memref<2x3xf32>
// CHECK-DAG:     %[[IN_SIZE:.*]] = memref.dim %[[X]], %[[C1]] : memref<2x3xf32>
// CHECK-DAG:     %[[HIDDEN:.*]] = memref.dim %[[H]], %{{.*}} : memref<2x4xf32>
// CHECK:         scf.for %[[B:.*]] = %{{.*}} to %[[BATCH]]
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %[[HIDDEN]]
// CHECK:             %[[ACC_IN:.*]] = scf.for %[[K:.*]] = %{{.*}} to %[[IN_SIZE]] step %{{.*}} iter_args(%[[SUM:.*]] = %[[ZERO]]) -> (f32) {
// CHECK-DAG:           %[[W:.*]] = memref.load %[[W_IH]][%[[J]], %[[K]]]
// CHECK-DAG:           %[[XV:.*]] = memref.load %[[X]][%[[B]], %[[K]]]
// CHECK:               %[[PROD:.*]] = arith.mulf %[[XV]], %[[W]] fastmath<contract> : f32
// CHECK:               %[[NEXT:.*]] = arith.addf %[[SUM]], %[[PROD]] fastmath<reassoc,contract> : f32
// CHECK:               scf.yield %[[NEXT]] : f32
// CHECK:             %[[ACC:.*]] = scf.for %[[K2:.*]] = %{{.*}} to %[[HIDDEN]] step %{{.*}} iter_args(%[[SUM2:.*]] = %[[ACC_IN]]) -> (f32) {
// CHECK-DAG:           memref.load %[[W_HH]][%[[J]], %[[K2]]]
// CHECK-DAG:           memref.load %[[H]][%[[B]], %[[K2]]]
// CHECK:               scf.yield
// CHECK:             %[[ACT:.*]] = math.tanh %[[ACC]] : f32
// CHECK:             memref.store %[[ACT]], %[[RESULT]][%[[B]], %[[J]]] : memref<2x4xf32>
func.func @cell_tanh_without_bias(%x_t: memref<2x3xf32>, %h: memref<2x4xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %h_t: memref<2x4xf32>) {
  rnn.cell %x_t, %h : memref<2x3xf32>, memref<2x4xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%h_t : memref<2x4xf32>) {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

// CHECK-LABEL: func @cell_relu_with_bias
// CHECK-SAME:    %[[B_IH:[^:]*]]: memref<4xf32>, %[[B_HH:[^:]*]]: memref<4xf32>, %[[RESULT:[^:]*]]: memref<?x4xf32, strided<[4, 1], offset: ?>>)
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:         scf.for %[[B:.*]] =
// CHECK:           scf.for %[[J:.*]] =
// CHECK-DAG:         %[[BIAS_IH:.*]] = memref.load %[[B_IH]][%[[J]]] : memref<4xf32>
// CHECK-DAG:         %[[BIAS_HH:.*]] = memref.load %[[B_HH]][%[[J]]] : memref<4xf32>
// CHECK:             %[[BIAS:.*]] = arith.addf %[[BIAS_IH]], %[[BIAS_HH]] fastmath<contract> : f32
// CHECK:             %[[ACC_IN:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[BIAS]]) -> (f32)
// CHECK:             %[[ACC:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[ACC_IN]]) -> (f32)
// CHECK:             %[[ACT:.*]] = arith.maximumf %[[ACC]], %[[ZERO]] : f32
// CHECK:             memref.store %[[ACT]], %[[RESULT]][%[[B]], %[[J]]]
func.func @cell_relu_with_bias(%x_t: memref<?x3xf32>, %h: memref<?x4xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %b_ih: memref<4xf32>, %b_hh: memref<4xf32>, %h_t: memref<?x4xf32, strided<[4, 1], offset: ?>>) {
  rnn.cell %x_t, %h : memref<?x3xf32>, memref<?x4xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      bias(%b_ih, %b_hh : memref<4xf32>, memref<4xf32>)
      outs(%h_t : memref<?x4xf32, strided<[4, 1], offset: ?>>)
      {nonlinearity = #rnn.nonlinearity<relu>}
  return
}

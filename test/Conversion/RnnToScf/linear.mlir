// RUN: rnn-opt %s --convert-rnn-to-scf -split-input-file | FileCheck %s --implicit-check-not=rnn.

/// rnn.linear: output[..., o] = bias[o] + sum_i input[..., i] * W[o, i],
/// one scf.for per leading input dimension, one over the output features
/// and an scf.for reduction over the input features that starts from the
/// bias (or 0.0 without bias).

// CHECK-LABEL: func @linear_rank_2_with_bias
// CHECK-SAME:    (%[[IN:[^:]*]]: memref<?x4xf32>, %[[W:[^:]*]]: memref<5x4xf32>, %[[BIAS:[^:]*]]: memref<5xf32>, %[[OUT:[^:]*]]: memref<?x5xf32>)
// CHECK:         scf.for %[[N:.*]] =
// CHECK:           scf.for %[[O:.*]] =
// CHECK:             %[[B:.*]] = memref.load %[[BIAS]][%[[O]]] : memref<5xf32>
// CHECK:             %[[ACC:.*]] = scf.for %[[I:.*]] = {{.*}} iter_args(%[[SUM:.*]] = %[[B]]) -> (f32) {
// CHECK-DAG:           %[[WV:.*]] = memref.load %[[W]][%[[O]], %[[I]]]
// CHECK-DAG:           %[[XV:.*]] = memref.load %[[IN]][%[[N]], %[[I]]]
// CHECK:               %[[PROD:.*]] = arith.mulf %[[XV]], %[[WV]] fastmath<contract>
// CHECK:               %[[NEXT:.*]] = arith.addf %[[SUM]], %[[PROD]] fastmath<contract>
// CHECK:               scf.yield %[[NEXT]]
// CHECK:             memref.store %[[ACC]], %[[OUT]][%[[N]], %[[O]]] : memref<?x5xf32>
// CHECK-NOT:     scf.for
func.func @linear_rank_2_with_bias(%in: memref<?x4xf32>, %w: memref<5x4xf32>, %b: memref<5xf32>, %out: memref<?x5xf32>) {
  rnn.linear %in, %w bias(%b : memref<5xf32>)
      : memref<?x4xf32>, memref<5x4xf32> outs(%out : memref<?x5xf32>)
  return
}

// -----

// CHECK-LABEL: func @linear_rank_3_without_bias
// CHECK-SAME:    (%[[IN:[^:]*]]: memref<?x?x4xf32>, %[[W:[^:]*]]: memref<5x4xf32>, %[[OUT:[^:]*]]: memref<?x?x5xf32>)
// CHECK:         scf.for %[[T:.*]] =
// CHECK:           scf.for %[[B:.*]] =
// CHECK:             scf.for %[[O:.*]] =
// CHECK:               %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:               %[[ACC:.*]] = scf.for %[[I:.*]] = {{.*}} iter_args(%{{.*}} = %[[ZERO]]) -> (f32) {
// CHECK:                 memref.load %[[IN]][%[[T]], %[[B]], %[[I]]]
// CHECK:               memref.store %[[ACC]], %[[OUT]][%[[T]], %[[B]], %[[O]]] : memref<?x?x5xf32>
func.func @linear_rank_3_without_bias(%in: memref<?x?x4xf32>, %w: memref<5x4xf32>, %out: memref<?x?x5xf32>) {
  rnn.linear %in, %w : memref<?x?x4xf32>, memref<5x4xf32>
      outs(%out : memref<?x?x5xf32>)
  return
}

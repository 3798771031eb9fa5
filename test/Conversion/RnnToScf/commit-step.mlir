// RUN: rnn-opt %s --convert-rnn-to-scf -split-input-file | FileCheck %s --implicit-check-not=rnn.

/// rnn.commit_step with lengths: for each batch row b, if time < lengths[b]
/// (signed, in i64) the row of the step output is copied into the state,
/// otherwise the row of the step output is zeroed and the state is kept.
/// Without lengths every row is copied and there is no scf.if.

// CHECK-LABEL: func @commit_step_with_lengths
// CHECK-SAME:    (%[[OUT:[^:]*]]: memref<?x4xf32>, %[[STATE:[^:]*]]: memref<?x4xf32>, %[[TIME:[^:]*]]: index, %[[LEN:[^:]*]]: memref<?xi64>)
// CHECK:         scf.for %[[B:.*]] =
// CHECK-DAG:       %[[LENGTH:.*]] = memref.load %[[LEN]][%[[B]]] : memref<?xi64>
// CHECK-DAG:       %[[T:.*]] = arith.index_cast %[[TIME]] : index to i64
// CHECK:           %[[ACTIVE:.*]] = arith.cmpi slt, %[[T]], %[[LENGTH]] : i64
// CHECK:           scf.if %[[ACTIVE]] {
// CHECK:             scf.for %[[J:.*]] =
// CHECK:               %[[V:.*]] = memref.load %[[OUT]][%[[B]], %[[J]]]
// CHECK:               memref.store %[[V]], %[[STATE]][%[[B]], %[[J]]]
// CHECK:           } else {
// CHECK:             %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK:             scf.for %[[J2:.*]] =
// CHECK:               memref.store %[[ZERO]], %[[OUT]][%[[B]], %[[J2]]]
// CHECK-NOT:           %[[STATE]]
// CHECK:           }
func.func @commit_step_with_lengths(%y_t: memref<?x4xf32>, %state: memref<?x4xf32>, %t: index, %len: memref<?xi64>) {
  rnn.commit_step %y_t, %state at %t lengths(%len : memref<?xi64>)
      : memref<?x4xf32>, memref<?x4xf32>
  return
}

// -----

// CHECK-LABEL: func @commit_step_without_lengths
// CHECK-SAME:    (%[[OUT:[^:]*]]: memref<2x4xf32, strided<[4, 1], offset: ?>>, %[[STATE:[^:]*]]: memref<2x4xf32>,
// CHECK:         scf.for %[[B:.*]] =
// CHECK-NOT:       scf.if
// CHECK:           scf.for %[[J:.*]] =
// CHECK:             %[[V:.*]] = memref.load %[[OUT]][%[[B]], %[[J]]]
// CHECK:             memref.store %[[V]], %[[STATE]][%[[B]], %[[J]]]
// CHECK-NOT:     scf.if
func.func @commit_step_without_lengths(%y_t: memref<2x4xf32, strided<[4, 1], offset: ?>>, %state: memref<2x4xf32>, %t: index) {
  rnn.commit_step %y_t, %state at %t : memref<2x4xf32, strided<[4, 1], offset: ?>>, memref<2x4xf32>
  return
}

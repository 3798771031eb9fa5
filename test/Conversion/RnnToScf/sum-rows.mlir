// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=8 tile-vectors=2" --canonicalize --cse | FileCheck %s --implicit-check-not=rnn.
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=0" --canonicalize --cse | FileCheck %s --check-prefix=SCALAR --implicit-check-not=rnn.

/// rnn.sum_rows: the 20 columns of g run as one chunk of two 8-lane vectors
/// and a leftover chunk of one vector masked to 4 lanes. A chunk's sums
/// stay in registers over every (t, b) row, then are added to each output.
/// Each column sums its rows in order, as the scalar loops do.

// CHECK-LABEL: func @bias_gradients
// CHECK-SAME:    (%[[G:[a-z0-9_]+]]: memref<5x?x20xf32>, %[[DB_IH:[a-z0-9_]+]]: memref<20xf32>, %[[DB_HH:[a-z0-9_]+]]: memref<20xf32>)
// CHECK-DAG:     %[[MASK:[a-z0-9_]+]] = arith.constant dense<[true, true, true, true, false, false, false, false]> : vector<8xi1>
// CHECK-DAG:     %[[ZERO:[a-z0-9_]+]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK:         %[[SUMS:[a-z0-9_]+]]:2 = scf.for %[[T:[a-z0-9_]+]] = %c0 to %c5 step %c1 iter_args(%[[A0:[a-z0-9_]+]] = %[[ZERO]], %[[A1:[a-z0-9_]+]] = %[[ZERO]])
// CHECK:           scf.for %[[B:[a-z0-9_]+]] = %c0 to %{{.*}} step %c1 iter_args(%[[B0:[a-z0-9_]+]] = %[[A0]], %[[B1:[a-z0-9_]+]] = %[[A1]])
// CHECK-NEXT:        %[[V0:[a-z0-9_]+]] = vector.load %[[G]][%[[T]], %[[B]], %c0] : memref<5x?x20xf32>, vector<8xf32>
// CHECK-NEXT:        %[[S0:[a-z0-9_]+]] = arith.addf %[[B0]], %[[V0]]
// CHECK-NEXT:        %[[V1:[a-z0-9_]+]] = vector.load %[[G]][%[[T]], %[[B]], %c8] : memref<5x?x20xf32>, vector<8xf32>
// CHECK-NEXT:        %[[S1:[a-z0-9_]+]] = arith.addf %[[B1]], %[[V1]]
// CHECK-NEXT:        scf.yield %[[S0]], %[[S1]]
// CHECK:         %[[OLD:[a-z0-9_]+]] = vector.load %[[DB_IH]][%c0]
// CHECK-NEXT:    %[[NEW:[a-z0-9_]+]] = arith.addf %[[OLD]], %[[SUMS]]#0
// CHECK-NEXT:    vector.store %[[NEW]], %[[DB_IH]][%c0]
// CHECK:         vector.store %{{.*}}, %[[DB_IH]][%c8]
// CHECK:         vector.store %{{.*}}, %[[DB_HH]][%c0]
// CHECK:         vector.store %{{.*}}, %[[DB_HH]][%c8]
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK-NEXT:        vector.maskedload %[[G]][%{{.*}}, %{{.*}}, %c16], %[[MASK]], %[[ZERO]]
// CHECK:         vector.maskedstore %[[DB_IH]][%c16], %[[MASK]]
// CHECK:         vector.maskedstore %[[DB_HH]][%c16], %[[MASK]]
// CHECK:         return

// SCALAR-LABEL: func @bias_gradients
// SCALAR:         scf.for %[[N:[a-z0-9_]+]] = %c0 to %c20 step %c1 {
// SCALAR:           %[[SUM:[a-z0-9_]+]] = scf.for %{{.*}} = %c0 to %c5 step %c1 iter_args(
// SCALAR:             scf.for
// SCALAR:               memref.load %{{.*}}[%{{.*}}, %{{.*}}, %[[N]]]
// SCALAR:           %[[OLD:[a-z0-9_]+]] = memref.load %{{.*}}[%[[N]]]
// SCALAR-NEXT:      %[[NEW:[a-z0-9_]+]] = arith.addf %[[OLD]], %[[SUM]]
func.func @bias_gradients(%g: memref<5x?x20xf32>, %db_ih: memref<20xf32>,
                          %db_hh: memref<20xf32>) {
  rnn.sum_rows %g : memref<5x?x20xf32>
      outs(%db_ih, %db_hh : memref<20xf32>, memref<20xf32>)
  return
}

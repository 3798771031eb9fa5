// RUN: rnn-opt %s --convert-rnn-to-scf -split-input-file | FileCheck %s --implicit-check-not=rnn.

/// rnn.all_in_range folds `lower <= v && v <= upper` (signed, in i64) over
/// every element with an scf.for reduction per dimension, starting from
/// true; i32 values are sign-extended first.

// CHECK-LABEL: func @all_in_range_rank_1
// CHECK-SAME:    (%[[LEN:[^:]*]]: memref<?xi64>, %[[LO:[^:]*]]: i64, %[[HI:[^:]*]]: i64)
// CHECK:         %[[TRUE:.*]] = arith.constant true
// CHECK:         %[[OK:.*]] = scf.for %[[I:.*]] = {{.*}} iter_args(%[[ACC:.*]] = %[[TRUE]]) -> (i1) {
// CHECK:           %[[V:.*]] = memref.load %[[LEN]][%[[I]]] : memref<?xi64>
// CHECK-NOT:       arith.extsi
// CHECK-DAG:       %[[GE:.*]] = arith.cmpi sge, %[[V]], %[[LO]] : i64
// CHECK-DAG:       %[[LE:.*]] = arith.cmpi sle, %[[V]], %[[HI]] : i64
// CHECK:           %[[IN:.*]] = arith.andi %[[GE]], %[[LE]] : i1
// CHECK:           %[[NEXT:.*]] = arith.andi %[[ACC]], %[[IN]] : i1
// CHECK:           scf.yield %[[NEXT]] : i1
// CHECK:         return %[[OK]] : i1
func.func @all_in_range_rank_1(%len: memref<?xi64>, %lo: i64, %hi: i64) -> i1 {
  %ok = rnn.all_in_range %len in [%lo, %hi] : memref<?xi64>
  return %ok : i1
}

// -----

// CHECK-LABEL: func @all_in_range_rank_2_i32
// CHECK-SAME:    (%[[IDS:[^:]*]]: memref<?x?xi32>, %[[LO:[^:]*]]: i64, %[[HI:[^:]*]]: i64)
// CHECK:         %[[TRUE:.*]] = arith.constant true
// CHECK:         %[[OK:.*]] = scf.for %[[I:.*]] = {{.*}} iter_args(%[[OUTER:.*]] = %[[TRUE]]) -> (i1) {
// CHECK:           %[[ROW_OK:.*]] = scf.for %[[J:.*]] = {{.*}} iter_args(%{{.*}} = %[[OUTER]]) -> (i1) {
// CHECK:             %[[V:.*]] = memref.load %[[IDS]][%[[I]], %[[J]]] : memref<?x?xi32>
// CHECK:             %[[V64:.*]] = arith.extsi %[[V]] : i32 to i64
// CHECK-DAG:         arith.cmpi sge, %[[V64]], %[[LO]] : i64
// CHECK-DAG:         arith.cmpi sle, %[[V64]], %[[HI]] : i64
// CHECK:           scf.yield %[[ROW_OK]] : i1
// CHECK:         return %[[OK]] : i1
func.func @all_in_range_rank_2_i32(%ids: memref<?x?xi32>, %lo: i64, %hi: i64) -> i1 {
  %ok = rnn.all_in_range %ids in [%lo, %hi] : memref<?x?xi32>
  return %ok : i1
}

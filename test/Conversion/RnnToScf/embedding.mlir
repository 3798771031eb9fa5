// RUN: rnn-opt %s --convert-rnn-to-scf -split-input-file | FileCheck %s --implicit-check-not=rnn.

/// rnn.embedding: output[t, b, e] = weight[indices[t, b], e]. The token id
/// (i64 or i32) is cast to index with arith.index_cast; the ids are assumed
/// in range (rnn.all_in_range checks them first).

// CHECK-LABEL: func @embedding_i64
// CHECK-SAME:    (%[[IDS:[^:]*]]: memref<?x?xi64>, %[[TABLE:[^:]*]]: memref<27x8xf32>, %[[EMB:[^:]*]]: memref<?x?x8xf32>)
// CHECK:         scf.for %[[T:.*]] =
// CHECK:           scf.for %[[B:.*]] =
// CHECK:             %[[ID:.*]] = memref.load %[[IDS]][%[[T]], %[[B]]] : memref<?x?xi64>
// CHECK:             %[[ROW:.*]] = arith.index_cast %[[ID]] : i64 to index
// CHECK:             scf.for %[[E:.*]] =
// CHECK:               %[[V:.*]] = memref.load %[[TABLE]][%[[ROW]], %[[E]]] : memref<27x8xf32>
// CHECK:               memref.store %[[V]], %[[EMB]][%[[T]], %[[B]], %[[E]]] : memref<?x?x8xf32>
func.func @embedding_i64(%ids: memref<?x?xi64>, %table: memref<27x8xf32>, %emb: memref<?x?x8xf32>) {
  rnn.embedding %ids, %table : memref<?x?xi64>, memref<27x8xf32>
      outs(%emb : memref<?x?x8xf32>)
  return
}

// -----

// CHECK-LABEL: func @embedding_i32
// CHECK:         %[[ID:.*]] = memref.load %{{.*}} : memref<?x?xi32>
// CHECK:         arith.index_cast %[[ID]] : i32 to index
func.func @embedding_i32(%ids: memref<?x?xi32>, %table: memref<27x8xf32>, %emb: memref<?x?x8xf32>) {
  rnn.embedding %ids, %table : memref<?x?xi32>, memref<27x8xf32>
      outs(%emb : memref<?x?x8xf32>)
  return
}

// RUN: rnn-opt %s --convert-rnn-to-scf -split-input-file | FileCheck %s --implicit-check-not=rnn.

/// rnn.embedding_grad is a scatter-add: for every position (t, b) the token
/// id is cast to index once, and each of the E features of
/// d_out[t, b, :] is added into row `id` of the table's gradient. Repeated
/// ids accumulate (load, add, store), never overwrite.

// CHECK-LABEL: func @embedding_grad_i64
// CHECK-SAME:    (%[[IDS:[^:]*]]: memref<?x?xi64>, %[[D_OUT:[^:]*]]: memref<?x?x4xf32>, %[[D_TABLE:[^:]*]]: memref<7x4xf32>)
// CHECK-DAG:     %[[DIM:[a-z0-9_]+]] = memref.dim %[[D_TABLE]], %{{.*}} : memref<7x4xf32>
// CHECK-DAG:     %[[SEQ:[a-z0-9_]+]] = memref.dim %[[IDS]], %{{.*}} : memref<?x?xi64>
// CHECK:         scf.for %[[T:[a-z0-9_]+]] = %{{.*}} to %[[SEQ]]
// CHECK:           %[[BATCH:[a-z0-9_]+]] = memref.dim %[[IDS]], %{{.*}} : memref<?x?xi64>
// CHECK:           scf.for %[[B:[a-z0-9_]+]] = %{{.*}} to %[[BATCH]]
// CHECK-NEXT:        %[[ID:[a-z0-9_]+]] = memref.load %[[IDS]][%[[T]], %[[B]]] : memref<?x?xi64>
// CHECK-NEXT:        %[[ROW:[a-z0-9_]+]] = arith.index_cast %[[ID]] : i64 to index
// CHECK:             scf.for %[[E:[a-z0-9_]+]] = %{{.*}} to %[[DIM]]
// CHECK-NEXT:          %[[DELTA:[a-z0-9_]+]] = memref.load %[[D_OUT]][%[[T]], %[[B]], %[[E]]]
// CHECK-NEXT:          %[[OLD:[a-z0-9_]+]] = memref.load %[[D_TABLE]][%[[ROW]], %[[E]]]
// CHECK-NEXT:          %[[NEW:[a-z0-9_]+]] = arith.addf %[[OLD]], %[[DELTA]] fastmath<contract> : f32
// CHECK-NEXT:          memref.store %[[NEW]], %[[D_TABLE]][%[[ROW]], %[[E]]]
func.func @embedding_grad_i64(%ids: memref<?x?xi64>, %demb: memref<?x?x4xf32>,
                              %dtable: memref<7x4xf32>) {
  rnn.embedding_grad %ids, %demb : memref<?x?xi64>, memref<?x?x4xf32>
      weight_grad(%dtable : memref<7x4xf32>)
  return
}

// -----

/// i32 token ids are cast to index directly; a strided gradient view of
/// the table works the same way.

// CHECK-LABEL: func @embedding_grad_i32_strided
// CHECK-SAME:    (%[[IDS:[^:]*]]: memref<?x?xi32>, %[[D_OUT:[^:]*]]: memref<?x?x4xf32>, %[[D_TABLE:[^:]*]]: memref<7x4xf32, strided<[8, 1], offset: ?>>)
// CHECK:         %[[ID:[a-z0-9_]+]] = memref.load %[[IDS]][%{{.*}}, %{{.*}}] : memref<?x?xi32>
// CHECK-NEXT:    %[[ROW:[a-z0-9_]+]] = arith.index_cast %[[ID]] : i32 to index
// CHECK:         memref.load %[[D_TABLE]][%[[ROW]], %{{.*}}]
// CHECK:         memref.store %{{.*}}, %[[D_TABLE]][%[[ROW]], %{{.*}}]
func.func @embedding_grad_i32_strided(
    %ids: memref<?x?xi32>, %demb: memref<?x?x4xf32>,
    %dtable: memref<7x4xf32, strided<[8, 1], offset: ?>>) {
  rnn.embedding_grad %ids, %demb : memref<?x?xi32>, memref<?x?x4xf32>
      weight_grad(%dtable : memref<7x4xf32, strided<[8, 1], offset: ?>>)
  return
}

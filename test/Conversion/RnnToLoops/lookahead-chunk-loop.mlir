// RUN: rnn-opt %s --convert-rnn-to-loops="unroll=none lookahead-rows=2 lookahead-vector-width=2" --canonicalize -split-input-file | FileCheck %s

/// The look-ahead schedule splits each step's recurrent product into chunks
/// of lookahead-rows * lookahead-vector-width columns (4 here). Up to 16
/// chunks are written out one by one, each with static column offsets; more
/// run as a loop over chunks, so that a step's code, and the compile, stay
/// the same size for any hidden size (docs/compile-time.md).

/// H = 64: 16 chunks, written out.
// CHECK-LABEL: func @sixteen_chunks
// CHECK:         scf.for
// CHECK-NOT:       scf.for
// CHECK-COUNT-16:  rnn.matmul_pair
// CHECK-NOT:       rnn.matmul_pair
// CHECK:         return
func.func @sixteen_chunks(%x: memref<?x?x3xf32>,
                   %w_ih: memref<64x3xf32>, %w_hh: memref<64x64xf32>,
                   %y: memref<?x?x64xf32>, %h: memref<?x64xf32>,
                   %wt_ih: memref<3x64xf32>,
                   %wt_hh: memref<64x64xf32>) {
  rnn.layer %x : memref<?x?x3xf32>
      weights(%w_ih, %w_hh : memref<64x3xf32>, memref<64x64xf32>)
      outs(%y, %h : memref<?x?x64xf32>, memref<?x64xf32>)
      transposed_weights(%wt_ih, %wt_hh : memref<3x64xf32>,
                         memref<64x64xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

/// H = 68: 17 chunks, a loop over them whose body pairs chunk %c (at column
/// %c * 4) with projection column ((i mod 2) * 17 + %c) * 2.
// CHECK-LABEL: func @seventeen_chunks
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG:     %[[C17:.*]] = arith.constant 17 : index
// CHECK:         scf.for
// CHECK:           scf.for %[[C:.*]] = %[[C0]] to %[[C17]] step %[[C1]] {
// CHECK:             arith.muli %[[C]], %[[C4]] : index
// CHECK:             rnn.matmul_pair
// CHECK-NOT:         rnn.matmul_pair
// CHECK:           }
// CHECK:         return
func.func @seventeen_chunks(%x: memref<?x?x3xf32>,
                   %w_ih: memref<68x3xf32>, %w_hh: memref<68x68xf32>,
                   %y: memref<?x?x68xf32>, %h: memref<?x68xf32>,
                   %wt_ih: memref<3x68xf32>,
                   %wt_hh: memref<68x68xf32>) {
  rnn.layer %x : memref<?x?x3xf32>
      weights(%w_ih, %w_hh : memref<68x3xf32>, memref<68x68xf32>)
      outs(%y, %h : memref<?x?x68xf32>, memref<?x68xf32>)
      transposed_weights(%wt_ih, %wt_hh : memref<3x68xf32>,
                         memref<68x68xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

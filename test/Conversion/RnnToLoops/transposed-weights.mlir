// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=none | FileCheck %s --implicit-check-not=rnn.cell

/// With room for its transposed weights, a layer transposes W_ih and W_hh
/// into it, computes the input projection of every step as one time-major
/// rnn.matmul (with b_ih), and then each step's recurrent product
/// accumulates into the step's output with b_hh and the activation fused,
/// before rnn.commit_step carries the state.

// CHECK-LABEL: func @layer_gemm
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: memref<?x?x3xf32>, %[[W_IH:[a-z0-9_]+]]: memref<4x3xf32>, %[[W_HH:[a-z0-9_]+]]: memref<4x4xf32>, %[[B_IH:[a-z0-9_]+]]: memref<4xf32>, %[[B_HH:[a-z0-9_]+]]: memref<4xf32>,
// CHECK-SAME:     %[[Y:[a-z0-9_]+]]: memref<?x?x4xf32>, %[[H:[a-z0-9_]+]]: memref<?x4xf32>, %[[WT_IH:[a-z0-9_]+]]: memref<3x4xf32, strided<[32, 1]>>, %[[WT_HH:[a-z0-9_]+]]: memref<4x4xf32, strided<[32, 1]>>)
// CHECK:         linalg.transpose ins(%[[W_IH]] : memref<4x3xf32>) outs(%[[WT_IH]] : {{.*}}) permutation = [1, 0]
// CHECK:         linalg.transpose ins(%[[W_HH]] : memref<4x4xf32>) outs(%[[WT_HH]] : {{.*}}) permutation = [1, 0]
// CHECK:         rnn.matmul %[[X]], %[[WT_IH]] bias(%[[B_IH]] : memref<4xf32>) : memref<?x?x3xf32>, {{.*}} outs(%[[Y]] : memref<?x?x4xf32>)
// CHECK-NOT:       accumulate
// CHECK:         scf.for %[[T:[a-z0-9_]+]] =
// CHECK:           %[[Y_T:[a-z0-9_]+]] = memref.subview %[[Y]][%[[T]], 0, 0]
// CHECK-NEXT:      rnn.matmul %[[H]], %[[WT_HH]] bias(%[[B_HH]] : memref<4xf32>) : memref<?x4xf32>, {{.*}} outs(%[[Y_T]] : {{.*}}) {accumulate, nonlinearity = #rnn.nonlinearity<relu>, rnn.sequential}
// CHECK-NEXT:      rnn.commit_step %[[Y_T]], %[[H]] at %[[T]]
func.func @layer_gemm(%x: memref<?x?x3xf32>, %w_ih: memref<4x3xf32>,
                      %w_hh: memref<4x4xf32>, %b_ih: memref<4xf32>,
                      %b_hh: memref<4xf32>, %y: memref<?x?x4xf32>,
                      %h: memref<?x4xf32>,
                      %wt_ih: memref<3x4xf32, strided<[32, 1]>>,
                      %wt_hh: memref<4x4xf32, strided<[32, 1]>>) {
  rnn.layer %x : memref<?x?x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      bias(%b_ih, %b_hh : memref<4xf32>, memref<4xf32>)
      outs(%y, %h : memref<?x?x4xf32>, memref<?x4xf32>)
      transposed_weights(%wt_ih, %wt_hh : memref<3x4xf32, strided<[32, 1]>>,
                         memref<4x4xf32, strided<[32, 1]>>)
      {nonlinearity = #rnn.nonlinearity<relu>}
  return
}

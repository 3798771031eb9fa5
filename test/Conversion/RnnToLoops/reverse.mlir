// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=none -split-input-file | FileCheck %s
// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=full --canonicalize -split-input-file 2>/dev/null | FileCheck %s --check-prefix=FOLDED

/// A `reverse` rnn.layer visits the time steps backwards: iteration i of the
/// time loop works on step t = T-1-i, for the input row, the output row and
/// the commit. Fully unrolled and folded, a T=3 layer visits 2, 1, 0.

// CHECK-LABEL: func @reverse_dynamic_steps
// CHECK-SAME:    (%[[X:[^:]*]]: memref<?x2x3xf32>, %[[W_IH:[^:]*]]: memref<4x3xf32>, %[[W_HH:[^:]*]]: memref<4x4xf32>, %[[Y:[^:]*]]: memref<?x2x4xf32>, %[[STATE:[^:]*]]: memref<2x4xf32>)
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[SEQ_LEN:.*]] = memref.dim %[[X]], %{{.*}} : memref<?x2x3xf32>
// CHECK:         scf.for %[[I:.*]] = %[[C0]] to %[[SEQ_LEN]] step %[[C1]] {
// CHECK-NEXT:      %[[LAST:.*]] = arith.subi %[[SEQ_LEN]], %[[C1]] : index
// CHECK-NEXT:      %[[T:.*]] = arith.subi %[[LAST]], %[[I]] : index
// CHECK-NEXT:      %[[X_T:.*]] = memref.subview %[[X]][%[[T]], 0, 0] [1, 2, 3] [1, 1, 1]
// CHECK-NEXT:      %[[Y_T:.*]] = memref.subview %[[Y]][%[[T]], 0, 0] [1, 2, 4] [1, 1, 1]
// CHECK-NEXT:      rnn.cell %[[X_T]], %[[STATE]] : {{.*}} outs(%[[Y_T]] :
// CHECK-NEXT:      rnn.commit_step %[[Y_T]], %[[STATE]] at %[[T]] :
// CHECK-NEXT:    }
func.func @reverse_dynamic_steps(%x: memref<?x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<?x2x4xf32>, %state: memref<2x4xf32>) {
  rnn.layer %x : memref<?x2x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<?x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>, reverse}
  return
}

// -----

// FOLDED-LABEL: func @reverse_three_steps
// FOLDED-SAME:    (%[[X:[^:]*]]: memref<3x2x3xf32>, %[[W_IH:[^:]*]]: memref<4x3xf32>, %[[W_HH:[^:]*]]: memref<4x4xf32>, %[[Y:[^:]*]]: memref<3x2x4xf32>, %[[STATE:[^:]*]]: memref<2x4xf32>)
// FOLDED-DAG:     %[[C0:.*]] = arith.constant 0 : index
// FOLDED-DAG:     %[[C1:.*]] = arith.constant 1 : index
// FOLDED-DAG:     %[[C2:.*]] = arith.constant 2 : index
// FOLDED:         memref.subview %[[X]][2, 0, 0]
// FOLDED:         memref.subview %[[Y]][2, 0, 0]
// FOLDED:         rnn.commit_step %{{.*}}, %[[STATE]] at %[[C2]] :
// FOLDED:         memref.subview %[[X]][1, 0, 0]
// FOLDED:         memref.subview %[[Y]][1, 0, 0]
// FOLDED:         rnn.commit_step %{{.*}}, %[[STATE]] at %[[C1]] :
// FOLDED:         memref.subview %[[X]][0, 0, 0]
// FOLDED:         memref.subview %[[Y]][0, 0, 0]
// FOLDED:         rnn.commit_step %{{.*}}, %[[STATE]] at %[[C0]] :
// FOLDED-NOT:     rnn.cell
func.func @reverse_three_steps(%x: memref<3x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<3x2x4xf32>, %state: memref<2x4xf32>) {
  rnn.layer %x : memref<3x2x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<3x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>, reverse}
  return
}

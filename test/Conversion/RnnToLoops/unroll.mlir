// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=none | FileCheck %s --check-prefixes=CHECK,STATIC-LOOP,DYNAMIC-LOOP
// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=1 | FileCheck %s --check-prefixes=CHECK,STATIC-LOOP,DYNAMIC-LOOP
// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=full 2>/dev/null | FileCheck %s --check-prefixes=CHECK,STATIC-UNROLLED,DYNAMIC-LOOP
// RUN: rnn-opt %s --convert-rnn-to-loops=unroll=2 | FileCheck %s --check-prefixes=CHECK,STATIC-UNROLLED,DYNAMIC-BY2
// RUN: rnn-opt %s --convert-rnn-to-loops | FileCheck %s --check-prefixes=CHECK,STATIC-UNROLLED,DYNAMIC-LOOP
// RUN: rnn-opt %s --convert-rnn-to-loops=auto-unroll-max-steps=2 | FileCheck %s --check-prefixes=CHECK,STATIC-LOOP,DYNAMIC-LOOP

/// convert-rnn-to-loops turns a forward rnn.layer into a loop over time
/// whose body views step t of the input and output, runs rnn.cell on the
/// carried state and commits the step. The `unroll` option then keeps the
/// loop (`none`, `1`), unrolls it fully (`full`, static T only), by a
/// factor with an epilogue loop (`2`), or picks full unrolling for a static
/// T of at most `auto-unroll-max-steps` (the default `auto`, limit 8).
/// T = 3 is static below; T = ? is dynamic.

// CHECK-LABEL: func @static_three_steps
// CHECK-SAME:    (%[[X:[^:]*]]: memref<3x2x3xf32>, %[[W_IH:[^:]*]]: memref<4x3xf32>, %[[W_HH:[^:]*]]: memref<4x4xf32>, %[[Y:[^:]*]]: memref<3x2x4xf32>, %[[STATE:[^:]*]]: memref<2x4xf32>)
// CHECK-NOT:     rnn.layer
// STATIC-LOOP-DAG:   %[[C0:.*]] = arith.constant 0 : index
// STATIC-LOOP-DAG:   %[[C1:.*]] = arith.constant 1 : index
// STATIC-LOOP-DAG:   %[[C3:.*]] = arith.constant 3 : index
// STATIC-LOOP:       scf.for %[[T:.*]] = %[[C0]] to %[[C3]] step %[[C1]] {
// STATIC-LOOP-NEXT:    %[[X_T:.*]] = memref.subview %[[X]][%[[T]], 0, 0] [1, 2, 3] [1, 1, 1] : memref<3x2x3xf32> to memref<2x3xf32, strided<[3, 1], offset: ?>>
// STATIC-LOOP-NEXT:    %[[Y_T:.*]] = memref.subview %[[Y]][%[[T]], 0, 0] [1, 2, 4] [1, 1, 1] : memref<3x2x4xf32> to memref<2x4xf32, strided<[4, 1], offset: ?>>
// STATIC-LOOP-NEXT:    rnn.cell %[[X_T]], %[[STATE]] : {{.*}} weights(%[[W_IH]], %[[W_HH]] : {{.*}} outs(%[[Y_T]] : {{.*}} {nonlinearity = #rnn.nonlinearity<tanh>}
// STATIC-LOOP-NEXT:    rnn.commit_step %[[Y_T]], %[[STATE]] at %[[T]] : {{.*}}
// STATIC-LOOP-NEXT:  }
// STATIC-UNROLLED-NOT: scf.for
// STATIC-UNROLLED:     %[[X_0:.*]] = memref.subview %[[X]][%[[T0:.*]], 0, 0]
// STATIC-UNROLLED:     %[[Y_0:.*]] = memref.subview %[[Y]][%[[T0]], 0, 0]
// STATIC-UNROLLED:     rnn.cell %[[X_0]], %[[STATE]] : {{.*}} outs(%[[Y_0]] :
// STATIC-UNROLLED:     rnn.commit_step %[[Y_0]], %[[STATE]] at %[[T0]] :
// STATIC-UNROLLED:     %[[X_1:.*]] = memref.subview %[[X]][%[[T1:.*]], 0, 0]
// STATIC-UNROLLED:     %[[Y_1:.*]] = memref.subview %[[Y]][%[[T1]], 0, 0]
// STATIC-UNROLLED:     rnn.cell %[[X_1]], %[[STATE]] : {{.*}} outs(%[[Y_1]] :
// STATIC-UNROLLED:     rnn.commit_step %[[Y_1]], %[[STATE]] at %[[T1]] :
// STATIC-UNROLLED:     %[[X_2:.*]] = memref.subview %[[X]][%[[T2:.*]], 0, 0]
// STATIC-UNROLLED:     %[[Y_2:.*]] = memref.subview %[[Y]][%[[T2]], 0, 0]
// STATIC-UNROLLED:     rnn.cell %[[X_2]], %[[STATE]] : {{.*}} outs(%[[Y_2]] :
// STATIC-UNROLLED:     rnn.commit_step %[[Y_2]], %[[STATE]] at %[[T2]] :
// STATIC-UNROLLED-NOT: rnn.cell
// STATIC-UNROLLED-NOT: scf.for
// CHECK:         return
func.func @static_three_steps(%x: memref<3x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<3x2x4xf32>, %state: memref<2x4xf32>) {
  rnn.layer %x : memref<3x2x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<3x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// CHECK-LABEL: func @dynamic_steps
// CHECK-SAME:    (%[[X:[^:]*]]: memref<?x2x3xf32>, %[[W_IH:[^:]*]]: memref<4x3xf32>, %[[W_HH:[^:]*]]: memref<4x4xf32>, %[[Y:[^:]*]]: memref<?x2x4xf32>, %[[STATE:[^:]*]]: memref<2x4xf32>)
// CHECK-NOT:     rnn.layer
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[SEQ_LEN:.*]] = memref.dim %[[X]], %{{.*}} : memref<?x2x3xf32>
// DYNAMIC-LOOP:       scf.for %[[T:.*]] = %[[C0]] to %[[SEQ_LEN]] step %[[C1]] {
// DYNAMIC-LOOP-NEXT:    %[[X_T:.*]] = memref.subview %[[X]][%[[T]], 0, 0] [1, 2, 3] [1, 1, 1]
// DYNAMIC-LOOP-NEXT:    %[[Y_T:.*]] = memref.subview %[[Y]][%[[T]], 0, 0] [1, 2, 4] [1, 1, 1]
// DYNAMIC-LOOP-NEXT:    rnn.cell %[[X_T]], %[[STATE]] : {{.*}} outs(%[[Y_T]] :
// DYNAMIC-LOOP-NEXT:    rnn.commit_step %[[Y_T]], %[[STATE]] at %[[T]] :
// DYNAMIC-LOOP-NEXT:  }
// DYNAMIC-LOOP-NOT:   scf.for
/// unroll=2: a main loop doing steps t and t+1, then an epilogue loop for
/// the last step when T is odd.
// DYNAMIC-BY2:       scf.for %[[T:.*]] = %[[C0]] to %[[MAIN_END:.*]] step %{{.*}} {
// DYNAMIC-BY2:         %[[X_T:.*]] = memref.subview %[[X]][%[[T]], 0, 0]
// DYNAMIC-BY2:         rnn.cell %[[X_T]], %[[STATE]]
// DYNAMIC-BY2:         rnn.commit_step %{{.*}}, %[[STATE]] at %[[T]] :
// DYNAMIC-BY2:         %[[T_NEXT:.*]] = arith.addi %[[T]], %{{.*}} : index
// DYNAMIC-BY2:         %[[X_T_NEXT:.*]] = memref.subview %[[X]][%[[T_NEXT]], 0, 0]
// DYNAMIC-BY2:         rnn.cell %[[X_T_NEXT]], %[[STATE]]
// DYNAMIC-BY2:         rnn.commit_step %{{.*}}, %[[STATE]] at %[[T_NEXT]] :
// DYNAMIC-BY2-NEXT:  }
// DYNAMIC-BY2:       scf.for %[[T_REM:.*]] = %[[MAIN_END]] to %[[SEQ_LEN]] step %[[C1]] {
// DYNAMIC-BY2:         rnn.cell
// DYNAMIC-BY2:         rnn.commit_step %{{.*}}, %[[STATE]] at %[[T_REM]] :
// DYNAMIC-BY2-NEXT:  }
// CHECK:         return
func.func @dynamic_steps(%x: memref<?x2x3xf32>, %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>, %y: memref<?x2x4xf32>, %state: memref<2x4xf32>) {
  rnn.layer %x : memref<?x2x3xf32>
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %state : memref<?x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

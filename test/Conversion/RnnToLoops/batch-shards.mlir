// RUN: rnn-opt %s --convert-rnn-to-loops="unroll=none parallel=1" --canonicalize --cse -split-input-file | FileCheck %s
// RUN: rnn-opt %s --convert-rnn-to-loops="unroll=none" --canonicalize --cse -split-input-file | FileCheck %s --check-prefix=SERIAL

/// With `parallel`, a layer's time loop runs on batch shards: as many as
/// OpenMP threads, but none with fewer than 8 rows or 2^22 multiply-adds
/// over the sequence (T * rows * H * H). Shard s owns rows
/// [min(s * rows, B), + min(rows, B - first)) of the output, the state and
/// the lengths, and runs the whole (here reverse) time loop on them; with
/// one shard the same loop runs on the whole batch, outside any parallel
/// loop. The input projection stays one product over every row.

// CHECK-LABEL: func @layer
// CHECK-SAME:    %[[LENGTHS:[a-z0-9_]+]]: memref<?xi64>,
// CHECK-SAME:    %[[Y:[a-z0-9_]+]]: memref<?x?x4xf32>, %[[H:[a-z0-9_]+]]: memref<?x4xf32>,
// CHECK:         rnn.matmul %{{.*}}, %{{.*}} bias(%{{.*}} : memref<4xf32>) : memref<?x?x3xf32>, {{.*}} outs(%[[Y]] : memref<?x?x4xf32>)
// CHECK:         %[[B:[a-z0-9_]+]] = memref.dim %[[H]], %c0
// CHECK:         %[[T:[a-z0-9_]+]] = memref.dim %[[Y]], %c0
// CHECK:         %[[MAX:[a-z0-9_]+]] = call @omp_get_max_threads() : () -> i32
// CHECK:         %[[THREADS:[a-z0-9_]+]] = arith.index_cast %[[MAX]] : i32 to index
// CHECK:         %[[TB:[a-z0-9_]+]] = arith.muli %[[T]], %[[B]]
// CHECK:         %[[MACS:[a-z0-9_]+]] = arith.muli %[[TB]], %c16
// CHECK:         %[[BY_ROWS:[a-z0-9_]+]] = arith.divui %[[B]], %c8
// CHECK:         %[[FEWER:[a-z0-9_]+]] = arith.minsi %[[THREADS]], %[[BY_ROWS]]
// CHECK:         %[[BY_MACS:[a-z0-9_]+]] = arith.divui %[[MACS]], %c4194304
// CHECK:         %[[FEWEST:[a-z0-9_]+]] = arith.minsi %[[FEWER]], %[[BY_MACS]]
// CHECK:         %[[SHARDS:[a-z0-9_]+]] = arith.maxsi %[[FEWEST]], %c1
// CHECK:         %[[BSHARDS:[a-z0-9_]+]] = arith.addi %[[B]], %[[SHARDS]]
// CHECK:         %[[ROUNDED:[a-z0-9_]+]] = arith.subi %[[BSHARDS]], %c1
// CHECK:         %[[ROWS:[a-z0-9_]+]] = arith.divui %[[ROUNDED]], %[[SHARDS]]
// CHECK:         %[[USE:[a-z0-9_]+]] = arith.cmpi sgt, %[[SHARDS]], %c1
// CHECK:         scf.if %[[USE]] {
// CHECK-NEXT:      scf.parallel (%[[S:[a-z0-9_]+]]) = (%c0) to (%[[SHARDS]]) step (%c1) {
// CHECK-NEXT:        %[[START:[a-z0-9_]+]] = arith.muli %[[S]], %[[ROWS]]
// CHECK-NEXT:        %[[FIRST:[a-z0-9_]+]] = arith.minui %[[START]], %[[B]]
// CHECK-NEXT:        %[[REST:[a-z0-9_]+]] = arith.subi %[[B]], %[[FIRST]]
// CHECK-NEXT:        %[[COUNT:[a-z0-9_]+]] = arith.minui %[[ROWS]], %[[REST]]
// CHECK:             %[[Y_S:[a-z0-9_]+]] = memref.subview %[[Y]][0, %[[FIRST]], 0] [%{{.*}}, %[[COUNT]], 4] [1, 1, 1]
// CHECK:             %[[L_S:[a-z0-9_]+]] = memref.subview %[[LENGTHS]][%[[FIRST]]] [%[[COUNT]]] [1]
// CHECK:             %[[H_S:[a-z0-9_]+]] = memref.subview %[[H]][%[[FIRST]], 0] [%[[COUNT]], 4] [1, 1]
// CHECK:             scf.for %{{.*}} = %c0 to %{{.*}} step %c1 {
// CHECK:               %[[Y_T:[a-z0-9_]+]] = memref.subview %[[Y_S]][%{{.*}}, 0, 0] [1, %[[COUNT]], 4]
// CHECK-NEXT:          rnn.matmul %[[H_S]], %{{.*}} bias(%{{.*}}) : {{.*}} outs(%[[Y_T]] : {{.*}}) {accumulate, nonlinearity = #rnn.nonlinearity<tanh>, rnn.sequential}
// CHECK-NEXT:          rnn.commit_step %[[Y_T]], %[[H_S]] at %{{.*}} lengths(%[[L_S]] : {{.*}})
// CHECK:             scf.reduce
// CHECK:         } else {
// CHECK:           scf.for %{{.*}} = %c0 to %{{.*}} step %c1 {
// CHECK:             rnn.matmul %[[H]], %{{.*}} bias(
// CHECK-NEXT:        rnn.commit_step %{{.*}}, %[[H]] at %{{.*}} lengths(%[[LENGTHS]] : memref<?xi64>)
// CHECK:       func.func private @omp_get_max_threads() -> i32

// SERIAL-LABEL: func @layer
// SERIAL-NOT:     scf.parallel
// SERIAL-NOT:     omp_get_max_threads
func.func @layer(%x: memref<?x?x3xf32>, %lengths: memref<?xi64>,
                 %w_ih: memref<4x3xf32>, %w_hh: memref<4x4xf32>,
                 %b_ih: memref<4xf32>, %b_hh: memref<4xf32>,
                 %y: memref<?x?x4xf32>, %h: memref<?x4xf32>,
                 %wt_ih: memref<3x4xf32, strided<[32, 1]>>,
                 %wt_hh: memref<4x4xf32, strided<[32, 1]>>) {
  rnn.layer %x : memref<?x?x3xf32> lengths(%lengths : memref<?xi64>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      bias(%b_ih, %b_hh : memref<4xf32>, memref<4xf32>)
      outs(%y, %h : memref<?x?x4xf32>, memref<?x4xf32>)
      transposed_weights(%wt_ih, %wt_hh : memref<3x4xf32, strided<[32, 1]>>,
                         memref<4x4xf32, strided<[32, 1]>>)
      {nonlinearity = #rnn.nonlinearity<tanh>, reverse}
  return
}


// -----

/// The backward time loop shards the same way, over the rows of x, y, the
/// output gradients (g), h0 and the state gradient. Its cell_grad steps no
/// longer sum the bias gradients, which every shard would share: one
/// rnn.sum_rows adds up the g of all (t, b) after the loop, as the weight
/// gradients are formed.

// CHECK-LABEL: func @layer_grad
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: memref<5x?x2xf32>, %[[H0:[a-z0-9_]+]]: memref<?x4xf32>,
// CHECK-SAME:     %[[Y:[a-z0-9_]+]]: memref<5x?x4xf32>, %[[DY:[a-z0-9_]+]]: memref<5x?x4xf32>,
// CHECK-SAME:     %[[DH:[a-z0-9_]+]]: memref<?x4xf32>, %[[DW_IH:[a-z0-9_]+]]: memref<4x2xf32>,
// CHECK-SAME:     %[[DW_HH:[a-z0-9_]+]]: memref<4x4xf32>, %[[DB_IH:[a-z0-9_]+]]: memref<4xf32>,
// CHECK-SAME:     %[[DB_HH:[a-z0-9_]+]]: memref<4xf32>)
// CHECK:         %[[B:[a-z0-9_]+]] = memref.dim %[[DH]], %c0
// CHECK:         call @omp_get_max_threads()
// CHECK:         %[[MACS:[a-z0-9_]+]] = arith.muli %[[B]], %c80
// CHECK:         scf.if %{{.*}} {
// CHECK-NEXT:      scf.parallel (%{{.*}}) = (%c0) to (%{{.*}}) step (%c1) {
// CHECK:             %[[X_S:[a-z0-9_]+]] = memref.subview %[[X]][0, %[[FIRST:[a-z0-9_]+]], 0] [5, %[[COUNT:[a-z0-9_]+]], 2]
// CHECK:             %[[Y_S:[a-z0-9_]+]] = memref.subview %[[Y]][0, %[[FIRST]], 0] [5, %[[COUNT]], 4]
// CHECK:             %[[DY_S:[a-z0-9_]+]] = memref.subview %[[DY]][0, %[[FIRST]], 0] [5, %[[COUNT]], 4]
// CHECK:             %[[H0_S:[a-z0-9_]+]] = memref.subview %[[H0]][%[[FIRST]], 0] [%[[COUNT]], 4]
// CHECK:             %[[DH_S:[a-z0-9_]+]] = memref.subview %[[DH]][%[[FIRST]], 0] [%[[COUNT]], 4]
// CHECK:             scf.for
// CHECK:               memref.subview %[[X_S]]
// CHECK:               memref.subview %[[Y_S]]
// CHECK:               memref.subview %[[Y_S]]
// CHECK:               %[[G:[a-z0-9_]+]] = memref.subview %[[DY_S]]
// CHECK:               rnn.cell_grad {{.*}}, %[[H0_S]] at {{.*}} grads(%[[G]], %[[DH_S]] : {{.*}}) {nonlinearity
// CHECK:         } else {
// CHECK:           rnn.cell_grad {{.*}}, %[[H0]] at {{.*}} grads(%{{.*}}, %[[DH]] : {{.*}}) {nonlinearity
// CHECK:         rnn.matmul {{.*}} outs(%[[DW_IH]]
// CHECK:         rnn.matmul {{.*}} outs(%[[DW_HH]]
// CHECK:         rnn.matmul {{.*}} outs(%[[DW_HH]]
// CHECK:         rnn.sum_rows %[[DY]] : memref<5x?x4xf32> outs(%[[DB_IH]], %[[DB_HH]] : memref<4xf32>, memref<4xf32>)

// SERIAL-LABEL: func @layer_grad
// SERIAL-NOT:     scf.parallel
// SERIAL:         rnn.cell_grad
// SERIAL-NOT:       bias_grads
// SERIAL:         return
func.func @layer_grad(%x: memref<5x?x2xf32>, %h0: memref<?x4xf32>,
                      %w_ih: memref<4x2xf32>, %w_hh: memref<4x4xf32>,
                      %y: memref<5x?x4xf32>, %dy: memref<5x?x4xf32>,
                      %dh: memref<?x4xf32>, %dw_ih: memref<4x2xf32>,
                      %dw_hh: memref<4x4xf32>, %db_ih: memref<4xf32>,
                      %db_hh: memref<4xf32>) {
  rnn.layer_grad %x : memref<5x?x2xf32> h0(%h0 : memref<?x4xf32>)
      weights(%w_ih, %w_hh : memref<4x2xf32>, memref<4x4xf32>)
      output(%y : memref<5x?x4xf32>)
      grads(%dy, %dh : memref<5x?x4xf32>, memref<?x4xf32>)
      weight_grads(%dw_ih, %dw_hh : memref<4x2xf32>, memref<4x4xf32>)
      bias_grads(%db_ih, %db_hh : memref<4xf32>, memref<4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// RUN: rnn-opt %s --convert-rnn-to-loops="unroll=none parallel=1 min-column-shard-macs=65536" --canonicalize --cse -split-input-file | FileCheck %s
// RUN: rnn-opt %s --convert-rnn-to-loops="unroll=none parallel=1" -split-input-file | FileCheck %s --check-prefix=NEVER

/// With `parallel` and `min-column-shard-macs` > 0 (0, the default, never
/// splits: NEVER), a batch too small for batch shards splits the hidden
/// units between threads instead, when a step has at least that many
/// multiply-adds (2^16 here), B * H * H, and there is more than one
/// thread. H = 160 makes two column chunks, [0, 128) and
/// [128, 160): thread `tid` of the OpenMP team owns chunk j when
/// j mod threads == tid. Each step: the owners compute their chunks'
/// products (the whole state is the lhs), all threads meet at an OpenMP
/// barrier, the owners commit their chunks, and all meet again. The team
/// has at most as many threads as chunks.

// CHECK-LABEL: func @small_batch
// CHECK-SAME:    %[[LENGTHS:[a-z0-9_]+]]: memref<?xi64>,
// CHECK-SAME:    %[[B_HH:[a-z0-9_]+]]: memref<160xf32>, %[[Y:[a-z0-9_]+]]: memref<?x?x160xf32>, %[[H:[a-z0-9_]+]]: memref<?x160xf32>,
// CHECK-SAME:    %[[WT_HH:[a-z0-9_]+]]: memref<160x160xf32, strided<[176, 1]>>)
// CHECK:         scf.parallel
// CHECK:       } else {
// CHECK:         %[[MACS:[a-z0-9_]+]] = arith.muli %{{.*}}, %c25600 : index
// CHECK:         %[[MAX:[a-z0-9_]+]] = func.call @omp_get_max_threads()
// CHECK:         %[[THREADS:[a-z0-9_]+]] = arith.index_cast %[[MAX]]
// CHECK:         %[[ENOUGH:[a-z0-9_]+]] = arith.cmpi sge, %[[MACS]], %c65536
// CHECK:         %[[SEVERAL:[a-z0-9_]+]] = arith.cmpi sgt, %[[THREADS]], %c1
// CHECK:         %[[SPLIT:[a-z0-9_]+]] = arith.andi %[[SEVERAL]], %[[ENOUGH]]
// CHECK:         scf.if %[[SPLIT]] {
// CHECK-NEXT:      omp.parallel num_threads(%c2_i32 : i32) {
// CHECK:             %[[TID_I32:[a-z0-9_]+]] = func.call @omp_get_thread_num()
// CHECK:             %[[TID:[a-z0-9_]+]] = arith.index_cast %[[TID_I32]]
// CHECK:             %[[TEAM_I32:[a-z0-9_]+]] = func.call @omp_get_num_threads()
// CHECK:             %[[TEAM:[a-z0-9_]+]] = arith.index_cast %[[TEAM_I32]]
// CHECK:             %[[OWNER0:[a-z0-9_]+]] = arith.remui %c0, %[[TEAM]]
// CHECK:             %[[MINE0:[a-z0-9_]+]] = arith.cmpi eq, %[[TID]], %[[OWNER0]]
// CHECK:             %[[OWNER1:[a-z0-9_]+]] = arith.remui %c1, %[[TEAM]]
// CHECK:             %[[MINE1:[a-z0-9_]+]] = arith.cmpi eq, %[[TID]], %[[OWNER1]]
// CHECK:             scf.for %[[T:[a-z0-9_]+]] =
// CHECK:               %[[Y_T:[a-z0-9_]+]] = memref.subview %[[Y]][%[[T]], 0, 0]
// CHECK:               scf.if %[[MINE0]] {
// CHECK-NEXT:            %[[BIAS0:[a-z0-9_]+]] = memref.subview %[[B_HH]][0] [128] [1]
// CHECK-NEXT:            %[[OUT0:[a-z0-9_]+]] = memref.subview %[[Y_T]][0, 0] [%{{.*}}, 128] [1, 1]
// CHECK-NEXT:            %[[W0:[a-z0-9_]+]] = memref.subview %[[WT_HH]][0, 0] [160, 128] [1, 1]
// CHECK-NEXT:            rnn.matmul %[[H]], %[[W0]] bias(%[[BIAS0]] : {{.*}}) : memref<?x160xf32>, memref<160x128xf32, strided<[176, 1]>> outs(%[[OUT0]] : {{.*}}) {accumulate, nonlinearity = #rnn.nonlinearity<tanh>, rnn.sequential}
// CHECK:               scf.if %[[MINE1]] {
// CHECK-NEXT:            %[[BIAS1:[a-z0-9_]+]] = memref.subview %[[B_HH]][128] [32] [1]
// CHECK-NEXT:            %[[OUT1:[a-z0-9_]+]] = memref.subview %[[Y_T]][0, 128] [%{{.*}}, 32] [1, 1]
// CHECK-NEXT:            %[[W1:[a-z0-9_]+]] = memref.subview %[[WT_HH]][0, 128] [160, 32] [1, 1]
// CHECK-NEXT:            rnn.matmul %[[H]], %[[W1]] bias(%[[BIAS1]] : {{.*}}) : memref<?x160xf32>, memref<160x32xf32, strided<[176, 1], offset: 128>> outs(%[[OUT1]] : {{.*}})
// CHECK:               omp.barrier
// CHECK:               scf.if %[[MINE0]] {
// CHECK-NEXT:            %[[H0:[a-z0-9_]+]] = memref.subview %[[H]][0, 0] [%{{.*}}, 128] [1, 1]
// CHECK-NEXT:            %[[Y0:[a-z0-9_]+]] = memref.subview %[[Y_T]][0, 0] [%{{.*}}, 128] [1, 1]
// CHECK-NEXT:            rnn.commit_step %[[Y0]], %[[H0]] at %[[T]] lengths(%[[LENGTHS]] : memref<?xi64>)
// CHECK:               scf.if %[[MINE1]] {
// CHECK-NEXT:            %[[H1:[a-z0-9_]+]] = memref.subview %[[H]][0, 128] [%{{.*}}, 32] [1, 1]
// CHECK-NEXT:            %[[Y1:[a-z0-9_]+]] = memref.subview %[[Y_T]][0, 128] [%{{.*}}, 32] [1, 1]
// CHECK-NEXT:            rnn.commit_step %[[Y1]], %[[H1]] at %[[T]] lengths(%[[LENGTHS]] : memref<?xi64>)
// CHECK-NEXT:          }
// CHECK-NEXT:          omp.barrier
// CHECK-NEXT:        }
// CHECK:             omp.terminator
// CHECK:         } else {
// CHECK:           scf.for
// CHECK:             rnn.matmul %[[H]], %[[WT_HH]]
// CHECK-NEXT:        rnn.commit_step %{{.*}}, %[[H]] at
// CHECK:       func.func private @omp_get_thread_num() -> i32
// CHECK:       func.func private @omp_get_num_threads() -> i32

// NEVER-LABEL: func @small_batch
// NEVER-NOT:     omp.parallel
// NEVER:         return
func.func @small_batch(%x: memref<?x?x3xf32>, %lengths: memref<?xi64>,
                       %w_ih: memref<160x3xf32>, %w_hh: memref<160x160xf32>,
                       %b_ih: memref<160xf32>, %b_hh: memref<160xf32>,
                       %y: memref<?x?x160xf32>, %h: memref<?x160xf32>,
                       %wt_ih: memref<3x160xf32, strided<[176, 1]>>,
                       %wt_hh: memref<160x160xf32, strided<[176, 1]>>) {
  rnn.layer %x : memref<?x?x3xf32> lengths(%lengths : memref<?xi64>)
      weights(%w_ih, %w_hh : memref<160x3xf32>, memref<160x160xf32>)
      bias(%b_ih, %b_hh : memref<160xf32>, memref<160xf32>)
      outs(%y, %h : memref<?x?x160xf32>, memref<?x160xf32>)
      transposed_weights(%wt_ih, %wt_hh : memref<3x160xf32, strided<[176, 1]>>,
                         memref<160x160xf32, strided<[176, 1]>>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

/// A hidden size under two chunks of 64 columns stays on the batch shards'
/// sequential branch.

// CHECK-LABEL: func @narrow
// CHECK-NOT:     omp.parallel
// CHECK:         return
func.func @narrow(%x: memref<?x?x3xf32>, %w_ih: memref<100x3xf32>,
                  %w_hh: memref<100x100xf32>, %y: memref<?x?x100xf32>,
                  %h: memref<?x100xf32>,
                  %wt_ih: memref<3x100xf32, strided<[112, 1]>>,
                  %wt_hh: memref<100x100xf32, strided<[112, 1]>>) {
  rnn.layer %x : memref<?x?x3xf32>
      weights(%w_ih, %w_hh : memref<100x3xf32>, memref<100x100xf32>)
      outs(%y, %h : memref<?x?x100xf32>, memref<?x100xf32>)
      transposed_weights(%wt_ih, %wt_hh : memref<3x100xf32, strided<[112, 1]>>,
                         memref<100x100xf32, strided<[112, 1]>>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16 outline-kernels=false" --cse -split-input-file | FileCheck %s
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=6 outline-kernels=false" --cse -split-input-file | FileCheck %s --check-prefix=ELEMENTS
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=0" -split-input-file | FileCheck %s --check-prefix=SCALAR
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16" -split-input-file | FileCheck %s --check-prefix=OUTLINE
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16 outline-kernels=false parallel=1" --cse -split-input-file | FileCheck %s --check-prefix=PARALLEL

/// A 2-D f32 transpose of static shape (a layer's weight transpose) runs in
/// 16x16 blocks: 16 row vectors loaded, transposed in four stages of 16
/// shuffles (rows i and i+s exchange their off-diagonal s x s blocks, for
/// s = 8, 4, 2, 1), and stored as rows of the result. 37x20 has two full
/// row blocks and one full column block; columns 16..19 of rows 0..31 and
/// rows 32..36 are copied element by element.

// CHECK-LABEL: func @weight_transpose
// CHECK-SAME:    (%[[IN:[a-z0-9_]+]]: memref<37x20xf32>, %[[OUT:[a-z0-9_]+]]: memref<20x37xf32>)
// CHECK:         scf.for %[[I:[a-z0-9_]+]] = %c0 to %c32 step %c16 {
// CHECK-NEXT:      scf.for %[[J:[a-z0-9_]+]] = %c0 to %c16 step %c16 {
// CHECK:             %[[ROW0:[a-z0-9_]+]] = arith.addi %[[I]], %c0
// CHECK-NEXT:        %[[R0:[a-z0-9_]+]] = vector.load %[[IN]][%[[ROW0]], %[[J]]] : memref<37x20xf32>, vector<16xf32>
// CHECK:             %[[ROW8:[a-z0-9_]+]] = arith.addi %[[I]], %c8
// CHECK-NEXT:        %[[R8:[a-z0-9_]+]] = vector.load %[[IN]][%[[ROW8]], %[[J]]]
// CHECK:             %[[ROW15:[a-z0-9_]+]] = arith.addi %[[I]], %c15
// CHECK-NEXT:        vector.load %[[IN]][%[[ROW15]], %[[J]]]
// CHECK-NOT:         vector.load
// Stage s = 8: rows 0 and 8 swap their off-diagonal 8x8 blocks.
// CHECK:             %[[S8_0:[a-z0-9_]+]] = vector.shuffle %[[R0]], %[[R8]] [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]
// CHECK-NEXT:        %[[S8_8:[a-z0-9_]+]] = vector.shuffle %[[R0]], %[[R8]] [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31]
// Stage s = 4 pairs row 0 with row 4, whose stage-8 result comes later.
// CHECK-COUNT-14:    vector.shuffle
// CHECK-NEXT:        %[[S4_0:[a-z0-9_]+]] = vector.shuffle %[[S8_0]], %{{.*}} [0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27]
// CHECK-NEXT:        vector.shuffle %[[S8_0]], %{{.*}} [4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31]
// CHECK-COUNT-14:    vector.shuffle
// CHECK-NEXT:        %[[S2_0:[a-z0-9_]+]] = vector.shuffle %[[S4_0]], %{{.*}} [0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29]
// CHECK-NEXT:        vector.shuffle %[[S4_0]], %{{.*}} [2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31]
// CHECK-COUNT-14:    vector.shuffle
// CHECK-NEXT:        %[[C0:[a-z0-9_]+]] = vector.shuffle %[[S2_0]], %{{.*}} [0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30]
// CHECK-NEXT:        %[[C1:[a-z0-9_]+]] = vector.shuffle %[[S2_0]], %{{.*}} [1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31]
// CHECK-COUNT-14:    vector.shuffle
// CHECK-NOT:         vector.shuffle
// CHECK:             %[[COL0:[a-z0-9_]+]] = arith.addi %[[J]], %c0
// CHECK-NEXT:        vector.store %[[C0]], %[[OUT]][%[[COL0]], %[[I]]] : memref<20x37xf32>, vector<16xf32>
// CHECK-NEXT:        %[[COL1:[a-z0-9_]+]] = arith.addi %[[J]], %c1
// CHECK-NEXT:        vector.store %[[C1]], %[[OUT]][%[[COL1]], %[[I]]]
// CHECK-COUNT-14:    vector.store
// CHECK-NOT:         vector.store
// CHECK:         scf.for %[[I2:[a-z0-9_]+]] = %c0 to %c32 step %c1 {
// CHECK:           scf.for %[[J2:[a-z0-9_]+]] = %c16 to %c20 step %c1 {
// CHECK-NEXT:        %[[X:[a-z0-9_]+]] = memref.load %[[IN]][%[[I2]], %[[J2]]]
// CHECK-NEXT:        memref.store %[[X]], %[[OUT]][%[[J2]], %[[I2]]]
// CHECK:         scf.for %[[I3:[a-z0-9_]+]] = %c32 to %c37 step %c1 {
// CHECK:           scf.for %[[J3:[a-z0-9_]+]] = %c0 to %c20 step %c1 {
// CHECK-NEXT:        %[[Y:[a-z0-9_]+]] = memref.load %[[IN]][%[[I3]], %[[J3]]]
// CHECK-NEXT:        memref.store %[[Y]], %[[OUT]][%[[J3]], %[[I3]]]
// CHECK-NOT:     linalg.transpose
// Widths that are not powers of two split the rows into elements and
// rebuild the columns from them (37x20 in 6x6 blocks: 6 by 3 of them).
// ELEMENTS-LABEL: func @weight_transpose
// ELEMENTS:         scf.for %{{.*}} = %c0 to %c36 step %c6 {
// ELEMENTS:           scf.for %{{.*}} = %c0 to %c18 step %c6 {
// ELEMENTS:             %[[E0:[a-z0-9_]+]]:6 = vector.to_elements
// ELEMENTS-COUNT-4:     vector.to_elements
// ELEMENTS-NEXT:        %[[E5:[a-z0-9_]+]]:6 = vector.to_elements
// ELEMENTS:             vector.from_elements %[[E0]]#0, {{.*}}, %[[E5]]#0 : vector<6xf32>
// ELEMENTS:             vector.from_elements %[[E0]]#5, {{.*}}, %[[E5]]#5 : vector<6xf32>
// ELEMENTS-NOT:         vector.shuffle
// SCALAR-LABEL: func @weight_transpose
// SCALAR:         linalg.transpose
// With outline-kernels (the default), one noinline function per shape.
// OUTLINE-LABEL: func @weight_transpose
// OUTLINE:         call @__rnn_transpose_37x20_20x37(
// OUTLINE:       func.func private @__rnn_transpose_37x20_20x37({{.*}}) attributes {llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"], rnn.kernel}
// OUTLINE:         vector.shuffle
func.func @weight_transpose(%in: memref<37x20xf32>, %out: memref<20x37xf32>) {
  linalg.transpose ins(%in : memref<37x20xf32>) outs(%out : memref<20x37xf32>)
      permutation = [1, 0]
  return
}

// -----

/// Dynamic shapes and other element types are left to
/// convert-linalg-to-loops.

// CHECK-LABEL: func @left_alone
// CHECK:         linalg.transpose ins(%{{.*}} : memref<?x20xf32>)
// CHECK:         linalg.transpose ins(%{{.*}} : memref<32x32xf64>)
func.func @left_alone(%in: memref<?x20xf32>, %out: memref<20x?xf32>,
                      %in64: memref<32x32xf64>, %out64: memref<32x32xf64>) {
  linalg.transpose ins(%in : memref<?x20xf32>) outs(%out : memref<20x?xf32>)
      permutation = [1, 0]
  linalg.transpose ins(%in64 : memref<32x32xf64>)
      outs(%out64 : memref<32x32xf64>) permutation = [1, 0]
  return
}

// -----

/// With `parallel`, a transpose of at least 256 x 256 elements in full
/// blocks runs its rows of blocks on an scf.parallel loop when there is
/// more than one thread, else the same loop sequentially.

// PARALLEL-LABEL: func @parallel_transpose
// PARALLEL:         %[[MAX:[a-z0-9_]+]] = call @omp_get_max_threads()
// PARALLEL:         %[[THREADS:[a-z0-9_]+]] = arith.index_cast %[[MAX]]
// PARALLEL:         %[[SEVERAL:[a-z0-9_]+]] = arith.cmpi sgt, %[[THREADS]], %c1
// PARALLEL:         scf.if %[[SEVERAL]] {
// PARALLEL:           scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0) to (%c256) step (%c16) {
// PARALLEL-NEXT:        scf.for %[[J:[a-z0-9_]+]] = %c0 to %c256 step %c16 {
// PARALLEL:               vector.load %{{.*}}[%{{.*}}, %[[J]]]
// PARALLEL:         } else {
// PARALLEL:           scf.for %{{.*}} = %c0 to %c256 step %c16 {
// PARALLEL-NEXT:        scf.for %{{.*}} = %c0 to %c256 step %c16 {
// A smaller transpose has no parallel loop.
// PARALLEL-LABEL: func @small_transpose
// PARALLEL-NOT:     scf.parallel
// PARALLEL:         return
func.func @parallel_transpose(%in: memref<256x256xf32>,
                              %out: memref<256x256xf32>) {
  linalg.transpose ins(%in : memref<256x256xf32>)
      outs(%out : memref<256x256xf32>) permutation = [1, 0]
  return
}
func.func @small_transpose(%in: memref<128x256xf32>,
                           %out: memref<256x128xf32>) {
  linalg.transpose ins(%in : memref<128x256xf32>)
      outs(%out : memref<256x128xf32>) permutation = [1, 0]
  return
}

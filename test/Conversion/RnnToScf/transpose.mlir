// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16 outline-kernels=false" --cse -split-input-file | FileCheck %s
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=0" -split-input-file | FileCheck %s --check-prefix=SCALAR
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16" -split-input-file | FileCheck %s --check-prefix=OUTLINE

/// A 2-D f32 transpose of static shape (a layer's weight transpose) runs in
/// 16x16 blocks: 16 row vectors loaded and split into their elements, 16
/// column vectors built from those and stored as rows of the result. 37x20 has two full row blocks and one
/// full column block; columns 16..19 of rows 0..31 and rows 32..36 are
/// copied element by element.

// CHECK-LABEL: func @weight_transpose
// CHECK-SAME:    (%[[IN:[a-z0-9_]+]]: memref<37x20xf32>, %[[OUT:[a-z0-9_]+]]: memref<20x37xf32>)
// CHECK:         scf.for %[[I:[a-z0-9_]+]] = %c0 to %c32 step %c16 {
// CHECK-NEXT:      scf.for %[[J:[a-z0-9_]+]] = %c0 to %c16 step %c16 {
// CHECK:             %[[ROW0:[a-z0-9_]+]] = arith.addi %[[I]], %c0
// CHECK-NEXT:        %[[R0:[a-z0-9_]+]] = vector.load %[[IN]][%[[ROW0]], %[[J]]] : memref<37x20xf32>, vector<16xf32>
// CHECK-NEXT:        %[[E0:[a-z0-9_]+]]:16 = vector.to_elements %[[R0]] : vector<16xf32>
// CHECK:             %[[ROW1:[a-z0-9_]+]] = arith.addi %[[I]], %c1
// CHECK-NEXT:        %[[R1:[a-z0-9_]+]] = vector.load %[[IN]][%[[ROW1]], %[[J]]]
// CHECK-NEXT:        %[[E1:[a-z0-9_]+]]:16 = vector.to_elements %[[R1]]
// CHECK:             %[[ROW15:[a-z0-9_]+]] = arith.addi %[[I]], %c15
// CHECK-NEXT:        %[[R15:[a-z0-9_]+]] = vector.load %[[IN]][%[[ROW15]], %[[J]]]
// CHECK-NEXT:        %[[E15:[a-z0-9_]+]]:16 = vector.to_elements %[[R15]]
// CHECK:             %[[COL0:[a-z0-9_]+]] = arith.addi %[[J]], %c0
// CHECK-NEXT:        %[[C0:[a-z0-9_]+]] = vector.from_elements %[[E0]]#0, %[[E1]]#0, {{.*}}, %[[E15]]#0 : vector<16xf32>
// CHECK-NEXT:        vector.store %[[C0]], %[[OUT]][%[[COL0]], %[[I]]] : memref<20x37xf32>, vector<16xf32>
// CHECK-NEXT:        %[[COL1:[a-z0-9_]+]] = arith.addi %[[J]], %c1
// CHECK-NEXT:        %[[C1:[a-z0-9_]+]] = vector.from_elements %[[E0]]#1, %[[E1]]#1, {{.*}}, %[[E15]]#1 : vector<16xf32>
// CHECK-NEXT:        vector.store %[[C1]], %[[OUT]][%[[COL1]], %[[I]]]
// CHECK:             vector.from_elements %[[E0]]#15, %[[E1]]#15, {{.*}}, %[[E15]]#15
// CHECK:         scf.for %[[I2:[a-z0-9_]+]] = %c0 to %c32 step %c1 {
// CHECK:           scf.for %[[J2:[a-z0-9_]+]] = %c16 to %c20 step %c1 {
// CHECK-NEXT:        %[[X:[a-z0-9_]+]] = memref.load %[[IN]][%[[I2]], %[[J2]]]
// CHECK-NEXT:        memref.store %[[X]], %[[OUT]][%[[J2]], %[[I2]]]
// CHECK:         scf.for %[[I3:[a-z0-9_]+]] = %c32 to %c37 step %c1 {
// CHECK:           scf.for %[[J3:[a-z0-9_]+]] = %c0 to %c20 step %c1 {
// CHECK-NEXT:        %[[Y:[a-z0-9_]+]] = memref.load %[[IN]][%[[I3]], %[[J3]]]
// CHECK-NEXT:        memref.store %[[Y]], %[[OUT]][%[[J3]], %[[I3]]]
// CHECK-NOT:     linalg.transpose
// SCALAR-LABEL: func @weight_transpose
// SCALAR:         linalg.transpose
// With outline-kernels (the default), one noinline function per shape.
// OUTLINE-LABEL: func @weight_transpose
// OUTLINE:         call @__rnn_transpose_37x20_20x37(
// OUTLINE:       func.func private @__rnn_transpose_37x20_20x37({{.*}}) attributes {llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"], rnn.kernel}
// OUTLINE:         vector.to_elements
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

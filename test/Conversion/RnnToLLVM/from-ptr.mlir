// RUN: rnn-opt %s --convert-rnn-to-llvm | FileCheck %s --implicit-check-not=rnn.

/// rnn.from_ptr %p[%off], %n becomes a memref descriptor whose allocated and
/// aligned pointers are both `gep i8 %p[%off]` (the offset counts bytes),
/// with offset 0, size %n and stride 1.

// CHECK-LABEL: llvm.func @from_ptr
// CHECK-SAME:    (%[[P:[^:]*]]: !llvm.ptr, %[[OFF:[^:]*]]: i64, %[[N:[^:]*]]: i64)
// CHECK:         %[[START:.*]] = llvm.getelementptr %[[P]][%[[OFF]]] : (!llvm.ptr, i64) -> !llvm.ptr, i8
// CHECK:         %[[D0:.*]] = llvm.mlir.poison : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
// CHECK:         %[[D1:.*]] = llvm.insertvalue %[[START]], %[[D0]][0]
// CHECK:         %[[D2:.*]] = llvm.insertvalue %[[START]], %[[D1]][1]
// CHECK:         %[[ZERO:.*]] = llvm.mlir.constant(0 : index) : i64
// CHECK:         %[[D3:.*]] = llvm.insertvalue %[[ZERO]], %[[D2]][2]
// CHECK:         %[[D4:.*]] = llvm.insertvalue %[[N]], %[[D3]][3, 0]
// CHECK:         %[[ONE:.*]] = llvm.mlir.constant(1 : index) : i64
// CHECK:         %[[D5:.*]] = llvm.insertvalue %[[ONE]], %[[D4]][4, 0]
// CHECK:         %[[ALIGNED:.*]] = llvm.extractvalue %[[D5]][1]
// CHECK:         llvm.getelementptr inbounds|nuw %[[ALIGNED]][%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, i32
func.func @from_ptr(%p: !llvm.ptr, %off: i64, %n: i64) -> i32 {
  %m = rnn.from_ptr %p[%off], %n : memref<?xi32>
  %c2 = arith.constant 2 : index
  %v = memref.load %m[%c2] : memref<?xi32>
  return %v : i32
}

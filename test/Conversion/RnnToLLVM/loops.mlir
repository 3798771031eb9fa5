// RUN: rnn-opt %s --convert-rnn-to-llvm | FileCheck %s --implicit-check-not=scf. --implicit-check-not=memref.

/// The pass lowers structured control flow itself (scf to cf to llvm): run
/// alone on a loop that stores into a memref argument, it needs the cf
/// dialect loaded (a dependent dialect), or creating cf.br crashed.

// CHECK-LABEL: llvm.func @store_in_loop
// CHECK:         llvm.br ^[[HEADER:bb[0-9]+]](
// CHECK:       ^[[HEADER]](%[[I:[0-9]+]]: i64):
// CHECK:         %[[MORE:[0-9]+]] = llvm.icmp "slt" %[[I]],
// CHECK:         llvm.cond_br %[[MORE]], ^[[BODY:bb[0-9]+]], ^[[EXIT:bb[0-9]+]]
// CHECK:       ^[[BODY]]:
// CHECK:         llvm.store %{{.*}}, %{{.*}} : f32, !llvm.ptr
// CHECK:         llvm.br ^[[HEADER]](
// CHECK:       ^[[EXIT]]:
// CHECK:         llvm.return
func.func @store_in_loop(%out: memref<5x3xf32>, %v: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  scf.for %i = %c0 to %c3 step %c1 {
    memref.store %v, %out[%c0, %i] : memref<5x3xf32>
  }
  return
}

// RUN: rnn-opt %s --convert-rnn-to-llvm | FileCheck %s

// The error reports become calls of the runtime's functions, declared
// extern_weak and made only when linked; the message is a private,
// NUL-terminated string.

// CHECK-DAG: llvm.mlir.global internal constant @[[MSG:rnnc_report_message_[0-9]+]]("f: batch must be at least 1\00")
// CHECK-DAG: llvm.mlir.global internal constant @[[RANGE:rnnc_report_message_[0-9]+]]("f: lengths\00")
// CHECK-DAG: llvm.func extern_weak @rnnrt_report_error(!llvm.ptr, i64, i32)
// CHECK-DAG: llvm.func extern_weak @rnnrt_report_out_of_range(!llvm.ptr, !llvm.ptr, i32, i64, i64, i64, i64, i64, i32)

// CHECK-LABEL: llvm.func @report
// CHECK:         %[[FN:.*]] = llvm.mlir.addressof @rnnrt_report_error
// CHECK:         %[[LINKED:.*]] = llvm.icmp "ne" %[[FN]], %{{.*}} : !llvm.ptr
// CHECK:         llvm.cond_br %[[LINKED]], ^[[CALL:.*]], ^[[NEXT:.*]]
// CHECK:       ^[[CALL]]:
// CHECK:         llvm.call @rnnrt_report_error(%{{.*}}, %arg0, %{{.*}}) : (!llvm.ptr, i64, i32) -> ()
// CHECK:         llvm.br ^[[NEXT]]
// CHECK:       ^[[NEXT]]:
// CHECK:         llvm.call @rnnrt_report_out_of_range(%{{.*}}, %arg1, %{{.*}}, %arg0, %{{.*}}, %arg2, %arg3, %{{.*}}, %{{.*}})
func.func @report(%b: i64, %p: !llvm.ptr, %lo: i64, %hi: i64) -> i32 {
  rnn.report_error "f: batch must be at least 1" got %b : i64
  rnn.report_out_of_range "f: lengths" %p, %b in [%lo, %hi] {element_bits = 64 : i32}
  %c = arith.constant 3 : i32
  return %c : i32
}

// -----

// Canonicalization keeps them: they write the runtime's message.
// RUN: rnn-opt %s --canonicalize --split-input-file | FileCheck %s --check-prefix=KEEP
// KEEP-LABEL: func.func @kept
// KEEP:         rnn.report_error "g: output must not be NULL"
// KEEP:         rnn.report_out_of_range "g: target" %arg0, %arg1 in[%arg1, %arg1] or %arg1 inner %arg1 {element_bits = 32 : i32}
func.func @kept(%p: !llvm.ptr, %n: i64) {
  rnn.report_error "g: output must not be NULL"
  rnn.report_out_of_range "g: target" %p, %n in [%n, %n] or %n inner %n {element_bits = 32 : i32}
  return
}

// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16 tile-rows=2 tile-vectors=1 outline-kernels=false parallel=1 parallel-min-macs=4096" --canonicalize --cse -split-input-file | FileCheck %s
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16 tile-rows=2 tile-vectors=1 outline-kernels=false" -split-input-file | FileCheck %s --check-prefix=SERIAL
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16 tile-rows=2 tile-vectors=1 parallel=1 parallel-min-macs=4096" --convert-scf-to-openmp -split-input-file | FileCheck %s --check-prefix=OMP

/// With `parallel`, a product of at least parallel-min-macs multiply-adds
/// (here 600 * 64 * 40) spreads its (row block, column panel) pairs over
/// one scf.parallel loop: 600 rows are 3 blocks of 256, 40 columns two
/// full 16-lane panels and a masked leftover panel. Each pair runs its row
/// tiles and whole reduction as the sequential kernel does. The parallel
/// loop runs only with more than one OpenMP thread; otherwise the
/// sequential one does. The leftover panel (and rows left over after the
/// full row tiles) always run sequentially: they are a small part of the
/// work, and each variant that may run in parallel is emitted twice.

// CHECK-LABEL: func @large
// CHECK:         %[[MAX:[a-z0-9_]+]] = call @omp_get_max_threads() : () -> i32
// CHECK:         %[[THREADS:[a-z0-9_]+]] = arith.index_cast %[[MAX]] : i32 to index
// CHECK:         %[[SEVERAL:[a-z0-9_]+]] = arith.cmpi sgt, %[[THREADS]], %c1
// CHECK:         scf.if %[[SEVERAL]] {
// CHECK-NEXT:      scf.parallel (%[[BLOCK:[a-z0-9_]+]], %[[PANEL:[a-z0-9_]+]]) = (%c0, %c0) to (%c3, %c2) step (%c1, %c1) {
// CHECK-DAG:       %[[COLUMN:[a-z0-9_]+]] = arith.muli %[[PANEL]], %c16
// CHECK-DAG:       %[[START:[a-z0-9_]+]] = arith.muli %[[BLOCK]], %c256
// CHECK:           scf.for %[[ROW:[a-z0-9_]+]] = %[[START]] to %{{.*}} step %c2 {
// CHECK:             vector.load %{{.*}}[%[[ROW]], %[[COLUMN]]]
// CHECK:             scf.for %{{.*}} = %c0 to %c64 step %c1 iter_args(
// CHECK:               vector.fma
// CHECK:           scf.reduce
// CHECK:         } else {
// CHECK-NOT:       scf.parallel
// CHECK:           scf.for %{{.*}} = %c0 to %c3 step %c1 {
// CHECK-NEXT:        scf.for %{{.*}} = %c0 to %c2 step %c1 {
// CHECK-NOT:     scf.parallel
// CHECK:         scf.for %{{.*}} = %c0 to %c3 step %c1 {
// CHECK:           vector.maskedload %{{.*}}[%{{.*}}, %c32]
// CHECK-NOT:     scf.parallel
// CHECK:         return

// Without the option the same pairs are nested scf.for loops.
// SERIAL-LABEL: func @large
// SERIAL-NOT:     scf.parallel
// SERIAL:         return

// The OpenMP conversion turns the loops of the outlined kernel into
// work-sharing loops inside a parallel region.
// OMP-LABEL:    func.func private @__rnn_matmul_600x64_64x40_600x40_acc_par
// OMP:            omp.parallel {
// OMP:              omp.wsloop {
// OMP:                omp.loop_nest (%{{.*}}, %{{.*}}) : index = (%{{.*}}, %{{.*}}) to (%{{.*}}, %{{.*}}) step (%{{.*}}, %{{.*}}) {
// OMP:                  vector.fma
// OMP-NOT:        scf.parallel
func.func @large(%a: memref<600x64xf32>, %w: memref<64x40xf32>,
                 %c: memref<600x40xf32>) {
  rnn.matmul %a, %w : memref<600x64xf32>, memref<64x40xf32>
      outs(%c : memref<600x40xf32>) {accumulate}
  return
}

// -----

/// A product below the threshold (5 * 8 * 16 multiply-adds) stays
/// sequential: waking the threads would cost more than it saves.

// CHECK-LABEL: func @small
// CHECK-NOT:     scf.parallel
// CHECK:         return
func.func @small(%a: memref<5x8xf32>, %w: memref<8x16xf32>,
                 %c: memref<5x16xf32>) {
  rnn.matmul %a, %w : memref<5x8xf32>, memref<8x16xf32>
      outs(%c : memref<5x16xf32>)
  return
}

// -----

/// With a dynamic size the multiply-adds (rows * 8 * 64) must also reach
/// the threshold at run time. The rows left over after the 2-row tiles run
/// sequentially, in one-row tiles two vectors wide (two panels of 32
/// columns).

// CHECK-LABEL: func @dynamic_rows
// CHECK:         %[[ROWS:[a-z0-9_]+]] = memref.dim %arg0, %c0
// CHECK:         %[[SEVERAL:[a-z0-9_]+]] = arith.cmpi sgt, %{{.*}}, %c1
// CHECK:         %[[MACS:[a-z0-9_]+]] = arith.muli %[[ROWS]], %c512
// CHECK:         %[[ENOUGH:[a-z0-9_]+]] = arith.cmpi sge, %[[MACS]], %c4096
// CHECK:         %[[BIG:[a-z0-9_]+]] = arith.andi %[[SEVERAL]], %[[ENOUGH]]
// CHECK:         scf.if %[[BIG]] {
// CHECK-NEXT:      scf.parallel (%{{.*}}, %{{.*}}) = (%c0, %c0) to (%{{.*}}, %c4) step (%c1, %c1) {
// CHECK:         } else {
// CHECK-NEXT:      scf.for %{{.*}} = %c0 to %{{.*}} step %c1 {
// CHECK-NEXT:        scf.for %{{.*}} = %c0 to %c4 step %c1 {
// CHECK-NOT:     scf.parallel
// CHECK:         scf.for %{{.*}} = %c0 to %{{.*}} step %c1 {
// CHECK-NEXT:      scf.for %{{.*}} = %c0 to %c2 step %c1 {
// CHECK-NOT:     scf.parallel
// CHECK:         return
func.func @dynamic_rows(%a: memref<?x8xf32>, %w: memref<8x64xf32>,
                        %c: memref<?x64xf32>) {
  rnn.matmul %a, %w : memref<?x8xf32>, memref<8x64xf32>
      outs(%c : memref<?x64xf32>)
  return
}

// -----

/// A batch-reduce product forks once: each work item of the parallel loop
/// runs every reduction chunk, in order, so the sums are the sequential
/// kernel's on any number of threads. A work item is a row block and a
/// group of column panels, which share each chunk's lhs rows in cache: as
/// many panels as leave at least 8 items, here 2 of the 16 (the one row
/// block's dimension and the one-trip loop over k chunks fold away). Each
/// work item packs the rhs panel into a buffer of its own, allocated at
/// the start of the loop body, outside the chunk loop; the sequential
/// loops, inside the chunk loop there, use one in the entry block.

// CHECK-LABEL: func @batch_reduce
// CHECK:         %[[SERIAL_BUF:[a-z0-9_]+]] = memref.alloca() {alignment = 64 : i64} : memref<64x16xf32>
// CHECK:         scf.if
// CHECK-NEXT:      scf.parallel (%[[ITEM:[a-z0-9_]+]]) = (%c0) to (%c8) step (%c1) {
// CHECK-NEXT:        %[[BUF:[a-z0-9_]+]] = memref.alloca() {alignment = 64 : i64} : memref<64x16xf32>
// CHECK-NEXT:        scf.for %[[S0:[a-z0-9_]+]] = %c0 to %c64 step %c1 {
// CHECK:               %[[FIRST:[a-z0-9_]+]] = arith.muli %[[ITEM]], %c2
// CHECK:               %[[LAST:[a-z0-9_]+]] = arith.minui %{{.*}}, %c16
// CHECK:               scf.for %{{.*}} = %[[FIRST]] to %[[LAST]] step %c1 {
// CHECK:               vector.store %{{.*}}, %[[BUF]]
// CHECK:               scf.for %{{.*}} = %[[S0]] to %{{.*}} step %c1 iter_args(
// CHECK:                 scf.for %{{.*}} = %c0 to %c64 step %c1 iter_args(
// CHECK:                   vector.load %[[BUF]]
// CHECK:                   vector.fma
// CHECK:         } else {
// CHECK-NEXT:      scf.for %[[T0:[a-z0-9_]+]] = %c0 to %c64 step %c1 {
// CHECK:             scf.for %{{.*}} = %c0 to %c16 step %c1 {
// CHECK:               vector.store %{{.*}}, %[[SERIAL_BUF]]
// CHECK:                   vector.load %[[SERIAL_BUF]]
// CHECK:         return
// convert-scf-to-openmp frees each work item's buffer after it (an
// alloca_scope), on the stack of the thread that runs it.
// OMP-LABEL:    func.func private @__rnn_matmul_64x32x64_64x64x256_32x256_par
// OMP:            memref.alloca() {alignment = 64 : i64} : memref<64x16xf32>
// OMP:            omp.parallel {
// OMP:              omp.wsloop {
// OMP:                omp.loop_nest
// OMP-NEXT:             memref.alloca_scope {
// OMP:                    memref.alloca() {alignment = 64 : i64} : memref<64x16xf32>
func.func @batch_reduce(%g: memref<64x32x64xf32>, %x: memref<64x64x256xf32>,
                        %dw: memref<32x256xf32>) {
  rnn.matmul %g, %x : memref<64x32x64xf32>, memref<64x64x256xf32>
      outs(%dw : memref<32x256xf32>)
  return
}

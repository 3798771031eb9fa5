// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16 tile-rows=2 tile-vectors=1 outline-kernels=false" --canonicalize --cse -split-input-file | FileCheck %s --implicit-check-not=rnn.
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16 tile-rows=2 tile-vectors=1" -split-input-file | FileCheck %s --check-prefix=OUTLINE
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16 tile-rows=2 tile-vectors=1 outline-kernels=false pack-rhs=false" -split-input-file | FileCheck %s --check-prefix=NOPACK

/// The vector kernel of a plain product with the whole epilogue: for tiles
/// of 2 rows by 1 vector, 20 columns are one full panel of one 16-lane
/// vector and a leftover panel whose only vector is masked to 4 lanes. The
/// rows left over after the 2-row tiles run one at a time with tiles as
/// many vectors wide as a full tile has accumulators (2): one panel whose
/// second vector is masked. A tile's accumulators start from result +
/// bias, take one fma per (row, vector) and k, and get tanh before the
/// store.

// CHECK-LABEL: func @plain_epilogue
// CHECK-SAME:    (%[[A:[a-z0-9_]+]]: memref<?x8xf32>, %[[W:[a-z0-9_]+]]: memref<8x20xf32>, %[[BIAS:[a-z0-9_]+]]: memref<20xf32>, %[[C:[a-z0-9_]+]]: memref<?x20xf32>)
// CHECK-DAG:     %[[MASK:[a-z0-9_]+]] = arith.constant dense<[true, true, true, true, false, false, false, false, false, false, false, false, false, false, false, false]> : vector<16xi1>
// CHECK-DAG:     %[[ZERO:[a-z0-9_]+]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// Blocks of 256 rows; in each, the full panel (a one-trip loop folded
// away), 2-row tiles.
// CHECK:         scf.for %[[BLOCK:[a-z0-9_]+]] = %c0 to %{{.*}} step %c1
// CHECK-NEXT:      %[[START:[a-z0-9_]+]] = arith.muli %[[BLOCK]], %c256
// CHECK:           scf.for %[[ROW:[a-z0-9_]+]] = %[[START]] to %{{.*}} step %c2
// CHECK-NEXT:      %[[ROW1:[a-z0-9_]+]] = arith.addi %[[ROW]], %c1
// CHECK:           %[[B0:[a-z0-9_]+]] = vector.load %[[BIAS]][%c0] : memref<20xf32>, vector<16xf32>
// CHECK:           %[[OLD0:[a-z0-9_]+]] = vector.load %[[C]][%[[ROW]], %c0]
// CHECK:           %[[INIT0:[a-z0-9_]+]] = arith.addf %[[OLD0]], %[[B0]]
// CHECK:           %[[OLD1:[a-z0-9_]+]] = vector.load %[[C]][%[[ROW1]], %c0]
// CHECK:           %[[INIT1:[a-z0-9_]+]] = arith.addf %[[OLD1]], %[[B0]]
// CHECK:           %[[SUMS:[a-z0-9_]+]]:2 = scf.for %[[K:[a-z0-9_]+]] = %c0 to %c8 step %c1 iter_args(%[[ACC0:[a-z0-9_]+]] = %[[INIT0]], %[[ACC1:[a-z0-9_]+]] = %[[INIT1]])
// CHECK-NEXT:        %[[WV:[a-z0-9_]+]] = vector.load %[[W]][%[[K]], %c0] : memref<8x20xf32>, vector<16xf32>
// CHECK-NEXT:        %[[A0:[a-z0-9_]+]] = memref.load %[[A]][%[[ROW]], %[[K]]]
// CHECK-NEXT:        %[[S0:[a-z0-9_]+]] = vector.broadcast %[[A0]] : f32 to vector<16xf32>
// CHECK-NEXT:        %[[N0:[a-z0-9_]+]] = vector.fma %[[S0]], %[[WV]], %[[ACC0]] : vector<16xf32>
// CHECK-NEXT:        %[[A1:[a-z0-9_]+]] = memref.load %[[A]][%[[ROW1]], %[[K]]]
// CHECK-NEXT:        %[[S1:[a-z0-9_]+]] = vector.broadcast %[[A1]] : f32 to vector<16xf32>
// CHECK-NEXT:        %[[N1:[a-z0-9_]+]] = vector.fma %[[S1]], %[[WV]], %[[ACC1]] : vector<16xf32>
// CHECK-NEXT:        scf.yield %[[N0]], %[[N1]]
// CHECK:           %[[T0:[a-z0-9_]+]] = math.tanh %[[SUMS]]#0 : vector<16xf32>
// CHECK-NEXT:      vector.store %[[T0]], %[[C]][%[[ROW]], %c0]
// CHECK:           math.tanh %[[SUMS]]#1
// CHECK-NEXT:      vector.store
// The leftover panel: the 4 columns from 16, masked, 2-row tiles.
// CHECK:         scf.for %{{.*}} step %c2 {
// CHECK:           vector.maskedload %[[BIAS]][%c16], %[[MASK]], %[[ZERO]]
// CHECK:           vector.maskedload %[[W]][%{{.*}}, %c16], %[[MASK]], %[[ZERO]]
// CHECK:           vector.maskedstore %[[C]][%{{.*}}, %c16], %[[MASK]]
// The rows left over, one at a time, two vectors wide: all 20 columns in
// one panel whose second vector is masked.
// CHECK:         scf.for %{{.*}} = %c0 to %{{.*}} step %c1 {
// CHECK:           scf.for %{{.*}} step %c1 {
// CHECK:             scf.for
// CHECK-NEXT:        vector.load %[[W]][%{{.*}}, %c0]
// CHECK-NEXT:        vector.maskedload %[[W]][%{{.*}}, %c16], %[[MASK]], %[[ZERO]]
// CHECK-NEXT:        memref.load %[[A]]
// CHECK-NEXT:        vector.broadcast
// CHECK-NEXT:        vector.fma
// CHECK-NEXT:        vector.fma
// CHECK-NEXT:        scf.yield
// CHECK:           vector.store %{{.*}}, %[[C]][%{{.*}}, %c0]
// CHECK:           vector.maskedstore %[[C]][%{{.*}}, %c16], %[[MASK]]
// CHECK:         return
func.func @plain_epilogue(%a: memref<?x8xf32>, %w: memref<8x20xf32>,
                          %bias: memref<20xf32>, %c: memref<?x20xf32>) {
  rnn.matmul %a, %w bias(%bias : memref<20xf32>)
      : memref<?x8xf32>, memref<8x20xf32> outs(%c : memref<?x20xf32>)
      {accumulate, nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

/// Time-major rows: the T*B rows form one GEMM, row m being (m / B, m % B),
/// in blocks of 256 rows.

// CHECK-LABEL: func @time_major
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: memref<5x?x8xf32>, %[[W:[a-z0-9_]+]]: memref<8x16xf32>, %[[Y:[a-z0-9_]+]]: memref<5x?x16xf32>)
// CHECK:         %[[B:[a-z0-9_]+]] = memref.dim %[[X]], %c1
// CHECK:         %[[ROWS:[a-z0-9_]+]] = arith.muli %[[B]], %c5
// CHECK:         scf.for %[[BLOCK:[a-z0-9_]+]] = %c0 to %{{.*}} step %c1
// CHECK:             scf.for %[[M:[a-z0-9_]+]] =
// CHECK:               %[[T:[a-z0-9_]+]] = arith.divui %[[M]], %[[B]]
// CHECK:               %[[BI:[a-z0-9_]+]] = arith.remui %[[M]], %[[B]]
// CHECK:                 memref.load %[[X]][%[[T]], %[[BI]], %{{.*}}]
// CHECK:               vector.store %{{.*}}, %[[Y]][%[[T]], %[[BI]], %{{.*}}]
func.func @time_major(%x: memref<5x?x8xf32>, %w: memref<8x16xf32>,
                      %y: memref<5x?x16xf32>) {
  rnn.matmul %x, %w : memref<5x?x8xf32>, memref<8x16xf32>
      outs(%y : memref<5x?x16xf32>)
  return
}

// -----

/// Batch-reduce: the reduction runs over (s, k) in chunks of at most 64
/// pairs: max(1, 64 / K) steps, and k in pieces of min(K, 64) when one
/// step has more. The accumulators stay in registers across the whole
/// chunk. Without `accumulate`, the first chunk starts from zero and the
/// later ones from the partial result. 8 columns are no full panel, so
/// nothing is packed.

// CHECK-LABEL: func @batch_reduce
// CHECK-SAME:    (%[[G:[a-z0-9_]+]]: memref<5x16x?xf32, strided<[?, 1, 16]>>, %[[X:[a-z0-9_]+]]: memref<5x?x8xf32>, %[[DW:[a-z0-9_]+]]: memref<16x8xf32>)
// CHECK-DAG:     %[[ZERO:[a-z0-9_]+]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-NOT:     memref.alloca
// CHECK:         %[[K:[a-z0-9_]+]] = memref.dim %[[G]], %c2
// CHECK:         %[[PER_K:[a-z0-9_]+]] = arith.divui %c64, %[[K]]
// CHECK:         %[[CHUNK:[a-z0-9_]+]] = arith.maxui %[[PER_K]], %c1
// CHECK:         %[[K_CHUNK:[a-z0-9_]+]] = arith.minui %[[K]], %c64
// CHECK:         scf.for %[[S0:[a-z0-9_]+]] = %c0 to %c5 step %[[CHUNK]]
// CHECK:           scf.for %[[K0:[a-z0-9_]+]] = %c0 to %[[K]] step %[[K_CHUNK]]
// CHECK:             %[[S_END:[a-z0-9_]+]] = arith.minui %{{.*}}, %c5
// CHECK:             %[[K_END:[a-z0-9_]+]] = arith.minui %{{.*}}, %[[K]]
// CHECK-DAG:         %[[FIRST_K:[a-z0-9_]+]] = arith.cmpi eq, %[[K0]], %c0
// CHECK-DAG:         %[[FIRST_S:[a-z0-9_]+]] = arith.cmpi eq, %[[S0]], %c0
// CHECK:             %[[FIRST:[a-z0-9_]+]] = arith.andi %[[FIRST_S]], %[[FIRST_K]]
// CHECK:               %[[OLD:[a-z0-9_]+]] = vector.maskedload %[[DW]]
// CHECK:               %[[INIT:[a-z0-9_]+]] = arith.select %[[FIRST]], %[[ZERO]], %[[OLD]]
// CHECK:               scf.for %[[S:[a-z0-9_]+]] = %[[S0]] to %[[S_END]] step %c1 iter_args(
// CHECK:                 scf.for %[[KK:[a-z0-9_]+]] = %[[K0]] to %[[K_END]] step %c1 iter_args(
// CHECK:                   vector.maskedload %[[X]][%[[S]], %[[KK]], %c0]
// CHECK:                   memref.load %[[G]][%[[S]], %{{.*}}, %[[KK]]]
// CHECK:                   vector.fma
func.func @batch_reduce(%g: memref<5x16x?xf32, strided<[?, 1, 16]>>,
                        %x: memref<5x?x8xf32>, %dw: memref<16x8xf32>) {
  rnn.matmul %g, %x : memref<5x16x?xf32, strided<[?, 1, 16]>>,
      memref<5x?x8xf32> outs(%dw : memref<16x8xf32>)
  return
}

// -----

/// With at least 4 full column panels (here 16 of 16 columns), each (row block, panel) work item of the full
/// row tiles first copies the chunk's rhs panel into a 64x16 buffer
/// allocated once in the entry block (row (s - s0) * (k_end -
/// k0) + k - k0 holds rhs[s, k, panel]); the tiles read that copy. The
/// leftover row (17 rows in tiles of 2) reads rhs itself. With
/// pack-rhs=false, or fewer panels (@batch_reduce_narrow: 2), nothing is
/// packed.

// CHECK-LABEL: func @batch_reduce_packed
// CHECK-SAME:    (%[[G:[a-z0-9_]+]]: memref<5x17x?xf32, strided<[?, 1, 17]>>, %[[X:[a-z0-9_]+]]: memref<5x?x256xf32>, %[[DW:[a-z0-9_]+]]: memref<17x256xf32>)
// CHECK:         %[[BUF:[a-z0-9_]+]] = memref.alloca() {alignment = 64 : i64} : memref<64x16xf32>
// CHECK:         scf.for %[[S0:[a-z0-9_]+]] =
// CHECK:           scf.for %[[K0:[a-z0-9_]+]] =
// CHECK:             %[[S_END:[a-z0-9_]+]] = arith.minui
// CHECK:             %[[K_END:[a-z0-9_]+]] = arith.minui
// CHECK:             scf.for %[[PANEL:[a-z0-9_]+]] = %c0 to %c16 step %c1
// CHECK:               %[[COL:[a-z0-9_]+]] = arith.muli %[[PANEL]], %c16
// CHECK:               scf.for %[[S:[a-z0-9_]+]] = %[[S0]] to %[[S_END]] step %c1
// CHECK:                 scf.for %[[KK:[a-z0-9_]+]] = %[[K0]] to %[[K_END]] step %c1
// CHECK:                   %[[V:[a-z0-9_]+]] = vector.load %[[X]][%[[S]], %[[KK]], %[[COL]]]
// CHECK:                   vector.store %[[V]], %[[BUF]][%{{.*}}, %c0] : memref<64x16xf32>, vector<16xf32>
// CHECK:               scf.for %[[ROW:[a-z0-9_]+]] =
// CHECK:                 scf.for %{{.*}} = %[[S0]] to %[[S_END]] step %c1 iter_args(
// CHECK:                   scf.for %{{.*}} = %[[K0]] to %[[K_END]] step %c1 iter_args(
// CHECK:                     vector.load %[[BUF]][%{{.*}}, %c0] : memref<64x16xf32>, vector<16xf32>
// CHECK:                     vector.fma
// The leftover row, 16, in its own chunk loops, 2 vectors at a time.
// CHECK:         scf.for %{{.*}} = %c0 to %c5 step
// CHECK:           scf.for
// CHECK:             scf.for %{{.*}} = %c0 to %c8 step %c1 {
// CHECK:               vector.load %[[DW]][%c16,
// CHECK:               scf.for {{.*}} iter_args(
// CHECK:                 scf.for {{.*}} iter_args(
// CHECK:                   vector.load %[[X]]
// NOPACK-LABEL: func @batch_reduce_packed
// NOPACK-NOT:     memref.alloca
// NOPACK:         return
// CHECK-LABEL: func @batch_reduce_narrow
// CHECK-NOT:     memref.alloca
// CHECK:         return
func.func @batch_reduce_packed(%g: memref<5x17x?xf32, strided<[?, 1, 17]>>,
                               %x: memref<5x?x256xf32>, %dw: memref<17x256xf32>) {
  rnn.matmul %g, %x : memref<5x17x?xf32, strided<[?, 1, 17]>>,
      memref<5x?x256xf32> outs(%dw : memref<17x256xf32>)
  return
}
func.func @batch_reduce_narrow(%g: memref<5x17x?xf32, strided<[?, 1, 17]>>,
                               %x: memref<5x?x32xf32>, %dw: memref<17x32xf32>) {
  rnn.matmul %g, %x : memref<5x17x?xf32, strided<[?, 1, 17]>>,
      memref<5x?x32xf32> outs(%dw : memref<17x32xf32>)
  return
}

// -----

/// With outline-kernels (the default), products of the same specialization
/// call one private kernel function with internal linkage, whose operands
/// have dynamic strides and offsets; another shape gets its own.

// OUTLINE-LABEL: func @shared_kernels
// OUTLINE:         %[[CAST:[a-z0-9_]+]] = memref.cast %{{.*}} : memref<?x16xf32> to memref<?x16xf32, strided<[?, 1], offset: ?>>
// OUTLINE:         call @__rnn_matmul_dx16_16x16_dx16_acc_tanh(%[[CAST]],
// OUTLINE:         call @__rnn_matmul_dx16_16x16_dx16_acc_tanh(
// OUTLINE:         call @__rnn_matmul_dx8_8x16_dx16(
// OUTLINE-NOT:     rnn.matmul
// OUTLINE:       func.func private @__rnn_matmul_dx16_16x16_dx16_acc_tanh(%{{.*}}: memref<?x16xf32, strided<[?, 1], offset: ?>>, %{{.*}}: memref<16x16xf32, strided<[?, 1], offset: ?>>, %{{.*}}: memref<?x16xf32, strided<[?, 1], offset: ?>>) attributes {llvm.linkage = #llvm.linkage<internal>, rnn.kernel}
// OUTLINE:         vector.fma
// OUTLINE:         math.tanh
// OUTLINE:       func.func private @__rnn_matmul_dx8_8x16_dx16(
// OUTLINE-NOT:   func.func private
func.func @shared_kernels(%h: memref<?x16xf32>, %w: memref<16x16xf32>,
                          %y0: memref<?x16xf32>,
                          %y1: memref<?x16xf32, strided<[16, 1], offset: ?>>,
                          %x: memref<?x8xf32>, %wx: memref<8x16xf32>) {
  rnn.matmul %h, %w : memref<?x16xf32>, memref<16x16xf32>
      outs(%y0 : memref<?x16xf32>)
      {accumulate, nonlinearity = #rnn.nonlinearity<tanh>}
  rnn.matmul %h, %w : memref<?x16xf32>, memref<16x16xf32>
      outs(%y1 : memref<?x16xf32, strided<[16, 1], offset: ?>>)
      {accumulate, nonlinearity = #rnn.nonlinearity<tanh>}
  rnn.matmul %x, %wx : memref<?x8xf32>, memref<8x16xf32>
      outs(%y0 : memref<?x16xf32>)
  return
}

// -----

/// A transposed view (its innermost stride not 1) has a different kernel
/// parameter type than a row-major view of the same shape, so it gets its
/// own kernel, marked `s` in the name.

// OUTLINE-LABEL: func @transposed_operand_kernel
// OUTLINE:         call @__rnn_matmul_16xd_dx16_16x16_acc(
// OUTLINE:         call @__rnn_matmul_16xds_dx16_16x16_acc(
// OUTLINE:       func.func private @__rnn_matmul_16xd_dx16_16x16_acc(%{{.*}}: memref<16x?xf32, strided<[?, 1], offset: ?>>,
// OUTLINE:       func.func private @__rnn_matmul_16xds_dx16_16x16_acc(%{{.*}}: memref<16x?xf32, strided<[?, ?], offset: ?>>,
func.func @transposed_operand_kernel(%a: memref<16x?xf32>,
                                     %g: memref<?x16xf32>,
                                     %h: memref<?x16xf32>,
                                     %dw: memref<16x16xf32>) {
  rnn.matmul %a, %h : memref<16x?xf32>, memref<?x16xf32>
      outs(%dw : memref<16x16xf32>) {accumulate}
  %gt = memref.transpose %g (d0, d1) -> (d1, d0)
      : memref<?x16xf32> to memref<16x?xf32, strided<[1, 16]>>
  rnn.matmul %gt, %h : memref<16x?xf32, strided<[1, 16]>>, memref<?x16xf32>
      outs(%dw : memref<16x16xf32>) {accumulate}
  return
}

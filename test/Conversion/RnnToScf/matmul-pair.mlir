// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16 tile-rows=2 tile-vectors=2 outline-kernels=false" --canonicalize --cse -split-input-file | FileCheck %s --implicit-check-not=rnn.
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16 tile-rows=2 tile-vectors=2" -split-input-file | FileCheck %s --check-prefix=OUTLINE
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=16 tile-rows=1 tile-vectors=2" -split-input-file | FileCheck %s --check-prefix=SPLIT
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=0" --canonicalize -split-input-file | FileCheck %s --check-prefix=SCALAR --implicit-check-not=vector.

/// The pair's first product is one row by two 16-lane vectors (2
/// accumulators, starting from result + bias), the other two rows by one
/// vector (2 accumulators, starting from its bias): 4 accumulators, the
/// budget of a 2 x 2 tile. One loop over the common depth k < 8 carries all
/// four, each k loading the first product's rhs row and broadcasting its lhs
/// element, then the other's; the first product's deeper k (8 to 12)
/// finishes alone. The first product's accumulators get tanh before their
/// store, the other's none.

// CHECK-LABEL: func @pair
// CHECK-SAME:    (%[[H:[^:]*]]: memref<1x12xf32>, %[[WT:[^:]*]]: memref<12x32xf32, strided<[48, 1]>>, %[[B:[^:]*]]: memref<32xf32>, %[[Y:[^:]*]]: memref<1x32xf32, strided<[64, 1]>>, %[[X:[^:]*]]: memref<2x8xf32>, %[[WI:[^:]*]]: memref<8x16xf32>, %[[BI:[^:]*]]: memref<16xf32>, %[[P:[^:]*]]: memref<2x16xf32>)
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG:     %[[C12:.*]] = arith.constant 12 : index
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK:         %[[OLD0:.*]] = vector.load %[[Y]][%{{.*}}, %{{.*}}]
// CHECK:         %[[BIAS0:.*]] = vector.load %[[B]]
// CHECK:         %[[INIT0:.*]] = arith.addf %[[OLD0]], %[[BIAS0]]
// CHECK:         %[[INIT1:.*]] = arith.addf
// CHECK:         %[[OBIAS:.*]] = vector.load %[[BI]]
// CHECK:         %[[FUSED:.*]]:4 = scf.for %[[K:.*]] = %{{.*}} to %[[C8]] step %{{.*}} iter_args(%[[A0:.*]] = %[[INIT0]], %[[A1:.*]] = %[[INIT1]], %[[A2:.*]] = %[[OBIAS]], %[[A3:.*]] = %[[OBIAS]])
// CHECK:           %[[R0:.*]] = vector.load %[[WT]][%[[K]], %{{.*}}]
// CHECK:           %[[R1:.*]] = vector.load %[[WT]][%[[K]], %[[C16]]]
// CHECK:           %[[HK:.*]] = memref.load %[[H]][%{{.*}}, %[[K]]]
// CHECK:           %[[HS:.*]] = vector.broadcast %[[HK]]
// CHECK:           %[[F0:.*]] = vector.fma %[[HS]], %[[R0]], %[[A0]]
// CHECK:           %[[F1:.*]] = vector.fma %[[HS]], %[[R1]], %[[A1]]
// CHECK:           %[[OR:.*]] = vector.load %[[WI]][%[[K]], %{{.*}}]
// CHECK:           memref.load %[[X]]
// CHECK:           %[[F2:.*]] = vector.fma %{{.*}}, %[[OR]], %[[A2]]
// CHECK:           memref.load %[[X]]
// CHECK:           %[[F3:.*]] = vector.fma %{{.*}}, %[[OR]], %[[A3]]
// CHECK:           scf.yield %[[F0]], %[[F1]], %[[F2]], %[[F3]]
// CHECK:         %[[REST:.*]]:2 = scf.for %{{.*}} = %[[C8]] to %[[C12]] {{.*}} iter_args(%{{.*}} = %[[FUSED]]#0, %{{.*}} = %[[FUSED]]#1)
// CHECK-COUNT-2:   vector.fma
// CHECK:         %[[T0:.*]] = math.tanh %[[REST]]#0
// CHECK:         vector.store %[[T0]], %[[Y]]
// CHECK:         %[[T1:.*]] = math.tanh %[[REST]]#1
// CHECK:         vector.store %[[T1]], %[[Y]]
// CHECK:         vector.store %[[FUSED]]#2, %[[P]]
// CHECK:         vector.store %[[FUSED]]#3, %[[P]]

/// Outlined, the pair is one kernel named after its shapes and epilogue.
// OUTLINE-LABEL: func @pair
// OUTLINE:         call @__rnn_matmul_pair_1x12_12x32_32_1x32_2x8_8x16_16_2x16_obias_bias_acc_tanh(
// OUTLINE:       func.func private @__rnn_matmul_pair_1x12_12x32_32_1x32_2x8_8x16_16_2x16_obias_bias_acc_tanh({{.*}} attributes {llvm.linkage = #llvm.linkage<internal>, rnn.kernel}

/// With a 1 x 2 tile (2 accumulators) the 4 do not fit: the pair is its two
/// products, each the rnn.matmul kernel of its own.
// SPLIT-LABEL: func @pair
// SPLIT-NOT:     __rnn_matmul_pair
// SPLIT:         call @__rnn_matmul_1x12_12x32_32_1x32_bias_acc_tanh(
// SPLIT-NEXT:    memref.cast
// SPLIT:         call @__rnn_matmul_2x8_8x16_16_2x16_bias(

/// In scalar mode, the two products' scalar loop nests, one after the
/// other.
// SCALAR-LABEL: func @pair
// SCALAR:         scf.for
// SCALAR:           math.tanh
// SCALAR:         scf.for
// SCALAR-NOT:       math.tanh
// SCALAR:         return
func.func @pair(%h: memref<1x12xf32>, %wt: memref<12x32xf32, strided<[48, 1]>>,
                %bias: memref<32xf32>, %y: memref<1x32xf32, strided<[64, 1]>>,
                %x: memref<2x8xf32>, %wt_ih: memref<8x16xf32>,
                %bias_ih: memref<16xf32>, %p: memref<2x16xf32>) {
  rnn.matmul_pair %h, %wt bias(%bias : memref<32xf32>)
      : memref<1x12xf32>, memref<12x32xf32, strided<[48, 1]>>
      outs(%y : memref<1x32xf32, strided<[64, 1]>>)
      other %x, %wt_ih bias(%bias_ih : memref<16xf32>)
      : memref<2x8xf32>, memref<8x16xf32> outs(%p : memref<2x16xf32>)
      {accumulate, nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

/// The other product deeper (8 against 4), without biases or epilogue:
/// both tiles start from zero, and the other's k in [4, 8) runs alone
/// after the common loop.

// CHECK-LABEL: func @pair_other_deeper
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG:     %[[C8:.*]] = arith.constant 8 : index
// CHECK:         %[[FUSED:.*]]:2 = scf.for %{{.*}} to %[[C4]] {{.*}} iter_args(%{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]])
// CHECK-COUNT-2:   vector.fma
// CHECK:         %[[REST:.*]] = scf.for %{{.*}} = %[[C4]] to %[[C8]] {{.*}} iter_args(%{{.*}} = %[[FUSED]]#1)
// CHECK-COUNT-1:   vector.fma
// CHECK:         vector.store %[[FUSED]]#0
// CHECK:         vector.store %[[REST]]
// SCALAR-LABEL: func @pair_other_deeper
func.func @pair_other_deeper(%h: memref<1x4xf32>, %wt: memref<4x16xf32>,
                             %y: memref<1x16xf32>, %x: memref<1x8xf32>,
                             %wt_ih: memref<8x16xf32>, %p: memref<1x16xf32>) {
  rnn.matmul_pair %h, %wt : memref<1x4xf32>, memref<4x16xf32>
      outs(%y : memref<1x16xf32>)
      other %x, %wt_ih : memref<1x8xf32>, memref<8x16xf32>
      outs(%p : memref<1x16xf32>)
  return
}

// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=0" -split-input-file | FileCheck %s --implicit-check-not=rnn.
// RUN: rnn-opt %s --convert-rnn-to-scf="vector-width=4" -split-input-file | FileCheck %s --check-prefix=VEC --implicit-check-not=rnn.

/// rnn.mse_loss sums squared differences over every element (a sum that may
/// be reassociated) and divides by the number of elements, counted in an
/// i64. Scalar (vector-width=0): one scalar sum through the whole nest.

// CHECK-LABEL: func @mse_rank2
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[NONE:.*]] = arith.constant 0 : i64
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1 : i64
// CHECK:         %[[OUTER:.*]]:2 = scf.for %[[N:[a-z0-9_]+]] = {{.*}} iter_args(%[[SUM:.*]] = %[[ZERO]], %[[COUNT:.*]] = %[[NONE]]) -> (f32, i64)
// CHECK:           scf.for %[[F:[a-z0-9_]+]] = {{.*}} iter_args(%[[SUM2:.*]] = %[[SUM]], %[[COUNT2:.*]] = %[[COUNT]])
// CHECK:             %[[P:.*]] = memref.load %{{.*}}[%[[N]], %[[F]]]
// CHECK:             %[[T:[a-z0-9_]+]] = memref.load %{{.*}}[%[[N]], %[[F]]]
// CHECK:             %[[D:.*]] = arith.subf %[[P]], %[[T]]
// CHECK:             %[[SQ:.*]] = arith.mulf %[[D]], %[[D]]
// CHECK:             arith.addf %[[SUM2]], %[[SQ]] fastmath<reassoc,contract>
// CHECK:             arith.addi %[[COUNT2]], %[[ONE]] : i64
// CHECK:         %[[NUMEL:.*]] = arith.uitofp %[[OUTER]]#1 : i64 to f32
// CHECK:         %[[MEAN:.*]] = arith.divf %[[OUTER]]#0, %[[NUMEL]]
// CHECK:         memref.store %[[MEAN]], %{{.*}}[] : memref<f32>
func.func @mse_rank2(%p: memref<?x3xf32>, %t: memref<?x3xf32>,
                     %loss: memref<f32>) {
  rnn.mse_loss %p, %t : memref<?x3xf32>, memref<?x3xf32>
      outs(%loss : memref<f32>)
  return
}

// -----

/// With lengths, positions t >= lengths[b] contribute neither to the sum
/// nor to the count.

// CHECK-LABEL: func @mse_time_major_with_lengths
// CHECK:         scf.for %[[T:[a-z0-9_]+]] =
// CHECK:           scf.for %[[B:[a-z0-9_]+]] =
// CHECK:             %[[LEN:.*]] = memref.load %{{.*}}[%[[B]]] : memref<?xi64>
// CHECK:             %[[TIME:.*]] = arith.index_cast %[[T]] : index to i64
// CHECK:             %[[VALID:.*]] = arith.cmpi slt, %[[TIME]], %[[LEN]]
// CHECK:             arith.select %[[VALID]], %{{.*}} : f32
// CHECK:             arith.select %[[VALID]], %{{.*}} : i64
// CHECK:         arith.uitofp
// CHECK:         arith.divf
func.func @mse_time_major_with_lengths(%p: memref<?x?x2xf32>,
                                       %t: memref<?x?x2xf32>,
                                       %lengths: memref<?xi64>,
                                       %loss: memref<f32>) {
  rnn.mse_loss %p, %t lengths(%lengths : memref<?xi64>)
      : memref<?x?x2xf32>, memref<?x?x2xf32> outs(%loss : memref<f32>)
  return
}

// -----

/// With a vector width, one vector accumulator runs through every row and
/// is reduced once, after the nest. Rows of 6 are one full vector of 4 and
/// a tail of 2 under a constant mask; a row of an ended sequence adds a
/// zero vector and no positions; a valid row counts its 6 elements.

// VEC-LABEL: func @mse_vector_rows
// VEC-SAME:    (%[[P:[a-z0-9_]+]]: memref<?x?x6xf32>, %[[TGT:[a-z0-9_]+]]: memref<?x?x6xf32>, %[[LENS:[a-z0-9_]+]]: memref<?xi64>
// VEC-DAG:     %[[ZEROS:.*]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// VEC-DAG:     %[[NONE:.*]] = arith.constant 0 : i64
// VEC-DAG:     %[[SIX:.*]] = arith.constant 6 : i64
// VEC:         %[[OUTER:.*]]:2 = scf.for %[[T:[a-z0-9_]+]] = {{.*}} iter_args(%[[ACC:.*]] = %[[ZEROS]], %[[COUNT:.*]] = %[[NONE]]) -> (vector<4xf32>, i64)
// VEC:           scf.for %[[B:[a-z0-9_]+]] = {{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]], %[[COUNT2:.*]] = %[[COUNT]])
// VEC:             %[[FULL:.*]] = scf.for %[[J:[a-z0-9_]+]] = %{{.*}} to %c4{{.*}} step %c4{{.*}} iter_args(%[[ROW:.*]] = %[[ZEROS]]) -> (vector<4xf32>)
// VEC:               %[[PV:.*]] = vector.load %[[P]][%[[T]], %[[B]], %[[J]]] : memref<?x?x6xf32>, vector<4xf32>
// VEC:               %[[TV:.*]] = vector.load %[[TGT]][%[[T]], %[[B]], %[[J]]]
// VEC:               %[[D:.*]] = arith.subf %[[PV]], %[[TV]] : vector<4xf32>
// VEC:               vector.fma %[[D]], %[[D]], %[[ROW]] : vector<4xf32>
// VEC:             %[[MASK:.*]] = arith.constant dense<[true, true, false, false]> : vector<4xi1>
// VEC:             vector.maskedload %[[P]][%[[T]], %[[B]], %c4{{.*}}], %[[MASK]], %[[ZEROS]]
// VEC:             vector.maskedload %[[TGT]][%[[T]], %[[B]], %c4{{.*}}], %[[MASK]], %[[ZEROS]]
// VEC:             %[[TAIL:.*]] = vector.fma %{{.*}}, %{{.*}}, %[[FULL]]
// VEC:             %[[LEN:.*]] = memref.load %[[LENS]][%[[B]]] : memref<?xi64>
// VEC:             %[[TIME:.*]] = arith.index_cast %[[T]] : index to i64
// VEC:             %[[VALID:.*]] = arith.cmpi slt, %[[TIME]], %[[LEN]]
// VEC:             %[[KEPT:.*]] = arith.select %[[VALID]], %[[TAIL]], %[[ZEROS]] : vector<4xf32>
// VEC:             %[[WEIGHT:.*]] = arith.select %[[VALID]], %[[SIX]], %[[NONE]] : i64
// VEC:             arith.addf %[[ACC2]], %[[KEPT]] fastmath<reassoc,contract> : vector<4xf32>
// VEC:             arith.addi %[[COUNT2]], %[[WEIGHT]] : i64
// VEC:         %[[SUM:.*]] = vector.reduction <add>, %[[OUTER]]#0 fastmath<reassoc,contract> : vector<4xf32> into f32
// VEC:         %[[NUMEL:.*]] = arith.uitofp %[[OUTER]]#1 : i64 to f32
// VEC:         %[[MEAN:.*]] = arith.divf %[[SUM]], %[[NUMEL]]
// VEC:         memref.store %[[MEAN]], %{{.*}}[] : memref<f32>
func.func @mse_vector_rows(%p: memref<?x?x6xf32>, %t: memref<?x?x6xf32>,
                           %lengths: memref<?xi64>, %loss: memref<f32>) {
  rnn.mse_loss %p, %t lengths(%lengths : memref<?xi64>)
      : memref<?x?x6xf32>, memref<?x?x6xf32> outs(%loss : memref<f32>)
  return
}

// -----

/// A dynamic row length or a strided row keeps the scalar nest.

// VEC-LABEL: func @mse_scalar_fallbacks
// VEC-NOT:     vector.
// VEC:         memref.load
// VEC-NOT:     vector.
// VEC:         return
func.func @mse_scalar_fallbacks(%p: memref<?x?xf32>, %t: memref<?x?xf32>,
                                %ps: memref<4x8xf32, strided<[1, 4]>>,
                                %ts: memref<4x8xf32, strided<[1, 4]>>,
                                %loss: memref<f32>) {
  rnn.mse_loss %p, %t : memref<?x?xf32>, memref<?x?xf32>
      outs(%loss : memref<f32>)
  rnn.mse_loss %ps, %ts : memref<4x8xf32, strided<[1, 4]>>,
      memref<4x8xf32, strided<[1, 4]>> outs(%loss : memref<f32>)
  return
}

// -----

/// rnn.cross_entropy_loss: a stable log-sum-exp (row max first), minus the
/// target's logit, averaged over the positions whose target is not
/// ignore_index (-100 by default): an ignored position reads class 0's
/// logit instead of its target and neither its term nor its count is added.

// CHECK-LABEL: func @cross_entropy_rows
// CHECK-DAG:     %[[IGNORE:.*]] = arith.constant -100 : i64
// CHECK:         scf.for %[[N:[a-z0-9_]+]] = {{.*}} iter_args(%[[ACC:.*]] = %{{.*}}, %[[COUNT:.*]] = %{{.*}})
// CHECK:           %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK:           %[[MAX:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[NEG_INF]])
// CHECK:             arith.maximumf
// CHECK:           %[[SUM:.*]] = scf.for
// CHECK:             %[[SHIFTED:.*]] = arith.subf %{{.*}}, %[[MAX]]
// CHECK:             math.exp %[[SHIFTED]]
// CHECK:           %[[LOG:.*]] = math.log %[[SUM]]
// CHECK:           %[[LSE:.*]] = arith.addf %[[MAX]], %[[LOG]]
// CHECK:           %[[LABEL:.*]] = memref.load %{{.*}}[%[[N]]] : memref<?xi64>
// CHECK:           %[[IGNORED:.*]] = arith.cmpi eq, %[[LABEL]], %[[IGNORE]]
// CHECK:           %[[SAFE:.*]] = arith.select %[[IGNORED]], %{{.*}}, %[[LABEL]]
// CHECK:           %[[CLASS:.*]] = arith.index_cast %[[SAFE]] : i64 to index
// CHECK:           %[[PICKED:.*]] = memref.load %{{.*}}[%[[N]], %[[CLASS]]]
// CHECK:           %[[TERM:.*]] = arith.subf %[[LSE]], %[[PICKED]]
// CHECK:           %[[COUNTED:.*]] = arith.cmpi ne, %{{.*}}, %[[IGNORE]]
// CHECK:           arith.select %[[COUNTED]], %[[TERM]]
// CHECK:           arith.select %[[COUNTED]], %{{.*}}, %{{.*}} : i64
// CHECK:         arith.divf
func.func @cross_entropy_rows(%logits: memref<?x5xf32>, %labels: memref<?xi64>,
                              %loss: memref<f32>) {
  rnn.cross_entropy_loss %logits, %labels : memref<?x5xf32>, memref<?xi64>
      outs(%loss : memref<f32>)
  return
}

// -----

/// reduction = sum: the terms' sum, not divided by the count; a chosen
/// ignore_index.

// CHECK-LABEL: func @cross_entropy_sum_ignore_3
// CHECK-DAG:     arith.constant 3 : i64
// CHECK:         math.log
// CHECK-NOT:     arith.divf
// CHECK:         memref.store
func.func @cross_entropy_sum_ignore_3(%logits: memref<?x5xf32>,
                                      %labels: memref<?xi32>,
                                      %loss: memref<f32>) {
  rnn.cross_entropy_loss %logits, %labels : memref<?x5xf32>, memref<?xi32>
      outs(%loss : memref<f32>)
      {reduction = #rnn.reduction<sum>, ignore_index = 3 : i64}
  return
}

// -----

// CHECK-LABEL: func @mse_sum
// CHECK:         arith.subf
// CHECK-NOT:     arith.divf
// CHECK:         memref.store
func.func @mse_sum(%p: memref<?x3xf32>, %t: memref<?x3xf32>,
                   %loss: memref<f32>) {
  rnn.mse_loss %p, %t : memref<?x3xf32>, memref<?x3xf32>
      outs(%loss : memref<f32>) {reduction = #rnn.reduction<sum>}
  return
}

// RUN: rnn-opt %s --convert-rnn-to-scf -split-input-file | FileCheck %s --implicit-check-not=rnn.

/// rnn.mse_loss sums squared differences over every element (a sum that may
/// be reassociated, so that it vectorizes) and divides by the number of
/// elements, counted in an i64.

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

/// rnn.cross_entropy_loss: a stable log-sum-exp (row max first), minus the
/// target's logit, averaged.

// CHECK-LABEL: func @cross_entropy_rows
// CHECK:         scf.for %[[N:[a-z0-9_]+]] =
// CHECK:           %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK:           %[[MAX:.*]] = scf.for {{.*}} iter_args(%{{.*}} = %[[NEG_INF]])
// CHECK:             arith.maximumf
// CHECK:           %[[SUM:.*]] = scf.for
// CHECK:             %[[SHIFTED:.*]] = arith.subf %{{.*}}, %[[MAX]]
// CHECK:             math.exp %[[SHIFTED]]
// CHECK:           %[[LOG:.*]] = math.log %[[SUM]]
// CHECK:           %[[LSE:.*]] = arith.addf %[[MAX]], %[[LOG]]
// CHECK:           %[[LABEL:.*]] = memref.load %{{.*}}[%[[N]]] : memref<?xi64>
// CHECK:           %[[CLASS:.*]] = arith.index_cast %[[LABEL]] : i64 to index
// CHECK:           %[[PICKED:.*]] = memref.load %{{.*}}[%[[N]], %[[CLASS]]]
// CHECK:           arith.subf %[[LSE]], %[[PICKED]]
// CHECK:         arith.divf
func.func @cross_entropy_rows(%logits: memref<?x5xf32>, %labels: memref<?xi64>,
                              %loss: memref<f32>) {
  rnn.cross_entropy_loss %logits, %labels : memref<?x5xf32>, memref<?xi64>
      outs(%loss : memref<f32>)
  return
}

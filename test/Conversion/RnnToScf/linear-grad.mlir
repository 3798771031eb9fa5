// RUN: rnn-opt %s --convert-rnn-to-scf -split-input-file | FileCheck %s --implicit-check-not=rnn.

/// rnn.linear_grad over rows (N, in). First, for every row n and input
/// feature i, d_x[n, i] += sum_o d_y[n, o] * W[o, i] (the product with the
/// untransposed weight). Then, for every (o, i),
/// d_W[o, i] += sum_n d_y[n, o] * x[n, i], and d_b[o] += sum_n d_y[n, o].
/// Each sum starts at zero and is added to the accumulator once.

// CHECK-LABEL: func @linear_grad_rows
// CHECK-SAME:    (%[[X:[^:]*]]: memref<?x3xf32>, %[[W:[^:]*]]: memref<2x3xf32>, %[[D_Y:[^:]*]]: memref<?x2xf32>, %[[D_X:[^:]*]]: memref<?x3xf32>, %[[D_W:[^:]*]]: memref<2x3xf32>, %[[D_B:[^:]*]]: memref<2xf32>)
// CHECK-DAG:     %[[ZERO:[a-z0-9_]+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[IN:[a-z0-9_]+]] = memref.dim %[[W]], %{{.*}} : memref<2x3xf32>
// CHECK-DAG:     %[[OUT:[a-z0-9_]+]] = memref.dim %[[W]], %{{.*}} : memref<2x3xf32>
// CHECK-DAG:     %[[ROWS:[a-z0-9_]+]] = memref.dim %[[X]], %{{.*}} : memref<?x3xf32>
/// Input gradient.
// CHECK:         scf.for %[[N:[a-z0-9_]+]] = %{{.*}} to %[[ROWS]]
// CHECK:           scf.for %[[I:[a-z0-9_]+]] = %{{.*}} to %[[IN]]
// CHECK:             %[[BACK:[a-z0-9_]+]] = scf.for %[[O:[a-z0-9_]+]] = %{{.*}} to %[[OUT]] step %{{.*}} iter_args(%[[SUM:[a-z0-9_]+]] = %[[ZERO]]) -> (f32)
// CHECK-NEXT:          %[[DY:[a-z0-9_]+]] = memref.load %[[D_Y]][%[[N]], %[[O]]]
// CHECK-NEXT:          %[[WV:[a-z0-9_]+]] = memref.load %[[W]][%[[O]], %[[I]]]
// CHECK-NEXT:          %[[PROD:[a-z0-9_]+]] = arith.mulf %[[DY]], %[[WV]] fastmath<contract> : f32
// CHECK-NEXT:          %[[NEXT:[a-z0-9_]+]] = arith.addf %[[SUM]], %[[PROD]] fastmath<contract> : f32
// CHECK-NEXT:          scf.yield %[[NEXT]] : f32
// CHECK:             %[[OLD_DX:[a-z0-9_]+]] = memref.load %[[D_X]][%[[N]], %[[I]]]
// CHECK-NEXT:        %[[NEW_DX:[a-z0-9_]+]] = arith.addf %[[OLD_DX]], %[[BACK]] fastmath<contract> : f32
// CHECK-NEXT:        memref.store %[[NEW_DX]], %[[D_X]][%[[N]], %[[I]]]
/// Weight gradient: a reduction over the rows for each (o, i).
// CHECK:         scf.for %[[O2:[a-z0-9_]+]] = %{{.*}} to %[[OUT]]
// CHECK:           scf.for %[[I2:[a-z0-9_]+]] = %{{.*}} to %[[IN]]
// CHECK:             %[[DW:[a-z0-9_]+]] = scf.for %[[N2:[a-z0-9_]+]] = %{{.*}} to %[[ROWS]] step %{{.*}} iter_args(%[[SUM2:[a-z0-9_]+]] = %[[ZERO]]) -> (f32)
// CHECK-NEXT:          %[[DY2:[a-z0-9_]+]] = memref.load %[[D_Y]][%[[N2]], %[[O2]]]
// CHECK-NEXT:          %[[XV:[a-z0-9_]+]] = memref.load %[[X]][%[[N2]], %[[I2]]]
// CHECK-NEXT:          %[[PROD2:[a-z0-9_]+]] = arith.mulf %[[DY2]], %[[XV]] fastmath<contract> : f32
// CHECK-NEXT:          %[[NEXT2:[a-z0-9_]+]] = arith.addf %[[SUM2]], %[[PROD2]] fastmath<contract> : f32
// CHECK-NEXT:          scf.yield %[[NEXT2]] : f32
// CHECK:             %[[OLD_DW:[a-z0-9_]+]] = memref.load %[[D_W]][%[[O2]], %[[I2]]]
// CHECK-NEXT:        %[[NEW_DW:[a-z0-9_]+]] = arith.addf %[[OLD_DW]], %[[DW]] fastmath<contract> : f32
// CHECK-NEXT:        memref.store %[[NEW_DW]], %[[D_W]][%[[O2]], %[[I2]]]
/// Bias gradient, in the same loop over o.
// CHECK:           %[[DB:[a-z0-9_]+]] = scf.for %[[N3:[a-z0-9_]+]] = %{{.*}} to %[[ROWS]] step %{{.*}} iter_args(%[[SUM3:[a-z0-9_]+]] = %[[ZERO]]) -> (f32)
// CHECK-NEXT:        %[[DY3:[a-z0-9_]+]] = memref.load %[[D_Y]][%[[N3]], %[[O2]]]
// CHECK-NEXT:        %[[NEXT3:[a-z0-9_]+]] = arith.addf %[[SUM3]], %[[DY3]] fastmath<contract> : f32
// CHECK-NEXT:        scf.yield %[[NEXT3]] : f32
// CHECK:           %[[OLD_DB:[a-z0-9_]+]] = memref.load %[[D_B]][%[[O2]]]
// CHECK-NEXT:      %[[NEW_DB:[a-z0-9_]+]] = arith.addf %[[OLD_DB]], %[[DB]] fastmath<contract> : f32
// CHECK-NEXT:      memref.store %[[NEW_DB]], %[[D_B]][%[[O2]]]
// CHECK:         return
func.func @linear_grad_rows(%x: memref<?x3xf32>, %w: memref<2x3xf32>,
                            %dy: memref<?x2xf32>, %dx: memref<?x3xf32>,
                            %dw: memref<2x3xf32>, %db: memref<2xf32>) {
  rnn.linear_grad %x, %w, %dy : memref<?x3xf32>, memref<2x3xf32>,
      memref<?x2xf32> input_grad(%dx : memref<?x3xf32>)
      weight_grad(%dw : memref<2x3xf32>) bias_grad(%db : memref<2xf32>)
  return
}

// -----

/// Time-major operands (T, B, in): the positions are (t, b), so the weight
/// gradient reduces over two nested loops, the outer one's sum carried into
/// the inner one. Without input_grad or bias_grad only d_W is written.

// CHECK-LABEL: func @linear_grad_time_major_weight_only
// CHECK-SAME:    (%[[X:[^:]*]]: memref<?x?x3xf32>, %[[W:[^:]*]]: memref<2x3xf32>, %[[D_Y:[^:]*]]: memref<?x?x2xf32>, %[[D_W:[^:]*]]: memref<2x3xf32>)
// CHECK-DAG:     %[[ZERO:[a-z0-9_]+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[SEQ:[a-z0-9_]+]] = memref.dim %[[X]], %{{.*}} : memref<?x?x3xf32>
// CHECK-DAG:     %[[BATCH:[a-z0-9_]+]] = memref.dim %[[X]], %{{.*}} : memref<?x?x3xf32>
// CHECK-NOT:     memref.load %[[W]]
// CHECK:         scf.for %[[O:[a-z0-9_]+]] =
// CHECK:           scf.for %[[I:[a-z0-9_]+]] =
// CHECK:             %[[DW:[a-z0-9_]+]] = scf.for %[[T:[a-z0-9_]+]] = %{{.*}} to %[[SEQ]] step %{{.*}} iter_args(%[[OUTER:[a-z0-9_]+]] = %[[ZERO]]) -> (f32)
// CHECK:               %[[INNER:[a-z0-9_]+]] = scf.for %[[B:[a-z0-9_]+]] = %{{.*}} to %[[BATCH]] step %{{.*}} iter_args(%[[SUM:[a-z0-9_]+]] = %[[OUTER]]) -> (f32)
// CHECK-NEXT:            %[[DY:[a-z0-9_]+]] = memref.load %[[D_Y]][%[[T]], %[[B]], %[[O]]]
// CHECK-NEXT:            %[[XV:[a-z0-9_]+]] = memref.load %[[X]][%[[T]], %[[B]], %[[I]]]
// CHECK-NEXT:            %[[PROD:[a-z0-9_]+]] = arith.mulf %[[DY]], %[[XV]] fastmath<contract> : f32
// CHECK-NEXT:            %[[NEXT:[a-z0-9_]+]] = arith.addf %[[SUM]], %[[PROD]] fastmath<contract> : f32
// CHECK-NEXT:            scf.yield %[[NEXT]] : f32
// CHECK:               scf.yield %[[INNER]] : f32
// CHECK:             %[[OLD:[a-z0-9_]+]] = memref.load %[[D_W]][%[[O]], %[[I]]]
// CHECK-NEXT:        %[[NEW:[a-z0-9_]+]] = arith.addf %[[OLD]], %[[DW]] fastmath<contract> : f32
// CHECK-NEXT:        memref.store %[[NEW]], %[[D_W]][%[[O]], %[[I]]]
// CHECK-NOT:     memref.store
// CHECK:         return
func.func @linear_grad_time_major_weight_only(%x: memref<?x?x3xf32>,
                                              %w: memref<2x3xf32>,
                                              %dy: memref<?x?x2xf32>,
                                              %dw: memref<2x3xf32>) {
  rnn.linear_grad %x, %w, %dy : memref<?x?x3xf32>, memref<2x3xf32>,
      memref<?x?x2xf32> weight_grad(%dw : memref<2x3xf32>)
  return
}

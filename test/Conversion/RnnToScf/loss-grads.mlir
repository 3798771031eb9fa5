// RUN: rnn-opt %s --convert-rnn-to-scf -split-input-file | FileCheck %s --implicit-check-not=rnn.

/// rnn.mse_loss_grad first counts the elements as rnn.mse_loss does (in an
/// i64: the counted rows times the row length, converted to f32 once, so both
/// divide by the same f32), then adds (prediction - target) * (2 / count *
/// d_loss) into every element of d_prediction.

// CHECK-LABEL: func @mse_grad_rows
// CHECK-SAME:    (%[[P:[^:]*]]: memref<?x3xf32>, %[[T:[^:]*]]: memref<?x3xf32>, %[[D_LOSS:[^:]*]]: memref<f32>, %[[D_P:[^:]*]]: memref<?x3xf32>)
// CHECK-DAG:     %[[ZERO:[a-z0-9_]+]] = arith.constant 0 : i64
// CHECK-DAG:     %[[ONE:[a-z0-9_]+]] = arith.constant 1 : i64
// CHECK-DAG:     %[[TWO:[a-z0-9_]+]] = arith.constant 2.000000e+00 : f32
// CHECK:         %[[ROWS:[a-z0-9_]+]] = scf.for %{{.*}} iter_args(%[[C:[a-z0-9_]+]] = %[[ZERO]]) -> (i64)
// CHECK-NEXT:      %[[C_NEXT:[a-z0-9_]+]] = arith.addi %[[C]], %[[ONE]] : i64
// CHECK-NEXT:      scf.yield %[[C_NEXT]] : i64
// CHECK:         %[[WIDTH:[a-z0-9_]+]] = memref.dim %[[P]], %{{.*}} : memref<?x3xf32>
// CHECK-NEXT:    %[[WIDTH_I:[a-z0-9_]+]] = arith.index_cast %[[WIDTH]] : index to i64
// CHECK-NEXT:    %[[COUNT_I:[a-z0-9_]+]] = arith.muli %[[ROWS]], %[[WIDTH_I]] : i64
// CHECK-NEXT:    %[[COUNT:[a-z0-9_]+]] = arith.uitofp %[[COUNT_I]] : i64 to f32
// CHECK-NEXT:    %[[NORM:[a-z0-9_]+]] = arith.divf %[[TWO]], %[[COUNT]] : f32
// CHECK-NEXT:    %[[DL:[a-z0-9_]+]] = memref.load %[[D_LOSS]][] : memref<f32>
// CHECK-NEXT:    %[[SCALE:[a-z0-9_]+]] = arith.mulf %[[NORM]], %[[DL]] fastmath<contract> : f32
// CHECK:         scf.for %[[N:[a-z0-9_]+]] =
// CHECK:           scf.for %[[F:[a-z0-9_]+]] =
// CHECK-NEXT:        %[[PV:[a-z0-9_]+]] = memref.load %[[P]][%[[N]], %[[F]]]
// CHECK-NEXT:        %[[TV:[a-z0-9_]+]] = memref.load %[[T]][%[[N]], %[[F]]]
// CHECK-NEXT:        %[[DIFF:[a-z0-9_]+]] = arith.subf %[[PV]], %[[TV]] : f32
// CHECK-NEXT:        %[[DELTA:[a-z0-9_]+]] = arith.mulf %[[DIFF]], %[[SCALE]] fastmath<contract> : f32
// CHECK-NEXT:        %[[OLD:[a-z0-9_]+]] = memref.load %[[D_P]][%[[N]], %[[F]]]
// CHECK-NEXT:        %[[NEW:[a-z0-9_]+]] = arith.addf %[[OLD]], %[[DELTA]] fastmath<contract> : f32
// CHECK-NEXT:        memref.store %[[NEW]], %[[D_P]][%[[N]], %[[F]]]
// CHECK-NOT:     scf.if
// CHECK:         return
func.func @mse_grad_rows(%p: memref<?x3xf32>, %t: memref<?x3xf32>,
                         %dl: memref<f32>, %dp: memref<?x3xf32>) {
  rnn.mse_loss_grad %p, %t, %dl : memref<?x3xf32>, memref<?x3xf32>,
      memref<f32> outs(%dp : memref<?x3xf32>)
  return
}

// -----

/// With lengths (time-major operands), a row (t, b) counts its elements
/// only when t < lengths[b], and only those rows receive a gradient: the
/// others are left as they are. The test is made once per row, outside the
/// feature loop.

// CHECK-LABEL: func @mse_grad_time_major_with_lengths
// CHECK-SAME:    (%[[P:[^:]*]]: memref<?x?x2xf32>, %[[T:[^:]*]]: memref<?x?x2xf32>, %[[D_LOSS:[^:]*]]: memref<f32>, %[[LENGTHS:[^:]*]]: memref<?xi64>, %[[D_P:[^:]*]]: memref<?x?x2xf32>)
// CHECK-DAG:     %[[ZERO:[a-z0-9_]+]] = arith.constant 0 : i64
// CHECK-DAG:     %[[ONE:[a-z0-9_]+]] = arith.constant 1 : i64
// CHECK:         %[[ROWS:[a-z0-9_]+]] = scf.for %[[CT:[a-z0-9_]+]] =
// CHECK:           scf.for %[[CB:[a-z0-9_]+]] = %{{.*}} iter_args(%[[C:[a-z0-9_]+]] = %{{.*}}) -> (i64)
// CHECK-NEXT:        %[[CTIME:[a-z0-9_]+]] = arith.index_cast %[[CT]] : index to i64
// CHECK-NEXT:        %[[CLEN:[a-z0-9_]+]] = memref.load %[[LENGTHS]][%[[CB]]] : memref<?xi64>
// CHECK-NEXT:        %[[CVALID:[a-z0-9_]+]] = arith.cmpi slt, %[[CTIME]], %[[CLEN]] : i64
// CHECK-NEXT:        %[[WEIGHT:[a-z0-9_]+]] = arith.select %[[CVALID]], %[[ONE]], %[[ZERO]] : i64
// CHECK-NEXT:        arith.addi %[[C]], %[[WEIGHT]] : i64
// CHECK:         %[[WIDTH:[a-z0-9_]+]] = memref.dim %[[P]], %{{.*}} : memref<?x?x2xf32>
// CHECK-NEXT:    %[[WIDTH_I:[a-z0-9_]+]] = arith.index_cast %[[WIDTH]] : index to i64
// CHECK-NEXT:    %[[COUNT_I:[a-z0-9_]+]] = arith.muli %[[ROWS]], %[[WIDTH_I]] : i64
// CHECK-NEXT:    %[[COUNT:[a-z0-9_]+]] = arith.uitofp %[[COUNT_I]] : i64 to f32
// CHECK:         arith.divf %{{.*}}, %[[COUNT]] : f32
// CHECK:         scf.for %[[TI:[a-z0-9_]+]] =
// CHECK:           scf.for %[[B:[a-z0-9_]+]] =
// CHECK-NEXT:        %[[TIME:[a-z0-9_]+]] = arith.index_cast %[[TI]] : index to i64
// CHECK-NEXT:        %[[LEN:[a-z0-9_]+]] = memref.load %[[LENGTHS]][%[[B]]] : memref<?xi64>
// CHECK-NEXT:        %[[VALID:[a-z0-9_]+]] = arith.cmpi slt, %[[TIME]], %[[LEN]] : i64
// CHECK-NEXT:        scf.if %[[VALID]] {
// CHECK:               scf.for %[[F:[a-z0-9_]+]] =
// CHECK-NEXT:            memref.load %[[P]][%[[TI]], %[[B]], %[[F]]]
// CHECK-NEXT:            memref.load %[[T]][%[[TI]], %[[B]], %[[F]]]
// CHECK:                 memref.store %{{.*}}, %[[D_P]][%[[TI]], %[[B]], %[[F]]]
// CHECK-NEXT:          }
// CHECK-NEXT:        }
// CHECK-NOT:       else
// CHECK:         return
func.func @mse_grad_time_major_with_lengths(%p: memref<?x?x2xf32>,
                                            %t: memref<?x?x2xf32>,
                                            %dl: memref<f32>,
                                            %lengths: memref<?xi64>,
                                            %dp: memref<?x?x2xf32>) {
  rnn.mse_loss_grad %p, %t, %dl lengths(%lengths : memref<?xi64>)
      : memref<?x?x2xf32>, memref<?x?x2xf32>, memref<f32>
      outs(%dp : memref<?x?x2xf32>)
  return
}

// -----

/// rnn.cross_entropy_loss_grad over rows (N, C): the count is the number of
/// rows whose target is not ignore_index (-100 by default), scale = d_loss /
/// count, and only those rows are differentiated. Per row, the softmax is
/// computed stably,
/// as the forward's log-sum-exp: the row maximum first, then
/// sum_c exp(l[c] - max). Each class then gets
/// (exp(l[c] - max) / sum - (c == target ? 1 : 0)) * scale added.

// CHECK-LABEL: func @cross_entropy_grad_rows
// CHECK-SAME:    (%[[LOGITS:[^:]*]]: memref<?x5xf32>, %[[LABELS:[^:]*]]: memref<?xi64>, %[[D_LOSS:[^:]*]]: memref<f32>, %[[D_LOGITS:[^:]*]]: memref<?x5xf32>)
// CHECK-DAG:     %[[CLASSES:[a-z0-9_]+]] = memref.dim %[[LOGITS]], %{{.*}} : memref<?x5xf32>
// CHECK-DAG:     %[[IGNORE:[a-z0-9_-]+]] = arith.constant -100 : i64
// CHECK-DAG:     %[[DL:[a-z0-9_]+]] = memref.load %[[D_LOSS]][] : memref<f32>
// CHECK-DAG:     %[[ONE:[a-z0-9_]+]] = arith.constant 1 : i64
// CHECK:         %[[COUNT_I:[a-z0-9_]+]] = scf.for {{.*}} -> (i64)
// CHECK-NEXT:      %[[L0:[a-z0-9_]+]] = memref.load %[[LABELS]]
// CHECK-NEXT:      %[[KEEP0:[a-z0-9_]+]] = arith.cmpi ne, %[[L0]], %[[IGNORE]] : i64
// CHECK-NEXT:      %[[W:[a-z0-9_]+]] = arith.select %[[KEEP0]], %[[ONE]], %{{.*}} : i64
// CHECK-NEXT:      arith.addi %{{.*}}, %[[W]] : i64
// CHECK:         %[[COUNT:[a-z0-9_]+]] = arith.uitofp %[[COUNT_I]] : i64 to f32
// CHECK-NEXT:    %[[SCALE:[a-z0-9_]+]] = arith.divf %[[DL]], %[[COUNT]] : f32
// CHECK:         scf.for %[[N:[a-z0-9_]+]] =
// CHECK-NEXT:      %[[LN:[a-z0-9_]+]] = memref.load %[[LABELS]][%[[N]]]
// CHECK-NEXT:      %[[KEEP:[a-z0-9_]+]] = arith.cmpi ne, %[[LN]], %[[IGNORE]] : i64
// CHECK-NEXT:      scf.if %[[KEEP]] {
// CHECK-NEXT:      %[[NEG_INF:[a-z0-9_]+]] = arith.constant 0xFF800000 : f32
// CHECK:           %[[MAX:[a-z0-9_]+]] = scf.for %[[C1:[a-z0-9_]+]] = %{{.*}} to %[[CLASSES]] step %{{.*}} iter_args(%[[M:[a-z0-9_]+]] = %[[NEG_INF]]) -> (f32)
// CHECK-NEXT:        %[[L1:[a-z0-9_]+]] = memref.load %[[LOGITS]][%[[N]], %[[C1]]]
// CHECK-NEXT:        %[[M_NEXT:[a-z0-9_]+]] = arith.maximumf %[[M]], %[[L1]] : f32
// CHECK:           %[[SUM:[a-z0-9_]+]] = scf.for %[[C2:[a-z0-9_]+]] = %{{.*}} to %[[CLASSES]]
// CHECK-NEXT:        %[[L2:[a-z0-9_]+]] = memref.load %[[LOGITS]][%[[N]], %[[C2]]]
// CHECK-NEXT:        %[[SHIFTED2:[a-z0-9_]+]] = arith.subf %[[L2]], %[[MAX]] : f32
// CHECK-NEXT:        %[[E2:[a-z0-9_]+]] = math.exp %[[SHIFTED2]] : f32
// CHECK-NEXT:        arith.addf %{{.*}}, %[[E2]] fastmath<contract> : f32
// CHECK:           %[[LABEL:[a-z0-9_]+]] = memref.load %[[LABELS]][%[[N]]] : memref<?xi64>
// CHECK-NEXT:      %[[TARGET:[a-z0-9_]+]] = arith.index_cast %[[LABEL]] : i64 to index
// CHECK-NEXT:      %[[OFF:[a-z0-9_]+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT:      %[[ON:[a-z0-9_]+]] = arith.constant 1.000000e+00 : f32
// CHECK:           scf.for %[[C:[a-z0-9_]+]] = %{{.*}} to %[[CLASSES]]
// CHECK-NEXT:        %[[L:[a-z0-9_]+]] = memref.load %[[LOGITS]][%[[N]], %[[C]]]
// CHECK-NEXT:        %[[SHIFTED:[a-z0-9_]+]] = arith.subf %[[L]], %[[MAX]] : f32
// CHECK-NEXT:        %[[E:[a-z0-9_]+]] = math.exp %[[SHIFTED]] : f32
// CHECK-NEXT:        %[[PROB:[a-z0-9_]+]] = arith.divf %[[E]], %[[SUM]] : f32
// CHECK-NEXT:        %[[IS_TARGET:[a-z0-9_]+]] = arith.cmpi eq, %[[C]], %[[TARGET]] : index
// CHECK-NEXT:        %[[ONE_HOT:[a-z0-9_]+]] = arith.select %[[IS_TARGET]], %[[ON]], %[[OFF]] : f32
// CHECK-NEXT:        %[[DIFF:[a-z0-9_]+]] = arith.subf %[[PROB]], %[[ONE_HOT]] : f32
// CHECK-NEXT:        %[[DELTA:[a-z0-9_]+]] = arith.mulf %[[DIFF]], %[[SCALE]] fastmath<contract> : f32
// CHECK-NEXT:        %[[OLD:[a-z0-9_]+]] = memref.load %[[D_LOGITS]][%[[N]], %[[C]]]
// CHECK-NEXT:        %[[NEW:[a-z0-9_]+]] = arith.addf %[[OLD]], %[[DELTA]] fastmath<contract> : f32
// CHECK-NEXT:        memref.store %[[NEW]], %[[D_LOGITS]][%[[N]], %[[C]]]
// CHECK-NOT:     else
// CHECK:         return
func.func @cross_entropy_grad_rows(%logits: memref<?x5xf32>,
                                   %labels: memref<?xi64>, %dl: memref<f32>,
                                   %dlogits: memref<?x5xf32>) {
  rnn.cross_entropy_loss_grad %logits, %labels, %dl : memref<?x5xf32>,
      memref<?xi64>, memref<f32> outs(%dlogits : memref<?x5xf32>)
  return
}

// -----

/// Time-major logits (T, B, C) with i32 targets and lengths: a position
/// (t, b) counts, and is differentiated, only when t < lengths[b] and its
/// target is not ignore_index.

// CHECK-LABEL: func @cross_entropy_grad_time_major_with_lengths
// CHECK-SAME:    (%[[LOGITS:[^:]*]]: memref<?x?x5xf32>, %[[LABELS:[^:]*]]: memref<?x?xi32>, %[[D_LOSS:[^:]*]]: memref<f32>, %[[LENGTHS:[^:]*]]: memref<?xi64>, %[[D_LOGITS:[^:]*]]: memref<?x?x5xf32>)
// CHECK:         scf.for %[[CT:[a-z0-9_]+]] =
// CHECK:           scf.for %[[CB:[a-z0-9_]+]] =
// CHECK-NEXT:        %[[CTIME:[a-z0-9_]+]] = arith.index_cast %[[CT]] : index to i64
// CHECK-NEXT:        %[[CLEN:[a-z0-9_]+]] = memref.load %[[LENGTHS]][%[[CB]]] : memref<?xi64>
// CHECK-NEXT:        %[[CVALID:[a-z0-9_]+]] = arith.cmpi slt, %[[CTIME]], %[[CLEN]] : i64
// CHECK-NEXT:        %[[CLABEL:[a-z0-9_]+]] = memref.load %[[LABELS]][%[[CT]], %[[CB]]] : memref<?x?xi32>
// CHECK-NEXT:        %[[CLABEL64:[a-z0-9_]+]] = arith.extsi %[[CLABEL]] : i32 to i64
// CHECK-NEXT:        %[[CKEEP:[a-z0-9_]+]] = arith.cmpi ne, %[[CLABEL64]], %{{.*}} : i64
// CHECK-NEXT:        %[[CCOUNTED:[a-z0-9_]+]] = arith.andi %[[CVALID]], %[[CKEEP]] : i1
// CHECK-NEXT:        arith.select %[[CCOUNTED]]
// CHECK:         %[[COUNT:[a-z0-9_]+]] = arith.uitofp
// CHECK:         arith.divf %{{.*}}, %[[COUNT]] : f32
// CHECK:         scf.for %[[T:[a-z0-9_]+]] =
// CHECK:           scf.for %[[B:[a-z0-9_]+]] =
// CHECK-NEXT:        %[[TIME:[a-z0-9_]+]] = arith.index_cast %[[T]] : index to i64
// CHECK-NEXT:        %[[LEN:[a-z0-9_]+]] = memref.load %[[LENGTHS]][%[[B]]] : memref<?xi64>
// CHECK-NEXT:        %[[VALID:[a-z0-9_]+]] = arith.cmpi slt, %[[TIME]], %[[LEN]] : i64
// CHECK-NEXT:        %[[TLABEL:[a-z0-9_]+]] = memref.load %[[LABELS]][%[[T]], %[[B]]] : memref<?x?xi32>
// CHECK-NEXT:        %[[TLABEL64:[a-z0-9_]+]] = arith.extsi %[[TLABEL]] : i32 to i64
// CHECK-NEXT:        %[[KEEP:[a-z0-9_]+]] = arith.cmpi ne, %[[TLABEL64]], %{{.*}} : i64
// CHECK-NEXT:        %[[COUNTED:[a-z0-9_]+]] = arith.andi %[[VALID]], %[[KEEP]] : i1
// CHECK-NEXT:        scf.if %[[COUNTED]] {
// CHECK:               arith.maximumf
// CHECK:               math.exp
// CHECK:             %[[LABEL:[a-z0-9_]+]] = memref.load %[[LABELS]][%[[T]], %[[B]]] : memref<?x?xi32>
// CHECK-NEXT:        %[[TARGET:[a-z0-9_]+]] = arith.index_cast %[[LABEL]] : i32 to index
// CHECK:             scf.for %[[C:[a-z0-9_]+]] =
// CHECK:               arith.cmpi eq, %[[C]], %[[TARGET]] : index
// CHECK:               memref.store %{{.*}}, %[[D_LOGITS]][%[[T]], %[[B]], %[[C]]]
// CHECK-NOT:       else
// CHECK:         return
func.func @cross_entropy_grad_time_major_with_lengths(
    %logits: memref<?x?x5xf32>, %labels: memref<?x?xi32>, %dl: memref<f32>,
    %lengths: memref<?xi64>, %dlogits: memref<?x?x5xf32>) {
  rnn.cross_entropy_loss_grad %logits, %labels, %dl
      lengths(%lengths : memref<?xi64>)
      : memref<?x?x5xf32>, memref<?x?xi32>, memref<f32>
      outs(%dlogits : memref<?x?x5xf32>)
  return
}

// -----

/// reduction = sum: scale is d_loss itself, with no count; ignore_index
/// from the attribute.

// CHECK-LABEL: func @cross_entropy_grad_sum
// CHECK-SAME:    %[[D_LOSS:[^:]*]]: memref<f32>
// CHECK-DAG:     arith.constant 7 : i64
// CHECK-DAG:     %[[DL:[a-z0-9_]+]] = memref.load %[[D_LOSS]][]
// CHECK-NOT:     arith.uitofp
// CHECK-NOT:     arith.divf %[[DL]]
// CHECK:         arith.mulf %{{.*}}, %[[DL]]
func.func @cross_entropy_grad_sum(%logits: memref<?x5xf32>,
                                  %labels: memref<?xi64>, %dl: memref<f32>,
                                  %dlogits: memref<?x5xf32>) {
  rnn.cross_entropy_loss_grad %logits, %labels, %dl : memref<?x5xf32>,
      memref<?xi64>, memref<f32> outs(%dlogits : memref<?x5xf32>)
      {reduction = #rnn.reduction<sum>, ignore_index = 7 : i64}
  return
}

// -----

/// MSE with reduction = sum: the factor is 2 * d_loss, with no count.

// CHECK-LABEL: func @mse_grad_sum
// CHECK-NOT:     arith.uitofp
// CHECK:         %[[TWO:[a-z0-9_]+]] = arith.constant 2.000000e+00 : f32
// CHECK:         arith.mulf %[[TWO]], %{{.*}}
func.func @mse_grad_sum(%p: memref<?x3xf32>, %t: memref<?x3xf32>,
                        %dl: memref<f32>, %dp: memref<?x3xf32>) {
  rnn.mse_loss_grad %p, %t, %dl : memref<?x3xf32>, memref<?x3xf32>,
      memref<f32> outs(%dp : memref<?x3xf32>) {reduction = #rnn.reduction<sum>}
  return
}

// RUN: rnn-opt %s --convert-rnn-to-loops="unroll=none lookahead-rows=2 lookahead-vector-width=2" --canonicalize -split-input-file | FileCheck %s
// RUN: rnn-opt %s --convert-rnn-to-loops="unroll=none lookahead-rows=8 lookahead-vector-width=2" -split-input-file | FileCheck %s --check-prefix=ROWS4
// RUN: rnn-opt %s --convert-rnn-to-loops="unroll=none lookahead-rows=0" -split-input-file | FileCheck %s --check-prefix=OFF
// RUN: rnn-opt %s --convert-rnn-to-loops="unroll=none lookahead-rows=2 lookahead-vector-width=2 parallel=1 min-column-shard-macs=1" -split-input-file | FileCheck %s --check-prefix=OFF

/// With lookahead-rows=2 and 2-lane vectors, H = 8 is two chunks of 4
/// columns. A batch of 1 with at least 2 steps projects the first block of 2
/// steps (a static 2-row product, kept out of line), then each step i:
/// projects the 2 steps ending the sequence at the start of the block
/// before a short last one; with a full block ahead, runs each chunk of its
/// recurrent product as an rnn.matmul_pair whose other product is the
/// column vector ((i mod 2) * 2 + chunk) * 2 of the next block's projection;
/// else the whole product; and commits the step. Any other batch projects
/// every step first, as without the option.

// CHECK-LABEL: func @forward
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: memref<?x?x3xf32>, %[[LEN:[a-z0-9_]+]]: memref<?xi64>, %{{.*}}, %{{.*}}, %[[B_IH:[a-z0-9_]+]]: memref<8xf32>, %[[B_HH:[a-z0-9_]+]]: memref<8xf32>, %[[Y:[a-z0-9_]+]]: memref<?x?x8xf32>, %[[H:[a-z0-9_]+]]: memref<?x8xf32>, %[[WT_IH:[a-z0-9_]+]]: memref<3x8xf32, strided<[32, 1]>>, %[[WT_HH:[a-z0-9_]+]]: memref<8x8xf32, strided<[32, 1]>>)
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK:         linalg.transpose
// CHECK:         linalg.transpose
// CHECK:         %[[B:.*]] = memref.dim %[[H]], %{{.*}}
// CHECK:         %[[T:.*]] = memref.dim %[[X]], %{{.*}}
// CHECK:         %[[LONG:.*]] = arith.cmpi uge, %[[T]], %[[C2]]
// CHECK:         %[[ONE:.*]] = arith.cmpi eq, %[[B]], %[[C1]]
// CHECK:         %[[AHEAD:.*]] = arith.andi %[[ONE]], %[[LONG]]
// CHECK:         scf.if %[[AHEAD]] {
// CHECK:           %[[X1:.*]] = memref.subview %[[X]][0, 0, 0] [%{{.*}}, 1, 3]
// CHECK:           %[[Y1:.*]] = memref.subview %[[Y]][0, 0, 0] [%{{.*}}, 1, 8]
// CHECK:           %[[H1:.*]] = memref.subview %[[H]][0, 0] [1, 8] [1, 1] : memref<?x8xf32> to memref<1x8xf32, strided<[8, 1]>>
// CHECK:           memref.subview %[[Y1]][0, 0] [2, 8]
// CHECK:           memref.subview %[[X1]][0, 0] [2, 3]
// CHECK:           rnn.matmul %{{.*}}, %[[WT_IH]] bias(%[[B_IH]] : memref<8xf32>) : memref<2x3xf32, {{.*}}> outs(%{{.*}} : memref<2x8xf32, {{.*}}) {rnn.out_of_line}
// CHECK:           scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %[[C1]] {
// CHECK:             %[[OFFSET:.*]] = arith.remui %[[I]], %[[C2]]
// CHECK:             %[[NEXT:.*]] = arith.muli %{{.*}}, %[[C2]]
// CHECK:             %[[NEXT_END:.*]] = arith.addi %[[NEXT]], %[[C2]]
// CHECK:             scf.if %{{.*}} {
// CHECK:               %[[LAST:.*]] = arith.subi %{{.*}}, %[[C2]]
// CHECK:               %[[Y_LAST:.*]] = memref.subview %[[Y1]][%[[LAST]], 0] [2, 8]
// CHECK:               %[[X_LAST:.*]] = memref.subview %[[X1]][%[[LAST]], 0] [2, 3]
// CHECK:               rnn.matmul %[[X_LAST]], %[[WT_IH]] bias(%[[B_IH]] : memref<8xf32>) {{.*}} outs(%[[Y_LAST]] : {{.*}}) {rnn.out_of_line}
// CHECK:             }
// CHECK:             %[[STEP:.*]] = memref.subview %[[Y1]][%[[I]], 0] [1, 8]
// CHECK:             %[[STEP_ROWS:.*]] = memref.subview %[[Y]][%[[I]], 0, 0] [1, %{{.*}}, 8]
// CHECK:             %[[FULL:.*]] = arith.cmpi ule, %[[NEXT_END]], %{{.*}}
// CHECK:             scf.if %[[FULL]] {
// CHECK:               %[[X_AHEAD:.*]] = memref.subview %[[X1]][%[[NEXT]], 0] [2, 3]
// CHECK:               %[[Y_AHEAD:.*]] = memref.subview %[[Y1]][%[[NEXT]], 0] [2, 8]
// CHECK:               %[[COL0:.*]] = arith.muli %[[OFFSET]], %{{.*}}
// CHECK:               %[[P0:.*]] = memref.subview %[[Y_AHEAD]][0, %[[COL0]]] [2, 2]
// CHECK:               %[[BI0:.*]] = memref.subview %[[B_IH]][%[[COL0]]] [2]
// CHECK:               %[[WI0:.*]] = memref.subview %[[WT_IH]][0, %[[COL0]]] [3, 2]
// CHECK:               %[[OUT0:.*]] = memref.subview %[[STEP]][0, 0] [1, 4]
// CHECK:               %[[BH0:.*]] = memref.subview %[[B_HH]][0] [4]
// CHECK:               %[[WH0:.*]] = memref.subview %[[WT_HH]][0, 0] [8, 4]
// CHECK:               rnn.matmul_pair %[[H1]], %[[WH0]] bias(%[[BH0]] : {{.*}}) : {{.*}} outs(%[[OUT0]] : {{.*}}) other %[[X_AHEAD]], %[[WI0]] bias(%[[BI0]] : {{.*}}) : {{.*}} outs(%[[P0]] : {{.*}}) {accumulate, nonlinearity = #rnn.nonlinearity<tanh>}
// CHECK:               %[[OUT1:.*]] = memref.subview %[[STEP]][0, 4] [1, 4]
// CHECK:               %[[WH1:.*]] = memref.subview %[[WT_HH]][0, 4] [8, 4]
// CHECK:               rnn.matmul_pair %[[H1]], %[[WH1]] {{.*}} outs(%[[OUT1]] : {{.*}}) other %[[X_AHEAD]]
// CHECK:             } else {
// CHECK:               rnn.matmul %[[H]], %[[WT_HH]] bias(%[[B_HH]] : memref<8xf32>) : memref<?x8xf32>, {{.*}} outs(%[[STEP_ROWS]] : {{.*}}) {accumulate, nonlinearity = #rnn.nonlinearity<tanh>, rnn.sequential}
// CHECK:             }
// CHECK:             rnn.commit_step %[[STEP_ROWS]], %[[H]] at %[[I]] lengths(%[[LEN]] : memref<?xi64>)
// CHECK:           }
// CHECK:         } else {
// CHECK:           rnn.matmul %[[X]], %[[WT_IH]] bias(%[[B_IH]] : memref<8xf32>) : memref<?x?x3xf32>, {{.*}} outs(%[[Y]] : memref<?x?x8xf32>)
// CHECK:           scf.for
// CHECK:             rnn.matmul %[[H]], %[[WT_HH]]
// CHECK-NOT:         rnn.matmul_pair
// CHECK:             rnn.commit_step

/// lookahead-rows=8 with 2-lane vectors: H = 8 takes blocks of 4 steps
/// (chunks of 8 columns), the largest power of two that divides it.
// ROWS4-LABEL: func @forward
// ROWS4:         arith.constant 4 : index
// ROWS4:         rnn.matmul {{.*}} : memref<4x3xf32, {{.*}}> outs({{.*}} : memref<4x8xf32, {{.*}}) {rnn.out_of_line}
// ROWS4:         rnn.matmul_pair {{.*}} : memref<1x8xf32, {{.*}}>, memref<8x8xf32, {{.*}}> outs({{.*}}) other {{.*}} : memref<4x3xf32, {{.*}}>, memref<3x2xf32, {{.*}}> outs({{.*}} : memref<4x2xf32, {{.*}}>)
// ROWS4-NOT:     rnn.matmul_pair

/// Without the option, or with column shards to compete with: no pairs.
// OFF-LABEL: func @forward
// OFF-NOT:     rnn.matmul_pair
// OFF:         return
func.func @forward(%x: memref<?x?x3xf32>, %lengths: memref<?xi64>,
                   %w_ih: memref<8x3xf32>, %w_hh: memref<8x8xf32>,
                   %b_ih: memref<8xf32>, %b_hh: memref<8xf32>,
                   %y: memref<?x?x8xf32>, %h: memref<?x8xf32>,
                   %wt_ih: memref<3x8xf32, strided<[32, 1]>>,
                   %wt_hh: memref<8x8xf32, strided<[32, 1]>>) {
  rnn.layer %x : memref<?x?x3xf32> lengths(%lengths : memref<?xi64>)
      weights(%w_ih, %w_hh : memref<8x3xf32>, memref<8x8xf32>)
      bias(%b_ih, %b_hh : memref<8xf32>, memref<8xf32>)
      outs(%y, %h : memref<?x?x8xf32>, memref<?x8xf32>)
      transposed_weights(%wt_ih, %wt_hh : memref<3x8xf32, strided<[32, 1]>>,
                         memref<8x8xf32, strided<[32, 1]>>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

/// In reverse, the R steps from step s are the rows [T - s - R, T - s): the
/// first block is the last 2 rows, the block ahead of step i starts at row
/// T - next - 2, and the steps ending the sequence are the first 2 rows.

// CHECK-LABEL: func @reverse
// CHECK:         scf.if
// CHECK:           %[[T:.*]] = memref.dim
// CHECK:           %[[FIRST:.*]] = arith.subi %[[T]], %{{.*}}
// CHECK:           memref.subview %{{.*}}[%[[FIRST]], 0] [2, 8]
// CHECK:           rnn.matmul {{.*}} {rnn.out_of_line}
// CHECK:           scf.for
// CHECK:             scf.if
// CHECK:               memref.subview %{{.*}}[0, 0] [2, 8]
// CHECK:               rnn.matmul {{.*}} {rnn.out_of_line}
// CHECK:             scf.if
// CHECK:               %[[END:.*]] = arith.addi %{{.*}}, %{{.*}}
// CHECK:               %[[ROW:.*]] = arith.subi %[[T]], %[[END]]
// CHECK:               memref.subview %{{.*}}[%[[ROW]], 0] [2, 3]
// CHECK:               rnn.matmul_pair
// ROWS4-LABEL: func @reverse
// OFF-LABEL: func @reverse
func.func @reverse(%x: memref<?x?x3xf32>, %w_ih: memref<8x3xf32>,
                   %w_hh: memref<8x8xf32>, %y: memref<?x?x8xf32>,
                   %h: memref<?x8xf32>,
                   %wt_ih: memref<3x8xf32, strided<[32, 1]>>,
                   %wt_hh: memref<8x8xf32, strided<[32, 1]>>) {
  rnn.layer %x : memref<?x?x3xf32>
      weights(%w_ih, %w_hh : memref<8x3xf32>, memref<8x8xf32>)
      outs(%y, %h : memref<?x?x8xf32>, memref<?x8xf32>)
      transposed_weights(%wt_ih, %wt_hh : memref<3x8xf32, strided<[32, 1]>>,
                         memref<8x8xf32, strided<[32, 1]>>)
      {nonlinearity = #rnn.nonlinearity<tanh>, reverse}
  return
}

// -----

/// A static batch other than 1, or a hidden size of no whole chunks (6 is
/// not a multiple of 2 steps x 2 lanes), keeps the plain schedule.

// CHECK-LABEL: func @batch_of_three
// CHECK-NOT:     rnn.matmul_pair
// CHECK:         return
// OFF-LABEL: func @batch_of_three
func.func @batch_of_three(%x: memref<?x3x3xf32>, %w_ih: memref<8x3xf32>,
                          %w_hh: memref<8x8xf32>, %y: memref<?x3x8xf32>,
                          %h: memref<3x8xf32>,
                          %wt_ih: memref<3x8xf32, strided<[32, 1]>>,
                          %wt_hh: memref<8x8xf32, strided<[32, 1]>>) {
  rnn.layer %x : memref<?x3x3xf32>
      weights(%w_ih, %w_hh : memref<8x3xf32>, memref<8x8xf32>)
      outs(%y, %h : memref<?x3x8xf32>, memref<3x8xf32>)
      transposed_weights(%wt_ih, %wt_hh : memref<3x8xf32, strided<[32, 1]>>,
                         memref<8x8xf32, strided<[32, 1]>>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

// -----

// CHECK-LABEL: func @hidden_six
// CHECK-NOT:     rnn.matmul_pair
// CHECK:         return
// OFF-LABEL: func @hidden_six
func.func @hidden_six(%x: memref<?x?x3xf32>, %w_ih: memref<6x3xf32>,
                      %w_hh: memref<6x6xf32>, %y: memref<?x?x6xf32>,
                      %h: memref<?x6xf32>,
                      %wt_ih: memref<3x6xf32, strided<[32, 1]>>,
                      %wt_hh: memref<6x6xf32, strided<[32, 1]>>) {
  rnn.layer %x : memref<?x?x3xf32>
      weights(%w_ih, %w_hh : memref<6x3xf32>, memref<6x6xf32>)
      outs(%y, %h : memref<?x?x6xf32>, memref<?x6xf32>)
      transposed_weights(%wt_ih, %wt_hh : memref<3x6xf32, strided<[32, 1]>>,
                         memref<6x6xf32, strided<[32, 1]>>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

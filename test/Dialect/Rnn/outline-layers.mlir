// RUN: rnn-opt %s --rnn-outline-layers -split-input-file | FileCheck %s --implicit-check-not=rnn.layer

/// rnn-outline-layers moves each rnn.layer and rnn.layer_grad into a
/// private function and calls it. Layers that compute the same thing (op,
/// operand types, attributes) share one function, whose memref parameters
/// have dynamic strides and offset; a function called more than once is
/// noinline, one called once is left for LLVM to inline.

/// Two layers of one shape in different views (the halves of a buffer)
/// share a function; the reverse layer, whose attribute differs, and the
/// first layer, whose input size differs, get their own.
// CHECK-LABEL: func.func @stacked
// CHECK-SAME:    (%[[X:[a-z0-9_]+]]: memref<5x2x3xf32>
// CHECK:         %[[X_CAST:.*]] = memref.cast %[[X]] : memref<5x2x3xf32> to memref<5x2x3xf32, strided<[?, ?, 1], offset: ?>>
// CHECK:         call @__rnn_layer(%[[X_CAST]],
// CHECK:         %[[LOW:.*]] = memref.cast %{{.*}} : memref<5x2x4xf32, strided<[16, 8, 1]>> to memref<5x2x4xf32, strided<[?, ?, 1], offset: ?>>
// CHECK:         call @__rnn_layer_0(%[[LOW]],
// CHECK:         %[[HIGH:.*]] = memref.cast %{{.*}} : memref<5x2x4xf32, strided<[16, 8, 1], offset: 4>> to memref<5x2x4xf32, strided<[?, ?, 1], offset: ?>>
// CHECK:         call @__rnn_layer_0(%[[HIGH]],
// CHECK:         call @__rnn_layer_1(
// CHECK:         return
// CHECK:       func.func private @__rnn_layer(%{{.*}}: memref<5x2x3xf32, strided<[?, ?, 1], offset: ?>>, {{.*}}) attributes {llvm.linkage = #llvm.linkage<internal>} {
// CHECK-NEXT:    rnn.layer %{{.*}} : memref<5x2x3xf32, strided<[?, ?, 1], offset: ?>>
// CHECK-NEXT:    return
// CHECK:       func.func private @__rnn_layer_0(%{{.*}}: memref<5x2x4xf32, strided<[?, ?, 1], offset: ?>>, {{.*}}) attributes {llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"]} {
// CHECK-NEXT:    rnn.layer
// CHECK-NOT:       reverse
// CHECK-NEXT:    return
// CHECK:       func.func private @__rnn_layer_1(
// CHECK-NEXT:    rnn.layer {{.*}}reverse
// CHECK-NEXT:    return
func.func @stacked(%x: memref<5x2x3xf32>, %w_ih0: memref<4x3xf32>,
                   %w_ih: memref<4x4xf32>, %w_hh: memref<4x4xf32>,
                   %buffer: memref<5x2x8xf32>, %y: memref<5x2x4xf32>,
                   %h: memref<2x4xf32>) {
  %low = memref.subview %buffer[0, 0, 0] [5, 2, 4] [1, 1, 1] : memref<5x2x8xf32> to memref<5x2x4xf32, strided<[16, 8, 1]>>
  %high = memref.subview %buffer[0, 0, 4] [5, 2, 4] [1, 1, 1] : memref<5x2x8xf32> to memref<5x2x4xf32, strided<[16, 8, 1], offset: 4>>
  rnn.layer %x : memref<5x2x3xf32>
      weights(%w_ih0, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      outs(%y, %h : memref<5x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  rnn.layer %low : memref<5x2x4xf32, strided<[16, 8, 1]>>
      weights(%w_ih, %w_hh : memref<4x4xf32>, memref<4x4xf32>)
      outs(%y, %h : memref<5x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  rnn.layer %high : memref<5x2x4xf32, strided<[16, 8, 1], offset: 4>>
      weights(%w_ih, %w_hh : memref<4x4xf32>, memref<4x4xf32>)
      outs(%y, %h : memref<5x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  rnn.layer %high : memref<5x2x4xf32, strided<[16, 8, 1], offset: 4>>
      weights(%w_ih, %w_hh : memref<4x4xf32>, memref<4x4xf32>)
      outs(%y, %h : memref<5x2x4xf32>, memref<2x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>, reverse}
  return
}

// -----

/// A layer's gradient is outlined the same way, and an optional operand
/// that one op has and another lacks (lengths) keeps them apart; a symbol
/// of the module with the chosen name is left alone.
// CHECK-LABEL: func.func private @__rnn_layer_grad()
// CHECK-LABEL: func.func @grads
// CHECK:         call @__rnn_layer_grad_0(
// CHECK:         call @__rnn_layer_grad_1(
// CHECK:       func.func private @__rnn_layer_grad_0({{.*}}) attributes {llvm.linkage = #llvm.linkage<internal>} {
// CHECK-NEXT:    rnn.layer_grad
// CHECK-NOT:       lengths
// CHECK-NEXT:    return
// CHECK:       func.func private @__rnn_layer_grad_1(
// CHECK-NEXT:    rnn.layer_grad {{.*}} lengths(
func.func private @__rnn_layer_grad()
func.func @grads(%x: memref<5x2x3xf32>, %len: memref<2xi64>,
                 %h0: memref<2x4xf32>, %w_ih: memref<4x3xf32>,
                 %w_hh: memref<4x4xf32>, %y: memref<5x2x4xf32>,
                 %dy: memref<5x2x4xf32>, %dh: memref<2x4xf32>,
                 %dw_ih: memref<4x3xf32>, %dw_hh: memref<4x4xf32>) {
  rnn.layer_grad %x : memref<5x2x3xf32> h0(%h0 : memref<2x4xf32>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      output(%y : memref<5x2x4xf32>)
      grads(%dy, %dh : memref<5x2x4xf32>, memref<2x4xf32>)
      weight_grads(%dw_ih, %dw_hh : memref<4x3xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  rnn.layer_grad %x : memref<5x2x3xf32> lengths(%len : memref<2xi64>)
      h0(%h0 : memref<2x4xf32>)
      weights(%w_ih, %w_hh : memref<4x3xf32>, memref<4x4xf32>)
      output(%y : memref<5x2x4xf32>)
      grads(%dy, %dh : memref<5x2x4xf32>, memref<2x4xf32>)
      weight_grads(%dw_ih, %dw_hh : memref<4x3xf32>, memref<4x4xf32>)
      {nonlinearity = #rnn.nonlinearity<tanh>}
  return
}

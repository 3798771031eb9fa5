//===- RnnOps.td - rnn dialect ops ---------------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file defines the ops of the rnn dialect. Model-level ops
// (`stacked_rnn`, `embedding`, `linear`) are what MLIRGen produces from a
// spec; `rnn-expand-stacked` splits a stacked RNN into step-level `layer`
// ops, and `convert-rnn-to-loops` turns each layer into a time loop of
// `cell` and `commit_step` ops.
//
//===----------------------------------------------------------------------===//

#ifndef RNN_OPS_TD
#define RNN_OPS_TD

include "rnn/RnnDialect.td"
include "rnn/RnnAttrs.td"
include "mlir/Dialect/LLVMIR/LLVMOpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonTypeConstraints.td"

//===----------------------------------------------------------------------===//
// Base classes and type constraints
//===----------------------------------------------------------------------===//

class Rnn_Op<string mnemonic, list<Trait> traits = []> :
    Op<Rnn_Dialect, mnemonic, traits>;

def Rnn_F32Buffer1D : StridedMemRefRankOf<[F32], [1]>;
def Rnn_F32Buffer2D : StridedMemRefRankOf<[F32], [2]>;
def Rnn_F32Buffer3D : StridedMemRefRankOf<[F32], [3]>;
def Rnn_F32Buffer4D : StridedMemRefRankOf<[F32], [4]>;
def Rnn_F32Buffer2DOr3D : StridedMemRefRankOf<[F32], [2, 3]>;
def Rnn_F32Weight : StridedMemRefRankOf<[F32], [1, 2]>;
def Rnn_LengthsBuffer : StridedMemRefRankOf<[I64], [1]>;
def Rnn_TokenBuffer : StridedMemRefRankOf<[I64, I32], [2]>;
def Rnn_IntBuffer : StridedMemRefRankOf<[I64, I32], [1, 2]>;

/// An opaque pointer in the default address space (`!llvm.ptr`): the type of
/// the raw buffers the generated C entry points receive.
def Rnn_Pointer : Type<LLVM_DefaultPointer.predicate, "LLVM pointer",
                       "::mlir::LLVM::LLVMPointerType">,
    BuildableType<"::mlir::LLVM::LLVMPointerType::get($_builder.getContext())">;

//===----------------------------------------------------------------------===//
// StackedRnnOp
//===----------------------------------------------------------------------===//

def Rnn_StackedRnnOp : Rnn_Op<"stacked_rnn", [AttrSizedOperandSegments]> {
  let summary = "A whole stacked, possibly bidirectional Elman RNN (nn.RNN)";
  let description = [{
    Runs nn.RNN over a time-major input `(T, B, I)`:

    ```
    h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)
    ```

    for `num_layers` layers, each in one or two directions. `weights` holds
    the parameters in nn.RNN's state_dict order: for each layer and direction
    (forward first) `weight_ih`, `weight_hh` and, when `bias` is true,
    `bias_ih`, `bias_hh`. `output` `(T, B, D*H)` receives the last layer's
    states (forward in `[0, H)`, reverse in `[H, 2H)`), `h_n` `(L*D, B, H)`
    each layer's final state. `h0`, when present, has `h_n`'s shape;
    otherwise the initial state is zero.

    `lengths` `(B)` gives each sequence's length, with the semantics of
    `pack_padded_sequence(enforce_sorted=False)`: outputs past a sequence's
    length are zero, `h_n` holds the state at the sequence's own last step,
    and the reverse direction starts at that step. Lengths must lie in
    `[1, T]`; that is a precondition the caller checks (`rnn.all_in_range`).

    `scratch` `(2, T, B, D*H)` is required when `num_layers > 1`: the
    outputs of inner layers alternate between its two halves.

    `weight_scratch`, when present, is room for
    `getWeightScratchSize()` floats (a little more than one float per
    element of the weight matrices: rows are padded, see
    `rnn::getPaddedWeightStride`) where the lowering keeps each layer's
    weights transposed, so that its matrix products run as vectorized GEMM
    kernels
    (`rnn.matmul`); without it, the layers run as per-step `rnn.cell`
    loops. Its contents on entry and exit do not matter.

    Example:

    ```mlir
    rnn.stacked_rnn %x : memref<50x?x1xf32>
        weights(%w_ih, %w_hh, %b_ih, %b_hh : memref<32x1xf32>,
                memref<32x32xf32>, memref<32xf32>, memref<32xf32>)
        outs(%y, %h_n : memref<50x?x32xf32>, memref<1x?x32xf32>)
        {hidden_size = 32 : i64, num_layers = 1 : i64,
         nonlinearity = #rnn.nonlinearity<tanh>, bias = true}
    ```
  }];
  let arguments = (ins
    Arg<Rnn_F32Buffer3D, "input (T, B, I)", [MemRead]>:$input,
    Arg<Optional<Rnn_LengthsBuffer>, "lengths (B)", [MemRead]>:$lengths,
    Arg<Optional<Rnn_F32Buffer3D>, "initial state", [MemRead]>:$h0,
    Arg<Variadic<Rnn_F32Weight>, "parameters", [MemRead]>:$weights,
    Arg<Rnn_F32Buffer3D, "output (T, B, D*H)", [MemWrite]>:$output,
    Arg<Rnn_F32Buffer3D, "final states (L*D, B, H)", [MemWrite]>:$h_n,
    Arg<Optional<Rnn_F32Buffer4D>, "inner-layer outputs",
        [MemRead, MemWrite]>:$scratch,
    Arg<Optional<Rnn_F32Buffer1D>, "room for the transposed weights",
        [MemRead, MemWrite]>:$weight_scratch,
    I64Attr:$hidden_size,
    I64Attr:$num_layers,
    Rnn_NonlinearityAttr:$nonlinearity,
    BoolAttr:$bias,
    UnitAttr:$bidirectional
  );
  let assemblyFormat = [{
    $input `:` type($input)
    (`lengths` `(` $lengths^ `:` type($lengths) `)`)?
    (`h0` `(` $h0^ `:` type($h0) `)`)?
    `weights` `(` $weights `:` type($weights) `)`
    `outs` `(` $output `,` $h_n `:` type($output) `,` type($h_n) `)`
    (`scratch` `(` $scratch^ `:` type($scratch) `)`)?
    (`weight_scratch` `(` $weight_scratch^ `:` type($weight_scratch) `)`)?
    attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The floats `weight_scratch` must hold: every layer's and direction's
    /// weight_ih and weight_hh with padded rows (rnn::getWeightScratchSize),
    /// or kDynamic when a weight's shape is not static.
    int64_t getWeightScratchSize();
    /// 2 when bidirectional, else 1.
    int64_t getNumDirections() { return getBidirectional() ? 2 : 1; }
    /// Number of parameter tensors per layer and direction.
    int64_t getWeightsPerCell() { return getBias() ? 4 : 2; }
    /// The `index`-th parameter (0: weight_ih, 1: weight_hh, 2: bias_ih,
    /// 3: bias_hh) of `layer` in `direction`.
    ::mlir::Value getWeight(int64_t layer, int64_t direction, int64_t index) {
      return getWeights()[(layer * getNumDirections() + direction) *
                              getWeightsPerCell() + index];
    }
  }];
}

//===----------------------------------------------------------------------===//
// LayerOp
//===----------------------------------------------------------------------===//

def Rnn_LayerOp : Rnn_Op<"layer", [AttrSizedOperandSegments]> {
  let summary = "One RNN layer in one direction over every time step";
  let description = [{
    Runs one Elman RNN layer over `input` `(T, B, I)` in forward time order,
    or in reverse when `reverse` is set, writing each step's state to
    `output` `(T, B, H)`. `state` `(B, H)` holds the initial state on entry
    and the final state on exit. With `lengths`, steps at or past a
    sequence's length leave its state unchanged and write zeros to
    `output`, which gives pack_padded_sequence semantics in both directions.

    `output` is usually a strided view: the forward or reverse half of a
    bidirectional output.

    With `transposed_weights`, two buffers `(I, H)` and `(H, H)` the layer
    may overwrite with `weight_ih^T` and `weight_hh^T`, the lowering
    computes the input projection of every step first and then each step's
    recurrent product, both as vectorized `rnn.matmul` kernels; without
    them, each step is one `rnn.cell`.

    Example:

    ```mlir
    rnn.layer %x : memref<?x?x8xf32> lengths(%len : memref<?xi64>)
        weights(%w_ih, %w_hh : memref<16x8xf32>, memref<16x16xf32>)
        bias(%b_ih, %b_hh : memref<16xf32>, memref<16xf32>)
        outs(%y, %h : memref<?x?x16xf32, strided<[?, 32, 1], offset: 16>>,
             memref<?x16xf32, strided<[16, 1], offset: ?>>)
        {nonlinearity = #rnn.nonlinearity<tanh>, reverse}
    ```
  }];
  let arguments = (ins
    Arg<Rnn_F32Buffer3D, "input (T, B, I)", [MemRead]>:$input,
    Arg<Optional<Rnn_LengthsBuffer>, "lengths (B)", [MemRead]>:$lengths,
    Arg<Rnn_F32Buffer2D, "weight_ih (H, I)", [MemRead]>:$weight_ih,
    Arg<Rnn_F32Buffer2D, "weight_hh (H, H)", [MemRead]>:$weight_hh,
    Arg<Optional<Rnn_F32Buffer1D>, "bias_ih (H)", [MemRead]>:$bias_ih,
    Arg<Optional<Rnn_F32Buffer1D>, "bias_hh (H)", [MemRead]>:$bias_hh,
    Arg<Rnn_F32Buffer3D, "output (T, B, H)", [MemWrite]>:$output,
    Arg<Rnn_F32Buffer2D, "state (B, H)", [MemRead, MemWrite]>:$state,
    Arg<Optional<Rnn_F32Buffer2D>, "room for weight_ih^T (I, H)",
        [MemRead, MemWrite]>:$transposed_weight_ih,
    Arg<Optional<Rnn_F32Buffer2D>, "room for weight_hh^T (H, H)",
        [MemRead, MemWrite]>:$transposed_weight_hh,
    Rnn_NonlinearityAttr:$nonlinearity,
    UnitAttr:$reverse
  );
  let assemblyFormat = [{
    $input `:` type($input)
    (`lengths` `(` $lengths^ `:` type($lengths) `)`)?
    `weights` `(` $weight_ih `,` $weight_hh `:` type($weight_ih) `,`
        type($weight_hh) `)`
    (`bias` `(` $bias_ih^ `,` $bias_hh `:` type($bias_ih) `,` type($bias_hh)
        `)`)?
    `outs` `(` $output `,` $state `:` type($output) `,` type($state) `)`
    (`transposed_weights` `(` $transposed_weight_ih^ `,`
        $transposed_weight_hh `:` type($transposed_weight_ih) `,`
        type($transposed_weight_hh) `)`)?
    attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// CellOp
//===----------------------------------------------------------------------===//

def Rnn_CellOp : Rnn_Op<"cell", [AttrSizedOperandSegments]> {
  let summary = "One time step of an Elman RNN cell for a whole batch";
  let description = [{
    Computes `result = act(input W_ih^T + b_ih + hidden W_hh^T + b_hh)` for
    `input` `(B, I)` and `hidden` `(B, H)`. `result` must not alias `hidden`
    or `input`.

    Example:

    ```mlir
    rnn.cell %x_t, %h : memref<?x8xf32, strided<[8, 1], offset: ?>>,
                        memref<?x16xf32>
        weights(%w_ih, %w_hh : memref<16x8xf32>, memref<16x16xf32>)
        outs(%h_t : memref<?x16xf32, strided<[16, 1], offset: ?>>)
        {nonlinearity = #rnn.nonlinearity<relu>}
    ```
  }];
  let arguments = (ins
    Arg<Rnn_F32Buffer2D, "input (B, I)", [MemRead]>:$input,
    Arg<Rnn_F32Buffer2D, "previous state (B, H)", [MemRead]>:$hidden,
    Arg<Rnn_F32Buffer2D, "weight_ih (H, I)", [MemRead]>:$weight_ih,
    Arg<Rnn_F32Buffer2D, "weight_hh (H, H)", [MemRead]>:$weight_hh,
    Arg<Optional<Rnn_F32Buffer1D>, "bias_ih (H)", [MemRead]>:$bias_ih,
    Arg<Optional<Rnn_F32Buffer1D>, "bias_hh (H)", [MemRead]>:$bias_hh,
    Arg<Rnn_F32Buffer2D, "new state (B, H)", [MemWrite]>:$result,
    Rnn_NonlinearityAttr:$nonlinearity
  );
  let assemblyFormat = [{
    $input `,` $hidden `:` type($input) `,` type($hidden)
    `weights` `(` $weight_ih `,` $weight_hh `:` type($weight_ih) `,`
        type($weight_hh) `)`
    (`bias` `(` $bias_ih^ `,` $bias_hh `:` type($bias_ih) `,` type($bias_hh)
        `)`)?
    `outs` `(` $result `:` type($result) `)`
    attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// CommitStepOp
//===----------------------------------------------------------------------===//

def Rnn_CommitStepOp : Rnn_Op<"commit_step"> {
  let summary = "Carry a time step's states forward, masking finished sequences";
  let description = [{
    After a cell has written step `time`'s states to `step_output` `(B, H)`,
    copies row `b` into `state` when `time < lengths[b]` (always when there
    are no lengths), and otherwise zeroes row `b` of `step_output` and keeps
    `state`: a finished sequence's state is frozen and its padded output
    is zero, as with pack_padded_sequence.

    Example:

    ```mlir
    rnn.commit_step %y_t, %h at %t lengths(%len : memref<?xi64>)
        : memref<?x16xf32, strided<[16, 1], offset: ?>>, memref<?x16xf32>
    ```
  }];
  let arguments = (ins
    Arg<Rnn_F32Buffer2D, "step output (B, H)", [MemRead, MemWrite]>:
        $step_output,
    Arg<Rnn_F32Buffer2D, "carried state (B, H)", [MemWrite]>:$state,
    Index:$time,
    Arg<Optional<Rnn_LengthsBuffer>, "lengths (B)", [MemRead]>:$lengths
  );
  let assemblyFormat = [{
    $step_output `,` $state `at` $time
    (`lengths` `(` $lengths^ `:` type($lengths) `)`)?
    `:` type($step_output) `,` type($state) attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// EmbeddingOp
//===----------------------------------------------------------------------===//

def Rnn_EmbeddingOp : Rnn_Op<"embedding"> {
  let summary = "Table lookup of token ids (nn.Embedding)";
  let description = [{
    `output[t, b, :] = weight[indices[t, b], :]` for `indices` `(T, B)` and
    `weight` `(V, E)`. Every index must lie in `[0, V)`: a precondition the
    caller checks with `rnn.all_in_range`.

    Example:

    ```mlir
    rnn.embedding %ids, %table : memref<?x?xi64>, memref<27x32xf32>
        outs(%emb : memref<?x?x32xf32>)
    ```
  }];
  let arguments = (ins
    Arg<Rnn_TokenBuffer, "token ids (T, B)", [MemRead]>:$indices,
    Arg<Rnn_F32Buffer2D, "table (V, E)", [MemRead]>:$weight,
    Arg<Rnn_F32Buffer3D, "embeddings (T, B, E)", [MemWrite]>:$output
  );
  let assemblyFormat = [{
    $indices `,` $weight `:` type($indices) `,` type($weight)
    `outs` `(` $output `:` type($output) `)` attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// LinearOp
//===----------------------------------------------------------------------===//

def Rnn_LinearOp : Rnn_Op<"linear"> {
  let summary = "Affine map over the last dimension (nn.Linear)";
  let description = [{
    `output[..., o] = sum_i input[..., i] * weight[o, i] + bias[o]` for an
    `input` of rank 2 `(N, in)` or 3 `(T, B, in)` and `weight` `(out, in)`.

    Example:

    ```mlir
    rnn.linear %h, %w bias(%b : memref<5xf32>)
        : memref<?x20xf32>, memref<5x20xf32> outs(%y : memref<?x5xf32>)
    ```
  }];
  let arguments = (ins
    Arg<Rnn_F32Buffer2DOr3D, "input (..., in)", [MemRead]>:$input,
    Arg<Rnn_F32Buffer2D, "weight (out, in)", [MemRead]>:$weight,
    Arg<Optional<Rnn_F32Buffer1D>, "bias (out)", [MemRead]>:$bias,
    Arg<Rnn_F32Buffer2DOr3D, "output (..., out)", [MemWrite]>:$output
  );
  let assemblyFormat = [{
    $input `,` $weight (`bias` `(` $bias^ `:` type($bias) `)`)?
    `:` type($input) `,` type($weight)
    `outs` `(` $output `:` type($output) `)` attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

def Rnn_MatmulOp : Rnn_Op<"matmul"> {
  let summary = "Matrix product with a fused bias and activation epilogue";
  let description = [{
    `result = act(lhs rhs + bias + (accumulate ? result : 0))`, in one of
    three forms:

    * plain: `lhs` `(M, K)`, `rhs` `(K, N)`, `result` `(M, N)`;
    * time-major rows: `lhs` `(T, B, K)`, `rhs` `(K, N)`, `result`
      `(T, B, N)`: the product of every time step at once, the `T*B` rows
      forming one GEMM (an input projection, a back-projection);
    * batch-reduce: `lhs` `(S, M, K)`, `rhs` `(S, K, N)`, `result` `(M, N)`:
      `result = sum_s lhs[s] rhs[s]`, the reduction running over `s` and `k`
      with the result in registers (weight gradients summed over time steps).

    The optional `bias` `(N)` is added to every row; `act` is the optional
    `nonlinearity`, the identity when absent. These are the kernels the
    layer-level lowerings express an RNN's matrix work with.

    `lhs` may have any strides (a transposed view is fine); `rhs`, `result`
    and `bias` must be contiguous along their last dimension, which the
    lowering vectorizes. `result` must not alias `lhs` or `rhs`.

    Example:

    ```mlir
    // y_t = tanh(y_t + h W_hh^T), with wt_hh the transposed W_hh
    rnn.matmul %h, %wt_hh : memref<?x16xf32>, memref<16x16xf32>
        outs(%y_t : memref<?x16xf32, strided<[16, 1], offset: ?>>)
        {accumulate, nonlinearity = #rnn.nonlinearity<tanh>}
    ```
  }];
  let arguments = (ins
    Arg<Rnn_F32Buffer2DOr3D, "lhs", [MemRead]>:$lhs,
    Arg<Rnn_F32Buffer2DOr3D, "rhs", [MemRead]>:$rhs,
    Arg<Optional<Rnn_F32Buffer1D>, "bias (N)", [MemRead]>:$bias,
    Arg<Rnn_F32Buffer2DOr3D, "result", [MemRead, MemWrite]>:$result,
    UnitAttr:$accumulate,
    OptionalAttr<Rnn_NonlinearityAttr>:$nonlinearity
  );
  let assemblyFormat = [{
    $lhs `,` $rhs (`bias` `(` $bias^ `:` type($bias) `)`)?
    `:` type($lhs) `,` type($rhs)
    `outs` `(` $result `:` type($result) `)` attr-dict
  }];
  let builders = [
    // result += lhs rhs: no bias, no activation (the backward products).
    OpBuilder<(ins "::mlir::Value":$lhs, "::mlir::Value":$rhs,
                   "::mlir::Value":$result), [{
      build($_builder, $_state, lhs, rhs, /*bias=*/::mlir::Value(), result,
            /*accumulate=*/true, /*nonlinearity=*/nullptr);
    }]>
  ];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Whether the product sums over a leading dimension of lhs and rhs.
    bool isBatchReduce() {
      return ::llvm::cast<::mlir::MemRefType>(getRhs().getType()).getRank() == 3;
    }
    /// Whether lhs and result are time-major `(T, B, ...)`.
    bool hasTimeMajorRows() {
      return ::llvm::cast<::mlir::MemRefType>(getResult().getType()).getRank() == 3;
    }
  }];
}

//===----------------------------------------------------------------------===//
// MatmulPairOp
//===----------------------------------------------------------------------===//

def Rnn_MatmulPairOp : Rnn_Op<"matmul_pair", [AttrSizedOperandSegments]> {
  let summary = "Two independent register-tile products in one reduction loop";
  let description = [{
    Computes two products that do not depend on each other:

    * `result = act(lhs rhs + bias + (accumulate ? result : 0))`, the plain
      form of `rnn.matmul`;
    * `other_result = other_lhs other_rhs + other_bias`.

    The vector lowering keeps both results in registers and runs their
    reductions over `k` in one loop, so that the loads of one product and
    the multiply-adds of the other can overlap: batch 1's recurrence reads
    a column chunk of `W_hh^T` from L2 with the FMA units half idle, and
    the input projection of the steps ahead (`other`) has the opposite
    balance (convert-rnn-to-loops' `lookahead-rows`). Both products must
    then be small enough for the registers; otherwise, and in scalar mode,
    the op lowers to the two products one after the other. Either way each
    element is summed in the order `rnn.matmul` sums it, so the results are
    the same bit for bit.

    All shapes are static. `rhs`, `other_rhs`, the results and the biases
    must be contiguous along their last dimension; neither result may
    alias an operand of either product.

    Example:

    ```mlir
    // h_t[:, 0:128] = tanh(h_t[:, 0:128] + h W_hh^T[:, 0:128] + b_hh[0:128])
    // with, in the same loop, P[8 rows ahead, 16 columns] = X W_ih^T + b_ih
    rnn.matmul_pair %h, %wt_hh_chunk bias(%b_hh_chunk : memref<128xf32>)
        : memref<1x256xf32>, memref<256x128xf32>
        outs(%h_t_chunk : memref<1x128xf32>)
        other %x_ahead, %wt_ih_column bias(%b_ih_column : memref<16xf32>)
        : memref<8x256xf32>, memref<256x16xf32>
        outs(%p_ahead : memref<8x16xf32>)
        {accumulate, nonlinearity = #rnn.nonlinearity<tanh>}
    ```
  }];
  let arguments = (ins
    Arg<Rnn_F32Buffer2D, "lhs", [MemRead]>:$lhs,
    Arg<Rnn_F32Buffer2D, "rhs", [MemRead]>:$rhs,
    Arg<Optional<Rnn_F32Buffer1D>, "bias", [MemRead]>:$bias,
    Arg<Rnn_F32Buffer2D, "result", [MemRead, MemWrite]>:$result,
    Arg<Rnn_F32Buffer2D, "other lhs", [MemRead]>:$other_lhs,
    Arg<Rnn_F32Buffer2D, "other rhs", [MemRead]>:$other_rhs,
    Arg<Optional<Rnn_F32Buffer1D>, "other bias", [MemRead]>:$other_bias,
    Arg<Rnn_F32Buffer2D, "other result", [MemWrite]>:$other_result,
    UnitAttr:$accumulate,
    OptionalAttr<Rnn_NonlinearityAttr>:$nonlinearity
  );
  let assemblyFormat = [{
    $lhs `,` $rhs (`bias` `(` $bias^ `:` type($bias) `)`)?
    `:` type($lhs) `,` type($rhs)
    `outs` `(` $result `:` type($result) `)`
    `other` $other_lhs `,` $other_rhs
    (`bias` `(` $other_bias^ `:` type($other_bias) `)`)?
    `:` type($other_lhs) `,` type($other_rhs)
    `outs` `(` $other_result `:` type($other_result) `)` attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// MseLossOp
//===----------------------------------------------------------------------===//

def Rnn_MseLossOp : Rnn_Op<"mse_loss"> {
  let summary = "Squared error (nn.MSELoss)";
  let description = [{
    Writes `mean((prediction - target)^2)` (`reduction = mean`, the
    default) or the sum of the squares (`reduction = sum`) to the scalar
    `loss`. `prediction` and `target` have the same shape, of rank 1 to 3.
    With
    `lengths` (rank-3, time-major `(T, B, F)` operands only), positions
    `t >= lengths[b]` are left out of both the sum and the count: the mean
    is over valid time steps only.

    Example:

    ```mlir
    rnn.mse_loss %y, %target : memref<?x1xf32>, memref<?x1xf32>
        outs(%loss : memref<f32>)
    ```
  }];
  let arguments = (ins
    Arg<StridedMemRefRankOf<[F32], [1, 2, 3]>, "prediction", [MemRead]>:
        $prediction,
    Arg<StridedMemRefRankOf<[F32], [1, 2, 3]>, "target", [MemRead]>:$target,
    Arg<Optional<Rnn_LengthsBuffer>, "lengths (B)", [MemRead]>:$lengths,
    Arg<MemRefRankOf<[F32], [0]>, "loss", [MemWrite]>:$loss,
    DefaultValuedAttr<Rnn_ReductionAttr, "::mlir::rnn::Reduction::mean">:
        $reduction
  );
  let assemblyFormat = [{
    $prediction `,` $target (`lengths` `(` $lengths^ `:` type($lengths) `)`)?
    `:` type($prediction) `,` type($target)
    `outs` `(` $loss `:` type($loss) `)` attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// CrossEntropyLossOp
//===----------------------------------------------------------------------===//

def Rnn_CrossEntropyLossOp : Rnn_Op<"cross_entropy_loss"> {
  let summary = "Softmax cross entropy with class indices (nn.CrossEntropyLoss)";
  let description = [{
    Writes the mean (`reduction = mean`, the default) or the sum
    (`reduction = sum`) over the counted positions `p` of
    `logsumexp(logits[p, :]) - logits[p, target[p]]` to the scalar `loss`,
    for `logits` `(N, C)` with `target` `(N)`, or time-major `logits`
    `(T, B, C)` with `target` `(T, B)`. A position whose target equals
    `ignore_index` (default -100, as in PyTorch) is not counted, and with
    `lengths` (rank 3 only) neither is a position `t >= lengths[b]`; the
    mean divides by the number of counted positions (NaN when there is
    none, as in PyTorch). Other targets must lie in `[0, C)`: a
    precondition the caller checks with `rnn.all_in_range`. The
    log-sum-exp subtracts the row maximum first, as PyTorch does, so large
    logits do not overflow.

    Example:

    ```mlir
    rnn.cross_entropy_loss %logits, %labels : memref<?x5xf32>, memref<?xi64>
        outs(%loss : memref<f32>)
    ```
  }];
  let arguments = (ins
    Arg<StridedMemRefRankOf<[F32], [2, 3]>, "logits", [MemRead]>:$logits,
    Arg<StridedMemRefRankOf<[I64, I32], [1, 2]>, "class indices",
        [MemRead]>:$target,
    Arg<Optional<Rnn_LengthsBuffer>, "lengths (B)", [MemRead]>:$lengths,
    Arg<MemRefRankOf<[F32], [0]>, "loss", [MemWrite]>:$loss,
    DefaultValuedAttr<Rnn_ReductionAttr, "::mlir::rnn::Reduction::mean">:
        $reduction,
    DefaultValuedAttr<I64Attr, "-100">:$ignore_index
  );
  let assemblyFormat = [{
    $logits `,` $target (`lengths` `(` $lengths^ `:` type($lengths) `)`)?
    `:` type($logits) `,` type($target)
    `outs` `(` $loss `:` type($loss) `)` attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Backward-pass ops (built by rnn-generate-bptt)
//===----------------------------------------------------------------------===//

def Rnn_DeclareAdjointOp : Rnn_Op<"declare_adjoint"> {
  let summary = "Names the buffer that receives a buffer's gradient";
  let description = [{
    Declares that `adjoint` accumulates the gradient of the loss with respect
    to the contents of `primal`; both have the same shape. MLIRGen places one
    for every buffer the backward pass reads or writes gradients of (the
    parameters, the input, h0, every intermediate result), and
    `rnn-generate-bptt` consumes them: every adjoint starts at zero (the
    loss's at one) and the generated backward ops accumulate into them.
    Views of a buffer (subview, transpose, reinterpret_cast) get the same
    view of its adjoint automatically.

    With `when(%wanted)`, the gradient is only needed when `%wanted` is true
    at run time: otherwise the backward pass may leave `adjoint` unset and
    skip the work that only feeds it (MLIRGen uses this for the caller's
    optional `input_grad`). Only a buffer that no op writes, such as a model
    input, may have a conditional adjoint: the backward ops only ever
    accumulate into it, and nothing reads it back.

    Example:

    ```mlir
    rnn.declare_adjoint %w_ih, %d_w_ih : memref<32x1xf32>, memref<32x1xf32>
    rnn.declare_adjoint %x, %d_x when(%wanted) : memref<50x?x1xf32>,
        memref<50x?x1xf32>
    ```
  }];
  let arguments = (ins AnyMemRef:$primal, AnyMemRef:$adjoint,
                       Optional<I1>:$wanted);
  let assemblyFormat = [{
    $primal `,` $adjoint (`when` `(` $wanted^ `)`)? `:` type($primal) `,`
        type($adjoint) attr-dict
  }];
  let hasVerifier = 1;
}

def Rnn_StackedRnnGradOp : Rnn_Op<"stacked_rnn_grad",
                                  [AttrSizedOperandSegments]> {
  let summary = "Backpropagation through time of an rnn.stacked_rnn";
  let description = [{
    Given the operands of a forward `rnn.stacked_rnn` (which must have kept
    every inner layer's output: `scratch` with `num_layers - 1` slices, or
    none for one layer) and the adjoints of its results, accumulates the
    gradients of the loss into `input_grad` (when present) and
    `weight_grads` (same order as `weights`), and writes the gradient with
    respect to the initial states to `h0_grad`.

    With `when(%wanted)` after `input_grad`, the input gradient is formed
    only when `%wanted` is true at run time; `input_grad` is left as it was
    otherwise.

    `output_grad` `(T, B, D*H)` and `h_n_grad` `(L*D, B, H)` are consumed
    (used as scratch). `scratch_grad`, shaped like `scratch`, holds the
    adjoints of inner-layer outputs when `num_layers > 1`. `truncate` > 0 detaches the
    carried state every `truncate` steps (truncated BPTT): no gradient flows
    into a window from the windows after it.

    `weight_scratch`, when present, is room for `getWeightScratchSize()`
    floats, the same size as the forward op's, and may be the same buffer:
    the backward products read copies of `weight_ih` and `weight_hh` in it
    whose rows are padded off power-of-two strides (see
    `rnn::getPaddedWeightStride`), which would otherwise map a column panel
    of a large matrix to a few cache sets. Its contents on entry and exit do
    not matter.

    Example:

    ```mlir
    rnn.stacked_rnn_grad %x : memref<50x?x1xf32> h0(%h0 : memref<1x?x32xf32>)
        weights(%w_ih, %w_hh : memref<32x1xf32>, memref<32x32xf32>)
        outputs(%y, %h_n : memref<50x?x32xf32>, memref<1x?x32xf32>)
        grads(%dy, %dh_n : memref<50x?x32xf32>, memref<1x?x32xf32>)
        weight_grads(%dw_ih, %dw_hh : memref<32x1xf32>, memref<32x32xf32>)
        h0_grad(%dh0 : memref<1x?x32xf32>)
        {hidden_size = 32 : i64, num_layers = 1 : i64,
         nonlinearity = #rnn.nonlinearity<tanh>, bias = false}
    ```
  }];
  let arguments = (ins
    Arg<Rnn_F32Buffer3D, "input (T, B, I)", [MemRead]>:$input,
    Arg<Optional<Rnn_LengthsBuffer>, "lengths (B)", [MemRead]>:$lengths,
    Arg<Optional<Rnn_F32Buffer3D>, "initial state", [MemRead]>:$h0,
    Arg<Variadic<Rnn_F32Weight>, "parameters", [MemRead]>:$weights,
    Arg<Rnn_F32Buffer3D, "forward output", [MemRead]>:$output,
    Arg<Rnn_F32Buffer3D, "forward final states", [MemRead]>:$h_n,
    Arg<Optional<Rnn_F32Buffer4D>, "forward inner-layer outputs",
        [MemRead]>:$scratch,
    Arg<Rnn_F32Buffer3D, "d output", [MemRead, MemWrite]>:$output_grad,
    Arg<Rnn_F32Buffer3D, "d h_n", [MemRead, MemWrite]>:$h_n_grad,
    Arg<Optional<Rnn_F32Buffer4D>, "d inner-layer outputs",
        [MemRead, MemWrite]>:$scratch_grad,
    Arg<Optional<Rnn_F32Buffer3D>, "d input", [MemRead, MemWrite]>:
        $input_grad,
    Optional<I1>:$input_grad_wanted,
    Arg<Variadic<Rnn_F32Weight>, "d parameters", [MemRead, MemWrite]>:
        $weight_grads,
    Arg<Rnn_F32Buffer3D, "d h0", [MemWrite]>:$h0_grad,
    Arg<Optional<Rnn_F32Buffer1D>, "room for padded copies of the weights",
        [MemRead, MemWrite]>:$weight_scratch,
    I64Attr:$hidden_size,
    I64Attr:$num_layers,
    Rnn_NonlinearityAttr:$nonlinearity,
    BoolAttr:$bias,
    UnitAttr:$bidirectional,
    DefaultValuedAttr<I64Attr, "0">:$truncate
  );
  let assemblyFormat = [{
    $input `:` type($input)
    (`lengths` `(` $lengths^ `:` type($lengths) `)`)?
    (`h0` `(` $h0^ `:` type($h0) `)`)?
    `weights` `(` $weights `:` type($weights) `)`
    `outputs` `(` $output `,` $h_n `:` type($output) `,` type($h_n) `)`
    (`scratch` `(` $scratch^ `:` type($scratch) `)`)?
    `grads` `(` $output_grad `,` $h_n_grad `:` type($output_grad) `,`
        type($h_n_grad) `)`
    (`scratch_grad` `(` $scratch_grad^ `:` type($scratch_grad) `)`)?
    (`input_grad` `(` $input_grad^ `:` type($input_grad) `)`)?
    (`when` `(` $input_grad_wanted^ `)`)?
    `weight_grads` `(` $weight_grads `:` type($weight_grads) `)`
    `h0_grad` `(` $h0_grad `:` type($h0_grad) `)`
    (`weight_scratch` `(` $weight_scratch^ `:` type($weight_scratch) `)`)?
    attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The floats `weight_scratch` must hold (as for rnn.stacked_rnn).
    int64_t getWeightScratchSize();
    int64_t getNumDirections() { return getBidirectional() ? 2 : 1; }
    int64_t getWeightsPerCell() { return getBias() ? 4 : 2; }
    ::mlir::Value getWeight(int64_t layer, int64_t direction, int64_t index) {
      return getWeights()[(layer * getNumDirections() + direction) *
                              getWeightsPerCell() + index];
    }
    ::mlir::Value getWeightGrad(int64_t layer, int64_t direction,
                                int64_t index) {
      return getWeightGrads()[(layer * getNumDirections() + direction) *
                                  getWeightsPerCell() + index];
    }
  }];
}

def Rnn_LayerGradOp : Rnn_Op<"layer_grad", [AttrSizedOperandSegments]> {
  let summary = "Backpropagation through time of one rnn.layer";
  let description = [{
    Walks the time steps of a forward `rnn.layer` in the opposite order.
    At each step, for every sequence still running (`t < lengths[b]`):

    ```
    g      = (output_grad[t] + state_grad) * act'(output[t])
    b_*    += g;  W_ih += g^T x_t;  W_hh += g^T h_prev
    input_grad[t] += g W_ih   (when present)
    state_grad    = g W_hh
    ```

    where `h_prev` is the state before step `t`: the previous step's output,
    or `h0` at the sequence's first step. `state_grad` `(B, H)` holds the
    gradient with respect to the final state on entry and with respect to
    `h0` on exit. `output_grad` is consumed (overwritten with `g`). With
    `when(%wanted)` after `input_grad`, the input gradient is formed only
    when `%wanted` is true at run time. With
    `truncate` = k > 0, `state_grad` is reset to zero every k steps of the
    forward order (the state is detached between windows).

    Example:

    ```mlir
    rnn.layer_grad %x : memref<?x?x8xf32> h0(%h0 : memref<?x16xf32>)
        weights(%w_ih, %w_hh : memref<16x8xf32>, memref<16x16xf32>)
        output(%y : memref<?x?x16xf32>)
        grads(%dy, %dh : memref<?x?x16xf32>, memref<?x16xf32>)
        weight_grads(%dw_ih, %dw_hh : memref<16x8xf32>, memref<16x16xf32>)
        {nonlinearity = #rnn.nonlinearity<tanh>}
    ```
  }];
  let arguments = (ins
    Arg<Rnn_F32Buffer3D, "input (T, B, I)", [MemRead]>:$input,
    Arg<Optional<Rnn_LengthsBuffer>, "lengths (B)", [MemRead]>:$lengths,
    Arg<Rnn_F32Buffer2D, "initial state (B, H)", [MemRead]>:$h0,
    Arg<Rnn_F32Buffer2D, "weight_ih (H, I)", [MemRead]>:$weight_ih,
    Arg<Rnn_F32Buffer2D, "weight_hh (H, H)", [MemRead]>:$weight_hh,
    Arg<Rnn_F32Buffer3D, "forward output (T, B, H)", [MemRead]>:$output,
    Arg<Rnn_F32Buffer3D, "d output (T, B, H)", [MemRead, MemWrite]>:
        $output_grad,
    Arg<Rnn_F32Buffer2D, "d state (B, H)", [MemRead, MemWrite]>:$state_grad,
    Arg<Optional<Rnn_F32Buffer3D>, "d input (T, B, I)",
        [MemRead, MemWrite]>:$input_grad,
    Optional<I1>:$input_grad_wanted,
    Arg<Rnn_F32Buffer2D, "d weight_ih", [MemRead, MemWrite]>:$weight_ih_grad,
    Arg<Rnn_F32Buffer2D, "d weight_hh", [MemRead, MemWrite]>:$weight_hh_grad,
    Arg<Optional<Rnn_F32Buffer1D>, "d bias_ih", [MemRead, MemWrite]>:
        $bias_ih_grad,
    Arg<Optional<Rnn_F32Buffer1D>, "d bias_hh", [MemRead, MemWrite]>:
        $bias_hh_grad,
    Rnn_NonlinearityAttr:$nonlinearity,
    UnitAttr:$reverse,
    DefaultValuedAttr<I64Attr, "0">:$truncate
  );
  let assemblyFormat = [{
    $input `:` type($input)
    (`lengths` `(` $lengths^ `:` type($lengths) `)`)?
    `h0` `(` $h0 `:` type($h0) `)`
    `weights` `(` $weight_ih `,` $weight_hh `:` type($weight_ih) `,`
        type($weight_hh) `)`
    `output` `(` $output `:` type($output) `)`
    `grads` `(` $output_grad `,` $state_grad `:` type($output_grad) `,`
        type($state_grad) `)`
    (`input_grad` `(` $input_grad^ `:` type($input_grad) `)`)?
    (`when` `(` $input_grad_wanted^ `)`)?
    `weight_grads` `(` $weight_ih_grad `,` $weight_hh_grad `:`
        type($weight_ih_grad) `,` type($weight_hh_grad) `)`
    (`bias_grads` `(` $bias_ih_grad^ `,` $bias_hh_grad `:`
        type($bias_ih_grad) `,` type($bias_hh_grad) `)`)?
    attr-dict
  }];
  let hasVerifier = 1;
}

def Rnn_CellGradOp : Rnn_Op<"cell_grad", [AttrSizedOperandSegments]> {
  let summary = "Backward of one time step of an Elman RNN cell";
  let description = [{
    The step-level form of `rnn.layer_grad` for step `time`. The state
    before the step is, per row, `prev_output[b]` when `prev_time != time`
    and `prev_time < lengths[b]` (the previous step in forward order existed
    and the sequence was running), else `h0[b]`. Rows with
    `time >= lengths[b]` are skipped: their `state_grad` passes through.
    `output_grad` `(B, H)` is overwritten with `g` (zero for the skipped
    rows). Without `weight_grads`, the weight gradients are left to the
    caller, which can form them from the `g` of every step at once (as
    `rnn.layer_grad`'s lowering does).

    Example:

    ```mlir
    rnn.cell_grad %x_t, %y_t, %y_prev, %h0 at %t, %t_prev
        : memref<?x8xf32>, memref<?x16xf32>, memref<?x16xf32>, memref<?x16xf32>
        weights(%w_ih, %w_hh : memref<16x8xf32>, memref<16x16xf32>)
        grads(%dy_t, %dh : memref<?x16xf32>, memref<?x16xf32>)
        weight_grads(%dw_ih, %dw_hh : memref<16x8xf32>, memref<16x16xf32>)
        {nonlinearity = #rnn.nonlinearity<tanh>}
    ```
  }];
  let arguments = (ins
    Arg<Rnn_F32Buffer2D, "input (B, I)", [MemRead]>:$input,
    Arg<Rnn_F32Buffer2D, "step output (B, H)", [MemRead]>:$output,
    Arg<Rnn_F32Buffer2D, "previous step output (B, H)", [MemRead]>:
        $prev_output,
    Arg<Rnn_F32Buffer2D, "initial state (B, H)", [MemRead]>:$h0,
    Index:$time,
    Index:$prev_time,
    Arg<Optional<Rnn_LengthsBuffer>, "lengths (B)", [MemRead]>:$lengths,
    Arg<Rnn_F32Buffer2D, "weight_ih (H, I)", [MemRead]>:$weight_ih,
    Arg<Rnn_F32Buffer2D, "weight_hh (H, H)", [MemRead]>:$weight_hh,
    Arg<Rnn_F32Buffer2D, "d output (B, H)", [MemRead, MemWrite]>:
        $output_grad,
    Arg<Rnn_F32Buffer2D, "d state (B, H)", [MemRead, MemWrite]>:$state_grad,
    Arg<Optional<Rnn_F32Buffer2D>, "d input (B, I)", [MemRead, MemWrite]>:
        $input_grad,
    Arg<Optional<Rnn_F32Buffer2D>, "d weight_ih", [MemRead, MemWrite]>:
        $weight_ih_grad,
    Arg<Optional<Rnn_F32Buffer2D>, "d weight_hh", [MemRead, MemWrite]>:
        $weight_hh_grad,
    Arg<Optional<Rnn_F32Buffer1D>, "d bias_ih", [MemRead, MemWrite]>:
        $bias_ih_grad,
    Arg<Optional<Rnn_F32Buffer1D>, "d bias_hh", [MemRead, MemWrite]>:
        $bias_hh_grad,
    Rnn_NonlinearityAttr:$nonlinearity
  );
  let assemblyFormat = [{
    $input `,` $output `,` $prev_output `,` $h0 `at` $time `,` $prev_time
    (`lengths` `(` $lengths^ `:` type($lengths) `)`)?
    `:` type($input) `,` type($output) `,` type($prev_output) `,` type($h0)
    `weights` `(` $weight_ih `,` $weight_hh `:` type($weight_ih) `,`
        type($weight_hh) `)`
    `grads` `(` $output_grad `,` $state_grad `:` type($output_grad) `,`
        type($state_grad) `)`
    (`input_grad` `(` $input_grad^ `:` type($input_grad) `)`)?
    (`weight_grads` `(` $weight_ih_grad^ `,` $weight_hh_grad `:`
        type($weight_ih_grad) `,` type($weight_hh_grad) `)`)?
    (`bias_grads` `(` $bias_ih_grad^ `,` $bias_hh_grad `:`
        type($bias_ih_grad) `,` type($bias_hh_grad) `)`)?
    attr-dict
  }];
}

def Rnn_LinearGradOp : Rnn_Op<"linear_grad", [AttrSizedOperandSegments]> {
  let summary = "Backward of rnn.linear";
  let description = [{
    For `output = input W^T + b`, accumulates `input_grad += output_grad W`,
    `weight_grad += output_grad^T input` and `bias_grad += sum(output_grad)`
    over all leading dimensions.

    Example:

    ```mlir
    rnn.linear_grad %h, %w, %dy : memref<?x20xf32>, memref<5x20xf32>,
        memref<?x5xf32> input_grad(%dh : memref<?x20xf32>)
        weight_grad(%dw : memref<5x20xf32>) bias_grad(%db : memref<5xf32>)
    ```
  }];
  let arguments = (ins
    Arg<Rnn_F32Buffer2DOr3D, "input", [MemRead]>:$input,
    Arg<Rnn_F32Buffer2D, "weight (out, in)", [MemRead]>:$weight,
    Arg<Rnn_F32Buffer2DOr3D, "d output", [MemRead]>:$output_grad,
    Arg<Optional<Rnn_F32Buffer2DOr3D>, "d input", [MemRead, MemWrite]>:
        $input_grad,
    Arg<Rnn_F32Buffer2D, "d weight", [MemRead, MemWrite]>:$weight_grad,
    Arg<Optional<Rnn_F32Buffer1D>, "d bias", [MemRead, MemWrite]>:$bias_grad
  );
  let assemblyFormat = [{
    $input `,` $weight `,` $output_grad `:` type($input) `,` type($weight) `,`
        type($output_grad)
    (`input_grad` `(` $input_grad^ `:` type($input_grad) `)`)?
    `weight_grad` `(` $weight_grad `:` type($weight_grad) `)`
    (`bias_grad` `(` $bias_grad^ `:` type($bias_grad) `)`)?
    attr-dict
  }];
  let hasVerifier = 1;
}

def Rnn_EmbeddingGradOp : Rnn_Op<"embedding_grad"> {
  let summary = "Backward of rnn.embedding (scatter-add into the table)";
  let description = [{
    `weight_grad[indices[t, b], :] += output_grad[t, b, :]`.

    Example:

    ```mlir
    rnn.embedding_grad %ids, %demb : memref<?x?xi64>, memref<?x?x32xf32>
        weight_grad(%dtable : memref<27x32xf32>)
    ```
  }];
  let arguments = (ins
    Arg<Rnn_TokenBuffer, "token ids (T, B)", [MemRead]>:$indices,
    Arg<Rnn_F32Buffer3D, "d embeddings (T, B, E)", [MemRead]>:$output_grad,
    Arg<Rnn_F32Buffer2D, "d table (V, E)", [MemRead, MemWrite]>:$weight_grad
  );
  let assemblyFormat = [{
    $indices `,` $output_grad `:` type($indices) `,` type($output_grad)
    `weight_grad` `(` $weight_grad `:` type($weight_grad) `)` attr-dict
  }];
}

def Rnn_MseLossGradOp : Rnn_Op<"mse_loss_grad"> {
  let summary = "Backward of rnn.mse_loss";
  let description = [{
    `prediction_grad += 2 (prediction - target) / count * loss_grad` at every
    position the loss counted (see `rnn.mse_loss`); with `reduction = sum`
    there is no division by the count.

    Example:

    ```mlir
    rnn.mse_loss_grad %y, %t, %dl : memref<?x1xf32>, memref<?x1xf32>,
        memref<f32> outs(%dy : memref<?x1xf32>)
    ```
  }];
  let arguments = (ins
    Arg<StridedMemRefRankOf<[F32], [1, 2, 3]>, "prediction", [MemRead]>:
        $prediction,
    Arg<StridedMemRefRankOf<[F32], [1, 2, 3]>, "target", [MemRead]>:$target,
    Arg<MemRefRankOf<[F32], [0]>, "d loss", [MemRead]>:$loss_grad,
    Arg<Optional<Rnn_LengthsBuffer>, "lengths (B)", [MemRead]>:$lengths,
    Arg<StridedMemRefRankOf<[F32], [1, 2, 3]>, "d prediction",
        [MemRead, MemWrite]>:$prediction_grad,
    DefaultValuedAttr<Rnn_ReductionAttr, "::mlir::rnn::Reduction::mean">:
        $reduction
  );
  let assemblyFormat = [{
    $prediction `,` $target `,` $loss_grad
    (`lengths` `(` $lengths^ `:` type($lengths) `)`)?
    `:` type($prediction) `,` type($target) `,` type($loss_grad)
    `outs` `(` $prediction_grad `:` type($prediction_grad) `)` attr-dict
  }];
}

def Rnn_CrossEntropyLossGradOp : Rnn_Op<"cross_entropy_loss_grad"> {
  let summary = "Backward of rnn.cross_entropy_loss";
  let description = [{
    `logits_grad[p, c] += (softmax(logits[p])[c] - (c == target[p])) / count
    * loss_grad` at every position the loss counted (see
    `rnn.cross_entropy_loss`: not past a sequence's length, not where the
    target is `ignore_index`); with `reduction = sum` there is no division
    by the count.

    Example:

    ```mlir
    rnn.cross_entropy_loss_grad %logits, %labels, %dl : memref<?x5xf32>,
        memref<?xi64>, memref<f32> outs(%dlogits : memref<?x5xf32>)
    ```
  }];
  let arguments = (ins
    Arg<StridedMemRefRankOf<[F32], [2, 3]>, "logits", [MemRead]>:$logits,
    Arg<StridedMemRefRankOf<[I64, I32], [1, 2]>, "class indices",
        [MemRead]>:$target,
    Arg<MemRefRankOf<[F32], [0]>, "d loss", [MemRead]>:$loss_grad,
    Arg<Optional<Rnn_LengthsBuffer>, "lengths (B)", [MemRead]>:$lengths,
    Arg<StridedMemRefRankOf<[F32], [2, 3]>, "d logits", [MemRead, MemWrite]>:
        $logits_grad,
    DefaultValuedAttr<Rnn_ReductionAttr, "::mlir::rnn::Reduction::mean">:
        $reduction,
    DefaultValuedAttr<I64Attr, "-100">:$ignore_index
  );
  let assemblyFormat = [{
    $logits `,` $target `,` $loss_grad
    (`lengths` `(` $lengths^ `:` type($lengths) `)`)?
    `:` type($logits) `,` type($target) `,` type($loss_grad)
    `outs` `(` $logits_grad `:` type($logits_grad) `)` attr-dict
  }];
}

//===----------------------------------------------------------------------===//
// AllInRangeOp
//===----------------------------------------------------------------------===//

def Rnn_AllInRangeOp : Rnn_Op<"all_in_range"> {
  let summary = "Whether every element of an integer buffer lies in a range";
  let description = [{
    Returns true when every element `v` of `values` satisfies
    `lower <= v <= upper`, or equals `also` when it is given. The generated
    entry points use it to reject sequence lengths outside `[1, T]`, token
    ids outside `[0, V)` and class indices that are neither in `[0, C)` nor
    the loss's `ignore_index` before anything reads out of bounds.

    Example:

    ```mlir
    %ok = rnn.all_in_range %lengths in [%one, %seq_len] : memref<?xi64>
    %ok2 = rnn.all_in_range %labels in [%zero, %c4] or %ignored : memref<?xi64>
    ```
  }];
  let arguments = (ins
    Arg<Rnn_IntBuffer, "values", [MemRead]>:$values,
    I64:$lower,
    I64:$upper,
    Optional<I64>:$also
  );
  let results = (outs I1:$result);
  let assemblyFormat = [{
    $values `in` `[` $lower `,` $upper `]` (`or` $also^)? `:` type($values)
    attr-dict
  }];
}

//===----------------------------------------------------------------------===//
// ReportErrorOp, ReportOutOfRangeOp
//===----------------------------------------------------------------------===//

// Both write the runtime's thread-local message: the effect keeps them
// alive, though they have no results.
def Rnn_ReportErrorOp : Rnn_Op<"report_error", [MemoryEffects<[MemWrite]>]> {
  let summary = "Say why a generated entry point rejects its arguments";
  let description = [{
    On the failure path of an argument check, just before the entry point
    returns its status code, records `message` (followed by `, got <value>`
    when `value` is given) as the calling thread's
    `rnnrt_last_error_message()`. The message names the function and the
    argument, e.g. `m_forward: batch must be at least 1, got 0`.

    convert-rnn-to-llvm lowers it to a call of the runtime's
    `rnnrt_report_error`, referenced weakly: an object linked without
    librnnrt still returns its status code, only without the message.

    Example:

    ```mlir
    rnn.report_error "m_forward: batch must be at least 1" got %batch : i64
    ```
  }];
  let arguments = (ins StrAttr:$message, Optional<I64>:$value);
  let assemblyFormat = [{
    $message (`got` $value^ `:` type($value))? attr-dict
  }];
}

def Rnn_ReportOutOfRangeOp
    : Rnn_Op<"report_out_of_range",
             [AttrSizedOperandSegments, MemoryEffects<[MemWrite]>]> {
  let summary = "Say which element of a caller's buffer is out of range";
  let description = [{
    On the failure path of an `rnn.all_in_range` check of a caller's
    integer buffer (`count` elements of `element_bits` bits at `data`, in the
    caller's order), records which element failed, for the calling thread's
    `rnnrt_last_error_message()`: the first `v` that is outside
    `[lower, upper]` and is not `also`, as
    `<message>[i] = v is outside [lower, upper]`, with `[i, j]` when `inner`
    (the size of the buffer's last dimension) is given, and
    ` and is not ignore_index (also)` when `also` is.

    Lowered like `rnn.report_error`, to a weakly referenced call of the
    runtime's `rnnrt_report_out_of_range`.

    Example:

    ```mlir
    rnn.report_out_of_range "m_forward: lengths" %ptr, %batch
        in [%one, %seq_len] {element_bits = 64 : i32}
    ```
  }];
  let arguments = (ins
    StrAttr:$message,
    Arg<Rnn_Pointer, "the caller's buffer", [MemRead]>:$data,
    I64:$count,
    I64:$lower,
    I64:$upper,
    Optional<I64>:$also,
    Optional<I64>:$inner,
    ConfinedAttr<I32Attr, [IntIsOneOf<[32, 64]>]>:$element_bits
  );
  let assemblyFormat = [{
    $message $data `,` $count `in` `[` $lower `,` $upper `]`
    (`or` $also^)? (`inner` $inner^)? attr-dict
  }];
}

//===----------------------------------------------------------------------===//
// SumRowsOp
//===----------------------------------------------------------------------===//

def Rnn_SumRowsOp : Rnn_Op<"sum_rows"> {
  let summary = "Add the sum of a buffer's rows to one or more vectors";
  let description = [{
    For `input` of shape `(M, N)` or `(T, B, N)`, adds
    `sum over all rows r of input[r, :]` to every buffer in `outs` `(N)`.
    Each column sums its rows in order (row-major over the leading
    dimensions), so the result does not depend on how the lowering tiles
    the columns. A layer's bias gradients are this sum over the `g` of
    every step and batch row (both biases get the same one).

    Example:

    ```mlir
    rnn.sum_rows %g : memref<?x?x16xf32>
        outs(%db_ih, %db_hh : memref<16xf32>, memref<16xf32>)
    ```
  }];
  let arguments = (ins
    Arg<Rnn_F32Buffer2DOr3D, "input (M, N) or (T, B, N)", [MemRead]>:$input,
    Arg<Variadic<Rnn_F32Buffer1D>, "sums (N) to add to",
        [MemRead, MemWrite]>:$outs
  );
  let assemblyFormat = [{
    $input `:` type($input) `outs` `(` $outs `:` type($outs) `)` attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// FromPtrOp
//===----------------------------------------------------------------------===//

def Rnn_FromPtrOp : Rnn_Op<"from_ptr", [Pure]> {
  let summary = "View a caller's raw buffer as a one-dimensional memref";
  let description = [{
    Makes a `memref<?xT>` of `size` elements that starts `byte_offset` bytes
    after `base`. This is how the generated C entry points, which take plain
    pointers, hand the caller's buffers to the memref-based kernels; the
    buffers are then reshaped with `memref.reinterpret_cast`.

    Example:

    ```mlir
    %params = rnn.from_ptr %p[%zero], %n : memref<?xf32>
    ```
  }];
  let arguments = (ins Rnn_Pointer:$base, I64:$byte_offset, I64:$size);
  let results = (outs MemRefRankOf<[AnyType], [1]>:$result);
  let assemblyFormat = [{
    $base `[` $byte_offset `]` `,` $size `:` type($result) attr-dict
  }];
  let hasVerifier = 1;
}

#endif // RNN_OPS_TD

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
    attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
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
// MseLossOp
//===----------------------------------------------------------------------===//

def Rnn_MseLossOp : Rnn_Op<"mse_loss"> {
  let summary = "Mean squared error (nn.MSELoss, reduction='mean')";
  let description = [{
    Writes `mean((prediction - target)^2)` to the scalar `loss`.
    `prediction` and `target` have the same shape, of rank 1 to 3. With
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
    Arg<MemRefRankOf<[F32], [0]>, "mean loss", [MemWrite]>:$loss
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
    Writes the mean over positions of `logsumexp(logits[p, :]) -
    logits[p, target[p]]` to the scalar `loss`, for `logits` `(N, C)` with
    `target` `(N)`, or time-major `logits` `(T, B, C)` with `target`
    `(T, B)`. With `lengths` (rank 3 only), positions `t >= lengths[b]` are
    left out of the mean. Targets must lie in `[0, C)`: a precondition the
    caller checks with `rnn.all_in_range`. The log-sum-exp subtracts the
    row maximum first, as PyTorch does, so large logits do not overflow.

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
    Arg<MemRefRankOf<[F32], [0]>, "mean loss", [MemWrite]>:$loss
  );
  let assemblyFormat = [{
    $logits `,` $target (`lengths` `(` $lengths^ `:` type($lengths) `)`)?
    `:` type($logits) `,` type($target)
    `outs` `(` $loss `:` type($loss) `)` attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// AllInRangeOp
//===----------------------------------------------------------------------===//

def Rnn_AllInRangeOp : Rnn_Op<"all_in_range"> {
  let summary = "Whether every element of an integer buffer lies in a range";
  let description = [{
    Returns true when every element `v` of `values` satisfies
    `lower <= v <= upper`. The generated entry points use it to reject
    sequence lengths outside `[1, T]` and token ids outside `[0, V)` before
    anything reads out of bounds.

    Example:

    ```mlir
    %ok = rnn.all_in_range %lengths in [%one, %seq_len] : memref<?xi64>
    ```
  }];
  let arguments = (ins
    Arg<Rnn_IntBuffer, "values", [MemRead]>:$values,
    I64:$lower,
    I64:$upper
  );
  let results = (outs I1:$result);
  let assemblyFormat = [{
    $values `in` `[` $lower `,` $upper `]` `:` type($values) attr-dict
  }];
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

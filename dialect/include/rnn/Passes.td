//===- Passes.td - rnn dialect passes ------------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares the passes of the rnn dialect, in pipeline order:
// rnn-generate-bptt, rnn-expand-stacked, rnn-outline-layers,
// convert-rnn-to-loops, convert-rnn-to-scf and convert-rnn-to-llvm.
//
//===----------------------------------------------------------------------===//

#ifndef RNN_PASSES_TD
#define RNN_PASSES_TD

include "mlir/Pass/PassBase.td"

def RnnExpandStacked : Pass<"rnn-expand-stacked", "ModuleOp"> {
  let summary = "Expand stacked and bidirectional RNNs into per-layer ops";
  let description = [{
    Rewrites every `rnn.stacked_rnn` (and `rnn.stacked_rnn_grad`) into one
    `rnn.layer` (`rnn.layer_grad`) per layer and direction, in the order PyTorch evaluates them: layer by layer, forward
    before reverse. Each layer reads the previous layer's output (the model
    input for layer 0) and writes its own direction's half of the next
    buffer: the `output` operand for the last layer, otherwise one of the
    two halves of `scratch`, alternating. The carried state of layer `l`,
    direction `d` lives in row `l*D+d` of `h_n`, initialized from `h0`
    (or zero) right before the layer runs. With a `weight_scratch` buffer,
    each layer and direction gets the next `(I, H)` and `(H, H)` matrices
    of it as room for its transposed weights, in parameter order; in the
    backward, for padded copies of its weights, except layer 0's `W_ih`
    when there is no input gradient (nothing else reads it), and copied
    only when `input_grad_wanted` holds where that flag is present.

    Input: `rnn.stacked_rnn` ops. Output: no `rnn.stacked_rnn`; `rnn.layer`,
    `memref.subview` and `linalg` fill/copy ops instead.
  }];
  let dependentDialects = [
    "::mlir::memref::MemRefDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect"
  ];
  let statistics = [
    Statistic<"numLayersCreated", "layers-created",
              "Number of rnn.layer ops created">
  ];
}

def RnnGenerateBptt : Pass<"rnn-generate-bptt", "ModuleOp"> {
  let summary = "Generate the backward pass (backpropagation through time)";
  let description = [{
    Derives the gradient computation of every function that declares
    adjoints (`rnn.declare_adjoint`) from its forward ops. The function must
    contain exactly one loss op (`rnn.mse_loss` or `rnn.cross_entropy_loss`);
    the ops before it in its block are differentiated in reverse order, and
    the backward ops are inserted right after the loss:

    * every declared adjoint buffer is zeroed, the loss's is set to 1;
    * each forward op gets its adjoint op, which accumulates into the
      adjoints of its operands: `rnn.mse_loss_grad`,
      `rnn.cross_entropy_loss_grad`, `rnn.linear_grad`,
      `rnn.embedding_grad`, `rnn.stacked_rnn_grad` (backpropagation through
      time of the whole stack), and `linalg.add` for a `linalg.copy`;
    * a view (`memref.subview`, `memref.transpose`,
      `memref.reinterpret_cast`, `memref.collapse_shape`) of a buffer with
      an adjoint gets the same view of the adjoint;
    * an `scf.for` loop with such ops (a forward pass split into time
      segments, as MLIRGen builds for `--checkpoint-bptt` and
      `--truncate-bptt`) becomes the same loop run backwards, whose
      iteration first re-runs the forward iteration (recomputing the states
      kept only for one segment from the segment's checkpoint) and then
      emits the adjoints of its ops. Iterations must communicate only
      through buffers no later iteration overwrites, and carry no values.

    The forward `rnn.stacked_rnn` must keep what the backward pass reads:
    its scratch buffer must hold every inner layer's output (one slice per
    inner layer), and its `scratch` must have a declared adjoint.

    `truncate=k` generates truncated BPTT: the carried hidden state is
    detached every k steps, as PyTorch users do with `h.detach()` between
    windows of a long sequence. The forward values (and the loss) are
    unchanged; only gradients stop at window boundaries.

    An adjoint declared `when(%wanted)` (a model input whose gradient the
    caller may not want) is cleared under `scf.if %wanted`, and the
    backward op that accumulates into it gets the condition
    (`rnn.stacked_rnn_grad ... input_grad(...) when(%wanted)`), so that its
    products are skipped at run time. Such a buffer must not be written by
    any op, since a conditional adjoint may be left unset.

    Input: model-level ops and `rnn.declare_adjoint`. Output: the same
    forward ops followed by the backward ops; no `rnn.declare_adjoint`.
  }];
  let options = [
    Option<"truncate", "truncate", "int64_t", /*default=*/"0",
           "Detach the hidden state every N steps (0: full BPTT)">
  ];
  let dependentDialects = [
    "::mlir::memref::MemRefDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect"
  ];
  let statistics = [
    Statistic<"numAdjointOps", "adjoint-ops",
              "Number of backward ops created">
  ];
}

def RnnOutlineLayers : Pass<"rnn-outline-layers", "ModuleOp"> {
  let summary = "Give each distinct layer a function of its own";
  let description = [{
    Moves every `rnn.layer` and `rnn.layer_grad` into a private function
    whose body is the op on the function's arguments, and replaces the op
    by a call. Ops that compute the same thing share one function: the
    same op name, operand types (shapes and element types), attributes and
    present optional operands. Memref operands are passed with dynamic
    strides and offset (a unit innermost stride kept), so the views of one
    shape in different buffers (the halves of a bidirectional output, the
    layers' scratch) are one parameter type.

    A stacked model repeats one layer shape: every layer after the first
    reads `D * hidden_size` features. So a model of any depth has at most
    four forward functions (first and later layers, each direction) and as
    many backward ones, and the passes after this one, LLVM's optimizer and
    its code generator each work on those few functions and on an entry
    point that is a list of calls, instead of one function that grows with
    every layer. That keeps compile time and memory about constant in
    `num_layers` beyond the first few.

    A function called more than once is kept out of line (`noinline`);
    one called once is left for LLVM to inline, which gives the code of a
    model without repeated layers back as it was. The result is the same
    bits either way: the arithmetic is in the same kernels.

    Input: `rnn.layer` and `rnn.layer_grad` ops in functions (run
    `rnn-expand-stacked` first). Output: `func.call`s of private functions
    each holding one such op.
  }];
  let dependentDialects = [
    "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect"
  ];
  let statistics = [
    Statistic<"numLayersOutlined", "layers-outlined",
              "Number of rnn.layer and rnn.layer_grad ops outlined">,
    Statistic<"numFunctionsCreated", "functions-created",
              "Number of distinct layer functions created">
  ];
}

def ConvertRnnToLoops : Pass<"convert-rnn-to-loops", "ModuleOp"> {
  let summary = "Lower rnn.layer ops to loops over time";
  let description = [{
    Replaces each `rnn.layer` by a loop over time steps whose body views the
    step's input and output rows and runs one `rnn.cell` followed by one
    `rnn.commit_step`. A reverse layer visits `t = T-1-i` for `i` in
    `[0, T)`. Each `rnn.layer_grad` becomes the reverse-time loop of
    backpropagation through time: the forward steps in the opposite order,
    one `rnn.cell_grad` each, with the carried state gradient reset at
    window boundaries when the layer is truncated.

    The `unroll` option chooses the loop form:
    * `none`: one `scf.for` over time;
    * `full`: the loop is fully unrolled (static sequence lengths of at most
      64 steps only, `kMaxUnrolledSteps`; a layer with a dynamic or a
      longer length keeps its loop and gets a remark);
    * a positive integer `N`: the loop is unrolled by `N`, with an epilogue
      loop for the remaining steps (fully, as `full`, when `N` is at least
      the static number of steps); a factor above 64 is clamped to 64,
      with a remark, since the body grows with it as with `full`;
    * `auto` (the default): `full` when the sequence length is static and at
      most `auto-unroll-max-steps`, `none` otherwise; backward (BPTT) loops
      stay loops. Full unrolling lets the optimizer schedule across steps and
      specialize every index, but code size grows linearly with T, so it is
      reserved for short sequences: with the GEMM kernels a step is mostly
      one kernel call, and unrolling the 15 steps of the lesson's 2-layer
      classifier gained nothing measurable while adding 0.6 s of compile
      time.

    With `parallel`, the time loop of a layer with `transposed_weights` runs
    on shards of the batch, one `scf.parallel` iteration each: sequences
    are independent, so a shard's steps need nothing from another shard and
    the threads meet once per layer instead of once per step. There are as
    many shards as OpenMP threads (`omp_get_max_threads()`), but none with
    fewer than `min-shard-rows` rows or `min-shard-macs` multiply-adds over
    the sequence; a layer left with one shard runs its loop without the
    parallel one, so small models do not wake the threads.

    With `min-column-shard-macs` > 0 (it is 0 by default), a batch too
    small for two shards splits its hidden units instead, when a step has
    at least that many multiply-adds (`B * H * H`) and there is more than
    one thread: one `omp.parallel` team runs the
    time loop, each thread computing and committing its static column
    chunks of every step (two chunks, multiples of 64 columns but the
    last), with an `omp.barrier` after the products and another after the
    commits (docs/parallel.md).

    With `lookahead-rows` = R > 0, a layer with `transposed_weights`, static
    input and hidden sizes and a batch that may be 1 gets, for a batch of 1
    with at least R steps (checked at run time), a time loop that folds the
    input projection into the recurrence: each step's product runs in
    chunks of `R * lookahead-vector-width` columns, each an
    `rnn.matmul_pair` with one vector-wide column of the projection of the
    R steps after the current block, so that the projection's arithmetic
    overlaps the recurrence's loads of `W_hh^T`. The first block, and the
    R steps ending the sequence when its last block is short, are projected
    by their own `rnn.matmul` of R rows (`rnn.out_of_line`). R is the
    largest power of two, at least 2 and at most the option, whose chunks
    divide the hidden size (none: the plain schedule); the results are the
    same bits either way. Up to 16 chunks a step are written out one by one;
    more (hidden sizes in the thousands) run as an `scf.for` over chunks, so
    that a step's code does not grow with the hidden size. Column shards
    take precedence.

    Input: `rnn.layer` and `rnn.layer_grad` ops (run `rnn-expand-stacked`
    first: a remaining `rnn.stacked_rnn` is an error). Output: `scf.for`
    loops (or straight-line code) of `rnn.cell` and `rnn.commit_step` (or,
    for a layer with `transposed_weights`, one time-major `rnn.matmul` for
    the input projection and one `rnn.matmul` per step), or of
    `rnn.cell_grad` followed by the `rnn.matmul` products over all steps
    and one `rnn.sum_rows` for the bias gradients.
  }];
  let options = [
    Option<"unroll", "unroll", "std::string", /*default=*/"\"auto\"",
           "Time-loop unrolling: auto, none, full or a factor N">,
    Option<"autoUnrollMaxSteps", "auto-unroll-max-steps", "int64_t",
           /*default=*/"8",
           "Longest static sequence that unroll=auto unrolls fully">,
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Run the time loop of each layer on batch shards in parallel">,
    Option<"minShardRows", "min-shard-rows", "int64_t", /*default=*/"8",
           "Fewest batch rows a parallel shard gets">,
    Option<"minShardMacs", "min-shard-macs", "int64_t",
           /*default=*/"1 << 22",
           "Fewest recurrent multiply-adds (T * rows * H * H) a parallel "
           "shard gets">,
    Option<"minColumnShardMacs", "min-column-shard-macs", "int64_t",
           /*default=*/"0",
           "With parallel, a batch too small for batch shards splits its "
           "hidden units between threads when a step has at least this many "
           "multiply-adds (B * H * H); 0 (the default) never splits">,
    Option<"lookaheadRows", "lookahead-rows", "int64_t", /*default=*/"0",
           "With batch 1, fold the input projection into the recurrence: "
           "each step's product runs in chunks of lookahead-rows * "
           "lookahead-vector-width columns, each paired with a column of the "
           "projection of the block of lookahead-rows steps ahead "
           "(rnn.matmul_pair); 0 (the default) projects every step first">,
    Option<"lookaheadVectorWidth", "lookahead-vector-width", "int64_t",
           /*default=*/"8",
           "The columns of one projection column vector: the vector width of "
           "the kernels convert-rnn-to-scf emits">
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::omp::OpenMPDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::func::FuncDialect"
  ];
}

def ConvertRnnToScf : Pass<"convert-rnn-to-scf", "ModuleOp"> {
  let summary = "Lower step-level rnn kernels to scf loops";
  let description = [{
    Lowers `rnn.cell`, `rnn.commit_step`, `rnn.matmul`, `rnn.matmul_pair`,
    `rnn.sum_rows`,
    `rnn.linear`, `rnn.embedding`, `rnn.mse_loss`, `rnn.cross_entropy_loss`,
    `rnn.all_in_range` and the
    step-level backward ops (`rnn.cell_grad`, `rnn.linear_grad`,
    `rnn.embedding_grad`, `rnn.mse_loss_grad`,
    `rnn.cross_entropy_loss_grad`) to `scf.for` loop nests over memrefs
    with `arith` and `math` ops. The backward kernels allocate nothing:
    they accumulate into their gradient operands. Matrix products
    accumulate in float32 in the same order for every element (input
    contribution, then recurrent contribution), the order the parity
    tolerances in docs/testing.md assume.

    `rnn.matmul` becomes the register-blocked micro-kernel of a GEMM in the
    `vector` dialect: tiles of `tile-rows` rows by `tile-vectors` vectors of
    `vector-width` lanes, accumulated in registers over the whole reduction,
    with the bias and the activation applied before the store. Choose the
    tile so that `tile-rows * tile-vectors` accumulators plus
    `tile-vectors + 1` operands fit the target's vector registers (rnnc
    does, from the target CPU's features). `vector-width=0` gives scalar
    loops instead.

    `rnn.matmul_pair` becomes one loop over `k` carrying both products'
    register tiles, each product's loads, broadcasts and multiply-adds in
    the same iteration, the deeper product finishing alone; when the two
    tiles need more than `tile-rows * tile-vectors` accumulators, a column
    count is not a multiple of `vector-width`, or in scalar mode, it becomes
    its two `rnn.matmul` products instead. Its kernels are outlined like
    `rnn.matmul`'s, as `__rnn_matmul_pair_<shapes>[_obias][_bias][_acc][_<act>]`.

    With `outline-kernels` (the default), each distinct vector kernel
    (operand shapes and epilogue) is emitted once, into a private function
    `__rnn_matmul_<shapes>[_bias][_acc][_<act>][_par]` with dynamic strides,
    and every `rnn.matmul` of that kind becomes a `func.call` of it: the
    steps of an unrolled time loop and the layers of a deep model share
    their kernels, which keeps compile time and code size in check. Each
    distinct `rnn.cell_grad` likewise becomes one `noinline` function
    `__rnn_cell_grad_<shapes>_<present operands>_<act>`.

    With `parallel`, the (row block, column panel) pairs of the full row
    tiles and full column panels of a vector product form one
    `scf.parallel` loop, for `convert-scf-to-openmp` to share among
    threads, next to the same pairs as `scf.for` loops; an `scf.if` picks
    the parallel loop at run time when `omp_get_max_threads()` is above 1
    and the product has at least `parallel-min-macs` multiply-adds. The
    leftover rows and columns stay sequential. A product gets no parallel
    form when it is inside an `scf.parallel` loop already, carries the
    `rnn.sequential` unit attribute (one time step's products), or would
    stay below the threshold even with 1024 for each dynamic size. Every
    pair sums its whole reduction in the same order as the sequential
    kernel, so the result is bitwise the same on any number of threads.

    A batch-reduce product (the weight gradients: a sum over time steps)
    runs its reduction in chunks of at most 64 `(s, k)` pairs (inside each
    work item of the parallel loop, so it forks once). Its work items are
    a row block and a group of up to 4 column panels, as many as leave at
    least 8 work items when the row count is static, so that the group's
    panels share each chunk's `lhs` rows in cache. With `pack-rhs` (the
    default) and at least 4 full column panels, each (row block, column
    panel) work item of the full tiles first copies the chunk's `rhs` panel
    into a contiguous
    64-byte aligned stack buffer and the tiles read that copy. The buffer
    is a `memref.alloca` in the function's entry block, or in the body of
    the `scf.parallel` loop, so that each thread has its own: the `rhs` of these products, the activations of every step,
    has rows a power of two apart for common sizes, and a column panel at
    such a stride falls into a few cache sets.

    `rnn.sum_rows` keeps `tile-vectors` vectors of column sums in registers
    while the rows stream past.

    A 2-D f32 `linalg.transpose` of static shape (the layers' weight
    transposes into weight scratch) runs in blocks of `vector-width` x
    `vector-width` elements: row vectors are loaded, split into their
    elements and regrouped into column vectors, which LLVM turns into
    shuffles. Left to convert-linalg-to-loops, LLVM vectorizes the copy
    with gathers, which took a quarter of the batch-1 forward pass. With
    `outline-kernels`, each shape becomes one `noinline` function
    `__rnn_transpose_<shapes>`. With `outline-kernels`, a `linalg.fill` or
    `linalg.copy` on memrefs in straight-line code (in no loop of its
    function) becomes a call of one `noinline` function per operand shape,
    `__rnn_fill_<shapes>` or `__rnn_copy_<shapes>`: an entry point fills
    and copies a few buffers per layer (initial states, zeroed gradients,
    padded weights), and as loop nests of their own they were most of what
    LLVM's loop passes spent on a deep model. Other `linalg` ops are left
    alone.

    Input: no `rnn.stacked_rnn` or `rnn.layer`. Output: only
    `rnn.from_ptr` is left of the rnn dialect.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"8",
           "float32 lanes per vector in rnn.matmul kernels (0: scalar loops)">,
    Option<"tileRows", "tile-rows", "int64_t", /*default=*/"4",
           "Rows of an rnn.matmul register tile">,
    Option<"tileVectors", "tile-vectors", "int64_t", /*default=*/"2",
           "Vectors (of vector-width lanes) per row of an rnn.matmul "
           "register tile">,
    Option<"outlineKernels", "outline-kernels", "bool", /*default=*/"true",
           "Emit each distinct vector kernel once, as a private function the "
           "rnn.matmul ops call">,
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Spread the tiles of large vector rnn.matmul ops over an "
           "scf.parallel loop">,
    Option<"parallelMinMacs", "parallel-min-macs", "int64_t",
           /*default=*/"1 << 22",
           "Multiply-adds from which an rnn.matmul runs in parallel">,
    Option<"packRhs", "pack-rhs", "bool", /*default=*/"true",
           "Copy each reduction chunk's rhs panel of a batch-reduce "
           "rnn.matmul into a contiguous buffer before its tiles read it">
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect",
    "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect"
  ];
}

def ConvertRnnToLLVM : Pass<"convert-rnn-to-llvm", "ModuleOp"> {
  let summary = "Lower the remaining rnn ops and everything else to LLVM";
  let description = [{
    The final conversion: `rnn.from_ptr` becomes a memref descriptor built
    from the raw pointer, `rnn.report_error` and `rnn.report_out_of_range`
    calls of the runtime's `rnnrt_report_error` and
    `rnnrt_report_out_of_range`, declared `extern_weak` and made only when
    linked (an object without librnnrt skips the message), and the func,
    arith, math, memref, scf, cf and index ops are converted with MLIR's
    own patterns in one full conversion,
    so the result is purely the LLVM dialect. Expects strided metadata
    expanded (`expand-strided-metadata`, `lower-affine`) and linalg lowered
    to loops.

    Input: loops on memrefs. Output: LLVM dialect only.
  }];
  // SCF to CF and the tanh approximation create cf and arith ops: without
  // these loaded, rnn-opt crashed on a plain scf.for input.
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::cf::ControlFlowDialect",
    "::mlir::arith::ArithDialect"
  ];
}

#endif // RNN_PASSES_TD

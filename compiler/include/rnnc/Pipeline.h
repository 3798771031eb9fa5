//===- Pipeline.h - From ModelSpec to the LLVM dialect ----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares the one pipeline that rnnc, rnn-run and rnn-opt share:
// MLIRGen of a ModelSpec into the rnn dialect, then the rnn passes down to the
// LLVM dialect. Every `rnnc --emit=` stage is a prefix of this pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef RNNC_PIPELINE_H
#define RNNC_PIPELINE_H

#include "rnnc/AST.h"

#include "rnn/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/Error.h"

#include <string>

namespace rnnc {

/// How far the MLIR pipeline runs.
enum class Stage {
  /// Model-level rnn dialect, straight out of MLIRGen.
  RnnModel,
  /// Time loops and kernels as scf loops on memrefs.
  Loops,
  /// LLVM dialect, ready for translation to LLVM IR.
  LLVMDialect,
};

/// Options of the MLIR part of the pipeline.
struct PipelineOptions {
  /// Time-loop unrolling: "auto", "none", "full" or a positive factor.
  std::string unroll = "auto";
  /// The memory strategy of the backward pass.
  BpttStrategy bptt;
  /// Register tiling of the GEMM kernels (see selectMatmulTiling in
  /// Codegen.h).
  mlir::rnn::MatmulTiling matmul;
  /// With `matmul.parallel`: the multiply-adds per step (B * H * H) from
  /// which a layer too small for batch shards splits its hidden units
  /// between threads (convert-rnn-to-loops' min-column-shard-macs); 0, the
  /// default, never splits: the per-step barriers made the benchmark's
  /// batch-1 model 25 % faster on two idle cores but up to 1.5x slower when
  /// the cores were not the program's own (docs/parallel.md).
  int64_t minColumnShardMacs =
      mlir::rnn::ConvertRnnToLoopsOptions().minColumnShardMacs;
  /// Batch 1: the steps whose input projection a step computes ahead,
  /// inside its recurrent product (convert-rnn-to-loops' lookahead-rows);
  /// kAutoLookaheadRows takes the most that `matmul`'s register tile holds
  /// (lookaheadRowsFor), 0 projects every step first.
  int64_t lookaheadRows = kAutoLookaheadRows;
  static constexpr int64_t kAutoLookaheadRows = -1;
  /// For the tools' tests: a pass argument (e.g. "convert-rnn-to-loops")
  /// after which the pipeline runs a pass that fails, so that the
  /// internal-error report can be tested on a real pass failure.
  std::string failAfterPass;
};

/// The look-ahead rows `tiling` has registers for: rnn.matmul_pair keeps
/// 2 R accumulators (R for a chunk of the recurrence, R rows of the
/// projection), within the tile's; the largest power of two that fits,
/// 0 in scalar mode.
int64_t lookaheadRowsFor(const mlir::rnn::MatmulTiling &tiling);

/// The largest `--unroll=N` factor, `--truncate-bptt` / `--checkpoint-bptt`
/// window and `--lookahead-rows` the tools accept.
constexpr int64_t kMaxUnrollFactor = mlir::rnn::kMaxUnrolledSteps;
constexpr int64_t kMaxBpttWindow = 2147483647;
constexpr int64_t kMaxLookaheadRows = 64;

/// Checks that `options`, as given on the command line, make sense for
/// `spec`: a valid unroll policy, BPTT windows and look-ahead rows in range,
/// at most one of truncation and checkpointing, either only for a model with
/// a loss and a unidirectional RNN, non-negative thresholds. Returns a
/// one-line message naming the option (a command-line mistake, never a spec
/// location) otherwise.
llvm::Error verifyPipelineOptions(const ModelSpec &spec,
                                  const PipelineOptions &options);

/// The exit status of rnnc and rnn-run for an internal compiler error (a
/// pass or verifier failure after the front end accepted the spec):
/// EX_SOFTWARE of sysexits.h, so that a script tells a bug in rnnc from a
/// mistake in its input (status 1).
constexpr int kInternalErrorExitCode = 70;

/// An internal compiler error: which pass failed, on what, and why.
class InternalCompilerError : public llvm::ErrorInfo<InternalCompilerError> {
public:
  static char ID;
  explicit InternalCompilerError(std::string text) : text(std::move(text)) {}
  void log(llvm::raw_ostream &os) const override { os << text; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }

private:
  std::string text;
};

/// Adds every dialect and translation interface the pipeline needs.
void registerPipelineDialects(mlir::DialectRegistry &registry);

/// Registers and loads the pipeline's dialects in `context`.
void registerPipelineDialects(mlir::MLIRContext &context);

/// Builds the rnn dialect module of `spec` (the `--emit=mlir` output).
/// `bptt` decides how the training function lays out the states the
/// backward pass reads. Returns null after emitting a diagnostic on failure.
mlir::OwningOpRef<mlir::ModuleOp>
buildModelModule(const ModelSpec &spec, mlir::MLIRContext &context,
                 const BpttStrategy &bptt = {});

/// Adds the passes that take a model module to `stage`.
void buildLoweringPipeline(mlir::OpPassManager &pm, Stage stage,
                           const PipelineOptions &options);

/// Runs the lowering pipeline on `module` in place. `pm` should be created
/// by the caller so command-line PassManager options (IR printing, timing)
/// apply.
mlir::LogicalResult lowerModule(mlir::ModuleOp module, mlir::PassManager &pm,
                                Stage stage, const PipelineOptions &options);

/// lowerModule for the tools: the passes' remarks and warnings are printed
/// as one line each (`file:line:col: remark: ...`, never with the IR of the
/// op they are about), and a failure becomes an InternalCompilerError
/// naming the failed pass and its first error, with no IR
/// (`--mlir-print-ir-after-failure` prints it).
llvm::Error lowerModuleForTool(mlir::ModuleOp module, mlir::PassManager &pm,
                               Stage stage, const PipelineOptions &options);

} // namespace rnnc

#endif // RNNC_PIPELINE_H

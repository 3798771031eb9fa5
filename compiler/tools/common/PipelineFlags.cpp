//===- PipelineFlags.cpp - Compilation flags shared by the tools ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "PipelineFlags.h"

#include "llvm/Support/FormatVariadic.h"

namespace cl = llvm::cl;
using rnnc::PipelineFlags;

/// An error for a command-line mistake.
static llvm::Error flagError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

PipelineFlags::PipelineFlags(cl::OptionCategory &category,
                             cl::SubCommandGroup &commands)
    : optLevelFlag("O", cl::Prefix, cl::init(3),
                   cl::desc("Optimization level 0-3 (default 3)"),
                   cl::cat(category), cl::sub(commands)),
      // Portable is what a user ships by default, so it is also what
      // rnn-run checks by default.
      targetCpuFlag(
          "target-cpu", cl::init("portable"),
          cl::desc("CPU to compile for: portable (default, x86-64-v2), "
                   "native, or an LLVM CPU name"),
          cl::value_desc("cpu"), cl::cat(category), cl::sub(commands)),
      unrollFlag("unroll", cl::init("auto"),
                 cl::desc("Time-loop unrolling: auto (default), none, full "
                          "or N"),
                 cl::cat(category), cl::sub(commands)),
      truncateBpttFlag(
          "truncate-bptt", cl::init(0),
          cl::desc("Truncated BPTT: detach the hidden state every N steps "
                   "(default 0: full BPTT, every hidden state stored)"),
          cl::cat(category), cl::sub(commands)),
      checkpointBpttFlag(
          "checkpoint-bptt", cl::init(0),
          cl::desc("Keep the hidden states only every N steps and recompute "
                   "the rest in the backward pass (default 0: store every "
                   "state)"),
          cl::cat(category), cl::sub(commands)),
      parallelFlag(
          "parallel", cl::init(false),
          cl::desc("Run the large matrix products on OpenMP threads (link "
                   "the program with libomp; OMP_NUM_THREADS sets the "
                   "threads)"),
          cl::cat(category), cl::sub(commands)),
      parallelMinMacsFlag(
          "parallel-min-macs",
          cl::init(mlir::rnn::MatmulTiling().parallelMinMacs),
          cl::desc("With --parallel: the multiply-adds from which a matrix "
                   "product runs on several threads"),
          cl::cat(category), cl::sub(commands)),
      minColumnShardMacsFlag(
          "min-column-shard-macs",
          cl::init(PipelineOptions().minColumnShardMacs),
          cl::desc("With --parallel: the multiply-adds per step (B*H*H) from "
                   "which a batch too small for batch shards splits the "
                   "hidden units between threads, with two barriers per "
                   "step (default 0: never; 65536 suits 256 hidden units "
                   "at batch 1 on idle cores)"),
          cl::cat(category), cl::sub(commands)),
      lookaheadRowsFlag(
          "lookahead-rows", cl::init(PipelineOptions::kAutoLookaheadRows),
          cl::desc("Batch 1: steps of the input projection each recurrent "
                   "step computes ahead, overlapping its weight loads "
                   "(default -1: as many as the target's registers hold; 0: "
                   "project every step first)"),
          cl::cat(category), cl::sub(commands)),
      failAfterFlag(
          "debug-fail-after",
          cl::desc("For rnnc's tests: run a failing pass after the named "
                   "pass, to check the internal-error report"),
          cl::value_desc("pass"), cl::Hidden, cl::cat(category),
          cl::sub(commands)) {}

llvm::Expected<rnnc::CodegenOptions> PipelineFlags::codegenOptions() const {
  llvm::Error errors = llvm::Error::success();
  if (optLevelFlag > 3)
    errors = llvm::joinErrors(
        std::move(errors),
        flagError(llvm::formatv(
            "invalid optimization level -O{0}; expected 0-3", optLevelFlag)));
  if (targetCpuFlag.empty())
    errors = llvm::joinErrors(std::move(errors),
                              flagError("--target-cpu needs a value: portable, "
                                        "native or an LLVM CPU name"));
  if (errors)
    return std::move(errors);
  CodegenOptions options;
  options.optLevel = optLevelFlag;
  options.targetCPU = targetCpuFlag;
  return options;
}

llvm::Expected<rnnc::PipelineOptions>
PipelineFlags::pipelineOptions(const ModelSpec &spec, bool runsBackward) const {
  if (!runsBackward)
    for (const cl::opt<int64_t> *flag :
         {&truncateBpttFlag, &checkpointBpttFlag})
      if (flag->getNumOccurrences())
        return flagError(llvm::formatv(
            "--{0} chooses how the backward pass keeps its states; this "
            "command runs no backward pass (use it with grad or train)",
            flag->ArgStr));
  PipelineOptions options;
  options.unroll = unrollFlag;
  options.bptt.truncate = truncateBpttFlag;
  options.bptt.checkpoint = checkpointBpttFlag;
  options.lookaheadRows = lookaheadRowsFlag;
  options.matmul.parallel = parallelFlag;
  options.matmul.parallelMinMacs = parallelMinMacsFlag;
  options.minColumnShardMacs = minColumnShardMacsFlag;
  options.failAfterPass = failAfterFlag;
  if (llvm::Error error = verifyPipelineOptions(spec, options))
    return std::move(error);
  return options;
}

void PipelineFlags::selectTiling(PipelineOptions &options,
                                 const llvm::TargetMachine &tm) const {
  options.matmul = selectMatmulTiling(tm);
  options.matmul.parallel = parallelFlag;
  options.matmul.parallelMinMacs = parallelMinMacsFlag;
}

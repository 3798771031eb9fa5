//===- PipelineFlags.h - Compilation flags shared by the tools --*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// rnnc and rnn-run compile a spec through the same pipeline, and a parity
// check with rnn-run is only worth something if it runs the code rnnc
// ships. So the flags that choose that code (-O, --target-cpu, --unroll,
// the BPTT strategy, --parallel and its thresholds, --lookahead-rows) are
// defined once, here, with one default and one help text each, and turned
// into the pipeline's option structs by one function.
//
//===----------------------------------------------------------------------===//

#ifndef RNNC_TOOLS_PIPELINEFLAGS_H
#define RNNC_TOOLS_PIPELINEFLAGS_H

#include "rnnc/AST.h"
#include "rnnc/Codegen.h"
#include "rnnc/Pipeline.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <string>

namespace llvm {
class TargetMachine;
} // namespace llvm

namespace rnnc {

/// The flags that decide the generated code, registered in the given
/// subcommands (an empty group: the top level, as in rnnc).
class PipelineFlags {
public:
  /// Registers the flags under `category` in `commands`.
  PipelineFlags(llvm::cl::OptionCategory &category,
                llvm::cl::SubCommandGroup &commands);

  /// The code generator's options; an error names a bad -O or an empty
  /// --target-cpu.
  llvm::Expected<CodegenOptions> codegenOptions() const;

  /// The pipeline's options for `spec`, checked by verifyPipelineOptions:
  /// an error is a one-line command-line mistake. Without `runsBackward`
  /// (rnn-run forward) the BPTT flags are an error: they would choose
  /// nothing.
  llvm::Expected<PipelineOptions>
  pipelineOptions(const ModelSpec &spec, bool runsBackward = true) const;

  /// Completes `options` for `tm`: the GEMM tiling of its registers, with
  /// --parallel and its threshold.
  void selectTiling(PipelineOptions &options,
                    const llvm::TargetMachine &tm) const;

  bool parallel() const { return parallelFlag; }
  unsigned optLevel() const { return optLevelFlag; }

private:
  llvm::cl::opt<unsigned> optLevelFlag;
  llvm::cl::opt<std::string> targetCpuFlag;
  llvm::cl::opt<std::string> unrollFlag;
  llvm::cl::opt<int64_t> truncateBpttFlag;
  llvm::cl::opt<int64_t> checkpointBpttFlag;
  llvm::cl::opt<bool> parallelFlag;
  llvm::cl::opt<int64_t> parallelMinMacsFlag;
  llvm::cl::opt<int64_t> minColumnShardMacsFlag;
  llvm::cl::opt<int64_t> lookaheadRowsFlag;
  llvm::cl::opt<std::string> failAfterFlag;
};

} // namespace rnnc

#endif // RNNC_TOOLS_PIPELINEFLAGS_H

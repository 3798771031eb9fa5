//===- rnn-opt.cpp - mlir-opt for the rnn dialect -------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements rnn-opt: MlirOptMain with the rnn dialect, its passes,
// the upstream passes the pipeline uses, and rnnc's pipeline registered as
// `rnn-lower-to-loops` and `rnn-lower-to-llvm`, so every `rnnc --emit=`
// stage can be reproduced from a .mlir file.
//
//===----------------------------------------------------------------------===//

#include "rnn/Passes.h"
#include "rnnc/Pipeline.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace {
/// Options of the named rnnc pipelines.
struct RnnPipelineOptions : public PassPipelineOptions<RnnPipelineOptions> {
  Option<std::string> unroll{
      *this, "unroll",
      llvm::cl::desc("Time-loop unrolling: auto, none, full or a factor N"),
      llvm::cl::init("auto")};
  Option<bool> parallel{
      *this, "parallel",
      llvm::cl::desc("Run large matrix products on OpenMP threads (rnnc "
                     "--parallel)"),
      llvm::cl::init(false)};
};
} // namespace

static void registerRnncPipelines() {
  auto build = [](rnnc::Stage stage) {
    return [stage](OpPassManager &pm, const RnnPipelineOptions &options) {
      rnnc::PipelineOptions pipelineOptions;
      pipelineOptions.unroll = options.unroll;
      pipelineOptions.matmul.parallel = options.parallel;
      rnnc::buildLoweringPipeline(pm, stage, pipelineOptions);
    };
  };
  PassPipelineRegistration<RnnPipelineOptions>(
      "rnn-lower-to-loops",
      "rnnc's pipeline from model-level rnn ops to scf loops (--emit=loops)",
      build(rnnc::Stage::Loops));
  PassPipelineRegistration<RnnPipelineOptions>(
      "rnn-lower-to-llvm",
      "rnnc's whole pipeline from model-level rnn ops to the LLVM dialect",
      build(rnnc::Stage::LLVMDialect));
}

int main(int argc, char **argv) {
  rnn::registerRnnPasses();
  registerTransformsPasses();
  registerLowerAffinePass();
  registerReconcileUnrealizedCastsPass();
  memref::registerExpandStridedMetadataPass();
  registerConvertLinalgToLoopsPass();
  registerConvertSCFToOpenMPPass();
  registerRnncPipelines();

  DialectRegistry registry;
  rnnc::registerPipelineDialects(registry);
  return asMainReturnCode(
      MlirOptMain(argc, argv, "rnn dialect optimizer driver\n", registry));
}

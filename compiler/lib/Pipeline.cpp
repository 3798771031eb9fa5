//===- Pipeline.cpp - The rnnc lowering pipeline --------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file builds the pass pipeline shared by rnnc, rnn-run and rnn-opt
// (where it is registered as `rnn-lower-to-loops` and `rnn-lower-to-llvm`).
//
//===----------------------------------------------------------------------===//

#include "rnnc/Pipeline.h"

#include "rnn/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void rnnc::registerPipelineDialects(DialectRegistry &registry) {
  registry.insert<rnn::RnnDialect, func::FuncDialect, arith::ArithDialect,
                  math::MathDialect, memref::MemRefDialect, scf::SCFDialect,
                  linalg::LinalgDialect, affine::AffineDialect,
                  vector::VectorDialect, LLVM::LLVMDialect, ub::UBDialect,
                  cf::ControlFlowDialect, omp::OpenMPDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
}

void rnnc::registerPipelineDialects(MLIRContext &context) {
  DialectRegistry registry;
  registerPipelineDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
}

LogicalResult rnnc::verifyPipelineOptions(const ModelSpec &spec,
                                          const PipelineOptions &options,
                                          MLIRContext &context) {
  auto at = [&](LocationAttr loc) {
    return loc ? Location(loc) : Location(UnknownLoc::get(&context));
  };
  const BpttStrategy &bptt = options.bptt;
  for (auto [value, what] : {std::pair{bptt.truncate, "truncated-BPTT window"},
                             std::pair{bptt.checkpoint, "BPTT checkpoint "
                                                        "interval"}})
    if (value < 0)
      return emitError(at(spec.loc))
             << "the " << what
             << " must be positive (or 0 for the default), got " << value;
  if (options.lookaheadRows < PipelineOptions::kAutoLookaheadRows)
    return emitError(at(spec.loc))
           << "the look-ahead rows must be -1 (as many as the registers "
              "hold), 0 (none) or positive, got "
           << options.lookaheadRows;
  if (bptt.truncate > 0 && bptt.checkpoint > 0)
    return emitError(at(spec.loc))
           << "truncated BPTT already recomputes each window from its first "
              "state; it cannot be combined with checkpointing";
  if (bptt.segmentLength() > 0 && spec.loss && spec.rnn.bidirectional)
    return emitError(at(spec.rnn.loc))
           << (bptt.truncate > 0 ? "truncated BPTT (window "
                                 : "BPTT checkpointing (interval ")
           << bptt.segmentLength()
           << ") needs a unidirectional RNN; the reverse direction runs "
              "against the windows";
  return success();
}

int64_t rnnc::lookaheadRowsFor(const mlir::rnn::MatmulTiling &tiling) {
  if (tiling.vectorWidth <= 0)
    return 0;
  int64_t budget = tiling.tileRows * tiling.tileVectors / 2;
  return budget > 0 ? int64_t(llvm::bit_floor(uint64_t(budget))) : 0;
}

void rnnc::buildLoweringPipeline(OpPassManager &pm, Stage stage,
                                 const PipelineOptions &options) {
  if (stage == Stage::RnnModel)
    return;
  rnn::RnnGenerateBpttOptions bpttOptions;
  bpttOptions.truncate = options.bptt.truncate;
  pm.addPass(rnn::createRnnGenerateBptt(bpttOptions));
  pm.addPass(rnn::createRnnExpandStacked());
  rnn::ConvertRnnToLoopsOptions loopOptions;
  loopOptions.unroll = options.unroll;
  loopOptions.parallel = options.matmul.parallel;
  loopOptions.minShardMacs = options.matmul.parallelMinMacs;
  loopOptions.minColumnShardMacs = options.minColumnShardMacs;
  loopOptions.lookaheadRows =
      options.lookaheadRows == PipelineOptions::kAutoLookaheadRows
          ? lookaheadRowsFor(options.matmul)
          : options.lookaheadRows;
  loopOptions.lookaheadVectorWidth = options.matmul.vectorWidth;
  pm.addPass(rnn::createConvertRnnToLoops(loopOptions));
  rnn::ConvertRnnToScfOptions kernelOptions;
  kernelOptions.vectorWidth = options.matmul.vectorWidth;
  kernelOptions.tileRows = options.matmul.tileRows;
  kernelOptions.tileVectors = options.matmul.tileVectors;
  kernelOptions.outlineKernels = options.matmul.outlineKernels;
  kernelOptions.parallel = options.matmul.parallel;
  kernelOptions.parallelMinMacs = options.matmul.parallelMinMacs;
  kernelOptions.packRhs = options.matmul.packRhs;
  pm.addPass(rnn::createConvertRnnToScf(kernelOptions));
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (stage == Stage::Loops)
    return;
  // The parallel products' scf.parallel loops become OpenMP work-sharing
  // loops, which the LLVM IR translation outlines into __kmpc_fork_call.
  if (options.matmul.parallel)
    pm.addPass(createConvertSCFToOpenMPPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(rnn::createConvertRnnToLLVM());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

LogicalResult rnnc::lowerModule(ModuleOp module, PassManager &pm, Stage stage,
                                const PipelineOptions &options) {
  buildLoweringPipeline(pm, stage, options);
  return pm.run(module);
}

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
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSet.h"

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

char rnnc::InternalCompilerError::ID = 0;

llvm::Error rnnc::verifyPipelineOptions(const ModelSpec &spec,
                                        const PipelineOptions &options) {
  auto fail = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  StringRef unroll = options.unroll;
  uint64_t factor = 0;
  if (unroll != "auto" && unroll != "none" && unroll != "full" &&
      (unroll.getAsInteger(10, factor) || factor == 0 ||
       factor > uint64_t(kMaxUnrollFactor)))
    return fail("invalid --unroll value '" + unroll +
                "': expected auto, none, full or an integer in [1, " +
                llvm::Twine(kMaxUnrollFactor) + "]");
  const BpttStrategy &bptt = options.bptt;
  for (auto [value, flag] : {std::pair{bptt.truncate, "--truncate-bptt"},
                             std::pair{bptt.checkpoint, "--checkpoint-bptt"}}) {
    if (value < 0 || value > kMaxBpttWindow)
      return fail(llvm::Twine(flag) + " must be in [1, " +
                  llvm::Twine(kMaxBpttWindow) +
                  "] (or 0 for the default), got " + llvm::Twine(value));
    if (value > 0 && !spec.loss)
      return fail(llvm::Twine(flag) + "=" + llvm::Twine(value) +
                  " has no effect: the model has no loss, so there is no "
                  "backward pass");
  }
  if (options.lookaheadRows < PipelineOptions::kAutoLookaheadRows ||
      options.lookaheadRows > kMaxLookaheadRows)
    return fail("--lookahead-rows must be -1 (as many as the registers "
                "hold), 0 (none) or at most " +
                llvm::Twine(kMaxLookaheadRows) + ", got " +
                llvm::Twine(options.lookaheadRows));
  for (auto [value, flag] :
       {std::pair{options.matmul.parallelMinMacs, "--parallel-min-macs"},
        std::pair{options.minColumnShardMacs, "--min-column-shard-macs"}})
    if (value < 0)
      return fail(llvm::Twine(flag) + " must be non-negative, got " +
                  llvm::Twine(value));
  if (bptt.truncate > 0 && bptt.checkpoint > 0)
    return fail("--truncate-bptt and --checkpoint-bptt cannot be combined: "
                "truncated BPTT already recomputes each window from its "
                "first state");
  if (bptt.segmentLength() > 0 && spec.rnn.bidirectional)
    return fail(llvm::Twine(bptt.truncate > 0 ? "--truncate-bptt"
                                              : "--checkpoint-bptt") +
                " needs a unidirectional RNN: the reverse direction runs "
                "against the windows (the spec's RNN is bidirectional)");
  return llvm::Error::success();
}

int64_t rnnc::lookaheadRowsFor(const mlir::rnn::MatmulTiling &tiling) {
  if (tiling.vectorWidth <= 0)
    return 0;
  int64_t budget = tiling.tileRows * tiling.tileVectors / 2;
  return budget > 0 ? int64_t(llvm::bit_floor(uint64_t(budget))) : 0;
}

namespace {
/// A pass that fails: what --debug-fail-after adds after the pass it names,
/// so that the tests can follow a real pass failure through the tools'
/// internal-error path (the way `#pragma clang __debug crash` tests Clang's
/// crash reports).
struct InjectedFailurePass
    : public PassWrapper<InjectedFailurePass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(InjectedFailurePass)
  explicit InjectedFailurePass(std::string after) : after(std::move(after)) {}
  StringRef getArgument() const final { return "rnn-injected-failure"; }
  StringRef getDescription() const final {
    return "Fails, for testing the tools' internal-error reports";
  }
  void runOnOperation() override {
    getOperation()->emitError("failure injected after pass '")
        << after << "' (--debug-fail-after)";
    signalPassFailure();
  }
  std::string after;
};

/// Adds passes to a pass manager, and the injected failure after the pass
/// whose argument is `failAfter`.
class InjectingPassManager {
public:
  InjectingPassManager(OpPassManager &pm, StringRef failAfter)
      : pm(pm), failAfter(failAfter) {}
  void addPass(std::unique_ptr<Pass> pass) {
    bool inject = !failAfter.empty() && pass->getArgument() == failAfter;
    pm.addPass(std::move(pass));
    if (inject && !injected) {
      pm.addPass(std::make_unique<InjectedFailurePass>(failAfter.str()));
      injected = true;
    }
  }
  /// A name that is not in the pipeline fails at the end, saying so.
  void checkInjection() {
    if (!failAfter.empty() && !injected) {
      pm.addPass(std::make_unique<InjectedFailurePass>(
          (failAfter + " (not in this pipeline)").str()));
      injected = true;
    }
  }

private:
  OpPassManager &pm;
  StringRef failAfter;
  bool injected = false;
};
} // namespace

void rnnc::buildLoweringPipeline(OpPassManager &rootPm, Stage stage,
                                 const PipelineOptions &options) {
  if (stage == Stage::RnnModel)
    return;
  InjectingPassManager pm(rootPm, options.failAfterPass);
  rnn::RnnGenerateBpttOptions bpttOptions;
  bpttOptions.truncate = options.bptt.truncate;
  pm.addPass(rnn::createRnnGenerateBptt(bpttOptions));
  pm.addPass(rnn::createRnnExpandStacked());
  pm.addPass(rnn::createRnnOutlineLayers());
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
    return pm.checkInjection();
  // The parallel products' scf.parallel loops become OpenMP work-sharing
  // loops, which the LLVM IR translation outlines into __kmpc_fork_call.
  if (options.matmul.parallel)
    pm.addPass(createConvertSCFToOpenMPPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(rnn::createConvertRnnToLLVM());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  pm.checkInjection();
}

LogicalResult rnnc::lowerModule(ModuleOp module, PassManager &pm, Stage stage,
                                const PipelineOptions &options) {
  buildLoweringPipeline(pm, stage, options);
  return pm.run(module);
}

namespace {
/// Records the first pass that failed.
struct FailedPassRecorder : public PassInstrumentation {
  explicit FailedPassRecorder(std::string &name) : name(name) {}
  void runAfterPassFailed(Pass *pass, Operation *) override {
    if (name.empty())
      name = pass->getArgument().empty() ? pass->getName().str()
                                         : pass->getArgument().str();
  }
  std::string &name;
};
} // namespace

/// `file:line:col` of `loc` (or of the first file location inside it).
static std::string describeLocation(Location loc) {
  std::string text;
  loc->walk([&](Location inner) {
    if (auto file = dyn_cast<FileLineColLoc>(inner)) {
      text = (file.getFilename().getValue() + ":" + Twine(file.getLine()) +
              ":" + Twine(file.getColumn()))
                 .str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return text;
}

llvm::Error rnnc::lowerModuleForTool(ModuleOp module, PassManager &pm,
                                     Stage stage,
                                     const PipelineOptions &options) {
  std::string failedPass, firstError;
  // A remark made once per time loop (--unroll=full beyond its limit, in
  // the forward, the recomputation and the backward) is printed once.
  llvm::StringSet<> printed;
  pm.addInstrumentation(std::make_unique<FailedPassRecorder>(failedPass));
  LogicalResult result = success();
  {
    // Every diagnostic of the passes is about rnnc's own IR: remarks and
    // warnings get one line, errors are collected for the report.
    ScopedDiagnosticHandler handler(
        module.getContext(), [&](Diagnostic &diagnostic) {
          std::string where = describeLocation(diagnostic.getLocation());
          if (diagnostic.getSeverity() == DiagnosticSeverity::Error) {
            if (firstError.empty())
              firstError = diagnostic.str() +
                           (where.empty() ? "" : " (at " + where + ")");
            return success();
          }
          if (diagnostic.getSeverity() == DiagnosticSeverity::Note)
            return success();
          std::string line =
              (where.empty() ? "" : where + ": ") +
              (diagnostic.getSeverity() == DiagnosticSeverity::Warning
                   ? "warning: "
                   : "remark: ") +
              diagnostic.str();
          if (printed.insert(line).second)
            llvm::errs() << line << "\n";
          return success();
        });
    result = lowerModule(module, pm, stage, options);
  }
  if (succeeded(result))
    return llvm::Error::success();
  return llvm::make_error<InternalCompilerError>(
      "pass '" + (failedPass.empty() ? std::string("?") : failedPass) +
      "' failed" + (firstError.empty() ? "" : ": " + firstError) +
      "\nnote: this is a bug in rnnc, not in the spec; please report it "
      "with the spec and the command line (--mlir-print-ir-after-failure "
      "shows the IR)");
}

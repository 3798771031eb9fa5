//===- Codegen.cpp - LLVM dialect to native code ----------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the back end shared by rnnc and rnn-run. An
// LLVM-dialect module is translated to LLVM IR, tagged with the target CPU
// and features, verified and optimized with LLVM's new pass manager default
// pipeline (with the TargetMachine's cost model, so the vectorizers see the
// real vector width). The result is either written as an object or assembly
// file through a TargetMachine, or compiled in-process by ORC's LLJIT with
// the same CPU, features and optimization level, so that rnn-run executes
// the code rnnc would write.
//
//===----------------------------------------------------------------------===//

#include "rnnc/Codegen.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Support/CodeGen.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

using namespace rnnc;

//===----------------------------------------------------------------------===//
// Target selection
//===----------------------------------------------------------------------===//

namespace {

/// Everything needed to build a TargetMachine, resolved from CodegenOptions.
struct TargetSelection {
  llvm::Triple triple;
  const llvm::Target *target = nullptr;
  std::string cpu;
  std::string features;
  llvm::CodeGenOptLevel optLevel = llvm::CodeGenOptLevel::Aggressive;
};

} // namespace

/// Maps -O0..-O3 to the code generator's level.
static llvm::Expected<llvm::CodeGenOptLevel>
getCodeGenOptLevel(unsigned level) {
  if (std::optional<llvm::CodeGenOptLevel> cgLevel =
          llvm::CodeGenOpt::getLevel(static_cast<int>(level)))
    return *cgLevel;
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "invalid optimization level %u (expected "
                                 "0, 1, 2 or 3)",
                                 level);
}

/// The host CPU's features as a SubtargetFeatures string ("+avx2,-avx512f").
static std::string getHostFeatureString() {
  llvm::SubtargetFeatures features;
  for (const auto &feature : llvm::sys::getHostCPUFeatures())
    features.AddFeature(feature.first(), feature.second);
  return features.getString();
}

/// Resolves the host triple, the target, and the CPU and feature strings of
/// `options`. An unknown CPU name is an error rather than LLVM's warning,
/// which would silently fall back to the generic CPU.
static llvm::Expected<TargetSelection>
selectTarget(const CodegenOptions &options) {
  initializeNativeTarget();

  TargetSelection sel;
  sel.triple = llvm::Triple(
      llvm::Triple::normalize(llvm::sys::getDefaultTargetTriple()));

  std::string error;
  sel.target = llvm::TargetRegistry::lookupTarget(sel.triple, error);
  if (!sel.target)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no LLVM target for host triple '%s': %s",
                                   sel.triple.str().c_str(), error.c_str());

  llvm::Expected<llvm::CodeGenOptLevel> level =
      getCodeGenOptLevel(options.optLevel);
  if (!level)
    return level.takeError();
  sel.optLevel = *level;

  const std::string &cpu = options.targetCPU;
  if (cpu.empty() || cpu == "portable") {
    // Objects may run on another machine than the one that built them:
    // x86-64-v2 (SSE4.2, POPCNT) is what every x86-64 CPU of the last decade
    // supports.
    sel.cpu =
        sel.triple.getArch() == llvm::Triple::x86_64 ? "x86-64-v2" : "generic";
    return sel;
  }
  if (cpu == "native") {
    sel.cpu = llvm::sys::getHostCPUName().str();
    sel.features = getHostFeatureString();
    return sel;
  }

  // Ask a generic subtarget whether `cpu` is known, so an invalid name does
  // not reach the TargetMachine (which only warns on stderr).
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      sel.target->createMCSubtargetInfo(sel.triple, "", ""));
  if (!sti)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "cannot create subtarget information for triple '%s'",
        sel.triple.str().c_str());
  if (!sti->isCPUStringValid(cpu))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "unknown target CPU '%s' for triple '%s' (use 'portable', 'native' "
        "or an LLVM CPU name such as 'x86-64-v3' or 'znver3')",
        cpu.c_str(), sel.triple.str().c_str());
  sel.cpu = cpu;
  return sel;
}

mlir::rnn::MatmulTiling
rnnc::selectMatmulTiling(const llvm::TargetMachine &tm) {
  const llvm::MCSubtargetInfo *sti = tm.getMCSubtargetInfo();
  // x86: AVX-512 has 32 registers of 16 floats: 4 rows x 4 vectors of
  // accumulators, 4 rhs vectors and a broadcast; AVX and SSE have 16
  // registers of 8 or 4 floats: 4 x 3 accumulators.
  if (tm.getTargetTriple().isX86()) {
    if (sti->checkFeatures("+avx512f"))
      return {/*vectorWidth=*/16, /*tileRows=*/4, /*tileVectors=*/4};
    if (sti->checkFeatures("+avx"))
      return {/*vectorWidth=*/8, /*tileRows=*/4, /*tileVectors=*/3};
    return {/*vectorWidth=*/4, /*tileRows=*/4, /*tileVectors=*/3};
  }
  // Elsewhere (AArch64 NEON has 32 registers of 4 floats).
  return {/*vectorWidth=*/4, /*tileRows=*/4, /*tileVectors=*/4};
}

void rnnc::registerLLVMTranslations(mlir::DialectRegistry &registry) {
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
}

void rnnc::initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
  });
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
rnnc::createTargetMachine(const CodegenOptions &options) {
  llvm::Expected<TargetSelection> sel = selectTarget(options);
  if (!sel)
    return sel.takeError();

  llvm::TargetOptions targetOptions;
  // PIC: objects may be linked into shared libraries and PIE executables.
  std::unique_ptr<llvm::TargetMachine> tm(sel->target->createTargetMachine(
      sel->triple, sel->cpu, sel->features, targetOptions, llvm::Reloc::PIC_,
      /*CM=*/std::nullopt, sel->optLevel));
  if (!tm)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot create a target machine for '%s' "
                                   "(cpu '%s')",
                                   sel->triple.str().c_str(), sel->cpu.c_str());
  return tm;
}

//===----------------------------------------------------------------------===//
// Translation and optimization
//===----------------------------------------------------------------------===//

/// Maps -O0..-O3 to the new pass manager's level.
static llvm::OptimizationLevel getOptimizationLevel(unsigned level) {
  switch (level) {
  case 0:
    return llvm::OptimizationLevel::O0;
  case 1:
    return llvm::OptimizationLevel::O1;
  case 2:
    return llvm::OptimizationLevel::O2;
  default:
    return llvm::OptimizationLevel::O3;
  }
}

/// Runs LLVM's default per-module pipeline at `optLevel` with `tm`'s target
/// analyses.
static void runOptimizationPipeline(llvm::Module &module,
                                    llvm::TargetMachine &tm,
                                    unsigned optLevel) {
  // As clang does, the vectorizers from -O2 on. LLVM's loop unroller stays
  // off at every level: rnnc's kernels come register-tiled and unrolled
  // from convert-rnn-to-scf, and the time loops are unrolled by
  // convert-rnn-to-loops (--unroll). On that code LLVM's unroller only
  // adds copies: runtime unrolling with a remainder loop for each loop it
  // unrolls, and full unrolling of short constant loops. On the benchmark
  // models it doubled the code (basic: 99 KB of text, 47 KB without), took
  // half of the compile time (basic: 1.5-1.7 s, 0.7-0.8 s without) and
  // made the small models slower (sine training: 198 us, 149-156 us
  // without); the large ones were unchanged. See docs/Rationale.md,
  // "Unrolling".
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = optLevel >= 2;
  tuning.SLPVectorization = optLevel >= 2;
  tuning.LoopInterleaving = optLevel >= 2;
  tuning.LoopUnrolling = false;

  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;

  // The standard instrumentations give the optimizer LLVM's usual
  // debugging options: -time-passes, -print-after=<pass>, -print-changed.
  llvm::PassInstrumentationCallbacks instrumentation;
  llvm::StandardInstrumentations standardInstrumentations(
      module.getContext(), /*DebugLogging=*/false);
  standardInstrumentations.registerCallbacks(instrumentation, &mam);

  // Passing `tm` makes the function analyses use tm.getTargetIRAnalysis(),
  // i.e. the real target's TargetTransformInfo.
  llvm::PassBuilder pb(&tm, tuning, /*PGOOpt=*/std::nullopt, &instrumentation);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);

  llvm::OptimizationLevel level = getOptimizationLevel(optLevel);
  llvm::ModulePassManager mpm = level == llvm::OptimizationLevel::O0
                                    ? pb.buildO0DefaultPipeline(level)
                                    : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(module, mam);
}

llvm::Expected<std::unique_ptr<llvm::Module>>
rnnc::translateAndOptimize(mlir::ModuleOp module,
                           llvm::LLVMContext &llvmContext,
                           llvm::TargetMachine &tm, unsigned optLevel) {
  if (optLevel > 3)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "invalid optimization level %u (expected "
                                   "0, 1, 2 or 3)",
                                   optLevel);

  mlir::MLIRContext *context = module.getContext();
  mlir::registerBuiltinDialectTranslation(*context);
  mlir::registerLLVMDialectTranslation(*context);

  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "failed to translate the LLVM dialect module to LLVM IR (see the "
        "diagnostics above)");

  llvmModule->setTargetTriple(tm.getTargetTriple());
  llvmModule->setDataLayout(tm.createDataLayout());

  // The optimizer and the code generator read the subtarget from these
  // attributes; without them a function is compiled for the generic CPU.
  llvm::StringRef cpu = tm.getTargetCPU();
  llvm::StringRef features = tm.getTargetFeatureString();
  for (llvm::Function &fn : *llvmModule) {
    if (fn.isDeclaration())
      continue;
    fn.addFnAttr("target-cpu", cpu);
    if (!features.empty())
      fn.addFnAttr("target-features", features);
  }

  std::string message;
  llvm::raw_string_ostream messageStream(message);
  if (llvm::verifyModule(*llvmModule, &messageStream))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "invalid LLVM IR after translation:\n%s",
                                   message.c_str());

  runOptimizationPipeline(*llvmModule, tm, optLevel);

  // LLVM is built without assertions: check the optimizer's output too.
  if (llvm::verifyModule(*llvmModule, &messageStream))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "invalid LLVM IR after optimization:\n%s",
                                   message.c_str());
  return llvmModule;
}

//===----------------------------------------------------------------------===//
// Native code emission
//===----------------------------------------------------------------------===//

llvm::Error rnnc::emitNativeCode(llvm::Module &module, llvm::TargetMachine &tm,
                                 bool assembly, llvm::raw_pwrite_stream &os) {
  if (module.getTargetTriple().empty())
    module.setTargetTriple(tm.getTargetTriple());
  if (module.getDataLayout().isDefault())
    module.setDataLayout(tm.createDataLayout());

  llvm::legacy::PassManager pm;
  llvm::CodeGenFileType fileType = assembly
                                       ? llvm::CodeGenFileType::AssemblyFile
                                       : llvm::CodeGenFileType::ObjectFile;
  if (tm.addPassesToEmitFile(pm, os, /*DwoOut=*/nullptr, fileType))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the target machine cannot emit %s files",
                                   assembly ? "assembly" : "object");
  pm.run(module);
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// JitModule
//===----------------------------------------------------------------------===//

struct JitModule::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
};

JitModule::JitModule() : impl(std::make_unique<Impl>()) {}

JitModule::~JitModule() = default;

llvm::Expected<std::unique_ptr<JitModule>>
JitModule::create(std::unique_ptr<llvm::Module> module,
                  std::unique_ptr<llvm::LLVMContext> context,
                  const CodegenOptions &options) {
  llvm::Expected<TargetSelection> sel = selectTarget(options);
  if (!sel)
    return sel.takeError();

  llvm::orc::JITTargetMachineBuilder jtmb(sel->triple);
  jtmb.setCPU(sel->cpu)
      .setFeatures(sel->features)
      .setCodeGenOptLevel(sel->optLevel)
      .setRelocationModel(llvm::Reloc::PIC_);

  llvm::Expected<std::unique_ptr<llvm::orc::LLJIT>> jit =
      llvm::orc::LLJITBuilder()
          .setJITTargetMachineBuilder(std::move(jtmb))
          .create();
  if (!jit)
    return jit.takeError();

  // Calls to libm and libc (tanhf, expf, memcpy, memset) resolve against
  // the host process.
  char globalPrefix = (*jit)->getDataLayout().getGlobalPrefix();
  llvm::Expected<std::unique_ptr<llvm::orc::DynamicLibrarySearchGenerator>>
      processSymbols =
          llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
              globalPrefix);
  if (!processSymbols)
    return processSymbols.takeError();
  (*jit)->getMainJITDylib().addGenerator(std::move(*processSymbols));

  if (module->getDataLayout().isDefault())
    module->setDataLayout((*jit)->getDataLayout());
  if (module->getTargetTriple().empty())
    module->setTargetTriple((*jit)->getTargetTriple());

  if (llvm::Error err = (*jit)->addIRModule(
          llvm::orc::ThreadSafeModule(std::move(module), std::move(context))))
    return std::move(err);

  std::unique_ptr<JitModule> result(new JitModule());
  result->impl->jit = std::move(*jit);
  return result;
}

llvm::Expected<void *> JitModule::lookup(llvm::StringRef name) {
  llvm::Expected<llvm::orc::ExecutorAddr> addr = impl->jit->lookup(name);
  if (!addr)
    return addr.takeError();
  return addr->toPtr<void *>();
}

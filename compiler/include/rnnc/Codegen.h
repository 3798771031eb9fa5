//===- Codegen.h - LLVM dialect to native code ------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares the back end shared by rnnc and rnn-run: translation of
// an LLVM-dialect module to LLVM IR, LLVM's optimization pipeline, and either
// an object/assembly file through a TargetMachine or in-process JIT through
// ORC, so that rnn-run executes exactly the code rnnc would write.
//
//===----------------------------------------------------------------------===//

#ifndef RNNC_CODEGEN_H
#define RNNC_CODEGEN_H

#include "rnn/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace rnnc {

/// Target and optimization settings of the back end.
struct CodegenOptions {
  /// 0..3, as -O0..-O3.
  unsigned optLevel = 3;
  /// "" or "portable": x86-64-v2 (or the generic CPU on other arches);
  /// "native": the host CPU and its features; anything else: an LLVM CPU name.
  std::string targetCPU;
};

/// Registers the builtin and LLVM dialect translations to LLVM IR in
/// `registry`. translateAndOptimize registers them on the module's context
/// itself; the pipeline may call this too when it registers its dialects.
void registerLLVMTranslations(mlir::DialectRegistry &registry);

/// Initializes the native target, asm printer and parser once per process.
void initializeNativeTarget();

/// Creates a TargetMachine for the host triple and `options`.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const CodegenOptions &options);

/// The register tiling of rnn.matmul kernels for `tm`'s CPU: vectors as
/// wide as its float32 SIMD registers, and as many accumulators as its
/// register file holds next to the operands.
mlir::rnn::MatmulTiling selectMatmulTiling(const llvm::TargetMachine &tm);

/// Translates an LLVM-dialect module to LLVM IR, sets its triple and data
/// layout from `tm`, tags every function definition with `tm`'s CPU and
/// features, verifies it, and runs LLVM's default O<n> pipeline on it.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateAndOptimize(mlir::ModuleOp module, llvm::LLVMContext &llvmContext,
                     llvm::TargetMachine &tm, unsigned optLevel);

/// Writes `module` as an ELF object (`assembly` false) or assembly text.
llvm::Error emitNativeCode(llvm::Module &module, llvm::TargetMachine &tm,
                           bool assembly, llvm::raw_pwrite_stream &os);

/// An in-process JIT holding one compiled model.
class JitModule {
public:
  /// Compiles an already optimized module with the same TargetMachine
  /// settings as `options`.
  static llvm::Expected<std::unique_ptr<JitModule>>
  create(std::unique_ptr<llvm::Module> module,
         std::unique_ptr<llvm::LLVMContext> context,
         const CodegenOptions &options);
  ~JitModule();

  /// Address of the exported symbol `name`.
  llvm::Expected<void *> lookup(llvm::StringRef name);

private:
  JitModule();
  struct Impl;
  std::unique_ptr<Impl> impl;
};

} // namespace rnnc

#endif // RNNC_CODEGEN_H

//===- rnnc.cpp - The rnnc compiler driver --------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements rnnc: it parses a `.rnn` spec, builds the rnn dialect
// module, lowers it, and writes the requested stage (`--emit=`): MLIR at
// three levels, LLVM IR, assembly, an ELF object (the default) or the C
// header. With `--emit=obj` the header is written next to the object.
//
// `-verify-diagnostics` and `-split-input-file` work as in mlir-opt, so the
// spec diagnostics are tested with expected-error comments.
//
//===----------------------------------------------------------------------===//

#include "HelpOptions.h"
#include "PipelineFlags.h"
#include "ToolFiles.h"
#include "rnnc/Codegen.h"
#include "rnnc/HeaderEmitter.h"
#include "rnnc/ParamLayout.h"
#include "rnnc/Parser.h"
#include "rnnc/Pipeline.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "mlir/Support/ToolUtilities.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

namespace {
/// What rnnc writes.
enum class Emit { Mlir, Loops, LlvmDialect, Llvm, Asm, Obj, Header };
} // namespace

static cl::OptionCategory rnncCategory("rnnc options");
static cl::OptionCategory debuggingCategory("Debugging options");

static cl::opt<std::string> inputFilename(cl::Positional,
                                          cl::desc("<model.rnn | ->"),
                                          cl::cat(rnncCategory));

static cl::opt<std::string>
    outputFilename("o",
                   cl::desc("Output file (default: <input>.o for obj, "
                            "stdout otherwise)"),
                   cl::value_desc("path"), cl::cat(rnncCategory));

static cl::opt<Emit> emitAction(
    "emit", cl::desc("What to write"), cl::init(Emit::Obj),
    cl::values(clEnumValN(Emit::Mlir, "mlir", "model-level rnn dialect"),
               clEnumValN(Emit::Loops, "loops",
                          "loops over time and kernels (scf)"),
               clEnumValN(Emit::LlvmDialect, "mlir-llvm", "the LLVM dialect"),
               clEnumValN(Emit::Llvm, "llvm", "optimized LLVM IR"),
               clEnumValN(Emit::Asm, "asm", "native assembly"),
               clEnumValN(Emit::Obj, "obj", "ELF object file plus C header"),
               clEnumValN(Emit::Header, "header", "the C header only")),
    cl::cat(rnncCategory));

static cl::opt<std::string>
    headerFilename("header-output",
                   cl::desc("Where --emit=obj writes the C header (default: "
                            "the object's path with .h)"),
                   cl::value_desc("path"), cl::cat(rnncCategory));

// -O, --target-cpu, --unroll, the BPTT strategy, --parallel: the flags
// that choose the code, shared with rnn-run.
static cl::SubCommandGroup topLevel({});
static rnnc::PipelineFlags pipelineFlags(rnncCategory, topLevel);

// For rnnc's own tests: hidden from --help, listed by --help-hidden.
static cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check emitted diagnostics against expected-* comments"),
    cl::init(false), cl::Hidden, cl::cat(rnncCategory));

static cl::opt<std::string> splitInputFile(
    "split-input-file", cl::ValueOptional,
    cl::desc("Split the input at '# -----' (or the given marker) and "
             "process each chunk independently"),
    cl::init(""), cl::Hidden, cl::cat(rnncCategory));

/// The default output path: the input's name with `extension`, or stdout.
static std::string defaultOutput(StringRef extension) {
  if (inputFilename == "-")
    return "-";
  SmallString<128> path(llvm::sys::path::filename(inputFilename));
  llvm::sys::path::replace_extension(path, extension);
  return std::string(path);
}

/// The object's path: -o, or the input's name with .o.
static std::string objectPath() {
  return outputFilename.empty() ? defaultOutput(".o")
                                : std::string(outputFilename);
}

/// Where --emit=obj writes the header: --header-output, or the object's
/// path with .h.
static std::string headerPath() {
  if (!headerFilename.empty())
    return headerFilename;
  SmallString<128> path(objectPath());
  llvm::sys::path::replace_extension(path, ".h");
  return std::string(path);
}

/// Refuses outputs that would overwrite the spec, or each other.
static llvm::Error checkOutputPaths() {
  auto refuse = [](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  // Two outputs to one device (-o /dev/null --header-output /dev/null) are
  // fine: only files are replaced.
  auto clobbers = [](StringRef path, StringRef other) {
    if (path == "-" || other == "-")
      return false;
    llvm::sys::fs::file_status status;
    if (!llvm::sys::fs::status(path, status) &&
        status.type() != llvm::sys::fs::file_type::regular_file)
      return false;
    return rnnc::isSameFile(path, other);
  };
  bool writesObject = emitAction == Emit::Obj;
  std::string output = !outputFilename.empty() ? std::string(outputFilename)
                       : writesObject          ? objectPath()
                                               : std::string("-");
  if (clobbers(output, inputFilename))
    return refuse("the output '" + output + "' is the input spec '" +
                  inputFilename + "'; choose another -o");
  if (!writesObject || splitInputFile.getNumOccurrences())
    return llvm::Error::success();
  std::string header = headerPath();
  if (clobbers(header, inputFilename))
    return refuse("the header '" + header +
                  "' would overwrite the input "
                  "spec; choose another --header-output");
  if (clobbers(header, output))
    return refuse("--header-output '" + header +
                  "' is the object file; "
                  "choose another path");
  return llvm::Error::success();
}

/// Set when an internal compiler error was reported: rnnc then exits with
/// rnnc::kInternalErrorExitCode.
static bool sawInternalError = false;

/// Reports an llvm::Error as `rnnc: error: ...`, or an internal compiler
/// error as `rnnc: internal compiler error: ...`.
static LogicalResult reportError(llvm::Error error) {
  llvm::handleAllErrors(
      std::move(error),
      [](const rnnc::InternalCompilerError &internal) {
        sawInternalError = true;
        llvm::WithColor(llvm::errs(), llvm::HighlightColor::Error)
            << "rnnc: internal compiler error: ";
        llvm::errs() << internal.message() << "\n";
      },
      [](const llvm::ErrorInfoBase &other) {
        llvm::WithColor::error(llvm::errs(), "rnnc") << other.message() << "\n";
      });
  return failure();
}

/// Compiles one spec buffer held by `sourceMgr`.
/// `timing` receives one timer per phase, and the lowering passes' timers
/// under theirs (reported with --mlir-timing).
static LogicalResult compile(llvm::SourceMgr &sourceMgr, MLIRContext &context,
                             llvm::raw_ostream *chunkOutput,
                             TimingScope &timing) {
  TimingScope frontendTiming = timing.nest("Parse the spec, build the module");
  std::optional<rnnc::ModelSpec> spec =
      rnnc::parseModelSpec(sourceMgr, context);
  if (!spec)
    return failure();
  llvm::Expected<rnnc::PipelineOptions> pipelineOptionsOrError =
      pipelineFlags.pipelineOptions(*spec);
  if (!pipelineOptionsOrError)
    return reportError(pipelineOptionsOrError.takeError());
  rnnc::PipelineOptions &pipelineOptions = *pipelineOptionsOrError;
  OwningOpRef<ModuleOp> module =
      rnnc::buildModelModule(*spec, context, pipelineOptions.bptt);
  if (!module)
    return failure();
  frontendTiming.stop();

  // Every stage is produced in memory and then written as a whole, so a
  // failure never leaves a partial output (see ToolFiles.h).
  auto writeTo =
      [&](StringRef extension,
          llvm::function_ref<LogicalResult(llvm::raw_pwrite_stream &)> write)
      -> LogicalResult {
    SmallString<0> buffer;
    llvm::raw_svector_ostream os(buffer);
    if (failed(write(os)))
      return failure();
    if (chunkOutput) {
      // Split-input mode writes every chunk to one stream.
      *chunkOutput << buffer;
      return success();
    }
    // Only objects default to a file; text stages go to stdout.
    std::string path = !outputFilename.empty() ? std::string(outputFilename)
                       : extension == ".o"     ? defaultOutput(extension)
                                               : std::string("-");
    if (llvm::Error error = rnnc::writeOutputFile(path, buffer))
      return reportError(std::move(error));
    return success();
  };

  if (emitAction == Emit::Header) {
    rnnc::ParamLayout layout = rnnc::ParamLayout::compute(*spec);
    return writeTo(".h", [&](llvm::raw_pwrite_stream &os) {
      rnnc::emitModelHeader(*spec, layout, os, pipelineOptions.bptt,
                            pipelineFlags.parallel());
      return success();
    });
  }
  if (emitAction == Emit::Mlir)
    return writeTo(".mlir", [&](llvm::raw_pwrite_stream &os) {
      module->print(os);
      return success();
    });

  // The kernels are tiled for the target's registers, so the target
  // machine comes first.
  llvm::Expected<rnnc::CodegenOptions> codegenOptions =
      pipelineFlags.codegenOptions();
  if (!codegenOptions)
    return reportError(codegenOptions.takeError());
  auto tm = rnnc::createTargetMachine(*codegenOptions);
  if (!tm)
    return reportError(tm.takeError());
  pipelineFlags.selectTiling(pipelineOptions, **tm);

  rnnc::Stage stage =
      emitAction == Emit::Loops ? rnnc::Stage::Loops : rnnc::Stage::LLVMDialect;
  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  TimingScope loweringTiming = timing.nest("Lowering passes");
  pm.enableTiming(loweringTiming);
  if (llvm::Error error =
          rnnc::lowerModuleForTool(*module, pm, stage, pipelineOptions))
    return reportError(std::move(error));
  loweringTiming.stop();
  if (emitAction == Emit::Loops || emitAction == Emit::LlvmDialect)
    return writeTo(".mlir", [&](llvm::raw_pwrite_stream &os) {
      module->print(os);
      return success();
    });

  llvm::LLVMContext llvmContext;
  TimingScope optimizerTiming =
      timing.nest("Translation to LLVM IR, LLVM optimizer");
  auto llvmModule = rnnc::translateAndOptimize(*module, llvmContext, **tm,
                                               pipelineFlags.optLevel());
  if (!llvmModule)
    return reportError(llvmModule.takeError());
  optimizerTiming.stop();

  if (emitAction == Emit::Llvm)
    return writeTo(".ll", [&](llvm::raw_pwrite_stream &os) {
      (*llvmModule)->print(os, nullptr);
      return success();
    });
  bool assembly = emitAction == Emit::Asm;
  TimingScope codegenTiming = timing.nest("Code generation");
  if (failed(writeTo(assembly ? ".s" : ".o", [&](llvm::raw_pwrite_stream &os) {
        if (llvm::Error error =
                rnnc::emitNativeCode(**llvmModule, **tm, assembly, os))
          return reportError(std::move(error));
        return success();
      })))
    return failure();
  codegenTiming.stop();
  if (assembly || chunkOutput)
    return success();

  // An object comes with its header.
  std::string header;
  llvm::raw_string_ostream headerStream(header);
  rnnc::emitModelHeader(*spec, rnnc::ParamLayout::compute(*spec), headerStream,
                        pipelineOptions.bptt, pipelineFlags.parallel());
  if (llvm::Error error = rnnc::writeOutputFile(headerPath(), header))
    return reportError(std::move(error));
  return success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  // Registered first, so that --mlir-print-ir-after=<pass> and friends
  // know the rnn passes' names.
  rnn::registerRnnPasses();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerAsmPrinterCLOptions();
  registerDefaultTimingManagerCLOptions();
  // --help: rnnc's options and those a user debugging a model reaches for.
  rnnc::hideUnrelatedOptions(&rnncCategory,
                             {"mlir-print-ir-after-all",
                              "mlir-print-ir-before-all", "mlir-print-ir-after",
                              "mlir-print-ir-before", "mlir-timing",
                              "time-passes"},
                             debuggingCategory);
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "rnnc " RNNC_VERSION " (LLVM/MLIR " RNNC_LLVM_VERSION ")\n";
  });
  cl::ParseCommandLineOptions(
      argc, argv,
      "rnnc: ahead-of-time compiler for recurrent neural networks\n");
  // Flags are checked before the spec is read: their mistakes are the
  // command line's, whatever the spec.
  if (llvm::Expected<rnnc::CodegenOptions> flags =
          pipelineFlags.codegenOptions();
      !flags) {
    (void)reportError(flags.takeError());
    return 1;
  }
  // Standard input only when asked for: a forgotten file name must not
  // leave rnnc waiting on a terminal.
  if (inputFilename.empty()) {
    llvm::WithColor::error(llvm::errs(), "rnnc")
        << "no input file; give a .rnn spec, or '-' to read the spec from "
           "standard input (see --help)\n";
    return 1;
  }
  bool splitInput = splitInputFile.getNumOccurrences() > 0;
  if (llvm::Error error = checkOutputPaths()) {
    (void)reportError(std::move(error));
    return 1;
  }

  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> inputOrError =
      rnnc::readSpecFile(inputFilename);
  if (!inputOrError) {
    (void)reportError(inputOrError.takeError());
    return 1;
  }
  std::unique_ptr<llvm::MemoryBuffer> input = std::move(*inputOrError);

  // --mlir-timing reports each compilation phase, and each lowering pass,
  // when the process ends.
  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();

  DialectRegistry registry;
  rnnc::registerPipelineDialects(registry);
  rnnc::registerLLVMTranslations(registry);
  auto processBuffer = [&](std::unique_ptr<llvm::MemoryBuffer> buffer,
                           llvm::raw_ostream &os) -> LogicalResult {
    MLIRContext context(registry);
    context.loadAllAvailableDialects();
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
    llvm::raw_ostream *chunkOutput = splitInput ? &os : nullptr;
    if (verifyDiagnostics) {
      SourceMgrDiagnosticVerifierHandler handler(sourceMgr, &context);
      (void)compile(sourceMgr, context, chunkOutput, timing);
      return handler.verify();
    }
    SourceMgrDiagnosticHandler handler(sourceMgr, &context);
    return compile(sourceMgr, context, chunkOutput, timing);
  };

  LogicalResult result = failure();
  if (splitInput) {
    StringRef marker = splitInputFile.empty() ? StringRef("# -----")
                                              : StringRef(splitInputFile);
    result = splitAndProcessBuffer(std::move(input), processBuffer,
                                   llvm::outs(), marker, "// -----");
  } else {
    result = processBuffer(std::move(input), llvm::outs());
  }
  if (sawInternalError)
    return rnnc::kInternalErrorExitCode;
  return succeeded(result) ? 0 : 1;
}

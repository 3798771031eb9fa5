//===- rnnc-fuzz-spec.cpp - libFuzzer harness for the .rnn front end ------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file is the libFuzzer target `rnnc-fuzz-spec`. It covers everything
// rnnc does with an untrusted `.rnn` file before code generation: the lexer,
// the parser and its semantic checks (rnnc::parseModelSpec), the
// command-line checks (rnnc::verifyPipelineOptions), MLIRGen
// (rnnc::buildModelModule, with and without a BPTT strategy), the verifiers
// of the rnn dialect, the printer of the generated module and, for small
// models, the rnn passes down to loops or to the LLVM dialect.
//
// A spec the parser rejects is not a failure; these are (each traps, so
// libFuzzer reports it with the input):
//  - a rejected spec with no error diagnostic, or with more than one (the
//    parser stops at the first error), or an accepted one with an error;
//  - a diagnostic with an empty message, invalid UTF-8 or a control
//    character in its message, or a location that is not a line and column
//    of the input;
//  - default pipeline options rejected for an accepted spec;
//  - MLIRGen failing, or its module failing mlir::verify, on a spec the
//    parser accepted: rnnc would report an internal compiler error;
//  - a lowering pass failing on such a module (same).
// ASan and UBSan report memory errors and undefined behaviour on the way.
//
// A comment line `# fuzz: KEY=VALUE ...` anywhere in the input sets the
// pipeline options, so the fuzzer mutates them along with the spec (the
// dictionary fuzz/spec.dict has the keys). The lexer skips it like any
// comment. Keys: unroll=auto|none|full|N, truncate=N, checkpoint=N,
// lookahead=N, vw=0|4|8|16 (the register tiling of a scalar, SSE, AVX2 or
// AVX-512 target), parallel, minmacs=N (--parallel-min-macs),
// colshard=N (--min-column-shard-macs), lower=none|loops|llvm (default
// loops). Without the line the harness lowers to loops with rnnc's
// defaults and also builds the training module with truncated and
// checkpointed BPTT where the spec allows it.
//
// The MLIRContext is created once, with the dialects rnnc registers, and
// threading off (libFuzzer runs one input at a time). It is replaced every
// kInputsPerContext inputs, since every input uniques new locations and
// names in it and RSS would otherwise grow without bound.
//
//===----------------------------------------------------------------------===//

#include "rnnc/AST.h"
#include "rnnc/Parser.h"
#include "rnnc/Pipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

using namespace mlir;

/// Inputs run in one MLIRContext before it is replaced.
static constexpr unsigned kInputsPerContext = 20000;

/// The buffer name, so the default model name is `fuzz`.
static constexpr llvm::StringLiteral kBufferName = "fuzz.rnn";

/// Reports a broken invariant and stops, so that libFuzzer saves the input.
[[noreturn]] static void fuzzFailure(const llvm::Twine &what) {
  std::fprintf(stderr, "rnnc-fuzz-spec: %s\n", what.str().c_str());
  std::fflush(stderr);
  __builtin_trap();
}

namespace {

//===----------------------------------------------------------------------===//
// Harness options (the `# fuzz:` line)
//===----------------------------------------------------------------------===//

/// How far the harness lowers an accepted spec.
enum class Lower { None, Loops, LLVM };

/// What the `# fuzz:` line asked for.
struct HarnessOptions {
  /// Whether the input has a `# fuzz:` line.
  bool given = false;
  rnnc::PipelineOptions pipeline;
  Lower lower = Lower::Loops;
};

/// Reads an integer option value; garbage becomes a value the pipeline
/// options check must reject.
static int64_t parseInt(llvm::StringRef value) {
  int64_t result = 0;
  if (value.getAsInteger(10, result))
    return -12345;
  return result;
}

/// Parses the first `# fuzz:` line of `input`, if any.
static HarnessOptions parseHarnessOptions(llvm::StringRef input) {
  HarnessOptions options;
  options.pipeline.matmul = mlir::rnn::MatmulTiling{8, 4, 3};
  size_t pos = input.find("# fuzz:");
  if (pos == llvm::StringRef::npos)
    return options;
  options.given = true;
  llvm::StringRef line =
      input.substr(pos + 7).take_until([](char c) { return c == '\n'; });
  llvm::SmallVector<llvm::StringRef> words;
  line.split(words, ' ', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  rnnc::PipelineOptions &p = options.pipeline;
  for (llvm::StringRef word : words) {
    auto [key, value] = word.split('=');
    if (key == "unroll")
      p.unroll = value.str();
    else if (key == "truncate")
      p.bptt.truncate = parseInt(value);
    else if (key == "checkpoint")
      p.bptt.checkpoint = parseInt(value);
    else if (key == "lookahead")
      p.lookaheadRows = parseInt(value);
    else if (key == "minmacs")
      p.matmul.parallelMinMacs = parseInt(value);
    else if (key == "colshard")
      p.minColumnShardMacs = parseInt(value);
    else if (key == "parallel")
      p.matmul.parallel = true;
    else if (key == "vw") {
      // The tilings rnnc::selectMatmulTiling picks, and scalar code.
      int64_t width = parseInt(value);
      if (width == 16)
        p.matmul = {16, 4, 4};
      else if (width == 4)
        p.matmul = {4, 4, 3};
      else if (width == 0)
        p.matmul = {0, 4, 3};
      else
        p.matmul = {8, 4, 3};
    } else if (key == "lower") {
      options.lower = value == "none"   ? Lower::None
                      : value == "llvm" ? Lower::LLVM
                                        : Lower::Loops;
    }
  }
  return options;
}

//===----------------------------------------------------------------------===//
// Diagnostics
//===----------------------------------------------------------------------===//

/// Checks and counts the diagnostics emitted while it is installed, and
/// discards them.
class DiagnosticChecker {
public:
  DiagnosticChecker(MLIRContext &context, llvm::StringRef input)
      : handler(&context, [this](Diagnostic &diag) { return check(diag); }),
        lines(1 + input.count('\n')) {}

  /// Whether the messages and locations are checked: the front end's are,
  /// while a pass's error (then a failure anyway) may print IR.
  bool strict = true;
  /// Errors seen so far.
  unsigned errors = 0;
  /// The first error's message, for reports.
  std::string firstError;

private:
  LogicalResult check(Diagnostic &diag) {
    std::string message = diag.str();
    if (diag.getSeverity() == DiagnosticSeverity::Error) {
      if (errors++ == 0)
        firstError = message;
    }
    if (!strict)
      return success();
    checkOne(diag.getLocation(), message);
    for (Diagnostic &note : diag.getNotes())
      checkOne(note.getLocation(), note.str());
    return success();
  }

  void checkOne(Location loc, const std::string &message) {
    if (message.empty())
      fuzzFailure("a diagnostic has an empty message");
    const auto *begin = reinterpret_cast<const llvm::UTF8 *>(message.data());
    if (!llvm::isLegalUTF8String(&begin, begin + message.size()))
      fuzzFailure("diagnostic '" + message + "' is not valid UTF-8");
    if (llvm::any_of(message, [](char c) {
          return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
        }))
      fuzzFailure("diagnostic '" + message + "' has a control character");
    // A note may be attached without a location of its own (UnknownLoc).
    if (isa<UnknownLoc>(loc))
      return;
    auto file = dyn_cast<FileLineColLoc>(loc);
    if (!file)
      fuzzFailure("diagnostic '" + message + "' has no file location");
    if (file.getFilename() != kBufferName || file.getLine() < 1 ||
        file.getLine() > lines || file.getColumn() < 1)
      fuzzFailure("diagnostic '" + message + "' points outside the input");
  }

  ScopedDiagnosticHandler handler;
  unsigned lines;
};

//===----------------------------------------------------------------------===//
// The pipeline
//===----------------------------------------------------------------------===//

/// True if `spec` is small enough for the lowering to keep the harness fast
/// (sizes are at most kMaxSize = 2^31 - 1, so nothing here overflows).
static bool smallEnoughToLower(const rnnc::ModelSpec &spec,
                               const rnnc::PipelineOptions &options) {
  const rnnc::RnnSpec &rnn = spec.rnn;
  if (rnn.hiddenSize > 48 || rnn.inputSize > 48 || rnn.numLayers > 3)
    return false;
  if (spec.head && spec.head->outFeatures > 32)
    return false;
  if (spec.embedding && spec.embedding->numEmbeddings > 4096)
    return false;
  // Unrolled time loops grow with the sequence length.
  int64_t steps = spec.input.seqLen.value_or(1);
  llvm::StringRef unroll = options.unroll;
  int64_t limit = unroll == "none" ? 1 << 20 : unroll == "full" ? 16 : 64;
  return steps <= limit;
}

/// Builds the module of `spec` with `bptt`; a failure is a bug, since the
/// parser accepted the spec.
static OwningOpRef<ModuleOp> build(const rnnc::ModelSpec &spec,
                                   MLIRContext &context,
                                   const rnnc::BpttStrategy &bptt,
                                   DiagnosticChecker &diagnostics) {
  OwningOpRef<ModuleOp> module = rnnc::buildModelModule(spec, context, bptt);
  if (!module)
    fuzzFailure("MLIRGen failed on an accepted spec: " +
                diagnostics.firstError);
  if (failed(verify(*module)))
    fuzzFailure("the module of an accepted spec does not verify: " +
                diagnostics.firstError);
  // The printer runs the rnn ops' custom assembly formats.
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return module;
}

/// Runs one input.
static void runOne(MLIRContext &context, llvm::StringRef input) {
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(input, kBufferName), llvm::SMLoc());
  DiagnosticChecker diagnostics(context, input);

  std::optional<rnnc::ModelSpec> spec =
      rnnc::parseModelSpec(sourceMgr, context);
  if (!spec) {
    if (diagnostics.errors != 1)
      fuzzFailure("a rejected spec got " + llvm::Twine(diagnostics.errors) +
                  " errors, expected exactly one");
    return;
  }
  if (diagnostics.errors != 0)
    fuzzFailure("an accepted spec got an error: " + diagnostics.firstError);
  diagnostics.strict = false;

  if (llvm::Error error =
          rnnc::verifyPipelineOptions(*spec, rnnc::PipelineOptions()))
    fuzzFailure("the default options were rejected: " +
                llvm::toString(std::move(error)));
  OwningOpRef<ModuleOp> module = build(*spec, context, {}, diagnostics);

  HarnessOptions harness = parseHarnessOptions(input);
  rnnc::PipelineOptions &options = harness.pipeline;
  if (llvm::Error error = rnnc::verifyPipelineOptions(*spec, options)) {
    // Bad `# fuzz:` options are a command-line mistake, diagnosed.
    llvm::consumeError(std::move(error));
    return;
  }
  if (options.bptt.segmentLength() > 0)
    module = build(*spec, context, options.bptt, diagnostics);
  if (!harness.given && spec->loss && !spec->rnn.bidirectional) {
    // The training module of both segmented strategies (MLIRGen only).
    rnnc::BpttStrategy truncate, checkpoint;
    truncate.truncate = 2;
    checkpoint.checkpoint = 2;
    (void)build(*spec, context, truncate, diagnostics);
    (void)build(*spec, context, checkpoint, diagnostics);
  }

  if (harness.lower == Lower::None || !smallEnoughToLower(*spec, options))
    return;
  PassManager pm(&context);
  rnnc::Stage stage = harness.lower == Lower::LLVM ? rnnc::Stage::LLVMDialect
                                                   : rnnc::Stage::Loops;
  if (failed(rnnc::lowerModule(*module, pm, stage, options)))
    fuzzFailure("lowering an accepted spec failed: " + diagnostics.firstError);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static std::unique_ptr<DialectRegistry> registry = [] {
    auto r = std::make_unique<DialectRegistry>();
    rnnc::registerPipelineDialects(*r);
    return r;
  }();
  static std::unique_ptr<MLIRContext> context;
  static unsigned inputs = 0;
  if (inputs++ % kInputsPerContext == 0) {
    context.reset();
    context = std::make_unique<MLIRContext>(*registry,
                                            MLIRContext::Threading::DISABLED);
    context->loadAllAvailableDialects();
    // The passes' remarks would print the IR of their op in a note.
    context->printOpOnDiagnostic(false);
  }
  runOne(*context, llvm::StringRef(reinterpret_cast<const char *>(data), size));
  return 0;
}

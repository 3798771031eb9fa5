//===- rnn-run.cpp - Run a .rnn model on .npy data ------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements rnn-run, the runner for quick checks and parity
// tests. It compiles the spec through exactly rnnc's pipeline (MLIRGen, the
// rnn passes, LLVM's optimizer at the same -O level and target CPU), loads
// the result in process with ORC, and calls the same exported entry points
// a user links against:
//
//   rnn-run forward MODEL.rnn --params P.safetensors --input X.npy
//           [--lengths L.npy] [--h0 H0.npy] --output Y.npy [--h-n HN.npy]
//
//===----------------------------------------------------------------------===//

#include "rnnc/AST.h"
#include "rnnc/Codegen.h"
#include "rnnc/Parser.h"
#include "rnnc/Pipeline.h"

#include "rnnrt/rnnrt.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

using namespace mlir;
namespace cl = llvm::cl;

//===----------------------------------------------------------------------===//
// Command line
//===----------------------------------------------------------------------===//

static cl::SubCommand forwardCommand("forward",
                                     "Run the forward pass of a model");

static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model.rnn>"),
                                      cl::sub(forwardCommand));
static cl::opt<std::string> paramsPath("params", cl::Required,
                                       cl::desc("Parameters (.safetensors)"),
                                       cl::value_desc("path"),
                                       cl::sub(forwardCommand));
static cl::opt<std::string> inputPath("input", cl::Required,
                                      cl::desc("Input (.npy)"),
                                      cl::value_desc("path"),
                                      cl::sub(forwardCommand));
static cl::opt<std::string>
    lengthsPath("lengths",
                cl::desc("Per-sequence lengths, int64 or int32 (.npy)"),
                cl::value_desc("path"), cl::sub(forwardCommand));
static cl::opt<std::string> h0Path("h0", cl::desc("Initial state (.npy)"),
                                   cl::value_desc("path"),
                                   cl::sub(forwardCommand));
static cl::opt<std::string> outputPath("output", cl::Required,
                                       cl::desc("Where to write Y (.npy)"),
                                       cl::value_desc("path"),
                                       cl::sub(forwardCommand));
static cl::opt<std::string> hNPath("h-n", cl::desc("Where to write h_n (.npy)"),
                                   cl::value_desc("path"),
                                   cl::sub(forwardCommand));
static cl::opt<unsigned> optLevel("O", cl::Prefix, cl::init(3),
                                  cl::desc("Optimization level 0-3"),
                                  cl::sub(forwardCommand));
static cl::opt<std::string> targetCPU("target-cpu", cl::init("native"),
                                      cl::desc("CPU to compile for "
                                               "(default: native)"),
                                      cl::sub(forwardCommand));
static cl::opt<std::string> unroll("unroll", cl::init("auto"),
                                   cl::desc("Time-loop unrolling"),
                                   cl::sub(forwardCommand));

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

namespace {

/// An error for the user; rnn-run prints it and exits with 1.
template <typename... Args>
llvm::Error fail(fmt::format_string<Args...> format, Args &&...args) {
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      fmt::format(format, std::forward<Args>(args)...));
}

/// Deletes an rnnrt array.
struct ArrayDeleter {
  void operator()(rnnrt_array_t *array) const { rnnrt_array_destroy(array); }
};
using Array = std::unique_ptr<rnnrt_array_t, ArrayDeleter>;

/// The runtime's message for the last failed call.
std::string runtimeError() { return rnnrt_last_error_message(); }

llvm::Expected<Array> readNpy(const std::string &path, const char *what) {
  rnnrt_array_t *array = nullptr;
  if (rnnrt_npy_read(path.c_str(), &array) != RNNRT_OK)
    return fail("cannot read {} '{}': {}", what, path, runtimeError());
  return Array(array);
}

std::vector<int64_t> shapeOf(const rnnrt_array_t *array) {
  std::vector<int64_t> shape;
  for (int64_t i = 0; i < rnnrt_array_rank(array); ++i)
    shape.push_back(rnnrt_array_shape(array, i));
  return shape;
}

std::string shapeString(const std::vector<int64_t> &shape) {
  return fmt::format("({})", fmt::join(shape, ", "));
}

const char *dtypeName(rnnrt_dtype_t dtype) { return rnnrt_dtype_name(dtype); }

/// Integer contents of `array` (int64 or int32) widened to int64.
llvm::Expected<std::vector<int64_t>> integers(const rnnrt_array_t *array,
                                              const char *what) {
  int64_t n = rnnrt_array_numel(array);
  std::vector<int64_t> values(n);
  switch (rnnrt_array_dtype(array)) {
  case RNNRT_DTYPE_INT64:
    std::memcpy(values.data(), rnnrt_array_data(array), n * sizeof(int64_t));
    break;
  case RNNRT_DTYPE_INT32: {
    const auto *data = static_cast<const int32_t *>(rnnrt_array_data(array));
    for (int64_t i = 0; i < n; ++i)
      values[i] = data[i];
    break;
  }
  default:
    return fail("{} must be int64 or int32, got {}", what,
                dtypeName(rnnrt_array_dtype(array)));
  }
  return values;
}

/// The compiled model's exported entry points.
struct ModelEntryPoints {
  int64_t (*numParams)();
  int64_t (*paramSize)();
  const rnnc_param_info_t *(*paramInfo)();
  int64_t (*workspaceSize)(int64_t, int64_t);
  int32_t (*forward)(const float *, int64_t, int64_t, const void *,
                     const int64_t *, const float *, float *, float *, void *);
};

/// Compiles `spec` with rnnc's pipeline and JITs it.
llvm::Expected<std::unique_ptr<rnnc::JitModule>>
compileModel(const rnnc::ModelSpec &spec, MLIRContext &context,
             ModelEntryPoints &entry) {
  OwningOpRef<ModuleOp> module = rnnc::buildModelModule(spec, context);
  if (!module)
    return fail("internal error: could not build the model");
  rnnc::PipelineOptions pipelineOptions;
  pipelineOptions.unroll = unroll;
  PassManager pm(&context);
  if (failed(rnnc::lowerModule(*module, pm, rnnc::Stage::LLVMDialect,
                               pipelineOptions)))
    return fail("internal error: the lowering pipeline failed");

  rnnc::CodegenOptions codegenOptions;
  codegenOptions.optLevel = optLevel;
  codegenOptions.targetCPU = targetCPU;
  rnnc::initializeNativeTarget();
  auto tm = rnnc::createTargetMachine(codegenOptions);
  if (!tm)
    return tm.takeError();
  auto llvmContext = std::make_unique<llvm::LLVMContext>();
  auto llvmModule =
      rnnc::translateAndOptimize(*module, *llvmContext, **tm, optLevel);
  if (!llvmModule)
    return llvmModule.takeError();
  auto jit = rnnc::JitModule::create(std::move(*llvmModule),
                                     std::move(llvmContext), codegenOptions);
  if (!jit)
    return jit.takeError();

  llvm::Error error = llvm::Error::success();
  auto lookup = [&](auto &function, const char *suffix) {
    if (error)
      return;
    auto address = (*jit)->lookup(spec.name + suffix);
    if (!address) {
      error = address.takeError();
      return;
    }
    function =
        reinterpret_cast<std::remove_reference_t<decltype(function)>>(*address);
  };
  lookup(entry.numParams, "_num_params");
  lookup(entry.paramSize, "_param_size");
  lookup(entry.paramInfo, "_param_info");
  lookup(entry.workspaceSize, "_workspace_size");
  lookup(entry.forward, "_forward");
  if (error)
    return std::move(error);
  return std::move(*jit);
}

/// Frees memory from std::aligned_alloc.
struct FreeDeleter {
  void operator()(void *data) const { std::free(data); }
};

/// Memory aligned for the workspace (the ABI asks for 16 bytes; 64 keeps
/// regions on cache lines).
llvm::Expected<std::unique_ptr<void, FreeDeleter>>
allocateWorkspace(int64_t bytes) {
  size_t rounded = (static_cast<size_t>(bytes) + 63) / 64 * 64;
  void *data = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
  if (!data)
    return fail("cannot allocate a workspace of {} bytes", bytes);
  return std::unique_ptr<void, FreeDeleter>(data);
}

llvm::Error writeNpy(const std::string &path, const std::vector<int64_t> &shape,
                     const float *data, const char *what) {
  if (rnnrt_npy_write(path.c_str(), RNNRT_DTYPE_FLOAT32, shape.data(),
                      static_cast<int64_t>(shape.size()), data) != RNNRT_OK)
    return fail("cannot write {} '{}': {}", what, path, runtimeError());
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// forward
//===----------------------------------------------------------------------===//

llvm::Error runForward(const rnnc::ModelSpec &spec, MLIRContext &context) {
  const rnnc::RnnSpec &rnn = spec.rnn;
  bool tokens = spec.embedding.has_value();

  // Input: (B, T, I) / (T, B, I) float32, or (B, T) / (T, B) token ids.
  auto inputOrError = readNpy(inputPath, "input");
  if (!inputOrError)
    return inputOrError.takeError();
  Array input = std::move(*inputOrError);
  std::vector<int64_t> inputShape = shapeOf(input.get());
  size_t expectedRank = tokens ? 2 : 3;
  const char *layout =
      rnn.batchFirst
          ? (tokens ? "(batch, seq_len)" : "(batch, seq_len, input_size)")
          : (tokens ? "(seq_len, batch)" : "(seq_len, batch, input_size)");
  if (inputShape.size() != expectedRank)
    return fail("input must have shape {} (batch_first={}), got "
                "{}",
                layout, rnn.batchFirst, shapeString(inputShape));
  int64_t batch = inputShape[rnn.batchFirst ? 0 : 1];
  int64_t seqLen = inputShape[rnn.batchFirst ? 1 : 0];
  if (!tokens && inputShape[2] != rnn.inputSize)
    return fail("input feature size is {}, but the model's "
                "input_size is {}",
                inputShape[2], rnn.inputSize);
  if (spec.input.seqLen && seqLen != *spec.input.seqLen)
    return fail("input seq_len is {}, but the spec fixes "
                "seq_len={}",
                seqLen, *spec.input.seqLen);
  if (batch < 1 || seqLen < 1)
    return fail("input has an empty batch or sequence: shape {}",
                shapeString(inputShape));

  // Token ids are converted to the spec's integer type.
  std::vector<int64_t> ids64;
  std::vector<int32_t> ids32;
  const void *inputData = rnnrt_array_data(input.get());
  if (tokens) {
    auto idsOrError = integers(input.get(), "token ids");
    if (!idsOrError)
      return idsOrError.takeError();
    ids64 = std::move(*idsOrError);
    int64_t vocab = spec.embedding->numEmbeddings;
    for (size_t i = 0; i < ids64.size(); ++i)
      if (ids64[i] < 0 || ids64[i] >= vocab)
        return fail("token id {} at flat index {} is outside the "
                    "vocabulary [0, {}) (num_embeddings={})",
                    ids64[i], i, vocab, vocab);
    if (spec.input.dtype == rnnc::InputDType::Int32) {
      ids32.assign(ids64.begin(), ids64.end());
      inputData = ids32.data();
    } else {
      inputData = ids64.data();
    }
  } else if (rnnrt_array_dtype(input.get()) != RNNRT_DTYPE_FLOAT32) {
    return fail("input must be float32, got {}",
                dtypeName(rnnrt_array_dtype(input.get())));
  }

  std::vector<int64_t> lengths;
  if (!lengthsPath.empty()) {
    auto lengthsOrError = readNpy(lengthsPath, "lengths");
    if (!lengthsOrError)
      return lengthsOrError.takeError();
    Array lengthsArray = std::move(*lengthsOrError);
    std::vector<int64_t> shape = shapeOf(lengthsArray.get());
    if (shape.size() != 1 || shape[0] != batch)
      return fail("lengths must have shape ({}) to match the "
                  "input's batch size, got {}",
                  batch, shapeString(shape));
    auto valuesOrError = integers(lengthsArray.get(), "lengths");
    if (!valuesOrError)
      return valuesOrError.takeError();
    lengths = std::move(*valuesOrError);
    for (int64_t b = 0; b < batch; ++b)
      if (lengths[b] < 1 || lengths[b] > seqLen)
        return fail("length {} of sequence {} is outside [1, {}] "
                    "(seq_len)",
                    lengths[b], b, seqLen);
  }

  int64_t stateRows = rnn.numLayers * rnn.numDirections();
  std::vector<int64_t> stateShape = {stateRows, batch, rnn.hiddenSize};
  Array h0;
  if (!h0Path.empty()) {
    auto h0OrError = readNpy(h0Path, "h0");
    if (!h0OrError)
      return h0OrError.takeError();
    h0 = std::move(*h0OrError);
    std::vector<int64_t> shape = shapeOf(h0.get());
    if (shape != stateShape)
      return fail("h0 must have shape {} (num_layers * "
                  "num_directions, batch, hidden_size), got {}",
                  shapeString(stateShape), shapeString(shape));
    if (rnnrt_array_dtype(h0.get()) != RNNRT_DTYPE_FLOAT32)
      return fail("h0 must be float32, got {}",
                  dtypeName(rnnrt_array_dtype(h0.get())));
  }

  ModelEntryPoints entry;
  auto jit = compileModel(spec, context, entry);
  if (!jit)
    return jit.takeError();

  std::vector<float> params(entry.paramSize());
  if (rnnrt_params_load_safetensors(paramsPath.c_str(), entry.paramInfo(),
                                    entry.numParams(), params.data(),
                                    entry.paramSize()) != RNNRT_OK)
    return fail("cannot load parameters: {}", runtimeError());

  // Y: the head's output, or the RNN output.
  std::vector<int64_t> outputShape;
  int64_t width = rnn.hiddenSize * rnn.numDirections();
  auto sequenceShape = [&](int64_t features) {
    return rnn.batchFirst ? std::vector<int64_t>{batch, seqLen, features}
                          : std::vector<int64_t>{seqLen, batch, features};
  };
  if (!spec.head)
    outputShape = sequenceShape(width);
  else if (spec.head->on == rnnc::HeadKind::Last)
    outputShape = {batch, spec.head->outFeatures};
  else
    outputShape = sequenceShape(spec.head->outFeatures);
  int64_t outputSize = 1;
  for (int64_t d : outputShape)
    outputSize *= d;
  std::vector<float> output(outputSize);
  std::vector<float> hN(stateRows * batch * rnn.hiddenSize);
  auto workspace = allocateWorkspace(entry.workspaceSize(batch, seqLen));
  if (!workspace)
    return workspace.takeError();

  int32_t status = entry.forward(
      params.data(), batch, seqLen, inputData,
      lengths.empty() ? nullptr : lengths.data(),
      h0 ? static_cast<const float *>(rnnrt_array_data(h0.get())) : nullptr,
      output.data(), hN.data(), workspace->get());
  if (status != RNNRT_OK)
    return fail("{}_forward failed: {}", spec.name,
                rnnrt_status_string(static_cast<rnnrt_status_t>(status)));

  if (llvm::Error error =
          writeNpy(outputPath, outputShape, output.data(), "output"))
    return error;
  if (!hNPath.empty())
    return writeNpy(hNPath, stateShape, hN.data(), "h_n");
  return llvm::Error::success();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "rnn-run: run .rnn models compiled by rnnc\n");
  if (!forwardCommand) {
    llvm::WithColor::error(llvm::errs(), "rnn-run")
        << "expected a command: forward (see --help)\n";
    return 1;
  }

  DialectRegistry registry;
  rnnc::registerPipelineDialects(registry);
  rnnc::registerLLVMTranslations(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  std::string message;
  auto buffer = openInputFile(modelPath, &message);
  if (!buffer) {
    llvm::WithColor::error(llvm::errs(), "rnn-run") << message << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  std::optional<rnnc::ModelSpec> spec =
      rnnc::parseModelSpec(sourceMgr, context);
  if (!spec)
    return 1;

  if (llvm::Error error = runForward(*spec, context)) {
    llvm::WithColor::error(llvm::errs(), "rnn-run")
        << llvm::toString(std::move(error)) << "\n";
    return 1;
  }
  return 0;
}

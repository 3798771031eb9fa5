//===- HeaderEmitter.cpp - C header of a compiled model -------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the writer of `<name>.h`, the plain C99 header of a
// compiled model (docs/abi.md). It holds the shared `rnnc_param_info_t`
// definition (guarded, so the runtime header may define it too), one macro
// per model fact and per parameter offset, and the prototypes of the model's
// functions with comments that spell out each argument's shape using this
// model's numbers. Nothing time- or machine-dependent is written, so the
// header is reproducible.
//
//===----------------------------------------------------------------------===//

#include "rnnc/HeaderEmitter.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <string>

using namespace rnnc;

namespace {

/// Writes one model's header; holds the strings every section reuses.
class HeaderWriter {
public:
  HeaderWriter(const ModelSpec &spec, const ParamLayout &layout,
               llvm::raw_ostream &os, const BpttStrategy &bptt, bool parallel)
      : spec(spec), layout(layout), os(os), name(spec.name),
        upper(toMacroName(spec.name)), bptt(bptt), parallel(parallel) {}

  void write();

private:
  /// Uppercases `s` and replaces every character that cannot appear in a C
  /// identifier by `_` ("rnn.weight_ih_l0" -> "RNN_WEIGHT_IH_L0").
  static std::string toMacroName(llvm::StringRef s);

  /// Makes `s` safe inside a C block comment.
  static std::string commentSafe(llvm::StringRef s);

  /// The spec file this model came from (file name only), or "".
  std::string specFileName() const;

  /// "50" for a fixed sequence length, "seq_len" otherwise.
  std::string seqDim() const;

  /// A (batch, T, x) / (T, batch, x) shape following batch_first; `inner`
  /// empty gives the rank-2 form.
  std::string sequenceShape(llvm::StringRef inner) const;

  /// Element type of the input pointer.
  llvm::StringRef inputCType() const;
  llvm::StringRef inputDTypeName() const;

  /// Features per step of the model output.
  int64_t outputSize() const;

  /// Writes `text` as comment lines " * ...", wrapped at 80 columns.
  void writeWrapped(llvm::StringRef text);

  void writeBanner();
  void writeThreading();
  void writeParamInfoType();
  void writeModelMacros();
  void writeParamOffsets();
  void writePrototypes();
  /// The loss-and-gradient entry points, for specs with a loss.
  void writeTrainingPrototypes();

  const ModelSpec &spec;
  const ParamLayout &layout;
  llvm::raw_ostream &os;
  std::string name;
  std::string upper;
  BpttStrategy bptt;
  bool parallel;
};

} // namespace

std::string HeaderWriter::toMacroName(llvm::StringRef s) {
  std::string result;
  result.reserve(s.size());
  for (char c : s)
    result.push_back(llvm::isAlnum(c) ? llvm::toUpper(c) : '_');
  return result;
}

std::string HeaderWriter::commentSafe(llvm::StringRef s) {
  std::string result;
  for (size_t i = 0; i < s.size(); ++i) {
    result.push_back(s[i]);
    // Break "*/" and "/*" so the text cannot end or nest the comment.
    if ((s[i] == '*' || s[i] == '/') && i + 1 < s.size() &&
        (s[i + 1] == '/' || s[i + 1] == '*') && s[i] != s[i + 1])
      result.push_back(' ');
  }
  return result;
}

std::string HeaderWriter::specFileName() const {
  if (!spec.loc)
    return "";
  mlir::LocationAttr loc = spec.loc;
  if (auto fileLoc = loc.findInstanceOf<mlir::FileLineColLoc>())
    // Only the file name: an absolute path would make the header depend on
    // where the build tree lives.
    return llvm::sys::path::filename(fileLoc.getFilename().getValue()).str();
  return "";
}

std::string HeaderWriter::seqDim() const {
  if (spec.input.seqLen)
    return std::to_string(*spec.input.seqLen);
  return "seq_len";
}

std::string HeaderWriter::sequenceShape(llvm::StringRef inner) const {
  std::string t = seqDim();
  std::string shape =
      spec.rnn.batchFirst ? "(batch, " + t : "(" + t + ", batch";
  if (!inner.empty())
    shape += ", " + inner.str();
  return shape + ")";
}

llvm::StringRef HeaderWriter::inputCType() const {
  switch (spec.input.dtype) {
  case InputDType::Float32:
    return "float";
  case InputDType::Int64:
    return "int64_t";
  case InputDType::Int32:
    return "int32_t";
  }
  return "float";
}

llvm::StringRef HeaderWriter::inputDTypeName() const {
  switch (spec.input.dtype) {
  case InputDType::Float32:
    return "float32";
  case InputDType::Int64:
    return "int64";
  case InputDType::Int32:
    return "int32";
  }
  return "float32";
}

int64_t HeaderWriter::outputSize() const {
  if (spec.head)
    return spec.head->outFeatures;
  return spec.rnn.numDirections() * spec.rnn.hiddenSize;
}

void HeaderWriter::writeWrapped(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef> words;
  text.split(words, ' ', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  std::string line = " *";
  for (llvm::StringRef word : words) {
    if (line.size() > 2 && line.size() + 1 + word.size() > 79) {
      os << line << "\n";
      line = " *";
    }
    line += " " + word.str();
  }
  os << line << "\n";
}

//===----------------------------------------------------------------------===//
// Sections
//===----------------------------------------------------------------------===//

void HeaderWriter::writeBanner() {
  const RnnSpec &rnn = spec.rnn;
  auto pyBool = [](bool b) { return b ? "True" : "False"; };

  // "/*===- m.h - C interface of an rnnc model ----...----*- C -*-===*/",
  // padded to 80 columns when the name allows.
  std::string first =
      "/*===- " + commentSafe(name) + ".h - C interface of an rnnc model ";
  llvm::StringRef last = "-*- C -*-===*/";
  if (first.size() + last.size() < 80)
    first.append(80 - first.size() - last.size(), '-');
  os << first << last << "\n";

  std::string from = specFileName();
  os << "/*\n * Generated by rnnc from ";
  if (!from.empty())
    os << commentSafe(from) << " (model \"" << commentSafe(name) << "\").\n";
  else
    os << "the spec of model \"" << commentSafe(name) << "\".\n";
  os << " * Do not edit; recompile the spec instead. The calling convention "
        "is\n"
     << " * described in rnnc's docs/abi.md.\n"
     << " *\n"
     << " * Model:\n";
  if (spec.embedding)
    os << " *   Embedding(num_embeddings=" << spec.embedding->numEmbeddings
       << ", embedding_dim=" << spec.embedding->embeddingDim << ")\n";
  os << " *   RNN(input_size=" << rnn.inputSize
     << ", hidden_size=" << rnn.hiddenSize << ", num_layers=" << rnn.numLayers
     << ", nonlinearity=" << (rnn.tanh ? "tanh" : "relu") << ",\n"
     << " *       bias=" << pyBool(rnn.bias)
     << ", batch_first=" << pyBool(rnn.batchFirst)
     << ", bidirectional=" << pyBool(rnn.bidirectional) << ")\n";
  if (spec.head)
    os << " *   Linear(in_features=" << spec.head->inFeatures
       << ", out_features=" << spec.head->outFeatures
       << ", bias=" << pyBool(spec.head->bias)
       << ", on=" << (spec.head->on == HeadKind::All ? "all" : "last") << ")\n";
  os << " */\n\n";
}

void HeaderWriter::writeParamInfoType() {
  // Shared with rnnrt/rnnrt.h: whichever header comes first defines it.
  os << "#ifndef RNNC_PARAM_INFO_T_DEFINED\n"
     << "#define RNNC_PARAM_INFO_T_DEFINED\n"
     << "\n"
     << "/* Initializers of rnnc_param_info_t.init (PyTorch's defaults). */\n"
     << "#define RNNC_INIT_UNIFORM " << static_cast<int32_t>(ParamInit::Uniform)
     << "\n"
     << "#define RNNC_INIT_NORMAL " << static_cast<int32_t>(ParamInit::Normal)
     << "\n"
     << "\n"
     << "/* One tensor of the flat parameter buffer. */\n"
     << "typedef struct rnnc_param_info_t {\n"
     << "  const char *name; /* state_dict name, e.g. "
        "\"rnn.weight_ih_l0\" */\n"
     << "  int64_t rank;     /* 1 or 2 */\n"
     << "  int64_t shape[4]; /* unused trailing entries are 0 */\n"
     << "  int64_t offset;   /* offset in floats in the flat parameter "
        "buffer */\n"
     << "  int64_t numel;    /* product of shape */\n"
     << "  int32_t init;     /* RNNC_INIT_UNIFORM or RNNC_INIT_NORMAL */\n"
     << "  float init_scale; /* uniform: bound a of U(-a, a); normal: std of "
        "N(0, std) */\n"
     << "} rnnc_param_info_t;\n"
     << "\n"
     << "#endif /* RNNC_PARAM_INFO_T_DEFINED */\n\n";
}

void HeaderWriter::writeModelMacros() {
  const RnnSpec &rnn = spec.rnn;
  auto define = [&](llvm::StringRef suffix, int64_t value,
                    llvm::StringRef comment) {
    os << "/* " << comment << " */\n"
       << "#define " << upper << "_" << suffix << " " << value << "\n";
  };

  os << "/* Model facts. */\n\n";
  define("INPUT_SIZE", rnn.inputSize,
         spec.embedding ? "features per step fed to the RNN (embedding_dim)"
                        : "features per step of the input");
  define("HIDDEN_SIZE", rnn.hiddenSize, "H: features of the hidden state");
  define("NUM_LAYERS", rnn.numLayers, "L: stacked RNN layers");
  define("NUM_DIRECTIONS", rnn.numDirections(),
         "D: 2 when bidirectional, else 1");
  if (spec.input.seqLen)
    define("SEQ_LEN", *spec.input.seqLen, "T, fixed by the spec");
  else
    define("SEQ_LEN_DYNAMIC", 1, "T is a run-time argument");
  define("BATCH_FIRST", rnn.batchFirst ? 1 : 0,
         "1: (batch, T, ...) layouts; 0: (T, batch, ...)");
  if (spec.embedding)
    define("VOCAB_SIZE", spec.embedding->numEmbeddings,
           "token ids are in [0, VOCAB_SIZE)");
  define("OUTPUT_SIZE", outputSize(),
         spec.head ? "features of the head output"
                   : "features per step of the RNN output (D * H)");
  if (spec.head)
    define("HEAD_ON_ALL", spec.head->on == HeadKind::All ? 1 : 0,
           "1: head on every step; 0: on the final state");
  define("PARAM_SIZE", layout.size, "floats in the parameter buffer");
  define("NUM_PARAMS", static_cast<int64_t>(layout.params.size()),
         "tensors in the parameter buffer");
  os << "\n";
}

void HeaderWriter::writeParamOffsets() {
  os << "/* Offset in floats of each tensor in the parameter buffer, in "
        "state_dict\n"
     << " * order. */\n";
  for (const ParamInfo &param : layout.params) {
    os << "/* " << commentSafe(param.name) << ": (";
    llvm::interleave(param.shape, os, ", ");
    if (param.shape.size() == 1)
      os << ",";
    os << "), " << param.numel << " floats */\n";
    os << "#define " << upper << "_PARAM_" << toMacroName(param.name)
       << "_OFFSET " << param.offset << "\n";
  }
  os << "\n";
}

void HeaderWriter::writePrototypes() {
  const RnnSpec &rnn = spec.rnn;
  int64_t layersTimesDirs = rnn.numLayers * rnn.numDirections();
  std::string t = seqDim();
  std::string stateShape = "(" + std::to_string(layersTimesDirs) + ", batch, " +
                           std::to_string(rnn.hiddenSize) + ")";
  bool tokens = spec.input.dtype != InputDType::Float32;

  os << "/* Number of tensors in the parameter buffer (" << layout.params.size()
     << "). */\n"
     << "int64_t " << name << "_num_params(void);\n\n";
  os << "/* Number of floats in the parameter buffer (" << layout.size
     << "). */\n"
     << "int64_t " << name << "_param_size(void);\n\n";
  os << "/* The parameter table: " << name
     << "_num_params() rows in state_dict order,\n"
     << " * with each tensor's shape, offset and PyTorch default initializer. "
        "Static\n"
     << " * storage: never free it. */\n"
     << "const rnnc_param_info_t *" << name << "_param_info(void);\n\n";
  os << "/* Bytes of scratch memory " << name
     << "_forward needs for `batch` sequences of\n"
     << " * `seq_len` steps. */\n"
     << "int64_t " << name
     << "_workspace_size(int64_t batch, int64_t seq_len);\n\n";

  // The forward pass, one line per argument as in docs/abi.md.
  os << "/* Runs the model on a batch of sequences.\n"
     << " *\n"
     << " * params    " << name << "_param_size() = " << layout.size
     << " floats, laid out as the\n"
     << " *           " << upper << "_PARAM_*_OFFSET macros say.\n"
     << " * batch     number of sequences, >= 1.\n";
  if (spec.input.seqLen)
    os << " * seq_len   steps per sequence; must be " << *spec.input.seqLen
       << " (fixed by the spec).\n";
  else
    os << " * seq_len   steps per sequence T, >= 1.\n";
  os << " * input     ";
  if (tokens)
    os << sequenceShape("") << " " << inputDTypeName() << " token ids in [0, "
       << spec.embedding->numEmbeddings << ").\n";
  else
    os << sequenceShape(std::to_string(rnn.inputSize)) << " float32.\n";
  os << " * lengths   (batch) int64, each in [1, " << t
     << "], in any order; or NULL: every\n"
     << " *           sequence has " << t << " steps.\n";
  os << " * h0        " << stateShape
     << " float32 initial hidden state; or NULL: zeros.\n";
  os << " * output    ";
  const char *dirNote =
      rnn.bidirectional ? ", forward and reverse concatenated" : "";
  if (spec.head && spec.head->on == HeadKind::Last)
    os << "(batch, " << outputSize()
       << ") float32: the head applied to the last layer's\n"
       << " *           final hidden state" << dirNote << ".\n";
  else if (spec.head)
    os << sequenceShape(std::to_string(outputSize()))
       << " float32: the head applied to every step\n"
       << " *           of the RNN output (0 past a sequence's length).\n";
  else
    os << sequenceShape(std::to_string(outputSize()))
       << " float32: the last layer's output" << dirNote << ";\n"
       << " *           0 past a sequence's length.\n";
  os << " * h_n       " << stateShape
     << " float32: each sequence's state at its own last\n"
     << " *           step; or NULL.\n";
  os << " * workspace " << name << "_workspace_size(batch, " << t
     << ") bytes, 16-byte aligned;\n"
     << " *           contents on entry do not matter.\n"
     << " *\n";
  std::string returns =
      "Returns 0 on success; 3 (RNNRT_INVALID_ARGUMENT) if batch < 1";
  if (spec.input.seqLen)
    returns += " or seq_len != " + std::to_string(*spec.input.seqLen);
  returns += "; 11 (RNNRT_OUT_OF_RANGE) if a length is outside [1, " + t + "]";
  if (tokens)
    returns += " or a token id outside [0, " +
               std::to_string(spec.embedding->numEmbeddings) + ")";
  returns += ". Linked with librnnrt, rnnrt_last_error_message() then names "
             "the argument and the element. Nothing is written to output or "
             "h_n on error. Reentrant: keeps no state and allocates nothing.";
  writeWrapped(returns);
  os << " */\n";
  os << "int32_t " << name << "_forward(\n"
     << "    const float *params, int64_t batch, int64_t seq_len,\n"
     << "    const " << inputCType() << " *input, const int64_t *lengths, "
     << "const float *h0,\n"
     << "    float *output, float *h_n, void *workspace);\n\n";
}

void HeaderWriter::writeTrainingPrototypes() {
  const RnnSpec &rnn = spec.rnn;
  bool classes = spec.loss->kind == LossKind::CrossEntropy;
  bool perStep = !spec.head || spec.head->on == HeadKind::All;
  std::string t = seqDim();
  std::string stateShape = "(" +
                           std::to_string(rnn.numLayers * rnn.numDirections()) +
                           ", batch, " + std::to_string(rnn.hiddenSize) + ")";
  bool tokens = spec.input.dtype != InputDType::Float32;

  std::string strategy =
      bptt.truncate > 0
          ? "truncated, the hidden state is detached every " +
                std::to_string(bptt.truncate) +
                " steps and each window's states are recomputed from its "
                "first one"
      : bptt.checkpoint > 0 ? "full, with the states checkpointed every " +
                                  std::to_string(bptt.checkpoint) +
                                  " steps and recomputed in the backward sweep"
                            : std::string("full, every hidden state stored");
  os << "/* Backpropagation through time: " << strategy << ". */\n"
     << "#define " << upper << "_BPTT_TRUNCATE " << bptt.truncate << "\n"
     << "#define " << upper << "_BPTT_CHECKPOINT " << bptt.checkpoint << "\n\n";
  os << "/* Bytes of scratch memory " << name
     << "_loss_and_grad needs for `batch` sequences\n"
     << " * of `seq_len` steps. */\n"
     << "int64_t " << name
     << "_grad_workspace_size(int64_t batch, int64_t seq_len);\n\n";
  os << "/* The " << (classes ? "cross-entropy" : "mean squared error")
     << " loss and its gradients, generated by rnnc.\n"
     << " *\n"
     << " * params, batch, seq_len, input, lengths, h0: as for " << name
     << "_forward.\n"
     << " * target     ";
  if (classes)
    os << (perStep ? sequenceShape("") : std::string("(batch)"))
       << " int64 class indices in [0, " << outputSize() << ").\n";
  else
    os << (perStep ? sequenceShape(std::to_string(outputSize()))
                   : "(batch, " + std::to_string(outputSize()) + ")")
       << " float32, like the model output.\n";
  os << " * loss       1 float: the mean loss"
     << (perStep ? " (over valid steps only when lengths are given)" : "")
     << ".\n"
     << " * grads      " << layout.size
     << " floats, overwritten with d loss / d params\n"
     << " *            (the parameter layout).\n";
  if (tokens)
    os << " * input_grad must be NULL (token ids have no gradient).\n";
  else
    os << " * input_grad " << sequenceShape(std::to_string(rnn.inputSize))
       << " float32 d loss / d input, or NULL:\n"
       << " *            not computed (one product fewer).\n";
  os << " * h0_grad    " << stateShape << " float32 d loss / d h0, or NULL.\n"
     << " * workspace  " << name << "_grad_workspace_size(batch, " << t
     << ") bytes.\n"
     << " *\n";
  writeWrapped("Returns 0, or 3 (RNNRT_INVALID_ARGUMENT) / 11 "
               "(RNNRT_OUT_OF_RANGE) as " +
               name +
               "_forward does, 11 also for a class index out of range. "
               "Reentrant; allocates nothing.");
  os << " */\n"
     << "int32_t " << name << "_loss_and_grad(\n"
     << "    const float *params, int64_t batch, int64_t seq_len,\n"
     << "    const " << inputCType() << " *input, const int64_t *lengths, "
     << "const float *h0,\n"
     << "    const " << (classes ? "int64_t" : "float")
     << " *target, float *loss, float *grads, float *input_grad,\n"
     << "    float *h0_grad, void *workspace);\n\n";

  // The runtime's training helpers take the model through rnnrt_model_t.
  const char *inputDType =
      spec.input.dtype == InputDType::Float32 ? "RNNRT_DTYPE_FLOAT32"
      : spec.input.dtype == InputDType::Int64 ? "RNNRT_DTYPE_INT64"
                                              : "RNNRT_DTYPE_INT32";
  os << "/* An rnnrt_model_t initializer for the runtime's training helpers "
        "(needs\n"
     << " * <rnnrt/rnnrt.h>):  rnnrt_model_t model = " << upper
     << "_RNNRT_MODEL; */\n"
     << "#define " << upper << "_RNNRT_MODEL \\\n"
     << "  {" << layout.size << ", " << spec.input.seqLen.value_or(0) << ", "
     << (rnn.batchFirst ? 1 : 0) << ", " << inputDType << ", "
     << (tokens ? 1 : rnn.inputSize) << ", "
     << (classes ? "RNNRT_DTYPE_INT64" : "RNNRT_DTYPE_FLOAT32") << ", "
     << (perStep ? 1 : 0) << ", " << (classes ? 1 : outputSize()) << ", \\\n"
     << "   (rnnrt_loss_and_grad_fn)" << name << "_loss_and_grad, " << name
     << "_grad_workspace_size}\n\n";
}

void HeaderWriter::write() {
  std::string guard = "RNNC_" + upper + "_H";
  writeBanner();
  os << "#ifndef " << guard << "\n#define " << guard << "\n\n";
  os << "#include <stdint.h>\n\n";
  os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  os << "/* Version of the generated interface; bumped on incompatible "
        "changes. */\n"
     << "#define RNNC_HEADER_VERSION 1\n\n";
  writeThreading();
  writeParamInfoType();
  writeModelMacros();
  writeParamOffsets();
  writePrototypes();
  if (spec.loss)
    writeTrainingPrototypes();
  os << "#ifdef __cplusplus\n} /* extern \"C\" */\n#endif\n\n";
  os << "#endif /* " << guard << " */\n";
}

void HeaderWriter::writeThreading() {
  if (parallel)
    os << "/* Compiled with rnnc --parallel: the large matrix products run "
          "on OpenMP\n"
       << " * threads. Link the program with LLVM's OpenMP runtime (libomp, "
          "not GCC's\n"
       << " * libgomp); OMP_NUM_THREADS or omp_set_num_threads() sets the "
          "threads. */\n";
  else
    os << "/* Single-threaded code (rnnc without --parallel). */\n";
  os << "#define " << upper << "_PARALLEL " << (parallel ? 1 : 0) << "\n\n";
}

void rnnc::emitModelHeader(const ModelSpec &spec, const ParamLayout &layout,
                           llvm::raw_ostream &os, const BpttStrategy &bptt,
                           bool parallel) {
  HeaderWriter(spec, layout, os, bptt, parallel).write();
}

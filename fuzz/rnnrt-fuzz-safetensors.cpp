//===- rnnrt-fuzz-safetensors.cpp - libFuzzer harness for safetensors -----===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file is the libFuzzer target `rnnrt-fuzz-safetensors`. It covers the
// runtime's safetensors reader, which every program that loads parameters
// (rnn-run, the examples, user code through rnnrt_params_load_safetensors)
// runs on files from elsewhere: the header length, the JSON header (through
// nlohmann::json), each tensor entry's dtype, shape and data offsets, the
// F32, F64, F16 and BF16 conversions, and the parameter loader; and, for
// every file it accepts, the writer.
//
// Each input is
//  1. opened with rnnrt_tensor_file_open; every tensor is listed (name,
//     dtype, rank, dims, numel, find by name) and read with
//     rnnrt_tensor_file_read_f32, also into a buffer one float too small;
//  2. loaded with rnnrt_params_load_safetensors against a fixed table (a
//     one-layer RNN with a Linear head, the names and shapes the seed
//     corpus holds), which must fail exactly when the open failed, with the
//     same status, and leave the buffer untouched on error;
//  3. if it opened, loaded against a table made of its own float tensors
//     (which must succeed and give the values of step 1), written with
//     rnnrt_params_save_safetensors and read back (same names, shapes and
//     bits).
// Any other outcome, an error without a message, or RNNRT_INTERNAL (an
// escaped exception) traps, so libFuzzer reports it with the input; ASan and
// UBSan report the rest. The files are in memory (FuzzFile.h).
//
//===----------------------------------------------------------------------===//

#include "FuzzFile.h"

#include "rnnrt/safetensors.h"

#include <cstring>
#include <string>
#include <vector>

using rnnc_fuzz::MemFile;

/// Reports a broken invariant and stops.
[[noreturn]] static void fail(const std::string &what) {
  rnnc_fuzz::fuzzFailure("rnnrt-fuzz-safetensors", what);
}

/// Checks the status of a failed call.
static void checkError(rnnrt_status_t status, const char *call) {
  if (status == RNNRT_INTERNAL)
    fail(std::string(call) +
         " returned INTERNAL: " + rnnrt_last_error_message());
  if (!*rnnrt_last_error_message())
    fail(std::string(call) + " failed without a message");
}

/// The fixed table: rnn = RNN(input_size=3, hidden_size=4), fc =
/// Linear(out_features=2), as in fuzz/corpus/safetensors/rnn_fc.safetensors.
static const rnnc_param_info_t kFixedTable[] = {
    {"rnn.weight_ih_l0", 2, {4, 3, 0, 0}, 0, 12, RNNC_INIT_UNIFORM, 0.5f},
    {"rnn.weight_hh_l0", 2, {4, 4, 0, 0}, 12, 16, RNNC_INIT_UNIFORM, 0.5f},
    {"rnn.bias_ih_l0", 1, {4, 0, 0, 0}, 28, 4, RNNC_INIT_UNIFORM, 0.5f},
    {"rnn.bias_hh_l0", 1, {4, 0, 0, 0}, 32, 4, RNNC_INIT_UNIFORM, 0.5f},
    {"fc.weight", 2, {2, 4, 0, 0}, 36, 8, RNNC_INIT_UNIFORM, 0.5f},
    {"fc.bias", 1, {2, 0, 0, 0}, 44, 2, RNNC_INIT_UNIFORM, 0.5f},
};
static constexpr int64_t kFixedTableParams = 46;

/// What step 1 read of one float tensor.
struct ReadTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
  /// Whether rnnrt_tensor_file_find finds this tensor by its name: not when
  /// the name holds a NUL (JSON's \u0000), which a C string cuts short.
  bool findable = false;
};

/// True for the dtypes rnnrt_tensor_file_read_f32 converts.
static bool isFloatDtype(const std::string &dtype) {
  return dtype == "F32" || dtype == "F64" || dtype == "F16" || dtype == "BF16";
}

/// Step 1: lists and reads every tensor of `file`; returns the float
/// tensors.
static std::vector<ReadTensor> readAll(const rnnrt_tensor_file_t *file,
                                       size_t fileSize) {
  std::vector<ReadTensor> tensors;
  int64_t count = rnnrt_tensor_file_count(file);
  if (count < 0)
    fail("negative tensor count");
  for (int64_t i = 0; i < count; ++i) {
    const char *name = rnnrt_tensor_file_name(file, i);
    const char *dtype = rnnrt_tensor_file_dtype(file, i);
    if (!name || !dtype)
      fail("tensor " + std::to_string(i) + " has no name or dtype");
    int64_t index = -2;
    rnnrt_status_t found = rnnrt_tensor_file_find(file, name, &index);
    if (found == RNNRT_OK &&
        std::strcmp(rnnrt_tensor_file_name(file, index), name) != 0)
      fail(std::string("rnnrt_tensor_file_find('") + name +
           "') found another tensor");
    int64_t rank = rnnrt_tensor_file_rank(file, i);
    if (rank < 0)
      fail("negative rank");
    ReadTensor tensor{name, {}, {}, found == RNNRT_OK && index == i};
    int64_t numel = 1;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t dim = rnnrt_tensor_file_dim(file, i, d);
      if (dim < 0)
        fail("negative dimension");
      tensor.shape.push_back(dim);
      numel *= dim; // The reader checked the product for overflow.
    }
    if (rnnrt_tensor_file_dim(file, i, rank) != -1)
      fail("rnnrt_tensor_file_dim accepts dim == rank");
    if (rnnrt_tensor_file_numel(file, i) != numel)
      fail("rnnrt_tensor_file_numel is not the product of the shape");

    bool isFloat = isFloatDtype(dtype);
    // Float tensors have at least 2 bytes per element, all in the file.
    if (isFloat && static_cast<uint64_t>(numel) > fileSize / 2)
      fail("a float tensor has more elements than its file has bytes");
    size_t n = isFloat ? static_cast<size_t>(numel) : 1;
    tensor.values.assign(n + 1, 0.0f);
    rnnrt_status_t status =
        rnnrt_tensor_file_read_f32(file, i, tensor.values.data(), numel);
    if (isFloat != (status == RNNRT_OK))
      fail(std::string("reading a ") + dtype + " tensor returned " +
           rnnrt_status_string(status));
    if (status != RNNRT_OK) {
      checkError(status, "rnnrt_tensor_file_read_f32");
      continue;
    }
    // One float short must be refused, not overrun.
    if (numel > 0 &&
        rnnrt_tensor_file_read_f32(file, i, tensor.values.data(), numel - 1) !=
            RNNRT_OUT_OF_RANGE)
      fail("reading into a buffer one float too small did not fail");
    tensor.values.resize(n);
    tensors.push_back(std::move(tensor));
  }
  float dummy;
  if (rnnrt_tensor_file_read_f32(file, count, &dummy, 1) != RNNRT_OUT_OF_RANGE)
    fail("reading tensor index == count did not fail");
  return tensors;
}

/// Builds a table of the findable `tensors` of rank at most 4 at
/// consecutive offsets; returns the float count.
static int64_t makeTable(const std::vector<ReadTensor> &tensors,
                         std::vector<rnnc_param_info_t> &table,
                         std::vector<const ReadTensor *> &rows) {
  int64_t offset = 0;
  for (const ReadTensor &tensor : tensors) {
    if (tensor.shape.size() > 4 || !tensor.findable)
      continue;
    rnnc_param_info_t row{};
    row.name = tensor.name.c_str();
    row.rank = static_cast<int64_t>(tensor.shape.size());
    for (size_t d = 0; d < tensor.shape.size(); ++d)
      row.shape[d] = tensor.shape[d];
    row.offset = offset;
    row.numel = static_cast<int64_t>(tensor.values.size());
    row.init = RNNC_INIT_UNIFORM;
    row.init_scale = 1.0f;
    offset += row.numel;
    table.push_back(row);
    rows.push_back(&tensor);
  }
  return offset;
}

/// True if `a` and `b` hold the same bits (NaNs included).
static bool sameBits(const float *a, const float *b, size_t n) {
  return n == 0 || std::memcmp(a, b, n * sizeof(float)) == 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static MemFile input("safetensors-input"), output("safetensors-output");
  input.assign(data, size);

  // Step 1.
  rnnrt_tensor_file_t *file = nullptr;
  rnnrt_status_t openStatus = rnnrt_tensor_file_open(input.path(), &file);
  std::vector<ReadTensor> tensors;
  if (openStatus != RNNRT_OK) {
    if (file)
      fail("rnnrt_tensor_file_open failed but returned a file");
    checkError(openStatus, "rnnrt_tensor_file_open");
  } else {
    tensors = readAll(file, size);
    rnnrt_tensor_file_destroy(file);
  }

  // Step 2: the same header checks, and no partial writes.
  std::vector<float> params(kFixedTableParams, -7.0f);
  rnnrt_status_t loadStatus = rnnrt_params_load_safetensors(
      input.path(), kFixedTable, 6, params.data(), kFixedTableParams);
  if (openStatus != RNNRT_OK && loadStatus != openStatus)
    fail(std::string("open returned ") + rnnrt_status_string(openStatus) +
         " but load returned " + rnnrt_status_string(loadStatus));
  if (loadStatus != RNNRT_OK) {
    checkError(loadStatus, "rnnrt_params_load_safetensors");
    for (float value : params)
      if (value != -7.0f)
        fail("a failed load changed the parameter buffer");
  }
  if (openStatus != RNNRT_OK)
    return 0;

  // Step 3: a table of the file's own tensors loads what step 1 read.
  std::vector<rnnc_param_info_t> table;
  std::vector<const ReadTensor *> rows;
  int64_t total = makeTable(tensors, table, rows);
  std::vector<float> loaded(static_cast<size_t>(total) + 1, -7.0f);
  int64_t count = static_cast<int64_t>(table.size());
  if (rnnrt_params_load_safetensors(input.path(), table.data(), count,
                                    loaded.data(), total) != RNNRT_OK)
    fail(std::string("loading the file's own tensors failed: ") +
         rnnrt_last_error_message());
  for (size_t i = 0; i < rows.size(); ++i)
    if (!sameBits(loaded.data() + table[i].offset, rows[i]->values.data(),
                  rows[i]->values.size()))
      fail("load and read_f32 disagree on tensor '" + rows[i]->name + "'");

  // The writer's file reads back as F32 with the same bits.
  if (rnnrt_params_save_safetensors(output.path(), table.data(), count,
                                    loaded.data(), total) != RNNRT_OK)
    fail(std::string("saving the loaded tensors failed: ") +
         rnnrt_last_error_message());
  rnnrt_tensor_file_t *again = nullptr;
  if (rnnrt_tensor_file_open(output.path(), &again) != RNNRT_OK)
    fail(std::string("the reader rejects what the writer wrote: ") +
         rnnrt_last_error_message());
  if (rnnrt_tensor_file_count(again) != count)
    fail("the written file has a different tensor count");
  std::vector<float> back;
  for (size_t i = 0; i < rows.size(); ++i) {
    int64_t index = -1;
    if (rnnrt_tensor_file_find(again, table[i].name, &index) != RNNRT_OK)
      fail("a written tensor is missing");
    if (std::strcmp(rnnrt_tensor_file_dtype(again, index), "F32") != 0 ||
        rnnrt_tensor_file_rank(again, index) != table[i].rank)
      fail("a written tensor has another dtype or rank");
    for (int64_t d = 0; d < table[i].rank; ++d)
      if (rnnrt_tensor_file_dim(again, index, d) != table[i].shape[d])
        fail("a written tensor has another shape");
    back.assign(static_cast<size_t>(table[i].numel) + 1, 0.0f);
    if (rnnrt_tensor_file_read_f32(again, index, back.data(), table[i].numel) !=
            RNNRT_OK ||
        !sameBits(back.data(), rows[i]->values.data(), rows[i]->values.size()))
      fail("a written tensor reads back different values");
  }
  rnnrt_tensor_file_destroy(again);
  return 0;
}

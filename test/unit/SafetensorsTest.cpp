//===- SafetensorsTest.cpp - Tests of safetensors files -------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file tests saving and loading parameter buffers as safetensors, the
// generic rnnrt_tensor_file_t reader, and that each class of bad or hostile
// file gets its documented status and a message naming the problem.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace {

using namespace rnnrt_test;

/// printf into a std::string.
template <typename... Args> std::string fmt(const char *format, Args... args) {
  char buffer[256];
  std::snprintf(buffer, sizeof(buffer), format, args...);
  return buffer;
}

/// A safetensors file with header `json` and data area `data`.
std::string safetensors(const std::string &json, const std::string &data) {
  return le(json.size(), 8) + json + data;
}

/// A two-tensor table: "w" of shape (2, 3) and "b" of shape (3).
class SafetensorsTest : public TempDirTest {
protected:
  void SetUp() override {
    TempDirTest::SetUp();
    table[0] = {"w", 2, {2, 3, 0, 0}, 0, 6, RNNC_INIT_UNIFORM, 0.5f};
    table[1] = {"b", 1, {3, 0, 0, 0}, 6, 3, RNNC_INIT_UNIFORM, 0.5f};
    for (int i = 0; i < 9; ++i)
      values[i] = 0.25f * static_cast<float>(i) - 1.0f;
  }

  /// A valid file holding `values` for the table, in F32.
  std::string validFile() {
    return writeFile(
        "valid.safetensors",
        safetensors(
            R"({"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
            R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]}})",
            floatBytes(values + 6, 3) + floatBytes(values, 6)));
  }

  /// Loads `p` into a buffer that starts as all 7s, which must stay 7s on
  /// error; returns the status.
  rnnrt_status_t load(const std::string &p) {
    std::vector<float> params(9, 7.0f);
    rnnrt_status_t status =
        rnnrt_params_load_safetensors(p.c_str(), table, 2, params.data(), 9);
    if (status != RNNRT_OK) {
      for (float v : params)
        EXPECT_EQ(v, 7.0f);
    }
    return status;
  }

  /// Loads a file whose header is `json` and whose data area is `data`.
  rnnrt_status_t loadHeader(const std::string &json,
                            const std::string &data = std::string(36, '\0')) {
    return load(writeFile("hostile.safetensors", safetensors(json, data)));
  }

  rnnc_param_info_t table[2];
  float values[9];
};

//===----------------------------------------------------------------------===//
// Round trips
//===----------------------------------------------------------------------===//

TEST_F(SafetensorsTest, RoundTrip) {
  std::string p = path("rt.safetensors");
  ASSERT_EQ(rnnrt_params_save_safetensors(p.c_str(), table, 2, values, 9),
            RNNRT_OK)
      << rnnrt_last_error_message();
  float loaded[9] = {};
  ASSERT_EQ(rnnrt_params_load_safetensors(p.c_str(), table, 2, loaded, 9),
            RNNRT_OK)
      << rnnrt_last_error_message();
  EXPECT_EQ(std::memcmp(loaded, values, sizeof(values)), 0);

  // The layout the reference implementation expects: a space-padded header
  // whose length is a multiple of 8, then contiguous data in table order.
  std::string bytes = readFile(p);
  ASSERT_GE(bytes.size(), 8u);
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
    n |= uint64_t(static_cast<unsigned char>(bytes[i])) << (8 * i);
  EXPECT_EQ(n % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + n + 36);
  std::string header = bytes.substr(8, n);
  EXPECT_EQ(header.front(), '{');
  EXPECT_NE(header.find(R"("__metadata__":{"format":"pt"})"),
            std::string::npos);
  EXPECT_NE(
      header.find(R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]})"),
      std::string::npos);
  EXPECT_NE(
      header.find(R"("b":{"dtype":"F32","shape":[3],"data_offsets":[24,36]})"),
      std::string::npos);
  EXPECT_EQ(bytes.substr(8 + n), floatBytes(values, 9));
}

TEST_F(SafetensorsTest, EmptyTableRoundTrip) {
  std::string p = path("empty.safetensors");
  ASSERT_EQ(rnnrt_params_save_safetensors(p.c_str(), nullptr, 0, nullptr, 0),
            RNNRT_OK);
  EXPECT_EQ(rnnrt_params_load_safetensors(p.c_str(), nullptr, 0, nullptr, 0),
            RNNRT_OK);
  rnnrt_tensor_file_t *file = nullptr;
  ASSERT_EQ(rnnrt_tensor_file_open(p.c_str(), &file), RNNRT_OK);
  EXPECT_EQ(rnnrt_tensor_file_count(file), 0);
  rnnrt_tensor_file_destroy(file);
}

/// Saving overwrites an existing file.
TEST_F(SafetensorsTest, SaveReplacesExistingFile) {
  std::string p = writeFile("old.safetensors", std::string(1000, 'x'));
  ASSERT_EQ(rnnrt_params_save_safetensors(p.c_str(), table, 2, values, 9),
            RNNRT_OK);
  EXPECT_EQ(load(p), RNNRT_OK);
}

/// A file as PyTorch writes it: other key order, metadata, extra tensors
/// (ignored), other dtypes for the extras.
TEST_F(SafetensorsTest, LoadIgnoresExtraTensorsAndMetadata) {
  std::string data =
      floatBytes(values, 6) + std::string(16, 'z') + floatBytes(values + 6, 3);
  std::string p = writeFile(
      "extra.safetensors",
      safetensors(
          R"({"__metadata__":{"format":"pt"},)"
          R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
          R"("step":{"dtype":"I64","shape":[2],"data_offsets":[24,40]},)"
          R"("b":{"dtype":"F32","shape":[3],"data_offsets":[40,52]}}   )",
          data));
  float loaded[9] = {};
  ASSERT_EQ(rnnrt_params_load_safetensors(p.c_str(), table, 2, loaded, 9),
            RNNRT_OK)
      << rnnrt_last_error_message();
  EXPECT_EQ(std::memcmp(loaded, values, sizeof(values)), 0);
}

/// F64, F16 and BF16 tensors are converted to float.
TEST_F(SafetensorsTest, LoadConvertsFloatDtypes) {
  double w[6] = {0.5, -1.0, 2.0, 1e-3, 3.0, -0.25};
  // Halves: 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal).
  uint16_t half[4] = {0x3C00, 0xC000, 0x7BFF, 0x0001};
  // bfloat16s: 1.0, -3.0, 0.5.
  uint16_t bf16[3] = {0x3F80, 0xC040, 0x3F00};
  std::string data(reinterpret_cast<const char *>(w), sizeof(w));
  data += std::string(reinterpret_cast<const char *>(bf16), sizeof(bf16));
  data += std::string(reinterpret_cast<const char *>(half), sizeof(half));
  std::string p = writeFile(
      "dtypes.safetensors",
      safetensors(R"({"w":{"dtype":"F64","shape":[2,3],"data_offsets":[0,48]},)"
                  R"("b":{"dtype":"BF16","shape":[3],"data_offsets":[48,54]},)"
                  R"("h":{"dtype":"F16","shape":[4],"data_offsets":[54,62]}})",
                  data));
  float loaded[9] = {};
  ASSERT_EQ(rnnrt_params_load_safetensors(p.c_str(), table, 2, loaded, 9),
            RNNRT_OK)
      << rnnrt_last_error_message();
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(loaded[i], static_cast<float>(w[i]));
  EXPECT_EQ(loaded[6], 1.0f);
  EXPECT_EQ(loaded[7], -3.0f);
  EXPECT_EQ(loaded[8], 0.5f);

  rnnrt_tensor_file_t *file = nullptr;
  ASSERT_EQ(rnnrt_tensor_file_open(p.c_str(), &file), RNNRT_OK);
  int64_t index = -1;
  ASSERT_EQ(rnnrt_tensor_file_find(file, "h", &index), RNNRT_OK);
  float h[4];
  ASSERT_EQ(rnnrt_tensor_file_read_f32(file, index, h, 4), RNNRT_OK);
  EXPECT_EQ(h[0], 1.0f);
  EXPECT_EQ(h[1], -2.0f);
  EXPECT_EQ(h[2], 65504.0f);
  EXPECT_EQ(h[3], std::ldexp(1.0f, -24));
  rnnrt_tensor_file_destroy(file);
}

//===----------------------------------------------------------------------===//
// Load errors
//===----------------------------------------------------------------------===//

TEST_F(SafetensorsTest, MissingFile) {
  EXPECT_STATUS(RNNRT_NOT_FOUND, load(path("nope.safetensors")),
                "nope.safetensors");
}

TEST_F(SafetensorsTest, DirectoryIsNotAFile) {
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, load(dir), "not a regular file");
}

TEST_F(SafetensorsTest, MissingTensor) {
  EXPECT_STATUS(
      RNNRT_NOT_FOUND,
      loadHeader(R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}})",
                 std::string(24, '\0')),
      "tensor 'b' not found; the file holds 1 tensor: w");
  EXPECT_STATUS(RNNRT_NOT_FOUND, loadHeader("{}", ""),
                "tensor 'w' not found; the file holds no tensors");
}

/// The message lists what the file holds (sorted, at most 20 names, escaped).
TEST_F(SafetensorsTest, MissingTensorListsTheFilesNames) {
  std::string json = "{";
  for (int i = 0; i < 25; ++i)
    json +=
        fmt(R"("t%02d":{"dtype":"F32","shape":[1],"data_offsets":[%d,%d]},)",
            24 - i, 4 * i, 4 * i + 4);
  json += R"("a\u0000\u001bz":{"dtype":"F32","shape":[0],)"
          R"("data_offsets":[100,100]}})";
  EXPECT_STATUS(RNNRT_NOT_FOUND, loadHeader(json, std::string(100, '\0')),
                "tensor 'w' not found; the file holds 26 tensors: "
                "a\\x00\\x1bz, t00, t01, t02, t03, t04, t05, t06, t07, t08, "
                "t09, t10, t11, t12, t13, t14, t15, t16, t17, t18, ... and 6 "
                "more");
}

/// A name that matches once a prefix at a '.' is stripped or added gets a
/// hint: the usual DataParallel "module." or a wrapper's "model.".
TEST_F(SafetensorsTest, MissingTensorHintsAtAPrefix) {
  std::string data = floatBytes(values + 6, 3) + floatBytes(values, 6);
  std::string p = writeFile(
      "prefixed.safetensors",
      safetensors(
          R"({"model.b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
          R"("model.w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]}})",
          data));
  EXPECT_STATUS(RNNRT_NOT_FOUND, load(p),
                "tensor 'w' not found; the file holds 2 tensors: model.b, "
                "model.w; 'model.w' would match without the prefix 'model.'");
  // "xw" is not "w" with a prefix: only whole components count.
  p = writeFile(
      "near.safetensors",
      safetensors(
          R"({"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
          R"("xw":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]}})",
          data));
  rnnrt_status_t status = load(p);
  EXPECT_STATUS(RNNRT_NOT_FOUND, status, "the file holds 2 tensors: b, xw");
  EXPECT_EQ(std::string(rnnrt_last_error_message()).find("prefix"),
            std::string::npos)
      << rnnrt_last_error_message();
  // The model's name has a prefix the file's lacks.
  rnnc_param_info_t nested = table[1];
  nested.name = "head.b";
  std::vector<float> params(9);
  EXPECT_STATUS(RNNRT_NOT_FOUND,
                rnnrt_params_load_safetensors(validFile().c_str(), &nested, 1,
                                              params.data(), 9),
                "tensor 'head.b' not found; the file holds 2 tensors: b, w; "
                "'b' would match with the prefix 'head.'");
}

TEST_F(SafetensorsTest, WrongShape) {
  EXPECT_STATUS(
      RNNRT_INVALID_ARGUMENT,
      loadHeader(
          R"({"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
          R"("w":{"dtype":"F32","shape":[3,2],"data_offsets":[12,36]}})"),
      "tensor 'w' has shape [3, 2], expected [2, 3]");
  EXPECT_STATUS(
      RNNRT_INVALID_ARGUMENT,
      loadHeader(
          R"({"b":{"dtype":"F32","shape":[1,3],"data_offsets":[0,12]},)"
          R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]}})"),
      "tensor 'b' has shape [1, 3], expected [3]");
}

TEST_F(SafetensorsTest, WrongDtype) {
  EXPECT_STATUS(
      RNNRT_INVALID_ARGUMENT,
      loadHeader(
          R"({"b":{"dtype":"I32","shape":[3],"data_offsets":[0,12]},)"
          R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]}})"),
      "tensor 'b' has dtype I32");
  // An unknown dtype can be listed but not loaded.
  EXPECT_STATUS(
      RNNRT_INVALID_ARGUMENT,
      loadHeader(
          R"({"b":{"dtype":"Q7","shape":[3],"data_offsets":[0,12]},)"
          R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]}})"),
      "tensor 'b' has dtype Q7");
}

TEST_F(SafetensorsTest, TruncatedFiles) {
  EXPECT_STATUS(RNNRT_DATA_LOSS, load(writeFile("empty", "")), "too short");
  EXPECT_STATUS(RNNRT_DATA_LOSS, load(writeFile("short", "\x10\0\0")),
                "too short");
  // The data area ends before the last tensor.
  std::string full = readFile(validFile());
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                load(writeFile("cut", full.substr(0, full.size() - 1))),
                "outside the data area");
}

TEST_F(SafetensorsTest, HeaderLengthBeyondFile) {
  EXPECT_STATUS(RNNRT_DATA_LOSS, load(writeFile("h1", le(100, 8) + "{}")),
                "runs past the end");
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                load(writeFile("h2", le(~uint64_t(0), 8) + "{}")),
                "exceeds the limit");
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                load(writeFile("h3", le(uint64_t(1) << 63, 8) + "{}")),
                "exceeds the limit");
  EXPECT_STATUS(RNNRT_DATA_LOSS, load(writeFile("h4", le(200000000, 8) + "{}")),
                "exceeds the limit");
}

TEST_F(SafetensorsTest, BadJson) {
  EXPECT_STATUS(RNNRT_DATA_LOSS, loadHeader(R"({"w":)"), "not valid JSON");
  EXPECT_STATUS(RNNRT_DATA_LOSS, loadHeader(""), "not valid JSON");
  EXPECT_STATUS(RNNRT_DATA_LOSS, loadHeader("\xff\xfe"), "not valid JSON");
  // nlohmann::json throws out_of_range, not parse_error, for this number.
  EXPECT_STATUS(RNNRT_DATA_LOSS, loadHeader(R"({"w":1e400})"),
                "not valid JSON");
  EXPECT_STATUS(RNNRT_DATA_LOSS, loadHeader("[1, 2]"), "not an object");
  EXPECT_STATUS(RNNRT_DATA_LOSS, loadHeader("42"), "not an object");
  EXPECT_STATUS(RNNRT_DATA_LOSS, loadHeader(R"("str")"), "not an object");
  EXPECT_STATUS(RNNRT_DATA_LOSS, loadHeader("null"), "not an object");
  // Deep nesting must not exhaust the stack.
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                loadHeader(std::string(100000, '[') + std::string(100000, ']')),
                "nests deeper");
}

TEST_F(SafetensorsTest, WrongTypesInEntries) {
  const char *cases[][2] = {
      {R"({"w":5})", "not a JSON object"},
      {R"({"w":[]})", "not a JSON object"},
      {R"({"__metadata__":[1]})", "__metadata__ is not a JSON object"},
      {R"({"w":{"shape":[2,3],"data_offsets":[0,24]}})", "dtype"},
      {R"({"w":{"dtype":7,"shape":[2,3],"data_offsets":[0,24]}})", "dtype"},
      {R"({"w":{"dtype":"F32","data_offsets":[0,24]}})", "shape"},
      {R"({"w":{"dtype":"F32","shape":"2,3","data_offsets":[0,24]}})", "shape"},
      {R"({"w":{"dtype":"F32","shape":[2,"3"],"data_offsets":[0,24]}})",
       "shape entry \"3\""},
      {R"({"w":{"dtype":"F32","shape":[2,3.0],"data_offsets":[0,24]}})",
       "shape entry 3.0"},
      {R"({"w":{"dtype":"F32","shape":[2,-3],"data_offsets":[0,24]}})",
       "shape entry -3"},
      {R"({"w":{"dtype":"F32","shape":[2,3]}})", "data_offsets"},
      {R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0]}})",
       "data_offsets"},
      {R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24,36]}})",
       "data_offsets"},
      {R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":{"a":1}}})",
       "data_offsets"},
      {R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[-24,0]}})",
       "data_offsets"},
      {R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,null]}})",
       "data_offsets"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c[0]);
    EXPECT_STATUS(RNNRT_DATA_LOSS, loadHeader(c[0]), c[1]);
  }
}

TEST_F(SafetensorsTest, HostileNumbers) {
  const char *cases[][2] = {
      // Offsets past the end of the 36-byte data area.
      {R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[24,48]}})",
       "outside the data area"},
      {R"({"w":{"dtype":"F32","shape":[2,3],)"
       R"("data_offsets":[9223372036854775800,9223372036854775807]}})",
       "outside the data area"},
      {R"({"w":{"dtype":"F32","shape":[2,3],)"
       R"("data_offsets":[0,18446744073709551615]}})",
       "data_offsets"},
      {R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,1e300]}})",
       "data_offsets"},
      {R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[24,0]}})",
       "begin after end"},
      // Size does not match shape * dtype.
      {R"({"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}})",
       "20 bytes of data do not match F32 shape [2, 3]"},
      {R"({"w":{"dtype":"F64","shape":[2,3],"data_offsets":[0,24]}})",
       "do not match F64"},
      // Element count overflow, and byte count overflow.
      {R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],)"
       R"("data_offsets":[0,0]}})",
       "overflows"},
      {R"({"w":{"dtype":"F32","shape":[4611686018427387904],)"
       R"("data_offsets":[0,0]}})",
       "do not match"},
      {R"({"w":{"dtype":"F32","shape":[18446744073709551615],)"
       R"("data_offsets":[0,0]}})",
       "not a non-negative 64-bit integer"},
      {R"({"w":{"dtype":"F32","shape":[99999999999999999999999],)"
       R"("data_offsets":[0,0]}})",
       "not a non-negative 64-bit integer"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c[0]);
    EXPECT_STATUS(RNNRT_DATA_LOSS, loadHeader(c[0]), c[1]);
  }
}

/// JSON with a key twice is refused, at the top level (a tensor name) and
/// inside an entry: nlohmann would keep the last value, the reference
/// implementation refuses the file.
TEST_F(SafetensorsTest, DuplicateKeys) {
  const char *b = R"("b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]})";
  const char *w = R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]})";
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                loadHeader(std::string("{") + b + "," + w + "," + b + "}"),
                "the header names tensor 'b' twice");
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                loadHeader(std::string("{") + b + "," +
                           R"("w":{"dtype":"F64","dtype":"F32","shape":[2,3],)"
                           R"("data_offsets":[12,36]}})"),
                "tensor 'w': duplicate key 'dtype'");
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                loadHeader(std::string(R"({"__metadata__":{"a":"1"},)") + b +
                           "," + w + R"(,"__metadata__":{"a":"2"}})"),
                "two __metadata__ keys");
  EXPECT_STATUS(
      RNNRT_DATA_LOSS,
      loadHeader(std::string(R"({"__metadata__":{"a":"1","a":"2"},)") + b +
                 "," + w + "}"),
      "tensor '__metadata__': duplicate key 'a'");
  // Equal keys in different objects are fine.
  EXPECT_EQ(loadHeader(std::string(R"({"__metadata__":{"dtype":"x"},)") + b +
                       "," + w + "}"),
            RNNRT_OK)
      << rnnrt_last_error_message();
  // rnnrt_tensor_file_open makes the same checks.
  std::string p =
      writeFile("dup.safetensors",
                safetensors(std::string("{") + b + "," + w + "," + w + "}",
                            std::string(36, '\0')));
  rnnrt_tensor_file_t *file = reinterpret_cast<rnnrt_tensor_file_t *>(1);
  EXPECT_STATUS(RNNRT_DATA_LOSS, rnnrt_tensor_file_open(p.c_str(), &file),
                "names tensor 'w' twice");
  EXPECT_EQ(file, nullptr);
}

/// Sorted by offsets, the tensors must tile the data area: no byte owned by
/// two tensors, no hole, nothing after the last tensor (the reference's
/// Metadata::validate and MetadataIncompleteBuffer).
TEST_F(SafetensorsTest, DataAreaMustBeCoveredExactly) {
  const char *cases[][3] = {
      {R"({"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
       R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[4,28]}})",
       "36",
       "tensors 'b' (data_offsets [0, 12]) and 'w' (data_offsets [4, 28]) "
       "overlap"},
      // Two names for the same bytes (tied weights) are an overlap too.
      {R"({"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
       R"("c":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
       R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]}})",
       "36", "tensors 'b' (data_offsets [0, 12]) and 'c'"},
      {R"({"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
       R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[16,40]}})",
       "40", "the data area has a hole at bytes [12, 16), before tensor 'w'"},
      {R"({"b":{"dtype":"F32","shape":[3],"data_offsets":[4,16]},)"
       R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[16,40]}})",
       "40", "hole at bytes [0, 4), before tensor 'b'"},
      {R"({"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
       R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]}})",
       "40",
       "the data area holds 40 bytes but the tensors end at byte 36 (tensor "
       "'w')"},
      {R"({"__metadata__":{"format":"pt"}})", "4",
       "the header lists no tensors but the data area holds 4 bytes"},
  };
  for (const auto &c : cases) {
    SCOPED_TRACE(c[0]);
    EXPECT_STATUS(RNNRT_DATA_LOSS,
                  loadHeader(c[0], std::string(std::stoul(c[1]), '\0')), c[2]);
  }
  // Empty tensors take no bytes and may sit anywhere, also together.
  std::string p = writeFile(
      "empties.safetensors",
      safetensors(R"({"e1":{"dtype":"F32","shape":[0],"data_offsets":[12,12]},)"
                  R"("b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
                  R"("e2":{"dtype":"I64","shape":[2,0],)"
                  R"("data_offsets":[12,12]},)"
                  R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]},)"
                  R"("e3":{"dtype":"F32","shape":[0],"data_offsets":[36,36]}})",
                  floatBytes(values + 6, 3) + floatBytes(values, 6)));
  EXPECT_EQ(load(p), RNNRT_OK) << rnnrt_last_error_message();
  rnnrt_tensor_file_t *file = nullptr;
  ASSERT_EQ(rnnrt_tensor_file_open(p.c_str(), &file), RNNRT_OK);
  ASSERT_EQ(rnnrt_tensor_file_count(file), 5);
  const char *order[] = {"b", "e1", "e2", "w", "e3"};
  for (int i = 0; i < 5; ++i)
    EXPECT_STREQ(rnnrt_tensor_file_name(file, i), order[i]);
  rnnrt_tensor_file_destroy(file);
}

/// The reference reads __metadata__ as a map of strings to strings.
TEST_F(SafetensorsTest, MetadataValuesMustBeStrings) {
  EXPECT_STATUS(
      RNNRT_DATA_LOSS,
      loadHeader(
          R"({"__metadata__":{"format":"pt","epoch":3},)"
          R"("b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
          R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]}})"),
      "__metadata__ value of 'epoch' is a JSON number, not a string");
}

//===----------------------------------------------------------------------===//
// torch.save files
//===----------------------------------------------------------------------===//

/// What torch.save writes is recognized and explained, instead of "header
/// length 578712552184433488 exceeds the limit".
TEST_F(SafetensorsTest, TorchSaveFilesAreRecognized) {
  const std::string docs = "see docs/runtime.md, 'Saving parameters from "
                           "PyTorch'";
  const std::string message =
      "not a safetensors file (this looks like a torch.save archive); save "
      "the state_dict with safetensors instead (" +
      docs + ")";
  // torch >= 1.6: a ZIP archive ("PK\3\4", version, flags, method, ...).
  std::string zip = std::string("PK\x03\x04\x00\x00\x08\x08\x00\x00", 10) +
                    std::string(200, 'z');
  // The same with a zero version and flags: a header length of 67 MB, below
  // the 100 MB limit.
  std::string zipSmall =
      std::string("PK\x03\x04\0\0\0\0\0\0", 10) + std::string(200, 'z');
  // Legacy torch.save: pickle protocol 2 (PROTO 2, then the magic number as
  // a LONG1), and protocol 4 with a FRAME.
  std::string pickle2 =
      std::string("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19",
                  14) +
      std::string(100, '.');
  std::string pickle4 =
      std::string("\x80\x04\x95\x10\0\0\0\0\0\0\0", 11) + std::string(100, '.');
  for (const std::string *bytes : {&zip, &zipSmall, &pickle2, &pickle4}) {
    std::string p = writeFile("model.pt", *bytes);
    EXPECT_STATUS(RNNRT_DATA_LOSS, load(p), message);
    rnnrt_tensor_file_t *file = nullptr;
    EXPECT_STATUS(RNNRT_DATA_LOSS, rnnrt_tensor_file_open(p.c_str(), &file),
                  "this looks like a torch.save archive");
    EXPECT_EQ(file, nullptr);
  }
  // A real safetensors file whose 640-byte header length starts with the
  // same bytes as pickle protocol 2 (0x80 0x02) is still read.
  std::string json =
      R"({"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
      R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]}})";
  json.append(640 - json.size(), ' ');
  std::string p = writeFile(
      "640.safetensors",
      safetensors(json, floatBytes(values + 6, 3) + floatBytes(values, 6)));
  ASSERT_EQ(static_cast<unsigned char>(readFile(p)[0]), 0x80);
  ASSERT_EQ(readFile(p)[1], '\x02');
  EXPECT_EQ(load(p), RNNRT_OK) << rnnrt_last_error_message();
}

//===----------------------------------------------------------------------===//
// File content in messages
//===----------------------------------------------------------------------===//

/// Names and dtypes from a header are escaped: a NUL (\u0000 in JSON) used to
/// end the C string of the message early, and an escape sequence could
/// rewrite the terminal.
TEST_F(SafetensorsTest, MessagesEscapeFileContent) {
  EXPECT_STATUS(RNNRT_DATA_LOSS, loadHeader(R"({"w\u0000x\u001b[2J":5})"),
                "tensor 'w\\x00x\\x1b[2J': entry is not a JSON object");
  EXPECT_STATUS(
      RNNRT_INVALID_ARGUMENT,
      loadHeader(
          R"({"b":{"dtype":"I\u00002","shape":[3],)"
          R"("data_offsets":[0,12]},)"
          R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]}})"),
      "tensor 'b' has dtype I\\x002, expected F32");
  // Valid UTF-8 is kept, C1 controls and backslashes are escaped.
  EXPECT_STATUS(RNNRT_DATA_LOSS, loadHeader(R"({"\u00e9\u0085\\":5})"),
                "tensor '\xc3\xa9\\xc2\\x85\\\\': entry");
  // A huge name is cut.
  std::string longName(100000, 'n');
  EXPECT_STATUS(RNNRT_DATA_LOSS, loadHeader("{\"" + longName + "\":5}"),
                "tensor '" + std::string(256, 'n') + "...': entry");
  EXPECT_LT(std::strlen(rnnrt_last_error_message()), 1000u);
}

/// A malformed extra tensor makes the file corrupt even if unused.
TEST_F(SafetensorsTest, CorruptExtraTensorIsDataLoss) {
  EXPECT_STATUS(
      RNNRT_DATA_LOSS,
      loadHeader(R"({"b":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
                 R"("w":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]},)"
                 R"("x":{"dtype":"F32","shape":[1],"data_offsets":[36,40]}})"),
      "tensor 'x'");
}

TEST_F(SafetensorsTest, LoadArgumentErrors) {
  float p[9];
  std::string file = validFile();
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_load_safetensors(nullptr, table, 2, p, 9),
                "path is NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_load_safetensors(file.c_str(), table, 2, p, 8),
                "does not fit in 8");
  EXPECT_EQ(load(file), RNNRT_OK);
}

//===----------------------------------------------------------------------===//
// Save errors
//===----------------------------------------------------------------------===//

TEST_F(SafetensorsTest, SaveErrors) {
  EXPECT_STATUS(
      RNNRT_NOT_FOUND,
      rnnrt_params_save_safetensors(path("no/such/dir.safetensors").c_str(),
                                    table, 2, values, 9),
      "cannot create");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_save_safetensors(nullptr, table, 2, values, 9),
                "path is NULL");
  rnnc_param_info_t dup[2] = {table[0], table[0]};
  dup[1].offset = 3;
  dup[1].rank = 1;
  dup[1].shape[0] = 6;
  dup[1].shape[1] = 0;
  std::string p = path("dup.safetensors");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_save_safetensors(p.c_str(), dup, 2, values, 9),
                "'w' is reserved or duplicated");
  rnnc_param_info_t meta = table[1];
  meta.name = "__metadata__";
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_save_safetensors(p.c_str(), &meta, 1, values, 9),
                "reserved");
  rnnc_param_info_t bad = table[1];
  bad.name = "bad\xff";
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_save_safetensors(p.c_str(), &bad, 1, values, 9),
                "UTF-8");
  EXPECT_FALSE(std::filesystem::exists(p));
}

//===----------------------------------------------------------------------===//
// rnnrt_tensor_file_t
//===----------------------------------------------------------------------===//

TEST_F(SafetensorsTest, TensorFileListsTensorsByOffset) {
  rnnrt_tensor_file_t *file = nullptr;
  ASSERT_EQ(rnnrt_tensor_file_open(validFile().c_str(), &file), RNNRT_OK);
  ASSERT_EQ(rnnrt_tensor_file_count(file), 2);
  EXPECT_STREQ(rnnrt_tensor_file_name(file, 0), "b");
  EXPECT_STREQ(rnnrt_tensor_file_name(file, 1), "w");
  EXPECT_STREQ(rnnrt_tensor_file_dtype(file, 1), "F32");
  EXPECT_EQ(rnnrt_tensor_file_rank(file, 1), 2);
  EXPECT_EQ(rnnrt_tensor_file_dim(file, 1, 0), 2);
  EXPECT_EQ(rnnrt_tensor_file_dim(file, 1, 1), 3);
  EXPECT_EQ(rnnrt_tensor_file_numel(file, 1), 6);
  EXPECT_EQ(rnnrt_tensor_file_numel(file, 0), 3);

  // Out-of-range queries return sentinels.
  EXPECT_EQ(rnnrt_tensor_file_name(file, 2), nullptr);
  EXPECT_EQ(rnnrt_tensor_file_name(file, -1), nullptr);
  EXPECT_EQ(rnnrt_tensor_file_dtype(file, 2), nullptr);
  EXPECT_EQ(rnnrt_tensor_file_rank(file, 2), -1);
  EXPECT_EQ(rnnrt_tensor_file_dim(file, 1, 2), -1);
  EXPECT_EQ(rnnrt_tensor_file_dim(file, 1, -1), -1);
  EXPECT_EQ(rnnrt_tensor_file_numel(file, 9), -1);
  EXPECT_EQ(rnnrt_tensor_file_count(nullptr), 0);
  EXPECT_EQ(rnnrt_tensor_file_rank(nullptr, 0), -1);

  int64_t index = 99;
  ASSERT_EQ(rnnrt_tensor_file_find(file, "w", &index), RNNRT_OK);
  EXPECT_EQ(index, 1);
  float w[6];
  ASSERT_EQ(rnnrt_tensor_file_read_f32(file, index, w, 6), RNNRT_OK);
  EXPECT_EQ(std::memcmp(w, values, sizeof(w)), 0);

  EXPECT_STATUS(RNNRT_NOT_FOUND, rnnrt_tensor_file_find(file, "x", &index),
                "tensor 'x' not found");
  EXPECT_EQ(index, -1);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_tensor_file_find(file, nullptr, &index), "NULL");
  EXPECT_STATUS(RNNRT_OUT_OF_RANGE, rnnrt_tensor_file_read_f32(file, 1, w, 5),
                "buffer holds 5");
  EXPECT_STATUS(RNNRT_OUT_OF_RANGE, rnnrt_tensor_file_read_f32(file, 2, w, 6),
                "index 2");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_tensor_file_read_f32(file, 1, nullptr, 6), "NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_tensor_file_read_f32(nullptr, 1, w, 6), "NULL");
  rnnrt_tensor_file_destroy(file);
}

TEST_F(SafetensorsTest, TensorFileOpenErrors) {
  rnnrt_tensor_file_t *file = reinterpret_cast<rnnrt_tensor_file_t *>(1);
  EXPECT_STATUS(RNNRT_NOT_FOUND,
                rnnrt_tensor_file_open(path("none").c_str(), &file), "none");
  EXPECT_EQ(file, nullptr);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_tensor_file_open(nullptr, &file),
                "NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_tensor_file_open(validFile().c_str(), nullptr), "NULL");
}

/// Non-float tensors can be listed; reading them as float is refused.
TEST_F(SafetensorsTest, TensorFileNonFloatDtype) {
  std::string p = writeFile(
      "ints.safetensors",
      safetensors(
          R"({"i":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},)"
          R"("e":{"dtype":"F8_E4M3","shape":[0],"data_offsets":[16,16]}})",
          std::string(16, '\1')));
  rnnrt_tensor_file_t *file = nullptr;
  ASSERT_EQ(rnnrt_tensor_file_open(p.c_str(), &file), RNNRT_OK)
      << rnnrt_last_error_message();
  ASSERT_EQ(rnnrt_tensor_file_count(file), 2);
  EXPECT_STREQ(rnnrt_tensor_file_dtype(file, 0), "I64");
  float out[2];
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_tensor_file_read_f32(file, 0, out, 2),
                "tensor 'i' has dtype I64");
  rnnrt_tensor_file_destroy(file);
}

/// A file truncated after it was opened gives DATA_LOSS on read.
TEST_F(SafetensorsTest, TensorFileTruncatedAfterOpen) {
  std::string p = validFile();
  rnnrt_tensor_file_t *file = nullptr;
  ASSERT_EQ(rnnrt_tensor_file_open(p.c_str(), &file), RNNRT_OK);
  std::filesystem::resize_file(p, std::filesystem::file_size(p) - 4);
  float w[6];
  EXPECT_STATUS(RNNRT_DATA_LOSS, rnnrt_tensor_file_read_f32(file, 1, w, 6),
                "truncated");
  rnnrt_tensor_file_destroy(file);
}

} // namespace

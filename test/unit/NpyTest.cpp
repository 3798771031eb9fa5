//===- NpyTest.cpp - Tests of .npy arrays ---------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file tests rnnrt_array_t, .npy round trips for each dtype and rank,
// the exact bytes numpy would write, and the statuses for unsupported,
// corrupt, truncated and hostile files.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <cstring>
#include <filesystem>
#include <vector>

namespace {

using namespace rnnrt_test;

/// A .npy file of version `major`.0 with header text `dict` (padded as numpy
/// does) followed by `data`.
std::string npy(const std::string &dict, const std::string &data,
                int major = 1) {
  std::string header = dict;
  size_t prefix = major == 1 ? 10 : 12;
  header.append(64 - (prefix + header.size() + 1) % 64, ' ');
  header += '\n';
  std::string out = std::string("\x93NUMPY", 6) + static_cast<char>(major) +
                    '\0' + le(header.size(), major == 1 ? 2 : 4);
  return out + header + data;
}

class NpyTest : public TempDirTest {
protected:
  /// Reads `p`, expecting `expected`; on success returns the array.
  rnnrt_array_t *read(const std::string &p, rnnrt_status_t expected) {
    rnnrt_array_t *array = reinterpret_cast<rnnrt_array_t *>(1);
    rnnrt_status_t status = rnnrt_npy_read(p.c_str(), &array);
    EXPECT_EQ(status, expected) << rnnrt_last_error_message();
    if (status != RNNRT_OK) {
      EXPECT_EQ(array, nullptr);
    }
    return status == RNNRT_OK ? array : nullptr;
  }

  /// Writes a file with header `dict` and `data`, and expects `status` with
  /// a message containing `fragment`.
  void expectError(const std::string &dict, const std::string &data,
                   rnnrt_status_t status, const std::string &fragment) {
    SCOPED_TRACE(dict);
    std::string p = writeFile("bad.npy", npy(dict, data));
    rnnrt_array_t *array = nullptr;
    EXPECT_STATUS(status, rnnrt_npy_read(p.c_str(), &array), fragment);
    EXPECT_EQ(array, nullptr);
    rnnrt_array_destroy(array);
  }
};

//===----------------------------------------------------------------------===//
// Arrays
//===----------------------------------------------------------------------===//

TEST_F(NpyTest, DtypeSizesAndNames) {
  EXPECT_EQ(rnnrt_dtype_size(RNNRT_DTYPE_FLOAT32), 4);
  EXPECT_EQ(rnnrt_dtype_size(RNNRT_DTYPE_INT64), 8);
  EXPECT_EQ(rnnrt_dtype_size(RNNRT_DTYPE_INT32), 4);
  EXPECT_STREQ(rnnrt_dtype_name(RNNRT_DTYPE_INT64), "int64");
}

TEST_F(NpyTest, CreateAndAccessors) {
  int64_t shape[3] = {2, 3, 4};
  rnnrt_array_t *array = nullptr;
  ASSERT_EQ(rnnrt_array_create(RNNRT_DTYPE_INT32, shape, 3, &array), RNNRT_OK);
  EXPECT_EQ(rnnrt_array_dtype(array), RNNRT_DTYPE_INT32);
  EXPECT_EQ(rnnrt_array_rank(array), 3);
  EXPECT_EQ(rnnrt_array_shape(array, 2), 4);
  EXPECT_EQ(rnnrt_array_shape(array, 3), -1);
  EXPECT_EQ(rnnrt_array_shape(array, -1), -1);
  EXPECT_EQ(rnnrt_array_numel(array), 24);
  auto *data = static_cast<int32_t *>(rnnrt_array_data(array));
  ASSERT_NE(data, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % 64, 0u);
  for (int i = 0; i < 24; ++i)
    EXPECT_EQ(data[i], 0);
  rnnrt_array_destroy(array);

  EXPECT_EQ(rnnrt_array_rank(nullptr), -1);
  EXPECT_EQ(rnnrt_array_numel(nullptr), 0);
  EXPECT_EQ(rnnrt_array_data(nullptr), nullptr);
  EXPECT_EQ(rnnrt_array_shape(nullptr, 0), -1);
  rnnrt_array_destroy(nullptr);
}

TEST_F(NpyTest, CreateErrors) {
  rnnrt_array_t *array = nullptr;
  int64_t negative[1] = {-1};
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_array_create(RNNRT_DTYPE_FLOAT32, negative, 1, &array),
                "bad shape [-1]");
  int64_t huge[2] = {int64_t(1) << 31, int64_t(1) << 31};
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_array_create(RNNRT_DTYPE_INT64, huge, 2, &array),
                "overflows");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_array_create(RNNRT_DTYPE_FLOAT32, nullptr, 1, &array),
                "shape is NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_array_create(RNNRT_DTYPE_FLOAT32, negative, 33, &array),
                "rank 33");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_array_create(RNNRT_DTYPE_FLOAT32, nullptr, 0, nullptr),
                "out_array is NULL");
  EXPECT_EQ(array, nullptr);
}

//===----------------------------------------------------------------------===//
// Round trips
//===----------------------------------------------------------------------===//

/// Writes and reads back `data` with `shape`, comparing every byte.
template <typename T>
void roundTrip(NpyTest &test, const std::string &p, rnnrt_dtype_t dtype,
               std::vector<int64_t> shape, const std::vector<T> &data) {
  ASSERT_EQ(rnnrt_npy_write(p.c_str(), dtype, shape.data(),
                            static_cast<int64_t>(shape.size()), data.data()),
            RNNRT_OK)
      << rnnrt_last_error_message();
  rnnrt_array_t *array = nullptr;
  ASSERT_EQ(rnnrt_npy_read(p.c_str(), &array), RNNRT_OK)
      << rnnrt_last_error_message();
  EXPECT_EQ(rnnrt_array_dtype(array), dtype);
  ASSERT_EQ(rnnrt_array_rank(array), static_cast<int64_t>(shape.size()));
  for (size_t i = 0; i < shape.size(); ++i)
    EXPECT_EQ(rnnrt_array_shape(array, i), shape[i]);
  ASSERT_EQ(rnnrt_array_numel(array), static_cast<int64_t>(data.size()));
  ASSERT_NE(rnnrt_array_data(array), nullptr);
  if (!data.empty()) {
    EXPECT_EQ(std::memcmp(rnnrt_array_data(array), data.data(),
                          data.size() * sizeof(T)),
              0);
  }
  rnnrt_array_destroy(array);
  (void)test;
}

TEST_F(NpyTest, RoundTripFloat32) {
  std::vector<float> data(24);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = 0.1f * static_cast<float>(i) - 1.0f;
  roundTrip(*this, path("f.npy"), RNNRT_DTYPE_FLOAT32, {2, 3, 4}, data);
}

TEST_F(NpyTest, RoundTripInt64) {
  std::vector<int64_t> data = {0, -1,        int64_t(1) << 40,
                               7, INT64_MIN, INT64_MAX};
  roundTrip(*this, path("i8.npy"), RNNRT_DTYPE_INT64, {6}, data);
}

TEST_F(NpyTest, RoundTripInt32) {
  std::vector<int32_t> data = {1, -2, 3, INT32_MAX, INT32_MIN, 0};
  roundTrip(*this, path("i4.npy"), RNNRT_DTYPE_INT32, {3, 2}, data);
}

TEST_F(NpyTest, RoundTripScalarAndEmpty) {
  roundTrip(*this, path("scalar.npy"), RNNRT_DTYPE_FLOAT32, {},
            std::vector<float>{3.5f});
  roundTrip(*this, path("empty.npy"), RNNRT_DTYPE_INT64, {0, 5},
            std::vector<int64_t>{});
  // Empty data may be NULL.
  int64_t shape[1] = {0};
  EXPECT_EQ(rnnrt_npy_write(path("null.npy").c_str(), RNNRT_DTYPE_FLOAT32,
                            shape, 1, nullptr),
            RNNRT_OK);
}

/// The bytes are what numpy 1.24's np.save writes for the same array.
TEST_F(NpyTest, WritesNumpyBytes) {
  float data[6] = {1, 2, 3, 4, 5, 6};
  int64_t shape[2] = {2, 3};
  std::string p = path("np.npy");
  ASSERT_EQ(rnnrt_npy_write(p.c_str(), RNNRT_DTYPE_FLOAT32, shape, 2, data),
            RNNRT_OK);
  std::string bytes = readFile(p);
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  // np.save adds 20 spaces of room to grow the first axis, then pads.
  std::string header = dict + std::string(20, ' ');
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header += '\n';
  EXPECT_EQ(bytes, std::string("\x93NUMPY\x01\x00", 8) + le(header.size(), 2) +
                       header + floatBytes(data, 6));
  EXPECT_EQ((10 + header.size()) % 64, 0u);

  int64_t one[1] = {5};
  int32_t ints[5] = {};
  ASSERT_EQ(rnnrt_npy_write(p.c_str(), RNNRT_DTYPE_INT32, one, 1, ints),
            RNNRT_OK);
  EXPECT_NE(readFile(p).find("{'descr': '<i4', 'fortran_order': False, "
                             "'shape': (5,), }"),
            std::string::npos);
}

TEST_F(NpyTest, ArrayWriteNpy) {
  int64_t shape[1] = {3};
  rnnrt_array_t *array = nullptr;
  ASSERT_EQ(rnnrt_array_create(RNNRT_DTYPE_INT64, shape, 1, &array), RNNRT_OK);
  static_cast<int64_t *>(rnnrt_array_data(array))[1] = 42;
  std::string p = path("a.npy");
  ASSERT_EQ(rnnrt_array_write_npy(array, p.c_str()), RNNRT_OK);
  rnnrt_array_destroy(array);
  array = read(p, RNNRT_OK);
  ASSERT_NE(array, nullptr);
  EXPECT_EQ(static_cast<int64_t *>(rnnrt_array_data(array))[1], 42);
  rnnrt_array_destroy(array);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_array_write_npy(nullptr, p.c_str()), "array is NULL");
}

TEST_F(NpyTest, WriteErrors) {
  int64_t shape[1] = {2};
  float data[2] = {};
  EXPECT_STATUS(RNNRT_NOT_FOUND,
                rnnrt_npy_write(path("no/dir.npy").c_str(), RNNRT_DTYPE_FLOAT32,
                                shape, 1, data),
                "cannot create");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_npy_write(path("x.npy").c_str(), RNNRT_DTYPE_FLOAT32,
                                shape, 1, nullptr),
                "data is NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_npy_write(nullptr, RNNRT_DTYPE_FLOAT32, shape, 1, data),
                "path is NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_npy_write(path("x.npy").c_str(), RNNRT_DTYPE_FLOAT32,
                                shape, -1, data),
                "rank -1");
  EXPECT_FALSE(std::filesystem::exists(path("x.npy")));
}

//===----------------------------------------------------------------------===//
// Reading what numpy may write
//===----------------------------------------------------------------------===//

TEST_F(NpyTest, ReadsVersions2And3AndOtherSpellings) {
  float data[2] = {1.5f, -2.5f};
  for (int major : {1, 2, 3}) {
    for (const char *descr : {"<f4", "|f4", "=f4"}) {
      SCOPED_TRACE(std::string(descr) + " v" + std::to_string(major));
      std::string p = writeFile(
          "v.npy", npy(std::string("{'descr': '") + descr +
                           "', 'fortran_order': False, 'shape': (2,), }",
                       floatBytes(data, 2), major));
      rnnrt_array_t *array = read(p, RNNRT_OK);
      ASSERT_NE(array, nullptr);
      EXPECT_EQ(static_cast<float *>(rnnrt_array_data(array))[1], -2.5f);
      rnnrt_array_destroy(array);
    }
  }
  // Any key order, double quotes, no trailing comma, Python 2 longs, and
  // trailing bytes after the data (ignored, as numpy does).
  std::string p = writeFile(
      "odd.npy",
      npy(R"({"shape": (1L, 2L), "fortran_order": False, "descr": "<i4"})",
          le(7, 4) + le(9, 4) + "tail"));
  rnnrt_array_t *array = read(p, RNNRT_OK);
  ASSERT_NE(array, nullptr);
  EXPECT_EQ(rnnrt_array_rank(array), 2);
  EXPECT_EQ(static_cast<int32_t *>(rnnrt_array_data(array))[1], 9);
  rnnrt_array_destroy(array);
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST_F(NpyTest, MissingFileAndArguments) {
  rnnrt_array_t *array = nullptr;
  EXPECT_STATUS(RNNRT_NOT_FOUND,
                rnnrt_npy_read(path("none.npy").c_str(), &array), "none.npy");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_npy_read(nullptr, &array),
                "NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_npy_read(path("none.npy").c_str(), nullptr), "NULL");
}

TEST_F(NpyTest, Unsupported) {
  expectError("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
              std::string(16, '\0'), RNNRT_UNIMPLEMENTED, "Fortran-ordered");
  expectError("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
              std::string(8, '\0'), RNNRT_UNIMPLEMENTED, "big-endian");
  expectError("{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }",
              std::string(16, '\0'), RNNRT_UNIMPLEMENTED, "big-endian");
  expectError("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
              std::string(16, '\0'), RNNRT_UNIMPLEMENTED,
              "unsupported .npy dtype '<f8'");
  expectError("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }",
              std::string(2, '\0'), RNNRT_UNIMPLEMENTED, "'|u1'");
  expectError("{'descr': '', 'fortran_order': False, 'shape': (2,), }",
              std::string(8, '\0'), RNNRT_UNIMPLEMENTED, "dtype ''");
}

TEST_F(NpyTest, BadMagicAndVersion) {
  rnnrt_array_t *array = nullptr;
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                rnnrt_npy_read(writeFile("m1", "").c_str(), &array),
                "bad magic");
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                rnnrt_npy_read(writeFile("m2", "\x93NUMP").c_str(), &array),
                "bad magic");
  std::string good =
      npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", le(0, 4));
  std::string bad = good;
  bad[1] = 'X';
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                rnnrt_npy_read(writeFile("m3", bad).c_str(), &array),
                "bad magic");
  bad = good;
  bad[6] = 4;
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                rnnrt_npy_read(writeFile("m4", bad).c_str(), &array),
                "version 4.0");
  bad = good;
  bad[7] = 1;
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                rnnrt_npy_read(writeFile("m5", bad).c_str(), &array),
                "version 1.1");
  // Version 2 needs a 4-byte header length.
  EXPECT_STATUS(
      RNNRT_DATA_LOSS,
      rnnrt_npy_read(
          writeFile("m6", std::string("\x93NUMPY\x02\x00\x10", 9)).c_str(),
          &array),
      "truncated .npy header");
  EXPECT_EQ(array, nullptr);
}

TEST_F(NpyTest, HeaderLengthBeyondFile) {
  rnnrt_array_t *array = nullptr;
  std::string v1 = std::string("\x93NUMPY\x01\x00", 8) + le(1000, 2) + "{}";
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                rnnrt_npy_read(writeFile("l1", v1).c_str(), &array),
                "runs past the end");
  std::string v2 =
      std::string("\x93NUMPY\x02\x00", 8) + le(0xFFFFFFFFu, 4) + "{}";
  EXPECT_STATUS(RNNRT_DATA_LOSS,
                rnnrt_npy_read(writeFile("l2", v2).c_str(), &array),
                "exceeds the limit");
}

TEST_F(NpyTest, TruncatedData) {
  expectError("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
              std::string(23, '\0'), RNNRT_DATA_LOSS,
              "shape [2, 3] needs 24 bytes, the file has 23");
  expectError("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", "",
              RNNRT_DATA_LOSS, "truncated");
}

TEST_F(NpyTest, HostileShapes) {
  // Element count overflow, byte count overflow, int64 overflow of a dim,
  // and a huge but representable shape with no data (no huge allocation).
  expectError("{'descr': '<f4', 'fortran_order': False, "
              "'shape': (4294967296, 4294967296), }",
              "", RNNRT_DATA_LOSS, "element count");
  expectError("{'descr': '<i8', 'fortran_order': False, "
              "'shape': (2305843009213693952,), }",
              "", RNNRT_DATA_LOSS, "byte size");
  expectError("{'descr': '<f4', 'fortran_order': False, "
              "'shape': (99999999999999999999,), }",
              "", RNNRT_DATA_LOSS, "overflows int64");
  expectError("{'descr': '<f4', 'fortran_order': False, "
              "'shape': (1000000000, 1000), }",
              "", RNNRT_DATA_LOSS, "truncated");
  expectError("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "",
              RNNRT_DATA_LOSS, "non-negative integer");
  expectError("{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,), }", "",
              RNNRT_DATA_LOSS, "expected ',' or ')'");
  std::string deep = "(";
  for (int i = 0; i < 40; ++i)
    deep += "1, ";
  expectError("{'descr': '<f4', 'fortran_order': False, 'shape': " + deep +
                  "), }",
              "", RNNRT_DATA_LOSS, "more than 32 dimensions");
}

/// Header bytes echoed in a message are escaped: a NUL used to end the C
/// string early ("unsupported .npy dtype '<f"), and other bytes could be
/// terminal escapes or invalid UTF-8.
TEST_F(NpyTest, MessagesEscapeHeaderBytes) {
  expectError(std::string("{'descr': '<f\0"
                          "4', 'fortran_order': False, "
                          "'shape': (2,), }",
                          58),
              std::string(8, '\0'), RNNRT_UNIMPLEMENTED,
              "unsupported .npy dtype '<f\\x004' (expected '<f4'");
  expectError("{'descr': '\x1b[2J\xff\x7f', 'fortran_order': False, "
              "'shape': (2,), }",
              std::string(8, '\0'), RNNRT_UNIMPLEMENTED,
              "dtype '\\x1b[2J\\xff\\x7f'");
  expectError(std::string("{'k\0ey': 'a', 'k\0ey': 'b'}", 26),
              std::string(8, '\0'), RNNRT_DATA_LOSS,
              "duplicate key 'k\\x00ey'");
  // A long descr is cut.
  expectError("{'descr': '" + std::string(5000, 'x') +
                  "', 'fortran_order': False, 'shape': (2,), }",
              std::string(8, '\0'), RNNRT_UNIMPLEMENTED,
              "dtype '" + std::string(256, 'x') + "...' (expected");
}

TEST_F(NpyTest, MalformedHeaders) {
  const char *cases[][2] = {
      {"", "expected '{'"},
      {"[1, 2]", "expected '{'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), ",
       "expected a string"},
      {"{'descr': '<f4', 'fortran_order': False}", "exactly the keys"},
      {"{'descr': '<f4', 'shape': (2,)}", "exactly the keys"},
      {"{'fortran_order': False, 'shape': (2,)}", "exactly the keys"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 'y'}",
       "exactly the keys"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False}",
       "duplicate key 'descr'"},
      {"{'descr': 4, 'fortran_order': False, 'shape': (2,)}",
       "expected a string, True, False or a tuple"},
      {"{'descr': ('<f4',), 'fortran_order': False, 'shape': (2,)}",
       "non-negative integer"},
      {"{'descr': '<f4', 'fortran_order': 'no', 'shape': (2,)}", "wrong type"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': '2'}", "wrong type"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2)}",
       "must be written (n,)"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,) junk}",
       "expected ',' or '}'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} junk",
       "trailing characters"},
      {"{'descr': '<f4, 'fortran_order': False, 'shape': (2,)}",
       "expected ',' or '}'"},
      {"{'descr' '<f4', 'fortran_order': False, 'shape': (2,)}",
       "expected ':'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,", "expected"},
      {"{'descr': 'a\\'b', 'fortran_order': False, 'shape': (2,)}",
       "unsupported character"},
      {"{'descr", "unterminated string"},
  };
  for (const auto &c : cases)
    expectError(c[0], std::string(8, '\0'), RNNRT_DATA_LOSS, c[1]);
}

} // namespace

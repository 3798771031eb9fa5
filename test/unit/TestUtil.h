//===- TestUtil.h - Helpers for the runtime unit tests ----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares a fixture that gives each test a fresh temporary
// directory, and helpers to write raw fixture files (hostile ones included)
// from the test itself, so that no binary fixtures are committed.
//
//===----------------------------------------------------------------------===//

#ifndef RNNRT_TEST_UNIT_TESTUTIL_H
#define RNNRT_TEST_UNIT_TESTUTIL_H

#include "rnnrt/rnnrt.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace rnnrt_test {

/// A test with its own temporary directory, removed afterwards.
class TempDirTest : public ::testing::Test {
protected:
  void SetUp() override {
    const char *base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base && *base ? base : "/tmp") + "/rnnrt-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  /// The path of `name` inside the temporary directory.
  std::string path(const std::string &name) const { return dir + "/" + name; }

  /// Writes `bytes` to `name` and returns its path.
  std::string writeFile(const std::string &name, const std::string &bytes) {
    std::string p = path(name);
    std::ofstream out(p, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return p;
  }

  /// Reads the whole file at `p`.
  static std::string readFile(const std::string &p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::string dir;
};

/// `value` as `n` little-endian bytes.
inline std::string le(uint64_t value, int n) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += static_cast<char>((value >> (8 * i)) & 0xFF);
  return out;
}

/// The bytes of `n` floats.
inline std::string floatBytes(const float *data, size_t n) {
  return std::string(reinterpret_cast<const char *>(data), n * sizeof(float));
}

/// Expects `status` to be `expected` and the last error message to contain
/// `fragment`.
#define EXPECT_STATUS(expected, status, fragment)                              \
  do {                                                                         \
    rnnrt_status_t actual_ = (status);                                         \
    EXPECT_EQ(actual_, (expected))                                             \
        << rnnrt_status_string(actual_) << ": " << rnnrt_last_error_message(); \
    EXPECT_NE(std::string(rnnrt_last_error_message()).find(fragment),          \
              std::string::npos)                                               \
        << "message: " << rnnrt_last_error_message();                          \
  } while (false)

} // namespace rnnrt_test

#endif // RNNRT_TEST_UNIT_TESTUTIL_H

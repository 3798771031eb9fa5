//===- ParamsTest.cpp - Tests of default parameter initialization ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file tests rnnrt_params_init_default: determinism, ranges, rough
// moments of each distribution, and table validation.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace {

using namespace rnnrt_test;

/// A row of rank 1 or 2.
rnnc_param_info_t row(const char *name, int64_t d0, int64_t d1, int64_t offset,
                      int32_t init, float scale) {
  rnnc_param_info_t r = {};
  r.name = name;
  r.rank = d1 ? 2 : 1;
  r.shape[0] = d0;
  r.shape[1] = d1;
  r.numel = d1 ? d0 * d1 : d0;
  r.offset = offset;
  r.init = init;
  r.init_scale = scale;
  return r;
}

/// An embedding (normal), an RNN weight and bias (uniform).
std::vector<rnnc_param_info_t> sampleTable() {
  return {row("embedding.weight", 100, 50, 0, RNNC_INIT_NORMAL, 1.0f),
          row("rnn.weight_ih_l0", 200, 50, 5000, RNNC_INIT_UNIFORM, 0.125f),
          row("rnn.bias_ih_l0", 7, 0, 15000, RNNC_INIT_UNIFORM, 0.5f)};
}
constexpr int64_t kSampleSize = 15007;

TEST(ParamsInitTest, SameSeedSameValues) {
  auto table = sampleTable();
  std::vector<float> a(kSampleSize), b(kSampleSize), c(kSampleSize);
  ASSERT_EQ(
      rnnrt_params_init_default(table.data(), 3, a.data(), kSampleSize, 1234),
      RNNRT_OK);
  ASSERT_EQ(
      rnnrt_params_init_default(table.data(), 3, b.data(), kSampleSize, 1234),
      RNNRT_OK);
  ASSERT_EQ(
      rnnrt_params_init_default(table.data(), 3, c.data(), kSampleSize, 1235),
      RNNRT_OK);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

/// Values are a function of the seed only: these pin the algorithm
/// (mt19937_64, 53-bit uniforms, Box-Muller), so a change that would alter
/// every user's initial weights is caught.
TEST(ParamsInitTest, PinnedValues) {
  rnnc_param_info_t table[2] = {row("u", 4, 0, 0, RNNC_INIT_UNIFORM, 1.0f),
                                row("n", 3, 0, 4, RNNC_INIT_NORMAL, 1.0f)};
  float params[7];
  ASSERT_EQ(rnnrt_params_init_default(table, 2, params, 7, 0), RNNRT_OK);
  // Uniforms are exact arithmetic on the engine output: bit-exact.
  const float uniforms[4] = {-0.0358577073f, -0.804729581f, -0.0413136333f,
                             -0.105999783f};
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(params[i], uniforms[i]);
  // Normals go through libm's log/sqrt/cos/sin: allow an ulp or two.
  const float normals[3] = {-0.510454297f, 0.951003671f, -1.2840687f};
  for (int i = 0; i < 3; ++i)
    EXPECT_NEAR(params[4 + i], normals[i], 1e-6);
  // Recompute the first uniform by hand from the documented derivation.
  auto mix = [](uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
  };
  std::mt19937_64 engine(mix(0 ^ mix(0)));
  double u = static_cast<double>(engine() >> 11) * 0x1.0p-53;
  EXPECT_EQ(params[0], static_cast<float>(2.0 * u - 1.0));
}

/// A row's values do not depend on the rows before it.
TEST(ParamsInitTest, RowsAreIndependentOfOtherRowSizes) {
  rnnc_param_info_t small[2] = {row("a", 2, 0, 0, RNNC_INIT_UNIFORM, 1.0f),
                                row("b", 5, 0, 2, RNNC_INIT_UNIFORM, 1.0f)};
  rnnc_param_info_t large[2] = {row("a", 9, 0, 0, RNNC_INIT_UNIFORM, 1.0f),
                                row("b", 5, 0, 9, RNNC_INIT_UNIFORM, 1.0f)};
  float x[7], y[14];
  ASSERT_EQ(rnnrt_params_init_default(small, 2, x, 7, 5), RNNRT_OK);
  ASSERT_EQ(rnnrt_params_init_default(large, 2, y, 14, 5), RNNRT_OK);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(x[2 + i], y[9 + i]);
}

/// Uniform values lie in [-a, a] with mean ~0 and variance ~a^2/3; normal
/// values have mean ~0 and std ~scale. Bounds are ~6 standard errors wide.
TEST(ParamsInitTest, Moments) {
  auto table = sampleTable();
  std::vector<float> p(kSampleSize, 99.0f);
  ASSERT_EQ(
      rnnrt_params_init_default(table.data(), 3, p.data(), kSampleSize, 7),
      RNNRT_OK);
  auto moments = [&](int64_t begin, int64_t n, double &mean, double &std) {
    double sum = 0, sumSq = 0;
    for (int64_t i = begin; i < begin + n; ++i) {
      sum += p[i];
      sumSq += double(p[i]) * p[i];
    }
    mean = sum / n;
    std = std::sqrt(sumSq / n - mean * mean);
  };
  double mean, std;
  moments(0, 5000, mean, std);
  EXPECT_NEAR(mean, 0.0, 6.0 / std::sqrt(5000.0));
  EXPECT_NEAR(std, 1.0, 0.05);

  moments(5000, 10000, mean, std);
  EXPECT_NEAR(mean, 0.0, 6.0 * 0.125 / std::sqrt(3.0 * 10000));
  EXPECT_NEAR(std, 0.125 / std::sqrt(3.0), 0.005);
  for (int64_t i = 5000; i < 15000; ++i) {
    ASSERT_GE(p[i], -0.125f);
    ASSERT_LE(p[i], 0.125f);
  }
  for (int64_t i = 15000; i < kSampleSize; ++i) {
    EXPECT_GE(p[i], -0.5f);
    EXPECT_LE(p[i], 0.5f);
  }
}

TEST(ParamsInitTest, ZeroScaleGivesZeros) {
  rnnc_param_info_t table[2] = {row("u", 3, 0, 0, RNNC_INIT_UNIFORM, 0.0f),
                                row("n", 3, 0, 3, RNNC_INIT_NORMAL, 0.0f)};
  float p[6] = {1, 1, 1, 1, 1, 1};
  ASSERT_EQ(rnnrt_params_init_default(table, 2, p, 6, 1), RNNRT_OK);
  for (float v : p)
    EXPECT_EQ(std::fabs(v), 0.0f);
}

/// Floats outside every row stay as they were.
TEST(ParamsInitTest, GapsAreUntouched) {
  rnnc_param_info_t table[1] = {row("w", 2, 0, 1, RNNC_INIT_UNIFORM, 1.0f)};
  float p[4] = {42, 42, 42, 42};
  ASSERT_EQ(rnnrt_params_init_default(table, 1, p, 4, 1), RNNRT_OK);
  EXPECT_EQ(p[0], 42.0f);
  EXPECT_EQ(p[3], 42.0f);
}

TEST(ParamsInitTest, InvalidTables) {
  float p[8] = {};
  rnnc_param_info_t good = row("w", 2, 3, 0, RNNC_INIT_UNIFORM, 1.0f);
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(&good, -1, p, 8, 0), "negative");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(nullptr, 1, p, 8, 0), "NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(&good, 1, nullptr, 8, 0), "NULL");
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(&good, 1, p, -8, 0), "negative");

  rnnc_param_info_t bad = good;
  bad.name = nullptr;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(&bad, 1, p, 8, 0), "NULL name");
  bad = good;
  bad.rank = 5;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(&bad, 1, p, 8, 0), "rank 5");
  bad = good;
  bad.numel = 5;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(&bad, 1, p, 8, 0),
                "numel 5 but shape [2, 3]");
  bad = good;
  bad.shape[0] = -2;
  bad.numel = -6;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(&bad, 1, p, 8, 0), "bad shape");
  bad = good;
  bad.offset = 3;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(&bad, 1, p, 8, 0),
                "does not fit in 8");
  bad = good;
  bad.offset = std::numeric_limits<int64_t>::max() - 2;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(&bad, 1, p, 8, 0), "does not fit");
  bad = good;
  bad.rank = 2;
  bad.shape[0] = int64_t(1) << 40;
  bad.shape[1] = int64_t(1) << 40;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(&bad, 1, p, 8, 0), "bad shape");
  bad = good;
  bad.init = 7;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(&bad, 1, p, 8, 0), "init kind 7");
  bad = good;
  bad.init_scale = std::numeric_limits<float>::quiet_NaN();
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(&bad, 1, p, 8, 0), "init scale");
  bad = good;
  bad.init_scale = -1;
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT,
                rnnrt_params_init_default(&bad, 1, p, 8, 0), "init scale");
}

/// Nothing is written when a later row is invalid.
TEST(ParamsInitTest, NothingWrittenOnError) {
  rnnc_param_info_t table[2] = {row("a", 2, 0, 0, RNNC_INIT_UNIFORM, 1.0f),
                                row("b", 2, 0, 7, RNNC_INIT_UNIFORM, 1.0f)};
  float p[4] = {5, 5, 5, 5};
  EXPECT_EQ(rnnrt_params_init_default(table, 2, p, 4, 1),
            RNNRT_INVALID_ARGUMENT);
  for (float v : p)
    EXPECT_EQ(v, 5.0f);
}

} // namespace

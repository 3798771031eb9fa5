//===- Params.cpp - Default parameter initialization ----------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements rnnrt_params_init_default. The standard library's
// distributions are implementation-defined, so floats are derived from the
// raw 64-bit outputs of std::mt19937_64 (whose sequence the standard fixes)
// to give the same values everywhere.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include <cmath>
#include <random>

using namespace rnnrt;

/// SplitMix64's finalizer: spreads a seed and a row index over all 64 bits so
/// that neighbouring seeds give unrelated streams.
static uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// A uniform double in [0, 1) from the top 53 bits of one engine output.
static double uniform01(std::mt19937_64 &engine) {
  return static_cast<double>(engine() >> 11) * 0x1.0p-53;
}

/// Fills `out` with U(-scale, scale).
static void fillUniform(std::mt19937_64 &engine, float *out, int64_t n,
                        double scale) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = static_cast<float>((2.0 * uniform01(engine) - 1.0) * scale);
}

/// Fills `out` with N(0, scale^2) by the Box-Muller transform, two values
/// per pair of uniforms; the second value of the last pair is dropped for an
/// odd count.
static void fillNormal(std::mt19937_64 &engine, float *out, int64_t n,
                       double scale) {
  const double twoPi = 6.283185307179586476925286766559;
  for (int64_t i = 0; i < n; i += 2) {
    // u1 in (0, 1] keeps log() finite.
    double u1 = 1.0 - uniform01(engine);
    double u2 = uniform01(engine);
    double radius = std::sqrt(-2.0 * std::log(u1)) * scale;
    out[i] = static_cast<float>(radius * std::cos(twoPi * u2));
    if (i + 1 < n)
      out[i + 1] = static_cast<float>(radius * std::sin(twoPi * u2));
  }
}

rnnrt_status_t rnnrt_params_init_default(const rnnc_param_info_t *table,
                                         int64_t count, float *params,
                                         int64_t param_size, uint64_t seed) {
  return guard("rnnrt_params_init_default", [&] {
    if (rnnrt_status_t status = validateTable("rnnrt_params_init_default",
                                              table, count, params, param_size))
      return status;
    for (int64_t i = 0; i < count; ++i) {
      const rnnc_param_info_t &row = table[i];
      std::mt19937_64 engine(mix64(seed ^ mix64(static_cast<uint64_t>(i))));
      float *out = params + row.offset;
      if (row.init == RNNC_INIT_NORMAL)
        fillNormal(engine, out, row.numel, row.init_scale);
      else
        fillUniform(engine, out, row.numel, row.init_scale);
    }
    return RNNRT_OK;
  });
}

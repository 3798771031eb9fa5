//===- params.h - Parameter table and default initialization ------*- C -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares the parameter table that a compiled model exports (see
// docs/abi.md) and the runtime's PyTorch-style default initialization of a
// flat parameter buffer described by such a table.
//
//===----------------------------------------------------------------------===//

#ifndef RNNRT_PARAMS_H
#define RNNRT_PARAMS_H

#include "rnnrt/status.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

//===----------------------------------------------------------------------===//
// rnnc_param_info_t
//===----------------------------------------------------------------------===//

// The generated model header declares the same struct and macros behind the
// same guards, so both headers can be included in one translation unit.
#ifndef RNNC_PARAM_INFO_T_DEFINED
#define RNNC_PARAM_INFO_T_DEFINED
/// One tensor of a model's flat parameter buffer (docs/abi.md).
// clang-format off
typedef struct rnnc_param_info_t {
  const char *name;  /* state_dict name, e.g. "rnn.weight_ih_l0"             */
  int64_t rank;      /* 1 or 2                                               */
  int64_t shape[4];  /* unused trailing entries are 0                        */
  int64_t offset;    /* offset in floats in the flat parameter buffer        */
  int64_t numel;     /* product of shape                                     */
  int32_t init;      /* RNNC_INIT_UNIFORM or RNNC_INIT_NORMAL (PyTorch default init) */
  float init_scale;  /* uniform: bound a of U(-a, a); normal: std of N(0, std) */
} rnnc_param_info_t;
// clang-format on
#endif // RNNC_PARAM_INFO_T_DEFINED

#ifndef RNNC_INIT_UNIFORM
/// U(-init_scale, init_scale): nn.RNN and nn.Linear tensors.
#define RNNC_INIT_UNIFORM 0
#endif
#ifndef RNNC_INIT_NORMAL
/// N(0, init_scale^2): nn.Embedding weights.
#define RNNC_INIT_NORMAL 1
#endif

//===----------------------------------------------------------------------===//
// Default initialization
//===----------------------------------------------------------------------===//

/// Fills every tensor of `table` (of `count` rows) inside `params` (of
/// `param_size` floats) with random values drawn per its `init` and
/// `init_scale` fields: U(-a, a) for RNNC_INIT_UNIFORM, N(0, a^2) for
/// RNNC_INIT_NORMAL.
///
/// Values depend only on `seed`, the row index and the row's numel, init and
/// scale: each row gets its own std::mt19937_64 stream seeded from `seed` and
/// the row index, and floats are derived from the raw 64-bit outputs (53-bit
/// uniforms, Box-Muller for normals), so the same seed gives the same values
/// with any compiler and standard library (up to the last bit of libm's
/// log/cos for normals). Floats not covered by any row are left untouched.
///
/// Ownership: nothing is retained; `table` and `params` belong to the caller.
/// NULL: `table` may be NULL only if `count` is 0, `params` only if
/// `param_size` is 0. Thread-safe for distinct `params` buffers.
/// Errors: RNNRT_INVALID_ARGUMENT for a negative count or size, a NULL
/// pointer, a row with a NULL name, a rank outside [0, 4], a negative dim, a
/// numel that is not the product of the shape, a row outside
/// [0, param_size), an unknown init kind, or a negative or non-finite scale.
/// Nothing is written on error.
RNNRT_API rnnrt_status_t
rnnrt_params_init_default(const rnnc_param_info_t *table, int64_t count,
                          float *params, int64_t param_size, uint64_t seed);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // RNNRT_PARAMS_H

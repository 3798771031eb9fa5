//===- report.h - Messages of generated model functions -----------*- C -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// The functions rnnc's generated code calls when an entry point rejects its
// arguments, so that rnnrt_last_error_message() says which argument and,
// for a buffer, which element (`m_forward: lengths[2] = 0 is outside
// [1, 9]`) instead of a bare status code. The generated code references
// them weakly: an object linked without librnnrt returns the same status
// codes, without the message. Programs have no reason to call them.
//
//===----------------------------------------------------------------------===//

#ifndef RNNRT_REPORT_H
#define RNNRT_REPORT_H

#include "rnnrt/status.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Sets the calling thread's last error message to `message`, followed by
/// ", got <value>" when `has_value` is non-zero. NULL `message`: "".
RNNRT_API void rnnrt_report_error(const char *message, int64_t value,
                                  int32_t has_value);

/// Finds the first of the `count` integers of `element_bits` bits (32 or
/// 64) at `data` that is outside [`low`, `high`] and, when `has_also` is
/// non-zero, is not `also`; sets the calling thread's last error message to
/// "<message>[i] = v is outside [low, high]" (with "[i, j]" when `inner`,
/// the size of the buffer's last dimension, is positive, and " and is not
/// ignore_index (also)" with `has_also`). Without such an element (the
/// caller changed the buffer during the call), or with NULL `data`, says
/// only that an element was out of range.
RNNRT_API void rnnrt_report_out_of_range(const char *message, const void *data,
                                         int32_t element_bits, int64_t count,
                                         int64_t inner, int64_t low,
                                         int64_t high, int64_t also,
                                         int32_t has_also);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // RNNRT_REPORT_H

//===- CApiTest.c - The runtime headers compile as C99 ------------*- C -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file is compiled as strict C99 to prove that rnnrt.h is plain C, and
// that a generated model header's guarded copy of the table struct can
// follow it. StatusTest.cpp calls the function below.
//
//===----------------------------------------------------------------------===//

#include "rnnrt/rnnrt.h"

#include <string.h>

/* What a generated model header repeats; the guards make it a no-op here. */
#ifndef RNNC_PARAM_INFO_T_DEFINED
#define RNNC_PARAM_INFO_T_DEFINED
typedef struct rnnc_param_info_t {
  const char *name;
} rnnc_param_info_t;
#endif
#ifndef RNNC_INIT_UNIFORM
#define RNNC_INIT_UNIFORM 0
#endif

/// Returns 0 if a few C calls behave; used from StatusTest.cpp.
int rnnrtCApiSmokeTest(void);
/// Returns 0 if out-of-range enum values are rejected; used from
/// StatusTest.cpp.
int rnnrtCApiInvalidEnumsTest(void);

int rnnrtCApiSmokeTest(void) {
  rnnc_param_info_t table[1] = {
      {"w", 1, {4, 0, 0, 0}, 0, 4, RNNC_INIT_UNIFORM, 0.5f}};
  float params[4];
  int64_t shape[1] = {4};
  rnnrt_array_t *array = NULL;
  if (rnnrt_params_init_default(table, 1, params, 4, 42) != RNNRT_OK)
    return 1;
  if (strcmp(rnnrt_status_string(RNNRT_DATA_LOSS), "DATA_LOSS") != 0)
    return 2;
  if (rnnrt_array_create(RNNRT_DTYPE_FLOAT32, shape, 1, &array) != RNNRT_OK)
    return 3;
  memcpy(rnnrt_array_data(array), params, sizeof(params));
  if (rnnrt_array_numel(array) != 4 || rnnrt_array_rank(array) != 1)
    return 4;
  rnnrt_array_destroy(array);
  rnnrt_array_destroy(NULL);
  rnnrt_tensor_file_destroy(NULL);
  return 0;
}

int rnnrtCApiInvalidEnumsTest(void) {
  int64_t shape[1] = {2};
  float data[2] = {0, 0};
  rnnrt_array_t *array = NULL;
  if (strcmp(rnnrt_status_string((rnnrt_status_t)-1), "UNKNOWN_STATUS") != 0)
    return 1;
  if (strcmp(rnnrt_status_string((rnnrt_status_t)1000), "UNKNOWN_STATUS") != 0)
    return 2;
  if (rnnrt_dtype_size((rnnrt_dtype_t)9) != 0)
    return 3;
  if (strcmp(rnnrt_dtype_name((rnnrt_dtype_t)-3), "unknown") != 0)
    return 4;
  if (rnnrt_array_create((rnnrt_dtype_t)7, shape, 1, &array) !=
          RNNRT_INVALID_ARGUMENT ||
      array != NULL || !strstr(rnnrt_last_error_message(), "unknown dtype 7"))
    return 5;
  if (rnnrt_npy_write("unused.npy", (rnnrt_dtype_t)42, shape, 1, data) !=
      RNNRT_INVALID_ARGUMENT)
    return 6;
  return 0;
}

// SPDX-License-Identifier: Apache-2.0
//
/// Links an object written by rnnc with the runtime from plain C and checks
/// the generated ABI: the parameter table, argument validation (status codes,
/// the runtime's message naming the argument and element, nothing written on
/// error), NULL lengths/h0/h_n defaults, and that results
/// do not depend on the workspace's previous contents or on earlier calls.
//
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: rnnc %S/Inputs/tokens.rnn -o %t.dir/tokens.o
// RUN: %cc -std=c11 -Wall -Werror -I%t.dir -I%rnnrt_include -c %s -o %t.main.o
// RUN: %cc %t.main.o %t.dir/tokens.o -L%rnnrt_libdir -lrnnrt -Wl,-rpath,%rnnrt_libdir -lm -o %t.exe
// RUN: %t.exe | FileCheck %s
// CHECK: params: 11 tensors, 346 floats
// CHECK-NEXT: 0 embedding.weight (11, 5) offset 0
// CHECK: 1 rnn.weight_ih_l0 (8, 5) offset 55
// CHECK: 7 rnn.bias_ih_l0_reverse (8) offset 279
// CHECK: 10 fc.bias (3) offset 343
// CHECK: ok: valid call
// CHECK: ok: length 0 rejected
// CHECK-NEXT: message: tokens_forward: lengths[1] = 0 is outside [1, 6]
// CHECK: ok: length > T rejected
// CHECK-NEXT: message: tokens_forward: lengths[1] = 7 is outside [1, 6]
// CHECK: ok: token id V rejected
// CHECK-NEXT: message: tokens_forward: input[1, 1] = 11 is outside [0, 10]
// CHECK: ok: negative token id rejected
// CHECK-NEXT: message: tokens_forward: input[1, 1] = -1 is outside [0, 10]
// CHECK: ok: batch 0 rejected
// CHECK-NEXT: message: tokens_forward: batch must be at least 1, got 0
// CHECK: ok: NULL params rejected
// CHECK-NEXT: message: tokens_forward: params must not be NULL
// CHECK: ok: NULL lengths means full length
// CHECK: ok: NULL h0 means zeros
// CHECK: ok: NULL h_n accepted
// CHECK: ok: workspace contents do not matter
// CHECK: all checks passed

#include "tokens.h"

#include <rnnrt/rnnrt.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B 4
#define T 6

static int failures = 0;

static void expect(int condition, const char *what) {
  printf("%s: %s\n", condition ? "ok" : "FAILED", what);
  failures += !condition;
}

static int same(const float *a, const float *b, int n) {
  for (int i = 0; i < n; ++i)
    if (fabsf(a[i] - b[i]) > 1e-6f)
      return 0;
  return 1;
}

int main(void) {
  const rnnc_param_info_t *info = tokens_param_info();
  printf("params: %lld tensors, %lld floats\n", (long long)tokens_num_params(),
         (long long)tokens_param_size());
  for (int64_t i = 0; i < tokens_num_params(); ++i) {
    printf("%lld %s (", (long long)i, info[i].name);
    for (int64_t d = 0; d < info[i].rank; ++d)
      printf(d ? ", %lld" : "%lld", (long long)info[i].shape[d]);
    printf(") offset %lld\n", (long long)info[i].offset);
  }

  static float params[TOKENS_PARAM_SIZE];
  if (rnnrt_params_init_default(info, TOKENS_NUM_PARAMS, params,
                                TOKENS_PARAM_SIZE, 7) != RNNRT_OK) {
    printf("init failed: %s\n", rnnrt_last_error_message());
    return 1;
  }

  int64_t ids[T * B]; // (seq_len, batch): batch_first is false
  for (int i = 0; i < T * B; ++i)
    ids[i] = (i * 7) % TOKENS_VOCAB_SIZE;
  int64_t lengths[B] = {6, 2, 1, 5};
  int64_t full[B] = {T, T, T, T};
  float h0[2 * B * 8];
  memset(h0, 0, sizeof(h0));
  float y[B * 3], y2[B * 3], hn[2 * B * 8], hn2[2 * B * 8];
  size_t wsBytes = (size_t)tokens_workspace_size(B, T);
  void *ws = aligned_alloc(64, (wsBytes + 63) / 64 * 64);

  expect(tokens_forward(params, B, T, ids, lengths, NULL, y, hn, ws) == 0,
         "valid call");

  // Errors return a status and leave the outputs untouched.
  float sentinel[B * 3];
  for (int i = 0; i < B * 3; ++i)
    sentinel[i] = y2[i] = 12345.0f;
  int64_t bad[B] = {6, 0, 1, 5};
  expect(tokens_forward(params, B, T, ids, bad, NULL, y2, NULL, ws) ==
                 RNNRT_OUT_OF_RANGE &&
             same(y2, sentinel, B * 3),
         "length 0 rejected");
  printf("  message: %s\n", rnnrt_last_error_message());
  bad[1] = T + 1;
  expect(tokens_forward(params, B, T, ids, bad, NULL, y2, NULL, ws) ==
                 RNNRT_OUT_OF_RANGE &&
             same(y2, sentinel, B * 3),
         "length > T rejected");
  printf("  message: %s\n", rnnrt_last_error_message());
  int64_t saved = ids[5];
  ids[5] = TOKENS_VOCAB_SIZE;
  expect(tokens_forward(params, B, T, ids, NULL, NULL, y2, NULL, ws) ==
                 RNNRT_OUT_OF_RANGE &&
             same(y2, sentinel, B * 3),
         "token id V rejected");
  printf("  message: %s\n", rnnrt_last_error_message());
  ids[5] = -1;
  expect(tokens_forward(params, B, T, ids, NULL, NULL, y2, NULL, ws) ==
             RNNRT_OUT_OF_RANGE,
         "negative token id rejected");
  printf("  message: %s\n", rnnrt_last_error_message());
  ids[5] = saved;
  expect(tokens_forward(params, 0, T, ids, NULL, NULL, y2, NULL, ws) ==
             RNNRT_INVALID_ARGUMENT,
         "batch 0 rejected");
  printf("  message: %s\n", rnnrt_last_error_message());
  expect(tokens_forward(NULL, B, T, ids, NULL, NULL, y2, NULL, ws) ==
             RNNRT_INVALID_ARGUMENT,
         "NULL params rejected");
  printf("  message: %s\n", rnnrt_last_error_message());

  // Defaults equal their explicit forms.
  tokens_forward(params, B, T, ids, NULL, NULL, y, hn, ws);
  tokens_forward(params, B, T, ids, full, NULL, y2, hn2, ws);
  expect(same(y, y2, B * 3) && same(hn, hn2, 2 * B * 8),
         "NULL lengths means full length");
  tokens_forward(params, B, T, ids, lengths, h0, y2, hn2, ws);
  tokens_forward(params, B, T, ids, lengths, NULL, y, hn, ws);
  expect(same(y, y2, B * 3) && same(hn, hn2, 2 * B * 8),
         "NULL h0 means zeros");
  expect(tokens_forward(params, B, T, ids, lengths, NULL, y2, NULL, ws) == 0 &&
             same(y, y2, B * 3),
         "NULL h_n accepted");
  memset(ws, 0xff, wsBytes); // NaNs everywhere
  tokens_forward(params, B, T, ids, lengths, NULL, y2, hn2, ws);
  expect(same(y, y2, B * 3) && same(hn, hn2, 2 * B * 8),
         "workspace contents do not matter");
  free(ws);

  if (failures)
    return 1;
  printf("all checks passed\n");
  return 0;
}

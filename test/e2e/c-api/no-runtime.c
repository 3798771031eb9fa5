// SPDX-License-Identifier: Apache-2.0
//
/// An object links and runs without librnnrt: the generated functions
/// reference the runtime's error reports weakly, so a program that only
/// runs inference needs nothing but the object. The status codes are the
/// same; only rnnrt_last_error_message()'s text is missing.
//
// RUN: rm -rf %t.dir && mkdir -p %t.dir
// RUN: rnnc %S/Inputs/tokens.rnn -o %t.dir/tokens.o
// RUN: %cc -std=c11 -Wall -Werror -I%t.dir -c %s -o %t.main.o
// RUN: %cc %t.main.o %t.dir/tokens.o -lm -o %t.exe
// RUN: %t.exe | FileCheck %s
// CHECK: valid call: 0
// CHECK-NEXT: batch 0: 3
// CHECK-NEXT: token id out of range: 11

#include "tokens.h"

#include <stdio.h>
#include <stdlib.h>

#define B 2
#define T 3

int main(void) {
  float *params = calloc(TOKENS_PARAM_SIZE, sizeof(float));
  void *workspace = aligned_alloc(64, (tokens_workspace_size(B, T) + 63) /
                                          64 * 64);
  int64_t ids[T * B] = {1, 2, 3, 4, 5, 6};
  float y[B * TOKENS_OUTPUT_SIZE];
  if (!params || !workspace)
    return 1;
  printf("valid call: %d\n",
         tokens_forward(params, B, T, ids, NULL, NULL, y, NULL, workspace));
  printf("batch 0: %d\n",
         tokens_forward(params, 0, T, ids, NULL, NULL, y, NULL, workspace));
  ids[3] = TOKENS_VOCAB_SIZE;
  printf("token id out of range: %d\n",
         tokens_forward(params, B, T, ids, NULL, NULL, y, NULL, workspace));
  free(workspace);
  free(params);
  return 0;
}

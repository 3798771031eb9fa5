// SPDX-License-Identifier: Apache-2.0
//
/// Calls one model's forward and loss_and_grad from 8 threads at once, each
/// with its own workspace and outputs, and checks every result bit for bit
/// against a single-threaded run: the generated functions keep no state
/// outside their arguments (docs/abi.md, "Threads"). Built twice: serial
/// code, and --parallel code whose OpenMP teams each caller starts.
//
// RUN: rm -rf %t.serial %t.parallel && mkdir -p %t.serial %t.parallel
// RUN: rnnc %S/Inputs/threads.rnn -o %t.serial/threads.o
// RUN: %cc -std=c11 -Wall -Werror -pthread -I%t.serial -I%rnnrt_include %s %t.serial/threads.o -L%rnnrt_libdir -lrnnrt -Wl,-rpath,%rnnrt_libdir -lm -o %t.serial.exe
// RUN: %t.serial.exe | FileCheck %s
// CHECK: reference: loss {{[0-9.]+}}
// CHECK-NEXT: bad target: status 11, threads_loss_and_grad: target[2] = 7 is outside [0, 4] and is not ignore_index (-100)
// CHECK-NEXT: 8 threads x 6 rounds: forward and loss_and_grad bitwise equal to the reference
//
// RUN: %if libomp %{ rnnc %S/Inputs/threads.rnn --parallel --parallel-min-macs=0 -o %t.parallel/threads.o %}
// RUN: %if libomp %{ %cc -std=c11 -Wall -Werror -pthread -I%t.parallel -I%rnnrt_include %s %t.parallel/threads.o %libomp -L%rnnrt_libdir -lrnnrt -Wl,-rpath,%rnnrt_libdir -lm -o %t.parallel.exe %}
// RUN: %if libomp %{ env OMP_NUM_THREADS=2 %t.parallel.exe | FileCheck %s %}

#include "threads.h"

#include <rnnrt/rnnrt.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B 6
#define T 9
#define THREADS 8
#define ROUNDS 6

enum {
  kInput = T * B * THREADS_INPUT_SIZE,
  kState = THREADS_NUM_LAYERS * THREADS_NUM_DIRECTIONS * B *
           THREADS_HIDDEN_SIZE,
  kOutput = B * THREADS_OUTPUT_SIZE,
};

static float params[THREADS_PARAM_SIZE];
static float input[kInput];
static float h0[kState];
static int64_t lengths[B] = {9, 1, 4, 9, 7, 2};
static int64_t target[B] = {0, 4, 2, 1, 3, 0};

/// One call's results; the reference and every thread have their own.
typedef struct {
  float output[kOutput];
  float hN[kState];
  float loss;
  float grads[THREADS_PARAM_SIZE];
  float inputGrad[kInput];
  float h0Grad[kState];
} Results;

static Results reference;

/// Deterministic values in [-0.5, 0.5).
static float next(uint32_t *state) {
  *state = *state * 1664525u + 1013904223u;
  return (float)(*state >> 8) / 16777216.0f - 0.5f;
}

static void *allocate(int64_t bytes) {
  void *p = aligned_alloc(64, (size_t)((bytes + 63) / 64 * 64));
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  return p;
}

/// Runs forward and loss_and_grad once into `r`; returns 0 on success.
static int run(Results *r, void *workspace, void *gradWorkspace) {
  if (threads_forward(params, B, T, input, lengths, h0, r->output, r->hN,
                      workspace) != 0)
    return 1;
  return threads_loss_and_grad(params, B, T, input, lengths, h0, target,
                               &r->loss, r->grads, r->inputGrad, r->h0Grad,
                               gradWorkspace) != 0;
}

typedef struct {
  int mismatches;
  int failures;
} Outcome;

static void *worker(void *arg) {
  Outcome *outcome = arg;
  Results *r = allocate(sizeof(Results));
  void *workspace = allocate(threads_workspace_size(B, T));
  void *gradWorkspace = allocate(threads_grad_workspace_size(B, T));
  for (int round = 0; round < ROUNDS; ++round) {
    // Stale results must not survive into the comparison.
    memset(r, 0xff, sizeof(Results));
    if (run(r, workspace, gradWorkspace)) {
      ++outcome->failures;
      continue;
    }
    if (memcmp(r, &reference, sizeof(Results)) != 0)
      ++outcome->mismatches;
  }
  free(gradWorkspace);
  free(workspace);
  free(r);
  return NULL;
}

int main(void) {
  uint32_t seed = 12345;
  for (int i = 0; i < THREADS_PARAM_SIZE; ++i)
    params[i] = 0.3f * next(&seed);
  for (int i = 0; i < kInput; ++i)
    input[i] = 2.0f * next(&seed);
  for (int i = 0; i < kState; ++i)
    h0[i] = next(&seed);

  void *workspace = allocate(threads_workspace_size(B, T));
  void *gradWorkspace = allocate(threads_grad_workspace_size(B, T));
  memset(&reference, 0, sizeof(reference));
  if (run(&reference, workspace, gradWorkspace)) {
    fprintf(stderr, "the single-threaded run failed: %s\n",
            rnnrt_last_error_message());
    return 1;
  }
  free(gradWorkspace);
  free(workspace);
  printf("reference: loss %.6f\n", reference.loss);

  // A bad class index is named in the runtime's message.
  target[2] = 7;
  Results *scratch = allocate(sizeof(Results));
  void *scratchWorkspace = allocate(threads_grad_workspace_size(B, T));
  int32_t status = threads_loss_and_grad(params, B, T, input, lengths, h0,
                                         target, &scratch->loss,
                                         scratch->grads, NULL, NULL,
                                         scratchWorkspace);
  printf("bad target: status %d, %s\n", status, rnnrt_last_error_message());
  target[2] = 2;
  free(scratchWorkspace);
  free(scratch);

  pthread_t threads[THREADS];
  Outcome outcomes[THREADS];
  memset(outcomes, 0, sizeof(outcomes));
  for (int t = 0; t < THREADS; ++t)
    if (pthread_create(&threads[t], NULL, worker, &outcomes[t]) != 0) {
      fprintf(stderr, "cannot start thread %d\n", t);
      return 1;
    }
  int mismatches = 0, failures = 0;
  for (int t = 0; t < THREADS; ++t) {
    pthread_join(threads[t], NULL);
    mismatches += outcomes[t].mismatches;
    failures += outcomes[t].failures;
  }
  if (mismatches || failures) {
    printf("FAILED: %d of %d calls differ from the reference, %d failed\n",
           mismatches, THREADS * ROUNDS, failures);
    return 1;
  }
  printf("%d threads x %d rounds: forward and loss_and_grad bitwise equal "
         "to the reference\n",
         THREADS, ROUNDS);
  return 0;
}

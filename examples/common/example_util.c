/*===- example_util.c - Helpers shared by the example programs ------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===-----------------------------------------------------------------------===*/

#define _POSIX_C_SOURCE 200809L

#include "example_util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

example_rng_t example_rng(uint64_t seed) {
  example_rng_t rng = {seed * 0x9E3779B97F4A7C15ULL + 1};
  return rng;
}

double example_uniform(example_rng_t *rng) {
  rng->state = rng->state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(rng->state >> 11) / 9007199254740992.0;
}

int64_t example_uniform_int(example_rng_t *rng, int64_t n) {
  int64_t value = (int64_t)(example_uniform(rng) * (double)n);
  return value < n ? value : n - 1;
}

double example_normal(example_rng_t *rng, double std) {
  const double pi = 3.14159265358979323846;
  double u1 = 1.0 - example_uniform(rng); /* (0, 1]: log(u1) is finite */
  double u2 = example_uniform(rng);
  return std * sqrt(-2.0 * log(u1)) * cos(2.0 * pi * u2);
}

double example_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void *example_alloc_workspace(int64_t bytes) {
  if (bytes < 0)
    return NULL;
  /* aligned_alloc wants a multiple of the alignment. */
  size_t size = ((size_t)bytes + 63) / 64 * 64;
  return aligned_alloc(64, size ? size : 64);
}

int example_check(rnnrt_status_t status, const char *what) {
  if (status == RNNRT_OK)
    return 0;
  fprintf(stderr, "error: %s: %s\n", what, rnnrt_last_error_message());
  return 1;
}

int example_create_adam_trainer(const rnnrt_model_t *model, int64_t batch_size,
                                uint64_t seed, float lr,
                                rnnrt_trainer_t **trainer,
                                rnnrt_optimizer_t **optimizer) {
  rnnrt_trainer_options_t trainer_options;
  rnnrt_trainer_options_initialize(&trainer_options);
  trainer_options.batch_size = batch_size;
  trainer_options.shuffle = 1;
  trainer_options.seed = seed;
  rnnrt_adam_options_t adam;
  rnnrt_adam_options_initialize(&adam);
  adam.lr = lr;
  *trainer = NULL;
  *optimizer = NULL;
  if (example_check(rnnrt_trainer_create(model, &trainer_options, trainer),
                    "creating the trainer"))
    return 1;
  if (example_check(
          rnnrt_optimizer_create_adam(model->param_size, &adam, optimizer),
          "creating Adam")) {
    rnnrt_trainer_destroy(*trainer);
    *trainer = NULL;
    return 1;
  }
  return 0;
}

int example_run_epoch(rnnrt_trainer_t *trainer, rnnrt_optimizer_t *optimizer,
                      float *params, const rnnrt_dataset_t *train,
                      const rnnrt_dataset_t *test, int epoch, float *train_loss,
                      float *test_loss, double *seconds) {
  double elapsed = 0.0;
  if (epoch > 0) {
    double start = example_now();
    if (example_check(rnnrt_trainer_run_epoch(trainer, optimizer, params, train,
                                              train_loss),
                      "training"))
      return 1;
    elapsed = example_now() - start;
  } else if (train_loss &&
             example_check(
                 rnnrt_trainer_evaluate(trainer, params, train, train_loss),
                 "evaluating")) {
    return 1;
  }
  if (seconds)
    *seconds = elapsed;
  return example_check(rnnrt_trainer_evaluate(trainer, params, test, test_loss),
                       "evaluating");
}

/// Parses the value of `--name=value` as an integer >= `min`.
static int parse_integer(const char *arg, const char *value, long long min,
                         long long *out) {
  char *end = NULL;
  errno = 0;
  long long parsed = strtoll(value, &end, 10);
  if (errno != 0 || end == value || *end != '\0' || parsed < min) {
    fprintf(stderr, "error: %s needs an integer >= %lld\n", arg, min);
    return 1;
  }
  *out = parsed;
  return 0;
}

/// Creates `dir` and its missing parents, as `mkdir -p`; checks that the
/// result is a writable directory. Called before training, so that a bad
/// --out-dir fails in a second, not after the run whose plots it would hold.
static int prepare_out_dir(const char *dir) {
  char path[4096];
  size_t length = strlen(dir);
  if (length >= sizeof path) {
    fprintf(stderr, "error: --out-dir %s is too long\n", dir);
    return 1;
  }
  memcpy(path, dir, length + 1);
  for (size_t i = 1; i <= length; ++i) {
    if (path[i] != '/' && path[i] != '\0')
      continue;
    char saved = path[i];
    path[i] = '\0';
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
      fprintf(stderr, "error: cannot create --out-dir %s: %s\n", path,
              strerror(errno));
      return 1;
    }
    path[i] = saved;
  }
  struct stat status;
  if (stat(dir, &status) != 0 || !S_ISDIR(status.st_mode)) {
    fprintf(stderr, "error: --out-dir %s is not a directory\n", dir);
    return 1;
  }
  if (access(dir, W_OK) != 0) {
    fprintf(stderr, "error: --out-dir %s is not writable: %s\n", dir,
            strerror(errno));
    return 1;
  }
  return 0;
}

int example_parse_options(int argc, char **argv, example_options_t *options) {
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    long long value = 0;
    if (strncmp(arg, "--epochs=", 9) == 0) {
      if (parse_integer(arg, arg + 9, 1, &value))
        return 1;
      options->epochs = (long)value;
    } else if (strncmp(arg, "--seed=", 7) == 0) {
      if (parse_integer(arg, arg + 7, 0, &value))
        return 1;
      options->seed = (uint64_t)value;
    } else if (strncmp(arg, "--out-dir=", 10) == 0 && arg[10] != '\0') {
      options->out_dir = arg + 10;
    } else {
      if (strcmp(arg, "--help") != 0)
        fprintf(stderr, "error: unknown argument '%s'\n", arg);
      fprintf(stderr,
              "usage: %s [--epochs=N (default %ld)] [--seed=N (default "
              "%llu)] [--out-dir=DIR (default %s)]\n",
              argv[0], options->epochs, (unsigned long long)options->seed,
              options->out_dir);
      return 1;
    }
  }
  return prepare_out_dir(options->out_dir);
}

int example_write_plot(const example_options_t *options, const char *name,
                       const svg_plot_panel_t *panels, int num_panels) {
  char path[4096];
  int written = snprintf(path, sizeof path, "%s/%s", options->out_dir, name);
  if (written < 0 || (size_t)written >= sizeof path) {
    fprintf(stderr, "error: output path %s/%s is too long\n", options->out_dir,
            name);
    return 1;
  }
  if (svg_plot_write(path, panels, num_panels))
    return 1;
  printf("plot: %s\n", path);
  return 0;
}

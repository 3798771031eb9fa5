/*===- example_util.h - Helpers shared by the example programs ------------===*
 *
 * SPDX-License-Identifier: Apache-2.0
 *
 *===-----------------------------------------------------------------------===*
 *
 * What every example program needs besides its model: a deterministic
 * random generator (the same numbers on every platform, so the examples'
 * tests can assert on results), a monotonic clock, and reporting of rnnrt
 * errors.
 *
 *===-----------------------------------------------------------------------===*/

#ifndef RNNC_EXAMPLES_EXAMPLE_UTIL_H
#define RNNC_EXAMPLES_EXAMPLE_UTIL_H

#include <rnnrt/rnnrt.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A 64-bit linear congruential generator (Knuth's MMIX constants).
typedef struct example_rng_t {
  uint64_t state;
} example_rng_t;

/// A generator seeded with `seed`.
example_rng_t example_rng(uint64_t seed);

/// Uniform in [0, 1), from the top 53 bits of the next state.
double example_uniform(example_rng_t *rng);

/// Uniform integer in [0, n) for n >= 1.
int64_t example_uniform_int(example_rng_t *rng, int64_t n);

/// Normal with mean 0 and standard deviation `std` (Box-Muller).
double example_normal(example_rng_t *rng, double std);

/// Seconds from a monotonic clock.
double example_now(void);

/// Returns 0 if `status` is RNNRT_OK; otherwise prints
/// "error: <what>: <rnnrt's message>" to stderr and returns 1.
int example_check(rnnrt_status_t status, const char *what);

/// The command line every example takes:
///   --epochs=N     training epochs (default: the lesson's)
///   --seed=N       seed of the data, the initialization and the shuffling
///   --out-dir=DIR  where plots go (default: the current directory)
typedef struct example_options_t {
  long epochs;
  uint64_t seed;
  const char *out_dir;
} example_options_t;

/// Parses argv into `*options`, which holds the defaults on entry. Prints a
/// usage line and returns 1 for --help or an invalid argument, else 0.
int example_parse_options(int argc, char **argv, example_options_t *options);

/// Writes "<out_dir>/<name>" into `buffer` of `size` bytes; returns
/// `buffer`, or NULL (after printing an error) if it does not fit.
char *example_output_path(const example_options_t *options, const char *name,
                          char *buffer, size_t size);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // RNNC_EXAMPLES_EXAMPLE_UTIL_H

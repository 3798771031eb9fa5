//===- rnn-compare.cpp - Compare arrays with a tolerance ------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements rnn-compare, which the end-to-end tests use to check
// a model's output against a PyTorch golden:
//
//   rnn-compare ACTUAL.npy EXPECTED.npy [--atol X] [--rtol Y]
//   rnn-compare ACTUAL.safetensors EXPECTED.safetensors [--atol X] [--rtol Y]
//
// Every element must satisfy |a - e| <= atol + rtol * |e| (numpy's isclose
// rule; defaults atol = 1e-5, rtol = 0) and the actual value must be finite.
// Two .safetensors files are compared tensor by tensor and must hold the
// same tensor names. Exit status: 0 if everything matches, 1 on a mismatch
// (values, dtype, shape or tensor set), 2 on a usage or file error.
//
//===----------------------------------------------------------------------===//

#include "rnnrt/rnnrt.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace {

/// Exit statuses.
constexpr int kMatch = 0;
constexpr int kMismatch = 1;
constexpr int kError = 2;

/// Command-line options.
struct Options {
  std::string actual;
  std::string expected;
  double atol = 1e-5;
  double rtol = 0.0;
};

/// The outcome of comparing two equally shaped arrays.
struct Comparison {
  double maxAbs = 0.0;
  double maxRel = 0.0;
  /// Flat index of the largest absolute error (NaN counts as infinite).
  int64_t worst = -1;
  /// Flat index of the first element outside the tolerance, or -1.
  int64_t firstBad = -1;
  int64_t numBad = 0;
};

void printUsage(FILE *out) {
  std::fprintf(out,
               "usage: rnn-compare ACTUAL EXPECTED [--atol X] [--rtol Y]\n"
               "  Compares two .npy files, or two .safetensors files tensor "
               "by tensor.\n"
               "  Passes if every |actual - expected| <= atol + rtol * "
               "|expected|\n"
               "  (defaults: atol 1e-5, rtol 0) and every actual value is "
               "finite.\n"
               "  Exit status: 0 match, 1 mismatch, 2 usage or file error.\n");
}

/// Parses a non-negative finite tolerance.
bool parseTolerance(const char *text, double &out) {
  char *end = nullptr;
  out = std::strtod(text, &end);
  return end != text && *end == '\0' && std::isfinite(out) && out >= 0.0;
}

/// Parses argv into `options`; returns false (after printing why) on error.
bool parseArgs(int argc, char **argv, Options &options, bool &help) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      help = true;
      return true;
    }
    std::string name, value;
    bool isOption = arg.rfind("--atol", 0) == 0 || arg.rfind("--rtol", 0) == 0;
    if (!isOption && arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "rnn-compare: unknown option '%s'\n", arg.c_str());
      return false;
    }
    if (!isOption) {
      positional.push_back(arg);
      continue;
    }
    name = arg.substr(0, 6);
    if (arg.size() > 6 && arg[6] == '=') {
      value = arg.substr(7);
    } else if (arg.size() == 6 && i + 1 < argc) {
      value = argv[++i];
    } else if (arg.size() == 6) {
      std::fprintf(stderr, "rnn-compare: %s needs a value\n", name.c_str());
      return false;
    } else {
      std::fprintf(stderr, "rnn-compare: unknown option '%s'\n", arg.c_str());
      return false;
    }
    double &target = name == "--atol" ? options.atol : options.rtol;
    if (!parseTolerance(value.c_str(), target)) {
      std::fprintf(stderr,
                   "rnn-compare: %s must be a non-negative number, got '%s'\n",
                   name.c_str(), value.c_str());
      return false;
    }
  }
  if (positional.size() != 2) {
    std::fprintf(stderr, "rnn-compare: expected 2 files, got %zu\n",
                 positional.size());
    return false;
  }
  options.actual = positional[0];
  options.expected = positional[1];
  return true;
}

/// Compares `actual` with `expected` element by element.
Comparison compare(const std::vector<double> &actual,
                   const std::vector<double> &expected,
                   const Options &options) {
  Comparison result;
  double worstError = -1.0;
  for (size_t i = 0; i < actual.size(); ++i) {
    double a = actual[i], e = expected[i];
    double error = std::fabs(a - e);
    if (std::isnan(error))
      error = std::numeric_limits<double>::infinity();
    double rel = error == 0.0 ? 0.0
                 : e == 0.0   ? std::numeric_limits<double>::infinity()
                              : error / std::fabs(e);
    if (std::isnan(rel))
      rel = std::numeric_limits<double>::infinity();
    if (error > worstError) {
      worstError = error;
      result.worst = static_cast<int64_t>(i);
    }
    result.maxAbs = std::fmax(result.maxAbs, error);
    result.maxRel = std::fmax(result.maxRel, rel);
    bool ok =
        std::isfinite(a) && error <= options.atol + options.rtol * std::fabs(e);
    if (!ok) {
      if (result.firstBad < 0)
        result.firstBad = static_cast<int64_t>(i);
      ++result.numBad;
    }
  }
  return result;
}

/// Formats a shape as "[2, 3]".
std::string formatShape(const std::vector<int64_t> &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

/// Formats flat index `flat` as a multi-index of `shape`.
std::string formatIndex(int64_t flat, const std::vector<int64_t> &shape) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
  return formatShape(index);
}

/// Prints one comparison and returns whether it passed.
bool report(const std::string &what, const std::vector<int64_t> &shape,
            const std::vector<double> &actual,
            const std::vector<double> &expected, const Options &options) {
  Comparison c = compare(actual, expected, options);
  std::printf("%s: shape %s, %zu elements: max abs error %.6g, max rel error "
              "%.6g",
              what.c_str(), formatShape(shape).c_str(), actual.size(), c.maxAbs,
              c.maxRel);
  if (c.maxAbs > 0.0)
    std::printf(" (worst at %s: actual %.9g, expected %.9g)",
                formatIndex(c.worst, shape).c_str(), actual[c.worst],
                expected[c.worst]);
  std::printf("\n");
  if (c.numBad == 0)
    return true;
  std::printf("%s: %lld of %zu elements outside atol %g + rtol %g * "
              "|expected| (first at %s: actual %.9g, expected %.9g)\n",
              what.c_str(), static_cast<long long>(c.numBad), actual.size(),
              options.atol, options.rtol,
              formatIndex(c.firstBad, shape).c_str(), actual[c.firstBad],
              expected[c.firstBad]);
  return false;
}

/// Prints a runtime error and returns kError.
int runtimeError(rnnrt_status_t status) {
  std::fprintf(stderr, "rnn-compare: %s: %s\n", rnnrt_status_string(status),
               rnnrt_last_error_message());
  return kError;
}

/// Owns an rnnrt array.
struct ArrayDeleter {
  void operator()(rnnrt_array_t *array) const { rnnrt_array_destroy(array); }
};
using ArrayPtr = std::unique_ptr<rnnrt_array_t, ArrayDeleter>;

/// The elements of `array` as doubles (int64 beyond 2^53 rounds).
std::vector<double> toDoubles(const rnnrt_array_t *array) {
  std::vector<double> out(static_cast<size_t>(rnnrt_array_numel(array)));
  const void *data = rnnrt_array_data(array);
  for (size_t i = 0; i < out.size(); ++i) {
    switch (rnnrt_array_dtype(array)) {
    case RNNRT_DTYPE_FLOAT32:
      out[i] = static_cast<const float *>(data)[i];
      break;
    case RNNRT_DTYPE_INT64:
      out[i] = static_cast<double>(static_cast<const int64_t *>(data)[i]);
      break;
    case RNNRT_DTYPE_INT32:
      out[i] = static_cast<const int32_t *>(data)[i];
      break;
    }
  }
  return out;
}

std::vector<int64_t> shapeOf(const rnnrt_array_t *array) {
  std::vector<int64_t> shape;
  for (int64_t i = 0; i < rnnrt_array_rank(array); ++i)
    shape.push_back(rnnrt_array_shape(array, i));
  return shape;
}

int compareNpy(const Options &options) {
  rnnrt_array_t *raw = nullptr;
  if (rnnrt_status_t status = rnnrt_npy_read(options.actual.c_str(), &raw))
    return runtimeError(status);
  ArrayPtr actual(raw);
  if (rnnrt_status_t status = rnnrt_npy_read(options.expected.c_str(), &raw))
    return runtimeError(status);
  ArrayPtr expected(raw);

  std::string what = options.actual;
  if (rnnrt_array_dtype(actual.get()) != rnnrt_array_dtype(expected.get())) {
    std::printf("%s: dtype %s, expected %s\nFAIL\n", what.c_str(),
                rnnrt_dtype_name(rnnrt_array_dtype(actual.get())),
                rnnrt_dtype_name(rnnrt_array_dtype(expected.get())));
    return kMismatch;
  }
  std::vector<int64_t> shape = shapeOf(actual.get());
  if (shape != shapeOf(expected.get())) {
    std::printf("%s: shape %s, expected %s\nFAIL\n", what.c_str(),
                formatShape(shape).c_str(),
                formatShape(shapeOf(expected.get())).c_str());
    return kMismatch;
  }
  bool ok = report(what, shape, toDoubles(actual.get()),
                   toDoubles(expected.get()), options);
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? kMatch : kMismatch;
}

/// Owns an rnnrt tensor file.
struct TensorFileDeleter {
  void operator()(rnnrt_tensor_file_t *file) const {
    rnnrt_tensor_file_destroy(file);
  }
};
using TensorFilePtr = std::unique_ptr<rnnrt_tensor_file_t, TensorFileDeleter>;

std::vector<int64_t> shapeOf(const rnnrt_tensor_file_t *file, int64_t index) {
  std::vector<int64_t> shape;
  for (int64_t d = 0; d < rnnrt_tensor_file_rank(file, index); ++d)
    shape.push_back(rnnrt_tensor_file_dim(file, index, d));
  return shape;
}

/// Reads tensor `index` of `file` as doubles; false after printing an error.
bool readTensor(const rnnrt_tensor_file_t *file, int64_t index,
                std::vector<double> &out) {
  std::vector<float> values(
      static_cast<size_t>(rnnrt_tensor_file_numel(file, index)));
  if (rnnrt_status_t status = rnnrt_tensor_file_read_f32(
          file, index, values.data(), static_cast<int64_t>(values.size()))) {
    runtimeError(status);
    return false;
  }
  out.assign(values.begin(), values.end());
  return true;
}

int compareSafetensors(const Options &options) {
  rnnrt_tensor_file_t *raw = nullptr;
  if (rnnrt_status_t status =
          rnnrt_tensor_file_open(options.actual.c_str(), &raw))
    return runtimeError(status);
  TensorFilePtr actual(raw);
  if (rnnrt_status_t status =
          rnnrt_tensor_file_open(options.expected.c_str(), &raw))
    return runtimeError(status);
  TensorFilePtr expected(raw);

  bool ok = true;
  for (int64_t e = 0; e < rnnrt_tensor_file_count(expected.get()); ++e) {
    std::string name = rnnrt_tensor_file_name(expected.get(), e);
    int64_t a = -1;
    if (rnnrt_tensor_file_find(actual.get(), name.c_str(), &a) != RNNRT_OK) {
      std::printf("%s: missing from %s\n", name.c_str(),
                  options.actual.c_str());
      ok = false;
      continue;
    }
    std::string actualDtype = rnnrt_tensor_file_dtype(actual.get(), a);
    std::string expectedDtype = rnnrt_tensor_file_dtype(expected.get(), e);
    if (actualDtype != expectedDtype) {
      std::printf("%s: dtype %s, expected %s\n", name.c_str(),
                  actualDtype.c_str(), expectedDtype.c_str());
      ok = false;
      continue;
    }
    std::vector<int64_t> shape = shapeOf(actual.get(), a);
    if (shape != shapeOf(expected.get(), e)) {
      std::printf("%s: shape %s, expected %s\n", name.c_str(),
                  formatShape(shape).c_str(),
                  formatShape(shapeOf(expected.get(), e)).c_str());
      ok = false;
      continue;
    }
    std::vector<double> actualValues, expectedValues;
    if (!readTensor(actual.get(), a, actualValues) ||
        !readTensor(expected.get(), e, expectedValues))
      return kError;
    ok &= report(name, shape, actualValues, expectedValues, options);
  }
  for (int64_t a = 0; a < rnnrt_tensor_file_count(actual.get()); ++a) {
    const char *name = rnnrt_tensor_file_name(actual.get(), a);
    int64_t e;
    if (rnnrt_tensor_file_find(expected.get(), name, &e) != RNNRT_OK) {
      std::printf("%s: not in %s\n", name, options.expected.c_str());
      ok = false;
    }
  }
  std::printf("%s\n", ok ? "PASS" : "FAIL");
  return ok ? kMatch : kMismatch;
}

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  bool help = false;
  if (!parseArgs(argc, argv, options, help)) {
    printUsage(stderr);
    return kError;
  }
  if (help) {
    printUsage(stdout);
    return kMatch;
  }
  bool actualSt = endsWith(options.actual, ".safetensors");
  bool expectedSt = endsWith(options.expected, ".safetensors");
  if (actualSt != expectedSt) {
    std::fprintf(stderr, "rnn-compare: compare two .npy files or two "
                         ".safetensors files, not one of each\n");
    return kError;
  }
  return actualSt ? compareSafetensors(options) : compareNpy(options);
}

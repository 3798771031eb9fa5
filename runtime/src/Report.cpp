//===- Report.cpp - Messages of generated model functions -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// The generated code calls these on its failure paths only, so they may
// scan a buffer and format freely. They never throw: a message that cannot
// be formatted (out of memory) is left as it was.
//
//===----------------------------------------------------------------------===//

#include "rnnrt/report.h"
#include "Support.h"

#include <fmt/format.h>

#include <cstring>
#include <string>

using namespace rnnrt;

void rnnrt_report_error(const char *message, int64_t value, int32_t has_value) {
  try {
    std::string text = message ? message : "";
    if (has_value)
      text += fmt::format(", got {}", value);
    setLastError(std::move(text));
  } catch (...) {
  }
}

void rnnrt_report_out_of_range(const char *message, const void *data,
                               int32_t element_bits, int64_t count,
                               int64_t inner, int64_t low, int64_t high,
                               int64_t also, int32_t has_also) {
  try {
    std::string prefix = message ? message : "";
    std::string ignore =
        has_also ? fmt::format(" and is not ignore_index ({})", also) : "";
    auto element = [&](int64_t i) -> int64_t {
      if (element_bits == 32) {
        int32_t v;
        std::memcpy(&v, static_cast<const char *>(data) + i * 4, 4);
        return v;
      }
      int64_t v;
      std::memcpy(&v, static_cast<const char *>(data) + i * 8, 8);
      return v;
    };
    if (data && (element_bits == 32 || element_bits == 64))
      for (int64_t i = 0; i < count; ++i) {
        int64_t v = element(i);
        if ((v >= low && v <= high) || (has_also && v == also))
          continue;
        std::string index = inner > 0
                                ? fmt::format("{}, {}", i / inner, i % inner)
                                : fmt::format("{}", i);
        setLastError(fmt::format("{}[{}] = {} is outside [{}, {}]{}", prefix,
                                 index, v, low, high, ignore));
        return;
      }
    setLastError(fmt::format("{}: an element is outside [{}, {}]{}", prefix,
                             low, high, ignore));
  } catch (...) {
  }
}

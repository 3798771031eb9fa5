//===- Support.h - rnnrt internal helpers -----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares helpers shared by the runtime's source files: setting
// the thread-local error message, turning C++ exceptions into statuses at
// the C boundary, checked 64-bit arithmetic, little-endian byte access,
// files, and validation of a parameter table. Nothing here is exported.
//
//===----------------------------------------------------------------------===//

#ifndef RNNRT_SRC_SUPPORT_H
#define RNNRT_SRC_SUPPORT_H

#include "rnnrt/params.h"
#include "rnnrt/status.h"

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

namespace rnnrt {

/// Replaces the calling thread's last error message with `message`.
void setLastError(std::string message);

/// Formats the message, stores it as the last error and returns `status`, so
/// that a failing path reads `return fail(RNNRT_NOT_FOUND, "...", x);`.
template <typename... Args>
rnnrt_status_t fail(rnnrt_status_t status, fmt::format_string<Args...> format,
                    Args &&...args) {
  setLastError(fmt::format(format, std::forward<Args>(args)...));
  return status;
}

/// Runs `body` (returning rnnrt_status_t) and converts any escaping exception
/// to a status: no C++ exception may cross the C API. `what` names the API
/// function in the message.
template <typename Body>
rnnrt_status_t guard(const char *what, Body &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return fail(RNNRT_RESOURCE_EXHAUSTED, "{}: out of memory", what);
  } catch (const std::exception &e) {
    return fail(RNNRT_INTERNAL, "{}: internal error: {}", what, e.what());
  } catch (...) {
    return fail(RNNRT_INTERNAL, "{}: internal error", what);
  }
}

/// The integer value of an enum argument from C. A C caller may pass any
/// int, but in C++ reading an out-of-range value as the enum type is
/// undefined (UBSan's -fsanitize=enum reports it), so copy the bytes.
template <typename Enum> int64_t enumValue(const Enum &value) {
  std::underlying_type_t<Enum> raw;
  std::memcpy(&raw, &value, sizeof(raw));
  return static_cast<int64_t>(raw);
}

/// Stores a * b in `out`; false on int64 overflow or a negative operand.
inline bool checkedMul(int64_t a, int64_t b, int64_t &out) {
  if (a < 0 || b < 0)
    return false;
  return !__builtin_mul_overflow(a, b, &out);
}

/// Stores a + b in `out`; false on int64 overflow or a negative operand.
inline bool checkedAdd(int64_t a, int64_t b, int64_t &out) {
  if (a < 0 || b < 0)
    return false;
  return !__builtin_add_overflow(a, b, &out);
}

/// Little-endian loads and stores, independent of the host's byte order.
inline uint16_t loadLE16(const unsigned char *p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}
inline uint32_t loadLE32(const unsigned char *p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) |
         (static_cast<uint32_t>(p[3]) << 24);
}
inline uint64_t loadLE64(const unsigned char *p) {
  return static_cast<uint64_t>(loadLE32(p)) |
         (static_cast<uint64_t>(loadLE32(p + 4)) << 32);
}
inline void storeLE32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<unsigned char>(v >> (8 * i));
}
inline void storeLE64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = static_cast<unsigned char>(v >> (8 * i));
}

/// True if the host stores integers little-endian (then raw copies suffice).
inline bool hostIsLittleEndian() {
  const uint32_t one = 1;
  unsigned char first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

/// The status for an errno value from opening or writing a file.
rnnrt_status_t statusFromErrno(int err);

/// An open stdio file, closed on destruction.
class File {
public:
  File() = default;
  File(const File &) = delete;
  File &operator=(const File &) = delete;
  ~File() { close(); }

  /// Opens `path` for reading and checks that it is a regular file; on
  /// failure sets the last error (naming `path`) and returns its status.
  rnnrt_status_t openForRead(const char *path);
  /// Creates or truncates `path` for writing.
  rnnrt_status_t openForWrite(const char *path);

  /// The file's size in bytes (valid after openForRead).
  int64_t size() const { return fileSize; }
  FILE *get() const { return stream; }

  /// Reads exactly `n` bytes at `offset`; false on a short read.
  bool readAt(int64_t offset, void *buffer, size_t n);
  /// Writes all of `n` bytes; false on error (errno is set).
  bool write(const void *buffer, size_t n);
  /// Flushes and closes; false (errno set) if anything failed.
  bool close();

private:
  FILE *stream = nullptr;
  int64_t fileSize = 0;
};

/// Validates `table` (of `count` rows) against a buffer of `paramSize`
/// floats, the checks every table-taking API function makes; `what` names
/// the function in the message. Returns RNNRT_OK or
/// RNNRT_INVALID_ARGUMENT with the last error set.
rnnrt_status_t validateTable(const char *what, const rnnc_param_info_t *table,
                             int64_t count, const void *params,
                             int64_t paramSize);

/// Formats a shape as "[2, 3]".
std::string formatShape(const int64_t *shape, int64_t rank);

} // namespace rnnrt

#endif // RNNRT_SRC_SUPPORT_H

//===- Support.h - rnnrt internal helpers -----------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares helpers shared by the runtime's source files: setting
// the thread-local error message, turning C++ exceptions into statuses at
// the C boundary, checked 64-bit arithmetic, little-endian byte access,
// reading input files, writing output files without ever losing what the
// path held (AtomicFile.cpp), quoting file content in messages, and
// validation of a parameter table. Nothing here is exported.
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
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <sys/stat.h>

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

/// Sets the last error to "`what`: `message`[: `detail`]" and returns
/// `status`, without throwing: if memory is too short even for the message,
/// a shorter one (or none) is kept. For the exception handlers of guard().
rnnrt_status_t failNoexcept(rnnrt_status_t status, const char *what,
                            const char *message,
                            const char *detail = nullptr) noexcept;

/// Runs `body` (returning rnnrt_status_t) and converts any escaping exception
/// to a status: no C++ exception may cross the C API. A failed allocation
/// (std::bad_alloc, or std::length_error for a size no container can hold)
/// is RNNRT_RESOURCE_EXHAUSTED; anything else is RNNRT_INTERNAL. `what`
/// names the API function in the message. Every extern "C" function that can
/// fail runs its body in guard(), since even formatting a message allocates.
template <typename Body>
rnnrt_status_t guard(const char *what, Body &&body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return failNoexcept(RNNRT_RESOURCE_EXHAUSTED, what, "out of memory");
  } catch (const std::length_error &) {
    return failNoexcept(RNNRT_RESOURCE_EXHAUSTED, what,
                        "out of memory (a size exceeds what can be allocated)");
  } catch (const std::exception &e) {
    return failNoexcept(RNNRT_INTERNAL, what, "internal error", e.what());
  } catch (...) {
    return failNoexcept(RNNRT_INTERNAL, what, "internal error");
  }
}

/// `text` (bytes from a file) made safe to show in a message: valid UTF-8 is
/// kept, while control characters (C0, DEL, C1), backslashes and bytes that
/// are not valid UTF-8 become escapes (\x00, \\), so a NUL cannot cut the C
/// string short and a name cannot rewrite the terminal. Longer results are
/// cut after `maxBytes` bytes of output, at a character boundary, and end in
/// "...".
std::string printable(std::string_view text, size_t maxBytes = 256);

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

/// A file opened for reading, closed on destruction.
///
/// Only regular files are read. The path is checked with stat() before it is
/// opened, so a FIFO (whose open would wait for a writer), a device such as
/// /dev/zero (endless data) or a directory is refused at once with
/// "'PATH' is not a regular file"; the open itself uses O_NONBLOCK and the
/// type is checked again on the descriptor, so the path cannot be swapped for
/// a FIFO in between. Symbolic links are followed. The size comes from
/// fstat() on that descriptor, and callers never read past it: every size a
/// header claims is checked against size() first.
class File {
public:
  File() = default;
  File(const File &) = delete;
  File &operator=(const File &) = delete;
  ~File() { close(); }

  /// Opens `path` as described above; on failure sets the last error
  /// (naming `path`) and returns its status: RNNRT_NOT_FOUND for a missing
  /// file, RNNRT_INVALID_ARGUMENT for one that is not regular.
  rnnrt_status_t openForRead(const char *path);

  /// The file's size in bytes when it was opened.
  int64_t size() const { return fileSize; }

  /// Reads exactly `n` bytes at `offset`; false on a short read.
  bool readAt(int64_t offset, void *buffer, size_t n);
  /// Closes the file; false (errno set) if that failed.
  bool close();

private:
  FILE *stream = nullptr;
  int64_t fileSize = 0;
};

/// A file being written to a caller's path such that a failure never loses
/// what the path held before (AtomicFile.cpp):
///
///  - If the path does not exist or is a regular file, the data goes to a new
///    temporary file in the same directory ('.NAME.tmp-XXXXXXXX', created
///    with O_EXCL and mode 0666 so that the umask and default ACLs apply as
///    to any new file), which commit() flushes, fsyncs and rename()s over the
///    path. An existing file's permission bits (and, where the process may
///    set them, its owner and group) are copied to the new file, so
///    replacing it keeps them as truncating it used to; hard links to the
///    old file keep the old contents. On any failure only the temporary file
///    is removed: an existing file is left as it was.
///  - A symbolic link (or a chain of them) is written through: the file it
///    resolves to is replaced, the link stays a link. A dangling link creates
///    its target.
///  - A path that exists and is not a regular file (a FIFO, a character or
///    block device such as /dev/null or /dev/full), and a path that names a
///    file descriptor (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/PID/fd/N,
///    or a link to one, whatever the descriptor is), is opened and written in
///    place, and never removed or replaced. A FIFO without a reader blocks
///    the open until one appears, as for any writer. A directory is refused.
class OutputFile {
public:
  OutputFile() = default;
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;
  /// Discards the output unless commit() succeeded.
  ~OutputFile() { discard(); }

  /// Prepares to write `path`; on failure sets the last error ("PATH: cannot
  /// create: ...") and returns its status (statusFromErrno()).
  rnnrt_status_t open(const char *path);
  /// Writes all of `n` bytes; false on error (errno is set).
  bool write(const void *buffer, size_t n);
  /// Finishes the file: flushes, and for a temporary file fsyncs and renames
  /// it over the path. On failure the output is discarded and the last error
  /// is set ("PATH: write failed: ...").
  rnnrt_status_t commit();
  /// After write() failed with `err`: discards the output and fails with
  /// "PATH: write failed: strerror(err)".
  rnnrt_status_t writeFailed(int err);

private:
  rnnrt_status_t openInPlace(bool truncate, bool &retry);
  rnnrt_status_t openTemporary(const struct ::stat *existing);
  void discard() noexcept;

  /// The path as given, for messages.
  std::string path;
  /// The file a temporary is renamed onto (the path with its links
  /// resolved); empty when writing in place.
  std::string target;
  /// The temporary file; empty when writing in place.
  std::string temporary;
  FILE *stream = nullptr;
  bool committed = false;
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

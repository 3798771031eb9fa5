//===- Status.cpp - rnnrt status codes and shared helpers -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements status strings, the thread-local last error message,
// the quoting of file content in messages, reading files, and the table
// helpers declared in Support.h. Writing files is in AtomicFile.cpp.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include <cerrno>
#include <cmath>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace rnnrt;

/// The last error message of each thread.
static thread_local std::string lastErrorMessage;

void rnnrt::setLastError(std::string message) {
  lastErrorMessage = std::move(message);
}

rnnrt_status_t rnnrt::failNoexcept(rnnrt_status_t status, const char *what,
                                   const char *message,
                                   const char *detail) noexcept {
  try {
    std::string text = std::string(what) + ": " + message;
    if (detail)
      text += std::string(": ") + detail;
    lastErrorMessage = std::move(text);
  } catch (...) {
    // Out of memory even for the message: clear() keeps the capacity, so the
    // short message below fits without allocating (or in the SSO buffer).
    lastErrorMessage.clear();
    try {
      lastErrorMessage = "out of memory";
    } catch (...) {
    }
  }
  return status;
}

/// The length of the valid UTF-8 sequence at `p` (of `n` bytes), or 0.
/// Overlong forms, surrogates and code points above U+10FFFF are invalid.
static size_t utf8Length(const unsigned char *p, size_t n) {
  auto continuation = [&](size_t i) { return i < n && (p[i] & 0xC0) == 0x80; };
  if (p[0] >= 0xC2 && p[0] <= 0xDF)
    return continuation(1) ? 2 : 0;
  if (p[0] >= 0xE0 && p[0] <= 0xEF) {
    if (!continuation(1) || !continuation(2) || (p[0] == 0xE0 && p[1] < 0xA0) ||
        (p[0] == 0xED && p[1] > 0x9F))
      return 0;
    return 3;
  }
  if (p[0] >= 0xF0 && p[0] <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3) ||
        (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F))
      return 0;
    return 4;
  }
  return 0;
}

std::string rnnrt::printable(std::string_view text, size_t maxBytes) {
  std::string out;
  const auto *bytes = reinterpret_cast<const unsigned char *>(text.data());
  for (size_t i = 0; i < text.size();) {
    std::string piece;
    unsigned char c = bytes[i];
    size_t n = 1;
    if (c == '\\') {
      piece = "\\\\";
    } else if (c >= 0x20 && c < 0x7F) {
      piece.assign(1, static_cast<char>(c));
    } else if (c >= 0x80 && (n = utf8Length(bytes + i, text.size() - i)) &&
               !(c == 0xC2 && bytes[i + 1] < 0xA0)) {
      // Valid UTF-8 other than the C1 controls U+0080..U+009F.
      piece.assign(text.data() + i, n);
    } else {
      n = 1;
      piece = fmt::format("\\x{:02x}", c);
    }
    if (out.size() + piece.size() > maxBytes)
      return out + "...";
    out += piece;
    i += n;
  }
  return out;
}

//===----------------------------------------------------------------------===//
// C API
//===----------------------------------------------------------------------===//

const char *rnnrt_status_string(rnnrt_status_t status) {
  switch (enumValue(status)) {
  case RNNRT_OK:
    return "OK";
  case RNNRT_CANCELLED:
    return "CANCELLED";
  case RNNRT_UNKNOWN:
    return "UNKNOWN";
  case RNNRT_INVALID_ARGUMENT:
    return "INVALID_ARGUMENT";
  case RNNRT_NOT_FOUND:
    return "NOT_FOUND";
  case RNNRT_RESOURCE_EXHAUSTED:
    return "RESOURCE_EXHAUSTED";
  case RNNRT_FAILED_PRECONDITION:
    return "FAILED_PRECONDITION";
  case RNNRT_OUT_OF_RANGE:
    return "OUT_OF_RANGE";
  case RNNRT_UNIMPLEMENTED:
    return "UNIMPLEMENTED";
  case RNNRT_INTERNAL:
    return "INTERNAL";
  case RNNRT_DATA_LOSS:
    return "DATA_LOSS";
  }
  return "UNKNOWN_STATUS";
}

const char *rnnrt_last_error_message(void) { return lastErrorMessage.c_str(); }

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

rnnrt_status_t rnnrt::statusFromErrno(int err) {
  switch (err) {
  case ENOENT:
  case ENOTDIR:
    return RNNRT_NOT_FOUND;
  case ENOSPC:
  case EDQUOT:
  case EFBIG:
  case ENOMEM:
  case EMFILE:
  case ENFILE:
    return RNNRT_RESOURCE_EXHAUSTED;
  case EACCES:
  case EPERM:
  case EROFS:
  case EISDIR:
    return RNNRT_FAILED_PRECONDITION;
  default:
    return RNNRT_UNKNOWN;
  }
}

/// What kind of file `mode` describes, for "is not a regular file" messages.
static const char *fileKind(mode_t mode) {
  if (S_ISDIR(mode))
    return "a directory";
  if (S_ISFIFO(mode))
    return "a FIFO";
  if (S_ISCHR(mode))
    return "a character device";
  if (S_ISBLK(mode))
    return "a block device";
  if (S_ISSOCK(mode))
    return "a socket";
  return "a special file";
}

rnnrt_status_t File::openForRead(const char *path) {
  close();
  auto cannotOpen = [&](int err) {
    return fail(statusFromErrno(err), "{}: cannot open: {}", path,
                std::strerror(err));
  };
  auto notRegular = [&](mode_t mode) {
    return fail(RNNRT_INVALID_ARGUMENT, "'{}' is not a regular file ({})", path,
                fileKind(mode));
  };
  // stat() first: opening a FIFO for reading would wait for a writer, and
  // opening some devices has side effects.
  struct stat info;
  if (::stat(path, &info) != 0)
    return cannotOpen(errno);
  if (!S_ISREG(info.st_mode))
    return notRegular(info.st_mode);
  // O_NONBLOCK, and the type checked again on the descriptor: the path may
  // have become a FIFO since the stat().
  int fd = ::open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return cannotOpen(errno);
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    int err = errno;
    ::close(fd);
    return S_ISREG(info.st_mode) ? cannotOpen(err) : notRegular(info.st_mode);
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags == -1 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == -1 ||
      !(stream = ::fdopen(fd, "rb"))) {
    int err = errno;
    ::close(fd);
    return cannotOpen(err);
  }
  fileSize = static_cast<int64_t>(info.st_size);
  // Reads are few and large (a header, whole tensors): stdio's buffer would
  // only add a copy.
  std::setvbuf(stream, nullptr, _IONBF, 0);
  return RNNRT_OK;
}

bool File::readAt(int64_t offset, void *buffer, size_t n) {
  if (offset < 0 || fseeko(stream, static_cast<off_t>(offset), SEEK_SET) != 0)
    return false;
  return std::fread(buffer, 1, n, stream) == n;
}

bool File::close() {
  if (!stream)
    return true;
  bool ok = std::fclose(stream) == 0;
  stream = nullptr;
  return ok;
}

//===----------------------------------------------------------------------===//
// Tables
//===----------------------------------------------------------------------===//

std::string rnnrt::formatShape(const int64_t *shape, int64_t rank) {
  std::string result = "[";
  for (int64_t i = 0; i < rank; ++i)
    result += fmt::format("{}{}", i ? ", " : "", shape[i]);
  return result + "]";
}

rnnrt_status_t rnnrt::validateTable(const char *what,
                                    const rnnc_param_info_t *table,
                                    int64_t count, const void *params,
                                    int64_t paramSize) {
  if (count < 0)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: negative table size {}", what,
                count);
  if (paramSize < 0)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: negative parameter size {}", what,
                paramSize);
  if (!table && count > 0)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: table is NULL", what);
  if (!params && paramSize > 0)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: parameter buffer is NULL", what);
  for (int64_t i = 0; i < count; ++i) {
    const rnnc_param_info_t &row = table[i];
    if (!row.name)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: table row {} has a NULL name",
                  what, i);
    if (row.rank < 0 || row.rank > 4)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "{}: tensor '{}' has rank {}, expected 0 to 4", what,
                  row.name, row.rank);
    int64_t numel = 1;
    for (int64_t d = 0; d < row.rank; ++d)
      if (!checkedMul(numel, row.shape[d], numel))
        return fail(RNNRT_INVALID_ARGUMENT, "{}: tensor '{}' has bad shape {}",
                    what, row.name, formatShape(row.shape, row.rank));
    if (numel != row.numel)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "{}: tensor '{}' has numel {} but shape {}", what, row.name,
                  row.numel, formatShape(row.shape, row.rank));
    int64_t end;
    if (!checkedAdd(row.offset, row.numel, end) || end > paramSize)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "{}: tensor '{}' at offset {} with {} elements does not fit "
                  "in {} parameters",
                  what, row.name, row.offset, row.numel, paramSize);
    if (row.init != RNNC_INIT_UNIFORM && row.init != RNNC_INIT_NORMAL)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "{}: tensor '{}' has unknown init kind {}", what, row.name,
                  row.init);
    if (!std::isfinite(row.init_scale) || row.init_scale < 0)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "{}: tensor '{}' has bad init scale {}", what, row.name,
                  row.init_scale);
  }
  return RNNRT_OK;
}

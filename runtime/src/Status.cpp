//===- Status.cpp - rnnrt status codes and shared helpers -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements status strings, the thread-local last error message,
// and the file and table helpers declared in Support.h.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include <cerrno>
#include <cmath>
#include <sys/stat.h>

using namespace rnnrt;

/// The last error message of each thread.
static thread_local std::string lastErrorMessage;

void rnnrt::setLastError(std::string message) {
  lastErrorMessage = std::move(message);
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

rnnrt_status_t File::openForRead(const char *path) {
  close();
  errno = 0;
  stream = std::fopen(path, "rb");
  if (!stream) {
    int err = errno;
    return fail(statusFromErrno(err), "{}: cannot open: {}", path,
                std::strerror(err));
  }
  struct stat info;
  if (fstat(fileno(stream), &info) != 0 || !S_ISREG(info.st_mode)) {
    close();
    return fail(RNNRT_INVALID_ARGUMENT, "{}: not a regular file", path);
  }
  fileSize = static_cast<int64_t>(info.st_size);
  // Reads are few and large (a header, whole tensors): stdio's buffer would
  // only add a copy.
  std::setvbuf(stream, nullptr, _IONBF, 0);
  return RNNRT_OK;
}

rnnrt_status_t File::openForWrite(const char *path) {
  close();
  errno = 0;
  stream = std::fopen(path, "wb");
  if (!stream) {
    int err = errno;
    return fail(statusFromErrno(err), "{}: cannot create: {}", path,
                std::strerror(err));
  }
  return RNNRT_OK;
}

bool File::readAt(int64_t offset, void *buffer, size_t n) {
  if (offset < 0 || fseeko(stream, static_cast<off_t>(offset), SEEK_SET) != 0)
    return false;
  return std::fread(buffer, 1, n, stream) == n;
}

bool File::write(const void *buffer, size_t n) {
  return n == 0 || std::fwrite(buffer, 1, n, stream) == n;
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

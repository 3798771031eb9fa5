//===- AtomicFile.cpp - Output files that never lose data -----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements OutputFile (Support.h), which every writer of the
// runtime uses: a regular file (or a path that does not exist yet) is
// written to a temporary file in the same directory and renamed into place,
// so a failed write leaves the old file untouched and removes only the
// temporary; anything else (a FIFO, a device, a file descriptor's path) is
// written in place and never removed. Before this, a failed write removed
// the path, whatever it was: a device node given as output was deleted.
//
//===----------------------------------------------------------------------===//

#include "Support.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

using namespace rnnrt;

/// Most symbolic links followed, as Linux's MAXSYMLINKS.
static constexpr int kMaxLinks = 40;
/// Attempts at a fresh temporary name before giving up.
static constexpr int kMaxTemporaryAttempts = 100;
/// Longest file name used in a temporary's name; NAME_MAX is 255, and the
/// temporary adds 15 bytes.
static constexpr size_t kMaxTemporaryBase = 200;

/// True if `path` names a file descriptor rather than a file: /dev/stdout,
/// /dev/stderr, /dev/fd/N, /proc/self/fd/N, /proc/PID/fd/N. These are
/// written in place whatever they refer to: renaming a new file over what
/// the descriptor resolves to would leave the descriptor on the old file.
static bool namesDescriptor(const std::string &path) {
  auto startsWith = [&](const char *prefix) {
    return path.compare(0, std::strlen(prefix), prefix) == 0;
  };
  if (path == "/dev/stdout" || path == "/dev/stderr" || startsWith("/dev/fd/"))
    return true;
  if (!startsWith("/proc/"))
    return false;
  size_t slash = path.find('/', 6);
  return slash != std::string::npos && path.compare(slash, 4, "/fd/") == 0;
}

/// The directory part of `path`, with its trailing slash ("" for a name in
/// the current directory).
static std::string directoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

/// Follows the chain of symbolic links that `path` itself is (not those of
/// its directories, which rename() resolves the same way) and stores the
/// path it ends at, which may not exist, in `out`. `descriptor` is set if a
/// step of the chain names a file descriptor, where resolution stops.
/// Returns 0 or an errno value.
static int resolveLinks(const std::string &path, std::string &out,
                        bool &descriptor) {
  out = path;
  descriptor = false;
  for (int hops = 0;; ++hops) {
    if (namesDescriptor(out)) {
      descriptor = true;
      return 0;
    }
    struct stat info;
    if (::lstat(out.c_str(), &info) != 0 || !S_ISLNK(info.st_mode))
      return 0;
    if (hops == kMaxLinks)
      return ELOOP;
    std::vector<char> buffer(
        static_cast<size_t>(std::max<off_t>(info.st_size, PATH_MAX)) + 1);
    ssize_t n = ::readlink(out.c_str(), buffer.data(), buffer.size());
    if (n < 0)
      return errno;
    if (static_cast<size_t>(n) >= buffer.size())
      return ENAMETOOLONG;
    std::string link(buffer.data(), static_cast<size_t>(n));
    out = !link.empty() && link[0] == '/' ? link : directoryOf(out) + link;
  }
}

/// SplitMix64's finalizer, for temporary names.
static uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// Eight characters that differ between calls, threads and processes.
static std::string uniqueSuffix() {
  static std::atomic<uint64_t> counter{0};
  static const char letters[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  uint64_t x =
      mix64(counter.fetch_add(1, std::memory_order_relaxed) ^
            mix64(static_cast<uint64_t>(::getpid())) ^
            mix64(static_cast<uint64_t>(
                std::chrono::steady_clock::now().time_since_epoch().count())));
  std::string suffix;
  for (int i = 0; i < 8; ++i, x /= 62)
    suffix += letters[x % 62];
  return suffix;
}

rnnrt_status_t OutputFile::open(const char *p) {
  discard();
  path = p;
  committed = false;
  auto cannotCreate = [&](int err) {
    return fail(statusFromErrno(err), "{}: cannot create: {}", path,
                std::strerror(err));
  };
  // A race (the path replaced between the checks and the open) is retried a
  // few times; see openInPlace().
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string resolved;
    bool descriptor;
    if (int err = resolveLinks(path, resolved, descriptor))
      return cannotCreate(err);
    bool retry = false;
    if (descriptor) {
      rnnrt_status_t status = openInPlace(/*truncate=*/true, retry);
      if (!retry)
        return status;
      continue;
    }
    struct stat info;
    if (::stat(path.c_str(), &info) == 0) {
      if (S_ISDIR(info.st_mode))
        return cannotCreate(EISDIR);
      if (!S_ISREG(info.st_mode)) {
        rnnrt_status_t status = openInPlace(/*truncate=*/false, retry);
        if (!retry)
          return status;
        continue;
      }
      target = resolved;
      return openTemporary(&info);
    }
    // Missing (or a dangling link, whose target is created).
    if (errno != ENOENT)
      return cannotCreate(errno);
    target = resolved;
    return openTemporary(nullptr);
  }
  return cannotCreate(EAGAIN);
}

/// Opens `path` itself for writing. A FIFO or device is never truncated
/// (O_TRUNC means nothing to them); a descriptor's path is, as a shell's `>`
/// would, since what it refers to may be a regular file. If the path turns
/// out to be a regular file that is not behind a descriptor's path, it was
/// swapped since open() looked: `retry` is set and open() starts over, so
/// such a file is never written in place.
rnnrt_status_t OutputFile::openInPlace(bool truncate, bool &retry) {
  retry = false;
  target.clear();
  temporary.clear();
  auto cannotCreate = [&](int err) {
    return fail(statusFromErrno(err), "{}: cannot create: {}", path,
                std::strerror(err));
  };
  int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return cannotCreate(errno);
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    int err = errno;
    ::close(fd);
    return cannotCreate(err);
  }
  if (S_ISREG(info.st_mode)) {
    if (!truncate) {
      ::close(fd);
      retry = true;
      return RNNRT_OK;
    }
    if (::ftruncate(fd, 0) != 0) {
      int err = errno;
      ::close(fd);
      return cannotCreate(err);
    }
  }
  if (!(stream = ::fdopen(fd, "wb"))) {
    int err = errno;
    ::close(fd);
    return cannotCreate(err);
  }
  return RNNRT_OK;
}

/// Creates the temporary file next to `target`. `existing` is the stat of
/// the file it replaces, or null.
rnnrt_status_t OutputFile::openTemporary(const struct ::stat *existing) {
  std::string directory = directoryOf(target);
  std::string base = target.substr(directory.size());
  if (base.size() > kMaxTemporaryBase)
    base.resize(kMaxTemporaryBase);
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    temporary = directory + "." + base + ".tmp-" + uniqueSuffix();
    // 0666 with O_EXCL: the kernel applies the umask and default ACLs as to
    // any new file (mkstemp would make it 0600).
    fd = ::open(temporary.c_str(),
                O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY | O_CLOEXEC, 0666);
    if (fd < 0 && (errno != EEXIST || attempt + 1 == kMaxTemporaryAttempts)) {
      int err = errno;
      temporary.clear();
      return fail(statusFromErrno(err), "{}: cannot create: {}", path,
                  std::strerror(err));
    }
  }
  if (existing) {
    // Keep what truncating the old file kept. The owner can only be set by a
    // privileged process; failing that is fine. fchown() first, since it may
    // clear mode bits.
    if (::fchown(fd, existing->st_uid, existing->st_gid) != 0) {
      // Not permitted: the new file keeps the caller's owner.
    }
    if (::fchmod(fd, existing->st_mode & 0777) != 0) {
      // E.g. a file system without modes: keep the default.
    }
  }
  if (!(stream = ::fdopen(fd, "wb"))) {
    int err = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    temporary.clear();
    return fail(statusFromErrno(err), "{}: cannot create: {}", path,
                std::strerror(err));
  }
  return RNNRT_OK;
}

bool OutputFile::write(const void *buffer, size_t n) {
  return n == 0 || std::fwrite(buffer, 1, n, stream) == n;
}

rnnrt_status_t OutputFile::writeFailed(int err) {
  discard();
  return fail(statusFromErrno(err), "{}: write failed: {}", path,
              std::strerror(err));
}

rnnrt_status_t OutputFile::commit() {
  if (std::fflush(stream) != 0)
    return writeFailed(errno);
  // fsync so that a crash after the rename cannot leave an empty file where
  // the old one was. EINVAL: the file system cannot sync this file.
  if (!temporary.empty() && ::fsync(fileno(stream)) != 0 && errno != EINVAL)
    return writeFailed(errno);
  FILE *closing = stream;
  stream = nullptr;
  if (std::fclose(closing) != 0)
    return writeFailed(errno);
  if (!temporary.empty()) {
    if (::rename(temporary.c_str(), target.c_str()) != 0) {
      int err = errno;
      discard();
      return fail(statusFromErrno(err), "{}: cannot replace the file: {}", path,
                  std::strerror(err));
    }
    temporary.clear();
  }
  committed = true;
  return RNNRT_OK;
}

void OutputFile::discard() noexcept {
  if (stream) {
    std::fclose(stream);
    stream = nullptr;
  }
  // Only the temporary file is ever removed, never the path.
  if (!temporary.empty() && !committed)
    ::unlink(temporary.c_str());
  temporary.clear();
}

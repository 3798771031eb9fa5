//===- FuzzFile.h - In-memory files for the runtime fuzzers -----*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares MemFile, a file that lives in memory (memfd_create) and
// has a path (/proc/self/fd/N), for the fuzzers of the runtime's loaders:
// their public API takes paths, and a file on disk would cost a write per
// input and leave files behind after a crash. Each fuzzer process has its
// own, so parallel fuzzers (-jobs) do not share files.
//
//===----------------------------------------------------------------------===//

#ifndef RNNC_FUZZ_FUZZFILE_H
#define RNNC_FUZZ_FUZZFILE_H

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace rnnc_fuzz {

/// Reports a broken invariant and stops, so that libFuzzer saves the input.
[[noreturn]] inline void fuzzFailure(const char *target,
                                     const std::string &what) {
  std::fprintf(stderr, "%s: %s\n", target, what.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

/// A memory-backed regular file with a path that fopen() accepts.
class MemFile {
public:
  /// Creates an empty file; `name` only shows in /proc/self/fd.
  explicit MemFile(const char *name) {
    fd = memfd_create(name, MFD_CLOEXEC);
    if (fd < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    filePath = "/proc/self/fd/" + std::to_string(fd);
  }
  MemFile(const MemFile &) = delete;
  MemFile &operator=(const MemFile &) = delete;
  ~MemFile() { close(fd); }

  /// The path to pass to the API under test.
  const char *path() const { return filePath.c_str(); }

  /// Replaces the contents with `size` bytes at `data`.
  void assign(const uint8_t *data, size_t size) {
    if (ftruncate(fd, 0) != 0) {
      std::perror("ftruncate");
      std::abort();
    }
    size_t done = 0;
    while (done < size) {
      ssize_t n = pwrite(fd, data + done, size - done, done);
      if (n <= 0) {
        std::perror("pwrite");
        std::abort();
      }
      done += static_cast<size_t>(n);
    }
  }

  /// The current contents (after the API under test wrote them).
  std::vector<uint8_t> contents() const {
    std::vector<uint8_t> bytes;
    uint8_t buffer[4096];
    for (off_t offset = 0;; offset += sizeof(buffer)) {
      ssize_t n = pread(fd, buffer, sizeof(buffer), offset);
      if (n < 0) {
        std::perror("pread");
        std::abort();
      }
      bytes.insert(bytes.end(), buffer, buffer + n);
      if (n < static_cast<ssize_t>(sizeof(buffer)))
        return bytes;
    }
  }

private:
  int fd = -1;
  std::string filePath;
};

} // namespace rnnc_fuzz

#endif // RNNC_FUZZ_FUZZFILE_H

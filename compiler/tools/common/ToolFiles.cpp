//===- ToolFiles.cpp - How the tools read specs and write outputs ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "ToolFiles.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = llvm::sys::fs;

static llvm::Error fileError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The message of `errno`.
static std::string lastSystemError() { return std::strerror(errno); }

/// Reads `fd` to its end into `out`; fails past `limit` bytes.
static llvm::Error readBounded(int fd, llvm::StringRef name, uint64_t limit,
                               std::string &out) {
  char chunk[1 << 16];
  while (true) {
    ssize_t got = ::read(fd, chunk, sizeof(chunk));
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return fileError("cannot read spec '" + name + "': " + lastSystemError());
    if (got == 0)
      return llvm::Error::success();
    if (out.size() + got > limit)
      return fileError(llvm::formatv(
          "spec '{0}' is larger than {1} bytes, the most the tools read "
          "(a spec is a few hundred bytes)",
          name, limit));
    out.append(chunk, got);
  }
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
rnnc::readSpecFile(llvm::StringRef path) {
  std::string contents;
  if (path == "-") {
    if (llvm::Error error =
            readBounded(STDIN_FILENO, "<stdin>", kMaxSpecBytes, contents))
      return std::move(error);
    return llvm::MemoryBuffer::getMemBufferCopy(contents, "<stdin>");
  }
  // O_NONBLOCK: opening a FIFO for reading would wait for a writer. The
  // type is checked on the open descriptor, so the file cannot change
  // between the check and the read.
  std::string pathString = path.str();
  int fd = ::open(pathString.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return fileError("cannot open spec '" + path + "': " + lastSystemError());
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat status;
  if (::fstat(fd, &status) != 0)
    return fileError("cannot open spec '" + path + "': " + lastSystemError());
  if (!S_ISREG(status.st_mode))
    return fileError("'" + path +
                     "' is not a regular file; rnnc reads a spec from a "
                     "file, or from standard input with '-'");
  if (static_cast<uint64_t>(status.st_size) > kMaxSpecBytes)
    return fileError(llvm::formatv(
        "spec '{0}' is {1} bytes, more than {2}, the most the tools read (a "
        "spec is a few hundred bytes)",
        path, static_cast<uint64_t>(status.st_size), kMaxSpecBytes));
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if (llvm::Error error = readBounded(fd, path, kMaxSpecBytes, contents))
    return std::move(error);
  return llvm::MemoryBuffer::getMemBufferCopy(contents, path);
}

/// Writes all of `contents` to `fd`.
static bool writeAll(int fd, llvm::StringRef contents) {
  const char *data = contents.data();
  size_t left = contents.size();
  while (left > 0) {
    ssize_t done = ::write(fd, data, left);
    if (done < 0 && errno == EINTR)
      continue;
    if (done <= 0)
      return false;
    data += done;
    left -= done;
  }
  return true;
}

llvm::Error rnnc::writeOutputFile(llvm::StringRef path,
                                  llvm::StringRef contents) {
  if (path == "-") {
    llvm::outs() << contents;
    llvm::outs().flush();
    if (llvm::outs().has_error()) {
      std::error_code ec = llvm::outs().error();
      llvm::outs().clear_error();
      return fileError("cannot write to standard output: " + ec.message());
    }
    return llvm::Error::success();
  }

  std::string pathString = path.str();
  struct stat status;
  if (::stat(pathString.c_str(), &status) == 0 && !S_ISREG(status.st_mode)) {
    if (S_ISDIR(status.st_mode))
      return fileError("cannot write '" + path + "': it is a directory");
    // A pipe or a device: written in place, and never removed.
    int fd = ::open(pathString.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
      return fileError("cannot open '" + path + "': " + lastSystemError());
    bool written = writeAll(fd, contents);
    std::string error = written ? "" : lastSystemError();
    if (::close(fd) != 0 && written) {
      written = false;
      error = lastSystemError();
    }
    if (!written)
      return fileError("cannot write '" + path + "': " + error);
    return llvm::Error::success();
  }

  // A symbolic link keeps pointing where it did: the file it names is
  // replaced, not the link.
  llvm::SmallString<256> target(path);
  if (fs::is_symlink_file(path)) {
    llvm::SmallString<256> resolved;
    if (!fs::real_path(path, resolved))
      target = resolved;
  }
  auto temp = fs::TempFile::create(target + ".tmp-%%%%%%");
  if (!temp)
    return fileError("cannot write '" + path +
                     "': " + llvm::toString(temp.takeError()));
  if (!writeAll(temp->FD, contents)) {
    std::string error = lastSystemError();
    llvm::consumeError(temp->discard());
    return fileError("cannot write '" + path + "': " + error);
  }
  if (llvm::Error error = temp->keep(target)) {
    std::string message = llvm::toString(std::move(error));
    llvm::consumeError(temp->discard());
    return fileError("cannot write '" + path + "': " + message);
  }
  return llvm::Error::success();
}

bool rnnc::isSameFile(llvm::StringRef a, llvm::StringRef b) {
  if (a == b)
    return true;
  bool same = false;
  return !fs::equivalent(a, b, same) && same;
}

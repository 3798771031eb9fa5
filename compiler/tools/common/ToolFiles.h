//===- ToolFiles.h - How the tools read specs and write outputs -*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// The tools never lose a user's file and never wait on one forever:
//
// - A spec is read from a regular file of at most kMaxSpecBytes, or from
//   standard input when the path is `-`. Anything else (a directory, a FIFO,
//   /dev/zero) is refused before it is read, so rnnc neither blocks on a
//   FIFO nor reads without bound.
// - An output that is a regular file, or does not exist yet, is written to
//   a temporary file in the same directory and renamed into place: a
//   failure leaves an existing file as it was, and removes only the
//   temporary file. An output that exists and is not a regular file (a
//   pipe, /dev/stdout, /dev/null) is written in place and never removed.
//   `-` is standard output.
//
//===----------------------------------------------------------------------===//

#ifndef RNNC_TOOLS_TOOLFILES_H
#define RNNC_TOOLS_TOOLFILES_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>

namespace rnnc {

/// The largest spec the tools read. A spec is a few hundred bytes; this
/// bounds what a wrong path can make a tool read.
constexpr uint64_t kMaxSpecBytes = 1 << 20;

/// Reads the spec at `path` (`-`: standard input), as described above. The
/// buffer is named after `path` (`<stdin>` for `-`).
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readSpecFile(llvm::StringRef path);

/// Writes `contents` to `path` (`-`: standard output), as described above.
llvm::Error writeOutputFile(llvm::StringRef path, llvm::StringRef contents);

/// Whether `a` and `b` name the same file: the same path, or two paths of
/// one existing file (hard links, symbolic links, `./x` and `x`).
bool isSameFile(llvm::StringRef a, llvm::StringRef b);

} // namespace rnnc

#endif // RNNC_TOOLS_TOOLFILES_H

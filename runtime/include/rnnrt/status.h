//===- status.h - rnnrt status codes and error messages -----------*- C -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares the status codes returned by every fallible rnnrt call
// and the thread-local message that describes the most recent failure. The
// codes use IREE's canonical values (which are absl/gRPC's), so a generated
// model's `int32_t` return value can be compared with them directly.
//
//===----------------------------------------------------------------------===//

#ifndef RNNRT_STATUS_H
#define RNNRT_STATUS_H

/// Marks a function exported from librnnrt.so; the library is built with
/// hidden visibility so that nothing else leaks.
#ifndef RNNRT_API
#if defined(__GNUC__) || defined(__clang__)
#define RNNRT_API __attribute__((visibility("default")))
#else
#define RNNRT_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

//===----------------------------------------------------------------------===//
// rnnrt_status_t
//===----------------------------------------------------------------------===//

/// Result of a fallible call. `RNNRT_OK` is 0; every other value is an error
/// whose details are in rnnrt_last_error_message().
typedef enum rnnrt_status_t {
  /// Success.
  RNNRT_OK = 0,
  /// The operation was cancelled by the caller.
  RNNRT_CANCELLED = 1,
  /// An error with no better code (e.g. an unexpected I/O error).
  RNNRT_UNKNOWN = 2,
  /// A bad argument: NULL pointer, negative size, wrong shape or dtype.
  RNNRT_INVALID_ARGUMENT = 3,
  /// A file or a named tensor does not exist.
  RNNRT_NOT_FOUND = 5,
  /// Out of memory or disk space.
  RNNRT_RESOURCE_EXHAUSTED = 8,
  /// The system is not in a state that allows the operation.
  RNNRT_FAILED_PRECONDITION = 9,
  /// A value outside its valid range (sequence length, token id).
  RNNRT_OUT_OF_RANGE = 11,
  /// A valid but unsupported request (e.g. a Fortran-ordered .npy file).
  RNNRT_UNIMPLEMENTED = 12,
  /// A bug in rnnrt.
  RNNRT_INTERNAL = 13,
  /// A truncated or corrupt file.
  RNNRT_DATA_LOSS = 15,
} rnnrt_status_t;

/// Returns the name of `status` without the prefix, e.g. "INVALID_ARGUMENT",
/// or "UNKNOWN_STATUS" for a value that is not an rnnrt_status_t.
///
/// The string is static: never free it. Thread-safe.
RNNRT_API const char *rnnrt_status_string(rnnrt_status_t status);

/// Returns the message of the most recent failing rnnrt call on the calling
/// thread, e.g. "params.safetensors: tensor 'fc.bias' not found", or "" if
/// no call on this thread has failed yet.
///
/// Every failing call sets the message; successful calls leave it unchanged,
/// as with errno, so read it right after the call that failed. The pointer is
/// owned by the runtime and stays valid until the next failing call on the
/// same thread or the thread's exit. Thread-safe (the message is
/// thread-local).
RNNRT_API const char *rnnrt_last_error_message(void);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // RNNRT_STATUS_H

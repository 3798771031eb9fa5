//===- npy.h - NumPy .npy arrays ----------------------------------*- C -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares a small n-dimensional array object and reading and
// writing it as a NumPy .npy file (format versions 1.0, 2.0 and 3.0). Only
// C-ordered little-endian float32, int64 and int32 arrays are supported:
// what models take as input and produce as output.
//
//===----------------------------------------------------------------------===//

#ifndef RNNRT_NPY_H
#define RNNRT_NPY_H

#include "rnnrt/status.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

//===----------------------------------------------------------------------===//
// rnnrt_dtype_t
//===----------------------------------------------------------------------===//

/// Element type of an array.
typedef enum rnnrt_dtype_t {
  /// IEEE float32, numpy '<f4'.
  RNNRT_DTYPE_FLOAT32,
  /// int64, numpy '<i8'.
  RNNRT_DTYPE_INT64,
  /// int32, numpy '<i4'.
  RNNRT_DTYPE_INT32,
} rnnrt_dtype_t;

/// Returns the size in bytes of one element of `dtype`, or 0 if `dtype` is
/// not an rnnrt_dtype_t. Thread-safe.
RNNRT_API int64_t rnnrt_dtype_size(rnnrt_dtype_t dtype);

/// Returns the numpy name of `dtype` ("float32", "int64", "int32"), or
/// "unknown". The string is static. Thread-safe.
RNNRT_API const char *rnnrt_dtype_name(rnnrt_dtype_t dtype);

//===----------------------------------------------------------------------===//
// rnnrt_array_t
//===----------------------------------------------------------------------===//

/// A dense, C-ordered array that owns its data (64-byte aligned). Opaque.
typedef struct rnnrt_array_t rnnrt_array_t;

/// Creates a zero-filled array of `dtype` with `rank` dimensions `shape` and
/// stores it in `*out_array`.
///
/// Ownership: the caller owns `*out_array` and frees it with
/// rnnrt_array_destroy(); `shape` is copied. NULL: `out_array` must not be
/// NULL; `shape` may be NULL only if `rank` is 0. `*out_array` is NULL on
/// error. Thread-safe.
/// Errors: RNNRT_INVALID_ARGUMENT for a bad dtype, a rank outside [0, 32], a
/// negative dim or a byte size that overflows int64;
/// RNNRT_RESOURCE_EXHAUSTED when out of memory.
RNNRT_API rnnrt_status_t rnnrt_array_create(rnnrt_dtype_t dtype,
                                            const int64_t *shape, int64_t rank,
                                            rnnrt_array_t **out_array);

/// Frees `array` and its data. NULL is a no-op.
RNNRT_API void rnnrt_array_destroy(rnnrt_array_t *array);

/// Returns the element type of `array` (RNNRT_DTYPE_FLOAT32 if NULL).
RNNRT_API rnnrt_dtype_t rnnrt_array_dtype(const rnnrt_array_t *array);

/// Returns the number of dimensions of `array` (0 for a scalar), or -1 if
/// `array` is NULL.
RNNRT_API int64_t rnnrt_array_rank(const rnnrt_array_t *array);

/// Returns dimension `i` of `array`, or -1 if `array` is NULL or `i` is
/// outside [0, rank).
RNNRT_API int64_t rnnrt_array_shape(const rnnrt_array_t *array, int64_t i);

/// Returns the number of elements of `array` (1 for a scalar), or 0 if
/// `array` is NULL.
RNNRT_API int64_t rnnrt_array_numel(const rnnrt_array_t *array);

/// Returns the data of `array`: numel elements of its dtype in C order, owned
/// by `array` and valid until it is destroyed. NULL if `array` is NULL; an
/// empty array still has a valid (non-NULL) pointer. Access is not
/// synchronized: concurrent reads are fine, writes need external locking.
RNNRT_API void *rnnrt_array_data(const rnnrt_array_t *array);

//===----------------------------------------------------------------------===//
// .npy files
//===----------------------------------------------------------------------===//

/// Reads the .npy file at `path` into a new array stored in `*out_array`.
/// Accepts versions 1.0, 2.0 and 3.0 with descr '<f4', '<i8' or '<i4' (also
/// spelled with '|' or '='), C order, any rank up to 32; bytes after the data
/// are ignored, as numpy does.
///
/// `path` must name a regular file (symbolic links are followed): it is
/// checked with stat() before it is opened, so a FIFO, a device such as
/// /dev/zero or a directory is refused at once ("'PATH' is not a regular
/// file (a FIFO)") instead of blocking or reading without end. Reads and the
/// allocation are bounded by the file's size from fstat(): the header by
/// 1 MiB and the file, the data by what the file holds after the header.
/// Header text echoed in messages (a dtype, a key) is escaped (a NUL becomes
/// \x00, as do other control characters and invalid UTF-8) and cut after
/// 256 bytes.
///
/// Ownership: the caller owns `*out_array` (free it with
/// rnnrt_array_destroy()). NULL: `path` and `out_array` must not be NULL.
/// `*out_array` is NULL on error. Thread-safe.
/// Errors: RNNRT_INVALID_ARGUMENT for a NULL argument or a path that is not
/// a regular file; RNNRT_NOT_FOUND if there is no such file;
/// RNNRT_UNIMPLEMENTED for Fortran order, big-endian data or another dtype
/// (the message names it); RNNRT_DATA_LOSS for a bad magic string or
/// version, a malformed or oversized header (over 1 MiB), a missing, extra
/// or ill-typed key, a shape whose size overflows, or data shorter than the
/// shape needs; RNNRT_RESOURCE_EXHAUSTED when out of memory.
RNNRT_API rnnrt_status_t rnnrt_npy_read(const char *path,
                                        rnnrt_array_t **out_array);

/// Writes `data` (numel elements of `dtype` in C order, with `rank`
/// dimensions `shape`) as a version 1.0 .npy file at `path`, replacing any
/// existing file. The header is padded so that the data starts at a multiple
/// of 64 bytes, as numpy does (version 2.0 is used only if the header would
/// not fit in 64 KiB).
///
/// No failure loses data, as for rnnrt_params_save_safetensors(): a regular
/// file (or a new path) is written to a temporary file in the same directory
/// (mode 0666 less the umask) that is renamed over `path` once complete, so
/// an error leaves an existing file as it was and removes only the temporary
/// file; a replaced file keeps its permission bits; a symbolic link is
/// written through and stays a link; a FIFO, a device (/dev/null) or a file
/// descriptor's path (/dev/stdout, /dev/fd/N) is written in place and never
/// removed.
///
/// Ownership: nothing is retained. NULL: `path` must not be NULL; `shape` may
/// be NULL only if `rank` is 0, `data` only if the array is empty.
/// Thread-safe, also for one path (the last rename wins).
/// Errors: RNNRT_INVALID_ARGUMENT for a bad argument (as for
/// rnnrt_array_create); RNNRT_NOT_FOUND if the directory does not exist;
/// RNNRT_FAILED_PRECONDITION for a directory, a read-only file system or no
/// permission; RNNRT_RESOURCE_EXHAUSTED if the disk is full or the file too
/// large; RNNRT_UNKNOWN for other I/O errors.
RNNRT_API rnnrt_status_t rnnrt_npy_write(const char *path, rnnrt_dtype_t dtype,
                                         const int64_t *shape, int64_t rank,
                                         const void *data);

/// Writes `array` as by rnnrt_npy_write(). NULL: `array` and `path` must not
/// be NULL.
RNNRT_API rnnrt_status_t rnnrt_array_write_npy(const rnnrt_array_t *array,
                                               const char *path);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // RNNRT_NPY_H

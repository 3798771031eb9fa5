//===- safetensors.h - safetensors parameter and tensor files -----*- C -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares loading and saving a flat parameter buffer as a
// safetensors file (https://github.com/huggingface/safetensors), the format
// of PyTorch's `save_file(model.state_dict())`, and a small generic reader
// for any safetensors file (used to compare gradient files).
//
// A safetensors file is an 8-byte little-endian header length N, N bytes of
// JSON mapping tensor names to {"dtype", "shape", "data_offsets"} (plus an
// optional "__metadata__" string map), then the data area; offsets are
// relative to the data area. The readers validate the whole header and never
// read or allocate beyond what the file holds.
//
// A file is accepted only if the reference implementation would accept it
// (huggingface/safetensors, `SafeTensors::read_metadata`): a header of at
// most 100,000,000 bytes inside the file; a JSON object with no key twice in
// any object; "__metadata__" mapping strings to strings; and tensors that,
// sorted by offsets, tile the data area exactly, from byte 0 to the end of
// the file, with no overlap (no two names for the same bytes) and no hole.
// Two exceptions keep more files readable: a dtype rnnrt does not know can
// be listed (not read), and tensors without elements are accepted. Only
// regular files are read (see rnnrt_params_load_safetensors()).
//
// Writers never lose data: a regular file (or a new path) is written to a
// temporary file in the same directory that replaces the path only once it
// is complete; a FIFO or a device is written in place and never removed (see
// rnnrt_params_save_safetensors()).
//
//===----------------------------------------------------------------------===//

#ifndef RNNRT_SAFETENSORS_H
#define RNNRT_SAFETENSORS_H

#include "rnnrt/params.h"
#include "rnnrt/status.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

//===----------------------------------------------------------------------===//
// Parameter buffers
//===----------------------------------------------------------------------===//

/// Loads every tensor named in `table` (of `count` rows) from the safetensors
/// file at `path` into `params` (of `param_size` floats), at each row's
/// offset. Tensors may be stored as F32, F64, F16 or BF16 and are converted to
/// float. Tensors in the file that the table does not name are ignored, so a
/// checkpoint with extra entries (e.g. optimizer state) still loads.
///
/// `path` must name a regular file (symbolic links are followed). It is
/// checked with stat() before it is opened, so a FIFO, a device such as
/// /dev/zero or a directory is refused at once ("'PATH' is not a regular
/// file (a FIFO)") instead of blocking or reading without end. Reads are
/// bounded by the file's size as fstat() gives it: the header by 100 MB and
/// the file, each tensor by the data area.
///
/// Ownership: nothing is retained. NULL: `path` must not be NULL; `table` may
/// be NULL only if `count` is 0, `params` only if `param_size` is 0.
/// Thread-safe for distinct `params` buffers.
/// Errors:
///  - RNNRT_INVALID_ARGUMENT: a bad argument or table row (as for
///    rnnrt_params_init_default), a path that is not a regular file, a
///    tensor whose shape differs from its row (the message shows both), or
///    an unsupported dtype (the message names the tensor and the dtype);
///  - RNNRT_NOT_FOUND: no file at `path`, or a tensor missing from the file:
///    "tensor 'fc.bias' not found; the file holds 3 tensors: a, b, c" (at most
///    20 names, sorted, then "... and N more"), with a hint when a name of
///    the file is the missing one with a prefix added or removed at a '.'
///    ("'model.fc.bias' would match without the prefix 'model.'");
///  - RNNRT_DATA_LOSS: a file torch.save wrote (a ZIP archive or a pickle;
///    the message says so and how to save safetensors instead), a truncated
///    file, a header length beyond the file or above 100 MB, a header that is
///    not a JSON object of well-formed tensor entries, a key twice in one
///    JSON object (a tensor named twice), a "__metadata__" value that is not
///    a string, offsets outside the data area or reversed, a byte size that
///    does not match shape and dtype, tensors whose bytes overlap, or a data
///    area with a hole or bytes after the last tensor (the message names the
///    tensors and the offsets);
///  - RNNRT_RESOURCE_EXHAUSTED: out of memory.
/// Names, dtypes and other text from the file are escaped in messages
/// (control characters and invalid UTF-8 as \xNN) and cut after 256 bytes.
/// The whole table is checked against the header before anything is copied,
/// so on every error but an I/O failure while reading data `params` is
/// unchanged.
RNNRT_API rnnrt_status_t
rnnrt_params_load_safetensors(const char *path, const rnnc_param_info_t *table,
                              int64_t count, float *params, int64_t param_size);

/// Writes the tensors of `table` (of `count` rows) from `params` (of
/// `param_size` floats) as F32 tensors to a new safetensors file at `path`,
/// replacing any existing file. The header holds the tensors in table order
/// with contiguous offsets and `"__metadata__": {"format": "pt"}`, padded with
/// spaces to a multiple of 8 bytes as the reference implementation does, so
/// Python's `safetensors.torch.load_file` reads it. Also used for gradient
/// buffers, which share the parameter layout.
///
/// No failure loses data. If `path` does not exist or is a regular file, the
/// file is written to a temporary file in the same directory
/// (".NAME.tmp-XXXXXXXX", mode 0666 less the umask), flushed to disk and
/// renamed over `path` only once complete; on any error only the temporary
/// file is removed, so an existing file is left as it was. A replaced file's
/// permission bits are kept (and its owner, where the process may set it);
/// hard links to it keep the old contents. A symbolic link is written
/// through: the file it resolves to is replaced and the link stays (a
/// dangling link creates its target). A path that exists and is not a
/// regular file (a FIFO, /dev/null, any device), or that names a file
/// descriptor (/dev/stdout, /dev/fd/N, /proc/self/fd/N), is written in place
/// and never removed; opening a FIFO waits for its reader.
///
/// Ownership: nothing is retained. NULL: as for
/// rnnrt_params_load_safetensors. Thread-safe, also for one path (the last
/// rename wins; the file is always one whole write).
/// Errors: RNNRT_INVALID_ARGUMENT for a bad argument or row (as for
/// rnnrt_params_init_default), duplicate names or a name that is not valid
/// UTF-8; RNNRT_NOT_FOUND if the directory does not exist;
/// RNNRT_FAILED_PRECONDITION for a directory, a read-only file system or no
/// permission to create the temporary file; RNNRT_RESOURCE_EXHAUSTED if the
/// disk is full or the file too large; RNNRT_UNKNOWN for other I/O errors.
RNNRT_API rnnrt_status_t rnnrt_params_save_safetensors(
    const char *path, const rnnc_param_info_t *table, int64_t count,
    const float *params, int64_t param_size);

//===----------------------------------------------------------------------===//
// rnnrt_tensor_file_t
//===----------------------------------------------------------------------===//

/// An opened, validated safetensors file whose tensors can be listed and read
/// by index. Opaque.
typedef struct rnnrt_tensor_file_t rnnrt_tensor_file_t;

/// Opens the safetensors file at `path`, validates its header (the same
/// checks as rnnrt_params_load_safetensors) and stores `*out_file`. Tensors
/// are listed in the order of their data offsets (begin, then end: an empty
/// tensor comes before the one starting where it sits; then by name).
///
/// Ownership: the caller owns `*out_file` and frees it with
/// rnnrt_tensor_file_destroy(). NULL: `path` and `out_file` must not be NULL.
/// `*out_file` is set to NULL on error. Thread-safe.
/// Errors: RNNRT_INVALID_ARGUMENT (also for a path that is not a regular
/// file), RNNRT_NOT_FOUND, RNNRT_DATA_LOSS, RNNRT_RESOURCE_EXHAUSTED as for
/// rnnrt_params_load_safetensors.
RNNRT_API rnnrt_status_t rnnrt_tensor_file_open(const char *path,
                                                rnnrt_tensor_file_t **out_file);

/// Closes `file` and frees it. NULL is a no-op. Not thread-safe with other
/// uses of the same file.
RNNRT_API void rnnrt_tensor_file_destroy(rnnrt_tensor_file_t *file);

/// Returns the number of tensors in `file` ("__metadata__" is not a tensor),
/// or 0 if `file` is NULL.
RNNRT_API int64_t rnnrt_tensor_file_count(const rnnrt_tensor_file_t *file);

/// Returns the name of tensor `index`, or NULL if `file` is NULL or `index` is
/// outside [0, count). The string is owned by `file`.
RNNRT_API const char *rnnrt_tensor_file_name(const rnnrt_tensor_file_t *file,
                                             int64_t index);

/// Returns the safetensors dtype string of tensor `index` ("F32", "BF16",
/// "I64", ...), or NULL if `file` is NULL or `index` is out of range. The
/// string is owned by `file`.
RNNRT_API const char *rnnrt_tensor_file_dtype(const rnnrt_tensor_file_t *file,
                                              int64_t index);

/// Returns the rank of tensor `index`, or -1 if `file` is NULL or `index` is
/// out of range.
RNNRT_API int64_t rnnrt_tensor_file_rank(const rnnrt_tensor_file_t *file,
                                         int64_t index);

/// Returns dimension `dim` of tensor `index`, or -1 if any argument is out of
/// range.
RNNRT_API int64_t rnnrt_tensor_file_dim(const rnnrt_tensor_file_t *file,
                                        int64_t index, int64_t dim);

/// Returns the number of elements of tensor `index`, or -1 if `file` is NULL
/// or `index` is out of range.
RNNRT_API int64_t rnnrt_tensor_file_numel(const rnnrt_tensor_file_t *file,
                                          int64_t index);

/// Stores in `*out_index` the index of the tensor called `name`.
///
/// NULL: no argument may be NULL. Thread-safe.
/// Errors: RNNRT_INVALID_ARGUMENT for a NULL argument; RNNRT_NOT_FOUND if
/// there is no such tensor (`*out_index` is then -1).
RNNRT_API rnnrt_status_t rnnrt_tensor_file_find(const rnnrt_tensor_file_t *file,
                                                const char *name,
                                                int64_t *out_index);

/// Reads tensor `index` into `out_data`, which holds `capacity` floats,
/// converting F32, F64, F16 and BF16 to float.
///
/// Ownership: nothing is retained. NULL: `file` must not be NULL; `out_data`
/// may be NULL only for an empty tensor. Thread-safe (reads are serialized).
/// Errors: RNNRT_INVALID_ARGUMENT for a NULL argument or an unsupported dtype;
/// RNNRT_OUT_OF_RANGE for a bad index or a `capacity` below the tensor's
/// numel; RNNRT_DATA_LOSS if the file was truncated since it was opened.
RNNRT_API rnnrt_status_t
rnnrt_tensor_file_read_f32(const rnnrt_tensor_file_t *file, int64_t index,
                           float *out_data, int64_t capacity);

#ifdef __cplusplus
} // extern "C"
#endif

#endif // RNNRT_SAFETENSORS_H

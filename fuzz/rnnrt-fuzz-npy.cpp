//===- rnnrt-fuzz-npy.cpp - libFuzzer harness for the .npy reader ---------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file is the libFuzzer target `rnnrt-fuzz-npy`. It covers the
// runtime's .npy reader (rnnrt_npy_read: the magic string and version, the
// header length, the Python dict parser, descr, fortran_order and shape, the
// size checks against the file) and, for every file it accepts, the array
// accessors and the writer: rnn-run and every user program read inputs,
// lengths, h0 and targets with it, from files nobody checked.
//
// Failures (each traps, so libFuzzer reports it with the input), besides
// what ASan and UBSan report:
//  - an error with a non-NULL array, without a message, or RNNRT_INTERNAL
//    (an exception escaped: a bug);
//  - an accepted array whose dtype, rank or shape break the API's
//    contract, or whose data is larger than the file;
//  - the writer failing on an accepted array, the reader rejecting what
//    the writer wrote, or the round trip changing the dtype, shape or
//    bytes; the written header not starting the data at a multiple of 64.
// Every element of an accepted array is read, so ASan sees an undersized
// buffer.
//
// The input and the round-trip file are in-memory files (FuzzFile.h).
//
//===----------------------------------------------------------------------===//

#include "FuzzFile.h"

#include "rnnrt/npy.h"

#include <cstring>
#include <string>

using rnnc_fuzz::MemFile;

/// Reports a broken invariant and stops.
[[noreturn]] static void fail(const std::string &what) {
  rnnc_fuzz::fuzzFailure("rnnrt-fuzz-npy", what);
}

/// Checks the status of a failed call.
static void checkError(rnnrt_status_t status, const char *call) {
  if (status == RNNRT_INTERNAL)
    fail(std::string(call) +
         " returned INTERNAL: " + rnnrt_last_error_message());
  if (!*rnnrt_last_error_message())
    fail(std::string(call) + " failed without a message");
}

/// Checks `array` against the API's contract and reads every element;
/// returns the byte size of its data.
static size_t checkArray(const rnnrt_array_t *array, size_t fileSize) {
  rnnrt_dtype_t dtype = rnnrt_array_dtype(array);
  int64_t elementSize = rnnrt_dtype_size(dtype);
  if (elementSize != 4 && elementSize != 8)
    fail("an accepted array has an unknown dtype");
  int64_t rank = rnnrt_array_rank(array);
  if (rank < 0 || rank > 32)
    fail("an accepted array has rank " + std::to_string(rank));
  int64_t numel = 1;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t dim = rnnrt_array_shape(array, i);
    if (dim < 0)
      fail("an accepted array has a negative dimension");
    numel *= dim; // No overflow: the reader checked the byte size.
  }
  if (rnnrt_array_shape(array, rank) != -1 ||
      rnnrt_array_shape(array, -1) != -1)
    fail("rnnrt_array_shape accepts an index outside [0, rank)");
  if (rnnrt_array_numel(array) != numel)
    fail("rnnrt_array_numel is not the product of the shape");
  size_t bytes = static_cast<size_t>(numel) * elementSize;
  if (bytes > fileSize)
    fail("an accepted array holds more bytes than its file");
  const auto *data =
      static_cast<const unsigned char *>(rnnrt_array_data(array));
  if (!data)
    fail("an accepted array has no data pointer");
  if (reinterpret_cast<uintptr_t>(data) % 64 != 0)
    fail("array data is not 64-byte aligned");
  // Touch every element: ASan reports a buffer shorter than numel says.
  unsigned sum = 0;
  for (size_t i = 0; i < bytes; ++i)
    sum += data[i];
  volatile unsigned sink = sum;
  (void)sink;
  return bytes;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static MemFile input("npy-input"), output("npy-output"),
      output2("npy-output2");
  input.assign(data, size);

  rnnrt_array_t *array = nullptr;
  rnnrt_status_t status = rnnrt_npy_read(input.path(), &array);
  if (status != RNNRT_OK) {
    if (array)
      fail("rnnrt_npy_read failed but returned an array");
    checkError(status, "rnnrt_npy_read");
    return 0;
  }
  size_t bytes = checkArray(array, size);

  // Round trip: what the writer writes, the reader reads back unchanged.
  status = rnnrt_array_write_npy(array, output.path());
  if (status != RNNRT_OK)
    fail(std::string("writing an accepted array failed: ") +
         rnnrt_last_error_message());
  std::vector<uint8_t> written = output.contents();
  if (written.size() < bytes || (written.size() - bytes) % 64 != 0)
    fail("the written data does not start at a multiple of 64 bytes");
  rnnrt_array_t *again = nullptr;
  status = rnnrt_npy_read(output.path(), &again);
  if (status != RNNRT_OK)
    fail(std::string("the reader rejects what the writer wrote: ") +
         rnnrt_last_error_message());
  checkArray(again, written.size());
  int64_t rank = rnnrt_array_rank(array);
  bool same = rnnrt_array_dtype(again) == rnnrt_array_dtype(array) &&
              rnnrt_array_rank(again) == rank;
  for (int64_t i = 0; same && i < rank; ++i)
    same = rnnrt_array_shape(again, i) == rnnrt_array_shape(array, i);
  if (!same)
    fail("the round trip changed the dtype or shape");
  if (bytes &&
      std::memcmp(rnnrt_array_data(again), rnnrt_array_data(array), bytes))
    fail("the round trip changed the data");
  // Writing is deterministic: the second file is the first.
  if (rnnrt_array_write_npy(again, output2.path()) != RNNRT_OK ||
      output2.contents() != written)
    fail("writing the read-back array gave a different file");

  rnnrt_array_destroy(again);
  rnnrt_array_destroy(array);
  return 0;
}

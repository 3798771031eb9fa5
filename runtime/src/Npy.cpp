//===- Npy.cpp - NumPy .npy arrays ----------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements rnnrt_array_t and .npy reading and writing. The .npy
// header is a Python dict literal; a small parser accepts exactly the subset
// numpy writes (string keys; string, bool and int-tuple values) and checks
// every size from the file for overflow and against the file's real length
// before allocating.
//
//===----------------------------------------------------------------------===//

#include "rnnrt/npy.h"
#include "Support.h"

#include <algorithm>
#include <cerrno>
#include <map>
#include <new>
#include <vector>

using namespace rnnrt;

/// Largest .npy header accepted (numpy itself refuses more than 10000 bytes
/// by default).
static constexpr int64_t kMaxHeaderSize = 1 << 20;
/// Largest rank accepted (numpy 2's NPY_MAXDIMS is 64, numpy 1's is 32).
static constexpr int64_t kMaxRank = 32;
/// The .npy magic string.
static constexpr char kMagic[] = "\x93NUMPY";
/// Data alignment of the files numpy writes and of array storage.
static constexpr int64_t kAlign = 64;

namespace {
/// Frees storage from alignedAlloc.
struct AlignedDelete {
  void operator()(unsigned char *p) const {
    ::operator delete(p, std::align_val_t(kAlign));
  }
};
} // namespace

struct rnnrt_array_t {
  rnnrt_dtype_t dtype = RNNRT_DTYPE_FLOAT32;
  std::vector<int64_t> shape;
  int64_t numel = 1;
  /// Never null, even for an empty array.
  std::unique_ptr<unsigned char[], AlignedDelete> data;
};

int64_t rnnrt_dtype_size(rnnrt_dtype_t dtype) {
  switch (enumValue(dtype)) {
  case RNNRT_DTYPE_FLOAT32:
  case RNNRT_DTYPE_INT32:
    return 4;
  case RNNRT_DTYPE_INT64:
    return 8;
  }
  return 0;
}

const char *rnnrt_dtype_name(rnnrt_dtype_t dtype) {
  switch (enumValue(dtype)) {
  case RNNRT_DTYPE_FLOAT32:
    return "float32";
  case RNNRT_DTYPE_INT32:
    return "int32";
  case RNNRT_DTYPE_INT64:
    return "int64";
  }
  return "unknown";
}

/// The numpy descr of `dtype`.
static const char *dtypeDescr(rnnrt_dtype_t dtype) {
  switch (enumValue(dtype)) {
  case RNNRT_DTYPE_FLOAT32:
    return "<f4";
  case RNNRT_DTYPE_INT32:
    return "<i4";
  case RNNRT_DTYPE_INT64:
    return "<i8";
  }
  return "";
}

/// Checks dtype, rank and shape and computes the byte size; `what` names the
/// API function in messages.
/// `dtype` is taken by reference: it comes from C unchecked, and is read as
/// an enum only once it is known to be valid.
static rnnrt_status_t checkArrayArgs(const char *what,
                                     const rnnrt_dtype_t &dtype,
                                     const int64_t *shape, int64_t rank,
                                     int64_t &numel, int64_t &bytes) {
  int64_t value = enumValue(dtype);
  if (value != RNNRT_DTYPE_FLOAT32 && value != RNNRT_DTYPE_INT64 &&
      value != RNNRT_DTYPE_INT32)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: unknown dtype {}", what, value);
  if (rank < 0 || rank > kMaxRank)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: rank {} is not in [0, {}]", what,
                rank, kMaxRank);
  if (!shape && rank > 0)
    return fail(RNNRT_INVALID_ARGUMENT, "{}: shape is NULL", what);
  numel = 1;
  for (int64_t i = 0; i < rank; ++i)
    if (!checkedMul(numel, shape[i], numel))
      return fail(RNNRT_INVALID_ARGUMENT, "{}: bad shape {}", what,
                  formatShape(shape, rank));
  if (!checkedMul(numel, rnnrt_dtype_size(dtype), bytes))
    return fail(RNNRT_INVALID_ARGUMENT, "{}: byte size of shape {} overflows",
                what, formatShape(shape, rank));
  return RNNRT_OK;
}

/// Allocates a zeroed array; the arguments are already checked.
static std::unique_ptr<rnnrt_array_t> allocateArray(rnnrt_dtype_t dtype,
                                                    std::vector<int64_t> shape,
                                                    int64_t numel,
                                                    int64_t bytes) {
  auto array = std::make_unique<rnnrt_array_t>();
  array->dtype = dtype;
  array->shape = std::move(shape);
  array->numel = numel;
  size_t size = static_cast<size_t>(std::max<int64_t>(bytes, 1));
  if (static_cast<int64_t>(size) != std::max<int64_t>(bytes, 1))
    throw std::bad_alloc();
  array->data.reset(static_cast<unsigned char *>(
      ::operator new(size, std::align_val_t(kAlign))));
  std::memset(array->data.get(), 0, size);
  return array;
}

/// Reverses the bytes of each `elementSize`-byte element (big-endian hosts).
static void swapBytes(unsigned char *data, int64_t numel, int64_t elementSize) {
  for (int64_t i = 0; i < numel; ++i)
    std::reverse(data + i * elementSize, data + (i + 1) * elementSize);
}

//===----------------------------------------------------------------------===//
// Header parsing
//===----------------------------------------------------------------------===//

namespace {
/// A value of the header dict.
struct HeaderValue {
  enum Kind { String, Bool, Tuple } kind = String;
  std::string text;
  bool flag = false;
  std::vector<int64_t> ints;
};

/// Parses the Python dict literal of a .npy header. Errors are reported as
/// DATA_LOSS naming `path`.
class HeaderParser {
public:
  HeaderParser(const std::string &path, const std::string &text)
      : path(path), text(text) {}

  rnnrt_status_t parse(std::map<std::string, HeaderValue> &dict) {
    skipSpace();
    if (!consume('{'))
      return error("expected '{'");
    skipSpace();
    while (!peek('}')) {
      std::string key;
      if (rnnrt_status_t status = parseString(key))
        return status;
      skipSpace();
      if (!consume(':'))
        return error("expected ':'");
      skipSpace();
      HeaderValue value;
      if (rnnrt_status_t status = parseValue(value))
        return status;
      if (!dict.emplace(key, std::move(value)).second)
        return error(fmt::format("duplicate key '{}'", printable(key)));
      skipSpace();
      if (!consume(',')) {
        if (!peek('}'))
          return error("expected ',' or '}'");
        break;
      }
      skipSpace();
    }
    ++pos;
    skipSpace();
    if (pos != text.size())
      return error("trailing characters after the dict");
    return RNNRT_OK;
  }

private:
  rnnrt_status_t error(const std::string &message) {
    return fail(RNNRT_DATA_LOSS, "{}: malformed .npy header at byte {}: {}",
                path, pos, message);
  }
  bool peek(char c) const { return pos < text.size() && text[pos] == c; }
  bool consume(char c) {
    if (!peek(c))
      return false;
    ++pos;
    return true;
  }
  bool consumeWord(const char *word) {
    size_t n = std::strlen(word);
    if (text.compare(pos, n, word) != 0)
      return false;
    pos += n;
    return true;
  }
  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n' ||
                                 text[pos] == '\t' || text[pos] == '\r'))
      ++pos;
  }

  rnnrt_status_t parseString(std::string &out) {
    if (!peek('\'') && !peek('"'))
      return error("expected a string");
    char quote = text[pos++];
    while (pos < text.size() && text[pos] != quote) {
      // numpy never writes escapes; refusing them keeps this simple.
      if (text[pos] == '\n')
        return error("unterminated string");
      if (text[pos] == '\\')
        return error("unsupported character in string");
      out += text[pos++];
    }
    if (!consume(quote))
      return error("unterminated string");
    return RNNRT_OK;
  }

  rnnrt_status_t parseInt(int64_t &out) {
    if (pos >= text.size() || text[pos] < '0' || text[pos] > '9')
      return error("expected a non-negative integer");
    out = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
      if (!checkedMul(out, 10, out) || !checkedAdd(out, text[pos++] - '0', out))
        return error("integer overflows int64");
    // Python 2 numpy wrote longs as "3L".
    consume('L');
    return RNNRT_OK;
  }

  rnnrt_status_t parseValue(HeaderValue &value) {
    if (peek('\'') || peek('"')) {
      value.kind = HeaderValue::String;
      return parseString(value.text);
    }
    if (consumeWord("True") || consumeWord("False")) {
      value.kind = HeaderValue::Bool;
      value.flag = text[pos - 4] == 'T';
      return RNNRT_OK;
    }
    if (!consume('('))
      return error("expected a string, True, False or a tuple");
    value.kind = HeaderValue::Tuple;
    skipSpace();
    while (!peek(')')) {
      if (value.ints.size() >= static_cast<size_t>(kMaxRank))
        return error(fmt::format("more than {} dimensions", kMaxRank));
      int64_t dim;
      if (rnnrt_status_t status = parseInt(dim))
        return status;
      value.ints.push_back(dim);
      skipSpace();
      if (!consume(',')) {
        if (!peek(')'))
          return error("expected ',' or ')'");
        // "(3)" is an int in Python, not a tuple.
        if (value.ints.size() == 1)
          return error("shape (n) must be written (n,)");
        break;
      }
      skipSpace();
    }
    ++pos;
    return RNNRT_OK;
  }

  const std::string &path;
  const std::string &text;
  size_t pos = 0;
};
} // namespace

/// Maps a descr such as '<f4' to a dtype, or fails with the right status.
static rnnrt_status_t parseDescr(const std::string &path,
                                 const std::string &descr,
                                 rnnrt_dtype_t &dtype) {
  std::string kind = descr.size() == 3 ? descr.substr(1) : "";
  char order = descr.empty() ? '\0' : descr[0];
  bool known = kind == "f4" || kind == "i8" || kind == "i4";
  if (!known || (order != '<' && order != '>' && order != '|' && order != '='))
    return fail(RNNRT_UNIMPLEMENTED,
                "{}: unsupported .npy dtype '{}' (expected '<f4', '<i8' or "
                "'<i4')",
                path, printable(descr));
  if (order == '>' || (order == '=' && !hostIsLittleEndian()))
    return fail(RNNRT_UNIMPLEMENTED,
                "{}: big-endian .npy data ('{}') is not supported", path,
                printable(descr));
  dtype = kind == "f4"   ? RNNRT_DTYPE_FLOAT32
          : kind == "i8" ? RNNRT_DTYPE_INT64
                         : RNNRT_DTYPE_INT32;
  return RNNRT_OK;
}

//===----------------------------------------------------------------------===//
// C API
//===----------------------------------------------------------------------===//

rnnrt_status_t rnnrt_array_create(rnnrt_dtype_t dtype, const int64_t *shape,
                                  int64_t rank, rnnrt_array_t **out_array) {
  if (out_array)
    *out_array = nullptr;
  return guard("rnnrt_array_create", [&] {
    if (!out_array)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "rnnrt_array_create: out_array is NULL");
    int64_t numel, bytes;
    if (rnnrt_status_t status = checkArrayArgs("rnnrt_array_create", dtype,
                                               shape, rank, numel, bytes))
      return status;
    *out_array = allocateArray(dtype, std::vector<int64_t>(shape, shape + rank),
                               numel, bytes)
                     .release();
    return RNNRT_OK;
  });
}

void rnnrt_array_destroy(rnnrt_array_t *array) { delete array; }

rnnrt_dtype_t rnnrt_array_dtype(const rnnrt_array_t *array) {
  return array ? array->dtype : RNNRT_DTYPE_FLOAT32;
}

int64_t rnnrt_array_rank(const rnnrt_array_t *array) {
  return array ? static_cast<int64_t>(array->shape.size()) : -1;
}

int64_t rnnrt_array_shape(const rnnrt_array_t *array, int64_t i) {
  if (!array || i < 0 || i >= static_cast<int64_t>(array->shape.size()))
    return -1;
  return array->shape[i];
}

int64_t rnnrt_array_numel(const rnnrt_array_t *array) {
  return array ? array->numel : 0;
}

void *rnnrt_array_data(const rnnrt_array_t *array) {
  return array ? array->data.get() : nullptr;
}

rnnrt_status_t rnnrt_npy_read(const char *path, rnnrt_array_t **out_array) {
  if (out_array)
    *out_array = nullptr;
  return guard("rnnrt_npy_read", [&]() -> rnnrt_status_t {
    if (!path || !out_array)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "rnnrt_npy_read: path or out_array is NULL");
    File file;
    if (rnnrt_status_t status = file.openForRead(path))
      return status;
    unsigned char prefix[12];
    if (file.size() < 8 || !file.readAt(0, prefix, 8) ||
        std::memcmp(prefix, kMagic, 6) != 0)
      return fail(RNNRT_DATA_LOSS, "{}: not a .npy file (bad magic string)",
                  path);
    int major = prefix[6], minor = prefix[7];
    if (major < 1 || major > 3 || minor != 0)
      return fail(RNNRT_DATA_LOSS, "{}: unsupported .npy version {}.{}", path,
                  major, minor);
    int64_t headerStart = major == 1 ? 10 : 12;
    if (file.size() < headerStart || !file.readAt(0, prefix, headerStart))
      return fail(RNNRT_DATA_LOSS, "{}: truncated .npy header", path);
    int64_t headerSize =
        major == 1 ? loadLE16(prefix + 8) : loadLE32(prefix + 8);
    if (headerSize > kMaxHeaderSize)
      return fail(RNNRT_DATA_LOSS,
                  "{}: .npy header length {} exceeds the limit of {} bytes",
                  path, headerSize, kMaxHeaderSize);
    int64_t dataStart = headerStart + headerSize;
    if (dataStart > file.size())
      return fail(RNNRT_DATA_LOSS,
                  "{}: .npy header length {} runs past the end of the "
                  "{}-byte file",
                  path, headerSize, file.size());
    std::string header(static_cast<size_t>(headerSize), '\0');
    if (!file.readAt(headerStart, header.data(), header.size()))
      return fail(RNNRT_DATA_LOSS, "{}: truncated .npy header", path);

    std::map<std::string, HeaderValue> dict;
    if (rnnrt_status_t status = HeaderParser(path, header).parse(dict))
      return status;
    auto descr = dict.find("descr");
    auto fortran = dict.find("fortran_order");
    auto shapeIt = dict.find("shape");
    if (dict.size() != 3 || descr == dict.end() || fortran == dict.end() ||
        shapeIt == dict.end())
      return fail(RNNRT_DATA_LOSS,
                  "{}: .npy header must have exactly the keys 'descr', "
                  "'fortran_order' and 'shape'",
                  path);
    if (descr->second.kind != HeaderValue::String ||
        fortran->second.kind != HeaderValue::Bool ||
        shapeIt->second.kind != HeaderValue::Tuple)
      return fail(RNNRT_DATA_LOSS,
                  "{}: .npy header has a value of the wrong type (descr must "
                  "be a string, fortran_order a bool, shape a tuple)",
                  path);
    rnnrt_dtype_t dtype;
    if (rnnrt_status_t status = parseDescr(path, descr->second.text, dtype))
      return status;
    std::vector<int64_t> &shape = shapeIt->second.ints;
    int64_t rank = static_cast<int64_t>(shape.size());
    if (fortran->second.flag)
      return fail(RNNRT_UNIMPLEMENTED,
                  "{}: Fortran-ordered .npy arrays are not supported; save "
                  "with np.ascontiguousarray",
                  path);
    int64_t numel = 1, bytes;
    for (int64_t dim : shape)
      if (!checkedMul(numel, dim, numel))
        return fail(RNNRT_DATA_LOSS, "{}: element count of shape {} overflows",
                    path, formatShape(shape.data(), rank));
    if (!checkedMul(numel, rnnrt_dtype_size(dtype), bytes))
      return fail(RNNRT_DATA_LOSS, "{}: byte size of shape {} overflows", path,
                  formatShape(shape.data(), rank));
    if (bytes > file.size() - dataStart)
      return fail(RNNRT_DATA_LOSS,
                  "{}: truncated .npy data: shape {} needs {} bytes, the file "
                  "has {}",
                  path, formatShape(shape.data(), rank), bytes,
                  file.size() - dataStart);
    auto array = allocateArray(dtype, std::move(shape), numel, bytes);
    if (bytes > 0 &&
        !file.readAt(dataStart, array->data.get(), static_cast<size_t>(bytes)))
      return fail(RNNRT_DATA_LOSS, "{}: truncated .npy data", path);
    if (!hostIsLittleEndian())
      swapBytes(array->data.get(), numel, rnnrt_dtype_size(dtype));
    *out_array = array.release();
    return RNNRT_OK;
  });
}

rnnrt_status_t rnnrt_npy_write(const char *path, rnnrt_dtype_t dtype,
                               const int64_t *shape, int64_t rank,
                               const void *data) {
  return guard("rnnrt_npy_write", [&] {
    const char *what = "rnnrt_npy_write";
    if (!path)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: path is NULL", what);
    int64_t numel, bytes;
    if (rnnrt_status_t status =
            checkArrayArgs(what, dtype, shape, rank, numel, bytes))
      return status;
    if (!data && bytes > 0)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: data is NULL", what);

    // Same text as numpy's _write_array_header, including the spare room
    // for growing the first axis in place.
    std::string header =
        fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': (",
                    dtypeDescr(dtype));
    for (int64_t i = 0; i < rank; ++i)
      header += fmt::format("{}{}", i ? ", " : "", shape[i]);
    header += rank == 1 ? ",), }" : "), }";
    if (rank > 0)
      header.append(21 - std::min<size_t>(21, std::to_string(shape[0]).size()),
                    ' ');
    // numpy pads so that the data starts at a multiple of 64, counting the
    // final newline, and always adds at least one space.
    int major = 1;
    int64_t prefixSize = 10;
    int64_t padding =
        kAlign -
        (prefixSize + static_cast<int64_t>(header.size()) + 1) % kAlign;
    if (static_cast<int64_t>(header.size()) + padding + 1 > 65535) {
      major = 2;
      prefixSize = 12;
      padding = kAlign -
                (prefixSize + static_cast<int64_t>(header.size()) + 1) % kAlign;
    }
    header.append(static_cast<size_t>(padding), ' ');
    header += '\n';

    unsigned char prefix[12];
    std::memcpy(prefix, kMagic, 6);
    prefix[6] = static_cast<unsigned char>(major);
    prefix[7] = 0;
    if (major == 1) {
      prefix[8] = static_cast<unsigned char>(header.size() & 0xFF);
      prefix[9] = static_cast<unsigned char>(header.size() >> 8);
    } else {
      storeLE32(prefix + 8, static_cast<uint32_t>(header.size()));
    }

    OutputFile file;
    if (rnnrt_status_t status = file.open(path))
      return status;
    bool ok = file.write(prefix, static_cast<size_t>(prefixSize)) &&
              file.write(header.data(), header.size());
    if (ok && hostIsLittleEndian()) {
      ok = file.write(data, static_cast<size_t>(bytes));
    } else if (ok) {
      std::vector<unsigned char> copy(static_cast<const unsigned char *>(data),
                                      static_cast<const unsigned char *>(data) +
                                          bytes);
      swapBytes(copy.data(), numel, rnnrt_dtype_size(dtype));
      ok = file.write(copy.data(), copy.size());
    }
    if (!ok)
      return file.writeFailed(errno);
    return file.commit();
  });
}

rnnrt_status_t rnnrt_array_write_npy(const rnnrt_array_t *array,
                                     const char *path) {
  return guard("rnnrt_array_write_npy", [&] {
    if (!array)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "rnnrt_array_write_npy: array is NULL");
    return rnnrt_npy_write(path, array->dtype, array->shape.data(),
                           static_cast<int64_t>(array->shape.size()),
                           array->data.get());
  });
}

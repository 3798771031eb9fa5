//===- Safetensors.cpp - safetensors parameter and tensor files -----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements reading and writing safetensors files. Every number
// in a header comes from an untrusted file, so each one is range-checked in
// int64 with overflow checks before it is used for a seek, a size or an
// allocation; the header itself is capped at 100 MB and is never larger
// than the file, and tensor data is read only inside the file's size.
//
// A header is accepted only if the reference implementation
// (huggingface/safetensors, `SafeTensors::read_metadata` and
// `Metadata::validate`) would accept it too, so that a file this runtime
// loads is one PyTorch's `safetensors.torch.load_file` loads the same way:
//  - the header length is at most 100,000,000 and within the file;
//  - the header is a JSON object, with no key twice in any object (the
//    format's README: "Duplicate keys are disallowed"; nlohmann would keep
//    the last one silently, a parser differential);
//  - "__metadata__", if present, maps strings to strings;
//  - each tensor has a dtype string, a shape of non-negative integers and
//    data_offsets [begin, end] whose length is numel * the dtype's size;
//  - sorted by (begin, end), the tensors tile the data area exactly: the
//    first begins at 0, each begins where the previous one ends (no overlap,
//    so no two names share bytes, and no hole), and the last ends at the end
//    of the file (no trailing bytes).
// Two rules are looser: a dtype this runtime does not know is listed (its
// byte size cannot be checked) and only refused when read, where the
// reference refuses the file; and tensors with no elements are accepted, as
// the reference's code accepts them (its README says they are not allowed).
//
//===----------------------------------------------------------------------===//

#include "rnnrt/safetensors.h"
#include "Support.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

using namespace rnnrt;

/// Largest header accepted, as in the reference implementation.
static constexpr int64_t kMaxHeaderSize = 100 * 1000 * 1000;
/// Deepest JSON nesting accepted; a real header nests 3 levels.
static constexpr int kMaxJsonDepth = 64;
/// Elements converted per read when the file's dtype is not the host's float.
static constexpr int64_t kChunkElements = 1 << 14;
/// Most file names listed when a parameter is missing.
static constexpr size_t kMaxListedNames = 20;
/// Where the documentation says how to write a safetensors file.
static constexpr const char kSaveDocs[] =
    "docs/runtime.md, 'Saving parameters from PyTorch'";

namespace {
/// One tensor entry of a validated header.
struct TensorEntry {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  int64_t numel = 1;
  /// Byte range in the data area.
  int64_t begin = 0;
  int64_t end = 0;
};
} // namespace

struct rnnrt_tensor_file_t {
  std::string path;
  /// Reads seek, so they are serialized by `mutex`.
  mutable File file;
  mutable std::mutex mutex;
  /// File offset of the data area (8 + header length).
  int64_t dataStart = 0;
  std::vector<TensorEntry> tensors;
  std::unordered_map<std::string, int64_t> byName;
};

/// The size of one element of a safetensors dtype, or 0 if unknown (such a
/// tensor can be listed but not read).
static int64_t dtypeSize(const std::string &dtype) {
  static const std::unordered_map<std::string, int64_t> sizes = {
      {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1}, {"F8_E4M3", 1},
      {"I16", 2},  {"U16", 2}, {"F16", 2}, {"BF16", 2},    {"I32", 4},
      {"U32", 4},  {"F32", 4}, {"I64", 8}, {"U64", 8},     {"F64", 8}};
  auto it = sizes.find(dtype);
  return it == sizes.end() ? 0 : it->second;
}

/// True for the dtypes rnnrt_tensor_file_read_f32 converts.
static bool isFloatDtype(const std::string &dtype) {
  return dtype == "F32" || dtype == "F64" || dtype == "F16" || dtype == "BF16";
}

/// Converts an IEEE half to float.
static float halfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1F;
  uint32_t mantissa = h & 0x3FF;
  uint32_t bits;
  if (exponent == 0x1F) {
    bits = sign | 0x7F800000u | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else {
    // Subnormal half: normalize into a float.
    int shift = 0;
    while (!(mantissa & 0x400)) {
      mantissa <<= 1;
      ++shift;
    }
    bits = sign | (static_cast<uint32_t>(113 - shift) << 23) |
           ((mantissa & 0x3FF) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

/// Reads a non-negative integer from a JSON value into `out`.
static bool getNonNegative(const nlohmann::json &value, int64_t &out) {
  if (value.is_number_unsigned()) {
    uint64_t u = value.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX))
      return false;
    out = static_cast<int64_t>(u);
    return true;
  }
  if (value.is_number_integer()) {
    out = value.get<int64_t>();
    return out >= 0;
  }
  return false;
}

/// Checks that `text` (outside of strings) nests at most kMaxJsonDepth deep,
/// so a hostile header cannot exhaust the stack of a JSON library.
static bool nestingIsBounded(const std::string &text) {
  int depth = 0;
  bool inString = false, escaped = false;
  for (char c : text) {
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
    } else if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

/// Validates one tensor entry `value` called `name` against a data area of
/// `dataSize` bytes.
static rnnrt_status_t parseEntry(const std::string &path,
                                 const std::string &name,
                                 const nlohmann::json &value, int64_t dataSize,
                                 TensorEntry &entry) {
  entry.name = name;
  const std::string shown = printable(name);
  if (!value.is_object())
    return fail(RNNRT_DATA_LOSS, "{}: tensor '{}': entry is not a JSON object",
                path, shown);
  auto dtype = value.find("dtype");
  if (dtype == value.end() || !dtype->is_string())
    return fail(RNNRT_DATA_LOSS, "{}: tensor '{}': missing or non-string dtype",
                path, shown);
  entry.dtype = dtype->get<std::string>();

  auto shape = value.find("shape");
  if (shape == value.end() || !shape->is_array())
    return fail(RNNRT_DATA_LOSS, "{}: tensor '{}': missing or non-array shape",
                path, shown);
  for (const nlohmann::json &dim : *shape) {
    int64_t d;
    if (!getNonNegative(dim, d))
      return fail(RNNRT_DATA_LOSS,
                  "{}: tensor '{}': shape entry {} is not a non-negative "
                  "64-bit integer",
                  path, shown, printable(dim.dump(), 64));
    entry.shape.push_back(d);
    if (!checkedMul(entry.numel, d, entry.numel))
      return fail(RNNRT_DATA_LOSS,
                  "{}: tensor '{}': element count of shape {} overflows", path,
                  shown, printable(shape->dump(), 128));
  }

  auto offsets = value.find("data_offsets");
  if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2 ||
      !getNonNegative((*offsets)[0], entry.begin) ||
      !getNonNegative((*offsets)[1], entry.end))
    return fail(RNNRT_DATA_LOSS,
                "{}: tensor '{}': data_offsets is not a pair of non-negative "
                "64-bit integers",
                path, shown);
  if (entry.begin > entry.end)
    return fail(RNNRT_DATA_LOSS,
                "{}: tensor '{}': data_offsets [{}, {}] begin after end", path,
                shown, entry.begin, entry.end);
  if (entry.end > dataSize)
    return fail(RNNRT_DATA_LOSS,
                "{}: tensor '{}': data_offsets [{}, {}] outside the data area "
                "of {} bytes",
                path, shown, entry.begin, entry.end, dataSize);
  if (int64_t elementSize = dtypeSize(entry.dtype)) {
    int64_t bytes;
    if (!checkedMul(entry.numel, elementSize, bytes) ||
        bytes != entry.end - entry.begin)
      return fail(RNNRT_DATA_LOSS,
                  "{}: tensor '{}': {} bytes of data do not match {} shape {}",
                  path, shown, entry.end - entry.begin, entry.dtype,
                  formatShape(entry.shape.data(),
                              static_cast<int64_t>(entry.shape.size())));
  }
  return RNNRT_OK;
}

namespace {
/// Finds the first key that appears twice in one JSON object, at any depth,
/// as a parser callback: nlohmann's parser would keep the last value
/// silently.
class DuplicateKeyFinder {
public:
  bool operator()(int /*depth*/, nlohmann::json::parse_event_t event,
                  nlohmann::json &parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start) {
      openObjects.emplace_back();
    } else if (event == Event::object_end) {
      openObjects.pop_back();
    } else if (event == Event::key && !found) {
      std::string key = parsed.get<std::string>();
      // Keys of the top-level object are tensor names (or __metadata__).
      if (openObjects.size() == 1)
        topKey = key;
      if (!openObjects.back().insert(key).second) {
        found = true;
        duplicate = key;
        inTopLevel = openObjects.size() == 1;
        owner = topKey;
      }
    }
    return true;
  }

  bool found = false;
  /// The repeated key, whether it is a key of the top-level object, and
  /// otherwise the top-level key (the tensor) whose value holds it.
  std::string duplicate;
  bool inTopLevel = false;
  std::string owner;

private:
  std::vector<std::unordered_set<std::string>> openObjects;
  std::string topKey;
};
} // namespace

/// True if the first bytes of a file look like what torch.save writes: a
/// ZIP local file header (the default since PyTorch 1.6) or the PROTO opcode
/// of pickle protocol 2 to 5 (the legacy format), and not like the start of
/// a safetensors header, whose JSON begins at byte 8.
static bool looksLikeTorchSave(const unsigned char *bytes, int64_t n) {
  bool zip = n >= 4 && std::memcmp(bytes, "PK\x03\x04", 4) == 0;
  bool pickle = n >= 2 && bytes[0] == 0x80 && bytes[1] >= 2 && bytes[1] <= 5;
  if (!zip && !pickle)
    return false;
  // A safetensors header of such a length would start with '{' (or JSON
  // white space) at byte 8; torch.save's files never do.
  return n < 9 || !(bytes[8] == '{' || bytes[8] == ' ' || bytes[8] == '\t' ||
                    bytes[8] == '\n' || bytes[8] == '\r');
}

/// Checks that the tensors of `file` (sorted by offsets) cover its data area
/// of `dataSize` bytes exactly, as the reference implementation requires.
static rnnrt_status_t checkCoverage(const rnnrt_tensor_file_t &file,
                                    int64_t dataSize) {
  const std::vector<TensorEntry> &tensors = file.tensors;
  int64_t covered = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const TensorEntry &entry = tensors[i];
    if (entry.begin < covered)
      return fail(RNNRT_DATA_LOSS,
                  "{}: tensors '{}' (data_offsets [{}, {}]) and '{}' "
                  "(data_offsets [{}, {}]) overlap; each byte of the data "
                  "area must belong to one tensor",
                  file.path, printable(tensors[i - 1].name),
                  tensors[i - 1].begin, tensors[i - 1].end,
                  printable(entry.name), entry.begin, entry.end);
    if (entry.begin > covered)
      return fail(RNNRT_DATA_LOSS,
                  "{}: the data area has a hole at bytes [{}, {}), before "
                  "tensor '{}'; the tensors must cover it without gaps",
                  file.path, covered, entry.begin, printable(entry.name));
    covered = entry.end;
  }
  if (covered != dataSize) {
    if (tensors.empty())
      return fail(RNNRT_DATA_LOSS,
                  "{}: the header lists no tensors but the data area holds "
                  "{} bytes",
                  file.path, dataSize);
    return fail(RNNRT_DATA_LOSS,
                "{}: the data area holds {} bytes but the tensors end at byte "
                "{} (tensor '{}'); a safetensors file ends with its last "
                "tensor",
                file.path, dataSize, covered, printable(tensors.back().name));
  }
  return RNNRT_OK;
}

/// Opens and validates the file at `path`.
static rnnrt_status_t
openTensorFile(const char *path, std::unique_ptr<rnnrt_tensor_file_t> &out) {
  auto file = std::make_unique<rnnrt_tensor_file_t>();
  file->path = path;
  if (rnnrt_status_t status = file->file.openForRead(path))
    return status;
  int64_t fileSize = file->file.size();
  unsigned char prefix[9];
  int64_t prefixSize = std::min<int64_t>(fileSize, 9);
  if (!file->file.readAt(0, prefix, static_cast<size_t>(prefixSize)))
    return fail(RNNRT_DATA_LOSS, "{}: cannot read the first {} bytes", path,
                prefixSize);
  if (looksLikeTorchSave(prefix, prefixSize))
    return fail(RNNRT_DATA_LOSS,
                "{}: not a safetensors file (this looks like a torch.save "
                "archive); save the state_dict with safetensors instead (see "
                "{})",
                path, kSaveDocs);
  if (fileSize < 8)
    return fail(RNNRT_DATA_LOSS,
                "{}: file of {} bytes is too short for a safetensors header",
                path, fileSize);
  uint64_t headerSize = loadLE64(prefix);
  if (headerSize > static_cast<uint64_t>(kMaxHeaderSize))
    return fail(RNNRT_DATA_LOSS,
                "{}: header length {} exceeds the limit of {} bytes", path,
                headerSize, kMaxHeaderSize);
  if (static_cast<int64_t>(headerSize) > fileSize - 8)
    return fail(RNNRT_DATA_LOSS,
                "{}: header length {} runs past the end of the {}-byte file",
                path, headerSize, fileSize);
  std::string header(headerSize, '\0');
  if (!file->file.readAt(8, header.data(), header.size()))
    return fail(RNNRT_DATA_LOSS, "{}: cannot read the {}-byte header", path,
                headerSize);
  file->dataStart = 8 + static_cast<int64_t>(headerSize);
  int64_t dataSize = fileSize - file->dataStart;

  if (!nestingIsBounded(header))
    return fail(RNNRT_DATA_LOSS, "{}: header JSON nests deeper than {} levels",
                path, kMaxJsonDepth);
  nlohmann::json json;
  DuplicateKeyFinder duplicates;
  try {
    json = nlohmann::json::parse(header, std::ref(duplicates));
  } catch (const nlohmann::json::exception &e) {
    // Not only parse_error: a number beyond double's range (`1e400`) throws
    // out_of_range (406), which would otherwise escape as an INTERNAL error
    // (found by rnnrt-fuzz-safetensors,
    // fuzz/corpus/safetensors/crash-json-number-overflow.safetensors).
    return fail(RNNRT_DATA_LOSS, "{}: header is not valid JSON: {}", path,
                printable(e.what()));
  }
  if (!json.is_object())
    return fail(RNNRT_DATA_LOSS, "{}: header is a JSON {}, not an object", path,
                json.type_name());
  if (duplicates.found) {
    if (duplicates.inTopLevel && duplicates.duplicate == "__metadata__")
      return fail(RNNRT_DATA_LOSS, "{}: the header has two __metadata__ keys",
                  path);
    if (duplicates.inTopLevel)
      return fail(RNNRT_DATA_LOSS,
                  "{}: the header names tensor '{}' twice (duplicate JSON "
                  "key)",
                  path, printable(duplicates.duplicate));
    return fail(RNNRT_DATA_LOSS, "{}: tensor '{}': duplicate key '{}'", path,
                printable(duplicates.owner), printable(duplicates.duplicate));
  }

  for (const auto &[name, value] : json.items()) {
    if (name == "__metadata__") {
      if (!value.is_object())
        return fail(RNNRT_DATA_LOSS, "{}: __metadata__ is not a JSON object",
                    path);
      // The reference reads it as a map of strings to strings.
      for (const auto &[key, text] : value.items())
        if (!text.is_string())
          return fail(RNNRT_DATA_LOSS,
                      "{}: __metadata__ value of '{}' is a JSON {}, not a "
                      "string",
                      path, printable(key), text.type_name());
      continue;
    }
    TensorEntry entry;
    if (rnnrt_status_t status =
            parseEntry(file->path, name, value, dataSize, entry))
      return status;
    file->tensors.push_back(std::move(entry));
  }
  // The reference's order: by data_offsets, then (for equal empty ranges)
  // by name.
  std::sort(file->tensors.begin(), file->tensors.end(),
            [](const TensorEntry &a, const TensorEntry &b) {
              return std::tie(a.begin, a.end, a.name) <
                     std::tie(b.begin, b.end, b.name);
            });
  if (rnnrt_status_t status = checkCoverage(*file, dataSize))
    return status;
  for (size_t i = 0; i < file->tensors.size(); ++i)
    file->byName.emplace(file->tensors[i].name, static_cast<int64_t>(i));
  out = std::move(file);
  return RNNRT_OK;
}

/// The part of the "not found" message for `missing` that lists the names
/// `file` holds (sorted, at most kMaxListedNames) and, if one of them is
/// `missing` with a prefix added or removed at a '.', says so.
static std::string describeNames(const rnnrt_tensor_file_t &file,
                                 const std::string &missing) {
  if (file.tensors.empty())
    return "the file holds no tensors";
  std::vector<const std::string *> names;
  for (const TensorEntry &entry : file.tensors)
    names.push_back(&entry.name);
  std::sort(names.begin(), names.end(),
            [](const std::string *a, const std::string *b) { return *a < *b; });
  std::string list;
  for (size_t i = 0; i < names.size() && i < kMaxListedNames; ++i)
    list += (i ? ", " : "") + printable(*names[i], 120);
  if (names.size() > kMaxListedNames)
    list += fmt::format(", ... and {} more", names.size() - kMaxListedNames);
  std::string text = fmt::format("the file holds {} tensor{}: {}", names.size(),
                                 names.size() == 1 ? "" : "s", list);
  auto endsWithDotted = [](const std::string &longer,
                           const std::string &shorter) {
    return longer.size() > shorter.size() + 1 &&
           longer.compare(longer.size() - shorter.size(), shorter.size(),
                          shorter) == 0 &&
           longer[longer.size() - shorter.size() - 1] == '.';
  };
  for (const std::string *name : names) {
    if (endsWithDotted(*name, missing))
      return text +
             fmt::format(
                 "; '{}' would match without the prefix '{}': strip "
                 "it from the state_dict's keys before saving",
                 printable(*name, 120),
                 printable(name->substr(0, name->size() - missing.size()),
                           120));
    if (endsWithDotted(missing, *name))
      return text +
             fmt::format("; '{}' would match with the prefix '{}': save the "
                         "state_dict of the whole model, not of a submodule",
                         printable(*name, 120),
                         missing.substr(0, missing.size() - name->size()));
  }
  return text;
}

/// Reads `entry` from `file` into `out` (entry.numel floats), converting
/// from its float dtype. The caller holds file.mutex.
static rnnrt_status_t readEntry(const rnnrt_tensor_file_t &file,
                                const TensorEntry &entry, float *out) {
  int64_t elementSize = dtypeSize(entry.dtype);
  int64_t offset = file.dataStart + entry.begin;
  auto truncated = [&] {
    return fail(RNNRT_DATA_LOSS, "{}: tensor '{}': data is truncated",
                file.path, printable(entry.name));
  };
  if (entry.dtype == "F32" && hostIsLittleEndian()) {
    if (entry.numel > 0 &&
        !file.file.readAt(offset, out, static_cast<size_t>(entry.numel) * 4))
      return truncated();
    return RNNRT_OK;
  }
  std::vector<unsigned char> buffer;
  for (int64_t done = 0; done < entry.numel; done += kChunkElements) {
    int64_t n = std::min(kChunkElements, entry.numel - done);
    buffer.resize(static_cast<size_t>(n * elementSize));
    if (!file.file.readAt(offset + done * elementSize, buffer.data(),
                          buffer.size()))
      return truncated();
    const unsigned char *p = buffer.data();
    for (int64_t i = 0; i < n; ++i, p += elementSize) {
      float value;
      if (entry.dtype == "F32") {
        uint32_t bits = loadLE32(p);
        std::memcpy(&value, &bits, 4);
      } else if (entry.dtype == "F64") {
        uint64_t bits = loadLE64(p);
        double d;
        std::memcpy(&d, &bits, 8);
        value = static_cast<float>(d);
      } else if (entry.dtype == "F16") {
        value = halfToFloat(loadLE16(p));
      } else {
        uint32_t bits = static_cast<uint32_t>(loadLE16(p)) << 16;
        std::memcpy(&value, &bits, 4);
      }
      out[done + i] = value;
    }
  }
  return RNNRT_OK;
}

//===----------------------------------------------------------------------===//
// Parameter buffers
//===----------------------------------------------------------------------===//

rnnrt_status_t rnnrt_params_load_safetensors(const char *path,
                                             const rnnc_param_info_t *table,
                                             int64_t count, float *params,
                                             int64_t param_size) {
  return guard("rnnrt_params_load_safetensors", [&] {
    if (!path)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "rnnrt_params_load_safetensors: path is NULL");
    if (rnnrt_status_t status = validateTable("rnnrt_params_load_safetensors",
                                              table, count, params, param_size))
      return status;
    std::unique_ptr<rnnrt_tensor_file_t> file;
    if (rnnrt_status_t status = openTensorFile(path, file))
      return status;

    // Check the whole table first so that a bad file leaves params intact.
    std::vector<const TensorEntry *> entries;
    for (int64_t i = 0; i < count; ++i) {
      const rnnc_param_info_t &row = table[i];
      auto it = file->byName.find(row.name);
      if (it == file->byName.end())
        return fail(RNNRT_NOT_FOUND, "{}: tensor '{}' not found; {}", path,
                    row.name, describeNames(*file, row.name));
      const TensorEntry &entry = file->tensors[it->second];
      if (!isFloatDtype(entry.dtype))
        return fail(RNNRT_INVALID_ARGUMENT,
                    "{}: tensor '{}' has dtype {}, expected F32 (or F64, F16, "
                    "BF16)",
                    path, row.name, printable(entry.dtype, 64));
      std::vector<int64_t> expected(row.shape, row.shape + row.rank);
      if (entry.shape != expected)
        return fail(RNNRT_INVALID_ARGUMENT,
                    "{}: tensor '{}' has shape {}, expected {}", path, row.name,
                    formatShape(entry.shape.data(),
                                static_cast<int64_t>(entry.shape.size())),
                    formatShape(row.shape, row.rank));
      entries.push_back(&entry);
    }
    std::lock_guard<std::mutex> lock(file->mutex);
    for (int64_t i = 0; i < count; ++i)
      if (rnnrt_status_t status =
              readEntry(*file, *entries[i], params + table[i].offset))
        return status;
    return RNNRT_OK;
  });
}

rnnrt_status_t rnnrt_params_save_safetensors(const char *path,
                                             const rnnc_param_info_t *table,
                                             int64_t count, const float *params,
                                             int64_t param_size) {
  return guard("rnnrt_params_save_safetensors", [&] {
    const char *what = "rnnrt_params_save_safetensors";
    if (!path)
      return fail(RNNRT_INVALID_ARGUMENT, "{}: path is NULL", what);
    if (rnnrt_status_t status =
            validateTable(what, table, count, params, param_size))
      return status;

    nlohmann::ordered_json json;
    json["__metadata__"] = {{"format", "pt"}};
    std::unordered_set<std::string> names;
    int64_t offset = 0;
    for (int64_t i = 0; i < count; ++i) {
      const rnnc_param_info_t &row = table[i];
      std::string name = row.name;
      if (name == "__metadata__" || !names.insert(name).second)
        return fail(RNNRT_INVALID_ARGUMENT,
                    "{}: {}: tensor name '{}' is reserved or duplicated", what,
                    path, name);
      int64_t bytes, end;
      if (!checkedMul(row.numel, 4, bytes) || !checkedAdd(offset, bytes, end))
        return fail(RNNRT_INVALID_ARGUMENT, "{}: {}: file size overflows", what,
                    path);
      json[name] = {
          {"dtype", "F32"},
          {"shape", std::vector<int64_t>(row.shape, row.shape + row.rank)},
          {"data_offsets", {offset, end}}};
      offset = end;
    }
    std::string header;
    try {
      header = json.dump();
    } catch (const nlohmann::json::type_error &e) {
      return fail(RNNRT_INVALID_ARGUMENT,
                  "{}: {}: a tensor name is not valid UTF-8: {}", what, path,
                  e.what());
    }
    // The reference implementation pads with spaces to a multiple of 8.
    header.append((8 - header.size() % 8) % 8, ' ');

    OutputFile file;
    if (rnnrt_status_t status = file.open(path))
      return status;
    unsigned char prefix[8];
    storeLE64(prefix, header.size());
    if (!file.write(prefix, 8) || !file.write(header.data(), header.size()))
      return file.writeFailed(errno);
    std::vector<unsigned char> buffer;
    for (int64_t i = 0; i < count; ++i) {
      const float *data = params + table[i].offset;
      int64_t numel = table[i].numel;
      if (hostIsLittleEndian()) {
        if (!file.write(data, static_cast<size_t>(numel) * 4))
          return file.writeFailed(errno);
        continue;
      }
      for (int64_t done = 0; done < numel; done += kChunkElements) {
        int64_t n = std::min(kChunkElements, numel - done);
        buffer.resize(static_cast<size_t>(n) * 4);
        for (int64_t k = 0; k < n; ++k) {
          uint32_t bits;
          std::memcpy(&bits, &data[done + k], 4);
          storeLE32(&buffer[k * 4], bits);
        }
        if (!file.write(buffer.data(), buffer.size()))
          return file.writeFailed(errno);
      }
    }
    return file.commit();
  });
}

//===----------------------------------------------------------------------===//
// rnnrt_tensor_file_t
//===----------------------------------------------------------------------===//

rnnrt_status_t rnnrt_tensor_file_open(const char *path,
                                      rnnrt_tensor_file_t **out_file) {
  if (out_file)
    *out_file = nullptr;
  return guard("rnnrt_tensor_file_open", [&] {
    if (!path || !out_file)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "rnnrt_tensor_file_open: path or out_file is NULL");
    std::unique_ptr<rnnrt_tensor_file_t> file;
    if (rnnrt_status_t status = openTensorFile(path, file))
      return status;
    *out_file = file.release();
    return RNNRT_OK;
  });
}

void rnnrt_tensor_file_destroy(rnnrt_tensor_file_t *file) { delete file; }

/// The entry `index` of `file`, or null.
static const TensorEntry *getEntry(const rnnrt_tensor_file_t *file,
                                   int64_t index) {
  if (!file || index < 0 || index >= static_cast<int64_t>(file->tensors.size()))
    return nullptr;
  return &file->tensors[index];
}

int64_t rnnrt_tensor_file_count(const rnnrt_tensor_file_t *file) {
  return file ? static_cast<int64_t>(file->tensors.size()) : 0;
}

const char *rnnrt_tensor_file_name(const rnnrt_tensor_file_t *file,
                                   int64_t index) {
  const TensorEntry *entry = getEntry(file, index);
  return entry ? entry->name.c_str() : nullptr;
}

const char *rnnrt_tensor_file_dtype(const rnnrt_tensor_file_t *file,
                                    int64_t index) {
  const TensorEntry *entry = getEntry(file, index);
  return entry ? entry->dtype.c_str() : nullptr;
}

int64_t rnnrt_tensor_file_rank(const rnnrt_tensor_file_t *file, int64_t index) {
  const TensorEntry *entry = getEntry(file, index);
  return entry ? static_cast<int64_t>(entry->shape.size()) : -1;
}

int64_t rnnrt_tensor_file_dim(const rnnrt_tensor_file_t *file, int64_t index,
                              int64_t dim) {
  const TensorEntry *entry = getEntry(file, index);
  if (!entry || dim < 0 || dim >= static_cast<int64_t>(entry->shape.size()))
    return -1;
  return entry->shape[dim];
}

int64_t rnnrt_tensor_file_numel(const rnnrt_tensor_file_t *file,
                                int64_t index) {
  const TensorEntry *entry = getEntry(file, index);
  return entry ? entry->numel : -1;
}

rnnrt_status_t rnnrt_tensor_file_find(const rnnrt_tensor_file_t *file,
                                      const char *name, int64_t *out_index) {
  if (out_index)
    *out_index = -1;
  return guard("rnnrt_tensor_file_find", [&] {
    if (!file || !name || !out_index)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "rnnrt_tensor_file_find: NULL argument");
    auto it = file->byName.find(name);
    if (it == file->byName.end())
      return fail(RNNRT_NOT_FOUND, "{}: tensor '{}' not found", file->path,
                  name);
    *out_index = it->second;
    return RNNRT_OK;
  });
}

rnnrt_status_t rnnrt_tensor_file_read_f32(const rnnrt_tensor_file_t *file,
                                          int64_t index, float *out_data,
                                          int64_t capacity) {
  return guard("rnnrt_tensor_file_read_f32", [&] {
    if (!file)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "rnnrt_tensor_file_read_f32: file is NULL");
    const TensorEntry *entry = getEntry(file, index);
    if (!entry)
      return fail(RNNRT_OUT_OF_RANGE, "{}: tensor index {} is not in [0, {})",
                  file->path, index, file->tensors.size());
    if (!isFloatDtype(entry->dtype))
      return fail(RNNRT_INVALID_ARGUMENT,
                  "{}: tensor '{}' has dtype {}, expected F32, F64, F16 or "
                  "BF16",
                  file->path, printable(entry->name),
                  printable(entry->dtype, 64));
    if (capacity < entry->numel)
      return fail(RNNRT_OUT_OF_RANGE,
                  "{}: tensor '{}' has {} elements but the buffer holds {}",
                  file->path, printable(entry->name), entry->numel, capacity);
    if (!out_data && entry->numel > 0)
      return fail(RNNRT_INVALID_ARGUMENT,
                  "rnnrt_tensor_file_read_f32: out_data is NULL");
    std::lock_guard<std::mutex> lock(file->mutex);
    return readEntry(*file, *entry, out_data);
  });
}

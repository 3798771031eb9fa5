#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
#
# Writes the generated seed inputs of the fuzzers' corpora (fuzz/corpus/,
# docs/testing.md "Fuzzing"):
#   spec/         every .rnn under examples/ and test/, and each chunk of the
#                 split-input-file tests (one diagnostic each), plus a few
#                 specs with `# fuzz:` option lines;
#   safetensors/  small valid files (the harness's fixed table in each float
#                 dtype, scalars, empty tensors, other dtypes) and edge
#                 cases, plus the e2e error inputs and one real params file;
#   npy/          each dtype and rank, every header variant the reader
#                 accepts, and edge cases, plus a few files numpy wrote.
# Only files whose names this script owns are written; the regression inputs
# kept from fuzzing (crash-*, timeout-*, ...) are left alone. Standard
# library only; re-running it leaves `git status` clean.
import os
import re
import shutil
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def write(target, name, data):
    path = os.path.join(CORPUS, target, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("latin-1")
    with open(path, "wb") as f:
        f.write(data)


# --- spec ------------------------------------------------------------------

def spec_seeds():
    for top in ("examples", "test"):
        for dirpath, _, files in sorted(os.walk(os.path.join(ROOT, top))):
            for name in sorted(files):
                if not name.endswith(".rnn"):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, ROOT)
                flat = rel[:-4].replace(os.sep, "-")
                # Bytes: a test may hold invalid UTF-8 on purpose.
                text = open(path, "rb").read().decode("latin-1")
                write("spec", flat + ".rnn", text)
                # A split-input-file test: one seed per chunk.
                if "# -----" not in text and "// -----" not in text:
                    continue
                chunks, current = [], []
                for line in text.splitlines(keepends=True):
                    if re.match(r"#\s*(//)?\s*-----\s*$", line):
                        chunks.append("".join(current))
                        current = []
                    else:
                        current.append(line)
                chunks.append("".join(current))
                for i, chunk in enumerate(chunks):
                    if chunk.strip():
                        write("spec", "%s-chunk%03d.rnn" % (flat, i), chunk)

    # Pipeline options for the harness (see rnnc-fuzz-spec.cpp).
    base = ("input(seq_len=%s)\n"
            "rnn = RNN(input_size=3, hidden_size=5, num_layers=%d%s)\n"
            "fc = Linear(out_features=2, on=%s)\n%s")
    mse = "loss = MSELoss()\n"
    write("spec", "options-truncate.rnn",
          base % (7, 2, "", "all", mse) + "# fuzz: truncate=3 unroll=none\n")
    write("spec", "options-checkpoint.rnn",
          base % (6, 1, "", "last", mse) + "# fuzz: checkpoint=4 vw=4\n")
    write("spec", "options-full-llvm.rnn",
          base % (4, 1, ", bidirectional=True", "last", "")
          + "# fuzz: unroll=full lower=llvm vw=16\n")
    write("spec", "options-parallel.rnn",
          base % ("dynamic", 2, ", batch_first=True", "all", mse)
          + "# fuzz: parallel minmacs=0 colshard=1 lookahead=2\n")
    write("spec", "options-scalar.rnn",
          "input(seq_len=1, dtype=int32)\n"
          "Embedding(num_embeddings=7, embedding_dim=3)\n"
          "RNN(hidden_size=4, nonlinearity=relu, bias=False)\n"
          "Linear(out_features=7, on=all, bias=False)\n"
          "CrossEntropyLoss(ignore_index=-1, reduction=sum)\n"
          "# fuzz: vw=0 unroll=2 checkpoint=1\n")


# --- safetensors -----------------------------------------------------------

# The harness's fixed table (rnnrt-fuzz-safetensors.cpp).
FIXED = [("rnn.weight_ih_l0", [4, 3]), ("rnn.weight_hh_l0", [4, 4]),
         ("rnn.bias_ih_l0", [4]), ("rnn.bias_hh_l0", [4]),
         ("fc.weight", [2, 4]), ("fc.bias", [2])]

PACK = {"F32": ("<f", 4), "F64": ("<d", 8), "I64": ("<q", 8),
        "I32": ("<i", 4), "U8": ("<B", 1), "BOOL": ("<B", 1)}


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def encode(dtype, values):
    if dtype == "F16":
        return b"".join(struct.pack("<e", v) for v in values)
    if dtype == "F8_E4M3":
        return bytes(len(values))
    if dtype == "BF16":
        return b"".join(struct.pack("<f", v)[2:] for v in values)
    fmt, _ = PACK[dtype]
    if dtype in ("I64", "I32", "U8", "BOOL"):
        values = [int(abs(v) * 10) % 2 for v in values] if dtype == "BOOL" \
            else [int(v * 10) for v in values]
        if dtype == "U8":
            values = [v % 256 for v in values]
    return b"".join(struct.pack(fmt, v) for v in values)


def safetensors(tensors, metadata=True, pad=True):
    """tensors: [(name, dtype, shape)] -> bytes, as the reference writer
    lays them out (offsets in order, header padded to 8 with spaces)."""
    entries, data = [], b""
    for i, (name, dtype, shape) in enumerate(tensors):
        values = [((k * 7 + i * 3) % 11 - 5) / 4.0 for k in range(numel(shape))]
        blob = encode(dtype, values)
        entries.append('"%s":{"dtype":"%s","shape":[%s],"data_offsets":[%d,%d]}'
                       % (name, dtype, ",".join(map(str, shape)), len(data),
                          len(data) + len(blob)))
        data += blob
    if metadata:
        entries.insert(0, '"__metadata__":{"format":"pt"}')
    header = ("{" + ",".join(entries) + "}").encode()
    if pad:
        header += b" " * ((8 - len(header) % 8) % 8)
    return struct.pack("<Q", len(header)) + header + data


def raw(header, data=b""):
    header = header.encode()
    return struct.pack("<Q", len(header)) + header + data


def safetensors_seeds():
    for dtype in ("F32", "F64", "F16", "BF16"):
        write("safetensors", "rnn_fc_%s.safetensors" % dtype.lower(),
              safetensors([(n, dtype, s) for n, s in FIXED]))
    write("safetensors", "rnn_fc_extra_i64.safetensors",
          safetensors([(n, "F32", s) for n, s in FIXED]
                      + [("step", "I64", [1]), ("mask", "BOOL", [3])]))
    write("safetensors", "rnn_fc_wrong_shape.safetensors",
          safetensors([(n, "F32", s[::-1]) for n, s in FIXED]))
    write("safetensors", "rnn_fc_no_metadata_unpadded.safetensors",
          safetensors([(n, "F32", s) for n, s in FIXED], metadata=False,
                      pad=False))
    write("safetensors", "scalar_and_empty.safetensors",
          safetensors([("scalar", "F32", []), ("empty", "F32", [0]),
                       ("empty2d", "F16", [3, 0]), ("u8", "U8", [5])]))
    write("safetensors", "rank5.safetensors",
          safetensors([("r5", "F32", [1, 2, 1, 2, 1])]))
    write("safetensors", "int_only.safetensors",
          safetensors([("ids", "I32", [2, 2]), ("fp8", "F8_E4M3", [0])]))
    write("safetensors", "empty_header.safetensors", raw("{}"))
    write("safetensors", "metadata_only.safetensors",
          raw('{"__metadata__":{"format":"pt","note":"x"}}'))
    # Edge cases the reader must reject.
    write("safetensors", "edge-short.safetensors", b"\x08\x00\x00")
    write("safetensors", "edge-header-past-end.safetensors",
          struct.pack("<Q", 64) + b"{}")
    write("safetensors", "edge-header-huge.safetensors",
          struct.pack("<Q", 2**63 + 5) + b"{}")
    write("safetensors", "edge-not-object.safetensors", raw("[1,2]"))
    write("safetensors", "edge-bad-json.safetensors", raw('{"a":{'))
    write("safetensors", "edge-deep.safetensors",
          raw('{"a":' + "[" * 70 + "]" * 70 + "}"))
    write("safetensors", "edge-offsets-reversed.safetensors",
          raw('{"t":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}',
              b"\0" * 8))
    write("safetensors", "edge-offsets-outside.safetensors",
          raw('{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}',
              b"\0" * 4))
    write("safetensors", "edge-size-mismatch.safetensors",
          raw('{"t":{"dtype":"F64","shape":[1],"data_offsets":[0,4]}}',
              b"\0" * 4))
    write("safetensors", "edge-shape-overflow.safetensors",
          raw('{"t":{"dtype":"F32","shape":[4294967296,4294967296],'
              '"data_offsets":[0,0]}}'))
    write("safetensors", "edge-negative-dim.safetensors",
          raw('{"t":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}'))
    write("safetensors", "edge-float-dim.safetensors",
          raw('{"t":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}',
              b"\0" * 4))
    write("safetensors", "edge-unknown-dtype-huge.safetensors",
          raw('{"t":{"dtype":"X99","shape":[9223372036854775807],'
              '"data_offsets":[0,0]}}'))
    write("safetensors", "edge-nul-name.safetensors",
          raw('{"a\\u0000b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
              '"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
              b"\0" * 8))
    write("safetensors", "edge-duplicate-key.safetensors",
          raw('{"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
              '"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}',
              b"\0" * 8))
    write("safetensors", "edge-overlap.safetensors",
          raw('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
              '"b":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]}}',
              b"\x00\x00\x80\x3f" * 2))
    # Files the project's tests use.
    for rel in ("test/e2e/Inputs/tanh_1l_b1_nobias/params.safetensors",
                "test/e2e/errors/Inputs/params_truncated.safetensors",
                "test/e2e/errors/Inputs/params_truncated_data.safetensors"):
        shutil.copyfile(os.path.join(ROOT, rel),
                        os.path.join(CORPUS, "safetensors",
                                     "e2e-" + os.path.basename(rel)))


# --- npy -------------------------------------------------------------------

def npy(descr, shape, data, version=1, fortran="False", header=None,
        trailing=b""):
    """A .npy file as numpy writes it (data at a multiple of 64)."""
    if header is None:
        dims = ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "")
        header = "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }" % (
            descr, fortran, dims)
    prefix = 10 if version == 1 else 12
    header += " " * ((64 - (prefix + len(header) + 1) % 64) % 64) + "\n"
    head = b"\x93NUMPY" + bytes([version, 0])
    head += struct.pack("<H" if version == 1 else "<I", len(header))
    return head + header.encode("latin-1") + data + trailing


def values(descr, count):
    fmt = {"f4": "<f", "i8": "<q", "i4": "<i"}[descr[1:]]
    vals = [((k * 5) % 9 - 4) for k in range(count)]
    if descr.endswith("f4"):
        vals = [v / 3.0 for v in vals]
    return b"".join(struct.pack(fmt, v) for v in vals)


def npy_seeds():
    for descr in ("<f4", "<i8", "<i4"):
        tag = descr[1:]
        for shape in ([], [3], [2, 3], [2, 1, 3], [0], [2, 0, 3]):
            name = "%s_r%d_%s.npy" % (tag, len(shape),
                                      "x".join(map(str, shape)) or "scalar")
            write("npy", name, npy(descr, shape, values(descr, numel(shape))))
    write("npy", "f4_v2.npy", npy("<f4", [2, 2], values("<f4", 4), version=2))
    write("npy", "i4_v3.npy", npy("<i4", [3], values("<i4", 3), version=3))
    write("npy", "f4_pipe_descr.npy", npy("|f4", [2], values("<f4", 2)))
    write("npy", "i8_equal_descr.npy", npy("=i8", [2], values("<i8", 2)))
    write("npy", "i8_long_dims.npy", npy("<i8", [2], values("<i8", 2),
          header="{'descr': '<i8', 'fortran_order': False, 'shape': (2L,), }"))
    write("npy", "f4_double_quotes.npy", npy("<f4", [1], values("<f4", 1),
          header='{"shape": (1,), "fortran_order": False, "descr": "<f4"}'))
    write("npy", "f4_trailing_bytes.npy",
          npy("<f4", [2], values("<f4", 2), trailing=b"extra"))
    write("npy", "f4_rank32.npy", npy("<f4", [1] * 32, values("<f4", 1)))
    # Edge cases the reader must reject.
    write("npy", "edge-fortran.npy",
          npy("<f4", [2, 2], values("<f4", 4), fortran="True"))
    write("npy", "edge-big-endian.npy", npy(">f4", [2], b"\0" * 8))
    write("npy", "edge-f8.npy", npy("<f8", [1], b"\0" * 8))
    write("npy", "edge-truncated-data.npy", npy("<f4", [4], values("<f4", 3)))
    write("npy", "edge-bad-magic.npy", b"\x93NUMPX\x01\x00\x00\x00")
    write("npy", "edge-bad-version.npy", b"\x93NUMPY\x04\x00\x02\x00{}")
    write("npy", "edge-header-past-end.npy", b"\x93NUMPY\x01\x00\xff\x00{")
    write("npy", "edge-rank33.npy", npy("<f4", [1] * 33, values("<f4", 1)))
    write("npy", "edge-shape-overflow.npy",
          npy("<i8", [2**31, 2**31, 4], b""))
    write("npy", "edge-int-overflow.npy", npy("<f4", [1], b"", header=(
        "{'descr': '<f4', 'fortran_order': False, "
        "'shape': (99999999999999999999,), }")))
    write("npy", "edge-paren-int.npy", npy("<f4", [1], b"\0" * 4, header=(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1), }")))
    write("npy", "edge-extra-key.npy", npy("<f4", [1], b"\0" * 4, header=(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}")))
    write("npy", "edge-duplicate-key.npy", npy("<f4", [1], b"\0" * 4, header=(
        "{'descr': '<f4', 'descr': '<f4', 'shape': (1,), }")))
    write("npy", "edge-escape.npy", npy("<f4", [1], b"\0" * 4, header=(
        "{'descr': '<f\\4', 'fortran_order': False, 'shape': (1,), }")))
    # Files numpy wrote for the project's tests.
    for rel in ("test/e2e/Inputs/tanh_1l_b1_nobias/x.npy",
                "test/e2e/Inputs/relu_3l_bidir_len_all/lengths.npy",
                "test/unit/Inputs/optim/clip_norms.npy"):
        parts = rel.split("/")
        shutil.copyfile(os.path.join(ROOT, rel),
                        os.path.join(CORPUS, "npy",
                                     "numpy-%s-%s" % (parts[-2], parts[-1])))


def main():
    spec_seeds()
    safetensors_seeds()
    npy_seeds()
    return 0


if __name__ == "__main__":
    sys.exit(main())

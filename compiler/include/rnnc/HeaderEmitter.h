//===- HeaderEmitter.h - C header of a compiled model -----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares the writer of the plain C99 header `<name>.h` that
// accompanies a compiled model object: the parameter table type, macros with
// the model's sizes and parameter offsets, and the prototypes of the
// functions docs/abi.md specifies, documented with this model's shapes.
//
//===----------------------------------------------------------------------===//

#ifndef RNNC_HEADEREMITTER_H
#define RNNC_HEADEREMITTER_H

#include "rnnc/AST.h"
#include "rnnc/ParamLayout.h"

#include "llvm/Support/raw_ostream.h"

namespace rnnc {

/// Writes the C header of model `spec` with parameter layout `layout` to
/// `os`. The output depends only on its arguments (no timestamps, no
/// absolute paths), so builds are reproducible.
/// `bptt` is the backward-pass strategy the object was compiled with and
/// `parallel` whether it runs products on OpenMP threads (rnnc --parallel);
/// the header records both.
void emitModelHeader(const ModelSpec &spec, const ParamLayout &layout,
                     llvm::raw_ostream &os, const BpttStrategy &bptt = {},
                     bool parallel = false);

} // namespace rnnc

#endif // RNNC_HEADEREMITTER_H

//===- Parser.h - .rnn spec parser ------------------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares the entry point of the `.rnn` front end: it parses a
// spec, checks it and resolves every default into a rnnc::ModelSpec. The
// language is described in docs/spec-language.md.
//
//===----------------------------------------------------------------------===//

#ifndef RNNC_PARSER_H
#define RNNC_PARSER_H

#include "rnnc/AST.h"

#include <optional>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace rnnc {

/// Parses and checks the spec in the main buffer of `sourceMgr`. Errors are
/// reported with mlir::emitError on FileLineColLoc locations (so an attached
/// SourceMgrDiagnosticHandler prints `file:line:col: error: ...` with a caret,
/// and SourceMgrDiagnosticVerifierHandler can check them). Returns std::nullopt
/// if any error was emitted.
///
/// Parsing stops at the first error, so each mistake gets exactly one
/// diagnostic (possibly with notes). The buffer identifier names the file in
/// locations; when it is a path, its stem, made a C identifier, is the
/// default model name.
std::optional<ModelSpec> parseModelSpec(llvm::SourceMgr &sourceMgr,
                                        mlir::MLIRContext &context);

} // namespace rnnc

#endif // RNNC_PARSER_H

//===- HelpOptions.h - What the tools' --help lists -------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// rnnc and rnn-run link all of LLVM, whose libraries register a few
// thousand command-line options (every target's code generator flags). A
// user's --help should list the tool's own options, not those.
//
//===----------------------------------------------------------------------===//

#ifndef RNNC_TOOLS_HELPOPTIONS_H
#define RNNC_TOOLS_HELPOPTIONS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"

namespace rnnc {

/// Hides from --help every top-level option outside `toolCategory`, except
/// --help, --help-hidden and --version, and moves the options named in
/// `debuggingOptions` into `debuggingCategory`, shown. The hidden options
/// keep working and --help-hidden lists them. Call before
/// llvm::cl::ParseCommandLineOptions, after every option is registered.
void hideUnrelatedOptions(const llvm::cl::OptionCategory *toolCategory,
                          llvm::ArrayRef<llvm::StringRef> debuggingOptions,
                          llvm::cl::OptionCategory &debuggingCategory);

} // namespace rnnc

#endif // RNNC_TOOLS_HELPOPTIONS_H

//===- HelpOptions.cpp - What the tools' --help lists -----------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "HelpOptions.h"

#include "llvm/ADT/STLExtras.h"

namespace cl = llvm::cl;

void rnnc::hideUnrelatedOptions(
    const cl::OptionCategory *toolCategory,
    llvm::ArrayRef<llvm::StringRef> debuggingOptions,
    cl::OptionCategory &debuggingCategory) {
  for (auto &[name, option] : cl::getRegisteredOptions()) {
    if ((toolCategory &&
         llvm::is_contained(option->Categories, toolCategory)) ||
        name.starts_with("help") || name == "version")
      continue;
    if (llvm::is_contained(debuggingOptions, name)) {
      option->Categories.assign({&debuggingCategory});
      option->setHiddenFlag(cl::NotHidden);
      continue;
    }
    // cl::Hidden rather than cl::HideUnrelatedOptions' cl::ReallyHidden,
    // so that --help-hidden still lists them.
    if (option->getOptionHiddenFlag() == cl::NotHidden)
      option->setHiddenFlag(cl::Hidden);
  }
}

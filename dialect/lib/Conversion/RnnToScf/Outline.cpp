//===- Outline.cpp - One private function per distinct kernel -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "Outline.h"

#include "rnn/Passes.h"
#include "rnn/RnnUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;

bool rnn::isInOutlinedKernel(Operation *op) {
  auto parent = op->getParentOfType<FunctionOpInterface>();
  return parent && parent->hasAttr(kKernelFunctionAttr);
}

std::string rnn::kernelNameForOperands(llvm::StringRef prefix, Operation *op) {
  std::string name = prefix.str();
  llvm::raw_string_ostream os(name);
  for (Value operand : op->getOperands()) {
    os << "_";
    auto type = dyn_cast<MemRefType>(operand.getType());
    if (!type) {
      // An index is `i`; another scalar (a fill's value) its type, `f32`.
      if (operand.getType().isIndex())
        os << "i";
      else
        os << operand.getType();
      continue;
    }
    llvm::interleave(
        type.getShape(), os,
        [&](int64_t size) {
          if (ShapedType::isDynamic(size))
            os << "d";
          else
            os << size;
        },
        "x");
    // withDynamicLayout keeps a unit innermost stride: a view without one
    // (a transposed one) has a different parameter type, and kernel.
    auto [strides, offset] = type.getStridesAndOffset();
    if (!strides.empty() && strides.back() != 1)
      os << "s";
  }
  return name;
}

void rnn::appendEpilogueName(llvm::raw_ostream &os, bool bias, bool accumulate,
                             std::optional<Nonlinearity> nonlinearity) {
  if (bias)
    os << "_bias";
  if (accumulate)
    os << "_acc";
  if (nonlinearity)
    os << "_" << stringifyNonlinearity(*nonlinearity);
}

void rnn::outlineIntoKernel(Operation *op, llvm::StringRef name,
                            PatternRewriter &rewriter, bool noInline) {
  auto module = op->getParentOfType<ModuleOp>();
  auto kernel = module.lookupSymbol<func::FuncOp>(name);
  if (!kernel) {
    kernel = createFunctionFromOp(rewriter, module, op, name);
    kernel->setAttr(kKernelFunctionAttr, rewriter.getUnitAttr());
    if (noInline)
      setNoInline(kernel);
  }
  replaceOpWithCall(rewriter, op, kernel);
}

//===- Outline.cpp - One private function per distinct kernel -------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "Outline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;

/// Marks the functions kernels are outlined into.
static constexpr llvm::StringLiteral kKernelAttr = "rnn.kernel";

bool rnn::isInOutlinedKernel(Operation *op) {
  auto parent = op->getParentOfType<FunctionOpInterface>();
  return parent && parent->hasAttr(kKernelAttr);
}

/// `type` with every stride and the offset dynamic, but a unit innermost
/// stride when the original has one: the parameter type of an outlined
/// kernel, which any view of the same shape casts to.
static MemRefType withDynamicLayout(MemRefType type) {
  SmallVector<int64_t> strides(type.getRank(), ShapedType::kDynamic);
  auto [oldStrides, offset] = type.getStridesAndOffset();
  if (oldStrides.back() == 1)
    strides.back() = 1;
  auto layout =
      StridedLayoutAttr::get(type.getContext(), ShapedType::kDynamic, strides);
  return MemRefType::get(type.getShape(), type.getElementType(), layout);
}

std::string rnn::kernelNameForOperands(llvm::StringRef prefix, Operation *op) {
  std::string name = prefix.str();
  llvm::raw_string_ostream os(name);
  for (Value operand : op->getOperands()) {
    os << "_";
    auto type = dyn_cast<MemRefType>(operand.getType());
    if (!type) {
      os << "i";
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
  Location loc = op->getLoc();
  auto module = op->getParentOfType<ModuleOp>();
  SmallVector<Value> arguments;
  SmallVector<Type> argumentTypes;
  for (Value operand : op->getOperands()) {
    auto memrefType = dyn_cast<MemRefType>(operand.getType());
    Type type = memrefType ? withDynamicLayout(memrefType) : operand.getType();
    argumentTypes.push_back(type);
    arguments.push_back(
        operand.getType() == type
            ? operand
            : memref::CastOp::create(rewriter, loc, type, operand).getResult());
  }
  if (!module.lookupSymbol(name)) {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToEnd(module.getBody());
    auto kernel = func::FuncOp::create(
        rewriter, loc, name, rewriter.getFunctionType(argumentTypes, {}));
    kernel.setPrivate();
    kernel->setAttr(kKernelAttr, rewriter.getUnitAttr());
    // Local to the object: two models linked into one program each have
    // their own.
    kernel->setAttr(
        "llvm.linkage",
        LLVM::LinkageAttr::get(rewriter.getContext(), LLVM::Linkage::Internal));
    // func-to-llvm hands `passthrough` on to the LLVM function's attributes.
    if (noInline)
      kernel->setAttr("passthrough", rewriter.getArrayAttr(
                                         rewriter.getStringAttr("noinline")));
    Block *body = kernel.addEntryBlock();
    rewriter.setInsertionPointToStart(body);
    IRMapping mapping;
    mapping.map(op->getOperands(), body->getArguments());
    rewriter.clone(*op, mapping);
    func::ReturnOp::create(rewriter, loc);
  }
  rewriter.replaceOpWithNewOp<func::CallOp>(op, name, TypeRange{}, arguments);
}

//===- RnnUtils.cpp - Helpers shared by rnn passes ------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "rnn/RnnUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

Value rnn::viewSlice(OpBuilder &builder, Location loc, Value source,
                     ArrayRef<OpFoldResult> offsets,
                     ArrayRef<OpFoldResult> sizes,
                     ArrayRef<unsigned> keptDims) {
  auto sourceType = cast<MemRefType>(source.getType());
  SmallVector<OpFoldResult> strides(sourceType.getRank(),
                                    builder.getIndexAttr(1));
  SmallVector<int64_t> resultShape;
  for (unsigned dim : keptDims) {
    std::optional<int64_t> size = getConstantIntValue(sizes[dim]);
    resultShape.push_back(size ? *size : ShapedType::kDynamic);
  }
  MemRefType resultType = memref::SubViewOp::inferRankReducedResultType(
      resultShape, sourceType, offsets, sizes, strides);
  return memref::SubViewOp::create(builder, loc, resultType, source, offsets,
                                   sizes, strides);
}

Value rnn::transposeInnerDims(OpBuilder &builder, Location loc, Value memref) {
  unsigned rank = cast<MemRefType>(memref.getType()).getRank();
  SmallVector<unsigned> permutation = llvm::to_vector(llvm::seq(0u, rank));
  std::swap(permutation[rank - 2], permutation[rank - 1]);
  return memref::TransposeOp::create(
      builder, loc, memref,
      AffineMapAttr::get(
          AffineMap::getPermutationMap(permutation, builder.getContext())));
}

int64_t rnn::getPaddedWeightStride(int64_t columns) {
  return llvm::alignTo(columns, 16) + 16;
}

int64_t
rnn::getWeightScratchSize(ArrayRef<std::pair<int64_t, int64_t>> weights) {
  int64_t transposed = 0, natural = 0;
  for (auto [rows, columns] : weights) {
    transposed += columns * getPaddedWeightStride(rows);
    natural += rows * getPaddedWeightStride(columns);
  }
  return std::max(transposed, natural);
}

OpFoldResult rnn::dimAsFoldResult(OpBuilder &builder, Location loc,
                                  Value memref, unsigned dim) {
  auto type = cast<MemRefType>(memref.getType());
  if (!type.isDynamicDim(dim))
    return builder.getIndexAttr(type.getDimSize(dim));
  return memref::DimOp::create(builder, loc, memref, dim).getResult();
}

Value rnn::createOpenMPQuery(OpBuilder &builder, Location loc, ModuleOp module,
                             llvm::StringRef name) {
  auto function = module.lookupSymbol<func::FuncOp>(name);
  if (!function) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToEnd(module.getBody());
    function = func::FuncOp::create(
        builder, loc, name,
        builder.getFunctionType({}, {builder.getI32Type()}));
    function.setPrivate();
  }
  Value result =
      func::CallOp::create(builder, loc, function, ValueRange{}).getResult(0);
  return arith::IndexCastOp::create(builder, loc, builder.getIndexType(),
                                    result);
}

Value rnn::createMaxThreadsCall(OpBuilder &builder, Location loc,
                                ModuleOp module) {
  return createOpenMPQuery(builder, loc, module, "omp_get_max_threads");
}

void rnn::buildIfThen(OpBuilder &builder, Location loc, Value condition,
                      function_ref<void()> body) {
  if (!condition)
    return body();
  auto ifOp = scf::IfOp::create(builder, loc, condition);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(ifOp.thenBlock());
  body();
}

MemRefType rnn::getDynamicLayoutType(MemRefType type) {
  SmallVector<int64_t> strides(type.getRank(), ShapedType::kDynamic);
  auto [oldStrides, offset] = type.getStridesAndOffset();
  if (!oldStrides.empty() && oldStrides.back() == 1)
    strides.back() = 1;
  auto layout =
      StridedLayoutAttr::get(type.getContext(), ShapedType::kDynamic, strides);
  return MemRefType::get(type.getShape(), type.getElementType(), layout);
}

Type rnn::getOutlinedParameterType(Type type) {
  auto memrefType = dyn_cast<MemRefType>(type);
  return memrefType ? rnn::getDynamicLayoutType(memrefType) : type;
}

func::FuncOp rnn::createFunctionFromOp(OpBuilder &builder, ModuleOp module,
                                       Operation *op, llvm::StringRef name) {
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(module.getBody());
  SmallVector<Type> parameterTypes =
      llvm::map_to_vector(op->getOperandTypes(), getOutlinedParameterType);
  Location loc = op->getLoc();
  auto function = func::FuncOp::create(
      builder, loc, name, builder.getFunctionType(parameterTypes, {}));
  function.setPrivate();
  function->setAttr(
      "llvm.linkage",
      LLVM::LinkageAttr::get(builder.getContext(), LLVM::Linkage::Internal));
  Block *body = function.addEntryBlock();
  builder.setInsertionPointToStart(body);
  IRMapping mapping;
  mapping.map(op->getOperands(), body->getArguments());
  builder.clone(*op, mapping);
  func::ReturnOp::create(builder, loc);
  return function;
}

void rnn::replaceOpWithCall(RewriterBase &rewriter, Operation *op,
                            func::FuncOp callee) {
  rewriter.setInsertionPoint(op);
  SmallVector<Value> arguments;
  for (auto [operand, type] :
       llvm::zip_equal(op->getOperands(), callee.getArgumentTypes()))
    arguments.push_back(
        operand.getType() == type
            ? operand
            : memref::CastOp::create(rewriter, op->getLoc(), type, operand)
                  .getResult());
  rewriter.replaceOpWithNewOp<func::CallOp>(op, callee, arguments);
}

void rnn::setNoInline(func::FuncOp function) {
  Builder builder(function.getContext());
  function->setAttr("passthrough",
                    builder.getArrayAttr(builder.getStringAttr("noinline")));
}

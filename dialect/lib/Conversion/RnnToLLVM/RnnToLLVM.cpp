//===- RnnToLLVM.cpp - Final conversion to the LLVM dialect ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements convert-rnn-to-llvm, the last step of the pipeline,
// in the manner of Toy's LowerToLLVM: one full conversion that lowers
// rnn.from_ptr with its own pattern and every other dialect with MLIR's.
// math.tanh is first replaced by MLIR's polynomial approximation (max abs
// error ~3e-7 against glibc over [-20, 20]) so it vectorizes instead of
// becoming one libm call per element. The approximation's math.fma ops
// become contractable multiply-adds: an exact fma is a libm call (fmaf) on
// CPUs without FMA instructions, such as the portable x86-64-v2 target.
//
//===----------------------------------------------------------------------===//

#include "rnn/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/Pattern.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/Transforms/Approximation.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace rnn {
#define GEN_PASS_DEF_CONVERTRNNTOLLVM
#include "rnn/Passes.h.inc"
} // namespace rnn
} // namespace mlir

using namespace mlir;
using namespace mlir::rnn;

namespace {

/// rnn.from_ptr %p[%off], %n -> a memref descriptor
///   {allocated = aligned = gep i8 %p[%off], offset 0, size %n, stride 1}
struct FromPtrLowering : public ConvertOpToLLVMPattern<FromPtrOp> {
  using ConvertOpToLLVMPattern::ConvertOpToLLVMPattern;

  LogicalResult
  matchAndRewrite(FromPtrOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto memrefType = cast<MemRefType>(op.getResult().getType());
    Type descriptorType = getTypeConverter()->convertType(memrefType);
    if (!descriptorType)
      return rewriter.notifyMatchFailure(op, "unsupported memref type");
    auto ptrType = LLVM::LLVMPointerType::get(rewriter.getContext());
    Value start = LLVM::GEPOp::create(rewriter, loc, ptrType,
                                      rewriter.getI8Type(), adaptor.getBase(),
                                      ValueRange{adaptor.getByteOffset()});
    auto descriptor = MemRefDescriptor::poison(rewriter, loc, descriptorType);
    descriptor.setAllocatedPtr(rewriter, loc, start);
    descriptor.setAlignedPtr(rewriter, loc, start);
    descriptor.setConstantOffset(rewriter, loc, 0);
    descriptor.setSize(rewriter, loc, 0, adaptor.getSize());
    descriptor.setConstantStride(rewriter, loc, 0, 1);
    rewriter.replaceOp(op, {descriptor});
    return success();
  }
};

/// math.fma(a, b, c) -> a * b + c with the `contract` fast-math flag, which
/// LLVM fuses into one instruction where the target has FMA and keeps as a
/// multiply and an add elsewhere.
struct FmaToContractableMulAdd : public OpRewritePattern<math::FmaOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::FmaOp op,
                                PatternRewriter &rewriter) const override {
    auto contract = arith::FastMathFlagsAttr::get(
        rewriter.getContext(), arith::FastMathFlags::contract);
    Value product = arith::MulFOp::create(rewriter, op.getLoc(), op.getA(),
                                          op.getB(), contract);
    rewriter.replaceOpWithNewOp<arith::AddFOp>(op, product, op.getC(),
                                               contract);
    return success();
  }
};

struct ConvertRnnToLLVMPass
    : public rnn::impl::ConvertRnnToLLVMBase<ConvertRnnToLLVMPass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    ModuleOp module = getOperation();

    RewritePatternSet approximations(context);
    populatePolynomialApproximateTanhPattern(approximations);
    approximations.add<FmaToContractableMulAdd>(context);
    if (failed(applyPatternsGreedily(module, std::move(approximations))))
      return signalPassFailure();

    LLVMConversionTarget target(*context);
    target.addLegalOp<ModuleOp>();
    target.addIllegalDialect<RnnDialect>();
    LLVMTypeConverter converter(context);
    // The work-sharing loops of parallel products (convert-scf-to-openmp)
    // stay omp ops, on LLVM types, for the OpenMP translation to outline.
    configureOpenMPToLLVMConversionLegality(target, converter);
    RewritePatternSet patterns(context);
    populateRnnToLLVMConversionPatterns(converter, patterns);
    populateOpenMPToLLVMConversionPatterns(converter, patterns);
    populateSCFToControlFlowConversionPatterns(patterns);
    populateFuncToLLVMConversionPatterns(converter, patterns);
    arith::populateArithToLLVMConversionPatterns(converter, patterns);
    populateMathToLLVMConversionPatterns(converter, patterns);
    populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns);
    cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
    index::populateIndexToLLVMConversionPatterns(converter, patterns);
    ub::populateUBToLLVMConversionPatterns(converter, patterns);
    populateVectorToLLVMConversionPatterns(converter, patterns);
    if (failed(applyFullConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void rnn::populateRnnToLLVMConversionPatterns(LLVMTypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<FromPtrLowering>(converter);
}

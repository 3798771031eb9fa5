//===- RnnToLLVM.cpp - Final conversion to the LLVM dialect ---------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements convert-rnn-to-llvm, the last step of the pipeline,
// in the manner of Toy's LowerToLLVM: one full conversion that lowers
// rnn.from_ptr and the error reports (weak calls of the runtime) with its
// own patterns and every other dialect with MLIR's.
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

/// Declares (once) the runtime function `name` of `type` as an extern_weak
/// symbol: an object linked without librnnrt resolves it to null.
static LLVM::LLVMFuncOp
declareWeakRuntimeFunction(Operation *from, OpBuilder &builder, StringRef name,
                           LLVM::LLVMFunctionType type) {
  auto module = from->getParentOfType<ModuleOp>();
  if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return existing;
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(module.getBody());
  auto function = LLVM::LLVMFuncOp::create(builder, module.getLoc(), name, type,
                                           LLVM::Linkage::ExternWeak);
  return function;
}

/// A pointer to a NUL-terminated private copy of `text`.
static Value messageString(Operation *from, OpBuilder &builder,
                           StringRef text) {
  auto module = from->getParentOfType<ModuleOp>();
  std::string name;
  for (unsigned i = 0;; ++i) {
    name = ("rnnc_report_message_" + Twine(i)).str();
    if (!module.lookupSymbol(name))
      break;
  }
  std::string terminated = text.str();
  terminated.push_back('\0');
  return LLVM::createGlobalString(from->getLoc(), builder, name, terminated,
                                  LLVM::Linkage::Internal);
}

/// Replaces `op` by a call of the weak runtime function `function` with
/// `args`, made when it is linked (its address is not null):
///   ^bb: ... cond_br (&function != null), ^call, ^continue
///   ^call: call @function(args); br ^continue
static void replaceByCallIfLinked(Operation *op,
                                  ConversionPatternRewriter &rewriter,
                                  LLVM::LLVMFuncOp function, ValueRange args) {
  Location loc = op->getLoc();
  auto ptrType = LLVM::LLVMPointerType::get(rewriter.getContext());
  Block *block = op->getBlock();
  Block *continuation =
      rewriter.splitBlock(block, std::next(op->getIterator()));
  rewriter.setInsertionPoint(op);
  Value address = LLVM::AddressOfOp::create(rewriter, loc, function);
  Value null = LLVM::ZeroOp::create(rewriter, loc, ptrType);
  Value linked = LLVM::ICmpOp::create(rewriter, loc, LLVM::ICmpPredicate::ne,
                                      address, null);
  Block *call = rewriter.createBlock(continuation);
  LLVM::CallOp::create(rewriter, loc, function, args);
  LLVM::BrOp::create(rewriter, loc, ValueRange(), continuation);
  rewriter.setInsertionPoint(op);
  LLVM::CondBrOp::create(rewriter, loc, linked, call, continuation);
  rewriter.eraseOp(op);
}

/// Replaces the report `op` by a weakly linked call of the runtime's
/// `void function(const char *message, args...)`, with `op`'s message.
static void replaceByRuntimeReport(Operation *op, StringAttr message,
                                   ConversionPatternRewriter &rewriter,
                                   StringRef function, ValueRange args) {
  auto ptrType = LLVM::LLVMPointerType::get(rewriter.getContext());
  SmallVector<Type> argTypes = {ptrType};
  llvm::append_range(argTypes, args.getTypes());
  auto callee = declareWeakRuntimeFunction(
      op, rewriter, function,
      LLVM::LLVMFunctionType::get(
          LLVM::LLVMVoidType::get(rewriter.getContext()), argTypes));
  SmallVector<Value> operands = {messageString(op, rewriter, message)};
  llvm::append_range(operands, args);
  replaceByCallIfLinked(op, rewriter, callee, operands);
}

/// An i32 or i64 LLVM constant.
static Value intConstant(OpBuilder &builder, Location loc, unsigned bits,
                         int64_t value) {
  return LLVM::ConstantOp::create(builder, loc, builder.getIntegerType(bits),
                                  value);
}

/// rnn.report_error "msg" got %v
///   -> if (&rnnrt_report_error) rnnrt_report_error("msg", %v, 1)
struct ReportErrorLowering : public ConvertOpToLLVMPattern<ReportErrorOp> {
  using ConvertOpToLLVMPattern::ConvertOpToLLVMPattern;
  LogicalResult
  matchAndRewrite(ReportErrorOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value value = adaptor.getValue();
    // void rnnrt_report_error(const char *message, int64_t value,
    //                         int32_t has_value)
    replaceByRuntimeReport(op, op.getMessageAttr(), rewriter,
                           "rnnrt_report_error",
                           {value ? value : intConstant(rewriter, loc, 64, 0),
                            intConstant(rewriter, loc, 32, value ? 1 : 0)});
    return success();
  }
};

/// rnn.report_out_of_range "msg" %p, %n in [%lo, %hi] (or %also)?
///     (inner %k)? {element_bits = b}
///   -> if (&rnnrt_report_out_of_range)
///        rnnrt_report_out_of_range("msg", %p, b, %n, %k or 0, %lo, %hi,
///                                  %also or 0, has_also)
struct ReportOutOfRangeLowering
    : public ConvertOpToLLVMPattern<ReportOutOfRangeOp> {
  using ConvertOpToLLVMPattern::ConvertOpToLLVMPattern;
  LogicalResult
  matchAndRewrite(ReportOutOfRangeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value inner = adaptor.getInner(), also = adaptor.getAlso();
    replaceByRuntimeReport(
        op, op.getMessageAttr(), rewriter, "rnnrt_report_out_of_range",
        {adaptor.getData(), intConstant(rewriter, loc, 32, op.getElementBits()),
         adaptor.getCount(), inner ? inner : intConstant(rewriter, loc, 64, 0),
         adaptor.getLower(), adaptor.getUpper(),
         also ? also : intConstant(rewriter, loc, 64, 0),
         intConstant(rewriter, loc, 32, also ? 1 : 0)});
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
      return signalPassFailure();
    // The kernel marker served convert-rnn-to-scf; nothing of the rnn
    // dialect is left in the LLVM dialect.
    module.walk([](LLVM::LLVMFuncOp function) {
      function->removeAttr(kKernelFunctionAttr);
    });
  }
};

} // namespace

void rnn::populateRnnToLLVMConversionPatterns(LLVMTypeConverter &converter,
                                              RewritePatternSet &patterns) {
  patterns.add<FromPtrLowering, ReportErrorLowering, ReportOutOfRangeLowering>(
      converter);
}

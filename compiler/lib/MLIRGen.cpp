//===- MLIRGen.cpp - ModelSpec to the rnn dialect -------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file builds the rnn-dialect module of a model: the exported C entry
// points of docs/abi.md as func.func ops taking plain pointers, whose bodies
// validate the arguments, view the caller's buffers as memrefs (rnn.from_ptr
// and memref.reinterpret_cast), carve the workspace into regions, and run
// the model-level ops (rnn.embedding, rnn.stacked_rnn, rnn.linear). The
// parameter table is an LLVM-dialect global.
//
//===----------------------------------------------------------------------===//

#include "rnnc/ParamLayout.h"
#include "rnnc/Pipeline.h"

#include "rnn/RnnOps.h"
#include "rnn/RnnUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace rnnc;

/// Status codes returned by `<model>_forward`, equal to the runtime's
/// rnnrt_status_t values.
static constexpr int32_t kStatusOk = 0;
static constexpr int32_t kStatusInvalidArgument = 3;
static constexpr int32_t kStatusOutOfRange = 11;

/// Workspace regions start at multiples of this many bytes.
static constexpr int64_t kWorkspaceAlignment = 64;

namespace {

/// Byte offsets of the workspace regions for one (batch, seq_len), as SSA
/// values, and the total size. `<model>_workspace_size` and
/// `<model>_forward` build it with the same code, so they cannot disagree.
struct WorkspaceLayout {
  // Forward regions.
  Value lengths, h0, hN, embedded, rnnOutput, scratch, weightScratch, headInput;
  // Training regions: the head's output, the segment checkpoints and
  // lengths of a segmented backward pass, and the adjoint of every buffer
  // the backward pass reads or writes gradients of.
  Value headOutput, checkpoints, segmentLengths, inputGrad, embeddedGrad,
      h0Grad, hNGrad, rnnOutputGrad, scratchGrad, checkpointsGrad,
      headOutputGrad, headInputGrad, lossGrad;
  Value total;
};

/// Builds the module for one ModelSpec.
class ModelGen {
public:
  ModelGen(const ModelSpec &spec, const BpttStrategy &bptt,
           MLIRContext &context)
      : spec(spec), bptt(bptt), layout(ParamLayout::compute(spec)),
        context(context), builder(&context) {}

  OwningOpRef<ModuleOp> build();

private:
  /// The floats of the RNN's weight scratch (StackedRnnOp's
  /// weight_scratch): every weight matrix, transposed, rows padded.
  int64_t weightScratchFloats() const {
    SmallVector<std::pair<int64_t, int64_t>> shapes;
    for (const ParamInfo &info : layout.params)
      if (isRnnWeightMatrix(info))
        shapes.emplace_back(info.shape[0], info.shape[1]);
    return rnn::getWeightScratchSize(shapes);
  }

  Location loc(LocationAttr attr) const {
    return attr ? Location(attr) : Location(UnknownLoc::get(&context));
  }

  // Scalar helpers on i64.
  Value i64(int64_t value, Location l) {
    return arith::ConstantIntOp::create(builder, l, value, 64);
  }
  Value mul(Value a, Value b, Location l) {
    return arith::MulIOp::create(builder, l, a, b);
  }
  Value add(Value a, Value b, Location l) {
    return arith::AddIOp::create(builder, l, a, b);
  }
  /// ceil(`value` / `divisor`) for a positive index `value`, as
  /// (value + divisor - 1) / divisor (arith.ceildivsi has no LLVM lowering
  /// in the pipeline).
  Value ceilDiv(Value value, int64_t divisor, Location l) {
    Value rounded = arith::AddIOp::create(
        builder, l, value,
        arith::ConstantIndexOp::create(builder, l, divisor - 1));
    return arith::DivUIOp::create(
        builder, l, rounded,
        arith::ConstantIndexOp::create(builder, l, divisor));
  }
  Value alignUp(Value bytes, Location l) {
    Value rounded = add(bytes, i64(kWorkspaceAlignment - 1, l), l);
    return arith::AndIOp::create(builder, l, rounded,
                                 i64(~(kWorkspaceAlignment - 1), l));
  }

  WorkspaceLayout buildWorkspaceLayout(Value batch, Value seqLen, bool training,
                                       Location l);
  void buildWorkspaceSizeFunc(bool training);
  void buildParamFuncs();
  /// `<model>_forward`, or `<model>_loss_and_grad` when `training`.
  void buildModelFunc(bool training);

  /// A row-major view of `numel` elements of type `elementType` at
  /// `byteOffset` bytes after `base`, shaped `shape` (static sizes as
  /// attributes, dynamic ones as index values).
  Value viewPointer(Value base, Value byteOffset, Type elementType,
                    ArrayRef<OpFoldResult> shape, Location l);
  /// A static view of parameter `info` inside the flat parameter memref.
  Value viewParam(Value params, const ParamInfo &info, Location l);
  /// A `(d1, d0, ...)` view of `value`: how batch-first buffers are
  /// presented to the time-major ops.
  Value swapLeadingDims(Value value, Location l);

  /// Runs the stacked RNN of the training function one time segment at a
  /// time (see BpttStrategy::segmentLength): checkpoint s of `checkpoints`
  /// holds the states entering segment s, and `segmentLengths` the
  /// sequences' lengths within the current segment.
  void buildSegmentedRnn(Value input, Value lengths, Value h0,
                         Value checkpoints, Value segmentLengths,
                         ArrayRef<Value> weights, Value output,
                         bool outputIsSegment, Value scratch,
                         Value weightScratch, OpFoldResult seqLen,
                         OpFoldResult batch, Location l);

  const ModelSpec &spec;
  BpttStrategy bptt;
  ParamLayout layout;
  MLIRContext &context;
  OpBuilder builder;
  ModuleOp module;
};

} // namespace

//===----------------------------------------------------------------------===//
// Buffer views
//===----------------------------------------------------------------------===//

/// Returns the row-major strides of `shape`, folding static products.
static SmallVector<OpFoldResult> rowMajorStrides(OpBuilder &builder,
                                                 Location loc,
                                                 ArrayRef<OpFoldResult> shape) {
  SmallVector<OpFoldResult> strides(shape.size());
  OpFoldResult stride = builder.getIndexAttr(1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
    strides[i] = stride;
    std::optional<int64_t> a = getConstantIntValue(stride);
    std::optional<int64_t> b = getConstantIntValue(shape[i]);
    if (a && b) {
      stride = builder.getIndexAttr(*a * *b);
    } else {
      Value lhs = getValueOrCreateConstantIndexOp(builder, loc, stride);
      Value rhs = getValueOrCreateConstantIndexOp(builder, loc, shape[i]);
      stride = arith::MulIOp::create(builder, loc, lhs, rhs).getResult();
    }
  }
  return strides;
}

/// The memref type of a row-major view of `shape` at static element offset
/// `offset`.
static MemRefType rowMajorType(ArrayRef<OpFoldResult> shape,
                               ArrayRef<OpFoldResult> strides, int64_t offset,
                               Type elementType) {
  SmallVector<int64_t> staticShape, staticStrides;
  for (OpFoldResult size : shape)
    staticShape.push_back(
        getConstantIntValue(size).value_or(ShapedType::kDynamic));
  if (offset == 0)
    return MemRefType::get(staticShape, elementType);
  for (OpFoldResult stride : strides)
    staticStrides.push_back(
        getConstantIntValue(stride).value_or(ShapedType::kDynamic));
  auto layoutAttr =
      StridedLayoutAttr::get(elementType.getContext(), offset, staticStrides);
  return MemRefType::get(staticShape, elementType, layoutAttr);
}

Value ModelGen::viewPointer(Value base, Value byteOffset, Type elementType,
                            ArrayRef<OpFoldResult> shape, Location l) {
  // The flat size in elements, as i64 for rnn.from_ptr.
  Value numel = i64(1, l);
  for (OpFoldResult size : shape) {
    Value sizeIndex = getValueOrCreateConstantIndexOp(builder, l, size);
    numel = mul(
        numel,
        arith::IndexCastOp::create(builder, l, builder.getI64Type(), sizeIndex),
        l);
  }
  Value flat = rnn::FromPtrOp::create(
      builder, l, MemRefType::get({ShapedType::kDynamic}, elementType), base,
      byteOffset, numel);
  SmallVector<OpFoldResult> strides = rowMajorStrides(builder, l, shape);
  MemRefType type = rowMajorType(shape, strides, 0, elementType);
  return memref::ReinterpretCastOp::create(
      builder, l, type, flat, builder.getIndexAttr(0), shape, strides);
}

Value ModelGen::viewParam(Value params, const ParamInfo &info, Location l) {
  SmallVector<OpFoldResult> shape;
  for (int64_t d : info.shape)
    shape.push_back(builder.getIndexAttr(d));
  SmallVector<OpFoldResult> strides = rowMajorStrides(builder, l, shape);
  MemRefType type =
      rowMajorType(shape, strides, info.offset, builder.getF32Type());
  return memref::ReinterpretCastOp::create(builder, l, type, params,
                                           builder.getIndexAttr(info.offset),
                                           shape, strides);
}

Value ModelGen::swapLeadingDims(Value value, Location l) {
  unsigned rank = cast<MemRefType>(value.getType()).getRank();
  SmallVector<unsigned> permutation = {1, 0};
  for (unsigned i = 2; i < rank; ++i)
    permutation.push_back(i);
  AffineMap map = AffineMap::getPermutationMap(permutation, &context);
  return memref::TransposeOp::create(builder, l, value,
                                     AffineMapAttr::get(map));
}

//===----------------------------------------------------------------------===//
// Workspace
//===----------------------------------------------------------------------===//

WorkspaceLayout ModelGen::buildWorkspaceLayout(Value batch, Value seqLen,
                                               bool training, Location l) {
  const RnnSpec &rnn = spec.rnn;
  int64_t states = rnn.numLayers * rnn.numDirections() * rnn.hiddenSize;
  int64_t width = rnn.hiddenSize * rnn.numDirections();
  bool hasHead = spec.head.has_value();
  bool gatherHeadInput =
      hasHead && spec.head->on == HeadKind::Last && rnn.numDirections() == 2;
  // Training keeps every inner layer's output for the backward pass;
  // inference alternates between two.
  int64_t scratchSlices =
      rnn.numLayers > 1 ? (training ? rnn.numLayers - 1 : 2) : 0;
  Value steps = mul(batch, seqLen, l);
  // A segmented training pass keeps the states of one segment of at most
  // k steps, plus the states entering each of the ceil(T / k) segments and
  // the final ones.
  int64_t segment = training ? bptt.segmentLength() : 0;
  Value rnnSteps = steps;
  Value numCheckpoints = i64(0, l);
  if (segment > 0) {
    Value k = i64(segment, l);
    rnnSteps = mul(batch, arith::MinSIOp::create(builder, l, k, seqLen), l);
    Value segments = arith::DivSIOp::create(
        builder, l, add(seqLen, i64(segment - 1, l), l), k);
    numCheckpoints = add(segments, i64(1, l), l);
  }
  bool outputPerStep = !hasHead || spec.head->on == HeadKind::All;
  // The head and the loss read every step of a per-step output; otherwise
  // only the current segment's outputs are kept.
  Value outputSteps = outputPerStep ? steps : rnnSteps;

  WorkspaceLayout ws;
  Value cursor = i64(0, l);
  Value zeroBytes = i64(0, l);
  // Places a region of `bytes` at the cursor when `needed`, and returns its
  // offset.
  auto place = [&](bool needed, Value bytes) {
    if (!needed)
      return zeroBytes;
    Value offset = cursor;
    cursor = alignUp(add(cursor, bytes, l), l);
    return offset;
  };
  auto floats = [&](Value count, int64_t perItem) {
    return mul(count, i64(4 * perItem, l), l);
  };
  int64_t embeddingDim = spec.embedding ? spec.embedding->embeddingDim : 0;
  int64_t headOutputs = hasHead ? spec.head->outFeatures : 0;
  Value headItems = hasHead && spec.head->on == HeadKind::All ? steps : batch;

  ws.lengths = place(true, mul(batch, i64(8, l), l));
  ws.h0 = place(true, floats(batch, states));
  ws.hN = place(true, floats(batch, states));
  ws.embedded = place(spec.embedding.has_value(), floats(steps, embeddingDim));
  ws.rnnOutput = place(hasHead || training, floats(outputSteps, width));
  ws.scratch =
      place(scratchSlices > 0, floats(rnnSteps, scratchSlices * width));
  ws.weightScratch = place(true, i64(4 * weightScratchFloats(), l));
  ws.headInput = place(gatherHeadInput, floats(batch, width));
  ws.headOutput = place(training && hasHead, floats(headItems, headOutputs));
  ws.checkpoints =
      place(segment > 0, floats(mul(numCheckpoints, batch, l), states));
  ws.segmentLengths = place(segment > 0, mul(batch, i64(8, l), l));
  ws.inputGrad =
      place(training && !spec.embedding, floats(steps, spec.rnn.inputSize));
  ws.embeddedGrad = place(training && spec.embedding.has_value(),
                          floats(steps, embeddingDim));
  ws.h0Grad = place(training, floats(batch, states));
  ws.hNGrad = place(training, floats(batch, states));
  ws.rnnOutputGrad = place(training, floats(outputSteps, width));
  ws.scratchGrad = place(training && scratchSlices > 0,
                         floats(rnnSteps, scratchSlices * width));
  ws.checkpointsGrad =
      place(segment > 0, floats(mul(numCheckpoints, batch, l), states));
  ws.headOutputGrad =
      place(training && hasHead, floats(headItems, headOutputs));
  ws.headInputGrad = place(training && gatherHeadInput, floats(batch, width));
  ws.lossGrad = place(training, i64(4, l));
  ws.total = cursor;
  return ws;
}

void ModelGen::buildWorkspaceSizeFunc(bool training) {
  Location l = loc(spec.loc);
  Type i64Type = builder.getI64Type();
  auto func = func::FuncOp::create(
      builder, l,
      spec.name + (training ? "_grad_workspace_size" : "_workspace_size"),
      builder.getFunctionType({i64Type, i64Type}, {i64Type}));
  Block *entry = func.addEntryBlock();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(entry);
  Value seqLen =
      spec.input.seqLen ? i64(*spec.input.seqLen, l) : entry->getArgument(1);
  WorkspaceLayout ws =
      buildWorkspaceLayout(entry->getArgument(0), seqLen, training, l);
  func::ReturnOp::create(builder, l, ws.total);
}

//===----------------------------------------------------------------------===//
// Parameter table
//===----------------------------------------------------------------------===//

void ModelGen::buildParamFuncs() {
  Location l = loc(spec.loc);
  Type i64Type = builder.getI64Type();
  Type i32Type = builder.getI32Type();
  auto ptrType = LLVM::LLVMPointerType::get(&context);

  auto constantFunc = [&](StringRef suffix, int64_t value) {
    auto func = func::FuncOp::create(builder, l, spec.name + suffix.str(),
                                     builder.getFunctionType({}, {i64Type}));
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(func.addEntryBlock());
    func::ReturnOp::create(builder, l, i64(value, l));
  };
  constantFunc("_num_params", static_cast<int64_t>(layout.params.size()));
  constantFunc("_param_size", layout.size);

  // Mirrors rnnc_param_info_t in docs/abi.md: {name, rank, shape[4], offset,
  // numel, init, init_scale}.
  auto shapeType = LLVM::LLVMArrayType::get(i64Type, 4);
  auto rowType = LLVM::LLVMStructType::getLiteral(
      &context, {ptrType, i64Type, shapeType, i64Type, i64Type, i32Type,
                 builder.getF32Type()});
  auto tableType = LLVM::LLVMArrayType::get(rowType, layout.params.size());

  SmallVector<std::string> nameSymbols;
  for (auto [i, info] : llvm::enumerate(layout.params)) {
    std::string symbol = spec.name + "_param_name_" + std::to_string(i);
    std::string text = info.name + '\0';
    auto type = LLVM::LLVMArrayType::get(builder.getI8Type(), text.size());
    LLVM::GlobalOp::create(builder, l, type, /*isConstant=*/true,
                           LLVM::Linkage::Private, symbol,
                           builder.getStringAttr(text));
    nameSymbols.push_back(symbol);
  }

  std::string tableSymbol = spec.name + "_param_table";
  auto table = LLVM::GlobalOp::create(
      builder, l, tableType,
      /*isConstant=*/true, LLVM::Linkage::Private, tableSymbol, Attribute());
  {
    OpBuilder::InsertionGuard guard(builder);
    Block *init = builder.createBlock(&table.getInitializerRegion());
    builder.setInsertionPointToStart(init);
    Value value = LLVM::UndefOp::create(builder, l, tableType);
    auto insert = [&](Value field, ArrayRef<int64_t> position) {
      value = LLVM::InsertValueOp::create(builder, l, value, field, position);
    };
    auto constant = [&](Type type, Attribute attr) -> Value {
      return LLVM::ConstantOp::create(builder, l, type, attr);
    };
    for (auto [i, info] : llvm::enumerate(layout.params)) {
      int64_t row = static_cast<int64_t>(i);
      insert(LLVM::AddressOfOp::create(builder, l, ptrType, nameSymbols[i]),
             {row, 0});
      insert(constant(i64Type, builder.getI64IntegerAttr(info.shape.size())),
             {row, 1});
      for (int64_t d = 0; d < 4; ++d) {
        int64_t size =
            d < static_cast<int64_t>(info.shape.size()) ? info.shape[d] : 0;
        insert(constant(i64Type, builder.getI64IntegerAttr(size)), {row, 2, d});
      }
      insert(constant(i64Type, builder.getI64IntegerAttr(info.offset)),
             {row, 3});
      insert(constant(i64Type, builder.getI64IntegerAttr(info.numel)),
             {row, 4});
      insert(constant(i32Type, builder.getI32IntegerAttr(
                                   static_cast<int32_t>(info.init))),
             {row, 5});
      insert(constant(builder.getF32Type(),
                      builder.getF32FloatAttr(info.initScale)),
             {row, 6});
    }
    LLVM::ReturnOp::create(builder, l, value);
  }

  auto func = func::FuncOp::create(builder, l, spec.name + "_param_info",
                                   builder.getFunctionType({}, {ptrType}));
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(func.addEntryBlock());
  Value address = LLVM::AddressOfOp::create(builder, l, ptrType, tableSymbol);
  func::ReturnOp::create(builder, l, address);
}

//===----------------------------------------------------------------------===//
// Segmented RNN
//===----------------------------------------------------------------------===//

void ModelGen::buildSegmentedRnn(Value input, Value lengths, Value h0,
                                 Value checkpoints, Value segmentLengths,
                                 ArrayRef<Value> weights, Value output,
                                 bool outputIsSegment, Value scratch,
                                 Value weightScratch, OpFoldResult seqLen,
                                 OpFoldResult batch, Location l) {
  const RnnSpec &rnn = spec.rnn;
  int64_t segment = bptt.segmentLength();
  OpFoldResult zero = builder.getIndexAttr(0);
  OpFoldResult one = builder.getIndexAttr(1);
  OpFoldResult stateRows =
      builder.getIndexAttr(rnn.numLayers * rnn.numDirections());
  OpFoldResult hidden = builder.getIndexAttr(rnn.hiddenSize);
  auto index = [&](int64_t value) -> Value {
    return arith::ConstantIndexOp::create(builder, l, value);
  };
  auto checkpoint = [&](OpFoldResult s) {
    return rnn::viewSlice(builder, l, checkpoints, {s, zero, zero, zero},
                          {one, stateRows, batch, hidden}, {1, 2, 3});
  };
  linalg::CopyOp::create(builder, l, h0, checkpoint(zero));

  // for s in [0, ceil(T / k)): the RNN over steps [s*k, s*k + len), from
  // checkpoint s to checkpoint s+1. Iterations communicate only through
  // the checkpoints, so rnn-generate-bptt can re-run any of them in the
  // backward sweep.
  Value seqLenIndex = getValueOrCreateConstantIndexOp(builder, l, seqLen);
  Value numSegments = ceilDiv(seqLenIndex, segment, l);
  auto loop = scf::ForOp::create(builder, l, index(0), numSegments, index(1));
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(loop.getBody());
  Value s = loop.getInductionVar();
  Value start = arith::MulIOp::create(builder, l, s, index(segment));
  // Every segment has k steps when k divides a fixed T.
  std::optional<int64_t> staticSeqLen = getConstantIntValue(seqLen);
  OpFoldResult steps =
      staticSeqLen && *staticSeqLen % segment == 0
          ? OpFoldResult(builder.getIndexAttr(segment))
          : OpFoldResult(
                arith::MinSIOp::create(
                    builder, l, index(segment),
                    arith::SubIOp::create(builder, l, seqLenIndex, start))
                    .getResult());

  // The lengths within the segment: clamp(lengths[b] - start, 0, steps).
  {
    Value start64 =
        arith::IndexCastOp::create(builder, l, builder.getI64Type(), start);
    Value steps64 = arith::IndexCastOp::create(
        builder, l, builder.getI64Type(),
        getValueOrCreateConstantIndexOp(builder, l, steps));
    Value zero64 = i64(0, l);
    auto batchLoop = scf::ForOp::create(
        builder, l, index(0),
        getValueOrCreateConstantIndexOp(builder, l, batch), index(1));
    OpBuilder::InsertionGuard inner(builder);
    builder.setInsertionPointToStart(batchLoop.getBody());
    Value b = batchLoop.getInductionVar();
    Value length = memref::LoadOp::create(builder, l, lengths, b);
    Value remaining = arith::SubIOp::create(builder, l, length, start64);
    Value clamped = arith::MaxSIOp::create(
        builder, l, zero64,
        arith::MinSIOp::create(builder, l, remaining, steps64));
    memref::StoreOp::create(builder, l, clamped, segmentLengths, b);
  }

  int64_t inputFeatures = cast<MemRefType>(input.getType()).getDimSize(2);
  int64_t width = cast<MemRefType>(output.getType()).getDimSize(2);
  Value segmentInput = rnn::viewSlice(
      builder, l, input, {start, zero, zero},
      {steps, batch, builder.getIndexAttr(inputFeatures)}, {0, 1, 2});
  Value segmentOutput =
      rnn::viewSlice(builder, l, output,
                     {outputIsSegment ? zero : OpFoldResult(start), zero, zero},
                     {steps, batch, builder.getIndexAttr(width)}, {0, 1, 2});
  Value segmentScratch;
  if (scratch)
    segmentScratch =
        rnn::viewSlice(builder, l, scratch, {zero, zero, zero, zero},
                       {builder.getIndexAttr(rnn.numLayers - 1), steps, batch,
                        builder.getIndexAttr(width)},
                       {0, 1, 2, 3});
  Value entering = checkpoint(s);
  Value leaving =
      checkpoint(arith::AddIOp::create(builder, l, s, index(1)).getResult());
  rnn::StackedRnnOp::create(builder, l, segmentInput, segmentLengths, entering,
                            weights, segmentOutput, leaving, segmentScratch,
                            weightScratch, rnn.hiddenSize, rnn.numLayers,
                            rnn.tanh ? rnn::Nonlinearity::tanh
                                     : rnn::Nonlinearity::relu,
                            rnn.bias, rnn.bidirectional);
}

//===----------------------------------------------------------------------===//
// Forward pass
//===----------------------------------------------------------------------===//

void ModelGen::buildModelFunc(bool training) {
  const RnnSpec &rnn = spec.rnn;
  Location l = loc(spec.loc);
  Location rnnLoc = loc(rnn.loc);
  Type i64Type = builder.getI64Type();
  Type f32Type = builder.getF32Type();
  Type indexType = builder.getIndexType();
  auto ptrType = LLVM::LLVMPointerType::get(&context);

  // forward:       (params, batch, seq_len, input, lengths, h0,
  //                 output, h_n, workspace)
  // loss_and_grad: (params, batch, seq_len, input, lengths, h0,
  //                 target, loss, grads, input_grad, h0_grad, workspace)
  SmallVector<Type> argTypes = {ptrType, i64Type, i64Type, ptrType, ptrType,
                                ptrType, ptrType, ptrType, ptrType};
  if (training)
    argTypes.append({ptrType, ptrType, ptrType});
  auto func = func::FuncOp::create(
      builder, l, spec.name + (training ? "_loss_and_grad" : "_forward"),
      builder.getFunctionType(argTypes, {builder.getI32Type()}));
  Block *entry = func.addEntryBlock();
  auto arg = [&](unsigned i) -> Value { return entry->getArgument(i); };
  Value paramsArg = arg(0), batchArg = arg(1), seqLenArg = arg(2),
        inputArg = arg(3), lengthsArg = arg(4), h0Arg = arg(5);
  Value outputArg, hNArg, targetArg, lossArg, gradsArg, inputGradArg, h0GradArg,
      workspaceArg;
  if (training) {
    targetArg = arg(6);
    lossArg = arg(7);
    gradsArg = arg(8);
    inputGradArg = arg(9);
    h0GradArg = arg(10);
    workspaceArg = arg(11);
  } else {
    outputArg = arg(6);
    hNArg = arg(7);
    workspaceArg = arg(8);
  }

  // Every failed check branches to a block of its own that says why
  // (rnn.report_*, for the runtime's rnnrt_last_error_message()) and
  // returns the check's status code.
  std::string functionName = func.getName().str();
  OpBuilder::InsertionGuard guard(builder);
  auto failureBlock = [&](int32_t code, llvm::function_ref<void()> report) {
    Block *block = func.addBlock();
    OpBuilder::InsertionGuard inner(builder);
    builder.setInsertionPointToStart(block);
    report();
    func::ReturnOp::create(
        builder, l,
        ValueRange{
            arith::ConstantIntOp::create(builder, l, code, 32).getResult()});
    return block;
  };
  auto branchUnless = [&](Value condition, Block *failure) {
    Block *next = new Block();
    func.getBody().push_back(next);
    cf::CondBranchOp::create(builder, l, condition, next, failure);
    builder.setInsertionPointToStart(next);
  };
  // Fails with INVALID_ARGUMENT and `message` (", got <value>" with
  // `value`) unless `condition` holds.
  auto requireArgument = [&](Value condition, const Twine &message,
                             Value value) {
    std::string text = (functionName + ": " + message).str();
    branchUnless(condition, failureBlock(kStatusInvalidArgument, [&] {
                   rnn::ReportErrorOp::create(
                       builder, l, builder.getStringAttr(text), value);
                 }));
  };
  // Fails with OUT_OF_RANGE unless `inRange`, naming the first element of
  // the caller's `count` integers at `pointer` outside [lower, upper] (and
  // not `also`); `inner` is the caller's last dimension, for [i, j].
  auto requireInRange = [&](Value inRange, StringRef name, Value pointer,
                            Value count, Value inner, int64_t elementBits,
                            Value lower, Value upper, Value also) {
    std::string text = (functionName + ": " + name).str();
    branchUnless(inRange, failureBlock(kStatusOutOfRange, [&] {
                   rnn::ReportOutOfRangeOp::create(
                       builder, l, builder.getStringAttr(text), pointer, count,
                       lower, upper, also, inner,
                       builder.getI32IntegerAttr(elementBits));
                 }));
  };

  // Argument checks: batch >= 1, seq_len == T (fixed) or >= 1 (dynamic),
  // and the buffers that cannot be NULL.
  builder.setInsertionPointToEnd(entry);
  Value one64 = i64(1, l);
  requireArgument(arith::CmpIOp::create(builder, l, arith::CmpIPredicate::sge,
                                        batchArg, one64),
                  "batch must be at least 1", batchArg);
  if (spec.input.seqLen)
    requireArgument(arith::CmpIOp::create(builder, l, arith::CmpIPredicate::eq,
                                          seqLenArg,
                                          i64(*spec.input.seqLen, l)),
                    "seq_len must be " + Twine(*spec.input.seqLen) +
                        ", as the spec fixes it",
                    seqLenArg);
  else
    requireArgument(arith::CmpIOp::create(builder, l, arith::CmpIPredicate::sge,
                                          seqLenArg, one64),
                    "seq_len must be at least 1", seqLenArg);
  Value nullPtr = LLVM::ZeroOp::create(builder, l, ptrType);
  SmallVector<std::pair<Value, StringRef>> required = {
      {paramsArg, "params"}, {inputArg, "input"}, {workspaceArg, "workspace"}};
  if (training)
    required.append(
        {{targetArg, "target"}, {lossArg, "loss"}, {gradsArg, "grads"}});
  else
    required.push_back({outputArg, "output"});
  for (auto [pointer, name] : required)
    requireArgument(LLVM::ICmpOp::create(builder, l, LLVM::ICmpPredicate::ne,
                                         pointer, nullPtr),
                    name + " must not be NULL", Value());

  // Sizes. T is a constant when the spec fixes it, so loops over time get
  // static trip counts.
  Value seqLen64 = spec.input.seqLen ? i64(*spec.input.seqLen, l) : seqLenArg;
  OpFoldResult seqLen =
      spec.input.seqLen ? OpFoldResult(builder.getIndexAttr(*spec.input.seqLen))
                        : OpFoldResult(arith::IndexCastOp::create(
                                           builder, l, indexType, seqLenArg)
                                           .getResult());
  OpFoldResult batch =
      arith::IndexCastOp::create(builder, l, indexType, batchArg).getResult();
  int64_t dirs = rnn.numDirections();
  int64_t width = rnn.hiddenSize * dirs;
  OpFoldResult hidden = builder.getIndexAttr(rnn.hiddenSize);
  OpFoldResult stateRows = builder.getIndexAttr(rnn.numLayers * dirs);
  auto staticSize = [&](int64_t v) -> OpFoldResult {
    return builder.getIndexAttr(v);
  };
  // (B, T, ...) when batch_first, else (T, B, ...).
  auto sequenceShape = [&](ArrayRef<OpFoldResult> trailing) {
    SmallVector<OpFoldResult> shape =
        rnn.batchFirst ? SmallVector<OpFoldResult>{batch, seqLen}
                       : SmallVector<OpFoldResult>{seqLen, batch};
    shape.append(trailing.begin(), trailing.end());
    return shape;
  };
  auto timeMajor = [&](Value view) {
    return rnn.batchFirst ? swapLeadingDims(view, l) : view;
  };

  WorkspaceLayout ws = buildWorkspaceLayout(batchArg, seqLen64, training, l);
  Value zeroOffset = i64(0, l);
  auto workspace = [&](Value offset, Type elementType,
                       ArrayRef<OpFoldResult> shape, Location at) {
    return viewPointer(workspaceArg, offset, elementType, shape, at);
  };
  // A caller's optional buffer, or a workspace region when it is NULL.
  auto callerOrWorkspace = [&](Value pointer, Value wsOffset,
                               ArrayRef<OpFoldResult> shape, Location at) {
    Value isNull = LLVM::ICmpOp::create(builder, at, LLVM::ICmpPredicate::eq,
                                        pointer, nullPtr);
    Value base =
        LLVM::SelectOp::create(builder, at, isNull, workspaceArg, pointer);
    Value offset =
        arith::SelectOp::create(builder, at, isNull, wsOffset, zeroOffset);
    return std::pair{viewPointer(base, offset, f32Type, shape, at), isNull};
  };
  // Training: `adjoint` receives the gradient of the loss w.r.t. `primal`.
  // With `wanted`, only when that holds at run time (DeclareAdjointOp).
  auto declareAdjoint = [&](Value primal, Value adjoint,
                            Value wanted = Value()) {
    if (training)
      rnn::DeclareAdjointOp::create(builder, primal.getLoc(), primal, adjoint,
                                    wanted);
  };

  Value params = rnn::FromPtrOp::create(
      builder, l, MemRefType::get({ShapedType::kDynamic}, f32Type), paramsArg,
      zeroOffset, i64(layout.size, l));
  Value grads;
  if (training)
    grads = rnn::FromPtrOp::create(
        builder, l, MemRefType::get({ShapedType::kDynamic}, f32Type), gradsArg,
        zeroOffset, i64(layout.size, l));
  // A parameter's view, paired with the same view of the gradient buffer.
  auto param = [&](const ParamInfo &info, Location at) {
    Value view = viewParam(params, info, at);
    if (training)
      declareAdjoint(view, viewParam(grads, info, at));
    return view;
  };

  // Lengths: the caller's, or T for every sequence, written to the workspace.
  // Selecting the pointer first keeps a single code path.
  Value lengthsIsNull = LLVM::ICmpOp::create(
      builder, l, LLVM::ICmpPredicate::eq, lengthsArg, nullPtr);
  Value lengthsPtr = LLVM::SelectOp::create(builder, l, lengthsIsNull,
                                            workspaceArg, lengthsArg);
  Value lengthsOffset = arith::SelectOp::create(builder, l, lengthsIsNull,
                                                ws.lengths, zeroOffset);
  Value lengths = viewPointer(lengthsPtr, lengthsOffset, i64Type, {batch}, l);
  {
    auto ifNull = scf::IfOp::create(builder, l, lengthsIsNull);
    OpBuilder::InsertionGuard inner(builder);
    builder.setInsertionPointToStart(ifNull.thenBlock());
    linalg::FillOp::create(builder, l, ValueRange{seqLen64},
                           ValueRange{lengths});
  }
  Value lengthsOk = rnn::AllInRangeOp::create(
      builder, l, builder.getI1Type(), lengths, one64, seqLen64, Value());
  // Only the caller's lengths can fail: T is in range.
  requireInRange(lengthsOk, "lengths", lengthsArg, batchArg, Value(),
                 /*elementBits=*/64, one64, seqLen64, Value());

  // The model's output: the head's, or the RNN's (T, B, D*H).
  bool outputPerStep = !spec.head || spec.head->on == HeadKind::All;
  int64_t outputFeatures = spec.head ? spec.head->outFeatures : width;

  // Training target: float like the output (mse) or class ids (cross
  // entropy), checked before anything is written.
  Value target;
  if (training) {
    Location lossLoc = loc(spec.loss->loc);
    bool classes = spec.loss->kind == LossKind::CrossEntropy;
    Type targetType = classes ? i64Type : f32Type;
    SmallVector<OpFoldResult> trailing;
    if (!classes)
      trailing.push_back(staticSize(outputFeatures));
    target =
        outputPerStep
            ? timeMajor(viewPointer(targetArg, zeroOffset, targetType,
                                    sequenceShape(trailing), lossLoc))
            : viewPointer(
                  targetArg, zeroOffset, targetType,
                  classes ? SmallVector<OpFoldResult>{batch}
                          : SmallVector<OpFoldResult>{batch, trailing.front()},
                  lossLoc);
    if (classes) {
      // A target is a class in [0, C) or ignore_index, at every position
      // (padding included, as PyTorch checks every target it is given).
      Value lower = i64(0, lossLoc), upper = i64(outputFeatures - 1, lossLoc),
            ignoreIndex = i64(spec.loss->ignoreIndex, lossLoc);
      Value classesOk =
          rnn::AllInRangeOp::create(builder, lossLoc, builder.getI1Type(),
                                    target, lower, upper, ignoreIndex);
      // Per step, the caller's (T, B) or (B, T) targets.
      Value count = outputPerStep ? mul(batchArg, seqLen64, lossLoc) : batchArg;
      Value inner = !outputPerStep   ? Value()
                    : rnn.batchFirst ? seqLen64
                                     : batchArg;
      requireInRange(classesOk, "target", targetArg, count, inner,
                     /*elementBits=*/64, lower, upper, ignoreIndex);
    }
  }

  // The RNN input: the caller's features, or embedded token ids.
  Value rnnInput;
  if (spec.embedding) {
    const EmbeddingSpec &emb = *spec.embedding;
    Location embLoc = loc(emb.loc);
    Type idType =
        spec.input.dtype == InputDType::Int32 ? builder.getI32Type() : i64Type;
    Value ids = timeMajor(
        viewPointer(inputArg, zeroOffset, idType, sequenceShape({}), embLoc));
    Value lower = i64(0, l), upper = i64(emb.numEmbeddings - 1, l);
    Value idsOk = rnn::AllInRangeOp::create(
        builder, embLoc, builder.getI1Type(), ids, lower, upper,
        /*also=*/Value());
    requireInRange(idsOk, "input", inputArg, mul(batchArg, seqLen64, embLoc),
                   rnn.batchFirst ? seqLen64 : batchArg,
                   spec.input.dtype == InputDType::Int32 ? 32 : 64, lower,
                   upper, Value());
    Value table = param(*layout.find(ParamRole::EmbeddingWeight), embLoc);
    SmallVector<OpFoldResult> embShape = {seqLen, batch,
                                          staticSize(emb.embeddingDim)};
    rnnInput = workspace(ws.embedded, f32Type, embShape, embLoc);
    declareAdjoint(rnnInput,
                   workspace(ws.embeddedGrad, f32Type, embShape, embLoc));
    rnn::EmbeddingOp::create(builder, embLoc, ids, table, rnnInput);
  } else {
    SmallVector<OpFoldResult> shape =
        sequenceShape({staticSize(rnn.inputSize)});
    rnnInput =
        timeMajor(viewPointer(inputArg, zeroOffset, f32Type, shape, rnnLoc));
    if (training) {
      // The input gradient costs a product as large as the input
      // projection: it is only formed when the caller passes a buffer.
      auto [inputGrad, inputGradIsNull] =
          callerOrWorkspace(inputGradArg, ws.inputGrad, shape, rnnLoc);
      Value wanted = arith::XOrIOp::create(
          builder, rnnLoc, inputGradIsNull,
          arith::ConstantIntOp::create(builder, rnnLoc, 1, 1));
      declareAdjoint(rnnInput, timeMajor(inputGrad), wanted);
    }
  }

  // Initial and final states: the caller's buffers, or workspace regions.
  SmallVector<OpFoldResult> stateShape = {stateRows, batch, hidden};
  auto [h0, h0IsNull] = callerOrWorkspace(h0Arg, ws.h0, stateShape, rnnLoc);
  {
    auto ifNull = scf::IfOp::create(builder, l, h0IsNull);
    OpBuilder::InsertionGuard inner(builder);
    builder.setInsertionPointToStart(ifNull.thenBlock());
    Value zero =
        arith::ConstantOp::create(builder, l, builder.getF32FloatAttr(0.0f));
    linalg::FillOp::create(builder, l, ValueRange{zero}, ValueRange{h0});
  }
  Value hN;
  if (training) {
    declareAdjoint(
        h0, callerOrWorkspace(h0GradArg, ws.h0Grad, stateShape, rnnLoc).first);
    hN = workspace(ws.hN, f32Type, stateShape, rnnLoc);
    declareAdjoint(hN, workspace(ws.hNGrad, f32Type, stateShape, rnnLoc));
  } else {
    hN = callerOrWorkspace(hNArg, ws.hN, stateShape, rnnLoc).first;
  }

  // A segmented training pass (BpttStrategy) keeps the RNN's states one
  // segment of k steps at a time: the RNN output covers every step only
  // when the head or the loss reads every step.
  int64_t segment = training ? bptt.segmentLength() : 0;
  OpFoldResult rnnSteps = seqLen;
  if (segment > 0)
    rnnSteps =
        spec.input.seqLen
            ? OpFoldResult(
                  builder.getIndexAttr(std::min(segment, *spec.input.seqLen)))
            : OpFoldResult(
                  arith::MinSIOp::create(
                      builder, l,
                      arith::ConstantIndexOp::create(builder, l, segment),
                      getValueOrCreateConstantIndexOp(builder, l, seqLen))
                      .getResult());
  bool outputIsSegment = segment > 0 && !outputPerStep;

  // The RNN writes straight into the caller's output when there is no head
  // (inference only: training has no output buffer).
  SmallVector<OpFoldResult> sequence = {outputIsSegment ? rnnSteps : seqLen,
                                        batch, staticSize(width)};
  Value rnnOutput;
  if (spec.head || training)
    rnnOutput = workspace(ws.rnnOutput, f32Type, sequence, rnnLoc);
  else
    rnnOutput =
        timeMajor(viewPointer(outputArg, zeroOffset, f32Type,
                              sequenceShape({staticSize(width)}), rnnLoc));
  declareAdjoint(rnnOutput,
                 workspace(ws.rnnOutputGrad, f32Type, sequence, rnnLoc));
  Value scratch;
  if (rnn.numLayers > 1) {
    int64_t slices = training ? rnn.numLayers - 1 : 2;
    SmallVector<OpFoldResult> scratchShape = {staticSize(slices), rnnSteps,
                                              batch, staticSize(width)};
    scratch = workspace(ws.scratch, f32Type, scratchShape, rnnLoc);
    declareAdjoint(scratch,
                   workspace(ws.scratchGrad, f32Type, scratchShape, rnnLoc));
  }
  // Room for the transposed weight matrices the GEMM kernels read.
  Value weightScratch = workspace(ws.weightScratch, f32Type,
                                  {staticSize(weightScratchFloats())}, rnnLoc);
  SmallVector<Value> weights;
  for (const ParamInfo &info : layout.params)
    if (info.role == ParamRole::WeightIH || info.role == ParamRole::WeightHH ||
        info.role == ParamRole::BiasIH || info.role == ParamRole::BiasHH)
      weights.push_back(param(info, rnnLoc));
  if (segment > 0) {
    Value seqLenIndex = getValueOrCreateConstantIndexOp(builder, l, seqLen);
    Value numCheckpoints =
        arith::AddIOp::create(builder, l, ceilDiv(seqLenIndex, segment, l),
                              arith::ConstantIndexOp::create(builder, l, 1));
    SmallVector<OpFoldResult> checkpointShape = {
        getAsOpFoldResult(numCheckpoints), stateRows, batch, hidden};
    Value checkpoints =
        workspace(ws.checkpoints, f32Type, checkpointShape, rnnLoc);
    declareAdjoint(checkpoints, workspace(ws.checkpointsGrad, f32Type,
                                          checkpointShape, rnnLoc));
    Value segmentLengths =
        workspace(ws.segmentLengths, i64Type, {batch}, rnnLoc);
    buildSegmentedRnn(rnnInput, lengths, h0, checkpoints, segmentLengths,
                      weights, rnnOutput, outputIsSegment, scratch,
                      weightScratch, seqLen, batch, rnnLoc);
    // h_n: the states after the last segment.
    OpFoldResult zero = builder.getIndexAttr(0);
    Value finalStates = rnn::viewSlice(
        builder, rnnLoc, checkpoints,
        {arith::SubIOp::create(builder, rnnLoc, numCheckpoints,
                               arith::ConstantIndexOp::create(builder, l, 1))
             .getResult(),
         zero, zero, zero},
        {builder.getIndexAttr(1), stateRows, batch, hidden}, {1, 2, 3});
    linalg::CopyOp::create(builder, rnnLoc, finalStates, hN);
  } else {
    rnn::StackedRnnOp::create(
        builder, rnnLoc, rnnInput, lengths, h0, weights, rnnOutput, hN, scratch,
        weightScratch, rnn.hiddenSize, rnn.numLayers,
        rnn.tanh ? rnn::Nonlinearity::tanh : rnn::Nonlinearity::relu, rnn.bias,
        rnn.bidirectional);
  }

  Value modelOutput = rnnOutput;
  if (spec.head) {
    const LinearSpec &fc = *spec.head;
    Location fcLoc = loc(fc.loc);
    Value weight = param(*layout.find(ParamRole::HeadWeight), fcLoc);
    Value bias;
    if (const ParamInfo *info = layout.find(ParamRole::HeadBias))
      bias = param(*info, fcLoc);
    OpFoldResult outFeatures = staticSize(fc.outFeatures);
    Value headInput;
    SmallVector<OpFoldResult> outputShape;
    if (fc.on == HeadKind::All) {
      headInput = rnnOutput;
      outputShape = {seqLen, batch, outFeatures};
    } else {
      // The last layer's final states, forward then reverse: h_n rows
      // (L-1)*D .. L*D-1, as torch.cat([h_n[-2], h_n[-1]], dim=1).
      OpFoldResult zero = builder.getIndexAttr(0);
      OpFoldResult one = builder.getIndexAttr(1);
      int64_t lastRow = (rnn.numLayers - 1) * dirs;
      if (dirs == 1) {
        headInput = rnn::viewSlice(builder, fcLoc, hN,
                                   {builder.getIndexAttr(lastRow), zero, zero},
                                   {one, batch, hidden}, {1, 2});
      } else {
        Value finalStates = rnn::viewSlice(
            builder, fcLoc, hN, {builder.getIndexAttr(lastRow), zero, zero},
            {builder.getIndexAttr(dirs), batch, hidden}, {0, 1, 2});
        SmallVector<OpFoldResult> gatheredShape = {batch, staticSize(dirs),
                                                   hidden};
        SmallVector<OpFoldResult> inputShape = {batch, staticSize(width)};
        Value gathered = workspace(ws.headInput, f32Type, gatheredShape, fcLoc);
        headInput = workspace(ws.headInput, f32Type, inputShape, fcLoc);
        // Both views of the gathered states share one adjoint region.
        declareAdjoint(gathered, workspace(ws.headInputGrad, f32Type,
                                           gatheredShape, fcLoc));
        declareAdjoint(headInput,
                       workspace(ws.headInputGrad, f32Type, inputShape, fcLoc));
        linalg::CopyOp::create(builder, fcLoc,
                               swapLeadingDims(finalStates, fcLoc), gathered);
      }
      outputShape = {batch, outFeatures};
    }
    Value output;
    if (training) {
      output = workspace(ws.headOutput, f32Type, outputShape, fcLoc);
      declareAdjoint(output,
                     workspace(ws.headOutputGrad, f32Type, outputShape, fcLoc));
    } else if (fc.on == HeadKind::All) {
      output = timeMajor(viewPointer(outputArg, zeroOffset, f32Type,
                                     sequenceShape({outFeatures}), fcLoc));
    } else {
      output = viewPointer(outputArg, zeroOffset, f32Type, outputShape, fcLoc);
    }
    rnn::LinearOp::create(builder, fcLoc, headInput, weight, bias, output);
    modelOutput = output;
  }

  if (training) {
    // The mean loss; time-major outputs average over valid steps only.
    Location lossLoc = loc(spec.loss->loc);
    Value flatLoss = rnn::FromPtrOp::create(
        builder, lossLoc, MemRefType::get({ShapedType::kDynamic}, f32Type),
        lossArg, zeroOffset, one64);
    auto scalarType = MemRefType::get({}, f32Type);
    Value loss = memref::ReinterpretCastOp::create(
        builder, lossLoc, scalarType, flatLoss, builder.getIndexAttr(0), {},
        {});
    Value flatLossGrad = rnn::FromPtrOp::create(
        builder, lossLoc, MemRefType::get({ShapedType::kDynamic}, f32Type),
        workspaceArg, ws.lossGrad, one64);
    declareAdjoint(loss, memref::ReinterpretCastOp::create(
                             builder, lossLoc, scalarType, flatLossGrad,
                             builder.getIndexAttr(0), {}, {}));
    Value lossLengths = outputPerStep ? lengths : Value();
    rnn::Reduction reduction = spec.loss->reduction == LossReduction::Sum
                                   ? rnn::Reduction::sum
                                   : rnn::Reduction::mean;
    if (spec.loss->kind == LossKind::MSE)
      rnn::MseLossOp::create(builder, lossLoc, modelOutput, target, lossLengths,
                             loss, reduction);
    else
      rnn::CrossEntropyLossOp::create(builder, lossLoc, modelOutput, target,
                                      lossLengths, loss, reduction,
                                      spec.loss->ignoreIndex);
  }
  func::ReturnOp::create(
      builder, l,
      ValueRange{
          arith::ConstantIntOp::create(builder, l, kStatusOk, 32).getResult()});
}

OwningOpRef<ModuleOp> ModelGen::build() {
  module = ModuleOp::create(loc(spec.loc), StringRef(spec.name));
  builder.setInsertionPointToEnd(module.getBody());
  buildParamFuncs();
  buildWorkspaceSizeFunc(/*training=*/false);
  buildModelFunc(/*training=*/false);
  if (spec.loss) {
    buildWorkspaceSizeFunc(/*training=*/true);
    buildModelFunc(/*training=*/true);
  }
  if (failed(verify(module))) {
    module.emitError("internal error: the generated module does not verify");
    module.erase();
    return nullptr;
  }
  return module;
}

OwningOpRef<ModuleOp> rnnc::buildModelModule(const ModelSpec &spec,
                                             MLIRContext &context,
                                             const BpttStrategy &bptt) {
  return ModelGen(spec, bptt, context).build();
}

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
  Value lengths, h0, hN, embedded, rnnOutput, scratch, headInput, total;
};

/// Builds the module for one ModelSpec.
class ModelGen {
public:
  ModelGen(const ModelSpec &spec, MLIRContext &context)
      : spec(spec), layout(ParamLayout::compute(spec)), context(context),
        builder(&context) {}

  OwningOpRef<ModuleOp> build();

private:
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
  Value alignUp(Value bytes, Location l) {
    Value rounded = add(bytes, i64(kWorkspaceAlignment - 1, l), l);
    return arith::AndIOp::create(builder, l, rounded,
                                 i64(~(kWorkspaceAlignment - 1), l));
  }

  WorkspaceLayout buildWorkspaceLayout(Value batch, Value seqLen, Location l);
  void buildWorkspaceSizeFunc();
  void buildParamFuncs();
  void buildForwardFunc();

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

  const ModelSpec &spec;
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
                                               Location l) {
  const RnnSpec &rnn = spec.rnn;
  int64_t states = rnn.numLayers * rnn.numDirections() * rnn.hiddenSize;
  int64_t width = rnn.hiddenSize * rnn.numDirections();
  Value steps = mul(batch, seqLen, l);

  WorkspaceLayout ws;
  Value cursor = i64(0, l);
  // Places a region of `bytes` at the cursor and returns its offset.
  auto place = [&](Value bytes) {
    Value offset = cursor;
    cursor = alignUp(add(cursor, bytes, l), l);
    return offset;
  };
  Value zero = i64(0, l);
  ws.lengths = place(mul(batch, i64(8, l), l));
  ws.h0 = place(mul(batch, i64(4 * states, l), l));
  ws.hN = place(mul(batch, i64(4 * states, l), l));
  ws.embedded =
      spec.embedding
          ? place(mul(steps, i64(4 * spec.embedding->embeddingDim, l), l))
          : zero;
  ws.rnnOutput = spec.head ? place(mul(steps, i64(4 * width, l), l)) : zero;
  ws.scratch =
      rnn.numLayers > 1 ? place(mul(steps, i64(2 * 4 * width, l), l)) : zero;
  ws.headInput =
      spec.head && spec.head->on == HeadKind::Last && rnn.numDirections() == 2
          ? place(mul(batch, i64(4 * width, l), l))
          : zero;
  ws.total = cursor;
  return ws;
}

void ModelGen::buildWorkspaceSizeFunc() {
  Location l = loc(spec.loc);
  Type i64Type = builder.getI64Type();
  auto func = func::FuncOp::create(
      builder, l, spec.name + "_workspace_size",
      builder.getFunctionType({i64Type, i64Type}, {i64Type}));
  Block *entry = func.addEntryBlock();
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(entry);
  Value seqLen =
      spec.input.seqLen ? i64(*spec.input.seqLen, l) : entry->getArgument(1);
  WorkspaceLayout ws = buildWorkspaceLayout(entry->getArgument(0), seqLen, l);
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
// Forward pass
//===----------------------------------------------------------------------===//

void ModelGen::buildForwardFunc() {
  const RnnSpec &rnn = spec.rnn;
  Location l = loc(spec.loc);
  Location rnnLoc = loc(rnn.loc);
  Type i64Type = builder.getI64Type();
  Type f32Type = builder.getF32Type();
  Type indexType = builder.getIndexType();
  auto ptrType = LLVM::LLVMPointerType::get(&context);

  // (params, batch, seq_len, input, lengths, h0, output, h_n, workspace)
  auto func = func::FuncOp::create(
      builder, l, spec.name + "_forward",
      builder.getFunctionType({ptrType, i64Type, i64Type, ptrType, ptrType,
                               ptrType, ptrType, ptrType, ptrType},
                              {builder.getI32Type()}));
  Block *entry = func.addEntryBlock();
  Value paramsArg = entry->getArgument(0), batchArg = entry->getArgument(1),
        seqLenArg = entry->getArgument(2), inputArg = entry->getArgument(3),
        lengthsArg = entry->getArgument(4), h0Arg = entry->getArgument(5),
        outputArg = entry->getArgument(6), hNArg = entry->getArgument(7),
        workspaceArg = entry->getArgument(8);

  // Every failed check branches to a block returning its status code.
  Block *invalidArgument = func.addBlock();
  Block *outOfRange = func.addBlock();
  OpBuilder::InsertionGuard guard(builder);
  for (auto [block, code] : {std::pair{invalidArgument, kStatusInvalidArgument},
                             std::pair{outOfRange, kStatusOutOfRange}}) {
    builder.setInsertionPointToStart(block);
    func::ReturnOp::create(
        builder, l,
        ValueRange{
            arith::ConstantIntOp::create(builder, l, code, 32).getResult()});
  }

  // Argument checks: batch >= 1 and seq_len == T (fixed) or >= 1 (dynamic).
  builder.setInsertionPointToEnd(entry);
  Value one64 = i64(1, l);
  Value ok = arith::CmpIOp::create(builder, l, arith::CmpIPredicate::sge,
                                   batchArg, one64);
  Value seqLenOk =
      spec.input.seqLen
          ? arith::CmpIOp::create(builder, l, arith::CmpIPredicate::eq,
                                  seqLenArg, i64(*spec.input.seqLen, l))
                .getResult()
          : arith::CmpIOp::create(builder, l, arith::CmpIPredicate::sge,
                                  seqLenArg, one64)
                .getResult();
  ok = arith::AndIOp::create(builder, l, ok, seqLenOk);
  Value nullPtr = LLVM::ZeroOp::create(builder, l, ptrType);
  for (Value required : {paramsArg, inputArg, outputArg, workspaceArg}) {
    Value nonNull = LLVM::ICmpOp::create(builder, l, LLVM::ICmpPredicate::ne,
                                         required, nullPtr);
    ok = arith::AndIOp::create(builder, l, ok, nonNull);
  }
  auto branchUnless = [&](Value condition, Block *failure) {
    Block *next = new Block();
    func.getBody().push_back(next);
    cf::CondBranchOp::create(builder, l, condition, next, failure);
    builder.setInsertionPointToStart(next);
  };
  branchUnless(ok, invalidArgument);

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

  WorkspaceLayout ws = buildWorkspaceLayout(batchArg, seqLen64, l);
  Value zeroOffset = i64(0, l);
  Value params = rnn::FromPtrOp::create(
      builder, l, MemRefType::get({ShapedType::kDynamic}, f32Type), paramsArg,
      zeroOffset, i64(layout.size, l));

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
  Value lengthsOk = rnn::AllInRangeOp::create(builder, l, builder.getI1Type(),
                                              lengths, one64, seqLen64);
  branchUnless(lengthsOk, outOfRange);

  // The RNN input: the caller's features, or embedded token ids.
  Value rnnInput;
  if (spec.embedding) {
    const EmbeddingSpec &emb = *spec.embedding;
    Location embLoc = loc(emb.loc);
    Type idType =
        spec.input.dtype == InputDType::Int32 ? builder.getI32Type() : i64Type;
    Value ids = timeMajor(
        viewPointer(inputArg, zeroOffset, idType, sequenceShape({}), embLoc));
    Value idsOk =
        rnn::AllInRangeOp::create(builder, embLoc, builder.getI1Type(), ids,
                                  i64(0, l), i64(emb.numEmbeddings - 1, l));
    branchUnless(idsOk, outOfRange);
    Value table =
        viewParam(params, *layout.find(ParamRole::EmbeddingWeight), embLoc);
    rnnInput =
        viewPointer(workspaceArg, ws.embedded, f32Type,
                    {seqLen, batch, staticSize(emb.embeddingDim)}, embLoc);
    rnn::EmbeddingOp::create(builder, embLoc, ids, table, rnnInput);
  } else {
    rnnInput = timeMajor(viewPointer(inputArg, zeroOffset, f32Type,
                                     sequenceShape({staticSize(rnn.inputSize)}),
                                     rnnLoc));
  }

  // Initial and final states: the caller's buffers, or workspace regions.
  Value h0IsNull =
      LLVM::ICmpOp::create(builder, l, LLVM::ICmpPredicate::eq, h0Arg, nullPtr);
  Value h0 = viewPointer(
      LLVM::SelectOp::create(builder, l, h0IsNull, workspaceArg, h0Arg),
      arith::SelectOp::create(builder, l, h0IsNull, ws.h0, zeroOffset), f32Type,
      {stateRows, batch, hidden}, rnnLoc);
  {
    auto ifNull = scf::IfOp::create(builder, l, h0IsNull);
    OpBuilder::InsertionGuard inner(builder);
    builder.setInsertionPointToStart(ifNull.thenBlock());
    Value zero =
        arith::ConstantOp::create(builder, l, builder.getF32FloatAttr(0.0f));
    linalg::FillOp::create(builder, l, ValueRange{zero}, ValueRange{h0});
  }
  Value hNIsNull =
      LLVM::ICmpOp::create(builder, l, LLVM::ICmpPredicate::eq, hNArg, nullPtr);
  Value hN = viewPointer(
      LLVM::SelectOp::create(builder, l, hNIsNull, workspaceArg, hNArg),
      arith::SelectOp::create(builder, l, hNIsNull, ws.hN, zeroOffset), f32Type,
      {stateRows, batch, hidden}, rnnLoc);

  // The RNN writes straight into the caller's output when there is no head.
  Value rnnOutput =
      spec.head
          ? viewPointer(workspaceArg, ws.rnnOutput, f32Type,
                        {seqLen, batch, staticSize(width)}, rnnLoc)
          : timeMajor(viewPointer(outputArg, zeroOffset, f32Type,
                                  sequenceShape({staticSize(width)}), rnnLoc));
  Value scratch;
  if (rnn.numLayers > 1)
    scratch =
        viewPointer(workspaceArg, ws.scratch, f32Type,
                    {staticSize(2), seqLen, batch, staticSize(width)}, rnnLoc);
  SmallVector<Value> weights;
  for (const ParamInfo &info : layout.params)
    if (info.role == ParamRole::WeightIH || info.role == ParamRole::WeightHH ||
        info.role == ParamRole::BiasIH || info.role == ParamRole::BiasHH)
      weights.push_back(viewParam(params, info, rnnLoc));
  rnn::StackedRnnOp::create(
      builder, rnnLoc, rnnInput, lengths, h0, weights, rnnOutput, hN, scratch,
      rnn.hiddenSize, rnn.numLayers,
      rnn.tanh ? rnn::Nonlinearity::tanh : rnn::Nonlinearity::relu, rnn.bias,
      rnn.bidirectional);

  if (spec.head) {
    const LinearSpec &fc = *spec.head;
    Location fcLoc = loc(fc.loc);
    Value weight =
        viewParam(params, *layout.find(ParamRole::HeadWeight), fcLoc);
    Value bias;
    if (const ParamInfo *info = layout.find(ParamRole::HeadBias))
      bias = viewParam(params, *info, fcLoc);
    OpFoldResult outFeatures = staticSize(fc.outFeatures);
    if (fc.on == HeadKind::All) {
      Value output = timeMajor(viewPointer(
          outputArg, zeroOffset, f32Type, sequenceShape({outFeatures}), fcLoc));
      rnn::LinearOp::create(builder, fcLoc, rnnOutput, weight, bias, output);
    } else {
      // The last layer's final states, forward then reverse: h_n rows
      // (L-1)*D .. L*D-1, as torch.cat([h_n[-2], h_n[-1]], dim=1).
      OpFoldResult zero = builder.getIndexAttr(0);
      OpFoldResult one = builder.getIndexAttr(1);
      int64_t lastRow = (rnn.numLayers - 1) * dirs;
      Value headInput;
      if (dirs == 1) {
        headInput = rnn::viewSlice(builder, fcLoc, hN,
                                   {builder.getIndexAttr(lastRow), zero, zero},
                                   {one, batch, hidden}, {1, 2});
      } else {
        Value finalStates = rnn::viewSlice(
            builder, fcLoc, hN, {builder.getIndexAttr(lastRow), zero, zero},
            {builder.getIndexAttr(dirs), batch, hidden}, {0, 1, 2});
        Value gathered = viewPointer(workspaceArg, ws.headInput, f32Type,
                                     {batch, staticSize(dirs), hidden}, fcLoc);
        linalg::CopyOp::create(builder, fcLoc,
                               swapLeadingDims(finalStates, fcLoc), gathered);
        headInput = viewPointer(workspaceArg, ws.headInput, f32Type,
                                {batch, staticSize(width)}, fcLoc);
      }
      Value output = viewPointer(outputArg, zeroOffset, f32Type,
                                 {batch, outFeatures}, fcLoc);
      rnn::LinearOp::create(builder, fcLoc, headInput, weight, bias, output);
    }
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
  buildWorkspaceSizeFunc();
  buildForwardFunc();
  if (failed(verify(module))) {
    module.emitError("internal error: the generated module does not verify");
    module.erase();
    return nullptr;
  }
  return module;
}

OwningOpRef<ModuleOp> rnnc::buildModelModule(const ModelSpec &spec,
                                             MLIRContext &context) {
  return ModelGen(spec, context).build();
}

//===- OutlineLayers.cpp - One function per distinct layer ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the rnn-outline-layers pass: every rnn.layer and
// rnn.layer_grad becomes a call of a private function holding it, and the
// layers that compute the same thing share that function, so that the work
// of everything after this pass stops growing with num_layers.
//
//===----------------------------------------------------------------------===//

#include "rnn/Passes.h"
#include "rnn/RnnUtils.h"

#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/MapVector.h"

namespace mlir {
namespace rnn {
#define GEN_PASS_DEF_RNNOUTLINELAYERS
#include "rnn/Passes.h.inc"
} // namespace rnn
} // namespace mlir

using namespace mlir;
using namespace mlir::rnn;

/// Everything that decides what `op` computes given its operands' contents:
/// its name, its operand types as the function takes them (memrefs with
/// dynamic strides and offset: where a view lies in its buffer changes
/// nothing), which also say which optional operands are present, each
/// optional group having its own type constraint, and its attributes,
/// inherent (the operand segments among them) and discardable. Two ops with
/// the same key can share one function. The key is a uniqued attribute,
/// cheap to hash and compare.
static Attribute getOutliningKey(Operation *op) {
  Builder builder(op->getContext());
  SmallVector<Attribute> parts{
      builder.getStringAttr(op->getName().getStringRef())};
  for (Type type : op->getOperandTypes())
    parts.push_back(TypeAttr::get(getOutlinedParameterType(type)));
  Attribute properties = op->getPropertiesAsAttribute();
  parts.push_back(properties ? properties : builder.getUnitAttr());
  parts.push_back(op->getDiscardableAttrDictionary());
  return builder.getArrayAttr(parts);
}

/// The function's name before SymbolTable makes it unique: `__rnn_` and the
/// op's name without the dialect (`__rnn_layer`, `__rnn_layer_grad`).
static std::string getFunctionName(Operation *op) {
  return ("__rnn_" + op->getName().stripDialect()).str();
}

namespace {

struct RnnOutlineLayersPass
    : public rnn::impl::RnnOutlineLayersBase<RnnOutlineLayersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<Operation *> layers;
    module.walk([&](Operation *op) {
      if (isa<LayerOp, LayerGradOp>(op))
        layers.push_back(op);
    });
    if (layers.empty())
      return;

    SymbolTable symbols(module);
    IRRewriter rewriter(&getContext());
    struct Outlined {
      func::FuncOp function;
      unsigned calls = 0;
    };
    // In creation order, so that the functions are numbered by first use.
    llvm::MapVector<Attribute, Outlined> functions;
    for (Operation *op : layers) {
      Outlined &outlined = functions[getOutliningKey(op)];
      if (!outlined.function) {
        outlined.function =
            createFunctionFromOp(rewriter, module, op, getFunctionName(op));
        symbols.insert(outlined.function);
        ++numFunctionsCreated;
      }
      ++outlined.calls;
      replaceOpWithCall(rewriter, op, outlined.function);
      ++numLayersOutlined;
    }
    // One out-of-line copy per distinct layer is the point; a function with
    // one call may as well be inlined.
    for (auto &entry : functions)
      if (entry.second.calls > 1)
        setNoInline(entry.second.function);
  }
};

} // namespace

//===- RnnAttrs.td - rnn dialect attributes ------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file defines the enums of the rnn dialect.
//
//===----------------------------------------------------------------------===//

#ifndef RNN_ATTRS_TD
#define RNN_ATTRS_TD

include "rnn/RnnDialect.td"
include "mlir/IR/EnumAttr.td"

def Rnn_Tanh : I32EnumAttrCase<"tanh", 0>;
def Rnn_Relu : I32EnumAttrCase<"relu", 1>;

def Rnn_NonlinearityEnum : I32EnumAttr<"Nonlinearity",
    "activation of an Elman RNN cell (nn.RNN's nonlinearity)",
    [Rnn_Tanh, Rnn_Relu]> {
  let cppNamespace = "::mlir::rnn";
  let genSpecializedAttr = 0;
}

def Rnn_NonlinearityAttr : EnumAttr<Rnn_Dialect, Rnn_NonlinearityEnum,
                                    "nonlinearity"> {
  let assemblyFormat = "`<` $value `>`";
}

def Rnn_ReductionMean : I32EnumAttrCase<"mean", 0>;
def Rnn_ReductionSum : I32EnumAttrCase<"sum", 1>;

def Rnn_ReductionEnum : I32EnumAttr<"Reduction",
    "how a loss reduces its terms (the losses' reduction option)",
    [Rnn_ReductionMean, Rnn_ReductionSum]> {
  let cppNamespace = "::mlir::rnn";
  let genSpecializedAttr = 0;
}

def Rnn_ReductionAttr : EnumAttr<Rnn_Dialect, Rnn_ReductionEnum,
                                 "reduction"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // RNN_ATTRS_TD

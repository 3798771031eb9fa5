//===- ParamLayout.cpp - Flat parameter buffer layout ---------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//

#include "rnnc/ParamLayout.h"

#include <cmath>

using namespace rnnc;

ParamLayout ParamLayout::compute(const ModelSpec &spec) {
  ParamLayout layout;
  auto add = [&](std::string name, ParamRole role, int64_t layer,
                 int64_t direction, std::vector<int64_t> shape, ParamInit init,
                 float scale) {
    ParamInfo info;
    info.name = std::move(name);
    info.role = role;
    info.layer = layer;
    info.direction = direction;
    info.numel = 1;
    for (int64_t d : shape)
      info.numel *= d;
    info.shape = std::move(shape);
    info.offset = layout.size;
    info.init = init;
    info.initScale = scale;
    layout.size += info.numel;
    layout.params.push_back(std::move(info));
  };

  if (spec.embedding) {
    const EmbeddingSpec &emb = *spec.embedding;
    // nn.Embedding.reset_parameters: init.normal_(weight), std 1.
    add(emb.name + ".weight", ParamRole::EmbeddingWeight, 0, 0,
        {emb.numEmbeddings, emb.embeddingDim}, ParamInit::Normal, 1.0f);
  }

  const RnnSpec &rnn = spec.rnn;
  // nn.RNNBase.reset_parameters: every weight and bias ~ U(-k, k), k =
  // 1/sqrt(H).
  float k = 1.0f / std::sqrt(static_cast<float>(rnn.hiddenSize));
  int64_t dirs = rnn.numDirections();
  for (int64_t l = 0; l < rnn.numLayers; ++l) {
    int64_t layerInput = l == 0 ? rnn.inputSize : rnn.hiddenSize * dirs;
    for (int64_t d = 0; d < dirs; ++d) {
      std::string suffix =
          "_l" + std::to_string(l) + (d == 1 ? "_reverse" : "");
      add(rnn.name + ".weight_ih" + suffix, ParamRole::WeightIH, l, d,
          {rnn.hiddenSize, layerInput}, ParamInit::Uniform, k);
      add(rnn.name + ".weight_hh" + suffix, ParamRole::WeightHH, l, d,
          {rnn.hiddenSize, rnn.hiddenSize}, ParamInit::Uniform, k);
      if (rnn.bias) {
        add(rnn.name + ".bias_ih" + suffix, ParamRole::BiasIH, l, d,
            {rnn.hiddenSize}, ParamInit::Uniform, k);
        add(rnn.name + ".bias_hh" + suffix, ParamRole::BiasHH, l, d,
            {rnn.hiddenSize}, ParamInit::Uniform, k);
      }
    }
  }

  if (spec.head) {
    const LinearSpec &fc = *spec.head;
    // nn.Linear.reset_parameters: kaiming_uniform_(a=sqrt(5)) gives
    // U(-1/sqrt(fan_in), 1/sqrt(fan_in)); the bias uses the same bound.
    float bound = 1.0f / std::sqrt(static_cast<float>(fc.inFeatures));
    add(fc.name + ".weight", ParamRole::HeadWeight, 0, 0,
        {fc.outFeatures, fc.inFeatures}, ParamInit::Uniform, bound);
    if (fc.bias)
      add(fc.name + ".bias", ParamRole::HeadBias, 0, 0, {fc.outFeatures},
          ParamInit::Uniform, bound);
  }
  return layout;
}

const ParamInfo *ParamLayout::find(ParamRole role, int64_t layer,
                                   int64_t direction) const {
  for (const ParamInfo &p : params)
    if (p.role == role && p.layer == layer && p.direction == direction)
      return &p;
  return nullptr;
}

int64_t
ParamLayout::numelOf(llvm::function_ref<bool(const ParamInfo &)> select) const {
  int64_t total = 0;
  for (const ParamInfo &p : params)
    if (select(p))
      total += p.numel;
  return total;
}

bool rnnc::isRnnWeightMatrix(const ParamInfo &info) {
  return info.role == ParamRole::WeightIH || info.role == ParamRole::WeightHH;
}

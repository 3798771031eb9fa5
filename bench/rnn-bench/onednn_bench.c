// SPDX-License-Identifier: Apache-2.0
//
// oneDNN's side of rnn-bench: the vanilla RNN primitive (tanh, one bias per
// layer and direction, time-major tnc activations) on the benchmark's
// configurations, and dnnl_sgemm as the machine's GEMM reference.
//
// A model is split into segments of layers that one primitive can run:
// oneDNN stacks layers in one primitive only when every layer's input width
// equals the output width D·H, so a first layer with I != D·H gets a
// primitive of its own and the layers above it share one. The segments are
// chained through tnc buffers (and their gradients, backwards).
//
// Forward inference reorders the weights into the primitive's preferred
// format once, before timing (constant weights). A training step is timed
// whole, the way a framework would run it after an optimizer update: reorder
// the user-format weights (ldigo) into the formats the forward-training and
// backward primitives chose, run forward_training, compute the MSE loss and
// its gradient d loss / d output, clear the weight gradients (oneDNN
// accumulates into them) and run the backward primitives.
//
// The initial state h0 = 0 is passed as an explicit zero src_iter: with
// src_iter omitted (NULL, which the API documents as "zeros"), oneDNN 2.6.3's
// unidirectional backward returns a wrong diff_weights_iter on this machine
// (sum_t g_t h_t^T instead of sum_t g_t h_{t-1}^T; the bidirectional one is
// right). rnn_bench's check against rnnc's gradients caught it.

#include "rnn_bench.h"

#include <omp.h>
#include <oneapi/dnnl/dnnl.h>
#include <oneapi/dnnl/dnnl_debug.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DNNL_CHECK(call)                                                       \
  do {                                                                         \
    dnnl_status_t status_ = (call);                                            \
    if (status_ != dnnl_success) {                                             \
      fprintf(stderr, "oneDNN: %s failed: %s (%s:%d)\n", #call,                \
              dnnl_status2str(status_), __FILE__, __LINE__);                   \
      return 1;                                                                \
    }                                                                          \
  } while (0)

static dnnl_engine_t engine;
static dnnl_stream_t stream;

static int ensureEngine(void) {
  if (engine)
    return 0;
  DNNL_CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
  DNNL_CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
  return 0;
}

void dnnlBenchSetThreads(int threads) { omp_set_num_threads(threads); }

const char *dnnlBenchVersion(void) {
  static char text[96];
  const dnnl_version_t *v = dnnl_version();
  const char *runtime = v->cpu_runtime == DNNL_RUNTIME_OMP   ? "OpenMP"
                        : v->cpu_runtime == DNNL_RUNTIME_TBB ? "TBB"
                        : v->cpu_runtime == DNNL_RUNTIME_SEQ ? "sequential"
                                                             : "other";
  snprintf(text, sizeof(text), "%d.%d.%d (cpu runtime %s)", v->major, v->minor,
           v->patch, runtime);
  return text;
}

//===----------------------------------------------------------------------===//
// GEMM reference
//===----------------------------------------------------------------------===//

struct GemmCtx {
  int64_t n;
  const float *a, *b;
  float *c;
};

static int runGemm(void *opaque) {
  struct GemmCtx *g = opaque;
  return dnnl_sgemm('N', 'N', g->n, g->n, g->n, 1.0f, g->a, g->n, g->b, g->n,
                    0.0f, g->c, g->n) != dnnl_success;
}

int dnnlBenchGemm(const int64_t *sizes, int count, int threads) {
  for (int i = 0; i < count; ++i) {
    int64_t n = sizes[i];
    float *a = malloc(sizeof(float) * n * n);
    float *b = malloc(sizeof(float) * n * n);
    float *c = malloc(sizeof(float) * n * n);
    if (!a || !b || !c)
      return 1;
    for (int64_t k = 0; k < n * n; ++k) {
      a[k] = (float)(k % 13) * 0.01f;
      b[k] = (float)(k % 7) * 0.02f;
    }
    struct GemmCtx ctx = {n, a, b, c};
    struct BenchStats stats;
    if (benchMeasure(runGemm, &ctx, &stats) != 0)
      return 1;
    double flop = 2.0 * (double)n * (double)n * (double)n;
    printf("{\"type\":\"gemm\",\"threads\":%d,\"n\":%lld,\"runs\":%d,"
           "\"best_gflops\":%.3f,\"median_gflops\":%.3f}\n",
           threads, (long long)n, stats.runs, flop / stats.min * 1e-9,
           flop / stats.median * 1e-9);
    fprintf(stderr,
            "  gemm %lldx%lldx%lld, %d thread(s): best %.1f GFLOP/s, "
            "median %.1f GFLOP/s\n",
            (long long)n, (long long)n, (long long)n, threads,
            flop / stats.min * 1e-9, flop / stats.median * 1e-9);
    fflush(stdout);
    free(a);
    free(b);
    free(c);
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// The RNN primitive
//===----------------------------------------------------------------------===//

/// A weight tensor in the user format (ldigo / ldgo) and in the format a
/// primitive chose, with the reorder between them (NULL when equal).
struct Weights {
  dnnl_memory_t user, prim;
  dnnl_primitive_t reorder;
};

struct Segment {
  int64_t firstLayer, layers, inputWidth;
  float *userWLayer, *userWIter, *userBias; // ldigo, ldigo, ldgo
  dnnl_memory_t srcLayer, dstLayer;         // tnc, shared with neighbours
  dnnl_primitive_desc_t fwdPd, bwdPd;
  dnnl_primitive_t fwd, bwd;
  struct Weights fwdW[3], bwdW[3]; // layer, iter, bias
  dnnl_memory_t workspace;
  dnnl_memory_t diffSrcLayer, diffDstLayer; // tnc, shared with neighbours
  dnnl_memory_t diffW[3];                   // in the primitive's format
  dnnl_memory_t srcIter, diffSrcIter;       // ldnc zeros (h0 = 0)
};

struct Model {
  const struct BenchShape *shape;
  int training;
  int count;
  struct Segment segments[64];
  dnnl_memory_t *owned; // every memory object, for destruction
  int ownedCount, ownedCap;
  float *target, *diffDst; // training only; diffDst is the last segment's
  float loss;
};

static int own(struct Model *m, dnnl_memory_t mem) {
  if (m->ownedCount == m->ownedCap) {
    int cap = m->ownedCap ? 2 * m->ownedCap : 32;
    dnnl_memory_t *grown = realloc(m->owned, sizeof(*grown) * cap);
    if (!grown)
      return 1;
    m->owned = grown;
    m->ownedCap = cap;
  }
  m->owned[m->ownedCount++] = mem;
  return 0;
}

static int newMemory(struct Model *m, const dnnl_memory_desc_t *md,
                     void *handle, dnnl_memory_t *out) {
  DNNL_CHECK(dnnl_memory_create(out, md, engine,
                                handle ? handle : DNNL_MEMORY_ALLOCATE));
  return own(m, *out);
}

static void *dataOf(dnnl_memory_t mem) {
  void *handle = NULL;
  dnnl_memory_get_data_handle(mem, &handle);
  return handle;
}

static int tncMemory(struct Model *m, int64_t width, dnnl_memory_t *out) {
  const struct BenchShape *s = m->shape;
  dnnl_dims_t dims = {s->seqLen, s->batch, width};
  dnnl_memory_desc_t md;
  DNNL_CHECK(dnnl_memory_desc_init_by_tag(&md, 3, dims, dnnl_f32, dnnl_tnc));
  return newMemory(m, &md, NULL, out);
}

/// The three weight descriptors of a segment: in the user format (ldigo,
/// ldigo, ldgo), or, with `anyFormat`, left for the primitive to choose.
static int weightDescs(const struct Model *m, const struct Segment *seg,
                       int anyFormat, dnnl_memory_desc_t md[3]) {
  const struct BenchShape *s = m->shape;
  dnnl_dims_t wl = {seg->layers, s->directions, seg->inputWidth, 1,
                    s->hiddenSize};
  dnnl_dims_t wi = {seg->layers, s->directions, s->hiddenSize, 1,
                    s->hiddenSize};
  dnnl_dims_t b = {seg->layers, s->directions, 1, s->hiddenSize};
  dnnl_format_tag_t weights = anyFormat ? dnnl_format_tag_any : dnnl_ldigo;
  dnnl_format_tag_t bias = anyFormat ? dnnl_format_tag_any : dnnl_ldgo;
  DNNL_CHECK(dnnl_memory_desc_init_by_tag(&md[0], 5, wl, dnnl_f32, weights));
  DNNL_CHECK(dnnl_memory_desc_init_by_tag(&md[1], 5, wi, dnnl_f32, weights));
  DNNL_CHECK(dnnl_memory_desc_init_by_tag(&md[2], 4, b, dnnl_f32, bias));
  return 0;
}

/// Binds `w` to the user buffer and the format `pd` chose for weights_md(i).
static int bindWeights(struct Model *m, dnnl_primitive_desc_t pd,
                       dnnl_query_t query, int index,
                       const dnnl_memory_desc_t *userMd, float *userData,
                       struct Weights *w) {
  const dnnl_memory_desc_t *primMd =
      dnnl_primitive_desc_query_md(pd, query, index);
  if (!primMd) {
    fprintf(stderr, "oneDNN: no weights descriptor %d\n", index);
    return 1;
  }
  if (newMemory(m, userMd, userData, &w->user))
    return 1;
  w->reorder = NULL;
  if (dnnl_memory_desc_equal(userMd, primMd)) {
    w->prim = w->user;
    return 0;
  }
  if (newMemory(m, primMd, NULL, &w->prim))
    return 1;
  dnnl_primitive_desc_t reorderPd;
  DNNL_CHECK(dnnl_reorder_primitive_desc_create(&reorderPd, userMd, engine,
                                                primMd, engine, NULL));
  DNNL_CHECK(dnnl_primitive_create(&w->reorder, reorderPd));
  DNNL_CHECK(dnnl_primitive_desc_destroy(reorderPd));
  return 0;
}

static int runReorder(struct Weights *w) {
  if (!w->reorder)
    return 0;
  dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, w->user}, {DNNL_ARG_TO, w->prim}};
  DNNL_CHECK(dnnl_primitive_execute(w->reorder, stream, 2, args));
  return 0;
}

/// The offset of a parameter tensor of the rnnc table, found by its
/// state_dict name, or -1.
static int64_t findParam(const rnnc_param_info_t *info, int64_t numParams,
                         const char *name, int64_t numel) {
  for (int64_t i = 0; i < numParams; ++i)
    if (strcmp(info[i].name, name) == 0 && info[i].numel == numel)
      return info[i].offset;
  fprintf(stderr, "oneDNN: parameter %s (%lld floats) not in the table\n", name,
          (long long)numel);
  return -1;
}

/// The offsets of weight_ih, weight_hh, bias_ih and bias_hh of one layer and
/// direction (input width C).
static int findLayerParams(const rnnc_param_info_t *info, int64_t numParams,
                           int64_t layer, int64_t direction, int64_t C,
                           int64_t H, int64_t offsets[4]) {
  const char *kinds[4] = {"weight_ih", "weight_hh", "bias_ih", "bias_hh"};
  int64_t numels[4] = {H * C, H * H, H, H};
  for (int k = 0; k < 4; ++k) {
    char name[64];
    snprintf(name, sizeof(name), "rnn.%s_l%lld%s", kinds[k], (long long)layer,
             direction ? "_reverse" : "");
    offsets[k] = findParam(info, numParams, name, numels[k]);
    if (offsets[k] < 0)
      return 1;
  }
  return 0;
}

/// Fills the segment's user-format weights from the rnnc parameters:
/// weights_layer[l][d][c][0][h] = weight_ih_l{l}[h][c] (the same for
/// weight_hh), bias[l][d][0][h] = bias_ih[h] + bias_hh[h].
static int packWeights(struct Model *m, struct Segment *seg,
                       const rnnc_param_info_t *info, int64_t numParams,
                       const float *params) {
  const struct BenchShape *s = m->shape;
  int64_t H = s->hiddenSize, D = s->directions, C = seg->inputWidth;
  seg->userWLayer = malloc(sizeof(float) * seg->layers * D * C * H);
  seg->userWIter = malloc(sizeof(float) * seg->layers * D * H * H);
  seg->userBias = malloc(sizeof(float) * seg->layers * D * H);
  if (!seg->userWLayer || !seg->userWIter || !seg->userBias)
    return 1;
  int64_t offsets[4];
  for (int64_t l = 0; l < seg->layers; ++l) {
    for (int64_t d = 0; d < D; ++d) {
      const float *src[4];
      if (findLayerParams(info, numParams, seg->firstLayer + l, d, C, H,
                          offsets))
        return 1;
      for (int k = 0; k < 4; ++k)
        src[k] = params + offsets[k];
      const float *wih = src[0], *whh = src[1], *bih = src[2], *bhh = src[3];
      float *wl = seg->userWLayer + (l * D + d) * C * H;
      float *wi = seg->userWIter + (l * D + d) * H * H;
      float *b = seg->userBias + (l * D + d) * H;
      for (int64_t c = 0; c < C; ++c)
        for (int64_t h = 0; h < H; ++h)
          wl[c * H + h] = wih[h * C + c];
      for (int64_t c = 0; c < H; ++c)
        for (int64_t h = 0; h < H; ++h)
          wi[c * H + h] = whh[h * H + c];
      for (int64_t h = 0; h < H; ++h)
        b[h] = bih[h] + bhh[h];
    }
  }
  return 0;
}

/// The inverse of packWeights for gradients: writes the segment's weight
/// gradients (reordered to the user format) into rnnc's layout. The single
/// oneDNN bias gradient is the gradient of both bias_ih and bias_hh.
static int unpackGrads(struct Model *m, struct Segment *seg,
                       const rnnc_param_info_t *info, int64_t numParams,
                       float *grads) {
  const struct BenchShape *s = m->shape;
  int64_t H = s->hiddenSize, D = s->directions, C = seg->inputWidth;
  dnnl_memory_desc_t userMd[3];
  if (weightDescs(m, seg, 0, userMd))
    return 1;
  float *user[3];
  for (int i = 0; i < 3; ++i) {
    size_t bytes = dnnl_memory_desc_get_size(&userMd[i]);
    user[i] = malloc(bytes);
    if (!user[i])
      return 1;
    dnnl_memory_t userMem, from = seg->diffW[i];
    DNNL_CHECK(dnnl_memory_create(&userMem, &userMd[i], engine, user[i]));
    const dnnl_memory_desc_t *fromMd;
    DNNL_CHECK(dnnl_memory_get_memory_desc(from, &fromMd));
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t reorder;
    DNNL_CHECK(dnnl_reorder_primitive_desc_create(&pd, fromMd, engine,
                                                  &userMd[i], engine, NULL));
    DNNL_CHECK(dnnl_primitive_create(&reorder, pd));
    dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, userMem}};
    DNNL_CHECK(dnnl_primitive_execute(reorder, stream, 2, args));
    DNNL_CHECK(dnnl_stream_wait(stream));
    dnnl_primitive_destroy(reorder);
    dnnl_primitive_desc_destroy(pd);
    dnnl_memory_destroy(userMem);
  }
  for (int64_t l = 0; l < seg->layers; ++l) {
    for (int64_t d = 0; d < D; ++d) {
      int64_t offsets[4];
      float *dst[4];
      if (findLayerParams(info, numParams, seg->firstLayer + l, d, C, H,
                          offsets))
        return 1;
      for (int k = 0; k < 4; ++k)
        dst[k] = grads + offsets[k];
      const float *wl = user[0] + (l * D + d) * C * H;
      const float *wi = user[1] + (l * D + d) * H * H;
      const float *b = user[2] + (l * D + d) * H;
      for (int64_t c = 0; c < C; ++c)
        for (int64_t h = 0; h < H; ++h)
          dst[0][h * C + c] = wl[c * H + h];
      for (int64_t c = 0; c < H; ++c)
        for (int64_t h = 0; h < H; ++h)
          dst[1][h * H + c] = wi[c * H + h];
      for (int64_t h = 0; h < H; ++h)
        dst[2][h] = dst[3][h] = b[h];
    }
  }
  for (int i = 0; i < 3; ++i)
    free(user[i]);
  return 0;
}

static int buildSegment(struct Model *m, struct Segment *seg) {
  const struct BenchShape *s = m->shape;
  dnnl_rnn_direction_t direction = s->directions == 2
                                       ? dnnl_bidirectional_concat
                                       : dnnl_unidirectional_left2right;
  const dnnl_memory_desc_t *srcMd, *dstMd;
  DNNL_CHECK(dnnl_memory_get_memory_desc(seg->srcLayer, &srcMd));
  DNNL_CHECK(dnnl_memory_get_memory_desc(seg->dstLayer, &dstMd));
  dnnl_memory_desc_t userMd[3], anyMd[3];
  if (weightDescs(m, seg, 0, userMd) || weightDescs(m, seg, 1, anyMd))
    return 1;

  dnnl_memory_desc_t iterMd;
  {
    dnnl_dims_t dims = {seg->layers, s->directions, s->batch, s->hiddenSize};
    DNNL_CHECK(
        dnnl_memory_desc_init_by_tag(&iterMd, 4, dims, dnnl_f32, dnnl_ldnc));
    if (newMemory(m, &iterMd, NULL, &seg->srcIter))
      return 1;
    memset(dataOf(seg->srcIter), 0, dnnl_memory_desc_get_size(&iterMd));
    if (m->training && newMemory(m, &iterMd, NULL, &seg->diffSrcIter))
      return 1;
  }
  dnnl_rnn_desc_t fwdDesc;
  DNNL_CHECK(dnnl_vanilla_rnn_forward_desc_init(
      &fwdDesc, m->training ? dnnl_forward_training : dnnl_forward_inference,
      dnnl_eltwise_tanh, direction, srcMd, &iterMd, &anyMd[0], &anyMd[1],
      &anyMd[2], dstMd, NULL, 0, 0.0f, 0.0f));
  DNNL_CHECK(
      dnnl_primitive_desc_create(&seg->fwdPd, &fwdDesc, NULL, engine, NULL));
  DNNL_CHECK(dnnl_primitive_create(&seg->fwd, seg->fwdPd));
  float *userData[3] = {seg->userWLayer, seg->userWIter, seg->userBias};
  for (int i = 0; i < 3; ++i)
    if (bindWeights(m, seg->fwdPd, dnnl_query_weights_md, i, &userMd[i],
                    userData[i], &seg->fwdW[i]))
      return 1;
  if (!m->training)
    return 0;

  const dnnl_memory_desc_t *wsMd =
      dnnl_primitive_desc_query_md(seg->fwdPd, dnnl_query_workspace_md, 0);
  if (!wsMd || newMemory(m, wsMd, NULL, &seg->workspace))
    return 1;
  const dnnl_memory_desc_t *diffSrcMd, *diffDstMd;
  DNNL_CHECK(dnnl_memory_get_memory_desc(seg->diffSrcLayer, &diffSrcMd));
  DNNL_CHECK(dnnl_memory_get_memory_desc(seg->diffDstLayer, &diffDstMd));
  dnnl_memory_desc_t anyDiffMd[3];
  if (weightDescs(m, seg, 1, anyDiffMd))
    return 1;
  dnnl_rnn_desc_t bwdDesc;
  DNNL_CHECK(dnnl_vanilla_rnn_backward_desc_init(
      &bwdDesc, dnnl_backward, dnnl_eltwise_tanh, direction, srcMd, &iterMd,
      &anyMd[0], &anyMd[1], &anyMd[2], dstMd, NULL, diffSrcMd, &iterMd,
      &anyDiffMd[0], &anyDiffMd[1], &anyDiffMd[2], diffDstMd, NULL, 0, 0.0f,
      0.0f));
  DNNL_CHECK(dnnl_primitive_desc_create(&seg->bwdPd, &bwdDesc, NULL, engine,
                                        seg->fwdPd));
  DNNL_CHECK(dnnl_primitive_create(&seg->bwd, seg->bwdPd));
  for (int i = 0; i < 3; ++i) {
    if (bindWeights(m, seg->bwdPd, dnnl_query_weights_md, i, &userMd[i],
                    userData[i], &seg->bwdW[i]))
      return 1;
    const dnnl_memory_desc_t *diffMd =
        dnnl_primitive_desc_query_md(seg->bwdPd, dnnl_query_diff_weights_md, i);
    if (!diffMd || newMemory(m, diffMd, NULL, &seg->diffW[i]))
      return 1;
  }
  return 0;
}

static void destroyModel(struct Model *m) {
  for (int i = 0; i < m->count; ++i) {
    struct Segment *seg = &m->segments[i];
    for (int k = 0; k < 3; ++k) {
      if (seg->fwdW[k].reorder)
        dnnl_primitive_destroy(seg->fwdW[k].reorder);
      if (seg->bwdW[k].reorder)
        dnnl_primitive_destroy(seg->bwdW[k].reorder);
    }
    if (seg->fwd)
      dnnl_primitive_destroy(seg->fwd);
    if (seg->bwd)
      dnnl_primitive_destroy(seg->bwd);
    if (seg->fwdPd)
      dnnl_primitive_desc_destroy(seg->fwdPd);
    if (seg->bwdPd)
      dnnl_primitive_desc_destroy(seg->bwdPd);
    free(seg->userWLayer);
    free(seg->userWIter);
    free(seg->userBias);
  }
  for (int i = 0; i < m->ownedCount; ++i)
    dnnl_memory_destroy(m->owned[i]);
  free(m->owned);
  free(m->target);
}

static int buildModel(struct Model *m, const struct BenchShape *s, int training,
                      const rnnc_param_info_t *info, int64_t numParams,
                      const float *params, const float *x) {
  memset(m, 0, sizeof(*m));
  m->shape = s;
  m->training = training;
  int64_t width = s->directions * s->hiddenSize;
  // Layer 0 alone when its input width differs from D·H; the rest together.
  if (s->inputSize == width) {
    m->segments[0] = (struct Segment){
        .firstLayer = 0, .layers = s->numLayers, .inputWidth = width};
    m->count = 1;
  } else {
    m->segments[0] = (struct Segment){
        .firstLayer = 0, .layers = 1, .inputWidth = s->inputSize};
    m->count = 1;
    if (s->numLayers > 1)
      m->segments[m->count++] = (struct Segment){
          .firstLayer = 1, .layers = s->numLayers - 1, .inputWidth = width};
  }
  // Activations: the input (the caller's buffer), then one tnc buffer per
  // segment output; gradients mirror them.
  dnnl_memory_t input, diffInput;
  {
    dnnl_dims_t dims = {s->seqLen, s->batch, s->inputSize};
    dnnl_memory_desc_t md;
    DNNL_CHECK(dnnl_memory_desc_init_by_tag(&md, 3, dims, dnnl_f32, dnnl_tnc));
    if (newMemory(m, &md, NULL, &input))
      return 1;
    memcpy(dataOf(input), x,
           sizeof(float) * s->seqLen * s->batch * s->inputSize);
    if (training && newMemory(m, &md, NULL, &diffInput))
      return 1;
  }
  for (int i = 0; i < m->count; ++i) {
    struct Segment *seg = &m->segments[i];
    seg->srcLayer = i == 0 ? input : m->segments[i - 1].dstLayer;
    if (tncMemory(m, width, &seg->dstLayer))
      return 1;
    if (training) {
      seg->diffSrcLayer = i == 0 ? diffInput : m->segments[i - 1].diffDstLayer;
      if (tncMemory(m, width, &seg->diffDstLayer))
        return 1;
    }
    if (packWeights(m, seg, info, numParams, params) || buildSegment(m, seg))
      return 1;
  }
  if (training)
    m->diffDst = dataOf(m->segments[m->count - 1].diffDstLayer);
  // Forward inference uses constant weights: reorder them once, untimed.
  if (!training) {
    for (int i = 0; i < m->count; ++i)
      for (int k = 0; k < 3; ++k)
        if (runReorder(&m->segments[i].fwdW[k]))
          return 1;
    DNNL_CHECK(dnnl_stream_wait(stream));
  }
  return 0;
}

static int runForwardSegments(struct Model *m) {
  for (int i = 0; i < m->count; ++i) {
    struct Segment *seg = &m->segments[i];
    dnnl_exec_arg_t args[] = {
        {DNNL_ARG_SRC_LAYER, seg->srcLayer},
        {DNNL_ARG_SRC_ITER, seg->srcIter},
        {DNNL_ARG_WEIGHTS_LAYER, seg->fwdW[0].prim},
        {DNNL_ARG_WEIGHTS_ITER, seg->fwdW[1].prim},
        {DNNL_ARG_BIAS, seg->fwdW[2].prim},
        {DNNL_ARG_DST_LAYER, seg->dstLayer},
        {DNNL_ARG_WORKSPACE, seg->workspace},
    };
    DNNL_CHECK(
        dnnl_primitive_execute(seg->fwd, stream, m->training ? 7 : 6, args));
  }
  return 0;
}

static int runInference(void *opaque) {
  struct Model *m = opaque;
  if (runForwardSegments(m))
    return 1;
  DNNL_CHECK(dnnl_stream_wait(stream));
  return 0;
}

static int runTrainingStep(void *opaque) {
  struct Model *m = opaque;
  const struct BenchShape *s = m->shape;
  for (int i = 0; i < m->count; ++i)
    for (int k = 0; k < 3; ++k)
      if (runReorder(&m->segments[i].fwdW[k]) ||
          runReorder(&m->segments[i].bwdW[k]))
        return 1;
  if (runForwardSegments(m))
    return 1;
  DNNL_CHECK(dnnl_stream_wait(stream));
  // MSELoss(reduction='mean') and d loss / d output.
  int64_t n = s->seqLen * s->batch * s->directions * s->hiddenSize;
  const float *y = dataOf(m->segments[m->count - 1].dstLayer);
  float scale = 2.0f / (float)n;
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    float diff = y[i] - m->target[i];
    sum += (double)diff * diff;
    m->diffDst[i] = scale * diff;
  }
  m->loss = (float)(sum / (double)n);
  for (int i = m->count - 1; i >= 0; --i) {
    struct Segment *seg = &m->segments[i];
    for (int k = 0; k < 3; ++k) {
      const dnnl_memory_desc_t *md;
      DNNL_CHECK(dnnl_memory_get_memory_desc(seg->diffW[k], &md));
      memset(dataOf(seg->diffW[k]), 0, dnnl_memory_desc_get_size(md));
    }
    dnnl_exec_arg_t args[] = {
        {DNNL_ARG_SRC_LAYER, seg->srcLayer},
        {DNNL_ARG_SRC_ITER, seg->srcIter},
        {DNNL_ARG_DIFF_SRC_ITER, seg->diffSrcIter},
        {DNNL_ARG_WEIGHTS_LAYER, seg->bwdW[0].prim},
        {DNNL_ARG_WEIGHTS_ITER, seg->bwdW[1].prim},
        {DNNL_ARG_BIAS, seg->bwdW[2].prim},
        {DNNL_ARG_DST_LAYER, seg->dstLayer},
        {DNNL_ARG_WORKSPACE, seg->workspace},
        {DNNL_ARG_DIFF_DST_LAYER, seg->diffDstLayer},
        {DNNL_ARG_DIFF_SRC_LAYER, seg->diffSrcLayer},
        {DNNL_ARG_DIFF_WEIGHTS_LAYER, seg->diffW[0]},
        {DNNL_ARG_DIFF_WEIGHTS_ITER, seg->diffW[1]},
        {DNNL_ARG_DIFF_BIAS, seg->diffW[2]},
    };
    DNNL_CHECK(dnnl_primitive_execute(seg->bwd, stream, 13, args));
  }
  DNNL_CHECK(dnnl_stream_wait(stream));
  return 0;
}

int dnnlBenchRnn(const struct BenchShape *shape, const char *mode, int threads,
                 const rnnc_param_info_t *info, int64_t numParams,
                 const float *params, const float *x, const float *target,
                 float *checkOut) {
  if (ensureEngine())
    return 1;
  int training = strcmp(mode, "training") == 0;
  struct Model *m = calloc(1, sizeof(struct Model));
  if (!m)
    return 1;
  int failed = buildModel(m, shape, training, info, numParams, params, x);
  if (!failed && training) {
    int64_t n =
        shape->seqLen * shape->batch * shape->directions * shape->hiddenSize;
    m->target = malloc(sizeof(float) * n);
    failed = !m->target;
    if (!failed)
      memcpy(m->target, target, sizeof(float) * n);
  }
  BenchRunFn run = training ? runTrainingStep : runInference;
  if (!failed && checkOut) {
    failed = run(m);
    if (!failed && training) {
      for (int i = 0; i < m->count && !failed; ++i)
        failed = unpackGrads(m, &m->segments[i], info, numParams, checkOut);
    } else if (!failed) {
      int64_t n =
          shape->seqLen * shape->batch * shape->directions * shape->hiddenSize;
      memcpy(checkOut, dataOf(m->segments[m->count - 1].dstLayer),
             sizeof(float) * n);
    }
  }
  struct BenchStats stats;
  if (!failed)
    failed = benchMeasure(run, m, &stats);
  if (!failed)
    benchReportTime("onednn", shape, mode, threads, &stats);
  destroyModel(m);
  free(m);
  return failed;
}

#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# gen_optim_goldens.py - PyTorch reference data for the optimizer unit tests.
#
# This file builds a few parameter tensors (sizes chosen to exercise both the
# vectorized body and the scalar tail of PyTorch's AVX2 kernels), runs three
# steps of each optimizer configuration in CASES with fixed per-step
# gradients, and clips one set of gradients with clip_grad_norm_. It writes
# into <out> (test/unit/Inputs/optim/ by default), every array flattened in
# state_dict order, as the runtime's flat parameter buffer is:
#
#   params0.npy          float32 (P): the initial parameters
#   grads.npy            float32 (STEPS, P): the gradient of each step
#   <case>.npy           float32 (STEPS, P): the parameters after each step
#   clip_grads.npy       float32 (P): gradients to clip
#   clip_<norm>.npy      float32 (P): clipped by clip_grad_norm_
#   clip_norms.npy       float32 (2): total norms clip_grad_norm_ returned
#                        for norm_type 2 and inf
#
# test/unit/OptimTest.cpp repeats CASES and CLIPS; keep the two in sync.
#
# Run with Debian's interpreter, the only one that can import torch:
#   /usr/bin/python3 scripts/gen_optim_goldens.py [--out DIR]

import argparse
import math
import os

import numpy as np
import torch

# Shapes of the model's tensors: 30 and 32 elements cover the 16-float
# vector body, 3, 7 and the rest of 30 the scalar tail.
SHAPES = [(6, 5), (3,), (4, 8), (7,)]
STEPS = 3
# Gradient scale per step; the drop then rise makes AMSGrad's maximum matter.
GRAD_SCALES = [2.0, 0.1, 1.0]

# name -> (optimizer class, keyword arguments). Python floats, as a user
# writes them; the test passes the same decimals as C floats.
CASES = {
    "sgd_momentum": (torch.optim.SGD, dict(lr=0.05, momentum=0.9,
                                           dampening=0.1, weight_decay=0.01)),
    "sgd_nesterov": (torch.optim.SGD, dict(lr=0.05, momentum=0.9,
                                           weight_decay=0.01, nesterov=True)),
    "sgd_maximize": (torch.optim.SGD, dict(lr=0.1, weight_decay=0.001,
                                           maximize=True)),
    "adam": (torch.optim.Adam, dict(lr=0.01, weight_decay=0.01)),
    "adam_amsgrad": (torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99),
                                            weight_decay=0.01, amsgrad=True)),
    "adam_maximize": (torch.optim.Adam, dict(lr=0.003, eps=1e-6,
                                             maximize=True)),
}

# name -> (max_norm, norm_type) for clip_grad_norm_.
CLIPS = {"clip_norm2": (1.0, 2.0), "clip_norminf": (0.5, math.inf)}


def flat(tensors):
    return torch.cat([t.detach().reshape(-1) for t in tensors]).numpy()


def save(out, name, array):
    array = np.ascontiguousarray(array, dtype=np.float32)
    np.save(os.path.join(out, name + ".npy"), array)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(
        here, "..", "test", "unit", "Inputs", "optim"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    gen = torch.Generator().manual_seed(20240601)
    params0 = [torch.randn(s, generator=gen) for s in SHAPES]
    grads = [[torch.randn(s, generator=gen) * scale for s in SHAPES]
             for scale in GRAD_SCALES]
    save(args.out, "params0", flat(params0))
    save(args.out, "grads", np.stack([flat(g) for g in grads]))

    for name, (cls, kwargs) in CASES.items():
        params = [torch.nn.Parameter(p.clone()) for p in params0]
        # foreach=False is 1.13's default; spell it out.
        optimizer = cls(params, foreach=False, **kwargs)
        history = []
        for step in range(STEPS):
            for p, g in zip(params, grads[step]):
                p.grad = g.clone()
            optimizer.step()
            history.append(flat(params))
        save(args.out, name, np.stack(history))

    clip_in = [torch.randn(s, generator=gen) * 3.0 for s in SHAPES]
    save(args.out, "clip_grads", flat(clip_in))
    norms = []
    for name, (max_norm, norm_type) in CLIPS.items():
        params = [torch.nn.Parameter(torch.zeros(s)) for s in SHAPES]
        for p, g in zip(params, clip_in):
            p.grad = g.clone()
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type,
                                               error_if_nonfinite=True)
        norms.append(total.item())
        save(args.out, name, flat([p.grad for p in params]))
    save(args.out, "clip_norms", np.array(norms))
    print(f"wrote {len(CASES) + len(CLIPS) + 4} files to {args.out}")


if __name__ == "__main__":
    main()

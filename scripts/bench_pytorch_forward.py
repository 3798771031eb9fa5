#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# bench_pytorch_forward.py - PyTorch baseline for the sine model's forward.
#
# This file times the forward pass of the lesson's SinPredictor
# (nn.RNN(1, 32, batch_first=True) -> nn.Linear(32, 1) on h_n[-1]) for
# B=32, T=50 on one thread, under torch.no_grad() in eval mode, and prints
# the median in milliseconds. It is the number rnnc's generated
# sin_predictor_forward is compared against.
#
#   /usr/bin/python3 scripts/bench_pytorch_forward.py [--runs N] [--warmup N]

import argparse
import statistics
import time

import torch
import torch.nn as nn


class SinPredictor(nn.Module):
    """The lesson's model (section 6), returning fc(h_n[-1]) of shape (B, 1)."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, 32, batch_first=True)
        self.fc = nn.Linear(32, 1)

    def forward(self, x):
        _, h_n = self.rnn(x)
        return self.fc(h_n[-1])


def main():
    ap = argparse.ArgumentParser(description="Times PyTorch's SinPredictor "
                                 "forward (B=32, T=50, H=32, I=1, 1 thread).")
    ap.add_argument("--runs", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=50)
    args = ap.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = SinPredictor().eval()
    x = torch.randn(args.batch, args.seq, 1)
    times = []
    with torch.no_grad():
        for _ in range(args.warmup):
            model(x)
        for _ in range(args.runs):
            t0 = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - t0)
    times.sort()
    med = statistics.median(times) * 1e3
    p10 = times[len(times) // 10] * 1e3
    p90 = times[len(times) * 9 // 10] * 1e3
    print("torch %s, 1 thread, B=%d T=%d I=1 H=32: median %.4f ms "
          "(p10 %.4f, p90 %.4f, %d runs)"
          % (torch.__version__, args.batch, args.seq, med, p10, p90,
             args.runs))


if __name__ == "__main__":
    main()

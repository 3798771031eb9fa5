#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""PyTorch's side of rnn-bench (bench/README.md).

Times torch.nn.RNN (tanh, biases, time-major input, no head) on the
configurations of bench/rnn-bench/rnn_bench.c: forward inference under
torch.inference_mode(), and one training step (zero_grad, forward, MSELoss on
the RNN output, backward: gradients for every parameter). Same measurement
rule as the C program: one warm-up, then at least 3 runs and as many more as
fit in 0.5 s (0.1 s with --quick); a warm-up of 2 s or more (1 s with
--quick) means exactly 3 runs.

Prints one JSON object per line on stdout (the format rnn_bench uses) and a
readable log on stderr. Run it with Debian's /usr/bin/python3 (python3-torch).
"""

import argparse
import json
import sys
import time

import torch

# name, I, H, L, T, B, D: bench/rnn-bench/rnn_bench.c has the same table.
CONFIGS = [
    ("sine", 1, 32, 1, 50, 32, 1),
    ("basic", 10, 20, 2, 15, 32, 1),
    ("char_bi", 32, 64, 1, 40, 32, 2),
    ("mid", 256, 256, 2, 100, 64, 1),
    ("large", 512, 1024, 1, 100, 64, 1),
    ("latency_b1", 256, 256, 1, 100, 1, 1),
    ("deep", 64, 128, 5, 100, 16, 1),
]


def forward_flop(I, H, L, T, B, D):
    """2*B*T*H*(I_l + H) per layer and direction, I_l = I, then D*H."""
    return sum(D * 2.0 * B * T * H * ((I if l == 0 else D * H) + H)
               for l in range(L))


def emit(obj):
    print(json.dumps(obj), flush=True)


def measure(run, target_seconds, slow_seconds, min_runs=3, max_runs=10000):
    start = time.perf_counter()
    run()
    warmup = time.perf_counter() - start
    cap = min_runs if warmup >= slow_seconds else max_runs
    times = []
    total = 0.0
    while len(times) < cap and (len(times) < min_runs or total < target_seconds):
        start = time.perf_counter()
        run()
        t = time.perf_counter() - start
        times.append(t)
        total += t
    times.sort()

    def quantile(p):
        pos = p * (len(times) - 1)
        lo = int(pos)
        if lo >= len(times) - 1:
            return times[-1]
        return times[lo] + (pos - lo) * (times[lo + 1] - times[lo])

    return {"runs": len(times), "median_s": quantile(0.5),
            "min_s": times[0], "max_s": times[-1],
            "q1_s": quantile(0.25), "q3_s": quantile(0.75)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=None,
                        help="comma-separated configurations (default: all)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch.set_num_threads (default 1)")
    parser.add_argument("--quick", action="store_true",
                        help="shorter measurements")
    parser.add_argument("--modes", default="forward,training")
    args = parser.parse_args()

    names = [c[0] for c in CONFIGS]
    only = args.only.split(",") if args.only else names
    for name in only:
        if name not in names:
            parser.error(f"unknown configuration {name!r}; one of {names}")
    modes = args.modes.split(",")
    target_seconds, slow_seconds = (0.1, 1.0) if args.quick else (0.5, 2.0)

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    emit({"type": "meta", "program": "pytorch_bench", "threads": args.threads,
          "torch_threads": torch.get_num_threads(),
          "torch_version": torch.__version__, "quick": args.quick,
          "python": sys.version.split()[0],
          "parallel_backend": torch.__config__.parallel_info().split(
              "ATen parallel backend:")[-1].strip().splitlines()[0]})
    print(f"pytorch_bench: torch {torch.__version__}, "
          f"{torch.get_num_threads()} thread(s)", file=sys.stderr)

    for name, I, H, L, T, B, D in CONFIGS:
        if name not in only:
            continue
        flop = forward_flop(I, H, L, T, B, D)
        emit({"type": "config", "name": name, "I": I, "H": H, "L": L, "T": T,
              "B": B, "D": D, "forward_flop": flop})
        rnn = torch.nn.RNN(I, H, num_layers=L, nonlinearity="tanh", bias=True,
                           batch_first=False, bidirectional=D == 2)
        x = torch.rand(T, B, I) * 2 - 1
        target = torch.rand(T, B, D * H) * 2 - 1
        loss_fn = torch.nn.MSELoss()

        def forward():
            with torch.inference_mode():
                rnn(x)

        def training_step():
            rnn.zero_grad(set_to_none=True)
            out, _ = rnn(x)
            loss_fn(out, target).backward()

        for mode in ("forward", "training"):
            if mode not in modes:
                continue
            stats = measure(forward if mode == "forward" else training_step,
                            target_seconds, slow_seconds)
            emit({"type": "time", "framework": "pytorch", "config": name,
                  "mode": mode, "threads": args.threads, **stats})
            gflops = flop * (3 if mode == "training" else 1) \
                / stats["median_s"] * 1e-9
            print(f"  pytorch {name:10} {mode:8} {args.threads:2} thr: median "
                  f"{1e3 * stats['median_s']:10.3f} ms  "
                  f"[{1e3 * stats['min_s']:9.3f}, {1e3 * stats['max_s']:9.3f}]"
                  f"  {stats['runs']:3} runs  {gflops:7.2f} GFLOP/s",
                  file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Measures rnnc's compile time and peak memory as a model grows.

    scripts/compile-scaling.py [--rnnc PATH] AXIS VALUE... [options]

AXIS is `num_layers`, `hidden_size` or `seq_len`; each VALUE gives one spec,
the base model below with that option changed, which rnnc compiles to an
object (`-O3`, `--target-cpu=portable`, the default `--unroll=auto`
unless `--unroll` is given). The base model is a many-to-many regressor
with an MSE loss, so the object holds forward and loss_and_grad:

    input(seq_len=20)
    rnn = RNN(input_size=16, hidden_size=32, num_layers=2, bidirectional=B)
    fc = Linear(in_features=D*32, out_features=4, on=all)
    loss = MSELoss()

Prints one Markdown table row per value: wall seconds (the best of
`--repeat` runs) and the peak resident set of the rnnc process in MiB.
docs/compile-time.md has the curves and the commands that made them.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def spec(axis, value, bidirectional, loss):
    options = {"num_layers": 2, "hidden_size": 32, "seq_len": 20}
    options[axis] = value
    directions = 2 if bidirectional else 1
    lines = [
        "model scaling",
        f"input(seq_len={options['seq_len']})",
        f"rnn = RNN(input_size=16, hidden_size={options['hidden_size']}, "
        f"num_layers={options['num_layers']}, "
        f"bidirectional={'True' if bidirectional else 'False'})",
        f"fc = Linear(in_features={directions * options['hidden_size']}, "
        "out_features=4, on=all)",
    ]
    if loss:
        lines.append("loss = MSELoss()")
    return "\n".join(lines) + "\n"


def measure(rnnc, path, extra, timeout):
    """(seconds, peak MiB, exit status) of one rnnc run."""
    start = time.monotonic()
    process = subprocess.Popen([rnnc, str(path), "-o", str(path.with_suffix(".o"))] + extra,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _, status, usage = os.wait4(process.pid, 0)
    except KeyboardInterrupt:
        process.kill()
        raise
    seconds = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    message = process.stderr.read().decode(errors="replace").strip()
    return seconds, usage.ru_maxrss / 1024, process.returncode, message


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("axis", choices=["num_layers", "hidden_size", "seq_len"])
    parser.add_argument("values", type=int, nargs="+")
    parser.add_argument("--rnnc", default="build/bin/rnnc")
    parser.add_argument("--bidirectional", action="store_true")
    parser.add_argument("--no-loss", action="store_true")
    parser.add_argument("--unroll", default=None)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    extra = ["-O3", "--target-cpu=portable"]
    if args.unroll:
        extra.append(f"--unroll={args.unroll}")
    kind = ("bidirectional" if args.bidirectional else "unidirectional") + \
        (", no loss" if args.no_loss else ", MSE loss")
    print(f"| {args.axis} ({kind}) | seconds | peak MiB | status |")
    print("|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as work:
        for value in args.values:
            path = Path(work) / f"m{value}.rnn"
            path.write_text(spec(args.axis, value, args.bidirectional, not args.no_loss))
            runs = [measure(args.rnnc, path, extra, args.timeout) for _ in range(args.repeat)]
            seconds = min(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            status, message = runs[-1][2], runs[-1][3]
            note = "ok" if status == 0 else f"exit {status}: {message.splitlines()[0][:80] if message else ''}"
            print(f"| {value} | {seconds:.2f} | {peak:.0f} | {note} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())

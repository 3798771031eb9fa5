"""Lesson 08, exercise 1 in PyTorch: the shapes of nn.RNN's output and h_n.

The reference for examples/exercise1_shapes (the rnnc version): builds
nn.RNN(input_size=5, hidden_size=16, num_layers=2, batch_first=True) and its
bidirectional twin, runs both on a random (8, 20, 5) batch and prints the
shapes of output and h_n, the same checks on their values, and the same
final lines.

    /usr/bin/python3 examples/pytorch/exercise1_shapes.py [--seed N]
"""

import argparse

import torch
import torch.nn as nn


def fmt(shape):
    return "(" + ", ".join(str(d) for d in shape) + ")"


def check(what, diff, ok):
    print(f"  check: {what}: max |diff| {diff:.3g} {'ok' if ok else 'FAILED'}")
    return ok


def run(title, call, rnn, x):
    H, L = rnn.hidden_size, rnn.num_layers
    D = 2 if rnn.bidirectional else 1
    with torch.no_grad():
        output, h_n = rnn(x)
    B, T, DH = output.shape
    print(f"{title}: {call}")
    print(f"  output: {fmt(output.shape)}")
    print(f"    dim 0 = {B}: batch, one row per sequence")
    print(f"    dim 1 = {T}: time, one entry per step (seq_len)")
    print(f"    dim 2 = {DH}: hidden_size x directions = {H} x {D}, the last "
          "layer's hidden state at that step"
          + (" (forward, then reverse)" if D == 2 else ""))
    print(f"  h_n: {fmt(h_n.shape)}")
    print(f"    dim 0 = {h_n.shape[0]}: num_layers x directions = {L} x {D}, "
          "the final state of each layer (and direction)")
    print(f"    dim 1 = {h_n.shape[1]}: batch")
    print(f"    dim 2 = {h_n.shape[2]}: hidden_size")
    ok = True
    if D == 1:
        d = (output[:, -1, :] - h_n[-1]).abs().max().item()
        ok &= check("output[:, -1, :] == h_n[-1] (last layer, final step)",
                    d, d <= 1e-6)
    else:
        d = (output[:, -1, :H] - h_n[-2]).abs().max().item()
        ok &= check(f"output[:, -1, :{H}] == h_n[-2] (last layer, forward "
                    f"direction, ends at t={T - 1})", d, d <= 1e-6)
        d = (output[:, 0, H:] - h_n[-1]).abs().max().item()
        ok &= check(f"output[:, 0, {H}:] == h_n[-1] (last layer, reverse "
                    "direction, ends at t=0)", d, d <= 1e-6)
        d = (output[:, -1, H:] - h_n[-1]).abs().max().item()
        ok &= check(f"output[:, -1, {H}:] != h_n[-1] (there the reverse "
                    "direction has seen one step only)", d, d > 1e-3)
    d = (output[:, -1, :H] - h_n[0]).abs().max().item()
    ok &= check("h_n[0] != output[:, -1, :H] (layer 0's state is only in h_n)",
                d, d > 1e-3)
    return ok, f"{title}: output {fmt(output.shape)}, h_n {fmt(h_n.shape)}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)

    x = torch.randn(8, 20, 5)
    print(f"input x: {fmt(x.shape)} = (batch, seq_len, input_size)")
    uni = nn.RNN(input_size=5, hidden_size=16, num_layers=2, batch_first=True)
    bi = nn.RNN(input_size=5, hidden_size=16, num_layers=2, batch_first=True,
                bidirectional=True)
    ok1, line1 = run("unidirectional", "nn.RNN(input_size=5, hidden_size=16, "
                     "num_layers=2, batch_first=True)", uni, x)
    ok2, line2 = run("bidirectional", "nn.RNN(input_size=5, hidden_size=16, "
                     "num_layers=2, batch_first=True, bidirectional=True)",
                     bi, x)
    print("why h_n.shape[0] == num_layers (x 2 when bidirectional):\n"
          "  each stacked layer, and each direction of it, is a recurrence of "
          "its own\n"
          "  with its own hidden state. h_n keeps the final state of every one "
          "of them\n"
          "  (exactly what h0 must hold to continue the sequences), while "
          "output keeps\n"
          "  only the last layer, at every step, with both directions "
          "concatenated.\n"
          f"  The reverse direction reads t = {x.shape[1] - 1} down to 0, so "
          "its final state is at t=0.")
    print(line1)
    print(line2)
    return 0 if ok1 and ok2 else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Lesson 08, exercise 4 in PyTorch: exploding gradients and gradient clipping.

The PyTorch twin of examples/exercise4_clipping (C, rnnc). A 5-layer stacked
nn.RNN(1, 6) over 100-step sequences of N(0, 1) samples predicts the mean of
each sequence (nn.Linear on h_n[-1], nn.MSELoss). Every weight tensor
(rnn.weight_ih_l*, rnn.weight_hh_l*, fc.weight) is set with
torch.nn.init.normal_(std=2.0); the biases keep PyTorch's default init. The
script

  1. runs one forward and backward pass on the first batch of 32 and prints
     the gradient norm (per layer and in total), applies
     torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0) and
     prints the norm again;
  2. trains the same initial parameters for --epochs epochs (default 30) with
     SGD (lr 0.5, batch 32, shuffled), once without and once with
     clip_grad_norm_(max_norm=1.0); a run whose loss or gradient stops being
     finite is reported as diverged and stopped, as the C runtime's trainer
     does;
  3. prints the same lines as the C program, the training time, and last
     the headline `gradient norm <before> -> <after> after
     clip_grad_norm(1.0); final loss <no-clip> without / <clip> with
     clipping`. (There is no plot: this Python has no matplotlib.)

By default the numbers are the C program's: the data and the N(0, 2^2)
weights come from example_util.c's generator, the other parameters from
rnnrt_params_init_default and the batch order from the runtime trainer's
shuffle, all re-implemented below, so both programs start from identical
parameters and see identical batches. --torch-rng uses torch's generators
instead (torch.randn data, nn.init.normal_, DataLoader(shuffle=True)).

Run with Debian's Python (the one with torch):

  /usr/bin/python3 examples/pytorch/exercise4_clipping.py [--epochs=30]
      [--seed=0] [--torch-rng]
"""

import argparse
import math
import struct
import time

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Sampler, TensorDataset

SEQ_LEN = 100
HIDDEN = 6
NUM_LAYERS = 5
NUM_SAMPLES = 1000
BATCH_SIZE = 32
INIT_STD = 2.0
LEARNING_RATE = 0.5
MAX_NORM = 1.0
M64 = (1 << 64) - 1


class DeepRNN(nn.Module):
    """examples/exercise4_clipping/model.rnn."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, HIDDEN, num_layers=NUM_LAYERS, batch_first=True)
        self.fc = nn.Linear(HIDDEN, 1)

    def forward(self, x):
        _, h_n = self.rnn(x)
        return self.fc(h_n[-1])


# --- The C program's random numbers -----------------------------------------


def f32(x):
    """Rounds a Python float to float32, as a C (float) cast does."""
    return struct.unpack("f", struct.pack("f", x))[0]


class ExampleRng:
    """example_util.c: a 64-bit LCG, uniforms from the top 53 bits and
    normals by Box-Muller (one value per pair of uniforms)."""

    def __init__(self, seed):
        self.state = (seed * 0x9E3779B97F4A7C15 + 1) & M64

    def uniform(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) & M64
        return (self.state >> 11) / 9007199254740992.0

    def normal(self, std):
        u1 = 1.0 - self.uniform()
        u2 = self.uniform()
        return std * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


class MT19937_64:
    """std::mt19937_64, which the runtime uses for init and shuffling."""

    def __init__(self, seed):
        mt = [seed & M64]
        for i in range(1, 312):
            mt.append((6364136223846793005 * (mt[-1] ^ (mt[-1] >> 62)) + i) & M64)
        self.mt, self.index = mt, 312

    def _twist(self):
        mt = self.mt
        for i in range(312):
            x = (mt[i] & 0xFFFFFFFF80000000) | (mt[(i + 1) % 312] & 0x7FFFFFFF)
            mt[i] = mt[(i + 156) % 312] ^ (x >> 1) ^ (0xB5026F5AA96619E9 if x & 1 else 0)
        self.index = 0

    def __call__(self):
        if self.index >= 312:
            self._twist()
        y = self.mt[self.index]
        self.index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        return (y ^ (y >> 43)) & M64


def mix64(x):
    """SplitMix64's finalizer (runtime/src/Params.cpp, Train.cpp)."""
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def rnnrt_params_init_default(model, seed):
    """PyTorch's default init with the runtime's numbers: row i of the
    parameter table (state_dict order) ~ U(-k, k) from its own
    mt19937_64(mix64(seed ^ mix64(i))). k is 1/sqrt(hidden_size) for nn.RNN
    and 1/sqrt(in_features) for nn.Linear, both 1/sqrt(6) here, computed in
    float32 as rnnc does."""
    k = f32(1.0 / f32(math.sqrt(HIDDEN)))
    with torch.no_grad():
        for i, (_, p) in enumerate(model.named_parameters()):
            engine = MT19937_64(mix64(seed ^ mix64(i)))
            # A 53-bit uniform u from each output; value (2u - 1) k.
            uniforms = [(engine() >> 11) * 2.0**-53 for _ in range(p.numel())]
            values = [f32((2.0 * u - 1.0) * k) for u in uniforms]
            p.copy_(torch.tensor(values).view_as(p))


class RnnrtShuffle(Sampler):
    """The runtime trainer's order: epoch e (counted per trainer from 0) is
    a Fisher-Yates shuffle of 0..N-1 driven by mt19937_64(mix64(seed ^
    mix64(e))), with rejection sampling for j uniform in [0, i]."""

    def __init__(self, n, seed):
        self.n, self.seed, self.epoch = n, seed, 0

    def __len__(self):
        return self.n

    def __iter__(self):
        engine = MT19937_64(mix64(self.seed ^ mix64(self.epoch)))
        self.epoch += 1
        order = list(range(self.n))
        for i in range(self.n - 1, 0, -1):
            bound = i + 1
            last = M64 - ((1 << 64) - bound) % bound
            x = engine()
            while x > last:
                x = engine()
            j = x % bound
            order[i], order[j] = order[j], order[i]
        return iter(order)


# --- The exercise ------------------------------------------------------------


def make_data_and_init(seed, torch_rng):
    """The data (N, T, 1) and target (N, 1), and the default and the
    N(0, 2^2) initial state_dicts."""
    if torch_rng:
        torch.manual_seed(seed)
        x = torch.randn(NUM_SAMPLES, SEQ_LEN, 1)
        y = x.double().mean(dim=1).float()
        model = DeepRNN()  # PyTorch's default init, from the seeded generator
        default = {k: v.clone() for k, v in model.state_dict().items()}
        for name, p in model.named_parameters():
            if "weight" in name:
                nn.init.normal_(p, std=INIT_STD)
        return x, y, default, model.state_dict()
    rng = ExampleRng(seed)
    x = torch.empty(NUM_SAMPLES, SEQ_LEN, 1)
    y = torch.empty(NUM_SAMPLES, 1)
    for i in range(NUM_SAMPLES):
        row = [f32(rng.normal(1.0)) for _ in range(SEQ_LEN)]
        x[i, :, 0] = torch.tensor(row)
        y[i, 0] = f32(sum_in_order(row) / SEQ_LEN)
    model = DeepRNN()
    rnnrt_params_init_default(model, seed)
    default = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        for name, p in model.named_parameters():
            # nn.init.normal_(p, std=2.0), with the C program's numbers.
            if "weight" in name:
                values = [f32(rng.normal(INIT_STD)) for _ in range(p.numel())]
                p.copy_(torch.tensor(values).view_as(p))
    return x, y, default, model.state_dict()


def sum_in_order(values):
    """A left-to-right double sum, as the C loop adds."""
    total = 0.0
    for v in values:
        total += v
    return total


def layer_norms(model):
    """Gradient 2-norm per RNN layer and of the head."""
    sums = [0.0] * (NUM_LAYERS + 1)
    for name, p in model.named_parameters():
        group = int(name.rsplit("_l", 1)[1]) if name.startswith("rnn.") else NUM_LAYERS
        sums[group] += float(p.grad.double().pow(2).sum())
    return [math.sqrt(s) for s in sums]


def print_group_norms(what, norms):
    cells = "".join(f"  l{g} {n:.3e}" for g, n in enumerate(norms[:-1]))
    print(f"{what:<16}{cells}  fc {norms[-1]:.3e}")


def total_norm(model):
    return math.sqrt(sum(float(p.grad.double().pow(2).sum()) for p in model.parameters()))


def measure_clipping(default, large, x, y):
    loss_fn = nn.MSELoss()
    model = DeepRNN()
    model.load_state_dict(default)
    loss = loss_fn(model(x[:BATCH_SIZE]), y[:BATCH_SIZE])
    loss.backward()
    print(f"default init, first batch of {BATCH_SIZE}: loss {float(loss):.6g}, "
          f"gradient norm {total_norm(model):.4g}")

    model = DeepRNN()
    model.load_state_dict(large)
    loss = loss_fn(model(x[:BATCH_SIZE]), y[:BATCH_SIZE])
    loss.backward()
    print(f"N(0, {INIT_STD:g}^2) init, first batch of {BATCH_SIZE}: loss {float(loss):.6g}")
    print_group_norms("gradient norm", layer_norms(model))
    before = float(torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=MAX_NORM))
    print_group_norms("after clipping", layer_norms(model))
    after = total_norm(model)
    print(f"total gradient norm {before:.6g} before clipping, {after:.6f} after "
          f"clip_grad_norm(max_norm={MAX_NORM:g})")
    return before, after


def evaluate(model, x, y):
    loss_fn = nn.MSELoss()
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(x), BATCH_SIZE):
            xb, yb = x[start:start + BATCH_SIZE], y[start:start + BATCH_SIZE]
            total += float(loss_fn(model(xb), yb)) * len(xb)
    return total / len(x)


def train_run(label, clip, large, x, y, epochs, seed, torch_rng):
    """Returns the per-epoch mean losses, the diverged epoch (or 0) and the
    training time in seconds."""
    model = DeepRNN()
    model.load_state_dict(large)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_fn = nn.MSELoss()
    dataset = TensorDataset(x, y)
    if torch_rng:
        loader = DataLoader(dataset, batch_size=BATCH_SIZE, shuffle=True,
                            generator=torch.Generator().manual_seed(seed))
    else:
        loader = DataLoader(dataset, batch_size=BATCH_SIZE,
                            sampler=RnnrtShuffle(len(x), seed))
    losses, seconds = [], 0.0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        total, diverged = 0.0, None
        for batch, (xb, yb) in enumerate(loader):
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            # The C runtime's trainer refuses a non-finite loss or gradient
            # (PyTorch would carry on with NaN).
            if not torch.isfinite(loss):
                diverged = ("loss", batch)
                break
            loss.backward()
            if not all(bool(torch.isfinite(p.grad).all()) for p in model.parameters()):
                diverged = ("gradient", batch)
                break
            if clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=MAX_NORM)
            optimizer.step()
            total += float(loss) * len(xb)
        elapsed = time.perf_counter() - start
        seconds += elapsed
        if diverged:
            print(f"epoch {epoch:3d}  {label}: diverged (non-finite {diverged[0]} "
                  f"in batch {diverged[1]})")
            return losses, epoch, seconds
        losses.append(total / len(x))
        print(f"epoch {epoch:3d}  {label:<11}  loss {losses[-1]:.6g}  {elapsed * 1e3:.1f} ms")
    return losses, 0, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--torch-rng", action="store_true",
                        help="torch's generators instead of the C program's numbers")
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error("--epochs must be >= 1")
    torch.set_num_threads(1)

    x, y, default, large = make_data_and_init(args.seed, args.torch_rng)
    print(f"model: RNN(1, {HIDDEN}, num_layers={NUM_LAYERS}) over {SEQ_LEN} steps + "
          f"Linear({HIDDEN}, 1) on h_n[-1], MSELoss; weights ~ N(0, {INIT_STD:g}^2)")
    print(f"data: {NUM_SAMPLES} sequences of N(0, 1), target = mean; SGD lr "
          f"{LEARNING_RATE:g}, batch {BATCH_SIZE}, {args.epochs} epochs, seed {args.seed}")
    before, after = measure_clipping(default, large, x, y)
    model = DeepRNN()
    model.load_state_dict(large)
    print(f"untrained loss {evaluate(model, x, y):.6g}")

    runs = [train_run(label, clip, large, x, y, args.epochs, args.seed, args.torch_rng)
            for label, clip in (("no clipping", False), ("clipping", True))]
    print(f"training time: {runs[0][2]:.2f} s without clipping, "
          f"{runs[1][2]:.2f} s with clipping")
    final = ["diverged" if diverged else f"{losses[-1]:.6g}" for losses, diverged, _ in runs]
    print(f"gradient norm {before:.6g} -> {after:.6f} after clip_grad_norm(1.0); "
          f"final loss {final[0]} without / {final[1]} with clipping")


if __name__ == "__main__":
    main()

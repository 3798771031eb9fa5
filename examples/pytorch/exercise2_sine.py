"""Lesson 08, exercise 2 in PyTorch: SinPredictor on 30-step sine windows.

The reference for examples/exercise2_sine (the rnnc version): the lesson's
generate_sin_data with seq_len=30 (1000 training windows, 200 test windows
from another seed), the lesson's SinPredictor (RNN(1, 32) + Linear(32, 1) on
h_n[-1]), MSELoss, Adam (lr 1e-3), batch 32, shuffled, 50 epochs. Prints the
untrained test MSE, one line per epoch (training loss, test MSE, time), the
training time, five test predictions, how strongly the prediction depends on
each input step (|d y_hat / d x_t|), and last `test MSE <value>`. Runs on one
CPU thread so that its time compares with the C program's.

    /usr/bin/python3 examples/pytorch/exercise2_sine.py [--epochs N] [--seed N]
"""

import argparse
import time

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


# The lesson's generator, unchanged.
def generate_sin_data(seq_len=50, n_samples=1000):
    X = []
    y = []
    for _ in range(n_samples):
        start = np.random.uniform(0, 2*np.pi)
        seq = np.sin(np.linspace(start, start + 4*np.pi, seq_len + 1))
        X.append(seq[:-1].reshape(-1, 1))
        y.append(seq[-1])
    return np.array(X), np.array(y)


# The lesson's model, unchanged.
class SinPredictor(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, 32, batch_first=True)
        self.fc = nn.Linear(32, 1)

    def forward(self, x):
        _, h_n = self.rnn(x)
        return self.fc(h_n[-1]).squeeze()


def sensitivity(model, x):
    """Mean over the windows of |d y_hat / d x_t|, for every t."""
    x = x.clone().requires_grad_(True)
    model(x).sum().backward()  # window i's output depends on x[i] only
    model.zero_grad()
    return x.grad.abs().mean(dim=0).squeeze(-1)


def print_profile(when, profile):
    T = len(profile)
    cells = "".join(f"  t={t} {profile[t]:.1e}" for t in range(T - 1, -1, -5))
    print(f"|dy/dx_t| {when:<9}{cells}  t=0 {profile[0]:.1e}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    seq_len = 30

    np.random.seed(args.seed)
    X, y = generate_sin_data(seq_len=seq_len, n_samples=1000)
    np.random.seed(args.seed + 1)
    X_test, y_test = generate_sin_data(seq_len=seq_len, n_samples=200)
    X = torch.tensor(X, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32)
    X_test = torch.tensor(X_test, dtype=torch.float32)
    y_test = torch.tensor(y_test, dtype=torch.float32)

    model = SinPredictor()
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)

    def test_mse():
        with torch.no_grad():
            return criterion(model(X_test), y_test).item()

    print("SinPredictor: RNN(1, 32) + Linear(32, 1) on h_n[-1], MSELoss")
    print(f"data: {len(X)} training and {len(X_test)} test windows of "
          f"{seq_len} steps; Adam lr 0.001, batch 32, shuffled, "
          f"{args.epochs} epochs, seed {args.seed}")
    before = sensitivity(model, X_test)
    print(f"untrained test MSE {test_mse():.3e}")
    train_seconds = 0.0
    mse = float("nan")
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        seconds = time.perf_counter() - start
        train_seconds += seconds
        mse = test_mse()
        print(f"epoch {epoch:3d}  loss {total / len(X):.3e}  test {mse:.3e}  "
              f"{seconds * 1e3:.1f} ms")
    print(f"training time {train_seconds:.2f} s "
          f"({train_seconds * 1e3 / args.epochs:.1f} ms per epoch)")
    with torch.no_grad():
        pred = model(X_test[:5])
    for i in range(5):
        print(f"test sample {i}: true {y_test[i].item():+.4f}  "
              f"predicted {pred[i].item():+.4f}")
    print_profile("untrained", before.tolist())
    print_profile("trained", sensitivity(model, X_test).tolist())
    print(f"test MSE {mse:.3e}")


if __name__ == "__main__":
    main()

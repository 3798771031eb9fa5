"""Lesson 08, exercise 5 in PyTorch: many-to-many sequence labelling.

The reference for examples/exercise5_labelling (the rnnc version), on the
same data: sequences of 20 integers in 0..9 drawn with the C program's
generator (the same LCG, so the sequences are identical for a seed), one-hot
encoded as 10 features, each element labelled element % 3; 1000 training and
200 test sequences. The model is the lesson's RNNSeq2Seq(input_size=10,
hidden_size=32, output_size=3), with nn.CrossEntropyLoss over all time steps
at once, Adam (lr 1e-3), batch 32, shuffled, 30 epochs. Prints the untrained
token accuracy, one line per epoch, the training time, three test sequences
as aligned rows and last `token accuracy <percent>%`. Runs on one CPU thread
so that its time compares with the C program's. Parameter init and
shuffling use torch's generator, so the figures differ from the C program's
in detail.

    /usr/bin/python3 examples/pytorch/exercise5_labelling.py [--epochs N] [--seed N]
"""

import argparse
import time

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

SEQ_LEN = 20
NUM_VALUES = 10
NUM_CLASSES = 3
NUM_TRAIN = 1000
NUM_TEST = 200


class Rng:
    """examples/common/example_util.c's generator (a 64-bit LCG)."""
    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.state = (seed * 0x9E3779B97F4A7C15 + 1) & self.MASK

    def uniform(self):
        self.state = (self.state * 6364136223846793005
                      + 1442695040888963407) & self.MASK
        return (self.state >> 11) / 9007199254740992.0

    def uniform_int(self, n):
        return min(int(self.uniform() * n), n - 1)


def make_sequences(rng, n):
    """n sequences of integers: (values, one-hot x, labels = values % 3)."""
    values = torch.tensor(
        [[rng.uniform_int(NUM_VALUES) for _ in range(SEQ_LEN)]
         for _ in range(n)])
    x = nn.functional.one_hot(values, NUM_VALUES).float()
    return values, x, values % NUM_CLASSES


# The lesson's model, unchanged.
class RNNSeq2Seq(nn.Module):
    """Sequence → Sequence"""
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.rnn = nn.RNN(input_size, hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        output, _ = self.rnn(x)
        # Apply FC to all time steps
        out = self.fc(output)  # (batch, seq, output_size)
        return out


def print_row(name, row):
    print(f"  {name:<10}" + "".join(f"{v:3d}" for v in row.tolist()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)

    rng = Rng(args.seed)
    _, x_train, y_train = make_sequences(rng, NUM_TRAIN)
    test_values, x_test, y_test = make_sequences(rng, NUM_TEST)

    model = RNNSeq2Seq(NUM_VALUES, 32, NUM_CLASSES)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=32,
                        shuffle=True)

    def loss_over_steps(logits, labels):
        # Every (sample, step) is one classification.
        return criterion(logits.reshape(-1, NUM_CLASSES), labels.reshape(-1))

    def evaluate():
        with torch.no_grad():
            logits = model(x_test)
            predicted = logits.argmax(-1)
            accuracy = (predicted == y_test).float().mean().item() * 100
            return loss_over_steps(logits, y_test).item(), accuracy, predicted

    print("RNNSeq2Seq: RNN(10, 32) + Linear(32, 3) on every step, "
          "CrossEntropyLoss over all steps")
    print(f"data: {NUM_TRAIN} training and {NUM_TEST} test sequences of "
          f"{SEQ_LEN} integers in 0..{NUM_VALUES - 1} (one-hot), "
          f"label = element % {NUM_CLASSES}")
    print(f"training: Adam lr 0.001, batch 32, shuffled, "
          f"{args.epochs} epochs, seed {args.seed}")
    test_loss, accuracy, predicted = evaluate()
    print(f"untrained token accuracy {accuracy:.1f}% "
          f"(test loss {test_loss:.4f})")
    train_seconds = 0.0
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_over_steps(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        seconds = time.perf_counter() - start
        train_seconds += seconds
        test_loss, accuracy, predicted = evaluate()
        print(f"epoch {epoch:3d}  loss {total / NUM_TRAIN:.4f}  "
              f"test loss {test_loss:.4f}  token acc {accuracy:5.1f}%  "
              f"{seconds * 1e3:.1f} ms")
    print(f"training time {train_seconds:.2f} s "
          f"({train_seconds * 1e3 / args.epochs:.1f} ms per epoch)")
    for i in range(3):
        right = (predicted[i] == y_test[i]).sum().item()
        print(f"test sample {i} ({right}/{SEQ_LEN} correct)")
        print_row("input", test_values[i])
        print_row("predicted", predicted[i])
        print_row("true", y_test[i])
    print(f"token accuracy {accuracy:.1f}%")


if __name__ == "__main__":
    main()

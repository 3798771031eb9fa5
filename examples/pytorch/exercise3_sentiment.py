"""Lesson 08, exercise 3 in PyTorch: sentiment with a bidirectional CharRNN.

The reference for examples/exercise3_sentiment (the rnnc version), on the
same data: 200 distinct toy sentences "<subject> <verb> [<adverb>][not ]
<adjective>" drawn with the C program's generator (the same LCG, so the
sentences, their order and the 160/40 split are identical for a seed),
labelled positive iff the adjective is positive XOR the sentence says "not".
The model is the lesson's CharRNN with bidirectional=True (Embedding(27, 32),
RNN(32, 64), Linear(128, 2) on cat(h_n[-2], h_n[-1])), fed the padded
sentences through pack_padded_sequence (lesson section 8) so that each keeps
its own length. CrossEntropyLoss, Adam (lr 3e-3), batch 8, shuffled, 20
epochs. Prints the untrained test accuracy, one line per epoch, the training
time, four test sentences, the padding check and last
`test accuracy <percent>%`. Runs on one CPU thread so that its time compares
with the C program's. Parameter init and shuffling use torch's generator, so
the figures differ from the C program's in detail.

    /usr/bin/python3 examples/pytorch/exercise3_sentiment.py [--epochs N] [--seed N]
"""

import argparse
import time

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence
from torch.utils.data import DataLoader, TensorDataset

NUM_SENTENCES = 200
NUM_TEST = NUM_SENTENCES // 5
NUM_TRAIN = NUM_SENTENCES - NUM_TEST
SPACE_ID = 26  # 'a'..'z' are 0..25

SUBJECTS = ["the movie", "this film", "the food", "our trip", "the book",
            "my day", "the show", "this game", "the hotel", "the music"]
VERBS = ["was", "is"]
ADVERBS = ["", "really ", "just ", "truly "]
POSITIVE = ["good", "great", "fun", "nice", "lovely", "superb"]
NEGATIVE = ["bad", "awful", "dull", "boring", "poor", "terrible"]


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


def make_sentences(seed):
    """The C program's make_sentences: 200 distinct sentences, shuffled."""
    rng = Rng(seed)
    sentences, seen = [], set()
    while len(sentences) < NUM_SENTENCES:
        subject = SUBJECTS[rng.uniform_int(len(SUBJECTS))]
        verb = VERBS[rng.uniform_int(len(VERBS))]
        adverb = ADVERBS[rng.uniform_int(len(ADVERBS))]
        negated = rng.uniform_int(2)
        positive = rng.uniform_int(2)
        adjective = (POSITIVE if positive else NEGATIVE)[
            rng.uniform_int(len(POSITIVE))]
        negation = "not " if negated else ""
        text = f"{subject} {verb} {adverb}{negation}{adjective}"
        if text not in seen:
            seen.add(text)
            sentences.append((text, positive ^ negated))
    for i in range(NUM_SENTENCES - 1, 0, -1):
        j = rng.uniform_int(i + 1)
        sentences[i], sentences[j] = sentences[j], sentences[i]
    return sentences


# The lesson's CharRNN, bidirectional, with the final forward and backward
# states concatenated; lengths go through pack_padded_sequence.
class CharRNN(nn.Module):
    def __init__(self, vocab_size, embed_size, hidden_size, num_classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_size)
        self.rnn = nn.RNN(embed_size, hidden_size, batch_first=True,
                          bidirectional=True)
        self.fc = nn.Linear(2 * hidden_size, num_classes)

    def forward(self, x, lengths):
        embedded = self.embedding(x)  # (batch, seq, embed)
        packed = pack_padded_sequence(embedded, lengths, batch_first=True,
                                      enforce_sorted=False)
        _, h_n = self.rnn(packed)
        return self.fc(torch.cat([h_n[-2], h_n[-1]], dim=1))


def polarity(label):
    return "positive" if label else "negative"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)

    sentences = make_sentences(args.seed)
    seq_len = max(len(text) for text, _ in sentences)
    x = torch.full((NUM_SENTENCES, seq_len), SPACE_ID, dtype=torch.long)
    for i, (text, _) in enumerate(sentences):
        x[i, :len(text)] = torch.tensor(
            [SPACE_ID if c == " " else ord(c) - ord("a") for c in text])
    lengths = torch.tensor([len(text) for text, _ in sentences])
    y = torch.tensor([label for _, label in sentences])
    x_test, len_test, y_test = (x[NUM_TRAIN:], lengths[NUM_TRAIN:],
                                y[NUM_TRAIN:])

    model = CharRNN(27, 32, 64, 2)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(TensorDataset(x[:NUM_TRAIN], lengths[:NUM_TRAIN],
                                      y[:NUM_TRAIN]),
                        batch_size=8, shuffle=True)

    def evaluate(xs, ls, ys):
        with torch.no_grad():
            logits = model(xs, ls)
            accuracy = (logits.argmax(1) == ys).float().mean().item() * 100
            return criterion(logits, ys).item(), accuracy

    print("CharRNN: Embedding(27, 32) + RNN(32, 64, bidirectional=True) + "
          "Linear(128, 2) on cat(h_n[-2], h_n[-1]), CrossEntropyLoss")
    print(f"data: {NUM_SENTENCES} distinct sentences of "
          f"{lengths.min().item()}-{seq_len} characters, "
          f"{y.sum().item()} positive; {NUM_TRAIN} training, {NUM_TEST} test")
    print(f"training: Adam lr 0.003, batch 8, shuffled, {args.epochs} epochs, "
          f"seed {args.seed}")
    for i in range(3):
        print(f'training sentence {i}: "{sentences[i][0]}" '
              f"{polarity(sentences[i][1])}")
    test_loss, test_acc = evaluate(x_test, len_test, y_test)
    print(f"untrained test accuracy {test_acc:.1f}% "
          f"(test loss {test_loss:.4f})")
    train_seconds = 0.0
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        total = 0.0
        for xb, lb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(model(xb, lb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        seconds = time.perf_counter() - start
        train_seconds += seconds
        _, train_acc = evaluate(x[:NUM_TRAIN], lengths[:NUM_TRAIN],
                                y[:NUM_TRAIN])
        test_loss, test_acc = evaluate(x_test, len_test, y_test)
        print(f"epoch {epoch:3d}  loss {total / NUM_TRAIN:.4f}  "
              f"test loss {test_loss:.4f}  train acc {train_acc:5.1f}%  "
              f"test acc {test_acc:5.1f}%  {seconds * 1e3:.1f} ms")
    print(f"training time {train_seconds:.2f} s "
          f"({train_seconds * 1e3 / args.epochs:.1f} ms per epoch)")

    with torch.no_grad():
        logits = model(x, lengths)
        for i in range(4):
            n = NUM_TRAIN + i
            print(f'test sentence {i}: "{sentences[n][0]}" true '
                  f"{polarity(y[n].item())}, predicted "
                  f"{polarity(logits[n].argmax().item())}")
        # Other ids in every padding position must not change a logit.
        t = torch.arange(seq_len)
        scrambled = torch.where(
            t[None, :] < lengths[:, None], x,
            (torch.arange(NUM_SENTENCES)[:, None] * 7 + t[None, :] * 5) % 27)
        same = torch.equal(model(scrambled, lengths), logits)
    print(f"check: padding ignored {'ok' if same else 'FAILED'}")
    print(f"test accuracy {test_acc:.1f}%")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
#
# conformance.py - randomized conformance sweep of rnnc against PyTorch.
#
# Draws random models over the whole option space of the `.rnn` language and
# of `rnn-run` (layers, directions, activations, biases, layouts, fixed and
# dynamic seq_len down to 1, variable lengths, h0, token ids, every head,
# both losses, every BPTT strategy, unrolling, threads, vector widths),
# builds for each the PyTorch module its spec describes (the helpers of
# gen_goldens.py and gen_grad_goldens.py), computes the reference in float64
# and compares what `rnn-run forward` and `rnn-run grad` produce:
#
#   forward  y and h_n
#   grad     the loss, every parameter gradient, the input gradient (float
#            inputs) and the h0 gradient
#
# Model i of seed S is drawn from its own random.Random (seeded from S and i),
# so a failing model reruns alone with `--seed S --only i`. The output is
# one line per failing model (index, reproduce command, what mismatched by
# how much) and a last line `conformance: N passed, M failed[, K skipped]`;
# the exit status is 1 if any model failed. docs/testing.md ("Randomized
# conformance") describes what is drawn and the tolerances.
#
# Run with Debian's interpreter, the only one that can import torch, with
# rnn-run on PATH (scripts/conformance.sh does both):
#   /usr/bin/python3 scripts/conformance.py --seed 1 --count 64 [--keep DIR]
#   /usr/bin/python3 scripts/conformance.py --seed 1 --only 17 --keep DIR -v

import argparse
import copy
import hashlib
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True  # No scripts/__pycache__ from the imports.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import numpy as np
    import torch
    import gen_goldens as fwd  # noqa: E402  (module, inputs, writers)
    import gen_grad_goldens as ggrad  # noqa: E402  (targets, loss, grads)
except ImportError as e:  # CTest maps 77 to "skipped".
    print("conformance: skipped: cannot import %s (run with /usr/bin/python3)"
          % e.name)
    sys.exit(77)

MSE, CE = ggrad.MSE, ggrad.CE

# Tolerances (docs/testing.md): |actual - expected| <= atol' + rtol*|expected|
# per element, with atol' = atol * max(1, max|expected|) over the tensor, so
# that the absolute bound follows the magnitude of the values (relu models
# grow beyond 1; float32 rounding error is relative to that size).
FWD_ATOL, FWD_RTOL = 1e-5, 0.0
GRAD_ATOL, GRAD_RTOL = float(ggrad.GRAD_ATOL), float(ggrad.GRAD_RTOL)

# Sizes (each model runs in well under a second).
MAX_HIDDEN = 70
MAX_T = 25
MAX_T_RELU = 10       # relu states are unbounded; keep them short
MAX_INPUT = 40
MAX_BATCH = 100

# The CPUs drawn for --target-cpu. AVX-512 ones are replaced by haswell where
# /proc/cpuinfo lacks avx512f (the draw itself does not depend on the host).
TARGET_CPUS = ["x86-64-v2", "haswell", "x86-64-v4", "skylake-avx512",
               "native", "portable"]
AVX512_CPUS = {"x86-64-v4", "skylake-avx512"}

# Known gaps: drawn (so that every other model's draw stays the same when a
# gap closes) but skipped with a counted reason unless `--run-gap NAME`.
# Remove an entry once rnnc supports it.
KNOWN_GAPS = {}

# Per-command time limit (the sanitizer build is slow).
COMMAND_TIMEOUT_S = 600

# LeakSanitizer's exit-time tracer can crash after an OpenMP run whose work
# was done (docs/testing.md, google/sanitizers#1353); such a run is retried
# once, as lit does in the sanitizer build.
LSAN_TRACER_CRASH = "LeakSanitizer has encountered a fatal error"
# Failures that say nothing about the model: the tracer crash above, and a
# library of the build tree caught mid-relink by a concurrent rebuild.
RETRIED_FAILURES = (LSAN_TRACER_CRASH, "error while loading shared libraries")


#===----------------------------------------------------------------------===#
# Drawing a model
#===----------------------------------------------------------------------===#

def model_seed(seed, index):
    """A 32-bit seed for model `index` of sweep `seed` (stable across
    Python versions and processes, unlike hash())."""
    digest = hashlib.sha256(b"rnnc-conformance:%d:%d" % (seed, index))
    return int.from_bytes(digest.digest()[:4], "little")


def draw_size(r, hi):
    """A size in [1, hi]: multiples of 16, 8 and 4, their neighbours, or any
    value (kernels have full, partial and masked vector blocks)."""
    kind = r.random()
    if kind < 0.2:
        v = 16 * r.randint(1, hi // 16)
    elif kind < 0.35:
        v = 8 * r.randint(1, hi // 8)
    elif kind < 0.45:
        v = 4 * r.randint(1, hi // 4)
    elif kind < 0.6:
        v = 16 * r.randint(1, hi // 16) + r.choice([-1, 1])
    else:
        v = r.randint(1, hi)
    return max(1, min(hi, v))


def draw_seq(r, relu):
    """T: 1, 2 or 3 a third of the time, else up to MAX_T (MAX_T_RELU)."""
    if r.random() < 0.35:
        return r.choice([1, 2, 3])
    return r.randint(4, MAX_T_RELU if relu else MAX_T)


def draw_batch(r):
    """B: mostly small (1 often: batch 1's look-ahead schedule), some large."""
    u = r.random()
    if u < 0.15:
        return 1
    if u < 0.65:
        return r.randint(2, 8)
    if u < 0.9:
        return r.randint(9, 40)
    return r.randint(41, MAX_BATCH)


def draw_lengths(r, B, T):
    """None, or per-sequence lengths: random in [1, T], all T, or all < T."""
    if r.random() < 0.45:
        return None, "-"
    mode = r.choice(["random", "random", "full", "short"])
    if mode == "short" and T >= 2:
        top = r.randint(1, T - 1)
        return [r.randint(1, top) for _ in range(B)], "max<T"
    if mode == "full":
        return [T] * B, "all=T"
    return [r.randint(1, T) for _ in range(B)], "random"


def draw_interval(r, T):
    """A BPTT interval k: 1, >= T, or in between."""
    u = r.random()
    if u < 0.2:
        return 1
    if u < 0.4:
        return T + r.choice([0, 0, 1, 5])
    return r.randint(2, max(2, T - 1))


def draw(seed, index, have_avx512):
    """(config, run options) of model `index` of sweep `seed`. The config
    has gen_goldens' / gen_grad_goldens' keys; the options are rnn-run's."""
    ms = model_seed(seed, index)
    r = random.Random(ms)
    relu = r.random() < 0.3
    L = r.choice([1, 1, 2, 2, 3])
    bidir = r.random() < 0.4
    T = draw_seq(r, relu)
    B = draw_batch(r)
    raw = dict(name="conf_s%d_m%d" % (seed, index), seed=ms, batch=B, seq=T,
               seq_len=r.choice(["fixed", "dynamic"]),
               num_layers=L, bidirectional=bidir,
               nonlinearity="relu" if relu else "tanh",
               bias=r.random() < 0.75, batch_first=r.random() < 0.5,
               h0=r.random() < 0.5,
               comment="scripts/conformance.py --seed %d --only %d"
                       % (seed, index))
    u = r.random()
    if u < 0.6:
        raw["dtype"] = "float32"
        raw["input_size"] = (r.randint(1, 24) if r.random() < 0.8
                             else draw_size(r, MAX_INPUT))
    else:
        raw["dtype"] = "int64" if u < 0.8 else "int32"
        raw["vocab"] = r.randint(2, 40)
        raw["embed"] = draw_size(r, 24)
    raw["hidden_size"] = draw_size(r, MAX_HIDDEN)
    raw["head"] = r.choice([None, "last", "all"])
    if raw["head"]:
        raw["out_features"] = r.randint(1, 12)
        raw["head_bias"] = r.random() < 0.75
    u = r.random()
    raw["loss"] = None if u < 0.25 else MSE if u < 0.6 else CE
    opts = dict(bptt="full", k=0, input_grad=True)
    gap = None
    if raw["loss"] == CE:
        raw["target_dtype"] = "int64" if r.random() < 0.6 else "int32"
        # The loss's options: PyTorch's defaults (mean, -100) most of the
        # time; some targets at the ignore index, -100 (written or not) or a
        # class.
        if r.random() < 0.25:
            raw["reduction"] = "sum"
        u = r.random()
        raw["ignore_index"] = (None if u < 0.6 else -100 if u < 0.7
                               else r.randint(-3, 11))
        # With one class, an ignore_index of 0 ignores every target: the
        # mean has no count (NaN, in PyTorch too). Another value keeps the
        # draws of the models after this one as they were.
        classes = (raw["out_features"] if raw["head"]
                   else raw["hidden_size"] * (2 if bidir else 1))
        if raw["ignore_index"] == 0 and classes == 1:
            raw["ignore_index"] = -1
        if r.random() < 0.4:
            raw["ignored"] = r.choice([0.1, 0.3, 0.9])
    elif raw["loss"] == MSE and r.random() < 0.2:
        raw["reduction"] = "sum"
    if raw["loss"] and not bidir:
        u = r.random()
        opts["bptt"] = ("full" if u < 0.4 else "checkpoint" if u < 0.7
                        else "truncate")
        if opts["bptt"] != "full":
            opts["k"] = draw_interval(r, T)
    lengths, lmode = draw_lengths(r, B, T)
    if opts["bptt"] == "truncate":
        # The windowed reference cannot pack a window where a sequence has
        # ended (length 0), so truncated models have no lengths.
        lengths, lmode = None, "-"
    raw["lengths"] = lengths
    opts["lengths_mode"] = lmode
    if (raw["loss"] == CE and lengths is not None and raw["head"] != "last"
            and r.random() < 0.5):
        raw["pad_ignore"] = True        # padding labelled as PyTorch users do
    if raw["loss"] and raw["dtype"] == "float32":
        opts["input_grad"] = r.random() < 0.8
    opts["unroll"] = r.choice(["auto", "auto", "none", "full",
                               str(r.randint(1, 8))])
    cpu = r.choice(TARGET_CPUS)
    if cpu in AVX512_CPUS and not have_avx512:
        cpu = "haswell"
    opts["target_cpu"] = cpu
    opts["parallel"] = r.random() < 0.2
    opts["parallel_min_macs"] = (0 if opts["parallel"] and r.random() < 0.6
                                 else None)
    opts["min_column_shard_macs"] = (1 if opts["parallel"]
                                     and r.random() < 0.3 else None)
    opts["lookahead_rows"] = (r.choice([0, 1, 2, 4, 8])
                              if r.random() < 0.3 else None)
    opts["gap"] = gap
    if raw["loss"]:
        raw["truncate"] = opts["k"] if opts["bptt"] == "truncate" else 0
        c = ggrad.full_config(raw)
    else:
        c = fwd.full_config(raw)
    return c, opts


def describe(c, o):
    """One line naming the drawn options (for -v and failure reports)."""
    inp = ("f32 I=%d" % c["input_size"] if c["dtype"] == "float32" else
           "%s V=%d E=%d" % (c["dtype"], c["vocab"], c["embed"]))
    head = ("%s(%d%s)" % (c["head"], c["out_features"],
                          "" if c["head_bias"] else ",nobias")
            if c["head"] else "nohead")
    loss = "-"
    if c["loss"] == MSE:
        loss = "mse"
    elif c["loss"] == CE:
        loss = "ce/" + c["target_dtype"]
    if c["loss"] and c["reduction"] != "mean":
        loss += "/" + c["reduction"]
    if c["loss"] == CE and (c["ignore_index"] is not None or c["ignored"]):
        loss += "/ignore=%d@%g%s" % (ggrad.ignore_index(c), c["ignored"],
                                     "+pad" if c["pad_ignore"] else "")
    if c["loss"] and o["bptt"] != "full":
        loss += " %s=%d" % (o["bptt"], o["k"])
    bits = ["L=%d" % c["num_layers"], "bi" if c["bidirectional"] else "uni",
            c["nonlinearity"], "bias" if c["bias"] else "nobias",
            "bf" if c["batch_first"] else "tm",
            "B=%d" % c["batch"],
            "T=%d(%s)" % (c["seq"], "fix" if c["seq_len"] == "fixed"
                          else "dyn"),
            "H=%d" % c["hidden_size"], inp, "len=" + o["lengths_mode"],
            "h0" if c["h0"] else "noh0", head, "loss=" + loss,
            "unroll=" + o["unroll"], "cpu=" + o["target_cpu"]]
    if o["parallel"]:
        bits.append("parallel")
    if o["lookahead_rows"] is not None:
        bits.append("lookahead=%d" % o["lookahead_rows"])
    return " ".join(bits)


#===----------------------------------------------------------------------===#
# Spec, data and the float64 reference
#===----------------------------------------------------------------------===#

def spec_text(c, o):
    """The `.rnn` spec: gen_goldens' writer, with our own first line."""
    lines = fwd.spec_text(c).splitlines()
    assert fwd.GENERATED_MARK in lines[0]
    lines[0] = "# Drawn by " + c["comment"]
    if c["comment"]:
        del lines[1]                    # the comment line fwd adds
    return "\n".join(lines) + "\n"


def make_data(c, o):
    """Module, state_dict, inputs and targets (seeded by the model)."""
    torch.manual_seed(c["seed"])
    rng = np.random.RandomState(c["seed"])
    model = fwd.SpecModel(c)
    x, lengths, h0 = fwd.make_inputs(c, rng)
    target = None
    if c["loss"]:
        target = ggrad.make_target(c, rng, lengths)
    sd = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    return model, sd, x, lengths, h0, target


def forward_reference(model, c, x, lengths, h0):
    """(y, h_n) of the module in float64."""
    m = copy.deepcopy(model).double()
    xt = torch.from_numpy(x)
    xt = xt.long() if c["dtype"] != "float32" else xt.double()
    ht = torch.from_numpy(h0).double() if h0 is not None else None
    lt = torch.from_numpy(lengths) if lengths is not None else None
    with torch.no_grad():
        y, hn = m(xt, lt, ht)
    return y.numpy(), hn.numpy()


def grad_reference(model, c, o, x, lengths, h0, target):
    """gen_grad_goldens.reference in float64 (truncated when drawn)."""
    K = o["k"] if o["bptt"] == "truncate" else 0
    loss, grads, dx, dh0, _ = ggrad.reference(
        model, c, x, lengths, h0, target, torch.float64, K)
    return loss, grads, dx, dh0


#===----------------------------------------------------------------------===#
# rnn-run
#===----------------------------------------------------------------------===#

def common_flags(o):
    flags = ["--target-cpu=" + o["target_cpu"], "--unroll=" + o["unroll"]]
    if o["parallel"]:
        flags.append("--parallel")
        if o["parallel_min_macs"] is not None:
            flags.append("--parallel-min-macs=%d" % o["parallel_min_macs"])
        if o["min_column_shard_macs"] is not None:
            flags.append("--min-column-shard-macs=%d"
                         % o["min_column_shard_macs"])
    if o["lookahead_rows"] is not None:
        flags.append("--lookahead-rows=%d" % o["lookahead_rows"])
    return flags


def data_flags(c):
    flags = ["--params", "params.safetensors", "--input", "x.npy"]
    if c["lengths"] is not None:
        flags += ["--lengths", "lengths.npy"]
    if c["h0"]:
        flags += ["--h0", "h0.npy"]
    return flags


def commands(c, o):
    """[(kind, argv)]: the forward run, and the grad run for a loss."""
    cmds = [("forward", ["rnn-run", "forward", "model.rnn"] + data_flags(c) +
             common_flags(o) + ["--output", "out/y.npy",
                                "--h-n", "out/hn.npy"])]
    if c["loss"]:
        g = (["rnn-run", "grad", "model.rnn"] + data_flags(c) +
             ["--target", "target.npy"] + common_flags(o))
        if o["bptt"] == "checkpoint":
            g.append("--checkpoint-bptt=%d" % o["k"])
        elif o["bptt"] == "truncate":
            g.append("--truncate-bptt=%d" % o["k"])
        g += ["--grads", "out/grads.safetensors", "--loss", "out/loss.npy",
              "--h0-grad", "out/h0_grad.npy"]
        if c["dtype"] == "float32" and o["input_grad"]:
            g += ["--input-grad", "out/input_grad.npy"]
        cmds.append(("grad", g))
    return cmds


def run_env(o):
    env = dict(os.environ)
    if o["parallel"]:
        env["OMP_NUM_THREADS"] = "2"
    return env


def run_command(argv, cwd, env):
    """(ok, message): runs argv in cwd. A tool that cannot be started (a
    rebuild relinking it) is retried for up to 35 s, a RETRIED_FAILURES
    failure once."""
    for attempt in range(2):
        p = None
        for wait in (0, 5, 10, 20):
            time.sleep(wait)
            try:
                p = subprocess.run(argv, cwd=cwd, env=env,
                                   capture_output=True, text=True,
                                   timeout=COMMAND_TIMEOUT_S)
                break
            except subprocess.TimeoutExpired:
                return False, "timed out after %d s" % COMMAND_TIMEOUT_S
            except OSError as e:
                # The tool is being relinked by a rebuild of the tree: wait.
                error = e
        if p is None:
            return False, "cannot run %s: %s" % (argv[0], error)
        if p.returncode == 0:
            return True, ""
        if attempt or not any(m in p.stderr for m in RETRIED_FAILURES):
            break
        time.sleep(5)
    lines = [l for l in p.stderr.splitlines() if "error" in l.lower()]
    lines = lines or p.stderr.splitlines()[-1:] or ["(no output)"]
    return False, "exit %d: %s" % (p.returncode, lines[0].strip()[:300])


#===----------------------------------------------------------------------===#
# Comparison
#===----------------------------------------------------------------------===#

def compare(name, actual, expected, atol, rtol):
    """(ratio, message): ratio = max |a - e| / (atol' + rtol |e|) with
    atol' = atol * max(1, max|e|); a message when it fails (> 1, shape,
    non-finite)."""
    e = np.asarray(expected, np.float64)
    if actual is None:
        return float("inf"), "%s: not written" % name
    a = np.asarray(actual, np.float64)
    if a.shape != e.shape:
        return float("inf"), "%s: shape %s, expected %s" % (
            name, a.shape, e.shape)
    if not a.size:
        return 0.0, None
    if not np.isfinite(a).all():
        return float("inf"), "%s: %d non-finite values" % (
            name, int((~np.isfinite(a)).sum()))
    scale = atol * max(1.0, float(np.max(np.abs(e)))) + rtol * np.abs(e)
    err = np.abs(a - e)
    ratio = err / scale
    worst = int(np.argmax(ratio))
    r = float(ratio.flat[worst])
    if r <= 1.0:
        return r, None
    idx = np.unravel_index(worst, a.shape)
    return r, ("%s: max|d| %.3g, %d/%d elements off, worst %s got %.6g "
               "expected %.6g (%.3gx tol)" % (
                   name, float(err.max()), int((ratio > 1).sum()), a.size,
                   list(map(int, idx)), a.flat[worst], e.flat[worst], r))


def load(path):
    if not os.path.exists(path):
        return None
    if path.endswith(".safetensors"):
        return fwd.read_safetensors(path)
    return np.load(path)


def expected_values(c, o, model, x, lengths, h0, target):
    """{kind: [(name, expected, atol, rtol)]} and the grads' names."""
    y, hn = forward_reference(model, c, x, lengths, h0)
    exp = {"forward": [("y", y, FWD_ATOL, FWD_RTOL),
                       ("h_n", hn, FWD_ATOL, FWD_RTOL)]}
    if c["loss"]:
        loss, grads, dx, dh0 = grad_reference(model, c, o, x, lengths, h0,
                                              target)
        g = [("loss", np.array(loss), GRAD_ATOL, GRAD_RTOL)]
        g += [("grad " + k, v, GRAD_ATOL, GRAD_RTOL)
              for k, v in sorted(grads.items())]
        if dx is not None and o["input_grad"]:
            g.append(("input_grad", dx, GRAD_ATOL, GRAD_RTOL))
        g.append(("h0_grad", dh0, GRAD_ATOL, GRAD_RTOL))
        exp["grad"] = g
    return exp


def actual_value(d, name):
    """What rnn-run wrote for quantity `name` (None if absent)."""
    files = {"y": "y.npy", "h_n": "hn.npy", "loss": "loss.npy",
             "input_grad": "input_grad.npy", "h0_grad": "h0_grad.npy"}
    if name.startswith("grad "):
        grads = load(os.path.join(d, "out", "grads.safetensors"))
        return None if grads is None else grads.get(name[5:])
    return load(os.path.join(d, "out", files[name]))


#===----------------------------------------------------------------------===#
# One model
#===----------------------------------------------------------------------===#

def write_files(d, c, o, sd, x, lengths, h0, target, exp, cmds):
    """The spec, data, expected values (float32, for rnn-compare) and a
    run.sh that reruns rnn-run and the comparisons by hand."""
    os.makedirs(os.path.join(d, "out"), exist_ok=True)
    os.makedirs(os.path.join(d, "expected"), exist_ok=True)
    fwd.write_text(os.path.join(d, "model.rnn"), spec_text(c, o))
    fwd.write_safetensors(os.path.join(d, "params.safetensors"), sd)
    np.save(os.path.join(d, "x.npy"), x)
    if lengths is not None:
        np.save(os.path.join(d, "lengths.npy"), lengths)
    if h0 is not None:
        np.save(os.path.join(d, "h0.npy"), h0)
    if target is not None:
        np.save(os.path.join(d, "target.npy"), target)
    names = {"y": "y.npy", "h_n": "hn.npy", "loss": "loss.npy",
             "input_grad": "input_grad.npy", "h0_grad": "h0_grad.npy"}
    lines = ["#!/bin/sh",
             "# " + c["comment"] + ": " + describe(c, o),
             "# Reruns rnn-run on this model and compares with the float64",
             "# PyTorch reference (rounded to float32 in expected/).",
             'cd "$(dirname "$0")" && mkdir -p out || exit 2']
    for kind, argv in cmds:
        env = "OMP_NUM_THREADS=2 " if o["parallel"] else ""
        lines.append(env + " ".join(shlex.quote(a) for a in argv))
        grads = {}
        for name, e, atol, rtol in exp.get(kind, []):
            eff = atol * max(1.0, float(np.max(np.abs(e)))) if np.size(e) \
                else atol
            if name.startswith("grad "):
                grads[name[5:]] = e
                continue
            np.save(os.path.join(d, "expected", names[name]),
                    np.asarray(e, np.float32))
            lines.append("rnn-compare out/%s expected/%s --atol %.3g "
                         "--rtol %g" % (names[name], names[name], eff, rtol))
        if grads:
            fwd.write_safetensors(os.path.join(d, "expected",
                                               "grads.safetensors"), grads)
            gmax = max(float(np.max(np.abs(v))) for v in grads.values())
            lines.append("rnn-compare out/grads.safetensors "
                         "expected/grads.safetensors --atol %.3g --rtol %g"
                         % (GRAD_ATOL * max(1.0, gmax), GRAD_RTOL))
    fwd.write_text(os.path.join(d, "run.sh"), "\n".join(lines) + "\n")
    os.chmod(os.path.join(d, "run.sh"), 0o755)


def check_model(c, o, d):
    """(failures, worst passing (ratio, quantity)) of one drawn model,
    its files written to `d`."""
    model, sd, x, lengths, h0, target = make_data(c, o)
    exp = expected_values(c, o, model, x, lengths, h0, target)
    cmds = commands(c, o)
    write_files(d, c, o, sd, x, lengths, h0, target, exp, cmds)
    failures, worst = [], (0.0, "-")
    for kind, argv in cmds:
        ok, msg = run_command(argv, d, run_env(o))
        if not ok:
            failures.append("rnn-run %s %s" % (kind, msg))
            continue
        for name, e, atol, rtol in exp[kind]:
            ratio, msg = compare(name, actual_value(d, name), e, atol, rtol)
            if msg:
                failures.append(msg)
            elif ratio > worst[0]:
                worst = (ratio, name)
    return failures, worst


def reproduce(args, index):
    return "scripts/conformance.sh --seed %d --only %d --keep %s" % (
        args.seed, index, args.keep or "/tmp/conformance")


def sweep(args, indices, have_avx512):
    """Runs the models; returns (passed, failed, skipped counts by reason)."""
    passed, failed, skipped = 0, 0, {}
    worst = (0.0, "-", -1)
    tmp = tempfile.mkdtemp(prefix="rnnc-conformance-")
    try:
        for i in indices:
            c, o = draw(args.seed, i, have_avx512)
            if o["gap"] and o["gap"] not in args.run_gap:
                skipped[o["gap"]] = skipped.get(o["gap"], 0) + 1
                if args.verbose:
                    print("skip %4d (%s): %s" % (i, o["gap"], describe(c, o)))
                continue
            d = os.path.join(tmp, "model_s%d_m%d" % (args.seed, i))
            t0 = time.time()
            try:
                fails, w = check_model(c, o, d)
            except Exception:  # A sweep bug: report it, keep sweeping.
                fails = ["conformance.py error: " +
                         traceback.format_exc().strip().splitlines()[-1]]
                traceback.print_exc()
                w = (0.0, "-")
            dt = time.time() - t0
            keep = args.keep and (fails or args.keep_all)
            if keep:
                dest = os.path.join(args.keep, os.path.basename(d))
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(d, dest)
            shutil.rmtree(d, ignore_errors=True)
            if fails:
                failed += 1
                more = (" (+%d more)" % (len(fails) - 3)
                        if len(fails) > 3 else "")
                print("FAIL model %d: %s%s; reproduce: %s  [%s]" % (
                    i, "; ".join(fails[:3]), more, reproduce(args, i),
                    describe(c, o)), flush=True)
            else:
                passed += 1
                if w[0] > worst[0]:
                    worst = (w[0], w[1], i)
                if args.verbose:
                    print("ok   %4d %5.2fs worst %.2g (%s): %s" % (
                        i, dt, w[0], w[1], describe(c, o)), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if passed:
        print("worst passing comparison: %.3g of the tolerance (model %d, "
              "%s)" % (worst[0], worst[2], worst[1]))
    return passed, failed, skipped


#===----------------------------------------------------------------------===#
# Driver
#===----------------------------------------------------------------------===#

def host_has_avx512():
    try:
        with open("/proc/cpuinfo") as f:
            return any(l.startswith("flags") and "avx512f" in l.split()
                       for l in f)
    except OSError:
        return False


def parse_args():
    ap = argparse.ArgumentParser(
        description="Randomized conformance sweep of rnn-run (forward and "
                    "gradients) against PyTorch in float64.")
    ap.add_argument("--seed", type=int, default=1, help="sweep seed")
    ap.add_argument("--count", type=int, default=64,
                    help="models 0..count-1 (default 64)")
    ap.add_argument("--only", default=None,
                    help="comma-separated model indices to run instead")
    ap.add_argument("--keep", default=None, metavar="DIR",
                    help="copy each failing model's files to DIR/"
                         "model_s<seed>_m<index>/ (spec, params, inputs, "
                         "expected values, run.sh)")
    ap.add_argument("--keep-all", action="store_true",
                    help="with --keep: keep passing models too")
    ap.add_argument("--run-gap", action="append", default=[],
                    choices=sorted(KNOWN_GAPS),
                    help="run the models of a known gap instead of "
                         "skipping them")
    ap.add_argument("--list", action="store_true",
                    help="print the drawn models and their specs, run "
                         "nothing")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="one line per model")
    args = ap.parse_args()
    if args.keep_all and not args.keep:
        ap.error("--keep-all needs --keep")
    return args


def main():
    args = parse_args()
    torch.set_num_threads(1)  # The reference is small: cores for rnn-run.
    if args.only is not None:
        indices = [int(v) for v in args.only.split(",") if v.strip()]
    else:
        indices = list(range(args.count))
    have_avx512 = host_has_avx512()
    if args.list:
        for i in indices:
            c, o = draw(args.seed, i, have_avx512)
            print("model %d: %s%s" % (i, describe(c, o),
                                      " [gap %s]" % o["gap"] if o["gap"]
                                      else ""))
            print("  " + spec_text(c, o).replace("\n", "\n  ").rstrip())
        return 0
    if not shutil.which("rnn-run"):
        sys.exit("conformance.py: rnn-run is not on PATH (use "
                 "scripts/conformance.sh)")
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    t0 = time.time()
    passed, failed, skipped = sweep(args, indices, have_avx512)
    for gap, n in sorted(skipped.items()):
        print("skipped %d model(s): known gap %s (%s; --run-gap %s runs "
              "them)" % (n, gap, KNOWN_GAPS[gap], gap))
    print("time: %.1f s for %d models" % (time.time() - t0, len(indices)))
    line = "conformance: %d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % sum(skipped.values())
    print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs rnnc and rnn-run on every spec under the given directories, in the
ways a user meets their messages (a compile, a command-line mistake, a pass
failure, a forward run with missing files, an over-long full unroll), and
fails if any output, on stdout or stderr, contains MLIR or LLVM IR.

IR in a message is a bug: the user asked for an object or a run, and gets
pages of rnnc's internals. IR is printed only when asked for (--emit=mlir,
--mlir-print-ir-*), and those are not run here.

Usage: check-no-ir.py --rnnc RNNC --rnn-run RNN_RUN --tmp DIR [--jobs N]
                      [--ask-for-ir] SPEC_DIR...
"""

import argparse
import concurrent.futures
import os
import pathlib
import re
import subprocess
import sys

# Lines that only IR has: SSA definitions, ops of the dialects rnnc lowers
# through, module/function headers, memref and vector types, LLVM IR
# definitions.
IR_PATTERNS = re.compile(
    r"(^\s*%[\w.$-]+(:\d+)? = )"
    r"|(\b(func\.func|llvm\.func|scf\.for|scf\.if|memref\.\w+|arith\.\w+"
    r"|vector\.\w+|rnn\.\w+)\b.*[(%:])"
    r"|(^\s*module\b.*\{)"
    r"|(memref<[^>]*>)"
    r"|(^define\s.*@)",
    re.MULTILINE)


def commands(index, spec, rnnc, rnn_run, tmp, ask_for_ir):
    """The invocations run on one spec, each as (description, argv)."""
    out = os.path.join(tmp, "%d-%s" % (index, spec.stem))
    # Missing data files: rnn-run stops at the first one it reads.
    missing = os.path.join(tmp, "does-not-exist")
    yield "compile", [rnnc, str(spec), "-O0", "-o", out + ".o",
                      "--header-output", out + ".h"]
    yield "bad --unroll", [rnnc, str(spec), "--unroll=sometimes",
                           "-o", out + ".o"]
    yield "internal error", [rnnc, str(spec), "-O0", "-o", out + ".o",
                             "--debug-fail-after=convert-rnn-to-loops"]
    if ask_for_ir:
        # The detector's own check: this output has IR, so it must fail.
        yield "internal error, IR asked for", [
            rnnc, str(spec), "-O0", "-o", out + ".o",
            "--debug-fail-after=convert-rnn-to-loops",
            "--mlir-print-ir-after-failure"]
    yield "full unroll", [rnnc, str(spec), "--unroll=full", "--emit=loops",
                          "-o", os.devnull]
    yield "run, missing files", [rnn_run, "forward", str(spec), "--params",
                                 missing, "--input", missing, "--output",
                                 out + ".y.npy"]
    inputs = spec.parent
    params, x = inputs / "params.safetensors", inputs / "x.npy"
    if params.exists() and x.exists():
        yield "run, internal error", [
            rnn_run, "forward", str(spec), "--params", str(params),
            "--input", str(x), "--output", out + ".y.npy", "-O0",
            "--debug-fail-after=rnn-expand-stacked"]


def check(description, argv):
    """Runs argv; returns a failure message if its output contains IR."""
    try:
        result = subprocess.run(argv, capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        return "timed out: " + " ".join(argv)
    for name, stream in (("stdout", result.stdout), ("stderr", result.stderr)):
        text = stream.decode("utf-8", "replace")
        match = IR_PATTERNS.search(text)
        if match:
            line = text[text.rfind("\n", 0, match.start()) + 1:]
            line = line.split("\n", 1)[0]
            return "%s: IR on %s: %s\n  line: %s" % (
                description, name, " ".join(argv), line[:200])
    if result.returncode < 0 or result.returncode not in (0, 1, 70):
        return "%s: exit status %d: %s" % (description, result.returncode,
                                          " ".join(argv))
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rnnc", required=True)
    parser.add_argument("--rnn-run", required=True)
    parser.add_argument("--tmp", required=True)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--ask-for-ir", action="store_true",
                        help="also run with --mlir-print-ir-after-failure, "
                        "which must be reported (checks the detector)")
    parser.add_argument("dirs", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.tmp, exist_ok=True)
    specs = sorted({p for d in args.dirs for p in pathlib.Path(d).rglob("*.rnn")})
    runs = [(d, argv) for i, spec in enumerate(specs)
            for d, argv in commands(i, spec, args.rnnc, args.rnn_run,
                                    args.tmp, args.ask_for_ir)]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        failures = [f for f in pool.map(lambda run: check(*run), runs) if f]
    for failure in failures:
        print(failure)
    print("check-no-ir: %d specs, %d runs, %d with IR or a crash"
          % (len(specs), len(runs), len(failures)))
    return 1 if failures or not specs else 0


if __name__ == "__main__":
    sys.exit(main())

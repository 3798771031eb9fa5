#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that two builds of rnn-run compute the same bits.

    scripts/same-bits.py BASE_RNN_RUN NEW_RNN_RUN [TEST_DIR...]

Runs every `rnn-run` command of the lit tests under TEST_DIR (default
test/e2e) once with each binary, with the test's `%S` and each binary's own
`%t` directory, and compares every file the two runs wrote byte for byte.
A refactor of the compiler proves itself with this before it lands
(docs/testing.md, "Refactors"): the summary line says how many commands and
output files matched. Commands that fail on both sides (the error tests)
must fail the same way: same exit status, same message (`%t-dir` for the
work directory). A command that reads what an earlier non-rnn-run command
of its test made fails on both sides and checks only that.
"""

import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path


def run_lines(test):
    """The test's RUN commands, continuation lines joined."""
    commands, current = [], ""
    for line in test.read_text(encoding="utf-8", errors="replace").splitlines():
        match = re.match(r"\s*(?:#|//|;)\s*RUN:\s?(.*)$", line)
        if not match:
            continue
        text = match.group(1).rstrip()
        if text.endswith("\\"):
            current += text[:-1] + " "
            continue
        commands.append(current + text)
        current = ""
    return commands


def rnn_run_commands(test):
    """The RUN commands that are one plain rnn-run invocation."""
    for command in run_lines(test):
        if not command.startswith("rnn-run ") or re.search(r"[|;&<>]", command):
            continue
        yield command


def run(binary, command, test, workdir):
    text = command.replace("%S", str(test.parent)).replace("%t", str(workdir / "t"))
    argv = shlex.split(text)
    argv[0] = binary
    result = subprocess.run(argv, capture_output=True, cwd=workdir,
                            env=dict(os.environ, OMP_NUM_THREADS="2"))
    message = result.stderr.decode(errors="replace").replace(str(workdir), "%t-dir")
    return result.returncode, message


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    base, new = (str(Path(p).resolve()) for p in sys.argv[1:3])
    roots = [Path(p) for p in sys.argv[3:]] or [Path("test/e2e")]
    tests = sorted(t.resolve() for root in roots for t in root.rglob("*.test"))
    commands = files = 0
    mismatches = []
    for test in tests:
        for index, command in enumerate(rnn_run_commands(test)):
            with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
                dirs = (Path(a), Path(b))
                results = [run(binary, command, test, d)
                           for binary, d in zip((base, new), dirs)]
                commands += 1
                where = f"{test}: command {index + 1}"
                if results[0] != results[1]:
                    mismatches.append(f"{where}: exit status or message differ: "
                                      f"{results[0]} vs {results[1]}")
                    continue
                names = sorted(p.name for p in dirs[0].iterdir())
                if names != sorted(p.name for p in dirs[1].iterdir()):
                    mismatches.append(f"{where}: different output files")
                    continue
                for name in names:
                    files += 1
                    if (dirs[0] / name).read_bytes() != (dirs[1] / name).read_bytes():
                        mismatches.append(f"{where}: {name} differs")
    for mismatch in mismatches:
        print("MISMATCH", mismatch)
    print(f"same-bits: {commands} rnn-run commands from {len(tests)} tests, "
          f"{files} output files, {len(mismatches)} mismatches")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()

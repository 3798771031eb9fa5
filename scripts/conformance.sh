#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Randomized conformance sweep of rnnc against PyTorch (scripts/conformance.py;
# docs/testing.md, "Randomized conformance"):
#
#   scripts/conformance.sh --seed S --count N [--keep DIR] [other options]
#   scripts/conformance.sh --seed S --only I --keep DIR -v   (one model)
#
# Uses the tools of the build directory $RNNC_BUILD_DIR (default: build/ in
# the repository) and Debian's /usr/bin/python3, the interpreter that
# imports torch. Exits 1 if a model failed, 77 if torch cannot be imported.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${RNNC_BUILD_DIR:-$root/build}"
if [ ! -x "$build/bin/rnn-run" ]; then
  echo "conformance.sh: no $build/bin/rnn-run" \
    "(build rnnc or set RNNC_BUILD_DIR)" >&2
  exit 2
fi
export PATH="$(cd "$build/bin" && pwd):$PATH"
exec /usr/bin/python3 "$root/scripts/conformance.py" "$@"

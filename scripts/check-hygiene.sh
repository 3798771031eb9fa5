#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Pre-commit-style hygiene checks over the tracked files: trailing
# whitespace, missing final newline, merge-conflict markers, large files.
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
while IFS= read -r -d '' file; do
  case "$file" in
    *.npy|*.safetensors|*.png) continue ;;
    # Fuzzer inputs are bytes, kept as found (fuzz/corpus/, docs/testing.md).
    fuzz/corpus/*) continue ;;
  esac
  if [ "$(stat -c %s "$file")" -gt 1048576 ]; then
    echo "hygiene: $file is larger than 1 MiB"; status=1
  fi
  if grep -nE '^(<<<<<<<|>>>>>>>)( |$)' "$file" >/dev/null; then
    echo "hygiene: $file has merge-conflict markers"; status=1
  fi
  if grep -nE '[[:space:]]+$' "$file" >/dev/null; then
    echo "hygiene: $file has trailing whitespace:"
    grep -nE '[[:space:]]+$' "$file" | head -3; status=1
  fi
  if [ -s "$file" ] && [ "$(tail -c 1 "$file" | od -An -c | tr -d ' ')" != '\n' ]; then
    echo "hygiene: $file does not end with a newline"; status=1
  fi
done < <(git ls-files -z)
exit $status

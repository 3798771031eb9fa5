#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Fails if any tracked C/C++ file differs from clang-format's output
# (.clang-format: LLVM style).
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -z '*.c' '*.cpp' '*.h' | xargs -0 clang-format --dry-run --Werror
echo "check-format: all files formatted"

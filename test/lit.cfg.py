# SPDX-License-Identifier: Apache-2.0
#
# lit configuration of the rnnc test suite.

import os
import sys

import lit.formats
from lit.llvm import llvm_config

config.name = "rnnc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".rnn", ".test", ".c"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.rnnc_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in",
                   "Inputs", "unit", "tools", "install"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%rnnc_bin", config.rnnc_tools_dir))
config.substitutions.append(("%rnnrt_include", config.rnnc_runtime_include))
config.substitutions.append(("%rnnrt_libdir", config.rnnc_runtime_lib_dir))
# Programs linking an instrumented librnnrt must be instrumented too (and are
# then checked by the sanitizers themselves).
c_compiler = config.c_compiler
if config.sanitizers:
    c_compiler += " -fsanitize=address,undefined -fno-omit-frame-pointer"
config.substitutions.append(("%cc", c_compiler))
# The interpreter running lit, for tests that make their own inputs.
config.substitutions.append(("%python", sys.executable))

llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()

# Tools: ours first, then FileCheck, not, count from LLVM.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.rnnc_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(
    ["rnnc", "rnn-opt", "rnn-run", "rnn-compare"], [config.rnnc_tools_dir])

if config.sanitizers:
    config.available_features.add("asan")
    # LeakSanitizer's exit-time tracer sometimes segfaults while it stops a
    # process's threads ("Tracer caught signal 11 ... LeakSanitizer has
    # encountered a fatal error"; google/sanitizers#1353), after the test's
    # own checks have passed. It was seen once here, in an OpenMP run with
    # 3 threads on 2 cores, and not in 6 reruns. One retry keeps that
    # runtime fault from failing the suite; a real failure fails twice, and
    # the Release build runs every test without retries.
    config.test_retry_attempts = 1

# LLVM's OpenMP runtime, which code compiled with --parallel calls.
if config.openmp_library and not config.openmp_library.endswith("NOTFOUND"):
    config.available_features.add("libomp")
    config.substitutions.append(("%libomp", config.openmp_library))

# The host CPU's vector extensions, for tests that run code compiled for a
# narrower target than the native one (which must then be runnable here).
try:
    with open("/proc/cpuinfo") as cpuinfo:
        flags = next((line.split(":", 1)[1].split() for line in cpuinfo
                      if line.startswith("flags")), [])
except OSError:
    flags = []
for feature in ("avx2", "fma", "avx512f"):
    if feature in flags:
        config.available_features.add("cpu-" + feature)

//===- AsanDefaultOptions.cpp - ASan defaults for the rnnc tools ----------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// Linked into rnnc, rnn-run and rnn-opt in sanitizer builds only
// (RNNC_ENABLE_SANITIZERS).
//
// LLVM's BumpPtrAllocator poisons the unused rest of each new slab and
// unpoisons each allocation, but only where it is compiled with ASan: its
// code is inline, so our instrumented code and the uninstrumented libMLIR
// both allocate from the same slabs (MLIR's attribute and type uniquer).
// When our code starts a slab, libMLIR's allocations from it stay poisoned
// and its first write is reported as use-after-poison, although nothing is
// wrong. Manual poisoning is therefore off; ASan still checks every access
// against real heap, stack and global bounds.
//
//===----------------------------------------------------------------------===//

extern "C" const char *__asan_default_options() {
  return "allow_user_poisoning=0";
}

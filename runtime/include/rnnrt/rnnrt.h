//===- rnnrt.h - rnnc runtime umbrella header ---------------------*- C -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file is the one header of the rnnc runtime library (librnnrt): status
// codes, the parameter table and its default initialization, safetensors
// parameter files, .npy arrays, optimizers and a training loop. It is plain
// C99; see docs/runtime.md.
//
//===----------------------------------------------------------------------===//

#ifndef RNNRT_RNNRT_H
#define RNNRT_RNNRT_H

#include "rnnrt/npy.h"
#include "rnnrt/optim.h"
#include "rnnrt/params.h"
#include "rnnrt/report.h"
#include "rnnrt/safetensors.h"
#include "rnnrt/status.h"
#include "rnnrt/train.h"

#endif // RNNRT_RNNRT_H

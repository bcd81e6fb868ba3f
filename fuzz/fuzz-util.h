/* fuzz-util.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "oms-json-gate.h"

/* What every libFuzzer target in fuzz/ shares. fuzz-util.c also gives each target its
 * LLVMFuzzerInitialize(): a warning or a critical is a bug the input reached, and stops the
 * run as a crash that libFuzzer saves the input of.
 */

int      LLVMFuzzerInitialize   (int            *argc,
                                 char         ***argv);
int      LLVMFuzzerTestOneInput (const uint8_t  *data,
                                 size_t          size);

GBytes  *fuzz_gated_body        (const uint8_t  *data,
                                 size_t          size,
                                 gsize           max_bytes);

/* fuzz-util.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "fuzz-util.h"

/* GLib stops at a fatal message with SIGTRAP, which libFuzzer does not catch: turn it into
 * SIGABRT, which it reports as a crash and saves the input for.
 */
static void
trap_to_abort (int signal_number)
{
  abort ();
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  signal (SIGTRAP, trap_to_abort);
  g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  return 0;
}

/**
 * fuzz_gated_body:
 * @max_bytes: the limit of the reader the target stands for
 *
 * Returns: (nullable): a copy of exactly @size bytes with no NUL after them, as libsoup gives a
 *   reader, so that ASan sees any read past the end; %NULL when oms_json_gate_check() refuses
 *   it, as the real reader then answers with an error and parses nothing
 */
GBytes *
fuzz_gated_body (const uint8_t *data,
                 size_t         size,
                 gsize          max_bytes)
{
  if (!oms_json_gate_check ((const char *) data, size, max_bytes, NULL))
    return NULL;

  return g_bytes_new (data, size);
}

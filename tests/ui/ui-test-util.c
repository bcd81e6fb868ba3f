/* ui-test-util.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "ui-test-util.h"

static gint64 wait_timeout_us = 30 * G_USEC_PER_SEC;

/* Each test program sets how long a wait may take before the test fails. */
void
oms_test_set_wait_timeout (guint seconds)
{
  wait_timeout_us = (gint64) seconds * G_USEC_PER_SEC;
}

/* Turns the main loop until @condition holds; FALSE when the timeout ran out first. */
gboolean
oms_test_wait_until (OmsTestCondition condition,
                     gpointer         data)
{
  gint64 end = g_get_monotonic_time () + wait_timeout_us;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  return TRUE;
}

void
oms_test_drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

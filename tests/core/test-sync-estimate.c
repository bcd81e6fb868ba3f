/* test-sync-estimate.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "oms-sync-estimate.h"

/* The time left of a step: nothing until its rate is steady, then what the rate says. Time is
 * passed in, so this is exact.
 */

#define SECOND G_USEC_PER_SEC

static void
test_steady_rate (void)
{
  OmsSyncEstimate estimate;
  gint64 now = 1000 * SECOND;

  oms_sync_estimate_reset (&estimate);
  g_assert_cmpint (oms_sync_estimate_get_seconds_left (&estimate), ==, -1);

  /* 100 records a second out of 10,000: nothing said in the first seconds. */
  for (int i = 0; i <= 4; i++)
    {
      oms_sync_estimate_update (&estimate, 3, i * 100, 10000, now + i * SECOND);
      g_assert_cmpint (oms_sync_estimate_get_seconds_left (&estimate), ==, -1);
    }

  oms_sync_estimate_update (&estimate, 3, 500, 10000, now + 5 * SECOND);
  g_assert_cmpint (oms_sync_estimate_get_seconds_left (&estimate), ==, 95);

  /* Samples closer than a second apart do not move the rate. */
  oms_sync_estimate_update (&estimate, 3, 5000, 10000, now + 5 * SECOND + 10);
  g_assert_cmpint (oms_sync_estimate_get_seconds_left (&estimate), ==, 95);
}

static void
test_restarts (void)
{
  OmsSyncEstimate estimate;
  gint64 now = 1000 * SECOND;

  oms_sync_estimate_reset (&estimate);
  for (int i = 0; i <= 6; i++)
    oms_sync_estimate_update (&estimate, 3, i * 100, 10000, now + i * SECOND);
  g_assert_cmpint (oms_sync_estimate_get_seconds_left (&estimate), >, 0);

  /* Another step starts: measured afresh. */
  oms_sync_estimate_update (&estimate, 6, 0, 2000, now + 7 * SECOND);
  g_assert_cmpint (oms_sync_estimate_get_seconds_left (&estimate), ==, -1);

  /* No total, or no step: nothing. */
  oms_sync_estimate_update (&estimate, 6, 0, 0, now + 8 * SECOND);
  g_assert_cmpint (oms_sync_estimate_get_seconds_left (&estimate), ==, -1);
  oms_sync_estimate_update (&estimate, -1, 0, 100, now + 9 * SECOND);
  g_assert_cmpint (oms_sync_estimate_get_seconds_left (&estimate), ==, -1);

  /* A step that makes no progress says nothing rather than "forever". */
  for (int i = 0; i <= 10; i++)
    oms_sync_estimate_update (&estimate, 4, 0, 500, now + (20 + i) * SECOND);
  g_assert_cmpint (oms_sync_estimate_get_seconds_left (&estimate), ==, -1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oms/sync-estimate/steady-rate", test_steady_rate);
  g_test_add_func ("/oms/sync-estimate/restarts", test_restarts);

  return g_test_run ();
}

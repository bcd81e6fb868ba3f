/* test-batch-size.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "oms-batch-size.h"

/* The batch size algorithm with made-up timings: no clock is read. */

#define MS (G_USEC_PER_SEC / 1000)
#define BYTES_PER_RECORD 200

/* Takes the next size and reports a full batch of it that took @elapsed_ms. */
static guint
full_batch (OmsBatchSize *size,
            gint64        elapsed_ms)
{
  guint asked = oms_batch_size_take (size);
  OmsBatchSample sample = {
    asked, asked, (gsize) asked * BYTES_PER_RECORD, elapsed_ms * MS, TRUE
  };

  oms_batch_size_report (size, &sample);
  return asked;
}

/* A line where every request costs 800 ms and the bytes almost nothing: one probe that
 * doubles, then as large as one step allows (eight times), up to the maximum.
 */
static void
test_grows_on_latency (void)
{
  g_autoptr(OmsBatchSize) size = oms_batch_size_new (500, 50000, 64 * 1024 * 1024);

  g_assert_cmpuint (full_batch (size, 800), ==, 500);
  g_assert_cmpuint (full_batch (size, 810), ==, 1000);
  g_assert_cmpuint (full_batch (size, 880), ==, 8000);
  /* ...up to the maximum, and no further. */
  g_assert_cmpuint (full_batch (size, 1500), ==, 50000);
  g_assert_cmpuint (full_batch (size, 1500), ==, 50000);
  g_assert_cmpuint (oms_batch_size_peek (size), ==, 50000);
}

/* A slow line far away (300 ms round trip, 125 kB/s): the next size is the one whose bytes take
 * four round trips, where doubling would have cost a round trip per step on the way.
 */
static void
test_grows_to_the_line (void)
{
  g_autoptr(OmsBatchSize) size = oms_batch_size_new (500, 100000, 64 * 1024 * 1024);
  /* 200 bytes a record at 125 bytes per ms: 1.6 ms a record, plus 300 ms. */
  guint first = full_batch (size, 300 + 500 * 16 / 10);
  guint second = full_batch (size, 300 + 1000 * 16 / 10);

  g_assert_cmpuint (first, ==, 500);
  g_assert_cmpuint (second, ==, 1000);
  /* 4 × 300 ms ÷ 1.6 ms = 750 records: no larger than the last, which already took 1.9 s. */
  g_assert_cmpuint (oms_batch_size_peek (size), ==, 1000);

  /* The same line with small, well compressed records (0.05 ms each): 24,000 records, no more
   * than eight times the last size in one step.
   */
  {
    g_autoptr(OmsBatchSize) light = oms_batch_size_new (500, 100000, 64 * 1024 * 1024);

    g_assert_cmpuint (full_batch (light, 300 + 500 / 20), ==, 500);
    g_assert_cmpuint (full_batch (light, 300 + 1000 / 20), ==, 1000);
    g_assert_cmpuint (full_batch (light, 300 + 8000 / 20), ==, 8000);
    g_assert_cmpuint (oms_batch_size_peek (light), ==, 24000);
  }
}

/* Where time follows the bytes (a narrow line with a short round trip), one probe, then it
 * holds: larger batches would bring nothing.
 */
static void
test_holds_when_transfer_dominates (void)
{
  g_autoptr(OmsBatchSize) size = oms_batch_size_new (500, 5000, 64 * 1024 * 1024);

  g_assert_cmpuint (full_batch (size, 1000), ==, 500);
  g_assert_cmpuint (full_batch (size, 1990), ==, 1000);
  g_assert_cmpuint (full_batch (size, 2000), ==, 1000);
  g_assert_cmpuint (oms_batch_size_peek (size), ==, 1000);
}

/* The body limit stops growth before the record limit does. */
static void
test_bytes_limit (void)
{
  /* 200 bytes a record: 1 MB holds 5242 records. */
  g_autoptr(OmsBatchSize) size = oms_batch_size_new (2000, 100000, 1024 * 1024);

  g_assert_cmpuint (full_batch (size, 500), ==, 2000);
  g_assert_cmpuint (full_batch (size, 505), ==, 4000);
  g_assert_cmpuint (oms_batch_size_peek (size), ==, 1024 * 1024 / BYTES_PER_RECORD);
}

/* A timeout halves the size, down to the floor and no further; it does not grow back to a
 * size that failed.
 */
static void
test_shrinks_on_timeout (void)
{
  g_autoptr(OmsBatchSize) size = oms_batch_size_new (400, 5000, 64 * 1024 * 1024);

  g_assert_cmpuint (oms_batch_size_take (size), ==, 400);
  oms_batch_size_report_timeout (size);
  g_assert_cmpuint (oms_batch_size_take (size), ==, 200);
  oms_batch_size_report_timeout (size);
  g_assert_cmpuint (oms_batch_size_take (size), ==, 100);
  oms_batch_size_report_timeout (size);
  g_assert_cmpuint (oms_batch_size_take (size), ==, OMS_BATCH_SIZE_FLOOR);
  oms_batch_size_report_timeout (size);
  g_assert_cmpuint (oms_batch_size_peek (size), ==, OMS_BATCH_SIZE_FLOOR);

  /* Fast batches again: growth stops below the size that failed last. */
  g_assert_cmpuint (full_batch (size, 100), ==, OMS_BATCH_SIZE_FLOOR);
  g_assert_cmpuint (oms_batch_size_peek (size), ==, OMS_BATCH_SIZE_FLOOR);
}

/* A batch that took too long counts as a failure too. */
static void
test_shrinks_when_too_long (void)
{
  g_autoptr(OmsBatchSize) size = oms_batch_size_new (1000, 5000, 64 * 1024 * 1024);

  g_assert_cmpuint (full_batch (size, OMS_BATCH_SIZE_TOO_LONG_US / MS + 1), ==, 1000);
  g_assert_cmpuint (oms_batch_size_peek (size), ==, 500);
}

/* A server that gives fewer records than asked while it has more: from then on omsync asks
 * for what it gives.
 */
static void
test_respects_capped_server (void)
{
  g_autoptr(OmsBatchSize) size = oms_batch_size_new (500, 5000, 64 * 1024 * 1024);
  OmsBatchSample capped = { 0 };
  const GArray *asked;

  capped.asked = oms_batch_size_take (size);
  capped.received = 120;
  capped.bytes = 120 * BYTES_PER_RECORD;
  capped.elapsed_us = 800 * MS;
  capped.more_waiting = TRUE;
  oms_batch_size_report (size, &capped);

  g_assert_cmpuint (full_batch (size, 800), ==, 120);
  g_assert_cmpuint (full_batch (size, 800), ==, 120);
  g_assert_cmpuint (oms_batch_size_peek (size), ==, 120);

  /* An empty batch with more to come (a gap in the cursors) is no cap. */
  capped.asked = oms_batch_size_take (size);
  capped.received = 0;
  capped.bytes = 20;
  oms_batch_size_report (size, &capped);
  g_assert_cmpuint (oms_batch_size_peek (size), ==, 120);

  asked = oms_batch_size_get_asked (size);
  g_assert_cmpuint (asked->len, ==, 4);
  g_assert_cmpuint (g_array_index (asked, guint, 0), ==, 500);
  g_assert_cmpuint (g_array_index (asked, guint, 2), ==, 120);
}

/* The last batch (nothing more waiting) is naturally short: it is no cap. A small stored size
 * is its own floor.
 */
static void
test_last_batch_and_small_start (void)
{
  g_autoptr(OmsBatchSize) size = oms_batch_size_new (7, 5000, 64 * 1024 * 1024);
  OmsBatchSample last = { 7, 3, 3 * BYTES_PER_RECORD, 5 * MS, FALSE };

  g_assert_cmpuint (oms_batch_size_take (size), ==, 7);
  oms_batch_size_report (size, &last);
  g_assert_cmpuint (oms_batch_size_peek (size), ==, 7);

  oms_batch_size_report_timeout (size);
  g_assert_cmpuint (oms_batch_size_peek (size), ==, 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oms/batch-size/grows-on-latency", test_grows_on_latency);
  g_test_add_func ("/oms/batch-size/grows-to-the-line", test_grows_to_the_line);
  g_test_add_func ("/oms/batch-size/holds-when-transfer-dominates",
                   test_holds_when_transfer_dominates);
  g_test_add_func ("/oms/batch-size/bytes-limit", test_bytes_limit);
  g_test_add_func ("/oms/batch-size/shrinks-on-timeout", test_shrinks_on_timeout);
  g_test_add_func ("/oms/batch-size/shrinks-when-too-long", test_shrinks_when_too_long);
  g_test_add_func ("/oms/batch-size/respects-capped-server", test_respects_capped_server);
  g_test_add_func ("/oms/batch-size/last-batch-and-small-start",
                   test_last_batch_and_small_start);

  return g_test_run ();
}

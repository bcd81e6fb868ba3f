/* test-sync-log.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "oms-sync-log.h"
#include "oms-test-util.h"

#define T0 ((gint64) 1795000000 * G_USEC_PER_SEC)

/* The store lives in @data_dir, which the caller removes. */
static OmsStore *
open_store (OmsTestTmpDir **data_dir)
{
  g_autoptr(GError) error = NULL;
  OmsStore *store;

  *data_dir = oms_test_make_tmp_dir ("oms-sync-log-XXXXXX");
  store = oms_store_open (*data_dir, &error);
  g_assert_no_error (error);
  return store;
}

static void
test_progress_arithmetic (void)
{
  OmsSyncRun run = { 0 };

  /* Open mSupply's own expectations: maxCursor 3 pulled one by one → 1/3, 2/3, 3/3. */
  oms_sync_run_set_remaining (&run, OMS_SYNC_STEP_PULL_CENTRAL, 3);
  g_assert_true (run.steps[OMS_SYNC_STEP_PULL_CENTRAL].has_total);
  g_assert_cmpint (run.steps[OMS_SYNC_STEP_PULL_CENTRAL].total, ==, 3);
  g_assert_cmpint (run.steps[OMS_SYNC_STEP_PULL_CENTRAL].done, ==, 0);
  for (int remaining = 2; remaining >= 0; remaining--)
    {
      oms_sync_run_set_remaining (&run, OMS_SYNC_STEP_PULL_CENTRAL, remaining);
      g_assert_cmpint (run.steps[OMS_SYNC_STEP_PULL_CENTRAL].done, ==, 3 - remaining);
      g_assert_cmpint (run.steps[OMS_SYNC_STEP_PULL_CENTRAL].total, ==, 3);
    }

  /* The total never grows within a run; done is clamped. */
  oms_sync_run_set_remaining (&run, OMS_SYNC_STEP_PUSH, 2);
  oms_sync_run_set_remaining (&run, OMS_SYNC_STEP_PUSH, 5);
  g_assert_cmpint (run.steps[OMS_SYNC_STEP_PUSH].total, ==, 2);
  g_assert_cmpint (run.steps[OMS_SYNC_STEP_PUSH].done, ==, 0);
  oms_sync_run_set_remaining (&run, OMS_SYNC_STEP_PUSH, -4);
  g_assert_cmpint (run.steps[OMS_SYNC_STEP_PUSH].done, ==, 2);
}

static void
test_timestamps_and_ids (void)
{
  g_autofree char *text = oms_sync_format_timestamp (T0 + 123456);
  g_autofree char *first = oms_sync_new_uuid_v7 (T0);
  g_autofree char *later = oms_sync_new_uuid_v7 (T0 + 1000);
  gint64 parsed = 0;

  g_assert_cmpstr (text, ==, "2026-11-18 11:06:40.123456");
  g_assert_true (oms_sync_parse_timestamp (text, &parsed));
  g_assert_cmpint (parsed, ==, T0 + 123456);
  g_assert_true (oms_sync_parse_timestamp ("2026-11-18T11:06:40", &parsed));
  g_assert_cmpint (parsed, ==, T0);
  g_assert_false (oms_sync_parse_timestamp ("yesterday", &parsed));
  g_assert_null (oms_sync_format_timestamp (0));

  g_assert_cmpuint (strlen (first), ==, 36);
  g_assert_cmpint (first[14], ==, '7');
  g_assert_true (strchr ("89ab", first[19]) != NULL);
  g_assert_cmpstr (first, <, later);
}

static void
test_run_lifecycle (void)
{
  g_autoptr(OmsTestTmpDir) dir = NULL;
  g_autoptr(OmsStore) store = open_store (&dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsSyncRun) run = NULL;
  g_autoptr(OmsSyncRun) latest = NULL;
  g_autoptr(OmsSyncRun) success = NULL;

  g_assert_false (oms_sync_log_is_initialised (store, &error));
  g_assert_null (oms_sync_log_get_latest (store, &error));
  g_assert_no_error (error);

  run = oms_sync_log_start_run (store, T0, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run->id);

  latest = oms_sync_log_get_latest (store, &error);
  g_assert_cmpstr (latest->id, ==, run->id);
  g_assert_true (oms_sync_run_is_syncing (latest));
  g_clear_pointer (&latest, oms_sync_run_free);

  /* Prepare is logged even when it has no work; progress is saved as it moves. */
  oms_sync_run_start_step (run, OMS_SYNC_STEP_PREPARE_INITIAL, T0 + 1);
  oms_sync_run_finish_step (run, OMS_SYNC_STEP_PREPARE_INITIAL, T0 + 2);
  oms_sync_run_start_step (run, OMS_SYNC_STEP_PULL_CENTRAL, T0 + 3);
  oms_sync_run_set_remaining (run, OMS_SYNC_STEP_PULL_CENTRAL, 1000);
  oms_sync_run_set_remaining (run, OMS_SYNC_STEP_PULL_CENTRAL, 500);
  g_assert_true (oms_sync_log_save (store, run, &error));
  g_assert_true (oms_sync_log_is_queue_initialised (store, T0 + 10, &error));
  g_assert_false (oms_sync_log_is_queue_initialised (store, T0, &error));

  latest = oms_sync_log_get_latest (store, &error);
  g_assert_cmpint (latest->steps[OMS_SYNC_STEP_PREPARE_INITIAL].finished, ==, T0 + 2);
  g_assert_cmpint (latest->steps[OMS_SYNC_STEP_PULL_CENTRAL].started, ==, T0 + 3);
  g_assert_cmpint (latest->steps[OMS_SYNC_STEP_PULL_CENTRAL].finished, ==, 0);
  g_assert_cmpint (latest->steps[OMS_SYNC_STEP_PULL_CENTRAL].total, ==, 1000);
  g_assert_cmpint (latest->steps[OMS_SYNC_STEP_PULL_CENTRAL].done, ==, 500);
  g_assert_false (latest->steps[OMS_SYNC_STEP_PUSH].has_total);
  g_assert_cmpint (latest->bytes_down, ==, 0);
  g_assert_null (latest->batch_sizes);
  g_clear_pointer (&latest, oms_sync_run_free);

  /* What the run cost on the line is kept with it, and updated as it grows. */
  run->bytes_down = 12345;
  run->bytes_up = 678;
  run->batch_sizes = g_strdup ("{\"pullCentral\": [500, 1000]}");
  g_assert_true (oms_sync_log_save (store, run, &error));
  run->bytes_down = 23456;
  g_assert_true (oms_sync_log_save (store, run, &error));
  latest = oms_sync_log_get_latest (store, &error);
  g_assert_cmpint (latest->bytes_down, ==, 23456);
  g_assert_cmpint (latest->bytes_up, ==, 678);
  g_assert_cmpstr (latest->batch_sizes, ==, "{\"pullCentral\": [500, 1000]}");
  g_clear_pointer (&latest, oms_sync_run_free);

  /* An error leaves the run unfinished, not syncing, not successful. */
  g_assert_true (oms_sync_log_fail (store, run, "Unable to connect to server -> [\n]",
                                    "CONNECTION_ERROR", T0 + 5 * G_USEC_PER_SEC, &error));
  latest = oms_sync_log_get_latest (store, &error);
  g_assert_cmpint (latest->finished, ==, 0);
  g_assert_cmpstr (latest->error_code, ==, "CONNECTION_ERROR");
  g_assert_cmpint (latest->duration_seconds, ==, 5);
  g_assert_false (oms_sync_run_is_syncing (latest));
  g_assert_false (oms_sync_run_is_successful (latest));
  g_assert_false (oms_sync_log_is_initialised (store, &error));
  g_assert_null (oms_sync_log_get_last_successful (store, &error));
  g_clear_pointer (&latest, oms_sync_run_free);
  g_clear_pointer (&run, oms_sync_run_free);

  /* A later run that finishes makes the site initialised and is the last success. */
  run = oms_sync_log_start_run (store, T0 + 60 * G_USEC_PER_SEC, &error);
  g_assert_true (oms_sync_log_finish (store, run, T0 + 90 * G_USEC_PER_SEC, &error));
  g_assert_true (oms_sync_log_is_initialised (store, &error));
  success = oms_sync_log_get_last_successful (store, &error);
  g_assert_cmpstr (success->id, ==, run->id);
  g_assert_cmpint (success->duration_seconds, ==, 30);

  {
    g_autoptr(GPtrArray) history = oms_sync_log_list (store, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (history->len, ==, 2);
    g_assert_cmpstr (((OmsSyncRun *) g_ptr_array_index (history, 0))->id, ==, run->id);
  }
}

static void
test_interrupted_run_closed (void)
{
  g_autoptr(OmsTestTmpDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsSyncRun) latest = NULL;
  OmsStore *store = open_store (&dir);
  OmsSyncRun *run;

  /* A run that was going when omsync stopped... */
  run = oms_sync_log_start_run (store, T0, &error);
  oms_sync_run_start_step (run, OMS_SYNC_STEP_PULL_CENTRAL, T0 + 1);
  g_assert_true (oms_sync_log_save (store, run, &error));
  oms_sync_run_free (run);
  g_assert_finalize_object (store);

  /* ...is closed at the next start-up, once, and never shows as syncing again. */
  store = oms_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (oms_sync_log_close_interrupted (store, &error), ==, 1);
  g_assert_cmpint (oms_sync_log_close_interrupted (store, &error), ==, 0);

  latest = oms_sync_log_get_latest (store, &error);
  g_assert_true (latest->interrupted);
  g_assert_false (oms_sync_run_is_syncing (latest));
  g_assert_false (oms_sync_run_is_successful (latest));
  g_assert_nonnull (latest->error_message);
  g_assert_null (latest->error_code);
  g_assert_finalize_object (store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oms/sync-log/progress-arithmetic", test_progress_arithmetic);
  g_test_add_func ("/oms/sync-log/timestamps-and-ids", test_timestamps_and_ids);
  g_test_add_func ("/oms/sync-log/run-lifecycle", test_run_lifecycle);
  g_test_add_func ("/oms/sync-log/interrupted-run-closed", test_interrupted_run_closed);

  return g_test_run ();
}

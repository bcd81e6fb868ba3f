/* test-integrator.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "oms-integrator.h"
#include "oms-store-private.h"
#include "oms-sync-buffer.h"
#include "oms-sync-record.h"
#include "oms-sync-settings.h"
#include "oms-test-util.h"

static void
integrate_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_integrator_run_finish (result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
add (GPtrArray  *records,
     const char *table,
     const char *id,
     const char *data)
{
  g_ptr_array_add (records, oms_sync_record_new (table, id, OMS_SYNC_ACTION_UPDATE, data));
}

/* Generic tables go through the set-based path; typed ones and bad rows record per row. */
static void
test_generic_and_typed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsTestTmpDir) dir = oms_test_make_tmp_dir ("oms-integrator-XXXXXX");
  g_autoptr(OmsStore) store = oms_store_open (dir, &error);
  g_autoptr(GPtrArray) records = NULL;
  gboolean done = FALSE;

  g_assert_no_error (error);
  records = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_sync_record_free);
  add (records, "item", "I1", "{\"ID\":\"I1\",\"item_name\":\"Vaccine\",\"store_ID\":\"\"}");
  add (records, "item", "I2", "{\"ID\":\"I2\",\"item_name\":\"Syringe\",\"store_ID\":\"S1\"}");
  add (records, "item", "I3", "not json at all");
  add (records, "unit", "U1", "{\"ID\":\"U1\",\"units\":\"box\"}");
  add (records, "Location", "L1", "{\"ID\":\"L1\",\"code\":\"F1\",\"Description\":\"Fridge\","
                                   "\"hold\":false,\"store_ID\":\"S1\",\"Volume\":1,"
                                   "\"type_ID\":\"\"}");
  add (records, "Location", "L2", "{\"ID\":\"L2\"}");
  g_assert_true (oms_sync_buffer_store_batch (store, records, TRUE, 7, NULL, 0, NULL,
                                              g_get_real_time (), &error));
  g_assert_no_error (error);

  oms_integrator_run_async (dir, TRUE, 7, NULL, NULL, NULL, integrate_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  /* No row is left pending; only the broken ones carry an error. */
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM sync_buffer "
                                              "WHERE " OMS_SYNC_BUFFER_PENDING_SQL), ==, 0);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM sync_buffer "
                                              "WHERE integration_error IS NOT NULL"), ==, 2);
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT count(*) FROM sync_buffer WHERE record_id = 'I3' "
                                       "AND integration_error IS NOT NULL"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT count(*) FROM sync_buffer WHERE record_id = 'L2' "
                                       "AND integration_error IS NOT NULL"), ==, 1);

  /* Generic records kept as received, with the store read from the legacy field. */
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT count(*) FROM record WHERE table_name = 'item'"),
                   ==, 2);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM record WHERE id = 'I1' "
                                              "AND store_id IS NULL"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM record WHERE id = 'I2' "
                                              "AND store_id = 'S1'"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM location WHERE id = 'L1' "
                                              "AND name = 'Fridge'"), ==, 1);

  /* One changelog row each, marked as sync updates from the central, so never pushed back. */
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog"), ==, 4);
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT count(*) FROM changelog WHERE is_sync_update = 1 "
                                       "AND source_site_id = 7"), ==, 4);
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT count(*) FROM changelog WHERE record_id = 'I2' "
                                       "AND store_id = 'S1'"), ==, 1);
}

/* A pulled copy of a record changed here supersedes the local change, whichever road the
 * integrator takes (set-based for generic and plain typed tables, record by record for the
 * rest), so the local change is not pushed over the newer one.
 */
static void
test_pull_supersedes_local_changes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsTestTmpDir) dir = oms_test_make_tmp_dir ("oms-integrator-XXXXXX");
  g_autoptr(OmsStore) store = oms_store_open (dir, &error);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JsonObject) location = json_object_new ();
  gboolean done = FALSE;

  g_assert_no_error (error);

  /* Local changes: a generic record (twice), a typed one, and one the pull leaves alone. */
  g_assert_true (oms_store_upsert_raw_record (store, "item", "I1", "{\"ID\":\"I1\",\"n\":1}",
                                              OMS_ORIGIN_LOCAL, &error));
  g_assert_true (oms_store_upsert_raw_record (store, "item", "I1", "{\"ID\":\"I1\",\"n\":2}",
                                              OMS_ORIGIN_LOCAL, &error));
  g_assert_true (oms_store_upsert_raw_record (store, "item", "I2", "{\"ID\":\"I2\"}",
                                              OMS_ORIGIN_LOCAL, &error));
  json_object_set_string_member (location, "id", "L1");
  json_object_set_string_member (location, "name", "Old fridge");
  json_object_set_string_member (location, "code", "F1");
  json_object_set_boolean_member (location, "on_hold", FALSE);
  json_object_set_string_member (location, "store_id", "S1");
  g_assert_true (oms_store_upsert_record (store, "location", location, OMS_ORIGIN_LOCAL,
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog_deduped"), ==, 3);

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_sync_record_free);
  add (records, "item", "I1", "{\"ID\":\"I1\",\"n\":3}");
  add (records, "Location", "L1", "{\"ID\":\"L1\",\"code\":\"F1\",\"Description\":\"Fridge\","
                                   "\"hold\":false,\"store_ID\":\"S1\",\"Volume\":1,"
                                   "\"type_ID\":\"\"}");
  g_assert_true (oms_sync_buffer_store_batch (store, records, TRUE, 7, NULL, 0, NULL,
                                              g_get_real_time (), &error));
  g_assert_no_error (error);

  oms_integrator_run_async (dir, TRUE, 7, NULL, NULL, NULL, integrate_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  /* Each record's newest row alone counts: the sync updates for I1 and L1, I2's local change. */
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog_deduped"), ==, 3);
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT count(*) FROM changelog_deduped d WHERE d.cursor = "
                                       "(SELECT max(cursor) FROM changelog c WHERE c.record_id = "
                                       "d.record_id AND c.store_id IS d.store_id)"), ==, 3);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog_deduped "
                                              "WHERE is_sync_update = 0"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog_deduped "
                                              "WHERE is_sync_update = 0 AND record_id = 'I2'"),
                   ==, 1);
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT count(*) FROM changelog WHERE superseded = 1"),
                   ==, 3);
}

static void
retry_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  gint64 *counts = user_data;
  g_autoptr(GError) error = NULL;

  oms_integrator_retry_finish (result, &counts[0], &counts[1], &error);
  g_assert_no_error (error);
  counts[2] = TRUE;
}

static void
integrate_dir (const char *dir)
{
  gboolean done = FALSE;

  oms_integrator_run_async (dir, TRUE, 7, NULL, NULL, NULL, integrate_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
store_records (OmsStore  *store,
               GPtrArray *records)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_sync_buffer_store_batch (store, records, TRUE, 7, NULL, 0, NULL,
                                              g_get_real_time (), &error));
  g_assert_no_error (error);
  g_ptr_array_set_size (records, 0);
}

/* Only the rows that did not integrate cleanly get an outcome written; the others are behind
 * the integration mark. A record pulled again is pending again and its newer copy wins, a
 * failed one included; a failed record keeps its error and can be tried again.
 */
static void
test_outcomes_and_mark (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsTestTmpDir) dir = oms_test_make_tmp_dir ("oms-integrator-XXXXXX");
  g_autoptr(OmsStore) store = oms_store_open (dir, &error);
  g_autoptr(GPtrArray) records = NULL;
  gint64 counts[3] = { 0 };

  g_assert_no_error (error);
  records = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_sync_record_free);
  add (records, "item", "I1", "{\"ID\":\"I1\",\"item_name\":\"Old\"}");
  add (records, "item", "I2", "not json at all");
  add (records, "Location", "L2", "{\"ID\":\"L2\"}");
  store_records (store, records);
  g_assert_cmpint (oms_sync_buffer_count_pending (store, NULL), ==, 3);

  integrate_dir (dir);
  g_assert_cmpint (oms_sync_buffer_count_pending (store, NULL), ==, 0);
  g_assert_cmpint (oms_sync_buffer_count_failed (store, NULL), ==, 2);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM sync_buffer "
                                              "WHERE integration_datetime IS NOT NULL"), ==, 2);

  /* Pulled again: the new copies are pending, integrated and win. */
  add (records, "item", "I1", "{\"ID\":\"I1\",\"item_name\":\"New\"}");
  add (records, "item", "I2", "{\"ID\":\"I2\",\"item_name\":\"Fixed\"}");
  store_records (store, records);
  g_assert_cmpint (oms_sync_buffer_count_pending (store, NULL), ==, 2);
  g_assert_cmpint (oms_sync_buffer_count_failed (store, NULL), ==, 1);
  integrate_dir (dir);
  g_assert_cmpint (oms_sync_buffer_count_pending (store, NULL), ==, 0);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM record WHERE id = 'I1' "
                                              "AND json_extract (data, '$.item_name') = 'New'"),
                   ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM record WHERE id = 'I2'"),
                   ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog "
                                              "WHERE record_id = 'I1' AND superseded = 0"), ==, 1);

  /* The failed one is tried again, fails again and keeps its error. */
  g_assert_true (oms_store_kv_set_int (store, OMS_KV_SYNC_CENTRAL_SERVER_SITE_ID, 7, &error));
  g_assert_no_error (error);
  oms_integrator_retry_async (dir, NULL, NULL, retry_cb, counts);
  while (!counts[2])
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (counts[0], ==, 1);
  g_assert_cmpint (counts[1], ==, 1);
  g_assert_cmpint (oms_sync_buffer_count_pending (store, NULL), ==, 0);
  g_assert_cmpint (oms_sync_buffer_count_failed (store, NULL), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM sync_buffer "
                                              "WHERE record_id = 'L2' "
                                              "AND integration_error IS NOT NULL"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oms/integrator/generic-and-typed", test_generic_and_typed);
  g_test_add_func ("/oms/integrator/outcomes-and-mark", test_outcomes_and_mark);
  g_test_add_func ("/oms/integrator/pull-supersedes-local-changes",
                   test_pull_supersedes_local_changes);

  return g_test_run ();
}

/* test-cli-status.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "oms-cli-hints.h"
#include "oms-cli-status.h"
#include "oms-sync-log.h"
#include "oms-test-util.h"

/* The rendering of omsync-cli on a store the test fills itself: no server needed. */

static void
test_format (void)
{
  g_autofree char *iso = oms_cli_format_iso_time (G_GINT64_CONSTANT (1795687445) * G_USEC_PER_SEC
                                                  + 123456);
  g_autofree char *d1 = oms_cli_format_duration (3);
  g_autofree char *d2 = oms_cli_format_duration (125);
  g_autofree char *d3 = oms_cli_format_duration (3600);

  g_assert_cmpstr (iso, ==, "2026-11-26T10:04:05Z");
  g_assert_null (oms_cli_format_iso_time (0));
  g_assert_cmpstr (d1, ==, "3 s");
  g_assert_cmpstr (d2, ==, "2 min 5 s");
  g_assert_cmpstr (d3, ==, "1 h");
}

static void
test_status_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsTestTmpDir) dir = oms_test_make_tmp_dir ("oms-cli-status-XXXXXX");
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(OmsSyncEngine) engine = NULL;
  g_autoptr(OmsSyncRun) run = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(JsonNode) history = NULL;
  g_autofree char *text = NULL;
  JsonObject *root;
  JsonObject *last;
  JsonObject *err;
  JsonArray *steps;
  gint64 now = G_GINT64_CONSTANT (1795687445) * G_USEC_PER_SEC;

  g_assert_no_error (error);
  store = oms_store_open (dir, &error);
  g_assert_no_error (error);

  /* A run that failed in Pull central with a connection error. */
  run = oms_sync_log_start_run (store, now, &error);
  g_assert_no_error (error);
  oms_sync_run_start_step (run, OMS_SYNC_STEP_PULL_CENTRAL, now);
  oms_sync_run_set_remaining (run, OMS_SYNC_STEP_PULL_CENTRAL, 10);
  g_assert_true (oms_sync_log_fail (store, run, "GET x -> refused", "CONNECTION_ERROR",
                                    now + 3 * G_USEC_PER_SEC, &error));
  g_assert_no_error (error);

  engine = oms_sync_engine_new (store);
  node = oms_cli_status_to_json (engine, "hw-1");
  root = json_node_get_object (node);

  g_assert_false (json_object_get_boolean_member (root, "configured"));
  g_assert_cmpstr (json_object_get_string_member (root, "mode"), ==, "unconfigured");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "site"),
                                                  "hardwareId"), ==, "hw-1");
  g_assert_true (json_object_get_null_member (root, "intervalSeconds"));
  g_assert_true (json_object_get_null_member (root, "lastSuccessfulSync"));

  last = json_object_get_object_member (root, "lastRun");
  g_assert_cmpstr (json_object_get_string_member (last, "started"), ==, "2026-11-26T10:04:05Z");
  g_assert_true (json_object_get_null_member (last, "finished"));
  g_assert_false (json_object_get_boolean_member (last, "interrupted"));
  err = json_object_get_object_member (last, "error");
  g_assert_cmpstr (json_object_get_string_member (err, "variant"), ==, "CONNECTION_ERROR");
  g_assert_cmpstr (json_object_get_string_member (err, "detail"), ==, "GET x -> refused");

  steps = json_object_get_array_member (last, "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, OMS_SYNC_N_STEPS);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, 0),
                                                  "step"), ==, "prepare_initial");
  g_assert_true (json_object_get_null_member (json_array_get_object_element (steps, 0),
                                              "started"));
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (steps, 3),
                                               "total"), ==, 10);
  g_assert_true (json_object_get_null_member (json_array_get_object_element (steps, 3),
                                              "finished"));

  runs = oms_sync_log_list (store, 10, &error);
  g_assert_no_error (error);
  history = oms_cli_history_to_json (runs);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (history)), ==, 1);

  text = oms_cli_run_to_text (g_ptr_array_index (runs, 0));
  g_assert_nonnull (strstr (text, "CONNECTION_ERROR"));

  g_assert_finalize_object (g_steal_pointer (&engine));
  g_assert_finalize_object (g_steal_pointer (&store));
}

static void
test_pending (void)
{
  OmsPushQueueCounts counts = { 3, 2, 1 };
  g_autoptr(JsonNode) node = oms_cli_pending_to_json (&counts);
  g_autofree char *json = json_to_string (node, FALSE);
  g_autofree char *text = oms_cli_pending_to_text (&counts);

  g_assert_cmpstr (json, ==, "{\"total\":3,\"v5\":2,\"v6\":1}");
  g_assert_nonnull (strstr (text, "3 records are waiting"));
}

/* What the CLI prints after a failed sync names CLI commands, never the window's buttons and
 * settings ("press Sync now", "in Synchronisation settings"), which a terminal does not have.
 */
static void
test_error_hints (void)
{
  for (OmsSyncErrorVariant v = OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR;
       v <= OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR; v++)
    {
      g_autoptr(GError) error = oms_sync_error_new (v, "GET /sync/v5/site failed", NULL, NULL);
      g_autofree char *text = oms_cli_error_to_text (error);
      const char *hint = oms_cli_error_hint (v);

      g_assert_nonnull (strstr (text, hint));
      g_assert_null (strstr (text, "Sync now"));
      g_assert_null (strstr (text, "Synchronisation settings"));
      g_assert_null (strstr (text, "press "));
      g_assert_null (strstr (text, "Press "));
      if (v != OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE &&
          v != OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED &&
          v != OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE)
        g_assert_nonnull (strstr (hint, "`omsync-cli "));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/oms/cli/format", test_format);
  g_test_add_func ("/oms/cli/status-json", test_status_json);
  g_test_add_func ("/oms/cli/pending", test_pending);
  g_test_add_func ("/oms/cli/error-hints", test_error_hints);

  return g_test_run ();
}

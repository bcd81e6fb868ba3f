/* test-sync-engine.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "oms-batch-size.h"
#include "oms-central-server.h"
#include "oms-coldchain-queries.h"
#include "oms-http-private.h"
#include "oms-http.h"
#include "oms-store-private.h"
#include "oms-sync-buffer.h"
#include "oms-sync-engine-private.h"
#include "oms-sync-lock.h"
#include "oms-sync-settings.h"
#include "oms-test-central.h"
#include "oms-test-util.h"

typedef struct
{
  char             *central_dir;
  char             *data_dir;
  OmsCentralServer *central;
  OmsStore         *store;
  OmsSyncEngine    *engine;
  char             *store_id;    /* the demo site's store */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_setenv ("OMSYNC_HARDWARE_ID", "test-machine-1", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  fixture->central_dir = oms_test_make_tmp_dir ("oms-central-XXXXXX");
  fixture->data_dir = oms_test_make_tmp_dir ("oms-site-XXXXXX");
  fixture->central = oms_test_central_new_demo (fixture->central_dir);
  fixture->store_id = oms_central_server_dup_store_id (fixture->central, "demo", &error);
  g_assert_no_error (error);

  fixture->store = oms_store_open (fixture->data_dir, &error);
  g_assert_no_error (error);
  fixture->engine = oms_sync_engine_new (fixture->store);
  oms_sync_engine_set_timing (fixture->engine, 20, 3000, 20, 3000);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_assert_finalize_object (fixture->engine);
  g_assert_finalize_object (fixture->store);
  g_assert_finalize_object (fixture->central);
  oms_test_remove_dir (fixture->central_dir);
  oms_test_remove_dir (fixture->data_dir);
  g_free (fixture->store_id);
  oms_test_remove_dir (fixture->central_dir);
  oms_test_remove_dir (fixture->data_dir);
  g_free (fixture->central_dir);
  g_free (fixture->data_dir);
}

static void
configure (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (oms_sync_engine_get_mode (fixture->engine), ==, OMS_SYNC_MODE_UNCONFIGURED);
  g_assert_true (oms_test_save_settings (fixture->store, fixture->central, "pass", &error));
  g_assert_no_error (error);
  oms_sync_engine_refresh (fixture->engine);
  g_assert_cmpint (oms_sync_engine_get_mode (fixture->engine), ==, OMS_SYNC_MODE_INITIALISING);
}

static void
configure_and_initialise (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  configure (fixture);
  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (oms_sync_engine_get_mode (fixture->engine), ==, OMS_SYNC_MODE_OPERATIONAL);
}

static void
test_settings_refused (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (oms_test_save_settings (fixture->store, fixture->central, "wrong", &error));
  g_assert_error (error, OMS_SYNC_ERROR, OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD);
  g_assert_false (oms_store_kv_has (fixture->store, OMS_KV_SYNC_URL, NULL));
  g_assert_false (oms_store_kv_has (fixture->store, OMS_KV_SYNC_PASSWORD_SHA256, NULL));
  g_clear_error (&error);

  {
    OmsTestResult r = { 0 };

    oms_sync_settings_save_async (fixture->store, "not a url", "demo", "pass", 300, NULL,
                                  oms_test_result_cb, &r);
    g_assert_true (oms_test_spin_until (&r.done, 120));
    g_assert_error (r.error, OMS_SYNC_ERROR, OMS_SYNC_ERROR_VARIANT_INVALID_URL);
    g_clear_error (&r.error);
  }
  g_assert_false (oms_store_kv_has (fixture->store, OMS_KV_SYNC_URL, NULL));

  /* A run before configuration is refused without touching the log. */
  g_assert_false (oms_test_run_sync (fixture->engine, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_log"), ==, 0);
}

static void
test_initialisation (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const OmsSyncRun *run;
  OmsPushQueueCounts counts;

  configure_and_initialise (fixture);

  run = oms_sync_engine_get_latest_run (fixture->engine);
  g_assert_nonnull (run);
  g_assert_cmpint (run->finished, !=, 0);
  g_assert_null (run->error_message);
  {
    gint64 last_successful = 0;
    int error_variant = -2;

    g_object_get (fixture->engine, "last-successful-sync", &last_successful,
                  "error-variant", &error_variant, NULL);
    g_assert_cmpint (last_successful, ==, run->finished);
    g_assert_cmpint (error_variant, ==, -1);
  }

  /* Initialisation: Prepare does work, the pushes are skipped but logged. */
  for (guint step = 0; step < OMS_SYNC_N_STEPS; step++)
    {
      g_assert_cmpint (run->steps[step].started, !=, 0);
      g_assert_cmpint (run->steps[step].finished, !=, 0);
    }
  g_assert_false (run->steps[OMS_SYNC_STEP_PUSH].has_total);
  g_assert_true (run->steps[OMS_SYNC_STEP_PULL_CENTRAL].has_total);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PULL_CENTRAL].done, ==,
                   run->steps[OMS_SYNC_STEP_PULL_CENTRAL].total);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PULL_REMOTE].total, >, 0);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_INTEGRATE].done, ==,
                   run->steps[OMS_SYNC_STEP_INTEGRATE].total);

  /* The demo district arrived in the typed tables, and the rest generically. */
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM store"), >, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM name"), >, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM location"), >, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sensor"), >, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM temperature_log"),
                   >, 100);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM asset"), >, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM record"), >, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE " OMS_SYNC_BUFFER_PENDING_SQL),
                   ==, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT count(*) FROM sync_buffer "
                                       "WHERE integration_error IS NOT NULL "
                                       "AND integration_error NOT LIKE 'Ignored:%'"), ==, 0);

  /* Integrated rows are sync updates, and the push cursors jumped past them. */
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM changelog "
                                                       "WHERE is_sync_update = 0"), ==, 0);
  g_assert_cmpint (oms_store_kv_get_int (fixture->store, OMS_KV_REMOTE_SYNC_PUSH_CURSOR, 0, NULL),
                   ==, oms_store_get_max_changelog_cursor (fixture->store, NULL) + 1);
  g_assert_cmpint (oms_store_kv_get_int (fixture->store, OMS_KV_SYNC_PUSH_CURSOR_V6, 0, NULL),
                   ==, oms_store_get_max_changelog_cursor (fixture->store, NULL) + 1);
  oms_sync_engine_get_push_queue (fixture->engine, &counts);
  g_assert_cmpint (counts.total, ==, 0);
}

static JsonObject *
object_from_json (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

static void
test_push_to_both_servers (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) sensor = NULL;
  g_autoptr(JsonObject) log_row = NULL;
  g_autoptr(JsonObject) asset_log = NULL;
  g_autoptr(JsonNode) received = NULL;
  g_autofree char *sensor_json = NULL;
  g_autofree char *received_text = NULL;
  g_autofree char *asset_id = NULL;
  OmsPushQueueCounts counts;
  const OmsSyncRun *run;

  configure_and_initialise (fixture);

  sensor_json = g_strdup_printf ("{\"id\":\"omsync-sensor-1\",\"name\":\"Vaccine fridge\","
                                 "\"serial\":\"AA:BB:CC:DD:EE:01\",\"store_id\":\"%s\","
                                 "\"battery_level\":87,\"log_interval\":5,\"is_active\":true,"
                                 "\"type\":\"BLUE_MAESTRO\"}",
                                 fixture->store_id);
  sensor = object_from_json (sensor_json);
  g_assert_true (oms_store_upsert_record (fixture->store, "sensor", sensor, OMS_ORIGIN_LOCAL,
                                          &error));
  {
    g_autofree char *json = g_strdup_printf ("{\"id\":\"omsync-log-1\",\"temperature\":4.5,"
                                             "\"sensor_id\":\"omsync-sensor-1\","
                                             "\"store_id\":\"%s\","
                                             "\"datetime\":\"2026-11-26T08:30:00\"}",
                                             fixture->store_id);

    log_row = object_from_json (json);
  }
  g_assert_true (oms_store_upsert_record (fixture->store, "temperature_log", log_row,
                                          OMS_ORIGIN_LOCAL, &error));

  /* An equipment status entry goes to the Open mSupply central. */
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (oms_store_get_db (fixture->store),
                                         "SELECT id FROM asset LIMIT 1", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    asset_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
  }
  {
    g_autofree char *json = g_strdup_printf ("{\"id\":\"omsync-asset-log-1\",\"asset_id\":\"%s\","
                                             "\"user_id\":\"omsync\",\"status\":\"FUNCTIONING\","
                                             "\"log_datetime\":\"2026-11-26T09:00:00\","
                                             "\"created_datetime\":\"2026-11-26T09:00:00\"}",
                                             asset_id);

    asset_log = object_from_json (json);
  }
  g_assert_true (oms_store_upsert_record (fixture->store, "asset_log", asset_log,
                                          OMS_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);

  /* Honest counts: two records for the legacy central, one for Open mSupply's. */
  oms_sync_engine_refresh (fixture->engine);
  oms_sync_engine_get_push_queue (fixture->engine, &counts);
  g_assert_cmpint (counts.v5, ==, 2);
  g_assert_cmpint (counts.v6, ==, 1);
  g_assert_cmpint (counts.total, ==, 3);

  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);

  run = oms_sync_engine_get_latest_run (fixture->engine);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PUSH].total, ==, 2);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PUSH].done, ==, 2);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PUSH_V6].total, ==, 1);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PUSH_V6].done, ==, 1);
  oms_sync_engine_get_push_queue (fixture->engine, &counts);
  g_assert_cmpint (counts.total, ==, 0);

  /* The centrals hold them in their own shapes. */
  received = oms_central_server_dup_received (fixture->central, "demo", &error);
  g_assert_no_error (error);
  received_text = json_to_string (received, FALSE);
  g_test_message ("received: %.2000s", received_text);
  g_assert_nonnull (strstr (received_text, "\"macAddress\":\"AA:BB:CC:DD:EE:01"));
  g_assert_nonnull (strstr (received_text, "omsync-log-1"));
  g_assert_nonnull (strstr (received_text, "\"sensor_ID\":\"omsync-sensor-1\""));
  g_assert_nonnull (strstr (received_text, "omsync-asset-log-1"));

  /* Nothing comes back as a change to push, and a third run has nothing to send. */
  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  run = oms_sync_engine_get_latest_run (fixture->engine);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PUSH].total, ==, 0);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PUSH_V6].total, ==, 0);
}

/* What the Cold chain page does (oms-coldchain-queries.c): acknowledging a breach goes to the
 * legacy central, an equipment status to the Open mSupply central.
 */
static void
test_push_acknowledgement_and_status (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) breach = NULL;
  g_autoptr(JsonNode) received = NULL;
  g_autofree char *breach_json = NULL;
  g_autofree char *received_text = NULL;
  g_autofree char *asset_id = NULL;
  g_autofree char *log_id = NULL;
  OmsPushQueueCounts counts;
  const OmsSyncRun *run;

  configure_and_initialise (fixture);

  breach_json = g_strdup_printf ("{\"id\":\"omsync-breach-1\",\"duration_milliseconds\":3600000,"
                                 "\"type\":\"HOT_CONSECUTIVE\",\"sensor_id\":\"omsync-sensor-1\","
                                 "\"store_id\":\"%s\",\"start_datetime\":\"2026-11-26T08:00:00\","
                                 "\"end_datetime\":\"2026-11-26T09:00:00\","
                                 "\"unacknowledged\":true,\"threshold_minimum\":2.0,"
                                 "\"threshold_maximum\":8.0,"
                                 "\"threshold_duration_milliseconds\":3600000}",
                                 fixture->store_id);
  breach = object_from_json (breach_json);
  g_assert_true (oms_store_upsert_record (fixture->store, "temperature_breach", breach,
                                          OMS_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);
  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);

  g_assert_true (oms_coldchain_acknowledge_breach (fixture->store, "omsync-breach-1",
                                                   "Door left open", &error));
  g_assert_no_error (error);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (oms_store_get_db (fixture->store),
                                         "SELECT id FROM asset LIMIT 1", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    asset_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
  }
  log_id = oms_coldchain_add_asset_status (fixture->store, asset_id,
                                           OMS_ASSET_STATUS_NEEDS_ATTENTION, &error);
  g_assert_no_error (error);
  g_assert_nonnull (log_id);

  oms_sync_engine_refresh (fixture->engine);
  oms_sync_engine_get_push_queue (fixture->engine, &counts);
  g_assert_cmpint (counts.v5, ==, 1);
  g_assert_cmpint (counts.v6, ==, 1);

  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  run = oms_sync_engine_get_latest_run (fixture->engine);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PUSH].done, ==, 1);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PUSH_V6].done, ==, 1);

  received = oms_central_server_dup_received (fixture->central, "demo", &error);
  g_assert_no_error (error);
  received_text = json_to_string (received, FALSE);
  g_test_message ("received: %.3000s", received_text);
  g_assert_nonnull (strstr (received_text, "\"acknowledged\":true"));
  g_assert_nonnull (strstr (received_text, "Door left open"));
  g_assert_nonnull (strstr (received_text, log_id));
  g_assert_nonnull (strstr (received_text, "FUNCTIONING_BUT_NEEDS_ATTENTION"));
}

static void
assert_run_fails_with (Fixture             *fixture,
                       OmsSyncErrorVariant  variant)
{
  g_autoptr(GError) error = NULL;
  OmsSyncErrorVariant stored = OMS_SYNC_ERROR_VARIANT_UNKNOWN;
  const char *detail = NULL;
  const OmsSyncRun *run;

  g_assert_false (oms_test_run_sync (fixture->engine, &error));
  g_assert_error (error, OMS_SYNC_ERROR, (int) variant);
  g_assert_true (oms_sync_engine_get_error (fixture->engine, &stored, &detail));
  g_assert_cmpint (stored, ==, variant);
  g_assert_nonnull (detail);
  g_assert_null (strstr (detail, "Basic "));

  /* The same, as properties the window and the command line listen to. */
  {
    g_autofree char *property_detail = NULL;
    int property_variant = -2;

    g_object_get (fixture->engine, "error-variant", &property_variant,
                  "error-detail", &property_detail, NULL);
    g_assert_cmpint (property_variant, ==, (int) variant);
    g_assert_cmpstr (property_detail, ==, detail);
  }

  run = oms_sync_engine_get_latest_run (fixture->engine);
  g_assert_cmpint (run->finished, ==, 0);
  g_assert_false (oms_sync_run_is_syncing (run));
  g_assert_false (oms_sync_engine_get_is_syncing (fixture->engine));
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  configure_and_initialise (fixture);

  /* The central's answers, mapped as Open mSupply maps them. */
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/sync/v5/central_records:status=503,"
                                               "body=Service unavailable",
                                               &error));
  assert_run_fails_with (fixture, OMS_SYNC_ERROR_VARIANT_UNKNOWN);
  oms_central_server_clear_faults (fixture->central, NULL);

  g_setenv ("OMSYNC_HARDWARE_ID", "another-machine", TRUE);
  assert_run_fails_with (fixture, OMS_SYNC_ERROR_VARIANT_HARDWARE_ID_MISMATCH);
  g_setenv ("OMSYNC_HARDWARE_ID", "test-machine-1", TRUE);

  /* The legacy central integrates for longer than omsync waits (3 s in this test). */
  oms_central_server_set_integration_delay (fixture->central, 4000);
  assert_run_fails_with (fixture, OMS_SYNC_ERROR_VARIANT_INTEGRATION_TIMEOUT_REACHED);
  oms_central_server_set_integration_delay (fixture->central, 0);

  /* Once it has finished, a run succeeds and becomes the last successful one. */
  oms_test_spin_for (1500);
  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_false (oms_sync_engine_get_error (fixture->engine, NULL, NULL));
}

typedef struct
{
  const char          *fault;
  OmsSyncErrorVariant  variant;
} FaultCase;

/* Each variant of PROTOCOL.md §5.3 from the condition the real servers answer it for. */
static void
test_every_error_variant (Fixture       *fixture,
                          gconstpointer  user_data)
{
  static const FaultCase cases[] = {
    { "/sync/v5/site:status=401,body={\"error\":{\"code\":\"site_name_not_found\","
      "\"message\":\"Site name not found\",\"data\":null}}",
      OMS_SYNC_ERROR_VARIANT_SITE_NAME_NOT_FOUND },
    { "/sync/v5/site:status=401,body={\"error\":{\"code\":\"site_incorrect_password\","
      "\"message\":\"Incorrect password\",\"data\":null}}",
      OMS_SYNC_ERROR_VARIANT_INCORRECT_PASSWORD },
    { "/sync/v5/central_records:status=401,body={\"error\":{\"code\":\"site_has_no_store\","
      "\"message\":\"Site has no store\",\"data\":null}}",
      OMS_SYNC_ERROR_VARIANT_SITE_HAS_NO_STORE },
    { "/sync/v5/queued_records:status=401,body={\"error\":{\"code\":\"site_auth_timeout\","
      "\"message\":\"Timed out\",\"data\":null}}",
      OMS_SYNC_ERROR_VARIANT_SITE_AUTH_TIMEOUT },
    { "/sync/v5/site:status=409,body={\"error\":{\"code\":\"api_version_incompatible\","
      "\"message\":\"Upgrade\",\"data\":{\"major\":1,\"minor\":1}}}",
      OMS_SYNC_ERROR_VARIANT_API_VERSION_INCOMPATIBLE },
    { "/central/sync/pull:status=200,body={\"error\":{\"syncVersionMismatch\":[0,4,5]}}",
      OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE },
    { "/central/sync/pull:status=200,body={\"error\":\"integrationInProgress\"}",
      OMS_SYNC_ERROR_VARIANT_UNKNOWN },
    { "/sync/v5/site:status=200,body={\"id\":\"x\",\"siteId\":2,"
      "\"initialisationStatus\":\"completed\",\"omSupplyCentralServerUrl\":\"\","
      "\"isOmSupplyCentralServer\":false,\"mSupplyCentralSiteId\":1}",
      OMS_SYNC_ERROR_VARIANT_CENTRAL_V6_NOT_CONFIGURED },
    { "/sync/v5/site:corrupt", OMS_SYNC_ERROR_VARIANT_UNKNOWN },
  };
  g_autoptr(GError) error = NULL;

  configure_and_initialise (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("fault %s", cases[i].fault);
      g_assert_true (oms_central_server_add_fault (fixture->central, cases[i].fault, &error));
      g_assert_no_error (error);
      assert_run_fails_with (fixture, cases[i].variant);
      oms_central_server_clear_faults (fixture->central, NULL);
    }

  /* Integration that cannot record its results aborts: INTEGRATION_ERROR, and the pulled
   * records stay pending for the next run.
   */
  g_assert_true (oms_central_server_add_central_record (fixture->central, "unit", "unit-late",
                                                        "insert",
                                                        "{\"ID\":\"unit-late\","
                                                        "\"units\":\"crate\","
                                                        "\"comment\":\"\","
                                                        "\"order_number\":9}",
                                                        &error));
  g_assert_no_error (error);
  g_assert_true (oms_store_exec (fixture->store,
                                 "CREATE TRIGGER refuse_marking BEFORE INSERT ON "
                                 "key_value_store WHEN NEW.id = '"
                                 OMS_KV_SYNC_BUFFER_INTEGRATED "' BEGIN "
                                 "SELECT RAISE (ABORT, 'disk full'); END;",
                                 &error));
  assert_run_fails_with (fixture, OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE record_id = 'unit-late' AND "
                                                       OMS_SYNC_BUFFER_PENDING_SQL), ==, 1);
  g_assert_true (oms_store_exec (fixture->store, "DROP TRIGGER refuse_marking", &error));
  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM record "
                                                       "WHERE id = 'unit-late'"), ==, 1);
}

static void
test_site_uuid_change_refused (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url_before = NULL;
  g_autofree char *url_after = NULL;

  configure_and_initialise (fixture);
  url_before = oms_store_kv_get_string (fixture->store, OMS_KV_SYNC_URL, NULL);

  /* This data belongs to another site of the central: pointing it elsewhere is refused. */
  g_assert_true (oms_store_kv_set_string (fixture->store, OMS_KV_SYNC_SITE_UUID,
                                          "another-site-uuid", &error));
  g_assert_false (oms_test_save_settings (fixture->store, fixture->central, "pass", &error));
  g_assert_error (error, OMS_SYNC_ERROR, OMS_SYNC_ERROR_VARIANT_SITE_UUID_IS_BEING_CHANGED);
  url_after = oms_store_kv_get_string (fixture->store, OMS_KV_SYNC_URL, NULL);
  g_assert_cmpstr (url_after, ==, url_before);
}

static void
test_connection_refused (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  configure_and_initialise (fixture);
  g_clear_object (&fixture->central);

  assert_run_fails_with (fixture, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR);

  /* Keep teardown simple: a fresh central that nobody talks to. */
  fixture->central = oms_central_server_new (fixture->central_dir, &error);
  g_assert_no_error (error);
}

static void
test_resume_after_failure (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 buffered_before;

  g_assert_true (oms_test_save_settings (fixture->store, fixture->central, "pass", &error));

  /* The first attempt at initialisation breaks off during Pull remote... */
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/sync/v5/acknowledged_records:status=500,"
                                               "times=1,body=boom",
                                               &error));
  g_assert_false (oms_test_run_sync (fixture->engine, &error));
  g_clear_error (&error);
  g_assert_cmpint (oms_sync_engine_get_mode (fixture->engine), ==, OMS_SYNC_MODE_INITIALISING);
  buffered_before = oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer");
  g_assert_cmpint (buffered_before, >, 0);

  /* ...and the retry resumes from the stored cursors, with no duplicates and no gaps. */
  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE " OMS_SYNC_BUFFER_PENDING_SQL),
                   ==, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT count(*) FROM changelog_deduped"), ==,
                   oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE integration_error IS NULL"));
}

static void
test_runs_never_overlap (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  OmsTestResult first = { 0 };
  OmsTestResult second = { 0 };

  g_assert_true (oms_test_save_settings (fixture->store, fixture->central, "pass", &error));

  oms_sync_engine_run_async (fixture->engine, NULL, oms_test_result_cb, &first);
  g_assert_true (oms_sync_engine_get_is_syncing (fixture->engine));
  oms_sync_engine_run_async (fixture->engine, NULL, oms_test_result_cb, &second);
  g_assert_true (oms_test_spin_until (&second.done, 120));
  g_assert_error (second.error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&second.error);

  g_assert_true (oms_test_spin_until (&first.done, 120));
  g_assert_no_error (first.error);
  g_assert_true (first.ok);
}

static void
test_another_program_syncing (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsSyncRun) run = NULL;
  g_autoptr(OmsSyncRun) latest = NULL;
  OmsSyncEngine *second;
  int lock_fd;

  g_assert_true (oms_test_save_settings (fixture->store, fixture->central, "pass", &error));

  /* Another program (the command line, say) is in the middle of a run... */
  lock_fd = oms_sync_lock_try (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (lock_fd, >=, 0);
  run = oms_sync_log_start_run (fixture->store, g_get_real_time (), &error);
  g_assert_no_error (error);

  /* ...so a run here is refused, and a new engine leaves that live run alone. */
  g_assert_false (oms_test_run_sync (fixture->engine, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);

  second = oms_sync_engine_new (fixture->store);
  latest = oms_sync_log_get_latest (fixture->store, &error);
  g_assert_cmpstr (latest->id, ==, run->id);
  g_assert_true (oms_sync_run_is_syncing (latest));
  g_assert_finalize_object (second);

  /* Once it is gone without finishing, the next engine closes its run as interrupted. */
  oms_sync_lock_release (lock_fd);
  second = oms_sync_engine_new (fixture->store);
  g_clear_pointer (&latest, oms_sync_run_free);
  latest = oms_sync_log_get_latest (fixture->store, &error);
  g_assert_true (latest->interrupted);
  g_assert_finalize_object (second);

  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
}

/* A second site seeded like the demo syncs its own store's records, under ids of its own. */
static void
test_second_site (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *north_store = NULL;
  g_autofree char *sql = NULL;
  OmsTestResult r = { 0 };

  g_assert_true (oms_central_server_add_site (fixture->central, "north", "secret", 7, &error));
  g_assert_true (oms_central_server_seed_site (fixture->central, "north", &error));
  g_assert_no_error (error);
  north_store = oms_central_server_dup_store_id (fixture->central, "north", &error);
  g_assert_cmpstr (north_store, !=, fixture->store_id);

  oms_sync_settings_save_async (fixture->store, oms_central_server_get_base_url (fixture->central),
                                "north", "secret", 300, NULL, oms_test_result_cb, &r);
  g_assert_true (oms_test_spin_until (&r.done, 120));
  g_assert_no_error (r.error);
  oms_sync_engine_refresh (fixture->engine);
  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);

  sql = g_strdup_printf ("SELECT count(*) FROM sensor WHERE store_id = '%s'", north_store);
  g_assert_cmpint (oms_test_query_int (fixture->store, sql), >, 0);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM sensor WHERE store_id != '%s'", north_store);
  g_assert_cmpint (oms_test_query_int (fixture->store, sql), ==, 0);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM asset WHERE store_id = '%s'", north_store);
  g_assert_cmpint (oms_test_query_int (fixture->store, sql), >, 0);
}

/* Batch sizes come from the store; odd sizes make every loop meet partial batches. */
static void
test_small_batches (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  OmsSyncBatchSizes sizes;
  gint64 buffered;

  oms_sync_settings_load_batch_sizes (fixture->store, &sizes);
  g_assert_cmpuint (sizes.central_pull, ==, 500);
  g_assert_cmpuint (sizes.remote_pull, ==, 500);
  g_assert_cmpuint (sizes.remote_push, ==, 1024);

  g_assert_true (oms_store_kv_set_int (fixture->store, OMS_KV_BATCH_CENTRAL_PULL, 7, &error));
  g_assert_true (oms_store_kv_set_int (fixture->store, OMS_KV_BATCH_REMOTE_PULL, 13, &error));
  g_assert_true (oms_store_kv_set_int (fixture->store, OMS_KV_BATCH_REMOTE_PUSH, 0, &error));
  oms_sync_settings_load_batch_sizes (fixture->store, &sizes);
  g_assert_cmpuint (sizes.central_pull, ==, 7);
  g_assert_cmpuint (sizes.remote_pull, ==, 13);
  g_assert_cmpuint (sizes.remote_push, ==, 1024);  /* out of range: the default */

  configure_and_initialise (fixture);

  /* Everything arrived, once: the same records a default run gets. */
  buffered = oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer");
  g_assert_cmpint (buffered, >, 2000);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE " OMS_SYNC_BUFFER_PENDING_SQL),
                   ==, 0);
  g_assert_cmpint (oms_sync_engine_get_latest_run (fixture->engine)
                     ->steps[OMS_SYNC_STEP_PULL_REMOTE].done, ==,
                   oms_sync_engine_get_latest_run (fixture->engine)
                     ->steps[OMS_SYNC_STEP_PULL_REMOTE].total);
}

/* The integrator's commit only writes the log; after the run a worker folds the log into the
 * database and truncates it, and says so through is-settling.
 */
static void
assert_durable_commits_cb (OmsSyncEngine *engine,
                           guint         *n_changes)
{
  g_assert_cmpint (oms_test_query_int (oms_sync_engine_get_store (engine), "PRAGMA synchronous"),
                   ==, 2);
  (*n_changes)++;
}

static void
test_checkpoint_after_run (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *wal = g_build_filename (fixture->data_dir, "omsync.sqlite-wal", NULL);
  gint64 deadline;
  GStatBuf st;
  guint n_changes = 0;
  gulong handler;

  /* The run's bookkeeping is committed relaxed, and only it: whenever the run tells the
   * views something, the main connection is back to durable commits.
   */
  handler = g_signal_connect (fixture->engine, "run-changed",
                              G_CALLBACK (assert_durable_commits_cb), &n_changes);
  configure_and_initialise (fixture);
  g_signal_handler_disconnect (fixture->engine, handler);
  g_assert_cmpuint (n_changes, >, 5);
  g_assert_true (oms_sync_engine_get_is_settling (fixture->engine));

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (oms_sync_engine_get_is_settling (fixture->engine) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (oms_sync_engine_get_is_settling (fixture->engine));

  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE " OMS_SYNC_BUFFER_PENDING_SQL),
                   ==, 0);
}

static gboolean
run_patient_sync (Fixture     *fixture,
                  const char  *patient_id,
                  GError     **error)
{
  OmsTestResult r = { 0 };

  oms_sync_engine_run_for_patient_async (fixture->engine, patient_id, NULL, oms_test_result_cb, &r);
  g_assert_true (oms_test_spin_until (&r.done, 120));
  if (r.error != NULL)
    g_propagate_error (error, r.error);

  return r.ok;
}

/* A manual sync that fetches one patient: Pull V6 asks for the patient's records only, and
 * the site's v6 cursor stays where it was; refused before the site is initialised.
 */
static void
test_patient_pull (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *join = NULL;
  g_autofree char *v1 = NULL;
  g_autofree char *v2 = NULL;
  gint64 cursor_before;

  g_assert_false (run_patient_sync (fixture, "P1", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  g_clear_error (&error);

  configure_and_initialise (fixture);
  cursor_before = oms_store_kv_get_int (fixture->store, OMS_KV_SYNC_PULL_CURSOR_V6, 0, &error);
  g_assert_no_error (error);

  join = g_strdup_printf ("{\"id\":\"NSJ-P1\",\"name_id\":\"P1\",\"store_id\":\"%s\"}",
                          fixture->store_id);
  v1 = g_strdup_printf ("{\"id\":\"VAX-1\",\"name_id\":\"P1\",\"store_id\":\"%s\"}",
                        fixture->store_id);
  v2 = g_strdup_printf ("{\"id\":\"VAX-2\",\"name_id\":\"P2\",\"store_id\":\"%s\"}",
                        fixture->store_id);
  g_assert_true (oms_central_server_add_v6_record (fixture->central, "name_store_join",
                                                   "NSJ-P1", "Update", fixture->store_id, 0,
                                                   join, &error));
  g_assert_true (oms_central_server_add_v6_record (fixture->central, "vaccination", "VAX-1",
                                                   "Update", fixture->store_id, 0, v1, &error));
  g_assert_true (oms_central_server_add_v6_record (fixture->central, "vaccination", "VAX-2",
                                                   "Update", fixture->store_id, 0, v2, &error));
  g_assert_no_error (error);

  g_assert_true (run_patient_sync (fixture, "P1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE record_id IN ('NSJ-P1', 'VAX-1') "
                                                       "AND source_site_id IS NULL"), ==, 2);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE record_id = 'VAX-2'"), ==, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM record "
                                                       "WHERE table_name = 'vaccination' "
                                                       "AND id = 'VAX-1'"), ==, 1);
  g_assert_cmpint (oms_store_kv_get_int (fixture->store, OMS_KV_SYNC_PULL_CURSOR_V6, 0, NULL),
                   ==, cursor_before);

  /* A patient known to no store of this site is not this site's to fetch. */
  g_assert_true (oms_central_server_add_v6_record (fixture->central, "vaccination", "VAX-3",
                                                   "Update", NULL, 0,
                                                   "{\"id\":\"VAX-3\",\"name_id\":\"P3\"}",
                                                   &error));
  g_assert_no_error (error);
  g_assert_true (run_patient_sync (fixture, "P3", &error));
  g_assert_no_error (error);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE record_id = 'VAX-3'"), ==, 0);

  /* The next ordinary run fetches what the patient pulls left. */
  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE record_id = 'VAX-2'"), ==, 1);
}

/* Runs @sql on the central's database with the site's store attached as "site". */
static gint64
count_central_vs_site (Fixture    *fixture,
                       const char *sql)
{
  g_autofree char *central_path = g_build_filename (fixture->central_dir, "central.sqlite", NULL);
  g_autofree char *site_path = g_build_filename (fixture->data_dir, "omsync.sqlite", NULL);
  g_autofree char *attach = g_strdup_printf ("ATTACH 'file:%s?mode=ro' AS site", site_path);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (central_path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                                    NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, attach, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return n;
}

/* How many of the central's records the site's buffer does not hold. */
static gint64
count_central_missing (Fixture *fixture)
{
  return count_central_vs_site (fixture,
                                "SELECT count(*) FROM central_record c WHERE NOT EXISTS "
                                "(SELECT 1 FROM site.sync_buffer b "
                                "WHERE b.record_id = c.record_id)");
}

/* Pull central asks for the next batch while it stores the last one. A failure in the middle
 * leaves exactly a prefix of the central's records stored, up to the stored cursor, and the
 * next run goes on from there without gaps.
 */
static void
test_pipelined_pull_fails_mid_way (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  gint64 cursor;

  /* Batches of 7, so that several go before the failure (the demo's central has a few
   * dozen central records).
   */
  g_assert_true (oms_store_kv_set_int (fixture->store, OMS_KV_BATCH_CENTRAL_PULL, 7, &error));
  g_assert_true (oms_store_kv_set_int (fixture->store, OMS_KV_BATCH_MAX_RECORDS, 7, &error));
  g_assert_true (oms_test_save_settings (fixture->store, fixture->central, "pass", &error));
  g_assert_no_error (error);

  /* The first request from cursor 40 on fails; the batches before it are answered, and one
   * of them is still being stored when it does.
   */
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/sync/v5/central_records:status=500,times=1,"
                                               "from-cursor=40,body=boom",
                                               &error));
  g_assert_no_error (error);
  g_assert_false (oms_test_run_sync (fixture->engine, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  cursor = oms_store_kv_get_int (fixture->store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cursor, >=, 40);

  /* No gap below the cursor... */
  sql = g_strdup_printf ("SELECT count(*) FROM central_record c WHERE c.id <= %" G_GINT64_FORMAT
                         " AND NOT EXISTS (SELECT 1 FROM site.sync_buffer b "
                         "WHERE b.record_id = c.record_id)", cursor);
  g_assert_cmpint (count_central_vs_site (fixture, sql), ==, 0);
  g_clear_pointer (&sql, g_free);

  /* ...and nothing stored above it. */
  sql = g_strdup_printf ("SELECT count(*) FROM site.sync_buffer b WHERE NOT EXISTS "
                         "(SELECT 1 FROM central_record c WHERE c.record_id = b.record_id "
                         "AND c.id <= %" G_GINT64_FORMAT ")", cursor);
  g_assert_cmpint (count_central_vs_site (fixture, sql), ==, 0);

  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_central_missing (fixture), ==, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE " OMS_SYNC_BUFFER_PENDING_SQL),
                   ==, 0);
}

typedef struct
{
  GCancellable *cancellable;
} MidPullCancel;

static void
cancel_mid_pull_cb (OmsSyncEngine *engine,
                    gpointer       user_data)
{
  MidPullCancel *mid = user_data;
  const OmsSyncRun *run = oms_sync_engine_get_latest_run (engine);

  if (run != NULL && run->steps[OMS_SYNC_STEP_PULL_CENTRAL].done >= 30)
    g_cancellable_cancel (mid->cancellable);
}

/* Cancelling while a batch is being fetched and another written ends the run as interrupted,
 * once both are done: what is stored is a whole prefix, and the next run completes it.
 */
static void
test_pipelined_pull_cancelled (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  MidPullCancel mid = { cancellable };
  OmsTestResult r = { 0 };
  gint64 cursor;
  gulong handler;

  g_assert_true (oms_store_kv_set_int (fixture->store, OMS_KV_BATCH_CENTRAL_PULL, 7, &error));
  g_assert_true (oms_test_save_settings (fixture->store, fixture->central, "pass", &error));
  g_assert_no_error (error);

  handler = g_signal_connect (fixture->engine, "run-changed", G_CALLBACK (cancel_mid_pull_cb),
                              &mid);
  oms_sync_engine_run_async (fixture->engine, cancellable, oms_test_result_cb, &r);
  g_assert_true (oms_test_spin_until (&r.done, 120));
  g_clear_signal_handler (&handler, fixture->engine);
  g_assert_false (r.ok);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  g_assert_true (oms_sync_engine_get_latest_run (fixture->engine)->interrupted);
  g_assert_false (oms_sync_engine_get_is_syncing (fixture->engine));

  cursor = oms_store_kv_get_int (fixture->store, OMS_KV_CENTRAL_SYNC_PULL_CURSOR, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cursor, >, 0);
  sql = g_strdup_printf ("SELECT count(*) FROM central_record c WHERE c.id <= %" G_GINT64_FORMAT
                         " AND NOT EXISTS (SELECT 1 FROM site.sync_buffer b "
                         "WHERE b.record_id = c.record_id)", cursor);
  g_assert_cmpint (count_central_vs_site (fixture, sql), ==, 0);

  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_central_missing (fixture), ==, 0);
}

/* Records SQLite's road does not take (a merge, a record id that looks like JSON) make their
 * batch go through the full parser, in its place in the pull; the others stay on the fast road.
 */
static void
test_pull_odd_records (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_central_server_add_central_record (fixture->central, "item", "[odd]",
                                                        "insert", "{\"ID\":\"[odd]\"}",
                                                        &error));
  g_assert_true (oms_central_server_add_central_record (fixture->central, "item", "KEEP",
                                                        "merge",
                                                        "{\"mergeIdToKeep\":\"KEEP\","
                                                        "\"mergeIdToDelete\":\"GONE\"}",
                                                        &error));
  g_assert_true (oms_central_server_add_central_record (fixture->central, "item", "AFTER",
                                                        "insert", "{\"ID\":\"AFTER\"}",
                                                        &error));
  g_assert_no_error (error);

  g_assert_true (oms_store_kv_set_int (fixture->store, OMS_KV_BATCH_CENTRAL_PULL, 50, &error));
  configure_and_initialise (fixture);

  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT count(*) FROM sync_buffer "
                                       "WHERE record_id = '[odd]' AND action = 'UPSERT' "
                                       "AND integration_error IS NULL"), ==, 1);
  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT count(*) FROM sync_buffer "
                                       "WHERE action = 'MERGE' AND table_name = 'item' "
                                       "AND integration_error = "
                                       "'Ignored: No mergeable item links found'"), ==, 1);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM record "
                                                       "WHERE id = 'AFTER'"), ==, 1);
  g_assert_cmpint (count_central_vs_site (fixture,
                                          "SELECT count(*) FROM central_record c "
                                          "WHERE c.action != 'merge' AND NOT EXISTS "
                                          "(SELECT 1 FROM site.sync_buffer b "
                                          "WHERE b.record_id = c.record_id)"), ==, 0);
}

/*
 * Adaptive pull batches (oms-batch-size.c)
 */

/* The batch sizes the latest run asked for in @step, from its batch_sizes as saved. */
static GArray *
saved_batch_sizes (Fixture    *fixture,
                   const char *step)
{
  g_autoptr(OmsSyncRun) run = oms_sync_log_get_latest (fixture->store, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GArray *sizes = g_array_new (FALSE, FALSE, sizeof (guint));
  JsonObject *object;
  JsonArray *array;

  g_assert_nonnull (run);
  g_assert_nonnull (run->batch_sizes);
  g_assert_true (json_parser_load_from_data (parser, run->batch_sizes, -1, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (object, step));
  array = json_object_get_array_member (object, step);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      guint size = (guint) json_array_get_int_element (array, i);

      g_array_append_val (sizes, size);
    }

  return sizes;
}

static guint
size_at (GArray *sizes,
         guint   index)
{
  g_assert_cmpuint (index, <, sizes->len);
  return g_array_index (sizes, guint, index);
}

/* On a line where each request waits (the latency fault) and bodies are small, the second
 * batch asks for twice the first, and the third for as many more as one step allows (the
 * round trip is nearly all of a batch's time); the run's log says so, and the next run starts
 * where it ended.
 */
static void
test_batches_grow_on_latency (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sizes = NULL;
  gint32 stored;

  g_assert_true (oms_store_kv_set_int (fixture->store, OMS_KV_BATCH_CENTRAL_PULL, 4, &error));
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/sync/v5/central_records:latency=300", &error));
  g_assert_no_error (error);
  configure_and_initialise (fixture);

  sizes = saved_batch_sizes (fixture, "pull_central");
  g_assert_cmpuint (sizes->len, >=, 3);
  g_assert_cmpuint (size_at (sizes, 0), ==, 4);
  g_assert_cmpuint (size_at (sizes, 1), ==, 8);
  g_assert_cmpuint (size_at (sizes, 2), ==, 64);

  stored = oms_store_kv_get_int (fixture->store, OMS_KV_BATCH_CENTRAL_PULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (stored, >=, 64);
  g_assert_cmpint (stored, <=, OMS_BATCH_SIZE_DEFAULT_MAX_RECORDS);

  /* The other pull steps are in the log too, each from its own stored size; Pull remote from
   * where Pull central ended when that is larger (the line it just measured).
   */
  g_clear_pointer (&sizes, g_array_unref);
  sizes = saved_batch_sizes (fixture, "pull_remote");
  g_test_message ("Pull central ended at %d; Pull remote started at %u", stored,
                  size_at (sizes, 0));
  g_assert_cmpuint (size_at (sizes, 0), ==, MAX (OMS_SYNC_BATCH_REMOTE_PULL, (guint) stored));
  g_clear_pointer (&sizes, g_array_unref);
  sizes = saved_batch_sizes (fixture, "pull_v6");
  g_assert_cmpuint (size_at (sizes, 0), ==, 4);
}

/* A central that gives fewer records than asked while it has more: every batch after the
 * first asks for what it gives, and no record is missed.
 */
static void
test_batches_respect_capped_server (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sizes = NULL;

  g_assert_true (oms_store_kv_set_int (fixture->store, OMS_KV_BATCH_CENTRAL_PULL, 20, &error));
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/sync/v5/central_records:max-records=7",
                                               &error));
  g_assert_no_error (error);
  configure_and_initialise (fixture);

  sizes = saved_batch_sizes (fixture, "pull_central");
  g_assert_cmpuint (sizes->len, >=, 3);
  g_assert_cmpuint (size_at (sizes, 0), ==, 20);
  for (guint i = 1; i < sizes->len; i++)
    g_assert_cmpuint (size_at (sizes, i), ==, 7);

  g_assert_cmpint (count_central_missing (fixture), ==, 0);
}

/* A pull that stalls ends the run as before, and the next run starts at half the size. */
static void
test_batches_shrink_after_timeout (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) sizes = NULL;

  g_assert_true (oms_store_kv_set_int (fixture->store, OMS_KV_BATCH_CENTRAL_PULL, 400, &error));
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/sync/v5/central_records:hang", &error));
  g_assert_no_error (error);
  configure (fixture);

  /* A one second idle timeout. */
  _oms_http_set_timeout_scale (1.0, 1.0 / OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS);
  g_assert_false (oms_test_run_sync (fixture->engine, &error));
  _oms_http_set_timeout_scale (1.0, 1.0);
  g_assert_error (error, OMS_SYNC_ERROR, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR);
  g_clear_error (&error);

  sizes = saved_batch_sizes (fixture, "pull_central");
  g_assert_cmpuint (sizes->len, ==, 1);
  g_assert_cmpuint (size_at (sizes, 0), ==, 400);
  g_assert_cmpint (oms_store_kv_get_int (fixture->store, OMS_KV_BATCH_CENTRAL_PULL, 0, NULL),
                   ==, 200);

  oms_central_server_clear_faults (fixture->central, NULL);
  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  g_clear_pointer (&sizes, g_array_unref);
  sizes = saved_batch_sizes (fixture, "pull_central");
  g_assert_cmpuint (size_at (sizes, 0), ==, 200);
}

static void
add_central (Fixture    *fixture,
             const char *table,
             const char *record_id,
             const char *action,
             const char *data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = data != NULL ? g_strdelimit (g_strdup (data), "'", '"') : NULL;

  g_assert_true (oms_central_server_add_central_record (fixture->central, table, record_id,
                                                        action, json, &error));
  g_assert_no_error (error);
}

static void
add_central_name (Fixture    *fixture,
                  const char *id)
{
  g_autofree char *data =
    g_strdup_printf ("{'ID':'%s','name':'%s','code':'%s','type':'facility','customer':true,"
                     "'supplier':false,'female':false,'manufacturer':false,'donor':false,"
                     "'hold':false,'isDeceased':false,'created_date':'2021-09-03'}",
                     id, id, id);

  add_central (fixture, "name", id, "insert", data);
}

static void
add_central_join (Fixture    *fixture,
                  const char *id,
                  const char *name_id,
                  const char *store_id)
{
  g_autofree char *data =
    g_strdup_printf ("{'ID':'%s','name_ID':'%s','store_ID':'%s','inactive':false,"
                     "'om_name_is_customer':true,'om_name_is_supplier':false}",
                     id, name_id, store_id);

  add_central (fixture, "name_store_join", id, "insert", data);
}

static void
add_central_merge (Fixture    *fixture,
                   const char *table,
                   const char *keep,
                   const char *gone)
{
  g_autofree char *data = g_strdup_printf ("{'mergeIdToKeep':'%s','mergeIdToDelete':'%s'}",
                                           keep, gone);

  add_central (fixture, table, keep, "merge", data);
}

/* Merges arrive in a pull like any record, ahead of records they depend on, and are
 * integrated after the pull's upserts and deletes (PROTOCOL.md §7). Their writes are sync
 * updates, so nothing of them is pushed back.
 */
static void
test_pull_merges (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) received = NULL;
  g_autofree char *sql = NULL;
  OmsPushQueueCounts counts;
  const OmsSyncRun *run;
  gint64 cursor;

  /* Two names the demo store sees, and one another store sees. */
  add_central_name (fixture, "NAME_KEEP");
  add_central_name (fixture, "NAME_GONE");
  add_central_join (fixture, "J_KEEP", "NAME_KEEP", fixture->store_id);
  add_central_join (fixture, "J_GONE", "NAME_GONE", fixture->store_id);
  add_central_join (fixture, "J_OTHER", "NAME_GONE", "OTHER_STORE");
  configure_and_initialise (fixture);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM name_link "
                                                       "WHERE id IN ('NAME_KEEP', 'NAME_GONE') "
                                                       "AND name_id = id"), ==, 2);
  cursor = oms_store_get_max_changelog_cursor (fixture->store, &error);
  g_assert_no_error (error);

  /* The merges come first in the central's log: integrated in log order, they would find
   * nothing to merge. The central also deletes J_KEEP: integrated before the merge, that
   * leaves J_GONE as the store's only join, which the merge must not take for a duplicate.
   */
  add_central_merge (fixture, "item", "ITEM_KEEP", "ITEM_GONE");
  add_central_merge (fixture, "name", "NAME_KEEP", "NAME_GONE");
  add_central_merge (fixture, "clinician", "CLIN_KEEP", "CLIN_GONE");
  add_central (fixture, "item", "ITEM_KEEP", "insert", "{'ID':'ITEM_KEEP','item_name':'Keep'}");
  add_central (fixture, "item", "ITEM_GONE", "insert", "{'ID':'ITEM_GONE','item_name':'Gone'}");
  add_central (fixture, "clinician", "CLIN_KEEP", "insert", "{'ID':'CLIN_KEEP'}");
  add_central (fixture, "clinician", "CLIN_GONE", "insert", "{'ID':'CLIN_GONE'}");
  add_central (fixture, "name_store_join", "J_KEEP", "delete", NULL);

  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);

  /* Buffered under fresh UUIDv7 ids, next to the upserts of the records they name. */
  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT count(*) FROM sync_buffer WHERE action = 'MERGE' "
                                       "AND length (record_id) = 36 "
                                       "AND substr (record_id, 15, 1) = '7' "
                                       "AND record_id NOT IN "
                                       "('ITEM_KEEP', 'NAME_KEEP', 'CLIN_KEEP') "
                                       "AND source_site_id IS NOT NULL "
                                       "AND NOT " OMS_SYNC_BUFFER_PENDING_SQL
                                       " AND integration_error IS NULL"), ==, 3);
  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT count(*) FROM sync_buffer WHERE action = 'UPSERT' "
                                       "AND record_id IN ('ITEM_KEEP', 'CLIN_KEEP') "
                                       "AND integration_error IS NULL"), ==, 2);

  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT count(*) FROM item_link WHERE item_id = 'ITEM_KEEP' "
                                       "AND id IN ('ITEM_KEEP', 'ITEM_GONE')"), ==, 2);
  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT count(*) FROM clinician_link "
                                       "WHERE clinician_id = 'CLIN_KEEP' "
                                       "AND id IN ('CLIN_KEEP', 'CLIN_GONE')"), ==, 2);
  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT count(*) FROM name_link WHERE name_id = 'NAME_KEEP' "
                                       "AND id IN ('NAME_KEEP', 'NAME_GONE')"), ==, 2);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM name "
                                                       "WHERE id = 'NAME_GONE'"), ==, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM record WHERE "
                                                       "table_name = 'name_store_join' AND id IN "
                                                       "('J_KEEP', 'J_GONE', 'J_OTHER')"), ==, 2);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM record WHERE "
                                                       "id = 'J_KEEP'"), ==, 0);

  /* Everything the run wrote is a sync update from the legacy central. */
  sql = g_strdup_printf ("SELECT count(*) FROM changelog WHERE cursor > %" G_GINT64_FORMAT
                         " AND is_sync_update = 1 AND source_site_id = (SELECT source_site_id "
                         "FROM sync_buffer WHERE action = 'MERGE' LIMIT 1)", cursor);
  g_assert_cmpint (oms_test_query_int (fixture->store, sql), ==,
                   oms_store_get_max_changelog_cursor (fixture->store, NULL) - cursor);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("SELECT count(*) FROM changelog WHERE cursor > %" G_GINT64_FORMAT
                         " AND table_name = 'name' AND record_id = 'NAME_GONE' "
                         "AND row_action = 'DELETE'", cursor);
  g_assert_cmpint (oms_test_query_int (fixture->store, sql), ==, 1);
  oms_sync_engine_get_push_queue (fixture->engine, &counts);
  g_assert_cmpint (counts.total, ==, 0);

  /* The next run pushes nothing at all. */
  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  run = oms_sync_engine_get_latest_run (fixture->engine);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PUSH].total, ==, 0);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PUSH_V6].total, ==, 0);
  received = oms_central_server_dup_received (fixture->central, "demo", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (received), "records")), ==, 0);
}

/*
 * A hostile or stalled central (omsync issue 10)
 */

/* What a failed run must leave as it was: cursors, buffered and stored records, the changelog. */
typedef struct
{
  gint64 cursors[4];
  gint64 buffered;
  gint64 records;
  gint64 changelog;
} SiteState;

static void
read_site_state (OmsStore  *store,
                 SiteState *state)
{
  static const char * const keys[] = {
    OMS_KV_CENTRAL_SYNC_PULL_CURSOR, OMS_KV_SYNC_PULL_CURSOR_V6,
    OMS_KV_REMOTE_SYNC_PUSH_CURSOR, OMS_KV_SYNC_PUSH_CURSOR_V6,
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    state->cursors[i] = oms_store_kv_get_int (store, keys[i], -1, NULL);
  state->buffered = oms_test_query_int (store, "SELECT count(*) FROM sync_buffer");
  state->records = oms_test_query_int (store, "SELECT count(*) FROM record");
  state->changelog = oms_test_query_int (store, "SELECT count(*) FROM changelog");
}

/* The stall tests store the shortest idle timeout the settings take (5 s) and scale it to 1 s;
 * a run they stall must end well within this (it takes about 2 s), where the old fixed 300 s
 * read timeout, scaled alike, took a minute.
 */
#define STALLED_RUN_LIMIT_SECONDS 30

static void
use_short_idle_timeout (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_sync_settings_save_idle_timeout (fixture->store,
                                                      OMS_SYNC_MIN_IDLE_TIMEOUT_SECONDS, &error));
  g_assert_no_error (error);
  _oms_http_set_timeout_scale (1.0, 1.0 / OMS_SYNC_MIN_IDLE_TIMEOUT_SECONDS);
}

/* Runs once with @fault set, which must fail the run within STALLED_RUN_LIMIT_SECONDS in
 * @step (-1: before any step) with @variant and @code; returns its message.
 */
static char *
run_with_fault (Fixture             *fixture,
                const char          *fault,
                int                  step,
                OmsSyncErrorVariant  variant,
                OmsProtocolError     code)
{
  g_autoptr(GError) error = NULL;
  OmsProtocolError got = OMS_PROTOCOL_ERROR_CONNECTION;

  OmsTestResult r = { 0 };

  g_assert_true (oms_central_server_add_fault (fixture->central, fault, &error));
  g_assert_no_error (error);
  oms_sync_engine_run_async (fixture->engine, NULL, oms_test_result_cb, &r);
  g_assert_true (oms_test_spin_until (&r.done, STALLED_RUN_LIMIT_SECONDS));
  oms_central_server_clear_faults (fixture->central, NULL);
  g_assert_false (r.ok);
  error = g_steal_pointer (&r.error);

  g_test_message ("%.60s…: %s", fault, error->message);
  g_assert_error (error, OMS_SYNC_ERROR, (int) variant);
  g_assert_true (oms_sync_error_get_protocol_error (error, &got));
  g_assert_cmpint (got, ==, code);
  g_assert_cmpint (oms_sync_run_get_open_step (oms_sync_engine_get_latest_run (fixture->engine)),
                   ==, step);

  return g_strdup (error->message);
}

static void
assert_same_site_state (const SiteState *before,
                        const SiteState *after)
{
  for (guint i = 0; i < G_N_ELEMENTS (before->cursors); i++)
    g_assert_cmpint (after->cursors[i], ==, before->cursors[i]);
  g_assert_cmpint (after->buffered, ==, before->buffered);
  g_assert_cmpint (after->records, ==, before->records);
  g_assert_cmpint (after->changelog, ==, before->changelog);
}

/* 150 KB of nested brackets from each route a run reads: the run fails in that step with the
 * body refused unread, and nothing of it is stored.
 */
static void
test_hostile_bodies (Fixture       *fixture,
                     gconstpointer  user_data)
{
  static const struct
  {
    const char *route;
    int         step;
  } cases[] = {
    { "/sync/v5/site", -1 },
    { "/sync/v5/central_records", OMS_SYNC_STEP_PULL_CENTRAL },
    { "/sync/v5/queued_records", OMS_SYNC_STEP_PUSH },
    { "/central/sync/pull", OMS_SYNC_STEP_PULL_V6 },
  };
  g_autofree char *brackets = g_malloc (150001);
  g_autoptr(GError) error = NULL;

  memset (brackets, '[', 75000);
  memset (brackets + 75000, ']', 75000);
  brackets[150000] = '\0';

  configure_and_initialise (fixture);
  /* Something for Pull V6, the last step, so a stored cursor would show. */
  g_assert_true (oms_central_server_add_v6_record (fixture->central, "vaccination", "VAX-NEW",
                                                   "Update", fixture->store_id, 0,
                                                   "{\"id\":\"VAX-NEW\",\"name_id\":\"P1\"}",
                                                   &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *fault = g_strdup_printf ("%s:status=200,body=%s", cases[i].route,
                                                brackets);
      g_autofree char *message = NULL;
      SiteState before;
      SiteState after;

      read_site_state (fixture->store, &before);
      message = run_with_fault (fixture, fault, cases[i].step, OMS_SYNC_ERROR_VARIANT_UNKNOWN,
                                OMS_PROTOCOL_ERROR_RESPONSE_PARSING);
      g_assert_nonnull (strstr (message, "sent a response omsync cannot read"));
      g_assert_nonnull (strstr (message, cases[i].route));
      read_site_state (fixture->store, &after);
      assert_same_site_state (&before, &after);
    }

  /* The same central, answering again: the record arrives. */
  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE record_id = 'VAX-NEW'"), ==, 1);
}

/* Settings checked against a central whose site answer is 150 KB of brackets are refused, and
 * nothing is stored.
 */
static void
test_hostile_settings (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *brackets = g_malloc (150001);
  g_autofree char *fault = NULL;
  g_autoptr(GError) error = NULL;
  OmsProtocolError code = OMS_PROTOCOL_ERROR_CONNECTION;

  memset (brackets, '[', 75000);
  memset (brackets + 75000, ']', 75000);
  brackets[150000] = '\0';
  fault = g_strdup_printf ("/sync/v5/site:status=200,body=%s", brackets);
  g_assert_true (oms_central_server_add_fault (fixture->central, fault, &error));

  g_assert_false (oms_test_save_settings (fixture->store, fixture->central, "pass", &error));
  g_assert_error (error, OMS_SYNC_ERROR, OMS_SYNC_ERROR_VARIANT_UNKNOWN);
  g_assert_true (oms_sync_error_get_protocol_error (error, &code));
  g_assert_cmpint (code, ==, OMS_PROTOCOL_ERROR_RESPONSE_PARSING);
  g_assert_nonnull (strstr (error->message, "sent a response omsync cannot read"));
  g_assert_false (oms_store_kv_has (fixture->store, OMS_KV_SYNC_URL, NULL));
  g_assert_false (oms_store_kv_has (fixture->store, OMS_KV_SYNC_SITE_UUID, NULL));
}

/* How many attempts one run that succeeds starts: the baseline the stall tests add to. */
static guint
attempts_of_a_run (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  guint before = _oms_http_get_n_attempts ();

  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  return _oms_http_get_n_attempts () - before;
}

/* A central that takes a request and never answers: after the idle timeout (5 s stored, scaled
 * to 1 s here; 60 s by default) it has stopped answering; the stalled request is tried once
 * more, then the run ends with a connection error. The next run, once the central answers
 * again, succeeds. On a legacy sync route the central counts a request as the site's running
 * sync until its client leaves: the retry must not be refused with `sync_is_running`.
 */
static void
test_stalled_central (Fixture       *fixture,
                      gconstpointer  user_data)
{
  static const struct
  {
    const char *fault;
    const char *route;
    int         step;
  } cases[] = {
    { "/sync/v5/site:hang", "/sync/v5/site", -1 },
    { "/central/sync/pull:hang", "/central/sync/pull", OMS_SYNC_STEP_PULL_V6 },
    { "/sync/v5/central_records:hang", "/sync/v5/central_records", OMS_SYNC_STEP_PULL_CENTRAL },
  };
  g_autoptr(GError) error = NULL;
  guint baseline;

  configure_and_initialise (fixture);
  use_short_idle_timeout (fixture);
  baseline = attempts_of_a_run (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *message = NULL;
      guint before = _oms_http_get_n_attempts ();
      guint extra;

      message = run_with_fault (fixture, cases[i].fault, cases[i].step,
                                OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR,
                                OMS_PROTOCOL_ERROR_CONNECTION);
      g_assert_nonnull (strstr (message, "The server stopped answering"));
      g_assert_nonnull (strstr (message, cases[i].route));

      /* The run stopped at the stalled request, which was tried exactly twice: one attempt
       * more than a run that gets that far, no fewer requests before it.
       */
      extra = _oms_http_get_n_attempts () - before;
      if (cases[i].step < 0)
        g_assert_cmpuint (extra, ==, 2);
      else
        g_assert_cmpuint (extra, <=, baseline + 1);
      g_assert_cmpuint (extra, >=, 2);

      g_assert_cmpuint (attempts_of_a_run (fixture), ==, baseline);
    }

  /* One stall, then an answer: the second attempt carries the run. */
  g_assert_true (oms_central_server_add_fault (fixture->central, "/sync/v5/site:hang,times=1",
                                               &error));
  g_assert_cmpuint (attempts_of_a_run (fixture), ==, baseline + 1);

  /* Two stalls end the run; the next run succeeds. */
  g_assert_true (oms_central_server_add_fault (fixture->central, "/central/sync/pull:hang,times=2",
                                               &error));
  g_assert_false (oms_test_run_sync (fixture->engine, &error));
  g_assert_error (error, OMS_SYNC_ERROR, OMS_SYNC_ERROR_VARIANT_CONNECTION_ERROR);
  g_clear_error (&error);
  g_assert_cmpuint (attempts_of_a_run (fixture), ==, baseline);

  _oms_http_set_timeout_scale (1.0, 1.0);
}

/* A body that arrives slowly but steadily is never cut, even when it takes longer than the
 * idle timeout (5 s stored, 1 s here) to arrive: at 200 bytes a second, the pull's answer
 * (about a kB once the central has gzipped it) takes seconds.
 */
static void
test_slow_body_not_cut (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  gint64 start;

  configure_and_initialise (fixture);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *id = g_strdup_printf ("VAX-SLOW-%u", i);
      g_autofree char *data = g_strdup_printf ("{\"id\":\"%s\",\"name_id\":\"P1\","
                                               "\"comment\":\"arrives slowly\"}", id);

      g_assert_true (oms_central_server_add_v6_record (fixture->central, "vaccination", id,
                                                       "Update", fixture->store_id, 0, data,
                                                       &error));
      g_assert_no_error (error);
    }

  use_short_idle_timeout (fixture);
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/central/sync/pull:bandwidth=200,times=1",
                                               &error));
  start = g_get_monotonic_time ();
  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  _oms_http_set_timeout_scale (1.0, 1.0);

  /* The body did take longer than the idle timeout: the test tested something. */
  g_assert_cmpint (g_get_monotonic_time () - start, >, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer "
                                                       "WHERE record_id LIKE 'VAX-SLOW-%'"),
                   ==, 40);
}

typedef struct
{
  const char *fault;
  const char *route;
  int         step;
  gboolean    initialised;
} CutAnswer;

/* Half of an answer, then the connection closes (the central's truncate fault): the body is
 * broken, which Open mSupply does not retry. The run ends in that step with the transport
 * error, having asked once; the central has let the site go, so the next run succeeds. The
 * answer to initialise is the exception: a transport failure there is taken for the long call
 * dropping, and the run waits for the central to finish initialising (PROTOCOL.md §1), so it
 * succeeds.
 */
static void
test_truncated_answer (Fixture       *fixture,
                       gconstpointer  user_data)
{
  const CutAnswer *cut = user_data;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  guint baseline = 0;
  guint extra;
  guint before;

  if (cut->initialised)
    {
      configure_and_initialise (fixture);
      baseline = attempts_of_a_run (fixture);
    }
  else
    {
      g_assert_true (oms_test_save_settings (fixture->store, fixture->central, "pass", &error));
      g_assert_no_error (error);
    }

  before = _oms_http_get_n_attempts ();
  if (cut->step == OMS_SYNC_STEP_PREPARE_INITIAL)
    {
      g_assert_true (oms_central_server_add_fault (fixture->central, cut->fault, &error));
      g_assert_true (oms_test_run_sync (fixture->engine, &error));
      g_assert_no_error (error);
      g_assert_cmpint (oms_sync_engine_get_mode (fixture->engine), ==,
                       OMS_SYNC_MODE_OPERATIONAL);
      return;
    }
  message = run_with_fault (fixture, cut->fault, cut->step, OMS_SYNC_ERROR_VARIANT_UNKNOWN,
                            OMS_PROTOCOL_ERROR_TRANSPORT);
  g_assert_nonnull (strstr (message, cut->route));
  extra = _oms_http_get_n_attempts () - before;
  if (cut->initialised)
    g_assert_cmpuint (extra, <=, baseline);
  else
    g_assert_cmpuint (extra, ==, 2);  /* site, then initialise once */

  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
}

static const CutAnswer cut_initialise = {
  "/sync/v5/initialise:truncate", "/sync/v5/initialise", OMS_SYNC_STEP_PREPARE_INITIAL, FALSE,
};
static const CutAnswer cut_central_records = {
  "/sync/v5/central_records:truncate", "/sync/v5/central_records", OMS_SYNC_STEP_PULL_CENTRAL,
  TRUE,
};
static const CutAnswer cut_queued_records = {
  "/sync/v5/queued_records:truncate", "/sync/v5/queued_records", OMS_SYNC_STEP_PUSH, TRUE,
};
static const CutAnswer cut_v6_pull = {
  "/central/sync/pull:truncate", "/central/sync/pull", OMS_SYNC_STEP_PULL_V6, TRUE,
};

typedef struct
{
  gboolean waited;          /* waiting-for-server turned on */
  int      step_waited_in;
  gboolean stopped_waiting; /* and off again while the run went on */
} WaitWatch;

static void
waiting_changed_cb (OmsSyncEngine *engine,
                    GParamSpec    *pspec,
                    WaitWatch     *watch)
{
  if (oms_sync_engine_get_waiting_for_server (engine))
    {
      watch->waited = TRUE;
      watch->step_waited_in = oms_sync_engine_get_current_step (engine);
    }
  else if (watch->waited && oms_sync_engine_get_is_syncing (engine))
    {
      watch->stopped_waiting = TRUE;
    }
}

/* A request that hears nothing for a while (0.5 s here, 5 s by default) makes the engine say
 * it waits for the server, in the step it runs, until the answer flows.
 */
static void
test_waiting_for_server (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  WaitWatch watch = { FALSE, -1, FALSE };
  gulong handler;

  configure_and_initialise (fixture);
  g_assert_false (oms_sync_engine_get_waiting_for_server (fixture->engine));

  _oms_http_set_timeout_scale (1.0, 0.1);
  g_assert_true (oms_central_server_add_fault (fixture->central,
                                               "/sync/v5/central_records:latency=2500,times=1",
                                               &error));
  handler = g_signal_connect (fixture->engine, "notify::waiting-for-server",
                              G_CALLBACK (waiting_changed_cb), &watch);
  g_assert_true (oms_test_run_sync (fixture->engine, &error));
  g_assert_no_error (error);
  g_clear_signal_handler (&handler, fixture->engine);
  _oms_http_set_timeout_scale (1.0, 1.0);

  g_assert_true (watch.waited);
  g_assert_cmpint (watch.step_waited_in, ==, OMS_SYNC_STEP_PULL_CENTRAL);
  g_assert_true (watch.stopped_waiting);
  g_assert_false (oms_sync_engine_get_waiting_for_server (fixture->engine));
}

/* The idle timeout is the store's, checked when it is saved. */
static void
test_idle_timeout_setting (Fixture       *fixture,
                           gconstpointer  user_data)
{
  static const gint64 refused[] = { 0, -1, 4, 3601, G_MAXINT64 };
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (oms_sync_settings_load_idle_timeout (fixture->store), ==,
                    OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS);
  g_assert_true (oms_sync_settings_save_idle_timeout (fixture->store, 90, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (oms_sync_settings_load_idle_timeout (fixture->store), ==, 90);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_false (oms_sync_settings_save_idle_timeout (fixture->store, refused[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      g_assert_cmpuint (oms_sync_settings_load_idle_timeout (fixture->store), ==, 90);
    }

  /* A value written by hand out of range falls back to the default. */
  g_assert_true (oms_store_kv_set_bigint (fixture->store, OMS_KV_IDLE_TIMEOUT_SECONDS, 0,
                                          &error));
  g_assert_cmpuint (oms_sync_settings_load_idle_timeout (fixture->store), ==,
                    OMS_HTTP_DEFAULT_IDLE_TIMEOUT_SECONDS);
}

/*
 * The order of a run's steps (PROTOCOL.md §1), as the run's step timestamps show it
 */

/* Every step the runs below show, each as it starts ("+") and finishes ("-"). */
#define STEPS_UNTIL_PULL_REMOTE \
  "prepare_initial+ prepare_initial- push_v6+ push_v6- push+ push- " \
  "pull_central+ pull_central- pull_remote+ pull_remote- "
#define EVERY_STEP STEPS_UNTIL_PULL_REMOTE "pull_v6+ pull_v6- integrate+ integrate- "

typedef struct
{
  OmsSyncStepProgress  seen[OMS_SYNC_N_STEPS];
  GString             *events;
} StepTrace;

/* Each change of the live run shows at most one new timestamp, so the trace is their order. */
static void
trace_run_changed_cb (OmsSyncEngine *engine,
                      StepTrace     *trace)
{
  const OmsSyncRun *run = oms_sync_engine_get_latest_run (engine);
  guint new_events = 0;

  for (guint step = 0; step < OMS_SYNC_N_STEPS; step++)
    {
      const char *nick = oms_sync_step_get_nick (step);

      if (run->steps[step].started != 0 && trace->seen[step].started == 0)
        {
          g_string_append_printf (trace->events, "%s+ ", nick);
          new_events++;
        }
      if (run->steps[step].finished != 0 && trace->seen[step].finished == 0)
        {
          g_string_append_printf (trace->events, "%s- ", nick);
          new_events++;
        }
      trace->seen[step] = run->steps[step];
    }

  g_assert_cmpuint (new_events, <=, 1);
}

static void
trace_run_finished_cb (OmsSyncEngine *engine,
                       gboolean       success,
                       StepTrace     *trace)
{
  g_string_append (trace->events, success ? "ok" : "failed");
}

/* The stored row holds the timestamps the views saw, and they follow the trace's order. */
static void
assert_stored_run_follows (Fixture    *fixture,
                           const char *events)
{
  g_autoptr(OmsSyncRun) stored = NULL;
  g_auto(GStrv) words = g_strsplit (events, " ", -1);
  const OmsSyncRun *run = oms_sync_engine_get_latest_run (fixture->engine);
  g_autoptr(GError) error = NULL;
  gint64 previous = run->started;

  stored = oms_sync_log_get_latest (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->id, ==, run->id);
  for (guint step = 0; step < OMS_SYNC_N_STEPS; step++)
    {
      g_assert_cmpint (stored->steps[step].started, ==, run->steps[step].started);
      g_assert_cmpint (stored->steps[step].finished, ==, run->steps[step].finished);
    }

  for (guint i = 0; words[i] != NULL && words[i][0] != '\0'; i++)
    {
      gsize len = strlen (words[i]);
      g_autofree char *nick = g_strndup (words[i], len - 1);
      OmsSyncStep step;
      gint64 when;

      if (words[i][len - 1] != '+' && words[i][len - 1] != '-')
        continue;
      g_assert_true (oms_sync_step_from_nick (nick, &step));
      when = words[i][len - 1] == '+' ? stored->steps[step].started : stored->steps[step].finished;
      g_assert_cmpint (when, >=, previous);
      previous = when;
    }
}

/* Runs one sync, for one patient when @patient_id is given, and returns what its steps did. */
static char *
run_traced (Fixture     *fixture,
            const char  *patient_id)
{
  StepTrace trace = { .events = g_string_new (NULL) };
  OmsTestResult r = { 0 };
  gulong changed_id;
  gulong finished_id;

  changed_id = g_signal_connect (fixture->engine, "run-changed",
                                 G_CALLBACK (trace_run_changed_cb), &trace);
  finished_id = g_signal_connect (fixture->engine, "run-finished",
                                  G_CALLBACK (trace_run_finished_cb), &trace);
  if (patient_id != NULL)
    oms_sync_engine_run_for_patient_async (fixture->engine, patient_id, NULL,
                                           oms_test_result_cb, &r);
  else
    oms_sync_engine_run_async (fixture->engine, NULL, oms_test_result_cb, &r);
  g_assert_true (oms_test_spin_until (&r.done, 120));
  g_clear_signal_handler (&changed_id, fixture->engine);
  g_clear_signal_handler (&finished_id, fixture->engine);
  g_test_message ("steps: %s", trace.events->str);
  g_assert_cmpint (r.ok, ==, r.error == NULL);
  g_clear_error (&r.error);

  assert_stored_run_follows (fixture, trace.events->str);

  return g_string_free (trace.events, FALSE);
}

static void
add_fault (Fixture    *fixture,
           const char *spec)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_central_server_add_fault (fixture->central, spec, &error));
  g_assert_no_error (error);
}

/* The steps that reported progress: a step whose work is skipped has no total. Prepare never
 * reports any; the central's faults show whether it worked.
 */
static char *
steps_that_worked (Fixture *fixture)
{
  const OmsSyncRun *run = oms_sync_engine_get_latest_run (fixture->engine);
  GString *names = g_string_new (NULL);

  for (guint step = 0; step < OMS_SYNC_N_STEPS; step++)
    if (run->steps[step].has_total)
      g_string_append_printf (names, "%s%s", names->len > 0 ? " " : "",
                              oms_sync_step_get_nick (step));

  return g_string_free (names, FALSE);
}

/* The legacy central's site info, naming no Open mSupply central: either because it is
 * itself Open mSupply's central, or because its URL is not set.
 */
static void
add_site_info_without_v6_url (Fixture  *fixture,
                              gboolean  is_central_server)
{
  g_autofree char *fault = g_strdup_printf ("/sync/v5/site:status=200,body={\"id\":\"x\","
                                            "\"siteId\":2,\"initialisationStatus\":"
                                            "\"completed\",\"omSupplyCentralServerUrl\":\"\","
                                            "\"isOmSupplyCentralServer\":%s,"
                                            "\"mSupplyCentralSiteId\":1}",
                                            is_central_server ? "true" : "false");

  add_fault (fixture, fault);
}

/* A first run: every step in order; the pushes are skipped but logged. */
static void
test_step_order_first_run (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *refused = NULL;
  g_autofree char *first = NULL;
  g_autofree char *worked = NULL;

  configure (fixture);

  /* Prepare does its work in a first run: the central refusing it ends the run there. */
  add_fault (fixture, "/sync/v5/initialise:status=500,times=1,body=down");
  refused = run_traced (fixture, NULL);
  g_assert_cmpstr (refused, ==, "prepare_initial+ failed");

  first = run_traced (fixture, NULL);
  g_assert_cmpstr (first, ==, EVERY_STEP "ok");
  worked = steps_that_worked (fixture);
  g_assert_cmpstr (worked, ==, "pull_central pull_remote pull_v6 integrate");
}

/* An operational run: every step does its work but Prepare, whose timestamps are still logged. */
static void
test_step_order_operational_run (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autofree char *events = NULL;
  g_autofree char *worked = NULL;

  configure_and_initialise (fixture);

  add_fault (fixture, "/sync/v5/initialise:status=500,body=down");
  events = run_traced (fixture, NULL);
  g_assert_cmpstr (events, ==, EVERY_STEP "ok");
  worked = steps_that_worked (fixture);
  g_assert_cmpstr (worked, ==, "push_v6 push pull_central pull_remote pull_v6 integrate");
}

/* When the legacy central is Open mSupply's central, Push V6 is skipped but logged and Pull V6
 * does not exist at all.
 */
static void
test_step_order_without_v6 (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autofree char *events = NULL;
  g_autofree char *worked = NULL;

  configure_and_initialise (fixture);

  add_site_info_without_v6_url (fixture, TRUE);
  events = run_traced (fixture, NULL);
  g_assert_cmpstr (events, ==, STEPS_UNTIL_PULL_REMOTE "integrate+ integrate- ok");
  worked = steps_that_worked (fixture);
  g_assert_cmpstr (worked, ==, "push pull_central pull_remote integrate");
  g_assert_false (oms_sync_engine_get_has_v6 (fixture->engine));
}

/* A patient pull runs the same steps; only Pull V6 asks for something else. */
static void
test_step_order_patient_pull (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autofree char *events = NULL;
  g_autofree char *worked = NULL;

  configure_and_initialise (fixture);

  add_fault (fixture, "/central/sync/pull:status=500,body=down");
  events = run_traced (fixture, "P1");
  g_assert_cmpstr (events, ==, EVERY_STEP "ok");
  worked = steps_that_worked (fixture);
  g_assert_cmpstr (worked, ==, "push_v6 push pull_central pull_remote pull_v6 integrate");
}

/* A failure ends the run in its step: that step never finishes and no later one starts. */
static void
test_step_order_failures (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *mid_way = NULL;
  g_autofree char *no_v6_url = NULL;
  const OmsSyncRun *run;

  configure_and_initialise (fixture);

  add_fault (fixture, "/central/sync/pull:status=503,body=down");
  mid_way = run_traced (fixture, NULL);
  g_assert_cmpstr (mid_way, ==, STEPS_UNTIL_PULL_REMOTE "pull_v6+ failed");
  run = oms_sync_engine_get_latest_run (fixture->engine);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PULL_V6].started, !=, 0);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_PULL_V6].finished, ==, 0);
  g_assert_cmpint (run->steps[OMS_SYNC_STEP_INTEGRATE].started, ==, 0);
  g_assert_cmpint (run->finished, ==, 0);
  oms_central_server_clear_faults (fixture->central, NULL);

  /* An Open mSupply central that cannot be reached by its URL fails the run after Prepare. */
  add_site_info_without_v6_url (fixture, FALSE);
  no_v6_url = run_traced (fixture, NULL);
  g_assert_cmpstr (no_v6_url, ==, "prepare_initial+ prepare_initial- failed");
}

/* A disabled site "succeeds" with a run of no steps, as in Open mSupply. */
static void
test_step_order_disabled_site (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *events = NULL;

  configure_and_initialise (fixture);

  g_assert_true (oms_store_kv_set_bool (fixture->store, OMS_KV_SYNC_IS_DISABLED, TRUE, &error));
  g_assert_no_error (error);
  events = run_traced (fixture, NULL);
  g_assert_cmpstr (events, ==, "ok");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/oms/sync/settings-refused", test_settings_refused);
  ADD ("/oms/sync/initialisation", test_initialisation);
  ADD ("/oms/sync/push-to-both-servers", test_push_to_both_servers);
  ADD ("/oms/sync/push-acknowledgement-and-status", test_push_acknowledgement_and_status);
  ADD ("/oms/sync/errors", test_errors);
  ADD ("/oms/sync/every-error-variant", test_every_error_variant);
  ADD ("/oms/sync/site-uuid-change-refused", test_site_uuid_change_refused);
  ADD ("/oms/sync/connection-refused", test_connection_refused);
  ADD ("/oms/sync/resume-after-failure", test_resume_after_failure);
  ADD ("/oms/sync/runs-never-overlap", test_runs_never_overlap);
  ADD ("/oms/sync/another-program-syncing", test_another_program_syncing);
  ADD ("/oms/sync/small-batches", test_small_batches);
  ADD ("/oms/sync/second-site", test_second_site);
  ADD ("/oms/sync/pipelined-pull-fails-mid-way", test_pipelined_pull_fails_mid_way);
  ADD ("/oms/sync/pull-odd-records", test_pull_odd_records);
  ADD ("/oms/sync/pull-merges", test_pull_merges);
  ADD ("/oms/sync/pipelined-pull-cancelled", test_pipelined_pull_cancelled);
  ADD ("/oms/sync/checkpoint-after-run", test_checkpoint_after_run);
  ADD ("/oms/sync/patient-pull", test_patient_pull);
  ADD ("/oms/sync/hostile-bodies", test_hostile_bodies);
  ADD ("/oms/sync/hostile-settings", test_hostile_settings);
  ADD ("/oms/sync/stalled-central", test_stalled_central);
  ADD ("/oms/sync/slow-body-not-cut", test_slow_body_not_cut);
  g_test_add ("/oms/sync/truncated/initialise", Fixture, &cut_initialise,
              fixture_set_up, test_truncated_answer, fixture_tear_down);
  g_test_add ("/oms/sync/truncated/central-records", Fixture, &cut_central_records,
              fixture_set_up, test_truncated_answer, fixture_tear_down);
  g_test_add ("/oms/sync/truncated/queued-records", Fixture, &cut_queued_records,
              fixture_set_up, test_truncated_answer, fixture_tear_down);
  g_test_add ("/oms/sync/truncated/v6-pull", Fixture, &cut_v6_pull,
              fixture_set_up, test_truncated_answer, fixture_tear_down);
  ADD ("/oms/sync/waiting-for-server", test_waiting_for_server);
  ADD ("/oms/sync/idle-timeout-setting", test_idle_timeout_setting);
  ADD ("/oms/sync/step-order/first-run", test_step_order_first_run);
  ADD ("/oms/sync/step-order/operational-run", test_step_order_operational_run);
  ADD ("/oms/sync/step-order/without-v6", test_step_order_without_v6);
  ADD ("/oms/sync/step-order/patient-pull", test_step_order_patient_pull);
  ADD ("/oms/sync/step-order/failures", test_step_order_failures);
  ADD ("/oms/sync/step-order/disabled-site", test_step_order_disabled_site);
  ADD ("/oms/sync/batches/grow-on-latency", test_batches_grow_on_latency);
  ADD ("/oms/sync/batches/respect-capped-server", test_batches_respect_capped_server);
  ADD ("/oms/sync/batches/shrink-after-timeout", test_batches_shrink_after_timeout);

#undef ADD

  return g_test_run ();
}

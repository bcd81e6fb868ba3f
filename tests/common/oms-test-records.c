/* oms-test-records.c
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
#include "oms-test-records.h"

static const OmsChangeOrigin pulled = { TRUE, TRUE, OMS_TEST_RECORDS_CENTRAL_SITE_ID };

static void
upsert (OmsStore    *store,
        const char  *table,
        const char  *json,
        const OmsChangeOrigin *origin)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  if (!oms_store_upsert_record (store, table, json_node_get_object (node), origin, &error))
    g_error ("Cannot write a %s record: %s", table, error->message);
}

/**
 * oms_test_records_add_site:
 *
 * Site 2 with store S1, its location "Fridge 1" and a sensor in it, as pulled from the
 * central (so none of them waits to be sent).
 */
void
oms_test_records_add_site (OmsStore *store)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_store_kv_set_int (store, OMS_KV_SYNC_SITE_ID, 2, &error));
  g_assert_true (oms_store_kv_set_int (store, OMS_KV_SYNC_CENTRAL_SERVER_SITE_ID,
                                       OMS_TEST_RECORDS_CENTRAL_SITE_ID, &error));
  g_assert_no_error (error);

  upsert (store, "store", "{\"id\":\"S1\",\"name_link_id\":\"NS1\",\"code\":\"S1\","
                          "\"site_id\":2,\"store_mode\":\"STORE\"}", &pulled);
  upsert (store, "location", "{\"id\":\"L1\",\"name\":\"Fridge 1\",\"code\":\"F1\","
                             "\"store_id\":\"S1\"}", &pulled);
  upsert (store, "sensor", "{\"id\":\"SE1\",\"name\":\"Sensor A\",\"serial\":\"AA:BB\","
                           "\"location_id\":\"L1\",\"store_id\":\"S1\",\"type\":\"BLUE_MAESTRO\"}",
          &pulled);
}

/* A temperature log recorded here, in Fridge 1: it waits for the legacy central. */
void
oms_test_records_add_log (OmsStore   *store,
                          const char *id,
                          double      temperature)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *json = NULL;
  char degrees[G_ASCII_DTOSTR_BUF_SIZE];

  json = g_strdup_printf ("{\"id\":\"%s\",\"temperature\":%s,\"sensor_id\":\"SE1\","
                          "\"location_id\":\"L1\",\"store_id\":\"S1\","
                          "\"datetime\":\"%d-01-07 23:45:00\"}",
                          id, g_ascii_dtostr (degrees, sizeof degrees, temperature),
                          g_date_time_get_year (now));
  upsert (store, "temperature_log", json, OMS_ORIGIN_LOCAL);
}

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

/**
 * oms_test_records_add_failing:
 *
 * Pulls and integrates a merge of name "N-gone" into "N-keep", which this site does not hold
 * yet: integration fails with "Could not find name link with id N-keep".
 */
void
oms_test_records_add_failing (OmsStore *store)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  upsert (store, "name", "{\"id\":\"N-gone\",\"name\":\"Old clinic\",\"code\":\"OC\","
                         "\"type\":\"FACILITY\"}", &pulled);

  records = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_sync_record_free);
  g_ptr_array_add (records,
                   oms_sync_record_new ("name", "N-keep", OMS_SYNC_ACTION_MERGE,
                                        "{\"mergeIdToKeep\":\"N-keep\","
                                        "\"mergeIdToDelete\":\"N-gone\"}"));
  g_assert_true (oms_sync_buffer_store_batch (store, records, TRUE,
                                              OMS_TEST_RECORDS_CENTRAL_SITE_ID, NULL, 0, NULL,
                                              g_get_real_time (), &error));
  g_assert_no_error (error);

  oms_integrator_run_async (oms_store_get_data_dir (store), TRUE,
                            OMS_TEST_RECORDS_CENTRAL_SITE_ID, NULL, NULL, NULL, integrate_cb,
                            &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The cause fixed: the name the merge keeps arrives. */
void
oms_test_records_fix_failing (OmsStore *store)
{
  upsert (store, "name", "{\"id\":\"N-keep\",\"name\":\"New clinic\",\"code\":\"NC\","
                         "\"type\":\"FACILITY\"}", &pulled);
}

/* bench-integrate.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bench-integrate"

#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "oms-integrator-private.h"
#include "oms-store-private.h"

/* Times the Integrate step alone: a fresh store's sync_buffer is filled directly with pulled
 * upserts shaped like omsync-central's benchmark records (v6 `asset` rows as
 * _oms_central_demo_seed_v6_extra() writes them, legacy `item` rows as seed_extra() does,
 * legacy `temperature_log` rows as the demo's sensors log), then oms_integrator_run_async()
 * moves them into the store. No network and no central process, so the figure is the
 * integrator's own.
 *
 * With --compare the same buffer is integrated twice in one run, record by record and with
 * typed tables set-based, on two stores filled alike.
 */

static guint    n_assets = 500000;
static guint    n_items = 500000;
static guint    n_logs = 0;
static gboolean per_record = FALSE;
static gboolean compare = FALSE;
static gboolean keep = FALSE;

#define CATEGORY_ID  "02cbea92-d5bf-4832-863b-c04e093a7760"
#define CLASS_ID     "fad280b6-8384-41af-84cf-c7b6b4526ef0"
#define TYPE_ID      "710194ce-8c6c-47ab-b7fe-13ba8cf091f6"
#define CATALOGUE_ID "c7d48b5c-74b2-4077-94f5-2b25d67a447b"
#define STORE_ID     "D77F67339BF8400886D009178F4962E1"
#define UNIT_ID      "A02C91EB6C77400BA783C4CD7C565F29"
#define SENSOR_ID    "5B7C1D0E8F9A4B3C8D2E1F0A9B8C7D6E"
#define LOCATION_ID  "0C9B8A7F6E5D4C3B2A190807F6E5D4C3"

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
  guint     n_reports;
} Result;

static void
progress_cb (gint64   remaining,
             gpointer user_data)
{
  Result *r = user_data;

  r->n_reports++;
}

static void
integrate_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Result *r = user_data;

  r->ok = oms_integrator_run_finish (result, &r->error);
  r->done = TRUE;
}

static gint64
query_int (OmsStore   *store,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (oms_store_get_db (store), sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

/* One transaction of prepared inserts, as a pull leaves the buffer: every row pending, from
 * the Open mSupply central (no source site).
 */
static gboolean
fill_buffer (OmsStore  *store,
             GError   **error)
{
  sqlite3_stmt *stmt;
  char id[64];
  char data[1024];

  if (!oms_store_begin (store, error))
    return FALSE;

  stmt = oms_store_prepare (store,
                            "INSERT INTO sync_buffer (record_id, received_datetime, table_name, "
                            "action, data) VALUES (?1, '2026-01-01T00:00:00.000000', ?2, "
                            "'UPSERT', ?3)",
                            error);
  if (stmt == NULL)
    goto failed;

  for (guint i = 0; i < n_assets + n_items + n_logs; i++)
    {
      const char *table = i < n_assets ? "asset" : i < n_assets + n_items ? "item"
                                                                          : "temperature_log";

      if (i < n_assets)
        {
          g_snprintf (id, sizeof id, "be000000-0000-7000-8000-%012x", i);
          g_snprintf (data, sizeof data,
                      "{\"asset_category_id\":\"%s\","
                      "\"asset_class_id\":\"%s\",\"asset_number\":\"BENCH-%07u\","
                      "\"asset_type_id\":\"%s\",\"catalogue_item_id\":\"%s\","
                      "\"created_datetime\":\"2023-03-14T09:30:00\",\"id\":\"%s\","
                      "\"installation_date\":\"2023-03-14\","
                      "\"modified_datetime\":\"2025-11-02T10:15:00\","
                      "\"notes\":\"Benchmark asset %u\",\"replacement_date\":null,"
                      "\"serial_number\":\"SN%09u\",\"store_id\":\"%s\"}",
                      CATEGORY_ID, CLASS_ID, i + 1, TYPE_ID, CATALOGUE_ID, id, i + 1, i + 1,
                      STORE_ID);
        }
      else if (i >= n_assets + n_items)
        {
          guint j = i - n_assets - n_items;

          g_snprintf (id, sizeof id, "BL%030X", j);
          g_snprintf (data, sizeof data,
                      "{\"ID\":\"%s\",\"sensor_ID\":\"%s\",\"location_ID\":\"%s\","
                      "\"temperature\":%.1f,\"store_ID\":\"%s\",\"date\":\"2026-01-%02u\","
                      "\"time\":%u,\"temperature_breach_ID\":\"\",\"om_datetime\":\"\"}",
                      id, SENSOR_ID, LOCATION_ID, 2.0 + (j % 60) / 10.0, STORE_ID,
                      1 + j / 96 % 28, j % 96 * 900);
        }
      else
        {
          guint j = i - n_assets;

          g_snprintf (id, sizeof id, "BE%030X", j);
          g_snprintf (data, sizeof data,
                      "{\"ID\":\"%s\",\"item_name\":\"Benchmark item %u\","
                      "\"code\":\"BENCH%07u\",\"unit_ID\":\"%s\",\"type_of\":\"general\","
                      "\"default_pack_size\":1,\"is_vaccine\":false,\"doses\":0,"
                      "\"strength\":\"\",\"description\":\"\",\"category_ID\":\"\","
                      "\"volume_per_pack\":0,\"critical_stock\":false,\"VEN_category\":\"N\","
                      "\"custom_data\":null}",
                      id, j + 1, j + 1, UNIT_ID);
        }

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, table, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, data, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          oms_store_set_sql_error (store, error, "fill the buffer");
          sqlite3_reset (stmt);
          goto failed;
        }
    }
  sqlite3_reset (stmt);

  return oms_store_commit (store, error);

failed:
  oms_store_rollback (store);
  return FALSE;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

typedef struct
{
  char   *dir;
  gint64  fill_us;
  gint64  integrate_us;
  guint   n_reports;
  guint   n_set_based;
  gint64  n_asset;
  gint64  n_records;
  gint64  n_logs;
  gint64  n_changelog;
  gint64  n_errors;
} Measure;

static void
measure_clear (Measure *m)
{
  if (m->dir != NULL && !keep)
    remove_tree (m->dir);
  else if (m->dir != NULL)
    g_print ("\nData kept in %s\n", m->dir);
  g_clear_pointer (&m->dir, g_free);
}

static gboolean
measure (gboolean   set_based,
         Measure   *m,
         GError   **error)
{
  g_autoptr(OmsStore) store = NULL;
  Result r = { 0 };
  guint before;
  gint64 start;

  m->dir = g_dir_make_tmp ("omsync-bench-integrate-XXXXXX", error);
  if (m->dir == NULL)
    return FALSE;

  store = oms_store_open (m->dir, error);
  if (store == NULL)
    return FALSE;

  start = g_get_monotonic_time ();
  if (!fill_buffer (store, error))
    return FALSE;
  m->fill_us = g_get_monotonic_time () - start;

  oms_integrator_set_typed_in_bulk (set_based);
  before = oms_integrator_get_n_typed_in_bulk ();
  start = g_get_monotonic_time ();
  oms_integrator_run_async (m->dir, FALSE, 0, progress_cb, &r, NULL, integrate_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  m->integrate_us = g_get_monotonic_time () - start;
  if (!r.ok)
    {
      g_propagate_error (error, r.error);
      return FALSE;
    }

  m->n_reports = r.n_reports;
  m->n_set_based = oms_integrator_get_n_typed_in_bulk () - before;
  m->n_asset = query_int (store, "SELECT count(*) FROM asset");
  m->n_records = query_int (store, "SELECT count(*) FROM record WHERE table_name = 'item'");
  m->n_logs = query_int (store, "SELECT count(*) FROM temperature_log");
  m->n_changelog = query_int (store, "SELECT count(*) FROM changelog");
  m->n_errors = query_int (store, "SELECT count(*) FROM sync_buffer "
                                  "WHERE integration_error IS NOT NULL");
  return TRUE;
}

static void
print_row (const char *what,
           Measure    *m,
           guint       n_measures)
{
  g_print ("| %s |", what);
  for (guint i = 0; i < n_measures; i++)
    {
      if (g_str_equal (what, "integration"))
        g_print (" %.2f s (%.0f records/s) |", m[i].integrate_us / 1e6,
                 (n_assets + n_items + n_logs) / (m[i].integrate_us / 1e6));
      else if (g_str_equal (what, "filling the buffer (not timed)"))
        g_print (" %.2f s |", m[i].fill_us / 1e6);
      else if (g_str_equal (what, "typed records integrated set-based"))
        g_print (" %u |", m[i].n_set_based);
      else if (g_str_equal (what, "progress reports"))
        g_print (" %u |", m[i].n_reports);
      else
        g_print (" %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %"
                 G_GINT64_FORMAT ", %" G_GINT64_FORMAT " |", m[i].n_asset, m[i].n_records,
                 m[i].n_logs, m[i].n_changelog, m[i].n_errors);
    }
  g_print ("\n");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  Measure m[2] = { { 0 } };
  guint n_measures = compare ? 2 : 1;
  const GOptionEntry entries[] = {
    { "assets", 'a', 0, G_OPTION_ARG_INT, &n_assets,
      "Pulled v6 asset upserts (default 500000)", "N" },
    { "items", 'i', 0, G_OPTION_ARG_INT, &n_items,
      "Pulled legacy item upserts, kept generically (default 500000)", "N" },
    { "temperature-logs", 't', 0, G_OPTION_ARG_INT, &n_logs,
      "Pulled legacy temperature_log upserts (default 0)", "N" },
    { "per-record", 0, 0, G_OPTION_ARG_NONE, &per_record,
      "Integrate typed tables record by record", NULL },
    { "compare", 0, 0, G_OPTION_ARG_NONE, &compare,
      "Integrate the same buffer record by record, then set-based", NULL },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the data directories", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— integration benchmark on a filled sync buffer");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("bench-integrate: %s\n", error->message);
      return EXIT_FAILURE;
    }
  n_measures = compare ? 2 : 1;

  for (guint i = 0; i < n_measures; i++)
    {
      gboolean set_based = compare ? i == 1 : !per_record;

      if (!measure (set_based, &m[i], &error))
        goto failed;
      /* One data directory at a time on disk. */
      measure_clear (&m[i]);
    }

  g_print ("pulled upserts: %u asset (v6), %u item (legacy, generic), %u temperature_log "
           "(legacy)\n\n", n_assets, n_items, n_logs);
  if (compare)
    g_print ("| what | record by record | set-based |\n|---|---|---|\n");
  else
    g_print ("| what | %s |\n|---|---|\n", per_record ? "record by record" : "set-based");
  print_row ("integration", m, n_measures);
  print_row ("typed records integrated set-based", m, n_measures);
  print_row ("progress reports", m, n_measures);
  print_row ("rows: asset, item, temperature_log, changelog, buffer errors", m, n_measures);
  print_row ("filling the buffer (not timed)", m, n_measures);
  if (compare)
    g_print ("\nset-based / record by record: %.2f of the time\n",
             (double) m[1].integrate_us / m[0].integrate_us);

  return EXIT_SUCCESS;

failed:
  g_printerr ("bench-integrate: %s\n", error ? error->message : "failed");
  for (guint i = 0; i < n_measures; i++)
    measure_clear (&m[i]);
  return EXIT_FAILURE;
}

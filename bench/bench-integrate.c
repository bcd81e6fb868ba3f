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

#include "oms-integrator.h"
#include "oms-store-private.h"

/* Times the Integrate step alone: a fresh store's sync_buffer is filled directly with pulled
 * upserts shaped like omsync-central's benchmark records (v6 `asset` rows as
 * _oms_central_demo_seed_v6_extra() writes them, legacy `item` rows as seed_extra() does), then
 * oms_integrator_run_async() moves them into the store. No network and no central process, so
 * the figure is the integrator's own.
 */

static guint    n_assets = 500000;
static guint    n_items = 500000;
static gboolean keep = FALSE;

#define CATEGORY_ID  "02cbea92-d5bf-4832-863b-c04e093a7760"
#define CLASS_ID     "fad280b6-8384-41af-84cf-c7b6b4526ef0"
#define TYPE_ID      "710194ce-8c6c-47ab-b7fe-13ba8cf091f6"
#define CATALOGUE_ID "c7d48b5c-74b2-4077-94f5-2b25d67a447b"
#define STORE_ID     "D77F67339BF8400886D009178F4962E1"
#define UNIT_ID      "A02C91EB6C77400BA783C4CD7C565F29"

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

  for (guint i = 0; i < n_assets + n_items; i++)
    {
      gboolean is_asset = i < n_assets;

      if (is_asset)
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
      sqlite3_bind_text (stmt, 2, is_asset ? "asset" : "item", -1, SQLITE_STATIC);
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

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsStore) store = NULL;
  g_autofree char *dir = NULL;
  Result r = { 0 };
  gint64 start, fill_us, integrate_us;
  const GOptionEntry entries[] = {
    { "assets", 'a', 0, G_OPTION_ARG_INT, &n_assets,
      "Pulled asset upserts to integrate (default 500000)", "N" },
    { "items", 'i', 0, G_OPTION_ARG_INT, &n_items,
      "Pulled item upserts, kept generically (default 500000)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the data directory", NULL },
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

  dir = g_dir_make_tmp ("omsync-bench-integrate-XXXXXX", &error);
  if (dir == NULL)
    goto failed;

  store = oms_store_open (dir, &error);
  if (store == NULL)
    goto failed;

  start = g_get_monotonic_time ();
  if (!fill_buffer (store, &error))
    goto failed;
  fill_us = g_get_monotonic_time () - start;

  start = g_get_monotonic_time ();
  oms_integrator_run_async (dir, FALSE, 0, progress_cb, &r, NULL, integrate_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  integrate_us = g_get_monotonic_time () - start;
  if (!r.ok)
    {
      g_propagate_error (&error, r.error);
      goto failed;
    }

  g_print ("| what | value |\n|---|---|\n");
  g_print ("| pulled upserts (asset + item) | %u + %u |\n", n_assets, n_items);
  g_print ("| filling the buffer | %.2f s |\n", fill_us / 1e6);
  g_print ("| integration | %.2f s (%.0f records/s) |\n", integrate_us / 1e6,
           (n_assets + n_items) / (integrate_us / 1e6));
  g_print ("| progress reports | %u |\n", r.n_reports);
  g_print ("| rows: asset, item records, changelog, buffer errors | %" G_GINT64_FORMAT
           ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " |\n",
           query_int (store, "SELECT count(*) FROM asset"),
           query_int (store, "SELECT count(*) FROM record WHERE table_name = 'item'"),
           query_int (store, "SELECT count(*) FROM changelog"),
           query_int (store, "SELECT count(*) FROM sync_buffer "
                             "WHERE integration_error IS NOT NULL"));

  g_clear_object (&store);
  if (!keep)
    remove_tree (dir);
  else
    g_print ("\nData kept in %s\n", dir);

  return EXIT_SUCCESS;

failed:
  g_printerr ("bench-integrate: %s\n", error ? error->message : "failed");
  return EXIT_FAILURE;
}

/* cli-local-changes.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "oms-store-private.h"

/* Local edits for the crash test, written as the window and the cold chain server write
 * theirs (oms_store_upsert_record() with OMS_ORIGIN_LOCAL): half temperature logs, which go to
 * the legacy central, half assets, which go to the Open mSupply central. Round R writes
 * new records with ids of its own, and updates the first tenth of round R-1's logs, so a
 * record changed while its first version waits (or was half pushed) is in the queue too.
 *
 * Usage: cli-local-changes DATA_DIR ROUND COUNT
 */

static char *
query_text (OmsStore   *store,
            const char *sql)
{
  sqlite3_stmt *stmt = oms_store_prepare (store, sql, NULL);
  char *text = NULL;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (stmt != NULL)
    sqlite3_reset (stmt);
  return text;
}

static gboolean
write_log (OmsStore    *store,
           const char  *store_id,
           const char  *sensor_id,
           guint        round,
           guint        index,
           double       temperature,
           GError     **error)
{
  g_autoptr(JsonObject) row = json_object_new ();
  g_autofree char *id = g_strdup_printf ("crash-r%u-log-%05u", round, index);

  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "store_id", store_id);
  json_object_set_string_member (row, "sensor_id", sensor_id);
  json_object_set_double_member (row, "temperature", temperature);
  json_object_set_string_member (row, "datetime", "2026-02-01T10:00:00");
  return oms_store_upsert_record (store, "temperature_log", row, OMS_ORIGIN_LOCAL, error);
}

static gboolean
write_asset (OmsStore    *store,
             const char  *store_id,
             guint        round,
             guint        index,
             GError     **error)
{
  g_autoptr(JsonObject) row = json_object_new ();
  g_autofree char *id = g_strdup_printf ("crash-r%u-asset-%05u", round, index);
  g_autofree char *notes = g_strdup_printf ("Crash test asset %u of round %u", index, round);

  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "store_id", store_id);
  json_object_set_string_member (row, "notes", notes);
  json_object_set_string_member (row, "created_datetime", "2026-02-01T10:00:00");
  json_object_set_string_member (row, "modified_datetime", "2026-02-01T10:00:00");
  return oms_store_upsert_record (store, "asset", row, OMS_ORIGIN_LOCAL, error);
}

static gboolean
write_round (OmsStore  *store,
             guint      round,
             guint      count,
             GError   **error)
{
  g_autofree char *store_id = query_text (store, "SELECT store_id FROM asset "
                                                 "WHERE store_id IS NOT NULL LIMIT 1");
  g_autofree char *sensor_id = query_text (store, "SELECT id FROM sensor LIMIT 1");

  if (store_id == NULL || sensor_id == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The site has pulled no asset or sensor");
      return FALSE;
    }

  if (!oms_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < count / 2; i++)
    {
      if (!write_log (store, store_id, sensor_id, round, i, 4.0 + (i % 10) / 10.0, error)
          || !write_asset (store, store_id, round, i, error))
        goto fail;
    }
  for (guint i = 0; round > 1 && i < count / 20; i++)
    {
      if (!write_log (store, store_id, sensor_id, round - 1, i, 9.5 + round, error))
        goto fail;
    }
  return oms_store_commit (store, error);

fail:
  oms_store_rollback (store);
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsStore) store = NULL;
  guint64 round = 0;
  guint64 count = 0;

  setlocale (LC_ALL, "");

  if (argc != 4
      || !g_ascii_string_to_unsigned (argv[2], 10, 1, 999, &round, &error)
      || !g_ascii_string_to_unsigned (argv[3], 10, 2, 1000000, &count, &error))
    {
      g_printerr ("Usage: %s DATA_DIR ROUND COUNT%s%s\n", argv[0], error ? ": " : "",
                  error ? error->message : "");
      return 2;
    }

  store = oms_store_open (argv[1], &error);
  if (store == NULL || !write_round (store, (guint) round, (guint) count, &error))
    {
      g_printerr ("%s: %s\n", argv[0], error->message);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}

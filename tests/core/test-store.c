/* test-store.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "oms-store-checkpoint.h"
#include "oms-store-private.h"
#include "oms-test-util.h"

typedef struct
{
  char     *tmp_dir;   /* removed in teardown */
  char     *data_dir;  /* made by the store, inside tmp_dir */
  OmsStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->tmp_dir = oms_test_make_tmp_dir ("oms-store-XXXXXX");
  /* A directory that does not exist yet, so the store must create it. */
  fixture->data_dir = g_build_filename (fixture->tmp_dir, "data", NULL);
  fixture->store = oms_store_open (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (fixture->store != NULL)
    g_assert_finalize_object (fixture->store);
  g_free (fixture->data_dir);
  oms_test_tmp_dir_free (fixture->tmp_dir);
}

static JsonObject *
object_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static void
upsert_location (OmsStore               *store,
                 const char             *id,
                 const char             *name,
                 const char             *store_id,
                 const OmsChangeOrigin  *origin)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"%s\",\"code\":\"L1\","
                                           "\"on_hold\":false,\"store_id\":\"%s\","
                                           "\"volume\":1.5}",
                                           id, name, store_id);
  g_autoptr(JsonObject) fields = object_from_json (json);

  g_assert_true (oms_store_upsert_record (store, "location", fields, origin, &error));
  g_assert_no_error (error);
}

static void
test_create (Fixture       *fixture,
             gconstpointer  user_data)
{
  GStatBuf st;
  g_autofree char *path = g_build_filename (fixture->data_dir, "omsync.sqlite", NULL);

  g_assert_cmpstr (oms_store_get_path (fixture->store), ==, path);
  g_assert_cmpint (oms_store_get_schema_version (fixture->store), ==, OMS_STORE_SCHEMA_VERSION);

  g_assert_cmpint (g_stat (fixture->data_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_cmpint (oms_test_query_int (fixture->store, "PRAGMA user_version"), ==,
                   OMS_STORE_SCHEMA_VERSION);
  g_assert_cmpint (oms_test_query_int (fixture->store, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (oms_test_query_int (fixture->store, "PRAGMA busy_timeout"), >, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT count(*) FROM pragma_journal_mode WHERE "
                                       "journal_mode = 'wal'"), ==, 1);

  /* Every table the protocol and the window need exists. */
  {
    const char *names[] = { "key_value_store", "changelog", "changelog_deduped", "sync_buffer",
                            "sync_log", "name", "store", "location", "sensor",
                            "temperature_log", "temperature_breach", "asset", "asset_log",
                            "sync_file_reference", "record" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *sql =
          g_strdup_printf ("SELECT count(*) FROM sqlite_master WHERE name = '%s'", names[i]);

        g_assert_cmpint (oms_test_query_int (fixture->store, sql), ==, 1);
      }
  }
}

static void
test_reopen (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_true (oms_store_kv_set_string (fixture->store, "SETTINGS_SYNC_URL",
                                          "https://central.example:2048", &error));
  g_assert_no_error (error);
  upsert_location (fixture->store, "loc-1", "Fridge", "store-1", OMS_ORIGIN_LOCAL);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));

  fixture->store = oms_store_open (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (oms_store_get_schema_version (fixture->store), ==, OMS_STORE_SCHEMA_VERSION);
  value = oms_store_kv_get_string (fixture->store, "SETTINGS_SYNC_URL", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "https://central.example:2048");
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM location"), ==, 1);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM changelog"), ==, 1);
}

static void
test_migrations_idempotent (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  upsert_location (fixture->store, "loc-1", "Fridge", "store-1", OMS_ORIGIN_LOCAL);

  /* Running every migration again over a current schema changes nothing and fails nothing. */
  for (int version = 1; version <= OMS_STORE_SCHEMA_VERSION; version++)
    {
      g_assert_true (oms_store_exec (fixture->store,
                                     oms_store_schema_get_migration (version), &error));
      g_assert_no_error (error);
    }
  g_assert_null (oms_store_schema_get_migration (OMS_STORE_SCHEMA_VERSION + 1));
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM location"), ==, 1);
}

/* Migration 8 turns the old per-row outcomes into the integration mark: rows that were pending
 * stay pending, after the mark and in the order they were received; integrated ones do not; a
 * second run changes nothing.
 */
static void
test_buffer_mark_upgrade (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  const char *pending_in_order =
    "SELECT group_concat (record_id, ',') FROM (SELECT record_id FROM sync_buffer WHERE "
    OMS_SYNC_BUFFER_PENDING_SQL " ORDER BY rowid)";
  gint64 a_rowid;

  /* The buffer as a store at version 7 left it: no mark, an outcome on each integrated row,
   * and a record pulled again updated in place (A: an early rowid, received last).
   */
  g_assert_true (oms_store_exec (fixture->store,
                                 "DELETE FROM key_value_store WHERE id = '"
                                 OMS_KV_SYNC_BUFFER_INTEGRATED "';"
                                 "INSERT INTO sync_buffer (rowid, record_id, received_datetime, "
                                 "integration_datetime, table_name, action, data) VALUES "
                                 "(1, 'A', '2026-01-03', NULL, 'unit', 'UPSERT', '{}'), "
                                 "(2, 'B', '2026-01-01', '2026-01-01', 'unit', 'UPSERT', '{}'), "
                                 "(3, 'C', '2026-01-02', NULL, 'unit', 'UPSERT', '{}'), "
                                 "(4, 'D', '2026-01-02', '2026-01-02', 'unit', 'UPSERT', '{}');",
                                 &error));
  g_assert_no_error (error);
  g_assert_true (oms_store_exec (fixture->store, oms_store_schema_get_migration (8), &error));
  g_assert_no_error (error);

  first = oms_test_query_text (fixture->store, pending_in_order);
  g_assert_cmpstr (first, ==, "C,A");
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM sync_buffer"), ==, 4);
  a_rowid = oms_test_query_int (fixture->store,
                                "SELECT rowid FROM sync_buffer WHERE record_id = 'A'");

  g_assert_true (oms_store_exec (fixture->store, oms_store_schema_get_migration (8), &error));
  g_assert_no_error (error);
  second = oms_test_query_text (fixture->store, pending_in_order);
  g_assert_cmpstr (second, ==, "C,A");
  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT rowid FROM sync_buffer WHERE record_id = 'A'"),
                   ==, a_rowid);
  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT count(*) FROM sqlite_master "
                                       "WHERE name = 'sync_buffer_pending'"), ==, 0);
}

/* A legacy record kept generically names its store `store_ID`: its delete is filed under that
 * store, like its upsert, so it supersedes the upsert in the de-duplicated view.
 */
static void
test_generic_delete_store (Fixture       *fixture,
                           gconstpointer  user_data)
{
  OmsStore *store = fixture->store;
  OmsChangeOrigin pulled = { TRUE, TRUE, 12 };
  g_autoptr(GPtrArray) latest = NULL;
  g_autoptr(GError) error = NULL;
  OmsChangelogEntry *entry;

  g_assert_true (oms_store_upsert_raw_record (store, "name_store_join", "J1",
                                              "{\"ID\":\"J1\",\"store_ID\":\"store-1\","
                                              "\"name_ID\":\"N1\"}", &pulled, &error));
  g_assert_true (oms_store_delete_record (store, "name_store_join", "J1", &pulled, &error));
  g_assert_no_error (error);

  latest = oms_store_list_changelog (store, 0, TRUE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (latest->len, ==, 1);
  entry = g_ptr_array_index (latest, 0);
  g_assert_cmpint (entry->action, ==, OMS_ROW_ACTION_DELETE);
  g_assert_cmpstr (entry->store_id, ==, "store-1");
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM record"), ==, 0);
}

/* Schema 5: file references an older omsync kept generically become typed on upgrade, and a
 * reference upserted again keeps this site's transfer state.
 */
static void
test_sync_file_reference_upgrade (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(JsonObject) again = NULL;

  g_assert_true (oms_store_exec (fixture->store,
                                 "DROP TABLE sync_file_reference;"
                                 "INSERT INTO record (table_name, id, data) VALUES "
                                 "('sync_file_reference', 'f1', '{\"id\":\"f1\","
                                 "\"table_name\":\"asset\",\"record_id\":\"a1\","
                                 "\"file_name\":\"photo.jpg\",\"mime_type\":\"image/jpeg\","
                                 "\"total_bytes\":12,\"created_datetime\":\"2024-01-05T10:00:00\","
                                 "\"deleted_datetime\":null}'),"
                                 "('sync_file_reference', 'f2', '{\"id\":\"f2\"}'),"
                                 "('asset_class', 'c1', '{\"id\":\"c1\"}');"
                                 "PRAGMA user_version = 4;",
                                 &error));
  g_assert_no_error (error);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));

  fixture->store = oms_store_open (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (oms_store_get_schema_version (fixture->store), ==, OMS_STORE_SCHEMA_VERSION);

  row = oms_store_get_record (fixture->store, "sync_file_reference", "f1", &error);
  g_assert_no_error (error);
  g_assert_nonnull (row);
  g_assert_cmpstr (json_object_get_string_member (row, "file_name"), ==, "photo.jpg");
  g_assert_cmpint (json_object_get_int_member (row, "total_bytes"), ==, 12);
  g_assert_cmpstr (json_object_get_string_member (row, "direction"), ==, "DOWNLOAD");
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "NEW");
  /* Moved, not copied; what cannot be a reference stays generic, as does everything else. */
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM record WHERE "
                                                       "table_name = 'sync_file_reference'"),
                   ==, 1);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM record WHERE "
                                                       "id = 'c1'"), ==, 1);

  /* The file synchroniser's state survives the same reference arriving again. */
  g_assert_true (oms_store_exec (fixture->store,
                                 "UPDATE sync_file_reference SET status = 'DONE', "
                                 "downloaded_bytes = 12 WHERE id = 'f1'", &error));
  again = object_from_json ("{\"id\":\"f1\",\"table_name\":\"asset\",\"record_id\":\"a1\","
                            "\"file_name\":\"photo-2.jpg\",\"total_bytes\":12,"
                            "\"direction\":\"DOWNLOAD\",\"status\":\"NEW\","
                            "\"created_datetime\":\"2024-01-05T10:00:00\"}");
  g_assert_true (oms_store_upsert_record (fixture->store, "sync_file_reference", again,
                                          OMS_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&row, json_object_unref);
  row = oms_store_get_record (fixture->store, "sync_file_reference", "f1", &error);
  g_assert_cmpstr (json_object_get_string_member (row, "file_name"), ==, "photo-2.jpg");
  g_assert_cmpstr (json_object_get_string_member (row, "status"), ==, "DONE");
  g_assert_cmpint (json_object_get_int_member (row, "downloaded_bytes"), ==, 12);
}

static void
test_key_value (Fixture       *fixture,
                gconstpointer  user_data)
{
  OmsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *absent = NULL;

  absent = oms_store_kv_get_string (store, "NOPE", &error);
  g_assert_no_error (error);
  g_assert_null (absent);
  g_assert_cmpint (oms_store_kv_get_int (store, "NOPE", -7, &error), ==, -7);
  g_assert_cmpint (oms_store_kv_get_bigint (store, "NOPE", 42, &error), ==, 42);
  g_assert_cmpfloat (oms_store_kv_get_float (store, "NOPE", 2.5, &error), ==, 2.5);
  g_assert_true (oms_store_kv_get_bool (store, "NOPE", TRUE, &error));
  g_assert_false (oms_store_kv_has (store, "NOPE", &error));
  g_assert_no_error (error);

  g_assert_true (oms_store_kv_set_string (store, "S", "Ünïcode “site” ✓", &error));
  g_assert_true (oms_store_kv_set_int (store, "I", G_MININT32, &error));
  g_assert_true (oms_store_kv_set_bigint (store, "B", G_MAXINT64, &error));
  g_assert_true (oms_store_kv_set_float (store, "F", -0.125, &error));
  g_assert_true (oms_store_kv_set_bool (store, "T", FALSE, &error));
  g_assert_no_error (error);

  text = oms_store_kv_get_string (store, "S", &error);
  g_assert_cmpstr (text, ==, "Ünïcode “site” ✓");
  g_assert_cmpint (oms_store_kv_get_int (store, "I", 0, &error), ==, G_MININT32);
  g_assert_cmpint (oms_store_kv_get_bigint (store, "B", 0, &error), ==, G_MAXINT64);
  g_assert_cmpfloat (oms_store_kv_get_float (store, "F", 0, &error), ==, -0.125);
  g_assert_false (oms_store_kv_get_bool (store, "T", TRUE, &error));
  g_assert_true (oms_store_kv_has (store, "T", &error));
  g_assert_no_error (error);

  /* Values live in their own typed column, as in Open mSupply. */
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT value_int FROM key_value_store WHERE id = 'I'"),
                   ==, G_MININT32);
  g_assert_cmpint (oms_test_query_int (store, "SELECT value_bigint IS NULL FROM key_value_store "
                                              "WHERE id = 'I'"), ==, 1);

  /* Overwriting a key with another type keeps only the new value. */
  g_assert_true (oms_store_kv_set_int (store, "S", 5, &error));
  g_clear_pointer (&text, g_free);
  text = oms_store_kv_get_string (store, "S", &error);
  g_assert_null (text);
  g_assert_cmpint (oms_store_kv_get_int (store, "S", 0, &error), ==, 5);

  g_assert_true (oms_store_kv_delete (store, "S", &error));
  g_assert_false (oms_store_kv_has (store, "S", &error));
  g_assert_no_error (error);
}

static void
test_changelog_written_with_record (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  OmsStore *store = fixture->store;
  OmsChangeOrigin pulled = { TRUE, TRUE, 12 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  OmsChangelogEntry *entry;

  upsert_location (store, "loc-1", "Fridge", "store-1", OMS_ORIGIN_LOCAL);
  upsert_location (store, "loc-2", "Freezer", "store-1", &pulled);

  entries = oms_store_list_changelog (store, 0, FALSE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);

  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (entry->table_name, ==, "location");
  g_assert_cmpstr (entry->record_id, ==, "loc-1");
  g_assert_cmpint (entry->action, ==, OMS_ROW_ACTION_UPSERT);
  g_assert_cmpstr (entry->store_id, ==, "store-1");
  g_assert_false (entry->is_sync_update);
  g_assert_false (entry->has_source_site_id);

  entry = g_ptr_array_index (entries, 1);
  g_assert_cmpstr (entry->record_id, ==, "loc-2");
  g_assert_true (entry->is_sync_update);
  g_assert_true (entry->has_source_site_id);
  g_assert_cmpint (entry->source_site_id, ==, 12);
  g_assert_cmpint (oms_store_get_max_changelog_cursor (store, &error), ==, entry->cursor);
}

static void
test_changelog_rolled_back_with_record (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  OmsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) incomplete = NULL;

  /* A caller's transaction that rolls back takes the changelog row with it. */
  g_assert_true (oms_store_begin (store, &error));
  upsert_location (store, "loc-1", "Fridge", "store-1", OMS_ORIGIN_LOCAL);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog"), ==, 1);
  oms_store_rollback (store);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM location"), ==, 0);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog"), ==, 0);

  /* A record the table refuses leaves no changelog row behind. */
  incomplete = object_from_json ("{\"id\":\"loc-9\",\"code\":\"X\",\"store_id\":\"s\"}");
  g_assert_false (oms_store_upsert_record (store, "location", incomplete, OMS_ORIGIN_LOCAL,
                                           &error));
  g_assert_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog"), ==, 0);

  /* When the changelog write itself fails, the record write is undone too. */
  g_assert_true (oms_store_exec (store,
                                 "CREATE TEMP TRIGGER refuse_changelog BEFORE INSERT ON "
                                 "changelog BEGIN SELECT RAISE (ABORT, 'disk full'); END;",
                                 &error));
  g_assert_false (oms_store_upsert_record (store, "location",
                                           incomplete, OMS_ORIGIN_LOCAL, &error));
  g_clear_error (&error);
  {
    g_autoptr(JsonObject) complete =
      object_from_json ("{\"id\":\"loc-3\",\"name\":\"Cold room\",\"code\":\"C\","
                        "\"on_hold\":false,\"store_id\":\"store-1\",\"volume\":9}");

    g_assert_false (oms_store_upsert_record (store, "location", complete, OMS_ORIGIN_LOCAL,
                                             &error));
    g_assert_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_SQL);
    g_clear_error (&error);
  }
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM location"), ==, 0);
  g_assert_true (oms_store_exec (store, "DROP TRIGGER refuse_changelog", &error));

  /* And a committed transaction keeps both. */
  g_assert_true (oms_store_begin (store, &error));
  upsert_location (store, "loc-1", "Fridge", "store-1", OMS_ORIGIN_LOCAL);
  g_assert_true (oms_store_commit (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM location"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog"), ==, 1);
}

static void
test_deduplicated_view (Fixture       *fixture,
                        gconstpointer  user_data)
{
  OmsStore *store = fixture->store;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) latest = NULL;
  g_autoptr(GError) error = NULL;
  OmsChangelogEntry *entry;
  gint64 delete_cursor;

  upsert_location (store, "loc-1", "Fridge", "store-1", OMS_ORIGIN_LOCAL);
  upsert_location (store, "loc-2", "Freezer", "store-1", OMS_ORIGIN_LOCAL);
  upsert_location (store, "loc-1", "Fridge A", "store-1", OMS_ORIGIN_LOCAL);
  upsert_location (store, "loc-1", "Fridge B", "store-1", OMS_ORIGIN_LOCAL);
  g_assert_true (oms_store_delete_record (store, "location", "loc-2", OMS_ORIGIN_LOCAL,
                                          &error));
  g_assert_no_error (error);

  all = oms_store_list_changelog (store, 0, FALSE, 0, &error);
  g_assert_cmpuint (all->len, ==, 5);

  latest = oms_store_list_changelog (store, 0, TRUE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (latest->len, ==, 2);

  entry = g_ptr_array_index (latest, 0);
  g_assert_cmpstr (entry->record_id, ==, "loc-1");
  g_assert_cmpint (entry->cursor, ==, ((OmsChangelogEntry *) g_ptr_array_index (all, 3))->cursor);
  entry = g_ptr_array_index (latest, 1);
  g_assert_cmpstr (entry->record_id, ==, "loc-2");
  g_assert_cmpint (entry->action, ==, OMS_ROW_ACTION_DELETE);
  g_assert_cmpstr (entry->store_id, ==, "store-1");

  /* The view answers the same as grouping the whole changelog would. */
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT count(*) FROM changelog_deduped d WHERE d.cursor = "
                                       "(SELECT max(cursor) FROM changelog c WHERE c.record_id = "
                                       "d.record_id AND c.store_id IS d.store_id)"), ==, 2);

  /* A cursor past a record's newest change no longer sees it; limits apply. */
  delete_cursor = entry->cursor;
  g_clear_pointer (&latest, g_ptr_array_unref);
  latest = oms_store_list_changelog (store, delete_cursor, TRUE, 1, &error);
  g_assert_cmpuint (latest->len, ==, 1);
  g_assert_cmpstr (((OmsChangelogEntry *) g_ptr_array_index (latest, 0))->record_id, ==,
                   "loc-2");
}

static void
test_record_tables (Fixture       *fixture,
                    gconstpointer  user_data)
{
  OmsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) asset = NULL;
  g_autoptr(JsonObject) asset_log = NULL;
  g_autoptr(JsonObject) invoice = NULL;
  g_autoptr(JsonObject) read_back = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) counts = NULL;
  gboolean saw_invoice = FALSE;

  g_assert_true (oms_store_is_typed_table ("sensor"));
  g_assert_false (oms_store_is_typed_table ("invoice"));

  asset = object_from_json ("{\"id\":\"a1\",\"store_id\":\"store-1\",\"notes\":\"Fridge\","
                            "\"created_datetime\":\"2026-01-01T00:00:00\","
                            "\"modified_datetime\":\"2026-01-02T00:00:00\","
                            "\"properties\":{\"volume\":90},\"needs_replacement\":true}");
  g_assert_true (oms_store_upsert_record (store, "asset", asset, OMS_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);

  read_back = oms_store_get_record (store, "asset", "a1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (read_back, "properties"), ==,
                   "{\"volume\":90}");
  g_assert_true (json_object_get_boolean_member (read_back, "needs_replacement"));
  g_assert_true (json_object_get_null_member (read_back, "serial_number"));

  /* An asset log is filed under its asset's store, as Open mSupply does. */
  asset_log = object_from_json ("{\"id\":\"al1\",\"asset_id\":\"a1\",\"user_id\":\"u\","
                                "\"status\":\"FUNCTIONING\","
                                "\"log_datetime\":\"2026-01-03T00:00:00\","
                                "\"created_datetime\":\"2026-01-03T00:00:00\"}");
  g_assert_true (oms_store_upsert_record (store, "asset_log", asset_log, OMS_ORIGIN_LOCAL,
                                          &error));
  invoice = object_from_json ("{\"id\":\"inv1\",\"store_id\":\"store-1\","
                              "\"name_link_id\":\"n1\",\"status\":\"NEW\"}");
  g_assert_true (oms_store_upsert_record (store, "invoice", invoice, OMS_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);

  entries = oms_store_list_changelog (store, 0, FALSE, 0, &error);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpstr (((OmsChangelogEntry *) g_ptr_array_index (entries, 1))->store_id, ==,
                   "store-1");
  g_assert_cmpstr (((OmsChangelogEntry *) g_ptr_array_index (entries, 2))->table_name, ==,
                   "invoice");
  g_assert_cmpstr (((OmsChangelogEntry *) g_ptr_array_index (entries, 2))->name_link_id, ==,
                   "n1");

  g_clear_pointer (&read_back, json_object_unref);
  read_back = oms_store_get_record (store, "invoice", "inv1", &error);
  g_assert_cmpstr (json_object_get_string_member (read_back, "status"), ==, "NEW");

  counts = oms_store_list_table_counts (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < counts->len; i++)
    {
      OmsTableCount *count = g_ptr_array_index (counts, i);

      if (g_str_equal (count->table_name, "asset"))
        g_assert_cmpint (count->n_rows, ==, 1);
      if (g_str_equal (count->table_name, "sensor"))
        g_assert_cmpint (count->n_rows, ==, 0);
      if (g_str_equal (count->table_name, "invoice"))
        {
          g_assert_cmpint (count->n_rows, ==, 1);
          g_assert_false (count->is_typed);
          saw_invoice = TRUE;
        }
    }
  g_assert_true (saw_invoice);

  /* Wrong types are refused with a clear error. */
  {
    g_autoptr(JsonObject) bad = object_from_json ("{\"id\":\"s1\",\"name\":\"S\","
                                                  "\"serial\":\"AA\",\"store_id\":\"st\","
                                                  "\"type\":\"BLUE_MAESTRO\","
                                                  "\"battery_level\":\"full\"}");

    g_assert_false (oms_store_upsert_record (store, "sensor", bad, OMS_ORIGIN_LOCAL, &error));
    g_assert_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "battery_level"));
  }
}

static void
count_signal (OmsStore *store,
              int      *count)
{
  (*count)++;
}

static void
test_changed_signal (Fixture       *fixture,
                     gconstpointer  user_data)
{
  OmsStore *store = fixture->store;
  g_autoptr(GError) error = NULL;
  int changed = 0;

  g_signal_connect (store, "changed", G_CALLBACK (count_signal), &changed);

  upsert_location (store, "loc-1", "Fridge", "store-1", OMS_ORIGIN_LOCAL);
  g_assert_cmpint (changed, ==, 1);

  g_assert_true (oms_store_begin (store, &error));
  upsert_location (store, "loc-2", "Freezer", "store-1", OMS_ORIGIN_LOCAL);
  upsert_location (store, "loc-3", "Box", "store-1", OMS_ORIGIN_LOCAL);
  g_assert_cmpint (changed, ==, 1);
  g_assert_true (oms_store_commit (store, &error));
  g_assert_cmpint (changed, ==, 2);

  g_assert_true (oms_store_begin (store, &error));
  upsert_location (store, "loc-4", "Shelf", "store-1", OMS_ORIGIN_LOCAL);
  oms_store_rollback (store);
  g_assert_cmpint (changed, ==, 2);

  g_assert_true (oms_store_begin (store, &error));
  g_assert_false (oms_store_begin (store, &error));
  g_assert_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID);
  oms_store_rollback (store);
}

static void
assert_refused_untouched (const char *data_dir,
                          const char *path,
                          int         code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(OmsStore) store = NULL;
  gsize before_len = 0;
  gsize after_len = 0;

  g_assert_true (g_file_get_contents (path, &before, &before_len, NULL));
  store = oms_store_open (data_dir, &error);
  g_assert_null (store);
  g_assert_error (error, OMS_STORE_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("refused with: %s", error->message);

  g_assert_true (g_file_get_contents (path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_corrupt_file (void)
{
  g_autoptr(OmsTestTmpDir) dir = oms_test_make_tmp_dir ("oms-store-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "omsync.sqlite", NULL);
  GString *garbage = g_string_new (NULL);

  for (int i = 0; i < 4096; i++)
    g_string_append_c (garbage, (char) (i * 7 + 3));
  g_assert_true (g_file_set_contents (path, garbage->str, garbage->len, NULL));
  g_string_free (garbage, TRUE);

  assert_refused_untouched (dir, path, OMS_STORE_ERROR_CORRUPT);
}

static void
test_foreign_database (void)
{
  g_autoptr(OmsTestTmpDir) dir = oms_test_make_tmp_dir ("oms-store-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "omsync.sqlite", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE notes (body TEXT); "
                                     "INSERT INTO notes VALUES ('keep me');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  assert_refused_untouched (dir, path, OMS_STORE_ERROR_CORRUPT);
}

static void
test_newer_schema_refused (void)
{
  g_autoptr(OmsTestTmpDir) dir = oms_test_make_tmp_dir ("oms-store-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "omsync.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  OmsStore *store;
  sqlite3 *db = NULL;

  store = oms_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (oms_store_kv_set_string (store, "SETTINGS_SYNC_USERNAME", "site", &error));
  g_assert_finalize_object (store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  assert_refused_untouched (dir, path, OMS_STORE_ERROR_TOO_NEW);
}

static void
test_data_dir_is_a_file (void)
{
  g_autoptr(OmsTestTmpDir) dir = oms_test_make_tmp_dir ("oms-store-XXXXXX");
  g_autofree char *file = g_build_filename (dir, "not-a-dir", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsStore) store = NULL;

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  store = oms_store_open (file, &error);
  g_assert_null (store);
  g_assert_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_OPEN);
}

static void
test_resolve_data_dir (void)
{
  g_autofree char *given = oms_store_resolve_data_dir ("/srv/omsync");
  g_autofree char *from_env = NULL;
  g_autofree char *fallback = NULL;
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "omsync", NULL);

  g_assert_cmpstr (given, ==, "/srv/omsync");

  g_setenv ("OMSYNC_DATA_DIR", "/var/lib/omsync", TRUE);
  from_env = oms_store_resolve_data_dir (NULL);
  g_assert_cmpstr (from_env, ==, "/var/lib/omsync");

  g_unsetenv ("OMSYNC_DATA_DIR");
  fallback = oms_store_resolve_data_dir (NULL);
  g_assert_cmpstr (fallback, ==, expected);
}

typedef struct
{
  char   *data_dir;
  GMutex  mutex;
  GCond   cond;
  gboolean writing;
} OtherWriter;

/* Whoever removes a data directory or exits after a run can wait for the checkpoint worker,
 * which opens files there on a connection of its own (a test's clean-up once failed with
 * "Directory not empty" while it ran).
 */
static void
test_checkpoint_wait (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *wal = g_build_filename (fixture->data_dir, "omsync.sqlite-wal", NULL);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  oms_test_exec_sql (fixture->store, "PRAGMA wal_autocheckpoint = 0");
  for (int i = 0; i < 200; i++)
    {
      g_autofree char *key = g_strdup_printf ("KEY_%d", i);

      g_assert_true (oms_store_kv_set_int (fixture->store, key, i, &error));
    }
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);

  oms_store_checkpoint_async (fixture->data_dir, NULL, NULL, NULL);
  oms_store_checkpoint_wait (fixture->data_dir);

  /* Done, without turning the main loop: the log is folded in and truncated. */
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
  oms_store_checkpoint_wait ("/no/checkpoint/here");
}

/* Another connection (a worker's, or the checkpoint after a run) holds the write lock for a
 * moment, then commits.
 */
static gpointer
other_writer_thread (gpointer user_data)
{
  OtherWriter *other = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(OmsStore) store = oms_store_open (other->data_dir, &error);

  g_assert_no_error (error);
  g_assert_true (oms_store_begin (store, &error));
  g_assert_true (oms_store_kv_set_int (store, "OTHER_WRITER", 1, &error));
  g_mutex_lock (&other->mutex);
  other->writing = TRUE;
  g_cond_signal (&other->cond);
  g_mutex_unlock (&other->mutex);
  g_usleep (300 * 1000);
  g_assert_true (oms_store_commit (store, &error));
  g_assert_no_error (error);

  return NULL;
}

/* A write outside a transaction waits for another connection's write to end, then goes on: a
 * deferred transaction would read first and then fail at once with "database is locked"
 * (SQLITE_BUSY_SNAPSHOT) when the other connection committed in between.
 */
static void
test_write_waits_for_other_writer (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  OtherWriter other = { fixture->data_dir };
  g_autoptr(JsonObject) asset = object_from_json (
    "{\"id\":\"asset-1\",\"store_id\":\"store-1\","
    "\"created_datetime\":\"2026-11-26T08:00:00\","
    "\"modified_datetime\":\"2026-11-26T08:00:00\"}");
  g_autoptr(JsonObject) log = object_from_json (
    "{\"id\":\"log-1\",\"asset_id\":\"asset-1\",\"user_id\":\"u\","
    "\"status\":\"FUNCTIONING\",\"log_datetime\":\"2026-11-26T09:00:00\","
    "\"created_datetime\":\"2026-11-26T09:00:00\"}");
  g_autoptr(GError) error = NULL;
  GThread *thread;

  g_assert_true (oms_store_upsert_record (fixture->store, "asset", asset, OMS_ORIGIN_LOCAL,
                                          &error));
  g_assert_no_error (error);

  g_mutex_init (&other.mutex);
  g_cond_init (&other.cond);
  thread = g_thread_new ("other-writer", other_writer_thread, &other);
  g_mutex_lock (&other.mutex);
  while (!other.writing)
    g_cond_wait (&other.cond, &other.mutex);
  g_mutex_unlock (&other.mutex);

  /* An asset log's store is read from its asset before anything is written. */
  g_assert_true (oms_store_upsert_record (fixture->store, "asset_log", log, OMS_ORIGIN_LOCAL,
                                          &error));
  g_assert_no_error (error);

  g_thread_join (thread);
  g_mutex_clear (&other.mutex);
  g_cond_clear (&other.cond);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM changelog "
                                                       "WHERE record_id = 'log-1' "
                                                       "AND store_id = 'store-1'"), ==, 1);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT value_int FROM key_value_store "
                                                       "WHERE id = 'OTHER_WRITER'"), ==, 1);
}

/* Bookkeeping commits may skip the fsync (synchronous NORMAL); nothing else: the mode
 * comes back to FULL, and a transaction keeps the mode it began with.
 */
static void
test_relaxed_commits (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (oms_test_query_int (fixture->store, "PRAGMA synchronous"), ==, 2);
  oms_store_set_relaxed (fixture->store, TRUE);
  g_assert_cmpint (oms_test_query_int (fixture->store, "PRAGMA synchronous"), ==, 1);
  g_assert_true (oms_store_kv_set_int (fixture->store, "TEST_CURSOR", 7, &error));
  g_assert_no_error (error);
  oms_store_set_relaxed (fixture->store, FALSE);
  g_assert_cmpint (oms_test_query_int (fixture->store, "PRAGMA synchronous"), ==, 2);

  g_assert_true (oms_store_begin (fixture->store, &error));
  oms_store_set_relaxed (fixture->store, TRUE);
  g_assert_cmpint (oms_test_query_int (fixture->store, "PRAGMA synchronous"), ==, 2);
  oms_store_set_relaxed (fixture->store, FALSE);
  g_assert_true (oms_store_commit (fixture->store, &error));
  g_assert_no_error (error);

  /* What was written relaxed is there for every connection. */
  g_clear_object (&fixture->store);
  fixture->store = oms_store_open (fixture->data_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT value_int FROM key_value_store "
                                                       "WHERE id = 'TEST_CURSOR'"), ==, 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/oms/store/create", test_create);
  ADD ("/oms/store/reopen", test_reopen);
  ADD ("/oms/store/migrations-idempotent", test_migrations_idempotent);
  ADD ("/oms/store/sync-file-reference-upgrade", test_sync_file_reference_upgrade);
  ADD ("/oms/store/buffer-mark-upgrade", test_buffer_mark_upgrade);
  ADD ("/oms/store/key-value", test_key_value);
  ADD ("/oms/store/changelog/written-with-record", test_changelog_written_with_record);
  ADD ("/oms/store/changelog/rolled-back-with-record", test_changelog_rolled_back_with_record);
  ADD ("/oms/store/changelog/deduplicated-view", test_deduplicated_view);
  ADD ("/oms/store/changelog/generic-delete-store", test_generic_delete_store);
  ADD ("/oms/store/record-tables", test_record_tables);
  ADD ("/oms/store/changed-signal", test_changed_signal);
  ADD ("/oms/store/relaxed-commits", test_relaxed_commits);
  ADD ("/oms/store/write-waits-for-other-writer", test_write_waits_for_other_writer);
  ADD ("/oms/store/checkpoint-wait", test_checkpoint_wait);
  g_test_add_func ("/oms/store/refuse/corrupt-file", test_corrupt_file);
  g_test_add_func ("/oms/store/refuse/foreign-database", test_foreign_database);
  g_test_add_func ("/oms/store/refuse/newer-schema", test_newer_schema_refused);
  g_test_add_func ("/oms/store/refuse/data-dir-is-a-file", test_data_dir_is_a_file);
  g_test_add_func ("/oms/store/resolve-data-dir", test_resolve_data_dir);

#undef ADD

  return g_test_run ();
}

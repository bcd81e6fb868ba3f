/* test-merge.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "oms-store-private.h"

/* Names, items and clinicians are reached through link tables, as in Open mSupply, so that a
 * merge can point the links of the merged record at the one it was merged into.
 */

typedef struct
{
  char     *data_dir;
  OmsStore *store;
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_remove (child);
    }
  g_rmdir (path);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->data_dir = g_dir_make_tmp ("oms-merge-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store = oms_store_open (fixture->data_dir, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_assert_finalize_object (fixture->store);
  remove_tree (fixture->data_dir);
  g_free (fixture->data_dir);
}

static gint64
count_rows (OmsStore   *store,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (oms_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static void
exec_sql (OmsStore   *store,
          const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_store_exec (store, sql, &error));
  g_assert_no_error (error);
}

/* The row the name translation gives, as oms_store_upsert_record() takes it. */
static void
upsert_name (OmsStore              *store,
             const char            *id,
             const OmsChangeOrigin *origin)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (fields, "id", id);
  json_object_set_string_member (fields, "name", id);
  json_object_set_string_member (fields, "code", id);
  json_object_set_string_member (fields, "type", "FACILITY");
  json_object_set_boolean_member (fields, "is_customer", TRUE);
  g_assert_true (oms_store_upsert_record (store, "name", fields, origin, &error));
  g_assert_no_error (error);
}

static void
upsert_raw (OmsStore              *store,
            const char            *table,
            const char            *id,
            const char            *data,
            const OmsChangeOrigin *origin)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdelimit (g_strdup (data), "'", '"');

  g_assert_true (oms_store_upsert_raw_record (store, table, id, json, origin, &error));
  g_assert_no_error (error);
}

/* A name, item or clinician written one by one gets a link to itself; a link it already has
 * (a merge's) is left alone, and other tables get none.
 */
static void
test_links_to_self (Fixture       *fixture,
                    gconstpointer  user_data)
{
  OmsStore *store = fixture->store;
  g_autoptr(JsonObject) item = json_object_new ();
  g_autoptr(GError) error = NULL;

  upsert_name (store, "N1", OMS_ORIGIN_LOCAL);
  upsert_raw (store, "item", "I1", "{'ID':'I1'}", OMS_ORIGIN_LOCAL);
  upsert_raw (store, "clinician", "C1", "{'ID':'C1'}", OMS_ORIGIN_LOCAL);
  upsert_raw (store, "unit", "U1", "{'ID':'U1'}", OMS_ORIGIN_LOCAL);
  /* The generic road that parses its record. */
  json_object_set_string_member (item, "id", "I2");
  g_assert_true (oms_store_upsert_record (store, "item", item, OMS_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM name_link "
                                      "WHERE id = 'N1' AND name_id = 'N1'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM item_link "
                                      "WHERE id = item_id AND id IN ('I1', 'I2')"), ==, 2);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM clinician_link "
                                      "WHERE id = 'C1' AND clinician_id = 'C1'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT (SELECT count(*) FROM name_link) + "
                                      "(SELECT count(*) FROM item_link) + "
                                      "(SELECT count(*) FROM clinician_link)"), ==, 4);

  /* Links are not synced: only the records have changelog rows. */
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM changelog"), ==, 5);

  exec_sql (store, "UPDATE name_link SET name_id = 'N0' WHERE id = 'N1'");
  exec_sql (store, "UPDATE item_link SET item_id = 'I0' WHERE id = 'I1'");
  upsert_name (store, "N1", OMS_ORIGIN_LOCAL);
  upsert_raw (store, "item", "I1", "{'ID':'I1','name':'again'}", OMS_ORIGIN_LOCAL);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM name_link "
                                      "WHERE id = 'N1' AND name_id = 'N0'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM item_link "
                                      "WHERE id = 'I1' AND item_id = 'I0'"), ==, 1);

  /* A record deleted and pulled again keeps its link too. */
  g_assert_true (oms_store_delete_record (store, "name", "N1", OMS_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM name_link WHERE id = 'N1'"), ==, 1);
  upsert_name (store, "N1", OMS_ORIGIN_LOCAL);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM name_link "
                                      "WHERE id = 'N1' AND name_id = 'N0'"), ==, 1);
}

/* A record that cannot be stored leaves no link behind. */
static void
test_no_link_without_record (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (oms_store_upsert_raw_record (fixture->store, "item", "I1", "not json",
                                               OMS_ORIGIN_LOCAL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* A name without its required columns. */
  json_object_set_string_member (fields, "id", "N1");
  g_assert_false (oms_store_upsert_record (fixture->store, "name", fields, OMS_ORIGIN_LOCAL,
                                           &error));
  g_assert_error (error, OMS_STORE_ERROR, OMS_STORE_ERROR_INVALID);

  g_assert_cmpint (count_rows (fixture->store, "SELECT count(*) FROM item_link"), ==, 0);
  g_assert_cmpint (count_rows (fixture->store, "SELECT count(*) FROM name_link"), ==, 0);
}

/* A store written before the link tables existed gets a link for each record it holds. */
static void
test_migration_links_existing (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("oms-merge-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "omsync.sqlite", NULL);
  g_autoptr(OmsStore) store = NULL;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  for (int version = 1; version <= 3; version++)
    g_assert_cmpint (sqlite3_exec (db, oms_store_schema_get_migration (version), NULL, NULL,
                                   NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "PRAGMA user_version = 3;"
                                 "INSERT INTO name (id, name, code, type, is_customer, "
                                 "is_supplier, is_manufacturer, is_donor, on_hold, is_deceased) "
                                 "VALUES ('N1', 'One', 'N1', 'FACILITY', 1, 0, 0, 0, 0, 0), "
                                 "('N2', 'Two', 'N2', 'STORE', 0, 1, 0, 0, 0, 0);"
                                 "INSERT INTO record (table_name, id, data) VALUES "
                                 "('item', 'I1', '{}'), ('clinician', 'C1', '{}'), "
                                 "('unit', 'U1', '{}'), ('name_store_join', 'J1', '{}');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = oms_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (oms_store_get_schema_version (store), ==, OMS_STORE_SCHEMA_VERSION);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM name_link WHERE id = name_id "
                                      "AND id IN ('N1', 'N2')"), ==, 2);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM name_link"), ==, 2);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM item_link "
                                      "WHERE id = 'I1' AND item_id = 'I1'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM item_link"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM clinician_link "
                                      "WHERE id = 'C1' AND clinician_id = 'C1'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM clinician_link"), ==, 1);

  /* Running the migration again keeps links a merge repointed. */
  exec_sql (store, "UPDATE name_link SET name_id = 'N2' WHERE id = 'N1'");
  exec_sql (store, oms_store_schema_get_migration (4));
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM name_link "
                                      "WHERE id = 'N1' AND name_id = 'N2'"), ==, 1);
  g_assert_cmpint (count_rows (store, "SELECT count(*) FROM name_link"), ==, 2);

  g_clear_object (&store);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/oms/merge/links/to-self", test_links_to_self);
  ADD ("/oms/merge/links/none-without-record", test_no_link_without_record);
  g_test_add_func ("/oms/merge/links/migration", test_migration_links_existing);

  return g_test_run ();
}

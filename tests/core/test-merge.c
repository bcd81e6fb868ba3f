/* test-merge.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "oms-integrator.h"
#include "oms-store-private.h"
#include "oms-sync-buffer.h"
#include "oms-sync-record.h"
#include "oms-test-util.h"

/* Names, items and clinicians are reached through link tables, as in Open mSupply, so that a
 * merge can point the links of the merged record at the one it was merged into. The merge
 * tests follow Open mSupply's own (server/service/src/sync/translations/special/
 * {name,item,clinician}_merge.rs): merges arrive in the sync buffer and the integrator takes
 * them, with the central's site id 7.
 */

#define CENTRAL_SITE_ID 7

typedef struct
{
  char     *data_dir;
  OmsStore *store;
} Fixture;

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
  oms_test_remove_dir_unchecked (fixture->data_dir);
  g_free (fixture->data_dir);
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

static const OmsChangeOrigin pulled = { TRUE, TRUE, CENTRAL_SITE_ID };

static void
add_record (GPtrArray       *records,
            const char      *table,
            OmsSyncAction    action,
            const char      *id,
            const char      *data)
{
  g_autofree char *json = data != NULL ? g_strdelimit (g_strdup (data), "'", '"') : NULL;

  g_ptr_array_add (records, oms_sync_record_new (table, id, action, json));
}

static GPtrArray *
new_records (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) oms_sync_record_free);
}

/* A merge as the legacy central sends it; its record id is whatever the central chose. */
static void
add_merge (GPtrArray  *records,
           const char *table,
           const char *keep,
           const char *gone)
{
  g_autofree char *data = g_strdup_printf ("{'mergeIdToKeep':'%s','mergeIdToDelete':'%s'}",
                                           keep, gone);

  add_record (records, table, OMS_SYNC_ACTION_MERGE, keep, data);
}

static void
store_batch (Fixture   *fixture,
             GPtrArray *records)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (oms_sync_buffer_store_batch (fixture->store, records, TRUE, CENTRAL_SITE_ID,
                                              NULL, 0, NULL, g_get_real_time (), &error));
  g_assert_no_error (error);
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

static void
integrate (Fixture *fixture)
{
  gboolean done = FALSE;

  oms_integrator_run_async (fixture->data_dir, TRUE, CENTRAL_SITE_ID, NULL, NULL, NULL,
                            integrate_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The outcome of the buffer's merges, in the order they arrived: "ok" when integrated. */
static char *
merge_outcomes (OmsStore *store)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (oms_store_get_db (store),
                                       "SELECT NOT " OMS_SYNC_BUFFER_PENDING_SQL ", "
                                       "integration_error FROM sync_buffer "
                                       "WHERE action = 'MERGE' ORDER BY received_datetime, rowid",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 1);

      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
      g_string_append_printf (out, "%s%s", out->len > 0 ? "|" : "", text != NULL ? text : "ok");
    }
  sqlite3_finalize (stmt);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Links of @table as "id>target" in id order, for those leading to @target (NULL: all). */
static char *
links_to (OmsStore   *store,
          const char *table,
          const char *target)
{
  const OmsLinkInfo *link = oms_store_schema_lookup_link (table);
  g_autofree char *sql = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_nonnull (link);
  sql = g_strdup_printf ("SELECT id, %s FROM %s WHERE ?1 IS NULL OR %s = ?1 ORDER BY id",
                         link->target_column, link->link_table, link->target_column);
  g_assert_cmpint (sqlite3_prepare_v2 (oms_store_get_db (store), sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  if (target != NULL)
    sqlite3_bind_text (stmt, 1, target, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%s%s>%s", out->len > 0 ? " " : "",
                            sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);

  return g_string_free (g_steal_pointer (&out), FALSE);
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

  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM name_link "
                                              "WHERE id = 'N1' AND name_id = 'N1'"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM item_link "
                                              "WHERE id = item_id AND id IN ('I1', 'I2')"), ==, 2);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM clinician_link "
                                              "WHERE id = 'C1' AND clinician_id = 'C1'"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT (SELECT count(*) FROM name_link) + "
                                              "(SELECT count(*) FROM item_link) + "
                                              "(SELECT count(*) FROM clinician_link)"), ==, 4);

  /* Links are not synced: only the records have changelog rows. */
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog"), ==, 5);

  oms_test_exec_sql (store, "UPDATE name_link SET name_id = 'N0' WHERE id = 'N1'");
  oms_test_exec_sql (store, "UPDATE item_link SET item_id = 'I0' WHERE id = 'I1'");
  upsert_name (store, "N1", OMS_ORIGIN_LOCAL);
  upsert_raw (store, "item", "I1", "{'ID':'I1','name':'again'}", OMS_ORIGIN_LOCAL);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM name_link "
                                              "WHERE id = 'N1' AND name_id = 'N0'"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM item_link "
                                              "WHERE id = 'I1' AND item_id = 'I0'"), ==, 1);

  /* A record deleted and pulled again keeps its link too. */
  g_assert_true (oms_store_delete_record (store, "name", "N1", OMS_ORIGIN_LOCAL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM name_link WHERE id = 'N1'"),
                   ==, 1);
  upsert_name (store, "N1", OMS_ORIGIN_LOCAL);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM name_link "
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

  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM item_link"), ==, 0);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM name_link"), ==, 0);
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
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM name_link WHERE id = name_id "
                                              "AND id IN ('N1', 'N2')"), ==, 2);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM name_link"), ==, 2);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM item_link "
                                              "WHERE id = 'I1' AND item_id = 'I1'"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM item_link"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM clinician_link "
                                              "WHERE id = 'C1' AND clinician_id = 'C1'"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM clinician_link"), ==, 1);

  /* Running the migration again keeps links a merge repointed. */
  oms_test_exec_sql (store, "UPDATE name_link SET name_id = 'N2' WHERE id = 'N1'");
  oms_test_exec_sql (store, oms_store_schema_get_migration (4));
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM name_link "
                                              "WHERE id = 'N1' AND name_id = 'N2'"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM name_link"), ==, 2);

  g_clear_object (&store);
  oms_test_remove_dir_unchecked (dir);
}

/* item_merge.rs test_item_merge and clinician_merge.rs test_clinician_merge: b into c after
 * a into b, in either order, leaves every link leading to c.
 */
static void
test_merge_chain (Fixture       *fixture,
                  gconstpointer  user_data)
{
  const char *table = user_data;
  gboolean reverse = g_str_has_suffix (g_test_get_path (), "reverse");
  g_autofree char *a = g_strconcat (table, "_a", NULL);
  g_autofree char *b = g_strconcat (table, "_b", NULL);
  g_autofree char *c = g_strconcat (table, "_c", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *links = NULL;
  g_autofree char *outcomes = NULL;
  g_autoptr(GPtrArray) records = new_records ();
  gint64 n_changes;

  upsert_raw (fixture->store, table, a, "{}", &pulled);
  upsert_raw (fixture->store, table, b, "{}", &pulled);
  upsert_raw (fixture->store, table, c, "{}", &pulled);
  upsert_raw (fixture->store, table, "other", "{}", &pulled);
  n_changes = oms_test_query_int (fixture->store, "SELECT count(*) FROM changelog");

  if (!reverse)
    {
      add_merge (records, table, b, a);
      add_merge (records, table, c, b);
    }
  else
    {
      add_merge (records, table, c, b);
      add_merge (records, table, b, a);
    }
  store_batch (fixture, records);
  integrate (fixture);

  outcomes = merge_outcomes (fixture->store);
  g_assert_cmpstr (outcomes, ==, "ok|ok");
  links = links_to (fixture->store, table, NULL);
  expected = g_strdup_printf ("%s>%s %s>%s %s>%s other>other", a, c, b, c, c, c);
  g_assert_cmpstr (links, ==, expected);

  /* The records stay: only the links moved, and links are not synced. */
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM record"), ==, 4);
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM changelog"),
                   ==, n_changes);
}

/* name_merge.rs test_name_merge: the same for names, which also deletes the merged names,
 * each with its changelog row as a sync update from the central.
 */
static void
test_merge_name_chain (Fixture       *fixture,
                       gconstpointer  user_data)
{
  gboolean reverse = GPOINTER_TO_INT (user_data);
  g_autofree char *links = NULL;
  g_autofree char *outcomes = NULL;
  g_autoptr(GPtrArray) records = new_records ();

  upsert_name (fixture->store, "name_a", &pulled);
  upsert_name (fixture->store, "name_b", &pulled);
  upsert_name (fixture->store, "name_c", &pulled);

  if (!reverse)
    {
      add_merge (records, "name", "name_b", "name_a");
      add_merge (records, "name", "name_c", "name_b");
    }
  else
    {
      add_merge (records, "name", "name_c", "name_b");
      add_merge (records, "name", "name_b", "name_a");
    }
  store_batch (fixture, records);
  integrate (fixture);

  outcomes = merge_outcomes (fixture->store);
  g_assert_cmpstr (outcomes, ==, "ok|ok");
  links = links_to (fixture->store, "name", "name_c");
  g_assert_cmpstr (links, ==, "name_a>name_c name_b>name_c name_c>name_c");

  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM name"), ==, 1);
  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT count(*) FROM name WHERE id = 'name_c'"), ==, 1);
  g_assert_cmpint (oms_test_query_int (fixture->store,
                                       "SELECT count(*) FROM changelog_deduped "
                                       "WHERE table_name = 'name' "
                                       "AND row_action = 'DELETE' "
                                       "AND record_id IN ('name_a', 'name_b') "
                                       "AND is_sync_update = 1 AND source_site_id = 7"), ==, 2);
  /* Nothing of it is pushed back. */
  g_assert_cmpint (oms_test_query_int (fixture->store, "SELECT count(*) FROM changelog "
                                                       "WHERE is_sync_update = 0"), ==, 0);
}

static void
upsert_store (OmsStore   *store,
              const char *id,
              const char *name_id)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (fields, "id", id);
  json_object_set_string_member (fields, "name_link_id", name_id);
  json_object_set_string_member (fields, "code", id);
  json_object_set_int_member (fields, "site_id", 2);
  json_object_set_string_member (fields, "store_mode", "STORE");
  g_assert_true (oms_store_upsert_record (store, "store", fields, &pulled, &error));
  g_assert_no_error (error);
}

/* A name_store_join as the legacy central sends it (name_store_join.rs LegacyNameStoreJoinRow),
 * kept generically.
 */
static void
upsert_join (OmsStore   *store,
             const char *id,
             const char *name_id,
             const char *store_id,
             gboolean    is_customer,
             gboolean    is_supplier)
{
  g_autofree char *data =
    g_strdup_printf ("{'ID':'%s','name_ID':'%s','store_ID':'%s','inactive':false,"
                     "'om_name_is_customer':%s,'om_name_is_supplier':%s}",
                     id, name_id, store_id, is_customer ? "true" : "false",
                     is_supplier ? "true" : "false");

  upsert_raw (store, "name_store_join", id, data, &pulled);
}

/* How many joins lead to the name, as name_merge.rs counts them: through the name's link. */
static gint64
count_joins (OmsStore   *store,
             const char *name_id)
{
  g_autofree char *sql =
    g_strdup_printf ("SELECT count(*) FROM record r "
                     "JOIN name_link l ON l.id = json_extract (r.data, '$.name_ID') "
                     "JOIN name n ON n.id = l.name_id "
                     "WHERE r.table_name = 'name_store_join' AND n.id = '%s'", name_id);

  return oms_test_query_int (store, sql);
}

/* name_merge.rs test_name_merge, the part with name_store_join: the mock names, stores and
 * joins it uses (repository/src/mock/{name,store,name_store_join,test_name_query}.rs).
 */
static void
test_merge_name_store_joins (Fixture       *fixture,
                             gconstpointer  user_data)
{
  OmsStore *store = fixture->store;
  g_autoptr(GPtrArray) records = new_records ();
  g_autofree char *outcomes = NULL;
  const char *names[] = { "name_a", "name1", "name2", "name3", "name_store_a", "name_store_b",
                          "name_store_c", "program_master_list_test" };
  gint64 n_changes;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    upsert_name (store, names[i], &pulled);
  upsert_store (store, "store_a", "name_store_a");
  upsert_store (store, "store_c", "name_store_c");
  upsert_store (store, "program_master_list_store", "program_master_list_test");
  upsert_store (store, "mock_test_name_query_store_1", "name1");
  upsert_store (store, "mock_test_name_query_store_2", "name2");

  upsert_join (store, "name_store_a_join_b", "name_store_b", "store_a", TRUE, FALSE);
  upsert_join (store, "mock_name_store_join_d", "name_a", "store_a", FALSE, TRUE);
  upsert_join (store, "mock_name_store_join_e", "name_a", "store_c", FALSE, TRUE);
  upsert_join (store, "mock_name_store_join_a_name_a", "name_a", "program_master_list_store",
               FALSE, TRUE);
  upsert_join (store, "mock_name_store_master_list_join_a", "name_store_a",
               "program_master_list_store", TRUE, FALSE);
  upsert_join (store, "mock_name_2_join_id", "name2", "mock_test_name_query_store_1",
               TRUE, TRUE);
  upsert_join (store, "mock_name_3_join_id", "name3", "mock_test_name_query_store_1",
               TRUE, TRUE);
  upsert_join (store, "mock_name_3_join2_id", "name3", "mock_test_name_query_store_2",
               FALSE, FALSE);

  /* The test data is what the upstream test expects. */
  g_assert_cmpint (count_joins (store, "name_a"), ==, 3);
  g_assert_cmpint (count_joins (store, "name2"), ==, 1);
  g_assert_cmpint (count_joins (store, "name3"), ==, 2);
  g_assert_cmpint (count_joins (store, "name_store_a"), ==, 1);
  n_changes = oms_test_query_int (store, "SELECT count(*) FROM changelog");

  add_merge (records, "name", "name2", "name3");
  add_merge (records, "name", "name_a", "name2");
  /* name_a is seen by store_a, whose own name is name_store_a: that join goes rather than let
   * the store see its own name.
   */
  add_merge (records, "name", "name_store_a", "name_a");
  store_batch (fixture, records);
  integrate (fixture);

  outcomes = merge_outcomes (store);
  g_assert_cmpstr (outcomes, ==, "ok|ok|ok");
  g_assert_cmpint (count_joins (store, "name_a"), ==, 0);
  g_assert_cmpint (count_joins (store, "name2"), ==, 0);
  g_assert_cmpint (count_joins (store, "name3"), ==, 0);
  g_assert_cmpint (count_joins (store, "name_store_a"), ==, 3);

  /* Which joins: name3's duplicate of name2's for store 1 and its join to the store whose
   * name is name2, name_a's join to store_a, and its duplicate for the master list store.
   */
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM record WHERE table_name = "
                                              "'name_store_join' AND id IN ('mock_name_3_join_id', "
                                              "'mock_name_3_join2_id', 'mock_name_store_join_d', "
                                              "'mock_name_store_join_a_name_a')"), ==, 0);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM record WHERE table_name = "
                                              "'name_store_join' AND id IN ('mock_name_2_join_id', "
                                              "'mock_name_store_join_e', "
                                              "'mock_name_store_master_list_join_a', "
                                              "'name_store_a_join_b')"), ==, 4);
  /* The kept join for the master list store took the supplier flag of the one deleted. */
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT count(*) FROM record "
                                       "WHERE id = 'mock_name_store_master_list_join_a' "
                                       "AND json_extract (data, '$.om_name_is_customer') = 1 "
                                       "AND json_extract (data, '$.om_name_is_supplier') = 1 "
                                       "AND json_extract (data, '$.name_ID') = 'name_store_a' "
                                       "AND store_id = 'program_master_list_store'"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM name"), ==, 5);

  /* Every write has its changelog row, filed under the join's store, as a sync update: three
   * names and four joins deleted, one join updated.
   */
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog") - n_changes, ==, 8);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog WHERE cursor > "
                                              "(SELECT max(cursor) - 8 FROM changelog) "
                                              "AND is_sync_update = 1 AND source_site_id = 7"),
                   ==, 8);
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT count(*) FROM changelog_deduped WHERE "
                                       "table_name = 'name_store_join' AND row_action = 'DELETE' "
                                       "AND ((record_id = 'mock_name_3_join2_id' AND store_id = "
                                       "'mock_test_name_query_store_2') OR (record_id = "
                                       "'mock_name_store_join_d' AND store_id = 'store_a'))"),
                   ==, 2);
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT count(*) FROM changelog_deduped WHERE "
                                       "table_name = 'name_store_join' AND row_action = 'UPSERT' "
                                       "AND record_id = 'mock_name_store_master_list_join_a' "
                                       "AND store_id = 'program_master_list_store' AND cursor > "
                                       "(SELECT max(cursor) - 8 FROM changelog)"), ==, 1);
}

/* The flags of a deleted duplicate are ORed into the kept join only where they add something;
 * a join the legacy central marks inactive does not count (Open mSupply deleted it on arrival).
 */
static void
test_merge_name_join_flags (Fixture       *fixture,
                            gconstpointer  user_data)
{
  OmsStore *store = fixture->store;
  g_autoptr(GPtrArray) records = new_records ();
  g_autofree char *outcomes = NULL;
  gint64 n_changes;

  upsert_name (store, "keep", &pulled);
  upsert_name (store, "gone", &pulled);
  /* S1: the kept join already has both flags, nothing to write. */
  upsert_join (store, "k1", "keep", "S1", TRUE, TRUE);
  upsert_join (store, "g1", "gone", "S1", TRUE, FALSE);
  /* S2: the kept join gains the customer flag. */
  upsert_join (store, "k2", "keep", "S2", FALSE, TRUE);
  upsert_join (store, "g2", "gone", "S2", TRUE, FALSE);
  /* S3: the kept join is inactive, so the merged one stays and now leads to "keep". */
  upsert_raw (store, "name_store_join", "k3",
              "{'ID':'k3','name_ID':'keep','store_ID':'S3','inactive':true}", &pulled);
  upsert_join (store, "g3", "gone", "S3", FALSE, TRUE);
  /* S4: a kept join without Open mSupply's flags counts as neither. */
  upsert_raw (store, "name_store_join", "k4", "{'ID':'k4','name_ID':'keep','store_ID':'S4'}",
              &pulled);
  upsert_join (store, "g4", "gone", "S4", FALSE, TRUE);
  n_changes = oms_test_query_int (store, "SELECT count(*) FROM changelog");

  add_merge (records, "name", "keep", "gone");
  store_batch (fixture, records);
  integrate (fixture);

  outcomes = merge_outcomes (store);
  g_assert_cmpstr (outcomes, ==, "ok");
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM record WHERE id IN "
                                              "('g1', 'g2', 'g4')"), ==, 0);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM record WHERE id IN "
                                              "('k1', 'k2', 'k3', 'k4', 'g3')"), ==, 5);
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT count(*) FROM record WHERE id = 'k2' AND "
                                       "json_extract (data, '$.om_name_is_customer') = 1 AND "
                                       "json_extract (data, '$.om_name_is_supplier') = 1"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store,
                                       "SELECT count(*) FROM record WHERE id = 'k4' AND "
                                       "json_extract (data, '$.om_name_is_customer') = 0 AND "
                                       "json_extract (data, '$.om_name_is_supplier') = 1 AND "
                                       "json_extract (data, '$.store_ID') = 'S4'"), ==, 1);
  /* k1, k2, k4, g3, and the inactive k3. */
  g_assert_cmpint (count_joins (store, "keep"), ==, 5);
  /* The name, three joins deleted, two updated. */
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog") - n_changes, ==, 6);
}

/* Open mSupply's texts when there is nothing to merge or the kept record has no link; the
 * records that cannot be read; tables it does not merge. None of them stops the pass.
 */
static void
test_merge_outcomes (Fixture       *fixture,
                     gconstpointer  user_data)
{
  OmsStore *store = fixture->store;
  g_autoptr(GPtrArray) records = new_records ();
  g_autofree char *outcomes = NULL;
  g_autofree char *links = NULL;
  gint64 n_changes;

  upsert_name (store, "N1", &pulled);
  upsert_raw (store, "item", "I1", "{}", &pulled);
  upsert_raw (store, "item", "I2", "{}", &pulled);
  upsert_raw (store, "clinician", "C1", "{}", &pulled);
  n_changes = oms_test_query_int (store, "SELECT count(*) FROM changelog");

  add_merge (records, "item", "I1", "unknown");
  add_merge (records, "item", "missing", "I1");
  add_record (records, "item", OMS_SYNC_ACTION_MERGE, "I1", "{'mergeIdToKeep':'I1'}");
  add_record (records, "item", OMS_SYNC_ACTION_MERGE, "I1",
              "{'mergeIdToKeep':'I1','mergeIdToDelete':7}");
  add_merge (records, "item", "I2", "I1");
  add_merge (records, "name", "N1", "unknown");
  add_merge (records, "name", "missing", "N1");
  add_merge (records, "clinician", "C1", "unknown");
  add_merge (records, "clinician", "missing", "C1");
  add_merge (records, "store", "S1", "S2");
  store_batch (fixture, records);
  integrate (fixture);

  /* Tables in order (name first, then the others by name), merges in arrival order. */
  outcomes = merge_outcomes (store);
  g_assert_cmpstr (outcomes, ==,
                   "Ignored: No mergeable item links found|"
                   "Could not find item link with id missing|"
                   "The item merge record’s field “mergeIdToDelete” is required and must be "
                   "text.|"
                   "The item merge record’s field “mergeIdToDelete” is required and must be "
                   "text.|"
                   "ok|"
                   "Ignored: No mergeable name links found|"
                   "Could not find name link with id missing|"
                   "Ignored: No mergeable clinician links found|"
                   "Could not find clinician link with id missing|"
                   "Translator for record not found");

  /* Only the good merge changed anything. */
  links = links_to (store, "item", NULL);
  g_assert_cmpstr (links, ==, "I1>I2 I2>I2");
  g_clear_pointer (&links, g_free);
  links = links_to (store, "name", NULL);
  g_assert_cmpstr (links, ==, "N1>N1");
  g_clear_pointer (&links, g_free);
  links = links_to (store, "clinician", NULL);
  g_assert_cmpstr (links, ==, "C1>C1");
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM name WHERE id = 'N1'"), ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog"), ==, n_changes);
}

/* A name merge that fails part-way leaves nothing half done, and the next merge goes on. */
static void
test_merge_failure_undone (Fixture       *fixture,
                           gconstpointer  user_data)
{
  OmsStore *store = fixture->store;
  g_autoptr(GPtrArray) records = new_records ();
  g_autofree char *outcomes = NULL;
  g_autofree char *links = NULL;
  gint64 n_changes;

  upsert_name (store, "keep", &pulled);
  upsert_name (store, "gone", &pulled);
  upsert_raw (store, "item", "I1", "{}", &pulled);
  upsert_raw (store, "item", "I2", "{}", &pulled);
  upsert_join (store, "k1", "keep", "S1", TRUE, FALSE);
  upsert_join (store, "g1", "gone", "S1", FALSE, TRUE);
  n_changes = oms_test_query_int (store, "SELECT count(*) FROM changelog");
  /* The last write of the name merge, deleting the duplicate join, fails. */
  oms_test_exec_sql (store, "CREATE TRIGGER refuse_join_delete BEFORE DELETE ON record "
                            "WHEN OLD.table_name = 'name_store_join' "
                            "BEGIN SELECT RAISE (ABORT, 'refused by the test'); END");

  add_merge (records, "name", "keep", "gone");
  add_merge (records, "item", "I2", "I1");
  store_batch (fixture, records);
  integrate (fixture);
  oms_test_exec_sql (store, "DROP TRIGGER refuse_join_delete");

  outcomes = merge_outcomes (store);
  g_assert_nonnull (strstr (outcomes, "refused by the test"));
  g_assert_true (g_str_has_suffix (outcomes, "|ok"));

  links = links_to (store, "name", NULL);
  g_assert_cmpstr (links, ==, "gone>gone keep>keep");
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM name"), ==, 2);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM record WHERE id = 'k1' AND "
                                              "json_extract (data, '$.om_name_is_supplier') = 0"),
                   ==, 1);
  g_assert_cmpint (oms_test_query_int (store, "SELECT count(*) FROM changelog"), ==, n_changes);
  g_clear_pointer (&links, g_free);
  links = links_to (store, "item", NULL);
  g_assert_cmpstr (links, ==, "I1>I2 I2>I2");
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
  g_test_add ("/oms/merge/item", Fixture, "item", fixture_set_up, test_merge_chain,
              fixture_tear_down);
  g_test_add ("/oms/merge/item/reverse", Fixture, "item", fixture_set_up, test_merge_chain,
              fixture_tear_down);
  g_test_add ("/oms/merge/clinician", Fixture, "clinician", fixture_set_up, test_merge_chain,
              fixture_tear_down);
  g_test_add ("/oms/merge/clinician/reverse", Fixture, "clinician", fixture_set_up,
              test_merge_chain, fixture_tear_down);
  g_test_add ("/oms/merge/name", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up,
              test_merge_name_chain, fixture_tear_down);
  g_test_add ("/oms/merge/name/reverse", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up,
              test_merge_name_chain, fixture_tear_down);
  ADD ("/oms/merge/name/store-joins", test_merge_name_store_joins);
  ADD ("/oms/merge/name/join-flags", test_merge_name_join_flags);
  ADD ("/oms/merge/outcomes", test_merge_outcomes);
  ADD ("/oms/merge/failure-undone", test_merge_failure_undone);

  return g_test_run ();
}

/* oms-merge.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-merge"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-merge.h"
#include "oms-store-private.h"

/* Pulled merges (PROTOCOL.md §7), as Open mSupply's merge translators integrate them
 * (server/service/src/sync/translations/special/{name,item,clinician}_merge.rs). The legacy
 * central sends `{"mergeIdToKeep": K, "mergeIdToDelete": D}` when two names, items or
 * clinicians turn out to be one. Records refer to them through link tables, so every link
 * that leads to D is pointed where K's own link leads. A name merge also deletes D and tidies
 * the name_store_join rows, which omsync keeps as the legacy central sends them.
 *
 * The texts left on the buffer row are Open mSupply's, so they are data and not translated;
 * only the ones omsync adds for records it cannot read are.
 */

typedef struct
{
  char     *id;
  char     *store_id;
  char     *data;
  gboolean  is_customer;
  gboolean  is_supplier;
  gboolean  of_kept_name; /* else of the merged one */
} Join;

static void
join_free (gpointer user_data)
{
  Join *join = user_data;

  g_free (join->id);
  g_free (join->store_id);
  g_free (join->data);
  g_free (join);
}

static char *
error_text (GError *error)
{
  return g_strdup (error->message);
}

/* Open mSupply reads the record with serde: both ids must be there, as strings. */
static char *
parse_ids (const char  *table_name,
           const char  *data_json,
           char       **keep,
           char       **gone)
{
  static const char * const members[] = { "mergeIdToKeep", "mergeIdToDelete" };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  char **ids[] = { keep, gone };
  JsonObject *object;

  if (!json_parser_load_from_data (parser, data_json, -1, &error))
    /* Translators: a table's name (e.g. “name”), then the parser's error message. */
    return g_strdup_printf (_("A record of table “%s” is not valid JSON: %s"), table_name,
                            error->message);
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    /* Translators: %s is a table's name, e.g. “name”. */
    return g_strdup_printf (_("A record of table “%s” is not a JSON object"), table_name);

  object = json_node_get_object (json_parser_get_root (parser));
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *node = json_object_get_member (object, members[i]);

      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
          json_node_get_value_type (node) != G_TYPE_STRING)
        /* Translators: a table's name (e.g. “name”), then a field's name (e.g. “mergeIdToKeep”),
         * which stays in English. */
        return g_strdup_printf (_("The %s merge record’s field “%s” is required and must be "
                                  "text."),
                                table_name, members[i]);
      *ids[i] = g_strdup (json_node_get_string (node));
    }

  return NULL;
}

/* Finds where the links of @gone are to lead. Returns Open mSupply's text when it stops here:
 * nothing leads to @gone, or @keep has no link.
 */
static char *
find_target (OmsStore           *store,
             const OmsLinkInfo  *link,
             const char         *keep,
             const char         *gone,
             char              **target,
             GError            **error)
{
  g_autofree char *count_sql = NULL;
  g_autofree char *target_sql = NULL;
  sqlite3_stmt *stmt;
  gboolean any = FALSE;
  int rc;

  count_sql = g_strdup_printf ("SELECT EXISTS (SELECT 1 FROM %s WHERE %s = ?1)",
                               link->link_table, link->target_column);
  stmt = oms_store_prepare (store, count_sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, gone, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    any = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      oms_store_set_sql_error (store, error, _("read a record’s links"));
      return NULL;
    }

  if (!any)
    return g_strdup_printf ("Ignored: No mergeable %s links found", link->table_name);

  target_sql = g_strdup_printf ("SELECT %s FROM %s WHERE id = ?1",
                                link->target_column, link->link_table);
  stmt = oms_store_prepare (store, target_sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, keep, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *target = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read a record’s links"));
      return NULL;
    }

  if (rc == SQLITE_DONE)
    return g_strdup_printf ("Could not find %s link with id %s", link->table_name, keep);

  return NULL;
}

static gboolean
repoint_links (OmsStore           *store,
               const OmsLinkInfo  *link,
               const char         *gone,
               const char         *target,
               GError            **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE %s SET %s = ?1 WHERE %s = ?2",
                                          link->link_table, link->target_column,
                                          link->target_column);
  sqlite3_stmt *stmt = oms_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, target, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, gone, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("merge records"));
      return FALSE;
    }

  return TRUE;
}

/* The name_store_join rows that lead to the kept or the merged name, as Open mSupply's
 * NameStoreJoinRepository reads them: through the name's link, to a name that exists. A join
 * the legacy central marks inactive is one Open mSupply deleted when it arrived.
 */
static GPtrArray *
list_joins (OmsStore    *store,
            const char  *keep,
            const char  *gone,
            GError     **error)
{
  g_autoptr(GPtrArray) joins = g_ptr_array_new_with_free_func (join_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (store,
                            "SELECT r.id, json_extract (r.data, '$.store_ID'), r.data, "
                            "json_extract (r.data, '$.om_name_is_customer') IS 1, "
                            "json_extract (r.data, '$.om_name_is_supplier') IS 1, "
                            "l.name_id = ?1 "
                            "FROM record r "
                            "JOIN name_link l ON l.id = json_extract (r.data, '$.name_ID') "
                            "JOIN name n ON n.id = l.name_id "
                            "WHERE r.table_name = 'name_store_join' AND l.name_id IN (?1, ?2) "
                            "AND json_extract (r.data, '$.inactive') IS NOT 1 "
                            "ORDER BY r.id",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, keep, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, gone, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Join *join = g_new0 (Join, 1);

      join->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      join->store_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      join->data = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      join->is_customer = sqlite3_column_int (stmt, 3) != 0;
      join->is_supplier = sqlite3_column_int (stmt, 4) != 0;
      join->of_kept_name = sqlite3_column_int (stmt, 5) != 0;
      g_ptr_array_add (joins, join);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read a name’s stores"));
      return NULL;
    }

  return g_steal_pointer (&joins);
}

/* The store whose own name is @name_id, if any: the first by id, as Open mSupply's
 * StoreRepository::query_one() finds it.
 */
static gboolean
find_store_of_name (OmsStore    *store,
                    const char  *name_id,
                    char       **store_id,
                    GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (store,
                            "SELECT s.id FROM store s "
                            "JOIN name_link l ON l.id = s.name_link_id "
                            "JOIN name n ON n.id = l.name_id "
                            "WHERE n.id = ?1 ORDER BY s.id LIMIT 1",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, name_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *store_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read a name’s stores"));
      return FALSE;
    }

  return TRUE;
}

/* Writes the kept join with the customer and supplier flags of the merged one ORed in, in
 * the legacy fields the join arrived with.
 */
static gboolean
upsert_join_flags (OmsStore               *store,
                   const Join             *join,
                   gboolean                is_customer,
                   gboolean                is_supplier,
                   const OmsChangeOrigin  *origin,
                   GError                **error)
{
  g_autofree char *data = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (store,
                            "SELECT json_set (?1, '$.om_name_is_customer', json (?2), "
                            "'$.om_name_is_supplier', json (?3))",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, join->data, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, is_customer ? "true" : "false", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, is_supplier ? "true" : "false", -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    data = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (data == NULL)
    {
      oms_store_set_sql_error (store, error, _("merge records"));
      return FALSE;
    }

  return oms_store_upsert_raw_record (store, "name_store_join", join->id, data, origin, error);
}

/* name_merge.rs: after the links, the merged name goes, and so do the joins that would now
 * show the kept name twice to a store, or show a store its own name. The kept join takes the
 * flags of the one deleted, so that no store loses sight of the name as a customer or a
 * supplier. Each kept join is written from its flags before the merge, as Open mSupply does.
 */
static gboolean
merge_name (OmsStore               *store,
            const OmsLinkInfo      *link,
            const char             *keep,
            const char             *gone,
            const char             *target,
            const OmsChangeOrigin  *origin,
            GError                **error)
{
  g_autoptr(GPtrArray) joins = NULL;
  g_autoptr(GPtrArray) deletes = g_ptr_array_new ();
  g_autofree char *own_store = NULL;

  joins = list_joins (store, keep, gone, error);
  if (joins == NULL || !find_store_of_name (store, keep, &own_store, error))
    return FALSE;

  if (!repoint_links (store, link, gone, target, error) ||
      !oms_store_delete_record (store, "name", gone, origin, error))
    return FALSE;

  for (guint i = 0; i < joins->len; i++)
    {
      const Join *merged = g_ptr_array_index (joins, i);
      const Join *kept = NULL;

      if (merged->of_kept_name)
        continue;

      if (own_store != NULL && g_strcmp0 (merged->store_id, own_store) == 0)
        {
          g_ptr_array_add (deletes, (gpointer) merged);
          continue;
        }

      for (guint j = 0; j < joins->len && kept == NULL; j++)
        {
          const Join *candidate = g_ptr_array_index (joins, j);

          if (candidate->of_kept_name && g_strcmp0 (candidate->store_id, merged->store_id) == 0)
            kept = candidate;
        }
      if (kept == NULL)
        continue;

      if ((!kept->is_customer && merged->is_customer) ||
          (!kept->is_supplier && merged->is_supplier))
        {
          if (!upsert_join_flags (store, kept, kept->is_customer || merged->is_customer,
                                  kept->is_supplier || merged->is_supplier, origin, error))
            return FALSE;
        }
      g_ptr_array_add (deletes, (gpointer) merged);
    }

  for (guint i = 0; i < deletes->len; i++)
    {
      const Join *join = g_ptr_array_index (deletes, i);

      if (!oms_store_delete_record (store, "name_store_join", join->id, origin, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * oms_merge_integrate:
 * @store: the store, usually inside the integration's transaction
 * @table_name: the sync table name of the pulled merge: `name`, `item` or `clinician`
 * @data_json: the merge record's data, `{"mergeIdToKeep": …, "mergeIdToDelete": …}`
 * @origin: where the writes come from; they are sync updates, never pushed back
 *
 * Integrates one pulled merge as Open mSupply does. Its writes land together or not at all.
 *
 * Returns: (transfer full) (nullable): %NULL when the merge was integrated, else the text for
 *   the buffer row's integration_error: "Ignored: …" when Open mSupply ignores it, or why it
 *   failed
 */
char *
oms_merge_integrate (OmsStore              *store,
                     const char            *table_name,
                     const char            *data_json,
                     const OmsChangeOrigin *origin)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *keep = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *target = NULL;
  const OmsLinkInfo *link;
  char *outcome;
  gboolean ok;

  g_return_val_if_fail (OMS_IS_STORE (store), NULL);
  g_return_val_if_fail (table_name != NULL, NULL);
  g_return_val_if_fail (data_json != NULL, NULL);

  /* Open mSupply merges only what it links; for anything else no translator answers. */
  link = oms_store_schema_lookup_link (table_name);
  if (link == NULL)
    return g_strdup ("Translator for record not found");

  outcome = parse_ids (table_name, data_json, &keep, &gone);
  if (outcome != NULL)
    return outcome;

  if (!oms_store_exec (store, "SAVEPOINT oms_merge", &error))
    return error_text (error);

  outcome = find_target (store, link, keep, gone, &target, &error);
  ok = outcome == NULL && error == NULL;
  if (ok && g_str_equal (table_name, "name"))
    ok = merge_name (store, link, keep, gone, target, origin, &error);
  else if (ok)
    ok = repoint_links (store, link, gone, target, &error);

  if (ok && !oms_store_exec (store, "RELEASE oms_merge", &error))
    ok = FALSE;
  if (!ok)
    oms_store_exec (store, "ROLLBACK TO oms_merge; RELEASE oms_merge", NULL);

  if (outcome != NULL)
    return outcome;
  if (error != NULL)
    return error_text (error);

  return NULL;
}

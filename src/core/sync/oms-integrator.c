/* oms-integrator.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-integrator"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-background.h"
#include "oms-integrator-private.h"
#include "oms-merge.h"
#include "oms-protocol-error.h"
#include "oms-store-private.h"
#include "oms-sync-lock.h"
#include "oms-sync-log.h"
#include "oms-sync-settings.h"
#include "oms-translate-sql.h"
#include "oms-translate.h"

/* Integration moves pulled records from sync_buffer into the store's tables
 * (PROTOCOL.md §7): upserts in dependency order, then deletes in reverse order, then merges,
 * all in one transaction. A record that cannot be translated or stored gets its error on
 * its buffer row and is skipped; only a failure to record that aborts the pass. A record
 * integrated cleanly has nothing written back: the pass moves the buffer's integration mark
 * past every row it took (OMS_SYNC_BUFFER_PENDING_SQL), in the same transaction.
 *
 * It runs in a worker thread on its own connection to the same file, so the main loop keeps
 * drawing while a large initial pull is integrated. The buffer is read in pages because the
 * rows being read are the rows being marked.
 *
 * Upserts of generic tables, and of typed tables without hooks where SQL provably writes what
 * the per-record path would (oms-translate-sql.c), are integrated set-based. A page of the
 * table's order list at a time, the records that qualify are listed, each run of them is
 * written with three statements, and the others go record by record in between, so that rows
 * and changelog keep the order of integration.
 */

#define PAGE_SIZE           1000
#define PROGRESS_EVERY      1000
#define BULK_PAGE_SIZE      OMS_INTEGRATOR_BULK_PAGE_SIZE

static gint typed_in_bulk_disabled = FALSE;
static gint n_typed_in_bulk = 0;

/* Sync table names in dependency order: a table's rows may refer to the ones before it. */
static const char * const dependency_order[] = {
  "name", "store", "Location", "sensor", "temperature_breach", "temperature_log",
  "asset", "asset_log",
};

typedef struct
{
  char                  *data_dir;
  char                  *retry_record_id; /* retry: the one record, or NULL for every one */
  gint64                 n_retried;       /* retry: records put back to integrate */
  gint64                 n_failed;        /* retry: of them, those that failed again */
  gboolean               has_central_site_id;
  gint64                 central_site_id;
  gboolean               typed_in_bulk;
  OmsIntegratorProgress  progress;
  gpointer               progress_data;
  GMainContext          *context;
} IntegrateData;

static IntegrateData *
integrate_data_new (const char *data_dir)
{
  IntegrateData *data = g_new0 (IntegrateData, 1);

  data->data_dir = g_strdup (data_dir);
  data->typed_in_bulk = !g_atomic_int_get (&typed_in_bulk_disabled);
  data->context = g_main_context_ref_thread_default ();

  return data;
}

static void
integrate_data_free (gpointer user_data)
{
  IntegrateData *data = user_data;

  g_free (data->data_dir);
  g_free (data->retry_record_id);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data);
}

typedef struct
{
  OmsIntegratorProgress  progress;
  gpointer               progress_data;
  gint64                 remaining;
} ProgressReport;

static gboolean
report_progress_cb (gpointer user_data)
{
  ProgressReport *report = user_data;

  report->progress (report->remaining, report->progress_data);
  return G_SOURCE_REMOVE;
}

static void
report_progress (IntegrateData *data,
                 gint64         remaining)
{
  ProgressReport *report;

  if (data->progress == NULL)
    return;

  report = g_new0 (ProgressReport, 1);
  report->progress = data->progress;
  report->progress_data = data->progress_data;
  report->remaining = remaining;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, report_progress_cb, report,
                              g_free);
}

typedef struct
{
  char *record_id;
  char *table_name;
  char *data;
} BufferRow;

static void
buffer_row_free (gpointer user_data)
{
  BufferRow *row = user_data;

  g_free (row->record_id);
  g_free (row->table_name);
  g_free (row->data);
  g_free (row);
}

/* A pending row (temp.oms_pending) this integrator takes. */
#define PENDING "p.foreign_site = 0"

static gboolean
bind_site (sqlite3_stmt  *stmt,
           IntegrateData *data)
{
  if (data->has_central_site_id)
    sqlite3_bind_int64 (stmt, 1, data->central_site_id);
  else
    sqlite3_bind_null (stmt, 1);

  return TRUE;
}

/* Steps @stmt, a query of one value, into *value. */
static gboolean
step_int (OmsStore      *store,
          sqlite3_stmt  *stmt,
          gint64        *value,
          GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int64 (stmt, 0);
  else
    oms_store_set_sql_error (store, error, _("read the pulled records"));
  sqlite3_reset (stmt);

  return rc == SQLITE_ROW;
}

/* The one value @sql reads. */
static gboolean
query_int (OmsStore    *store,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  sqlite3_stmt *stmt = oms_store_prepare (store, sql, error);

  return stmt != NULL && step_int (store, stmt, value, error);
}

/* Lists the rows after the integration mark once, in temp.oms_pending: one read of the buffer
 * instead of an index kept on it, which every stored row would write and every integrated one
 * would rewrite. A row from a central other than this integrator's is foreign: it gets an
 * outcome saying so instead of being integrated. The list is keyed the way it is read, so it
 * is built in place, with no sort (a sort may take as much memory as the page cache). Sets
 * @mark to the last row of the buffer (the mark the pass moves to; the pass holds the write
 * lock, so no row comes after it meanwhile).
 */
static gboolean
list_pending (OmsStore       *store,
              IntegrateData  *data,
              gint64         *mark,
              GError        **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!oms_store_exec (store,
                       "DROP TABLE IF EXISTS temp.oms_pending;"
                       "CREATE TEMP TABLE oms_pending (foreign_site BOOLEAN NOT NULL, "
                       "action TEXT NOT NULL, table_name TEXT NOT NULL, "
                       "buffer_rowid INTEGER NOT NULL, "
                       "PRIMARY KEY (foreign_site, action, table_name, buffer_rowid)) "
                       "WITHOUT ROWID;",
                       error))
    return FALSE;

  stmt = oms_store_prepare (store,
                            "INSERT INTO temp.oms_pending "
                            "SELECT source_site_id IS NOT NULL AND source_site_id IS NOT ?1, "
                            "action, table_name, rowid "
                            "FROM sync_buffer WHERE " OMS_SYNC_BUFFER_PENDING_SQL
                            " ORDER BY rowid",
                            error);
  if (stmt == NULL)
    return FALSE;

  bind_site (stmt, data);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read the pulled records"));
      return FALSE;
    }

  return query_int (store,
                    "SELECT max (coalesce ((SELECT max (rowid) FROM sync_buffer), 0), "
                    OMS_SYNC_BUFFER_MARK_SQL ")",
                    mark, error);
}

/* Ends the pass: the foreign rows get their outcome and the mark moves past every listed row. */
static gboolean
move_mark (OmsStore       *store,
           gint64          mark,
           GError        **error)
{
  g_autofree char *now = oms_sync_format_timestamp (g_get_real_time ());
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (store,
                            "UPDATE sync_buffer SET integration_datetime = ?1, "
                            "integration_error = 'Ignored: received from another central server' "
                            "WHERE rowid IN (SELECT buffer_rowid FROM temp.oms_pending "
                            "WHERE foreign_site = 1)",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("record the outcome of integrating a record"));
      return FALSE;
    }

  stmt = oms_store_prepare (store,
                            "INSERT OR REPLACE INTO key_value_store (id, value_bigint) "
                            "VALUES ('" OMS_KV_SYNC_BUFFER_INTEGRATED "', ?1)",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, mark);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("record the outcome of integrating a record"));
      return FALSE;
    }

  return oms_store_exec (store, "DROP TABLE temp.oms_pending", error);
}

/* g_ptr_array_sort() passes pointers to the elements. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Every pending table name, in the order its upserts must be integrated. */
static GPtrArray *
list_tables (OmsStore       *store,
             IntegrateData  *data,
             GError        **error)
{
  g_autoptr(GPtrArray) tables = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) others = g_ptr_array_new ();
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (store,
                            "SELECT DISTINCT p.table_name FROM temp.oms_pending p WHERE " PENDING,
                            error);
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (pending, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read the pulled records"));
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (dependency_order); i++)
    {
      if (g_hash_table_remove (pending, dependency_order[i]))
        g_ptr_array_add (tables, g_strdup (dependency_order[i]));
    }

  /* Tables kept generically have no foreign keys here; a stable order keeps runs alike. */
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, pending);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      g_ptr_array_add (others, key);
    g_ptr_array_sort (others, compare_names);
    for (guint i = 0; i < others->len; i++)
      g_ptr_array_add (tables, g_strdup (g_ptr_array_index (others, i)));
  }

  return g_steal_pointer (&tables);
}

/* Lists a table's pending rows once, in integration order, so that each page is a range of
 * that list. Asking for "the first PAGE_SIZE pending rows" again on every page would sort all
 * of the table's pending rows each time, which grows with the square of an initial pull.
 */
static gboolean
order_pending (OmsStore       *store,
               IntegrateData  *data,
               const char     *table_name,
               const char     *action,
               GError        **error)
{
  sqlite3_stmt *stmt;

  if (!oms_store_exec (store,
                       "CREATE TEMP TABLE IF NOT EXISTS oms_integrate_order ("
                       "position INTEGER PRIMARY KEY, buffer_rowid INTEGER NOT NULL);"
                       "DELETE FROM temp.oms_integrate_order;",
                       error))
    return FALSE;

  /* Rows are stored in the order they are received, so the rowid is that order. */
  stmt = oms_store_prepare (store,
                            "INSERT INTO temp.oms_integrate_order (buffer_rowid) "
                            "SELECT p.buffer_rowid FROM temp.oms_pending p "
                            "WHERE p.action = ?2 AND p.table_name = ?3 AND " PENDING
                            " ORDER BY p.buffer_rowid",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 2, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, table_name, -1, SQLITE_TRANSIENT);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read the pulled records"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  return TRUE;
}

/* The next pending rows after *position and before @limit. */
static GPtrArray *
read_page (OmsStore       *store,
           gint64         *position,
           gint64          limit,
           GError        **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (buffer_row_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = oms_store_prepare (store,
                            "SELECT o.position, b.record_id, b.table_name, b.data "
                            "FROM temp.oms_integrate_order o "
                            "JOIN sync_buffer b ON b.rowid = o.buffer_rowid "
                            "WHERE o.position > ?1 AND o.position < ?3 "
                            "ORDER BY o.position LIMIT ?2",
                            error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, *position);
  sqlite3_bind_int (stmt, 2, PAGE_SIZE);
  sqlite3_bind_int64 (stmt, 3, limit);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BufferRow *row = g_new0 (BufferRow, 1);

      *position = sqlite3_column_int64 (stmt, 0);
      row->record_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->table_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row->data = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      g_ptr_array_add (rows, row);
    }
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read the pulled records"));
      return NULL;
    }

  return g_steal_pointer (&rows);
}

/* Records why a row did not integrate cleanly (a clean one needs nothing: the mark covers it).
 * Failing to record that is the one failure that aborts the whole pass.
 */
static gboolean
mark_row (OmsStore    *store,
          const char  *record_id,
          const char  *integration_error,
          GError     **error)
{
  g_autofree char *now = oms_sync_format_timestamp (g_get_real_time ());
  sqlite3_stmt *stmt;

  stmt = oms_store_prepare (store,
                            "UPDATE sync_buffer SET integration_datetime = ?1, "
                            "integration_error = ?2 WHERE record_id = ?3",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, integration_error, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, record_id, -1, SQLITE_TRANSIENT);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("record the outcome of integrating a record"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  return TRUE;
}

/* Returns the error to store on the buffer row, or NULL when the record was integrated. */
static char *
integrate_upsert (OmsStore              *store,
                  const BufferRow       *row,
                  const OmsChangeOrigin *origin)
{
  g_auto(OmsTranslation) translation = { 0 };
  g_autoptr(GError) error = NULL;

  /* A generic record is kept as received, so there is nothing to parse in C when the text is
   * an object SQLite accepts. Otherwise the full path below reports why it cannot be kept.
   */
  if (row->data[0] == '{' && oms_translate_pull_is_generic (row->table_name) &&
      oms_store_upsert_raw_record (store, row->table_name, row->record_id, row->data, origin,
                                   NULL))
    return NULL;

  if (!oms_translate_pull (row->table_name, row->data, &translation, &error))
    return g_strdup (error->message);

  if (translation.table == NULL)
    {
      if (!oms_store_upsert_raw_record (store, row->table_name, row->record_id, row->data,
                                        origin, &error))
        return g_strdup (error->message);
      return NULL;
    }

  if (translation.fields == NULL)
    return g_strdup_printf ("Ignored: %s", translation.ignored_reason);

  if (!oms_store_upsert_record (store, translation.table, translation.fields, origin, &error))
    return g_strdup (error->message);

  return NULL;
}

static char *
integrate_delete (OmsStore              *store,
                  const BufferRow       *row,
                  const OmsChangeOrigin *origin)
{
  g_autoptr(GError) error = NULL;
  const char *local_table = NULL;
  const char *table;

  if (oms_translate_pull_delete (row->table_name, &local_table))
    {
      if (local_table == NULL)
        return g_strdup_printf ("Ignored: Open mSupply does not integrate deletes of %s",
                                row->table_name);
      table = local_table;
    }
  else
    {
      table = row->table_name;
    }

  if (!oms_store_delete_record (store, table, row->record_id, origin, &error))
    return g_strdup (error->message);

  return NULL;
}

typedef enum
{
  PASS_UPSERT,
  PASS_DELETE,
  PASS_MERGE,
} Pass;

/* The statements that integrate a table's upserts set-based, a page of its order list at a
 * time: @list lists the page's rows the others can take, with what their changelog rows need,
 * so that later statements read the JSON once more at most; @upsert and @changelog write the
 * listed rows after :lo up to :hi.
 */
typedef struct
{
  char     *table_name; /* the changelog's, bound as :table */
  char     *list;
  char     *upsert;
  char     *supersede;
  char     *changelog;
  char     *link;       /* nullable: links the listed records to themselves */
  gboolean  typed;
} BulkPlan;

static void
bulk_plan_clear (BulkPlan *plan)
{
  g_clear_pointer (&plan->table_name, g_free);
  g_clear_pointer (&plan->list, g_free);
  g_clear_pointer (&plan->upsert, g_free);
  g_clear_pointer (&plan->supersede, g_free);
  g_clear_pointer (&plan->changelog, g_free);
  g_clear_pointer (&plan->link, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (BulkPlan, bulk_plan_clear)

#define LIST_SQL(row_id, store_key, condition) \
  "INSERT INTO temp.oms_integrate_simple (position, buffer_rowid, row_id, store_key) " \
  "SELECT o.position, o.buffer_rowid, " row_id ", " store_key " " \
  "FROM temp.oms_integrate_order o JOIN sync_buffer b ON b.rowid = o.buffer_rowid " \
  "WHERE o.position > ?1 AND o.position <= ?2 AND " condition

#define LISTED \
  "FROM temp.oms_integrate_simple s WHERE s.position > :lo AND s.position <= :hi " \
  "ORDER BY s.position "
/* The changelog rows the page's new ones supersede (oms_store_supersede_changes()), found
 * through the index of the latest rows, a page at a time.
 */
#define SUPERSEDE_SQL(store_id) \
  "UPDATE changelog SET superseded = 1 WHERE cursor IN (SELECT c.cursor " \
  "FROM temp.oms_integrate_simple s JOIN changelog c ON c.record_id = s.row_id " \
  "AND c.store_id IS " store_id " AND c.superseded = 0 " \
  "WHERE s.position > :lo AND s.position <= :hi)"
#define LISTED_ROWS \
  "FROM temp.oms_integrate_simple s JOIN sync_buffer b ON b.rowid = s.buffer_rowid " \
  "WHERE s.position > :lo AND s.position <= :hi ORDER BY s.position "

/* Names, items and clinicians get the link to themselves the per-record path gives them
 * (oms_store_upsert_record()), unless they have one.
 */
static void
bulk_plan_init_link (BulkPlan   *plan,
                     const char *table_name)
{
  const OmsLinkInfo *link = oms_store_schema_lookup_link (table_name);

  if (link != NULL)
    plan->link = g_strdup_printf ("INSERT INTO %s (id, %s) SELECT s.row_id, s.row_id " LISTED
                                  "ON CONFLICT (id) DO NOTHING",
                                  link->link_table, link->target_column);
}

/* A table kept generically needs no translation: every JSON object is kept as received, its
 * store read from `store_id` or `store_ID`, as oms_store_upsert_raw_record() does. The rest
 * only ever get an error, from the per-record path.
 */
static void
bulk_plan_init_generic (BulkPlan   *plan,
                        const char *table_name)
{
  plan->list = g_strdup (LIST_SQL ("b.record_id",
                                   "nullif (coalesce (json_extract (b.data, '$.store_id'), "
                                   "json_extract (b.data, '$.store_ID')), '')",
                                   "CASE WHEN json_valid (b.data) "
                                   "THEN json_type (b.data) = 'object' ELSE 0 END"));
  plan->upsert = g_strdup ("INSERT INTO record (table_name, id, store_id, data) "
                           "SELECT b.table_name, b.record_id, s.store_key, json (b.data) "
                           LISTED_ROWS
                           "ON CONFLICT (table_name, id) DO UPDATE "
                           "SET store_id = excluded.store_id, data = excluded.data");
  /* A buffer row's id is unique, so s.store_key is what the record now holds. */
  plan->supersede = g_strdup (SUPERSEDE_SQL ("s.store_key"));
  plan->changelog = g_strdup ("INSERT INTO changelog (table_name, record_id, row_action, "
                              "store_id, is_sync_update, source_site_id) "
                              "SELECT :table, s.row_id, 'UPSERT', s.store_key, 1, :site "
                              LISTED);
  plan->table_name = g_strdup (table_name);
  plan->typed = FALSE;
  bulk_plan_init_link (plan, table_name);
}

/* A typed table takes the records oms_translate_sql_pull() translates exactly. */
static void
bulk_plan_init_typed (BulkPlan              *plan,
                      const OmsTranslateSql *sql)
{
  plan->list = g_strdup_printf (LIST_SQL ("%s", "%s", "%s"),
                                sql->id, sql->store_key, sql->simple);
  plan->upsert = g_strdup_printf ("INSERT INTO \"%s\" (%s) SELECT %s " LISTED_ROWS
                                  "ON CONFLICT (id) DO UPDATE SET %s",
                                  sql->local_table, sql->columns, sql->values, sql->updates);
  /* As oms_store_upsert_record() writes it: a sync update under the local table's name. */
  plan->supersede = g_strdup_printf (SUPERSEDE_SQL ("(%s)"), sql->store_id);
  plan->changelog = g_strdup_printf ("INSERT INTO changelog (table_name, record_id, row_action, "
                                     "name_link_id, store_id, is_sync_update, source_site_id) "
                                     "SELECT :table, s.row_id, 'UPSERT', NULL, %s, 1, :site "
                                     LISTED,
                                     sql->store_id);
  plan->table_name = g_strdup (sql->local_table);
  plan->typed = TRUE;
  bulk_plan_init_link (plan, sql->local_table);
}

/* Runs a statement of @plan, which gives :table; :lo and :hi bound a range of positions. */
static gboolean
run_bulk_statement (OmsStore       *store,
                    IntegrateData  *data,
                    const BulkPlan *plan,
                    const char     *sql,
                    gint64          lo,
                    gint64          hi,
                    gint64         *changes,
                    GError        **error)
{
  g_autofree char *now = oms_sync_format_timestamp (g_get_real_time ());
  sqlite3_stmt *stmt;
  int index;

  stmt = oms_store_prepare (store, sql, error);
  if (stmt == NULL)
    return FALSE;

  index = sqlite3_bind_parameter_index (stmt, ":site");
  if (index > 0 && data->has_central_site_id)
    sqlite3_bind_int64 (stmt, index, data->central_site_id);
  index = sqlite3_bind_parameter_index (stmt, ":now");
  if (index > 0)
    sqlite3_bind_text (stmt, index, now, -1, SQLITE_TRANSIENT);
  index = sqlite3_bind_parameter_index (stmt, ":lo");
  if (index > 0)
    sqlite3_bind_int64 (stmt, index, lo);
  index = sqlite3_bind_parameter_index (stmt, ":hi");
  if (index > 0)
    sqlite3_bind_int64 (stmt, index, hi);
  index = sqlite3_bind_parameter_index (stmt, ":table");
  if (index > 0)
    sqlite3_bind_text (stmt, index, plan->table_name, -1, SQLITE_TRANSIENT);

  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("integrate pulled records"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  if (changes != NULL)
    *changes = sqlite3_changes64 (oms_store_get_db (store));

  return TRUE;
}

/* Lists the rows at positions after @lo up to @hi that @plan takes. A page at a time keeps
 * the list small and the pass cancellable.
 */
static gboolean
list_simple_rows (OmsStore        *store,
                  const BulkPlan  *plan,
                  gint64           lo,
                  gint64           hi,
                  GError         **error)
{
  sqlite3_stmt *stmt;

  if (!oms_store_exec (store,
                       "CREATE TEMP TABLE IF NOT EXISTS oms_integrate_simple ("
                       "position INTEGER PRIMARY KEY, buffer_rowid INTEGER NOT NULL, "
                       "row_id TEXT NOT NULL, store_key TEXT);"
                       "DELETE FROM temp.oms_integrate_simple;",
                       error))
    return FALSE;

  stmt = oms_store_prepare (store, plan->list, error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, lo);
  sqlite3_bind_int64 (stmt, 2, hi);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, error, _("read the pulled records"));
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);

  return TRUE;
}

/* The first position after @position whose row is listed as simple (@simple) or is not, or
 * @none. Rows past the listed page count as not simple.
 */
static gboolean
next_position (OmsStore  *store,
               gboolean   simple,
               gint64     position,
               gint64     none,
               gint64    *next,
               GError   **error)
{
  sqlite3_stmt *stmt;

  stmt = oms_store_prepare (store,
                            simple ?
                            "SELECT coalesce ((SELECT min (position) "
                            "FROM temp.oms_integrate_simple WHERE position > ?1), ?2)" :
                            "SELECT coalesce ((SELECT o.position "
                            "FROM temp.oms_integrate_order o WHERE o.position > ?1 "
                            "AND NOT EXISTS (SELECT 1 FROM temp.oms_integrate_simple s "
                            "WHERE s.position = o.position) ORDER BY o.position LIMIT 1), ?2)",
                            error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, position);
  sqlite3_bind_int64 (stmt, 2, none);
  return step_int (store, stmt, next, error);
}

static gboolean
last_position (OmsStore  *store,
               gint64    *last,
               GError   **error)
{
  return query_int (store, "SELECT coalesce (max (position), 0) FROM temp.oms_integrate_order",
                    last, error);
}

/* Writes the listed rows at positions after @lo up to @hi: the rows in order (a later copy of
 * a record replaces an earlier one, as it would record by record), then their changelog rows
 * (one per row) in the same order. Their buffer rows need no outcome: the mark covers them.
 */
static gboolean
integrate_simple_rows (OmsStore        *store,
                       IntegrateData   *data,
                       const BulkPlan  *plan,
                       gint64           lo,
                       gint64           hi,
                       gint64           total_upserts,
                       gint64          *n_upserts,
                       GError         **error)
{
  gint64 changes = 0;

  if (hi <= lo)
    return TRUE;

  if (!run_bulk_statement (store, data, plan, plan->upsert, lo, hi, NULL, error) ||
      (plan->link != NULL &&
       !run_bulk_statement (store, data, plan, plan->link, lo, hi, NULL, error)) ||
      !run_bulk_statement (store, data, plan, plan->supersede, lo, hi, NULL, error) ||
      !run_bulk_statement (store, data, plan, plan->changelog, lo, hi, &changes, error))
    return FALSE;

  /* As often as record by record: runs between records that are not simple may be short. */
  if ((*n_upserts + changes) / PROGRESS_EVERY != *n_upserts / PROGRESS_EVERY)
    report_progress (data, total_upserts - (*n_upserts + changes));
  *n_upserts += changes;
  if (plan->typed)
    g_atomic_int_add (&n_typed_in_bulk, (gint) changes);

  return TRUE;
}

/* Integrates the pending rows after @position and before @limit one by one. */
static gboolean
integrate_rows (OmsStore       *store,
                IntegrateData  *data,
                Pass            pass,
                gint64          position,
                gint64          limit,
                gint64          total_upserts,
                gint64         *n_upserts,
                GCancellable   *cancellable,
                GError        **error)
{
  OmsChangeOrigin origin = { TRUE, data->has_central_site_id, data->central_site_id };

  for (;;)
    {
      g_autoptr(GPtrArray) rows = read_page (store, &position, limit, error);

      if (rows == NULL)
        return FALSE;
      if (rows->len == 0)
        return TRUE;

      for (guint i = 0; i < rows->len; i++)
        {
          const BufferRow *row = g_ptr_array_index (rows, i);
          g_autofree char *row_error = NULL;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;

          switch (pass)
            {
            case PASS_UPSERT:
              row_error = integrate_upsert (store, row, &origin);
              (*n_upserts)++;
              if (*n_upserts % PROGRESS_EVERY == 0)
                report_progress (data, total_upserts - *n_upserts);
              break;

            case PASS_DELETE:
              row_error = integrate_delete (store, row, &origin);
              break;

            case PASS_MERGE:
              row_error = oms_merge_integrate (store, row->table_name, row->data, &origin);
              break;

            default:
              g_assert_not_reached ();
            }

          if (row_error == NULL)
            continue;

          g_debug ("%s %s: %s", row->table_name, row->record_id, row_error);
          if (!mark_row (store, row->record_id, row_error, error))
            return FALSE;
        }
    }
}

/* A table's upserts a page of its order list at a time: the run of rows @plan takes
 * set-based, then the rows up to the next one it takes record by record, and so on, so that
 * everything is integrated in order.
 */
static gboolean
integrate_upserts_in_bulk (OmsStore        *store,
                           IntegrateData   *data,
                           const BulkPlan  *plan,
                           gint64           total_upserts,
                           gint64          *n_upserts,
                           GCancellable    *cancellable,
                           GError         **error)
{
  gint64 last;

  if (!last_position (store, &last, error))
    return FALSE;

  for (gint64 lo = 0; lo < last; lo += BULK_PAGE_SIZE)
    {
      gint64 hi = MIN (lo + BULK_PAGE_SIZE, last);
      gint64 position = lo;

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !list_simple_rows (store, plan, lo, hi, error))
        return FALSE;

      while (position < hi)
        {
          gint64 end;
          gint64 limit;

          if (!next_position (store, FALSE, position, hi + 1, &end, error) ||
              !integrate_simple_rows (store, data, plan, position, MIN (end - 1, hi),
                                      total_upserts, n_upserts, error))
            return FALSE;
          if (end > hi)
            break;

          if (!next_position (store, TRUE, end, hi + 1, &limit, error) ||
              !integrate_rows (store, data, PASS_UPSERT, end - 1, limit, total_upserts,
                               n_upserts, cancellable, error))
            return FALSE;
          position = limit - 1;
        }
    }

  return TRUE;
}

static gboolean
integrate_table (OmsStore       *store,
                 IntegrateData  *data,
                 const char     *table_name,
                 Pass            pass,
                 gint64          total_upserts,
                 gint64         *n_upserts,
                 GCancellable   *cancellable,
                 GError        **error)
{
  static const char * const actions[] = { "UPSERT", "DELETE", "MERGE" };
  g_auto(OmsTranslateSql) sql = { 0 };
  g_auto(BulkPlan) plan = { 0 };

  if (!order_pending (store, data, table_name, actions[pass], error))
    return FALSE;

  if (pass == PASS_UPSERT && oms_translate_pull_is_generic (table_name) &&
      oms_store_is_generic_table_name (table_name))
    bulk_plan_init_generic (&plan, table_name);
  else if (pass == PASS_UPSERT && data->typed_in_bulk &&
           oms_translate_sql_pull (table_name, "b.data", "s.store_key", &sql))
    bulk_plan_init_typed (&plan, &sql);

  if (plan.list != NULL)
    return integrate_upserts_in_bulk (store, data, &plan, total_upserts, n_upserts, cancellable,
                                      error);

  return integrate_rows (store, data, pass, 0, G_MAXINT64, total_upserts, n_upserts,
                         cancellable, error);
}

static gboolean
integrate (OmsStore       *store,
           IntegrateData  *data,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autoptr(GPtrArray) tables = NULL;
  gint64 total_upserts;
  gint64 n_upserts = 0;
  gint64 mark;

  if (!list_pending (store, data, &mark, error))
    return FALSE;

  if (!query_int (store,
                  "SELECT count(*) FROM temp.oms_pending p WHERE p.action = 'UPSERT' AND " PENDING,
                  &total_upserts, error))
    return FALSE;
  report_progress (data, total_upserts);

  tables = list_tables (store, data, error);
  if (tables == NULL)
    return FALSE;

  for (guint i = 0; i < tables->len; i++)
    {
      if (!integrate_table (store, data, g_ptr_array_index (tables, i), PASS_UPSERT,
                            total_upserts, &n_upserts, cancellable, error))
        return FALSE;
    }

  for (guint i = tables->len; i > 0; i--)
    {
      if (!integrate_table (store, data, g_ptr_array_index (tables, i - 1), PASS_DELETE,
                            total_upserts, &n_upserts, cancellable, error))
        return FALSE;
    }

  for (guint i = 0; i < tables->len; i++)
    {
      if (!integrate_table (store, data, g_ptr_array_index (tables, i), PASS_MERGE,
                            total_upserts, &n_upserts, cancellable, error))
        return FALSE;
    }

  if (!move_mark (store, mark, error))
    return FALSE;

  report_progress (data, 0);
  return TRUE;
}

/* Without its SQL functions the set-based path for typed tables is simply not taken. */
static void
add_functions (OmsStore      *store,
               IntegrateData *data)
{
  if (data->typed_in_bulk && !oms_translate_sql_add_functions (oms_store_get_db (store)))
    {
      g_debug ("Could not add the SQL functions of typed integration: %s",
               sqlite3_errmsg (oms_store_get_db (store)));
      data->typed_in_bulk = FALSE;
    }
}

static void
integrate_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  IntegrateData *data = task_data;
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(GError) error = NULL;

  oms_background_thread_enter ();

  store = oms_store_open (data->data_dir, &error);
  /* A larger page cache than SQLite's 2 MiB default keeps the indexes an initial sync
   * writes to (buffer, changelog, records) in memory; the connection closes with the pass.
   */
  /* Its commit only writes the log: the engine folds the log into the database after the
   * run (oms_store_checkpoint_async()), where it no longer holds up the run's end.
   */
  if (store == NULL || !oms_store_exec (store, "PRAGMA cache_size = -16384", &error) ||
      !oms_store_exec (store, "PRAGMA wal_autocheckpoint = 0", &error) ||
      !oms_store_begin (store, &error))
    goto failed;

  add_functions (store, data);

  if (!integrate (store, data, cancellable, &error))
    {
      oms_store_rollback (store);
      goto failed;
    }

  if (!oms_store_commit (store, &error))
    goto failed;

  g_task_return_boolean (task, TRUE);
  return;

failed:
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Pulled records stay pending: the cursors have moved on, so the next run integrates them. */
  g_task_return_error (task, oms_sync_error_new (OMS_SYNC_ERROR_VARIANT_INTEGRATION_ERROR,
                                                 "Integration failed",
                                                 (const char * const[]) { error->message, NULL },
                                                 NULL));
}

/* Puts the failed records (or the one asked for) back to integrate, under the sync lock so that
 * no run integrates at the same time, and integrates them in one transaction: when the pass
 * fails, they stay as they were.
 */
static void
retry_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  IntegrateData *data = task_data;
  g_autoptr(OmsStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 central_site_id;
  sqlite3_stmt *stmt;
  int lock_fd;

  lock_fd = oms_sync_lock_try (data->data_dir, &error);
  if (lock_fd < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  oms_background_thread_enter ();
  store = oms_store_open (data->data_dir, &error);
  if (store == NULL || !oms_store_begin (store, &error))
    goto out;
  add_functions (store, data);

  /* The failed rows integration takes: from the legacy central or the Open mSupply one. */
  central_site_id = oms_store_kv_get_int (store, OMS_KV_SYNC_CENTRAL_SERVER_SITE_ID, -1, &error);
  if (error != NULL)
    goto rollback;
  data->has_central_site_id = central_site_id >= 0;
  data->central_site_id = central_site_id;

  /* Stored anew, they come after the integration mark, like a record pulled again. */
  stmt = oms_store_prepare (store,
                            "INSERT OR REPLACE INTO sync_buffer (record_id, received_datetime, "
                            "integration_datetime, integration_error, table_name, action, data, "
                            "source_site_id) "
                            "SELECT record_id, received_datetime, NULL, NULL, table_name, action, "
                            "data, source_site_id FROM sync_buffer WHERE "
                            OMS_SYNC_BUFFER_FAILED_SQL
                            " AND (?1 IS NULL OR record_id = ?1) "
                            "AND (source_site_id = ?2 OR source_site_id IS NULL) ORDER BY rowid",
                            &error);
  if (stmt == NULL)
    goto rollback;
  if (data->retry_record_id != NULL)
    sqlite3_bind_text (stmt, 1, data->retry_record_id, -1, SQLITE_TRANSIENT);
  if (data->has_central_site_id)
    sqlite3_bind_int64 (stmt, 2, data->central_site_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      oms_store_set_sql_error (store, &error, _("put the records back to integrate"));
      sqlite3_reset (stmt);
      goto rollback;
    }
  sqlite3_reset (stmt);
  data->n_retried = sqlite3_changes (oms_store_get_db (store));

  /* Remember which, to count those that fail again. */
  if (!oms_store_exec (store,
                       "CREATE TEMP TABLE IF NOT EXISTS oms_retried (record_id TEXT PRIMARY KEY);"
                       "DELETE FROM temp.oms_retried;"
                       "INSERT INTO temp.oms_retried SELECT record_id FROM sync_buffer "
                       "WHERE " OMS_SYNC_BUFFER_PENDING_SQL ";",
                       &error) ||
      !integrate (store, data, cancellable, &error))
    goto rollback;

  stmt = oms_store_prepare (store,
                            "SELECT count(*) FROM sync_buffer WHERE " OMS_SYNC_BUFFER_FAILED_SQL
                            " AND record_id IN (SELECT record_id FROM temp.oms_retried)",
                            &error);
  if (stmt == NULL)
    goto rollback;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    data->n_failed = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (!oms_store_commit (store, &error))
    goto out;

  oms_sync_lock_release (lock_fd);
  g_task_return_boolean (task, TRUE);
  return;

rollback:
  oms_store_rollback (store);
out:
  oms_sync_lock_release (lock_fd);
  g_task_return_error (task, g_steal_pointer (&error));
}

/**
 * oms_integrator_retry_async:
 * @data_dir: the store's data directory; the integrator opens its own connection there
 * @record_id: (nullable): the record to try again, or %NULL for every one that failed
 *
 * Integrates again pulled records that could not be integrated ("Try again" on the Records
 * page, `omsync-cli failed --retry`), once their cause is fixed. Refused with
 * %G_IO_ERROR_BUSY while a sync runs.
 */
void
oms_integrator_retry_async (const char          *data_dir,
                            const char          *record_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  IntegrateData *data;

  g_return_if_fail (data_dir != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_integrator_retry_async);

  data = integrate_data_new (data_dir);
  data->retry_record_id = g_strdup (record_id);
  g_task_set_task_data (task, data, integrate_data_free);

  g_task_run_in_thread (task, retry_thread);
}

/**
 * oms_integrator_retry_finish:
 * @n_retried: (out) (optional): the records tried again
 * @n_failed: (out) (optional): of them, those that still could not be integrated
 *
 * Returns: %TRUE when the pass ran (the records may still have failed)
 */
gboolean
oms_integrator_retry_finish (GAsyncResult  *result,
                             gint64        *n_retried,
                             gint64        *n_failed,
                             GError       **error)
{
  IntegrateData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (n_retried != NULL)
    *n_retried = data->n_retried;
  if (n_failed != NULL)
    *n_failed = data->n_failed;

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * oms_integrator_run_async:
 * @data_dir: the store's data directory; the integrator opens its own connection there
 * @progress: (nullable): told how many upserts remain, on the caller's main context
 *
 * Integrates every pending sync_buffer row from the legacy central (@central_site_id) or the
 * Open mSupply central (no source site) in one transaction, in a worker thread.
 */
void
oms_integrator_run_async (const char            *data_dir,
                          gboolean               has_central_site_id,
                          gint64                 central_site_id,
                          OmsIntegratorProgress  progress,
                          gpointer               progress_data,
                          GCancellable          *cancellable,
                          GAsyncReadyCallback    callback,
                          gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  IntegrateData *data;

  g_return_if_fail (data_dir != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, oms_integrator_run_async);

  data = integrate_data_new (data_dir);
  data->has_central_site_id = has_central_site_id;
  data->central_site_id = central_site_id;
  data->progress = progress;
  data->progress_data = progress_data;
  g_task_set_task_data (task, data, integrate_data_free);

  g_task_run_in_thread (task, integrate_thread);
}

gboolean
oms_integrator_run_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/*
 * oms_integrator_set_typed_in_bulk:
 * @enabled: whether runs started from now integrate typed tables set-based where they can
 *
 * On by default. Off, every typed record goes through the per-record path.
 */
void
oms_integrator_set_typed_in_bulk (gboolean enabled)
{
  g_atomic_int_set (&typed_in_bulk_disabled, !enabled);
}

/*
 * oms_integrator_get_n_typed_in_bulk:
 *
 * Returns: how many typed records this process has integrated set-based
 */
guint
oms_integrator_get_n_typed_in_bulk (void)
{
  return (guint) g_atomic_int_get (&n_typed_in_bulk);
}

/* oms-central-db.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-central-db"

#include "config.h"

#include <string.h>

#include "oms-central-private.h"

/* The central keeps its own schema: it plays two servers at once, so it holds the legacy
 * central change log, the remote data of every store, a per-site outgoing queue, what the
 * sites pushed, and the Open mSupply central changelog.
 */
static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);"
  "CREATE TABLE IF NOT EXISTS site ("
  "  id INTEGER PRIMARY KEY, uuid TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE,"
  "  password_sha256 TEXT NOT NULL, hardware_id TEXT,"
  "  initialisation_status TEXT NOT NULL DEFAULT 'new');"
  "CREATE TABLE IF NOT EXISTS store ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL, code TEXT NOT NULL, name_id TEXT NOT NULL,"
  "  site_id INTEGER);"
  "CREATE INDEX IF NOT EXISTS store_site ON store (site_id);"
  "CREATE TABLE IF NOT EXISTS central_record ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL, record_id TEXT NOT NULL,"
  "  action TEXT NOT NULL, data TEXT);"
  "CREATE TABLE IF NOT EXISTS remote_record ("
  "  table_name TEXT NOT NULL, record_id TEXT NOT NULL, store_id TEXT NOT NULL,"
  "  data TEXT NOT NULL, PRIMARY KEY (table_name, record_id));"
  "CREATE INDEX IF NOT EXISTS remote_record_store ON remote_record (store_id);"
  "CREATE TABLE IF NOT EXISTS sync_queue ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, site_id INTEGER NOT NULL, table_name TEXT NOT NULL,"
  "  record_id TEXT NOT NULL, action TEXT NOT NULL, data TEXT);"
  "CREATE INDEX IF NOT EXISTS sync_queue_site ON sync_queue (site_id, id);"
  "CREATE TABLE IF NOT EXISTS received ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT, site_id INTEGER NOT NULL, api TEXT NOT NULL,"
  "  sync_out_id TEXT, table_name TEXT NOT NULL, record_id TEXT NOT NULL,"
  "  action TEXT NOT NULL, data TEXT, integrated INTEGER NOT NULL DEFAULT 0,"
  "  received_datetime TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now')));"
  "CREATE INDEX IF NOT EXISTS received_site ON received (site_id, api, integrated);"
  "CREATE TABLE IF NOT EXISTS changelog_v6 ("
  "  cursor INTEGER PRIMARY KEY AUTOINCREMENT, table_name TEXT NOT NULL,"
  "  record_id TEXT NOT NULL, action TEXT NOT NULL, store_id TEXT, source_site_id INTEGER,"
  "  data TEXT);"
  "CREATE INDEX IF NOT EXISTS changelog_v6_record ON changelog_v6 (table_name, record_id);";

/* 2: every data column holds NULL or valid JSON, which the record routes embed as it is. */
#define SCHEMA_VERSION 2

void
_oms_central_db_set_error (OmsCentralContext  *ctx,
                           GError            **error)
{
  g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_DATABASE,
               "Central database error: %s", sqlite3_errmsg (ctx->db));
}

gboolean
_oms_central_db_exec (OmsCentralContext  *ctx,
                      const char         *sql,
                      GError            **error)
{
  char *message = NULL;

  if (sqlite3_exec (ctx->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_DATABASE,
                   "Central database error: %s", message ? message : "unknown");
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
_oms_central_db_prepare (OmsCentralContext  *ctx,
                         const char         *sql,
                         GError            **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (ctx->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      _oms_central_db_set_error (ctx, error);
      return NULL;
    }
  return stmt;
}

gboolean
_oms_central_db_step_done (OmsCentralContext  *ctx,
                           sqlite3_stmt       *stmt,
                           GError            **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _oms_central_db_set_error (ctx, error);
      return FALSE;
    }
  return TRUE;
}

gint64
_oms_central_db_query_int (OmsCentralContext *ctx,
                           const char        *sql,
                           gint64             arg)
{
  g_autoptr(sqlite3_stmt) stmt = _oms_central_db_prepare (ctx, sql, NULL);

  if (!stmt)
    return 0;
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, arg);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

void
_oms_central_db_stamp (OmsCentralContext *ctx,
                       OmsCentralDbStamp *stamp)
{
  stamp->total_changes = sqlite3_total_changes64 (ctx->db);
  stamp->data_version = _oms_central_db_query_int (ctx, "PRAGMA data_version", 0);
}

/* A count made after stamp A is still valid at stamp B when they are equal; stamping before
 * counting errs on the safe side when another connection commits in between.
 */
gboolean
_oms_central_db_stamp_equal (const OmsCentralDbStamp *a,
                             const OmsCentralDbStamp *b)
{
  return a->total_changes == b->total_changes && a->data_version == b->data_version;
}

static char *
sql_json (OmsCentralContext *ctx,
          const char        *text)
{
  g_autoptr(sqlite3_stmt) stmt = _oms_central_db_prepare (ctx,
                                                          "SELECT json (?1) WHERE json_valid (?1)",
                                                          NULL);

  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *)sqlite3_column_text (stmt, 0));
}

/* Record data as it is stored and later served: the record routes copy the stored text into
 * their answers as it is, so it must be valid JSON. Text SQLite's strict parser accepts is
 * kept, minified; text that only json-glib's lenient parser accepts (single quotes,
 * comments) becomes json-glib's rendering of it, which is what the routes served for it when
 * they re-generated every record; anything else becomes NULL, served as no data, as before.
 */
char *
_oms_central_db_dup_record_data (OmsCentralContext *ctx,
                                 const char        *text)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *rendered = NULL;
  char *data;

  if (!text)
    return NULL;
  data = sql_json (ctx, text);
  if (data)
    return data;
  node = json_from_string (text, NULL);
  if (!node)
    return NULL;
  rendered = json_to_string (node, FALSE);
  return sql_json (ctx, rendered);
}

/* Brings data written before SCHEMA_VERSION 2 into that shape; only invalid rows change. */
static gboolean
normalize_record_data (OmsCentralContext  *ctx,
                       const char         *table,
                       GError            **error)
{
  g_autofree char *select_sql = g_strdup_printf ("SELECT rowid, data FROM %s "
                                                 "WHERE data IS NOT NULL AND NOT json_valid (data)",
                                                 table);
  g_autofree char *update_sql = g_strdup_printf ("UPDATE %s SET data = ? WHERE rowid = ?", table);
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(GArray) rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  int rc;

  select = _oms_central_db_prepare (ctx, select_sql, error);
  if (!select)
    return FALSE;
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (select, 0);

      g_array_append_val (rowids, rowid);
      g_ptr_array_add (texts, g_strdup ((const char *)sqlite3_column_text (select, 1)));
    }
  if (rc != SQLITE_DONE)
    {
      _oms_central_db_set_error (ctx, error);
      return FALSE;
    }
  if (rowids->len == 0)
    return TRUE;

  update = _oms_central_db_prepare (ctx, update_sql, error);
  if (!update)
    return FALSE;
  for (guint i = 0; i < rowids->len; i++)
    {
      g_autofree char *data = _oms_central_db_dup_record_data (ctx, g_ptr_array_index (texts, i));

      /* Only remote_record requires data, and only json-glib's output ever reached it. */
      if (!data && g_str_equal (table, "remote_record"))
        {
          g_warning ("remote_record row %" G_GINT64_FORMAT " holds no JSON; left as it is",
                     g_array_index (rowids, gint64, i));
          continue;
        }
      sqlite3_reset (update);
      if (data)
        sqlite3_bind_text (update, 1, data, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (update, 1);
      sqlite3_bind_int64 (update, 2, g_array_index (rowids, gint64, i));
      if (!_oms_central_db_step_done (ctx, update, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
upgrade_schema (OmsCentralContext  *ctx,
                gint64              version,
                GError            **error)
{
  const char *tables[] = { "central_record", "remote_record", "sync_queue", "received",
                           "changelog_v6" };
  g_autofree char *set_version = NULL;

  if (version >= SCHEMA_VERSION)
    return TRUE;
  if (!_oms_central_db_exec (ctx, "BEGIN IMMEDIATE", error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (!normalize_record_data (ctx, tables[i], error))
      goto fail;
  set_version = g_strdup_printf ("PRAGMA user_version = %d", SCHEMA_VERSION);
  if (!_oms_central_db_exec (ctx, set_version, error))
    goto fail;
  return _oms_central_db_exec (ctx, "COMMIT", error);

fail:
  _oms_central_db_exec (ctx, "ROLLBACK", NULL);
  return FALSE;
}

gboolean
_oms_central_db_open (OmsCentralContext  *ctx,
                      const char         *path,
                      GError            **error)
{
  gint64 version;

  if (sqlite3_open_v2 (path, &ctx->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
      != SQLITE_OK)
    {
      _oms_central_db_set_error (ctx, error);
      g_clear_pointer (&ctx->db, sqlite3_close);
      return FALSE;
    }
  sqlite3_busy_timeout (ctx->db, 5000);

  /* WAL with NORMAL sync keeps seeding a million records to seconds. */
  if (!_oms_central_db_exec (ctx, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
                             error))
    return FALSE;
  version = _oms_central_db_query_int (ctx, "PRAGMA user_version", 0);
  return _oms_central_db_exec (ctx, schema_sql, error) && upgrade_schema (ctx, version, error);
}

void
_oms_central_db_close (OmsCentralContext *ctx)
{
  g_clear_pointer (&ctx->db, sqlite3_close);
}

void
_oms_central_site_free (OmsCentralSite *site)
{
  if (!site)
    return;
  g_free (site->uuid);
  g_free (site->name);
  g_free (site->password_sha256);
  g_free (site->hardware_id);
  g_free (site->initialisation_status);
  g_free (site);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);

  return g_strdup (text);
}

OmsCentralSite *
_oms_central_db_find_site (OmsCentralContext *ctx,
                           const char        *name)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  OmsCentralSite *site;

  stmt = _oms_central_db_prepare (ctx,
                                  "SELECT id, uuid, name, password_sha256, hardware_id, "
                                  "initialisation_status FROM site WHERE name = ?",
                                  NULL);
  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;

  site = g_new0 (OmsCentralSite, 1);
  site->id = sqlite3_column_int (stmt, 0);
  site->uuid = column_dup (stmt, 1);
  site->name = column_dup (stmt, 2);
  site->password_sha256 = column_dup (stmt, 3);
  site->hardware_id = column_dup (stmt, 4);
  site->initialisation_status = column_dup (stmt, 5);
  return site;
}

gboolean
_oms_central_db_bind_hardware_id (OmsCentralContext  *ctx,
                                  int                 site_id,
                                  const char         *hardware_id,
                                  GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = _oms_central_db_prepare (ctx, "UPDATE site SET hardware_id = ? WHERE id = ?", error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hardware_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, site_id);
  return _oms_central_db_step_done (ctx, stmt, error);
}

gboolean
_oms_central_db_set_init_status (OmsCentralContext  *ctx,
                                 int                 site_id,
                                 const char         *status,
                                 GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = _oms_central_db_prepare (ctx, "UPDATE site SET initialisation_status = ? WHERE id = ?",
                                  error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, status, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, site_id);
  return _oms_central_db_step_done (ctx, stmt, error);
}

char *
_oms_central_sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

/* Deterministic ids, so a re-seeded demo keeps the same records. Legacy mSupply ids are 32
 * upper-case hex digits; Open mSupply ids are UUIDs.
 */
char *
_oms_central_legacy_id (const char *seed)
{
  g_autofree char *hex = g_compute_checksum_for_string (G_CHECKSUM_MD5, seed, -1);

  return g_ascii_strup (hex, -1);
}

char *
_oms_central_uuid (const char *seed)
{
  g_autofree char *hex = g_compute_checksum_for_string (G_CHECKSUM_MD5, seed, -1);

  /* Version 4 / variant 1 bits, so validators accept it as a random UUID. */
  hex[12] = '4';
  hex[16] = "89ab"[g_ascii_xdigit_value (hex[16]) & 3];
  return g_strdup_printf ("%.8s-%.4s-%.4s-%.4s-%.12s",
                          hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

gint64
_oms_central_db_add_central_record (OmsCentralContext  *ctx,
                                    const char         *table_name,
                                    const char         *record_id,
                                    const char         *action,
                                    const char         *data_json,
                                    GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *data = _oms_central_db_dup_record_data (ctx, data_json);

  stmt = _oms_central_db_prepare (ctx,
                                  "INSERT INTO central_record (table_name, record_id, action, data) "
                                  "VALUES (?, ?, ?, ?)",
                                  error);
  if (!stmt)
    return -1;
  sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, action, -1, SQLITE_TRANSIENT);
  if (data)
    sqlite3_bind_text (stmt, 4, data, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 4);
  if (!_oms_central_db_step_done (ctx, stmt, error))
    return -1;
  return sqlite3_last_insert_rowid (ctx->db);
}

gboolean
_oms_central_db_add_remote_record (OmsCentralContext  *ctx,
                                   const char         *table_name,
                                   const char         *record_id,
                                   const char         *store_id,
                                   const char         *data_json,
                                   GError            **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *data = _oms_central_db_dup_record_data (ctx, data_json);

  if (!data)
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID,
                   "Record data must be JSON");
      return FALSE;
    }
  stmt = _oms_central_db_prepare (ctx,
                                  "INSERT INTO remote_record (table_name, record_id, store_id, data) "
                                  "VALUES (?, ?, ?, ?) ON CONFLICT (table_name, record_id) "
                                  "DO UPDATE SET store_id = excluded.store_id, data = excluded.data",
                                  error);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, data, -1, SQLITE_TRANSIENT);
  return _oms_central_db_step_done (ctx, stmt, error);
}

/* Open mSupply's changelog_deduped keeps only the newest row per record; deleting the older
 * rows on insert gives the same view without a view.
 */
gint64
_oms_central_db_add_v6_record (OmsCentralContext  *ctx,
                               const char         *table_name,
                               const char         *record_id,
                               const char         *action,
                               const char         *store_id,
                               int                 source_site_id,
                               const char         *data_json,
                               GError            **error)
{
  g_autoptr(sqlite3_stmt) del = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean is_delete = g_ascii_strcasecmp (action, "delete") == 0;
  g_autofree char *data = is_delete ? NULL : _oms_central_db_dup_record_data (ctx, data_json);

  del = _oms_central_db_prepare (ctx,
                                 "DELETE FROM changelog_v6 WHERE table_name = ? AND record_id = ?",
                                 error);
  if (!del)
    return -1;
  sqlite3_bind_text (del, 1, table_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (del, 2, record_id, -1, SQLITE_TRANSIENT);
  if (!_oms_central_db_step_done (ctx, del, error))
    return -1;

  stmt = _oms_central_db_prepare (ctx,
                                  "INSERT INTO changelog_v6 (table_name, record_id, action, store_id, "
                                  "source_site_id, data) VALUES (?, ?, ?, ?, ?, ?)",
                                  error);
  if (!stmt)
    return -1;
  sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, record_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, is_delete ? "Delete" : "Update", -1, SQLITE_STATIC);
  if (store_id && *store_id)
    sqlite3_bind_text (stmt, 4, store_id, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 4);
  if (source_site_id > 0)
    sqlite3_bind_int (stmt, 5, source_site_id);
  else
    sqlite3_bind_null (stmt, 5);
  if (data)
    sqlite3_bind_text (stmt, 6, data, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 6);
  if (!_oms_central_db_step_done (ctx, stmt, error))
    return -1;
  return sqlite3_last_insert_rowid (ctx->db);
}

char *
_oms_central_db_dup_store_id (OmsCentralContext *ctx,
                              const char        *site_name)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = _oms_central_db_prepare (ctx,
                                  "SELECT store.id FROM store JOIN site ON store.site_id = site.id "
                                  "WHERE site.name = ? ORDER BY store.id LIMIT 1",
                                  NULL);
  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, site_name, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return column_dup (stmt, 0);
}

/* A name in the legacy shape, with every field Open mSupply's translator requires. */
char *
_oms_central_build_name_json (const char *id,
                              const char *name,
                              const char *code,
                              const char *type,
                              gboolean    is_customer,
                              gboolean    is_supplier)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const struct { const char *key; const char *value; } strings[] = {
    { "ID", id }, { "name", name }, { "code", code }, { "type", type },
    { "country", "Demo Republic" }, { "phone", "" }, { "email", "" }, { "comment", "" },
    { "charge code", code }, { "first", "" }, { "last", "" }, { "om_gender", "" },
    { "date_of_birth", "0000-00-00" }, { "created_date", "2024-01-15" },
  };
  const struct { const char *key; gboolean value; } booleans[] = {
    { "customer", is_customer }, { "supplier", is_supplier }, { "manufacturer", FALSE },
    { "donor", FALSE }, { "hold", FALSE }, { "isDeceased", FALSE }, { "female", FALSE },
  };

  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      json_builder_set_member_name (builder, strings[i].key);
      json_builder_add_string_value (builder, strings[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (booleans); i++)
    {
      json_builder_set_member_name (builder, booleans[i].key);
      json_builder_add_boolean_value (builder, booleans[i].value);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static char *
build_store_json (const char *id,
                  const char *name,
                  const char *code,
                  const char *name_id,
                  int         site_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ID");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "name_ID");
  json_builder_add_string_value (builder, name_id);
  json_builder_set_member_name (builder, "disabled");
  json_builder_add_boolean_value (builder, FALSE);
  /* Open mSupply reads the owning site of a store from this field. */
  json_builder_set_member_name (builder, "sync_id_remote_site");
  json_builder_add_int_value (builder, site_id);
  json_builder_set_member_name (builder, "store_mode");
  json_builder_add_string_value (builder, "store");
  json_builder_set_member_name (builder, "logo");
  json_builder_add_string_value (builder, "No logo");
  json_builder_set_member_name (builder, "tags");
  json_builder_add_string_value (builder, "");
  json_builder_set_member_name (builder, "custom_data");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "created_date");
  json_builder_add_string_value (builder, "2024-01-15");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

gboolean
_oms_central_db_add_site (OmsCentralContext  *ctx,
                          const char         *name,
                          const char         *password_plain,
                          int                 site_id,
                          const char         *store_name,
                          GError            **error)
{
  g_autoptr(OmsCentralSite) existing = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *hash = _oms_central_sha256_hex (password_plain);
  g_autofree char *store_id = NULL;
  g_autofree char *name_id = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *code = NULL;
  g_autofree char *name_json = NULL;
  g_autofree char *store_json = NULL;
  g_autofree char *uuid = NULL;

  existing = _oms_central_db_find_site (ctx, name);
  if (existing)
    {
      g_autoptr(sqlite3_stmt) update = NULL;

      /* Re-adding a site on restart only refreshes its password. */
      if (existing->id != site_id)
        {
          g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_EXISTS,
                       "A site named “%s” already exists with site id %d", name, existing->id);
          return FALSE;
        }
      update = _oms_central_db_prepare (ctx, "UPDATE site SET password_sha256 = ? WHERE id = ?",
                                        error);
      if (!update)
        return FALSE;
      sqlite3_bind_text (update, 1, hash, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (update, 2, site_id);
      return _oms_central_db_step_done (ctx, update, error);
    }

  if (_oms_central_db_query_int (ctx, "SELECT count(*) FROM site WHERE id = ?", site_id) > 0
      || site_id == OMS_CENTRAL_LEGACY_SITE_ID)
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_EXISTS,
                   "Site id %d is already taken", site_id);
      return FALSE;
    }

  seed = g_strdup_printf ("site-store:%s", name);
  store_id = _oms_central_legacy_id (seed);
  g_free (seed);
  seed = g_strdup_printf ("site-store-name:%s", name);
  name_id = _oms_central_legacy_id (seed);
  code = g_ascii_strup (name, 6);
  uuid = g_uuid_string_random ();

  if (!_oms_central_db_exec (ctx, "BEGIN IMMEDIATE", error))
    return FALSE;

  stmt = _oms_central_db_prepare (ctx,
                                  "INSERT INTO site (id, uuid, name, password_sha256) "
                                  "VALUES (?, ?, ?, ?)",
                                  error);
  if (!stmt)
    goto fail;
  sqlite3_bind_int (stmt, 1, site_id);
  sqlite3_bind_text (stmt, 2, uuid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, hash, -1, SQLITE_TRANSIENT);
  if (!_oms_central_db_step_done (ctx, stmt, error))
    goto fail;
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = _oms_central_db_prepare (ctx,
                                  "INSERT OR REPLACE INTO store (id, name, code, name_id, site_id) "
                                  "VALUES (?, ?, ?, ?, ?)",
                                  error);
  if (!stmt)
    goto fail;
  sqlite3_bind_text (stmt, 1, store_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, store_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, name_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 5, site_id);
  if (!_oms_central_db_step_done (ctx, stmt, error))
    goto fail;

  /* The store and its name are central data every site pulls. */
  name_json = _oms_central_build_name_json (name_id, store_name, code, "store", TRUE, TRUE);
  store_json = build_store_json (store_id, store_name, code, name_id, site_id);
  if (_oms_central_db_add_central_record (ctx, "name", name_id, "insert", name_json, error) < 0
      || _oms_central_db_add_central_record (ctx, "store", store_id, "insert", store_json,
                                             error) < 0)
    goto fail;

  return _oms_central_db_exec (ctx, "COMMIT", error);

fail:
  _oms_central_db_exec (ctx, "ROLLBACK", NULL);
  return FALSE;
}

static const char *
store_id_expr (void)
{
  return "coalesce(json_extract(data, '$.store_ID'), json_extract(data, '$.storeID'), "
         "json_extract(data, '$.store_id'))";
}

/* What the legacy central does with pushed remote data: it keeps it (so a re-initialised
 * site gets it back) and queues records of other sites' stores to those sites (transfers).
 */
gboolean
_oms_central_db_integrate_v5 (OmsCentralContext  *ctx,
                              int                 site_id,
                              GError            **error)
{
  g_autofree char *upsert_sql = NULL;
  g_autofree char *queue_sql = NULL;
  g_autoptr(sqlite3_stmt) del = NULL;
  g_autoptr(sqlite3_stmt) upsert = NULL;
  g_autoptr(sqlite3_stmt) queue = NULL;
  g_autoptr(sqlite3_stmt) mark = NULL;

  upsert_sql = g_strdup_printf ("INSERT INTO remote_record (table_name, record_id, store_id, data) "
                                "SELECT table_name, record_id, %s, data FROM received "
                                "WHERE site_id = ?1 AND api = 'v5' AND integrated = 0 "
                                "AND lower(action) != 'delete' AND %s IS NOT NULL "
                                "ORDER BY id "
                                "ON CONFLICT (table_name, record_id) DO UPDATE SET "
                                "store_id = excluded.store_id, data = excluded.data",
                                store_id_expr (), store_id_expr ());
  queue_sql = g_strdup_printf ("INSERT INTO sync_queue (site_id, table_name, record_id, action, data) "
                               "SELECT store.site_id, r.table_name, r.record_id, lower(r.action), "
                               "r.data FROM received r JOIN store ON store.id = "
                               "coalesce(json_extract(r.data, '$.store_ID'), "
                               "json_extract(r.data, '$.storeID'), "
                               "json_extract(r.data, '$.store_id')) "
                               "WHERE r.site_id = ?1 AND r.api = 'v5' AND r.integrated = 0 "
                               "AND store.site_id IS NOT NULL AND store.site_id != ?1 "
                               "ORDER BY r.id");

  if (!_oms_central_db_exec (ctx, "BEGIN IMMEDIATE", error))
    return FALSE;

  del = _oms_central_db_prepare (ctx,
                                 "DELETE FROM remote_record WHERE (table_name, record_id) IN "
                                 "(SELECT table_name, record_id FROM received WHERE site_id = ?1 "
                                 "AND api = 'v5' AND integrated = 0 AND lower(action) = 'delete')",
                                 error);
  upsert = del ? _oms_central_db_prepare (ctx, upsert_sql, error) : NULL;
  queue = upsert ? _oms_central_db_prepare (ctx, queue_sql, error) : NULL;
  mark = queue ? _oms_central_db_prepare (ctx,
                                          "UPDATE received SET integrated = 1 WHERE site_id = ?1 "
                                          "AND api = 'v5' AND integrated = 0",
                                          error) : NULL;
  if (!mark)
    goto fail;

  sqlite3_bind_int (del, 1, site_id);
  sqlite3_bind_int (upsert, 1, site_id);
  sqlite3_bind_int (queue, 1, site_id);
  sqlite3_bind_int (mark, 1, site_id);
  if (!_oms_central_db_step_done (ctx, del, error)
      || !_oms_central_db_step_done (ctx, upsert, error)
      || !_oms_central_db_step_done (ctx, queue, error)
      || !_oms_central_db_step_done (ctx, mark, error))
    goto fail;

  return _oms_central_db_exec (ctx, "COMMIT", error);

fail:
  _oms_central_db_exec (ctx, "ROLLBACK", NULL);
  return FALSE;
}

/* The store of a record that does not name one, e.g. asset_log through its asset. */
static char *
lookup_parent_store (OmsCentralContext *ctx,
                     JsonObject        *data)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *asset_id = json_object_get_string_member_with_default (data, "asset_id", NULL);

  if (!asset_id)
    return NULL;
  stmt = _oms_central_db_prepare (ctx,
                                  "SELECT store_id FROM changelog_v6 WHERE table_name = 'asset' "
                                  "AND record_id = ? ORDER BY cursor DESC LIMIT 1",
                                  NULL);
  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, asset_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return column_dup (stmt, 0);
}

gboolean
_oms_central_db_integrate_v6 (OmsCentralContext  *ctx,
                              int                 site_id,
                              GError            **error)
{
  g_autoptr(sqlite3_stmt) rows = NULL;
  g_autoptr(sqlite3_stmt) mark = NULL;
  int rc;

  if (!_oms_central_db_exec (ctx, "BEGIN IMMEDIATE", error))
    return FALSE;

  rows = _oms_central_db_prepare (ctx,
                                  "SELECT table_name, record_id, action, data FROM received "
                                  "WHERE site_id = ? AND api = 'v6' AND integrated = 0 ORDER BY id",
                                  error);
  if (!rows)
    goto fail;
  sqlite3_bind_int (rows, 1, site_id);

  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      const char *table_name = (const char *)sqlite3_column_text (rows, 0);
      const char *record_id = (const char *)sqlite3_column_text (rows, 1);
      const char *action = (const char *)sqlite3_column_text (rows, 2);
      const char *data = (const char *)sqlite3_column_text (rows, 3);
      g_autoptr(JsonNode) node = data ? json_from_string (data, NULL) : NULL;
      g_autofree char *store_id = NULL;

      if (node && JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *object = json_node_get_object (node);

          store_id = g_strdup (json_object_get_string_member_with_default (object, "store_id",
                                                                           NULL));
          if (!store_id)
            store_id = lookup_parent_store (ctx, object);
        }
      if (_oms_central_db_add_v6_record (ctx, table_name, record_id, action, store_id, site_id,
                                         data, error) < 0)
        goto fail;
    }
  if (rc != SQLITE_DONE)
    {
      _oms_central_db_set_error (ctx, error);
      goto fail;
    }

  mark = _oms_central_db_prepare (ctx,
                                  "UPDATE received SET integrated = 1 WHERE site_id = ? "
                                  "AND api = 'v6' AND integrated = 0",
                                  error);
  if (!mark)
    goto fail;
  sqlite3_bind_int (mark, 1, site_id);
  if (!_oms_central_db_step_done (ctx, mark, error))
    goto fail;

  return _oms_central_db_exec (ctx, "COMMIT", error);

fail:
  _oms_central_db_exec (ctx, "ROLLBACK", NULL);
  return FALSE;
}

JsonNode *
_oms_central_db_dup_received (OmsCentralContext  *ctx,
                              const char         *site_name,
                              GError            **error)
{
  g_autoptr(OmsCentralSite) site = _oms_central_db_find_site (ctx, site_name);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *apis[] = { "v5", "v6" };

  if (!site)
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_NOT_FOUND,
                   "No site named “%s”", site_name);
      return NULL;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "site");
  json_builder_add_string_value (builder, site->name);

  stmt = _oms_central_db_prepare (ctx,
                                  "SELECT table_name, count(*), sum(integrated) FROM received "
                                  "WHERE site_id = ? AND api = ? GROUP BY table_name "
                                  "ORDER BY table_name",
                                  error);
  if (!stmt)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (apis); i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int (stmt, 1, site->id);
      sqlite3_bind_text (stmt, 2, apis[i], -1, SQLITE_STATIC);
      json_builder_set_member_name (builder, apis[i]);
      json_builder_begin_object (builder);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          json_builder_set_member_name (builder, (const char *)sqlite3_column_text (stmt, 0));
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "received");
          json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 1));
          json_builder_set_member_name (builder, "integrated");
          json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 2));
          json_builder_end_object (builder);
        }
      json_builder_end_object (builder);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = _oms_central_db_prepare (ctx,
                                  "SELECT api, table_name, record_id, action, integrated, data "
                                  "FROM received WHERE site_id = ? ORDER BY id",
                                  error);
  if (!stmt)
    return NULL;
  sqlite3_bind_int (stmt, 1, site->id);
  json_builder_set_member_name (builder, "records");
  json_builder_begin_array (builder);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *data = (const char *)sqlite3_column_text (stmt, 5);
      JsonNode *data_node = data ? json_from_string (data, NULL) : NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "api");
      json_builder_add_string_value (builder, (const char *)sqlite3_column_text (stmt, 0));
      json_builder_set_member_name (builder, "tableName");
      json_builder_add_string_value (builder, (const char *)sqlite3_column_text (stmt, 1));
      json_builder_set_member_name (builder, "recordId");
      json_builder_add_string_value (builder, (const char *)sqlite3_column_text (stmt, 2));
      json_builder_set_member_name (builder, "action");
      json_builder_add_string_value (builder, (const char *)sqlite3_column_text (stmt, 3));
      json_builder_set_member_name (builder, "integrated");
      json_builder_add_boolean_value (builder, sqlite3_column_int (stmt, 4) != 0);
      json_builder_set_member_name (builder, "recordData");
      if (data_node)
        json_builder_add_value (builder, data_node);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* A pushed record's data as the received table keeps it: the object, or NULL for anything
 * else (a delete's null). The protocol layer has made it canonical JSON (oms-sync-record.c),
 * as Open mSupply's serde_json would store it.
 */
void
_oms_central_bind_record_data (sqlite3_stmt        *stmt,
                               int                  column,
                               const OmsSyncRecord *record)
{
  if (record->data != NULL && record->data[0] == '{')
    sqlite3_bind_text (stmt, column, record->data, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, column);
}

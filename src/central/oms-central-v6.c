/* oms-central-v6.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-central-v6"

#include "config.h"

#include <string.h>

#include "oms-central-private.h"

/* The Open mSupply central API (PROTOCOL.md §3): every answer is HTTP 200 with either
 * {"data": ...} or {"error": ...}; only a body that cannot be read is refused earlier, as
 * actix's JSON extractor does, with 400 and a text body.
 */

static void
respond_data (SoupServerMessage *msg,
              JsonNode          *data)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);

  json_object_set_member (object, "data", json_node_ref (data));
  json_node_set_object (root, object);
  _oms_central_respond_json (msg, SOUP_STATUS_OK, root);
}

static void
respond_error_node (SoupServerMessage *msg,
                    JsonNode          *error)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);

  json_object_set_member (object, "error", json_node_ref (error));
  json_node_set_object (root, object);
  _oms_central_respond_json (msg, SOUP_STATUS_OK, root);
}

static void
respond_error_tagged (SoupServerMessage *msg,
                      const char        *variant,
                      const char        *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) error = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, variant);
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  error = json_builder_get_root (builder);
  respond_error_node (msg, error);
}

static void
respond_error_unit (SoupServerMessage *msg,
                    const char        *variant)
{
  g_autoptr(JsonNode) error = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (error, variant);
  respond_error_node (msg, error);
}

static void
respond_version_mismatch (SoupServerMessage *msg,
                          gint64             version)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) error = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "syncVersionMismatch");
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, OMS_CENTRAL_V6_MIN_VERSION);
  json_builder_add_int_value (builder, OMS_CENTRAL_V6_MAX_VERSION);
  json_builder_add_int_value (builder, version);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  error = json_builder_get_root (builder);
  respond_error_node (msg, error);
}

static void
respond_bad_body (SoupServerMessage *msg,
                  const char        *detail)
{
  g_autofree char *text = g_strdup_printf ("Json deserialize error: %s", detail);

  _oms_central_respond_text (msg, SOUP_STATUS_BAD_REQUEST, text);
}

static gboolean
get_uint (JsonObject *object,
          const char *name,
          gboolean    required,
          gint64      fallback,
          gint64     *out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (!node)
    {
      *out = fallback;
      return !required;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < 0)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (!node || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Version, credentials and the integration lock, in the real server's order. On failure
 * the answer has been sent.
 */
static OmsCentralSite *
check_request (OmsCentralContext *ctx,
               SoupServerMessage *msg,
               JsonObject        *request,
               gboolean           check_integrating)
{
  JsonNode *settings_node = json_object_get_member (request, "syncV5Settings");
  JsonObject *settings;
  const char *code = NULL;
  const char *message = NULL;
  g_autofree char *text = NULL;
  OmsCentralSite *site;
  gint64 version = 0;

  if (!settings_node || !JSON_NODE_HOLDS_OBJECT (settings_node))
    {
      respond_bad_body (msg, "missing field `syncV5Settings`");
      return NULL;
    }
  settings = json_node_get_object (settings_node);
  if (!get_string (settings, "username") || !get_string (settings, "passwordSha256")
      || !get_string (settings, "siteUuid"))
    {
      respond_bad_body (msg, "syncV5Settings needs username, passwordSha256 and siteUuid");
      return NULL;
    }
  if (!get_uint (request, "syncV6Version", FALSE, 0, &version))
    {
      respond_bad_body (msg, "invalid type for `syncV6Version`");
      return NULL;
    }
  if (version < OMS_CENTRAL_V6_MIN_VERSION || version > OMS_CENTRAL_V6_MAX_VERSION)
    {
      respond_version_mismatch (msg, version);
      return NULL;
    }

  site = _oms_central_authenticate (ctx, get_string (settings, "username"),
                                    get_string (settings, "passwordSha256"),
                                    get_string (settings, "siteUuid"), &code, &message);
  if (!site)
    {
      /* The shape of format_error() over the legacy server's answer. */
      text = g_strdup_printf ("Legacy server error -> [\n    \"%s: %s\",\n]", code, message);
      respond_error_tagged (msg, "otherServerError", text);
      return NULL;
    }

  if (check_integrating && _oms_central_site_state (ctx, site->id)->v6_integrating)
    {
      _oms_central_site_free (site);
      respond_error_unit (msg, "integrationInProgress");
      return NULL;
    }
  return site;
}

static const char pull_filter[] =
  "FROM changelog_v6 WHERE cursor >= ?1 "
  "AND (?2 = 0 OR source_site_id IS NULL OR source_site_id != ?3) "
  "AND (store_id IS NULL OR store_id IN (SELECT id FROM store WHERE site_id = ?3))";

/* A patient pull (a manual sync that fetches one patient): the patient's own name row and
 * every record whose name_id is the patient, when the patient is known to one of the site's
 * stores (a name_store_join). ?2 is the patient, ?3 the site. A full scan: patient pulls are
 * rare and manual.
 */
static const char patient_filter[] =
  "FROM changelog_v6 WHERE cursor >= ?1 "
  "AND ((table_name = 'name' AND record_id = ?2) OR json_extract (data, '$.name_id') = ?2) "
  "AND EXISTS (SELECT 1 FROM changelog_v6 j WHERE j.table_name = 'name_store_join' "
  "AND json_extract (j.data, '$.name_id') = ?2 "
  "AND j.store_id IN (SELECT id FROM store WHERE site_id = ?3))";

static void
handle_pull (OmsCentralContext *ctx,
             SoupServerMessage *msg,
             JsonObject        *request,
             gboolean           patient)
{
  const char *patient_id = NULL;
  g_autoptr(OmsCentralSite) site = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) rows = NULL;
  g_autoptr(sqlite3_stmt) count = NULL;
  g_autofree char *rows_sql = NULL;
  g_autofree char *count_sql = NULL;
  JsonNode *initialised_node;
  gboolean is_initialised = FALSE;
  gint64 cursor = 0;
  gint64 batch_size = 0;
  gint64 total = 0;
  gint64 end_cursor = -1;
  gint64 n_served = 0;
  OmsCentralDbStamp stamp;
  GString *records;
  GString *out;
  int rc;

  if (!get_uint (request, "cursor", TRUE, 0, &cursor))
    {
      respond_bad_body (msg, "missing or invalid field `cursor`");
      return;
    }
  if (!get_uint (request, "batchSize", TRUE, 0, &batch_size) || batch_size > G_MAXUINT32)
    {
      respond_bad_body (msg, "missing or invalid field `batchSize`");
      return;
    }
  if (patient)
    {
      JsonNode *patient_node = json_object_get_member (request, "fetchPatientId");

      if (!patient_node || !JSON_NODE_HOLDS_VALUE (patient_node)
          || json_node_get_value_type (patient_node) != G_TYPE_STRING)
        {
          respond_bad_body (msg, "missing or invalid field `fetchPatientId`");
          return;
        }
      patient_id = json_node_get_string (patient_node);
    }
  else
    {
      initialised_node = json_object_get_member (request, "isInitialised");
      if (!initialised_node || !JSON_NODE_HOLDS_VALUE (initialised_node)
          || json_node_get_value_type (initialised_node) != G_TYPE_BOOLEAN)
        {
          respond_bad_body (msg, "missing or invalid field `isInitialised`");
          return;
        }
      is_initialised = json_node_get_boolean (initialised_node);
    }

  site = check_request (ctx, msg, request, TRUE);
  if (!site)
    return;

  rows_sql = g_strdup_printf ("SELECT cursor, table_name, record_id, action, data %s "
                              "ORDER BY cursor LIMIT ?4", patient ? patient_filter : pull_filter);
  rows = _oms_central_db_prepare (ctx, rows_sql, &error);
  if (!rows)
    {
      respond_error_tagged (msg, "otherServerError", error->message);
      return;
    }
  sqlite3_bind_int64 (rows, 1, cursor);
  if (patient)
    sqlite3_bind_text (rows, 2, patient_id, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_int (rows, 2, is_initialised);
  sqlite3_bind_int (rows, 3, site->id);
  sqlite3_bind_int64 (rows, 4, batch_size);
  _oms_central_db_stamp (ctx, &stamp);
  if (!patient &&
      ctx->v6_pull.site_id == site->id && ctx->v6_pull.is_initialised == is_initialised &&
      ctx->v6_pull.next_cursor == cursor &&
      _oms_central_db_stamp_equal (&stamp, &ctx->v6_pull.stamp))
    {
      /* The next batch of the same pull, nothing changed since: the rows left are those
       * that were left minus the ones just served.
       */
      total = ctx->v6_pull.total;
    }
  else
    {
      count_sql = g_strdup_printf ("SELECT count(*) %s",
                                   patient ? patient_filter : pull_filter);
      count = _oms_central_db_prepare (ctx, count_sql, &error);
      if (!count)
        {
          respond_error_tagged (msg, "otherServerError", error->message);
          return;
        }
      sqlite3_bind_int64 (count, 1, cursor);
      if (patient)
        sqlite3_bind_text (count, 2, patient_id, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_int (count, 2, is_initialised);
      sqlite3_bind_int (count, 3, site->id);
      if (sqlite3_step (count) == SQLITE_ROW)
        total = sqlite3_column_int64 (count, 0);
    }

  /* The stored data is valid JSON (oms-central-db.c), so it goes in as it is instead of
   * through a parser and back; only the batch's header needs the rows, so it comes last.
   */
  records = g_string_sized_new (MIN (batch_size, 2048) * 512);
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      const char *record_data = (const char *)sqlite3_column_text (rows, 4);

      end_cursor = sqlite3_column_int64 (rows, 0);
      g_string_append (records, n_served ? ",{\"cursor\":" : "{\"cursor\":");
      _oms_central_json_append_int (records, end_cursor);
      g_string_append (records, ",\"record\":{\"tableName\":");
      _oms_central_json_append_string (records, (const char *)sqlite3_column_text (rows, 1));
      g_string_append (records, ",\"recordId\":");
      _oms_central_json_append_string (records, (const char *)sqlite3_column_text (rows, 2));
      g_string_append (records, ",\"action\":");
      _oms_central_json_append_string (records, (const char *)sqlite3_column_text (rows, 3));
      g_string_append (records, ",\"recordData\":");
      if (record_data)
        g_string_append_len (records, record_data, sqlite3_column_bytes (rows, 4));
      else
        g_string_append (records, "null");
      g_string_append (records, "}}");
      n_served++;
    }
  if (rc != SQLITE_DONE)
    {
      g_string_free (records, TRUE);
      _oms_central_db_set_error (ctx, &error);
      respond_error_tagged (msg, "otherServerError", error->message);
      return;
    }

  if (end_cursor >= 0 && !patient)
    {
      ctx->v6_pull.site_id = site->id;
      ctx->v6_pull.is_initialised = is_initialised;
      ctx->v6_pull.next_cursor = end_cursor + 1;
      ctx->v6_pull.total = MAX (0, total - n_served);
      ctx->v6_pull.stamp = stamp;
    }

  /* An empty batch reports the newest cursor overall, as the real server does. */
  if (end_cursor < 0)
    end_cursor = _oms_central_db_query_int (ctx, "SELECT coalesce(max(cursor), 0) "
                                                 "FROM changelog_v6", 0);

  /* {"data": {"end_cursor", "total_records", "records", "is_last_batch"}} */
  out = g_string_sized_new (records->len + 128);
  g_string_append_printf (out, "{\"data\":{\"end_cursor\":%" G_GINT64_FORMAT
                          ",\"total_records\":%" G_GINT64_FORMAT ",\"records\":[",
                          end_cursor, total);
  g_string_append_len (out, records->str, records->len);
  g_string_append_printf (out, "],\"is_last_batch\":%s}}",
                          total <= batch_size ? "true" : "false");
  g_string_free (records, TRUE);
  _oms_central_respond_json_text (msg, SOUP_STATUS_OK, out);
}

static void
handle_push (OmsCentralContext     *ctx,
             SoupServerMessage     *msg,
             JsonObject            *request,
             const OmsCentralFault *fault)
{
  g_autoptr(OmsCentralSite) site = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonNode *batch_node = json_object_get_member (request, "batch");
  JsonObject *batch;
  JsonNode *records_node;
  JsonNode *last_node;
  JsonArray *records;
  guint n_records;

  if (!batch_node || !JSON_NODE_HOLDS_OBJECT (batch_node))
    {
      respond_bad_body (msg, "missing field `batch`");
      return;
    }
  batch = json_node_get_object (batch_node);
  records_node = json_object_get_member (batch, "records");
  last_node = json_object_get_member (batch, "is_last_batch");
  if (!records_node || !JSON_NODE_HOLDS_ARRAY (records_node))
    {
      respond_bad_body (msg, "missing field `records`");
      return;
    }
  if (!last_node || !JSON_NODE_HOLDS_VALUE (last_node)
      || json_node_get_value_type (last_node) != G_TYPE_BOOLEAN)
    {
      respond_bad_body (msg, "missing field `is_last_batch`");
      return;
    }
  records = json_node_get_array (records_node);
  n_records = json_array_get_length (records);
  for (guint i = 0; i < n_records; i++)
    {
      JsonNode *node = json_array_get_element (records, i);
      JsonObject *record = NULL;

      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonNode *inner = json_object_get_member (json_node_get_object (node), "record");

          record = inner && JSON_NODE_HOLDS_OBJECT (inner) ? json_node_get_object (inner) : NULL;
        }
      if (!record || !get_string (record, "tableName") || !get_string (record, "recordId")
          || !get_string (record, "action"))
        {
          respond_bad_body (msg, "each record needs record.tableName, recordId and action");
          return;
        }
    }

  site = check_request (ctx, msg, request, TRUE);
  if (!site)
    return;

  if (!_oms_central_db_exec (ctx, "BEGIN IMMEDIATE", &error))
    {
      respond_error_tagged (msg, "otherServerError", error->message);
      return;
    }
  stmt = _oms_central_db_prepare (ctx,
                                  "INSERT INTO received (site_id, api, sync_out_id, table_name, "
                                  "record_id, action, data) VALUES (?, 'v6', ?, ?, ?, ?, ?)",
                                  &error);
  for (guint i = 0; stmt && i < n_records; i++)
    {
      JsonObject *outer = json_node_get_object (json_array_get_element (records, i));
      JsonObject *record = json_object_get_object_member (outer, "record");
      JsonNode *data = json_object_get_member (record, "recordData");
      JsonNode *cursor = json_object_get_member (outer, "cursor");
      g_autofree char *data_text = NULL;
      g_autofree char *cursor_text = NULL;

      if (data && JSON_NODE_HOLDS_OBJECT (data))
        data_text = json_to_string (data, FALSE);
      if (cursor && JSON_NODE_HOLDS_VALUE (cursor)
          && json_node_get_value_type (cursor) == G_TYPE_INT64)
        cursor_text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (cursor));

      sqlite3_reset (stmt);
      sqlite3_bind_int (stmt, 1, site->id);
      sqlite3_bind_text (stmt, 2, cursor_text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, get_string (record, "tableName"), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, get_string (record, "recordId"), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, get_string (record, "action"), -1, SQLITE_TRANSIENT);
      if (data_text)
        sqlite3_bind_text (stmt, 6, data_text, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, 6);
      if (!_oms_central_db_step_done (ctx, stmt, &error))
        break;
    }
  if (error || !_oms_central_db_exec (ctx, "COMMIT", &error))
    {
      _oms_central_db_exec (ctx, "ROLLBACK", NULL);
      respond_error_tagged (msg, "otherServerError", error->message);
      return;
    }

  if (json_node_get_boolean (last_node))
    {
      guint delay = ctx->integration_delay_ms;

      if (fault && fault->integrate_seconds >= 0)
        delay = (guint)fault->integrate_seconds * 1000;
      _oms_central_schedule_integration (ctx, site->id, TRUE, delay);
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "records_pushed");
  json_builder_add_int_value (builder, n_records);
  json_builder_end_object (builder);
  answer = json_builder_get_root (builder);
  respond_data (msg, answer);
}

static void
handle_site_status (OmsCentralContext *ctx,
                    SoupServerMessage *msg,
                    JsonObject        *request)
{
  g_autoptr(OmsCentralSite) site = check_request (ctx, msg, request, FALSE);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) answer = NULL;

  if (!site)
    return;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "is_integrating");
  json_builder_add_boolean_value (builder,
                                  _oms_central_site_state (ctx, site->id)->v6_integrating);
  json_builder_end_object (builder);
  answer = json_builder_get_root (builder);
  respond_data (msg, answer);
}

void
_oms_central_v6_handle (OmsCentralContext     *ctx,
                        SoupServerMessage     *msg,
                        const char            *path,
                        const OmsCentralFault *fault)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *name = path + strlen ("/central/sync/");
  gboolean known = g_str_equal (name, "pull") || g_str_equal (name, "patient-pull")
                   || g_str_equal (name, "push") || g_str_equal (name, "site_status");

  if (!known)
    {
      _oms_central_respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not found");
      return;
    }
  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_POST))
    {
      _oms_central_respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed");
      return;
    }

  root = _oms_central_parse_body (msg, &error);
  if (!root)
    {
      respond_bad_body (msg, error->message);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      respond_bad_body (msg, "expected a JSON object");
      return;
    }

  if (g_str_equal (name, "pull"))
    handle_pull (ctx, msg, json_node_get_object (root), FALSE);
  else if (g_str_equal (name, "patient-pull"))
    handle_pull (ctx, msg, json_node_get_object (root), TRUE);
  else if (g_str_equal (name, "push"))
    handle_push (ctx, msg, json_node_get_object (root), fault);
  else
    handle_site_status (ctx, msg, json_node_get_object (root));
}

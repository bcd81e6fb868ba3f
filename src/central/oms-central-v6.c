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
 * actix's JSON extractor does, with 400 and a text body. download_file is the exception: the
 * file's bytes, or a bare error with a 500.
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

/* download_file's errors are not in the envelope: actix's ResponseError answers 500 with the
 * SyncParsedErrorV6 pretty-printed as text (ToResponseError in central/sync.rs).
 */
static void
respond_bare_error (SoupServerMessage *msg,
                    JsonNode          *error)
{
  char *text = json_to_string (error, TRUE);

  soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_TAKE, text,
                                    strlen (text));
}

/* How a route answers with a SyncParsedErrorV6: respond_error_node or respond_bare_error. */
typedef void (*RespondError) (SoupServerMessage *msg,
                              JsonNode          *error);

static JsonNode *
error_tagged (const char *variant,
              const char *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, variant);
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static JsonNode *
error_unit (const char *variant)
{
  JsonNode *error = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (error, variant);
  return error;
}

static JsonNode *
error_version_mismatch (gint64 version)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "syncVersionMismatch");
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, OMS_CENTRAL_V6_MIN_VERSION);
  json_builder_add_int_value (builder, OMS_CENTRAL_V6_MAX_VERSION);
  json_builder_add_int_value (builder, version);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
respond_error_tagged (SoupServerMessage *msg,
                      const char        *variant,
                      const char        *text)
{
  g_autoptr(JsonNode) error = error_tagged (variant, text);

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

/* Version, credentials and the integration lock, in the real server's order. The settings
 * and version are under @settings_key and @version_key (upload_file's are snake_case); errors
 * are answered with @respond_error. On failure the answer has been sent.
 */
static OmsCentralSite *
check_request_full (OmsCentralContext *ctx,
                    SoupServerMessage *msg,
                    JsonObject        *request,
                    const char        *settings_key,
                    const char        *version_key,
                    gboolean           check_integrating,
                    RespondError       respond_error)
{
  JsonNode *settings_node = json_object_get_member (request, settings_key);
  JsonObject *settings;
  const char *code = NULL;
  const char *message = NULL;
  g_autofree char *text = NULL;
  g_autofree char *detail = NULL;
  g_autoptr(JsonNode) error = NULL;
  OmsCentralSite *site;
  gint64 version = 0;

  if (!settings_node || !JSON_NODE_HOLDS_OBJECT (settings_node))
    {
      detail = g_strdup_printf ("missing field `%s`", settings_key);
      respond_bad_body (msg, detail);
      return NULL;
    }
  settings = json_node_get_object (settings_node);
  if (!get_string (settings, "username") || !get_string (settings, "passwordSha256")
      || !get_string (settings, "siteUuid"))
    {
      detail = g_strdup_printf ("%s needs username, passwordSha256 and siteUuid", settings_key);
      respond_bad_body (msg, detail);
      return NULL;
    }
  if (!get_uint (request, version_key, FALSE, 0, &version))
    {
      detail = g_strdup_printf ("invalid type for `%s`", version_key);
      respond_bad_body (msg, detail);
      return NULL;
    }
  if (version < OMS_CENTRAL_V6_MIN_VERSION || version > OMS_CENTRAL_V6_MAX_VERSION)
    {
      error = error_version_mismatch (version);
      respond_error (msg, error);
      return NULL;
    }

  site = _oms_central_authenticate (ctx, get_string (settings, "username"),
                                    get_string (settings, "passwordSha256"),
                                    get_string (settings, "siteUuid"), &code, &message);
  if (!site)
    {
      /* The shape of format_error() over the legacy server's answer. */
      text = g_strdup_printf ("Legacy server error -> [\n    \"%s: %s\",\n]", code, message);
      error = error_tagged ("otherServerError", text);
      respond_error (msg, error);
      return NULL;
    }

  if (check_integrating && _oms_central_site_state (ctx, site->id)->v6_integrating)
    {
      _oms_central_site_free (site);
      error = error_unit ("integrationInProgress");
      respond_error (msg, error);
      return NULL;
    }
  return site;
}

static OmsCentralSite *
check_request (OmsCentralContext *ctx,
               SoupServerMessage *msg,
               JsonObject        *request,
               gboolean           check_integrating)
{
  return check_request_full (ctx, msg, request, "syncV5Settings", "syncV6Version",
                             check_integrating, respond_error_node);
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

/* The reference a file belongs to, as pushed by a site and integrated: NULL when the central
 * does not hold it (yet).
 */
static JsonObject *
find_file_reference (OmsCentralContext  *ctx,
                     const char         *file_id,
                     char              **data_text)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *data;

  *data_text = NULL;
  stmt = _oms_central_db_prepare (ctx,
                                  "SELECT data FROM changelog_v6 "
                                  "WHERE table_name = 'sync_file_reference' AND record_id = ? "
                                  "AND action != 'Delete' ORDER BY cursor DESC LIMIT 1",
                                  NULL);
  if (!stmt)
    return NULL;
  sqlite3_bind_text (stmt, 1, file_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW || !(data = (const char *)sqlite3_column_text (stmt, 0)))
    return NULL;
  node = json_from_string (data, NULL);
  if (!node || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  *data_text = g_strdup (data);
  return json_object_ref (json_node_get_object (node));
}

/* One part of a multipart form: its body, and its file name if it has one. */
static GBytes *
form_part (SoupMultipart  *multipart,
           const char     *name,
           char          **filename)
{
  int length = soup_multipart_get_length (multipart);

  if (filename)
    *filename = NULL;
  for (int i = 0; i < length; i++)
    {
      SoupMessageHeaders *headers = NULL;
      GBytes *body = NULL;
      g_autofree char *disposition = NULL;
      g_autoptr(GHashTable) params = NULL;

      if (!soup_multipart_get_part (multipart, i, &headers, &body)
          || !soup_message_headers_get_content_disposition (headers, &disposition, &params)
          || g_ascii_strcasecmp (disposition, "form-data") != 0
          || g_strcmp0 (g_hash_table_lookup (params, "name"), name) != 0)
        continue;
      if (filename)
        *filename = g_strdup (g_hash_table_lookup (params, "filename"));
      return g_bytes_ref (body);
    }
  return NULL;
}

/* PUT upload_file (sync_on_central::upload_file): multipart `json_part` + `file_part`. The file
 * is kept under the reference's table and record, and the reference is written again, as Open
 * mSupply's upsert_one() does, so every site learns of it.
 */
static void
handle_upload_file (OmsCentralContext *ctx,
                    SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(GBytes) json_bytes = NULL;
  g_autoptr(GBytes) file_bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) reference = NULL;
  g_autoptr(OmsCentralSite) site = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *filename = NULL;
  g_autofree char *reference_data = NULL;
  g_autoptr(JsonNode) data = NULL;
  SoupMultipart *multipart;
  JsonObject *request;
  const char *file_id;
  const char *table_name;
  const char *record_id;

  multipart = soup_multipart_new_from_message (soup_server_message_get_request_headers (msg),
                                               body);
  if (!multipart)
    {
      _oms_central_respond_text (msg, SOUP_STATUS_BAD_REQUEST,
                                 "Multipart error: the body is not multipart/form-data");
      return;
    }
  json_bytes = form_part (multipart, "json_part", NULL);
  file_bytes = form_part (multipart, "file_part", &filename);
  soup_multipart_free (multipart);
  if (!json_bytes || !file_bytes)
    {
      _oms_central_respond_text (msg, SOUP_STATUS_BAD_REQUEST,
                                 json_bytes ? "Multipart error: field `file_part` is required"
                                            : "Multipart error: field `json_part` is required");
      return;
    }

  root = _oms_central_parse_json (g_bytes_get_data (json_bytes, NULL),
                                  g_bytes_get_size (json_bytes), &error);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    {
      respond_bad_body (msg, error ? error->message : "json_part must be an object");
      return;
    }
  request = json_node_get_object (root);
  file_id = get_string (request, "file_id");
  if (!file_id)
    {
      respond_bad_body (msg, "missing field `file_id`");
      return;
    }

  site = check_request_full (ctx, msg, request, "sync_v5_settings", "sync_v6_version", FALSE,
                             respond_error_node);
  if (!site)
    return;

  reference = find_file_reference (ctx, file_id, &reference_data);
  if (!reference)
    {
      respond_error_tagged (msg, "syncFileNotFound", file_id);
      return;
    }
  table_name = get_string (reference, "table_name");
  record_id = get_string (reference, "record_id");
  if (!table_name || !record_id)
    {
      respond_error_tagged (msg, "otherServerError", "The file reference names no record");
      return;
    }
  if (!filename)
    {
      respond_error_tagged (msg, "otherServerError", "Filename not provided");
      return;
    }

  if (!_oms_central_files_store (ctx, table_name, record_id, file_id, filename, file_bytes,
                                 &error)
      || _oms_central_db_add_v6_record (ctx, "sync_file_reference", file_id, "Update", NULL, 0,
                                        reference_data, &error) < 0)
    {
      respond_error_tagged (msg, "otherServerError", error->message);
      return;
    }

  g_debug ("Site %d uploaded %s/%s/%s (%s, %" G_GSIZE_FORMAT " bytes)", site->id, table_name,
           record_id, file_id, filename, g_bytes_get_size (file_bytes));
  data = json_node_new (JSON_NODE_NULL);
  respond_data (msg, data);
}

/* POST download_file (sync_on_central::download_file): the stored bytes, named in the
 * Content-Disposition; any error as a bare SyncParsedErrorV6 with a 500.
 */
static void
handle_download_file (OmsCentralContext *ctx,
                      SoupServerMessage *msg,
                      JsonObject        *request)
{
  const char *table_name = get_string (request, "tableName");
  const char *record_id = get_string (request, "recordId");
  const char *id = get_string (request, "id");
  g_autoptr(OmsCentralSite) site = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) failure = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *mime_type = NULL;
  SoupMessageHeaders *headers;

  if (!table_name || !record_id || !id)
    {
      respond_bad_body (msg, "download_file needs tableName, recordId and id");
      return;
    }

  site = check_request_full (ctx, msg, request, "syncV5Settings", "syncV6Version", FALSE,
                             respond_bare_error);
  if (!site)
    return;

  path = _oms_central_files_find (ctx, table_name, record_id, id, &name);
  if (!path)
    {
      failure = error_tagged ("otherServerError", "File not found");
      respond_bare_error (msg, failure);
      return;
    }
  /* Mapped, not read: the answer is sent from the file's pages. */
  mapped = g_mapped_file_new (path, FALSE, &error);
  if (!mapped)
    {
      failure = error_tagged ("otherServerError", error->message);
      respond_bare_error (msg, failure);
      return;
    }
  bytes = g_mapped_file_get_bytes (mapped);

  content_type = g_content_type_guess (name, NULL, 0, NULL);
  mime_type = g_content_type_get_mime_type (content_type);
  headers = soup_server_message_get_response_headers (msg);
  params = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (params, (gpointer)"filename", name);
  soup_message_headers_set_content_disposition (headers, "inline", params);
  soup_message_headers_replace (headers, "Content-Type",
                                mime_type ? mime_type : "application/octet-stream");
  soup_message_headers_set_content_length (headers, (goffset)g_bytes_get_size (bytes));
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
  soup_message_body_complete (soup_server_message_get_response_body (msg));
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
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
  gboolean upload = g_str_equal (name, "upload_file");
  gboolean known = g_str_equal (name, "pull") || g_str_equal (name, "patient-pull")
                   || g_str_equal (name, "push") || g_str_equal (name, "site_status")
                   || g_str_equal (name, "download_file") || upload;

  if (!known)
    {
      _oms_central_respond_text (msg, SOUP_STATUS_NOT_FOUND, "Not found");
      return;
    }
  if (!g_str_equal (soup_server_message_get_method (msg),
                    upload ? SOUP_METHOD_PUT : SOUP_METHOD_POST))
    {
      _oms_central_respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed");
      return;
    }
  if (upload)
    {
      handle_upload_file (ctx, msg);
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
  else if (g_str_equal (name, "download_file"))
    handle_download_file (ctx, msg, json_node_get_object (root));
  else
    handle_site_status (ctx, msg, json_node_get_object (root));
}

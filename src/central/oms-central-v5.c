/* oms-central-v5.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-central-v5"

#include "config.h"

#include <string.h>

#include "oms-central-private.h"

/* The legacy mSupply central API (PROTOCOL.md §2). */

typedef enum
{
  V5_SITE,
  V5_SITE_STATUS,
  V5_INITIALISE,
  V5_CENTRAL_RECORDS,
  V5_QUEUED_RECORDS,
  V5_ACKNOWLEDGED_RECORDS,
  V5_UNKNOWN,
} V5Route;

static V5Route
lookup_route (const char *path)
{
  static const struct { const char *path; V5Route route; } routes[] = {
    { "/sync/v5/site", V5_SITE },
    { "/sync/v5/site_status", V5_SITE_STATUS },
    { "/sync/v5/initialise", V5_INITIALISE },
    { "/sync/v5/central_records", V5_CENTRAL_RECORDS },
    { "/sync/v5/queued_records", V5_QUEUED_RECORDS },
    { "/sync/v5/acknowledged_records", V5_ACKNOWLEDGED_RECORDS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    if (g_str_equal (path, routes[i].path))
      return routes[i].route;
  return V5_UNKNOWN;
}

gboolean
_oms_central_v5_is_route (const char *path)
{
  return lookup_route (path) != V5_UNKNOWN;
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *code,
               const char        *message,
               JsonNode          *data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "data");
  if (data)
    json_builder_add_value (builder, json_node_ref (data));
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  _oms_central_respond_json (msg, status, root);
}

static gboolean
parse_basic_auth (SoupServerMessage  *msg,
                  char              **name,
                  char              **hash)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value = soup_message_headers_get_one (headers, "Authorization");
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;
  char *colon;

  if (!value || g_ascii_strncasecmp (value, "Basic ", 6) != 0)
    return FALSE;
  decoded = g_base64_decode (value + 6, &length);
  text = g_strndup ((const char *)decoded, length);
  colon = strchr (text, ':');
  if (!colon)
    return FALSE;
  *colon = '\0';
  *name = g_strdup (text);
  *hash = g_strdup (colon + 1);
  return TRUE;
}

char *
_oms_central_v5_auth_name (SoupServerMessage *msg)
{
  g_autofree char *hash = NULL;
  char *name = NULL;

  if (!parse_basic_auth (msg, &name, &hash))
    return NULL;
  return name;
}

static gboolean
check_version (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *value = soup_message_headers_get_one (headers, "version");
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) data = NULL;
  guint64 version = 0;

  if (value && g_ascii_string_to_unsigned (value, 10, OMS_CENTRAL_V5_MIN_VERSION,
                                           OMS_CENTRAL_V5_MAX_VERSION, &version, NULL))
    return TRUE;

  /* The data names the server's own API version, which the client must match. */
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "major");
  json_builder_add_int_value (builder, OMS_CENTRAL_V5_MAX_VERSION);
  json_builder_set_member_name (builder, "minor");
  json_builder_add_int_value (builder, 0);
  json_builder_end_object (builder);
  data = json_builder_get_root (builder);
  respond_error (msg, SOUP_STATUS_CONFLICT, "api_version_incompatible",
                 "Api version is not compatible", data);
  return FALSE;
}

/* Checks a site's credentials as the legacy central does; shared with the v6 API, whose
 * server asks the legacy one. On failure @code and @message describe why.
 */
static OmsCentralSite *
authenticate (OmsCentralContext  *ctx,
              const char         *name,
              const char         *hash,
              const char         *hardware_id,
              const char        **code,
              const char        **message)
{
  g_autoptr(OmsCentralSite) site = NULL;
  g_autofree char *lower_hash = NULL;

  site = name ? _oms_central_db_find_site (ctx, name) : NULL;
  if (!site)
    {
      *code = "site_name_not_found";
      *message = "Site name not found";
      return NULL;
    }
  lower_hash = g_ascii_strdown (hash ? hash : "", -1);
  if (!g_str_equal (lower_hash, site->password_sha256))
    {
      *code = "site_incorrect_password";
      *message = "Site password is incorrect";
      return NULL;
    }
  if (site->hardware_id && *site->hardware_id
      && g_strcmp0 (site->hardware_id, hardware_id) != 0)
    {
      *code = "site_incorrect_hardware_id";
      *message = "Site hardware ID does not match";
      return NULL;
    }
  if (_oms_central_db_query_int (ctx, "SELECT count(*) FROM store WHERE site_id = ?",
                                 site->id) == 0)
    {
      *code = "site_has_no_store";
      *message = "Site has no store";
      return NULL;
    }
  if ((!site->hardware_id || !*site->hardware_id) && hardware_id && *hardware_id)
    {
      g_autoptr(GError) error = NULL;

      /* The first hardware id seen binds the site to that machine. */
      if (!_oms_central_db_bind_hardware_id (ctx, site->id, hardware_id, &error))
        g_debug ("Cannot bind hardware id: %s", error->message);
      g_free (site->hardware_id);
      site->hardware_id = g_strdup (hardware_id);
    }
  return g_steal_pointer (&site);
}

OmsCentralSite *
_oms_central_authenticate (OmsCentralContext  *ctx,
                           const char         *name,
                           const char         *hash,
                           const char         *hardware_id,
                           const char        **code,
                           const char        **message)
{
  return authenticate (ctx, name, hash, hardware_id, code, message);
}

static OmsCentralSite *
authenticate_request (OmsCentralContext *ctx,
                      SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autofree char *name = NULL;
  g_autofree char *hash = NULL;
  const char *code = NULL;
  const char *message = NULL;
  OmsCentralSite *site;

  if (!parse_basic_auth (msg, &name, &hash))
    {
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "site_name_not_found",
                     "No site credentials in the request", NULL);
      return NULL;
    }
  site = authenticate (ctx, name, hash,
                       soup_message_headers_get_one (headers, "msupply-site-uuid"),
                       &code, &message);
  if (!site)
    respond_error (msg, SOUP_STATUS_UNAUTHORIZED, code, message, NULL);
  return site;
}

static gboolean
query_number (SoupServerMessage *msg,
              GHashTable        *query,
              const char        *key,
              guint64            fallback,
              guint64           *out)
{
  const char *value = query ? g_hash_table_lookup (query, key) : NULL;
  g_autofree char *message = NULL;

  if (!value)
    {
      *out = fallback;
      return TRUE;
    }
  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, out, NULL))
    return TRUE;
  message = g_strdup_printf ("Parameter %s must be a non-negative integer", key);
  respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_parameter", message, NULL);
  return FALSE;
}

/* One record of central_records or queued_records from columns 1 to 4 of @stmt (table name,
 * record id, action, data), after the members the caller wrote. The stored data is valid
 * JSON (oms-central-db.c), so it goes in as it is instead of through a parser and back.
 */
static void
append_record (GString      *out,
               sqlite3_stmt *stmt)
{
  const char *data = (const char *)sqlite3_column_text (stmt, 4);

  g_string_append (out, ",\"tableName\":");
  _oms_central_json_append_string (out, (const char *)sqlite3_column_text (stmt, 1));
  g_string_append (out, ",\"recordId\":");
  _oms_central_json_append_string (out, (const char *)sqlite3_column_text (stmt, 2));
  g_string_append (out, ",\"action\":");
  _oms_central_json_append_string (out, (const char *)sqlite3_column_text (stmt, 3));
  /* Deletes carry no recordData (F2). */
  if (data)
    {
      g_string_append (out, ",\"recordData\":");
      g_string_append_len (out, data, sqlite3_column_bytes (stmt, 4));
    }
  g_string_append_c (out, '}');
}

static void
handle_site (OmsCentralContext *ctx,
             SoupServerMessage *msg,
             OmsCentralSite    *site)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *v6_url = g_strconcat (ctx->base_url ? ctx->base_url : "", "/", NULL);
  g_autofree char *code = g_ascii_strup (site->name, -1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, site->uuid);
  json_builder_set_member_name (builder, "siteId");
  json_builder_add_int_value (builder, site->id);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, site->name);
  json_builder_set_member_name (builder, "initialisationStatus");
  json_builder_add_string_value (builder, site->initialisation_status);
  json_builder_set_member_name (builder, "isOmSupplyCentralServer");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "omSupplyCentralServerUrl");
  json_builder_add_string_value (builder, v6_url);
  json_builder_set_member_name (builder, "mSupplyCentralSiteId");
  json_builder_add_int_value (builder, OMS_CENTRAL_LEGACY_SITE_ID);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  _oms_central_respond_json (msg, SOUP_STATUS_OK, root);
}

static void
handle_site_status (OmsCentralContext *ctx,
                    SoupServerMessage *msg,
                    OmsCentralSite    *site)
{
  OmsCentralSiteState *state = _oms_central_site_state (ctx, site->id);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char *code = "idle";
  const char *message = "idle";

  if (state->v5_integrating)
    {
      code = "integration_in_progress";
      message = "Integration in progress";
    }
  else if (g_str_equal (site->initialisation_status, "started"))
    {
      code = "initialisation_in_progress";
      message = "Initialisation in progress";
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "data");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  _oms_central_respond_json (msg, SOUP_STATUS_OK, root);
}

static void
respond_internal_error (SoupServerMessage *msg,
                        const GError      *error)
{
  g_debug ("Internal error: %s", error->message);
  respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal_error", error->message, NULL);
}

/* Fills the site's queue with all remote data of its stores, from scratch. */
static void
handle_initialise (OmsCentralContext *ctx,
                   SoupServerMessage *msg,
                   OmsCentralSite    *site)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) clear = NULL;
  g_autoptr(sqlite3_stmt) fill = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gint64 queue_length;

  if (!_oms_central_db_set_init_status (ctx, site->id, "started", &error)
      || !_oms_central_db_exec (ctx, "BEGIN IMMEDIATE", &error))
    {
      respond_internal_error (msg, error);
      return;
    }
  clear = _oms_central_db_prepare (ctx, "DELETE FROM sync_queue WHERE site_id = ?", &error);
  fill = clear ? _oms_central_db_prepare (ctx,
                                          "INSERT INTO sync_queue (site_id, table_name, record_id, "
                                          "action, data) SELECT ?1, table_name, record_id, "
                                          "'insert', data FROM remote_record WHERE store_id IN "
                                          "(SELECT id FROM store WHERE site_id = ?1) "
                                          "ORDER BY rowid",
                                          &error) : NULL;
  if (fill)
    {
      sqlite3_bind_int (clear, 1, site->id);
      sqlite3_bind_int (fill, 1, site->id);
    }
  if (!fill
      || !_oms_central_db_step_done (ctx, clear, &error)
      || !_oms_central_db_step_done (ctx, fill, &error)
      || !_oms_central_db_exec (ctx, "COMMIT", &error))
    {
      _oms_central_db_exec (ctx, "ROLLBACK", NULL);
      _oms_central_db_set_init_status (ctx, site->id, "error", NULL);
      respond_internal_error (msg, error);
      return;
    }
  _oms_central_db_set_init_status (ctx, site->id, "completed", NULL);

  queue_length = _oms_central_db_query_int (ctx, "SELECT count(*) FROM sync_queue WHERE site_id = ?",
                                            site->id);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "queueLength");
  json_builder_add_int_value (builder, queue_length);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  _oms_central_respond_json (msg, SOUP_STATUS_OK, root);
}

static void
handle_central_records (OmsCentralContext *ctx,
                        SoupServerMessage *msg,
                        GHashTable        *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GString *out;
  guint64 cursor = 0;
  guint64 limit = 0;
  int rc;

  if (!query_number (msg, query, "cursor", 0, &cursor)
      || !query_number (msg, query, "limit", 500, &limit))
    return;

  stmt = _oms_central_db_prepare (ctx,
                                  "SELECT id, table_name, record_id, action, data FROM central_record "
                                  "WHERE id > ? ORDER BY id LIMIT ?",
                                  &error);
  if (!stmt)
    {
      respond_internal_error (msg, error);
      return;
    }
  sqlite3_bind_int64 (stmt, 1, (gint64)cursor);
  sqlite3_bind_int64 (stmt, 2, (gint64)limit);

  /* {"maxCursor": n, "data": [{"ID", "tableName", "recordId", "action", "recordData"?}]} */
  out = g_string_sized_new (MIN (limit, 2048) * 512);
  g_string_append_printf (out, "{\"maxCursor\":%" G_GINT64_FORMAT ",\"data\":[",
                          _oms_central_db_query_int (ctx,
                                                     "SELECT coalesce(max(id), 0) "
                                                     "FROM central_record", 0));
  for (guint n = 0; (rc = sqlite3_step (stmt)) == SQLITE_ROW; n++)
    {
      g_string_append (out, n ? ",{\"ID\":" : "{\"ID\":");
      _oms_central_json_append_int (out, sqlite3_column_int64 (stmt, 0));
      append_record (out, stmt);
    }
  if (rc != SQLITE_DONE)
    {
      g_string_free (out, TRUE);
      _oms_central_db_set_error (ctx, &error);
      respond_internal_error (msg, error);
      return;
    }
  g_string_append (out, "]}");
  _oms_central_respond_json_text (msg, SOUP_STATUS_OK, out);
}

/* The length of the site's queue; counted once, then kept up to date by
 * handle_acknowledged_records() while nothing else changes the database.
 */
static gint64
queue_length (OmsCentralContext *ctx,
              int                site_id)
{
  OmsCentralDbStamp stamp;

  _oms_central_db_stamp (ctx, &stamp);
  if (ctx->v5_queue.site_id != site_id
      || !_oms_central_db_stamp_equal (&stamp, &ctx->v5_queue.stamp))
    {
      ctx->v5_queue.site_id = site_id;
      ctx->v5_queue.length = _oms_central_db_query_int (ctx,
                                                        "SELECT count(*) FROM sync_queue "
                                                        "WHERE site_id = ?", site_id);
      ctx->v5_queue.stamp = stamp;
    }
  return ctx->v5_queue.length;
}

static void
handle_get_queued_records (OmsCentralContext *ctx,
                           SoupServerMessage *msg,
                           GHashTable        *query,
                           OmsCentralSite    *site)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GString *out;
  guint64 limit = 0;
  int rc;

  if (!query_number (msg, query, "limit", 500, &limit))
    return;

  stmt = _oms_central_db_prepare (ctx,
                                  "SELECT id, table_name, record_id, action, data FROM sync_queue "
                                  "WHERE site_id = ? ORDER BY id LIMIT ?",
                                  &error);
  if (!stmt)
    {
      respond_internal_error (msg, error);
      return;
    }
  sqlite3_bind_int (stmt, 1, site->id);
  sqlite3_bind_int64 (stmt, 2, (gint64)limit);

  /* {"queueLength": n, "data": [{"syncOutId", "tableName", "recordId", "action",
   * "recordData"?}]}, the id a string.
   */
  out = g_string_sized_new (MIN (limit, 2048) * 512);
  g_string_append_printf (out, "{\"queueLength\":%" G_GINT64_FORMAT ",\"data\":[",
                          queue_length (ctx, site->id));
  for (guint n = 0; (rc = sqlite3_step (stmt)) == SQLITE_ROW; n++)
    {
      g_string_append (out, n ? ",{\"syncOutId\":\"" : "{\"syncOutId\":\"");
      _oms_central_json_append_int (out, sqlite3_column_int64 (stmt, 0));
      g_string_append_c (out, '"');
      append_record (out, stmt);
    }
  if (rc != SQLITE_DONE)
    {
      g_string_free (out, TRUE);
      _oms_central_db_set_error (ctx, &error);
      respond_internal_error (msg, error);
      return;
    }
  g_string_append (out, "]}");
  _oms_central_respond_json_text (msg, SOUP_STATUS_OK, out);
}

static void
handle_acknowledged_records (OmsCentralContext *ctx,
                             SoupServerMessage *msg,
                             OmsCentralSite    *site)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = _oms_central_parse_body (msg, &error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  JsonArray *ids;
  OmsCentralDbStamp stamp;
  gboolean counted;
  gint64 n_deleted = 0;

  if (!root)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_body", error->message, NULL);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root)
      || !json_object_has_member (json_node_get_object (root), "syncIDs")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "syncIDs")))
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_body",
                     "Expected {\"syncIDs\": [...]}", NULL);
      return;
    }
  ids = json_object_get_array_member (json_node_get_object (root), "syncIDs");

  if (!_oms_central_db_exec (ctx, "BEGIN IMMEDIATE", &error))
    {
      respond_internal_error (msg, error);
      return;
    }
  /* Checked and stamped inside the transaction, where no other connection can commit. */
  _oms_central_db_stamp (ctx, &stamp);
  counted = ctx->v5_queue.site_id == site->id
            && _oms_central_db_stamp_equal (&stamp, &ctx->v5_queue.stamp);
  stmt = _oms_central_db_prepare (ctx, "DELETE FROM sync_queue WHERE site_id = ? AND id = ?",
                                  &error);
  if (!stmt)
    {
      _oms_central_db_exec (ctx, "ROLLBACK", NULL);
      respond_internal_error (msg, error);
      return;
    }
  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      JsonNode *node = json_array_get_element (ids, i);
      guint64 id = 0;

      /* Ids we never handed out cannot be in the queue; skip them like unknown ones. */
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
          || !g_ascii_string_to_unsigned (json_node_get_string (node), 10, 0, G_MAXINT64, &id,
                                          NULL))
        continue;
      sqlite3_reset (stmt);
      sqlite3_bind_int (stmt, 1, site->id);
      sqlite3_bind_int64 (stmt, 2, (gint64)id);
      if (!_oms_central_db_step_done (ctx, stmt, &error))
        {
          _oms_central_db_exec (ctx, "ROLLBACK", NULL);
          respond_internal_error (msg, error);
          return;
        }
      n_deleted += sqlite3_changes (ctx->db);
    }
  _oms_central_db_stamp (ctx, &stamp);
  if (!_oms_central_db_exec (ctx, "COMMIT", &error))
    {
      respond_internal_error (msg, error);
      return;
    }
  if (counted)
    {
      ctx->v5_queue.length -= n_deleted;
      ctx->v5_queue.stamp = stamp;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (!node || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
handle_post_queued_records (OmsCentralContext     *ctx,
                            SoupServerMessage     *msg,
                            OmsCentralSite        *site,
                            const OmsCentralFault *fault)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = _oms_central_parse_body (msg, &error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object;
  JsonNode *length_node;
  JsonArray *data = NULL;
  gint64 queue_length;
  gboolean start;

  if (_oms_central_site_state (ctx, site->id)->v5_integrating)
    {
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "sync_is_running",
                     "Sync is already running - try again later", NULL);
      return;
    }

  if (!root)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_body", error->message, NULL);
      return;
    }
  object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  length_node = object ? json_object_get_member (object, "queueLength") : NULL;
  if (!length_node || !JSON_NODE_HOLDS_VALUE (length_node)
      || json_node_get_value_type (length_node) != G_TYPE_INT64
      || json_node_get_int (length_node) < 0)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_body",
                     "Expected {\"queueLength\": n, \"data\": [...]}", NULL);
      return;
    }
  queue_length = json_node_get_int (length_node);
  if (json_object_has_member (object, "data"))
    {
      JsonNode *data_node = json_object_get_member (object, "data");

      if (!JSON_NODE_HOLDS_ARRAY (data_node))
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_body", "data must be an array",
                         NULL);
          return;
        }
      data = json_node_get_array (data_node);
    }

  if (!_oms_central_db_exec (ctx, "BEGIN IMMEDIATE", &error))
    {
      respond_internal_error (msg, error);
      return;
    }
  stmt = _oms_central_db_prepare (ctx,
                                  "INSERT INTO received (site_id, api, sync_out_id, table_name, "
                                  "record_id, action, data) VALUES (?, 'v5', ?, ?, ?, ?, ?)",
                                  &error);
  for (guint i = 0; stmt && data && i < json_array_get_length (data); i++)
    {
      JsonNode *node = json_array_get_element (data, i);
      JsonObject *record = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *record_data = record ? json_object_get_member (record, "recordData") : NULL;
      g_autofree char *data_text = NULL;

      if (!record || !member_string (record, "tableName") || !member_string (record, "recordId")
          || !member_string (record, "action"))
        {
          _oms_central_db_exec (ctx, "ROLLBACK", NULL);
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_body",
                         "Each record needs tableName, recordId and action", NULL);
          return;
        }
      if (record_data && JSON_NODE_HOLDS_OBJECT (record_data))
        data_text = json_to_string (record_data, FALSE);

      sqlite3_reset (stmt);
      sqlite3_bind_int (stmt, 1, site->id);
      sqlite3_bind_text (stmt, 2, member_string (record, "syncOutId"), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, member_string (record, "tableName"), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, member_string (record, "recordId"), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, member_string (record, "action"), -1, SQLITE_TRANSIENT);
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
      respond_internal_error (msg, error);
      return;
    }

  /* queueLength counts what remains including this batch, so 0 marks the final one. */
  start = queue_length == 0;
  if (start)
    {
      guint delay = ctx->integration_delay_ms;

      if (fault && fault->integrate_seconds >= 0)
        delay = (guint)fault->integrate_seconds * 1000;
      _oms_central_schedule_integration (ctx, site->id, FALSE, delay);
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "integrationStarted");
  json_builder_add_boolean_value (builder, start);
  json_builder_end_object (builder);
  answer = json_builder_get_root (builder);
  _oms_central_respond_json (msg, SOUP_STATUS_OK, answer);
}

void
_oms_central_v5_handle (OmsCentralContext     *ctx,
                        SoupServerMessage     *msg,
                        const char            *path,
                        GHashTable            *query,
                        const OmsCentralFault *fault)
{
  g_autoptr(OmsCentralSite) site = NULL;
  const char *method = soup_server_message_get_method (msg);
  gboolean is_get = g_str_equal (method, SOUP_METHOD_GET);
  gboolean is_post = g_str_equal (method, SOUP_METHOD_POST);
  V5Route route = lookup_route (path);

  switch (route)
    {
    case V5_SITE:
    case V5_SITE_STATUS:
    case V5_CENTRAL_RECORDS:
      if (!is_get)
        {
          _oms_central_respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed");
          return;
        }
      break;

    case V5_INITIALISE:
    case V5_ACKNOWLEDGED_RECORDS:
      if (!is_post)
        {
          _oms_central_respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed");
          return;
        }
      break;

    case V5_QUEUED_RECORDS:
      if (!is_get && !is_post)
        {
          _oms_central_respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Method not allowed");
          return;
        }
      break;

    case V5_UNKNOWN:
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such route", NULL);
      return;

    default:
      g_assert_not_reached ();
    }

  if (!check_version (msg))
    return;
  site = authenticate_request (ctx, msg);
  if (!site)
    return;

  switch (route)
    {
    case V5_SITE:
      handle_site (ctx, msg, site);
      break;

    case V5_SITE_STATUS:
      handle_site_status (ctx, msg, site);
      break;

    case V5_INITIALISE:
      if (_oms_central_site_state (ctx, site->id)->v5_integrating)
        respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "sync_is_running",
                       "Sync is already running - try again later", NULL);
      else
        handle_initialise (ctx, msg, site);
      break;

    case V5_CENTRAL_RECORDS:
      handle_central_records (ctx, msg, query);
      break;

    case V5_QUEUED_RECORDS:
      if (is_get)
        handle_get_queued_records (ctx, msg, query, site);
      else
        handle_post_queued_records (ctx, msg, site, fault);
      break;

    case V5_ACKNOWLEDGED_RECORDS:
      handle_acknowledged_records (ctx, msg, site);
      break;

    case V5_UNKNOWN:
    default:
      g_assert_not_reached ();
    }
}

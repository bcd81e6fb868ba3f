/* oms-central-v5.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-central-v5"

#include "config.h"

#include <string.h>

#include "oms-central-private.h"
#include "oms-v5-json.h"

/* The legacy mSupply central API (PROTOCOL.md §2): requests are read and answers written by
 * the protocol layer the client uses (oms-v5-auth.c, oms-v5-json.c).
 */

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
    { OMS_V5_ROUTE_SITE, V5_SITE },
    { OMS_V5_ROUTE_SITE_STATUS, V5_SITE_STATUS },
    { OMS_V5_ROUTE_INITIALISE, V5_INITIALISE },
    { OMS_V5_ROUTE_CENTRAL_RECORDS, V5_CENTRAL_RECORDS },
    { OMS_V5_ROUTE_QUEUED_RECORDS, V5_QUEUED_RECORDS },
    { OMS_V5_ROUTE_ACKNOWLEDGED_RECORDS, V5_ACKNOWLEDGED_RECORDS },
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

/* A v5 error body, {"error":{"code","message","data"}}; @data is JSON text or NULL. */
void
_oms_central_v5_respond_error (SoupServerMessage *msg,
                               guint              status,
                               const char        *code,
                               const char        *message,
                               const char        *data)
{
  g_autoptr(OmsV5Error) error_body = oms_v5_error_new (code, message, data);
  g_autoptr(GBytes) body = oms_v5_build_error_body (error_body);

  _oms_central_respond_json_bytes (msg, status, body);
}

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *code,
               const char        *message)
{
  _oms_central_v5_respond_error (msg, status, code, message, NULL);
}

char *
_oms_central_v5_auth_name (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autofree char *hash = NULL;
  char *name = NULL;

  if (!oms_v5_parse_basic_auth_value (soup_message_headers_get_one (headers, "Authorization"),
                                      &name, &hash))
    return NULL;
  return name;
}

static gboolean
check_version (SoupServerMessage        *msg,
               const OmsSyncApiSettings *caller)
{
  g_autofree char *data = NULL;
  guint64 version = 0;

  if (caller->sync_version
      && g_ascii_string_to_unsigned (caller->sync_version, 10, OMS_CENTRAL_V5_MIN_VERSION,
                                     OMS_CENTRAL_V5_MAX_VERSION, &version, NULL))
    return TRUE;

  /* The data names the server's own API version, which the client must match. */
  data = g_strdup_printf ("{\"major\":%d,\"minor\":0}", OMS_CENTRAL_V5_MAX_VERSION);
  _oms_central_v5_respond_error (msg, SOUP_STATUS_CONFLICT, "api_version_incompatible",
                                 "Api version is not compatible", data);
  return FALSE;
}

/* Checks a caller's credentials as the legacy central does: from the v5 headers, or from the
 * v6 body's syncV5Settings, whose server asks the legacy one. On failure @code and @message
 * describe why.
 */
OmsCentralSite *
_oms_central_authenticate (OmsCentralContext         *ctx,
                           const OmsSyncApiSettings  *caller,
                           const char               **code,
                           const char               **message)
{
  g_autoptr(OmsCentralSite) site = NULL;
  g_autofree char *lower_hash = NULL;
  const char *hardware_id = caller->site_uuid;

  site = caller->username ? _oms_central_db_find_site (ctx, caller->username) : NULL;
  if (!site)
    {
      *code = "site_name_not_found";
      *message = "Site name not found";
      return NULL;
    }
  lower_hash = g_ascii_strdown (caller->password_sha256 ? caller->password_sha256 : "", -1);
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

static OmsCentralSite *
authenticate_request (OmsCentralContext        *ctx,
                      SoupServerMessage        *msg,
                      const OmsSyncApiSettings *caller)
{
  const char *code = NULL;
  const char *message = NULL;
  OmsCentralSite *site;

  if (!caller->username)
    {
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "site_name_not_found",
                     "No site credentials in the request");
      return NULL;
    }
  site = _oms_central_authenticate (ctx, caller, &code, &message);
  if (!site)
    respond_error (msg, SOUP_STATUS_UNAUTHORIZED, code, message);
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
  respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_parameter", message);
  return FALSE;
}

static void
handle_site (OmsCentralContext *ctx,
             SoupServerMessage *msg,
             OmsCentralSite    *site)
{
  g_autoptr(OmsV5SiteInfo) info = g_new0 (OmsV5SiteInfo, 1);
  g_autoptr(GBytes) body = NULL;

  info->id = g_strdup (site->uuid);
  info->site_id = site->id;
  info->code = g_ascii_strup (site->name, -1);
  info->name = g_strdup (site->name);
  if (!oms_v5_initialisation_status_from_string (site->initialisation_status,
                                                 &info->initialisation_status))
    info->initialisation_status = OMS_V5_INITIALISATION_STATUS_ERROR;
  info->is_central_server = FALSE;
  if (ctx->public_url != NULL)
    info->central_server_url = g_strdup (ctx->public_url);
  else
    info->central_server_url = g_strconcat (ctx->base_url ? ctx->base_url : "", "/", NULL);
  info->msupply_central_site_id = OMS_CENTRAL_LEGACY_SITE_ID;

  body = oms_v5_build_site_info (info);
  _oms_central_respond_json_bytes (msg, SOUP_STATUS_OK, body);
}

static void
handle_site_status (OmsCentralContext *ctx,
                    SoupServerMessage *msg,
                    OmsCentralSite    *site)
{
  OmsCentralSiteState *state = _oms_central_site_state (ctx, site->id);
  g_autoptr(OmsV5SiteStatus) status = g_new0 (OmsV5SiteStatus, 1);
  g_autoptr(GBytes) body = NULL;

  if (state->v5_integrating)
    {
      status->code = OMS_V5_SITE_STATUS_INTEGRATION_IN_PROGRESS;
      status->message = g_strdup ("Integration in progress");
    }
  else if (g_str_equal (site->initialisation_status, "started"))
    {
      status->code = OMS_V5_SITE_STATUS_INITIALISATION_IN_PROGRESS;
      status->message = g_strdup ("Initialisation in progress");
    }
  else
    {
      status->code = OMS_V5_SITE_STATUS_IDLE;
      status->message = g_strdup ("idle");
    }

  body = oms_v5_build_site_status (status);
  _oms_central_respond_json_bytes (msg, SOUP_STATUS_OK, body);
}

static void
respond_internal_error (SoupServerMessage *msg,
                        const GError      *error)
{
  g_debug ("Internal error: %s", error->message);
  respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal_error", error->message);
}

/* Fills the site's queue with all remote data of its stores, from scratch. The request's
 * body ({}) carries nothing, and the legacy central does not read it.
 */
static void
handle_initialise (OmsCentralContext *ctx,
                   SoupServerMessage *msg,
                   OmsCentralSite    *site)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) clear = NULL;
  g_autoptr(sqlite3_stmt) fill = NULL;
  g_autoptr(GBytes) body = NULL;
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
  body = oms_v5_build_initialise_response (queue_length);
  _oms_central_respond_json_bytes (msg, SOUP_STATUS_OK, body);
}

/* A server that gives fewer records than asked (the max-records fault). */
static guint64
capped_limit (guint64                limit,
              const OmsCentralFault *fault)
{
  return fault && fault->max_records > 0 ? MIN (limit, fault->max_records) : limit;
}

/* central_records and queued_records write their answers as text, each record's stored data
 * copied as it is: it is valid JSON (oms-central-db.c), and parsing it and writing it again
 * cost ten times more (docs/PERFORMANCE.md).
 */
static void
handle_central_records (OmsCentralContext     *ctx,
                        SoupServerMessage     *msg,
                        GHashTable            *query,
                        const OmsCentralFault *fault)
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
  limit = capped_limit (limit, fault);

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

  out = g_string_sized_new (MIN (limit, 2048) * 512);
  oms_v5_begin_central_records (out,
                                _oms_central_db_query_int (ctx,
                                                           "SELECT coalesce(max(id), 0) "
                                                           "FROM central_record", 0));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *data = (const char *)sqlite3_column_text (stmt, 4);
      gsize data_length = (gsize)sqlite3_column_bytes (stmt, 4);

      /* Deletes carry no recordData (F2). */
      oms_v5_append_central_record (out, sqlite3_column_int64 (stmt, 0),
                                    (const char *)sqlite3_column_text (stmt, 1),
                                    (const char *)sqlite3_column_text (stmt, 2),
                                    (const char *)sqlite3_column_text (stmt, 3),
                                    data, data_length);
    }
  if (rc != SQLITE_DONE)
    {
      g_string_free (out, TRUE);
      _oms_central_db_set_error (ctx, &error);
      respond_internal_error (msg, error);
      return;
    }
  oms_v5_end_records (out);
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
handle_get_queued_records (OmsCentralContext     *ctx,
                           SoupServerMessage     *msg,
                           GHashTable            *query,
                           OmsCentralSite        *site,
                           const OmsCentralFault *fault)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GString *out;
  guint64 limit = 0;
  int rc;

  if (!query_number (msg, query, "limit", 500, &limit))
    return;
  limit = capped_limit (limit, fault);

  /* The queue row's id is the syncOutId, a string on the wire. */
  stmt = _oms_central_db_prepare (ctx,
                                  "SELECT CAST(id AS TEXT), table_name, record_id, action, data "
                                  "FROM sync_queue WHERE site_id = ? ORDER BY id LIMIT ?",
                                  &error);
  if (!stmt)
    {
      respond_internal_error (msg, error);
      return;
    }
  sqlite3_bind_int (stmt, 1, site->id);
  sqlite3_bind_int64 (stmt, 2, (gint64)limit);

  out = g_string_sized_new (MIN (limit, 2048) * 512);
  oms_v5_begin_queued_records (out, queue_length (ctx, site->id));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *data = (const char *)sqlite3_column_text (stmt, 4);
      gsize data_length = (gsize)sqlite3_column_bytes (stmt, 4);

      oms_v5_append_queued_record (out, (const char *)sqlite3_column_text (stmt, 0),
                                   (const char *)sqlite3_column_text (stmt, 1),
                                   (const char *)sqlite3_column_text (stmt, 2),
                                   (const char *)sqlite3_column_text (stmt, 3),
                                   data, data_length);
    }
  if (rc != SQLITE_DONE)
    {
      g_string_free (out, TRUE);
      _oms_central_db_set_error (ctx, &error);
      respond_internal_error (msg, error);
      return;
    }
  oms_v5_end_records (out);
  _oms_central_respond_json_text (msg, SOUP_STATUS_OK, out);
}

static void
handle_acknowledged_records (OmsCentralContext *ctx,
                             SoupServerMessage *msg,
                             OmsCentralSite    *site)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = _oms_central_request_body (msg);
  g_auto(GStrv) ids = oms_v5_parse_acknowledge_request (body, &error);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  OmsCentralDbStamp stamp;
  gboolean counted;
  gint64 n_deleted = 0;

  if (!ids)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_body", error->message);
      return;
    }

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
  for (guint i = 0; ids[i] != NULL; i++)
    {
      guint64 id = 0;

      /* Ids we never handed out cannot be in the queue; skip them like unknown ones. */
      if (!g_ascii_string_to_unsigned (ids[i], 10, 0, G_MAXINT64, &id, NULL))
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
  /* 200 with an empty body rather than 204: libsoup's server drops a 204's Content-Length, and
   * a libsoup client then closes the connection (oms-http.c); Open mSupply takes any 2xx.
   */
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
}

static void
handle_post_queued_records (OmsCentralContext     *ctx,
                            SoupServerMessage     *msg,
                            OmsCentralSite        *site,
                            const OmsCentralFault *fault)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(OmsV5RemoteBatch) batch = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GBytes) answer = NULL;
  gboolean start;

  if (_oms_central_site_state (ctx, site->id)->v5_integrating)
    {
      respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "sync_is_running",
                     "Sync is already running - try again later");
      return;
    }

  body = _oms_central_request_body (msg);
  batch = oms_v5_parse_push_request (body, &error);
  if (!batch)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_body", error->message);
      return;
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
  for (guint i = 0; stmt && i < batch->records->len; i++)
    {
      const OmsSyncRecord *record = g_ptr_array_index (batch->records, i);

      sqlite3_reset (stmt);
      sqlite3_bind_int (stmt, 1, site->id);
      sqlite3_bind_text (stmt, 2, record->sync_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, record->table_name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, record->record_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, oms_sync_action_to_string (record->action), -1, SQLITE_STATIC);
      _oms_central_bind_record_data (stmt, 6, record);
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
  start = batch->queue_length == 0;
  if (start)
    {
      guint delay = ctx->integration_delay_ms;

      if (fault && fault->integrate_seconds >= 0)
        delay = (guint)fault->integrate_seconds * 1000;
      _oms_central_schedule_integration (ctx, site->id, FALSE, delay);
    }

  answer = oms_v5_build_push_response (start);
  _oms_central_respond_json_bytes (msg, SOUP_STATUS_OK, answer);
}

void
_oms_central_v5_handle (OmsCentralContext     *ctx,
                        SoupServerMessage     *msg,
                        const char            *path,
                        GHashTable            *query,
                        const OmsCentralFault *fault)
{
  g_autoptr(OmsSyncApiSettings) caller = NULL;
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
      respond_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such route");
      return;

    default:
      g_assert_not_reached ();
    }

  caller = oms_v5_settings_from_headers (soup_server_message_get_request_headers (msg));
  if (!check_version (msg, caller))
    return;
  site = authenticate_request (ctx, msg, caller);
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
                       "Sync is already running - try again later");
      else
        handle_initialise (ctx, msg, site);
      break;

    case V5_CENTRAL_RECORDS:
      handle_central_records (ctx, msg, query, fault);
      break;

    case V5_QUEUED_RECORDS:
      if (is_get)
        handle_get_queued_records (ctx, msg, query, site, fault);
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

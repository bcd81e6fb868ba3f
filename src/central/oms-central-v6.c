/* oms-central-v6.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-central-v6"

#include "config.h"

#include <string.h>

#include "oms-central-private.h"
#include "oms-v6-json.h"

/* The Open mSupply central API (PROTOCOL.md §3): every answer is HTTP 200 with either
 * {"data": ...} or {"error": ...}; only a body that cannot be read is refused earlier, as
 * actix's JSON extractor does, with 400 and a text body. download_file is the exception: the
 * file's bytes, or a bare error with a 500. Requests are read and answers written by the
 * protocol layer the client uses (oms-v6-json.c).
 */

static void
respond_error (SoupServerMessage      *msg,
               const OmsV6ServerError *error)
{
  g_autoptr(GBytes) body = oms_v6_build_error_envelope (error);

  _oms_central_respond_json_bytes (msg, SOUP_STATUS_OK, body);
}

/* download_file's errors are not in the envelope: actix's ResponseError answers 500 with the
 * SyncParsedErrorV6 pretty-printed as text (ToResponseError in central/sync.rs).
 */
static void
respond_bare_error (SoupServerMessage      *msg,
                    const OmsV6ServerError *error)
{
  g_autoptr(GBytes) body = oms_v6_build_download_file_error (error);
  gsize length = 0;
  const char *text = g_bytes_get_data (body, &length);

  soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
  soup_server_message_set_response (msg, "text/plain; charset=utf-8", SOUP_MEMORY_COPY, text,
                                    length);
}

/* How a route answers with a SyncParsedErrorV6: respond_error or respond_bare_error. */
typedef void (*RespondError) (SoupServerMessage      *msg,
                              const OmsV6ServerError *error);

static void
respond_other_error (SoupServerMessage *msg,
                     RespondError       respond,
                     const char        *text)
{
  g_autoptr(OmsV6ServerError) error =
    oms_v6_server_error_new (OMS_PROTOCOL_ERROR_OTHER_SERVER_ERROR, text);

  respond (msg, error);
}

static void
respond_bad_body (SoupServerMessage *msg,
                  const char        *detail)
{
  g_autofree char *text = g_strdup_printf ("Json deserialize error: %s", detail);

  _oms_central_respond_text (msg, SOUP_STATUS_BAD_REQUEST, text);
}

/* Version, credentials and the integration lock, in the real server's order; errors are
 * answered with @respond. On failure the answer has been sent.
 */
static OmsCentralSite *
check_request (OmsCentralContext        *ctx,
               SoupServerMessage        *msg,
               const OmsSyncApiSettings *caller,
               guint32                   version,
               gboolean                  check_integrating,
               RespondError              respond)
{
  const char *code = NULL;
  const char *message = NULL;
  g_autofree char *text = NULL;
  OmsCentralSite *site;

  /* A version is unsigned and the range starts at 0, so only its top can be passed. */
  G_STATIC_ASSERT (OMS_CENTRAL_V6_MIN_VERSION == 0);
  if (version > OMS_CENTRAL_V6_MAX_VERSION)
    {
      g_autoptr(OmsV6ServerError) error =
        oms_v6_server_error_new_version_mismatch (OMS_CENTRAL_V6_MIN_VERSION,
                                                  OMS_CENTRAL_V6_MAX_VERSION, version);

      respond (msg, error);
      return NULL;
    }

  site = _oms_central_authenticate (ctx, caller, &code, &message);
  if (!site)
    {
      /* The shape of format_error() over the legacy server's answer. */
      text = g_strdup_printf ("Legacy server error -> [\n    \"%s: %s\",\n]", code, message);
      respond_other_error (msg, respond, text);
      return NULL;
    }

  if (check_integrating && _oms_central_site_state (ctx, site->id)->v6_integrating)
    {
      g_autoptr(OmsV6ServerError) error =
        oms_v6_server_error_new (OMS_PROTOCOL_ERROR_INTEGRATION_IN_PROGRESS, NULL);

      _oms_central_site_free (site);
      respond (msg, error);
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
handle_pull (OmsCentralContext     *ctx,
             SoupServerMessage     *msg,
             GBytes                *body,
             gboolean               patient,
             const OmsCentralFault *fault)
{
  g_autoptr(OmsV6PullRequest) request = NULL;
  g_autoptr(OmsCentralSite) site = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) rows = NULL;
  g_autoptr(sqlite3_stmt) count = NULL;
  g_autoptr(GString) records = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *rows_sql = NULL;
  g_autofree char *count_sql = NULL;
  gint64 total = 0;
  gint64 end_cursor = -1;
  gint64 n_served = 0;
  OmsCentralDbStamp stamp;
  int rc;

  request = patient ? oms_v6_parse_patient_pull_request (body, &error)
                    : oms_v6_parse_pull_request (body, &error);
  if (!request)
    {
      respond_bad_body (msg, error->message);
      return;
    }
  /* A server that gives fewer records than asked (the max-records fault). */
  if (fault && fault->max_records > 0)
    request->batch_size = MIN (request->batch_size, fault->max_records);

  site = check_request (ctx, msg, request->settings, request->sync_v6_version, TRUE,
                        respond_error);
  if (!site)
    return;

  rows_sql = g_strdup_printf ("SELECT cursor, table_name, record_id, action, data %s "
                              "ORDER BY cursor LIMIT ?4", patient ? patient_filter : pull_filter);
  rows = _oms_central_db_prepare (ctx, rows_sql, &error);
  if (!rows)
    {
      respond_other_error (msg, respond_error, error->message);
      return;
    }
  sqlite3_bind_int64 (rows, 1, request->cursor);
  if (patient)
    sqlite3_bind_text (rows, 2, request->fetch_patient_id, -1, SQLITE_STATIC);
  else
    sqlite3_bind_int (rows, 2, request->is_initialised);
  sqlite3_bind_int (rows, 3, site->id);
  sqlite3_bind_int64 (rows, 4, request->batch_size);
  _oms_central_db_stamp (ctx, &stamp);
  if (!patient &&
      ctx->v6_pull.site_id == site->id && ctx->v6_pull.is_initialised == request->is_initialised &&
      ctx->v6_pull.next_cursor == request->cursor &&
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
          respond_other_error (msg, respond_error, error->message);
          return;
        }
      sqlite3_bind_int64 (count, 1, request->cursor);
      if (patient)
        sqlite3_bind_text (count, 2, request->fetch_patient_id, -1, SQLITE_STATIC);
      else
        sqlite3_bind_int (count, 2, request->is_initialised);
      sqlite3_bind_int (count, 3, site->id);
      if (sqlite3_step (count) == SQLITE_ROW)
        total = sqlite3_column_int64 (count, 0);
    }

  /* The stored data is valid JSON (oms-central-db.c), so it goes in as it is instead of
   * through a parser and back; only the batch's header needs the rows, so it comes last.
   */
  records = g_string_sized_new (MIN (request->batch_size, 2048) * 512);
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      const char *record_data = (const char *)sqlite3_column_text (rows, 4);
      gsize record_data_length = (gsize)sqlite3_column_bytes (rows, 4);

      end_cursor = sqlite3_column_int64 (rows, 0);
      oms_v6_append_pull_record (records, end_cursor,
                                 (const char *)sqlite3_column_text (rows, 1),
                                 (const char *)sqlite3_column_text (rows, 2),
                                 (const char *)sqlite3_column_text (rows, 3),
                                 record_data, record_data_length);
      n_served++;
    }
  if (rc != SQLITE_DONE)
    {
      _oms_central_db_set_error (ctx, &error);
      respond_other_error (msg, respond_error, error->message);
      return;
    }

  if (end_cursor >= 0 && !patient)
    {
      ctx->v6_pull.site_id = site->id;
      ctx->v6_pull.is_initialised = request->is_initialised;
      ctx->v6_pull.next_cursor = end_cursor + 1;
      ctx->v6_pull.total = MAX (0, total - n_served);
      ctx->v6_pull.stamp = stamp;
    }

  /* An empty batch reports the newest cursor overall, as the real server does. */
  if (end_cursor < 0)
    end_cursor = _oms_central_db_query_int (ctx, "SELECT coalesce(max(cursor), 0) "
                                                 "FROM changelog_v6", 0);

  answer = oms_v6_build_pull_response_from_records (end_cursor, total,
                                                    total <= (gint64)request->batch_size,
                                                    records);
  _oms_central_respond_json_bytes (msg, SOUP_STATUS_OK, answer);
}

static void
handle_push (OmsCentralContext     *ctx,
             SoupServerMessage     *msg,
             GBytes                *body,
             const OmsCentralFault *fault)
{
  g_autoptr(OmsV6PushRequest) request = NULL;
  g_autoptr(OmsCentralSite) site = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GBytes) answer = NULL;
  GPtrArray *records;

  request = oms_v6_parse_push_request (body, &error);
  if (!request)
    {
      respond_bad_body (msg, error->message);
      return;
    }
  records = request->batch->records;

  site = check_request (ctx, msg, request->settings, request->sync_v6_version, TRUE,
                        respond_error);
  if (!site)
    return;

  if (!_oms_central_db_exec (ctx, "BEGIN IMMEDIATE", &error))
    {
      respond_other_error (msg, respond_error, error->message);
      return;
    }
  stmt = _oms_central_db_prepare (ctx,
                                  "INSERT INTO received (site_id, api, sync_out_id, table_name, "
                                  "record_id, action, data) VALUES (?, 'v6', ?, ?, ?, ?, ?)",
                                  &error);
  for (guint i = 0; stmt && i < records->len; i++)
    {
      const OmsSyncRecord *record = g_ptr_array_index (records, i);

      sqlite3_reset (stmt);
      sqlite3_bind_int (stmt, 1, site->id);
      sqlite3_bind_int64 (stmt, 2, record->cursor);
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
      respond_other_error (msg, respond_error, error->message);
      return;
    }

  if (request->batch->is_last_batch)
    {
      guint delay = ctx->integration_delay_ms;

      if (fault && fault->integrate_seconds >= 0)
        delay = (guint)fault->integrate_seconds * 1000;
      _oms_central_schedule_integration (ctx, site->id, TRUE, delay);
    }

  answer = oms_v6_build_push_response (records->len);
  _oms_central_respond_json_bytes (msg, SOUP_STATUS_OK, answer);
}

static void
handle_site_status (OmsCentralContext *ctx,
                    SoupServerMessage *msg,
                    GBytes            *body)
{
  g_autoptr(OmsSyncApiSettings) caller = NULL;
  g_autoptr(OmsCentralSite) site = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  guint32 version = 0;

  caller = oms_v6_parse_site_status_request (body, &version, &error);
  if (!caller)
    {
      respond_bad_body (msg, error->message);
      return;
    }
  site = check_request (ctx, msg, caller, version, FALSE, respond_error);
  if (!site)
    return;

  answer = oms_v6_build_site_status_response (
    _oms_central_site_state (ctx, site->id)->v6_integrating);
  _oms_central_respond_json_bytes (msg, SOUP_STATUS_OK, answer);
}

/* The reference a file belongs to, as pushed by a site and integrated: FALSE when the central
 * does not hold it (yet). @table_name and @record_id are NULL when it names no record.
 */
static gboolean
find_file_reference (OmsCentralContext  *ctx,
                     const char         *file_id,
                     char              **table_name,
                     char              **record_id,
                     char              **data_text)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *data;

  stmt = _oms_central_db_prepare (ctx,
                                  "SELECT data, json_extract (data, '$.table_name'), "
                                  "json_extract (data, '$.record_id') FROM changelog_v6 "
                                  "WHERE table_name = 'sync_file_reference' AND record_id = ? "
                                  "AND action != 'Delete' ORDER BY cursor DESC LIMIT 1",
                                  NULL);
  if (!stmt)
    return FALSE;
  sqlite3_bind_text (stmt, 1, file_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW || !(data = (const char *)sqlite3_column_text (stmt, 0)))
    return FALSE;
  *data_text = g_strdup (data);
  if (sqlite3_column_type (stmt, 1) == SQLITE_TEXT && sqlite3_column_type (stmt, 2) == SQLITE_TEXT)
    {
      *table_name = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      *record_id = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
    }
  return TRUE;
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
  g_autoptr(GBytes) body = _oms_central_request_body (msg);
  g_autoptr(GBytes) json_bytes = NULL;
  g_autoptr(GBytes) file_bytes = NULL;
  g_autoptr(OmsV6UploadFileRequest) request = NULL;
  g_autoptr(OmsCentralSite) site = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *filename = NULL;
  g_autofree char *table_name = NULL;
  g_autofree char *record_id = NULL;
  g_autofree char *reference_data = NULL;
  SoupMultipart *multipart;

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

  request = oms_v6_parse_upload_file_request (json_bytes, &error);
  if (!request)
    {
      respond_bad_body (msg, error->message);
      return;
    }

  site = check_request (ctx, msg, request->settings, request->sync_v6_version, FALSE,
                        respond_error);
  if (!site)
    return;

  if (!find_file_reference (ctx, request->file_id, &table_name, &record_id, &reference_data))
    {
      g_autoptr(OmsV6ServerError) not_found =
        oms_v6_server_error_new (OMS_PROTOCOL_ERROR_SYNC_FILE_NOT_FOUND, request->file_id);

      respond_error (msg, not_found);
      return;
    }
  if (!table_name || !record_id)
    {
      respond_other_error (msg, respond_error, "The file reference names no record");
      return;
    }
  if (!filename)
    {
      respond_other_error (msg, respond_error, "Filename not provided");
      return;
    }

  if (!_oms_central_files_store (ctx, table_name, record_id, request->file_id, filename,
                                 file_bytes, &error)
      || _oms_central_db_add_v6_record (ctx, "sync_file_reference", request->file_id, "Update",
                                        NULL, 0, reference_data, &error) < 0)
    {
      respond_other_error (msg, respond_error, error->message);
      return;
    }

  g_debug ("Site %d uploaded %s/%s/%s (%s, %" G_GSIZE_FORMAT " bytes)", site->id, table_name,
           record_id, request->file_id, filename, g_bytes_get_size (file_bytes));
  answer = oms_v6_build_upload_file_response ();
  _oms_central_respond_json_bytes (msg, SOUP_STATUS_OK, answer);
}

/* POST download_file (sync_on_central::download_file): the stored bytes, named in the
 * Content-Disposition; any error as a bare SyncParsedErrorV6 with a 500.
 */
static void
handle_download_file (OmsCentralContext *ctx,
                      SoupServerMessage *msg,
                      GBytes            *body)
{
  g_autoptr(OmsV6DownloadFileRequest) request = NULL;
  g_autoptr(OmsCentralSite) site = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *mime_type = NULL;
  SoupMessageHeaders *headers;

  request = oms_v6_parse_download_file_request (body, &error);
  if (!request)
    {
      respond_bad_body (msg, error->message);
      return;
    }

  site = check_request (ctx, msg, request->settings, request->sync_v6_version, FALSE,
                        respond_bare_error);
  if (!site)
    return;

  path = _oms_central_files_find (ctx, request->table_name, request->record_id, request->id,
                                  &name);
  if (!path)
    {
      respond_other_error (msg, respond_bare_error, "File not found");
      return;
    }
  /* Mapped, not read: the answer is sent from the file's pages. */
  mapped = g_mapped_file_new (path, FALSE, &error);
  if (!mapped)
    {
      respond_other_error (msg, respond_bare_error, error->message);
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
  g_autoptr(GBytes) body = NULL;
  const char *name = path + strlen ("/central/sync/");
  gboolean upload = g_str_equal (name, OMS_V6_ROUTE_UPLOAD_FILE);
  gboolean known = g_str_equal (name, OMS_V6_ROUTE_PULL)
                   || g_str_equal (name, OMS_V6_ROUTE_PATIENT_PULL)
                   || g_str_equal (name, OMS_V6_ROUTE_PUSH)
                   || g_str_equal (name, OMS_V6_ROUTE_SITE_STATUS)
                   || g_str_equal (name, OMS_V6_ROUTE_DOWNLOAD_FILE) || upload;

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

  /* Each route's request parser passes the body through the JSON gate before reading it. */
  body = _oms_central_request_body (msg);
  if (g_str_equal (name, OMS_V6_ROUTE_PULL))
    handle_pull (ctx, msg, body, FALSE, fault);
  else if (g_str_equal (name, OMS_V6_ROUTE_PATIENT_PULL))
    handle_pull (ctx, msg, body, TRUE, fault);
  else if (g_str_equal (name, OMS_V6_ROUTE_PUSH))
    handle_push (ctx, msg, body, fault);
  else if (g_str_equal (name, OMS_V6_ROUTE_DOWNLOAD_FILE))
    handle_download_file (ctx, msg, body);
  else
    handle_site_status (ctx, msg, body);
}

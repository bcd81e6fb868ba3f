/* oms-v6-json.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-v6-json"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "oms-json-util.h"
#include "oms-json-util-private.h"
#include "oms-sync-record-private.h"
#include "oms-v5-json-private.h"
#include "oms-v6-json.h"

typedef enum
{
  PAYLOAD_NONE,
  PAYLOAD_STRING,
  PAYLOAD_LEGACY,
  PAYLOAD_VERSIONS,
} Payload;

/* SyncParsedErrorV6, externally tagged and camelCase. */
static const struct
{
  const char       *name;
  OmsProtocolError  kind;
  Payload           payload;
} server_errors[] = {
  { "cannotConnectToLegacyServer", OMS_PROTOCOL_ERROR_CANNOT_CONNECT_TO_LEGACY_SERVER,
    PAYLOAD_STRING },
  { "legacyServerError", OMS_PROTOCOL_ERROR_LEGACY_SERVER_ERROR, PAYLOAD_LEGACY },
  { "otherLegacyServerError", OMS_PROTOCOL_ERROR_OTHER_LEGACY_SERVER_ERROR, PAYLOAD_STRING },
  { "otherServerError", OMS_PROTOCOL_ERROR_OTHER_SERVER_ERROR, PAYLOAD_STRING },
  { "notACentralServer", OMS_PROTOCOL_ERROR_NOT_A_CENTRAL_SERVER, PAYLOAD_NONE },
  { "parsingSyncRecordError", OMS_PROTOCOL_ERROR_PARSING_SYNC_RECORD_ERROR, PAYLOAD_STRING },
  { "integrationInProgress", OMS_PROTOCOL_ERROR_INTEGRATION_IN_PROGRESS, PAYLOAD_NONE },
  { "syncFileNotFound", OMS_PROTOCOL_ERROR_SYNC_FILE_NOT_FOUND, PAYLOAD_STRING },
  { "syncVersionMismatch", OMS_PROTOCOL_ERROR_SYNC_VERSION_MISMATCH, PAYLOAD_VERSIONS },
};

/* What one envelope read produces: the payload of the route, or the server's error. */
typedef struct
{
  OmsV6ServerError *server_error;
  JsonNode         *data;
  OmsV6Batch       *batch;
  gint64            records_pushed;
  gboolean          is_integrating;
} EnvelopeRead;

/**
 * oms_v6_batch_new:
 *
 * Returns: (transfer full): an empty batch whose `records` array owns its records
 */
OmsV6Batch *
oms_v6_batch_new (void)
{
  OmsV6Batch *batch = g_new0 (OmsV6Batch, 1);

  batch->records = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_sync_record_free);
  return batch;
}

/**
 * oms_v6_batch_free:
 * @batch: (nullable): a batch
 *
 * Frees @batch and its records.
 */
void
oms_v6_batch_free (OmsV6Batch *batch)
{
  if (batch == NULL)
    return;

  g_clear_pointer (&batch->records, g_ptr_array_unref);
  g_free (batch);
}

/**
 * oms_v6_server_error_free:
 * @server_error: (nullable): a server error
 *
 * Frees @server_error.
 */
void
oms_v6_server_error_free (OmsV6ServerError *server_error)
{
  if (server_error == NULL)
    return;

  g_free (server_error->text);
  oms_v5_error_free (server_error->legacy);
  g_free (server_error);
}

/**
 * oms_v6_server_error_new:
 * @kind: one of the v6 kinds of OmsProtocolError, not syncVersionMismatch nor
 *   legacyServerError
 * @text: (nullable): the string the kind carries, %NULL for the kinds that carry none
 *
 * Returns: (transfer full): a server error, for a server to answer with
 */
OmsV6ServerError *
oms_v6_server_error_new (OmsProtocolError  kind,
                         const char       *text)
{
  OmsV6ServerError *server_error;

  g_return_val_if_fail (kind >= OMS_PROTOCOL_ERROR_CANNOT_CONNECT_TO_LEGACY_SERVER, NULL);
  g_return_val_if_fail (kind != OMS_PROTOCOL_ERROR_SYNC_VERSION_MISMATCH, NULL);
  g_return_val_if_fail (kind != OMS_PROTOCOL_ERROR_LEGACY_SERVER_ERROR, NULL);

  server_error = g_new0 (OmsV6ServerError, 1);
  server_error->kind = kind;
  server_error->text = g_strdup (text);
  return server_error;
}

/**
 * oms_v6_server_error_new_version_mismatch:
 * @min_version: the oldest syncV6Version the server accepts
 * @max_version: the newest
 * @received_version: the caller's
 *
 * Returns: (transfer full): a syncVersionMismatch error
 */
OmsV6ServerError *
oms_v6_server_error_new_version_mismatch (guint32 min_version,
                                          guint32 max_version,
                                          guint32 received_version)
{
  OmsV6ServerError *server_error = g_new0 (OmsV6ServerError, 1);

  server_error->kind = OMS_PROTOCOL_ERROR_SYNC_VERSION_MISMATCH;
  server_error->min_version = min_version;
  server_error->max_version = max_version;
  server_error->received_version = received_version;
  return server_error;
}

/**
 * oms_v6_server_error_get_variant:
 * @server_error: a server error
 *
 * Maps as Open mSupply does: a version mismatch has its own variant, a legacyServerError goes
 * by its v5 code, everything else is UNKNOWN.
 *
 * Returns: the sync error variant
 */
OmsSyncErrorVariant
oms_v6_server_error_get_variant (const OmsV6ServerError *server_error)
{
  g_return_val_if_fail (server_error != NULL, OMS_SYNC_ERROR_VARIANT_UNKNOWN);

  if (server_error->kind == OMS_PROTOCOL_ERROR_SYNC_VERSION_MISMATCH)
    return OMS_SYNC_ERROR_VARIANT_V6_API_VERSION_INCOMPATIBLE;

  if (server_error->kind == OMS_PROTOCOL_ERROR_LEGACY_SERVER_ERROR && server_error->legacy != NULL)
    return oms_sync_error_variant_from_v5_code (server_error->legacy->code);

  return OMS_SYNC_ERROR_VARIANT_UNKNOWN;
}

/**
 * oms_v6_pull_request_free:
 * @request: (nullable): a pull request
 *
 * Frees @request.
 */
void
oms_v6_pull_request_free (OmsV6PullRequest *request)
{
  if (request == NULL)
    return;

  oms_sync_api_settings_free (request->settings);
  g_free (request->fetch_patient_id);
  g_free (request);
}

/**
 * oms_v6_upload_file_request_free:
 * @request: (nullable): an upload_file request
 *
 * Frees @request.
 */
void
oms_v6_upload_file_request_free (OmsV6UploadFileRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->file_id);
  oms_sync_api_settings_free (request->settings);
  g_free (request);
}

/**
 * oms_v6_download_file_request_free:
 * @request: (nullable): a download_file request
 *
 * Frees @request.
 */
void
oms_v6_download_file_request_free (OmsV6DownloadFileRequest *request)
{
  if (request == NULL)
    return;

  g_free (request->table_name);
  g_free (request->record_id);
  g_free (request->id);
  oms_sync_api_settings_free (request->settings);
  g_free (request);
}

/**
 * oms_v6_push_request_free:
 * @request: (nullable): a push request
 *
 * Frees @request and its batch.
 */
void
oms_v6_push_request_free (OmsV6PushRequest *request)
{
  if (request == NULL)
    return;

  oms_v6_batch_free (request->batch);
  oms_sync_api_settings_free (request->settings);
  g_free (request);
}

static void
append_string_member (GString    *out,
                      const char *key,
                      const char *value)
{
  _oms_json_append_member (out, key);
  _oms_json_append_string (out, value != NULL ? value : "");
}

/* "<key>":{...} in SyncApiSettings field order, the inner keys camelCase whatever @key is. */
static void
append_settings_as (GString                  *out,
                    const char               *key,
                    const OmsSyncApiSettings *settings)
{
  _oms_json_append_member (out, key);
  g_string_append_c (out, '{');
  append_string_member (out, "serverUrl", settings->server_url);
  g_string_append_c (out, ',');
  append_string_member (out, "username", settings->username);
  g_string_append_c (out, ',');
  append_string_member (out, "passwordSha256", settings->password_sha256);
  g_string_append_c (out, ',');
  append_string_member (out, "siteUuid", settings->site_uuid);
  g_string_append_c (out, ',');
  append_string_member (out, "appVersion", settings->app_version);
  g_string_append_c (out, ',');
  append_string_member (out, "appName", settings->app_name);
  g_string_append_c (out, ',');
  append_string_member (out, "syncVersion", settings->sync_version);
  g_string_append_c (out, '}');
}

static void
append_settings (GString                  *out,
                 const OmsSyncApiSettings *settings)
{
  append_settings_as (out, "syncV5Settings", settings);
}

static void
append_v6_version (GString *out)
{
  g_string_append_printf (out, "\"syncV6Version\":%d", OMS_SYNC_V6_VERSION);
}

/**
 * oms_v6_build_pull_body:
 * @settings: credentials and identity
 * @cursor: the next changelog cursor to fetch
 * @batch_size: the most records to return
 * @is_initialised: whether this site has finished its first sync
 *
 * Returns: (transfer full): the `POST /central/sync/pull` body, `{"cursor","batchSize",
 *   "syncV5Settings","isInitialised","syncV6Version"}`
 */
GBytes *
oms_v6_build_pull_body (const OmsSyncApiSettings *settings,
                        gint64                    cursor,
                        guint32                   batch_size,
                        gboolean                  is_initialised)
{
  GString *out;

  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (cursor >= 0, NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out, "{\"cursor\":%" G_GINT64_FORMAT ",\"batchSize\":%u,",
                          cursor, batch_size);
  append_settings (out, settings);
  g_string_append_printf (out, ",\"isInitialised\":%s,", is_initialised ? "true" : "false");
  append_v6_version (out);
  g_string_append_c (out, '}');

  return g_string_free_to_bytes (out);
}

/**
 * oms_v6_build_patient_pull_body:
 * @settings: credentials and identity
 * @cursor: the next changelog cursor to fetch
 * @batch_size: the most records to return
 * @fetch_patient_id: the patient whose records to fetch
 *
 * Returns: (transfer full): the `POST /central/sync/patient-pull` body
 */
GBytes *
oms_v6_build_patient_pull_body (const OmsSyncApiSettings *settings,
                                gint64                    cursor,
                                guint32                   batch_size,
                                const char               *fetch_patient_id)
{
  GString *out;

  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (cursor >= 0, NULL);
  g_return_val_if_fail (fetch_patient_id != NULL, NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out, "{\"cursor\":%" G_GINT64_FORMAT ",\"batchSize\":%u,",
                          cursor, batch_size);
  append_settings (out, settings);
  g_string_append_c (out, ',');
  append_v6_version (out);
  g_string_append_c (out, ',');
  append_string_member (out, "fetchPatientId", fetch_patient_id);
  g_string_append_c (out, '}');

  return g_string_free_to_bytes (out);
}

/**
 * oms_v6_build_push_body:
 * @settings: credentials and identity
 * @batch: the records to push; each record's `cursor` is its changelog cursor
 * @error: return location for an error if a record's data is not JSON
 *
 * The batch keeps SyncBatchV6's snake_case keys in Open mSupply's order (`end_cursor`,
 * `total_records`, `records`, `is_last_batch`); records keep camelCase keys.
 *
 * Returns: (transfer full) (nullable): the `POST /central/sync/push` body
 */
GBytes *
oms_v6_build_push_body (const OmsSyncApiSettings  *settings,
                        const OmsV6Batch          *batch,
                        GError                   **error)
{
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (batch != NULL, NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out,
                          "{\"batch\":{\"end_cursor\":%" G_GINT64_FORMAT
                          ",\"total_records\":%" G_GINT64_FORMAT ",\"records\":[",
                          batch->end_cursor, batch->total_records);

  for (guint i = 0; batch->records != NULL && i < batch->records->len; i++)
    {
      const OmsSyncRecord *record = g_ptr_array_index (batch->records, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "{\"cursor\":%" G_GINT64_FORMAT ",\"record\":{",
                              record->cursor);
      if (!_oms_sync_record_append_common (out, record, error))
        return NULL;
      g_string_append (out, "}}");
    }

  g_string_append_printf (out, "],\"is_last_batch\":%s},",
                          batch->is_last_batch ? "true" : "false");
  append_settings (out, settings);
  g_string_append_c (out, ',');
  append_v6_version (out);
  g_string_append_c (out, '}');

  return g_string_free_to_bytes (g_steal_pointer (&out));
}

/**
 * oms_v6_build_site_status_body:
 * @settings: credentials and identity
 *
 * Returns: (transfer full): the `POST /central/sync/site_status` body
 */
GBytes *
oms_v6_build_site_status_body (const OmsSyncApiSettings *settings)
{
  GString *out;

  g_return_val_if_fail (settings != NULL, NULL);

  out = g_string_new ("{");
  append_settings (out, settings);
  g_string_append_c (out, ',');
  append_v6_version (out);
  g_string_append_c (out, '}');

  return g_string_free_to_bytes (out);
}

/**
 * oms_v6_build_upload_file_json:
 * @settings: credentials and identity
 * @file_id: the sync_file_reference the file belongs to
 *
 * The `json_part` of `PUT /central/sync/upload_file`: SyncUploadFileRequestV6 has no serde
 * rename, so its own keys are snake_case while the settings inside stay camelCase.
 *
 * Returns: (transfer full): `{"file_id","sync_v5_settings":{...},"sync_v6_version"}`
 */
GBytes *
oms_v6_build_upload_file_json (const OmsSyncApiSettings *settings,
                               const char               *file_id)
{
  GString *out;

  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (file_id != NULL, NULL);

  out = g_string_new ("{");
  append_string_member (out, "file_id", file_id);
  g_string_append_c (out, ',');
  append_settings_as (out, "sync_v5_settings", settings);
  g_string_append_printf (out, ",\"sync_v6_version\":%d}", OMS_SYNC_V6_VERSION);

  return g_string_free_to_bytes (out);
}

/* A quoted-string parameter value (RFC 7230 §3.2.6), as actix's and libsoup's parsers read
 * it: quotes and backslashes escaped, line breaks (which would end the header) dropped.
 */
static void
append_quoted (GString    *out,
               const char *value)
{
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\r' || *p == '\n')
        continue;
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/**
 * oms_v6_build_upload_file_framing:
 * @settings: credentials and identity
 * @file_id: the sync_file_reference the file belongs to
 * @file_name: the file's name, sent as the file_part's `filename`
 * @mime_type: (nullable): the file's type, `application/octet-stream` when %NULL
 * @boundary: the multipart boundary: letters, digits, `-` and `_`, at most 70
 *
 * The body of `PUT /central/sync/upload_file` is multipart/form-data with two parts, in the
 * order Open mSupply's client adds them: `json_part` (application/json, see
 * oms_v6_build_upload_file_json()) and `file_part`, the file's bytes under its file name.
 * The file's bytes go between the @head and @tail of the result.
 *
 * Returns: (transfer full): the framing
 */
OmsV6UploadFraming *
oms_v6_build_upload_file_framing (const OmsSyncApiSettings *settings,
                                  const char               *file_id,
                                  const char               *file_name,
                                  const char               *mime_type,
                                  const char               *boundary)
{
  g_autoptr(GBytes) json = NULL;
  OmsV6UploadFraming *framing;
  GString *head;

  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (file_id != NULL, NULL);
  g_return_val_if_fail (file_name != NULL, NULL);
  g_return_val_if_fail (boundary != NULL && *boundary != '\0' && strlen (boundary) <= 70, NULL);

  json = oms_v6_build_upload_file_json (settings, file_id);

  head = g_string_new (NULL);
  g_string_append_printf (head, "--%s\r\n"
                          "Content-Disposition: form-data; name=\"json_part\"\r\n"
                          "Content-Type: application/json\r\n\r\n", boundary);
  g_string_append_len (head, g_bytes_get_data (json, NULL), g_bytes_get_size (json));
  g_string_append_printf (head, "\r\n--%s\r\n"
                          "Content-Disposition: form-data; name=\"file_part\"; filename=",
                          boundary);
  append_quoted (head, file_name);
  g_string_append_printf (head, "\r\nContent-Type: %s\r\n\r\n",
                          mime_type != NULL && *mime_type != '\0' &&
                          strpbrk (mime_type, "\r\n") == NULL
                            ? mime_type : "application/octet-stream");

  framing = g_new0 (OmsV6UploadFraming, 1);
  framing->content_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
  framing->head = g_string_free_to_bytes (head);
  framing->tail = g_bytes_new_take (g_strdup_printf ("\r\n--%s--\r\n", boundary),
                                    strlen (boundary) + 8);

  return framing;
}

/**
 * oms_v6_upload_framing_free:
 * @framing: (nullable): a framing
 *
 * Frees @framing.
 */
void
oms_v6_upload_framing_free (OmsV6UploadFraming *framing)
{
  if (framing == NULL)
    return;

  g_free (framing->content_type);
  g_clear_pointer (&framing->head, g_bytes_unref);
  g_clear_pointer (&framing->tail, g_bytes_unref);
  g_free (framing);
}

/**
 * oms_v6_build_download_file_body:
 * @settings: credentials and identity
 * @table_name: the table of the record the file is attached to
 * @record_id: that record
 * @id: the sync_file_reference's id
 *
 * Returns: (transfer full): the `POST /central/sync/download_file` body, `{"tableName",
 *   "recordId","id","syncV5Settings","syncV6Version"}` (SyncDownloadFileRequestV6)
 */
GBytes *
oms_v6_build_download_file_body (const OmsSyncApiSettings *settings,
                                 const char               *table_name,
                                 const char               *record_id,
                                 const char               *id)
{
  GString *out;

  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (table_name != NULL, NULL);
  g_return_val_if_fail (record_id != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  out = g_string_new ("{");
  append_string_member (out, "tableName", table_name);
  g_string_append_c (out, ',');
  append_string_member (out, "recordId", record_id);
  g_string_append_c (out, ',');
  append_string_member (out, "id", id);
  g_string_append_c (out, ',');
  append_settings (out, settings);
  g_string_append_c (out, ',');
  append_v6_version (out);
  g_string_append_c (out, '}');

  return g_string_free_to_bytes (out);
}

static gboolean
read_u32 (JsonNode    *node,
          const char  *where,
          guint32     *out,
          GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0 || json_node_get_int (node) > G_MAXUINT32)
    {
      /* Translators: %s names a part of the server's answer, e.g. “version info”. */
      _oms_json_set_shape_error (error, _("%s must be an unsigned 32-bit integer"), where);
      return FALSE;
    }

  *out = (guint32) json_node_get_int (node);
  return TRUE;
}

/* Sets the GError for a well-formed server error, in the words of Open mSupply's messages. */
static void
set_server_error (GError                 **error,
                  const OmsV6ServerError  *server_error)
{
  switch (server_error->kind)
    {
    case OMS_PROTOCOL_ERROR_CANNOT_CONNECT_TO_LEGACY_SERVER:
      g_set_error (error, OMS_PROTOCOL_ERROR, server_error->kind,
                   /* Translators: %s is the error message Open mSupply's central server sent.
                    * The legacy server is the older mSupply central server. */
                   _("Problem connecting to legacy server: %s"), server_error->text);
      break;
    case OMS_PROTOCOL_ERROR_LEGACY_SERVER_ERROR:
      g_set_error (error, OMS_PROTOCOL_ERROR, server_error->kind,
                   /* Translators: the legacy (older mSupply) server's error code, its message,
                    * then extra data it sent. */
                   _("Legacy server error “%s”: %s (data: %s)"),
                   server_error->legacy->code, server_error->legacy->message,
                   server_error->legacy->data != NULL ? server_error->legacy->data : "null");
      break;
    case OMS_PROTOCOL_ERROR_OTHER_LEGACY_SERVER_ERROR:
      g_set_error (error, OMS_PROTOCOL_ERROR, server_error->kind,
                   /* Translators: %s is the error message Open mSupply's central server sent. */
                   _("Other legacy server error: %s"), server_error->text);
      break;
    case OMS_PROTOCOL_ERROR_OTHER_SERVER_ERROR:
      g_set_error (error, OMS_PROTOCOL_ERROR, server_error->kind,
                   /* Translators: %s is the error message Open mSupply's central server sent. */
                   _("Other server error: %s"), server_error->text);
      break;
    case OMS_PROTOCOL_ERROR_NOT_A_CENTRAL_SERVER:
      g_set_error_literal (error, OMS_PROTOCOL_ERROR, server_error->kind,
                           _("Not a central server"));
      break;
    case OMS_PROTOCOL_ERROR_PARSING_SYNC_RECORD_ERROR:
      g_set_error (error, OMS_PROTOCOL_ERROR, server_error->kind,
                   /* Translators: %s is the error message Open mSupply's central server sent.
                    * The sync buffer is where received records wait to be integrated. */
                   _("Could not parse record to sync buffer row: %s"), server_error->text);
      break;
    case OMS_PROTOCOL_ERROR_INTEGRATION_IN_PROGRESS:
      g_set_error_literal (error, OMS_PROTOCOL_ERROR, server_error->kind,
                           _("Integration in progress"));
      break;
    case OMS_PROTOCOL_ERROR_SYNC_FILE_NOT_FOUND:
      g_set_error (error, OMS_PROTOCOL_ERROR, server_error->kind,
                   /* Translators: %s is a file's id, a long code; file_id is a protocol field
                    * name: keep it. */
                   _("Sync file not found, file_id: %s"), server_error->text);
      break;
    case OMS_PROTOCOL_ERROR_SYNC_VERSION_MISMATCH:
      g_set_error (error, OMS_PROTOCOL_ERROR, server_error->kind,
                   /* Translators: three version numbers of the sync protocol: the lowest and
                    * highest the server accepts, then the one omsync sent. minVersion,
                    * maxVersion and received are protocol words: keep them. */
                   _("Sync V6 API version not compatible, minVersion: %u, maxVersion: %u, "
                     "received: %u"),
                   server_error->min_version, server_error->max_version,
                   server_error->received_version);
      break;
    case OMS_PROTOCOL_ERROR_CONNECTION:
    case OMS_PROTOCOL_ERROR_TRANSPORT:
    case OMS_PROTOCOL_ERROR_HTTP_STATUS_PARSED:
    case OMS_PROTOCOL_ERROR_HTTP_STATUS_TEXT:
    case OMS_PROTOCOL_ERROR_RESPONSE_PARSING:
    case OMS_PROTOCOL_ERROR_INVALID_URL:
    default:
      g_assert_not_reached ();
    }
}

/* Reads the value of "error"; a well-formed one gives its kind's error, else a shape error. */
static gboolean
read_server_error (JsonNode          *node,
                   OmsV6ServerError **out,
                   GError           **error)
{
  g_autoptr(OmsV6ServerError) server_error = g_new0 (OmsV6ServerError, 1);
  const char *name = NULL;
  JsonNode *payload = NULL;
  JsonObject *object;
  guint index;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      name = json_node_get_string (node);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node) &&
           json_object_get_size (object = json_node_get_object (node)) == 1)
    {
      GList *members = json_object_get_members (object);

      name = members->data;
      payload = json_object_get_member (object, name);
      g_list_free (members);
    }
  else
    {
      _oms_json_set_shape_error (error, _("“error” must be a string or an object with one "
                                          "field"));
      return FALSE;
    }

  for (index = 0; index < G_N_ELEMENTS (server_errors); index++)
    {
      if (g_str_equal (name, server_errors[index].name))
        break;
    }

  if (index == G_N_ELEMENTS (server_errors))
    {
      /* Translators: %s is the error's code name from the server, e.g. “SyncVersionMismatch”. */
      _oms_json_set_shape_error (error, _("unknown server error “%s”"), name);
      return FALSE;
    }

  server_error->kind = server_errors[index].kind;

  switch (server_errors[index].payload)
    {
    case PAYLOAD_NONE:
      if (payload != NULL && !JSON_NODE_HOLDS_NULL (payload))
        {
          /* Translators: %s is the error's code name from the server, e.g.
           * “SyncVersionMismatch”. */
          _oms_json_set_shape_error (error, _("server error “%s” carries no value"), name);
          return FALSE;
        }
      break;

    case PAYLOAD_STRING:
      if (payload == NULL || !JSON_NODE_HOLDS_VALUE (payload) ||
          json_node_get_value_type (payload) != G_TYPE_STRING)
        {
          /* Translators: %s is the error's code name from the server, e.g.
           * “SyncVersionMismatch”. */
          _oms_json_set_shape_error (error, _("server error “%s” must carry a string"), name);
          return FALSE;
        }
      server_error->text = g_strdup (json_node_get_string (payload));
      break;

    case PAYLOAD_LEGACY:
      if (payload == NULL ||
          (server_error->legacy = _oms_v5_error_read (payload, name, error)) == NULL)
        {
          if (payload == NULL)
            /* Translators: %s is the error's code name from the server, e.g.
             * “SyncVersionMismatch”. */
            _oms_json_set_shape_error (error, _("server error “%s” must carry an object"),
                                       name);
          return FALSE;
        }
      break;

    case PAYLOAD_VERSIONS:
      {
        JsonArray *array;

        if (payload == NULL || !JSON_NODE_HOLDS_ARRAY (payload) ||
            json_array_get_length (array = json_node_get_array (payload)) != 3)
          {
            _oms_json_set_shape_error (error,
                                       /* Translators: %s is the error's code name from the
                                        * server, e.g. “SyncVersionMismatch”; [min, max,
                                        * received] is the shape of the value: keep it. */
                                       _("server error “%s” must carry [min, max, received]"),
                                       name);
            return FALSE;
          }

        if (!read_u32 (json_array_get_element (array, 0), name, &server_error->min_version,
                       error) ||
            !read_u32 (json_array_get_element (array, 1), name, &server_error->max_version,
                       error) ||
            !read_u32 (json_array_get_element (array, 2), name,
                       &server_error->received_version, error))
          return FALSE;
      }
      break;

    default:
      g_assert_not_reached ();
    }

  set_server_error (error, server_error);
  *out = g_steal_pointer (&server_error);
  return FALSE;
}

static guint
server_error_index (OmsProtocolError kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (server_errors); i++)
    {
      if (server_errors[i].kind == kind)
        return i;
    }

  g_return_val_if_reached (0);
}

/* The other side of read_server_error(): SyncParsedErrorV6 as serde writes it, a unit
 * variant as its name and the others as an object with one member.
 */
static void
append_server_error (GString                *out,
                     const OmsV6ServerError *server_error)
{
  guint index = server_error_index (server_error->kind);

  if (server_errors[index].payload == PAYLOAD_NONE)
    {
      _oms_json_append_string (out, server_errors[index].name);
      return;
    }

  g_string_append_c (out, '{');
  _oms_json_append_member (out, server_errors[index].name);

  switch (server_errors[index].payload)
    {
    case PAYLOAD_STRING:
      _oms_json_append_string (out, server_error->text != NULL ? server_error->text : "");
      break;

    case PAYLOAD_LEGACY:
      if (server_error->legacy != NULL)
        _oms_v5_error_append (out, server_error->legacy);
      else
        g_string_append (out, "null");
      break;

    case PAYLOAD_VERSIONS:
      g_string_append_c (out, '[');
      _oms_json_append_int (out, server_error->min_version);
      g_string_append_c (out, ',');
      _oms_json_append_int (out, server_error->max_version);
      g_string_append_c (out, ',');
      _oms_json_append_int (out, server_error->received_version);
      g_string_append_c (out, ']');
      break;

    case PAYLOAD_NONE:
    default:
      g_assert_not_reached ();
    }

  g_string_append_c (out, '}');
}

/**
 * oms_v6_build_error_envelope:
 * @server_error: the error
 *
 * The answer of every v6 route but download_file when it fails, with HTTP 200 (F7).
 *
 * Returns: (transfer full): `{"error": ...}`
 */
GBytes *
oms_v6_build_error_envelope (const OmsV6ServerError *server_error)
{
  GString *out;

  g_return_val_if_fail (server_error != NULL, NULL);

  out = g_string_new ("{\"error\":");
  append_server_error (out, server_error);
  g_string_append_c (out, '}');
  return g_string_free_to_bytes (out);
}

static void
append_newline_indent (GString *out,
                       guint    depth)
{
  g_string_append_c (out, '\n');
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

/* Lays compact JSON out as serde_json's to_string_pretty() does: two spaces a level, ": "
 * after a key, empty objects and arrays left as {} and [].
 */
static void
append_pretty (GString    *out,
               const char *json)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (const char *p = json; *p != '\0'; p++)
    {
      char c = *p;

      if (in_string)
        {
          g_string_append_c (out, c);
          if (c == '\\' && p[1] != '\0')
            g_string_append_c (out, *++p);
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          g_string_append_c (out, c);
          break;

        case '{':
        case '[':
          g_string_append_c (out, c);
          if (p[1] == (c == '{' ? '}' : ']'))
            g_string_append_c (out, *++p);
          else
            append_newline_indent (out, ++depth);
          break;

        case '}':
        case ']':
          append_newline_indent (out, --depth);
          g_string_append_c (out, c);
          break;

        case ',':
          g_string_append_c (out, c);
          append_newline_indent (out, depth);
          break;

        case ':':
          g_string_append (out, ": ");
          break;

        default:
          g_string_append_c (out, c);
          break;
        }
    }
}

/**
 * oms_v6_build_download_file_error:
 * @server_error: the error
 *
 * The other side of oms_v6_parse_download_file_error(): a failed download is answered with
 * the bare SyncParsedErrorV6, pretty-printed by serde_json (ToResponseError in Open
 * mSupply's central/sync.rs), with a status that is not 2xx.
 *
 * Returns: (transfer full): the body
 */
GBytes *
oms_v6_build_download_file_error (const OmsV6ServerError *server_error)
{
  g_autoptr(GString) compact = g_string_new (NULL);
  GString *out;

  g_return_val_if_fail (server_error != NULL, NULL);

  append_server_error (compact, server_error);
  out = g_string_sized_new (compact->len * 2);
  append_pretty (out, compact->str);
  return g_string_free_to_bytes (out);
}

/* {"data": x} gives x; {"error": e} gives the server's error. Anything else is a shape error,
 * as serde rejects any other externally tagged form.
 */
static JsonNode *
read_envelope (JsonNode      *root,
               EnvelopeRead  *read,
               GError       **error)
{
  JsonObject *object;

  if ((object = _oms_json_get_object (root, "v6 response", error)) == NULL)
    return NULL;

  if (json_object_get_size (object) == 1)
    {
      if (json_object_has_member (object, "data"))
        return json_object_get_member (object, "data");

      if (json_object_has_member (object, "error"))
        {
          read_server_error (json_object_get_member (object, "error"), &read->server_error,
                             error);
          return NULL;
        }
    }

  _oms_json_set_shape_error (error, _("v6 response must be {\"data\": …} or {\"error\": …}"));
  return NULL;
}

static gboolean
envelope_read_copy (JsonNode  *root,
                    gpointer   out,
                    GError   **error)
{
  EnvelopeRead *read = out;
  JsonNode *data = read_envelope (root, read, error);

  if (data == NULL)
    return FALSE;

  read->data = json_node_copy (data);
  return TRUE;
}

/* Hands the server error to the caller if asked for, and frees the rest. */
static void
envelope_read_finish (EnvelopeRead      *read,
                      OmsV6ServerError **out_server_error)
{
  if (out_server_error != NULL)
    *out_server_error = g_steal_pointer (&read->server_error);

  g_clear_pointer (&read->server_error, oms_v6_server_error_free);
  g_clear_pointer (&read->data, json_node_unref);
  g_clear_pointer (&read->batch, oms_v6_batch_free);
}

/**
 * oms_v6_parse_envelope:
 * @body: (nullable): the body of any OMS central response, whatever its HTTP status
 * @out_server_error: (out) (optional) (transfer full) (nullable): the server's error, when
 *   the body is `{"error": ...}`
 * @error: return location for an OMS_PROTOCOL_ERROR: the server error's kind, or
 *   OMS_PROTOCOL_ERROR_RESPONSE_PARSING when the body is not an envelope
 *
 * Returns: (transfer full) (nullable): the value of `data` (possibly a JSON null), or %NULL
 *   on error
 */
JsonNode *
oms_v6_parse_envelope (GBytes            *body,
                       OmsV6ServerError **out_server_error,
                       GError           **error)
{
  EnvelopeRead read = { NULL };
  JsonNode *data = NULL;

  if (out_server_error != NULL)
    *out_server_error = NULL;

  if (_oms_json_read_response (body, "a v6 response", envelope_read_copy, &read, error))
    data = g_steal_pointer (&read.data);

  envelope_read_finish (&read, out_server_error);
  return data;
}

static gboolean
read_batch (JsonNode    *node,
            const char  *where,
            OmsV6Batch **out,
            GError     **error)
{
  g_autoptr(OmsV6Batch) batch = oms_v6_batch_new ();
  JsonObject *object;
  JsonArray *array;
  guint length;

  if ((object = _oms_json_get_object (node, where, error)) == NULL ||
      !_oms_json_require_uint (object, where, "end_cursor", &batch->end_cursor, error) ||
      !_oms_json_require_uint (object, where, "total_records", &batch->total_records, error) ||
      !_oms_json_get_array (object, where, "records", TRUE, &array, error) ||
      !_oms_json_require_bool (object, where, "is_last_batch", &batch->is_last_batch, error))
    return FALSE;

  length = json_array_get_length (array);
  for (guint i = 0; i < length; i++)
    {
      g_autofree char *item_where = g_strdup_printf ("%s records[%u]", where, i);
      g_autofree char *record_where = g_strdup_printf ("%s records[%u].record", where, i);
      g_autoptr(OmsSyncRecord) record = g_new0 (OmsSyncRecord, 1);
      JsonObject *item;
      JsonObject *inner;

      if ((item = _oms_json_get_object (json_array_get_element (array, i), item_where,
                                        error)) == NULL ||
          !_oms_json_require_uint (item, item_where, "cursor", &record->cursor, error))
        return FALSE;

      if (!json_object_has_member (item, "record"))
        {
          _oms_json_set_shape_error (error, _("%s: missing field “%s”"), item_where, "record");
          return FALSE;
        }

      if ((inner = _oms_json_get_object (json_object_get_member (item, "record"), record_where,
                                         error)) == NULL ||
          !_oms_sync_record_read_common (record, inner, record_where, error))
        return FALSE;

      g_ptr_array_add (batch->records, g_steal_pointer (&record));
    }

  *out = g_steal_pointer (&batch);
  return TRUE;
}

static gboolean
read_pull_response (JsonNode  *root,
                    gpointer   out,
                    GError   **error)
{
  EnvelopeRead *read = out;
  JsonNode *data = read_envelope (root, read, error);

  return data != NULL && read_batch (data, "pull data", &read->batch, error);
}

/**
 * oms_v6_parse_pull_response:
 * @body: (nullable): the body of `POST /central/sync/pull` or `patient-pull`, whatever its
 *   HTTP status
 * @out_server_error: (out) (optional) (transfer full) (nullable): the server's error, if any
 * @error: return location for an OMS_PROTOCOL_ERROR
 *
 * Returns: (transfer full) (nullable): the SyncBatchV6 (all four fields required)
 */
OmsV6Batch *
oms_v6_parse_pull_response (GBytes            *body,
                            OmsV6ServerError **out_server_error,
                            GError           **error)
{
  EnvelopeRead read = { NULL };
  OmsV6Batch *batch = NULL;

  if (out_server_error != NULL)
    *out_server_error = NULL;

  if (_oms_json_read_response (body, "/central/sync/pull", read_pull_response, &read, error))
    batch = g_steal_pointer (&read.batch);

  envelope_read_finish (&read, out_server_error);
  return batch;
}

/**
 * oms_v6_append_pull_record:
 * @records: the records of a pulled batch so far
 * @cursor: the record's changelog cursor
 * @table_name: the Open mSupply table name
 * @record_id: the record's id
 * @action: the action as stored, e.g. `Update`
 * @data: (nullable): recordData, one JSON value copied as it is; %NULL is sent as null
 * @data_length: the length of @data in bytes
 *
 * Adds one record to @records for oms_v6_build_pull_response_from_records(), without
 * parsing its data: a server serving stored records writes them as text.
 */
void
oms_v6_append_pull_record (GString    *records,
                           gint64      cursor,
                           const char *table_name,
                           const char *record_id,
                           const char *action,
                           const char *data,
                           gsize       data_length)
{
  g_return_if_fail (records != NULL);

  g_string_append (records, records->len > 0 ? ",{\"cursor\":" : "{\"cursor\":");
  _oms_json_append_int (records, cursor);
  g_string_append (records, ",\"record\":{");
  _oms_sync_record_append_stored (records, table_name, record_id, action, data, data_length,
                                  TRUE);
  g_string_append (records, "}}");
}

/**
 * oms_v6_build_pull_response_from_records:
 * @end_cursor: the cursor of the batch's last changelog row, or the newest when none
 * @total_records: the rows left to pull from the request's cursor, these included
 * @is_last_batch: whether these are the last
 * @records: the records, written with oms_v6_append_pull_record()
 *
 * Returns: (transfer full): the answer of `POST /central/sync/pull` and `patient-pull`,
 *   `{"data": SyncBatchV6}`
 */
GBytes *
oms_v6_build_pull_response_from_records (gint64         end_cursor,
                                         gint64         total_records,
                                         gboolean       is_last_batch,
                                         const GString *records)
{
  GString *out;

  g_return_val_if_fail (records != NULL, NULL);

  out = g_string_sized_new (records->len + 128);
  g_string_append (out, "{\"data\":{\"end_cursor\":");
  _oms_json_append_int (out, end_cursor);
  g_string_append (out, ",\"total_records\":");
  _oms_json_append_int (out, total_records);
  g_string_append (out, ",\"records\":[");
  g_string_append_len (out, records->str, (gssize) records->len);
  g_string_append (out, is_last_batch ? "],\"is_last_batch\":true}}"
                                      : "],\"is_last_batch\":false}}");
  return g_string_free_to_bytes (out);
}

/**
 * oms_v6_build_pull_response:
 * @batch: a batch; each record's `cursor` is set and its data is JSON
 *
 * The other side of oms_v6_parse_pull_response(): records keep their camelCase keys, deletes
 * carry a null recordData.
 *
 * Returns: (transfer full): `{"data": SyncBatchV6}`
 */
GBytes *
oms_v6_build_pull_response (const OmsV6Batch *batch)
{
  g_autoptr(GString) records = g_string_new (NULL);

  g_return_val_if_fail (batch != NULL, NULL);

  for (guint i = 0; batch->records != NULL && i < batch->records->len; i++)
    {
      const OmsSyncRecord *record = g_ptr_array_index (batch->records, i);
      const char *data = record->action == OMS_SYNC_ACTION_DELETE ? NULL : record->data;

      oms_v6_append_pull_record (records, record->cursor, record->table_name, record->record_id,
                                 oms_sync_action_to_string (record->action), data,
                                 data != NULL ? strlen (data) : 0);
    }

  return oms_v6_build_pull_response_from_records (batch->end_cursor, batch->total_records,
                                                  batch->is_last_batch, records);
}

static gboolean
read_push_response (JsonNode  *root,
                    gpointer   out,
                    GError   **error)
{
  EnvelopeRead *read = out;
  JsonNode *data = read_envelope (root, read, error);
  JsonObject *object;

  return data != NULL &&
         (object = _oms_json_get_object (data, "push data", error)) != NULL &&
         _oms_json_require_uint (object, "push data", "records_pushed", &read->records_pushed,
                                 error);
}

/**
 * oms_v6_parse_push_response:
 * @body: (nullable): the body of `POST /central/sync/push`, whatever its HTTP status
 * @records_pushed: (out) (optional): how many records the server took
 * @out_server_error: (out) (optional) (transfer full) (nullable): the server's error, if any
 * @error: return location for an OMS_PROTOCOL_ERROR
 *
 * Returns: %TRUE if @body is `{"data":{"records_pushed":n}}`
 */
gboolean
oms_v6_parse_push_response (GBytes            *body,
                            gint64            *records_pushed,
                            OmsV6ServerError **out_server_error,
                            GError           **error)
{
  EnvelopeRead read = { NULL };
  gboolean ok;

  if (out_server_error != NULL)
    *out_server_error = NULL;

  ok = _oms_json_read_response (body, "/central/sync/push", read_push_response, &read, error);
  if (ok && records_pushed != NULL)
    *records_pushed = read.records_pushed;

  envelope_read_finish (&read, out_server_error);
  return ok;
}

/**
 * oms_v6_build_push_response:
 * @records_pushed: how many records the server took
 *
 * Returns: (transfer full): `{"data":{"records_pushed":n}}`
 */
GBytes *
oms_v6_build_push_response (gint64 records_pushed)
{
  GString *out;

  g_return_val_if_fail (records_pushed >= 0, NULL);

  out = g_string_new ("{\"data\":{\"records_pushed\":");
  _oms_json_append_int (out, records_pushed);
  g_string_append (out, "}}");
  return g_string_free_to_bytes (out);
}

static gboolean
read_site_status_response (JsonNode  *root,
                           gpointer   out,
                           GError   **error)
{
  EnvelopeRead *read = out;
  JsonNode *data = read_envelope (root, read, error);
  JsonObject *object;

  return data != NULL &&
         (object = _oms_json_get_object (data, "site status data", error)) != NULL &&
         _oms_json_require_bool (object, "site status data", "is_integrating",
                                 &read->is_integrating, error);
}

/**
 * oms_v6_parse_site_status_response:
 * @body: (nullable): the body of `POST /central/sync/site_status`, whatever its HTTP status
 * @is_integrating: (out) (optional): whether OMS central is still integrating this site
 * @out_server_error: (out) (optional) (transfer full) (nullable): the server's error, if any
 * @error: return location for an OMS_PROTOCOL_ERROR
 *
 * Returns: %TRUE if @body is `{"data":{"is_integrating":bool}}`
 */
gboolean
oms_v6_parse_site_status_response (GBytes            *body,
                                   gboolean          *is_integrating,
                                   OmsV6ServerError **out_server_error,
                                   GError           **error)
{
  EnvelopeRead read = { NULL };
  gboolean ok;

  if (out_server_error != NULL)
    *out_server_error = NULL;

  ok = _oms_json_read_response (body, "/central/sync/site_status", read_site_status_response,
                                &read, error);
  if (ok && is_integrating != NULL)
    *is_integrating = read.is_integrating;

  envelope_read_finish (&read, out_server_error);
  return ok;
}

/**
 * oms_v6_build_site_status_response:
 * @is_integrating: whether the server is still integrating the caller's pushed records
 *
 * Returns: (transfer full): `{"data":{"is_integrating":bool}}`
 */
GBytes *
oms_v6_build_site_status_response (gboolean is_integrating)
{
  static const char integrating[] = "{\"data\":{\"is_integrating\":true}}";
  static const char idle[] = "{\"data\":{\"is_integrating\":false}}";

  return is_integrating ? g_bytes_new_static (integrating, sizeof integrating - 1)
                        : g_bytes_new_static (idle, sizeof idle - 1);
}

static gboolean
read_upload_file_response (JsonNode  *root,
                           gpointer   out,
                           GError   **error)
{
  EnvelopeRead *read = out;
  JsonNode *data = read_envelope (root, read, error);

  if (data == NULL)
    return FALSE;

  /* `Data(())`: serde reads a unit from null only. */
  if (!JSON_NODE_HOLDS_NULL (data))
    {
      _oms_json_set_shape_error (error, _("upload_file data must be null"));
      return FALSE;
    }

  return TRUE;
}

/**
 * oms_v6_parse_upload_file_response:
 * @body: (nullable): the body of `PUT /central/sync/upload_file`, whatever its HTTP status
 * @out_server_error: (out) (optional) (transfer full) (nullable): the server's error, if any
 * @error: return location for an OMS_PROTOCOL_ERROR
 *
 * Returns: %TRUE if @body is `{"data":null}`
 */
gboolean
oms_v6_parse_upload_file_response (GBytes            *body,
                                   OmsV6ServerError **out_server_error,
                                   GError           **error)
{
  EnvelopeRead read = { NULL };
  gboolean ok;

  if (out_server_error != NULL)
    *out_server_error = NULL;

  ok = _oms_json_read_response (body, "/central/sync/upload_file", read_upload_file_response,
                                &read, error);

  envelope_read_finish (&read, out_server_error);
  return ok;
}

/**
 * oms_v6_build_upload_file_response:
 *
 * Returns: (transfer full): the answer of a stored upload, `{"data":null}`
 */
GBytes *
oms_v6_build_upload_file_response (void)
{
  static const char body[] = "{\"data\":null}";

  return g_bytes_new_static (body, sizeof body - 1);
}

static gboolean
read_bare_error (JsonNode  *root,
                 gpointer   out,
                 GError   **error)
{
  return read_server_error (root, out, error);
}

/**
 * oms_v6_parse_download_file_error:
 * @body: (nullable): the body of a `POST /central/sync/download_file` answered with a status
 *   that is not 2xx
 * @error: return location for an OMS_PROTOCOL_ERROR; always set
 *
 * A failed download is not wrapped in the `{"error": ...}` envelope: the body is the
 * SyncParsedErrorV6 itself (actix's ResponseError of Open mSupply's central).
 *
 * Returns: (transfer full) (nullable): the server's error, with @error set to its kind; or
 *   %NULL with @error set to OMS_PROTOCOL_ERROR_RESPONSE_PARSING when @body is not one
 */
OmsV6ServerError *
oms_v6_parse_download_file_error (GBytes  *body,
                                  GError **error)
{
  OmsV6ServerError *server_error = NULL;
  g_autoptr(GError) local_error = NULL;

  if (_oms_json_read_response (body, "/central/sync/download_file", read_bare_error,
                               &server_error, &local_error))
    g_assert_not_reached ();

  g_propagate_error (error, g_steal_pointer (&local_error));
  return server_error;
}

/* The settings object under @member: `syncV5Settings`, or upload_file's `sync_v5_settings`. */
static OmsSyncApiSettings *
read_settings_member (JsonObject  *request,
                      const char  *where,
                      const char  *member,
                      GError     **error)
{
  g_autoptr(OmsSyncApiSettings) settings = g_new0 (OmsSyncApiSettings, 1);
  const char *settings_where = member;
  JsonObject *object;

  if (!json_object_has_member (request, member))
    {
      _oms_json_set_shape_error (error, _("%s: missing field “%s”"), where, member);
      return NULL;
    }

  if ((object = _oms_json_get_object (json_object_get_member (request, member),
                                      settings_where, error)) == NULL ||
      !_oms_json_require_string (object, settings_where, "serverUrl", &settings->server_url,
                                 error) ||
      !_oms_json_require_string (object, settings_where, "username", &settings->username,
                                 error) ||
      !_oms_json_require_string (object, settings_where, "passwordSha256",
                                 &settings->password_sha256, error) ||
      !_oms_json_require_string (object, settings_where, "siteUuid", &settings->site_uuid,
                                 error) ||
      !_oms_json_require_string (object, settings_where, "appVersion", &settings->app_version,
                                 error) ||
      !_oms_json_require_string (object, settings_where, "appName", &settings->app_name,
                                 error) ||
      !_oms_json_require_string (object, settings_where, "syncVersion",
                                 &settings->sync_version, error))
    return NULL;

  return g_steal_pointer (&settings);
}

static OmsSyncApiSettings *
read_settings (JsonObject  *request,
               const char  *where,
               GError     **error)
{
  return read_settings_member (request, where, "syncV5Settings", error);
}

/* The version under @member defaults to 0 when absent (serde default), as the server treats
 * it.
 */
static gboolean
read_v6_version_member (JsonObject  *request,
                        const char  *member,
                        guint32     *out,
                        GError     **error)
{
  JsonNode *node = json_object_get_member (request, member);

  *out = 0;
  return node == NULL || read_u32 (node, member, out, error);
}

static gboolean
read_v6_version (JsonObject  *request,
                 guint32     *out,
                 GError     **error)
{
  return read_v6_version_member (request, "syncV6Version", out, error);
}

static gboolean
read_pull_request_common (JsonObject        *object,
                          const char        *where,
                          OmsV6PullRequest  *request,
                          GError           **error)
{
  if (!_oms_json_require_uint (object, where, "cursor", &request->cursor, error))
    return FALSE;

  if (!json_object_has_member (object, "batchSize"))
    {
      _oms_json_set_shape_error (error, _("%s: missing field “%s”"), where, "batchSize");
      return FALSE;
    }

  return read_u32 (json_object_get_member (object, "batchSize"), "batchSize",
                   &request->batch_size, error) &&
         (request->settings = read_settings (object, where, error)) != NULL &&
         read_v6_version (object, &request->sync_v6_version, error);
}

static gboolean
read_pull_request (JsonNode  *root,
                   gpointer   out,
                   GError   **error)
{
  g_autoptr(OmsV6PullRequest) request = g_new0 (OmsV6PullRequest, 1);
  const char *where = "pull request";
  JsonObject *object;

  if ((object = _oms_json_get_object (root, where, error)) == NULL ||
      !read_pull_request_common (object, where, request, error) ||
      !_oms_json_require_bool (object, where, "isInitialised", &request->is_initialised, error))
    return FALSE;

  *(OmsV6PullRequest **) out = g_steal_pointer (&request);
  return TRUE;
}

/**
 * oms_v6_parse_pull_request:
 * @body: (nullable): a `POST /central/sync/pull` request body
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * The server side of oms_v6_build_pull_body(); unknown keys are ignored.
 *
 * Returns: (transfer full) (nullable): the request
 */
OmsV6PullRequest *
oms_v6_parse_pull_request (GBytes  *body,
                           GError **error)
{
  OmsV6PullRequest *request = NULL;

  if (!_oms_json_read_request (body, "a /central/sync/pull request", read_pull_request,
                               &request, error))
    return NULL;

  return request;
}

static gboolean
read_patient_pull_request (JsonNode  *root,
                           gpointer   out,
                           GError   **error)
{
  g_autoptr(OmsV6PullRequest) request = g_new0 (OmsV6PullRequest, 1);
  const char *where = "patient-pull request";
  JsonObject *object;

  if ((object = _oms_json_get_object (root, where, error)) == NULL ||
      !read_pull_request_common (object, where, request, error) ||
      !_oms_json_require_string (object, where, "fetchPatientId", &request->fetch_patient_id,
                                 error))
    return FALSE;

  *(OmsV6PullRequest **) out = g_steal_pointer (&request);
  return TRUE;
}

/**
 * oms_v6_parse_patient_pull_request:
 * @body: (nullable): a `POST /central/sync/patient-pull` request body
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * Returns: (transfer full) (nullable): the request, with `fetch_patient_id` set
 */
OmsV6PullRequest *
oms_v6_parse_patient_pull_request (GBytes  *body,
                                   GError **error)
{
  OmsV6PullRequest *request = NULL;

  if (!_oms_json_read_request (body, "a /central/sync/patient-pull request",
                               read_patient_pull_request, &request, error))
    return NULL;

  return request;
}

static gboolean
read_push_request (JsonNode  *root,
                   gpointer   out,
                   GError   **error)
{
  g_autoptr(OmsV6PushRequest) request = g_new0 (OmsV6PushRequest, 1);
  const char *where = "push request";
  JsonObject *object;

  if ((object = _oms_json_get_object (root, where, error)) == NULL)
    return FALSE;

  if (!json_object_has_member (object, "batch"))
    {
      _oms_json_set_shape_error (error, _("%s: missing field “%s”"), where, "batch");
      return FALSE;
    }

  if (!read_batch (json_object_get_member (object, "batch"), "batch", &request->batch, error) ||
      (request->settings = read_settings (object, where, error)) == NULL ||
      !read_v6_version (object, &request->sync_v6_version, error))
    return FALSE;

  *(OmsV6PushRequest **) out = g_steal_pointer (&request);
  return TRUE;
}

/**
 * oms_v6_parse_push_request:
 * @body: (nullable): a `POST /central/sync/push` request body
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * The server side of oms_v6_build_push_body(). As on OMS central, all four batch fields are
 * required.
 *
 * Returns: (transfer full) (nullable): the request
 */
OmsV6PushRequest *
oms_v6_parse_push_request (GBytes  *body,
                           GError **error)
{
  OmsV6PushRequest *request = NULL;

  if (!_oms_json_read_request (body, "a /central/sync/push request", read_push_request,
                               &request, error))
    return NULL;

  return request;
}

typedef struct
{
  OmsSyncApiSettings *settings;
  guint32             sync_v6_version;
} SiteStatusRequest;

static gboolean
read_site_status_request (JsonNode  *root,
                          gpointer   out,
                          GError   **error)
{
  SiteStatusRequest *request = out;
  const char *where = "site_status request";
  JsonObject *object;

  return (object = _oms_json_get_object (root, where, error)) != NULL &&
         (request->settings = read_settings (object, where, error)) != NULL &&
         read_v6_version (object, &request->sync_v6_version, error);
}

/**
 * oms_v6_parse_site_status_request:
 * @body: (nullable): a `POST /central/sync/site_status` request body
 * @sync_v6_version: (out) (optional): the client's `syncV6Version` (0 when absent)
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * Returns: (transfer full) (nullable): the caller's `syncV5Settings`
 */
OmsSyncApiSettings *
oms_v6_parse_site_status_request (GBytes   *body,
                                  guint32  *sync_v6_version,
                                  GError  **error)
{
  SiteStatusRequest request = { NULL, 0 };

  if (!_oms_json_read_request (body, "a /central/sync/site_status request",
                               read_site_status_request, &request, error))
    {
      oms_sync_api_settings_free (request.settings);
      return NULL;
    }

  if (sync_v6_version != NULL)
    *sync_v6_version = request.sync_v6_version;

  return request.settings;
}

static gboolean
read_upload_file_request (JsonNode  *root,
                          gpointer   out,
                          GError   **error)
{
  g_autoptr(OmsV6UploadFileRequest) request = g_new0 (OmsV6UploadFileRequest, 1);
  const char *where = "upload_file json_part";
  JsonObject *object;

  if ((object = _oms_json_get_object (root, where, error)) == NULL ||
      !_oms_json_require_string (object, where, "file_id", &request->file_id, error) ||
      (request->settings = read_settings_member (object, where, "sync_v5_settings",
                                                 error)) == NULL ||
      !read_v6_version_member (object, "sync_v6_version", &request->sync_v6_version, error))
    return FALSE;

  *(OmsV6UploadFileRequest **) out = g_steal_pointer (&request);
  return TRUE;
}

/**
 * oms_v6_parse_upload_file_request:
 * @json_part: (nullable): the `json_part` of a `PUT /central/sync/upload_file`
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * The server side of oms_v6_build_upload_file_json(): snake_case outer keys, camelCase
 * settings inside. The part passes the JSON gate first.
 *
 * Returns: (transfer full) (nullable): the request
 */
OmsV6UploadFileRequest *
oms_v6_parse_upload_file_request (GBytes  *json_part,
                                  GError **error)
{
  OmsV6UploadFileRequest *request = NULL;

  if (!_oms_json_read_request (json_part, "the json_part of a /central/sync/upload_file request",
                               read_upload_file_request, &request, error))
    return NULL;

  return request;
}

static gboolean
read_download_file_request (JsonNode  *root,
                            gpointer   out,
                            GError   **error)
{
  g_autoptr(OmsV6DownloadFileRequest) request = g_new0 (OmsV6DownloadFileRequest, 1);
  const char *where = "download_file request";
  JsonObject *object;

  if ((object = _oms_json_get_object (root, where, error)) == NULL ||
      !_oms_json_require_string (object, where, "tableName", &request->table_name, error) ||
      !_oms_json_require_string (object, where, "recordId", &request->record_id, error) ||
      !_oms_json_require_string (object, where, "id", &request->id, error) ||
      (request->settings = read_settings (object, where, error)) == NULL ||
      !read_v6_version (object, &request->sync_v6_version, error))
    return FALSE;

  *(OmsV6DownloadFileRequest **) out = g_steal_pointer (&request);
  return TRUE;
}

/**
 * oms_v6_parse_download_file_request:
 * @body: (nullable): a `POST /central/sync/download_file` request body
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * The server side of oms_v6_build_download_file_body(). The body passes the JSON gate first.
 *
 * Returns: (transfer full) (nullable): the request
 */
OmsV6DownloadFileRequest *
oms_v6_parse_download_file_request (GBytes  *body,
                                    GError **error)
{
  OmsV6DownloadFileRequest *request = NULL;

  if (!_oms_json_read_request (body, "a /central/sync/download_file request",
                               read_download_file_request, &request, error))
    return NULL;

  return request;
}

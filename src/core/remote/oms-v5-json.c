/* oms-v5-json.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-v5-json"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "oms-json-util.h"
#include "oms-json-util-private.h"
#include "oms-protocol-error.h"
#include "oms-sync-record-private.h"
#include "oms-v5-json.h"
#include "oms-v5-json-private.h"

/* How much of a plain-text error body goes into the error's detail. */
#define TEXT_EXCERPT_BYTES 1000

/* Wire values in enum order, NULL-terminated. */
static const char * const initialisation_statuses[] = {
  "new", "started", "completed", "error", NULL,
};

static const char * const site_status_codes[] = {
  "sync_is_running", "integration_in_progress", "initialisation_in_progress", "idle", NULL,
};

G_STATIC_ASSERT (G_N_ELEMENTS (initialisation_statuses) == OMS_V5_INITIALISATION_STATUS_ERROR + 2);
G_STATIC_ASSERT (G_N_ELEMENTS (site_status_codes) == OMS_V5_SITE_STATUS_IDLE + 2);

/**
 * oms_v5_site_info_free:
 * @info: (nullable): site info
 *
 * Frees @info.
 */
void
oms_v5_site_info_free (OmsV5SiteInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->id);
  g_free (info->central_server_url);
  g_free (info);
}

/**
 * oms_v5_site_status_free:
 * @status: (nullable): a site status
 *
 * Frees @status.
 */
void
oms_v5_site_status_free (OmsV5SiteStatus *status)
{
  if (status == NULL)
    return;

  g_free (status->message);
  g_free (status->data);
  g_free (status);
}

/**
 * oms_v5_central_batch_free:
 * @batch: (nullable): a central_records batch
 *
 * Frees @batch and its records.
 */
void
oms_v5_central_batch_free (OmsV5CentralBatch *batch)
{
  if (batch == NULL)
    return;

  g_clear_pointer (&batch->records, g_ptr_array_unref);
  g_free (batch);
}

/**
 * oms_v5_remote_batch_free:
 * @batch: (nullable): a queued_records or initialise batch
 *
 * Frees @batch and its records.
 */
void
oms_v5_remote_batch_free (OmsV5RemoteBatch *batch)
{
  if (batch == NULL)
    return;

  g_clear_pointer (&batch->records, g_ptr_array_unref);
  g_free (batch);
}

/**
 * oms_v5_error_free:
 * @error_body: (nullable): a parsed v5 error body
 *
 * Frees @error_body.
 */
void
oms_v5_error_free (OmsV5Error *error_body)
{
  if (error_body == NULL)
    return;

  g_free (error_body->code);
  g_free (error_body->message);
  g_free (error_body->data);
  g_free (error_body);
}

/**
 * oms_v5_initialisation_status_to_string:
 * @status: an initialisation status
 *
 * Returns: (transfer none): the wire value, e.g. `"started"`
 */
const char *
oms_v5_initialisation_status_to_string (OmsV5InitialisationStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (initialisation_statuses) - 1, NULL);

  return initialisation_statuses[status];
}

/**
 * oms_v5_site_status_code_to_string:
 * @code: a site status code
 *
 * Returns: (transfer none): the wire value, e.g. `"idle"`
 */
const char *
oms_v5_site_status_code_to_string (OmsV5SiteStatusCode code)
{
  g_return_val_if_fail ((guint) code < G_N_ELEMENTS (site_status_codes) - 1, NULL);

  return site_status_codes[code];
}

/* Reads a string member that must be one of @names; its index is the enum value. */
static gboolean
read_enum (JsonObject          *object,
           const char          *where,
           const char          *member,
           const char * const  *names,
           int                 *out,
           GError             **error)
{
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;

  if (!_oms_json_require_string (object, where, member, &text, error))
    return FALSE;

  for (int i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (text, names[i]))
        {
          *out = i;
          return TRUE;
        }
    }

  expected = g_strjoinv (", ", (char **) names);
  _oms_json_set_shape_error (error,
                             _("%s: field “%s” has unknown value “%s” (expected one of %s)"),
                             where, member, text, expected);
  return FALSE;
}

static gboolean
read_site_info (JsonNode  *root,
                gpointer   out,
                GError   **error)
{
  g_autoptr(OmsV5SiteInfo) info = g_new0 (OmsV5SiteInfo, 1);
  const char *where = "site info";
  JsonObject *object;
  int status = 0;

  if ((object = _oms_json_get_object (root, where, error)) == NULL ||
      !_oms_json_require_string (object, where, "id", &info->id, error) ||
      !_oms_json_require_int32 (object, where, "siteId", &info->site_id, error) ||
      !read_enum (object, where, "initialisationStatus", initialisation_statuses, &status,
                  error) ||
      !_oms_json_require_string (object, where, "omSupplyCentralServerUrl",
                                 &info->central_server_url, error) ||
      !_oms_json_require_bool (object, where, "isOmSupplyCentralServer",
                               &info->is_central_server, error) ||
      !_oms_json_require_int32 (object, where, "mSupplyCentralSiteId",
                                &info->msupply_central_site_id, error))
    return FALSE;

  info->initialisation_status = (OmsV5InitialisationStatus) status;
  *(OmsV5SiteInfo **) out = g_steal_pointer (&info);
  return TRUE;
}

/**
 * oms_v5_parse_site_info:
 * @body: (nullable): the body of a 2xx `GET /sync/v5/site`
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * All six fields are required; other keys (`code`, `name`) are ignored.
 *
 * Returns: (transfer full) (nullable): the site info, or %NULL on a wrong shape
 */
OmsV5SiteInfo *
oms_v5_parse_site_info (GBytes  *body,
                        GError **error)
{
  OmsV5SiteInfo *info = NULL;

  if (!_oms_json_read_response (body, "/sync/v5/site", read_site_info, &info, error))
    return NULL;

  return info;
}

static gboolean
read_site_status (JsonNode  *root,
                  gpointer   out,
                  GError   **error)
{
  g_autoptr(OmsV5SiteStatus) status = g_new0 (OmsV5SiteStatus, 1);
  const char *where = "site status";
  JsonObject *object;
  int code = 0;

  if ((object = _oms_json_get_object (root, where, error)) == NULL ||
      !read_enum (object, where, "code", site_status_codes, &code, error) ||
      !_oms_json_require_string (object, where, "message", &status->message, error) ||
      !_oms_json_optional_string (object, where, "data", &status->data, error))
    return FALSE;

  status->code = (OmsV5SiteStatusCode) code;
  *(OmsV5SiteStatus **) out = g_steal_pointer (&status);
  return TRUE;
}

/**
 * oms_v5_parse_site_status:
 * @body: (nullable): the body of a 2xx `GET /sync/v5/site_status`
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * Returns: (transfer full) (nullable): the status, or %NULL on a wrong shape or unknown code
 */
OmsV5SiteStatus *
oms_v5_parse_site_status (GBytes  *body,
                          GError **error)
{
  OmsV5SiteStatus *status = NULL;

  if (!_oms_json_read_response (body, "/sync/v5/site_status", read_site_status, &status, error))
    return NULL;

  return status;
}

/* Reads the optional "data" array of a v5 batch; @id_member is "ID" or "syncOutId". */
static gboolean
read_records (JsonObject  *object,
              const char  *where,
              const char  *id_member,
              GPtrArray   *records,
              GError     **error)
{
  JsonArray *array;
  guint length;

  if (!_oms_json_get_array (object, where, "data", FALSE, &array, error))
    return FALSE;

  length = array != NULL ? json_array_get_length (array) : 0;
  g_ptr_array_set_size (records, 0);

  for (guint i = 0; i < length; i++)
    {
      g_autofree char *item_where = g_strdup_printf ("%s data[%u]", where, i);
      g_autoptr(OmsSyncRecord) record = g_new0 (OmsSyncRecord, 1);
      JsonObject *item;

      if ((item = _oms_json_get_object (json_array_get_element (array, i), item_where,
                                        error)) == NULL)
        return FALSE;

      if (g_str_equal (id_member, "ID"))
        {
          if (!_oms_json_require_uint (item, item_where, "ID", &record->cursor, error))
            return FALSE;
        }
      else if (!_oms_json_require_string (item, item_where, id_member, &record->sync_id, error))
        {
          return FALSE;
        }

      if (!_oms_sync_record_read_common (record, item, item_where, error))
        return FALSE;

      g_ptr_array_add (records, g_steal_pointer (&record));
    }

  return TRUE;
}

static gboolean
read_central_batch (JsonNode  *root,
                    gpointer   out,
                    GError   **error)
{
  g_autoptr(OmsV5CentralBatch) batch = g_new0 (OmsV5CentralBatch, 1);
  const char *where = "central records";
  JsonObject *object;

  batch->records = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_sync_record_free);

  if ((object = _oms_json_get_object (root, where, error)) == NULL ||
      !_oms_json_require_uint (object, where, "maxCursor", &batch->max_cursor, error) ||
      !read_records (object, where, "ID", batch->records, error))
    return FALSE;

  *(OmsV5CentralBatch **) out = g_steal_pointer (&batch);
  return TRUE;
}

/**
 * oms_v5_parse_central_records:
 * @body: (nullable): the body of a 2xx `GET /sync/v5/central_records`
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * `data` may be absent (no records). Each record's recordData is kept as canonical compact
 * JSON, `{}` when absent (deletes).
 *
 * Returns: (transfer full) (nullable): the batch, or %NULL on a wrong shape
 */
OmsV5CentralBatch *
oms_v5_parse_central_records (GBytes  *body,
                              GError **error)
{
  OmsV5CentralBatch *batch = NULL;

  if (!_oms_json_read_response (body, "/sync/v5/central_records", read_central_batch, &batch,
                                error))
    return NULL;

  return batch;
}

static gboolean
read_remote_batch (JsonNode  *root,
                   gpointer   out,
                   GError   **error)
{
  g_autoptr(OmsV5RemoteBatch) batch = g_new0 (OmsV5RemoteBatch, 1);
  const char *where = "queued records";
  JsonObject *object;

  batch->records = g_ptr_array_new_with_free_func ((GDestroyNotify) oms_sync_record_free);

  if ((object = _oms_json_get_object (root, where, error)) == NULL ||
      !_oms_json_require_uint (object, where, "queueLength", &batch->queue_length, error) ||
      !read_records (object, where, "syncOutId", batch->records, error))
    return FALSE;

  *(OmsV5RemoteBatch **) out = g_steal_pointer (&batch);
  return TRUE;
}

/**
 * oms_v5_parse_queued_records:
 * @body: (nullable): the body of a 2xx `GET /sync/v5/queued_records`
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * Returns: (transfer full) (nullable): the batch, or %NULL on a wrong shape
 */
OmsV5RemoteBatch *
oms_v5_parse_queued_records (GBytes  *body,
                             GError **error)
{
  OmsV5RemoteBatch *batch = NULL;

  if (!_oms_json_read_response (body, "/sync/v5/queued_records", read_remote_batch, &batch,
                                error))
    return NULL;

  return batch;
}

/**
 * oms_v5_parse_initialise_response:
 * @body: (nullable): the body of a 2xx `POST /sync/v5/initialise`
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * The answer has the queued_records shape: `queueLength` and an optional `data`.
 *
 * Returns: (transfer full) (nullable): the batch, or %NULL on a wrong shape
 */
OmsV5RemoteBatch *
oms_v5_parse_initialise_response (GBytes  *body,
                                  GError **error)
{
  OmsV5RemoteBatch *batch = NULL;

  if (!_oms_json_read_response (body, "/sync/v5/initialise", read_remote_batch, &batch, error))
    return NULL;

  return batch;
}

static gboolean
read_push_response (JsonNode  *root,
                    gpointer   out,
                    GError   **error)
{
  JsonObject *object;

  return (object = _oms_json_get_object (root, "push response", error)) != NULL &&
         _oms_json_require_bool (object, "push response", "integrationStarted", out, error);
}

/**
 * oms_v5_parse_push_response:
 * @body: (nullable): the body of a 2xx `POST /sync/v5/queued_records`
 * @integration_started: (out): whether the legacy server started integrating
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * Returns: %TRUE if @body is `{"integrationStarted": bool}`
 */
gboolean
oms_v5_parse_push_response (GBytes    *body,
                            gboolean  *integration_started,
                            GError   **error)
{
  gboolean started = FALSE;

  g_return_val_if_fail (integration_started != NULL, FALSE);

  if (!_oms_json_read_response (body, "/sync/v5/queued_records", read_push_response, &started,
                                error))
    return FALSE;

  *integration_started = started;
  return TRUE;
}

/* Reads the inner {"code","message","data"} object, shared with v6's legacyServerError. */
OmsV5Error *
_oms_v5_error_read (JsonNode    *node,
                    const char  *where,
                    GError     **error)
{
  g_autoptr(OmsV5Error) error_body = g_new0 (OmsV5Error, 1);
  JsonObject *object;
  JsonNode *data;

  if ((object = _oms_json_get_object (node, where, error)) == NULL ||
      !_oms_json_require_string (object, where, "code", &error_body->code, error) ||
      !_oms_json_require_string (object, where, "message", &error_body->message, error))
    return NULL;

  data = json_object_get_member (object, "data");
  if (data != NULL && !JSON_NODE_HOLDS_NULL (data))
    error_body->data = oms_json_to_canonical (data);

  return g_steal_pointer (&error_body);
}

static gboolean
read_error_body (JsonNode  *root,
                 gpointer   out,
                 GError   **error)
{
  JsonObject *object;

  if ((object = _oms_json_get_object (root, "error response", error)) == NULL)
    return FALSE;

  if (!json_object_has_member (object, "error"))
    {
      _oms_json_set_shape_error (error, _("%s: missing field “%s”"), "error response", "error");
      return FALSE;
    }

  *(OmsV5Error **) out = _oms_v5_error_read (json_object_get_member (object, "error"), "error",
                                             error);
  return *(OmsV5Error **) out != NULL;
}

/**
 * oms_v5_parse_error_body:
 * @body: (nullable): the body of a non-2xx v5 response
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * Returns: (transfer full) (nullable): the parsed `{"error":{"code","message","data"}}`, or
 *   %NULL if @body is anything else (plain text, empty, another shape)
 */
OmsV5Error *
oms_v5_parse_error_body (GBytes  *body,
                         GError **error)
{
  OmsV5Error *error_body = NULL;

  if (!_oms_json_read_response (body, "error response", read_error_body, &error_body, error))
    return NULL;

  return error_body;
}

/**
 * oms_v5_error_new_for_status:
 * @status: the HTTP status of a non-2xx v5 response
 * @body: (nullable): its body
 * @out_error_body: (out) (optional) (transfer full) (nullable): the parsed error body, when
 *   there is one; its `code` picks the sync error variant
 *
 * Classifies a failed v5 call as Open mSupply does: a `{"error":{...}}` body gives
 * OMS_PROTOCOL_ERROR_HTTP_STATUS_PARSED, anything else OMS_PROTOCOL_ERROR_HTTP_STATUS_TEXT.
 * The message is the technical detail (status, code, server message or start of the text).
 *
 * Returns: (transfer full): the error
 */
GError *
oms_v5_error_new_for_status (guint        status,
                             GBytes      *body,
                             OmsV5Error **out_error_body)
{
  g_autoptr(OmsV5Error) error_body = NULL;
  GError *error;

  error_body = oms_v5_parse_error_body (body, NULL);

  if (error_body != NULL)
    {
      error = g_error_new (OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_HTTP_STATUS_PARSED,
                           _("The server answered %u %s with error “%s”: %s (data: %s)"),
                           status, soup_status_get_phrase (status), error_body->code,
                           error_body->message,
                           error_body->data != NULL ? error_body->data : "null");
    }
  else
    {
      const char *data = NULL;
      gsize size = 0;
      g_autofree char *text = NULL;

      if (body != NULL)
        data = g_bytes_get_data (body, &size);

      text = g_utf8_make_valid (data != NULL ? data : "",
                                (gssize) MIN (size, (gsize) TEXT_EXCERPT_BYTES));
      g_strstrip (text);

      error = g_error_new (OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_HTTP_STATUS_TEXT,
                           _("The server answered %u %s: '%s%s'"),
                           status, soup_status_get_phrase (status), text,
                           size > TEXT_EXCERPT_BYTES ? "…" : "");
    }

  if (out_error_body != NULL)
    *out_error_body = g_steal_pointer (&error_body);

  return error;
}

/**
 * oms_v5_remote_batch_dup_sync_ids:
 * @batch: a queued_records batch
 *
 * Returns: (transfer full): the `syncOutId` of every record, for acknowledged_records
 */
char **
oms_v5_remote_batch_dup_sync_ids (const OmsV5RemoteBatch *batch)
{
  GStrvBuilder *builder;
  char **ids;

  g_return_val_if_fail (batch != NULL, NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; batch->records != NULL && i < batch->records->len; i++)
    {
      const OmsSyncRecord *record = g_ptr_array_index (batch->records, i);

      if (record->sync_id != NULL)
        g_strv_builder_add (builder, record->sync_id);
    }

  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return ids;
}

/**
 * oms_v5_build_push_body:
 * @queue_length: records still to push, including these
 * @records: (nullable) (element-type OmsSyncRecord): the records; %NULL or empty for the
 *   final batch
 * @error: return location for an error if a record's data is not JSON
 *
 * Builds the `POST /sync/v5/queued_records` body byte for byte as Open mSupply does: compact,
 * `syncOutId, tableName, recordId, action, recordData` in that order, recordData keys sorted.
 * `syncOutId` is the record's `sync_id`, or its `cursor` in decimal when `sync_id` is %NULL.
 *
 * Returns: (transfer full) (nullable): the body
 */
GBytes *
oms_v5_build_push_body (gint64      queue_length,
                        GPtrArray  *records,
                        GError    **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (queue_length >= 0, NULL);

  g_string_append_printf (out, "{\"queueLength\":%" G_GINT64_FORMAT ",\"data\":[", queue_length);

  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      const OmsSyncRecord *record = g_ptr_array_index (records, i);
      g_autofree char *sync_id = NULL;

      if (i > 0)
        g_string_append_c (out, ',');

      sync_id = record->sync_id != NULL
        ? g_strdup (record->sync_id)
        : g_strdup_printf ("%" G_GINT64_FORMAT, record->cursor);

      g_string_append_c (out, '{');
      _oms_json_append_member (out, "syncOutId");
      _oms_json_append_string (out, sync_id);
      g_string_append_c (out, ',');
      if (!_oms_sync_record_append_common (out, record, error))
        return NULL;
      g_string_append_c (out, '}');
    }

  g_string_append (out, "]}");
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

/**
 * oms_v5_build_acknowledge_body:
 * @sync_ids: (array zero-terminated=1): `syncOutId`s of the records now stored
 *
 * Returns: (transfer full): the `POST /sync/v5/acknowledged_records` body, `{"syncIDs":[...]}`
 */
GBytes *
oms_v5_build_acknowledge_body (const char * const *sync_ids)
{
  GString *out = g_string_new ("{\"syncIDs\":[");

  for (guint i = 0; sync_ids != NULL && sync_ids[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      _oms_json_append_string (out, sync_ids[i]);
    }

  g_string_append (out, "]}");
  return g_string_free_to_bytes (out);
}

/**
 * oms_v5_build_initialise_body:
 *
 * Returns: (transfer full): the `POST /sync/v5/initialise` body, `{}`
 */
GBytes *
oms_v5_build_initialise_body (void)
{
  return g_bytes_new_static ("{}", 2);
}

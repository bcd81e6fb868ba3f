/* oms-v5-json.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-v5-json"

#include "config.h"

#include <string.h>

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
  g_free (info->code);
  g_free (info->name);
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
 * oms_v5_error_new:
 * @code: the error code, e.g. `"site_incorrect_hardware_id"`
 * @message: the message for people
 * @data: (nullable): JSON text, or %NULL for null
 *
 * Returns: (transfer full): an error body, for a server to answer with
 */
OmsV5Error *
oms_v5_error_new (const char *code,
                  const char *message,
                  const char *data)
{
  OmsV5Error *error_body;

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (message != NULL, NULL);

  error_body = g_new0 (OmsV5Error, 1);
  error_body->code = g_strdup (code);
  error_body->message = g_strdup (message);
  error_body->data = g_strdup (data);
  return error_body;
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
 * oms_v5_initialisation_status_from_string:
 * @text: (nullable): a wire value, e.g. `"started"`
 * @status: (out): the status
 *
 * Returns: %TRUE if @text is one of the four statuses
 */
gboolean
oms_v5_initialisation_status_from_string (const char                *text,
                                          OmsV5InitialisationStatus *status)
{
  g_return_val_if_fail (status != NULL, FALSE);

  for (guint i = 0; text != NULL && initialisation_statuses[i] != NULL; i++)
    {
      if (g_str_equal (text, initialisation_statuses[i]))
        {
          *status = (OmsV5InitialisationStatus) i;
          return TRUE;
        }
    }

  return FALSE;
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

/* "key":"value", or "key":null when @value is NULL. */
static void
append_string_member (GString    *out,
                      const char *key,
                      const char *value)
{
  _oms_json_append_member (out, key);
  if (value != NULL)
    _oms_json_append_string (out, value);
  else
    g_string_append (out, "null");
}

static void
append_int_member (GString    *out,
                   const char *key,
                   gint64      value)
{
  _oms_json_append_member (out, key);
  _oms_json_append_int (out, value);
}

/* A member that is kept only when it is a string; others are ignored, as unknown keys are. */
static char *
dup_optional_text (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return g_strdup (json_node_get_string (node));
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
                             /* Translators: the part of the server's answer (e.g. “site info”),
                              * a field's name and the value received (both stay in English),
                              * then the list of values expected. */
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
  info->code = dup_optional_text (object, "code");
  info->name = dup_optional_text (object, "name");
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

/**
 * oms_v5_build_site_info:
 * @info: a site's info
 *
 * The server side of oms_v5_parse_site_info(), in the legacy central's field order (F4a):
 * `code` and `name` are written only when set.
 *
 * Returns: (transfer full): the body of a 2xx `GET /sync/v5/site`
 */
GBytes *
oms_v5_build_site_info (const OmsV5SiteInfo *info)
{
  GString *out;

  g_return_val_if_fail (info != NULL, NULL);

  out = g_string_new ("{");
  append_string_member (out, "id", info->id);
  g_string_append_c (out, ',');
  append_int_member (out, "siteId", info->site_id);
  if (info->code != NULL)
    {
      g_string_append_c (out, ',');
      append_string_member (out, "code", info->code);
    }
  if (info->name != NULL)
    {
      g_string_append_c (out, ',');
      append_string_member (out, "name", info->name);
    }
  g_string_append_c (out, ',');
  append_string_member (out, "initialisationStatus",
                        oms_v5_initialisation_status_to_string (info->initialisation_status));
  g_string_append_c (out, ',');
  _oms_json_append_member (out, "isOmSupplyCentralServer");
  g_string_append (out, info->is_central_server ? "true," : "false,");
  append_string_member (out, "omSupplyCentralServerUrl", info->central_server_url);
  g_string_append_c (out, ',');
  append_int_member (out, "mSupplyCentralSiteId", info->msupply_central_site_id);
  g_string_append_c (out, '}');

  return g_string_free_to_bytes (out);
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

/**
 * oms_v5_build_site_status:
 * @status: a site status
 *
 * Returns: (transfer full): the body of a 2xx `GET /sync/v5/site_status`,
 *   `{"code","message","data"}`
 */
GBytes *
oms_v5_build_site_status (const OmsV5SiteStatus *status)
{
  GString *out;

  g_return_val_if_fail (status != NULL, NULL);

  out = g_string_new ("{");
  append_string_member (out, "code", oms_v5_site_status_code_to_string (status->code));
  g_string_append_c (out, ',');
  append_string_member (out, "message", status->message);
  g_string_append_c (out, ',');
  append_string_member (out, "data", status->data);
  g_string_append_c (out, '}');

  return g_string_free_to_bytes (out);
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

/* A record's members after its id, closing it. @data is copied as it is; NULL leaves
 * recordData out, as the legacy central does for deletes (F2).
 */
static void
append_record_common (GString    *out,
                      const char *table_name,
                      const char *record_id,
                      const char *action,
                      const char *data,
                      gsize       data_length)
{
  g_string_append_c (out, ',');
  _oms_sync_record_append_stored (out, table_name, record_id, action, data, data_length, FALSE);
  g_string_append_c (out, '}');
}

/* The separator before a record: none after the opening of the array. */
static void
begin_record (GString *out)
{
  g_string_append (out, out->str[out->len - 1] == '[' ? "{" : ",{");
}

/**
 * oms_v5_begin_central_records:
 * @out: where to write
 * @max_cursor: the newest record's ID on the server
 *
 * Starts a `GET /sync/v5/central_records` answer; add each record with
 * oms_v5_append_central_record() and close it with oms_v5_end_records().
 */
void
oms_v5_begin_central_records (GString *out,
                              gint64   max_cursor)
{
  g_return_if_fail (out != NULL);

  g_string_append (out, "{\"maxCursor\":");
  _oms_json_append_int (out, max_cursor);
  g_string_append (out, ",\"data\":[");
}

/**
 * oms_v5_append_central_record:
 * @out: a body begun with oms_v5_begin_central_records()
 * @id: the record's ID (its cursor)
 * @table_name: the legacy table name
 * @record_id: the record's id
 * @action: the action as the legacy central writes it: `insert`, `update`, `delete`, `merge`
 * @data: (nullable): recordData, one JSON value copied as it is; %NULL leaves it out
 * @data_length: the length of @data in bytes
 */
void
oms_v5_append_central_record (GString    *out,
                              gint64      id,
                              const char *table_name,
                              const char *record_id,
                              const char *action,
                              const char *data,
                              gsize       data_length)
{
  g_return_if_fail (out != NULL && out->len > 0);

  begin_record (out);
  _oms_json_append_member (out, "ID");
  _oms_json_append_int (out, id);
  append_record_common (out, table_name, record_id, action, data, data_length);
}

/**
 * oms_v5_end_records:
 * @out: a body begun with oms_v5_begin_central_records() or oms_v5_begin_queued_records()
 *
 * Closes the body.
 */
void
oms_v5_end_records (GString *out)
{
  g_return_if_fail (out != NULL);

  g_string_append (out, "]}");
}

/* The legacy central's spelling of an action: lower case (F2, F3a). */
static const char *
legacy_action (OmsSyncAction action)
{
  switch (action)
    {
    case OMS_SYNC_ACTION_INSERT:
      return "insert";
    case OMS_SYNC_ACTION_DELETE:
      return "delete";
    case OMS_SYNC_ACTION_MERGE:
      return "merge";
    case OMS_SYNC_ACTION_UPDATE:
    default:
      return "update";
    }
}

/* Writes @records as the legacy central does, after the begin function wrote the head: lower
 * case actions, no recordData for deletes; each record's `cursor` is its ID in central_records,
 * its `sync_id` the syncOutId in queued_records.
 */
static GBytes *
finish_legacy_records (GString   *out,
                       GPtrArray *records,
                       gboolean   queued)
{
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      const OmsSyncRecord *record = g_ptr_array_index (records, i);
      const char *action = legacy_action (record->action);
      const char *data = record->action == OMS_SYNC_ACTION_DELETE ? NULL : record->data;
      gsize data_length = data != NULL ? strlen (data) : 0;

      if (queued)
        oms_v5_append_queued_record (out, record->sync_id != NULL ? record->sync_id : "",
                                     record->table_name, record->record_id, action, data,
                                     data_length);
      else
        oms_v5_append_central_record (out, record->cursor, record->table_name,
                                      record->record_id, action, data, data_length);
    }

  oms_v5_end_records (out);
  return g_string_free_to_bytes (out);
}

/**
 * oms_v5_build_central_records:
 * @batch: a batch; each record's `cursor` is its ID and its data is JSON
 *
 * The server side of oms_v5_parse_central_records(), as the legacy central writes it (F2):
 * actions in lower case, deletes without recordData.
 *
 * Returns: (transfer full): the body
 */
GBytes *
oms_v5_build_central_records (const OmsV5CentralBatch *batch)
{
  GString *out;

  g_return_val_if_fail (batch != NULL, NULL);

  out = g_string_new (NULL);
  oms_v5_begin_central_records (out, batch->max_cursor);
  return finish_legacy_records (out, batch->records, FALSE);
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
 * oms_v5_begin_queued_records:
 * @out: where to write
 * @queue_length: the records queued for the site, including those that follow
 *
 * Starts a `GET /sync/v5/queued_records` answer; add each record with
 * oms_v5_append_queued_record() and close it with oms_v5_end_records().
 */
void
oms_v5_begin_queued_records (GString *out,
                             gint64   queue_length)
{
  g_return_if_fail (out != NULL);

  g_string_append (out, "{\"queueLength\":");
  _oms_json_append_int (out, queue_length);
  g_string_append (out, ",\"data\":[");
}

/**
 * oms_v5_append_queued_record:
 * @out: a body begun with oms_v5_begin_queued_records()
 * @sync_out_id: the id the site acknowledges the record by
 * @table_name: the legacy table name
 * @record_id: the record's id
 * @action: the action as the legacy central writes it, e.g. `insert`
 * @data: (nullable): recordData, one JSON value copied as it is; %NULL leaves it out
 * @data_length: the length of @data in bytes
 */
void
oms_v5_append_queued_record (GString    *out,
                             const char *sync_out_id,
                             const char *table_name,
                             const char *record_id,
                             const char *action,
                             const char *data,
                             gsize       data_length)
{
  g_return_if_fail (out != NULL && out->len > 0);

  begin_record (out);
  _oms_json_append_member (out, "syncOutId");
  _oms_json_append_string (out, sync_out_id);
  append_record_common (out, table_name, record_id, action, data, data_length);
}

/**
 * oms_v5_build_queued_records:
 * @batch: a batch; each record has a `sync_id` and JSON data
 *
 * The server side of oms_v5_parse_queued_records(), as the legacy central writes it (F3a).
 *
 * Returns: (transfer full): the body
 */
GBytes *
oms_v5_build_queued_records (const OmsV5RemoteBatch *batch)
{
  GString *out;

  g_return_val_if_fail (batch != NULL, NULL);

  out = g_string_new (NULL);
  oms_v5_begin_queued_records (out, batch->queue_length);
  return finish_legacy_records (out, batch->records, TRUE);
}

/**
 * oms_v5_parse_push_request:
 * @body: (nullable): a `POST /sync/v5/queued_records` request body
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * The server side of oms_v5_build_push_body(): `queueLength` and an optional `data` of
 * records with a `syncOutId`. The body passes the JSON gate first.
 *
 * Returns: (transfer full) (nullable): the pushed batch
 */
OmsV5RemoteBatch *
oms_v5_parse_push_request (GBytes  *body,
                           GError **error)
{
  OmsV5RemoteBatch *batch = NULL;

  if (!_oms_json_read_request (body, "a /sync/v5/queued_records request", read_remote_batch,
                               &batch, error))
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

/**
 * oms_v5_build_initialise_response:
 * @queue_length: the records now queued for the site
 *
 * Returns: (transfer full): the body of a 2xx `POST /sync/v5/initialise`, `{"queueLength":n}`
 */
GBytes *
oms_v5_build_initialise_response (gint64 queue_length)
{
  GString *out = g_string_new ("{");

  append_int_member (out, "queueLength", queue_length);
  g_string_append_c (out, '}');
  return g_string_free_to_bytes (out);
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

/**
 * oms_v5_build_push_response:
 * @started: whether the server started integrating (after the final, empty batch)
 *
 * Returns: (transfer full): the body of a 2xx `POST /sync/v5/queued_records`,
 *   `{"integrationStarted":bool}`
 */
GBytes *
oms_v5_build_push_response (gboolean started)
{
  static const char yes[] = "{\"integrationStarted\":true}";
  static const char no[] = "{\"integrationStarted\":false}";

  return started ? g_bytes_new_static (yes, sizeof yes - 1)
                 : g_bytes_new_static (no, sizeof no - 1);
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

/* Writes the inner {"code","message","data"} object; @error_body's data is JSON text. */
void
_oms_v5_error_append (GString          *out,
                      const OmsV5Error *error_body)
{
  g_string_append_c (out, '{');
  append_string_member (out, "code", error_body->code);
  g_string_append_c (out, ',');
  append_string_member (out, "message", error_body->message);
  g_string_append (out, ",\"data\":");
  g_string_append (out, error_body->data != NULL ? error_body->data : "null");
  g_string_append_c (out, '}');
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
 * oms_v5_build_error_body:
 * @error_body: the error; its `data` is JSON text, or %NULL for null
 *
 * Returns: (transfer full): the body of a failed v5 call, `{"error":{"code","message","data"}}`
 */
GBytes *
oms_v5_build_error_body (const OmsV5Error *error_body)
{
  GString *out;

  g_return_val_if_fail (error_body != NULL, NULL);

  out = g_string_new ("{\"error\":");
  _oms_v5_error_append (out, error_body);
  g_string_append_c (out, '}');

  return g_string_free_to_bytes (out);
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
                           /* Translators: the HTTP status code and its English phrase (e.g. “401
                            * Unauthorized”), the server's error code and message, then extra
                            * data from the server (or “null”). */
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
                           /* Translators: the HTTP status code and its English phrase (e.g. “503
                            * Service Unavailable”), then the start of the text the server sent,
                            * cut short (the last %s is “…” when it was). */
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

static gboolean
read_acknowledge_request (JsonNode  *root,
                          gpointer   out,
                          GError   **error)
{
  const char *where = "acknowledge request";
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonObject *object;
  JsonArray *array;
  guint length;

  if ((object = _oms_json_get_object (root, where, error)) == NULL ||
      !_oms_json_get_array (object, where, "syncIDs", TRUE, &array, error))
    return FALSE;

  length = json_array_get_length (array);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          /* Translators: the part of the server's answer, then a position in the list; syncIDs
           * is a protocol field name: keep it. */
          _oms_json_set_shape_error (error, _("%s: syncIDs[%u] must be a string"), where, i);
          return FALSE;
        }
      g_strv_builder_add (builder, json_node_get_string (node));
    }

  *(char ***) out = g_strv_builder_end (builder);
  return TRUE;
}

/**
 * oms_v5_parse_acknowledge_request:
 * @body: (nullable): a `POST /sync/v5/acknowledged_records` request body
 * @error: return location for an OMS_PROTOCOL_ERROR_RESPONSE_PARSING error
 *
 * The server side of oms_v5_build_acknowledge_body(). The body passes the JSON gate first.
 *
 * Returns: (transfer full) (nullable): the acknowledged `syncOutId`s, possibly none
 */
char **
oms_v5_parse_acknowledge_request (GBytes  *body,
                                  GError **error)
{
  char **sync_ids = NULL;

  if (!_oms_json_read_request (body, "a /sync/v5/acknowledged_records request",
                               read_acknowledge_request, &sync_ids, error))
    return NULL;

  return sync_ids;
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

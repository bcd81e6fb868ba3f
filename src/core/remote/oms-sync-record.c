/* oms-sync-record.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-sync-record"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-json-util.h"
#include "oms-json-util-private.h"
#include "oms-sync-record.h"
#include "oms-sync-record-private.h"

/**
 * oms_sync_record_new:
 * @table_name: the table name on the wire (legacy name for v5, e.g. `trans_line`)
 * @record_id: the record's id
 * @action: the action to send
 * @data: (nullable): recordData as JSON text; %NULL, and any delete, is sent as `null`
 *
 * Returns: (transfer full): a record to push
 */
OmsSyncRecord *
oms_sync_record_new (const char    *table_name,
                     const char    *record_id,
                     OmsSyncAction  action,
                     const char    *data)
{
  OmsSyncRecord *record;

  g_return_val_if_fail (table_name != NULL, NULL);
  g_return_val_if_fail (record_id != NULL, NULL);

  record = g_new0 (OmsSyncRecord, 1);
  record->table_name = g_strdup (table_name);
  record->record_id = g_strdup (record_id);
  record->action = action;
  record->data = g_strdup (data);

  return record;
}

/**
 * oms_sync_record_free:
 * @record: (nullable): a record
 *
 * Frees @record and its strings.
 */
void
oms_sync_record_free (OmsSyncRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->sync_id);
  g_free (record->table_name);
  g_free (record->record_id);
  g_free (record->data);
  g_free (record);
}

/**
 * oms_sync_action_to_string:
 * @action: a wire action
 *
 * Returns: (transfer none): the capitalised form Open mSupply sends, e.g. `"Update"`
 */
const char *
oms_sync_action_to_string (OmsSyncAction action)
{
  switch (action)
    {
    case OMS_SYNC_ACTION_INSERT:
      return "Insert";
    case OMS_SYNC_ACTION_DELETE:
      return "Delete";
    case OMS_SYNC_ACTION_MERGE:
      return "Merge";
    case OMS_SYNC_ACTION_UPDATE:
    default:
      return "Update";
    }
}

/**
 * oms_sync_action_from_string:
 * @text: an `action` value from a server
 * @action: (out): where to store the action
 *
 * Accepts insert, update, delete and merge in any letter case (servers send lower case or
 * capitalised).
 *
 * Returns: %TRUE if @text is one of the four actions
 */
gboolean
oms_sync_action_from_string (const char    *text,
                             OmsSyncAction *action)
{
  static const OmsSyncAction all[] = {
    OMS_SYNC_ACTION_INSERT,
    OMS_SYNC_ACTION_UPDATE,
    OMS_SYNC_ACTION_DELETE,
    OMS_SYNC_ACTION_MERGE,
  };

  g_return_val_if_fail (action != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      if (g_ascii_strcasecmp (text, oms_sync_action_to_string (all[i])) == 0)
        {
          *action = all[i];
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * oms_sync_action_to_buffer_action:
 * @action: a wire action
 *
 * Returns: the sync_buffer action: insert and update are both UPSERT
 */
OmsBufferAction
oms_sync_action_to_buffer_action (OmsSyncAction action)
{
  switch (action)
    {
    case OMS_SYNC_ACTION_DELETE:
      return OMS_BUFFER_ACTION_DELETE;
    case OMS_SYNC_ACTION_MERGE:
      return OMS_BUFFER_ACTION_MERGE;
    case OMS_SYNC_ACTION_INSERT:
    case OMS_SYNC_ACTION_UPDATE:
    default:
      return OMS_BUFFER_ACTION_UPSERT;
    }
}

/**
 * oms_buffer_action_to_string:
 * @action: a sync_buffer action
 *
 * Returns: (transfer none): the value of the `sync_buffer.action` column, e.g. `"UPSERT"`
 */
const char *
oms_buffer_action_to_string (OmsBufferAction action)
{
  switch (action)
    {
    case OMS_BUFFER_ACTION_DELETE:
      return "DELETE";
    case OMS_BUFFER_ACTION_MERGE:
      return "MERGE";
    case OMS_BUFFER_ACTION_UPSERT:
    default:
      return "UPSERT";
    }
}

/* Reads tableName, recordId, action and recordData (absent → "{}", as serde's default). */
gboolean
_oms_sync_record_read_common (OmsSyncRecord  *record,
                              JsonObject     *object,
                              const char     *where,
                              GError        **error)
{
  g_autofree char *action = NULL;
  JsonNode *data;

  if (!_oms_json_require_string (object, where, "tableName", &record->table_name, error) ||
      !_oms_json_require_string (object, where, "recordId", &record->record_id, error) ||
      !_oms_json_require_string (object, where, "action", &action, error))
    return FALSE;

  if (!oms_sync_action_from_string (action, &record->action))
    {
      _oms_json_set_shape_error (error,
                                 /* Translators: the part of the server's answer, then the action
                                  * it named; insert, update, delete and merge are protocol
                                  * words: keep them in English. */
                                 _("%s: unknown action “%s” (expected insert, update, delete "
                                   "or merge)"),
                                 where, action);
      return FALSE;
    }

  data = json_object_get_member (object, "recordData");
  g_free (record->data);
  record->data = data != NULL ? oms_json_to_canonical (data) : g_strdup ("{}");

  return TRUE;
}

/* Writes "tableName","recordId","action","recordData" in Open mSupply's field order. */
gboolean
_oms_sync_record_append_common (GString              *out,
                                const OmsSyncRecord  *record,
                                GError              **error)
{
  _oms_json_append_member (out, "tableName");
  _oms_json_append_string (out, record->table_name);
  g_string_append_c (out, ',');
  _oms_json_append_member (out, "recordId");
  _oms_json_append_string (out, record->record_id);
  g_string_append_c (out, ',');
  _oms_json_append_member (out, "action");
  _oms_json_append_string (out, oms_sync_action_to_string (record->action));
  g_string_append_c (out, ',');
  _oms_json_append_member (out, "recordData");

  /* Open mSupply always sends a delete's recordData as null. */
  if (record->data == NULL || record->action == OMS_SYNC_ACTION_DELETE)
    {
      g_string_append (out, "null");
    }
  else
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      g_autoptr(GError) local_error = NULL;

      if (!json_parser_load_from_data (parser, record->data, -1, &local_error) ||
          json_parser_get_root (parser) == NULL)
        {
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                       /* Translators: recordData is a protocol field name: keep it. Then the
                        * record's table (e.g. “item”), its id (a long code) and the parser's
                        * error message. */
                       _("recordData of %s “%s” is not JSON: %s"),
                       record->table_name, record->record_id,
                       local_error != NULL ? local_error->message : _("empty text"));
          return FALSE;
        }

      oms_json_append_canonical (out, json_parser_get_root (parser));
    }

  return TRUE;
}

/* The same members for a record a server serves as it stored it: @action as stored and @data
 * (one JSON value) copied without parsing. A NULL @data is written as null when
 * @absent_data_is_null (v6), else left out (the legacy central's deletes).
 */
void
_oms_sync_record_append_stored (GString    *out,
                                const char *table_name,
                                const char *record_id,
                                const char *action,
                                const char *data,
                                gsize       data_length,
                                gboolean    absent_data_is_null)
{
  _oms_json_append_member (out, "tableName");
  _oms_json_append_string (out, table_name);
  g_string_append_c (out, ',');
  _oms_json_append_member (out, "recordId");
  _oms_json_append_string (out, record_id);
  g_string_append_c (out, ',');
  _oms_json_append_member (out, "action");
  _oms_json_append_string (out, action);

  if (data != NULL)
    {
      g_string_append (out, ",\"recordData\":");
      g_string_append_len (out, data, (gssize) data_length);
    }
  else if (absent_data_is_null)
    {
      g_string_append (out, ",\"recordData\":null");
    }
}

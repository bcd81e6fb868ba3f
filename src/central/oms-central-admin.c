/* oms-central-admin.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-central-admin"

#include "config.h"

#include <string.h>

#include "oms-central-private.h"

/* Test hooks: set faults, read what sites pushed, add central records while running. They
 * change what the server answers, so only the machine itself may use them.
 */

static void
respond_error (SoupServerMessage *msg,
               guint              status,
               const char        *text)
{
  _oms_central_respond_text (msg, status, text);
}

static void
handle_fault (OmsCentralContext *ctx,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (method, SOUP_METHOD_POST))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autofree char *spec = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      g_autoptr(GError) error = NULL;
      OmsCentralFault *fault;

      g_strstrip (spec);
      fault = _oms_central_fault_parse (spec, &error);
      if (!fault)
        {
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
          return;
        }
      g_ptr_array_add (ctx->faults, fault);
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
    }
  else if (g_str_equal (method, SOUP_METHOD_DELETE))
    {
      _oms_central_faults_clear (ctx, query ? g_hash_table_lookup (query, "route") : NULL);
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
    }
  else
    respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Use POST or DELETE");
}

static void
handle_received (OmsCentralContext *ctx,
                 SoupServerMessage *msg,
                 GHashTable        *query)
{
  const char *site = query ? g_hash_table_lookup (query, "site") : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_GET))
    {
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Use GET");
      return;
    }
  if (!site)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "Missing ?site=NAME");
      return;
    }
  node = _oms_central_db_dup_received (ctx, site, &error);
  if (!node)
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, error->message);
      return;
    }
  _oms_central_respond_json (msg, SOUP_STATUS_OK, node);
}

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (!node || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Body: {"records": [{"tableName", "recordId", "action"?, "recordData"?}]} or the bare
 * array; answers {"maxCursor": n}.
 */
static void
handle_central_records (OmsCentralContext *ctx,
                        SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonArray *records = NULL;

  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_POST))
    {
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Use POST");
      return;
    }
  root = _oms_central_parse_body (msg, &error);
  if (!root)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }
  if (JSON_NODE_HOLDS_ARRAY (root))
    records = json_node_get_array (root);
  else if (JSON_NODE_HOLDS_OBJECT (root)
           && json_object_has_member (json_node_get_object (root), "records")
           && JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root),
                                                             "records")))
    records = json_object_get_array_member (json_node_get_object (root), "records");
  if (!records)
    {
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "Expected {\"records\": [...]}");
      return;
    }

  if (!_oms_central_db_exec (ctx, "BEGIN IMMEDIATE", &error))
    {
      respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, error->message);
      return;
    }
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *node = json_array_get_element (records, i);
      JsonObject *record = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *data = record ? json_object_get_member (record, "recordData") : NULL;
      g_autofree char *data_text = NULL;
      const char *action;

      if (!record || !get_string (record, "tableName") || !get_string (record, "recordId"))
        {
          _oms_central_db_exec (ctx, "ROLLBACK", NULL);
          respond_error (msg, SOUP_STATUS_BAD_REQUEST, "Each record needs tableName and recordId");
          return;
        }
      action = get_string (record, "action");
      if (data && JSON_NODE_HOLDS_OBJECT (data))
        data_text = json_to_string (data, FALSE);
      if (_oms_central_db_add_central_record (ctx, get_string (record, "tableName"),
                                              get_string (record, "recordId"),
                                              action ? action : "insert", data_text, &error) < 0)
        {
          _oms_central_db_exec (ctx, "ROLLBACK", NULL);
          respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, error->message);
          return;
        }
    }
  if (!_oms_central_db_exec (ctx, "COMMIT", &error))
    {
      respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, error->message);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "maxCursor");
  json_builder_add_int_value (builder,
                              _oms_central_db_query_int (ctx, "SELECT coalesce(max(id), 0) "
                                                              "FROM central_record", 0));
  json_builder_end_object (builder);
  answer = json_builder_get_root (builder);
  _oms_central_respond_json (msg, SOUP_STATUS_OK, answer);
}

void
_oms_central_admin_handle (OmsCentralContext *ctx,
                           SoupServerMessage *msg,
                           const char        *path,
                           GHashTable        *query)
{
  if (!_oms_central_address_is_loopback (soup_server_message_get_remote_address (msg)))
    {
      respond_error (msg, SOUP_STATUS_FORBIDDEN, "The admin endpoint only answers loopback");
      return;
    }

  if (g_str_equal (path, "/admin/fault"))
    handle_fault (ctx, msg, query);
  else if (g_str_equal (path, "/admin/received"))
    handle_received (ctx, msg, query);
  else if (g_str_equal (path, "/admin/central-records"))
    handle_central_records (ctx, msg);
  else
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "Not found");
}

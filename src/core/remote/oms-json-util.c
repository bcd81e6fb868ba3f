/* oms-json-util.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-json-util"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "oms-json-gate.h"
#include "oms-json-util.h"
#include "oms-json-util-private.h"
#include "oms-protocol-error.h"

/* How much of an unparsable body goes into the error's detail. */
#define BODY_EXCERPT_BYTES 1000

/* Shortest decimal digits that read back as the same double, laid out as serde_json (ryu)
 * writes them: 1.0, 0.1, 100000.0, 1e16, 1.5e-7. Open mSupply stores and pushes recordData
 * through serde_json, so this keeps our bytes the same as its bytes.
 */
static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[8];
  char digits[24];
  const char *p;
  int n_digits = 0;
  int exponent;
  int kk;

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }

  if (value == 0.0)
    {
      g_string_append (out, signbit (value) ? "-0.0" : "0.0");
      return;
    }

  for (int precision = 1; precision <= 17; precision++)
    {
      g_snprintf (format, sizeof format, "%%.%de", precision - 1);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  p = buf;
  if (*p == '-')
    {
      g_string_append_c (out, '-');
      p++;
    }

  for (; *p != 'e' && *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits[n_digits++] = *p;
    }
  exponent = (*p == 'e') ? (int) g_ascii_strtoll (p + 1, NULL, 10) : 0;

  while (n_digits > 1 && digits[n_digits - 1] == '0')
    n_digits--;
  digits[n_digits] = '\0';

  /* The value is 0.DIGITS × 10^kk. */
  kk = exponent + 1;

  if (kk >= n_digits && kk <= 16)
    {
      g_string_append (out, digits);
      for (int i = n_digits; i < kk; i++)
        g_string_append_c (out, '0');
      g_string_append (out, ".0");
    }
  else if (kk > 0 && kk <= 16)
    {
      g_string_append_len (out, digits, kk);
      g_string_append_c (out, '.');
      g_string_append (out, digits + kk);
    }
  else if (kk > -5 && kk <= 0)
    {
      g_string_append (out, "0.");
      for (int i = kk; i < 0; i++)
        g_string_append_c (out, '0');
      g_string_append (out, digits);
    }
  else
    {
      g_string_append_c (out, digits[0]);
      if (n_digits > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + 1);
        }
      g_string_append_printf (out, "e%d", kk - 1);
    }
}

/* serde_json's escaping: quote, backslash and control characters only, lower-case hex. */
void
_oms_json_append_string (GString    *out,
                         const char *value)
{
  static const char hex[] = "0123456789abcdef";

  g_string_append_c (out, '"');

  for (const unsigned char *p = (const unsigned char *) value; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (*p < 0x20)
            {
              g_string_append (out, "\\u00");
              g_string_append_c (out, hex[*p >> 4]);
              g_string_append_c (out, hex[*p & 0xf]);
            }
          else
            {
              g_string_append_c (out, (char) *p);
            }
          break;
        }
    }

  g_string_append_c (out, '"');
}

void
_oms_json_append_member (GString    *out,
                         const char *key)
{
  _oms_json_append_string (out, key);
  g_string_append_c (out, ':');
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (a, b);
}

/**
 * oms_json_append_canonical:
 * @out: where to write
 * @node: (nullable): a JSON value; %NULL is written as `null`
 *
 * Writes @node as compact JSON with object keys byte-sorted at every depth and numbers in
 * serde_json's format, which is what Open mSupply sends and stores for a `serde_json::Value`.
 */
void
oms_json_append_canonical (GString  *out,
                           JsonNode *node)
{
  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        GList *members = g_list_sort (json_object_get_members (object), compare_keys);

        g_string_append_c (out, '{');
        for (const GList *l = members; l != NULL; l = l->next)
          {
            if (l != members)
              g_string_append_c (out, ',');
            _oms_json_append_member (out, l->data);
            oms_json_append_canonical (out, json_object_get_member (object, l->data));
          }
        g_string_append_c (out, '}');
        g_list_free (members);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < length; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            oms_json_append_canonical (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else if (type == G_TYPE_DOUBLE)
          append_double (out, json_node_get_double (node));
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else if (type == G_TYPE_STRING)
          _oms_json_append_string (out, json_node_get_string (node));
        else
          g_string_append (out, "null");
      }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/**
 * oms_json_to_canonical:
 * @node: (nullable): a JSON value
 *
 * Returns: (transfer full): @node as canonical compact JSON, see oms_json_append_canonical()
 */
char *
oms_json_to_canonical (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  oms_json_append_canonical (out, node);
  return g_string_free (out, FALSE);
}

/**
 * oms_json_canonicalise:
 * @json: JSON text
 * @length: length of @json in bytes, or -1 if it is nul-terminated
 * @error: return location for a #JsonParserError
 *
 * Returns: (transfer full) (nullable): @json as canonical compact JSON, or %NULL if it is not
 *   one JSON value
 */
char *
oms_json_canonicalise (const char  *json,
                       gssize       length,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, length, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                           _("Empty JSON text"));
      return NULL;
    }

  return oms_json_to_canonical (root);
}

void
_oms_json_set_shape_error (GError     **error,
                           const char  *format,
                           ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_RESPONSE_PARSING, message);
}

/* Parses @body and hands the root to @read_func. Shape errors get the route and the start of
 * the body added, as Open mSupply's "Could not parse response body, response: '...'" does.
 */
gboolean
_oms_json_read_response (GBytes           *body,
                         const char       *what,
                         OmsJsonReadFunc   read_func,
                         gpointer          out,
                         GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) gate_error = NULL;
  g_autofree char *excerpt = NULL;
  const char *data = NULL;
  gsize size = 0;
  JsonNode *root = NULL;

  if (body != NULL)
    data = g_bytes_get_data (body, &size);

  if (size == 0)
    {
      g_set_error_literal (&local_error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_RESPONSE_PARSING,
                           _("the body is empty"));
    }
  else if (!oms_json_gate_check (data, size, OMS_JSON_GATE_MAX_RESPONSE_BYTES, &gate_error))
    {
      /* The clients gate every body as it arrives; this keeps the parsers safe on their own. */
      g_set_error_literal (&local_error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_RESPONSE_PARSING,
                           gate_error->message);
    }
  else if (!json_parser_load_from_data (parser, data, (gssize) size, &local_error))
    {
      /* A JsonParserError: rewritten into our domain below. */
    }
  else if ((root = json_parser_get_root (parser)) == NULL)
    {
      g_set_error_literal (&local_error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_RESPONSE_PARSING,
                           _("the body is empty"));
    }
  else if (read_func (root, out, &local_error))
    {
      return TRUE;
    }

  g_assert (local_error != NULL);

  if (local_error->domain == OMS_PROTOCOL_ERROR &&
      local_error->code != OMS_PROTOCOL_ERROR_RESPONSE_PARSING)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  excerpt = g_utf8_make_valid (data != NULL ? data : "",
                               (gssize) MIN (size, (gsize) BODY_EXCERPT_BYTES));
  g_set_error (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_RESPONSE_PARSING,
               /* Translators: what could not be read (e.g. “the answer to
                * /sync/v5/queued_records”), the parser's error message, then the start of the
                * text received, cut short (the last %s is “…” when it was). */
               _("Could not parse the body of %s: %s, body: '%s%s'"),
               what, local_error->message, excerpt, size > BODY_EXCERPT_BYTES ? "…" : "");
  return FALSE;
}

JsonObject *
_oms_json_get_object (JsonNode    *node,
                      const char  *where,
                      GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      /* Translators: %s names a part of the server's answer, e.g. “site info”. */
      _oms_json_set_shape_error (error, _("%s must be a JSON object"), where);
      return NULL;
    }

  return json_node_get_object (node);
}

static JsonNode *
require_member (JsonObject  *object,
                const char  *where,
                const char  *member,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    /* Translators: the part of the server's answer (e.g. “site info”), then a field's name,
     * which stays in English (e.g. “siteId”). */
    _oms_json_set_shape_error (error, _("%s: missing field “%s”"), where, member);

  return node;
}

static gboolean
holds_type (JsonNode *node,
            GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

gboolean
_oms_json_require_string (JsonObject  *object,
                          const char  *where,
                          const char  *member,
                          char       **out,
                          GError     **error)
{
  JsonNode *node = require_member (object, where, member, error);

  if (node == NULL)
    return FALSE;

  if (!holds_type (node, G_TYPE_STRING))
    {
      /* Translators: the part of the server's answer (e.g. “site info”), then a field's name,
       * which stays in English (e.g. “siteId”). */
      _oms_json_set_shape_error (error, _("%s: field “%s” must be a string"), where, member);
      return FALSE;
    }

  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

gboolean
_oms_json_optional_string (JsonObject  *object,
                           const char  *where,
                           const char  *member,
                           char       **out,
                           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  g_clear_pointer (out, g_free);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!holds_type (node, G_TYPE_STRING))
    {
      /* Translators: the part of the server's answer (e.g. “site info”), then a field's name,
       * which stays in English (e.g. “siteId”). “null” is a JSON word: keep it. */
      _oms_json_set_shape_error (error, _("%s: field “%s” must be a string or null"),
                                 where, member);
      return FALSE;
    }

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

gboolean
_oms_json_require_uint (JsonObject  *object,
                        const char  *where,
                        const char  *member,
                        gint64      *out,
                        GError     **error)
{
  JsonNode *node = require_member (object, where, member, error);

  if (node == NULL)
    return FALSE;

  if (!holds_type (node, G_TYPE_INT64) || json_node_get_int (node) < 0)
    {
      /* Translators: the part of the server's answer (e.g. “site info”), then a field's name,
       * which stays in English (e.g. “siteId”). */
      _oms_json_set_shape_error (error, _("%s: field “%s” must be a non-negative integer"),
                                 where, member);
      return FALSE;
    }

  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
_oms_json_require_int32 (JsonObject  *object,
                         const char  *where,
                         const char  *member,
                         int         *out,
                         GError     **error)
{
  JsonNode *node = require_member (object, where, member, error);
  gint64 value;

  if (node == NULL)
    return FALSE;

  if (!holds_type (node, G_TYPE_INT64) ||
      (value = json_node_get_int (node)) < G_MININT32 || value > G_MAXINT32)
    {
      /* Translators: the part of the server's answer (e.g. “site info”), then a field's name,
       * which stays in English (e.g. “siteId”). */
      _oms_json_set_shape_error (error, _("%s: field “%s” must be a 32-bit integer"),
                                 where, member);
      return FALSE;
    }

  *out = (int) value;
  return TRUE;
}

gboolean
_oms_json_require_bool (JsonObject  *object,
                        const char  *where,
                        const char  *member,
                        gboolean    *out,
                        GError     **error)
{
  JsonNode *node = require_member (object, where, member, error);

  if (node == NULL)
    return FALSE;

  if (!holds_type (node, G_TYPE_BOOLEAN))
    {
      /* Translators: the part of the server's answer (e.g. “site info”), then a field's name,
       * which stays in English (e.g. “siteId”). */
      _oms_json_set_shape_error (error, _("%s: field “%s” must be true or false"),
                                 where, member);
      return FALSE;
    }

  *out = json_node_get_boolean (node);
  return TRUE;
}

/* An absent optional array gives TRUE with *out = NULL. */
gboolean
_oms_json_get_array (JsonObject  *object,
                     const char  *where,
                     const char  *member,
                     gboolean     required,
                     JsonArray  **out,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;

  if (node == NULL)
    {
      if (!required)
        return TRUE;
      _oms_json_set_shape_error (error, _("%s: missing field “%s”"), where, member);
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      /* Translators: the part of the server's answer (e.g. “site info”), then a field's name,
       * which stays in English (e.g. “siteId”). */
      _oms_json_set_shape_error (error, _("%s: field “%s” must be an array"), where, member);
      return FALSE;
    }

  *out = json_node_get_array (node);
  return TRUE;
}

/* Appends @value in decimal: servers write several per record, where printf shows in
 * profiles.
 */
void
_oms_json_append_int (GString *out,
                      gint64   value)
{
  char buffer[24];
  char *p = buffer + sizeof buffer;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      *--p = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    *--p = '-';
  g_string_append_len (out, p, buffer + sizeof buffer - p);
}

/* The server side of _oms_json_read_response(): a request body passes the JSON gate (size
 * and depth, oms-json-gate.h) before json-glib sees it, so no server route can skip it. The
 * error names what is wrong but never quotes the body, which carries the caller's
 * credentials.
 */
gboolean
_oms_json_read_request (GBytes           *body,
                        const char       *what,
                        OmsJsonReadFunc   read_func,
                        gpointer          out,
                        GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  const char *data = NULL;
  gsize size = 0;
  JsonNode *root = NULL;

  if (body != NULL)
    data = g_bytes_get_data (body, &size);

  if (size == 0)
    {
      g_set_error_literal (&local_error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_RESPONSE_PARSING,
                           _("the body is empty"));
    }
  else if (!oms_json_gate_check (data, size, OMS_JSON_GATE_MAX_CENTRAL_REQUEST_BYTES,
                                 &local_error))
    {
      /* Too large or too deep: refused before any parser recursed into it. */
    }
  else if (!json_parser_load_from_data (parser, data, (gssize) size, &local_error))
    {
      /* Not JSON. */
    }
  else if ((root = json_parser_get_root (parser)) == NULL)
    {
      g_set_error_literal (&local_error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_RESPONSE_PARSING,
                           _("the body is empty"));
    }
  else if (read_func (root, out, &local_error))
    {
      return TRUE;
    }

  g_assert (local_error != NULL);
  g_set_error (error, OMS_PROTOCOL_ERROR, OMS_PROTOCOL_ERROR_RESPONSE_PARSING,
               /* Translators: what could not be read (e.g. “the answer to
                * /sync/v5/queued_records”), then the parser's error message. */
               _("Could not parse %s: %s"), what, local_error->message);
  return FALSE;
}

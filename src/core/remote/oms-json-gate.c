/* oms-json-gate.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-json-gate"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "oms-json-gate.h"

G_DEFINE_QUARK (oms-json-gate-error-quark, oms_json_gate_error)

typedef struct
{
  gsize    deepest;        /* the deepest nesting of arrays and objects */
  gboolean several_values; /* an array or object begins after a top-level value */
} Scan;

static inline gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One pass over @data. Outside strings it counts the nesting; it does not check the grammar
 * (the parser behind the gate does): a stray `]` never lowers the count below zero, so no input
 * can hide depth behind unbalanced closers. Stops once deeper than @stop_after.
 *
 * It also marks a second value: json-glib 1.6 accepts `{…}{…}`, reads the first and leaks the
 * second, where Open mSupply refuses the text.
 */
static void
scan (const char *data,
      gsize       length,
      gsize       stop_after,
      Scan       *out)
{
  gsize depth = 0;
  gboolean in_string = FALSE;
  gboolean seen_value = FALSE;
  gsize i = 0;

  memset (out, 0, sizeof *out);

  /* json-glib skips a UTF-8 byte order mark at the start. */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    i = 3;

  for (; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;  /* whatever is escaped cannot end the string */
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (depth == 0 && !is_json_space (c))
        {
          if (seen_value && (c == '[' || c == '{'))
            out->several_values = TRUE;
          seen_value = TRUE;
        }

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          depth++;
          if (depth > out->deepest)
            {
              out->deepest = depth;
              if (out->deepest > stop_after)
                return;
            }
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }
}

/**
 * oms_json_gate_depth:
 * @data: JSON text (need not be nul-terminated)
 * @length: its length in bytes
 *
 * Returns: the deepest nesting of arrays and objects in @data, outside strings
 */
gsize
oms_json_gate_depth (const char *data,
                     gsize       length)
{
  Scan result;

  g_return_val_if_fail (data != NULL || length == 0, 0);

  scan (data, length, G_MAXSIZE, &result);
  return result.deepest;
}

/**
 * oms_json_gate_check:
 * @data: (nullable): a body read from a socket
 * @length: its length in bytes
 * @max_bytes: the largest body this reader takes
 * @error: return location for an %OMS_JSON_GATE_ERROR
 *
 * Lets a body through to a JSON parser only if it is at most @max_bytes long, nests at most
 * %OMS_JSON_GATE_MAX_DEPTH levels deep and holds one value. Runs in one pass with constant
 * stack.
 *
 * Returns: %TRUE if @data may be parsed
 */
gboolean
oms_json_gate_check (const char  *data,
                     gsize        length,
                     gsize        max_bytes,
                     GError     **error)
{
  Scan result;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (length > max_bytes)
    {
      g_autofree char *size = g_format_size (length);
      g_autofree char *limit = g_format_size (max_bytes);

      /* Translators: the first %s is a size such as "70.1 MB", the second the limit */
      g_set_error (error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_TOO_LARGE,
                   _("the body is too large (%s; at most %s is accepted)"), size, limit);
      return FALSE;
    }

  scan (data, length, OMS_JSON_GATE_MAX_DEPTH, &result);
  if (result.deepest > OMS_JSON_GATE_MAX_DEPTH)
    {
      g_set_error (error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_TOO_DEEP,
                   _("the body nests arrays and objects more than %d levels deep"),
                   OMS_JSON_GATE_MAX_DEPTH);
      return FALSE;
    }
  if (result.several_values)
    {
      g_set_error_literal (error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_SEVERAL_VALUES,
                           _("the body holds more than one JSON value"));
      return FALSE;
    }

  return TRUE;
}

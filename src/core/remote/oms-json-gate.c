/* oms-json-gate.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-json-gate"

#include "config.h"

#include <glib/gi18n.h>

#include "oms-json-gate.h"

G_DEFINE_QUARK (oms-json-gate-error-quark, oms_json_gate_error)

/* Deepest nesting of arrays and objects in @data, counted outside strings. It does not check
 * the grammar (the parser behind the gate does): a stray `]` never lowers the count below zero,
 * so no input can hide depth behind unbalanced closers. Stops counting once past the limit.
 */
static gsize
scan_depth (const char *data,
            gsize       length,
            gsize       stop_after)
{
  gsize depth = 0;
  gsize deepest = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
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

      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          depth++;
          if (depth > deepest)
            {
              deepest = depth;
              if (deepest > stop_after)
                return deepest;
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

  return deepest;
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
  g_return_val_if_fail (data != NULL || length == 0, 0);

  return scan_depth (data, length, G_MAXSIZE);
}

/**
 * oms_json_gate_check:
 * @data: (nullable): a body read from a socket
 * @length: its length in bytes
 * @max_bytes: the largest body this reader takes
 * @error: return location for an %OMS_JSON_GATE_ERROR
 *
 * Lets a body through to a JSON parser only if it is at most @max_bytes long and nests at most
 * %OMS_JSON_GATE_MAX_DEPTH levels deep. Runs in one pass with constant stack.
 *
 * Returns: %TRUE if @data may be parsed
 */
gboolean
oms_json_gate_check (const char  *data,
                     gsize        length,
                     gsize        max_bytes,
                     GError     **error)
{
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

  if (scan_depth (data, length, OMS_JSON_GATE_MAX_DEPTH) > OMS_JSON_GATE_MAX_DEPTH)
    {
      g_set_error (error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_TOO_DEEP,
                   _("the body nests arrays and objects more than %d levels deep"),
                   OMS_JSON_GATE_MAX_DEPTH);
      return FALSE;
    }

  return TRUE;
}

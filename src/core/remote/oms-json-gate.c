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
  gboolean bad_escape;     /* an escape JSON does not have, or half a UTF-16 pair */
} Scan;

static inline gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The UTF-16 code unit of the `\uXXXX` at @p (the backslash), or -1 when it is not one. */
static int
utf16_escape (const char *p,
              const char *end)
{
  int unit = 0;

  if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
    return -1;

  for (int k = 2; k < 6; k++)
    {
      int digit = g_ascii_xdigit_value (p[k]);

      if (digit < 0)
        return -1;
      unit = unit * 16 + digit;
    }

  return unit;
}

/* How many bytes the escape at @p (the backslash) takes, or 0 when JSON has no such escape or
 * it is half a surrogate pair.
 */
static gsize
escape_length (const char *p,
               const char *end)
{
  int unit;
  int low;

  if (end - p >= 2 && p[1] != '\0' && strchr ("\"\\/bfnrt", p[1]) != NULL)
    return 2;

  unit = utf16_escape (p, end);
  if (unit < 0 || (unit >= 0xdc00 && unit <= 0xdfff))
    return 0;
  if (unit < 0xd800 || unit > 0xdbff)
    return 6;

  low = utf16_escape (p + 6, end);
  return low >= 0xdc00 && low <= 0xdfff ? 12 : 0;
}

/* One pass over @data. Outside strings it counts the nesting; it does not check the grammar
 * (the parser behind the gate does): a stray `]` never lowers the count below zero, so no input
 * can hide depth behind unbalanced closers. Stops once deeper than @stop_after.
 *
 * Two things json-glib 1.6 reads otherwise than JSON, and differently from Open mSupply, are
 * marked: a second value (it accepts `{…}{…}`, reads the first and leaks the second), and an
 * escape JSON does not have (it reads `\101` as `A`) or a lone surrogate (`\ud800` becomes
 * bytes that are not UTF-8, and the character after it is lost).
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
            {
              gsize escape = escape_length (data + i, data + length);

              if (escape == 0)
                {
                  out->bad_escape = TRUE;
                  escape = 2;  /* whatever is escaped cannot end the string */
                }
              i += escape - 1;
            }
          else if (c == '"')
            {
              in_string = FALSE;
            }
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
 * %OMS_JSON_GATE_MAX_DEPTH levels deep, holds one value, and has only JSON's escapes in its
 * strings, each `\u` escape a whole character. Runs in one pass with constant stack.
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

      g_set_error (error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_TOO_LARGE,
                   /* Translators: the first %s is a size such as “70.1 MB”, the second the
                    * limit, e.g. “64.0 MB”. */
                   _("the body is too large (%s; at most %s is accepted)"), size, limit);
      return FALSE;
    }

  scan (data, length, OMS_JSON_GATE_MAX_DEPTH, &result);
  if (result.deepest > OMS_JSON_GATE_MAX_DEPTH)
    {
      g_set_error (error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_TOO_DEEP,
                   g_dngettext (GETTEXT_PACKAGE,
                                /* Translators: part of an error about a server's answer; %d is a
                                 * number of levels, e.g. “more than 64 levels deep”. */
                                "the body nests arrays and objects more than %d level deep",
                                "the body nests arrays and objects more than %d levels deep",
                                OMS_JSON_GATE_MAX_DEPTH),
                   OMS_JSON_GATE_MAX_DEPTH);
      return FALSE;
    }
  if (result.several_values)
    {
      g_set_error_literal (error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_SEVERAL_VALUES,
                           _("the body holds more than one JSON value"));
      return FALSE;
    }
  if (result.bad_escape)
    {
      g_set_error_literal (error, OMS_JSON_GATE_ERROR, OMS_JSON_GATE_ERROR_BAD_ESCAPE,
                           _("the body has an escape in a string that JSON does not allow"));
      return FALSE;
    }

  return TRUE;
}

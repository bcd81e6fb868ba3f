/* oms-central-faults.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-central-faults"

#include "config.h"

#include <string.h>

#include "oms-central-private.h"

void
_oms_central_fault_free (OmsCentralFault *fault)
{
  if (!fault)
    return;
  g_free (fault->route);
  g_free (fault->body);
  g_free (fault);
}

static OmsCentralFault *
fault_copy (const OmsCentralFault *fault)
{
  OmsCentralFault *copy = g_memdup2 (fault, sizeof *fault);

  copy->route = g_strdup (fault->route);
  copy->body = g_strdup (fault->body);
  return copy;
}

static gboolean
parse_number (const char  *spec,
              const char  *key,
              const char  *text,
              guint64      max,
              guint64     *out,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_ascii_string_to_unsigned (text, 10, 0, max, out, &local_error))
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID,
                   "Fault “%s”: %s needs a number: %s", spec, key, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* SPEC is ROUTE:ITEM[,ITEM]... where ITEM is status=N, body=TEXT (the rest of the spec, so it
 * may hold commas), retry-after=SECONDS (a Retry-After header with the status), refuse, reset
 * (a TCP reset instead of an answer), hang, latency=MS, bandwidth=BYTES_PER_SECOND, truncate,
 * corrupt, integrate-seconds=N, max-records=N (a pull gives at most N records, whatever it
 * asked for), times=N or from-cursor=N (only requests whose query asks from a cursor of at
 * least N, e.g. central_records; the others pass untouched and use none of its times). ROUTE
 * is a path such as /sync/v5/site, or * for every route.
 */
OmsCentralFault *
_oms_central_fault_parse (const char  *spec,
                          GError     **error)
{
  g_autoptr(OmsCentralFault) fault = g_new0 (OmsCentralFault, 1);
  const char *colon = strchr (spec, ':');
  const char *p;
  gboolean any = FALSE;

  fault->integrate_seconds = -1;
  fault->from_cursor = -1;
  if (!colon || colon == spec || (spec[0] != '/' && !(spec[0] == '*' && colon == spec + 1)))
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID,
                   "Fault “%s” must look like ROUTE:KIND, e.g. /sync/v5/site:status=503", spec);
      return NULL;
    }
  fault->route = g_strndup (spec, colon - spec);

  p = colon + 1;
  while (*p)
    {
      const char *end = strchr (p, ',');
      g_autofree char *item = NULL;
      const char *value;
      guint64 number = 0;

      if (g_str_has_prefix (p, "body="))
        {
          fault->body = g_strdup (p + strlen ("body="));
          any = TRUE;
          break;
        }

      item = end ? g_strndup (p, end - p) : g_strdup (p);
      p = end ? end + 1 : p + strlen (p);
      value = strchr (item, '=');
      if (value)
        *(char *)value++ = '\0';

      if (g_str_equal (item, "refuse") && !value)
        fault->refuse = TRUE;
      else if (g_str_equal (item, "reset") && !value)
        fault->reset = TRUE;
      else if (g_str_equal (item, "retry-after") && value)
        {
          if (!parse_number (spec, item, value, 366 * 24 * 3600, &number, error))
            return NULL;
          fault->retry_after = (guint) number;
        }
      else if (g_str_equal (item, "hang") && !value)
        fault->hang = TRUE;
      else if (g_str_equal (item, "truncate") && !value)
        fault->truncate = TRUE;
      else if (g_str_equal (item, "corrupt") && !value)
        fault->corrupt = TRUE;
      else if (g_str_equal (item, "status") && value)
        {
          if (!parse_number (spec, item, value, 599, &number, error))
            return NULL;
          if (number < 100)
            {
              g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID,
                           "Fault “%s”: status must be an HTTP status", spec);
              return NULL;
            }
          fault->status = (guint)number;
        }
      else if (g_str_equal (item, "latency") && value)
        {
          if (!parse_number (spec, item, value, 3600 * 1000, &number, error))
            return NULL;
          fault->latency_ms = (guint)number;
        }
      else if (g_str_equal (item, "bandwidth") && value)
        {
          if (!parse_number (spec, item, value, G_MAXUINT32, &number, error))
            return NULL;
          if (number == 0)
            {
              g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID,
                           "Fault “%s”: bandwidth must be at least 1 byte per second", spec);
              return NULL;
            }
          fault->bandwidth = (guint)number;
        }
      else if (g_str_equal (item, "max-records") && value)
        {
          if (!parse_number (spec, item, value, G_MAXUINT32, &number, error))
            return NULL;
          if (number == 0)
            {
              g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID,
                           "Fault “%s”: max-records must be at least 1", spec);
              return NULL;
            }
          fault->max_records = (guint)number;
        }
      else if (g_str_equal (item, "integrate-seconds") && value)
        {
          if (!parse_number (spec, item, value, 3600, &number, error))
            return NULL;
          fault->integrate_seconds = (int)number;
        }
      else if (g_str_equal (item, "times") && value)
        {
          if (!parse_number (spec, item, value, G_MAXUINT32, &number, error))
            return NULL;
          if (number == 0)
            {
              g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID,
                           "Fault “%s”: times must be at least 1", spec);
              return NULL;
            }
          fault->times = (guint)number;
          continue;
        }
      else if (g_str_equal (item, "from-cursor") && value)
        {
          if (!parse_number (spec, item, value, G_MAXINT64, &number, error))
            return NULL;
          fault->from_cursor = (gint64) number;
          continue;
        }
      else
        {
          g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID,
                       "Fault “%s”: unknown item “%s”", spec, item);
          return NULL;
        }
      any = TRUE;
    }

  if (!any)
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID,
                   "Fault “%s” names no fault", spec);
      return NULL;
    }
  if (fault->body && !fault->status)
    fault->status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  if (fault->retry_after > 0 && !fault->status)
    {
      g_set_error (error, OMS_CENTRAL_ERROR, OMS_CENTRAL_ERROR_INVALID,
                   "Fault “%s”: retry-after goes with a status, e.g. status=503", spec);
      return NULL;
    }
  return g_steal_pointer (&fault);
}

/* Whether a request with @query reaches @fault's from-cursor. */
static gboolean
reaches_cursor (const OmsCentralFault *fault,
                GHashTable            *query)
{
  const char *cursor;
  guint64 value;

  if (fault->from_cursor < 0)
    return TRUE;

  cursor = query != NULL ? g_hash_table_lookup (query, "cursor") : NULL;
  return cursor != NULL &&
         g_ascii_string_to_unsigned (cursor, 10, 0, G_MAXINT64, &value, NULL) &&
         (gint64) value >= fault->from_cursor;
}

/* Returns a copy of the first fault for @path and @query, consuming one of its uses. */
OmsCentralFault *
_oms_central_fault_take (OmsCentralContext *ctx,
                         const char        *path,
                         GHashTable        *query)
{
  for (guint i = 0; i < ctx->faults->len; i++)
    {
      OmsCentralFault *fault = g_ptr_array_index (ctx->faults, i);
      OmsCentralFault *copy;

      if ((!g_str_equal (fault->route, path) && !g_str_equal (fault->route, "*")) ||
          !reaches_cursor (fault, query))
        continue;

      copy = fault_copy (fault);
      if (fault->times > 0 && --fault->times == 0)
        g_ptr_array_remove_index (ctx->faults, i);
      return copy;
    }
  return NULL;
}

void
_oms_central_faults_clear (OmsCentralContext *ctx,
                           const char        *route)
{
  guint i = 0;

  while (i < ctx->faults->len)
    {
      OmsCentralFault *fault = g_ptr_array_index (ctx->faults, i);

      if (!route || g_str_equal (fault->route, route))
        g_ptr_array_remove_index (ctx->faults, i);
      else
        i++;
    }
}

typedef struct
{
  SoupServerMessage *msg;
  GBytes            *body;
  gsize              offset;
  gsize              chunk;
  gulong             disconnected_id;
  gboolean           gone;
} Trickle;

static void
trickle_free (gpointer data)
{
  Trickle *trickle = data;

  g_clear_signal_handler (&trickle->disconnected_id, trickle->msg);
  g_object_unref (trickle->msg);
  g_bytes_unref (trickle->body);
  g_free (trickle);
}

static gboolean
trickle_cb (gpointer data)
{
  Trickle *trickle = data;
  SoupMessageBody *body = soup_server_message_get_response_body (trickle->msg);
  gsize size = g_bytes_get_size (trickle->body);
  gsize n = MIN (trickle->chunk, size - trickle->offset);
  g_autoptr(GBytes) part = NULL;

  if (trickle->gone)
    return G_SOURCE_REMOVE;
  part = g_bytes_new_from_bytes (trickle->body, trickle->offset, n);
  soup_message_body_append_bytes (body, part);
  trickle->offset += n;
  if (trickle->offset >= size)
    soup_message_body_complete (body);
  soup_server_message_unpause (trickle->msg);
  return trickle->offset < size ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
trickle_disconnected_cb (SoupServerMessage *msg,
                         gpointer           data)
{
  Trickle *trickle = data;

  trickle->gone = TRUE;
}

static gboolean
close_truncated_cb (gpointer data)
{
  g_autoptr(SoupServerMessage) msg = data;
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  _oms_central_release_in_flight (msg);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
  return G_SOURCE_REMOVE;
}

static void
truncated_chunk_written_cb (SoupServerMessage *msg,
                            gpointer           data)
{
  /* libsoup now waits for the rest of the body, which never comes: close the connection from
   * the main loop (not inside libsoup's write), so the client sees the end of the stream.
   */
  g_signal_handlers_disconnect_by_func (msg, truncated_chunk_written_cb, data);
  g_idle_add (close_truncated_cb, g_object_ref (msg));
}

/* Rewrites the response a route produced: a broken body, or the same body sent slowly. */
void
_oms_central_fault_apply_body (const OmsCentralFault *fault,
                               SoupServerMessage     *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) bytes = NULL;
  gsize size;

  if (!fault->truncate && !fault->corrupt && !fault->bandwidth)
    return;

  bytes = soup_message_body_flatten (body);
  size = g_bytes_get_size (bytes);

  if (fault->corrupt)
    {
      /* Half of a real answer followed by bytes no JSON parser accepts. */
      g_autoptr(GString) text = g_string_new_len (g_bytes_get_data (bytes, NULL), size / 2);

      g_string_append (text, "\x01{\"corrupt");
      soup_message_body_truncate (body);
      soup_message_body_append (body, SOUP_MEMORY_COPY, text->str, text->len);
      soup_message_headers_set_content_length (headers, text->len);
      if (soup_server_message_get_status (msg) < 300)
        soup_message_headers_replace (headers, "Content-Type", "application/json");
      return;
    }

  if (fault->truncate)
    {
      /* The length promises the whole body; closing after half makes it a premature EOF. */
      g_autoptr(GBytes) half = g_bytes_new_from_bytes (bytes, 0, size / 2);

      soup_message_body_truncate (body);
      soup_message_body_append_bytes (body, half);
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CONTENT_LENGTH);
      soup_message_headers_set_content_length (headers, MAX (size, 2));
      soup_message_headers_replace (headers, "Connection", "close");
      g_signal_connect (msg, "wrote-chunk", G_CALLBACK (truncated_chunk_written_cb), NULL);
      return;
    }

  {
    Trickle *trickle = g_new0 (Trickle, 1);

    trickle->msg = g_object_ref (msg);
    trickle->body = g_steal_pointer (&bytes);
    trickle->chunk = MAX (fault->bandwidth / 10, 1);
    trickle->disconnected_id = g_signal_connect (msg, "disconnected",
                                                 G_CALLBACK (trickle_disconnected_cb), trickle);
    soup_message_body_truncate (body);
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CONTENT_LENGTH);
    soup_message_headers_set_content_length (headers, size);
    soup_server_message_pause (msg);
    g_timeout_add_full (G_PRIORITY_DEFAULT, 100, trickle_cb, trickle, trickle_free);
  }
}

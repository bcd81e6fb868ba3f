/* oms-pulled-body.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-pulled-body"

#include "config.h"

#include <string.h>

#include "oms-pulled-body.h"

/* A pulled batch read in one pass over the body, with no JSON tree: the cursors, and for each
 * record its table, id and action, and where its recordData lies in the body, to be stored
 * as it was sent (docs/PERFORMANCE.md). Building a tree with json-glib and serialising every
 * recordData again cost more than everything else in a pull.
 *
 * It is only a faster road to what the full parsers (oms-v5-json.c, oms-v6-json.c) give. It
 * checks the whole body against the JSON grammar (RFC 8259), and takes it only when every
 * part has the plain shape those parsers accept with the same meaning: anything else — an
 * error envelope, a merge, a wrong type, an escape in a table name or record id, a number
 * json-glib might read differently, duplicate members — declines the whole body, and the
 * caller hands it to the full parser, which stores it or names what is wrong.
 */

#define MAX_DEPTH 64

struct _OmsPulledBody
{
  OmsPulledBodyKind     kind;
  GBytes               *bytes;
  gint64                request_cursor;
  OmsPulledBodySummary  summary;
  GArray               *records;  /* OmsPulledRecord */
  GArray               *cursors;  /* gint64, each record's, while a cut body is scanned */
  gboolean              has_max_cursor;
};

typedef struct
{
  const char *p;
  const char *end;
  int         depth;
  gboolean    saw_space;  /* whitespace between tokens, which the stored text drops */
} Scanner;

static inline void
skip_space (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    {
      s->p++;
      s->saw_space = TRUE;
    }
}

static inline gboolean
expect (Scanner *s,
        char     c)
{
  skip_space (s);
  if (s->p >= s->end || *s->p != c)
    return FALSE;
  s->p++;
  return TRUE;
}

static inline gboolean
peek (Scanner *s,
      char     c)
{
  skip_space (s);
  return s->p < s->end && *s->p == c;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* A string; @start and @length give its content between the quotes. @has_escape tells
 * whether that content is not the string itself. Escapes of NUL and of surrogates are
 * declined: json-glib may read them otherwise.
 */
static gboolean
scan_string (Scanner     *s,
             const char **start,
             gsize       *length,
             gboolean    *has_escape)
{
  const char *begin;

  skip_space (s);
  if (s->p >= s->end || *s->p != '"')
    return FALSE;
  begin = ++s->p;
  *has_escape = FALSE;

  while (s->p < s->end)
    {
      unsigned char c = (unsigned char) *s->p;

      if (c == '"')
        {
          *start = begin;
          *length = (gsize) (s->p - begin);
          s->p++;
          return TRUE;
        }
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        {
          s->p++;
          continue;
        }

      *has_escape = TRUE;
      if (++s->p >= s->end)
        return FALSE;
      switch (*s->p)
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          s->p++;
          break;
        case 'u':
          {
            int code = 0;

            if (s->end - s->p < 5)
              return FALSE;
            for (int i = 1; i <= 4; i++)
              {
                int v = hex_value (s->p[i]);

                if (v < 0)
                  return FALSE;
                code = code * 16 + v;
              }
            if (code == 0 || (code >= 0xD800 && code <= 0xDFFF))
              return FALSE;
            s->p += 5;
          }
          break;
        default:
          return FALSE;
        }
    }

  return FALSE;
}

/* A number by the grammar; declined where json-glib's reading could differ (very long
 * integers, huge exponents).
 */
static gboolean
scan_number (Scanner  *s,
             gboolean *is_integer,
             gint64   *value)
{
  const char *begin = s->p;
  gboolean negative = FALSE;
  guint64 magnitude = 0;
  int int_digits = 0;

  *is_integer = TRUE;
  if (s->p < s->end && *s->p == '-')
    {
      negative = TRUE;
      s->p++;
    }

  if (s->p >= s->end || !g_ascii_isdigit (*s->p))
    return FALSE;
  if (*s->p == '0')
    {
      s->p++;
      int_digits = 1;
    }
  else
    {
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        {
          if (++int_digits > 18)
            return FALSE;
          magnitude = magnitude * 10 + (guint64) (*s->p - '0');
          s->p++;
        }
    }

  if (s->p < s->end && *s->p == '.')
    {
      *is_integer = FALSE;
      s->p++;
      if (s->p >= s->end || !g_ascii_isdigit (*s->p))
        return FALSE;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
    }

  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      int exp_digits = 0;

      *is_integer = FALSE;
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        {
          exp_digits++;
          s->p++;
        }
      if (exp_digits == 0 || exp_digits > 3)
        return FALSE;
    }

  if (s->p - begin > 40)
    return FALSE;

  *value = negative ? -(gint64) magnitude : (gint64) magnitude;
  return TRUE;
}

static gboolean
scan_literal (Scanner    *s,
              const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (s->end - s->p) < length || memcmp (s->p, word, length) != 0)
    return FALSE;
  s->p += length;
  return TRUE;
}

static gboolean scan_value (Scanner *s);

static gboolean
scan_object (Scanner *s)
{
  if (!expect (s, '{') || ++s->depth > MAX_DEPTH)
    return FALSE;

  if (!peek (s, '}'))
    {
      do
        {
          const char *key;
          gsize length;
          gboolean escaped;

          if (!scan_string (s, &key, &length, &escaped) || !expect (s, ':') || !scan_value (s))
            return FALSE;
        }
      while (expect (s, ','));
    }

  s->depth--;
  return expect (s, '}');
}

static gboolean
scan_array (Scanner *s)
{
  if (!expect (s, '[') || ++s->depth > MAX_DEPTH)
    return FALSE;

  if (!peek (s, ']'))
    {
      do
        {
          if (!scan_value (s))
            return FALSE;
        }
      while (expect (s, ','));
    }

  s->depth--;
  return expect (s, ']');
}

/* Any JSON value, checked against the grammar. */
static gboolean
scan_value (Scanner *s)
{
  skip_space (s);
  if (s->p >= s->end)
    return FALSE;

  switch (*s->p)
    {
    case '{':
      return scan_object (s);
    case '[':
      return scan_array (s);
    case '"':
      {
        const char *start;
        gsize length;
        gboolean escaped;

        return scan_string (s, &start, &length, &escaped);
      }
    case 't':
      return scan_literal (s, "true");
    case 'f':
      return scan_literal (s, "false");
    case 'n':
      return scan_literal (s, "null");
    default:
      {
        gboolean is_integer;
        gint64 value;

        return scan_number (s, &is_integer, &value);
      }
    }
}

/* A non-negative integer that fits in 63 bits. */
static gboolean
scan_cursor (Scanner *s,
             gint64  *value)
{
  gboolean is_integer;

  skip_space (s);
  return scan_number (s, &is_integer, value) && is_integer && *value >= 0;
}

static gboolean
scan_bool (Scanner  *s,
           gboolean *value)
{
  skip_space (s);
  if (scan_literal (s, "true"))
    *value = TRUE;
  else if (scan_literal (s, "false"))
    *value = FALSE;
  else
    return FALSE;
  return TRUE;
}

/* A member name with no escape (an escaped name could spell a member read here). */
static gboolean
scan_key (Scanner     *s,
          const char **key,
          gsize       *length)
{
  gboolean escaped;

  return scan_string (s, key, length, &escaped) && !escaped && expect (s, ':');
}

static inline gboolean
key_is (const char *key,
        gsize       length,
        const char *name)
{
  return strlen (name) == length && memcmp (key, name, length) == 0;
}

/* A string value used as it is, so it must have no escape. */
static gboolean
scan_plain_string (Scanner     *s,
                   const char **start,
                   gsize       *length)
{
  gboolean escaped;

  return scan_string (s, start, length, &escaped) && !escaped;
}

static gboolean
action_from_text (const char      *text,
                  gsize            length,
                  OmsBufferAction *action)
{
  if (length == 6 && g_ascii_strncasecmp (text, "insert", 6) == 0)
    *action = OMS_BUFFER_ACTION_UPSERT;
  else if (length == 6 && g_ascii_strncasecmp (text, "update", 6) == 0)
    *action = OMS_BUFFER_ACTION_UPSERT;
  else if (length == 6 && g_ascii_strncasecmp (text, "delete", 6) == 0)
    *action = OMS_BUFFER_ACTION_DELETE;
  else
    return FALSE;  /* merges, and what the full parser refuses */
  return TRUE;
}

/* The common record envelope: tableName, recordId, action, recordData; with @cursor_key
 * ("ID" in v5) also the record's cursor.
 */
static gboolean
scan_record (Scanner         *s,
             const char      *cursor_key,
             gint64          *cursor,
             OmsPulledRecord *record)
{
  gboolean has_cursor = FALSE, has_table = FALSE, has_id = FALSE, has_action = FALSE;
  gboolean has_data = FALSE;

  memset (record, 0, sizeof *record);
  if (!expect (s, '{'))
    return FALSE;

  if (!peek (s, '}'))
    {
      do
        {
          const char *key;
          gsize length;

          if (!scan_key (s, &key, &length))
            return FALSE;

          if (cursor_key != NULL && key_is (key, length, cursor_key))
            {
              if (has_cursor || !scan_cursor (s, cursor))
                return FALSE;
              has_cursor = TRUE;
            }
          else if (key_is (key, length, "tableName"))
            {
              if (has_table ||
                  !scan_plain_string (s, &record->table_name, &record->table_name_length))
                return FALSE;
              has_table = TRUE;
            }
          else if (key_is (key, length, "recordId"))
            {
              if (has_id ||
                  !scan_plain_string (s, &record->record_id, &record->record_id_length))
                return FALSE;
              has_id = TRUE;
            }
          else if (key_is (key, length, "action"))
            {
              const char *action;
              gsize action_length;

              if (has_action || !scan_plain_string (s, &action, &action_length) ||
                  !action_from_text (action, action_length, &record->action))
                return FALSE;
              has_action = TRUE;
            }
          else if (key_is (key, length, "recordData"))
            {
              if (has_data)
                return FALSE;
              skip_space (s);
              record->data = s->p;
              s->saw_space = FALSE;
              if (!scan_value (s))
                return FALSE;
              record->data_length = (gsize) (s->p - record->data);
              record->data_is_compact = !s->saw_space;
              has_data = TRUE;
            }
          else if (!scan_value (s))
            {
              return FALSE;
            }
        }
      while (expect (s, ','));
    }

  return expect (s, '}') && has_table && has_id && has_action &&
         (cursor_key == NULL || has_cursor);
}

/* {"maxCursor": n, "data": [{"ID": n, ...record}]}; data may be absent. */
static gboolean
scan_v5_central (Scanner       *s,
                 OmsPulledBody *body)
{
  gboolean has_max = FALSE, has_data = FALSE;

  if (!expect (s, '{'))
    return FALSE;

  if (!peek (s, '}'))
    {
      do
        {
          const char *key;
          gsize length;

          if (!scan_key (s, &key, &length))
            return FALSE;

          if (key_is (key, length, "maxCursor"))
            {
              if (has_max || !scan_cursor (s, &body->summary.max_cursor))
                return FALSE;
              has_max = body->has_max_cursor = TRUE;
            }
          else if (key_is (key, length, "data"))
            {
              if (has_data || !expect (s, '['))
                return FALSE;
              has_data = TRUE;
              if (!peek (s, ']'))
                {
                  do
                    {
                      OmsPulledRecord record;
                      gint64 cursor = 0;

                      if (!scan_record (s, "ID", &cursor, &record))
                        return FALSE;
                      g_array_append_val (body->records, record);
                      body->summary.last_cursor = cursor;
                      if (body->cursors != NULL)
                        g_array_append_val (body->cursors, cursor);
                    }
                  while (expect (s, ','));
                }
              if (!expect (s, ']'))
                return FALSE;
            }
          else if (!scan_value (s))
            {
              return FALSE;
            }
        }
      while (expect (s, ','));
    }

  return expect (s, '}') && has_max;
}

/* {"cursor": n, "record": {...record}} */
static gboolean
scan_v6_item (Scanner         *s,
              gint64          *cursor,
              OmsPulledRecord *record)
{
  gboolean has_cursor = FALSE, has_record = FALSE;

  if (!expect (s, '{'))
    return FALSE;

  if (!peek (s, '}'))
    {
      do
        {
          const char *key;
          gsize length;

          if (!scan_key (s, &key, &length))
            return FALSE;

          if (key_is (key, length, "cursor"))
            {
              if (has_cursor || !scan_cursor (s, cursor))
                return FALSE;
              has_cursor = TRUE;
            }
          else if (key_is (key, length, "record"))
            {
              if (has_record || !scan_record (s, NULL, NULL, record))
                return FALSE;
              has_record = TRUE;
            }
          else if (!scan_value (s))
            {
              return FALSE;
            }
        }
      while (expect (s, ','));
    }

  return expect (s, '}') && has_cursor && has_record;
}

/* {"data": {"end_cursor": n, "total_records": n, "records": [...], "is_last_batch": b}},
 * "data" the envelope's only member.
 */
static gboolean
scan_v6_pull (Scanner       *s,
              OmsPulledBody *body)
{
  gboolean has_end = FALSE, has_total = FALSE, has_records = FALSE, has_last = FALSE;
  const char *key;
  gsize length;

  if (!expect (s, '{') || !scan_key (s, &key, &length) || !key_is (key, length, "data") ||
      !expect (s, '{'))
    return FALSE;

  if (!peek (s, '}'))
    {
      do
        {
          if (!scan_key (s, &key, &length))
            return FALSE;

          if (key_is (key, length, "end_cursor"))
            {
              if (has_end || !scan_cursor (s, &body->summary.end_cursor))
                return FALSE;
              has_end = TRUE;
            }
          else if (key_is (key, length, "total_records"))
            {
              if (has_total || !scan_cursor (s, &body->summary.total_records))
                return FALSE;
              has_total = TRUE;
            }
          else if (key_is (key, length, "is_last_batch"))
            {
              if (has_last || !scan_bool (s, &body->summary.is_last_batch))
                return FALSE;
              has_last = TRUE;
            }
          else if (key_is (key, length, "records"))
            {
              if (has_records || !expect (s, '['))
                return FALSE;
              has_records = TRUE;
              if (!peek (s, ']'))
                {
                  do
                    {
                      OmsPulledRecord record;
                      gint64 cursor = 0;

                      if (!scan_v6_item (s, &cursor, &record))
                        return FALSE;
                      g_array_append_val (body->records, record);
                      body->summary.last_cursor = cursor;
                      if (body->cursors != NULL)
                        g_array_append_val (body->cursors, cursor);
                    }
                  while (expect (s, ','));
                }
              if (!expect (s, ']'))
                return FALSE;
            }
          else if (!scan_value (s))
            {
              return FALSE;
            }
        }
      while (expect (s, ','));
    }

  /* The inner object, then the envelope, which has no other member. */
  return expect (s, '}') && expect (s, '}') && has_end && has_total && has_records && has_last;
}

/**
 * oms_pulled_body_scan:
 * @body: a 2xx body of `central_records` (v5) or any body of `pull` (v6), as received
 * @request_cursor: the cursor the batch was asked for with
 *
 * Reads @body in one pass, without building a JSON tree.
 *
 * Returns: (transfer full) (nullable): the scanned body, which keeps @body; %NULL when the
 *   body is not of the plain shape this takes (give it to the full parser)
 */
OmsPulledBody *
oms_pulled_body_scan (OmsPulledBodyKind  kind,
                      GBytes            *body,
                      gint64             request_cursor)
{
  g_autoptr(OmsPulledBody) self = NULL;
  Scanner scanner = { NULL };
  gsize length = 0;
  const char *text;
  gboolean ok;

  g_return_val_if_fail (body != NULL, NULL);

  text = g_bytes_get_data (body, &length);
  /* json-glib refuses bad UTF-8; the grammar check below looks only at ASCII. */
  if (text == NULL || length == 0 || !g_utf8_validate_len (text, length, NULL))
    return NULL;

  self = g_new0 (OmsPulledBody, 1);
  self->kind = kind;
  self->bytes = g_bytes_ref (body);
  self->request_cursor = request_cursor;
  self->records = g_array_sized_new (FALSE, FALSE, sizeof (OmsPulledRecord), 512);
  self->summary.last_cursor = request_cursor;

  scanner.p = text;
  scanner.end = text + length;
  ok = kind == OMS_PULLED_BODY_V5_CENTRAL ? scan_v5_central (&scanner, self)
                                          : scan_v6_pull (&scanner, self);
  skip_space (&scanner);
  if (!ok || scanner.p != scanner.end)
    return NULL;

  self->summary.n_records = self->records->len;
  return g_steal_pointer (&self);
}

/* Whether the records' cursors rise from @request_cursor, so that the last one says where a
 * pull can go on from: v5 gives records with ID > cursor, v6 with cursor >= cursor, both in
 * order (PROTOCOL.md §2.3, §3.3).
 */
static gboolean
cursors_rise (OmsPulledBodyKind  kind,
              const GArray      *cursors,
              gint64             request_cursor)
{
  gint64 previous = kind == OMS_PULLED_BODY_V5_CENTRAL ? request_cursor : request_cursor - 1;

  for (guint i = 0; i < cursors->len; i++)
    {
      gint64 cursor = g_array_index (cursors, gint64, i);

      if (cursor <= previous)
        return FALSE;
      previous = cursor;
    }
  return TRUE;
}

/**
 * oms_pulled_body_scan_cut:
 * @body: the decoded part of a 2xx body of `central_records` (v5) or `pull` (v6) that came
 *   before the answer was cut short
 * @request_cursor: the cursor the batch was asked for with
 * @known_max_cursor: v5: the central's maxCursor from an earlier batch, for when the part
 *   that came does not say it
 *
 * Keeps the records that came whole, up to the first one that did not (or that the scan does
 * not take), as a batch of their own: v5 goes on after the last one's ID, v6 from one past
 * its cursor, which is where the server would go on had it sent just these (PROTOCOL.md
 * §2.3, §3.3). The summary says the batch is cut and is never the last.
 *
 * Returns: (transfer full) (nullable): the whole records, or %NULL when none came whole
 */
OmsPulledBody *
oms_pulled_body_scan_cut (OmsPulledBodyKind  kind,
                          GBytes            *body,
                          gint64             request_cursor,
                          gint64             known_max_cursor)
{
  g_autoptr(OmsPulledBody) self = NULL;
  g_autoptr(GArray) cursors = NULL;
  Scanner scanner = { NULL };
  const char *valid_end = NULL;
  gsize length = 0;
  const char *text;

  g_return_val_if_fail (body != NULL, NULL);

  text = g_bytes_get_data (body, &length);
  if (text == NULL || length == 0)
    return NULL;
  /* The cut may fall inside a character: only the valid part is read. */
  if (!g_utf8_validate_len (text, length, &valid_end))
    length = (gsize) (valid_end - text);

  self = g_new0 (OmsPulledBody, 1);
  self->kind = kind;
  self->bytes = g_bytes_ref (body);
  self->request_cursor = request_cursor;
  self->records = g_array_sized_new (FALSE, FALSE, sizeof (OmsPulledRecord), 512);
  self->cursors = cursors = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->summary.last_cursor = request_cursor;

  scanner.p = text;
  scanner.end = text + length;
  /* It fails where the body was cut; the records before that are whole. */
  if (kind == OMS_PULLED_BODY_V5_CENTRAL)
    scan_v5_central (&scanner, self);
  else
    scan_v6_pull (&scanner, self);
  self->cursors = NULL;

  if (self->records->len == 0 || !cursors_rise (kind, cursors, request_cursor))
    return NULL;

  self->summary.n_records = self->records->len;
  self->summary.is_cut = TRUE;
  if (kind == OMS_PULLED_BODY_V5_CENTRAL)
    {
      if (!self->has_max_cursor)
        self->summary.max_cursor = known_max_cursor;
      self->summary.max_cursor = MAX (self->summary.max_cursor, self->summary.last_cursor);
    }
  else
    {
      self->summary.end_cursor = self->summary.last_cursor;
      self->summary.is_last_batch = FALSE;
    }

  return g_steal_pointer (&self);
}

void
oms_pulled_body_free (OmsPulledBody *self)
{
  if (self == NULL)
    return;

  g_bytes_unref (self->bytes);
  g_array_unref (self->records);
  g_free (self);
}

OmsPulledBodyKind
oms_pulled_body_get_kind (const OmsPulledBody *self)
{
  return self->kind;
}

const OmsPulledBodySummary *
oms_pulled_body_get_summary (const OmsPulledBody *self)
{
  return &self->summary;
}

/**
 * oms_pulled_body_get_records:
 * @n_records: (out): how many
 *
 * Returns: (array length=n_records) (transfer none): the records, in the body's order
 */
const OmsPulledRecord *
oms_pulled_body_get_records (const OmsPulledBody *self,
                             guint               *n_records)
{
  *n_records = self->records->len;
  return (const OmsPulledRecord *) (gconstpointer) self->records->data;
}

/**
 * oms_pulled_body_summary_next_cursor:
 * @summary: what a pulled body said
 * @request_cursor: the cursor it was asked for with
 *
 * Returns: where the pull goes on from: v5, the last record's ID, or one past the request's
 *   cursor when the batch is empty below maxCursor (a gap in the central's ids); v6, one
 *   past end_cursor
 */
gint64
oms_pulled_body_summary_next_cursor (OmsPulledBodyKind           kind,
                                     const OmsPulledBodySummary *summary,
                                     gint64                      request_cursor)
{
  if (kind == OMS_PULLED_BODY_V6_PULL)
    return summary->end_cursor + 1;

  if (summary->n_records == 0 && request_cursor < summary->max_cursor)
    return request_cursor + 1;

  return summary->n_records > 0 ? summary->last_cursor : request_cursor;
}

/**
 * oms_pulled_body_summary_is_last:
 *
 * Open mSupply's Pull central always ends with an empty answer (PROTOCOL.md §2.3); omsync
 * stops as soon as a batch reaches maxCursor, which saves that request's round trip. The
 * central gives records with ID > cursor in order, so a record it adds later (ID past
 * maxCursor) comes in the next run, as it would had it been added a moment after the last
 * request.
 *
 * Returns: whether the pull is over once this batch is stored
 */
gboolean
oms_pulled_body_summary_is_last (OmsPulledBodyKind           kind,
                                 const OmsPulledBodySummary *summary,
                                 gint64                      request_cursor)
{
  if (kind == OMS_PULLED_BODY_V6_PULL)
    return summary->is_last_batch;

  if (summary->n_records > 0)
    return !summary->is_cut && summary->last_cursor >= summary->max_cursor;
  return request_cursor >= summary->max_cursor;
}

gint64
oms_pulled_body_next_cursor (const OmsPulledBody *self)
{
  return oms_pulled_body_summary_next_cursor (self->kind, &self->summary, self->request_cursor);
}

gboolean
oms_pulled_body_is_last (const OmsPulledBody *self)
{
  return oms_pulled_body_summary_is_last (self->kind, &self->summary, self->request_cursor);
}

/**
 * oms_json_compact:
 * @text: valid JSON
 *
 * Returns: (transfer full): @text without the whitespace between its tokens
 */
char *
oms_json_compact (const char *text,
                  gsize       length)
{
  GString *out = g_string_sized_new (length);
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (in_string)
        {
          g_string_append_c (out, c);
          if (c == '\\' && i + 1 < length)
            g_string_append_c (out, text[++i]);
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        {
          in_string = TRUE;
          g_string_append_c (out, c);
        }
      else if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
        {
          g_string_append_c (out, c);
        }
    }

  return g_string_free (out, FALSE);
}

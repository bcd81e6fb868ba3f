/* oms-translate-check.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-translate-sql"

#include "config.h"

#include <string.h>

#include "oms-translate-check.h"

/* The simple condition in C. The conditions field_sql() and datetime_sql() write in SQL, kept
 * as steps over the record's top-level members, so that oms_pull_simple() reads each record's text once instead of
 * asking JSON1 for every field: each json_type() or json_extract() finds the parse in JSON1's
 * cache by comparing the whole text, then walks the members.
 *
 * The steps are made by the same calls that write the SQL, from the same field maps, and
 * oms_pull_simple() must be at least as strict as the SQL: a record it calls simple must be one
 * the SQL condition (OmsTranslateSql.simple_json1) calls simple. It may decline more, such as
 * dates or enums with escapes; those records take the per-record path.
 */

CheckProgram *
_oms_translate_check_program_new (void)
{
  CheckProgram *program = g_new0 (CheckProgram, 1);

  program->steps = g_array_new (FALSE, TRUE, sizeof (CheckStep));
  return program;
}

void
_oms_translate_check_program_free (gpointer data)
{
  CheckProgram *program = data;

  g_array_unref (program->steps);
  g_free (program);
}

/* A top-level member of the record, as json_type() would name it. */
typedef enum
{
  MEMBER_ABSENT = 0,
  MEMBER_NULL,
  MEMBER_TRUE,
  MEMBER_FALSE,
  MEMBER_INTEGER,
  MEMBER_REAL,
  MEMBER_TEXT,
  MEMBER_CONTAINER, /* an object or an array */
} MemberType;

typedef struct
{
  MemberType  type;
  const char *text;    /* a string's content between its quotes, a number's literal */
  gsize       length;
  gboolean    escaped; /* a string with a backslash escape */
  guint       seen;    /* how often oms_json_is_plain() would find its "key" in the text */
} Member;

typedef struct
{
  const char         *p;
  const char         *end;
  const CheckProgram *program;
  Member             *members; /* by slot */
} Scan;

static inline void
skip_space (Scan *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

static gboolean scan_value (Scan   *s,
                            Member *member,
                            int     depth);

/* A string, strictly as RFC 8259 has it, but declining every \u escape and every "\u" in the
 * text (an escaped backslash before a u), as oms_json_is_plain() does. It also counts the
 * needles oms_json_is_plain() would find: in a valid text without \u, a "key" can only end at
 * a string's closing quote, so it is what follows the string's last quote (its opening one or
 * an escaped one).
 */
static gboolean
scan_string (Scan        *s,
             const char **text,
             gsize       *length,
             gboolean    *escaped)
{
  const char *start = ++s->p;
  const char *after_quote = start;
  int slot;

  *escaped = FALSE;
  for (;;)
    {
      guchar c;

      if (s->p >= s->end)
        return FALSE;
      c = (guchar) *s->p;
      if (c == '"')
        break;
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        {
          s->p++;
          continue;
        }

      if (s->p + 1 >= s->end)
        return FALSE;
      switch (s->p[1])
        {
        case '"':
          after_quote = s->p + 2;
          break;
        case '\\':
          if (s->p + 2 < s->end && s->p[2] == 'u')
            return FALSE;
          break;
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          break;
        default:
          return FALSE;
        }
      *escaped = TRUE;
      s->p += 2;
    }

  *text = start;
  *length = s->p - start;
  slot = find_slot (s->program, after_quote, s->p - after_quote);
  if (slot >= 0)
    s->members[slot].seen++;
  s->p++;

  return TRUE;
}

static inline gboolean
scan_digits (Scan *s)
{
  if (s->p >= s->end || !g_ascii_isdigit (*s->p))
    return FALSE;
  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;

  return TRUE;
}

/* A number, as RFC 8259 and JSON1 have it: real when it has a fraction or an exponent. */
static gboolean
scan_number (Scan       *s,
             MemberType *type)
{
  *type = MEMBER_INTEGER;
  if (*s->p == '-')
    s->p++;
  if (s->p < s->end && *s->p == '0')
    s->p++;
  else if (!scan_digits (s))
    return FALSE;

  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      *type = MEMBER_REAL;
      if (!scan_digits (s))
        return FALSE;
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      *type = MEMBER_REAL;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!scan_digits (s))
        return FALSE;
    }

  return TRUE;
}

static inline gboolean
scan_literal (Scan       *s,
              const char *literal,
              gsize       length)
{
  if ((gsize) (s->end - s->p) < length || memcmp (s->p, literal, length) != 0)
    return FALSE;
  s->p += length;

  return TRUE;
}

/* An object or an array at s->p; the top-level object's members fill s->members. */
static gboolean
scan_container (Scan *s,
                int   depth)
{
  gboolean object = *s->p == '{';
  char close = object ? '}' : ']';

  if (depth >= CHECK_MAX_DEPTH)
    return FALSE;

  s->p++;
  skip_space (s);
  if (s->p < s->end && *s->p == close)
    {
      s->p++;
      return TRUE;
    }

  for (;;)
    {
      Member *member = NULL;

      if (object)
        {
          const char *key;
          gsize length;
          gboolean escaped;

          if (s->p >= s->end || *s->p != '"' || !scan_string (s, &key, &length, &escaped))
            return FALSE;
          if (depth == 0)
            {
              int slot = find_slot (s->program, key, length);

              if (slot >= 0)
                member = &s->members[slot];
            }
          skip_space (s);
          if (s->p >= s->end || *s->p != ':')
            return FALSE;
          s->p++;
          skip_space (s);
        }

      if (!scan_value (s, member, depth + 1))
        return FALSE;

      skip_space (s);
      if (s->p >= s->end)
        return FALSE;
      if (*s->p == close)
        {
          s->p++;
          return TRUE;
        }
      if (*s->p != ',')
        return FALSE;
      s->p++;
      skip_space (s);
    }
}

static gboolean
scan_value (Scan   *s,
            Member *member,
            int     depth)
{
  Member ignored;
  const char *start = s->p;

  if (member == NULL)
    member = &ignored;
  if (s->p >= s->end)
    return FALSE;

  member->escaped = FALSE;
  switch (*s->p)
    {
    case '"':
      member->type = MEMBER_TEXT;
      return scan_string (s, &member->text, &member->length, &member->escaped);

    case '{':
    case '[':
      member->type = MEMBER_CONTAINER;
      return scan_container (s, depth);

    case 't':
      member->type = MEMBER_TRUE;
      return scan_literal (s, "true", 4);

    case 'f':
      member->type = MEMBER_FALSE;
      return scan_literal (s, "false", 5);

    case 'n':
      member->type = MEMBER_NULL;
      return scan_literal (s, "null", 4);

    default:
      if (*s->p != '-' && !g_ascii_isdigit (*s->p))
        return FALSE;
      if (!scan_number (s, &member->type))
        return FALSE;
      member->text = start;
      member->length = s->p - start;
      return TRUE;
    }
}

/* Whether an integer literal is one JSON1 returns as an INTEGER (a 64-bit one). */
static gboolean
integer_fits_int64 (const Member *m)
{
  const char *digits = m->text;
  gsize n = m->length;
  gboolean negative = n > 0 && *digits == '-';

  if (negative)
    {
      digits++;
      n--;
    }
  if (n != 19)
    return n < 19;

  return memcmp (digits, negative ? "9223372036854775808" : "9223372036854775807", 19) <= 0;
}

static gboolean
integer_fits_int32 (const Member *m)
{
  char buffer[16];
  gint64 value;

  if (m->length >= sizeof buffer)
    return FALSE;
  memcpy (buffer, m->text, m->length);
  buffer[m->length] = '\0';
  value = g_ascii_strtoll (buffer, NULL, 10);

  return value >= G_MININT32 && value <= G_MAXINT32;
}

/* A date field as oms_pull_date_ok() sees json_extract()'s value; *is_null says whether the
 * column gets NULL. Strings with escapes are declined: no date has one.
 */
static gboolean
check_date (FieldKind     kind,
            const Member *m,
            gboolean     *is_null)
{
  char text[64];
  char buffer[OMS_TRANSLATE_DATE_SIZE];
  const char *printed;

  if (m->type == MEMBER_ABSENT || m->type == MEMBER_NULL)
    {
      if (!oms_translate_pull_date_text (kind, NULL, buffer, &printed))
        return FALSE;
    }
  else
    {
      if (m->type != MEMBER_TEXT || m->escaped || m->length >= sizeof text)
        return FALSE;
      memcpy (text, m->text, m->length);
      text[m->length] = '\0';
      if (!oms_translate_pull_date_text (kind, text, buffer, &printed))
        return FALSE;
    }

  *is_null = printed == NULL;
  return TRUE;
}

static gboolean
in_values (const char *const *values,
           const Member      *m)
{
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      if (strlen (values[i]) == m->length && memcmp (values[i], m->text, m->length) == 0)
        return TRUE;
    }

  return FALSE;
}

/* One FieldMap step: field_sql()'s condition, with *is_null and *is_empty for its value. */
static gboolean
check_field (const CheckStep *step,
             const Member    *m,
             gboolean        *is_null,
             gboolean        *is_empty)
{
  gboolean none = m->type == MEMBER_ABSENT || m->type == MEMBER_NULL;

  *is_null = FALSE;
  *is_empty = m->type == MEMBER_TEXT && m->length == 0;

  switch (step->kind)
    {
    case KIND_STRING:
      return m->type == MEMBER_TEXT;

    case KIND_STRING_OR_NULL:
    case KIND_JSON_STRING_OR_NULL:
      *is_null = none;
      return none || m->type == MEMBER_TEXT;

    case KIND_STRING_EMPTY_NULL:
      *is_null = none || *is_empty;
      return none || m->type == MEMBER_TEXT;

    case KIND_BOOL:
    case KIND_BOOL_NOT:
      return m->type == MEMBER_TRUE || m->type == MEMBER_FALSE;

    case KIND_BOOL_OR_NULL:
      *is_null = none;
      return none || m->type == MEMBER_TRUE || m->type == MEMBER_FALSE;

    case KIND_INT:
    case KIND_INT_OR_NULL:
      *is_null = none;
      if (none)
        return step->kind == KIND_INT_OR_NULL;
      return m->type == MEMBER_INTEGER && integer_fits_int32 (m);

    case KIND_DOUBLE:
    case KIND_DOUBLE_OR_NULL:
      *is_null = none;
      if (none)
        return step->kind == KIND_DOUBLE_OR_NULL;
      return m->type == MEMBER_REAL || (m->type == MEMBER_INTEGER && integer_fits_int64 (m));

    case KIND_LEGACY_DATE:
    case KIND_DATE_OR_NULL:
    case KIND_DATETIME:
    case KIND_DATETIME_OR_NULL:
      return check_date (step->kind, m, is_null);

    case KIND_DATETIME_OR_EPOCH:
      /* Absent takes the default; null is missing. */
      return m->type != MEMBER_NULL && check_date (step->kind, m, is_null);

    case KIND_ENUM:
      return m->type == MEMBER_TEXT && !m->escaped && in_values (step->values, m);

    case KIND_ENUM_OR_NULL:
      *is_null = none || *is_empty;
      if (*is_null)
        return TRUE;
      return m->type == MEMBER_TEXT && !m->escaped && in_values (step->values, m);

    default:
      return FALSE;
    }
}

/* One DateTimeMap step: datetime_sql()'s conditions. */
static gboolean
check_datetime (const CheckStep *step,
                const Member    *members,
                gboolean        *is_null)
{
  gboolean override_null;
  gboolean date_null;

  if (!check_date (KIND_DATETIME_OR_NULL, &members[step->slot], &override_null) ||
      !check_date (KIND_LEGACY_DATE, &members[step->date_slot], &date_null))
    return FALSE;

  if (step->time_slot >= 0)
    {
      const Member *time = &members[step->time_slot];

      if (time->type == MEMBER_ABSENT ||
          (time->type == MEMBER_INTEGER && !integer_fits_int64 (time)))
        return FALSE;
    }

  *is_null = override_null && date_null;
  return TRUE;
}

/* Whether @program calls the record @text simple; at least as strict as its SQL. */
gboolean
_oms_translate_check_program_run (const CheckProgram *program,
                                  const char         *text,
                                  gsize               length)
{
  Member members[CHECK_MAX_KEYS];
  Scan s = { text, text + length, program, members };

  /* As oms_json_is_plain(): valid UTF-8 without NULs. */
  if (text == NULL || !g_utf8_validate (text, length, NULL))
    return FALSE;

  memset (members, 0, program->n_keys * sizeof (Member));
  skip_space (&s);
  if (s.p >= s.end || *s.p != '{' || !scan_container (&s, 0))
    return FALSE;
  skip_space (&s);
  if (s.p != s.end)
    return FALSE;

  /* A key twice, or a needle anywhere else in the text. */
  for (guint i = 0; i < program->n_keys; i++)
    {
      if (members[i].seen > 1)
        return FALSE;
    }

  for (guint i = 0; i < program->steps->len; i++)
    {
      const CheckStep *step = &g_array_index (program->steps, CheckStep, i);
      gboolean is_null = FALSE;
      gboolean is_empty = FALSE;

      if (step->datetime ? !check_datetime (step, members, &is_null)
                         : !check_field (step, &members[step->slot], &is_null, &is_empty))
        return FALSE;
      if ((step->not_null && is_null) || (step->not_empty && is_empty))
        return FALSE;
    }

  return TRUE;
}

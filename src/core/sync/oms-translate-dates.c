/* oms-translate-dates.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-translate"

#include "config.h"

#include <string.h>

#include "oms-translate-dates.h"

/* The dates and times of sync records, as both centrals write them: Open mSupply's chrono
 * formats (NaiveDate, NaiveDateTime, NaiveTime) and the legacy central's ("YYYY-MM-DD" with
 * "0000-00-00" for none, times in seconds since midnight). Parsing and printing are done by
 * hand, not with GDateTime, to accept and print exactly what chrono does.
 */

/* Dates and times, in chrono's formats. */

static gboolean
parse_digits (const char **p,
              int          n_digits,
              int         *out)
{
  int value = 0;

  for (int i = 0; i < n_digits; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      value = value * 10 + ((*p)[i] - '0');
    }

  *p += n_digits;
  *out = value;
  return TRUE;
}

static gboolean
parse_date_part (const char **p,
                 DateTime    *dt)
{
  if (!parse_digits (p, 4, &dt->year) || **p != '-')
    return FALSE;
  (*p)++;
  if (!parse_digits (p, 2, &dt->month) || **p != '-')
    return FALSE;
  (*p)++;
  if (!parse_digits (p, 2, &dt->day))
    return FALSE;

  return dt->year >= 1 && dt->year <= G_MAXUINT16 && dt->month >= 1 && dt->month <= 12 &&
         g_date_valid_dmy (dt->day, dt->month, dt->year);
}

static gboolean
parse_time_part (const char **p,
                 DateTime    *dt,
                 gboolean     allow_fraction)
{
  int hours;
  int minutes;
  int seconds;

  if (!parse_digits (p, 2, &hours) || **p != ':')
    return FALSE;
  (*p)++;
  if (!parse_digits (p, 2, &minutes) || **p != ':')
    return FALSE;
  (*p)++;
  if (!parse_digits (p, 2, &seconds))
    return FALSE;
  if (hours > 23 || minutes > 59 || seconds > 59)
    return FALSE;

  dt->seconds = hours * 3600 + minutes * 60 + seconds;
  dt->nanos = 0;

  if (allow_fraction && **p == '.')
    {
      int scale = 100000000;

      (*p)++;
      if (!g_ascii_isdigit (**p))
        return FALSE;
      /* chrono reads at most nine digits and ignores the rest. */
      for (; g_ascii_isdigit (**p); (*p)++)
        {
          dt->nanos += (**p - '0') * scale;
          scale /= 10;
        }
    }

  return TRUE;
}

/* NaiveDateTime: "YYYY-MM-DDTHH:MM:SS" with an optional fraction. */
gboolean
_oms_translate_parse_datetime (const char *text,
                               DateTime   *dt)
{
  const char *p = text;

  if (!parse_date_part (&p, dt) || (*p != 'T' && *p != 't' && *p != ' '))
    return FALSE;
  p++;

  return parse_time_part (&p, dt, TRUE) && *p == '\0';
}

/* A plain NaiveDate: "YYYY-MM-DD". */
static gboolean
parse_date (const char *text,
            DateTime   *dt)
{
  const char *p = text;

  dt->seconds = 0;
  dt->nanos = 0;
  return parse_date_part (&p, dt) && *p == '\0';
}

/* zero_date_as_option (after "" and "0000-00-00"): a date, optionally followed by a time
 * that is dropped.
 */
gboolean
_oms_translate_parse_legacy_date (const char *text,
                                  DateTime   *dt)
{
  const char *p = text;

  if (!parse_date_part (&p, dt))
    return FALSE;

  if (*p == 'T' || *p == ' ')
    {
      p++;
      if (!parse_time_part (&p, dt, FALSE))
        return FALSE;
    }

  dt->seconds = 0;
  dt->nanos = 0;
  return *p == '\0';
}

/* The printers write into a buffer of OMS_TRANSLATE_DATE_SIZE bytes without allocating:
 * integration prints every date of every pulled record. %0<width>d, for values >= 0.
 */
static char *
print_number (char *p,
              int   value,
              int   width)
{
  char digits[12];
  int n = 0;

  do
    {
      digits[n++] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value > 0);
  while (n < width)
    digits[n++] = '0';
  while (n > 0)
    *p++ = digits[--n];

  return p;
}

/* "%04d-%02d-%02d" */
static char *
print_date (char           *p,
            const DateTime *dt)
{
  p = print_number (p, dt->year, 4);
  *p++ = '-';
  p = print_number (p, dt->month, 2);
  *p++ = '-';
  p = print_number (p, dt->day, 2);
  *p = '\0';

  return p;
}

/* "%02d:%02d:%02d" */
static char *
print_time (char *p,
            int   seconds)
{
  p = print_number (p, seconds / 3600, 2);
  *p++ = ':';
  p = print_number (p, seconds / 60 % 60, 2);
  *p++ = ':';
  p = print_number (p, seconds % 60, 2);
  *p = '\0';

  return p;
}

/* chrono writes a NaiveDateTime with no fraction, or with 3, 6 or 9 digits of it. */
static char *
print_datetime (char           *p,
                const DateTime *dt)
{
  p = print_date (p, dt);
  *p++ = 'T';
  p = print_time (p, dt->seconds);

  if (dt->nanos != 0)
    {
      *p++ = '.';
      if (dt->nanos % 1000000 == 0)
        p = print_number (p, dt->nanos / 1000000, 3);
      else if (dt->nanos % 1000 == 0)
        p = print_number (p, dt->nanos / 1000, 6);
      else
        p = print_number (p, dt->nanos, 9);
      *p = '\0';
    }

  return p;
}

char *
_oms_translate_format_date (const DateTime *dt)
{
  char text[OMS_TRANSLATE_DATE_SIZE];

  print_date (text, dt);
  return g_strdup (text);
}

char *
_oms_translate_format_time (int seconds)
{
  char text[OMS_TRANSLATE_DATE_SIZE];

  print_time (text, seconds);
  return g_strdup (text);
}

char *
_oms_translate_format_datetime (const DateTime *dt)
{
  char text[OMS_TRANSLATE_DATE_SIZE];

  print_datetime (text, dt);
  return g_strdup (text);
}

/* date_option_to_isostring: the date at midnight. */
char *
_oms_translate_format_legacy_date (const DateTime *dt)
{
  g_autofree char *date = _oms_translate_format_date (dt);

  return g_strdup_printf ("%sT00:00:00", date);
}

/* to_legacy_time: the time of day rounded to the second, wrapping past midnight as chrono's
 * NaiveTime does; the date is taken unrounded.
 */
int
_oms_translate_legacy_time_seconds (const DateTime *dt)
{
  int seconds = dt->seconds;

  if (dt->nanos >= 500000000)
    seconds = (seconds + 1) % 86400;

  return seconds;
}

/*
 * oms_translate_pull_date_text:
 * @kind: a date or datetime kind
 * @text: (nullable): the field's text, or %NULL when it has none (absent, or null where @kind
 *   allows that)
 * @buffer: (nullable): OMS_TRANSLATE_DATE_SIZE bytes to print into, or %NULL to only check
 * @out: (out) (transfer none) (nullable): the column's text, in @buffer or static, or %NULL
 *   for a null column
 *
 * The column value pull_field() stores for a date or datetime field. Shared with the set-based
 * integration (oms-translate-sql.c), which calls it from SQL so that both paths parse and
 * print dates with the same code.
 *
 * Returns: %FALSE when @text is not a value of @kind
 */
gboolean
oms_translate_pull_date_text (FieldKind    kind,
                              const char  *text,
                              char        *buffer,
                              const char **out)
{
  DateTime dt;

  *out = NULL;

  switch ((int) kind)
    {
    case KIND_LEGACY_DATE:
    case KIND_DATE_OR_NULL:
      if (text == NULL || *text == '\0' ||
          (kind == KIND_LEGACY_DATE && g_str_equal (text, "0000-00-00")))
        return TRUE;
      if (!(kind == KIND_LEGACY_DATE ? _oms_translate_parse_legacy_date (text, &dt)
                                     : parse_date (text, &dt)))
        return FALSE;
      if (buffer != NULL)
        {
          print_date (buffer, &dt);
          *out = buffer;
        }
      return TRUE;

    case KIND_DATETIME:
    case KIND_DATETIME_OR_EPOCH:
    case KIND_DATETIME_OR_NULL:
      if (text == NULL && kind == KIND_DATETIME_OR_EPOCH)
        {
          *out = "1970-01-01T00:00:00";
          return TRUE;
        }
      if (text == NULL || (kind == KIND_DATETIME_OR_NULL && *text == '\0'))
        return kind == KIND_DATETIME_OR_NULL;
      if (!_oms_translate_parse_datetime (text, &dt))
        return FALSE;
      if (buffer != NULL)
        {
          print_datetime (buffer, &dt);
          *out = buffer;
        }
      return TRUE;

    default:
      g_return_val_if_reached (FALSE);
    }
}

/*
 * oms_translate_pull_date_at:
 * @date: a date as oms_translate_pull_date_text() prints it, "YYYY-MM-DD"
 * @seconds: a time of day in seconds since midnight, 0 to 86399
 * @buffer: OMS_TRANSLATE_DATE_SIZE bytes
 *
 * Prints into @buffer the legacy date and time as one NaiveDateTime, as pull_datetime() stores
 * it when there is no override.
 */
void
oms_translate_pull_date_at (const char *date,
                            int         seconds,
                            char       *buffer)
{
  char *p;

  g_return_if_fail (date != NULL && strlen (date) < OMS_TRANSLATE_DATE_SIZE - 10);
  g_return_if_fail (seconds >= 0 && seconds < 86400);

  p = g_stpcpy (buffer, date);
  *p++ = 'T';
  print_time (p, seconds);
}

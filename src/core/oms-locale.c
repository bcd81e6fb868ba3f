/* oms-locale.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-locale"

#include "config.h"

#include <langinfo.h>
#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>

#include "oms-locale.h"

/* Dates, times and counts shown to people follow the user's locale (LC_TIME, LC_NUMERIC), as
 * set by oms_locale_init(); machine formats (JSON, SQL, HTTP, logs) never use these. In the C
 * locale, which states no preference, dates stay ISO 8601 ("2026-01-07 23:45") rather than
 * C's "01/07/26".
 */

/* The window, the command line and the tests share one set-up, so a string is translated
 * the same way wherever it is shown.
 */
void
oms_locale_init (void)
{
  const char *localedir = g_getenv ("OMSYNC_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* The tests run the build tree, whose catalogues are not installed yet: they point
   * OMSYNC_LOCALEDIR at _build/po.
   */
  bindtextdomain (GETTEXT_PACKAGE,
                  localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/**
 * oms_locale_time_is_c:
 *
 * Returns: whether LC_TIME is the C (or POSIX) locale, which has no date format of its own
 */
gboolean
oms_locale_time_is_c (void)
{
  const char *name = setlocale (LC_TIME, NULL);

  return name == NULL || strcmp (name, "C") == 0 || strcmp (name, "POSIX") == 0 ||
         g_str_has_prefix (name, "C.");
}

/**
 * oms_locale_uses_12_hours:
 *
 * Returns: whether the LC_TIME locale writes times with AM/PM, from its own time format
 */
gboolean
oms_locale_uses_12_hours (void)
{
  const char *format = nl_langinfo (T_FMT);

  return format != NULL &&
         (strstr (format, "%r") != NULL || strstr (format, "%I") != NULL ||
          strstr (format, "%l") != NULL || strstr (format, "%p") != NULL);
}

/**
 * oms_locale_format_time:
 * @time: a moment, in any time zone
 *
 * Returns: (transfer full): the local time of day in the locale's way, hours and minutes:
 *   "23:45", or "11:45 PM" where the locale uses AM/PM
 */
char *
oms_locale_format_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);

  return g_date_time_format (local, oms_locale_uses_12_hours () ? "%-I:%M %p" : "%H:%M");
}

/**
 * oms_locale_format_date_time:
 * @time: a moment, in any time zone
 *
 * Returns: (transfer full): the local date and time in the locale's way: "07/01/2026 23:45"
 *   in fr_FR, "01/07/2026 11:45 PM" in en_US, "2026-01-07 23:45" in the C locale
 */
char *
oms_locale_format_date_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);
  g_autofree char *date = NULL;
  g_autofree char *time_of_day = NULL;

  if (oms_locale_time_is_c ())
    return g_date_time_format (local, "%Y-%m-%d %H:%M");

  date = g_date_time_format (local, "%x");
  time_of_day = oms_locale_format_time (local);

  return g_strconcat (date, " ", time_of_day, NULL);
}

/**
 * oms_locale_format_count:
 * @count: a number of things
 *
 * Returns: (transfer full): @count with the locale's digit grouping: "12 345" in fr_FR,
 *   "12,345" in en_US, "12345" in the C locale
 */
char *
oms_locale_format_count (gint64 count)
{
  return g_strdup_printf ("%'" G_GINT64_FORMAT, count);
}

/**
 * oms_locale_format_temperature:
 * @celsius: a temperature in degrees Celsius
 *
 * Returns: (transfer full): @celsius to a tenth of a degree with the locale's decimal
 *   separator: "4,5 °C" in fr_FR, "4.5 °C" in the C locale
 */
char *
oms_locale_format_temperature (double celsius)
{
  /* Translators: a temperature in degrees Celsius, e.g. “4.5 °C”; the number has the
   * locale's decimal separator. */
  return g_strdup_printf (_("%.1f °C"), celsius);
}

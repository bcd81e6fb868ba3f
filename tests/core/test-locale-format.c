/* test-locale-format.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-locale-format"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "oms-json-util.h"
#include "oms-locale.h"

/* Dates, times, temperatures and counts shown to people follow the user's locale (LC_TIME,
 * LC_NUMERIC), in real locales: fr_FR.UTF-8 (day first, decimal comma, grouped thousands,
 * 24 hours) and en_US.UTF-8 (month first, AM/PM). `./run` generates both; a test fails, not
 * skips, when one is missing, so that a machine without them cannot pass by accident.
 * Machine formats (the canonical JSON omsync signs and pushes) stay C whatever the locale.
 */

/* 2026-01-07T23:45:00Z; the tests run with TZ=UTC. */
#define MOMENT G_GINT64_CONSTANT (1767829500)

static void
use_locale (const char *name)
{
  if (setlocale (LC_ALL, name) == NULL)
    g_error ("The locale %s is not available (locale -a lacks it). ./run generates it; by hand, "
             "as root: localedef -i %.5s -f UTF-8 %s", name, name, name);
}

static GDateTime *
moment (void)
{
  return g_date_time_new_from_unix_utc (MOMENT);
}

static void
test_c (void)
{
  g_autoptr(GDateTime) time = moment ();
  g_autofree char *date_time = NULL;
  g_autofree char *time_of_day = NULL;
  g_autofree char *count = NULL;
  g_autofree char *temperature = NULL;

  use_locale ("C.UTF-8");
  g_assert_true (oms_locale_time_is_c ());

  /* No preference stated: ISO 8601, not C's "01/07/26". */
  date_time = oms_locale_format_date_time (time);
  g_assert_cmpstr (date_time, ==, "2026-01-07 23:45");
  time_of_day = oms_locale_format_time (time);
  g_assert_cmpstr (time_of_day, ==, "23:45");
  count = oms_locale_format_count (1234567);
  g_assert_cmpstr (count, ==, "1234567");
  temperature = oms_locale_format_temperature (4.5);
  g_assert_cmpstr (temperature, ==, "4.5 °C");
}

static void
test_french (void)
{
  g_autoptr(GDateTime) time = moment ();
  g_autofree char *date_time = NULL;
  g_autofree char *time_of_day = NULL;
  g_autofree char *count = NULL;
  g_autofree char *expected_count = NULL;
  g_autofree char *temperature = NULL;
  const char *separator;

  use_locale ("fr_FR.UTF-8");
  g_assert_false (oms_locale_time_is_c ());
  g_assert_false (oms_locale_uses_12_hours ());

  date_time = oms_locale_format_date_time (time);
  g_assert_cmpstr (date_time, ==, "07/01/2026 23:45");
  time_of_day = oms_locale_format_time (time);
  g_assert_cmpstr (time_of_day, ==, "23:45");

  /* Grouped in threes with the locale's own separator (a narrow no-break space). */
  separator = localeconv ()->thousands_sep;
  g_assert_nonnull (separator);
  g_assert_cmpstr (separator, !=, "");
  expected_count = g_strconcat ("1", separator, "234", separator, "567", NULL);
  count = oms_locale_format_count (1234567);
  g_assert_cmpstr (count, ==, expected_count);

  temperature = oms_locale_format_temperature (4.5);
  g_assert_cmpstr (temperature, ==, "4,5 °C");
}

static void
test_american (void)
{
  g_autoptr(GDateTime) time = moment ();
  g_autofree char *date_time = NULL;
  g_autofree char *time_of_day = NULL;
  g_autofree char *count = NULL;

  use_locale ("en_US.UTF-8");
  g_assert_true (oms_locale_uses_12_hours ());

  date_time = oms_locale_format_date_time (time);
  g_assert_cmpstr (date_time, ==, "01/07/2026 11:45 PM");
  time_of_day = oms_locale_format_time (time);
  g_assert_cmpstr (time_of_day, ==, "11:45 PM");
  count = oms_locale_format_count (1234567);
  g_assert_cmpstr (count, ==, "1,234,567");
}

/* What omsync writes for machines has a decimal point in every locale. */
static void
test_machine_formats_stay_c (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  use_locale ("fr_FR.UTF-8");
  json = oms_json_canonicalise ("{\"temperature\": 4.5, \"count\": 1234567}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json, ==, "{\"count\":1234567,\"temperature\":4.5}");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("LANGUAGE", "C", TRUE);
  g_unsetenv ("LC_ALL");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oms/locale-format/c", test_c);
  g_test_add_func ("/oms/locale-format/fr_FR", test_french);
  g_test_add_func ("/oms/locale-format/en_US", test_american);
  g_test_add_func ("/oms/locale-format/machine-formats-stay-c", test_machine_formats_stay_c);

  return g_test_run ();
}

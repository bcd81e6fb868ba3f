/* oms-translate-dates.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "oms-translate-private.h"

G_BEGIN_DECLS

/* What oms-translate.c shares with oms-translate-dates.c: a date and time as chrono holds it. */
typedef struct
{
  int year;
  int month;
  int day;
  int seconds; /* since midnight */
  int nanos;
} DateTime;

gboolean  _oms_translate_parse_datetime      (const char     *text,
                                              DateTime       *dt);
gboolean  _oms_translate_parse_legacy_date   (const char     *text,
                                              DateTime       *dt);
char     *_oms_translate_format_date         (const DateTime *dt);
char     *_oms_translate_format_time         (int             seconds);
char     *_oms_translate_format_datetime     (const DateTime *dt);
char     *_oms_translate_format_legacy_date  (const DateTime *dt);
int       _oms_translate_legacy_time_seconds (const DateTime *dt);

G_END_DECLS

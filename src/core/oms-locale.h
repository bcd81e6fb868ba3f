/* oms-locale.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void     oms_locale_init                 (void);

gboolean oms_locale_time_is_c            (void);
gboolean oms_locale_uses_12_hours        (void);
char    *oms_locale_format_date_time     (GDateTime *time);
char    *oms_locale_format_time          (GDateTime *time);
char    *oms_locale_format_count         (gint64     count);
char    *oms_locale_format_temperature   (double     celsius);

G_END_DECLS

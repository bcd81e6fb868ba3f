/* oms-locale.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-locale"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "oms-locale.h"

/* The window, the command line and the tests share one set-up, so a string is translated
 * the same way wherever it is shown.
 */
void
oms_locale_init (void)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

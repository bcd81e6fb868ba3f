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

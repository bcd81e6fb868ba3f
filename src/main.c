/* main.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "omsync"

#include "config.h"

#include "oms-application.h"
#include "oms-locale.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(OmsApplication) app = NULL;

  oms_locale_init ();

  app = oms_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}

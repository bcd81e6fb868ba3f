/* main-cli.c
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "oms-cli"

#include "config.h"

#include "oms-cli-commands.h"
#include "oms-locale.h"

int
main (int   argc,
      char *argv[])
{
  oms_locale_init ();

  return oms_cli_main (argc, argv);
}

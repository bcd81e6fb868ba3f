/* oms-cli-commands.h
 *
 * Copyright 2026 The omsync authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "oms-store.h"

G_BEGIN_DECLS

/* Exit statuses of omsync-cli: a usage error is told apart from a failure. */
typedef enum
{
  OMS_CLI_EXIT_OK      = 0,
  OMS_CLI_EXIT_FAILURE = 1,
  OMS_CLI_EXIT_USAGE   = 2,
} OmsCliExit;

/* What every command is given: the options read before the command name. */
typedef struct
{
  char *data_dir;
} OmsCli;

int             oms_cli_main           (int                  argc,
                                        char               **argv);
GOptionContext *oms_cli_parse_command  (OmsCli              *cli,
                                        const char          *name,
                                        const char          *description,
                                        const GOptionEntry  *entries,
                                        int                 *argc,
                                        char              ***argv);
int             oms_cli_usage_error    (GOptionContext      *context,
                                        const char          *message);
OmsStore       *oms_cli_open_store     (OmsCli              *cli);
void            oms_cli_print          (const char          *text);
void            oms_cli_printerr       (const char          *text);

G_END_DECLS
